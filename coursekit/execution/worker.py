"""Bounded execution: the code of the pages and snippets runs in a child process, in a scratch folder, each
step within a time limit; a step that runs over is stopped and named.

A server process is forked from this one before it computes anything: the test session forks it once its
tests are collected, a command at its first job. A server for other CPU kernels (`dispatch.py`) cannot be
forked, as NumPy and torch choose theirs when they are imported: it is a new interpreter, started with the
environment that chooses them. At its first job it imports what the code imports, once, then forks a child
for each job, so every job starts from the same clean state at the cost of a fork (milliseconds, where
importing torch takes seconds). The server never runs code itself: killing a child leaves it as it was.
What a job loads lazily (a torch optimiser loads 800 modules), the server imports after it, for the next
jobs, and remembers in .cache/ for the next runs, which import it with the package it belongs to.
Forking early matters: a child forked from a process that has computed with OpenMP (torch does) waits
forever for its parent's thread pool.

A step's limit is computing time (the CPU time of its process), which a busy machine does not eat into:
a loop that never ends runs over it however loaded the machine is, and code that is merely slowed down by
other work does not. A step that computes nothing while it hangs (it waits for a lock, a pipe, a sleep)
is stopped after CLOCK_FACTOR times its limit on the clock. Inside the child, a step that runs over gets `OverTime`
raised where it is, so its traceback names the line; one that does not stop within GRACE seconds more
(stuck in C code) is killed with its process group, and its Python stack at that moment is reported.
"""

import ast
import atexit
import contextlib
import faulthandler
import gc
import importlib
import os
import pickle
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
import warnings
from multiprocessing.connection import Connection
from pathlib import Path

CPU_SECONDS = 60  # a step's limit, in seconds of computing: a page block, a notebook cell, a script's section
CLOCK_FACTOR = 2  # times its limit, on the clock, before a step that computes nothing is stopped
GRACE = 2    # seconds more before a step that ignores OverTime is killed
STACK = ".stack-at-limit"  # in the scratch folder: the child's Python stack when its step ran over
LEARNED = Path(__file__).resolve().parents[2] / ".cache" / "lazy-imports.txt"  # git-ignored


class OverTime(BaseException):
    """Raised inside the running code when its step runs over its limit (not an Exception: code that
    catches every Exception still stops)."""

    def __init__(self, where: str, seconds: float, waited: float | None = None):
        super().__init__(f"{where} ran over its {seconds:g} s limit" if waited is None else
                         f"{where} was still running after {waited:g} s on the clock ({seconds:g} s limit)")
        self.where, self.seconds = where, seconds


class TimedOut(Exception):
    """The job's child was killed: the step `where` ran over its limit and did not stop. `done`: what the
    job yielded before."""

    def __init__(self, where: str, seconds: float, done: list, stack: str):
        super().__init__(f"{where} ran over its {seconds:g} s limit and was killed"
                         + (f"; it was at:\n{stack}" if stack else ""))
        self.where, self.seconds, self.done, self.stack = where, seconds, done, stack


class Failed(Exception):
    """The job raised: the message is its traceback. `done`: what it yielded before."""

    def __init__(self, text: str, done: list):
        super().__init__(text)
        self.done = done


def imports(code: str) -> list[str]:
    """The modules `code` imports at any depth (`import a.b`, `from a.b import c`), in order."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return list(dict.fromkeys(found))


def _import_all(names) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the job imports it again and reports the failure where it is
            pass


class _Server:
    def __init__(self, pid: int, connection: Connection):
        self.pid, self.connection = pid, connection


_servers: dict[str, _Server] = {}  # by CPU dispatch: "full" (this machine's own kernels), "baseline"
_threads: int | None = None  # torch's threads in each child, when processes share the cores


def start(preload=(), threads: int | None = None, dispatch: str = "full") -> None:
    """Start the server for `dispatch`: for the full dispatch, fork it (call it before this process computes
    anything); it imports `preload` before its first job, so a session whose runs all come from the cache
    imports none of it, in neither process; for the baseline, start a new interpreter on the baseline
    kernels. A job starts its server when it has not been.

    `threads`: how many threads torch computes with in each child, where several test processes share the
    cores (pytest-xdist): more would spin against each other's, slowing every one of them many times over.
    """
    global _threads
    if dispatch in _servers:
        return
    if threads is not None:
        _threads = threads
    if dispatch != "full":
        _servers[dispatch] = _spawn(dispatch)
        return
    ours, theirs = socket.socketpair()
    gc.freeze()  # see _run_child
    with warnings.catch_warnings():
        # Python 3.12+ warns of fork in a threaded process (pytest-xdist's workers have an I/O thread): the
        # server takes no lock that thread could hold; it reads its socket, imports and forks.
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        ours.close()
        connection = theirs.detach()
        _release_inherited(keep=connection)
        os._exit(_serve_until_the_end(Connection(connection), tuple(preload)))
    gc.unfreeze()
    theirs.close()
    _servers[dispatch] = _Server(pid, Connection(ours.detach()))
    if len(_servers) == 1:
        atexit.register(stop)


def environment(dispatch: str = "full") -> dict[str, str]:
    """The environment a job of `dispatch` computes in, torch's threads in each child included: what chooses
    its kernels and the order its sums add up in, for a cached run's key (cache.py)."""
    from coursekit.execution.dispatch import baseline_env

    env = dict(os.environ, **(baseline_env() if dispatch == "baseline" else {}))
    return dict(env, TORCH_THREADS=str(_threads)) if _threads else env


