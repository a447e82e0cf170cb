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
                found.append((int(entry), f.read().replace(b"\0", b" ").decode("utf-8", "replace")[:160]))
        except OSError:
            continue   # gone meanwhile, or a zombie
    return found


def _kill_and_wait(command: list[str], cwd: Path, after, mark: str) -> list[tuple[int, str]]:
    """Start `command`, kill -9 it when `after()` says so, return what is left after GONE_WITHIN."""
    process = subprocess.Popen(command, cwd=cwd, env=env(**{MARK: mark}), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
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


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_killed_build_leaves_no_process(repo, delay):
    mark = uuid.uuid4().hex
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(repo.parent / f"site-{mark}")]
    assert _kill_and_wait(command, repo, _seconds(delay), mark) == []


@pytest.mark.parametrize("delay", [1.0, 4.0])
def test_killed_serve_leaves_no_process(repo, delay):
    mark = uuid.uuid4().hex
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", "127.0.0.1:0", "--no-livereload"]
    assert _kill_and_wait(command, repo, _seconds(delay), mark) == []


@pytest.mark.parametrize("delay", [0.5, 2.0, 4.0])
def test_killed_archive_leaves_no_process(repo, delay):
    mark = uuid.uuid4().hex
    command = [sys.executable, "-m", "taizhang", "archive", "LC-001", "--force"]
    assert _kill_and_wait(command, repo, _seconds(delay), mark) == []
    assert not list(repo.glob("mike-mkdocs*.yml"))


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
