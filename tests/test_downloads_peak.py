"""The downloads process's peak memory, made smaller without changing a byte
(README 性能, issue #32 goal 4):

- export/xlsx builds a sheet, writes it and deflates it into the archive, and drops
  its cells before building the next (SHEET_BY_SHEET);
- export/sheetxml encodes <sheetData> a few thousand strings at a time and the
  archive deflates the worksheet chunk by chunk (CHUNKS);
- export/tabular encodes the CSV as its rows are written (CSV_AS_BYTES);
- export/background writes each download as soon as it is made, in the downloads
  process and in the build process on one core (WRITE_EACH).

Every file is made with each switch off, with all off and with all on, on the
sample, on hostile titles and on a generated ledger with hostile text, and compared
byte for byte; then each switch is shown to hold less: these tests fail when it is off.
"""

from __future__ import annotations

import io
import pickle
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, copy_project, generated_ledger
from taizhang.export import background, files, sheetxml, tabular, xlsx, zipfix
from taizhang.project import analyse
from taizhang.views import DOWNLOADS, Scope
from test_exports import _hostile_records
from test_record_headings import _hostile_project

SWITCHES = [(xlsx, "SHEET_BY_SHEET"), (sheetxml, "CHUNKS"), (sheetxml, "SPOOL"), (sheetxml, "SHORT_TEXTS_KEPT"),
            (tabular, "CSV_AS_BYTES"), (background, "WRITE_EACH"), (tabular, "RECORD_BY_RECORD"), (files, "CSV_FIRST")]


def _switched(on: dict):
    """Set the switches (those not named in `on`: True); a context that puts them back."""
    class Switched:
        def __enter__(self):
            for module, name in SWITCHES:
                setattr(module, name, on.get(name, True))

        def __exit__(self, *exc):
            for module, name in SWITCHES:
                setattr(module, name, True)

    return Switched()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """300 generated records, hostile text in some (formulas, control and astral characters, 33,000 characters)."""
    project = generated_ledger(tmp_path_factory.mktemp("peak") / "generated", 300)
    _hostile_records(project / "records")
    return project


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return _hostile_project(tmp_path_factory.mktemp("peak") / "hostile")


def _ledger(root: Path):
    ledger = analyse(root).ledger
    ledger.work_out_figures()
    return ledger


class _Pipe:
    """The child's end of the pipe: keeps what _run sends."""

    def send_bytes(self, data):
        self.message = pickle.loads(data)

    def close(self):
        pass


def _made_by_the_child(ledger, folder: Path) -> dict[str, bytes]:
    """What background._run (the downloads process) writes into its folder, by URL."""
    folder.mkdir()
    pipe = _Pipe()
    background._run(["ledger", background.ledger_bytes(ledger)], pipe, str(folder))
    status, names = pipe.message
    assert status == "ok", names
    return {src_uri: (folder / name).read_bytes() for src_uri, name in names.items()}


def _written_in_process(ledger, site: Path) -> dict[str, bytes]:
    """What InProcess (one core) writes into the site, by URL."""
    background.InProcess(ledger).write_into(site)
    return {d.uri: (site / d.uri).read_bytes() for d in DOWNLOADS}


@pytest.mark.parametrize("project", ["sample", "hostile", "generated"])
def test_every_download_is_the_same_with_and_without_the_switches(project, request, tmp_path):
    """build_downloads with every switch on, all off, each off; the downloads process's
    files (background._run) and those InProcess writes into the site, all on and all off."""
    root = {"sample": REPO}.get(project) or request.getfixturevalue(project)
    ledger = _ledger(root)
    all_off = {name: False for _, name in SWITCHES}
    made = {}
    for n, on in enumerate([{}, all_off] + [{name: False} for _, name in SWITCHES]):
        with _switched(on):
            made[n, "build_downloads"] = files.build_downloads(ledger, Scope(ledger, ledger.current_round))
    for n, on in enumerate([{}, all_off]):
        with _switched(on):
            made[n, "child"] = _made_by_the_child(ledger, tmp_path / f"child-{n}")
            made[n, "in process"] = _written_in_process(_ledger(root), tmp_path / f"site-{n}")
    first = made[0, "build_downloads"]
    assert list(first) == [d.uri for d in DOWNLOADS]
    for key, downloads in made.items():
        assert downloads.keys() == first.keys(), key
        assert [uri for uri in first if downloads[uri] != first[uri]] == [], key
    if project == "generated":       # not vacuous: several chunks of the ledger sheet, the hostile text is there
        sheet = zipfile.ZipFile(io.BytesIO(first["downloads/taizhang.xlsx"])).read("xl/worksheets/sheet1.xml")
        assert sheet.count(b"<row ") > 3 * sheetxml._CHUNK_PIECES / 20
        assert b"=SUM(A1:A2)" in sheet and b"&#128512;" in sheet


