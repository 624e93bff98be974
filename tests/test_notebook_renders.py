"""A cold build renders the notebook pages on every core, into mkdocs-jupyter's own cache, while it builds the
other pages: a notebook page waits for its render, and the build then reads the page it would have rendered
itself (the same document, without nbconvert's second parse: coursekit/notebooks/export.py)."""

import json
import os
import re
import shutil
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from coursekit import upstream
from coursekit.notebooks import site_pages
from coursekit.notebooks import export
from coursekit.notebooks.export import NO_ALT, faster_exports, finish_export
from coursekit.notebooks.site_pages import (keep_rendered_notebooks, render_in_parallel, renders_in_parallel,
                                            rendering, wait_for_render)
from coursekit.project import notebooks
from coursekit.upstream import RENDER_OPTIONS

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

# A mkdocs-jupyter whose render the site does not know renders its pages itself, as does a machine of one core:
# nothing is started, and the tests of the parallel renders are skipped, saying why.
IN_PARALLEL = renders_in_parallel() and (os.cpu_count() or 1) > 1
parallel_renders = pytest.mark.skipif(
    not IN_PARALLEL, reason=f"the build renders notebook pages in parallel only with mkdocs-jupyter "
                            f"{' or '.join(f'{prefix}x' for prefix in RENDER_OPTIONS)} on more than one core: "
                            f"here mkdocs-jupyter {version('mkdocs-jupyter')}, {os.cpu_count()} core(s)")


@pytest.fixture
def renderer(tmp_path):
    """mkdocs-jupyter configured as the site's, with its cache in `tmp_path`; renders left are ended after."""
    from mkdocs_jupyter import plugin as jupyter  # here: a second to import, in each worker that collects

    plugin = jupyter.Plugin()
    assert plugin.load_config({"include": ["*.ipynb"], "execute": False, "no_prompt": True,
                               "cache_dir": str(tmp_path / "cache")}) == ([], [])
    plugin.on_pre_build({})  # as at the start of a build
    # The build's config (its plugins, Material as its theme), and the plugin.
    yield SimpleNamespace(plugins={"mkdocs-jupyter": plugin}, theme=SimpleNamespace(name="material"), jupyter=plugin)
    site_pages.end_renders(cancel=True)


def notebook_page(notebook):
    """A notebook page as the build first holds it: its file and its address."""
    return SimpleNamespace(file=SimpleNamespace(abs_src_path=str(notebook), src_path=notebook.name,
                                                src_uri=notebook.name), abs_url=f"/{notebook.stem}/", title=None,
                           meta={})


def cache_file(renderer, notebook) -> Path:
    return upstream.cache_file(renderer.jupyter, notebook, upstream.render_options(renderer.jupyter, renderer))


def test_a_mkdocs_jupyter_whose_render_is_not_known_renders_its_pages_itself(renderer, site_hook, monkeypatch):
    """A version not in coursekit/upstream.py (planted here): nothing is started or written, and a notebook page
    goes on to mkdocs-jupyter's own render."""
    monkeypatch.setattr(upstream, "RENDER_OPTIONS", {})
    chosen = notebooks()[:2]
    assert render_in_parallel(renderer, chosen) == 0 and not rendering()
    assert not Path(renderer.jupyter.config["cache_dir"]).exists()
    page = notebook_page(chosen[0])
    assert site_hook.on_pre_page(page, config=renderer, files=None) is page


@parallel_renders
def test_notebook_pages_rendered_in_parallel_are_what_mkdocs_jupyter_renders(renderer):
    from mkdocs_jupyter import plugin as jupyter

    chosen = notebooks()[:2]
    assert render_in_parallel(renderer, chosen) == 2
    assert render_in_parallel(renderer, chosen) == 0  # under way: not started twice
    for notebook in chosen:
        wait_for_render(renderer, str(notebook))
    assert not rendering() and not site_pages._POOL  # the last one waited for closed the processes
    assert render_in_parallel(renderer, chosen) == 0  # cached: nothing to render
    first = chosen[0]
    record = json.loads(cache_file(renderer, first).read_text(encoding="utf-8"))
    assert as_parsed(record["content"]) == as_parsed(mkdocs_jupyter_render(renderer, first))
    config = renderer.jupyter.config
    assert (record["toc_tokens"], record["title"]) == tuple(jupyter._get_nb_toc_tokens(str(first), config["toc_depth"]))


