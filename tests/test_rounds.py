"""Starting a second round from the command line: carry-over of every unfinished
measure (承接自), repeat findings (--repeats → 前轮记录), and the rules that keep
each round's records to themselves. Real CLI on a copy of the sample ledger."""

from __future__ import annotations

import re

import pytest

from conftest import copy_project, run_cli, tree_hash

ROUND2 = ["--title", "十二届省委第一轮巡视", "--team", "省委第二巡视组", "--inspected", "中共XX市XX区委员会",
          "--feedback-date", "2024-05-20", "--deadline", "2024-07-20", "--area", "一=巩固深化上轮整改成果"]
UNFINISHED = {  # the sample's measures that are neither 已完成 nor 已销号, with type and status
    "CS-003": ("限期整改", "正在整改", "2023-07-31"), "CS-004": ("长期坚持", "基本完成（持续整改）", "长期坚持"),
    "CS-005": ("限期整改", "正在整改", "2023-12-31"), "CS-006": ("限期整改", "正在整改", "2023-08-15"),
    "CS-007": ("长期坚持", "正在整改", "长期坚持"), "CS-008": ("长期坚持", "基本完成（持续整改）", "长期坚持"),
    "CS-009": ("限期整改", "未启动", "2023-09-30"),
}


def ok(root, *args, **env):
    result = run_cli(*args, cwd=root, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def sample(tmp_path):
    return copy_project(tmp_path / "ledger")


def field(text: str, key: str) -> str:
    return re.search(rf"^{key}: (.*?)(  #.*)?$", text, re.M).group(1)


def test_dry_run_lists_every_unfinished_measure_and_writes_nothing(sample):
    before = tree_hash(sample)
    out = ok(sample, "new", "round", *ROUND2, "--carry-over", "--dry-run").stdout
    assert "将承接 LC-001（十一届省委第三轮巡视）未完成的整改措施 7 项" in out
    listed = re.findall(r"^  (CS-\d+)  (\S+)  (\S+)  (\S+)", out, re.M)
    assert {i: (t, s, d) for i, t, s, d in listed} == UNFINISHED
    assert "CS-001" not in out and "CS-002" not in out    # 已销号, 已完成
    assert tree_hash(sample) == before


def test_carry_over_that_cannot_write_every_measure_writes_nothing(sample):
    """A measure of round 1 that cannot be carried (a draft without 责任人): the round
    and the other measures are not written either, and the message names the original."""
    cs5 = sample / "records/measures/CS-005.md"
    cs5.write_text(re.sub(r"(?m)^责任人: .*$", "草稿: 是", cs5.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    before = tree_hash(sample)
    result = run_cli("new", "round", *ROUND2, "--carry-over", cwd=sample)
    assert result.returncode == 2 and result.stdout == "", result.stdout + result.stderr
    assert "CS-005（records/measures/CS-005.md）不能承接" in result.stderr and "责任人" in result.stderr
    assert tree_hash(sample) == before


def test_carry_over_takes_every_unfinished_measure_with_its_type_deadline_and_status(sample):
    before = tree_hash(sample)
    result = ok(sample, "new", "round", *ROUND2, "--carry-over")
    created = result.stdout.split()
    assert created[0] == "records/rounds/LC-002.md" and len(created) == 8
    assert "承接了 LC-001 未完成的整改措施 7 项" in result.stderr
    carried = {}
    for rel in created[1:]:
        text = (sample / rel).read_text(encoding="utf-8")
        original = re.search(r"^承接自:.*\n  - (CS-\d+)$", text, re.M).group(1)
        carried[original] = (field(text, "整改类型"), field(text, "整改状态"), field(text, "整改时限"))
        assert field(text, "轮次") == "LC-002"
        assert "\n整改问题:" not in text and "\n前轮记录:" not in text   # no link into round 1's figures
        assert f"承接 LC-001 未完成的整改措施 {original}" in text
    assert carried == UNFINISHED
    # nothing that existed was edited
    after = tree_hash(sample)
    assert {k: v for k, v in after.items() if k in before} == before
    check = run_cli("check", "--strict", cwd=sample)   # carried bodies are written; only the round's is a placeholder
    assert check.stdout.splitlines() == [line for line in check.stdout.splitlines()
                                         if line.startswith("records/rounds/LC-002.md") and "(body-placeholder)" in line]
    assert len(check.stdout.splitlines()) == 1


def test_carry_over_needs_a_round_and_repeats_only_findings(sample):
    before = tree_hash(sample)
    wrong = run_cli("new", "measure", "--title", "x", "--carry-over", cwd=sample)
    assert wrong.returncode == 2 and "--carry-over" in wrong.stderr
    wrong = run_cli("new", "measure", "--title", "x", "--repeats", "CS-001", cwd=sample)
    assert wrong.returncode == 2 and "--repeats" in wrong.stderr
    assert "--repeats" in run_cli("new", "problem", "--help", cwd=sample).stdout
    assert "--repeats" not in run_cli("new", "measure", "--help", cwd=sample).stdout
    assert tree_hash(sample) == before


def test_repeats_writes_the_earlier_record_and_must_point_back(sample):
    ok(sample, "new", "round", *ROUND2)
    before = tree_hash(sample)
    same_round = run_cli("new", "problem", "--title", "x", "--round", "LC-001", "--area", "一",
                         "--repeats", "WT-006", cwd=sample)
    assert same_round.returncode == 2
    assert "前轮记录：WT-006 属于轮次 LC-001，不比本轮 LC-001 更早" in same_round.stderr
    wrong_kind = run_cli("new", "problem", "--title", "x", "--area", "一", "--repeats", "FK-001", cwd=sample)
    assert wrong_kind.returncode == 2 and "FK-001 是反馈问题，应为查摆问题" in wrong_kind.stderr
    assert tree_hash(sample) == before
    fk = ok(sample, "new", "feedback", "--title", "干部监督仍不到位", "--area", "一", "--repeats", "FK-006").stdout.strip()
    wt = ok(sample, "new", "problem", "--title", "干部监督仍有差距", "--area", "一", "--feedback", "FK-018",
            "--repeats", "WT-006").stdout.strip()
    assert (fk, wt) == ("records/feedback/FK-018.md", "records/problems/WT-017.md")
    assert "前轮记录:" in (sample / fk).read_text(encoding="utf-8")
    text = (sample / wt).read_text(encoding="utf-8")
    assert re.search(r"^前轮记录:.*\n  - WT-006$", text, re.M) and field(text, "轮次") == "LC-002"
    result = run_cli("check", cwd=sample)
    assert result.returncode == 0, result.stdout


def test_checker_keeps_links_inside_a_round_and_history_in_the_past(sample):
    ok(sample, "new", "round", *ROUND2, "--carry-over")
    # a round-2 measure naming a round-1 problem would change round 1's figures
    measure = sample / "records/measures/CS-010.md"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("# 整改问题:", "整改问题:\n  - WT-005\n#", 1), encoding="utf-8")
    result = run_cli("check", cwd=sample)
    assert result.returncode == 1
    assert ("records/measures/CS-010.md:7: 错误：“整改问题”中的 WT-005 属于轮次 LC-001，而本记录属于轮次 LC-002 "
            "(link-other-round)") in result.stdout
    measure.write_text(text, encoding="utf-8")
    # progress in round 2 is not "in the future" when round 1 (统计日期 2023-08-10) is built
    round2 = sample / "records/rounds/LC-002.md"
    round2.write_text(round2.read_text(encoding="utf-8").replace("# 统计日期:", "统计日期: 2024-06-10\n#", 1)
                      .replace("（在此填写正文）", "第二轮。"), encoding="utf-8")
    measure.write_text(text.replace("# 整改进展:", "整改进展:\n  - 日期: 2024-06-01\n    内容: 召开推进会。\n#", 1),
                       encoding="utf-8")
    assert run_cli("check", "--strict", cwd=sample, TAIZHANG_ROUND="LC-001").returncode == 0
    assert run_cli("check", "--strict", cwd=sample).returncode == 0
    late = run_cli("check", cwd=sample, TAIZHANG_TODAY="2024-05-31")
    assert late.returncode == 1 and "(date-in-future)" in late.stdout
