"""The three lists (问题清单, 任务清单, 责任清单) and one index per kind."""

from __future__ import annotations

from collections import defaultdict

from taizhang.link import DONE, RED, worst_light
from taizhang.model import MeasureRecord, ProblemRecord
from taizhang.render.html import Cell, Page, Row, block, esc, md_inline, table
from taizhang.render.marks import repeat_mark, round_marks
from taizhang.render.scope import Scope

TASK_HEADERS = ["序号", "编号", "整改措施", "整改问题", "责任领导", "责任单位", "责任人", "整改时限", "整改状态", "提示"]


def task_rows(page: Page, measures: list[MeasureRecord]) -> list[Row]:
    ledger, vocab = page.ledger, page.vocab
    rows = []
    for number, m in enumerate(measures, start=1):
        problems = "、".join(page.id_link(p) for p in ledger.targets(m, "problems")) or "—"
        light = ledger.lights.get(m.id)
        facts = {
            "status": vocab.label("statuses", m.status) if m.status else "",
            "leader": m.leader, "unit": m.unit, "owner": m.owner,
            "area": [f"（{a}）{ledger.area_name(m, a)}" for a in ledger.areas_of_measure(m)],
            "light": vocab.label("lights", light) if light else "",
        }
        rows.append(Row([
            Cell(esc(number), f"{number:06d}"), page.id_link(m), page.link(m, m.title), problems,
            page.texts(m.leader), page.texts(m.unit), page.texts(m.owner),
            page.deadline_cell(m), _with_marks(page.status_cell(m.status), round_marks(page, m)),
            page.light_cell(light, page.measure_light(m)),
        ], facts))
    return rows


def _with_marks(cell: Cell, marks: str) -> Cell:
    return Cell(cell.html + marks, cell.sort) if marks else cell


def problem_light(page: Page, problem: ProblemRecord) -> str | None:
    return worst_light(page.ledger.lights.get(m.id) for m in page.ledger.measures_of(problem.id))


def render_problem_list(page: Page, scope: Scope) -> str:
    ledger = page.ledger
    repeats = len(scope.repeat_problems)
    repeat_note = f'其中屡查屡犯 <strong data-repeats="{repeats}">{repeats}</strong> 个；' if repeats else ""
    parts = ["# 问题清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}共 {len(scope.problems)} 个查摆问题；{repeat_note}'
                   "每个问题的整改状态按其整改措施自动计算（最慢的一项决定）。</p>")]
    by_area = defaultdict(list)
    for p in scope.problems:
        by_area[p.area].append(p)
    for ordinal, name in scope.areas():
        problems = by_area.get(ordinal, [])
        if not problems:
            continue
        parts.append(f"## （{md_inline(ordinal)}）{md_inline(name)}\n")
        rows = []
        for p in problems:
            feedback = "、".join(page.id_link(f) for f in ledger.targets(p, "feedback")) or "—"
            measures = ledger.measures_of(p.id)
            status = ledger.problem_status.get(p.id)
            light = problem_light(page, p)
            facts = {"status": page.vocab.label("statuses", status) if status else "尚无整改措施",
                     "area": f"（{ordinal}）{name}",
                     "unit": sorted({u for m in measures for u in m.unit}),
                     "leader": sorted({u for m in measures for u in m.leader})}
            rows.append(Row([
                page.id_link(p), page.link(p, p.title) + repeat_mark(page, p), feedback,
                "、".join(page.id_link(m) for m in measures) or '<span class="tz-gap">尚无整改措施</span>',
                page.status_cell(status, "尚无整改措施"), page.light_cell(light, page.light(light)),
            ], facts))
        parts.append(block(table(["编号", "查摆问题", "对应反馈", "整改措施", "整改状态", "提示"], rows,
                                 "tz-sortable tz-filterable")))
    if scope.declarations:
        parts.append("## 说明事项\n")
        parts.append(block('<p class="tz-lead">以下为对照检查中的说明事项，不计入问题数。</p>'))
        rows = [[page.id_link(p), page.link(p, p.title)] for p in scope.declarations]
        parts.append(block(table(["编号", "说明事项"], rows)))
    return "\n".join(parts)


