"""`taizhang import` of ledgers: Excel layouts built here with openpyxl, CSV,
taizhang's own 整改台账.xlsx back into an equivalent ledger, and bombs."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from importing import do_import, empty_project, imported
from conftest import copy_project, env, run_cli
from taizhang.export.text import plain_text
from taizhang.project import analyse

HEADER_A = ["序号", "巡视反馈问题", "问题表现", "整改举措", "牵头领导", "牵头单位", "配合单位", "责任人",
            "完成时限", "完成情况", "是否销号", "备注"]


def layout_a(path: Path) -> Path:
    """A unit's ledger: two title rows, header on row 4, area rows merged across,
    feedback merged over three measures and a problem over two, Excel dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "XX市财政局关于市委第三轮巡察反馈意见整改落实台账"
    ws.merge_cells("A1:L1")
    ws["A2"] = "填报单位：市财政局办公室        填报日期：2023年9月1日"
    ws.merge_cells("A2:L2")
    ws.append([])
    ws.append(HEADER_A)                                     # row 4
    ws.append(["一、党的建设方面"] + [None] * 11)           # row 5
    ws.merge_cells("A5:L5")
    ws.append([1, "理论学习中心组学习不规范，\n学用结合不紧", "中心组学习计划执行不严格，2022年有3次学习未按计划开展。",
               "1. 修订中心组学习制度，严格按年度计划开展学习。", "局党组书记", "机关党委", "办公室", "张某",
               dt.datetime(2023, 9, 30), "已完成修订并印发", "是", "已报市委巡察办"])
    ws.append([2, None, None, "2. 建立学习督查通报机制。", "局党组书记", "机关党委", None, "张某",
               "2023年12月31日", "正在推进", "否", None])
    ws.append([3, None, "学习成果转化不够，调研课题少。", "3. 每年确定不少于5个调研课题。", "分管副局长",
               "政策研究室", None, "李某", "长期坚持", "基本完成", "否", None])
    ws.merge_cells("B6:B8")
    ws.merge_cells("C6:C7")
    ws.append(["二、业务工作方面"] + [None] * 11)           # row 9
    ws.merge_cells("A9:L9")
    ws.append([4, "预算执行进度偏慢", "部分专项资金下达不及时。", "4. 建立预算执行月通报制度。", "分管副局长",
               "预算科", "国库科", "王某", "2023年8月底", "未完成", "否", "立行立改"])
    path = path / "财政局整改台账.xlsx"
    wb.save(path)
    return path


def test_unit_ledger_with_title_block_merged_cells_and_variants(tmp_path):
    source = layout_a(tmp_path)
    root = empty_project(tmp_path)
    result = do_import(root, source)
    kinds = imported(root)
    (rnd,) = kinds["巡视轮次"]
    assert rnd["标题"] == "XX市财政局关于市委第三轮巡察反馈意见整改落实"
    assert rnd["整改方面"] == {"一": "党的建设", "二": "业务工作"}
    assert [f["反馈原文"] for f in kinds["反馈问题"]] == ["理论学习中心组学习不规范，学用结合不紧", "预算执行进度偏慢"]
    problems = kinds["查摆问题"]
    assert [p["方面"] for p in problems] == ["一", "一", "二"]
    assert [p.get("对应反馈") for p in problems] == [["FK-001"], ["FK-001"], ["FK-002"]]
    assert problems[0].content == "中心组学习计划执行不严格，2022年有3次学习未按计划开展。"
    measures = kinds["整改措施"]
    assert [m["整改问题"] for m in measures] == [["WT-001"], ["WT-001"], ["WT-002"], ["WT-003"]]
    assert [m["标题"] for m in measures] == ["修订中心组学习制度，严格按年度计划开展学习", "建立学习督查通报机制",
                                            "每年确定不少于5个调研课题", "建立预算执行月通报制度"]
    assert [str(m["整改时限"]) for m in measures] == ["2023-09-30", "2023-12-31", "长期坚持", "2023-08-31"]
    assert [m["整改状态"] for m in measures] == ["已销号", "正在整改", "基本完成（持续整改）", "正在整改"]
    assert measures[0]["责任单位"] == ["机关党委", "办公室"] and measures[0]["责任领导"] == "局党组书记"
    assert measures[3]["责任单位"] == ["预算科", "国库科"]
    # the unknown column is reported and kept in the body
    assert "未识别的列" in result.stdout and "“备注”" in result.stdout
    assert "**备注**：已报市委巡察办" in measures[0].content
    assert "**整改进展（原表）**：已完成修订并印发" in measures[0].content


