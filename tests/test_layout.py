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


# The A4 page's printable box in CSS px (taizhang.css: @page A4 landscape, margins 14/12/12 mm).
MM = 96 / 25.4
PRINT_BOX = {"width": round((297 - 24) * MM), "height": (210 - 14 - 12) * MM}

# The test's own markers in a table's first two rows, and the table alone on
# the page, after a spacer that leaves room at the first page's foot for the
# header and the first row but not the second: where a careless page break
# would leave row 1 alone.
SETUP_SPLIT_JS = """([height]) => {
  const wrap = [...document.querySelectorAll('article div.tz-table')]
    .find(d => d.querySelectorAll('tbody tr:not([hidden])').length >= 2);
  const article = document.querySelector('article');
  for (const el of article.children) if (!el.contains(wrap)) el.style.display = 'none';
  const rows = wrap.querySelectorAll('tbody tr:not([hidden])');
  rows[0].cells[0].prepend('ROWONE ');
  rows[1].cells[0].prepend('ROWTWO ');
  const spacer = document.createElement('div');
  wrap.before(spacer);
  const table = wrap.querySelector('table');
  const top = table.getBoundingClientRect().top + window.scrollY;
  const head = table.tHead ? table.tHead.getBoundingClientRect().height : 0;
  const one = rows[0].getBoundingClientRect().height, two = rows[1].getBoundingClientRect().height;
  spacer.style.height = (height - top - head - one - Math.min(two / 2, 8)) + 'px';
  return rows.length;
}"""

# Without the print rules for rows: what the test must see fail.
NO_ROW_RULES = """@media print { .md-typeset .tz-table table, .md-typeset .tz-table tbody tr {
  break-inside: auto !important; break-before: auto !important; break-after: auto !important;
  page-break-inside: auto !important; page-break-before: auto !important; page-break-after: auto !important; } }"""


def _first_row_alone(page, served, path, pdf, without_rules: bool) -> bool:
    page.goto(served + path)
    page.locator("h1").first.wait_for()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_BOX["width"], "height": 900})
    if without_rules:
        page.add_style_tag(content=NO_ROW_RULES)
    page.evaluate(SETUP_SPLIT_JS, [PRINT_BOX["height"]])
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    on = {marker: [i for i, text in enumerate(_page_texts(pdf)) if marker in text] for marker in ("ROWONE", "ROWTWO")}
    assert len(on["ROWONE"]) == 1 and len(on["ROWTWO"]) == 1, on
    return on["ROWONE"] != on["ROWTWO"]


@pytest.mark.parametrize("path", ["", "lists/problems/", "lists/tasks/", "lists/responsibility/"])
def test_printed_tables_never_leave_their_first_row_alone_at_a_pages_foot(browser, served, path):
    """A table placed so that its header and first row just fit at a page's
    foot: printed without the rules its first row stays there alone (the
    set-up reproduces the fault), with the site's rules it moves on with the
    second row."""
    w = Watched(browser, served)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / f"print-{_name(path)}-split.pdf"
        assert _first_row_alone(w.page, served, path, pdf, without_rules=True), "the set-up did not reproduce a split"
        assert not _first_row_alone(w.page, served, path, pdf, without_rules=False), \
            f"{path or '总览'}: a page ends with the table's first row"
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


# The first table grown to `rows` rows (copies of its own rows: a ledger with that
# many in one table), then each row of each table marked TZT<table>R<row> in its
# first cell; returns each table's header texts.
MARK_ROWS_JS = """([rows]) => {
  const tables = [...document.querySelectorAll('article div.tz-table table')];
  const body = tables[0].tBodies[0], own = [...body.rows];
  for (let i = own.length; i < rows; i++) body.append(own[i % own.length].cloneNode(true));
  return tables.map((table, t) => {
    table.querySelectorAll('tbody tr:not([hidden])').forEach((tr, r) => tr.cells[0].prepend(`TZT${t}R${r} `));
    return [...table.querySelectorAll('thead th')].map(th => th.textContent.replace(/\\s+/g, ''));
  });
}"""


@pytest.mark.parametrize("path", ["", "lists/problems/", "lists/tasks/", "lists/responsibility/"])
def test_printed_pages_repeat_headers_and_read_lights_in_grey(browser, served, path):
    """The dashboard and the lists on A4: the dashboard needs 3 pages; a table
    continued on the next page (the first table grown to 60 rows, as a big
    ledger has them) repeats its header row there; the lights print their
    symbol and word (grey-scale printers lose the colour)."""
    w = Watched(browser, served)
    try:
        page = w.page
        page.goto(served + path)
        page.locator("h1").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = ARTIFACTS / f"print-{_name(path)}-tables.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        assert len(_page_texts(pdf)) <= (3 if path == "" else 99), "the dashboard prints on more than 3 pages"
        headers = page.evaluate(MARK_ROWS_JS, [60])
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        texts = _page_texts(pdf)
        flat = [re.sub(r"\s+", "", text) for text in texts]
        continued = 0
        for t, header in enumerate(headers):
            pages = [n for n, text in enumerate(flat) if f"TZT{t}R" in text]
            for n in pages[1:]:   # the table continues here: its header row first
                before = flat[n][:flat[n].index(f"TZT{t}R")]
                assert all(h in before for h in header), f"{path or '总览'} page {n + 1}: header {header} not repeated"
                continued += 1
        assert continued >= 1, "the grown table should run over a page"
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
