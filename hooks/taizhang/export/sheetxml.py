"""The <sheetData> of each worksheet as plain strings, the very bytes
openpyxl 3.1 writes through lxml's incremental xmlfile.

openpyxl writes a worksheet's cells one `with xf.element(...)` at a time
(worksheet/_writer.py WorksheetWriter.write_rows → cell/_writer.py
lxml_write_cell): a quarter of the workbook's cost at 5,000 records. Here the
rows and cells are joined as text in the same order, with the same attributes
in the same order and lxml's escaping (its worksheet stream is ASCII: `&`, `<`,
`>` and `\r` in text become `&amp;` `&lt;` `&gt;` `&#13;`, `"` and `\n` `\t`
also in attributes, every other non-ASCII character a decimal reference; text
with leading or trailing whitespace gets xml:space="preserve"); styles are
registered cell by cell as openpyxl does, so the style ids are the same.
openpyxl writes everything else of the sheet (properties, columns, print
setup...) around an empty <sheetData>, and ours takes its place; so too the
merged ranges and the row breaks (QUICK_TAIL).

A sheet with something this does not write the same way (a comment, a
hyperlink, a formula, rich text, a character lxml refuses, a time zone) is
written by openpyxl's own write_rows. SHEET_XML = False writes every sheet
openpyxl's way (tests/test_exports.py compares the two files byte for byte).
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import timedelta

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.compat import safe_string
from openpyxl.styles.cell_style import StyleArray
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel, to_ISO8601
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from taizhang.export.text import LXML_REFUSED

SHEET_XML = openpyxl.__version__.startswith("3.1.") and openpyxl.LXML   # False: openpyxl writes every cell

_ATTRIBUTE = re.compile('[&<>"\r\n\t]')
_ATTRIBUTE_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_UNSTYLED = bytes(StyleArray().tobytes())     # a style array of zeros: no style (Cell.has_style)


def sheet_data(ws) -> list[bytes] | Spooled | None:
    """WorksheetWriter.write_rows' <sheetData> element, in pieces of whole rows (CHUNKS),
    or None when openpyxl must write it. The pieces are spooled to an unnamed
    temporary file as they are encoded (SPOOL), else kept in a list."""
    chunks = _spool()
    try:
        data = _sheet_data(ws, chunks)
    except BaseException:
        _discard(chunks)
        raise
    if data is None:
        _discard(chunks)
    return data


def _sheet_data(ws, chunks):
    wb = ws.parent
    add_style = wb._cell_styles.add
    dims = ws.row_dimensions
    cells = ws._cells
    rows: dict[int, list] = {}
    for key in sorted(cells):                                      # WorksheetWriter.rows
        rows.setdefault(key[0], []).append(cells[key])
    for index in dims.keys() - rows.keys():
        rows[index] = []
    letters: dict[int, str] = {}
    style_ids: dict[tuple, int] = {}      # a style added before has its id: adding it again changes nothing
    tails: dict[tuple, str] = {}          # (style, data type) -> the cell's attributes after r="…", and ">"
    texts: dict[str, str] = {}
    heights: dict[float, str] = {}
    quick_rows = QUICK_ROW_TAGS and _unstyled_first(wb._cell_styles)
    out = ["<sheetData>"]
    append = out.append
    # A text's element is kept for the next cell with the same text only when the text
    # is short (units, states, dates...): a record's own long text is seldom met twice,
    # and kept it would be the sheet's text held once more (SHORT_TEXTS_KEPT).
    at_most = KEPT_TEXT_AT_MOST if SHORT_TEXTS_KEPT else float("inf")
    for row_idx, row in sorted(rows.items()):
        dim = dims.get(row_idx)
        if quick_rows and dim is not None and _plain_row(dim):
            append(f'<row r="{row_idx}"{_height_attributes(dim, heights)}>')
        else:
            attrs = {"r": f"{row_idx}"}                            # WorksheetWriter.write_row
            attrs.update(dim or {})
            append("<row" + "".join(f' {k}="{_attribute(v)}"' for k, v in attrs.items()) + ">")
        for cell in row:
            kind = type(cell)
            if kind is Cell:
                if cell._comment is not None or cell._hyperlink is not None:
                    return None
            elif kind is not MergedCell:
                return None
            value = cell._value
            style = cell._style
            style_bytes = None if style is None else style.tobytes()
            styled = style_bytes is not None and style_bytes != _UNSTYLED
            if value is None and not styled:
                continue
            column = cell.column
            letter = letters.get(column)
            if letter is None:
                letter = letters[column] = get_column_letter(column)
            data_type = cell.data_type                            # _set_attributes
            if data_type == "d":
                if getattr(value, "tzinfo", None) is not None:
                    return None
                if wb.iso_dates and not isinstance(value, timedelta):
                    value, data_type = to_ISO8601(value), "d"
                else:
                    value, data_type = to_excel(value, wb.epoch), "n"
            elif data_type == "f":
                return None
            tail_key = (style_bytes if styled else None, data_type)
            tail = tails.get(tail_key)
            if tail is None:
                tail = ""
                if styled:
                    known = tuple(style)
                    style_id = style_ids.get(known)
                    if style_id is None:
                        style_id = style_ids[known] = add_style(style)
                    tail = f' s="{style_id}"'
                tail = tails[tail_key] = tail + (' t="inlineStr">' if cell.data_type == "s" else f' t="{_attribute(data_type)}">')
            head = f'<c r="{letter}{cell.row}"{tail}'
            if value == "" or value is None:                       # lxml_write_cell
                append(head + "</c>")
            elif data_type == "s":
                if type(value) is not str:
                    return None
                element = texts.get(value)
                if element is None:
                    if LXML_REFUSED.search(value):
                        return None
                    element = ('<is><t xml:space="preserve">' if value != value.strip() else "<is><t>") \
                        + _escaped(value) + "</t></is></c>"
                    if len(value) <= at_most:
                        texts[value] = element
                append(head)
                append(element)
            else:
                text = safe_string(value)
                if LXML_REFUSED.search(text):
                    return None
                append(f"{head}<v>{_escaped(text)}</v></c>")
        append("</row>")
        if CHUNKS and len(out) > _CHUNK_PIECES:    # encoded now: the sheet's strings never all held at once
            chunks.append("".join(out).encode("ascii"))
            out.clear()
    out.append("</sheetData>")
    chunks.append("".join(out).encode("ascii"))
    return chunks


# <sheetData> is encoded a few thousand strings at a time (CHUNKS; False: its strings
# all joined at the end), and SHEET_BY_SHEET's archive deflates the worksheet chunk by
# chunk (zlib's stream does not depend on how its input is cut): at 5,000 records the
# ledger sheet's 24 MB of XML were held as strings, joined, encoded, joined again with
# the rest of the sheet and copied by xlsx.automatic_rows, all at once.
CHUNKS = True
_CHUNK_PIECES = 2048

# <sheetData>'s chunks are written, as they are encoded, into an unnamed temporary file
# and read back one at a time as the archive deflates them (SPOOL; False: held in a
# list until then). At 5,000 records the ledger sheet's 24 MB of XML were all held,
# beside its cells, while the sheet was written: the downloads' peak.
SPOOL = True
SHORT_TEXTS_KEPT = True     # False: every distinct text's element kept for the sheet (tests compare)
KEPT_TEXT_AT_MOST = 128     # characters of a text whose element is kept (SHORT_TEXTS_KEPT)


class Spooled:
    """Chunks of bytes, each written to an unnamed temporary file when appended
    and read back whole, in order, when iterated (once); `size` is their bytes.
    When the file cannot take a chunk (a full disk), the chunks written so far
    are read back and the rest are held in memory, as without SPOOL."""

    def __init__(self, file):
        self._file, self._sizes, self.size = file, [], 0
        self._held: list[bytes] | None = None   # the chunks in memory, once the file failed

    def append(self, chunk: bytes) -> None:
        if self._held is None:
            try:
                view = memoryview(chunk)
                while view:      # unbuffered: an error is seen here, and a write may be short
                    view = view[self._file.write(view):]
            except OSError:
                self._held = list(self._read_back())
                self._file.close()
        if self._held is not None:
            self._held.append(chunk)
        self._sizes.append(len(chunk))
        self.size += len(chunk)

    def __iter__(self):
        if self._held is not None:
            held, self._held = self._held, []
            held.reverse()
            while held:
                yield held.pop()
            return
        try:
            yield from self._read_back()
        finally:
            self.close()

    def _read_back(self):
        self._file.seek(0)
        for size in self._sizes:
            chunk = self._file.read(size)
            while len(chunk) < size:
                more = self._file.read(size - len(chunk))
                if not more:
                    raise OSError(f"临时文件读回的字节不全（{len(chunk)}/{size}）")
                chunk += more
            yield chunk

    def close(self) -> None:
        self._file.close()


def _spool():
    """Where <sheetData>'s chunks go: a Spooled file (SPOOL), or a list when spooling
    is off or no temporary file can be made (a full or read-only temporary folder)."""
    if SPOOL and CHUNKS:
        try:
            return Spooled(tempfile.TemporaryFile(prefix="taizhang-sheet-", buffering=0))
        except OSError:
            pass
    return []


def _discard(chunks) -> None:
    if isinstance(chunks, Spooled):
        chunks.close()


def chunk_size(chunks) -> int:
    """The bytes in a sheet's pieces (bytes, and lists or Spooled of bytes)."""
    return sum(piece.size if isinstance(piece, Spooled) else
               len(piece) if isinstance(piece, bytes) else sum(map(len, piece)) for piece in chunks)


