"""Golden tests of the office downloads: the progress report (.docx) and the
workbook (.xlsx), written out as text — the report's paragraphs with their
styles and keep-with-next, page size and margins; each sheet's print settings,
column widths, merged ranges, page breaks, row heights and cell values — and
compared with tests/golden/documents/<case>.{docx,xlsx}.txt. A change to a
document shows in review as a diff. After a deliberate change:

    TAIZHANG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_documents.py

Cases: the repository's sample ledger and the page-golden ledgers (small,
renamed words, flat URLs).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import GOLDEN, REPO
from taizhang.export.files import build_download
from taizhang.project import analyse
from taizhang.views import Scope

UPDATE = os.environ.get("TAIZHANG_UPDATE_GOLDEN") == "1"
FOLDER = GOLDEN / "documents"
CASES = {"sample": REPO, **{p.name: p for p in sorted((GOLDEN / "pages").iterdir()) if p.is_dir()}}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    lines = [f"page {round(section.page_width.mm)}x{round(section.page_height.mm)} mm, margins "
             + "/".join(str(round(m.mm)) for m in (section.top_margin, section.bottom_margin,
                                                    section.left_margin, section.right_margin))]
    for p in document.paragraphs:
        keep = p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
        lines.append(f"[{p.style.name}{' keep' if keep else ''}] {p.text}")
    return "\n".join(lines) + "\n"


def _value(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value).replace("\n", "⏎")


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for ws in book.worksheets:
        setup = ws.page_setup
        letters = [c.column_letter for c in ws[3]]
        lines += [
            f"== {ws.title}",
            f"print: {setup.orientation} paper={setup.paperSize} fit={bool(ws.sheet_properties.pageSetUpPr.fitToPage)}"
            f" scale={setup.scale} titles={ws.print_title_rows} first_page={setup.firstPageNumber}",
            f"header: {ws.oddHeader.center.text or ''} | footer: {ws.oddFooter.center.text or ''}",
            "widths: " + " ".join(f"{ws.column_dimensions[c].width:g}" for c in letters),
            "merged: " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)),
            "breaks after rows: " + " ".join(str(b.id) for b in sorted(ws.row_breaks.brk, key=lambda b: b.id)),
        ]
        for row in ws.iter_rows():
            r = row[0].row
            height = ws.row_dimensions[r].height
            lines.append(f"{r} h={height:g}: " if height else f"{r}: ")
            lines[-1] += " | ".join(_value(c.value) for c in row)
    return "\n".join(lines) + "\n"


def generated(root: Path) -> dict[str, str]:
    analysis = analyse(root)
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    return {"docx": docx_text(build_download(ledger, scope, "docx")),
            "xlsx": xlsx_text(build_download(ledger, scope, "xlsx"))}


@pytest.mark.parametrize("case", sorted(CASES))
def test_documents_match_golden(case):
    got = generated(CASES[case])
    FOLDER.mkdir(exist_ok=True)
    problems = []
    for fmt, text in got.items():
        path = FOLDER / f"{case}.{fmt}.txt"
        if UPDATE:
            path.write_text(text, encoding="utf-8")
            continue
        want = path.read_text(encoding="utf-8") if path.is_file() else ""
        if text != want:
            diff = difflib.unified_diff(want.splitlines(), text.splitlines(), str(path), "generated", lineterm="", n=1)
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, "\n\n".join(problems)


def test_the_golden_documents_pin_what_the_issue_names():
    """The sample's pinned texts hold the structure the office asked for, so the
    goldens cannot silently lose it."""
    report = (FOLDER / "sample.docx.txt").read_text(encoding="utf-8")
    for line in ("[示例说明] 示例数据：", "[主送机关] 省委第四巡视组：", "[一级标题 keep] 一、总体进展",
                 "[一级标题 keep] 二、反馈问题整改情况", "[二级标题 keep] （一）", "[一级标题 keep] 三、存在的问题和不足",
                 "[一级标题 keep] 四、下一步工作", "[公文正文] 附件：", "[落款] 2023年8月10日"):
        assert f"\n{line}" in report, line
    book = (FOLDER / "sample.xlsx.txt").read_text(encoding="utf-8")
    assert book.count("first_page=1") == 6 and "###" not in book and "（续上页）" in book
    # 整改完成情况: the dashboard's figures (views.completion), rates as numbers
    assert "\n4 h=20.5: 反馈问题 | 0 | 0 | 3 | 12 | 0 | 15 | 0 | 0.2 | 0\n" in book
    assert "\n6 h=20.5: 整改措施 | 2 | 1 | 3 | 3 | 1 | 9 | 0.2222 | 0.5556 | 0\n" in book
    assert "header: 示例数据 | footer: 第 &P 页 共 " in book
