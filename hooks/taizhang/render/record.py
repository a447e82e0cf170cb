"""One page per record: facts card, body, links both ways, timeline, evidence."""

from __future__ import annotations

import json
import re

from taizhang.model import (FeedbackRecord, MeasureRecord, ProblemRecord, Record,
                            RoundRecord)
from taizhang.history import History
from taizhang.problems import Problem
from taizhang.sanitise import is_url, render_body
from taizhang.render.html import ID, KEY, NOWRAP, TITLE, WIDE, Col, Page, block, esc, md_inline, table, unsearched
from taizhang.render.marks import by_round, handover_text, repeat_mark
from taizhang.link import not_a_task, worst_light
from taizhang.views import (Scope, area_label, field_text, figures, late_text, problem_light, round_facts,
                            state_label, worst_light_label)


def render_record(page: Page, record: Record, problems: list[Problem], history: History | None = None,
                  scope: Scope | None = None) -> str:
    """A record's page; `scope` is the shown round's (made once per build by render_site)."""
    scope = scope if scope is not None else Scope(page.ledger, page.ledger.current_round)
    vocab = page.vocab
    parts = [_meta_title(f"{record.id} {record.title or ''}"),
             f"# {md_inline(record.id)} {md_inline(record.title or '')}\n"]
    reminders = [p for p in problems if p.severity == "info"]
    problems = [p for p in problems if p.severity != "info"]
    if problems:
        parts.append(block(_problems_box(vocab, problems)))
    if record.draft:
        parts.append(block(_draft_box(page, reminders)))
    parts.append(block(_facts(page, record, scope)))
    if isinstance(record, FeedbackRecord) and record.quote:
        parts.append(f"## {md_inline(vocab.key('quote'))}\n")
        parts.append(block(f'<blockquote class="tz-quote"><p>{esc(record.quote)}</p></blockquote>'))
    if record.body.strip():
        parts.append(f"## {_body_heading(record, vocab)}\n")
        parts.append(_body(record, vocab))
    relations = _relations(page, record)
    if relations:
        parts.append(f"## {md_inline(vocab.phrase('record_relations'))}\n")
        # Titles of other records: searching them should find those records, not this one.
        parts.append(block(unsearched(relations)))
    if isinstance(record, MeasureRecord):
        parts.append(f"## {md_inline(vocab.key('progress'))}\n")
        parts.append(block(_timeline(vocab, record)))
        parts.append(f"## {md_inline(vocab.key('evidence'))}\n")
        parts.append(block(_evidence(page, record)))
        for original in page.ledger.carried_from(record):
            heading = vocab.phrase("record_before_carry", round_id=original.round or "", id=original.id)
            parts.append(f"## {md_inline(heading)}\n")
            parts.append(block(_before_carry(page, original)))
    if isinstance(record, RoundRecord):
        parts.append(_round_summary(page, record))
    if history is not None:
        parts.append(f"## {md_inline(vocab.phrase('record_history'))}\n")
        parts.append(block(unsearched(_history(vocab, history, record))))
    return "\n".join(parts)


def _body(record: Record, vocab) -> str:
    """The record's Markdown as sanitised HTML: converted on its own (its
    reference links and unclosed tags cannot reach the rest of the page) and
    set aside like the generated tables, so the page's Markdown never reads it."""
    return block(render_body(record.body.strip()))


def _meta_title(title: str) -> str:
    """Front matter for the page: themes print page.title unescaped in <title>."""
    # JSON is a YAML double-quoted string; characters YAML may not hold
    # (DEL, C1 controls, U+FFFE/U+FFFF) are written as \\u escapes.
    quoted = _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(esc(title), ensure_ascii=False))
    return f"---\ntitle: {quoted}\n---\n"


_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _body_heading(record: Record, vocab) -> str:
    return md_inline(vocab.phrase(f"body_{record.kind}" if f"body_{record.kind}" in vocab.phrases else "body_other"))


def _problems_box(vocab, problems: list[Problem]) -> str:
    items = "".join(f"<li>{esc(vocab.phrase('record_problem_line', line=p.line))}{esc(p.message)}（{esc(p.rule)}）— {esc(p.fix)}</li>"
                    for p in problems)
    return (f'<div class="admonition danger tz-problems"><p class="admonition-title">'
            f"{esc(vocab.phrase('record_problems', count=len(problems)))}</p><ul>{items}</ul></div>")


