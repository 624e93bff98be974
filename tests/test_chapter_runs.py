"""`pytest --chapter ID`: a chapter's tests and the checks across chapters, nothing of the other chapters."""

import pytest

from coursekit.project import chapters
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
    """)
    return pytester


def test_a_chapter_run_keeps_its_tests_and_the_shared_ones(suite):
    result = suite.runpytest("--chapter", FIRST, "-p", "no:xdist", "-v")
    result.assert_outcomes(passed=3, deselected=3)
    result.stdout.fnmatch_lines_random([f"*test_per_chapter?{FIRST}? PASSED*", "*test_per_page?docs?fr?*PASSED*",
                                        "*test_across_chapters PASSED*"])
    assert SECOND not in result.stdout.str().replace("deselected", "")


def test_without_a_chapter_everything_runs(suite):
    suite.runpytest("-p", "no:xdist").assert_outcomes(passed=6)


def test_the_runs_of_the_chapters_and_of_the_machinery_together_run_everything(suite):
    """What the publishing workflow's jobs run: each chapter's, and the machinery's alone."""
    def selected(*options):
        result = suite.runpytest("--collect-only", "-q", "-p", "no:xdist", *options)
        return {line for line in result.stdout.lines if "::" in line}

    everything = selected()
    machinery = selected("--machinery")
    assert machinery == {line for line in everything if "machinery" in line}
    runs = [selected("--chapter", chapter) for chapter in (FIRST, SECOND)] + [machinery]
    assert set().union(*runs) == everything and len(everything) == 6


def test_a_run_of_the_machinery_and_a_chapter_together_is_refused(suite):
    result = suite.runpytest("--machinery", "--chapter", FIRST, "-p", "no:xdist")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_an_unknown_chapter_is_refused(suite):
    result = suite.runpytest("--chapter", "no-such-chapter", "-p", "no:xdist")
    result.stderr.fnmatch_lines(["*--chapter no-such-chapter: no such chapter*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
