"""`python -m coursekit refresh [--all]`: regenerate everything the pages show that code produces.

Shown outputs (under snippets/*/outputs/, with the fingerprints of the code that printed them), figures
(docs/assets/figures/), chapter notebooks (docs/<lang>/notebooks/), and the record of what produced them
(docs/provenance.yml). Run it after changing a snippet or a page's code blocks; the tests fail while any of
them is stale.

Only what changed runs again: a page whose outputs all exist and were printed by its code as it is now, a
script whose figures were drawn by its text as it is now (and the figure strings as they are), a notebook
that holds its page's cells. `--all` runs everything (after upgrading a package, say).
"""

import hashlib
import json
import sys

from coursekit.execution import outputs, provenance, stale_outputs
from coursekit.execution.scripts import run_script
from coursekit.figures.compare import differences
from coursekit.figures.language import TABLE, missing_fonts
from coursekit.notebooks import from_pages as notebooks
from coursekit.pages.includes import IncludeError
from coursekit.project import FIGURES, ROOT, FrontMatterError, NotUTF8, pages, read_text, snippet_scripts


FIGURES_DRAWN = "figures.json"  # beside a snippet folder's outputs: script -> fingerprint of what drew its figures


def refresh_figures(everything: bool = False) -> list:
    changed = []
    FIGURES.mkdir(parents=True, exist_ok=True)
    for script in snippet_scripts():
        if "plt.show(" not in read_text(script):
            continue
        record = script.parent / "outputs" / FIGURES_DRAWN
        drawn = json.loads(read_text(record)) if record.exists() else {}
        fingerprint = _figure_fingerprint(script)
        if not everything and drawn.get(script.name) == fingerprint:
            continue
        for name, svg in run_script(script).figures.items():
            path = FIGURES / f"{name}.svg"
            if not path.exists() or differences(path.read_bytes(), svg):  # not for rounding noise
                path.write_bytes(svg)
                changed.append(path)
        if drawn.get(script.name) != fingerprint:
            record.parent.mkdir(exist_ok=True)
            record.write_text(json.dumps(dict(sorted({**drawn, script.name: fingerprint}.items())), indent=2) + "\n",
                              encoding="utf-8")
            changed.append(record)
    return changed


def _figure_fingerprint(script) -> str:
    strings = read_text(TABLE) if TABLE.exists() else ""
    return hashlib.sha256((read_text(script) + "\0" + strings).encode("utf-8")).hexdigest()[:16]


def pages_to_run(everything: bool = False) -> list:
    """The pages whose outputs are missing or older than their code (all of them with `everything`)."""
    if everything:
        return pages()
    # A missing output first: the page's includes do not expand without it.
    return [page for page in pages()
            if not all(path.exists() for path in outputs.output_files(page).values()) or stale_outputs.stale(page)]


def main(argv: list[str]) -> int:
    everything = "--all" in argv
    if problems := missing_fonts():  # a figure drawn in a fallback font would be committed as it is
        print("refresh draws no figure in a language whose font is missing:", *problems, sep="\n", file=sys.stderr)
        return 1
    try:
        changed = outputs.refresh(pages_to_run(everything)) + stale_outputs.record(pages())
        changed += refresh_figures(everything) + notebooks.refresh()
    except (NotUTF8, FrontMatterError, IncludeError) as error:  # they name the file and line: that is enough
        print(error, file=sys.stderr)
        return 1
    if provenance.record_cpu():
        changed.append(provenance.RECORD)
    for path in dict.fromkeys(changed):
        print("updated", path.relative_to(ROOT))
    print(f"{len(set(changed))} file(s) updated")
    return 0
