"""Notebook pages under static-i18n: mkdocs-jupyter's files survive i18n's, and need no MathJax."""

import logging
import os
import re
from pathlib import Path

from mkdocs.structure.files import Files

from coursekit import upstream
from coursekit.notebooks import export, stylesheet
from coursekit.project import shown

# mkdocs-jupyter 0.26 emits a MathJax <script> (empty or from a CDN), and a module script that imports
# Mermaid from a CDN; 0.27 adds to every page a script that fetches MathJax from the address in its
# data-mkdocs-jupyter-mathjax attribute. Formulas become MathML instead, and the notebooks have no diagrams.
THIRD_PARTY_SCRIPTS = re.compile(
    r'<!-- Load mathjax -->|<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->'
    r'|<script[^>]*\bsrc="([^"]*mathjax[^"]*)?"[^>]*>\s*</script>'
    r'|<script[^>]*\bdata-mkdocs-jupyter-mathjax\b[^>]*>.*?</script>\n?'
    r'|<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>',
    re.IGNORECASE | re.DOTALL,
)
STYLE = re.compile(r'<style type="text/css">(?P<css>.*?)</style>', re.DOTALL)
SHARED_STYLESHEET = "assets/jupyter-notebook.css"  # in the site's root, for every language
log = logging.getLogger("mkdocs.coursekit")  # MkDocs' own: `mkdocs build --strict` fails on its warnings
HEADING = re.compile(r'<h(?P<level>[1-6]) id="[^"]*">(?P<text>.*?)<a class="anchor-link" href="#[^"]*">', re.DOTALL)


def is_notebook(file) -> bool:
    return file.src_uri.endswith(".ipynb")


def restore_notebook_files(files: Files, config) -> Files:
    """Wrap each notebook as mkdocs-jupyter does, keeping the address static-i18n gave it.

    static-i18n rebuilds the file list after mkdocs-jupyter wrapped it, so notebooks would be copied
    as raw JSON named index.html (ultrabug/mkdocs-static-i18n#198).
    """
    from mkdocs_jupyter.plugin import NotebookFile

    jupyter = config.plugins["mkdocs-jupyter"]
    for file in list(files):
        if jupyter.should_include(file) and not isinstance(file, NotebookFile):
            wrapped = NotebookFile(file, **config)
            wrapped.dest_uri, wrapped.url, wrapped.abs_dest_path = file.dest_uri, file.url, file.abs_dest_path
            files.remove(file)
            files.append(wrapped)
    return files


def render_in_parallel(config, notebooks: list) -> int:
    """Start rendering the notebook pages mkdocs-jupyter has not cached, on every core, into its own cache (its
    key, its record), and return: the build goes on with the other pages meanwhile, and `wait_for_render` holds
    a notebook page until its render is in; the build then only reads it. A cold build would render one
    notebook at a time, a second or two each, three per chapter. Does nothing where mkdocs-jupyter's cache is
    off, or renders otherwise than upstream.render_options knows: the build renders as before. Returns how many
    renders it started."""
    from concurrent.futures import ProcessPoolExecutor

    jupyter = config.plugins["mkdocs-jupyter"]
    options = upstream.render_options(jupyter, config)
    if options is None:
        return 0
    missing = []
    for notebook in notebooks:
        path = upstream.cache_file(jupyter, notebook, options)
        if not path.exists() and str(path) not in _RENDERS:  # not rendered for this content, nor under way
            missing.append((str(notebook), str(path), options, jupyter.config["toc_depth"]))
    if len(missing) < 2 or (os.cpu_count() or 1) < 2:
        return 0
    if _POOL.get("pool") is None:
        _POOL["pool"] = ProcessPoolExecutor(min(len(missing), os.cpu_count()), mp_context=_start_method())
    for job in missing:  # in the order given: the hook gives them language by language, as the build reads them
        _RENDERS[job[1]] = (job[0], _POOL["pool"].submit(_render, job))
    return len(missing)


def _start_method():
    """Fork, as a command-line build is one thread; where another thread runs (`mkdocs serve`'s server, a test
    runner's), a forked child could inherit a lock that thread holds and wait forever: a fresh interpreter
    then (spawn), a child of the build like a forked one."""
    import multiprocessing
    import threading

    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


_RENDERS = {}  # cache file -> (notebook, its render): started, not yet waited for
_POOL = {}


