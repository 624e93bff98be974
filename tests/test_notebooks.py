"""Chapter notebooks: generated from the pages, run top to bottom, and opened on Kaggle, Colab or Studio Lab
only by configuration."""

import asyncio
import inspect
import logging
import re

import nbformat
import pytest

from coursekit.execution import worker
from coursekit.notebooks import hosts as notebook_hosts
from coursekit.notebooks import site_pages
from coursekit.notebooks.from_pages import NotebookFailed, cell_limit, execute
from coursekit.notebooks.hosts import notebook_actions, notebook_tip
from coursekit.pages.comments import set_aside
from coursekit.project import ROOT, chapter_ids, chapters, languages, site_prefix
from coursekit.wording import phrase

CHAPTERS = chapter_ids()
per_chapter = pytest.mark.parametrize("chapter", CHAPTERS)


def committed(notebook_id):
    return {language: nbformat.read(ROOT / "docs" / language / "notebooks" / f"{notebook_id}.ipynb", as_version=4)
            for language in languages()}


def code_cells(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def printed(cell) -> str:
    """What a code cell printed; the kernel may cut it into several stream outputs, at timing-dependent places."""
    return "".join(output.text for output in cell.outputs if output.output_type == "stream")


@per_chapter
def test_every_language_runs_the_same_code(chapter):
    """Byte for byte, once comments and docstrings, which each language says in its own words, are set aside."""
    books = committed(chapter)
    english = [set_aside(code) for code in code_cells(books["en"])]
    for language, book in books.items():
        assert [set_aside(code) for code in code_cells(book)] == english, \
            f"{language} notebook code differs from the English one"


@per_chapter
def test_notebook_opens_with_its_intro_as_a_paragraph_of_its_own(chapter):
    for language, book in committed(chapter).items():
        title, intro, first = book.cells[0].source.split("\n\n")[:3]
        assert title.startswith("# ") and "\n" not in intro, f"{language}: the intro runs into the chapter's text"


@per_chapter
def test_notebook_has_no_link_to_another_page_of_the_site(chapter):
    """On Kaggle or from a download, a relative link leads nowhere: the generator keeps its words only."""
    from coursekit.pages.model import Page

    for language, book in committed(chapter).items():
        links = [link.target for cell in book.cells if cell.cell_type == "markdown"
                 for link in Page("cell.md", cell.source).links
                 if not link.image and not link.external and not link.target.startswith("#")]
        assert not links, f"{language}: {links}"


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_notebook_prose_renders_without_code_blocks(chapter, language):
    """A page's code blocks become code cells, so its prose renders with none: a markdown cell that renders one
    has turned text into code (an admonition's indented paragraphs, say), on the site and on every host."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from coursekit.notebooks.from_pages import build
    from coursekit.project import chapter_pages, language_of

    page = next(page for page, notebook in chapter_pages().items()
                if notebook == chapter and language_of(page) == language)
    for cell in build(page).cells:
        if cell.cell_type == "markdown":
            html = markdown2html_mistune(cell.source)
            assert "<pre" not in html, f"{language} notebook of {chapter}, {cell.id}: text shown as code:\n{html}"


SHOWS_A_FIGURE = re.compile(r"\bplt\.show\(")


def page_blocks(chapter: str, language: str) -> list:
    """The chapter page's Python blocks in `language`, in order: the notebook's code cells (from_pages.build)."""
    from coursekit.pages.codeblocks import collect
    from coursekit.pages.includes import expand_file
    from coursekit.project import chapter_pages, language_of

    page = next(page for page, notebook in chapter_pages().items()
                if notebook == chapter and language_of(page) == language)
    return [block for block in collect(page, expand_file(page, language)) if block.block.syntax == "python"]


def differences_from_page(book, blocks) -> list[str]:
    """The code cells of `book` that print other than the page shows under their blocks, the first with both
    texts; and those that call plt.show() and show no figure."""
    cells = [cell for cell in book.cells if cell.cell_type == "code"]
    if len(cells) != len(blocks):
        return [f"{len(cells)} code cells, and {len(blocks)} Python blocks on the page"]
    found = []
    for cell, block in zip(cells, blocks):
        shown, text = block.block.expected_output or "", printed(cell)
        same = (re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", text)
                if block.block.expected_output_ignore_whitespace else shown == text)
        if not same:
            found.append(f"cell {cell.id} (the block at {block.where})"
                         + ("" if found else f": the page shows {shown[:300]!r}, the notebook {text[:300]!r}"))
        if SHOWS_A_FIGURE.search(cell.source) and not any(
                output.output_type == "display_data" and "image/png" in output.get("data", {})
                for output in cell.outputs):
            found.append(f"cell {cell.id} (the block at {block.where}) calls plt.show() and shows no figure")
    return found


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_notebook_prints_what_its_page_shows(chapter, language):
    """The notebook is its page's Python blocks, in order (test_site.py), run in one kernel. The page tests
    prove that each chain of blocks, run alone, prints what the page shows under its blocks, and that none
    leaves the blocks after it anything but names they define again (coursekit/execution/session.py): so, run
    top to bottom in one session, the blocks print the same. The committed notebook must show that, and a
    figure wherever a cell shows one; it is not run again (`refresh` runs it in a kernel)."""
    book = committed(chapter)[language]
    differences = differences_from_page(book, page_blocks(chapter, language))
    assert not differences, (
        f"docs/{language}/notebooks/{chapter}.ipynb: {', '.join(differences)}: run python -m coursekit refresh; "
        "where the notebook still differs after it, its blocks print otherwise in one session than alone")


@pytest.mark.machinery
def test_a_notebook_that_prints_other_than_its_page_is_found():
    """Planted in a copy of the first chapter's committed notebook: a print changed, a warning on stderr, a
    figure gone, a cell missing."""
    import copy

    chapter = CHAPTERS[0]
    blocks, book = page_blocks(chapter, "en"), committed(chapter)["en"]
    assert differences_from_page(book, blocks) == []

    def cells_of(notebook):
        return [cell for cell in notebook.cells if cell.cell_type == "code"]

    at = next(i for i, block in enumerate(blocks) if block.block.expected_output)
    cell_id, where, shown = cells_of(book)[at].id, blocks[at].where, blocks[at].block.expected_output
    edited = copy.deepcopy(book)
    cells_of(edited)[at].outputs = [nbformat.v4.new_output("stream", name="stdout", text="another number\n")]
    assert differences_from_page(edited, blocks) == [
        f"cell {cell_id} (the block at {where}): the page shows {shown[:300]!r}, the notebook 'another number\\n'"]
    edited = copy.deepcopy(book)
    warning = "UserWarning: a warning\n"  # on stderr, which the notebook shows under the cell too
    cells_of(edited)[at].outputs.append(nbformat.v4.new_output("stream", name="stderr", text=warning))
    assert differences_from_page(edited, blocks) == [
        f"cell {cell_id} (the block at {where}): the page shows {shown[:300]!r}, the notebook "
        f"{(shown + warning)[:300]!r}"]
    drawing = next(i for i, cell in enumerate(cells_of(book)) if SHOWS_A_FIGURE.search(cell.source))
    edited = copy.deepcopy(book)
    cells_of(edited)[drawing].outputs = [output for output in cells_of(edited)[drawing].outputs
                                           if output.output_type == "stream"]
    assert differences_from_page(edited, blocks) == [
        f"cell {cells_of(book)[drawing].id} (the block at {blocks[drawing].where}) calls plt.show() and shows no "
        "figure"]
    edited = copy.deepcopy(book)
    edited.cells.remove(cells_of(edited)[-1])
    assert differences_from_page(edited, blocks) == [f"{len(blocks) - 1} code cells, and {len(blocks)} Python "
                                                     "blocks on the page"]


@pytest.mark.machinery
def test_a_cell_that_hangs_is_stopped_within_its_limit_naming_notebook_and_cell(monkeypatch):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id="setup"),
                                               nbformat.v4.new_code_cell("while True:\n    pass", id="loop")])
    notebook.cells[1].metadata["timeout"] = 2  # what a page's <!--pytest.mark.timeout(2)--> gives its cell
    monkeypatch.setattr(worker, "CLOCK_FACTOR", 1)
    with pytest.raises(NotebookFailed, match=r"^docs/xx/notebooks/demo.ipynb: cell 2 \(loop\) was still running after 2 s"):
        execute(notebook, "docs/xx/notebooks/demo.ipynb")
    assert cell_limit(notebook.cells[0]) == worker.CPU_SECONDS


def output_arriving_late(monkeypatch, seconds: float) -> None:
    """Each cell's output reaches nbclient `seconds` after the kernel's reply to it, as on a busy machine."""
    from nbclient import NotebookClient

    poll = NotebookClient._async_poll_output_msg

    async def late(self, *args, **kwargs):
        channel, replied = self.kc.shell_channel, asyncio.Event()
        get_msg = channel.get_msg

        async def get_and_note(*args, **kwargs):  # the reply to the cell comes on this channel
            message = get_msg(*args, **kwargs)
            message = await message if inspect.isawaitable(message) else message
            replied.set()
            return message

        channel.get_msg = get_and_note
        await replied.wait()
        await asyncio.sleep(seconds)
        return await poll(self, *args, **kwargs)

    monkeypatch.setattr(NotebookClient, "_async_poll_output_msg", late)


@pytest.mark.machinery
def test_a_cell_whose_output_arrives_late_keeps_it(monkeypatch):
    """nbclient alone goes on without a cell's output 4 s after the kernel's reply: on a busy machine the
    committed notebook, or the test's run of it, would lose what the cell printed."""
    output_arriving_late(monkeypatch, 5)
    ran = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('arrived')", id="late")]))
    assert printed(ran.cells[0]) == "arrived\n"


@pytest.mark.machinery
def test_a_kernel_talks_through_sockets_of_its_own_not_ports():
    """Each chapter's notebook runs at once in the tests: kernels on TCP ports chosen at random can pick the
    same port, and one dies before it replies ("Address already in use")."""
    code = "import json\nfrom ipykernel.connect import get_connection_info\n" \
           "print(json.loads(get_connection_info())['transport'])"
    ran = execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code, id="transport")]))
    assert printed(ran.cells[0]) == "ipc\n"


