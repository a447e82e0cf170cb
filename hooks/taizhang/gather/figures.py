"""Figures across units, from their records.json objects.

Each unit's figures cover its current round (the round with the latest
feedback date, as its own site's summary pages do) and follow the unit
site's definitions:
  - 措施完成率: measures whose status counts as closed (light "done") over
    the round's measures;
  - 问题整改完成率: problems (说明事项 not counted) whose derived status is
    closed — every measure with a status is closed, and there is at least
    one — over the round's problems;
  - 反馈问题整改完成率: feedback items answered by at least one problem (of
    any round, 说明事项 not counted), all of whose problems are closed, over
    the round's feedback items;
  - 逾期 / 临期: open measures past their deadline / due within the
    vocabulary's due_soon_days, counted as of the overview's 统计日期
    (not the unit's), so a unit that has not rebuilt its site still shows
    what is late today;
  - per-area figures count a round's measure in every area it touches (as
    the unit dashboard does).
These mirror taizhang.views.figures and taizhang.link's derived statuses;
tests/test_gather.py checks them against a unit site's own dashboard.
Closure is read from each measure's light ("done"), which the unit's own
build derived from its own vocabulary: a unit that renamed 已完成 still
counts right.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from taizhang.gather.sources import Issue, Loaded
from taizhang.link import DONE, GREEN, RED, YELLOW
from taizhang.vocabulary import Vocabulary

REPEAT_MIN_UNITS = 2
_NOT_TEXT = re.compile(r"[\W_]+")


def rate(done: int, total: int) -> float | None:
    return done / total if total else None


@dataclass(frozen=True)
class MeasureRow:
    unit: str                 # unit key
    id: str
    title: str
    units: tuple[str, ...]    # 责任单位 inside the unit
    owners: tuple[str, ...]
    deadline: str | None
    long_term: bool
    status: str | None        # the unit's own label
    light: str | None
    days_left: int | None


@dataclass(frozen=True)
class AreaFigures:
    name: str
    problems: int
    measures: int
    closed: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return rate(self.closed, self.measures)


@dataclass(frozen=True)
class UnitFigures:
    key: str                  # page name under units/
    name: str
    source_kind: str
    location: str
    url: str | None
    round_id: str | None
    round_title: str | None
    team: str | None
    unit_as_of: str | None    # the unit's own 统计日期
    feedback: int
    feedback_closed: int
    problems: int
    problems_closed: int
    declarations: int
    measures: int
    measures_closed: int
    last_update: str | None
    overdue: tuple[MeasureRow, ...]
    due_soon: tuple[MeasureRow, ...]
    areas: tuple[AreaFigures, ...]
    notes: tuple[str, ...]
    records: int = 0          # every record in the unit's records.json

    @property
    def measure_rate(self) -> float | None:
        return rate(self.measures_closed, self.measures)

    @property
    def problem_rate(self) -> float | None:
        return rate(self.problems_closed, self.problems)

    @property
    def feedback_rate(self) -> float | None:
        return rate(self.feedback_closed, self.feedback)


@dataclass(frozen=True)
class AreaTotal:
    name: str
    units: tuple[tuple[str, AreaFigures], ...]   # (unit key, figures) per unit with this area

    def total(self, field: str) -> int:
        return sum(getattr(f, field) for _, f in self.units)

    @property
    def rate(self) -> float | None:
        return rate(self.total("closed"), self.total("measures"))


@dataclass(frozen=True)
class RepeatEntry:
    unit: str
    record_id: str
    title: str


@dataclass(frozen=True)
class Repeat:
    kind: str                 # 反馈问题 / 查摆问题
    text: str
    entries: tuple[RepeatEntry, ...]

    @property
    def unit_count(self) -> int:
        return len({e.unit for e in self.entries})

    def by_unit(self) -> list[tuple[str, list[str]]]:
        """(unit key, record ids) in the units' order."""
        grouped: dict[str, list[str]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.unit, []).append(entry.record_id)
        return list(grouped.items())


@dataclass(frozen=True)
class Overview:
    title: str
    today: dt.date
    due_soon_days: int
    units: tuple[UnitFigures, ...]
    issues: tuple[Issue, ...]
    areas: tuple[AreaTotal, ...]
    repeats: tuple[Repeat, ...]
    definitions: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        # An index built once (the dataclass is frozen): pages look units up per link.
        object.__setattr__(self, "_index", {u.key: u for u in self.units})

    def unit(self, key: str) -> UnitFigures:
        return self._index[key]

    @property
    def records(self) -> int:
        return sum(u.records for u in self.units)


