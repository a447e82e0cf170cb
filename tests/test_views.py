"""The views layer's figures, each on a ledger built for its definition."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.link import build_ledger
from taizhang.model import (Evidence, FeedbackRecord, Link, MeasureRecord, ProblemRecord, RoundRecord)
from taizhang.vocabulary import load_vocabulary
from taizhang import views
from taizhang.views import Scope

VOCAB = load_vocabulary()
TODAY = dt.date(2023, 8, 10)


def rnd():
    return RoundRecord(kind="round", id="LC-001", title="第一轮", path="r", body="", body_line=1, lines={},
                       team="巡视组", inspected="单位", feedback_date=dt.date(2023, 6, 1),
                       deadline=dt.date(2023, 8, 15), phase="concentrated", areas=(("一", "甲方面"), ("二", "乙方面")))


def feedback(i, area="一"):
    return FeedbackRecord(kind="feedback", id=i, title=f"反馈{i}", path=i, body="", body_line=1, lines={},
                          round="LC-001", area=area, quote=f"原文{i}")


def problem(i, area="一", fb=(), declaration=False, publish=True):
    return ProblemRecord(kind="problem", id=i, title=f"问题{i}", path=i, body="", body_line=1, lines={},
                         round="LC-001", area=area, feedback=tuple(Link(f, 1) for f in fb),
                         nature="declaration" if declaration else None, publish=publish)


def measure(i, status, problems=(), deadline=dt.date(2023, 9, 30), unit=("甲单位",), leader=("甲领导",), evidence=0):
    return MeasureRecord(kind="measure", id=i, title=f"措施{i}", path=i, body="", body_line=1, lines={},
                         round="LC-001", problems=tuple(Link(p, 1) for p in problems), status=status,
                         deadline=deadline, unit=unit, leader=leader, owner=("某某",),
                         evidence=tuple(Evidence(f"材料{n}", None, 1) for n in range(evidence)))


def ledger(records, vocab=VOCAB):
    return build_ledger([rnd(), *records], vocab, TODAY)


def scope_figures(records, vocab=VOCAB):
    led = ledger(records, vocab)
    scope = Scope(led, led.records["LC-001"])
    return led, scope, views.figures(led, scope)


# One ledger shaped for the three rates:
#   WT-001 ← CS-001 已完成, CS-002 已销号          → 已完成 (closed)
#   WT-002 ← CS-003 正在整改, CS-004 已完成        → 正在整改
#   WT-003 (no measure)                             → none
#   WT-004 说明事项                                 → not a problem
#   CS-005 未启动, CS-006 基本完成 address WT-002
#   FK-001 ← WT-001                                 → closed
#   FK-002 ← WT-001, WT-003                         → not closed (WT-003 counts as not started)
#   FK-003 (nobody answers)                         → none
#   FK-004 ← WT-004 (a declaration only)            → none
RATES = [
    feedback("FK-001"), feedback("FK-002"), feedback("FK-003"), feedback("FK-004"),
    problem("WT-001", fb=["FK-001", "FK-002"]), problem("WT-002"), problem("WT-003", fb=["FK-002"]),
    problem("WT-004", fb=["FK-004"], declaration=True),
    measure("CS-001", "done", ["WT-001"]), measure("CS-002", "signed_off", ["WT-001"]),
    measure("CS-003", "in_progress", ["WT-002"]), measure("CS-004", "done", ["WT-002"]),
    measure("CS-005", "not_started", ["WT-002"]), measure("CS-006", "basically_done", ["WT-002"]),
]


def test_measure_rate_is_closed_measures_over_measures():
    _, _, fig = scope_figures(RATES)
    rate = fig.rate("measures")
    assert (rate.done, rate.total, rate.text) == (3, 6, "50.0%")
    assert rate.label == "措施完成率"
    assert rate.definition == "状态为已完成或已销号的整改措施数 ÷ 整改措施总数"


def test_problem_rate_counts_problems_whose_derived_status_is_closed_without_declarations():
    led, _, fig = scope_figures(RATES)
    assert (led.problem_status["WT-001"], led.problem_status["WT-002"], led.problem_status["WT-003"]) == (
        "done", "in_progress", None)
    rate = fig.rate("problems")
    assert (rate.done, rate.total) == (1, 3)          # WT-001 of WT-001..003; WT-004 is a declaration
    assert "不含说明事项" in rate.definition


def test_feedback_status_derives_from_its_problems_like_a_problem_from_its_measures():
    led, _, fig = scope_figures(RATES)
    assert led.feedback_status["FK-001"] == "done"
    assert led.feedback_status["FK-002"] == "in_progress"     # WT-003 has no measure: not started
    assert led.feedback_status["FK-003"] is None
    assert led.feedback_status["FK-004"] is None                # a declaration answers nothing
    rate = fig.rate("feedback")
    assert (rate.done, rate.total) == (1, 4)
    assert rate.definition.startswith("整改状态（按其查摆问题的整改措施计算）")


def test_status_counts_follow_vocabulary_order_and_in_progress_never_includes_not_started():
    _, _, fig = scope_figures(RATES)
    assert [s.label for s in fig.statuses] == ["未启动", "正在整改", "基本完成（持续整改）", "已完成", "已销号"]
    assert [s.count for s in fig.statuses] == [1, 1, 1, 2, 1]
    assert fig.not_started == 1
    assert fig.in_progress == 2          # 正在整改 + 基本完成, not 未启动
    assert fig.closed == 3 and fig.signed_off == 1
    assert fig.not_started + fig.in_progress + fig.closed == fig.measures


def test_problem_count_text_names_declarations_apart():
    _, _, fig = scope_figures(RATES)
    assert (fig.problems, fig.declarations) == (3, 1)
    assert fig.problem_count_text == "3 个问题 + 1 项说明事项"
    _, _, plain = scope_figures([problem("WT-001")])
    assert plain.problem_count_text == "1 个问题"


@pytest.mark.parametrize("done, total, level", [
    (0, 0, "none"), (0, 9, "low"), (2, 9, "low"), (3, 9, "medium"), (6, 9, "high"), (9, 9, "complete"),
])
def test_rate_level_follows_the_share_not_a_fixed_colour(done, total, level):
    records = [problem("WT-001")] + [measure(f"CS-{i:03d}", "done" if i < done else "in_progress", ["WT-001"])
                                     for i in range(total)]
    _, _, fig = scope_figures(records)
    assert fig.rate("measures").level == level


def test_a_measure_touching_two_areas_counts_once_in_each_and_the_note_says_so():
    records = [problem("WT-001", area="一"), problem("WT-002", area="二"),
               measure("CS-001", "in_progress", ["WT-001", "WT-002"], deadline=dt.date(2023, 8, 1)),
               measure("CS-002", "done", ["WT-001"])]
    _, _, fig = scope_figures(records)
    assert [(a.label, a.problems, a.measures, a.closed, a.overdue) for a in fig.areas] == [
        ("（一）甲方面", 1, 2, 1, 1), ("（二）乙方面", 1, 1, 0, 1)]
    assert sum(a.measures for a in fig.areas) == 3 > fig.measures == 2
    assert "每个方面各计一次" in fig.area_note
    assert fig.overdue == 1


def test_lights_are_counted_by_severity():
    records = [problem("WT-001"),
               measure("CS-001", "in_progress", ["WT-001"], deadline=dt.date(2023, 8, 1)),
               measure("CS-002", "in_progress", ["WT-001"], deadline=dt.date(2023, 8, 12)),
               measure("CS-003", "in_progress", ["WT-001"]),
               measure("CS-004", "signed_off", ["WT-001"], deadline=dt.date(2023, 1, 1))]
    _, _, fig = scope_figures(records)
    assert [(c.label, c.count) for c in fig.lights] == [("逾期", 1), ("临期", 1), ("正常", 1), ("已完成", 1)]


def test_is_closed_is_one_definition_for_measures_problems_and_feedback():
    led, scope, _ = scope_figures(RATES)
    for m in scope.measures:
        assert views.is_closed(led, m) == (led.lights[m.id] == "done") == (m.status in ("done", "signed_off"))
    assert [p.id for p in scope.problems if views.is_closed(led, p)] == ["WT-001"]
    assert [f.id for f in scope.feedback if views.is_closed(led, f)] == ["FK-001"]


@pytest.mark.parametrize("days, text", [(-3, "逾期 3 天"), (0, "今天到期"), (5, "剩 5 天")])
def test_days_left_has_one_wording(days, text):
    assert views.days_text(VOCAB, days) == text


def test_task_rows_carry_the_note_only_for_open_dated_measures():
    records = [problem("WT-001"),
               measure("CS-001", "in_progress", ["WT-001"], deadline=dt.date(2023, 8, 7)),
               measure("CS-002", "done", ["WT-001"], deadline=dt.date(2023, 8, 7)),
               MeasureRecord(kind="measure", id="CS-003", title="长期", path="x", body="", body_line=1, lines={},
                             round="LC-001", problems=(Link("WT-001", 1),), status="in_progress", long_term=True,
                             measure_type="long_term")]
    led, scope, _ = scope_figures(records)
    rows = views.task_rows(led, scope.measures)
    assert [(r.number, r.measure.id, r.note, r.deadline_text, r.light) for r in rows] == [
        (1, "CS-001", "逾期 3 天", "2023-08-07", "red"),
        (2, "CS-002", "", "2023-08-07", "done"),
        (3, "CS-003", "", "长期坚持", "green")]
    assert rows[2].measure_type_label == "长期坚持"
    assert rows[0].areas == ("（一）甲方面",)


def test_problem_rows_give_feedback_text_units_and_earliest_open_deadline():
    records = [feedback("FK-001"), problem("WT-001", fb=["FK-001"]), problem("WT-002"),
               measure("CS-001", "in_progress", ["WT-001"], deadline=dt.date(2023, 9, 1), unit=("乙单位", "甲单位")),
               measure("CS-002", "done", ["WT-001"], deadline=dt.date(2023, 7, 1)),
               measure("CS-003", "in_progress", ["WT-001"], deadline=dt.date(2023, 8, 20))]
    led, scope, _ = scope_figures(records)
    first, second = views.problem_rows(led, scope.problems)
    assert first.feedback_quotes == ("原文FK-001",)
    assert first.units == ("乙单位", "甲单位")
    assert first.earliest_open_deadline == dt.date(2023, 8, 20)    # CS-002 is done: not counted
    assert first.status_label == "正在整改"
    assert second.status_label == "尚无整改措施" and second.measures == ()


def test_feedback_rows_say_whether_the_item_can_be_signed_off():
    records = [feedback("FK-001"), feedback("FK-002"), feedback("FK-003"),
               problem("WT-001", fb=["FK-001"]), problem("WT-002", fb=["FK-002"]),
               measure("CS-001", "signed_off", ["WT-001"], evidence=2),
               measure("CS-002", "signed_off", ["WT-002"], evidence=1), measure("CS-003", "done", ["WT-002"])]
    led, scope, _ = scope_figures(records)
    rows = views.feedback_rows(led, scope.feedback)
    assert [(r.feedback.id, r.closeable, r.closed, r.evidence, r.gap) for r in rows] == [
        ("FK-001", True, True, 2, False), ("FK-002", False, True, 1, False), ("FK-003", False, False, 0, True)]
    assert rows[2].status_label == "尚无查摆问题回应"


def test_responsibility_groups_list_a_measure_under_each_unit_and_name_the_missing():
    records = [problem("WT-001"),
               measure("CS-001", "done", ["WT-001"], unit=("甲单位", "乙单位")),
               measure("CS-002", "in_progress", ["WT-001"], unit=(), deadline=dt.date(2023, 8, 1))]
    led, scope, _ = scope_figures(records)
    groups = views.responsibility_groups(led, scope.measures, "unit")
    assert [(g.name, g.count, g.closed, g.overdue) for g in groups] == [
        ("乙单位", 1, 1, 0), ("甲单位", 1, 1, 0), ("（未填写）", 1, 0, 1)]


def test_a_measures_row_made_once_in_a_scope_is_the_row_made_for_each_list():
    """views.task_rows makes each measure's row once per Scope (TASK_ROWS_ONCE) and numbers
    it per list: the 任务清单 and every 责任清单 group equal the rows made list by list."""
    records = [problem("WT-001"), problem("WT-002"),
               measure("CS-001", "done", ["WT-001"], unit=("甲单位", "乙单位"), leader=("乙领导",)),
               measure("CS-002", "in_progress", ["WT-001", "WT-002"], unit=(), deadline=dt.date(2023, 8, 1)),
               measure("CS-003", "not_started", ["WT-002"], unit=("乙单位", "丙单位"), evidence=2)]
    led, scope, _ = scope_figures(records)
    once = [views.task_rows(led, scope.measures, scope), views.task_rows(led, scope.measures[::-1], scope)]
    once += [g for field in ("leader", "unit") for g in views.responsibility_groups(led, scope.measures, field, scope)]
    plain = [views.task_rows(led, scope.measures), views.task_rows(led, scope.measures[::-1])]
    plain += [g for field in ("leader", "unit") for g in views.responsibility_groups(led, scope.measures, field)]
    assert once == plain
    assert [t.number for t in once[1]] == [1, 2, 3] and once[1][0].measure.id == "CS-003"
    assert once[0][2] is scope.made("task rows")["CS-003"]         # made once: the list reuses it


def test_round_facts_use_field_keys_and_the_days_wording():
    led, scope, _ = scope_figures([])
    facts = {f.name: (f.label, f.text) for f in views.round_facts(led, scope.round).facts}
    assert facts["deadline"] == ("集中整改期限", "2023-08-15（剩 5 天）")
    assert facts["as_of"] == ("统计日期", "2023-08-10")
    assert facts["phase"] == ("整改阶段", "集中整改")


def test_published_scope_leaves_out_unpublished_problems_and_their_measures():
    records = [problem("WT-001"), problem("WT-002", publish=False),
               measure("CS-001", "done", ["WT-001"]), measure("CS-002", "done", ["WT-002"])]
    led, scope, _ = scope_figures(records)
    published = scope.published()
    assert [p.id for p in published.problems] == ["WT-001"]
    assert [m.id for m in published.measures] == ["CS-001"]


def test_renamed_vocabulary_reaches_every_figure(tmp_path):
    (tmp_path / "taizhang.yml").write_text(
        "statuses:\n  in_progress: {label: 正在推进}\n"
        "kinds:\n  measure: {label: 整改任务}\n"
        "phrases:\n  rate_measures: 任务完成率\n  overdue_days: 超期 {days} 天\n", encoding="utf-8")
    vocab = load_vocabulary(tmp_path)
    _, _, fig = scope_figures(RATES, vocab)
    assert fig.statuses[1].label == "正在推进"
    assert fig.rate("measures").label == "任务完成率"
    assert fig.rate("measures").definition == "状态为已完成或已销号的整改任务数 ÷ 整改任务总数"
    assert views.days_text(vocab, -2) == "超期 2 天"


def _imports(folder: str) -> dict[str, set[str]]:
    import ast
    from pathlib import Path

    import taizhang
    found = {}
    for path in (Path(taizhang.__file__).parent / folder).glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        found[path.name] = names
    return found


def test_render_and_export_never_import_each_other_and_views_imports_neither():
    for module, names in _imports("render").items():
        assert not any(n.startswith("taizhang.export") for n in names), module
    for module, names in _imports("export").items():
        assert not any(n.startswith("taizhang.render") for n in names), module
    for module, names in _imports("views").items():
        assert not any(n.startswith(("taizhang.render", "taizhang.export", "mkdocs")) for n in names), module


def test_downloads_are_listed_once_and_the_dashboard_links_each(tmp_path):
    from taizhang.render.dashboard import render_dashboard
    from taizhang.render.html import Page
    led, scope, _ = scope_figures(RATES)
    text = render_dashboard(Page("index.md", led, True), scope)
    for d in views.DOWNLOADS:
        assert f'href="{d.uri}" download="{d.name_in(led.vocab)}"' in text
    assert len({d.uri for d in views.DOWNLOADS}) == len({d.format for d in views.DOWNLOADS}) == len(views.DOWNLOADS)


# -- the one computation: states, counts, both rates (views.completion) -------

from types import MappingProxyType  # noqa: E402

from taizhang.model import Progress  # noqa: E402


def long_term(i, problems, last_progress=None, status="in_progress", round_="LC-001"):
    progress = (Progress(last_progress, "进展", 1),) if last_progress else ()
    return MeasureRecord(kind="measure", id=i, title=f"措施{i}", path=i, body="", body_line=1, lines={},
                         round=round_, problems=tuple(Link(p, 1) for p in problems), status=status,
                         long_term=True, measure_type="long_term", progress=progress, unit=("甲单位",))


def with_extra(record, **extra):
    from dataclasses import replace
    return replace(record, extra=MappingProxyType(extra))


# WT-001 ← CS-001 已完成 (立行立改) + CS-002 长期坚持, progress 30 days ago  → 基本完成
# WT-002 ← CS-003 已完成 + CS-004 长期坚持, progress 100 days ago (> 90)     → 正在整改
# WT-003 ← CS-005 已销号                                                      → 已销号 (done)
# WT-004 ← CS-006 未启动                                                      → 未启动
# WT-005 (no measure)                                                         → 未启动 in the counts
# FK-001 ← WT-001 → 基本完成; FK-002 ← WT-002, WT-003 → 正在整改; FK-003 ← WT-003 → 已完成
# FK-004 非整改任务 (its problem WT-004 still counts as a problem)
COMPLETION = [
    feedback("FK-001"), feedback("FK-002"), feedback("FK-003"),
    with_extra(feedback("FK-004"), not_task="问题线索已按规定移交有关方面处理"),
    problem("WT-001", fb=["FK-001"]), problem("WT-002", fb=["FK-002"]), problem("WT-003", fb=["FK-002", "FK-003"]),
    problem("WT-004", fb=["FK-004"]), problem("WT-005"),
    measure("CS-001", "done", ["WT-001"]), long_term("CS-002", ["WT-001"], TODAY - dt.timedelta(days=30)),
    measure("CS-003", "done", ["WT-002"]), long_term("CS-004", ["WT-002"], TODAY - dt.timedelta(days=100)),
    measure("CS-005", "signed_off", ["WT-003"]), measure("CS-006", "not_started", ["WT-004"]),
]


def test_completion_counts_each_kind_in_the_reports_four_states_with_both_rates():
    led, scope, fig = scope_figures(COMPLETION)
    done = views.completion(led, scope)
    p = done.problems
    assert (p.done, p.signed_off, p.basically_done, p.in_progress, p.not_started, p.total) == (1, 1, 1, 1, 2, 5)
    assert p.text == "已完成 1 项、基本完成 1 项、正在整改 1 项、未启动 2 项，共 5 项"
    assert (p.rate.done, p.rate.total, p.rate.text) == (1, 5, "20.0%")
    assert (p.basic_rate.done, p.basic_rate.total, p.basic_rate.text) == (2, 5, "40.0%")
    assert p.basic_rate.label == "问题完成及基本完成率"
    f = done.feedback
    assert (f.done, f.basically_done, f.in_progress, f.not_started, f.total) == (1, 1, 1, 0, 3)
    assert [(x.feedback.id, x.reason) for x in f.excluded] == [("FK-004", "问题线索已按规定移交有关方面处理")]
    m = done.measures
    # CS-002 (fresh long-term) is 基本完成; CS-004 (stale) is 正在整改
    assert (m.done, m.basically_done, m.in_progress, m.not_started, m.total) == (3, 1, 1, 1, 6)
    assert fig.rates == (m.rate, p.rate, f.rate)          # the dashboard's rates are these
    assert fig.basic_rates == (m.basic_rate, p.basic_rate, f.basic_rate)


def test_a_long_term_measure_is_basically_done_only_within_n_days_and_n_comes_from_taizhang_yml(tmp_path):
    led, _, _ = scope_figures(COMPLETION)
    assert (led.state_of(led.records["WT-001"]), led.state_of(led.records["WT-002"])) == ("basically_done", "in_progress")
    (tmp_path / "taizhang.yml").write_text("long_term_stale_days: 20\n", encoding="utf-8")
    led, _, _ = scope_figures(COMPLETION, load_vocabulary(tmp_path))
    assert led.state_of(led.records["WT-001"]) == "in_progress"        # 30 days > 20
    assert led.state_of(led.records["CS-002"]) == "in_progress"


def test_stale_long_term_progress_turns_the_light_yellow_after_n_days_and_red_after_2n():
    records = [problem("WT-001"), long_term("CS-001", ["WT-001"], TODAY - dt.timedelta(days=90)),
               long_term("CS-002", ["WT-001"], TODAY - dt.timedelta(days=91)),
               long_term("CS-003", ["WT-001"], TODAY - dt.timedelta(days=181)),
               long_term("CS-004", ["WT-001"], None)]          # none: counted from the round's feedback date (70 days)
    led, _, _ = scope_figures(records)
    assert [led.lights[i] for i in ("CS-001", "CS-002", "CS-003", "CS-004")] == ["green", "yellow", "red", "green"]
    assert led.stale_days["CS-004"] == (TODAY - dt.date(2023, 6, 1)).days


def test_not_a_task_feedback_leaves_the_denominator_and_says_so():
    led, scope, fig = scope_figures(COMPLETION)
    fk4 = led.records["FK-004"]
    assert views.state_of(led, fk4) is None
    assert views.state_label(led, fk4) == "非整改任务（不计入）"
    assert fig.rate("feedback").total == 3 and fig.feedback == 4


def test_empty_denominators_show_a_dash_not_zero_percent():
    led, scope, fig = scope_figures([])
    done = views.completion(led, scope)
    assert [r.text for r in fig.rates + fig.basic_rates] == ["—"] * 6
    assert done.problems.text == "已完成 0 项、基本完成 0 项、正在整改 0 项、未启动 0 项，共 0 项"
    # the dashboard's 整改完成情况 table and its sheet say — too
    import io

    import openpyxl

    from taizhang.export.xlsx import build_workbook
    from taizhang.render.dashboard import render_dashboard
    from taizhang.render.html import Page
    page = render_dashboard(Page("index.md", led, True), scope)
    assert page.count('<span class="tz-num--none">—</span><small>（0/0）</small>') == 6
    summary = openpyxl.load_workbook(io.BytesIO(build_workbook(led, scope)))["整改完成情况"]
    assert [[c.value for c in row][7:9] for row in summary.iter_rows(min_row=4)] == [["—", "—"]] * 3


def test_late_completion_is_counted_against_the_deadline_in_force():
    late = measure("CS-001", "done", ["WT-001"], deadline=dt.date(2023, 7, 1))
    late = with_extra(late.__class__(**{**{f: getattr(late, f) for f in late.__dataclass_fields__},
                                        "completed_on": dt.date(2023, 7, 11)}))
    adjusted = with_extra(late, adjusted_deadline=dt.date(2023, 7, 20), adjust_reason="经批准")
    on_time = measure("CS-002", "done", ["WT-001"], deadline=dt.date(2023, 8, 1))
    led, scope, _ = scope_figures([problem("WT-001"), late, on_time])
    assert views.late_days(led, led.records["CS-001"]) == 10
    assert views.late_text(led, led.records["CS-001"]) == "逾期 10 天完成"
    assert views.late_days(led, led.records["CS-002"]) is None
    assert views.completion(led, scope).measures.late == 1
    led, _, _ = scope_figures([problem("WT-001"), adjusted])
    assert views.late_days(led, led.records["CS-001"]) is None      # within the adjusted deadline


def test_an_adjusted_deadline_drives_the_light_and_days_left():
    m = with_extra(measure("CS-001", "in_progress", ["WT-001"], deadline=dt.date(2023, 8, 1)),
                   adjusted_deadline=dt.date(2023, 9, 30), adjust_reason="经领导小组批准延期")
    led, _, _ = scope_figures([problem("WT-001"), m])
    assert led.lights["CS-001"] == "green"
    assert led.days_left(led.records["CS-001"]) == 51


def test_a_stale_long_term_measure_says_so_beside_its_light():
    records = [problem("WT-001"), long_term("CS-001", ["WT-001"], TODAY - dt.timedelta(days=120)),
               long_term("CS-002", ["WT-001"], TODAY - dt.timedelta(days=200))]
    led, _, _ = scope_figures(records)
    assert views.light_text(led, led.records["CS-001"]) == "持续整改滞后（120 天无整改进展）"
    assert views.measure_note(led, led.records["CS-002"]) == "持续整改滞后（200 天无整改进展）"
    assert [r.note for r in views.task_rows(led, [led.records["CS-002"]])] == ["持续整改滞后（200 天无整改进展）"]


def _round_two():
    from dataclasses import replace
    return replace(rnd(), id="LC-002", title="第二轮", path="r2", feedback_date=dt.date(2024, 1, 10))


@pytest.mark.parametrize("status, state", [("in_progress", "in_progress"), ("done", "done")])
def test_carried_work_counts_against_the_items_it_answers_in_the_new_round(status, state):
    """WT-001 and FK-001 (round 1) are answered by CS-001, carried into round 2 as CS-101: round 2
    counts them, in the state CS-101 gives them; round 1's own figures stay as they were."""
    from dataclasses import replace
    carried = replace(measure("CS-101", status, (), deadline=dt.date(2023, 7, 1)), round="LC-002",
                      carried_from=(Link("CS-001", 1),), completed_on=dt.date(2023, 8, 1) if status == "done" else None)
    records = [_round_two(), feedback("FK-001"), problem("WT-001", fb=["FK-001"]),
               measure("CS-001", "in_progress", ["WT-001"]), carried]
    led = build_ledger([rnd(), *records], VOCAB, TODAY)
    two = views.completion(led, Scope(led, led.records["LC-002"]))
    assert (two.problems.total, two.feedback.total) == (1, 1)
    assert views.carried_state(led, led.records["WT-001"]) == state
    assert (two.problems.done, two.feedback.done) == ((1, 1) if state == "done" else (0, 0))
    one = views.completion(led, Scope(led, led.records["LC-001"]))
    assert (one.problems.done, one.problems.in_progress) == (0, 1)          # the archived round's own figures


