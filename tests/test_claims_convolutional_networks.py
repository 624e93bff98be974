"""Each claim of the convolutional-networks chapter, checked numerically, beyond what its printed outputs show."""

import copy
from contextlib import nullcontext

import numpy as np
import pytest

from coursekit.execution.scripts import nudged_products
from coursekit.project import SNIPPETS
from coursekit.testing.lazy import lazy

torch = lazy("torch")  # imported by the first test that runs, not at collection
nn = lazy("torch.nn")
F = lazy("torch.nn.functional")

CHAPTER = SNIPPETS / "convolutional_networks"


@pytest.fixture(scope="module")
def convolution(script_runs):
    return script_runs(CHAPTER / "convolution.py").namespace


@pytest.fixture(scope="module")
def pooling(script_runs):
    return script_runs(CHAPTER / "pooling.py").namespace


@pytest.fixture(scope="module")
def digits(script_runs):
    return script_runs(CHAPTER / "digits.py").namespace


@pytest.fixture(scope="module")
def backprop(script_runs):
    return script_runs(CHAPTER / "conv_backprop.py").namespace


@pytest.fixture(scope="module")
def exercises(script_runs):
    return script_runs(CHAPTER / "exercises.py").namespace


@pytest.fixture(scope="module")
def accuracies(digits):
    """Test accuracy of each network, the digits as they were and moved by 1 and 2 pixels."""
    return {name: [digits["shifted_accuracy"](digits[name], pixels) for pixels in (0, 1, 2)]
            for name in ("mlp", "cnn")}


def fit_recording(digits, model, epochs):
    """The page's `fit`, with the validation loss of each epoch recorded: (model, best epoch, losses)."""
    losses, evaluate = [], digits["evaluate"]

    def record(model, X, y):
        result = evaluate(model, X, y)
        losses.append(result[0])
        return result

    digits["fit"].__globals__["evaluate"] = record
    try:
        model, best = digits["fit"](model, epochs=epochs)
    finally:
        digits["fit"].__globals__["evaluate"] = evaluate
    return model, best, losses


@pytest.fixture(scope="module")
def longer(digits):
    """The page's two networks from the page's start, trained for 30 epochs rather than the page's 18: the
    first 18 are the page's own. Each with its best epoch and the validation loss of every epoch."""
    runs = {}
    for name, network in [("mlp", digits["MLP"]), ("cnn", digits["CNN"])]:
        torch.manual_seed(0)  # each network's first draw on the page
        runs[name] = fit_recording(digits, network().to(digits["device"]), epochs=30)
    return runs


# Why images need another layer

def test_moved_digits_defeat_the_mlp(accuracies):
    unmoved, one, two = accuracies["mlp"]
    assert unmoved > 0.95
    assert one < 0.5      # "fewer than half ... are still recognised"
    assert two < 0.15     # "about as well as a random guess, one in ten"


def test_the_mlp_learns_as_well_from_pixels_shuffled_the_same_way_in_every_image(digits):
    """Its first layer only permutes its weights: from the permuted start, it is the same network."""
    permutation = torch.randperm(64, generator=torch.Generator().manual_seed(1))
    torch.manual_seed(0)  # the start of the page's MLP: the script's first draw
    shuffled = digits["MLP"]().to(digits["device"])
    with torch.no_grad():
        shuffled.hidden.weight.copy_(shuffled.hidden.weight[:, permutation])
    splits = digits["splits"]

    def shuffle(images):
        return images.flatten(1)[:, permutation].view(-1, 1, 8, 8)

    original = {name: (X, y) for name, (X, y) in splits.items()}
    try:
        for name, (X, y) in original.items():
            splits[name] = (shuffle(X), y)
        digits["fit"](shuffled)
        X_test = splits["test"][0]
    finally:
        splits.update(original)
    with torch.inference_mode():
        mine = shuffled(X_test.to(digits["device"])).argmax(dim=1)
        page = digits["mlp"](original["test"][0].to(digits["device"])).argmax(dim=1)
    assert (mine == page).float().mean() > 0.99


# Convolution by hand

@pytest.mark.parametrize("n, k, p, s", [(8, 3, 0, 1), (8, 3, 1, 2), (9, 5, 2, 2), (7, 2, 0, 3), (8, 5, 0, 2),
                                        (10, 4, 1, 3)])
def test_conv2d_by_hand_is_pytorchs_with_the_output_size_of_the_formula(convolution, n, k, p, s):
    rng = np.random.default_rng(n * 100 + k * 10 + s)
    x, kernels, bias = rng.normal(size=(2, n, n)), rng.normal(size=(3, 2, k, k)), rng.normal(size=3)
    mine = convolution["conv2d"](x, kernels, bias, stride=s, padding=p)
    theirs = F.conv2d(torch.tensor(x[None]), torch.tensor(kernels), torch.tensor(bias), stride=s, padding=p)[0]
    size = (n + 2 * p - k) // s + 1
    assert mine.shape == (3, size, size)
    np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [3, 5, 7])