def _peak(make, **on) -> int:
    """The most memory Python allocated while make() ran, with the switches `on`."""
    with _switched(on):
        tracemalloc.start()
        try:
            make()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_the_workbook_holds_one_sheets_cells_and_never_a_whole_sheets_xml(generated, monkeypatch):
    """When a sheet's <sheetData> is written, no other sheet holds cells (SHEET_BY_SHEET:
    the earlier ones were dropped, the later ones are not built yet), and the ledger
    sheet's XML reaches the archive in many chunks, none a third of it (CHUNKS; here
    a chunk is 64 strings). Building the workbook allocates less at its peak than with
    any switch off: by more than a third of the ledger sheet's XML (the other sheets'
    cells and XML), by more than the sheet's XML (held as strings, joined, encoded,
    joined again and edited), by a quarter of it (SPOOL: its chunks all held until
    deflated) and by a sixth (SHORT_TEXTS_KEPT: each long text's element kept)."""
    ledger = _ledger(generated)
    scope = Scope(ledger, ledger.current_round)
    monkeypatch.setattr(sheetxml, "_CHUNK_PIECES", 64)
    xlsx.build_workbook(ledger, scope)       # warm: first-use caches and imports are not counted
    others, handed = [], {}
    original_data, original_chunks = sheetxml.sheet_data, zipfix.FixedArchive.write_chunks

    def observed_data(ws):
        others.append(sum(len(sheet._cells) for sheet in ws.parent.worksheets if sheet is not ws))
        return original_data(ws)

    def observed_chunks(self, name, chunks, size):
        sizes = handed.setdefault(name, []) if name not in handed else []   # the first build's

        def counted():
            for chunk in chunks:
                sizes.append(len(chunk))
                yield chunk
        return original_chunks(self, name, counted(), size)

    monkeypatch.setattr(sheetxml, "sheet_data", observed_data)
    monkeypatch.setattr(zipfix.FixedArchive, "write_chunks", observed_chunks)
    peak = _peak(lambda: xlsx.build_workbook(ledger, scope))
    assert len(others) >= 5 and others == [0] * len(others), others
    sizes = handed["xl/worksheets/sheet1.xml"]
    assert len(sizes) > 10 and max(sizes) < sum(sizes) / 3, sizes
    for switch, less in (("SHEET_BY_SHEET", sum(sizes) / 3), ("CHUNKS", sum(sizes)),
                         ("SPOOL", sum(sizes) / 4), ("SHORT_TEXTS_KEPT", sum(sizes) / 6)):
        old = _peak(lambda: xlsx.build_workbook(ledger, scope), **{switch: False})
        assert peak + less < old, (switch, peak, old, sum(sizes))


def test_the_csv_is_encoded_as_it_is_written(generated):
    """Making ledger.csv allocates at its peak less than 1.4 times the file (CSV_AS_BYTES;
    as text it was held three times over, and encoded)."""
    ledger = _ledger(generated)
    scope = Scope(ledger, ledger.current_round)
    data = tabular.ledger_csv(ledger, scope)      # warm: the rows' cells are made once per scope
    peak = _peak(lambda: tabular.ledger_csv(ledger, scope))
    assert len(data) > 500_000 and peak < 1.4 * len(data), (peak, len(data))


@pytest.mark.parametrize("where", ["child", "in process"])
def test_each_download_is_let_go_before_the_next_is_made(generated, tmp_path, where):
    """When the last download (the report) starts being made, the memory in use is
    lower than with WRITE_EACH off by most of the size of the downloads made since the
    workbook (traced from there): none of them is held any more; in the downloads
    process and on one core alike."""
    original = dict(files.BUILDERS)
    formats = [d.format for d in DOWNLOADS]
    sizes, in_use = {}, {}

    def observed(fmt, build):
        def make(ledger, scope):
            if fmt == formats[1]:
                tracemalloc.start()
            if fmt == formats[-1]:
                in_use[background.WRITE_EACH] = tracemalloc.get_traced_memory()[0]
                tracemalloc.stop()
            data = build(ledger, scope)
            sizes[fmt] = len(data)
            return data
        return make

    try:
        files.BUILDERS.update({fmt: observed(fmt, build) for fmt, build in original.items()})
        for on in (True, False):
            ledger = _ledger(generated)
            with _switched({"WRITE_EACH": on}):
                if where == "child":
                    _made_by_the_child(ledger, tmp_path / f"child-{on}")
                else:
                    _written_in_process(ledger, tmp_path / f"site-{on}")
    finally:
        tracemalloc.stop()
        files.BUILDERS.clear()
        files.BUILDERS.update(original)
    since = sum(size for fmt, size in sizes.items() if fmt in formats[1:-1])
    assert since > 1_000_000 and in_use[True] + 0.8 * since < in_use[False], (in_use, since)


