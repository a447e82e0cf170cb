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

from taizhang.export.xlsx import LIGHT_FILLS, SheetHead, _finish_sheet, _fonts, _start_sheet, height_of, put, text_lines, TOP
from taizhang.export.zipfix import fixed_zip
from taizhang.gather.figures import Overview
from taizhang.gather.pages import MEASURE_HEADERS, UNIT_HEADERS
from taizhang.link import RED

PERCENT = "0.0%"
FONTS = _fonts(11.0)
PAPER = "A4"


class Pct(float):
    """A rate shown as a percentage."""


def _sheet(wb, overview: Overview, name: str, title: str, headers: list[tuple[str, int]], rows: list[list],
           fills=None) -> None:
    """One table in the unit ledger's sheet style (title block, header row, print setup, footer),
    every cell typed and in a Chinese font (export.xlsx.put never writes a formula)."""
    head = SheetHead(name, title, overview.title, overview.today, headers)
    ws, header_row = _start_sheet(wb, head, FONTS)
    for index, values in enumerate(rows):
        r = header_row + 1 + index
        for col, value in enumerate(values, start=1):
            fill = (fills[index] if fills else {}).get(col)
            cell = put(ws, r, col, value, FONTS.body, TOP, fill)
            if isinstance(value, Pct):
                cell.number_format = PERCENT
        ws.row_dimensions[r].height = height_of(
            max(text_lines(v, headers[c][1], FONTS.size) for c, v in enumerate(values)), FONTS.size)
    _finish_sheet(ws, head, header_row, header_row + len(rows), PAPER, FONTS)


def _rate(value: float | None):
    return None if value is None else Pct(round(value, 4))


def build_overview_workbook(overview: Overview) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    units = overview.units
    rows = [[i, u.name, u.round_title or "", u.feedback, u.problems, u.measures, _rate(u.measure_rate),
             _rate(u.problem_rate), _rate(u.feedback_rate), len(u.overdue), len(u.due_soon), u.last_update or "",
             u.unit_as_of or ""] for i, u in enumerate(units, start=1)]
    fills = [{10: LIGHT_FILLS[RED]} if u.overdue else {} for u in units]
    widths = [6, 22, 26, 9, 9, 9, 10, 10, 12, 7, 7, 12, 12]
    _sheet(wb, overview, "各单位情况", overview.title, list(zip([*UNIT_HEADERS, "单位统计日期"], widths)), rows, fills)

    area_rows = [[t.name, len(t.units), t.total("problems"), t.total("measures"), t.total("closed"), _rate(t.rate),
                  t.total("overdue")] for t in overview.areas]
    _sheet(wb, overview, "分方面", "分方面情况",
           [("方面", 40), ("涉及单位", 9), ("查摆问题", 9), ("整改措施", 9), ("已完成措施", 10), ("措施完成率", 10),
            ("逾期措施", 9)], area_rows)

    late_rows = [[u.name, m.id, m.title, "、".join(m.units), "、".join(m.owners), m.deadline or "", m.status or "",
                  -m.days_left if m.days_left is not None else None]
                 for u in units for m in u.overdue]
    _sheet(wb, overview, "逾期事项", "逾期事项",
           [("单位", 22), *zip(MEASURE_HEADERS[:-1], (10, 40, 18, 10, 12, 12)), ("逾期天数", 9)], late_rows)

    repeat_rows = [[r.kind, r.text, r.unit_count,
                    "；".join(f"{overview.unit(key).name} {'、'.join(ids)}" for key, ids in r.by_unit())]
                   for r in overview.repeats]
    _sheet(wb, overview, "共性问题", "共性问题", [("类别", 10), ("内容", 50), ("单位数", 8), ("出现在", 50)],
           repeat_rows)

    issue_rows = [[i.source.name or "", str(i.source.location), i.reason, "已纳入，统计可能不准" if not i.fatal else "未纳入"]
                  for i in overview.issues]
    _sheet(wb, overview, "数据问题", "数据问题", [("单位", 20), ("位置", 36), ("原因", 60), ("处理", 14)], issue_rows)

    stamp = dt.datetime.combine(overview.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    wb.properties.title = overview.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)
