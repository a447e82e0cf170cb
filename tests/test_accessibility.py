"""Accessibility with axe-core (vendored, tests/vendor/axe-core) in Debian's
Chromium: every kind of generated page of the sample site, at a phone, a
tablet and a laptop width, has no WCAG 2.1 A/AA violation. The 督查总览 and
an archived round are checked beside their own fixtures (test_gather.py,
test_archive.py). One built site, one browser context per width, every page
in it."""

from __future__ import annotations

import pytest

from browsing import WIDTHS_CHECKED, Watched, axe_violations, no_violations, require_chromium, sweep

require_chromium()

# One page of each kind the generator writes, and the theme's own (404, guide).
PAGES = ("", "lists/problems/", "lists/tasks/", "lists/responsibility/", "lists/signoff/", "reconciliation/",
         "trace/", "all-rounds/", "carried/", "recurrences/", "drafts/", "report/", "guide/",
         "rounds/LC-001/", "feedback/FK-014/", "problems/WT-010/", "causes/YY-001/", "measures/CS-003/",
         "measures/", "404.html")


@pytest.mark.parametrize("width", WIDTHS_CHECKED)
def test_no_axe_violation_on_any_kind_of_page(browser, served, width):
    w = Watched(browser, served, viewport={"width": width, "height": 900})
    try:
        page = w.page
        found = {}
        for path in PAGES:
            # a page renamed away would show the 404 page (an h1 too) and pass unseen
            assert page.goto(served + path).status == 200, path
            page.locator("h1").first.wait_for()
            found[path or "/"] = axe_violations(page)
        # the search results, as a reader sees them after typing a word
        page.goto(served)
        page.locator("label.md-header__button[for=__search]" if width < 960 else ".md-search__input").first.click()
        box = page.locator("input.md-search__input")
        box.fill("乡村振兴")
        box.press("End")  # Material searches on key events; filling alone does not fire one
        page.locator(".md-search-result__item").first.wait_for(timeout=15000)
        found["搜索结果"] = axe_violations(page)
        assert no_violations(found)
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


def test_the_site_offers_one_colour_scheme_and_keeps_it_in_dark_mode(browser, served):
    """No dark palette is offered: a reader whose system prefers dark still
    gets the checked light scheme, not an unchecked half-dark page."""
    w = Watched(browser, served, viewport={"width": 1366, "height": 900})
    try:
        w.context.close()
        w.context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark", locale="zh-CN")
        page = w.page = w.context.new_page()
        page.goto(served + "lists/tasks/")
        assert page.locator("body").get_attribute("data-md-color-scheme") in (None, "default")
        assert axe_violations(page) == []
    finally:
        w.close()


