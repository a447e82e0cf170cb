"""Build the download files in a second process while MkDocs renders pages
(`mkdocs serve`, TAIZHANG_PROCESSES=2), or in the build process after them.

openpyxl and python-docx are pure Python, so a thread would not run in
parallel. The child (taizhang.spawn) gets the build's own ledger, pickled
(SEND_LEDGER), and sends back only bytes, the same bytes the build would
make in-process (`taizhang export` does that). Reading the project again in
the child (analyse: every record file read, parsed, checked and linked) cost
several times what pickling and unpickling the ledger does, and the child
might have read files changed since the build read them; a ledger that
cannot be pickled (nesting deeper than pickle goes) is read again as before.
A one-off build (unless TAIZHANG_PROCESSES=2) and any build on one core
run nothing beside (spawn.second_process): start_downloads makes them in the
build process, from the build's own ledger, when they are asked for
(InProcess), for the least memory.

Memory (README 性能): the child drops the pickled ledger once it is read, and
writes the files into a temporary folder and ends (VIA_FILES): it no longer
waits, holding the ledger's objects and every file, until the build asks for
them after the last page; the build moves them into the site one at a time
(write_into) instead of holding every file twice (pickled and unpickled).
"""

from __future__ import annotations

import copyreg
import errno
import io
import os
import pickle
import shutil
import tempfile
import weakref
from pathlib import Path
from types import MappingProxyType

from taizhang import collector, fsutil, spawn

SEND_LEDGER = True   # False: the child reads the ledger again from the project (tests compare the files)
VIA_FILES = True     # False: the child sends every file back through the pipe, pickled (tests compare)
# The child writes each file as soon as it is made and lets it go (WRITE_EACH; False: all
# five made, then written): at 5,000 records the workbook, the CSV and records.json
# (4, 24 and 13 MB) were still held while the next ones were made.
WRITE_EACH = True


def start_downloads(root: Path, ledger, serving: bool = False):
    """Background (a second process, started now) when the build runs one beside it
    (spawn.second_process: `mkdocs serve`, or TAIZHANG_PROCESSES=2, and a spare
    core), else InProcess; either way .result() gives the downloads."""
    ledger.work_out_figures()   # once, here: pickled with the ledger, the child need not work them out again
    if spawn.second_process(serving):
        return Background(root, ledger)
    return InProcess(ledger)


def _build(ledger) -> dict[str, bytes]:
    from taizhang.export.files import build_downloads
    from taizhang.views import Scope

    return build_downloads(ledger, Scope(ledger, ledger.current_round))


def _each_download(ledger):
    """(URL, bytes) of each download, made when asked for (export/files.each_download)."""
    from taizhang.export.files import each_download
    from taizhang.views import Scope

    return each_download(ledger, Scope(ledger, ledger.current_round))


def _write_as_made(downloads, path_of) -> dict[str, str]:
    """Each of `downloads` ((URL, bytes), made when asked for) written to path_of(URL,
    index) as soon as it is made, and let go before the next is made (WRITE_EACH);
    the paths written, by URL."""
    paths = {}
    for src_uri, data in downloads:
        paths[src_uri] = path_of(src_uri, len(paths))
        write_file(Path(paths[src_uri]), data)
        del data      # not held while the next one is made
        collector.give_back()   # nor the memory that made it (collector.GIVE_BACK)
    return paths


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

    @staticmethod
    def _made(downloads):
        """The downloads, a failure to make one reported as result() reports it."""
        while True:
            try:
                item = next(downloads)
            except StopIteration:
                return
            except Exception as exc:  # the message the second process would have sent
                raise RuntimeError(f"生成下载文件失败：{type(exc).__name__}: {exc}") from exc
            yield item
            del item

    def write_into(self, site_dir: Path) -> None:
        """Write each download under site_dir, releasing each once written (made
        one at a time, each written before the next is made: WRITE_EACH)."""
        if WRITE_EACH and self._result is None:
            ledger, self._ledger, self._result = self._ledger, None, {}
            _write_as_made(self._made(_each_download(ledger)), lambda src_uri, _: Path(site_dir) / src_uri)
            return
        files, self._result = self.result(), {}
        _write_each(files, site_dir)


