"""The pre-commit template, run for real with pre-commit and git: a commit
that breaks what `taizhang check` reads (here: deletes an evidence file) is
refused. pre-commit never lists deleted files as changed, so a `files:`
pattern alone would skip the hook on exactly that commit: the hook also
says `always_run`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_project, tool_missing

TEMPLATE = REPO / ".ci" / "templates" / "pre-commit-config.yaml"
EVIDENCE = "docs/evidence/CS-001/整改工作方案.txt"


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if not found:
        tool_missing("找不到 pre-commit：pip install -e '.[test]'")
    return found


def _env(home: Path) -> dict:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), GIT_AUTHOR_NAME="甲", GIT_AUTHOR_EMAIL="a@example.internal",
               GIT_COMMITTER_NAME="甲", GIT_COMMITTER_EMAIL="a@example.internal", NO_MKDOCS_2_WARNING="1",
               TAIZHANG_TODAY="2023-08-10")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # `taizhang` on PATH
    return env


def _git(repo: Path, env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)


@pytest.fixture
def ledger(tmp_path):
    repo = copy_project(tmp_path / "ledger")
    shutil.copy2(TEMPLATE, repo / ".pre-commit-config.yaml")
    env = _env(tmp_path / "pre-commit-home")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "初始台账"]):
        assert _git(repo, env, *args).returncode == 0
    hook = subprocess.run([_pre_commit(), "install"], cwd=repo, env=env, capture_output=True, text=True)
    assert hook.returncode == 0, hook.stdout + hook.stderr
    return repo, env


def test_deleting_an_evidence_file_is_refused_at_commit(ledger):
    repo, env = ledger
    assert (repo / EVIDENCE).is_file()
    assert _git(repo, env, "rm", "-q", EVIDENCE).returncode == 0
    run = subprocess.run([_pre_commit(), "run"], cwd=repo, env=env, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout
    assert "Failed" in run.stdout and "(evidence-file-missing)" in run.stdout
    assert "records/measures/CS-001.md:" in run.stdout
    commit = _git(repo, env, "commit", "-q", "-m", "删掉佐证材料")
    assert commit.returncode != 0
    assert _git(repo, env, "log", "--oneline").stdout.count("\n") == 1  # nothing was committed


def test_restoring_the_file_lets_the_commit_through(ledger):
    repo, env = ledger
    original = (repo / EVIDENCE).read_bytes()
    assert _git(repo, env, "rm", "-q", EVIDENCE).returncode == 0
    assert _git(repo, env, "commit", "-q", "-m", "删掉佐证材料").returncode != 0
    (repo / EVIDENCE).parent.mkdir(parents=True, exist_ok=True)  # git rm took the emptied folder too
    (repo / EVIDENCE).write_bytes(original)
    (repo / "docs/evidence/CS-001/补充说明.txt").write_text("补充\n", encoding="utf-8")
    assert _git(repo, env, "add", "-A").returncode == 0
    commit = _git(repo, env, "commit", "-q", "-m", "补充佐证材料")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "Passed" in commit.stdout + commit.stderr


@pytest.mark.parametrize("hooks_file", [TEMPLATE, REPO / ".pre-commit-hooks.yaml"])
def test_files_pattern_covers_everything_check_reads(hooks_file):
    data = yaml.safe_load(hooks_file.read_text(encoding="utf-8"))
    hook = data["repos"][0]["hooks"][0] if isinstance(data, dict) else data[0]
    pattern = re.compile(hook["files"])
    for read in ("records/measures/CS-001.md", "records/新文件夹/WT-001.md", "taizhang.yml",
                 EVIDENCE, "docs/附件/会议纪要.pdf", "hooks/taizhang/vocabulary.yml", "hooks/taizhang/check.py"):
        assert pattern.search(read), (hooks_file.name, read)
    for unrelated in ("README.md", "bench/build.py", "records.txt", "mytaizhang.yml"):
        assert not pattern.search(unrelated), (hooks_file.name, unrelated)
