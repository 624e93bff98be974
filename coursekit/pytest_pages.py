"""pytest plugin: every runnable block of every page is a test item named `docs/<lang>/<page>.md::line N`."""

import sys

import pytest

from . import runner
from .codeblocks import collect
from .project import DOCS


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".md" and DOCS in file_path.resolve().parents:
        return MarkdownPage.from_parent(parent, path=file_path)


def pytest_collection_finish(session):
    """Under pytest-xdist's loadgroup, a worker marks each grouped test's id with its group, and the
    scheduler keeps a group on one worker; unmarked ids mean the groups are ignored (and a chain runs again
    in each worker, a shared browser pass twice)."""
    if getattr(session.config.option, "loadgroup", False) and hasattr(session.config, "workerinput"):
        lost = [item.nodeid for item in session.items
                if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if lost:
            raise pytest.UsageError(f"pytest-xdist does not see the test groups ({lost[0]}): this pytest "
                                    "and pytest-xdist do not work together; install requirements.txt")


class BlockFailed(Exception):
    pass


class MarkdownPage(pytest.File):
    def collect(self):
        page = self.path.relative_to(self.config.rootpath)
        blocks = collect(page)
        for chain in runner.chains(blocks):
            members = [blocks[i] for i in chain]
            # Under pytest-xdist, the same chain on every language's page runs in one worker, once.
            group = pytest.mark.xdist_group(runner.chain_id(members))
            for position, block in enumerate(members):
                item = BlockItem.from_parent(self, name=f"line {block.line}")
                item.chain, item.position = members, position
                item.add_marker(group)
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
