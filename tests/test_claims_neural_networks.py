"""Each claim of the neural-networks chapter, checked numerically, beyond what its printed outputs show."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from coursekit.project import SNIPPETS

CHAPTER = SNIPPETS / "neural_networks"


@pytest.fixture(scope="module")
def backprop(script_runs):
    return script_runs(CHAPTER / "backprop.py").namespace


@pytest.fixture(scope="module")
def digits(script_runs):
    return script_runs(CHAPTER / "digits.py").namespace


def test_every_layer_shape_is_as_the_page_says(script_runs):
    ns = script_runs(CHAPTER / "layers.py").namespace
    n, m, h, k = ns["n"], ns["m"], ns["h"], ns["k"]
    assert ns["Z1"].shape == (n, h) and ns["W1"].shape == (m, h) and ns["U"].shape == (n, k)
    assert ns["W1"].size + ns["b1"].size + ns["W2"].size + ns["b2"].size == m * h + h + h * k + k


def test_bce_gradient_is_p_minus_y_and_mse_has_the_vanishing_factor():
    z = torch.tensor([-6.0, -1.0, 0.5, 4.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64)
    p = torch.sigmoid(z)
    bce, = torch.autograd.grad(nn.functional.binary_cross_entropy(p, y, reduction="sum"), z)
    np.testing.assert_allclose(bce, (p - y).detach(), rtol=1e-12)
    mse, = torch.autograd.grad(((torch.sigmoid(z) - y) ** 2).sum(), z)
    np.testing.assert_allclose(mse, (2 * (p - y) * p * (1 - p)).detach(), rtol=1e-12)
    # "about 200 times larger" on the page's example, z = -6 for a label 1
    p6 = torch.sigmoid(torch.tensor(-6.0, dtype=torch.float64))
    assert 150 < abs(p6 - 1) / abs(2 * (p6 - 1) * p6 * (1 - p6)) < 250


def test_softmax_cross_entropy_gradient_is_p_minus_one_hot_over_n():
    logits = torch.tensor([[2.0, 1.0, -1.0], [0.0, 0.0, 3.0]], dtype=torch.float64, requires_grad=True)
    labels = torch.tensor([0, 1])
    grad, = torch.autograd.grad(nn.functional.cross_entropy(logits, labels), logits)
    expected = (torch.softmax(logits, dim=1) - nn.functional.one_hot(labels, 3)) / 2
    np.testing.assert_allclose(grad, expected.detach(), rtol=1e-12)


def test_hand_backprop_equals_finite_differences_and_autograd_at_another_point(backprop):
    ns = backprop
    params = ns["init"](m=2, h=5, seed=3)
    X, y = ns["X_test"], ns["y_test"]
    by_hand, numerical = ns["backward"](params, X, y), ns["numerical_gradient"](params, X, y)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    H = torch.tanh(torch.tensor(X) @ t["W1"] + t["b1"])
    loss = nn.functional.binary_cross_entropy(torch.sigmoid(H @ t["w2"] + t["b2"]), torch.tensor(y, dtype=torch.float64))
    loss.backward()
    for name in params:
        assert np.shape(by_hand[name]) == np.shape(params[name]), name  # the shapes of the table
        np.testing.assert_allclose(by_hand[name], numerical[name], rtol=1e-6, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(by_hand[name], t[name].grad.numpy(), rtol=1e-10, err_msg=name)


def test_the_gradient_check_catches_a_missing_tanh_derivative(backprop):
    """The check is worth having: drop the (1 - H^2) factor and it fails."""
    ns = backprop
    params = ns["init"](m=2, h=8)
    p, H = ns["forward"](params, ns["X_train"])
    G1 = np.outer((p - ns["y_train"]) / len(p), params["w2"])  # tanh' forgotten
    gap = np.abs(ns["X_train"].T @ G1 - ns["numerical_gradient"](params, ns["X_train"], ns["y_train"])["W1"]).max()
    assert gap / np.abs(ns["backward"](params, ns["X_train"], ns["y_train"])["W1"]).max() > 1e-2


def test_the_mlp_separates_the_moons_far_better_than_the_logistic_neuron(backprop):
    ns = backprop
    accuracy = {name: np.mean((proba(ns["X_test"]) > 0.5) == ns["y_test"]) for name, proba in ns["models"].items()}
    logistic, mlp = accuracy.values()
    assert mlp >= 0.95 and logistic <= 0.9
    assert (1 - mlp) <= (1 - logistic) / 2  # at most half the errors


def test_zero_init_keeps_hidden_units_identical_and_random_init_does_not(script_runs):
    ns = script_runs(CHAPTER / "initialisation.py").namespace
    for zero in (True, False):
        net = ns["make_net"](zero)
        optimizer = torch.optim.SGD(net.parameters(), lr=1.0)
        for _ in range(200):
            optimizer.zero_grad()
            nn.functional.binary_cross_entropy_with_logits(net(ns["X"]), ns["y"]).backward()
            optimizer.step()
        W1 = net[0].weight.detach()
        spread = (W1 - W1[0]).abs().max().item()
        if zero:
            assert spread == 0 and W1.abs().max() > 0.1  # they moved, together
        else:
            assert spread > 0.5


def test_gradients_vanish_through_sigmoids_and_not_through_relus(script_runs):
    ns = script_runs(CHAPTER / "initialisation.py").namespace
    sigmoid, relu = np.array(ns["sigmoid"]), np.array(ns["relu"])
    assert (np.diff(sigmoid) > 0).all(), "each sigmoid layer's gradient is smaller than the next one's"
    ratios = sigmoid[1:] / sigmoid[:-1]
    assert 2.5 < np.median(ratios) < 4, "a factor of about 3 per layer"
    assert 5e4 < sigmoid[-1] / sigmoid[0] < 2e5, "the first layer's about 100,000 times smaller"
    assert relu.max() / relu.min() < 2, "the same order of magnitude through the ReLUs"


def test_digits_splits_are_disjoint_stratified_and_60_20_20(digits):
    ns = digits
    sizes = {name: len(y) for name, (_, y) in ns["splits"].items()}
    assert sizes == {"train": 1078, "val": 359, "test": 360}
    rows = {name: {tuple(x.tolist()) + (int(label),) for x, label in zip(*split)} for name, split in ns["splits"].items()}
    assert not (rows["train"] & rows["test"]) and not (rows["val"] & rows["test"])
    for name, (_, y) in ns["splits"].items():
        share = np.bincount(y.numpy(), minlength=10) / len(y)
        assert np.abs(share - 0.1).max() < 0.01, name


def test_digits_test_accuracy_and_overfitting_as_described(digits):
    ns = digits
    assert ns["test_acc"] > 0.95
    history = ns["history"]
    train_loss = [loss for loss, _ in history["train"]]
    val_loss = [loss for loss, _ in history["val"]]
    assert history["train"][-1][1] == 1.0, "training accuracy reaches 1"
    assert train_loss[-1] < train_loss[19] / 2, "the training loss keeps falling after 20 epochs"
    assert min(val_loss[19:]) > 0.9 * min(val_loss[:20]), "the validation loss no longer improves after 20"
    assert 0.05 < val_loss[-1] < 0.1, "about 0.07"
    assert sum(p.numel() for p in ns["model"].parameters()) == 64 * 32 + 32 + 32 * 10 + 10


def test_nn_linear_starts_uniform_within_one_over_sqrt_fan_in():
    torch.manual_seed(0)
    layer = nn.Linear(64, 32)
    bound = 1 / 64 ** 0.5
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.95 * bound


@pytest.mark.parametrize("hidden, expected", [((128,), 9610), ((32, 32), 3466)])
def test_exercise_parameter_counts(hidden, expected):
    sizes = (64, *hidden, 10)
    layers = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
    assert sum(p.numel() for layer in layers for p in layer.parameters()) == expected


def test_two_class_softmax_is_the_sigmoid_of_the_difference(script_runs):
    ns = script_runs(CHAPTER / "exercises.py").namespace
    np.testing.assert_allclose(ns["softmax"][:, 1], ns["sigmoid"](ns["difference"]), rtol=1e-12)
    assert ns["slope"].max() == 0.25
