"""jieba's default prefix dictionary held as a compact trie: about 5 MB
instead of the 60 MB of jieba's own dict (498,113 str keys and int values),
for the search index's segmentation (taizhang.segment) of a build.

jieba's prefix dictionary (Tokenizer.FREQ) holds every word of dict.txt and
every prefix of one (frequency 0). Such a set of keys, sorted, is the
pre-order walk of a trie: each key is followed by the keys it is a prefix
of, then by its next sibling. The trie is kept as three arrays over the
sorted keys: each key's last character (`chars`), its frequency (`freq`)
and the index just past the keys it is a prefix of (`end`). A node's
children are found by hopping from end to end; the hop is made once per
node met, and the node's children kept as a string of their characters
(found with str.find) and their indexes.

The trie is made once per machine, from the dictionary jieba itself loads
(a tokenizer of its own, let go once the trie is written), and kept in the
user's cache folder (~/.cache/taizhang, or a folder of the user's own in the
temporary folder). A build reads it (a few milliseconds) when jieba is
0.42.1 with its default dictionary and no user dictionary; in every other
case segment.cutter uses jieba's own dictionary, as before. Only a regular
file of this user's, not a link, with the right header and checksum is
read; anything else is made again (or, where nothing can be written, jieba's
dictionary is used).
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import time
import zlib
from array import array

from taizhang import collector

JIEBA_VERSION = "0.42.1"
USE_TRIE_ENV = "TAIZHANG_JIEBA_TRIE"   # 0: jieba's own dictionary (tests compare)
MAGIC = b"taizhang-jieba-trie 1\n"
LARGEST_FILE = 64 * 1024 * 1024
_FORMAT = "I"    # unsigned 32-bit in every CPython this runs on (checked on use)
_SLICE = 1 << 14
FILE_NAME = f"jieba-{JIEBA_VERSION}.trie"   # in each of folders()


class Trie:
    """The prefix dictionary: freq_of(text) is jieba's FREQ.get(text)."""

    def __init__(self, chars: str, freq: array, end: array, total: int):
        self.chars, self.freq, self.end, self.total = chars, freq, end, total
        first, i, n = {}, 0, len(chars)
        while i < n:      # the keys of one character: the root's children
            first[chars[i]] = i
            i = end[i]
        self.first = first

    def child(self, node: int, char: str) -> int | None:
        """The node of the key node's key + char, None if it is not a key."""
        kids = self.children(node)
        at = kids[0].find(char)
        return None if at < 0 else kids[1][at]

    def children(self, node: int) -> tuple[str, tuple[int, ...]]:
        """The node's children: their characters, and their nodes."""
        chars, end = self.chars, self.end
        found, index, j, stop = [], [], node + 1, end[node]
        while j < stop:
            found.append(chars[j])
            index.append(j)
            j = end[j]
        return "".join(found), tuple(index)

    def node_of(self, text: str) -> int | None:
        node = self.first.get(text[0]) if text else None
        for char in text[1:]:
            if node is None:
                return None
            node = self.child(node, char)
        return node

    def freq_of(self, text: str) -> int | None:
        node = self.node_of(text)
        return None if node is None else self.freq[node]


def from_freq(freq: dict, total: int) -> Trie:
    """The trie of a prefix dictionary (every prefix of a key is a key)."""
    keys = sorted(freq)
    n = len(keys)
    # Joined a slice at a time: joined at once, the keys' last characters (a str object of
    # some 80 bytes each, 498,113 of them) were 40 MB at once on top of jieba's dictionary.
    chars = "".join(["".join([key[-1] for key in keys[i:i + _SLICE]]) for i in range(0, n, _SLICE)])
    freqs = array(_FORMAT, (freq[key] for key in keys))
    end = array(_FORMAT, [0]) * n
    open_nodes: list[int] = []   # the path from the root to the key before this one
    for i, key in enumerate(keys):
        depth = len(key)
        while len(open_nodes) >= depth:   # the keys this one is not under: their subtrees end here
            end[open_nodes.pop()] = i
        open_nodes.append(i)
    for i in open_nodes:
        end[i] = n
    return Trie(chars, freqs, end, total)


def to_bytes(trie: Trie, source: dict) -> bytes:
    payload = trie.chars.encode("utf-16-le", "surrogatepass") + trie.freq.tobytes() + trie.end.tobytes()
    header = {"n": len(trie.chars), "total": trie.total, "crc": zlib.crc32(payload), "byteorder": sys.byteorder,
              "itemsize": trie.freq.itemsize, **source}
    return MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + payload


def from_bytes(data: bytes, source: dict) -> Trie | None:
    """The trie in data, None if data is not one made from `source` on this machine's kind."""
    if not data.startswith(MAGIC):
        return None
    line_end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC):line_end])
        n, total, size = header["n"], header["total"], header["itemsize"]
    except (ValueError, KeyError, TypeError):
        return None
    if (line_end < 0 or any(header.get(k) != v for k, v in source.items()) or header.get("byteorder") != sys.byteorder
            or size != array(_FORMAT).itemsize or not isinstance(n, int) or not isinstance(total, int) or n < 1):
        return None
    payload = memoryview(data)[line_end + 1:]
    if len(payload) != n * (2 + 2 * size) or zlib.crc32(payload) != header.get("crc"):
        return None
    chars = str(payload[:2 * n], "utf-16-le", "surrogatepass")
    if len(chars) != n:
        return None
    freq, end = array(_FORMAT), array(_FORMAT)
    freq.frombytes(payload[2 * n:2 * n + n * size])
    end.frombytes(payload[2 * n + n * size:])
    return Trie(chars, freq, end, total)


