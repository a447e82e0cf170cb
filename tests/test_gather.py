"""`taizhang gather`: real unit sites and ledgers in temp folders, gathered,
the overview built with the real `mkdocs build --strict`, read back as HTML
and xlsx, and opened in Debian's Chromium.

Units: A is the sample ledger's built site folder; B is the sample with
已完成 renamed to 办结 in its taizhang.yml, given as its exported
records.json; C is a real git clone of a small hand-written ledger. Beside
them: a truncated records.json, one on the older schema (no
schema_version), one that breaks the schema, a missing path and an empty
folder. Bad sources are listed on 数据问题; the rest builds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from bs4 import BeautifulSoup

from conftest import REPO, SAMPLE_TODAY, build, copy_project, run_cli, tree_hash

TODAY = SAMPLE_TODAY
AREA_ONE = "落实党中央决策部署和省委要求不够有力，推动经济社会高质量发展有差距"
SHARED_QUOTE = "推进乡村振兴有短板，工作体系、考核机制等衔接贯通不够"
EVIL_NAME = "县委</title><script>alert(1)</script>办"
# Units A and B are built from the sample ledger (示例数据: 是): labelled so wherever they appear
UNIT_A = "区委组织部（示例数据）"
UNIT_B = f"{EVIL_NAME}（示例数据）"
EVIL_TITLE = "<img src=x onerror=alert(1)>支部活动不规范"

UNIT_C = {
    "rounds/LC-001.md": f"""编号: LC-001
类别: 巡视轮次
标题: 十一届省委第三轮巡视
巡视组: 省委第五巡视组
被巡视单位: 中共XX市YY县委员会
反馈日期: 2023-06-20
整改时限: 2023-08-20
整改阶段: 集中整改
整改方面:
  一: {AREA_ONE}
  二: 基层党建有短板
统计日期: 2023-08-10""",
    "feedback/FK-001.md": f"编号: FK-001\n类别: 反馈问题\n标题: 乡村振兴有短板\n轮次: LC-001\n方面: 一\n反馈原文: {SHARED_QUOTE}",
    "feedback/FK-002.md": "编号: FK-002\n类别: 反馈问题\n标题: 基层党组织建设薄弱\n轮次: LC-001\n方面: 二\n反馈原文: 基层党组织建设薄弱，组织生活不规范",
    "problems/WT-001.md": "编号: WT-001\n类别: 查摆问题\n标题: 乡村振兴谋划不够\n轮次: LC-001\n方面: 一\n对应反馈:\n  - FK-001",
    "problems/WT-002.md": f"编号: WT-002\n类别: 查摆问题\n标题: '{EVIL_TITLE}'\n轮次: LC-001\n方面: 二\n对应反馈:\n  - FK-002",
    "measures/CS-001.md": """编号: CS-001
类别: 整改措施
标题: 制定乡村振兴工作方案
轮次: LC-001
整改问题:
  - WT-001
责任领导: 县委副书记
责任单位: 县委农办
责任人: 赵某某
整改类型: 立行立改
整改时限: 2023-07-31
整改状态: 已完成
整改进展:
  - 日期: 2023-07-20
    内容: 印发工作方案。
佐证材料:
  - 工作方案
完成日期: 2023-08-01""",
    "measures/CS-002.md": """编号: CS-002
类别: 整改措施
标题: '=1+2 规范支部活动'
轮次: LC-001
整改问题:
  - WT-002
责任领导: 县委常委、组织部部长
责任单位: '<b>县委组织部</b>'
责任人: 钱某某
整改类型: 限期整改
整改时限: 2023-08-01
整改状态: 正在整改""",
    "measures/CS-003.md": """编号: CS-003
类别: 整改措施
标题: 开展支部书记轮训
轮次: LC-001
整改问题:
  - WT-002
责任领导: 县委常委、组织部部长
责任单位: 县委组织部
责任人: 孙某某
整改类型: 限期整改
整改时限: 2023-08-15
整改状态: 未启动""",
}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args], cwd=cwd, check=True,
                   capture_output=True)


def make_unit_c(where: Path) -> Path:
    """A small ledger committed to a real repository, then cloned (the clone is the source)."""
    origin = where / "c-origin"
    for rel, front in UNIT_C.items():
        path = origin / "records" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}\n---\n\n正文。\n", encoding="utf-8")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "台账")
    _git(where, "clone", "-q", str(origin), "c-clone")
    return where / "c-clone"


def make_unit_b(where: Path) -> Path:
    """The sample ledger with 已完成 renamed 办结; its records.json exported by the CLI."""
    root = copy_project(where / "b")
    (root / "taizhang.yml").write_text("statuses:\n  done:\n    label: 办结\n", encoding="utf-8")
    for path in (root / "records").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("整改状态: 已完成", "整改状态: 办结"), encoding="utf-8")
    out = where / "b-records.json"
    result = run_cli("export", "--format", "json", "-o", str(out), cwd=root, TAIZHANG_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def gathered(tmp_path_factory, sample_site):
    """Sources in a temp folder, gathered by the real CLI, built with mkdocs --strict."""
    where = tmp_path_factory.mktemp("gather")
    _, site_a = sample_site
    records_a = json.loads((site_a / "downloads" / "records.json").read_text(encoding="utf-8"))
    b_json = make_unit_b(where)
    make_unit_c(where)
    good = json.dumps(records_a, ensure_ascii=False)
    (where / "corrupt.json").write_text(good[: len(good) // 2], encoding="utf-8")
    old = [{k: v for k, v in r.items() if k != "schema_version"} for r in records_a]
    (where / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    invalid = copy.deepcopy(records_a)
    del invalid[3]["title"]
    next(r for r in invalid if r["kind"] == "measure")["deadline"] = "2023/08/01"
    (where / "invalid.json").write_text(json.dumps(invalid, ensure_ascii=False), encoding="utf-8")
    (where / "empty-folder").mkdir()
    (where / "sources.yml").write_text(f"""标题: 市委巡察整改督查总览
