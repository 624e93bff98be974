"""Runs a snippet as the script it is (`python snippets/...py`), keeping what it drew.

Figures are kept by their name (`plt.subplots(num="activations")`) as deterministic SVG, at the moment
the script calls `plt.show()`: the page shows exactly what a reader running the script sees. Each is kept
in every language too (`activations.fr`), its texts translated (figure_text).
"""

import io
import os
import re
import runpy
import tempfile
from contextlib import contextmanager, nullcontext, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from .figure_text import translated
from .project import languages

SVG_STYLE = {"svg.hashsalt": "course", "svg.fonttype": "none", "font.family": "sans-serif"}


@dataclass
class ScriptRun:
    path: Path
    stdout: str
    namespace: dict
    figures: dict[str, bytes] = field(default_factory=dict)


# Another device rounds each product in its own way: float32 results differ in the last one or two digits.
NUDGE = 1e-6


def run_script(path: Path, nudged: bool = False) -> ScriptRun:
    """Run `path` top to bottom with `__name__ == "__main__"`, in a scratch folder, the way `python path` would.

    `nudged`: torch's matrix products come out off by up to NUDGE, relatively, as on another device; what
    the script prints should not change. Only its printing matters then: figures are not kept.
    """
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
            figures[name] = svg_of(figure)
            for language in languages()[1:]:  # the same drawing, in the other languages
                with translated(figure, language):
                    figures[f"{name}.{language}"] = svg_of(figure)
        plt.close("all")

    path = Path(path).resolve()
    out, here = io.StringIO(), os.getcwd()
    show = keep_figures if not nudged else lambda *args, **kwargs: plt.close("all")
    with (tempfile.TemporaryDirectory() as scratch, mock.patch.object(plt, "show", show),
          redirect_stdout(out), _nudged_products() if nudged else nullcontext()):
        os.chdir(scratch)
        try:
            namespace = runpy.run_path(str(path), run_name="__main__")
        finally:
            os.chdir(here)
            plt.close("all")
    return ScriptRun(path, out.getvalue(), namespace, figures)


def svg_of(figure) -> bytes:
    """The figure as the page shows it: SVG with text as text, the same bytes for the same drawing."""
    import matplotlib

    name_labelled_marks(figure)
    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


@contextmanager
def _nudged_products():
    """torch's matrix products (`@`, `nn.Linear`) with a relative error of up to NUDGE, drawn from a generator
    of their own so that the script's random numbers stay the same."""
    import torch

    noise = torch.Generator().manual_seed(0)
    linear, matmul = torch.nn.functional.linear, torch.Tensor.__matmul__

    def nudge(result):
        if not result.is_floating_point():
            return result
        error = torch.rand(result.shape, generator=noise, dtype=result.dtype) * 2 - 1
        return result * (1 + NUDGE * error.to(result.device))

    with (mock.patch.object(torch.nn.functional, "linear", lambda *a, **k: nudge(linear(*a, **k))),
          mock.patch.object(torch.Tensor, "__matmul__", lambda *a: nudge(matmul(*a)))):
        yield


def name_labelled_marks(figure) -> None:
    """Give each labelled line, patch or collection its label as SVG id, so that a figure check can say
    which curve moved ("line-standardised") rather than which number it got ("line2d_23")."""
    taken = set()
    for axes in figure.axes:
        for artist in [*axes.lines, *axes.patches, *axes.collections]:
            label = artist.get_label()
            if artist.get_gid() is None and label and not label.startswith("_"):
                kind = type(artist).__name__.lower().replace("2d", "")
                gid = base = f"{kind}-{re.sub(r'[^0-9A-Za-z]+', '-', label).strip('-').lower()}"
                while gid in taken:
                    gid = f"{base}-{len(taken)}"
                taken.add(gid)
                artist.set_gid(gid)


def snippet_scripts() -> list[Path]:
    from .project import SNIPPETS

    return sorted(SNIPPETS.rglob("*.py"))
