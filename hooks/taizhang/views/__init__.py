"""What every page and every download shows, computed once: plain row data.

The views layer sits between the linked ledger (link.py) and the outputs
(render/ for HTML pages, export/ for xlsx, CSV, docx, JSON). It imports
neither; both import it. Everything here is a pure function of a `Ledger`
and a `Scope` and returns frozen dataclasses of plain values (ids, labels,
dates, counts), never HTML: an output decides how to link or colour them.
Labels and fixed phrases come from the vocabulary (`vocab.phrase`), so a
unit's `taizhang.yml` renames them everywhere at once.

API (all functions take the ledger first):

- `Scope(ledger, round)`: the records one summary covers (a round's, by
  kind, sorted by id); `scope.published()` keeps records with 公开 not 否.
- `is_closed(ledger, record)`: THE definition of closed (整改完成): a
  measure whose status is closed (已完成/已销号), a problem or feedback item
  whose derived status is. Lights (`done`) follow the same rule.
- `status_of(ledger, record)`, `status_label(vocab, status, empty)`.
- `days_text(vocab, days)`: the one days-left wording (逾期 3 天 / 今天到期 /
  剩 5 天); `deadline_text(ledger, measure)`; `measure_note(ledger, m)`: the
  hint beside a light (days for red/yellow, else "").
- `light_text(ledger, measure)`: the light in words (逾期 3 天, 临期（剩 5 天）).
- `round_facts(ledger, round)` → `RoundFacts`: label/value facts of a round.
- `completion(ledger, scope)` → `Completion`: THE figures of rectification
  progress, one computation for the dashboard, lists, xlsx, docx and JSON.
  For 反馈问题, 查摆问题 and 整改措施 each (`KindCompletion`): 已完成 X,
  基本完成 Y, 正在整改 Z, 未启动 W and the total (`text`: "已完成 X 项、
  基本完成 Y 项、正在整改 Z 项、未启动 W 项，共 T 项"), 已销号 among the
  done, the two rates with numerator and denominator — `rate` 完成率 X/T and
  `basic_rate` 完成及基本完成率 (X+Y)/T, "—" when T is 0 — measures closed
  after their deadline (`late`), and the feedback items declared not a
  rectification task (`excluded`, with reasons), left out of every count.
  States come from `state_of(ledger, record)` (link.py derives them: see
  README 统计口径); `state_label(ledger, record)` says one in words.
- `late_days(ledger, measure)`: days a closed measure was completed after the
  deadline in force (调整后时限 or 整改时限), else None; `late_text` in words.
- `figures(ledger, scope)` → `Figures`: counts by kind, statuses in
  vocabulary order (`StatusCount`), not started / in progress / closed
  (in progress never includes 未启动), lights (`LightCount`), the three
  completion rates (`Rate`: label, definition, done, total, level), the
  problem count text ("12 个问题 + 4 项说明事项"), per-area progress
  (`AreaProgress`) with `area_note` saying how a measure touching several
  areas counts (once in each area).
- `task_rows(ledger, measures)` → `TaskRow`s (任务清单, 逾期/临期, 责任清单).
- `problem_rows(ledger, problems)` → `ProblemRow`s (问题清单).
- `feedback_rows(ledger, feedback)` → `FeedbackRow`s (对照表, 对账).
- `responsibility_groups(ledger, measures, field)` → `Group`s by 责任领导
  (`field="leader"`) or 责任单位 (`"unit"`), each with its task rows.
- `problem_light(ledger, problem)`: the worst light of its measures.
- `sample_notice(ledger)`: the 示例数据 notice when a round is marked so, else "".
- `field_text(ledger, record, name)`: any vocabulary field's value as text
  by its type (record pages, generic ledger columns, diff), so a field
  added to vocabulary.yml or taizhang.yml shows without code.
- `DOWNLOADS` (from downloads.py): the download files (format, URL, Chinese file name), listed
  once: the dashboard links them, export/files.py builds them, `taizhang
  export --format` offers their formats.
- `views.report.build_report(ledger, scope)`: the progress report's content.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass

from taizhang.downloads import DOWNLOADS, Download
from taizhang.link import (DONE, LIGHT_ORDER, PENDING, RED, YELLOW, Ledger, derive_item_state, effective_deadline,
                           id_sort_key, is_earlier, item_share, not_a_task, worst_light)
from taizhang.markup import plain_text
from taizhang.model import (CauseRecord, FeedbackRecord, MeasureRecord, ProblemRecord, Record,
                            RoundRecord)
from taizhang.vocabulary import Vocabulary
from taizhang.views.columns import plain

__all__ = [
    "Scope", "Ref", "Fact", "RoundFacts", "StatusCount", "LightCount", "Rate", "AreaProgress", "Figures",
    "Completion", "KindCompletion", "NotTask", "completion", "state_of", "state_label", "late_days", "late_text",
    "light_label", "worst_light_label", "total_completion", "carried_state",
    "TaskRow", "ProblemRow", "FeedbackRow", "Group", "RATE_LEVELS", "HandoverRow", "handover_rows",
    "field_text", "is_closed", "light_text", "status_of", "status_label", "days_text", "deadline_text", "measure_note", "round_facts",
    "figures", "task_rows", "problem_rows", "feedback_rows", "own_problem_rows", "own_feedback_rows",
    "responsibility_groups", "problem_light",
    "area_label", "sample_notice", "Download", "DOWNLOADS", "plain", "progress_line", "signoff_text",
]

# A completion rate's level, for colouring: (lowest share, level), first match.
RATE_LEVELS = ((1.0, "complete"), (2 / 3, "high"), (1 / 3, "medium"), (0.0, "low"))


# -- scope ---------------------------------------------------------------

# A scope's derived lists (its problems proper, repeats, carried measures, …) are
# asked for by many pages: each is made once per scope and handed out as a copy.
LISTS_ONCE = True   # False: made anew on each access (tests compare)

class Scope:
    """The records of one round, by kind, each list sorted by id.

    `Scope(ledger, None)` covers every round. Declarations (说明事项) are kept
    apart from problems: `problems` never includes them.
    """

    def __init__(self, ledger: Ledger, rnd: RoundRecord | None, records=None):
        self.ledger, self.round = ledger, rnd
        self._by_kind: dict[str, list[Record]] = {}
        self._made: dict[str, dict] = {}
        source = ledger.records.values() if records is None else records
        for record in source:
            if record.kind != "round" and (rnd is None or record.round == rnd.id):
                self._by_kind.setdefault(record.kind, []).append(record)

    def of(self, kind: str) -> list:
        return self._by_kind.get(kind, [])

    def made(self, what: str) -> dict:
        """A cache of `what` (each measure's task row, the ledger cells the
        workbook and the CSV share) made once in this scope: values depend on
        the scope's ledger alone and are never changed once made."""
        return self._made.setdefault(what, {})

    def _list(self, name: str, make) -> list:
        if not LISTS_ONCE:
            return make()
        made = self.made("lists")
        if name not in made:
            made[name] = tuple(make())
        return list(made[name])

    @property
    def feedback(self) -> list[FeedbackRecord]:
        return self.of("feedback")

    @property
    def tasks(self) -> list[FeedbackRecord]:
        """Feedback items that are rectification tasks: the ones counted."""
        return self._list("tasks", lambda: [f for f in self.feedback if not not_a_task(f)])

    @property
    def not_tasks(self) -> list[FeedbackRecord]:
        """Feedback items declared not a rectification task (非整改任务): listed apart, never counted."""
        return self._list("not_tasks", lambda: [f for f in self.feedback if not_a_task(f)])

    @property
    def problems(self) -> list[ProblemRecord]:
        """Problems proper: declarations (说明事项) are not counted."""
        return self._list("problems", lambda: [p for p in self.of("problem") if not p.is_declaration])

    @property
    def declarations(self) -> list[ProblemRecord]:
        return self._list("declarations", lambda: [p for p in self.of("problem") if p.is_declaration])

    @property
    def causes(self) -> list[CauseRecord]:
        return self.of("cause")

    @property
    def measures(self) -> list[MeasureRecord]:
        return self.of("measure")

    @property
    def repeat_feedback(self) -> list[FeedbackRecord]:
        """屡查屡犯: this round's feedback items that repeat an earlier round's (前轮记录)."""
        return self._list("repeat_feedback", lambda: [f for f in self.feedback if self.ledger.repeats(f)])

    @property
    def repeat_problems(self) -> list[ProblemRecord]:
        return self._list("repeat_problems", lambda: [p for p in self.problems if self.ledger.repeats(p)])

    @property
    def carried_in(self) -> list[MeasureRecord]:
        """承接事项: this round's measures that continue an earlier round's (承接自)."""
        return self._list("carried_in", lambda: [m for m in self.measures if self.ledger.carried_from(m)])

    @functools.cached_property
    def carried_problems(self) -> list[ProblemRecord]:
        """Earlier rounds' problems that this round's carried measures answer (their
        originals' 整改问题, 承接自 followed back): counted in this round's figures."""
        found: dict[str, ProblemRecord] = {}
        for m in self.carried_in:
            for original in _originals(self.ledger, m):
                for p in self.ledger.targets(original, "problems"):
                    if isinstance(p, ProblemRecord) and not p.is_declaration and p.round != m.round:
                        found.setdefault(p.id, p)
        return [found[i] for i in sorted(found, key=id_sort_key)]

    @functools.cached_property
    def carried_feedback(self) -> list[FeedbackRecord]:
        """Earlier rounds' feedback items (rectification tasks) those problems answer."""
        found: dict[str, FeedbackRecord] = {}
        for p in self.carried_problems:
            for f in self.ledger.targets(p, "feedback"):
                if isinstance(f, FeedbackRecord) and not not_a_task(f):
                    found.setdefault(f.id, f)
        return [found[i] for i in sorted(found, key=id_sort_key)]

    @functools.cached_property
    def problem_ids(self) -> frozenset[str]:
        """Ids of `problems`: asked once per feedback item by the report."""
        return frozenset(p.id for p in self.problems)

    @functools.cached_property
    def measure_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.measures)

    @functools.cached_property
    def _carried_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.carried_problems + self.carried_feedback)

    def is_carried(self, record: Record) -> bool:
        """An earlier round's problem or feedback item this round counts (carried work)."""
        return self.round is not None and record.round != self.round.id and record.id in self._carried_ids

    def counted_state(self, record: Record) -> str | None:
        """The state this scope counts a record in: carried_state for carried
        items, else the record's own (ledger.state_of)."""
        if self.is_carried(record):
            return carried_state(self.ledger, record, self.round.id)
        return self.ledger.state_of(record)

    def counted_measures(self, problem: ProblemRecord) -> list[MeasureRecord]:
        """The measures a problem counts here: for a carried problem each of its
        measures replaced by the one continuing it in this round (承接)."""
        measures = self.ledger.measures_of(problem.id)
        if not self.is_carried(problem):
            return measures
        return _unique(_latest(self.ledger, m, self.round.id) for m in measures)

    @property
    def carried_out(self) -> list[MeasureRecord]:
        """This round's measures handed over to a later round (another measure's 承接自 names them)."""
        return self._list("carried_out", lambda: [m for m in self.measures if self.ledger.carried_into(m.id)])

    def areas(self) -> list[tuple[str, str]]:
        """(ordinal, name) of the round's areas, plus any area records use."""
        listed = list(self.round.areas) if self.round else []
        known = {k for k, _ in listed}
        extra = sorted({p.area for p in self.of("problem") + self.feedback if p.area and p.area not in known})
        return listed + [(a, a) for a in extra]

    def published(self) -> Scope:
        """Records not marked 公开: 否; measures only if they address a published
        problem (or none at all)."""
        problems = {p.id for p in self.of("problem") if p.publish}
        kept = [r for kind in self._by_kind.values() for r in kind if r.publish and not (
            isinstance(r, MeasureRecord) and r.problems and not any(l.target in problems for l in r.problems))]
        return Scope(self.ledger, self.round, kept)