def render_task_list(page: Page, scope: Scope) -> str:
    parts = ["# 任务清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}共 {len(scope.measures)} 项整改措施。'
                   "红色为逾期，黄色为临期，绿色为正常推进。</p>"),
             block(table(TASK_HEADERS, task_rows(page, scope.measures), "tz-sortable tz-filterable"))]
    return "\n".join(parts)


def render_responsibility_list(page: Page, scope: Scope) -> str:
    vocab = page.vocab
    parts = ["# 责任清单\n",
             block(f'<p class="tz-lead">{_round_line(scope)}按{vocab.key("leader")}和{vocab.key("unit")}'
                   "列出整改措施；一项措施有多位领导或多个单位时，在每一位、每一个名下都列出。</p>")]
    for field, title in (("leader", "按责任领导"), ("unit", "按责任单位")):
        groups = defaultdict(list)
        for m in scope.measures:
            for name in getattr(m, field) or ("（未填写）",):
                groups[name].append(m)
        parts.append(f"## {title}\n")
        summary = [[esc(name), esc(len(ms)), esc(_count(page, ms, DONE)), esc(_count(page, ms, RED))]
                   for name, ms in sorted(groups.items())]
        parts.append(block(table([vocab.key(field), "措施数", "已完成", "逾期"], summary, "tz-sortable")))
        for name, ms in sorted(groups.items()):
            parts.append(f"### {md_inline(name)}\n")
            parts.append(block(table(TASK_HEADERS, task_rows(page, ms), "tz-sortable tz-filterable")))
    return "\n".join(parts)


def _count(page: Page, measures, light: str) -> int:
    return sum(1 for m in measures if page.ledger.lights.get(m.id) == light)


def _round_line(scope: Scope) -> str:
    return f"{esc(scope.round.title)}：" if scope.round else ""


INDEX_COLUMNS = {
    "round": ["编号", "巡视轮次", "巡视组", "反馈日期", "整改阶段"],
    "feedback": ["编号", "反馈问题", "方面", "回应的查摆问题"],
    "problem": ["编号", "查摆问题", "方面", "整改状态"],
    "cause": ["编号", "原因", "导致的查摆问题"],
    "measure": ["编号", "整改措施", "责任单位", "整改时限", "整改状态"],
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
    """屡查屡犯: this round's feedback items and problems that repeat an earlier round's.
    Carried measures are continuing work, not repeats: they are on the 承接事项 page."""
    ledger, vocab = page.ledger, page.vocab
    rows = []
    for record in scope.repeat_feedback + scope.repeat_problems:
        for earlier in ledger.repeats(record):
            rows.append([page.link(record), esc(vocab.kind_label(record.kind)), page.link(earlier),
                         esc(earlier.round or "—")])
    lead = (f'{_round_line(scope)}本轮反馈问题中重复前轮的 <strong data-repeat-feedback="{len(scope.repeat_feedback)}">'
            f'{len(scope.repeat_feedback)}</strong> 条，查摆问题中重复前轮的 <strong data-repeat-problems='
            f'"{len(scope.repeat_problems)}">{len(scope.repeat_problems)}</strong> 个（记录中写了“{esc(vocab.key("recurs_from"))}”的）。'
            "承接前轮未完成的整改措施不是屡查屡犯，见“承接事项”。")
    return ("# 屡查屡犯\n"
            + block(f'<p class="tz-lead">{lead}</p>')
            + block(table(["本轮记录", "类别", "前轮记录", "前轮轮次"], rows, "tz-sortable tz-repeats",
                          "本轮没有屡查屡犯的记录。")))
