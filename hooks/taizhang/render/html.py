"""Small HTML builders shared by every page; every value passes `esc`.

Generated pages are Markdown files whose tables and cards are raw HTML
blocks: escaping is then plain `html.escape`, and a title holding `|`, `[`
or `<script>` cannot break a table or run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from taizhang.link import DONE, GREEN, LIGHT_ORDER, PENDING, RED, YELLOW, Ledger, effective_deadline
from taizhang.markup import esc, md_inline
from taizhang.model import MeasureRecord, Record
from taizhang.render import urls
from taizhang.views import Scope, area_label, deadline_text, light_label, light_text, measure_note

FRAGMENT = "<!--tz-fragment:{}-->"
# A raw HTML block is written between these two comments, so the page's text
# says where its blocks are: `set_aside` takes them out for the adapter and
# `inline_blocks` keeps them in place. No record text can hold the markers:
# fields pass `esc` and bodies pass nh3, which drops comments.
BLOCK_OPEN = "<!--tz-block-->"
BLOCK_CLOSE = "<!--/tz-block-->"
_BLOCK = re.compile(f"{re.escape(BLOCK_OPEN)}(.*?){re.escape(BLOCK_CLOSE)}", re.S)


def block(inner: str) -> str:
    """A raw HTML block Markdown leaves alone: blank lines around, no indent."""
    return "\n\n" + BLOCK_OPEN + inner.strip() + BLOCK_CLOSE + "\n\n"


# Blocks are found with str.find rather than _BLOCK's lazy `.*?`, which tries the
# closing mark at every character of a block (a tenth of the pages' CPU at 5,000 records).
FIND_BLOCKS = True   # False: the _BLOCK regular expression (tests compare)


def _blocks(text: str):
    """(start, end, inner) of each block in order, as _BLOCK.finditer finds them:
    from an opening mark to the first closing mark after it."""
    start = text.find(BLOCK_OPEN)
    while start != -1:
        inner_start = start + len(BLOCK_OPEN)
        close = text.find(BLOCK_CLOSE, inner_start)
        if close == -1:
            return
        end = close + len(BLOCK_CLOSE)
        yield start, end, text[inner_start:close]
        start = text.find(BLOCK_OPEN, end)


def _replace_blocks(text: str, replace) -> str:
    parts: list[str] = []
    done = 0
    for start, end, inner in _blocks(text):
        parts.append(text[done:start])
        parts.append(replace(inner))
        done = end
    if not done:
        return text
    parts.append(text[done:])
    return "".join(parts)


def set_aside(text: str) -> tuple[str, list[str]]:
    """The page with each HTML block replaced by a placeholder comment, and
    the blocks in order.

    Python-Markdown parses every raw HTML block it meets; our tables are large
    and need no Markdown, so the adapter puts them back into the converted
    page instead (see fill_fragments)."""
    fragments: list[str] = []
    if FIND_BLOCKS:
        def keep(inner: str) -> str:
            if BLOCK_OPEN in inner:
                raise ValueError("an HTML block inside another one: build the outer block from plain HTML")
            fragments.append(inner)
            return FRAGMENT.format(len(fragments) - 1)
        return _replace_blocks(text, keep), fragments

    def take(match: re.Match) -> str:
        inner = match.group(1)
        if BLOCK_OPEN in inner:
            raise ValueError("an HTML block inside another one: build the outer block from plain HTML")
        fragments.append(inner)
        return FRAGMENT.format(len(fragments) - 1)

    return _BLOCK.sub(take, text), fragments


def inline_blocks(text: str) -> str:
    """The page as complete Markdown: each block's HTML where it stands."""
    if FIND_BLOCKS:
        return _replace_blocks(text, lambda inner: inner)
    return _BLOCK.sub(lambda match: match.group(1), text)


_PLACEHOLDER = re.compile(r"<!--tz-fragment:(\d+)-->")


def fill_fragments(html_text: str, fragments: list[str]) -> str:
    """Put the set-aside HTML back into a converted page."""
    return _PLACEHOLDER.sub(lambda m: fragments[int(m.group(1))], html_text)


_UNSEARCHED = "<section data-search-exclude>"


