"""Core pieces on their own: derived status, lights, urls, vocabulary overrides."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import GOLDEN, run_cli
from taizhang.link import derive_problem_status, measure_light
from taizhang.model import MeasureRecord
from taizhang.render.urls import relative
from taizhang.vocabulary import ConfigError, load_vocabulary

VOCAB = load_vocabulary()


def measure(status, deadline=None, long_term=False):
    return MeasureRecord(kind="measure", id="CS-001", title="t", path="p", body="", body_line=1, lines={},
                         status=status, deadline=deadline, long_term=long_term)


@pytest.mark.parametrize("statuses, expected", [
    ([], None),
    (["done", "signed_off"], "done"),
    (["signed_off", "signed_off"], "signed_off"),
    (["not_started", "not_started"], "not_started"),
    (["not_started", "done"], "in_progress"),
    (["long:basically_done", "done"], "basically_done"),   # 长期坚持 keeps it 基本完成, not done
    (["basically_done", "done"], "in_progress"),           # a 限期整改 measure written 基本完成 is still open
    (["in_progress", "signed_off"], "in_progress"),
])
def test_problem_status_is_derived_from_its_slowest_measure(statuses, expected):
    measures = [measure(s.removeprefix("long:"), long_term=s.startswith("long:")) for s in statuses]
    assert derive_problem_status(measures, VOCAB) == expected


TODAY = dt.date(2023, 8, 10)


@pytest.mark.parametrize("status, deadline, long_term, light", [
    ("in_progress", dt.date(2023, 8, 9), False, "red"),
    ("in_progress", dt.date(2023, 8, 10), False, "yellow"),
    ("in_progress", dt.date(2023, 8, 17), False, "yellow"),
    ("in_progress", dt.date(2023, 8, 18), False, "green"),
    ("not_started", None, True, "green"),
    ("done", dt.date(2023, 1, 1), False, "done"),
    ("signed_off", dt.date(2023, 1, 1), False, "done"),
])
def test_lights_come_from_deadline_and_build_date(status, deadline, long_term, light):
    assert measure_light(measure(status, deadline, long_term), VOCAB, TODAY) == light


@pytest.mark.parametrize("dir_urls, src, dst, href", [
    (True, "index.md", "measures/CS-001.md", "measures/CS-001/"),
    (True, "measures/CS-001.md", "problems/WT-001.md", "../../problems/WT-001/"),
    (True, "measures/CS-001.md", "index.md", "../../"),
    (True, "measures/index.md", "measures/CS-001.md", "CS-001/"),
    (False, "measures/CS-001.md", "index.md", "../index.html"),
    (False, "lists/tasks.md", "measures/CS-001.md", "../measures/CS-001.html"),
])
def test_relative_links_match_mkdocs_urls(dir_urls, src, dst, href):
    assert relative(src, dst, dir_urls) == href


def test_a_unit_renames_a_status_in_taizhang_yml(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(GOLDEN / "base", project)
    (project / "taizhang.yml").write_text("statuses:\n  in_progress:\n    label: 正在推进\n", encoding="utf-8")
    result = run_cli("check", cwd=project, TAIZHANG_TODAY="2023-08-10")
    assert result.returncode == 1
    assert "records/measures/CS-001.md:13:" in result.stdout and "“正在整改”不在规定范围内" in result.stdout
    assert "正在推进" in result.stdout
    path = project / "records/measures/CS-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("正在整改", "正在推进"), encoding="utf-8")
    assert run_cli("check", cwd=project, TAIZHANG_TODAY="2023-08-10").returncode == 0


@pytest.mark.parametrize("text, message", [
    ('statuses:\n  done:\n    colour: "#99cc99"\n', "对比度只有"),     # too pale to read on white
    ('lights:\n  red:\n    fill: "#b71c1c"\n', "对比度只有"),         # the word would vanish in its fill
    ("statuses:\n  done:\n    colour: green\n", "#RRGGBB"),
])
def test_a_state_colour_must_be_readable(tmp_path, text, message):
    (tmp_path / "taizhang.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_vocabulary(tmp_path)


def test_every_state_has_a_readable_colour_of_its_own():
    """Statuses and lights: AA on white and on the fill; no two states of a
    group share a colour; the light 已完成 has the status 已完成's."""
    from taizhang.vocabulary import contrast
    vocab = load_vocabulary()
    for group in ("statuses", "lights"):
        values = vocab.enums[group].values()
        assert len({v.colour for v in values}) == len(values), group
        for v in values:
            assert contrast(v.colour, "#ffffff") >= 4.5 and contrast(v.colour, v.fill) >= 4.5, v
    assert vocab.enums["lights"]["done"].colour == vocab.enums["statuses"]["done"].colour
    progress = {vocab.enums["statuses"]["in_progress"].colour, vocab.enums["statuses"]["done"].colour,
                vocab.enums["lights"]["green"].colour}
    assert vocab.enums["statuses"]["not_started"].colour not in progress
    assert vocab.enums["lights"]["red"].colour not in progress


def test_bad_taizhang_yml_is_a_clear_error(tmp_path):
    (tmp_path / "taizhang.yml").write_text("statuss:\n  x: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="statuss"):
        load_vocabulary(tmp_path)
