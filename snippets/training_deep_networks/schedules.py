"""Learning-rate schedules: a constant rate, step decay, and cosine decay
after a linear warm-up, on the same network and budget."""

# --8<-- [start:schedules]
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.optim.lr_scheduler import (CosineAnnealingLR, LambdaLR,
                                      LinearLR, SequentialLR, StepLR)
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_digits(return_X_y=True)
X = X / 16  # pixels from 0 to 1
# chapter 2's split: 60% to train, 20% to validate, 20% to test, once
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
train_set = TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                          torch.tensor(y_train))
X_val = torch.tensor(X_val, dtype=torch.float32).to(device)
y_val = torch.tensor(y_val).to(device)
criterion = nn.CrossEntropyLoss()
EPOCHS, PEAK = 20, 0.3


def constant(optimizer):
    """The rate multiplied by 1 at every epoch."""
    return LambdaLR(optimizer, lambda epoch: 1.0)


def step_decay(optimizer):
    """The rate divided by 10 every 8 epochs."""
    return StepLR(optimizer, step_size=8, gamma=0.1)


def warmup_cosine(optimizer):
    """2 epochs of linear warm-up from PEAK / 10, then cosine decay."""
    return SequentialLR(optimizer, milestones=[2], schedulers=[
        LinearLR(optimizer, start_factor=0.1, total_iters=2),
        CosineAnnealingLR(optimizer, T_max=EPOCHS - 2)])


def train(schedule):
    """Chapter 2's network and loop, minibatches of 64, the rate set by
    `schedule` at each epoch. Returns the rates and validation losses."""
    torch.manual_seed(0)  # the same initial weights for every schedule
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(),
                          nn.Linear(32, 10)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=PEAK, momentum=0.9)
    scheduler = schedule(optimizer)
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    rates, val_losses = [], []
    for epoch in range(EPOCHS):
        rates.append(optimizer.param_groups[0]["lr"])  # this epoch's rate
        model.train()
        for Xb, yb in loader:
            optimizer.zero_grad()
            criterion(model(Xb.to(device)), yb.to(device)).backward()
            optimizer.step()
        scheduler.step()  # the rate of the next epoch
        model.eval()
        with torch.inference_mode():
            logits = model(X_val)
            val_losses.append(criterion(logits, y_val).item())
    accuracy = (logits.argmax(dim=1) == y_val).float().mean().item()
    return rates, val_losses, accuracy


runs = {}
print(f"{'schedule':<16}{'last rate':>10}{'val loss':>10}{'lowest':>8}"
      f"{'val':>8}")
for name, schedule in [("constant", constant), ("step", step_decay),
                       ("warm-up, cosine", warmup_cosine)]:
    runs[name] = rates, losses, accuracy = train(schedule)
    print(f"{name:<16}{rates[-1]:10.4f}{losses[-1]:10.3f}"
          f"{min(losses):8.3f}{accuracy:8.1%}")
# --8<-- [end:schedules]

# --8<-- [start:figure]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2),
                                  num="training-deep-networks-schedules")
epochs = range(1, EPOCHS + 1)
for name, (rates, losses, _) in runs.items():
    left.plot(epochs, rates, label=name)
    right.plot(epochs, losses, label=name)
left.set(xlabel="epoch", ylabel="learning rate", xticks=[1, 5, 10, 15, 20])
right.set(xlabel="epoch", ylabel="validation loss", yscale="log",
          xticks=[1, 5, 10, 15, 20])
right.legend(loc="upper right")
fig.tight_layout()
plt.show()
# --8<-- [end:figure]