def unsearched(inner: str) -> str:
    """A block the search index skips (links to other records, Git history):
    searching a title should find that record, not every page linking to it.

    A <section>, not a <div>: Material's search parser matches elements by
    tag name, so the first </div> inside an excluded <div> (a table's
    wrapper) ends the exclusion and the rest of the block was indexed."""
    return f"{_UNSEARCHED}{inner}</section>"


def searched_fragments(fragments: list[str]) -> list[str]:
    """The fragments as the search index reads them: unsearched blocks left
    out, so the indexer need not parse them (they hold no heading with an id,
    the only thing inside them a search index would still read)."""
    return ["" if f.startswith(_UNSEARCHED) else f for f in fragments]


@dataclass(frozen=True)
class Cell:
    """A table cell whose sort key differs from its text (dates, statuses)."""

    html: str
    sort: str


@dataclass(frozen=True)
class Row:
    """Table cells plus the facts the offline filter reads (status, unit, …)."""

    cells: list
    facts: dict


# Column roles (phone cards): the id and title lines, cells spanning the card,
# cells shown right under the title (status, light), cells kept on one line.
ID, TITLE, WIDE, KEY, NOWRAP = "tz-id", "tz-title", "tz-wide", "tz-key", "tz-nowrap"


@dataclass(frozen=True)
class Col:
    """A column header; `css` marks its cells (e.g. `tz-wide` spans a phone card)."""

    label: str
    css: str = ""


def _col(header) -> Col:
    return header if isinstance(header, Col) else Col(header)


def _class_attr(css: str) -> str:
    return f' class="{esc(css)}"' if css else ""


def _cell_open(col: Col) -> str:
    """`<td data-label=… class=…`, the same for every cell of a column: made once per table."""
    return f'<td data-label="{esc(col.label)}"{_class_attr(col.css)}'


def _cell(cell, opening: str) -> str:
    if isinstance(cell, Cell):
        return f'{opening} data-sort="{esc(cell.sort)}">{cell.html}</td>'
    return f"{opening}>{cell}</td>"


def _row(row, openings: tuple[str, ...]) -> str:
    cells, facts = (row.cells, row.facts) if isinstance(row, Row) else (row, {})
    attrs = "".join(f' data-{k}="{esc("|".join(v) if isinstance(v, (list, tuple)) else v)}"'
                    for k, v in sorted(facts.items()))
    return f"<tr{attrs}>" + "".join([_cell(c, o) for c, o in zip(cells, openings)]) + "</tr>"


def table(headers: list, rows: list, css: str = "", empty: str = "（无）", footer=None) -> str:
    """An escaped HTML table in a `div.tz-table` wrapper.

    The <table> itself carries no class, so Material styles it like its own
    tables (lines, padding, a scroll box of its own); the wrapper's classes
    switch on the offline scripts (`tz-sortable`, `tz-filterable`: rows join
    the page's one filter bar) and the phone layout (`tz-cards`, default on;
    `tz-plain` turns it off for small figure tables).
    """
    if not rows:
        return f'<p class="tz-empty">{esc(empty)}</p>'
    start, openings = _table_start(tuple(headers), css)
    body = "\n".join([_row(r, openings) for r in rows])
    # `footer`: a totals row (合计), in <tfoot> so that sorting and filtering leave it last.
    foot = f"<tfoot>\n{_row(footer, openings)}\n</tfoot>\n" if footer is not None else ""
    return f"{start}<tbody>\n{body}\n</tbody>\n{foot}</table></div>"


@lru_cache(maxsize=256)
def _table_start(headers: tuple, css: str) -> tuple[str, tuple[str, ...]]:
    """The wrapper and <thead> of a table, and each column's <td …> opening:
    the same for every table with these headers (record pages make thousands)."""
    cols = [_col(h) for h in headers]
    head = "".join(f'<th{_class_attr(c.css)}>{esc(c.label)}</th>' for c in cols)
    layout = "" if "tz-plain" in css.split() else " tz-cards"
    return (f'<div class="{esc(("tz-table" + layout + " " + css).strip())}"><table>\n<thead><tr>{head}</tr></thead>\n',
            tuple(_cell_open(c) for c in cols))


