"""Text for the office files: Markdown bodies as plain text for spreadsheets
and reports (kept in taizhang.markup, which views may import too), and the
characters lxml refuses in XML text."""

from __future__ import annotations

import re

from taizhang.markup import plain_text

__all__ = ["LXML_REFUSED", "plain_text"]

# What lxml refuses in XML text: it raises ValueError ("All strings must be XML
# compatible"). The writers that put text into XML as strings themselves (the
# worksheets' cells in sheetxml, the report's runs in report) leave text with one
# of these to lxml's own elements, so it fails just as it would have.
LXML_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
