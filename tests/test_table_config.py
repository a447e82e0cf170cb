"""`tables` (the lists' and sheets' columns) is checked when the vocabulary
loads, packaged or from taizhang.yml: every mistake is a Chinese ConfigError
naming the file and line, the rule and the fix, all of them at once; never a
KeyError or AttributeError when a page or sheet is made."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, build, copy_project, run_cli
from taizhang.vocabulary import ConfigError, load_vocabulary

# taizhang.yml: one table with one column (line 3), unless the case says more.
TASKS = "tables:\n  tasks:\n    - {name: number, as: number, label: 序号}\n    - %s\n"


@pytest.mark.parametrize("column, words", [
    # the value a column shows: a field of the list's row
    ("{name: sigoff, as: text, label: 销号}", ["taizhang.yml:4:", "(table-name)", "“sigoff”", "signoff", "latest_progress"]),
    ("{as: text, label: 销号}", ["taizhang.yml:4:", "(table-name)", "缺少", "signoff"]),
    ("{name: [signoff], as: text, label: 销号}", ["taizhang.yml:4:", "(table-name)", "signoff"]),
    # how it is shown
    ("{name: signoff, as: txt, label: 销号}", ["taizhang.yml:4:", "(table-as)", "“txt”", "evidence", "status_marked"]),
    # the header: placeholders as in phrases, no more
    ("{name: signoff, as: text, label: \"{mesure}\"}", ["taizhang.yml:4:", "(table-label)", "{mesure}", "{measure}"]),
    ("{name: signoff, as: text, label: \"{measure:>50000000}\"}", ["taizhang.yml:4:", "(table-label)", "{measure:>50000000}"]),
    ("{name: signoff, as: text, label: \"{keys[sigoff]}\"}", ["taizhang.yml:4:", "(table-label)", "{keys[sigoff]}"]),
    ("{name: signoff, as: text, label: \"{phrases[nothing_here]}\"}", ["taizhang.yml:4:", "(table-label)", "nothing_here"]),
    ("{name: signoff, as: text, label: \"{phrases[overdue_days]}\"}", ["taizhang.yml:4:", "(table-label)", "overdue_days"]),
    ("{name: signoff, as: text, label: \"销号{\"}", ["taizhang.yml:4:", "(config-word)", "花括号"]),
    ("{name: signoff, as: text}", ["taizhang.yml:4:", "(table-label)", "label"]),
    # the keys a column may have
    ("{name: signoff, as: text, label: 销号, widht: 9}", ["taizhang.yml:4:", "(table-key)", "“widht”", "width", "align"]),
    # the sheet's width
    ("{name: signoff, as: text, label: 销号, width: 宽}", ["taizhang.yml:4:", "(table-width)", "“宽”", "1 到 255"]),
    ("{name: signoff, as: text, label: 销号, width: 0}", ["taizhang.yml:4:", "(table-width)", "1 到 255"]),
    ("{name: signoff, as: text, label: 销号, width: 300}", ["taizhang.yml:4:", "(table-width)", "1 到 255"]),
    ("{name: signoff, as: text, label: 销号, width: true}", ["taizhang.yml:4:", "(table-width)"]),
    # role, gap, align, site / sheet
    ("{name: signoff, as: text, label: 销号, role: side}", ["taizhang.yml:4:", "(table-role)", "“side”", "title", "wide"]),
    ("{name: signoff, as: text, label: 销号, gap: no_such_phrase}", ["taizhang.yml:4:", "(table-gap)", "no_such_phrase", "no_measures"]),
    ("{name: signoff, as: text, label: 销号, align: center}", ["taizhang.yml:4:", "(table-align)", "“center”", "centre", "left"]),
    ("{name: signoff, as: text, label: 销号, site: 否}", ["taizhang.yml:4:", "(table-flag)", "“否”", "false"]),
    ("销号", ["taizhang.yml:4:", "(table-column)", "name"]),
])
def test_a_bad_column_in_taizhang_yml_names_its_line_rule_and_fix(tmp_path, column, words):
    (tmp_path / "taizhang.yml").write_text(TASKS % column, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    text = str(error.value)
    for word in words:
        assert word in text, text
    assert "Traceback" not in text and "KeyError" not in text


@pytest.mark.parametrize("config, words", [
    ("tables:\n  tasks: 序号\n", ["taizhang.yml:2:", "tables.tasks", "列表"]),
    ("tables:\n  tasks: []\n", ["taizhang.yml:2:", "(table-empty)"]),
    ("tables:\n  tasks:\n    - {name: number, as: number, label: 序号, sheet: false}\n",
     ["taizhang.yml:2:", "(table-empty)", "sheet"]),
    ("tables:\n  taks:\n    - {name: number, as: number, label: 序号}\n", ["taizhang.yml:2:", "taks", "tasks"]),
    # the 督查总览's tables: their own rows and ways of showing
    ("tables:\n  overview_units:\n    - {name: teem, as: text, label: 巡视组}\n",
     ["taizhang.yml:3:", "(table-name)", "“teem”", "team", "unit_as_of"]),
    ("tables:\n  overview_units:\n    - {name: team, as: title, label: 巡视组}\n",
     ["taizhang.yml:3:", "(table-as)", "“title”", "places"]),
    ("tables:\n  declarations:\n    - {name: declaration, as: id, label: 编号}\n    - {name: body, as: text, label: 内容}\n",
     ["taizhang.yml:4:", "(table-name)", "“body”", "text"]),
])
def test_a_bad_table_in_taizhang_yml_names_its_line_rule_and_fix(tmp_path, config, words):
    (tmp_path / "taizhang.yml").write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    for word in words:
        assert word in str(error.value), str(error.value)


def test_every_bad_column_is_reported_at_once_in_line_order(tmp_path):
    (tmp_path / "taizhang.yml").write_text(
        "tables:\n  tasks:\n    - {name: number, as: number, label: 序号, width: -1}\n"
        "    - {name: sigoff, as: txt, label: \"{mesure}\"}\n"
        "  problems:\n    - {name: number, as: number, label: 序号, role: side}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_vocabulary(tmp_path)
    lines = str(error.value).splitlines()
    assert [re.match(r"taizhang\.yml:(\d+):", line).group(1) for line in lines] == ["3", "4", "4", "4", "6"], lines
    assert ["(table-width)" in lines[0], "(table-label)" in "".join(lines[1:4]), "(table-name)" in "".join(lines[1:4]),
            "(table-as)" in "".join(lines[1:4]), "(table-role)" in lines[4]] == [True] * 5


def test_the_packaged_tables_load_clean():
    from taizhang.views.columns import check_tables
    vocab = load_vocabulary(None)
    check_tables(vocab)
    assert "overview_units" in vocab.tables and "declarations" in vocab.tables


def _break_packaged(project, old: str, new: str) -> int:
    """Change one line of the project's own copy of vocabulary.yml; its line number."""
    path = project / "hooks/taizhang/vocabulary.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, start=1) if old in line)
    lines[number - 1] = lines[number - 1].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number


