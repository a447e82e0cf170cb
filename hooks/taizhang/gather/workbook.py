"""督查总览.xlsx: the overview's tables as sheets, for the office.

Built with the ledger workbook's own sheet helpers (taizhang.export.xlsx):
the same title block, 宋体/黑体 on every cell, header row repeated on each
printed A4 landscape page, page numbers, rows that Excel, WPS and
LibreOffice size themselves, and text that never becomes a formula. Counts
are numbers and rates are percentages. Re-zipped with a fixed stamp: the
same data and 统计日期 give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.utils.indexed_list import IndexedList

from taizhang.export.xlsx import NORMAL_FONT, SheetHead, automatic_rows, sheet_fonts, simple_sheet, state_fill
from taizhang.export.zipfix import fixed_zip
from taizhang.gather.figures import Overview
from taizhang.gather.pages import MEASURE_HEADERS, rate_pairs, unit_headers
from taizhang.link import RED

PAPER, FONT_SIZE = "A4", 11.0
PERCENT = "0.0%"


def _rate(value: float | None):
    return None if value is None else round(value, 4)


def _day(text: str | None) -> dt.date | None:
    """A published ISO date as a typed date cell (None stays empty)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _percent_columns(ws, columns: tuple[int, ...], first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row, min_col=min(columns), max_col=max(columns)):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, float):
                cell.number_format = PERCENT


def build_overview_workbook(overview: Overview, vocab) -> bytes:
    fonts = sheet_fonts(FONT_SIZE)
    wb = Workbook()
    wb._fonts = IndexedList([NORMAL_FONT])      # as the ledger workbook: the default font sets the width unit
    wb._named_styles["Normal"].font = NORMAL_FONT
    wb.remove(wb.active)

    def sheet(name: str, title: str, columns, rows, fills=None, centred=(), percent=()):
        head = SheetHead(name, title, overview.title, overview.today, list(columns))
        ws = simple_sheet(wb, head, rows, fonts, PAPER, fills, centred)
        if percent and rows:
            _percent_columns(ws, percent, 4)

    units = overview.units
    rows = [[i, u.name, u.round_title or "", u.feedback, u.problems, u.measures,
             *(_rate(r.value) for r in rate_pairs(u.completion)), len(u.overdue), len(u.due_soon),
             _day(u.last_update), _day(u.unit_as_of)] for i, u in enumerate(units, start=1)]
    fills = [{13: state_fill(vocab, "lights", RED)} if u.overdue else {} for u in units]
    if units:      # 合计: counts added, rates from the sums (views.total_completion)
        rows.append(["合计", "", "", sum(u.feedback for u in units), sum(u.problems for u in units),
                     sum(u.measures for u in units), *(_rate(r.value) for r in rate_pairs(overview.total)),
                     sum(len(u.overdue) for u in units), sum(len(u.due_soon) for u in units),
                     max((_day(u.last_update) for u in units if u.last_update), default=None), None])
        fills.append({})
    widths = [5, 18, 20, 7, 7, 7, 9, 9, 9, 9, 9, 9, 6, 6, 11, 11]
    sheet("各单位情况", "各单位整改情况", zip([*unit_headers(overview), "单位统计日期"], widths), rows, fills,
          centred=(1, 15, 16), percent=(7, 8, 9, 10, 11, 12))

    area_rows = [[t.name, len(t.units), t.total("problems"), t.total("measures"), t.total("closed"), _rate(t.rate),
                  t.total("overdue")] for t in overview.areas]
    if area_rows:
        measures, closed = (sum(t.total(f) for t in overview.areas) for f in ("measures", "closed"))
        area_rows.append(["合计", len({k for t in overview.areas for k, _ in t.units}),
                          sum(t.total("problems") for t in overview.areas), measures, closed,
                          _rate(closed / measures if measures else None), sum(t.total("overdue") for t in overview.areas)])
    sheet("分方面", "分方面整改情况", [("方面", 50), ("涉及单位", 9), ("查摆问题", 9), ("整改措施", 9),
                                      ("已完成措施", 10), ("措施完成率", 11), ("逾期措施", 11)], area_rows, percent=(6,))

    late_rows = [[u.name, m.id, m.title, "、".join(m.units), "、".join(m.owners),
                  _day(m.deadline) or ("长期坚持" if m.long_term else ""), m.status or "",
                  -m.days_left if m.days_left is not None else None]
                 for u in units for m in u.overdue]
    if late_rows:
        late_rows.append(["合计", f"{len(late_rows)} 项", "", "", "", None, "", None])
    sheet("逾期事项", "逾期事项", [("填报单位", 18), *zip(MEASURE_HEADERS[:-1], (9, 36, 18, 10, 11, 12)), ("逾期天数", 11)],
          late_rows, centred=(2, 6, 8))

    repeat_rows = [[r.kind, r.text, r.unit_count,
                    "；".join(f"{overview.unit(key).name} {'、'.join(ids)}" for key, ids in r.by_unit())]
                   for r in overview.repeats]
    sheet("共性问题", "共性问题", [("类别", 9), ("内容", 46), ("单位数", 11), ("出现在", 56)], repeat_rows, centred=(3,))

    issue_rows = [[i.source.name or "", str(i.source.location), i.reason, "已纳入，统计可能不准" if not i.fatal else "未纳入"]
                  for i in overview.issues]
    sheet("数据问题", "数据问题", [("单位", 16), ("位置", 30), ("原因", 62), ("处理", 12)], issue_rows)

    stamp = dt.datetime.combine(overview.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    wb.properties.title = overview.title
    wb.properties.language = "zh-CN"
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp, edit=automatic_rows)
