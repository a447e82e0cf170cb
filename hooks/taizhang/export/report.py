"""整改进展情况通报: a draft progress report from the records.

One structure, two renderings: Markdown for the site and .docx for the
office (python-docx). Records marked `公开: 否` are left out entirely, and
so are measures that only address unpublished problems.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from taizhang.export.zipfix import fixed_zip
from taizhang.link import DONE, RED, Ledger
from taizhang.render.scope import Scope


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    sections: list[Section]


def _published(records):
    return [r for r in records if r.publish]


def build_report(ledger: Ledger, scope: Scope) -> Report:
    vocab = ledger.vocab
    today = ledger.today.isoformat()
    problems = _published(scope.problems)
    problem_ids = {p.id for p in problems}
    measures = [m for m in _published(scope.measures)
                if not m.problems or any(l.target in problem_ids for l in m.problems)]
    feedback = _published(scope.feedback)
    closed = [m for m in measures if ledger.lights.get(m.id) == DONE]
    signed = [m for m in closed if m.status == "signed_off"]
    late = [m for m in measures if ledger.lights.get(m.id) == RED]
    long_term = [m for m in measures if m.long_term or m.measure_type == "long_term"]
    rate = f"{len(closed) / len(measures) * 100:.1f}%" if measures else "0.0%"
    name = scope.round.title if scope.round else "巡视"
    overview = (f"截至 {today}，{name}反馈问题 {len(feedback)} 条，对照查摆问题 {len(problems)} 个，"
                f"制定整改措施 {len(measures)} 项。已完成 {len(closed)} 项（其中已销号 {len(signed)} 项），"
                f"整改完成率 {rate}；正在推进 {len(measures) - len(closed)} 项，其中逾期 {len(late)} 项。")
    sections = [Section("一、总体情况", [overview])]
    if len(_published(scope.measures)) != len(scope.measures) or len(problems) != len(scope.problems):
        sections[0].paragraphs.append("本通报不含按规定不予公开的事项。")
    sections.append(_by_area(ledger, scope, problems))
    sections.append(_by_feedback(ledger, feedback, problem_ids))
    sections.append(Section("四、已完成的整改事项", [] if closed else ["暂无。"],
                            [f"{m.id} {m.title}（{m.completed_on.isoformat() if m.completed_on else ''} 完成"
                             f"{'，已销号' if m.status == 'signed_off' else ''}）" for m in closed]))
    sections.append(Section("五、需要长期坚持的事项", [] if long_term else ["暂无。"],
                            [f"{m.id} {m.title}（{'、'.join(m.unit)}，{vocab.label('statuses', m.status) if m.status else ''}）"
                             for m in long_term]))
    if late:
        sections.append(Section("六、逾期未完成的事项", [],
                                [f"{m.id} {m.title}（{'、'.join(m.unit)}，整改时限 {m.deadline.isoformat()}，"
                                 f"逾期 {-ledger.days_left(m)} 天）" for m in late]))
    sections.append(Section(f"{'七' if late else '六'}、下一步工作", ["（本部分请结合实际填写。）"]))
    return Report(f"{name}整改进展情况通报（截至 {today}）", sections)


def _by_area(ledger: Ledger, scope: Scope, problems) -> Section:
    vocab = ledger.vocab
    paragraphs = []
    for ordinal, name in scope.areas():
        in_area = [p for p in problems if p.area == ordinal]
        if not in_area:
            continue
        measure_ids = {m.id for p in in_area for m in _published(ledger.measures_of(p.id))}
        done = sum(1 for i in measure_ids if ledger.lights.get(i) == DONE)
        states = "；".join(f"{p.title}（{vocab.label('statuses', s) if (s := ledger.problem_status.get(p.id)) else '尚无整改措施'}）"
                          for p in in_area)
        paragraphs.append(f"（{ordinal}）{name}方面：查摆问题 {len(in_area)} 个，整改措施 {len(measure_ids)} 项，"
                          f"已完成 {done} 项。{states}。")
    return Section("二、分方面整改情况", paragraphs or ["暂无。"])


def _by_feedback(ledger: Ledger, feedback, problem_ids: set[str]) -> Section:
    vocab = ledger.vocab
    items = []
    for f in feedback:
        problems = [p for p in ledger.linked_from(f.id, "problem", "feedback") if p.id in problem_ids]
        statuses = [ledger.problem_status.get(p.id) for p in problems]
        if not problems:
            state = "尚未对照查摆"
        elif all(s and vocab.is_closed(s) for s in statuses):
            state = "已整改完成"
        else:
            state = "正在整改"
        items.append(f"{f.id} “{f.quote or f.title}”：{state}（{'、'.join(p.id for p in problems) or '—'}）")
    return Section("三、巡视反馈问题整改情况", [] if items else ["暂无。"], items)


def report_markdown(report: Report) -> str:
    lines = [f"# {_md(report.title)}", "", "!!! note \"草稿\"", "    本通报由台账记录自动生成，发布前请核对并补充“下一步工作”。", ""]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [_md(paragraph), ""]
        lines += [f"- {_md(item)}" for item in section.items]
        if section.items:
            lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    from taizhang.render.html import md_inline
    return md_inline(text)


def report_docx(report: Report, today: dt.date) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "仿宋", Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    document.add_heading(report.title, level=0)
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for item in section.items:
            document.add_paragraph(item, style="List Bullet")
    stamp = dt.datetime.combine(today, dt.time())
    props = document.core_properties
    props.created = props.modified = stamp
    props.author = props.last_modified_by = "taizhang"
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)