def test_the_dashboard_says_how_many_carried_items_its_rates_count():
    from dataclasses import replace

    from taizhang.render.dashboard import render_dashboard
    from taizhang.render.html import Page
    carried = replace(measure("CS-101", "in_progress", ()), round="LC-002", carried_from=(Link("CS-001", 1),))
    led = build_ledger([rnd(), _round_two(), feedback("FK-001"), problem("WT-001", fb=["FK-001"]),
                        measure("CS-001", "in_progress", ["WT-001"]), carried], VOCAB, TODAY, "LC-002")
    text = render_dashboard(Page("index.md", led, True), Scope(led, led.records["LC-002"]))
    assert 'data-carried-problems="1"' in text and 'data-carried-feedback="1"' in text
    assert "（0/1）" in text        # the carried problem is in the round's denominator


def _round_three():
    from dataclasses import replace
    return replace(rnd(), id="LC-003", title="第三轮", path="r3", feedback_date=dt.date(2024, 6, 1))


def test_a_later_round_does_not_change_what_an_earlier_one_counts_for_carried_work():
    """CS-001 (round 1) → CS-101 (round 2, open) → CS-201 (round 3, done): round 2 still counts
    WT-001 open (its CS-101 is), round 3 counts it done; round 1 keeps its own figures."""
    from dataclasses import replace
    two = replace(measure("CS-101", "in_progress", ()), round="LC-002", carried_from=(Link("CS-001", 1),))
    three = replace(measure("CS-201", "done", ()), round="LC-003", carried_from=(Link("CS-101", 1),),
                    completed_on=dt.date(2023, 8, 1), evidence=(Evidence("材料", None, 1),))
    led = build_ledger([rnd(), _round_two(), _round_three(), feedback("FK-001"), problem("WT-001", fb=["FK-001"]),
                        measure("CS-001", "in_progress", ["WT-001"]), two, three], VOCAB, TODAY)
    counted = {r: views.completion(led, Scope(led, led.records[r])) for r in ("LC-001", "LC-002", "LC-003")}
    assert [(c.problems.done, c.problems.total) for c in counted.values()] == [(0, 1), (0, 1), (1, 1)]
    assert [(c.feedback.done, c.feedback.total) for c in counted.values()] == [(0, 1), (0, 1), (1, 1)]


