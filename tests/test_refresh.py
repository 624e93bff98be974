"""`python -m coursekit refresh` runs again only what changed, and everything with `--all`."""

from coursekit.project import pages
from coursekit.tools import refresh

DRAWING = "import matplotlib.pyplot as plt\n\nplt.subplots(num='refresh-test')\nplt.show()\n"


def test_a_figure_is_drawn_again_only_when_its_script_or_the_figure_strings_change(tmp_path, monkeypatch):
    script = tmp_path / "snippets" / "demo" / "draw.py"
    script.parent.mkdir(parents=True)
    script.write_text(DRAWING, encoding="utf-8")
    strings = tmp_path / "figures.yml"
    strings.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(refresh, "snippet_scripts", lambda: [script])
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