def _source(jieba) -> dict | None:
    """What the trie is made from: jieba's version and its default dict.txt, by content
    (size and checksum, about 2 ms): every install of jieba 0.42.1 (a project's .venv
    each, reinstalled) shares one file, not one made again whenever another builds."""
    path = os.path.join(os.path.dirname(os.path.abspath(jieba.__file__)), jieba.DEFAULT_DICT_NAME)
    size, crc = 0, 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                size, crc = size + len(chunk), zlib.crc32(chunk, crc)
    except OSError:
        return None
    return {"jieba": JIEBA_VERSION, "dict_size": size, "dict_crc": crc}


def folders() -> list[str]:
    """Where the trie is kept, the first that can be used: the user's cache folder, else a
    folder of the user's own in the temporary folder."""
    home = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(home):   # unset, empty or relative: ignored (the XDG Base Directory spec)
        home = os.path.join(os.path.expanduser("~"), ".cache")
    found = [os.path.join(home, "taizhang")] if os.path.isabs(home) else []
    try:
        found.append(os.path.join(tempfile.gettempdir(), f"taizhang-{os.geteuid()}"))
    except (OSError, AttributeError):   # no temporary folder (or no uid: not POSIX)
        pass
    return found


def usable(jieba) -> bool:
    """jieba's default tokenizer would load its default dictionary, nothing else, when asked to cut."""
    if os.environ.get(USE_TRIE_ENV, "").strip() == "0" or getattr(jieba, "__version__", "") != JIEBA_VERSION:
        return False
    tokenizer = jieba.dt
    return (not tokenizer.initialized and tokenizer.dictionary == jieba.DEFAULT_DICT
            and not tokenizer.user_word_tag_tab and not jieba.DICT_WRITING)


def load(jieba) -> Trie | None:
    """The trie of jieba's default dictionary when jieba would load that one alone
    (usable), else None: jieba's own dictionary must be used."""
    return kept(jieba) if usable(jieba) else None


def is_kept() -> bool:
    """A file is where kept() looks first (not read: whether it is this dictionary's trie
    is found when it is read)."""
    return any(os.path.isfile(os.path.join(folder, FILE_NAME)) for folder in folders())


def make_ahead(jieba) -> None:
    """A machine's first build: the trie made and kept now, before the pages, when the
    build holds little (making it holds jieba's dictionary for a moment, about 60 MB);
    the index reads it later. Nothing when it is kept already or would not be used."""
    if usable(jieba) and not is_kept():
        kept(jieba)
        collector.give_back()


def kept(jieba) -> Trie | None:
    """The trie of jieba's default dictionary, read from its file, made and kept
    first if there is none; None if it cannot be kept (made anew for every build,
    it would cost more than jieba's own dictionary)."""
    source = _source(jieba)
    if source is None:
        return None
    for folder in folders():
        trie = _read(os.path.join(folder, FILE_NAME), source)
        if trie is not None:
            _sweep(folder)
            return trie
    data = None
    for folder in folders():   # the first that takes it (a folder where the file cannot go: the next)
        if not _own_folder(folder):   # checked before making it: made for every build, it would cost 4 s each time
            continue
        if data is None:
            data = _made(jieba, source)
            if data is None:
                return None
        if _write(folder, FILE_NAME, data):
            return from_bytes(data, source)
    return None


def _read(path: str, source: dict) -> Trie | None:
    try:
        # O_NONBLOCK: a FIFO put where the file should be (another user's folder in the
        # temporary folder) would block the open, and the build, until a writer came.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > LARGEST_FILE or (
                hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
            return None
        chunks, left = [], st.st_size
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return from_bytes(b"".join(chunks), source)
    except OSError:
        return None
    finally:
        os.close(fd)


def _own_folder(folder: str) -> bool:
    """The folder exists (made if need be, private to the user), is the user's own, not
    a link, and can be written."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(st.st_mode) and (not hasattr(os, "geteuid") or st.st_uid == os.geteuid())
            and os.access(folder, os.W_OK))


def _write(folder: str, name: str, data: bytes) -> bool:
    """data into folder/name, whole or not at all; the temporary files of writers
    that were killed (SIGKILL, power cut) are removed first."""
    _sweep(folder)
    try:
        fd, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, os.path.join(folder, name))
        return True
    except BaseException as error:   # a disk full, or Ctrl-C while writing: no half file left
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            return False
        raise


TEMPORARY_PREFIX = ".jieba-trie-"
STALE_AFTER = 60   # seconds: a live writer writes its 5 MB in far less


def _sweep(folder: str) -> None:
    """Remove the temporary files a killed writer left in folder: this user's regular
    files, untouched for STALE_AFTER seconds (a live writer's is newer)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
            if (entry.name.startswith(TEMPORARY_PREFIX) and stat.S_ISREG(st.st_mode)
                    and (not hasattr(os, "geteuid") or st.st_uid == os.geteuid()) and now - st.st_mtime > STALE_AFTER):
                os.unlink(entry.path)
        except OSError:
            pass


def _made(jieba, source: dict) -> bytes | None:
    """The trie's file, made from the dictionary a tokenizer of its own loads as jieba's
    default one would (its cache file, read as taizhang.jiebadict reads it)."""
    from taizhang.jiebadict import load_cached

    tokenizer = jieba.Tokenizer(jieba.DEFAULT_DICT)
    try:
        if not load_cached(jieba, tokenizer):
            tokenizer.initialize()
        freq, total = tokenizer.FREQ, tokenizer.total
        tokenizer.FREQ = {}
        if _source(jieba) != source or not freq:
            return None
        trie = from_freq(freq, total)
        del freq    # jieba's dictionary let go before the file's bytes are made
        collector.give_back()
        return to_bytes(trie, source)
    except Exception:   # whatever jieba fails on here, it reports when it loads its own
        return None
