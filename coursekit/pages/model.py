"""One model of a page's Markdown: front matter, fences typed as code, output or other, the test markers
above them, headings and their ids, includes, formulas and links, each with its page line.

Every module that reads a page asks it: the tests that run the code, the outputs and their freshness, the
notebooks, the translation checks, the math font. A question about a page has one answer.
"""

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from coursekit.project import FRONT_MATTER, decoded, front_matter, shown

FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})\s*(?P<info>.*)$")
# A test marker: `<!--pytest-codeblocks:cont-->`, `<!--pytest-codeblocks:expected-output-->`,
# `<!--pytest.mark.timeout(30)-->`...
MARKER = re.compile(r"^\s*<!--[-\s]*pytest(?:-codeblocks:(?P<keyword>.*?)|\.(?P<mark>mark\..*?))[-\s]*-->\s*$")
HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*$")
# The id of a heading's attribute list, wherever it stands in the list: `{ #id }`, `{ .x #id }`.
HEADING_ID = re.compile(r"\{[^}]*#(?P<id>[\w.:-]+)[^}]*\}\s*$")
ATTR_LIST = re.compile(r"\s*\{[^}]*\}\s*$")
INCLUDE = re.compile(r'^(?P<indent>\s*)--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"')
CODE_SPAN = re.compile(r"(`+)[^`\n].*?\1")
# `$$...$$` blocks, then inline `$...$` that neither starts nor ends with a space (arithmatex's rule).
FORMULA = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\$)",
                     re.DOTALL)
IMAGE = re.compile(r"!\[(?P<text>(?:[^\]\\]|\\.)*)\]\(\s*<?(?P<target>[^)\s>]+)")
# A link, through its closing parenthesis (a title may follow the target).
LINK = re.compile(r"(?<!!)\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\(\s*<?(?P<target>[^)\s>]+)[^)]*\)")
EXTERNAL = re.compile(r"(?i)^(?:https?:|mailto:)")


@dataclass(frozen=True)
class Line:
    text: str
    origin: int  # 1-based line of the page this text comes from (an include's lines share its line)


@dataclass(frozen=True)
class Fence:
    index: int   # position of the opening fence in the lines read
    line: int    # page line of the opening fence
    end: int     # position of the closing fence (of the last line when it is not closed)
    indent: str
    info: str
    body: str
    markers: tuple[str, ...] = ()  # the test markers right above it, as keywords ("cont", "expected-output")
    head: int = None  # position of the first of those markers (its own when it has none)

    @property
    def language(self) -> str:
        """`python title="a.py"` -> `python`, `{.py .x}` -> `py`, no info string -> ``."""
        info = self.info.strip()
        if info.startswith("{"):
            classes = re.findall(r"\.([\w+-]+)", info)
            return classes[0] if classes else ""
        return re.split(r"[\s{]", info, maxsplit=1)[0] if info else ""

    @property
    def kind(self) -> str:
        """`output`: what the code above prints (an expected-output marker); else `code`."""
        return "output" if any(m.startswith("expected-output") for m in self.markers) else "code"

    @property
    def continues(self) -> bool:
        """`<!--pytest-codeblocks:cont-->`: runs after the block before it, in its namespace."""
        return "cont" in self.markers

    @property
    def title(self) -> str | None:
        m = re.search(r'title="(?P<title>[^"]*)"', self.info)
        return m["title"] if m else None

    @property
    def include(self) -> "Include | None":
        """The one include that makes up the body, if that is all it holds."""
        m = INCLUDE.match(self.body.strip()) if "\n" not in self.body.strip() else None
        return Include(self.line + 1, m["path"], m["section"]) if m else None


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    title: str  # without its attribute list
    id: str | None


@dataclass(frozen=True)
class Include:
    line: int
    path: str  # relative to the include base (snippets/)
    section: str | None


@dataclass(frozen=True)
class Formula:
    line: int
    tex: str
    display: bool


@dataclass(frozen=True)
class Link:
    line: int
    text: str
    target: str
    image: bool = False

    @property
    def external(self) -> bool:
        return bool(EXTERNAL.match(self.target))


def fences(lines: list[Line]) -> list[Fence]:
    """Every fenced block of `lines`, in order, with the test markers right above each."""
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i].text)
        if not m:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and not lines[i].text.strip().startswith(m["ticks"]):
            i += 1
        body = "\n".join(line.text for line in lines[start + 1:i])
        markers, head = _markers_above(lines, start)
        found.append(Fence(start, lines[start].origin, min(i, len(lines) - 1), m["indent"], m["info"], body,
                           markers, head))
        i += 1
    return found