def _draft_box(page: Page, reminders: list[Problem]) -> str:
    from taizhang.render.urls import DRAFTS
    keys = [p.message.split("还缺", 1)[1] for p in reminders if p.rule == "draft-incomplete"]
    others = [f"<li>{esc(p.message)}</li>" for p in reminders if p.rule != "draft-incomplete"]
    vocab = page.vocab
    lacking = (f"<li>{esc(vocab.phrase('draft_lacking', missing='、'.join(keys)))}</li>" if keys else "") + "".join(others)
    more = f"<ul>{lacking}</ul>" if lacking else f"<p>{esc(vocab.phrase('draft_complete', yes=vocab.phrase('yes')))}</p>"
    return (f'<div class="admonition note tz-draft-box"><p class="admonition-title">{esc(vocab.phrase("draft_box_title"))}'
            f'</p>{more}<p><a href="{page.href(DRAFTS)}">{esc(vocab.phrase("draft_all"))}</a></p></div>')


def _row(label: str, value: str) -> str:
    return f"<tr><th>{esc(label)}</th><td>{value}</td></tr>"


def _facts(page: Page, record: Record, scope: Scope) -> str:
    vocab, ledger = page.vocab, page.ledger
    rows = [_row(vocab.key("kind"), esc(vocab.kind_label(record.kind)))]
    if record.draft:
        rows.append(_row(vocab.key("draft"), f'<span class="tz-status tz-status--none">{esc(vocab.phrase("draft_status"))}</span>'))
    rnd = ledger.round_of(record)
    if rnd is not None:
        rows.append(_row(vocab.key("round"), page.link(rnd, rnd.title)))
    area = getattr(record, "area", None)
    if area:
        rows.append(_row(vocab.key("area"), esc(f"（{area}）{ledger.area_name(record, area)}")))
    if isinstance(record, FeedbackRecord) and record.source:
        rows.append(_row(vocab.key("source"), esc(record.source)))
    if isinstance(record, FeedbackRecord):
        rows += _feedback_facts(page, record, scope)
    if isinstance(record, ProblemRecord):
        rows += _problem_facts(page, record, scope)
    if isinstance(record, MeasureRecord):
        rows += _measure_facts(page, record)
    if isinstance(record, RoundRecord):
        rows += _round_facts(page, record)
    # Fields a unit added in vocabulary.yml or taizhang.yml: shown by their type.
    rows += [_row(vocab.key(name), esc(field_text(ledger, record, name))) for name in record.extra]
    return '<div class="tz-facts"><table>\n' + "\n".join(rows) + "\n</table></div>"


def _feedback_facts(page: Page, feedback: FeedbackRecord, scope: Scope) -> list[str]:
    """Its own 整改状态, from the measures of the problems answering it (or 非整改任务)."""
    vocab, ledger = page.vocab, page.ledger
    measures = {m.id: m for p in ledger.linked_from(feedback.id, "problem", "feedback") if not p.is_declaration
                for m in ledger.measures_of(p.id)}
    light = worst_light(ledger.lights.get(i) for i in measures)
    state = ledger.state_of(feedback)
    label = vocab.phrase("status_by_problems")
    light_html = " " + page.light(light, label=worst_light_label(ledger, measures.values())) if light and state else ""
    return [_row(label, page.status(state, state_label(ledger, feedback)) + light_html)] + _carried_facts(page, feedback, scope)


def _carried_facts(page: Page, record: Record, scope: Scope) -> list[str]:
    """An earlier round's item the shown round counts (承接): the state it counts in
    there, from the measures continuing its work, beside its own."""
    ledger, shown = page.ledger, scope.round
    if shown is None or not scope.is_carried(record):
        return []
    problems = [record] if isinstance(record, ProblemRecord) else [
        p for p in ledger.linked_from(record.id, "problem", "feedback") if not p.is_declaration]
    measures = {m.id: m for p in problems for m in scope.counted_measures(p) if m.round == shown.id}
    ids = "、".join(page.id_link(measures[i]) for i in sorted(measures))
    state = scope.counted_state(record)
    return [_row(page.vocab.phrase("record_carried_state", round=shown.title),
                 page.status(state) + " " + page.vocab.phrase("record_carried_by", ids=ids))]


