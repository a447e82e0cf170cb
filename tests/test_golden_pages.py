"""Golden tests of generated outputs, rendered by the core without MkDocs.

Each case under tests/golden/pages/<case>/ holds records/, an optional
taizhang.yml, an optional case.yml (use_directory_urls: false) and expected/:
the generated Markdown of every page plus the CSV, the JSON and its schema.
Any change of wording or structure shows as a diff here. After a deliberate
change, refresh the expected files and review them in `git diff`:

    TAIZHANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_pages.py
"""

from __future__ import annotations

import difflib
import functools
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import GOLDEN, copy_project, env, run_cli
from taizhang.export.due import due_report
from taizhang.export.files import build_download
from taizhang.project import analyse
from taizhang.render.site import render_site
from taizhang.views import DOWNLOADS, Scope
from taizhang.vocabulary import load_vocabulary

CASES = sorted(p for p in (GOLDEN / "pages").iterdir() if p.is_dir())
UPDATE = os.environ.get("TAIZHANG_UPDATE_GOLDEN") == "1"
TEXT_DOWNLOADS = ("csv", "json", "schema")


def generated(case: Path) -> dict[str, bytes]:
    """Every page's Markdown and the text downloads, by path under expected/."""
    config = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8")) if (case / "case.yml").is_file() else {}
    analysis = analyse(case)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    site = render_site(analysis, dir_urls=config.get("use_directory_urls", True))
    out = {f"pages/{uri}": text.encode("utf-8") for uri, text in site.pages.items()}
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    for d in DOWNLOADS:
        if d.format in TEXT_DOWNLOADS:
            out[d.uri] = build_download(ledger, scope, d.format)
    return out


def _expected(case: Path) -> dict[str, bytes]:
    folder = case / "expected"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_generated_outputs_match_golden(case):
    got = generated(case)
    if UPDATE:
        shutil.rmtree(case / "expected", ignore_errors=True)
        for rel, data in got.items():
            (case / "expected" / rel).parent.mkdir(parents=True, exist_ok=True)
            (case / "expected" / rel).write_bytes(data)
    want = _expected(case)
    assert sorted(got) == sorted(want), "pages added or removed: refresh with TAIZHANG_UPDATE_GOLDEN=1 and review"
    for rel in want:
        if got[rel] != want[rel]:
            diff = "".join(difflib.unified_diff(want[rel].decode("utf-8").splitlines(True),
                                                got[rel].decode("utf-8").splitlines(True), f"expected/{rel}", "generated"))
            pytest.fail(f"{case.name}: {rel} differs (TAIZHANG_UPDATE_GOLDEN=1 refreshes):\n{diff[:6000]}")


def test_flat_urls_case_links_html_files():
    pages = _expected(GOLDEN / "pages" / "flat-urls")
    index = pages["pages/index.md"].decode("utf-8")
    assert 'href="measures/CS-001/index.html"' in index and 'href="measures/CS-001/"' not in index
    # Every page is a folder's index.md: links from its URL and from its source file are the same.
    record = pages["pages/measures/CS-002/index.md"].decode("utf-8")
    assert 'href="../../problems/WT-001/index.html"' in record


# -- the renamed vocabulary ---------------------------------------------------------

# Fixed words of pages, sheets, the report and the summaries (phrases of
# vocabulary.yml) that are no label of a kind, status, light, type, phase or
# field: the renamed case renames every phrase holding one of them, so none may
# be left in any output. Everyday words that also stand in Material's own
# interface or in record text (下载, 说明, 状态) are not searched for.
MOVED_WORDS = (
    "完成率", "承接前轮", "转入后续", "归档", "网页版", "最新进展", "总体进展", "存在的问题和不足", "关联记录", "修改记录",
    "具体表现", "措施内容", "自查发现", "筛选", "填报单位", "截至日期", "纸质或未上传", "原措施", "待补全", "同上",
    "序号", "提示", "屡查屡犯", "承接事项", "各轮概览", "对照表", "销号清单", "问题清单", "任务清单", "责任清单",
    "整改台账", "整改工作总览",
)


@functools.lru_cache(maxsize=1)
def _default_labels() -> frozenset[str]:
    """Every default kind, status, measure type, phase, nature and light label,
    every field and sub-field key, the lists' column words, the page and sheet
    titles and MOVED_WORDS: what the renamed case renames."""
    vocab = load_vocabulary()
    labels = {v.label for group in ("statuses", "measure_types", "phases", "lights") for v in vocab.enums[group].values()}
    labels.add(vocab.label("natures", "declaration"))
    labels |= {k.label for k in vocab.kinds.values()}
    labels |= {f.key for f in vocab.fields.values()}
    # Sub-keys (日期, 内容, 名称, 文件) are renamed in the case's records too, but
    # outputs never print them and they are everyday words: not searched for.
    labels |= {vocab.phrase(p) for p in ("reconcile_result", "signoff_header", "measure_count", "completion_header",
                                         "row_number", "light_header")}
    labels |= {vocab.phrase(p) for p in vocab.phrases if p.startswith(("page_", "sheet_")) and "{" not in vocab.phrases[p]}
    labels |= set(MOVED_WORDS)
    labels.add(vocab.long_term_deadline)
    for group in ("statuses",):
        for value in vocab.enums[group].values():
            labels |= set(value.aliases)
    return frozenset(labels)


