"""Each claim of the neural-networks chapter, checked numerically, beyond what its printed outputs show."""

import ast
import re

import numpy as np
import pytest

from coursekit.project import DOCS, SNIPPETS
from coursekit.testing.lazy import lazy

torch = lazy("torch")  # imported by the first test that runs, not at collection
nn = lazy("torch.nn")

CHAPTER = SNIPPETS / "neural_networks"
PAGE = DOCS / "en" / "chapters" / "neural-networks.md"


@pytest.fixture(scope="module")
def backprop(script_runs):
    return script_runs(CHAPTER / "backprop.py").namespace


@pytest.fixture(scope="module")
def initialisation(script_runs):
    return script_runs(CHAPTER / "initialisation.py").namespace


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
    np.testing.assert_allclose(bce, (p - y).detach(), rtol=1e-12)  # exercise 2
    mse, = torch.autograd.grad(((torch.sigmoid(z) - y) ** 2).sum(), z)
    np.testing.assert_allclose(mse, (2 * (p - y) * p * (1 - p)).detach(), rtol=1e-12)
    # "about 200 times larger" on the page's example, z = -6 for a label 1
    p6 = torch.sigmoid(torch.tensor(-6.0, dtype=torch.float64))
    assert 150 < abs(p6 - 1) / abs(2 * (p6 - 1) * p6 * (1 - p6)) < 250


def test_the_mse_gradient_through_a_sigmoid_shrinks_with_the_mistake_only_past_a_third():
    """For a label 1 its size 2p(1-p)^2 peaks at p = 1/3 and falls on both sides; for a label 0, at 2/3."""
    p = np.linspace(1e-4, 1 - 1e-4, 99_999)
    for label, peak in [(1, 1 / 3), (0, 2 / 3)]:
        size = np.abs(2 * (p - label) * p * (1 - p))
        assert abs(p[size.argmax()] - peak) < 1e-3
        wrong = p < peak if label == 1 else p > peak  # the mistakes worse than the peak
        assert np.all(np.diff(size[wrong]) * (1 if label == 1 else -1) > 0), "worse mistake, smaller gradient"
    # the BCE's p - y grows with the mistake everywhere
    assert np.all(np.diff(np.abs(p - 1)) < 0)


