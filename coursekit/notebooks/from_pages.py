"""Chapter notebooks, built from the chapter page: its prose as Markdown cells, its code blocks as code cells.

One source: the page (and through it, the snippets). `python -m coursekit refresh` writes and executes them;
the tests fail when a committed notebook no longer matches its page.
"""

import os
import re
from pathlib import Path

import nbformat

from coursekit.execution import runner, worker
from coursekit.pages.codeblocks import collect
from coursekit.pages.comments import set_aside
from coursekit.pages.includes import expand_file
from coursekit.pages.model import ATTR_LIST, EXTERNAL, HEADING, HEADING_ID, IMAGE, LINK, MARKER, fences
from coursekit.project import FRONT_MATTER, ROOT, chapter_pages, language_of, notebook_path
from coursekit.wording import phrase

ADMONITION = re.compile(r'^(?P<indent>\s*)(!!!|\?\?\?\+?)\s+\w+(?:\s+"(?P<title>[^"]*)")?\s*$')


def build(page: Path) -> nbformat.NotebookNode:
    """The notebook of `page`, without outputs; the scripts' comments in the page's language."""
    language = language_of(page)
    lines = expand_file(page, language)
    python = [block for block in collect(page, lines) if block.block.syntax == "python"]
    code_at = {block.line: block.block.code for block in python}
    limits_at = {block.line: runner.limit(block) for block in python if runner.limit(block) != worker.CPU_SECONDS}
    skip = set()  # expanded indexes that are not prose: fences, markers, figures, front matter
    fence_spans = {}
    all_fences = fences(lines)
    for fence in all_fences:
        fence_spans[fence.index] = fence.end
        skip.update(range(fence.index, fence.end + 1))
    front = FRONT_MATTER.match("\n".join(line.text for line in lines) + "\n")
    if front:
        skip.update(range(front.group(0).count("\n")))
    cells, prose, in_figure, title, heading_ids, figure_alts = [], [], False, None, [], []
    body = None  # the indentation of the admonition whose body the lines are in, or None
    for i, line in enumerate(lines):
        if i in fence_spans and lines[i].origin in code_at:
            _flush(cells, prose)
            cells.append(nbformat.v4.new_code_cell(code_at[lines[i].origin].rstrip("\n")))
            if lines[i].origin in limits_at:  # the page's timeout marker: the cell's limit when it runs
                cells[-1].metadata["timeout"] = limits_at[lines[i].origin]
            continue
        if i in skip or MARKER.match(line.text):
            continue
        if body is not None:  # an admonition's body is a quote: every paragraph, formula and list of it
            if not line.text.strip():
                prose.append(">" if prose else "")
                continue
            if line.text.startswith(body):
                prose.append("> " + _page_links_as_words(line.text[len(body):]))
                continue
            body = None
            while prose and prose[-1] == ">":  # the quote ends at its last line of text
                prose.pop()
            prose.append("")
        if line.text.lstrip().startswith("<figure"):
            in_figure = True
        if in_figure:
            figure_alts += [image["text"] for image in IMAGE.finditer(line.text)]
            in_figure = "</figure>" not in line.text
            continue
        if heading := HEADING.match(line.text):
            anchor = HEADING_ID.search(heading["title"])
            heading_ids.append(anchor["id"] if anchor else None)
        stripped = ATTR_LIST.sub("", line.text) if line.text.lstrip().startswith("#") else line.text
        stripped = _page_links_as_words(stripped)
        if title is None and stripped.startswith("# "):
            title = stripped[2:].strip()
            prose.append("# " + phrase(language, "notebook_title", title=title))
            prose.append("")
            prose += [phrase(language, "notebook_intro"), ""]  # its own paragraph, whatever follows
            continue
        admonition = ADMONITION.match(stripped)
        if admonition:
            prose.append(f"> **{admonition['title'] or ''}**\n>")
            body = admonition["indent"] + "    "
            continue
        prose.append(stripped)
    _flush(cells, prose)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        # The page's heading anchors and figure descriptions, in order: the notebook page reuses them.
        "course": {"heading_ids": heading_ids, "figure_alts": figure_alts},
    }
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    notebook.cells = cells
    return notebook


def _page_links_as_words(text: str) -> str:
    """A link to another page of the site leads nowhere from a notebook (Kaggle, a download): its words stay."""
    return LINK.sub(lambda m: m[0] if EXTERNAL.match(m["target"]) or m["target"].startswith("#") else m["text"],
                    text)


def _flush(cells: list, prose: list[str]) -> None:
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(prose)).strip()
    body = re.sub(r"(\n>[ \t]*)+$", "", body)  # a quote cut by a code cell ends at its text
    if body:
        cells.append(nbformat.v4.new_markdown_cell(body))
    prose.clear()


