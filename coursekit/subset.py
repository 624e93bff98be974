"""A scratch copy of the project with its first chapters only, for the benchmark to measure what a chapter adds.

Dropping a chapter removes, in every language, its page and notebook, its `nav` entries, the outline items and
links that lead to it, the snippet folders only it includes, their figures, and the tests of its claims
(`tests/test_claims_<snippet folder>.py`). Translations whose English page changed are marked as following it.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .includes import included_scripts
from .notebooks import chapter_pages, chapters
from .project import ROOT, languages, read_text

FIGURE = re.compile(r"assets/figures/(?P<name>[\w-]+)\.svg")


def project_files() -> list[str]:
    """The files of the working tree that git would carry: tracked, or new and not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


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
    edited = set()
    for page, chapter in pages.items():
        if chapter not in dropped:
            continue
        text = read_text(page)
        for folder in snippet_folders(text) - kept_folders:
            shutil.rmtree(destination / "snippets" / folder, ignore_errors=True)
            (destination / "tests" / f"test_claims_{folder}.py").unlink(missing_ok=True)
        for name in FIGURE.findall(text):
            for figure in (destination / "docs" / "assets" / "figures").glob(f"{name}.*svg"):
                figure.unlink()
        (destination / page).unlink()
        (destination / page).parent.parent.joinpath("notebooks", f"{chapter}.ipynb").unlink(missing_ok=True)
    targets = [chapters()[chapter].rsplit("/", 1)[-1] + ".md" for chapter in dropped] + \
              [f"{chapter}.ipynb" for chapter in dropped]
    config = destination / "mkdocs.yml"
    config.write_text("".join(line for line in config.read_text(encoding="utf-8").splitlines(keepends=True)
                              if not any(line.rstrip().endswith(target) for target in targets)), encoding="utf-8")
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
                               cwd=destination, check=True, capture_output=True)
    return destination


def snippet_folders(markdown: str) -> set[str]:
    return {path.split("/")[0] for path in included_scripts(markdown).values()}


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