# -- single definitions ----------------------------------------------------

def status_of(ledger: Ledger, record: Record) -> str | None:
    """A measure's status; a problem's (from its measures) or a feedback
    item's (from its problems) derived status; None for other kinds."""
    return ledger.status_of(record)


def is_closed(ledger: Ledger, record: Record) -> bool:
    """整改完成: the record's status (written or derived) counts as closed."""
    status = ledger.status_of(record)
    return status is not None and ledger.vocab.is_closed(status)


def status_label(vocab: Vocabulary, status: str | None, empty: str = "") -> str:
    return vocab.label("statuses", status) if status else empty


def days_text(vocab: Vocabulary, days: int) -> str:
    """The one wording of days to a deadline: 逾期 3 天 / 今天到期 / 剩 5 天."""
    if days < 0:
        return vocab.phrase("overdue_days", days=-days)
    if days == 0:
        return vocab.phrase("due_today")
    return vocab.phrase("days_left", days=days)


def deadline_text(ledger: Ledger, measure: MeasureRecord) -> str:
    """The deadline as written: a date, 长期坚持, or "" when missing; an
    adjusted one beside it, the original staying visible:
    2023-07-31（调整后时限 2023-09-30）."""
    if measure.long_term:
        text = ledger.vocab.long_term_deadline
    else:
        text = measure.deadline.isoformat() if measure.deadline else ""
    adjusted = measure.value("adjusted_deadline")
    if isinstance(adjusted, dt.date):
        note = ledger.vocab.phrase("adjusted_deadline_note", date=adjusted.isoformat())
        return f"{text}（{note}）" if text else note
    return text


def measure_note(ledger: Ledger, measure: MeasureRecord) -> str:
    """Days to the deadline for an open measure with a dated deadline; for an
    open 长期坚持 one lit yellow or red, 持续整改滞后（N 天无整改进展）; else ""."""
    light = ledger.lights.get(measure.id)
    if _is_stale(ledger, measure):
        return ledger.vocab.phrase("long_term_stale", days=ledger.stale_days[measure.id])
    if light == DONE:
        return late_text(ledger, measure)        # 逾期 10 天完成, or ""
    days = ledger.days_left(measure)
    if days is None or measure.long_term or light is None:
        return ""
    return days_text(ledger.vocab, days)


