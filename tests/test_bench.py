"""The benchmark's verdict: "within budget" only when every budgeted figure is in, the test command included."""

import re

import pytest

from coursekit.budgets import BUDGET
from coursekit.tools.bench import Row, report, run_outcome

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def test_failed_tests_are_never_within_budget(capsys):
    rows = [Row("cold build", 9.0, "s", BUDGET["cold build"]),
            Row("tests: `pytest`", "failed (1 failed, 187 passed) after 70.2 s", "s", BUDGET["tests"])]
    problems = report(rows, {})
    out = capsys.readouterr().out
    assert problems and "within budget" not in out and "1 failed, 187 passed" in out


def test_a_failed_run_names_its_failed_tests():
    output = ("....F.E\n=== short test summary info ===\nFAILED tests/test_a.py::test_one - AssertionError: x\n"
              "ERROR tests/test_b.py::test_two - RuntimeError\n= 1 failed, 5 passed, 1 error in 9.1s =\n")
    assert run_outcome(output) == ("1 failed, 5 passed, 1 error in 9.1s",
                                    ["FAILED tests/test_a.py::test_one - AssertionError: x",
                                     "ERROR tests/test_b.py::test_two - RuntimeError"])


def test_measured_rows_under_their_limits_are_within_budget(capsys):
    assert report([Row("tests: `pytest`", 70.2, "s", BUDGET["tests"])], {}) == []
    assert capsys.readouterr().out.rstrip().endswith("within budget")


def test_skipped_tests_are_said_to_be_unmeasured(capsys):
    assert report([Row("tests: `pytest`", "skipped", "s", BUDGET["tests"])], {}) == []
    assert capsys.readouterr().out.rstrip().endswith("within budget (not measured: tests: `pytest`)")


def test_the_npm_packs_it_weighs_are_pinned_to_exact_versions():
    from coursekit.tools.bench import NPM_PACKS

    for package, pack in NPM_PACKS.items():
        version = re.fullmatch(r"(?:@[\w-]+/)?[\w-]+@(\d+\.\d+\.\d+)", package)
        assert version and pack.endswith(f"-{version[1]}.tgz"), f"{package}: pin an exact version"


def test_the_growth_of_the_tests_is_held_in_core_seconds_per_chapter():
    """The full `pytest` of N chapters grows by the core-seconds each chapter adds, against its budget; wall
    seconds are shown beside it, unbudgeted: on 2 cores they move with the machine's load."""
    from coursekit.tools.bench import growth_rows

    courses = [{"chapters": 2, "tests": 150.0, "tests, core-s": 260.0},
               {"chapters": 10, "tests": 350.0, "tests, core-s": 260.0 + 8 * (BUDGET["tests per chapter"] + 1)}]
    rows = {row.measure: row for row in growth_rows(courses)}
    grown = rows["growth per chapter: tests, core-s"]
    assert grown.value == pytest.approx(BUDGET["tests per chapter"] + 1) and grown.unit == "core-s" and grown.over
    assert rows["growth per chapter: tests"].limit is None


def test_core_seconds_count_what_the_children_computed():
    import subprocess
    import sys

    from coursekit.tools.bench import core_seconds

    run = [sys.executable, "-c"]
    busy, _ = core_seconds(subprocess.run, [*run, "sum(i * i for i in range(3_000_000))"], timeout=120)
    idle, _ = core_seconds(subprocess.run, [*run, "import time; time.sleep(0.5)"], timeout=120)
    assert busy > 0.1 and idle < busy
