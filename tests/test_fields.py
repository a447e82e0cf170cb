"""records.json holds every vocabulary field of every kind; its schema is
generated from the vocabulary and requires each kind's fields."""

from __future__ import annotations

import copy
import csv
import io
import json

import jsonschema
import pytest

from conftest import REPO, copy_project, run_cli
from taizhang.export.tabular import ledger_csv, records_json, schema
from taizhang.project import analyse
from taizhang.render.html import Page
from taizhang.render.record import render_record
from taizhang.views import Scope
from taizhang.vocabulary import ConfigError, load_vocabulary


@pytest.fixture(scope="module")
def sample():
    analysis = analyse(REPO)
    return analysis.ledger, json.loads(records_json(analysis.ledger)), schema(analysis.vocab)


def test_every_record_has_every_field_its_kind_declares(sample):
    ledger, records, _ = sample
    vocab = ledger.vocab
    for item in records:
        for name in vocab.fields_of(item["kind"]):
            assert name in item, (item["id"], name)
        assert item["schema_version"] == 2
    by_id = {r["id"]: r for r in records}
    assert by_id["CS-001"]["carried_from"] == [] and by_id["CS-001"]["draft"] is False
    assert by_id["WT-001"]["recurs_from"] == []
    assert all(r["publish"] is True for r in records)          # nobody wrote 公开: 否 in the sample
    assert by_id["WT-013"]["nature"] == "说明事项"
    assert by_id["FK-002"]["status"] == "基本完成（持续整改）"     # derived from its problems


def test_sample_validates_and_a_stripped_measure_does_not(sample):
    _, records, generated = sample
    jsonschema.validate(records, generated)
    measure = copy.deepcopy(next(r for r in records if r["id"] == "CS-002"))
    for name in ("status", "leader", "unit", "owner", "deadline", "problems"):
        broken = dict(measure, **{name: None if name in ("status", "deadline") else []})
        if name in ("leader", "unit", "owner", "problems"):
            broken[name] = None
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([broken], generated)
    # A draft may lack them; a long-term measure has no deadline date.
    jsonschema.validate([dict(measure, status=None, deadline=None, draft=True)], generated)
    jsonschema.validate([dict(measure, deadline=None, long_term=True)], generated)
    with pytest.raises(jsonschema.ValidationError):          # another kind's field
        jsonschema.validate([dict(measure, quote="反馈原文")], generated)


def test_a_field_added_in_taizhang_yml_is_kept_exported_and_in_the_schema(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "taizhang.yml").write_text(
        "fields:\n  supervisor: {key: 督办人, type: text, help: 督办的领导}\n"
        "kind_fields:\n  measure:\n    required: [id, kind, title, round, problems, leader, unit, owner, deadline,"
        " measure_type, status]\n    optional: [supervisor, addresses_causes, progress, evidence, completed_on,"
        " signed_off_by, signed_off_on, publish, recurs_from, draft]\n"
        "ledger_columns:\n  - {name: number, label: 序号}\n  - {name: measure, label: 整改措施}\n"
        "  - {name: supervisor, label: 督办人}\n", encoding="utf-8")
    path = project / "records/measures/CS-002.md"
    path.write_text(path.read_text(encoding="utf-8").replace("整改状态:", "督办人: 赵某某\n整改状态:", 1), encoding="utf-8")
    analysis = analyse(project)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    assert analysis.ledger.records["CS-002"].value("supervisor") == "赵某某"
    records = json.loads(records_json(analysis.ledger))
    assert {r["id"]: r for r in records}["CS-002"]["supervisor"] == "赵某某"
    generated = schema(analysis.vocab)
    jsonschema.validate(records, generated)
    assert generated["items"]["allOf"][4]["then"]["properties"]["supervisor"]["description"] == "督办人"
    ledger = analysis.ledger
    page = render_record(Page("measures/CS-002.md", ledger, True), ledger.records["CS-002"], [])
    assert "<th>督办人</th><td>赵某某</td>" in page
    rows = list(csv.reader(io.StringIO(ledger_csv(ledger, Scope(ledger, ledger.current_round)).decode("utf-8-sig"))))
    assert rows[0] == ["示例数据", "方面", "序号", "整改措施", "督办人"]   # sample data, then the area of each path
    assert any(r[4] == "赵某某" and r[3].startswith("CS-002") for r in rows[1:])


