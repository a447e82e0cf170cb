"""The command line speaks Chinese everywhere, `new` helps per kind, and
`export` reads the format from the file name.

The sub-commands are discovered from the real parser, so a sub-command or
option added later is held to the same rules without touching this file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess

import openpyxl
import pytest

from conftest import REPO, copy_project, run_cli, tree_hash
from taizhang.cli import build_parser, main

TODAY = "2023-08-10"
# Two or more English words in a row: a sentence argparse (or we) left untranslated.
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,})+\b")
ARGPARSE_WORDS = re.compile(r"\b(usage|options|positional|arguments?|error|required|invalid|choices?|choose|"
                            r"expected|unrecognized|message|ambiguous|subcommands)\b", re.IGNORECASE)
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
COMMAND = re.compile(r"\b(?:mkdocs|git|pip|mike|pre-commit)[ \t]+[a-z-]+")  # a command line, not a sentence


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(argv prefix, parser) for the parser and every sub-parser below it; aliases once."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    yield from _parsers(sub, (*path, name))


PARSERS = list(_parsers(build_parser()))
COMMANDS = [path for path, _ in PARSERS]


def _wrong_invocations(path, parser):
    """A few ways to use this (sub-)command wrongly, derived from its own arguments."""
    yield [*path, "--no-such-option"]
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if subparsers:
        yield list(path)                                  # the command word is missing
        yield [*path, "no-such-command"]
        return
    positionals = [a for a in parser._actions if not a.option_strings]
    if any(a.nargs is None for a in positionals):
        yield list(path)                                  # a required positional is missing
    yield [*path, *["甲"] * (len(positionals) + 1)]       # one positional too many
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0:
            continue
        flag = action.option_strings[-1]
        yield [*path, flag]                               # the option's value is missing
        if action.choices is not None or action.type is not None:
            yield [*path, flag, "不可能的取值"]


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out + err


def _english(text: str, prog: str) -> list[str]:
    text = text.replace(prog, " ").replace("taizhang", " ")
    text = OPTION.sub(" ", text)
    text = COMMAND.sub(" ", text)
    return ENGLISH_SENTENCE.findall(text) + ARGPARSE_WORDS.findall(text)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "taizhang")
def test_help_is_chinese(path, capsys):
    parser = dict(PARSERS)[path]
    code, text = _run([*path, "--help"], capsys)
    assert code == 0
    assert text.startswith("用法：")
    assert "选项：" in text and "显示本帮助并退出" in text
    assert _english(text, parser.prog) == [], text
    for action in parser._actions:
        if action.help is not argparse.SUPPRESS and not isinstance(action, argparse._SubParsersAction):
            assert action.help and re.search(r"[\u4e00-\u9fff]", action.help), (path, action.dest)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "taizhang")
def test_wrong_invocations_are_chinese(path, capsys):
    parser = dict(PARSERS)[path]
    tried = 0
    for argv in _wrong_invocations(path, parser):
        code, text = _run(argv, capsys)
        assert code == 2, (argv, text)
        assert "错误：" in text, (argv, text)
        assert _english(text, parser.prog) == [], (argv, text)
        tried += 1
    assert tried >= 2


def test_argparse_messages_are_chinese_and_precise(capsys):
    assert "taizhang：错误：参数 命令：无效的取值“nope”（可选：check、new、diff、" in _run(["nope"], capsys)[1]
    assert "缺少必填参数：类别" in _run(["new"], capsys)[1]
    assert "参数 --days：无效的取值：'x'" in _run(["due", "--days", "x"], capsys)[1]
    assert "参数 --format：无效的取值“pdf”（可选：xlsx、csv、json、schema、docx）" in _run(["export", "--format", "pdf"], capsys)[1]
    assert "参数 --title：需要一个值" in _run(["new", "cause", "--title"], capsys)[1]
    # argparse itself is left as it was for anyone else in the process
    plain = argparse.ArgumentParser(prog="x")
    assert "usage:" in plain.format_help() and "show this help message" in plain.format_help()


def _help(capsys, *argv) -> dict[str, str]:
    """Section title -> its text, from `taizhang ... --help`."""
    code, text = _run([*argv, "--help"], capsys)
    assert code == 0
    sections = re.split(r"^(\S+)：\n", text, flags=re.MULTILINE)
    return dict(zip(sections[1::2], sections[2::2]))


def test_new_help_lists_each_kinds_options_required_first(capsys):
    measure = _help(capsys, "new", "measure")
    for flag in ("--title", "--problem", "--leader", "--unit", "--owner"):
        assert re.search(rf"^  {flag} \S+ +（必填）", measure["必填"], re.MULTILINE), flag
    for flag in ("--round", "--deadline", "--type", "--cause"):
        assert flag in measure["可选"] and flag not in measure["必填"]
    assert "默认所属轮次的整改时限" in measure["可选"]
    assert "--team" not in str(measure) and "--feedback" not in str(measure)

    rnd = _help(capsys, "new", "round")
    for flag in ("--title", "--team", "--inspected", "--feedback-date", "--deadline", "--area"):
        assert flag in rnd["必填"], flag
    assert "--carry-over" in rnd["可选"] and "--problem" not in str(rnd)

    cause = _help(capsys, "new", "原因")  # the Chinese alias shows the same parser
    assert cause["必填"].split() == ["--title", "标题", "（必填）一句话标题"]
    assert "--leader" not in str(cause)


def test_new_by_chinese_kind_alias_writes_the_record(tmp_path):
    project = copy_project(tmp_path / "p")
    result = run_cli("new", "原因", "--title", "学习教育不深入", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / result.stdout.strip()).read_text(encoding="utf-8").count("类别: 原因剖析") == 1


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("export"))


@pytest.mark.parametrize("name", ["整改台账.xlsx", "台账.CSV", "records.json", "通报.docx"])
def test_export_reads_the_format_from_the_extension(sample, name):
    result = run_cli("export", "-o", name, cwd=sample, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    data = (sample / name).read_bytes()
    suffix = name.rsplit(".", 1)[1].lower()
    if suffix == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet.max_row > 10
    elif suffix == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:4] == ["示例数据", "方面", "序号", "反馈问题"] and len(rows) > 5     # the sample ledger
    elif suffix == "json":
        assert json.loads(data)
    else:
        assert data[:2] == b"PK" and b"word/document.xml" in data


def test_export_format_to_stdout_and_clear_errors(sample):
    out = run_cli("export", "--format", "json", cwd=sample, TAIZHANG_TODAY=TODAY)
    assert out.returncode == 0 and json.loads(out.stdout)
    before = tree_hash(sample)
    for args, message in [
        (["-o", "台账.pdf"], "无法从文件名“台账.pdf”看出格式"),
        (["-o", "台账"], "扩展名应为 .xlsx、.csv、.json、.docx 之一"),
        (["-o", "台账.csv", "--format", "xlsx"], "扩展名 .csv 与 --format xlsx 不一致"),
        (["-o", "-"], "输出到标准输出时须用 --format 指定格式"),
    ]:
        result = run_cli("export", *args, cwd=sample, TAIZHANG_TODAY=TODAY)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    # an odd name with --format is the user's choice
    assert run_cli("export", "-o", "台账.bin", "--format", "csv", cwd=sample).returncode == 0
    assert set(tree_hash(sample)) - set(before) == {"台账.bin"}


def test_readme_uses_the_extension_form():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "taizhang export -o 整改台账.xlsx" in readme


def test_due_lists_units_with_most_overdue_first_then_most_due_soon(tmp_path):
    from test_git_workflow import init_repo
    from conftest import GOLDEN
    repo = init_repo(tmp_path / "ledger", GOLDEN / "base" / "records")
    for deadline, units in [("2023-08-01", ["乙单位", "丙单位", "丁单位"]), ("2023-08-05", ["乙单位"]),
                            ("2023-08-12", ["丙单位", "丁单位", "戊单位"]), ("2023-08-14", ["丙单位"])]:
        args = ["new", "measure", "--title", f"限 {deadline}", "--problem", "WT-001", "--leader", "甲领导",
                "--owner", "甲某", "--deadline", deadline, *[a for u in units for a in ("--unit", u)]]
        assert run_cli(*args, cwd=repo).returncode == 0
    text = run_cli("due", "--today", TODAY, cwd=repo).stdout
    headings = [line for line in text.splitlines() if line.endswith("项）")]
    # 丁 < 丙 < 乙 < 戊 by code point: name order would be the reverse of what matters
    assert headings == ["乙单位（逾期 2 项，即将到期 0 项）", "丙单位（逾期 1 项，即将到期 2 项）",
                        "丁单位（逾期 1 项，即将到期 1 项）", "戊单位（逾期 0 项，即将到期 1 项）"]
    markdown = run_cli("due", "--today", TODAY, "--format", "markdown", cwd=repo).stdout
    assert [line for line in markdown.splitlines() if line.startswith("### ")] == [f"### {h}" for h in headings]


def _build_folders(text: str) -> set[str]:
    """Every folder the text tells users to build into: mkdocs -d/--site-dir, and site/ by default."""
    folders = {"site"}
    for command in re.findall(r"mkdocs (?:build|gh-deploy)[^\n`]*", text):
        folders |= set(re.findall(r"(?:-d|--site-dir)[ =](\S+)", command))
        folders.discard("")
    return {f.rstrip("/") for f in folders if not f.startswith(("/", "~", "$"))}


def test_every_build_folder_the_docs_name_is_git_ignored():
    folders = set()
    for doc in ("README.md", "CONTRIBUTING.md"):
        folders |= _build_folders((REPO / doc).read_text(encoding="utf-8"))
    assert {"site", "site-offline"} <= folders
    for folder in sorted(folders):
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", f"{folder}/index.html"], cwd=REPO)
        assert ignored.returncode == 0, f"{folder}/ is not in .gitignore"
