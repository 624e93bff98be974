"""A page chain that is a snippet script, line for line, runs once for both (identity.py): only every line of
the script's code, in order, makes a chain the script; its run keeps what the script's own run keeps;
and where the chain fails, the script runs on its own, which names its line."""

import re

import pytest

from coursekit.execution import cache, identity, runner, stale_outputs
from coursekit.execution.scripts import ScriptFailed, run_script
from coursekit.pages.codeblocks import collect

pytestmark = pytest.mark.machinery

SCRIPT = '''"""Squares, and a figure of them."""

# --8<-- [start:data]
import matplotlib.pyplot as plt

rows = [1.0, 4.0, 9.0]  # squares
print("rows:", rows)
# --8<-- [end:data]

# --8<-- [start:figure]
def twice(x):
    return 2 * x


fig, ax = plt.subplots(num="rows")
ax.plot([twice(row) for row in rows], label="twice")
plt.show()
print("drawn")
# --8<-- [end:figure]
'''


def runs(kind: str) -> tuple[int, int]:
    return cache.stats[kind, "hit"], cache.stats[kind, "miss"]


def sections(text: str) -> dict[str, str]:
    return dict(re.findall(r"# --8<-- \[start:(\w+)\]\n(.*?)# --8<-- \[end:\1\]", text, re.DOTALL))


def test_a_chain_is_a_script_only_with_every_line_of_its_code_in_its_order():
    data, figure = sections(SCRIPT).values()
    script = identity.script_code(SCRIPT)
    assert identity.chain_code(data + figure) == script
    assert identity.chain_code(data + "\n# a comment of the page's own\n\n" + figure) == script, \
        "blank lines and whole-line comments are no code"
    planted = {
        "a section left out": data,
        "the sections in another order": figure + data,
        "another script's line between them": data + "extra = 1\n" + figure,
        "a number changed": data.replace("9.0", "8.0") + figure,
    }
    for fault, code in planted.items():
        assert identity.chain_code(code) != script, f"{fault}: still taken for the script"
    assert identity.script_code(SCRIPT + "print('shown on no page')\n") is None, "code outside the sections"
    for reads in ("print(__file__)", "print(sorted(globals()))", "print(__doc__)"):
        assert identity.chain_code(data + reads + "\n") is None, f"{reads}: a chain has no such thing"
        assert identity.script_code(SCRIPT.replace('print("drawn")', reads)) is None, reads


@pytest.fixture
def script_and_chain(tmp_path, monkeypatch):
    """The script, and a page showing its two sections in a chain, without an include (the chain is handed
    to the code that would find it)."""
    monkeypatch.setattr(runner, "_CACHE", {})  # this process's runs of other tests' chains
    def made(text: str = SCRIPT):
        script = tmp_path / "squares.py"
        script.write_text(text, encoding="utf-8")
        data, figure = sections(text).values()
        page = tmp_path / "page.md"
        shown = "<!--pytest-codeblocks:expected-output-->\n```text\n{}\n```\n"
        page.write_text(f"```python\n{data}```\n\n{shown.format('rows: [1.0, 4.0, 9.0]')}\n"
                        f"<!--pytest-codeblocks:cont-->\n\n```python\n{figure}```\n\n{shown.format('drawn')}",
                        encoding="utf-8")
        chain = collect(page)
        assert len(runner.chains(chain)) == 1
        return script, chain
    return made


def test_a_chain_that_is_a_script_keeps_what_the_scripts_own_run_keeps(empty_cache, script_and_chain):
    script, chain = script_and_chain()
    results, kept = runner._run_in_worker(chain, script)
    alone = run_script(script)  # no page chain is it (it is not a snippet): it runs as a script
    assert [result.output for result in results] == ["rows: [1.0, 4.0, 9.0]\n", "drawn\n"]
    assert kept.stdout == alone.stdout
    assert kept.figures == alone.figures and {"rows", "rows.fr", "rows.zh"} <= set(kept.figures)
    assert set(kept.namespace) == set(alone.namespace) == {"plt", "rows", "twice"}  # fig, ax stay behind
    assert kept.namespace["twice"](3) == 6 and kept.namespace["rows"] == alone.namespace["rows"]


def test_the_script_is_not_run_again_where_its_chain_ran_and_runs_alone_where_it_failed(
        empty_cache, script_and_chain, monkeypatch):
    script, chain = script_and_chain()
    monkeypatch.setattr(identity, "chain_of", lambda path: chain if path == script else None)
    monkeypatch.setattr(identity, "script_of", lambda blocks: script if blocks == chain else None)
    run = run_script(script)
    assert run.stdout == "rows: [1.0, 4.0, 9.0]\ndrawn\n" and "rows" in run.figures
    assert runs("chain") == (0, 1) and runs("script") == (0, 0), "the script ran beside its chain"
    monkeypatch.setattr(stale_outputs, "stale", lambda page: [])  # outputs written on the page: no fingerprint
    assert identity.shown_output(script) == run.stdout, "what the page shows is not what the script prints"
    monkeypatch.setattr(stale_outputs, "stale", lambda page: [(3, page)])
    assert identity.shown_output(script) is None, "outputs older than the code taken for what it prints"

    broken, chain = script_and_chain(SCRIPT.replace('print("drawn")', 'print(rows[3])'))
    line = SCRIPT.splitlines().index('print("drawn")') + 1
    with pytest.raises(ScriptFailed, match=rf'File "{re.escape(str(broken))}", line {line}'):
        run_script(broken)
    assert runs("script") == (0, 1), "where the chain failed, the script runs on its own and says where"


def test_a_chain_of_a_page_that_includes_no_script_is_no_script(empty_cache, script_and_chain):
    _, chain = script_and_chain()
    assert identity.script_of(chain) is None and runner.script_run(chain) is None
    assert runner.run_chain(chain)[1].output == "drawn\n"
