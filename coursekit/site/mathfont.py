"""The math font of the formulas: STIX Two Math (SIL Open Font License, fonts/OFL.txt), cut at build time
to the characters the site's formulas use, and written as WOFF2 beside the site's stylesheet.

Its OpenType MATH table lays MathML out as a book would: large operators with limits above and below,
fraction bars and stretchy delimiters. Only pages with a formula load it (the stylesheet names it for
`math` elements alone). The source is the font of the npm package @fontsource/stix-two-math 5.3.0.
"""

import hashlib
import html
import io
import re
from functools import cache, lru_cache
from pathlib import Path

from coursekit.project import pages, read_text
from coursekit.site import build_cache

SOURCE = Path(__file__).resolve().parent / "fonts" / "stix-two-math.woff"
LICENCE = SOURCE.with_name("OFL.txt")  # the font's licence travels with it, the subset included
TARGET = "assets/fonts/course-math.woff2"  # in the built site; site.css names it "Course Math"
MATH_TEXT = re.compile(r"<m(?:i|n|o|text)\b[^>]*>([^<]*)</m(?:i|n|o|text)>")
# A one-letter <mi> is shown in mathematical italic (U+1D434...): keep those letters too, and digits.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _italic(char: str) -> str | None:
    """The mathematical italic form MathML gives a one-letter <mi>, None for what stays upright."""
    if char == "h":
        return "\u210e"  # Planck constant: the one gap in the italic alphabet
    if char in LETTERS:
        return chr((0x1D434 if char.isupper() else 0x1D44E) + LETTERS.index(char) % 26)
    if "\u03b1" <= char <= "\u03c9":
        return chr(0x1D6FC + ord(char) - 0x3B1)
    if "\u0391" <= char <= "\u03a9":
        return chr(0x1D6E2 + ord(char) - 0x391)
    return {"\u2202": "\U0001d715", "\u2207": "\U0001d6fb"}.get(char)


def characters(texts: list[str]) -> set[str]:
    """The characters MathML in `texts` shows, with the italic forms of its one-letter identifiers."""
    shown = set("0123456789")
    for text in texts:
        for m in MATH_TEXT.finditer(text):
            content = html.unescape(m[1])
            shown.update(content)
            if m[0].startswith("<mi") and len(content) == 1 and _italic(content):
                shown.add(_italic(content))
    shown.discard(" ")
    return shown


def site_formulas() -> list[str]:
    """Every formula of every page, as MathML."""
    return [formula for page in pages() for formula in _formulas(read_text(page))]


def site_characters() -> set[str]:
    """The characters the formulas of every page show."""
    return set().union(*(_characters(read_text(page)) for page in pages()))


# Each build of each language, and each rebuild of `mkdocs serve`, cuts the font again: a page is read
# each time, and its formulas converted and scanned only when its text changed.
@lru_cache(maxsize=4096)
def _formulas(text: str) -> tuple[str, ...]:
    from coursekit.pages.model import Page
    from coursekit.site.mathml import to_mathml

    return tuple(to_mathml(formula.tex, formula.display) for formula in Page(Path("page.md"), text).formulas)


@lru_cache(maxsize=4096)
def _characters(text: str) -> frozenset[str]:
    return frozenset(characters(_formulas(text)))


@cache
def subset(chars: frozenset[str]) -> bytes:
    """The source font cut to `chars`, their MATH variants and constructions included, as WOFF2; kept for the
    next builds (build_cache.py), keyed by the characters, the source font and fontTools' version."""
    from importlib.metadata import version

    key = repr((sorted(chars), hashlib.sha256(SOURCE.read_bytes()).hexdigest(), version("fonttools")))
    stored = build_cache.load("mathfont", key)
    return stored if stored is not None else build_cache.store("mathfont", key, _cut(chars))


def _cut(chars: frozenset[str]) -> bytes:
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    options = fonttools_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # ssty (script forms), math variants...
    options.name_IDs = ["*"]         # the licence and copyright stay in the file
    options.notdef_outline = True
    font = TTFont(SOURCE, recalcTimestamp=False)  # the same characters, the same bytes: builds reproduce
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def write(site_dir: str) -> Path:
    """Cut the font to the site's formulas and write it into the built site, its licence beside it."""
    target = Path(site_dir) / TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(subset(frozenset(site_characters())))
    (target.parent / LICENCE.name).write_bytes(LICENCE.read_bytes())
    return target
