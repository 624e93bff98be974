"""Backpropagation by hand for a two-layer network, checked, then trained on two moons."""

# --8<-- [start:data]
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

X, y = make_moons(n_samples=400, noise=0.2, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0)
print("train:", X_train.shape, " test:", X_test.shape,
      " class 1 share:", y_train.mean())
# --8<-- [end:data]

# --8<-- [start:forward]
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def init(m, h, seed=0):
    """Random weights of standard deviation 1/sqrt(inputs), zero biases."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, 1 / np.sqrt(m), size=(m, h)),
            "b1": np.zeros(h),
            "w2": rng.normal(0, 1 / np.sqrt(h), size=h),
            "b2": 0.0}


def forward(params, X):
    """Returns the probabilities of class 1 and what backward needs."""
    H = np.tanh(X @ params["W1"] + params["b1"])   # (n, h)
    p = sigmoid(H @ params["w2"] + params["b2"])    # (n,)
    return p, H


def loss_at(params, X, y):
    """The binary cross-entropy of the network with these parameters."""
    p, _ = forward(params, X)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
# --8<-- [end:forward]

# --8<-- [start:graph]
import matplotlib.pyplot as plt

# Each array where it sits, and in red the gradient backward computes for it
nodes = {"X": (0, 0, ""), "Z_1": (2, 0, "G_1"), "H": (4, 0, r"g \, w_2^T"),
         "z_2": (6, 0, "g"), "p": (8, 0, ""), "E": (10, 0, ""),
         "W_1": (1.4, 1.3, "X^T G_1"), "b_1": (2.6, 1.3, r"\sum_i G_{1,i}"),
         "w_2": (5.4, 1.3, "H^T g"), "b_2": (6.6, 1.3, r"\sum_i g_i"),
         "y": (10, 1.3, "")}
edges = {"X Z_1": "", "W_1 Z_1": "", "b_1 Z_1": "", "Z_1 H": "tanh",
         "H z_2": "", "w_2 z_2": "", "b_2 z_2": "", "z_2 p": r"$\sigma$",
         "p E": "BCE", "y E": ""}  # the operation that makes the array
fig, ax = plt.subplots(figsize=(8, 2.4), num="backprop-graph")
for name, (col, row, grad) in nodes.items():
    ax.text(col, row, f"${name}$", ha="center", va="center", fontsize=13,
            bbox=dict(boxstyle="round", fc="#fbe0c8" if row and grad
                      else "#d6e4f5"))  # parameters in orange
    ax.text(col, row + (0.4 if row else -0.4), f"${grad}$" if grad else "",
            ha="center", va="bottom" if row else "top", color="#b3261e")
for edge, operation in edges.items():
    start, end = (nodes[name][:2] for name in edge.split())
    ax.annotate("", end, start,
                arrowprops=dict(arrowstyle="->", shrinkA=14, shrinkB=14))
    ax.text((start[0] + end[0]) / 2, start[1] + 0.2, operation, ha="center")
ax.set(xlim=(-0.6, 10.6), ylim=(-1, 2.1))
ax.set_axis_off()
plt.show()
# --8<-- [end:graph]

# --8<-- [start:backward]
def backward(params, X, y):
    """The gradient of the loss for every parameter, layer by layer."""
    n = len(y)
    p, H = forward(params, X)
    g = (p - y) / n                   # dE/dz2, (n,)
    grads = {"w2": H.T @ g,           # (h,)
             "b2": g.sum()}
    dH = np.outer(g, params["w2"])    # dE/dH, (n, h)
    G1 = dH * (1 - H**2)              # dE/dZ1: tanh' = 1 - tanh^2
    grads["W1"] = X.T @ G1            # (m, h)
    grads["b1"] = G1.sum(axis=0)      # (h,)
    return grads
# --8<-- [end:backward]

# --8<-- [start:check]
def numerical_gradient(params, X, y, eps=1e-5):
    """Central differences, one parameter at a time."""
    grads = {}
    for name, value in params.items():
        value = np.array(value, dtype=float)
        grad = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            for sign in (1, -1):
                moved = value.copy()
                moved[i] += sign * eps
                grad[i] += sign * loss_at({**params, name: moved}, X, y)
            grad[i] /= 2 * eps
        grads[name] = grad
    return grads


def relative_gap(grads, reference):
    """The largest difference over the largest gradient, all parameters
    together."""
    gap = max(np.abs(grads[k] - reference[k]).max() for k in reference)
    return gap / max(np.abs(reference[k]).max() for k in reference)


params = init(m=2, h=8)
by_hand = backward(params, X_train, y_train)
for eps in 10.0 ** -np.arange(1, 11):
    numerical = numerical_gradient(params, X_train, y_train, eps)
    gap = relative_gap(by_hand, numerical)
    # Its decade only: rounding noise differs from one machine to another.
    print(f"eps = {eps:.0e}: gap < {10 ** np.ceil(np.log10(gap)):.0e}")
# --8<-- [end:check]

# --8<-- [start:slip]
numerical = numerical_gradient(params, X_train, y_train)  # eps = 1e-5
slipped = backward(params, X_train, y_train)
p, H = forward(params, X_train)
dH = np.outer((p - y_train) / len(y_train), params["w2"])
# The slip: dE/dH taken for G1, the derivative of tanh left out
slipped["W1"], slipped["b1"] = X_train.T @ dH, dH.sum(axis=0)
print(f"gap with the slip: {relative_gap(slipped, numerical):.2f}")
# --8<-- [end:slip]

# --8<-- [start:autograd]
import torch

t = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
     for name, value in params.items()}
Xt = torch.tensor(X_train)
yt = torch.tensor(y_train, dtype=torch.float64)
Ht = torch.tanh(Xt @ t["W1"] + t["b1"])
pt = torch.sigmoid(Ht @ t["w2"] + t["b2"])
# Probabilities, not logits, to mirror the NumPy forward pass step by step;
# to train, binary_cross_entropy_with_logits is the safer choice.
torch.nn.functional.binary_cross_entropy(pt, yt).backward()
by_autograd = {name: t[name].grad.numpy() for name in params}
gap = relative_gap(by_hand, by_autograd)
# Rounding only: a few machine epsilons, how many depends on the machine,
# so the line prints the decade of a hundred of them.
epsilon = np.finfo(np.float64).eps  # 2.2e-16: float64's relative spacing
bound = 10 ** np.ceil(np.log10(100 * epsilon))
print(f"autograd against backward: gap < {bound:.0e}: {gap < bound}")
# --8<-- [end:autograd]

# --8<-- [start:train]
def train(params, X, y, lr=0.5, steps=2000):
    """Full-batch gradient descent with the gradients of backward."""
    for _ in range(steps):
        grads = backward(params, X, y)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params


def train_logistic(X, y, lr=0.5, steps=2000):
    """The logistic neuron: dE/dw = X^T (p - y) / n, dE/db = mean(p - y)."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        g = (sigmoid(X @ w + b) - y) / len(y)
        w, b = w - lr * X.T @ g, b - lr * g.sum()
    return w, b