def _is_stale(ledger: Ledger, measure: MeasureRecord) -> bool:
    """An open 长期坚持 measure lit yellow or red for want of recent progress (持续整改滞后)."""
    return (measure.id in ledger.stale_days and ledger.lights.get(measure.id) in (RED, YELLOW)
            and (measure.long_term or ledger.days_left(measure) is None))


def light_label(ledger: Ledger, measure: MeasureRecord) -> str:
    """The light's word: 逾期 / 临期 / 正常 / 已完成, or 持续整改滞后 for a stale
    长期坚持 measure (its yellow or red is not a missed date)."""
    light = ledger.lights.get(measure.id)
    if light is None:
        return ""
    if _is_stale(ledger, measure):
        return ledger.vocab.phrase("long_term_stale_light")
    return ledger.vocab.label("lights", light)


def _light_count_label(vocab, light: str, stale: int) -> str:
    """逾期, or 逾期（其中持续整改滞后 3 项）: a red or yellow count that holds stale
    长期坚持 measures says how many of them missed no date."""
    label = vocab.label("lights", light)
    if not stale:
        return label
    return vocab.phrase("light_count_stale", label=label, count=stale, stale=vocab.phrase("long_term_stale_light"))


def worst_light_label(ledger: Ledger, measures) -> str:
    """The word for a problem's or feedback item's light (the worst of its
    measures'): 持续整改滞后 when every measure lit that colour is a stale
    长期坚持 one, not 逾期 — no date was missed."""
    light = worst_light(ledger.lights.get(m.id) for m in measures)
    if light is None:
        return ""
    lit = [m for m in measures if ledger.lights.get(m.id) == light]
    if light in (RED, YELLOW) and all(_is_stale(ledger, m) for m in lit):
        return ledger.vocab.phrase("long_term_stale_light")
    return ledger.vocab.label("lights", light)


def light_text(ledger: Ledger, measure: MeasureRecord) -> str:
    """A measure's light in words: 逾期 3 天 (red: the days say it), 临期（剩 5 天）,
    正常, 已完成; "" when it has no status."""
    light = ledger.lights.get(measure.id)
    if light is None:
        return ""
    note = measure_note(ledger, measure)
    if (light in (RED, DONE) or _is_stale(ledger, measure)) and note:
        return note              # 逾期 3 天; 持续整改滞后（120 天无整改进展）; 逾期 10 天完成
    label = ledger.vocab.label("lights", light)
    return f"{label}（{note}）" if light == YELLOW and note else label


def field_text(ledger: Ledger, record: Record, name: str) -> str:
    """A field's value as text, by its vocabulary type; "" when empty."""
    vocab = ledger.vocab
    spec = vocab.fields[name]
    if name == "kind":
        return vocab.kind_label(record.kind)
    if spec.base == "deadline" and getattr(record, "long_term", False):
        return vocab.long_term_deadline
    value = record.value(name)
    if value is None or value == ():
        return ""
    base = spec.base
    if base == "enum":
        return vocab.label(spec.type.partition(":")[2], value)
    if base == "bool":
        return vocab.phrase("yes") if value else vocab.phrase("no")
    if base in ("date", "deadline"):
        return value.isoformat()
    if base == "links":
        return "、".join(link.target for link in value)
    if base == "texts":
        return "、".join(value)
    if base == "areas":
        return "；".join(area_label(k, v) for k, v in value)
    if base == "progress":
        return "\n".join(f"{p.on.isoformat()} {p.text}" for p in value)
    if base == "evidence":
        return "\n".join(e.name for e in value)
    return str(value)


def problem_light(ledger: Ledger, problem: ProblemRecord) -> str | None:
    return worst_light(ledger.lights.get(m.id) for m in ledger.measures_of(problem.id))


def sample_notice(ledger: Ledger) -> str:
    """The notice every page shows when a round is marked 示例数据, else ""."""
    return ledger.vocab.phrase("sample_notice") if any(r.sample for r in ledger.rounds) else ""


def area_label(ordinal: str, name: str) -> str:
    return f"（{ordinal}）{name}"


# -- plain data --------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """Another record, enough to link to it."""

    id: str
    kind: str
    title: str
    draft: bool = False       # an imported record not yet completed (marked 草稿)
    not_task: bool = False    # a feedback item declared 非整改任务 (not counted)

    @classmethod
    def of(cls, record: Record) -> Ref:
        return cls(record.id, record.kind, record.title, record.draft,
                   isinstance(record, FeedbackRecord) and not_a_task(record))


def _refs(records) -> tuple[Ref, ...]:
    return tuple(Ref.of(r) for r in records)


@dataclass(frozen=True)
class Fact:
    name: str      # field name (team, deadline …) or a fixed fact (round, as_of)
    label: str
    text: str


@dataclass(frozen=True)
class RoundFacts:
    round: Ref
    facts: tuple[Fact, ...]
    areas: tuple[tuple[str, str], ...]
    days_left: int | None        # to the 集中整改期限


def round_facts(ledger: Ledger, rnd: RoundRecord) -> RoundFacts:
    vocab = ledger.vocab
    none = vocab.phrase("none")
    days = (rnd.deadline - ledger.today).days if rnd.deadline else None
    deadline = none
    if rnd.long_term:
        deadline = vocab.long_term_deadline
    elif rnd.deadline:
        deadline = f"{rnd.deadline.isoformat()}（{days_text(vocab, days)}）"
    facts = (
        Fact("round", vocab.kind_label("round"), rnd.title),
        Fact("team", vocab.key("team"), rnd.team or none),
        Fact("inspected", vocab.key("inspected"), rnd.inspected or none),
        Fact("feedback_date", vocab.key("feedback_date"), rnd.feedback_date.isoformat() if rnd.feedback_date else none),
        Fact("deadline", vocab.phrase("deadline_of_round"), deadline),
        Fact("phase", vocab.key("phase"), vocab.label("phases", rnd.phase) if rnd.phase else none),
        Fact("as_of", vocab.key("as_of"), ledger.today.isoformat()),
    )
    return RoundFacts(Ref.of(rnd), facts, rnd.areas, days)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    share: float       # of all measures in scope (0 when there are none)


@dataclass(frozen=True)
class LightCount:
    light: str
    label: str
    count: int


@dataclass(frozen=True)
class Rate:
    name: str          # measures | problems | feedback
    label: str         # 措施完成率 …
    definition: str    # what is divided by what, in words
    done: int
    total: int
    level: str         # none | low | medium | high | complete (see RATE_LEVELS)
    text: str = ""     # 41.7%, or "—" when there is nothing to divide by

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def value(self) -> float | None:
        """The share as a number, None when the denominator is empty (a sheet's empty cell)."""
        return self.done / self.total if self.total else None


