"""Pages about rounds: 承接事项 (measures carried in from, and handed over to,
other rounds) and 各轮概览 (every round's own figures side by side)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from taizhang.link import Ledger, build_ledger
from taizhang.model import MeasureRecord, RoundRecord
from taizhang.render import urls
from taizhang.render.html import Cell, Page, Row, block, esc, md_inline, table
from taizhang.render.marks import handover_text
from taizhang.views import Scope, figures


def _last_progress(measure: MeasureRecord) -> str:
    last = measure.progress[-1] if measure.progress else None
    return f"{esc(last.on.isoformat())} {esc(last.text)}" if last else "—"


def _status(page: Page, m: MeasureRecord) -> Cell:
    cell = page.status_cell(m.status)
    return Cell(cell.html + " " + page.measure_light(m), cell.sort)


def _round_name(ledger: Ledger, record) -> str:
    rnd = ledger.round_of(record)
    return f"{rnd.title}（{rnd.id}）" if rnd else (record.round or "—")


def _answered(page: Page, original: MeasureRecord) -> str:
    """The feedback items and problems the original measure answered, each with its round's name."""
    ledger = page.ledger
    problems = ledger.targets(original, "problems")
    feedback = {f.id: f for p in problems for f in ledger.targets(p, "feedback")}
    items = [f"{page.link(r, r.id)} {esc(r.title)}（{esc(_round_name(ledger, r))}）"
             for r in [*(feedback[i] for i in sorted(feedback)), *problems]]
    return "<br>".join(items) or "—"


def _overdue(ledger: Ledger, m: MeasureRecord) -> Cell:
    """Days past the deadline in force for an open dated measure, else —."""
    days = ledger.days_left(m)
    late = -days if days is not None and days < 0 and not m.long_term and ledger.lights.get(m.id) == "red" else None
    return Cell(esc(late) if late else "—", f"{late or 0:06d}")


def render_carried(page: Page, scope: Scope) -> str:
    """承接事项: continuing work, kept apart from 屡查屡犯 (repeat findings)."""
    ledger, vocab = page.ledger, page.vocab
    round_line = f"{esc(scope.round.title)}：" if scope.round else ""
    carried_in, carried_out = scope.carried_in, scope.carried_out
    rows_in = []
    for m in carried_in:
        for original in ledger.carried_from(m):
            rows_in.append([page.id_link(m), page.link(m, m.title), page.link(original, original.id),
                            esc(_round_name(ledger, original)), _answered(page, original),
                            esc(vocab.label("measure_types", m.measure_type)) if m.measure_type else "—",
                            page.deadline_cell(m), _overdue(ledger, m), _status(page, m), _last_progress(original)])
    rows_out = [[page.id_link(m), page.link(m, m.title), page.status_cell(m.status), handover_text(page, m),
                 "<br>".join(page.status(n.status) for n in ledger.carried_into(m.id))] for m in carried_out]
    rnd = esc(vocab.kind_label("round"))
    done, signed = esc(vocab.label("statuses", "done")), esc(vocab.label("statuses", "signed_off"))
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_carried'))}\n",
        block(f'<p class="tz-lead">{round_line}承接前轮未完成的{esc(vocab.kind_label("measure"))} <strong data-carried-in="{len(carried_in)}">'
              f'{len(carried_in)}</strong> 项，转入后续{rnd} <strong data-carried-out="{len(carried_out)}">'
              f'{len(carried_out)}</strong> 项。整改不到位不销号：前轮未完成（不是“{done}”“{signed}”）的措施，'
              f'在新一轮中以“{esc(vocab.key("carried_from"))}”继续整改，原措施的记录不改动。'
              "与前轮相同的新问题（屡查屡犯）另见“屡查屡犯”页。</p>"),
        "## 本轮承接的措施\n",
        block(f'<p class="tz-lead">承接的措施在本轮计入它原来回应的{esc(vocab.kind_label("feedback"))}和'
              f'{esc(vocab.kind_label("problem"))}：这些事项计入本轮的完成率（{esc(vocab.kind_label("problem"))} '
              f'<strong data-carried-problems="{len(scope.carried_problems)}">{len(scope.carried_problems)}</strong> 个、'
              f'{esc(vocab.kind_label("feedback"))} <strong data-carried-feedback="{len(scope.carried_feedback)}">'
              f'{len(scope.carried_feedback)}</strong> 条），承接的措施未完成时它们不会是{done}。'
              f'{esc(vocab.key("deadline"))}是原措施的时限，有{esc(vocab.key("adjusted_deadline"))}时写在其后，红黄灯按调整后的计算。</p>'),
        block(table([vocab.key("id"), vocab.kind_label("measure"), vocab.key("carried_from"), f"原{rnd}",
                     f"原回应的{vocab.kind_label('feedback')}和{vocab.kind_label('problem')}",
                     vocab.key("measure_type"), vocab.key("deadline"), "逾期天数", vocab.key("status"), "原措施最后一次进展"],
                    rows_in, "tz-sortable tz-carried-in", "本轮没有承接前轮的措施。")),
        f"## 转入后续{rnd}的措施\n",
        block(table([vocab.key("id"), vocab.kind_label("measure"), "本轮状态", "转入", f"在后续{rnd}的状态"], rows_out,
                    "tz-sortable tz-carried-out", f"本轮没有转入后续{rnd}的措施。")),
    ])


