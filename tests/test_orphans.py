"""kill -9 of `mkdocs build`, `mkdocs serve` or `taizhang archive` at any
moment leaves no process behind: not the search worker, not its
multiprocessing resource tracker, not the downloads worker, not the build
or mike that archive runs, and no mike-mkdocs*.yml beside mkdocs.yml.

Every process of a run carries a marker in its environment (children inherit
it); after the kill, /proc must hold none with the marker within a few
seconds. Real processes, real signals, the sample ledger in a real git repo.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, env
from test_git_workflow import init_repo

MARK = "TAIZHANG_TEST_RUN"
GONE_WITHIN = 6.0    # seconds after the kill: the watch is 0.25 s, a loaded machine is slow


def _marked(mark: str) -> list[tuple[int, str]]:
    found = []
    needle = f"{MARK}={mark}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                # The whole command line: cut at 160 characters, a CI clone's longer
                # paths cut "mike-mkdocs" off mike's build (stop 37 failed so).
                found.append((int(entry), f.read().replace(b"\0", b" ").decode("utf-8", "replace")))
        except OSError:
            continue   # gone meanwhile, or a zombie
    return found


def _kill_and_wait(command: list[str], cwd: Path, after, mark: str, started: list | None = None) -> list[tuple[int, str]]:
    """Start `command`, kill -9 it when `after()` says so, return what is left after GONE_WITHIN
    (the command's pid appended to `started`)."""
    # Two processes asked for (a one-off build's default is one): the second
    # processes are what must not outlive the command.
    process = subprocess.Popen(command, cwd=cwd, env=env(**{MARK: mark, "TAIZHANG_PROCESSES": "2"}),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if started is not None:
        started.append(process.pid)
    try:
        after(process)
    finally:
        process.kill()   # SIGKILL: no handler, no clean-up in the process itself
        process.wait()
    deadline = time.monotonic() + GONE_WITHIN
    left = _marked(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = _marked(mark)
    for pid, _ in left:      # leave the machine clean for the next test, then report
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def _seconds(delay: float):
    def wait(process):
        time.sleep(delay)
        assert process.poll() is None, "the command ended before the kill: nothing was tested"
    return wait


def _when(what: str, ready, mark: str):
    """Kill the moment `ready(marked processes)` holds, not after a fixed delay:
    a fast machine ended the 1,000-record build before a 3-second kill (CI, stop 35)."""
    def wait(process):
        deadline = time.monotonic() + 240
        while not ready(_marked(mark)):
            assert process.poll() is None, f"the command ended before {what}: nothing was tested"
            assert time.monotonic() < deadline, f"{what} never came"
            time.sleep(0.02)
        assert process.poll() is None, f"the command ended at {what}: nothing was tested"
    return wait


def _worker_running(marked) -> bool:
    """A spawned second process of the build (search index or downloads) is alive."""
    return any("--multiprocessing-fork" in command for _, command in marked)


def _pages_written(site: Path, count: int = 50):
    def ready(_marked_now) -> bool:
        return sum(1 for _ in site.rglob("*.html")) >= count if site.is_dir() else False
    return ready


def _build_under_mike(marked) -> bool:
    """mike's own `mkdocs build` runs (its temporary configuration is named on the command line)."""
    return any("mike-mkdocs" in command for _, command in marked)


def _worker_of_build_under_mike(marked) -> bool:
    builds = {pid for pid, command in marked if "mike-mkdocs" in command}
    return any("--multiprocessing-fork" in command and _parent(pid) in builds for pid, command in marked)


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A generated 1,000-record ledger (bench/build.py's): its build lasts several
    seconds even on an idle machine, so every kill moment falls inside the run
    (the 65-file sample was built before the 1.5 s kill on a quiet machine)."""
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    work = tmp_path_factory.mktemp("orphans")
    bench.generate(work / "records", 1000)
    return init_repo(work / "repo", work / "records")


@pytest.mark.parametrize("moment", ["imports", "worker", "pages"])
def test_killed_build_leaves_no_process(repo, moment):
    """Killed while it imports, once a second process runs, and while pages are written."""
    mark = uuid.uuid4().hex
    site = repo.parent / f"site-{mark}"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    after = {"imports": _seconds(0.5),
             "worker": _when("a second process", _worker_running, mark),
             "pages": _when("pages were written", _pages_written(site), mark)}[moment]
    assert _kill_and_wait(command, repo, after, mark) == []


@pytest.mark.parametrize("delay", [1.0, 4.0])
def test_killed_serve_leaves_no_process(repo, delay):
    mark = uuid.uuid4().hex
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", "127.0.0.1:0", "--no-livereload"]
    assert _kill_and_wait(command, repo, _seconds(delay), mark) == []


@pytest.mark.parametrize("moment", ["start", "check worker", "mike build", "mike build worker"])
def test_killed_archive_leaves_no_process(repo, moment):
    """Killed early (its own strict build), once that build has a second process,
    once mike's mkdocs build runs, and once that build has a second process."""
    mark = uuid.uuid4().hex
    command = [sys.executable, "-m", "taizhang", "archive", "LC-001", "--force"]
    after = {"start": _seconds(0.5),
             "check worker": _when("a second process of the strict build", _worker_running, mark),
             "mike build": _when("the build under mike", _build_under_mike, mark),
             "mike build worker": _when("a second process of the build under mike",
                                        _worker_of_build_under_mike, mark)}[moment]
    started: list = []
    assert _kill_and_wait(command, repo, after, mark, started) == []
    assert not list(repo.glob("mike-mkdocs*.yml"))
    if moment == "check worker":
        # The strict build's site was being written into the archive's temporary folder: left
        # by the kill, it is removed by the next archive (fsutil.process_temporary_folder).
        import tempfile

        from taizhang.archive import TEMPORARY_PREFIX
        from taizhang.fsutil import process_temporary_folder

        left = list(Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}{started[0]}-*"))
        assert len(left) == 1 and left[0].is_dir()
        with process_temporary_folder(TEMPORARY_PREFIX) as mine:
            assert not left[0].exists() and Path(mine).name.startswith(f"{TEMPORARY_PREFIX}{os.getpid()}-")


def test_archive_killed_while_mike_runs_leaves_no_process_and_no_mike_file(repo):
    """Killed the moment mike has written its temporary mkdocs configuration."""
    mark = uuid.uuid4().hex

    def when_mike_writes(process):
        deadline = time.monotonic() + 240
        while not list(repo.glob("mike-mkdocs*.yml")):
            assert process.poll() is None, "archive ended before mike wrote its configuration"
            assert time.monotonic() < deadline, "mike never started"
            time.sleep(0.05)

    left = _kill_and_wait([sys.executable, "-m", "taizhang", "archive", "LC-001", "--force"], repo,
                          when_mike_writes, mark)
    assert left == []
    assert not list(repo.glob("mike-mkdocs*.yml"))
