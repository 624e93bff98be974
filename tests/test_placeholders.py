"""A chapter holds no placeholder of `new-chapter`: its intro, description, summary, first section and home-page
outline item are its own, in every language. While a chapter is being written, its run names each placeholder
by file and line as a skip (a chapter just made and refreshed is green, and says what is left); under CI, which
publishes, they fail."""

import os

import pytest

from coursekit.checks.placeholders import left_in, left_in_chapter
from coursekit.project import chapter_ids
from coursekit.tools.new_chapter import WORDS


@pytest.mark.parametrize("chapter", chapter_ids())
def test_no_placeholder_of_new_chapter_is_left_in_place(chapter):
    problems = left_in_chapter(chapter)
    if problems:
        message = "new-chapter's placeholder text, to replace with the chapter's own:\n" + "\n".join(problems)
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.mark.machinery
def test_a_placeholder_left_is_named_by_file_and_line(tmp_path):
    home = tmp_path / "index.md"
    home.write_text(f"# Home\n\n1. [One](chapters/one.md): the chapter's own.\n"
                    f"2. [Two](chapters/two.md): {WORDS['fr']['what']}\n"
                    f"3. [Three](chapters/three.md): {WORDS['zh']['what']}\n", encoding="utf-8")
    page = tmp_path / "two.md"
    page.write_text(f"---\ndescription: {WORDS['en']['description']}\n---\n\n# Two\n\nOwn intro.\n\n"
                    f'```python\n--8<-- "two/first_steps.py:running-mean"\n```\n', encoding="utf-8")
    assert left_in(home, only="(chapters/one.md)") == []
    assert [problem.split(": new-chapter's placeholder")[0] for problem in left_in(home)] == [
        f"{home}:4", f"{home}:5"]
    assert [problem.split(": new-chapter's placeholder")[0] for problem in left_in(page)] == [f"{page}:2", f"{page}:10"]
    assert "describe the chapter in the page's front matter" in left_in(page)[0]
    assert "replace the first section" in left_in(page)[1]
