"""The math font is cut to what the formulas show, keeps its MATH table, and stays within its budget."""

import gzip
import re
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from coursekit.budgets import BUDGET
from coursekit.site import mathfont


@pytest.mark.machinery  # coursekit's font cutting on characters of its own
def test_characters_include_the_italic_forms_of_one_letter_identifiers():
    shown = mathfont.characters(['<math><mi>x</mi><mo>&#x02211;</mo><mi>max</mi><mi>&#x003B7;</mi></math>'])
    assert {"x", "\U0001d465", "\u2211", "m", "a", "\u03b7", "\U0001d702"} <= shown
    assert "\U0001d44e" not in shown  # 'a' of a multi-letter name stays upright


MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)  # MathML elements do not nest


def built_formulas(site: Path) -> dict[str, list[str]]:
    """Every <math> element of every built page, notebooks included, by page: what readers' browsers get,
    whatever made it (the pages' TeX, the notebooks, a hook)."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        formulas = MATH.findall(page.read_text(encoding="utf-8"))
        if formulas:
            found[page.relative_to(site).as_posix()] = formulas
    return found


def uncovered(site: Path) -> dict[str, list[str]]:
    """By page, the characters its formulas show that the site's math font lacks."""
    covered = set(map(chr, TTFont(BytesIO((site / mathfont.TARGET).read_bytes())).getBestCmap()))
    missing = {page: sorted(mathfont.characters(formulas) - covered) for page, formulas in built_formulas(site).items()}
    return {page: chars for page, chars in missing.items() if chars}


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_the_built_font_covers_every_formula_and_keeps_its_math_table(site):
    font_bytes = (site / mathfont.TARGET).read_bytes()
    font = TTFont(BytesIO(font_bytes))
    assert "MATH" in font and font.flavor == "woff2"
    assert any("notebooks/" in page for page in built_formulas(site)), "no formula found in the notebook pages"
    missing = uncovered(site)
    assert not missing, f"characters of the formulas missing from the math font, by page: {missing}"
    assert len(gzip.compress(font_bytes)) <= BUDGET["math font"]


@pytest.mark.machinery  # coursekit's font cutting on characters of its own
def test_a_character_of_a_built_page_missing_from_the_font_is_found(tmp_path):
    """Whatever put it there: the check reads the pages, not the sources the font was cut for."""
    font = tmp_path / mathfont.TARGET
    font.parent.mkdir(parents=True)
    font.write_bytes(mathfont.subset(frozenset("0123456789x\U0001d465")))  # digits: always kept
    (tmp_path / "chapter").mkdir()
    (tmp_path / "chapter" / "index.html").write_text(
        "<p><math><mi>x</mi><mo>+</mo><mi>y</mi></math></p>", encoding="utf-8")
    assert uncovered(tmp_path) == {"chapter/index.html": sorted({"+", "y", "\U0001d466"})}


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_the_font_licence_is_shipped_beside_the_font(site):
    """The SIL Open Font License asks that the licence go with the font, a subset included."""
    shipped = site / Path(mathfont.TARGET).parent / "OFL.txt"
    assert shipped.is_file(), f"{shipped.relative_to(site)} missing from the built site"
    assert shipped.read_bytes() == mathfont.LICENCE.read_bytes() and b"SIL OPEN FONT LICENSE" in shipped.read_bytes()


@pytest.mark.machinery  # coursekit's font cutting on characters of its own
def test_the_same_characters_give_the_same_font_file():
    """Builds reproduce: the cut font carries no timestamp of its own."""
    import time

    first = mathfont._cut(frozenset("xyz"))
    time.sleep(1.1)  # the font's head table counts seconds
    assert mathfont._cut(frozenset("xyz")) == first


@pytest.mark.machinery
def test_a_cut_font_is_kept_for_the_next_build_but_not_under_ci(monkeypatch, tmp_path):
    from coursekit.site import build_cache

    monkeypatch.setattr(build_cache, "FOLDER", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("COURSE_NO_CACHE", raising=False)
    cut, cuts = mathfont._cut, []
    monkeypatch.setattr(mathfont, "_cut", lambda chars: cuts.append(chars) or cut(chars))
    for environment in ({}, {}, {"CI": "true"}):  # a build, the next one, one under CI
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        mathfont.subset.cache_clear()  # as in a new build's process
        font = mathfont.subset(frozenset("xyz"))
        assert font.startswith(b"wOF2")
    mathfont.subset.cache_clear()
    assert len(cuts) == 2, "cut by the first build and under CI only"
