"""The ledger: records indexed by id, links in both directions, derived facts.

Links are written once, on one side; `incoming` holds the other direction.
Everything derived (a problem's status, lights, days left) is computed here
once per build, through dictionaries, so cost grows linearly with records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field
from types import MappingProxyType
from collections.abc import Mapping

from taizhang.model import FeedbackRecord, Link, MeasureRecord, ProblemRecord, Record, RoundRecord
from taizhang.vocabulary import Vocabulary

RED, YELLOW, PENDING, GREEN, DONE = "red", "yellow", "pending", "green", "done"
LIGHT_ORDER = (RED, YELLOW, PENDING, GREEN, DONE)


def id_sort_key(record_id: str):
    prefix, _, number = record_id.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, record_id)


@dataclass(frozen=True)
class Unresolved:
    """A link the linker could not follow; the checker reports it (check.py)."""

    source: str        # id of the record that wrote it
    field: str         # field name (round, problems, …)
    target: str        # the id as written
    line: int
    reason: str        # self | missing | wrong-kind


@dataclass(frozen=True)
class Ledger:
    vocab: Vocabulary
    today: dt.date
    records: Mapping[str, Record]
    incoming: Mapping[str, Mapping[str, tuple[str, ...]]]
    problem_status: Mapping[str, str | None]
    lights: Mapping[str, str | None]
    shown_round: str | None = None     # the round summary pages show
    feedback_status: Mapping[str, str | None] = dataclass_field(default_factory=dict)
    unresolved: tuple[Unresolved, ...] = ()      # links left out of `incoming`

    def status_of(self, record: Record) -> str | None:
        """A measure's written status; a problem's or feedback item's derived one."""
        if isinstance(record, MeasureRecord):
            return record.status
        if isinstance(record, ProblemRecord):
            return self.problem_status.get(record.id)
        if isinstance(record, FeedbackRecord):
            return self.feedback_status.get(record.id)
        return None

    # -- lookups ---------------------------------------------------------
    def get(self, record_id: str) -> Record | None:
        return self.records.get(record_id)

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records.values() if r.kind == kind]

    def linked_from(self, record_id: str, kind: str, field: str) -> list[Record]:
        """Records of `kind` whose `field` names record_id, sorted by id."""
        return [self.records[i] for i in self.incoming.get(record_id, {}).get(f"{kind}.{field}", ())]

    def targets(self, record: Record, field: str) -> list[Record]:
        """Existing records that `record` names in `field`."""
        return [self.records[l.target] for l in record.links().get(field, ()) if l.target in self.records]

    def measures_of(self, problem_id: str) -> list[MeasureRecord]:
        return self.linked_from(problem_id, "measure", "problems")

    def carried_into(self, measure_id: str) -> list[MeasureRecord]:
        """Measures of later rounds that continue this one (their 承接自 names it): the hand-over."""
        return self.linked_from(measure_id, "measure", "carried_from")

    def carried_from(self, measure: MeasureRecord) -> list[MeasureRecord]:
        """The earlier-round measures this one continues (承接自)."""
        return self.targets(measure, "carried_from")

    def repeats(self, record: Record) -> list[Record]:
        """屡查屡犯: the same finding in earlier rounds (前轮记录)."""
        return self.targets(record, "recurs_from")

    @property
    def rounds(self) -> list[RoundRecord]:
        return self.of_kind("round")

    @property
    def current_round(self) -> RoundRecord | None:
        """The round the dashboard and lists show (see project.resolve_round)."""
        chosen = self.records.get(self.shown_round or "")
        return chosen if isinstance(chosen, RoundRecord) else current_round(self.rounds)

    def round_of(self, record: Record) -> RoundRecord | None:
        found = self.records.get(record.round or "")
        return found if isinstance(found, RoundRecord) else None

    def area_name(self, record: Record, ordinal: str | None) -> str:
        rnd = self.round_of(record)
        return (rnd.area_name(ordinal) if rnd and ordinal else None) or (ordinal or "")

    def days_left(self, measure: MeasureRecord) -> int | None:
        if measure.deadline is None:
            return None
        return (measure.deadline - self.today).days

    def areas_of_measure(self, measure: MeasureRecord) -> list[str]:
        """Ordinals of the areas its problems lie in, in the round's order."""
        areas = {p.area for p in self.targets(measure, "problems") if p.area}
        rnd = self.round_of(measure)
        order = [k for k, _ in rnd.areas] if rnd else []
        return sorted(areas, key=lambda a: (order.index(a) if a in order else len(order), a))


def is_earlier(theirs: RoundRecord, mine: RoundRecord) -> bool:
    """前轮记录 and 承接自 point back: to another round with an earlier feedback date."""
    return theirs.id != mine.id and not (theirs.feedback_date and mine.feedback_date
                                         and theirs.feedback_date >= mine.feedback_date)


