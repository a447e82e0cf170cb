"""What the generated pages hold, read from the real built sample site:
table markup Material styles, the one filter bar, the columns users expect,
the sample-data notice and the print header sheet."""

from __future__ import annotations

import json
import re

from conftest import build, copy_project
from sitecheck import soup

SAMPLE_NOTICE = "示例数据：本台账用于演示"
LISTS = ("lists/problems", "lists/tasks", "lists/responsibility", "trace")


def html_pages(site):
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


def headers(table) -> list[str]:
    return [th.get_text(strip=True) for th in table.select("thead th")]


def test_ledger_tables_have_no_class_so_material_styles_them(sample_site):
    _, site = sample_site
    for path in (*LISTS, "", "measures/CS-003"):
        doc = soup(site / path / "index.html")
        tables = doc.select("article table")
        assert tables, path
        for table in tables:
            assert not table.has_attr("class"), (path, table.get("class"))
            wrapper = table.parent
            assert "tz-table" in wrapper["class"] or "tz-facts" in wrapper["class"], path


def test_one_filter_bar_per_page_offers_status_and_lights_in_workflow_order(sample_site):
    _, site = sample_site
    for path in LISTS:
        doc = soup(site / path / "index.html")
        bars = doc.select("details.tz-filterbar")
        assert len(bars) == 1, path
        facts = {name: (label, order) for name, label, order in json.loads(bars[0]["data-facts"])}
        assert facts["status"][1][:5] == ["未启动", "正在整改", "基本完成（持续整改）", "已完成", "已销号"]
        assert facts["light"] == ("提示", ["逾期", "临期", "正常", "已完成"])
        assert facts["area"][1][0].startswith("（一）落实党中央决策部署")
    resp = soup(site / "lists/responsibility/index.html")
    assert len(resp.select("div.tz-filterable")) >= 9   # a table per leader and per unit, one bar


def test_task_list_has_type_and_completion_date(sample_site):
    _, site = sample_site
    table = soup(site / "lists/tasks/index.html").select_one("div.tz-table table")
    assert headers(table) == ["序号", "编号", "整改措施", "整改问题", "整改类型", "责任领导", "责任单位", "责任人",
                              "整改时限", "完成日期", "整改状态", "提示"]
    rows = {tr.select_one('td[data-label="编号"]').get_text(): tr for tr in table.select("tbody tr")}
    assert rows["CS-001"].select_one('td[data-label="整改类型"]').get_text() == "立行立改"
    assert rows["CS-001"].select_one('td[data-label="完成日期"]').get_text() == "2023-06-28"
    assert rows["CS-003"].select_one('td[data-label="完成日期"]').get_text() == "—"
    assert rows["CS-001"]["data-type"] == "立行立改"


def test_problem_list_has_feedback_text_unit_and_earliest_open_deadline(sample_site):
    _, site = sample_site
    doc = soup(site / "lists/problems/index.html")
    row = doc.find("a", string="WT-010").find_parent("tr")
    assert headers(row.find_parent("table")) == ["序号", "反馈问题", "编号", "查摆问题", "整改类型", "责任领导", "责任单位",
                                                 "整改时限", "整改措施", "整改状态", "整改进展", "佐证材料", "销号情况", "提示"]
    feedback = row.select_one('td[data-label="反馈问题"]').get_text()
    assert "FK-014" in feedback and len(feedback) > len("FK-014 ") + 4     # the text, not the id alone
    # the columns the 问题清单 sheet has too (one declaration in vocabulary.yml serves both)
    assert row.select_one('td[data-label="销号情况"]').get_text() == "1/3 项整改措施已销号"
    assert row.select_one('td[data-label="整改类型"]').get_text() == "立行立改、限期整改"
    assert row.select_one('td[data-label="整改进展"]').get_text().startswith("2023-0")
    assert row.select_one('td[data-label="佐证材料"]').get_text() != "—"
    # WT-010: CS-001 (已销号, 2023-06-30), CS-006 (正在整改, 2023-08-15), CS-009 (未启动, 2023-09-30)
    assert row.select_one('td[data-label="整改时限"]').get_text() == "2023-08-15"
    assert "区委组织部" in row.select_one('td[data-label="责任单位"]').get_text()


def test_trace_table_has_a_status_per_row(sample_site):
    _, site = sample_site
    table = soup(site / "trace/index.html").select_one("div.tz-trace table")
    assert headers(table)[-1] == "整改状态"
    statuses = [tr.select_one('td[data-label="整改状态"]').get_text() for tr in table.select("tbody tr")]
    assert len(statuses) == 17 and all(statuses)


def test_history_columns_keep_their_words_on_one_line(sample_site):
    _, site = sample_site
    table = soup(site / "measures/CS-003/index.html").select_one(".tz-history table")
    if table is None:       # the sample copy is not a git checkout: no history to show
        return
    assert "tz-nowrap" in table.select_one('td[data-label="操作"]')["class"]


def test_sample_ledger_says_so_on_every_page(sample_site):
    _, site = sample_site
    pages = html_pages(site)
    assert len(pages) > 50
    for page in pages:
        notice = soup(page).select_one("p.tz-sample")
        assert notice is not None, page
        assert notice.get_text().startswith(SAMPLE_NOTICE)
        assert "人名、日期、整改状态、整改进展" in notice.get_text()
    # never indexed as page text
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any(SAMPLE_NOTICE in doc["text"] for doc in index["docs"])


def test_a_ledger_not_marked_as_sample_shows_no_notice(tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/rounds/LC-001.md"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^示例数据: 是", text, re.M)
    path.write_text(re.sub(r"^示例数据: 是.*\n", "", text, flags=re.M), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "guide/index.html", "measures/CS-001/index.html"):
        assert soup(root / "site" / page).select_one(".tz-sample") is None


