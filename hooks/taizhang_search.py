"""Material's search index, built in a second process or in the build (MkDocs adapter, with taizhang_hook.py).

Material's search plugin parses each page's HTML and segments its Chinese
with jieba inside the build: at 1,000 records that was about half of the
build's CPU. The hook takes each page from it instead and marks the page
`search: exclude`, Material's own switch, so the plugin skips it; under
`mkdocs serve` (or with TAIZHANG_PROCESSES=2) it hands the page to this
worker, a second process. The worker runs Material's own SearchIndex
on the very same page (content, table of contents, URL, title, meta), so
the entries are Material's, and at the end of the build returns the index
JSON with the entries in page order: the same bytes Material would write.

The worker outlives a build: under `mkdocs serve` it keeps each page's
entries while the page's search inputs are unchanged, so a rebuild
segments only the pages that changed, and jieba's dictionary is loaded once.

Pages are parsed by taizhang.htmlfeed (html.parser's own calls, with less
Python work, answered by Material's Parser or its quick_parser twin) and Chinese segmented by taizhang.segment (jieba's own words,
likewise): TAIZHANG_QUICK_INDEX=0 leaves both to Material.

A one-off build runs the same indexing in the build process
(InProcessSearch) unless TAIZHANG_PROCESSES=2 asks for the worker
(taizhang.spawn.second_process): the worker beside the pages made the
build's process tree hold more than plain MkDocs does (issue #32 goal 4).
With one core (`taskset -c 0`, a one-core server) a second process would
only add its start-up and imports: never then, but under `mkdocs serve`.

Set TAIZHANG_SEARCH_WORKER=0 to let Material index in the build process
(the tests build both ways and compare the sites byte for byte).

The index file is written where it is made (WRITE_WHERE_MADE): by the
worker, so that the build process never holds the index (tens of MB at
5,000 records, and once more pickled on the way), and a part at a time, so
that the whole index is not held twice (text and its UTF-8 bytes).
Each page's entries are kept as their JSON text (PAGE_JSON), not as
dicts, and the file is written from these texts a page at a time: the index
is never made as one string (at 5,000 records the worker's peak was the
index made whole at the end: 202 MB, now 119). In one process, InProcessSearch
holds each page's inputs deflated and indexes them all when the index is
written, after the pages (DEFER_INDEX), and lets go its pages and jieba's
dictionary once the index is written (RELEASE_WHEN_STOPPED), before the
downloads are made in the same process.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import hashlib
import json
import logging
import os
import pickle
import queue
import sys
import zlib

from taizhang import spawn

WORKER_ENV = "TAIZHANG_SEARCH_WORKER"
SEARCH_PLUGIN = "material/search"
PARENT_CHECK_SECONDS = 1.0   # an idle worker looks this often whether its build process still runs
WRITE_WHERE_MADE = True      # False: the index JSON is sent to the build process, which writes it (tests compare)
WRITE_CHUNK = 1 << 20        # characters of the index encoded and written at a time
PAGE_JSON = True             # False: each page's entries kept as dicts, the index made as one string (tests compare)
RELEASE_WHEN_STOPPED = True  # False: InProcessSearch keeps its pages and jieba's dictionary once stopped (tests compare)
DEFER_INDEX = True           # False: InProcessSearch indexes each page as it is converted, jieba loaded from on_config (tests compare)


class _Link:
    """A table-of-contents entry as Material's SearchIndex reads it."""

    def __init__(self, id, url, children):
        self.id, self.url, self.children = id, url, [_Link(*c) for c in children]


class _PageView:
    """The parts of an MkDocs page that Material's SearchIndex reads."""

    def __init__(self, url, title, meta, toc, content):
        self.url, self.title, self.meta, self.content = url, title, meta, content
        self.toc = [_Link(*c) for c in toc]


def _toc(links) -> tuple:
    return tuple((link.id, link.url, _toc(link.children)) for link in links)


