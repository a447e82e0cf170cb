"""Bad input from many hands: every required field missing or mistyped for
every kind, odd encodings and line ends, huge and junk files. Each gives a
message with file and line, never a traceback, and changes nothing on disk."""

from __future__ import annotations

import shutil

import pytest

from conftest import GOLDEN, tree_hash
from taizhang.cli import main
from taizhang.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
RECORD_OF_KIND = {"round": "rounds/LC-001.md", "feedback": "feedback/FK-001.md", "problem": "problems/WT-001.md",
                  "cause": "causes/YY-001.md", "measure": "measures/CS-001.md"}
WRONG_VALUE = "\n  嵌套: 不该是映射"


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(GOLDEN / "base", root)
    monkeypatch.setenv("TAIZHANG_TODAY", "2023-08-10")
    return root


def check(root, capsys, *args):
    before = tree_hash(root)
    code = main(["check", str(root), *args])
    out = capsys.readouterr()
    assert tree_hash(root) == before, "check changed files"
    return code, out.out


def _edit_field(path, key, replacement):
    """Replace the line of `key` (and its indented continuation) by `replacement` lines."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(f"{key}:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    lines[start:end] = replacement
    path.write_text("\n".join(lines), encoding="utf-8")
    return start + 1


CASES = [(kind, name) for kind in RECORD_OF_KIND for name in VOCAB.required[kind] if name not in ("id", "kind")]


@pytest.mark.parametrize("kind, field", CASES)
def test_every_required_field_missing(project, capsys, kind, field):
    path = project / "records" / RECORD_OF_KIND[kind]
    key = VOCAB.key(field)
    _edit_field(path, key, [])
    code, out = check(project, capsys)
    assert code == 1
    assert f"records/{RECORD_OF_KIND[kind]}:1: 错误：{VOCAB.kind_label(kind)}缺少必填字段“{key}” (required-field)" in out


@pytest.mark.parametrize("kind, field", CASES)
def test_every_required_field_of_the_wrong_type(project, capsys, kind, field):
    path = project / "records" / RECORD_OF_KIND[kind]
    key = VOCAB.key(field)
    wrong = " 一二三" if VOCAB.fields[field].type == "areas" else WRONG_VALUE
    line = _edit_field(path, key, [f"{key}:{wrong}"])
    code, out = check(project, capsys)
    assert code == 1, out
    first = [l for l in out.splitlines() if l.startswith(f"records/{RECORD_OF_KIND[kind]}:")]
    assert first, out
    assert any(l.startswith((f"records/{RECORD_OF_KIND[kind]}:{line}: 错误：",
                             f"records/{RECORD_OF_KIND[kind]}:{line + 1}: 错误：")) for l in first), out


def test_id_and_kind_of_the_wrong_type(project, capsys):
    path = project / "records/measures/CS-001.md"
    _edit_field(path, "编号", ["编号: [CS-001]"])
    code, out = check(project, capsys)
    assert code == 1 and "records/measures/CS-001.md:2: 错误：字段“编号”应为编号，实际写的是列表 (field-type)" in out


def test_mixed_line_ends_are_accepted(project, capsys):
    path = project / "records/measures/CS-001.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_bytes("".join(l + ("\r\n" if i % 2 else "\n") for i, l in enumerate(lines)).encode())
    assert check(project, capsys, "--strict") == (0, "")


def test_gb18030_only_characters(project, capsys):
    path = project / "records/causes/YY-001.md"
    path.write_bytes(path.read_text(encoding="utf-8").replace("第一个原因", "𠀀原因").encode("gb18030"))
    code, out = check(project, capsys)
    assert code == 1 and "records/causes/YY-001.md:2: 错误：文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码 (not-utf8)" in out


def test_only_front_matter(project, capsys):
    (project / "records/causes/YY-002.md").write_text("---\n---\n", encoding="utf-8")
    code, out = check(project, capsys)
    assert code == 1 and "records/causes/YY-002.md:1: 错误：记录缺少必填字段“类别” (required-field)" in out


def test_yaml_alias_bomb(project, capsys):
    bomb = ["---", "编号: CS-009", "a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
             for p, c in zip("abcdefgh", "bcdefghi")]
    (project / "records/measures/CS-009.md").write_text("\n".join(bomb + ["---", ""]), encoding="utf-8")
    code, out = check(project, capsys)
    assert code == 1 and "records/measures/CS-009.md:3: 错误：字段区使用了 YAML 锚点或别名" in out


def test_a_20_mb_record(project, capsys):
    path = project / "records/causes/YY-001.md"
    path.write_text(path.read_text(encoding="utf-8") + ("整改要动真碰硬。" * 10 + "\n") * 140_000, encoding="utf-8")
    assert path.stat().st_size > 20_000_000
    assert check(project, capsys, "--strict") == (0, "")


def test_binary_junk_and_a_directory_named_md(project, capsys):
    (project / "records/junk.md").write_bytes(bytes(range(256)) * 40)
    (project / "records/folder.md").mkdir()
    code, out = check(project, capsys)
    assert code == 1 and "records/junk.md:1: 错误：文件不是文本文件（含有二进制内容） (binary-file)" in out


def test_unreadable_taizhang_yml_is_exit_2_with_a_message(project, capsys):
    (project / "taizhang.yml").write_text("statuses: [", encoding="utf-8")
    assert main(["check", str(project)]) == 2
    assert "配置错误：taizhang.yml" in capsys.readouterr().err


def test_outside_a_ledger_is_a_clear_error(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "找不到 records/ 目录" in capsys.readouterr().err
