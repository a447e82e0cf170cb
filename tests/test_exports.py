"""Exports read back with openpyxl, csv, json + jsonschema and python-docx."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import math
import re
import shutil
import zipfile

import docx
import frontmatter
import jsonschema
import openpyxl
import pytest

from conftest import REPO, copy_project, run_cli, tree_hash
from taizhang.vocabulary import load_vocabulary
from sitecheck import links_from, soup

MEASURES = {p["编号"]: p for p in (frontmatter.load(f) for f in sorted((REPO / "records").rglob("*.md")))
            if p["类别"] == "整改措施"}
HEADERS = ["序号", "反馈问题", "查摆问题（具体表现）", "整改措施", "责任领导", "责任单位", "责任人",
           "整改时限", "整改进展", "完成情况", "佐证材料"]
POSTS = [frontmatter.load(f) for f in sorted((REPO / "records").rglob("*.md"))]
FEEDBACK = sorted(p["编号"] for p in POSTS if p["类别"] == "反馈问题")
PROBLEMS = sorted(p["编号"] for p in POSTS if p["类别"] == "查摆问题" and p.get("性质") != "说明事项")
DECLARATIONS = sorted(p["编号"] for p in POSTS if p.get("性质") == "说明事项")


def _texts(value):
    return value if isinstance(value, list) else [value]


def expected_paths(posts) -> set[tuple[str, str, str]]:
    """(feedback, problem, measure) paths from the front matter itself."""
    problems = [p for p in posts if p["类别"] == "查摆问题" and p.get("性质") != "说明事项"]
    measures = [p for p in posts if p["类别"] == "整改措施"]
    paths = set()
    for f in (p for p in posts if p["类别"] == "反馈问题"):
        answering = [p for p in problems if f["编号"] in p.get("对应反馈", [])]
        if not answering:
            paths.add((f["编号"], "", ""))
        for p in answering:
            under = [m["编号"] for m in measures if p["编号"] in m["整改问题"]]
            paths |= {(f["编号"], p["编号"], m) for m in under} or {(f["编号"], p["编号"], "")}
    return paths


def _id(text) -> str:
    first = str(text or "").split(" ")[0].split("\n")[0]
    return first if "-" in first and first[:2].isalpha() else ""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    for fmt in ("xlsx", "csv", "json", "docx", "schema"):
        result = run_cli("export", "--format", fmt, "-o", str(out / f"ledger.{fmt}"), cwd=REPO)
        assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def ledger_sheet(exported):
    return openpyxl.load_workbook(exported / "ledger.xlsx")["整改台账"]


def sheet_rows(ws):
    """Data rows below the header, merged cells filled in from their top-left
    cell, area rows (merged across the sheet) left out."""
    values = {(c.row, c.column): c.value for row in ws.iter_rows(min_row=4) for c in row}
    area_rows = set()
    for rng in ws.merged_cells.ranges:
        top = values.get((rng.min_row, rng.min_col))
        if rng.min_col == 1 and rng.max_col == ws.max_column and rng.min_row == rng.max_row:
            area_rows.add(rng.min_row)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[(r, c)] = top
    return [[values.get((r, c)) for c in range(1, ws.max_column + 1)]
            for r in range(4, ws.max_row + 1) if r not in area_rows]


def test_workbook_layout(exported, ledger_sheet):
    wb = openpyxl.load_workbook(exported / "ledger.xlsx")
    assert wb.sheetnames == ["整改台账", "问题清单", "任务清单", "责任清单", "说明事项", "整改完成情况"]
    ws = ledger_sheet
    assert ws["A1"].value == "十一届省委第三轮巡视整改台账（示例数据）"       # sample data says so
    assert ws.oddHeader.center.text == "示例数据"                            # on every printed page too
    assert ws["A2"].value == "填报单位：中共XX市XX区委员会"
    # 截至日期 and the date in one cell as wide as it needs: never “###”
    assert ws["J2"].value == "截至日期：2023-08-10" and "J2:K2" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == HEADERS
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.auto_filter.ref == f"A3:K{ws.max_row}"
    # each sheet counts its own pages: the total is written, numbering starts at 1 on every sheet
    pages = len(ws.row_breaks.brk) + 1
    assert ws.oddFooter.center.text == f"第 &P 页 共 {pages} 页" and pages >= 2
    assert ws.page_setup.firstPageNumber == 1 and ws.page_setup.useFirstPageNumber
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws["D5"].alignment.wrap_text
    assert [c.value for c in ws[4]][0].startswith("一、落实党中央决策部署")
    # rows are automatic (heights are estimates the application may refit), never fixed
    with zipfile.ZipFile(exported / "ledger.xlsx") as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 6 and not any(b'customHeight="1"' in x for x in sheets)


def test_every_feedback_item_and_problem_has_its_rows(ledger_sheet, exported):
    rows = sheet_rows(ledger_sheet)
    assert sorted({_id(r[1]) for r in rows}) == FEEDBACK
    assert sorted({_id(r[2]) for r in rows if _id(r[2])}) == PROBLEMS
    assert not {_id(r[2]) for r in rows} & set(DECLARATIONS)
    paths = {(_id(r[1]), _id(r[2]), _id(r[3])) for r in rows}
    assert paths == expected_paths(POSTS)
    numbers = list(dict.fromkeys((r[0], _id(r[1])) for r in rows))
    assert [n for n, _ in numbers] == list(range(1, 18)) and all(isinstance(n, int) for n, _ in numbers)
    declarations = openpyxl.load_workbook(exported / "ledger.xlsx")["说明事项"]
    assert [r[2] for r in declarations.iter_rows(min_row=4, values_only=True)] == DECLARATIONS


def test_merged_cells_follow_the_nesting(ledger_sheet):
    merged = {str(r) for r in ledger_sheet.merged_cells.ranges}
    rows = list(range(4, ledger_sheet.max_row + 1))
    first_fk = {}
    for r in rows:
        value = ledger_sheet.cell(r, 2).value
        if value and _id(value):
            first_fk[_id(value)] = r
    # FK-007 is answered by WT-007 alone, which CS-003 and CS-005 address: two rows
    r = first_fk["FK-007"]
    assert {f"A{r}:A{r + 1}", f"B{r}:B{r + 1}", f"C{r}:C{r + 1}"} <= merged
    # FK-014 → WT-010 → CS-001, CS-006, CS-009: three rows under one problem
    r = first_fk["FK-014"]
    assert {f"A{r}:A{r + 2}", f"B{r}:B{r + 2}", f"C{r}:C{r + 2}"} <= merged
    assert not any(m.startswith(("D", "E", "F", "G", "H", "I", "J", "K")) and m.split(":")[0][1:] != m.split(":")[1][1:]
                   for m in merged)     # measure columns are never merged


def test_a_measure_is_written_in_full_once_then_同上(ledger_sheet):
    rows = [r for r in sheet_rows(ledger_sheet) if _id(r[3]) == "CS-003"]
    post = MEASURES["CS-003"]
    assert len(rows) == 6       # WT-005 (FK-005), WT-007 (FK-007/008/009), WT-012 (FK-016/017)
    assert post.content.split("\n")[-1].strip()[:20] in rows[0][3]
    for row in rows[1:]:
        assert row[3].startswith("CS-003 统筹兼顾\n同上（见序号 5）")
        assert row[8] == "同上（见序号 5）"
    for row in rows:     # the short columns stay in full on every row, so filters find them
        assert row[4] == "\n".join(_texts(post["责任领导"])) and row[5] == "\n".join(_texts(post["责任单位"]))
        assert row[6] == post["责任人"] and row[7].date() == dt.date(2023, 7, 31)
        assert row[9].startswith("正在整改\n逾期")


def test_cells_are_typed(exported, ledger_sheet):
    for row in sheet_rows(ledger_sheet):
        measure = MEASURES.get(_id(row[3]))
        if measure is None:
            continue
        deadline = measure["整改时限"]
        if deadline == "长期坚持":
            assert row[7] == "长期坚持"
        else:
            assert row[7].date() == deadline
    cells = [c for row in ledger_sheet.iter_rows(min_row=4, min_col=8, max_col=8) for c in row
             if isinstance(c.value, dt.datetime)]
    assert cells and all(c.number_format == "yyyy-mm-dd" for c in cells)
    wb = openpyxl.load_workbook(exported / "ledger.xlsx")
    resp = list(wb["责任清单"].iter_rows(min_row=4, values_only=True))
    # each leader and unit as a heading row, its measures (text, deadline, status, progress) under it
    heading = resp.index(("责任单位：区委编办（整改措施 1 项，已完成 0 项，逾期 0 项）",) + (None,) * 8)
    assert resp[heading + 1][:3] == (1, "CS-006", "坚持示范和监督并重")
    assert resp[heading + 1][5].date() == dt.date(2023, 8, 15) and resp[heading + 1][6] == "正在整改"
    assert resp[heading + 1][7].startswith("2023-08-05 ")
    tasks = list(wb["任务清单"].iter_rows(min_row=4, values_only=True))
    assert [t[0] for t in tasks] == list(range(1, 10)) and tasks[2][7].date() == dt.date(2023, 7, 31)


def test_every_cell_has_a_chinese_font(exported):
    """Read from the file's XML (openpyxl drops the style of merged cells on load)."""
    from lxml import etree
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(exported / "ledger.xlsx") as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        fonts = [f.find("m:name", ns).get("val") for f in styles.find("m:fonts", ns)]
        xf_fonts = [int(xf.get("fontId")) for xf in styles.find("m:cellXfs", ns)]
        sheets = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if n.startswith("xl/worksheets/sheet")]
    cells = [c for sheet in sheets for c in sheet.iter(f"{{{ns['m']}}}c")]
    assert len(cells) > 500
    for cell in cells:
        assert fonts[xf_fonts[int(cell.get("s", "0"))]] in ("宋体", "黑体"), cell.get("r")


