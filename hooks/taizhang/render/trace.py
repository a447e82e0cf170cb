"""对照表: feedback → problems → causes → measures, with gaps flagged."""

from __future__ import annotations

from taizhang.render.html import Page, block, esc, table
from taizhang.render.marks import repeat_mark
from taizhang.render.scope import Scope


def _links(page: Page, records, gap: str) -> str:
    if not records:
        return f'<span class="tz-gap">{esc(gap)}</span>'
    return "<br>".join(page.link(r) + repeat_mark(page, r) for r in records)


def render_trace(page: Page, scope: Scope) -> str:
    ledger = page.ledger
    rows, gaps = [], 0
    for fb in scope.feedback:
        problems = ledger.linked_from(fb.id, "problem", "feedback")
        causes = _unique(c for p in problems for c in ledger.targets(p, "causes"))
        measures = _unique(m for p in problems for m in ledger.measures_of(p.id))
        if not problems or any(not ledger.measures_of(p.id) for p in problems):
            gaps += 1
        rows.append([page.link(fb) + repeat_mark(page, fb), _links(page, problems, "尚无查摆问题回应"),
                     _links(page, causes, "未剖析原因"), _links(page, measures, "尚无整改措施")])
    parts = ["# 对照表\n",
             block(f'<p class="tz-lead">每条反馈问题对应的查摆问题、原因和整改措施。'
                   f'有缺口的反馈问题 <strong data-gaps="{gaps}">{gaps}</strong> 条（标为红字）。'
                   + _repeat_note(scope) + '</p>'),
             block(table(["反馈问题", "查摆问题", "原因", "整改措施"], rows, "tz-trace tz-sortable"))]
    unlinked = [p for p in scope.problems if not p.feedback]
    if unlinked:
        rows = [[page.link(p), _links(page, ledger.targets(p, "causes"), "未剖析原因"),
                 _links(page, ledger.measures_of(p.id), "尚无整改措施")] for p in unlinked]
        parts += ["## 自查发现的问题\n", block('<p class="tz-lead">不对应具体反馈意见、由本单位自查发现的问题。</p>'
                                           + table(["查摆问题", "原因", "整改措施"], rows, "tz-trace"))]
    return "\n".join(parts)


def _repeat_note(scope: Scope) -> str:
    feedback, problems = len(scope.repeat_feedback), len(scope.repeat_problems)
    if not (feedback or problems):
        return ""
    return (f'屡查屡犯（与前轮相同）的反馈问题 <strong data-repeat-feedback="{feedback}">{feedback}</strong> 条、'
            f'查摆问题 <strong data-repeat-problems="{problems}">{problems}</strong> 个，已标出。')


def _unique(records):
    seen = {}
    for r in records:
        seen.setdefault(r.id, r)
    return sorted(seen.values(), key=lambda r: r.id)
