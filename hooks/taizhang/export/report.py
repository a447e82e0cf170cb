"""整改进展情况通报 as a .docx for the office (python-docx).

The content (sections, figures, what is left out as unpublished) is built
once in views/report.py; render/report.py shows the same structure as a page.
"""

from __future__ import annotations

import datetime as dt
import io

from taizhang.export.zipfix import fixed_zip
from taizhang.views.report import Report, Section, build_report

__all__ = ["Report", "Section", "build_report", "report_docx"]


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
