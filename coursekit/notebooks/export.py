"""nbconvert's exports in less than half the time, the same pages: what a notebook page's render spends on
work that does not change the page, left out.

- nbconvert 7 ends each HTML export by parsing the whole page with BeautifulSoup, to give images without a
  description a stand-in `alt` and make cells and outputs focusable (`tabindex="0"`), then writing the tree
  back out: about half of a render. Here the page as written gets the same attributes, and its text the
  characters BeautifulSoup writes where the template wrote references (`&#233;` in a heading: the site's
  typography and formulas read characters), found by the standard library's tokenizer. It is the same
  document (tests/test_notebook_renders.py compares the two, and what the site makes of each); the
  whitespace between tags and the order of attributes stay as the template wrote them.
- Each export makes a Jinja environment of its own, which compiles nbconvert's templates again: here each
  kind of exporter compiles them once per process (the site's cache of compiled templates).

What this relies on in nbconvert, BeautifulSoup and html.parser is listed in coursekit/upstream.py.
"""

import re
from contextlib import contextmanager
from html.parser import HTMLParser

from coursekit import upstream

NO_ALT = "No description has been provided for this image"  # nbconvert's stand-in
FOCUSABLE = ("jp-Cell-inputWrapper", "jp-OutputArea-output")  # divs focusable inside a `jp-Notebook`
REFERENCE = re.compile(r"&(?:#(?:[0-9]+|[xX][0-9a-fA-F]+)|[a-zA-Z][-.a-zA-Z0-9]*);?")
_TEMPLATE_CACHES = {}  # (exporter class, async): compiled code depends on the environment's settings


@contextmanager
def faster_exports():
    """Exports made meanwhile, in this process, get `finish_export` instead of nbconvert's BeautifulSoup pass,
    and templates compiled once for each kind of exporter."""
    from pkgutil import resolve_name
    from unittest import mock

    from coursekit.site import jinja_cache

    create = resolve_name(upstream.NBCONVERT_ENVIRONMENT)

    def with_compiled_templates(exporter):
        environment = create(exporter)
        kind = (type(exporter), exporter.enable_async)
        jinja_cache.use(environment, _TEMPLATE_CACHES.setdefault(kind, jinja_cache.in_memory()))
        return environment

    with (mock.patch(upstream.NBCONVERT_SOUP, _AsWritten),
          mock.patch(upstream.NBCONVERT_ENVIRONMENT, with_compiled_templates)):
        yield


class _AsWritten:
    """Stands in for BeautifulSoup in nbconvert's HTML exporter: selects nothing, and gives back the page as
    written, finished as the exporter's pass would have finished it."""

    def __init__(self, html: str, features=None):
        self.html = html

    def select(self, selector):
        return []

    def __str__(self):
        return finish_export(self.html)


def finish_export(html: str) -> str:
    """`html` as nbconvert's last step leaves it: `alt` on each image that has none, `tabindex="0"` on each cell
    input and output inside the notebook (its selectors `img:not([alt])`, `.jp-Notebook
    div.jp-Cell-inputWrapper`, `.jp-Notebook div.jp-OutputArea-output`), and each character reference in text
    written as its character, as BeautifulSoup writes text (`&`, `<` and `>` stay escaped)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    lines = [0]
    lines += [match.end() for match in re.finditer("\n", html)]
    pieces, at = [], 0
    for (line, column), change in finder.changes:
        start = lines[line - 1] + column
        old, new = change(html, start)
        pieces += [html[at:start], new]
        at = start + len(old)
    return "".join(pieces) + html[at:]


def _set_attribute(name: str, value: str, tag: str, self_closing: bool):
    """A change to the start tag `tag`: `name="value"` in place of each value it has, else last (as a parsed
    tree's attribute, set anew or added, is written)."""
    tagfind_tolerant, attrfind_tolerant = upstream.html_tag_patterns()  # the tokenizer's own reading of a tag
    found, at = [], tagfind_tolerant.match(tag, 1).end()
    while (attribute := attrfind_tolerant.match(tag, at)) and attribute.end() > at:
        if attribute[1].lower() == name:
            found.append(attribute)
        at = attribute.end()
    new = tag
    for attribute in reversed(found):  # the name and its value, if any
        stop = attribute.end(2) if attribute[2] else attribute.end(1)
        new = f'{new[:attribute.start(1)]}{name}="{value}"{new[stop:]}'
    if not found:
        closing = 2 if self_closing else 1  # a slash the tokenizer read as part of a value stays there
        new = f'{tag[:-closing].rstrip()} {name}="{value}"{tag[-closing:]}'
    return lambda html, start: (tag, new)


def _as_character(html: str, start: int) -> tuple[str, str]:
    from html import unescape

    reference = REFERENCE.match(html, start)[0]
    character = unescape(reference)
    return reference, reference if set(character) & set("&<>") else character


class _Finder(HTMLParser):
    """The changes to make, with where they are, nesting elements as BeautifulSoup's html.parser tree does:
    an empty element (`img`, `br`...) holds nothing, an end tag closes the latest open element of its name;
    nbconvert's selectors do not look inside a `template`."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.empty = upstream.empty_elements()
        self.open: list[tuple[str, bool]] = []  # (tag, whether it has the class jp-Notebook)
        self.changes: list[tuple] = []
        self.self_closing = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        hidden = any(name == "template" for name, _ in self.open)
        text = self.get_starttag_text()
        if tag == "img" and "alt" not in attributes and not hidden:
            self.changes.append((self.getpos(), _set_attribute("alt", NO_ALT, text, self.self_closing)))
        elif (tag == "div" and set(classes) & set(FOCUSABLE) and not hidden
              and any(notebook for _, notebook in self.open)):
            self.changes.append((self.getpos(), _set_attribute("tabindex", "0", text, self.self_closing)))
        if tag not in self.empty:
            self.open.append((tag, "jp-Notebook" in classes))

    def handle_startendtag(self, tag, attrs):
        self.self_closing = True
        self.handle_starttag(tag, attrs)
        self.self_closing = False
        if tag not in self.empty:
            self.open.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_charref(self, name):
        self.changes.append((self.getpos(), _as_character))

    handle_entityref = handle_charref
