"""The download files (format, URL, Chinese file name), listed once.

The dashboard links them, export/files.py builds them, `taizhang export
--format` offers their formats. Kept apart from views so the command line
can list the formats without importing the view-building code.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False   # typing's own flag, without importing typing for `taizhang check`
if TYPE_CHECKING:
    from taizhang.vocabulary import Vocabulary


@dataclass(frozen=True)
class Download:
    """A file offered for download: its format, URL and Chinese file name."""

    format: str     # what `taizhang export --format` calls it
    uri: str        # stable ASCII URL under the site
    name: str       # the Chinese file name it is saved as; {report_name} is the phrase

    def name_in(self, vocab: Vocabulary) -> str:
        return self.name.format(report_name=vocab.phrase("report_name"), ledger=vocab.phrase("sheet_ledger"),
                                records=vocab.phrase("download_records"))


DOWNLOADS = (
    Download("xlsx", "downloads/taizhang.xlsx", "{ledger}.xlsx"),
    Download("csv", "downloads/ledger.csv", "{ledger}.csv"),
    Download("json", "downloads/records.json", "{records}.json"),
    Download("schema", "downloads/records.schema.json", "{records}.schema.json"),
    Download("docx", "downloads/report.docx", "{report_name}.docx"),
)
