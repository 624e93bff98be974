"""Each claim of the chapter "Deep Learning 4 — Training deep networks", checked numerically, beyond what its
printed outputs show."""

import copy
import math

import pytest

from coursekit.project import SNIPPETS
from coursekit.testing.lazy import lazy

torch = lazy("torch")  # imported by the first test that runs, not at collection

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
    # The weights' gradients shrink less, about fifteenfold (1.6e-2 / 1.1e-3)
    by_weight = [w for _, w in depth["plain_gradients"]]
    assert 5 < by_weight[-1] / by_weight[0] < 20


# Initialisation for depth


def test_the_default_start_shrinks_the_spread_by_about_one_over_root_three_per_layer(depth):
    spread = depth["columns"]["default"]
    ratios = [b / a for a, b in zip(spread, spread[1:])]
    # each ratio between 0.5 and 0.65 for these draws, their mean close to 1/sqrt(3)
    assert all(0.5 < r < 0.65 for r in ratios)
    assert sum(ratios) / len(ratios) == pytest.approx(3 ** -0.5, abs=0.03)
    # 0.15 at the first layer, 0.001 at the last
    assert spread[0] == pytest.approx(0.15, abs=0.01)
    assert spread[-1] == pytest.approx(0.001, abs=0.0002)


def test_the_last_layers_inputs_keep_a_size_near_0_1_but_hardly_vary_between_images(depth):
    # A fresh deep plain network, as the gradients were measured: the rms size of the output of the
    # 9th tanh (the 10th layer's input) against its spread over the training images
    model = depth["fresh"]
    model.eval()
    h = depth["splits"]["train"][0]
    with torch.no_grad():
        for layer in list(model)[:-3]:  # up to the 9th tanh
            h = layer(h)
    rms = h.pow(2).mean().sqrt().item()
    spread = h.std(dim=0).mean().item()
    assert 0.05 < rms < 0.2
    assert spread < rms / 20


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


def test_in_training_mode_the_batch_norm_networks_answers_depend_on_the_batch_size(depth):
    right = depth["right_by_size"]
    # the same weights, the same images: only the company of each image in its batch changes
    assert right[8] < right[32] < right[359]
    assert right[359] - right[8] > 20


def test_in_training_mode_batch_norm_cannot_run_on_a_batch_of_one(depth):
    model = depth["in_training_mode"]
    with pytest.raises(ValueError), torch.no_grad():
        model(depth["X_val_"][:1])


# Residual connections


def test_the_residual_network_does_not_let_the_gradient_vanish_towards_the_input(depth):
    by_output = [h for h, _ in depth["skip_gradients"]]
    assert by_output[0] >= by_output[-1]
    assert max(by_output) / min(by_output) < 5
    # about 3 from block 10 to block 1, under the sqrt(4/3)^9 ~ 3.6 of the squared norms adding up
    assert 2.5 < by_output[0] / by_output[-1] < (4 / 3) ** 4.5


def test_the_residual_networks_weight_gradients_are_about_670_times_the_plain_ones(depth):
    plain = [w for _, w in depth["plain_gradients"]]
    skip = [w for _, w in depth["skip_gradients"]]
    assert all(0.3 < w < 1.2 for w in skip)
    ratios = [s / p for s, p in zip(skip, plain)]
    assert 600 < ratios[0] < 800
    assert min(ratios) > 20
    # the first layer: the same pixels and weights, the gradient from above about 450 times larger;
    # the last: the same gradient from above, 26 times the weight gradient through its input
    arriving = [s / p for (s, _), (p, _) in zip(depth["skip_gradients"], depth["plain_gradients"])]
    assert 400 < arriving[0] < 500 and 0.8 < arriving[-1] < 1.25
    assert 20 < ratios[-1] < 35


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
    # With constant F, the chain is the identity plus a constant: dE/dy_0 = dE/dy_20 exactly
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


def test_exercise_4_from_xaviers_start_the_losses_do_not_rise_with_depth(exercises):
    # The default start's losses rise past two layers; Xavier's fall with each added layer
    xavier, default = exercises["xavier_degradation"], exercises["degradation"]
    depths = (1, 2, 3, 5)
    for split in (0, 1):  # training, validation
        losses = [xavier[d][split] for d in depths]
        assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
        assert all(xavier[d][split] < default[d][split] for d in depths[1:])
    assert default[5][0] > 4 * xavier[5][0]


