"""Comments and docstrings in the page's language: the code blocks, their copy button and the notebooks of a
French or Chinese page say in that language what the English scripts say; the code is the same, byte for byte,
once comments and docstrings are set aside, and prints what it prints."""

import html as html_text
import re

import nbformat
import pytest

from coursekit.checks import translations
from coursekit.checks.code_width import too_wide
from coursekit.pages import comments
from coursekit.pages.codeblocks import collect
from coursekit.pages.comments import set_aside, translate
from coursekit.pages.includes import expand_file
from coursekit.pages.model import Page
from coursekit.project import DOCS, ROOT, SNIPPETS, chapter_pages, chapters, language_of, languages, site_prefix

CHAPTERS = chapters()
OTHERS = languages()[1:]


def chapter_page(chapter: str, language: str):
    return next(page for page, notebook in chapter_pages().items()
                if notebook == chapter and language_of(page) == language)


def shown(page) -> list:
    """The comments a page shows, each once."""
    found = {}
    for include in Page(page).includes:
        if include.path.endswith(".py"):
            for comment in comments.shown_comments(SNIPPETS / include.path, include.section):
                found[comment.text] = comment
    return list(found.values())


def said(text: str) -> str:
    """The first line of a comment as the reader sees it, the `#` and quotes aside."""
    return text.strip().split("\n")[0].strip()


