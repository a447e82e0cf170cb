"""The 督查总览's rows (taizhang gather): one row type per overview_* table
of vocabulary.yml `tables`, whose fields are the values a column may show
(`name`). gather/columns.py fills them from the units' figures; gather's
pages.py and workbook.py show them. Here, beside the lists' rows, so that
the vocabulary's check of `tables` needs the views only, not gather.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.views import Rate


@dataclass(frozen=True)
class UnitRow:
    """各单位情况: one unit, or the 合计 of all (`total`)."""

    number: int | None
    key: str                  # the unit's page (units/KEY.md); "" on 合计
    name: str
    round_title: str
    team: str
    unit_as_of: str
    last_update: str
    feedback: int
    problems: int
    declarations: int
    measures: int
    records: int
    overdue: int
    due_soon: int
    rate_measures: Rate
    rate_measures_basic: Rate
    rate_problems: Rate
    rate_problems_basic: Rate
    rate_feedback: Rate
    rate_feedback_basic: Rate
    total: bool = False


@dataclass(frozen=True)
class AreaRow:
    """分方面: one area across units (units with an area of the same name), or 合计."""

    name: str
    units: int
    problems: int
    measures: int
    closed: int
    overdue: int
    rate: float | None
    lagging: tuple[tuple[str, str, float], ...]   # (unit key, unit name, rate): the lowest rates
    total: bool = False


@dataclass(frozen=True)
class AreaUnitRow:
    """One area of one unit (各单位分方面; a unit page's 分方面), or that unit's 合计."""

    name: str
    key: str
    unit: str
    problems: int
    measures: int
    closed: int
    overdue: int
    rate: float | Rate | None      # a Rate (with its numerator/denominator) on the 合计 row
    total: bool = False


@dataclass(frozen=True)
class MeasureLine:
    """逾期事项 / 临期事项: one open measure of one unit, or the 合计 of the list."""

    key: str
    unit_name: str
    id: str
    title: str
    units: tuple[str, ...]
    owners: tuple[str, ...]
    deadline: str | None
    long_term: bool
    status: str | None
    light: str | None
    days_left: int | None
    days_overdue: int | None
    total: bool = False
    state: str | None = None   # the status's internal name (done …): its chip's colour
    adjusted_deadline: str | None = None   # 调整后时限 (ISO), from which the days count


@dataclass(frozen=True)
class RepeatRow:
    """共性问题: the same feedback or problem text in two or more units."""

    kind: str
    text: str
    unit_count: int
    places: tuple[tuple[str, str, tuple[str, ...]], ...]   # (unit key, unit name, record ids)
    total: bool = False


@dataclass(frozen=True)
class IssueRow:
    """数据问题: a source that could not be read, or only in part."""

    name: str
    location: str
    origin: str
    reason: str
    fatal: bool
    effect: str
    total: bool = False


OVERVIEW_ROWS = {
    "overview_units": UnitRow, "overview_areas": AreaRow, "overview_area_units": AreaUnitRow,
    "overview_unit_areas": AreaUnitRow, "overview_measures": MeasureLine, "overview_repeats": RepeatRow,
    "overview_issues": IssueRow,
}
