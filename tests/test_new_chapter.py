"""`python -m coursekit new-chapter NAME`, as a contributor runs it, on a scratch copy of the project that keeps
its first chapter: after `refresh`, the site builds strictly, and the new chapter's blocks, claims, figure and
translations pass their tests."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from coursekit.checks.code_width import COLUMN
from coursekit.execution import cache
from coursekit.project import ROOT
from coursekit.tools.scratch_course import first_chapters

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

TIMEOUT = 900  # seconds for each command: a hang fails, naming the command


def run(project, *command):
    try:
        done = subprocess.run([sys.executable, "-m", *command], cwd=project, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(command)}` ran past {TIMEOUT} s", pytrace=False)
    assert done.returncode == 0, f"`{' '.join(command)}` failed:\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory, built):
    project = first_chapters(1, tmp_path_factory.mktemp("new-chapter") / "project")
    # The session's build cached its notebook pages by content: the copy's build renders only the new ones.
    renders = ROOT / ".cache" / "mkdocs-jupyter"
    if renders.is_dir():
        shutil.copytree(renders, project / ".cache" / "mkdocs-jupyter", ignore=shutil.ignore_patterns("*.json.*"))
    # Its runs are keyed by content, with paths relative to the project: the copy shares the project's
    # cache, so the scaffold's code and pages run again only when what they read changed (never under CI).
    if cache.enabled():
        cache.FOLDER.mkdir(parents=True, exist_ok=True)
        (project / ".cache").mkdir(exist_ok=True)
        (project / ".cache" / "executions").symlink_to(cache.FOLDER, target_is_directory=True)
    PRINTED["new-chapter"] = run(project, "coursekit", "new-chapter", "first-demo", "--title", "A demo",
                                 "--title-fr", "Une démo")
    return project


PRINTED = {}  # what the project fixture's commands printed


def test_it_writes_the_pages_snippet_claims_nav_and_outline(project):
    for path in ["docs/en/chapters/first-demo.md", "docs/fr/chapters/first-demo.md", "docs/zh/chapters/first-demo.md",
                 "snippets/first_demo/first_steps.py", "tests/test_claims_first_demo.py"]:
        assert (project / path).is_file(), path
    nav = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- chapters/first-demo.md\n" in nav and "- notebooks/first-demo.ipynb\n" in nav
    french = (project / "docs/fr/chapters/first-demo.md").read_text(encoding="utf-8")
    assert "# Apprentissage profond 2 — Une démo { #first-demo }" in french and 'title="Sortie"' in french
    chinese = (project / "docs/zh/index.md").read_text(encoding="utf-8")
    assert "2. [深度学习 2——A demo](chapters/first-demo.md)" in chinese
    snippet = (project / "snippets/first_demo/first_steps.py").read_text(encoding="utf-8").splitlines()
    assert not [line for line in snippet[1:] if len(line) > COLUMN], "wider than the page's code column"


def test_it_says_what_to_replace_and_a_test_names_each_placeholder_until_then(project):
    """The scaffold's first section, intro, description, summary and outline item stand in for the chapter's
    own: the command says where they are, and the chapter's placeholder test names each, as a skip while the
    chapter is written and as a failure under CI, which publishes."""
    import os

    printed = PRINTED["new-chapter"].partition("\nnext:")[2]  # after the files it wrote
    for step in ("python -m coursekit refresh", "docs/zh/chapters/first-demo.md", "snippets/first_demo/first_steps.py",
                 "docs/fr/index.md", "pytest --chapter first-demo"):
        assert step in printed, f"new-chapter's next steps do not name {step}:\n{printed}"
    local = {name: value for name, value in os.environ.items() if name != "CI"}
    for env, returncode in ((local, 0), (dict(local, CI="true"), 1)):
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n0", "tests/test_placeholders.py", "-k",
                               "first-demo"], cwd=project, capture_output=True, text=True, timeout=TIMEOUT, env=env)
        assert done.returncode == returncode, done.stdout[-3000:]
        for language in ("en", "fr", "zh"):
            for page in (f"docs/{language}/chapters/first-demo.md", f"docs/{language}/index.md"):
                named = re.search(rf"{page}:\d+: new-chapter's placeholder", done.stdout)
                assert named, f"{page} not named (CI={env.get('CI')}):\n{done.stdout}"


def test_the_copy_is_a_working_tree_its_own_commands_can_copy(project):
    """The project's commands list its files with git (a scratch course, the bench's, is made from them):
    in the copy too, as in a contributor's clone."""
    code = "from coursekit.project import project_files; print(len(project_files()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0 and int(done.stdout) > 100, done.stderr[-2000:]


def test_gitignore_ignores_no_file_of_the_project():
    """A pattern meant for the built site (`site/`) once matched `coursekit/site/` too: a new module there
    was left out of commits and of every copy of the project."""
    ignored = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert not ignored, f".gitignore matches files of the project: {ignored[:5]}"


def test_a_second_run_refuses_and_leaves_the_chapter_alone(project):
    page = project / "docs/en/chapters/first-demo.md"
    before = page.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "coursekit", "new-chapter", "first-demo"], cwd=project,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 2 and "exists already" in done.stderr
    assert page.read_text(encoding="utf-8") == before


def test_after_refresh_its_chapter_run_is_green(project):
    """What a contributor runs next: `refresh`, then `pytest --chapter NAME`, which holds the chapter's strict
    build, its blocks and snippets in every language, its claims, notebook, translations, links, and its pages
    in the browser. Green, with the placeholders as its only skips (outside CI, which fails on them)."""
    run(project, "coursekit", "refresh")
    local = {name: value for name, value in os.environ.items() if name != "CI"}
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsp", "--chapter", "first-demo"], cwd=project,
                              capture_output=True, text=True, timeout=TIMEOUT, env=local)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`pytest --chapter first-demo` ran past {TIMEOUT} s", pytrace=False)
    failures = done.stdout.partition("short test summary")[0][-6000:]
    assert done.returncode == 0, f"`pytest --chapter first-demo` failed:\n{failures}\n{done.stdout[-1500:]}"
    summary = done.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), summary
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    others = [line for line in skips if "new-chapter's placeholder" not in line]
    assert skips and not others, f"skipped for another reason than the placeholders:\n" + "\n".join(others or skips)
    passed = "\n".join(line for line in done.stdout.splitlines() if line.startswith("PASSED"))
    for held in ("docs/en/chapters/first-demo.md::line", "docs/zh/chapters/first-demo.md::line",
                 "test_claims_first_demo.py::", "test_strict_build_has_no_warning", "test_every_page_loads_cleanly",
                 "test_snippet_prints_the_same_on_another_device_and_cpu[snippets/first_demo/first_steps.py]"):
        assert held in passed, f"the chapter run did not pass {held}:\n{passed[-4000:]}"
