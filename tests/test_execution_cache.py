"""The cache of executions (coursekit/execution/cache.py): a result comes from it only when nothing the run
reads has changed, it is the run's own result, and under CI nothing is read from it or written to it."""

import os
import platform
import sys

import pytest

from coursekit.execution import cache, runner, scripts
from coursekit.execution.scripts import run_script
from coursekit.pages import includes
from coursekit.pages.codeblocks import collect

pytestmark = pytest.mark.machinery

SCRIPT = """from pathlib import Path
rows = (Path(__file__).parent / "data.txt").read_text().split()
print("rows:", rows)
def twice(x):
    return 2 * x
"""
DRAWING = """import matplotlib.pyplot as plt
fig, ax = plt.subplots(num="rows")
ax.plot([float(row) for row in rows])
plt.show()
"""


@pytest.fixture
def own_cache(empty_cache, tmp_path, monkeypatch):
    """An empty cache of this test's own (conftest.py); the pins a file of the test's."""
    pins = tmp_path / "requirements.txt"
    pins.write_text("numpy==1.0\n", encoding="utf-8")
    monkeypatch.setattr(cache, "PINS", [pins])
    return empty_cache


@pytest.fixture
def script(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "data.txt").write_text("1 2 3\n", encoding="utf-8")
    (folder / "rows.py").write_text(SCRIPT, encoding="utf-8")
    return folder / "rows.py"


def runs(kind="script") -> tuple[int, int]:
    return cache.stats[kind, "hit"], cache.stats[kind, "miss"]


def test_a_hit_returns_what_the_run_returned(own_cache, script):
    _edit(script, SCRIPT + DRAWING)
    first = run_script(script)
    assert runs() == (0, 1)
    again = run_script(script)
    assert runs() == (1, 1), "the second run, with nothing changed, comes from the cache"
    assert again.stdout == first.stdout == "rows: ['1', '2', '3']\n"
    assert again.figures == first.figures and "rows" in again.figures
    assert again.namespace["twice"](4) == 8 and again.namespace["rows"] == ["1", "2", "3"]


def test_a_run_from_the_cache_imports_what_its_variables_need_only_once_they_are_read(own_cache, script, monkeypatch):
    """A prose edit reads a script's output, not its variables: loading the run must not import torch."""
    (script.parent / "heavy_library.py").write_text("class Tensor:\n    pass\n", encoding="utf-8")
    _edit(script, "import sys\nsys.path.insert(0, __file__.rpartition('/')[0])\n"
                  "from heavy_library import Tensor\nvalue = Tensor()\n" + SCRIPT)
    monkeypatch.syspath_prepend(str(script.parent))
    run_script(script)
    again = run_script(script)
    assert runs() == (1, 1)
    assert again.stdout == "rows: ['1', '2', '3']\n" and "heavy_library" not in sys.modules, (
        "the run's output was read, and its variables were unpickled")
    assert type(again.namespace["value"]).__name__ == "Tensor" and "heavy_library" in sys.modules
    monkeypatch.delitem(sys.modules, "heavy_library")


def _edit(path, text):
    path.write_text(text, encoding="utf-8")