def _rate(vocab: Vocabulary, name: str, done: int, total: int, phrase: str | None = None) -> Rate:
    """`name` says what it divides (measures | problems | feedback); `phrase`
    names its label and definition (rate_<name> or rate_<name>_basic)."""
    phrase = phrase or f"rate_{name}"
    share = done / total if total else None
    level = "none" if share is None else next(lvl for low, lvl in RATE_LEVELS if share >= low)
    text = vocab.phrase("none") if share is None else f"{share * 100:.1f}%"
    return Rate(name, vocab.phrase(phrase), vocab.phrase(f"{phrase}_definition"), done, total, level, text)


# -- the one computation of states, counts and rates ---------------------------

def state_of(ledger: Ledger, record: Record) -> str | None:
    """The state every figure counts (Ledger.state_of): None for an item
    nothing answers yet and for a feedback item that is not a task."""
    return ledger.state_of(record)


def state_label(ledger: Ledger, record: Record) -> str:
    """A record's state in words: the status label; 非整改任务（不计入）; 尚无
    查摆问题回应 / 尚无整改措施 when nothing answers it yet."""
    vocab = ledger.vocab
    if isinstance(record, FeedbackRecord) and not_a_task(record):
        return vocab.phrase("not_a_task")
    state = ledger.state_of(record)
    if state:
        return vocab.label("statuses", state)
    if isinstance(record, FeedbackRecord):
        return vocab.phrase("no_problems")
    if isinstance(record, ProblemRecord):
        return vocab.phrase("no_measures")
    return ""


def late_days(ledger: Ledger, measure: MeasureRecord) -> int | None:
    """Days after the deadline in force a closed measure was completed (逾期完成), else None."""
    deadline = effective_deadline(measure)
    if (measure.completed_on is None or deadline is None or measure.long_term or not measure.status
            or not ledger.vocab.is_closed(measure.status) or measure.completed_on <= deadline):
        return None
    return (measure.completed_on - deadline).days


def late_text(ledger: Ledger, measure: MeasureRecord) -> str:
    days = late_days(ledger, measure)
    return ledger.vocab.phrase("late_done", days=days) if days else ""


@dataclass(frozen=True)
class NotTask:
    """A feedback item declared not a rectification task, with its reason."""

    feedback: Ref
    reason: str


@dataclass(frozen=True)
class KindCompletion:
    name: str              # feedback | problems | measures
    label: str             # the kind's label
    done: int              # 已完成, 已销号 included
    signed_off: int        # 已销号 among them
    basically_done: int
    in_progress: int
    not_started: int       # items nothing answers yet count here
    total: int
    late: int              # measures closed after the deadline in force (0 for items)
    rate: Rate             # 完成率 = done / total
    basic_rate: Rate       # 完成及基本完成率 = (done + basically_done) / total
    text: str              # 已完成 X 项、基本完成 Y 项、正在整改 Z 项、未启动 W 项，共 T 项
    excluded: tuple[NotTask, ...] = ()    # feedback only: 非整改任务, not in any count

    @property
    def count(self) -> int:
        """The total by another name: the name a `tables.summary` column shows it by."""
        return self.total


@dataclass(frozen=True)
class Completion:
    feedback: KindCompletion
    problems: KindCompletion
    measures: KindCompletion

    def __iter__(self):
        return iter((self.feedback, self.problems, self.measures))

    def of(self, name: str) -> KindCompletion:
        return getattr(self, name)


def _kind_completion(ledger: Ledger, name: str, kind: str, records, late: int = 0, excluded=(),
                     states=None) -> KindCompletion:
    """`states`: record id → state, for records counted in another state than
    their own (carried items: carried_state)."""
    vocab = ledger.vocab
    states = states or {}
    counts = Counter(states[r.id] if r.id in states else ledger.state_of(r) for r in records)
    done = sum(n for s, n in counts.items() if s and vocab.is_closed(s))
    basic, progress = counts.get("basically_done", 0), counts.get("in_progress", 0)
    not_started = len(records) - done - basic - progress       # 未启动, and items nothing answers yet
    return _counted(vocab, name, vocab.kind_label(kind), done, counts.get("signed_off", 0), basic, progress,
                    not_started, late, excluded)


def _counted(vocab: Vocabulary, name: str, label: str, done: int, signed_off: int, basic: int, progress: int,
             not_started: int, late: int, excluded=()) -> KindCompletion:
    total = done + basic + progress + not_started
    text = vocab.phrase("state_counts", done=done, basically_done=basic, in_progress=progress,
                        not_started=not_started, total=total)
    return KindCompletion(name, label, done, signed_off, basic, progress, not_started, total, late,
                          _rate(vocab, name, done, total), _rate(vocab, name, done + basic, total, f"rate_{name}_basic"),
                          text, tuple(excluded))


def total_completion(vocab: Vocabulary, parts) -> Completion:
    """Several ledgers' figures added up (督查总览's totals row): counts summed,
    both rates worked out again from the sums, by the same rule as one unit's."""
    parts = list(parts)

    def kind(name: str, kind_name: str) -> KindCompletion:
        each = [p.of(name) for p in parts]
        return _counted(vocab, name, vocab.kind_label(kind_name), *(sum(getattr(k, f) for k in each) for f in (
            "done", "signed_off", "basically_done", "in_progress", "not_started", "late")),
            excluded=tuple(x for k in each for x in k.excluded))
    return Completion(kind("feedback", "feedback"), kind("problems", "problem"), kind("measures", "measure"))


def completion(ledger: Ledger, scope: Scope) -> Completion:
    """States, counts and both rates of 反馈问题, 查摆问题 and 整改措施 in scope:
    the figures every page and download states (see KindCompletion).

    Carried work counts: an earlier round's problems and feedback items that
    this round's carried measures answer (Scope.carried_problems/feedback)
    count here too, in the state their measures have now (each measure
    replaced by the one that continues it, carried_state), so an item cannot
    read 已完成 while work carried for it is open."""
    measures = scope.measures
    excluded = tuple(NotTask(Ref.of(f), str(f.value("not_task"))) for f in scope.not_tasks)
    carried = {r.id: scope.counted_state(r) for r in scope.carried_problems + scope.carried_feedback}
    return Completion(
        feedback=_kind_completion(ledger, "feedback", "feedback", scope.tasks + scope.carried_feedback,
                                  excluded=excluded, states=carried),
        problems=_kind_completion(ledger, "problems", "problem", scope.problems + scope.carried_problems,
                                  states=carried),
        measures=_kind_completion(ledger, "measures", "measure", measures,
                                  late=sum(1 for m in measures if late_days(ledger, m))),
    )


def _originals(ledger: Ledger, measure: MeasureRecord) -> list[MeasureRecord]:
    """The measures a carried one continues, 承接自 followed back to the first."""
    found, todo = {}, list(ledger.carried_from(measure))
    while todo:
        m = todo.pop()
        if m.id not in found:
            found[m.id] = m
            todo += ledger.carried_from(m)
    return [found[i] for i in sorted(found, key=id_sort_key)]


