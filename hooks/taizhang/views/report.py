"""整改进展情况报告: the report's content, as plain text blocks.

One structure, two renderings: render/report.py writes it as a site page,
export/report.py as a .docx in 公文 layout. A report goes up to a 主送机关
(`exports.recipient`, else the round's 巡视组), and reads:

- 一、总体进展: feedback items, problems and measures by state, the rates
  with numerator and denominator (the dashboard's computation), measures by
  整改类型, lights;
- 二、反馈问题整改情况: per area, each feedback item in its own words, what
  was done (its measures' progress entries), the evidence count, its state;
- 三、存在的问题和不足: every overdue, due-soon, not-started and lagging
  long-term measure, and every feedback item nothing answers yet, named;
- 四、下一步工作: the round's 下一步工作 field when the unit wrote it, else
  sentences made from the open items;
- 附件, 落款 and 成文日期 (2024年6月10日).

Dates are written 2024年6月10日; record ids never appear in the body. Records
marked `公开: 否` are left out, and so are measures that only address
unpublished problems.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from taizhang.link import RED, YELLOW, Ledger, effective_deadline, not_a_task
from taizhang.views import Rate, Scope, completion, figures, late_days, state_label, state_of, status_label

ORDINALS = "一二三四五六七八九十"
DONE_STATES = ("done", "signed_off")


def chinese_date(day: dt.date) -> str:
    """A date as official documents write it: 2024年6月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_ordinal(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99 (for headings and 一是/二是)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (ORDINALS[tens - 1] if tens > 1 else "") + "十" + (ORDINALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Block:
    """A paragraph of body text, or a second-level heading (`heading=True`).
    `lead` is a run-in lead (（一）逾期未完成的措施。) shown in 楷体."""

    text: str
    lead: str = ""
    heading: bool = False


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    as_of: dt.date
    sample: str                    # the 示例数据 line above the title, "" for real data
    recipient: str                 # 主送机关, "" when none is known
    opening: str
    sections: tuple[Section, ...]
    attachments: tuple[str, ...]
    issuer: str
    unpublished: str = ""          # a note when records marked 公开: 否 were left out
    attachment_label: str = ""     # 附件


# -- counts by state: read from views.completion, the dashboard's computation --

@dataclass(frozen=True)
class KindCounts:
    """A kind's counts by state and both rates, worded for the report."""

    label: str
    unit: str            # 条 / 个 / 项
    done: int            # 已完成, 已销号 included
    signed_off: int
    basically_done: int
    in_progress: int
    not_started: int     # and items nothing answers yet
    total: int
    rate: Rate           # 完成率
    basic_rate: Rate     # 完成及基本完成率


def kind_counts(ledger: Ledger, scope: Scope) -> tuple[KindCounts, KindCounts, KindCounts]:
    """Feedback items, problems, measures by state with both rates:
    views.completion, the numbers the dashboard and the sheets show."""
    done = completion(ledger, scope)
    return tuple(KindCounts(k.label, ledger.vocab.phrase(f"report_unit_{k.name}"), k.done, k.signed_off, k.basically_done, k.in_progress,
                            k.not_started, k.total, k.rate, k.basic_rate) for k in done)


# -- the report ------------------------------------------------------------------

def build_report(ledger: Ledger, scope: Scope) -> Report:
    vocab = ledger.vocab
    shown = scope.published()
    rnd = scope.round
    name = rnd.title if rnd else vocab.kind_label("round")
    exports = vocab.exports or {}
    unit = exports.get("filing_unit") or (rnd.inspected if rnd and rnd.inspected else "")
    team = rnd.team if rnd and rnd.team else vocab.kind_label("round")
    today = chinese_date(ledger.today)
    opening = vocab.phrase("report_opening", team=team, inspected=unit or name, date=today)
    sections = (
        Section(vocab.phrase("report_h_overall"), _overall(ledger, shown)),
        Section(vocab.phrase("report_h_feedback"), _by_feedback(ledger, shown)),
        Section(vocab.phrase("report_h_issues"), _issues(ledger, shown)),
        Section(vocab.phrase("report_h_next"), _next_steps(ledger, shown)),
    )
    unpublished = (vocab.phrase("report_unpublished")
                   if len(shown.measures) != len(scope.measures) or len(shown.problems) != len(scope.problems)
                   else "")
    return Report(
        title=f"{name}{vocab.phrase('report_name')}", as_of=ledger.today,
        sample=vocab.phrase("sample_export") if any(r.sample for r in ledger.rounds) else "",
        recipient=exports.get("recipient") or (rnd.team if rnd and rnd.team else ""),
        opening=opening, sections=sections,
        attachments=(vocab.phrase("report_attachment", round=name),),
        issuer=exports.get("issuer") or unit, unpublished=unpublished,
        attachment_label=vocab.phrase("report_attachments_label"),
    )


def _counts_text(vocab, k: KindCounts) -> str:
    signed = vocab.phrase("report_signed_part", signed=k.signed_off, unit=k.unit) if k.signed_off else ""
    return vocab.phrase("report_counts", unit=k.unit, done=k.done, signed=signed, basic=k.basically_done,
                        progress=k.in_progress, not_started=k.not_started)


def _overall(ledger: Ledger, scope: Scope) -> tuple[Block, ...]:
    vocab = ledger.vocab
    feedback, problems, measures = kind_counts(ledger, scope)
    blocks = []
    for k in (feedback, problems, measures):
        rates = "，".join(vocab.phrase("report_rate", label=r.label, rate=r.text, done=r.done, of=r.total)
                         for r in (k.rate, k.basic_rate))
        blocks.append(Block(vocab.phrase("report_kind_line", label=k.label, total=k.total, unit=k.unit,
                                         counts=_counts_text(vocab, k), rates=rates)))
    done = completion(ledger, scope)
    excluded = done.feedback.excluded
    if done.measures.late:      # 逾期完成: counted apart, never absorbed into 已完成, each one named
        late = [(m, late_days(ledger, m)) for m in scope.measures if late_days(ledger, m)]
        items = "；".join(vocab.phrase("report_late_item", title=m.title.strip().rstrip("。"),
                                       deadline=chinese_date(effective_deadline(m)), done=chinese_date(m.completed_on),
                                       days=days) for m, days in late)
        blocks.append(Block(vocab.phrase("report_late_done", count=done.measures.late, items=items)))
    if excluded:                # named with their reasons at the end of section 二
        blocks.append(Block(vocab.phrase("report_not_tasks", count=len(excluded))))
    by_type = []
    for name, value in vocab.enums["measure_types"].items():
        of_type = [m for m in scope.measures if m.measure_type == name]
        if of_type:
            closed = sum(1 for m in of_type if m.status and vocab.is_closed(m.status))
            by_type.append(vocab.phrase("report_type_part", type=value.label, total=len(of_type), done=closed))
    if by_type:
        blocks.append(Block(vocab.phrase("report_by_type", parts="；".join(by_type))))
    fig = figures(ledger, scope)
    # 逾期/临期 are past or near a deadline; a 长期坚持 measure has none: its lit light is stale progress, said apart
    lit = {m.id: ledger.lights.get(m.id) for m in scope.measures}
    stale = sum(1 for m in scope.measures if m.long_term and lit[m.id] in (RED, YELLOW))
    overdue = sum(1 for m in scope.measures if not m.long_term and lit[m.id] == RED)
    soon = sum(1 for m in scope.measures if not m.long_term and lit[m.id] == YELLOW)
    text = vocab.phrase("report_lights", overdue=overdue, soon=soon, soon_days=vocab.due_soon_days)
    if stale:
        text += vocab.phrase("report_lights_stale", count=stale, days=vocab.long_term_stale_days,
                             stale=vocab.phrase("long_term_stale_light"))
    blocks.append(Block(text))
    if fig.carried_in or fig.repeats:
        blocks.append(Block(vocab.phrase("report_rounds", carried=fig.carried_in, feedback_count=fig.repeat_feedback,
                                         problems=fig.repeat_problems)))
    return tuple(blocks)


def _measures_of_feedback(ledger: Ledger, scope: Scope, feedback) -> list:
    shown_problems, shown_measures = scope.problem_ids, scope.measure_ids
    problems = [p for p in ledger.linked_from(feedback.id, "problem", "feedback") if p.id in shown_problems]
    seen: dict = {}
    for p in problems:
        for m in ledger.measures_of(p.id):
            if m.id in shown_measures:
                seen.setdefault(m.id, m)
    return [seen[i] for i in sorted(seen)], problems


_RECORD_ID = re.compile(r"[ \t]*\b[A-Z]{2}-\d{3,}\b[ \t]*")   # with the spaces around it: 查摆问题 WT-012 及其
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


HYPHEN_FIRST = True   # False: both substitutions run on every text (tests compare)


def _words(ledger: Ledger, text: str) -> str:
    """A unit's own text in the report's words: a record id it mentions
    becomes that record's title in quotes, an ISO date 2024年6月10日.
    Both have a hyphen: text without one is left as it is (HYPHEN_FIRST;
    13,800 progress entries and reasons at 5,000 records, 0.065 s of regex)."""
    if HYPHEN_FIRST and "-" not in text:
        return text
    def title(m: re.Match) -> str:
        record = ledger.records.get(m.group(0).strip())
        return f"“{record.title}”" if record is not None else m.group(0)

    text = _RECORD_ID.sub(title, text)
    return _ISO_DATE.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)


def _sentence(text: str) -> str:
    text = text.strip().rstrip("；;，,")
    return text if text.endswith(("。", "！", "？", "”")) else text + "。"


def _done_text(ledger: Ledger, measures) -> str:
    """What was done: 一是{措施}。{日期}，{进展}；… — from each measure's progress entries."""
    vocab = ledger.vocab
    parts = []
    for n, m in enumerate(measures, start=1):
        entries = "；".join(f"{chinese_date(p.on)}，{_words(ledger, p.text).strip().rstrip('。；;')}" for p in m.progress)
        title = m.title.strip().rstrip("。")
        if entries:
            parts.append(f"{chinese_ordinal(n)}是{title}。{_sentence(entries)}")
        else:
            state = status_label(vocab, ledger.state_of(m)) or vocab.phrase("no_progress_short")
            parts.append(vocab.phrase("report_measure_no_progress", n=chinese_ordinal(n), title=title, state=state))
    return "".join(parts)


def _quote(feedback) -> str:
    """A feedback item in its own words (its quote, else its title), without the final 。."""
    return (feedback.quote or feedback.title).strip().rstrip("。")


def _feedback_groups(scope: Scope) -> list[tuple[str, list]]:
    """(（一）area heading, its feedback items) in the round's area order, then ("", the
    items outside any area); 非整改任务 are left out (listed apart)."""
    areas = [(o, n) for o, n in scope.areas() if any(f.area == o for f in scope.feedback)]
    others = [f for f in scope.feedback if f.area not in {o for o, _ in areas}]
    groups = [(f"（{chinese_ordinal(i)}）{name}", [f for f in scope.feedback if f.area == ordinal])
              for i, (ordinal, name) in enumerate(areas, start=1)]
    if others:
        groups.append(("", others))
    return [(heading, [f for f in items if not not_a_task(f)]) for heading, items in groups]


def _area_blocks(ledger: Ledger, heading: str, items) -> list[Block]:
    done = sum(1 for f in items if state_of(ledger, f) in DONE_STATES)
    return [Block(heading, heading=True), Block(ledger.vocab.phrase("report_area_line", total=len(items), done=done))]


def _feedback_text(ledger: Ledger, scope: Scope, f, number: int) -> str:
    """One feedback item: its words, 整改情况 from its measures, evidence count, state."""
    vocab = ledger.vocab
    measures, problems = _measures_of_feedback(ledger, scope, f)
    state = state_label(ledger, f)
    text = vocab.phrase("report_feedback_lead", n=number, quote=_quote(f))
    if ledger.repeats(f) or any(ledger.repeats(p) for p in problems):
        text += vocab.phrase("report_repeat")
    if measures:
        text += _done_text(ledger, measures)
        evidence = sum(len(m.evidence) for m in measures)
        text += vocab.phrase("report_evidence", n=evidence) if evidence else vocab.phrase("report_no_evidence")
    elif problems:
        text += vocab.phrase("report_no_measures")
    return text + vocab.phrase("report_feedback_state" if state_of(ledger, f) else "report_feedback_gap", state=state)


def _not_task_blocks(ledger: Ledger, not_tasks) -> list[Block]:
    """非整改任务: apart, each with its reason as the unit wrote it."""
    vocab = ledger.vocab
    return [Block(vocab.phrase("report_not_tasks_lead", count=len(not_tasks)))] + [
        Block(vocab.phrase("report_not_task_item", n=chinese_ordinal(n), quote=_quote(f),
                           reason=_sentence(_words(ledger, str(f.value("not_task"))))))
        for n, f in enumerate(not_tasks, start=1)]


def _by_feedback(ledger: Ledger, scope: Scope) -> tuple[Block, ...]:
    blocks = []
    number = 0
    not_tasks = [f for f in scope.feedback if not_a_task(f)]
    groups = list(_feedback_groups(scope))
    for heading, items in groups:
        if heading and not items:
            continue
        if heading:
            blocks += _area_blocks(ledger, heading, items)
        for f in items:
            number += 1
            blocks.append(Block(_feedback_text(ledger, scope, f, number)))
    number = _carried_feedback(ledger, scope, blocks, number, len([g for g in groups if g[0] and g[1]]))
    if not_tasks:
        blocks += _not_task_blocks(ledger, not_tasks)
    return tuple(blocks) or (Block(ledger.vocab.phrase("report_none")),)


def _carried_feedback(ledger: Ledger, scope: Scope, blocks: list, number: int, areas: int) -> int:
    """Earlier rounds' feedback items this round counts (承接): after this round's
    areas, by round, each with the carried measures answering it now and the
    state it counts in. Returns the last item number."""
    vocab = ledger.vocab
    by_round: dict[str, list] = {}
    for f in scope.carried_feedback:
        by_round.setdefault(f.round or "", []).append(f)
    own = {m.id for m in scope.measures}
    for round_id, items in by_round.items():
        areas += 1
        rnd = ledger.get(round_id)
        heading = vocab.phrase("report_carried_heading", n=chinese_ordinal(areas),
                               round=rnd.title if rnd is not None else round_id)
        done = sum(1 for f in items if scope.counted_state(f) in DONE_STATES)
        blocks.append(Block(heading, heading=True))
        blocks.append(Block(vocab.phrase("report_carried_line", total=len(items), done=done)))
        for f in items:
            number += 1
            problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if not p.is_declaration]
            measures = {m.id: m for p in problems for m in scope.counted_measures(p) if m.id in own}
            text = vocab.phrase("report_feedback_lead", n=number, quote=(f.quote or f.title).strip().rstrip("。"))
            if measures:
                text += _done_text(ledger, [measures[i] for i in sorted(measures)])
            text += vocab.phrase("report_feedback_state", state=status_label(vocab, scope.counted_state(f)))
            blocks.append(Block(text))
    return number


