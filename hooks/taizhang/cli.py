"""Command line: `taizhang check|new|...`; messages in Chinese.

Each sub-command is a thin function over the core; exit codes: 0 fine,
1 the records have errors, 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from taizhang import collector
from taizhang.errors import TaizhangError
from taizhang.argparse_zh import ChineseParser
from taizhang.project import RECORDS_DIR, TodayError, analyse, find_root
from taizhang.downloads import DOWNLOADS
from taizhang.vocabulary import ConfigError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


class NotAProject(TaizhangError):
    pass


class UsageError(TaizhangError):
    """The command was used wrongly in a way argparse cannot see (exit 2)."""


def project_root(start: str) -> Path:
    """The project holding `start`; a clear error when there is none."""
    root = find_root(Path(start))
    if not (root / RECORDS_DIR).is_dir():
        raise NotAProject(f"在 {Path(start).resolve()} 及其上级目录中找不到 {RECORDS_DIR}/ 目录："
                          "请在台账仓库中运行，或用参数指定台账目录")
    return root


def cmd_check(args) -> int:
    # The cycle collector stays off until the analysis is freed (see project.analyse):
    # turned on while it is alive, it would first walk all of it once more.
    with collector.paused():
        return _check(args)


def _check(args) -> int:
    root = project_root(args.path)
    analysis = analyse(root, today=args.today, submit=args.submit)
    for problem in analysis.problems:
        print(problem.format())
    errors, warnings, infos = len(analysis.errors), len(analysis.warnings), len(analysis.infos)
    records = len(analysis.ledger.records)
    if errors or warnings or infos:
        words = analysis.vocab.phrase
        print(f"检查了 {records} 条记录：{errors} 个{words('severity_error')}，{warnings} 个{words('severity_warning')}"
              + (analysis.vocab.fill("，{count} 个{phrases[severity_info]}（{keys[draft]}{lights[pending]}）", count=infos)
                 if infos else "") + "。", file=sys.stderr)
    else:
        print(f"检查了 {records} 条记录，没有发现问题。", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def cmd_new(args) -> int:
    from taizhang.scaffold import create, parse_areas

    root = project_root(args.dir)
    analysis = analyse(root)
    kind = args.kind
    if kind == "round" and args.dry_run:
        return _carry_over_dry_run(analysis)
    options = {name: getattr(args, name) for name in NEW_KINDS[kind]}
    if kind == "round":
        options["areas"] = parse_areas(options["areas"])
    if kind == "round" and args.carry_over and analysis.ledger.current_round is not None:
        from taizhang.scaffold import check_carry_over
        check_carry_over(analysis, analysis.ledger.current_round.id)   # every carried measure writable, or nothing written
    new = create(analysis, kind, options)
    print(new.path.relative_to(root).as_posix())
    if kind == "round" and args.carry_over:
        from taizhang.scaffold import carry_over
        previous = analysis.ledger.current_round
        if previous is None:
            print("没有上一轮，无需承接。", file=sys.stderr)
            return 0
        carried = carry_over(analyse(root), previous.id, new.record_id)
        for record in carried:
            print(record.path.relative_to(root).as_posix())
        print(analysis.vocab.fill("承接了 {id} 未完成的{measure} {count} 项（新措施的“{keys[carried_from]}”指向原措施）。",
                                  id=previous.id, count=len(carried)), file=sys.stderr)
    return 0


def _carry_over_dry_run(analysis) -> int:
    """What --carry-over would take from the latest round; writes nothing."""
    from taizhang.scaffold import unfinished_measures

    vocab, previous = analysis.vocab, analysis.ledger.current_round
    if previous is None:
        print("没有上一轮，无需承接。（--dry-run：没有写入任何文件）")
        return 0
    measures = unfinished_measures(analysis, previous.id)
    print(vocab.fill("将承接 {id}（{title}）未完成的{measure} {count} 项：", id=previous.id, title=previous.title,
                     count=len(measures)))
    for m in measures:
        kind = vocab.label("measure_types", m.measure_type) if m.measure_type else "—"
        status = vocab.label("statuses", m.status) if m.status else "—"
        deadline = vocab.long_term_deadline if m.long_term else (m.deadline.isoformat() if m.deadline else "—")
        print(f"  {m.id}  {kind}  {status}  {deadline}  {m.title}")
    print(vocab.fill("（--dry-run：没有写入任何文件；去掉 --dry-run 即新建{round}并承接以上措施）"))
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


EXPORT_FORMATS = [d.format for d in DOWNLOADS]
# A file name's extension -> the format it names (the schema is .json too: only by --format).
FORMAT_OF_EXTENSION = {Path(d.uri).suffix[1:]: d.format for d in DOWNLOADS if Path(d.uri).suffix[1:] == d.format}


def export_format(output: str | None, given: str | None) -> str:
    """The export format: from --format, else from the output file's extension."""
    suffix = Path(output).suffix.lower().lstrip(".") if output not in (None, "-") else ""
    if output in (None, "-"):
        if not given:
            raise UsageError(f"输出到标准输出时须用 --format 指定格式（{'/'.join(EXPORT_FORMATS)}）")
        return given
    if given and suffix in FORMAT_OF_EXTENSION and FORMAT_OF_EXTENSION[suffix] != given:
        raise UsageError(f"输出文件的扩展名 .{suffix} 与 --format {given} 不一致")
    if given:
        return given
    if suffix not in FORMAT_OF_EXTENSION:
        names = "、".join(f".{e}" for e in FORMAT_OF_EXTENSION)
        raise UsageError(f"无法从文件名“{output}”看出格式：扩展名应为 {names} 之一，或用 --format 指定")
    return FORMAT_OF_EXTENSION[suffix]


