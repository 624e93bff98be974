"""A claims or machinery test that passed is not run again while nothing it reads has changed
(coursekit/testing/outcomes.py): on a project of its own, each input changed in turn runs it again, and nothing
else does."""

import subprocess

import pytest

from coursekit.testing import outcomes

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

CLAIM = """
import os
from pathlib import Path

import pytest


@pytest.fixture
def value():
    with open(os.environ["RUNS"], "a") as runs:  # outside the project: counts the runs, unrecorded
        runs.write("x")
    return Path("data/value.txt").read_text().strip()


def test_the_value_is_one(value):
    with open(os.environ["RUNS"], "a") as runs:
        runs.write("y")
    assert value == "1"
"""


@pytest.fixture
def project(pytester, empty_cache, tmp_path_factory, monkeypatch):
    """A project with a claims test that reads a data file, its snippet folder, and a page it does not read;
    the machinery in the key is a copy of its own, to change."""
    machinery = tmp_path_factory.mktemp("machinery")
    (machinery / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(outcomes, "MACHINERY", machinery)
    monkeypatch.setattr(outcomes, "_fixture_reads", {})
    runs = tmp_path_factory.mktemp("runs") / "runs.txt"
    runs.touch()
    monkeypatch.setenv("RUNS", str(runs))
    pytester.makeconftest("")
    pytester.makepyfile(test_claims_demo=CLAIM)
    for name, text in {"data/value.txt": "1\n", "snippets/demo/script.py": "print(1)\n",
                       "docs/page.md": "# A page\n"}.items():
        (pytester.path / name).parent.mkdir(parents=True, exist_ok=True)
        (pytester.path / name).write_text(text)
    pytester.machinery = machinery
    pytester.runs = lambda: _runs(runs.read_text())
    return pytester


def _runs(marks: str) -> int:
    """How many times the claim ran: its fixture set up ("x") and its body called ("y") as often."""
    setups, calls = marks.count("x"), marks.count("y")
    assert setups == calls, f"its fixture was set up {setups} times, its body called {calls} times"
    return calls


def run(project, passed=1, failed=0):
    project.runpytest("-p", "coursekit.testing.outcomes", "-n0", "-p", "no:randomly").assert_outcomes(
        passed=passed, failed=failed)
    return project.runs()


def each_change_runs_it_again(project, changes: dict) -> None:
    """Each change in turn (after one run) runs the test again, and its new pass is kept."""
    for count, (what, change) in enumerate(changes.items(), start=2):
        change()
        assert run(project) == count, f"{what} changed, and it passed from the cache"
    assert run(project) == count, "its new pass was not kept"


def test_a_passed_claim_runs_again_only_when_what_it_reads_changes(project):
    assert run(project) == 1
    assert run(project) == 1, "unchanged, it ran again"
    (project.path / "docs/page.md").write_text("# A page, edited\n")
    assert run(project) == 1, "a file it does not read changed, and it ran again"
    changes = {
        "a file it opened": lambda: (project.path / "data/value.txt").write_text("1 \n"),
        "its snippet folder": lambda: (project.path / "snippets/demo/script.py").write_text("print(2)\n"),
        "its own code": lambda: project.makepyfile(test_claims_demo=CLAIM + "\n# edited\n"),
        "a conftest": lambda: project.makeconftest("# edited\n"),
        "the machinery": lambda: (project.machinery / "module.py").write_text("x = 2\n"),
    }
    each_change_runs_it_again(project, changes)


def test_a_failed_claim_runs_every_time(project):
    (project.path / "data/value.txt").write_text("2\n")
    assert run(project, passed=0, failed=1) == 1
    assert run(project, passed=0, failed=1) == 2


@pytest.mark.parametrize("switch", ["CI", "COURSE_NO_CACHE"])
def test_under_ci_or_turned_off_every_claim_runs(project, monkeypatch, switch):
    monkeypatch.setenv(switch, "1")
    assert run(project) == 1
    assert run(project) == 2


def test_only_claims_and_machinery_tests_are_kept(project):
    project.makepyfile(test_claims_demo="", test_other=CLAIM)
    assert run(project) == 1
    assert run(project) == 2


MACHINERY_TEST = CLAIM.replace("import pytest\n", "import pytest\n\npytestmark = pytest.mark.machinery\n")


@pytest.fixture
def machinery_project(project):
    """The project as a git checkout (a machinery test's key lists the project's files with git), whose
    machinery test reads a data file outside the chapters."""
    project.makeconftest('def pytest_configure(config):\n    config.addinivalue_line("markers", "machinery: x")\n')
    project.makepyfile(test_claims_demo="", test_machinery=MACHINERY_TEST)
    subprocess.run(["git", "init", "-q"], cwd=project.path, check=True, timeout=60)
    return project


def test_a_machinery_test_runs_again_when_the_project_outside_the_chapters_changes_and_only_then(
        machinery_project, monkeypatch):
    project = machinery_project
    assert run(project) == 1
    assert run(project) == 1, "unchanged, it ran again"
    (project.path / "docs/page.md").write_text("# A page, edited\n")
    (project.path / "snippets/demo/script.py").write_text("print(2)\n")
    assert run(project) == 1, "a chapter changed, and a test of the machinery ran again"
    changes = {
        "a file it opened": lambda: (project.path / "data/value.txt").write_text("1 \n"),
        "a file it never opened, outside the chapters": lambda: (project.path / "tool.py").write_text("x = 1\n"),
        "its own code": lambda: project.makepyfile(test_machinery=MACHINERY_TEST + "\n# edited\n"),
        "the distributions installed": lambda: monkeypatch.setattr(outcomes, "_installed", lambda: "pytest==0"),
        "the browser": lambda: monkeypatch.setattr(outcomes, "_browser", lambda: "another browser"),
    }
    each_change_runs_it_again(project, changes)


SHARED = """
import os
from pathlib import Path

import pytest

from coursekit.testing.outcomes import reads_the_course

pytestmark = pytest.mark.machinery


def _count():
    with open(os.environ["RUNS"], "a") as runs:
        runs.write("xy")


@pytest.fixture(scope="module")
def page():
    return Path("docs/page.md").read_text()  # as a chapter copied into a scratch project


@pytest.fixture(scope="session")
@reads_the_course
def built():
    return "built"  # as the site, built from the chapters in another process: nothing opened here


def test_first(page):
    _count()


def test_second(page):
    _count()


def test_of_the_site(built):
    _count()
"""


def test_a_machinery_test_runs_again_when_a_chapter_it_reads_through_a_fixture_changes(machinery_project):
    """A chapter read by a fixture set up for the first test is read for the second too; a fixture marked
    `reads_the_course` reads every chapter."""
    project = machinery_project
    project.makepyfile(test_machinery=SHARED)
    assert run(project, passed=3) == 3
    assert run(project, passed=3) == 3, "unchanged, they ran again"
    (project.path / "snippets/demo/script.py").write_text("print(2)\n")
    assert run(project, passed=3) == 4, "only the test of the site reads every chapter"
    (project.path / "docs/page.md").write_text("# A page, edited\n")
    assert run(project, passed=3) == 7, "the page the fixture read changed, and a test using it passed from the cache"
