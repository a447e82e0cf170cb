"""Command line: `taizhang check|new|...`; messages in Chinese.

Each sub-command is a thin function over the core; exit codes: 0 fine,
1 the records have errors, 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from taizhang.project import TodayError, analyse, find_root
from taizhang.vocabulary import ConfigError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


def cmd_check(args) -> int:
    root = find_root(Path(args.path))
    analysis = analyse(root, today=args.today)
    for problem in analysis.problems:
        print(problem.format())
    errors, warnings = len(analysis.errors), len(analysis.warnings)
    records = len(analysis.ledger.records)
    if errors or warnings:
        print(f"检查了 {records} 条记录：{errors} 个错误，{warnings} 个警告。", file=sys.stderr)
    else:
        print(f"检查了 {records} 条记录，没有发现问题。", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taizhang", description="巡视整改台账工具")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser("check", help="检查台账记录，列出所有问题")
    check.add_argument("path", nargs="?", default=".", help="项目目录（含 records/），默认当前目录")
    check.add_argument("--strict", action="store_true", help="警告也算失败")
    check.add_argument("--today", type=_date, help="按此日期计算逾期（YYYY-MM-DD）")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, TodayError) as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
