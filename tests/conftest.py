"""Shared helpers: copy the real project into a temp folder, run the real
CLI and the real `mkdocs build`, hash trees to prove nothing was written."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
SAMPLE_TODAY = "2023-08-10"          # the sample round's 统计日期
FIXED_EPOCH = "1691625600"           # 2023-08-10, for sitemap dates


def copy_project(dest: Path, records: Path | None = None) -> Path:
    """mkdocs.yml, docs/, hooks/ and records/ (the sample's, or `records`)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "docs", dest / "docs", ignore=ignore)
    shutil.copytree(REPO / "hooks", dest / "hooks", ignore=ignore)
    shutil.copytree(records or REPO / "records", dest / "records")
    return dest


def generated_ledger(dest: Path, count: int) -> Path:
    """A project of `count` records made by bench/build.py's generator, with the
    sample's mkdocs.yml and docs/ (without its evidence files)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("evidence"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    bench.generate(dest / "records", count)
    return dest


def overlay(base: Path, case: Path, dest: Path) -> Path:
    """A golden project: the base ledger with the case's files laid over it.

    A case's `symlinks.txt` lists `link -> target` lines (symlinks made here,
    since the fixtures themselves are plain files)."""
    shutil.copytree(base, dest)
    shutil.copytree(case, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt", "symlinks.txt", "args.txt"))
    links = case / "symlinks.txt"
    if links.is_file():
        for line in links.read_text(encoding="utf-8").splitlines():
            if "->" in line:
                link, target = (part.strip() for part in line.split("->", 1))
                (dest / link).parent.mkdir(parents=True, exist_ok=True)
                os.symlink(target, dest / link)
    return dest


def env(**extra) -> dict:
    values = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUTF8="1")
    values.pop("TAIZHANG_TODAY", None)
    values.update(extra)
    return values


def run_cli(*args, cwd: Path, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taizhang", *args], cwd=cwd, env=env(**extra_env),
                          capture_output=True, text=True, timeout=300)


def build(root: Path, *args, site: str = "site", **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", site, *args],
                          cwd=root, env=env(**extra_env), capture_output=True, text=True, timeout=600)


def tree_hash(root: Path, skip: tuple[str, ...] = ("site",)) -> dict[str, str]:
    hashes = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel.split("/")[0] not in skip and "__pycache__" not in rel:
            hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample ledger built once with the real mkdocs; (project, site)."""
    root = copy_project(tmp_path_factory.mktemp("sample"))
    before = tree_hash(root)
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert tree_hash(root) == before, "the build wrote into the project"
    return root, root / "site"


@pytest.fixture(scope="module")
def served(sample_site):
    """The built sample served over HTTP on a free local port; its address with a trailing slash."""
    from browsing import Server
    server = Server(sample_site[1])
    yield server.origin + "/"
    server.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole run (see browsing.py)."""
    from browsing import CHROMIUM, LAUNCH_ARGS, require_chromium
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def tool_missing(problem: str, module_level: bool = False) -> None:
    """A test's outside tool is missing: under CI (any non-empty CI) the test
    fails, so a green run never hides it; elsewhere it skips with the hint."""
    if os.environ.get("CI"):
        pytest.fail(problem, pytrace=False)
    pytest.skip(problem, allow_module_level=module_level)