@dataclass(frozen=True)
class ArchiveView:
    """What the build knows of the versioned archive (mike's gh-pages).

    `archived`: round ids already archived; `version`: the round mike is
    building now (None for a plain build, where archives live elsewhere)."""

    archived: frozenset[str] = frozenset()
    version: str | None = None

    def is_archived(self, round_id: str) -> bool:
        return round_id in self.archived or round_id == self.version

    def elsewhere(self, round_id: str | None) -> bool:
        """True when that round's pages are another version of this site: built by
        mike (versions side by side) and the round archived, not the one built now."""
        return bool(self.version and round_id and round_id != self.version and round_id in self.archived)


# Work on a record is paid once per build, not once per page that mentions it:
# its page's address, its escaped id, title and label, its 草稿 mark. And the
# pages share one Scope per round, so what a scope makes once (its figures, its
# task rows: Scope.made) is made once for the whole site.
ONCE_PER_BUILD = True   # False: every page works them out itself (tests compare)
# With a build's memo, a page also links each record once, whatever number of rows name it.
LINKS_PER_PAGE = True   # False: each mention makes its link anew (tests compare)


@dataclass(frozen=True)
class RecordPieces:
    """A record's HTML pieces, the same on every page (links differ only by their href)."""

    record: Record
    src: str        # its page (record_src)
    label: str      # esc("<id> <title>"), a link's default text
    title: str      # esc(title)
    id: str         # esc(id)
    draft: str      # draft_mark


class BuildMemo:
    """What one build's pages share (see ONCE_PER_BUILD); render_site makes one per build."""

    def __init__(self, ledger: Ledger, scope: Scope | None = None):
        self.ledger = ledger
        self._scopes: dict[str | None, Scope] = {}
        self._records: dict[str, RecordPieces] = {}
        self._made: dict[str, dict] = {}
        if scope is not None and scope.ledger is ledger:
            self._scopes[scope.round.id if scope.round else None] = scope

    def scope(self, rnd) -> Scope:
        """Scope(ledger, rnd), the same object for every page of the build."""
        key = rnd.id if rnd is not None else None
        found = self._scopes.get(key)
        if found is None or found.round is not rnd:
            found = self._scopes[key] = Scope(self.ledger, rnd)
        return found

    def once(self, key, make):
        """make(), made once per build (what depends on the vocabulary alone)."""
        made = self._made.setdefault("once", {})
        if key not in made:
            made[key] = make()
        return made[key]

    def per_record(self, what: str, record: Record, make):
        """make(record), made once per build: HTML that depends on the record and
        the ledger alone (a measure's light, a record's state chip)."""
        made = self._made.setdefault(what, {})
        found = made.get(record.id)
        if found is None or found[0] is not record:
            found = made[record.id] = (record, make(record))
        return found[1]

    def record(self, record: Record) -> RecordPieces:
        pieces = self._records.get(record.id)
        if pieces is None or pieces.record is not record:
            vocab = self.ledger.vocab
            pieces = self._records[record.id] = RecordPieces(
                record, record_src(vocab, record), esc(f"{record.id} {record.title}"), esc(record.title),
                esc(record.id), draft_mark(record, vocab))
        return pieces