class NotebookFailed(Exception):
    """A cell failed or ran over its limit; the message names the notebook and the cell."""


def cell_limit(cell) -> float:
    """The seconds a cell may run: its page block's timeout marker's (the cell's metadata), else worker.CPU_SECONDS."""
    return cell.get("metadata", {}).get("timeout", worker.CPU_SECONDS)


def execute(notebook: nbformat.NotebookNode, name: str = "the notebook") -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel, in a scratch folder, each within its limit; raises NotebookFailed,
    naming `name` and the cell, on the first cell that fails or runs over."""
    import tempfile
    from unittest import mock

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from traitlets.config import Config

    current = {}

    def started(cell, cell_index):
        current.update(cell=cell, index=cell_index)

    # The kernel inherits the environment: drop a non-interactive backend so figures show inline.
    with tempfile.TemporaryDirectory() as scratch, mock.patch.dict("os.environ"):
        os.environ.pop("MPLBACKEND", None)
        # The kernel is another process, timed on the clock: CLOCK_FACTOR times the limit, as a step that
        # computes nothing.
        # A cell's output comes after its reply, on another channel: on a busy machine seconds after it, past
        # nbclient's 4 s, after which it would go on without it. Wait as long as a cell may compute, then fail.
        # Its channels are sockets in the scratch folder (where there are such sockets: not on Windows): ports
        # picked at random by notebooks started at once can collide ("Address already in use"), and the
        # kernel dies before it answers.
        # nbclient makes the kernel's manager from its own config, and so shuts the kernel down at the end.
        sockets = {"transport": "ipc", "ip": os.path.join(scratch, "kernel")} if os.name == "posix" else {}
        client = NotebookClient(notebook, config=Config({"KernelManager": sockets}),
                                timeout_func=lambda cell: cell_limit(cell) * worker.CLOCK_FACTOR,
                                kernel_name="python3", allow_errors=False, iopub_timeout=worker.CPU_SECONDS,
                                raise_on_iopub_timeout=True,
                                resources={"metadata": {"path": scratch}}, on_cell_start=started)
        try:
            client.execute()
        except (CellTimeoutError, CellExecutionError) as error:
            cell = current["cell"]
            if isinstance(error, CellTimeoutError) and "IOPub" in str(error):
                what = f"ended, but its output had not all arrived {worker.CPU_SECONDS:g} s later"
            elif isinstance(error, CellTimeoutError):
                what = f"was still running after {cell_limit(cell) * worker.CLOCK_FACTOR:g} s and was stopped"
            else:
                what = f"failed:\n{error}"
            raise NotebookFailed(f"{name}: cell {current['index'] + 1} ({cell.get('id')}) {what}\n"
                                 f"{_shorten(cell.source)}") from None
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)  # timestamps would make every run differ
    return notebook


def _shorten(source: str, lines: int = 8) -> str:
    shown = source.splitlines()
    return "\n".join(shown[:lines] + (["..."] if len(shown) > lines else []))


def sources(notebook: nbformat.NotebookNode) -> list:
    """What the notebook is made of, outputs aside: its cells, their limits and the page's heading anchors."""
    return [notebook.metadata.get("course")] + [(cell.cell_type, cell.source, cell.metadata.get("timeout"))
                                                for cell in notebook.cells]


def refresh() -> list[Path]:
    """Write the notebook of every chapter page whose committed one no longer matches it. The languages of a
    chapter share their code cells, comments and docstrings aside: those run once, and every language's notebook
    gets their outputs."""
    changed, runs = [], {}  # code cells' sources, comments aside -> a notebook that ran them
    for page, notebook_id in chapter_pages().items():
        path = notebook_path(page, notebook_id)
        fresh = build(page)
        committed = nbformat.read(path, as_version=4) if path.exists() else None
        if committed is not None and sources(committed) == sources(fresh):
            continue
        code = _code(fresh)
        if committed is not None and _code(committed) == code:  # only comments changed: its outputs hold
            runs.setdefault(code, committed)
            earlier = committed
        else:
            earlier = runs.get(code)
        if earlier is not None:
            if "language_info" in earlier.metadata:  # what the kernel said of itself when it ran them
                fresh.metadata["language_info"] = earlier.metadata["language_info"]
            for cell, ran in zip(_code_cells(fresh), _code_cells(earlier)):
                cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
        else:
            runs[code] = execute(fresh, str(path.relative_to(ROOT)))
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(fresh, path)
        changed.append(path)
    return changed


def _code(notebook: nbformat.NotebookNode) -> tuple:
    """What a notebook runs: its code cells, comments and docstrings set aside, with their limits."""
    return tuple((set_aside(cell.source), cell.metadata.get("timeout")) for cell in _code_cells(notebook))


def _code_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]

