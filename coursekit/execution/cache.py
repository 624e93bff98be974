"""A cache of executions on disk, keyed by content, as jupyter-cache is for Jupyter Book: a run whose inputs
have not changed since it last ran is not run again. The key holds everything a run reads: its code, the
files it can read that the project ships, the pins (requirements), Python, the platform and the CPU's
dispatch, the machinery that runs it, and this format's version. A prose edit changes none of them.

It lives in `.cache/executions/` (git-ignored; delete it to clear it). It is never read nor written when `CI`
is set: CI proves everything afresh. `COURSE_NO_CACHE=1` (or `pytest --no-execution-cache`) turns it off
here. Entries are written whole (a temporary file, then a rename), so processes running at once (pytest-xdist)
never read half of one; an entry that cannot be read is a miss.
"""

import hashlib
import json
import os
import pickle
import platform
import sys
from collections import Counter
from pathlib import Path

from coursekit.project import ROOT

FORMAT = 2  # raise it when what an entry holds, or how it is read, changes
FOLDER = ROOT / ".cache" / "executions"
PINS = [ROOT / "requirements.txt", ROOT / "requirements"]
# The code that runs a page's or a snippet's code, and the figures' translations: a change there can change
# what a run returns.
MACHINERY = [ROOT / "coursekit" / "execution", ROOT / "coursekit" / "figures", ROOT / "docs" / "figures.yml"]
# What chooses the kernels NumPy and torch compute with, and how many threads (sums add up in another order).
DISPATCH_ENV = ["NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES", "ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS",
                "MKL_NUM_THREADS", "TORCH_THREADS"]
OFF = "COURSE_NO_CACHE"

stats: Counter = Counter()  # ("chain" | "script", "hit" | "miss") -> runs of this process


def enabled() -> bool:
    return not os.environ.get("CI") and not os.environ.get(OFF)


def why_off() -> str | None:
    if os.environ.get("CI"):
        return "CI is set: every run is afresh"
    if os.environ.get(OFF):
        return f"{OFF} is set: every run is afresh"
    return None


def files(paths) -> dict[str, str]:
    """Relative path -> SHA-256 of each file of `paths` (files, or folders taken whole), compiled Python aside."""
    found = {}
    for path in map(Path, paths):
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                name = str(file.relative_to(ROOT) if file.is_relative_to(ROOT) else file)
                found[name] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def cpu() -> str:
    """What the processor offers the dispatch to choose from (its feature flags, where the system says)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith(("flags", "Features")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def environment(dispatch: dict[str, str]) -> dict:
    """What a run reads besides its code: `dispatch` is the environment its process chooses kernels with."""
    return {
        "format": FORMAT,
        "pins": files(PINS),
        "python": [sys.version, sys.implementation.name],
        "platform": [platform.platform(), platform.machine()],
        "cpu": cpu(),
        "dispatch": {name: dispatch.get(name) for name in DISPATCH_ENV},
        "machinery": files(MACHINERY),
    }


def key(kind: str, code, reads: dict[str, str], dispatch: dict[str, str], **more) -> str:
    """The key of a run of `kind`: its `code`, the hashes of the files it `reads` (files()), the environment
    its kernels are chosen by, and `more` (a flag that changes what it does)."""
    parts = {"kind": kind, "code": code, "reads": reads, "environment": environment(dispatch), "more": more}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()


def _path(kind: str, digest: str, folder: Path | None = None) -> Path:
    return (folder or FOLDER) / kind / digest[:2] / f"{digest}.pickle"


MISS = object()


def load(kind: str, digest: str, valid=lambda value: True, counted: bool = True):
    """The value stored under the key, or MISS (also when the cache is off, the entry unreadable, or not
    `valid`: what a key cannot hold in advance, checked on the value)."""
    if not enabled():
        return MISS
    try:
        with open(_path(kind, digest), "rb") as entry:
            value = pickle.load(entry)
    except Exception:  # noqa: BLE001 - missing, cut short, from another version of a library: run it again
        value = MISS
    if value is MISS or not valid(value):
        stats[kind, "miss"] += counted
        return MISS
    stats[kind, "hit"] += counted
    return value


def store(kind: str, digest: str, value, folder: Path | None = None) -> bool:
    """Keep `value` under the key, whole or not at all; False when it does not pickle (it is not kept).
    `folder`: the cache's folder when the run began, whatever the run has since changed (a test of the cache
    sets a folder and an environment of its own)."""
    if folder is None and not enabled():
        return False
    import cloudpickle  # what crosses the worker's process boundary pickles with it: so does an entry

    try:
        data = cloudpickle.dumps(value)
    except Exception:  # noqa: BLE001 - an object of the run that does not pickle: the run is not cached
        return False
    return write_whole(_path(kind, digest, folder), data)


def write_whole(path: Path, data: bytes) -> bool:
    """Write `data` to `path` whole or not at all, even with two processes storing the same entry at once;
    False when it could not be written."""
    scratch = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_bytes(data)
        os.replace(scratch, path)
    except OSError:
        scratch.unlink(missing_ok=True)
        return False
    return True


def summary(counts: Counter) -> str:
    """One line for the end of a test run: how many results came from the cache, by kind."""
    if reason := why_off():
        return f"execution cache: off ({reason})"
    kinds = sorted({kind for kind, _ in counts})
    hits = sum(counts[kind, "hit"] for kind in kinds)
    runs = hits + sum(counts[kind, "miss"] for kind in kinds)
    by_kind = ", ".join(f"{kind}s {counts[kind, 'hit']}/{counts[kind, 'hit'] + counts[kind, 'miss']}"
                        for kind in kinds)
    return (f"execution cache: {hits} of {runs} runs came from {FOLDER.relative_to(ROOT)}/"
            + (f" ({by_kind})" if by_kind else "") + f"; {OFF}=1 or --no-execution-cache runs them all")
