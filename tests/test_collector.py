"""taizhang.collector.paused: the cycle collector off inside, as it was after, also
when the step raises; the steps that pause it (analyse, render_site, build_workbook)
leave it on. Their outputs are compared with the pause on and off elsewhere
(tests/test_pages_once.py, tests/test_exports.py); a pause cannot change bytes,
so these assert the pause itself."""

from __future__ import annotations

import gc

import pytest

from conftest import generated_ledger
from taizhang import collector
from taizhang.export.xlsx import build_workbook
from taizhang.project import analyse
from taizhang.render.site import render_site
from taizhang.views import Scope


def test_paused_inside_restored_after_even_on_error():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():          # nested: the inner one leaves it to the outer
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused(collect_young=True):
        assert not gc.isenabled()
        raise ValueError("a step that fails")
    assert gc.isenabled()
    with collector.paused(when=False):    # a switch's off position changes nothing
        assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()         # off before: still off after
    finally:
        gc.enable()


def test_the_pausing_steps_pause_and_leave_the_collector_on(tmp_path, monkeypatch):
    """render_site and build_workbook on a generated 300-record ledger: with their
    switches off the collector runs many times inside them; on, at most the young
    collections at the pause's edges (making the pause object, the workbook's one on
    the way out). gc.callbacks sees every collection that starts."""
    from taizhang.export import xlsx
    from taizhang.render import site

    root = generated_ledger(tmp_path / "ledger", 300)
    analysis = analyse(root)
    scope = Scope(analysis.ledger, analysis.ledger.current_round)
    runs = []

    def seen(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    def collections(step) -> list[int]:
        runs.clear()
        step()
        assert gc.isenabled()
        return list(runs)

    gc.callbacks.append(seen)
    try:
        paused = [collections(lambda: render_site(analysis)),
                  collections(lambda: build_workbook(analysis.ledger, scope))]
        monkeypatch.setattr(site, "COLLECT_AFTER", False)
        monkeypatch.setattr(xlsx, "PAUSE_COLLECTOR", False)
        running = [collections(lambda: render_site(analysis)),
                   collections(lambda: build_workbook(analysis.ledger, scope))]
    finally:
        gc.callbacks.remove(seen)
    for inside, unpaused in zip(paused, running):
        # Young collections only (generation 0, or 1 when the collector's own count of young
        # collections comes due as it is turned back on), never a full one.
        assert len(inside) <= 2 and set(inside) <= {0, 1}, inside
        assert len(unpaused) >= 4, unpaused
