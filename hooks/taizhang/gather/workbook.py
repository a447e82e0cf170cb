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
from taizhang.gather import columns as tables
from taizhang.gather.figures import Overview
from taizhang.link import RED

PAPER, FONT_SIZE = "A4", 11.0
PERCENT = "0.0%"


def _percent_columns(ws, columns: tuple[int, ...], first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row, min_col=min(columns), max_col=max(columns)):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, float):
                cell.number_format = PERCENT


def _fills(vocab, columns, rows) -> list[dict]:
    """As the chips on the pages: a unit's 逾期 count in the red light's fill,
    a measure's 整改状态 in its status's fill (the units' ledgers fill theirs
    so too); never on 合计."""
    def column(show):
        return next((col for col, c in enumerate(columns, start=1) if c.show == show), None)

    red, status = column("overdue"), column("status")
    red_fill = state_fill(vocab, "lights", RED)
    fills = []
    for r in rows:
        cells = {}
        if red and not r.total and getattr(r, columns[red - 1].name):
            cells[red] = red_fill
        if status and not r.total and state_fill(vocab, "statuses", getattr(r, "state", None)):
            cells[status] = state_fill(vocab, "statuses", r.state)
        fills.append(cells)
    return fills


def build_overview_workbook(overview: Overview, vocab) -> bytes:
    fonts = sheet_fonts(FONT_SIZE)
    wb = Workbook()
    wb._fonts = IndexedList([NORMAL_FONT])      # as the ledger workbook: the default font sets the width unit
    wb._named_styles["Normal"].font = NORMAL_FONT
    wb.remove(wb.active)

    def sheet(name: str, title: str, table: str, rows, total=None):
        """A declared table (vocabulary.yml `tables`) as a sheet: its sheet columns, one row per view row,
        then its 合计 row."""
        columns = vocab.columns(table, "sheet")
        rows = [*rows, total] if total is not None else list(rows)
        values = [[tables.plain(vocab, c, r, total_first=r.total and i == 0) for i, c in enumerate(columns)]
                  for r in rows]
        centred = tuple(i for i, c in enumerate(columns, start=1)
                        if c.align == "centre" or (c.show in tables.CENTRED_SHOWS and c.align != "left"))
        head = SheetHead(name, title, overview.title, overview.today, [(c.label, c.width) for c in columns], vocab=vocab)
        ws = simple_sheet(wb, head, values, fonts, PAPER, _fills(vocab, columns, rows), centred)
        percent = tuple(i for i, c in enumerate(columns, start=1) if c.show == "rate")
        if percent and rows:
            _percent_columns(ws, percent, 4)

    units = overview.units
    total = vocab.phrase("total")
    words = vocab.phrase
    sheet(words("overview_units_heading"), words("overview_units_sheet_title"), "overview_units", tables.unit_rows(units),
          tables.units_total(overview, total) if units else None)
    sheet(words("overview_areas"), words("overview_areas_sheet_title"), "overview_areas", tables.area_rows(overview),
          tables.areas_total(overview, total) if overview.areas else None)
    late = [line for u in units for line in tables.measure_lines(u, u.overdue)]
    sheet(words("dashboard_late"), words("dashboard_late"), "overview_measures", late,
          tables.measures_total(total, words("items_count", n=len(late))) if late else None)
    repeats = tables.repeat_rows(overview)
    sheet(words("overview_repeats"), words("overview_repeats"), "overview_repeats", repeats,
          tables.repeats_total(total, words("items_count", n=len(repeats)), repeats) if repeats else None)
    issues = tables.issue_rows(overview.issues)
    sheet(words("overview_issues"), words("overview_issues"), "overview_issues", issues,
          tables.issues_total(total, words("items_count", n=len(issues))) if issues else None)

    stamp = dt.datetime.combine(overview.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    wb.properties.title = overview.title
    wb.properties.language = "zh-CN"
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp, edit=automatic_rows)
