"""MkDocs' console in the vocabulary's words.

MkDocs logs "Cleaning site directory", "Documentation built in 2.31 seconds",
"Serving on …" in English. A logging filter on MkDocs' console handler
rewrites the known lines from the vocabulary's phrases (console_*); any other
line, and every warning and error, passes unchanged. That is all a hook can
do: some lines come before any hook runs or after the last one —

- Material's end-of-life banner, printed by material/templates/__init__.py
  when MkDocs imports the theme (unless NO_MKDOCS_2_WARNING is set);
- MkDocs' first "Building documentation..." of `mkdocs serve`;
- the "INFO    -  " level prefix of every line (MkDocs' ColorFormatter);
- click's "Aborted!" when Ctrl-C comes during a build, and Python's
  resource_tracker warning about semaphores left at shutdown.

`taizhang build` and `taizhang serve` (run_engine) therefore run MkDocs as a
child with the banner switched off and relay every line of its console
through speak(): known lines in Chinese, the level as a Chinese lead, and any
other English line kept whole behind a Chinese mark (a real warning is never
dropped). A traceback is held until its last line: an error the user can fix
(the port taken by another preview, an address this machine does not have)
is said in one Chinese line with the fix; any other is relayed whole.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys

from taizhang import spawn
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
    (re.compile(r"A 'dirty' build is being performed, this will likely lead to inaccurate navigation and other"
                r" links within your site\. This option is designed for site development purposes only\."), "console_dirty"),
    (re.compile(r'The following pages exist in the docs directory, but are not included in the "nav" configuration:'
                r"(?P<pages>.*)", re.S), "console_not_in_nav"),
    (re.compile(r"Doc file '(?P<file>[^']*)' contains a link '(?P<link>[^']*)', but the target (?:'[^']*' )?"
                r"is not found among documentation files\.(?P<hint>.*)", re.S), "console_broken_link"),
)


_STAMP = re.compile(r"\[\d\d:\d\d:\d\d\] ")


def _known(text: str, vocab: Vocabulary) -> str | None:
    """One of MkDocs' known lines in the vocabulary's words (its [HH:MM:SS] kept), or None."""
    stamp = _STAMP.match(text)   # the live-reload server's lines start with [HH:MM:SS]
    rest = text[stamp.end():] if stamp else text
    for pattern, phrase in LINES:
        match = pattern.fullmatch(rest)
        if match:
            return (stamp.group(0) if stamp else "") + vocab.phrase(phrase, **match.groupdict())
    return None


class ChineseConsole(logging.Filter):
    """Rewrites MkDocs' known lines; never drops a record (nor changes its level)."""

    def __init__(self, vocab: Vocabulary):
        super().__init__()
        self.vocab = vocab

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and not record.args:
            said = _known(record.msg, self.vocab)
            if said is not None:
                record.msg = said
        return True


def speak_chinese(logger: logging.Logger, vocab: Vocabulary) -> None:
    """Put the filter on the logger's handlers (once; the newest vocabulary wins)."""
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, ChineseConsole)]:
            handler.removeFilter(old)
        handler.addFilter(ChineseConsole(vocab))


# A line of MkDocs' console as its ColorFormatter writes it: level, padding, "-  ", message.
_LEVEL = re.compile(r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) *-  (?P<text>.*)")
LEADS = {"DEBUG": "console_lead_debug", "INFO": None, "WARNING": "console_lead_warning",
         "ERROR": "console_lead_error", "CRITICAL": "console_lead_error"}
# Lines written outside MkDocs' logging → the phrase that replaces them.
OTHER_LINES = (
    (re.compile(r"Aborted!"), "console_aborted"),   # click, on Ctrl-C during a build
    (re.compile(r"Aborted with (?P<count>\d+) warnings? in strict mode!"), "console_strict_failed"),
    # Python's resource_tracker, when a process ends with a semaphore still registered
    (re.compile(r".*resource_tracker: There appear to be (?P<count>\d+) leaked (?P<what>\w+) objects"
                r" to clean up at shutdown.*"), "console_leaked"),
)
# The last line of a traceback MkDocs ends with → the phrase said instead of the
# whole traceback (an error the user causes and can fix, not a fault in MkDocs).
TRACEBACK_ENDS = (
    (re.compile(r"OSError: \[Errno 98\] Address already in use"), "console_address_in_use"),
    (re.compile(r"OSError: \[Errno 99\] Cannot assign requested address"), "console_address_unknown"),
)
_TRACEBACK = "Traceback (most recent call last):"
# The source line Python's warnings module prints under the resource_tracker warning: said already.
_ECHO = re.compile(r"\s+warnings\.warn\('resource_tracker: .*")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HAN = re.compile(r"[\u3400-\u9fff]")


