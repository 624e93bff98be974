"""nbconvert's exports in less than half the time, the same pages: what a notebook page's render spends on
work that does not change the page, left out.

- nbconvert 7 ends each HTML export by parsing the whole page with BeautifulSoup, to give images without a
  description a stand-in `alt` and make cells and outputs focusable (`tabindex="0"`), then writing the tree
  back out: about half of a render. Here the same attributes go into the page as written, found by the
  standard library's tokenizer: the same document, but for the whitespace between tags, which BeautifulSoup
  would have tidied (tests/test_notebook_renders.py compares the two).
- Each export makes a Jinja environment of its own, which compiles nbconvert's templates again: here they
  are compiled once per process (the site's own cache of compiled templates).
"""

import re
from contextlib import contextmanager
from html.parser import HTMLParser

NO_ALT = "No description has been provided for this image"  # nbconvert's stand-in
FOCUSABLE = ("jp-Cell-inputWrapper", "jp-OutputArea-output")  # divs focusable inside a `jp-Notebook`
# One attribute of a start tag, its value whole: read one after another, a value is never read as a name.
ATTRIBUTE = re.compile(r"""\s+(?P<name>[^\s/>"'=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


@contextmanager
def faster_exports():
    """Exports made meanwhile, in this process, get `with_access_marks` instead of nbconvert's BeautifulSoup
    pass, and templates compiled once."""
    from unittest import mock

    from nbconvert.exporters import html
    from nbconvert.exporters.templateexporter import TemplateExporter

    from coursekit.site import jinja_cache

    create = TemplateExporter._create_environment

    def with_compiled_templates(exporter):
        environment = create(exporter)
        jinja_cache.use(environment)
        return environment

    with (mock.patch.object(html, "BeautifulSoup", _AsWritten),
          mock.patch.object(TemplateExporter, "_create_environment", with_compiled_templates)):
        yield


class _AsWritten:
    """Stands in for BeautifulSoup in nbconvert's HTML exporter: selects nothing, and gives back the page as
    written with the attributes the exporter would have set."""

    def __init__(self, html: str, features=None):
        self.html = html

    def select(self, selector):
        return []

    def __str__(self):
        return with_access_marks(self.html)


def with_access_marks(html: str) -> str:
    """`html` with nbconvert's accessibility attributes: `alt` on each image that has none, `tabindex="0"` on
    each cell input and output inside the notebook (nbconvert's selectors `img:not([alt])`,
    `.jp-Notebook div.jp-Cell-inputWrapper`, `.jp-Notebook div.jp-OutputArea-output`)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    lines = [0]
    lines += [match.end() for match in re.finditer("\n", html)]
    pieces, at = [], 0
    for (line, column), tag, name, value in finder.marks:
        start = lines[line - 1] + column
        pieces += [html[at:start], _set_attribute(tag, name, value)]
        at = start + len(tag)
    return "".join(pieces) + html[at:]


def _set_attribute(tag: str, name: str, value: str) -> str:
    """A start tag's text with `name="value"`: in place of its value if it has one, else last (as a parsed
    tree's attribute set anew, or added, is written)."""
    for attribute in ATTRIBUTE.finditer(tag, re.match(r"<[^\s/>]+", tag).end()):
        if attribute["name"].lower() == name:
            return f'{tag[:attribute.start()]} {name}="{value}"{tag[attribute.end():]}'
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'


class _Finder(HTMLParser):
    """The start tags to mark, with where they are, nesting elements as BeautifulSoup's html.parser tree
    does: an empty element (`img`, `br`...) holds nothing, an end tag closes the latest open element of its
    name."""

    def __init__(self):
        from bs4.builder import HTMLTreeBuilder

        super().__init__(convert_charrefs=False)
        self.empty = HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS
        self.open: list[tuple[str, bool]] = []  # (tag, whether it has the class jp-Notebook)
        self.marks: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        text = self.get_starttag_text()
        if tag == "img" and "alt" not in attributes:
            self.marks.append((self.getpos(), text, "alt", NO_ALT))
        elif tag == "div" and set(classes) & set(FOCUSABLE) and any(notebook for _, notebook in self.open):
            self.marks.append((self.getpos(), text, "tabindex", "0"))
        if tag not in self.empty:
            self.open.append((tag, "jp-Notebook" in classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.empty:
            self.open.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return
