"""Code and outputs no wider than the page's column, checked in the sources: each line too wide is named by
the file and line it comes from, a snippet's or an output's under snippets/, or the page's own.

The browser check (every_page.OVERFLOWING_CODE, at browser.VIEWPORT) measures the built pages and stays as
the backstop; it can name the page only.
"""

import re
import textwrap
import unicodedata
from pathlib import Path

from coursekit.pages.includes import SECTION_MARKER
from coursekit.pages.model import INCLUDE, Page
from coursekit.project import SNIPPETS, NotUTF8, read_text, shown

# Characters a line of code may hold: a block at the browser check's 1280 px holds 80, one in an admonition,
# in its smaller type, 97; two are left for a reader's scroll bar.
COLUMN = 78
ADMONITION_COLUMN = 95
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s")


def too_wide(page: Path | str) -> list[str]:
    """`file:line: why` for each line a fenced block of `page` shows that is wider than its column."""
    try:
        page = Page(page)
        return [problem for fence in page.fences for problem in _too_wide(page, fence)]
    except NotUTF8 as error:  # it names the file and line
        return [str(error)]


def _too_wide(page: Page, fence) -> list[str]:
    column = ADMONITION_COLUMN if _in_admonition(page, fence.index) else COLUMN
    return [f"{where}:{number}: {_width(text)} characters wide; the page's code column holds {column} here: "
            "break the line" for where, number, text in _shown_lines(page, fence) if _width(text) > column]


def _width(text: str) -> int:
    """Characters of code `text` is as wide as: a Chinese character is about two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _shown_lines(page: Page, fence) -> list[tuple[str, int, str]]:
    """(file, line, text) of each line the fence shows: its own, or those of the files it includes."""
    found = []
    for offset, text in enumerate(fence.body.split("\n") if fence.body else []):
        if m := INCLUDE.match(text):
            found += _included_lines(m["path"], m["section"])
        else:
            found.append((page.name, fence.line + 1 + offset, text.removeprefix(fence.indent)))
    return found


def _included_lines(path: str, section: str | None) -> list[tuple[str, int, str]]:
    """What pymdownx.snippets shows of a file: its section (dedented) or all of it, without section markers."""
    file = SNIPPETS / path
    lines, inside = [], section is None
    for number, text in enumerate(read_text(file).splitlines(), start=1):
        marker = SECTION_MARKER.match(text)
        if marker and marker["name"] == section:
            inside = marker["edge"] == "start"
        elif inside and not marker:
            lines.append((number, text))
    dedented = textwrap.dedent("\n".join(text for _, text in lines)).split("\n") if lines else []
    return [(shown(file), number, text) for (number, _), text in zip(lines, dedented)]


def _in_admonition(page: Page, index: int) -> bool:
    """Whether the fence at `index` is in an admonition: the nearest less indented line above opens one."""
    indent = len(page.lines[index]) - len(page.lines[index].lstrip())
    for text in reversed(page.lines[:index]):
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            return bool(ADMONITION.match(text))
    return False
