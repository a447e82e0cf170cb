"""MkDocs' own progress lines on the console, in the vocabulary's words.

MkDocs logs "Cleaning site directory", "Documentation built in 2.31 seconds",
"Serving on …" in English. A logging filter on MkDocs' console handler
rewrites the known lines from the vocabulary's phrases (console_*); any other
line, and every warning and error, passes unchanged.
"""

from __future__ import annotations

import logging
import re

from taizhang.vocabulary import Vocabulary

# MkDocs' message (as it formats it) → the phrase that replaces it; named groups fill the phrase.
LINES = (
    (re.compile(r"Cleaning site directory"), "console_cleaning"),
    (re.compile(r"Building documentation to directory: (?P<dir>.*)"), "console_building_to"),
    (re.compile(r"Documentation built in (?P<seconds>[\d.]+) seconds"), "console_built"),
    (re.compile(r"Building documentation\.\.\."), "console_building"),
    (re.compile(r"Watching paths for changes: (?P<paths>.*)"), "console_watching"),
    (re.compile(r"Serving on (?P<url>\S+)(?: and opening it in a browser)?"), "console_serving"),
    (re.compile(r"Shutting down\.\.\."), "console_shutting_down"),
    (re.compile(r"Detected file changes"), "console_changes"),
    (re.compile(r"Reloading browsers"), "console_reloading"),
    (re.compile(r"Browser connected: (?P<url>.*)"), "console_browser"),
)


_STAMP = re.compile(r"\[\d\d:\d\d:\d\d\] ")


class ChineseConsole(logging.Filter):
    """Rewrites MkDocs' known INFO lines; never drops a record."""

    def __init__(self, vocab: Vocabulary):
        super().__init__()
        self.vocab = vocab

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and isinstance(record.msg, str) and not record.args:
            stamp = _STAMP.match(record.msg)   # the live-reload server's lines start with [HH:MM:SS]
            text = record.msg[stamp.end():] if stamp else record.msg
            for pattern, phrase in LINES:
                match = pattern.fullmatch(text)
                if match:
                    record.msg = (stamp.group(0) if stamp else "") + self.vocab.phrase(phrase, **match.groupdict())
                    break
        return True


def speak_chinese(logger: logging.Logger, vocab: Vocabulary) -> None:
    """Put the filter on the logger's handlers (once; the newest vocabulary wins)."""
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, ChineseConsole)]:
            handler.removeFilter(old)
        handler.addFilter(ChineseConsole(vocab))