def light_of(measure: dict, today: dt.date, due_soon_days: int) -> tuple[str | None, int | None]:
    """(light, days left) as of `today`, mirroring taizhang.link.measure_light."""
    published = measure.get("light")
    deadline = measure.get("deadline")
    try:
        days = (dt.date.fromisoformat(deadline) - today).days if deadline else None
    except ValueError:      # matches the schema's pattern but is no date (2023-02-30)
        days = None
    if published is None or published == DONE:
        return published, days
    if measure.get("long_term") or days is None:
        return GREEN, days
    if days < 0:
        return RED, days
    return (YELLOW if days <= due_soon_days else GREEN), days


def current_round(records: list[dict]) -> dict | None:
    """Mirror of taizhang.link.current_round: latest feedback date, then id."""
    from taizhang.link import id_sort_key
    rounds = [r for r in records if r["kind"] == "round"]
    if not rounds:
        return None
    return max(rounds, key=lambda r: (r.get("feedback_date") or "", id_sort_key(r["id"])))


def _latest_date(records: list[dict]) -> str | None:
    dates = [p["date"] for r in records for p in r.get("progress") or () if p.get("date")]
    dates += [r[k] for r in records for k in ("completed_on", "signed_off_on") if r.get(k)]
    return max(dates) if dates else None


def unit_figures(key: str, loaded: Loaded, today: dt.date, vocab: Vocabulary) -> UnitFigures:
    records = list(loaded.records)
    rnd = current_round(records)
    in_round = [r for r in records if r["kind"] != "round" and (rnd is None or r.get("round") == rnd["id"])]
    declaration = vocab.label("natures", "declaration")
    feedback = [r for r in in_round if r["kind"] == "feedback"]
    problems_all = [r for r in in_round if r["kind"] == "problem"]
    problems = [p for p in problems_all if p.get("nature") != declaration]
    measures = [r for r in in_round if r["kind"] == "measure"]

    lights = {m["id"]: light_of(m, today, vocab.due_soon_days)
              for m in records if m["kind"] == "measure"}

    def problem_closed(problem: dict) -> bool:
        known = [lights[i][0] for i in problem.get("measures") or () if i in lights and lights[i][0]]
        return bool(known) and all(light == DONE for light in known)

    # Feedback answered by problems of any round, as the unit's ledger derives it.
    proper = {r["id"] for r in records if r["kind"] == "problem" and r.get("nature") != declaration}
    closed_problems = {r["id"] for r in records if r["id"] in proper and problem_closed(r)}

    def feedback_closed(item: dict) -> bool:
        answers = [i for i in item.get("answered_by") or () if i in proper]
        return bool(answers) and all(i in closed_problems for i in answers)

    def row(m: dict) -> MeasureRow:
        light, days = lights[m["id"]]
        return MeasureRow(key, m["id"], m["title"], tuple(m.get("unit") or ()), tuple(m.get("owner") or ()),
                          m.get("deadline"), bool(m.get("long_term")), m.get("status"), light, days)

    round_measures = {m["id"] for m in measures}
    area_names = {a["key"]: a["name"] for a in (rnd or {}).get("areas") or ()}
    by_area: dict[str, list[dict]] = defaultdict(list)
    for p in problems:
        by_area[p.get("area") or ""].append(p)
    order = list(area_names) + sorted(a for a in by_area if a not in area_names)
    areas = []
    for ordinal in order:
        members = by_area.get(ordinal)
        if not members:
            continue
        ids = sorted({i for p in members for i in p.get("measures") or () if i in round_measures})
        areas.append(AreaFigures(area_names.get(ordinal) or ordinal or "（未写方面）", len(members), len(ids),
                                 sum(1 for i in ids if lights[i][0] == DONE),
                                 sum(1 for i in ids if lights[i][0] == RED)))
    overdue = sorted((row(m) for m in measures if lights[m["id"]][0] == RED),
                     key=lambda r: (r.days_left, r.id))
    soon = sorted((row(m) for m in measures if lights[m["id"]][0] == YELLOW), key=lambda r: (r.days_left, r.id))
    inspected = (rnd or {}).get("inspected")
    source = loaded.source
    name = source.name or inspected or source.location.name or key
    if any(r["kind"] == "round" and r.get("sample") is True for r in records):
        name = vocab.phrase("sample_unit", unit=name)     # sample data says so wherever the unit appears
    return UnitFigures(
        key=key, name=name,
        source_kind=loaded.kind, location=str(source.location), url=source.url,
        round_id=rnd["id"] if rnd else None, round_title=rnd.get("title") if rnd else None,
        team=(rnd or {}).get("team"), unit_as_of=(rnd or {}).get("as_of"),
        feedback=len(feedback), feedback_closed=sum(1 for f in feedback if feedback_closed(f)),
        problems=len(problems), problems_closed=sum(1 for p in problems if p["id"] in closed_problems),
        declarations=len(problems_all) - len(problems),
        measures=len(measures), measures_closed=sum(1 for m in measures if lights[m["id"]][0] == DONE),
        last_update=_latest_date(in_round), overdue=tuple(overdue), due_soon=tuple(soon), areas=tuple(areas),
        notes=tuple(i.reason for i in loaded.issues) + (() if rnd else ("没有巡视轮次记录：按全部记录统计",)),
        records=len(records),
    )


