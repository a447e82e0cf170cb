"""`taizhang import`: the seed and each numbering variant into draft records."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from conftest import REPO, copy_project, run_cli, tree_hash

SEED = REPO / "tests/fixtures/seed.txt"
FIXTURES = REPO / "tests/fixtures/import"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def empty_project(tmp_path) -> Path:
    root = tmp_path / "p"
    (root / "records").mkdir(parents=True)
    (root / "docs").mkdir()
    return root


def imported(root: Path, folder: str) -> dict[str, list[frontmatter.Post]]:
    posts = [frontmatter.load(p) for p in sorted((root / "records" / folder).rglob("*.md"))]
    kinds = {}
    for post in posts:
        kinds.setdefault(post["类别"], []).append(post)
    return kinds


def test_seed_imports_with_its_whole_structure(tmp_path):
    root = empty_project(tmp_path)
    result = run_cli("import", str(SEED), cwd=root)
    assert result.returncode == 0, result.stderr
    kinds = imported(root, "import-seed")
    (rnd,) = kinds["巡视轮次"]
    assert rnd["标题"] == "十一届省委第三轮巡视" and len(rnd["整改方面"]) == 5
    problems = kinds["查摆问题"]
    assert len(problems) == 16
    assert [p["编号"] for p in problems if p.get("性质") == "说明事项"] == ["WT-013", "WT-014", "WT-015", "WT-016"]
    assert len(kinds["反馈问题"]) == 17 and len(kinds["原因剖析"]) == 3 and len(kinds["整改措施"]) == 9
    assert all(m["整改状态"] == "未启动" for m in kinds["整改措施"])
    assert all(p["草稿"] == "是" for posts in kinds.values() for p in posts)


def test_seed_text_is_kept_verbatim(tmp_path):
    root = empty_project(tmp_path)
    run_cli("import", str(SEED), cwd=root)
    kinds = imported(root, "import-seed")
    for post in kinds["反馈问题"]:
        assert post["反馈原文"] in SEED_TEXT
    for post in kinds["查摆问题"] + kinds["原因剖析"]:
        assert post.content.strip() in SEED_TEXT
    for post in kinds["整改措施"]:
        assert post.content.strip().split("\n\n", 1)[1] in SEED_TEXT


def test_feedback_quotes_equal_the_hand_made_ledger(tmp_path):
    """The hand-split sample and the importer agree on all 17 items, in order."""
    root = empty_project(tmp_path)
    run_cli("import", str(SEED), cwd=root)
    mine = [(p["反馈原文"], p["方面"]) for p in imported(root, "import-seed")["反馈问题"]]
    sample = [frontmatter.load(p) for p in sorted((REPO / "records/feedback").glob("*.md"))]
    assert mine == [(p["反馈原文"], p["方面"]) for p in sample]
    links = {p["编号"]: p.get("对应反馈", []) for p in imported(root, "import-seed")["查摆问题"]}
    assert links["WT-007"] == ["FK-007", "FK-008", "FK-009"]
    assert links["WT-012"] == ["FK-016", "FK-017"]


def test_import_output_passes_the_checker(tmp_path):
    root = empty_project(tmp_path)
    run_cli("import", str(SEED), cwd=root)
    check = run_cli("check", cwd=root)
    assert check.returncode == 0, check.stdout
    assert ": 错误：" not in check.stdout and "(draft-incomplete)" in check.stdout


def test_import_into_an_existing_ledger_continues_the_ids(tmp_path):
    root = copy_project(tmp_path / "p")
    before = tree_hash(root)
    result = run_cli("import", str(SEED), "--folder", "第二次导入", cwd=root)
    assert result.returncode == 0, result.stderr
    after = tree_hash(root)
    assert {k: v for k, v in after.items() if k in before} == before   # nothing existing touched
    new = sorted(Path(k).stem for k in after if k not in before)
    assert "LC-002" in new and "WT-017" in new and "FK-018" in new and "CS-010" in new
    assert run_cli("check", cwd=root).returncode == 0


def test_import_never_overwrites_and_dry_run_writes_nothing(tmp_path):
    root = empty_project(tmp_path)
    dry = run_cli("import", str(SEED), "--dry-run", cwd=root)
    assert dry.returncode == 0 and "反馈 FK-011：“'两新'组织XX工作双覆盖有盲区”" in dry.stdout
    assert not any((root / "records").iterdir())
    assert run_cli("import", str(SEED), cwd=root).returncode == 0
    before = tree_hash(root)
    again = run_cli("import", str(SEED), cwd=root)
    assert again.returncode == 1 and "不会覆盖" in again.stderr
    assert tree_hash(root) == before
    assert not [p for p in (root / "records").iterdir() if p.name.startswith(".taizhang")]


def _variant(tmp_path, name):
    root = empty_project(tmp_path)
    result = run_cli("import", str(FIXTURES / name), "--folder", "x", cwd=root)
    assert result.returncode == 0, result.stderr
    assert run_cli("check", cwd=root).returncode == 0
    return imported(root, "x")


def test_arabic_numbers_and_full_width_dots(tmp_path):
    kinds = _variant(tmp_path, "arabic-numbers.txt")
    assert [p["标题"] for p in kinds["查摆问题"]] == ["组织生活不规范", "党费收缴不及时", "发展党员程序不严", "财务管理不严"]
    assert [p["方面"] for p in kinds["查摆问题"]] == ["一", "一", "一", "二"]
    assert [f["反馈原文"] for f in kinds["反馈问题"]] == ["三会一课制度落实不到位", "公务接待超标准"]
    assert [c["标题"] for c in kinds["原因剖析"]] == ["思想认识不到位", "制度执行不严格"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["建立台账", "开展培训", "修订接待办法"]


def test_parenthesised_numbers_and_ascii_brackets(tmp_path):
    kinds = _variant(tmp_path, "paren-numbers.txt")
    assert [p["标题"] for p in kinds["查摆问题"]] == ["理论学习不深", "学用结合不够", "调查研究不多"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["制定学习计划", "开展专题研讨"]


def test_ordinals_and_enumerations_inside_a_paragraph(tmp_path):
    kinds = _variant(tmp_path, "ordinal-inline.txt")
    assert [p["标题"] for p in kinds["查摆问题"]] == ["责任分解不细", "督促检查不够", "制度建设滞后", "队伍建设薄弱"]
    assert [f["反馈原文"] for f in kinds["反馈问题"]] == ["主体责任压得不实"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["制定责任清单", "开展督查"]
    assert len(kinds["原因剖析"]) == 1


def test_lines_broken_mid_sentence_and_noise(tmp_path):
    kinds = _variant(tmp_path, "pdf-broken.txt")
    problems = kinds["查摆问题"]
    assert [p["标题"] for p in problems] == ["学习贯彻不够深入，巡视反馈“学习贯彻新思想不够深入系统”，在学懂弄通上有差距",
                                            "推动落实不够有力"]
    assert [f["反馈原文"] for f in kinds["反馈问题"]] == ["学习贯彻新思想不够深入系统"]
    assert "##" not in "".join(p.content for p in problems)
    (measure,) = kinds["整改措施"]
    assert measure["标题"] == "深化学习" and "坚持第一议题制度" in measure.content


def test_docx_built_with_python_docx(tmp_path):
    import docx
    document = docx.Document()
    for line in SEED_TEXT.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "提纲.docx"
    document.save(str(path))
    root = empty_project(tmp_path)
    result = run_cli("import", str(path), "--folder", "word", cwd=root)
    assert result.returncode == 0, result.stderr
    kinds = imported(root, "word")
    assert (len(kinds["查摆问题"]), len(kinds["反馈问题"]), len(kinds["原因剖析"]), len(kinds["整改措施"])) == (16, 17, 3, 9)


def test_unreadable_inputs_are_clear_errors(tmp_path):
    root = empty_project(tmp_path)
    bad = tmp_path / "x.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run_cli("import", str(bad), cwd=root)
    assert result.returncode == 1 and ".doc 请先另存为 .docx" in result.stderr
    fake = tmp_path / "x.docx"
    fake.write_bytes(b"not a zip")
    result = run_cli("import", str(fake), cwd=root)
    assert result.returncode == 1 and "不是有效的 Word" in result.stderr and "Traceback" not in result.stderr
    plain = tmp_path / "note.txt"
    plain.write_text("这只是一段话，没有任何标题。", encoding="utf-8")
    result = run_cli("import", str(plain), cwd=root)
    assert result.returncode == 1 and "没有在 note.txt 中找到" in result.stderr
    assert not any((root / "records").iterdir())
