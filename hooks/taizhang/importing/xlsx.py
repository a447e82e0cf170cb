"""An Excel (.xlsx) or CSV ledger → a grid of cells → table.py.

Merged cells are filled with their top-left value, so a feedback item or a
problem merged over several measures reads as repeated on every row. The
sheet whose header names the most known columns is the ledger (taizhang's
own workbook has three more list sheets after 整改台账). Rows above the
header are the title block; the round title comes from there.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from taizhang.importing.model import ImportError_, TextBudget, Understood, decode_text, guard_zip, office_error
from taizhang.importing.outline import round_title
from taizhang.importing.table import TableReader, _text, find_header

MAX_CELLS = 200_000


def _counted(grid: list[list], budget: TextBudget | None, sheet: str) -> list[list]:
    if budget is not None:
        from openpyxl.utils import get_column_letter
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    budget.take(value, f"{sheet}单元格 {get_column_letter(c)}{r} ")
    return grid


def read_workbook(path: Path, budget: TextBudget | None = None) -> list[tuple[str, list[list]]]:
    """(sheet name, grid) for every sheet, merged ranges filled."""
    guard_zip(path, "Excel（.xlsx）")
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(str(path), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise office_error(path, "Excel（.xlsx）", exc) from None
    sheets = []
    for ws in workbook.worksheets:
        if ws.max_row * ws.max_column > MAX_CELLS:
            raise ImportError_(f"{path.name} 的工作表“{ws.title}”有 {ws.max_row} 行 {ws.max_column} 列，"
                               f"超过 {MAX_CELLS} 个单元格：请只保留台账部分再导入")
        grid = [list(row) for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
        sheets.append((ws.title, _counted(grid, budget, f"工作表“{ws.title}”")))
    return sheets


def read_csv(path: Path, budget: TextBudget | None = None) -> list[list]:
    text = decode_text(path.read_bytes(), path.name, "：请在 Excel 中另存为“CSV UTF-8”")
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    try:
        return _counted(list(csv.reader(io.StringIO(text, newline=""), dialect)), budget, "")
    except csv.Error as exc:
        raise ImportError_(f"{path.name} 的 CSV 格式有误（{exc.__class__.__name__}）：请在 Excel 中另存为 CSV 后再导入") from None


def title_block(grid: list[list], header_row: int) -> str:
    """The first text above the header, without “（截至 …）” and the word 整改台账."""
    for row in grid[:header_row]:
        for value in row:
            text = _text(value)
            if text:
                text = re.sub(r"[（(]\s*截至[^）)]*[）)]", "", text).strip()
                return re.sub(r"(?:整改)?(?:工作)?台账$", "", text).strip() or text
    return ""


def title_facts(grid: list[list], header_row: int, long_term: str) -> dict:
    """统计日期 and 被巡视单位 from the title block (“截至日期：2023-08-10”, “填报单位：…”)."""
    from taizhang.importing.table import parse_deadline
    facts: dict = {}
    for row in grid[:header_row]:
        texts = [_text(v) for v in row]
        for i, text in enumerate(texts):
            if "截至" in text:
                rest = re.sub(r"^.*?截至(?:日期)?[：:]?\s*", "", text)
                value = rest or next((row[j] for j in range(i + 1, len(row)) if _text(row[j])), "")
                date, _ = parse_deadline(value, long_term)
                if date and date != long_term:
                    facts["as_of"] = date
            match = re.match(r"^填报单位[：:]\s*(\S+)", text)
            if match:
                facts["inspected"] = match.group(1)
    return facts


ESSENTIAL = {"feedback", "problem", "measure", "leader", "unit", "deadline"}


def understand_ledger(path: Path, vocab, fallback_title: str) -> Understood:
    budget = TextBudget(vocab.import_rules, path.name)
    if path.suffix.lower() == ".csv":
        sheets = [("", read_csv(path, budget))]
    else:
        sheets = read_workbook(path, budget)
    found = [(name, grid, header) for name, grid in sheets if (header := find_header(grid, vocab))]
    if not found:
        raise ImportError_(f"没有在 {path.name} 前十行中找到台账的表头：表头应有“具体问题”或“整改措施”，"
                           "以及“责任单位”“整改时限”等列")
    # The sheet naming most of a ledger's essential columns; the first such sheet on a tie
    # (taizhang's own 问题清单 sheet names as many, after its 整改台账 sheet).
    name, grid, header = max(found, key=lambda f: len(ESSENTIAL & set(f[2].fields.values())))
    title = title_block(grid, header.row)
    reader = TableReader(vocab, round_title([title], title, fallback_title) if title else fallback_title)
    reader.read(grid, header, f"工作表“{name}”中" if name else "")
    reader.result.round_values.update(title_facts(grid, header.row, vocab.long_term_deadline))
    for other_name, other in sheets:
        if other_name != name:
            reader.read_declarations(other)
    return reader.finish()
