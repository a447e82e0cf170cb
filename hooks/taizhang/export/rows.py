"""The official ledger layout as rows: 反馈问题 → 查摆问题 → 整改措施.

One row per (feedback item, problem, measure) path, ordered by area, then
feedback item, problem and measure id. A problem that answers several
feedback items is listed under each of them, and a measure that addresses
several problems is listed under each problem: every block can be checked
off against the feedback letter on its own, and a filter on any column
(责任单位, 整改状态 …) finds every row it should.

With `repeat_in_full=False` (the workbook) the long texts are written once:
a later row of the same problem or measure shows its id and title and
“同上（见序号 N）”, N being the 序号 of the first row; the short columns
(责任领导/单位/人, 整改时限, 完成情况) stay in full on every row. The CSV
repeats everything.

Gaps get a row with a marker: a feedback item no problem answers, a problem
with no measure, a problem that answers no feedback item, a measure that
names no problem. 说明事项 are not problems and are left out (the workbook
lists them on their own sheet).

Cells hold typed values: 序号 an int, 整改时限 a date (or 长期坚持 as text),
everything else text. Writers decide how to store them safely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Mapping

from taizhang.export.text import plain_text
from taizhang.link import DONE, Ledger, not_a_task
from taizhang.model import FeedbackRecord, MeasureRecord, ProblemRecord
from taizhang.views import Scope, deadline_text, field_text, late_text, light_text, state_label, status_label
from taizhang.vocabulary import LEDGER_COLUMNS

FEEDBACK_COLUMNS = ("number", "feedback")     # merged over a feedback item's rows (_feedback_cells)
PROBLEM_COLUMNS = ("problem", "cause")        # merged over a problem's rows (within one feedback item; _problem_cells)
# The rest of the ledger's own columns (the vocabulary's LEDGER_COLUMNS): a measure's (measure_cells).
MEASURE_COLUMNS = tuple(name for name in LEDGER_COLUMNS if name not in FEEDBACK_COLUMNS + PROBLEM_COLUMNS)



@dataclass(frozen=True)
class LedgerRow:
    area: str                       # area ordinal ("" for measures outside any problem)
    feedback: FeedbackRecord | None
    problem: ProblemRecord | None
    measure: MeasureRecord | None
    cells: Mapping[str, object]     # column name -> str | int | date
    gaps: frozenset[str]            # columns holding a gap marker
    light: str | None

    @property
    def feedback_key(self) -> str:
        """Rows with the same key share the merged 序号 and 反馈问题 cells."""
        return f"{self.area}|{self.feedback.id if self.feedback else '-'}"

    @property
    def problem_key(self) -> str:
        return f"{self.feedback_key}|{self.problem.id if self.problem else '-'}"


@dataclass(frozen=True)
class AreaBlock:
    ordinal: str
    name: str
    rows: tuple[LedgerRow, ...]


class _Rows:
    """The ledger's rows by area, as they are made. Unless `repeat_in_full`, a
    problem's or measure's long texts are written in its first row only
    (`first`: record id -> the 序号 of that row, None outside any feedback item)."""

    def __init__(self, ledger: Ledger, scope: Scope, in_scope: set[str], repeat_in_full: bool):
        self.ledger, self.scope, self.in_scope, self.repeat_in_full = ledger, scope, in_scope, repeat_in_full
        self.by_area: dict[str, list[LedgerRow]] = {}
        self.first: dict[str, int | None] = {}
        self.placed: set[str] = set()        # measures already in a row under their problem
        self.made = _made_cells(scope)

    def cells(self, make, record, short: bool) -> dict:
        """make(ledger, record, short=short), made once per scope (see _made_cells)."""
        if not SHARED_CELLS:
            return make(self.ledger, record, short=short)
        key = (record.id, short)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = make(self.ledger, record, short=short)
        return made

    def add(self, area, f, p, m, cells, gaps=()) -> None:
        light = self.ledger.lights.get(m.id) if m else None
        self.by_area.setdefault(area or "", []).append(LedgerRow(area or "", f, p, m, cells, frozenset(gaps), light))

    def once(self, cells, record, number: int | None) -> dict:
        """The record's cells in full the first time, else shortened (only the one needed is made)."""
        record_id = record.id
        if self.repeat_in_full or record_id not in self.first:
            self.first.setdefault(record_id, number)
            return self.cells(cells, record, False)
        where = self.first[record_id]
        vocab = self.ledger.vocab
        same = vocab.phrase("ledger_same_at", number=where) if where else vocab.phrase("ledger_same")
        return {k: (v.replace(SAME, same) if isinstance(v, str) else v) for k, v in self.cells(cells, record, True).items()}

    def feedback(self, f: FeedbackRecord, number: int) -> None:
        """A feedback item's rows: one per (problem, measure), or one with why there is none."""
        ledger = self.ledger
        f_cells = _feedback_cells(ledger, f, number)
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if p.id in self.in_scope]
        answered = [p for p in problems if not p.is_declaration]
        if not answered and not_a_task(f):      # 非整改任务: its reason, not a gap
            self.add(f.area, f, None, None, {**f_cells, "problem": ledger.vocab.phrase("ledger_not_task", reason=f.value("not_task"))})
            return
        if not answered:
            declared = [p.id for p in problems if p.is_declaration]
            marker = (ledger.vocab.phrase("ledger_declared", ids="、".join(declared)) if declared
                      else f"（{ledger.vocab.phrase('no_problems')}）")
            self.add(f.area, f, None, None, {**f_cells, "problem": marker}, {"problem"})
        for p in sorted(answered, key=lambda p: _id_key(p.id)):
            self.problem(f.area, f, f_cells, p, number)

    def problem(self, area, f, f_cells: dict, problem: ProblemRecord, number: int | None) -> None:
        """A problem's rows under feedback item `f` (None: it answers none): one per measure, or one marked."""
        scope = self.scope
        p_cells = self.once(lambda ledger, r, short=False: _problem_cells(ledger, r, short, scope), problem, number)
        if scope.is_carried(problem):        # its measures now: this round's carried ones, the earlier closed ones
            measures = scope.counted_measures(problem)
        else:
            measures = [m for m in self.ledger.measures_of(problem.id) if m.id in self.in_scope]
        if not measures:
            no_measures = f"（{self.ledger.vocab.phrase('no_measures')}）"
            self.add(area, f, problem, None, {**f_cells, **p_cells, "measure": no_measures}, {"measure"})
        for m in measures:
            self.placed.add(m.id)
            self.add(area, f, problem, m, {**f_cells, **p_cells, **self.once(measure_cells, m, number)})

    def carried(self, carried_blocks, number: int) -> None:
        """Earlier rounds' feedback items and problems this round counts, under
        their round and area (keys of `_carried_blocks`), numbered on from `number`."""
        ledger = self.ledger
        for key, items in carried_blocks:
            for f, problems in items:
                if f is None:
                    for p in problems:
                        self.problem(key, None, {"feedback": ledger.vocab.phrase("ledger_no_feedback")}, p, None)
                    continue
                number += 1
                f_cells = _feedback_cells(ledger, f, number, self.scope)
                for p in problems:
                    self.problem(key, f, f_cells, p, number)

    def blocks(self, areas, carried_blocks) -> list[AreaBlock]:
        """The rows grouped by area in `areas`' order, then the carried ones, then those outside any area."""
        by_area = self.by_area
        blocks = [AreaBlock(ordinal, f"{ordinal}、{name}" if name != ordinal else ordinal, tuple(by_area[ordinal]))
                  for ordinal, name in areas if by_area.get(ordinal)]
        blocks += [AreaBlock(key, _carried_area_name(self.ledger, key), tuple(by_area[key]))
                   for key, _ in carried_blocks if by_area.get(key)]
        if by_area.get(""):
            blocks.append(AreaBlock("", self.ledger.vocab.phrase("ledger_other_area"), tuple(by_area[""])))
        return blocks