def mkdocs_jupyter_render(renderer, notebook) -> str:
    from mkdocs_jupyter import plugin as jupyter

    options = upstream.render_options(renderer.jupyter, renderer)
    return jupyter.convert.nb2html(str(notebook), execute=False, **options)


def as_parsed(html: str) -> str:
    """A page as nbconvert's parser reads it, written back out: the same whatever the spaces between its tags."""
    from bs4 import BeautifulSoup

    return str(BeautifulSoup(html, features="html.parser"))


def cases_notebook(folder: Path) -> Path:
    """A notebook with each case nbconvert's last step handles: images with and without a description, in
    Markdown and in outputs; cells and outputs to make focusable, one focusable already (twice, and written
    oddly); a stray end tag; a `template`, which its selectors do not enter; and a French heading, which
    mkdocs-jupyter writes with character references (`&#171;`)."""
    import nbformat

    image = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Le « neurone » : 10 % ?\n\n"
                                      '<img src="a.png"> <img src="b.png" alt="b"/> <img src=c.png/> text</span> <br>'),
        nbformat.v4.new_markdown_cell('<div class="jp-OutputArea-output x" tabindex="-1" tabindex==2>focus</div>'
                                      '<template><img src="t.png"></template>'),
        nbformat.v4.new_code_cell("draw()", outputs=[
            nbformat.v4.new_output("display_data", {"image/png": image, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", {"text/html": '<div><img src="c.png"></div>'}),
            nbformat.v4.new_output("stream", name="stdout", text="printed\n")]),
    ])
    nbformat.write(book, folder / "cases.ipynb")
    return folder / "cases.ipynb"


def test_the_faster_export_is_nbconvert_s_page(renderer, tmp_path, monkeypatch):
    """Each element, attribute and text of nbconvert's page, on a notebook of every case; the second export
    from templates already compiled."""
    import jinja2

    notebook = cases_notebook(tmp_path)
    theirs = mkdocs_jupyter_render(renderer, notebook)
    finished, compiled, compile_template = [], [], jinja2.Environment.compile
    monkeypatch.setattr(export, "finish_export", lambda html: finished.append(html) or finish_export(html))
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda *args, **kwargs: compiled.append(args) or compile_template(*args, **kwargs))
    with faster_exports():
        ours = [mkdocs_jupyter_render(renderer, notebook)]
        compiled.clear()
        ours.append(mkdocs_jupyter_render(renderer, notebook))
    assert len(finished) == 2 and not compiled  # the faster export did run, from compiled templates
    assert theirs.count(NO_ALT) == 4 and theirs.count('tabindex="0"') >= 4  # the cases are there
    assert as_parsed(ours[0]) == as_parsed(ours[1]) == as_parsed(theirs)


def test_the_site_makes_the_same_page_of_either_export(renderer, tmp_path):
    """What the site does to a notebook page's text reads the page as written: the French heading gets its
    narrow spaces from either export, and no formula or typography differs."""
    from coursekit.site import markup, mathml, typography

    def as_the_site_makes_it(html):  # the text steps of the site's hook (on_page_content), in French
        html = site_pages.share_stylesheet(site_pages.drop_third_party_scripts(html), "notebook.css")
        return as_parsed(typography.apply(markup.lean_code(mathml.convert_dollars(html)), "fr"))

    notebook = cases_notebook(tmp_path)
    theirs = as_the_site_makes_it(mkdocs_jupyter_render(renderer, notebook))
    with faster_exports():
        ours = as_the_site_makes_it(mkdocs_jupyter_render(renderer, notebook))
    heading = typography.apply("<p>Le « neurone » : 10 % ?</p>", "fr").removeprefix("<p>").removesuffix("</p>")
    assert heading != "Le « neurone » : 10 % ?" and heading in ours  # spaced as on the chapter page
    assert ours == theirs


def test_finish_export_nests_elements_as_nbconvert_s_parser_does():
    html = ('<div class="jp-Cell-inputWrapper">outside</div>\n<main class="x jp-Notebook"><img src="a.png"><br>'
            '<div class="jp-OutputArea-output" title="tabindex=1" tabindex="-1"></span></div><img src="b.png" alt="b"/>'
            '<div\nclass="jp-Cell-inputWrapper"/><template><img src="t.png"></template></main>'
            '<div class="jp-OutputArea-output">after</div>'
            '<input class="jp-Notebook"><div class="jp-OutputArea-output">beside</div>')
    assert finish_export(html) == (
        f'<div class="jp-Cell-inputWrapper">outside</div>\n<main class="x jp-Notebook"><img src="a.png" alt="{NO_ALT}">'
        '<br><div class="jp-OutputArea-output" title="tabindex=1" tabindex="0"></span></div><img src="b.png" alt="b"/>'
        '<div\nclass="jp-Cell-inputWrapper" tabindex="0"/><template><img src="t.png"></template></main>'
        '<div class="jp-OutputArea-output">after</div>'
        '<input class="jp-Notebook"><div class="jp-OutputArea-output">beside</div>')


