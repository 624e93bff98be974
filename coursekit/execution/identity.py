"""Which page chain is a snippet script, statement for statement.

A chain whose code holds exactly a script's statements, in the script's order and nothing else, computes
in its namespace what the script computes in its own, run top to bottom (`python script.py`): the
chain's run is the script's, and the script is not run a second time for its variables and figures
(scripts.run_script). Comments, blank lines and section markers are no statements; a module docstring
is left out on both sides. A chain that misses a line of the script, shows its sections in another
order, runs another script's code too, or reads what only a script has (`__file__`, `__doc__`,
`globals()`) is not the script: the script then runs on its own.
"""

import ast
from functools import lru_cache
from pathlib import Path

from coursekit.pages.includes import included_scripts
from coursekit.project import SNIPPETS, languages, pages, read_text

# What a script's namespace holds and a chain's does not (runpy sets them), and what reads a namespace whole.
SCRIPT_ONLY = {"__file__", "__doc__", "__spec__", "__loader__", "__package__", "__cached__", "__builtins__",
               "globals", "locals", "vars", "dir"}


@lru_cache(maxsize=256)
def statements(code: str) -> tuple[str, ...] | None:
    """The top-level statements of `code` as comparable text (no line numbers), its docstring left out;
    None where the code does not parse or reads what only a script has."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if any(isinstance(node, ast.Name) and node.id in SCRIPT_ONLY for node in ast.walk(tree)):
        return None
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return tuple(ast.dump(node) for node in body)


def script_of(chain: list) -> Path | None:
    """The snippet script (an absolute path) that a chain of page blocks (runner.chains) is, or None."""
    if not chain or chain[0].continues or any(block.block.syntax != "python" for block in chain):
        return None
    page = chain[0].page
    try:
        shown = included_scripts(read_text(page)).values()
    except (OSError, ValueError):
        return None
    code = statements("\n".join(block.block.code for block in chain))
    if not code:
        return None
    for name in shown:
        script = (SNIPPETS / name).resolve()
        try:
            if statements(read_text(script)) == code:
                return script
        except (OSError, ValueError):
            continue
    return None


def chain_of(script: Path) -> list | None:
    """The blocks of the first chain, on the pages (the first language's first), that is `script`; None where
    no chain is."""
    from coursekit.execution.runner import chains
    from coursekit.pages.codeblocks import collect
    from coursekit.pages.includes import IncludeError

    script = Path(script).resolve()
    if not script.is_relative_to(SNIPPETS):
        return None
    name = script.relative_to(SNIPPETS).as_posix()
    for page in pages(languages()[0]) + [page for language in languages()[1:] for page in pages(language)]:
        try:
            if name not in included_scripts(read_text(page)).values():
                continue
            blocks = collect(page)
        except (OSError, ValueError, IncludeError, RuntimeError):
            continue  # the page's own tests name what is wrong with it
        for indexes in chains(blocks):
            chain = [blocks[i] for i in indexes]
            if script_of(chain) == script:
                return chain
    return None


def shown_output(script: Path) -> str | None:
    """What the pages show that the script prints: the outputs under the blocks of the chain that is the script,
    in order (each is what its block prints, and a block that prints shows it: the page tests prove both);
    None where no chain is the script, or one of its outputs is compared with whitespace aside."""
    chain = chain_of(script)
    if chain is None or any(block.block.expected_output_ignore_whitespace for block in chain):
        return None
    return "".join(block.block.expected_output or "" for block in chain)


def group(chain: list) -> str | None:
    """The snippet folder of the script a chain is: its tests and the script's share a worker (pytest-xdist)."""
    script = script_of(chain)
    return script.relative_to(SNIPPETS.resolve()).parts[0] if script else None
