"""A small-N smoke run of the benchmark: it runs end to end and prints its
figures; the figures themselves are not asserted (no timed tests)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def profiled_benchmark():
    """One small run of bench/build.py with --profile, read by the two tests below:
    --profile only adds the profile table before the closing ratio lines (the
    timed runs and every figure are the same), so one run checks both."""
    result = subprocess.run([sys.executable, str(REPO / "bench/build.py"), "--records", "20", "--repeat", "1",
                             "--profile"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()


def test_benchmark_runs_and_ends_with_the_ratio(profiled_benchmark):
    lines = profiled_benchmark
    assert lines[0].startswith("records=20 ")
    for name in ("a_plain_mkdocs", "b_taizhang", "c_raw_records", "check", "raw_parse"):
        assert any(line.startswith(name) and "median=" in line and "peak_rss=" in line for line in lines), name
    for name in ("b_one_core", "c_one_core"):
        assert any(line.startswith(name) and "peak_tree=" in line for line in lines), name
    # Issue #32's figures: CPU b/c with every process counted, and the one-core wall b/c, each on its own line.
    assert re.fullmatch(r"cpu_ratio_raw=\d+\.\d{3}", lines[-4])
    assert re.fullmatch(r"one_core_ratio_raw=\d+\.\d{3}", lines[-3])
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


def test_benchmark_profile_groups_the_build(profiled_benchmark):
    """--profile prints CPU seconds per part: taizhang's hook shows in (b) and
    in the serve-like rebuild, never in plain MkDocs on the raw records (c)."""
    lines = profiled_benchmark
    assert re.fullmatch(r"ratio=\d+\.\d{3}", lines[-1])
    assert all("cpu=" in line for line in lines if line.startswith(("a_plain_mkdocs", "b_taizhang", "c_raw")))
    rows = {}
    for line in lines:
        if (match := re.fullmatch(r"  (\S.*?)\s+(\d+\.\d\d)s\s+(\d+\.\d\d)s\s+(\d+\.\d\d)s", line)):
            rows[match.group(1)] = [float(v) for v in match.groups()[1:]]
    for label in ("total (mkdocs build)", "Markdown (markdown.convert)", "Jinja (template.render)",
                  "search: page entries", "hook on_files (generate pages)", "MkDocs itself (rest: files, nav, pages, I/O)"):
        assert label in rows, label
    b, c, rebuild = rows["hook on_files (generate pages)"]
    assert b > 0 and rebuild > 0 and c == 0
    assert all(v > 0 for v in rows["Markdown (markdown.convert)"])
    assert rows["total (mkdocs build)"][0] >= rows["Markdown (markdown.convert)"][0] + rows["Jinja (template.render)"][0]
    export = next(line for line in lines if line.strip().startswith("total (export process)"))
    assert float(re.search(r"(\d+\.\d\d)s", export).group(1)) > 0


def test_engines_benchmark_builds_with_all_three_side_by_side():
    result = subprocess.run([sys.executable, str(REPO / "bench/engines.py"), "--records", "10", "--repeat", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("records=10 ") and "same_page_count=True" in lines[0]
    assert lines[1].startswith("load_before=")
    for name in ("mkdocs", "properdocs", "zensical", "zensical_render", "zensical_build"):
        assert any(line.startswith(name + " ") and "median=" in line and "cpu=" in line for line in lines), name
    assert re.fullmatch(r"properdocs/mkdocs=\d+\.\d{3} zensical/mkdocs=\d+\.\d{3}", lines[-1])
