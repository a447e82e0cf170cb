"""The lists' columns as plain values, for every output that is not HTML.

Each list and sheet is declared once in vocabulary.yml (`tables`): which
view value each column shows (`name`, an attribute of the list's row),
how (`as`), its header, width and where it appears. The site's tables
(render/columns.py) and the xlsx sheets and CSV (through `plain`) read the
same declaration, so adding a column to a list is one vocabulary entry.

`ROW_VALUES` names, per table, the row type whose attributes a column may
show; `check_tables` turns a misspelt name into a message naming the ones
there are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from taizhang.vocabulary import ConfigError, TableColumn, Vocabulary

# Which row each table lists (views' dataclasses; `Group` for the summary table).
ROW_TYPES = {
    "problems": "ProblemRow", "tasks": "TaskRow", "responsibility": "TaskRow", "responsibility_groups": "Group",
    "signoff_waiting": "TaskRow", "signoff_done": "TaskRow", "reconcile": "FeedbackRow",
    "declarations": "DeclarationRow",
}
OVERVIEW = "overview_"      # the 督查总览's tables (taizhang gather): rows in gather/columns.py
# How a value can be shown; each output knows how to show each of these.
SHOWS = ("number", "id", "title", "title_marked", "title_text", "ids", "links", "link", "texts", "text", "plain",
         "count", "date", "deadline", "status", "status_marked", "light", "evidence", "measure_statuses", "verdict")


def row_values(table: str) -> tuple[str, ...]:
    """The values a table's columns may show: the fields of its row type."""
    if table.startswith(OVERVIEW):
        from taizhang.gather.columns import OVERVIEW_ROWS
        row = OVERVIEW_ROWS[table]
    else:
        from taizhang import views
        row = getattr(views, ROW_TYPES[table])
    names = [f.name for f in dataclasses.fields(row) if f.name != "total"]
    return tuple(names + [n for n in ("count",) if hasattr(row, n)])


def tables_known() -> tuple[str, ...]:
    from taizhang.gather.columns import OVERVIEW_ROWS
    return (*ROW_TYPES, *OVERVIEW_ROWS)


def shows(table: str) -> tuple[str, ...]:
    """How a table's values can be shown (the 督查总览's tables have their own ways)."""
    if table.startswith(OVERVIEW):
        from taizhang.gather.columns import OVERVIEW_SHOWS
        return OVERVIEW_SHOWS
    return SHOWS


def check_tables(vocab: Vocabulary) -> None:
    """Every column shows a value its rows have, in a way the outputs know."""
    problems = []
    known = tables_known()
    for table, columns in vocab.tables.items():
        if table not in known:
            problems.append(f"tables.{table}：未知的清单，可用的有：{'、'.join(known)}")
            continue
        values, ways = row_values(table), shows(table)
        for c in columns:
            if c.name not in values:
                problems.append(f"tables.{table}：列“{c.label}”的 name“{c.name}”不是可显示的值，可用的有：{'、'.join(values)}")
            if c.show not in ways:
                problems.append(f"tables.{table}：列“{c.label}”的 as“{c.show}”未知，可用的有：{'、'.join(ways)}")
    if problems:
        raise ConfigError("\n".join(problems))


def plain(vocab: Vocabulary, column: TableColumn, row):
    """A column's value in a sheet or CSV: int, date or text (never HTML)."""
    value = getattr(row, column.name)
    show = column.show
    if show in ("number", "count", "plain"):
        return value
    if show in ("id",):
        return value.id
    if show in ("title", "title_marked", "link"):
        return value.title
    if show == "title_text":
        text = getattr(row, "text", "")
        return f"{value.title}\n{text}" if text else value.title
    if show in ("ids", "measure_statuses"):
        return "、".join(r.id for r in value) or _gap(vocab, column)
    if show == "links":
        return "\n".join(r.title for r in value) or _gap(vocab, column)
    if show in ("texts", "evidence"):
        return "\n".join(value)
    if show == "date":
        return value if isinstance(value, dt.date) else ""
    if show == "deadline":
        if getattr(row, "deadline", None) and not getattr(row, "long_term", False):
            return row.deadline
        return value
    if show in ("status", "status_marked"):
        return row.status_label
    if show == "light":
        return value
    if show == "verdict":
        return vocab.phrase("closeable") if value else vocab.phrase("not_closeable")
    return "" if value is None else value


def _gap(vocab: Vocabulary, column: TableColumn) -> str:
    return vocab.phrase(column.gap) if column.gap else ""
