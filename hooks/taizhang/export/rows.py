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

FEEDBACK_COLUMNS = ("number", "feedback")     # merged over a feedback item's rows
PROBLEM_COLUMNS = ("problem", "cause")        # merged over a problem's rows (within one feedback item)



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


def ledger_blocks(ledger: Ledger, scope: Scope, repeat_in_full: bool = True) -> list[AreaBlock]:
    """The rows grouped by area, in the round's area order."""
    in_scope = {r.id for kind in ("feedback", "problem", "measure") for r in scope.of(kind)}
    areas = scope.areas()
    area_order = {ordinal: i for i, (ordinal, _) in enumerate(areas)}
    feedback = sorted(scope.feedback, key=lambda f: (area_order.get(f.area, len(areas)), _id_key(f.id)))
    number = 0
    rows_by_area: dict[str, list[LedgerRow]] = {}
    first_seen: dict[str, int | None] = {}     # record id -> 序号 of its first row

    def once(cells, record) -> dict:
        """The record's cells in full the first time, else shortened (only the one needed is made)."""
        record_id = record.id
        if repeat_in_full or record_id not in first_seen:
            first_seen.setdefault(record_id, number if current_feedback else None)
            return cells(ledger, record)
        where = first_seen[record_id]
        same = ledger.vocab.phrase("ledger_same_at", number=where) if where else ledger.vocab.phrase("ledger_same")
        return {k: (v.replace(SAME, same) if isinstance(v, str) else v) for k, v in cells(ledger, record, short=True).items()}

    def measures_of(problem: ProblemRecord) -> list[MeasureRecord]:
        if scope.is_carried(problem):        # its measures now: this round's carried ones, the earlier closed ones
            return scope.counted_measures(problem)
        return [m for m in ledger.measures_of(problem.id) if m.id in in_scope]

    def add(area, f, p, m, cells, gaps=()):
        light = ledger.lights.get(m.id) if m else None
        rows_by_area.setdefault(area or "", []).append(
            LedgerRow(area or "", f, p, m, cells, frozenset(gaps), light))

    def problem_rows(area, f, f_cells, problem):
        p_cells = once(lambda lg, r, short=False: _problem_cells(lg, r, short, scope), problem)
        measures = measures_of(problem)
        if not measures:
            add(area, f, problem, None, {**f_cells, **p_cells, "measure": f"（{ledger.vocab.phrase('no_measures')}）"}, {"measure"})
        for m in measures:
            placed.add(m.id)
            cells = once(measure_cells, m)
            add(area, f, problem, m, {**f_cells, **p_cells, **cells})

    placed: set[str] = set()
    current_feedback = None
    for f in feedback:
        number += 1
        current_feedback = f
        f_cells = _feedback_cells(ledger, f, number)
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if p.id in in_scope]
        answered = [p for p in problems if not p.is_declaration]
        if not answered:
            declared = [p.id for p in problems if p.is_declaration]
            marker = (ledger.vocab.phrase("ledger_declared", ids="、".join(declared)) if declared
                      else f"（{ledger.vocab.phrase('no_problems')}）")
            if not_a_task(f):      # 非整改任务: its reason, not a gap
                add(f.area, f, None, None, {**f_cells, "problem": ledger.vocab.phrase("ledger_not_task", reason=f.value("not_task"))})
                continue
            add(f.area, f, None, None, {**f_cells, "problem": marker}, {"problem"})
        for p in sorted(answered, key=lambda p: _id_key(p.id)):
            problem_rows(f.area, f, f_cells, p)
    feedback_ids = {f.id for f in feedback}
    current_feedback = None
    for p in sorted(scope.problems, key=lambda p: (area_order.get(p.area, len(areas)), _id_key(p.id))):
        if not any(l.target in feedback_ids for l in p.feedback):
            problem_rows(p.area, None, {"feedback": ledger.vocab.phrase("ledger_no_feedback")}, p)
    carried_blocks = _carried_blocks(ledger, scope)
    for key, items in carried_blocks:
        for f, problems in items:
            if f is None:
                current_feedback = None
                for p in problems:
                    problem_rows(key, None, {"feedback": ledger.vocab.phrase("ledger_no_feedback")}, p)
                continue
            number += 1
            current_feedback = f
            f_cells = _feedback_cells(ledger, f, number, scope)
            for p in problems:
                problem_rows(key, f, f_cells, p)
    for m in scope.measures:
        if m.id not in placed and not any(l.target in in_scope for l in m.problems):
            add("", None, None, m, {"problem": ledger.vocab.phrase("ledger_no_problem"), **measure_cells(ledger, m)}, {"problem"})
    blocks = [AreaBlock(ordinal, f"{ordinal}、{name}" if name != ordinal else ordinal, tuple(rows_by_area[ordinal]))
              for ordinal, name in areas if rows_by_area.get(ordinal)]
    blocks += [AreaBlock(key, _carried_area_name(ledger, key), tuple(rows_by_area[key]))
               for key, _ in carried_blocks if rows_by_area.get(key)]
    if rows_by_area.get(""):
        blocks.append(AreaBlock("", ledger.vocab.phrase("ledger_other_area"), tuple(rows_by_area[""])))
    return blocks


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


