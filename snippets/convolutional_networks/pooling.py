"""Max and average pooling, what survives a shift, and the receptive field of a stack of layers."""

# --8<-- [start:pooling]
import torch
import torch.nn.functional as F

torch.manual_seed(0)  # the layers below draw their initial weights
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

fmap = torch.tensor([[1., 0., 2., 3.],
                     [4., 6., 6., 8.],
                     [3., 1., 1., 0.],
                     [1., 2., 2., 4.]]).to(device)[None, None]  # (1, 1, 4, 4)
print("max pooling:    ", F.max_pool2d(fmap, kernel_size=2)[0, 0].tolist())
print("average pooling:", F.avg_pool2d(fmap, kernel_size=2)[0, 0].tolist())
# --8<-- [end:pooling]

# --8<-- [start:shift]
def one_spot(row, col):
    """A 4x4 feature map with one active unit."""
    spot = torch.zeros(1, 1, 4, 4, device=device)
    spot[0, 0, row, col] = 1.0
    return spot


pooled = F.max_pool2d(one_spot(0, 0), 2)
inside = F.max_pool2d(one_spot(1, 1), 2)  # still in the top-left window
beyond = F.max_pool2d(one_spot(0, 2), 2)  # in the top-right window
print("moved inside its window:", torch.equal(pooled, inside))
print("moved to the next window:", torch.equal(pooled, beyond))
# --8<-- [end:shift]

# --8<-- [start:receptive-field]
import torch.nn as nn

layers = [("conv 5x5", 5, 1), ("max pool 2x2", 2, 2),
          ("conv 5x5", 5, 1), ("max pool 2x2", 2, 2)]  # (name, size, stride)
field, jump = 1, 1  # one input pixel; neighbouring units 1 pixel apart
for name, size, stride in layers:
    field += (size - 1) * jump  # size units of the layer below, jump apart
    jump *= stride
    print(f"after {name:<12}: sees {field:2d} x {field:<2d} input pixels")

# Measure it: the gradient of one output unit is non-zero on the pixels
# it depends on. Weights of 1 and average pooling let every path count:
# max pooling, with the same windows, would pass on only the largest unit.
stack = nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.AvgPool2d(2),
                      nn.Conv2d(1, 1, 5, padding=2), nn.AvgPool2d(2))
stack = stack.to(device)
for conv in (stack[0], stack[2]):
    nn.init.ones_(conv.weight)
pixels = torch.zeros(1, 1, 24, 24, device=device, requires_grad=True)
stack(pixels)[0, 0, 3, 3].backward()  # one unit of the 6x6 output
rows, cols = pixels.grad[0, 0].nonzero().unbind(1)
print("measured:", rows.max().item() - rows.min().item() + 1, "x",
      cols.max().item() - cols.min().item() + 1)
# --8<-- [end:receptive-field]