def _carried_round():
    """Round 2 of a ledger whose only work is CS-101, carried from CS-001 (FK-001 ← WT-001),
    and CS-102, long-term, written 基本完成 but without progress for 200 days."""
    from dataclasses import replace
    carried = replace(measure("CS-101", "in_progress", ()), round="LC-002", carried_from=(Link("CS-001", 1),))
    stale = replace(measure("CS-102", "basically_done", (), deadline=None), round="LC-002", long_term=True,
                    measure_type="long_term")
    from taizhang.model import Progress
    original = replace(measure("CS-001", "in_progress", ["WT-001"]), progress=(Progress(dt.date(2023, 7, 1), "开始整改。", 1),))
    led = build_ledger([rnd(), _round_two(), feedback("FK-001"), problem("WT-001", fb=["FK-001"]),
                        original, carried, stale],
                       VOCAB, dt.date(2024, 7, 28), "LC-002")
    return led, Scope(led, led.records["LC-002"])


def test_carried_items_are_listed_wherever_the_rates_count_them():
    """问题清单 (page and sheet), the ledger sheet, the task list and the report list the
    earlier round's WT-001 and FK-001 the rates count (1 of 1 each): never a gap row."""
    import io

    import openpyxl

    from taizhang.export.rows import ledger_blocks
    from taizhang.export.xlsx import build_workbook
    from taizhang.render.html import Page
    from taizhang.render.lists import render_problem_list
    from taizhang.views.report import build_report
    led, scope = _carried_round()
    done = views.completion(led, scope)
    assert (done.problems.total, done.feedback.total) == (1, 1) and not scope.problems and not scope.feedback
    areas = views.figures(led, scope).areas       # 分方面进展: the carried problem's area, with that round's name
    assert [(a.label, a.problems, a.measures, a.overdue) for a in areas] == [("承接前轮（第一轮）（一）甲方面", 1, 1, 1)]
    page = render_problem_list(Page("lists/problems/index.md", led, True), scope)
    assert "另计入承接的前轮查摆问题 1 个" in page and "## 承接前轮的查摆问题" in page
    assert page.count('data-label="编号" class="tz-id"><a href="../../problems/WT-001/"') == 1
    assert 'data-label="整改措施"><a href="../../measures/CS-101/"' in page      # the measure doing it now
    tasks = views.task_rows(led, scope.measures)
    assert [tuple(p.id for p in r.problems) for r in tasks] == [("WT-001",), ()]
    assert [r.latest_progress for r in tasks] == ["承接前（LC-001 CS-001）：2023-07-01 开始整改。", ""]
    blocks = ledger_blocks(led, scope)
    assert [b.name for b in blocks] == ["承接前轮（第一轮）一、甲方面", "未关联查摆问题的整改措施"]
    first = blocks[0].rows[0]
    assert (first.feedback.id, first.problem.id, first.measure.id) == ("FK-001", "WT-001", "CS-101")
    assert first.cells["number"] == 1 and "（整改状态：正在整改）" in first.cells["problem"]
    assert [r.measure.id for r in blocks[1].rows] == ["CS-102"]       # only the measure that answers nothing
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(led, scope)))
    summary = wb["整改完成情况"]          # the dashboard's figures; a rate is a number shown as a percentage
    assert [c.value for c in summary[6]] == ["整改措施", 0, 0, 0, 2, 0, 2, 0, 0, 0]
    assert summary["H6"].number_format == "0.0%" and summary["I6"].number_format == "0.0%"
    assert [c.value for c in summary[4]][:7] == ["反馈问题", 0, 0, 0, 1, 0, 1]
    sheet = [[c for c in row if c not in (None, "")] for row in wb["问题清单"].iter_rows(min_row=4, values_only=True)]
    assert sheet[0] == ["承接前轮的查摆问题"] and sheet[1][:3] == [1, "反馈FK-001", "WT-001"]
    report = build_report(led, scope)
    feedback_section = next(s for s in report.sections if s.heading.startswith("二"))
    texts = [b.text for b in feedback_section.blocks]
    assert texts[:2] == ["（一）第一轮承接到本轮的反馈问题", "本轮承接的整改措施原来回应的反馈问题共 1 条，计入本轮统计，已完成 0 条。"]
    assert texts[2].startswith("1. 关于“原文FK-001”的问题。一是措施CS-101，正在整改。")


