"""What a chain leaves for the blocks after it (coursekit/execution/session.py): each rule caught where it is
broken, nothing said where it is kept, and, where every chain keeps them, one session prints what the chains
print alone: what lets the notebook go unrun."""

import contextlib
import random

import pytest

from coursekit.execution import session

pytestmark = pytest.mark.machinery


def libraries():
    """NumPy and torch, imported when a test runs (collecting imports neither)."""
    import numpy
    import torch

    return numpy, torch


@contextlib.contextmanager
def put_back():
    """The blocks of these tests run in this process: what they change is put back after them."""
    np, torch = libraries()
    states = torch.random.get_rng_state(), np.random.get_state(), random.getstate()
    numpy_options, dtype, grad = np.get_printoptions(), torch.get_default_dtype(), torch.is_grad_enabled()
    try:
        yield
    finally:
        torch.random.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
        np.set_printoptions(**numpy_options)
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad)


@pytest.fixture(autouse=True)
def as_found():
    libraries()  # their settings are among those compared
    before = session.settings()
    yield
    assert session._same(session.settings(), before), "a test left a setting changed"


def watched(*blocks: str, namespace: dict | None = None, keep_generators: bool = False) -> list:
    """Run the blocks as one chain, in one namespace: each block's problem (None), then the chain's. The
    settings, and the generators unless `keep_generators`, are put back after."""
    np, torch = libraries()
    namespace = {"np": np, "random": random, "torch": torch} if namespace is None else namespace
    with put_back():
        states = torch.random.get_rng_state(), np.random.get_state(), random.getstate()
        watch = session.Watch()
        try:
            found = []
            for i, code in enumerate(blocks):
                exec(code, namespace)
                found.append(watch.after(i))
            found += watch.left([f"block {i}" for i in range(len(blocks))])
        finally:
            watch.close()
        if keep_generators:
            states = torch.random.get_rng_state(), np.random.get_state(), random.getstate()
    if keep_generators:
        torch.random.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
    return found


@pytest.mark.parametrize("draw, seed, words", [
    ("torch.rand(2)", "torch.manual_seed(0)", "torch's global random numbers"),
    ("torch.nn.Linear(2, 2)", "torch.manual_seed(0)", "torch's global random numbers"),
    ("np.random.rand(2)", "np.random.seed(0)", "NumPy's global random numbers (np.random)"),
    ("random.random()", "random.seed(0)", "Python's global random numbers (the random module)"),
])
def test_a_block_that_draws_before_its_chain_seeds_is_named(draw, seed, words):
    assert watched(f"{seed}\nx = {draw}", "y = " + draw) == [None, None], "seeded first: nothing to say"
    found = watched("import math", f"x = {draw}\n{seed}", f"y = {draw}")
    assert found[0] is None and found[2] is None, found
    assert found[1].startswith(f"this code block draws from {words} before its chain seeds them"), found
    assert watched(f"x = {draw}")[0].startswith(f"this code block draws from {words}"), "never seeded"


def test_a_generator_of_its_own_is_no_global_draw():
    np, torch = libraries()
    assert watched("g = np.random.default_rng(0)\nx = g.normal(size=3)",
                   "t = torch.randn(3, generator=torch.Generator().manual_seed(0))",
                   "r = random.Random(0).random()", namespace={"np": np, "torch": torch, "random": random}) \
        == [None, None, None]


