"""The overview site's pages: src_uri → Markdown text, from an Overview.

Unit data is untrusted text from many hands: every value passes `esc`
(HTML) or `md_inline` (headings), as on the unit sites. Tables are raw HTML
blocks with the unit sites' classes, so the same offline sort and filter
script works on them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from taizhang.gather import columns as tables
from taizhang.gather.figures import Overview, UnitFigures
from taizhang.gather.schema import READABLE_VERSIONS
from taizhang.link import RED, YELLOW
from taizhang.render import urls
from taizhang.render.columns import headers
from taizhang.render.html import Cell, Row, block, esc, filter_bar_of, keep_whole, md_inline, set_aside, table
from taizhang.views import Rate

INDEX, AREAS, OVERDUE, REPEATS, ISSUES = "index.md", "areas.md", "overdue.md", "repeats.md", "issues.md"
WORKBOOK = "downloads/overview.xlsx"


def workbook_name(vocab) -> str:
    return vocab.phrase("overview_workbook") + ".xlsx"


def nav(vocab) -> tuple[tuple[str, str], ...]:
    """The overview's tabs: (title, page)."""
    return ((vocab.phrase("overview_nav_index"), INDEX), (vocab.phrase("overview_areas"), AREAS),
            (vocab.phrase("dashboard_late"), OVERDUE), (vocab.phrase("overview_repeats"), REPEATS),
            (vocab.phrase("overview_issues"), ISSUES))


def anchor(heading: str) -> str:
    """The #id the table of contents gives a heading (pymdownx slugify, lower case)."""
    return "#" + re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")


# Wide tables need the width the sidebars would take (the tabs still navigate);
# long tables stay out of the search index, as on the unit sites.
def _front(toc: bool = False, search: bool = False, title: str | None = None) -> str:
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {json.dumps(safe_title(title), ensure_ascii=False)}")
    lines += ["hide:", "  - navigation"] + ([] if toc else ["  - toc"])
    if not search:
        lines += ["search:", "  exclude: true"]
    return "\n".join(lines + ["---", ""])


# Material writes the page title into <title> through `striptags`, which
# unescapes: an escaped "&lt;/title&gt;&lt;script&gt;" in a heading comes out as
# live markup. Titles taken from unit data are therefore given in the page's
# meta with the HTML-special characters replaced by their full-width forms.
_TITLE_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def safe_title(text: str) -> str:
    """Text that reads the same and is inert wherever a theme prints it unescaped."""
    return " ".join(text.translate(_TITLE_SAFE).split())


def unit_page(unit: UnitFigures) -> str:
    return f"units/{unit.key}.md"


@lru_cache(maxsize=4096)
def href(from_src: str, to_src: str) -> str:
    return esc(urls.relative(from_src, to_src, False))


def percent(value: float | None) -> Cell:
    if value is None:
        return Cell("—", "-1")
    return Cell(esc(f"{value * 100:.1f}%"), f"{value:.6f}")


def count(value: int) -> Cell:
    return Cell(esc(value), f"{value:09d}")


def _unit_link(src: str, unit: UnitFigures) -> str:
    return _link(src, unit.key, unit.name)


def _link(src: str, key: str, name: str) -> str:
    return f'<a href="{href(src, f"units/{key}.md")}">{esc(name)}</a>'


def site_link(vocab, unit: UnitFigures, page_dir: str | None) -> str:
    """The unit's own site: its 网址, or, for a site folder, a relative path to it."""
    if unit.url:
        return f'<a href="{esc(unit.url)}">{esc(unit.url)}</a>'
    if unit.source_kind == "网站文件夹" and page_dir:
        target = os.path.relpath(os.path.join(unit.location, "index.html"), page_dir).replace(os.sep, "/")
        return f'<a href="{esc(target)}">{esc(vocab.phrase("overview_site"))}</a>'
    return f'<span class="tz-empty">{esc(vocab.phrase("overview_no_url"))}</span>'


_COUNT = re.compile(r"(.+?)(（[^（）]*）)")


def _figure(value: str) -> str:
    """A card's figure; its count in brackets ("23.8%（5/21）") one box of its own (taizhang.css)."""
    parts = _COUNT.fullmatch(value)
    if not parts:
        return esc(value)
    return f'{esc(parts.group(1))}<span class="tz-num__count">{esc(parts.group(2))}</span>'


