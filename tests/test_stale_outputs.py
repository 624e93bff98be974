"""Outputs older than their code are found without running it: flagged on the page under `mkdocs serve`, a build
warning (so a strict build fails) otherwise."""

import logging
import re

import pytest

from coursekit.execution import runner, stale_outputs
from coursekit.execution.outputs import output_files
from coursekit.pages.codeblocks import collect
from coursekit.project import DOCS, ROOT, chapters, languages, pages
from coursekit.wording import phrase

CHAPTER_PAGE = (DOCS / languages()[0] / f"{next(iter(chapters().values()))}.md").relative_to(ROOT)


@pytest.mark.parametrize("page", [p for p in pages() if output_files(p)], ids=str)
def test_every_shown_output_has_the_fingerprint_of_its_code(page):
    found = stale_outputs.stale(page)
    assert not found, "\n".join(f"{page}:{line}: {output.relative_to(ROOT)} is stale" for line, output in found)


@pytest.mark.machinery
def test_changing_a_block_makes_its_output_and_the_later_ones_of_its_chain_stale(tmp_path):
    """The first chain with two outputs: a comment added to its first block stales both, and nothing else."""
    blocks, targets = collect(CHAPTER_PAGE), output_files(CHAPTER_PAGE)
    chain = next(c for c in runner.chains(blocks) if sum(blocks[i].line in targets for i in c) >= 2)
    first = blocks[chain[0]].line
    lines = (ROOT / CHAPTER_PAGE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(first, "# a comment that changes the code, not what it prints\n")  # after the opening fence
    page = tmp_path / "page.md"
    page.write_text("".join(lines), encoding="utf-8")
    expected = {targets[blocks[i].line] for i in chain if blocks[i].line in targets}
    assert {output for _, output in stale_outputs.stale(page)} == expected


@pytest.mark.parametrize("language", languages())
def test_serving_shows_a_warning_above_the_stale_output_in_the_page_language(language):
    output = next(iter(output_files(CHAPTER_PAGE).values()))
    solution = f'??? success "Solution"\n    <!--pytest-codeblocks:expected-output-->\n    ```text\n' \
               f'    --8<-- "{output.relative_to(ROOT / "snippets").as_posix()}"\n    ```\n'
    flagged = stale_outputs.flag(solution, language, [output])
    assert re.search(rf'^    !!! warning "{re.escape(phrase(language, "stale_output_title"))}"\n\n        ', flagged, re.M)
    assert flagged.endswith(solution.split("\n", 1)[1]) and "coursekit refresh" in flagged


def test_a_build_warns_naming_page_line_and_output(caplog, monkeypatch):
    monkeypatch.setattr(stale_outputs, "recorded", lambda output: "an older fingerprint")
    markdown = (ROOT / CHAPTER_PAGE).read_text(encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.coursekit"):
        same = stale_outputs.check(markdown, str(ROOT / CHAPTER_PAGE), languages()[0], serving=False)
    line, output = min(output_files(CHAPTER_PAGE).items())
    assert same == markdown
    assert f"{CHAPTER_PAGE}:{line}: {output.relative_to(ROOT)} is older than the code" in caplog.text


@pytest.mark.machinery
def test_a_snippet_edited_since_the_last_check_is_seen(monkeypatch):
    """`mkdocs serve` checks a page on every rebuild, in one process: an included snippet that changed since
    the last check stales the outputs of its chain, though the page's own text did not change."""
    from coursekit.pages import includes

    assert stale_outputs.stale(CHAPTER_PAGE) == []
    blocks, targets = collect(CHAPTER_PAGE), output_files(CHAPTER_PAGE)
    chain = next(c for c in runner.chains(blocks) if any(blocks[i].line in targets for i in c))
    include = (ROOT / CHAPTER_PAGE).read_text(encoding="utf-8").splitlines()[blocks[chain[0]].line]
    run = includes._PREPROCESSOR.run
    monkeypatch.setattr(includes._PREPROCESSOR, "run",
                        lambda lines: ["# an edit"] + run(lines) if lines == [include] else run(lines))
    expected = {targets[blocks[i].line] for i in chain if blocks[i].line in targets}
    assert {output for _, output in stale_outputs.stale(CHAPTER_PAGE)} == expected