def _latest(ledger: Ledger, measure: MeasureRecord, round_id: str | None = None) -> MeasureRecord:
    """The measure that carries this one's work now: 承接 followed forward to the
    last, never past round `round_id` (a later round does not change an earlier one's figures)."""
    limit = ledger.get(round_id) if round_id else None
    seen = {measure.id}
    while limit is None or measure.round != limit.id:
        after = [m for m in ledger.carried_into(measure.id) if m.id not in seen and (
            limit is None or m.round == limit.id or _round_before(ledger, m, limit))]
        if not after:
            return measure
        measure = after[-1]
        seen.add(measure.id)
    return measure


def _round_before(ledger: Ledger, record: Record, limit: RoundRecord) -> bool:
    rnd = ledger.round_of(record)
    return rnd is not None and isinstance(limit, RoundRecord) and is_earlier(rnd, limit)


def carried_state(ledger: Ledger, record: Record, round_id: str | None = None) -> str | None:
    """A problem's or feedback item's state with each of its measures replaced by
    the measure that continues it now (承接; up to round `round_id`): what the
    round that carries the work counts. Equal to state_of when nothing was carried."""
    if isinstance(record, ProblemRecord):
        problems = [record]
    elif isinstance(record, FeedbackRecord):
        problems = [p for p in ledger.linked_from(record.id, "problem", "feedback") if not p.is_declaration]
    else:
        return ledger.state_of(record)
    measures = {m.id: m for p in problems for m in ledger.measures_of(p.id)}
    gaps = sum(1 for p in problems if not ledger.measures_of(p.id)) if isinstance(record, FeedbackRecord) else 0
    now = [_latest(ledger, m, round_id) for m in measures.values()]
    return derive_item_state([item_share(m, ledger.state_of(m)) for m in now], ledger.vocab, gaps)


@dataclass(frozen=True)
class AreaProgress:
    ordinal: str
    name: str
    label: str              # （一）name
    problems: int           # problems (not declarations) in the area
    measures: int           # measures addressing one of them (a measure counts in each area it touches)
    closed: int
    overdue: int
    rate: Rate              # measures' completion within the area


@dataclass(frozen=True)
class Figures:
    feedback: int
    problems: int
    declarations: int
    causes: int
    measures: int
    problem_count_text: str           # 12 个问题 + 4 项说明事项
    statuses: tuple[StatusCount, ...]  # vocabulary order, zero counts included
    not_started: int
    in_progress: int                  # started and not closed: never includes 未启动
    closed: int
    signed_off: int
    lights: tuple[LightCount, ...]     # 逾期, 临期, 正常, 已完成
    rates: tuple[Rate, Rate, Rate]     # measures, problems, feedback
    areas: tuple[AreaProgress, ...]
    area_note: str
    carried_in: int = 0               # 承接事项: measures continuing an earlier round's (承接自)
    carried_out: int = 0              # measures handed over to a later round
    repeat_feedback: int = 0          # 屡查屡犯: feedback items / problems repeating an earlier round's
    repeat_problems: int = 0
    completion: Completion | None = None   # states, counts, both rates (completion()); rates are its 完成率
    carried_problems: int = 0         # earlier rounds' problems / feedback items counted here (carried work)
    carried_feedback: int = 0

    @property
    def basic_rates(self) -> tuple[Rate, Rate, Rate]:
        """完成及基本完成率 of measures, problems, feedback."""
        c = self.completion
        return (c.measures.basic_rate, c.problems.basic_rate, c.feedback.basic_rate) if c else ()

    @property
    def repeats(self) -> int:
        return self.repeat_feedback + self.repeat_problems

    def rate(self, name: str) -> Rate:
        return next(r for r in self.rates if r.name == name)

    def light(self, light: str) -> int:
        return next(c.count for c in self.lights if c.light == light)

    @property
    def overdue(self) -> int:
        return self.light(RED)

    @property
    def due_soon(self) -> int:
        return self.light(YELLOW)


# A scope's figures are made once: the site's dashboard, lists, trace and report
# (and the round pages) each state them, from the same scope.
FIGURES_ONCE = True   # False: worked out anew on each call (tests compare)


def figures(ledger: Ledger, scope: Scope) -> Figures:
    if FIGURES_ONCE:
        return _once(ledger, scope, "figures", _figures)
    return _figures(ledger, scope)


def _once(ledger: Ledger, scope: Scope, what: str, make):
    """make(ledger, scope), kept in the scope (Scope.made) for the next page that asks."""
    if ledger is not scope.ledger:
        return make(ledger, scope)
    made = scope.made(what)
    if what not in made:
        made[what] = make(ledger, scope)
    return made[what]


def _figures(ledger: Ledger, scope: Scope) -> Figures:
    vocab = ledger.vocab
    measures, problems, feedback = scope.measures, scope.problems, scope.feedback
    order = vocab.status_order()
    counts = Counter(ledger.state_of(m) for m in measures if m.status)
    total = len(measures)
    statuses = tuple(StatusCount(s, vocab.label("statuses", s), counts.get(s, 0),
                                 counts.get(s, 0) / total if total else 0.0) for s in order)
    closed = sum(n for s, n in counts.items() if vocab.is_closed(s))
    not_started = counts.get(order[0], 0)
    lights = Counter(ledger.lights.get(m.id) for m in measures)
    stale = Counter(ledger.lights.get(m.id) for m in measures if _is_stale(ledger, m))
    declarations = len(scope.declarations)
    count_text = (vocab.phrase("problem_count_with_declarations", problems=len(problems), declarations=declarations)
                  if declarations else vocab.phrase("problem_count", problems=len(problems)))
    done = completion(ledger, scope)
    rates = (done.measures.rate, done.problems.rate, done.feedback.rate)
    return Figures(
        feedback=len(feedback), problems=len(problems), declarations=declarations, causes=len(scope.causes),
        measures=total, problem_count_text=count_text, statuses=statuses,
        not_started=not_started,
        in_progress=sum(n for s, n in counts.items() if s != order[0] and not vocab.is_closed(s)),
        closed=closed, signed_off=sum(1 for m in measures if m.status == "signed_off"),
        lights=tuple(LightCount(l, _light_count_label(vocab, l, stale.get(l, 0)), lights.get(l, 0)) for l in LIGHT_ORDER
                     if l != PENDING or lights.get(l)),      # 待补充 only while drafts lack a deadline
        rates=rates, areas=_areas(ledger, scope), area_note=vocab.phrase("area_counting"),
        carried_in=len(scope.carried_in), carried_out=len(scope.carried_out),
        repeat_feedback=len(scope.repeat_feedback), repeat_problems=len(scope.repeat_problems),
        completion=done, carried_problems=len(scope.carried_problems), carried_feedback=len(scope.carried_feedback),
    )