def _cards(src: str, cards) -> str:
    """Figure cards as on the unit dashboard: (label, value, target page or #anchor)."""
    html_cards = "".join(
        f'<a class="tz-num" href="{esc(target) if target.startswith("#") else href(src, target)}" data-metric="{esc(label)}">'
        f'<span class="tz-num__value">{_figure(str(value))}</span><span class="tz-num__label">{esc(label)}</span></a>'
        for label, value, target in cards)
    return block(f'<div class="tz-numbers">{html_cards}</div>')



def _state(vocab, unit) -> str:
    return vocab.label("lights", "red" if unit.overdue else ("yellow" if unit.due_soon else "green"))


def _filter_bar(vocab) -> str:
    """The page's filter bar, before its first filterable table: the facts the overview's rows carry."""
    key = vocab.key
    facts = [["status", key("status"), vocab.labels("statuses")],
             ["light", vocab.phrase("light_header"), [vocab.label("lights", n) for n in ("red", "yellow", "green", "done")]],
             ["area", key("area"), []], ["leader", key("leader"), []], ["unit", key("unit"), []], ["owner", key("owner"), []]]
    return block(filter_bar_of(vocab, facts))


def _lead(text: str) -> str:
    return block(f'<p class="tz-lead">{text}</p>')


def _footer(overview: Overview, vocab) -> str:
    text = vocab.phrase("overview_footer", units=len(overview.units), records=overview.records,
                        date=overview.today.isoformat())
    return block(f'<p class="tz-source">{esc(text)}</p>')


def rate_cell(r) -> Cell:
    """A core Rate (views.Rate): its text ("—" when nothing to divide) and numerator/denominator."""
    if r.value is None:
        return Cell(esc(r.text), "-1")
    return Cell(f'{esc(r.text)}<br><small class="tz-num__count">（{r.done}/{r.total}）</small>', f"{r.value:.6f}")


def _light_count(value: int, light: str) -> Cell:
    html = f'<span class="tz-light tz-light--{light}">{esc(value)}</span>' if value else "0"
    return Cell(html, f"{value:09d}")


def _measure_light(vocab, row) -> Cell:
    if row.light in (RED, YELLOW) and row.days_left is None:
        note = vocab.phrase("long_term_stale_light")    # 长期坚持 without recent progress: no deadline to count from
    elif row.light == RED:
        note = vocab.phrase("overdue_days", days=-row.days_left)
    elif row.light == YELLOW:
        note = vocab.phrase("overview_soon_days", days=row.days_left)
    else:
        note = ""
    light = f'<span class="tz-light tz-light--{esc(row.light)}">{esc(note)}</span>' if note else ""
    return Cell(light, f"{row.days_left if row.days_left is not None else 0:+09d}")


def _status(vocab, row, label):
    """A measure's status as the units' sites show it: a chip in its state's
    colour (taizhang-colours.css), the unit's own label inside."""
    state = getattr(row, "state", None)
    if state not in vocab.enums["statuses"]:
        return esc(label or "—")
    chip = f'<span class="tz-status tz-status--{esc(state)}">{esc(label or vocab.label("statuses", state))}</span>'
    return Cell(chip, str(vocab.status_order().index(state)))   # sorted in the workflow's order


def _handling(vocab, row) -> str:
    if row.total:
        return ""
    if row.effect:
        return esc(row.effect)
    if not row.fatal:
        return esc(vocab.phrase("overview_included_unsure"))
    return f"<strong>{esc(vocab.phrase('overview_excluded'))}</strong>"


# How each show (vocabulary.yml `tables`, overview_*) is a page cell: (src, vocab, column, row, value) -> cell.
# On the 合计 row (`row.total`) a name is bold and counts carry no light.
def _number(src, vocab, column, row, value):
    return "" if row.total else Cell(esc(value), f"{value:06d}")


def _unit(src, vocab, column, row, value):
    return f"<strong>{esc(value)}</strong>" if row.total else _link(src, row.key, value)


def _text(src, vocab, column, row, value):
    if row.total:
        return f"<strong>{esc(value)}</strong>" if value else ""
    return esc(value) if value else esc(vocab.phrase(column.gap or "none"))


def _light_counted(light: str):
    def show(src, vocab, column, row, value):
        return count(value) if row.total else _light_count(value, light)
    return show


def _date(src, vocab, column, row, value):
    return esc(value or "—") if row.total else Cell(esc(value or "—"), value or "")


def _days(src, vocab, column, row, value):
    return "—" if value is None else Cell(esc(value), f"{value:09d}")


def _places(src, vocab, column, row, value):
    return "；".join(f"{_link(src, key, name)} {esc('、'.join(ids))}" for key, name, ids in value)


def _lagging(src, vocab, column, row, value):
    if row.total:
        return ""
    return "、".join(f"{_link(src, key, name)}（{rate * 100:.1f}%）" for key, name, rate in value) or "—"


