"""整改台账.xlsx: the official ledger layout, plus 问题清单, 任务清单, 责任清单
and 说明事项 as sheets.

Every sheet: a title block (title, 填报单位, 截至日期), a header row repeated
on each printed page with an autofilter, typed cells (numbers, dates as
yyyy-mm-dd, text stored as text even when it starts with `=`: never a
formula), a Chinese font on every cell, no fixed row heights (Excel, WPS and
LibreOffice fit wrapped text themselves), landscape on the configured paper,
fit to the page width unless that would print the body below 8 pt (see
`print_plan`), and a footer “第 N 页 共 M 页”.

openpyxl builds the workbook; it is re-zipped with fixed timestamps so the
same records and statistics date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from array import array
import math
import re
import unicodedata
from bisect import bisect_left
from copy import copy
from dataclasses import dataclass

import openpyxl
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.pagebreak import Break
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

from taizhang import collector, views
from taizhang.export.rows import FEEDBACK_COLUMNS, PROBLEM_COLUMNS, filing_unit, ledger_blocks
from taizhang.export import sheetxml, zipfix
from taizhang.link import RED, YELLOW, Ledger
from taizhang.views import Scope
from taizhang.vocabulary import Vocabulary

BODY_FONT = "宋体"        # SimSun: on every Chinese Windows; WPS and LibreOffice map it to a Song face
HEAD_FONT = "黑体"        # SimHei
GB2312_CHARSET = 134
MIN_PRINTED_PT = 9.0
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")



def state_fill(vocab, group: str, name: str | None) -> str | None:
    """A status's or light's fill from the vocabulary ("#d8efec" → "D8EFEC"):
    the same colour as its chip on the site and in the 督查总览."""
    if not name or name not in vocab.enums[group]:
        return None
    return vocab.enums[group][name].fill.lstrip("#").upper() or None


def _completion_fill(ledger: Ledger, row) -> str | None:
    """The 完成情况 cell says the state the figures count first, so it takes
    that state's fill (as the chip on the site), unless its light warns (逾期,
    临期): then the light's. A 未启动 measure on schedule is grey, never the
    green of 正常; 已销号 its own slate, not 已完成's teal."""
    vocab = ledger.vocab
    state = ledger.state_of(row.measure) if row.measure else None
    if row.light in (RED, YELLOW) or not state:
        return state_fill(vocab, "lights", row.light)
    return state_fill(vocab, "statuses", state)


HEADER_FILL = "E7E6E6"
AREA_FILL = "F2F2F2"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
LEFT = Alignment(vertical="center", horizontal="left")
RIGHT = Alignment(vertical="center", horizontal="right")

# -- print arithmetic ------------------------------------------------------
# Spreadsheets measure column widths in digits of the workbook's default
# (Normal) font. It is set to Arial 11, whose metrics are the same in Excel
# and WPS (Arial) and LibreOffice on Linux (Liberation Sans, metric-compatible):
# a digit is 0.556 em = 6.12 pt (Excel rounds to 8 px = 6 pt). Calibri, the
# usual default, is missing on Linux and its stand-in is wider.
NORMAL_FONT = Font(name="Arial", size=11, family=2)
POINTS_PER_WIDTH_UNIT = 6.12
PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}      # landscape: width, height
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}


@dataclass(frozen=True)
class PrintPlan:
    paper: str
    scale: float             # what the printed page uses (fit to width, or the 8 pt floor)
    fit_to_width: bool       # False: the floor applies, the sheet spans more than one page wide
    body_pt: float

    @property
    def printed_pt(self) -> float:
        return self.body_pt * self.scale


def print_plan(widths: list[float], paper: str, body_pt: float) -> PrintPlan:
    """Fit to the page width if the body stays ≥ 9 pt; else print at the
    smallest scale that keeps 9 pt and let the sheet run onto a second page
    width (Excel and LibreOffice then repeat the header rows)."""
    printable = (PAPER_MM[paper][0] / 25.4 - MARGINS_IN["left"] - MARGINS_IN["right"]) * 72
    sheet = sum(widths) * POINTS_PER_WIDTH_UNIT
    fit = min(1.0, printable / sheet)
    if body_pt * fit >= MIN_PRINTED_PT:
        return PrintPlan(paper, fit, True, body_pt)
    return PrintPlan(paper, math.ceil(100 * MIN_PRINTED_PT / body_pt) / 100, False, body_pt)


# -- row heights -----------------------------------------------------------
# Rows carry a height *estimate* but never customHeight: Excel and WPS treat
# them as automatic rows and re-fit them, and LibreOffice (which shows the
# stored height of an automatic row as is) shows the whole text. The estimate
# errs on the generous side: a little air rather than a clipped line.
LINE_FACTOR = 1.5        # line height / font size (LibreOffice with Noto CJK: 1.43)
CELL_PADDING_PT = 4      # left + right inside a cell
WRAP_SLACK = 0.92        # line breaking (no 。，、 at a line start) leaves lines short
# Inside a tag only: a cell's text may say ` customHeight="1"` too (lxml leaves its
# quotes as they are), but never holds "<" or ">" (escaped), which a tag ends with.
_CUSTOM_HEIGHT = re.compile(rb' customHeight="1"(?=[^<>]*>)')


# Each distinct text is measured once per workbook (MEASURE_ONCE; False: every cell
# anew, tests/test_exports.py compares): its lines' points are kept in the build's
# Measurer; a text in several cells or columns (a status, a unit, a measure in the
# ledger and in the lists) then costs one division per line.
MEASURE_ONCE = True