单位:
  - 名称: 区委组织部
    位置: {site_a}
  - 名称: '{EVIL_NAME}'
    位置: {b_json.name}
    网址: https://intranet.example/b/
  - 名称: YY县委
    位置: c-clone
  - 名称: 截断单位
    位置: corrupt.json
  - 名称: 旧版单位
    位置: old.json
  - 名称: 格式错误单位
    位置: invalid.json
  - 名称: 不存在单位
    位置: nowhere/site
  - 名称: 空文件夹单位
    位置: empty-folder
""", encoding="utf-8")
    out = where / "overview"
    result = run_cli("gather", "sources.yml", "-o", str(out), "--today", TODAY, cwd=where)
    assert result.returncode == 0, result.stderr
    built = build(out)
    assert built.returncode == 0, built.stderr
    return {"where": where, "out": out, "site": out / "site", "cli": result, "site_a": site_a}


def html(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def metrics(soup: BeautifulSoup) -> dict[str, str]:
    return {a["data-metric"]: a.select_one(".tz-num__value").get_text(strip=True) for a in soup.select("[data-metric]")}


def visible(text: str) -> str:
    """Text as read: a "<" in record text is followed by a word joiner on the page (never a tag, even copied)."""
    return text.replace("\u2060", "")


def unit_links(soup: BeautifulSoup) -> dict[str, str]:
    return {visible(a.get_text(strip=True)): a["href"] for a in soup.select(".tz-units table a")}


def test_index_lists_the_good_units_only(gathered):
    soup = html(gathered["site"], "index.html")
    rows = soup.select(".tz-units table tbody tr")
    # (a "<" in a name is followed by a word joiner on the page: never a tag, even copied)
    assert [r.select("td")[1].get_text(strip=True).replace("\u2060", "") for r in rows] == [UNIT_A, UNIT_B, "YY县委"]
    assert metrics(soup)["单位"] == "3"
    # The table reached the page through the overview's hook, not through Markdown.
    assert "<table" not in (gathered["out"] / "docs" / "index.md").read_text(encoding="utf-8")
    assert metrics(soup)["数据问题"] == "5"
    assert "汇总了 3 个单位" in gathered["cli"].stderr and "读取 records.json 数据格式版本 2" in gathered["cli"].stderr


def _unit_page(gathered, name: str) -> BeautifulSoup:
    index = html(gathered["site"], "index.html")
    return html(gathered["site"], unit_links(index)[name])


def test_figures_agree_with_the_unit_site_dashboard(gathered):
    """Unit A's figures on the overview are the ones its own site shows."""
    dashboard = html(gathered["site_a"], "index.html")
    own = metrics(dashboard)
    unit_page = _unit_page(gathered, UNIT_A)
    unit = metrics(unit_page)
    for label in ("措施完成率", "问题整改完成率", "反馈问题整改完成率", "整改措施"):
        assert unit[label] == own[label], label
    # 反馈问题 / 查摆问题 on the overview are what the rates count: the dashboard's denominators
    # (A is the sample: its dashboard tile counts 17 feedback records and says 2 are 非整改任务)
    for label, kind in (("反馈问题", "feedback"), ("查摆问题", "problems")):
        states = dashboard.select_one(f'[data-states="{kind}"]').get_text(strip=True)
        assert unit[label] == states.rsplit("共", 1)[1].split("项")[0].strip(), label
    assert (own["反馈问题"], unit["反馈问题"]) == ("17", "15")
    assert "其中非整改任务 2 项，不计入完成率" in dashboard.select_one('[data-metric="反馈问题"]').get_text()
    assert unit["逾期"] == dashboard.select_one('[data-light-count="red"]').get_text(strip=True)
    assert unit["临期"] == dashboard.select_one('[data-light-count="yellow"]').get_text(strip=True)

    def cells(row):
        return [td.get_text(" ", strip=True) for td in row.select("td")]

    own_areas = [cells(r) for r in dashboard.select(".tz-areas table tbody tr")]
    areas = [cells(r) for r in unit_page.select(".tz-unit-areas table tbody tr")]
    assert own_areas and len(own_areas) == len(areas)
    # dashboard: （一）name, problems, measures, overdue, rate; overview: name, problems, measures, rate, overdue
    assert [[a[0].split("）", 1)[1], a[1], a[2], a[3], a[4].split()[-1]] for a in own_areas] == \
        [[a[0], a[1], a[2], a[4], a[3]] for a in areas]


