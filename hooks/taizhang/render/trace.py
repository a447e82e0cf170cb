"""对照表: feedback → problems → causes → measures, with gaps flagged."""

from __future__ import annotations

from taizhang.link import derive_problem_status
from taizhang.render.html import (KEY, NO_MEASURE, TITLE, WIDE, Col, Page, Row, area_label, block, esc,
                                  filter_bar, table)
from taizhang.render.scope import Scope


def _links(page: Page, records, gap: str) -> str:
    if not records:
        return f'<span class="tz-gap">{esc(gap)}</span>'
    return "<br>".join(page.link(r) for r in records)


def feedback_status(page: Page, measures) -> str | None:
    """A feedback item's status: the slowest of the measures under its problems."""
    return derive_problem_status(list(measures), page.vocab)


def render_trace(page: Page, scope: Scope) -> str:
    ledger, vocab = page.ledger, page.vocab
    areas = dict(scope.areas())
    rows, gaps = [], 0
    for fb in scope.feedback:
        problems = ledger.linked_from(fb.id, "problem", "feedback")
        causes = _unique(c for p in problems for c in ledger.targets(p, "causes"))
        measures = _unique(m for p in problems for m in ledger.measures_of(p.id))
        if not problems or any(not ledger.measures_of(p.id) for p in problems):
            gaps += 1
        status = feedback_status(page, measures)
        facts = {"status": vocab.label("statuses", status) if status else NO_MEASURE,
                 "area": area_label(fb.area, areas.get(fb.area, fb.area)) if fb.area else ""}
        rows.append(Row([page.link(fb), _links(page, problems, "尚无查摆问题回应"),
                         _links(page, causes, "未剖析原因"), _links(page, measures, NO_MEASURE),
                         page.status_cell(status, NO_MEASURE)], facts))
    headers = [Col(vocab.kind_label("feedback"), TITLE), Col(vocab.kind_label("problem"), WIDE),
               Col(vocab.kind_label("cause"), WIDE), Col(vocab.kind_label("measure"), WIDE),
               Col(vocab.key("status"), KEY)]
    parts = ["# 对照表\n",
             block(f'<p class="tz-lead">每条反馈问题对应的查摆问题、原因和整改措施；整改状态按其下最慢的一项措施计算。'
                   f'有缺口的反馈问题 <strong data-gaps="{gaps}">{gaps}</strong> 条（标为红字）。</p>'),
             block(filter_bar(page, scope.areas())),
             block(table(headers, rows, "tz-trace tz-sortable tz-filterable"))]
    unlinked = [p for p in scope.problems if not p.feedback]
    if unlinked:
        rows = []
        for p in unlinked:
            status = ledger.problem_status.get(p.id)
            facts = {"status": vocab.label("statuses", status) if status else NO_MEASURE,
                     "area": area_label(p.area, areas.get(p.area, p.area)) if p.area else ""}
            rows.append(Row([page.link(p), _links(page, ledger.targets(p, "causes"), "未剖析原因"),
                             _links(page, ledger.measures_of(p.id), NO_MEASURE),
                             page.status_cell(status, NO_MEASURE)], facts))
        parts += ["## 自查发现的问题\n", block('<p class="tz-lead">不对应具体反馈意见、由本单位自查发现的问题。</p>'
                                           + table([Col(headers[1].label, TITLE)] + headers[2:], rows, "tz-trace tz-sortable tz-filterable"))]
    return "\n".join(parts)


def _unique(records):
    seen = {}
    for r in records:
        seen.setdefault(r.id, r)
    return sorted(seen.values(), key=lambda r: r.id)