class Measurer:
    """Row heights' measuring at one font size, for one workbook build: the one place
    text becomes points and wrapped lines (row heights, and the width 截至日期 needs).

    A character is `size` points wide when Unicode calls it wide, fullwidth or
    ambiguous, else 0.55 of that; a line's points are added character by character,
    in order (the sums decide the row heights in the file). A value takes at least
    one line per line of its text in a column of `width` units, less the padding and
    the slack line breaking leaves. Each distinct text's line widths and each (text,
    width)'s lines are kept (MEASURE_ONCE)."""

    def __init__(self, size: float):
        self.size = size
        self.points_of = _CHARACTER_POINTS.get(size) or _CHARACTER_POINTS.setdefault(size, _CharacterPoints(size))
        self.measured: dict[str, tuple[float, ...]] = {}     # text -> each line's points
        self.wrapped: dict[tuple[str, float], int] = {}       # (text, width) -> lines

    def lines(self, value, width: float) -> int:
        """Wrapped lines of `value` (text, a number, a date, None) in a column `width` units wide."""
        if type(value) is str:
            known = self.wrapped.get((value, width))
            if known is not None:
                return known
        if value is None or value == "":
            return 1
        text = value if type(value) is str else value.isoformat() if isinstance(value, dt.date) else str(value)
        points = self.measured.get(text)
        if points is None:
            points = self.line_points(text)
            if MEASURE_ONCE:
                self.measured[text] = points
        usable = max((width * POINTS_PER_WIDTH_UNIT - CELL_PADDING_PT) * WRAP_SLACK, self.size)
        if len(points) == 1:                             # one line (most cells)
            lines = max(1, math.ceil(points[0] / usable))
        else:
            lines = sum(max(1, math.ceil(p / usable)) for p in points)
        if MEASURE_ONCE and type(value) is str:
            self.wrapped[value, width] = lines
        return lines

    def line_points(self, text: str) -> tuple[float, ...]:
        """Each line's width in points, its characters' added in order."""
        points_of = self.points_of.__getitem__
        if "\n" not in text:
            return (sum(map(points_of, text)),)
        return tuple(sum(map(points_of, line)) for line in text.split("\n"))

    def units(self, text: str) -> float:
        """Width of `text` as one line, in column width units, with the padding."""
        return (sum(map(self.points_of.__getitem__, text)) + CELL_PADDING_PT * 2) / POINTS_PER_WIDTH_UNIT


class _CharacterPoints(dict):
    """Character -> its width in points at one size: full (wide, fullwidth,
    ambiguous) or 0.55 of it; each character looked up in Unicode's table once."""

    def __init__(self, size: float):
        super().__init__()
        self.size = size

    def __missing__(self, ch: str) -> float:
        points = self[ch] = self.size if unicodedata.east_asian_width(ch) in "WFA" else self.size * 0.55
        return points


# Unicode's widths, by font size: facts about characters, not about any ledger
# (kept across builds like the unicodedata table it reads).
_CHARACTER_POINTS: dict[float, _CharacterPoints] = {}


def height_of(lines: int, size: float) -> float:
    return round(lines * size * LINE_FACTOR + 4, 1)


# A row's height on a row without one yet is set on a RowDimension made as
# BoundDictionary and RowDimension.__init__ make it, attribute by attribute
# (QUICK_ROWS; False: openpyxl's own steps, tests/test_exports.py compares; only
# with openpyxl 3.1, as _FAST_MERGE).
QUICK_ROWS = True


def row_height(ws, row: int, height: float) -> None:
    dims = ws.row_dimensions
    if not QUICK_ROWS or row in dims or type(height) is not float or not _FAST_MERGE:
        dims[row].height = height
        return
    dim = _new_cell(RowDimension)
    dim.parent, dim._style = ws, None
    dim.__dict__.update(ht=height, thickBot=False, thickTop=False, index=row, hidden=False, outlineLevel=0,
                        collapsed=False)
    dims[row] = dim


def automatic_rows(name: str, data: bytes) -> bytes:
    """For fixed_members: drop customHeight, so rows stay automatic (see above)."""
    return _CUSTOM_HEIGHT.sub(b"", data) if name.startswith("xl/worksheets/sheet") else data


# -- cells -----------------------------------------------------------------
@dataclass(frozen=True)
class Fonts:
    body: Font
    bold: Font
    header: Font
    title: Font
    size: float


def _fonts(size: float) -> Fonts:
    return Fonts(
        body=Font(name=BODY_FONT, size=size, charset=GB2312_CHARSET),
        bold=Font(name=BODY_FONT, size=size, bold=True, charset=GB2312_CHARSET),
        header=Font(name=HEAD_FONT, size=size, charset=GB2312_CHARSET),
        title=Font(name=HEAD_FONT, size=size + 7, charset=GB2312_CHARSET),
        size=size,
    )


REUSE_STYLES = True   # False: style every cell one by one (tests compare the two workbooks byte for byte)


class Book:
    """One workbook being built, handed to every step that writes into it: the
    openpyxl workbook, its fonts, and what the build works out once and reuses.

    A cell's style is an array of ids into this workbook's own lists (fonts,
    fills, borders...): what a style change gave one cell holds for any other
    cell of this workbook, and for no other workbook. So this is made with the
    workbook and dropped with it (nothing here outlives a build):
    - `restyled`: (style before, change) -> the style after (_restyled, REUSE_STYLES);
    - `fresh`, `dates`: put()'s change -> the style of a new cell and of a new
      date cell (_quick_cell, QUICK_CELLS and QUICK_DATES);
    - `merged`: a kind of merge -> the styles of its cells (_quick_merge, QUICK_MERGES);
    - `covered`: each sheet's cells inside a merged range (_merge_cells);
    - `texts`: each text -> the text a cell holds (cell_text, CLEAN_ONCE);
    - `measure`: its row heights' Measurer (MEASURE_ONCE)."""

    def __init__(self, wb: Workbook, fonts: Fonts):
        self.wb, self.fonts = wb, fonts
        self.restyled: dict[tuple, StyleArray] = {}
        self.fresh: dict[tuple, StyleArray] = {}
        self.dates: dict[tuple, StyleArray] = {}
        self.merged: dict[tuple, list[StyleArray]] = {}
        self.covered: dict[object, set[tuple[int, int]]] = {}     # worksheet -> (row, column)s
        self.texts: dict[str, str] = {}
        self.measure = Measurer(fonts.size)

    def cell_text(self, text: str) -> str:
        """The text a cell holds: without the control characters openpyxl refuses
        (put() takes them out), cut at 32,767 characters as Cell.value's check_string
        cuts it; each distinct text worked out once (CLEAN_ONCE; False: every time)."""
        known = self.texts.get(text)
        if known is None:
            known = ILLEGAL_CHARACTERS_RE.sub("", text)[:32767]
            if CLEAN_ONCE:
                self.texts[text] = known
        return known

    def covered_in(self, ws) -> set[tuple[int, int]]:
        covered = self.covered.get(ws)
        if covered is None:
            covered = self.covered[ws] = set()
        return covered


