"""整改进展情况报告 as a site page (the .docx is export/report.py): the same
blocks, in the same order, as Markdown."""

from __future__ import annotations

from taizhang.markup import md_inline
from taizhang.views.report import Report, chinese_date


def report_markdown(report: Report, vocab) -> str:
    title = vocab.phrase("report_note_title").replace('"', "")
    lines = [f"# {md_inline(report.title)}", "", f'!!! note "{md_inline(title)}"', f"    {md_inline(vocab.phrase('report_note'))}", ""]
    if report.recipient:
        lines += [md_inline(f"{report.recipient}："), ""]
    lines += [md_inline(report.opening), ""]
    for section in report.sections:
        lines += [f"## {md_inline(section.heading)}", ""]
        for block in section.blocks:
            if block.heading:
                lines += [f"### {md_inline(block.text)}", ""]
            else:
                lead = f"**{md_inline(block.lead)}**" if block.lead else ""
                lines += [lead + md_inline(block.text), ""]
    if report.unpublished:
        lines += [md_inline(report.unpublished), ""]
    for n, item in enumerate(report.attachments):
        label = f"{report.attachment_label}：" if n == 0 else ""
        lines += [md_inline(label + item), ""]
    if report.issuer:
        lines += [f'<p class="tz-signature">{_html(report.issuer)}<br>{_html(chinese_date(report.as_of))}</p>', ""]
    return "\n".join(lines)


def _html(text: str) -> str:
    from taizhang.markup import esc
    return esc(text)
