"""CPU dispatch: NumPy and torch choose their kernels for the processor at run time (SSE, AVX2, AVX-512...),
and kernels of different widths round differently in the last bit. What a page shows must hold on every
reader's CPU, so the tests also run the code on the baseline kernels, the ones every x86-64 (or Arm)
machine has, as an older processor would; the full dispatch is what this machine picks by itself.

`python -m coursekit baseline COMMAND...` runs any command on the baseline kernels (`... baseline pytest`).
"""

import os
import sys


def baseline_env() -> dict[str, str]:
    """The environment that forces NumPy's and torch's dispatch down to their baseline kernels. Read by each
    library when it is imported: it takes effect in a new process only."""
    env = {"ATEN_CPU_CAPABILITY": "default"}
    try:
        import numpy
    except ImportError:  # the site's own environment computes nothing
        return env
    simd = numpy.show_config(mode="dicts").get("SIMD Extensions", {})
    dispatched = [*simd.get("found", []), *simd.get("not found", [])]  # beyond what NumPy was built for
    return dict(env, NPY_DISABLE_CPU_FEATURES=" ".join(dispatched))


def kernels() -> dict[str, object]:
    """The kernels this process computes with: NumPy's dispatched extensions, torch's CPU capability."""
    import numpy

    found = {"numpy": list(numpy.show_config(mode="dicts").get("SIMD Extensions", {}).get("found", []))}
    try:
        import torch
    except ImportError:
        return found
    return dict(found, torch=torch.backends.cpu.get_cpu_capability())


def kernels_job(step):
    """A worker job: `kernels()` in the worker's child."""
    step("the kernels check", 30)
    yield kernels()


def main(argv: list[str]) -> int:
    """`python -m coursekit baseline COMMAND...`: COMMAND on the baseline kernels."""
    if not argv:
        print("usage: python -m coursekit baseline COMMAND [ARG...]   (e.g. ... baseline pytest)",
              file=sys.stderr)
        return 2
    os.environ.update(baseline_env())
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        print(f"coursekit baseline: cannot run {argv[0]!r}: {error.strerror}", file=sys.stderr)
        return 127