def test_an_unknown_ledger_column_is_a_configuration_error_listing_the_valid_ones(tmp_path):
    (tmp_path / "taizhang.yml").write_text("ledger_columns:\n  - {name: numbr, label: 序号}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    assert "numbr" in str(error.value) and "number" in str(error.value) and "signoff" in str(error.value)
    result = run_cli("check", cwd=_project_with(tmp_path, "ledger_columns:\n  - {name: numbr, label: 序号}\n"))
    assert result.returncode == 2 and "numbr" in result.stderr


@pytest.mark.parametrize("config, words", [
    ("phrases:\n  overdue_days: 逾期 {day} 天\n", ["overdue_days", "day"]),
    ("phrases:\n  due_today: 今天{\n", ["due_today", "花括号"]),
    # A format spec would write gigabytes ({days:>50000000}); attributes and conversions reach objects.
    ("phrases:\n  overdue_days: 逾期 {days:>50000000} 天\n", ["taizhang.yml:2:", "overdue_days", "{days:>50000000}", "phrase-placeholder"]),
    ("phrases:\n  due_today: \"{statuses.__class__}\"\n", ["taizhang.yml:2:", "due_today", "{statuses.__class__}"]),
    ("phrases:\n  days_left: \"{days!r}\"\n", ["days_left", "{days!r}", "phrase-placeholder"]),
    ("phrases:\n  days_left: \"{lights[red][0]}\"\n", ["days_left", "{lights[red][0]}"]),
    ("phrases:\n  days_left: \"{lights[blue]}\"\n", ["days_left", "{lights[blue]}", "red"]),
    ("fields:\n  x: {key: 督办人, type: txt}\n", ["fields.x", "texts"]),
    ("kind_fields:\n  cause:\n    optional: [draft, nothing]\n", ["nothing"]),
    # Field help, ledger column labels and relation titles name words as phrases do, and no more.
    ("fields:\n  title: {help: \"{keys.__class__}\"}\n", ["fields.title.help", "{keys.__class__}"]),
    ("ledger_columns:\n  - {name: number, label: \"{measure:>50000000}\"}\n", ["ledger_columns", "{measure:>50000000}"]),
    ("relations:\n  problem.causes: {forward: \"{nope}\"}\n", ["relations.problem.causes.forward", "{nope}"]),
    ("fields:\n  title: {help: \"{keys}\"}\n", ["fields.title.help", "{keys}", "下标"]),
])
def test_bad_vocabulary_overrides_are_configuration_errors(tmp_path, config, words):
    (tmp_path / "taizhang.yml").write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    for word in words:
        assert word in str(error.value)


def _project_with(tmp_path, config):
    project = copy_project(tmp_path / "project")
    (project / "taizhang.yml").write_text(config, encoding="utf-8")
    return project


def test_schema_follows_renamed_labels(tmp_path):
    (tmp_path / "taizhang.yml").write_text("statuses:\n  in_progress: {label: 正在推进}\n", encoding="utf-8")
    text = json.dumps(schema(load_vocabulary(tmp_path)), ensure_ascii=False)
    assert "正在推进" in text and "正在整改" not in text


def _edited(tmp_path, name, *edits):
    project = copy_project(tmp_path / name)
    for rel, old, new in edits:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return analyse(project)


@pytest.mark.parametrize("rel, old, new, key", [
    ("records/problems/WT-001.md", "方面: 一\n", "方面: 一\n公开: 否\n", "公开"),
    ("records/problems/WT-001.md", "方面: 一\n", "方面: 一\n草稿: 是\n", "草稿"),
    ("records/problems/WT-001.md", "方面: 一\n", "方面: 一\n前轮记录:\n  - WT-002\n", "前轮记录"),
    ("records/measures/CS-002.md", "整改状态:", "承接自:\n  - CS-001\n整改状态:", "承接自"),
    ("records/measures/CS-001.md", "  - 部务会会议纪要（2023年6月20日）\n", "", "佐证材料"),
])
def test_diff_compares_every_vocabulary_field(tmp_path, rel, old, new, key):
    from taizhang.diff import render_summary
    before = analyse(copy_project(tmp_path / "before"))
    after = _edited(tmp_path, "after", (rel, old, new))
    summary = render_summary(before, after, "main", "HEAD")
    assert "台账记录没有变化" not in summary
    assert f"：{key}" in summary or f"、{key}" in summary, summary
    same = render_summary(before, analyse(copy_project(tmp_path / "same")), "main", "HEAD")
    assert "台账记录没有变化" in same


def test_a_column_added_to_a_list_in_taizhang_yml_shows_on_the_site_and_in_the_sheet(tmp_path):
    """Adding a column to a list is one vocabulary edit: the 任务清单 on the site
    and the 任务清单 sheet both read `tables.tasks`."""
    import openpyxl
    from taizhang.export.xlsx import build_workbook
    from taizhang.render.lists import render_task_list
    project = copy_project(tmp_path / "p")
    default = load_vocabulary(REPO).tables["tasks"]
    lines = ["tables:", "  tasks:"]
    for c in default:
        extra = "".join(f", {k}: false" for k in ("site", "sheet") if not getattr(c, k))
        extra += f", role: {c.role}" if c.role else ""
        lines.append(f"    - {{name: {c.name}, as: {c.show}, label: '{c.label}', width: {int(c.width)}{extra}}}")
    lines.append("    - {name: signoff, as: text, label: 销号情况, width: 12}")
    (project / "taizhang.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    analysis = analyse(project)
    assert not analysis.errors, [p.format() for p in analysis.errors]
    ledger = analysis.ledger
    scope = Scope(ledger, ledger.current_round)
    html = render_task_list(Page("lists/tasks/index.md", ledger, True), scope)
    assert '<th>销号情况</th>' in html and '<td data-label="销号情况">2023-07-10 区委巡视整改工作领导小组办公室 销号</td>' in html
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ledger, scope)))
    header = [c.value for c in wb["任务清单"][3]]
    assert header[-1] == "销号情况"
    cs001 = next(r for r in wb["任务清单"].iter_rows(min_row=4, values_only=True) if r[1] == "CS-001")
    assert cs001[-1] == "2023-07-10 区委巡视整改工作领导小组办公室 销号"


@pytest.mark.parametrize("column, words", [
    ("{name: sigoff, as: text, label: 销号}", ["tables.tasks", "sigoff", "signoff"]),
    ("{name: signoff, as: txt, label: 销号}", ["tables.tasks", "txt", "evidence"]),
    ("{name: signoff, as: text, label: 销号, role: side}", ["tables.tasks", "role"]),
])
def test_a_misnamed_list_column_is_a_configuration_error_naming_the_right_ones(tmp_path, column, words):
    (tmp_path / "taizhang.yml").write_text(f"tables:\n  tasks:\n    - {column}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    assert all(w in str(error.value) for w in words), str(error.value)


def test_the_packaged_lists_name_values_their_rows_have():
    """load_vocabulary checks `tables` only when a taizhang.yml gives its own (so
    `taizhang check` need not import the views): the packaged ones are checked here."""
    from taizhang.views.columns import check_tables
    check_tables(load_vocabulary(None))