def _styled(book: Book, cell, key: tuple, apply) -> None:
    """Give the cell the style `apply` sets, reusing the style array the same
    change gave a cell with the same style before (_restyled). openpyxl
    registers a style object by hashing all its fields on every assignment:
    that hashing was most of the workbook's cost. The first cell of each
    combination is styled as before, so fonts, fills and borders are
    registered in the same order and the file is the same. `key` names
    everything `apply` sets; a cell styled before (a date's number format,
    a covered cell's border) is keyed by its style too."""
    if not REUSE_STYLES:
        apply(cell)
        return
    _restyled(book, cell, key, apply)


def merge(book: Book, ws, start_row: int, start_col: int, end_row: int, end_col: int, font: Font) -> None:
    """Merge, and give the covered cells the font too (every cell carries a Chinese font)."""
    if REUSE_STYLES and _FAST_MERGE and QUICK_MERGES:
        _quick_merge(book, ws, start_row, start_col, end_row, end_col, font)
        return
    _plain_merge(book, ws, start_row, start_col, end_row, end_col, font)


def _plain_merge(book: Book, ws, start_row: int, start_col: int, end_row: int, end_col: int, font: Font) -> None:
    if REUSE_STYLES and _FAST_MERGE:
        _merge_cells(book, ws, start_row, start_col, end_row, end_col)
    else:
        ws.merge_cells(start_row=start_row, start_column=start_col, end_row=end_row, end_column=end_col)
    for row in ws.iter_rows(min_row=start_row, max_row=end_row, min_col=start_col, max_col=end_col):
        for cell in row:
            if isinstance(cell, MergedCell):   # covered: no style of its own yet
                _styled(book, cell, ("covered", id(font)), lambda c: setattr(c, "font", font))
            else:
                cell.font = font


# openpyxl 3.1's Worksheet.merge_cells, step for step, with two costs taken out
# (the workbook is the very same file: tests/test_exports.py builds it both ways):
# - it adds the range only when no range already holds it, looking through every
#   range before (quadratic in the merges: 1,700 of them at 1,000 records); here a
#   set of covered cells answers, and a range touching one goes the original way;
# - it adds a border to each edge cell and a protection to every cell, and
#   openpyxl registers each resulting style by hashing it whole. A cell's new
#   style depends only on its style before and on what is added, so the first
#   cell of each combination goes through openpyxl and later ones copy its
#   style array (as _styled does; nothing is registered in another order).
_FAST_MERGE = openpyxl.__version__.startswith("3.1.")


def _merge_cells(book: Book, ws, start_row: int, start_col: int, end_row: int, end_col: int) -> None:
    covered = book.covered_in(ws)
    cells = [(r, c) for r in range(start_row, end_row + 1) for c in range(start_col, end_col + 1)]
    if any(cell in covered for cell in cells):
        ws.merge_cells(start_row=start_row, start_column=start_col, end_row=end_row, end_column=end_col)
        return
    covered.update(cells)
    mcr = MergedCellRange.__new__(MergedCellRange)      # MergedCellRange.__init__, its _get_borders through the book
    mcr.ws = ws
    CellRange.__init__(mcr, range_string=f"{get_column_letter(start_col)}{start_row}:{get_column_letter(end_col)}{end_row}")
    mcr.start_cell = None
    _merged_borders(book, mcr)
    ws.merged_cells.ranges.add(mcr)
    for row, col in cells[1:]:                      # Worksheet._clean_merge_range
        ws._cells[row, col] = MergedCell(ws, row, col)
    _format_merged(book, mcr)


# A merge whose outcome was seen before is made again from it (QUICK_MERGES): every
# cell of a range but the first is a new MergedCell, so the styles merge() leaves
# in the range depend only on the first cell's style before, the last cell's border
# (openpyxl's _get_borders), the range's shape and the font. The first range of each
# kind goes merge()'s way; later ones copy its styles and make the range and the
# covered cells as openpyxl does, without its descriptors, coordinate parsing and
# per-cell style steps (the workbook is the very same file: tests/test_exports.py).
QUICK_MERGES = True


def _quick_merge(book: Book, ws, start_row: int, start_col: int, end_row: int, end_col: int, font: Font) -> None:
    cells = ws._cells
    start, end = cells.get((start_row, start_col)), cells.get((end_row, end_col))
    covered = book.covered_in(ws)
    coords = [(r, c) for r in range(start_row, end_row + 1) for c in range(start_col, end_col + 1)]
    if start is None or not start._style or any(coord in covered for coord in coords):
        _plain_merge(book, ws, start_row, start_col, end_row, end_col, font)
        return
    corner = None if end is None else end._style.borderId if end._style else 0
    key = (tuple(start._style), corner,
           end_row - start_row, end_col - start_col, id(font))
    styles = book.merged.get(key)
    if styles is None:
        _plain_merge(book, ws, start_row, start_col, end_row, end_col, font)
        book.merged[key] = [copy(cells[coord]._style) for coord in coords]
        return
    covered.update(coords)
    mcr = MergedCellRange.__new__(MergedCellRange)      # MergedCellRange.__init__'s attributes, as it sets them
    mcr.__dict__.update(ws=ws, min_col=start_col, min_row=start_row, max_col=end_col, max_row=end_row,
                        title=None, start_cell=start)
    ws.merged_cells.ranges.add(mcr)
    start._style = copy(styles[0])
    for (row, col), style in zip(coords[1:], styles[1:]):
        cell = cells[row, col] = _new_cell(MergedCell)
        cell.parent, cell._style, cell.row, cell.column = ws, copy(style), row, col