def _problem_facts(page: Page, problem: ProblemRecord, scope: Scope) -> list[str]:
    vocab, ledger = page.vocab, page.ledger
    if problem.is_declaration:
        return [_row(vocab.key("nature"), esc(vocab.label("natures", "declaration")))]
    derived = ledger.problem_status.get(problem.id)
    rows = [_row(vocab.phrase("status_by_measures"), page.status(derived, vocab.phrase("no_measures")) + " "
                 + page.light(problem_light(ledger, problem), label=worst_light_label(ledger, ledger.measures_of(problem.id))))]
    rows += _carried_facts(page, problem, scope)
    if problem.status:
        rows.append(_row(vocab.phrase("status_reported"), page.status(problem.status)))
    repeat = repeat_mark(page, problem)
    if repeat:
        rows.append(_row(vocab.key("recurs_from"), repeat))
    return rows


def _measure_facts(page: Page, m: MeasureRecord) -> list[str]:
    vocab = page.vocab
    rows = [
        _row(vocab.key("status"), page.status(m.status) + " " + page.measure_light(m) + _counted(page, m)),
        _row(vocab.key("measure_type"), esc(vocab.label("measure_types", m.measure_type)) if m.measure_type else "—"),
        _row(vocab.key("deadline"), page.deadline(m)),
        _row(vocab.key("leader"), page.texts(m.leader)),
        _row(vocab.key("unit"), page.texts(m.unit)),
        _row(vocab.key("owner"), page.texts(m.owner)),
    ]
    carried, handed = page.ledger.carried_from(m), handover_text(page, m)
    if carried:
        rows.append(_row(vocab.key("carried_from"), f'<span class="tz-carried">{by_round(page, carried)}</span>'))
    if handed:
        rows.append(_row(vocab.phrase("handed_over_header"), f'<span class="tz-handover">{handed}</span>'))
    if m.completed_on:
        late = late_text(page.ledger, m)
        rows.append(_row(vocab.key("completed_on"), esc(m.completed_on.isoformat())
                         + (f' <span class="tz-late">{esc(late)}</span>' if late else "")))
    if m.signed_off_by or m.signed_off_on:
        who = esc(m.signed_off_by or "—")
        when = esc(m.signed_off_on.isoformat() if m.signed_off_on else "—")
        rows.append(_row(vocab.phrase("signoff_row"), f"{when}，{who}"))
    return rows


def _counted(page: Page, m: MeasureRecord) -> str:
    """The state a 长期坚持 measure counts as, when not the one written (README 统计口径)."""
    state = page.ledger.state_of(m)
    if state == m.status or state is None:
        return ""
    return f'<br><small class="tz-counted">{esc(page.vocab.phrase("counted_state"))}：{page.status(state)}</small>'


def _before_carry(page: Page, original: MeasureRecord) -> str:
    """The original's last progress and its evidence, shown here and kept there (never copied)."""
    vocab = page.vocab
    last = original.progress[-1] if original.progress else None
    when = f'<time datetime="{last.on.isoformat()}">{last.on.isoformat()}</time>' if last else ""
    progress = (f'<p class="tz-carried-progress">{vocab.phrase("carry_last_progress", date=when, text=esc(last.text))}</p>'
                if last else f'<p class="tz-empty">{esc(vocab.phrase("carry_no_progress"))}</p>')
    problems = "、".join(page.round_id_link(p) + _round_note(page, p) for p in page.ledger.targets(original, "problems")) or "—"
    return (f'<div class="tz-before-carry"><p>{vocab.phrase("carry_original", link=page.round_link(original), status=page.status(original.status))}</p>'
            f'<p>{vocab.phrase("carry_problems", ids=problems)}</p>'
            f'<p>{vocab.phrase("carry_feedback", ids=_original_feedback(page, original))}</p>'
            f'{progress}<p>{esc(vocab.phrase("carry_evidence"))}</p>{_evidence(page, original)}</div>')