def test_every_output_shows_the_state_a_stale_long_term_measure_counts_in():
    """CS-102 is written 基本完成（持续整改） but has had no progress for 200 days: it counts
    as 正在整改, and the ledger sheet, task list and report say so too."""
    from taizhang.export.rows import measure_cells
    from taizhang.views.report import build_report
    led, scope = _carried_round()
    stale = led.records["CS-102"]
    assert views.state_of(led, stale) == "in_progress"
    assert measure_cells(led, stale)["completion"].splitlines()[0] == "正在整改"
    assert views.task_rows(led, [stale])[0].status_label == "正在整改"
    issues = next(s for s in build_report(led, scope).sections if s.heading.startswith("三"))
    assert any("措施CS-102" in b.text for b in issues.blocks)


def test_carried_items_show_on_the_trace_the_reconciliation_and_their_own_pages():
    """The 对照表 and 对账 list the carried FK-001 (its measure now CS-101, in the state counted);
    WT-001's and FK-001's pages say the state round 2 counts and which measures give it."""
    from taizhang.render.closing import render_reconciliation
    from taizhang.render.html import Page
    from taizhang.render.record import render_record
    from taizhang.render.trace import render_trace
    led, scope = _carried_round()
    trace = render_trace(Page("trace/index.md", led, True), scope)
    assert "## 承接前轮的反馈问题" in trace and '<a href="../measures/CS-101/">CS-101 措施CS-101</a>' in trace
    reconcile = render_reconciliation(Page("reconciliation/index.md", led, True), scope)
    assert "共 1 条" in reconcile and 'data-count="carried">1<' in reconcile
    assert 'title="措施CS-101">CS-101</a> <span class="tz-status tz-status--in_progress">' in reconcile
    for record_id in ("WT-001", "FK-001"):
        page = render_record(Page(f"problems/{record_id}.md", led, True), led.records[record_id], [])
        assert "<th>第二轮计入的整改状态</th>" in page and "（按承接它的整改措施 " in page and "CS-101</a> 计算）" in page


