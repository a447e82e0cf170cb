"""Exports read back with openpyxl, csv, json + jsonschema and python-docx."""

from __future__ import annotations

import csv
import io
import json
import shutil

import docx
import frontmatter
import jsonschema
import openpyxl
import pytest

from conftest import REPO, run_cli, tree_hash
from sitecheck import links_from, soup

MEASURES = {p["编号"]: p for p in (frontmatter.load(f) for f in sorted((REPO / "records").rglob("*.md")))
            if p["类别"] == "整改措施"}
HEADERS = ["序号", "反馈问题", "查摆问题（具体表现）", "原因", "整改措施", "责任领导", "责任单位", "责任人",
           "整改时限", "整改进展", "完成情况", "佐证材料", "销号情况"]


def _texts(value):
    return value if isinstance(value, list) else [value]


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


def _rows(ws):
    return [[c if c is not None else "" for c in row] for row in ws.iter_rows(min_row=3, values_only=True)]


def test_workbook_layout(exported, ledger_sheet):
    wb = openpyxl.load_workbook(exported / "ledger.xlsx")
    assert wb.sheetnames == ["整改台账", "问题清单", "任务清单", "责任清单"]
    ws = ledger_sheet
    assert ws["A1"].value == "十一届省委第三轮巡视整改台账（截至 2023-08-10）"
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws["E3"].alignment.wrap_text
    assert all(ws.row_dimensions[r].height >= 15 for r in range(3, ws.max_row + 1))


def test_every_measure_exactly_once_with_its_values(ledger_sheet):
    rows = _rows(ledger_sheet)
    ids = [row[4].split(" ")[0] for row in rows]
    assert sorted(ids) == sorted(MEASURES) and len(ids) == len(set(ids))
    for row in rows:
        post = MEASURES[row[4].split(" ")[0]]
        assert row[5] == "、".join(_texts(post["责任领导"]))
        assert row[6] == "、".join(_texts(post["责任单位"]))
        assert row[7] == "、".join(_texts(post["责任人"]))
        assert row[8] == str(post["整改时限"])
        assert row[10].startswith(post["整改状态"])
        for entry in post.get("整改进展", []):
            assert f"{entry['日期']} {entry['内容']}" in row[9]
        for item in post.get("佐证材料", []):
            assert (item["名称"] if isinstance(item, dict) else item) in row[11]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))


def test_rows_sharing_a_problem_are_merged(ledger_sheet):
    rows = _rows(ledger_sheet)
    primary = [MEASURES[row[4].split(" ")[0]]["整改问题"][0] for row in rows]
    expected = set()
    start = 0
    for end in range(1, len(primary) + 1):
        if end < len(primary) and primary[end] == primary[start]:
            continue
        if end - start > 1:
            for col in "BCD":
                expected.add(f"{col}{start + 3}:{col}{end + 2}")
        start = end
    merged = {str(r) for r in ledger_sheet.merged_cells.ranges} - {"A1:M1"}
    assert expected and merged == expected


def test_status_cells_are_coloured_by_light(ledger_sheet):
    colours = {}
    for row in ledger_sheet.iter_rows(min_row=3):
        colours[row[4].value.split(" ")[0]] = row[10].fill.fgColor.rgb[-6:]
    assert colours["CS-003"] == "FFC7CE"   # overdue: red
    assert colours["CS-006"] == "FFEB9C"   # due soon: yellow
    assert colours["CS-001"] == "D9D9D9"   # signed off: done
    assert colours["CS-005"] == "C6EFCE"   # on track: green


def test_list_sheets(exported):
    wb = openpyxl.load_workbook(exported / "ledger.xlsx")
    assert wb["问题清单"].max_row - 2 == 12
    assert wb["任务清单"].max_row - 2 == 9
    resp = [r for r in wb["责任清单"].iter_rows(min_row=3, values_only=True)]
    assert ("责任单位", "区委编办", "1", "0", "0", "CS-006") in resp


def test_csv_opens_in_excel_and_matches_the_sheet(exported, ledger_sheet):
    data = (exported / "ledger.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert [r[4] for r in rows[1:]] == [r[4] for r in _rows(ledger_sheet)]
    assert len(rows) - 1 == len(MEASURES)


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
    assert "十一届省委第三轮巡视整改进展情况通报（截至 2023-08-10）" in text
    assert "反馈问题 17 条，对照查摆问题 12 个，制定整改措施 9 项。已完成或已销号 2 项（其中已销号 1 项），措施完成率 22.2%；正在推进 6 项，未启动 1 项" in text
    assert "CS-002 改进方法（2023-07-12 完成）" in text
    assert "CS-004 坚持当前和长远并重" in text.split("五、需要长期坚持的事项")[1]


def test_unpublished_records_are_left_out_of_the_report(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "docs", root / "docs")
    for rel, title in (("records/measures/CS-008.md", "强化带头示范"), ("records/problems/WT-011.md", "监督不够严格")):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("---\n\n", "公开: 否\n---\n\n", 1), encoding="utf-8")
    assert run_cli("check", cwd=root).returncode == 0
    before = tree_hash(root)
    assert run_cli("export", "--format", "docx", "-o", str(tmp_path / "r.docx"), cwd=root).returncode == 0
    assert tree_hash(root) == before
    text = _docx_text(tmp_path / "r.docx")
    for gone in ("CS-008", "强化带头示范", "WT-011", "监督不够严格"):
        assert gone not in text
    assert "CS-004" in text and "本通报不含标为“公开: 否”的事项" in text


def test_due_list_by_unit():
    text = run_cli("due", "--days", "7", cwd=REPO).stdout
    assert text.startswith("截至 2023-08-10，逾期和 7 天内到期的整改措施共 2 项：")
    assert "区委编办\n  剩 5 天" in text and "CS-006 坚持示范和监督并重" in text
    assert "区委组织部干部监督科\n  逾期 10 天" in text
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
