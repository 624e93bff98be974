"""Jobs shared by a test session's processes: run once, waited for, one after another when asked."""

import sys

from coursekit.testing.jobs import SharedJob


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
