"""整改台账.xlsx, ledger.csv and report.docx as a 整改办 staffer gets them:
opened by real clients (LibreOffice → PDF, pdftotext; openpyxl and
python-docx reading the files independently), on the sample and on a
generated ledger with gaps and hostile text. PDFs are kept in test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import REPO, build, copy_project, run_cli
from office import pdf_fonts, pdf_pages, pdf_text, pdf_words, to_pdf
from sitecheck import soup
from taizhang.vocabulary import load_vocabulary

RED_FILL = load_vocabulary().enums["lights"]["red"].fill.lstrip("#").upper()   # gaps: the overdue light's fill

HOSTILE_OWNER = '=HYPERLINK("http://example.invalid/x","点击查看")'
EXTRA = {
    # a feedback item nobody answers
    "records/feedback/FK-018.md": """---
编号: FK-018
类别: 反馈问题
标题: 基层党组织书记培训覆盖面不足
轮次: LC-001
方面: 二
反馈原文: 基层党组织书记培训覆盖面不足
---
""",
    # a problem with no measure, answering FK-004
    "records/problems/WT-017.md": """---
编号: WT-017
类别: 查摆问题
标题: 培训计划落实不到位
轮次: LC-001
方面: 二
对应反馈:
  - FK-004
---

具体表现待补充。
""",
    # a problem that answers no feedback item (and has no measure)
    "records/problems/WT-018.md": """---
