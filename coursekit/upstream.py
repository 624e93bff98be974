"""Where the machinery relies on other packages beyond what they document, in one place: each reach-in, its
package, the versions it was checked against, and why it is needed. The modules that reach in take the names
from here; tests/test_upstream.py fails, saying what to check, when an installed version is not a checked one.

After an upgrade: check that what a reach-in relies on still holds in the new version (its module's tests, and
the package's source where it says so), then add the version to its `checked`.
"""

import re
import sys
from dataclasses import dataclass
from importlib.metadata import version


@dataclass(frozen=True)
class ReachIn:
    package: str  # as pip names it; "python" for the standard library
    checked: tuple[str, ...]  # the exact versions it was checked against (Python's: major.minor)
    what: str  # what is relied upon, to check after an upgrade
    why: str
    user: str  # the module that relies on it


def installed(package: str) -> str:
    # Python by major.minor: a reader's patch release is not pinned, and the faster export's test compares its
    # page with nbconvert's own on whatever Python runs it (tests/test_notebook_renders.py).
    return "{}.{}".format(*sys.version_info) if package == "python" else version(package)


# nbconvert's HTML exporter ends each export by parsing the page with its module's `BeautifulSoup`; the faster
# export stands in for it, and gives `TemplateExporter._create_environment`'s environments compiled templates.
NBCONVERT_SOUP = "nbconvert.exporters.html.BeautifulSoup"
NBCONVERT_ENVIRONMENT = "nbconvert.exporters.templateexporter.TemplateExporter._create_environment"

# mkdocs-jupyter's render of a notebook page, as its plugin.py's on_pre_page does it: by version, the settings
# it passes convert.nb2html (0.27 passes more, and two of its own: render_options). The site repeats that
# render in parallel, into its cache, for these versions only: others render their pages themselves.
RENDER_OPTIONS = {"0.26.": ("kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
                            "remove_tag_config", "highlight_extra_classes", "include_requirejs",
                            "custom_mathjax_url")}
RENDER_OPTIONS["0.27."] = (*RENDER_OPTIONS["0.26."], "custom_template", "mathjax_version", "markdown_cell_processor",
                           "html_exporter_options")
MKDOCS_JUPYTER_STYLESHEET = "templates/mkdocs_html/assets/index.css"  # in its package

# Material's script bundle, its search worker (file and name in the page's configuration) and the types of that
# worker's messages (its SearchMessageType) the stemming worker reads.
MATERIAL_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.\w+\.min\.js"></script>')
MATERIAL_WORKER_FILE = "search.*.min.js"  # in assets/javascripts/workers
MATERIAL_WORKER = re.compile(r'("search": "(?:[^"]*/)?assets/javascripts/workers/)search\.\w+\.min\.js"')
MATERIAL_WORKER_MESSAGES = {"SETUP": 0, "QUERY": 2}
MATERIAL_POLYFILLS = "polyfills"  # the key of `extra` whose scripts its offline plugin adds iframe-worker to

PYMDOWNX_HIGHLIGHT = ("pymdownx.highlight", "highlight")  # the module, and its name for Pygments' highlight
# pymdownx.snippets' preprocessor: the method that reads an included file's lines, and the set of the files it
# is including (cleared before each include).
PYMDOWNX_SNIPPETS = ("pymdownx.snippets", "SnippetPreprocessor", "read_lines", "seen")

