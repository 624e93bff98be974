"""What a build computes the same way each time, kept on disk for the next builds (`.cache/build/KIND/`):
code coloured by Pygments, the math font's subset. An entry is keyed by everything it is computed from,
the versions of the packages that compute it included; nothing is read or written under CI or with the
cache off, as for the execution cache (coursekit/execution/cache.py)."""

import hashlib
from pathlib import Path

from coursekit.execution import cache

FOLDER = cache.FOLDER.parent / "build"


def _path(kind: str, key: str) -> Path:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return FOLDER / kind / digest[:2] / digest


def load(kind: str, key: str) -> bytes | None:
    if not cache.enabled():
        return None
    try:
        return _path(kind, key).read_bytes()
    except OSError:
        return None


def store(kind: str, key: str, data: bytes) -> bytes:
    """Keep `data` under the key, whole or not at all; returns it."""
    if cache.enabled():
        cache.write_whole(_path(kind, key), data)
    return data
