"""Runs page blocks the way a reader pastes them, once per distinct code.

A block and the `cont` blocks after it form a chain that runs in one namespace, in order, each block's
output captured on its own. Chains are cached by their code: when the French and Chinese pages show the
same code as the English one (the translation checker makes sure they do), it runs once. The blocks are read
with the scripts as written: the comments a French or Chinese page shows in its language (comments.py) change
nothing that runs.

Each chain runs in a child process, in a scratch folder (worker), each block within its limit: CPU_SECONDS
seconds, or what `<!--pytest.mark.timeout(SECONDS)-->` on the line before the block gives it.
"""

import re
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass

from pytest_codeblocks.main import stdout_io

from coursekit.execution import cache, identity, session, worker
from coursekit.pages.codeblocks import PageBlock
from coursekit.pages.includes import snippet_folders
from coursekit.project import ROOT, SNIPPETS, read_text

TIMEOUT_MARK = re.compile(r"^pytest\.mark\.timeout\(\s*(?P<seconds>\d+(?:\.\d*)?)\s*\)$")


@dataclass
class Result:
    output: str = ""
    error: str | None = None  # a formatted traceback, or why the block did not run
    where: str = ""           # page:line of the block
    seconds: float = 0.0
    first_imports: tuple = ()  # top-level packages this block loaded into the process first
    modules_loaded: int = 0    # modules it loaded, counting lazy imports inside packages already there
    session: str | None = None  # what it leaves for the blocks after it in a reader's session (session.py)


def chains(blocks: list[PageBlock]) -> list[list[int]]:
    """Indexes of `blocks` grouped into chains: a block followed by the blocks that continue it."""
    groups = []
    for i, block in enumerate(blocks):
        if block.continues and groups:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def limit(block: PageBlock) -> float:
    """The seconds `block` may run: its `pytest.mark.timeout(SECONDS)` marker's, else worker.CPU_SECONDS."""
    for mark in block.block.marks:
        if m := TIMEOUT_MARK.match(mark.strip()):
            return float(m["seconds"])
    return worker.CPU_SECONDS


_CACHE: dict[tuple, tuple] = {}  # (code, the script it is) -> (its results, that script's run: identity.py)


def _key(blocks: list[PageBlock]) -> tuple:
    return tuple((b.block.syntax, b.block.code) for b in blocks)


def chain_id(blocks: list[PageBlock]) -> str:
    """A short name for a chain's code: the same on every page that shows the same code."""
    import hashlib

    return "chain-" + hashlib.sha1(repr(_key(blocks)).encode()).hexdigest()[:12]


def run_chain(blocks: list[PageBlock]) -> list[Result]:
    """The results of a chain, run in a worker's child process (once per distinct code), or the results of
    its last run with the same inputs (cache.py), where none failed."""
    return _run(blocks)[0]


def script_run(blocks: list[PageBlock]):
    """The run of the snippet script that the chain is (identity.py), as scripts.run_script gives it, from the
    chain's own run; None where the chain is no script, or failed."""
    return _run(blocks)[1]


def _run(blocks: list[PageBlock]) -> tuple:
    script = identity.script_of(blocks)
    key = (tuple((b.block.syntax, b.block.code, limit(b)) for b in blocks), script)
    if key not in _CACHE:
        digest = cache_key(blocks, script)
        ran = cache.load("chain", digest)
        if ran is cache.MISS:
            ran = _run_in_worker(blocks, script)
            if not any(result.error for result in ran[0]):  # a failure may be the machine's (a limit): run again
                cache.store("chain", digest, ran)
        _CACHE[key] = ran
    return _CACHE[key]


def cache_key(blocks: list[PageBlock], script=None) -> str:
    """The key of a chain's run: its code, includes expanded (so the included text is in it), the files of the
    snippet folders its page includes (the code may read them), the environment it computes in, and the
    script it is, if any (its run keeps the script's variables and figures too)."""
    page = blocks[0].page if blocks[0].page.is_absolute() else ROOT / blocks[0].page
    try:
        folders = sorted(snippet_folders(read_text(page)))
    except (OSError, ValueError):
        folders = []
    code = [(b.block.syntax, b.block.code, limit(b)) for b in blocks]
    return cache.key("chain", code, cache.files(SNIPPETS / folder for folder in folders), worker.environment(),
                     script=script and str(script.relative_to(ROOT) if script.is_relative_to(ROOT) else script))


