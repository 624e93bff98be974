"""No claim and no snippet's assert compares a float exactly: its last bit differs between CPUs."""

import pytest

from coursekit.checks.exact_floats import exact_float_comparisons
from coursekit.project import ROOT, snippet_scripts

CLAIMS = sorted((ROOT / "tests").glob("test_claims_*.py"))
SNIPPETS = snippet_scripts()


@pytest.mark.parametrize("path", [str(p.relative_to(ROOT)) for p in CLAIMS])
def test_claims_compare_floats_with_a_tolerance(path):
    found = exact_float_comparisons(ROOT / path)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", [str(p.relative_to(ROOT)) for p in SNIPPETS])
def test_snippets_assert_floats_with_a_tolerance(path):
    found = exact_float_comparisons(ROOT / path, asserts_only=True)
    assert not found, "\n".join(found)


@pytest.mark.machinery
def test_each_exact_comparison_with_a_float_is_named_with_its_line(tmp_path):
    code = tmp_path / "claims.py"
    code.write_text("\n".join([
        "assert eps[gaps.argmin()] == 1e-5",          # 1: a literal
        "assert step in (0.1, 0.01)",                 # 2: a tuple holding one
        "assert lr != -0.5",                          # 3: a signed literal
        "assert f.__defaults__ == (1e-5,)",           # 4
        "assert mean == total / count",               # 5: a true division
        "assert float(x) == y",                       # 6
        "assert x == pytest.approx(1e-5)",            # with a tolerance
        "assert n == 3 and name == 'a' and 0.1 < x",  # integers, strings, an order
        "if x == 0.5:\n    pass",                     # 9: outside an assert
    ]) + "\n", encoding="utf-8")
    lines = [int(found.split(":")[1]) for found in exact_float_comparisons(code)]
    assert lines == [1, 2, 3, 4, 5, 6, 9]
    assert [int(found.split(":")[1]) for found in exact_float_comparisons(code, asserts_only=True)] == [
        1, 2, 3, 4, 5, 6]
    first = exact_float_comparisons(code)[0]
    assert first.startswith(f"{code}:1: `eps[gaps.argmin()] == 1e-5` compares a float exactly") and "approx" in first