def test_finish_export_writes_references_in_text_as_characters():
    """As BeautifulSoup writes text: `&`, `<`, `>` escaped, the rest as characters; attributes and style alone."""
    html = ('<h2 id="l&#233;">Lin&#233;aire &#171;&#160;x&#160;&#187; &amp; &lt;b&gt; &#38; &eacute;</h2>'
            '<style>p{a:"&#233;"}</style>')
    assert finish_export(html) == ('<h2 id="l&#233;">Linéaire «\u00a0x\u00a0» &amp; &lt;b&gt; &#38; é</h2>'
                                   '<style>p{a:"&#233;"}</style>')


@parallel_renders
def test_a_notebook_page_read_while_its_render_is_under_way_waits_for_it(renderer, monkeypatch, site_hook):
    """The build reaches a notebook page while the processes still render it: it reads their render rather
    than rendering the notebook a second time."""
    from mkdocs_jupyter import plugin as jupyter

    chosen = notebooks()[:2]
    assert render_in_parallel(renderer, chosen) == 2

    def rendered_again(*args, **kwargs):
        raise AssertionError("mkdocs-jupyter rendered a notebook whose render was under way")

    monkeypatch.setattr(jupyter.convert, "nb2html", rendered_again)  # in this process: the renders run in others
    for notebook in chosen:  # as the build: mkdocs-jupyter's on_pre_page, the site's, then the page's render
        seen = renderer.jupyter.on_pre_page(notebook_page(notebook), config={"theme": renderer.theme}, files=None)
        page = site_hook.on_pre_page(seen, config=renderer, files=None)
        page.render({}, None)
        assert "jp-Notebook" in page.content


@parallel_renders
def test_a_render_landing_while_a_language_ends_is_kept_for_the_next(renderer):
    """mkdocs-jupyter evicts, at the end of each language's build, the cached renders that build did not read:
    a render of another language's page that lands just before must stay for that language's build."""
    chosen = notebooks()[:2]
    assert render_in_parallel(renderer, chosen) == 2
    keep_rendered_notebooks(renderer)  # the site's end of a language's build, the renders still under way
    for notebook in chosen:
        wait_for_render(renderer, str(notebook))  # they land
    renderer.jupyter.on_post_build({})  # then mkdocs-jupyter evicts what it was not told to keep
    assert all(cache_file(renderer, notebook).is_file() for notebook in chosen)


@parallel_renders
def test_a_notebook_changed_while_its_render_is_under_way_is_rendered_again(renderer, tmp_path):
    """`mkdocs serve`: a notebook written again while the render of its old text runs gets its own render, and
    its page waits for that one."""
    import nbformat

    chosen = [shutil.copy(notebook, tmp_path / notebook.name) for notebook in notebooks()[:2]]
    assert render_in_parallel(renderer, chosen) == 2
    for notebook in chosen:
        book = nbformat.read(notebook, as_version=4)
        book.cells.append(nbformat.v4.new_markdown_cell("Written again.", id="again"))
        nbformat.write(book, notebook)
    assert render_in_parallel(renderer, chosen) == 2
    for notebook in chosen:
        wait_for_render(renderer, notebook)
        assert "Written again." in json.loads(cache_file(renderer, notebook).read_text(encoding="utf-8"))["content"]


@parallel_renders
def test_a_failed_build_stops_the_renders(renderer, site_hook):
    assert render_in_parallel(renderer, notebooks()[:3]) == 3
    site_hook.on_build_error(error=RuntimeError("a page failed"))
    assert not rendering() and not site_pages._POOL


@parallel_renders
def test_a_notebook_whose_render_fails_fails_the_build_naming_it(renderer, tmp_path, site_hook):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    other = shutil.copy(notebooks()[0], tmp_path / "other.ipynb")
    assert render_in_parallel(renderer, [broken, other]) == 2
    with pytest.raises(PluginError, match=rf"^{re.escape(str(broken))}: rendering its page failed"):
        site_hook.on_pre_page(notebook_page(broken), config=renderer, files=None)
