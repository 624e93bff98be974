"""From one neuron to a layer to a multilayer perceptron: the forward pass in NumPy."""

# --8<-- [start:layer]
import numpy as np

rng = np.random.default_rng(0)  # the same numbers on every run
n, m, h = 4, 2, 3               # 4 examples, 2 features, 3 units
X = rng.normal(size=(n, m))
W1 = rng.normal(size=(m, h))    # column j: the weights of unit j
b1 = np.zeros(h)                # one bias per unit
Z1 = X @ W1 + b1                # every unit on every example at once
print("X:", X.shape, " W1:", W1.shape, " Z1 = X W1 + b1:", Z1.shape)
# --8<-- [end:layer]

# --8<-- [start:mlp]
def mlp_forward(X, W1, b1, W2, b2):
    """A two-layer perceptron: tanh hidden units, then a linear output."""
    H = np.tanh(X @ W1 + b1)    # (n, h): the hidden layer's outputs
    return H @ W2 + b2          # (n, k): the network's outputs


k = 1                           # one output per example
W2 = rng.normal(size=(h, k))
b2 = np.zeros(k)
U = mlp_forward(X, W1, b1, W2, b2)
print("U:", U.shape, U.ravel().round(3))
sizes = [W1.size, b1.size, W2.size, b2.size]
print("parameters:", " + ".join(map(str, sizes)), "=", sum(sizes))
# --8<-- [end:mlp]
