"""销号清单 and 对账: what is done and awaiting sign-off, what is signed off,
and, per feedback item, whether everything under it can be closed.

Rows and figures come from views (task rows, feedback rows); this module
only lays them out.
"""

from __future__ import annotations

from taizhang import views
from taizhang.render.columns import cells, headers
from taizhang.render.html import Page, Row, block, filter_bar, md_inline, table
from taizhang.render.lists import task_facts
from taizhang.views import Scope

SIGNED_OFF = "signed_off"


def render_signoff_list(page: Page, scope: Scope) -> str:
    vocab, ledger = page.vocab, page.ledger
    tasks = views.task_rows(ledger, scope.measures, scope)
    waiting = [t for t in tasks if t.closed and t.status != SIGNED_OFF]
    signed = [t for t in tasks if t.status == SIGNED_OFF]
    signed_label = vocab.label("statuses", SIGNED_OFF)
    parts = [f"# {md_inline(page.vocab.phrase('page_signoff'))}\n",
             block('<p class="tz-lead">' + vocab.phrase(
                 "signoff_lead", waiting=f'<strong data-count="waiting">{len(waiting)}</strong>',
                 signed=f'<strong data-count="signed">{len(signed)}</strong>', total=len(tasks)) + "</p>"),
             block(filter_bar(page, scope.areas()))]
    parts.append(f"## {md_inline(vocab.phrase('awaiting_signoff'))}\n")
    columns = vocab.columns("signoff_waiting", "site")
    rows = [Row(cells(page, columns, t), task_facts(t)) for t in waiting]
    parts.append(block(table(headers(columns), rows, "tz-sortable tz-filterable", vocab.phrase("signoff_none_waiting"))))
    parts.append(f"## {md_inline(signed_label)}\n")
    columns = vocab.columns("signoff_done", "site")
    rows = [Row(cells(page, columns, t), task_facts(t)) for t in signed]
    parts.append(block(table(headers(columns), rows, "tz-sortable tz-filterable", vocab.phrase("signoff_none_done"))))
    return "\n".join(parts)


def render_reconciliation(page: Page, scope: Scope) -> str:
    """对账: per feedback item, its problems and measures (with their status),
    the evidence under it, and whether it can be closed (every measure 已销号)."""
    vocab, ledger = page.vocab, page.ledger
    rows_data = views.own_feedback_rows(ledger, scope)
    carried = views.feedback_rows(ledger, scope.carried_feedback, scope, len(rows_data) + 1)   # counted here too
    rows_data += carried
    closeable = sum(1 for f in rows_data if f.closeable)
    columns = vocab.columns("reconcile", "site")
    rows = [Row(cells(page, columns, f),
                {"status": f.status_label, "area": f.area_label,
                 "unit": sorted({u for m in f.measures for u in ledger.records[m.id].unit})}) for f in rows_data]
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_reconciliation'))}\n",
        block('<p class="tz-lead">' + vocab.phrase(
            "reconciliation_lead", closeable=f'<strong data-count="closeable">{closeable}</strong>', total=len(rows_data))
            + (vocab.phrase("reconciliation_carried", count=f'<strong data-count="carried">{len(carried)}</strong>')
               if carried else "") + "</p>"),
        block(filter_bar(page, scope.areas())),
        block(table(headers(columns), rows, "tz-sortable tz-filterable", vocab.phrase("reconciliation_none"))),
    ])