CELLS = {
    "number": _number, "unit": _unit, "text": _text,
    "id": lambda src, vocab, column, row, value: esc(value),
    "count": lambda src, vocab, column, row, value: count(value),
    "rate": lambda src, vocab, column, row, value: rate_cell(value) if isinstance(value, Rate) else percent(value),
    "overdue": _light_counted("red"), "due_soon": _light_counted("yellow"), "date": _date,
    "texts": lambda src, vocab, column, row, value: esc("、".join(value) or ("" if row.total else "—")),
    "deadline": lambda src, vocab, column, row, value: "" if row.total else Cell(esc(value or "—"), value or ""),
    "status": lambda src, vocab, column, row, value: "" if row.total else _status(vocab, row, value),
    "light": lambda src, vocab, column, row, value: _measure_light(vocab, row),
    "days": _days, "places": _places, "lagging": _lagging,
    "handling": lambda src, vocab, column, row, value: _handling(vocab, row),
}


def cell(src: str, vocab, column, row):
    """One cell of a 督查总览 table as the page shows it (CELLS: one function per show)."""
    return CELLS[column.show](src, vocab, column, row, getattr(row, column.name))


def _table(src: str, vocab, name: str, rows, facts, css: str, empty: str, footer=None, footer_facts=None) -> str:
    """A declared table on a page: its site columns, a row per view row (`facts`: the filter's data-*),
    then `footer`, the 合计 row."""
    columns = vocab.columns(name, "site")
    body = [Row([cell(src, vocab, c, r) for c in columns], facts(r)) for r in rows]
    foot = None
    if footer is not None:
        foot = Row([cell(src, vocab, c, footer) for c in columns], {"total": "1"} if footer_facts is None else footer_facts)
    return table(headers(columns), body, css, empty, footer=foot)


def rate_pairs(completion):
    """(完成率, 完成及基本完成率) of measures, problems, feedback, in that order."""
    return [r for k in (completion.measures, completion.problems, completion.feedback) for r in (k.rate, k.basic_rate)]


def render_index(overview: Overview, vocab) -> str:
    units = overview.units
    overdue = sum(len(u.overdue) for u in units)
    soon = sum(len(u.due_soon) for u in units)
    total = overview.total
    heading, counting = vocab.phrase("overview_units_heading"), vocab.phrase("overview_counting")
    cards = [(vocab.phrase("overview_units_card"), len(units), anchor(heading)),
             *((vocab.phrase("overview_total_of", label=r.label, total=vocab.phrase("total")),
                f"{r.text}（{r.done}/{r.total}）" if r.value is not None else r.text, anchor(counting))
               for r in (total.measures.rate, total.measures.basic_rate)),
             (vocab.phrase("overview_overdue_measures"), overdue, OVERDUE),
             (vocab.phrase("overview_soon_measures"), soon, anchor(heading)),
             (vocab.phrase("overview_issues"), len(overview.issues), ISSUES)]
    issues = (vocab.phrase("overview_issues_note", issues=f'<a href="{href(INDEX, ISSUES)}">'
                           f'{esc(vocab.phrase("overview_issue_count", count=len(overview.issues)))}</a>')
              if overview.issues else "")
    name = workbook_name(vocab)
    sheets = "、".join(vocab.phrase(p) for p in ("overview_units_heading", "overview_areas", "dashboard_late",
                                                  "overview_repeats", "overview_issues"))
    parts = [_front(), f"# {md_inline(overview.title)}\n",
             _lead(esc(vocab.phrase("overview_index_lead", date=overview.today.isoformat(), count=len(units))) + issues),
             _cards(INDEX, cards),
             f"## {md_inline(heading)}\n",
             _lead(esc(vocab.phrase("overview_total_line", total=vocab.phrase("total"),
                                    parts="；".join(f"{k.label}{k.text}" for k in total)))),
             _filter_bar(vocab),
             block(_table(INDEX, vocab, "overview_units", tables.unit_rows(units), lambda r: {"light": _state(vocab, r)},
                          "tz-sortable tz-filterable tz-units",
                          vocab.phrase("overview_no_units", issues=vocab.phrase("overview_issues")),
                          footer=tables.units_total(overview, vocab.phrase("total")) if units else None)),
             f"## {md_inline(counting)}\n", block(_definitions(overview)),
             f"## {md_inline(vocab.phrase('dashboard_downloads'))}\n",
             block(f'<ul class="tz-downloads"><li><a href="{esc(urls.relative_file(INDEX, WORKBOOK, False))}" '
                   f'download="{esc(name)}">{esc(name)}</a>（{esc(sheets)}）</li></ul>'),
             _footer(overview, vocab)]
    return "\n".join(parts)


