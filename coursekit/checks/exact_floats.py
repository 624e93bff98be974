"""Exact equality with a float (`==`, `!=`, `in`), which holds on one CPU and fails on the next: NumPy's
AVX-512 power gives `10.0 ** -5 == 9.999999999999999e-06`. Compare with a tolerance (`pytest.approx`,
`math.isclose`, `np.isclose`) instead.

Read from the code, not run: a comparison is exact with a float when one side is written as a float (a
literal like `1e-5`, `-0.5`, `float(...)`, a tuple or list holding one, arithmetic on one), unless a side
is a tolerance (`pytest.approx(...)`).
"""

import ast
from pathlib import Path

from coursekit.project import read_text, shown

EXACT = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
FLOAT_CALLS = {"float", "float16", "float32", "float64", "double"}


def exact_float_comparisons(path: Path, asserts_only: bool = False) -> list[str]:
    """`file:line: ...` for each exact comparison with a float in `path` (in its `assert` statements only,
    with `asserts_only`)."""
    source = read_text(path)
    tree = ast.parse(source, filename=str(path))
    roots = [node.test for node in ast.walk(tree) if isinstance(node, ast.Assert)] if asserts_only else [tree]
    found = set()
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Compare) and _exact_with_a_float(node):
                found.add((node.lineno, ast.get_source_segment(source, node) or ast.unparse(node)))
    return [f"{shown(path)}:{line}: `{code}` compares a float exactly; its last bit differs between CPUs: use "
            "pytest.approx, math.isclose or np.isclose" for line, code in sorted(found)]


def _exact_with_a_float(node: ast.Compare) -> bool:
    operands = [node.left, *node.comparators]
    if any(_tolerance(operand) for operand in operands):
        return False
    return any(isinstance(op, EXACT) and (_floaty(left) or _floaty(right))
               for op, left, right in zip(node.ops, operands, operands[1:]))


def _tolerance(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == "approx"


def _floaty(node: ast.AST) -> bool:
    """Written as a float: the value a reader sees is rounded."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (float, complex))
    if isinstance(node, ast.UnaryOp):
        return _floaty(node.operand)
    if isinstance(node, ast.BinOp):
        return _floaty(node.left) or _floaty(node.right) or isinstance(node.op, ast.Div)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_floaty(element) for element in node.elts)
    if isinstance(node, ast.Call):
        return _name(node.func) in FLOAT_CALLS
    return False


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
