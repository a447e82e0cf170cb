"""The three completion rates as cards, shared by the dashboard and the lists.

The figures come from views.figures (one computation for every page and
download); this module only lays them out: each rate coloured by its level,
its done/total and its definition on a line under it.
"""

from __future__ import annotations

from taizhang.render import urls
from taizhang.render.html import Page, esc
from taizhang.views import Figures

RATE_TARGETS = {"measures": urls.TASK_LIST, "problems": urls.PROBLEM_LIST, "feedback": urls.RECONCILIATION}


def rate_cards(page: Page, fig: Figures) -> str:
    cards = "".join(
        f'<a class="tz-num tz-num--rate tz-num--{esc(r.level)}" href="{page.href(RATE_TARGETS[r.name])}"'
        f' data-metric="{esc(r.label)}" data-level="{esc(r.level)}">'
        f'<span class="tz-num__value">{esc(r.text)}</span><span class="tz-num__label">{esc(r.label)}'
        f'<span class="tz-num__count">（{r.done}/{r.total}）</span></span>'
        f'<span class="tz-num__note tz-num__definition">{esc(r.definition)}</span></a>'
        for r in fig.rates)
    return f'<div class="tz-rates">{cards}</div>'