def wait_for_render(config, notebook: str) -> None:
    """Return once the render `render_in_parallel` started for `notebook` as it is now, if any, is in the cache;
    a render that failed raises RuntimeError naming the notebook. The last one waited for closes the processes."""
    jupyter = config.plugins["mkdocs-jupyter"]
    options = upstream.render_options(jupyter, config)
    if not _RENDERS or options is None:
        return
    cache = str(upstream.cache_file(jupyter, notebook, options))
    if cache not in _RENDERS:
        return
    _, render = _RENDERS.pop(cache)
    try:
        render.result()
    except Exception as error:
        raise RuntimeError(f"{notebook}: rendering its page failed: {type(error).__name__}: {error}") from error
    finally:
        if not _RENDERS:
            end_renders()


def rendering() -> list[str]:
    """The cache files of the renders started and not yet waited for."""
    return list(_RENDERS)


def end_renders(cancel: bool = False) -> None:
    """Close the rendering processes once their renders are done; with `cancel` (a failed build), drop the
    renders not yet started and return at once (those under way finish in the background)."""
    pool = _POOL.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=not cancel, cancel_futures=cancel)
    _RENDERS.clear()


def renders_in_parallel() -> bool:
    """Whether the installed mkdocs-jupyter is one whose rendering `render_in_parallel` repeats (upstream.py)."""
    from importlib.metadata import version

    return any(version("mkdocs-jupyter").startswith(prefix) for prefix in upstream.RENDER_OPTIONS)


def _render(job) -> None:
    import json

    from coursekit.notebooks.export import faster_exports

    notebook, cache_path, options, toc_depth = job
    with faster_exports():  # the same page, in less than half the time
        record = upstream.render(notebook, options, toc_depth)
    Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
    partial = Path(f"{cache_path}.{os.getpid()}")  # whole or absent, for a build reading the cache meanwhile
    partial.write_text(json.dumps(record), encoding="utf-8")
    partial.replace(cache_path)


def keep_rendered_notebooks(config) -> None:
    """Stop mkdocs-jupyter from evicting its cache of rendered notebooks at the end of a build.

    It keeps only what the build just used, and static-i18n builds one language at a time: each
    language's build would evict the others' notebooks, and every rebuild would render all of them
    again. The cache is keyed on each notebook's content; `.cache/` can be deleted at any time.
    """
    jupyter = config.plugins["mkdocs-jupyter"]
    if jupyter.config["cache"]:  # with the renders still under way, which may land meanwhile
        upstream.keep_cached(jupyter, Path(jupyter.config["cache_dir"]).glob("*.json"))
        upstream.keep_cached(jupyter, (Path(cache) for cache in rendering()))


def finish(html: str, page, config, language: str) -> str:
    """A rendered notebook page made whole: no third-party script, the notebook stylesheet shared instead of
    inlined, the chapter's anchors and figure descriptions, and buttons for Kaggle and the .ipynb."""
    from mkdocs.utils import get_relative_url

    from coursekit.notebooks.hosts import notebook_actions

    html = drop_third_party_scripts(html)
    html = share_stylesheet(html, get_relative_url(SHARED_STYLESHEET, page.url))
    recorded = page_metadata(page.file.abs_src_path)
    name = shown(page.file.abs_src_path)
    html = set_heading_ids(html, page.toc, recorded.get("heading_ids", []), name)
    html = set_figure_alts(html, recorded.get("figure_alts", []), name)
    notebook_id = page.file.src_uri.rsplit("/", 1)[-1].removesuffix(".ipynb")
    # mkdocs-jupyter (include_source) copies the .ipynb beside the page; Material shows no button for it.
    return notebook_actions(notebook_id, language, config, f"{notebook_id}.ipynb") + html


def _jupyter_stylesheet() -> str:
    import mkdocs_jupyter

    return (Path(mkdocs_jupyter.__file__).parent / upstream.MKDOCS_JUPYTER_STYLESHEET).read_text(encoding="utf-8")


def share_stylesheet(html: str, href: str) -> str:
    """mkdocs-jupyter inlines its 575 KB stylesheet in every notebook page; link one shared copy instead,
    which the browser caches across notebooks and languages."""
    css = _jupyter_stylesheet().strip()
    for match in STYLE.finditer(html):
        if match["css"].strip() == css:
            return f'{html[:match.start()]}<link rel="stylesheet" href="{href}">{html[match.end():]}'
    return html


