"""The lists' columns as plain values, for every output that is not HTML.

Each list and sheet is declared once in vocabulary.yml (`tables`): which
view value each column shows (`name`, an attribute of the list's row),
how (`as`), its header, width and where it appears. The site's tables
(render/columns.py) and the xlsx sheets and CSV (through `plain`) read the
same declaration, so adding a column to a list is one vocabulary entry.

`ROW_TYPES` names, per table, the row type whose fields a column may
show; `name_problems` turns a misspelt name into a message naming the ones
there are (the vocabulary reports it with file and line).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from taizhang.vocabulary import OVERVIEW, TableColumn, Vocabulary

# Which row each table lists (views' dataclasses; `Group` for the summary table); the
# 督查总览's tables (overview_*) list the rows of views/overview.py.
ROW_TYPES = {
    "problems": "ProblemRow", "tasks": "TaskRow", "responsibility": "TaskRow", "responsibility_groups": "Group",
    "signoff_waiting": "TaskRow", "signoff_done": "TaskRow", "reconcile": "FeedbackRow",
    "declarations": "DeclarationRow", "carried": "CarriedRow", "carried_out": "HandoverRow",
    "summary": "KindCompletion",
}


def row_values(table: str) -> tuple[str, ...]:
    """The values a table's columns may show: the fields of its row type."""
    if table.startswith(OVERVIEW):
        from taizhang.views.overview import OVERVIEW_ROWS
        row = OVERVIEW_ROWS[table]
    else:
        from taizhang import views
        row = getattr(views, ROW_TYPES[table])
    names = [f.name for f in dataclasses.fields(row) if f.name != "total"]
    return tuple(names + [n for n in ("count",) if hasattr(row, n)])


def name_problems(vocab: Vocabulary, tables) -> list[tuple[tuple, str]]:
    """(path, message) for each column of `tables` whose `name` is not a value of its rows."""
    out = []
    for table in tables:
        values = row_values(table)
        for index, c in enumerate(vocab.tables[table]):
            if c.name and c.name not in values:      # no name at all: the vocabulary says so already
                out.append((("tables", table, index, "name"),
                            f"的值“{c.name}”不是这张表的行中可显示的值 (table-name) — 改成其中之一：{'、'.join(values)}"))
    return out


def check_tables(vocab: Vocabulary) -> None:
    """Every column of every list shows a value its rows have (ConfigError naming file:LINE otherwise)."""
    vocab.check_tables()


# How each show (vocabulary.yml `tables`, LIST_SHOWS) is a sheet or CSV value: (vocab, column, row, value) -> value.
def _itself(vocab: Vocabulary, column: TableColumn, row, value):
    return value


def _or_blank(vocab: Vocabulary, column: TableColumn, row, value):
    return "" if value is None else value


def _title_text(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    text = getattr(row, "text", "")
    return f"{value.title}\n{text}" if text else value.title


def _deadline(vocab: Vocabulary, column: TableColumn, row, value):
    if getattr(row, "deadline", None) and not getattr(row, "long_term", False):
        return row.deadline
    return value


def _verdict(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    return vocab.phrase("closeable") if value else vocab.phrase("not_closeable")


def _id(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    return value.id


def _title(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    return value.title


def _ids(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    return "、".join(r.id for r in value) or _gap(vocab, column)


def _status(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    """The row's label for this column (e.g. a 承接事项 row's state now), else its status label."""
    return getattr(row, f"{column.name}_label", row.status_label)


def _round_links(vocab: Vocabulary, column: TableColumn, row, value) -> str:
    """Another round's records; a 非整改任务 among them says so."""
    return "\n".join(f"{r.id} {r.title}" + (f" {vocab.phrase('not_a_task')}" if r.not_task else "")
                     for r in value) or _gap(vocab, column)


def _rate(vocab: Vocabulary, column: TableColumn, row, value):
    """A fraction (the sheet shows it as a percentage), "—" when nothing to divide by."""
    return round(value.value, 4) if value.value is not None else vocab.phrase("none")


PLAIN = {
    "number": _itself, "count": _itself, "plain": _itself, "light": _itself,
    "id": _id, "round_id": _id,
    "title": _title, "title_marked": _title, "link": _title,
    "title_text": _title_text,
    "ids": _ids, "measure_statuses": _ids,
    "links": lambda vocab, column, row, value: "\n".join(r.title for r in value) or _gap(vocab, column),
    "round_links": _round_links,
    "texts": lambda vocab, column, row, value: "\n".join(value),
    "evidence": lambda vocab, column, row, value: "\n".join(value),
    "date": lambda vocab, column, row, value: value if isinstance(value, dt.date) else "",
    "deadline": _deadline,
    "status": _status, "status_marked": _status,
    "verdict": _verdict,
    "text": _or_blank, "days": _or_blank,
    "rate": _rate,
}


def plain(vocab: Vocabulary, column: TableColumn, row):
    """A column's value in a sheet or CSV: int, date or text, never HTML (PLAIN: one function per show)."""
    return PLAIN[column.show](vocab, column, row, getattr(row, column.name))


def _gap(vocab: Vocabulary, column: TableColumn) -> str:
    return vocab.phrase(column.gap) if column.gap else ""