def _areas(ledger: Ledger, scope: Scope) -> tuple[AreaProgress, ...]:
    in_scope = {m.id for m in scope.measures}
    rows = []
    for ordinal, name in scope.areas():
        problems = [p for p in scope.problems if p.area == ordinal]
        if not problems:
            continue
        ids = sorted({m.id for p in problems for m in ledger.measures_of(p.id) if m.id in in_scope})
        measures = [ledger.records[i] for i in ids]
        closed = sum(1 for m in measures if is_closed(ledger, m))
        overdue = sum(1 for m in measures if ledger.lights.get(m.id) == RED)
        rows.append(AreaProgress(ordinal, name, area_label(ordinal, name), len(problems), len(measures), closed,
                                 overdue, _rate(ledger.vocab, "measures", closed, len(measures))))
    return tuple(rows) + _carried_areas(ledger, scope, in_scope)


def _carried_areas(ledger: Ledger, scope: Scope, in_scope: set[str]) -> tuple[AreaProgress, ...]:
    """Earlier rounds' areas of the carried problems this round counts, each with
    this round's measures doing their work (承接): labelled with that round."""
    groups: dict[tuple, list[ProblemRecord]] = {}
    for p in scope.carried_problems:
        groups.setdefault((p.round or "", p.area or ""), []).append(p)
    rows = []
    for (round_id, ordinal), problems in groups.items():
        rnd = ledger.get(round_id)
        name = ledger.area_name(problems[0], ordinal) if ordinal else ""
        measures = _unique(m for p in problems for m in scope.counted_measures(p) if m.id in in_scope)
        closed = sum(1 for m in measures if is_closed(ledger, m))
        overdue = sum(1 for m in measures if ledger.lights.get(m.id) == RED)
        label = ledger.vocab.phrase("ledger_carried_area", round=rnd.title if rnd is not None else round_id,
                                    area=area_label(ordinal, name) if ordinal else "")
        rows.append(AreaProgress(ordinal, name, label, len(problems), len(measures), closed, overdue,
                                 _rate(ledger.vocab, "measures", closed, len(measures))))
    return tuple(rows)


# -- rows ------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskRow:
    number: int
    measure: Ref
    problems: tuple[Ref, ...]
    areas: tuple[str, ...]           # （一）name of each area its problems lie in
    leader: tuple[str, ...]
    unit: tuple[str, ...]
    owner: tuple[str, ...]
    measure_type: str | None
    measure_type_label: str
    deadline: dt.date | None
    long_term: bool
    deadline_text: str               # date, 长期坚持 or ""
    days_left: int | None
    note: str                        # 逾期 3 天 / 剩 5 天 for open dated measures, else ""
    status: str | None               # the state every figure counts (ledger.state_of: the 长期坚持 rule applied)
    status_label: str
    light: str | None
    light_label: str
    light_text: str                  # 逾期 3 天 / 临期（剩 5 天）/ 正常 / 已完成
    closed: bool
    completed_on: dt.date | None
    signed_off_by: str | None
    signed_off_on: dt.date | None
    progress: int                    # number of progress entries
    evidence: int                    # number of evidence items
    text: str = ""                   # the measure's own text (its body as plain text)
    latest_progress: str = ""        # the last progress entry: "YYYY-MM-DD text"
    evidence_names: tuple[str, ...] = ()
    signoff: str = ""                # "YYYY-MM-DD who 销号" once signed off
    state: str | None = None         # the state it counts as (a stale 长期坚持 one is 正在整改)
    state_label: str = ""
    adjusted_deadline: dt.date | None = None   # 调整后时限: drives light and days; deadline stays shown
    late_days: int | None = None     # closed this many days after the deadline in force (逾期完成)


def _answered(ledger: Ledger, measure: MeasureRecord) -> list[Record]:
    """The problems a measure addresses; a carried one's are its originals' (承接自)."""
    own = ledger.targets(measure, "problems")
    if own or not ledger.carried_from(measure):
        return own
    return _unique(p for m in _originals(ledger, measure) for p in ledger.targets(m, "problems"))


def progress_line(entry) -> str:
    """One progress entry as one line: its date and text."""
    return f"{entry.on.isoformat()} {entry.text}"


def signoff_text(measure: MeasureRecord, vocab) -> str:
    """销号情况 of a measure: date and who, then 销号; "" when not signed off."""
    if not (measure.signed_off_on or measure.signed_off_by):
        return ""
    parts = (measure.signed_off_on.isoformat() if measure.signed_off_on else "", measure.signed_off_by or "")
    return vocab.phrase("signoff_text", when=" ".join(x for x in parts if x))


def _latest_progress(measures) -> str:
    entries = [p for m in measures for p in m.progress]
    return progress_line(max(entries, key=lambda p: p.on)) if entries else ""


def _progress_with_original(ledger: Ledger, measure: MeasureRecord) -> str:
    """The measure's last progress entry; a carried one without any yet shows its
    original's, marked 承接前（LC-001 CS-003）： as the ledger sheet does."""
    own = _latest_progress([measure])
    if own:
        return own
    for original in reversed(_originals(ledger, measure)):
        if original.progress:
            before = ledger.vocab.phrase("ledger_before_carry", round_id=original.round, id=original.id)
            return f"{before}：{progress_line(original.progress[-1])}"
    return ""


# A measure's TaskRow depends on the ledger alone, its number on the list it is in:
# each measure's row is made once per Scope (the 任务清单, each 责任清单 group a
# measure is in, the sheets) and numbered per list (TASK_ROWS_ONCE; False: made
# for every list, as tests/test_exports.py and tests/test_views.py compare).
TASK_ROWS_ONCE = True


def task_rows(ledger: Ledger, measures, scope: Scope | None = None) -> tuple[TaskRow, ...]:
    """The measures' rows, numbered from 1; with a `scope` of this ledger, each
    measure's row is made once in that scope."""
    if scope is None or scope.ledger is not ledger or not TASK_ROWS_ONCE:
        return tuple(_task_row(ledger, m, number) for number, m in enumerate(measures, start=1))
    made = scope.made("task rows")
    rows = []
    for number, m in enumerate(measures, start=1):
        row = made.get(m.id)
        if row is None:
            row = made[m.id] = _task_row(ledger, m, number)
        elif row.number != number:
            row = _numbered(row, number)
        rows.append(row)
    return tuple(rows)


def _numbered(row: TaskRow, number: int) -> TaskRow:
    """The same row under another number (dataclasses.replace, without its __init__)."""
    new = object.__new__(TaskRow)
    new.__dict__.update(row.__dict__)
    new.__dict__["number"] = number
    return new


