"""The overview site's pages: src_uri → Markdown text, from an Overview.

Unit data is untrusted text from many hands: every value passes `esc`
(HTML) or `md_inline` (headings), as on the unit sites. Tables are raw HTML
blocks with the unit sites' classes, so the same offline sort and filter
script works on them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

from taizhang.gather import columns as tables
from taizhang.gather.figures import Overview, UnitFigures
from taizhang.gather.schema import READABLE_VERSIONS
from taizhang.link import RED, YELLOW
from taizhang.render import urls
from taizhang.render.columns import headers
from taizhang.render.html import Cell, Row, block, collecting_fragments, esc, md_inline, table
from taizhang.views import Rate

INDEX, AREAS, OVERDUE, REPEATS, ISSUES = "index.md", "areas.md", "overdue.md", "repeats.md", "issues.md"
WORKBOOK = "downloads/overview.xlsx"
WORKBOOK_NAME = "督查总览.xlsx"
NAV = (("总览", INDEX), ("分方面", AREAS), ("逾期事项", OVERDUE), ("共性问题", REPEATS), ("数据问题", ISSUES))


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


def site_link(unit: UnitFigures, page_dir: str | None) -> str:
    """The unit's own site: its 网址, or, for a site folder, a relative path to it."""
    if unit.url:
        return f'<a href="{esc(unit.url)}">{esc(unit.url)}</a>'
    if unit.source_kind == "网站文件夹" and page_dir:
        target = os.path.relpath(os.path.join(unit.location, "index.html"), page_dir).replace(os.sep, "/")
        return f'<a href="{esc(target)}">本单位网站</a>'
    return '<span class="tz-empty">未提供网址</span>'


def _cards(src: str, cards) -> str:
    """Figure cards as on the unit dashboard: (label, value, target page or #anchor)."""
    html_cards = "".join(
        f'<a class="tz-num" href="{esc(target) if target.startswith("#") else href(src, target)}" data-metric="{esc(label)}">'
        f'<span class="tz-num__value">{esc(value)}</span><span class="tz-num__label">{esc(label)}</span></a>'
        for label, value, target in cards)
    return block(f'<div class="tz-numbers">{html_cards}</div>')



def _state(unit) -> str:
    return "逾期" if unit.overdue else ("临期" if unit.due_soon else "正常")


def _lead(text: str) -> str:
    return block(f'<p class="tz-lead">{text}</p>')


def _footer(overview: Overview) -> str:
    return block(f'<p class="tz-source">本页由 taizhang gather 根据 {len(overview.units)} 个单位发布的台账数据'
                 f"（共 {overview.records} 条记录）自动生成，统计日期 {esc(overview.today.isoformat())}。"
                 "数据有误请联系相应单位在其台账中修改。</p>")


def rate_cell(r) -> Cell:
    """A core Rate (views.Rate): its text ("—" when nothing to divide) and numerator/denominator."""
    if r.value is None:
        return Cell(esc(r.text), "-1")
    return Cell(f'{esc(r.text)}<br><small class="tz-num__count">（{r.done}/{r.total}）</small>', f"{r.value:.6f}")


def _light_count(value: int, light: str) -> Cell:
    html = f'<span class="tz-light tz-light--{light}">{esc(value)}</span>' if value else "0"
    return Cell(html, f"{value:09d}")


def _measure_light(row) -> Cell:
    if row.light == RED:
        note = f"逾期 {-row.days_left} 天"
    elif row.light == YELLOW:
        note = f"临期（剩 {row.days_left} 天）"
    else:
        note = ""
    light = f'<span class="tz-light tz-light--{esc(row.light)}">{esc(note)}</span>' if note else ""
    return Cell(light, f"{row.days_left if row.days_left is not None else 0:+09d}")


def _handling(row) -> str:
    if row.effect:
        return esc(row.effect)
    return "已纳入总览，统计可能不准" if not row.fatal else "<strong>未纳入总览</strong>"