def _who_when(ledger: Ledger, m) -> str:
    vocab = ledger.vocab
    units = "、".join(m.unit) or vocab.phrase("not_filled")
    if m.long_term:
        return vocab.phrase("report_who_long_term", units=units)
    when = chinese_date(m.deadline) if m.deadline else vocab.phrase("not_filled")
    adjusted = m.value("adjusted_deadline")
    if isinstance(adjusted, dt.date):      # the days are counted from it: both dates stay in the sentence
        when += f"（{vocab.phrase('adjusted_deadline_note', date=chinese_date(adjusted))}）"
    return vocab.phrase("report_who_when", units=units, deadline=when)


def _named(ledger: Ledger, measures, note) -> str:
    return "；".join(f"“{m.title.strip().rstrip('。')}”（{_who_when(ledger, m)}{note(m)}）" for m in measures)


def _open_measures(ledger: Ledger, scope: Scope) -> list:
    vocab = ledger.vocab
    return [m for m in scope.measures if not (m.status and vocab.is_closed(m.status))]


def _lit(ledger: Ledger, measures, light: str) -> list:
    """The measures lit `light`, 长期坚持 ones left out (they lag, they are never late)."""
    return [m for m in measures if ledger.lights.get(m.id) == light and not m.long_term]


NAMED_BY_IDENTITY = True   # False: `m not in overdue` compares records field by field (tests compare)


