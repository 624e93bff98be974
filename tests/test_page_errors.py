"""A page, snippet or output the machinery cannot read fails naming the file and line: malformed front
matter, a file that is not UTF-8."""

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from coursekit.checks import translations
from coursekit.execution import outputs
from coursekit.execution.scripts import run_script
from coursekit.pages import includes
from coursekit.pages.includes import IncludeError
from coursekit.project import DOCS, FrontMatterError, NotUTF8, front_matter, languages, read_text

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

FENCE = "```"
BROKEN = "---\nnotebook: demo\ntitle: [unclosed, list\nsearch: {exclude: true}\n---\n# A page\n"


def test_malformed_front_matter_names_page_and_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("---\nnotebook: demo\n  indented: wrongly\n---\n# A page\n", encoding="utf-8")
    with pytest.raises(FrontMatterError, match=rf"^{page}:3: front matter is not valid YAML"):
        front_matter(page)
    page.write_text("---\n- a list\n---\n# A page\n", encoding="utf-8")
    with pytest.raises(FrontMatterError, match=rf"^{page}:2: front matter is not a mapping"):
        front_matter(page)


def test_the_build_fails_on_malformed_front_matter_naming_the_page(tmp_path, site_hook):
    """MkDocs itself shows such a page with its YAML as text; the site's hook stops the build instead."""
    page = tmp_path / "page.md"
    page.write_text(BROKEN, encoding="utf-8")
    stub = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(page), src_uri="en/page.md"), meta={},
                           url="page/")
    with pytest.raises(PluginError, match=rf"^{page}:\d+: front matter is not valid YAML"):
        site_hook.on_page_markdown(BROKEN, stub, {}, None)


def test_a_page_that_lost_the_code_set_aside_from_search_fails_the_build_naming_it(site_hook):
    stub = SimpleNamespace(file=SimpleNamespace(src_uri="fr/chapters/x.md"))
    html = '<p>Code:</p><div class="highlight" data-search-exclude><pre><code>x = 1\n</code></pre></div>'
    assert "x = 1" not in site_hook.search.set_aside_excluded_code(html, stub.file.src_uri)
    with pytest.raises(PluginError, match=r"^fr/chapters/x\.md: 1 code block\(s\) set aside from search"):
        site_hook._put_back_code("<html><body><p>Code:</p></body></html>", stub, {})


def translated_docs(tmp_path, page_text=None, page_bytes=None):
    """A copy of docs/ whose French translation of the first English page is replaced."""
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("*.ipynb", "*.svg"))
    english = sorted((docs / languages()[0]).rglob("*.md"))[0]
    french = docs / "fr" / english.relative_to(docs / languages()[0])
    if page_bytes is not None:
        french.write_bytes(page_bytes)
    else:
        french.write_text(page_text, encoding="utf-8")
    return docs, french.relative_to(tmp_path)


def test_the_translation_check_names_a_page_with_malformed_front_matter(tmp_path):
    docs, french = translated_docs(tmp_path, BROKEN)
    problems = [str(p) for p in translations.check(docs)]
    assert any(p.startswith(f"{french}:") and "front matter is not valid YAML" in p for p in problems), problems


def test_the_translation_check_names_a_page_that_is_not_utf8(tmp_path):
    docs, french = translated_docs(tmp_path, page_bytes="# Déjà\n\nUne ligne.\n".encode("latin-1"))
    problems = [str(p) for p in translations.check(docs)]
    assert f"{french}:1: not UTF-8 (byte b'\\xe9': invalid continuation byte); save it as UTF-8" in problems, problems


def test_a_page_that_is_not_utf8_is_named_where_pages_are_read(tmp_path):
    page = tmp_path / "page.md"
    page.write_bytes(f"# Page\n\n{FENCE}python\nprint('café')\n{FENCE}\n".encode("latin-1"))
    for read in (read_text, outputs.output_files, includes.expand_file):
        with pytest.raises(NotUTF8, match=rf"^{page}:4: not UTF-8"):
            read(page)


def test_a_snippet_that_is_not_utf8_is_named_by_the_include_and_as_a_script(tmp_path, monkeypatch):
    snippet = tmp_path / "demo" / "latin.py"
    snippet.parent.mkdir()
    snippet.write_bytes("# --8<-- [start:one]\nprint('café')\n# --8<-- [end:one]\n".encode("latin-1"))
    page = tmp_path / "page.md"
    page.write_text(f'# Page\n\n{FENCE}python\n--8<-- "demo/latin.py:one"\n{FENCE}\n', encoding="utf-8")
    monkeypatch.setattr(includes, "_PREPROCESSOR", None)
    monkeypatch.setattr(includes, "markdown_extension_config",
                        lambda name: {"base_path": [str(tmp_path)], "check_paths": True, "dedent_subsections": True})
    with pytest.raises(IncludeError, match=rf"^{page}:4: {snippet}:2: not UTF-8"):
        includes.expand_file(page)
    with pytest.raises(NotUTF8, match=rf"^{snippet}:2: not UTF-8"):
        run_script(snippet)
