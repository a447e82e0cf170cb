"""Figures across units, computed by the core from their records.json.

Each unit's records.json is read back into typed records
(taizhang.exchange.records_from_json) and linked by the core
(link.build_ledger) as of the overview's 统计日期, so its states, lights,
counts and rates are the unit site's own computation (views.completion,
views.figures), not a copy of it:
  - each unit's figures cover its current round (the round with the latest
    feedback date, as its own site's summary pages do);
  - 逾期 / 临期 are as of the overview's 统计日期 (not the unit's), so a unit
    that has not rebuilt its site still shows what is late today;
  - per-area figures are the unit dashboard's (views.AreaProgress);
  - the totals row adds the units' counts and works the rates out again
    from the sums (views.total_completion).
A unit that renamed 已完成 still counts right: its measures carry their
status's internal name (status_code), and older files fall back on the label
or the published light.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from taizhang import views
from taizhang.exchange import records_from_json
from taizhang.gather.sources import Issue, Loaded
from taizhang.link import RED, YELLOW, build_ledger, effective_deadline
from taizhang.link import current_round as current_round_of
from taizhang.views import Completion, Scope
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
    state: str | None         # its internal name (done, in_progress …): the chip's colour
    light: str | None
    days_left: int | None
    adjusted_deadline: str | None = None   # 调整后时限: the days count from it; the deadline stays shown


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
    problems: int
    declarations: int
    measures: int
    last_update: str | None
    overdue: tuple[MeasureRow, ...]
    due_soon: tuple[MeasureRow, ...]
    areas: tuple[AreaFigures, ...]
    notes: tuple[str, ...]
    records: int = 0          # every record in the unit's records.json
    completion: Completion | None = None   # the core's states, counts and both rates (views.completion)


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
    total: Completion | None = None    # every unit's counts added up, rates from the sums (views.total_completion)

    def __post_init__(self):
        # An index built once (the dataclass is frozen): pages look units up per link.
        object.__setattr__(self, "_index", {u.key: u for u in self.units})

    def unit(self, key: str) -> UnitFigures:
        return self._index[key]

    @property
    def records(self) -> int:
        return sum(u.records for u in self.units)


def current_round(records: list[dict], vocab: Vocabulary) -> dict | None:
    """The round (as published) a unit's figures cover: the core's choice (link.current_round)."""
    rounds = [r for r in records if r["kind"] == "round"]
    chosen = current_round_of(records_from_json(rounds, vocab))
    return next((r for r in rounds if chosen and r["id"] == chosen.id), None)


def _latest_date(records: list[dict]) -> str | None:
    dates = [p["date"] for r in records for p in r.get("progress") or () if p.get("date")]
    dates += [r[k] for r in records for k in ("completed_on", "signed_off_on") if r.get(k)]
    return max(dates) if dates else None


def unit_figures(key: str, loaded: Loaded, today: dt.date, vocab: Vocabulary) -> UnitFigures:
    records = list(loaded.records)
    ledger = build_ledger(records_from_json(records, vocab), vocab, today)
    rnd = ledger.current_round
    scope = Scope(ledger, rnd)
    fig = views.figures(ledger, scope)
    done = fig.completion
    published = {r["id"]: r for r in records if r["kind"] == "measure"}

    def row(m) -> MeasureRow:
        status = published.get(m.id, {}).get("status")       # the unit's own label
        adjusted = effective_deadline(m)
        return MeasureRow(key, m.id, m.title, m.unit, m.owner,
                          m.deadline.isoformat() if m.deadline else None, m.long_term, status, m.status,
                          ledger.lights.get(m.id), ledger.days_left(m),
                          adjusted.isoformat() if adjusted and adjusted != m.deadline and not m.long_term else None)

    def lit(light):
        return sorted((row(m) for m in scope.measures if ledger.lights.get(m.id) == light),
                      key=lambda r: (r.days_left if r.days_left is not None else 0, r.id))

    areas = tuple(AreaFigures(a.name or a.ordinal or vocab.phrase("overview_no_area"), a.problems, a.measures, a.closed, a.overdue)
                  for a in fig.areas)
    in_round = [r for r in records if r["kind"] != "round" and (rnd is None or r.get("round") == rnd.id)]
    source = loaded.source
    name = source.name or (rnd.inspected if rnd else None) or source.location.name or key
    if any(r.sample for r in ledger.rounds):
        name = vocab.phrase("sample_unit", unit=name)     # sample data says so wherever the unit appears
    return UnitFigures(
        key=key, name=name,
        source_kind=loaded.kind, location=str(source.location), url=source.url,
        round_id=rnd.id if rnd else None, round_title=rnd.title if rnd else None,
        team=rnd.team if rnd else None, unit_as_of=rnd.as_of.isoformat() if rnd and rnd.as_of else None,
        feedback=done.feedback.total,     # what the rates count: their denominators (README 统计口径)
        problems=done.problems.total, declarations=fig.declarations,
        measures=fig.measures,
        last_update=_latest_date(in_round), overdue=tuple(lit(RED)), due_soon=tuple(lit(YELLOW)), areas=areas,
        notes=tuple(i.reason for i in loaded.issues) + (() if rnd else (vocab.phrase("overview_no_round"),)),
        records=len(records), completion=done,
    )


def normalise(text: str) -> str:
    """Text compared across units: NFKC, no spaces or punctuation."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text or ""))


def repeats(loaded: list[tuple[str, Loaded]], vocab: Vocabulary) -> tuple[Repeat, ...]:
    """Feedback quotes and problem titles found, word for word, in several units' current rounds."""
    groups: dict[tuple[str, str], dict] = {}
    declaration = vocab.label("natures", "declaration")
    for key, unit in loaded:
        rnd = current_round(list(unit.records), vocab)
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
    phrases, the same computation), plus what is particular to the overview."""
    rates = tuple((vocab.phrase(f"rate_{name}{form}"), vocab.phrase(f"rate_{name}{form}_definition")
                   + vocab.phrase("overview_rate_scope"))
                  for name in ("measures", "problems", "feedback") for form in ("", "_basic"))
    total = vocab.phrase("total")
    return rates + (
        (vocab.phrase("overview_counts"), vocab.phrase("overview_define_counts")),
        (total, vocab.phrase("overview_define_total", total=total)),
        (vocab.phrase("overview_lights"), vocab.phrase("overview_define_lights", days=due_soon_days,
                                                       red_days=2 * vocab.long_term_stale_days,
                                                       yellow_days=vocab.long_term_stale_days,
                                                       stale=vocab.phrase("long_term_stale_light"))),
        (vocab.phrase("overview_areas"), vocab.phrase("area_counting") + vocab.phrase("overview_define_areas")),
        (vocab.phrase("overview_last_update"), vocab.phrase("overview_define_last_update")),
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
                    repeats(kept, vocab), definitions(vocab, vocab.due_soon_days),
                    views.total_completion(vocab, (u.completion for u in units_t)))
