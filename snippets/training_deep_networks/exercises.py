"""Solutions to the exercises of "Training deep networks", 1 to 4."""

# --8<-- [start:setup]
import torch
import torch.nn as nn

torch.manual_seed(0)  # the layers below draw their initial weights
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU
# --8<-- [end:setup]

# --8<-- [start:bn-statistics]
# 32 examples; feature 2 varies by about 0.003, its variance near eps
scales = torch.tensor([2.0, 0.5, 0.003])
inputs = (1 + scales * torch.randn(32, 3)).to(device)
bn = nn.BatchNorm1d(3).to(device).train()  # gamma = 1, beta = 0
normalised = bn(inputs)
print("batch's variance:   ",
      [f"{v:.2g}" for v in inputs.var(dim=0).tolist()])
print("output mean 0:      ", torch.allclose(
    normalised.mean(dim=0), torch.zeros(3, device=device), atol=1e-3))
print("variance, 1/N:      ", [f"{v:.3f}" for v in
                               normalised.var(dim=0, unbiased=False)])
print("variance, 1/(N - 1):", [f"{v:.3f}" for v in
                               normalised.var(dim=0, unbiased=True)])
# --8<-- [end:bn-statistics]

# --8<-- [start:fresh-eval]
fresh = nn.BatchNorm1d(3).to(device).eval()  # no batch seen yet
x = (5 + 3 * torch.randn(256, 3)).to(device)  # mean 5, std 3
with torch.inference_mode():
    out = fresh(x)
print("running mean:", fresh.running_mean.tolist(),
      " running var:", fresh.running_var.tolist())
print("output mean:", [f"{v:.1f}" for v in out.mean(dim=0).tolist()])
print("output std: ", [f"{v:.1f}" for v in out.std(dim=0).tolist()])
# --8<-- [end:fresh-eval]

# --8<-- [start:identity-path]
class Residual(nn.Module):
    """y = x + tanh(W x + b), as on the page."""

    def __init__(self, width):
        super().__init__()
        self.layer = nn.Linear(width, width)

    def forward(self, x):
        return x + torch.tanh(self.layer(x))


def input_and_output_gradients(chain):
    """dE/dy_0 and dE/dy_20 for E = sum of the outputs times fixed
    random weights."""
    torch.manual_seed(1)
    y0 = torch.randn(16, 32).to(device).requires_grad_()
    weights = torch.randn(16, 32).to(device)
    outputs = [y0]
    for block in chain:
        outputs.append(block(outputs[-1]))
    loss = (outputs[-1] * weights).sum()
    return torch.autograd.grad(loss, [y0, outputs[-1]])


chain = nn.Sequential(*[Residual(32) for _ in range(20)]).to(device)
g0, gL = input_and_output_gradients(chain)
random_ratio = g0.norm().item() / gL.norm().item()
print(f"random F: |dE/dy_0| = {g0.norm().item():.3g}, "
      f"|dE/dy_20| = {gL.norm().item():.3g}")
with torch.no_grad():
    for block in chain:
        block.layer.weight.zero_()  # F_l is now a constant: dF/dx = 0
g0, gL = input_and_output_gradients(chain)
print("F constant: dE/dy_0 = dE/dy_20:", torch.allclose(g0, gL))
# --8<-- [end:identity-path]

# --8<-- [start:degradation]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_train, X_rest, y_train, y_rest = train_test_split(
    X / 16, y, test_size=0.4, stratify=y, random_state=0)
X_val, _, y_val, _ = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
data = {name: (torch.tensor(X_, dtype=torch.float32).to(device),
               torch.tensor(y_).to(device))
        for name, X_, y_ in [("train", X_train, y_train),
                             ("val", X_val, y_val)]}
criterion = nn.CrossEntropyLoss()


def plain_net(depth, init=None):
    """The page's plain network: depth layers of 32 tanh units, with
    PyTorch's default start, or init applied to their weights."""
    torch.manual_seed(0)
    layers, n_in = [], 64
    for _ in range(depth):
        linear = nn.Linear(n_in, 32)
        if init is not None:
            init(linear.weight)  # on the CPU, before the move
        layers += [linear, nn.Tanh()]
        n_in = 32
    return nn.Sequential(*layers, nn.Linear(n_in, 10)).to(device)


def train_and_measure(model):
    """The page's budget; returns the training and validation losses."""
    # the page's SGD with momentum, written out: v = 0.9 v + g, w -= 0.02 v
    velocities = [torch.zeros_like(w) for w in model.parameters()]
    shuffling = torch.Generator().manual_seed(0)
    X_, y_ = data["train"]
    for epoch in range(20):
        model.train()
        order = torch.randperm(len(y_), generator=shuffling).to(device)
        for batch in order.split(128):
            model.zero_grad()
            criterion(model(X_[batch]), y_[batch]).backward()
            with torch.no_grad():
                for w, v in zip(model.parameters(), velocities):
                    v.mul_(0.9).add_(w.grad)
                    w.sub_(0.02 * v)
    model.eval()
    with torch.inference_mode():
        return [criterion(model(data[name][0]), data[name][1]).item()
                for name in ("train", "val")]


degradation = {}  # depth: (training loss, validation loss)
xavier_degradation = {}  # the same, from Xavier's start
print("        default start    Xavier's start")
print("depth   train    val      train    val")
for depth in (1, 2, 3, 5):
    degradation[depth] = train_and_measure(plain_net(depth))
    xavier_degradation[depth] = train_and_measure(
        plain_net(depth, init=nn.init.xavier_uniform_))
    print(f"{depth:5d}" + "   ".join(
        f"{losses[0]:7.2f}{losses[1]:7.2f}"
        for losses in (degradation[depth], xavier_degradation[depth])))
# --8<-- [end:degradation]