def test_unit_c_agrees_with_the_core_views(gathered):
    """Unit C came as a git clone: the core's own figures of that clone say the same."""
    import datetime as dt

    from taizhang.project import analyse
    from taizhang.views import Scope, figures

    ledger = analyse(gathered["where"] / "c-clone", today=dt.date.fromisoformat(TODAY)).ledger
    fig = figures(ledger, Scope(ledger, ledger.current_round))
    unit = metrics(_unit_page(gathered, "YY县委"))
    for rate in fig.rates:
        assert unit[rate.label] == rate.text
    assert (unit["逾期"], unit["临期"]) == (str(fig.overdue), str(fig.due_soon))


def test_hand_counted_unit_c(gathered):
    """C: 2 feedback, 2 problems, 3 measures; CS-001 done, CS-002 overdue 9 days, CS-003 due in 5."""
    unit = metrics(_unit_page(gathered, "YY县委"))
    assert unit == {"反馈问题": "2", "查摆问题": "2", "整改措施": "3", "措施完成率": "33.3%",
                    "问题整改完成率": "50.0%", "反馈问题整改完成率": "50.0%", "逾期": "1", "临期": "1",
                    "措施完成及基本完成率": "33.3%", "问题完成及基本完成率": "50.0%", "反馈问题完成及基本完成率": "50.0%"}


def test_totals_row_adds_counts_and_works_rates_out_from_the_sums(gathered):
    """合计 under the units table: counts summed; each rate from the summed numerator and denominator
    (A and B are the sample: 2/9 measures each; C 1/3 → 5/21), never an average of rates."""
    soup = html(gathered["site"], "index.html")
    head = [th.get_text(strip=True) for th in soup.select(".tz-units table thead th")]
    assert head[:6] == ["序号", "填报单位", "巡视轮次", "反馈问题", "查摆问题", "整改措施"]
    assert head[6:12] == ["措施完成率", "措施完成及基本完成率", "问题整改完成率", "问题完成及基本完成率",
                          "反馈问题整改完成率", "反馈问题完成及基本完成率"]
    rows = soup.select(".tz-units table tbody tr")
    total = [td.get_text(" ", strip=True) for td in soup.select(".tz-units table tfoot tr td")]
    assert total[1] == "合计"
    for column in (3, 4, 5):
        assert int(total[column]) == sum(int(r.select("td")[column].get_text(strip=True)) for r in rows)
    assert total[6] == "23.8% （5/21）"          # (2 + 2 + 1) / (9 + 9 + 3)
    assert total[12] == str(sum(int(r.select("td")[12].get_text(strip=True)) for r in rows))


def test_renamed_closed_status_still_counts(gathered):
    """B calls 已完成 办结 in its taizhang.yml: its measures still count as closed."""
    assert metrics(_unit_page(gathered, UNIT_B))["措施完成率"] == "22.2%"


def test_bad_sources_are_listed_with_their_reason(gathered):
    rows = {r.select("td")[0].get_text(strip=True): r.select("td")[3].get_text(strip=True)
            for r in html(gathered["site"], "issues.html").select("table tbody tr")}
    assert set(rows) == {"截断单位", "旧版单位", "格式错误单位", "不存在单位", "空文件夹单位"}
    assert "不是有效的 JSON" in rows["截断单位"]
    assert "数据格式版本为 1" in rows["旧版单位"] and "读取版本 2" in rows["旧版单位"]
    assert "缺少必需的字段 title" in rows["格式错误单位"] and "2023/08/01" in rows["格式错误单位"]
    assert "找不到" in rows["不存在单位"]
    assert "不是台账网站文件夹" in rows["空文件夹单位"]
    text = html(gathered["site"], "issues.html").get_text()
    assert "数据格式版本 2" in text
    foot = html(gathered["site"], "issues.html").select("table tfoot tr td")     # 合计, kept last when sorted
    assert [td.get_text(strip=True) for td in foot][:2] == ["合计", "5 项"]


def test_overdue_grouped_by_unit(gathered):
    soup = html(gathered["site"], "overdue.html")
    headings = [visible(h.get_text(strip=True)).rstrip("¶") for h in soup.select("article h2")]
    assert headings == [UNIT_A, UNIT_B, "YY县委"]
    c_table = soup.select("article table")[2]
    assert [td.get_text(strip=True) for td in c_table.select("tbody tr td")][:2] == ["CS-002", "=1+2 规范支部活动"]
    assert "逾期 9 天" in c_table.get_text()
    # 合计 under each unit's list: how many, and it stays last (tfoot) when sorted or filtered
    for table in soup.select("article table"):
        count = len(table.select("tbody tr"))
        assert [td.get_text(strip=True) for td in table.select("tfoot tr td")][:2] == ["合计", f"{count} 项"]
    assert sum(int(td.get_text(strip=True).split()[0]) for td in soup.select("article table tfoot tr td:nth-of-type(2)")) \
        == len(soup.select("article table tbody tr"))


