"""Runs page blocks the way a reader pastes them, once per distinct code.

A block and the `cont` blocks after it form a chain that runs in one namespace, in order, each block's
output captured on its own. Chains are cached by their code: when the French and Chinese pages show the
same code as the English one (the translation checker makes sure they do), it runs once.
"""

import re
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass

from pytest_codeblocks.main import stdout_io

from .codeblocks import PageBlock


@dataclass
class Result:
    output: str = ""
    error: str | None = None  # a formatted traceback, or why the block did not run
    where: str = ""           # page:line of the block
    seconds: float = 0.0
    first_imports: tuple = ()  # top-level packages this block loaded into the process first
    modules_loaded: int = 0    # modules it loaded, counting lazy imports inside packages already there


def chains(blocks: list[PageBlock]) -> list[list[int]]:
    """Indexes of `blocks` grouped into chains: a block followed by the blocks that continue it."""
    groups = []
    for i, block in enumerate(blocks):
        if block.continues and groups:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


_CACHE: dict[tuple, list[Result]] = {}


def _key(blocks: list[PageBlock]) -> tuple:
    return tuple((b.block.syntax, b.block.code) for b in blocks)


def chain_id(blocks: list[PageBlock]) -> str:
    """A short name for a chain's code: the same on every page that shows the same code."""
    import hashlib

    return "chain-" + hashlib.sha1(repr(_key(blocks)).encode()).hexdigest()[:12]


def run_chain(blocks: list[PageBlock]) -> list[Result]:
    key = _key(blocks)
    if key not in _CACHE:
        _CACHE[key] = _execute(blocks)
    return _CACHE[key]


def _execute(blocks: list[PageBlock]) -> list[Result]:
    namespace = {"__name__": "__main__"}
    results, failed_at = [], None
    for block in blocks:
        if failed_at:
            results.append(Result(error=f"not run: an earlier block of its chain ({failed_at}) failed"))
        else:
            loaded, start = set(sys.modules), time.perf_counter()
            results.append(_run_python(block, namespace) if block.block.syntax == "python" else _run_shell(block))
            results[-1].seconds = time.perf_counter() - start
            new = set(sys.modules) - loaded
            results[-1].first_imports = tuple(sorted({name.partition(".")[0] for name in new}
                                                     - {name.partition(".")[0] for name in loaded}))
            results[-1].modules_loaded = len(new)
            failed_at = block.where if results[-1].error else None
        results[-1].where = block.where
    _close_figures()
    return results


def _run_python(block: PageBlock, namespace: dict) -> Result:
    with stdout_io() as out:
        try:
            exec(compile(block.block.code, f"<code block {block.where}>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - the page shows any failure, SystemExit included
            return Result(out.getvalue(), traceback.format_exc())
    return Result(out.getvalue())


def _run_shell(block: PageBlock) -> Result:
    shell = {"sh": "/bin/sh", "bash": "/bin/bash"}[block.block.syntax]
    done = subprocess.run(block.block.code, shell=True, executable=shell, capture_output=True, text=True)
    error = None if done.returncode == 0 else f"exit status {done.returncode}\n{done.stderr}"
    return Result(done.stdout, error)


def _close_figures():
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def output_mismatch(block: PageBlock, result: Result) -> str | None:
    """Why the output shown under `block` is not what it prints, or None when it is."""
    expected = block.block.expected_output
    if expected is None:
        return None
    got = result.output
    if block.block.expected_output_ignore_whitespace:
        same = re.sub(r"\s+", "", expected) == re.sub(r"\s+", "", got)
    else:
        same = expected == got
    if same:
        return None
    import difflib

    diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "shown", "printed"))
    return f"{block.where}: the output shown under this block is stale\n{diff}"
