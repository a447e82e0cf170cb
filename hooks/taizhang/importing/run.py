"""`taizhang import FILE`: a unit's existing material into draft records.

Readers by format, each producing an `Understood` (model.py):
outlines as text (.txt, .md: outline.py), Word documents (.docx:
docx.py, whose task tables go through table.py) and ledgers
(.xlsx, .csv: xlsx.py → table.py). This module assigns ids,
renders the records, prints the recognised tree and writes all of it or
nothing: files are staged in a dot-folder at the project root (same file
system, outside records/) and moved into records/ by one rename, so a run
killed at any moment leaves records/ exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from taizhang.importing.model import Draft, ImportError_, TextBudget, Understood, decode_text
from taizhang.importing.outline import clean, understand
from taizhang.project import RECORDS_DIR, Analysis
from taizhang.scaffold import highest_numbers, render_front_matter

__all__ = ["ImportError_", "import_file"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv")
STAGING_PREFIX = ".taizhang-import-"


def read_text(path: Path) -> str:
    text = decode_text(path.read_bytes(), path.name)
    if path.suffix.lower() in (".md", ".markdown"):
        text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    return text


def understand_file(analysis: Analysis, path: Path) -> Understood:
    rules = analysis.vocab.import_rules
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        budget = TextBudget(rules, path.name)
        paragraphs = [budget.take(p, f"第 {n} 段") for n, p in enumerate(clean(read_text(path), list(rules["noise"])), 1)]
        return understand(paragraphs, rules, path.stem)
    if suffix == ".docx":
        from taizhang.importing.docx import understand_docx
        return understand_docx(path, analysis.vocab, path.stem)
    if suffix in TABLE_SUFFIXES:
        from taizhang.importing.xlsx import understand_ledger
        return understand_ledger(path, analysis.vocab, path.stem)
    if suffix in (".doc", ".xls", ".wps", ".et"):
        new = ".xlsx" if suffix in (".xls", ".et") else ".docx"
        raise ImportError_(f"不支持 {suffix} 文件：请先用 Office 或 WPS 另存为 {new}（{suffix} 请先另存为 {new}）")
    raise ImportError_(f"不支持 {suffix or '无扩展名'} 文件：请用 .docx、.xlsx、.csv、.txt 或 .md"
                       "（.doc 请先另存为 .docx，.xls 请先另存为 .xlsx）")


# -- writing -------------------------------------------------------------------

def assign_ids(analysis: Analysis, understood: Understood) -> str:
    vocab = analysis.vocab
    used = highest_numbers(analysis)

    def take(kind: str) -> str:
        prefix = vocab.kinds[kind].prefix
        used[prefix] = used.get(prefix, 0) + 1
        return f"{prefix}-{used[prefix]:03d}"

    round_id = take("round")
    for kind in ("feedback", "problem", "cause", "measure"):
        drafts = [d for d in understood.drafts if d.kind == kind]
        if _keep_source_ids(drafts, vocab.kinds[kind].prefix, analysis):
            for draft in drafts:
                draft.record_id = draft.source_id
                number = int(draft.source_id.split("-")[1])
                used[vocab.kinds[kind].prefix] = max(used.get(vocab.kinds[kind].prefix, 0), number)
        else:
            for draft in drafts:
                draft.record_id = take(kind)
    return round_id


def _keep_source_ids(drafts: list[Draft], prefix: str, analysis: Analysis) -> bool:
    """A ledger exported by taizhang keeps its ids when none is taken in this ledger."""
    ids = [d.source_id for d in drafts]
    return (bool(ids) and all(i and i.startswith(prefix + "-") for i in ids) and len(set(ids)) == len(ids)
            and not any(i in analysis.ledger.records for i in ids)
            and not any((p.stem in ids) for p in (analysis.root / RECORDS_DIR).rglob("*.md")))


def _round_text(vocab, understood: Understood, round_id: str, source: str) -> str:
    values = {"id": round_id, "kind": vocab.kind_label("round"), "title": understood.round_title,
              "phase": vocab.label("phases", "concentrated"), "areas": dict(understood.areas), "draft": "是",
              **understood.round_values}
    body = [f"由 taizhang import 从 {source} 导入。请补全巡视组、被巡视单位、反馈日期和集中整改期限。"]
    if understood.round_body.strip():
        body.append(understood.round_body.strip())
    return render_front_matter(vocab, "round", values) + "\n" + "\n\n".join(body) + "\n"


def record_texts(analysis: Analysis, understood: Understood, round_id: str, source: str) -> dict[str, str]:
    vocab = analysis.vocab
    folder = {k: v.folder for k, v in vocab.kinds.items()}
    texts = {f"{folder['round']}/{round_id}.md": _round_text(vocab, understood, round_id, source)}
    for draft in understood.drafts:
        values = {"id": draft.record_id, "kind": vocab.kind_label(draft.kind), "title": draft.title,
                  "round": round_id, "draft": "是", **draft.values}
        if draft.kind in ("feedback", "problem"):
            values["area"] = draft.area
        if draft.kind == "feedback":
            values["quote"] = draft.quote
        if draft.nature:
            values["nature"] = vocab.label("natures", draft.nature)
        if draft.feedback:
            values["feedback"] = [understood.feedback[i].record_id for i in draft.feedback]
        if draft.causes:
            values["causes"] = [understood.causes[i].record_id for i in draft.causes]
        if draft.problems:
            values["problems"] = [understood.problems[i].record_id for i in draft.problems]
        if draft.kind == "measure":
            values.setdefault("status", vocab.label("statuses", "not_started"))
        body = draft.body or f"从 {source} 导入的反馈意见原文见“{vocab.key('quote')}”。"
        texts[f"{folder[draft.kind]}/{draft.record_id}.md"] = render_front_matter(vocab, draft.kind, values) + "\n" + body + "\n"
    return texts


def describe(understood: Understood) -> str:
    """The recognised tree, as `--dry-run` and a real import print it."""
    lines = [f"巡视轮次：{understood.round_title}（草稿）"]
    if understood.round_body.strip():
        lines.append(f"  前言：{len(understood.round_body.strip())} 字，写入轮次正文")
    by_area: dict[str, list[tuple[int, Draft]]] = {}
    for index, p in enumerate(understood.problems):
        by_area.setdefault(p.area, []).append((index, p))
    measures_of: dict[int, list[Draft]] = {}
    for m in understood.measures:
        for index in m.problems:
            measures_of.setdefault(index, []).append(m)
    lines.append(f"查摆问题：{len(understood.areas)} 个方面，{len(understood.problems)} 项")
    for ordinal, name in understood.areas:
        lines.append(f"  （{ordinal}）{name}")
        for index, p in by_area.get(ordinal, []):
            mark = "［说明事项］" if p.nature else ""
            lines.append(f"    {p.record_id} {mark}{p.title}")
            for i in p.feedback:
                f = understood.feedback[i]
                lines.append(f"      反馈 {f.record_id}：“{f.quote}”")
            for i in p.causes:
                lines.append(f"      原因 {understood.causes[i].record_id}")
            for m in measures_of.get(index, []):
                lines.append(f"      措施 {m.record_id} {m.title}{_measure_facts(m)}")
    lines.append(f"原因剖析：{len(understood.causes)} 条")
    lines += [f"  {c.record_id} {c.title}" for c in understood.causes]
    lines.append(f"整改措施：{len(understood.measures)} 项")
    lines += [f"  {m.record_id} {m.title}{_measure_facts(m)}" for m in understood.measures]
    lines.append(f"反馈问题：{len(understood.feedback)} 条")
    lines += [f"注意：{note}" for note in understood.notes]
    return "\n".join(lines) + "\n"


def _measure_facts(m: Draft) -> str:
    facts = [("、".join(m.values[k]) if isinstance(m.values[k], list) else str(m.values[k]))
             for k in ("unit", "deadline", "status") if m.values.get(k)]
    return f"（{'，'.join(facts)}）" if facts else ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(root: Path) -> None:
    """Staging folders left by an import that was killed (its process is gone)."""
    for path in root.glob(STAGING_PREFIX + "*"):
        match = re.match(rf"{re.escape(STAGING_PREFIX)}(\d+)-", path.name)
        if path.is_dir() and not path.is_symlink() and match and not _alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def write_all(root: Path, folder_name: str, texts: dict[str, str]) -> Path:
    """All files staged outside records/, then one rename into place: all or
    nothing, never over anything, nothing half-written under records/ even
    when the process is killed."""
    records_dir = root / RECORDS_DIR
    target = records_dir / folder_name
    if target.exists() or target.is_symlink():
        raise ImportError_(f"{target} 已存在：不会覆盖。换一个 --folder，或先移走它")
    records_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(root)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root))
    payload = staging / "records"
    try:
        for rel, text in texts.items():
            path = payload / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        os.sync()        # one flush for all files (an fsync each took a minute for 9000 records)
        if target.exists() or target.is_symlink():
            raise ImportError_(f"{target} 已存在：不会覆盖。换一个 --folder，或先移走它")
        try:
            payload.rename(target)
        except OSError as exc:
            raise ImportError_(f"无法把导入的记录移入 {target}：{exc.strerror or exc}") from None
    except OSError as exc:
        raise ImportError_(f"无法写入暂存文件夹 {staging.name}：{exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def import_file(analysis: Analysis, path: Path, folder: str | None = None, dry_run: bool = False):
    understood = understand_file(analysis, path)
    if not understood.problems and not understood.measures:
        raise ImportError_(f"没有在 {path.name} 中找到“查摆问题”或“整改措施”部分：提纲的标题应形如“一、查摆出来的问题”，"
                           "表格应有“问题”“整改措施”等表头")
    round_id = assign_ids(analysis, understood)
    if dry_run:
        return describe(understood), None
    texts = record_texts(analysis, understood, round_id, path.name)
    # What the drafts would write, counted once more: a text repeated in many drafts is written each time.
    TextBudget(analysis.vocab.import_rules, path.name).written(sum(len(text) for text in texts.values()))
    stem = re.sub(r"[^\w-]+", "-", path.stem).strip("-") or "outline"
    name = folder or f"import-{stem}"
    if re.search(r"[/\\\x00-\x1f]", name) or name.startswith(".") or not name.strip():
        raise ImportError_(f"--folder “{name}” 不能含有 / 或 \\，也不能以 . 开头：它是 records/ 下的一个新文件夹的名字")
    return describe(understood), write_all(analysis.root, name, texts)