def test_the_report_names_both_deadlines_when_the_days_count_from_the_adjusted_one():
    """逾期 10 天 counted from 调整后时限 2023-07-31: the sentence gives the original deadline and the adjusted one."""
    from taizhang.views.report import build_report
    m = with_extra(measure("CS-001", "in_progress", ["WT-001"], deadline=dt.date(2023, 6, 30)),
                   adjusted_deadline=dt.date(2023, 7, 31), adjust_reason="经领导小组批准延期")
    led, scope, _ = scope_figures([problem("WT-001"), m])
    issues = next(s for s in build_report(led, scope).sections if s.heading.startswith("三"))
    assert any("整改时限2023年6月30日（调整后时限 2023年7月31日），已逾期 10 天" in b.text for b in issues.blocks)


def test_the_report_says_overdue_for_deadlines_and_stale_for_long_term_work():
    """Both CS-101 (past its deadline) and CS-102 (长期坚持, 200 days without progress) are red;
    the report counts one 逾期 and says the other is long-term work gone stale, not overdue."""
    from taizhang.views.report import build_report
    led, scope = _carried_round()
    assert views.figures(led, scope).overdue == 2
    overall = next(s for s in build_report(led, scope).sections if s.heading.startswith("一"))
    line = next(b.text for b in overall.blocks if b.text.startswith("整改措施中"))
    assert line == ("整改措施中，逾期 1 项，临期（整改时限前 7 天内）0 项。"
                    "另有长期坚持的整改措施 1 项超过 90 天没有整改进展（持续整改滞后）。")