def _fill(vocab, group: str, name: str) -> str:
    return vocab.enums[group][name].fill.lstrip("#").upper()


def test_completion_cells_take_the_status_fill_unless_the_light_warns(ledger_sheet):
    """完成情况 (status first, then the light's words) in the fills of the site's
    chips, read from the vocabulary: the status's, or the light's when it
    warns. 未启动 on schedule is never green, 已销号 never 已完成's colour."""
    vocab = load_vocabulary()
    colours = {}
    for row in ledger_sheet.iter_rows(min_row=4):
        if _id(row[3].value) and _id(row[3].value) not in colours:
            colours[_id(row[3].value)] = row[9].fill.fgColor.rgb[-6:]
    assert colours["CS-003"] == _fill(vocab, "lights", "red")                 # overdue
    assert colours["CS-006"] == _fill(vocab, "lights", "yellow")              # due soon
    assert colours["CS-001"] == _fill(vocab, "statuses", "signed_off")        # 已销号
    assert colours["CS-002"] == _fill(vocab, "statuses", "done")              # 已完成
    assert colours["CS-005"] == _fill(vocab, "statuses", "in_progress")       # 正在整改, on schedule
    assert colours["CS-004"] == _fill(vocab, "statuses", "basically_done")    # 基本完成（持续整改）
    assert colours["CS-009"] == _fill(vocab, "statuses", "not_started")       # 未启动, on schedule
    assert colours["CS-009"] not in (_fill(vocab, "lights", "green"), _fill(vocab, "statuses", "done"))
    assert len(set(colours.values())) == 7


def test_task_sheet_fills_status_by_status_and_light_by_light(exported):
    """整改状态 takes its status's fill, 提示 its light's: 未启动 is never green."""
    vocab = load_vocabulary()
    ws = openpyxl.load_workbook(exported / "ledger.xlsx")["任务清单"]
    statuses = {v.label: n for n, v in vocab.enums["statuses"].items()}
    lights = {v.label: n for n, v in vocab.enums["lights"].items()}
    header = [c.value for c in ws[3]]
    status_col, light_col = header.index(vocab.key("status")), header.index(vocab.phrase("light_header"))
    seen = set()
    for row in ws.iter_rows(min_row=4):
        status, light = row[status_col], row[light_col]
        if status.value not in statuses:
            continue
        seen.add(statuses[status.value])
        assert status.fill.fgColor.rgb[-6:] == _fill(vocab, "statuses", statuses[status.value]), status.value
        name = next(n for label, n in lights.items() if str(light.value).startswith(label))   # 逾期 10 天 → red
        assert light.fill.fgColor.rgb[-6:] == _fill(vocab, "lights", name), light.value
        if statuses[status.value] == "not_started":
            assert status.fill.fgColor.rgb[-6:] not in (_fill(vocab, "lights", "green"), _fill(vocab, "statuses", "done"))
    assert "not_started" in seen and "in_progress" in seen


