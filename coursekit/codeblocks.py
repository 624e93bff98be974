"""Code blocks of a page, read with pytest-codeblocks' own parser after include expansion.

Closes pytest-codeblocks 0.18's traps: includes are expanded first; Python fences with other info strings
(`py`, `python title="x.py"`, `python hl_lines="2"`, `{.python}`) are normalised to `python` so they run;
`cont` links a block to the one before it without merging them, so each keeps its own output.
"""

import io
import re
from dataclasses import dataclass
from pathlib import Path

from pytest_codeblocks import CodeBlock, extract_from_buffer

from .includes import Line, expand_file

FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})\s*(?P<info>.*)$")
MARKER = re.compile(r"^\s*<!--[-\s]*pytest-codeblocks:(?P<keyword>.*?)[-\s]*-->\s*$")
PYTHON_LANGS = {"python", "py", "python3", "py3"}
UNRUNNABLE_PYTHON_LANGS = {"pycon", "ipython", "ipython3"}
RUNNABLE = {"python", "sh", "bash"}
PYTHON_HINTS = re.compile(r"^\s*(import \w|from \w+ import|def \w+\(|print\()", re.MULTILINE)


@dataclass
class Fence:
    index: int  # position in the expanded lines
    line: int   # page line of the opening fence
    info: str
    body: str


@dataclass
class PageBlock:
    page: Path
    line: int            # page line of the opening fence
    block: CodeBlock     # code, syntax, expected output, marks, importorskip, as pytest-codeblocks reads them
    continues: bool      # `<!--pytest-codeblocks:cont-->`: runs after the block before it, in its namespace

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def language(info: str) -> str:
    """The language of a fence info string: `python title="a.py"` -> `python`, `{.py .x}` -> `py`."""
    info = info.strip()
    if info.startswith("{"):
        classes = re.findall(r"\.([\w+-]+)", info)
        return classes[0] if classes else ""
    return re.split(r"[\s{]", info, maxsplit=1)[0] if info else ""


def fences(lines: list[Line]) -> list[Fence]:
    """Every fenced block of the expanded page, in order."""
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i].text)
        if not m:
            i += 1
            continue
        ticks, start = m["ticks"], i
        i += 1
        while i < len(lines) and not lines[i].text.strip().startswith(ticks):
            i += 1
        body = "\n".join(line.text for line in lines[start + 1:i])
        found.append(Fence(start, lines[start].origin, m["info"], body))
        i += 1
    return found


def collect(page: Path, lines: list[Line] | None = None) -> list[PageBlock]:
    """The runnable blocks of `page`: `python`, `sh` and `bash` fences, in page order.

    `lines` are the page's expanded lines when the caller has them already.
    """
    lines = lines if lines is not None else expand_file(page)
    texts = [line.text for line in lines]
    continued = set()  # expanded indexes of fences preceded by a cont marker
    pending_cont = False
    fence_at = {fence.index: fence for fence in fences(lines)}
    for i, text in enumerate(texts):
        marker = MARKER.match(text)
        if marker and marker["keyword"].strip() == "cont":
            texts[i], pending_cont = "", True
        elif i in fence_at:
            fence = fence_at[i]
            if language(fence.info) in PYTHON_LANGS:
                texts[i] = text[: len(text) - len(text.lstrip())] + text.lstrip()[: _ticks(text)] + "python"
            if pending_cont:
                continued.add(i)
                pending_cont = False
    try:
        blocks = extract_from_buffer(io.StringIO("\n".join(texts) + "\n"))
    except RuntimeError as error:
        raise RuntimeError(f"{page}: {error}") from error
    out = []
    for block in blocks:
        if block.syntax not in RUNNABLE:
            continue
        index = block.lineno - 1
        out.append(PageBlock(Path(page), lines[index].origin, block, index in continued))
    return out


def _ticks(text: str) -> int:
    stripped = text.lstrip()
    return len(stripped) - len(stripped.lstrip(stripped[0]))


def unexecuted_python(page: Path) -> list[str]:
    """Fences of `page` that look like Python but would not run, each as `page:line: why`."""
    lines = expand_file(page)
    executed = {block.line for block in collect(page, lines)}
    problems = []
    all_fences = fences(lines)
    outputs = _output_fences(lines, all_fences)
    for fence in all_fences:
        if fence.line in executed or fence.index in outputs:
            continue
        lang = language(fence.info)
        if lang in PYTHON_LANGS or lang in UNRUNNABLE_PYTHON_LANGS:
            problems.append(f"{page}:{fence.line}: fence `{fence.info}` looks like Python but is not executed")
        elif not lang and PYTHON_HINTS.search(fence.body):
            problems.append(f"{page}:{fence.line}: fence without a language holds Python; tag it `python`")
    return problems


def _output_fences(lines: list[Line], all_fences: list[Fence]) -> set[int]:
    """Indexes of fences that show an expected output (they follow an expected-output marker)."""
    out = set()
    for fence in all_fences:
        j = fence.index - 1
        while j >= 0 and not lines[j].text.strip():
            j -= 1
        if j >= 0 and (m := MARKER.match(lines[j].text)) and m["keyword"].strip().startswith("expected-output"):
            out.add(fence.index)
    return out