@dataclass(frozen=True)
class Page:
    """What a renderer needs to link from one page to others."""

    src_uri: str
    ledger: Ledger
    dir_urls: bool
    archive: ArchiveView = ArchiveView()
    memo: BuildMemo | None = field(default=None, compare=False)   # None: nothing shared (ONCE_PER_BUILD)
    links: dict = field(default_factory=dict, compare=False, repr=False)   # this page's links (LINKS_PER_PAGE)
    ways: dict = field(default_factory=dict, compare=False, repr=False)    # way into each folder (urls.FOLDER_PREFIXES)

    @property
    def vocab(self):
        return self.ledger.vocab

    def scope(self, rnd) -> Scope:
        """Scope(ledger, rnd): the build's shared one when there is a memo."""
        return self.memo.scope(rnd) if self.memo is not None else Scope(self.ledger, rnd)

    def href(self, target_src: str) -> str:
        if self.memo is not None:
            return esc(urls.relative_on_page(self.ways, self.src_uri, target_src, self.dir_urls))
        return esc(urls.relative(self.src_uri, target_src, self.dir_urls))

    def file_href(self, path: str) -> str:
        return esc(urls.relative_file(self.src_uri, path, self.dir_urls))

    def record_src(self, record: Record) -> str:
        if self.memo is not None:
            return self.memo.record(record).src
        return record_src(self.vocab, record)

    def link(self, record: Record, text: str | None = None) -> str:
        if self.memo is not None:
            if text is None:
                return self._once_here("link", record, self._link)
            if text is record.title:
                return self._once_here("title link", record, self._title_link)
            pieces = self.memo.record(record)
            return f'<a href="{self.href(pieces.src)}">{esc(text)}</a>{pieces.draft}'
        label = text if text is not None else f"{record.id} {record.title}"
        return f'<a href="{self.href(self.record_src(record))}">{esc(label)}</a>' + draft_mark(record, self.vocab)

    def id_link(self, record: Record) -> str:
        if self.memo is not None:
            return self._once_here("id link", record, self._id_link)
        return f'<a href="{self.href(self.record_src(record))}" title="{esc(record.title)}">{esc(record.id)}</a>'

    def escaped_title(self, record: Record) -> str:
        return self.memo.record(record).title if self.memo is not None else esc(record.title)

    def _once_here(self, what: str, record: Record, make) -> str:
        """make(record), made once on this page: the lists and the 对照表 link
        each record two or three times (LINKS_PER_PAGE)."""
        if not LINKS_PER_PAGE:
            return make(record)
        key = (what, record.id)
        found = self.links.get(key)
        if found is None or found[0] is not record:
            found = self.links[key] = (record, make(record))
        return found[1]

    def _link(self, record: Record) -> str:
        pieces = self.memo.record(record)
        return f'<a href="{self.href(pieces.src)}">{pieces.label}</a>{pieces.draft}'

    def _title_link(self, record: Record) -> str:
        pieces = self.memo.record(record)
        return f'<a href="{self.href(pieces.src)}">{pieces.title}</a>{pieces.draft}'

    def _id_link(self, record: Record) -> str:
        pieces = self.memo.record(record)
        return f'<a href="{self.href(pieces.src)}" title="{pieces.title}">{pieces.id}</a>'

    def archived_href(self, record: Record) -> str | None:
        """The record's page in its round's archived version (../<round-id>/…),
        when this build is a mike version and that round is archived; else None."""
        if not self.archive.elsewhere(record.round):
            return None
        return esc(urls.in_version(self.src_uri, record.round, self.record_src(record), self.dir_urls))

    def round_link(self, record: Record, text: str | None = None) -> str:
        """A link to an earlier (or later) round's record: to its page in that round's
        archived version when there is one (README 承接事项), else in this build."""
        href = self.archived_href(record)
        if href is None:
            return self.link(record, text)
        label = text if text is not None else f"{record.id} {record.title}"
        return (f'<a class="tz-archive-link" href="{href}" title="{esc(self._archived_title(record))}">'
                f'{esc(label)}</a>' + draft_mark(record, self.vocab))

    def round_id_link(self, record: Record) -> str:
        href = self.archived_href(record)
        if href is None:
            return self.id_link(record)
        return f'<a class="tz-archive-link" href="{href}" title="{esc(self._archived_title(record))}">{esc(record.id)}</a>'

    def _archived_title(self, record: Record) -> str:
        return f"{record.title}（{self.vocab.phrase('archived_as', version=record.round)}）"

    def status_cell(self, status: str | None, empty: str = "—") -> Cell:
        order = self.vocab.status_order()
        return Cell(self.status(status, empty), str(order.index(status)) if status else "-1")

    def light_cell(self, light: str | None, html: str) -> Cell:
        return Cell(html, str(LIGHT_ORDER.index(light)) if light else "9")

    def deadline_cell(self, measure: MeasureRecord) -> Cell:
        deadline = effective_deadline(measure)      # sorted by the deadline in force
        key = "9999-99-99" if measure.long_term else (deadline.isoformat() if deadline else "")
        return Cell(self.deadline(measure), key)

    def status(self, status: str | None, empty: str = "—") -> str:
        if status is None:
            return f'<span class="tz-status tz-status--none">{esc(empty)}</span>'
        label = self.vocab.label("statuses", status)
        return f'<span class="tz-status tz-status--{esc(status)}">{esc(label)}</span>'

    def light(self, light: str | None, detail: str = "", label: str = "") -> str:
        """A light and its word (`label`, e.g. views.worst_light_label's 持续整改滞后; else the light's own)."""
        if light is None:
            return ""
        text = f"{label or self.vocab.label('lights', light)}{detail}"
        return f'<span class="tz-light tz-light--{esc(light)}" title="{esc(text)}">{esc(text)}</span>'

    def measure_light(self, measure: MeasureRecord) -> str:
        """The light's word only; the days left or overdue stand under the deadline
        and in the tooltip (views.light_text)."""
        if self.memo is not None:
            return self.memo.per_record("measure light", measure, self._measure_light)
        return self._measure_light(measure)

    def _measure_light(self, measure: MeasureRecord) -> str:
        light = self.ledger.lights.get(measure.id)
        if light is None:
            return ""
        label, text = light_label(self.ledger, measure), light_text(self.ledger, measure)
        return f'<span class="tz-light tz-light--{esc(light)}" title="{esc(text)}">{esc(label)}</span>'

    def deadline(self, measure: MeasureRecord) -> str:
        if self.memo is not None:
            return self.memo.per_record("deadline", measure, self._deadline)
        return self._deadline(measure)

    def _deadline(self, measure: MeasureRecord) -> str:
        text = deadline_text(self.ledger, measure)
        if not text:
            return esc(self.vocab.phrase("none"))
        note = measure_note(self.ledger, measure)
        return f'{esc(text)}<br><small class="tz-days">{esc(note)}</small>' if note else esc(text)

    def texts(self, values) -> str:
        return esc("、".join(values)) if values else "—"


