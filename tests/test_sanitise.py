"""The sanitiser on its own (fast; the browser test is tests/test_xss.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from taizhang.sanitise import is_off_site, render_body


def _soup(body: str) -> BeautifulSoup:
    return BeautifulSoup(render_body(body), "html.parser")


@pytest.mark.parametrize("body", [
    "<img src=x onerror=alert(1)>", '![x](y.png){: onerror="alert(1)"}', '段落\n{: onfocus="alert(1)" autofocus}',
    "<svg onload=alert(1)>", '<a href="x" onclick="alert(1)" style="position:fixed">x</a>',
    '<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>',
])
def test_no_handler_or_style_survives(body):
    for el in _soup(body).find_all(True):
        assert not [a for a in el.attrs if a.startswith("on") or a in ("style", "autofocus", "tabindex")], body


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#9;script:alert(1)",
                                  "java&NewLine;script:alert(1)", "&#x6A;avascript:alert(1)", " &#1;javascript:alert(1)",
                                  "data:text/html,x", "vbscript:x"])
def test_script_urls_are_removed_as_a_browser_reads_them(href):
    for body in (f'<a href="{href}">x</a>', f"[x]({href})", f"[x][r]\n\n[r]: {href}"):
        link = _soup(body).find("a")
        assert link is not None and not link.get("href"), body


def test_allowed_markup_is_kept():
    doc = _soup("## 小节\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n!!! note \"注\"\n    内容\n\n"
                "**粗** <b>b</b> [内](../x/) [外](https://oa.example.internal/) ![图](a.png)")
    assert doc.find("h2")["id"] == "小节"
    assert doc.find("th")["align"] == "left" and doc.find("td", align="right")
    assert doc.find("div", class_="admonition")["class"] == ["admonition", "note"]
    assert doc.find("a", href="../x/") and doc.find("a", href="https://oa.example.internal/")["rel"] == ["noopener", "noreferrer"]
    assert doc.find("img")["src"] == "a.png"


@pytest.mark.parametrize("src", ["https://cdn.example.com/a.png", "HTTPS://cdn.example.com/a.png", "//cdn.example.com/a.png",
                                 "/\\cdn.example.com/a.png", " https://cdn.example.com/a.png"])
def test_off_site_images_become_links(src):
    doc = _soup(f'<img src="{src}" alt="图">')
    assert doc.find("img") is None
    assert doc.find("a").get_text() == "图" and is_off_site(doc.find("a")["href"])


def test_reserved_ids_are_dropped():
    assert _soup('<h2 id="__md_scope">x</h2>').find("h2").get("id") is None
