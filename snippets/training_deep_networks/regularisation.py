"""Regularisation measured on a small training set: weight decay, dropout,
early stopping and data augmentation."""

# --8<-- [start:small]
import copy

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)  # same initial weights and same masks on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_digits(return_X_y=True)
X = X.reshape(-1, 1, 8, 8) / 16  # images, for the CNN at the end
# chapter 2's split: 60% to train, 20% to validate, 20% to test, once
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
# 150 of the 1,078 training digits, 15 of each class: easy to memorise
X_small, _, y_small, _ = train_test_split(
    X_train, y_train, train_size=150, stratify=y_train, random_state=0)
splits = {name: (torch.tensor(X_, dtype=torch.float32), torch.tensor(y_))
          for name, X_, y_ in [("train", X_small, y_small),
                               ("val", X_val, y_val),
                               ("test", X_test, y_test)]}
print({name: tuple(X_.shape) for name, (X_, _) in splits.items()})


class MLP(nn.Module):
    """64 pixels -> 100 ReLU units -> 10 logits, with an optional layer
    (dropout, later) on the hidden units."""

    def __init__(self, dropout=None):
        super().__init__()
        self.hidden = nn.Linear(64, 100)
        self.dropout = dropout or nn.Identity()
        self.output = nn.Linear(100, 10)

    def forward(self, x):
        h = torch.relu(self.hidden(x.flatten(1)))
        return self.output(self.dropout(h))


criterion = nn.CrossEntropyLoss()


def evaluate(model, X, y):
    """Mean loss and accuracy, in evaluation mode and without autograd."""
    model.eval()
    with torch.inference_mode():
        logits = model(X.to(device))
        loss = criterion(logits, y.to(device)).item()
        correct = (logits.argmax(dim=1).cpu() == y).float().mean().item()
    return loss, correct


def fit(model, optimizer, epochs=300, data=None):
    """Full-batch training: one step per epoch on all the training
    images (or on `data`)."""
    X, y = (t.to(device) for t in (data or splits["train"]))
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        criterion(model(X), y).backward()
        optimizer.step()
    return model


def report(name, model, extra=""):
    """Training and validation accuracy, their gap in points, the
    validation loss, and `extra`."""
    _, train_acc = evaluate(model, *splits["train"])
    val_loss, val_acc = evaluate(model, *splits["val"])
    gap = 100 * (train_acc - val_acc)
    print(f"{name:<18}{train_acc:8.1%}{val_acc:8.1%}{gap:6.1f}"
          f"{val_loss:9.3f}{extra}")
    return val_loss


def sgd(parameters, **settings):
    """Chapter 2's optimiser, full batch: SGD with momentum 0.9."""
    return torch.optim.SGD(parameters, lr=0.1, momentum=0.9, **settings)


def header(extra=""):
    print(f"{'':<18}{'train':>8}{'val':>8}{'gap':>6}{'val loss':>9}{extra}")


torch.manual_seed(0)
plain = MLP().to(device)
fit(plain, sgd(plain.parameters()))
header()
report("no regularisation", plain)
# --8<-- [end:small]

# --8<-- [start:weight-decay]
def decay_groups(model, weight_decay):
    """Two parameter groups: weight decay on the weight matrices, none on
    the biases (nor on a normalisation layer's scale and shift, 1-D too)."""
    matrices = [p for p in model.parameters() if p.ndim > 1]
    vectors = [p for p in model.parameters() if p.ndim <= 1]
    return [{"params": matrices, "weight_decay": weight_decay},
            {"params": vectors, "weight_decay": 0.0}]


def weight_norm(model):
    """The norm of all the weight matrices together, biases left out."""
    return sum(p.detach().square().sum()
               for p in model.parameters() if p.ndim > 1).sqrt().item()


decayed = {0.0: plain}
for lam in (1e-3, 3e-3, 1e-2, 3e-2):
    torch.manual_seed(0)  # the same initial weights as `plain`
    decayed[lam] = MLP().to(device)
    fit(decayed[lam], sgd(decay_groups(decayed[lam], lam)))
header(f"{'norm':>7}")
val_losses = {}
for lam, model in decayed.items():
    val_losses[lam] = report(f"lambda = {lam:g}", model,
                             f"{weight_norm(model):7.2f}")
best_lam = min(val_losses, key=val_losses.get)  # chosen on validation
print("lambda chosen on the validation set:", best_lam)
# --8<-- [end:weight-decay]

# --8<-- [start:adamw]
# pixels blank in all 150 training images: the data never moves their weights
blank = (splits["train"][0].flatten(1) == 0).all(dim=0).to(device)
print("blank pixels:", blank.sum().item())


def blank_weights(model):
    """Mean absolute weight from the blank pixels to the hidden units."""
    return model.hidden.weight.detach()[:, blank].abs().mean().item()


header(f"{'norm':>7}{'blank':>7}")
runs = [("Adam", torch.optim.Adam, 0.0),
        ("Adam + L2", torch.optim.Adam, 0.01),
        ("Adam + L2", torch.optim.Adam, 0.003),
        ("AdamW", torch.optim.AdamW, 0.01),
        ("AdamW", torch.optim.AdamW, 1.0)]
adam = {}
for name, Optimiser, lam in runs:
    torch.manual_seed(0)
    adam[name, lam] = model = MLP().to(device)
    at_start = blank_weights(model)
    fit(model, Optimiser(decay_groups(model, lam), lr=0.01), epochs=100)
    report(f"{name}, {lam:g}", model,
           f"{weight_norm(model):7.2f}{blank_weights(model):7.3f}")
print(f"blank pixels' weights at the start: {at_start:.3f}")
# --8<-- [end:adamw]

