"""Raw HTML in record bodies that could run script in a reader's browser.

Record bodies are Markdown, and Markdown passes raw HTML through. Bodies come
from many hands by pull request and are read by leaders, so script, frames,
event handlers and script URLs are found here; the checker reports them and
the renderer shows such a body as plain text. Trusted deployments opt out
with `rules: {unsafe-html: off}` in taizhang.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                  "form", "meta", "link", "style", "svg", "math"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE)
_MD_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript)\s*:", re.IGNORECASE)
_AUTOLINK = re.compile(r"<\s*(javascript|vbscript)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    line: int        # 1-based, within the body
    what: str


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in DANGEROUS_TAGS:
            self.findings.append(Finding(line, f"<{tag}> 标签"))
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(Finding(line, f"事件属性 {name}="))
            elif name in URL_ATTRS and value and _SCRIPT_URL.match(value):
                self.findings.append(Finding(line, f"{name} 中的脚本网址"))

    handle_startendtag = handle_starttag


def unsafe_html(body: str) -> list[Finding]:
    if "<" not in body and "script" not in body.lower():
        return []  # no tag and no script URL: the usual body, checked in microseconds
    scanner = _Scanner()
    try:
        scanner.feed(body)
        scanner.close()
    except Exception:  # HTMLParser is lenient; never let a body crash the checker
        pass
    findings = list(scanner.findings)
    for number, line in enumerate(body.split("\n"), start=1):
        if _MD_LINK.search(line) or _AUTOLINK.search(line):
            findings.append(Finding(number, "链接中的脚本网址"))
    return sorted(set(findings), key=lambda f: (f.line, f.what))
