"""`mkdocs serve` on a real project: an edited record shows up after the
rebuild, and unchanged records are not parsed again (ParseCache)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import build, copy_project, env, tree_hash
from taizhang.project import ParseCache, analyse


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.time() + seconds
    last = ""
    while time.time() < deadline:
        try:
            last = _fetch(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not served at {url} within {seconds}s")


@contextlib.contextmanager
def serving(root, log: Path | None = None, **extra_env):
    """`mkdocs serve` on a free loopback port for the project at root; yields the base URL.
    Its output goes to `log` when given."""
    port = _port()
    with (open(log, "wb") if log else contextlib.nullcontext(subprocess.DEVNULL)) as output:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                                  env=env(**extra_env), stdout=subprocess.DEVNULL, stderr=output)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.parametrize("processes", [None, "1", "3"])
def test_serve_rebuilds_after_a_record_edit(tmp_path, processes):
    """By default, with TAIZHANG_PROCESSES=1 (the downloads made in the server's process,
    the search worker kept) and with a value it does not know (said once, not per rebuild)."""
    root = copy_project(tmp_path / "p")
    log = tmp_path / "serve.log"
    with serving(root, log, **({"TAIZHANG_PROCESSES": processes} if processes else {})) as base:
        page = f"{base}/measures/CS-003/"
        _wait_for(page, "统筹兼顾")
        record = root / "records/measures/CS-003.md"
        record.write_text(record.read_text(encoding="utf-8").replace("标题: 统筹兼顾", "标题: 统筹兼顾（已调整）"),
                          encoding="utf-8")
        _wait_for(page, "统筹兼顾（已调整）")
        assert "统筹兼顾（已调整）" in _wait_for(f"{base}/lists/tasks/", "统筹兼顾（已调整）")
        with urllib.request.urlopen(f"{base}/downloads/taizhang.xlsx", timeout=5) as response:
            assert response.status == 200
        _wait_for(f"{base}/downloads/records.json", "统筹兼顾（已调整）")   # the downloads were made again
        served_index = _fetch(f"{base}/search/search_index.json")
    said = log.read_text(encoding="utf-8").count("TAIZHANG_PROCESSES=3 无效")
    assert said == (1 if processes == "3" else 0), log.read_text(encoding="utf-8")[-2000:]
    # The search worker kept the unchanged pages' entries and indexed the edited one
    # again: the served index is the one a fresh build of the edited project writes.
    fresh = build(root)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert served_index == (root / "site/search/search_index.json").read_text(encoding="utf-8")
    titles = [doc["title"] for doc in json.loads(served_index)["docs"] if doc["location"] == "measures/CS-003/"]
    assert titles and "调整" in titles[0]


def test_parse_cache_reuses_unchanged_records_exactly(tmp_path):
    root = copy_project(tmp_path / "p")
    cache = ParseCache()
    first = analyse(root, cache=cache)
    path = root / "records/measures/CS-003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("整改状态: 正在整改", "整改状态: 做完了"), encoding="utf-8")
    second = analyse(root, cache=cache)
    fresh = analyse(root)
    assert second.problems == fresh.problems and second.problems != first.problems
    assert second.ledger.records["CS-001"] is first.ledger.records["CS-001"]      # reused
    assert second.ledger.records["CS-003"] is not first.ledger.records["CS-003"]  # parsed again
    assert second.ledger.records == fresh.ledger.records
    os.remove(root / "records/causes/YY-003.md")
    third = analyse(root, cache=cache)
    assert "YY-003" not in third.ledger.records


# `mkdocs serve --dirty` in one process, as the server runs it: build, and
# after each edit the test makes, build again (config read again, hook module
# and search worker kept). Each dirty rebuild must write the same site as a
# clean build of the edited project, while leaving unrelated record pages alone.
DIRTY_SERVE = r"""
import sys, threading
from mkdocs.commands.build import build
from mkdocs.config import load_config
site, first = sys.argv[1], True
for line in sys.stdin:
    if line.strip() != "build":
        break
    config = load_config("mkdocs.yml", site_dir=site)
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
        first = False
    build(config, dirty=True)
    for thread in threading.enumerate():   # downloads follow a served rebuild: wait for them here
        if thread.name == "taizhang-downloads":
            thread.join()
    print("built", flush=True)