def _task_row(ledger: Ledger, m: MeasureRecord, number: int) -> TaskRow:
    vocab = ledger.vocab
    light = ledger.lights.get(m.id)
    areas = tuple(area_label(a, ledger.area_name(m, a)) for a in ledger.areas_of_measure(m))
    return TaskRow(
        number=number, measure=Ref.of(m), problems=_refs(_answered(ledger, m)), areas=areas,
        leader=m.leader, unit=m.unit, owner=m.owner, measure_type=m.measure_type,
        measure_type_label=vocab.label("measure_types", m.measure_type) if m.measure_type else "",
        deadline=m.deadline, long_term=m.long_term, deadline_text=deadline_text(ledger, m),
        days_left=ledger.days_left(m), note=measure_note(ledger, m),
        status=ledger.state_of(m), status_label=status_label(vocab, ledger.state_of(m)),
        light=light, light_label=light_label(ledger, m),
        light_text=light_text(ledger, m), closed=is_closed(ledger, m), completed_on=m.completed_on,
        signed_off_by=m.signed_off_by, signed_off_on=m.signed_off_on,
        progress=len(m.progress), evidence=len(m.evidence),
        text=plain_text(m.body), latest_progress=_progress_with_original(ledger, m),
        evidence_names=tuple(e.name for e in m.evidence), signoff=signoff_text(m, vocab),
        state=ledger.state_of(m), state_label=status_label(vocab, ledger.state_of(m)),
        adjusted_deadline=effective_deadline(m) if effective_deadline(m) != m.deadline else None,
        late_days=late_days(ledger, m),
    )


@dataclass(frozen=True)
class ProblemRow:
    number: int
    problem: Ref
    area: str | None
    area_label: str
    declaration: bool
    feedback: tuple[Ref, ...]
    feedback_quotes: tuple[str, ...]   # each feedback item's 反馈原文 (or title)
    causes: tuple[Ref, ...]
    measures: tuple[Ref, ...]
    status: str | None                # derived from its measures
    status_label: str                 # 尚无整改措施 when it has none
    light: str | None
    light_label: str
    closed: bool
    leaders: tuple[str, ...]          # of its measures, sorted
    units: tuple[str, ...]
    earliest_open_deadline: dt.date | None   # earliest dated deadline among open measures
    measure_types: tuple[str, ...] = ()      # labels of its measures' types, in vocabulary order
    deadline_text: str = ""                  # the earliest open deadline, else 长期坚持 / the last deadline
    deadline_sort: str = ""
    latest_progress: str = ""                # the latest progress entry among its measures
    evidence_names: tuple[str, ...] = ()     # its measures' evidence
    signoff: str = ""                        # 已销号 when all its measures are, else how many of them


def _problem_deadline(ledger: Ledger, measures) -> tuple[str, str]:
    """(text, sort key): the earliest dated deadline of an open measure; else
    长期坚持 if an open one is long-term; once all are closed, the latest
    deadline they had (长期坚持 if only long-term ones)."""
    open_ = [m for m in measures if not is_closed(ledger, m)]
    group = open_ or list(measures)
    dates = [m.deadline for m in group if m.deadline and not m.long_term]
    if dates:
        day = min(dates) if open_ else max(dates)
        return day.isoformat(), day.isoformat()
    if any(m.long_term for m in group):
        return ledger.vocab.long_term_deadline, "9999-99-99"
    return "", ""


def _problem_signoff(ledger: Ledger, measures) -> str:
    signed = [m for m in measures if m.status == "signed_off"]
    if not signed:
        return ""
    if len(signed) == len(measures):
        return ledger.vocab.label("statuses", "signed_off")
    return ledger.vocab.phrase("signed_off_part", done=len(signed), total=len(measures))


def problem_rows(ledger: Ledger, problems, scope: Scope | None = None, start: int = 1) -> tuple[ProblemRow, ...]:
    """With `scope`, an earlier round's problem carried into it shows the measures
    continuing its work there and the state it counts in (Scope.counted_state)."""
    vocab = ledger.vocab
    rows = []
    for number, p in enumerate(problems, start=start):
        measures = scope.counted_measures(p) if scope else ledger.measures_of(p.id)
        feedback = ledger.targets(p, "feedback")
        status = scope.counted_state(p) if scope else ledger.problem_status.get(p.id)
        light = worst_light(ledger.lights.get(m.id) for m in measures)
        open_dates = [m.deadline for m in measures if m.deadline and not is_closed(ledger, m)]
        deadline = _problem_deadline(ledger, measures)
        rows.append(ProblemRow(
            number=number, problem=Ref.of(p), area=p.area,
            area_label=area_label(p.area, ledger.area_name(p, p.area)) if p.area else "",
            declaration=p.is_declaration, feedback=_refs(feedback),
            feedback_quotes=tuple(f.quote or f.title for f in feedback),
            causes=_refs(ledger.targets(p, "causes")), measures=_refs(measures),
            status=status, status_label=status_label(vocab, status, vocab.phrase("no_measures")),
            light=light, light_label=worst_light_label(ledger, measures),
            closed=status is not None and vocab.is_closed(status),
            leaders=tuple(sorted({x for m in measures for x in m.leader})),
            units=tuple(sorted({x for m in measures for x in m.unit})),
            earliest_open_deadline=min(open_dates) if open_dates else None,
            measure_types=tuple(vocab.label("measure_types", t) for t in vocab.enums["measure_types"]
                                if any(m.measure_type == t for m in measures)),
            deadline_text=deadline[0], deadline_sort=deadline[1],
            latest_progress=_latest_progress(measures),
            evidence_names=tuple(e.name for m in measures for e in m.evidence),
            signoff=_problem_signoff(ledger, measures),
        ))
    return tuple(rows)


@dataclass(frozen=True)
class FeedbackRow:
    number: int
    feedback: Ref
    quote: str
    area: str | None
    area_label: str
    problems: tuple[Ref, ...]         # problems proper answering it (declarations left out)
    causes: tuple[Ref, ...]
    measures: tuple[Ref, ...]
    status: str | None                # derived from its problems
    status_label: str                 # 尚无查摆问题回应 when no problem answers it
    light: str | None
    closed: bool
    evidence: int                     # evidence items of its measures
    closeable: bool                   # has measures and every one is 已销号 (对账销号)
    gap: bool                         # no problem, or a problem without measures
    not_task: str = ""                # 非整改任务: the reason it is not counted, else ""


@dataclass(frozen=True)
class DeclarationRow:
    """说明事项 (a problem record whose 性质 is 说明事项): the sheet of that name."""

    number: int
    declaration: Ref
    area: str | None
    area_label: str                   # （一）name
    text: str                         # its body as plain text


def declaration_rows(ledger: Ledger, declarations) -> tuple[DeclarationRow, ...]:
    return tuple(DeclarationRow(number, Ref.of(p), p.area, area_label(p.area, ledger.area_name(p, p.area)),
                                plain_text(p.body))
                 for number, p in enumerate(declarations, start=1))


# The 对照表 and the 对账 page list the same feedback rows, the 问题清单 and the
# 对照表 the same problem rows: made once per scope.
ROWS_ONCE = True   # False: each page makes its own (tests compare)


def own_problem_rows(ledger: Ledger, scope: Scope) -> tuple[ProblemRow, ...]:
    """problem_rows(ledger, scope.problems)."""
    if ROWS_ONCE:
        return _once(ledger, scope, "own problem rows", lambda led, s: problem_rows(led, s.problems))
    return problem_rows(ledger, scope.problems)


def own_feedback_rows(ledger: Ledger, scope: Scope) -> tuple[FeedbackRow, ...]:
    """feedback_rows(ledger, scope.feedback)."""
    if ROWS_ONCE:
        return _once(ledger, scope, "own feedback rows", lambda led, s: feedback_rows(led, s.feedback))
    return feedback_rows(ledger, scope.feedback)


