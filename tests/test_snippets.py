"""Every snippet is a script that runs top to bottom on its own, and the figures on the pages are its own."""

import pytest

from coursekit.project import FIGURES, ROOT
from coursekit.scripts import snippet_scripts

SCRIPTS = snippet_scripts()


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_snippet_runs_as_a_script(script, script_runs):
    run = script_runs(script)
    assert run.stdout.strip(), f"{script.relative_to(ROOT)} printed nothing"


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_committed_figures_are_what_the_snippet_draws(script, script_runs):
    for name, svg in script_runs(script).figures.items():
        committed = FIGURES / f"{name}.svg"
        assert committed.exists(), f"{committed.relative_to(ROOT)} missing: run python -m coursekit refresh"
        assert committed.read_bytes() == svg, (
            f"{committed.relative_to(ROOT)} is stale: {script.relative_to(ROOT)} draws something else now; "
            "run python -m coursekit refresh")


def test_every_figure_file_has_a_snippet(script_runs):
    drawn = {name for script in SCRIPTS for name in script_runs(script).figures}
    orphans = sorted(p.name for p in FIGURES.glob("*.svg") if p.stem not in drawn)
    assert not orphans, f"figures no snippet draws any more: {orphans}"


def test_snippets_use_no_course_machinery():
    """Readers copy snippets: they must not depend on the site's own package."""
    for script in SCRIPTS:
        assert "coursekit" not in script.read_text(encoding="utf-8"), script