"""


def _same_as_clean_build(root, dirty_site, skip=(), clean_site=None):
    """The dirty site holds the files of a clean build of the project as it is now.
    clean_site: a clean build of this very project already made (the unedited
    sample: conftest's sample_site); else the project is built clean here."""
    if clean_site is None:
        clean = build(root, site="site-clean")
        assert clean.returncode == 0, clean.stderr[-2000:]
    one, other = tree_hash(root / dirty_site, skip=()), tree_hash(clean_site or root / "site-clean", skip=())
    for path in skip:
        one.pop(path)
    assert one.keys() == other.keys()
    assert [path for path in one if one[path] != other[path]] == []
    if clean_site is None:
        shutil.rmtree(root / "site-clean")


@contextlib.contextmanager
def dirty_serving(root):
    """The DIRTY_SERVE driver building into root/site-dirty; yields (rebuild, driver)."""
    driver = subprocess.Popen([sys.executable, "-c", DIRTY_SERVE, "site-dirty"], cwd=root, env=env(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def rebuild():
        driver.stdin.write("build\n")
        driver.stdin.flush()
        assert driver.stdout.readline().strip() == "built", "the dirty build failed"

    try:
        yield rebuild, driver
    finally:
        driver.stdin.close()
        driver.wait(timeout=60)


def test_dirty_serve_rebuilds_only_what_changed_and_matches_a_clean_build(tmp_path, sample_site):
    root = copy_project(tmp_path / "p")
    site = root / "site-dirty"
    with dirty_serving(root) as (rebuild, _):
        rebuild()
        _same_as_clean_build(root, "site-dirty", clean_site=sample_site[1])   # not edited yet: the sample
        written = {p: p.stat().st_mtime_ns for p in site.glob("*/*-0*/index.html")}
        assert len(written) > 30
        time.sleep(0.05)   # distinct modification times

        # An edited title: its page, the pages listing it and the index change; unrelated records stay.
        record = root / "records/measures/CS-003.md"
        record.write_text(record.read_text(encoding="utf-8").replace("标题: 统筹兼顾", "标题: 统筹兼顾（已调整）"),
                          encoding="utf-8")
        rebuild()
        _same_as_clean_build(root, "site-dirty")
        rewritten = {p for p, mtime in written.items() if p.stat().st_mtime_ns != mtime}
        assert site / "measures/CS-003/index.html" in rewritten
        untouched = site / "feedback/FK-017/index.html"
        assert "CS-003" not in untouched.read_text(encoding="utf-8") and untouched not in rewritten
        assert len(rewritten) < len(written) / 2, sorted(str(p) for p in rewritten)

        # A new record, then that record deleted again.
        added = root / "records/measures/CS-010.md"
        added.write_text(record.read_text(encoding="utf-8").replace("编号: CS-003", "编号: CS-010")
                         .replace("统筹兼顾（已调整）", "新增的措施"), encoding="utf-8")
        rebuild()
        _same_as_clean_build(root, "site-dirty")
        added.unlink()
        rebuild()
        # Like MkDocs' own dirty builds, a deleted page's old file stays until a clean build;
        # nothing links it and the search index no longer has it.
        _same_as_clean_build(root, "site-dirty", skip=("measures/CS-010/index.html",))
        assert "CS-010" not in (site / "search/search_index.json").read_text(encoding="utf-8")

        # A change to mkdocs.yml reaches every page.
        config = root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("site_name: ", "site_name: 新", 1),
                          encoding="utf-8")
        rebuild()
        _same_as_clean_build(root, "site-dirty", skip=("measures/CS-010/index.html",))


def test_serve_ended_by_a_signal_leaves_no_process_behind(tmp_path):
    """`mkdocs serve` stopped with SIGTERM (a service manager, `kill`) runs no exit
    handlers: its second processes must notice and end by themselves."""
    root = copy_project(tmp_path / "p")
    with serving(root) as base:
        _wait_for(f"{base}/measures/CS-003/", "统筹兼顾")
        server_pid = next(int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and
                          f"127.0.0.1:{base.rsplit(':', 1)[1]}" in _cmdline(p))
        children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == server_pid]
        assert children, "the search worker runs beside the server"
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert [pid for pid in children if _alive(pid)] == []


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and not _zombie(pid)


def _cmdline(proc) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _ppid(proc) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_serve_recovers_when_the_search_worker_is_killed(tmp_path, sample_site):
    """The search worker killed between rebuilds (out of memory, `kill -9`): the
    next rebuild starts a new one and the site is whole again."""
    root = copy_project(tmp_path / "p")
    with dirty_serving(root) as (rebuild, driver):
        rebuild()
        workers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                   and _ppid(p) == driver.pid and "spawn_main" in _cmdline(p)]
        assert len(workers) == 1, workers   # the downloads are written: only the search worker is left
        os.kill(workers[0], 9)
        time.sleep(0.5)
        rebuild()   # unchanged record pages are converted again: the new worker never saw them
        _same_as_clean_build(root, "site-dirty", clean_site=sample_site[1])   # the project is the unedited sample