mlp = train(init(m=2, h=8), X_train, y_train)
w, b = train_logistic(X_train, y_train)
models = {"logistic neuron": lambda X: sigmoid(X @ w + b),
          "MLP, 8 tanh units": lambda X: forward(mlp, X)[0]}
for name, proba in models.items():
    train_acc = np.mean((proba(X_train) > 0.5) == y_train)
    test_acc = np.mean((proba(X_test) > 0.5) == y_test)
    print(f"{name:<18} train accuracy {train_acc:.2f}, test {test_acc:.2f}")
# --8<-- [end:train]

# --8<-- [start:figure]
import matplotlib.pyplot as plt

x0, x1 = np.meshgrid(np.linspace(-2, 3, 101), np.linspace(-1.5, 2, 71))
grid = np.column_stack([x0.ravel(), x1.ravel()])
fig, axes = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True,
                         num="moons-boundaries")
for ax, (name, proba) in zip(axes, models.items()):
    p = proba(grid).reshape(x0.shape)
    ax.contourf(x0, x1, p, levels=[0, 0.5, 1], colors=["#d6e4f5", "#fbe0c8"])
    ax.contour(x0, x1, p, levels=[0.5], colors="black", linewidths=1)
    for label, marker, colour in [(0, "o", "#1f5fa8"), (1, "^", "#c4581a")]:
        mine = y_train == label
        ax.scatter(*X_train[mine].T, s=12, marker=marker, color=colour,
                   label=f"class {label}")
    ax.set(title=name, xlabel="$x_1$")
axes[0].set_ylabel("$x_2$")
axes[0].legend(loc="lower left")
fig.tight_layout()
plt.show()
# --8<-- [end:figure]
