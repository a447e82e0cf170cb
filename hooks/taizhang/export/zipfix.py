"""Office files are zip archives stamped with the time they were written;
re-zipping with fixed stamps makes rebuilds byte-identical.

openpyxl and python-docx deflate every member as they save, and fixed_zip
inflates and deflates them all again. The writers here hand over their
members uncompressed instead (STORED_FIRST): the same members in the same
order, deflated once, so the file is the same (tests/test_exports.py builds
it both ways)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

STORED_FIRST = True   # False: the writers' own deflated archives, read back (tests compare the two files)


def fixed_zip(data: bytes, stamp: dt.datetime, edit=None) -> bytes:
    """`edit(name, data) -> data`, if given, may rewrite a member on the way."""
    return fixed_members(_members_of(data), stamp, edit)


def fixed_members(members, stamp: dt.datetime, edit=None) -> bytes:
    """The archive of `members` ((name, data) pairs, in order), as fixed_zip writes it."""
    archive = FixedArchive(stamp, edit)
    for name, data in members:
        archive.writestr(name, data)
    archive.close()
    return archive.getvalue()


class FixedArchive:
    """What a writer (openpyxl's ExcelWriter) uses of a ZipFile: each member goes
    into the fixed archive as it is written, as fixed_members writes it, so the
    members need not all be held until the end (xlsx.SHEET_BY_SHEET)."""

    def __init__(self, stamp: dt.datetime, edit=None):
        self._stamp, self._edit = stamp, edit
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, name: str, data) -> None:
        if isinstance(data, str):       # as ZipFile.writestr
            data = data.encode("utf-8")
        info = self._info(name)
        if name == "docProps/core.xml":  # writers stamp "modified" with the current time
            data = _CORE_DATES.sub(rb"\g<1>" + self._stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
        if self._edit is not None:
            data = self._edit(name, data)
        self._zip.writestr(info, data)

    def write(self, filename, arcname: str) -> None:
        with open(filename, "rb") as file:
            self.writestr(arcname, file.read())

    def write_chunks(self, name: str, chunks, size: int) -> None:
        """writestr(name, b"".join(chunks)) for an iterator of chunks of `size` bytes in
        all, each chunk edited and deflated in turn and let go (the same bytes: the edit
        never spans two chunks, each being whole elements, and zlib's stream does not
        depend on how its input is cut); too big for a member without ZIP64 (as
        ZipFile.writestr decides it): joined."""
        if name == "docProps/core.xml" or size * 1.05 > zipfile.ZIP64_LIMIT:
            self.writestr(name, b"".join(chunks))
            return
        with self._zip.open(self._info(name), "w") as member:
            for chunk in chunks:
                member.write(chunk if self._edit is None else self._edit(name, chunk))
                del chunk

    def namelist(self) -> list[str]:
        return self._zip.namelist()

    def close(self) -> None:
        self._zip.close()

    def getvalue(self) -> bytes:
        return self._out.getvalue()


# The workbook hands its members over as (name, data) pairs, as the document does
# (WORKBOOK_MEMBERS; False: written into a stored zip archive and read back, which
# copied and checksummed its 46 MB of XML twice more at 5,000 records).
WORKBOOK_MEMBERS = True


def workbook_members(wb) -> list[tuple[str, bytes]]:
    """openpyxl's Workbook.save as (name, data) pairs, in the order it writes them:
    save_workbook's steps, with the worksheets' cells written by export/sheetxml
    (its SHEET_XML), into a list of members (WORKBOOK_MEMBERS) or else into an
    archive read back: stored (STORED_FIRST) or deflated as openpyxl does."""
    from openpyxl.writer.excel import ExcelWriter

    from taizhang.export import sheetxml

    if not STORED_FIRST and not sheetxml.SHEET_XML:
        buffer = io.BytesIO()
        wb.save(buffer)
        return _members_of(buffer.getvalue())
    writer = sheetxml.QuickExcelWriter if sheetxml.SHEET_XML else ExcelWriter
    if WORKBOOK_MEMBERS and STORED_FIRST:
        archive = _Archive()
    else:
        buffer = io.BytesIO()
        archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if STORED_FIRST else zipfile.ZIP_DEFLATED,
                                  allowZip64=True)
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
    writer(wb, archive).save()          # closes the archive
    return archive if isinstance(archive, _Archive) else _members_of(buffer.getvalue())


def streamed_workbook(wb, steps, stamp: dt.datetime, edit=None) -> bytes:
    """The archive fixed_members makes of workbook_members(wb), with the worksheets
    built while it is written: each step of `steps` builds the next sheet(s), which
    are written (export/sheetxml's QuickExcelWriter) and deflated into the archive,
    and their cells dropped, before the next step (xlsx.SHEET_BY_SHEET)."""
    from taizhang.export import sheetxml

    archive = FixedArchive(stamp, edit)
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)   # as workbook_members
    sheetxml.QuickExcelWriter(wb, archive, steps).save()          # closes the archive
    return archive.getvalue()


def _members_of(data: bytes) -> list[tuple[str, bytes]]:
    """An archive's members, in order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return [(name, source.read(name)) for name in source.namelist()]


class _Archive(list):
    """What ExcelWriter uses of a ZipFile, keeping the members written, in order."""

    def writestr(self, name: str, data) -> None:
        self.append((name, data.encode("utf-8") if isinstance(data, str) else data))   # as ZipFile.writestr

    def write(self, filename, arcname: str) -> None:
        with open(filename, "rb") as file:
            self.append((arcname, file.read()))

    def namelist(self) -> list[str]:
        return [name for name, _ in self]

    def close(self) -> None:
        pass


def document_members(document) -> list[tuple[str, bytes]]:
    """python-docx's Document.save as (name, data) pairs, in the order its
    PackageWriter writes them (content types, package rels, each part and its rels)."""
    if not STORED_FIRST:
        buffer = io.BytesIO()
        document.save(buffer)
        return _members_of(buffer.getvalue())
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:                   # OpcPackage.save
        part.before_marshal()
    members = _Members()
    parts = package.parts
    PackageWriter._write_content_types_stream(members, parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, parts)
    return members


class _Members(list):
    """A PhysPkgWriter that keeps what is written, in order."""

    def write(self, pack_uri, blob) -> None:
        self.append((pack_uri.membername, blob))