def test_list_sheets(exported):
    wb = openpyxl.load_workbook(exported / "ledger.xlsx")
    assert wb["问题清单"].max_row - 3 == 12
    assert wb["任务清单"].max_row - 3 == 9
    for ws in wb.worksheets:
        assert ws["A2"].value == "填报单位：中共XX市XX区委员会" and ws.auto_filter.ref.startswith("A3:")


def test_csv_has_one_row_per_path(exported):
    data = (exported / "ledger.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = [r[1:] for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))]    # after the 示例数据 column
    assert rows[0] == ["方面", *HEADERS]
    body = rows[1:]
    assert {(_id(r[2]), _id(r[3]), _id(r[4])) for r in body} == expected_paths(POSTS)
    assert len(body) == len({(_id(r[2]), _id(r[3]), _id(r[4])) for r in body})
    assert all("同上" not in cell for r in body for cell in r)     # the CSV repeats everything
    assert all(r[0].startswith(("一、", "二、", "三、", "四、")) for r in body)
    assert b'"' + "序号".encode() + b'"' in data                    # every field quoted

def test_json_validates_against_its_schema(exported):
    records = json.loads((exported / "ledger.json").read_text(encoding="utf-8"))
    schema = json.loads((exported / "ledger.schema").read_text(encoding="utf-8"))
    jsonschema.validate(records, schema)
    assert len(records) == 46
    by_id = {r["id"]: r for r in records}
    for record_id, post in MEASURES.items():
        assert by_id[record_id]["status"] == post["整改状态"]
        assert by_id[record_id]["problems"] == post["整改问题"]
    assert by_id["CS-003"]["light"] == "red" and by_id["CS-003"]["days_left"] == -10
    assert by_id["WT-010"]["measures"] == ["CS-001", "CS-006", "CS-009"]


def test_same_records_give_the_same_bytes(exported, tmp_path):
    for fmt in ("csv", "json", "xlsx", "docx"):
        run_cli("export", "--format", fmt, "-o", str(tmp_path / f"again.{fmt}"), cwd=REPO)
        assert (tmp_path / f"again.{fmt}").read_bytes() == (exported / f"ledger.{fmt}").read_bytes(), fmt


def test_export_never_overwrites_without_force(exported, tmp_path):
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"user's own file")
    result = run_cli("export", "--format", "xlsx", "-o", str(target), cwd=REPO)
    assert result.returncode == 2 and target.read_bytes() == b"user's own file"
    assert run_cli("export", "--format", "xlsx", "-o", str(target), "--force", cwd=REPO).returncode == 0
    assert target.read_bytes() == (exported / "ledger.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx"]


def _docx_text(path):
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_progress_report(exported):
    text = _docx_text(exported / "ledger.docx")
    assert text.startswith("示例数据：") and "\n十一届省委第三轮巡视整改进展情况报告\n\n省委第四巡视组：\n" in text
    # the dashboard's computation (views.completion): both rates with numerator and denominator
    assert ("整改措施 9 项：已完成 2 项（其中已销号 1 项），基本完成（持续整改） 3 项，正在整改 3 项，未启动 1 项；"
            "措施完成率 22.2%（2/9），措施完成及基本完成率 55.6%（5/9）。") in text
    assert "反馈问题 15 条：" in text and "另有 2 条反馈问题不属于本单位整改任务，未计入上述数字（见第二部分）。" in text
    assert "按整改类型分：立行立改 2 项，已完成 2 项；限期整改 4 项，已完成 0 项；长期坚持 3 项，已完成 0 项。" in text
    assert text.rstrip().endswith("中共XX市XX区委员会\n2023年8月10日")


def test_the_report_sets_not_a_task_feedback_apart_with_its_reason(exported):
    """非整改任务 (FK-016, FK-017) are not numbered among the feedback items of section 二 nor
    counted in its area line; they follow it, each with the unit's reason as a sentence."""
    text = _docx_text(exported / "ledger.docx")
    second = text[text.index("二、反馈问题整改情况"):text.index("三、存在的问题和不足")]
    assert "非整改任务（不计入）" not in text and "16. 关于" not in second and "15. 关于" in second
    assert "（四）整改重形不重效，漠视问题存在\n本方面反馈问题 2 条，已完成 0 条。" in second
    assert second.rstrip().endswith(
        "此外，以下 2 条反馈问题不属于本单位整改任务，未计入整改完成情况：\n"
        "一是“巡视期间发现的问题线索，已按规定移交有关方面处理”。巡视组已将问题线索按规定移交有关方面处理，"
        "本单位配合核查，不作为本单位整改任务统计。\n"
        "二是“对巡视中干部群众反映的问题，希望有关同志认真自查，深刻反思，及时整改”。这是对有关同志自查反思的一般性要求，"
        "已体现在查摆问题“抓早抓小不够”及其措施中，不单独作为整改任务统计。")


def test_a_not_a_task_feedback_item_is_no_gap_in_the_report(tmp_path):
    """A 非整改任务 without measures is not listed under 尚未制定整改措施 (section 三)."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "docs", root / "docs")
    for problem in (root / "records/problems").glob("*.md"):     # FK-016 answered by no problem
        text = problem.read_text(encoding="utf-8")
        problem.write_text(re.sub(r"\n  - FK-016(?=\n)", "", text), encoding="utf-8")
    assert run_cli("export", "--format", "docx", "-o", str(tmp_path / "r.docx"), cwd=root).returncode == 0
    text = _docx_text(tmp_path / "r.docx")
    third = text[text.index("三、存在的问题和不足"):text.index("四、下一步工作")]
    assert "巡视期间发现的问题线索" not in third
    assert "一是“巡视期间发现的问题线索，已按规定移交有关方面处理”。" in text


def test_the_report_names_each_measure_completed_late(tmp_path):
    """逾期完成 is counted apart and each such measure named with its deadline, completion date and days."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "docs", root / "docs")
    path = root / "records/measures/CS-002.md"          # 改进方法: 整改时限 2023-07-15
    path.write_text(path.read_text(encoding="utf-8").replace("完成日期: 2023-07-12", "完成日期: 2023-07-20", 1),
                    encoding="utf-8")
    assert run_cli("export", "--format", "docx", "-o", str(tmp_path / "r.docx"), cwd=root).returncode == 0
    text = _docx_text(tmp_path / "r.docx")
    assert ("已完成的整改措施中，有 1 项完成日期晚于整改时限（有调整后时限的按调整后时限），属逾期完成，未计入按期完成："
            "“改进方法”（整改时限2023年7月15日，2023年7月20日完成，逾期 5 天）。") in text


