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

from coursekit.pages.includes import expand_file
from coursekit.pages.model import Line, fences, marker

PYTHON_LANGS = {"python", "py", "python3", "py3"}
UNRUNNABLE_PYTHON_LANGS = {"pycon", "ipython", "ipython3"}
RUNNABLE = {"python", "sh", "bash"}
PYTHON_HINTS = re.compile(r"^\s*(import \w|from \w+ import|def \w+\(|print\()", re.MULTILINE)


@dataclass
class PageBlock:
    page: Path
    line: int            # page line of the opening fence
    block: CodeBlock     # code, syntax, expected output, marks, importorskip, as pytest-codeblocks reads them
    continues: bool      # `<!--pytest-codeblocks:cont-->`: runs after the block before it, in its namespace

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def collect(page: Path, lines: list[Line] | None = None) -> list[PageBlock]:
    """The runnable blocks of `page`: `python`, `sh` and `bash` fences, in page order.

    `lines` are the page's expanded lines when the caller has them already.
    """
    lines = lines if lines is not None else expand_file(page)
    texts = [line.text for line in lines]
    continued = set()  # expanded indexes of fences below a cont marker
    for fence in fences(lines):
        if fence.language in PYTHON_LANGS:
            text = texts[fence.index]
            texts[fence.index] = text[: len(text) - len(text.lstrip())] + text.lstrip()[: _ticks(text)] + "python"
        if fence.continues:
            continued.add(fence.index)
    for i, text in enumerate(texts):
        if marker(text) == "cont":
            texts[i] = ""  # pytest-codeblocks would merge the blocks: they stay apart, linked by `continues`
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
    for fence in fences(lines):
        if fence.line in executed or fence.kind == "output":
            continue
        lang = fence.language
        if lang in PYTHON_LANGS or lang in UNRUNNABLE_PYTHON_LANGS:
            problems.append(f"{page}:{fence.line}: fence `{fence.info}` looks like Python but is not executed")
        elif not lang and PYTHON_HINTS.search(fence.body):
            problems.append(f"{page}:{fence.line}: fence without a language holds Python; tag it `python`")
    return problems