def cmd_export(args) -> int:
    from taizhang.fsutil import write_new
    from taizhang.export.files import build_download
    from taizhang.views import Scope

    fmt = export_format(args.output, args.format)
    root = project_root(args.dir)
    analysis = analyse(root)
    if analysis.errors:
        print(f"台账有 {len(analysis.errors)} 个错误，先运行 taizhang check 改正后再导出。", file=sys.stderr)
        return 1
    ledger = analysis.ledger
    data = build_download(ledger, Scope(ledger, ledger.current_round), fmt)
    if args.output in (None, "-"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return 0
    write_new(Path(args.output), data, replace=args.force)
    print(args.output)
    return 0


def cmd_due(args) -> int:
    from taizhang.export.due import due_report

    analysis = analyse(project_root(args.dir), today=args.today)
    print(due_report(analysis.ledger, args.days, markdown=args.format == "markdown"), end="")
    return 0


def cmd_archive(args) -> int:
    from taizhang.archive import archive_round

    done = archive_round(project_root(args.dir), args.round, force=args.force, alias_type=args.alias_type,
                         push=args.push, engine=args.engine)
    print(f"已归档 {done.version}（{done.title}），并设为 latest 和默认版本。")
    if done.pushed_to:
        print(f"已把 gh-pages 分支推送到 {done.pushed_to}。")
    else:
        print("gh-pages 分支只在本地；发布时加 --push（或运行 git push origin gh-pages）。")
    return 0


def cmd_archive_export(args) -> int:
    from taizhang.archive import export_archive

    names = export_archive(project_root(args.dir), Path(args.target), force=args.force)
    print(f"已写入 {args.target}：{'、'.join(names)}")
    return 0


def cmd_render(args) -> int:
    from taizhang.source import render_source

    done = render_source(project_root(args.dir), Path(args.target), force=args.force)
    for path in done.skipped:
        print(f"docs/{path} 是指向项目之外的符号链接，没有写入", file=sys.stderr)
    print(f"已写入 {args.target}：{done.pages} 个生成的页面、{done.downloads} 个下载文件和 mkdocs.yml（不需要 hooks）。"
          f"在该目录中运行 mkdocs build、properdocs build 或 zensical build 生成网站。")
    return 0


def cmd_engine(args) -> int:
    """`taizhang build` / `taizhang serve`: MkDocs with its console in Chinese (console.run_engine)."""
    from taizhang.console import run_engine
    from taizhang.vocabulary import load_vocabulary

    root = find_root(Path(args.dir))
    config = Path(args.config_file).resolve() if args.config_file else root / "mkdocs.yml"
    vocab = load_vocabulary(root if (root / RECORDS_DIR).is_dir() else None)
    if not config.is_file():
        raise NotAProject(vocab.phrase("engine_no_config", config=config))
    arguments = [args.command, "-f", str(config)]
    arguments += ["--strict"] if args.strict else []
    arguments += ["--dirty"] if args.dirty else []
    if args.command == "build" and args.site_dir:
        arguments += ["-d", str(Path(args.site_dir).resolve())]
    if args.command == "serve" and args.dev_addr:
        arguments += ["-a", args.dev_addr]
    return run_engine(arguments, vocab, cwd=config.parent)


def cmd_import(args) -> int:
    from taizhang.importing.run import import_file

    root = project_root(args.dir)
    source = Path(args.file)
    if not source.is_file():
        print(f"没有导入：找不到文件 {source}", file=sys.stderr)
        return 2
    analysis = analyse(root)
    tree, folder = import_file(analysis, source, folder=args.folder, dry_run=args.dry_run)
    print(tree, end="")
    if folder is not None:
        print(analysis.vocab.fill("已写入 {folder}/（全部为{keys[draft]}，请补全后删除“{keys[draft]}: {phrases[yes]}”）",
                         folder=folder.relative_to(root).as_posix()))
    return 0


def cmd_gather(args) -> int:
    from taizhang.gather import build_site, gather
    from taizhang.gather.schema import READABLE_VERSIONS
    from taizhang.vocabulary import load_vocabulary

    done = gather(args.sources, Path(args.output), today=args.today, title=args.title, config_dir=Path(args.dir))
    overview = done.overview
    overview_vocab = load_vocabulary(Path(args.dir))
    for issue in overview.issues:
        what = issue.effect or overview_vocab.phrase("overview_excluded_short" if issue.fatal else "overview_included_unsure_short")
        print(f"{issue.source.name or issue.source.location}：{issue.reason}（{what}）", file=sys.stderr)
    versions = "、".join(str(v) for v in READABLE_VERSIONS)
    print(f"汇总了 {len(overview.units)} 个单位、{overview.records} 条记录（读取 records.json 数据格式版本 {versions}），"
          f"{len(overview.issues)} 个数据问题；已写入 {args.output}", file=sys.stderr)
    if not args.build:
        print(f"生成网站：taizhang build --strict --dir {args.output}", file=sys.stderr)
        return 0
    result = build_site(done.out_dir, offline=args.offline)
    if result.returncode != 0:
        from taizhang.console import speak
        from taizhang.vocabulary import load_vocabulary
        vocab = load_vocabulary(Path(args.dir))
        said = (speak(line, vocab) for line in result.stderr[-3000:].splitlines())   # MkDocs' lines, in Chinese
        print("\n".join(line for line in said if line is not None), file=sys.stderr)
        print("总览网站构建失败（见上）。", file=sys.stderr)
        return 1
    print(f"网站已生成：{Path(args.output) / 'site' / 'index.html'}", file=sys.stderr)
    return 0


# What a failed command says first: nothing was changed.
FAILURE_LEADS = {cmd_new: "没有新建记录：", cmd_diff: "无法读取 Git 版本：", cmd_export: "没有导出：",
                 cmd_archive: "没有归档：", cmd_archive_export: "没有导出：", cmd_import: "没有导入：",
                 cmd_gather: "没有汇总：", cmd_render: "没有生成："}

# Short names a kind may also be typed as while its label is the default one;
# the kind's label (from the vocabulary or taizhang.yml) is always accepted.
KIND_SHORT_NAMES = {"round": ["轮次"], "feedback": ["反馈"], "problem": ["问题"], "cause": ["原因"], "measure": ["措施"]}

# `taizhang new KIND` options, one per field: field -> (metavar, may repeat, help or None for the
# vocabulary's help). A kind gets the option of every field it has; the flag is scaffold.OPTION_NAMES'.
# Metavars and help name the vocabulary's words as its phrases do ({keys[id]}, {problem} …).
NEW_OPTIONS = {
    "title": ("{keys[title]}", False, None),
    "team": ("{keys[team]}", False, None),
    "inspected": ("单位", False, None),
    "feedback_date": ("日期", False, "{keys[team]}反馈意见的日期 YYYY-MM-DD"),
    "areas": ("序号=名称", True, "{keys[areas]}，写成 序号=名称，如 一=落实……{keys[area]}"),
    "round": ("{keys[id]}", False, None),
    "area": ("序号", False, None),
    "quote": ("原文", False, None),
    "feedback": ("{keys[id]}", True, None),
    "causes": ("{keys[id]}", True, None),
    "problems": ("{keys[id]}", True, None),
    "addresses_causes": ("{keys[id]}", True, None),
    "leader": ("姓名", True, None),
    "unit": ("单位", True, None),
    "owner": ("姓名", True, None),
    "deadline": ("日期", False, None),
    "measure_type": ("类型", False, None),
    "recurs_from": ("{keys[id]}", True, "{phrases[page_recurrences]}：前轮中同一{feedback}或{problem}的{keys[id]}（写入“{keys[recurs_from]}”）"),
}


def _fields_for_new(vocab, kind: str) -> list[str]:
    return [name for name in vocab.fields_of(kind) if name in NEW_OPTIONS]


NEW_KINDS = {}  # kind -> the fields its `new` sub-parser takes; filled by add_new_kinds


def add_new_parsers(sub, vocab):
    """`taizhang new`; its kinds are added by add_new_kinds (they need the vocabulary)."""
    new = sub.add_parser("new", help=vocab.fill("新建一条记录（自动取下一个{keys[id]}，不覆盖已有文件）"),
                         description=vocab.fill("新建一条记录：自动取下一个{keys[id]}，不覆盖已有文件。"
                                                "用 taizhang new {keys[kind]} --help 查看该{keys[kind]}的选项。"))
    return new.add_subparsers(dest="kind", required=True, metavar=vocab.key("kind"))


def _new_vocabulary(argv: list[str] | None):
    """The vocabulary the help speaks: the project's (its taizhang.yml, found
    from --dir or the current folder), else the defaults. A broken taizhang.yml
    is a configuration error (reported by main) even for --help."""
    from taizhang.vocabulary import load_vocabulary

    args = argv or []
    start = next((a.split("=", 1)[1] for a in args if a.startswith("--dir=")), None) or \
        next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--dir"), ".")
    root = find_root(Path(start))
    return load_vocabulary(root if (root / RECORDS_DIR).is_dir() else None)


def add_new_kinds(kinds, vocab) -> None:
    """`taizhang new KIND`: one sub-parser per kind, its required options listed first."""
    from taizhang.scaffold import DEFAULTED, OPTION_NAMES
    from taizhang.vocabulary import load_vocabulary

    defaults_vocab = load_vocabulary()
    for kind, info in vocab.kinds.items():
        label = vocab.kind_label(kind)
        aliases = [label] + (KIND_SHORT_NAMES.get(kind, []) if label == defaults_vocab.kind_label(kind) else [])
        parser = kinds.add_parser(kind, aliases=[a for a in dict.fromkeys(aliases) if a != kind], help=f"新建{label}",
                                  description=f"新建一条{label}记录，写入 records/{info.folder}/。")
        required = parser.add_argument_group("必填")
        optional = parser.add_argument_group("可选")
        defaults = DEFAULTED.get(kind, {})
        fields = _fields_for_new(vocab, kind)
        for name in fields:
            metavar, repeat, text = NEW_OPTIONS[name]
            metavar = vocab.fill(metavar)
            text = vocab.fill(text) if text else vocab.fields[name].help
            must = name in vocab.required[kind] and name not in defaults
            if name in defaults:
                text += f"；默认{vocab.fill(defaults[name])}"
            if repeat:
                text += "；可多次"
            group = required if must else optional
            group.add_argument(OPTION_NAMES[name], dest=name, metavar=metavar,
                               help=("（必填）" if must else "") + text,
                               **({"action": "append", "default": []} if repeat else {}))
        if kind == "round":
            optional.add_argument("--carry-over", action="store_true",
                                  help=vocab.fill("把上一轮全部未完成的{measure}（任何类型）承接为本轮的新{measure}"
                                                  "（写“{keys[carried_from]}”）"))
            optional.add_argument("--dry-run", action="store_true",
                                  help=vocab.fill("只列出 --carry-over 将承接的{measure}，不写任何文件"))
        optional.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
        parser.set_defaults(func=cmd_new, kind=kind)
        NEW_KINDS[kind] = fields


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the arguments, only what they can reach is built."""
    vocab = _new_vocabulary(argv)   # the project's words, for the help
    parser = ChineseParser(prog="taizhang", description=vocab.fill("巡视{phrases[sheet_ledger]}工具"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    check = sub.add_parser("check", help="检查台账记录，列出所有问题")
    check.add_argument("path", nargs="?", default=".", metavar="目录", help="项目目录（含 records/），默认当前目录")
    check.add_argument("--strict", action="store_true", help="警告也算失败")
    check.add_argument("--submit", action="store_true",
                       help=vocab.fill("提交台账时用：{keys[draft]}记录（{keys[draft]}: {phrases[yes]}）及其缺少的内容都算错误"))
    check.add_argument("--today", type=_date, metavar="日期", help=vocab.fill("按此日期计算{lights[red]}（YYYY-MM-DD）"))
    check.set_defaults(func=cmd_check)

    new_kinds = add_new_parsers(sub, vocab)

    diff = sub.add_parser("diff", help="汇总台账的变化（供合并请求审核）",
                          description="汇总台账的变化。不写版本时，比较工作区（含未提交和未跟踪的记录）与 HEAD；"
                                      "写一个版本时，比较该版本与 HEAD。")
    diff.add_argument("base", nargs="?", metavar="基准版本", help="如 origin/main；不写则比较工作区与 HEAD")
    diff.add_argument("head", nargs="?", default="HEAD", metavar="新版本", help="默认 HEAD")
    diff.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    diff.set_defaults(func=cmd_diff)

    csp = sub.add_parser("csp", help="为生成好的网站计算内容安全策略（Content-Security-Policy）")
    csp.add_argument("site", nargs="?", default="site", metavar="网站目录", help="默认 site")
    csp.add_argument("--nginx", action="store_true", help="输出 nginx 的 add_header 配置行")
    csp.set_defaults(func=cmd_csp)

    export = sub.add_parser("export", help=vocab.fill("导出{phrases[sheet_ledger]}（xlsx/csv/json）或进展通报（docx）"),
                            description=vocab.fill("导出{phrases[sheet_ledger]}或进展通报。格式按输出文件的扩展名确定。"))
    export.add_argument("-o", "--output", metavar="文件",
                        help="输出文件，扩展名 .xlsx/.csv/.json/.docx 决定格式；不写或写 - 则输出到标准输出（须加 --format）")
    export.add_argument("--format", choices=EXPORT_FORMATS, metavar="格式",
                        help=f"文件格式（{'/'.join(EXPORT_FORMATS)}，schema 为 JSON 数据的结构说明）；默认按扩展名")
    export.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    export.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    export.set_defaults(func=cmd_export)

    due = sub.add_parser("due", help=vocab.fill("列出{lights[red]}和即将到期的{measure}（按{keys[unit]}，{lights[red]}多的在前）"))
    due.add_argument("--days", type=int, default=7, metavar="天数", help="多少天内到期，默认 7")
    due.add_argument("--format", choices=["text", "markdown"], default="text", metavar="格式",
                     help="输出格式：text（默认）或 markdown")
    due.add_argument("--today", type=_date, metavar="日期", help="按此日期计算（YYYY-MM-DD）")
    due.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    due.set_defaults(func=cmd_due)

    imp = sub.add_parser("import", help=vocab.fill("把整改方案、对照检查材料或台账（.docx/.xlsx/.csv/.txt/.md）导入为{keys[draft]}记录"))
    imp.add_argument("file", metavar="文件", help="要导入的文件")
    imp.add_argument("--dry-run", action="store_true", help="只显示识别出的结构，不写文件")
    imp.add_argument("--folder", metavar="文件夹", help="写入 records/ 下的这个新文件夹（默认 import-文件名）")
    imp.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    imp.set_defaults(func=cmd_import)

    archive = sub.add_parser("archive", help=vocab.fill("把一个{round}归档为网站的一个版本（mike）"))
    archive.add_argument("round", metavar=vocab.key("round"), help=vocab.fill("{keys[round]}{keys[id]}，如 LC-001"))
    archive.add_argument("--force", action="store_true", help=vocab.fill("该{keys[round]}已归档时重新归档"))
    archive.add_argument("--alias-type", choices=["copy", "redirect", "symlink"], default="copy", metavar="形式",
                         help="latest 别名的形式：copy（默认，复制，任何服务器都能用）、redirect 或 symlink")
    archive.add_argument("--push", nargs="?", const="origin", metavar="远程仓库",
                         help="归档后把 gh-pages 分支推送到该远程仓库（不写名称时为 origin）；默认不推送")
    archive.add_argument("--engine", choices=["mkdocs", "properdocs", "zensical"], default="mkdocs", metavar="引擎",
                         help="构建网站的引擎：mkdocs（默认）、properdocs 或 zensical（见 README“长期维护”）")
    archive.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    archive.set_defaults(func=cmd_archive)

    export_all = sub.add_parser("archive-export", help="把全部归档写成普通文件夹（供 nginx/IIS 发布）")
    export_all.add_argument("target", metavar="目标文件夹", help="写入的文件夹")
    export_all.add_argument("--force", action="store_true", help="目标文件夹已有内容时替换")
    export_all.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    export_all.set_defaults(func=cmd_archive_export)

    render = sub.add_parser("render", help="把整个网站的源文件（全部页面、下载文件和配置）写成普通文件夹，"
                                           "任何引擎不用 hooks 即可构建（Zensical 用它）")
    render.add_argument("target", metavar="目标文件夹", help="写入的文件夹（新文件夹或空文件夹）")
    render.add_argument("--force", action="store_true", help="目标文件夹已有内容时替换")
    render.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
    render.set_defaults(func=cmd_render)

    for name in ("build", "serve"):
        engine = sub.add_parser(name, help=vocab.phrase(f"engine_{name}"))
        engine.add_argument("--strict", action="store_true", help=vocab.phrase("engine_strict"))
        engine.add_argument("--dirty", action="store_true", help=vocab.phrase(f"engine_dirty_{name}"))
        if name == "build":
            engine.add_argument("-d", "--site-dir", metavar="文件夹", help=vocab.phrase("engine_site_dir"))
        else:
            engine.add_argument("-a", "--dev-addr", metavar="地址:端口", help=vocab.phrase("engine_dev_addr"))
        engine.add_argument("-f", "--config-file", metavar="文件", help=vocab.phrase("engine_config_file"))
        engine.add_argument("--dir", default=".", metavar="目录", help="项目目录，默认当前目录")
        engine.set_defaults(func=cmd_engine)

    gather = sub.add_parser("gather", help="汇总多个单位的台账，生成督查总览网站（MkDocs 项目）")
    gather.add_argument("sources", nargs="+", metavar="来源",
                        help="来源清单（.yml），或单位的网站文件夹、records.json、台账仓库的路径，可多个")
    gather.add_argument("-o", "--output", required=True, metavar="文件夹", help="输出文件夹（新文件夹，或以前汇总生成的文件夹）")
    gather.add_argument("--title", metavar="标题", help="总览标题（默认取来源清单的“标题”，或“整改督查总览”）")
    gather.add_argument("--today", type=_date, metavar="日期", help=vocab.fill("{keys[as_of]}，按此日期计算{lights[red]}和{lights[yellow]}（YYYY-MM-DD）"))
    gather.add_argument("--build", action="store_true", help="汇总后接着以严格模式构建网站（有警告即失败），生成 site/")
    gather.add_argument("--offline", action="store_true", help="与 --build 同用：生成可直接用浏览器打开的离线版")
    gather.add_argument("--dir", default=".", metavar="目录",
                        help="读取此目录中的 taizhang.yml（用语、各表的列），默认当前目录；没有则用默认词表")
    gather.set_defaults(func=cmd_gather)
    # The kinds of `new` read the vocabulary and the scaffold module: only when the
    # command line may reach them (no argv: the whole parser, as for help or tests).
    command = argv[0] if argv else None
    if command not in sub.choices or sub.choices[command] is sub.choices["new"]:
        add_new_kinds(new_kinds, vocab)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = build_parser(argv)   # its help reads the project's taizhang.yml
    except ConfigError as exc:
        print("配置错误：" + exc.format(), file=sys.stderr)
        return exc.exit_code
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except TaizhangError as exc:   # the one place a user-fixable failure is reported
        lead = "配置错误：" if isinstance(exc, (ConfigError, TodayError)) else FAILURE_LEADS.get(args.func, "")
        print(lead + exc.format(), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
