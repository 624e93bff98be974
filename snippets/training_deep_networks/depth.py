"""Deep plain networks on the digits: vanishing signals, then batch
normalisation and residual connections."""

# --8<-- [start:data]
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)  # same initial weights and same shuffling on every run
accelerator = torch.accelerator.current_accelerator(check_available=True)
device = accelerator or torch.device("cpu")  # CUDA, MPS, ... or the CPU

X, y = load_digits(return_X_y=True)  # 8x8 images, pixels from 0 to 16
X = X / 16
# chapter 2's split: 60% to train, 20% to validate, 20% to test, once
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0)
splits = {}
for name, (X_, y_) in {"train": (X_train, y_train), "val": (X_val, y_val),
                       "test": (X_test, y_test)}.items():
    splits[name] = (torch.tensor(X_, dtype=torch.float32).to(device),
                    torch.tensor(y_, dtype=torch.long).to(device))
    print(f"{name:<5}", tuple(splits[name][0].shape))
# --8<-- [end:data]

# --8<-- [start:plain]
def plain_net(depth, init=None, batch_norm=False):
    """depth hidden layers of 32 tanh units, then 10 logits."""
    torch.manual_seed(0)  # every network starts from the same draws
    layers, n_in = [], 64
    for _ in range(depth):
        linear = nn.Linear(n_in, 32)
        if init is not None:
            init(linear.weight)  # on the CPU, before the move
        norm = [nn.BatchNorm1d(32)] if batch_norm else []
        layers += [linear, *norm, nn.Tanh()]
        n_in = 32
    return nn.Sequential(*layers, nn.Linear(n_in, 10)).to(device)


criterion = nn.CrossEntropyLoss()


def gradients(model, hidden, weighted):
    """Norms of dE/dH_l, the output of each module in hidden, and of
    dE/dW_l, the weights of each layer in weighted, input first: on the
    whole training set, before any step."""
    outputs = []
    hooks = [module.register_forward_hook(
                 lambda module, args, output: outputs.append(output))
             for module in hidden]
    model.train()
    model.zero_grad()
    X_, y_ = splits["train"]
    loss = criterion(model(X_), y_)
    for hook in hooks:
        hook.remove()
    by_output = torch.autograd.grad(loss, outputs, retain_graph=True)
    loss.backward()
    return [(h.norm().item(), layer.weight.grad.norm().item())
            for h, layer in zip(by_output, weighted)]


shallow, deep = plain_net(1), plain_net(10)
for name, model in [("shallow", shallow), ("deep", deep)]:
    print(f"{name}: {sum(p.numel() for p in model.parameters())} "
          "parameters")
print("layer   dE/dH_l   dE/dW_l")
hidden = [module for module in deep if isinstance(module, nn.Tanh)]
weighted = [module for module in deep if isinstance(module, nn.Linear)]
plain_gradients = gradients(deep, hidden, weighted[:-1])  # not the output
for layer, (by_h, by_w) in enumerate(plain_gradients, start=1):
    print(f"{layer:5d}{by_h:10.1e}{by_w:10.1e}")
# --8<-- [end:plain]

# --8<-- [start:train]
def evaluate(model, name):
    """Mean loss and number of correct answers on one split."""
    model.eval()
    X_, y_ = splits[name]
    with torch.inference_mode():
        logits = model(X_)
        correct = (logits.argmax(dim=1) == y_).sum().item()
        return criterion(logits, y_).item(), correct


