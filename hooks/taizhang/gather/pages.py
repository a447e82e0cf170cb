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

from taizhang.gather.figures import AreaTotal, MeasureRow, Overview, UnitFigures
from taizhang.gather.schema import READABLE_VERSIONS
from taizhang.link import RED, YELLOW
from taizhang.render import urls
from taizhang.render.html import Cell, Row, block, collecting_fragments, esc, md_inline, table

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


LAGGING_SHOWN = 3

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
    return f'<a href="{href(src, unit_page(unit))}">{esc(unit.name)}</a>'


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



def _state(unit: UnitFigures) -> str:
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


def rate_pairs(completion):
    """(完成率, 完成及基本完成率) of measures, problems, feedback, in that order."""
    return [r for k in (completion.measures, completion.problems, completion.feedback) for r in (k.rate, k.basic_rate)]


def unit_headers(overview: Overview) -> list[str]:
    """The units table's columns; the six rate labels are the vocabulary's (the unit sites' own)."""
    return (["序号", "填报单位", "巡视轮次", "反馈问题", "查摆问题", "整改措施"]
            + [r.label for r in rate_pairs(overview.total)] + ["逾期", "临期", "最近进展"])


def unit_rows(src: str, units) -> list[Row]:
    rows = []
    for number, u in enumerate(units, start=1):
        overdue = f'<span class="tz-light tz-light--red">{esc(len(u.overdue))}</span>' if u.overdue else "0"
        soon = f'<span class="tz-light tz-light--yellow">{esc(len(u.due_soon))}</span>' if u.due_soon else "0"
        rows.append(Row([
            Cell(esc(number), f"{number:06d}"), _unit_link(src, u), esc(u.round_title or "—"),
            count(u.feedback), count(u.problems), count(u.measures),
            *(rate_cell(r) for r in rate_pairs(u.completion)),
            Cell(overdue, f"{len(u.overdue):09d}"), Cell(soon, f"{len(u.due_soon):09d}"),
            Cell(esc(u.last_update or "—"), u.last_update or ""),
        ], {"light": _state(u)}))
    return rows


def totals_row(overview: Overview) -> Row:
    """合计: every unit's counts added, the rates worked out again from the sums (views.total_completion)."""
    units = overview.units
    return Row(["", "<strong>合计</strong>", "", count(sum(u.feedback for u in units)),
                count(sum(u.problems for u in units)), count(sum(u.measures for u in units)),
                *(rate_cell(r) for r in rate_pairs(overview.total)),
                count(sum(len(u.overdue) for u in units)), count(sum(len(u.due_soon) for u in units)),
                esc(max((u.last_update for u in units if u.last_update), default="—"))], {"total": "1"})


def render_index(overview: Overview) -> str:
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
             block(table(unit_headers(overview), unit_rows(INDEX, units), "tz-sortable tz-filterable tz-units",
                         "没有可用的单位数据：见“数据问题”。", footer=totals_row(overview) if units else None)),
             "## 统计口径\n", block(_definitions(overview)),
             "## 下载\n",
             block(f'<ul class="tz-downloads"><li><a href="{esc(urls.relative_file(INDEX, WORKBOOK, False))}" '
                   f'download="{esc(WORKBOOK_NAME)}">{esc(WORKBOOK_NAME)}</a>（各单位情况、分方面、逾期事项、共性问题、数据问题）</li></ul>'),
             _footer(overview)]
    return "\n".join(parts)


def _definitions(overview: Overview) -> str:
    items = "".join(f"<div><dt>{esc(name)}</dt><dd>{esc(text)}</dd></div>" for name, text in overview.definitions)
    return f'<dl class="tz-definitions">{items}</dl>'


AREA_HEADERS = ["方面", "涉及单位", "查摆问题", "整改措施", "已完成措施", "措施完成率", "逾期措施", "完成率最低的单位"]


def _lagging(src: str, overview: Overview, total: AreaTotal) -> str:
    ranked = sorted((f for f in total.units if f[1].measures),
                    key=lambda f: (f[1].rate, f[0]))[:LAGGING_SHOWN]
    return "、".join(f"{_unit_link(src, overview.unit(key))}（{area.rate * 100:.1f}%）" for key, area in ranked) or "—"


def _area_totals(overview: Overview) -> Row:
    def total(field: str) -> int:
        return sum(t.total(field) for t in overview.areas)
    measures, closed = total("measures"), total("closed")
    share = closed / measures if measures else None
    return Row(["<strong>合计</strong>", count(len({k for t in overview.areas for k, _ in t.units})), count(total("problems")),
                count(measures), count(closed), percent(share), count(total("overdue")), ""], {"total": "1"})


def render_areas(overview: Overview) -> str:
    rows = [Row([esc(t.name), count(len(t.units)), count(t.total("problems")), count(t.total("measures")),
                 count(t.total("closed")), percent(t.rate), count(t.total("overdue")), _lagging(AREAS, overview, t)],
                {"area": t.name}) for t in overview.areas]
    detail = [Row([esc(area.name), _unit_link(AREAS, overview.unit(key)), count(area.problems), count(area.measures),
                   percent(area.rate), count(area.overdue)], {"area": area.name})
              for t in overview.areas for key, area in t.units]
    return "\n".join([
        _front(), "# 分方面情况\n",
        _lead("各单位的查摆问题按所属方面汇总，完成率低的方面排在前面，看哪些方面普遍滞后。"
              "一项措施整改几个方面的问题时，在每个方面各计一次；各单位名称相同的方面合并为一行。"),
        _lead("一项措施整改几个方面的问题时在每个方面各计一次，所以下面的合计行可能多于各单位措施总数。"),
        block(table(AREA_HEADERS, rows, "tz-sortable tz-areas", "各单位都还没有查摆问题。", footer=_area_totals(overview))),
        "## 各单位分方面\n",
        block(table(["方面", "单位", "查摆问题", "整改措施", "措施完成率", "逾期措施"], detail,
                    "tz-sortable tz-filterable", "各单位都还没有查摆问题。")),
        _footer(overview)])


