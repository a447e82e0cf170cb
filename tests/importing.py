"""Helpers for the import tests: an empty ledger, running an import that must
pass the checker, and the imported records by kind."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from conftest import run_cli


def empty_project(tmp_path) -> Path:
    root = tmp_path / "p"
    (root / "records").mkdir(parents=True)
    (root / "docs").mkdir()
    return root


def imported(root: Path, folder: str = "x") -> dict[str, list[frontmatter.Post]]:
    kinds: dict[str, list] = {}
    for path in sorted((root / "records" / folder).rglob("*.md")):
        post = frontmatter.load(path)
        kinds.setdefault(post["类别"], []).append(post)
    return kinds


def do_import(root: Path, source: Path, *extra):
    """Import into records/x/; the result must pass `taizhang check` without errors."""
    result = run_cli("import", str(source), "--folder", "x", *extra, cwd=root)
    assert result.returncode == 0, result.stderr
    check = run_cli("check", cwd=root)
    assert check.returncode == 0 and ": 错误：" not in check.stdout, check.stdout
    return result
