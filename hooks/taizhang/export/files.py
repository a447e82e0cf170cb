"""The download files (views.DOWNLOADS), built from the ledger: one builder
per format, so `taizhang export` builds only the file it writes."""

from __future__ import annotations

from taizhang.export.report import report_docx
from taizhang.export.tabular import ledger_csv, records_json, schema_bytes
from taizhang.export.xlsx import build_workbook
from taizhang.link import Ledger
from taizhang.views import DOWNLOADS, Scope
from taizhang.views.report import build_report

BUILDERS = {
    "xlsx": lambda ledger, scope: build_workbook(ledger, scope),
    "csv": lambda ledger, scope: ledger_csv(ledger, scope),
    "json": lambda ledger, scope: records_json(ledger),
    "schema": lambda ledger, scope: schema_bytes(ledger.vocab),
    "docx": lambda ledger, scope: report_docx(build_report(ledger, scope)),
}


def build_download(ledger: Ledger, scope: Scope, fmt: str) -> bytes:
    return BUILDERS[fmt](ledger, scope)


def build_downloads(ledger: Ledger, scope: Scope) -> dict[str, bytes]:
    """Every download, by its URL under the site."""
    return dict(each_download(ledger, scope))


def each_download(ledger: Ledger, scope: Scope):
    """(URL, bytes) of every download, in order, each made when asked for: a caller
    that writes each and lets it go never holds two (export/background.WRITE_EACH)."""
    for d in DOWNLOADS:
        yield d.uri, build_download(ledger, scope, d.format)
