"""jieba's dictionary, read from jieba's own cache file faster than jieba reads it.

jieba.Tokenizer.initialize unmarshals its cache file (the prefix dictionary,
498,113 entries for the default dictionary) with marshal.load on the open
file, which reads it through the file object piece by piece: 0.48 s CPU, paid
by every build that indexes Chinese (Material's search with lang: zh) before a
single page is segmented. The same file read whole and unmarshalled from bytes
gives the same dictionary in 0.13 s. load_cached does only that: the file
jieba would read, under the condition jieba reads it, into the tokenizer
jieba would fill; in every other case (no cache yet, a custom dictionary newer
than its cache, another jieba version, a damaged file) it does nothing and
jieba.initialize() does what it always did, writing the cache as before.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from hashlib import md5

JIEBA_VERSION = "0.42.1"   # the version whose initialize() this follows
# Read whole only up to this size (the default dictionary's cache is 9.3 MB): jieba
# reads the first object and stops at bad data, while a whole read of a huge or
# sparse file planted in the shared temporary directory (any user can create
# /tmp/jieba.cache) would take that much memory and time first. Larger files go
# to jieba's own load, which gives the same dictionary.
WHOLE_AT_MOST = 128 * 1024 * 1024


def cache_file(jieba, tokenizer) -> str:
    """The path jieba.Tokenizer.initialize reads its cache from."""
    if tokenizer.cache_file:
        name = tokenizer.cache_file
    elif tokenizer.dictionary == jieba.DEFAULT_DICT:
        name = "jieba.cache"
    else:
        name = "jieba.u%s.cache" % md5(tokenizer.dictionary.encode("utf-8", "replace")).hexdigest()
    return os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), name)


def load_cached(jieba, tokenizer=None) -> bool:
    """Fill `tokenizer` (jieba's default one if None) from jieba's cache file, as
    its initialize() would; True when it did, False to leave it to jieba."""
    tokenizer = tokenizer or jieba.dt
    if getattr(jieba, "__version__", "") != JIEBA_VERSION:
        return False
    with tokenizer.lock:
        if tokenizer.initialized:
            return True
        if tokenizer.dictionary in jieba.DICT_WRITING:   # another thread is writing it: jieba waits
            return False
        path = cache_file(jieba, tokenizer)
        try:
            if not os.path.isfile(path) or not (tokenizer.dictionary == jieba.DEFAULT_DICT or
                                                os.path.getmtime(path) > os.path.getmtime(tokenizer.dictionary)):
                return False
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size > WHOLE_AT_MOST:
                    return False
                freq, total = marshal.loads(f.read())
        except Exception:   # what jieba's own load would fail on: it builds the dictionary again
            return False
        if not isinstance(freq, dict) or not isinstance(total, int):
            return False
        tokenizer.FREQ, tokenizer.total = freq, total
        tokenizer.initialized = True
        return True
