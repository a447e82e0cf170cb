"""The official ledger layout as rows: one per measure, grouped by problem.

A measure may address several problems; it is listed once, under the first
problem it names (its cell says which others it also addresses), so every
measure appears exactly once. Problems without measures get a row too, so
the gap shows. Rows are ordered by area, problem, measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.export.text import plain_text
from taizhang.link import DONE, Ledger
from taizhang.model import MeasureRecord, ProblemRecord
from taizhang.views import Scope

GROUP_COLUMNS = ("feedback", "problem", "cause")   # merged across a problem's rows


@dataclass(frozen=True)
class LedgerRow:
    group: str                     # problem id the row is listed under
    measure: MeasureRecord | None
    cells: dict                    # column name -> text
    light: str | None


def ledger_rows(ledger: Ledger, scope: Scope) -> list[LedgerRow]:
    area_order = {ordinal: i for i, (ordinal, _) in enumerate(scope.areas())}
    problems = sorted(scope.problems, key=lambda p: (area_order.get(p.area, 99), p.id))
    primary: dict[str, list[MeasureRecord]] = {}
    for m in scope.measures:
        targets = ledger.targets(m, "problems")
        if targets:
            primary.setdefault(targets[0].id, []).append(m)
    rows, number = [], 0
    for problem in problems:
        group = _group_cells(ledger, problem)
        measures = primary.get(problem.id, [])
        if not measures and not ledger.measures_of(problem.id):
            rows.append(LedgerRow(problem.id, None, {**group, "measure": f"（{ledger.vocab.phrase('no_measures')}）"}, None))
        for m in measures:
            number += 1
            cells = {**group, "number": str(number), **measure_cells(ledger, m, problem)}
            rows.append(LedgerRow(problem.id, m, cells, ledger.lights.get(m.id)))
    orphans = [m for m in scope.measures if not ledger.targets(m, "problems")]
    for m in orphans:
        number += 1
        rows.append(LedgerRow("", m, {"number": str(number), **measure_cells(ledger, m, None)}, ledger.lights.get(m.id)))
    return rows


def _group_cells(ledger: Ledger, problem: ProblemRecord) -> dict:
    feedback = "\n".join(f"{f.id} {f.quote or f.title}" for f in ledger.targets(problem, "feedback"))
    body = plain_text(problem.body)
    return {
        "feedback": feedback,
        "problem": f"{problem.id} {problem.title}" + (f"\n{body}" if body else ""),
        "cause": "\n".join(f"{c.id} {c.title}" for c in ledger.targets(problem, "causes")),
    }


def measure_cells(ledger: Ledger, m: MeasureRecord, listed_under: ProblemRecord | None) -> dict:
    vocab = ledger.vocab
    others = [p.id for p in ledger.targets(m, "problems") if listed_under is None or p.id != listed_under.id]
    body = plain_text(m.body)
    measure = f"{m.id} {m.title}" + (f"\n{body}" if body else "")
    if others:
        measure += f"\n（同时整改 {'、'.join(others)}）"
    light = ledger.lights.get(m.id)
    completion = vocab.label("statuses", m.status) if m.status else ""
    if light and light != DONE:
        days = ledger.days_left(m)
        completion += f"，{vocab.label('lights', light)}" + (f"（{-days} 天）" if days is not None and days < 0 else "")
    if m.completed_on:
        completion += f"，{m.completed_on.isoformat()} 完成"
    signoff = ""
    if m.signed_off_on or m.signed_off_by:
        signoff = f"{m.signed_off_on.isoformat() if m.signed_off_on else ''} {m.signed_off_by or ''}".strip() + " 销号"
    return {
        "measure": measure,
        "leader": "、".join(m.leader),
        "unit": "、".join(m.unit),
        "owner": "、".join(m.owner),
        "deadline": vocab.long_term_deadline if m.long_term else (m.deadline.isoformat() if m.deadline else ""),
        "progress": "\n".join(f"{p.on.isoformat()} {p.text}" for p in m.progress),
        "completion": completion,
        "evidence": "\n".join(e.name for e in m.evidence),
        "signoff": signoff,
    }
