"""pytest plugin: every runnable block of every page is a test item named `docs/<lang>/<page>.md::line N`.

Blocks run in the worker's children (worker, runner); its server is forked once the tests are collected,
before any test computes, with the modules the blocks import already loaded, and ended with the session.
"""

import sys

import pytest

from . import runner, worker
from .codeblocks import collect
from .project import DOCS


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): the time a page's code block may run "
                                       f"(default {worker.LIMIT} s)")


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.resolve().parents:
        return MarkdownPage.from_parent(parent, path=file_path)


def pytest_collection_finish(session):
    if session.items:
        code = "\n".join(block.block.code for item in session.items if isinstance(item, BlockItem)
                         if item.position == 0 for block in item.chain if block.block.syntax == "python")
        worker.start(preload=worker.imports(code))


def pytest_unconfigure(config):
    worker.stop()


class BlockFailed(Exception):
    pass


class MarkdownPage(pytest.File):
    def collect(self):
        page = self.path.relative_to(self.config.rootpath)
        blocks = collect(page)
        for chain in runner.chains(blocks):
            members = [blocks[i] for i in chain]
            for position, block in enumerate(members):
                item = BlockItem.from_parent(self, name=f"line {block.line}")
                item.chain, item.position = members, position
                for mark in block.block.marks:
                    item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))
                yield item


class BlockItem(pytest.Item):
    chain: list
    position: int

    def runtest(self):
        block = self.chain[self.position]
        for earlier in self.chain[: self.position + 1]:
            if earlier.block.importorskip:
                pytest.importorskip(earlier.block.importorskip)
        result = runner.run_chain(self.chain)[self.position]
        if result.error:
            raise BlockFailed(f"{block.where}: this code block failed\n{block.block.code}\n{result.error}")
        mismatch = runner.output_mismatch(block, result)
        if mismatch:
            raise BlockFailed(mismatch + "\nRefresh the shown outputs with: python -m coursekit refresh")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.chain[self.position].line - 1, f"code block {self.name}"