def feedback_rows(ledger: Ledger, feedback, scope: Scope | None = None, start: int = 1) -> tuple[FeedbackRow, ...]:
    """With `scope`, an earlier round's feedback item carried into it shows the
    measures continuing its work there and the state it counts in."""
    rows = []
    for number, f in enumerate(feedback, start=start):
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if not p.is_declaration]
        measures = _unique(m for p in problems for m in (scope.counted_measures(p) if scope else ledger.measures_of(p.id)))
        causes = _unique(c for p in problems for c in ledger.targets(p, "causes"))
        status = scope.counted_state(f) if scope else ledger.feedback_status.get(f.id)
        rows.append(FeedbackRow(
            number=number, feedback=Ref.of(f), quote=f.quote or f.title, area=f.area,
            area_label=area_label(f.area, ledger.area_name(f, f.area)) if f.area else "",
            problems=_refs(problems), causes=_refs(causes), measures=_refs(measures),
            status=status, status_label=(status_label(ledger.vocab, status, ledger.vocab.phrase("no_problems"))
                                         if scope and scope.is_carried(f) else state_label(ledger, f)),
            light=worst_light(ledger.lights.get(m.id) for m in measures),
            closed=status is not None and ledger.vocab.is_closed(status),
            evidence=sum(len(m.evidence) for m in measures),
            closeable=bool(measures) and all(m.status == "signed_off" for m in measures),
            gap=not not_a_task(f) and (not problems or any(not ledger.measures_of(p.id) for p in problems)),
            not_task=str(f.value("not_task") or ""),
        ))
    return tuple(rows)


def _unique(records) -> list:
    seen: dict[str, Record] = {}
    for r in records:
        seen.setdefault(r.id, r)
    return [seen[i] for i in sorted(seen)]


@dataclass(frozen=True)
class CarriedRow:
    """承接事项: a carried measure of this round beside the earlier round's
    measure it continues and what that one answered there."""

    number: int
    measure: Ref                      # this round's measure (承接自 …)
    original: Ref                     # the earlier round's measure it continues
    original_round: str               # that round's name（编号）
    feedback: tuple[Ref, ...]         # feedback items the original answered (through its problems)
    problems: tuple[Ref, ...]         # problems the original addressed
    measure_type_label: str
    deadline: dt.date | None          # the original deadline (整改时限 as written)
    long_term: bool
    original_deadline_text: str       # that date, or 长期坚持
    current_deadline: dt.date | None  # this round's 整改时限 as written (a carried measure may get a new one)
    adjusted_deadline: dt.date | None  # 调整后时限 (drives the light and the days)
    adjust_reason: str
    overdue_days: int | None          # days past the deadline in force, while open; else None
    status: str | None                # the state it counts as (ledger.state_of)
    status_label: str
    light: str | None
    latest_progress: str              # the last progress entry, its own or the original's


def _round_name(ledger: Ledger, record: Record) -> str:
    rnd = ledger.round_of(record)
    return f"{rnd.title}（{rnd.id}）" if rnd else (record.round or "")


def carried_rows(ledger: Ledger, measures) -> tuple[CarriedRow, ...]:
    """One row per (carried measure, original) pair: the 承接事项 page and sheet."""
    vocab = ledger.vocab
    rows = []
    for m in measures:
        for original in ledger.carried_from(m):
            problems = ledger.targets(original, "problems")
            feedback = {f.id: f for p in problems for f in ledger.targets(p, "feedback")}
            days = ledger.days_left(m)
            overdue = (-days if days is not None and days < 0 and not m.long_term and not is_closed(ledger, m)
                       else None)
            adjusted = effective_deadline(m)
            reason = m.value("adjust_reason")
            rows.append(CarriedRow(
                number=len(rows) + 1, measure=Ref.of(m), original=Ref.of(original),
                original_round=_round_name(ledger, original),
                feedback=_refs(feedback[i] for i in sorted(feedback)), problems=_refs(problems),
                measure_type_label=vocab.label("measure_types", m.measure_type) if m.measure_type else "",
                deadline=original.deadline, long_term=original.long_term,
                original_deadline_text=(vocab.long_term_deadline if original.long_term else
                                        original.deadline.isoformat() if original.deadline else ""),
                current_deadline=None if m.long_term else m.deadline,
                adjusted_deadline=adjusted if adjusted != m.deadline else None,
                adjust_reason=reason if isinstance(reason, str) else "",
                overdue_days=overdue, status=ledger.state_of(m), status_label=status_label(vocab, ledger.state_of(m)),
                light=ledger.lights.get(m.id), latest_progress=_latest_progress([m, original]),
            ))
    return tuple(rows)


@dataclass(frozen=True)
class HandoverRow:
    """转入后续: a measure of this round handed over to a later round (another
    measure's 承接自 names it), beside the measure continuing it there."""

    number: int
    measure: Ref                      # this round's measure
    status: str | None                # the state it counts as here (ledger.state_of)
    status_label: str
    light: str | None
    later: tuple[Ref, ...]            # the later rounds' measures continuing it
    later_round: str                  # their round's name（编号）
    later_status: str | None          # the state of the last of them
    later_status_label: str


def handover_rows(ledger: Ledger, measures) -> tuple[HandoverRow, ...]:
    """The 转入后续 table of 承接事项 (vocabulary tables.carried_out)."""
    vocab = ledger.vocab
    rows = []
    for m in measures:
        later = ledger.carried_into(m.id)
        if not later:
            continue
        last = ledger.state_of(later[-1])
        rows.append(HandoverRow(
            number=len(rows) + 1, measure=Ref.of(m), status=ledger.state_of(m),
            status_label=status_label(vocab, ledger.state_of(m)), light=ledger.lights.get(m.id),
            later=_refs(later), later_round="、".join(dict.fromkeys(_round_name(ledger, n) for n in later)),
            later_status=last, later_status_label=status_label(vocab, last)))
    return tuple(rows)


@dataclass(frozen=True)
class Group:
    field: str                  # leader | unit
    name: str                   # the leader or unit; （未填写） when a measure names none
    tasks: tuple[TaskRow, ...]
    closed: int
    overdue: int

    @property
    def count(self) -> int:
        return len(self.tasks)


def responsibility_groups(ledger: Ledger, measures, field: str, scope: Scope | None = None) -> tuple[Group, ...]:
    """Measures by 责任领导 or 责任单位; a measure with several is listed under each
    (its row made once in `scope`, see task_rows)."""
    groups: dict[str, list[MeasureRecord]] = defaultdict(list)
    for m in measures:
        for name in getattr(m, field) or (ledger.vocab.phrase("not_filled"),):
            groups[name].append(m)
    out = []
    for name, ms in sorted(groups.items()):
        tasks = task_rows(ledger, ms, scope)
        out.append(Group(field, name, tasks, sum(1 for t in tasks if t.closed),
                         sum(1 for t in tasks if t.light == RED)))
    return tuple(out)

