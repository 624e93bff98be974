"""One model of a page: every module that reads a page gets the same answer from it."""

import re
from pathlib import Path

import pytest

from coursekit import project
from coursekit.execution import outputs, stale_outputs
from coursekit.notebooks.from_pages import build
from coursekit.pages.codeblocks import collect, unexecuted_python
from coursekit.pages.model import Page
from coursekit.site import downloads, mathfont, mathml
from coursekit.site.markup import stale_notices

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

FENCE = "`" * 3
PAGE = f"""---
title: A page
---

# A page {{ #a-page }}

Prose with `inline $code$ and $dollars$` and a formula $w x + b$.

## First {{ .lead #first }}

<!--pytest.mark.timeout(5)-->
{FENCE}python
print("one")
{FENCE}

<!--pytest-codeblocks:expected-output-->

{FENCE}text title="Output"
--8<-- "demo/outputs/one.txt"
{FENCE}

<!--pytest-codeblocks:cont-->
{FENCE}python
print("two")
{FENCE}

## Second {{ #second }}

$$
y = \\sum_i w_i x_i
$$

[Back](#first) and ![a figure](figure.svg) and [away](https://example.org).
"""


def test_fences_are_typed_once_with_the_markers_above_them():
    page = Page(Path("docs/en/page.md"), PAGE)
    code, output, continued = page.fences
    assert (code.kind, code.markers, code.line, code.language) == ("code", ("mark.timeout(5)",), 12, "python")
    # a blank line between the marker and its fence is still its marker
    assert (output.kind, output.title, output.include.path) == ("output", "Output", "demo/outputs/one.txt")
    assert continued.kind == "code" and continued.continues and not code.continues


def test_headings_keep_their_id_wherever_it_stands_in_the_attribute_list():
    page = Page(Path("docs/en/page.md"), PAGE)
    assert [(h.level, h.title, h.id) for h in page.headings] == [
        (1, "A page", "a-page"), (2, "First", "first"), (2, "Second", "second")]
    assert page.heading_line("first") == 9


def test_formulas_come_from_prose_never_from_code():
    page = Page(Path("docs/en/page.md"), PAGE)
    assert [(f.tex, f.display) for f in page.formulas] == [("w x + b", False), ("y = \\sum_i w_i x_i", True)]


def test_links_and_images_with_their_lines():
    page = Page(Path("docs/en/page.md"), PAGE)
    assert [(link.target, link.image, link.external) for link in page.links] == [
        ("figure.svg", True, False), ("#first", False, False), ("https://example.org", False, True)]


