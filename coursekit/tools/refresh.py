"""`python -m coursekit refresh`: regenerate everything the pages show that code produces.

Shown outputs (under snippets/*/outputs/, with the fingerprints of the code that printed them), figures
(docs/assets/figures/), chapter notebooks (docs/<lang>/notebooks/), and the record of what produced them
(docs/provenance.yml). Run it after changing a snippet or a page's code blocks; the tests fail while any of
them is stale.
"""

import sys

from coursekit.execution import outputs, provenance, stale_outputs
from coursekit.execution.scripts import run_script
from coursekit.figures.compare import differences
from coursekit.figures.language import missing_fonts
from coursekit.notebooks import from_pages as notebooks
from coursekit.pages.includes import IncludeError
from coursekit.project import FIGURES, ROOT, FrontMatterError, NotUTF8, pages, read_text, snippet_scripts


def refresh_figures() -> list:
    changed = []
    FIGURES.mkdir(parents=True, exist_ok=True)
    for script in snippet_scripts():
        if "plt.show(" not in read_text(script):
            continue
        for name, svg in run_script(script).figures.items():
            path = FIGURES / f"{name}.svg"
            if not path.exists() or differences(path.read_bytes(), svg):  # not for rounding noise
                path.write_bytes(svg)
                changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    if problems := missing_fonts():  # a figure drawn in a fallback font would be committed as it is
        print("refresh draws no figure in a language whose font is missing:", *problems, sep="\n", file=sys.stderr)
        return 1
    try:
        changed = outputs.refresh(pages()) + stale_outputs.record(pages())
        changed += refresh_figures() + notebooks.refresh()
    except (NotUTF8, FrontMatterError, IncludeError) as error:  # they name the file and line: that is enough
        print(error, file=sys.stderr)
        return 1
    if provenance.record_cpu():
        changed.append(provenance.RECORD)
    for path in changed:
        print("updated", path.relative_to(ROOT))
    print(f"{len(changed)} file(s) updated")
    return 0