# --8<-- [start:dropout]
class InvertedDropout(nn.Module):
    """Zero each input with probability p while training, and divide the
    others by 1 - p; the identity in evaluation mode."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        # the mask is drawn on the CPU: the same masks on any device
        keep = (torch.rand(x.shape) >= self.p).to(x.device)
        return x * keep / (1 - self.p)


x = torch.ones(1_000_000).to(device)
for drop in (InvertedDropout(0.5), nn.Dropout(0.5)):
    drop.train()
    out = drop(x)
    values = out.unique().tolist()  # 0, or 1 / (1 - p) = 2
    zeros = (out == 0).float().mean().item()
    drop.eval()
    same = torch.equal(drop(x), x)
    print(f"{type(drop).__name__:<16}{values}, zeros {zeros:.2f}, "
          f"mean {out.mean().item():.2f}, eval identity {same}")
# --8<-- [end:dropout]

# --8<-- [start:dropout-trained]
header()
dropped, dropout_losses = {}, {}
for p in (0.1, 0.3, 0.5, 0.7):
    torch.manual_seed(0)
    dropped[p] = MLP(InvertedDropout(p)).to(device)
    fit(dropped[p], sgd(dropped[p].parameters()))
    dropout_losses[p] = report(f"dropout p = {p}", dropped[p])
print("p chosen on the validation set:",
      min(dropout_losses, key=dropout_losses.get))
# --8<-- [end:dropout-trained]

# --8<-- [start:early-stopping]
def fit_early(model, optimizer, patience, max_epochs=300):
    """Full-batch training that keeps the weights of the epoch of lowest
    validation loss, and stops after `patience` epochs without a lower one.
    Returns the epoch it stopped at and the epoch it kept."""
    X, y = (t.to(device) for t in splits["train"])
    best_loss, best_epoch = float("inf"), 0
    for epoch in range(1, max_epochs + 1):
        model.train()
        optimizer.zero_grad()
        criterion(model(X), y).backward()
        optimizer.step()
        val_loss, _ = evaluate(model, *splits["val"])
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best)
    return epoch, best_epoch


torch.manual_seed(0)
early = MLP().to(device)
stopped, kept = fit_early(early, sgd(early.parameters()), patience=20)
print(f"stopped at epoch {stopped}, kept the weights of epoch {kept}")
header(f"{'norm':>7}")
report("early stopping", early, f"{weight_norm(early):7.2f}")
# --8<-- [end:early-stopping]

# --8<-- [start:test]
# of all the networks above, the validation set picks one
chosen = min([*decayed.values(), *adam.values(), *dropped.values(), early],
             key=lambda model: evaluate(model, *splits["val"])[0])
for name in ("val", "test"):  # the test set: once, on the chosen network
    print(name, f"{evaluate(chosen, *splits[name])[1]:.1%}")
# --8<-- [end:test]

# --8<-- [start:augmentation]
def shifted(images, dx, dy):
    """Chapter 3's move: the images moved dx pixels right and dy down
    (negative: left, up); blank pixels come in at the opposite edge."""
    p = max(abs(dx), abs(dy))
    padded = nn.functional.pad(images, (p, p, p, p))  # p blank pixels around
    h, w = images.shape[-2:]
    return padded[..., p - dy:p - dy + h, p - dx:p - dx + w]


MOVES = [(1, 0), (-1, 0), (0, 1), (0, -1)]  # right, left, down, up


def fit_augmented(model, optimizer, epochs=300):
    """`fit`, on a new version of the training set at each epoch: each
    digit as it is or moved by one pixel, one of five, drawn at random."""
    X, y = splits["train"]
    versions = torch.stack([X] + [shifted(X, dx, dy) for dx, dy in MOVES])
    draws = torch.Generator().manual_seed(0)
    for epoch in range(epochs):
        pick = torch.randint(len(versions), (len(X),), generator=draws)
        X_epoch = versions[pick, torch.arange(len(X))]  # (150, 1, 8, 8)
        model.train()
        optimizer.zero_grad()
        criterion(model(X_epoch.to(device)), y.to(device)).backward()
        optimizer.step()
    return model


def moved_accuracy(model):
    """Mean validation accuracy over the four moves by one pixel."""
    X_v, y_v = splits["val"]
    return sum(evaluate(model, shifted(X_v, dx, dy), y_v)[1]
               for dx, dy in MOVES) / len(MOVES)


# Full float32 in convolutions on NVIDIA GPUs too, as in chapter 3
if hasattr(torch.backends.cudnn, "conv"):  # PyTorch 2.9 and later
    torch.backends.cudnn.conv.fp32_precision = "ieee"
else:
    torch.backends.cudnn.allow_tf32 = False


class CNN(nn.Module):
    """Chapter 3's network: two stages of 5x5 convolution, tanh and max
    pooling, then a linear layer to 10 logits."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5, padding=2), nn.Tanh(),
            nn.MaxPool2d(2))
        self.output = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        return self.output(self.features(x).flatten(1))


print(f"{'':<18}{'train':>8}{'val':>8}{'moved by 1':>12}")
for Net, epochs in [(MLP, 300), (CNN, 120)]:
    for train, label in [(fit, ""), (fit_augmented, ", augmented")]:
        torch.manual_seed(0)  # the same start with and without
        model = Net().to(device)
        train(model, sgd(model.parameters()), epochs=epochs)
        _, train_acc = evaluate(model, *splits["train"])
        _, val_acc = evaluate(model, *splits["val"])
        print(f"{Net.__name__ + label:<18}{train_acc:8.0%}{val_acc:8.0%}"
              f"{moved_accuracy(model):12.0%}")
# --8<-- [end:augmentation]