def test_areas_merge_by_name_across_units(gathered):
    rows = {r.select("td")[0].get_text(strip=True): r for r in html(gathered["site"], "areas.html").select(".tz-areas table tbody tr")}
    assert rows[AREA_ONE].select("td")[1].get_text(strip=True) == "3"       # all three units have it
    assert rows["基层党建有短板"].select("td")[1].get_text(strip=True) == "1"


def test_repeats_across_units(gathered):
    rows = html(gathered["site"], "repeats.html").select("table tbody tr")
    shared = [r for r in rows if r.select("td")[1].get_text(strip=True) == SHARED_QUOTE]
    assert len(shared) == 1 and shared[0].select("td")[2].get_text(strip=True) == "3"
    assert all(int(r.select("td")[2].get_text(strip=True)) >= 2 for r in rows)
    foot = [td.get_text(strip=True) for td in html(gathered["site"], "repeats.html").select("table tfoot tr td")]
    assert foot[:3] == ["合计", f"{len(rows)} 项", "3"]


def test_untrusted_text_is_escaped(gathered):
    for page in ["index.html", "overdue.html", "repeats.html", *(f"units/{p.name}" for p in (gathered["site"] / "units").iterdir())]:
        soup = html(gathered["site"], page)
        assert not [s for s in soup.select("script") if "alert" in s.get_text()], page
        assert not soup.select("img[onerror]") and not soup.select("article b"), page
    assert EVIL_NAME in visible(html(gathered["site"], "index.html").get_text())
    page = _unit_page(gathered, UNIT_B)
    assert visible(page.select_one("article h1").get_text()).rstrip("¶") == UNIT_B
    assert page.title.get_text().startswith("县委＜/title＞＜script＞alert(1)＜/script＞办")


def test_unit_links_to_its_own_site(gathered):
    site = gathered["site"]
    a = _unit_page(gathered, UNIT_A).find("a", string="本单位网站")
    assert (site / "units" / a["href"]).resolve() == (gathered["site_a"] / "index.html").resolve()
    b = _unit_page(gathered, UNIT_B).find("a", href="https://intranet.example/b/")
    assert b is not None


def test_workbook_has_the_same_tables_and_no_formula(gathered):
    wb = openpyxl.load_workbook(gathered["out"] / "docs" / "downloads" / "overview.xlsx")
    assert wb.sheetnames == ["各单位情况", "分方面", "逾期事项", "共性问题", "数据问题"]
    units = wb["各单位情况"]
    # title, 填报单位/截至日期 line, header row, then one row per unit (the unit ledger's sheet style)
    assert [c.value for c in units[3]][:3] == ["序号", "填报单位", "巡视轮次"]
    assert [c.value for c in units[2] if c.value and str(c.value).startswith("截至日期")] == [f"截至日期：{TODAY}"]
    assert [units.cell(r, 2).value for r in range(4, 7)] == [UNIT_A, UNIT_B, "YY县委"]
    rate = units.cell(6, 7)
    assert rate.value == pytest.approx(0.3333) and rate.number_format == "0.0%"
    assert units.cell(6, 8).value == pytest.approx(0.3333) and units.cell(6, 8).number_format == "0.0%"  # 及基本完成
    assert units.cell(6, 13).value == 1 and units.cell(4, 2).font.name == "宋体"
    assert isinstance(units.cell(6, 15).value, dt.datetime) and units.cell(6, 15).number_format != "General"   # typed date
    # 合计: counts summed, the rate from the sums
    assert units.cell(7, 1).value == "合计" and units.cell(7, 6).value == 21
    assert units.cell(7, 7).value == pytest.approx(5 / 21, abs=1e-4)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    late = [[c.value for c in row] for row in wb["逾期事项"].iter_rows(min_row=4)]
    assert ["YY县委", "CS-002", "=1+2 规范支部活动"] == late[-2][:3] and late[-2][-1] == 9
    assert late[-1][:2] == ["合计", f"{len(late) - 1} 项"]
    assert isinstance(late[-2][5], dt.datetime)          # 整改时限 typed
    # each 整改状态 in its status's fill, as its chip on the page and in the units' own workbooks
    from taizhang.vocabulary import load_vocabulary
    vocab = load_vocabulary()
    fills = {v.label: v.fill.lstrip("#").upper() for v in vocab.enums["statuses"].values()}
    header = [c.value for c in wb["逾期事项"][3]]
    statuses = [row[header.index("整改状态")] for row in wb["逾期事项"].iter_rows(min_row=4)][:-1]
    assert statuses and all(c.fill.fgColor.rgb[-6:] == fills[c.value] for c in statuses), \
        [(c.value, c.fill.fgColor.rgb) for c in statuses]
    assert wb["数据问题"].max_row == 3 + 5 + 1           # 5 sources with problems, then 合计
    assert [c.value for c in wb["数据问题"][9]][:2] == ["合计", "5 项"]
    repeats = [[c.value for c in row] for row in wb["共性问题"].iter_rows(min_row=4)]
    assert repeats[-1][:3] == ["合计", f"{len(repeats) - 1} 项", 3] and len(repeats) >= 2   # N shared texts, 3 units touched