def _run_in_worker(blocks: list[PageBlock], script=None) -> tuple:
    """The chain's results, and the script run it kept where it is `script`, in a worker's child."""
    code = "\n".join(b.block.code for b in blocks if b.block.syntax == "python")
    try:
        results = worker.run(_chain_job, blocks, [limit(b) for b in blocks], script, preload=worker.imports(code))
    except worker.TimedOut as stopped:
        results = stopped.done + [Result(error=f"{stopped}\n{_LONGER}", where=stopped.where)]
    except worker.Failed as failed:  # the runner itself, not a block: a block's failure is in its result
        raise RuntimeError(f"running the chain at {blocks[0].where} failed:\n{failed}") from None
    kept = results.pop() if len(results) > len(blocks) else None  # the script run, after every block's result
    for block in blocks[len(results):]:
        results.append(Result(error=f"not run: an earlier block of its chain ({results[-1].where}) failed",
                              where=block.where))
    return results, kept


_LONGER = "A block that needs longer can have <!--pytest.mark.timeout(SECONDS)--> on the line before it."


def _chain_job(step, blocks: list[PageBlock], limits: list[float], script=None):
    """In the worker's child: each block's result as soon as it has one; then, where the chain is `script` and
    every block ran through, the script's run (scripts.ScriptRun): what it printed, its variables, and the
    figures `plt.show()` showed, kept as the script's own run keeps them."""
    if script is None:
        yield from _results(blocks, lambda i: step(blocks[i].where, limits[i]))
        return
    from coursekit.execution import scripts

    namespace, printed = {"__name__": "__main__"}, []
    with scripts.shown_figures(script) as figures:
        for result in _results(blocks, lambda i: step(blocks[i].where, limits[i]), namespace):
            printed.append(result.output)
            yield result
            if result.error:
                return
    yield scripts.ScriptRun(script, "".join(printed), scripts.kept(namespace), figures)


def execute(blocks: list[PageBlock]) -> list[Result]:
    """Run a chain in this process, in its working folder, without a limit (the benchmark times it so)."""
    return list(_results(blocks, None))


def _results(blocks: list[PageBlock], step, namespace: dict | None = None):
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    watch = session.Watch()
    try:
        for i, block in enumerate(blocks):
            if step:
                step(i)
            loaded, start = set(sys.modules), time.perf_counter()
            result = _run_python(block, namespace) if block.block.syntax == "python" else _run_shell(block)
            result.seconds = time.perf_counter() - start
            problems = [block.block.syntax == "python" and session.static_problem(block.block.code),
                        watch.after(i)]
            if i == len(blocks) - 1 and not result.error:
                problems += watch.left([b.where for b in blocks])
            result.session = "; ".join(filter(None, problems)) or None
            new = set(sys.modules) - loaded
            result.first_imports = tuple(sorted({name.partition(".")[0] for name in new}
                                                - {name.partition(".")[0] for name in loaded}))
            result.modules_loaded = len(new)
            result.where = block.where
            yield result
            if result.error:
                return  # the caller says why the rest did not run
    finally:
        watch.close()
        _close_figures()


def _run_python(block: PageBlock, namespace: dict) -> Result:
    with stdout_io() as out:
        try:
            exec(compile(block.block.code, f"<code block {block.where}>", "exec"), namespace)
        except (Exception, SystemExit):  # the page shows any failure, SystemExit included; Ctrl-C stops
            return Result(out.getvalue(), traceback.format_exc())
        except worker.OverTime:
            return Result(out.getvalue(), f"{traceback.format_exc()}{_LONGER}")
    return Result(out.getvalue())


def _run_shell(block: PageBlock) -> Result:
    shell = {"sh": "/bin/sh", "bash": "/bin/bash"}[block.block.syntax]
    try:
        # The step's own limit stops it first; this one only keeps the rule that no wait is unbounded.
        done = subprocess.run(block.block.code, shell=True, executable=shell, capture_output=True, text=True,
                              timeout=limit(block) * worker.CLOCK_FACTOR + 2 * worker.GRACE)
    except worker.OverTime as over:
        return Result("", f"{over}\n{_LONGER}")
    error = None if done.returncode == 0 else f"exit status {done.returncode}\n{done.stderr}"
    return Result(done.stdout, error)


def _close_figures():
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def unshown_output(block: PageBlock, result: Result) -> str | None:
    """What `block` prints where the page shows no output under it (its first lines), or None: every line a
    block prints is shown, so that what its page shows is all that a reader who runs it sees."""
    if block.block.expected_output is not None or not result.output:
        return None
    lines = result.output.splitlines()
    return "\n".join(lines[:5] + (["..."] if len(lines) > 5 else []))


def output_mismatch(block: PageBlock, result: Result) -> str | None:
    """How the output shown under `block` differs from what it prints (a diff), or None when it does not."""
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

    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "shown", "printed"))