def test_axe_reports_what_breaks_the_rules(browser, served):
    """The harness itself: on a real page, a low-contrast word (the issue's
    "逾期 N 天" in #989898), an image without text and a field without a label
    are each reported (a run that found nothing anywhere proves nothing)."""
    w = Watched(browser, served, viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        page.goto(served + "lists/tasks/")
        page.locator("h1").first.wait_for()
        assert axe_violations(page) == []
        page.evaluate("""() => {
          const lead = document.querySelector('article p');
          lead.insertAdjacentHTML('beforeend', ' <span style="color:#989898;font-size:10px">逾期 3 天</span>'
            + ' <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="8" height="8">'
            + ' <input type="text">');
        }""")
        rules = {line.split(" ", 1)[0] for line in axe_violations(page)}
        assert {"color-contrast", "image-alt", "label"} <= rules, rules
    finally:
        w.close()


def test_every_width_shows_each_rows_status_and_light_whole_ids_and_dates_and_headers(browser, served):
    """From 360 to 1920 px: no sideways scrolling, every row's status and light
    in view (a table that does not fit becomes cards), no header one character
    a line, no id or date broken inside. One page, resized across the widths."""
    w = Watched(browser, served, viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        problems = []
        for path in PAGES[:-1]:
            assert page.goto(served + path).status == 200, path
            page.locator("h1").first.wait_for()
            problems += sweep(page, path or "/")
        assert not problems, "\n".join(problems)
        # the cards really are in use on a tablet, and a wide screen has the table back
        page.set_viewport_size({"width": 768, "height": 900})
        page.goto(served + "lists/tasks/")
        assert page.locator("div.tz-cardview").count() >= 1
        page.set_viewport_size({"width": 1920, "height": 900})
        page.wait_for_function("() => !document.querySelector('div.tz-cardview')")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


# Each header row of a ledger table against its words: a row taller than its
# tallest header's lines of text (plus padding) has an empty line in it.
EMPTY_HEADER_LINES_JS = r"""() => [...document.querySelectorAll('article div.tz-table thead tr')].flatMap(tr => {
  const row = tr.getBoundingClientRect().height;
  const words = Math.max(...[...tr.cells].map(th => {
    const rg = document.createRange(); rg.selectNodeContents(th);
    const tops = new Set([...rg.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    const cs = getComputedStyle(th);
    const line = parseFloat(cs.lineHeight) || 1.2 * parseFloat(cs.fontSize);
    return tops.size * line + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
  }));
  return row > words + 2 ? [tr.textContent.trim().slice(0, 20) + ': ' + Math.round(row) + ' > ' + Math.round(words)] : [];
})"""


def test_header_rows_have_no_empty_line_and_not_started_never_looks_done(browser, served):
    """The sort icon stays out of the header's line (it wrapped under narrow
    headers and left every header row an empty line, on screen and on
    paper); the 未启动 share on the dashboard is a dashed outline like its
    chip, not a solid bar like 已销号's."""
    w = Watched(browser, served, viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            for path in ("", "lists/tasks/", "lists/responsibility/"):
                page.goto(served + path)
                page.locator("article div.tz-table th[role=columnheader]").first.wait_for(state="attached")
                assert page.evaluate(EMPTY_HEADER_LINES_JS) == [], (media, path)
        page.emulate_media(media="screen")
        page.goto(served)
        bar = page.locator(".tz-bar__fill.tz-fill--not_started").first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.fill, s.strokeDasharray]; }")
        chip = page.locator(".tz-status--not_started").first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderTopStyle]; }")
        assert bar[0] == chip[0] and bar[1] not in ("none", "") and chip[1] == "dashed", (bar, chip)
    finally:
        w.close()


def test_tables_sort_from_the_keyboard(browser, served):
    """A sortable header is reached with Tab and sorts with Enter (tablesort
    5.7 gives it tabindex and the key), as a click does: sorting is no
    mouse-only function (WCAG 2.1.1)."""
    w = Watched(browser, served, viewport={"width": 1366, "height": 900})
    try:
        page = w.page
        page.goto(served + "lists/tasks/")
        header = page.locator("div.tz-table th", has_text="整改时限")
        header.wait_for()
        assert header.get_attribute("tabindex") == "0" and header.get_attribute("aria-sort") is None
        header.focus()
        page.keyboard.press("Enter")
        dates = [d.split("\n")[0] for d in page.locator('div.tz-table tbody td[data-label="整改时限"]').all_inner_texts()]
        assert header.get_attribute("aria-sort") and dates[0] == "2023-06-30", dates
        page.keyboard.press("Enter")
        dates = [d.split("\n")[0] for d in page.locator('div.tz-table tbody td[data-label="整改时限"]').all_inner_texts()]
        assert dates[0] == "长期坚持", dates
        assert axe_violations(page) == [] and w.errors == []
    finally:
        w.close()


def test_the_theme_speaks_chinese_404_page_and_heading_links(sample_site):
    from sitecheck import soup
    _, site = sample_site
    missing = soup(site / "404.html")
    assert missing.select_one("article h1").get_text(strip=True) == "404 页面不存在"
    assert "Not found" not in missing.get_text()
    for page in ("index.html", "guide/index.html", "measures/CS-003/index.html"):
        links = soup(site / page).select("a.headerlink")
        assert links and {a["title"] for a in links} == {"本节的链接"}, page


def test_the_build_console_speaks_chinese(tmp_path):
    """jieba announces its dictionary in English on every build (its warnings
    stay); MkDocs' own progress lines are said in the vocabulary's words."""
    from conftest import GOLDEN, build, copy_project
    root = copy_project(tmp_path / "ledger", GOLDEN / "base" / "records")
    result = build(root)
    assert result.returncode == 0, result.stderr
    for english in ("Building prefix dict", "Loading model", "Prefix dict has been built", "Permanent link",
                    "Cleaning site directory", "Building documentation to directory", "Documentation built in"):
        assert english not in result.stderr + result.stdout, english
    assert "清空网站目录" in result.stderr and "网站生成完毕，用时" in result.stderr
