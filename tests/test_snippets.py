"""Every snippet is a script that runs top to bottom on its own, and the figures on the pages are its own."""

import os
import re

import pytest

from coursekit.figure_text import cjk_font
from coursekit.figures import differences
from coursekit.notebooks import chapter_pages, chapters
from coursekit.project import FIGURES, ROOT, language_of, languages, pages
from coursekit.includes import snippet_folders
from coursekit.page_markup import FIGURE
from coursekit.scripts import run_script, snippet_scripts

SCRIPTS = snippet_scripts()
# Under pytest-xdist, one worker runs each script once for every test below.
pytestmark = pytest.mark.xdist_group("snippet-runs")


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_snippet_runs_as_a_script(script, script_runs):
    run = script_runs(script)
    assert run.stdout.strip(), f"{script.relative_to(ROOT)} printed nothing"


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_committed_figures_are_what_the_snippet_draws(script, script_runs):
    if cjk_font() is None:  # Chinese figures laid out with another font would differ
        message = "no Chinese font for matplotlib: apt-get install fonts-wqy-microhei (CI does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    for name, svg in script_runs(script).figures.items():
        committed = FIGURES / f"{name}.svg"
        assert committed.exists(), f"{committed.relative_to(ROOT)} missing: run python -m coursekit refresh"
        moved = differences(committed.read_bytes(), svg)
        assert not moved, (
            f"{committed.relative_to(ROOT)} is stale: {script.relative_to(ROOT)} draws something else now; "
            "run python -m coursekit refresh\n" + "\n".join(moved))


@pytest.mark.parametrize("chapter", chapters())
def test_every_figure_a_chapter_shows_is_drawn_by_its_snippets(chapter, script_runs):
    page = next(page for page, notebook in chapter_pages().items()
                if notebook == chapter and language_of(page) == languages()[0])
    text = (ROOT / page).read_text(encoding="utf-8")
    drawn = {name for folder in snippet_folders(text) for script in SCRIPTS
             if script.parent.name == folder for name in script_runs(script).figures}
    shown = {m["name"] for m in FIGURE.finditer(text)}
    assert shown <= drawn, f"{page} shows figures its snippets no longer draw: {sorted(shown - drawn)}"


def test_every_figure_file_is_shown_on_a_page():
    shown = {m["name"] for page in pages() for m in FIGURE.finditer((ROOT / page).read_text(encoding="utf-8"))}
    orphans = sorted(p.name for p in FIGURES.glob("*.svg") if p.name.split(".")[0] not in shown)
    assert not orphans, f"figures no page shows: {orphans}"


def test_snippets_use_no_course_machinery():
    """Readers copy snippets: they must not depend on the site's own package."""
    for script in SCRIPTS:
        assert "coursekit" not in script.read_text(encoding="utf-8"), script


TORCH_SCRIPTS = [s for s in SCRIPTS if "import torch" in s.read_text(encoding="utf-8")]


@pytest.mark.parametrize("script", TORCH_SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in TORCH_SCRIPTS])
def test_snippet_prints_the_same_on_another_device(script, script_runs):
    """A GPU rounds in its own way: when every matrix product moves in its last digits, the printed digits
    must stay (a training run that amplifies them needs another example, not a looser check)."""
    nudged = run_script(script, nudged=True).stdout
    lines = zip(script_runs(script).stdout.splitlines(), nudged.splitlines())
    moved = [f"  {a}\n->{b}" for a, b in lines if a != b]
    assert not moved, f"{script.relative_to(ROOT)} prints other digits after a rounding-sized change:\n" + "\n".join(moved)


RANDOM_ON_DEVICE = re.compile(r"torch\.(rand\w*|normal|bernoulli|multinomial)\((?:[^()]|\([^()]*\))*\bdevice\s*=")


def test_random_numbers_come_from_the_cpu_generator():
    """A GPU has its own generator: numbers drawn there differ from the CPU's, and so does all that follows."""
    found = [f"{s.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)[:60]}"
             for s in SCRIPTS for text in [s.read_text(encoding="utf-8")] for m in RANDOM_ON_DEVICE.finditer(text)]
    assert not found, "draw on the CPU, then .to(device):\n" + "\n".join(found)
