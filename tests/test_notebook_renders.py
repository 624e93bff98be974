"""A cold build renders the notebook pages on every core, into mkdocs-jupyter's own cache, while it builds the
other pages: a notebook page waits for its render, and the build then reads exactly what it would have
rendered itself."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from coursekit.notebooks import site_pages
from coursekit.notebooks.site_pages import RENDER_OPTIONS, render_in_parallel, renders_in_parallel, wait_for_render
from coursekit.project import notebooks

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


@pytest.fixture
def renderer(tmp_path):
    """mkdocs-jupyter configured as the site's, with its cache in `tmp_path`; renders left are ended after."""
    from mkdocs_jupyter import plugin as jupyter  # here: a second to import, in each worker that collects

    plugin = jupyter.Plugin()
    assert plugin.load_config({"include": ["*.ipynb"], "execute": False, "no_prompt": True,
                               "cache_dir": str(tmp_path / "cache")}) == ([], [])
    plugin.on_pre_build({})  # as at the start of a build
    yield plugin
    site_pages.end_renders(cancel=True)


def notebook_page(notebook):
    """A notebook page as the build first holds it: its file and its address."""
    return SimpleNamespace(file=SimpleNamespace(abs_src_path=str(notebook), src_path=notebook.name,
                                                src_uri=notebook.name), abs_url=f"/{notebook.stem}/")


def test_notebook_pages_rendered_in_parallel_are_what_mkdocs_jupyter_renders(renderer):
    from mkdocs_jupyter import plugin as jupyter

    config = SimpleNamespace(plugins={"mkdocs-jupyter": renderer})
    chosen = notebooks()[:2]
    if not renders_in_parallel():  # another mkdocs-jupyter: its build renders them, nothing is written here
        assert render_in_parallel(config, chosen) == 0 and not Path(renderer.config["cache_dir"]).exists()
        return
    assert render_in_parallel(config, chosen) == 2
    assert render_in_parallel(config, chosen) == 0  # under way: not started twice
    for notebook in chosen:
        wait_for_render(str(notebook))
    assert render_in_parallel(config, chosen) == 0  # cached: nothing to render
    first = chosen[0]
    cached = jupyter._get_cache_path(renderer.config["cache_dir"],
                                     jupyter._compute_cache_key(str(first), renderer.config, False))
    record = json.loads(cached.read_text(encoding="utf-8"))
    options = {name: renderer.config[name] for name in RENDER_OPTIONS}
    assert record["content"] == jupyter.convert.nb2html(str(first), execute=False, **options)
    assert (record["toc_tokens"], record["title"]) == tuple(jupyter._get_nb_toc_tokens(str(first),
                                                                                       renderer.config["toc_depth"]))


def test_a_notebook_page_read_while_its_render_is_under_way_waits_for_it(renderer, monkeypatch, site_hook):
    """The build reaches a notebook page while the processes still render it: it reads their render rather
    than rendering the notebook a second time."""
    from mkdocs_jupyter import plugin as jupyter

    chosen = notebooks()[:2]
    if not render_in_parallel(SimpleNamespace(plugins={"mkdocs-jupyter": renderer}), chosen):
        assert not renders_in_parallel()  # another mkdocs-jupyter: nothing under way, its pages are its own
        page = notebook_page(chosen[0])
        assert site_hook.on_pre_page(page, config={}, files=None) is page
        return

    def rendered_again(*args, **kwargs):
        raise AssertionError("mkdocs-jupyter rendered a notebook whose render was under way")

    monkeypatch.setattr(jupyter.convert, "nb2html", rendered_again)  # in this process: the renders run in others
    for notebook in chosen:  # as the build: mkdocs-jupyter's on_pre_page, the site's, then the page's render
        seen = renderer.on_pre_page(notebook_page(notebook), config={}, files=None)
        page = site_hook.on_pre_page(seen, config={}, files=None)
        page.render({}, None)
        assert "jp-Notebook" in page.content


def test_a_notebook_whose_render_fails_fails_the_build_naming_it(renderer, tmp_path, site_hook):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    other = shutil.copy(notebooks()[0], tmp_path / "other.ipynb")
    if not render_in_parallel(SimpleNamespace(plugins={"mkdocs-jupyter": renderer}), [broken, other]):
        assert not renders_in_parallel()  # another mkdocs-jupyter: it renders the page, and fails, itself
        return
    with pytest.raises(PluginError, match=rf"^{broken}: rendering its page failed"):
        site_hook.on_pre_page(notebook_page(broken), config={}, files=None)