def test_workbook_prints_in_libreoffice(gathered, tmp_path):
    """Real LibreOffice: A4 landscape, a Chinese font, every sheet's text whole (no ### for a narrow date)."""
    from office import pdf_fonts, pdf_pages, pdf_text, to_pdf

    pdf = to_pdf(gathered["out"] / "docs" / "downloads" / "overview.xlsx", tmp_path, "gather-overview.pdf")
    pages, (width, height) = pdf_pages(pdf)
    assert pages >= 5 and (round(width), round(height)) == (842, 595)
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "###" not in text and text.count("截至日期：2023-08-10") == 5
    for words in ("各单位整改情况", "分方面整改情况", "逾期事项", "共性问题", "数据问题", "YY县委", "=1+2规范支部活动",
                  SHARED_QUOTE[:9]):
        assert words in text, words
    # each sheet counts its own pages: 第 1 页 on every sheet, and the counts add up to the file's pages
    counts = [int(n) for n in re.findall(r"第1页共(\d+)页", text)]
    assert len(counts) == 5 and sum(counts) == pages
    assert "CJK" in pdf_fonts(pdf)


def test_rerun_replaces_its_own_output_with_the_same_bytes(gathered):
    out, where = gathered["out"], gathered["where"]
    before = tree_hash(out / "docs", skip=())
    result = run_cli("gather", "sources.yml", "-o", str(out), "--today", TODAY, cwd=where)
    assert result.returncode == 0, result.stderr
    assert tree_hash(out / "docs", skip=()) == before
    assert not (out / "site").exists()     # the stale site went with the old pages
    assert build(out).returncode == 0