def _restyled(book: Book, cell, key: tuple, apply) -> None:
    """Apply a style change to a cell, or copy the style array the same change
    gave a cell with the same style before."""
    memo = book.restyled
    before = tuple(cell._style) if cell._style else _FRESH
    done = memo.get((before, key))
    if done is None:
        apply(cell)
        memo[before, key] = copy(cell._style)
    else:
        cell._style = copy(done)


def _format_merged(book: Book, mcr) -> None:
    """MergedCellRange.format of openpyxl 3.1, through _restyled."""
    ws, start = mcr.ws, mcr.start_cell
    for name in ("top", "left", "right", "bottom"):
        side = getattr(start.border, name)
        if side and side.style is None:
            continue
        border, source = Border(**{name: side}), start._style.borderId
        for coord in getattr(mcr, name):
            cell = ws._cells.get(coord)
            if cell is None:
                cell = ws._cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
            _restyled(book, cell, ("border", name, source),
                      lambda c, border=border: setattr(c, "border", c.border + border))
    protection, source = copy(start.protection), start._style.protectionId   # never None: every cell "protected"
    for coord in mcr.cells:
        cell = ws._cells.get(coord)
        if cell is None:
            cell = ws._cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
        _restyled(book, cell, ("protection", source),
                  lambda c: setattr(c, "protection", protection))


def _merged_borders(book: Book, mcr) -> None:
    """MergedCellRange._get_borders of openpyxl 3.1, through _restyled."""
    mcr.start_cell = mcr.ws._cells.get((mcr.min_row, mcr.min_col))
    if mcr.start_cell is None:
        mcr.start_cell = mcr.ws.cell(row=mcr.min_row, column=mcr.min_col)
    end = mcr.ws._cells.get((mcr.max_row, mcr.max_col))
    if end is not None:
        added = Border(right=end.border.right, bottom=end.border.bottom)
        _restyled(book, mcr.start_cell, ("corner", end._style.borderId if end._style else 0),
                  lambda c: setattr(c, "border", c.border + added))


def put(book: Book, ws, row: int, col: int, value, font: Font, alignment: Alignment | None = None,
        fill: str | None = None, border: bool = True):
    """Write one typed cell. Text is always text: openpyxl would make a
    formula of `=…` (and an error value of `#N/A`), so the type is forced,
    and text that a spreadsheet would read as a formula when edited carries
    the quote prefix (Excel's leading apostrophe)."""
    if isinstance(value, str):
        kind = "quoted" if value.startswith(FORMULA_START) else "text"
    elif isinstance(value, dt.date):
        kind = "date"
    else:
        kind = "value"
    key = (kind, id(font), id(alignment), border, fill)
    if QUICK_CELLS and REUSE_STYLES:
        cell = _quick_cell(book, ws, row, col, value, key)
        if cell is not None:
            return cell
    fresh = (row, col) not in ws._cells
    cell = ws.cell(row, col)
    if isinstance(value, str):
        cell.value = book.cell_text(value)
        cell.data_type = "s"
    else:
        cell.value = value

    def apply(cell) -> None:
        if kind == "quoted":
            cell.quotePrefix = True
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border:
            cell.border = BORDER
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)

    _styled(book, cell, key, apply)
    if fresh and type(value) is dt.date:      # a new date cell's style: the same for every new one (QUICK_DATES)
        book.dates.setdefault(key, copy(cell._style))
    return cell


# A new cell whose style change was made before (_restyled's memo) is made the way
# Worksheet.cell and Cell.value make it, with that style: no descriptors, no second
# check of the text (the workbook is the very same file: tests/test_exports.py).
QUICK_CELLS = True
# A new date cell too, with the style the first new date cell of the same style change
# got (Cell.value gives every new date cell the same number format first: QUICK_DATES);
# and each distinct text has its illegal characters taken out once (CLEAN_ONCE, Book.cell_text).
QUICK_DATES = True
CLEAN_ONCE = True
_FRESH = (0,) * 9          # the style of a cell openpyxl has just made
_PLAIN_NUMBERS = (int, float)


def _quick_cell(book: Book, ws, row: int, col: int, value, key: tuple):
    """The cell put() makes, or None when openpyxl must make it (a cell already
    there, a style change not made before, a value other than text, a number,
    a date or None)."""
    cells, coord = ws._cells, (row, col)
    if coord in cells:
        return _quick_rewrite(book, cells[coord], value, key)
    if not 0 < row < 1048577:
        return None
    kind = type(value)
    if kind is dt.date:
        done = book.dates.get(key) if QUICK_DATES else None
        if done is None:
            return None
        data_type = "d"                                   # Cell._bind_value: TIME_TYPES
    else:
        done = book.fresh.get(key)
        if done is None:
            done = book.restyled.get((_FRESH, key))
            if done is None:
                return None
            book.fresh[key] = done                        # never changed once made (_restyled)
        if value is None or kind in _PLAIN_NUMBERS:
            data_type = "n"                               # Cell._bind_value: _TYPES
        elif kind is str:
            text = book.texts.get(value)
            if text is None:
                text = book.cell_text(value)              # then Cell.value's check_string finds nothing to do
            value, data_type = text, "s"                  # put() forces text (never "f" or "e")
        else:
            return None
    cell = _new_cell(Cell)          # Cell.__init__ and Worksheet._add_cell, attribute by attribute
    cell.parent, cell._style, cell.row, cell.column = ws, _new_style(StyleArray, "i", done), row, col
    cell._value, cell.data_type, cell._hyperlink, cell._comment = value, data_type, None, None
    cells[coord] = cell
    if row > ws._current_row:
        ws._current_row = row
    return cell


# A cell put() writes again (a merged cell continued on a new page) gets its text or
# number and the style _restyled's memo has for its style and the change, as
# Cell.value and _restyled would give them (QUICK_REWRITE; False: openpyxl's steps).
QUICK_REWRITE = True