def marker(text: str) -> str | None:
    """The keyword of a test marker line (`cont`, `expected-output`, `mark.timeout(30)`); None for other lines."""
    m = MARKER.match(text)
    return (m["keyword"] if m["keyword"] is not None else m["mark"]).strip() if m else None


def _markers_above(lines: list[Line], index: int) -> tuple[tuple[str, ...], int]:
    """The test markers right above the fence at `index` (blank lines between allowed), and where they start."""
    markers, head, j = [], index, index - 1
    while j >= 0 and (not lines[j].text.strip() or MARKER.match(lines[j].text)):
        if (keyword := marker(lines[j].text)) is not None:
            markers.append(keyword)
            head = j
        j -= 1
    return tuple(reversed(markers)), head


def includes(lines) -> list[Include]:
    """The `--8<--` includes of `lines` (a page's, or its Markdown's `splitlines()`), in order."""
    return [Include(number, m["path"], m["section"]) for number, text in enumerate(lines, start=1)
            if (m := INCLUDE.match(text))]


def blank(match: re.Match) -> str:
    """Spaces in place of a match, its newlines kept: offsets and line numbers stay true."""
    return re.sub(r"[^\n]", " ", match[0])


@dataclass
class Page:
    """A Markdown page, read once, parsed on demand. `text`, when given, is its Markdown (a hook's, or a
    test's); `name` is how messages name the page (its path from the repository root by default)."""
    path: Path
    text: str = field(default=None, repr=False)
    name: str = None

    def __post_init__(self):
        self.path = Path(self.path)
        self.name = str(self.name or shown(self.path))
        if self.text is None:
            self.text = decoded(self.path.read_bytes(), self.name).replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.text.splitlines()
        front = FRONT_MATTER.match(self.text)
        self.front_matter_text = (front["yaml"] or "") if front else None
        self.body_start = front.group(0).count("\n") if front else 0  # index of the first line after it

    @cached_property
    def meta(self) -> dict:
        """The front matter; FrontMatterError names the page and line when it does not parse."""
        return front_matter(self.name, self.text)

    @cached_property
    def body_lines(self) -> list[Line]:
        """The page's lines, the front matter blanked, each with its page line."""
        return [Line("" if i < self.body_start else text, i + 1) for i, text in enumerate(self.lines)]

    @cached_property
    def fences(self) -> list[Fence]:
        return fences(self.body_lines)

    @cached_property
    def prose(self) -> str:
        """The page with front matter, fenced blocks and inline code blanked, each line at its own number."""
        lines = [CODE_SPAN.sub(blank, text) for text in self.lines]
        for i in range(self.body_start):
            lines[i] = ""
        for fence in self.fences:
            lines[fence.index:fence.end + 1] = [""] * (fence.end + 1 - fence.index)
        return "\n".join(lines)

    def line_at(self, offset: int) -> int:
        """The page line of an offset into `prose`."""
        return bisect.bisect_right(self._line_starts, offset)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.prose)]

    @cached_property
    def headings(self) -> list[Heading]:
        found = []
        for number, text in enumerate(self.prose.split("\n"), start=1):
            if m := HEADING.match(text):
                anchor = HEADING_ID.search(m["title"])
                found.append(Heading(number, len(m["hashes"]), ATTR_LIST.sub("", m["title"]),
                                     anchor["id"] if anchor else None))
        return found

    @cached_property
    def includes(self) -> list[Include]:
        """Every `--8<--` include, in code blocks or not."""
        return includes(line.text for line in self.body_lines)

    @cached_property
    def formulas(self) -> list[Formula]:
        """Formulas of the prose: never in code."""
        return [Formula(self.line_at(m.start()), m["block"].strip() if m["block"] else m["inline"], bool(m["block"]))
                for m in FORMULA.finditer(self.prose)]

    @cached_property
    def links(self) -> list[Link]:
        """Links and images of the prose, in page order."""
        found = [Link(self.line_at(m.start()), m["text"], m["target"], image=True) for m in IMAGE.finditer(self.prose)]
        found += [Link(self.line_at(m.start()), m["text"], m["target"]) for m in LINK.finditer(self.prose)]
        return sorted(found, key=lambda link: link.line)

    def heading_line(self, heading_id: str) -> int | None:
        return next((h.line for h in self.headings if h.id == heading_id), None)
