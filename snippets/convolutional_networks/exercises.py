"""Solutions to the exercises of "Convolutional networks"."""

# --8<-- [start:setup]
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)  # the layers below draw their initial weights
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU
# Apple's MPS has no 64-bit floats: there, the 64-bit checks use the CPU
dev64 = torch.device("cpu") if device.type == "mps" else device


def parameters(*layers):
    return sum(p.numel() for layer in layers for p in layer.parameters())
# --8<-- [end:setup]

# --8<-- [start:shapes]
conv = nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2).to(device)
images = torch.randn(4, 3, 32, 32).to(device)  # drawn on the CPU
print("output:", tuple(conv(images).shape))
print("parameters:", parameters(conv))
dense = nn.Linear(3 * 32 * 32, 16 * 16 * 16)  # same input and output sizes
print(f"a linear layer instead: {parameters(dense):,} parameters")
# --8<-- [end:shapes]

# --8<-- [start:two-small]
def receptive_field(*layers):
    """Rows of input pixels that one central output unit depends on,
    measured with weights of 1 (every path counts)."""
    stack = nn.Sequential(*layers).to(device)
    for layer in stack:
        nn.init.ones_(layer.weight)
    x = torch.zeros(1, stack[0].in_channels, 15, 15, device=device,
                    requires_grad=True)
    stack(x)[0, 0, 7, 7].backward()
    rows = x.grad[0].abs().sum(dim=(0, 2)).nonzero()
    return rows.max().item() - rows.min().item() + 1


C = 16
two = [nn.Conv2d(C, C, 3, padding=1), nn.Conv2d(C, C, 3, padding=1)]
one = [nn.Conv2d(C, C, 5, padding=2)]
for name, layers in [("two 3x3", two), ("one 5x5", one)]:
    field = receptive_field(*layers)
    print(f"{name}: sees {field} x {field}, {parameters(*layers)} parameters")
# --8<-- [end:two-small]

# --8<-- [start:unfold]
x = torch.randn(2, 3, 8, 8, dtype=torch.float64).to(dev64)
conv = nn.Conv2d(3, 4, kernel_size=3, padding=1).to(dev64, torch.float64)
columns = F.unfold(x, kernel_size=3, padding=1)  # one column per position
print("columns:", tuple(columns.shape))
product = conv.weight.view(4, -1) @ columns + conv.bias.view(1, 4, 1)
expected = conv(x)
gap = (product.view(2, 4, 8, 8) - expected).abs().max()
# rounding only: below 100 machine epsilons of the largest value
print("same as the convolution:",
      (gap < 100 * torch.finfo(x.dtype).eps * expected.abs().max()).item())
# --8<-- [end:unfold]

# --8<-- [start:equivariance]
def moved_right(x, pixels):
    """x moved `pixels` to the right, blank pixels coming in on the left."""
    return F.pad(x, (pixels, 0))[..., :x.shape[-1]]


digit = torch.tensor(load_digits().images[0] / 16).to(dev64)[None, None]
digit = F.pad(digit, (2, 2, 2, 2))  # 12x12: room to move without losing ink
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1).to(dev64, torch.float64)
with torch.no_grad():
    maps = conv(digit)
    moved = conv(moved_right(digit, 1))
    # column j of the new maps is column j - 1 of the old ones
    print("moved digit: maps moved by 1 pixel:",
          torch.allclose(moved[..., 1:], maps[..., :-1], atol=1e-5))
    pooled = F.avg_pool2d(maps, 2)
    for pixels in (1, 2):
        after = F.avg_pool2d(conv(moved_right(digit, pixels)), 2)
        print(f"digit moved by {pixels}: pooled maps unchanged:",
              torch.allclose(after, pooled, atol=1e-5), "| moved by 1 cell:",
              torch.allclose(after[..., 1:], pooled[..., :-1], atol=1e-5))
# --8<-- [end:equivariance]

# --8<-- [start:cost]
def multiply_adds(model, x):
    """Multiply-adds of each convolution and linear layer, for one image."""
    counts = []

    def count(layer, inputs, output):
        weights = layer.weight[0].numel()  # one output unit's weights
        counts.append((type(layer).__name__, output[0].numel() * weights))

    hooks = [m.register_forward_hook(count) for m in model.modules()
             if isinstance(m, (nn.Conv2d, nn.Linear))]
    model(x)
    for hook in hooks:
        hook.remove()
    return counts


image = torch.zeros(1, 1, 8, 8, device=device)
lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(),
                      nn.MaxPool2d(2), nn.Conv2d(6, 16, 5, padding=2),
                      nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(64, 10))
strided = nn.Sequential(nn.Conv2d(1, 6, 5, stride=2, padding=2), nn.Tanh(),
                        nn.Conv2d(6, 16, 5, padding=2), nn.Tanh(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10))
mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(),
                    nn.Linear(32, 10))
for name, model in [("CNN", lenet), ("stride 2", strided), ("MLP", mlp)]:
    counts = multiply_adds(model.to(device), image)
    print(f"{name:<9}", " + ".join(f"{n:,}" for _, n in counts),
          f"= {sum(n for _, n in counts):,}")
# --8<-- [end:cost]

# --8<-- [start:flip]
signal = np.array([0, 1, 2, 4, 2, 1, 0])
k = np.array([1, 0, -1])
print("np.convolve(signal, k):        ", np.convolve(signal, k, "valid"))
print("np.correlate(signal, k flipped):",
      np.correlate(signal, k[::-1], "valid"))
print("np.correlate(signal, k):       ", np.correlate(signal, k, "valid"))
# --8<-- [end:flip]
