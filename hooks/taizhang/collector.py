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


# Memory freed by the steps before (pages written, jieba's dictionary let go) given back
# to the system between the last steps of a one-off build (GIVE_BACK; False: kept by the
# C allocator). glibc keeps freed blocks for reuse, and Python's objects of the next step
# (jieba's dictionary, a sheet's cells) mostly come from memory it cannot reuse, so the
# process's peak was what the pages left plus what the next step takes.
GIVE_BACK = True


def give_back() -> bool:
    """glibc's malloc_trim(0): the free memory of the C heap returned to the system.
    False where there is no such call (another C library) or GIVE_BACK is off."""
    if not GIVE_BACK:
        return False
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