def _quick_rewrite(book: Book, cell, value, key: tuple):
    """put() on a cell already there, or None when openpyxl must do it (a covered
    cell, a style change not made on this style before, a value other than text,
    a number or None)."""
    if not QUICK_REWRITE or type(cell) is not Cell:
        return None
    kind = type(value)
    if value is None or kind in _PLAIN_NUMBERS:
        data_type = "n"
    elif kind is str:
        value, data_type = book.cell_text(value), "s"
    else:
        return None
    before = tuple(cell._style) if cell._style else _FRESH
    done = book.restyled.get((before, key))
    if done is None:
        return None
    cell._value, cell.data_type = value, data_type
    cell._style = _new_style(StyleArray, "i", done)
    return cell


_new_cell = object.__new__
_new_style = array.__new__         # StyleArray(done), without its Python __new__


@dataclass(frozen=True)
class SheetHead:
    name: str
    title: str
    unit: str
    as_of: dt.date
    columns: list[tuple[str, float]]    # label, width
    sample: str = ""                    # the 示例数据 mark: in the title and the page header
    vocab: Vocabulary | None = None     # the words of the title block and the footer (required)


def _start_sheet(book: Book, head: SheetHead):
    """Title block and header row; returns the sheet and the header row."""
    fonts = book.fonts
    ws = book.wb.create_sheet(head.name)
    n = len(head.columns)
    title = f"{head.title}（{head.sample}）" if head.sample else head.title
    put(book, ws, 1, 1, title, fonts.title, CENTER, border=False)
    ws.row_dimensions[1].height = height_of(1, fonts.title.size) + 6
    merge(book, ws, 1, 1, 1, n, fonts.title)
    # 填报单位 on the left; 截至日期 on the right, over as many columns as it needs (never “###”)
    as_of = head.vocab.phrase("sheet_as_of", date=head.as_of.isoformat())
    need, first = book.measure.units(as_of), n
    while first > 2 and sum(w for _, w in head.columns[first - 1:]) < need:
        first -= 1
    put(book, ws, 2, 1, head.vocab.phrase("sheet_unit", unit=head.unit), fonts.body, LEFT, border=False)
    if first - 1 > 1:
        merge(book, ws, 2, 1, 2, first - 1, fonts.body)
    put(book, ws, 2, first, as_of, fonts.body, RIGHT, border=False)
    if first < n:
        merge(book, ws, 2, first, 2, n, fonts.body)
    for col, (label, width) in enumerate(head.columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        put(book, ws, 3, col, label, fonts.header, CENTER, HEADER_FILL)
    ws.row_dimensions[3].height = height_of(max(book.measure.lines(l, w) for l, w in head.columns), fonts.size)
    if head.sample:
        ws.oddHeader.center.text = head.sample
        ws.oddHeader.center.font = f"{HEAD_FONT},常规"
        ws.oddHeader.center.size = int(fonts.size)
    return ws, 3


def _finish_sheet(ws, head: SheetHead, header_row: int, last_row: int, paper: str, fonts: Fonts,
                  blocks: list | None = None) -> PrintPlan:
    """Print settings, then page breaks: `blocks` are (first row, last row,
    keep with next) runs kept on one page when they fit (default: each row)."""
    plan = setup_print(ws, header_row, last_row, [w for _, w in head.columns], paper, fonts.size)
    if blocks is None:
        blocks = [(r, r, False) for r in range(header_row + 1, last_row + 1)]
    breaks = paginate(ws, header_row, blocks, plan)
    # One assignment: RowBreak.append copies and checks every break so far on each call.
    ws.row_breaks.brk = [*ws.row_breaks.brk, *(Break(id=row) for row in breaks)]
    pages = (len(breaks) + 1) * pages_across(plan, [w for _, w in head.columns])
    ws.oddFooter.center.text = head.vocab.phrase("sheet_pages", page="&P", pages=pages)
    return plan


def pages_across(plan: PrintPlan, widths: list[float]) -> int:
    """How many pages wide the sheet prints: 1 when fit to the width; else the columns
    laid out at the plan's scale, a page ending before the column that would not fit
    (as Excel and LibreOffice break them), so 共 M 页 counts every printed page."""
    if plan.fit_to_width:
        return 1
    room = (PAPER_MM[plan.paper][0] / 25.4 - MARGINS_IN["left"] - MARGINS_IN["right"]) * 72 / plan.scale
    pages, used = 1, 0.0
    for width in widths:
        points = width * POINTS_PER_WIDTH_UNIT
        if used and used + points > room:
            pages, used = pages + 1, 0.0
        used += points
    return pages


def setup_print(ws, header_row: int, last_row: int, widths: list[float], paper: str = "A4",
                body_pt: float = 11) -> PrintPlan:
    """Autofilter and frozen header, header repeated on each page, landscape
    on `paper` at the scale `print_plan` allows, the footer's font (its text, 第 N 页 共 M 页, is _finish_sheet's)."""
    n = len(widths)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{max(last_row, header_row)}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    plan = print_plan(widths, paper, body_pt)
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    if plan.fit_to_width:
        setup.fitToWidth, setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        setup.scale = round(plan.scale * 100)
    ws.print_options.horizontalCentered = True
    setup.firstPageNumber, setup.useFirstPageNumber = 1, True     # each sheet counts its own pages
    for side, inches in MARGINS_IN.items():
        setattr(ws.page_margins, side, inches)
    ws.oddFooter.center.font = f"{BODY_FONT},常规"
    ws.oddFooter.center.size = int(body_pt)
    return plan


# -- pages -------------------------------------------------------------------
# The sheet is paginated here, not by the spreadsheet: rows carry heights
# estimated on the generous side (see Measurer), so a page filled up to its
# height here never overflows in LibreOffice (which uses the stored heights)
# nor in Excel or WPS (which re-fit rows, never taller). So the page count is
# known and 第 N 页 共 M 页 counts each sheet's own pages.
PAGE_SLACK = 0.97      # of the printable height: room for rounding in the spreadsheet


def page_height(plan: PrintPlan) -> float:
    """Rows' total height (unscaled points) that one printed page holds."""
    height_in = PAPER_MM[plan.paper][1] / 25.4 - MARGINS_IN["top"] - MARGINS_IN["bottom"]
    return height_in * 72 / plan.scale * PAGE_SLACK


def paginate(ws, header_row: int, blocks: list[tuple[int, int, bool]], plan: PrintPlan) -> list[int]:
    """Rows after which a page ends. A block (with the ones it is kept with)
    moves to the next page when it does not fit; a block taller than a page
    is split between rows. The header row repeats on every page; the title
    block is on the first only."""
    def height(row: int) -> float:
        return ws.row_dimensions[row].height or height_of(1, 11)

    full = page_height(plan)
    header = height(header_row)
    room = full - sum(height(r) for r in range(1, header_row + 1))
    breaks: list[int] = []
    used = 0.0
    chains: list[list[tuple[int, int]]] = []
    for first, last, keep in blocks:               # keep-with-next chains move together
        if chains and chains[-1] and chains[-1][-1][2]:
            chains[-1].append((first, last, keep))
        else:
            chains.append([(first, last, keep)])
    for chain in chains:
        rows = [r for first, last, _ in chain for r in range(first, last + 1)]
        total = sum(height(r) for r in rows)
        if used and used + total > room:
            breaks.append(rows[0] - 1)
            room, used = full - header, 0.0
        for r in rows:                             # a chain taller than a page: split between rows
            h = height(r)
            if used and used + h > room:
                breaks.append(r - 1)
                room, used = full - header, 0.0
            used += h
    return breaks


def _simple_sheet(book: Book, head: SheetHead, rows: list[list], paper: str, fills=None, centred=()):
    fonts = book.fonts
    ws, header_row = _start_sheet(book, head)
    for index, row in enumerate(rows):
        r = header_row + 1 + index
        for col, value in enumerate(row, start=1):
            fill = (fills[index] if fills else {}).get(col)
            put(book, ws, r, col, value, fonts.body, TOP_CENTER if col in centred else TOP, fill)
        lines = max(book.measure.lines(v, head.columns[c][1]) for c, v in enumerate(row))
        row_height(ws, r, height_of(lines, fonts.size))
    _finish_sheet(ws, head, header_row, header_row + len(rows), paper, fonts)
    return ws


# -- the workbook ----------------------------------------------------------
def _title(scope: Scope, what: str) -> str:
    return f"{scope.round.title if scope.round else ''}{what}"


def _settings(ledger: Ledger) -> tuple[str, Fonts]:
    exports = ledger.vocab.exports or {}
    return str(exports.get("paper", "A4")), _fonts(float(exports.get("font_size", 11)))


# The cycle collector is paused while the workbook is made (PAUSE_COLLECTOR; False: it
# runs as usual). The workbook is hundreds of thousands of objects that all stay alive
# until it is written (cells, their style arrays, the rows' cells and texts): the
# collector walked them again and again as they grew (at 5,000 records about 900
# collections, 6 of them of everything: 0.5-0.7 s of 4.7). A workbook holds reference
# cycles (a sheet and its cells point at each other): once it is written its cells are
# dropped (freed by reference counting), and one collection of the young objects frees
# the rest before build_workbook returns (0.03 s at 5,000 records).
PAUSE_COLLECTOR = True


def build_workbook(ledger: Ledger, scope: Scope) -> bytes:
    with collector.paused(PAUSE_COLLECTOR, collect_young=True):
        return _build_workbook(ledger, scope)


def _build_workbook(ledger: Ledger, scope: Scope) -> bytes:
    paper, fonts = _settings(ledger)
    wb = Workbook()
    wb._fonts = IndexedList([NORMAL_FONT])      # the default font defines the column width unit
    wb._named_styles["Normal"].font = NORMAL_FONT
    wb.remove(wb.active)
    stamp = dt.datetime.combine(ledger.today, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "taizhang"
    wb.properties.language = "zh-CN"
    steps = _sheets(Book(wb, fonts), ledger, scope, filing_unit(ledger, scope), paper)
    if SHEET_BY_SHEET and sheetxml.SHEET_XML and zipfix.WORKBOOK_MEMBERS and zipfix.STORED_FIRST:
        return zipfix.streamed_workbook(wb, steps, stamp, edit=automatic_rows)
    for _ in steps:
        pass
    members = zipfix.workbook_members(wb)
    for ws in wb.worksheets:      # the cells are freed now, by reference counting (see PAUSE_COLLECTOR)
        ws._cells.clear()
    return zipfix.fixed_members(members, stamp, edit=automatic_rows)


# Each sheet is written, deflated into the archive, and its cells dropped before the
# next sheet is built (SHEET_BY_SHEET; False: every sheet built, then the workbook
# written, then its members deflated, tests/test_exports.py compares). At 5,000
# records the cells of all five sheets (about 80 MB) were alive at once, and with
# them all the sheets' XML (44 MB) while the archive was made.
SHEET_BY_SHEET = True


def _sheets(book: Book, ledger, scope, unit, paper):
    """Build the workbook's sheets in order, one a step (the properties that the
    writer puts first do not depend on them)."""
    _ledger_sheet(book, ledger, scope, unit, paper)
    yield
    _problem_sheet(book, ledger, scope, unit, paper)
    yield
    _task_sheet(book, ledger, scope, unit, paper)
    yield
    _responsibility_sheet(book, ledger, scope, unit, paper)
    yield
    if scope.carried_in:
        _list_sheet(book, ledger, scope, unit, paper, "carried", [("", views.carried_rows(ledger, scope.carried_in))])
        yield
    if scope.declarations:
        _declaration_sheet(book, ledger, scope, unit, paper)
        yield
    _list_sheet(book, ledger, scope, unit, paper, "summary", [("", tuple(views.completion(ledger, scope)))])
    yield


MERGED_COLUMNS = frozenset(FEEDBACK_COLUMNS + PROBLEM_COLUMNS)     # merged over rows: their height is _merged_runs'
_CENTRED_IN_LEDGER = frozenset(("number", "deadline"))


def _ledger_sheet(book: Book, ledger, scope, unit, paper) -> None:
    """The ledger layout: an area row, then each feedback item's rows with
    序号/反馈问题 merged over them and 查摆问题/原因 over each problem's rows.
    A feedback item's rows stay on one page when they fit, an area row with
    the item after it; a merged cell cut by a page break is merged again on
    the next page, labelled as continued."""
    columns = ledger.vocab.ledger_columns
    names = [c.name for c in columns]
    widths = {c.name: c.width for c in columns}
    sheet = ledger.vocab.phrase("sheet_ledger")
    head = SheetHead(sheet, _title(scope, sheet), unit, ledger.today, [(c.label, c.width) for c in columns],
                     _sample(ledger), ledger.vocab)
    fonts = book.fonts
    ws, header_row = _start_sheet(book, head)
    r = header_row
    blocks, merges = [], []
    for block in ledger_blocks(ledger, scope, repeat_in_full=False):
        r += 1
        _area_row(book, ws, r, block.name, names, widths)
        blocks.append((r, r, True))                    # an area row never ends a page
        first = r + 1
        heights = [_ledger_row(book, ws, ledger, first + i, row, names, widths) for i, row in enumerate(block.rows)]
        r += len(block.rows)
        _merged_runs(block.rows, first, names, widths, book.measure, heights, blocks, merges)
        for offset, height in enumerate(heights):
            row_height(ws, first + offset, round(height, 1))
        _keep_feedback_text(blocks, block.rows, first, heights, widths, book.measure)
    blocks.sort()
    _finish_sheet(ws, head, header_row, r, paper, fonts, blocks)
    _merge_by_page(book, ws, ledger, merges)


def _area_row(book: Book, ws, r: int, name: str, names: list[str], widths: dict) -> None:
    """An area's row: its name in bold across the whole width, shaded."""
    fonts = book.fonts
    put(book, ws, r, 1, name, fonts.bold, TOP, AREA_FILL)
    for col in range(2, len(names) + 1):
        put(book, ws, r, col, None, fonts.bold, None, AREA_FILL)
    merge(book, ws, r, 1, r, len(names), fonts.bold)
    row_height(ws, r, height_of(book.measure.lines(name, sum(widths.values())), fonts.size))


def _ledger_row(book: Book, ws, ledger: Ledger, r: int, row, names: list[str], widths: dict) -> float:
    """One ledger row's cells (a gap in red, 完成情况 in its state's or warning light's fill);
    its height as its unmerged cells need it (the merged ones are _merged_runs')."""
    fonts = book.fonts
    cells, gaps = row.cells, row.gaps
    for col, name in enumerate(names, start=1):
        if name in gaps:
            fill = state_fill(ledger.vocab, "lights", RED)
        else:
            fill = _completion_fill(ledger, row) if name == "completion" else None
        put(book, ws, r, col, cells.get(name, ""), fonts.body, TOP_CENTER if name in _CENTRED_IN_LEDGER else TOP, fill)
    lines = max(book.measure.lines(cells.get(n, ""), widths[n]) for n in names if n not in MERGED_COLUMNS)
    return height_of(lines, fonts.size)


def _merged_runs(rows, first: int, names: list[str], widths: dict, measure: Measurer, heights: list[float],
                 blocks: list, merges: list) -> None:
    """Each problem's and feedback item's run of rows: a problem's rows a block kept on one
    page when they fit, its merged cells in `merges`; the last row of a run grows
    until the merged texts fit."""
    for start, end, group in _runs(rows):
        if group == PROBLEM_COLUMNS:       # a problem's rows stay on one page when they fit
            blocks.append((first + start, first + end - 1, False))
        for name in group:
            if name in names:
                merges.append((first + start, first + end - 1, names.index(name) + 1, rows[start], name))
                # a merged cell's text must fit the rows it spans: the last row takes what is missing
                need = height_of(measure.lines(rows[start].cells.get(name, ""), widths[name]), measure.size)
                heights[end - 1] += max(0.0, need - sum(heights[start:end]))


def _merge_by_page(book: Book, ws, ledger, merges: list) -> None:
    """Merge each run's cells, once per page it spans: a piece on a later page says what it continues."""
    fonts = book.fonts
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    for top, bottom, col, row, name in merges:     # the breaks top <= b < bottom, found by bisection
        pieces = [top] + [b + 1 for b in breaks[bisect_left(breaks, top):bisect_left(breaks, bottom)]]
        for n, start in enumerate(pieces):
            end = pieces[n + 1] - 1 if n + 1 < len(pieces) else bottom
            if n:          # continued on a new page: say what it continues
                put(book, ws, start, col, _continued(ledger, row, name), fonts.body,
                    TOP_CENTER if name == "number" else TOP)
            if end > start:
                merge(book, ws, start, col, end, col, fonts.body)


def _keep_feedback_text(blocks: list, rows, first: int, heights: list[float], widths: dict,
                        measure: Measurer) -> None:
    """A page may break between a feedback item's problems (序号 and 反馈问题
    are then continued on the next page), but not before its text fits:
    the problems it needs are kept with the next."""
    by_start = {b[0]: i for i, b in enumerate(blocks)}
    for start, end, group in _runs(rows):
        if group != FEEDBACK_COLUMNS or "feedback" not in widths:
            continue
        need = height_of(measure.lines(rows[start].cells.get("feedback", ""), widths["feedback"]), measure.size)
        row, have = first + start, 0.0
        while row <= first + end - 1 and row in by_start:
            b = blocks[by_start[row]]
            have += sum(heights[r - first] for r in range(b[0], b[1] + 1))
            if have >= need or b[1] >= first + end - 1:
                break
            blocks[by_start[row]] = (b[0], b[1], True)
            row = b[1] + 1


def _continued(ledger, row, name: str):
    """The label of a merged cell continued on the next page: 序号 as is,
    the feedback item or problem by id and title."""
    if name == "number":
        return row.cells.get("number")
    record = row.feedback if name == "feedback" else row.problem
    text = f"{record.id} {record.title}" if record is not None else str(row.cells.get(name, "")).split("\n")[0]
    return ledger.vocab.phrase("continued", text=text)


def _sample(ledger) -> str:
    """The 示例数据 mark of sheets built from sample data, else ""."""
    return ledger.vocab.phrase("sample_mark") if any(r.sample for r in ledger.rounds) else ""


def _runs(rows):
    """(start, end, columns): each problem's rows within a feedback item
    (查摆问题, 原因), then each feedback item's rows (序号, 反馈问题). Inner
    runs come first, so the outer ones see the heights they already added."""
    found = []
    for key, columns in ((lambda row: row.problem_key, PROBLEM_COLUMNS), (lambda row: row.feedback_key, FEEDBACK_COLUMNS)):
        start = 0
        for end in range(1, len(rows) + 1):
            if end < len(rows) and key(rows[end]) == key(rows[start]):
                continue
            found.append((start, end, columns))
            start = end
    return found


CENTRED_SHOWS = ("number", "id", "deadline", "date", "count", "plain", "rate")
STATUS_SHOWS = ("status", "status_marked")


def _centred(column) -> bool:
    """Centred in the sheet: by its show (numbers, ids, dates), unless `align` says otherwise."""
    return column.align == "centre" or (column.show in CENTRED_SHOWS and column.align != "left")


def _cell_fill(vocab, show: str, row) -> str | None:
    """A 提示 cell in its light's fill, a 整改状态 cell in its status's (the
    vocabulary's, as on the site): 未启动 never looks like progress."""
    if show == "light":
        return state_fill(vocab, "lights", getattr(row, "light", None))
    if show in STATUS_SHOWS:
        return state_fill(vocab, "statuses", getattr(row, "status", None))
    return None


PERCENT = "0.0%"     # a rate: a number shown as a percentage, never a formula


def _list_sheet(book: Book, ledger, scope, unit, paper, table: str, groups, **names):
    """A list of vocabulary.yml's `tables` as a sheet: its sheet columns, one
    row per view row; `groups`: (heading, rows) pairs, a heading row (merged,
    shaded) before each group unless the heading is empty."""
    vocab = ledger.vocab
    columns = vocab.columns(table, "sheet", **names)
    sheet = vocab.phrase(f"sheet_{table}")
    head = SheetHead(sheet, _title(scope, sheet), unit, ledger.today, [(c.label, c.width) for c in columns],
                     _sample(ledger), ledger.vocab)
    fonts = book.fonts
    ws, header_row = _start_sheet(book, head)
    r = header_row
    total = sum(c.width for c in columns)
    widths = [c.width for c in columns]
    alignments = [TOP_CENTER if _centred(c) else TOP for c in columns]
    fills = [c.show == "light" or c.show in STATUS_SHOWS for c in columns]     # the shows _cell_fill fills
    blocks = []
    for heading, rows in groups:
        if heading:
            r += 1
            blocks.append((r, r, True))         # a group heading never ends a page
            put(book, ws, r, 1, heading, fonts.bold, TOP, AREA_FILL)
            for col in range(2, len(columns) + 1):
                put(book, ws, r, col, None, fonts.bold, None, AREA_FILL)
            merge(book, ws, r, 1, r, len(columns), fonts.bold)
            row_height(ws, r, height_of(book.measure.lines(heading, total), fonts.size))
        for row in rows:
            r += 1
            values = [views.plain(vocab, c, row) for c in columns]
            for col, (c, value, alignment, filled) in enumerate(zip(columns, values, alignments, fills), start=1):
                put(book, ws, r, col, value, fonts.body, alignment, _cell_fill(vocab, c.show, row) if filled else None)
                if c.show == "rate" and isinstance(value, float):
                    ws.cell(r, col).number_format = PERCENT
            lines = max(map(book.measure.lines, values, widths))
            row_height(ws, r, height_of(lines, fonts.size))
            blocks.append((r, r, False))
    _finish_sheet(ws, head, header_row, r, paper, fonts, blocks)
    return ws


def _problem_sheet(book: Book, ledger, scope, unit, paper) -> None:
    """This round's problems, then (under a heading) the earlier rounds' ones its
    carried measures count against: the rows add up to the rate's denominator."""
    own = views.problem_rows(ledger, scope.problems)
    groups = [("", own)]
    if scope.carried_problems:
        groups.append((ledger.vocab.phrase("problems_carried_heading"),
                       views.problem_rows(ledger, scope.carried_problems, scope, len(own) + 1)))
    _list_sheet(book, ledger, scope, unit, paper, "problems", groups)


def _task_sheet(book: Book, ledger, scope, unit, paper) -> None:
    _list_sheet(book, ledger, scope, unit, paper, "tasks", [("", views.task_rows(ledger, scope.measures, scope))])


def _responsibility_sheet(book: Book, ledger, scope, unit, paper) -> None:
    """Each leader, then each unit, with its measures under it (not only counts)."""
    vocab = ledger.vocab
    groups = []
    for field in ("leader", "unit"):
        for g in views.responsibility_groups(ledger, scope.measures, field, scope):
            groups.append((vocab.phrase("responsibility_group", field=vocab.key(field), who=g.name, count=g.count,
                                        closed=g.closed, overdue=g.overdue), g.tasks))
    _list_sheet(book, ledger, scope, unit, paper, "responsibility", groups)


def _declaration_sheet(book: Book, ledger, scope, unit, paper) -> None:
    """说明事项: vocabulary.yml `tables.declarations`, one row per declaration."""
    vocab = ledger.vocab
    label = vocab.label("natures", "declaration")
    columns = vocab.columns("declarations", "sheet")
    rows = [[views.plain(vocab, c, row) for c in columns] for row in views.declaration_rows(ledger, scope.declarations)]
    head = SheetHead(label, _title(scope, label), unit, ledger.today, [(c.label, c.width) for c in columns],
                     _sample(ledger), ledger.vocab)
    _simple_sheet(book, head, rows, paper,
                  centred=tuple(i for i, c in enumerate(columns, start=1) if _centred(c)))


# Public names for other workbooks built the same way (督查总览.xlsx, gather/workbook.py).
sheet_fonts = _fonts


def simple_sheet(wb, head: SheetHead, rows: list[list], fonts: Fonts, paper: str, fills=None, centred=()):
    """A sheet of `rows` under `head` in `wb`, as the ledger workbook's simple sheets.
    Its own Book: what it works out holds for every sheet of `wb`, and is worked out
    again for each (the same style ids, whichever Book finds them first)."""
    return _simple_sheet(Book(wb, fonts), head, rows, paper, fills, centred)
