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
    switches off the collector runs many times inside their pauses; on, never. What
    happens at the pause's edge (the collector, turned back on, may find any of its
    generations due; the workbook's own young collection on the way out) is CPython's
    choice and not counted. gc.callbacks sees every collection that starts; a watched
    `collector.paused` says when a pause's body is running."""
    from taizhang.export import xlsx
    from taizhang.render import site

    root = generated_ledger(tmp_path / "ledger", 300)
    analysis = analyse(root)
    scope = Scope(analysis.ledger, analysis.ledger.current_round)
    runs = []
    depth = [0]

    class watched(collector.paused):   # noqa: N801
        def __enter__(self) -> None:
            super().__enter__()
            depth[0] += 1

        def __exit__(self, *exc) -> None:
            depth[0] -= 1
            super().__exit__(*exc)

    def seen(phase, info):
        if phase == "start" and depth[0]:
            runs.append(info["generation"])

    def collections(step) -> list[int]:
        runs.clear()
        step()
        assert gc.isenabled() and depth[0] == 0
        return list(runs)

    monkeypatch.setattr(collector, "paused", watched)
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
    assert paused == [[], []], paused
    for inside in running:
        assert len(inside) >= 4, inside


GIVE_BACK = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from taizhang import collector
collector.GIVE_BACK = sys.argv[2] == "on"

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

blocks = [bytes(65536) for _ in range(1500)]    # 96 MB from the C heap (each under the mmap threshold)
pin = [bytes(1024) for _ in range(64)]          # allocated after them: the heap's top stays in use
del blocks                                      # freed, but kept by the C allocator
before = rss()
given = collector.give_back()
print(json.dumps([given, before - rss()]))
"""


def test_give_back_returns_freed_memory_to_the_system():
    """glibc keeps freed blocks below the top of its heap; give_back (malloc_trim) returns
    them: the process's resident memory drops by most of what was freed. With the switch
    off nothing is given back. Elsewhere than glibc there is no such call: False."""
    import json
    import platform
    import subprocess
    import sys

    from conftest import REPO

    glibc = platform.libc_ver()[0] == "glibc"
    results = {}
    for switch in ("on", "off"):
        run = subprocess.run([sys.executable, "-c", GIVE_BACK, str(REPO / "hooks"), switch],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        results[switch] = json.loads(run.stdout)
    assert results["off"][0] is False and results["off"][1] < 8 * 2 ** 20, results
    if glibc:
        assert results["on"][0] is True and results["on"][1] > 40 * 2 ** 20, results
    else:
        assert results["on"][0] is False, results
