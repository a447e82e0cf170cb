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


def cell(page: Page, column: TableColumn, row):
    """One cell of `row` for `column`, as the site shows it."""
    value = getattr(row, column.name)
    show, none = column.show, page.vocab.phrase("none")
    if show in ("number", "count"):
        return Cell(esc(value), f"{value:06d}")
    if show == "plain":
        return esc(value)
    if show == "id":           # an earlier round's record (carried work): its archived page when there is one
        return page.round_id_link(_record(page, value))
    if show == "round_id":               # another round's record: its archived page when there is one
        return page.round_id_link(_record(page, value))
    if show == "round_links":      # another round's records; a 非整改任务 among them says so
        return "<br>".join(f"{page.round_id_link(_record(page, r))} {esc(r.title)}"
                           + (f' <small class="tz-not-task">{esc(page.vocab.phrase("not_a_task"))}</small>'
                              if r.not_task else "") for r in value) or _gap(page, column)
    if show == "days":
        return Cell(esc(none if value is None else value), f"{value or 0:06d}")
    if show in ("title", "title_text"):
        return page.round_link(_record(page, value), value.title)
    if show == "title_marked":
        return page.round_link(_record(page, value), value.title) + repeat_mark(page, value)
    if show == "link":
        return page.round_link(_record(page, value))
    if show == "ids":
        return "、".join(page.round_id_link(_record(page, r)) for r in value) or _gap(page, column)
    if show == "links":
        return "<br>".join(page.round_link(_record(page, r)) for r in value) or _gap(page, column)
    if show == "texts":
        return page.texts(value)
    if show == "evidence":
        return "<br>".join(esc(v) for v in value) or esc(none)
    if show == "text":
        return esc(value or none)
    if show == "date":
        text = value.isoformat() if value else ""
        return Cell(esc(text or none), text)
    if show == "deadline":
        if hasattr(row, "measure") and column.name == "deadline_text":
            return page.deadline_cell(_record(page, row.measure))
        return Cell(esc(value or none), getattr(row, "deadline_sort", value))
    if show in ("status", "status_marked"):
        empty = page.vocab.phrase(column.gap) if column.gap else "—"
        if getattr(row, "not_task", ""):
            empty = row.status_label          # 非整改任务（不计入）
        status = page.status_cell(value, empty)
        if show == "status_marked":
            marks = round_marks(page, _record(page, row.measure))
            return Cell(status.html + marks, status.sort) if marks else status
        return status
    if show == "light":
        if hasattr(row, "measure"):
            return page.light_cell(row.light, page.measure_light(_record(page, row.measure)))
        return page.light_cell(row.light, page.light(row.light))
    if show == "measure_statuses":
        return ("<br>".join(f"{page.round_id_link(_record(page, m))} {page.status(page.ledger.state_of(_record(page, m)))}"
                            for m in value)
                or _gap(page, column))
    if show == "verdict":
        return _verdict(page, row)
    if show == "rate":           # 41.7%（5/12）, or —（0/0）
        return Cell(f'<span class="tz-num--{esc(value.level)}">{esc(value.text)}</span>'
                    f'<small>（{value.done}/{value.total}）</small>', f"{value.share:.6f}")
    return esc(value)


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
