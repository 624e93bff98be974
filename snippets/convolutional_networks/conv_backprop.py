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
    """Largest gap below a hundred machine epsilons of the largest
    gradient, as in chapter 2: rounding only; a wrong formula is off by
    far more."""
    eps = np.finfo(np.float64).eps
    return np.abs(mine - theirs).max() < 100 * eps * np.abs(theirs).max()


print("autograd agrees:", all(
    agree(mine, t.grad.cpu().numpy().reshape(np.shape(mine)))
    for t, mine in [(xt, dx), (kt, dk), (bt, db)]))
gt = torch.tensor(g[None, None]).to(dev64)
print("dE/dx is the transposed convolution of g:", agree(
    dx, F.conv_transpose2d(gt, kt.detach())[0, 0].cpu().numpy()))
# --8<-- [end:autograd]

# --8<-- [start:batched]
def backward_batched(x, k, g, padding):
    """Gradients for N images of C_in channels, x (N, C_in, H, W), kernels
    k (C_out, C_in, kh, kw), stride 1 and `padding`; g = dE/dy."""
    p, (kh, kw) = padding, k.shape[-2:]
    x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    # windows[n, c, i, j] is the (kh, kw) patch under output position i, j
    windows = sliding_window_view(x_padded, (kh, kw), axis=(2, 3))
    dk = np.einsum("noij,ncijuv->ocuv", g, windows)  # sum over n, i, j
    db = g.sum(axis=(0, 2, 3))                       # sum over n, i, j
    g_padded = np.pad(g, ((0, 0), (0, 0), (kh - 1,) * 2, (kw - 1,) * 2))
    g_windows = sliding_window_view(g_padded, (kh, kw), axis=(2, 3))
    flipped = k[:, :, ::-1, ::-1]
    dx_padded = np.einsum("noijuv,ocuv->ncij", g_windows, flipped)  # sum o
    h, w = x.shape[-2:]
    return dx_padded[:, :, p:p + h, p:p + w], dk, db  # crop the padding


xb = rng.normal(size=(2, 3, 6, 6))          # N = 2 images, C_in = 3
kb = rng.normal(size=(4, 3, 3, 3))          # C_out = 4 kernels
bb = rng.normal(size=4)
gb = rng.normal(size=(2, 4, 6, 6))          # dE/dy, padding 1 keeps 6x6
mine = backward_batched(xb, kb, gb, padding=1)
tensors = [torch.tensor(a).to(dev64).requires_grad_() for a in (xb, kb, bb)]
(F.conv2d(*tensors, padding=1) * torch.tensor(gb).to(dev64)).sum().backward()
for name, by_hand, t in zip(["x", "k", "b"], mine, tensors):
    print(f"d{name} {by_hand.shape}: autograd agrees:",
          agree(by_hand, t.grad.cpu().numpy()))
# --8<-- [end:batched]

# --8<-- [start:matrix]
# Column m of W is the map of the image with a 1 at pixel m, 0 elsewhere:
# since the map is linear in the image, corr2d(x, k) = W @ x, flattened.
basis = np.eye(x.size).reshape(x.size, *x.shape)
W = np.stack([corr2d(e, k).ravel() for e in basis], axis=1)
print("W:", W.shape, "with", np.count_nonzero(W), "non-zero entries")
print("y = W x:", np.allclose(W @ x.ravel(), corr2d(x, k).ravel()))
print("dE/dx = W.T g:", agree(dx.ravel(), W.T @ g.ravel()))
# --8<-- [end:matrix]

# --8<-- [start:pooling]
def pool_backward(x, g, kind):
    """dE/dx through a 2x2 pooling of stride 2, given g = dE/dy."""
    h, w = x.shape
    windows = x.reshape(h // 2, 2, w // 2, 2)  # windows[i, :, j, :]
    g_each = g[:, None, :, None]               # one G_ij for its window
    if kind == "average":  # every cell weighs 1/4 in the mean
        dx = np.broadcast_to(g_each / 4, windows.shape)
    else:  # max: the output is the largest cell; the others do not count
        # a tie sends G to every tied cell, where PyTorch picks one
        dx = (windows == windows.max(axis=(1, 3), keepdims=True)) * g_each
    return dx.reshape(h, w)


x4 = rng.normal(size=(4, 4))  # no two cells equal: one largest per window
g2 = np.array([[1.0, 2.0], [3.0, 4.0]])
print("max pooling, dE/dx:\n", pool_backward(x4, g2, "max"))
for kind, pool in [("average", F.avg_pool2d), ("max", F.max_pool2d)]:
    x4t = torch.tensor(x4[None, None]).to(dev64).requires_grad_()
    (pool(x4t, 2) * torch.tensor(g2).to(dev64)).sum().backward()
    print(f"{kind} pooling: autograd agrees:",
          agree(pool_backward(x4, g2, kind), x4t.grad[0, 0].cpu().numpy()))
# --8<-- [end:pooling]
