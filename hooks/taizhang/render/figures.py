"""The three completion rates as cards, shared by the dashboard and the lists.

The figures come from views.completion (one computation for every page and
download); this module only lays them out: each kind's card shows its
完成率 coloured by its level with done/total, its 完成及基本完成率 with
(done + basically done)/total, the counts in the reports' words (已完成 X 项、
基本完成 Y 项 …) and the definitions; the feedback items that are not tasks
are named under the cards.
"""

from __future__ import annotations

from taizhang.render import urls
from taizhang.render.html import Page, esc
from taizhang.views import Figures

RATE_TARGETS = {"measures": urls.TASK_LIST, "problems": urls.PROBLEM_LIST, "feedback": urls.RECONCILIATION}


def rate_cards(page: Page, fig: Figures) -> str:
    done = fig.completion
    cards = "".join(_card(page, r, b, done.of(r.name)) for r, b in zip(fig.rates, fig.basic_rates))
    return f'<div class="tz-rates">{cards}</div>' + _not_tasks(page, done.feedback)


def _card(page: Page, r, basic, counts) -> str:
    return (f'<a class="tz-num tz-num--rate tz-num--{esc(r.level)}" href="{page.href(RATE_TARGETS[r.name])}"'
            f' data-metric="{esc(r.label)}" data-level="{esc(r.level)}">'
            f'<span class="tz-num__value">{esc(r.text)}</span><span class="tz-num__label">{esc(r.label)}'
            f'<span class="tz-num__count">（{r.done}/{r.total}）</span></span>'
            f'<span class="tz-num__basic" data-basic-rate="{esc(r.name)}">{esc(basic.label)} '
            f'<strong>{esc(basic.text)}</strong><span class="tz-num__count">（{basic.done}/{basic.total}）</span></span>'
            f'<span class="tz-num__states" data-states="{esc(r.name)}">{esc(counts.text)}</span>'
            f'<span class="tz-num__note tz-num__definition">{esc(r.definition)}</span>'
            f'<span class="tz-num__note tz-num__definition tz-num__definition--basic">{esc(basic.definition)}</span></a>')


def _not_tasks(page: Page, feedback) -> str:
    """The feedback items declared not a task, each with its reason: listed, never counted."""
    if not feedback.excluded:
        return ""
    vocab = page.vocab
    items = "".join(f'<li>{page.id_link(page.ledger.records[x.feedback.id])} {esc(x.feedback.title)}：{esc(x.reason)}</li>'
                    for x in feedback.excluded)
    return (f'<div class="tz-not-tasks"><p class="tz-lead">{esc(vocab.phrase("not_task_count", count=len(feedback.excluded)))}：</p>'
            f'<ul>{items}</ul></div>')
