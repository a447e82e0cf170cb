"""整改台账.xlsx in the official layout, plus the three lists as sheets.

openpyxl builds the workbook; it is then re-zipped with fixed timestamps so
the same records and build date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from taizhang.export.rows import GROUP_COLUMNS, ledger_rows
from taizhang.export.zipfix import fixed_zip
from taizhang.link import DONE, GREEN, RED, YELLOW, Ledger
from taizhang import views
from taizhang.views import Scope

LIGHT_FILLS = {RED: "FFC7CE", YELLOW: "FFEB9C", GREEN: "C6EFCE", DONE: "D9D9D9"}
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
    rows = [[str(p.number), p.area_label, p.problem.id, p.problem.title, "、".join(f.id for f in p.feedback),
             "、".join(m.id for m in p.measures), p.status_label] for p in views.problem_rows(ledger, scope.problems)]
    vocab = ledger.vocab
    _sheet(wb, "问题清单", _title(ledger, scope, "问题清单"),
           [("序号", 6), (vocab.key("area"), 30), (vocab.key("id"), 9), (vocab.kind_label("problem"), 40),
            (vocab.key("feedback"), 20), (vocab.kind_label("measure"), 20), (vocab.key("status"), 14)], rows)


def _task_sheet(wb, ledger: Ledger, scope: Scope) -> None:
    rows, fills = [], []
    for t in views.task_rows(ledger, scope.measures):
        rows.append([str(t.number), t.measure.id, t.measure.title, "、".join(p.id for p in t.problems),
                     "、".join(t.leader), "、".join(t.unit), "、".join(t.owner), t.deadline_text,
                     t.status_label, t.light_label])
        fills.append({9: LIGHT_FILLS[t.light], 10: LIGHT_FILLS[t.light]} if t.light else {})
    key = ledger.vocab.key
    _sheet(wb, "任务清单", _title(ledger, scope, "任务清单"),
           [("序号", 6), (key("id"), 9), (ledger.vocab.kind_label("measure"), 36), (key("problems"), 16),
            (key("leader"), 18), (key("unit"), 18), (key("owner"), 10), (key("deadline"), 12), (key("status"), 14),
            ("提示", 8)], rows, fills)


def _responsibility_sheet(wb, ledger: Ledger, scope: Scope) -> None:
    rows = []
    for field in ("leader", "unit"):
        for g in views.responsibility_groups(ledger, scope.measures, field):
            rows.append([ledger.vocab.key(field), g.name, str(g.count), str(g.closed), str(g.overdue),
                         "、".join(t.measure.id for t in g.tasks)])
    vocab = ledger.vocab
    _sheet(wb, "责任清单", _title(ledger, scope, "责任清单"),
           [("分类", 10), (f"{vocab.key('leader')}或{vocab.key('unit')}", 24), ("措施数", 8),
            (vocab.label("lights", "done"), 8), (vocab.label("lights", "red"), 8), (vocab.kind_label("measure"), 40)], rows)
