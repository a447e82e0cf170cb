"""The three lists (问题清单, 任务清单, 责任清单) and one index per kind."""

from __future__ import annotations

from collections import defaultdict

from taizhang.model import MeasureRecord
from taizhang.render.columns import cell, cells as row_cells, headers
from taizhang.render.figures import rate_cards
from taizhang.render.html import (ID, KEY, TITLE, Cell, Col, Page, Row, block, esc,
                                  filter_bar, md_inline, table)
from taizhang import views
from taizhang.views import Scope

def task_headers(vocab) -> list[Col]:
    return headers(vocab.columns("tasks", "site"))


def task_facts(t: views.TaskRow) -> dict:
    """What the filter bar reads from a measure's row."""
    return {"status": t.status_label, "type": t.measure_type_label, "leader": t.leader, "unit": t.unit,
            "owner": t.owner, "area": list(t.areas), "light": t.light_label}


def task_rows(page: Page, measures: list[MeasureRecord], scope: Scope | None = None) -> list[Row]:
    return rows_of_tasks(page, views.task_rows(page.ledger, measures, scope))


def rows_of_tasks(page: Page, tasks: tuple[views.TaskRow, ...], cells: dict | None = None) -> list[Row]:
    """Rows of numbered tasks (the `tasks` table). `cells`: a cache, on one
    page, of each measure's cells after the number (责任清单 lists a measure
    under each of its leaders and units)."""
    columns = page.vocab.columns("tasks", "site")
    numbered = columns[0].show == "number"
    rest_columns = columns[1:] if numbered else columns
    rows = []
    cells = {} if cells is None else cells
    for t in tasks:
        rest = cells.get(t.measure.id)
        if rest is None:
            rest = cells[t.measure.id] = tuple(row_cells(page, rest_columns, t)), task_facts(t)
        rows.append(Row([cell(page, columns[0], t), *rest[0]] if numbered else list(rest[0]), rest[1]))
    return rows


def render_problem_list(page: Page, scope: Scope) -> str:
    vocab = page.vocab
    fig = views.figures(page.ledger, scope)
    repeat_note = (vocab.phrase("problems_repeat_note", recurrences=vocab.phrase("page_recurrences"),
                                count=f'<strong data-repeats="{fig.repeat_problems}">{fig.repeat_problems}</strong>')
                   if fig.repeat_problems else "")
    count = fig.problem_count_text
    if fig.carried_problems:        # counted in the rates' denominator: listed here too
        count += vocab.phrase("problems_carried_count", count=fig.carried_problems)
    lead = vocab.phrase("problems_lead", count=esc(count), repeats=repeat_note)
    parts = [f"# {md_inline(page.vocab.phrase('sheet_problems'))}\n",
             block(f'<p class="tz-lead">{_round_line(scope)}{lead}</p>'),
             block(rate_cards(page, fig)),
             block(filter_bar(page, scope.areas()))]
    by_area = defaultdict(list)
    rows_own = views.own_problem_rows(page.ledger, scope)
    for row in rows_own:
        by_area[row.area].append(row)
    columns = vocab.columns("problems", "site")
    for ordinal, name in scope.areas():
        rows_in_area = by_area.get(ordinal, [])
        if not rows_in_area:
            continue
        parts.append(f"## {md_inline(views.area_label(ordinal, name))}\n")
        parts.append(_problem_table(page, columns, rows_in_area, views.area_label(ordinal, name)))
    parts += _carried_problems(page, scope, columns, len(rows_own) + 1)
    if scope.declarations:
        label = vocab.label("natures", "declaration")
        parts.append(f"## {md_inline(label)}\n")
        parts.append(block(f'<p class="tz-lead">{esc(vocab.phrase("declarations_lead"))}</p>'))
        rows = [[page.id_link(p), page.link(p, p.title)] for p in scope.declarations]
        parts.append(block(table([Col(vocab.key("id"), ID), Col(label, TITLE)], rows)))
    return "\n".join(parts)


def _problem_table(page: Page, columns, rows_in_area, area: str | None = None) -> str:
    rows = [Row(row_cells(page, columns, p),
                {"status": p.status_label, "light": p.light_label, "area": area or p.area_label,
                 "unit": list(p.units), "leader": list(p.leaders)}) for p in rows_in_area]
    return block(table(headers(columns), rows, "tz-sortable tz-filterable"))


def _carried_problems(page: Page, scope: Scope, columns, start: int) -> list[str]:
    """Earlier rounds' problems counted in this round (carried work), by round and
    area, numbered on from this round's: the list's rows add up to the rate's denominator."""
    if not scope.carried_problems:
        return []
    vocab, ledger = page.vocab, page.ledger
    parts = [f"## {md_inline(vocab.phrase('problems_carried_heading'))}\n",
             block(f'<p class="tz-lead">{esc(vocab.phrase("problems_carried_lead"))}</p>')]
    groups: dict[tuple, list] = {}
    for row in views.problem_rows(ledger, scope.carried_problems, scope, start):
        rnd = ledger.round_of(ledger.records[row.problem.id])
        groups.setdefault((rnd.title if rnd else "", row.area_label), []).append(row)
    for (title, area), rows in groups.items():
        parts.append(f"### {md_inline(vocab.phrase('problems_carried_group', round=title, area=area))}\n")
        parts.append(_problem_table(page, columns, rows))
    return parts


