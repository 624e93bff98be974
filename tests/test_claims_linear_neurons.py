"""Each mathematical claim of the linear-neurons chapter, checked numerically."""

import re

import numpy as np
import pytest

from coursekit.project import SNIPPETS
from coursekit.testing.lazy import lazy

torch = lazy("torch")  # imported by the first test that runs, not at collection

CHAPTER = SNIPPETS / "linear_neurons"


@pytest.fixture(scope="module")
def numpy_neuron(script_runs):
    return script_runs(CHAPTER / "numpy_neuron.py").namespace


def test_hand_derived_gradients_equal_autograd(numpy_neuron):
    ns = numpy_neuron
    rng = np.random.default_rng(1)
    X, y = ns["X"], ns["y"]
    w, b = rng.normal(size=X.shape[1]), 0.7
    grad_w, grad_b = ns["gradients"](X, y, w, b)

    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    u = torch.tensor(X) @ wt + bt
    mse = ((torch.tensor(y) - u) ** 2).mean()  # E itself: the chapter's one convention
    mse.backward()
    np.testing.assert_allclose(grad_w, wt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(grad_b, bt.grad.item(), rtol=1e-10)


def test_batch_gradient_descent_reaches_least_squares_at_the_same_rate(numpy_neuron):
    """"Run long enough at the same rate": 500 steps at the rate of the 20-step run, 0.05."""
    ns = numpy_neuron
    X, y = ns["X"], ns["y"]
    assert ns["batch_gd"].__defaults__[0] == pytest.approx(0.05)
    w, b, _ = ns["batch_gd"](X, y, epochs=500)
    exact = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    got = np.append(w, b)
    assert np.linalg.norm(got - exact) / np.linalg.norm(exact) < 1e-12
    w, b, _ = ns["batch_gd"](X, y)  # the 20 steps of the page: still far from it
    assert np.linalg.norm(np.append(w, b) - exact) / np.linalg.norm(exact) > 0.1


def test_sgd_and_minibatch_approach_least_squares(numpy_neuron):
    ns = numpy_neuron
    best = np.mean((np.column_stack([ns["X"], np.ones(len(ns["y"]))]) @ ns["w_b_exact"] - ns["y"]) ** 2)
    assert ns["sgd_losses"][-1] < 1.05 * best
    assert ns["minibatch_losses"][-1] < 1.05 * best
    assert ns["batch_losses"][-1] > 10 * best  # after the same 20 epochs, batch descent lags far behind


def test_standardising_cuts_iterations_at_least_tenfold(script_runs):
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    standardised, raw = ns["iterations"]["standardised"], ns["iterations"]["raw"]
    assert standardised is not None
    raw_at_least = raw if raw is not None else ns["max_steps"] + 1
    assert raw_at_least >= 10 * standardised


def test_scaler_is_fitted_on_the_training_split_only(script_runs):
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    np.testing.assert_allclose(ns["scaler"].mean_, ns["X_train_raw"].mean(axis=0))
    assert not np.allclose(ns["X_test"].mean(axis=0), 0, atol=1e-3)  # the test split is not re-centred


def test_largest_stable_learning_rate_matches_the_curvature(script_runs):
    """Gradient descent on E is stable below 2 / λmax(H) = 1 / λmax(A^T A / n) (exercise 4)."""
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    for features in (ns["X_train_raw"], ns["X_train"]):
        limit = 1 / ns["curvature"](features)[0]
        lr = ns["largest_stable_lr"](features, ns["y_train"])
        assert limit / 2 < lr <= limit
    assert ns["largest_stable_lr"](ns["X_train"], ns["y_train"]) == pytest.approx(0.125)


def test_hessian_of_the_loss_is_2_ata_over_n(script_runs):
    """Exercise 4: E is a quadratic with curvature (2/n) A^T A, whatever the parameters."""
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    A = torch.tensor(np.column_stack([ns["X_train"], np.ones(len(ns["y_train"]))]))
    y = torch.tensor(ns["y_train"])
    v = torch.randn(A.shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    hessian = torch.autograd.functional.hessian(lambda v: ((A @ v - y) ** 2).mean(), v)
    torch.testing.assert_close(hessian, 2 * A.T @ A / len(y))


def test_along_each_eigenvector_the_loss_is_a_parabola_whose_curvature_is_its_eigenvalue(script_runs):
    """H is symmetric: its eigenvectors are perpendicular, and along each one E is a parabola of curvature
    the eigenvalue, the largest the steepest direction, the smallest the flattest."""
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    y = ns["y_train"]
    A = np.column_stack([ns["X_train"], np.ones(len(y))])
    H = 2 * A.T @ A / len(y)
    eigenvalues, eigenvectors = np.linalg.eigh(H)
    np.testing.assert_allclose(eigenvectors.T @ eigenvectors, np.eye(len(H)), atol=1e-12)
    v = np.random.default_rng(0).normal(size=len(H))  # any point: the curvature is the same everywhere

    def loss(v):
        return np.mean((A @ v - y) ** 2)

    t = 0.5
    curvatures = [(loss(v + t * d) - 2 * loss(v) + loss(v - t * d)) / t ** 2 for d in eigenvectors.T]
    np.testing.assert_allclose(curvatures, eigenvalues, rtol=1e-6)
    directions = np.random.default_rng(1).normal(size=(100, len(H)))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    along = np.einsum("ij,jk,ik->i", directions, H, directions)  # the curvature along any unit direction
    assert eigenvalues[0] <= along.min() and along.max() <= eigenvalues[-1]


def test_adam_steps_along_averaged_gradients_over_the_root_of_averaged_squares():
    """torch.optim.Adam: a running average of the gradients (momentum), divided by the root of a running
    average of their squares, both corrected for starting at 0."""
    lr, (beta1, beta2), eps = 0.01, (0.9, 0.999), 1e-8
    theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=lr, betas=(beta1, beta2), eps=eps)
    expected, mean, square = torch.zeros(3, dtype=torch.float64), 0, 0
    gradients = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    gradients *= torch.tensor([1e-3, 1.0, 1e3], dtype=torch.float64)  # sizes far apart
    for step, gradient in enumerate(gradients, start=1):
        optimizer.zero_grad()
        theta.grad = gradient.clone()
        optimizer.step()
        mean = beta1 * mean + (1 - beta1) * gradient
        square = beta2 * square + (1 - beta2) * gradient ** 2
        corrected_mean, corrected_square = mean / (1 - beta1 ** step), square / (1 - beta2 ** step)
        expected -= lr * corrected_mean / (corrected_square.sqrt() + eps)
        torch.testing.assert_close(theta.detach(), expected)
    # one learning rate, moves of about the same size for gradients a million times apart
    assert expected.abs().max() < 10 * expected.abs().min()


def test_centring_and_scaling_each_flatten_the_loss_and_both_together_most(script_runs):
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    largest = {name: ns["curvature"](features)[0] for name, features in ns["variants"].items()}
    assert largest["raw"] > 30 * largest["centred only"] > 30 * largest["standardised"]
    assert largest["raw"] > 100 * largest["scaled only"] > 50 * largest["standardised"]
    ratio = {name: np.divide(*ns["curvature"](features)) for name, features in ns["variants"].items()}
    assert ratio["standardised"] < 1000 < 100 * 1000 < ratio["scaled only"]


def test_a_numpy_learning_rate_works_unchanged_in_pytorch(script_runs):
    """The NumPy part's largest stable rate trains nn.Linear + MSELoss + SGD on the same data; twice it diverges."""
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    lr = ns["largest_stable_lr"](ns["X_train"], ns["y_train"])
    X, y = torch.tensor(ns["X_train"]), torch.tensor(ns["y_train"]).view(-1, 1)
    final = {}
    for rate in (lr, 2 * lr):
        torch.manual_seed(0)
        model = torch.nn.Linear(X.shape[1], 1, dtype=torch.float64)
        optimizer = torch.optim.SGD(model.parameters(), lr=rate)
        for _ in range(300):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(X), y)
            loss.backward()
            optimizer.step()
        final[rate] = loss.item()
    assert final[lr] < 1.01 * ns["best"]
    assert not final[2 * lr] < 10 * ns["best"]  # diverged (or overflowed to nan)


