"""Placeholder text `new-chapter` writes, left in place: a new chapter's intro, description, first section and
home-page outline item stand in for the chapter's own until its author replaces them, in every language."""

from pathlib import Path

from coursekit.project import DOCS, ROOT, chapter_pages, chapters, languages, read_text, shown
from coursekit.tools.new_chapter import FIRST_SECTION, PLACEHOLDERS, SCRIPT, SECTION, WORDS

FRAGMENT = 40  # characters of a placeholder looked for: its start fits on the line it begins (pages wrap at 110)


def fragments() -> dict[str, str]:
    """Text that only new-chapter's placeholders hold -> what to write in its place."""
    found = {f"/{SCRIPT}.py:{SECTION}": FIRST_SECTION}
    for words in WORDS.values():
        for key, instead in PLACEHOLDERS.items():
            found[words[key][:FRAGMENT]] = instead
    return found


def left_in(path: Path, only: str | None = None) -> list[str]:
    """`file:line: ...` for each placeholder in `path`, on the lines holding `only` if given."""
    problems = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if only is not None and only not in line:
            continue
        for fragment, instead in fragments().items():
            if fragment in line:
                problems.append(f"{shown(path)}:{number}: new-chapter's placeholder {fragment.strip()!r}: {instead}")
    return problems


def left_in_chapter(chapter: str) -> list[str]:
    """The placeholders of `chapter` left in place: on its pages, and on its item of each home page's outline."""
    name = chapters()[chapter].rsplit("/", 1)[-1]
    pages = [ROOT / page for page, notebook in chapter_pages().items() if notebook == chapter]
    problems = [problem for page in pages for problem in left_in(page)]
    for language in languages():
        problems += left_in(DOCS / language / "index.md", only=f"(chapters/{name}.md)")
    return problems
