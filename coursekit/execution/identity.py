"""Which page chain is a snippet script, line for line.

A chain whose code is a script's code, every line of it, in the script's order and nothing else, computes in
its namespace what the script computes in its own, run top to bottom (`python script.py`): the chain's run is
the script's, and the script is not run a second time for its variables and figures (scripts.run_script).
Blank lines and whole-line comments are no code; nor are a script's section markers, nor its module
docstring outside them. A chain that misses a line of the script, shows its sections in another order, runs
another script's code too, or reads what only a script has (`__file__`, `__doc__`, `globals()`) is not the
script, nor is a script with code outside its sections (no page shows it): the script then runs on its own.
"""

import ast
import re
from functools import lru_cache
from pathlib import Path

from coursekit.pages.includes import SECTION_MARKER, included_scripts
from coursekit.project import SNIPPETS, languages, pages, read_text

# What a script's namespace holds and a chain's does not (runpy sets them), and what reads a namespace whole.
SCRIPT_ONLY = re.compile(r"\b__(?:file|doc|spec|loader|package|cached|builtins)__\b|\b(?:globals|locals|vars|dir)\s*\(")


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.rstrip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=256)
def chain_code(code: str) -> tuple[str, ...] | None:
    """A chain's lines of code; None where it reads what only a script has."""
    return None if SCRIPT_ONLY.search(code) else _lines(code)


@lru_cache(maxsize=256)
def script_code(text: str) -> tuple[str, ...] | None:
    """The lines of code of a script's sections, in order, where every line of code it has is in one (outside
    them: its docstring, comments, blank lines); else None, as where it reads what only a script has."""
    if SCRIPT_ONLY.search(text):
        return None
    inside, outside, depth = [], [], 0
    for line in text.splitlines():
        if marker := SECTION_MARKER.match(line):
            depth += 1 if marker["edge"] == "start" else -1
        else:
            (inside if depth > 0 else outside).append(line)
    try:
        rest = ast.parse("\n".join(outside)).body
    except SyntaxError:
        return None
    if any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)) for node in rest):
        return None  # code outside the sections
    return _lines("\n".join(inside)) or None


def script_of(chain: list) -> Path | None:
    """The snippet script (an absolute path) that a chain of page blocks (runner.chains) is, or None."""
    if not chain or chain[0].continues or any(block.block.syntax != "python" for block in chain):
        return None
    page = chain[0].page
    try:
        shown = included_scripts(read_text(page)).values()
    except (OSError, ValueError):
        return None
    code = chain_code("\n".join(block.block.code for block in chain))
    if not code:
        return None
    for name in shown:
        script = (SNIPPETS / name).resolve()
        try:
            if script_code(read_text(script)) == code:
                return script
        except (OSError, ValueError):
            continue
    return None


def chain_of(script: Path) -> list | None:
    """The blocks of the first chain of the first language's pages that is `script`; None where none is."""
    script = Path(script).resolve()
    if not script.is_relative_to(SNIPPETS):
        return None
    return script_chains(script.relative_to(SNIPPETS).as_posix()).get(script)


def script_chains(name: str | None = None) -> dict[Path, list]:
    """Script -> the first chain of the first language's pages that is it, for the scripts those pages show
    (`name`: only on the pages that show that one, `<folder>/<file>.py`). Each page is read once."""
    from coursekit.execution.runner import chains
    from coursekit.pages.codeblocks import collect
    from coursekit.pages.includes import IncludeError

    found = {}
    for page in pages(languages()[0]):
        try:
            shown = included_scripts(read_text(page)).values()
            if not shown or name is not None and name not in shown:
                continue
            blocks = collect(page)
        except (OSError, ValueError, IncludeError, RuntimeError):
            continue  # the page's own tests name what is wrong with it
        for indexes in chains(blocks):
            chain = [blocks[i] for i in indexes]
            if (script := script_of(chain)) is not None:
                found.setdefault(script, chain)
    return found


def shown_output(script: Path) -> str | None:
    """What the pages show that the script prints: the outputs under the blocks of the chain that is the script,
    in order (each is what its block prints, and a block that prints shows it: the page tests prove both);
    None where no chain is the script, one of its outputs is compared with whitespace aside, or the page's
    outputs are older than its code (`refresh` has not run since: they are no yardstick)."""
    from coursekit.execution import stale_outputs

    chain = chain_of(script)
    if chain is None or any(block.block.expected_output_ignore_whitespace for block in chain):
        return None
    try:
        if stale_outputs.stale(chain[0].page):
            return None
    except ValueError:  # an output written on the page itself: its fingerprint is not kept
        return None
    return "".join(block.block.expected_output or "" for block in chain)


def group(chain: list) -> str | None:
    """The snippet folder of the script a chain is: its tests and the script's share a worker (pytest-xdist)."""
    script = script_of(chain)
    return script.relative_to(SNIPPETS).parts[0] if script else None
