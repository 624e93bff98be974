"""Initialisation: zero weights keep hidden units identical; depth and vanishing gradients."""

# --8<-- [start:symmetry]
import torch
import torch.nn as nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

# The training moons of backprop.py
X_np, y_np = make_moons(n_samples=400, noise=0.2, random_state=0)
X_np, _, y_np, _ = train_test_split(X_np, y_np, test_size=0.25,
                                    random_state=0)
X = torch.tensor(X_np, dtype=torch.float32).to(device)
y = torch.tensor(y_np, dtype=torch.float32).view(-1, 1).to(device)


def make_net(zero):
    torch.manual_seed(0)  # the same random start for every call
    net = nn.Sequential(nn.Linear(2, 16), nn.Sigmoid(), nn.Linear(16, 1))
    if zero:
        for parameter in net.parameters():
            nn.init.zeros_(parameter)
    return net.to(device)


for zero in (True, False):
    net = make_net(zero)
    optimizer = torch.optim.SGD(net.parameters(), lr=2.0)
    for step in range(1000):
        optimizer.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(net(X), y)
        loss.backward()
        optimizer.step()
    W1 = net[0].weight.detach()       # row j: the weights into unit j
    # Alike up to a tolerance: rounding could break an exact tie, slowly.
    alike = torch.allclose(W1, W1[0].expand_as(W1), atol=0.05)
    accuracy = ((net(X) > 0) == (y > 0.5)).float().mean().item()
    start = "zeros " if zero else "random"
    print(f"{start}: train accuracy {accuracy:.2f}, "
          f"all 16 hidden units alike: {alike}")
# --8<-- [end:symmetry]

# --8<-- [start:depth]
def gradient_norms(activation, depth=10, width=64):
    """The norm of the loss's gradient for each layer's weights."""
    torch.manual_seed(0)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(linear.weight)  # He: std sqrt(2 / fan_in)
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
    net = nn.Sequential(*layers, nn.Linear(width, 1)).to(device)
    x = torch.randn(256, width).to(device)   # drawn on the CPU
    target = torch.randn(256, 1).to(device)
    nn.functional.mse_loss(net(x), target).backward()
    return [layer.weight.grad.norm().item() for layer in net[:-1:2]]


sigmoid, relu = gradient_norms(nn.Sigmoid), gradient_norms(nn.ReLU)
print("layer   sigmoid     ReLU")
for i, (s, r) in enumerate(zip(sigmoid, relu), start=1):
    print(f"{i:5d}   {s:.1e}   {r:.1e}")
# --8<-- [end:depth]