# Each part of the key, changed on its own: the run after it is a miss, and runs.
CHANGES = {
    "code": lambda script, monkeypatch: _edit(script, SCRIPT.replace('"rows:"', '"values:"')),
    "data file": lambda script, monkeypatch: _edit(script.parent / "data.txt", "4 5 6\n"),
    "pins": lambda script, monkeypatch: _edit(cache.PINS[0], "numpy==2.0\n"),
    "python": lambda script, monkeypatch: monkeypatch.setattr(sys, "version", sys.version + " (another build)"),
    "platform": lambda script, monkeypatch: monkeypatch.setattr(platform, "platform", lambda: "Another-OS-1.0"),
    "machine": lambda script, monkeypatch: monkeypatch.setattr(platform, "machine", lambda: "riscv64"),
    "cpu": lambda script, monkeypatch: monkeypatch.setattr(cache, "cpu", lambda: "sse2 avx512f"),
    # another value than this run's, which may itself be on the baseline kernels (`coursekit baseline pytest`)
    "dispatch": lambda script, monkeypatch: monkeypatch.setenv(
        "ATEN_CPU_CAPABILITY", "avx2" if os.environ.get("ATEN_CPU_CAPABILITY") == "default" else "default"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_any_part_of_the_key_is_a_miss(own_cache, script, monkeypatch, change):
    before = run_script(script)
    run_script(script)
    assert runs() == (1, 1)
    CHANGES[change](script, monkeypatch)
    after = run_script(script)
    assert runs() == (1, 2), f"a change of the {change} still took the earlier result from the cache"
    if change == "code":
        assert after.stdout == "values: ['1', '2', '3']\n"
    elif change == "data file":
        assert after.stdout == "rows: ['4', '5', '6']\n", "the earlier data's result"
    else:
        assert after.stdout == before.stdout


def test_the_nudged_run_is_not_the_plain_one(own_cache, script):
    run_script(script)
    assert scripts.cache_key(script, nudged=True) != scripts.cache_key(script, nudged=False)
    assert cache.load("script", scripts.cache_key(script, nudged=True)) is cache.MISS


@pytest.mark.parametrize("switch", ["CI", cache.OFF])
def test_under_ci_or_turned_off_nothing_is_read_or_written(own_cache, script, monkeypatch, switch):
    run_script(script)
    entries = list(own_cache.rglob("*.pickle"))
    assert len(entries) == 1
    planted = scripts.ScriptRun(script, "planted, not run\n", {})
    cache.store("script", scripts.cache_key(script, False), planted)
    monkeypatch.setenv(switch, "1")
    assert run_script(script).stdout == "rows: ['1', '2', '3']\n", f"with {switch} set, the cache was read"
    _edit(script.parent / "data.txt", "7\n")
    run_script(script)
    assert list(own_cache.rglob("*.pickle")) == entries, f"with {switch} set, the cache was written"
    assert runs() == (0, 1) and "off" in cache.summary(cache.stats)


def test_an_unreadable_entry_is_a_miss_and_is_replaced(own_cache, script):
    run_script(script)
    (entry,) = own_cache.rglob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk
    assert run_script(script).stdout == "rows: ['1', '2', '3']\n" and runs() == (0, 2)
    assert run_script(script).stdout == "rows: ['1', '2', '3']\n" and runs() == (1, 2)
    assert not list(own_cache.rglob("*.part")), "no partial file left beside the entry"


def test_a_value_that_does_not_pickle_is_not_kept(own_cache):
    assert not cache.store("script", "0" * 64, (x for x in range(3)))
    assert not list(own_cache.rglob("*")) or not list(own_cache.rglob("*.pickle"))
    assert cache.load("script", "0" * 64) is cache.MISS


def _page(tmp_path, monkeypatch, code):
    """A page whose block includes a snippet of the folder `demo` (the page's, for the key) and runs `code`."""
    monkeypatch.setattr(includes, "_PREPROCESSOR", None)
    monkeypatch.setattr(includes, "markdown_extension_config",
                        lambda name: {"base_path": [str(tmp_path)], "check_paths": True})
    monkeypatch.setattr(runner, "SNIPPETS", tmp_path)
    monkeypatch.setattr(runner, "_CACHE", {})  # this process's own memory of chains: each call asks the cache
    (tmp_path / "demo" / "shown.py").write_text("n = 3\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(f'# Page\n\n```python\n--8<-- "demo/shown.py"\n{code}\n```\n', encoding="utf-8")
    return collect(page)


def test_a_page_chain_comes_from_the_cache_until_its_code_or_its_folder_changes(own_cache, script, tmp_path,
                                                                                monkeypatch):
    blocks = _page(tmp_path, monkeypatch, "print(n * 2)")
    assert runner.run_chain(blocks)[0].output == "6\n" and runs("chain") == (0, 1)
    monkeypatch.setattr(runner, "_CACHE", {})
    assert runner.run_chain(blocks)[0].output == "6\n" and runs("chain") == (1, 1)
    _edit(script.parent / "data.txt", "8\n")  # a file of the folder the page includes
    monkeypatch.setattr(runner, "_CACHE", {})
    assert runner.run_chain(blocks)[0].output == "6\n" and runs("chain") == (1, 2)
    blocks = _page(tmp_path, monkeypatch, "print(n * 3)")
    assert runner.run_chain(blocks)[0].output == "9\n" and runs("chain") == (1, 3)


def test_a_failed_chain_is_not_kept(own_cache, tmp_path, monkeypatch):
    (tmp_path / "demo").mkdir()
    blocks = _page(tmp_path, monkeypatch, "raise SystemExit(n)")
    assert runner.run_chain(blocks)[0].error
    assert not list(own_cache.rglob("*.pickle"))


def test_the_summary_says_how_many_results_came_from_the_cache(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(cache.OFF, raising=False)
    counts = cache.Counter({("chain", "hit"): 3, ("chain", "miss"): 1, ("script", "hit"): 1, ("script", "miss"): 2})
    assert cache.summary(counts).startswith("execution cache: 4 of 7 runs came from .cache/executions/ "
                                            "(chains 3/4, scripts 1/3)")
    monkeypatch.setenv("CI", "true")
    assert cache.summary(counts) == "execution cache: off (CI is set: every run is afresh)"
