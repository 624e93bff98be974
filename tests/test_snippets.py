"""Every snippet is a script that runs top to bottom on its own, and the figures on the pages are its own."""

import os
import re
import time
from pathlib import Path

import pytest

from coursekit.execution import identity, worker
from coursekit.execution.scripts import NUDGE, ScriptFailed, nudged_products, printed_differences, run_script
from coursekit.figures.compare import differences
from coursekit.figures.language import figure_language, missing_font
from coursekit.pages.includes import snippet_folders, unshown_sections
from coursekit.project import (
    FIGURES,
    ROOT,
    SNIPPETS,
    chapter_pages,
    chapters,
    language_of,
    languages,
    pages,
    read_text,
    snippet_scripts,
)
from coursekit.site.markup import FIGURE
from coursekit.testing.lazy import lazy

SCRIPTS = snippet_scripts()  # under pytest-xdist, each runs once, in its folder's worker (conftest.py)


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_snippet_runs_as_a_script(script, script_runs):
    """On its own, top to bottom (the nudged run is such a run: the plain one may be its page chain's)."""
    run = script_runs(script, nudged=True)
    assert run.stdout.strip(), f"{script.relative_to(ROOT)} printed nothing"


@pytest.mark.parametrize("language", languages())
@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_committed_figures_are_what_the_snippet_draws(script, language, script_runs):
    if missing_font(language):  # figures laid out with another font would differ
        message = f"{missing_font(language)}: apt-get install fonts-wqy-microhei (CI does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    for name, svg in script_runs(script).figures.items():
        if figure_language(name) != language:
            continue
        committed = FIGURES / f"{name}.svg"
        assert committed.exists(), f"{committed.relative_to(ROOT)} missing: run python -m coursekit refresh"
        moved = differences(committed.read_bytes(), svg)
        assert not moved, (
            f"{committed.relative_to(ROOT)} is stale: {script.relative_to(ROOT)} draws something else now; "
            "run python -m coursekit refresh\n" + "\n".join(moved))


@pytest.mark.parametrize("chapter", chapters())
def test_every_figure_a_chapter_shows_is_drawn_by_its_snippets(chapter, script_runs):
    page = next(page for page, notebook in chapter_pages().items()
                if notebook == chapter and language_of(page) == languages()[0])
    text = (ROOT / page).read_text(encoding="utf-8")
    drawn = {name for folder in snippet_folders(text) for script in SCRIPTS
             if script.parent.name == folder for name in script_runs(script).figures}
    shown = {m["name"] for m in FIGURE.finditer(text)}
    assert shown <= drawn, f"{page} shows figures its snippets no longer draw: {sorted(shown - drawn)}"


def test_every_figure_file_is_shown_on_a_page():
    shown = {m["name"] for page in pages() for m in FIGURE.finditer((ROOT / page).read_text(encoding="utf-8"))}
    orphans = sorted(p.name for p in FIGURES.glob("*.svg") if p.name.split(".")[0] not in shown)
    assert not orphans, f"figures no page shows: {orphans}"


def test_snippets_use_no_course_machinery():
    """Readers copy snippets: they must not depend on the site's own package."""
    for script in SCRIPTS:
        assert "coursekit" not in read_text(script), script


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(ROOT)) for s in SCRIPTS])
def test_snippet_prints_the_same_on_another_device_and_cpu(script, script_runs):
    """A GPU rounds in its own way, and so does an older or newer CPU: when every matrix product moves in its
    last digits and NumPy and torch compute on their baseline kernels, the printed digits must stay (a
    training run that amplifies them needs another example, not a looser check). What it prints here is what
    its page shows, where a chain is the script (identity.py); else its own run's."""
    shown = identity.shown_output(script)
    printed = shown if shown is not None else script_runs(script).stdout
    moved = printed_differences(printed, script_runs(script, nudged=True).stdout)
    assert not moved, (f"{script.relative_to(ROOT)} prints otherwise after a rounding-sized change (another "
                       "device, or CPU kernels):\n" + "\n".join(moved))