@pytest.mark.machinery
def test_a_cell_whose_output_never_arrives_fails_naming_it(monkeypatch):
    output_arriving_late(monkeypatch, 60)  # given up on after LIMIT
    monkeypatch.setattr(worker, "CPU_SECONDS", 1)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('lost')", id="lost")])
    with pytest.raises(NotebookFailed, match=r"^docs/xx/notebooks/demo.ipynb: cell 1 \(lost\) ended, but its "
                                             r"output had not all arrived 1 s later"):
        execute(notebook, "docs/xx/notebooks/demo.ipynb")


@per_chapter
def test_notebook_has_no_local_path_or_download(chapter):
    for cell in committed(chapter)["en"].cells:
        if cell.cell_type == "code":
            assert "/work/" not in cell.source and "open(" not in cell.source and "urlretrieve" not in cell.source


CONFIGURED = {"extra": {
    "kaggle": {"some-chapter": "https://www.kaggle.com/code/someone/some-chapter"},
    "colab": {"some-chapter": {"en": "https://colab.example/en.ipynb", "fr": "https://colab.example/fr.ipynb",
                               "zh": "https://colab.example/zh.ipynb"}},
    "studiolab": {"some-chapter": "https://studiolab.example/some-chapter"},
}}
REPOSITORY = {"repo_url": "https://github.com/someone/course", "extra": {"repo_branch": "pages"}}
NOTHING = {"extra": {}}
BUTTON = re.compile(r'class="md-button[^"]*open-in-(?P<host>\w+)" href="(?P<url>[^"]+)"')


