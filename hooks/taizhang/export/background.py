"""Build the download files in a second process while MkDocs renders pages.

openpyxl and python-docx are pure Python, so a thread would not run in
parallel; a forked process shares the ledger without pickling it and sends
back only bytes. Where fork is unavailable (or unsafe, as under
`mkdocs serve`, which runs threads), the files are built in-process.
"""

from __future__ import annotations

import multiprocessing
import pickle
from typing import Callable


class Background:
    def __init__(self, build: Callable[[], dict[str, bytes]], use_fork: bool):
        self._result: dict[str, bytes] | None = None
        self._process = None
        if use_fork and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run, args=(build, send), daemon=True)
            self._process.start()
            send.close()
        else:
            self._result = build()

    def result(self) -> dict[str, bytes]:
        if self._result is None:
            try:
                status, payload = pickle.loads(self._receive.recv_bytes())
            except EOFError:
                status, payload = "error", "导出进程意外退出"
            finally:
                self._process.join()
            if status == "error":
                raise RuntimeError(f"生成下载文件失败：{payload}")
            self._result = payload
        return self._result


def _run(build, send) -> None:
    try:
        message = ("ok", build())
    except Exception as exc:  # reported in the parent, with the build's message
        message = ("error", f"{type(exc).__name__}: {exc}")
    send.send_bytes(pickle.dumps(message))
    send.close()
