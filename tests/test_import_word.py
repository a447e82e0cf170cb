"""`taizhang import` of Word plans built with python-docx: automatic numbering
(checked against what LibreOffice displays), styled headings without typed
numbers, and task tables with merged cells."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from importing import do_import, empty_project, imported
from conftest import run_cli, tool_missing
from taizhang.importing.docx import read_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def chinese_numbering(document, num_id: int = 90) -> None:
    """一、 / （一） / 1. as Word's automatic multilevel numbering."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{num_id}">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum>')
    numbering.find(qn("w:num")).addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def numbered(document, text: str, level: int, num_id: int = 90):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def auto_numbered_plan(path: Path) -> Path:
    document = docx.Document()
    chinese_numbering(document)
    document.add_paragraph("XX区住建局巡察整改方案", style="Title")
    document.add_paragraph("为认真落实区委第一巡察组反馈意见，制定本方案。")
    numbered(document, "查摆出来的问题", 0)
    for area in range(1, 13):
        numbered(document, f"第{area}类工作方面", 1)
        numbered(document, f"第{area}类工作落实不到位。巡察反馈指出“第{area}类问题整改不彻底”。", 2)
    numbered(document, "问题产生的原因", 0)
    numbered(document, "学习不够深入。", 2)                  # level （一） skipped
    numbered(document, "监督不够有力。", 2)
    numbered(document, "整改措施", 0)
    numbered(document, "加强学习", 1)
    numbered(document, "建立学习制度。每月集中学习。", 2)
    numbered(document, "开展专题研讨。", 2)
    document.save(path)
    return path


def test_automatic_numbering_counts_as_displayed(tmp_path):
    source = auto_numbered_plan(tmp_path / "方案.docx")
    paragraphs, _ = read_docx(source)
    assert paragraphs[2] == "一、查摆出来的问题"
    assert "（十一）第11类工作方面" in paragraphs and "（十二）第12类工作方面" in paragraphs
    assert "二、问题产生的原因" in paragraphs and "1.学习不够深入。" in paragraphs and "三、整改措施" in paragraphs
    root = empty_project(tmp_path)
    do_import(root, source)
    kinds = imported(root)
    (rnd,) = kinds["巡视轮次"]
    assert rnd["标题"] == "XX区住建局巡察整改方案"
    assert "为认真落实区委第一巡察组反馈意见" in rnd.content
    assert list(rnd["整改方面"])[9:] == ["十", "十一", "十二"] and rnd["整改方面"]["十一"] == "第11类工作"
    assert len(kinds["查摆问题"]) == 12 and len(kinds["反馈问题"]) == 12
    assert [c["标题"] for c in kinds["原因剖析"]] == ["学习不够深入", "监督不够有力"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["建立学习制度", "开展专题研讨"]


def test_numbering_agrees_with_libreoffice(tmp_path):
    if SOFFICE is None:
        tool_missing("找不到 LibreOffice：apt-get install libreoffice-writer-nogui")
    source = auto_numbered_plan(tmp_path / "方案.docx")
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    shown = ["".join(line.split()) for line in (tmp_path / "方案.txt").read_text(encoding="utf-8-sig").splitlines()
             if line.strip()]
    mine = ["".join(p.split()) for p in read_docx(source)[0]]
    assert mine == shown


def test_styled_headings_without_typed_numbers(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于巡视反馈意见的整改方案", style="Title")
    document.add_heading("存在的问题", level=1)
    document.add_heading("作风建设方面", level=2)
    document.add_paragraph("1. 调查研究不深入。")
    document.add_paragraph("2. 联系群众不紧密。")
    document.add_heading("纪律建设方面", level=2)
    document.add_paragraph("1. 纪律教育不经常。")
    document.add_heading("整改措施", level=1)
    document.add_heading("改进作风", level=2)
    document.add_paragraph("一是建立调研制度。二是落实联系点制度。")
    source = tmp_path / "标题样式.docx"
    document.save(source)
    root = empty_project(tmp_path)
    do_import(root, source)
    kinds = imported(root)
    assert kinds["巡视轮次"][0]["整改方面"] == {"一": "作风建设", "二": "纪律建设"}
    assert [p["标题"] for p in kinds["查摆问题"]] == ["调查研究不深入", "联系群众不紧密", "纪律教育不经常"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["建立调研制度", "落实联系点制度"]


def test_task_table_fills_units_owners_and_deadlines(tmp_path):
    document = docx.Document()
    document.add_paragraph("XX街道落实区委巡察反馈意见整改方案", style="Title")
    document.add_paragraph("一、总体要求")
    document.add_paragraph("坚持问题导向，逐条整改。")
    document.add_paragraph("二、整改任务清单")
    header = ["序号", "反馈问题", "具体问题", "整改措施", "责任领导", "责任单位", "责任人", "完成时限", "备注"]
    rows = [
        ["1", "党建引领基层治理不够有力", "网格员队伍不稳定，流动性大。", "完善网格员激励办法。", "党工委书记", "党建办", "刘某", "2023年10月31日", ""],
        ["2", "", "", "开展网格员培训。", "党工委书记", "党建办、综治中心", "刘某、陈某", "长期坚持", "每季度一次"],
        ["3", "民生实事推进缓慢", "老旧小区改造进度滞后。", "倒排工期挂图作战。", "办事处主任", "城建办", "赵某", "2023.12.31", ""],
    ]
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for col, text in enumerate(header):
        table.cell(0, col).text = text
    for r, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            if text:
                table.cell(r, col).text = text
    table.cell(1, 1).merge(table.cell(2, 1))                    # feedback merged over two measures
    table.cell(1, 2).merge(table.cell(2, 2))                    # and the problem too
    document.add_paragraph("三、组织保障")
    document.add_paragraph("成立整改工作领导小组。")
    source = tmp_path / "任务表.docx"
    document.save(source)
    root = empty_project(tmp_path)
    result = do_import(root, source)
    kinds = imported(root)
    assert kinds["巡视轮次"][0]["标题"] == "XX街道落实区委巡察反馈意见整改方案"
    assert [f["反馈原文"] for f in kinds["反馈问题"]] == ["党建引领基层治理不够有力", "民生实事推进缓慢"]
    assert [p["标题"] for p in kinds["查摆问题"]] == ["网格员队伍不稳定，流动性大", "老旧小区改造进度滞后"]
    measures = kinds["整改措施"]
    assert [m["整改问题"] for m in measures] == [["WT-001"], ["WT-001"], ["WT-002"]]
    assert [str(m["整改时限"]) for m in measures] == ["2023-10-31", "长期坚持", "2023-12-31"]
    assert measures[1]["责任单位"] == ["党建办", "综治中心"] and measures[1]["责任人"] == ["刘某", "陈某"]
    assert measures[0]["责任领导"] == "党工委书记"
    assert "**备注**：每季度一次" in measures[1].content and "“备注”" in result.stdout
    dry = run_cli("import", str(source), "--dry-run", cwd=empty_project(tmp_path / "dry"))
    assert "措施 CS-002 开展网格员培训（党建办、综治中心，长期坚持）" in dry.stdout