@pytest.mark.machinery
def test_the_nudged_runs_compute_on_the_baseline_kernels():
    """What the nudged runs prove for other CPUs holds only if they really run on other kernels."""
    from coursekit.execution.dispatch import kernels, kernels_job

    (baseline,) = worker.run(kernels_job, dispatch="baseline")
    assert baseline["numpy"] == [], f"NumPy still dispatches {baseline['numpy']} on the baseline"
    if "torch" in baseline:
        assert baseline["torch"] == "DEFAULT", f"torch computes with {baseline['torch']} on the baseline"
    (full,) = worker.run(kernels_job)
    assert full == kernels(), "the ordinary runs compute with this machine's own kernels"


@pytest.mark.machinery
def test_a_print_that_loses_or_gains_lines_is_a_difference():
    assert printed_differences("loss 0.25\naccuracy 0.9\n", "loss 0.25\n")
    assert printed_differences("loss 0.25\n", "loss 0.25\naccuracy 0.9\n")
    assert printed_differences("loss 0.25\n", "loss 0.26\n") == ["--- printed", "+++ nudged", "@@ -1 +1 @@",
                                                                 "-loss 0.25", "+loss 0.26"]
    assert not printed_differences("loss 0.25\n", "loss 0.25\n")


def nudge_cases():
    """Every kind of product and reduction a snippet may call, each as a function of fresh inputs (torch is
    imported when one is called: collecting the cases' names costs nothing)."""
    torch, F = lazy("torch"), lazy("torch.nn.functional")

    def inputs():
        generator = torch.Generator().manual_seed(1)
        return [torch.rand(shape, generator=generator) for shape in [(4, 5), (5, 3), (2, 4, 5), (2, 5, 3), (4, 3)]]

    return {
        "@": lambda a, b, *_: a @ b, "torch.matmul": lambda a, b, *_: torch.matmul(a, b),
        "Tensor.mm": lambda a, b, *_: a.mm(b), "torch.mm": lambda a, b, *_: torch.mm(a, b),
        "torch.bmm": lambda _, __, c, d, ___: torch.bmm(c, d),
        "batched @": lambda _, __, c, d, ___: c @ d,
        "torch.addmm": lambda a, b, _, __, e: torch.addmm(e, a, b),
        "torch.einsum": lambda a, b, *_: torch.einsum("ij,jk->ik", a, b),
        "F.linear": lambda a, b, *_: F.linear(a, b.T),
        "nn.Linear": lambda a, *_: torch.nn.Linear(5, 2)(a),
        "F.conv2d": lambda _, __, c, *___: F.conv2d(c.view(1, 2, 4, 5), torch.ones(3, 2, 2, 2)),
        "nn.Conv1d": lambda _, __, c, *___: torch.nn.Conv1d(2, 3, 2)(c.view(1, 2, 20)),
        "Tensor.sum": lambda a, *_: a.sum(), "torch.sum": lambda a, *_: torch.sum(a, dim=0),
        "Tensor.mean": lambda a, *_: a.mean(), "torch.mean": lambda a, *_: torch.mean(a, dim=1),
        "Tensor.var": lambda a, *_: a.var(),
        "F.mse_loss": lambda a, *_: F.mse_loss(a, torch.zeros_like(a)),
        "F.cross_entropy": lambda a, *_: F.cross_entropy(a, torch.tensor([0, 1, 2, 3])),
    }, inputs


@pytest.mark.machinery
@pytest.mark.parametrize("case", list(nudge_cases()[0]))
def test_the_nudge_moves_every_product_and_reduction_and_no_random_number(case):
    """As on another device: the result moves, in its last digits only, and the random numbers stay."""
    import torch

    cases, inputs = nudge_cases()
    torch.manual_seed(0)
    plain = cases[case](*inputs())
    with nudged_products():
        torch.manual_seed(0)
        nudged = cases[case](*inputs())
        drawn_after = torch.rand(3)
    torch.manual_seed(0)
    cases[case](*inputs())
    assert torch.equal(drawn_after, torch.rand(3)), "the nudge drew from the script's random numbers"
    assert not torch.equal(plain, nudged), f"{case} is not nudged"
    assert torch.allclose(plain, nudged, rtol=2 * NUDGE, atol=0), f"{case} moved by more than a nudge"