MEASURE_HEADERS = ["编号", "整改措施", "责任单位", "责任人", "整改时限", "整改状态", "提示"]


def measure_rows(rows: list[MeasureRow]) -> list[Row]:
    out = []
    for m in rows:
        if m.light == RED:
            note = f"逾期 {-m.days_left} 天"
        elif m.light == YELLOW:
            note = f"临期（剩 {m.days_left} 天）"
        else:
            note = ""
        light = f'<span class="tz-light tz-light--{esc(m.light)}">{esc(note)}</span>' if note else ""
        out.append(Row([esc(m.id), esc(m.title), esc("、".join(m.units) or "—"), esc("、".join(m.owners) or "—"),
                        Cell(esc(m.deadline or "—"), m.deadline or ""), esc(m.status or "—"),
                        Cell(light, f"{m.days_left if m.days_left is not None else 0:+09d}")],
                       {"unit": list(m.units), "owner": list(m.owners), "status": m.status or ""}))
    return out


def render_overdue(overview: Overview) -> str:
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
                           + table(MEASURE_HEADERS, measure_rows(list(u.overdue)), "tz-sortable")))
    parts.append(_footer(overview))
    return "\n".join(parts)


def render_repeats(overview: Overview) -> str:
    rows = []
    for r in overview.repeats:
        where = "；".join(f"{_unit_link(REPEATS, overview.unit(key))} {esc('、'.join(ids))}" for key, ids in r.by_unit())
        rows.append([esc(r.kind), esc(r.text), count(r.unit_count), where])
    return "\n".join([
        _front(), "# 共性问题\n",
        _lead("同一条反馈意见原文或同一个查摆问题标题（去掉空格和标点后逐字相同）出现在两个及以上单位的当前轮次中："
              "这些是面上的共性问题，宜统一督办。"),
        block(table(["类别", "内容", "单位数", "出现在"], rows, "tz-sortable tz-filterable",
                    "没有在两个及以上单位中重复出现的反馈问题或查摆问题。")),
        _footer(overview)])


def render_issues(overview: Overview) -> str:
    versions = "、".join(str(v) for v in READABLE_VERSIONS)
    rows = [[esc(i.source.name or "（未命名）"), esc(str(i.source.location)), esc(i.source.origin), esc(i.reason),
             esc(i.effect) if i.effect else "已纳入总览，统计可能不准" if not i.fatal else '<strong>未纳入总览</strong>']
            for i in overview.issues]
    return "\n".join([
        _front(search=True), "# 数据问题\n",
        _lead(f"读取各单位数据时发现的问题。本工具读取 records.json 数据格式版本 {esc(versions)}"
              "（记录中的 schema_version 字段；没有该字段的旧文件为版本 1）。有问题的来源不影响其他单位。"),
        block(table(["单位", "位置", "来源清单", "原因", "处理"], rows, "tz-sortable", "所有来源都已正常读取。")),
        _footer(overview)])


def render_unit(overview: Overview, unit: UnitFigures, page_dir: str | None) -> str:
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
    area_rows = [[esc(a.name), count(a.problems), count(a.measures), percent(a.rate), count(a.overdue)] for a in unit.areas]
    area_total = ["<strong>合计</strong>", count(unit.problems), count(unit.measures),
                  rate_cell(unit.completion.measures.rate), count(len(unit.overdue))]
    parts += ["## 分方面\n", block(table(["方面", "查摆问题", "整改措施", "措施完成率", "逾期措施"], area_rows,
                                          "tz-sortable tz-unit-areas", "本轮还没有查摆问题。", footer=area_total)),
              "## 逾期事项\n", block(table(MEASURE_HEADERS, measure_rows(list(unit.overdue)), "tz-sortable", "没有逾期事项。")),
              "## 临期事项\n", block(table(MEASURE_HEADERS, measure_rows(list(unit.due_soon)), "tz-sortable", "没有临期事项。")),
              _footer(overview)]
    return "\n".join(parts)


@dataclass(frozen=True)
class OverviewPages:
    pages: dict[str, str]             # src_uri -> Markdown
    fragments: dict[str, list[str]]   # src_uri -> HTML set aside from the Markdown (see render.html.block)


def render_pages(overview: Overview, site_dir: str | None = None) -> OverviewPages:
    """Every page; `site_dir` (where the site will be built) makes links to site folders relative.

    As on the unit sites, large HTML blocks are set aside as fragments and the
    page keeps a placeholder: the overview's hook puts them back after
    Markdown, which would otherwise parse every table cell (most of the build).
    """
    page_dir = os.path.join(site_dir, "units") if site_dir else None
    makers = {INDEX: render_index, AREAS: render_areas, OVERDUE: render_overdue, REPEATS: render_repeats,
              ISSUES: render_issues}
    makers.update({unit_page(u): (lambda o, u=u: render_unit(o, u, page_dir)) for u in overview.units})
    pages, fragments = {}, {}
    for uri, make in makers.items():
        with collecting_fragments() as collected:
            pages[uri] = make(overview)
        if collected:
            fragments[uri] = list(collected)
    return OverviewPages(pages, fragments)
