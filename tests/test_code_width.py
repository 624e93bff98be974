"""Every line of code or output a page shows fits the page's column, named by the file and line it comes
from (the rule of coursekit/checks/code_width.py; the browser's width check is the backstop)."""

import pytest

from coursekit.checks.code_width import COLUMN, too_wide
from coursekit.project import pages


@pytest.mark.parametrize("page", pages(), ids=str)
def test_no_line_shown_is_wider_than_the_code_column(page):
    problems = too_wide(page)
    assert not problems, "\n".join(problems)


@pytest.mark.machinery  # the rule on a page and a snippet of its own
def test_a_wide_line_is_named_by_the_file_it_comes_from(tmp_path, monkeypatch):
    from coursekit.checks import code_width

    snippets = tmp_path / "snippets"
    (snippets / "demo").mkdir(parents=True)
    wide = "x = 1  # " + "w" * COLUMN
    (snippets / "demo" / "a.py").write_text(f"# --8<-- [start:one]\nif True:\n    {wide}\n# --8<-- [end:one]\n"
                                            f"{wide}\n", encoding="utf-8")
    page = tmp_path / "page.md"
    chinese = "输出" * (COLUMN // 4 + 1)  # half as many characters as the column, each as wide as two
    page.write_text(f'# A page\n\n```python\n--8<-- "demo/a.py:one"\n```\n\n```text\n{wide}\n{chinese}\n```\n\n'
                    f'!!! note "Wider here"\n\n    ```text\n    {wide}\n    ```\n', encoding="utf-8")
    monkeypatch.setattr(code_width, "SNIPPETS", snippets)
    assert [problem.split(": ")[0] for problem in too_wide(page)] == [f"{snippets}/demo/a.py:3", f"{page}:8",
                                                                     f"{page}:9"]