def test_csv_in_gbk_with_blank_continuation_cells_and_status_words(tmp_path):
    rows = [
        "序号,反馈问题,具体问题,原因,整改措施,分管领导,责任部门,时间节点,整改进展,整改状态",
        "1,落实意识形态工作责任制不到位,阵地管理有漏洞,思想重视不够,清理规范微信公众号,副县长,宣传部,2023/7/15,已关停2个,完成",
        ",,,,建立阵地管理台账,副县长,宣传部,2023.10.1,,正在推进",
        "2,基层党组织软弱涣散,村级组织换届后培训不足,,开展村干部轮训,组织部长,组织部,长期坚持,,基本完成",
        "3,,,,整顿软弱涣散村党组织,组织部长,组织部、乡镇党委,2023年12月,,未完成",
    ]
    source = tmp_path / "台账.csv"
    source.write_bytes("\r\n".join(rows).encode("gb18030"))
    root = empty_project(tmp_path)
    do_import(root, source)
    kinds = imported(root)
    assert len(kinds["反馈问题"]) == 2 and len(kinds["查摆问题"]) == 2 and len(kinds["原因剖析"]) == 1
    assert kinds["查摆问题"][0]["问题原因"] == ["YY-001"]
    measures = kinds["整改措施"]
    assert [m["整改问题"] for m in measures] == [["WT-001"], ["WT-001"], ["WT-002"], ["WT-002"]]
    assert [str(m["整改时限"]) for m in measures] == ["2023-07-15", "2023-10-01", "长期坚持", "2023-12-31"]
    assert [m["整改状态"] for m in measures] == ["已完成", "正在整改", "基本完成（持续整改）", "正在整改"]
    assert measures[3]["责任单位"] == ["组织部", "乡镇党委"]


