"""Pages about rounds: 承接事项 (measures carried in from, and handed over to,
other rounds) and 各轮概览 (every round's own figures side by side)."""

from __future__ import annotations

import datetime as dt

from taizhang.link import Ledger, build_ledger
from taizhang.model import RoundRecord
from taizhang.render import urls
from taizhang.render.html import NOWRAP, ArchiveView, Cell, Col, Page, Row, block, esc, md_inline, table
from taizhang.render.columns import cells, headers
from taizhang.views import Scope, carried_rows, figures, handover_rows


def render_carried(page: Page, scope: Scope) -> str:
    """承接事项: continuing work, kept apart from 屡查屡犯 (repeat findings)."""
    ledger, vocab = page.ledger, page.vocab
    round_line = f"{esc(scope.round.title)}：" if scope.round else ""
    carried_in, carried_out = scope.carried_in, scope.carried_out
    columns = vocab.columns("carried", "site")
    rows_in = [cells(page, columns, row) for row in carried_rows(ledger, carried_in)]
    columns_out = vocab.columns("carried_out", "site")
    rows_out = [cells(page, columns_out, row) for row in handover_rows(ledger, carried_out)]
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_carried'))}\n",
        block('<p class="tz-lead">' + round_line + vocab.phrase(
            "carried_lead", carried_in=f'<strong data-carried-in="{len(carried_in)}">{len(carried_in)}</strong>',
            carried_out=f'<strong data-carried-out="{len(carried_out)}">{len(carried_out)}</strong>',
            recurrences=vocab.phrase("page_recurrences")) + "</p>"),
        f"## {md_inline(vocab.phrase('carried_in_heading'))}\n",
        block('<p class="tz-lead">' + vocab.phrase(
            "carried_in_lead",
            problems=f'<strong data-carried-problems="{len(scope.carried_problems)}">{len(scope.carried_problems)}</strong>',
            feedback_count=f'<strong data-carried-feedback="{len(scope.carried_feedback)}">{len(scope.carried_feedback)}</strong>')
            + "</p>"),
        block(table(headers(columns),
                    rows_in, "tz-sortable tz-carried-in", vocab.phrase("carried_in_none"))),
        f"## {md_inline(vocab.phrase('carried_out_heading'))}\n",
        block(table(headers(columns_out), rows_out, "tz-sortable tz-carried-out", vocab.phrase("carried_out_none"))),
    ])


def round_ledger(ledger: Ledger, rnd: RoundRecord) -> Ledger:
    """The ledger as that round's own build sees it: its statistics date
    (the shown round keeps the build's), so its figures are the ones its
    own dashboard shows (TAIZHANG_ROUND=…)."""
    shown = ledger.current_round
    if shown is not None and shown.id == rnd.id:
        return ledger
    return build_ledger(list(ledger.records.values()), ledger.vocab, rnd.as_of or ledger.today, rnd.id)


def _archive_href(page: Page, round_id: str) -> str:
    """From this page to the dashboard of a sibling version folder (../<round-id>/)."""
    return esc(urls.in_version(page.src_uri, round_id, urls.DASHBOARD, page.dir_urls))


def render_rounds(page: Page, scope: Scope, archive: ArchiveView | None = None) -> str:
    """各轮概览: every round of the repository with its own figures, whichever round is shown."""
    archive = archive or ArchiveView()
    ledger = page.ledger
    shown = scope.round.id if scope.round else None
    rounds = sorted(ledger.rounds, key=lambda r: (r.feedback_date or dt.date.min, r.id))
    rows = []
    for rnd in rounds:
        own = round_ledger(ledger, rnd)
        rows.append(_round_row(page, own, rnd, shown, archive))
    vocab = page.vocab
    headers = [vocab.kind_label("round"), vocab.kind_label("feedback"), vocab.kind_label("problem"),
               vocab.kind_label("measure"), vocab.phrase("rate_header"), vocab.label("lights", "red"),
               vocab.phrase("carried_header"), vocab.phrase("page_recurrences"),
               Col(vocab.phrase("archive_header"), NOWRAP)]   # 未归档 was split as 未归/档 on a tablet
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_all_rounds'))}\n",
        block(f'<p class="tz-lead">{esc(vocab.phrase("all_rounds_lead", recurrences=vocab.phrase("page_recurrences")))}</p>'),
        block(table(headers, rows, "tz-sortable tz-all-rounds", vocab.phrase("no_rounds"))),
    ])


def _round_row(page: Page, own: Ledger, rnd: RoundRecord, shown: str | None, archive: ArchiveView) -> Row:
    """One round's figures: views.figures on that round's own ledger and scope, as its dashboard."""
    fig = figures(own, page.scope(rnd) if own is page.ledger else Scope(own, rnd))
    vocab = own.vocab
    shown_note = f' <span class="tz-shown">{esc(vocab.phrase("round_shown"))}</span>'
    title = page.link(rnd, rnd.title) + (shown_note if rnd.id == shown else "")
    if not archive.is_archived(rnd.id):
        stored = esc(vocab.phrase("not_archived"))
    elif archive.version is None:
        stored = esc(vocab.phrase("archived"))
    else:
        stored = (f'<a class="tz-archive-link" href="{_archive_href(page, rnd.id)}">'
                  f'{esc(vocab.phrase("archived_as", version=rnd.id))}</a>')
    rates = "<br>".join(f'{esc(r.label)} <span data-figure="rate-{r.name}">{esc(r.text)}</span>'
                        f' <small>（{r.done}/{r.total}）</small>' for r in fig.rates)
    dates = (f'<br><small>{esc(vocab.key("feedback_date"))} {esc(rnd.feedback_date.isoformat() if rnd.feedback_date else "—")}'
             f'<br>{esc(vocab.key("as_of"))} {esc(own.today.isoformat())}</small>')
    return Row([
        title + dates, _n("feedback", fig.feedback), _n("problems", fig.problems), _n("measures", fig.measures),
        Cell(rates, f"{fig.rate('measures').share:.6f}"), _n("overdue", fig.overdue),
        Cell(f'<span data-figure="carried-in">{fig.carried_in}</span> / '
             f'<span data-figure="carried-out">{fig.carried_out}</span>', f"{fig.carried_in:06d}"),
        _n("repeats", fig.repeats), stored,
    ], {"round": rnd.id})


def _n(name: str, value: int) -> Cell:
    return Cell(f'<span data-figure="{name}">{value}</span>', f"{value:06d}")