def each_chunk(pieces: list):
    """The chunks of a sheet's pieces in order, each piece let go once given (a list of
    chunks popped as it goes, a Spooled file read back and closed)."""
    pieces.reverse()
    while pieces:
        piece = pieces.pop()
        if isinstance(piece, bytes):
            yield piece
        elif isinstance(piece, Spooled):
            yield from piece
        else:
            piece.reverse()
            while piece:
                yield piece.pop()


# A row whose dimension holds nothing but a height (and no style) has its attributes
# written here, as RowDimension's iteration gives them (QUICK_ROW_TAGS; False: that
# iteration, nine descriptor reads a row).
QUICK_ROW_TAGS = True


def _plain_row(dim) -> bool:
    """A RowDimension not hidden, outlined, collapsed or thick-edged, with no style."""
    if type(dim) is not RowDimension:
        return False
    held = dim.__dict__
    style = dim._style
    return (not held.get("hidden") and not held.get("outlineLevel") and not held.get("collapsed")
            and not held.get("thickBot") and not held.get("thickTop") and (style is None or not any(style))
            and (held.get("ht") is None or type(held["ht"]) is float))


def _unstyled_first(styles) -> bool:
    """No style is the workbook's first (Workbook.__init__): its id 0."""
    return StyleArray() in styles and styles.index(StyleArray()) == 0