def _spawn(dispatch: str) -> _Server:
    """A server in a new interpreter whose NumPy and torch compute on `dispatch`'s kernels."""
    import subprocess

    from coursekit.execution.dispatch import baseline_env

    if dispatch != "baseline":
        raise ValueError(f"unknown CPU dispatch {dispatch!r}: 'full' or 'baseline'")
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, **baseline_env(), PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get(
        "PYTHONPATH")])))
    ours, theirs = socket.socketpair()
    code = f"from coursekit.execution import worker; worker._serve_spawned({theirs.fileno()}, {_threads!r})"
    process = subprocess.Popen([sys.executable, "-c", code], pass_fds=[theirs.fileno()], env=env, cwd=root)
    theirs.close()
    if not _servers:
        atexit.register(stop)
    return _Server(process.pid, Connection(ours.detach()))


def _serve_spawned(fd: int, threads: int | None) -> None:
    """The spawned server's life: it serves as a forked one does."""
    global _threads
    _threads = threads
    sys.exit(_serve_until_the_end(Connection(fd)))


def _serve_until_the_end(connection: Connection, first: tuple = ()) -> int:
    try:
        _serve(connection, first)
    except BaseException:  # noqa: BLE001 - Ctrl-C or a broken socket: the server's end either way
        return 1
    return 0


