"""总览: the round at a glance — completion rate, statuses, lights, late items."""

from __future__ import annotations


from taizhang.link import RED, YELLOW
from taizhang.render import urls
from taizhang.render.html import Cell, Page, block, esc, md_inline, table
from taizhang.render.columns import cells, headers
from taizhang.render.figures import rate_cards
from taizhang.render.lists import task_headers, task_rows
from taizhang.views import DOWNLOADS, Figures, Scope, figures, round_facts

LATEST_PROGRESS = 10


def render_dashboard(page: Page, scope: Scope) -> str:
    fig = figures(page.ledger, scope)
    parts = [f"# {md_inline(page.vocab.phrase('page_dashboard'))}\n", block(_round_box(page, scope)), block(_numbers(page, fig)),
             block(_rounds_note(page, fig))]
    parts += [f"## {md_inline(page.vocab.key('status'))}\n", block(_summary(page, fig)),
              block(_status_counts(page, fig)), block(_lights(fig))]
    late = [m for m in scope.measures if page.ledger.lights.get(m.id) == RED]
    soon = [m for m in scope.measures if page.ledger.lights.get(m.id) == YELLOW]
    vocab = page.vocab
    parts += [f"## {md_inline(vocab.phrase('dashboard_late'))}\n",
              block(table(task_headers(vocab), task_rows(page, late, scope), "tz-sortable", vocab.phrase("dashboard_no_late")))]
    parts += [f"## {md_inline(vocab.phrase('dashboard_soon'))}\n", block(
        f'<p class="tz-lead">{esc(vocab.phrase("dashboard_soon_lead", days=vocab.due_soon_days))}</p>'
        + table(task_headers(vocab), task_rows(page, soon, scope), "tz-sortable", vocab.phrase("dashboard_no_soon")))]
    parts += [f"## {md_inline(vocab.phrase('dashboard_areas'))}\n", block(_areas(vocab, fig))]
    parts += [f"## {md_inline(vocab.phrase('dashboard_latest'))}\n", block(_latest(page, scope))]
    parts += [f"## {md_inline(vocab.phrase('dashboard_downloads'))}\n", block(_downloads(page))]
    return "\n".join(parts)


def _downloads(page: Page) -> str:
    names = [d.name_in(page.vocab) for d in DOWNLOADS]
    items = "".join(f'<li><a href="{page.file_href(d.uri)}" download="{esc(name)}">{esc(name)}</a></li>'
                    for d, name in zip(DOWNLOADS, names))
    report = f'<li><a href="{page.href(urls.REPORT)}">{esc(page.vocab.phrase("web_version", title=page.vocab.phrase("report_name")))}</a></li>'
    return f'<ul class="tz-downloads">{items}{report}</ul>'



def _round_box(page: Page, scope: Scope) -> str:
    rnd = scope.round
    if rnd is None:
        return f'<p class="tz-empty">{esc(page.vocab.phrase("no_round_yet"))}</p>'
    facts = round_facts(page.ledger, rnd).facts
    cells = "".join(f'<div><dt>{esc(f.label)}</dt><dd>{page.link(rnd, rnd.title) if f.name == "round" else esc(f.text)}</dd></div>'
                    for f in facts)
    return f'<dl class="tz-round">{cells}</dl>'


def _numbers(page: Page, fig: Figures) -> str:
    """The three completion rates side by side (see render/figures.py), then the counts."""
    vocab = page.vocab
    problems_note = fig.problem_count_text if fig.declarations else ""

    def carried(count: int) -> str:
        # earlier rounds' items the carried measures answer: in the rates' denominators, so said here too
        return vocab.phrase("dashboard_carried_tile", count=count) if count else ""
    excluded = len(fig.completion.feedback.excluded) if fig.completion else 0     # 非整改任务: in the count, not the rates
    not_tasks = vocab.phrase("dashboard_not_tasks_tile", count=excluded) if excluded else ""
    cards = [
        (vocab.kind_label("feedback"), fig.feedback, urls.TRACE,
         "；".join(n for n in (not_tasks, carried(fig.carried_feedback)) if n)),
        (vocab.kind_label("problem"), fig.problems, urls.PROBLEM_LIST,
         "；".join(n for n in (problems_note, carried(fig.carried_problems)) if n)),
        (vocab.kind_label("cause"), fig.causes, urls.kind_index(vocab.kinds["cause"].folder), ""),
        (vocab.kind_label("measure"), fig.measures, urls.TASK_LIST, ""),
    ]
    counts = "".join(
        f'<a class="tz-num" href="{page.href(target)}" data-metric="{esc(label)}">'
        f'<span class="tz-num__value">{esc(value)}</span><span class="tz-num__label">{esc(label)}</span>'
        + (f'<span class="tz-num__note">{esc(note)}</span>' if note else "") + "</a>"
        for label, value, target, note in cards
    )
    return rate_cards(page, fig) + f'<div class="tz-numbers">{counts}</div>'