def speak(line: str, vocab: Vocabulary) -> str | None:
    """One line of MkDocs' console, said in Chinese (None: drop it, its
    content was said already)."""
    line = _ANSI.sub("", line.rstrip("\r\n"))
    if _ECHO.fullmatch(line):
        return None
    level = _LEVEL.fullmatch(line)
    if level:
        name = LEADS[level.group("level")]
        lead = vocab.phrase(name) if name else ""
        text = level.group("text")
        said = _known(text, vocab)
        return lead + (said if said is not None else _marked(text, vocab))
    for pattern, phrase in OTHER_LINES:
        match = pattern.fullmatch(line)
        if match:
            return vocab.phrase(phrase, **match.groupdict())
    if not line.strip() or line[0].isspace():
        return line   # a blank line, or the continuation of the line above (wrapped text, traceback)
    return _marked(line, vocab)


def speak_traceback(lines: list[str], vocab: Vocabulary) -> list[str]:
    """A traceback MkDocs printed (its header to its exception line): one
    line in Chinese when the error is a known one, else every line as speak()
    says it (the traceback kept whole, behind the Chinese mark)."""
    last = _ANSI.sub("", lines[-1].rstrip("\r\n"))
    for pattern, phrase in TRACEBACK_ENDS:
        if pattern.fullmatch(last):
            return [vocab.phrase("console_lead_error") + vocab.phrase(phrase)]
    return [said for said in (speak(line, vocab) for line in lines) if said is not None]


def _marked(text: str, vocab: Vocabulary) -> str:
    """A line nobody translated: kept whole, behind a Chinese mark when it has no Chinese."""
    return text if _HAN.search(text) else vocab.phrase("console_original") + text


def run_engine(arguments: list[str], vocab: Vocabulary, cwd, out=None) -> int:
    """`python -m mkdocs ARGUMENTS` in `cwd`, its console relayed through
    speak() to `out` (stderr) line by line as it comes. Ctrl-C (and SIGTERM,
    SIGHUP) reaches MkDocs once, through this process: MkDocs runs in a
    session of its own, so the terminal's signal does not reach it (nor the
    search process it started) directly.
    Returns MkDocs' exit code (128 + the signal if a signal ended it)."""
    out = out or sys.stderr
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    child = None

    def forward(number, _frame):
        if child is None:   # before MkDocs started: nothing to stop yet but this process
            raise KeyboardInterrupt
        try:
            os.kill(child.pid, number)   # MkDocs alone: its own children end with it (spawn)
        except ProcessLookupError:
            pass

    # The handlers come first: a signal this process was started ignoring
    # (a background job, nohup) would otherwise stay ignored in MkDocs too,
    # which then never stops; a handler is reset to the default by exec.
    relayed = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {number: signal.signal(number, forward) for number in relayed}
    traceback: list[str] = []   # a traceback's lines, held until its exception line says what it is
    try:
        child = spawn.popen([sys.executable, "-m", "mkdocs", *arguments], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        for raw in child.stdout:
            line = raw.decode("utf-8", "replace")
            if traceback or line.startswith(_TRACEBACK):
                traceback.append(line)
                if len(traceback) > 1 and line.strip() and not line[0].isspace():
                    told, traceback = speak_traceback(traceback, vocab), []
                    print("\n".join(told), file=out, flush=True)
                continue
            said = speak(line, vocab)
            if said is not None:
                print(said, file=out, flush=True)
        if traceback:
            print("\n".join(speak_traceback(traceback, vocab)), file=out, flush=True)
        code = child.wait()
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code

