"""Bad input, as a contributor meets it: each fault planted in a copy of a small project (the course without
its chapters, plus a demo chapter in three languages), built and tested as a contributor does. What they see
is one line naming the file and line and saying what to do, through MkDocs' own channel (its error and
"Aborted" lines) and pytest's (a failing test, the other tests still run); never a traceback."""

import shutil
import subprocess
import sys

import pytest

from coursekit.tools.scratch_course import first_chapters

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

TIMEOUT = 300  # seconds for each command
FENCE = "```"
PAGE = "docs/{language}/chapters/demo.md"
TITLES = {"en": ("A demo", "Output"), "fr": ("Une démo", "Sortie"), "zh": ("演示", "输出")}


def run(project, *command, check=True):
    try:
        done = subprocess.run([sys.executable, "-m", *command], cwd=project, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(command)}` ran past {TIMEOUT} s", pytrace=False)
    assert not check or done.returncode == 0, f"`{' '.join(command)}` failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The course without its chapters, plus a demo chapter (no notebook: none to render) whose block shows
    its output, refreshed and marked in step."""
    project = first_chapters(0, tmp_path_factory.mktemp("bad-input") / "project")
    (project / "snippets/demo/outputs").mkdir(parents=True)
    (project / "snippets/demo/first.py").write_text(
        "# --8<-- [start:hello]\nx = 2\nprint(x + 1)\n# --8<-- [end:hello]\n", encoding="utf-8")
    for language, (title, output) in TITLES.items():
        (project / PAGE.format(language=language)).write_text(
            f"---\ndescription: {title}.\n---\n\n# {title} {{ #demo }}\n\nA formula: $y = x^2$.\n\n"
            f'{FENCE}python title="first.py"\n--8<-- "demo/first.py:hello"\n{FENCE}\n\n'
            f"<!--pytest-codeblocks:expected-output-->\n"
            f'{FENCE}text title="{output}"\n--8<-- "demo/outputs/first.hello.txt"\n{FENCE}\n', encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - Chapters:\n",
                                                                 "  - Chapters:\n    - chapters/demo.md\n"),
                      encoding="utf-8")
    for language in list(TITLES)[1:]:
        run(project, "coursekit", "translations", "mark", PAGE.format(language=language))
    run(project, "coursekit", "refresh")
    return project


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def malformed_front_matter(project):
    edit(project / PAGE.format(language="fr"), "description: Une démo.\n", "description: Une démo.\ntitle: [a, b\n")


def page_not_utf8(project):
    page = project / PAGE.format(language="fr")
    page.write_bytes(page.read_text(encoding="utf-8").encode("latin-1"))


def output_not_utf8(project):
    (project / "snippets/demo/outputs/first.hello.txt").write_bytes("3 café".encode("latin-1"))


def formula(tex):
    def plant(project):
        for language in TITLES:
            edit(project / PAGE.format(language=language), "$y = x^2$", f"${tex}$")
    return plant


def wide_code_line(project):
    edit(project / "snippets/demo/first.py", "x = 2\n", "x = 2  # " + "a comment far too long " * 4 + "\n")


def random_print(project):
    edit(project / "snippets/demo/first.py", "print(x + 1)", "import random\nprint(x + random.random())")


def random_print_refreshed(project):
    random_print(project)
    run(project, "coursekit", "refresh")


def print_shown_nowhere(project):
    for language in TITLES:
        with (project / PAGE.format(language=language)).open("a", encoding="utf-8") as page:
            page.write(f"\n<!--pytest-codeblocks:cont-->\n{FENCE}python\nprint(x)\n{FENCE}\n")


def chain_after(code):
    """A chain of its own after the demo's, in every language: what it leaves is what a reader's session holds
    after it."""
    def plant(project):
        for language in TITLES:
            with (project / PAGE.format(language=language)).open("a", encoding="utf-8") as page:
                page.write(f"\n{FENCE}python\n{code}\n{FENCE}\n")
    return plant


def glossary_without_pinyin(project):
    with (project / "docs/glossary.yml").open("a", encoding="utf-8") as glossary:
        glossary.write("- en: widget\n  fr: gadget\n  zh: 小部件\n")


BUILD = {  # fault -> the line the strict build ends on
    "malformed front matter": (malformed_front_matter, "docs/fr/chapters/demo.md:4: front matter is not valid YAML: "
                                                       "expected ',' or ']', but got ':'"),
    "page not UTF-8": (page_not_utf8, "docs/fr/chapters/demo.md:2: not UTF-8 (byte b'\\xe9': invalid continuation "
                                      "byte); save it as UTF-8"),
    "output not UTF-8": (output_not_utf8, "docs/en/chapters/demo.md:15: snippets/demo/outputs/first.hello.txt:1: "
                                          "not UTF-8"),
    "formula that does not convert": (formula("x^"), "docs/en/chapters/demo.md:7: cannot convert formula 'x^': "
                                                     "a ^ or _ with nothing after it"),
    "unknown TeX command": (formula(r"\sigam(x)"), r"docs/en/chapters/demo.md:7: formula '\sigam(x)': unknown "
                                                   r"command \sigam: check its spelling"),
    "glossary entry without pinyin": (glossary_without_pinyin, "docs/glossary.yml: entry "),
}

PYTEST = {  # fault -> the line pytest names it with
    "malformed front matter": (malformed_front_matter, "docs/fr/chapters/demo.md:4: front matter is not valid "
                                                       "YAML"),
    "page not UTF-8": (page_not_utf8, "docs/fr/chapters/demo.md:2: not UTF-8"),
    "output not UTF-8": (output_not_utf8, "docs/en/chapters/demo.md:15: snippets/demo/outputs/first.hello.txt:1: "
                                          "not UTF-8"),
    "code line wider than the column": (wide_code_line, "snippets/demo/first.py:2: 101 characters wide; the page's "
                                                        "code column holds 78 here: break the line"),
    "code changed since refresh": (random_print, "docs/en/chapters/demo.md:9: the output shown under this block is "
                                                 "stale: run python -m coursekit refresh"),
    "print that differs on each run": (random_print_refreshed, "docs/en/chapters/demo.md:9: prints something else "
                                                               "on each run: seed it or print only what the code "
                                                               "determines"),
    "print shown nowhere": (print_shown_nowhere, "docs/en/chapters/demo.md:19: this code block prints, and the page "
                                                 "shows no output under it"),
    "random numbers drawn before the seed": (
        chain_after("import random\norder = random.sample(range(3), 3)\nrandom.seed(0)"),
        "docs/en/chapters/demo.md:18: this code block draws from Python's global random numbers (the random module) "
        "before its chain seeds them"),
    "a setting left changed": (
        chain_after("import numpy as np\nnp.set_printoptions(precision=3)"),
        "docs/en/chapters/demo.md:18: this code block changes NumPy's print options, and its chain leaves it so"),
    "a built-in rebound": (chain_after("sum = 0\nfor x in range(3):\n    sum += x"),
                           "docs/en/chapters/demo.md:18: this code block rebinds Python's built-in sum"),
}


@pytest.fixture
def copy(project, tmp_path):
    return shutil.copytree(project, tmp_path / "project", symlinks=True)


@pytest.mark.parametrize("fault", BUILD)
def test_the_strict_build_stops_on_one_line_naming_file_and_line(copy, fault):
    plant, line = BUILD[fault]
    plant(copy)
    done = run(copy, "mkdocs", "build", "--strict", "-d", str(copy / "site"), check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 1, log[-4000:]
    assert any(entry.startswith(f"ERROR   -  {line}") for entry in log.splitlines()), log[-4000:]
    assert "Aborted with a BuildError!" in log, log[-4000:]
    assert "Traceback" not in log, log[-4000:]



def test_a_data_file_that_does_not_parse_is_named_with_its_line(copy):
    """docs/comments.yml left with a merge's conflict marker: the build and the translation check each end
    on one line naming the file and line, with no traceback."""
    table = copy / "docs/comments.yml"
    lines = table.read_text(encoding="utf-8").count("\n")
    table.write_text(table.read_text(encoding="utf-8") + '"a comment": {fr: un commentaire}\n<<<<<<< HEAD\n',
                     encoding="utf-8")
    named = f"docs/comments.yml:{lines + 2}: not valid YAML"
    built = run(copy, "mkdocs", "build", "--strict", "-d", str(copy / "site"), check=False)
    log = built.stdout + built.stderr
    assert built.returncode == 1 and "Traceback" not in log, log[-4000:]
    assert any(entry.startswith("ERROR") and named in entry for entry in log.splitlines()), log[-4000:]
    checked = run(copy, "coursekit", "translations", check=False)
    assert checked.returncode == 2 and checked.stderr.strip().startswith(named), checked.stdout + checked.stderr
    assert "Traceback" not in checked.stderr, checked.stderr

@pytest.mark.parametrize("fault", PYTEST)
def test_pytest_fails_the_test_of_the_page_naming_file_and_line_and_runs_the_others(copy, fault):
    plant, line = PYTEST[fault]
    plant(copy)
    done = run(copy, "pytest", "-q", "-n0", "docs", "tests/test_translations.py", "tests/test_code_width.py", "-k",
               "demo or site_translations", check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-4000:]
    assert line in out and " passed" in out, out[-4000:]
    assert "INTERNALERROR" not in out and "Traceback" not in out, out[-4000:]
    assert "coursekit/" not in out, f"a traceback through the machinery:\n{out[-4000:]}"


def test_the_demo_project_builds_and_passes_its_tests(project):
    """Without a fault, the same commands succeed: each fault above is what fails."""
    run(project, "mkdocs", "build", "--strict", "-d", str(project / "site"))
    run(project, "pytest", "-q", "-n0", "docs", "tests/test_translations.py", "tests/test_code_width.py", "-k",
        "demo or site_translations")
