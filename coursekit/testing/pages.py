"""pytest plugin: every runnable block of every page is a test item named `docs/<lang>/<page>.md::line N`.

Blocks run in the worker's children (worker, runner); its server is forked once the tests are collected,
before any test computes, and ended with the session; it imports the modules the blocks import before its
first job, and a session whose runs all come from the cache never does.
"""

import importlib
import os
import platform
import sys

import pytest

from coursekit.execution import cache, identity, runner, stale_outputs, worker
from coursekit.pages.codeblocks import collect
from coursekit.pages.includes import IncludeError
from coursekit.project import DOCS


def pytest_addoption(parser):
    parser.addoption("--no-execution-cache", action="store_true",
                     help="run every page chain, snippet and notebook afresh, ignoring .cache/executions/ "
                          f"(as {cache.OFF}=1 does; CI never uses it)")


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): the time a page's code block may run "
                                       f"(default {worker.CPU_SECONDS} s)")
    if config.getoption("no_execution_cache"):
        os.environ[cache.OFF] = "1"  # for the jobs this session starts too (a notebook's run)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.resolve().parents:
        return MarkdownPage.from_parent(parent, path=file_path)


def pytest_collection_finish(session):
    _check_groups(session)
    if session.items and not session.config.option.collectonly:
        code = "\n".join(block.block.code for item in session.items if isinstance(item, BlockItem)
                         if item.position == 0 for block in item.chain if block.block.syntax == "python")
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", 1))  # pytest-xdist's processes
        worker.start(preload=worker.imports(code),
                     threads=max(1, (os.cpu_count() or 1) // workers) if workers > 1 else None)


def pytest_unconfigure(config):
    worker.stop()


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: its counts go to the controller
        session.config.workeroutput["execution_cache"] = list(cache.stats.items())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # pytest-xdist's controller: a worker's counts
    for kind, count in getattr(node, "workeroutput", {}).get("execution_cache", []):
        cache.stats[tuple(kind)] += count


def pytest_terminal_summary(terminalreporter):
    """Say how many results came from the cache: a test that passed on one passed on that earlier run."""
    if any(cache.stats.values()) or cache.why_off():
        terminalreporter.write_line(cache.summary(cache.stats))


def _check_groups(session):
    """Under pytest-xdist's loadgroup, a worker marks each grouped test's id with its group, and the
    scheduler keeps a group on one worker; unmarked ids mean the groups are ignored (and a chain runs again
    in each worker, a shared browser pass twice)."""
    if getattr(session.config.option, "loadgroup", False) and hasattr(session.config, "workerinput"):
        lost = [item.nodeid for item in session.items
                if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if lost:
            raise pytest.UsageError(f"pytest-xdist does not see the test groups ({lost[0]}): this pytest "
                                    "and pytest-xdist do not work together; install requirements.txt")


def snippet_group(folder: str) -> str:
    """The pytest-xdist group of the tests that read a snippet folder's runs."""
    return f"snippets-{folder}"


class BlockFailed(Exception):
    pass


class MarkdownPage(pytest.File):
    def collect(self):
        page = self.path.relative_to(self.config.rootpath)
        try:
            blocks = collect(page)
        except (ValueError, IncludeError) as error:  # not UTF-8, a broken include: the other pages still run
            yield UnreadablePage.from_parent(self, name="page", problem=str(error))
            return
        for chain in runner.chains(blocks):
            members = [blocks[i] for i in chain]
            # Under pytest-xdist, the same chain on every language's page runs in one worker, once; a chain that
            # is a snippet script, in the worker of that script's tests, which take its run (identity.py).
            folder = identity.group(members)
            group = pytest.mark.xdist_group(snippet_group(folder) if folder else runner.chain_id(members))
            for position, block in enumerate(members):
                item = BlockItem.from_parent(self, name=f"line {block.line}")
                item.chain, item.position = members, position
                item.add_marker(group)
                for mark in marks(block):
                    if mark.name not in ("skip", "skipif"):  # those are runtest's: under CI they fail
                        item.add_marker(mark)
                yield item


def marks(block) -> list:
    """The pytest marks on the lines before `block` (`<!--pytest.mark.skip-->`...)."""
    return [eval(mark, {"sys": sys, "pytest": pytest}) for mark in block.block.marks]


def skip_reason(chain: list, position: int) -> str | None:
    """Why the block at `position` of `chain` is to be skipped: a skip or true skipif mark on it, or the
    missing module of an importorskip marker on it or an earlier block of its chain; None to run it."""
    block = chain[position]
    for mark in marks(block):
        if mark.name == "skip":
            return mark.kwargs.get("reason") or (mark.args[0] if mark.args else "pytest.mark.skip")
        if mark.name == "skipif":
            condition = mark.args[0] if mark.args else False
            if eval(condition, {"sys": sys, "os": os, "platform": platform}) if isinstance(condition, str) else condition:
                return mark.kwargs.get("reason") or f"skipif({condition})"
    for earlier in chain[: position + 1]:
        if earlier.block.importorskip:
            try:
                importlib.import_module(earlier.block.importorskip)
            except ImportError as error:
                return f"importorskip({earlier.block.importorskip}): {error}"
    return None


def skip_or_fail(chain: list, position: int) -> None:
    """Skip the block if its markers say so; under CI (`CI` set) fail instead: nothing is skipped there."""
    reason = skip_reason(chain, position)
    if reason is None:
        return
    if os.environ.get("CI"):
        raise BlockFailed(f"{chain[position].where}: would be skipped ({reason}); under CI nothing is skipped")
    pytest.skip(f"{chain[position].where}: {reason}")


class BlockItem(pytest.Item):
    chain: list
    position: int

    def runtest(self):
        block = self.chain[self.position]
        skip_or_fail(self.chain, self.position)
        result = runner.run_chain(self.chain)[self.position]
        if result.error:
            raise BlockFailed(f"{block.where}: this code block failed\n{block.block.code}\n{result.error}")
        if printed := runner.unshown_output(block, result):
            raise BlockFailed(f"{block.where}: this code block prints, and the page shows no output under it: "
                              "add an output block below it (an expected-output marker, and a text fence that "
                              f"includes its outputs file), then run python -m coursekit refresh\n{printed}")
        mismatch = runner.output_mismatch(block, result)
        if mismatch:
            raise BlockFailed(f"{block.where}: {stale_outputs.why_differs(block.page, block.line)}\n{mismatch}")
        if result.session:  # what it leaves for the blocks after it: once it prints what the page shows
            raise BlockFailed(f"{block.where}: {result.session}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.chain[self.position].line - 1, f"code block {self.name}"


class UnreadablePage(pytest.Item):
    """A page whose blocks cannot be read: one failing test, saying where and why."""

    def __init__(self, *, problem: str, **kwargs):
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self):
        raise BlockFailed(self.problem)

    def repr_failure(self, excinfo):
        return self.problem

    def reportinfo(self):
        return self.path, None, "page"
