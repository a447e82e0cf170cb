"""督查总览.xlsx: the overview's tables as sheets, for the office.

Typed cells (counts as numbers, rates as percentages), never a formula:
unit text starting with `=` stays text. Every cell uses an East Asian font
so Chinese prints the same in Excel, WPS and LibreOffice. Re-zipped with a
fixed stamp: the same data and 统计日期 give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from taizhang.export.xlsx import BORDER, CENTER, HEADER_FILL, LIGHT_FILLS, TOP as WRAP, automatic_rows, height_of, setup_print, text_lines
from taizhang.export.zipfix import fixed_zip
from taizhang.gather.figures import Overview
from taizhang.gather.pages import MEASURE_HEADERS, UNIT_HEADERS
from taizhang.link import RED

FONT_NAME = "宋体"
GB2312 = 134               # the font's charset: tells Excel the font is Chinese
BODY = Font(name=FONT_NAME, charset=GB2312, size=10)
BOLD = Font(name=FONT_NAME, charset=GB2312, size=10, bold=True)
TITLE = Font(name=FONT_NAME, charset=GB2312, size=14, bold=True)
PERCENT = "0.0%"
# Named styles: one style record per kind of cell instead of one per cell
# (setting font, border and alignment cell by cell was most of the time).
STYLES = {
    "tz-title": dict(font=TITLE, alignment=CENTER),
    "tz-header": dict(font=BOLD, fill=PatternFill("solid", fgColor=HEADER_FILL), alignment=CENTER, border=BORDER),
    "tz-body": dict(font=BODY, alignment=WRAP, border=BORDER),
    "tz-percent": dict(font=BODY, alignment=WRAP, border=BORDER, number_format=PERCENT),
}


class Pct(float):
    """A rate shown as a percentage."""


def _put(ws, row: int, col: int, value, style: str = "tz-body"):
    cell = ws.cell(row, col)
    cell.value = value
    if cell.data_type == "f":      # text such as "=1+2" from a unit's records: keep it text
        cell.data_type = "s"
    cell.style = "tz-percent" if isinstance(value, Pct) else style
    return cell


def _sheet(wb, name: str, title: str, headers: list[tuple[str, int]], rows: list[list], fills=None) -> None:
    ws = wb.create_sheet(name)
    _put(ws, 1, 1, title, "tz-title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for col, (header, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        _put(ws, 2, col, header, "tz-header")
    # heights are estimates, not fixed (automatic_rows): applications may refit them
    ws.row_dimensions[2].height = height_of(max(text_lines(h, w, BODY.sz) for h, w in headers), BODY.sz)
    for index, values in enumerate(rows):
        r = index + 3
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
        lines = max(text_lines(v, headers[c][1], BODY.sz) for c, v in enumerate(values))
        ws.row_dimensions[r].height = min(409, height_of(lines, BODY.sz))
        for col, color in (fills[index] if fills else {}).items():
            ws.cell(r, col).fill = PatternFill("solid", fgColor=color)
    setup_print(ws, 2, 2 + len(rows), [w for _, w in headers], body_pt=BODY.sz)


def _rate(value: float | None):
    return None if value is None else Pct(round(value, 4))


def build_overview_workbook(overview: Overview) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for style_name, attributes in STYLES.items():
        wb.add_named_style(NamedStyle(name=style_name, **attributes))
    stamp_text = f"（截至 {overview.today.isoformat()}）"
    units = overview.units
    rows = [[i, u.name, u.round_title or "", u.feedback, u.problems, u.measures, _rate(u.measure_rate),
             _rate(u.problem_rate), _rate(u.feedback_rate), len(u.overdue), len(u.due_soon), u.last_update or "",
             u.unit_as_of or ""] for i, u in enumerate(units, start=1)]
    fills = [{10: LIGHT_FILLS[RED]} if u.overdue else {} for u in units]
    widths = [6, 22, 26, 9, 9, 9, 10, 10, 12, 7, 7, 12, 12]
    _sheet(wb, "各单位情况", overview.title + stamp_text, list(zip([*UNIT_HEADERS, "单位统计日期"], widths)), rows, fills)

    area_rows = [[t.name, len(t.units), t.total("problems"), t.total("measures"), t.total("closed"), _rate(t.rate),
                  t.total("overdue")] for t in overview.areas]
    _sheet(wb, "分方面", "分方面情况" + stamp_text,
           [("方面", 40), ("涉及单位", 9), ("查摆问题", 9), ("整改措施", 9), ("已完成措施", 10), ("措施完成率", 10),
            ("逾期措施", 9)], area_rows)

    late_rows = [[u.name, m.id, m.title, "、".join(m.units), "、".join(m.owners), m.deadline or "", m.status or "",
                  -m.days_left if m.days_left is not None else None]
                 for u in units for m in u.overdue]
    _sheet(wb, "逾期事项", "逾期事项" + stamp_text,
           [("单位", 22), *zip(MEASURE_HEADERS[:-1], (10, 40, 18, 10, 12, 12)), ("逾期天数", 9)], late_rows)

    repeat_rows = [[r.kind, r.text, r.unit_count,
                    "；".join(f"{overview.unit(key).name} {'、'.join(ids)}" for key, ids in r.by_unit())]
                   for r in overview.repeats]
    _sheet(wb, "共性问题", "共性问题" + stamp_text, [("类别", 10), ("内容", 50), ("单位数", 8), ("出现在", 50)],
           repeat_rows)

    issue_rows = [[i.source.name or "", str(i.source.location), i.reason, "已纳入，统计可能不准" if not i.fatal else "未纳入"]
                  for i in overview.issues]
    _sheet(wb, "数据问题", "数据问题" + stamp_text, [("单位", 20), ("位置", 36), ("原因", 60), ("处理", 14)], issue_rows)

    stamp = dt.datetime.combine(overview.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    wb.properties.title = overview.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp, edit=automatic_rows)