def test_unpublished_records_are_left_out_of_the_report(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "docs", root / "docs")
    for rel, _title in (("records/measures/CS-008.md", "强化带头示范"), ("records/problems/WT-011.md", "监督不够严格")):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("---\n\n", "公开: 否\n---\n\n", 1), encoding="utf-8")
    assert run_cli("check", cwd=root).returncode == 0
    before = tree_hash(root)
    assert run_cli("export", "--format", "docx", "-o", str(tmp_path / "r.docx"), cwd=root).returncode == 0
    assert tree_hash(root) == before
    text = _docx_text(tmp_path / "r.docx")
    for gone in ("强化带头示范", "部务会成员带头开展谈心谈话"):      # CS-008's title and its progress
        assert gone not in text
    assert "坚持当前和长远并重" in text and "本报告不含标为“公开: 否”的事项" in text


def test_due_list_by_unit():
    text = run_cli("due", "--days", "7", cwd=REPO).stdout
    assert text.startswith("截至 2023-08-10，逾期和 7 天内到期的整改措施共 2 项：")
    assert "区委编办（逾期 0 项，即将到期 1 项）\n  剩 5 天" in text and "CS-006 坚持示范和监督并重" in text
    assert "区委组织部干部监督科（逾期 1 项，即将到期 0 项）\n  逾期 10 天" in text
    markdown = run_cli("due", "--days", "3", "--format", "markdown", cwd=REPO).stdout
    assert "| CS-003 | 统筹兼顾 | 2023-07-31 | 逾期 10 天 | 李某某 |" in markdown and "CS-006" not in markdown


def test_downloads_are_on_the_site_and_linked_from_the_dashboard(sample_site, exported):
    _, site = sample_site
    links = links_from(site, site / "index.html", "ul.tz-downloads a")
    for name in ("taizhang.xlsx", "ledger.csv", "records.json", "records.schema.json", "report.docx"):
        assert f"downloads/{name}" in links and (site / "downloads" / name).is_file()
    assert (site / "downloads/ledger.csv").read_bytes() == (exported / "ledger.csv").read_bytes()
    names = [a["download"] for a in soup(site / "index.html").select("ul.tz-downloads a[download]")]
    assert "整改台账.xlsx" in names
    report = soup(site / "report/index.html")
    assert "措施完成率 22.2%" in report.get_text()


def test_reused_cell_styles_leave_the_workbook_unchanged(tmp_path):
    """export/xlsx reuses the style of the first cell of each combination (openpyxl
    hashed every style object on every assignment). The workbook must be the very
    file styling each cell one by one gives: sample, and a generated ledger with
    formula-like text, dates, fills and merges."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import xlsx
    from taizhang.project import analyse
    from taizhang.views import Scope

    bench = _bench()
    generated = tmp_path / "generated"
    bench.generate(generated / "records", 120)
    formula = generated / "records/measures/CS-001.md"
    formula.write_text(formula.read_text(encoding="utf-8").replace("责任人: ", "责任人: =1+1 ", 1), encoding="utf-8")
    for root in (REPO, generated):
        ledger = analyse(Path(root)).ledger
        scope = Scope(ledger, ledger.current_round)
        try:
            xlsx.REUSE_STYLES = False
            one_by_one = xlsx.build_workbook(ledger, scope)
            xlsx.REUSE_STYLES = True
            reused = xlsx.build_workbook(ledger, scope)
        finally:
            xlsx.REUSE_STYLES = True
        assert reused == one_by_one, root
    sheet = openpyxl.load_workbook(io.BytesIO(reused)).worksheets[0]
    assert any(c.value == "=1+1 责任人1" and c.quotePrefix for row in sheet.iter_rows() for c in row)


def test_quick_merges_and_style_ids_leave_the_files_unchanged(tmp_path):
    """The quick paths of the downloads, each a switch, must give the very files the
    libraries' own steps give (a ledger big enough for merges in several blocks, with
    an issuer, and the sample): export/xlsx merges cells along openpyxl 3.1's own steps
    without its quadratic look-up and per-cell style hashing, makes a merge seen before from
    its styles (QUICK_MERGES), sets a new row's height on a RowDimension made attribute by
    attribute (QUICK_ROWS), and makes a new cell whose
    style change was made before without openpyxl's descriptors; export/report looks each
    paragraph style's id up once and copies each kind of run instead of python-docx's
    character-by-character Run.text; both hand their members to the re-zip uncompressed
    (zipfix.STORED_FIRST); the workbook and the CSV share the ledger rows' cells
    (rows.SHARED_CELLS, the CSV built before the workbook as the build does, and after it); each measure's
    task row is made once per Scope (views.TASK_ROWS_ONCE); the worksheets' cells are
    joined as strings instead of written by lxml (sheetxml.SHEET_XML); the report's runs
    are written as XML text (report.RUNS_AS_TEXT) and its paragraphs copied
    (report.QUICK_PARAGRAPHS); records.json is written without json's pure-Python
    indenting encoder (tabular.QUICK_JSON), each kind's fields worked out once
    (tabular.FIELD_PLANS); the report's measures not yet named are
    found by identity, not by comparing records field by field (views.report.NAMED_BY_IDENTITY),
    and text without a hyphen has no record id or date to put in words (views.report.HYPHEN_FIRST)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang import views
    from taizhang.export import report, rows, sheetxml, tabular, xlsx, zipfix
    from taizhang.export.files import MAKING_ORDER, build_download
    from taizhang.project import analyse
    from taizhang.views import Scope
    from taizhang.views import report as views_report

    switches = [(xlsx, "_FAST_MERGE"), (xlsx, "QUICK_CELLS"), (xlsx, "QUICK_MERGES"), (xlsx, "QUICK_ROWS"),
                (xlsx, "MEASURE_ONCE"), (xlsx, "PAUSE_COLLECTOR"), (xlsx, "QUICK_DATES"), (xlsx, "CLEAN_ONCE"),
                (xlsx, "QUICK_REWRITE"),
                (report, "STYLE_IDS_ONCE"), (report, "QUICK_RUNS"), (report, "RUNS_AS_TEXT"), (report, "QUICK_PARAGRAPHS"),
                (zipfix, "STORED_FIRST"), (rows, "SHARED_CELLS"), (views, "TASK_ROWS_ONCE"), (sheetxml, "SHEET_XML"),
                (sheetxml, "QUICK_TAIL"), (rows, "COLUMN_FIELDS_ONLY"), (zipfix, "WORKBOOK_MEMBERS"),
                (sheetxml, "QUICK_ROW_TAGS"),
                (tabular, "QUICK_JSON"), (tabular, "FIELD_PLANS"), (views_report, "NAMED_BY_IDENTITY"),
                (views_report, "HYPHEN_FIRST"), (tabular, "RECORD_BY_RECORD")]
    bench = _bench()
    generated = tmp_path / "generated"
    bench.generate(generated / "records", 200)
    _hostile_records(generated / "records")
    columns = ("number feedback problem cause measure leader unit owner deadline progress completion evidence signoff "
               "measure_type status kind problems completed_on adjusted_deadline publish")   # measure fields as columns
    (generated / "taizhang.yml").write_text("ledger_columns:\n" + "".join(f"  - {{name: {name}}}\n" for name in columns.split()),
                                            encoding="utf-8")
    formats = ("xlsx", "csv", "docx", "json")
    for root in (REPO, generated):
        ledger = analyse(Path(root)).ledger
        files = {}
        # Quick, each in the order the build makes them (export.files.MAKING_ORDER: the CSV
        # before the workbook, sharing its cells) and in the order they are listed.
        for quick, order in ((False, formats), (True, formats), ("making", MAKING_ORDER)):
            try:
                for module, switch in switches:
                    setattr(module, switch, bool(quick))
                scope = Scope(ledger, ledger.current_round)
                made = {fmt: build_download(ledger, scope, fmt) for fmt in order if fmt in formats}
                files[quick] = [made[fmt] for fmt in formats]
            finally:
                for module, switch in switches:
                    setattr(module, switch, True)
        assert MAKING_ORDER.index("csv") < MAKING_ORDER.index("xlsx")
        for fmt, quick, making, plain in zip(formats, files[True], files["making"], files[False]):
            assert quick == plain == making, (root, fmt)
    workbook = openpyxl.load_workbook(io.BytesIO(files[True][0]))
    assert len(workbook.worksheets[0].merged_cells.ranges) > 100
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=SUM(A1:A2)") and c.quotePrefix for c in cells)      # the hostile records
    assert any(len(c.value) == 32767 for c in cells) and any("😀" in c.value for c in cells)
    assert any(c.value.startswith("ctrl") for c in cells) and any("after an empty line" in c.value for c in cells)


