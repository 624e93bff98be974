"""`--8<--` include expansion with pymdownx.snippets' own preprocessor, configured as the site is.

The expansion keeps, for every resulting line, the page line it came from, so errors name the page line.
"""

import re
from pathlib import Path

import markdown

from coursekit.pages.model import INCLUDE, Line, includes
from coursekit.project import ROOT, markdown_extension_config, read_text
from coursekit.upstream import PYMDOWNX_SNIPPETS

MARKER = "--8<--"
_, _, READ_LINES, SEEN = PYMDOWNX_SNIPPETS  # the preprocessor's reader and its files being included


class IncludeError(Exception):
    """A broken include, with the page and line in the message."""


def _preprocessor(options: dict):
    base = options.get("base_path", ["."])
    options = dict(options, base_path=[str(ROOT / p) for p in ([base] if isinstance(base, str) else base)])
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


_PREPROCESSOR = None
_OPTIONS = None  # what it was made from: another configuration (`mkdocs serve`, `-f`) makes another


def _configure() -> None:
    """The preprocessor, made again when the site's configuration changed."""
    global _PREPROCESSOR, _OPTIONS
    options = markdown_extension_config("pymdownx.snippets")
    if _PREPROCESSOR is None or options != _OPTIONS:
        _PREPROCESSOR, _OPTIONS = _preprocessor(options), options


def expand(text: str, source: Path | str, language: str | None = None) -> list[Line]:
    """Expand every single-line include of `text`; `source` names the page in errors. With `language`, the
    scripts' comments and docstrings are in that language (comments.py), as its pages show them."""
    _configure()
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            out.append(Line(line, number))
        else:
            out.extend(Line(text, number) for text in _expanded(line, number, source, language))
    return out


def _expanded(line: str, number: int, source: Path | str, language: str | None) -> list[str]:
    """The lines an include line at page line `number` expands to."""
    try:
        setattr(_PREPROCESSOR, SEEN, set())
        setattr(_PREPROCESSOR, READ_LINES, _reader(language))
        expanded = _PREPROCESSOR.run([line])
    except UnicodeDecodeError:  # the included file: say which, and where
        raise IncludeError(f"{source}:{number}: {_not_utf8(line)}") from None
    except Exception as error:  # pymdownx raises SnippetMissingError and friends
        raise IncludeError(f"{source}:{number}: {error}") from error
    if expanded == [line] and line.strip().startswith(MARKER):
        raise IncludeError(f"{source}:{number}: include was not expanded: {line.strip()}")
    return expanded


def _reader(language: str | None):
    """pymdownx.snippets' way of reading an included file, a script's comments in `language`."""
    from coursekit.pages import comments

    def read_lines(path):
        lines = getattr(type(_PREPROCESSOR), READ_LINES)(_PREPROCESSOR, path)
        if language is None or not str(path).endswith(".py"):
            return lines
        return comments.translate("\n".join(lines), language).split("\n")

    return read_lines


def expand_scripts(markdown: str, source: Path | str, language: str) -> str:
    """`markdown` with each include of a script replaced by the script's text, its comments in `language`: what
    pymdownx.snippets would show, translated. Other includes stay for it to expand."""
    _configure()
    out = []
    for number, line in enumerate(markdown.split("\n"), start=1):
        m = INCLUDE.match(line)
        out += _expanded(line, number, source, language) if m and m["path"].endswith(".py") else [line]
    return "\n".join(out)


def _not_utf8(line: str) -> str:
    """Why the file an include line names cannot be read (it is not UTF-8)."""
    m = re.search(r'--8<--\s+"(?P<path>[^":]+)', line)
    for base in _PREPROCESSOR.base_path if m else []:
        try:
            read_text(Path(base) / m["path"])
        except (OSError, ValueError) as error:
            return str(error)
    return "an included file is not UTF-8"


def expand_file(page: Path, language: str | None = None) -> list[Line]:
    path = page if Path(page).is_absolute() else ROOT / page
    return expand(read_text(path), page, language)


def included_scripts(text: str) -> dict[str, str]:
    """File name -> `<folder>/<file>.py`, for the snippet scripts a page includes (a block's title is the name)."""
    found = {}
    for include in includes(text.splitlines()):
        if not include.path.endswith(".py"):
            continue
        name = Path(include.path).name
        if found.setdefault(name, include.path) != include.path:
            raise ValueError(f"two scripts named {name} on one page: {found[name]}, {include.path}")
    return found


def snippet_folders(markdown: str) -> set[str]:
    """The snippet folders whose scripts a page includes."""
    return {path.split("/")[0] for path in included_scripts(markdown).values()}


def mark_pages_with_changed_includes(files) -> None:
    """`mkdocs serve --dirty` rebuilds only the pages whose source is newer than what was built from it; a page
    is out of date too when a snippet or an output it includes changed since, or the comments' translations."""
    from coursekit.pages.comments import TABLE
    from coursekit.project import SNIPPETS

    for file in files.documentation_pages():
        try:
            built = Path(file.abs_dest_path).stat().st_mtime
        except OSError:
            continue  # not built yet: MkDocs builds it
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        included = [SNIPPETS / include.path for include in includes(text.splitlines())]
        if any(path.suffix == ".py" for path in included):  # the scripts' comments in other languages
            included.append(TABLE)
        if any(path.exists() and path.stat().st_mtime > built for path in included):
            file.is_modified = lambda: True


# A script's section marker, `# --8<-- [start:forward]` or `# --8<-- [end:forward]`, as pymdownx.snippets reads it.
SECTION_MARKER = re.compile(r"^[ \t]*#[ \t]*--8<--[ \t]*\[(?P<edge>start|end):(?P<name>[\w-]+)\]", re.MULTILINE)


def script_sections(text: str) -> dict[str, int]:
    """The sections a script marks, in order, each with the line of its start marker."""
    return {m["name"]: text[:m.start()].count("\n") + 1 for m in SECTION_MARKER.finditer(text)
            if m["edge"] == "start"}


def unshown_sections(pages: list[Path], scripts: list[Path], base: Path) -> list[str]:
    """`file:line: why` for each script of `scripts` (under `base`) whose sections `pages`, read in order, do
    not all show in the script's order: a reader who pastes the blocks into one session must get the script."""
    shown: dict[str, list[tuple[str, str | None]]] = {}  # script -> (page:line, section) in page order
    for page in pages:
        for include in includes(read_text(page).splitlines()):
            if include.path.endswith(".py"):
                shown.setdefault(include.path, []).append((f"{page}:{include.line}", include.section))
    problems = []
    for script in scripts:
        name = Path(script).relative_to(base).as_posix()
        sections = script_sections(read_text(script))
        order, seen = list(sections), []
        ever = {each for _, section in shown.get(name, []) for each in ([section] if section else order)}
        for where, section in shown.get(name, []):
            for each in ([section] if section else order):
                if each in seen or each not in sections:
                    continue
                missing = [earlier for earlier in order[:order.index(each)] if earlier not in seen and earlier in ever]
                if missing:
                    problems.append(f"{where}: shows {name}:{each} before {', '.join(missing)}, which the "
                                    "script runs first")
                seen.append(each)
        problems += [f"{script}:{line}: section {section} of {name} is shown on no page"
                     for section, line in sections.items() if section not in seen]
    return problems