class Background:
    def __init__(self, root: Path, ledger):
        self._result: dict[str, bytes] | None = None
        self._folder = None   # where the child writes the files (VIA_FILES), removed when this object goes
        pickled = ledger_bytes(ledger) if SEND_LEDGER else None
        # A list, so that the child can let go of the pickled ledger once it has read it.
        source = ["ledger", pickled] if pickled is not None else ["project", (Path(root), ledger.today, ledger.shown_round)]
        del pickled
        if VIA_FILES:
            try:
                fsutil.remove_orphaned_folders(FOLDER_PREFIX)   # those of builds that were killed
                self._folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
            except OSError:   # no writable temporary folder: the files come through the pipe
                pass
            else:
                weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        self._receive, send = spawn.CONTEXT.Pipe(duplex=False)
        self._process = spawn.start(_run, (source, send, self._folder), "taizhang-downloads")
        send.close()

    def _receive_result(self):
        """("ok", {URI: bytes} or {URI: file in self._folder}) or ("error", message)."""
        try:
            return pickle.loads(self._receive.recv_bytes())
        except EOFError:
            return "error", "导出进程意外退出"
        finally:
            self._process.join()
            self._receive.close()

    def result(self) -> dict[str, bytes]:
        if self._result is None:
            status, payload = self._receive_result()
            if status == "error":
                raise RuntimeError(f"生成下载文件失败：{payload}")
            if self._folder is not None:
                payload = {src_uri: _read(os.path.join(self._folder, name)) for src_uri, name in payload.items()}
                shutil.rmtree(self._folder, ignore_errors=True)
            self._result = payload
        return self._result

    def write_into(self, site_dir: Path) -> None:
        """Write each download under site_dir: moved from the child's folder when
        it wrote them there, so that this process never holds them all."""
        if self._folder is None or self._result is not None:
            files, self._result = self.result(), {}
            _write_each(files, site_dir)
            return
        status, payload = self._receive_result()
        if status == "error":
            raise RuntimeError(f"生成下载文件失败：{payload}")
        self._result = {}
        try:
            for src_uri, name in payload.items():
                target = Path(site_dir) / src_uri
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.replace(os.path.join(self._folder, name), target)
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    write_file(target, _read(os.path.join(self._folder, name)))   # another file system
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)


def _write_each(files: dict[str, bytes], site_dir: Path) -> None:
    """Write the files under site_dir, in order, each let go once written."""
    for src_uri in list(files):
        write_file(Path(site_dir) / src_uri, files.pop(src_uri))


def write_file(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


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


FOLDER_PREFIX = "taizhang-downloads-"   # then the build's pid and mkdtemp's letters


def _ledger(source: list):
    how, what = source
    source.clear()   # the pickled ledger is not kept while the files are made
    if how == "ledger":
        return pickle.loads(what)
    from taizhang.project import analyse

    root, today, round_id = what
    return analyse(root, today=today, round_id=round_id).ledger


def _run(source: list, send, folder: str | None) -> None:
    try:
        if folder is not None and WRITE_EACH:
            made = _write_as_made(_each_download(_ledger(source)), lambda _, index: os.path.join(folder, str(index)))
            files = {src_uri: os.path.basename(path) for src_uri, path in made.items()}   # names only
        else:
            files = _build(_ledger(source))
            if folder is not None:
                # Each file written and let go; the parent is sent their names only.
                names = {}
                for src_uri in list(files):
                    names[src_uri] = str(len(names))
                    with open(os.path.join(folder, names[src_uri]), "wb") as f:
                        f.write(files.pop(src_uri))
                files = names
        message = ("ok", files)
    except Exception as exc:  # reported in the parent, with the build's message
        message = ("error", f"{type(exc).__name__}: {exc}")
    send.send_bytes(pickle.dumps(message))
    send.close()
