"""The code stays lint-clean and free of dead code: ruff with the rules named
in pyproject.toml ([tool.ruff]) and vulture with its false positives named
there ([tool.vulture]: names MkDocs, the standard library, python-docx and
openpyxl use by name). Both are test dependencies, so they run wherever the
suite runs, CI included; a finding fails the test with the tool's own report."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr


def test_vulture_finds_no_dead_code():
    result = _run("vulture")
    assert result.returncode == 0, result.stdout + result.stderr
