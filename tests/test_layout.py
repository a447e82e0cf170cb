"""Layout in Debian's Chromium at a phone, a tablet and a laptop width, and
printed to A4 PDF: nothing overflows the page, no table column is cut at
desktop widths, every row's key facts are in view on a phone, and printing
gives no empty page. Screenshots and PDFs go to test-artifacts/."""

from __future__ import annotations

import re
import subprocess

import pytest

from browsing import ARTIFACTS, Watched, require_chromium

require_chromium()

PAGES = ("", "lists/problems/", "lists/tasks/", "lists/responsibility/", "trace/", "lists/signoff/",
         "reconciliation/", "measures/CS-003/", "problems/WT-010/", "feedback/FK-014/")
WIDTHS = {"390": (390, 844), "768": (768, 1024), "1024": (1024, 768), "1366": (1366, 900)}


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "index"


# For every table: its own width against the box it may scroll in, and each
# header cell's right edge against that box's right edge.
TABLES_JS = """() => [...document.querySelectorAll('article table')].map(t => {
  const box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const edge = box.getBoundingClientRect().right;
  const cut = [...t.querySelectorAll('thead th')].filter(th => th.getBoundingClientRect().right > edge + 1)
    .map(th => th.textContent);
  return {scroll: t.scrollWidth, own: t.clientWidth, box: box.clientWidth, cut, wrapper: box.className};
})"""

# Each visible row of a card table: the cells that must be in view on a phone.
ROWS_JS = """() => [...document.querySelectorAll('article .tz-cards tbody tr:not([hidden])')].map(tr => {
  const cells = {};
  for (const td of tr.querySelectorAll('td')) {
    const r = td.getBoundingClientRect();
    cells[td.dataset.label] = {left: r.left, right: r.right, width: r.width,
      shown: getComputedStyle(td).display !== 'none'};
  }
  return cells;
})"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_fit_the_screen(browser, served, width):
    w = Watched(browser, served, viewport=dict(zip(("width", "height"), WIDTHS[width])))
    try:
        page = w.page
        vw = WIDTHS[width][0]
        for path in PAGES:
            page.goto(served + path)
            page.locator("h1").first.wait_for()
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= vw, f"{path} at {width}: page is {overflow}px wide"
            tables = page.evaluate(TABLES_JS)
            assert tables, path
            if vw >= 1024:
                # nothing cut and nothing to scroll at desk widths
                for t in tables:
                    assert t["scroll"] <= t["box"] + 1 and not t["cut"], (path, width, t)
            if vw <= 600:
                rows = page.evaluate(ROWS_JS)
                assert rows, path
                for cells in rows:
                    for label in ("编号", "整改状态", "提示", "整改时限", "责任单位", "状态", "对账结果"):
                        cell = cells.get(label)
                        if cell and cell["shown"]:
                            assert cell["left"] >= 0 and cell["right"] <= vw + 0.5, (path, label, cell)
                    assert any(c["shown"] and c["width"] > 0 for c in cells.values())
            w.shot(f"layout-{_name(path)}-{width}")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


def test_phone_rows_show_id_title_status_light_deadline_and_unit(browser, served):
    w = Watched(browser, served, viewport={"width": 390, "height": 844})
    try:
        page = w.page
        page.goto(served + "lists/tasks/")
        rows = page.evaluate(ROWS_JS)
        assert len(rows) == 9
        for cells in rows:
            for label in ("编号", "整改措施", "整改状态", "提示", "整改时限", "责任单位"):
                assert cells[label]["shown"] and 0 <= cells[label]["left"] and cells[label]["right"] <= 390, label
        # the filter bar is one closed line that opens
        bar = page.locator("details.tz-filterbar")
        assert bar.evaluate("e => e.open") is False
        assert bar.bounding_box()["height"] < 60
        page.locator("details.tz-filterbar > summary").click()
        page.select_option('select[data-filter="light"]', "逾期")
        assert page.locator("tbody tr:not([hidden]) td[data-label='编号']").all_inner_texts() == ["CS-003"]
        w.shot("layout-phone-filtered-tasks")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


def _page_texts(pdf) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, pages + 1)]


RUNNING = re.compile(r"十一届省委第三轮巡视 巡视整改台账|统计日期 2023-08-10|第\s*\d+\s*页\s*/\s*共\s*\d+\s*页|\s")


@pytest.mark.parametrize("path", ["lists/tasks/", "lists/responsibility/", "measures/CS-003/"])
def test_printing_gives_a4_pages_none_empty_with_title_and_date_on_each(browser, served, path):
    w = Watched(browser, served)
    try:
        page = w.page
        page.goto(served + path)
        page.locator("h1").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / f"print-{_name(path)}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes()))
        assert boxes and all(round(float(a)) == 842 and round(float(b)) == 595 for a, b in boxes), boxes
        texts = _page_texts(pdf)
        for number, text in enumerate(texts, start=1):
            assert "十一届省委第三轮巡视 巡视整改台账" in text and "统计日期 2023-08-10" in text, number
            assert f"第{number}页/共{len(texts)}页" in re.sub(r"\s+", "", text), number
            body = RUNNING.sub("", text)
            assert len(body) > 20, f"page {number} of {path} is empty: {text!r}"
        # table lines are printed
        page.emulate_media(media="print")
        border = page.locator("article table td").first.evaluate("e => getComputedStyle(e).borderTopStyle")
        assert border == "solid"
        h2_break = page.locator("article h1").first.evaluate("e => getComputedStyle(e).breakAfter")
        assert h2_break == "avoid"
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


ROW_LINE = re.compile(r"^\s*(\d+)\s+[A-Z]{2}-\d{3}", re.M)


@pytest.mark.parametrize("path", ["", "lists/problems/", "lists/tasks/", "lists/responsibility/"])
def test_printed_tables_never_split_after_one_row_and_lights_read_in_grey(browser, served, path):
    """The dashboard and the lists on A4: no page ends with a table's first row
    while its second row opens the next page; the lights print their symbol
    and word (grey-scale printers lose the colour)."""
    w = Watched(browser, served)
    try:
        page = w.page
        page.goto(served + path)
        page.locator("h1").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / f"print-{_name(path)}-tables.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        texts = _page_texts(pdf)
        rows = [[int(n) for n in ROW_LINE.findall(text)] for text in texts]
        for number in range(len(texts) - 1):
            if rows[number] and rows[number + 1]:
                assert not (rows[number][-1] == 1 and rows[number + 1][0] == 2), \
                    f"{path or '总览'}: page {number + 1} ends with a table's first row"
        whole = "".join(texts)
        lights = page.locator("article .tz-light").all()
        assert lights
        for light in lights[:5]:
            symbol = light.evaluate("e => getComputedStyle(e, '::before').content").strip('"')
            assert symbol and symbol != "none" and light.inner_text().strip()
            assert symbol in whole
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
