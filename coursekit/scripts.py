"""Runs a snippet as the script it is (`python snippets/...py`), keeping what it drew.

Figures are kept by their name (`plt.subplots(num="activations")`) as deterministic SVG, at the moment
the script calls `plt.show()`: the page shows exactly what a reader running the script sees.
"""

import io
import os
import runpy
import tempfile
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

SVG_STYLE = {"svg.hashsalt": "linear-neurons", "svg.fonttype": "none", "font.family": "sans-serif"}


@dataclass
class ScriptRun:
    path: Path
    stdout: str
    namespace: dict
    figures: dict[str, bytes] = field(default_factory=dict)


def run_script(path: Path) -> ScriptRun:
    """Run `path` top to bottom with `__name__ == "__main__"`, in a scratch folder, the way `python path` would."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures: dict[str, bytes] = {}

    def keep_figures(*args, **kwargs):
        for number in plt.get_fignums():
            figure = plt.figure(number)
            name = figure.get_label()
            if not name:
                raise ValueError(f"{path}: name each figure, e.g. plt.subplots(num='loss-curves')")
            buffer = io.BytesIO()
            with matplotlib.rc_context(SVG_STYLE):
                figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
            figures[name] = buffer.getvalue()
        plt.close("all")

    path = Path(path).resolve()
    out, here = io.StringIO(), os.getcwd()
    with tempfile.TemporaryDirectory() as scratch, mock.patch.object(plt, "show", keep_figures), redirect_stdout(out):
        os.chdir(scratch)
        try:
            namespace = runpy.run_path(str(path), run_name="__main__")
        finally:
            os.chdir(here)
            plt.close("all")
    return ScriptRun(path, out.getvalue(), namespace, figures)


def snippet_scripts() -> list[Path]:
    from .project import SNIPPETS

    return sorted(SNIPPETS.rglob("*.py"))