def cell(src: str, vocab, column, row):
    """One cell of a 督查总览 table (vocabulary.yml `tables`, overview_*) as the page shows it;
    `row.total`: the 合计 row, whose name is bold and whose counts carry no light."""
    value, show = getattr(row, column.name), column.show
    if show == "number":
        return "" if row.total else Cell(esc(value), f"{value:06d}")
    if show == "unit":
        return f"<strong>{esc(value)}</strong>" if row.total else _link(src, row.key, value)
    if show == "text":
        if row.total:
            return f"<strong>{esc(value)}</strong>" if value else ""
        return esc(value) if value else esc(vocab.phrase(column.gap or "none"))
    if show == "count" or (show in ("overdue", "due_soon") and row.total):
        return count(value)
    if show == "rate":
        return rate_cell(value) if isinstance(value, Rate) else percent(value)
    if show in ("overdue", "due_soon"):
        return _light_count(value, "red" if show == "overdue" else "yellow")
    if show == "date":
        return esc(value or "—") if row.total else Cell(esc(value or "—"), value or "")
    if show == "texts":
        return esc("、".join(value) or "—")
    if show == "deadline":
        return Cell(esc(value or "—"), value or "")
    if show == "status":
        return esc(value or "—")
    if show == "light":
        return _measure_light(row)
    if show == "days":
        return "—" if value is None else Cell(esc(value), f"{value:09d}")
    if show == "places":
        return "；".join(f"{_link(src, key, name)} {esc('、'.join(ids))}" for key, name, ids in value)
    if show == "lagging":
        return "" if row.total else "、".join(f"{_link(src, key, name)}（{rate * 100:.1f}%）"
                                              for key, name, rate in value) or "—"
    if show == "handling":
        return _handling(row)
    return esc(value)


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
    cards = [("单位", len(units), "#各单位情况"),
             *((f"{r.label}（合计）", f"{r.text}（{r.done}/{r.total}）" if r.value is not None else r.text, "#统计口径")
               for r in (total.measures.rate, total.measures.basic_rate)),
             ("逾期措施", overdue, OVERDUE), ("临期措施", soon, "#各单位情况"),
             ("数据问题", len(overview.issues), ISSUES)]
    parts = [_front(), f"# {md_inline(overview.title)}\n",
             _lead(f"统计日期 {esc(overview.today.isoformat())}：汇总 {len(units)} 个单位的整改台账，各单位按其当前巡视轮次统计。"
                   + (f'另有 <a href="{href(INDEX, ISSUES)}">{len(overview.issues)} 个数据问题</a>。' if overview.issues else "")),
             _cards(INDEX, cards),
             "## 各单位情况\n",
             _lead("合计（" + esc("；".join(f"{k.label}{k.text}" for k in total)) + "）。"),
             block(_table(INDEX, vocab, "overview_units", tables.unit_rows(units), lambda r: {"light": _state(r)},
                          "tz-sortable tz-filterable tz-units", "没有可用的单位数据：见“数据问题”。",
                          footer=tables.units_total(overview, vocab.phrase("total")) if units else None)),
             "## 统计口径\n", block(_definitions(overview)),
             "## 下载\n",
             block(f'<ul class="tz-downloads"><li><a href="{esc(urls.relative_file(INDEX, WORKBOOK, False))}" '
                   f'download="{esc(WORKBOOK_NAME)}">{esc(WORKBOOK_NAME)}</a>（各单位情况、分方面、逾期事项、共性问题、数据问题）</li></ul>'),
             _footer(overview)]
    return "\n".join(parts)


def _definitions(overview: Overview) -> str:
    items = "".join(f"<div><dt>{esc(name)}</dt><dd>{esc(text)}</dd></div>" for name, text in overview.definitions)
    return f'<dl class="tz-definitions">{items}</dl>'


def render_areas(overview: Overview, vocab) -> str:
    def area(row) -> dict:
        return {"area": row.name}
    return "\n".join([
        _front(), "# 分方面情况\n",
        _lead("各单位的查摆问题按所属方面汇总，完成率低的方面排在前面，看哪些方面普遍滞后。"
              "一项措施整改几个方面的问题时，在每个方面各计一次；各单位名称相同的方面合并为一行。"),
        _lead("一项措施整改几个方面的问题时在每个方面各计一次，所以下面的合计行可能多于各单位措施总数。"),
        block(_table(AREAS, vocab, "overview_areas", tables.area_rows(overview), area,
                     "tz-sortable tz-areas", "各单位都还没有查摆问题。",
                     footer=tables.areas_total(overview, vocab.phrase("total")))),
        "## 各单位分方面\n",
        block(_table(AREAS, vocab, "overview_area_units", tables.area_unit_rows(overview), area,
                     "tz-sortable tz-filterable", "各单位都还没有查摆问题。")),
        _footer(overview)])


def _measures(src: str, vocab, unit: UnitFigures, rows, empty: str = "（无）") -> str:
    """逾期 or 临期 measures of one unit."""
    def facts(m) -> dict:
        return {"unit": list(m.units), "owner": list(m.owners), "status": m.status or ""}
    return _table(src, vocab, "overview_measures", tables.measure_lines(unit, rows), facts, "tz-sortable", empty)


