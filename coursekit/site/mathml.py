"""LaTeX to MathML at build time (latex2mathml), so pages need no math JavaScript and no CDN."""

import html
import re
from functools import cache
from pathlib import Path

from latex2mathml.converter import convert

from coursekit.pages.model import FORMULA, Page
from coursekit.site.html_parts import TAG
from coursekit.site.typography import COPIED

ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)
DELIMITERS = re.compile(r"^\s*(\\\(|\\\[)(?P<tex>.*?)(\\\)|\\\])\s*$", re.DOTALL)
# Notebook Markdown cells keep Jupyter's $...$ and $$...$$ (mkdocs-jupyter 0.26) or come wrapped as
# arithmatex's (0.27), found as on the chapter page their text comes from; code, preformatted text and what a
# notebook cell's copy button copies are left alone.
VERBATIM = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>|<style\b.*?</style>"
                      rf"|{COPIED.pattern})", re.DOTALL)


# latex2mathml writes a command it does not know as text (`<mi>\\sigam</mi>`): no MathML it makes has one.
UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
# Its errors carry no message; their class names say what is wrong, these two not plainly enough.
REASONS = {"MissingSuperScriptOrSubscriptError": "a ^ or _ with nothing after it",
           "NoAvailableTokensError": "it ends where an argument or a closing brace is due"}


class MathError(ValueError):
    """A formula that does not convert, or converts with a command left as text; `tex` is the formula."""

    def __init__(self, message: str, tex: str):
        super().__init__(message)
        self.tex = tex


@cache  # the same formulas come in every language, and again at each rebuild of `mkdocs serve`
def to_mathml(tex: str, display: bool) -> str:
    tex = tex.strip()
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises several kinds
        raise MathError(f"cannot convert formula '{tex}': {_reason(error)}", tex) from error
    if unknown := UNKNOWN_COMMAND.search(mathml):
        raise MathError(f"formula '{tex}': unknown command {unknown[0]}: check its spelling", tex)
    return without_lone_rows(mathml)


# Elements that lay out their children as one row (MathML Core's inferred mrow): an mrow that is their only
# child adds nothing, whatever it holds.
ROWS = {"math", "mrow", "mstyle", "merror", "mpadded", "mphantom", "msqrt", "menclose", "mtd"}
LONE_ROW = "<mrow>"  # with attributes, an mrow is kept


def without_lone_rows(mathml: str) -> str:
    """latex2mathml wraps the formula and each argument in an `mrow`, most of them around one element: a
    chapter page's formulas are a third of its elements. An mrow with one child is laid out as that child
    (an embellished operator's form included), and one that is the only child of a row is that row: both go.
    An mrow that groups several children as one argument (a fraction's numerator, a script) stays, and so
    does an empty one, which holds an argument's place. The text and every other tag stay as written."""
    root = _tree(mathml)
    return "".join(_written(root)) if root is not None else mathml


class _Element:
    def __init__(self, start: str, name: str):
        self.start, self.name, self.children, self.end = start, name, [], ""


def _tree(mathml: str) -> "_Element | None":
    """The fragment's elements (text kept as strings), or None where its tags do not nest."""
    top, stack, at = _Element("", ""), [], 0
    stack.append(top)
    for tag in TAG.finditer(mathml):
        if tag.start() > at:
            stack[-1].children.append(mathml[at:tag.start()])
        at = tag.end()
        name = re.match(r"</?([\w:-]+)", tag[0])
        if name is None:  # a comment or a declaration: kept as text
            stack[-1].children.append(tag[0])
        elif tag[0].startswith("</"):
            if stack[-1].name != name[1] or len(stack) == 1:
                return None
            stack.pop().end = tag[0]
        else:
            element = _Element(tag[0], name[1])
            stack[-1].children.append(element)
            if not tag[0].endswith("/>"):
                stack.append(element)
    if len(stack) != 1:
        return None
    top.children.append(mathml[at:])
    _lean(top)
    return top


def _lean(element: _Element) -> None:
    for child in element.children:
        if isinstance(child, _Element):
            _lean(child)
    lean, alone = [], len(_content(element)) == 1
    for child in element.children:
        if isinstance(child, _Element) and child.start == LONE_ROW and child.end:
            inside = _content(child)
            if len(inside) == 1 and isinstance(inside[0], _Element) or element.name in ROWS and alone:
                lean += child.children
                continue
        lean.append(child)
    element.children = lean


def _content(element: _Element) -> list:
    """Its children but the white space between them, which MathML ignores."""
    return [child for child in element.children if not (isinstance(child, str) and not child.strip())]


def _written(element: _Element):
    yield element.start
    for child in element.children:
        yield from ([child] if isinstance(child, str) else _written(child))
    yield element.end


def _reason(error: Exception) -> str:
    name = type(error).__name__
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.removesuffix("Error")).lower()
    return str(error) or REASONS.get(name, words)


def located(error: MathError, page: Path | str) -> str:
    """`page:line: why`: the HTML has no line, the page's Markdown has the formula's."""
    page = Page(page)
    line = next((formula.line for formula in page.formulas if formula.tex.strip() == error.tex), None)
    return f"{page.name}:{line}: {error}" if line else f"{page.name}: {error}"


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