SHARED_CELLS = True   # False: every row's cells made anew (tests compare the files)


def _made_cells(scope: Scope) -> dict:
    """The problem and measure cells made for this scope so far, by (record id,
    short): the workbook (each record in full once, then shortened) and the CSV
    (every row in full) read the same ones, and a record under several
    problems or feedback items is made once. The cells are never changed
    after they are made (rows copy them); the scope, like them, belongs to
    one ledger and one build."""
    return scope.made("ledger cells")


def ledger_blocks(ledger: Ledger, scope: Scope, repeat_in_full: bool = True) -> list[AreaBlock]:
    """The rows grouped by area, in the round's area order."""
    in_scope = {r.id for kind in ("feedback", "problem", "measure") for r in scope.of(kind)}
    areas = scope.areas()
    area_order = {ordinal: i for i, (ordinal, _) in enumerate(areas)}

    def in_order(record):
        return area_order.get(record.area, len(areas)), _id_key(record.id)

    rows = _Rows(ledger, scope, in_scope, repeat_in_full)
    feedback = sorted(scope.feedback, key=in_order)
    for number, f in enumerate(feedback, start=1):
        rows.feedback(f, number)
    feedback_ids = {f.id for f in feedback}
    for p in sorted(scope.problems, key=in_order):
        if not any(link.target in feedback_ids for link in p.feedback):
            rows.problem(p.area, None, {"feedback": ledger.vocab.phrase("ledger_no_feedback")}, p, None)
    carried_blocks = _carried_blocks(ledger, scope)
    rows.carried(carried_blocks, len(feedback))
    for m in scope.measures:
        if m.id not in rows.placed and not any(link.target in in_scope for link in m.problems):
            rows.add("", None, None, m, {"problem": ledger.vocab.phrase("ledger_no_problem"), **measure_cells(ledger, m)}, {"problem"})
    return rows.blocks(areas, carried_blocks)