def _rounds_note(page: Page, fig: Figures) -> str:
    """承接事项 and 屡查屡犯 of this round, counted apart (they are different things)."""
    vocab = page.vocab
    carried = vocab.phrase("items_count", n=f'<strong data-carried-in="{fig.carried_in}">{fig.carried_in}</strong>')
    text = vocab.phrase(
        "dashboard_rounds_note", carried_in=f'<a href="{page.href(urls.CARRIED)}">{carried}</a>',
        carried_out=f'<strong data-carried-out="{fig.carried_out}">{fig.carried_out}</strong>',
        recurrences=f'<a href="{page.href(urls.RECURRENCES)}">{esc(vocab.phrase("page_recurrences"))}</a>',
        repeat_feedback=f'<strong data-repeat-feedback="{fig.repeat_feedback}">{fig.repeat_feedback}</strong>',
        repeat_problems=f'<strong data-repeat-problems="{fig.repeat_problems}">{fig.repeat_problems}</strong>')
    return (f'<p class="tz-rounds-note">{text}<a href="{page.href(urls.ROUNDS)}">{esc(vocab.phrase("page_all_rounds"))}</a>'
            + _carried_counted(page, fig) + '</p>')


def _carried_counted(page: Page, fig: Figures) -> str:
    """Earlier rounds' items the carried measures answer: counted in this round's rates (README 统计口径)."""
    if not (fig.carried_problems or fig.carried_feedback):
        return ""
    vocab = page.vocab
    return "<br>" + vocab.phrase(
        "dashboard_carried_counted",
        problems=f'<strong data-carried-problems="{fig.carried_problems}">{fig.carried_problems}</strong>',
        feedback_count=f'<strong data-carried-feedback="{fig.carried_feedback}">{fig.carried_feedback}</strong>')


def _summary(page: Page, fig: Figures) -> str:
    """整改完成情况: each kind's states and both rates (views.completion), as the sheet of that name."""
    columns = page.vocab.columns("summary", "site")
    rows = [cells(page, columns, k) for k in fig.completion] if fig.completion else []
    return (f'<p class="tz-lead">{esc(page.vocab.phrase("summary_lead"))}</p>'
            + table(headers(columns), rows, "tz-summary"))


def _status_counts(page: Page, fig: Figures) -> str:
    rows = [[page.status_cell(c.status), f'<span data-status-count="{esc(c.status)}">{c.count}</span>',
             Cell(_bar(c.share, f"tz-fill--{c.status}"), f"{c.share:.6f}")] for c in fig.statuses]
    return table([page.vocab.key("status"), page.vocab.phrase("measure_count"), page.vocab.phrase("share_header")], rows, "tz-status-counts tz-sortable tz-plain")


def _lights(fig: Figures) -> str:
    items = "".join(
        f'<li class="tz-lightcount tz-light--{c.light}"><span class="tz-lightcount__n" data-light-count="{c.light}">'
        f'{c.count}</span> {esc(c.label)}</li>'
        for c in fig.lights
    )
    return f'<ul class="tz-lights">{items}</ul>'


def _bar(share: float, fill: str = "") -> str:
    """An inline SVG bar: no style attribute, so a strict CSP (style-src 'self') holds.
    `fill` names the state whose colour the bar takes (tz-fill--<status>); the
    figure is written beside it, so the bar is decoration for screen readers."""
    width = f"{share * 100:.1f}"
    return (f'<svg class="tz-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect class="tz-bar__bg" width="100" height="6"></rect>'
            f'<rect class="tz-bar__fill{" " + fill if fill else ""}" width="{width}" height="6"></rect></svg> {width}%')


def _areas(vocab, fig: Figures) -> str:
    rows = [[esc(a.label), esc(a.problems), esc(a.measures), esc(a.overdue),
             Cell(f'<span class="tz-num--{esc(a.rate.level)}">{_bar(a.rate.share) if a.rate.total else esc(a.rate.text)}</span>',
                  f"{a.rate.share:.6f}")]
            for a in fig.areas]
    note = f'<p class="tz-lead">{esc(fig.area_note)}</p>' if rows else ""
    headers = [vocab.key("area"), vocab.kind_label("problem"), vocab.kind_label("measure"), vocab.label("lights", RED), vocab.phrase("rate_header")]
    return note + table(headers, rows, "tz-areas tz-sortable")


def _latest(page: Page, scope: Scope) -> str:
    entries = [(p.on, m, p) for m in scope.measures for p in m.progress]
    entries.sort(key=lambda e: (e[0], e[1].id, e[2].line), reverse=True)
    if not entries:
        return f'<p class="tz-empty">{esc(page.vocab.phrase("no_progress"))}</p>'
    items = "\n".join(
        f'<li><time datetime="{on.isoformat()}">{on.isoformat()}</time> {page.id_link(m)} '
        f'<span>{esc(p.text)}</span></li>'
        for on, m, p in entries[:LATEST_PROGRESS]
    )
    return f'<ol class="tz-timeline">\n{items}\n</ol>'
