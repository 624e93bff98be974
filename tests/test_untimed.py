"""No wait on a child process without a time limit: a child that hangs fails, naming itself."""

import pytest

from coursekit.checks.untimed import untimed_waits
from coursekit.project import ROOT

CODE = sorted(str(p.relative_to(ROOT)) for folder in ("coursekit", "hooks", "tests")
              for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.machinery
def test_every_wait_on_a_child_process_has_a_timeout():
    found = [problem for path in CODE for problem in untimed_waits(ROOT / path)]
    assert not found, "\n".join(found)


@pytest.mark.machinery
def test_each_untimed_wait_is_named_with_its_line(tmp_path):
    code = tmp_path / "waits.py"
    code.write_text("\n".join([
        "subprocess.run(['git', 'status'], check=True)",       # 1
        "out = subprocess.check_output(command)",              # 2
        "seconds, done = timed(subprocess.run, command)",      # 3: handed to a function that calls it
        "log, _ = self.process.communicate()",                 # 4
        "process.wait()",                                      # 5
        "subprocess.run(command, timeout=60)",
        "subprocess.run(command, **options)",                  # the options may hold one
        "timed(subprocess.run, command, timeout=60)",
        "self.process.communicate(timeout=30); process.wait(10); event.wait()",
    ]) + "\n", encoding="utf-8")
    found = untimed_waits(code)
    assert [int(line.split(":")[1]) for line in found] == [1, 2, 3, 4, 5], found
    assert found[0].startswith(f"{code}:1: `subprocess.run` waits for a child process with no timeout")
