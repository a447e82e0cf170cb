"""The site in a real headless Chromium (Debian's), driven by Playwright.

Every request the browser makes must go to the site itself; no console
errors; search, navigation, sorting and filtering work; served at the root,
under a sub-path, and opened from file:// (offline build). Screenshots go
to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from browsing import ARTIFACTS, Server, Watched, require_chromium
from conftest import build

require_chromium()

from playwright.sync_api import expect  # noqa: E402

@pytest.fixture(scope="session")
def offline_site(tmp_path_factory, sample_site):
    root, _ = sample_site
    result = build(root, site=str(tmp_path_factory.mktemp("offline") / "site"), TAIZHANG_OFFLINE="true")
    assert result.returncode == 0, result.stderr
    return Path(result.args[result.args.index("-d") + 1])


@pytest.fixture(scope="session", params=["root", "subpath", "file"])
def site_base(request, sample_site, offline_site, tmp_path_factory):
    """(base URL, page suffix) of the sample site, opened three ways."""
    _, site = sample_site
    if request.param == "file":
        yield offline_site.as_uri() + "/", "index.html", "/index.html"   # every generated page is a folder's index
        return
    if request.param == "root":
        server, prefix = Server(site), "/"
    else:
        parent = tmp_path_factory.mktemp("subpath")
        shutil.copytree(site, parent / "zhenggai")
        server, prefix = Server(parent), "/zhenggai/"
    yield server.origin + prefix, "", "/"
    server.close()


@pytest.fixture
def watched(browser, site_base):
    base, index, _ = site_base
    w = Watched(browser, base)
    yield w
    try:
        assert w.off_site() == [], "requests left the site"
        assert w.errors == [], "console errors"
    finally:
        w.close()


def url(site_base, path: str) -> str:
    base, index, suffix = site_base
    if path == "":
        return base + index
    return base + path + suffix


def test_dashboard_renders_its_numbers(watched, site_base, request):
    page = watched.page
    page.goto(url(site_base, ""))
    expect(page.locator('a.tz-num[data-metric="措施完成率"] .tz-num__value')).to_have_text("22.2%")
    expect(page.locator('[data-light-count="red"]')).to_have_text("1")
    expect(page.locator('[data-light-count="yellow"]')).to_have_text("1")
    expect(page.locator("h1")).to_contain_text("整改工作总览")
    watched.shot(f"dashboard-{request.node.callspec.id}")


@pytest.mark.parametrize("words, expected", [("乡村振兴", "FK-003"), ("经商办企业", "FK-015")])
def test_search_finds_records_by_words_from_mid_sentence(watched, site_base, words, expected):
    page = watched.page
    page.goto(url(site_base, "lists/tasks"))
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(words)
    box.press("End")  # Material searches on key events; filling alone does not fire one
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15000)
    expect(page.locator(".md-search-result")).to_contain_text(expected, timeout=15000)


def test_click_problem_to_measure_and_back(watched, site_base):
    page = watched.page
    page.goto(url(site_base, "problems/WT-007"))
    page.locator("article a", has_text=re.compile(r"^CS-003$")).first.click()
    expect(page.locator("h1")).to_contain_text("CS-003 统筹兼顾")
    page.locator("article a", has_text=re.compile(r"^WT-007$")).first.click()
    expect(page.locator("h1")).to_contain_text("WT-007 干部队伍建设有弱项")
    page.locator("article a", has_text=re.compile(r"^FK-008$")).first.click()
    expect(page.locator("h1")).to_contain_text("FK-008")


def _column(page, label: str) -> list[str]:
    return page.locator(f'div.tz-table table tbody tr:not([hidden]) td[data-label="{label}"]').all_inner_texts()


def test_task_list_sorts_by_deadline_and_status(watched, site_base):
    page = watched.page
    page.goto(url(site_base, "lists/tasks"))
    expect(page.locator("div.tz-table th", has_text="整改时限")).to_be_visible()
    page.locator("div.tz-table th", has_text="整改时限").click()
    deadlines = [d.split("\n")[0] for d in _column(page, "整改时限")]
    assert deadlines == sorted(deadlines, key=lambda d: "9999" if d == "长期坚持" else d)
    assert deadlines[0] == "2023-06-30"
    page.locator("div.tz-table th", has_text="整改时限").click()
    assert [d.split("\n")[0] for d in _column(page, "整改时限")][0] == "长期坚持"
    page.locator("div.tz-table th", has_text="整改状态").click()
    statuses = _column(page, "整改状态")
    order = ["未启动", "正在整改", "基本完成（持续整改）", "已完成", "已销号"]
    assert statuses == sorted(statuses, key=order.index)


def test_task_list_filters_by_status_unit_and_text(watched, site_base):
    page = watched.page
    page.goto(url(site_base, "lists/tasks"))
    assert len(_column(page, "编号")) == 9
    # options in workflow order, lights by severity (not pinyin order)
    assert page.locator('select[data-filter="status"] option').all_inner_texts() == [
        "全部整改状态", "未启动", "正在整改", "基本完成（持续整改）", "已完成", "已销号"]
    assert page.locator('select[data-filter="light"] option').all_inner_texts() == [
        "全部提示", "逾期", "临期", "正常", "已完成"]
    page.select_option('select[data-filter="status"]', "正在整改")
    # CS-007 is written 正在整改, but a 长期坚持 measure with recent progress counts (and shows) as 基本完成
    assert sorted(_column(page, "编号")) == ["CS-003", "CS-005", "CS-006"]
    expect(page.locator(".tz-filter__count")).to_have_text("（显示 3 / 9 行）")
    page.select_option('select[data-filter="unit"]', "区委编办")
    assert _column(page, "编号") == ["CS-006"]
    page.select_option('select[data-filter="status"]', "")
    page.select_option('select[data-filter="unit"]', "")
    page.fill(".tz-filter input[type=search]", "周四大学堂")
    assert _column(page, "编号") == []  # body text is not in the list; columns are
    page.fill(".tz-filter input[type=search]", "吴某某")
    assert _column(page, "编号") == ["CS-007"]
    page.fill(".tz-filter input[type=search]", "")
    page.select_option('select[data-filter="area"]', label="（三）落实新时代党的组织路线不扎实，XX引领有差距")
    assert sorted(_column(page, "编号")) == ["CS-003", "CS-005", "CS-007"]


def test_problem_list_filters_by_status(watched, site_base):
    page = watched.page
    page.goto(url(site_base, "lists/problems"))
    assert page.locator("details.tz-filterbar").count() == 1
    options = page.locator('select[data-filter="status"] option').all_inner_texts()
    assert options == ["全部整改状态", "正在整改", "基本完成（持续整改）"]
    # the one bar filters the tables of all four areas
    assert page.locator("div.tz-filterable").count() == 4
    page.select_option('select[data-filter="status"]', "基本完成（持续整改）")
    visible = page.locator("div.tz-filterable tbody tr:not([hidden]) td.tz-id").all_inner_texts()
    # problems whose only open measures are 长期坚持 ones with recent progress (README 统计口径)
    assert visible == ["WT-002", "WT-004", "WT-009"]
    # areas left without a matching row hide their table
    assert page.locator("div.tz-filterable[data-tz-none]").count() == 1
    page.select_option('select[data-filter="status"]', "正在整改")
    visible = page.locator("div.tz-filterable tbody tr:not([hidden]) td.tz-id").all_inner_texts()
    assert len(visible) == 9 and "WT-002" not in visible and "WT-012" in visible


def test_main_pages_screenshots(watched, site_base, request):
    for path in ("lists/problems", "lists/tasks", "lists/responsibility", "trace", "measures/CS-003"):
        watched.page.goto(url(site_base, path))
        expect(watched.page.locator("h1")).to_be_visible()
        watched.shot(f"{path.replace('/', '-')}-{request.node.callspec.id}")


def test_phone_width_dashboard(browser, site_base):
    base, _, _ = site_base
    w = Watched(browser, base, viewport={"width": 375, "height": 740})
    try:
        w.page.goto(url(site_base, ""))
        rate = w.page.locator('a.tz-num[data-metric="措施完成率"]')
        expect(rate).to_be_visible()
        box = rate.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        overflow = w.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375 + 1
        w.shot("dashboard-phone")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


def test_lists_print_on_a4_landscape(browser, sample_site):
    _, site = sample_site
    server = Server(site)
    w = Watched(browser, server.origin + "/")
    try:
        page = w.page
        for path in ("lists/tasks/", "lists/problems/", "lists/responsibility/"):
            page.goto(server.origin + "/" + path)
            page.emulate_media(media="print")
            assert not page.locator(".md-sidebar--primary").is_visible()
            assert not page.locator(".md-header").is_visible()
            assert not page.locator(".tz-filter").first.is_visible()
            assert page.locator("div.tz-table thead").first.evaluate("e => getComputedStyle(e).display") == "table-header-group"
            assert page.locator("div.tz-table tr").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
            ARTIFACTS.mkdir(exist_ok=True)
            pdf = ARTIFACTS / f"print-{path.strip('/').replace('/', '-')}.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            boxes = set(re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes()))
            assert boxes and all(round(float(wd)) == 842 and round(float(ht)) == 595 for wd, ht in boxes), boxes
            page.emulate_media(media="screen")
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()
