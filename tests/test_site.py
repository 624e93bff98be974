"""The built site: three languages, strict build, rendered math, Chinese search, notebooks and their links."""

import json
import re

import pytest

from coursekit.project import (
    ROOT,
    chapter_pages,
    chapters,
    languages,
    markdown_extension_config,
    mkdocs_config,
    notebook_path,
    site_prefix,
)
from coursekit.site.build import build_site
from coursekit.site.search import index_name
from coursekit.site.typography import COPIED

CHAPTERS = chapters()
per_chapter = pytest.mark.parametrize("chapter", CHAPTERS)


def chapter_page(chapter):
    return f"{CHAPTERS[chapter]}/index.html"


def notebook_page(chapter):
    return f"notebooks/{chapter}/index.html"


def page(site, language, path):
    return (site / site_prefix(language) / path).read_text(encoding="utf-8")


def test_strict_build_has_no_warning(built):
    assert not built.warnings, "\n".join(built.warnings)


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
@pytest.mark.parametrize("language", languages())
def test_home_page_outlines_every_chapter_in_order(site, language):
    """The course outline: each chapter, by its title in the page's language, in the order of the nav, each
    followed by its notebook."""
    home = page(site, language, "index.html")
    listed = re.findall(r'<a href="(chapters/[^"#]+|notebooks/[^"#]+)/">([^<]+)</a>', home)
    expected = []
    for chapter, folder in CHAPTERS.items():
        title = re.search(r'<h1[^>]*>(.*?)<a class="headerlink"', page(site, language, chapter_page(chapter)))[1]
        expected += [(folder, title), (f"notebooks/{chapter}", None)]
    assert [(href, None if href.startswith("notebooks/") else text) for href, text in listed] == expected


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_each_language_has_home_chapter_and_notebook(site, language, chapter):
    for path in ("index.html", chapter_page(chapter), notebook_page(chapter)):
        assert f'lang="{language}"' in page(site, language, path)


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_formulas_are_mathml_not_tex(site, language, chapter):
    """Formulas are MathML in the pages as built, which the browser draws itself: they show with JavaScript
    off (no page loads a script for them: below), and no raw TeX is left in the text. How the browser sets
    them is the every-page pass's (test_browser.py)."""
    for path in (chapter_page(chapter), notebook_page(chapter)):
        html = page(site, language, path)
        text = re.sub(r"<(script|style|pre|code)\b.*?</\1>", "", html, flags=re.DOTALL)
        assert "<math" in html, path
        assert "\\frac" not in text and "$$" not in text and 'class="arithmatex"' not in text, path


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_notebook_page_shows_rendered_cells_outputs_and_a_figure(site, language, chapter):
    html = page(site, language, notebook_page(chapter))
    assert not html.lstrip().startswith("{"), "notebook copied as raw JSON (static-i18n + mkdocs-jupyter)"
    assert html.count("jp-CodeCell") >= 2
    assert "jp-OutputArea-output" in html and "jp-RenderedText" in html  # an executed, printed output
    assert "data:image/png;base64," in html                              # a figure
    assert f'href="{chapter}.ipynb" download' in html                    # the .ipynb, copied beside it
    folder = site / site_prefix(language) / "notebooks" / chapter
    assert (folder / f"{chapter}.ipynb").exists()


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_chapter_links_kaggle_or_download_and_the_notebook(site, language, chapter):
    html = page(site, language, chapter_page(chapter))
    download = re.search(r'<a class="md-button notebook-download" href="([^"]+)" download', html)
    assert download, "the chapter page has no .ipynb download link"
    target = (site / site_prefix(language) / CHAPTERS[chapter] / download[1]).resolve()
    assert target.name == f"{chapter}.ipynb" and target.exists()
    assert json.loads(target.read_text(encoding="utf-8"))["cells"], "download is not the notebook"
    assert re.search(rf'href="[^"]*notebooks/{chapter}/"', html), "no link to the notebook page"