def measure_cells(ledger: Ledger, m: MeasureRecord, short: bool = False) -> dict:
    vocab = ledger.vocab
    body = SAME if short else plain_text(m.body)
    light = ledger.lights.get(m.id)
    state = ledger.state_of(m)        # the state every figure counts (a stale 长期坚持 one is 正在整改)
    completion = [vocab.label("statuses", state)] if state else []
    if light and light != DONE:
        completion.append(light_text(ledger, m))      # the one days-left wording (views)
    if m.completed_on:
        completion.append(vocab.phrase("completed_on_text", date=m.completed_on.isoformat()))
    if late_text(ledger, m):
        completion.append(late_text(ledger, m))       # 逾期 10 天完成
    progress = [f"{p.on.isoformat()} {p.text}" for p in m.progress]
    evidence = [e.name for e in m.evidence]
    for original in ledger.carried_from(m):   # 承接自: the original's state, shown (kept there, not copied)
        before = vocab.phrase("ledger_before_carry", round_id=original.round, id=original.id)
        if original.progress:
            last = original.progress[-1]
            progress.append(f"{before}：{last.on.isoformat()} {last.text}")
        evidence += [f"{before}：{e.name}" for e in original.evidence]
    signoff = ""
    if m.signed_off_on or m.signed_off_by:
        signoff = vocab.phrase("signoff_text", when=" ".join(
            x for x in (m.signed_off_on.isoformat() if m.signed_off_on else "", m.signed_off_by or "") if x))
    has_signoff_column = any(c.name == "signoff" for c in vocab.ledger_columns)
    deadline: str | dt.date = vocab.long_term_deadline if m.long_term else (m.deadline or "")
    if m.value("adjusted_deadline"):
        deadline = deadline_text(ledger, m)           # 2023-07-31（调整后时限 2023-09-30）: both stay visible
    fields = {name: field_text(ledger, m, name) for name in vocab.fields_of("measure")}
    return {
        **fields,      # any measure field is a column too (ledger_columns in taizhang.yml)
        "measure": f"{m.id} {m.title}" + (f"\n{body}" if body else ""),
        "leader": "\n".join(m.leader),
        "unit": "\n".join(m.unit),
        "owner": "\n".join(m.owner),
        "deadline": deadline,
        "progress": SAME if short and progress else "\n".join(progress),
        # 销号 goes into 完成情况 unless the layout has its own 销号情况 column
        "completion": "\n".join(completion + ([signoff] if signoff and not has_signoff_column else [])),
        "evidence": SAME if short and evidence else "\n".join(evidence),
        "signoff": signoff,
    }
