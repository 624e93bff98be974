"""Runs a snippet as the script it is (`python snippets/...py`), keeping what it drew.

Figures are kept by their name (`plt.subplots(num="activations")`) as deterministic SVG, at the moment
the script calls `plt.show()`: the page shows exactly what a reader running the script sees. Each is kept
in every language too (`activations.fr`), its texts translated (figure_text).
"""

import io
import re
import runpy
from contextlib import ExitStack, contextmanager, nullcontext, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from coursekit.execution import cache, worker
from coursekit.figures.language import translated
from coursekit.pages.includes import script_sections
from coursekit.project import ROOT, languages, read_text

SVG_STYLE = {"svg.hashsalt": "course", "svg.fonttype": "none", "font.family": "sans-serif"}


@dataclass
class ScriptRun:
    path: Path
    stdout: str
    namespace: dict
    figures: dict[str, bytes] = field(default_factory=dict)

    # Pickled (in the cache, or from the worker's process), the namespace is kept as bytes, unpickled when
    # first read: what its values need (torch, scikit-learn) is imported only by a test that reads them.
    def __getstate__(self):
        import cloudpickle

        state = {name: value for name, value in self.__dict__.items() if name != "_packed"}
        packed = self.__dict__.get("_packed")
        return dict(state, namespace=packed if packed is not None else cloudpickle.dumps(self.namespace))

    def __setstate__(self, state):
        self.__dict__.update({name: value for name, value in state.items() if name != "namespace"},
                             _packed=state["namespace"])

    def __getattr__(self, name):  # only for what is not set: the namespace not yet unpickled
        if name == "namespace" and "_packed" in self.__dict__:
            import pickle

            self.namespace = pickle.loads(self.__dict__.pop("_packed"))
            return self.namespace
        raise AttributeError(name)


# Another device rounds each product in its own way: float32 results differ in the last one or two digits.
# Other precisions differ in their own last digits: the nudge scales with the type's precision (float64:
# about 2e-15).
NUDGE = 1e-6


class ScriptFailed(Exception):
    """A snippet failed, or ran over its limit, when run as a script; the message names it and its line."""


def limit(path: Path) -> float:
    """The seconds a snippet may run as a script: worker.CPU_SECONDS for each section it marks."""
    return worker.CPU_SECONDS * max(1, len(script_sections(read_text(path))))


def run_script(path: Path, nudged: bool = False) -> ScriptRun:
    """Run `path` top to bottom with `__name__ == "__main__"`, in a scratch folder, the way `python path` would,
    in a worker's child process, within its limit.

    `nudged`: as on another device and another CPU: torch's matrix products and reductions come out off by
    up to NUDGE, relatively, and NumPy and torch compute on their baseline kernels (dispatch.py); what the
    script prints should not change. Only its printing matters then: figures are not kept.
    The run is that of the last time its inputs were the same (cache.py), where it ran to its end and pickles.
    Where a page chain is the script, line for line (identity.py), the chain's run is the script's: the
    script is not run again (the nudged run still runs it as a script).
    """
    path = Path(path).resolve()
    if not nudged and (run := _run_as_chain(path)) is not None:
        return run
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    seconds = limit(path)
    dispatch = "baseline" if nudged else "full"
    digest = cache_key(path, nudged)
    run = cache.load("script", digest)
    if run is not cache.MISS:
        return run
    try:
        (run,) = worker.run(_script_job, path, str(shown), nudged, seconds,
                            preload=worker.imports(read_text(path)), dispatch=dispatch)
    except worker.TimedOut as stopped:
        raise ScriptFailed(str(stopped)) from None
    except worker.Failed as failed:
        raise ScriptFailed(f"{shown} failed when run as a script:\n{failed}") from None
    cache.store("script", digest, run)
    return run


def cache_key(path: Path, nudged: bool) -> str:
    """The key of a script's run: its path (`__file__`), every file of its folder (itself, its data), the
    nudge, and the environment its kernels are chosen by."""
    path = Path(path).resolve()
    return cache.key("script", str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                     cache.files([path.parent]), worker.environment("baseline" if nudged else "full"),
                     nudged=nudged)


def _run_as_chain(path: Path) -> ScriptRun | None:
    """The script's run kept by the run of the page chain that is the script, where one is and ran through."""
    from coursekit.execution import identity, runner

    chain = identity.chain_of(path)
    return runner.script_run(chain) if chain else None


def _script_job(step, path: Path, shown: str, nudged: bool, seconds: float):
    """In the worker's child: the script's run, its namespace less what does not leave a process."""
    step(shown, seconds)
    run = run_here(path, nudged)
    run.namespace = kept(run.namespace)
    yield run


def kept(namespace: dict) -> "Namespace":
    """A script's variables as they leave its process: no dunder names, no matplotlib object."""
    return Namespace({name: value for name, value in namespace.items()
                      if not (name.startswith("__") and name.endswith("__")) and not _drawing(value)})