def test_batch_norm_2d_normalises_each_channel_over_the_batch_and_positions(depth):
    x4 = depth["x4"]
    bn = torch.nn.BatchNorm2d(3).to(depth["device"])
    with torch.no_grad():
        out = bn(x4)
    # per channel: mean 0 and variance 1 (up to eps) over examples, rows and columns
    assert torch.allclose(out.mean(dim=(0, 2, 3)), torch.zeros(3, device=x4.device), atol=1e-5)
    assert torch.allclose(out.var(dim=(0, 2, 3), unbiased=False), torch.ones(3, device=x4.device), atol=1e-3)
    # one scale and one shift per channel
    assert bn.weight.shape == bn.bias.shape == (3,)


def test_batch_norm_in_training_mode_ignores_the_scale_of_its_input(depth):
    batch_norm, x, bn = depth["batch_norm"], depth["x"], depth["bn"]
    with torch.no_grad():
        assert torch.allclose(batch_norm(x, bn.weight, bn.bias), batch_norm(7 * x, bn.weight, bn.bias),
                              atol=1e-4)


def test_the_bias_of_a_linear_layer_before_batch_norm_gets_no_gradient(depth):
    # A copy: training mode would move the running statistics of the module's network
    normed = copy.deepcopy(depth["normed"])
    X_, y_ = depth["splits"]["train"]
    normed.train()
    normed.zero_grad()
    depth["criterion"](normed(X_), y_).backward()
    first = normed[0]
    assert first.bias.grad.abs().max().item() < 1e-4 * first.weight.grad.abs().max().item()


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


# Regularisation and schedules


@pytest.fixture(scope="module")
def regularisation(script_runs):
    return script_runs(CHAPTER / "regularisation.py").namespace


@pytest.fixture(scope="module")
def schedules(script_runs):
    return script_runs(CHAPTER / "schedules.py").namespace


@pytest.fixture(scope="module")
def exercises_regularisation(script_runs):
    return script_runs(CHAPTER / "exercises_regularisation.py").namespace


def accuracies(ns, model):
    """Training and validation accuracy of one of the page's models."""
    return [ns["evaluate"](model, *ns["splits"][name])[1] for name in ("train", "val")]


def test_the_small_training_set_is_memorised_and_validation_lags(regularisation):
    train, val = accuracies(regularisation, regularisation["plain"])
    assert train == pytest.approx(1.0)
    assert train - val > 0.05
    # 15 images of each digit
    assert torch.bincount(regularisation["splits"]["train"][1]).tolist() == [15] * 10


def test_weight_decay_shrinks_the_weights_norm(regularisation):
    ns = regularisation
    norms = [ns["weight_norm"](ns["decayed"][lam]) for lam in sorted(ns["decayed"])]
    assert all(later < earlier for earlier, later in zip(norms, norms[1:]))
    # lambda is the one of lowest validation loss, and a decay helps it over no decay
    losses = ns["val_losses"]
    assert ns["best_lam"] > 0 and losses[ns["best_lam"]] < losses[0.0]


def test_weight_decay_leaves_the_biases_alone(regularisation):
    ns = regularisation
    groups = ns["decay_groups"](ns["MLP"](), 0.1)
    assert [len(g["params"]) for g in groups] == [2, 2]
    assert all(p.ndim == 2 for p in groups[0]["params"]) and all(p.ndim == 1 for p in groups[1]["params"])
    assert groups[1]["weight_decay"] == pytest.approx(0.0)


def test_sgd_weight_decay_is_the_l2_gradient(regularisation):
    """One SGD step with weight_decay lam equals one step on the loss plus lam/2 |w|^2: a shrink by 1 - eta lam
    on top of the loss's step."""
    torch.manual_seed(1)
    w0 = torch.randn(5, 3)
    target = torch.randn(5, 3)
    eta, lam = 0.1, 0.3
    a = torch.nn.Parameter(w0.clone())
    opt = torch.optim.SGD([a], lr=eta, weight_decay=lam)
    ((a - target) ** 2).sum().backward()
    opt.step()
    b = torch.nn.Parameter(w0.clone())
    (((b - target) ** 2).sum() + lam / 2 * (b ** 2).sum()).backward()
    expected = w0 - eta * b.grad
    assert torch.allclose(a.detach(), expected, atol=1e-6)
    assert torch.allclose(expected, (1 - eta * lam) * w0 - eta * 2 * (w0 - target), atol=1e-6)



def _decayed_alone(lam: float, steps: int = 300) -> list[float]:
    """A weight the loss leaves alone (gradient 0), under the page's SGD: rate 0.1, momentum 0.9."""
    w = torch.nn.Parameter(torch.ones(1))
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=lam)
    path = []
    for _ in range(steps):
        w.grad = torch.zeros(1)
        opt.step()
        path.append(w.item())
    return path