def _bench():
    """bench/build.py as a module (its generate() makes ledgers of any size)."""
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


HOSTILE_TEXTS = ["=SUM(A1:A2)", "+1", "-1", "@A1", "#N/A", "a & b < c > d \"q\"", " lead", "trail\u3000",
                 "ctrl\x01\x0b\x1f\x7f end", "😀𝄞𠀀 astral", "line\n\nafter an empty line", "甲" * 33000]


def _hostile_records(records):
    """Put text a spreadsheet would read as a formula, control characters, astral
    characters, empty lines and a text longer than a cell holds into a generated
    ledger's records (titles, bodies, units, progress), so its workbook has them in
    merged cells, in the ledger and in the lists."""
    for n, path in enumerate(sorted((records / "measures").glob("*.md"))[:12]):
        text = path.read_text(encoding="utf-8")
        hostile = HOSTILE_TEXTS[n % len(HOSTILE_TEXTS)]
        text = text.replace("责任单位: ", f"责任单位: {hostile.splitlines()[0][:60] or 'x'} ", 1)
        path.write_text(text + "\n" + hostile + "\n", encoding="utf-8")
    for n, path in enumerate(sorted((records / "problems").glob("*.md"))[:12]):
        text = path.read_text(encoding="utf-8")
        hostile = HOSTILE_TEXTS[(n + 5) % len(HOSTILE_TEXTS)]
        path.write_text(text.replace("标题: ", f"标题: {hostile[:80].splitlines()[0]}", 1) + "\n" + hostile + "\n",
                        encoding="utf-8")


