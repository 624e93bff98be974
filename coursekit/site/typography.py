"""Typographic spacing of a language, applied to the built HTML so that writers type ordinary spaces.

French: a narrow no-break space (U+202F) before ; ! ? and inside « », a no-break space (U+00A0) before :
and between a number and its unit or %, a narrow no-break space between groups of thousands, and the
typographic apostrophe (U+2019) for the straight one between two letters (l'image, aujourd'hui). Code,
formulas, scripts, styles and the code a notebook cell copies are left as they are, and so are tags and
their attributes (URLs included).
"""

import re

from coursekit.site.html_parts import regions, rewrite_text

NBSP, NNBSP, APOSTROPHE = "\u00a0", "\u202f", "\u2019"
VERBATIM = {"code", "pre", "kbd", "samp", "math", "script", "style", "svg", "textarea"}
# The text a notebook cell's copy button copies: mkdocs-jupyter's hidden copy of the cell's source, in a div
# with no element inside, its attributes in any order.
COPIED = re.compile(r'<div\b[^>]*\bclass="clipboard-copy-txt"[^>]*>.*?</div>', re.DOTALL)
UNITS = r"%|‰|°C|ms|min|s|h|px|pt|[kKMG]o|[kKMG]B|Go|Mo|Ko"

FRENCH = [
    (re.compile(r"[ \u00a0\u202f]+(?=[;!?])"), NNBSP),
    (re.compile(r"[ \u00a0\u202f]+(?=:)"), NBSP),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NNBSP + "»"),
    (re.compile(rf"(?<=\d) (?=(?:{UNITS})(?![\w]))"), NBSP),
    # 10 000, 1 234 567: groups of three digits after a space, not part of a longer number
    (re.compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?![\d.,]?\d)"),
     lambda m: m[1] + m[2].replace(" ", NNBSP)),
    (re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])"), APOSTROPHE),
]
RULES = {"fr": FRENCH}


def apply(html: str, language: str) -> str:
    """`html` with the spacing rules of `language` applied to its text (no rules: unchanged)."""
    rules = RULES.get(language)
    if not rules:
        return html
    parts = re.split(f"({COPIED.pattern})", html, flags=re.DOTALL)  # odd parts: what a notebook cell copies
    return "".join(part if i % 2 else _apply(part, rules) for i, part in enumerate(parts))


def _apply(html: str, rules) -> str:
    return "".join(part if inside else rewrite_text(part, lambda text: _space(text, rules))
                   for part, inside in regions(html, VERBATIM))


def _space(text: str, rules) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text