def render_overdue(overview: Overview, vocab) -> str:
    late = [u for u in overview.units if u.overdue]
    total = sum(len(u.overdue) for u in late)
    parts = [_front(toc=True), "# 逾期事项\n",
             _lead(f"统计日期 {esc(overview.today.isoformat())}：{len(late)} 个单位共 {total} 项措施已过整改时限仍未完成，"
                   "按单位列出，每个单位内逾期最久的在前。")]
    if not late:
        parts.append(block('<p class="tz-empty">没有逾期事项。</p>'))
    for u in late:
        parts.append(f"## {md_inline(u.name)}\n")
        parts.append(block(f'<p class="tz-lead">{_unit_link(OVERDUE, u)}：{len(u.overdue)} 项逾期，'
                           f"本轮 {u.measures} 项措施。</p>"
                           + _measures(OVERDUE, vocab, u, u.overdue)))
    parts.append(_footer(overview))
    return "\n".join(parts)


def render_repeats(overview: Overview, vocab) -> str:
    return "\n".join([
        _front(), "# 共性问题\n",
        _lead("同一条反馈意见原文或同一个查摆问题标题（去掉空格和标点后逐字相同）出现在两个及以上单位的当前轮次中："
              "这些是面上的共性问题，宜统一督办。"),
        block(_table(REPEATS, vocab, "overview_repeats", tables.repeat_rows(overview), lambda r: {},
                     "tz-sortable tz-filterable", "没有在两个及以上单位中重复出现的反馈问题或查摆问题。")),
        _footer(overview)])


def render_issues(overview: Overview, vocab) -> str:
    versions = "、".join(str(v) for v in READABLE_VERSIONS)
    return "\n".join([
        _front(search=True), "# 数据问题\n",
        _lead(f"读取各单位数据时发现的问题。本工具读取 records.json 数据格式版本 {esc(versions)}"
              "（记录中的 schema_version 字段；没有该字段的旧文件为版本 1）。有问题的来源不影响其他单位。"),
        block(_table(ISSUES, vocab, "overview_issues", tables.issue_rows(overview.issues), lambda r: {},
                     "tz-sortable", "所有来源都已正常读取。")),
        _footer(overview)])


def render_unit(overview: Overview, vocab, unit: UnitFigures, page_dir: str | None) -> str:
    src = unit_page(unit)
    facts = [("巡视轮次", esc(unit.round_title or "—")), ("巡视组", esc(unit.team or "—")),
             ("单位统计日期", esc(unit.unit_as_of or "—")), ("最近进展", esc(unit.last_update or "—")),
             ("数据来源", esc(f"{unit.source_kind}：{unit.location}")), ("本单位网站", site_link(unit, page_dir))]
    cells = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    cards = [("反馈问题", unit.feedback, "#分方面"), ("查摆问题", unit.problems, "#分方面"),
             ("整改措施", unit.measures, "#分方面"),
             *((r.label, r.text, "#分方面") for r in rate_pairs(unit.completion)),
             ("逾期", len(unit.overdue), "#逾期事项"), ("临期", len(unit.due_soon), "#临期事项")]
    declarations = f"（另有说明事项 {unit.declarations} 项，不计入问题数）" if unit.declarations else ""
    states = "".join(f"<li>{esc(k.label)}：{esc(k.text)}（{esc(k.rate.label)} {esc(k.rate.text)}，"
                     f"{esc(k.basic_rate.label)} {esc(k.basic_rate.text)}）</li>" for k in unit.completion)
    states += "".join(f"<li>{esc(x.feedback.id)} {esc(x.feedback.title)}：{esc(x.reason)}（不计入）</li>"
                      for x in unit.completion.feedback.excluded)
    parts = [_front(toc=True, search=True, title=unit.name), f"# {md_inline(unit.name)}\n",
             block(f'<dl class="tz-round">{cells}</dl>'), _cards(src, cards),
             block(f'<ul class="tz-states">{states}</ul>'),
             _lead(f'统计日期 {esc(overview.today.isoformat())}{esc(declarations)}。'
                   f'<a href="{href(src, INDEX)}">返回督查总览</a>')]
    if unit.notes:
        items = "".join(f"<li>{esc(n)}</li>" for n in unit.notes)
        parts.append(block(f'<div class="admonition warning"><p class="admonition-title">数据提示</p><ul>{items}</ul></div>'))
    parts += ["## 分方面\n", block(_table(src, vocab, "overview_unit_areas", tables.unit_area_rows(unit), lambda r: {},
                                           "tz-sortable tz-unit-areas", "本轮还没有查摆问题。",
                                           footer=tables.unit_area_total(unit, vocab.phrase("total")), footer_facts={})),
              "## 逾期事项\n", block(_measures(src, vocab, unit, unit.overdue, "没有逾期事项。")),
              "## 临期事项\n", block(_measures(src, vocab, unit, unit.due_soon, "没有临期事项。")),
              _footer(overview)]
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
        with collecting_fragments() as collected:
            pages[uri] = make(overview, vocab)
        if collected:
            fragments[uri] = list(collected)
    return OverviewPages(pages, fragments)
