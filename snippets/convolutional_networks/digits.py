"""Chapter 2's MLP and a convolutional network on scikit-learn's digits, and on the same digits moved."""

# --8<-- [start:data]
import copy

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_digits(return_X_y=True)
X = X.reshape(-1, 1, 8, 8) / 16  # (N, C, H, W): one channel of 8x8 pixels
# chapter 2's split: 60% to train, 20% to validate, 20% to test, once
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
splits = {name: (torch.tensor(X_, dtype=torch.float32), torch.tensor(y_))
          for name, X_, y_ in [("train", X_train, y_train),
                               ("val", X_val, y_val),
                               ("test", X_test, y_test)]}
print({name: tuple(X_.shape) for name, (X_, _) in splits.items()})
# --8<-- [end:data]

# --8<-- [start:mlp]
class MLP(nn.Module):
    """Chapter 2's network: 64 pixels -> 32 ReLU units -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(64, 32)
        self.output = nn.Linear(32, 10)

    def forward(self, x):
        x = x.flatten(1)  # (N, 1, 8, 8) -> (N, 64): the pixels as a list
        return self.output(torch.relu(self.hidden(x)))


criterion = nn.CrossEntropyLoss()


def evaluate(model, X, y):
    """Mean loss and accuracy, in evaluation mode and without autograd."""
    model.eval()
    with torch.inference_mode():
        logits = model(X.to(device))
        loss = criterion(logits, y.to(device)).item()
        correct = (logits.argmax(dim=1).cpu() == y).float().mean().item()
    return loss, correct


def fit(model, epochs=18):
    """Chapter 2's loop, at half its learning rate and for 18 epochs rather
    than 30. Returns the model with the weights of the epoch of lowest
    validation loss, and that epoch."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    shuffling = torch.Generator().manual_seed(0)
    loader = DataLoader(TensorDataset(*splits["train"]), batch_size=32,
                        shuffle=True, generator=shuffling)
    best_loss, best_epoch = float("inf"), 0
    best = copy.deepcopy(model.state_dict())
    for epoch in range(1, epochs + 1):
        model.train()
        for Xb, yb in loader:
            Xb, yb = Xb.to(device), yb.to(device)
            optimizer.zero_grad()
            criterion(model(Xb), yb).backward()
            optimizer.step()
        val_loss, _ = evaluate(model, *splits["val"])
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best = copy.deepcopy(model.state_dict())
    model.load_state_dict(best)
    return model, best_epoch


mlp, epoch = fit(MLP().to(device))
print(f"MLP: lowest validation loss at epoch {epoch}, "
      f"test accuracy {evaluate(mlp, *splits['test'])[1]:.1%}")
# --8<-- [end:mlp]

# --8<-- [start:shifts]
def shifted(images, dx, dy):
    """The images moved dx pixels right and dy down (negative: left, up);
    blank pixels come in at the opposite edge."""
    p = max(abs(dx), abs(dy))
    padded = nn.functional.pad(images, (p, p, p, p))  # p blank pixels around
    h, w = images.shape[-2:]
    return padded[..., p - dy:p - dy + h, p - dx:p - dx + w]


def shifted_accuracy(model, pixels):
    """Mean test accuracy over the four moves by `pixels`: right, left,
    down, up."""
    X_test, y_test = splits["test"]
    moves = [(pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels)]
    return sum(evaluate(model, shifted(X_test, dx, dy), y_test)[1]
               for dx, dy in moves) / len(moves)


for pixels in (1, 2):
    print(f"moved by {pixels} pixel{'s' * (pixels > 1)}: "
          f"{shifted_accuracy(mlp, pixels):.1%}")
# --8<-- [end:shifts]

# --8<-- [start:cnn]
# Full float32 in convolutions on NVIDIA GPUs too, rather than the faster
# TF32 (about 3 significant digits): the GPU then prints what the CPU prints.
if hasattr(torch.backends.cudnn, "conv"):  # PyTorch 2.9 and later
    torch.backends.cudnn.conv.fp32_precision = "ieee"
