"""What a chain of blocks leaves behind for the blocks after it, in a reader's session.

A reader pastes a page's blocks, in order, into one Python session; its notebook runs them so, in one kernel.
The tests run each chain in a fresh process (runner.py). The two print the same, block for block, where no
chain hands a later one anything but through the names it defines itself:

- names: a chain that runs through in a fresh namespace defines every name it reads, builtins aside. So a
  later chain could only read an earlier one's name through a builtin the earlier one rebinds (`input = ...`)
  or by reading its namespace whole (`globals()`, `dir()`, `except NameError`): no block does either
  (`static_problem`);
- random numbers: a chain that draws from a global generator (torch's, NumPy's legacy `np.random`,
  Python's `random`) seeds it first, so it draws the same numbers whatever ran before (`Watch`);
- settings: a chain leaves the process-wide settings as it found them: print options, torch's default
  dtype, device, gradient mode, threads, matplotlib's rcParams, the working folder (`Watch`).

Each block is checked as its chain runs, and a block that breaks a rule fails its page test, named. With
the page tests proving that each chain prints what the page shows, these rules prove that the chapter's
notebook, made of the same blocks in the same order, prints it too: it is not run in a kernel again.
"""

import ast
import builtins
import contextlib
import os
import re
import sys
from unittest import mock

BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# What reads a namespace whole, or tells whether an earlier block defined a name.
NAMESPACE_WIDE = re.compile(r"\b(?:globals|locals|vars|dir)\s*\(|\bNameError\b|\b__builtins__\b|\bimport builtins\b")


def static_problem(code: str) -> str | None:
    """Why `code`, run after other blocks in one session, could read what they left; None where it cannot."""
    if found := NAMESPACE_WIDE.search(code):
        return (f"this code block reads its namespace as a whole ({found[0].strip()}): pasted after the blocks "
                "above it, or in the notebook, it sees their names too, which its chain run alone does not")
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None  # the run names it
    if rebound := sorted(_bound_at_top(tree) & BUILTINS):
        return (f"this code block rebinds Python's built-in {', '.join(rebound)}: a later block that uses it, "
                "pasted into the same session or run in the notebook, would get this value; choose another name")
    return None


def _bound_at_top(tree: ast.AST) -> set[str]:
    """The names a module binds in its own namespace (functions' and classes' bodies aside, but `global`)."""
    bound = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            bound |= {name for inner in ast.walk(node) if isinstance(inner, ast.Global) for name in inner.names}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                                 ast.comprehension)):
            bound |= _bound_at_top(node)
    return bound


# A global generator, by the module that has it: its name in a message, how to read its state, the functions
# that set it (seeding it), and what to call instead.
GENERATORS = {
    "torch": ("torch's global random numbers", lambda torch: torch.random.get_rng_state(),
              ["manual_seed", "seed", "set_rng_state"], "torch.manual_seed"),
    "numpy": ("NumPy's global random numbers (np.random)", lambda np: np.random.get_state(legacy=False),
              ["random.seed", "random.set_state"],
              "np.random.seed, or a generator of its own: np.random.default_rng"),
    "random": ("Python's global random numbers (the random module)", lambda random: random.getstate(),
               ["seed", "setstate"], "random.seed, or a random.Random of its own"),
}


