"""A scratch course of N chapters, made from the real ones, for the benchmark to measure what each chapter
costs.

With N at most the course's chapters, its first N: dropping a chapter removes, in every language, its page
and notebook, its `nav` entries, the outline items and links that lead to it, the snippet folders only it
includes, their figures and their comments' translations, and the tests of its claims
(`tests/test_claims_<snippet folder>.py`); translations whose English page changed are marked as following
it. Beyond, the real chapters again under new ids (`linear-neurons-3`), with their pages in every language,
notebooks, snippet folders (`linear_neurons_3/`), shown outputs, claims tests, nav entries and home-outline
items, so that the scratch course builds strictly and its tests run. Figures are shared: a copy draws the
same ones.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from coursekit.checks.translations import mark, unused_comment_problems
from coursekit.pages.includes import snippet_folders
from coursekit.project import ROOT, chapter_pages, chapters, languages, project_files, read_text, snippet_scripts
from coursekit.site.markup import FIGURE


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
    # The copies and the grown outlines in other languages follow their English pages, as before.
    docs = destination / "docs"
    for language in languages()[1:]:
        for page in [docs / language / "index.md", *(docs / language / "chapters").glob("*-[0-9]*.md")]:
            mark(page, docs_dir=docs)
    return _as_checkout(destination)


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


def _without_empty_sections(lines: list[str]) -> list[str]:
    """A nav section (`- Chapters:`) left with no entry is dropped: MkDocs refuses an empty one."""
    def indent(line):
        return len(line) - len(line.lstrip())

    return [line for i, line in enumerate(lines)
            if not (re.match(r"\s*- [^:]+:\s*$", line)
                    and (i + 1 == len(lines) or indent(lines[i + 1]) <= indent(line)))]


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


def first_chapters(count: int, destination: Path) -> Path:
    """Copy the project into `destination`, keeping its first `count` chapters (in nav order)."""
    for name in project_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination / name)
    order = list(chapters())
    dropped = order[count:]
    pages = chapter_pages()
    kept_folders = {folder for page, chapter in pages.items() if chapter in order[:count]
                    for folder in snippet_folders(read_text(page))}
    kept_figures = {m["name"] for page, chapter in pages.items() if chapter not in dropped
                    for m in FIGURE.finditer(read_text(page))}
    edited = set()
    for page, chapter in pages.items():
        if chapter not in dropped:
            continue
        text = read_text(page)
        for folder in snippet_folders(text) - kept_folders:
            shutil.rmtree(destination / "snippets" / folder, ignore_errors=True)
            (destination / "tests" / f"test_claims_{folder}.py").unlink(missing_ok=True)
        for name in {m["name"] for m in FIGURE.finditer(text)} - kept_figures:  # repeats share figures
            for figure in (destination / "docs" / "assets" / "figures").glob(f"{name}.*svg"):
                figure.unlink()
        (destination / page).unlink()
        (destination / page).parent.parent.joinpath("notebooks", f"{chapter}.ipynb").unlink(missing_ok=True)
    if not dropped:
        return _as_checkout(destination)  # every chapter kept: no link or nav entry to take out
    targets = [chapters()[chapter].rsplit("/", 1)[-1] + ".md" for chapter in dropped] + \
              [f"{chapter}.ipynb" for chapter in dropped]
    config = destination / "mkdocs.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines(keepends=True)
             if not any(line.rstrip().endswith(target) for target in targets)]
    config.write_text("".join(_without_empty_sections(lines)), encoding="utf-8")
    _without_unused_comments(destination)
    for page in (destination / "docs").rglob("*.md"):
        text = read_text(page)
        kept = _without_links(text, targets)
        if kept != text:
            page.write_text(kept, encoding="utf-8")
            edited.add(page.relative_to(destination / "docs").parts[1:])
    for language in languages()[1:]:  # the outline changed in English: its translations follow it
        for parts in sorted(edited):
            translated = Path("docs", language, *parts)
            if (destination / translated).exists():
                subprocess.run([sys.executable, "-m", "coursekit", "translations", "mark", str(translated)],
                               cwd=destination, check=True, capture_output=True, timeout=120)
    return _as_checkout(destination)


def _as_checkout(destination: Path) -> Path:
    """Make the copy a git working tree, as a contributor's clone is: the project's commands (and a
    scratch course made from this one) list its files with git."""
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True, capture_output=True, timeout=60)
    return destination


def _without_unused_comments(destination: Path) -> None:
    """Take out of docs/comments.yml the entries that only the dropped snippets' comments used: each runs from
    its key's line to the next key's."""
    table = destination / "docs" / "comments.yml"
    scripts = snippet_scripts(destination / "snippets")
    unused = {problem.line for problem in unused_comment_problems(table, "docs/comments.yml", scripts)}
    kept, dropping = [], False
    for number, line in enumerate(table.read_text(encoding="utf-8").splitlines(keepends=True), 1):
        if line[:1] not in (" ", "\t", "\n", "#"):  # a key at the left margin opens an entry
            dropping = number in unused
        if not dropping:
            kept.append(line)
    table.write_text("".join(kept), encoding="utf-8")


def _without_links(markdown: str, targets: list[str]) -> str:
    """`markdown` without the list items that link to a target, and with other links to one as plain text."""
    leads_there = re.compile(r"\]\((?:[^)]*/)?(?:" + "|".join(map(re.escape, targets)) + r")(?:#[^)]*)?\)")
    lines, kept, skipping = markdown.splitlines(keepends=True), [], False
    for line in lines:
        item = re.match(r"(\d+\.|[-*])\s", line)
        if item:
            skipping = bool(leads_there.search(line))
        elif skipping and not (line.startswith(" ") and line.strip()):
            skipping = False
        if not skipping:
            kept.append(line)
    link = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^)]*/)?(?:" + "|".join(map(re.escape, targets)) + r")(?:#[^)]*)?\)")
    return link.sub(lambda m: m["text"], "".join(kept))
