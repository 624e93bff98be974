"""Comments and docstrings of the snippets in the page's language.

The scripts are written in English; `docs/comments.yml` gives each comment and docstring in the other
languages, keyed by its English text (whitespace runs read as one space): an edited English comment has no
translation until one is written for it. A run of full-line comments
at one indentation is one comment; its translation's lines become the comment's lines. Only the text of
comments and docstrings changes: `set_aside()` of a translated script is that of the English one, and the
code runs once, in English.
"""

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coursekit.pages.includes import SECTION_MARKER
from coursekit.project import DOCS, languages, read_yaml

TABLE = DOCS / "comments.yml"
QUOTES = re.compile(r"^(?P<open>[rRuU]*(?:\"\"\"|'''|\"|'))")


@dataclass(frozen=True)
class Comment:
    start: tuple[int, int]  # (line, column) where its text starts, `#` or the docstring's opening quote
    end: tuple[int, int]    # (line, column) where it ends
    text: str               # the English text, whitespace runs as one space: the key of its translations
    kind: str               # "comment" or "docstring"
    inline: bool = False    # a comment after code on its line

    @property
    def line(self) -> int:
        return self.start[0]


def load(path: Path = TABLE) -> dict:
    """{english text: {language: translation}}."""
    return read_yaml(path, {})


_READ: dict = {}  # path -> (its modification time, what it holds)


def table(path: Path = TABLE) -> dict:
    """load(), read again only when the file changed (`mkdocs serve` shows an edit of it)."""
    stamp = path.stat().st_mtime_ns if path.exists() else None
    if path not in _READ or _READ[path][0] != stamp:
        _READ[path] = (stamp, load(path))
    return _READ[path][1]


def comments(code: str) -> list[Comment]:
    """The comments and docstrings of `code`, in order; section markers are not comments."""
    return list(_comments(code))


@lru_cache(maxsize=256)  # a script is read for each include of it, in each language, by several checks
def _comments(code: str) -> tuple[Comment, ...]:
    lines = code.split("\n")
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    found = []
    for token in tokens:
        if token.type != tokenize.COMMENT or SECTION_MARKER.match(token.line):
            continue
        (row, col), end = token.start, token.end
        text = token.string[1:].strip()
        inline = bool(lines[row - 1][:col].strip())
        last = found[-1] if found else None
        if (not inline and last and last.kind == "comment" and not last.inline and last.end[0] == row - 1
                and last.start[1] == col):
            found[-1] = Comment(last.start, end, f"{last.text} {text}".strip(), "comment")
        else:
            found.append(Comment((row, col), end, text, "comment", inline))
    found += _docstrings(code, tokens)
    return tuple(sorted(found, key=lambda comment: comment.start))


def _docstrings(code: str, tokens: list) -> list[Comment]:
    strings = {token.start[0]: token for token in reversed(tokens) if token.type == tokenize.STRING}
    found = []
    for node in ast.walk(ast.parse(code)):
        body = getattr(node, "body", None)
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) or not body:
            continue
        first = body[0]
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str) and first.lineno in strings):
            token = strings[first.lineno]  # the first string on the line, as tokenize counts columns
            found.append(Comment(token.start, token.end, " ".join(first.value.value.split()), "docstring"))
    return found


def translate(code: str, language: str, strings: dict | None = None) -> str:
    """`code` with each comment and docstring that has a translation into `language` in that language."""
    return "\n".join(text for _, text in translated_lines(code, language, strings))


_TRANSLATED: dict = {}  # (code, language) -> (the table it was translated with, its lines)


def translated_lines(code: str, language: str, strings: dict | None = None) -> list[tuple[int, str]]:
    """The lines of `code` translated, each with the line of `code` it comes from. A page includes a script's
    sections one by one: the script is translated once."""
    strings = table() if strings is None else strings
    done = _TRANSLATED.get((code, language))
    if done is None or done[0] is not strings:
        if len(_TRANSLATED) > 1000:
            _TRANSLATED.clear()
        done = _TRANSLATED[code, language] = (strings, _translated_lines(code, language, strings))
    return done[1]


def _translated_lines(code: str, language: str, strings: dict) -> list[tuple[int, str]]:
    lines = code.split("\n")
    found = readable_comments(code)
    if language == languages()[0] or found is None:  # a script that does not parse shows as written
        return list(enumerate(lines, start=1))
    out, row, col = [[1, ""]], 1, 0

    def copy_to(to_row: int, to_col: int):
        nonlocal row, col
        while row < to_row:
            out[-1][1] += lines[row - 1][col:]
            row, col = row + 1, 0
            out.append([row, ""])
        out[-1][1] += lines[row - 1][col:to_col]
        col = to_col

    for comment in found:
        translation = strings.get(comment.text, {}).get(language)
        if not translation:
            continue
        copy_to(*comment.start)
        for k, piece in enumerate(_rendered(comment, str(translation), lines).split("\n")):
            if k:
                out.append([min(comment.line + k, comment.end[0]), ""])
            out[-1][1] += piece
        row, col = comment.end
    copy_to(len(lines), len(lines[-1]))
    return [(origin, text) for origin, text in out]


def _rendered(comment: Comment, translation: str, lines: list[str]) -> str:
    """The source text of `comment` saying `translation`, at the comment's place."""
    said = [line.strip() for line in translation.strip().split("\n")]
    (row, col) = comment.start
    indent = lines[row - 1][:col]
    if comment.kind == "comment":
        if comment.inline:
            return "# " + " ".join(said)
        return ("\n" + indent).join("# " + line if line else "#" for line in said)
    token = "\n".join(lines[row - 1:comment.end[0]])[col:]
    quote = QUOTES.match(token)["open"]
    close = quote.lstrip("rRuU")
    return quote + ("\n" + " " * col).join(said) + close


def set_aside(code: str) -> str:
    """`code` without its comments and docstrings (the lines they leave blank dropped): what must be the same,
    byte for byte, in every language."""
    lines = code.split("\n")
    cut = [list(line) for line in lines]
    touched = set()
    for comment in comments(code):
        (first, start), (last, end) = comment.start, comment.end
        for row in range(first, last + 1):
            begin = start if row == first else 0
            stop = end if row == last else len(lines[row - 1])
            cut[row - 1][begin:stop] = [""] * (stop - begin)
            touched.add(row)
    kept = ["".join(chars).rstrip() for chars in cut]
    return "\n".join(text for row, text in enumerate(kept, start=1) if text or row not in touched)


def readable_comments(code: str) -> list[Comment] | None:
    """comments(), or None for code that does not parse (its own tests name it)."""
    try:
        return comments(code)
    except (SyntaxError, tokenize.TokenError):
        return None


def shown_comments(path: Path, section: str | None) -> list[Comment]:
    """The comments and docstrings of the script at `path` that an include of it (or of its `section`) shows;
    none for a script that is not UTF-8 or does not parse (its own tests name it)."""
    try:
        code = path.read_text(encoding="utf-8")
    except ValueError:
        return []
    rows, inside = set(), section is None
    for number, text in enumerate(code.split("\n"), start=1):
        marker = SECTION_MARKER.match(text)
        if marker and marker["name"] == section:
            inside = marker["edge"] == "start"
        elif inside:
            rows.add(number)
    return [comment for comment in readable_comments(code) or [] if comment.line in rows]
