"""Code and outputs no wider than the page's column, checked in the sources: each line too wide is named by
the file and line it comes from, a snippet's or an output's under snippets/, or the page's own.

The browser check (every_page.OVERFLOWING_CODE, at browser.VIEWPORT) measures the built pages and stays as
the backstop; it can name the page only.
"""

import re
import textwrap
import unicodedata
from pathlib import Path

from coursekit.pages import comments
from coursekit.pages.includes import SECTION_MARKER
from coursekit.pages.model import INCLUDE, Page
from coursekit.project import ROOT, SNIPPETS, NotUTF8, language_of, read_text, shown

# Characters a line of code may hold: a block at the browser check's 1280 px holds 80, one in an admonition,
# in its smaller type, 97; two are left for a reader's scroll bar.
COLUMN = 78
ADMONITION_COLUMN = 95
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s")


def too_wide(page: Path | str) -> list[str]:
    """`file:line: why` for each line a fenced block of `page` shows that is wider than its column; the scripts'
    comments as the page's language shows them."""
    try:
        language = language_of(page)
    except ValueError:  # a page outside docs/: the scripts as written
        language = None
    try:
        page = Page(page)
        return [problem for fence in page.fences for problem in _too_wide(page, fence, language)]
    except NotUTF8 as error:  # it names the file and line
        return [str(error)]


def _too_wide(page: Page, fence, language: str | None) -> list[str]:
    column = ADMONITION_COLUMN if _in_admonition(page, fence.index) else COLUMN
    return [f"{where}:{number}: {_width(text)} characters wide{_in(language) if translated else ''}; the page's "
            f"code column holds {column} here: break the line"
            for where, number, text, translated in _shown_lines(page, fence, language) if _width(text) > column]


def _in(language: str) -> str:
    return f" in its '{language}' comment ({comments.TABLE.relative_to(ROOT)})"


def _width(text: str) -> int:
    """Characters of code `text` is as wide as: a Chinese character is about two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _shown_lines(page: Page, fence, language: str | None) -> list[tuple[str, int, str, bool]]:
    """(file, line, text, whether a translated comment changed it) of each line the fence shows: its own, or
    those of the files it includes."""
    found = []
    for offset, text in enumerate(fence.body.split("\n") if fence.body else []):
        if m := INCLUDE.match(text):
            found += _included_lines(m["path"], m["section"], language)
        else:
            found.append((page.name, fence.line + 1 + offset, text.removeprefix(fence.indent), False))
    return found


def _included_lines(path: str, section: str | None, language: str | None) -> list[tuple[str, int, str, bool]]:
    """What pymdownx.snippets shows of a file: its section (dedented) or all of it, without section markers; a
    script's comments in `language`."""
    file = SNIPPETS / path
    text = read_text(file)
    english = text.split("\n")
    numbered = (comments.translated_lines(text, language) if language and file.suffix == ".py"
                else list(enumerate(english, start=1)))
    if text.endswith("\n"):
        numbered = numbered[:-1]
    lines, inside = [], section is None
    for number, text in numbered:
        marker = SECTION_MARKER.match(text)
        if marker and marker["name"] == section:
            inside = marker["edge"] == "start"
        elif inside and not marker:
            lines.append((number, text))
    dedented = textwrap.dedent("\n".join(text for _, text in lines)).split("\n") if lines else []
    return [(shown(file), number, text, text.strip() != english[number - 1].strip())
            for (number, _), text in zip(lines, dedented)]


def _in_admonition(page: Page, index: int) -> bool:
    """Whether the fence at `index` is in an admonition: the nearest less indented line above opens one."""
    indent = len(page.lines[index]) - len(page.lines[index].lstrip())
    for text in reversed(page.lines[:index]):
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            return bool(ADMONITION.match(text))
    return False
