"""Convolution written by hand in NumPy, checked against PyTorch, and the feature maps of edge kernels."""

# --8<-- [start:corr2d]
import numpy as np
from sklearn.datasets import load_digits

image = load_digits().images[0]  # a zero, 8x8 pixels from 0 to 16


def corr2d(x, k):
    """Slide the kernel k over the image x; each output is one window
    of x, multiplied by k element by element and summed."""
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return out


k = np.array([[1, 0, -1],
              [1, 0, -1],
              [1, 0, -1]])  # left column minus right column
print(image.astype(int))
print(corr2d(image, k).astype(int))
# --8<-- [end:corr2d]

# --8<-- [start:padding-stride]
def conv2d(x, k, b, stride=1, padding=0):
    """x: (C_in, H, W), k: (C_out, C_in, kh, kw), b: (C_out,).
    Cross-correlation over all input channels, as PyTorch computes it."""
    x = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    c_out, c_in, kh, kw = k.shape
    h_out = (x.shape[1] - kh) // stride + 1  # x is padded already
    w_out = (x.shape[2] - kw) // stride + 1
    out = np.zeros((c_out, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            top, left = i * stride, j * stride
            window = x[:, top:top + kh, left:left + kw]
            out[:, i, j] = (k * window).sum(axis=(1, 2, 3)) + b
    return out


x = image[None]  # one input channel: (1, 8, 8)
for size, padding, stride in [(3, 0, 1), (3, 1, 1), (3, 1, 2), (5, 0, 2)]:
    kernel = np.ones((1, 1, size, size))
    out = conv2d(x, kernel, np.zeros(1), stride, padding)
    print(f"k={size} p={padding} s={stride}:", x.shape[1:], "->",
          out.shape[1:])
# --8<-- [end:padding-stride]

# --8<-- [start:channels]
import torch
import torch.nn.functional as F

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

rng = np.random.default_rng(0)
x3 = rng.normal(size=(3, 8, 8))     # 3 input channels
k3 = rng.normal(size=(4, 3, 3, 3))  # 4 kernels, each 3 channels deep
b3 = rng.normal(size=4)             # one bias per output channel
by_hand = conv2d(x3, k3, b3, stride=2, padding=1)
# In 64 bits, the two agree to about 1e-15. Apple's MPS has no 64-bit
# floats: there, this check runs on the CPU.
dev64 = torch.device("cpu") if device.type == "mps" else device
xt, kt, bt = (torch.tensor(a).to(dev64) for a in (x3[None], k3, b3))
theirs = F.conv2d(xt, kt, bt, stride=2, padding=1)[0].cpu().numpy()
print("output shape:", by_hand.shape)
print("same as F.conv2d:", np.allclose(by_hand, theirs))
# --8<-- [end:channels]

# --8<-- [start:edges]
import matplotlib.pyplot as plt

kernels = {
    "vertical edges": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "horizontal edges": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "diagonal edges": np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]),
}
bank = np.stack(list(kernels.values()))[:, None]  # (3, 1, 3, 3)
maps = conv2d(image[None], bank, np.zeros(3), padding=1)  # (3, 8, 8)

fig, axes = plt.subplots(1, 4, figsize=(8, 2.4), num="edge-maps")
axes[0].imshow(image, cmap="gray_r")
axes[0].set_title("digit")
limit = np.abs(maps).max()  # one colour scale for the three maps
for ax, name, fmap in zip(axes[1:], kernels, maps):
    ax.imshow(fmap, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(name)
for ax in axes:
    ax.set_axis_off()
fig.tight_layout()
plt.show()
# --8<-- [end:edges]
