"""Second processes beside the build, running the build's own code, and
child programs (mkdocs, mike) run by the command line: each ends with the
process that started it.

Spawned processes are spawned, not forked: `mkdocs serve` runs threads, and
forking a threaded process can deadlock. A spawned child imports its code
afresh, by module name, from the parent's sys.path as it is at start().
MkDocs takes a hook's folder off sys.path again once the hook file is
loaded, so without help the child would import another installed copy of
taizhang (or none): start() puts this folder back for the child only.

A child killed with its parent (kill -9 of `mkdocs build`, `mkdocs serve` or
`taizhang archive`, at any moment) must not run on alone: on Linux the
kernel signals it when its parent dies (prctl PR_SET_PDEATHSIG), and a
watcher thread checks the parent every WATCH_SECONDS besides (elsewhere, and
for a child started from a thread that may end before the process does).
A child first checks that its parent is still the one that started it:
the parent may die before the child gets that far.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import types

CONTEXT = multiprocessing.get_context("spawn")
CODE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # holds taizhang/ and the hook
WATCH_SECONDS = 0.25
PR_SET_PDEATHSIG = 1
# Set for programs the command line runs (mkdocs under mike): the program's own
# hook then ends it with whatever process started it.
END_WITH_PARENT_ENV = "TAIZHANG_END_WITH_PARENT"


def start(target, args: tuple, name: str):
    """A daemon child running target(*args) with the same code as this process;
    it ends when this process ends."""
    process = CONTEXT.Process(target=_child, args=(os.getpid(), _main_thread(), target, args), name=name,
                              daemon=True)
    saved, main = sys.path[:], sys.modules.get("__main__")
    sys.path.insert(0, CODE_DIR)
    # Ctrl-C may come while the child is still importing, before _child() can
    # ignore it (an English KeyboardInterrupt traceback): the child inherits
    # an ignored SIGINT through exec, and Python then leaves it ignored.
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        # The child need not run the parent's main module (the `mkdocs` command: 70 ms
        # of imports) to find its target, a function of this package: a bare __main__
        # while the start data are written tells multiprocessing so.
        sys.modules["__main__"] = types.ModuleType("__main__")
        process.start()
    finally:
        sys.path[:] = saved
        if main is not None:
            sys.modules["__main__"] = main
        if interrupt is not None:
            signal.signal(signal.SIGINT, interrupt)
    return process


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _child(parent: int, from_main_thread: bool, target, args: tuple) -> None:
    # Ctrl-C in the terminal reaches the whole process group: the parent
    # (mkdocs serve) shuts down and ends this child, which must not print an
    # English KeyboardInterrupt traceback of its own meanwhile.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent(parent, signal.SIGKILL if from_main_thread else None)
    target(*args)


def end_with_parent(parent: int | None = None, kernel_signal: int | None = signal.SIGKILL) -> None:
    """End this process when its parent (pid `parent`, or the present one) ends.
    `kernel_signal`: what the kernel sends at the parent's death (Linux), None
    for the watcher thread alone (the kernel counts the death of the parent's
    *thread* that started this process)."""
    if kernel_signal is not None:
        _parent_death_signal(kernel_signal)
    parent = os.getppid() if parent is None else parent
    if os.getppid() != parent or parent == 1:
        os._exit(1)    # the parent died before the signal was asked for
    threading.Thread(target=_watch, args=(parent,), name="taizhang-parent-watch", daemon=True).start()


def _parent_death_signal(number: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(number), 0, 0, 0)
    except (OSError, AttributeError):
        pass   # the watcher thread still ends the process


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            try:
                os.kill(os.getpid(), signal.SIGTERM)   # lets a SIGTERM handler clean up (mike's temp file)
                time.sleep(2)
            finally:
                os._exit(1)


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run for a child program (mkdocs, mike) that ends with this
    process: SIGTERM from the kernel when this process dies (Linux), and its
    environment asks taizhang code inside it (the hook) to watch as well."""
    return subprocess.run(command, **_ending_with_this_process(options))


def popen(command: list[str], **options) -> subprocess.Popen:
    """subprocess.Popen for a child program whose output this process reads
    as it comes (`taizhang serve`); it ends with this process as run()'s do."""
    return subprocess.Popen(command, **_ending_with_this_process(options))


def _ending_with_this_process(options: dict) -> dict:
    parent = os.getpid()
    env = dict(options.pop("env", None) or os.environ)
    env[END_WITH_PARENT_ENV] = "1"

    def before_exec() -> None:   # runs in the child, between fork and exec: no Python locks taken
        _parent_death_signal(signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)

    use_hook = sys.platform.startswith("linux") and _main_thread()
    return {**options, "env": env, "preexec_fn": before_exec if use_hook else None}


def end_with_parent_if_asked() -> None:
    """In a program started by run() (the build under `taizhang archive`, or
    under mike started by it): end with that parent too."""
    if os.environ.get(END_WITH_PARENT_ENV) == "1":
        end_with_parent(None, signal.SIGTERM)


# How many processes a build uses: "1" or "2". Unset, a one-off build (`mkdocs build`,
# `taizhang archive`, `taizhang render`) makes its search index and downloads in the build
# process: the least memory, under plain MkDocs' on the raw records (README 性能, issue #32
# goal 4). "2": they run in two more processes beside the pages when a second CPU is free,
# faster on two cores for about 170 MB more at 5,000 records. `mkdocs serve` uses them
# unless "1" is asked for, and keeps its search worker even then (the entries of unchanged
# pages are kept from rebuild to rebuild).
PROCESSES_ENV = "TAIZHANG_PROCESSES"
# The earlier name of TAIZHANG_PROCESSES=1, still honoured.
ONE_PROCESS_ENV = "TAIZHANG_ONE_PROCESS"


KNOWN_PROCESSES = ("1", "2")


def asked_processes() -> int | None:
    """1 or 2 as the user set PROCESSES_ENV (or ONE_PROCESS_ENV=1), else None."""
    if os.environ.get(ONE_PROCESS_ENV, "").strip() == "1":
        return 1
    value = os.environ.get(PROCESSES_ENV, "").strip()
    return int(value) if value in KNOWN_PROCESSES else None


def unknown_processes() -> str | None:
    """PROCESSES_ENV's value when it is set to anything but 1 or 2 (then ignored)."""
    value = os.environ.get(PROCESSES_ENV, "").strip()
    return value if value and value not in KNOWN_PROCESSES else None


def second_process(serving: bool = False) -> bool:
    """Whether the search index and downloads run in processes of their own beside
    this one: a spare CPU, and either `mkdocs serve` (unless one process is asked
    for) or a one-off build where two are asked for (PROCESSES_ENV)."""
    asked = asked_processes()
    if asked == 1 or not spare_core():
        return False
    return serving or asked == 2


def spare_core() -> bool:
    """Whether a second process can run beside this one: this process may use
    more than one CPU (`taskset -c 0`, a one-core server or container: no).
    On one core a second process only adds its start-up, imports and set-up
    to the build's CPU time and wall time; the work is then done in-process."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:   # no affinity on this system (macOS, Windows)
        return (os.cpu_count() or 1) > 1
