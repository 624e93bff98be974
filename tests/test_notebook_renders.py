"""A cold build renders the notebook pages on every core, into mkdocs-jupyter's own cache: the build then
reads exactly what it would have rendered itself."""

import json
from types import SimpleNamespace

import pytest

from coursekit.notebooks.site_pages import RENDER_OPTIONS, render_in_parallel, renders_in_parallel
from coursekit.project import notebooks

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def test_notebook_pages_rendered_in_parallel_are_what_mkdocs_jupyter_renders(tmp_path):
    from mkdocs_jupyter import plugin as jupyter  # here: a second to import, in each worker that collects

    renderer = jupyter.Plugin()
    assert renderer.load_config({"include": ["*.ipynb"], "execute": False, "no_prompt": True,
                                 "cache_dir": str(tmp_path)}) == ([], [])
    config = SimpleNamespace(plugins={"mkdocs-jupyter": renderer})
    chosen = notebooks()[:2]
    if not renders_in_parallel():  # another mkdocs-jupyter: its build renders them, nothing is written here
        assert render_in_parallel(config, chosen) == 0 and not list(tmp_path.iterdir())
        return
    assert render_in_parallel(config, chosen) == 2
    assert render_in_parallel(config, chosen) == 0  # cached: nothing to render
    first = chosen[0]
    cached = jupyter._get_cache_path(str(tmp_path), jupyter._compute_cache_key(str(first), renderer.config, False))
    record = json.loads(cached.read_text(encoding="utf-8"))
    options = {name: renderer.config[name] for name in RENDER_OPTIONS}
    assert record["content"] == jupyter.convert.nb2html(str(first), execute=False, **options)
    assert (record["toc_tokens"], record["title"]) == tuple(jupyter._get_nb_toc_tokens(str(first),
                                                                                       renderer.config["toc_depth"]))
