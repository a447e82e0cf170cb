"""The sample ledger: the seed's whole content, checked clean."""

from __future__ import annotations

import datetime as dt

import frontmatter

from conftest import REPO, run_cli

SEED = (REPO / "tests" / "fixtures" / "seed.txt").read_text(encoding="utf-8")


def _records(kind_label: str) -> list[frontmatter.Post]:
    posts = [frontmatter.load(p) for p in sorted((REPO / "records").rglob("*.md"))]
    return [p for p in posts if p["类别"] == kind_label]


def test_sample_checks_clean_even_strict():
    result = run_cli("check", "--strict", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_counts_follow_the_seed():
    assert len(_records("巡视轮次")) == 1
    assert len(_records("反馈问题")) == 17
    problems = _records("查摆问题")
    assert len(problems) == 16
    assert sum(1 for p in problems if p.get("性质") == "说明事项") == 4
    assert {p["方面"] for p in problems if p.get("性质") == "说明事项"} == {"五"}
    assert len(_records("原因剖析")) == 3
    assert len(_records("整改措施")) == 9


def test_every_feedback_quote_is_verbatim_from_the_seed():
    for post in _records("反馈问题"):
        assert post["反馈原文"] in SEED, post["编号"]


def test_problem_cause_and_measure_texts_are_verbatim():
    for label in ("查摆问题", "原因剖析"):
        for post in _records(label):
            assert post.content.strip() in SEED, post["编号"]
    for post in _records("整改措施"):
        text = post.content.strip().split("\n\n", 1)[1]
        assert text in SEED, post["编号"]


def test_split_feedback_items_of_the_broken_quote_runs():
    """Items 7, 8 and 12 of the seed's list each quote several feedback items."""
    by_problem = {p["编号"]: p.get("对应反馈", []) for p in _records("查摆问题")}
    assert len(by_problem["WT-007"]) == 3
    assert len(by_problem["WT-008"]) == 3
    assert len(by_problem["WT-012"]) == 2


def test_illustrative_values_cover_every_status_and_light():
    measures = _records("整改措施")
    statuses = {m["整改状态"] for m in measures}
    assert statuses == {"未启动", "正在整改", "基本完成（持续整改）", "已完成", "已销号"}
    today = dt.date(2023, 8, 10)
    open_deadlines = [m["整改时限"] for m in measures
                      if m["整改状态"] not in ("已完成", "已销号") and m["整改时限"] != "长期坚持"]
    days = [(d - today).days for d in open_deadlines]
    assert any(d < 0 for d in days), "no overdue measure"
    assert any(0 <= d <= 7 for d in days), "no due-soon measure"
