"""LaTeX to MathML at build time (latex2mathml), so pages need no math JavaScript and no CDN."""

import html
import re
from functools import cache

from latex2mathml.converter import convert

from coursekit.pages.model import FORMULA
from coursekit.site.typography import COPIED

ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)
DELIMITERS = re.compile(r"^\s*(\\\(|\\\[)(?P<tex>.*?)(\\\)|\\\])\s*$", re.DOTALL)
# Notebook Markdown cells keep Jupyter's $...$ and $$...$$ (mkdocs-jupyter 0.26) or come wrapped as
# arithmatex's (0.27), found as on the chapter page their text comes from; code, preformatted text and what a
# notebook cell's copy button copies are left alone.
VERBATIM = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>|<style\b.*?</style>"
                      rf"|{COPIED.pattern})", re.DOTALL)


class MathError(ValueError):
    pass


@cache  # the same formulas come in every language, and again at each rebuild of `mkdocs serve`
def to_mathml(tex: str, display: bool) -> str:
    try:
        return convert(tex.strip(), display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises several kinds
        raise MathError(f"cannot convert formula {tex.strip()!r}: {error}") from error


def convert_arithmatex(page_html: str) -> str:
    """Replace pymdownx.arithmatex's generic output (\\(..\\), \\[..\\]) with MathML."""

    def replace(match: re.Match) -> str:
        inner = DELIMITERS.match(html.unescape(match["tex"]))
        tex = inner["tex"] if inner else html.unescape(match["tex"])
        return to_mathml(tex, display=match["tag"] == "div")

    return ARITHMATEX.sub(replace, page_html)


def convert_dollars(page_html: str) -> str:
    """Replace $...$ and $$...$$ outside code, and arithmatex's wrappers, with MathML (notebook pages)."""
    parts = VERBATIM.split(page_html)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = FORMULA.sub(
            lambda m: to_mathml(html.unescape(m["block"] or m["inline"]), display=m["block"] is not None),
            parts[i],
        )
    return convert_arithmatex("".join(parts))
