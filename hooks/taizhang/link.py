"""The ledger: records indexed by id, links in both directions, derived facts.

Links are written once, on one side; `incoming` holds the other direction.
Everything derived (a problem's status, lights, days left) is computed here
once per build, through dictionaries, so cost grows linearly with records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
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
class Figures:
    """What a ledger derives from its records: lights, counted states, statuses."""

    problem_status: Mapping[str, str | None]
    lights: Mapping[str, str | None]
    feedback_status: Mapping[str, str | None]
    # A measure's state as counted (see measure_state): its written status,
    # except that an open 长期坚持 measure is 基本完成 only while it shows progress.
    measure_states: Mapping[str, str | None]
    # Open 长期坚持 measures: days since their last progress entry (their own or
    # the measure they continue), or since the round's feedback date when none.
    stale_days: Mapping[str, int]


# False: build_ledger works out the figures at once (tests compare). `taizhang check`
# never reads them; the site and the downloads read them all.
FIGURES_ON_FIRST_USE = True


@dataclass(frozen=True)
class Ledger:
    """All records linked: forward and backward links, derived statuses and lights.
    The derived figures are worked out on first use (see `figures`), once."""

    vocab: Vocabulary
    today: dt.date
    records: Mapping[str, Record]
    incoming: Mapping[str, Mapping[str, tuple[str, ...]]]
    shown_round: str | None = None     # the round summary pages show
    unresolved: tuple[Unresolved, ...] = ()      # links left out of `incoming`

    @cached_property
    def figures(self) -> Figures:
        return derive_figures(self.records, self.incoming, self.vocab, self.today)

    def work_out_figures(self) -> Figures:
        """The figures, worked out now if not yet (before the ledger is pickled, say)."""
        return self.figures

    @property
    def problem_status(self) -> Mapping[str, str | None]:
        return self.figures.problem_status

    @property
    def lights(self) -> Mapping[str, str | None]:
        return self.figures.lights

    @property
    def feedback_status(self) -> Mapping[str, str | None]:
        return self.figures.feedback_status

    @property
    def measure_states(self) -> Mapping[str, str | None]:
        return self.figures.measure_states

    @property
    def stale_days(self) -> Mapping[str, int]:
        return self.figures.stale_days

    def status_of(self, record: Record) -> str | None:
        """A measure's written status; a problem's or feedback item's derived one."""
        if isinstance(record, MeasureRecord):
            return record.status
        return self.state_of(record)

    def state_of(self, record: Record) -> str | None:
        """The state every figure counts: a measure's (measure_state), a
        problem's from its measures, a feedback item's from its problems'
        measures; None for other kinds, for an item nothing answers and for a
        feedback item declared not a rectification task."""
        if isinstance(record, MeasureRecord):
            return self.measure_states.get(record.id, record.status)
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
        """Days to the deadline in force (调整后时限 when one is written)."""
        deadline = effective_deadline(measure)
        if deadline is None:
            return None
        return (deadline - self.today).days

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
    ledger = Ledger(vocab, today, ordered, incoming, shown_round, tuple(_unresolved(ordered, vocab)))
    if not FIGURES_ON_FIRST_USE:
        ledger.work_out_figures()
    return ledger


def derive_figures(ordered: Mapping[str, Record], incoming: Mapping, vocab: Vocabulary, today: dt.date) -> Figures:
    measures = {i: r for i, r in ordered.items() if isinstance(r, MeasureRecord)}
    stale = {i: _days_since_progress(m, ordered, today) for i, m in measures.items()
             if is_long_term(m) and m.status and not vocab.is_closed(m.status)}
    lights = {i: measure_light(m, vocab, today, stale.get(i)) for i, m in measures.items()}
    states = {i: measure_state(m, vocab, stale.get(i)) for i, m in measures.items()}
    status = {}
    for i, r in ordered.items():
        if isinstance(r, ProblemRecord):
            answering = [ordered[m] for m in incoming.get(i, {}).get("measure.problems", ())]
            status[i] = derive_item_state([item_share(m, states[m.id]) for m in answering], vocab)
    feedback_status = {}
    for i, r in ordered.items():
        if isinstance(r, FeedbackRecord):
            if not_a_task(r):
                feedback_status[i] = None
                continue
            problems = [ordered[p] for p in incoming.get(i, {}).get("problem.feedback", ())
                        if not ordered[p].is_declaration]
            answering = {m: ordered[m] for p in problems for m in incoming.get(p.id, {}).get("measure.problems", ())}
            gaps = sum(1 for p in problems if not incoming.get(p.id, {}).get("measure.problems"))
            feedback_status[i] = derive_item_state(
                [item_share(m, states[m.id]) for m in answering.values()], vocab, gaps)
    return Figures(status, lights, MappingProxyType(feedback_status), MappingProxyType(states), MappingProxyType(stale))