def test_sheet_data_as_strings_is_what_lxml_writes_for_hostile_cells():
    """export/sheetxml writes <sheetData> itself: it must be lxml's bytes for text that
    needs escaping (control characters openpyxl lets through, \r\n, tabs, leading and
    trailing spaces and U+3000, & < > and quotes, astral characters, 32,767 characters),
    numbers, dates, booleans, errors, styled empty cells, row heights and merges; a sheet
    with a formula, a comment or a hyperlink is left to openpyxl, and a character lxml
    refuses fails the same way both ways."""
    import sys

    sys.path.insert(0, str(REPO / "hooks"))
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.pagebreak import Break
    from taizhang.export import sheetxml, xlsx, zipfix

    font = Font(name="宋体", size=11)
    hostile = ["a & b < c > d \"q\" 'q' ]]>", "line\r\nnext\rcr\nlf", "\ttab\tin", " lead", "trail ",
               "\u3000全角空格\u3000", "\x7f\x80\x85\x9f\xa0\u2028\u2029\ufeff", "😀𝄞𠀀 astral",
               "\x01\x0b\x1fstripped", "=1+1", "#N/A", "", "甲" * 40000, "x" * 32767 + " ", "\n", " "]
    values = [0, -1, 1.5, 1e-7, 12345678901234567890, 2 ** 70, float("inf"), 1 / 3, True, False,
              dt.date(2026, 12, 6), dt.datetime(2026, 12, 6, 13, 14, 15, 161718), dt.time(1, 2, 3), dt.timedelta(days=1.5)]

    def workbook(extra=None):
        wb = openpyxl.Workbook()
        ws = wb.active
        book = xlsx.Book(wb, xlsx.sheet_fonts(11))
        for r, text in enumerate(hostile, 1):
            xlsx.put(book, ws, r, 1, text, font, Alignment(wrap_text=True))
            if not text.startswith("="):                          # openpyxl's own typing: "#N/A" is an error
                ws.cell(r, 2, text.replace("\x01", "").replace("\x0b", "").replace("\x1f", "")[:100])
        for c, value in enumerate(values, 3):
            ws.cell(1, c, value)
            xlsx.put(book, ws, 2, c, value, font)
        ws.cell(3, 3).value = "#DIV/0!"
        ws.cell(4, 4).font = font                               # styled, empty
        ws.row_dimensions[5].height = 30
        ws.row_dimensions[40].height = 12                        # a row with no cells
        ws.row_dimensions[41].hidden = True                      # rows QUICK_ROW_TAGS leaves to openpyxl
        ws.row_dimensions[42].height, ws.row_dimensions[42].outlineLevel = 15.5, 1
        ws.row_dimensions[43].font = font
        ws.row_dimensions[44].height = 0.0
        xlsx.row_height(ws, 45, 1 / 3)
        ws.row_dimensions[46].thickBot = True
        xlsx.merge(book, ws, 6, 3, 8, 5, font)
        wrap = Alignment(wrap_text=True)
        for r, text in enumerate(hostile * 3, 50):           # each text and date again (CLEAN_ONCE, QUICK_DATES)
            xlsx.put(book, ws, r, 2, text, font, wrap)
            xlsx.put(book, ws, r, 3, values[r % len(values)], font, wrap, "FFC7CE")
        for r, text in enumerate(hostile * 2, 52):            # written again (QUICK_REWRITE)
            xlsx.put(book, ws, r, 2, text, font, wrap)
            xlsx.put(book, ws, r, 3, r if r % 3 else None, font, wrap, "FFC7CE")
        ws.title = "甲&<\"乙'"
        ws.oddFooter.center.text = "第 &P 页 <sheetData></sheetData>"
        ws.row_breaks.brk = [Break(id=12), Break(id=30)]
        second = wb.create_sheet("second")
        second.append(["plain", 1, None, dt.date(2020, 2, 29)])
        second.merge_cells("A3:B4")
        second.merge_cells("C5:C5")
        second.row_breaks.append(Break(id=3))
        third = wb.create_sheet("third")                          # breaks QUICK_TAIL leaves to openpyxl
        third.row_breaks.append(Break(id=2, man=False))
        third.col_breaks.append(Break(id=1))
        if extra is not None:
            extra(second)
        return wb

    def sheets(members):
        return {name: data for name, data in members if name.startswith("xl/")}

    switches = [(sheetxml, "SHEET_XML"), (sheetxml, "QUICK_TAIL"), (xlsx, "QUICK_CELLS"), (xlsx, "QUICK_DATES"),
                (xlsx, "CLEAN_ONCE"), (xlsx, "QUICK_REWRITE"), (sheetxml, "QUICK_ROW_TAGS")]

    def both(extra=None):
        made = {}
        for quick in (False, True):
            try:
                for module, switch in switches:
                    setattr(module, switch, quick)
                made[quick] = sheets(zipfix.workbook_members(workbook(extra)))
            finally:
                for module, switch in switches:
                    setattr(module, switch, True)
        differ = [name for name in made[False] if made[True].get(name) != made[False][name]]
        assert made[True].keys() == made[False].keys() and not differ, differ   # (no diff of 40,000 characters)
        return made[True]

    written = []
    original = sheetxml.sheet_data
    try:
        sheetxml.sheet_data = lambda ws: written.append(original(ws)) or written[-1]
        files = both()
        assert written and all(data is not None for data in written)   # all written as strings
        xml = files["xl/worksheets/sheet1.xml"].decode("ascii")
        assert "&#13;" in xml and 'xml:space="preserve"' in xml and "&#128512;" in xml and 's="' in xml
        assert 'ht="30"' in xml and "<mergeCell" in xml and '<brk id="30" min="0"' in xml
        for extra in (lambda ws: setattr(ws["A1"], "value", "=SUM(B1:B2)"),
                      lambda ws: setattr(ws["B1"], "comment", Comment("意见", "taizhang")),
                      lambda ws: setattr(ws["A1"], "hyperlink", "https://example.org/?a=1&b=2")):
            written.clear()
            files = both(extra)
            assert written[1] is None and written[2] is not None   # the second sheet is openpyxl's
        assert b"<f>SUM(B1:B2)</f>" in both(lambda ws: setattr(ws["A1"], "value", "=SUM(B1:B2)"))["xl/worksheets/sheet2.xml"]
    finally:
        sheetxml.sheet_data = original
    for quick in (False, True):
        try:
            sheetxml.SHEET_XML = quick
            wb = workbook(lambda ws: setattr(ws["A2"], "value", "bad\ufffe"))
            with pytest.raises(ValueError, match="XML compatible"):
                zipfix.workbook_members(wb)
        finally:
            sheetxml.SHEET_XML = True


def test_the_downloads_process_is_sent_the_ledger_and_makes_the_same_files():
    """export/background pickles the build's ledger for the second process instead of
    it reading the project again (SEND_LEDGER): the files must be those made in the
    build process and those of a second process that reads the project itself; a
    ledger pickle cannot take is read again (ledger_bytes gives None)."""
    import sys

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import background
    from taizhang.project import analyse

    ledger = analyse(REPO).ledger
    made_here = background.InProcess(ledger).result()
    assert background.ledger_bytes(ledger) is not None
    for send in (True, False):
        try:
            background.SEND_LEDGER = send
            assert background.Background(REPO, ledger).result() == made_here, send
        finally:
            background.SEND_LEDGER = True
    assert background.ledger_bytes(lambda: ledger) is None


def test_copied_runs_give_the_paragraphs_python_docx_gives():
    """export/report copies each kind of run (Chinese, Western, with or without
    a lead-in font) and writes its text as one w:t, or writes the runs as XML text
    put in the paragraph's place after (RUNS_AS_TEXT): on random text with spaces
    at the ends, ideographic spaces, tabs and line breaks, & < > and quotes, U+2028,
    DEL and astral characters the paragraphs must serialise to what python-docx's
    add_run makes; a character lxml refuses fails the same way."""
    import random
    import sys

    from docx import Document
    from lxml import etree

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import report

    rng = random.Random(11)
    alphabet = ["整改", "措施", "，", "。", "“", "”", "（一）", " ", "\u3000", "\t", "\n", "\r", "17", "22.2%", "XX",
                "2/9", "A-b", "&", "<", ">", "&amp;", "]]>", "\"'", "\u2028", "\x7f\x85", "😀𠀀", "\xa0", "<?taizhang-runs 0?>"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(1500)]
    fonts = [rng.choice([None, None, report.SUBHEADING_FONT, report.BODY_FONT]) for _ in texts]
    modes = {"python-docx": (False, False), "copies": (True, False), "text": (True, True)}

    def paragraphs(quick, as_text, texts):
        try:
            report.QUICK_RUNS, report.RUNS_AS_TEXT = quick, as_text
            document = Document()
            runs = report.Runs()
            made = []
            for n, (text, font) in enumerate(zip(texts, fonts)):
                paragraph = document.add_paragraph()
                report.add_text(paragraph, text, font, runs)
                if n % 3 == 0:     # two texts in one paragraph, the first may end in a break
                    report.add_text(paragraph, texts[n - 1], None, runs)
                made.append(runs.splice(etree.tostring(paragraph._p, encoding="UTF-8")))   # as in document.xml
            return made, runs
        finally:
            report.QUICK_RUNS = report.RUNS_AS_TEXT = True

    made = {mode: paragraphs(*switches, texts) for mode, switches in modes.items()}
    assert made["text"][1].texts and not made["copies"][1].texts          # the text mode wrote text
    assert sum(b"hint" in p for p in made["text"][0]) > 500 and all(any(e in p for p in made["text"][0]) for e in (b"&amp;", b"&lt;", b"&gt;", b"<w:br/>", b"<w:tab/>"))
    for n, text in enumerate(texts):
        assert made["copies"][0][n] == made["python-docx"][0][n], repr(text)
        assert made["text"][0][n] == made["python-docx"][0][n], repr(text)
    for bad in ("整改\x01措施", "17\ufffe", "甲\ud800"):
        errors = set()
        for quick, as_text in modes.values():
            with pytest.raises(ValueError) as error:
                paragraphs(quick, as_text, ["乙", bad])
            errors.add((error.type, str(error.value)))
        assert len(errors) == 1, errors


