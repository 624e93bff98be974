"""Compiled Jinja templates kept for the life of the process.

static-i18n builds each language with a fresh Jinja environment, and `mkdocs serve` makes another at each
rebuild: without a cache, each compiles Material's templates again (seconds per build). Templates are
keyed by name and source checksum (Jinja's bytecode cache), so an edited template compiles anew.
"""

from jinja2 import BytecodeCache


class _InMemory(BytecodeCache):
    def __init__(self):
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self._compiled[bucket.key] = bucket.bytecode_to_string()


CACHE = _InMemory()


def in_memory() -> BytecodeCache:
    """A cache of its own, for environments whose settings (delimiters, async) differ from MkDocs'."""
    return _InMemory()


def use(env, cache: BytecodeCache = CACHE) -> None:
    env.bytecode_cache = cache