def _original_feedback(page: Page, original: MeasureRecord) -> str:
    """The feedback items the original measure answered (through its problems), with their round."""
    ledger = page.ledger
    found = {f.id: f for p in ledger.targets(original, "problems") for f in ledger.targets(p, "feedback")}
    return "、".join(page.round_id_link(found[i]) + _round_note(page, found[i]) for i in sorted(found)) or "—"


def _round_note(page: Page, record: Record) -> str:
    """（its round's name）, and 非整改任务（不计入） for a feedback item declared not a task."""
    rnd = page.ledger.round_of(record)
    words = [rnd.title if rnd else record.round or ""]
    if isinstance(record, FeedbackRecord) and not_a_task(record):
        words.append(page.vocab.phrase("not_a_task"))
    return f"（{esc('，'.join(w for w in words if w))}）"


def _round_facts(page: Page, rnd: RoundRecord) -> list[str]:
    facts = round_facts(page.ledger, rnd)
    rows = [_row(f.label, esc(f.text)) for f in facts.facts if f.name != "round"]
    areas = "".join(f"<li>{esc(area_label(k, v))}</li>" for k, v in facts.areas)
    rows.append(_row(page.vocab.key("areas"), f"<ul>{areas}</ul>" if areas else "—"))
    return rows


def _relation_plan(vocab, record_kind: str) -> tuple:
    """The relation sections of a kind's pages, in order: (label, kind, field,
    backward, optional, optional_when_carried), the same for all its records."""
    plan = []
    for relation, labels in vocab.relations.items():
        kind, field = relation.split(".")
        optional = vocab.fields[field].target == "same"   # 屡查屡犯, 承接自: shown only when present
        own = record_kind == kind
        if own:
            plan.append((labels["forward"], kind, field, False, optional, own))
        if record_kind == vocab.link_target(kind, field):
            plan.append((labels["backward"], kind, field, True, optional, own))
    return tuple(plan)


def _relations(page: Page, record: Record) -> str:
    """Typed links: those written here (forward) and those pointing here (backward)."""
    vocab, ledger = page.vocab, page.ledger
    if page.memo is not None:
        # a carried measure's problems are the original's, shown under 承接前的整改情况
        carried = isinstance(record, MeasureRecord) and bool(ledger.carried_from(record))
        plan = page.memo.once(("relations", record.kind), lambda: _relation_plan(vocab, record.kind))
        sections = [(label, _linked(ledger, record, kind, field, backward), optional or (own and carried))
                    for label, kind, field, backward, optional, own in plan]
    else:
        sections = _sections(page, record)
    return _relation_tables(page, sections)


def _linked(ledger, record: Record, kind: str, field: str, backward: bool) -> list:
    return ledger.linked_from(record.id, kind, field) if backward else ledger.targets(record, field)


def _sections(page: Page, record: Record) -> list:
    vocab, ledger = page.vocab, page.ledger
    sections = []
    for relation, labels in vocab.relations.items():
        kind, field = relation.split(".")
        optional = vocab.fields[field].target == "same"   # 屡查屡犯, 承接自: shown only when present
        if record.kind == kind and isinstance(record, MeasureRecord) and ledger.carried_from(record):
            optional = True   # a carried measure's problems are the original's, shown under 承接前的整改情况
        if record.kind == kind:
            sections.append((labels["forward"], ledger.targets(record, field), optional))
        if record.kind == vocab.link_target(kind, field):
            sections.append((labels["backward"], ledger.linked_from(record.id, kind, field), optional))
    return sections


def _relation_tables(page: Page, sections: list) -> str:
    vocab = page.vocab
    html_parts = []
    for label, records, optional in sections:
        if optional and not records:
            continue
        with_status = any(r.kind in ("problem", "measure") for r in records)
        if page.memo is not None:
            headers = page.memo.once(("relation headers", with_status), lambda w=with_status: _relation_headers(vocab, w))
        else:
            headers = _relation_headers(vocab, with_status)
        rows = [[page.id_link(r), page.escaped_title(r)] + ([_status_of(page, r)] if with_status else []) for r in records]
        html_parts.append(f"<h3>{esc(label)}（{len(records)}）</h3>\n" + table(headers, rows, empty=vocab.phrase("empty")))
    return "\n".join(html_parts)


