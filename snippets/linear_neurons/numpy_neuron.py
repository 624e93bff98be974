"""A linear neuron coded by hand with NumPy: forward pass, MSE, gradients, gradient descent."""

# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(0)  # one seed: every run prints the same numbers

n, m = 200, 3
X = rng.normal(size=(n, m))  # n examples, m features
w_true, b_true = np.array([2.0, -1.0, 0.5]), 3.0
y = X @ w_true + b_true + 0.1 * rng.normal(size=n)  # linear, plus noise
print("X:", X.shape, " y:", y.shape)
# --8<-- [end:data]

# --8<-- [start:forward]
def predict(X, w, b):
    """The linear neuron: u = X w + b, one output per row of X."""
    return X @ w + b


def mse(y, u):
    """Mean squared error E = (1/n) * sum((y - u)**2)."""
    return np.mean((y - u) ** 2)


w, b = np.zeros(m), 0.0
print(f"E at w = 0, b = 0: {mse(y, predict(X, w, b)):.4f}")
# --8<-- [end:forward]

# --8<-- [start:gradients]
def gradients(X, y, w, b):
    """Gradient of E: (2/n) X^T (u - y) for w, (2/n) sum(u - y) for b."""
    error = predict(X, w, b) - y  # u - y, one prediction error per example
    return 2 * X.T @ error / len(y), 2 * error.mean()


grad_w, grad_b = gradients(X, y, w, b)
print("dE/dw:", grad_w.round(4), " dE/db:", round(grad_b, 4))
# --8<-- [end:gradients]

# --8<-- [start:batch]
def batch_gd(X, y, lr=0.05, epochs=20):
    """Batch gradient descent: one step per pass, on the full data set."""
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        grad_w, grad_b = gradients(X, y, w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        losses.append(mse(y, predict(X, w, b)))
    return w, b, losses


w, b, batch_losses = batch_gd(X, y)
print("batch GD  w:", w.round(3), " b:", round(b, 3),
      f" E: {batch_losses[-1]:.5f}")
# --8<-- [end:batch]

# --8<-- [start:minibatch]
def minibatch_gd(X, y, batch_size, lr=0.05, epochs=20, seed=0):
    """Minibatch descent: shuffle each epoch, then one step per batch.

    batch_size=1 is stochastic gradient descent (SGD); len(y) is batch.
    """
    order_rng = np.random.default_rng(seed)  # seeded: reproducible runs
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        order = order_rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            grad_w, grad_b = gradients(X[rows], y[rows], w, b)
            w, b = w - lr * grad_w, b - lr * grad_b
            losses.append(mse(y, predict(X, w, b)))
    return w, b, losses


w, b, sgd_losses = minibatch_gd(X, y, batch_size=1, lr=0.005)
print("SGD       w:", w.round(3), " b:", round(b, 3),
      f" E: {sgd_losses[-1]:.5f}")
w, b, minibatch_losses = minibatch_gd(X, y, batch_size=32)
E = minibatch_losses[-1]
print("minibatch w:", w.round(3), " b:", round(b, 3), f" E: {E:.5f}")
# --8<-- [end:minibatch]

# --8<-- [start:exact]
A = np.column_stack([X, np.ones(n)])  # a column of ones carries the bias
w_b_exact = np.linalg.lstsq(A, y, rcond=None)[0]
print("least squares w:", w_b_exact[:m].round(3),
      " b:", w_b_exact[m].round(3))

w, b, _ = batch_gd(X, y, epochs=500)  # the same rate, 0.05, run longer
same = np.allclose(np.append(w, b), w_b_exact, rtol=1e-9, atol=1e-9)
print("batch GD after 500 steps equals least squares:", same)
# --8<-- [end:exact]

# --8<-- [start:figure]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.6), num="gradient-descent-variants")
for name, losses in [("batch", batch_losses), ("SGD (1 example)", sgd_losses),
                     ("minibatch (32)", minibatch_losses)]:
    # every run made 20 epochs: step k of n is at epoch 20 k / n
    epochs_seen = np.arange(1, len(losses) + 1) * 20 / len(losses)
    ax.plot(epochs_seen, losses, label=name, linewidth=1.2)
ax.set(xlabel="epochs (passes over the data)", ylabel="training MSE",
       yscale="log", xlim=(0, 20))
ax.legend()
plt.show()
# --8<-- [end:figure]