def test_two_stacked_linear_layers_equal_one():
    torch.manual_seed(3)
    first, second = torch.nn.Linear(5, 7), torch.nn.Linear(7, 2)
    W1, b1, W2, b2 = first.weight.T, first.bias, second.weight.T, second.bias
    x = torch.randn(11, 5)
    with torch.no_grad():
        torch.testing.assert_close(second(first(x)), x @ (W1 @ W2) + (b1 @ W2 + b2))


def test_without_its_relu_the_network_reaches_the_least_squares_line(script_runs):
    """Exercise 5: remove nn.ReLU() from relu_net and it does what a straight line does."""
    ns = script_runs(CHAPTER / "stacking.py").namespace
    x, target = ns["x"].cpu().double(), ns["target"].cpu().double()
    A = torch.cat([x, torch.ones_like(x)], dim=1)
    line = torch.linalg.lstsq(A, target).solution
    best_line = torch.mean((A @ line - target) ** 2).item()
    torch.manual_seed(0)
    no_relu = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Linear(16, 1)).to(ns["device"])
    assert abs(ns["train"](no_relu) - best_line) < 5e-4
    assert f"{best_line:.3f}" == "0.436"


def test_relu_network_beats_linear_model_on_nonlinear_target(script_runs):
    ns = script_runs(CHAPTER / "stacking.py").namespace
    x, target = ns["x"], ns["target"]
    with torch.no_grad():
        linear_mse = torch.nn.functional.mse_loss(ns["linear"](x), target).item()
        relu_mse = torch.nn.functional.mse_loss(ns["relu_net"](x), target).item()
    assert relu_mse < linear_mse / 5


