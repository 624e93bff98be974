"""Outputs older than their code, found without running anything.

`python -m coursekit refresh` records, next to the outputs of each snippet folder (`outputs/sources.json`),
a fingerprint of the code that printed each output: the blocks of its chain up to its own, as the page runs
them. A page whose code no longer has that fingerprint shows a stale output. Under `mkdocs serve` the page
says so above the output, in its language; a build logs a warning, which `--strict` turns into a failure.
"""

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

from coursekit.execution import runner
from coursekit.execution.outputs import output_files
from coursekit.pages.codeblocks import collect
from coursekit.pages.includes import expand_file
from coursekit.pages.model import Page
from coursekit.project import ROOT, SNIPPETS, read_text
from coursekit.wording import phrase

log = logging.getLogger("mkdocs.coursekit")
MANIFEST = "sources.json"


def fingerprints(page: Path) -> dict[Path, tuple[int, str]]:
    """Output file -> (page line of the block that prints it, fingerprint of the code that does)."""
    return dict(_fingerprints(Path(page), read_text(page), tuple(expand_file(page))))


# Each build checks every page of its language, and `mkdocs serve` each page on every rebuild: the blocks
# are read again only when the page or what it includes changed.
@lru_cache(maxsize=1024)
def _fingerprints(page: Path, text: str, lines: tuple) -> dict[Path, tuple[int, str]]:
    targets, blocks, found = output_files(page), collect(page, list(lines)), {}
    for chain in runner.chains(blocks):
        code = []
        for i in chain:
            code.append(blocks[i].block.code)
            if blocks[i].line in targets:
                digest = hashlib.sha256("\n".join(code).encode()).hexdigest()[:16]
                found[targets[blocks[i].line]] = (blocks[i].line, digest)
    return found


def _manifest(output: Path) -> Path:
    return output.parent / MANIFEST


def recorded(output: Path) -> str | None:
    path = _manifest(output)
    return json.loads(path.read_text(encoding="utf-8")).get(output.name) if path.exists() else None


def record(pages: list[Path]) -> list[Path]:
    """Write the fingerprints of every page's outputs; return the manifests changed."""
    manifests: dict[Path, dict] = {}
    for page in pages:
        for output, (_, digest) in fingerprints(page).items():
            manifests.setdefault(_manifest(output), {})[output.name] = digest
    changed = []
    for path, entries in manifests.items():
        content = json.dumps(dict(sorted(entries.items())), indent=2) + "\n"
        if not path.exists() or read_text(path) != content:
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    return changed


def stale(page: Path) -> list[tuple[int, Path]]:
    """(page line, output file) of each output on `page` whose code changed since `refresh` printed it."""
    return [(line, output) for output, (line, digest) in fingerprints(page).items() if recorded(output) != digest]


def why_differs(page: Path, line: int) -> str:
    """Why the block at `page:line` prints other than the output shown under it: its code changed since
    `refresh` printed it, or, unchanged, it prints something else on each run (refresh cannot fix that)."""
    try:
        found = fingerprints(page)
    except ValueError:  # an output written on the page itself has no fingerprint
        found = {}
    if any(at == line and recorded(output) == digest for output, (at, digest) in found.items()):
        return "prints something else on each run: seed it or print only what the code determines"
    return "the output shown under this block is stale: run python -m coursekit refresh"


def flag(markdown: str, language: str, outputs: list[Path]) -> str:
    """A warning above each of `outputs` on the page, in the page's language."""
    warning = (f'!!! warning "{phrase(language, "stale_output_title")}"\n\n'
               f'    {phrase(language, "stale_output_text")}\n\n')
    lines = markdown.splitlines(keepends=True)
    for fence in reversed(Page(Path("page.md"), markdown).fences):
        if fence.kind == "output" and fence.include and SNIPPETS / fence.include.path in outputs:
            lines.insert(fence.head, "".join(fence.indent + line if line.strip() else line
                                             for line in warning.splitlines(keepends=True)))
    return "".join(lines)


def check(markdown: str, page_file: str, language: str, serving: bool) -> str:
    """`markdown` of the page at `page_file` (absolute), its stale outputs flagged when serving; when
    building, a warning per stale output (a strict build fails)."""
    page = Path(page_file).resolve()
    page = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
    found = stale(page)  # IncludeError names the page line and the file it cannot include
    if serving:
        return flag(markdown, language, [output for _, output in found])
    for line, output in found:
        log.warning(f"{page}:{line}: {output.relative_to(ROOT)} is older than the code that prints it: "
                    f"run python -m coursekit refresh")
    return markdown