def _definitions(overview: Overview) -> str:
    items = "".join(f"<div><dt>{esc(name)}</dt><dd>{esc(text)}</dd></div>" for name, text in overview.definitions)
    return f'<dl class="tz-definitions">{items}</dl>'


def render_areas(overview: Overview, vocab) -> str:
    def area(row) -> dict:
        return {"area": row.name}
    return "\n".join([
        _front(), f"# {md_inline(vocab.phrase('overview_areas_title'))}\n",
        _lead(esc(vocab.phrase("overview_areas_lead"))),
        _lead(esc(vocab.phrase("overview_areas_note", total=vocab.phrase("total")))),
        block(_table(AREAS, vocab, "overview_areas", tables.area_rows(overview), area,
                     "tz-sortable tz-areas", vocab.phrase("overview_no_problems"),
                     footer=tables.areas_total(overview, vocab.phrase("total")))),
        f"## {md_inline(vocab.phrase('overview_area_units'))}\n",
        _filter_bar(vocab),
        block(_table(AREAS, vocab, "overview_area_units", tables.area_unit_rows(overview), area,
                     "tz-sortable tz-filterable", vocab.phrase("overview_no_problems"))),
        _footer(overview, vocab)])


def _measures(src: str, vocab, unit: UnitFigures, rows, empty: str) -> str:
    """逾期 or 临期 measures of one unit."""
    def facts(m) -> dict:
        return {"unit": list(m.units), "owner": list(m.owners), "status": m.status or ""}
    # 合计 under the list: 合计 in the 编号 column, how many (“N 项”) beside it
    total = replace(tables.measures_total(vocab.phrase("total"), ""), id=vocab.phrase("total"),
                    title=vocab.phrase("items_count", n=len(rows)))
    return _table(src, vocab, "overview_measures", tables.measure_lines(unit, rows), facts, "tz-sortable", empty,
                  footer=total if rows else None)


def render_overdue(overview: Overview, vocab) -> str:
    late = [u for u in overview.units if u.overdue]
    total = sum(len(u.overdue) for u in late)
    parts = [_front(toc=True), f"# {md_inline(vocab.phrase('dashboard_late'))}\n",
             _lead(esc(vocab.phrase("overview_overdue_lead", date=overview.today.isoformat(), units=len(late), count=total)))]
    if not late:
        parts.append(block(f'<p class="tz-empty">{esc(vocab.phrase("dashboard_no_late"))}</p>'))
    for u in late:
        parts.append(f"## {md_inline(u.name)}\n")
        line = vocab.phrase("overview_unit_overdue", unit=_unit_link(OVERDUE, u), count=len(u.overdue), measures=u.measures)
        parts.append(block(f'<p class="tz-lead">{line}</p>' + _measures(OVERDUE, vocab, u, u.overdue, vocab.phrase("empty"))))
    parts.append(_footer(overview, vocab))
    return "\n".join(parts)


def render_repeats(overview: Overview, vocab) -> str:
    repeats = tables.repeat_rows(overview)
    return "\n".join([
        _front(), f"# {md_inline(vocab.phrase('overview_repeats'))}\n",
        _lead(esc(vocab.phrase("overview_repeats_lead"))),
        _filter_bar(vocab),
        block(_table(REPEATS, vocab, "overview_repeats", repeats, lambda r: {},
                     "tz-sortable tz-filterable", vocab.phrase("overview_no_repeats"),
                     footer=tables.repeats_total(vocab.phrase("total"), vocab.phrase("items_count", n=len(repeats)),
                                                 repeats) if repeats else None)),
        _footer(overview, vocab)])


def render_issues(overview: Overview, vocab) -> str:
    versions = "、".join(str(v) for v in READABLE_VERSIONS)
    issues = tables.issue_rows(overview.issues)
    return "\n".join([
        _front(search=True), f"# {md_inline(vocab.phrase('overview_issues'))}\n",
        _lead(esc(vocab.phrase("overview_issues_lead", versions=versions))),
        block(_table(ISSUES, vocab, "overview_issues", issues, lambda r: {},
                     "tz-sortable", vocab.phrase("overview_no_issues"),
                     footer=tables.issues_total(vocab.phrase("total"), vocab.phrase("items_count", n=len(issues)))
                     if issues else None)),
        _footer(overview, vocab)])


