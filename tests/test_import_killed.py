"""An import killed with SIGKILL while writing leaves records/ exactly as it
was: files are staged in a dot-folder at the project root and moved into
records/ by one rename; the next import removes the dead run's folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import copy_project, env, run_cli, tree_hash


def big_outline(path: Path, problems: int) -> Path:
    areas = []
    for a in range(1, 11):
        items = "\n".join(f"{i}. 第{a}方面的第{i}个问题。巡视反馈“第{a}方面反馈{i}”。" for i in range(1, problems // 10 + 1))
        areas.append(f"（{'一二三四五六七八九十'[a - 1]}）第{a}类方面。\n{items}")
    measures = "\n".join(f"{i}. 措施{i}。具体做法。" for i in range(1, problems + 1))
    path.write_text("某单位整改方案\n一、查摆问题\n" + "\n".join(areas) + f"\n二、整改措施\n（一）总体。\n{measures}\n",
                    encoding="utf-8")
    return path


def _staged_files(root: Path) -> int:
    return sum(len(files) for folder in root.glob(".taizhang-import-*") for _, _, files in os.walk(folder))


def test_sigkill_mid_import_leaves_records_as_they_were(tmp_path):
    root = copy_project(tmp_path / "p")
    source = big_outline(tmp_path / "方案.txt", 3000)
    before = tree_hash(root / "records")
    checked_before = run_cli("check", cwd=root).stderr
    killed_while_writing = False
    for _ in range(5):
        process = subprocess.Popen([sys.executable, "-m", "taizhang", "import", str(source)], cwd=root, env=env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if _staged_files(root) >= 200:
                process.send_signal(signal.SIGKILL)
                killed_while_writing = True
                break
            time.sleep(0.002)
        process.wait()
        if killed_while_writing:
            break
        # finished before we saw it writing: undo and try again
        assert process.returncode == 0
        for leftover in (root / "records").iterdir():
            if leftover.name.startswith("import"):
                shutil.rmtree(leftover)
    assert killed_while_writing, "the import finished before it could be killed"
    assert process.returncode == -signal.SIGKILL
    assert tree_hash(root / "records") == before                      # records/ exactly as before
    assert not [p for p in (root / "records").rglob("*") if p.name.startswith(".")]
    assert list(root.glob(".taizhang-import-*"))                      # the dead run's staging folder
    check = run_cli("check", cwd=root)
    assert check.returncode == 0 and check.stderr == checked_before, check.stderr
    small = big_outline(tmp_path / "小.txt", 20)
    again = run_cli("import", str(small), "--folder", "再次导入", cwd=root)
    assert again.returncode == 0, again.stderr
    assert not list(root.glob(".taizhang-import-*"))                  # cleaned by the next import
    assert sum(1 for _ in (root / "records" / "再次导入").rglob("*.md")) == 1 + 20 + 20 + 20


def test_the_loader_never_reads_dot_folders_or_dot_files(tmp_path):
    root = copy_project(tmp_path / "p")
    checked = run_cli("check", cwd=root).stderr
    hidden = root / "records" / ".taizhang-import-1-x" / "measures"
    hidden.mkdir(parents=True)
    (hidden / "CS-900.md").write_text("---\n编号: CS-900\n类别: 整改措施\n---\n半截", encoding="utf-8")
    (root / "records" / "measures" / ".CS-901.md").write_text("---\n编号: [\n", encoding="utf-8")
    assert run_cli("check", cwd=root).stderr == checked