def test_a_padding_of_half_the_kernel_keeps_the_size(convolution, k):
    x = np.ones((1, 8, 8))
    assert convolution["conv2d"](x, np.ones((1, 1, k, k)), np.zeros(1), padding=(k - 1) // 2).shape == (1, 8, 8)


def test_parameters_of_a_layer_are_c_out_times_c_in_k_squared_plus_one():
    for c_in, c_out, k in [(1, 6, 5), (6, 16, 5), (3, 16, 5), (16, 16, 3)]:
        assert sum(p.numel() for p in nn.Conv2d(c_in, c_out, k).parameters()) == c_out * (c_in * k * k + 1)


def test_the_left_minus_right_kernel_is_negative_where_ink_starts_and_positive_where_it_ends(convolution):
    bar = np.zeros((6, 8))
    bar[:, 3:5] = 16  # an upright stroke, two pixels wide
    row = convolution["corr2d"](bar, convolution["k"])[2]  # output column j covers input columns j..j+2
    assert row[1] < 0 and row[2] < 0     # windows that see blank on the left, ink on the right
    assert row[3] > 0 and row[4] > 0     # ink on the left, blank on the right
    assert row[0] == 0 and row[5] == 0   # all blank


def test_the_zeros_map_is_most_negative_where_its_strokes_start_and_most_positive_where_they_end(convolution):
    image, fmap = convolution["image"], convolution["corr2d"](convolution["image"], convolution["k"])
    for j in range(fmap.shape[1]):  # column j of the map: the window of image columns j to j + 2, centred on j + 1
        np.testing.assert_array_equal(fmap[:, j], sum(image[i:i + 6, j] - image[i:i + 6, j + 2] for i in range(3)))
    columns = fmap.mean(axis=0)
    assert columns[0] < 0 and columns[3] < 0 and columns[2] > 0 and columns[5] > 0
    assert max(abs(columns[1]), abs(columns[4])) < min(abs(columns[[0, 2, 3, 5]]))  # straddling: partly cancel


def test_convolution_is_cross_correlation_with_the_kernel_flipped(convolution):
    from scipy.signal import convolve2d

    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(convolve2d(x, k, mode="valid"), convolution["corr2d"](x, k[::-1, ::-1]), atol=1e-12)
    assert not np.allclose(convolve2d(x, k, mode="valid"), convolution["corr2d"](x, k))


# What a kernel sees

def test_a_quarter_turn_of_the_vertical_edge_kernel_is_the_horizontal_one(convolution):
    kernels = convolution["kernels"]
    assert np.array_equal(np.rot90(kernels["vertical edges"], k=-1), kernels["horizontal edges"])


def test_each_edge_kernel_ignores_the_strokes_along_its_edges(convolution):
    kernels, corr2d = convolution["kernels"], convolution["corr2d"]
    across = np.zeros((8, 8))
    across[3:5, :] = 16                    # a horizontal stroke from edge to edge
    assert not corr2d(across, kernels["vertical edges"]).any()
    assert corr2d(across, kernels["horizontal edges"]).any()
    assert not corr2d(across.T, kernels["horizontal edges"]).any()


def test_each_edge_map_of_the_zero_responds_mostly_along_its_own_edges(convolution):
    """The vertical-edge map mostly on the zero's sides (rows 2 to 5, where its strokes stand upright), little on
    its top and bottom rows; the horizontal-edge map the other way round."""
    vertical, horizontal = np.abs(convolution["maps"][:2])
    sides, top_and_bottom = slice(2, 6), [0, 7]
    assert vertical[sides].mean() > 1.5 * vertical[top_and_bottom].mean()
    assert horizontal[top_and_bottom].mean() > 1.5 * horizontal[sides].mean()
    assert vertical.max() == vertical[1:7].max()  # its strongest responses: on the sides


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # PyTorch warns it may copy the input
def test_padding_same_keeps_the_size_and_puts_an_even_kernels_extra_row_on_the_right_and_bottom():
    x = torch.randn(1, 1, 9, 9, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    for k in (3, 4, 5):
        kernel = torch.randn(1, 1, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(k))
        same = F.conv2d(x, kernel, padding="same")
        assert same.shape == x.shape
        before, after = (k - 1) // 2, k - 1 - (k - 1) // 2
        torch.testing.assert_close(same, F.conv2d(F.pad(x, (before, after, before, after)), kernel))
    with pytest.raises(RuntimeError):
        F.conv2d(x, torch.ones(1, 1, 3, 3, dtype=torch.float64), stride=2, padding="same")
    assert F.conv2d(x, torch.ones(1, 1, 4, 4, dtype=torch.float64), padding=1).shape[-1] == 8  # one number: 9 - 1
    assert F.conv2d(x, torch.ones(1, 1, 4, 4, dtype=torch.float64), padding=2).shape[-1] == 10


@pytest.mark.parametrize("k, d", [(3, 1), (3, 2), (3, 3), (5, 2), (2, 4)])
def test_a_dilated_kernel_spans_d_k_minus_1_plus_1_pixels_with_the_output_size_of_the_formula(k, d):
    x = torch.zeros(1, 1, 23, 23, dtype=torch.float64, requires_grad=True)
    conv = nn.Conv2d(1, 1, k, dilation=d, bias=False).double()
    nn.init.ones_(conv.weight)
    y = conv(x)
    span = d * (k - 1) + 1
    assert y.shape[-1] == (23 - span) // 1 + 1
    y[0, 0, 0, 0].backward()
    rows = x.grad[0, 0].sum(dim=1).nonzero()
    assert rows.max().item() - rows.min().item() + 1 == span
    assert x.grad.count_nonzero() == k * k  # no weights added


# Pooling and the receptive field

@pytest.mark.parametrize("layers", [
    [(5, 1), (2, 2), (5, 1), (2, 2)],
    [(3, 1), (3, 1), (3, 1)],
    [(3, 2), (3, 2), (3, 1)],
    [(7, 2), (3, 2), (3, 1), (2, 2)],
])
def test_the_receptive_field_formula_is_what_the_gradient_measures(layers):
    field, jump = 1, 1
    for size, stride in layers:
        field, jump = field + (size - 1) * jump, jump * stride
    stack = nn.Sequential(*[nn.Conv2d(1, 1, size, stride=stride, bias=False) for size, stride in layers]).double()
    for conv in stack:
        nn.init.ones_(conv.weight)
    x = torch.zeros(1, 1, 64, 64, dtype=torch.float64, requires_grad=True)
    stack(x)[0, 0, 0, 0].backward()
    rows = x.grad[0, 0].sum(dim=1).nonzero()
    assert rows.max().item() - rows.min().item() + 1 == field


def test_moving_a_real_feature_map_by_one_pixel_changes_some_of_its_max_pooled_values(digits):
    """Max pooling's invariance holds only while each window's maximum stays in its window: moved by one pixel,
    most first-layer maps of the test digits carry some maxima across a window's border."""
    with torch.inference_mode():
        maps = digits["cnn"].features[:2](digits["splits"]["test"][0].to(digits["device"])).cpu().double()
        pooled = F.max_pool2d(maps, 2)
        changed = [(F.max_pool2d(digits["shifted"](maps, dx, dy), 2) - pooled).abs().flatten(2).amax(dim=2) > 1e-6
                   for dx, dy in [(1, 0), (0, 1)]]
    for moved in changed:
        assert moved.float().mean() > 0.9
    # and a map whose maxima stay in their windows keeps its pooled values
    x = torch.zeros(1, 1, 4, 4, dtype=torch.float64)
    x[0, 0, 0, 0] = x[0, 0, 2, 2] = 1
    torch.testing.assert_close(F.max_pool2d(digits["shifted"](x, 1, 0), 2), F.max_pool2d(x, 2))


def test_a_poolings_stride_defaults_to_its_window_and_its_output_size_follows_the_convolutions_formula():
    for pool in (nn.MaxPool2d(2), nn.AvgPool2d(2), nn.MaxPool2d(3)):
        assert pool.stride == pool.kernel_size
    for n, k, p, s in [(8, 2, 0, 2), (9, 3, 1, 2), (7, 2, 0, 2), (10, 3, 0, 3)]:
        assert F.max_pool2d(torch.zeros(1, 1, n, n), k, stride=s, padding=p).shape[-1] == (n + 2 * p - k) // s + 1
        assert F.avg_pool2d(torch.zeros(1, 1, n, n), k, stride=s, padding=p).shape[-1] == (n + 2 * p - k) // s + 1


def test_pooling_has_no_weights_and_the_last_units_see_more_than_the_padded_digit(pooling, digits):
    assert not list(nn.MaxPool2d(2).parameters()) and not list(nn.AvgPool2d(2).parameters())
    measured = pooling["rows"].max().item() - pooling["rows"].min().item() + 1
    assert measured == pooling["field"]
    padded_digit = digits["splits"]["test"][0].shape[-1] + 2 * digits["cnn"].features[0].padding[0]
    assert measured > padded_digit


def test_max_pooling_would_hide_pixels_from_the_measured_field(pooling):
    """Why the measurement takes average pooling: with max pooling, over the same windows, it sees less."""
    stack = copy.deepcopy(pooling["stack"]).cpu()
    stack[1], stack[3] = nn.MaxPool2d(2), nn.MaxPool2d(2)
    pixels = torch.rand(1, 1, 24, 24, generator=torch.Generator().manual_seed(0), requires_grad=True)
    stack(pixels)[0, 0, 3, 3].backward()
    assert pixels.grad.count_nonzero() < pooling["field"] ** 2


# A CNN in PyTorch

def test_weight_sharing_saves_a_hundredfold_on_the_first_layer(digits):
    dense = nn.Linear(64, 6 * 8 * 8)
    first = digits["cnn"].features[0]
    assert sum(p.numel() for p in dense.parameters()) == 24960  # "24,960 parameters"
    assert sum(p.numel() for p in first.parameters()) == 156


def test_the_cnn_holds_up_better_on_moved_digits(accuracies, digits):
    (mlp0, mlp1, mlp2), (cnn0, cnn1, cnn2) = accuracies["mlp"], accuracies["cnn"]
    images = len(digits["splits"]["test"][1])
    assert round(abs(cnn0 - mlp0) * images) == 1   # "about as good, one image apart out of 360"
    assert cnn1 > 0.6 and cnn1 > mlp1 + 0.1
    assert 2.5 < cnn2 / mlp2 < 3                  # "almost three times as many"


def test_both_networks_had_their_lowest_validation_loss_before_the_last_epoch(digits, longer):
    """Over the page's 18 epochs, the first 18 of the longer runs; the CNN's best is the epoch it prints."""
    page_epochs = digits["fit"].__defaults__[0]
    best = {name: int(np.argmin(losses[:page_epochs])) + 1 for name, (_, _, losses) in longer.items()}
    assert all(epoch < page_epochs for epoch in best.values()), best
    assert best["cnn"] == digits["epoch"]


def test_trained_longer_the_comparison_stands(accuracies, digits, longer):
    """Not an artefact of where training stopped: after 30 epochs, each network is within a point of the page's
    accuracy on the digits as they were, and the CNN keeps its lead on moved ones."""
    after = {name: [digits["shifted_accuracy"](model, pixels) for pixels in (0, 1, 2)]
             for name, (model, _, _) in longer.items()}
    for name in ("mlp", "cnn"):
        assert abs(after[name][0] - accuracies[name][0]) <= 0.01, name
    assert after["cnn"][1] > after["mlp"][1] + 0.1 and after["cnn"][2] > 2 * after["mlp"][2]


def test_with_relu_the_printed_accuracies_move_with_a_rounding_sized_change(digits):
    """The note on tanh: with ReLU in place of tanh, a last-digit change in every product, as on another
    machine, grows into other printed accuracies."""

    def printed(nudged):
        torch.manual_seed(0)
        model = digits["CNN"]().to(digits["device"])
        model.features = nn.Sequential(*[nn.ReLU() if isinstance(layer, nn.Tanh) else layer
                                         for layer in model.features])
        with nudged_products() if nudged else nullcontext():
            model, _ = digits["fit"](model)
        return [digits["shifted_accuracy"](model, pixels) for pixels in (0, 1, 2)]

    plain, nudged = printed(nudged=False), printed(nudged=True)
    assert [f"{a:.1%}" for a in plain] != [f"{a:.1%}" for a in nudged]
    tanh = [digits["shifted_accuracy"](digits["cnn"], pixels) for pixels in (0, 1, 2)]
    for relu in (plain, nudged):  # "about as well (within a few points)" as tanh's
        assert all(abs(a - b) < 0.05 for a, b in zip(relu, tanh)), (relu, tanh)


def test_a_move_of_two_pixels_pushes_ink_out_of_the_frame(digits):
    X_test = digits["splits"]["test"][0]
    ink_near_edges = (X_test[..., :, :2].sum(dim=(1, 2, 3)) > 0) | (X_test[..., :, 6:].sum(dim=(1, 2, 3)) > 0)
    assert ink_near_edges.float().mean() > 0.5


def test_the_network_keeps_the_weights_of_its_best_validation_epoch(digits):
    """`fit` returns the state with the lowest validation loss, not the last one, and the epoch it had it."""
    torch.manual_seed(3)
    model, best, losses = fit_recording(digits, digits["MLP"]().to(digits["device"]), epochs=6)
    assert digits["evaluate"](model, *digits["splits"]["val"])[0] == pytest.approx(min(losses), rel=1e-6)
    assert best == int(np.argmin(losses)) + 1


def sides():
    """Each direction's side against side, as +/- weights on a 5x5 patch's rows and columns about its centre."""
    row, col = torch.meshgrid(torch.arange(5.0) - 2, torch.arange(5.0) - 2, indexing="ij")
    return {"left against right": -col, "top against bottom": -row,
            "lower left against upper right": row - col, "upper left against lower right": -row - col}


def side_against_side(kernel, side):
    """How much a 5x5 kernel weighs one side of its patch against the other: its cosine with the kernel that
    is +1 on that side, -1 on the other (0 on the line between), both taken about their means. In one of the
    four directions or another, a random kernel reaches 0.5 about once in 25 draws."""
    edge = torch.sign(side).double()
    edge, kernel = edge - edge.mean(), kernel - kernel.mean()
    return ((edge * kernel).sum() / (edge.norm() * kernel.norm())).item()


def test_training_made_edge_kernels_of_the_first_and_fourth_kernels(digits):
    """"Nobody told the network about edges": the first and fourth kernels weigh one side of the patch against
    the other after training, and no kernel did so at the start (the page's seed, the CNN's first draw)."""
    trained = digits["cnn"].features[0].weight.detach().cpu()[:, 0].double()
    torch.manual_seed(0)
    initial = digits["CNN"]().features[0].weight.detach()[:, 0].double()
    for index, side in [(0, "lower left against upper right"), (3, "left against right")]:
        weights = sides()[side]
        after, before = side_against_side(trained[index], weights), side_against_side(initial[index], weights)
        assert after > 0.55 and after > before + 0.15, (index, side)
    assert max(abs(side_against_side(kernel, side)) for kernel in initial for side in sides().values()) < 0.45


def test_the_kernel_figure_shows_no_weight_whose_sign_rounding_could_flip(digits, script_runs):
    """The figure colours each weight it draws by its sign, and leaves out those below a thousandth of the
    largest. Trained again with every product off in its last digits, as on another machine, the first layer's
    weights move by far less than the distance of any of them to that threshold, and of any drawn one to 0: the
    same squares, in the same colours. (Max pooling's switches make that move larger than tanh alone would.)"""
    torch.manual_seed(0)
    with nudged_products():
        nudged, _ = digits["fit"](digits["CNN"]().to(digits["device"]))
    signed = digits["cnn"].features[0].weight.detach().cpu()
    weights = signed.abs()
    moved = (nudged.features[0].weight.detach().cpu().abs() - weights).abs().max()
    threshold = 1e-3 * weights.max()
    assert (weights - threshold).abs().min() > 2 * moved
    assert weights[weights >= threshold].min() > 2 * moved
    drawn = signed[weights >= threshold]
    svg = script_runs(CHAPTER / "digits.py").figures["cnn-filters"].decode()
    assert svg.count("fill: #b3261e") == (drawn > 0).sum() and svg.count("fill: #1f4e8c") == (drawn < 0).sum()


# Backpropagation through a convolution

@pytest.mark.parametrize("shape, kernel", [((8, 8), (3, 3)), ((7, 9), (2, 4)), ((6, 5), (5, 1))])
def test_gradients_by_hand_are_autograds_for_other_shapes(backprop, shape, kernel):
    rng = np.random.default_rng(sum(shape) + sum(kernel))
    x, k, b = rng.normal(size=shape), rng.normal(size=kernel), 0.3
    g = rng.normal(size=(shape[0] - kernel[0] + 1, shape[1] - kernel[1] + 1))
    dx, dk, db = backprop["backward"](x, k, g)
    xt = torch.tensor(x[None, None], requires_grad=True)
    kt = torch.tensor(k[None, None], requires_grad=True)
    bt = torch.tensor([b], dtype=torch.float64, requires_grad=True)
    (F.conv2d(xt, kt, bt) * torch.tensor(g[None, None])).sum().backward()  # a loss whose dE/dy is g
    np.testing.assert_allclose(dx, xt.grad[0, 0].numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dk, kt.grad[0, 0].numpy(), rtol=1e-10, atol=1e-12)
    assert db == pytest.approx(bt.grad.item(), rel=1e-12)
    transposed = F.conv_transpose2d(torch.tensor(g[None, None]), torch.tensor(k[None, None]))[0, 0]
    np.testing.assert_allclose(dx, transposed.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size, k, s", [(9, 3, 2), (11, 3, 3), (10, 4, 2)])
def test_with_a_stride_the_input_gradient_is_the_transposed_convolution_of_g_with_zeros_inserted(size, k, s):
    rng = np.random.default_rng(size * k * s)
    x = torch.tensor(rng.normal(size=(1, 1, size, size)), requires_grad=True)
    kernel = torch.tensor(rng.normal(size=(1, 1, k, k)), requires_grad=True)
    y = F.conv2d(x, kernel, stride=s)
    g = torch.tensor(rng.normal(size=y.shape))
    (y * g).sum().backward()  # a loss whose dE/dy is g
    fits = size - ((size - k) // s * s + k)  # the rows and columns no window reaches
    np.testing.assert_allclose(F.conv_transpose2d(g, kernel.detach(), stride=s, output_padding=fits), x.grad,
                               rtol=1e-12, atol=1e-12)
    spread = torch.zeros(1, 1, (g.shape[-2] - 1) * s + 1, (g.shape[-1] - 1) * s + 1, dtype=g.dtype)
    spread[..., ::s, ::s] = g  # s - 1 zeros between entries
    by_hand = F.conv_transpose2d(spread, kernel.detach())
    np.testing.assert_allclose(F.pad(by_hand, (0, fits, 0, fits)), x.grad, rtol=1e-12, atol=1e-12)
    dk = sum(g[0, 0, i, j] * x.detach()[0, 0, s * i:s * i + k, s * j:s * j + k]
             for i in range(g.shape[-2]) for j in range(g.shape[-1]))  # G_ij X_{si+u, sj+v}, summed
    np.testing.assert_allclose(dk, kernel.grad[0, 0], rtol=1e-12, atol=1e-12)


def test_the_check_catches_a_kernel_left_unflipped(backprop):
    ns = backprop
    n = ns["k"].shape[0] - 1
    wrong = ns["corr2d"](np.pad(ns["g"], n), ns["k"])  # the flip forgotten
    right = ns["numerical"](lambda v: ns["loss"](v, ns["k"], ns["b"]), ns["x"])
    assert np.abs(wrong - right).max() / np.abs(right).max() > 1e-2


# Exercises

def test_a_linear_layer_would_need_ten_thousand_times_the_parameters(exercises):
    ratio = exercises["parameters"](exercises["dense"]) / exercises["parameters"](
        nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2))
    assert 1e4 < ratio < 1.1e4


def test_two_3x3_layers_have_28_percent_fewer_weights_than_one_5x5():
    weights = {name: sum(layer.weight.numel() for layer in layers)
               for name, layers in [("two", [nn.Conv2d(8, 8, 3), nn.Conv2d(8, 8, 3)]), ("one", [nn.Conv2d(8, 8, 5)])]}
    assert weights["two"] / weights["one"] == pytest.approx(0.72)


def test_unfold_copies_each_inner_pixel_into_k_squared_columns():
    image = torch.arange(1.0, 65.0).view(1, 1, 8, 8)
    columns = F.unfold(image, kernel_size=3, padding=1)
    assert (columns == image[0, 0, 4, 4]).sum() == 9
    assert (columns == image[0, 0, 0, 0]).sum() == 4  # a corner pixel: fewer windows cover it


def test_the_cnn_is_equivariant_to_moves_by_its_total_stride_only(digits, exercises):
    """Away from the borders, where the second convolution's padding is not what a blank image gives."""
    features = copy.deepcopy(digits["cnn"].features).double().cpu()
    digit = F.pad(digits["splits"]["test"][0][:1].double(), (12, 12, 12, 12))  # 8x8 in a blank 32x32
    moved_right = exercises["moved_right"]
    with torch.no_grad():
        before = features(digit)  # (1, 16, 8, 8): one cell per 4 pixels
        for pixels, cells in [(4, 1), (8, 2)]:
            after = features(moved_right(digit, pixels))
            assert torch.allclose(after[..., 2 + cells:-2], before[..., 2:-2 - cells], atol=1e-12)
        for pixels in (1, 2, 3):
            after = features(moved_right(digit, pixels))
            assert not torch.allclose(after[..., 3:-2], before[..., 2:-3], atol=1e-3)
            assert not torch.allclose(after[..., 2:-2], before[..., 2:-2], atol=1e-3)


def test_the_cost_comparisons_of_exercise_5(exercises):
    counts = {name: [n for _, n in exercises["multiply_adds"](exercises[name], exercises["image"])]
              for name in ("lenet", "strided", "mlp")}
    assert 19 < sum(counts["lenet"]) / sum(counts["mlp"]) < 21          # "about 20 times as many"
    cnn_parameters, mlp_parameters = 3222, exercises["parameters"](exercises["mlp"])
    assert 1.3 < cnn_parameters / mlp_parameters < 1.4                  # "only a third more parameters"
    assert counts["lenet"][1] == 4 * counts["lenet"][0]                 # the second costs 4 times the first
    assert counts["strided"][0] * 4 == counts["lenet"][0]               # a quarter of the outputs
    assert 0.14 < 1 - sum(counts["strided"]) / sum(counts["lenet"]) < 0.16  # "about 15%"


def test_the_network_with_a_stride_learns_about_as_well(digits, exercises):
    torch.manual_seed(0)
    strided = copy.deepcopy(exercises["strided"]).to(digits["device"])
    for layer in strided.modules():
        if hasattr(layer, "reset_parameters"):
            layer.reset_parameters()
    digits["fit"](strided)
    evaluate = digits["evaluate"]
    ours = evaluate(digits["cnn"], *digits["splits"]["test"])[1]
    assert abs(evaluate(strided, *digits["splits"]["test"])[1] - ours) < 0.03


def test_for_a_symmetric_kernel_convolution_and_correlation_agree():
    signal, kernel = np.array([0, 1, 2, 4, 2, 1, 0, 3]), np.array([1, 2, 1])
    assert np.array_equal(np.convolve(signal, kernel, "valid"), np.correlate(signal, kernel, "valid"))


# Second edition: the claims of the sections added or rewritten

def test_the_mlp_with_relu_prints_the_same_accuracies_with_a_rounding_sized_change(digits, accuracies):
    """The note on tanh: the first section's ReLU MLP, trained again with every product off in its last digits,
    prints what the page prints."""
    torch.manual_seed(0)  # the MLP's start on the page
    with nudged_products():
        nudged, epoch = digits["fit"](digits["MLP"]().to(digits["device"]))
    printed = [f"{digits['shifted_accuracy'](nudged, pixels):.1%}" for pixels in (0, 1, 2)]
    assert printed == [f"{accuracy:.1%}" for accuracy in accuracies["mlp"]]


def test_the_cnn_has_640_units_with_an_activation_per_image_and_the_mlp_32(digits):
    units = []
    hooks = [layer.register_forward_hook(lambda layer, inputs, output: units.append(output[0].numel()))
             for layer in digits["cnn"].features if isinstance(layer, nn.Tanh)]
    try:
        digits["cnn"](digits["splits"]["test"][0][:1].to(digits["device"]))
    finally:
        for hook in hooks:
            hook.remove()
    assert units == [6 * 8 * 8, 16 * 4 * 4] and sum(units) == 640
    assert digits["mlp"].hidden.out_features == 32


def test_locality_then_weight_sharing_divide_the_parameters_of_the_first_layer(digits):
    """24,960 for a linear layer; 9,984 with each output wired to its own 5x5 patch; 156 shared."""
    first = digits["cnn"].features[0]
    positions = 8 * 8
    dense = sum(p.numel() for p in nn.Linear(64, first.out_channels * positions).parameters())
    local = first.out_channels * positions * (first.in_channels * 5 * 5 + 1)
    shared = sum(p.numel() for p in first.parameters())
    assert (dense, local, shared) == (24960, 9984, 156)
    assert dense / local == pytest.approx(2.5) and local / shared == pytest.approx(64)


def test_every_window_of_the_second_convolution_reaches_into_the_padding(digits):
    second = digits["cnn"].features[3]
    covered = F.unfold(torch.ones(1, 1, 4, 4), kernel_size=second.kernel_size, padding=second.padding).sum(dim=1)
    assert (covered < 25).all()
    assert covered[0, 0].item() == pytest.approx(9)  # the corner window: 9 units of the map


def test_a_1x1_convolution_is_a_linear_layer_applied_at_every_position():
    torch.manual_seed(0)
    conv = nn.Conv2d(6, 10, kernel_size=1).double()
    linear = nn.Linear(6, 10).double()
    with torch.no_grad():
        linear.weight.copy_(conv.weight[:, :, 0, 0])
        linear.bias.copy_(conv.bias)
        x = torch.randn(2, 6, 5, 7, dtype=torch.float64)
        by_position = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
    torch.testing.assert_close(conv(x), by_position)
    assert sum(p.numel() for p in conv.parameters()) == 10 * (6 + 1)


def test_global_average_pooling_gives_the_same_logits_while_the_maps_stay_inside_the_frame(digits):
    """With other weights than the page's, and other digits: any move that keeps the ink, and the 2 pixels
    around it that a 5x5 kernel reaches, inside the frame leaves the logits as they were; one more pixel, and
    they change (the condition the page states is needed)."""
    torch.manual_seed(5)
    convolutions = nn.Sequential(*copy.deepcopy(digits["convolutions"])).double()
    for layer in convolutions:
        if hasattr(layer, "reset_parameters"):
            layer.reset_parameters()
    net = nn.Sequential(convolutions, nn.AdaptiveAvgPool2d(1), nn.Flatten())
    for index in range(4):
        digit = F.pad(digits["splits"]["test"][0][index:index + 1].double(), (4, 4, 4, 4))
        _logits_kept_while_the_ink_keeps(net, digit, 2, digits["shifted"])  # the kernel's reach


def test_a_cnn_ending_with_global_average_pooling_trained_on_centred_digits(digits, accuracies):
    """44% of the digits moved by two pixels against the CNN's 27.5%, but 60% of those moved by one, and 94% of the
    unmoved: fewer than the CNN's."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.MaxPool2d(2),
                        nn.Conv2d(6, 16, 3, padding=1), nn.Tanh(), nn.Conv2d(16, 10, 1),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten()).to(digits["device"])
    net, _ = digits["fit"](net)
    gap = [digits["shifted_accuracy"](net, pixels) for pixels in (0, 1, 2)]
    cnn = accuracies["cnn"]
    assert [round(100 * a) for a in gap] == [94, 60, 44]
    assert gap[2] > cnn[2] + 0.1 and gap[1] < cnn[1] and gap[0] < cnn[0]


def test_two_kernels_only_became_edge_like_and_they_were_the_most_tilted_at_the_start(digits):
    """The first and fourth weigh one side against the other (the test above); the other four do not, in any of
    the four directions; and at the start, the first and fourth were already the most tilted of the six."""
    trained = digits["cnn"].features[0].weight.detach().cpu()[:, 0].double()
    torch.manual_seed(0)
    initial = digits["CNN"]().features[0].weight.detach()[:, 0].double()

    def tilt(kernel):
        return max(abs(side_against_side(kernel, side)) for side in sides().values())

    assert all(tilt(trained[index]) < 0.5 for index in (1, 2, 4, 5))
    start = [tilt(kernel) for kernel in initial]
    assert sorted(range(6), key=start.__getitem__)[-2:] in ([0, 3], [3, 0]), start


@pytest.mark.parametrize("padding, kernel", [(0, (3, 3)), (2, (3, 3)), (1, (2, 3))])
def test_batched_gradients_by_hand_are_autograds_with_other_paddings_and_kernels(backprop, padding, kernel):
    rng = np.random.default_rng(padding * 10 + sum(kernel))
    x, k, b = rng.normal(size=(3, 2, 7, 6)), rng.normal(size=(4, 2, *kernel)), rng.normal(size=4)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, k, b)]
    y = F.conv2d(*tensors, padding=padding)
    g = rng.normal(size=y.shape)
    (y * torch.tensor(g)).sum().backward()
    for mine, t in zip(backprop["backward_batched"](x, k, g, padding), tensors):
        np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_agree_catches_a_wrong_gradient_and_passes_rounding(backprop):
    """The planted faults: a pooling gradient of G/2 rather than G/4, the maximum's gradient sent to the smallest
    cell, an input gradient not cropped of its padding in the right place; rounding-sized changes pass."""
    agree, pool_backward, x4, g2 = backprop["agree"], backprop["pool_backward"], backprop["x4"], backprop["g2"]
    average = pool_backward(x4, g2, "average")
    assert not agree(2 * average, average)
    to_the_smallest = pool_backward(-x4, g2, "max")  # the largest of -x: the smallest of x
    assert not agree(to_the_smallest, pool_backward(x4, g2, "max"))
    dx = backprop["mine"][0]
    shifted = np.roll(dx, 1, axis=-1)
    assert not agree(shifted, dx)
    assert agree(dx * (1 + 4 * np.finfo(np.float64).eps), dx)


def test_the_strided_convolution_as_a_matrix_has_the_transposed_convolution_as_its_transpose(backprop):
    """y = W x with k^2 non-zero entries per row, and W.T g is conv_transpose2d(g, k), with a stride too."""
    rng = np.random.default_rng(7)
    k = torch.tensor(rng.normal(size=(1, 1, 3, 3)))
    for stride in (1, 2):
        basis = torch.eye(81, dtype=torch.float64).view(81, 1, 9, 9)
        W = F.conv2d(basis, k, stride=stride).flatten(1).T  # column m: the map of basis image m
        assert W.count_nonzero(dim=1).tolist() == [9] * W.shape[0]
        g = torch.tensor(rng.normal(size=(1, 1, *F.conv2d(basis[:1], k, stride=stride).shape[-2:])))
        torch.testing.assert_close((W.T @ g.flatten()).view(9, 9),
                                   F.conv_transpose2d(g, k, stride=stride)[0, 0])
    assert np.count_nonzero(backprop["W"], axis=1).tolist() == [9] * 36


@pytest.mark.parametrize("n, k, p, s, zero_rows", [(10, 3, 0, 2, 1), (8, 3, 1, 2, 0), (12, 3, 1, 3, 1)])
def test_rows_and_columns_under_no_window_get_a_zero_gradient(n, k, p, s, zero_rows):
    """The last r = (n + 2p - k) mod s rows and columns of the padded input are under no window; those that are
    real pixels, max(0, r - p) of them, get a zero gradient (none for n = 8, k = 3, p = 1, s = 2); the transposed
    convolution needs output_padding = r either way."""
    r = (n + 2 * p - k) % s
    assert max(0, r - p) == zero_rows
    x = torch.randn(1, 1, n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(0), requires_grad=True)
    kernel = torch.randn(1, 1, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = F.conv2d(x, kernel, stride=s, padding=p)
    y.sum().backward()
    rows = x.grad[0, 0].abs().sum(dim=1)
    columns = x.grad[0, 0].abs().sum(dim=0)
    assert (rows == 0).nonzero().flatten().tolist() == list(range(n - zero_rows, n))
    assert (columns == 0).nonzero().flatten().tolist() == list(range(n - zero_rows, n))
    transposed = F.conv_transpose2d(torch.ones_like(y), kernel, stride=s, padding=p, output_padding=r)
    assert transposed.shape[-2:] == (n, n)
    if r:
        assert F.conv_transpose2d(torch.ones_like(y), kernel, stride=s, padding=p).shape[-1] == n - r


def test_max_pooling_with_a_tie_sends_the_whole_gradient_to_one_cell_of_the_window():
    """"When two cells of a window tie, ... PyTorch picks one": the window's G goes whole to a single cell."""
    x = torch.tensor([[[[1.0, 3.0], [3.0, 0.0]]]], requires_grad=True)
    (F.max_pool2d(x, 2) * 5).sum().backward()
    assert x.grad.count_nonzero() == 1 and x.grad.sum().item() == pytest.approx(5)
    assert x.grad[0, 0, 0, 1].item() + x.grad[0, 0, 1, 0].item() == pytest.approx(5)


def test_the_gradient_of_a_last_unit_is_concentrated_near_the_centre_of_its_field():
    """The effective receptive field: with the page's stack measuring the field (weights of 1, average
    pooling), the central 8x8 pixels of the 16x16 field, a quarter of it, carry more than half of the gradient,
    its centre far more than its corner."""
    stack = nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.AvgPool2d(2),
                          nn.Conv2d(1, 1, 5, padding=2), nn.AvgPool2d(2)).double()
    for conv in (stack[0], stack[2]):
        nn.init.ones_(conv.weight)
    pixels = torch.zeros(1, 1, 24, 24, dtype=torch.float64, requires_grad=True)
    stack(pixels)[0, 0, 3, 3].backward()
    grad = pixels.grad[0, 0].abs()
    rows, cols = grad.nonzero().unbind(1)
    field = grad[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert field.shape == (16, 16)
    assert field[4:12, 4:12].sum() > 0.5 * field.sum()  # a quarter of the pixels
    assert field[7:9, 7:9].min() > 50 * field[0, 0]


def test_a_1x1_bottleneck_before_a_3x3_layer_needs_about_a_third_of_the_parameters():
    def count(*layers):
        return sum(p.numel() for layer in layers for p in layer.parameters())

    direct = count(nn.Conv2d(256, 64, 3, padding=1))
    bottleneck = count(nn.Conv2d(256, 64, 1), nn.Conv2d(64, 64, 3, padding=1))
    assert direct == 147_520
    assert count(nn.Conv2d(256, 64, 1)) == 16_448 and count(nn.Conv2d(64, 64, 3)) == 36_928
    assert bottleneck == 53_376
    assert bottleneck / direct == pytest.approx(1 / 3, abs=0.05)


def test_after_a_bias_and_tanh_a_second_padded_layer_needs_the_ink_farther_from_the_border(digits):
    """Padding counts as blank on the input only: with two padded 5x5 convolutions, the units of the second
    two outermost rows and columns see padding, and reach 4 pixels of the input: a move keeping the ink 6 pixels
    from the border leaves the logits, one that keeps it 5 away, where one convolution would not, changes them."""
    torch.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.Conv2d(6, 6, 5, padding=2), nn.Tanh(),
                        nn.Conv2d(6, 10, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten()).double()
    digit = F.pad(digits["splits"]["test"][0][:1].double(), (8, 8, 8, 8))  # 24x24
    _logits_kept_while_the_ink_keeps(net, digit, 6, digits["shifted"])  # padding seen, and reach


def test_the_transposed_convolution_does_not_undo_the_convolution():
    torch.manual_seed(0)
    x = torch.randn(1, 1, 8, 8, dtype=torch.float64)
    kernel = torch.randn(1, 1, 3, 3, dtype=torch.float64)
    back = F.conv_transpose2d(F.conv2d(x, kernel, padding=1), kernel, padding=1)
    assert back.shape == x.shape
    assert not torch.allclose(back, x, rtol=0.1, atol=0.1)


def _logits_kept_while_the_ink_keeps(net, digit, margin, shifted):
    """Moved right while its ink stays `margin` pixels from the border, `digit` keeps its logits; one pixel
    further, they change."""
    cols = digit[0, 0].sum(dim=0).nonzero()
    room = digit.shape[-1] - 1 - cols.max().item() - margin  # blank columns right of the ink, less the margin
    with torch.no_grad():
        logits = net(digit)
        for dx in range(1, room + 1):
            torch.testing.assert_close(net(shifted(digit, dx, 0)), logits, rtol=1e-12, atol=1e-12)
        beyond = net(shifted(digit, room + 1, 0))
    assert not torch.allclose(beyond, logits, rtol=1e-6, atol=1e-6)
