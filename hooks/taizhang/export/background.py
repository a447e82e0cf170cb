"""Build the download files in a second process while MkDocs renders pages.

openpyxl and python-docx are pure Python, so a thread would not run in
parallel. The child (taizhang.spawn) reads the ledger again
from the same project and sends back only bytes, the same bytes the build
would make in-process (`taizhang export` does that). With one core there is
nothing to run beside: start_downloads makes them in the build process, from
the build's own ledger, when they are asked for (InProcess).
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

from taizhang import spawn


def build_downloads(root: Path, today: dt.date, round_id: str | None) -> dict[str, bytes]:
    from taizhang.export.files import build_downloads
    from taizhang.project import analyse
    from taizhang.views import Scope

    ledger = analyse(root, today=today, round_id=round_id).ledger
    return build_downloads(ledger, Scope(ledger, ledger.current_round))


def start_downloads(root: Path, ledger):
    """Background (a second process, started now) when a spare core can run it,
    else InProcess; either way .result() gives the downloads."""
    if spawn.spare_core():
        return Background(root, ledger.today, ledger.shown_round)
    return InProcess(ledger)


class InProcess:
    """The downloads made in this process, from this ledger, at .result()."""

    def __init__(self, ledger):
        self._ledger, self._result = ledger, None

    def result(self) -> dict[str, bytes]:
        if self._result is None:
            from taizhang.export.files import build_downloads
            from taizhang.views import Scope

            ledger, self._ledger = self._ledger, None
            try:
                self._result = build_downloads(ledger, Scope(ledger, ledger.current_round))
            except Exception as exc:  # the message the second process would have sent
                raise RuntimeError(f"生成下载文件失败：{type(exc).__name__}: {exc}") from exc
        return self._result


class Background:
    def __init__(self, root: Path, today: dt.date, round_id: str | None):
        self._result: dict[str, bytes] | None = None
        args = (Path(root), today, round_id)
        self._receive, send = spawn.CONTEXT.Pipe(duplex=False)
        self._process = spawn.start(_run, (args, send), "taizhang-downloads")
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


def _run(args, send) -> None:
    try:
        message = ("ok", build_downloads(*args))
    except Exception as exc:  # reported in the parent, with the build's message
        message = ("error", f"{type(exc).__name__}: {exc}")
    send.send_bytes(pickle.dumps(message))
    send.close()
