"""The math font is cut to what the formulas show, keeps its MATH table, and stays within its budget."""

import gzip
from io import BytesIO

from fontTools.ttLib import TTFont

from coursekit import mathfont
from coursekit.bench import KB

MATH_FONT_BUDGET = 40 * KB  # gzip, added to a chapter page's first visit


def test_characters_include_the_italic_forms_of_one_letter_identifiers():
    shown = mathfont.characters(['<math><mi>x</mi><mo>&#x02211;</mo><mi>max</mi><mi>&#x003B7;</mi></math>'])
    assert {"x", "\U0001d465", "\u2211", "m", "a", "\u03b7", "\U0001d702"} <= shown
    assert "\U0001d44e" not in shown  # 'a' of a multi-letter name stays upright


def test_the_built_font_covers_every_formula_and_keeps_its_math_table(site):
    font_bytes = (site / mathfont.TARGET).read_bytes()
    font = TTFont(BytesIO(font_bytes))
    assert "MATH" in font and font.flavor == "woff2"
    covered = set(map(chr, font.getBestCmap()))
    missing = mathfont.characters(mathfont.site_formulas()) - covered
    assert not missing, f"characters of the formulas missing from the math font: {sorted(missing)}"
    assert len(gzip.compress(font_bytes)) <= MATH_FONT_BUDGET
