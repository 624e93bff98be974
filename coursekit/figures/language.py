"""Figures in the page's language: the snippets draw in English, and `docs/figures.yml` gives, by figure,
each drawn string in the other languages. `python -m coursekit refresh` draws every figure once per
language (`activations.svg`, `activations.fr.svg`, ...) and each page shows its own.

Chinese text is laid out with a CJK font (the first of CJK_FONTS installed), and the SVG names the same
fonts: a reader's browser uses one it has, or falls back for Chinese as it does in the page's prose.
matplotlib caches its list of fonts: one installed after the cache was written is found by looking at the
system's fonts again, and `refresh` draws no figure while a language's font is missing.
"""

import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from coursekit.project import DOCS, FIGURES, languages, read_yaml

TABLE = DOCS / "figures.yml"
CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
             "Microsoft YaHei"]
FONTS = {"zh": CJK_FONTS}
FONT_PACKAGES = {"zh": "fonts-wqy-microhei"}  # Debian's package of the first of FONTS["zh"]
DECIMAL_COMMA = {"fr"}  # tick labels read 2,5 in French
WORDS = re.compile(r"[^\W\d_]{2,}")  # a string with a word in it needs translating; numbers and z do not


@cache
def table(path: Path = TABLE) -> dict:
    """{figure: {english string: {language: string}}}."""
    return read_yaml(path, {})


def needs_translation(text: str) -> bool:
    return not text.startswith("$") and bool(WORDS.search(text))


def figure_file(name: str, language: str) -> Path:
    return FIGURES / (f"{name}.svg" if language == languages()[0] else f"{name}.{language}.svg")


def cjk_font() -> str | None:
    """The first CJK font matplotlib can lay Chinese text out with, None when there is none."""
    return font_for("zh")


def font_for(language: str) -> str | None:
    """The first of the fonts `language`'s figures need that matplotlib can use; None when none is installed.

    matplotlib lists the fonts once and caches the list: when none of the wanted fonts is in it, the system's
    fonts are looked at again, so that a font installed after the cache was written is found.
    """
    from matplotlib import font_manager

    wanted = FONTS.get(language, [])
    found = _first_listed(wanted)
    if found is None and wanted:
        manager = font_manager.fontManager
        listed = {font.fname for font in manager.ttflist + manager.afmlist}
        for path in font_manager.findSystemFonts():
            if path not in listed:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a file FreeType cannot read: matplotlib skips it too
        found = _first_listed(wanted)
    return found


def _first_listed(fonts: list[str]) -> str | None:
    from matplotlib import font_manager

    listed = {font.name for font in font_manager.fontManager.ttflist}
    return next((font for font in fonts if font in listed), None)


def missing_fonts() -> list[str]:
    """What to do, one line per language, for each language of the site whose figures lack their font."""
    import matplotlib

    return [f"figures in '{language}' need one of the fonts {', '.join(FONTS[language])}, and matplotlib finds "
            f"none: install one (apt-get install {FONT_PACKAGES[language]}), then, if it is still not found, "
            f"clear matplotlib's font cache (rm -rf {matplotlib.get_cachedir()})"
            for language in languages() if language in FONTS and font_for(language) is None]


def figure_language(name: str) -> str:
    """The language a kept figure is drawn in: `activations.fr` -> `fr`, `activations` -> the default one."""
    stem, _, suffix = name.rpartition(".")
    return suffix if stem and suffix in languages() else languages()[0]


def missing_font(language: str) -> str | None:
    """Why figures in `language` cannot be drawn as committed (no font for its script), None when they can."""
    wanted = FONTS.get(language)
    if wanted and font_for(language) is None:
        return f"no font for {language} figures in matplotlib (one of {', '.join(wanted)})"
    return None


@contextmanager
def translated(figure, language: str, strings: dict | None = None):
    """`figure` with its texts in `language` while the block runs, then as it was."""
    import matplotlib
    from matplotlib.text import Text

    strings = table().get(figure.get_label(), {}) if strings is None else strings
    changed = []
    for text in figure.findobj(Text):
        english = text.get_text()
        if language in strings.get(english, {}):
            changed.append((text, english))
            text.set_text(strings[english][language])
    fonts = FONTS.get(language)
    style = {"font.sans-serif": fonts + matplotlib.rcParams["font.sans-serif"]} if fonts else {}
    axes = [axis for ax in figure.axes for axis in (ax.xaxis, ax.yaxis)] if language in DECIMAL_COMMA else []
    formatters = [axis.get_major_formatter() for axis in axes]
    for axis, formatter in zip(axes, formatters):
        axis.set_major_formatter(_with_decimal_comma(formatter))
    try:
        with matplotlib.rc_context(style):  # fonts are looked up when the figure is drawn
            yield figure
    finally:
        for text, english in changed:
            text.set_text(english)
        for axis, formatter in zip(axes, formatters):
            axis.set_major_formatter(formatter)


def _decimal_comma(label: str) -> str:
    return label.replace(".", ",")


def _with_decimal_comma(inner):
    """A tick formatter that writes what `inner` writes, with a decimal comma (2,5 rather than 2.5)."""
    from matplotlib.ticker import Formatter

    class DecimalComma(Formatter):
        def set_axis(self, axis):
            super().set_axis(axis)
            inner.set_axis(axis)

        def set_locs(self, locs):
            inner.set_locs(locs)

        def __call__(self, x, pos=None):
            return _decimal_comma(inner(x, pos))

        def format_ticks(self, values):
            return [_decimal_comma(label) for label in inner.format_ticks(values)]

        def get_offset(self):
            return _decimal_comma(inner.get_offset())

    return DecimalComma()


def missing(strings: dict, drawn: list[str], language: str) -> list[str]:
    """The `drawn` strings of a figure that need a translation into `language` and have none in `strings`."""
    return [text for text in dict.fromkeys(drawn)
            if needs_translation(text) and language not in strings.get(text, {})]
