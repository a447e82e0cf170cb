"""The three lists (问题清单, 任务清单, 责任清单) and one index per kind."""

from __future__ import annotations

from collections import defaultdict

from taizhang.link import DONE, RED, worst_light
from taizhang.model import MeasureRecord, ProblemRecord
from taizhang.render.html import (ID, KEY, LIGHT_HEADER, NO_MEASURE, TITLE, WIDE, Cell, Col, Page, Row,
                                  area_label, block, esc, filter_bar, md_inline, table)
from taizhang.render.scope import Scope



def task_headers(vocab) -> list[Col]:
    return [Col("序号", "tz-num"), Col("编号", ID), Col(vocab.kind_label("measure"), TITLE),
            Col(vocab.key("problems"), WIDE), Col(vocab.key("measure_type")), Col(vocab.key("leader")),
            Col(vocab.key("unit")), Col(vocab.key("owner")), Col(vocab.key("deadline")),
            Col(vocab.key("completed_on")), Col(vocab.key("status"), KEY), Col(LIGHT_HEADER, KEY)]


def measure_facts(page: Page, m: MeasureRecord) -> dict:
    """What the filter bar reads from a measure's row."""
    ledger, vocab = page.ledger, page.vocab
    light = ledger.lights.get(m.id)
    return {
        "status": vocab.label("statuses", m.status) if m.status else "",
        "type": vocab.label("measure_types", m.measure_type) if m.measure_type else "",
        "leader": m.leader, "unit": m.unit, "owner": m.owner,
        "area": [area_label(a, ledger.area_name(m, a)) for a in ledger.areas_of_measure(m)],
        "light": vocab.label("lights", light) if light else "",
    }


def task_rows(page: Page, measures: list[MeasureRecord]) -> list[Row]:
    ledger, vocab = page.ledger, page.vocab
    rows = []
    for number, m in enumerate(measures, start=1):
        problems = "、".join(page.id_link(p) for p in ledger.targets(m, "problems")) or "—"
        light = ledger.lights.get(m.id)
        completed = m.completed_on.isoformat() if m.completed_on else ""
        rows.append(Row([
            Cell(esc(number), f"{number:06d}"), page.id_link(m), page.link(m, m.title), problems,
            esc(vocab.label("measure_types", m.measure_type)) if m.measure_type else "—",
            page.texts(m.leader), page.texts(m.unit), page.texts(m.owner),
            page.deadline_cell(m), Cell(esc(completed or "—"), completed),
            page.status_cell(m.status), page.light_cell(light, page.measure_light(m)),
        ], measure_facts(page, m)))
    return rows


def problem_light(page: Page, problem: ProblemRecord) -> str | None:
    return worst_light(page.ledger.lights.get(m.id) for m in page.ledger.measures_of(problem.id))


def earliest_open_deadline(page: Page, measures: list[MeasureRecord]) -> Cell:
    """The nearest 整改时限 among the problem's measures not yet closed."""
    vocab = page.vocab
    open_ = [m for m in measures if not (m.status and vocab.is_closed(m.status))]
    dated = sorted((m for m in open_ if m.deadline and not m.long_term), key=lambda m: m.deadline)
    if dated:
        return page.deadline_cell(dated[0])
    if any(m.long_term for m in open_):
        return Cell(esc(vocab.long_term_deadline), "9999-99-99")
    return Cell("—", "")


def render_problem_list(page: Page, scope: Scope) -> str:
    ledger, vocab = page.ledger, page.vocab
    parts = ["# 问题清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}共 {len(scope.problems)} 个查摆问题；'
                   "每个问题的整改状态按其整改措施自动计算（最慢的一项决定），"
                   "整改时限是其未完成措施中最早的一个。</p>"),
             block(filter_bar(page, scope.areas()))]
    by_area = defaultdict(list)
    for p in scope.problems:
        by_area[p.area].append(p)
    headers = [Col("编号", ID), Col(vocab.kind_label("problem"), TITLE), Col(vocab.key("feedback"), WIDE),
               Col(vocab.key("unit")), Col(vocab.key("deadline")), Col(vocab.kind_label("measure")),
               Col(vocab.key("status"), KEY), Col(LIGHT_HEADER, KEY)]
    for ordinal, name in scope.areas():
        problems = by_area.get(ordinal, [])
        if not problems:
            continue
        parts.append(f"## {md_inline(area_label(ordinal, name))}\n")
        rows = []
        for p in problems:
            feedback = "<br>".join(page.link(f) for f in ledger.targets(p, "feedback")) or "—"
            measures = ledger.measures_of(p.id)
            status = ledger.problem_status.get(p.id)
            light = problem_light(page, p)
            units = sorted({u for m in measures for u in m.unit})
            facts = {"status": vocab.label("statuses", status) if status else NO_MEASURE,
                     "light": vocab.label("lights", light) if light else "",
                     "area": area_label(ordinal, name), "unit": units,
                     "leader": sorted({u for m in measures for u in m.leader})}
            rows.append(Row([
                page.id_link(p), page.link(p, p.title), feedback, page.texts(units),
                earliest_open_deadline(page, measures),
                "、".join(page.id_link(m) for m in measures) or f'<span class="tz-gap">{NO_MEASURE}</span>',
                page.status_cell(status, NO_MEASURE), page.light_cell(light, page.light(light)),
            ], facts))
        parts.append(block(table(headers, rows, "tz-sortable tz-filterable")))
    if scope.declarations:
        parts.append("## 说明事项\n")
        parts.append(block('<p class="tz-lead">以下为对照检查中的说明事项，不计入问题数。</p>'))
        rows = [[page.id_link(p), page.link(p, p.title)] for p in scope.declarations]
        parts.append(block(table([Col("编号", ID), Col("说明事项", TITLE)], rows)))
    return "\n".join(parts)