def render_unit(overview: Overview, vocab, unit: UnitFigures, page_dir: str | None) -> str:
    src = unit_page(unit)
    facts = [(vocab.kind_label("round"), esc(unit.round_title or "—")), (vocab.key("team"), esc(unit.team or "—")),
             (vocab.phrase("overview_unit_as_of"), esc(unit.unit_as_of or "—")),
             (vocab.phrase("overview_last_update"), esc(unit.last_update or "—")),
             (vocab.phrase("overview_source"), esc(f"{unit.source_kind}：{unit.location}")),
             (vocab.phrase("overview_site"), site_link(vocab, unit, page_dir))]
    cells = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    areas, late, soon = (vocab.phrase(p) for p in ("overview_areas", "dashboard_late", "dashboard_soon"))
    cards = [(vocab.kind_label("feedback"), unit.feedback, anchor(areas)),
             (vocab.kind_label("problem"), unit.problems, anchor(areas)),
             (vocab.kind_label("measure"), unit.measures, anchor(areas)),
             *((r.label, r.text, anchor(areas)) for r in rate_pairs(unit.completion)),
             (vocab.label("lights", "red"), len(unit.overdue), anchor(late)),
             (vocab.label("lights", "yellow"), len(unit.due_soon), anchor(soon))]
    declarations = vocab.phrase("overview_declarations", count=unit.declarations) if unit.declarations else ""
    states = "".join(f"<li>{esc(k.label)}：{esc(k.text)}（{esc(k.rate.label)} {esc(k.rate.text)}，"
                     f"{esc(k.basic_rate.label)} {esc(k.basic_rate.text)}）</li>" for k in unit.completion)
    states += "".join(f"<li>{esc(vocab.phrase('overview_not_counted', id=x.feedback.id, title=x.feedback.title, reason=x.reason))}</li>"
                      for x in unit.completion.feedback.excluded)
    parts = [_front(toc=True, search=True, title=unit.name), f"# {md_inline(unit.name)}\n",
             block(f'<dl class="tz-round">{cells}</dl>'), _cards(src, cards),
             block(f'<ul class="tz-states">{states}</ul>'),
             _lead(esc(vocab.phrase("overview_unit_lead", date=overview.today.isoformat(), declarations=declarations))
                   + f'<a href="{href(src, INDEX)}">{esc(vocab.phrase("overview_back"))}</a>')]
    if unit.notes:
        items = "".join(f"<li>{esc(n)}</li>" for n in unit.notes)
        parts.append(block(f'<div class="admonition warning"><p class="admonition-title">{esc(vocab.phrase("overview_notes"))}'
                           f'</p><ul>{items}</ul></div>'))
    parts += [f"## {md_inline(areas)}\n",
              block(_table(src, vocab, "overview_unit_areas", tables.unit_area_rows(unit), lambda r: {},
                           "tz-sortable tz-unit-areas", vocab.phrase("overview_no_problems_here"),
                           footer=tables.unit_area_total(unit, vocab.phrase("total")), footer_facts={})),
              f"## {md_inline(late)}\n", block(_measures(src, vocab, unit, unit.overdue, vocab.phrase("dashboard_no_late"))),
              f"## {md_inline(soon)}\n", block(_measures(src, vocab, unit, unit.due_soon, vocab.phrase("dashboard_no_soon"))),
              _footer(overview, vocab)]
    return "\n".join(parts)


@dataclass(frozen=True)
class OverviewPages:
    pages: dict[str, str]             # src_uri -> Markdown
    fragments: dict[str, list[str]]   # src_uri -> HTML set aside from the Markdown (see render.html.block)


def render_pages(overview: Overview, vocab, site_dir: str | None = None) -> OverviewPages:
    """Every page; `site_dir` (where the site will be built) makes links to site folders relative.

    As on the unit sites, large HTML blocks are set aside as fragments and the
    page keeps a placeholder: the overview's hook puts them back after
    Markdown, which would otherwise parse every table cell (most of the build).
    """
    page_dir = os.path.join(site_dir, "units") if site_dir else None
    makers = {INDEX: render_index, AREAS: render_areas, OVERDUE: render_overdue, REPEATS: render_repeats,
              ISSUES: render_issues}
    makers.update({unit_page(u): (lambda o, v, u=u: render_unit(o, v, u, page_dir)) for u in overview.units})
    pages, fragments = {}, {}
    for uri, make in makers.items():
        pages[uri], collected = set_aside(make(overview, vocab))
        if collected:   # ids and dates kept on one line, as on the unit sites (render.html.keep_whole)
            fragments[uri] = [keep_whole(f) for f in collected]
    return OverviewPages(pages, fragments)
