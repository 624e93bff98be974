"""`python -m coursekit refresh` runs again only what changed, and everything with `--all`."""

import json

import nbformat

import pytest

from coursekit.project import chapter_pages, languages, pages
from coursekit.tools import refresh

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out

DRAWING = "import matplotlib.pyplot as plt\n\nplt.subplots(num='refresh-test')\nplt.show()\n"


def test_a_figure_is_drawn_again_only_when_its_script_or_the_figure_strings_change(tmp_path, monkeypatch):
    script = tmp_path / "snippets" / "demo" / "draw.py"
    script.parent.mkdir(parents=True)
    script.write_text(DRAWING, encoding="utf-8")
    strings = tmp_path / "figures.yml"
    strings.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(refresh, "snippet_scripts", lambda: [script])
    monkeypatch.setattr(refresh, "SNIPPETS", tmp_path / "snippets")
    monkeypatch.setattr(refresh, "FIGURES", tmp_path / "figures")
    monkeypatch.setattr(refresh, "TABLE", strings)
    ran = []
    run_script = refresh.run_script
    monkeypatch.setattr(refresh, "run_script", lambda path: ran.append(path) or run_script(path))

    changed = refresh.refresh_figures()
    assert (tmp_path / "figures" / "refresh-test.svg") in changed and len(ran) == 1
    assert refresh.refresh_figures() == [] and len(ran) == 1  # nothing changed: nothing runs
    script.write_text(DRAWING + "# another line\n", encoding="utf-8")
    refresh.refresh_figures()
    assert len(ran) == 2
    strings.write_text("refresh-test: {}\n", encoding="utf-8")
    refresh.refresh_figures()
    assert len(ran) == 3
    refresh.refresh_figures(everything=True)
    assert len(ran) == 4


def test_a_figure_strings_edit_draws_again_only_the_figures_it_names_and_writes_no_other_folder(tmp_path,
                                                                                               monkeypatch):
    """One figure's strings edited in figures.yml: the script that draws it runs again and its folder's record
    is written; another chapter's script, its figures and its record are left as they were."""
    snippets, figures, strings = tmp_path / "snippets", tmp_path / "figures", tmp_path / "figures.yml"
    scripts = {name: snippets / name / "draw.py" for name in ("first", "second")}
    for name, script in scripts.items():
        script.parent.mkdir(parents=True)
        script.write_text(DRAWING.replace("refresh-test", f"{name}-figure"), encoding="utf-8")
    table = "{figure}:\n  loss: {{fr: perte, zh: {word}}}\n"
    strings.write_text(table.format(figure="first-figure", word="损失") + table.format(figure="second-figure",
                                                                                     word="损失"), encoding="utf-8")
    for name, value in (("SNIPPETS", snippets), ("FIGURES", figures), ("TABLE", strings)):
        monkeypatch.setattr(refresh, name, value)
    monkeypatch.setattr(refresh, "snippet_scripts", lambda: sorted(scripts.values()))
    ran = []
    run_script = refresh.run_script
    monkeypatch.setattr(refresh, "run_script", lambda path: ran.append(path) or run_script(path))
    refresh.refresh_figures()
    assert sorted(ran) == sorted(scripts.values())
    record = snippets / "second" / "outputs" / refresh.FIGURES_DRAWN
    second = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in [record, *figures.glob("second-*")]}

    ran.clear()
    strings.write_text(table.format(figure="first-figure", word="损失值") + table.format(figure="second-figure",
                                                                                       word="损失"), encoding="utf-8")
    changed = refresh.refresh_figures()
    assert ran == [scripts["first"]], "a script whose figures' strings did not change ran again"
    assert snippets / "first" / "outputs" / refresh.FIGURES_DRAWN in changed and record not in changed
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in second} == second
    assert refresh.refresh_figures() == [] and len(ran) == 1  # nothing changed since: nothing runs


def test_a_page_runs_again_when_an_output_is_missing_or_older_than_its_code(monkeypatch, tmp_path):
    page = next(page for page in pages() if refresh.outputs.output_files(page))
    monkeypatch.setattr(refresh, "pages", lambda: [page])
    assert refresh.pages_to_run() == [] and refresh.pages_to_run(everything=True) == [page]
    first = next(iter(refresh.outputs.output_files(page).values()))
    monkeypatch.setattr(refresh.stale_outputs, "recorded", lambda output: "another fingerprint")
    assert refresh.pages_to_run() == [page]  # its code changed since its outputs were printed
    monkeypatch.undo()
    monkeypatch.setattr(refresh, "pages", lambda: [page])
    missing = tmp_path / "missing.txt"
    monkeypatch.setattr(refresh.outputs, "output_files", lambda p: {1: missing, 2: first})
    assert refresh.pages_to_run() == [page]


