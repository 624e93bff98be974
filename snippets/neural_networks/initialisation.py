"""Initialisation: zero weights keep hidden units identical; through depth, the scale of the
weights and the activation decide whether signals vanish, hold or explode."""

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
    net.train()  # training mode, as in every training loop
    for step in range(1000):
        optimizer.zero_grad()
        nn.functional.binary_cross_entropy_with_logits(net(X), y).backward()
        optimizer.step()
    # nn.Linear keeps W1 transposed, (16, 2): row j holds unit j's weights
    into_units = net[0].weight.detach()
    # Alike up to a tolerance: rounding could break an exact tie, slowly.
    alike = torch.allclose(into_units, into_units[0].expand_as(into_units),
                           atol=0.05)
    net.eval()
    with torch.inference_mode():  # evaluation: no graph recorded
        accuracy = ((net(X) > 0) == (y > 0.5)).float().mean().item()
    start = "zeros " if zero else "random"
    print(f"{start}: train accuracy {accuracy:.2f}, "
          f"all 16 hidden units alike: {alike}")
# --8<-- [end:symmetry]

# --8<-- [start:depth]
def layer_profile(activation, init, depth=10, width=64):
    """Each hidden layer H_l of a deep stack, on one random batch."""
    torch.manual_seed(0)  # the same weights and batch for every setting
    layers = [nn.Linear(width, width, bias=False) for _ in range(depth)]
    for layer in layers:
        init(layer.weight)  # on the CPU, then moved once
    nn.Sequential(*layers).to(device)  # moves every layer in place
    head = nn.Linear(width, 1).to(device)
    signal = torch.randn(256, width).to(device)  # drawn on the CPU
    target = torch.randn(256, 1).to(device)
    hidden = []
    for layer in layers:
        signal = activation(layer(signal))
        hidden.append(signal)
    error = nn.functional.mse_loss(head(signal), target)
    weights = [layer.weight for layer in layers]
    norms = [g.norm().item()
             for g in torch.autograd.grad(error, hidden + weights)]
    by_h, by_w = norms[:depth], norms[depth:]  # dE/dH_l, then dE/dW_l
    return {"standard deviation of H_l": [h.std().item() for h in hidden],
            "norm of dE/dH_l, relative to layer 10":
                [norm / by_h[-1] for norm in by_h],
            "norm of dE/dW_l, relative to layer 10":
                [norm / by_w[-1] for norm in by_w]}


settings = {  # activation, and initialisation of the weights
    ("sigmoid", "Xavier"): (torch.sigmoid, nn.init.xavier_normal_),
    ("tanh", "Xavier"): (torch.tanh, nn.init.xavier_normal_),
    ("ReLU", "1/√m"): (torch.relu,
                       lambda w: nn.init.normal_(w, std=w.shape[1] ** -0.5)),
    ("ReLU", "He"): (torch.relu, nn.init.kaiming_normal_),  # sqrt(2 / m)
    ("ReLU", "std 1"): (torch.relu, nn.init.normal_),
    ("ReLU", "default"): (torch.relu, lambda w: None),  # nn.Linear's own
}
profiles = {column: layer_profile(*how) for column, how in settings.items()}
for title in profiles[("ReLU", "He")]:
    print(f"{title}\n{'layer':>5}" + "".join(f"{f:>9}" for f, _ in settings))
    print(" " * 5 + "".join(f"{scale:>9}" for _, scale in settings))
    for i in range(10):
        print(f"{i + 1:5d}" + "".join(f"{profile[title][i]:9.1e}"
                                      for profile in profiles.values()))
# --8<-- [end:depth]