def normalise(text: str) -> str:
    """Text compared across units: NFKC, no spaces or punctuation."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text or ""))


def repeats(loaded: list[tuple[str, Loaded]], vocab: Vocabulary) -> tuple[Repeat, ...]:
    """Feedback quotes and problem titles found, word for word, in several units' current rounds."""
    groups: dict[tuple[str, str], dict] = {}
    declaration = vocab.label("natures", "declaration")
    for key, unit in loaded:
        rnd = current_round(list(unit.records))
        for r in unit.records:
            if rnd is not None and r.get("round") != rnd["id"]:
                continue
            if r["kind"] == "feedback":
                kind, text = vocab.kind_label("feedback"), r.get("quote") or r["title"]
            elif r["kind"] == "problem" and r.get("nature") != declaration:
                kind, text = vocab.kind_label("problem"), r["title"]
            else:
                continue
            norm = normalise(text)
            if len(norm) < 4:
                continue
            group = groups.setdefault((kind, norm), {"text": text, "entries": []})
            group["entries"].append(RepeatEntry(key, r["id"], r["title"]))
    found = [Repeat(kind, g["text"], tuple(g["entries"])) for (kind, _), g in groups.items()
             if len({e.unit for e in g["entries"]}) >= REPEAT_MIN_UNITS]
    return tuple(sorted(found, key=lambda r: (r.kind != vocab.kind_label("feedback"), -r.unit_count, normalise(r.text))))


def area_totals(units: tuple[UnitFigures, ...]) -> tuple[AreaTotal, ...]:
    by_name: dict[str, list] = defaultdict(list)
    for unit in units:
        for area in unit.areas:
            by_name[normalise(area.name) or area.name].append((unit.key, area))
    totals = [AreaTotal(members[0][1].name, tuple(members)) for members in by_name.values()]
    return tuple(sorted(totals, key=lambda t: (t.rate if t.rate is not None else 2.0, t.name)))


def definitions(vocab, due_soon_days: int) -> tuple[tuple[str, str], ...]:
    """How each figure is counted: the unit sites' own definitions (vocabulary
    phrases), plus what is particular to the overview."""
    rates = tuple((vocab.phrase(f"rate_{name}"), vocab.phrase(f"rate_{name}_definition") + "；按各单位当前轮次统计。")
                  for name in ("measures", "problems", "feedback"))
    return rates + (
        ("逾期 / 临期", f"未完成、整改时限已过 / 在 {due_soon_days} 天之内到期的措施，按本总览的统计日期计算"
                       "（不是各单位网站的统计日期）；“长期坚持”的措施不算逾期。"),
        ("分方面", vocab.phrase("area_counting") + "各单位名称相同的方面（去掉空格和标点后逐字相同）合并为一个方面。"),
        ("最近进展", "该单位当前轮次中最晚的整改进展、完成或销号日期。"),
    )


def build_overview(title: str, today: dt.date, vocab: Vocabulary, results: list) -> Overview:
    """`results`: Loaded or Issue per source, in the sources' order."""
    units, issues, kept = [], [], []
    for result in results:
        if isinstance(result, Issue):
            issues.append(result)
            continue
        key = f"{len(units) + 1:03d}"
        units.append(unit_figures(key, result, today, vocab))
        issues += result.issues
        kept.append((key, result))
    units_t = tuple(units)
    return Overview(title, today, vocab.due_soon_days, units_t, tuple(issues), area_totals(units_t),
                    repeats(kept, vocab), definitions(vocab, vocab.due_soon_days))
