"""The lists' columns as HTML cells: the site's side of vocabulary.yml's
`tables` (views/columns.py is the sheets' side). A list asks for its
headers and, per row, its cells; which columns there are, their labels and
what each shows come from the vocabulary."""

from __future__ import annotations

from taizhang.render.html import ID, KEY, TITLE, WIDE, Cell, Col, Page, esc
from taizhang.render.marks import repeat_mark, round_marks
from taizhang.vocabulary import TableColumn

ROLES = {"id": ID, "title": TITLE, "wide": WIDE, "key": KEY, "num": "tz-num", "": ""}
SIGNED_OFF = "signed_off"


def headers(columns) -> list[Col]:
    return [Col(c.label, ROLES[c.role]) for c in columns]


def cells(page: Page, columns, row) -> list:
    return [cell(page, c, row) for c in columns]


def _gap(page: Page, column: TableColumn) -> str:
    if column.gap:
        return f'<span class="tz-gap">{esc(page.vocab.phrase(column.gap))}</span>'
    return esc(page.vocab.phrase("none"))


def _record(page: Page, ref):
    return page.ledger.records[ref.id]


# How each show (vocabulary.yml `tables`, LIST_SHOWS) is a site cell: (page, column, row, value) -> cell.
def _none(page: Page) -> str:
    return page.vocab.phrase("none")


def _number(page: Page, column: TableColumn, row, value):
    return Cell(esc(value), f"{value:06d}")


def _round_id(page: Page, column: TableColumn, row, value):
    """Another round's record: its archived page when there is one."""
    return page.round_id_link(_record(page, value))


def _round_links(page: Page, column: TableColumn, row, value):
    """Another round's records; a 非整改任务 among them says so."""
    return "<br>".join(f"{page.round_id_link(_record(page, r))} {esc(r.title)}"
                       + (f' <small class="tz-not-task">{esc(page.vocab.phrase("not_a_task"))}</small>'
                          if r.not_task else "") for r in value) or _gap(page, column)


def _days(page: Page, column: TableColumn, row, value):
    return Cell(esc(_none(page) if value is None else value), f"{value or 0:06d}")


def _title(page: Page, column: TableColumn, row, value):
    """A record of this round or (carried work) an earlier one: its archived page when there is one."""
    return page.round_link(_record(page, value), value.title)


def _title_marked(page: Page, column: TableColumn, row, value):
    return _title(page, column, row, value) + repeat_mark(page, value)


def _ids(page: Page, column: TableColumn, row, value):
    return "、".join(page.round_id_link(_record(page, r)) for r in value) or _gap(page, column)


def _links(page: Page, column: TableColumn, row, value):
    return "<br>".join(page.round_link(_record(page, r)) for r in value) or _gap(page, column)


def _evidence(page: Page, column: TableColumn, row, value):
    return "<br>".join(esc(v) for v in value) or esc(_none(page))


def _date(page: Page, column: TableColumn, row, value):
    text = value.isoformat() if value else ""
    return Cell(esc(text or _none(page)), text)


def _deadline(page: Page, column: TableColumn, row, value):
    if hasattr(row, "measure") and column.name == "deadline_text":
        return page.deadline_cell(_record(page, row.measure))
    return Cell(esc(value or _none(page)), getattr(row, "deadline_sort", value))


def _status(page: Page, column: TableColumn, row, value) -> Cell:
    empty = page.vocab.phrase(column.gap) if column.gap else "—"
    if getattr(row, "not_task", ""):
        empty = row.status_label          # 非整改任务（不计入）
    return page.status_cell(value, empty)


def _status_marked(page: Page, column: TableColumn, row, value) -> Cell:
    status = _status(page, column, row, value)
    marks = round_marks(page, _record(page, row.measure))
    return Cell(status.html + marks, status.sort) if marks else status


def _light(page: Page, column: TableColumn, row, value) -> Cell:
    if hasattr(row, "measure"):
        return page.light_cell(row.light, page.measure_light(_record(page, row.measure)))
    return page.light_cell(row.light, page.light(row.light, label=getattr(row, "light_label", "")))


def _measure_statuses(page: Page, column: TableColumn, row, value):
    """Each measure with the state it counts in."""
    return ("<br>".join(f"{page.round_id_link(_record(page, m))} {page.status(page.ledger.state_of(_record(page, m)))}"
                        for m in value)
            or _gap(page, column))


def _rate(page: Page, column: TableColumn, row, value) -> Cell:
    """41.7%（5/12）, or —（0/0）."""
    return Cell(f'<span class="tz-num--{esc(value.level)}">{esc(value.text)}</span>'
                f'<small>（{value.done}/{value.total}）</small>', f"{value.share:.6f}")


CELLS = {
    "number": _number, "count": _number,
    "plain": lambda page, column, row, value: esc(value),
    "id": _round_id,   # an earlier round's record (carried work): its archived page when there is one
    "round_id": _round_id, "round_links": _round_links, "days": _days,
    "title": _title, "title_text": _title, "title_marked": _title_marked,
    "link": lambda page, column, row, value: page.round_link(_record(page, value)),
    "ids": _ids, "links": _links,
    "texts": lambda page, column, row, value: page.texts(value),
    "evidence": _evidence,
    "text": lambda page, column, row, value: esc(value or _none(page)),
    "date": _date, "deadline": _deadline, "status": _status, "status_marked": _status_marked,
    "light": _light, "measure_statuses": _measure_statuses,
    "verdict": lambda page, column, row, value: _verdict(page, row),
    "rate": _rate,
}


def cell(page: Page, column: TableColumn, row):
    """One cell of `row` for `column`, as the site shows it (CELLS: one function per show)."""
    return CELLS[column.show](page, column, row, getattr(row, column.name))


def _verdict(page: Page, row) -> Cell:
    """对账: can the feedback item be closed (every measure 已销号), and if not, why."""
    vocab = page.vocab
    if row.closeable:
        html = f'<span class="tz-verdict tz-verdict--yes">{esc(vocab.phrase("closeable"))}</span>'
    elif getattr(row, "not_task", ""):
        html = (f'<span class="tz-verdict tz-verdict--none">{esc(row.status_label)}</span>'
                f'<br><small class="tz-reason">{esc(row.not_task)}</small>')
    elif not row.measures:
        gap = vocab.phrase("no_problems") if not row.problems else vocab.phrase("no_measures")
        html = f'<span class="tz-verdict tz-verdict--no tz-gap">{esc(vocab.phrase("not_closeable"))}：{esc(gap)}</span>'
    else:
        open_count = sum(1 for m in row.measures if _record(page, m).status != SIGNED_OFF)
        html = (f'<span class="tz-verdict tz-verdict--no">{esc(vocab.phrase("not_closeable"))}：'
                f'{esc(vocab.phrase("open_measures", count=open_count))}</span>')
    return Cell(html, "1" if row.closeable else "0")