def test_activation_ranges_and_saturation():
    z = torch.linspace(-20, 20, 401, requires_grad=True)
    for f, low, high in [(torch.sigmoid, 0, 1), (torch.tanh, -1, 1)]:
        out = f(z)
        assert low <= out.min().item() and out.max().item() <= high
        slope, = torch.autograd.grad(out.sum(), z)
        assert slope[0] < 1e-6 and slope[-1] < 1e-6  # saturated at both ends
    slope, = torch.autograd.grad(torch.relu(z).sum(), z)
    assert torch.all(slope[z > 0] == 1)


@pytest.fixture(scope="module")
def exercises(script_runs):
    return script_runs(CHAPTER / "exercises.py").namespace


def test_a_rate_just_below_the_limit_converges_and_just_above_diverges(exercises):
    """Exercise 1: the limit 1/λmax ≈ 0.241; after 10 steps both rates are still well below the starting
    MSE (about 29,100), 0.25 about 2.5 times as high as 0.24 and climbing, from about 6,670 at step 5 to
    10,600 at step 10, and back above the start by step 20; along the steepest direction the error grows
    by |1 - 2 η λmax| ≈ 1.07 per step, its share of the MSE by about 15%, and after 1,000 steps the MSE
    has exploded while 0.24 has converged."""
    ns = exercises
    X, y, mse_after = ns["X_train"], ns["y_train"], ns["mse_after"]
    A = np.column_stack([X, np.ones(len(y))])
    largest = np.linalg.eigvalsh(A.T @ A / len(A)).max()
    assert f"{largest:.2f}" == "4.14" and f"{1 / largest:.3f}" == "0.241"
    factor = abs(1 - 2 * 0.25 * largest)
    assert f"{factor:.2f}" == "1.07" and 0.14 < factor ** 2 - 1 < 0.16
    start = mse_after(X, y, 0.25, 0)
    assert round(start, -2) == 29_100
    after_10 = {lr: mse_after(X, y, lr, 10) for lr in (0.24, 0.25)}
    assert max(after_10.values()) < start / 2, "both far below the start"
    assert 2.3 < after_10[0.25] / after_10[0.24] < 2.7, "about 2.5 times as high"
    climbing = [mse_after(X, y, 0.25, n) for n in range(5, 21)]
    assert np.all(np.diff(climbing) > 0), "climbing from step 5 on"
    assert round(climbing[0], -1) == 6_670 and round(after_10[0.25], -2) == 10_600
    assert climbing[-1] > start, "back above the start by step 20"
    # Later, the MSE at 0.25 grows by factor^2 per step: the steepest direction has taken over.
    growth = mse_after(X, y, 0.25, 201) / mse_after(X, y, 0.25, 200)
    assert growth == pytest.approx(factor ** 2, rel=1e-3)
    below, above = (mse_after(X, y, lr, 1000) for lr in (0.24, 0.25))
    assert below < 1.01 * ns["best"] and above > 1e50


def test_a_leaky_scaler_moves_the_means_but_not_the_least_squares_fit(exercises):
    """Exercise 2."""
    ns = exercises
    means = ns["leaky"].transform(ns["X_train_raw"]).mean(axis=0)
    assert np.abs(means).max() > 0.01
    assert ns["held_out_mse"](ns["leaky"]) == pytest.approx(ns["held_out_mse"](ns["scaler"]), rel=1e-9)