def tip(config, language):
    return notebook_tip("some-chapter", language, config, "../notebooks/some-chapter.ipynb",
                        "../../notebooks/some-chapter/some-chapter.ipynb")


def hosts_offered(html):
    return {m["host"]: m["url"] for m in BUTTON.finditer(html)}


@pytest.mark.parametrize("language", languages())
def test_configured_addresses_are_used_as_given(language):
    for html in (tip(CONFIGURED, language), notebook_actions("some-chapter", language, CONFIGURED, "x.ipynb")):
        assert hosts_offered(html) == {"kaggle": "https://www.kaggle.com/code/someone/some-chapter",
                                       "colab": f"https://colab.example/{language}.ipynb",
                                       "studiolab": "https://studiolab.example/some-chapter"}
        assert phrase(language, "import_kaggle") not in html
    assert 'href="../../notebooks/some-chapter/some-chapter.ipynb" download' in tip(CONFIGURED, language)


@pytest.mark.parametrize("language", languages())
def test_a_repository_gives_each_host_its_import_of_the_page_language_notebook(language):
    path = f"someone/course/blob/pages/docs/{language}/notebooks/some-chapter.ipynb"
    expected = {"kaggle": f"https://kaggle.com/kernels/welcome?src=https://github.com/{path}",
                "colab": f"https://colab.research.google.com/github/{path}",
                "studiolab": f"https://studiolab.sagemaker.aws/import/github/{path}"}
    for html in (tip(REPOSITORY, language), notebook_actions("some-chapter", language, REPOSITORY, "x.ipynb")):
        assert hosts_offered(html) == expected
        assert all(phrase(language, f"open_{host}") in html for host in expected)