编号: WT-018
类别: 查摆问题
标题: "@SUM(1+1)*cmd|' /C calc'!A0"
轮次: LC-001
方面: 三
---
""",
}


def _hostile(root: Path) -> None:
    path = root / "records/measures/CS-008.md"
    text = path.read_text(encoding="utf-8")
    owner = re.search(r"^责任人: .*$", text, re.M).group(0)
    text = text.replace(owner, f"责任人: '{HOSTILE_OWNER}'")
    text = text.replace("整改进展:\n", '整改进展:\n  - 日期: 2023-08-01\n    内容: "+1 -1 \\t=1+1 已部署"\n', 1)
    path.write_text(text, encoding="utf-8")
    cs7 = root / "records/measures/CS-007.md"
    text = cs7.read_text(encoding="utf-8")
    cs7.write_text(re.sub(r"^责任人: .*$", "责任人: '-2+3'", text, count=1, flags=re.M), encoding="utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The sample plus gaps and formula-looking text; its exports and PDFs."""
    root = copy_project(tmp_path_factory.mktemp("generated") / "p")
    for rel, text in EXTRA.items():
        (root / rel).write_text(text, encoding="utf-8")
    _hostile(root)
    # the gaps are deliberate: keep the strict build green
    (root / "taizhang.yml").write_text('rules:\n  feedback-unanswered: "off"\n  problem-without-measure: "off"\n',
                                       encoding="utf-8")
    check = run_cli("check", "--strict", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr
    out = root.parent / "out"
    out.mkdir()
    for fmt in ("xlsx", "csv", "docx"):
        result = run_cli("export", "--format", fmt, "-o", str(out / f"ledger.{fmt}"), cwd=root)
        assert result.returncode == 0, result.stderr
    return root, out


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-office")
    for fmt in ("xlsx", "docx"):
        result = run_cli("export", "--format", fmt, "-o", str(out / f"ledger.{fmt}"), cwd=REPO)
        assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sample_pdfs(sample):
    names = {"xlsx": "整改台账-示例.xlsx.pdf", "docx": "整改进展情况报告-示例.docx.pdf"}
    return {fmt: to_pdf(sample / f"ledger.{fmt}", sample, name) for fmt, name in names.items()}


def _ids(prefix: str, root: Path = REPO, skip_declarations: bool = True) -> list[str]:
    found = []
    for path in sorted((root / "records").rglob(f"{prefix}-*.md")):
        if skip_declarations and "性质: 说明事项" in path.read_text(encoding="utf-8"):
            continue
        found.append(path.stem)
    return found


# -- item 2: never a formula ---------------------------------------------------
def test_no_formula_anywhere_in_the_workbook(generated):
    _, out = generated
    with zipfile.ZipFile(out / "ledger.xlsx") as z:
        sheets = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
        styles = z.read("xl/styles.xml").decode("utf-8")
    assert sheets and not any("<f>" in x or "<f " in x for x in sheets.values())
    assert 'quotePrefix="1"' in styles
    wb = openpyxl.load_workbook(out / "ledger.xlsx")
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t")):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found.setdefault(cell.value.split("\n")[0][:12], cell.quotePrefix)
    assert found.get(HOSTILE_OWNER[:12]) is True and found.get("-2+3") is True
    assert found.get("@SUM(1+1)*cm") is True          # the title alone in 问题清单


def test_libreoffice_shows_formula_text_as_text(generated, tmp_path):
    _, out = generated
    text = pdf_text(to_pdf(out / "ledger.xlsx", tmp_path, "整改台账-生成-公式.xlsx.pdf"))
    assert "=HYP" in text       # the text itself (wrapped in its narrow column), not a link labelled 点击查看
    assert "-2+3" in text
    for record_id in ("FK-018", "WT-017", "WT-018"):
        assert record_id in text


def test_csv_neutralises_formulas_owasp(generated):
    _, out = generated
    rows = [r[1:] for r in csv.reader(io.StringIO((out / "ledger.csv").read_text(encoding="utf-8-sig")))]  # after 示例数据
    cells = [c for r in rows for c in r]
    assert "'" + HOSTILE_OWNER in cells and "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert any(c.startswith("WT-018 @SUM(1+1)") for c in (r[3] for r in rows))    # not at the start: as is
    assert any(c.startswith("CS-008") for c in (r[4] for r in rows))
    progress = [r[9] for r in rows if r[4].startswith("CS-008")]
    assert progress and all("+1 -1 \t=1+1 已部署" in p for p in progress)   # inside a cell: harmless, kept


# -- item 1: gaps get their rows ---------------------------------------------
def test_gaps_have_rows_with_markers(generated):
    _, out = generated
    ws = openpyxl.load_workbook(out / "ledger.xlsx")["整改台账"]
    rows = {(str(r[1].value or "")[:6], str(r[2].value or "")[:6]): r for r in ws.iter_rows(min_row=4)}
    unanswered = next(r for (fk, _), r in rows.items() if fk == "FK-018")
    assert unanswered[2].value == "（尚无查摆问题回应）" and unanswered[2].fill.fgColor.rgb.endswith(RED_FILL)
    no_measure = next(r for (_, wt), r in rows.items() if wt == "WT-017")
    assert no_measure[3].value == "（尚无整改措施）" and no_measure[3].fill.fgColor.rgb.endswith(RED_FILL)
    no_feedback = next(r for (_, wt), r in rows.items() if wt == "WT-018")
    assert no_feedback[1].value == "（无对应反馈问题）" and no_feedback[0].value is None
    numbers = [r[0].value for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]
    # in order; a number shows again only where its rows continue on the next page
    assert list(dict.fromkeys(numbers)) == list(range(1, 19)) and numbers == sorted(numbers)
    csv_rows = [r[1:] for r in csv.reader(io.StringIO((out / "ledger.csv").read_text(encoding="utf-8-sig")))]
    assert any(r[2].startswith("FK-018") and r[3] == "（尚无查摆问题回应）" for r in csv_rows)
    assert any(r[3].startswith("WT-018") and r[2] == "（无对应反馈问题）" for r in csv_rows)


# -- item 3: legible in print ------------------------------------------------
def printed_sizes(path: Path) -> dict[str, float]:
    """The print arithmetic, recomputed from what the file says: the page
    width inside the margins, the column widths (Arial digits: 6.12 pt a
    unit), the body font size and fit-to-width or the fixed scale."""
    wb = openpyxl.load_workbook(path)
    paper_mm = {"9": 297.0, "8": 420.0}
    sizes = {}
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape"
        printable = (paper_mm[str(setup.paperSize)] / 25.4 - ws.page_margins.left - ws.page_margins.right) * 72
        widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:ws.max_column]]
        body = ws.cell(ws.max_row, 1).font.sz
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert setup.fitToWidth == 1 and setup.fitToHeight == 0
            scale = min(1.0, printable / (sum(widths) * 6.12))
        else:
            scale = setup.scale / 100
        sizes[ws.title] = body * scale
    return sizes


