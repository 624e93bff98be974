"""A scratch course of N chapters, made from the real ones, for the benchmark to measure what each chapter
costs: with N at most the course's chapters, its first N (`subset.first_chapters`); beyond, the real
chapters again under new ids (`linear-neurons-3`), with their pages in every language, notebooks, snippet
folders (`linear_neurons_3/`), shown outputs, claims tests, nav entries and home-outline items, so that the
scratch course builds strictly and its tests run. Figures are shared: a copy draws the same ones.
"""

import re
import shutil
from pathlib import Path

from .notebooks import chapter_pages, chapters
from .project import ROOT, languages
from .subset import first_chapters, project_files, snippet_folders
from .translations import mark


def course_of(count: int, destination: Path) -> Path:
    """Write a course of `count` chapters into `destination` (an empty folder); returns it."""
    real = list(chapters())
    if count <= len(real):
        return first_chapters(count, destination)
    for name in project_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination / name)
    for number in range(len(real) + 1, count + 1):
        _repeat(real[(number - 1) % len(real)], number, destination)
    # Copies and the grown outlines follow their English pages, as they did before.
    copies = [page for page in (destination / "docs").glob("*/chapters/*.md") if re.search(r"-\d+\.md$", page.name)]
    for page in [destination / "docs" / language / "index.md" for language in languages()] + copies:
        if page.parent.parent.name != languages()[0] and page.parent.name != languages()[0]:
            mark(page, docs_dir=destination / "docs")
    return destination


def _repeat(chapter: str, number: int, destination: Path) -> None:
    new_id = f"{chapter}-{number}"
    folder = chapters()[chapter]  # chapters/<name>
    new_folder = f"{folder}-{number}"
    pages = [page for page, notebook in chapter_pages().items() if notebook == chapter]
    renamed = {}
    for page in pages:
        text = (ROOT / page).read_text(encoding="utf-8")
        for snippets in snippet_folders(text):
            renamed[snippets] = f"{snippets}_{number}"
            text = text.replace(f'"{snippets}/', f'"{snippets}_{number}/')
        text = text.replace(f"notebook: {chapter}\n", f"notebook: {new_id}\n", 1)
        copy = destination / page.with_name(Path(new_folder).name + ".md")
        copy.write_text(text, encoding="utf-8")
        notebooks = page.parent.parent / "notebooks"
        shutil.copy2(ROOT / notebooks / f"{chapter}.ipynb", destination / notebooks / f"{new_id}.ipynb")
    for old, new in renamed.items():
        shutil.copytree(ROOT / "snippets" / old, destination / "snippets" / new)
        claims = ROOT / "tests" / f"test_claims_{old}.py"
        if claims.exists():
            (destination / "tests" / f"test_claims_{new}.py").write_text(
                claims.read_text(encoding="utf-8").replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
    config = destination / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    last = re.findall(r"^( *- )notebooks/[\w-]+\.ipynb\n", text, re.MULTILINE)[-1]
    at = text.rindex(f"{last}notebooks/")
    at = text.index("\n", at) + 1
    entries = f"{last}{new_folder}.md\n{last}notebooks/{new_id}.ipynb\n"
    config.write_text(text[:at] + entries + text[at:], encoding="utf-8")
    for language in languages():
        _add_outline_item(destination / "docs" / language / "index.md", folder, chapter, new_folder, new_id,
                          number)


def _add_outline_item(home: Path, folder: str, chapter: str, new_folder: str, new_id: str, number: int):
    """Copy the outline item that links `folder` as item `number`, after the last item of the outline."""
    lines = home.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"\d+\. \[", line)]
    first = next(i for i in starts if f"]({folder}.md)" in lines[i])
    item = [lines[first]] + [line for line in _continuation(lines, first + 1)]
    last = starts[-1]
    end = last + 1 + len(_continuation(lines, last + 1))
    copy = "".join(item).replace(f"]({folder}.md)", f"]({new_folder}.md)")
    copy = copy.replace(f"notebooks/{chapter}.ipynb", f"notebooks/{new_id}.ipynb")
    copy = re.sub(r"^\d+\.", f"{number}.", copy)
    home.write_text("".join(lines[:end]) + copy + "".join(lines[end:]), encoding="utf-8")


def _continuation(lines: list[str], start: int) -> list[str]:
    """The indented lines that continue a list item from `start` on."""
    found = []
    for line in lines[start:]:
        if not (line.startswith("   ") and line.strip()):
            break
        found.append(line)
    return found
