"""Solutions to the exercises of "From neurons to networks"."""

# --8<-- [start:setup]
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_moons

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU
torch.manual_seed(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))
# --8<-- [end:setup]

# --8<-- [start:sigmoid-slope]
z = np.linspace(-10, 10, 2001)           # a grid that contains z = 0
slope = sigmoid(z) * (1 - sigmoid(z))    # sigma' = sigma (1 - sigma)
print(f"largest slope {slope.max():.4f} at z = {z[slope.argmax()]:.1f}")
print(f"slope at z = 5: {sigmoid(5.0) * (1 - sigmoid(5.0)):.4f}")
# --8<-- [end:sigmoid-slope]

# --8<-- [start:two-classes]
logits = np.array([[0.5, 2.0], [3.0, -1.0]])      # 2 examples, 2 classes
exps, shifted = np.exp(logits), np.exp(logits + 100)
difference = logits[:, 1] - logits[:, 0]
print("softmax, class 1:       ",
      (exps / exps.sum(axis=1, keepdims=True))[:, 1].round(4))
print("sigmoid(z1 - z0):       ", sigmoid(difference).round(4))
print("shifted by 100, class 1:",
      (shifted / shifted.sum(axis=1, keepdims=True))[:, 1].round(4))
# --8<-- [end:two-classes]

# --8<-- [start:zero-tanh]
X_np, y_np = make_moons(n_samples=300, noise=0.2, random_state=0)  # 150 + 150
X = torch.tensor(X_np, dtype=torch.float32).to(device)
y = torch.tensor(y_np, dtype=torch.float32).view(-1, 1).to(device)


def train_from_zeros(activation, steps=200):
    """The symmetry section's network, every parameter 0, trained by SGD."""
    net = nn.Sequential(nn.Linear(2, 16), activation, nn.Linear(16, 1))
    for parameter in net.parameters():
        nn.init.zeros_(parameter)
    net = net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=2.0)
    net.train()
    for step in range(steps):
        optimizer.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(net(X), y).backward()
        optimizer.step()
    return net


for activation in (nn.Tanh(), nn.ReLU()):
    net = train_from_zeros(activation)
    net.eval()
    with torch.inference_mode():
        loss = nn.functional.binary_cross_entropy_with_logits(net(X), y)
    zero = all((net[i].weight == 0).all().item() for i in (0, 2))
    print(f"{type(activation).__name__}: weights all zero {zero}, "
          f"output bias about 0 {abs(net[2].bias.item()) < 1e-6}, "
          f"loss {loss.item():.4f}")
print(f"log 2 = {np.log(2):.4f}")
# --8<-- [end:zero-tanh]

# --8<-- [start:parameters]
for sizes in [(64, 32, 10), (64, 128, 10), (64, 32, 32, 10)]:
    counts = [sum(p.numel() for p in nn.Linear(a, b).parameters())
              for a, b in zip(sizes, sizes[1:])]  # weights and biases
    print(f"{str(sizes):<16} per layer {counts}, total {sum(counts)}")
# --8<-- [end:parameters]
