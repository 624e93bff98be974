"""The bench's scratch courses: the real chapters repeated under new ids, and copies of the first ones."""

import subprocess
import sys

import pytest

from coursekit.checks.translations import unused_comment_problems
from coursekit.project import ROOT, chapters, snippet_scripts
from coursekit.site.markup import FIGURE
from coursekit.tools.scratch_course import course_of

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def test_a_copy_of_a_grown_course_keeps_the_figures_its_chapters_show(tmp_path):
    """A repeated chapter shows the figure files of the chapter it repeats: dropping it from a copy must not
    take them from the chapter that stays."""
    grown = course_of(len(chapters()) + 1, tmp_path / "grown")
    code = ("from pathlib import Path; from coursekit.tools.scratch_course import first_chapters; "
            f"first_chapters(1, Path({str(tmp_path / 'copy')!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=grown, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    copy = tmp_path / "copy"
    figures = copy / "docs" / "assets" / "figures"
    shown = {(page.relative_to(copy), m["name"]) for page in (copy / "docs").rglob("chapters/*.md")
             for m in FIGURE.finditer(page.read_text(encoding="utf-8"))}
    missing = [f"{page}: {name}" for page, name in sorted(shown) if not list(figures.glob(f"{name}.*svg"))]
    assert shown and not missing, missing


def test_a_copy_of_every_chapter_is_the_course_as_it_is(tmp_path):
    """With nothing dropped, no page loses a link and the nav keeps every entry."""
    copy = course_of(len(chapters()), tmp_path / "copy")
    changed = [str(page.relative_to(copy)) for page in [copy / "mkdocs.yml", *(copy / "docs").rglob("*.md")]
               if page.read_bytes() != (ROOT / page.relative_to(copy)).read_bytes()]
    assert not changed, changed
    assert (copy / ".git").is_dir(), "a working tree, as a contributor's clone is"


def test_a_copy_without_the_last_chapter_keeps_only_the_comment_translations_its_snippets_use(tmp_path):
    copy = course_of(len(chapters()) - 1, tmp_path / "copy")
    table, scripts = copy / "docs" / "comments.yml", snippet_scripts(copy / "snippets")
    assert not unused_comment_problems(table, "docs/comments.yml", scripts)