def _height_attributes(dim, heights: dict) -> str:
    """ht and customHeight as RowDimension.__iter__ yields them for a plain row (its `s`,
    the id of no style, is 0 when _unstyled_first: left out)."""
    ht = dim.__dict__.get("ht")
    if ht is None:
        return ""
    text = heights.get(ht)
    if text is None:
        text = heights[ht] = (f' ht="{safe_string(ht)}"' if ht else "") + ' customHeight="1"'
    return text


def _escaped(text: str) -> str:
    """Text as lxml's ASCII stream writes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _attribute(value) -> str:
    """An attribute value as lxml's ASCII stream writes it."""
    text = _ATTRIBUTE.sub(lambda m: _ATTRIBUTE_ESCAPES[m.group()], str(value))
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, into memory, with our <sheetData> when we can write it."""

    def __init__(self, ws, out):
        super().__init__(ws, out)
        self.pieces: list[tuple[bytes, list[bytes]]] = []   # (empty element written, what takes its place), in order

    def _placeholder(self, tag: str, data: list[bytes]) -> None:
        """An empty element where `data` goes (sheet_chunks puts it in)."""
        xf = self.xf.send(True)
        with xf.element(tag):
            pass
        self.xf.send(None)
        self.pieces.append((f"<{tag}></{tag}>".encode("ascii"), data))

    def write_rows(self):
        data = sheet_data(self.ws)
        if data is None:
            super().write_rows()
        else:
            self._placeholder("sheetData", data)

    def write_merged_cells(self):
        """WorksheetWriter.write_merged_cells' element (QUICK_TAIL): the ranges in the order
        the sheet's set gives them, each as its MergeCell(str(ref)) writes it."""
        merged = self.ws.merged_cells
        if not QUICK_TAIL or not merged:
            super().write_merged_cells()
            return
        refs = [f'<mergeCell ref="{ref.coord}"/>' for ref in merged]     # MergeCell(str(ref)): the same bounds
        self._placeholder("mergeCells", [f'<mergeCells count="{len(refs)}">{"".join(refs)}</mergeCells>'.encode("ascii")])

    def write_breaks(self):
        """WorksheetWriter.write_breaks' elements (QUICK_TAIL), when the sheet has only row
        breaks made as Break(id=row) makes them; else openpyxl writes them."""
        row_breaks, col_breaks = self.ws.row_breaks, self.ws.col_breaks
        if not QUICK_TAIL or col_breaks or not row_breaks or not all(map(_plain_break, row_breaks.brk)):
            super().write_breaks()
            return
        breaks = "".join(f'<brk id="{b.id}" min="0" max="16383" man="1"/>' for b in row_breaks.brk)
        n = len(row_breaks.brk)
        self._placeholder("rowBreaks", [f'<rowBreaks count="{n}" manualBreakCount="{n}">{breaks}</rowBreaks>'.encode("ascii")])

    def sheet_chunks(self) -> list:
        """The worksheet's XML in pieces, each whole elements (or tags): bytes, and
        the lists (or Spooled files) of chunks _placeholder put in (each_chunk gives them)."""
        written = self.read()
        out, at = [], 0
        for empty, data in self.pieces:      # nothing else can read so: text and attributes escape "<"
            found = written.index(empty, at)
            out += [written[at:found], data]
            at = found + len(empty)
        out.append(written[at:])
        self.pieces.clear()
        return out