def _not_named(overdue, soon) -> Callable:
    """A test: the measure is in neither list. `m not in overdue` calls the
    dataclass's __eq__, which builds and compares a tuple of every field, for
    each measure named (5,000 records: 220,000 calls, 0.13 s). The measures all
    come from the same ledger, one record per id, so a record equals only
    itself: identity gives the same answer."""
    if not NAMED_BY_IDENTITY:
        return lambda m: m not in overdue and m not in soon
    named = {id(m) for m in (*overdue, *soon)}
    return lambda m: id(m) not in named


def _not_started(measures, overdue, soon) -> list:
    """未启动 measures not already named as overdue or due soon."""
    not_named = _not_named(overdue, soon)
    return [m for m in measures if m.status == "not_started" and not_named(m)]


def _lagging(ledger: Ledger, measures, overdue, soon) -> list:
    """长期坚持 without progress for long: lit yellow or red (link.py)."""
    stale = ledger.stale_days
    not_named = _not_named(overdue, soon)
    return [m for m in measures if m.id in stale and ledger.lights.get(m.id) in (RED, YELLOW) and not_named(m)]


def _issue_groups(ledger: Ledger, scope: Scope) -> list[tuple[str, list, Callable]]:
    """(lead phrase, measures, note(measure) after its who and when), in the section's order."""
    vocab = ledger.vocab
    open_ = _open_measures(ledger, scope)
    overdue = [m for m in _lit(ledger, open_, RED) if (ledger.days_left(m) or 0) < 0]
    soon = _lit(ledger, open_, YELLOW)

    def days(m, phrase):
        return "，" + vocab.phrase(phrase, days=abs(ledger.days_left(m) or 0))

    def not_started_note(m):
        return days(m, "report_soon_days") if (ledger.days_left(m) or -1) >= 0 and not m.long_term else ""

    return [
        ("report_issue_overdue", overdue, lambda m: days(m, "report_overdue_days")),
        ("report_issue_soon", soon, lambda m: days(m, "report_soon_days")),
        ("report_issue_not_started", _not_started(open_, overdue, soon), not_started_note),
        ("report_issue_lagging", _lagging(ledger, open_, overdue, soon),
         lambda m: "，" + vocab.phrase("report_stale_days", days=ledger.stale_days[m.id])),
    ]