def test_centring_alone_is_still_slow(exercises):
    """Exercise 3: after 100 steps, centred-only features are still about 8 times the best MSE (713% above
    it); after 10,000 steps, still more than 1% above the best."""
    ns = exercises
    ratio = ns["mse_after"](ns["centred"], ns["y_train"], ns["lr"], 100) / ns["best"]
    assert round(ratio) == 8 and f"{ratio - 1:.0%}" == "713%"
    assert ns["mse_after"](ns["centred"], ns["y_train"], ns["lr"], 10_000) > 1.01 * ns["best"]


def test_an_epoch_of_32_example_batches_makes_12_updates_and_sgd_at_0_01_does_not_settle(script_runs):
    """Exercise 6, and the DataLoader section's count of updates."""
    ns = script_runs(CHAPTER / "pytorch_neuron.py").namespace
    assert len(ns["train_loader"]) == 12
    spread = {}
    for lr in (0.01, 0.001):
        losses = sgd_training_mse(ns, lr, batch_size=1, epochs=12)
        spread[lr] = max(losses[-6:]) - min(losses[-6:])
    assert spread[0.01] > 100 and spread[0.001] < 50


def sgd_training_mse(ns: dict, lr: float, batch_size: int, epochs: int) -> list[float]:
    """The page's neuron trained by SGD on shuffled minibatches: the training MSE after each epoch."""
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(ns["train_dataset"], batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(0))
    model = torch.nn.Linear(ns["m"], 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(xb), yb).backward()
            optimizer.step()
        with torch.inference_mode():
            losses.append(torch.nn.functional.mse_loss(model(ns["X_train_t"]), ns["y_train_t"]).item())
    return losses


def test_minibatches_at_the_full_batch_rate_swing_and_at_0_01_settle(script_runs):
    """The DataLoader section: with batches of 32, the rate 0.125 throws the weights around (the training
    MSE swings by thousands between epochs), while 0.01 stays within a few percent of least squares."""
    ns = script_runs(CHAPTER / "pytorch_neuron.py").namespace
    A = np.column_stack([ns["X_train"], np.ones(len(ns["y_train"]))])
    best = np.mean((A @ np.linalg.lstsq(A, ns["y_train"], rcond=None)[0] - ns["y_train"]) ** 2)
    last = {lr: np.array(sgd_training_mse(ns, lr, batch_size=32, epochs=20)[-6:]) for lr in (0.125, 0.01)}
    assert np.abs(np.diff(last[0.125])).max() > 1000 and last[0.125].max() > 2 * best
    assert last[0.01].max() < 1.05 * best


def test_the_mean_is_the_yardstick_and_the_neuron_explains_about_a_third(script_runs):
    """The training-loop section's reading of its own output: ~5,135 for the training mean, close to the
    square of the test targets' spread (72), whose mean is close to the training one; a third explained."""
    ns = script_runs(CHAPTER / "pytorch_neuron.py").namespace
    printed = (CHAPTER / "outputs" / "pytorch_neuron.loop.txt").read_text(encoding="utf-8")
    test_mse = float(re.search(r"full batch: .*test MSE (\d+)", printed)[1])
    baseline = float(re.search(r"yardstick: +test MSE (\d+) predicting the training mean", printed)[1])
    spread = float(re.search(r"test targets' std (\d+)", printed)[1])
    y_train, y_test = ns["y_train"], ns["y_test"]
    assert baseline == round(np.mean((y_test - y_train.mean()) ** 2))
    assert spread == round(y_test.std()) == 72 and round(baseline ** 0.5) == 72
    assert abs(y_test.mean() - y_train.mean()) < 0.1 * y_test.std(), "the means lie close"
    assert 0.3 < 1 - test_mse / baseline < 0.36
    assert 57 < test_mse ** 0.5 < 61


def test_the_device_line_needs_the_pytorch_the_page_names():
    """`current_accelerator(check_available=True)` came with PyTorch 2.7, the version the page names."""
    import inspect

    assert tuple(int(part) for part in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 7)
    assert "check_available" in inspect.signature(torch.accelerator.current_accelerator).parameters


def test_the_activation_table_fits_the_content_column(script_runs):
    """Printed as a table of columns, the values stay within the column of the page (78 characters)."""
    printed = script_runs(CHAPTER / "activations.py").stdout
    assert max(len(line) for line in printed.splitlines()) <= 78
