"""pytest plugin: a test that passed keeps its pass in the execution cache (kind `test`), as a page chain keeps
its outputs: while nothing it reads has changed, it is not run again. Two kinds of test are kept:

- a chapter's claims test (`tests/test_claims_FOLDER.py`): a prose edit then costs no claim its computation;
- a test of the machinery (marked `machinery`: coursekit on inputs it makes itself): an edit of the chapters
  then costs none of them.

What a kept test reads is known in advance but for its data files. A claims test: its own file and the
conftest files, the code it imports from the project (`coursekit/`), the snippet folder whose scripts it runs
(`snippets/FOLDER/`, outputs included). A machinery test: its own file and every file of the project outside
the chapters' pages and code (`docs/`, `snippets/`), which its commands and subprocesses may read, the
distributions installed and the browser; the chapters too where it asks for a fixture marked
`reads_the_course` (the site built from them). Both: the environment a run is keyed by (pins, Python, platform,
CPU dispatch and threads: `cache.environment`).

Any other file of the project that the process opens while the test, or a fixture it uses, is set up, runs or
is torn down (a page, an output of another folder, a chapter copied into a scratch project) is recorded as it
is opened, with its hash, and the pass is used only while each still has that hash. A test that failed, was
skipped or erred is not kept. As for every run, nothing is read or written under `CI` or with the cache off.
"""

import hashlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.execution import cache
from coursekit.project import project_files

KIND = "test"
PREFIX = "test_claims_"
KEY = pytest.StashKey[str]()
HIT = pytest.StashKey[bool]()
READ = pytest.StashKey[set]()
FOLDER = pytest.StashKey[Path]()
OUTSIDE = pytest.StashKey[dict]()
CHAPTERS = ("docs", "snippets")  # the chapters' pages and code, which a machinery test does not read
MACHINERY = Path(__file__).parents[1]  # coursekit/, which a claims test imports
# What is being recorded: the running test's set, and one for each fixture being set up (a fixture set up for
# one test and reused by later ones read its files for each of them).
_recording: list[set[str]] = []
_fixture_reads: dict[int, set[str]] = {}  # id(FixtureDef) -> the paths its last setup opened


def _audit(event: str, args) -> None:
    if _recording and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.fsdecode(args[0])
        for reads in _recording:
            reads.add(name)


sys.addaudithook(_audit)  # one hook per process, for its life: it records only while a kept test runs


def reads_the_course(function):
    """Mark a fixture (under `@pytest.fixture`) whose value is made from the chapters in another process (the
    built site): a machinery test that uses it is keyed by the chapters too."""
    function.reads_the_course = True
    return function


def _claims(item) -> bool:
    return item.path.name.startswith(PREFIX) and item.path.suffix == ".py"


def kept(item) -> bool:
    return cache.enabled() and (_claims(item) or item.get_closest_marker("machinery") is not None)


def _fixtures(item):
    info = getattr(item, "_fixtureinfo", None)
    return [fixturedef for defs in (info.name2fixturedefs.values() if info else ()) for fixturedef in defs]


def key(item) -> str:
    """What a kept test reads that is known before it runs (the module's docstring)."""
    root = item.config.rootpath
    conftests = [path for path in (root / "conftest.py", item.path.parent / "conftest.py") if path.is_file()]
    if _claims(item):
        folder = item.path.stem.removeprefix(PREFIX)
        reads = cache.files([item.path, *conftests, MACHINERY, root / "snippets" / folder])
        return cache.key(KIND, item.nodeid, reads, dict(os.environ))
    course = any(getattr(fixturedef.func, "reads_the_course", False) for fixturedef in _fixtures(item))
    return cache.key(KIND, item.nodeid, {**cache.files([item.path, *conftests]), **_outside(item.config)},
                     dict(os.environ), course=cache.files(root / folder for folder in CHAPTERS) if course else None)


def _outside(config) -> dict:
    """The project's files outside the chapters, the distributions installed and the browser: read once a
    session (a machinery test changes only copies of the project)."""
    if OUTSIDE not in config.stash:
        root = config.rootpath
        files = [root / name for name in project_files(root) if name.split("/")[0] not in CHAPTERS]
        config.stash[OUTSIDE] = {**cache.files(files), "installed": _installed(), "browser": _browser()}
    return config.stash[OUTSIDE]


def _installed() -> str:
    return repr(sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()))


def _browser() -> str:
    from coursekit.checks.browser import chromium_path

    path = chromium_path()
    try:
        return subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, TypeError, subprocess.SubprocessError):
        return repr(path)


def _project_files(paths: set[str], root: Path) -> dict[str, str]:
    """Path relative to `root` -> SHA-256 of each file of the project among `paths` (not the cache's own),
    so that a copy of the project with its cache reads its own files."""
    found = {}
    for name in list(paths):
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
def pytest_fixture_setup(fixturedef, request):
    """Record what each fixture's setup opens, for every test that uses its value."""
    reads: set[str] = set()
    _recording.append(reads)
    try:
        return (yield)
    finally:
        _recording.remove(reads)
        _fixture_reads[id(fixturedef)] = reads


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Record what a kept test opens, from its setup to its teardown."""
    if not kept(item):
        return (yield)
    item.stash[READ] = reads = set()
    _recording.append(reads)
    try:
        return (yield)
    finally:
        _recording.remove(reads)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A kept test whose inputs are unchanged since it last passed passes from the cache: its fixtures are
    not set up (a script's run from the cache imports what its namespace holds) and its body is not called."""
    if not kept(item):
        return
    try:
        item.stash[KEY] = key(item)
    except (OSError, subprocess.SubprocessError):  # not a git checkout: what it reads cannot be listed
        return
    found = cache.load(KIND, item.stash[KEY], valid=lambda entry: _unchanged(entry["read"], item.config.rootpath))
    item.stash[HIT] = found is not cache.MISS
    item.stash[FOLDER] = cache.FOLDER  # a test of the cache gives itself another
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
        fixtures = (_fixture_reads.get(id(fixturedef), ()) for fixturedef in _fixtures(item))
        opened = item.stash[READ].union(*fixtures)
        cache.store(KIND, item.stash[KEY], {"read": _project_files(opened, item.config.rootpath)},
                    folder=item.stash[FOLDER])
    return report
