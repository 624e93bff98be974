"""Every training loop sets training mode: in a snippet, the last mode set before an optimiser's `step` is
`train()`, and a loop that evaluates as it goes sets it again. Batch normalisation and dropout train and
evaluate differently; a loop left in evaluation mode trains the wrong network, silently.

Read from the code: a function of the script that calls `.eval()` (such as `evaluate`) counts as setting
evaluation mode where it is called.
"""

import ast
from pathlib import Path

from coursekit.project import read_text, shown

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def training_mode_problems(script: Path) -> list[str]:
    """`file:line: ...` for each optimiser step of `script` not taken in training mode."""
    tree = ast.parse(read_text(script), filename=str(script))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    if not (any(_method(c, "backward") for c in calls) and any(_method(c, "step") for c in calls)):
        return []
    evaluating = {f.name for f in ast.walk(tree) if isinstance(f, FUNCTIONS)
                  and any(_method(c, "eval") for c in ast.walk(f) if isinstance(c, ast.Call))}

    def mode(call):
        if _method(call, "train"):
            return "train"
        if _method(call, "eval") or isinstance(call.func, ast.Name) and call.func.id in evaluating:
            return "eval"
        return None

    problems, checked = [], False
    for scope in [tree, *(f for f in ast.walk(tree) if isinstance(f, FUNCTIONS))]:
        nodes = _own_nodes(scope)
        scope_calls = [node for node in nodes if isinstance(node, ast.Call)]
        if not any(_method(c, "backward") for c in scope_calls):
            continue
        for step in (c for c in scope_calls if _method(c, "step")):
            checked = True
            where = f"{shown(script)}:{step.lineno}"
            modes = [mode(c) for c in sorted(scope_calls, key=lambda c: c.lineno) if mode(c) and c.lineno < step.lineno]
            if not modes or modes[-1] != "train":
                problems.append(f"{where}: no model.train() before the optimiser's step")
            for loop in (n for n in nodes if isinstance(n, (ast.For, ast.While))):
                inside = [n for n in ast.walk(loop) if isinstance(n, ast.Call)]
                if step in inside and any(mode(c) == "eval" for c in inside) and not any(
                        mode(c) == "train" for c in inside):
                    problems.append(f"{where}: the loop evaluates, then steps in evaluation mode: call "
                                    "model.train() in the loop")
    if not checked:
        problems.append(f"{shown(script)}: calls backward() and step() in different functions; the check "
                        "cannot tell the mode of its steps: keep a step beside its backward()")
    return problems


def _own_nodes(scope) -> list:
    """The nodes of a module or function, not those of the functions it defines."""
    nodes, stack = [], list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if not isinstance(node, FUNCTIONS):
            nodes.append(node)
            stack.extend(ast.iter_child_nodes(node))
    return nodes


def _method(call: ast.Call, name: str) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == name and not call.args
