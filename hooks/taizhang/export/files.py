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
    """Every download, by its URL under the site, in DOWNLOADS' order."""
    made = dict(each_download(ledger, scope))
    return {d.uri: made[d.uri] for d in DOWNLOADS}


# The order the downloads are made in (CSV_FIRST; False: DOWNLOADS' order, the
# workbook first). The CSV and the workbook share the ledger rows' cells
# (rows.SHARED_CELLS). At 5,000 records on one core, made in the build process after
# the pages, the workbook first left its memory spread out where the CSV's 24 MB then
# came on top: the CSV peaked 21 MB higher than the whole of them made CSV first
# (README 性能).
CSV_FIRST = True
MAKING_ORDER = tuple(sorted((d.format for d in DOWNLOADS), key=lambda fmt: fmt != "csv"))   # the rest as listed


def each_download(ledger: Ledger, scope: Scope):
    """(URL, bytes) of every download, each made when asked for (CSV_FIRST: in
    MAKING_ORDER): a caller that writes each and lets it go never holds two
    (export/background.WRITE_EACH)."""
    downloads = sorted(DOWNLOADS, key=lambda d: MAKING_ORDER.index(d.format)) if CSV_FIRST else DOWNLOADS
    for d in downloads:
        yield d.uri, build_download(ledger, scope, d.format)