@pytest.mark.machinery
def test_the_nudge_leaves_integers_alone():
    import torch

    counts = torch.tensor([[1, 2], [3, 4]])
    with nudged_products():
        assert torch.equal(counts @ counts, torch.tensor([[7, 10], [15, 22]])) and counts.sum().item() == 10


@pytest.mark.machinery
def test_a_snippet_that_hangs_fails_within_its_limit_naming_its_line(tmp_path, monkeypatch):
    script = tmp_path / "hangs.py"
    script.write_text("print('start')\n\nwhile True:\n    pass\n", encoding="utf-8")
    monkeypatch.setattr(worker, "CPU_SECONDS", 1)
    monkeypatch.setattr(worker, "CLOCK_FACTOR", 20)  # the loop's computing stops it, however busy the machine
    start = time.monotonic()
    with pytest.raises(ScriptFailed) as failed:
        run_script(script)
    assert time.monotonic() - start < 60  # it ends, however busy the machine (a hang would not)
    assert f"{script} failed" in str(failed.value) and "1 s limit" in str(failed.value)
    assert f'File "{script}", line 3' in str(failed.value), failed.value


@pytest.mark.machinery
def test_a_snippet_runs_in_a_scratch_folder(tmp_path):
    script = tmp_path / "where.py"
    script.write_text("import os\nopen('written.txt', 'w').close()\nprint(os.getcwd())\n", encoding="utf-8")
    folder = Path(run_script(script).stdout.strip())
    assert folder != tmp_path and ROOT not in (folder, *folder.parents) and not (tmp_path / "written.txt").exists()


@pytest.mark.machinery
def test_a_script_keeps_its_functions_and_values_but_not_its_figures(tmp_path):
    script = tmp_path / "kept.py"
    script.write_text("import matplotlib.pyplot as plt\nscale = 3\ndef triple(x):\n    return scale * x\n"
                      "fig, axes = plt.subplots(1, 2, num='kept')\nplt.show()\n", encoding="utf-8")
    run = run_script(script)
    assert run.namespace["triple"](2) == 6 and "kept" in run.figures
    with pytest.raises(KeyError, match="matplotlib object"):
        run.namespace["axes"]


RANDOM_ON_DEVICE = re.compile(r"torch\.(rand\w*|normal|bernoulli|multinomial)\((?:[^()]|\([^()]*\))*\bdevice\s*=")


def test_random_numbers_come_from_the_cpu_generator():
    """A GPU has its own generator: numbers drawn there differ from the CPU's, and so does all that follows."""
    found = [f"{s.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)[:60]}"
             for s in SCRIPTS for text in [read_text(s)] for m in RANDOM_ON_DEVICE.finditer(text)]
    assert not found, "draw on the CPU, then .to(device):\n" + "\n".join(found)


def test_the_pages_show_every_section_of_every_script_in_order():
    """Pasted in page order, the blocks are the scripts: no section left out, none before an earlier one."""
    problems = unshown_sections(pages(languages()[0]), SCRIPTS, SNIPPETS)
    assert not problems, "\n".join(problems)


@pytest.mark.machinery
def test_a_section_left_out_or_shown_early_is_named(tmp_path):
    script = tmp_path / "demo" / "steps.py"
    script.parent.mkdir()
    script.write_text("".join(f"# --8<-- [start:{name}]\nx = 1\n# --8<-- [end:{name}]\n\n"
                              for name in ("load", "fit", "plot")), encoding="utf-8")
    fence = "```"
    page = tmp_path / "page.md"

    def problems(*sections):
        page.write_text("".join(f'{fence}python\n--8<-- "demo/steps.py{section}"\n{fence}\n\n' for section in sections),
                        encoding="utf-8")
        return unshown_sections([page], [script], tmp_path)

    assert problems(":load", ":fit", ":plot") == [] and problems("") == [] and problems(":load", ":fit", ":plot", ":fit") == []
    assert problems(":load", ":plot") == [f"{script}:5: section fit of demo/steps.py is shown on no page"]
    assert problems(":load", ":plot", ":fit") == [f"{page}:6: shows demo/steps.py:plot before fit, which the script runs first"]
