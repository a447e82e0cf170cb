"""总览: the round at a glance — completion rate, statuses, lights, late items."""

from __future__ import annotations

from collections import Counter

from taizhang.link import DONE, GREEN, RED, YELLOW
from taizhang.render import urls
from taizhang.render.html import Cell, Page, block, esc, table
from taizhang.render.lists import task_headers, task_rows
from taizhang.render.scope import Scope

LATEST_PROGRESS = 10


def completion_rate(page: Page, measures) -> float:
    """Share of measures whose status counts as closed (已完成, 已销号)."""
    if not measures:
        return 0.0
    closed = sum(1 for m in measures if m.status and page.vocab.is_closed(m.status))
    return closed / len(measures)


def render_dashboard(page: Page, scope: Scope) -> str:
    parts = ["# 整改工作总览\n", block(_round_box(page, scope)), block(_numbers(page, scope))]
    parts += ["## 整改状态\n", block(_status_counts(page, scope)), block(_lights(page, scope))]
    late = [m for m in scope.measures if page.ledger.lights.get(m.id) == RED]
    soon = [m for m in scope.measures if page.ledger.lights.get(m.id) == YELLOW]
    parts += ["## 逾期事项\n", block(table(task_headers(page.vocab), task_rows(page, late), "tz-sortable", "没有逾期事项。"))]
    parts += ["## 临期事项\n", block(
        f'<p class="tz-lead">整改时限在 {page.vocab.due_soon_days} 天之内的未完成措施。</p>'
        + table(task_headers(page.vocab), task_rows(page, soon), "tz-sortable", "没有临期事项。"))]
    parts += ["## 分方面进展\n", block(_areas(page, scope))]
    parts += ["## 最新进展\n", block(_latest(page, scope))]
    parts += ["## 下载\n", block(_downloads(page))]
    return "\n".join(parts)


def _downloads(page: Page) -> str:
    items = "".join(f'<li><a href="{page.file_href(uri)}" download="{esc(name)}">{esc(name)}</a></li>'
                    for uri, name in urls.DOWNLOADS.items())
    report = f'<li><a href="{page.href(urls.REPORT)}">整改进展情况通报（网页版）</a></li>'
    return f'<ul class="tz-downloads">{items}{report}</ul>'



def _round_box(page: Page, scope: Scope) -> str:
    rnd = scope.round
    if rnd is None:
        return '<p class="tz-empty">还没有巡视轮次记录：用 taizhang new round 新建一条。</p>'
    vocab = page.vocab
    deadline = "—"
    if rnd.deadline:
        days = (rnd.deadline - page.ledger.today).days
        note = f"（剩 {days} 天）" if days >= 0 else f"（已过 {-days} 天）"
        deadline = esc(rnd.deadline.isoformat() + note)
    facts = [
        ("巡视轮次", page.link(rnd, rnd.title)),
        (vocab.key("team"), esc(rnd.team or "—")),
        (vocab.key("inspected"), esc(rnd.inspected or "—")),
        (vocab.key("feedback_date"), esc(rnd.feedback_date or "—")),
        ("集中整改期限", deadline),
        (vocab.key("phase"), esc(vocab.label("phases", rnd.phase)) if rnd.phase else "—"),
        ("统计日期", esc(page.ledger.today.isoformat())),
    ]
    cells = "".join(f'<div><dt>{esc(k)}</dt><dd>{v}</dd></div>' for k, v in facts)
    return f'<dl class="tz-round">{cells}</dl>'


def _numbers(page: Page, scope: Scope) -> str:
    rate = completion_rate(page, scope.measures)
    cards = [
        ("整改完成率", f"{rate * 100:.1f}%", "tz-num--rate", urls.TASK_LIST),
        ("反馈问题", len(scope.feedback), "", urls.TRACE),
        ("查摆问题", len(scope.problems), "", urls.PROBLEM_LIST),
        ("原因剖析", len(scope.causes), "", urls.kind_index(page.vocab.kinds["cause"].folder)),
        ("整改措施", len(scope.measures), "", urls.TASK_LIST),
    ]
    html_cards = "".join(
        f'<a class="tz-num {css}" href="{page.href(target)}" data-metric="{esc(label)}">'
        f'<span class="tz-num__value">{esc(value)}</span><span class="tz-num__label">{esc(label)}</span></a>'
        for label, value, css, target in cards
    )
    return f'<div class="tz-numbers">{html_cards}</div>'


def _status_counts(page: Page, scope: Scope) -> str:
    counts = Counter(m.status for m in scope.measures if m.status)
    total = len(scope.measures) or 1
    rows = []
    for status in page.vocab.status_order():
        n = counts.get(status, 0)
        rows.append([page.status_cell(status), f'<span data-status-count="{esc(status)}">{n}</span>',
                     Cell(_bar(n / total), f"{n / total:.6f}")])
    return table(["整改状态", "措施数", "占比"], rows, "tz-status-counts tz-sortable tz-plain")


def _lights(page: Page, scope: Scope) -> str:
    counts = Counter(page.ledger.lights.get(m.id) for m in scope.measures)
    items = "".join(
        f'<li class="tz-lightcount tz-light--{light}"><span class="tz-lightcount__n" data-light-count="{light}">'
        f'{counts.get(light, 0)}</span> {esc(page.vocab.label("lights", light))}</li>'
        for light in (RED, YELLOW, GREEN, DONE)
    )
    return f'<ul class="tz-lights">{items}</ul>'


def _bar(share: float) -> str:
    """An inline SVG bar: no style attribute, so a strict CSP (style-src 'self') holds."""
    width = f"{share * 100:.1f}"
    return (f'<svg class="tz-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{width}%">'
            f'<rect class="tz-bar__bg" width="100" height="6"></rect>'
            f'<rect class="tz-bar__fill" width="{width}" height="6"></rect></svg> {width}%')


def _areas(page: Page, scope: Scope) -> str:
    ledger = page.ledger
    rows = []
    for ordinal, name in scope.areas():
        problems = [p for p in scope.problems if p.area == ordinal]
        if not problems:
            continue
        measure_ids = {m.id for p in problems for m in ledger.measures_of(p.id)}
        measures = [ledger.records[i] for i in sorted(measure_ids)]
        rate = completion_rate(page, measures)
        late = sum(1 for m in measures if ledger.lights.get(m.id) == RED)
        rows.append([esc(f"（{ordinal}）{name}"), esc(len(problems)), esc(len(measures)), esc(late),
                     Cell(_bar(rate), f"{rate:.6f}")])
    return table(["方面", "查摆问题", "整改措施", "逾期", "完成率"], rows, "tz-areas tz-sortable")


def _latest(page: Page, scope: Scope) -> str:
    entries = [(p.on, m, p) for m in scope.measures for p in m.progress]
    entries.sort(key=lambda e: (e[0], e[1].id, e[2].line), reverse=True)
    if not entries:
        return '<p class="tz-empty">尚未填报整改进展。</p>'
    items = "\n".join(
        f'<li><time datetime="{on.isoformat()}">{on.isoformat()}</time> {page.id_link(m)} '
        f'<span>{esc(p.text)}</span></li>'
        for on, m, p in entries[:LATEST_PROGRESS]
    )
    return f'<ol class="tz-timeline">\n{items}\n</ol>'
