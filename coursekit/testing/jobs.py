"""Slow, independent work the tests need (a site build, a notebook run): a child process run once per test
session, shared by every process of the session (pytest-xdist's workers too).

The first process to claim a job (an atomic mkdir in the session's scratch folder) starts it and records
its exit status and output when it ends; every process waits for that record. A job that outlives its
timeout is ended and recorded as failed, saying so. A job can wait for another to end before it starts (a
second build reads the notebook renders the first one cached).
"""

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from coursekit.project import ROOT


@dataclass
class Outcome:
    returncode: int
    log: str


class SharedJob:
    def __init__(self, folder: Path, name: str, command: list[str], env: dict | None = None,
                 timeout_s: float = 900, after: "SharedJob | None" = None):
        self.name, self.command, self.timeout_s, self.after = name, command, timeout_s, after
        self.env = dict(os.environ, **(env or {}))
        self.folder = Path(folder) / f"job-{name}"
        self.record = self.folder / "outcome.json"
        self.process: subprocess.Popen | None = None
        self._waiter: threading.Thread | None = None
        self._stopped = False

    def start(self) -> None:
        """Start the job unless another process of the session has (and the job it waits for, likewise)."""
        if self.after is not None:
            self.after.start()
        try:
            self.folder.mkdir(parents=True)
        except FileExistsError:
            return
        log = open(self.folder / "log.txt", "w+", encoding="utf-8")
        self._waiter = threading.Thread(target=self._run, args=(log,), daemon=True)
        self._waiter.start()

    def _run(self, log) -> None:
        try:
            returncode, note = self._execute(log)
        except Exception as error:  # noqa: BLE001 - recorded: every process waiting for it then fails at once
            returncode, note = -1, f"\n{self.name}: could not run {self.command[0]!r}: {error}"
        log.seek(0)
        outcome = {"returncode": returncode, "log": log.read() + note}
        log.close()
        partial = self.record.with_suffix(".part")
        partial.write_text(json.dumps(outcome), encoding="utf-8")
        partial.replace(self.record)  # whole or absent, for the processes polling it

    def _execute(self, log) -> tuple[int, str]:
        if self.after is not None:
            self.after.result()  # whatever its outcome: this job reports its own
        if self._stopped:
            return -1, f"{self.name}: not started, the session ended first"
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, text=True, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return self.process.wait(self.timeout_s), ""
        except subprocess.TimeoutExpired:
            self.stop()
            return -1, f"\n{self.name}: ended after {self.timeout_s:g} s, its time limit"

    def result(self) -> Outcome:
        """Wait for the job's record (the job's own time limit bounds the wait)."""
        if not self.folder.exists():
            raise RuntimeError(f"{self.name} was not started at collection")
        deadline = time.monotonic() + self.timeout_s + 60 + (self.after.timeout_s if self.after else 0)
        while not self.record.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no outcome in time")
            time.sleep(0.1)
        return Outcome(**json.loads(self.record.read_text(encoding="utf-8")))

    def finish(self, interrupted: bool) -> None:
        """At the end of this process's session: end a job it started when the run was interrupted, else let
        it finish for the processes that may still need it."""
        if self._waiter is None:
            return
        if interrupted:
            self.stop()
        self._waiter.join()

    def stop(self) -> None:
        self._stopped = True
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)  # the job and whatever it started (a kernel, a browser)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
