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
    today = ledger.today.isoformat()
    shown = scope.published()
    fig = figures(ledger, shown)
    measures, problems = shown.measures, shown.problems
    closed = [m for m in measures if is_closed(ledger, m)]
    late = [m for m in measures if ledger.lights.get(m.id) == RED]
    long_term = [m for m in measures if m.long_term or m.measure_type == "long_term"]
    rate = fig.rate("measures")
    kinds = {k: vocab.kind_label(k) for k in ("feedback", "problem", "measure")}
    done_label, signed_label = vocab.label("statuses", "done"), vocab.label("statuses", "signed_off")
    name = scope.round.title if scope.round else vocab.kind_label("round")
    overview = (f"截至 {today}，{name}{kinds['feedback']} {fig.feedback} 条，对照{kinds['problem']} {fig.problems} 个，"
                f"制定{kinds['measure']} {fig.measures} 项。{done_label}或{signed_label} {fig.closed} 项"
                f"（其中{signed_label} {fig.signed_off} 项），{rate.label} {rate.text}；"
                f"{vocab.phrase('in_progress')} {fig.in_progress} 项，{vocab.label('statuses', 'not_started')} "
                f"{fig.not_started} 项；{vocab.label('lights', 'red')} {fig.overdue} 项。")
    if fig.carried_in or fig.repeats:
        overview += (f"其中承接上一轮未完成的{kinds['measure']} {fig.carried_in} 项；屡查屡犯（与前轮反馈或查摆相同）的"
                     f"{kinds['feedback']} {fig.repeat_feedback} 条、{kinds['problem']} {fig.repeat_problems} 个，须重点整改。")
    sections = [Section("一、总体情况", [overview])]
    if len(measures) != len(scope.measures) or len(problems) != len(scope.problems):
        sections[0].paragraphs.append(vocab.phrase("report_unpublished"))
    sections.append(_by_area(ledger, shown))
    sections.append(_by_feedback(ledger, shown))
    sections.append(Section(f"四、{done_label}的整改事项", [] if closed else ["暂无。"],
                            [f"{m.id} {m.title}（{m.completed_on.isoformat() if m.completed_on else ''} 完成"
                             f"{'，' + signed_label if m.status == 'signed_off' else ''}）" for m in closed]))
    sections.append(Section(f"五、需要{vocab.label('measure_types', 'long_term')}的事项", [] if long_term else ["暂无。"],
                            [f"{m.id} {m.title}（{'、'.join(m.unit)}，{status_label(vocab, m.status)}）"
                             for m in long_term]))
    if late:
        sections.append(Section(f"六、{vocab.label('lights', 'red')}未完成的事项", [],
                                [f"{m.id} {m.title}（{'、'.join(m.unit)}，{vocab.key('deadline')} "
                                 f"{deadline_text(ledger, m)}，{measure_note(ledger, m)}）" for m in late]))
    sections.append(Section(f"{'七' if late else '六'}、下一步工作", ["（本部分请结合实际填写。）"]))
    return Report(f"{name}{vocab.phrase('report_name')}（截至 {today}）", sections)


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