def is_long_term(measure: MeasureRecord) -> bool:
    """长期坚持: by its deadline or by its type."""
    return measure.long_term or measure.measure_type == "long_term"


def effective_deadline(measure: MeasureRecord) -> dt.date | None:
    """The deadline in force: 调整后时限 when written, else 整改时限 (which stays shown)."""
    adjusted = measure.value("adjusted_deadline")
    return adjusted if isinstance(adjusted, dt.date) else measure.deadline


def not_a_task(feedback: FeedbackRecord) -> bool:
    """A feedback item the unit declared not a rectification task (非整改任务, with its reason)."""
    return bool(feedback.value("not_task"))


def _days_since_progress(measure: MeasureRecord, records: Mapping[str, Record], today: dt.date) -> int:
    """Days since the latest progress of a measure or of the measures it
    continues (承接自, followed back); with none, since its round's feedback date."""
    dates, seen, todo = [], set(), [measure]
    while todo:
        m = todo.pop()
        if m.id in seen:
            continue
        seen.add(m.id)
        dates += [p.on for p in m.progress]
        todo += [r for l in m.carried_from if isinstance(r := records.get(l.target), MeasureRecord)]
    if not dates:
        rnd = records.get(measure.round or "")
        start = rnd.feedback_date if isinstance(rnd, RoundRecord) else None
        return (today - start).days if start else 0
    return (today - max(dates)).days


def measure_state(measure: MeasureRecord, vocab: Vocabulary, stale: int | None) -> str | None:
    """The state a measure counts as. Its written status, except an open
    长期坚持 measure (never "done"): 基本完成 while its latest progress is at
    most N days old (long_term_stale_days), else 正在整改 (持续整改滞后);
    written 未启动 stays 未启动."""
    status = measure.status
    if status is None or vocab.is_closed(status) or stale is None:
        return status
    order = vocab.status_order()
    if status == order[0]:
        return status
    has_progress = bool(measure.progress) or bool(measure.carried_from)
    return "basically_done" if has_progress and stale <= vocab.long_term_stale_days else order[1]


def item_share(measure: MeasureRecord, state: str | None) -> str | None:
    """What one measure gives the item it answers: 基本完成 only from a
    长期坚持 measure; a 立行立改 or 限期整改 one written 基本完成 is still open."""
    if state == "basically_done" and not is_long_term(measure):
        return "in_progress"
    return state


def derive_item_state(states: list[str | None], vocab: Vocabulary, gaps: int = 0) -> str | None:
    """A problem's or feedback item's state from its measures' shares:
    已销号 when all are signed off, 已完成 when all are closed, 基本完成 when
    the rest are 长期坚持 measures with recent progress, 未启动 when none has
    started, else 正在整改. `gaps` problems without measures count as not
    started. No measure at all gives None."""
    known = [s for s in states if s]
    if not known:
        return None
    order = vocab.status_order()
    if not gaps and all(vocab.is_closed(s) for s in known):
        return "signed_off" if all(s == "signed_off" for s in known) else "done"
    if not gaps and all(vocab.is_closed(s) or s == "basically_done" for s in known):
        return "basically_done"
    if all(s == order[0] for s in known):
        return order[0]
    return order[1]


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


def measure_light(measure: MeasureRecord, vocab: Vocabulary, today: dt.date, stale: int | None = None) -> str | None:
    """The light of a measure. A dated one: red past the deadline in force,
    yellow within due_soon_days of it. An open 长期坚持 one (持续整改滞后):
    yellow when its latest progress is more than N days old, red past 2N."""
    if measure.status is None:
        return PENDING if measure.draft else None
    if vocab.is_closed(measure.status):
        return DONE
    deadline = effective_deadline(measure)
    if measure.draft and deadline is None and not measure.long_term:
        return PENDING          # an imported draft without deadline: not known to be on time
    if stale is not None and (measure.long_term or deadline is None):
        limit = vocab.long_term_stale_days
        return RED if stale > 2 * limit else YELLOW if stale > limit else GREEN
    if measure.long_term or deadline is None:
        return GREEN
    days = (deadline - today).days
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
    """A problem's state from its measures' written statuses (no progress
    dates: a 长期坚持 measure's written 基本完成 is taken as it stands)."""
    return derive_item_state([item_share(m, m.status) for m in measures], vocab)
