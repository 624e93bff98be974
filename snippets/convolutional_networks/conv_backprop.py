"""Backpropagation through a convolution, by hand, checked by finite differences and by autograd."""

# --8<-- [start:backward]
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.datasets import load_digits


def corr2d(x, k):
    """The cross-correlation of the first section, without its loops: all
    the windows of x at once, each multiplied by k and summed."""
    return np.einsum("ijab,ab->ij", sliding_window_view(x, k.shape), k)


def backward(x, k, g):
    """Gradients of E with respect to x, k and b, where y = corr2d(x, k) + b
    and g = dE/dy."""
    kh, kw = k.shape
    g_padded = np.pad(g, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    dx = corr2d(g_padded, k[::-1, ::-1])  # against the flipped kernel
    dk = corr2d(x, g)  # the input against the output's gradient
    db = g.sum()
    return dx, dk, db


rng = np.random.default_rng(0)
x = load_digits().images[0] / 16      # the zero of the first section
k = rng.normal(size=(3, 3))
b = 0.1
target = rng.normal(size=(6, 6))      # what y should be


def loss(x, k, b):
    return 0.5 * ((corr2d(x, k) + b - target) ** 2).sum()


g = corr2d(x, k) + b - target         # dE/dy for this loss
dx, dk, db = backward(x, k, g)
print(f"x {x.shape}, dx {dx.shape}; k {k.shape}, dk {dk.shape}")
# --8<-- [end:backward]

# --8<-- [start:check]
def numerical(f, value, eps=1e-6):
    """Central differences of f, one entry of value at a time."""
    grad = np.zeros_like(value)
    for i in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[i] = eps
        grad[i] = (f(value + step) - f(value - step)) / (2 * eps)
    return grad


approx = {"x": numerical(lambda v: loss(v, k, b), x),
          "k": numerical(lambda v: loss(x, v, b), k),
          "b": numerical(lambda v: loss(x, k, v), np.array(b))}
for name, by_hand in zip(approx, (dx, dk, db)):
    gap = np.abs(by_hand - approx[name]).max() / np.abs(approx[name]).max()
    print(f"{name}: largest gap / largest gradient < 1e-6: {gap < 1e-6}")
# --8<-- [end:check]

# --8<-- [start:autograd]
import torch
import torch.nn.functional as F

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU
# Apple's MPS has no 64-bit floats: there, these checks run on the CPU
dev64 = torch.device("cpu") if device.type == "mps" else device

# 64-bit tensors of shape (N, C, H, W) and (C_out, C_in, kh, kw)
xt = torch.tensor(x[None, None]).to(dev64).requires_grad_()
kt = torch.tensor(k[None, None]).to(dev64).requires_grad_()
bt = torch.tensor([b], dtype=torch.float64).to(dev64).requires_grad_()
yt = F.conv2d(xt, kt, bt)
(0.5 * ((yt - torch.tensor(target).to(dev64)) ** 2).sum()).backward()


def agree(mine, theirs):
    """Largest gap below 1e-4 of the largest gradient: rounding, on any
    device; a wrong formula is off by far more."""
    return np.abs(mine - theirs).max() < 1e-4 * np.abs(theirs).max()


print("autograd agrees:", all(
    agree(mine, t.grad.cpu().numpy().reshape(np.shape(mine)))
    for t, mine in [(xt, dx), (kt, dk), (bt, db)]))
gt = torch.tensor(g[None, None]).to(dev64)
print("dE/dx is the transposed convolution of g:", agree(
    dx, F.conv_transpose2d(gt, kt.detach())[0, 0].cpu().numpy()))
# --8<-- [end:autograd]