def test_report_docx_runs_as_text_and_copied_paragraphs_give_the_same_file():
    """A whole report of hostile text (breaks and tabs, & < >, leading and trailing
    spaces, a lead-in, attachments, an issuer) is the same .docx with the runs
    written as text and the paragraphs copied (RUNS_AS_TEXT, QUICK_PARAGRAPHS) as
    with python-docx's elements, member by member."""
    import sys

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import report
    from taizhang.views.report import Block, Report, Section

    hostile = ["整改 & <措施> “17” 条\t完成率 22.2%（2/9）", " 首尾空格 ", "\u3000全角\u3000", "第一行\n第二行\r\n第三行",
               "A-b & XX ]]> \"'", "\u2028\x7f😀𠀀", "<?taizhang-runs 0?>", "", "\n", "数字12345678901234567890"]
    blocks = tuple(Block(text, lead=lead, heading=heading) for text in hostile
                   for lead, heading in (("", False), ("（一）", False), ("一是", False), ("", True)))
    sample = Report(
        title="标题 & <甲>", as_of=dt.date(2026, 12, 7), sample="示例数据 \t 说明", recipient="省委 第一巡视组",
        opening=" 开头\n第二段 ", sections=tuple(Section(heading=h, blocks=blocks) for h in hostile[:4]),
        attachments=("附件一 & <二>", " 附件二 "), issuer="某某 单位", unpublished="未公开 3 条", attachment_label="附件")
    made = {}
    for quick in (False, True):
        try:
            report.RUNS_AS_TEXT = report.QUICK_PARAGRAPHS = quick
            data = report.report_docx(sample)
        finally:
            report.RUNS_AS_TEXT = report.QUICK_PARAGRAPHS = True
        archive = zipfile.ZipFile(io.BytesIO(data))
        made[quick] = (data, [(name, archive.read(name)) for name in archive.namelist()])
    assert b"<?taizhang-runs" not in dict(made[True][1])["word/document.xml"]
    assert made[True][1] == made[False][1]
    assert made[True][0] == made[False][0]


def test_row_height_estimate_adds_character_widths_as_before():
    """xlsx.Measurer looks each character's width up once and keeps each distinct
    text's line widths and lines (MEASURE_ONCE): the lines must be those of adding
    the characters' widths one by one (row heights are in the file), for a text seen
    before at another width too, for values that are not text, and both ways; its
    one-line width (截至日期's columns) likewise."""
    import math
    import random
    import sys
    import unicodedata

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import xlsx

    def points(text, size):
        return sum(size if unicodedata.east_asian_width(ch) in "WFA" else size * 0.55 for ch in text)

    def reference(value, width, size):
        if value is None or value == "":
            return 1
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        usable = max((width * xlsx.POINTS_PER_WIDTH_UNIT - xlsx.CELL_PADDING_PT) * xlsx.WRAP_SLACK, size)
        return sum(max(1, math.ceil(points(line, size) / usable)) for line in text.split("\n"))

    rng = random.Random(7)
    alphabet = "整改措施台账，。、（）ABCxyz 0123456789-—·…①\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(1500)]
    values = [None, "", "\n", "\n\n", " ", 0, 17, 2.5, dt.date(2026, 12, 7), "😀𝄞", "\x01=1+1", "甲" * 40000, *texts]
    for once in (False, True):
        try:
            xlsx.MEASURE_ONCE = once
            for size in (10.5, 11, 12, 14):
                measure = xlsx.Measurer(size)
                for value in values * 2:
                    for width in (5, 14, 24, 40):
                        assert measure.lines(value, width) == reference(value, width, size), (value, width, size)
                assert (len(measure.measured) > 1000) == once and (len(measure.wrapped) > 4000) == once
                for text in texts[:100]:
                    line = text.replace("\n", "")
                    assert measure.units(line) == (points(line, size) + 2 * xlsx.CELL_PADDING_PT) / xlsx.POINTS_PER_WIDTH_UNIT
        finally:
            xlsx.MEASURE_ONCE = True