def test_refuses_a_folder_it_did_not_make(tmp_path, gathered):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.md").write_text("我的笔记\n", encoding="utf-8")
    before = tree_hash(target, skip=())
    result = run_cli("gather", str(gathered["where"] / "sources.yml"), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 2 and "不是空文件夹" in result.stderr
    assert tree_hash(target, skip=()) == before


def test_sources_file_errors_name_the_fix(tmp_path):
    (tmp_path / "bomb.yml").write_text("a: &x [1, 2]\n单位: [*x, *x]\n", encoding="utf-8")
    result = run_cli("gather", "bomb.yml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2 and "别名" in result.stderr and "bomb.yml:2" in result.stderr
    (tmp_path / "bad.yml").write_text("单位:\n  - 名称: 某单位\n", encoding="utf-8")
    result = run_cli("gather", "bad.yml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2 and "缺少“位置”" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _mutations(records: list[dict]):
    yield "valid", records
    for key, value in (("title", None), ("publish", "yes"), ("kind", "task"), ("id", "CS_1"),
                       ("deadline", "2023/1/1"), ("progress", [{"date": "2023-01-01"}]), ("days_left", 1.5),
                       ("light", "blue"), ("unit", "单位"), ("schema_version", 3), ("status", "办结"),
                       ("measure_type", 7), ("extra_field_of_a_newer_unit", "x")):
        broken = copy.deepcopy(records)
        target = next(r for r in broken if key in r or r["kind"] == "measure")
        target[key] = value
        yield key, broken
    missing = copy.deepcopy(records)
    del missing[0]["title"]
    yield "missing title", missing
    older = copy.deepcopy(records)      # a unit on an earlier taizhang of the same version
    for record in older:
        for key in ("draft", "recurs_from", "body", "publish"):
            record.pop(key, None)
    yield "without optional keys", older
    yield "not a list", {"records": records}


def test_hand_check_agrees_with_jsonschema(sample_site):
    """The small validator gather uses says 'invalid' exactly when jsonschema
    does, on the same schema: the exporter's, with label enums as text and no
    propertyNames (a renamed 已完成, a newer unit's extra field are fine)."""
    from taizhang.gather.schema import schema, validate

    relaxed = schema()
    records = json.loads((sample_site[1] / "downloads" / "records.json").read_text(encoding="utf-8"))
    verdicts = {}
    for name, data in _mutations(records):
        expected = jsonschema.Draft202012Validator(relaxed).is_valid(data)
        assert (validate(data) == []) == expected, name
        verdicts[name] = expected
    assert verdicts["valid"] and verdicts["status"] and verdicts["extra_field_of_a_newer_unit"]
    assert verdicts["without optional keys"]
    assert not any(verdicts[k] for k in ("publish", "kind", "id", "deadline", "progress", "days_left", "light",
                                         "unit", "schema_version", "measure_type", "missing title", "not a list"))


def test_every_exported_record_says_its_schema_version(sample_site):
    records = json.loads((sample_site[1] / "downloads" / "records.json").read_text(encoding="utf-8"))
    published = json.loads((sample_site[1] / "downloads" / "records.schema.json").read_text(encoding="utf-8"))
    assert records and {r["schema_version"] for r in records} == {2}
    assert "schema_version" in published["items"]["required"]


def test_offline_build_opens_from_file(gathered, browser):
    """`gather --build --offline`: the overview opens from file:// with nothing off-site."""
    from browsing import Watched

    out = gathered["where"] / "overview-offline"
    result = run_cli("gather", "sources.yml", "-o", str(out), "--today", TODAY, "--build", "--offline",
                     cwd=gathered["where"])
    assert result.returncode == 0, result.stderr
    base = (out / "site").as_uri() + "/"
    w = Watched(browser, base)
    try:
        w.page.goto(base + "index.html")
        assert w.page.locator(".tz-units table tbody tr").count() == 3
        w.page.locator(".tz-units table a", has_text="YY县委").click()
        assert w.page.locator("article h1").inner_text().strip().rstrip("¶") == "YY县委"
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()


def test_a_ledger_with_errors_is_gathered_with_a_warning(tmp_path):
    """A clone whose records fail the checker still counts, and 数据问题 says so."""
    import datetime as dt

    from taizhang.gather import gather
    from taizhang.gather.pages import render_issues
    from taizhang.vocabulary import load_vocabulary

    clone = make_unit_c(tmp_path)
    measure = clone / "records" / "measures" / "CS-001.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace("日期: 2023-07-20", "日期: 2023-08-20"),
                       encoding="utf-8")           # progress after the 统计日期: an error, the data still whole
    done = gather([str(clone)], tmp_path / "out", today=dt.date.fromisoformat(TODAY))
    [unit] = done.overview.units
    [issue] = done.overview.issues
    assert unit.name == "中共XX市YY县委员会" and unit.measures == 3        # named after 被巡视单位
    assert not issue.fatal and "台账检查有 1 个错误" in issue.reason and "CS-001.md" in issue.reason
    assert "已纳入总览，统计可能不准" in render_issues(done.overview, load_vocabulary())
    assert any("台账检查有 1 个错误" in note for note in unit.notes)
    # A status the checker rejects leaves the exported record incomplete: not gathered, and said why.
    other = make_unit_c(tmp_path / "second")
    measure = other / "records" / "measures" / "CS-003.md"
    measure.write_text(measure.read_text(encoding="utf-8").replace("整改状态: 未启动", "整改状态: 做完了"),
                       encoding="utf-8")
    done = gather([str(other)], tmp_path / "out", today=dt.date.fromisoformat(TODAY))
    [issue] = done.overview.issues
    assert not done.overview.units and issue.fatal
    assert "台账检查有 1 个错误" in issue.reason and "导出的数据不完整" in issue.reason and "status" in issue.reason


@pytest.mark.parametrize("width,height", [(390, 844), (768, 1024), (1366, 900)])
def test_overview_in_chromium(gathered, browser, width, height):
    from browsing import Server, Watched, axe_violations, no_violations

    server = Server(gathered["site"])
    w = Watched(browser, server.origin + "/", viewport={"width": width, "height": height})
    try:
        page = w.page
        violations = {}
        for name in ("index", "areas", "overdue", "repeats", "issues", "units/001", "units/003"):
            page.goto(f"{server.origin}/{name}.html")
            overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}.html is {overflow}px wider than the window"
            violations[name] = axe_violations(page)   # WCAG 2.1 AA (vendored axe-core)
            w.shot(f"gather-{name.replace('/', '-')}-{width}")
        assert no_violations(violations)
        page.goto(server.origin + "/index.html")
        rows = page.locator(".tz-units table tbody tr")
        if not page.locator("details.tz-filterbar").evaluate("e => e.open"):   # phones: one closed line
            page.locator("details.tz-filterbar > summary").click()
        page.locator(".tz-filter input[type=search]").fill("YY县")
        assert [rows.nth(i).is_visible() for i in range(3)] == [False, False, True]
        page.locator(".tz-filter input[type=search]").fill("")
        page.locator(".tz-units table th", has_text="措施完成率").click()   # ascending
        first = page.locator(".tz-units table tbody tr").first.locator("td").nth(1).inner_text()
        assert visible(first.strip()) in (UNIT_A, UNIT_B)                # 22.2% before 33.3%
        page.locator(".tz-units table a", has_text="YY县委").click()
        assert re.search(r"units/\d{3}\.html$", page.url)
        w.shot(f"gather-unit-{width}")
        assert page.locator('[data-metric="逾期"] .tz-num__value').inner_text() == "1"
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()


def test_hostile_sources_are_named_and_every_other_unit_is_gathered(tmp_path):
    """Each unit's files are untrusted: nesting, huge numbers, links out of the unit's folder, a FIFO,
    a device, records/ as a link; each is one line on 数据问题 and in the output, the good unit is built.
    A 网址 that is not http(s) or relative (javascript:) is not used as a link."""
    import os
    import time

    from taizhang.gather.pages import render_issues, render_unit
    from taizhang.vocabulary import load_vocabulary

    make_unit_c(tmp_path)
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    (tmp_path / "nested.json").write_text("[" * 100 + "]" * 100, encoding="utf-8")   # under the parser's own limit
    (tmp_path / "digits.json").write_text('[{"schema_version": ' + "2" * 100_000 + "}]", encoding="utf-8")
    (tmp_path / "site" / "downloads").mkdir(parents=True)
    os.symlink(tmp_path / "deep.json", tmp_path / "site" / "downloads" / "records.json")
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "linked-records").mkdir()
    os.symlink("/etc", tmp_path / "linked-records" / "records")
    units = {"深": "deep.json", "层": "nested.json", "数字": "digits.json", "链接": "site", "管道": "fifo.json",
             "设备": "/dev/zero", "记录链接": "linked-records"}
    lines = "".join(f"  - 名称: {name}\n    位置: {where}\n" for name, where in units.items())
    (tmp_path / "sources.yml").write_text(
        f"单位:\n{lines}  - 名称: 好单位\n    位置: c-clone\n    网址: ' JaVa\tscript:alert(1)'\n"
        "  - 名称: 好单位二\n    位置: c-clone\n    网址: ../c/\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("gather", "sources.yml", "-o", "out", "--today", TODAY, cwd=tmp_path)
    assert time.monotonic() - started < 60 and result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    output = {line.split("：", 1)[0]: line for line in result.stderr.splitlines() if "：" in line}
    assert "嵌套超过 32 层" in output["深"] and "嵌套超过 32 层" in output["层"]
    assert "100000 位的数" in output["数字"]
    assert "该单位文件夹之外" in output["链接"] and "deep.json" in output["链接"]
    assert "命名管道" in output["管道"] and "设备文件" in output["设备"]
    assert "符号链接" in output["记录链接"] and "/etc" in output["记录链接"]
    assert "script:alert(1)" in output["好单位"] and "未链接该网址" in output["好单位"]
    assert "汇总了 3 个单位" in result.stderr     # the good clone, twice, and the linked-records unit (empty, warned)
    # The same reasons on the 数据问题 page, and the refused address is no link on the unit's page.
    from taizhang.gather import gather

    done = gather([str(tmp_path / "sources.yml")], tmp_path / "out2", today=dt.date.fromisoformat(TODAY))
    page = render_issues(done.overview, load_vocabulary())
    for name in units:
        assert name in page
    assert "嵌套超过 32 层" in page and "命名管道" in page and "script:alert(1)" in page and "未链接该网址" in page
    good = {u.name: u for u in done.overview.units}
    assert good["好单位"].url is None and good["好单位"].measures == 3
    assert "javascript" not in render_unit(done.overview, load_vocabulary(), good["好单位"], None).split("数据提示")[0]
    assert good["好单位二"].url == "../c/"


def test_units_built_from_sample_data_are_labelled_everywhere(gathered):
    """示例数据 beside a sample unit wherever the unit is named (links to it,
    headings, its own page, every sheet); the hand-written unit C carries no mark."""
    site = gathered["site"]
    named = []
    for page in ["index.html", "overdue.html", "areas.html", "repeats.html"]:
        soup = html(site, page)
        named += [visible(a.get_text(strip=True)) for a in soup.select("article a[href*='units/']")]
        named += [visible(h.get_text(strip=True)).rstrip("¶") for h in soup.select("article h2")]
    for page in (site / "units").iterdir():
        named.append(visible(html(site, f"units/{page.name}").select_one("article h1").get_text()).rstrip("¶"))
    units = {n for n in named if n.startswith(("区委组织部", "县委", "YY县委"))}
    assert units == {UNIT_A, UNIT_B, "YY县委"}, units
    wb = openpyxl.load_workbook(gathered["out"] / "docs" / "downloads" / "overview.xlsx")
    in_sheets = {wb["各单位情况"].cell(r, 2).value for r in range(4, 7)} | {r[0] for r in wb["逾期事项"].iter_rows(min_row=4, values_only=True)}
    assert in_sheets - {"合计"} == {UNIT_A, UNIT_B, "YY县委"}, in_sheets


def test_gather_runs_from_an_installed_wheel(tmp_path, sample_site):
    """Built as a wheel and installed outside the checkout, `taizhang gather` still
    finds the sites' styles and scripts (they ship inside the package)."""
    from conftest import REPO, env
    import shutil
    wheels, target, source = tmp_path / "wheels", tmp_path / "installed", tmp_path / "source"
    # a copy of what the package is made of, so the build leaves the checkout as it was
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "hooks", source / "hooks", symlinks=True, ignore=junk)
    shutil.copytree(REPO / "docs" / "assets", source / "docs" / "assets")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(wheels), str(source)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    wheel = next(wheels.glob("taizhang-*.whl"))
    put = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                         capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert put.returncode == 0, put.stderr
    where = {**env(), "PYTHONPATH": str(target)}
    found = subprocess.run([sys.executable, "-c", "import taizhang; print(taizhang.__file__)"], env=where,
                           capture_output=True, text=True, cwd=tmp_path)
    assert found.stdout.strip().startswith(str(target)), found.stdout     # the installed copy, not the checkout
    out = tmp_path / "overview"
    result = subprocess.run([sys.executable, "-m", "taizhang", "gather", str(sample_site[1]), "-o", str(out),
                             "--today", TODAY], env=where, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in ("taizhang.css", "taizhang.js", "vendor/tablesort"):
        assert (out / "docs" / "assets" / name).exists(), name
    assert (out / "docs" / "assets" / "taizhang.css").read_bytes() == (REPO / "docs/assets/taizhang.css").read_bytes()


def test_overview_theme_words_are_chinese(gathered):
    site = gathered["site"]
    missing = html(site, "404.html")
    assert missing.select_one("article h1").get_text(strip=True) == "404 页面不存在"
    assert "Not found" not in missing.get_text()
    titles = {a["title"] for page in ("index.html", "areas.html") for a in html(site, page).select("a.headerlink")}
    assert titles == {"本节的链接"}


def test_measure_status_is_the_unit_sites_chip_in_the_same_colours(gathered, browser):
    """The 督查总览's measure tables show each status as the units' sites do: a
    chip whose colour and fill are its state's (one colour per state), with the
    unit's own label inside."""
    from browsing import Server, Watched

    pages = ["overdue.html", *(p.relative_to(gathered["site"]).as_posix()
                               for p in sorted((gathered["site"] / "units").glob("*.html")))]
    states = {}
    for name in pages:
        for table in html(gathered["site"], name).select("article table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            if "整改状态" not in heads:
                continue
            column = heads.index("整改状态")
            for tr in table.select("tbody tr"):
                cell = tr.select("td")[column]
                chip = cell.select_one("span.tz-status")
                assert chip is not None, (name, cell)
                state = next(c.removeprefix("tz-status--") for c in chip["class"] if c.startswith("tz-status--"))
                states.setdefault(state, (name, chip.get_text(strip=True)))
    assert len(states) >= 2, states

    def colours(origin: str, path: str, state: str) -> list[str]:
        page.goto(f"{origin}/{path}")
        return page.locator(f"article .tz-status--{state}").first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.borderTopColor]; }")

    overview, unit = Server(gathered["site"]), Server(gathered["site_a"])
    w = Watched(browser, overview.origin + "/", viewport={"width": 1366, "height": 900})
    page = w.page
    try:
        for state, (name, label) in states.items():
            assert label   # the unit's own label
            on_unit_site = colours(unit.origin, "lists/tasks/", state)
            assert colours(overview.origin, name, state) == on_unit_site, state
    finally:
        w.close()
        overview.close()
        unit.close()