def _relation_headers(vocab, with_status: bool) -> list:
    return [Col(vocab.key("id"), ID), Col(vocab.key("title"), TITLE)] + ([Col(vocab.phrase("state_header"), KEY)]
                                                                       if with_status else [])


def _status_of(page: Page, record: Record) -> str:
    """A linked record's state chip: the same on every record page naming it."""
    if page.memo is not None:
        return page.memo.per_record("state chip", record, lambda r: _state_chip(page, r))
    return _state_chip(page, record)


def _state_chip(page: Page, record: Record) -> str:
    if isinstance(record, MeasureRecord):
        return page.status(record.status) + " " + page.measure_light(record)
    if isinstance(record, ProblemRecord):
        if record.is_declaration:
            return esc(page.vocab.label("natures", "declaration"))
        return page.status(page.ledger.problem_status.get(record.id), page.vocab.phrase("no_measures"))
    return ""


def _timeline(vocab, m: MeasureRecord) -> str:
    if not m.progress:
        return f'<p class="tz-empty">{esc(vocab.phrase("no_progress"))}</p>'
    items = "\n".join(
        f'<li><time datetime="{p.on.isoformat()}">{p.on.isoformat()}</time> <span>{esc(p.text)}</span></li>'
        for p in reversed(m.progress)
    )
    return f'<ol class="tz-timeline">\n{items}\n</ol>'


def _evidence(page: Page, m: MeasureRecord) -> str:
    if not m.evidence:
        return f'<p class="tz-empty">{esc(page.vocab.phrase("no_evidence"))}</p>'
    items = []
    for e in m.evidence:
        if e.file and is_url(e.file):
            items.append(f'<li><a href="{esc(e.file)}" rel="noopener noreferrer">{esc(e.name)}</a></li>')
        elif e.file:
            items.append(f'<li><a href="{page.file_href(e.file)}">{esc(e.name)}</a></li>')
        else:
            items.append(f"<li>{esc(page.vocab.phrase('evidence_on_paper', evidence=e.name))}</li>")
    return '<ul class="tz-evidence">\n' + "\n".join(items) + "\n</ul>"


def _round_summary(page: Page, rnd: RoundRecord) -> str:
    fig = figures(page.ledger, page.scope(rnd))
    vocab = page.vocab
    problems = fig.problem_count_text if fig.declarations else fig.problems
    counts = [[esc(vocab.kind_label(kind)), esc(n)] for kind, n in (
        ("feedback", fig.feedback), ("problem", problems), ("cause", fig.causes), ("measure", fig.measures))]
    return (f"## {md_inline(vocab.phrase('round_records'))}\n"
            + block(table([vocab.key("kind"), vocab.phrase("record_count_header")], counts, "tz-plain")))


def _history(vocab, history: History, record: Record) -> str:
    """Who changed this record and when, from git; status and deadline moves called out."""
    notice = f'<p class="tz-notice">{esc(history.notice)}</p>' if history.notice else ""
    changes = history.of(record.path)
    if not history.available:
        return notice
    if not changes:
        return notice + f'<p class="tz-empty">{esc(vocab.phrase("history_none"))}</p>'
    oldest, newest = changes[-1], changes[0]
    summary = (f'<p class="tz-history-summary">{esc(vocab.phrase("history_summary", created=oldest.when, creator=oldest.author, changed=newest.when, changer=newest.author, count=len(changes)))}</p>')
    rows = [[f"<time>{esc(c.when)}</time>", esc(c.author), esc(c.subject), esc(c.action),
             "<br>".join(f'<strong class="tz-change">{esc(n)}</strong>' for n in c.notes)]
            for c in changes]
    return notice + summary + table([Col(vocab.phrase("history_when"), NOWRAP), Col(vocab.phrase("history_who"), NOWRAP),
                                     Col(vocab.phrase("history_subject"), WIDE), Col(vocab.phrase("history_action"), NOWRAP),
                                     Col(vocab.phrase("history_notes"), WIDE)], rows, "tz-history")