def test_sample_data_is_marked_in_csv_and_json(exported, tmp_path):
    """The sample ledger (示例数据: 是): CSV leads every row with 示例数据 = 是,
    every record in records.json says "sample": true; a real ledger has neither."""
    rows = list(csv.reader(io.StringIO((exported / "ledger.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["示例数据", "方面"] and all(r[0] == "是" for r in rows[1:])
    records = json.loads(run_cli("export", "--format", "json", "-o", "-", cwd=REPO).stdout)
    assert all(r["sample"] is True for r in records)
    root = copy_project(tmp_path / "real")
    path = root / "records/rounds/LC-001.md"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.split("\n") if not line.startswith("示例数据:")), encoding="utf-8")
    real = list(csv.reader(io.StringIO(run_cli("export", "--format", "csv", "-o", "-", cwd=root).stdout)))
    assert real[0][0].lstrip("\ufeff").strip('"') == "方面"
    assert not any(r.get("sample") for r in json.loads(run_cli("export", "--format", "json", "-o", "-", cwd=root).stdout))


def test_records_json_written_quickly_is_what_json_dumps_writes():
    """tabular.indented_json writes plain values itself (QUICK_JSON): the text must be
    json.dumps(indent=1, sort_keys=True, ensure_ascii=False)'s for control characters,
    quotes and backslashes, U+2028, astral characters, lone surrogates, empty and nested
    lists and dicts, tuples, big ints, bools next to ints, floats and None; a value it is
    not sure of (subclasses, non-str keys, NaN, circular data) leaves the whole text to
    json.dumps, errors included."""
    import collections
    import enum
    import math
    import sys

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import tabular

    def dumps(value):
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)

    strings = ["", " ", "\x00\x01\x1f\x7f\x85", "\t\n\r\b\f", '"q" \\ / \\"', "\u2028\u2029", "😀𠀀", "\ud800 lone",
               "\ufeff\ufffe", "整改 & <措施>", "a" * 10000]
    plain = [
        {"body": s, "id": f"FK-{n:03d}", "n": n, "draft": n % 2 == 0, "none": None, "ids": [s, s], "empty": [],
         "nothing": {}, "areas": [{"key": s, "name": "甲"}], "nested": [[[], {}], [[1, [2]], {"z": {"y": []}}]],
         "tuple": (1, "二", None), s or "empty key": s}
        for n, s in enumerate(strings)]
    plain += [0, -1, 2 ** 100, -(2 ** 70), True, False, 1, 0.1, -0.0, 1e300, 5e-324, 1.5, "", [], {}, None,
              [True, 1, 1.0, False, 0, None], {"b": 1, "a": 2, "B": 3, "_": 4, "é": 5, "中": 6, "": 7}]
    for value in plain:
        quick = tabular._plain_json(value, "\n", {})        # written here, not left to json.dumps
        assert quick == dumps(value) == tabular.indented_json(value), repr(value)[:80]
    everything = tabular.indented_json(plain)
    assert everything == dumps(plain)

    class Number(enum.IntEnum):
        ONE = 1

    class Text(str):
        pass

    circular: list = []
    circular.append(circular)
    unsure = [{1: "int key"}, {"a": 1, 2: "mixed"}, {True: 1}, {None: 1}, {1.5: "float key"}, [math.nan], [math.inf],
              {"x": -math.inf}, collections.OrderedDict(b=1, a=2), [Number.ONE], {"t": Text("子类")},
              collections.UserString("x"), [dt.date(2026, 12, 7)], {"a": circular}, {"a": {"set"}}]
    for value in unsure:
        with pytest.raises((tabular._NotPlain, TypeError, RecursionError)):
            tabular._plain_json(value, "\n", {})
        try:
            expected = dumps(value)
        except Exception as error:          # the same error json.dumps gives
            with pytest.raises(type(error), match=re.escape(str(error))):
                tabular.indented_json(value)
        else:
            assert tabular.indented_json(value) == expected, repr(value)
    for bad in (["\ud800"], {"k": "\udfff"}):   # lone surrogates: both texts fail the same way as UTF-8
        with pytest.raises(UnicodeEncodeError):
            tabular.indented_json(bad).encode("utf-8")
        with pytest.raises(UnicodeEncodeError):
            dumps(bad).encode("utf-8")


def test_records_json_written_record_by_record_is_the_same_and_holds_less(tmp_path, monkeypatch):
    """records.json written a record at a time (tabular.RECORD_BY_RECORD): the same bytes
    on the sample, on generated records with hostile text and on a ledger of none; a
    record whose value json.dumps must write leaves the whole file to it, as before;
    and the most memory it takes is less than half what the whole objects and text took."""
    import sys
    import tracemalloc
    from pathlib import Path

    sys.path.insert(0, str(REPO / "hooks"))
    from taizhang.export import tabular
    from taizhang.project import analyse

    bench = _bench()
    generated = tmp_path / "generated"
    bench.generate(generated / "records", 300)
    _hostile_records(generated / "records")
    empty = tmp_path / "empty"
    (empty / "records").mkdir(parents=True)

    def made(ledger, by_record: bool):
        monkeypatch.setattr(tabular, "RECORD_BY_RECORD", by_record)
        tracemalloc.start()
        try:
            data = tabular.records_json(ledger)
            return data, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    for root in (REPO, generated, empty):
        ledger = analyse(Path(root)).ledger
        (new, new_peak), (old, old_peak) = made(ledger, True), made(ledger, False)
        assert new == old and new.endswith(b"\n") and (json.loads(new) == []) == (root == empty), root
        if root == generated:
            assert len(new) > 500_000 and new_peak < 0.5 * old_peak, (new_peak, old_peak)
    ledger = analyse(Path(generated)).ledger
    record = next(iter(ledger.records.values()))
    monkeypatch.setattr(tabular, "record_json", lambda led, r, plans, real=tabular.record_json: (
        {**real(led, r, plans), "odd": [math.nan]} if r is record else real(led, r, plans)))
    assert made(ledger, True)[0] == made(ledger, False)[0] and b"NaN" in made(ledger, True)[0]


def test_the_ledger_rows_own_cells_are_the_vocabularys_ledger_columns():
    """export/rows makes the ledger's own columns (vocabulary LEDGER_COLUMNS): the
    feedback item's (FEEDBACK_COLUMNS), the problem's (PROBLEM_COLUMNS) and the rest,
    a measure's (MEASURE_COLUMNS, derived; COLUMN_FIELDS_ONLY leaves a measure field
    of the same name out). Each record's cells are exactly its columns (besides the
    measure fields a column shows), both ways."""
    from taizhang.export import rows
    from taizhang.project import analyse
    from taizhang.vocabulary import LEDGER_COLUMNS

    assert rows.FEEDBACK_COLUMNS + rows.PROBLEM_COLUMNS + rows.MEASURE_COLUMNS == LEDGER_COLUMNS
    ledger = analyse(REPO).ledger
    by_kind = {kind: [r for r in ledger.records.values() if r.kind == kind] for kind in ("feedback", "problem", "measure")}
    assert all(by_kind.values())
    for f in by_kind["feedback"]:
        assert tuple(rows._feedback_cells(ledger, f, 1)) == rows.FEEDBACK_COLUMNS
    for p in by_kind["problem"]:
        assert tuple(rows._problem_cells(ledger, p)) == tuple(rows._problem_cells(ledger, p, short=True)) == rows.PROBLEM_COLUMNS
    for only in (True, False):
        try:
            rows.COLUMN_FIELDS_ONLY = only
            fields = rows._measure_fields(ledger.vocab)
            for m in by_kind["measure"]:
                for short in (False, True):
                    cells = tuple(rows.measure_cells(ledger, m, short))
                    assert set(cells) == {*fields, *rows.MEASURE_COLUMNS}
                    if only:           # the fields a column shows, then the measure's own cells
                        assert cells == (*fields, *rows.MEASURE_COLUMNS)
        finally:
            rows.COLUMN_FIELDS_ONLY = True