class Namespace(dict):
    """A script's variables, as the tests see them: figures stay in the script's process."""

    def __missing__(self, name):
        raise KeyError(f"{name!r}: not a variable of the script, or a matplotlib object (its figures are "
                       "kept as SVG in ScriptRun.figures)")


def _drawing(value) -> bool:
    """A matplotlib object, or an array of them (plt.subplots' axes)."""
    first = value.flat[0] if getattr(value, "dtype", None) == object and getattr(value, "size", 0) else value
    return type(first).__module__.startswith("matplotlib.")


def run_here(path: Path, nudged: bool = False) -> ScriptRun:
    """`run_script` in this process and its working folder, without a limit."""
    out = io.StringIO()
    with (shown_figures(path, keep=not nudged) as figures, redirect_stdout(out),
          nudged_products() if nudged else nullcontext()):
        namespace = runpy.run_path(str(path), run_name="__main__")
    return ScriptRun(Path(path), out.getvalue(), namespace, figures)


@contextmanager
def shown_figures(path: Path, keep: bool = True):
    """While the block runs, `plt.show()` keeps each open figure by its name, as SVG, in every language, in
    the dict it gives, and closes them (without `keep`, only closes them); every figure is closed after."""
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

    show = keep_figures if keep else lambda *args, **kwargs: plt.close("all")
    with mock.patch.object(plt, "show", show):
        try:
            yield figures
        finally:
            plt.close("all")


def printed_differences(expected: str, printed: str) -> list[str]:
    """The lines where `printed` differs from `expected`, a line missing or added included, as a diff."""
    import difflib

    if expected == printed:
        return []
    return [line.rstrip("\n") for line in difflib.unified_diff(expected.splitlines(True), printed.splitlines(True),
                                                               "printed", "nudged", n=0)]


def svg_of(figure) -> bytes:
    """The figure as the page shows it: SVG with text as text, the same bytes for the same drawing."""
    import matplotlib

    name_labelled_marks(figure)
    buffer = io.BytesIO()
    with matplotlib.rc_context(SVG_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


# What another device computes in its own way: matrix products, convolutions and reductions (a GPU sums
# in another order). Names of torch functions and Tensor methods; those a torch version lacks are left out.
# Not softmax and logsumexp: they subtract the maximum first, so their error is a few units in the last
# place of each value on any device, which a relative error of a large value (1000) would exceed.
NUDGED = {
    "torch": ["matmul", "mm", "bmm", "addmm", "addmv", "addbmm", "baddbmm", "mv", "dot", "vdot", "inner",
              "einsum", "tensordot", "chain_matmul", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d", "sum", "nansum", "mean", "nanmean", "var", "std",
              "var_mean", "std_mean", "norm", "cumsum", "prod", "trace"],
    "torch.Tensor": ["__matmul__", "__rmatmul__", "matmul", "mm", "bmm", "addmm", "addmv", "mv", "dot", "sum",
                     "nansum", "mean", "nanmean", "var", "std", "norm", "cumsum", "prod", "trace"],
    "torch.nn.functional": ["linear", "bilinear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                            "conv_transpose2d", "conv_transpose3d", "scaled_dot_product_attention", "mse_loss", "l1_loss", "cross_entropy", "nll_loss",
                            "binary_cross_entropy", "binary_cross_entropy_with_logits"],
    "torch.linalg": ["matmul", "vecdot", "multi_dot", "norm", "vector_norm", "matrix_norm"],
}


@contextmanager
def nudged_products():
    """torch's matrix products, convolutions and reductions, through each function and method that computes
    them (`@`, `torch.mm`, `nn.Linear`, `x.sum()`, a loss), with a relative error between NUDGE / 2 and NUDGE
    (in float32; in proportion to the precision of other types), drawn from a generator of their own so that
    the script's random numbers stay the same.

    Each is replaced while the block runs: every other torch call runs as fast as ever, where a torch
    function mode would put Python in front of each of them (it made the nudged runs half as slow again)."""
    import importlib

    import torch

    noise = torch.Generator().manual_seed(0)

    def nudge(result):
        if isinstance(result, tuple):
            return type(result)(nudge(part) for part in result)
        if not isinstance(result, torch.Tensor) or not result.is_floating_point():
            return result
        draw = torch.rand(result.shape, generator=noise, dtype=result.dtype) * 2 - 1
        error = draw.sign() * (0.5 + draw.abs() / 2)  # at least half a nudge: every value moves
        size = NUDGE * torch.finfo(result.dtype).eps / torch.finfo(torch.float32).eps
        return result * (1 + size * error.to(result.device))

    def nudging(original):
        def nudged(*args, **kwargs):
            return nudge(original(*args, **kwargs))
        return nudged

    with ExitStack() as stack:
        for owner_name, names in NUDGED.items():
            owner = torch.Tensor if owner_name == "torch.Tensor" else importlib.import_module(owner_name)
            for name in names:
                if hasattr(owner, name):
                    stack.enter_context(mock.patch.object(owner, name, nudging(getattr(owner, name))))
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