def test_with_momentum_weight_decay_shrinks_a_weight_by_about_eta_lambda_over_one_minus_mu():
    """The page: about eta lam / (1 - mu) per step, ten times plain SGD's, while eta lam is small next to
    (1 - sqrt(mu))^2 ~ 0.0026, that is for its lam <= 0.01; past it the weight overshoots 0."""
    for lam, within in ((1e-3, 0.02), (1e-2, 0.15)):
        path = _decayed_alone(lam)
        per_step = 1 - (path[299] / path[99]) ** (1 / 200)
        assert per_step == pytest.approx(0.1 * lam / (1 - 0.9), rel=within)
        assert min(path) > 0
    assert min(_decayed_alone(3e-2)) < 0

def test_adamw_shrinks_blank_weights_by_one_minus_eta_lambda_per_step(regularisation):
    ns = regularisation
    blank = ns["blank"]
    torch.manual_seed(0)
    start = ns["MLP"]().hidden.weight.detach()[:, blank.cpu()]
    adamw = ns["adam"]["AdamW", 1.0].hidden.weight.detach().cpu()[:, blank.cpu()]
    assert torch.allclose(adamw, start * (1 - 0.01 * 1.0) ** 100, rtol=1e-4, atol=1e-7)
    plain = ns["adam"]["Adam", 0.0].hidden.weight.detach().cpu()[:, blank.cpu()]
    assert torch.allclose(plain, start, atol=1e-7)  # no gradient, no decay: untouched
    # Adam with an L2 term takes them to about 2e-4 (0.3% of their start, printed 0.000), the same for
    # both sizes of lambda (exercise 6)
    with_l2 = [ns["blank_weights"](ns["adam"]["Adam + L2", lam]) for lam in (0.01, 0.003)]
    assert all(w == pytest.approx(2e-4, rel=0.1) for w in with_l2)
    assert with_l2[0] == pytest.approx(with_l2[1], rel=0.01)
    assert max(with_l2) < 0.005 * start.abs().mean().item()


def test_adam_l2_tuned_does_about_as_well_as_adamw(regularisation):
    ns = regularisation
    loss = {key: ns["evaluate"](model, *ns["splits"]["val"])[0] for key, model in ns["adam"].items()}
    assert loss["Adam + L2", 0.003] < loss["Adam + L2", 0.01]
    assert abs(loss["Adam + L2", 0.003] - loss["AdamW", 1.0]) < 0.03


def test_the_test_set_is_used_once_on_the_validation_choice(regularisation):
    ns = regularisation
    models = [*ns["decayed"].values(), *ns["adam"].values(), *ns["dropped"].values(), ns["early"]]
    val_losses = [ns["evaluate"](model, *ns["splits"]["val"])[0] for model in models]
    assert len(models) == 15
    assert ns["evaluate"](ns["chosen"], *ns["splits"]["val"])[0] == pytest.approx(min(val_losses))
    assert ns["chosen"] is ns["adam"]["Adam + L2", 0.003]
    # the validation accuracy of the chosen network is the optimistic one in this run
    val_acc = ns["evaluate"](ns["chosen"], *ns["splits"]["val"])[1]
    test_acc = ns["evaluate"](ns["chosen"], *ns["splits"]["test"])[1]
    assert test_acc < val_acc


def test_inverted_dropout_keeps_the_expected_value(regularisation):
    ns = regularisation
    torch.manual_seed(2)
    x = torch.rand(50)
    for p in (0.1, 0.5, 0.8):
        drop = ns["InvertedDropout"](p).train()
        mean = torch.stack([drop(x) for _ in range(20_000)]).mean(dim=0)
        # each mean of 20,000 draws of variance x^2 p / (1 - p): within 5 standard errors
        assert torch.all((mean - x).abs() < 5 * x * (p / (1 - p) / 20_000) ** 0.5 + 1e-6)
        assert torch.equal(drop.eval()(x), x)


def test_nn_dropout_has_the_same_structure(regularisation):
    torch.manual_seed(3)
    x = torch.rand(10_000) + 0.5
    for p in (0.2, 0.5):
        drop = torch.nn.Dropout(p).train()
        out = drop(x)
        kept = out != 0
        assert torch.allclose(out[kept], x[kept] / (1 - p))
        assert abs((~kept).float().mean().item() - p) < 0.03
        assert torch.equal(drop.eval()(x), x)


def test_dropout_is_chosen_on_validation_and_does_not_hurt(regularisation):
    ns = regularisation
    losses = ns["dropout_losses"]
    best = min(losses, key=losses.get)
    assert losses[best] < ns["val_losses"][0.0]
    # the chosen p lies inside the grid: a larger p does worse again
    assert min(losses) < best < max(losses)


def test_early_stopping_keeps_the_best_epoch(regularisation):
    ns = regularisation
    assert ns["stopped"] - ns["kept"] == 20
    assert ns["stopped"] < 300
    # the kept weights are better on validation than those of the full 300 epochs
    assert ns["evaluate"](ns["early"], *ns["splits"]["val"])[0] < ns["val_losses"][0.0]


