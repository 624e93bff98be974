"""`python -m coursekit refresh [--all]`: regenerate everything the pages show that code produces.

Shown outputs (under snippets/*/outputs/, with the fingerprints of the code that printed them), figures
(docs/assets/figures/), chapter notebooks (docs/<lang>/notebooks/), and the record of what produced them
(docs/provenance.yml). Run it after changing a snippet or a page's code blocks; the tests fail while any of
them is stale. What a script that no longer exists printed or drew goes: its outputs and their fingerprints,
its record in `figures.json`, and the figures no other script draws.

Only what changed runs again: a page whose outputs all exist and were printed by its code as it is now, a
script whose figures were drawn by its text as it is now (and the strings of those figures in figures.yml as
they are: another figure's strings are not its), a notebook that holds its page's cells. `--all` runs
everything (after upgrading a package, say).
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
from coursekit.project import (FIGURES, ROOT, SNIPPETS, FrontMatterError, NotUTF8, pages, read_text, read_yaml,
                               snippet_scripts)


# Beside a snippet folder's outputs: script -> {"fingerprint": of what drew its figures, "figures": their names}.
# The fingerprint is of the script's text and of the figures.yml strings of the figures it drew, by name.
FIGURES_DRAWN = "figures.json"


def refresh_figures(everything: bool = False) -> list:
    """Draw again the figures of the scripts whose text (or the figure strings) changed; remove the figures, and
    the records, of scripts that no longer exist or no longer draw them. Returns the files written or removed."""
    changed = []
    FIGURES.mkdir(parents=True, exist_ok=True)
    drawing = [script for script in snippet_scripts() if "plt.show(" in read_text(script)]
    records = {*SNIPPETS.rglob(f"outputs/{FIGURES_DRAWN}"), *(_record(script) for script in drawing)}
    before = {record: json.loads(read_text(record)) if record.exists() else {} for record in records}
    after = {record: {} for record in records}
    strings = read_yaml(TABLE, {})
    for script in drawing:
        drawn = before[_record(script)].get(script.name)
        # A record that is only a fingerprint was written before figure names were kept: draw again.
        if (not everything and isinstance(drawn, dict)
                and drawn["fingerprint"] == _figure_fingerprint(script, drawn["figures"], strings)):
            after[_record(script)][script.name] = drawn
            continue
        figures = run_script(script).figures
        for name, svg in figures.items():
            path = FIGURES / f"{name}.svg"
            if not path.exists() or differences(path.read_bytes(), svg):  # not for rounding noise
                path.write_bytes(svg)
                changed.append(path)
        after[_record(script)][script.name] = {"fingerprint": _figure_fingerprint(script, figures, strings),
                                               "figures": sorted(figures)}
    changed += _remove([FIGURES / f"{name}.svg" for name in _names(before) - _names(after)])
    for record, entries in after.items():
        if entries == before[record]:
            continue
        if entries:
            record.parent.mkdir(exist_ok=True)
            record.write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n", encoding="utf-8")
            changed.append(record)
        else:
            changed += _remove([record])
    return changed


def _record(script):
    return script.parent / "outputs" / FIGURES_DRAWN


def _names(records: dict) -> set:
    return {name for entries in records.values() for drawn in entries.values() if isinstance(drawn, dict)
            for name in drawn["figures"]}


def remove_left_outputs() -> list:
    """The shown outputs (`outputs/<script>.<section>.txt`) of scripts that no longer exist and that no page
    shows, and their fingerprints in `sources.json`. Returns the files removed or written."""
    scripts = {script.with_suffix("") for script in snippet_scripts()}
    shown = {output for page in pages() for output in outputs.output_files(page).values()}
    left = [output for output in SNIPPETS.rglob("outputs/*.txt")
            if output.parent.parent / output.name.split(".")[0] not in scripts and output not in shown]
    changed = _remove(left)
    for manifest in {output.parent / stale_outputs.MANIFEST for output in left}:
        if not manifest.exists():
            continue
        entries = json.loads(read_text(manifest))
        kept = {name: digest for name, digest in entries.items() if (manifest.parent / name).exists()}
        if kept != entries:
            manifest.write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
            changed.append(manifest)
    return changed


def _remove(paths: list) -> list:
    removed = [path for path in paths if path.exists()]
    for path in removed:
        path.unlink()
    return removed


def _figure_fingerprint(script, figures, strings: dict) -> str:
    """Of the script's text and of the strings figures.yml gives the figures it draws (by name; a drawn file
    in another language, `name.fr`, has none of its own): editing another figure's strings leaves it alone."""
    own = {name: strings[name] for name in sorted(figures) if name in strings}
    text = read_text(script) + "\0" + json.dumps(own, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
        changed = remove_left_outputs() + outputs.refresh(pages_to_run(everything)) + stale_outputs.record(pages())
        changed += refresh_figures(everything) + notebooks.refresh()
    except (NotUTF8, FrontMatterError, IncludeError) as error:  # they name the file and line: that is enough
        print(error, file=sys.stderr)
        return 1
    if provenance.record_cpu():
        changed.append(provenance.RECORD)
    for path in dict.fromkeys(changed):
        print("updated" if path.exists() else "removed", path.relative_to(ROOT))
    print(f"{len(set(changed))} file(s) updated")
    return 0
