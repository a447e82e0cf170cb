"""整改进展情况通报 as a site page (the .docx is export/report.py)."""

from __future__ import annotations

from taizhang.markup import md_inline
from taizhang.views.report import Report


def report_markdown(report: Report, vocab) -> str:
    title = vocab.phrase("report_note_title").replace('"', "")
    lines = [f"# {md_inline(report.title)}", "", f'!!! note "{md_inline(title)}"', f"    {md_inline(vocab.phrase('report_note'))}", ""]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [md_inline(paragraph), ""]
        lines += [f"- {md_inline(item)}" for item in section.items]
        if section.items:
            lines.append("")
    return "\n".join(lines)