def test_no_page_shows_nbconvert_s_stand_in_for_a_figure_description(site):
    """Every notebook figure gets its chapter page's description (coursekit/notebooks/site_pages.py)."""
    from coursekit.notebooks.export import NO_ALT

    found = [f"{path.relative_to(site)}:{number}" for path in sorted(site.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if NO_ALT in line]
    assert not found, f"nbconvert's stand-in description ({NO_ALT!r}) on the built site at " + ", ".join(found)


def search_index(site, language):
    return json.loads((site / "search" / index_name(language)).read_text(encoding="utf-8"))


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_chinese_terms_are_search_tokens(site):
    index = search_index(site, "zh")
    separator = re.compile(index["config"]["separator"])
    chinese = index["docs"]
    assert chinese, "the search index has no Chinese page"
    tokens = {token for doc in chinese for token in separator.split(doc["text"] + " " + doc["title"])}
    for term in ("梯度", "学习率", "神经元"):
        assert term in tokens, f"{term} is not a token of the Chinese search index"


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_search_index_holds_the_prose_and_not_the_code(site):
    """Opening search downloads the index: code blocks and outputs stay out of it, inline code stays in."""
    texts = [doc["text"] for language in languages() for doc in search_index(site, language)["docs"]]
    assert not [text[:80] for text in texts if "<pre" in text], "code blocks are in the search index"
    assert any("<code>" in text for text in texts), "inline code left the search index"


@per_chapter
@pytest.mark.parametrize("language", languages())
def test_every_code_block_of_a_chapter_is_on_its_built_page(site, language, chapter):
    """Each block the page's Markdown runs is on the built page, whole (however the build handled it), its
    comments in the page's language."""
    from html import unescape

    from coursekit.pages.codeblocks import collect
    from coursekit.pages.includes import expand_file

    source = next(path for path, notebook in chapter_pages().items()
                  if notebook == chapter and path.parts[1] == language)
    shown = unescape(re.sub(r"<[^>]+>", "", page(site, language, chapter_page(chapter))))
    missing = [block.where for block in collect(source, expand_file(source, language))
               if block.block.code.strip() not in shown]
    assert not missing, f"code blocks missing from the built page: {missing}"


def test_no_page_loads_math_javascript(site):
    for html_file in site.rglob("*.html"):
        assert "mathjax" not in html_file.read_text(encoding="utf-8").lower(), html_file


@pytest.mark.machinery
def test_missing_include_fails_the_build_naming_the_snippet(tmp_path):
    docs = tmp_path / "docs"
    for language in languages():
        (docs / language).mkdir(parents=True)
        (docs / language / "index.md").write_text('# Home\n\n```python\n--8<-- "no/such/file.py"\n```\n')
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}").split("\nnav:")[0]
    text = text.replace("  - hooks/course_site.py", f"  - {ROOT / 'hooks/course_site.py'}")
    text = text.replace("base_path: [snippets]", f"base_path: [{ROOT / 'snippets'}]")
    text = text.replace("watch:\n  - snippets", f"watch:\n  - {ROOT / 'snippets'}")
    config.write_text(text, encoding="utf-8")
    result = build_site(tmp_path / "site", config)
    assert result.returncode != 0
    assert "no/such/file.py" in result.log


def test_committed_notebooks_match_their_pages():
    import nbformat

    from coursekit.notebooks import from_pages as notebooks

    for chapter, notebook_id in chapter_pages().items():
        path = notebook_path(chapter, notebook_id)
        assert path.exists(), f"{chapter}: {path.relative_to(ROOT)} missing: run python -m coursekit refresh"
        committed = nbformat.read(path, as_version=4)
        assert notebooks.sources(committed) == notebooks.sources(notebooks.build(chapter)), (
            f"{path.relative_to(ROOT)} no longer matches {chapter}: run python -m coursekit refresh")


def test_a_notebook_cells_copy_button_copies_its_code(site):
    """On a notebook page, what a cell's copy button copies is the cell's source as it is: a `$` in the code
    (a matplotlib label) is not a formula there, nor a colon French punctuation."""
    import html

    import nbformat

    for chapter, notebook_id in chapter_pages().items():
        language = chapter.parts[1]  # docs/LANG/chapters/...
        page = site / site_prefix(language) / "notebooks" / notebook_id / "index.html"
        hidden = COPIED.findall(page.read_text(encoding="utf-8"))
        copied = [html.unescape(text.split(">", 1)[1].removesuffix("</div>")) for text in hidden]
        cells = [cell.source for cell in nbformat.read(notebook_path(chapter, notebook_id), as_version=4).cells
                 if cell.cell_type == "code"]
        assert [text.strip() for text in copied] == [cell.strip() for cell in cells], page.relative_to(site)


@pytest.mark.site  # the site as a whole, no chapter's content: `pytest --site`, not `--chapter`
def test_serve_watches_what_pages_include():
    """`mkdocs serve` rebuilds when a snippet or a shown output changes, not only when docs/ does."""
    watched = {(ROOT / path).resolve() for path in mkdocs_config().get("watch", [])}
    for folder in markdown_extension_config("pymdownx.snippets").get("base_path", []):
        assert (ROOT / folder).resolve() in watched, f"mkdocs.yml: add {folder} to watch:"