def write_shared_stylesheet(site_dir: str) -> None:
    """The shared stylesheet, cut to what the built notebook pages use (stylesheet.py). Each language's build
    writes it again: the last, once every language's pages are written, cuts it for all of them."""
    target = Path(site_dir) / SHARED_STYLESHEET
    link = Path(SHARED_STYLESHEET).name
    pages = [html for html in (page.read_text(encoding="utf-8") for page in Path(site_dir).rglob("*.html"))
             if link in html]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stylesheet.cut(_jupyter_stylesheet(), stylesheet.used_names(pages)), encoding="utf-8")


def drop_third_party_scripts(html: str) -> str:
    return THIRD_PARTY_SCRIPTS.sub("", html)


def page_metadata(notebook_path: str) -> dict:
    """What the notebook generator recorded of its chapter page: heading anchors, figure descriptions."""
    import json

    with open(notebook_path, encoding="utf-8") as handle:
        return json.load(handle).get("metadata", {}).get("course", {})


NO_ALT = f'alt="{export.NO_ALT}"'  # nbconvert's stand-in
REFRESH = "python -m coursekit refresh writes the notebook again from its chapter page"


def set_figure_alts(html: str, alts: list[str], name: str) -> str:
    """The notebook's figures get the descriptions the chapter page gives the same figures; where the counts
    disagree, the page keeps nbconvert's stand-ins and the build warns, naming the notebook `name`."""
    from html import escape

    if html.count(NO_ALT) != len(alts):
        log.warning(f"{name}: {html.count(NO_ALT)} figure(s) without a description on the notebook page, "
                    f"{len(alts)} description(s) recorded from its chapter page: its figures keep nbconvert's "
                    f"stand-in ({REFRESH})")
        return html
    for alt in alts:
        html = html.replace(NO_ALT, f'alt="{escape(alt)}"', 1)
    return html


def set_heading_ids(html: str, toc, ids: list[str | None], name: str) -> str:
    """Give the notebook page's headings, and its table of contents, the chapter page's anchors; where the
    counts disagree, the page keeps mkdocs-jupyter's anchors and the build warns, naming the notebook `name`.

    nbconvert and MkDocs slug headings from their text, which is empty for Chinese headings; the
    English anchors also keep a deep link valid across languages.
    """
    found = list(HEADING.finditer(html))
    entries = _flatten(toc)
    if len(found) != len(ids) or len(entries) != len(ids):
        log.warning(f"{name}: {len(found)} heading(s) on the notebook page, {len(entries)} in its table of "
                    f"contents, {len(ids)} anchor(s) recorded from its chapter page: its headings keep "
                    f"mkdocs-jupyter's anchors ({REFRESH})")
        return html
    for entry, anchor in zip(entries, ids):
        if anchor:
            entry.id = anchor
    pieces, at = [], 0
    for match, anchor, entry in zip(found, ids, entries):
        anchor = anchor or entry.id
        pieces.append(html[at:match.start()])
        pieces.append(f'<h{match["level"]} id="{anchor}">{match["text"]}<a class="anchor-link" href="#{anchor}">')
        at = match.end()
    return "".join(pieces) + html[at:]


def _flatten(toc) -> list:
    out = []
    for entry in toc:
        out.append(entry)
        out.extend(_flatten(entry.children))
    return out


def alternate_links(alternates: list[dict], page_url: str, language: str, default: str) -> list[dict]:
    """Language-menu entries that lead to the same notebook in each language (static-i18n leads to homes)."""
    path = page_url if language == default else page_url.removeprefix(f"{language}/")
    return [dict(alt, link=path if alt["lang"] == default else f"{alt['lang']}/{path}") for alt in alternates]


def ipynb_url(notebook_page_url: str, notebook_id: str) -> str:
    """Where a notebook's .ipynb is, beside its page: `notebooks/<id>/<id>.ipynb` with directory URLs,
    `notebooks/<id>.ipynb` without them (the offline build)."""
    folder = notebook_page_url if notebook_page_url.endswith("/") else notebook_page_url.rpartition("/")[0] + "/"
    return f"{folder}{notebook_id}.ipynb"
