"""The linear neuron in PyTorch: tensors, autograd, nn.Linear, SGD, the loop, DataLoader."""

# --8<-- [start:setup]
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
# --8<-- [end:setup]

# --8<-- [start:tensors]
X_train_t = torch.tensor(X_train, dtype=torch.float32)   # built on the CPU
y_train_t = torch.tensor(y_train, dtype=torch.float32).view(-1, 1)
X_test_t = torch.tensor(X_test, dtype=torch.float32)
y_test_t = torch.tensor(y_test, dtype=torch.float32).view(-1, 1)
n, m = X_train_t.shape
print("X_train_t:", tuple(X_train_t.shape), X_train_t.dtype)
print("y_train_t:", tuple(y_train_t.shape))
X_full, y_full = X_train_t.to(device), y_train_t.to(device)  # full batch
# --8<-- [end:tensors]

# --8<-- [start:autograd]
w = torch.zeros(m, 1, device=device, requires_grad=True)
b = torch.zeros(1, device=device, requires_grad=True)
u = X_full @ w + b
loss = ((y_full - u) ** 2).mean()  # E, the MSE
loss.backward()                    # autograd fills w.grad and b.grad

with torch.no_grad():  # a check, not part of the model: no graph
    by_hand = 2 / n * X_full.T @ (u - y_full)  # (2/n) X^T (u - y)
same = torch.allclose(w.grad, by_hand, rtol=1e-5)
print("autograd matches the formula:", same)
# --8<-- [end:autograd]

# --8<-- [start:model]
model = nn.Linear(m, 1).to(device)  # weight of shape (1, m) and a bias
criterion = nn.MSELoss()            # E, the same loss as in the NumPy part
# The largest stable rate found by hand for these standardised features:
optimizer = torch.optim.SGD(model.parameters(), lr=0.125)
# --8<-- [end:model]

# --8<-- [start:loop]
def evaluate(model, X, y):
    """The model's MSE on (X, y), in evaluation mode and without autograd."""
    model.eval()
    with torch.inference_mode():
        return criterion(model(X.to(device)), y.to(device)).item()


model.train()                           # training mode, then the loop
for epoch in range(100):
    optimizer.zero_grad()               # 1. clear the last step's gradients
    y_hat = model(X_full)               # 2. forward pass
    loss = criterion(y_hat, y_full)
    loss.backward()                     # 3. autograd computes every gradient
    optimizer.step()                    # 4. update the parameters

train_mse = evaluate(model, X_train_t, y_train_t)
test_mse = evaluate(model, X_test_t, y_test_t)
print(f"full batch:  train MSE {train_mse:.0f}, test MSE {test_mse:.0f}")
mean_guess = torch.full_like(y_test_t, y_train_t.mean().item())
spread = y_test_t.std(correction=0)  # around the test targets' own mean
print(f"yardstick:   test MSE {criterion(mean_guess, y_test_t):.0f} "
      f"predicting the training mean; test targets' std {spread:.0f}")
# --8<-- [end:loop]

# --8<-- [start:dataloader]
from torch.utils.data import DataLoader, TensorDataset

train_dataset = TensorDataset(X_train_t, y_train_t)  # stays on the CPU
shuffling = torch.Generator().manual_seed(0)  # the same order on every run
train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True,
                          generator=shuffling,
                          pin_memory=device.type == "cuda")  # page-locked

model = nn.Linear(m, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
model.train()
for epoch in range(20):
    for Xb, yb in train_loader:         # a new order at every epoch
        # One batch at a time; from pinned memory, non_blocking=True lets
        # the CPU go on while the batch is copied to a CUDA GPU.
        Xb = Xb.to(device, non_blocking=True)
        yb = yb.to(device, non_blocking=True)
        optimizer.zero_grad()
        loss = criterion(model(Xb), yb)
        loss.backward()
        optimizer.step()

train_mse = evaluate(model, X_train_t, y_train_t)
test_mse = evaluate(model, X_test_t, y_test_t)
print(f"minibatches: train MSE {train_mse:.0f}, test MSE {test_mse:.0f}")
# --8<-- [end:dataloader]