def test_the_gradient_with_respect_to_p_is_the_table_s_row():
    """Shape table, row p: dE/dp = (p - y) / (n p (1 - p)); times sigma'(z2) = p (1 - p), it is g."""
    z = torch.tensor([-2.0, 0.3, 1.5, 3.0, -0.7], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    p = torch.sigmoid(z).requires_grad_()
    grad, = torch.autograd.grad(nn.functional.binary_cross_entropy(p, y), p)
    n, p = len(y), p.detach()
    np.testing.assert_allclose(grad, (p - y) / (n * p * (1 - p)), rtol=1e-12)
    np.testing.assert_allclose(grad * p * (1 - p), (p - y) / n, rtol=1e-12)


def test_softmax_cross_entropy_gradient_is_p_minus_one_hot_over_n():
    """Exercise 3."""
    logits = torch.tensor([[2.0, 1.0, -1.0], [0.0, 0.0, 3.0]], dtype=torch.float64, requires_grad=True)
    labels = torch.tensor([0, 1])
    grad, = torch.autograd.grad(nn.functional.cross_entropy(logits, labels), logits)
    expected = (torch.softmax(logits, dim=1) - nn.functional.one_hot(labels, 3)) / 2
    np.testing.assert_allclose(grad, expected.detach(), rtol=1e-12)


def test_log_softmax_takes_no_logarithm_of_a_rounded_probability(script_runs):
    ns = script_runs(CHAPTER / "classification.py").namespace
    Z = np.array([[1000.0, 0.0, -5.0], [2.0, 1.0, -1.0]])
    logs = ns["log_softmax"](Z)
    assert np.isfinite(logs).all() and logs[0, 1] == pytest.approx(-1000)  # log(softmax) would give -inf
    np.testing.assert_allclose(logs[1], np.log(ns["softmax"](Z[1:]))[0], rtol=1e-12)
    with np.errstate(divide="ignore"):
        assert np.isinf(np.log(ns["softmax"](Z)[0, 1]))


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
        np.testing.assert_allclose(by_hand[name], numerical[name], rtol=1e-7, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(by_hand[name], t[name].grad.numpy(), rtol=1e-10, err_msg=name)


def test_the_central_difference_gap_falls_as_eps_squared_then_rounding_takes_over(backprop):
    ns = backprop
    params, X, y = ns["params"], ns["X_train"], ns["y_train"]
    eps = 10.0 ** -np.arange(1, 11)
    gaps = np.array([ns["relative_gap"](ns["by_hand"], ns["numerical_gradient"](params, X, y, e)) for e in eps])
    truncation = gaps[:4]  # 0.1 to 1e-4
    np.testing.assert_allclose(truncation[:-1] / truncation[1:], 100, rtol=0.05)  # eps^2
    assert 10 < gaps[3] / gaps[4] < 90, "the step to 1e-5 still gains, though less"
    assert eps[gaps.argmin()] == pytest.approx(1e-5) and gaps.min() < 1e-9, "best near 1e-5, about ten digits"
    rounding = gaps[4:]  # 1e-5 to 1e-10
    assert np.all(np.diff(np.log10(rounding)) > 0.5), "the gap grows about tenfold per step"
    assert ns["numerical_gradient"].__defaults__ == pytest.approx((1e-5,))


def test_the_gradient_check_catches_the_missing_tanh_derivative(backprop):
    """The slip of the page, and the one of the page's shape: dE/dH used as G1."""
    ns = backprop
    params, X, y = ns["params"], ns["X_train"], ns["y_train"]
    numerical = ns["numerical_gradient"](params, X, y)
    p, _ = ns["forward"](params, X)
    slipped = ns["backward"](params, X, y)
    slipped["W1"] = X.T @ np.outer((p - y) / len(y), params["w2"])  # W1 alone wrong: caught as well
    assert ns["relative_gap"](slipped, numerical) > 0.1
    assert ns["relative_gap"](ns["backward"](params, X, y), numerical) < 1e-9
    assert 0.1 < ns["relative_gap"](ns["slipped"], ns["numerical"]) < 0.3  # "0.2"


def test_autograd_and_backward_differ_by_rounding_only(script_runs, backprop):
    """A few times float64's precision (about 1e-16); the line prints the decade of a hundred of them,
    1e-13, which the gap stays below, three decades under the best finite difference's 1e-10."""
    ns = backprop
    eps = np.finfo(np.float64).eps
    assert 1e-16 < eps < 1e-15 and ns["bound"] == pytest.approx(1e-13)
    assert ns["gap"] == ns["relative_gap"](ns["by_hand"], ns["by_autograd"]) < 10 * eps, "a few times eps"
    printed = script_runs(CHAPTER / "backprop.py").stdout
    assert "autograd against backward: gap < 1e-13: True" in printed
    assert "eps = 1e-05: gap < 1e-10" in printed and 1e-10 / ns["bound"] == pytest.approx(1000)


def test_the_mlp_separates_the_moons_far_better_than_the_logistic_neuron(backprop):
    ns = backprop
    accuracy = {name: np.mean((proba(ns["X_test"]) > 0.5) == ns["y_test"]) for name, proba in ns["models"].items()}
    logistic, mlp = accuracy.values()
    assert mlp >= 0.95 and logistic <= 0.9
    assert (1 - mlp) <= (1 - logistic) / 2  # at most half the errors


def test_the_graph_shows_the_gradient_of_every_parameter(backprop):
    ns = backprop
    gradients = {name for name, (_, _, grad) in ns["nodes"].items() if grad}
    assert gradients >= {"W_1", "b_1", "w_2", "b_2", "Z_1", "H", "z_2"}
    assert {name for edge in ns["edges"] for name in edge.split()} == set(ns["nodes"])


def test_zero_init_keeps_hidden_units_identical_and_random_init_does_not(initialisation):
    ns = initialisation
    for zero in (True, False):
        net = ns["make_net"](zero)
        optimizer = torch.optim.SGD(net.parameters(), lr=1.0)
        for _ in range(200):
            optimizer.zero_grad()
            nn.functional.binary_cross_entropy_with_logits(net(ns["X"]), ns["y"]).backward()
            optimizer.step()
        into_units = net[0].weight.detach()
        spread = (into_units - into_units[0]).abs().max().item()
        if zero:
            assert spread == 0 and into_units.abs().max() > 0.1  # they moved, together
        else:
            assert spread > 0.5


def profiles(ns):
    """{(activation, initialisation): (std of H_l, |dE/dH_l| / |dE/dH_10|)} as the page prints them."""
    return {column: tuple(np.array(values) for values in list(profile.values())[:2])
            for column, profile in ns["profiles"].items()}


def weight_gradients(ns):
    """{(activation, initialisation): |dE/dW_l| / |dE/dW_10|}, the page's last table."""
    return {column: np.array(profile["norm of dE/dW_l, relative to layer 10"])
            for column, profile in ns["profiles"].items()}


def test_he_keeps_activations_and_gradients_and_other_scales_do_not(initialisation):
    columns = profiles(initialisation)
    std, grad = columns[("ReLU", "He")]
    assert 0.75 <= std.min() and std.max() <= 1.25 and 0.7 <= grad.min() and grad.max() <= 1.2
    std, grad = columns[("ReLU", "1/√m")]
    per_layer = (std[0] / std[-1]) ** (1 / 9)
    assert 1.3 < per_layer < 1.5, "the activations shrink by about sqrt(2) per layer"
    assert 18 < 1 / grad[0] < 27, "the first layer's gradient about 22 times smaller"
    std, grad = columns[("ReLU", "std 1")]
    assert std[-1] / std[0] > 1e6 and grad[0] > 1e6, "both explode"
    default, small = columns[("ReLU", "default")], columns[("ReLU", "1/√m")]
    assert np.all(default[0] < small[0]) and default[1][0] < small[1][0] / 10, "the default shrinks faster"
    std, grad = columns[("tanh", "Xavier")]
    assert 1 / 3 < grad[0] < 1 and np.all(np.diff(std) < 0) and std[0] / std[-1] < 3, "tanh loses a little"
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)


def test_the_sigmoid_divides_the_gradient_by_about_four_per_layer(initialisation):
    """The slopes divide by 4 or more, the weights' factor sqrt(m) s is about 1 (1 exactly for Xavier on
    square layers), so the gradient shrinks by about 4 per layer on average, some layers less."""
    assert 64 ** 0.5 * (2 / (64 + 64)) ** 0.5 == pytest.approx(1)
    hidden, by_output, _ = stack(*initialisation["settings"][("sigmoid", "Xavier")])
    for h, grad_h in zip(hidden[:-1], by_output[:-1]):  # the slopes: delta = dE/dH * sigma'(Z)
        slope = h * (1 - h)
        assert slope.max() <= 0.25 and (grad_h * slope).norm() <= grad_h.norm() / 4
    std, grad = profiles(initialisation)[("sigmoid", "Xavier")]
    factors = grad[1:] / grad[:-1]
    assert 3.5 < (grad[-1] / grad[0]) ** (1 / 9) < 4.5, "about 4 on average"
    assert factors.min() < 4 < factors.max(), "not 4 or more at every layer"
    assert 1e-6 < grad[0] < 1e-5, "a few millionths at the first layer"
    assert 0.1 <= std.min() and std.max() < 0.25, "a spread of about 0.1"


def stack(activation, init, depth=10, width=64, inputs=lambda batch: batch):
    """The page's deep stack (seed, layers, batch), returning H_l, dE/dH_l and dE/dW_l; `inputs` changes the
    random batch fed to layer 1."""
    torch.manual_seed(0)
    layers = [nn.Linear(width, width, bias=False) for _ in range(depth)]
    for layer in layers:
        init(layer.weight)
    head = nn.Linear(width, 1)
    signal, target = inputs(torch.randn(256, width)), torch.randn(256, 1)
    hidden = []
    for layer in layers:
        signal = activation(layer(signal))
        hidden.append(signal)
    error = nn.functional.mse_loss(head(signal), target)
    grads = torch.autograd.grad(error, hidden + [layer.weight for layer in layers])
    return hidden, grads[:depth], grads[depth:]


def test_the_sigmoid_s_spread_is_its_units_offsets_not_the_input(initialisation):
    """How much a unit varies from one example to the next shrinks about fourfold per layer, while the
    spread over all outputs stays near 0.1; at layer 10, about 5e-7 from one example to the next."""
    hidden, _, _ = stack(*initialisation["settings"][("sigmoid", "Xavier")])
    across_examples = np.array([h.std(dim=0).mean().item() for h in hidden])
    assert np.median(across_examples[:-1] / across_examples[1:]) > 3.5
    assert across_examples[-1] < 1e-3 * hidden[-1].std().item()
    assert f"{across_examples[-1]:.0e}" == "5e-07" and 0.05 < hidden[-1].std().item() < 0.2


def test_weight_gradients_are_balanced_while_the_signal_dies(initialisation):
    """ReLU with s = 1/sqrt(m): the norms of dE/dW_l stay within a factor of 2, while dE/dH_l shrinks 22 times;
    the weights all start at the same scale, so gradient descent moves each layer's by similar amounts; the
    activations' spread falls to about 0.033 at layer 10, and by another sqrt(2) per layer added."""
    weights, columns = weight_gradients(initialisation), profiles(initialisation)
    small = initialisation["settings"][("ReLU", "1/√m")]
    assert weights[("ReLU", "1/√m")].max() / weights[("ReLU", "1/√m")].min() < 2
    assert 1 / columns[("ReLU", "1/√m")][1][0] > 15
    torch.manual_seed(0)  # the stack's weights, as drawn there
    layers = [nn.Linear(64, 64, bias=False) for _ in range(10)]
    for layer in layers:
        small[1](layer.weight)
    scales = np.array([layer.weight.norm().item() for layer in layers])
    moves = weights[("ReLU", "1/√m")] / scales  # each layer's gradient step, relative to its weights
    assert scales.max() / scales.min() < 1.1 and moves.max() / moves.min() < 2
    std = columns[("ReLU", "1/√m")][0]
    assert 0.030 < std[-1] < 0.036, "about 0.033 at layer 10"
    deeper, _, _ = stack(*small, depth=20)
    per_layer = (std[-1] / deeper[-1].std().item()) ** (1 / 10)
    assert 1.2 < per_layer < 1.6, "another sqrt(2) or so per layer added"
    # the same norms as the test's own copy of the stack, run on the CPU
    _, _, by_weight = stack(*small)
    norms = np.array([g.norm().item() for g in by_weight])
    np.testing.assert_allclose(norms / norms[-1], weights[("ReLU", "1/√m")], rtol=1e-3)


def test_with_he_the_weight_gradients_span_about_10_and_layer_1_owes_its_step_to_its_centred_input(
        initialisation):
    """About 4 from layer 10 down to layer 2, 2.6 more at layer 1; on a non-negative input (the ReLU of the
    same batch) layer 1's ratio rises from 0.09 to 0.26, and the ten layers span a factor of about 4; the
    same input centred again brings layer 1 back down."""
    he = weight_gradients(initialisation)[("ReLU", "He")]
    assert 7 < he.max() / he.min() < 14 and he.argmin() == 0, "a factor of about 10"
    assert 3.5 < he[1:].max() / he[1:].min() < 4.8, "about 4 from layer 10 down to layer 2"
    assert 2.3 < he[1] / he[0] < 2.9, "2.6 more at layer 1"
    he_init = initialisation["settings"][("ReLU", "He")]

    def ratios(inputs):
        _, _, by_weight = stack(*he_init, inputs=inputs)
        norms = np.array([g.norm().item() for g in by_weight])
        return norms / norms[-1]

    np.testing.assert_allclose(ratios(lambda batch: batch), he, rtol=1e-3)  # the page's stack
    assert f"{he[0]:.2f}" == "0.09"
    non_negative = ratios(torch.relu)
    assert 0.25 < non_negative[0] < 0.27, "about 0.26"
    assert 3.5 < non_negative.max() / non_negative.min() < 4.5, "the ten layers span about 4"
    assert ratios(lambda batch: batch.relu() - batch.relu().mean(dim=0))[0] < 0.15, "centred: back down"


def test_nn_linear_default_is_uniform_and_not_he():
    """Uniform within 1/sqrt(m), standard deviation 1/sqrt(3m), biases drawn in the same interval; He's
    standard deviation sqrt(2/m) is sqrt(6) times larger."""
    torch.manual_seed(0)
    m = 256
    layer = nn.Linear(m, 512)
    bound = 1 / m ** 0.5
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.99 * bound
    assert layer.weight.std().item() == pytest.approx((3 * m) ** -0.5, rel=0.02)
    assert layer.bias.abs().max() <= bound and layer.bias.std().item() > 0.5 * (3 * m) ** -0.5
    he = torch.empty(512, m)
    nn.init.kaiming_normal_(he, nonlinearity="relu")
    assert he.std().item() / layer.weight.std().item() == pytest.approx(6 ** 0.5, rel=0.03)
    assert tuple(layer.weight.shape) == (512, m), "nn.Linear(m, h) keeps W transposed, h x m"


def test_momentum_is_the_page_s_update_and_lengthens_steady_steps_tenfold():
    """v <- mu v + g, theta <- theta - eta v; a steady gradient ends up moving theta by eta / (1 - mu) times it,
    and gradients that alternate in sign largely cancel out."""
    lr, mu = 0.1, 0.9
    theta = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([theta], lr=lr, momentum=mu)
    v, expected, steps = 0.0, 0.0, []
    for t in range(200):
        g = 1.0
        theta.grad = torch.tensor([g])
        before = theta.item()
        optimizer.step()
        v = mu * v + g
        expected -= lr * v
        steps.append(before - theta.item())
        assert theta.item() == pytest.approx(expected, rel=1e-5)
    assert steps[-1] == pytest.approx(lr / (1 - mu), rel=1e-6)
    velocity = 0.0
    for t in range(200):
        velocity = mu * velocity + (-1) ** t
    assert abs(velocity) < 1 / (1 + mu) + 1e-6


def test_momentum_speeds_up_the_flat_direction_of_an_uneven_loss():
    """On E = (x^2 + 0.01 y^2) / 2, at the same rate, momentum reaches the minimum about ten times sooner."""
    def steps_to_minimum(momentum):
        theta = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.SGD([theta], lr=0.5, momentum=momentum)
        curvature = torch.tensor([1.0, 0.01], dtype=torch.float64)
        for step in range(1, 100_000):
            optimizer.zero_grad()
            (curvature * theta ** 2).sum().div(2).backward()
            optimizer.step()
            if theta.abs().max() < 1e-3:
                return step
    plain, heavy = steps_to_minimum(0.0), steps_to_minimum(0.9)
    assert plain / heavy > 5


def test_digits_splits_are_disjoint_stratified_and_60_20_20(digits):
    ns = digits
    sizes = {name: len(y) for name, (_, y) in ns["splits"].items()}
    assert sizes == {"train": 1078, "val": 359, "test": 360}
    rows = {name: {tuple(x.tolist()) + (int(label),) for x, label in zip(*split)} for name, split in ns["splits"].items()}
    assert not (rows["train"] & rows["test"]) and not (rows["val"] & rows["test"])
    for name, (_, y) in ns["splits"].items():
        share = np.bincount(y.numpy(), minlength=10) / len(y)
        assert np.abs(share - 0.1).max() < 0.01, name


def test_the_curves_are_as_described_and_validation_chooses_the_epoch(digits):
    ns = digits
    history, best = ns["history"], ns["best"]
    train_loss = [loss for loss, _ in history["train"]]
    val_loss = [loss for loss, _ in history["val"]]
    val_acc = [acc for _, acc in history["val"]]
    assert history["train"][-1][1] == pytest.approx(1), "training accuracy reaches 1"
    assert train_loss[-1] < train_loss[19] / 2 and 0.003 < train_loss[-1] < 0.006, "keeps falling, to ~0.004"
    lowest_by_19 = min(val_loss[:19])
    assert val_loss[:20].index(lowest_by_19) == 18, "the lowest by epoch 20 is epoch 19's"
    assert val_loss[19] > 1.2 * lowest_by_19, "epoch 20 is a bump"
    assert max(val_loss[:18]) > 1.2 * lowest_by_19, "not the only one: it falls with bumps until then"
    assert min(val_loss[19:]) > 0.95 * lowest_by_19, "the validation loss no longer improves after 19"
    assert lowest_by_19 < 1.03 * min(val_loss), "epoch 19 comes close to the lowest: a near tie"
    assert max(val_loss[20:]) < 1.25 * min(val_loss), "from epoch 21 on, between about 0.064 and 0.075"
    assert val_loss[-1] > 1.1 * min(val_loss), "a little higher at the end than at its lowest"
    assert all(0.97 < acc < 0.99 for acc in val_acc[20:]), "from epoch 21 on, the accuracy holds near 98%"
    assert val_acc[19] < 0.97, "not yet at epoch 20"
    assert f"{min(val_loss):.3f}" == "0.064" and best["epoch"] == 1 + int(np.argmin(val_loss)) == 26, (
        "by epoch 30 the lowest is 0.064, reached at epoch 26")
    runner_up = sorted(val_loss)[1]
    assert runner_up > 1.001 * best["val loss"], "a choice that rounding elsewhere does not flip"
    for name, tensor in ns["model"].state_dict().items():  # the test set saw the kept weights
        assert torch.equal(tensor, best["state"][name]), name


def test_the_test_accuracy_and_its_standard_error(digits):
    ns = digits
    n, accuracy = len(ns["y_t"]), ns["test_acc"]
    assert accuracy > 0.95 and ns["error_bar"] == pytest.approx((accuracy * (1 - accuracy) / n) ** 0.5)
    assert 0.0075 < ns["error_bar"] < 0.0085, "0.8 points"
    assert abs(0.98 - accuracy) < ns["error_bar"], "cannot tell 97.5% from 98%"
    assert sum(p.numel() for p in ns["model"].parameters()) == 64 * 32 + 32 + 32 * 10 + 10


def test_the_pixel_scale_is_fixed_and_leaves_the_inputs_uncentred(digits):
    """Dividing by 16 uses the top of the pixel scale, not a statistic of any split; the mean stays about 0.3."""
    from sklearn.datasets import load_digits

    pixels = load_digits().data
    assert pixels.min() == 0 and pixels.max() == 16 and np.array_equal(pixels, pixels.round())
    np.testing.assert_array_equal(digits["X"], pixels / 16)
    assert 0.25 < digits["X"].mean() < 0.35 and 0.25 < digits["X_train"].mean() < 0.35


def test_load_digits_says_its_images_come_from_13_writers():
    from sklearn.datasets import load_digits

    description = " ".join(load_digits().DESCR.split())
    assert "copy of the test set" in description and "different 13 to the test set" in description


@pytest.mark.parametrize("hidden, expected", [((128,), 9610), ((32, 32), 3466)])
def test_exercise_parameter_counts(hidden, expected):
    sizes = (64, *hidden, 10)
    layers = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
    assert sum(p.numel() for layer in layers for p in layer.parameters()) == expected


@pytest.mark.parametrize("width", [16, 32, 64, 128, 1024])
def test_the_first_layer_holds_most_parameters_whenever_inputs_outnumber_outputs(width):
    """Exercise 6: m h against h k; the width does not decide, 64 inputs against 10 outputs do."""
    first, second = (sum(p.numel() for p in nn.Linear(a, b).parameters()) for a, b in [(64, width), (width, 10)])
    assert first > 4 * second


@pytest.mark.parametrize("activation", ["Tanh", "ReLU"])
def test_a_zero_start_moves_no_weight_whatever_the_activation(script_runs, activation):
    """Exercise 5: from zeros, with tanh or ReLU units, no weight moves, nor the output bias on balanced moons,
    and the loss stays at log 2."""
    ns = script_runs(CHAPTER / "exercises.py").namespace
    assert int(ns["y"].sum().item()) * 2 == len(ns["y"]), "as many points of each class"
    activation = getattr(nn, activation)
    net = ns["train_from_zeros"](activation())
    assert isinstance(net[1], activation)
    for layer in (net[0], net[2]):
        assert torch.count_nonzero(layer.weight) == 0
    assert torch.count_nonzero(net[0].bias) == 0 and abs(net[2].bias.item()) < 1e-6
    with torch.inference_mode():
        loss = nn.functional.binary_cross_entropy_with_logits(net(ns["X"]), ns["y"]).item()
    assert loss == pytest.approx(np.log(2), abs=1e-6)


def test_two_class_softmax_is_the_sigmoid_of_the_difference(script_runs):
    ns = script_runs(CHAPTER / "exercises.py").namespace
    softmax = ns["exps"] / ns["exps"].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax[:, 1], ns["sigmoid"](ns["difference"]), rtol=1e-12)
    assert ns["slope"].max() == pytest.approx(0.25)


def test_no_block_rebinds_a_function_an_earlier_block_of_the_page_defines():
    """A reader who reruns an earlier block in the same session finds its functions as they were."""
    order = list(dict.fromkeys(re.findall(r'--8<-- "neural_networks/(\w+)\.py:', PAGE.read_text(encoding="utf-8"))))
    defined = {}
    for script in order:
        tree = ast.parse((CHAPTER / f"{script}.py").read_text(encoding="utf-8"))
        for name, node in _module_bindings(tree):
            earlier = defined.get(name)
            if earlier is not None and earlier[1] is not None:  # an earlier function or class
                same = node is not None and ast.unparse(node) == ast.unparse(earlier[1])
                assert same, f"{script}.py rebinds {name}, a function of {earlier[0]}.py"
            defined.setdefault(name, (script, node))


def _module_bindings(tree):
    """(name, def or class node, or None for any other binding) for each name a module binds at its top
    level; comprehensions, lambdas and function bodies have scopes of their own."""
    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id, None
        elif not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                                   ast.Import, ast.ImportFrom)):
            for child in ast.iter_child_nodes(node):
                yield from visit(child)
    for statement in tree.body:
        yield from visit(statement)
