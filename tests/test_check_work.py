"""What `taizhang check` leaves undone: the ledger's derived figures (lights,
counted states, problem and feedback statuses) are worked out on first use,
and no check rule reads them. The site and the downloads read them all: the
build works them out once, before the ledger is pickled for the downloads'
process, so that process gets them with the ledger."""

from __future__ import annotations

import pickle

import pytest

from conftest import REPO, SAMPLE_TODAY, copy_project, generated_ledger
from taizhang import cli, link
from taizhang.export.background import ledger_bytes, start_downloads
from taizhang.project import analyse
from taizhang.vocabulary import ConfigError


def _refuse(*args, **kwargs):
    raise AssertionError("taizhang check worked out the ledger's figures")


def test_check_never_works_out_the_figures(tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path / "ledger")
    monkeypatch.setattr(link, "derive_figures", _refuse)
    assert cli.main(["check", str(root), "--today", SAMPLE_TODAY]) == 0
    assert "检查了" in capsys.readouterr().err
    # The same with the figures worked out at once fails: the test sees them.
    monkeypatch.setattr(link, "FIGURES_ON_FIRST_USE", False)
    with pytest.raises(AssertionError, match="figures"):
        cli.main(["check", str(root), "--today", SAMPLE_TODAY])


@pytest.mark.parametrize("ledger_name", ["sample", "generated"])
def test_figures_on_first_use_are_the_figures_worked_out_at_once(tmp_path, monkeypatch, ledger_name):
    root = REPO if ledger_name == "sample" else generated_ledger(tmp_path / "generated", 400)
    today = None if ledger_name == "generated" else __import__("datetime").date.fromisoformat(SAMPLE_TODAY)
    lazy = analyse(root, today=today).ledger
    assert "figures" not in lazy.__dict__
    monkeypatch.setattr(link, "FIGURES_ON_FIRST_USE", False)
    eager = analyse(root, today=today).ledger
    assert "figures" in eager.__dict__
    assert lazy.figures == eager.figures
    assert lazy == eager        # the ledgers' fields: records, links, round, unresolved
    assert len(lazy.lights) == len(lazy.measure_states) > 0 and lazy.problem_status and lazy.feedback_status


def test_the_downloads_process_gets_the_figures_with_the_ledger(tmp_path):
    ledger = analyse(REPO).ledger
    assert "figures" not in ledger.__dict__
    downloads = start_downloads(REPO, ledger)
    try:
        assert "figures" in ledger.__dict__     # worked out before the ledger was pickled
        sent = pickle.loads(ledger_bytes(ledger))
        assert "figures" in sent.__dict__ and sent.figures == ledger.figures
    finally:
        assert downloads.result()


def _ledgers_of_every_shape(tmp_path):
    """The sample, a generated ledger and each checker golden case over its base
    (hostile titles, odd fields, control characters, drafts, extra fields …)."""
    from conftest import overlay

    roots = [REPO, generated_ledger(tmp_path / "generated", 400)]
    for case in sorted((REPO / "tests" / "golden" / "checker").iterdir()):
        roots.append(overlay(REPO / "tests" / "golden" / "base", case, tmp_path / "golden" / case.name))
    return roots


def test_records_made_without_init_are_the_records_init_makes(tmp_path, monkeypatch):
    from taizhang import model

    made = 0
    for root in _ledgers_of_every_shape(tmp_path):
        try:
            quick = analyse(root).ledger.records
        except ConfigError:
            continue          # a golden case of refused taizhang.yml words: no records made
        monkeypatch.setattr(model, "QUICK_MAKE", False)
        slow = analyse(root).ledger.records
        monkeypatch.setattr(model, "QUICK_MAKE", True)
        assert list(quick) == list(slow)
        for record_id, record in quick.items():
            other = slow[record_id]
            assert type(record) is type(other) and record == other, record_id
            assert list(record.__dict__.items()) == list(other.__dict__.items()), record_id
            assert ledger_bytes(record) == ledger_bytes(other), record_id   # as sent to the downloads
            with pytest.raises(AttributeError):   # still frozen
                record.title = "改写"
            made += 1
    assert made > 500
