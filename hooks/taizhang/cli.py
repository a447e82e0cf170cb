"""Command line: `taizhang check|new|...`; messages in Chinese.

Each sub-command is a thin function over the core; exit codes: 0 fine,
1 the records have errors, 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from taizhang.errors import TaizhangError
from taizhang.project import RECORDS_DIR, TodayError, analyse, find_root
from taizhang.views import DOWNLOADS
from taizhang.vocabulary import ConfigError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


class NotAProject(TaizhangError):
    pass


def project_root(start: str) -> Path:
    """The project holding `start`; a clear error when there is none."""
    root = find_root(Path(start))
    if not (root / RECORDS_DIR).is_dir():
        raise NotAProject(f"在 {Path(start).resolve()} 及其上级目录中找不到 {RECORDS_DIR}/ 目录："
                          "请在台账仓库中运行，或用参数指定台账目录")
    return root


def cmd_check(args) -> int:
    root = project_root(args.path)
    analysis = analyse(root, today=args.today, submit=args.submit)
    for problem in analysis.problems:
        print(problem.format())
    errors, warnings, infos = len(analysis.errors), len(analysis.warnings), len(analysis.infos)
    records = len(analysis.ledger.records)
    if errors or warnings or infos:
        print(f"检查了 {records} 条记录：{errors} 个错误，{warnings} 个警告"
              + (f"，{infos} 个提示（草稿待补充）" if infos else "") + "。", file=sys.stderr)
    else:
        print(f"检查了 {records} 条记录，没有发现问题。", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def cmd_new(args) -> int:
    from taizhang.scaffold import create, parse_areas

    root = project_root(args.dir)
    analysis = analyse(root)
    kind = KIND_ALIASES.get(args.kind, args.kind)
    options = {
        "title": args.title, "round": args.round, "quote": args.quote, "feedback": args.feedback,
        "problems": args.problem, "leader": args.leader, "unit": args.unit, "owner": args.owner,
        "deadline": args.deadline, "measure_type": args.type, "team": args.team,
        "inspected": args.inspected, "feedback_date": args.feedback_date,
    }
    options["causes" if kind == "problem" else "addresses_causes"] = args.cause
    if kind == "round":
        options["areas"] = parse_areas(args.area)
    elif args.area:
        options["area"] = args.area[-1]
    if kind != "measure":
        options.pop("addresses_causes", None)
    new = create(analysis, kind, options)
    print(new.path.relative_to(root).as_posix())
    if kind == "round" and args.carry_over:
        from taizhang.scaffold import carry_over
        previous = analysis.ledger.current_round
        if previous is None:
            print("没有上一轮，无需承接。", file=sys.stderr)
            return 0
        for carried in carry_over(analyse(root), previous.id, new.record_id):
            print(carried.path.relative_to(root).as_posix())
    return 0


def cmd_diff(args) -> int:
    from taizhang.diff import summarise

    summary = summarise(project_root(args.dir), args.base, args.head)
    print(summary.markdown, end="")
    return 0 if summary.head_ok else 1


def cmd_csp(args) -> int:
    from taizhang.csp import nginx_snippet, policy

    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site} 不是生成好的网站目录（没有 index.html）：先运行 mkdocs build", file=sys.stderr)
        return 2
    print(nginx_snippet(site) if args.nginx else policy(site), end="" if args.nginx else "\n")
    return 0


def cmd_export(args) -> int:
    from taizhang.fsutil import write_new
    from taizhang.export.files import build_download
    from taizhang.views import Scope

    root = project_root(args.dir)
    analysis = analyse(root)
    if analysis.errors:
        print(f"台账有 {len(analysis.errors)} 个错误，先运行 taizhang check 改正后再导出。", file=sys.stderr)
        return 1
    ledger = analysis.ledger
    data = build_download(ledger, Scope(ledger, ledger.current_round), args.format)
    write_new(Path(args.output), data, replace=args.force)
    print(args.output)
    return 0


EXPORT_FORMATS = [d.format for d in DOWNLOADS]


def cmd_due(args) -> int:
    from taizhang.export.due import due_report

    analysis = analyse(project_root(args.dir), today=args.today)
    print(due_report(analysis.ledger, args.days, markdown=args.format == "markdown"), end="")
    return 0


def cmd_archive(args) -> int:
    from taizhang.archive import archive_round

    done = archive_round(project_root(args.dir), args.round, force=args.force, alias_type=args.alias_type)
    print(f"已归档 {done.version}（{done.title}），并设为 latest 和默认版本。")
    return 0


def cmd_archive_export(args) -> int:
    from taizhang.archive import export_archive

    names = export_archive(project_root(args.dir), Path(args.target), force=args.force)
    print(f"已写入 {args.target}：{'、'.join(names)}")
    return 0


def cmd_import(args) -> int:
    from taizhang.importer import import_outline

    root = project_root(args.dir)
    source = Path(args.file)
    if not source.is_file():
        print(f"没有导入：找不到文件 {source}", file=sys.stderr)
        return 2
    tree, folder = import_outline(analyse(root), source, folder=args.folder, dry_run=args.dry_run)
    print(tree, end="")
    if folder is not None:
        print(f"已写入 {folder.relative_to(root).as_posix()}/（全部为草稿，请补全后删除“草稿: 是”）")
    return 0


# What a failed command says first: nothing was changed.
FAILURE_LEADS = {cmd_new: "没有新建记录：", cmd_diff: "无法读取 Git 版本：", cmd_export: "没有导出：",
                 cmd_archive: "没有归档：", cmd_archive_export: "没有导出：", cmd_import: "没有导入："}

KIND_ALIASES = {"轮次": "round", "巡视轮次": "round", "反馈": "feedback", "反馈问题": "feedback",
                "问题": "problem", "查摆问题": "problem", "原因": "cause", "原因剖析": "cause",
                "措施": "measure", "整改措施": "measure"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taizhang", description="巡视整改台账工具")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser("check", help="检查台账记录，列出所有问题")
    check.add_argument("path", nargs="?", default=".", help="项目目录（含 records/），默认当前目录")
    check.add_argument("--strict", action="store_true", help="警告也算失败")
    check.add_argument("--submit", action="store_true",
                       help="提交台账时用：草稿记录（草稿: 是）及其缺少的内容都算错误")
    check.add_argument("--today", type=_date, help="按此日期计算逾期（YYYY-MM-DD）")
    check.set_defaults(func=cmd_check)

    new = sub.add_parser("new", help="新建一条记录（自动取下一个编号，不覆盖已有文件）")
    new.add_argument("kind", choices=["round", "feedback", "problem", "cause", "measure", *KIND_ALIASES],
                     metavar="类别", help="round/feedback/problem/cause/measure（或 轮次/反馈/问题/原因/措施）")
    new.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    new.add_argument("--title", required=True, help="标题")
    new.add_argument("--round", help="所属轮次编号（默认当前轮次）")
    new.add_argument("--area", action="append", default=[], help="方面序号；新建轮次时写 序号=名称，可多次")
    new.add_argument("--quote", help="反馈原文（默认同标题）")
    new.add_argument("--feedback", action="append", default=[], help="对应的反馈问题编号，可多次")
    new.add_argument("--cause", action="append", default=[], help="原因编号，可多次")
    new.add_argument("--problem", action="append", default=[], help="整改的查摆问题编号，可多次")
    new.add_argument("--leader", action="append", default=[], help="责任领导，可多次")
    new.add_argument("--unit", action="append", default=[], help="责任单位，可多次")
    new.add_argument("--owner", action="append", default=[], help="责任人，可多次")
    new.add_argument("--deadline", help="整改时限 YYYY-MM-DD 或 长期坚持（默认集中整改期限）")
    new.add_argument("--type", help="整改类型（默认 限期整改）")
    new.add_argument("--team", help="巡视组（新建轮次时）")
    new.add_argument("--inspected", help="被巡视单位（新建轮次时）")
    new.add_argument("--feedback-date", help="反馈日期（新建轮次时）")
    new.add_argument("--carry-over", action="store_true",
                     help="新建轮次时，把上一轮未完成的长期坚持措施承接为本轮的新措施")
    new.set_defaults(func=cmd_new)

    diff = sub.add_parser("diff", help="汇总两个 Git 版本之间台账的变化（供合并请求审核）")
    diff.add_argument("base", help="基准版本，如 origin/main")
    diff.add_argument("head", nargs="?", default="HEAD", help="新版本，默认 HEAD")
    diff.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    diff.set_defaults(func=cmd_diff)

    csp = sub.add_parser("csp", help="为生成好的网站计算内容安全策略（Content-Security-Policy）")
    csp.add_argument("site", nargs="?", default="site", help="网站目录，默认 site")
    csp.add_argument("--nginx", action="store_true", help="输出 nginx 的 add_header 配置行")
    csp.set_defaults(func=cmd_csp)

    export = sub.add_parser("export", help="导出整改台账（xlsx/csv/json）或进展通报（docx）")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True, help="文件格式")
    export.add_argument("-o", "--output", required=True, help="输出文件")
    export.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    export.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    export.set_defaults(func=cmd_export)

    due = sub.add_parser("due", help="列出逾期和即将到期的整改措施（按责任单位）")
    due.add_argument("--days", type=int, default=7, help="多少天内到期，默认 7")
    due.add_argument("--format", choices=["text", "markdown"], default="text", help="输出格式")
    due.add_argument("--today", type=_date, help="按此日期计算（YYYY-MM-DD）")
    due.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    due.set_defaults(func=cmd_due)

    imp = sub.add_parser("import", help="把整改方案、对照检查材料或台账（.docx/.xlsx/.csv/.txt/.md）导入为草稿记录")
    imp.add_argument("file", help="要导入的文件")
    imp.add_argument("--dry-run", action="store_true", help="只显示识别出的结构，不写文件")
    imp.add_argument("--folder", help="写入 records/ 下的这个新文件夹（默认 import-文件名）")
    imp.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    imp.set_defaults(func=cmd_import)

    archive = sub.add_parser("archive", help="把一个巡视轮次归档为网站的一个版本（mike）")
    archive.add_argument("round", help="轮次编号，如 LC-001")
    archive.add_argument("--force", action="store_true", help="该轮次已归档时重新归档")
    archive.add_argument("--alias-type", choices=["copy", "redirect", "symlink"], default="copy",
                         help="latest 别名的形式，默认 copy（复制，任何服务器都能用）")
    archive.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    archive.set_defaults(func=cmd_archive)

    export_all = sub.add_parser("archive-export", help="把全部归档写成普通文件夹（供 nginx/IIS 发布）")
    export_all.add_argument("target", help="目标文件夹")
    export_all.add_argument("--force", action="store_true", help="目标文件夹已有内容时替换")
    export_all.add_argument("--dir", default=".", help="项目目录，默认当前目录")
    export_all.set_defaults(func=cmd_archive_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except TaizhangError as exc:   # the one place a user-fixable failure is reported
        lead = "配置错误：" if isinstance(exc, (ConfigError, TodayError)) else FAILURE_LEADS.get(args.func, "")
        print(lead + exc.format(), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
