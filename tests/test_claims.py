"""Each mathematical claim of the linear-neurons chapter, checked numerically."""

import numpy as np
import pytest
import torch

from coursekit.project import SNIPPETS

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
    half_mse = ((torch.tensor(y) - u) ** 2).mean() / 2  # the chapter's formulas are the gradient of E/2
    half_mse.backward()
    np.testing.assert_allclose(grad_w, wt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(grad_b, bt.grad.item(), rtol=1e-10)


def test_batch_gradient_descent_reaches_least_squares(numpy_neuron):
    ns = numpy_neuron
    X, y = ns["X"], ns["y"]
    w, b, _ = ns["batch_gd"](X, y, lr=0.5, epochs=500)
    exact = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    got = np.append(w, b)
    assert np.linalg.norm(got - exact) / np.linalg.norm(exact) < 1e-6


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
    """Gradient descent on E/2 is stable below 2 / (largest eigenvalue of its Hessian)."""
    ns = script_runs(CHAPTER / "normalisation.py").namespace
    for features in (ns["X_train_raw"], ns["X_train"]):
        A = np.column_stack([features, np.ones(len(features))])
        limit = 2 / np.linalg.eigvalsh(A.T @ A / len(A)).max()
        lr = ns["largest_stable_lr"](features, ns["y_train"])
        assert limit / 2 < lr <= limit


def test_two_stacked_linear_layers_equal_one():
    torch.manual_seed(3)
    first, second = torch.nn.Linear(5, 7), torch.nn.Linear(7, 2)
    W1, b1, W2, b2 = first.weight.T, first.bias, second.weight.T, second.bias
    x = torch.randn(11, 5)
    with torch.no_grad():
        torch.testing.assert_close(second(first(x)), x @ (W1 @ W2) + (b1 @ W2 + b2))


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
