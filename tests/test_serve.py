"""`mkdocs serve` on a real project: an edited record shows up after the
rebuild, and unchanged records are not parsed again (ParseCache)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import copy_project, env
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
def serving(root):
    """`mkdocs serve` on a free loopback port for the project at root; yields the base URL."""
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                              env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_rebuilds_after_a_record_edit(tmp_path):
    root = copy_project(tmp_path / "p")
    with serving(root) as base:
        port = base.rsplit(":", 1)[1]
        page = f"http://127.0.0.1:{port}/measures/CS-003/"
        _wait_for(page, "统筹兼顾")
        record = root / "records/measures/CS-003.md"
        record.write_text(record.read_text(encoding="utf-8").replace("标题: 统筹兼顾", "标题: 统筹兼顾（已调整）"),
                          encoding="utf-8")
        _wait_for(page, "统筹兼顾（已调整）")
        assert "统筹兼顾（已调整）" in _wait_for(f"http://127.0.0.1:{port}/lists/tasks/", "统筹兼顾（已调整）")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/downloads/taizhang.xlsx", timeout=5) as response:
            assert response.status == 200


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
