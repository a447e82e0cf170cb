"""Build the download files in a second process while MkDocs renders pages.

openpyxl and python-docx are pure Python, so a thread would not run in
parallel. The child (taizhang.spawn) gets the build's own ledger, pickled
(SEND_LEDGER), and sends back only bytes, the same bytes the build would
make in-process (`taizhang export` does that). Reading the project again in
the child (analyse: every record file read, parsed, checked and linked) cost
several times what pickling and unpickling the ledger does, and the child
might have read files changed since the build read them; a ledger that
cannot be pickled (nesting deeper than pickle goes) is read again as before.
With one core there is nothing to run beside: start_downloads makes them in
the build process, from the build's own ledger, when they are asked for
(InProcess).
"""

from __future__ import annotations

import copyreg
import io
import pickle
from pathlib import Path
from types import MappingProxyType

from taizhang import spawn

SEND_LEDGER = True   # False: the child reads the ledger again from the project (tests compare the files)


def start_downloads(root: Path, ledger):
    """Background (a second process, started now) when a spare core can run it,
    else InProcess; either way .result() gives the downloads."""
    ledger.work_out_figures()   # once, here: pickled with the ledger, the child need not work them out again
    if spawn.spare_core():
        return Background(root, ledger)
    return InProcess(ledger)


def _build(ledger) -> dict[str, bytes]:
    from taizhang.export.files import build_downloads
    from taizhang.views import Scope

    return build_downloads(ledger, Scope(ledger, ledger.current_round))


class InProcess:
    """The downloads made in this process, from this ledger, at .result()."""

    def __init__(self, ledger):
        self._ledger, self._result = ledger, None

    def result(self) -> dict[str, bytes]:
        if self._result is None:
            ledger, self._ledger = self._ledger, None
            try:
                self._result = _build(ledger)
            except Exception as exc:  # the message the second process would have sent
                raise RuntimeError(f"生成下载文件失败：{type(exc).__name__}: {exc}") from exc
        return self._result


class Background:
    def __init__(self, root: Path, ledger):
        self._result: dict[str, bytes] | None = None
        pickled = ledger_bytes(ledger) if SEND_LEDGER else None
        source = ("ledger", pickled) if pickled is not None else ("project", (Path(root), ledger.today, ledger.shown_round))
        self._receive, send = spawn.CONTEXT.Pipe(duplex=False)
        self._process = spawn.start(_run, (source, send), "taizhang-downloads")
        send.close()

    def result(self) -> dict[str, bytes]:
        if self._result is None:
            try:
                status, payload = pickle.loads(self._receive.recv_bytes())
            except EOFError:
                status, payload = "error", "导出进程意外退出"
            finally:
                self._process.join()
                self._receive.close()
            if status == "error":
                raise RuntimeError(f"生成下载文件失败：{payload}")
            self._result = payload
        return self._result


def ledger_bytes(ledger) -> bytes | None:
    """The ledger pickled for the child, or None if it cannot be (a record's
    front matter nested deeper than pickle's recursion goes)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
    try:
        pickler.dump(ledger)
    except Exception:  # PicklingError, RecursionError, TypeError …: the child reads the project, as before
        return None
    return buffer.getvalue()


def _reduce_proxy(proxy):
    """Ledgers and records hold read-only mappings, which pickle does not know."""
    return _proxy, (dict(proxy),)


def _proxy(items: dict):
    return MappingProxyType(items)


def _ledger(source):
    how, what = source
    if how == "ledger":
        return pickle.loads(what)
    from taizhang.project import analyse

    root, today, round_id = what
    return analyse(root, today=today, round_id=round_id).ledger


def _run(source, send) -> None:
    try:
        message = ("ok", _build(_ledger(source)))
    except Exception as exc:  # reported in the parent, with the build's message
        message = ("error", f"{type(exc).__name__}: {exc}")
    send.send_bytes(pickle.dumps(message))
    send.close()
