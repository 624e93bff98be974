"""Figures are compared by what they show: rounding noise passes, a moved curve or a changed word fails."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.figures import TOLERANCE, differences
from coursekit.scripts import svg_of


def draw(scale=1.0, label="standardised", title="convergence", noise=0.0):
    steps = np.arange(200)
    curve = np.exp(-steps / 30) * scale + noise * np.random.default_rng(1).standard_normal(200)
    figure, ax = plt.subplots(figsize=(5, 3), num="test-figure")
    ax.plot(steps, curve, label=label)
    ax.scatter([10, 50], [0.5, 0.2], label="points")
    ax.set(title=title, xlabel="steps", ylabel="loss", ylim=(-0.1, 1.2))
    ax.legend()
    try:
        return svg_of(figure)
    finally:
        plt.close(figure)


def jitter(svg: bytes, size: float) -> bytes:
    """Every coordinate of the SVG moved by up to `size` points, as another CPU's last digits would."""
    rng = np.random.default_rng(0)
    text = svg.decode()
    moved = re.sub(r"(?<=[ \"])-?\d+\.\d{3,}(?=[ \"\n])", lambda m: f"{float(m[0]) + rng.uniform(-size, size):f}", text)
    assert moved != text
    return moved.encode()


def test_the_same_drawing_has_no_difference():
    assert differences(draw(), draw()) == []


def test_rounding_noise_in_the_coordinates_is_no_difference():
    assert differences(draw(), jitter(draw(), TOLERANCE / 10)) == []


def test_a_curve_simplified_to_other_vertices_is_the_same_curve():
    """matplotlib drops vertices that add nothing visible; where it drops them depends on the last digits."""
    before, after = draw(), draw(noise=1e-9)
    assert before != after
    assert differences(before, after) == []


def test_a_moved_curve_fails_naming_the_curve():
    problems = differences(draw(), draw(scale=1.05))
    assert problems, "a curve 5% higher went unnoticed"
    assert any("line-standardised" in p and "moved" in p for p in problems), problems


def test_noise_beyond_what_a_reader_can_see_fails():
    assert differences(draw(), jitter(draw(), 10 * TOLERANCE))


@pytest.mark.parametrize("change, word", [({"label": "raw"}, "raw"), ({"title": "loss"}, "loss")])
def test_a_changed_word_fails_naming_it(change, word):
    (problem,) = differences(draw(), draw(**change))
    assert word in problem.split("now", 1)[1], problem