def test_a_bad_column_in_the_packaged_vocabulary_names_vocabulary_yml_and_its_line(tmp_path):
    """A maintainer's slip in vocabulary.yml itself: `taizhang check` (width) and a real
    `mkdocs build` (a value the rows lack) stop with vocabulary.yml:LINE, no traceback."""
    project = copy_project(tmp_path / "p")
    hooks = str(project / "hooks")
    line = _break_packaged(project, "{name: owner, as: texts, width: 7, sheet: false}",
                           "{name: owner, as: texts, width: 700, sheet: false}")
    checked = run_cli("check", cwd=project, PYTHONPATH=hooks)
    assert checked.returncode != 0
    assert f"vocabulary.yml:{line}:" in checked.stderr + checked.stdout and "(table-width)" in checked.stderr + checked.stdout
    assert "Traceback" not in checked.stderr
    project2 = copy_project(tmp_path / "q")
    line = _break_packaged(project2, "{name: latest_progress, as: text, label: \"{keys[progress]}\", width: 22, site: false}",
                           "{name: latest_progres, as: text, label: \"{keys[progress]}\", width: 22, site: false}")
    built = build(project2, PYTHONPATH=str(project2 / "hooks"))
    assert built.returncode != 0
    assert f"vocabulary.yml:{line}:" in built.stderr and "(table-name)" in built.stderr and "latest_progress" in built.stderr
    assert "KeyError" not in built.stderr and "AttributeError" not in built.stderr


def test_the_repository_sample_is_untouched_by_these_checks():
    """The sample's own configuration (none) loads; the lists keep their packaged columns."""
    vocab = load_vocabulary(REPO)
    assert [c.label for c in vocab.columns("declarations", "sheet")] == ["序号", "方面", "编号", "说明事项", "内容"]


def test_every_way_of_showing_an_overview_value_has_a_page_cell():
    """The check accepts the 督查总览's shows (vocabulary.OVERVIEW_SHOWS): the page knows each one."""
    from taizhang.gather.pages import CELLS
    from taizhang.vocabulary import OVERVIEW_SHOWS
    assert set(CELLS) == set(OVERVIEW_SHOWS)


def test_every_way_of_showing_a_list_value_has_a_site_cell_and_a_sheet_value():
    """The check accepts the lists' shows (vocabulary.LIST_SHOWS): the site and the sheets know each one."""
    from taizhang.render.columns import CELLS
    from taizhang.views.columns import PLAIN
    from taizhang.vocabulary import LIST_SHOWS
    assert set(CELLS) == set(LIST_SHOWS)
    assert set(PLAIN) == set(LIST_SHOWS)


def test_the_same_taizhang_yml_gives_the_same_vocabulary_a_changed_one_a_new_one(tmp_path):
    """load_vocabulary gives the Vocabulary it made from the same two texts again
    (`taizhang check` reads it for its help and for the project); a changed
    taizhang.yml is read anew (mkdocs serve), and a broken one raises every time."""
    config = tmp_path / "taizhang.yml"
    config.write_text("fields:\n  title: {key: 名称}\n", encoding="utf-8")
    first = load_vocabulary(tmp_path)
    assert load_vocabulary(tmp_path) is first and first.key("title") == "名称"
    config.write_text("fields:\n  title: {key: 题目}\n", encoding="utf-8")
    assert load_vocabulary(tmp_path).key("title") == "题目"
    config.write_text("tables:\n  taks:\n    - {name: number, as: number, label: 序号}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="taks"):
            load_vocabulary(tmp_path)
    assert load_vocabulary(None).key("title") == "标题"