def test_only_kaggle_imports_from_a_repository_outside_github():
    config = {"repo_url": "https://gitlab.example/someone/course", "extra": {}}
    assert list(hosts_offered(tip(config, "en"))) == ["kaggle"]


@pytest.mark.parametrize("language", languages())
def test_without_address_the_page_offers_the_download_and_the_build_says_why(caplog, language):
    notebook_hosts._reported.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.coursekit"):
        html, actions = tip(NOTHING, language), notebook_actions("some-chapter", language, NOTHING, "x.ipynb")
        tip(NOTHING, language)  # the same chapter again: no second line
    for offered in (html, actions):
        assert not hosts_offered(offered) and phrase(language, "import_kaggle") in offered
    assert phrase(language, "download") in html and 'href="x.ipynb" download' in actions
    lines = [r.message for r in caplog.records if "some-chapter" in r.message]
    assert len(lines) == 1 and "extra.kaggle.some-chapter" in lines[0] and "repo_url" in lines[0]


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_chapter_tip_is_in_every_language(site, language, chapter):
    folder = chapters()[chapter]
    html = (site / site_prefix(language) / folder / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition tip"' in html and "notebook-download" in html


@pytest.mark.machinery
def test_a_page_blocks_timeout_marker_becomes_its_cells_limit(tmp_path, monkeypatch):
    from coursekit.notebooks import from_pages as notebooks

    page = tmp_path / "page.md"
    page.write_text("# Title\n\n```python\nx = 1\n```\n\n<!--pytest.mark.timeout(300)-->\n```python\ny = 2\n```\n",
                    encoding="utf-8")
    monkeypatch.setattr(notebooks, "language_of", lambda page: languages()[0])
    first, second = [cell for cell in notebooks.build(page).cells if cell.cell_type == "code"]
    assert (cell_limit(first), cell_limit(second)) == (worker.CPU_SECONDS, 300)


NOTEBOOK = "docs/fr/notebooks/some-chapter.ipynb"
FIGURES = f'<img src="a.png" {site_pages.NO_ALT}><img src="b.png" {site_pages.NO_ALT}>'
HEADINGS = ('<h1 id="Titre">Titre<a class="anchor-link" href="#Titre">¶</a></h1>'
            '<h2 id="Section">Section<a class="anchor-link" href="#Section">¶</a></h2>')


def toc(*ids):
    from types import SimpleNamespace

    return [SimpleNamespace(id=anchor, children=[]) for anchor in ids]


@pytest.mark.machinery
def test_a_notebook_page_gets_its_chapter_page_s_descriptions_and_anchors(caplog):
    with caplog.at_level(logging.WARNING, logger="mkdocs.coursekit"):
        figures = site_pages.set_figure_alts(FIGURES, ["a line", "a <curve>"], NOTEBOOK)
        headings = site_pages.set_heading_ids(HEADINGS, toc("Titre", "Section"), [None, "the-section"], NOTEBOOK)
    assert figures == '<img src="a.png" alt="a line"><img src="b.png" alt="a &lt;curve&gt;">'
    assert 'id="Titre"' in headings
    assert '<h2 id="the-section">Section<a class="anchor-link" href="#the-section">' in headings
    assert not caplog.records


@pytest.mark.machinery
def test_a_notebook_page_whose_counts_disagree_with_its_chapter_page_fails_the_strict_build_naming_it(caplog):
    """A figure or heading more on the notebook page than its chapter page recorded (planted here): the page
    keeps nbconvert's description and anchors, and the build warns (MkDocs' logger: `--strict` fails)."""
    with caplog.at_level(logging.WARNING, logger="mkdocs.coursekit"):
        figures = site_pages.set_figure_alts(FIGURES, ["a line"], NOTEBOOK)
        headings = site_pages.set_heading_ids(HEADINGS, toc("Titre", "Section"), ["the-section"], NOTEBOOK)
    assert (figures, headings) == (FIGURES, HEADINGS)
    assert [(r.name, r.levelname) for r in caplog.records] == [("mkdocs.coursekit", "WARNING")] * 2
    figure_warning, heading_warning = (r.message for r in caplog.records)
    assert figure_warning.startswith(f"{NOTEBOOK}: 2 figure(s) without a description on the notebook page, "
                                     "1 description(s) recorded from its chapter page")
    assert heading_warning.startswith(f"{NOTEBOOK}: 2 heading(s) on the notebook page, 2 in its table of contents, "
                                      "1 anchor(s) recorded from its chapter page")