def _issues(ledger: Ledger, scope: Scope) -> tuple[Block, ...]:
    """Every item that is behind, named in words with its days."""
    vocab = ledger.vocab
    blocks = []
    for phrase, measures, note in _issue_groups(ledger, scope):
        if measures:
            blocks.append(Block(_named(ledger, measures, note) + "。",
                                lead=f"（{chinese_ordinal(len(blocks) + 1)}）{vocab.phrase(phrase, count=len(measures))}"))
    # a 非整改任务 needs no measures: it is set apart in section 二, never a gap here
    unanswered = [f for f in scope.feedback if not not_a_task(f) and not _measures_of_feedback(ledger, scope, f)[0]]
    if unanswered:
        names = "；".join(f"“{_quote(f)}”" for f in unanswered)
        lead = vocab.phrase("report_issue_unanswered", count=len(unanswered))
        blocks.append(Block(names + "。", lead=f"（{chinese_ordinal(len(blocks) + 1)}）{lead}"))
    return tuple(blocks) or (Block(vocab.phrase("report_no_issues")),)


def _titles(vocab, measures, most: int = 3) -> str:
    """“a”“b”“c”等 5 项 (the first few titles, then how many)."""
    names = "".join(f"“{m.title.strip().rstrip('。')}”" for m in measures[:most])
    return names + (vocab.phrase("report_more", count=len(measures)) if len(measures) > 1 else "")