else:
    torch.backends.cudnn.allow_tf32 = False


class CNN(nn.Module):
    """LeNet's pattern: two stages of 5x5 convolution, tanh and pooling
    (max pooling, where LeNet averaged), then a linear layer to 10 logits."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2),   # 6 maps of 8x8
            nn.Tanh(),
            nn.MaxPool2d(2),                             # 6 maps of 4x4
            nn.Conv2d(6, 16, kernel_size=5, padding=2),  # 16 maps of 4x4
            nn.Tanh(),
            nn.MaxPool2d(2),                             # 16 maps of 2x2
        )
        self.output = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        return self.output(self.features(x).flatten(1))


torch.manual_seed(0)  # the same start, as a script or after the blocks above
cnn = CNN().to(device)
x = splits["train"][0][:32].to(device)  # a batch of 32 images
print(f"{'input':<10}{tuple(x.shape)}")
with torch.inference_mode():
    for layer in [*cnn.features, nn.Flatten(), cnn.output]:
        x = layer(x)
        count = sum(p.numel() for p in layer.parameters())
        shape = f"{type(layer).__name__:<10}{str(tuple(x.shape)):<16}"
        print(f"{shape}{count:5d} parameters" if count else shape.rstrip())
for name, model in [("CNN", cnn), ("MLP", mlp)]:
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters")
# --8<-- [end:cnn]

# --8<-- [start:train]
cnn, epoch = fit(cnn)
print(f"CNN: lowest validation loss at epoch {epoch}")
print(f"{'moved by':<10}{'MLP':>7}{'CNN':>7}")
for pixels, label in [(0, "0"), (1, "1 pixel"), (2, "2 pixels")]:
    row = [shifted_accuracy(model, pixels) for model in (mlp, cnn)]
    print(f"{label:<10}" + "".join(f"{acc:7.1%}" for acc in row))
# --8<-- [end:train]

# --8<-- [start:global-pooling]
torch.manual_seed(0)
convolutions = [nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(),
                nn.Conv2d(6, 10, kernel_size=1)]  # 1x1: 10 maps of scores
ends = {"global average pooling": nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten()),  # one mean per map
        "flatten and linear": nn.Sequential(
            nn.Flatten(), nn.Linear(10 * 16 * 16, 10))}
digit = nn.functional.pad(splits["test"][0][:1], (4, 4, 4, 4))  # 16x16
print("logits unchanged, digit moved by 1, 2, 3 pixels:")
for name, end in ends.items():
    net = nn.Sequential(*convolutions, end).to(device)
    with torch.inference_mode():
        logits = net(digit.to(device))
        same = [torch.allclose(net(shifted(digit, dx, 0).to(device)),
                               logits, atol=1e-5) for dx in (1, 2, 3)]
    print(f"  {name:<23}", same)
# --8<-- [end:global-pooling]

# --8<-- [start:filters]
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

kernels = cnn.features[0].weight.detach().cpu()[:, 0]  # (6, 5, 5)
largest = kernels.abs().max().item()
fig, axes = plt.subplots(1, 6, figsize=(8, 1.8), num="cnn-filters")
for ax, kernel in zip(axes, kernels):
    for (i, j), w in zip(((i, j) for i in range(5) for j in range(5)),
                         kernel.flatten().tolist()):
        if abs(w) < 1e-3 * largest:
            continue  # too small to see, and its sign is rounding's choice
        side = 0.9 * (abs(w) / largest) ** 0.5  # area in proportion to |w|
        ax.add_patch(Rectangle((j - side / 2, i - side / 2), side, side,
                               color="#b3261e" if w > 0 else "#1f4e8c"))
    ax.set(xlim=(-0.5, 4.5), ylim=(4.5, -0.5), aspect="equal",
           xticks=[], yticks=[])
fig.tight_layout()
plt.show()
# --8<-- [end:filters]
