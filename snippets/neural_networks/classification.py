"""Classification losses: the logistic neuron, softmax and cross-entropy, logits in PyTorch."""

# --8<-- [start:logistic]
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def bce(p, y):
    """Binary cross-entropy: the mean of -log(probability of the label)."""
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


y = np.array([1.0, 1.0, 0.0])   # three labels
z = np.array([3.0, -1.0, -2.0])  # the neuron's outputs before the sigmoid
p = sigmoid(z)                   # probabilities of class 1
print("p =", p.round(3), " BCE =", bce(p, y).round(3))
# --8<-- [end:logistic]

# --8<-- [start:mse-vs-bce]
# One example of class 1 that the neuron puts far on the wrong side:
z, y = -6.0, 1.0
p = sigmoid(z)
mse_slope = 2 * (p - y) * p * (1 - p)  # dE/dz for E = (p - y)^2
bce_slope = p - y                      # dE/dz for the cross-entropy
print(f"p = {p:.4f}")
print(f"dE/dz with MSE: {mse_slope:.4f}   with BCE: {bce_slope:.4f}")
# --8<-- [end:mse-vs-bce]

# --8<-- [start:softmax]
def log_softmax(Z):
    """log p, row by row, as Z - log(sum(exp(Z))); subtracting the row's
    maximum first changes nothing but keeps exp from overflowing."""
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))


def softmax(Z):
    return np.exp(log_softmax(Z))


Z = np.array([[2.0, 1.0, -1.0],   # logits: 2 examples, 3 classes
              [0.0, 0.0, 3.0]])
labels = np.array([0, 1])
P = softmax(Z)
# -log p of each true class, taken from log_softmax, never log(P)
cross_entropy = -np.mean(log_softmax(Z)[np.arange(2), labels])
print("P =", P.round(3).tolist())
print(f"cross-entropy: {cross_entropy:.4f}")
# --8<-- [end:softmax]

# --8<-- [start:logits]
import torch
import torch.nn as nn

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

logits = torch.tensor(Z, dtype=torch.float32, device=device)
targets = torch.tensor(labels, device=device)
criterion = nn.CrossEntropyLoss()  # log-softmax, then the mean of -log p
print(f"from logits:        {criterion(logits, targets).item():.4f}")
# A common mistake: applying softmax first, so it is applied twice.
probs = torch.softmax(logits, dim=1)
print(f"from probabilities: {criterion(probs, targets).item():.4f}")
# Large logits: the naive formula overflows, log-softmax does not.
big = torch.tensor([[1000.0, 0.0]], device=device)
naive = torch.log(torch.exp(big) / torch.exp(big).sum())
print("naive log-softmax:", naive.tolist())
print("log_softmax:      ", torch.log_softmax(big, dim=1).tolist())
# --8<-- [end:logits]