def test_print_sheet_carries_ledger_title_and_date_and_escapes_record_text(sample_site, tmp_path):
    _, site = sample_site
    css = (site / "assets/taizhang-print.css").read_text(encoding="utf-8")
    assert '"十一届省委第三轮巡视 巡视整改台账"' in css and '"统计日期 2023-08-10"' in css
    assert "taizhang-print.css" in (site / "lists/tasks/index.html").read_text(encoding="utf-8")
    root = copy_project(tmp_path / "p")
    path = root / "records/rounds/LC-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("标题: 十一届省委第三轮巡视",
                                                             '标题: "轮次~甲\\"; } body { display: none } /*"'),
                    encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    css = (root / "site/assets/taizhang-print.css").read_text(encoding="utf-8")
    assert "body { display" not in css and '\\22 ' in css and "\\7b " in css
    assert css.count("{") == css.count("}") == 4      # @page and its three margin boxes, nothing more
    # the record page shows the title as written (no stray Markdown escape before ~)
    assert "轮次~甲\"; } body" in soup(root / "site/rounds/LC-001/index.html").h1.get_text()


def test_signoff_list_separates_waiting_from_signed_off_with_who_and_when(sample_site):
    _, site = sample_site
    doc = soup(site / "lists/signoff/index.html")
    waiting, signed = doc.select("div.tz-table table")
    # CS-002 已完成 (awaiting 销号); CS-001 已销号 by the office on 2023-07-10
    assert [td.get_text() for td in waiting.select('td[data-label="编号"]')] == ["CS-002"]
    assert waiting.select_one('td[data-label="完成日期"]').get_text() == "2023-07-12"
    assert [td.get_text() for td in signed.select('td[data-label="编号"]')] == ["CS-001"]
    assert signed.select_one('td[data-label="销号人"]').get_text() == "区委巡视整改工作领导小组办公室"
    assert signed.select_one('td[data-label="销号日期"]').get_text() == "2023-07-10"
    assert doc.select_one('[data-count="waiting"]').get_text() == "1"
    assert len(doc.select("details.tz-filterbar")) == 1


def test_reconciliation_says_per_feedback_whether_it_can_be_closed(sample_site, tmp_path):
    _, site = sample_site
    table = soup(site / "reconciliation/index.html").select_one("div.tz-table table")
    rows = {tr.select_one('td[data-label="反馈问题"] a').get_text().split()[0]: tr for tr in table.select("tbody tr")}
    assert len(rows) == 17
    fk14 = rows["FK-014"]
    assert fk14.select_one('td[data-label="对账结果"]').get_text() == "尚不能销号：2 项整改措施未销号"
    assert fk14.select_one('td[data-label="佐证材料"]').get_text() == "2"
    assert "已销号" in fk14.select_one('td[data-label="整改措施"]').get_text()
    # sign off every measure under FK-014 (WT-010: CS-001, CS-006, CS-009): it can then be closed
    root = copy_project(tmp_path / "p")
    for mid in ("CS-006", "CS-009"):
        path = root / f"records/measures/{mid}.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^整改状态: .*$", "整改状态: 已销号\n完成日期: 2023-08-08\n销号人: 整改办\n销号日期: 2023-08-09",
                      text, count=1, flags=re.M)
        if "佐证材料" not in text:
            text = text.replace("\n---\n", "\n佐证材料:\n  - 名称: 总结报告\n---\n", 1)
        path.write_text(text, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr + result.stdout
    table = soup(root / "site/reconciliation/index.html").select_one("div.tz-table table")
    row = next(tr for tr in table.select("tbody tr")
               if tr.select_one('td[data-label="反馈问题"] a').get_text().split()[0] == "FK-014")
    assert row.select_one('td[data-label="对账结果"]').get_text() == "可以销号"
    # FK-006 (WT-006: CS-006, CS-009) closes with them
    assert soup(root / "site/reconciliation/index.html").select_one('[data-count="closeable"]').get_text() == "2"


def test_rates_show_side_by_side_with_their_definitions_as_in_the_guide(sample_site):
    _, site = sample_site
    guide = soup(site / "guide/index.html").get_text()
    for path in ("", "lists/tasks", "lists/problems", "trace"):
        cards = soup(site / path / "index.html").select(".tz-rates a.tz-num--rate")
        assert [c.select_one(".tz-num__label").contents[0] for c in cards] == [
            "措施完成率", "问题整改完成率", "反馈问题整改完成率"], path
        for card in cards:
            definition = card.select_one(".tz-num__definition").get_text()
            assert "÷" in definition and definition in guide, definition
    cards = soup(site / "index.html").select(".tz-rates a.tz-num--rate")
    # 2 of 9 measures closed is low: coloured as such, never green
    assert [(c.select_one(".tz-num__value").get_text(), c["data-level"]) for c in cards] == [
        ("22.2%", "low"), ("0.0%", "low"), ("0.0%", "low")]
    assert "（2/9）" in cards[0].get_text() and "（0/12）" in cards[1].get_text() and "（0/15）" in cards[2].get_text()  # FK-016, FK-017 非整改任务
    counts = soup(site / "index.html").select_one('.tz-numbers a[data-metric="查摆问题"]').get_text()
    assert "12 个问题 + 4 项说明事项" in counts


def test_problem_count_is_written_as_problems_plus_declarations_wherever_shown(sample_site):
    _, site = sample_site
    for path in ("problems", "lists/problems", "rounds/LC-001"):
        text = soup(site / path / "index.html").select_one("article").get_text()
        assert "12 个问题 + 4 项说明事项" in text, path
        assert "16 条" not in text and "16 个" not in text, path
