"""Figures are compared by what they show: rounding noise passes, a moved curve or a changed word fails."""

import re

import numpy as np
import pytest

from coursekit.execution.scripts import svg_of
from coursekit.figures.compare import TOLERANCE, differences, texts
from coursekit.testing.lazy import lazy

plt = lazy("matplotlib.pyplot")  # imported by the first test that draws, not at collection

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


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


def test_a_figure_is_drawn_in_the_page_language_and_left_in_english():
    from coursekit.figures.language import translated

    figure, ax = plt.subplots(num="test-figure")
    ax.plot([0, 1], [1, 0], label="raw")
    ax.set(xlabel="steps")
    ax.legend()
    strings = {"raw": {"fr": "brutes", "zh": "原始特征"}, "steps": {"fr": "pas", "zh": "步数"}}
    try:
        with translated(figure, "zh", strings):
            chinese = svg_of(figure)
        english = svg_of(figure)
    finally:
        plt.close(figure)
    assert {"原始特征", "步数"} <= set(texts(chinese)) and not {"raw", "steps"} & set(texts(chinese))
    assert {"raw", "steps"} <= set(texts(english))


def test_an_untranslated_figure_string_fails_naming_figure_and_string(tmp_path):
    import shutil

    from coursekit.checks import translations
    from coursekit.project import DOCS

    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "assets" / "figures", docs / "assets" / "figures")
    table = (DOCS / "figures.yml").read_text(encoding="utf-8")
    entry = next(line for line in table.splitlines() if line.startswith("  ") and "fr: " in line)
    english = entry.strip().split(":")[0]
    (docs / "figures.yml").write_text(table.replace(entry, f"  {english}: {{zh: 译文}}"), encoding="utf-8")
    problems = [str(p) for p in translations._figure_problems(docs, ["fr", "zh"], None)]
    assert len(problems) == 1, problems
    assert f"draws '{english}', which has no 'fr' translation" in problems[0]
    assert problems[0].startswith("docs/figures.yml:")
    name = problems[0].split("figure '")[1].split("'")[0]  # a page's check: the figures it shows
    assert [str(p) for p in translations._figure_problems(docs, ["fr", "zh"], {name})] == problems
    assert translations._figure_problems(docs, ["fr", "zh"], {"another-figure"}) == []


@pytest.mark.parametrize("text, needed", [("raw", True), ("SGD (1 example)", True), ("z", False), ("f(z)", False),
                                          ("−0.5", False), ("$\\mathdefault{10^{2}}$", False)])
def test_which_drawn_strings_need_a_translation(text, needed):
    from coursekit.figures.language import needs_translation

    assert needs_translation(text) is needed


def test_french_figures_write_decimal_commas_and_english_ones_points():
    from coursekit.figures.language import translated

    figure, ax = plt.subplots(num="test-figure")
    ax.plot([0, 1], [0, 2.5])
    try:
        with translated(figure, "fr", {}):
            french = texts(svg_of(figure))
        english = texts(svg_of(figure))
    finally:
        plt.close(figure)
    assert "2,5" in french and "2.5" not in french
    assert "2.5" in english and "2,5" not in english


def test_without_a_chinese_font_only_the_chinese_figures_go_unchecked(monkeypatch):
    from coursekit.figures import language as figure_text
    from coursekit.project import languages

    monkeypatch.setattr(figure_text, "font_for", lambda language: None)
    unchecked = [language for language in languages() if figure_text.missing_font(language)]
    assert unchecked == ["zh"] and "WenQuanYi Micro Hei" in figure_text.missing_font("zh")
    assert [figure_text.figure_language(name) for name in ("loss", "loss.fr", "loss.zh", "v1.2")] == [
        "en", "fr", "zh", "en"]