def translated(page, language) -> list[tuple[str, str]]:
    """(English, translation) of each comment the page shows that says something else in `language`."""
    table = comments.table()
    pairs = [(comment.text, str(table[comment.text][language])) for comment in shown(page)
             if comment.text in table and language in table[comment.text]]
    return [(english, translation) for english, translation in pairs if " ".join(translation.split()) != english]


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_code_is_the_english_code_once_comments_are_set_aside(chapter, language):
    english = [block.block.code for block in collect(chapter_page(chapter, "en"))]
    page = chapter_page(chapter, language)
    shown_there = [block.block.code for block in collect(page, expand_file(page, language))]
    assert len(shown_there) == len(english)
    for code, original in zip(shown_there, english):
        assert set_aside(code) == set_aside(original), f"{page}: a block's code differs from the English one"
    for script in {SNIPPETS / include.path for include in Page(page).includes if include.path.endswith(".py")}:
        code = script.read_text(encoding="utf-8")
        assert set_aside(translate(code, language)) == set_aside(code), script


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_page_and_its_notebook_show_the_comments_in_their_language(chapter, language):
    page = chapter_page(chapter, language)
    pairs = translated(page, language)
    assert pairs, f"{page}: no comment says anything in {language}"
    blocks = [block.block.code for block in collect(page, expand_file(page, language))]
    notebook = nbformat.read(DOCS / language / "notebooks" / f"{chapter}.ipynb", as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    for where, code in ((page, blocks), ("its notebook", cells)):
        said_there = {comment.text for each in code for comment in comments.comments(each)}
        left = [english for english, _ in pairs if english in said_there]
        missing = [translation for _, translation in pairs if " ".join(translation.split()) not in said_there]
        assert not left and not missing, f"{where}: English comments {left}; translations not shown {missing}"


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_built_page_shows_and_copies_the_comments_in_its_language(site, chapter, language):
    """What Material's copy button copies is the block's text: the comments in the page's language."""
    built = (site / site_prefix(language) / CHAPTERS[chapter] / "index.html").read_text(encoding="utf-8")
    # Pygments' comment and docstring tokens: `<span class="c1"># ...</span>`, `<span class="sd">"""..."""</span>`
    spans = re.findall(r'<span class="(?:c1|sd)">(.*?)</span>', built, re.DOTALL)
    said_there = {" ".join(html_text.unescape(span).strip('#"\' \n').split()) for span in spans}
    pairs = translated(chapter_page(chapter, language), language)
    left = [english for english, _ in pairs if english in said_there]
    missing = [translation for _, translation in pairs if said(translation) not in "\n".join(said_there)]
    assert not left and not missing, f"English comments {left}; translations not shown {missing}"


# The checks, each with the fault it is for planted.

def test_a_hash_in_a_string_is_no_comment_and_a_run_of_comments_is_one():
    code = ('"""Module."""\nx = "# not a comment"  # a comment\n# one thought\n# over two lines\n'
            'def f():\n    """Docstring\n    on two lines."""\n    return "#"\n')
    found = [(comment.kind, comment.line, comment.text) for comment in comments.comments(code)]
    assert found == [("docstring", 1, "Module."), ("comment", 2, "a comment"),
                     ("comment", 3, "one thought over two lines"), ("docstring", 6, "Docstring on two lines.")]
    table = {"a comment": {"fr": "un commentaire"}, "one thought over two lines": {"fr": "une idée\nsur deux"},
             "Docstring on two lines.": {"fr": "Docstring\nen français\nsur trois lignes."}}
    french = translate(code, "fr", table)
    assert 'x = "# not a comment"  # un commentaire\n# une idée\n# sur deux\n' in french
    assert '    """Docstring\n    en français\n    sur trois lignes."""\n    return "#"' in french
    assert set_aside(french) == set_aside(code) and "Module." in french


def test_a_translation_that_changes_the_code_is_caught():
    code = 'def f():\n    """Docstring."""\n    return 1\n'
    broken = translate(code, "fr", {"Docstring.": {"fr": 'Fin."""\n    return 2\n    """'}})
    assert set_aside(broken) != set_aside(code)


def plant(tmp_path, monkeypatch, script: str, table: str):
    """A course of one page in each language, showing `script`, with `table` as its comments.yml."""
    snippets = tmp_path / "snippets"
    (snippets / "demo").mkdir(parents=True)
    (snippets / "demo" / "demo.py").write_text(script, encoding="utf-8")
    docs = tmp_path / "docs"
    for language in languages():
        (docs / language).mkdir(parents=True)
        (docs / language / "demo.md").write_text('# Demo\n\n```python title="demo.py"\n--8<-- "demo/demo.py:one"\n'
                                                 '```\n', encoding="utf-8")
    (docs / "comments.yml").write_text(table, encoding="utf-8")
    monkeypatch.setattr("coursekit.project.SNIPPETS", snippets)
    return [str(problem) for problem in translations._comment_problems(docs, OTHERS)]


SCRIPT = ("# --8<-- [start:one]\nx = 1  # why x is 1\n# --8<-- [end:one]\n"
          "y = 2  # not shown on any page\n")


def test_a_comment_without_translation_is_named_with_file_and_line(tmp_path, monkeypatch):
    problems = plant(tmp_path, monkeypatch, SCRIPT, '"why x is 1": {fr: pourquoi x vaut 1}\n')
    assert problems == [f"{tmp_path}/snippets/demo/demo.py:2: comment 'why x is 1' has no '{language}' translation "
                        "in docs/comments.yml" for language in OTHERS if language != "fr"]


def test_an_edited_english_comment_leaves_its_translations_stale_and_named(tmp_path, monkeypatch):
    table = '"why x is 1": {fr: pourquoi x vaut 1, zh: 为什么 x 是 1}\n'
    assert not plant(tmp_path, monkeypatch, SCRIPT, table)
    problems = plant(tmp_path / "edited", monkeypatch, SCRIPT.replace("why x is 1", "why x is one"), table)
    assert f"{tmp_path}/edited/snippets/demo/demo.py:2: comment 'why x is one' has no 'fr' translation in " \
           "docs/comments.yml" in problems




@pytest.mark.site  # the table is the whole course's: a chapter run cannot tell whose an entry was
def test_every_entry_of_the_comments_table_translates_a_comment_some_snippet_has():
    unused = translations.unused_comment_problems(DOCS / "comments.yml", "docs/comments.yml")
    assert not unused, "\n".join(map(str, unused))


def test_a_translation_no_snippet_uses_any_more_is_named_with_its_line(tmp_path, monkeypatch):
    table = ('"why x is 1": {fr: pourquoi x vaut 1, zh: 为什么 x 是 1}\n'
             '"not shown on any page": {fr: sur aucune page, zh: 不在任何页面上}\n'
             '"why x was 1": {fr: pourquoi x valait 1, zh: 为什么 x 曾是 1}\n')
    assert plant(tmp_path, monkeypatch, SCRIPT, table) == [
        "docs/comments.yml:3: 'why x was 1' is no comment or docstring of any snippet any more: "
        "remove its translations"]

def test_a_translation_that_changes_the_code_is_named(tmp_path, monkeypatch):
    script = '# --8<-- [start:one]\ndef f():\n    """Say why."""\n    return 1\n# --8<-- [end:one]\n'
    closes_the_docstring = '"Fin.\\"\\"\\" + \\"\\"\\""'
    problems = plant(tmp_path, monkeypatch, script, f'"Say why.": {{fr: {closes_the_docstring}, zh: 说明原因。}}\n')
    assert problems == [f"{tmp_path}/snippets/demo/demo.py:1: its 'fr' comments in docs/comments.yml change its "
                        "code, not only what its comments and docstrings say"]


@pytest.mark.parametrize("language", OTHERS)
def test_a_translated_comment_too_wide_for_the_column_is_named(monkeypatch, language):
    """Chinese characters are two columns wide: 30 of them after code of 46 overflow 78."""
    page = chapter_page(next(iter(CHAPTERS)), language)
    script, comment = next((SNIPPETS / include.path, comment) for include in Page(page).includes
                           if include.path.endswith(".py")
                           for comment in comments.shown_comments(SNIPPETS / include.path, include.section)
                           if comment.kind == "comment" and comment.start[1] > 40)
    long = {"fr": "une traduction bien trop longue pour la colonne du code", "zh": "太长" * 15}[language]
    table = dict(comments.table(), **{comment.text: {language: long}})
    monkeypatch.setattr(comments, "table", lambda: table)
    problems = too_wide(page)
    name = script.relative_to(ROOT).as_posix()
    assert any(problem.startswith(f"{name}:{comment.line}: ") and f"in its '{language}' comment" in problem
               for problem in problems), problems


def test_a_script_that_does_not_parse_shows_as_written():
    """Its own tests name the syntax error; the pages show it, untranslated, rather than fail to build."""
    code = "def f(:\n    return 1  # why\n"
    assert translate(code, "fr", {"why": {"fr": "pourquoi"}}) == code