@dataclass(frozen=True)
class ArchiveView:
    """What the build knows of the versioned archive (mike's gh-pages).

    `archived`: round ids already archived; `version`: the round mike is
    building now (None for a plain build, where archives live elsewhere)."""

    archived: frozenset[str] = frozenset()
    version: str | None = None

    def is_archived(self, round_id: str) -> bool:
        return round_id in self.archived or round_id == self.version


def round_ledger(ledger: Ledger, rnd: RoundRecord) -> Ledger:
    """The ledger as that round's own build sees it: its statistics date
    (the shown round keeps the build's), so its figures are the ones its
    own dashboard shows (TAIZHANG_ROUND=…)."""
    shown = ledger.current_round
    if shown is not None and shown.id == rnd.id:
        return ledger
    return build_ledger(list(ledger.records.values()), ledger.vocab, rnd.as_of or ledger.today, rnd.id)


def _archive_href(page: Page, round_id: str) -> str:
    """From this page to a sibling version folder: ../<round-id>/ from the version root."""
    depth = urls.page_url(page.src_uri, page.dir_urls).count("/")   # all-rounds/ → 1, all-rounds.html → 0
    return esc("../" * (depth + 1) + round_id + "/")


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
               vocab.kind_label("measure"), "完成率", vocab.label("lights", "red"), "承接前轮/转入后续", "屡查屡犯", "归档"]
    return "\n".join([
        f"# {md_inline(vocab.phrase('page_all_rounds'))}\n",
        block(f'<p class="tz-lead">本仓库中的全部{esc(vocab.kind_label("round"))}，每轮的数字只按该轮自己的记录、'
              f"按该轮的{esc(vocab.key('as_of'))}计算"
              f"（与单独构建该轮时的总览相同）；承接前轮的措施计入新一轮，原措施仍计入原来的{esc(vocab.kind_label('round'))}。"
              f"屡查屡犯指与前轮相同的{esc(vocab.kind_label('feedback'))}和{esc(vocab.kind_label('problem'))}。</p>"),
        block(table(headers, rows, "tz-sortable tz-all-rounds", "还没有巡视轮次记录。")),
    ])


def _round_row(page: Page, own: Ledger, rnd: RoundRecord, shown: str | None, archive: ArchiveView) -> Row:
    """One round's figures: views.figures on that round's own ledger and scope, as its dashboard."""
    fig = figures(own, Scope(own, rnd))
    title = page.link(rnd, rnd.title) + (' <span class="tz-shown">（本站显示的这一轮）</span>' if rnd.id == shown else "")
    if not archive.is_archived(rnd.id):
        stored = "未归档"
    elif archive.version is None:
        stored = "已归档"
    else:
        stored = f'<a class="tz-archive-link" href="{_archive_href(page, rnd.id)}">已归档（{esc(rnd.id)}）</a>'
    rates = "<br>".join(f'{esc(r.label)} <span data-figure="rate-{r.name}">{esc(r.text)}</span>'
                        f' <small>（{r.done}/{r.total}）</small>' for r in fig.rates)
    vocab = own.vocab
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
