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
    checked: tuple[str, ...]  # the exact versions it was checked against
    what: str  # what is relied upon, to check after an upgrade
    why: str
    user: str  # the module that relies on it


def installed(package: str) -> str:
    return "{}.{}.{}".format(*sys.version_info) if package == "python" else version(package)


# nbconvert's HTML exporter ends each export by parsing the page with its module's `BeautifulSoup`; the faster
# export stands in for it, and gives `TemplateExporter._create_environment`'s environments compiled templates.
NBCONVERT_SOUP = "nbconvert.exporters.html.BeautifulSoup"
NBCONVERT_ENVIRONMENT = "nbconvert.exporters.templateexporter.TemplateExporter._create_environment"

# mkdocs-jupyter's render of a notebook page, as its plugin.py does it: the site renders the pages in parallel
# into its cache only for the version whose render it repeats (RENDERER), with the options that render passes.
RENDERER = "0.26."
RENDER_OPTIONS = ("kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
                  "remove_tag_config", "highlight_extra_classes", "include_requirejs", "custom_mathjax_url")
MKDOCS_JUPYTER_STYLESHEET = "templates/mkdocs_html/assets/index.css"  # in its package

# Material's script bundle, its search worker (file and name in the page's configuration) and the types of that
# worker's messages (its SearchMessageType) the stemming worker reads.
MATERIAL_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.\w+\.min\.js"></script>')
MATERIAL_WORKER_FILE = "search.*.min.js"  # in assets/javascripts/workers
MATERIAL_WORKER = re.compile(r'("search": "(?:[^"]*/)?assets/javascripts/workers/)search\.\w+\.min\.js"')
MATERIAL_WORKER_MESSAGES = {"SETUP": 0, "QUERY": 2}

PYMDOWNX_HIGHLIGHT = ("pymdownx.highlight", "highlight")  # the module, and its name for Pygments' highlight

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
    ReachIn("python", ("3.11.7", "3.12.1", "3.13.0"),
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
            "plugin._compute_cache_key(path, config, exec_nb), plugin._get_cache_path, plugin._get_nb_toc_tokens "
            "and the cache record {content, toc_tokens, title} are its render's, and convert.nb2html takes "
            "RENDER_OPTIONS, in the versions starting with RENDERER (others render their pages themselves)",
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
    ReachIn("pymdown-extensions", ("12.3", "13.1.2"),
            "pymdownx.highlight calls Pygments through its module's name `highlight`, with (code, lexer, formatter)",
            "code coloured once per build rather than once per language", "coursekit/site/highlight.py"),
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


def cache_file(jupyter, notebook):
    """Where mkdocs-jupyter (the plugin `jupyter`) keeps the render of `notebook` as it is now."""
    plugin = sys.modules[type(jupyter).__module__]
    key = plugin._compute_cache_key(str(notebook), jupyter.config, False)
    return plugin._get_cache_path(jupyter.config["cache_dir"], key)


def notebook_toc(notebook: str, depth: int):
    """mkdocs-jupyter's table of contents and title of `notebook`, as its render records them."""
    from mkdocs_jupyter import plugin

    return plugin._get_nb_toc_tokens(notebook, depth)


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