def fit(model, epochs=20):
    """The same budget for every network: SGD with momentum, batches
    of 128, 20 epochs. Returns the training loss after each epoch."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02,
                                momentum=0.9)
    shuffling = torch.Generator().manual_seed(0)
    X_, y_ = splits["train"]
    losses = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y_), generator=shuffling).to(device)
        for batch in order.split(128):  # 9 batches, the last of 54
            optimizer.zero_grad()
            criterion(model(X_[batch]), y_[batch]).backward()
            optimizer.step()
        losses.append(evaluate(model, "train")[0])
    return losses


nets, curves = {"shallow": shallow, "deep": deep}, {}


def report(*names):
    """Final training loss, and right answers on training and validation."""
    print("network           train loss  train right  val right")
    for name in names:
        (_, train_ok), (_, val_ok) = (evaluate(nets[name], "train"),
                                      evaluate(nets[name], "val"))
        print(f"{name:<17}{curves[name][-1]:11.2f}{train_ok:>8}/1078"
              f"{val_ok:>7}/359")


for name in nets:
    curves[name] = fit(nets[name])
report("shallow", "deep")
# --8<-- [end:train]

# --8<-- [start:curves]
import matplotlib.pyplot as plt


def plot_curves(names, figure_name):
    fig, ax = plt.subplots(figsize=(7.5, 3.2), num=figure_name)
    for name in names:
        ax.plot(range(1, 21), curves[name], label=name, marker=".")
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log",
           xticks=[1, 5, 10, 15, 20])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # beside
    fig.tight_layout()
    plt.show()


plot_curves(["shallow", "deep"], "training-deep-networks-depth-curves")
# --8<-- [end:curves]

# --8<-- [start:spread]
def spreads(model):
    """After each tanh: how much a unit varies from one example to the
    next (standard deviation over the training set), mean over units."""
    model.eval()
    h, result = splits["train"][0], []
    with torch.inference_mode():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.Tanh):
                result.append(h.std(dim=0).mean().item())
    return result


xavier = nets["deep, Xavier"] = plain_net(10, init=nn.init.xavier_uniform_)
# the default start, untrained: the same draws as deep before training
fresh = plain_net(10)
columns = {"default": spreads(fresh), "Xavier": spreads(xavier)}
curves["deep, Xavier"] = fit(xavier)
columns["trained"] = spreads(xavier)
print("layer  default   Xavier  trained")
for layer in range(10):
    print(f"{layer + 1:5d}" + "".join(f"{column[layer]:9.1e}"
                                      for column in columns.values()))
report("deep, Xavier")
# --8<-- [end:spread]

# --8<-- [start:batch-norm]
def batch_norm(x, gamma, beta, eps=1e-5):
    """Batch normalisation in training mode; x: (examples, features)."""
    mean = x.mean(dim=0)  # one mean per feature, over the batch
    var = x.var(dim=0, unbiased=False)  # divided by N, not N - 1
    return gamma * (x - mean) / torch.sqrt(var + eps) + beta


torch.manual_seed(0)
x = (3 + 2 * torch.randn(64, 4)).to(device)  # 64 examples, 4 features
bn = nn.BatchNorm1d(4).to(device)  # gamma = 1, beta = 0 to start
with torch.no_grad():  # other values, to see them used
    bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5, 1.5]))
    bn.bias.copy_(torch.tensor([0.0, 1.0, -1.0, 0.5]))
bn.train()
ours = batch_norm(x, bn.weight, bn.bias, bn.eps)
print("same as nn.BatchNorm1d:", torch.allclose(ours, bn(x), atol=1e-5))
print("mean per feature = beta:",
      torch.allclose(ours.mean(dim=0), bn.bias, atol=1e-5))
print("std per feature = gamma:",
      torch.allclose(ours.std(dim=0, unbiased=False), bn.weight,
                     atol=1e-4))
# Images, (N, C, H, W): one mean and variance per channel, over the
# batch and all positions
x4 = torch.randn(8, 3, 5, 5).to(device)
mean = x4.mean(dim=(0, 2, 3), keepdim=True)
var = x4.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
print("same as nn.BatchNorm2d:", torch.allclose(
    (x4 - mean) / torch.sqrt(var + 1e-5),
    nn.BatchNorm2d(3).to(device)(x4), atol=1e-5))
# --8<-- [end:batch-norm]

# --8<-- [start:modes]
# The call above, in training mode, updated the running statistics:
# new = (1 - momentum) * old + momentum * batch's, from mean 0, var 1
m = bn.momentum  # 0.1
print("running mean:", torch.allclose(
    bn.running_mean, (1 - m) * 0 + m * x.mean(dim=0), atol=1e-6))
print("running var, unbiased:", torch.allclose(
    bn.running_var, (1 - m) * 1 + m * x.var(dim=0, unbiased=True),
    atol=1e-5))
bn.eval()  # now the running statistics replace the batch's
frozen = (bn.weight * (x - bn.running_mean)
          / torch.sqrt(bn.running_var + bn.eps) + bn.bias)
print("evaluation mode:", torch.allclose(frozen, bn(x), atol=1e-5))
# Example 0 in a batch of 8, then in a batch of 16
print("training mode, same output in both batches:", torch.allclose(
    batch_norm(x[:8], bn.weight, bn.bias)[0],
    batch_norm(x[:16], bn.weight, bn.bias)[0], atol=1e-5))
print("evaluation mode, same output in both batches:",
      torch.allclose(bn(x[:8])[0], bn(x[:16])[0], atol=1e-5))
# --8<-- [end:modes]

# --8<-- [start:bn-net]
import copy

# Linear -> BatchNorm -> tanh in each of the 10 layers
normed = nets["deep, batch norm"] = plain_net(10, batch_norm=True)
curves["deep, batch norm"] = fit(normed)
report("deep, batch norm")
# In training mode, a copy (its running statistics would move), on
# validation batches of 8, 32 and 359: each image normalised with others
in_training_mode = copy.deepcopy(normed).train()
X_val_, y_val_ = splits["val"]
right_by_size = {}
with torch.inference_mode():
    for size in (8, 32, 359):
        predicted = torch.cat([in_training_mode(batch).argmax(dim=1)
                               for batch in X_val_.split(size)])
        right_by_size[size] = (predicted == y_val_).sum().item()
        # in whole percent: one image more or less, which rounding on
        # another device can flip in batches of 8, does not show
        print(f"val right in training mode, batches of {size:3d}: "
              f"{right_by_size[size] / 359:.0%}")
# --8<-- [end:bn-net]

# --8<-- [start:layer-norm]
def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer normalisation: statistics of each example, over features."""
    mean = x.mean(dim=1, keepdim=True)
    var = x.var(dim=1, unbiased=False, keepdim=True)
    return gamma * (x - mean) / torch.sqrt(var + eps) + beta


ln = nn.LayerNorm(4).to(device)
print("same as nn.LayerNorm:", torch.allclose(
    layer_norm(x, ln.weight, ln.bias, ln.eps), ln(x), atol=1e-5))
print("one example alone, as in its batch:",
      torch.allclose(ln(x[:1]), ln(x)[:1], atol=1e-5))
print("running statistics:", len(list(ln.buffers())))
# --8<-- [end:layer-norm]

# --8<-- [start:residual]
class Residual(nn.Module):
    """y = x + F(x), with F one layer of tanh units."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.layer = nn.Linear(n_in, n_out)
        # where the shapes differ, a learned projection replaces x
        self.skip = (nn.Identity() if n_in == n_out
                     else nn.Linear(n_in, n_out, bias=False))

    def forward(self, x):
        return self.skip(x) + torch.tanh(self.layer(x))


def residual_net(depth):
    """depth residual blocks of 32 units, then 10 logits."""
    torch.manual_seed(0)
    blocks = [Residual(64 if i == 0 else 32, 32) for i in range(depth)]
    return nn.Sequential(*blocks, nn.Linear(32, 10)).to(device)


residual = nets["deep, residual"] = residual_net(10)
skip_gradients = gradients(residual, list(residual)[:-1],
                           [block.layer for block in residual[:-1]])
print("          dE/dH_l            dE/dW_l")
print("layer    plain  residual    plain  residual")
for layer in range(10):
    (plain_h, plain_w), (skip_h, skip_w) = (plain_gradients[layer],
                                            skip_gradients[layer])
    print(f"{layer + 1:5d}{plain_h:9.1e}{skip_h:10.1e}"
          f"{plain_w:9.1e}{skip_w:10.1e}")
# --8<-- [end:residual]

# --8<-- [start:residual-train]
curves["deep, residual"] = fit(residual)
report(*nets)
plot_curves(list(nets), "training-deep-networks-fixes")
# --8<-- [end:residual-train]
