"""A module imported on its first use, not at import: a claims file whose tests all come from the execution
cache then never loads torch (1.7 s of a worker's start)."""

import importlib
import types

PROBED = {"__test__", "__bases__"}  # what pytest asks of every name in a test module as it collects


class LazyModule(types.ModuleType):
    def __getattr__(self, attribute: str):
        if attribute in PROBED:
            raise AttributeError(attribute)
        # Looked up on the module each time, never copied: a patch of torch.mm (the device nudge) is seen.
        return getattr(importlib.import_module(self.__name__), attribute)


def lazy(name: str) -> types.ModuleType:
    """`torch = lazy("torch")`: `torch.tensor(...)` imports torch then."""
    return LazyModule(name)
