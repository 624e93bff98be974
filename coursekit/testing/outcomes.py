"""pytest plugin: a chapter's claims test that passed keeps its pass in the execution cache (kind `test`), as
a page chain keeps its outputs: while nothing it reads has changed, it is not run again. A prose edit then
costs no claim its computation.

What a claims test (`tests/test_claims_FOLDER.py`) reads is known in advance but for its data files: its own
file and the conftest files, the code it imports from the project (`coursekit/`), the snippet folder whose
scripts it runs (`snippets/FOLDER/`, outputs included), and the environment a run is keyed by (pins, Python,
platform, CPU dispatch and threads: `cache.environment`). Any other file of the project that the process opens
while a claims test is set up, runs or is torn down (a page, an output of another folder, what a shared
fixture read for an earlier test) is recorded as it is opened, with its hash, and the pass is used only while
each still has that hash. A test that failed, was skipped or erred is not kept. As for every run, nothing is
read or written under `CI` or with the cache off.
"""

import hashlib
import os
import sys
from pathlib import Path

import pytest

from coursekit.execution import cache

KIND = "test"
PREFIX = "test_claims_"
KEY = pytest.StashKey[str]()
HIT = pytest.StashKey[bool]()
MACHINERY = Path(__file__).parents[1]  # coursekit/, which a claims test imports
# The paths this process opened while a kept test was set up, ran or was torn down, from the first on: a
# fixture set up for one test and reused by another read its files for both.
_opened: set[str] = set()
_recording = False


def _audit(event: str, args) -> None:
    if _recording and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.add(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # one hook per process, for its life: it records only while a kept test runs


def kept(item) -> bool:
    return item.path.name.startswith(PREFIX) and item.path.suffix == ".py" and cache.enabled()


def key(item) -> str:
    """What a claims test reads that is known before it runs: its code, the conftest files, the project's
    machinery, its snippet folder, and the environment (cache.environment)."""
    root = item.config.rootpath
    folder = item.path.stem.removeprefix(PREFIX)
    conftests = [path for path in (root / "conftest.py", item.path.parent / "conftest.py") if path.is_file()]
    reads = cache.files([item.path, *conftests, MACHINERY, root / "snippets" / folder])
    return cache.key(KIND, item.nodeid, reads, dict(os.environ))


def _project_files(paths: set[str], root: Path) -> dict[str, str]:
    """Path relative to `root` -> SHA-256 of each file of the project among `paths` (not the cache's own),
    so that a copy of the project with its cache reads its own files."""
    found = {}
    for name in list(paths):  # reading them opens them: they join the set
        path = Path.cwd() / name  # an absolute name stays as it is
        if path.is_relative_to(root) and not path.is_relative_to(root / ".cache") and path.is_file():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _unchanged(read: dict[str, str], root: Path) -> bool:
    try:
        return all(hashlib.sha256((root / name).read_bytes()).hexdigest() == digest for name, digest in read.items())
    except OSError:
        return False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Record what a kept test opens, from its setup to its teardown."""
    global _recording
    if not kept(item):
        return (yield)
    _recording = True
    try:
        return (yield)
    finally:
        _recording = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A kept test whose inputs are unchanged since it last passed passes from the cache: its fixtures are
    not set up (a script's run from the cache imports what its namespace holds) and its body is not called."""
    if not kept(item):
        return
    item.stash[KEY] = key(item)
    found = cache.load(KIND, item.stash[KEY], valid=lambda entry: _unchanged(entry["read"], item.config.rootpath))
    item.stash[HIT] = found is not cache.MISS
    if item.stash[HIT]:
        item.setup = lambda: None  # the fixtures' turn in pytest's setup of the item


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    return True if pyfuncitem.stash.get(HIT, False) else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if (call.when == "call" and report.passed and not hasattr(report, "wasxfail")
            and item.stash.get(HIT, True) is False):
        cache.store(KIND, item.stash[KEY], {"read": _project_files(_opened, item.config.rootpath)})
    return report
