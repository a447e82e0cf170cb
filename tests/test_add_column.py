"""The maintainer map's “清单增加一列”, done for every list and sheet at once:
one taizhang.yml, which adds one column to each table of `tables` (the
unit site's lists, the 说明事项 sheet, the 督查总览's tables) and one to
`ledger_columns`, and nothing else. The sample is built with the real
mkdocs; each new column is looked for where a user sees it: the built
pages, the sheets of 整改台账.xlsx, the CSV, the overview built by the real
`taizhang gather` and mkdocs, its 督查总览.xlsx; and the exported workbook
imported back with the real `taizhang import` recognises the ledger's new
column and still reads the 说明事项 sheet."""

from __future__ import annotations

import csv
import io
import re
import shutil

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import REPO, SAMPLE_TODAY, build, copy_project, run_cli
from importing import do_import, empty_project, imported
from taizhang.vocabulary import load_vocabulary

# table -> (the added column, where it shows: pages it is on / the sheet it is in)
ADDED = {
    "problems": "{name: area_label, as: text, label: 所属方面甲, width: 14}",
    "tasks": "{name: signoff, as: text, label: 销号情况甲, width: 12}",
    "responsibility": "{name: owner, as: texts, label: 责任人甲, width: 8}",
    "responsibility_groups": "{name: closed, as: plain, label: 办结数甲}",
    "signoff_waiting": "{name: owner, as: texts, label: 责任人乙}",
    "signoff_done": "{name: evidence_names, as: evidence, label: 佐证乙}",
    "reconcile": "{name: quote, as: text, label: 原文甲}",
    "declarations": "{name: area, as: text, label: 方面序号甲, width: 8}",
    "overview_units": "{name: team, as: text, label: 巡视组甲, width: 14}",
    "overview_areas": "{name: lagging, as: lagging, label: 最低单位甲, width: 30}",
    "overview_area_units": "{name: closed, as: count, label: 已完成甲}",
    "overview_unit_areas": "{name: closed, as: count, label: 已完成乙}",
    "overview_measures": "{name: unit_name, as: text, label: 填报单位甲, width: 12}",
    "overview_repeats": "{name: text, as: text, label: 内容甲, width: 20}",
    "overview_issues": "{name: origin, as: text, label: 来源甲, width: 20}",
    # the sample has no carried measure: test_the_carried_list_shows_its_new_column uses the renamed case
    "carried": "{name: status_label, as: text, label: 状态甲, width: 8}",
    "carried_out": "{name: later_status_label, as: text, label: 后续状态甲, width: 8}",
}
SAMPLE_EMPTY = ("carried", "carried_out")
# the ledger sheet and CSV: a measure field of its own (阶段性评估), read back by `taizhang import`
LEDGER_ADDED = "  - {name: assessment, width: 14}\n"
ASSESSMENT = "2023年7月由区委办公室评估，效果良好"


def _flow(spec: dict) -> str:
    """A packaged column (or ledger column) written back as a taizhang.yml line."""
    return "{" + ", ".join(f"{k}: {_quoted(v) if isinstance(v, str) else str(v).lower()}" for k, v in spec.items()) + "}"


def _other_label(table: str) -> str:
    """A table declared after this test was written: its first column once more, under this label."""
    return f"新列{table}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config() -> str:
    """taizhang.yml: each table's packaged columns as written (placeholders and all) plus the
    added one; the ledger's columns plus 阶段性评估."""
    raw = yaml.safe_load((REPO / "hooks/taizhang/vocabulary.yml").read_text(encoding="utf-8"))
    lines = ["tables:"]
    for table, columns in raw["tables"].items():
        lines.append(f"  {table}:")
        lines += [f"    - {_flow(spec)}" for spec in columns]
        lines.append(f"    - {ADDED.get(table) or _flow(dict(columns[0], label=_other_label(table), site=True))}")
    lines.append("ledger_columns:")
    lines += [f"  - {_flow(spec)}" for spec in raw["ledger_columns"]]
    return "\n".join(lines) + "\n" + LEDGER_ADDED