def _steps(ledger: Ledger, scope: Scope) -> list[str]:
    """下一步工作 made from the open items: overdue, not started, due soon, lasting, awaiting sign-off."""
    vocab = ledger.vocab
    open_ = _open_measures(ledger, scope)
    overdue = _lit(ledger, open_, RED)
    soon = _lit(ledger, open_, YELLOW)
    not_started = _not_started(open_, overdue, soon)
    lasting = sum(1 for m in open_ if m.long_term or m.status == "basically_done")
    awaiting = sum(1 for m in scope.measures if m.status == "done")
    steps = []
    if overdue:
        units = "、".join(sorted({u for m in overdue for u in m.unit}))
        steps.append(vocab.phrase("report_next_overdue", units=units, titles=_titles(vocab, overdue)))
    if not_started:
        steps.append(vocab.phrase("report_next_not_started", titles=_titles(vocab, not_started)))
    if soon:
        steps.append(vocab.phrase("report_next_soon", titles=_titles(vocab, soon)))
    if lasting:
        steps.append(vocab.phrase("report_next_lasting", count=lasting))
    if awaiting:
        steps.append(vocab.phrase("report_next_signoff", count=awaiting))
    return steps + [vocab.phrase("report_next_always")]


def _next_steps(ledger: Ledger, scope: Scope) -> tuple[Block, ...]:
    """The unit's own 下一步工作 (the round's field), else sentences made from
    the open items: never a placeholder."""
    written = tuple(t for t in (scope.round.value("next_steps") or ()) if str(t).strip()) if scope.round else ()
    if written:
        return tuple(Block(_sentence(_words(ledger, str(t))), lead=f"{chinese_ordinal(i)}是") for i, t in enumerate(written, 1))
    return tuple(Block(s, lead=f"{chinese_ordinal(i)}是") for i, s in enumerate(_steps(ledger, scope), 1))
