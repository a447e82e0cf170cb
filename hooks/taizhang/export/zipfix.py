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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if name == "docProps/core.xml":  # writers stamp "modified" with the current time
                data = _CORE_DATES.sub(rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            if edit is not None:
                data = edit(name, data)
            target.writestr(info, data)
    return out.getvalue()


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
