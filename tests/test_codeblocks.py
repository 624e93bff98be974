"""The code-block harness: what runs, in which order, and how failures are reported."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursekit.execution import runner, worker
from coursekit.pages.codeblocks import collect, unexecuted_python
from coursekit.pages.includes import IncludeError
from coursekit.project import ROOT, SNIPPETS, chapters, languages, pages, read_text, snippet_scripts
from coursekit.testing import pages as pytest_pages

FENCE = "```"
# Any snippet and the first section it marks, any translated chapter page: the harness is the same for all.
SNIPPET = snippet_scripts()[0]
SECTION = read_text(SNIPPET).split("[start:", 1)[1].split("]", 1)[0]
INCLUDE = f"{SNIPPET.relative_to(SNIPPETS).as_posix()}:{SECTION}"
TRANSLATED_PAGE = f"docs/{languages()[-1]}/{next(iter(chapters().values()))}.md"




def write(tmp_path, text):
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return page


def run(blocks):
    return [result for chain in runner.chains(blocks) for result in runner.run_chain([blocks[i] for i in chain])]


@pytest.mark.parametrize("page", pages(), ids=str)
def test_every_python_fence_of_every_page_is_executed(page):
    assert not unexecuted_python(page), "\n".join(unexecuted_python(page))


@pytest.mark.machinery
def test_guard_names_fences_that_would_not_run(tmp_path):
    page = write(tmp_path, f"{FENCE}pycon\n>>> 1 + 1\n{FENCE}\n\n{FENCE}\nimport os\n{FENCE}\n")
    problems = unexecuted_python(page)
    assert len(problems) == 2
    assert problems[0].startswith(f"{page}:1:") and problems[1].startswith(f"{page}:5:")


@pytest.mark.machinery
def test_titled_and_short_python_fences_run(tmp_path):
    page = write(tmp_path, f'{FENCE}python title="a.py"\nx = 1\n{FENCE}\n\n{FENCE}py hl_lines="1"\ny = 2\n{FENCE}\n'
                           f"\n{FENCE}{{.python}}\nz = 3\n{FENCE}\n")
    assert [block.line for block in collect(page)] == [1, 5, 9]


@pytest.mark.machinery
def test_includes_are_expanded_not_run_as_python(tmp_path):
    page = write(tmp_path, f'{FENCE}python\n--8<-- "{INCLUDE}"\n{FENCE}\n')
    (block,) = collect(page)
    section = read_text(SNIPPET).split(f"[start:{SECTION}]\n", 1)[1].split("\n# --8<--", 1)[0]
    assert section.strip() and section.strip() in block.block.code and "--8<--" not in block.block.code


@pytest.mark.machinery
def test_broken_include_names_page_and_line(tmp_path):
    missing = f"{SNIPPET.parent.name}/missing.py"
    page = write(tmp_path, f'Text\n\n{FENCE}python\n--8<-- "{missing}"\n{FENCE}\n')
    with pytest.raises(IncludeError, match=rf"{page}:4: .*{missing}"):
        collect(page)


@pytest.mark.machinery
def test_cont_shares_the_namespace_and_main_guard_runs(tmp_path):
    page = write(tmp_path, f'{FENCE}python\nx = 41\nif __name__ == "__main__":\n    x += 1\n{FENCE}\n\n'
                           f"<!--pytest-codeblocks:cont-->\n{FENCE}python\nprint(x)\n{FENCE}\n\n"
                           f"{FENCE}python\nprint('x' in globals())\n{FENCE}\n")
    blocks = collect(page)
    assert [b.continues for b in blocks] == [False, True, False]
    assert [r.output for r in run(blocks)] == ["", "42\n", "False\n"]


@pytest.mark.machinery
def test_failing_block_names_page_and_line_and_stops_its_chain(tmp_path):
    page = write(tmp_path, f"{FENCE}python\n1 / 0\n{FENCE}\n\n<!--pytest-codeblocks:cont-->\n{FENCE}python\npass\n{FENCE}\n")
    first, second = run(collect(page))
    assert "ZeroDivisionError" in first.error and first.where == f"{page}:1"
    assert second.error.startswith("not run") and f"{page}:1" in second.error


@pytest.mark.machinery
def test_an_output_other_than_the_one_shown_is_a_diff(tmp_path):
    """The page test puts it under a line naming page and line (tests/test_bad_input.py)."""
    page = write(tmp_path, f"{FENCE}python\nprint('new')\n{FENCE}\n\n<!--pytest-codeblocks:expected-output-->\n"
                           f"{FENCE}text\nold\n{FENCE}\n")
    (block,) = collect(page)
    diff = runner.output_mismatch(block, run([block])[0])
    assert "-old" in diff and "+new" in diff


@pytest.mark.machinery  # the plugin's test ids, as pytest prints them
def test_test_ids_name_page_and_line():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", TRANSLATED_PAGE],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    first = collect(TRANSLATED_PAGE)[0]
    assert f"{TRANSLATED_PAGE}::line {first.line}" in done.stdout, done.stdout + done.stderr


@pytest.mark.machinery
def test_a_block_that_hangs_fails_within_its_limit_naming_page_and_line(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "CLOCK_FACTOR", 2)  # a busy machine gives the loop its second of computing slowly
    page = write(tmp_path, f"{FENCE}python\nprint('before')\n{FENCE}\n\n<!--pytest-codeblocks:cont-->\n"
                           f"<!--pytest.mark.timeout(1)-->\n{FENCE}python\nwhile True:\n    pass\n{FENCE}\n\n"
                           f"<!--pytest-codeblocks:cont-->\n{FENCE}python\npass\n{FENCE}\n")
    start = time.monotonic()
    first, hung, after = run(collect(page))
    assert time.monotonic() - start < 60  # it ends, however busy the machine (a hang would not)
    assert first.output == "before\n" and not first.error
    assert hung.where == f"{page}:7" and "1 s limit" in hung.error
    assert f"<code block {page}:7>\", line" in hung.error, hung.error  # where in the block it was
    assert after.error.startswith("not run") and f"{page}:7" in after.error


@pytest.mark.machinery
def test_every_block_has_a_limit_by_default_and_one_on_the_clock(tmp_path, monkeypatch):
    """A loop runs over its limit of computing time; a block that waits for nothing, over CLOCK_FACTOR times it."""
    monkeypatch.setattr(worker, "CPU_SECONDS", 1)
    monkeypatch.setattr(worker, "CLOCK_FACTOR", 2)
    page = write(tmp_path, f"{FENCE}python\nwhile True:\n    pass\n{FENCE}\n\n{FENCE}python\nimport time\n"
                           f"time.sleep(60)\n{FENCE}\n\n{FENCE}sh\nsleep 60\n{FENCE}\n")
    start = time.monotonic()
    loop, sleep, shell = run(collect(page))
    assert time.monotonic() - start < 60  # they end, however busy the machine
    # computing time, or on a busy machine the clock first
    assert ("ran over its 1 s limit" in loop.error or "(1 s limit)" in loop.error) and loop.where == f"{page}:1"
    assert "still running after 2 s on the clock" in sleep.error and sleep.where == f"{page}:6"
    assert "still running after 2 s on the clock" in shell.error and shell.where == f"{page}:11"


@pytest.mark.machinery
def test_a_block_over_its_limit_is_stopped_once(tmp_path, monkeypatch):
    """Computing time and the clock each have a timer: whichever stops the block, the other is off, so it
    cannot fire again while the first one's stop is reported (on a busy machine it did, and the harness
    failed instead of naming the block)."""
    monkeypatch.setattr(worker, "CPU_SECONDS", 1)
    code = ("import signal\ntry:\n    while True:\n        pass\nexcept BaseException:\n"
            "    print(signal.getitimer(signal.ITIMER_PROF), signal.getitimer(signal.ITIMER_REAL))\n"
            "    raise\n")
    page = write(tmp_path, f"{FENCE}python\n{code}{FENCE}\n")
    (result,) = run(collect(page))
    assert "limit" in result.error and result.where == f"{page}:1", result.error
    assert result.output == "(0.0, 0.0) (0.0, 0.0)\n", result.output


@pytest.mark.machinery
def test_a_block_that_waits_without_computing_stops_at_twice_its_limit_on_the_clock(tmp_path):
    """A reader's block that waits for a child (a sleep, a server) computes nothing: no CPU limit catches it,
    the clock does, at twice the block's limit."""
    page = write(tmp_path, f"<!--pytest.mark.timeout(1)-->\n{FENCE}python\nimport subprocess\n"
                           f"subprocess.run(['sleep', '1000'])\n{FENCE}\n")
    start = time.monotonic()
    (result,) = run(collect(page))
    assert time.monotonic() - start < 60  # it ends, however busy the machine
    assert result.where == f"{page}:2" and "still running after 2 s on the clock (1 s limit)" in result.error