def filter_bar(page: Page, areas=()) -> str:
    """The page's one filter bar: taizhang.js fills it with a box for text and a
    drop-down per fact the rows carry, filtering every `tz-filterable` table.

    Options of status, light, type and area come in the order given here
    (workflow order, severity order, the round's order); names sort as Chinese.
    """
    vocab = page.vocab
    facts = [
        ["status", vocab.key("status"), [vocab.label("statuses", s) for s in vocab.status_order()]
         + [vocab.phrase("no_measures"), vocab.phrase("no_problems")]],
        ["light", vocab.phrase("light_header"), [vocab.label("lights", light) for light in LIGHT_ORDER
                                                  if light != PENDING or PENDING in page.ledger.lights.values()]],
        ["type", vocab.key("measure_type"), vocab.labels("measure_types")],
        ["area", vocab.key("area"), [area_label(o, n) for o, n in areas]],
        ["leader", vocab.key("leader"), []],
        ["unit", vocab.key("unit"), []],
        ["owner", vocab.key("owner"), []],
    ]
    return filter_bar_of(vocab, facts)


def filter_bar_of(vocab, facts: list) -> str:
    """A filter bar offering `facts` ([fact, label, options in order]); its words
    (the text box, the drop-downs, the count of rows shown) ride along in
    `data-words` for taizhang.js, {label}/{shown}/{total} filled in there."""
    spec = esc(json.dumps(facts, ensure_ascii=False, separators=(",", ":")))
    words = {"search": vocab.phrase("filter_search"), "searchLabel": vocab.phrase("filter_search_label"),
             "by": vocab.phrase("filter_by", label="{label}"), "all": vocab.phrase("filter_all", label="{label}"),
             "count": vocab.phrase("filter_count", shown="{shown}", total="{total}")}
    # braces as character references: no Markdown extension or template reads {label} as its own
    said = esc(json.dumps(words, ensure_ascii=False, separators=(",", ":"))).replace("{", "&#123;").replace("}", "&#125;")
    return (f'<details class="tz-filterbar" data-facts="{spec}" data-words="{said}" open>'
            f'<summary>{esc(vocab.phrase("filter"))}<span class="tz-filter__count"></span></summary></details>')