REACH_INS = (
    ReachIn("nbconvert", ("7.17.2",),
            f"{NBCONVERT_SOUP}: HTMLExporter.from_notebook_node still parses its page with it, selects "
            "img:not([alt]) and the cells' and outputs' divs, sets alt and tabindex, and writes the tree back "
            "out (what export.finish_export repeats)",
            "the notebook pages in less than half the time: the page as written gets the same attributes",
            "coursekit/notebooks/export.py"),
    ReachIn("nbconvert", ("7.17.2",),
            f"{NBCONVERT_ENVIRONMENT}(self) makes each exporter's Jinja environment",
            "nbconvert's templates compiled once per process, not at each export; no public setting gives its "
            "environment a bytecode cache, and mkdocs-jupyter makes the exporter",
            "coursekit/notebooks/export.py"),
    ReachIn("python", ("3.11", "3.12", "3.13"),  # checked on 3.11.7, 3.12.1 and 3.13.0
            "html.parser's module regexes tagfind_tolerant and attrfind_tolerant read a start tag's name and "
            "each attribute as HTMLParser.parse_starttag does",
            "an attribute set where the tokenizer found it; HTMLParser gives attributes' values, not where they are",
            "coursekit/notebooks/export.py"),
    ReachIn("beautifulsoup4", ("4.15.0",),
            "bs4.builder.HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS are the elements its html.parser tree "
            "gives no content",
            "the faster export nests elements as nbconvert's parse of the page does",
            "coursekit/notebooks/export.py"),
    ReachIn("mkdocs-jupyter", ("0.26.3", "0.27.0"),
            "plugin._compute_cache_key(path, config, exec_nb[, include_mermaidjs]), plugin._get_cache_path, "
            "plugin._get_nb_toc_tokens, the cache record {content, toc_tokens, title[, image_dependencies]} and "
            "the options of convert.nb2html are its render's as render_options and render repeat it (plugin.py, "
            "on_pre_page); a version not in RENDER_OPTIONS renders its pages itself",
            "a cold build renders the notebook pages on every core, into mkdocs-jupyter's own cache",
            "coursekit/notebooks/site_pages.py"),
    ReachIn("mkdocs-jupyter", ("0.26.3", "0.27.0"),
            "Plugin._used_cache_paths: on_post_build evicts each cached render not in it",
            "static-i18n builds one language at a time: each would evict the others' notebook pages",
            "coursekit/notebooks/site_pages.py"),
    ReachIn("mkdocs-jupyter", ("0.26.3", "0.27.0"),
            f"{MKDOCS_JUPYTER_STYLESHEET} is the stylesheet it inlines in every notebook page",
            "one shared copy linked instead of 575 KB in each page", "coursekit/notebooks/site_pages.py"),
    ReachIn("mkdocs-material", ("9.8.2",),
            "its pages load assets/javascripts/bundle.<hash>.min.js (MATERIAL_BUNDLE), name the search worker "
            "assets/javascripts/workers/search.<hash>.min.js in their configuration (MATERIAL_WORKER), and the "
            f"worker's messages of types {MATERIAL_WORKER_MESSAGES} set it up and query it",
            "search per language, fetched on demand (before the bundle), and queries stemmed by a worker "
            "in front of Material's", "coursekit/site/search.py"),
    ReachIn("mkdocs-material", ("9.8.2",),
            f"its offline plugin's on_config adds no iframe-worker script to extra.{MATERIAL_POLYFILLS} when one whose "
            "address holds 'iframe-worker' is there",
            "the offline site serves its own shim instead of fetching it from unpkg.com", "coursekit/site/offline.py"),
    ReachIn("pymdown-extensions", ("12.3", "13.1.2"),
            "pymdownx.highlight calls Pygments through its module's name `highlight`, with (code, lexer, formatter)",
            "code coloured once per build rather than once per language", "coursekit/site/highlight.py"),
    ReachIn("pymdown-extensions", ("12.3", "13.1.2"),
            "SnippetPreprocessor.read_lines(path) returns an included file's lines, and run() reads every included "
            "file through it; its `seen` holds the files being included",
            "a French or Chinese page shows the scripts' comments in its language, read as the include reads them",
            "coursekit/pages/includes.py"),
)


def not_checked() -> list[str]:
    """A line for each package whose installed version is not among those its reach-ins were checked against."""
    lines = []
    for reach_in in REACH_INS:
        now = installed(reach_in.package)
        if now not in reach_in.checked:
            lines.append(f"{reach_in.package} moved from {', '.join(reach_in.checked)} to {now}: check that "
                         f"{reach_in.what} (used by {reach_in.user}: {reach_in.why}) still holds, then add "
                         f"{now} to the checked versions in coursekit/upstream.py")
    return lines


def render_options(jupyter, config) -> dict | None:
    """The options mkdocs-jupyter (the plugin `jupyter`, in the build `config`) renders a notebook page with, as
    its own render passes them to convert.nb2html; None where the site does not repeat that render: another
    version, its cache off, or settings that make it render otherwise (executing, a custom template, Markdown
    cells read by MkDocs)."""
    names = next((names for prefix, names in RENDER_OPTIONS.items()
                  if installed("mkdocs-jupyter").startswith(prefix)), None)
    settings = jupyter.config
    if names is None or not settings["cache"] or settings["execute"]:
        return None
    options = {name: settings[name] for name in names}
    if "markdown_cell_processor" in options:  # 0.27
        if (options["markdown_cell_processor"] != "jupyter" or options["custom_template"]
                or options["html_exporter_options"].get("exclude_markdown")):
            return None
        options |= {"include_mermaidjs": config.theme.name != "material", "include_mathjax": False}
    return options


def cache_file(jupyter, notebook, options: dict):
    """Where mkdocs-jupyter (the plugin `jupyter`) keeps the render of `notebook` as it is now, with `options`."""
    plugin = sys.modules[type(jupyter).__module__]
    mermaid = {key: options[key] for key in ("include_mermaidjs",) if key in options}  # 0.27 keys on it
    return plugin._get_cache_path(jupyter.config["cache_dir"],
                                  plugin._compute_cache_key(str(notebook), jupyter.config, False, **mermaid))


def render(notebook: str, options: dict, toc_depth: int) -> dict:
    """mkdocs-jupyter's render of `notebook` with `options`, as its cache records it."""
    from mkdocs_jupyter import plugin

    record = {"image_dependencies": {}} if "include_mermaidjs" in options else {}  # 0.27: the local images shown
    body = plugin.convert.nb2html(notebook, execute=False, **options, **record)
    toc_tokens, title = plugin._get_nb_toc_tokens(notebook, toc_depth)
    return {"content": body, "toc_tokens": toc_tokens, "title": title, **record}


def keep_cached(jupyter, paths) -> None:
    """Tell mkdocs-jupyter (the plugin `jupyter`) the build used these cached renders: it keeps them."""
    jupyter._used_cache_paths.update(paths)


def html_tag_patterns():
    """html.parser's own regexes for a start tag's name and for each of its attributes."""
    from html.parser import attrfind_tolerant, tagfind_tolerant

    return tagfind_tolerant, attrfind_tolerant


def empty_elements() -> set:
    from bs4.builder import HTMLTreeBuilder

    return HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS
