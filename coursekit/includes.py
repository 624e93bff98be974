"""`--8<--` include expansion with pymdownx.snippets' own preprocessor, configured from mkdocs.yml.

The expansion keeps, for every resulting line, the page line it came from, so errors name the page line.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from .project import ROOT, markdown_extension_config

MARKER = "--8<--"
SCRIPT_INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<folder>[^/"]+)/(?P<name>[^/":]+\.py)(?::[\w-]+)?"', re.MULTILINE)


class IncludeError(Exception):
    """A broken include, with the page and line in the message."""


@dataclass(frozen=True)
class Line:
    text: str
    origin: int  # 1-based line of the page this text comes from


def _preprocessor():
    options = markdown_extension_config("pymdownx.snippets")
    base = options.get("base_path", ["."])
    options["base_path"] = [str(ROOT / p) for p in ([base] if isinstance(base, str) else base)]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


_PREPROCESSOR = None


def expand(text: str, source: Path | str) -> list[Line]:
    """Expand every single-line include of `text`; `source` names the page in errors."""
    global _PREPROCESSOR
    if _PREPROCESSOR is None:
        _PREPROCESSOR = _preprocessor()
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            out.append(Line(line, number))
            continue
        try:
            _PREPROCESSOR.seen = set()
            expanded = _PREPROCESSOR.run([line])
        except Exception as error:  # pymdownx raises SnippetMissingError and friends
            raise IncludeError(f"{source}:{number}: {error}") from error
        if expanded == [line] and line.strip().startswith(MARKER):
            raise IncludeError(f"{source}:{number}: include was not expanded: {line.strip()}")
        out.extend(Line(text, number) for text in expanded)
    return out


def expand_file(page: Path) -> list[Line]:
    path = page if Path(page).is_absolute() else ROOT / page
    return expand(path.read_text(encoding="utf-8"), page)


def included_scripts(text: str) -> dict[str, str]:
    """File name -> `<folder>/<file>.py`, for the snippet scripts a page includes (a block's title is the name)."""
    found = {}
    for match in SCRIPT_INCLUDE.finditer(text):
        path = f"{match['folder']}/{match['name']}"
        if found.setdefault(match["name"], path) != path:
            raise ValueError(f"two scripts named {match['name']} on one page: {found[match['name']]}, {path}")
    return found


def snippet_folders(markdown: str) -> set[str]:
    """The snippet folders whose scripts a page includes."""
    return {path.split("/")[0] for path in included_scripts(markdown).values()}


INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::[\w-]+)?"', re.MULTILINE)


def mark_pages_with_changed_includes(files) -> None:
    """`mkdocs serve --dirty` rebuilds only the pages whose source is newer than what was built from it; a page
    is out of date too when a snippet or an output it includes changed since."""
    from .project import SNIPPETS

    for file in files.documentation_pages():
        try:
            built = Path(file.abs_dest_path).stat().st_mtime
        except OSError:
            continue  # not built yet: MkDocs builds it
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        included = [SNIPPETS / match["path"] for match in INCLUDE.finditer(text)]
        if any(path.exists() and path.stat().st_mtime > built for path in included):
            file.is_modified = lambda: True
