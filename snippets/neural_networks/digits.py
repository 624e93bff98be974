"""A multilayer perceptron in PyTorch on scikit-learn's handwritten digits."""

# --8<-- [start:data]
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_digits(return_X_y=True)  # 8x8 images, pixels from 0 to 16
X = X / 16  # pixels from 0 to 1: a fixed scale, no statistic of any split
# 60% to train, 20% to choose settings (validation), 20% to test, once
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
splits = {}
for name, (X_, y_) in {"train": (X_train, y_train), "val": (X_val, y_val),
                       "test": (X_test, y_test)}.items():
    splits[name] = (torch.tensor(X_, dtype=torch.float32),
                    torch.tensor(y_, dtype=torch.long))  # class indices
    print(f"{name:<5}", tuple(splits[name][0].shape))
# --8<-- [end:data]

# --8<-- [start:model]
class MLP(nn.Module):
    """Inputs -> ReLU hidden layer -> one logit per class."""

    def __init__(self, n_in, n_hidden, n_classes):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.output = nn.Linear(n_hidden, n_classes)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x)))  # logits


model = MLP(64, 32, 10).to(device)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
# nn.Linear computes x @ weight.T + bias: weight is W1 transposed
print("hidden.weight:", tuple(model.hidden.weight.shape))
# --8<-- [end:model]

# --8<-- [start:train]
import copy

from torch.utils.data import DataLoader, TensorDataset

criterion = nn.CrossEntropyLoss()  # takes logits and class indices
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
shuffling = torch.Generator().manual_seed(0)
train_loader = DataLoader(TensorDataset(*splits["train"]), batch_size=32,
                          shuffle=True, generator=shuffling,
                          pin_memory=device.type == "cuda")


def evaluate(model, X, y):
    """Mean loss and accuracy, in evaluation mode and without autograd."""
    model.eval()
    with torch.inference_mode():
        logits = model(X.to(device))
        loss = criterion(logits, y.to(device)).item()
        correct = (logits.argmax(dim=1).cpu() == y).float().mean().item()
    return loss, correct


history = {"train": [], "val": []}
best = {"val loss": float("inf")}
print("epoch  train loss  val loss  lowest so far  val accuracy")
for epoch in range(1, 31):
    model.train()
    for Xb, yb in train_loader:  # pinned batches: asynchronous copies
        Xb = Xb.to(device, non_blocking=True)
        yb = yb.to(device, non_blocking=True)
        optimizer.zero_grad()
        loss = criterion(model(Xb), yb)
        loss.backward()
        optimizer.step()
    for name in history:
        history[name].append(evaluate(model, *splits[name]))
    (train_loss, _), (val_loss, val_acc) = (history["train"][-1],
                                            history["val"][-1])
    if val_loss < best["val loss"]:
        # A copy: state_dict() returns the live tensors, which train on
        best = {"val loss": val_loss, "epoch": epoch,
                "state": copy.deepcopy(model.state_dict())}
    if epoch in (1, 5, 10, 20, 30):
        lowest = f"{best['val loss']:.3f} at {best['epoch']:2d}"
        print(f"{epoch:5d}{train_loss:12.3f}{val_loss:10.3f}{lowest:>15}"
              f"{val_acc:14.1%}")
# --8<-- [end:train]

# --8<-- [start:curves]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2), num="digits-curves")
epochs = range(1, len(history["train"]) + 1)
for name, label in [("train", "training"), ("val", "validation")]:
    left.plot(epochs, [loss for loss, _ in history[name]], label=label)
    right.plot(epochs, [acc for _, acc in history[name]], label=label)
for ax in (left, right):  # the epoch whose weights were kept
    ax.axvline(best["epoch"], color="gray", linestyle=":",
               label="lowest validation loss")
left.set(xlabel="epoch", ylabel="cross-entropy", yscale="log")
right.set(xlabel="epoch", ylabel="accuracy", ylim=(0.8, 1.005))
left.legend(loc="lower left")
fig.tight_layout()
plt.show()
# --8<-- [end:curves]

# --8<-- [start:test]
model.load_state_dict(best["state"])  # the epoch validation chose
test_loss, test_acc = evaluate(model, *splits["test"])  # once, at the end
X_t, y_t = splits["test"]
# one standard error of an accuracy measured on len(y_t) images
error_bar = (test_acc * (1 - test_acc) / len(y_t)) ** 0.5
print(f"test accuracy {test_acc:.1%} ± {error_bar:.1%} "
      f"({round(test_acc * len(y_t))} of {len(y_t)} images)")
# --8<-- [end:test]

# --8<-- [start:digits]
with torch.inference_mode():
    predicted = model(X_t.to(device)).argmax(dim=1).cpu()
wrong = (predicted != y_t).nonzero().ravel()
shown = list(range(6)) + wrong[:6].tolist()  # 6 first, then 6 mistakes
fig, axes = plt.subplots(2, 6, figsize=(8, 3.2), num="digits-predictions")
for ax, i in zip(axes.ravel(), shown):
    ax.imshow(X_t[i].view(8, 8).numpy(), cmap="gray_r")
    right = predicted[i] == y_t[i]
    title = f"{predicted[i]}" if right else f"{predicted[i]} ({y_t[i]})"
    ax.set_title(title, color="black" if right else "#b3261e")
    ax.set_axis_off()
fig.tight_layout()
plt.show()
# --8<-- [end:digits]