def _office_text(case: Path) -> dict[str, str]:
    import docx
    import openpyxl
    analysis = analyse(case)
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    book = openpyxl.load_workbook(io.BytesIO(build_download(ledger, scope, "xlsx")))
    cells = "\n".join(f"{ws.title}: {c.value}" for ws in book.worksheets for row in ws.iter_rows() for c in row
                      if c.value is not None)
    document = docx.Document(io.BytesIO(build_download(ledger, scope, "docx")))
    return {"整改台账.xlsx": cells, "report.docx": "\n".join(p.text for p in document.paragraphs),
            "taizhang due": due_report(ledger, 30) + due_report(ledger, 30, markdown=True),
            "taizhang check": "\n".join(p.format() for p in analysis.problems)}


def test_renamed_vocabulary_leaves_no_default_label_in_any_output():
    case = GOLDEN / "pages" / "renamed"
    outputs = {rel: data.decode("utf-8") for rel, data in generated(case).items()}
    outputs.update(_office_text(case))
    found = {name: left for name, text in outputs.items() if (left := _leftovers(text))}
    assert not found, found


def test_renamed_vocabulary_reaches_the_built_site_and_the_command_line(tmp_path):
    """The renamed case built by the real mkdocs (every page, the search index,
    every download) and the command line's help, run in the project."""
    case = GOLDEN / "pages" / "renamed"
    root = copy_project(tmp_path / "p", records=case / "records")
    shutil.copy2(case / "taizhang.yml", root / "taizhang.yml")
    # docs/ is the unit's own writing (its guide, its evidence files), in its own words.
    shutil.rmtree(root / "docs" / "evidence")
    (root / "docs" / "guide.md").write_text("# 说明\n\n本单位自己写的说明。\n", encoding="utf-8")
    # So is mkdocs.yml: the site's name and the navigation's section titles.
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    for old, new in (("巡视整改台账", "督导落实账本"), ("对账销号", "比对核销")):
        assert old in config
        config = config.replace(old, new)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    # Not --strict: the case keeps a problem without measures, a checker warning.
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    outputs = {"mkdocs build": result.stderr}
    site = root / "site"
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("assets/") and rel != "assets/taizhang.js" or not path.is_file():
            continue     # the theme's own files (Material's words, not ours); taizhang.js is ours
        if path.suffix in (".html", ".json", ".csv", ".xml", ".js", ".txt"):
            outputs[rel] = path.read_text(encoding="utf-8")
    office = _office_files(site)
    assert {Path(name).suffix for name in office} == {".xlsx", ".docx"}, sorted(office)
    outputs.update(office)
    vocab = load_vocabulary(case)
    helps = [["--help"], ["new", "--help"], *[["new", k, "--help"] for k in vocab.kinds],
             *[["new", vocab.kind_label(k), "--help"] for k in vocab.kinds],
             *[[c, "--help"] for c in ("check", "diff", "export", "due", "import", "archive", "archive-export",
                                       "render", "csp", "gather", "build", "serve")]]
    for args in helps:
        shown = run_cli(*args, cwd=root)
        assert shown.returncode == 0, (args, shown.stderr)
        # The commands' own words that only look like vocabulary words: 归档 is what
        # `archive` does, 序号 the area's ordinal (--area 序号=名称), 来源 and 标题
        # the sources and the title `gather` is given (its 来源清单's keys).
        text = shown.stdout
        for own in ("归档", "序号", "来源", "标题"):
            text = text.replace(own, "")
        outputs["taizhang " + " ".join(args)] = text
    # What the commands say as they work: the check's summary, the carry-over preview, an archive refused.
    for args, code in ((["check", "."], 0), (["new", "round", "--dry-run"], 0), (["archive", "LC-999"], 2)):
        shown = run_cli(*args, cwd=root)
        assert shown.returncode == code, (args, shown.stdout, shown.stderr)
        outputs["taizhang " + " ".join(args)] = shown.stdout + shown.stderr
    assert "将承接 LC-001" in outputs["taizhang new round --dry-run"]
    assert any(vocab.kind_label("measure") in text for name, text in outputs.items() if name.startswith("taizhang new"))
    # page titles and sheet names are phrases too: in the navigation and the workbook
    assert re.search(r">\s*意见对应表\s*<", outputs["index.html"]) and re.search(r">\s*举措清单\s*<", outputs["index.html"])
    assert "举措清单: " in outputs["taizhang.xlsx"] and "任务清单" not in outputs["taizhang.xlsx"]
    outputs.update(_gathered(root, tmp_path / "overview"))
    found = {name: left for name, text in outputs.items() if (left := _leftovers(text))}
    assert not found, found