def search_inputs(page, content: str) -> tuple | None:
    """What Material's index reads from this page, or None when the page is
    excluded from search (front matter `search: exclude: true`)."""
    search = page.meta.get("search") or {}
    if not isinstance(search, dict) or search.get("exclude"):
        return None   # excluded, or a setting Material reads its own way
    # Material reads only these keys of the page's meta.
    meta = {k: page.meta[k] for k in ("title", "tags", "search") if k in page.meta}
    # What Material writes with str() (the title; the boost, json's default=str) is
    # sent as it shows now: a set in it would be rebuilt by pickle in another order.
    if "title" in meta and _holds_set(meta["title"]):
        meta["title"] = _Shown(str(meta["title"]))
    if "boost" in search and _holds_set(search["boost"]):
        meta["search"] = {**search, "boost": _shown(search["boost"])}
    return (page.url, page.title, meta, _toc(page.toc), content)


class _Shown:
    """A set from a page's front matter (YAML's !!set) as str() shows it. A set lists
    its elements in the order of its table's slots; pickled (to the worker, or held
    in one process: DEFER_INDEX) it is rebuilt element by element into a table of
    another size, and {0, 16, 1, 2, 3} came back as {0, 1, 2, 3, 16}."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__   # also inside a list or a dict shown by str()


def _shown(value):
    """A copy of value with each set in it (in lists, tuples and dicts, at any depth) made _Shown."""
    try:
        return _sets_shown(value, frozenset())
    except RecursionError:   # sets under hundreds of lists: as they are
        return value


def _holds_set(value) -> bool:
    """Whether value is or holds a set (walked without recursion: YAML nests 490 deep)."""
    seen, todo = set(), [value]
    while todo:
        item = todo.pop()
        if isinstance(item, (set, frozenset)):
            return True
        if isinstance(item, (list, tuple, dict)) and id(item) not in seen:
            seen.add(id(item))
            todo.extend(item.values() if isinstance(item, dict) else item)
    return False


def _sets_shown(value, within: frozenset):
    if isinstance(value, (set, frozenset)):
        return _Shown(str(value))
    if id(value) in within:   # a list holding itself (YAML anchors): Material cannot write it either
        return value
    if isinstance(value, (list, tuple)):     # tuples: YAML's !!omap and !!pairs
        return type(value)(_sets_shown(item, within | {id(value)}) for item in value)
    if isinstance(value, dict):
        return {key: _sets_shown(item, within | {id(value)}) for key, item in value.items()}
    return value


class SearchWorker:
    """The second process: pages in as they are converted, index JSON out."""

    def __init__(self, plugin_config: dict):
        self.plugin_config = plugin_config
        self._inbox = spawn.CONTEXT.Queue()
        # Pages still in the pipe when the process exits are not waited for: had the
        # worker died, the pipe would stay full and exiting would hang (finish() has
        # already reported the failure). While the worker lives, finish() waits for
        # its answer, which comes after every page sent before it.
        self._inbox.cancel_join_thread()
        self._receive, send = spawn.CONTEXT.Pipe(duplex=False)
        self._process = spawn.start(_work, (plugin_config, self._inbox, send), "taizhang-search")
        send.close()

    def alive(self) -> bool:
        return self._process.is_alive()

    def begin(self) -> None:
        self._inbox.put(("begin",))

    def add(self, key: str, inputs: tuple | None) -> None:
        """A page converted in this build; None when it is excluded from search."""
        self._inbox.put(("page", key, inputs))

    def finish(self, order: list[str], keep_unsent: bool = False) -> str:
        """The search index JSON, entries in `order` (the build's page order).
        With keep_unsent (a dirty build), pages not converted this time keep
        the entries of the build before."""
        self._inbox.put(("finish", order, keep_unsent))
        try:
            status, payload = self._receive.recv()
        except EOFError:
            status, payload = "error", "搜索索引进程意外退出（被结束，或内存不足）"
        if status == "error":
            raise RuntimeError(f"生成搜索索引失败：{payload}。重新构建即可；反复出现时可设环境变量 "
                               f"{WORKER_ENV}=0，在构建进程中生成搜索索引")
        return payload

    def write(self, order: list[str], target: str, keep_unsent: bool = False) -> None:
        """As finish(), the index written to the file target by the worker."""
        self._inbox.put(("write", order, keep_unsent, target))
        try:
            status, payload = self._receive.recv()
        except EOFError:
            status, payload = "error", "搜索索引进程意外退出（被结束，或内存不足）"
        if status == "oserror":
            raise OSError(*payload)   # as if written here: the build names the file and the reason
        if status == "error":
            raise RuntimeError(f"生成搜索索引失败：{payload}。重新构建即可；反复出现时可设环境变量 "
                               f"{WORKER_ENV}=0，在构建进程中生成搜索索引")

    def stop(self) -> None:
        self._inbox.put(("stop",))
        self._process.join(timeout=10)


class InProcessSearch:
    """The worker's indexing in the build process, for a build in one process
    (a one-off build's default, and any build on one core):
    the same pages in, the same index out, without a second process's start-up,
    imports and pickled pages (SearchWorker's methods, called directly).

    The pages are indexed when the index is written, not as they are converted
    (DEFER_INDEX): until then each page's search inputs are held pickled and
    deflated, and jieba's dictionary (about 60 MB) is loaded only then, after
    MkDocs has written the pages, instead of for the whole build."""

    def __init__(self, plugin_config: dict):
        self.plugin_config = plugin_config
        if DEFER_INDEX and MAKE_TRIE_AHEAD and os.environ.get(QUICK_ENV, "").strip() != "0":
            _make_trie_ahead()
        self._pages = None if DEFER_INDEX else self._indexer()
        self._held: dict[str, bytes | None] = {}   # page -> its search inputs, pickled and deflated (None: excluded)

    def _indexer(self):
        # Material's on_config has set jieba's dictionaries in this process, this build.
        return _Pages(_search_index(self.plugin_config, dictionaries_set=True), self.plugin_config)

    def alive(self) -> bool:
        return True

    def begin(self) -> None:
        self._held = {}
        if self._pages is not None:
            self._pages.begin()

    def add(self, key: str, inputs: tuple | None) -> None:
        if self._pages is None:
            try:
                self._held[key] = None if inputs is None else zlib.compress(pickle.dumps(inputs, 5), 1)
                return
            except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
                pass   # meta Material reads but pickle cannot write: indexed now
        self._indexed().add(key, inputs)

    def _indexed(self):
        """The pages, every page held so far indexed now (jieba loaded now)."""
        if self._pages is None:
            self._pages = self._indexer()
            self._pages.begin()
        held, self._held = self._held, {}
        for key in list(held):
            packed = held.pop(key)
            self._pages.add(key, None if packed is None else pickle.loads(zlib.decompress(packed)))
        return self._pages

    def finish(self, order: list[str], keep_unsent: bool = False) -> str:
        return self._indexed().finish(order, keep_unsent)

    def write(self, order: list[str], target: str, keep_unsent: bool = False) -> None:
        self._indexed().write(order, keep_unsent, target)

    def stop(self) -> None:
        """Stopped once its build has written the index (a one-off build: with one
        core, InProcessSearch is not used under `mkdocs serve`): the pages' entries
        and jieba's dictionary (about 60 MB) are let go before the downloads are made."""
        self._held = {}
        if RELEASE_WHEN_STOPPED and self._pages is not None:
            self._pages = None
            _release_jieba()


# In one process, a machine's first build makes jieba's trie (taizhang.jiebatrie) when the
# search is set up, in on_config, not when the index is written after the pages (MAKE_TRIE_AHEAD;
# False: then, tests compare): making it holds jieba's dictionary for a moment, and on top of the
# pages that was the build's peak (5,000 records, one core: README 性能).
MAKE_TRIE_AHEAD = True


def _make_trie_ahead() -> None:
    from material.plugins.search import plugin as material

    from taizhang import jiebatrie

    if material.jieba:
        material.jieba.setLogLevel(logging.WARNING)   # as _load_jieba: no English "Building prefix dict"
        jiebatrie.make_ahead(material.jieba)


def write_index(target: str, parts) -> None:
    """The index JSON, given as parts of its UTF-8 bytes, into the file target (its
    folder made if need be): the whole index is never held as bytes."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        for part in parts:
            f.write(part)


def _encoded(index: str):
    """The index's text as UTF-8, a part at a time: its bytes are never all held beside the text."""
    for start in range(0, len(index), WRITE_CHUNK):
        yield index[start:start + WRITE_CHUNK].encode("utf-8")


def enabled_plugin_config(config) -> dict | None:
    """Material's search settings after its on_config, when the worker should index."""
    if os.environ.get(WORKER_ENV, "").strip() == "0":
        return None
    plugin = config.plugins.get(SEARCH_PLUGIN)
    if plugin is None or not plugin.config.enabled or not hasattr(plugin, "search_index"):
        return None
    return dict(plugin.config)


def _work(plugin_config: dict, inbox, send) -> None:
    with _jieba_without_pkg_resources():
        index = _search_index(plugin_config)
    pages = _Pages(index, plugin_config)
    parent = os.getppid()
    while True:
        try:
            message = inbox.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                return   # the build process is gone (`mkdocs serve` ended by a signal): so is the worker
            continue
        try:
            if message[0] == "page":
                pages.add(*message[1:])
            elif message[0] == "begin":
                pages.begin()
            elif message[0] == "finish":
                send.send(("ok", pages.finish(*message[1:])))
            elif message[0] == "write":
                order, keep_unsent, target = message[1:]
                try:
                    pages.write(order, keep_unsent, target)
                except OSError as exc:   # the build reports it as its own write error
                    send.send(("oserror", (exc.errno, exc.strerror, exc.filename)))
                else:
                    send.send(("ok", None))
            elif message[0] == "stop":
                return
        except Exception as exc:  # reported by finish(), in the build's words
            send.send(("error", f"{type(exc).__name__}: {exc}"))
            return


@contextlib.contextmanager
def _jieba_without_pkg_resources():
    """jieba imports setuptools' pkg_resources only to open its own dict.txt, and falls
    back to open() on the same file without it; that import (it reads every installed
    package's metadata) is 0.1-0.17 s of CPU, paid again by this second process. While
    Material's search plugin and jieba are imported here, `import pkg_resources` fails
    at once; afterwards it works as before (nothing in this process had imported it)."""
    if not JIEBA_WITHOUT_PKG_RESOURCES or "pkg_resources" in sys.modules or "jieba" in sys.modules:
        yield
        return
    sys.modules["pkg_resources"] = None
    try:
        yield
    finally:
        if "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
            del sys.modules["pkg_resources"]


JIEBA_WITHOUT_PKG_RESOURCES = True   # False: jieba imports pkg_resources in the worker too (tests compare)
QUICK_ENV = "TAIZHANG_QUICK_INDEX"   # 0: Material's own parsing and jieba.cut (tests compare)


def _search_index(plugin_config: dict, dictionaries_set: bool = False):
    """Material's SearchIndex, with jieba loaded as Material loads it, pages
    parsed through taizhang.htmlfeed (html.parser's calls, made with less
    work) and Chinese segmented by taizhang.segment (jieba's words, found with
    less work): the same entries, the same index bytes."""
    from material.plugins.search import plugin as material

    trie = _load_jieba(material.jieba, plugin_config, dictionaries_set) if material.jieba else None
    if os.environ.get(QUICK_ENV, "").strip() == "0":
        return material.SearchIndex
    from taizhang.htmlfeed import feed, quick_parser

    class Index(material.SearchIndex):
        pass

    # Material 9's add_entry_from_context: Parser(), feed, close, one entry per section.
    if {"Parser", "feed", "close", "create_entry_for_section"} <= set(material.SearchIndex.add_entry_from_context.__code__.co_names):
        parser_class = quick_parser(material)

        def add_entry_from_context(self, page):
            search = page.meta.get("search") or {}
            if search.get("exclude"):
                return
            parser = parser_class()
            feed(parser, page.content)
            for section in parser.data:
                if not section.is_excluded():
                    self.create_entry_for_section(section, page.toc, page.url, page)

        Index.add_entry_from_context = add_entry_from_context
    if material.jieba and r"(\p{script: Han}+)" in material.SearchIndex._segment_chinese.__code__.co_consts:
        from backrefs import bre

        from taizhang.segment import cutter

        cut = cutter(material.jieba, trie)
        han = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)   # as in SearchIndex._segment_chinese

        def segment_chinese(self, data: str) -> str:
            # han.sub(replace, data) with Material's replace: split by the same pattern
            # (runs at the odd places), each run cut and framed by zero-width spaces.
            parts = han.split(data)
            if len(parts) > 1:
                parts[1::2] = ["\u200b" + "\u200b".join(cut(run)) + "\u200b" for run in parts[1::2]]
                data = "".join(parts)
            return data.strip("\u200b")

        Index._segment_chinese = segment_chinese
    return Index


def _load_jieba(jieba, plugin_config: dict, dictionaries_set: bool = False):
    """As Material's on_config does in the build process; jieba's dictionary is
    read from jieba's cache file faster than jieba reads it (taizhang.jiebadict).
    In the build process (`dictionaries_set`, InProcessSearch) Material's on_config
    has set them already: the user dictionary loaded again would add its words'
    frequencies to jieba's total twice, and jieba would cut otherwise.

    With jieba's default dictionary alone, the dictionary taizhang.segment reads is
    its compact trie (taizhang.jiebatrie, about 5 MB instead of 60), returned;
    jieba's own is then not loaded. None: jieba's own is loaded, as before."""
    from taizhang import jiebatrie
    from taizhang.jiebadict import load_cached

    # jieba reports loading its dictionary in English on the console ("Building
    # prefix dict …"): only its warnings and errors are shown.
    jieba.setLogLevel(logging.WARNING)
    quick = os.environ.get(QUICK_ENV, "").strip() != "0"
    for option, load in () if dictionaries_set else (("jieba_dict", jieba.set_dictionary),
                                                      ("jieba_dict_user", jieba.load_userdict)):
        path = plugin_config.get(option)
        if path and os.path.isfile(os.path.normpath(path)):
            if option == "jieba_dict_user" and quick:
                load_cached(jieba)   # the user dictionary is added to the main one, loaded first
            load(os.path.normpath(path))
    trie = jiebatrie.load(jieba) if quick else None
    if trie is not None:
        return trie
    if quick:
        load_cached(jieba)
    jieba.initialize()   # load the dictionary now (if not yet), while the build reads and converts pages
    return None


def _release_jieba() -> None:
    """jieba's dictionary given back: jieba loads it again if asked to cut (a
    later build in this process loads it in _load_jieba, as the first did)."""
    from material.plugins.search import plugin as material

    if material.jieba:
        tokenizer = material.jieba.dt
        with tokenizer.lock:
            freq = tokenizer.FREQ
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {}, 0, False
            freq.clear()   # also held by the stopped pages' cutter (taizhang.segment), never used again


# Material's generate_search_index: json.dumps({"config": ..., "docs": entries}) with
# these options, ASCII only (ensure_ascii, its default). A page's entries are dumped
# with the same options but without ensure_ascii: each Chinese character is held as
# 2 bytes instead of 6 (\uXXXX), and is escaped as json escapes it when the page is
# written (_ascii). tests/test_search_pages.py compares the bytes with Material's.
MATERIAL_DUMP = {"separators": (",", ":"), "default": str}
ASCII_ERRORS = "taizhang-json-ascii"


def _escape_run(error):
    """A run of characters the ASCII codec cannot write, as json writes them."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return json.encoder.encode_basestring_ascii(error.object[error.start:error.end])[1:-1], error.end


codecs.register_error(ASCII_ERRORS, _escape_run)


def _page_json(entries: list) -> str:
    """The page's entries as the index has them between the brackets of its
    "docs" list, non-ASCII characters as they are (DEL, ASCII but escaped by
    ensure_ascii, escaped here)."""
    text = json.dumps(entries, ensure_ascii=False, **MATERIAL_DUMP)[1:-1]
    return text.replace("\x7f", "\\u007f") if "\x7f" in text else text


def _ascii(text: str) -> bytes:
    """A page's JSON made ASCII: the bytes ensure_ascii would have given.
    raw_unicode_escape writes each character from U+0100 to U+FFFF as json
    does (\\uXXXX, lower case) and leaves ASCII as it is (backslashes too); a
    page with a character it writes otherwise (U+0080-U+00FF raw, past U+FFFF
    as \\UXXXXXXXX) is escaped a run at a time by json's own escaper."""
    data = text.encode("raw_unicode_escape")
    if data.isascii() and b"\\U" not in data:   # (a "\\U" in the text itself only takes the slower way)
        return data
    return text.encode("ascii", ASCII_ERRORS)


# Entries of four pages (one without any) that Material's dumping might write
# otherwise than _page_json and _ascii: escapes, astral and lone surrogates, DEL,
# control characters, tags, a boost of each kind (default=str for a date).
_PROBE = [
    [{"location": "a/", "title": "标题\u200b\x7f\"\\</p>&lt;", "text": "\U0001F600\ud800 \x00\x1f\t\n\u2028é",
      "tags": ["x", "中", "1"], "boost": 2.5},
     {"location": "a/#b", "title": "", "text": "", "boost": datetime.date(2024, 1, 2)}],
    [],
    [{"location": "d/#整改", "title": "整改\u200b措施", "text": "<p>持续\u200b深化</p>"},
     {"location": "d/#2", "title": "进展", "text": "已\u200b完成 3 项"}],
    [{"location": "c/", "title": "t", "text": "x", "boost": {"k": [1, None, True, float("inf"), -0.0, 10 ** 20]}}],
]


class _Pages:
    """The worker's pages: each page's search entries, kept by a digest of its
    inputs, so a page that did not change is not indexed again (`serve --dirty`).

    With PAGE_JSON a page's entries are kept as their JSON text (_page_json), and
    the index file is written a page at a time from these texts: neither the
    entries as objects nor the whole index as one string is ever held. Where that
    would not give Material's bytes (another Material's dumping, checked on
    _PROBE at the start), entries are kept as Material's objects (the old way)."""

    def __init__(self, search_index, plugin_config: dict):
        self._index = search_index
        self._config = plugin_config
        self._kept: dict[bytes, list | str] = {}   # digest of a page's search inputs -> its entries (or JSON)
        self._current: dict[str, bytes] = {}    # page -> digest of its search inputs (None: not searched), this build
        self._last: dict[str, bytes] = {}       # the same, as the last finished build had it
        self._head = self._as_json = None
        if PAGE_JSON:
            empty = self._generate([])
            if empty.endswith('"docs":[]}') and empty.isascii():
                self._head = empty[:-2].encode("ascii")   # {"config":{…},"docs":[
                pages = [_page_json(entries) for entries in _PROBE]
                self._as_json = b"".join(self._parts(pages)) == self._generate(_PROBE).encode("ascii", "replace")

    def add(self, key: str, inputs) -> None:
        if inputs is None:
            self._current[key] = None
            return
        url, title, meta, toc, content = inputs
        # A digest, not the inputs: the worker would otherwise hold every page's HTML.
        same = hashlib.blake2b(repr((url, title, sorted(meta.items()), toc, content)).encode(
            "utf-8", "surrogatepass"), digest_size=32).digest()
        if same not in self._kept:
            index = self._index(**self._config)
            index.add_entry_from_context(_PageView(*inputs))
            entries = index.entries
            if self._as_json:
                try:
                    entries = _page_json(entries)
                except (TypeError, ValueError, RecursionError):
                    pass   # kept as objects: generate_search_index reports it as before
            self._kept[same] = entries
        self._current[key] = same

    def begin(self) -> None:
        self._current = {}

    def finish(self, order, keep_unsent: bool) -> str:
        """The search index of the pages in `order`; pages not sent this build keep
        their last entries when `keep_unsent` (a dirty rebuild), else are left out."""
        return b"".join(self._index_parts(order, keep_unsent)).decode("utf-8")

    def write(self, order, keep_unsent: bool, target: str) -> None:
        """As finish(), the index written into the file target (its folder made if need be)."""
        write_index(target, self._index_parts(order, keep_unsent))

    def _index_parts(self, order, keep_unsent: bool):
        """The index's UTF-8 bytes a part at a time (see finish); the pages sent this
        build become the last build's."""
        current, last = self._current, self._last
        pages = {key: current[key] if key in current else last.get(key) if keep_unsent else None
                 for key in order}
        kept = [self._kept[same] for same in pages.values() if same is not None]
        # Material's dumping raises here, before anything changes, for entries it cannot write.
        parts = self._parts(kept) if all(isinstance(entries, str) for entries in kept) else _encoded(self._generate(kept))
        self._last = {key: same for key, same in pages.items() if same is not None}
        self._kept = {same: self._kept[same] for same in self._last.values()}
        self._current = {}
        return parts

    def _generate(self, kept: list) -> str:
        """Material's own index of these pages' entries (a page's JSON read back)."""
        index = self._index(**self._config)
        index.entries = [e for entries in kept
                         for e in (json.loads(f"[{entries}]") if isinstance(entries, str) else entries)]
        return index.generate_search_index(None)

    def _parts(self, pages: list[str]):
        """The index's bytes a part at a time: its head, then each page's entries."""
        yield self._head
        comma = b""
        for text in pages:
            if text:
                yield comma + _ascii(text)
                comma = b","
        yield b"]}"