def test_shifted_moves_with_zero_fill(regularisation):
    shifted = regularisation["shifted"]
    image = torch.arange(1.0, 17.0).view(1, 1, 4, 4)
    right = shifted(image, 1, 0)
    assert torch.equal(right[..., :, 1:], image[..., :, :-1])
    assert torch.all(right[..., :, 0] == 0)
    up = shifted(image, 0, -1)
    assert torch.equal(up[..., :-1, :], image[..., 1:, :])
    assert torch.all(up[..., -1, :] == 0)


def test_augmentation_helps_both_networks_on_moved_digits(regularisation):
    ns = regularisation
    results, as_is = {}, {}
    for Net, epochs in [(ns["MLP"], 300), (ns["CNN"], 120)]:
        for train in (ns["fit"], ns["fit_augmented"]):
            torch.manual_seed(0)
            model = Net().to(ns["device"])
            train(model, ns["sgd"](model.parameters()), epochs=epochs)
            results[Net.__name__, train.__name__] = ns["moved_accuracy"](model)
            as_is[Net.__name__, train.__name__] = ns["evaluate"](model, *ns["splits"]["val"])[1]
    for net in ("MLP", "CNN"):
        assert results[net, "fit_augmented"] > results[net, "fit"] + 0.25
    # on the digits as they are: the CNN gains, the MLP changes by less than three points (about ten images)
    assert as_is["CNN", "fit_augmented"] > as_is["CNN", "fit"]
    assert abs(as_is["MLP", "fit_augmented"] - as_is["MLP", "fit"]) < 0.03


def test_schedules_follow_their_formulas(schedules):
    runs, peak = schedules["runs"], schedules["PEAK"]
    assert runs["constant"][0] == pytest.approx([peak] * 20)
    assert runs["step"][0] == pytest.approx([peak * 0.1 ** (k // 8) for k in range(20)])
    warm = runs["warm-up, cosine"][0]
    assert warm[:3] == pytest.approx([peak / 10, peak * 0.55, peak])  # linear from peak / 10
    assert warm[2:] == pytest.approx([peak * (1 + math.cos(math.pi * k / 18)) / 2 for k in range(18)])


def test_warm_up_cosine_ends_lowest_on_validation(schedules):
    final = {name: losses[-1] for name, (_, losses, _) in schedules["runs"].items()}
    assert final["warm-up, cosine"] < min(final["constant"], final["step"])
    # after its fifteenth epoch (index 14) it was at its lowest, 0.076, at a quarter of the peak rate, 0.075,
    # and it stayed there as the rate fell to almost 0
    rates, losses, _ = schedules["runs"]["warm-up, cosine"]
    assert losses[14] == pytest.approx(0.076, abs=6e-4) and losses[14] - min(losses) < 1e-3
    assert rates[14] == pytest.approx(0.075, abs=5e-4) and rates[14] / max(rates) == pytest.approx(0.25, abs=0.01)
    assert max(losses[15:]) - min(losses) < 0.003


def test_exercise_weight_decay_alone(exercises_regularisation):
    ns = exercises_regularisation
    # the solution's first block: plain SGD, weight decay alone, 50 steps of eta = lam = 0.1
    layer = torch.nn.Linear(64, 100)
    start = layer.weight.detach().clone()
    optimizer = torch.optim.SGD([layer.weight], lr=0.1, weight_decay=0.1)
    for _ in range(50):
        layer.weight.grad = torch.zeros_like(layer.weight)
        optimizer.step()
    assert torch.allclose(layer.weight.detach(), start * 0.99 ** 50, rtol=1e-5)  # every entry, not only the norm
    assert ns["start"] > 0 and (1 - 0.1 * 0.1) ** 50 == pytest.approx(0.605, abs=5e-4)


def test_exercise_adam_l2_ignores_lambda_and_adamw_does_not():
    def run(Optimiser, lam, steps=100, eta=0.01):
        w = torch.nn.Parameter(torch.ones(1))
        optimizer = Optimiser([w], lr=eta, weight_decay=lam)
        trace = []
        for _ in range(steps):
            w.grad = torch.zeros_like(w)
            optimizer.step()
            trace.append(w.item())
        return trace

    big, small = run(torch.optim.Adam, 0.1), run(torch.optim.Adam, 0.001)
    assert big[0] == pytest.approx(0.99) and small[0] == pytest.approx(0.99)  # a first step of eta
    assert big == pytest.approx(small, abs=1e-3)  # lambda cancels in m / sqrt(v)
    for lam in (0.1, 0.001):
        assert run(torch.optim.AdamW, lam)[-1] == pytest.approx((1 - 0.01 * lam) ** 100, rel=1e-5)