@pytest.mark.machinery
def test_a_block_stuck_where_it_cannot_be_interrupted_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "CLOCK_FACTOR", 1)
    code = ("import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGPROF})\n"
            "while True:\n    pass\n")
    page = write(tmp_path, f"<!--pytest.mark.timeout(0.5)-->\n{FENCE}python\n{code}{FENCE}\n")
    start = time.monotonic()
    (result,) = run(collect(page))
    assert time.monotonic() - start < 60  # it ends, however busy the machine
    assert result.where == f"{page}:2" and "was killed" in result.error
    assert f"<code block {page}:2>\", line" in result.error, result.error  # its stack when it was killed


@pytest.mark.machinery
def test_blocks_run_in_a_scratch_folder(tmp_path):
    page = write(tmp_path, f"{FENCE}python\nimport os\nopen('written.txt', 'w').close()\nprint(os.getcwd())\n"
                           f"{FENCE}\n\n{FENCE}sh\npwd\n{FENCE}\n")
    python, shell = run(collect(page))
    for result in (python, shell):
        folder = Path(result.output.strip())
        assert not result.error and folder.is_absolute() and ROOT not in (folder, *folder.parents)
        assert not folder.exists(), "the scratch folder is removed after the run"
    assert not (ROOT / "written.txt").exists()