def render_task_list(page: Page, scope: Scope) -> str:
    lead = esc(page.vocab.phrase("tasks_lead", count=len(scope.measures)))
    parts = [f"# {md_inline(page.vocab.phrase('sheet_tasks'))}\n",
             block(f'<p class="tz-lead">{_round_line(scope)}{lead}</p>'),
             block(rate_cards(page, views.figures(page.ledger, scope))),
             block(filter_bar(page, scope.areas())),
             block(table(task_headers(page.vocab), task_rows(page, scope.measures, scope), "tz-sortable tz-filterable",
                         page.vocab.phrase("empty")))]
    return "\n".join(parts)


def render_responsibility_list(page: Page, scope: Scope) -> str:
    vocab = page.vocab
    parts = [f"# {md_inline(vocab.phrase('sheet_responsibility'))}\n",
             block(f'<p class="tz-lead">{_round_line(scope)}{esc(vocab.phrase("responsibility_lead"))}</p>'),
             block(filter_bar(page, scope.areas()))]
    cells: dict = {}
    for field in ("leader", "unit"):
        groups = views.responsibility_groups(page.ledger, scope.measures, field, scope)
        parts.append(f"## {md_inline(vocab.phrase('responsibility_by', field=vocab.key(field)))}\n")
        summary_columns = vocab.columns("responsibility_groups", "site", field=vocab.key(field))
        summary = [row_cells(page, summary_columns, g) for g in groups]
        parts.append(block(table(headers(summary_columns), summary, "tz-sortable tz-plain")))
        for g in groups:
            parts.append(f"### {md_inline(g.name)}\n")
            parts.append(block(table(task_headers(vocab), rows_of_tasks(page, g.tasks, cells), "tz-sortable tz-filterable")))
    return "\n".join(parts)


def _count_text(page: Page, kind: str, records) -> str:
    """How many records the index lists; problems as "12 个问题 + 4 项说明事项"."""
    if kind == "problem":
        return views.figures(page.ledger, page.scope(None)).problem_count_text
    return page.vocab.phrase("records_count", count=len(records), kind=page.vocab.kind_label(kind))


def _round_line(scope: Scope) -> str:
    return f"{esc(scope.round.title)}：" if scope.round else ""


def index_columns(vocab, kind: str) -> list:
    key, label = vocab.key, vocab.kind_label
    return [Col(key("id"), ID), Col(label(kind), TITLE)] + {
        "round": [key("team"), key("feedback_date"), key("phase")],
        "feedback": [key("area"), vocab.phrase("index_answering")],
        "problem": [key("area"), Col(key("status"), KEY)],
        "cause": [vocab.phrase("index_caused")],
        "measure": [key("unit"), key("deadline"), Col(key("status"), KEY)],
    }[kind]


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
                    or f'<span class="tz-gap">{esc(vocab.phrase("no_answer"))}</span>']
        elif kind == "problem":
            status = (esc(vocab.label("natures", "declaration")) if r.is_declaration
                      else page.status_cell(ledger.problem_status.get(r.id), vocab.phrase("no_measures")))
            row += [esc(r.area or "—"), status]
        elif kind == "cause":
            row += ["、".join(page.id_link(p) for p in ledger.linked_from(r.id, "problem", "causes")) or "—"]
        elif kind == "measure":
            status = page.status_cell(r.status)
            row += [page.texts(r.unit), page.deadline_cell(r), Cell(status.html + " " + page.measure_light(r), status.sort)]
        rows.append(row)
    label = vocab.kind_label(kind)
    return (f"# {md_inline(label)}\n"
            + block(f'<p class="tz-lead">{esc(vocab.phrase("index_lead", count=_count_text(page, kind, records)))}</p>')
            + block(table(index_columns(vocab, kind), rows, "tz-sortable", vocab.phrase("empty"))))


def render_recurrences(page: Page, scope: Scope) -> str:
    """屡查屡犯: this round's feedback items and problems that repeat an earlier round's.
    Carried measures are continuing work, not repeats: they are on the 承接事项 page."""
    ledger, vocab = page.ledger, page.vocab
    rows = []
    for record in scope.repeat_feedback + scope.repeat_problems:
        for earlier in ledger.repeats(record):
            rows.append([page.link(record), esc(vocab.kind_label(record.kind)), page.link(earlier),
                         esc(earlier.round or "—")])
    lead = _round_line(scope) + vocab.phrase(
        "recurrences_lead", recurrences=vocab.phrase("page_recurrences"), carried=vocab.phrase("page_carried"),
        feedback_count=f'<strong data-repeat-feedback="{len(scope.repeat_feedback)}">{len(scope.repeat_feedback)}</strong>',
        problems=f'<strong data-repeat-problems="{len(scope.repeat_problems)}">{len(scope.repeat_problems)}</strong>')
    return (f"# {md_inline(vocab.phrase('page_recurrences'))}\n"
            + block(f'<p class="tz-lead">{lead}</p>')
            + block(table([vocab.phrase("recurrences_record"), vocab.key("kind"), vocab.key("recurs_from"),
                           vocab.phrase("recurrences_round")], rows, "tz-sortable tz-repeats",
                          vocab.phrase("recurrences_none", recurrences=vocab.phrase("page_recurrences")))))
