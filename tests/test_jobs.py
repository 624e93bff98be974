"""Jobs shared by a test session's processes: run once, waited for, one after another when asked."""

import subprocess
import sys
import time

import pytest

from coursekit.project import ROOT
from coursekit.testing.jobs import SharedJob

pytestmark = pytest.mark.machinery  # coursekit on inputs of its own: `pytest --chapter` leaves it out


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_job_runs_once_for_every_process_that_starts_it(tmp_path):
    counter = tmp_path / "runs.txt"
    code = f"open({str(counter)!r}, 'a').write('run\\n')"
    first, second = (SharedJob(tmp_path, "once", python(code)) for _ in range(2))
    first.start()
    second.start()  # another process of the session: the job is claimed already
    assert second.result().returncode == 0 and first.result().returncode == 0
    first.finish(interrupted=False)
    assert counter.read_text() == "run\n"


def test_a_job_that_waits_for_another_starts_after_it_ends(tmp_path):
    flag = tmp_path / "first-done"
    first = SharedJob(tmp_path, "first", python(f"import time, pathlib; time.sleep(1); "
                                                f"pathlib.Path({str(flag)!r}).touch()"))
    second = SharedJob(tmp_path, "second", python(f"import pathlib; print(pathlib.Path({str(flag)!r}).exists())"),
                       after=first)
    second.start()  # starts the first too: nobody had
    outcome = second.result()
    assert outcome.returncode == 0 and outcome.log.strip() == "True"
    second.finish(interrupted=False)
    first.finish(interrupted=False)


def test_a_failed_job_reports_its_output(tmp_path):
    job = SharedJob(tmp_path, "fails", python("import sys; print('bad input'); sys.exit(3)"))
    job.start()
    outcome = job.result()
    job.finish(interrupted=False)
    assert outcome.returncode == 3 and "bad input" in outcome.log


def test_a_job_that_cannot_start_is_recorded_at_once_for_every_waiting_process(tmp_path):
    job = SharedJob(tmp_path, "missing", ["/no/such/program"], timeout_s=900)
    other = SharedJob(tmp_path, "missing", ["/no/such/program"], timeout_s=900)  # another process's view
    job.start()
    start = time.monotonic()
    outcome = other.result()
    job.finish(interrupted=False)
    assert time.monotonic() - start < 60, "the others waited out the job's time limit"
    assert outcome.returncode == -1 and "missing: could not run '/no/such/program'" in outcome.log


def test_the_code_server_holds_no_pipe_of_a_process_another_thread_is_starting(tmp_path):
    """A job's thread may be starting its process (which waits until every copy of a status pipe is closed)
    at the moment the session forks the server that runs the pages' code: the server must let go of it,
    or the job never reports and the tests waiting for the build wait forever."""
    code = """if True:
        import os, select
        from coursekit.execution import worker
        status, copy = os.pipe()  # the pipe Popen reads until the new process has started
        worker.start()
        os.close(copy)
        ready, _, _ = select.select([status], [], [], 10)
        print("released" if ready and os.read(status, 1) == b"" else "held by the server")
        worker.stop()
    """
    done = subprocess.run(python(code), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "released", done.stdout + done.stderr


def test_the_code_server_imports_what_the_code_imports_at_its_first_job_not_before():
    """A session whose runs all come from the cache never imports the pages' libraries (torch: 1.7 s of
    each test process); the first job that runs finds them imported, and so do the jobs after it."""
    code = """if True:
        import sys
        from coursekit.execution import worker

        def job(step):
            yield "colorsys" in sys.modules

        worker.start(preload=["colorsys"])
        print("session:", "colorsys" in sys.modules)
        print("first job:", worker.run(job)[0], "second job:", worker.run(job)[0])
        worker.stop()
    """
    done = subprocess.run(python(code), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.split("\n")[:2] == ["session: False", "first job: True second job: True"], \
        done.stdout + done.stderr