@pytest.mark.machinery
def test_ctrl_c_stops_the_run_and_its_processes(tmp_path):
    page = write(tmp_path, f"{FENCE}python\nimport sys\nsys.__stderr__.write('started\\n')\nsys.__stderr__.flush()\n"
                           f"while True:\n    pass\n{FENCE}\n")
    script = ("from pathlib import Path\nfrom coursekit.execution import runner\nfrom coursekit.pages.codeblocks import collect\n"
              f"runner.run_chain(collect(Path({str(page)!r})))\nprint('went on')\n")
    # As a terminal starts it: with Ctrl-C not ignored, even where pytest runs as a background job.
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert process.stderr.readline() == "started\n"
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends its foreground processes on Ctrl-C
        try:
            out, err = process.communicate(timeout=60)  # a tenth of a second, unless the machine is very busy
        except subprocess.TimeoutExpired:
            pytest.fail(f"the run went on after Ctrl-C; its processes: {session_processes(process.pid)}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0 and "KeyboardInterrupt" in err and "went on" not in out, err
    deadline = time.monotonic() + 5
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not session_processes(process.pid), "processes of the run are left behind"


def session_processes(session: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # session id; zombies have ended
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("marker", ["<!--pytest-codeblocks:importorskip(no_such_module)-->",
                                    "<!--pytest.mark.skip-->", "<!--pytest.mark.skipif(True, reason='x')-->"])
@pytest.mark.machinery
def test_a_skipped_block_fails_under_ci(tmp_path, monkeypatch, marker):
    page = write(tmp_path, f"{marker}\n{FENCE}python\nimport no_such_module\n{FENCE}\n")
    chain = collect(page)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        pytest_pages.skip_or_fail(chain, 0)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest_pages.BlockFailed, match=rf"^{page}:2: would be skipped .*under CI nothing is skipped"):
        pytest_pages.skip_or_fail(chain, 0)


@pytest.mark.machinery
def test_a_block_without_skip_markers_runs_under_ci(tmp_path, monkeypatch):
    page = write(tmp_path, f"<!--pytest.mark.skipif(False, reason='x')-->\n{FENCE}python\npass\n{FENCE}\n")
    monkeypatch.setenv("CI", "true")
    assert pytest_pages.skip_or_fail(collect(page), 0) is None