@pytest.mark.parametrize("change, what", [
    ("np.set_printoptions(precision=3)", "NumPy's print options"),
    ("torch.set_printoptions(precision=2)", "torch's print options"),
    ("torch.set_default_dtype(torch.float64)", "torch's default dtype"),
    ("torch.set_grad_enabled(False)", "torch's gradient mode"),
])
def test_a_setting_the_chain_leaves_changed_is_named_with_the_block_that_changed_it(change, what):
    np, torch = libraries()
    names = {"np": np, "torch": torch}
    assert watched(change, "x = 1", namespace=dict(names))[-1] == (
        f"its chain leaves {what} changed (by the block at block 0): the blocks after it, pasted into the same "
        "session or run in the notebook, would run with the change; set it back before the chain ends (or change "
        "it within a `with` block)")
    assert watched("x = 1", change, namespace=dict(names))[-1].startswith(
        f"this code block changes {what}, and its chain leaves it so")
    as_found = {"NumPy's print options": "np.set_printoptions(precision=8)",
                "torch's print options": "torch.set_printoptions(profile='default')",
                "torch's default dtype": "torch.set_default_dtype(torch.float32)",
                "torch's gradient mode": "torch.set_grad_enabled(True)"}
    assert watched(change, as_found[what], namespace=dict(names)) == [None, None], "set back: nothing to say"


def test_a_setting_changed_within_a_with_block_is_no_problem():
    np, torch = libraries()
    assert watched("with np.printoptions(precision=2):\n    print(np.pi * np.ones(2))",
                   "with torch.no_grad():\n    y = torch.ones(2) * 2", namespace={"np": np, "torch": torch}) \
        == [None, None]


@pytest.mark.parametrize("code, named", [
    ("sum = 0\nfor x in range(3):\n    sum += x", "rebinds Python's built-in sum"),
    ("from math import pow", "rebinds Python's built-in pow"),
    ("def input():\n    return 1", "rebinds Python's built-in input"),
    ("names = sorted(globals())", "reads its namespace as a whole (globals()"),
    ("try:\n    model\nexcept NameError:\n    model = None", "reads its namespace as a whole (NameError"),
])
def test_a_block_that_could_read_what_an_earlier_one_left_is_named(code, named):
    assert session.static_problem(code).startswith(f"this code block {named}")


def test_names_of_its_own_and_inner_scopes_are_no_problem():
    assert session.static_problem(
        "total = sum(x for x in range(3))\n"
        "def f(input, max=2):\n    sum = input + max\n    return sum\n"
        "class Net:\n    filter = 3\n"
        "squares = [len for len in range(3)]\n") is None


SESSION = [  # chains that keep the rules: each seeds what it draws from, and defines what it reads
    ["import torch\ntorch.manual_seed(0)\nw = torch.randn(3)", "print(f'{w.sum().item():.4f}')"],
    ["import torch\nimport numpy as np\ntorch.manual_seed(1)\nprint(f'{torch.rand(1).item():.4f}')",
     "rng = np.random.default_rng(0)\nprint(rng.integers(10, size=3))"],
]
BROKEN = ["import torch\nprint(f'{torch.rand(1).item():.4f}')"]  # draws from what the chains above left


def test_where_every_chain_keeps_the_rules_one_session_prints_what_the_chains_print_alone(capsys):
    """The argument the notebook test stands on, on a small page: run alone, each chain in a namespace and
    from generators of its own (as a fresh process has them), then all in one namespace, in order; and a chain
    that breaks a rule both prints otherwise in the session and is named."""
    _, torch = libraries()

    def run(chains, alone: bool) -> tuple[list[str], list]:
        printed, problems, namespace = [], [], {}
        for chain in chains:
            if alone:
                namespace = {}
                torch.random.set_rng_state(torch.Generator().get_state())  # as a fresh process starts
            found = watched(*chain, namespace=namespace, keep_generators=True)
            printed.append(capsys.readouterr().out)
            problems += [problem for problem in found if problem]
        return printed, problems

    assert run(SESSION, alone=True) == run(SESSION, alone=False)
    assert run(SESSION, alone=True)[1] == []
    alone, session_run = run(SESSION + [BROKEN], alone=True), run(SESSION + [BROKEN], alone=False)
    assert alone[0][-1] != session_run[0][-1], "the broken chain prints other numbers after the others"
    assert alone[1] and alone[1][0].startswith("this code block draws from torch's global random numbers")
