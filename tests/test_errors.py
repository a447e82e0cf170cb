"""One error base class, caught once; the linker hands unresolved links to the checker."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import taizhang
from conftest import copy_project, run_cli
from taizhang.errors import TaizhangError
from taizhang.link import build_ledger
from taizhang.model import Link, MeasureRecord, ProblemRecord, RoundRecord
from taizhang.vocabulary import load_vocabulary

PACKAGE = Path(taizhang.__file__).parent


def test_every_exception_class_derives_from_the_one_base():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # Private classes (_AliasFound) are control flow caught where raised.
            if isinstance(node, ast.ClassDef) and node.name != "TaizhangError" and not node.name.startswith("_"):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception", "Overwrite", "_")) for b in bases):
                    assert bases & {"TaizhangError", "ConfigError"}, (path.name, node.name, bases)


def test_the_cli_catches_errors_only_in_main():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    handlers = [(f.name, h) for f in tree.body if isinstance(f, ast.FunctionDef)
                for h in ast.walk(f) if isinstance(h, ast.ExceptHandler)]
    # _new_vocabulary: a broken taizhang.yml leaves `--help` in the default words; the command reports it.
    assert {name for name, _ in handlers} <= {"main", "_date", "_new_vocabulary"}, handlers


def test_a_failed_command_prints_lead_message_and_fix_without_traceback(tmp_path):
    project = copy_project(tmp_path / "p")
    (tmp_path / "out.csv").write_text("x", encoding="utf-8")
    result = run_cli("export", "--format", "csv", "-o", str(tmp_path / "out.csv"), cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("没有导出：") and "怎么办：" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "x"
    missing = run_cli("diff", "no-such-ref", cwd=project)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_the_linker_returns_what_it_could_not_resolve():
    vocab = load_vocabulary()
    rnd = RoundRecord(kind="round", id="LC-001", title="r", path="r", body="", body_line=1, lines={})
    problem = ProblemRecord(kind="problem", id="WT-001", title="p", path="p", body="", body_line=1, lines={},
                            round="LC-001", causes=(Link("WT-001", 7),))
    measure = MeasureRecord(kind="measure", id="CS-001", title="m", path="m", body="", body_line=1, lines={"round": 4},
                            round="LC-009", problems=(Link("WT-001", 5), Link("WT-404", 6), Link("LC-001", 8)))
    ledger = build_ledger([rnd, problem, measure], vocab, dt.date(2023, 8, 10))
    found = {(u.source, u.field, u.target, u.line, u.reason) for u in ledger.unresolved}
    assert found == {("WT-001", "causes", "WT-001", 7, "self"), ("CS-001", "round", "LC-009", 4, "missing"),
                     ("CS-001", "problems", "WT-404", 6, "missing"), ("CS-001", "problems", "LC-001", 8, "wrong-kind")}
    assert [m.id for m in ledger.measures_of("WT-001")] == ["CS-001"]


def test_errors_carry_a_fix():
    error = TaizhangError("不行", "这样改")
    assert error.format() == "不行\n怎么办：这样改" and str(error) == "不行"