def test_print_arithmetic_keeps_body_text_at_9_pt(sample):
    sizes = printed_sizes(sample / "ledger.xlsx")
    assert set(sizes) == {"整改台账", "问题清单", "任务清单", "责任清单", "说明事项", "整改完成情况"}
    assert all(size >= 9.0 for size in sizes.values()), sizes
    assert 9.0 <= sizes["整改台账"] < 9.2       # 11 pt × 784 pt ÷ (156 units × 6.12 pt)


def test_libreoffice_prints_the_ledger_at_9_pt_on_a4(sample_pdfs):
    pages, (width, height) = pdf_pages(sample_pdfs["xlsx"])
    assert (round(width), round(height)) == (842, 595)      # A4 landscape
    words = {w: (dx, dy) for w, _, dx, dy in pdf_words(sample_pdfs["xlsx"])}
    for label in ("反馈问题", "整改措施", "责任领导", "责任单位", "整改时限", "整改进展", "完成情况", "佐证材料"):
        width_pt = words[label][0]
        assert width_pt / len(label) >= 8.95, (label, width_pt / len(label))   # one CJK glyph is one em (± rounding)
    text = pdf_text(sample_pdfs["xlsx"])
    for record_id in _ids("FK") + _ids("WT"):
        assert record_id in text, record_id
    assert "第 1 页 共" in text and "填报单位：中共XX市XX区委员会" in text
    assert "Noto Serif CJK" in pdf_fonts(sample_pdfs["xlsx"]).replace("NotoSerifCJK", "Noto Serif CJK")


def _sheet_pages(pdf: Path) -> list[list[str]]:
    """The printed pages of the workbook, grouped by sheet (a sheet starts at 第 1 页)."""
    pages = pdf_text(pdf).split("\f")
    sheets: list[list[str]] = []
    for page in pages:
        m = re.search(r"第 *(\d+) *页 *共 *(\d+) *页", page)
        if not m:
            continue
        if m.group(1) == "1":
            sheets.append([])
        sheets[-1].append(page)
    return sheets


def test_the_workbook_prints_as_paginated(sample_pdfs, sample):
    """Each sheet: pages numbered from 1 with its own total, which is the number
    of pages LibreOffice prints (the sheet's page breaks hold: nothing
    overflows); the header row and 示例数据 on every page; no ###; an area
    heading never last on a page; a sensible page count."""
    wb = openpyxl.load_workbook(sample / "ledger.xlsx")
    sheets = _sheet_pages(sample_pdfs["xlsx"])
    assert len(sheets) == len(wb.sheetnames)
    for ws, pages in zip(wb.worksheets, sheets):
        breaks = sorted(b.id for b in ws.row_breaks.brk)
        assert len(pages) == len(breaks) + 1, (ws.title, len(pages), breaks)
        for n, page in enumerate(pages, start=1):
            flat = "".join(page.split())
            assert f"第{n}页共{len(pages)}页" in flat, (ws.title, n)
            assert "示例数据" in flat and "###" not in flat
            assert flat.count(str(ws["A3"].value)) >= 1, (ws.title, n)          # the header row repeats
        for row in breaks:      # the last row of a page is never a heading row (an area, a leader or unit)
            cells = [c.value for c in ws[row]]
            assert not (cells[0] and not any(cells[1:])), (ws.title, row, cells[0])
    counts = {ws.title: len(pages) for ws, pages in zip(wb.worksheets, sheets)}
    # the sample typed by hand in the same layout, 9 pt, fills about 9 pages (rows' total height ÷ a page):
    # keeping each problem's rows on one page costs at most a few more
    assert counts["整改台账"] <= 13 and counts["问题清单"] <= 3 and counts["任务清单"] <= 5, counts


