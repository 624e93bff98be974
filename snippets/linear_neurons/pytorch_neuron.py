"""The linear neuron in PyTorch: tensors, autograd, nn.Linear, SGD, the loop, DataLoader."""

# --8<-- [start:setup]
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, XPU, ... or else the CPU

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
# --8<-- [end:setup]

# --8<-- [start:tensors]
X_train_t = torch.tensor(X_train, dtype=torch.float32, device=device)
y_train_t = torch.tensor(y_train, dtype=torch.float32, device=device).view(-1, 1)
X_test_t = torch.tensor(X_test, dtype=torch.float32, device=device)
y_test_t = torch.tensor(y_test, dtype=torch.float32, device=device).view(-1, 1)
n, m = X_train_t.shape
print("X_train_t:", tuple(X_train_t.shape), X_train_t.dtype)
print("y_train_t:", tuple(y_train_t.shape))
# --8<-- [end:tensors]

# --8<-- [start:autograd]
w = torch.zeros(m, 1, device=device, requires_grad=True)
b = torch.zeros(1, device=device, requires_grad=True)
u = X_train_t @ w + b
loss = ((y_train_t - u) ** 2).mean()  # E, the MSE
loss.backward()                       # autograd fills w.grad and b.grad

by_hand = 2 / n * X_train_t.T @ (u - y_train_t)  # (2/n) X^T (u - y): factor 2 kept
same = torch.allclose(w.grad, by_hand.detach(), rtol=1e-5)
print("autograd matches the formula:", same)
# --8<-- [end:autograd]

# --8<-- [start:model]
model = nn.Linear(m, 1).to(device)  # weight of shape (1, m) and a bias
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# --8<-- [end:model]

# --8<-- [start:loop]
epochs = 200
for _ in range(epochs):
    optimizer.zero_grad()               # 1. clear the gradients of the previous step
    y_hat = model(X_train_t)            # 2. forward pass
    loss = criterion(y_hat, y_train_t)
    loss.backward()                     # 3. autograd computes every gradient
    optimizer.step()                    # 4. update the parameters

with torch.no_grad():  # evaluate the trained model; no graph needed
    train_loss = criterion(model(X_train_t), y_train_t)
    test_loss = criterion(model(X_test_t), y_test_t)
print(f"full batch: train MSE {train_loss:.1f}, test MSE {test_loss:.1f}")
# --8<-- [end:loop]

# --8<-- [start:dataloader]
from torch.utils.data import DataLoader, TensorDataset

train_dataset = TensorDataset(X_train_t, y_train_t)
shuffling = torch.Generator().manual_seed(0)  # the same order on every run
train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True,
                          generator=shuffling)

model = nn.Linear(m, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for _ in range(50):
    for Xb, yb in train_loader:         # a new order of the examples at every epoch
        optimizer.zero_grad()
        y_hat = model(Xb)
        loss = criterion(y_hat, yb)
        loss.backward()
        optimizer.step()

with torch.no_grad():
    train_loss = criterion(model(X_train_t), y_train_t)
    test_loss = criterion(model(X_test_t), y_test_t)
print(f"minibatches of 32: train MSE {train_loss:.1f}, test MSE {test_loss:.1f}")
# --8<-- [end:dataloader]