def _release_inherited(keep: int) -> None:
    """Point each descriptor this server inherited (but stdio and `keep`) at /dev/null. Another thread may
    have been starting a process: that start waits until every copy of its status pipe is closed, and this
    server, which never execs, would hold one for the whole session. The numbers stay taken: objects of
    the parent that still name them can close nothing of the server's."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    null = os.open(os.devnull, os.O_RDWR)
    for fd in sorted(int(name) for name in os.listdir(folder)):
        if fd > 2 and fd not in (keep, null):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    os.close(null)


def stop() -> None:
    """End the servers (and the jobs they run, if any)."""
    while _servers:
        _, server = _servers.popitem()
        server.connection.close()  # an idle server reads the end of its input and returns
        # A busy one is interrupted: it kills its job's process group on the way out.
        for end in (None, signal.SIGINT, signal.SIGKILL):
            if end:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(server.pid, end)
            if _ended_within(server.pid, 1.0):
                break


def _ended_within(pid: int, seconds: float) -> bool:
    for _ in range(int(seconds / 0.02)):
        try:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                return True
        except ChildProcessError:
            return True
        time.sleep(0.02)
    return False


def run(job, *args, preload=(), dispatch: str = "full") -> list:
    """Run the generator function `job(step, *args)` in a child of the server; return what it yields.

    `job` is a module-level function (the server finds it by name). It calls `step(where, seconds)` before
    each part of its work: `where` names the part in messages (`page.md:12`), `seconds` is its limit (of
    computing; CLOCK_FACTOR times that on the clock).
    What it yields must pickle (cloudpickle: functions defined by the code are carried by value).
    `dispatch`: the CPU kernels it computes with, "full" (this machine's) or "baseline" (dispatch.py).
    Raises TimedOut or Failed, and KeyboardInterrupt when the job was interrupted.
    """
    start(dispatch=dispatch)
    server = _servers[dispatch]
    try:
        server.connection.send((job, args, tuple(preload), CLOCK_FACTOR, GRACE))
        kind, *rest = server.connection.recv()
    except (KeyboardInterrupt, EOFError, OSError):
        stop()  # the reply, if any, would answer a question no one asks any more
        raise
    if kind == "interrupted":
        raise KeyboardInterrupt
    done = [pickle.loads(item) for item in rest[-1]]
    if kind == "timeout":
        where, seconds, stack, _ = rest
        raise TimedOut(where, seconds, done, stack)
    if kind == "failed":
        raise Failed(rest[0], done)
    return done


def _serve(connection: Connection, first: tuple = ()) -> None:
    """Run each job received in a child; `first`: what the session's code imports, imported with the first
    job's own (then a dictionary lookup each)."""
    _import_all(["cloudpickle"])  # every child pickles with it
    learned = _learned()
    while True:
        try:
            job, args, preload, wait, grace = connection.recv()
        except EOFError:
            return
        preload = (*first, *preload)
        packages = {name.partition(".")[0] for name in preload}  # what earlier runs learned of them, too
        _import_all([*preload, *(name for name in learned if name.partition(".")[0] in packages)])
        reply, loaded = _run_child(job, args, wait, grace)
        connection.send(reply)
        new = [name for name in loaded if name not in sys.modules]
        if new:  # what the job loaded lazily (a torch optimiser loads 800 modules): once for all the next jobs
            _import_all(new)
            learned = _learn(new)


def _learned() -> list[str]:
    """Modules earlier jobs loaded lazily, in the order they did: the server imports them from the start."""
    try:
        return LEARNED.read_text(encoding="utf-8").split()
    except OSError:
        return []


def _learn(names: list[str]) -> list[str]:
    known = list(dict.fromkeys(_learned() + names))
    with contextlib.suppress(OSError):  # a cache: without it the next run learns again
        LEARNED.parent.mkdir(parents=True, exist_ok=True)
        scratch = LEARNED.with_name(f"{LEARNED.name}.{os.getpid()}")
        scratch.write_text("\n".join(known) + "\n", encoding="utf-8")
        os.replace(scratch, LEARNED)  # whole, even with two test processes learning at once
    return known


def _run_child(job, args, wait: float, grace: float) -> tuple:
    scratch = tempfile.mkdtemp(prefix="course-run-")
    ours, theirs = socket.socketpair()
    # The child's garbage collector would visit every object inherited from here, and so copy every page of
    # memory they lie on: frozen, they are left alone.
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            ours.close()
            code = _child(job, args, wait, grace, scratch, Connection(theirs.detach()))
        finally:
            os._exit(code)
    with contextlib.suppress(OSError):  # the child does the same: whichever runs first, the group exists
        os.setpgid(pid, pid)
    theirs.close()
    reader = Connection(ours.detach())
    done, where, seconds, loaded = [], "the job's start", CPU_SECONDS, []
    deadline = time.monotonic() + CPU_SECONDS * wait + grace
    try:
        while True:
            if not reader.poll(max(0.0, deadline - time.monotonic())):
                os.killpg(pid, signal.SIGKILL)
                return ("timeout", where, seconds, _stack(scratch), done), loaded
            try:
                message = reader.recv()
            except EOFError:
                return ("failed", f"{where}: the process running it ended ({_ended(pid)})", done), loaded
            if message[0] == "step":
                _, where, seconds = message
                deadline = time.monotonic() + seconds * wait + grace
            elif message[0] == "item":
                done.append(message[1])
            elif message[0] == "loaded":
                loaded = message[1]
            else:
                return (*message, done), loaded
    except KeyboardInterrupt:
        # Ctrl-C: the job's group is killed below, and a second one (the caller stopping this server) must
        # not cut that short, or the job would outlive it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise
    finally:
        reader.close()
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        shutil.rmtree(scratch, ignore_errors=True)


def _die_with_server() -> None:
    """On Linux, the kernel kills this child when the server ends, however it ends (a SIGKILL included)."""
    if sys.platform != "linux":
        return
    import ctypes

    server = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != server:  # it ended before that: this child is an orphan already
        os._exit(1)


def _stack(scratch: str) -> str:
    time.sleep(0.1)  # the dump is written before the kill: let a late writer finish
    try:
        with open(os.path.join(scratch, STACK), encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _ended(pid: int) -> str:
    _, status = os.waitpid(pid, 0)
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}"


def _child(job, args, wait: float, grace: float, scratch: str, connection: Connection) -> int:
    os.setpgid(0, 0)  # its own process group: a timeout kills what it started too (a `sh` block's commands)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle: it kills this group
    _die_with_server()
    os.chdir(scratch)
    if _threads and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(_threads)
    stack = open(STACK, "w", encoding="utf-8")
    current = {}

    def over_time(signum, frame):
        timers(0)  # the other timer must not fire again while this one's exception is reported
        waited = current["seconds"] * wait if signum == signal.SIGALRM else None
        raise OverTime(current["where"], current["seconds"], waited)

    def timers(seconds: float) -> None:
        signal.setitimer(signal.ITIMER_PROF, seconds)  # computing time, all threads of this process
        signal.setitimer(signal.ITIMER_REAL, seconds * wait)

    def step(where: str, seconds: float) -> None:
        current.update(where=where, seconds=seconds)
        connection.send(("step", where, seconds))
        faulthandler.dump_traceback_later(seconds * wait + grace / 2, file=stack)
        timers(seconds)

    signal.signal(signal.SIGPROF, over_time)
    signal.signal(signal.SIGALRM, over_time)
    import cloudpickle

    before = set(sys.modules)
    try:
        for item in job(step, *args):
            timers(0)  # pickling is not the step's time
            connection.send(("item", cloudpickle.dumps(item)))
            if "seconds" in current:
                timers(current["seconds"])
        reply = ("done",)
    except KeyboardInterrupt:
        reply = ("interrupted",)
    except BaseException:  # noqa: BLE001 - reported to the caller, which raises Failed
        reply = ("failed", traceback.format_exc())
    timers(0)
    faulthandler.cancel_dump_traceback_later()
    connection.send(("loaded", [name for name in list(sys.modules) if name not in before]))  # in load order
    connection.send(reply)
    sys.stdout.flush()
    return 0