@pytest.mark.parametrize("switches", ["on", "off"])
def test_a_cell_that_says_custom_height_keeps_its_text(tmp_path, switches):
    """xlsx.automatic_rows drops customHeight from the rows' tags, chunk by chunk
    (CHUNKS, SHEET_BY_SHEET) or whole: never from a cell's text. lxml writes a quote
    in text as it is, so a record whose text says ` customHeight="1"` put exactly
    those bytes into <sheetData>, and the edit took them out of the cell."""
    project = copy_project(tmp_path / "project")
    path = project / "records" / "problems" / "WT-001.md"
    said = 'rows: customHeight="1" and customHeight="1"/> here'
    path.write_text(path.read_text(encoding="utf-8") + f"\n{said}\n", encoding="utf-8")
    ledger = _ledger(project)
    with _switched({} if switches == "on" else {name: False for _, name in SWITCHES}):
        book = xlsx.build_workbook(ledger, Scope(ledger, ledger.current_round))
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    assert said.replace(">", "&gt;").encode("ascii") in sheet
    assert re.search(rb'<row [^>]*customHeight', sheet) is None and b"<row " in sheet


def test_a_sheet_is_the_same_when_no_temporary_file_can_be_made(generated, monkeypatch):
    """SPOOL with a full or read-only temporary folder: the chunks are kept in memory
    (the list, as with SPOOL off) and the workbook is the same bytes."""
    import tempfile

    ledger = _ledger(generated)
    scope = Scope(ledger, ledger.current_round)
    spooled = xlsx.build_workbook(ledger, scope)
    made = []

    def refused(*args, **kwargs):
        made.append(kwargs.get("prefix"))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    assert xlsx.build_workbook(ledger, scope) == spooled
    assert made and set(made) == {"taizhang-sheet-"}


def test_a_sheet_is_the_same_when_the_temporary_file_fills_up(generated, monkeypatch):
    """SPOOL when the temporary folder's disk fills while a sheet is spooled: the
    chunks written so far are read back, the rest held in memory, and the workbook
    is the same bytes (no download lost for want of temporary space)."""
    import errno
    import tempfile

    ledger = _ledger(generated)
    scope = Scope(ledger, ledger.current_round)
    monkeypatch.setattr(sheetxml, "_CHUNK_PIECES", 64)     # many chunks: the disk fills after a few
    spooled = xlsx.build_workbook(ledger, scope)
    real = tempfile.TemporaryFile
    full = []

    class FillingUp:
        """A real unbuffered temporary file whose disk is full after 20,000 bytes."""

        def __init__(self, file):
            self._file, self._written = file, 0

        def write(self, data):
            room = 20_000 - self._written
            if room <= 0:
                full.append(self._written)
                raise OSError(errno.ENOSPC, "No space left on device")
            written = self._file.write(data[:room])      # a short write, then the error
            self._written += written
            return written

        def __getattr__(self, name):
            return getattr(self._file, name)

    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: FillingUp(real(*a, **k)))
    assert xlsx.build_workbook(ledger, scope) == spooled
    assert full    # the disk did fill up


def test_the_csv_is_made_before_the_workbook():
    """export.files.CSV_FIRST: the CSV first, then the rest as DOWNLOADS lists them."""
    ledger = _ledger(REPO)
    made = files.each_download(ledger, Scope(ledger, ledger.current_round))
    assert next(made)[0] == "downloads/ledger.csv" and next(made)[0] == "downloads/taizhang.xlsx"
    assert files.MAKING_ORDER == ("csv", *(d.format for d in DOWNLOADS if d.format != "csv"))
    with _switched({"CSV_FIRST": False}):
        assert next(files.each_download(ledger, Scope(ledger, ledger.current_round)))[0] == DOWNLOADS[0].uri
