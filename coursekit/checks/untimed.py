"""Waits without a time limit: a child process run, or read to its end, with no `timeout`. A child that
hangs would hang the tests or the build with it, silently, for as long as anyone waits.

Read from the code: `subprocess.run`, `call`, `check_call` and `check_output` (called, or handed to a
function that calls them), `.communicate()`, and a process's `.wait()`, each without a timeout.
"""

import ast
from pathlib import Path

from coursekit.project import read_text, shown

WAITING = {"run", "call", "check_call", "check_output"}  # subprocess's functions that wait for the child


def untimed_waits(path: Path) -> list[str]:
    """`file:line: ...` for each wait on a child process in `path` that has no time limit."""
    source = read_text(path)
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Call) and _waits(node) and not _timed(node):
            code = (ast.get_source_segment(source, node.func) or "").strip()
            found.append((node.lineno, code))
    return [f"{shown(path)}:{line}: `{code}` waits for a child process with no timeout: give it one, so that "
            "a child that hangs fails, naming itself" for line, code in sorted(found)]


def _waits(node: ast.Call) -> bool:
    if any(_subprocess_wait(candidate) for candidate in [node.func, *node.args[:1]]):
        return True
    func = node.func
    if isinstance(func, ast.Attribute) and not node.args:
        receiver = ast.unparse(func.value).lower()
        return func.attr == "communicate" or (func.attr == "wait" and "process" in receiver)
    return False


def _subprocess_wait(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in WAITING and isinstance(node.value, ast.Name)
            and node.value.id == "subprocess")


def _timed(node: ast.Call) -> bool:
    return any(keyword.arg in ("timeout", None) for keyword in node.keywords)  # None: **options
