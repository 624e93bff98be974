"""`pytest --chapter ID`: a chapter's tests and the checks its pages and code are held to, nothing of the other
chapters, nor the checks of the site as a whole (`--site`) or of the machinery (`--machinery`)."""

import os
import subprocess
import sys

import pytest

from coursekit.pages.includes import snippet_folders
from coursekit.project import ROOT, chapter_pages, chapters, read_text, runs
from coursekit.testing.chapters import chapter_of

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

(FIRST, FIRST_PAGE), (SECOND, SECOND_PAGE) = list(chapters().items())[:2]


def test_paths_addresses_and_parameters_name_their_chapter():
    name = FIRST_PAGE.rsplit("/", 1)[-1]
    assert chapter_of(f"docs/fr/chapters/{name}.md") == FIRST
    assert chapter_of(f"zh/{FIRST_PAGE}/") == FIRST
    assert chapter_of(f"notebooks/{FIRST}/") == FIRST
    assert chapter_of(FIRST) == FIRST
    assert chapter_of(f"docs/en/chapters/{name}-copy.md") is None  # another name, not a prefix match
    assert chapter_of("glossary/") is None and chapter_of("tests/test_site.py") is None


@pytest.fixture
def suite(pytester):
    pytester.makeconftest('pytest_plugins = ["coursekit.testing.chapters"]')
    pytester.makepyfile(test_course=f"""
        import pytest

        from coursekit.testing.chapters import wanted

        @pytest.mark.parametrize("chapter", ["{FIRST}", "{SECOND}"])
        def test_per_chapter(chapter):
            pass

        @pytest.mark.parametrize("page", ["docs/fr/{FIRST_PAGE}.md", "zh/notebooks/{SECOND}/"])
        def test_per_page(page):
            pass

        def test_across_chapters():
            pass

        @pytest.mark.machinery
        def test_of_the_machinery():
            pass

        @pytest.mark.site
        def test_of_the_site():
            pass

        @pytest.mark.site(every_run=True)
        def test_of_each_page_of_the_run(request):  # as the every-page pass in the browser picks its pages
            pages = ["", "glossary/", "{FIRST_PAGE}/", "fr/notebooks/{FIRST}/", "zh/{SECOND_PAGE}/"]
            print("pages:", *[page or "home" for page in pages if wanted(request.config, page)])
    """)
    return pytester


def test_a_chapter_run_keeps_its_tests_and_those_of_its_pages(suite):
    result = suite.runpytest("--chapter", FIRST, "-p", "no:xdist", "-v", "-s")
    result.assert_outcomes(passed=4, deselected=4)
    result.stdout.fnmatch_lines_random([f"*test_per_chapter?{FIRST}? PASSED*", "*test_per_page?docs?fr?*PASSED*",
                                        "*test_across_chapters PASSED*", "*test_of_each_page_of_the_run*"])
    result.stdout.fnmatch_lines([f"*pages: {FIRST_PAGE}/ fr/notebooks/{FIRST}/"])  # no home, no glossary
    assert SECOND not in result.stdout.str().replace("deselected", "")


def test_the_site_run_keeps_the_checks_of_the_site_and_the_pages_of_no_chapter(suite):
    result = suite.runpytest("--site", "-p", "no:xdist", "-v", "-s")
    result.assert_outcomes(passed=2, deselected=6)
    result.stdout.fnmatch_lines_random(["*test_of_the_site PASSED*", "*test_of_each_page_of_the_run*"])
    result.stdout.fnmatch_lines(["*pages: home glossary/"])


def test_without_a_run_everything_runs_on_every_page(suite):
    result = suite.runpytest("-p", "no:xdist", "-s")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines([f"*pages: home glossary/ {FIRST_PAGE}/ fr/notebooks/{FIRST}/ zh/{SECOND_PAGE}/"])


def test_the_runs_of_the_workflow_together_run_everything_once_a_run(suite):
    """What the publishing workflow's jobs run: each chapter's, the site's and the machinery's; each test that
    is not a check of the run's pages is in one run only, or (naming no chapter) in every chapter's."""
    def selected(*options):
        result = suite.runpytest("--collect-only", "-q", "-p", "no:xdist", *options)
        return {line for line in result.stdout.lines if "::" in line}

    everything = selected()
    found = {run: selected(run) for run in runs()}
    assert set().union(*found.values()) == everything and len(everything) == 8
    assert found["--machinery"] == {line for line in everything if "machinery" in line}
    assert found["--site"] == {line for line in everything if "of_the_site" in line or "each_page" in line}
    each_page = {line for line in everything if "each_page" in line}  # the one test of every run but the machinery's
    for run, tests in found.items():
        if run.startswith("--chapter"):
            assert each_page <= tests and not tests & (found["--site"] | found["--machinery"]) - each_page, run


def test_a_chapter_run_does_not_import_the_files_of_another_chapter(pytester, monkeypatch):
    """Another chapter's claims would all be left out: their file is not imported (torch and all)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # coursekit, for the runs in processes of their own
    second_page = next(page for page, notebook in chapter_pages().items() if notebook == SECOND)
    folder = sorted(snippet_folders(read_text(second_page)))[0]
    pytester.makeconftest('pytest_plugins = ["coursekit.testing.chapters"]')
    pytester.makepyfile(**{f"test_claims_{folder}": "raise RuntimeError('imported')",
                           "test_course": "def test_across_chapters():\n    pass\n"})
    # In a process of their own: this one has imported the real claims module of that name.
    pytester.runpytest_subprocess("--chapter", FIRST, "-p", "no:xdist").assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("--chapter", SECOND, "-p", "no:xdist")  # its own chapter's run imports it
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: imported*"])


def test_collecting_the_tests_imports_neither_torch_nor_matplotlib(tmp_path):
    """A chapter run whose claims all come from the cache pays nothing for torch (1.7 s in each worker): test
    files import it on first use (`coursekit.testing.lazy`)."""
    (tmp_path / "imported.py").write_text(
        "import sys\n\ndef pytest_collection_finish(session):\n"
        "    print('heavy imports:', sorted(set(sys.modules) & {'torch', 'matplotlib.pyplot'}))\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "imported", "-n", "0"],
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(tmp_path)), capture_output=True,
                            text=True, timeout=300)
    assert "heavy imports: []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.mark.parametrize("options", [("--machinery", "--chapter", FIRST), ("--site", "--chapter", FIRST),
                                     ("--site", "--machinery")])
def test_two_runs_at_once_are_refused(suite, options):
    result = suite.runpytest(*options, "-p", "no:xdist")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*one or the other*"])


def test_an_unknown_chapter_is_refused(suite):
    result = suite.runpytest("--chapter", "no-such-chapter", "-p", "no:xdist")
    result.stderr.fnmatch_lines(["*--chapter no-such-chapter: no such chapter*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