def write(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def test_every_reader_of_a_page_agrees_which_fence_is_an_output(tmp_path, monkeypatch):
    page = write(tmp_path, PAGE.replace('--8<-- "demo/outputs/one.txt"', "one"))
    monkeypatch.setattr(outputs, "SNIPPETS", tmp_path)
    # the output fence holds Python-looking text (`one`): not a block to run, not a block that is missing a tag
    assert [block.line for block in collect(page)] == [12, 23]
    assert unexecuted_python(page) == []
    try:
        outputs.output_files(page)
    except ValueError as error:  # it is an output, and an output must be an include
        assert f"{page}:18:" in str(error)
    else:
        raise AssertionError("an output fence that is not an include passed")


def test_the_stale_warning_goes_above_the_markers_of_the_output_it_is_about():
    output = project.SNIPPETS / "demo/outputs/one.txt"
    flagged = stale_outputs.flag(PAGE, "en", [output]).splitlines()
    warning = flagged.index('!!! warning "Output older than its code"')
    assert flagged[warning + 4] == "<!--pytest-codeblocks:expected-output-->"


def test_a_stale_section_notice_goes_under_a_heading_whose_id_is_not_first_in_its_list():
    marked = stale_notices(PAGE, "fr", ["first"], lambda section: f"../en/#{section}").splitlines()
    heading = marked.index("## First { .lead #first }")
    assert marked[heading + 2].startswith("!!! warning")


def test_the_notebook_keeps_every_heading_id(tmp_path, monkeypatch):
    page = project.DOCS / "en" / "page-model-test.md"
    monkeypatch.setattr(project, "read_text", lambda path: PAGE if Path(path) == page else project.read_text(path))
    text = PAGE.replace('--8<-- "demo/outputs/one.txt"', "one")
    monkeypatch.setattr("coursekit.pages.includes.read_text", lambda path: text)
    notebook = build(page)
    assert notebook.metadata["course"]["heading_ids"] == ["a-page", "first", "second"]


def test_the_math_font_is_cut_to_formulas_of_prose_only(monkeypatch, tmp_path):
    page = write(tmp_path, "A price: `$5 and $6`, a cost $c$.\n")
    monkeypatch.setattr(mathfont, "pages", lambda: [page])
    assert len(mathfont.site_formulas()) == 1 and "<mi>c</mi>" in mathfont.site_formulas()[0]


def test_the_math_font_follows_the_formulas_as_a_page_changes(monkeypatch, tmp_path):
    """Every build and rebuild asks again; an edited page gives its new characters."""
    page = write(tmp_path, "A cost $c$.\n")
    monkeypatch.setattr(mathfont, "pages", lambda: [page])
    assert "\U0001d450" in mathfont.site_characters()  # italic c
    page.write_text("A cost $d$.\n", encoding="utf-8")
    shown = mathfont.site_characters()
    assert "\U0001d451" in shown and "\U0001d450" not in shown
    assert shown == mathfont.characters(mathfont.site_formulas())


def test_the_notebook_keeps_the_words_of_links_to_other_pages_only(monkeypatch):
    """A link to another page leads nowhere from a notebook; a page's link is the page model's, a title or
    brackets in its words included; an address or an anchor of the page itself still leads somewhere."""
    page = project.DOCS / "en" / "page-model-test.md"
    text = PAGE + '\nSee [the [1] list](other.md "Other"), [mail](mailto:a@b.org) and [up](#a-page).\n'
    monkeypatch.setattr(project, "read_text", lambda path: text if Path(path) == page else project.read_text(path))
    monkeypatch.setattr("coursekit.pages.includes.read_text", lambda path: text.replace('--8<-- "demo/outputs/one.txt"',
                                                                                         "one"))
    shown = "\n".join(cell.source for cell in build(page).cells if cell.cell_type == "markdown")
    assert "See the [1] list, [mail](mailto:a@b.org) and [up](#a-page)." in shown


@pytest.mark.parametrize("prose", ["the $k$th weight", "from $ 5 to $ 6", "a $w x + b$ and $$y^2$$"])
def test_a_notebook_page_shows_as_formulas_what_the_chapter_page_does(prose):
    """The notebook's Markdown cells are the chapter page's prose: the same `$` make the same formulas."""
    shown = re.findall(r"<math\b.*?</math>", mathml.convert_dollars(f"<p>{prose}</p>"), re.DOTALL)
    assert shown == [mathml.to_mathml(f.tex, f.display) for f in Page(Path("page.md"), prose).formulas]


def test_front_matter_follows_the_page_and_is_the_callers_own(tmp_path):
    page = write(tmp_path, "---\nnotebook: demo\n---\n# A page\n")
    project.front_matter(page)["notebook"] = "changed by a caller"
    assert project.front_matter(page) == {"notebook": "demo"}
    page.write_text("---\nnotebook: other\n---\n# A page\n", encoding="utf-8")
    assert project.front_matter(page) == {"notebook": "other"}


def test_a_nested_snippet_runs_and_is_served(tmp_path, monkeypatch):
    snippets = tmp_path / "snippets"
    for script in ["chapter/top.py", "chapter/part/nested.py"]:
        (snippets / script).parent.mkdir(parents=True, exist_ok=True)
        (snippets / script).write_text("print(1)\n", encoding="utf-8")
    (snippets / "chapter/outputs").mkdir()
    (snippets / "chapter/outputs/not-a-script.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(project, "SNIPPETS", snippets)
    monkeypatch.setattr(downloads, "SNIPPETS", snippets)
    scripts = [p.relative_to(snippets).as_posix() for p in project.snippet_scripts()]
    assert scripts == ["chapter/part/nested.py", "chapter/top.py"]
    downloads.write_scripts(str(tmp_path / "site"))
    served = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.py"))
    assert served == ["snippets/chapter/part/nested.py", "snippets/chapter/top.py"]
