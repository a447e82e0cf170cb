"""What the sanitiser will remove from a record body, found at its line.

Safety does not depend on this module: every body is sanitised when the
site is built (sanitise.py). The checker uses these findings to warn authors
(rule `unsafe-html`), so they learn why something they wrote does not show.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from taizhang.sanitise import ATTRIBUTES, CLASSES, CLEAN_CONTENT, TAGS, URL_SCHEMES, is_off_site

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
             "cite", "longdesc", "srcdoc"}
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Markdown link or image targets: [text](url …), ![alt](url …), and
# reference definitions `[id]: url`.
_MD_TARGET = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]*)")
_MD_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S*?)>?(?:\s|$)")
_ATTR_LIST = re.compile(r"\{:[^}\n]*\}|\{\s*[#.][\w\-]+[^}\n]*\}")


@dataclass(frozen=True)
class Finding:
    """Something the sanitiser will remove from a body, at its line."""

    line: int        # 1-based, within the body
    what: str


def bad_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` when it is not allowed, else None."""
    text = _URL_IGNORED.sub("", html.unescape(url))
    match = _SCHEME.match(text)
    if match and match.group(1).lower() not in URL_SCHEMES:
        return match.group(1).lower()
    return None


def _scanner_class():
    """The HTML scanner, made on the first body holding a "<": most bodies hold
    none, and html.parser is a sizeable import for `taizhang check`."""
    if _SCANNER:
        return _SCANNER[0]
    from html.parser import HTMLParser

    class _Scanner(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.findings: list[Finding] = []

        def _add(self, what: str) -> None:
            self.findings.append(Finding(self.getpos()[0], what))

        def handle_starttag(self, tag, attrs):
            if tag not in TAGS:
                self._add(f"<{tag}> 标签" + ("及其内容" if tag in CLEAN_CONTENT else ""))
                return
            allowed = ATTRIBUTES.get(tag, set())
            for name, value in attrs:
                value = value or ""
                if name == "class" and tag in CLASSES and set(value.split()) <= CLASSES[tag]:
                    continue
                if name not in allowed:
                    self._add(f"<{tag}> 的 {name}= 属性")
                elif name in URL_ATTRS and (scheme := bad_scheme(value)):
                    self._add(f"{scheme}: 网址")
                elif tag == "img" and name == "src" and is_off_site(value):
                    self._add("外网图片（网站显示为链接，不加载）")

        handle_startendtag = handle_starttag

        def handle_comment(self, data):
            self._add("HTML 注释")

    _SCANNER.append(_Scanner)
    return _Scanner


_SCANNER: list = []


def unsafe_html(body: str) -> list[Finding]:
    findings: list[Finding] = []
    if "<" in body:
        scanner = _scanner_class()()
        try:
            scanner.feed(body)
            scanner.close()
        except Exception:  # HTMLParser is lenient; never let a body crash the checker
            pass
        findings += scanner.findings
    if "](" in body or "]:" in body or "{" in body:
        for number, line in enumerate(body.split("\n"), start=1):
            for bang, url in _MD_TARGET.findall(line):
                if scheme := bad_scheme(url):
                    findings.append(Finding(number, f"链接中的 {scheme}: 网址"))
                elif bang and is_off_site(html.unescape(url)):
                    findings.append(Finding(number, "外网图片（网站显示为链接，不加载）"))
            definition = _MD_DEFINITION.match(line)
            if definition and (scheme := bad_scheme(definition.group(1))):
                findings.append(Finding(number, f"链接中的 {scheme}: 网址"))
            if _ATTR_LIST.search(line):
                findings.append(Finding(number, "属性写法 {: …}（记录正文中不起作用）"))
    return sorted(set(findings), key=lambda f: (f.line, f.what))
