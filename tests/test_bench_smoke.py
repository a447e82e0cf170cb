"""A small-N smoke run of the benchmark: it runs end to end and prints its
figures; the figures themselves are not asserted (no timed tests)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_benchmark_runs_and_ends_with_the_ratio():
    result = subprocess.run([sys.executable, str(REPO / "bench/build.py"), "--records", "40", "--repeat", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("records=40 ")
    for name in ("a_plain_mkdocs", "b_taizhang", "c_raw_records", "check", "raw_parse"):
        assert any(line.startswith(name) and "median=" in line and "peak_rss=" in line for line in lines), name
    assert re.fullmatch(r"ratio_raw=\d+\.\d{3}", lines[-2])
    assert re.fullmatch(r"ratio=\d+\.\d{3}", lines[-1])


def test_gather_benchmark_runs_and_ends_with_the_total():
    result = subprocess.run([sys.executable, str(REPO / "bench/gather.py"), "--units", "3", "--records", "20",
                             "--distinct", "2"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("units=3 records_per_unit=20 records=60 pages=")
    for name in ("gather", "build"):
        assert any(line.startswith(name) and "peak_rss=" in line for line in lines), name
    assert re.fullmatch(r"total=\d+\.\d\d", lines[-1])