def _carried_blocks(ledger: Ledger, scope: Scope) -> list[tuple[str, list]]:
    """Earlier rounds' work this round counts (承接): by round and area
    (key "LC-001|二"), each feedback item its carried problems answer with
    those problems, and (feedback None) carried problems answering none."""
    groups: dict[str, dict] = {}
    loose: dict[str, list] = {}
    order: list[str] = []
    for p in scope.carried_problems:
        key = f"{p.round}|{p.area or ''}"
        if key not in groups:
            groups[key] = {}
            order.append(key)
        answered = ledger.targets(p, "feedback")
        for f in answered:
            groups[key].setdefault(f.id, (f, []))[1].append(p)
        if not answered:
            loose.setdefault(key, []).append(p)

    def area_rank(key: str):
        rnd_id, _, area = key.partition("|")
        rnd = ledger.get(rnd_id)
        areas = [a for a, _ in rnd.areas] if rnd is not None and hasattr(rnd, "areas") else []
        return (rnd.feedback_date if rnd is not None else None) or dt.date.min, rnd_id, (
            areas.index(area) if area in areas else len(areas)), area

    result = []
    for key in sorted(order, key=area_rank):
        items = [groups[key][i] for i in sorted(groups[key], key=_id_key)]
        if loose.get(key):
            items.append((None, loose[key]))
        result.append((key, items))
    return result


def _carried_area_name(ledger: Ledger, key: str) -> str:
    rnd_id, _, area = key.partition("|")
    rnd = ledger.get(rnd_id)
    name = dict(rnd.areas).get(area, "") if rnd is not None and hasattr(rnd, "areas") else ""
    return ledger.vocab.phrase("ledger_carried_area", round=rnd.title if rnd is not None else rnd_id,
                               area=f"{area}、{name}" if name and name != area else area)


def filing_unit(ledger: Ledger, scope: Scope) -> str:
    """填报单位: `exports.filing_unit` in taizhang.yml, else the round's 被巡视单位."""
    configured = (ledger.vocab.exports or {}).get("filing_unit")
    return configured or (scope.round.inspected if scope.round and scope.round.inspected else "")


def _id_key(record_id: str):
    prefix, _, number = record_id.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, record_id)


def _status_line(ledger: Ledger, record, missing: str, scope: Scope | None = None) -> str:
    """The derived status (the ledger's, as the dashboard and report show it; a
    carried item's as this round counts it)."""
    if scope is not None and scope.is_carried(record):
        text = status_label(ledger.vocab, scope.counted_state(record), ledger.vocab.phrase(missing))
    else:
        text = state_label(ledger, record) or ledger.vocab.phrase(missing)    # 非整改任务（不计入） too
    return f"（{ledger.vocab.key('status')}：{text}）"


def _feedback_cells(ledger: Ledger, f: FeedbackRecord, number: int, scope: Scope | None = None) -> dict:
    text = f"{f.id} {f.quote or f.title}\n" + _status_line(ledger, f, "no_problems", scope)
    return {"number": number, "feedback": text}


SAME = "\x00same\x00"      # placeholder for “同上（见序号 N）”