def test_overview_pages_at_every_width(gathered, browser):
    """From 360 to 1920 px the 督查总览's pages scroll no sideways, keep every
    measure's status chip and light in view, never set a header one character
    a line nor break an id or a date."""
    from browsing import Server, Watched, sweep

    server = Server(gathered["site"])
    w = Watched(browser, server.origin + "/", viewport={"width": 1366, "height": 900})
    try:
        problems = []
        for name in ("index", "areas", "overdue", "repeats", "issues", "units/001", "units/003"):
            w.page.goto(f"{server.origin}/{name}.html")
            w.page.locator("h1").first.wait_for()
            problems += sweep(w.page, name)
        assert not problems, "\n".join(problems)
        # 各单位情况 (17 columns) is cards on a laptop: its 合计 row is a card too, not a
        # column of loose label/value lines under the last card
        w.page.set_viewport_size({"width": 1366, "height": 900})
        w.page.goto(f"{server.origin}/index.html")
        assert w.page.locator("div.tz-units.tz-cardview").count() == 1
        assert w.page.locator(".tz-units tfoot tr").evaluate("e => getComputedStyle(e).display") == "grid"
        assert w.off_site() == [] and w.errors == []
    finally:
        w.close()
        server.close()


def test_an_empty_denominator_is_a_dash_in_the_overview_sheet_as_on_its_page():
    """A unit with no measures: its rate cells say — (the page's Rate.text), never an empty cell or 0.0%."""
    from types import SimpleNamespace

    from taizhang.gather.columns import plain
    from taizhang.views import total_completion
    from taizhang.vocabulary import load_vocabulary
    vocab = load_vocabulary()
    empty = total_completion(vocab, [])
    column = next(c for c in vocab.columns("overview_units", "sheet") if c.name == "rate_measures")
    assert empty.measures.rate.text == "—"
    assert plain(vocab, column, SimpleNamespace(total=False, rate_measures=empty.measures.rate)) == "—"
    added = total_completion(vocab, [empty, empty])          # a 合计 row of such units
    assert plain(vocab, column, SimpleNamespace(total=True, rate_measures=added.measures.rate)) == "—"


