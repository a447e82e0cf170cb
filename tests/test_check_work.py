"""What `taizhang check` leaves undone: the ledger's derived figures (lights,
counted states, problem and feedback statuses) are worked out on first use,
and no check rule reads them. The site and the downloads read them all: the
build works them out once, before the ledger is pickled for the downloads'
process, so that process gets them with the ledger."""

from __future__ import annotations

import importlib.util
import pickle
import shutil

import pytest

from conftest import REPO, SAMPLE_TODAY, copy_project
from taizhang import cli, link
from taizhang.export.background import ledger_bytes, start_downloads
from taizhang.project import analyse


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


def _generated(tmp_path, count: int):
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = tmp_path / "generated"
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("evidence"))
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    bench.generate(root / "records", count)
    return root


@pytest.mark.parametrize("ledger_name", ["sample", "generated"])
def test_figures_on_first_use_are_the_figures_worked_out_at_once(tmp_path, monkeypatch, ledger_name):
    root = REPO if ledger_name == "sample" else _generated(tmp_path, 400)
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
