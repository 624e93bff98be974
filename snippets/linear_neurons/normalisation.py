"""Why normalise: the same gradient descent on raw and on standardised features of a real data set."""

# --8<-- [start:data]
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

# 442 patients, 10 measurements in their own units (years, mm Hg, ...)
X, y = load_diabetes(return_X_y=True, scaled=False)
X_train_raw, X_test_raw, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0)
print("feature means:", X_train_raw.mean(axis=0).round(1))
print("feature stds: ", X_train_raw.std(axis=0).round(1))
# --8<-- [end:data]

# --8<-- [start:scaler]
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train_raw)  # mean, std of the training set
X_test = scaler.transform(X_test_raw)        # reuse them on the test split
means = X_train.mean(axis=0).round(2) + 0.0  # + 0.0 turns -0.0 into 0.0
print("after scaling, means:", means.tolist())
print("after scaling, stds: ", X_train.std(axis=0).round(2).tolist())
# --8<-- [end:scaler]

# --8<-- [start:curvature]
def curvature(X):
    """Largest and smallest eigenvalue of A^T A / n, A = [X, 1]: how steep and
    how flat the loss gets, along its steepest and flattest directions."""
    A = np.column_stack([X, np.ones(len(X))])
    eigenvalues = np.linalg.eigvalsh(A.T @ A / len(X))
    return eigenvalues[-1], eigenvalues[0]


mean, std = X_train_raw.mean(axis=0), X_train_raw.std(axis=0)
variants = {"raw": X_train_raw, "centred only": X_train_raw - mean,
            "scaled only": X_train_raw / std, "standardised": X_train}
print(f"{'features':<14}{'largest':>10}{'largest / smallest':>20}")
for name, features in variants.items():
    largest, smallest = curvature(features)
    print(f"{name:<14}{largest:>10.3g}{largest / smallest:>20.3g}")
# --8<-- [end:curvature]

# --8<-- [start:descent]
def descend(X, y, lr, steps):
    """Batch gradient descent on E from w = 0, b = 0.

    losses[k] is the training MSE after k steps.
    """
    w, b = np.zeros(X.shape[1]), 0.0
    losses = np.empty(steps + 1)
    for step in range(steps + 1):
        error = X @ w + b - y
        losses[step] = np.mean(error ** 2)
        w, b = w - lr * 2 * X.T @ error / len(y), b - lr * 2 * error.mean()
    return losses


def largest_stable_lr(X, y):
    """Largest rate among 1, 1/2, 1/4, ... whose loss falls in 100 steps."""
    with np.errstate(over="ignore", invalid="ignore"):  # diverging runs
        for lr in 0.5 ** np.arange(40):
            losses = descend(X, y, lr, 100)
            if np.isfinite(losses[-1]) and losses[-1] < losses[0]:
                return lr


A = np.column_stack([X_train, np.ones(len(y_train))])
w_b_best = np.linalg.lstsq(A, y_train, rcond=None)[0]
best = np.mean((A @ w_b_best - y_train) ** 2)  # the least-squares MSE
max_steps = 10_000
curves, iterations = {}, {}
print(f"{'features':<14}{'largest stable lr':>18}{'steps to 1%':>13}"
      f"{'above best after 10,000':>25}")
for name, features in [("raw", X_train_raw), ("standardised", X_train)]:
    lr = largest_stable_lr(features, y_train)
    curves[name] = descend(features, y_train, lr, max_steps)
    reached = np.flatnonzero(curves[name] <= 1.01 * best)
    iterations[name] = reached[0] if reached.size else None
    steps = iterations[name] or "never"
    gap = curves[name][-1] / best - 1
    print(f"{name:<14}{lr:>18.3g}{steps:>13}{gap:>25.1%}")
# --8<-- [end:descent]

# --8<-- [start:figure]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.6), num="normalisation-convergence")
floor = 1e-10  # not drawn below: it keeps clear of rounding noise
for name, losses in curves.items():
    gap = losses / best - 1
    ax.plot(np.where(gap > floor, gap, np.nan), label=name)
ax.axhline(0.01, color="gray", linestyle=":", label="within 1% of the best")
ax.set_xscale("symlog", linthresh=1)  # step 0, then 1, 10, 100, ...
ax.set(xlim=(0, max_steps), yscale="log", ylim=(floor, None),
       xlabel="gradient descent steps", ylabel="MSE / best MSE − 1")
ax.legend()
plt.show()
# --8<-- [end:figure]
