"""A Content-Security-Policy for a built site: only the site itself.

Material puts a few small inline scripts on every page (their text differs
with the page's depth); they are allowed by their SHA-256 hashes, read from
the built files, so no 'unsafe-inline' is needed for scripts.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

EXECUTABLE_TYPES = ("", "text/javascript", "application/javascript", "module")


class _InlineScripts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._inside = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and (attrs.get("type") or "").lower() in EXECUTABLE_TYPES:
            self._inside, self._text = True, []

    def handle_data(self, data):
        if self._inside:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inside:
            self.found.append("".join(self._text))
            self._inside = False


def inline_script_hashes(site: Path) -> list[str]:
    hashes = set()
    for page in sorted(site.rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        for script in parser.found:
            digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def policy(site: Path) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(site)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def nginx_snippet(site: Path) -> str:
    return ("# 由 taizhang csp 生成：网站每次重新构建后都要重新生成\n"
            f'add_header Content-Security-Policy "{policy(site)}" always;\n')
