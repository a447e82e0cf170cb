"""Hostile and careless input beyond records' fields: control characters,
symlinks, odd file names, folders that cannot be written, a hostile
taizhang.yml. Every case: a message naming file, line and fix, or a clean
refusal; never a traceback, never a file from outside the repository in
the site."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from bs4 import BeautifulSoup

from conftest import GOLDEN, build, copy_project, run_cli, tree_hash

TODAY = "2023-08-10"


@pytest.fixture
def golden(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(GOLDEN / "base", root)
    return root


def check(root, *args):
    before = tree_hash(root)
    result = run_cli("check", *args, cwd=root, TAIZHANG_TODAY=TODAY)
    assert "Traceback" not in result.stderr, result.stderr
    assert tree_hash(root) == before, "check changed files"
    return result


# -- control characters ------------------------------------------------------

def _poison(root):
    """Control characters in a title (raw DEL), a progress text (YAML escape) and the body."""
    path = root / "records/measures/CS-003.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("标题: 统筹兼顾", "标题: 统筹\x7f兼顾")
    text = text.replace("内容: 结合选人用人专项检查反馈，制定“XX青年（英才）”政治素能测试方案。", '内容: "结合\\x01选人用人专项检查反馈"')
    path.write_text(text + "\n正文\x0b里\x1f有控制字符。\n", encoding="utf-8")
    return path


def test_control_characters_are_errors_at_their_line(tmp_path):
    root = copy_project(tmp_path / "p")
    path = _poison(root)
    result = check(root)
    assert result.returncode == 1
    lines = path.read_text(encoding="utf-8").split("\n")
    title_line = next(i for i, l in enumerate(lines, 1) if l.startswith("标题:"))
    body_line = next(i for i, l in enumerate(lines, 1) if "正文\x0b" in l)
    out = result.stdout
    assert f"records/measures/CS-003.md:{title_line}: 错误：第 7 列起有看不见的控制字符（U+007F）" in out
    assert f"records/measures/CS-003.md:{body_line}: 错误：第 3 列起有看不见的控制字符（U+000B、U+001F）" in out
    assert "(control-char) — 删除这些字符" in out
    assert out.count("(control-char)") == 3, out


def test_with_the_rule_off_build_and_every_export_still_succeed(tmp_path):
    root = copy_project(tmp_path / "p")
    _poison(root)
    (root / "taizhang.yml").write_text("rules:\n  control-char: off\n", encoding="utf-8")
    assert check(root).returncode == 0
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = (root / "site/measures/CS-003/index.html").read_text(encoding="utf-8")
    assert "\x7f" not in page and "统筹兼顾" in BeautifulSoup(page, "html.parser").h1.get_text()
    for fmt in ("xlsx", "csv", "json", "docx"):
        out = tmp_path / f"out.{fmt}"
        exported = run_cli("export", "--format", fmt, "-o", str(out), cwd=root, TAIZHANG_TODAY=TODAY)
        assert exported.returncode == 0, exported.stderr
        data = out.read_bytes()
        if fmt in ("xlsx", "docx"):
            with zipfile.ZipFile(out) as z:
                data = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        assert b"\x7f" not in data and b"\x01" not in data and b"\\u007f" not in data
    records = json.loads((root / "site/downloads/records.json").read_text(encoding="utf-8"))
    assert any(r.get("title") == "统筹兼顾" or r.get("标题") == "统筹兼顾" for r in records) or "统筹兼顾" in json.dumps(records, ensure_ascii=False)


def test_new_refuses_control_characters(tmp_path):
    root = copy_project(tmp_path / "p")
    before = tree_hash(root)
    result = run_cli("new", "cause", "--title", "原因\x7f", cwd=root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--title 中有看不见的控制字符" in result.stderr
    assert tree_hash(root) == before


# -- taizhang.yml ---------------------------------------------------------------

@pytest.mark.parametrize("config, expected", [
    ("rules: {unsafe-html: off}\n", None),                      # YAML boolean read as a level
    ("rules:\n  cause-unused: no\n", None),
    ("due_soon_days: abc\n", "taizhang.yml:1: “due_soon_days”应为不小于 0 的整数，实际写的是“abc”"),
    ("statuses:\n  in_progress: ~\n", "taizhang.yml:2: “statuses.in_progress”应为缩进的子项（映射），实际写的是空值"),
    ("rules:\n  control-char: maybe\n", "taizhang.yml:2: “rules.control-char”应为 error、warning 或 off 之一"),
    ("ledger_columns:\n  - {name: number, label: 序号}\n  - 3\n", "taizhang.yml:3: “ledger_columns.第2项”应为含"),
    ("x: !!python/name:os.system ls\n", "taizhang.yml:1: 配置 YAML 语法错误（第 4 列）：使用了不允许的 YAML 标签"),
    ("statuses: [\n", "taizhang.yml:2: 配置 YAML 语法错误"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "taizhang.yml:1: 配置使用了 YAML 锚点或别名"),
    ("rules:\n" + "".join(" " * (2 * i + 2) + f"k{i}:\n" for i in range(60)) + "\n",
     "taizhang.yml:34: 配置 YAML 语法错误（第 1 列）：嵌套超过 32 层"),
])
def test_taizhang_yml_is_loaded_like_a_record(golden, config, expected):
    (golden / "taizhang.yml").write_text(config, encoding="utf-8")
    result = run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY)
    assert "Traceback" not in result.stderr, result.stderr
    if expected is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2 and expected in result.stderr, result.stderr


def test_rule_turned_off_by_a_yaml_boolean_is_off(golden):
    (golden / "records/causes/YY-002.md").write_text(
        "---\n编号: YY-002\n类别: 原因剖析\n标题: 无人引用\n轮次: LC-001\n---\n", encoding="utf-8")
    assert "(cause-unused)" in run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY).stdout
    (golden / "taizhang.yml").write_text("rules:\n  cause-unused: off\n", encoding="utf-8")
    assert "(cause-unused)" not in run_cli("check", cwd=golden, TAIZHANG_TODAY=TODAY).stdout
