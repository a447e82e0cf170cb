"""Python's cycle collector paused while a ledger's many long-lived objects are made.

Reading a ledger, making its pages or its workbook creates hundreds of thousands
of objects that all stay alive until the step ends and hold hardly a reference
cycle: the collector would walk them again and again as they grow. Memory is
freed by reference counting as before. Nested pauses leave the collector as the
outermost one found it.
"""

from __future__ import annotations

import gc


class paused:   # noqa: N801 (used as `with collector.paused():`, like contextlib's helpers)
    """`with paused():` the collector is off inside, back on after (if it was on).
    `when=False` changes nothing (a switch's off position); `collect_young` runs one
    collection of the young objects on the way out (a workbook's sheets and cells
    point at each other)."""

    def __init__(self, when: bool = True, collect_young: bool = False):
        self._pause = when and gc.isenabled()
        self._collect_young = collect_young

    def __enter__(self) -> None:
        if self._pause:
            gc.disable()

    def __exit__(self, *exc) -> None:
        if self._pause:
            gc.enable()
            if self._collect_young:
                gc.collect(0)