def _headers(html_path) -> list[str]:
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    return [th.get_text(strip=True) for th in soup.select("table th")]


def _cells(html_path, label: str) -> list[str]:
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    return [td.get_text(" ", strip=True) for td in soup.select(f'td[data-label="{label}"]')]


def _sheet_header(ws) -> list:
    return [c.value for c in ws[3]]


def _column_values(ws, label: str) -> list:
    col = _sheet_header(ws).index(label)
    return [row[col] for row in ws.iter_rows(min_row=4, values_only=True) if row[col] not in (None, "")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    where = tmp_path_factory.mktemp("columns")
    project = copy_project(where / "p")
    (project / "taizhang.yml").write_text(config(), encoding="utf-8")
    path = project / "records/measures/CS-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("整改状态:", f"阶段性评估: {ASSESSMENT}\n整改状态:", 1),
                    encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    return where, project, project / "site"


def test_the_configuration_changes_nothing_but_adds_one_column_to_each_table(built):
    """The taizhang.yml written here gives each table its packaged columns plus one: nothing else moved."""
    _, project, _ = built
    packaged, mine = load_vocabulary(None), load_vocabulary(project)
    assert set(ADDED) <= set(packaged.tables)
    for table in packaged.tables:
        assert mine.tables[table][:-1] == packaged.tables[table], table
    assert mine.ledger_columns[:-1] == packaged.ledger_columns and mine.ledger_columns[-1].label == "阶段性评估"


def test_each_list_of_the_site_shows_its_new_column(built):
    _, _, site = built
    pages = {"problems": "lists/problems/index.html", "tasks": "lists/tasks/index.html",
             "responsibility_groups": "lists/responsibility/index.html", "signoff_waiting": "lists/signoff/index.html",
             "signoff_done": "lists/signoff/index.html", "reconcile": "reconciliation/index.html"}
    for table, page in pages.items():
        label = ADDED[table].split("label: ")[1].split(",")[0].rstrip("}")
        assert label in _headers(site / page), (table, page)
        assert any(_cells(site / page, label)), (table, "no value in the new column")
    assert "2023-07-10 区委巡视整改工作领导小组办公室 销号" in _cells(site / "lists/tasks/index.html", "销号情况甲")
    # a table declared later (e.g. 承接事项): its column is on some page of the site
    later = set(load_vocabulary(None).tables) - set(ADDED) - set(SAMPLE_EMPTY)
    headers = {h for page in site.rglob("*.html") for h in _headers(page)} if later else set()
    for table in later:
        assert _other_label(table) in headers, table


def test_each_sheet_and_the_csv_show_their_new_column(built):
    _, _, site = built
    wb = openpyxl.load_workbook(site / "downloads/taizhang.xlsx")
    for sheet, label in (("问题清单", "所属方面甲"), ("任务清单", "销号情况甲"), ("责任清单", "责任人甲"),
                         ("说明事项", "方面序号甲"), ("整改台账", "阶段性评估")):
        assert label in _sheet_header(wb[sheet]), sheet
        assert _column_values(wb[sheet], label), (sheet, "no value in the new column")
    assert ASSESSMENT in _column_values(wb["整改台账"], "阶段性评估")
    rows = list(csv.reader(io.StringIO((site / "downloads/ledger.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header[-1] == "阶段性评估" and any(r[-1] == ASSESSMENT for r in rows[1:])


def test_the_exported_workbook_imports_back_with_the_new_columns(built, tmp_path):
    """The ledger's new column is recognised by its label (no `import.columns` entry needed) and lands
    in its field; the 说明事项 sheet, one column wider, is still found and read."""
    _, project, site = built
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text((project / "taizhang.yml").read_text(encoding="utf-8"), encoding="utf-8")
    result = do_import(root, site / "downloads/taizhang.xlsx")
    assert "未识别的列" not in result.stdout + result.stderr
    records = imported(root)
    (measure,) = [m for m in records["整改措施"] if m.get("阶段性评估")]
    assert measure["阶段性评估"] == ASSESSMENT
    declarations = [p for p in records["查摆问题"] if p.get("性质") == "说明事项"]
    assert len(declarations) == 4


@pytest.fixture(scope="module")
def gathered(built):
    """The built sample twice (and a missing unit), gathered by `taizhang gather --dir` with the same
    taizhang.yml and built with mkdocs; the overview project's folder."""
    where, project, site = built
    (where / "sources.yml").write_text(f"单位:\n  - 名称: 甲单位\n    位置: {site}\n  - 名称: 乙单位\n    位置: {site}\n"
                                       "  - 名称: 丙单位\n    位置: nowhere\n", encoding="utf-8")
    out = where / "overview"
    result = run_cli("gather", "sources.yml", "-o", str(out), "--today", SAMPLE_TODAY, "--dir", str(project), cwd=where)
    assert result.returncode == 0, result.stderr
    assert build(out).returncode == 0
    return out


def test_the_overview_shows_its_tables_new_columns(gathered):
    """`taizhang gather --dir` reads the same taizhang.yml: every 督查总览 table, page and sheet."""
    out = gathered
    overview = out / "site"

    def page(name: str):
        return next(p for p in (overview / f"{name}.html", overview / name / "index.html") if p.is_file())
    unit_page = page("units/001")
    for table, html in (("overview_units", overview / "index.html"), ("overview_areas", page("areas")),
                        ("overview_area_units", page("areas")), ("overview_unit_areas", unit_page),
                        ("overview_measures", page("overdue")), ("overview_measures", unit_page),
                        ("overview_repeats", page("repeats")), ("overview_issues", page("issues"))):
        label = ADDED[table].split("label: ")[1].split(",")[0].rstrip("}")
        assert label in _headers(html), (table, html)
        assert any(_cells(html, label)), (table, html, "no value in the new column")
    assert "省委第四巡视组" in _cells(overview / "index.html", "巡视组甲")
    wb = openpyxl.load_workbook(out / "docs/downloads/overview.xlsx")
    for sheet, label in (("各单位情况", "巡视组甲"), ("分方面", "最低单位甲"), ("逾期事项", "填报单位甲"),
                         ("共性问题", "内容甲"), ("数据问题", "来源甲")):
        assert label in _sheet_header(wb[sheet]), sheet
        assert _column_values(wb[sheet], label), (sheet, "no value in the new column")


def test_a_sheet_made_wider_than_the_page_counts_every_printed_page(gathered, tmp_path):
    """各单位情况 with its added column no longer fits A4 at 9 pt: it prints two pages wide,
    and 第 N 页 共 M 页 says so (M counted the rows' pages only, “第 2 页 共 1 页”)."""
    from office import pdf_pages, pdf_text, to_pdf
    pdf = to_pdf(gathered / "docs/downloads/overview.xlsx", tmp_path, "add-column-overview.pdf")
    pages, _ = pdf_pages(pdf)
    text = re.sub(r"\s+", "", pdf_text(pdf))
    footers = re.findall(r"第(\d+)页共(\d+)页", text)
    assert len(footers) == pages
    assert all(int(n) <= int(m) for n, m in footers), footers
    assert ("2", "2") in footers and sum(int(m) for n, m in footers if n == "1") == pages


def test_the_declarations_sheet_is_found_by_its_declared_labels(tmp_path):
    """说明事项 renamed 情况说明 and 内容 renamed 具体说明 in taizhang.yml: the export's sheet says so,
    and the importer finds that sheet by the same labels (they are not written in its code)."""
    project = copy_project(tmp_path / "src")
    raw = yaml.safe_load((REPO / "hooks/taizhang/vocabulary.yml").read_text(encoding="utf-8"))
    columns = [dict(spec, label="具体说明") if spec["name"] == "text" else spec for spec in raw["tables"]["declarations"]]
    text = "natures:\n  declaration: {label: 情况说明}\ntables:\n  declarations:\n" + \
        "".join(f"    - {_flow(spec)}\n" for spec in columns)
    (project / "taizhang.yml").write_text(text, encoding="utf-8")
    for path in (project / "records").rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("性质: 说明事项", "性质: 情况说明"), encoding="utf-8")
    exported = tmp_path / "整改台账.xlsx"
    result = run_cli("export", "--format", "xlsx", "-o", str(exported), cwd=project, TAIZHANG_TODAY=SAMPLE_TODAY)
    assert result.returncode == 0, result.stderr
    assert _sheet_header(openpyxl.load_workbook(exported)["情况说明"])[-2:] == ["情况说明", "具体说明"]
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text(text, encoding="utf-8")
    do_import(root, exported)
    declarations = [p for p in imported(root)["查摆问题"] if p.get("性质") == "情况说明"]
    assert len(declarations) == 4 and all(d.content.strip() for d in declarations)


def _renamed_case_with(tmp_path, table: str, added: str, **analyse_args):
    """The renamed golden case (it has an earlier round and a carried measure, the
    sample has none) with `table`'s default columns plus `added` in its taizhang.yml, analysed."""
    from taizhang.project import analyse
    case = REPO / "tests/golden/pages/renamed"
    project = tmp_path / "p"
    shutil.copytree(case / "records", project / "records")
    raw = yaml.safe_load((REPO / "hooks/taizhang/vocabulary.yml").read_text(encoding="utf-8"))
    extra = f"tables:\n  {table}:\n" + "".join(f"    - {_flow(spec)}\n" for spec in raw["tables"][table]) + added
    (project / "taizhang.yml").write_text((case / "taizhang.yml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return analyse(project, **analyse_args)


def test_the_carried_list_shows_its_new_column(tmp_path):
    """承接事项 (the sample has no carried measure): the renamed golden case has one. Its
    taizhang.yml plus the same `tables.carried` entry adds the column to the page and the sheet."""
    from taizhang.export.xlsx import build_workbook
    from taizhang.render.site import render_site
    from taizhang.views import Scope
    analysis = _renamed_case_with(tmp_path, "carried", f"    - {ADDED['carried']}\n")
    assert not analysis.errors, [p.format() for p in analysis.errors]
    page = render_site(analysis).pages["carried/index.md"]
    assert "<th>状态甲</th>" in page and 'data-label="状态甲"' in page
    ledger = analysis.ledger
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, Scope(ledger, ledger.current_round))))
    sheet = wb[analysis.vocab.phrase("sheet_carried")]
    assert "状态甲" in _sheet_header(sheet) and _column_values(sheet, "状态甲")


def test_the_handed_over_list_shows_its_new_column(tmp_path):
    """转入后续 (tables.carried_out): the renamed case's earlier round, whose measure the
    later round continues, shows the added column on its 承接事项 page."""
    from taizhang.export.xlsx import build_workbook
    from taizhang.render.site import render_site
    from taizhang.views import Scope
    analysis = _renamed_case_with(tmp_path, "carried_out",
                                  f"    - {ADDED['carried_out']}\n    - {{name: measure, as: id, label: 编号乙}}\n",
                                  round_id="LC-000")
    assert not analysis.errors, [p.format() for p in analysis.errors]
    page = render_site(analysis).pages["carried/index.md"]
    assert "<th>后续状态甲</th>" in page and 'data-label="后续状态甲">正在推进<' in page
    assert 'data-label="编号乙"' in page and ">CS-005<" in page
    # no sheet: the earlier round's workbook stays as it was archived (test_archive)
    ledger = analysis.ledger
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, Scope(ledger, ledger.current_round))))
    assert not any("后续状态甲" in _sheet_header(ws) for ws in wb.worksheets)