def test_header_on_the_first_row_and_only_problem_and_measure_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["查摆问题", "整改措施", "责任单位", "整改时限"])
    ws.append(["（一）服务群众意识不强。窗口单位办事效率低。", "推行一次办结。", "行政审批局", dt.date(2023, 10, 1)])
    ws.append(["（二）调查研究不深入。", "建立基层联系点。", "办公室", "2023-11-30"])
    source = tmp_path / "简表.xlsx"
    wb.save(source)
    root = empty_project(tmp_path)
    result = run_cli("import", str(source), "--dry-run", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "（一）未分方面" in result.stdout and "WT-001 服务群众意识不强" in result.stdout
    assert "措施 CS-001 推行一次办结（行政审批局，2023-10-01）" in result.stdout
    assert not any((root / "records").iterdir())          # dry run: nothing written
    do_import(root, source)
    assert [str(m["整改时限"]) for m in imported(root)["整改措施"]] == ["2023-10-01", "2023-11-30"]


def _compare(original, copy, causes_exported: bool) -> None:
    """Every measure and problem in the copy equals the original field by field."""
    assert copy.ledger.of_kind("measure"), "nothing imported"
    for m in copy.ledger.of_kind("measure"):
        o = original.ledger.get(m.id)
        assert (m.title, m.leader and "、".join(m.leader), m.unit, m.owner, m.deadline, m.long_term, m.status,
                m.completed_on, m.signed_off_by, m.signed_off_on) == \
               (o.title, o.leader and "、".join(o.leader), o.unit, o.owner, o.deadline, o.long_term, o.status,
                o.completed_on, o.signed_off_by, o.signed_off_on), m.id
        assert [(p.on, p.text) for p in m.progress] == [(p.on, p.text) for p in o.progress], m.id
        assert [e.name for e in m.evidence] == [e.name for e in o.evidence], m.id
        # a problem the export lists only as “（同时整改 WT-…）” cannot come back: the body says so
        said = [l for l in plain_text(m.body).split("\n") if not l.startswith("（原表注明同时整改")]
        assert "\n".join(said) == plain_text(o.body), m.id
        in_table = {p.id for p in copy.ledger.of_kind("problem")}
        assert [l.target for l in m.problems] == [l.target for l in o.problems if l.target in in_table], m.id
    for p in copy.ledger.of_kind("problem"):
        o = original.ledger.get(p.id)
        assert (p.title, plain_text(p.body)) == (o.title, plain_text(o.body)), p.id
        assert [f.quote for f in copy.ledger.targets(p, "feedback")] == \
               [f.quote or f.title for f in original.ledger.targets(o, "feedback")], p.id
        if causes_exported:
            assert [c.title for c in copy.ledger.targets(p, "causes")] == \
                   [c.title for c in original.ledger.targets(o, "causes")], p.id
        assert (p.area, p.nature) == (o.area, o.nature), p.id
        assert [m.id for m in copy.ledger.measures_of(p.id)] == \
               [m.id for m in original.ledger.measures_of(o.id) if copy.ledger.get(m.id)], p.id


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_taizhangs_own_ledger_imports_back_into_an_equivalent_ledger(tmp_path, fmt):
    sample = copy_project(tmp_path / "sample")
    exported = tmp_path / f"整改台账.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(exported), cwd=sample)
    assert result.returncode == 0, result.stderr
    root = empty_project(tmp_path)
    do_import(root, exported)
    original, copy = analyse(sample), analyse(root)
    header = open(exported, encoding="utf-8-sig").readline() if fmt == "csv" else \
        " ".join(str(c.value) for row in openpyxl.load_workbook(exported).worksheets[0].iter_rows(max_row=10) for c in row)
    _compare(original, copy, causes_exported="原因" in header)
    (rnd,) = copy.ledger.rounds
    if fmt == "xlsx":                  # the title block, and the 说明事项 sheet
        assert rnd.title == original.ledger.rounds[0].title
        assert (rnd.as_of, rnd.inspected) == (original.ledger.rounds[0].as_of, original.ledger.rounds[0].inspected)
        assert {p.id for p in copy.ledger.of_kind("problem")} == {p.id for p in original.ledger.of_kind("problem")}
    # every measure, problem, feedback item and area came back
    assert {m.id for m in copy.ledger.of_kind("measure")} == {m.id for m in original.ledger.of_kind("measure")}
    kept = lambda a: {p.id for p in a.ledger.of_kind("problem") if not p.is_declaration}  # noqa: E731
    assert kept(copy) == kept(original)
    assert [(f.id, f.quote, f.area) for f in copy.ledger.of_kind("feedback")] == \
           [(f.id, f.quote, f.area) for f in original.ledger.of_kind("feedback")]
    used = {p.area for p in copy.ledger.of_kind("problem")}
    assert [a for a in rnd.areas if a[0] in used] == [a for a in original.ledger.rounds[0].areas if a[0] in used]


def _bomb(path: Path, inner: str, size: int) -> Path:
    """A valid-looking Office zip whose one XML part expands to `size` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with z.open(inner, "w", force_zip64=True) as handle:
            chunk = b"<a>" + b" " * (1024 * 1024) + b"</a>"
            for _ in range(size // len(chunk) + 1):
                handle.write(chunk)
    return path


@pytest.mark.parametrize("name,inner", [("bomb.docx", "word/document.xml"), ("bomb.xlsx", "xl/worksheets/sheet1.xml")])
def test_zip_bomb_is_refused_in_bounded_memory(tmp_path, name, inner):
    source = _bomb(tmp_path / name, inner, 200 * 1024 * 1024)
    assert source.stat().st_size < 2 * 1024 * 1024
    root = empty_project(tmp_path)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20))"
    code = f"{limit}; import sys; from taizhang.cli import main; sys.exit(main(['import', {str(source)!r}]))"
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "超过上限 50 MB" in result.stderr and "Traceback" not in result.stderr
    assert not any((root / "records").iterdir())


@pytest.mark.parametrize("name,payload", [
    ("broken.xlsx", b"PK\x03\x04not really"),
    ("empty.xlsx", None),
    ("noparts.docx", None),
])
def test_damaged_office_files_are_explained_in_chinese(tmp_path, name, payload):
    source = tmp_path / name
    if payload is None:
        with zipfile.ZipFile(source, "w") as z:
            z.writestr("hello.txt", "hi")
    else:
        source.write_bytes(payload)
    root = empty_project(tmp_path)
    result = run_cli("import", str(source), cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不是有效的" in result.stderr and "另存为" in result.stderr
    assert not any(ch.isascii() and ch.isalpha() for ch in result.stderr.split("：", 1)[1].replace(name, "")
                   .replace("Office", "").replace("WPS", "").replace("Excel", "").replace("Word", "")
                   .replace("docx", "").replace("xlsx", "")), result.stderr


def test_two_row_header_with_a_group_over_the_responsible(tmp_path):
    """序号 … merged down two rows, “责任主体” merged across 责任领导/责任单位/责任人 below it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX县卫健局巡察整改台账"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "问题表现", "整改措施", "责任主体", None, None, "时间节点", "是否完成"])
    ws.append([None, None, None, "分管领导", "责任科室", "责任人", None, None])
    for col in "ABCGH":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:F2")
    ws.append([1, "医疗废物管理不规范。", "开展专项检查。", "副局长", "医政科", "周某", dt.datetime(2023, 11, 30), "否"])
    ws.append([2, "药品采购监管不严。", "建立采购台账。", "副局长", "药政科", "吴某", "2023年12月", "是"])
    source = tmp_path / "两行表头.xlsx"
    wb.save(source)
    root = empty_project(tmp_path)
    result = do_import(root, source)
    measures = imported(root)["整改措施"]
    assert [(m["责任领导"], m["责任单位"], m["责任人"]) for m in measures] == [("副局长", "医政科", "周某"),
                                                                          ("副局长", "药政科", "吴某")]
    assert [str(m["整改时限"]) for m in measures] == ["2023-11-30", "2023-12-31"]
    assert [m["整改状态"] for m in measures] == ["正在整改", "已完成"]
    assert "未识别的列" not in result.stdout


def test_column_names_come_from_the_vocabulary_and_taizhang_yml(tmp_path):
    """The header names live in vocabulary.yml (`import.columns`); a unit adds its
    own there, and a column it renamed in `ledger_columns` reads back too."""
    rows = ["序号,反馈问题,查摆问题,整改措施,督办领导,主办处室,办结日期",
            "1,学习不深入,学习计划不细,制定学习计划,甲领导,办公室,2023-10-01"]
    source = tmp_path / "台账.csv"
    source.write_text("\r\n".join(rows), encoding="utf-8-sig")
    root = empty_project(tmp_path)
    result = run_cli("import", str(source), "--dry-run", cwd=root)
    assert "主办处室" in result.stdout and "办结日期" in result.stdout      # not recognised: listed as unknown
    (root / "taizhang.yml").write_text(
        "ledger_columns:\n  - {name: measure, label: 整改措施}\n  - {name: unit, label: 主办处室}\n"
        "import:\n  columns:\n    deadline: [办结日期]\n", encoding="utf-8")
    do_import(root, source)
    measure = imported(root)["整改措施"][0]
    assert measure["责任单位"] in ("办公室", ["办公室"]) and str(measure["整改时限"]) == "2023-10-01"
    assert measure["责任领导"] in ("甲领导", ["甲领导"])          # 督办领导: by the keyword 领导


# -- amplification: a string stored once, read from many cells ---------------

AMPLIFIED = "整改落实不到位" * 3_000          # 21,000 characters: under the per-cell limit


def _amplifying_xlsx(path: Path, rows: int, text: str = AMPLIFIED) -> Path:
    """A workbook written by hand as Excel writes it: `text` stored once in the
    shared strings and referenced from two cells of every row (a small file,
    a huge import). openpyxl itself writes each cell's text inline, and cuts
    it at 32,767 characters."""
    from xml.sax.saxutils import escape
    strings = ["查摆问题", "整改措施", "责任单位", "整改时限", "办公室", "2023-11-30", text]
    def row(number, cells):
        return f'<row r="{number}">' + "".join(
            f'<c r="{col}{number}" t="s"><v>{index}</v></c>' for col, index in zip("ABCD", cells)) + "</row>"
    sheet = "".join([row(1, (0, 1, 2, 3))] + [row(n, (6, 6, 4, 5)) for n in range(2, rows + 2)])
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _amplifying_docx(path: Path, rows: int) -> Path:
    """A Word task table whose first column is one cell merged down every row."""
    import docx
    document = docx.Document()
    document.add_paragraph("十一届省委第三轮巡视反馈问题整改台账")
    table = document.add_table(rows=rows + 1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("查摆问题", "整改措施", "责任单位")):
        cell.text = text
    for top in range(1, rows + 1, 100):     # merged in runs of 100 rows (python-docx merges recursively)
        table.cell(top, 0).text = AMPLIFIED
        table.cell(top, 0).merge(table.cell(min(top + 99, rows), 0))
    for r in range(1, rows + 1):
        table.cell(r, 1).text = f"措施{r}"
        table.cell(r, 2).text = "办公室"
    document.save(path)
    return path


def _refused(root: Path, source: Path, *words: str) -> None:
    before = sorted(p.name for p in root.iterdir())
    result = run_cli("import", str(source), "--folder", "x", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.stderr.startswith("没有导入：") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert not any((root / "records").iterdir()) and sorted(p.name for p in root.iterdir()) == before


def test_text_referenced_from_many_cells_is_refused_before_it_multiplies(tmp_path):
    """An .xlsx's shared string read from 2,000 cells: 42 million characters from a small file."""
    source = _amplifying_xlsx(tmp_path / "放大.xlsx", 1_000)
    assert source.stat().st_size < 300_000
    root = empty_project(tmp_path)
    _refused(root, source, "放大.xlsx 读出的文字超过", "20,000,000", "import.max_total_chars")


def test_word_cell_merged_down_a_table_counts_on_every_row(tmp_path):
    """The limit is configurable; a Word table's merged cell is read (and counted) on each row."""
    source = _amplifying_docx(tmp_path / "放大.docx", 100)     # 2.1 million characters read
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text("import:\n  max_total_chars: 1000000\n", encoding="utf-8")
    _refused(root, source, "放大.docx 读出的文字超过", "1,000,000", "import.max_total_chars")


def test_one_cell_over_the_limit_is_refused_naming_it(tmp_path):
    source = _amplifying_xlsx(tmp_path / "长.xlsx", 1, "字" * 40_000)
    root = empty_project(tmp_path)
    _refused(root, source, "单元格 A2", "40,000", "32,767", "import.max_cell_chars")


def test_outline_paragraph_over_the_limit_is_refused(tmp_path):
    source = tmp_path / "提纲.txt"
    source.write_text("一、查摆出来的问题\n（一）" + "字" * 40_000 + "\n二、整改措施\n（一）措施。\n", encoding="utf-8")
    root = empty_project(tmp_path)
    _refused(root, source, "第 2 段", "import.max_cell_chars")


def test_limits_are_configurable_and_a_ledger_within_them_imports(tmp_path):
    source = _amplifying_xlsx(tmp_path / "放大.xlsx", 5)
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text("import:\n  max_total_chars: 100000\n", encoding="utf-8")
    _refused(root, source, "读出的文字超过", "100,000")
    (root / "taizhang.yml").write_text("import:\n  max_total_chars: 1000000\n", encoding="utf-8")
    do_import(root, source)
    assert imported(root)["整改措施"] and imported(root)["查摆问题"]


def test_status_words_come_from_the_vocabulary_and_taizhang_yml(tmp_path):
    """The words a status cell is read from are `import.status_words` (not code): a unit's
    own word (挂账) reads as its status once its taizhang.yml says so; a status name there
    that does not exist is a configuration error naming the ones there are."""
    rows = ["序号,反馈问题,具体问题,整改措施,责任部门,时间节点,整改状态",
            "1,学习不深入,学习计划不细,制定学习计划,办公室,2023-10-01,挂账中",
            "2,作风不实,调研不多,开展蹲点调研,办公室,2023-11-01,已整改"]
    source = tmp_path / "台账.csv"
    source.write_text("\r\n".join(rows), encoding="utf-8-sig")
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text("import:\n  status_words:\n    in_progress: [挂账, 正在, 推进]\n", encoding="utf-8")
    do_import(root, source)
    assert [m["整改状态"] for m in imported(root)["整改措施"]] == ["正在整改", "已完成"]
    (root / "taizhang.yml").write_text("import:\n  status_words:\n    in_progres: [挂账]\n", encoding="utf-8")
    result = run_cli("import", str(source), "--dry-run", cwd=root)
    assert result.returncode != 0 and "in_progres" in result.stderr and "in_progress" in result.stderr


RENAMED_EXPORT_WORDS = """lights:
  red: {label: 超期}
  yellow: {label: 将到期}
phrases:
  ledger_same: 同前
  ledger_same_at: "同前（第 {number} 行）"
  completed_on_text: "{date}办结"
  late_done: "{lights[red]} {days} 日后办结"
  signoff_text: "{when} 核销"
  days_left: 余 {days} 日
  overdue_days: "{lights[red]} {days} 日"
  no_measures: "暂无{measure}"
  no_problems: "暂无{problem}回应"
  ledger_no_feedback: "（没有{feedback}）"
  ledger_no_problem: "（没有{problem}）"
"""


def test_a_ledger_exported_with_renamed_words_imports_back(tmp_path):
    """The words taizhang's own export adds to a cell (同上, 日期完成, 销号, a light and its days, gap
    markers) are read back from the same phrases: renamed in taizhang.yml, the workbook still
    imports into an equivalent ledger (these words are not written in the importer)."""
    sample = copy_project(tmp_path / "sample")
    (sample / "taizhang.yml").write_text(RENAMED_EXPORT_WORDS, encoding="utf-8")
    exported = tmp_path / "整改台账.xlsx"
    result = run_cli("export", "--format", "xlsx", "-o", str(exported), cwd=sample)
    assert result.returncode == 0, result.stderr
    cells = " ".join(str(c.value) for row in openpyxl.load_workbook(exported).worksheets[0].iter_rows() for c in row)
    assert "同前" in cells and "办结" in cells and "核销" in cells and "同上" not in cells
    root = empty_project(tmp_path)
    (root / "taizhang.yml").write_text(RENAMED_EXPORT_WORDS, encoding="utf-8")
    do_import(root, exported)
    _compare(analyse(sample), analyse(root), causes_exported=False)


def test_completion_lines_that_only_look_like_taizhangs_own_are_kept_and_read_fast(tmp_path):
    """（整改状态填写为…） is taizhang's own line only around a status word: around other
    text it stays in the record (nothing a unit wrote is dropped); a completion cell of
    30,000 spaces inside such a line imports at once (the patterns backtracked for hours)."""
    import time
    rows = ["序号,查摆问题,整改措施,责任单位,整改时限,完成情况",
            '1,问题一,措施一,区委组织部,2023年8月16日,"已完成\n（整改状态填写为待领导小组复核）"',
            '2,问题二,措施二,区委组织部,2023年8月16日,"已完成\n（整改状态填写为正在整改）"',
            '3,问题三,措施三,区委组织部,2023年8月16日,"已完成\n（整改状态填写为' + " " * 30000 + 'x）"']
    source = tmp_path / "台账.csv"
    source.write_text("\n".join(rows), encoding="utf-8")
    root = empty_project(tmp_path)
    started = time.perf_counter()
    do_import(root, source)
    assert time.perf_counter() - started < 60
    measures = imported(root)["整改措施"]
    assert [m["整改状态"] for m in measures] == ["已完成", "正在整改", "已完成"]
    assert "待领导小组复核" in measures[0].content and "待领导小组复核" not in measures[1].content
    assert "（整改状态填写为" not in measures[1].content and "x）" in measures[2].content