def current_round(rounds: list[RoundRecord]) -> RoundRecord | None:
    """The round with the latest feedback date: what the site shows first."""
    if not rounds:
        return None
    return max(rounds, key=lambda r: (r.feedback_date or dt.date.min, id_sort_key(r.id)))


def build_ledger(records: list[Record], vocab: Vocabulary, today: dt.date, shown_round: str | None = None) -> Ledger:
    by_id: dict[str, Record] = {}
    for record in sorted(records, key=lambda r: r.path):
        by_id.setdefault(record.id, record)  # duplicates are reported by check
    ordered = {i: by_id[i] for i in sorted(by_id, key=id_sort_key)}
    incoming = _incoming(ordered)
    lights = {i: measure_light(r, vocab, today) for i, r in ordered.items() if isinstance(r, MeasureRecord)}
    status = {}
    for i, r in ordered.items():
        if isinstance(r, ProblemRecord):
            measures = [ordered[m] for m in incoming.get(i, {}).get("measure.problems", ())]
            status[i] = derive_problem_status(measures, vocab)
    feedback_status = {}
    for i, r in ordered.items():
        if isinstance(r, FeedbackRecord):
            problems = [ordered[p] for p in incoming.get(i, {}).get("problem.feedback", ())]
            feedback_status[i] = derive_feedback_status(
                [status[p.id] for p in problems if not p.is_declaration], vocab)
    return Ledger(vocab, today, ordered, incoming, status, lights, shown_round, MappingProxyType(feedback_status),
                  tuple(_unresolved(ordered, vocab)))


def written_links(record: Record) -> dict[str, tuple[Link, ...]]:
    """Every link a record writes, by field name, its round included."""
    links = dict(record.links())
    if record.kind != "round":
        links["round"] = (Link(record.round, record.line_of("round")),) if record.round else ()
    return links


def _unresolved(records: Mapping[str, Record], vocab: Vocabulary):
    for record in records.values():
        for field, links in written_links(record).items():
            want = vocab.link_target(record.kind, field)
            for link in links:
                target = records.get(link.target)
                reason = ("self" if link.target == record.id else "missing" if target is None
                          else "wrong-kind" if target.kind != want else None)
                if reason:
                    yield Unresolved(record.id, field, link.target, link.line, reason)


def _incoming(records: Mapping[str, Record]) -> dict:
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for source_id, record in records.items():
        if record.round:
            found[record.round][f"{record.kind}.round"].append(source_id)
        for field, links in record.links().items():
            for target in dict.fromkeys(l.target for l in links):
                if target in records and target != source_id:
                    found[target][f"{record.kind}.{field}"].append(source_id)
    return {t: {f: tuple(ids) for f, ids in fields.items()} for t, fields in found.items()}


def measure_light(measure: MeasureRecord, vocab: Vocabulary, today: dt.date) -> str | None:
    if measure.status is None:
        return PENDING if measure.draft else None
    if vocab.is_closed(measure.status):
        return DONE
    if measure.draft and measure.deadline is None and not measure.long_term:
        return PENDING          # an imported draft without deadline: not known to be on time
    if measure.long_term or measure.deadline is None:
        return GREEN
    days = (measure.deadline - today).days
    if days < 0:
        return RED
    if days <= vocab.due_soon_days:
        return YELLOW
    return GREEN


def worst_light(lights) -> str | None:
    known = [l for l in lights if l]
    if not known:
        return None
    return min(known, key=LIGHT_ORDER.index)


def derive_problem_status(measures: list[MeasureRecord], vocab: Vocabulary) -> str | None:
    """Least advanced measure status; started-but-mixed counts as in progress."""
    return derive_status([m.status for m in measures if m.status], vocab)


def derive_feedback_status(problem_statuses: list[str | None], vocab: Vocabulary) -> str | None:
    """A feedback item's status from its problems' derived statuses, by the same
    rule as a problem's from its measures. A problem without measures (None)
    counts as not started: the feedback item is not done while it has one.
    说明事项 are left out by the caller; no problem at all gives None."""
    if not any(problem_statuses):
        return None
    first = vocab.status_order()[0]
    return derive_status([s or first for s in problem_statuses], vocab)


def derive_status(statuses: list[str], vocab: Vocabulary) -> str | None:
    """Least advanced of `statuses`; a mix of not started and started is in progress."""
    if not statuses:
        return None
    order = vocab.status_order()
    lowest = min(statuses, key=order.index)
    if lowest == order[0] and any(s != order[0] for s in statuses):
        return order[1]
    return lowest