def test_a_chapter_runs_its_code_once_for_the_notebooks_of_its_three_languages(monkeypatch, tmp_path):
    """The languages' notebooks share their code cells: one run gives each its outputs. A language whose code
    differed would run on its own."""
    from coursekit.notebooks import from_pages

    chapter = next(iter(from_pages.chapter_pages().values()))
    monkeypatch.setattr(from_pages, "chapter_pages",
                        lambda: {page: id_ for page, id_ in chapter_pages().items() if id_ == chapter})
    monkeypatch.setattr(from_pages, "ROOT", tmp_path)
    monkeypatch.setattr(from_pages, "notebook_path", lambda page, id_: tmp_path / page.parent.parent.name / id_)
    ran = []

    def execute(notebook, name):
        ran.append(name)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("stream", text=f"run {len(ran)}\n")]
        return notebook

    monkeypatch.setattr(from_pages, "execute", execute)
    written = from_pages.refresh()
    assert len(written) == len(languages()) and len(ran) == 1, ran
    for path in written:
        cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
        assert cells and all(cell.outputs[0]["text"] == "run 1\n" for cell in cells), path
    assert from_pages.refresh() == [] and len(ran) == 1  # nothing changed: nothing runs

    build = from_pages.build
    last = languages()[-1]
    monkeypatch.setattr(from_pages, "build", lambda page: _edited(build(page), page.parent.parent.name == last))
    # The languages alike keep their outputs (prose alone changed); the last, whose code changed, runs alone.
    assert from_pages.refresh() == written and len(ran) == 2


def _edited(notebook, code_too: bool):
    """Every notebook's prose edited; with `code_too`, its first code cell's code too (a comment would not do:
    comments aside, the code would be the same)."""
    notebook.cells.append(nbformat.v4.new_markdown_cell("One more line."))
    if code_too:
        next(cell for cell in notebook.cells if cell.cell_type == "code").source += "\nanother_line = 1"
    return notebook


def test_what_a_removed_script_printed_and_drew_goes_and_nothing_else(tmp_path, monkeypatch):
    """A chapter's first section replaced: its script's outputs, their fingerprints, its figures and its record
    in figures.json go; another script's, and a figure both drew, stay."""
    snippets, figures = tmp_path / "snippets", tmp_path / "figures"
    kept, gone = snippets / "demo" / "kept.py", snippets / "demo" / "first_steps.py"
    outputs = snippets / "demo" / "outputs"
    outputs.mkdir(parents=True)
    for script in (kept, gone):  # each draws a figure of its own, and both the same one
        script.write_text(DRAWING.replace("refresh-test", script.stem) + "plt.subplots(num='shared')\nplt.show()\n",
                          encoding="utf-8")
    for name in ("kept.a.txt", "first_steps.a.txt", "first_steps.b.txt"):
        (outputs / name).write_text("printed", encoding="utf-8")
    (outputs / "sources.json").write_text('{"first_steps.a.txt": "1", "first_steps.b.txt": "2", "kept.a.txt": "3"}')
    strings = tmp_path / "figures.yml"
    strings.write_text("{}\n", encoding="utf-8")
    for name, value in (("SNIPPETS", snippets), ("FIGURES", figures), ("TABLE", strings), ("pages", lambda: [])):
        monkeypatch.setattr(refresh, name, value)
    monkeypatch.setattr(refresh, "snippet_scripts", lambda: sorted(snippets.rglob("*.py")))

    refresh.refresh_figures()
    drawn = {path.name for path in figures.iterdir()}
    assert {"first_steps.svg", "first_steps.fr.svg", "kept.zh.svg", "shared.svg"} <= drawn
    gone.unlink()
    changed = refresh.remove_left_outputs() + refresh.refresh_figures()

    assert sorted(path.name for path in outputs.iterdir()) == ["figures.json", "kept.a.txt", "sources.json"]
    assert json.loads((outputs / "sources.json").read_text(encoding="utf-8")) == {"kept.a.txt": "3"}
    assert list(json.loads((outputs / "figures.json").read_text(encoding="utf-8"))) == ["kept.py"]
    assert {path.name for path in figures.iterdir()} == {name for name in drawn if not name.startswith("first_steps")}
    assert figures / "first_steps.zh.svg" in changed and outputs / "first_steps.b.txt" in changed
    assert refresh.remove_left_outputs() + refresh.refresh_figures() == []  # nothing left: nothing to do