def render_task_list(page: Page, scope: Scope) -> str:
    parts = ["# 任务清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}共 {len(scope.measures)} 项整改措施。'
                   "红色为逾期，黄色为临期，绿色为正常推进。</p>"),
             block(filter_bar(page, scope.areas())),
             block(table(task_headers(page.vocab), task_rows(page, scope.measures), "tz-sortable tz-filterable"))]
    return "\n".join(parts)


def render_responsibility_list(page: Page, scope: Scope) -> str:
    vocab = page.vocab
    parts = ["# 责任清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}按{vocab.key("leader")}和{vocab.key("unit")}'
                   "列出整改措施；一项措施有多位领导或多个单位时，在每一位、每一个名下都列出。</p>"),
             block(filter_bar(page, scope.areas()))]
    for field, title in (("leader", "按责任领导"), ("unit", "按责任单位")):
        groups = defaultdict(list)
        for m in scope.measures:
            for name in getattr(m, field) or ("（未填写）",):
                groups[name].append(m)
        parts.append(f"## {title}\n")
        summary = [[esc(name), esc(len(ms)), esc(_count(page, ms, DONE)), esc(_count(page, ms, RED))]
                   for name, ms in sorted(groups.items())]
        parts.append(block(table([Col(vocab.key(field), TITLE), "措施数", "已完成", "逾期"], summary,
                                 "tz-sortable tz-plain")))
        for name, ms in sorted(groups.items()):
            parts.append(f"### {md_inline(name)}\n")
            parts.append(block(table(task_headers(vocab), task_rows(page, ms), "tz-sortable tz-filterable")))
    return "\n".join(parts)


def _count(page: Page, measures, light: str) -> int:
    return sum(1 for m in measures if page.ledger.lights.get(m.id) == light)


def _round_line(scope: Scope) -> str:
    return f"{esc(scope.round.title)}：" if scope.round else ""


INDEX_COLUMNS = {
    "round": [Col("编号", ID), Col("巡视轮次", TITLE), "巡视组", "反馈日期", "整改阶段"],
    "feedback": [Col("编号", ID), Col("反馈问题", TITLE), "方面", "回应的查摆问题"],
    "problem": [Col("编号", ID), Col("查摆问题", TITLE), "方面", Col("整改状态", KEY)],
    "cause": [Col("编号", ID), Col("原因", TITLE), "导致的查摆问题"],
    "measure": [Col("编号", ID), Col("整改措施", TITLE), "责任单位", "整改时限", Col("整改状态", KEY)],
}


def render_kind_index(page: Page, kind: str) -> str:
    vocab, ledger = page.vocab, page.ledger
    records = ledger.of_kind(kind)
    rows = []
    for r in records:
        row = [page.id_link(r), page.link(r, r.title)]
        if kind == "round":
            row += [esc(r.team or "—"), esc(r.feedback_date or "—"),
                    esc(vocab.label("phases", r.phase)) if r.phase else "—"]
        elif kind == "feedback":
            row += [esc(r.area or "—"),
                    "、".join(page.id_link(p) for p in ledger.linked_from(r.id, "problem", "feedback"))
                    or '<span class="tz-gap">尚无回应</span>']
        elif kind == "problem":
            status = (esc(vocab.label("natures", "declaration")) if r.is_declaration
                      else page.status_cell(ledger.problem_status.get(r.id), "尚无整改措施"))
            row += [esc(r.area or "—"), status]
        elif kind == "cause":
            row += ["、".join(page.id_link(p) for p in ledger.linked_from(r.id, "problem", "causes")) or "—"]
        elif kind == "measure":
            status = page.status_cell(r.status)
            row += [page.texts(r.unit), page.deadline_cell(r), Cell(status.html + " " + page.measure_light(r), status.sort)]
        rows.append(row)
    label = vocab.kind_label(kind)
    return (f"# {md_inline(label)}\n"
            + block(f'<p class="tz-lead">共 {len(records)} 条{esc(label)}记录。</p>')
            + block(table(INDEX_COLUMNS[kind], rows, "tz-sortable")))


def render_recurrences(page: Page, scope: Scope) -> str:
    """屡查屡犯: every record that names the same record of an earlier round."""
    ledger, vocab = page.ledger, page.vocab
    rows = []
    for record in ledger.records.values():
        for earlier in ledger.targets(record, "recurs_from"):
            rows.append([page.link(record), esc(record.round or "—"), page.link(earlier), esc(earlier.round or "—"),
                         esc(vocab.kind_label(record.kind))])
    return ("# 屡查屡犯\n"
            + block('<p class="tz-lead">在后续轮次中再次出现的问题、反馈和承接的整改措施（记录中写了“前轮记录”的）。</p>')
            + block(table(["本轮记录", "轮次", "前轮记录", "前轮轮次", "类别"], rows, "tz-sortable", "没有屡查屡犯的记录。")))
