"""Where things are, and the site configuration as MkDocs reads it: the one registry of the course's pages,
chapters and snippet scripts, which every other module asks."""

import re
import subprocess
from functools import cache, lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
FIGURES = DOCS / "assets" / "figures"
# A page's YAML front matter, as MkDocs reads it.
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)?---\n", re.DOTALL)


class NotUTF8(ValueError):
    """A page, snippet or output that is not UTF-8; the message names the file and line."""


class FrontMatterError(ValueError):
    """A page whose front matter is not a YAML mapping; the message names the page and line."""


def shown(path: Path | str) -> str:
    """`path` as messages name it: relative to the repository root when it lies under it."""
    path = Path(path)
    return path.relative_to(ROOT).as_posix() if path.is_absolute() and path.is_relative_to(ROOT) else str(path)


def decoded(data: bytes, path: Path | str) -> str:
    """`data`, the bytes of `path`, as text; NotUTF8 names the file and line when they are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise NotUTF8(f"{shown(path)}:{line}: not UTF-8 (byte {data[error.start:error.start + 1]!r}: "
                      f"{error.reason}); save it as UTF-8") from None


def read_text(path: Path | str) -> str:
    """The text of a UTF-8 file, newlines as Python reads them; NotUTF8 names the file and line otherwise."""
    path = Path(path) if Path(path).is_absolute() else ROOT / path
    return decoded(path.read_bytes(), path).replace("\r\n", "\n").replace("\r", "\n")


def front_matter(page: Path | str, text: str | None = None) -> dict:
    """The front matter of `page` (its text when the caller has read it), {} when it has none.

    MkDocs shows a page whose front matter does not parse as text, raw YAML included: here it is an error,
    FrontMatterError, naming the page and line."""
    text = read_text(page) if text is None else text
    m = FRONT_MATTER.match(text)
    return dict(_front_matter(shown(page), m["yaml"] or "")) if m else {}


@lru_cache(maxsize=4096)  # the registry asks for every page's front matter on each build of each language
def _front_matter(page: str, source: str) -> dict:
    try:
        meta = yaml.safe_load(source)
    except yaml.YAMLError as error:
        line, problem = _yaml_problem(error)  # the YAML starts on the page's second line
        raise FrontMatterError(f"{page}:{line + 1}: front matter is not valid YAML: {problem}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{page}:2: front matter is not a mapping of keys to values")
    return meta


def read_yaml(path: Path | str, empty=None):
    """A data file of the course (docs/comments.yml, docs/glossary.yml, ...) as YAML reads it, `empty` where
    it is absent or empty; ValueError naming the file and line where it does not parse (a merge's conflict
    markers, a lost colon)."""
    path = Path(path)
    if not path.exists():
        return empty
    try:
        value = yaml.safe_load(read_text(path))
    except yaml.YAMLError as error:
        line, problem = _yaml_problem(error)
        raise ValueError(f"{shown(path)}:{line}: not valid YAML: {problem}") from None
    return empty if value is None else value


def _yaml_problem(error: yaml.YAMLError) -> tuple[int, str]:
    """The line (from 1) where YAML text went wrong, and what went wrong."""
    # A line that is no key (a conflict marker) is found where its colon was expected, on the next line.
    key = getattr(error, "context", None) == "while scanning a simple key"
    mark = (error.context_mark if key else None) or getattr(error, "problem_mark", None) \
        or getattr(error, "context_mark", None)
    return (mark.line + 1 if mark else 1), getattr(error, "problem", None) or str(error)


_BUILD = {}  # the configuration MkDocs builds with, as its hooks were given it


def use_config(config) -> None:
    """Answer from `config`, the MkDocsConfig the build runs with (`mkdocs build -f other.yml`, an edit of
    mkdocs.yml under `mkdocs serve`): the hooks hand it over first."""
    _BUILD["config"] = config


def mkdocs_config():
    """The site's configuration as MkDocs reads it, plugins and theme loaded: the running build's, else
    mkdocs.yml's, loaded once."""
    return _BUILD["config"] if "config" in _BUILD else _loaded()


@cache
def _loaded():
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


def settings():
    """What the machinery looks up in the configuration (languages, nav, Markdown extensions): the running
    build's configuration, else mkdocs.yml as MkDocs' YAML loader reads it (`!ENV` resolved), without
    loading the plugins and theme that MkDocs validates it with: a second in each process that asks (test
    workers, commands), where MkDocs' own reading is needed only to build."""
    return _BUILD["config"] if "config" in _BUILD else _read()


@cache
def _read() -> dict:
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        return yaml_load(handle)


def _plugin_options(name: str) -> dict:
    """A plugin's options: from MkDocs' loaded plugin, or as mkdocs.yml writes them (`- name: {options}`)."""
    plugins = settings()["plugins"]
    options = _listed(plugins, name) if isinstance(plugins, list) else (
        plugins[name].config if name in plugins else None)
    if options is None:
        raise LookupError(f"mkdocs.yml has no {name} plugin")
    return options


def _listed(entries: list, name: str) -> dict | None:
    """The options of `name` in a list as mkdocs.yml writes it (`- name` or `- name: {options}`), None when
    it is not there."""
    for entry in entries:
        if entry == name or isinstance(entry, dict) and name in entry:
            return dict((entry[name] if isinstance(entry, dict) else None) or {})
    return None