def test_an_overdue_measure_with_an_adjusted_deadline_shows_both_dates(tmp_path):
    """The small case's CS-002 (整改时限 2024-02-20, 调整后时限 2024-03-20) gathered on 2024-03-25:
    逾期 5 days counted from the adjusted date, with both dates on the page and in the sheet."""
    unit = tmp_path / "unit"
    shutil.copytree(REPO / "tests/golden/pages/small/records", unit / "records")
    result = run_cli("gather", str(unit), "-o", str(tmp_path / "out"), "--today", "2024-03-25", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    overdue = "".join(json.loads((tmp_path / "out/fragments/overdue.md.json").read_text(encoding="utf-8")))
    row = next(r for r in overdue.split("<tr") if ">CS-002<" in r)
    assert ">2024-02-20<" in row and ">2024-03-20<" in row and "逾期 5 天" in row
    wb = openpyxl.load_workbook(tmp_path / "out/docs/downloads/overview.xlsx")
    ws = next(wb[n] for n in wb.sheetnames if "逾期" in n)
    header = [c.value for c in ws[3]]
    line = next(r for r in ws.iter_rows(min_row=4, values_only=True) if "CS-002" in r)
    assert line[header.index("整改时限")] == dt.datetime(2024, 2, 20)
    assert line[header.index("调整后时限")] == dt.datetime(2024, 3, 20)