def _same(a, b) -> bool:
    """Whether two generator states, or two settings, are equal (torch tensors and NumPy arrays inside)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, "tobytes"):  # a NumPy array
        return a.shape == b.shape and a.tobytes() == b.tobytes()
    if hasattr(a, "numpy") and hasattr(a, "dtype"):  # a torch tensor
        return a.shape == b.shape and a.numpy().tobytes() == b.numpy().tobytes()
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def settings() -> dict:
    """The process-wide settings that a block can change and a later block runs with."""
    found = {"the working folder": os.getcwd()}
    if np := sys.modules.get("numpy"):
        found["NumPy's print options"] = np.get_printoptions()
        found["NumPy's floating-point error handling"] = np.geterr()
    if torch := sys.modules.get("torch"):
        found["torch's default dtype"] = torch.get_default_dtype()
        if hasattr(torch, "get_default_device"):
            found["torch's default device"] = str(torch.get_default_device())
        options = torch._tensor_str.PRINT_OPTS
        found["torch's print options"] = {key: getattr(options, key)
                                          for key in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}
        found["torch's gradient mode"] = torch.is_grad_enabled()
        found["torch's anomaly detection"] = torch.is_anomaly_enabled()
        found["torch's deterministic algorithms"] = torch.are_deterministic_algorithms_enabled()
        found["torch's thread count"] = torch.get_num_threads()
    if (matplotlib := sys.modules.get("matplotlib")) and hasattr(matplotlib, "rcParams"):
        # The backend is resolved on first use: not a setting a block makes.
        found["matplotlib's rcParams"] = {key: value for key, value in matplotlib.rcParams.items()
                                          if key != "backend"}
    return found


class Watch:
    """Watches one chain as it runs in this process: `after(i)` after its block i ran, for the block's problem
    (None where it has none), and `left(where)` after its last block, for what the chain leaves changed."""

    def __init__(self):
        self.start = {name: state(sys.modules[name]) for name, (_, state, _, _) in GENERATORS.items()
                      if name in sys.modules}
        self.first_seed: dict[str, object] = {}  # generator -> its state when it was first set
        self.named: set[str] = set()  # generators whose problem is already said
        self.settings = settings()
        self.changed_by: dict[str, int] = {}
        self._last = self.settings
        self._patches = contextlib.ExitStack()
        for name in self.start:
            module = sys.modules[name]
            for path in GENERATORS[name][2]:
                owner, _, attr = path.rpartition(".")
                target = module
                for part in filter(None, owner.split(".")):
                    target = getattr(target, part)
                seeding = self._noting(name, getattr(target, attr))
                self._patches.enter_context(mock.patch.object(target, attr, seeding))
                if name == "torch":  # the same function, under torch.random too
                    self._patches.enter_context(mock.patch.object(module.random, attr, getattr(module, attr)))

    def _noting(self, name: str, function):
        def seeding(*args, **kwargs):
            if name not in self.first_seed:
                self.first_seed[name] = GENERATORS[name][1](sys.modules[name])
            return function(*args, **kwargs)
        return seeding

    def after(self, index: int) -> str | None:
        problems = []
        for name, start in self.start.items():
            if name in self.named:
                continue
            state = self.first_seed.get(name)
            if state is None:
                state = GENERATORS[name][1](sys.modules[name])
            if not _same(state, start):
                self.named.add(name)
                words, _, _, seed = GENERATORS[name]
                problems.append(f"this code block draws from {words} before its chain seeds them ({seed}): "
                                "pasted after the blocks above it, or in the notebook, it would draw other numbers "
                                "than on the page")
        now = settings()
        for what, value in now.items():
            if not _same(value, self._last.get(what)):
                self.changed_by[what] = index
        self._last = now
        return "; ".join(problems) or None

    def left(self, where: list[str]) -> list[str]:
        """After the chain's last block: each setting the chain leaves other than it found it, naming the block
        (`where[i]`: block i's place) that last changed it."""
        found = []
        for what, value in self._last.items():
            if what in self.settings and what in self.changed_by and not _same(value, self.settings[what]):
                by = self.changed_by[what]
                found.append((f"this code block changes {what}, and its chain leaves it so" if by == len(where) - 1
                              else f"its chain leaves {what} changed (by the block at {where[by]})")
                             + ": the blocks after it, pasted into the same session or run in the notebook, would "
                             "run with the change; set it back before the chain ends (or change it within a "
                             "`with` block)")
        return found

    def close(self) -> None:
        self._patches.close()
