"""Each claim of the chapter "Deep Learning 4 — Training deep networks", checked numerically, beyond what its
printed outputs show."""

import math

import pytest
import torch

from coursekit.project import SNIPPETS

CHAPTER = SNIPPETS / "training_deep_networks"


@pytest.fixture(scope="module")
def depth(script_runs):
    return script_runs(CHAPTER / "depth.py").namespace


@pytest.fixture(scope="module")
def exercises(script_runs):
    return script_runs(CHAPTER / "exercises.py").namespace


# Depth is not free


def test_the_deep_plain_network_trains_worse_than_the_shallow_one_on_the_training_set(depth):
    curves = depth["curves"]
    assert curves["deep"][-1] > curves["shallow"][-1] + 1.5
    # Stuck near ln 10, the loss of a uniform guess among 10 classes
    assert curves["deep"][-1] == pytest.approx(math.log(10), abs=0.02)


def test_the_gradient_with_respect_to_each_layers_output_shrinks_towards_the_input(depth):
    by_output = [h for h, _ in depth["plain_gradients"]]
    assert all(earlier < later for earlier, later in zip(by_output, by_output[1:]))
    assert by_output[-1] / by_output[0] > 100
    # The weights' gradients shrink less, about tenfold
    by_weight = [w for _, w in depth["plain_gradients"]]
    assert 5 < by_weight[-1] / by_weight[0] < 20


# Initialisation for depth


def test_the_default_start_shrinks_the_spread_by_about_one_over_root_three_per_layer(depth):
    spread = depth["columns"]["default"]
    ratios = [b / a for a, b in zip(spread, spread[1:])]
    assert all(0.5 < r < 0.7 for r in ratios)
    assert sum(ratios) / len(ratios) == pytest.approx(3 ** -0.5, abs=0.05)


def test_xavier_keeps_the_spread_within_a_factor_of_three_and_training_moves_it(depth):
    start, trained = depth["columns"]["Xavier"], depth["columns"]["trained"]
    assert start[0] / start[-1] < 3
    assert all(after > before for before, after in zip(start, trained))
    assert trained[-1] / start[-1] > 5
    # the trained spread grows with depth: no longer balanced
    assert trained[-1] / trained[0] > 2


# Batch normalisation


def test_batch_norm_and_residual_networks_train_further_than_the_others(depth):
    curves = depth["curves"]
    for fixed in ("deep, batch norm", "deep, residual"):
        assert curves[fixed][-1] < curves["deep, Xavier"][-1] / 3
        assert curves[fixed][-1] < curves["shallow"][-1] / 3


def test_evaluating_the_batch_norm_network_in_training_mode_costs_accuracy(depth):
    evaluate = depth["evaluate"]
    _, right_in_eval_mode = evaluate(depth["normed"], "val")
    right_in_training_mode = (depth["predicted"] == depth["y_val_"]).sum().item()
    assert right_in_training_mode < right_in_eval_mode - 20


# Residual connections


def test_the_residual_network_does_not_let_the_gradient_vanish_towards_the_input(depth):
    by_output = [h for h, _ in depth["skip_gradients"]]
    assert by_output[0] >= by_output[-1]
    assert max(by_output) / min(by_output) < 5


def test_the_residual_block_with_a_projection_matches_its_formula(depth):
    block = depth["residual"][0]
    x = torch.randn(5, 64).to(depth["device"])
    with torch.no_grad():
        expected = x @ block.skip.weight.T + torch.tanh(block.layer(x))
        assert torch.allclose(block(x), expected, atol=1e-6)


# Exercises


def test_exercise_1_batch_norm_output_variance_is_var_over_var_plus_eps(exercises):
    x, out, bn = exercises["inputs"], exercises["normalised"], exercises["bn"]
    var = x.var(dim=0, unbiased=False)
    expected = var / (var + bn.eps)
    assert torch.allclose(out.var(dim=0, unbiased=False), expected, rtol=2e-3)
    n = x.shape[0]
    assert torch.allclose(out.var(dim=0, unbiased=True), expected * n / (n - 1), rtol=2e-3)
    assert expected[2].item() == pytest.approx(0.52, abs=0.02)


def test_exercise_2_a_fresh_batch_norm_in_evaluation_mode_divides_by_root_one_plus_eps(exercises):
    fresh, x = exercises["fresh"], exercises["x"]
    with torch.no_grad():
        assert torch.allclose(fresh(x), x / math.sqrt(1 + fresh.eps), atol=1e-5)


def test_exercise_3_the_identity_carries_the_gradient_to_the_input(exercises):
    # With constant F, the chain is the identity plus a constant: dL/dy_0 = dL/dy_L exactly
    g0, gL = exercises["g0"], exercises["gL"]
    assert torch.allclose(g0, gL, atol=1e-6)


def test_exercise_4_deeper_plain_networks_have_a_higher_training_loss_and_validation_loss(exercises):
    losses = exercises["degradation"]
    train = [losses[d][0] for d in (2, 3, 5)]
    val = [losses[d][1] for d in (2, 3, 5)]
    assert train[0] < train[1] < train[2]
    assert val[0] < val[1] < val[2]
    # not overfitting: the gap between validation and training stays small
    assert all(v - t < 0.1 for t, v in zip(train, val))


def test_batch_norm_in_training_mode_ignores_the_scale_of_its_input(depth):
    batch_norm, x, bn = depth["batch_norm"], depth["x"], depth["bn"]
    with torch.no_grad():
        assert torch.allclose(batch_norm(x, bn.weight, bn.bias), batch_norm(7 * x, bn.weight, bn.bias),
                              atol=1e-4)


def test_the_bias_of_a_linear_layer_before_batch_norm_gets_no_gradient(depth):
    normed = depth["normed"]
    X_, y_ = depth["splits"]["train"]
    normed.train()
    normed.zero_grad()
    depth["criterion"](normed(X_), y_).backward()
    first = normed[0]
    assert first.bias.grad.abs().max().item() < 1e-4 * first.weight.grad.abs().max().item()
    normed.eval()


def test_the_best_deep_networks_reach_a_training_loss_ten_times_lower_than_the_shallow_one(depth):
    curves = depth["curves"]
    for fixed in ("deep, batch norm", "deep, residual"):
        assert curves["shallow"][-1] / curves[fixed][-1] > 8


def test_exercise_3_with_random_f_the_input_gradient_is_about_3_7_times_the_outputs(exercises):
    # The ratio of the two printed norms, with the chain's random weights (before they were zeroed)
    assert exercises["random_ratio"] == pytest.approx(3.7, abs=0.1)


def test_layer_norm_computes_the_same_in_training_and_evaluation_mode(depth):
    ln, x = depth["ln"], depth["x"]
    with torch.no_grad():
        in_training = ln.train()(x)
        assert torch.allclose(ln.eval()(x), in_training, atol=1e-6)