def test_the_carried_list_marks_a_feedback_item_that_is_not_a_task():
    """承接事项 lists every feedback item the original answered; FK-002 (非整改任务) says it is not
    counted, on the page and in the sheet, so the column adds up to the 1 feedback item counted."""
    from dataclasses import replace

    from taizhang.render.columns import cell
    from taizhang.render.html import Page
    from taizhang.views.columns import plain
    clue = with_extra(feedback("FK-002"), not_task="问题线索已移交")
    carried = replace(measure("CS-101", "in_progress", ()), round="LC-002", carried_from=(Link("CS-001", 1),))
    led = build_ledger([rnd(), _round_two(), feedback("FK-001"), clue, problem("WT-001", fb=["FK-001", "FK-002"]),
                        measure("CS-001", "in_progress", ["WT-001"]), carried], VOCAB, TODAY, "LC-002")
    scope = Scope(led, led.records["LC-002"])
    assert views.completion(led, scope).feedback.total == 1
    row = views.carried_rows(led, scope.carried_in)[0]
    column = next(c for c in VOCAB.columns("carried", "sheet") if c.name == "feedback")
    assert plain(VOCAB, column, row) == "FK-001 反馈FK-001\nFK-002 反馈FK-002 非整改任务（不计入）"
    html = cell(Page("carried/index.md", led, True), column, row)
    assert html.count("非整改任务（不计入）") == 1 and html.index("FK-002") < html.index("非整改任务")