# The merged ranges and the row breaks as strings too (QUICK_TAIL; False: openpyxl writes
# them, element by element through lxml: 2,760 merges and 2,866 breaks at 5,000 records).
QUICK_TAIL = True


def _plain_break(brk) -> bool:
    """A break as Break(id=row) makes it, with an int row."""
    return (type(brk) is Break and type(brk.id) is int and brk.min == 0 and brk.max == 16383
            and brk.man is True and brk.pt is None)


class QuickExcelWriter(ExcelWriter):
    """openpyxl's ExcelWriter whose worksheets are written by _SheetWriter; given
    `steps` (an iterator, each step building the workbook's next sheets), the sheets
    are built as the writer comes to them, each written and its cells dropped
    before the next is built (zipfix.streamed_workbook)."""

    def __init__(self, workbook, archive, steps=None):
        super().__init__(workbook, archive)
        self._steps = steps

    def _write_worksheets(self):
        """ExcelWriter._write_worksheets, unchanged, over the sheets as they are built."""
        if self._steps is None:
            super()._write_worksheets()
            return
        workbook = self.workbook
        self.workbook = _Building(workbook, self._steps)
        try:
            super()._write_worksheets()
        finally:
            self.workbook = workbook

    def write_worksheet(self, ws):
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()                       # ExcelWriter.write_worksheet
        for name in ("charts", "images"):                        # ws._drawing.charts = ws._charts...
            setattr(ws._drawing, name, getattr(ws, "_" + name))
        writer = _SheetWriter(ws, io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        pieces = writer.sheet_chunks()
        if CHUNKS and hasattr(self._archive, "write_chunks"):
            self._archive.write_chunks(ws.path[1:], each_chunk(pieces), chunk_size(pieces))
        else:
            self._archive.writestr(ws.path[1:], b"".join(each_chunk(pieces)))
        self.manifest.append(ws)


class _Building:
    """The workbook as ExcelWriter._write_worksheets sees it while its sheets are
    being built: `worksheets` gives each sheet once a step has built it, and drops
    a sheet's cells when the writer asks for the next (it has written it then)."""

    def __init__(self, workbook, steps):
        self._workbook, self._steps = workbook, steps

    def __getattr__(self, name):
        return getattr(self._workbook, name)

    @property
    def worksheets(self):
        done = 0
        for _ in self._steps:
            for ws in self._workbook.worksheets[done:]:
                yield ws
                ws._cells.clear()
                done += 1
