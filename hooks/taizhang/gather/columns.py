"""The 督查总览's tables as rows of plain values, for its pages and sheets.

Each table is declared once in vocabulary.yml (`tables`, the overview_*
entries): which value each column shows (`name`, a field of the table's row
type below), how (`as`), its header and sheet width. pages.py makes the HTML
cells and workbook.py the sheet cells of the same columns, so adding a
column to a table is one vocabulary entry. The row types are in
views/overview.py (the vocabulary's check of `tables` reads them there).
"""

from __future__ import annotations

import datetime as dt

from taizhang.gather.figures import AreaTotal, MeasureRow, Overview, UnitFigures
from taizhang.gather.sources import Issue
from taizhang.views import Rate
from taizhang.views.overview import AreaRow, AreaUnitRow, IssueRow, MeasureLine, RepeatRow, UnitRow

CENTRED_SHOWS = ("number", "id", "deadline", "date", "days")


def _rates(completion) -> dict:
    return {"rate_measures": completion.measures.rate, "rate_measures_basic": completion.measures.basic_rate,
            "rate_problems": completion.problems.rate, "rate_problems_basic": completion.problems.basic_rate,
            "rate_feedback": completion.feedback.rate, "rate_feedback_basic": completion.feedback.basic_rate}


def unit_rows(units) -> list[UnitRow]:
    return [UnitRow(i, u.key, u.name, u.round_title or "", u.team or "", u.unit_as_of or "", u.last_update or "",
                    u.feedback, u.problems, u.declarations, u.measures, u.records, len(u.overdue), len(u.due_soon),
                    **_rates(u.completion))
            for i, u in enumerate(units, start=1)]


def units_total(overview: Overview, total: str) -> UnitRow:
    """合计: every unit's counts added, the rates worked out again from the sums (views.total_completion)."""
    units = overview.units

    def added(field: str) -> int:
        return sum(getattr(u, field) for u in units)
    return UnitRow(None, "", total, "", "", "", max((u.last_update for u in units if u.last_update), default=""),
                   added("feedback"), added("problems"), added("declarations"), added("measures"), added("records"),
                   sum(len(u.overdue) for u in units), sum(len(u.due_soon) for u in units),
                   **_rates(overview.total), total=True)


LAGGING_SHOWN = 3      # 完成率最低的单位: how many


def area_rows(overview: Overview, lagging_shown: int = LAGGING_SHOWN) -> list[AreaRow]:
    return [AreaRow(t.name, len(t.units), t.total("problems"), t.total("measures"), t.total("closed"),
                    t.total("overdue"), t.rate, _lagging(overview, t, lagging_shown)) for t in overview.areas]


def _lagging(overview: Overview, total: AreaTotal, shown: int) -> tuple:
    ranked = sorted((f for f in total.units if f[1].measures), key=lambda f: (f[1].rate, f[0]))[:shown]
    return tuple((key, overview.unit(key).name, area.rate) for key, area in ranked)


def areas_total(overview: Overview, total: str) -> AreaRow:
    def added(field: str) -> int:
        return sum(t.total(field) for t in overview.areas)
    measures, closed = added("measures"), added("closed")
    return AreaRow(total, len({k for t in overview.areas for k, _ in t.units}), added("problems"), measures, closed,
                   added("overdue"), closed / measures if measures else None, (), total=True)


def area_unit_rows(overview: Overview) -> list[AreaUnitRow]:
    return [AreaUnitRow(area.name, key, overview.unit(key).name, area.problems, area.measures, area.closed,
                        area.overdue, area.rate)
            for t in overview.areas for key, area in t.units]


def unit_area_rows(unit: UnitFigures) -> list[AreaUnitRow]:
    return [AreaUnitRow(a.name, unit.key, unit.name, a.problems, a.measures, a.closed, a.overdue, a.rate)
            for a in unit.areas]


def unit_area_total(unit: UnitFigures, total: str) -> AreaUnitRow:
    rate = unit.completion.measures.rate
    return AreaUnitRow(total, unit.key, unit.name, unit.problems, unit.measures, rate.done, len(unit.overdue), rate,
                       total=True)


def measure_lines(unit: UnitFigures, rows: tuple[MeasureRow, ...]) -> list[MeasureLine]:
    return [MeasureLine(unit.key, unit.name, m.id, m.title, tuple(m.units), tuple(m.owners), m.deadline, m.long_term,
                        m.status, m.light, m.days_left, -m.days_left if m.days_left is not None else None,
                        state=m.state, adjusted_deadline=m.adjusted_deadline)
            for m in rows]


def measures_total(total: str, count: str) -> MeasureLine:
    """合计 under a list of measures: how many (“N 项”) in the 编号 column."""
    return MeasureLine("", total, count, "", (), (), None, False, None, None, None, None, total=True)


def repeat_rows(overview: Overview) -> list[RepeatRow]:
    return [RepeatRow(r.kind, r.text, r.unit_count,
                      tuple((key, overview.unit(key).name, tuple(ids)) for key, ids in r.by_unit()))
            for r in overview.repeats]


def repeats_total(total: str, count: str, rows: list[RepeatRow]) -> RepeatRow:
    """合计 under 共性问题: how many (“N 项”), and how many units they touch."""
    return RepeatRow(total, count, len({key for r in rows for key, _, _ in r.places}), (), total=True)


def issues_total(total: str, count: str) -> IssueRow:
    """合计 under 数据问题: how many (“N 项”)."""
    return IssueRow(total, count, "", "", False, "", total=True)


def issue_rows(issues: tuple[Issue, ...]) -> list[IssueRow]:
    return [IssueRow(i.source.name or "", str(i.source.location), i.source.origin, i.reason, i.fatal, i.effect or "")
            for i in issues]


def day(text: str | None) -> dt.date | None:
    """A published ISO date as a typed date cell (None stays empty)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def share(value) -> float | None:
    """A rate as the sheet's number (a fraction, shown as a percentage)."""
    value = value.value if isinstance(value, Rate) else value
    return None if value is None else round(value, 4)


def _deadline(vocab, row, value):
    return None if row.total else day(value) or (vocab.long_term_deadline if row.long_term else "")


def _handling(vocab, row, value) -> str:
    if row.total:
        return ""
    return vocab.phrase("overview_included_unsure_short" if not row.fatal else "overview_excluded_short")


# How each show is a sheet cell, (vocab, row, value) -> value; the rest: the value itself ("" for None).
SHEET_VALUES = {
    "number": lambda vocab, row, value: "" if row.total else value,
    "unit": lambda vocab, row, value: "" if row.total else value,
    "rate": lambda vocab, row, value: vocab.phrase("none") if share(value) is None else share(value),   # — when 0/0
    "days": lambda vocab, row, value: value,
    "date": lambda vocab, row, value: day(value),
    "texts": lambda vocab, row, value: "、".join(value),
    "deadline": _deadline,
    "places": lambda vocab, row, value: "；".join(f"{name} {'、'.join(ids)}" for _, name, ids in value),
    "lagging": lambda vocab, row, value: "、".join(f"{name}（{rate * 100:.1f}%）" for _, name, rate in value),
    "handling": _handling,
    "light": lambda vocab, row, value: value or "",
}


def plain(vocab, column, row, total_first: bool = False):
    """A column's value in a sheet: int, float (rates), date or text. On the
    合计 row the first column says 合计 (`total_first`), the name column nothing."""
    if row.total and total_first:
        return vocab.phrase("total")
    value = getattr(row, column.name)
    show = SHEET_VALUES.get(column.show)
    if show is not None:
        return show(vocab, row, value)
    return "" if value is None else value
