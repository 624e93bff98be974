"""MkDocs hooks of the course site: thin callers of the coursekit package.

static-i18n builds each language in turn, so every hook below runs once per language.
"""

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's coursekit, whatever the cwd

from coursekit import project
from coursekit.checks import translations
from coursekit.execution import stale_outputs
from coursekit.notebooks import hosts as notebook_hosts
from coursekit.notebooks import site_pages as notebook_pages
from coursekit.pages.includes import (IncludeError, expand_scripts, included_scripts,
                                      mark_pages_with_changed_includes)
from coursekit.project import (FrontMatterError, NotUTF8, check_pages, front_matter, language_of, language_of_uri,
                               languages, notebooks, read_text)
from coursekit.site import downloads, highlight, jinja_cache, mathfont, mathml, offline, search, typography
from coursekit.site import markup as page_markup


SERVING = {"now": False}  # `mkdocs serve` shows stale outputs on the page; a build warns instead


def on_startup(command, dirty):
    SERVING["now"] = command == "serve"


@event_priority(100)  # before the offline plugin's on_config
def on_config(config):
    project.use_config(config)  # what MkDocs read (`-f other.yml`, an edit under `serve`), not mkdocs.yml read again
    offline.use_local_worker_shim(config)
    highlight.highlight_once()
    return config


def on_pre_build(config):
    try:  # a page that does not read stops the build here, named, before any work
        check_pages()
    except (FrontMatterError, NotUTF8) as error:
        raise PluginError(str(error)) from None
    # Beside the build, from now on; language by language, as static-i18n builds them.
    ordered = sorted(notebooks(), key=lambda notebook: languages().index(language_of(notebook)))
    notebook_pages.render_in_parallel(config, ordered)


def on_pre_page(page, config, files):
    if notebook_pages.is_notebook(page.file):  # its render, started in on_pre_build, is in before it is read
        try:
            notebook_pages.wait_for_render(config, page.file.abs_src_path)
        except RuntimeError as error:
            raise PluginError(str(error)) from None
    return page


def on_build_error(error):
    notebook_pages.end_renders(cancel=True)


def on_shutdown():
    notebook_pages.end_renders()


def on_env(env, config, files):
    jinja_cache.use(env)
    return env


@event_priority(-200)  # after static-i18n's on_files (-100), which undoes mkdocs-jupyter's
def on_files(files, config):
    mark_pages_with_changed_includes(files)
    return notebook_pages.restore_notebook_files(files, config)


def on_page_markdown(markdown, page, config, files):
    try:  # MkDocs would show front matter it cannot parse as text on the page
        front_matter(page.file.abs_src_path)
    except FrontMatterError as error:
        raise PluginError(str(error)) from None
    language = language_of_uri(page.file.src_uri)
    try:  # pymdownx would say neither the page nor, for a file that is not UTF-8, the file
        markdown = stale_outputs.check(markdown, page.file.abs_src_path, language, SERVING["now"])
    except IncludeError as error:
        raise PluginError(str(error)) from None
    markdown = page_markup.mark_continued_blocks(markdown, language)
    if page.file.src_uri.endswith("/glossary.md"):
        try:
            markdown = markdown.rstrip("\n") + "\n\n" + translations.glossary_markdown(language)
        except ValueError as error:  # the glossary file's own mistake, named with its entry
            raise PluginError(str(error)) from None
    if language != languages()[0]:
        markdown = page_markup.localise_figures(markdown, language)
        stale = translations.stale_sections(page.file.abs_src_path)
        english = page.url.removeprefix(f"{language}/")
        markdown = page_markup.stale_notices(
            markdown, language, stale, lambda section: get_relative_url(f"{english}#{section}", page.url))
    if page.meta.get("notebook"):
        notebook_id = page.meta["notebook"]
        notebook = files.get_file_from_path(f"{language}/notebooks/{notebook_id}.ipynb")
        if notebook is None:
            raise FileNotFoundError(f"{page.file.src_uri}: notebook: {notebook_id}, but "
                                    f"docs/{language}/notebooks/{notebook_id}.ipynb does not exist "
                                    f"(python -m coursekit refresh writes it)")
        download = get_relative_url(notebook_pages.ipynb_url(notebook.url, notebook_id), page.url)
        page_link = get_relative_url(notebook.src_uri, page.file.src_uri)
        tip = notebook_hosts.notebook_tip(notebook_id, language, config, page_link, download)
        markdown = page_markup.after_title(markdown, tip + "\n" + downloads.run_at_home(markdown, language))
    if language != languages()[0]:  # the scripts' comments in the page's language; pymdownx expands the rest
        try:
            markdown = expand_scripts(markdown, page.file.abs_src_path, language)
        except IncludeError as error:
            raise PluginError(str(error)) from None
    return markdown


def on_page_content(html, page, config, files):
    language = language_of_uri(page.file.src_uri)
    try:
        if notebook_pages.is_notebook(page.file):
            page.meta["search"] = {"exclude": True}  # its prose is the chapter's, already indexed
            html = mathml.convert_dollars(notebook_pages.finish(html, page, config, language))
        else:
            html = page_markup.exclude_code_from_search(mathml.convert_arithmatex(html))
            to_root = "../" * page.url.count("/")  # the page's folder depth below the site's root
            scripts = included_scripts(read_text(Path(page.file.abs_src_path)))  # its includes are expanded
            html = downloads.link_file_names(html, scripts, to_root)
    except mathml.MathError as error:
        raise PluginError(mathml.located(error, page.file.abs_src_path)) from None
    html = typography.apply(page_markup.lean_code(html), language)
    return search.set_aside_excluded_code(html, page.file.src_uri)


def on_page_context(context, page, config, nav):
    if notebook_pages.is_notebook(page.file) and config.extra.get("alternate"):
        config.extra.alternate = notebook_pages.alternate_links(
            config.extra.alternate, page.url, language_of_uri(page.file.src_uri), languages()[0])
    return context


@event_priority(100)  # the page whole again before any other plugin reads it
def _put_back_code(output, page, config):
    try:
        return search.put_back(output, page.file.src_uri)
    except ValueError as error:
        raise PluginError(str(error)) from None


@event_priority(-100)  # after mkdocs-jupyter's, which adds its MathJax loader to every page (0.27)
def _finish_page(output, page, config):
    output = page_markup.name_search_dialog(page_markup.drop_alternate_head_links(output))
    output = page_markup.lean_navigation(output)
    output = search.with_page_script(search.use_stemming_worker(page_markup.keep_repository_link_static(output)))
    return notebook_pages.drop_third_party_scripts(output)


on_post_page = CombinedEvent(_put_back_code, _finish_page)


def on_post_template(output, template_name, config):  # 404.html
    return search.with_page_script(search.use_stemming_worker(page_markup.keep_repository_link_static(output)))


@event_priority(50)  # before mkdocs-jupyter's own on_post_build
def _write_assets(config):
    notebook_pages.keep_rendered_notebooks(config)
    notebook_pages.write_shared_stylesheet(config.site_dir)
    mathfont.write(config.site_dir)
    downloads.write_scripts(config.site_dir)
    search.write_worker(config.site_dir)


@event_priority(-200)  # after static-i18n's merged search index and the offline plugin's copy of it
def _split_search_index(config):
    search.split_index(config.site_dir, offline=offline.enabled(config))


on_post_build = CombinedEvent(_write_assets, _split_search_index)