def test_a_merged_cell_cut_by_a_page_break_is_continued(sample):
    """序号, 反馈问题 and 查摆问题 merged over rows on two pages are merged again
    on the second, labelled as continued: no row there starts blank."""
    wb = openpyxl.load_workbook(sample / "ledger.xlsx")
    ws = wb["整改台账"]
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    continued = 0
    for row in breaks:
        top = row + 1
        values = [ws.cell(top, c).value for c in (1, 2, 3)]
        if values[0] and not any(values[1:]):
            continue                       # an area heading starts the page
        assert all(v not in (None, "") for v in values), (top, values)
        continued += sum(1 for v in values[1:] if str(v).endswith("（续上页）"))
    assert continued >= 2


def test_no_text_is_clipped_in_print(sample_pdfs):
    """Rows are tall enough: the last words of every feedback quote, problem
    and measure text are on the printed page (LibreOffice clips what a row
    height cannot hold)."""
    import frontmatter
    printed = "".join(pdf_text(sample_pdfs["xlsx"]).split())
    checked = 0
    for path in sorted((REPO / "records").rglob("*.md")):
        post = frontmatter.load(path)
        text = post.get("反馈原文") if post["类别"] == "反馈问题" else post.content
        runs = re.findall(r"[\u4e00-\u9fff]{3,}", text or "") if post["类别"] in ("反馈问题", "查摆问题", "整改措施") else []
        if runs:
            checked += 1
            assert runs[-1][-3:] in printed, (path.stem, runs[-1][-3:])
    assert checked >= 40


def test_a3_with_more_columns(tmp_path):
    root = copy_project(tmp_path / "a3")
    columns = """ledger_columns:
  - {name: number,     label: 序号, width: 4}
  - {name: feedback,   label: 反馈问题, width: 26}
  - {name: problem,    label: 查摆问题（具体表现）, width: 28}
  - {name: cause,      label: 原因, width: 18}
  - {name: measure,    label: 整改措施, width: 30}
  - {name: leader,     label: 责任领导, width: 12}
  - {name: unit,       label: 责任单位, width: 12}
  - {name: owner,      label: 责任人, width: 8}
  - {name: deadline,   label: 整改时限, width: 12}
  - {name: progress,   label: 整改进展, width: 32}
  - {name: completion, label: 完成情况, width: 14}
  - {name: evidence,   label: 佐证材料, width: 18}
  - {name: signoff,    label: 销号情况, width: 16}
exports:
  paper: A3
  filing_unit: XX区委巡视整改工作领导小组办公室
"""
    (root / "taizhang.yml").write_text(columns, encoding="utf-8")
    assert run_cli("export", "--format", "xlsx", "-o", str(tmp_path / "a3.xlsx"), cwd=root).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "a3.xlsx")
    ws = wb["整改台账"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3)
    assert ws["A2"].value == "填报单位：XX区委巡视整改工作领导小组办公室"
    assert [c.value for c in ws[3]][3] == "原因" and ws.max_column == 13
    signoff = [r[12] for r in ws.iter_rows(min_row=4, values_only=True) if str(r[4] or "").startswith("CS-001")]
    assert signoff and signoff[0].startswith("2023-07-10")
    assert all(size >= 9.0 for size in printed_sizes(tmp_path / "a3.xlsx").values())
    pdf = to_pdf(tmp_path / "a3.xlsx", tmp_path, "整改台账-A3.xlsx.pdf")
    _, (width, height) = pdf_pages(pdf)
    assert (round(width), round(height)) == (1191, 842)      # A3 landscape


def test_too_many_columns_print_at_9_pt_across_pages():
    from taizhang.export.xlsx import print_plan
    plan = print_plan([30] * 14, "A4", 11)
    assert not plan.fit_to_width and plan.printed_pt >= 9.0
    fitted = print_plan([4, 21, 22, 23, 9, 10, 7, 11, 24, 13, 12], "A4", 11)
    assert fitted.fit_to_width and 9.0 <= fitted.printed_pt < 9.2