def test_a_red_that_missed_no_date_is_said_as_stale_not_overdue():
    """A problem whose only red measure is a 长期坚持 one without recent progress
    reads 持续整改滞后, not 逾期, in the 问题清单 and on its page; one with a missed
    deadline still reads 逾期; the dashboard's red count says how many are stale."""
    from dataclasses import replace

    from taizhang.render.dashboard import render_dashboard
    from taizhang.render.html import Page
    from taizhang.render.lists import render_problem_list
    from taizhang.render.record import render_record
    stale = replace(measure("CS-102", "in_progress", ["WT-002"], deadline=None), round="LC-002", long_term=True,
                    measure_type="long_term")
    late = replace(measure("CS-103", "in_progress", ["WT-003"], deadline=dt.date(2024, 6, 30)), round="LC-002")
    led = build_ledger([rnd(), _round_two(), feedback("FK-002"), replace(problem("WT-002", fb=["FK-002"]), round="LC-002"),
                        replace(problem("WT-003", fb=["FK-002"]), round="LC-002"), stale, late],
                       VOCAB, dt.date(2024, 7, 28), "LC-002")
    scope = Scope(led, led.records["LC-002"])
    assert led.lights["CS-102"] == led.lights["CS-103"] == "red"
    rows = {r.problem.id: r for r in views.problem_rows(led, scope.problems)}
    assert (rows["WT-002"].light_label, rows["WT-003"].light_label) == ("持续整改滞后", "逾期")
    page = render_problem_list(Page("lists/problems/index.md", led, True), scope)
    assert '<span class="tz-light tz-light--red" title="持续整改滞后">持续整改滞后</span>' in page
    assert '<span class="tz-light tz-light--red" title="逾期">逾期</span>' in page
    record = render_record(Page("problems/WT-002/index.md", led, True), led.records["WT-002"], [], scope=scope)
    assert ">持续整改滞后</span>" in record and ">逾期</span>" not in record
    dashboard = render_dashboard(Page("index.md", led, True), scope)
    assert 'data-light-count="red">2</span> 逾期（其中持续整改滞后 1 项）' in dashboard
