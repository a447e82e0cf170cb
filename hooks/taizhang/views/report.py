"""整改进展情况通报: the report's content as plain text sections.

One structure, two renderings: render/report.py writes it as a site page,
export/report.py as a .docx. Records marked `公开: 否` are left out
entirely, and so are measures that only address unpublished problems. Every
count and status comes from `views.figures` and the ledger's derived
statuses, so the report agrees with the dashboard and the ledger sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taizhang.link import RED, Ledger
from taizhang.views import Scope, deadline_text, figures, is_closed, measure_note, status_label


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    sections: list[Section]


def build_report(ledger: Ledger, scope: Scope) -> Report:
    vocab = ledger.vocab
    shown = scope.published()
    measures = shown.measures
    late = [m for m in measures if ledger.lights.get(m.id) == RED]
    name = scope.round.title if scope.round else vocab.kind_label("round")
    overview = Section("一、总体情况", [_overview(ledger, shown, name)])
    if len(measures) != len(scope.measures) or len(shown.problems) != len(scope.problems):
        overview.paragraphs.append(vocab.phrase("report_unpublished"))
    sections = [overview, _by_area(ledger, shown), _by_feedback(ledger, shown), _closed(ledger, measures),
                _long_term(ledger, measures)]
    if late:
        sections.append(_late(ledger, late))
    sections.append(Section(f"{'七' if late else '六'}、下一步工作", ["（本部分请结合实际填写。）"]))
    return Report(f"{name}{vocab.phrase('report_name')}（截至 {ledger.today.isoformat()}）", sections)


def _overview(ledger: Ledger, shown: Scope, name: str) -> str:
    """总体情况: the counts, the measures' rate, and what was carried over or repeats."""
    vocab = ledger.vocab
    fig = figures(ledger, shown)
    rate = fig.rate("measures")
    kinds = {k: vocab.kind_label(k) for k in ("feedback", "problem", "measure")}
    done_label, signed_label = vocab.label("statuses", "done"), vocab.label("statuses", "signed_off")
    text = (f"截至 {ledger.today.isoformat()}，{name}{kinds['feedback']} {fig.feedback} 条，对照{kinds['problem']} "
            f"{fig.problems} 个，制定{kinds['measure']} {fig.measures} 项。{done_label}或{signed_label} {fig.closed} 项"
            f"（其中{signed_label} {fig.signed_off} 项），{rate.label} {rate.text}；"
            f"{vocab.phrase('in_progress')} {fig.in_progress} 项，{vocab.label('statuses', 'not_started')} "
            f"{fig.not_started} 项；{vocab.label('lights', 'red')} {fig.overdue} 项。")
    if fig.carried_in or fig.repeats:
        text += (f"其中承接上一轮未完成的{kinds['measure']} {fig.carried_in} 项；屡查屡犯（与前轮反馈或查摆相同）的"
                 f"{kinds['feedback']} {fig.repeat_feedback} 条、{kinds['problem']} {fig.repeat_problems} 个，须重点整改。")
    return text


def _closed(ledger: Ledger, measures) -> Section:
    vocab = ledger.vocab
    closed = [m for m in measures if is_closed(ledger, m)]
    signed_label = vocab.label("statuses", "signed_off")
    return Section(f"四、{vocab.label('statuses', 'done')}的整改事项", [] if closed else ["暂无。"],
                   [f"{m.id} {m.title}（{m.completed_on.isoformat() if m.completed_on else ''} 完成"
                    f"{'，' + signed_label if m.status == 'signed_off' else ''}）" for m in closed])


def _long_term(ledger: Ledger, measures) -> Section:
    vocab = ledger.vocab
    long_term = [m for m in measures if m.long_term or m.measure_type == "long_term"]
    return Section(f"五、需要{vocab.label('measure_types', 'long_term')}的事项", [] if long_term else ["暂无。"],
                   [f"{m.id} {m.title}（{'、'.join(m.unit)}，{status_label(vocab, m.status)}）" for m in long_term])


def _late(ledger: Ledger, late) -> Section:
    vocab = ledger.vocab
    return Section(f"六、{vocab.label('lights', 'red')}未完成的事项", [],
                   [f"{m.id} {m.title}（{'、'.join(m.unit)}，{vocab.key('deadline')} "
                    f"{deadline_text(ledger, m)}，{measure_note(ledger, m)}）" for m in late])


def _by_area(ledger: Ledger, scope: Scope) -> Section:
    vocab = ledger.vocab
    paragraphs = []
    for area in figures(ledger, scope).areas:
        in_area = [p for p in scope.problems if p.area == area.ordinal]
        states = "；".join(f"{p.title}{_repeat_note(ledger, p)}（{status_label(vocab, ledger.problem_status.get(p.id), vocab.phrase('no_measures'))}）"
                          for p in in_area)
        paragraphs.append(f"{area.label}{vocab.key('area')}：{vocab.kind_label('problem')} {area.problems} 个，"
                          f"{vocab.kind_label('measure')} {area.measures} 项，{vocab.label('lights', 'done')} "
                          f"{area.closed} 项。{states}。")
    return Section(f"二、分{vocab.key('area')}整改情况", paragraphs or ["暂无。"])


def _by_feedback(ledger: Ledger, scope: Scope) -> Section:
    vocab = ledger.vocab
    shown = {p.id for p in scope.problems}
    items = []
    for f in scope.feedback:
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if p.id in shown]
        state = status_label(vocab, ledger.feedback_status.get(f.id), vocab.phrase("no_problems"))
        linked = "、".join(p.id + _repeat_note(ledger, p) for p in problems) or vocab.phrase("none")
        items.append(f"{f.id} “{f.quote or f.title}”：{state}（{linked}）{_repeat_note(ledger, f)}")
    return Section(f"三、巡视{vocab.kind_label('feedback')}整改情况", [] if items else ["暂无。"], items)


def _repeat_note(ledger: Ledger, record) -> str:
    """屡查屡犯 beside a feedback item or problem that repeats an earlier round's."""
    earlier = ledger.repeats(record)
    return f"〔屡查屡犯，前轮 {'、'.join(r.id for r in earlier)}〕" if earlier else ""
