"""整改台账.xlsx in the official layout, plus the three lists as sheets.

openpyxl builds the workbook; it is then re-zipped with fixed timestamps so
the same records and build date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from taizhang.export.rows import GROUP_COLUMNS, ledger_rows
from taizhang.export.zipfix import fixed_zip
from taizhang.link import DONE, GREEN, PENDING, RED, YELLOW, Ledger
from taizhang.render.scope import Scope

LIGHT_FILLS = {RED: "FFC7CE", YELLOW: "FFEB9C", PENDING: "EDEDED", GREEN: "C6EFCE", DONE: "D9D9D9"}
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LINE_HEIGHT = 15  # points per text line


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: int) -> int:
    return sum(max(1, math.ceil(display_width(line) / max(width - 1, 1))) for line in (text or "").split("\n"))


def _title(ledger: Ledger, scope: Scope, what: str) -> str:
    name = scope.round.title if scope.round else ""
    return f"{name}{what}（截至 {ledger.today.isoformat()}）"


def _setup_print(ws, header_row: int, columns: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _sheet(wb, name: str, title: str, headers: list[tuple[str, int]], rows: list[list[str]], fills=None):
    ws = wb.create_sheet(name)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 28
    ws.append([h for h, _ in headers])
    for col, (_, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(2, col)
        cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEADER_FILL, CENTER, BORDER
    for index, row in enumerate(rows):
        ws.append(row)
        r = ws.max_row
        for col in range(1, len(headers) + 1):
            ws.cell(r, col).alignment, ws.cell(r, col).border = WRAP, BORDER
        height = max(lines_needed(str(v), headers[c][1]) for c, v in enumerate(row))
        ws.row_dimensions[r].height = min(409, LINE_HEIGHT * height)
        for col, color in (fills[index] if fills else {}).items():
            ws.cell(r, col).fill = PatternFill("solid", fgColor=color)
    _setup_print(ws, 2, len(headers))
    return ws


def build_workbook(ledger: Ledger, scope: Scope) -> bytes:
    vocab = ledger.vocab
    wb = Workbook()
    wb.remove(wb.active)
    columns = vocab.ledger_columns
    rows = ledger_rows(ledger, scope)
    names = [c.name for c in columns]
    completion_col = names.index("completion") + 1 if "completion" in names else None
    fills = [{completion_col: LIGHT_FILLS[r.light]} if completion_col and r.light else {} for r in rows]
    ws = _sheet(wb, "整改台账", _title(ledger, scope, "整改台账"), [(c.label, c.width) for c in columns],
                [[_value(n, r.cells.get(n, "")) for n in names] for r in rows], fills)
    _merge_groups(ws, rows, names)
    _problem_sheet(wb, ledger, scope)
    _task_sheet(wb, ledger, scope)
    _responsibility_sheet(wb, ledger, scope)
    stamp = dt.datetime.combine(ledger.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def _value(name: str, text: str):
    return int(text) if name == "number" and text.isdigit() else text


def _merge_groups(ws, rows, names: list[str]) -> None:
    """Merge the problem columns over each run of rows listed under one problem."""
    start = 0
    for end in range(1, len(rows) + 1):
        if end < len(rows) and rows[end].group == rows[start].group and rows[start].group:
            continue
        if end - start > 1:
            for name in GROUP_COLUMNS:
                if name in names:
                    col = names.index(name) + 1
                    ws.merge_cells(start_row=start + 3, start_column=col, end_row=end + 2, end_column=col)
        start = end


def _problem_sheet(wb, ledger: Ledger, scope: Scope) -> None:
    vocab = ledger.vocab
    rows = []
    for i, p in enumerate(scope.problems, start=1):
        status = ledger.problem_status.get(p.id)
        rows.append([str(i), f"（{p.area}）{ledger.area_name(p, p.area)}", p.id, p.title,
                     "、".join(f.id for f in ledger.targets(p, "feedback")),
                     "、".join(m.id for m in ledger.measures_of(p.id)),
                     vocab.label("statuses", status) if status else "尚无整改措施"])
    _sheet(wb, "问题清单", _title(ledger, scope, "问题清单"),
           [("序号", 6), ("方面", 30), ("编号", 9), ("查摆问题", 40), ("对应反馈", 20), ("整改措施", 20), ("整改状态", 14)], rows)


def _task_sheet(wb, ledger: Ledger, scope: Scope) -> None:
    vocab = ledger.vocab
    rows, fills = [], []
    for i, m in enumerate(scope.measures, start=1):
        light = ledger.lights.get(m.id)
        rows.append([str(i), m.id, m.title, "、".join(p.id for p in ledger.targets(m, "problems")),
                     "、".join(m.leader), "、".join(m.unit), "、".join(m.owner),
                     vocab.long_term_deadline if m.long_term else (m.deadline.isoformat() if m.deadline else ""),
                     vocab.label("statuses", m.status) if m.status else "",
                     vocab.label("lights", light) if light else ""])
        fills.append({9: LIGHT_FILLS[light], 10: LIGHT_FILLS[light]} if light else {})
    _sheet(wb, "任务清单", _title(ledger, scope, "任务清单"),
           [("序号", 6), ("编号", 9), ("整改措施", 36), ("整改问题", 16), ("责任领导", 18), ("责任单位", 18),
            ("责任人", 10), ("整改时限", 12), ("整改状态", 14), ("提示", 8)], rows, fills)


def _responsibility_sheet(wb, ledger: Ledger, scope: Scope) -> None:
    rows = []
    for field, label in (("leader", "责任领导"), ("unit", "责任单位")):
        groups = defaultdict(list)
        for m in scope.measures:
            for name in getattr(m, field) or ("（未填写）",):
                groups[name].append(m)
        for name, ms in sorted(groups.items()):
            done = sum(1 for m in ms if ledger.lights.get(m.id) == DONE)
            late = sum(1 for m in ms if ledger.lights.get(m.id) == RED)
            rows.append([label, name, str(len(ms)), str(done), str(late), "、".join(m.id for m in ms)])
    _sheet(wb, "责任清单", _title(ledger, scope, "责任清单"),
           [("分类", 10), ("责任领导或单位", 24), ("措施数", 8), ("已完成", 8), ("逾期", 8), ("整改措施", 40)], rows)