def language_settings() -> list:
    """static-i18n's entry for each language (`locale`, `name`, `default`, its own settings)."""
    return list(_plugin_options("i18n")["languages"])


def languages() -> list[str]:
    """Locales of the site, the default one first."""
    return [entry["locale"] for entry in sorted(language_settings(), key=lambda entry: not entry.get("default"))]


def markdown_extension_config(name: str) -> dict:
    config = settings()
    if "mdx_configs" in config:  # MkDocs' reading: names, and their options apart
        if name not in config["markdown_extensions"]:
            raise LookupError(f"mkdocs.yml does not enable {name}")
        return dict(config["mdx_configs"].get(name) or {})
    options = _listed(config.get("markdown_extensions") or [], name)
    if options is None:
        raise LookupError(f"mkdocs.yml does not enable {name}")
    return options


# The registry: pages, chapters, snippet scripts.

def pages(language: str | None = None) -> list[Path]:
    """Markdown pages, as paths relative to the repository root, sorted."""
    folders = [DOCS / language] if language else [DOCS / lang for lang in languages()]
    return sorted(p.relative_to(ROOT) for folder in folders for p in folder.rglob("*.md"))


def site_prefix(language: str) -> str:
    """Where a language's pages are in the built site: the default language at the root, others in a folder."""
    return "" if language == languages()[0] else f"{language}/"


def language_of(page: Path) -> str:
    """`docs/fr/chapters/x.md` -> `fr`."""
    return Path(page).resolve().relative_to(DOCS).parts[0]


def language_of_uri(src_uri: str) -> str:
    """A MkDocs file's `src_uri` (`fr/chapters/x.md`) -> `fr`."""
    return src_uri.split("/", 1)[0]


def chapter_pages() -> dict[Path, str]:
    """Pages, in every language, with a `notebook: <id>` front matter entry -> that id: the chapters."""
    found = {}
    for page in pages():
        try:
            meta = front_matter(page)
        except (FrontMatterError, NotUTF8):
            continue  # the page's own checks name it (check_pages, its tests); the others still run
        if meta.get("notebook"):
            found[page] = meta["notebook"]
    return found


def check_pages() -> None:
    """FrontMatterError or NotUTF8, naming the file and line, for the first page whose front matter does not
    read: the registry cannot tell whether it is a chapter."""
    for page in pages():
        front_matter(page)


def chapters() -> dict[str, str]:
    """Each chapter of the default language, by notebook id: its page's folder on the site
    (`chapters/<name>`), in the order of the site's navigation."""
    default = DOCS.relative_to(ROOT) / languages()[0]
    found = {notebook: page.relative_to(default).with_suffix("").as_posix()
             for page, notebook in chapter_pages().items() if page.is_relative_to(default)}
    order = _nav_order(settings().get("nav") or [])
    return dict(sorted(found.items(), key=lambda item: order.index(item[1] + ".md")
                       if item[1] + ".md" in order else len(order)))


def _nav_order(nav) -> list[str]:
    """The page paths of a `nav` entry, depth first."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [path for value in nav.values() for path in _nav_order(value)]
    return [path for entry in nav for path in _nav_order(entry)] if isinstance(nav, list) else []


def chapter_ids() -> list[str]:
    return list(chapters())


def notebook_path(page: Path, notebook_id: str) -> Path:
    """Where the notebook of a chapter page lives: beside the pages of its language."""
    return DOCS / language_of(page) / "notebooks" / f"{notebook_id}.ipynb"


def notebooks() -> list[Path]:
    """Every chapter's notebook in every language (absolute paths, in the order of `chapter_pages`)."""
    return [notebook_path(page, notebook) for page, notebook in chapter_pages().items()]


def project_files(root: Path | None = None) -> list[str]:
    """The files of the working tree at `root` (the project's by default) that git would carry: tracked, or
    new and not ignored, relative to it."""
    root = root or ROOT
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=root,
                            capture_output=True, text=True, check=True, timeout=60).stdout
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def snippet_scripts(folder: Path | None = None) -> list[Path]:
    """Every snippet script, however deep in `snippets/` (absolute paths, sorted): what runs, is checked and
    is served. `folder`: another project's `snippets/` (a scratch course's)."""
    folder = SNIPPETS if folder is None else folder
    return sorted(path for path in folder.rglob("*.py") if "outputs" not in path.relative_to(folder).parts)


def runs() -> list[str]:
    """The pytest options of the runs that together are the whole test command: each chapter's, the site's as a
    whole, the machinery's."""
    return [f"--chapter={chapter}" for chapter in chapter_ids()] + ["--site", "--machinery"]


def main(argv: list[str]) -> int:
    """`python -m coursekit chapters`: the chapters' ids as a JSON list; with `--runs`, the pytest options of
    the runs that together are the whole test command, one per chapter, one for the site as a whole and one for
    the machinery (the CI matrix reads it)."""
    import json

    if "--runs" in argv:
        print(json.dumps(runs()))
    else:
        print(json.dumps(chapter_ids()))
    return 0
