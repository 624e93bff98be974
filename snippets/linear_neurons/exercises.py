"""Solutions to the chapter's exercises: the diabetes data, standardised, and
batch gradient descent on E, as in the chapter."""

# --8<-- [start:setup]
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = load_diabetes(return_X_y=True, scaled=False)
X_train_raw, X_test_raw, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(X_train_raw)
X_train, X_test = scaler.transform(X_train_raw), scaler.transform(X_test_raw)


def mse_after(X, y, lr, steps):
    """Training MSE after `steps` of batch gradient descent on E from 0."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        error = X @ w + b - y
        w -= lr * 2 * X.T @ error / len(y)
        b -= lr * 2 * error.mean()
    return np.mean((X @ w + b - y) ** 2)
# --8<-- [end:setup]

# --8<-- [start:learning-rate]
steps = (0, 5, 10, 20, 1000)
print(f"{'steps':<8}" + "".join(f"{n:>9,}" for n in steps))
for lr in (0.24, 0.25):
    mses = [mse_after(X_train, y_train, lr, n) for n in steps]
    print(f"lr {lr:<5}" + "".join(f"{mse:9.3g}" for mse in mses))
# --8<-- [end:learning-rate]

# --8<-- [start:leak]
from sklearn.linear_model import LinearRegression


def held_out_mse(scaler):
    """Test MSE of least squares fitted on the scaled training split."""
    fit = LinearRegression().fit(scaler.transform(X_train_raw), y_train)
    error = fit.predict(scaler.transform(X_test_raw)) - y_test
    return np.mean(error ** 2)


leaky = StandardScaler().fit(X)  # all 442 patients: the test split leaks in
means = leaky.transform(X_train_raw).mean(axis=0).round(2) + 0.0  # no -0.0
print("training means, leaky scaler:", means)
print(f"test MSE, honest scaler {held_out_mse(scaler):.0f}, "
      f"leaky scaler {held_out_mse(leaky):.0f}")
# --8<-- [end:leak]

# --8<-- [start:centring]
fit = LinearRegression().fit(X_train, y_train)
best = np.mean((fit.predict(X_train) - y_train) ** 2)  # least squares
centred = X_train_raw - X_train_raw.mean(axis=0)
A = np.column_stack([centred, np.ones(len(y_train))])
lr = 0.9 / np.linalg.eigvalsh(A.T @ A / len(y_train))[-1]  # below 1/λmax
for steps in (100, 10_000):
    gap = mse_after(centred, y_train, lr, steps) / best - 1
    print(f"centred only, {steps:>6,} steps: {gap:.1%} above the best MSE")
# --8<-- [end:centring]