def draft_mark(record: Record, vocab) -> str:
    """The 草稿 badge after an imported record that is not yet completed."""
    if not getattr(record, "draft", False):
        return ""
    return (f'<span class="tz-draft" title="{esc(vocab.phrase("draft_mark_title"))}">'
            f'{esc(vocab.phrase("draft_mark"))}</span>')


def source_note(ledger: Ledger) -> str:
    """Generated pages cannot be edited: say where their data comes from."""
    text = ledger.vocab.phrase("source_note", folder="<code>records/</code>", count=len(ledger.records),
                               date=ledger.today.isoformat())
    return block(f'<p class="tz-source">{text}</p>')


def record_src(vocab, record: Record) -> str:
    return urls.record_page(vocab.kinds[record.kind].folder, record.id)


__all__ = ["esc", "md_inline", "block", "table", "Cell", "Col", "Row", "ID", "TITLE", "WIDE", "KEY", "NOWRAP",
           "filter_bar", "filter_bar_of", "Page", "record_src", "source_note", "draft_mark",
           "RED", "YELLOW", "GREEN", "DONE"]


# Tokens a line must never split: record ids (CS-003) and dates (2023-07-31,
# 2023年7月31日). Browsers break after a hyphen and between any two Chinese
# characters, so they are wrapped in a no-wrap span in the page's text.
_WHOLE = re.compile(r"(?<![A-Za-z0-9_-])(?:[A-Z]{2,8}-\d{1,6}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日)(?![A-Za-z0-9_-])")
# Markup and the elements whose text is not shown as text; everything else is text.
# A span keep_whole made is markup too, so a page kept whole twice (fragments
# kept whole by the page tree, then the whole page by the Markdown extension)
# gets each span once. One scan finds markup (left as it is) or an id or date
# in text: no call per tag and per run of text (tests/test_render_equal.py
# compares it with the scan by runs of text on random HTML and every sample page).
_MARKUP = (r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<textarea\b.*?</textarea\s*>"
           r'|<span class="tz-nobr">[^<]*</span>'
           r"|<!--.*?-->|<[^>]*>")
# Markup followed by more markup with only text between that no id or date can be
# in (no digit: every id and date has one) is one match, so the callback runs once
# per such stretch rather than once per tag.
_MARKUP_OR_WHOLE = re.compile(f"((?si:{_MARKUP})(?:[^<\\d]*(?si:{_MARKUP}))*)|{_WHOLE.pattern}")


# _WHOLE with each look-behind moved after the token's first character (a
# look-behind of two characters there tests the same one before the token): the
# same matches, but most positions fail on that first character before a
# look-behind runs. keep_whole asks it whether a text holds any id or date at all;
# most of a site's HTML blocks hold none (5,000 records' blocks: 0.31 -> 0.19 s).
FIRST_CHAR_TEST = True   # False: _WHOLE itself (tests compare)
_NOT_AFTER = "[A-Za-z0-9_-]"
_WHOLE_FIRST_CHAR = re.compile(f"(?:[A-Z](?<!{_NOT_AFTER}[A-Z])[A-Z]{{1,7}}-\\d{{1,6}}"
                               f"|\\d(?<!{_NOT_AFTER}\\d)(?:\\d{{3}}-\\d{{2}}-\\d{{2}}|\\d{{3}}年\\d{{1,2}}月\\d{{1,2}}日))"
                               f"(?!{_NOT_AFTER})")


def _kept_whole(m: re.Match) -> str:
    markup = m.group(1)
    return markup if markup is not None else f'<span class="tz-nobr">{m.group(0)}</span>'


def keep_whole(html_text: str) -> str:
    """The page with every id and date in its text kept on one line; tags,
    attribute values, scripts and comments untouched. Text ends at the next
    markup, and an id never starts or ends next to `<` or `>`, so ids are
    found in the page as they would be in each run of text on its own."""
    if not (_WHOLE_FIRST_CHAR if FIRST_CHAR_TEST else _WHOLE).search(html_text):
        return html_text
    return _MARKUP_OR_WHOLE.sub(_kept_whole, html_text)