def test_bad_export_settings_are_refused(tmp_path):
    from taizhang.vocabulary import ConfigError, load_vocabulary
    for text, word in (("exports:\n  paper: B5\n", "exports.paper"), ("exports:\n  font_size: 4\n", "exports.font_size"),
                       ("ledger_columns:\n  - {name: colour, label: 颜色}\n", "colour")):
        (tmp_path / "taizhang.yml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=word):
            load_vocabulary(tmp_path)


# -- item 4: the report in 公文 format ---------------------------------------
HEADING_STYLES = ("一级标题", "二级标题")


def test_report_docx_format(sample):
    document = docx.Document(str(sample / "ledger.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] \
        == [37, 35, 28, 26]
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert all(not p.style.name.startswith(("Heading", "Title", "List")) for p in document.paragraphs)

    def east_asian(style_or_run):
        return style_or_run.element.rPr.rFonts.get(qn("w:eastAsia"))

    # sample data: a line above the title says so
    assert paragraphs[0].text.startswith("示例数据：") and paragraphs[0].style.name == "示例说明"
    title = paragraphs[1]
    assert title.text == "十一届省委第三轮巡视整改进展情况报告"
    assert east_asian(title.style) == "方正小标宋简体" and title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == 1            # centred
    recipient = paragraphs[2]
    assert recipient.text == "省委第四巡视组：" and recipient.style.paragraph_format.first_line_indent in (None, 0)
    body = paragraphs[3]
    assert body.text.startswith("按照省委第四巡视组反馈意见") and "截至2023年8月10日" in body.text
    fmt = body.style.paragraph_format
    assert east_asian(body.style) == "仿宋_GB2312" and body.style.font.size == Pt(16)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= fmt.line_spacing.pt <= 29
    assert fmt.first_line_indent == Pt(32)
    assert body.style.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    headings = [p.text for p in paragraphs if p.style.name == "一级标题"]
    assert headings == ["一、总体进展", "二、反馈问题整改情况", "三、存在的问题和不足", "四、下一步工作"]
    assert all(east_asian(document.styles[name]) in ("黑体", "楷体_GB2312") for name in HEADING_STYLES)
    assert all(document.styles[name].paragraph_format.keep_with_next for name in HEADING_STYLES)
    runs = [p.runs[0] for p in paragraphs if p.text.startswith("（一）") and p.style.name == "公文正文"]
    assert runs and all(east_asian(r) == "楷体_GB2312" for r in runs)
    assert paragraphs[-3].text == "附件：十一届省委第三轮巡视整改台账（含问题清单、任务清单、责任清单）"
    assert [p.text for p in paragraphs[-2:]] == ["中共XX市XX区委员会", "2023年8月10日"]
    assert all(p.alignment is None and p.style.paragraph_format.alignment == 2 for p in paragraphs[-2:])  # right
    text = "\n".join(p.text for p in paragraphs)
    assert not re.search(r"\b(?:FK|WT|YY|CS|LC)-\d", text)            # no record ids in the body
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)                  # dates as 2023年8月10日
    with zipfile.ZipFile(sample / "ledger.docx") as z:
        styles, fonts = z.read("word/styles.xml").decode(), z.read("word/fontTable.xml").decode()
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    # Chinese as the East Asian language; Western text en-US (zh-CN there lets a number break across lines)
    assert 'w:eastAsia="zh-CN"' in styles and 'w:val="en-US"' in styles and 'w:val="zh-CN"' not in styles
    for name, fallback in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert re.search(f'w:name="{name}">.*?<w:altName w:val="{fallback}"', fonts, re.S), name
    assert "PAGE" in footer and "— " in footer and " —" in footer
    assert document.core_properties.language == "zh-CN"


def test_report_names_every_item_that_is_behind(sample):
    text = _docx_text(sample / "ledger.docx")
    issues = text.split("三、存在的问题和不足")[1].split("四、")[0]
    # CS-003 统筹兼顾 overdue since 2023-07-31; CS-006 due 2023-08-15; CS-009 not started, due 2023-09-30
    assert re.search(r"逾期未完成的整改措施 1 项。“统筹兼顾”（[^）]*整改时限2023年7月31日，已逾期 10 天）", issues)
    assert "“坚持示范和监督并重”（区委组织部、区委编办负责，整改时限2023年8月15日，距整改时限还有 5 天）" in issues
    assert re.search(r"未启动的整改措施 1 项。“强化监督管理”（[^）]*2023年9月30日，距整改时限还有 51 天）", issues)
    steps = text.split("四、下一步工作")[1].split("附件")[0]
    assert "统筹兼顾" in steps and "强化监督管理" in steps and "本部分请" not in steps
    feedback = text.split("二、反馈问题整改情况")[1].split("三、")[0]
    # each feedback item: its words, what was done (progress entries, dates in words), evidence, state
    assert ("1. 关于“40名党员干部应知应会知识测试中，及格仅X人，最低分仅XX分”的问题。一是改进方法。"
            "2023年6月25日，部务会集体研讨整改方案" in feedback)
    assert feedback.count("的问题。") == 15          # FK-016, FK-017 (非整改任务) follow, set apart with their reasons
    assert "此外，以下 2 条反馈问题不属于本单位整改任务，未计入整改完成情况：" in feedback


def test_report_next_steps_come_from_the_rounds_field(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/rounds/LC-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\n---", "\n下一步工作:\n  - 坚持问题导向，逐项对账销号\n  - 建立长效机制\n---", 1), encoding="utf-8")
    result = run_cli("export", "--format", "docx", "-o", str(tmp_path / "r.docx"), cwd=root)
    assert result.returncode == 0, result.stderr
    steps = _docx_text(tmp_path / "r.docx").split("四、下一步工作")[1].split("附件")[0].strip().splitlines()
    assert steps == ["一是坚持问题导向，逐项对账销号。", "二是建立长效机制。"]


def test_libreoffice_prints_the_report(sample_pdfs, sample):
    pdf = sample_pdfs["docx"]
    pages, (width, height) = pdf_pages(pdf)
    assert (round(width), round(height)) == (595, 842) and pages >= 2       # A4 portrait
    text = pdf_text(pdf).replace(" ", "")     # pdftotext puts spaces between Latin and CJK
    assert "中共XX市XX区委员会\n" in text.split("下一步工作")[1] and "2023年8月10日" in text
    assert "—1—" in text and f"—{pages}—" in text
    words = pdf_words(pdf, 1, 1)
    left = min(x for _, x, _, _ in words)
    assert 78 <= left <= 82                    # left margin 28 mm = 79.4 pt
    assert any(w == "一、总体进展" and 15.5 <= dx / 6 <= 16.5 for w, _, dx, _ in words)   # 三号 = 16 pt
    assert any(w.startswith("十一届") and 21.5 <= dx / len(w) <= 22.5 for w, _, dx, _ in words)  # 二号 = 22 pt
    # no number or Latin word split across two lines (17 → 1 | 7)
    lines = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
    for above, below in zip(lines, lines[1:]):
        assert not (re.search(r"[0-9A-Za-z.%/]$", above) and re.match(r"[0-9A-Za-z%/]", below)), (above, below)
    # a heading is on the same page as the start of the paragraph after it
    pages_text = ["".join(page.split()) for page in pdf_text(pdf).split("\f")]
    paragraphs = [p for p in docx.Document(str(sample / "ledger.docx")).paragraphs if p.text.strip()]
    checked = 0
    for heading, after in zip(paragraphs, paragraphs[1:]):
        if heading.style.name in HEADING_STYLES:
            key = "".join(heading.text.split())
            page = next(i for i, t in enumerate(pages_text) if key[:12] in t)
            assert "".join(after.text.split())[:8] in pages_text[page], (heading.text, page + 1)
            checked += 1
    assert checked >= 8


# -- item 5: one set of figures --------------------------------------------------
def _report_figures(text: str) -> dict:
    m = re.search(r"整改措施 (\d+) 项：已完成 (\d+) 项(?:（其中已销号 (\d+) 项）)?，基本完成（持续整改） (\d+) 项，"
                  r"正在整改 (\d+) 项，未启动 (\d+) 项；措施完成率 ([\d.]+%)（(\d+)/(\d+)）", text)
    assert m, text[:900]
    total, closed, signed, basic, progressing, not_started, rate, done, of = m.groups()
    late = re.search(r"整改措施中，逾期 (\d+) 项", text).group(1)
    assert (int(done), int(of)) == (int(closed), int(total))
    return {"closed": int(closed), "signed_off": int(signed or 0), "rate": rate, "basically_done": int(basic),
            "in_progress": int(progressing), "not_started": int(not_started), "overdue": int(late)}


def _xlsx_figures(path: Path) -> tuple[dict, dict, dict]:
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["任务清单"][3]]
    tasks = list(wb["任务清单"].iter_rows(min_row=4, values_only=True))
    status = [t[header.index("整改状态")] for t in tasks]
    closed = sum(s in ("已完成", "已销号") for s in status)
    figures = {"closed": closed, "signed_off": status.count("已销号"), "rate": f"{closed / len(tasks) * 100:.1f}%",
               "basically_done": status.count("基本完成（持续整改）"), "in_progress": status.count("正在整改"),
               "not_started": status.count("未启动"),
               "overdue": sum(str(t[header.index("提示")]).startswith("逾期") for t in tasks)}
    feedback, problems = {}, {}
    for row in wb["整改台账"].iter_rows(min_row=4, values_only=True):
        for cell, into in ((row[1], feedback), (row[2], problems)):
            m = re.match(r"^((?:FK|WT)-\d+) ([^\n]*)\n.*（整改状态：(.+)）$", str(cell or ""), re.S)
            if m:
                into[m.group(1)] = (m.group(2), m.group(3))
    return figures, feedback, problems


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _agree(site: Path, xlsx: Path, report: Path) -> None:
    figures, feedback, problems = _xlsx_figures(xlsx)
    text = _docx_text(report)
    assert _report_figures(text) == figures
    page = soup(site / "index.html")
    counts = {s["data-status-count"]: int(s.get_text()) for s in page.select("[data-status-count]")}
    assert counts["not_started"] == figures["not_started"]
    assert counts["done"] + counts["signed_off"] == figures["closed"]
    assert counts["in_progress"] == figures["in_progress"]
    assert counts["basically_done"] == figures["basically_done"]
    lights = {s["data-light-count"]: int(s.get_text()) for s in page.select("[data-light-count]")}
    assert lights["red"] == figures["overdue"]
    rate = page.select_one('[data-metric="措施完成率"] .tz-num__value').get_text()
    assert rate == figures["rate"]
    web_report = soup(site / "report/index.html").get_text()
    assert _report_figures(web_report) == figures
    section2 = text.split("二、反馈问题整改情况")[1].split("三、")[0]
    for fk, (quote, status) in feedback.items():       # each item in its own words, with the ledger's state
        if status == "非整改任务（不计入）":              # set apart at the end of 二, with its reason
            assert re.search(rf"\n[一二三四五六七八九十]+是“{re.escape(quote.rstrip('。'))}”。", section2), fk
            continue
        after = section2.split(f"关于“{quote.rstrip('。')}”的问题。")[1]
        said = re.escape(status)
        assert re.match(rf"[^\n]*目前(?:该问题整改状态为“{said}”|{said}。)", after), (fk, status)
    states = sorted(status for _, status in problems.values())
    overall = text.split("一、总体进展")[1].split("二、")[0]
    counted = re.search(r"查摆问题 (\d+) 个：已完成 (\d+) 个(?:（[^）]*）)?，基本完成（持续整改） (\d+) 个，正在整改 (\d+) 个，"
                        r"未启动 (\d+) 个", overall).groups()
    assert int(counted[0]) == len(problems)
    assert (int(counted[2]), int(counted[3])) == (states.count("基本完成（持续整改）"), states.count("正在整改"))
    assert len(feedback) >= 17 and len(problems) >= 12


def test_report_dashboard_and_workbook_agree_on_the_sample(sample_site, sample):
    _, site = sample_site
    _agree(site, sample / "ledger.xlsx", sample / "ledger.docx")


def test_report_dashboard_and_workbook_agree_on_a_generated_ledger(generated):
    root, out = generated
    result = build(root)
    assert result.returncode == 0, result.stderr
    _agree(root / "site", out / "ledger.xlsx", out / "ledger.docx")
    shutil.rmtree(root / "site")