def _gathered(root: Path, out: Path) -> dict[str, str]:
    """The 督查总览 of the renamed unit's built site, gathered with its taizhang.yml
    (`gather --dir`): every page of the built overview site and every sheet of
    its workbook. The unit's name (its 被巡视单位) and the paths are the unit's own."""
    shown = run_cli("gather", str(root / "site"), "-o", str(out), "--dir", str(root), "--build", cwd=root)
    assert shown.returncode == 0, shown.stderr
    outputs = {"taizhang gather": shown.stderr}
    for path in sorted((out / "site").rglob("*")):
        rel = path.relative_to(out / "site").as_posix()
        if rel.startswith("assets/") and rel != "assets/taizhang.js" or not path.is_file():
            continue
        if path.suffix in (".html", ".json", ".xml", ".js", ".txt"):
            outputs["overview " + rel] = path.read_text(encoding="utf-8")
    outputs["overview mkdocs.yml"] = (out / "mkdocs.yml").read_text(encoding="utf-8")
    books = sorted((out / "site").rglob("*.xlsx"))
    assert books, "the overview's workbook"
    outputs.update({"overview " + name: text for name, text in _office_files(out / "site").items()})
    return outputs


def _office_files(site: Path) -> dict[str, str]:
    """The text of every xlsx and docx the site offers for download."""
    import docx
    import openpyxl
    out = {}
    for path in sorted(site.rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        out[path.name] = "\n".join(f"{ws.title}: {c.value}" for ws in book.worksheets for row in ws.iter_rows()
                                   for c in row if c.value is not None)
    for path in sorted(site.rglob("*.docx")):
        document = docx.Document(str(path))
        texts = [p.text for p in document.paragraphs]
        texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        texts += [p.text for section in document.sections for part in (section.header, section.footer)
                  for p in part.paragraphs]
        out[path.name] = "\n".join(texts)
    return out


def _leftovers(text: str) -> list[str]:
    """Default labels still in `text`."""
    return sorted(label for label in _default_labels() if label in text)


def test_renamed_vocabulary_reaches_the_pull_request_summary(tmp_path):
    from taizhang.diff import render_summary
    case = GOLDEN / "pages" / "renamed"
    before = analyse(case)
    changed = tmp_path / "renamed"
    shutil.copytree(case, changed, ignore=shutil.ignore_patterns("expected"))
    path = changed / "records/measures/CS-002.md"
    text = path.read_text(encoding="utf-8")
    for old, new in (("推进情况: 正在推进", "推进情况: 大体完成"), ("办结期限: 2024-02-20", "办结期限: 2024-04-20"),
                     ("    情况: 已开一次\n", "    情况: 已开一次\n  - 时间: 2024-02-25\n    情况: 又开一次\n"),
                     ("经办人: 李某", "经办人: 李某某")):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + "", encoding="utf-8")
    summary = render_summary(before, analyse(changed), "main", "HEAD")
    assert "### 状态变化（1）" in summary and "### 办结期限变化（1）" in summary
    assert "### 新增工作动态（1）" in summary and "CS-002 开展专题研讨：经办人" in summary
    assert "### 其余改动（1）" in summary and "其他修改" not in summary     # the summary's own words are phrases
    assert _leftovers(summary) == []


def test_renamed_vocabulary_reaches_the_checker_messages(tmp_path):
    """Messages that name vocabulary words (长期坚持, 基本完成（持续整改）, 草稿, 轮次,
    整改时限 …) say the project's words: records of the renamed case broken on purpose."""
    case = GOLDEN / "pages" / "renamed"
    changed = tmp_path / "renamed"
    shutil.copytree(case, changed, ignore=shutil.ignore_patterns("expected"))
    edits = {
        "measures/CS-003.md": ("推进情况: 大体完成\n", "推进情况: 已经核销\n办结日期: 2024-02-01\n核销人: 整改办\n"
                                                    "核销日期: 2024-02-02\n支撑材料:\n  - 材料名: 调研制度\n"),
        "measures/CS-004.md": ("办结期限: 2024-03-05\n", "办结期限: 2023-12-01\n延后期限: 2024-05-01\n"),
        "problems/WT-002.md": ("推进情况: 正在推进\n", "推进情况: 正在推进\n暂存: 是\n"),
        "feedback/FK-002.md": ("板块: 二\n", "板块: 九\n"),
        "problems/WT-003.md": ("记录种类: 自查事项\n", "记录种类: 自查事项\n上轮记录:\n  - WT-001\n"),
    }
    for rel, (old, new) in edits.items():
        path = changed / "records" / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, rel
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = analyse(changed, submit=True).problems     # as `taizhang check --submit`
    rules = {p.rule for p in problems}
    assert {"long-term-signoff-unassessed", "adjusted-needs-reason", "deadline-before-feedback", "draft-record",
            "unknown-area", "recur-not-earlier"} <= rules, sorted(rules)
    said = "\n".join(p.format() for p in problems)
    assert "常态推进的工作没有做完的一天" in said and "改回“大体完成”" in said
    assert "记录仍标为暂存（暂存: 是）" in said
    assert _leftovers(said) == [], said
