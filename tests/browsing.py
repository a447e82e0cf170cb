"""Shared by the browser tests: Debian's chromium, a local static server,
and a page that records every request and console error."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit


from conftest import REPO, tool_missing

CHROMIUM = Path(os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "test-artifacts"
INSTALL_HINT = "需要 Debian 的 chromium 和 fonts-noto-cjk：apt-get install chromium fonts-noto-cjk"



def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"找不到 {CHROMIUM}"
    # Without a CJK font the screenshots show boxes instead of Chinese.
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    if fonts.returncode != 0 or not fonts.stdout.strip():
        return "没有中文字体"
    return None


def require_chromium() -> None:
    """Fail under CI, skip with an install hint elsewhere, when chromium or the CJK font is missing."""
    missing = _missing()
    if missing is None:
        return
    tool_missing(f"浏览器测试无法运行：{missing}。{INSTALL_HINT}", module_level=True)


LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Server:
    """A static file server on 127.0.0.1 for the built site."""

    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass




class Watched:
    """A page whose every request and console error is recorded."""

    def __init__(self, browser, base: str, viewport=None):
        self.base = base
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def off_site(self):
        base = urlsplit(self.base)
        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(base.path.rstrip("/") or "/"):
                bad.append(url)
        return bad

    def close(self):
        self.context.close()

    def shot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)




# axe-core, vendored from the npm registry (tests/vendor/axe-core, MPL-2.0,
# unmodified): injected into the page under test, never fetched from a CDN.
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS_CHECKED = (390, 768, 1366)


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page as shown,
    one line per element: rule, element, axe's explanation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async tags => {
      // transitions still running (Material fades tabs in) would be measured half-way
      await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
      const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
      return r.violations.flatMap(v => v.nodes.map(n => v.id + ' ' + n.target.join(' ') + ': '
        + ((n.any[0] || n.all[0] || n.none[0] || {}).message || v.help)));
    }""", AXE_TAGS)
    return found


def no_violations(found: dict) -> bool:
    """Assert-friendly: True when no page had a violation; else fails listing them all."""
    bad = [f"{where}: {line}" for where, lines in found.items() for line in lines]
    assert not bad, "axe-core 报告的无障碍问题：\n" + "\n".join(bad)
    return True


# What a reader at this width cannot read: the page wider than the window;
# a row's status or light cell outside the window or outside the box it
# scrolls in; a header (or a figure card's number or label) with a line of one
# character; an id or date split across lines (each character's line measured
# with a Range).
READABILITY_JS = r"""() => {
  const vw = document.documentElement.clientWidth;
  const out = {page: document.documentElement.scrollWidth > vw + 0.5 ? document.documentElement.scrollWidth : 0, hidden: [], lone: [], broken: []};
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return null;
    let lo = 0, hi = vw;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.overflowX !== 'visible') { const b = p.getBoundingClientRect(); lo = Math.max(lo, b.left); hi = Math.min(hi, b.right); }
    }
    return r.left >= lo - 1 && r.right <= hi + 1;
  };
  for (const tr of document.querySelectorAll('article table tbody tr:not([hidden])')) {
    for (const td of tr.querySelectorAll('td')) {
      if (!td.querySelector('.tz-status, .tz-light')) continue;
      const ok = visible(td);
      if (ok === false) out.hidden.push((td.dataset.label || '?') + ':' + tr.textContent.trim().slice(0, 12));
    }
  }
  const lines = (node, start, end) => {
    const tops = [];
    for (let i = start; i < end; i++) {
      if (/\s/.test(node.data[i])) continue;
      const rg = document.createRange(); rg.setStart(node, i); rg.setEnd(node, i + 1);
      const rs = rg.getClientRects(); if (!rs.length) continue;
      const t = Math.round(rs[0].top); const last = tops[tops.length - 1];
      if (!last || Math.abs(last.top - t) > 3) tops.push({top: t, n: 1}); else last.n++;
    }
    return tops;
  };
  // headers, and the figure cards' numbers and labels ("23.8%（5/21" over a lone "）")
  for (const th of document.querySelectorAll('article th, article .tz-num__value, article .tz-num__label')) {
    if (!th.offsetParent) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let tops = [];
    for (let n; (n = walker.nextNode());) tops = tops.concat(lines(n, 0, n.data.length));
    if (tops.length > 1 && tops.some(l => l.n === 1)) out.lone.push(th.textContent.trim());
  }
  const re = /[A-Z]{2}-\d{3}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日/g;
  const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    if (!n.parentElement.offsetParent) continue;
    for (const m of n.data.matchAll(re)) {
      const t = lines(n, m.index, m.index + m[0].length);
      if (t.length > 1) out.broken.push(m[0]);
    }
  }
  return out;
}"""


def unreadable(page) -> dict:
    """{"page": overflow px or 0, "hidden": [...], "lone": [...], "broken": [...]} of the page as shown."""
    return page.evaluate(READABILITY_JS)


SWEPT = (360, 390, 480, 600, 601, 700, 768, 900, 1023, 1024, 1100, 1220, 1280, 1366, 1600, 1920)


def sweep(page, label: str) -> list[str]:
    """The page at each width of SWEPT (360–1920 px): what is unreadable at each (see READABILITY_JS)."""
    problems = []
    for width in SWEPT:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(f"() => document.documentElement.clientWidth === {width}")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found = unreadable(page)
        if any(found.values()):
            problems.append(f"{label} {width}px: {found}")
    return problems
