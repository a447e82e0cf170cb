"""对照表: feedback → problems → causes → measures, with gaps flagged."""

from __future__ import annotations

from taizhang.render.marks import repeat_mark
from taizhang import views
from taizhang.render.figures import rate_cards
from taizhang.render.html import KEY, TITLE, WIDE, Col, Page, Row, block, esc, filter_bar, md_inline, table
from taizhang.views import Scope


def _links(page: Page, records, gap: str) -> str:
    if not records:
        return f'<span class="tz-gap">{esc(gap)}</span>'
    return "<br>".join(page.round_link(page.ledger.records[r.id]) + repeat_mark(page, r) for r in records)


def render_trace(page: Page, scope: Scope) -> str:
    ledger, vocab = page.ledger, page.vocab
    no_problems, no_causes, no_measures = (vocab.phrase(n) for n in ("no_problems", "no_causes", "no_measures"))
    feedback = views.own_feedback_rows(ledger, scope)
    gaps = sum(1 for f in feedback if f.gap)
    headers = [Col(vocab.kind_label("feedback"), TITLE), Col(vocab.kind_label("problem"), WIDE),
               Col(vocab.kind_label("cause"), WIDE), Col(vocab.kind_label("measure"), WIDE),
               Col(vocab.key("status"), KEY)]
    rows = _rows(page, feedback)
    parts = [f"# {md_inline(vocab.phrase('page_trace'))}\n",
             block('<p class="tz-lead">' + vocab.phrase("trace_lead", gaps=f'<strong data-gaps="{gaps}">{gaps}</strong>')
                   + _repeat_note(vocab, scope) + '</p>'),
             block(rate_cards(page, views.figures(ledger, scope))),
             block(filter_bar(page, scope.areas())),
             block(table(headers, rows, "tz-trace tz-sortable tz-filterable", vocab.phrase("empty")))]
    if scope.carried_feedback:      # earlier rounds' items this round counts (承接)
        carried = views.feedback_rows(ledger, scope.carried_feedback, scope, len(feedback) + 1)
        parts += [f"## {md_inline(vocab.phrase('trace_carried'))}\n",
                  block(f'<p class="tz-lead">{esc(vocab.phrase("trace_carried_lead"))}</p>'
                        + table(headers, _rows(page, carried), "tz-trace tz-sortable tz-filterable"))]
    unlinked = [p for p in views.own_problem_rows(ledger, scope) if not p.feedback]
    if unlinked:
        rows = [Row([page.link(p.problem), _links(page, p.causes, no_causes), _links(page, p.measures, no_measures),
                     page.status_cell(p.status, no_measures)], {"status": p.status_label, "area": p.area_label})
                for p in unlinked]
        parts += [f"## {md_inline(vocab.phrase('trace_unlinked'))}\n",
                  block(f'<p class="tz-lead">{esc(vocab.phrase("trace_unlinked_lead"))}</p>'
                                           + table([Col(headers[1].label, TITLE)] + headers[2:], rows,
                                                   "tz-trace tz-sortable tz-filterable"))]
    return "\n".join(parts)


def _rows(page: Page, feedback) -> list[Row]:
    vocab = page.vocab
    no_problems, no_causes, no_measures = (vocab.phrase(n) for n in ("no_problems", "no_causes", "no_measures"))
    return [Row([page.round_link(page.ledger.records[f.feedback.id]) + repeat_mark(page, f.feedback),
                 _links(page, f.problems, no_problems), _links(page, f.causes, no_causes),
                 _links(page, f.measures, no_measures), page.status_cell(f.status, f.status_label)],
                {"status": f.status_label, "area": f.area_label}) for f in feedback]


def _repeat_note(vocab, scope: Scope) -> str:
    feedback, problems = len(scope.repeat_feedback), len(scope.repeat_problems)
    if not (feedback or problems):
        return ""
    return vocab.phrase("trace_repeats", recurrences=vocab.phrase("page_recurrences"),
                        feedback_count=f'<strong data-repeat-feedback="{feedback}">{feedback}</strong>',
                        problems=f'<strong data-repeat-problems="{problems}">{problems}</strong>')

