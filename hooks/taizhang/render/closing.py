"""销号清单 and 对账: what is done and awaiting sign-off, what is signed off,
and, per feedback item, whether everything under it can be closed.

Rows and figures come from views (task rows, feedback rows); this module
only lays them out.
"""

from __future__ import annotations

from taizhang import views
from taizhang.render.columns import cells, headers
from taizhang.render.html import Page, Row, block, esc, filter_bar, md_inline, table
from taizhang.render.lists import task_facts
from taizhang.views import Scope

SIGNED_OFF = "signed_off"


def render_signoff_list(page: Page, scope: Scope) -> str:
    vocab, ledger = page.vocab, page.ledger
    tasks = views.task_rows(ledger, scope.measures)
    waiting = [t for t in tasks if t.closed and t.status != SIGNED_OFF]
    signed = [t for t in tasks if t.status == SIGNED_OFF]
    signed_label, measure = vocab.label("statuses", SIGNED_OFF), vocab.kind_label("measure")
    parts = [f"# {md_inline(page.vocab.phrase('page_signoff'))}\n",
             block(f'<p class="tz-lead">整改完成、等待审核销号的{esc(measure)} '
                   f'<strong data-count="waiting">{len(waiting)}</strong> 项；状态为{esc(signed_label)}的 '
                   f'<strong data-count="signed">{len(signed)}</strong> 项（共 {len(tasks)} 项{esc(measure)}）。'
                   f"销号时在记录中写明{esc(vocab.key('signed_off_by'))}和{esc(vocab.key('signed_off_on'))}，"
                   f"并把{esc(vocab.key('status'))}改为{esc(signed_label)}。</p>"),
             block(filter_bar(page, scope.areas()))]
    parts.append(f"## {md_inline(vocab.phrase('awaiting_signoff'))}\n")
    columns = vocab.columns("signoff_waiting", "site")
    rows = [Row(cells(page, columns, t), task_facts(t)) for t in waiting]
    parts.append(block(table(headers(columns), rows, "tz-sortable tz-filterable", f"没有等待销号的{measure}。")))
    parts.append(f"## {md_inline(signed_label)}\n")
    columns = vocab.columns("signoff_done", "site")
    rows = [Row(cells(page, columns, t), task_facts(t)) for t in signed]
    parts.append(block(table(headers(columns), rows, "tz-sortable tz-filterable", f"还没有{signed_label}的{measure}。")))
    return "\n".join(parts)


def render_reconciliation(page: Page, scope: Scope) -> str:
    """对账: per feedback item, its problems and measures (with their status),
    the evidence under it, and whether it can be closed (every measure 已销号)."""
    vocab, ledger = page.vocab, page.ledger
    rows_data = views.feedback_rows(ledger, scope.feedback)
    closeable = sum(1 for f in rows_data if f.closeable)
    signed_label = vocab.label("statuses", SIGNED_OFF)
    columns = vocab.columns("reconcile", "site")
    rows = [Row(cells(page, columns, f),
                {"status": f.status_label, "area": f.area_label,
                 "unit": sorted({u for m in f.measures for u in ledger.records[m.id].unit})}) for f in rows_data]
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_reconciliation'))}\n",
        block(f'<p class="tz-lead">逐条{esc(vocab.kind_label("feedback"))}核对：回应它的{esc(vocab.kind_label("problem"))}、'
              f'整改这些问题的{esc(vocab.kind_label("measure"))}及其状态、{esc(vocab.key("evidence"))}件数。'
              f"其下每一项{esc(vocab.kind_label('measure'))}的状态都是{esc(signed_label)}时，这条{esc(vocab.kind_label('feedback'))}才可以销号。"
              f'目前可以销号的 <strong data-count="closeable">{closeable}</strong> 条，'
              f"共 {len(rows_data)} 条。</p>"),
        block(filter_bar(page, scope.areas())),
        block(table(headers(columns), rows, "tz-sortable tz-filterable", f"还没有{vocab.kind_label('feedback')}记录。")),
    ])