def _problem_cells(ledger: Ledger, problem: ProblemRecord, short: bool = False, scope: Scope | None = None) -> dict:
    body = SAME if short else plain_text(problem.body)
    text = f"{problem.id} {problem.title}" + (f"\n{body}" if body else "")
    text += "\n" + _status_line(ledger, problem, "no_measures", scope)
    causes = "\n".join(f"{c.id} {c.title}" for c in ledger.targets(problem, "causes"))
    return {"problem": text, "cause": SAME if short and causes else causes}


def _completion(ledger: Ledger, m: MeasureRecord) -> list[str]:
    """完成情况: the status, its days-left wording, when it was completed and how late."""
    vocab = ledger.vocab
    light = ledger.lights.get(m.id)
    state = ledger.state_of(m)        # the state every figure counts (a stale 长期坚持 one is 正在整改)
    completion = [vocab.label("statuses", state)] if state else []
    if m.status and state and m.status != state:      # what the unit wrote, so nothing it wrote is lost
        completion.append(vocab.phrase("ledger_status_as_filed", status=vocab.label("statuses", m.status)))
    if light and light != DONE:
        completion.append(light_text(ledger, m))      # the one days-left wording (views)
    if m.completed_on:
        completion.append(vocab.phrase("completed_on_text", date=m.completed_on.isoformat()))
    late = late_text(ledger, m)
    if late:
        completion.append(late)                       # 逾期 10 天完成
    return completion


def _progress_and_evidence(ledger: Ledger, m: MeasureRecord) -> tuple[list[str], list[str]]:
    """The measure's progress entries and evidence, then those of the measures it carries on."""
    progress = [f"{p.on.isoformat()} {p.text}" for p in m.progress]
    evidence = [e.name for e in m.evidence]
    for original in ledger.carried_from(m):   # 承接自: the original's state, shown (kept there, not copied)
        before = ledger.vocab.phrase("ledger_before_carry", round_id=original.round, id=original.id)
        if original.progress:
            last = original.progress[-1]
            progress.append(f"{before}：{last.on.isoformat()} {last.text}")
        evidence += [f"{before}：{e.name}" for e in original.evidence]
    return progress, evidence


def _signoff(vocab, m: MeasureRecord) -> str:
    if not (m.signed_off_on or m.signed_off_by):
        return ""
    when = (m.signed_off_on.isoformat() if m.signed_off_on else "", m.signed_off_by or "")
    return vocab.phrase("signoff_text", when=" ".join(x for x in when if x))


def _deadline(ledger: Ledger, m: MeasureRecord) -> str | dt.date:
    if m.value("adjusted_deadline"):
        return deadline_text(ledger, m)           # 2023-07-31（调整后时限 2023-09-30）: both stay visible
    return ledger.vocab.long_term_deadline if m.long_term else (m.deadline or "")


# A measure's fields as cells: only those a ledger column shows and no cell of its own
# (MEASURE_COLUMNS) overrides (COLUMN_FIELDS_ONLY; False: every field of a measure, as
# before; the workbook and the CSV read the cells by their columns' names, tests compare the files).
COLUMN_FIELDS_ONLY = True


def _measure_fields(vocab) -> tuple[str, ...]:
    if not COLUMN_FIELDS_ONLY:
        return vocab.fields_of("measure")
    shown = {c.name for c in vocab.ledger_columns}
    return tuple(name for name in vocab.fields_of("measure") if name in shown and name not in MEASURE_COLUMNS)


def measure_cells(ledger: Ledger, m: MeasureRecord, short: bool = False) -> dict:
    vocab = ledger.vocab
    body = SAME if short else plain_text(m.body)
    completion = _completion(ledger, m)
    progress, evidence = _progress_and_evidence(ledger, m)
    signoff = _signoff(vocab, m)
    if signoff and not any(c.name == "signoff" for c in vocab.ledger_columns):
        completion.append(signoff)     # 销号 goes into 完成情况 unless the layout has its own 销号情况 column
    fields = {name: field_text(ledger, m, name) for name in _measure_fields(vocab)}
    return {
        **fields,      # any measure field is a column too (ledger_columns in taizhang.yml)
        "measure": f"{m.id} {m.title}" + (f"\n{body}" if body else ""),
        "leader": "\n".join(m.leader),
        "unit": "\n".join(m.unit),
        "owner": "\n".join(m.owner),
        "deadline": _deadline(ledger, m),
        "progress": SAME if short and progress else "\n".join(progress),
        "completion": "\n".join(completion),
        "evidence": SAME if short and evidence else "\n".join(evidence),
        "signoff": signoff,
    }
