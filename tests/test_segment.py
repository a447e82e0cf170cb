"""taizhang.segment gives the words jieba.cut gives (the search index is
built with it; tests/test_nav_cache.py compares whole sites with Material's
own segmentation)."""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "hooks"))


def _texts() -> list[str]:
    texts = [(REPO / "tests/fixtures/seed.txt").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((REPO / "records").rglob("*.md"))]
    return texts


@pytest.mark.parametrize("dictionary", ["jieba", "trie"])
def test_the_same_words_as_jieba_on_real_and_random_text(dictionary):
    """With jieba's own dictionary, and with its trie (taizhang.jiebatrie)."""
    import jieba

    from taizhang.jiebatrie import from_freq
    from taizhang.segment import cutter

    jieba.setLogLevel(60)
    jieba.initialize()
    cut = cutter(jieba, from_freq(jieba.dt.FREQ, jieba.dt.total) if dictionary == "trie" else None)
    rng = random.Random(20261206)
    texts = _texts()
    runs = [run for text in texts for run in re.findall(r"[\u3400-\u9fff\U00020000-\U0002a6df]+", text)]
    characters = "".join(runs)
    samples = texts + runs
    for _ in range(4000):     # the ledger's own characters in new orders: unknown words, HMM, ties
        samples.append("".join(rng.choice(characters) for _ in range(rng.randint(1, 40))))
    for _ in range(1500):     # any CJK character, rare ones and some beyond jieba's range, mixed with Latin, digits, space
        pieces = [chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 25))]
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(["", "〇", "\U00020000", "abc", "12.5%", " ", "\r\n", "\t", "-"]))
        samples.append("".join(pieces))
    assert len(runs) > 500
    different = [text for text in samples if cut(text) != list(jieba.cut(text))]
    assert different == []
    assert cut("巡视整改台账") == list(jieba.cut("巡视整改台账")) and len(cut("巡视整改台账")) > 1


def test_jiebas_dictionary_read_from_its_cache_is_the_dictionary_jieba_reads(tmp_path):
    """taizhang.jiebadict reads jieba's own cache file (whole, then unmarshalled) into
    the tokenizer as Tokenizer.initialize would: the same prefix dictionary and total;
    where jieba would not read the cache (none yet, a custom dictionary newer than its
    cache, a damaged file) it leaves the tokenizer to jieba."""
    import marshal
    import os

    import jieba

    from taizhang.jiebadict import cache_file, load_cached

    jieba.setLogLevel(60)
    nothing_yet = jieba.Tokenizer()
    nothing_yet.tmp_dir = str(tmp_path)
    assert not load_cached(jieba, nothing_yet) and not nothing_yet.initialized   # jieba builds and writes it
    ours, theirs = jieba.Tokenizer(), jieba.Tokenizer()   # jieba's cache in the temporary directory, as builds use it
    theirs.initialize()
    assert os.path.isfile(cache_file(jieba, theirs))
    assert load_cached(jieba, ours) and ours.initialized
    assert ours.total == theirs.total and ours.FREQ == theirs.FREQ and len(ours.FREQ) > 300_000
    assert list(ours.cut("巡视整改台账逐条销号")) == list(theirs.cut("巡视整改台账逐条销号"))

    custom = tmp_path / "dict.txt"
    custom.write_text("巡视整改 5 n\n台账 3 n\n", encoding="utf-8")
    own = jieba.Tokenizer(str(custom))
    own.tmp_dir = str(tmp_path)
    own.initialize()   # writes jieba.u<md5>.cache
    fresh = jieba.Tokenizer(str(custom))
    fresh.tmp_dir = str(tmp_path)
    assert load_cached(jieba, fresh) and fresh.FREQ == own.FREQ and fresh.total == 8
    os.utime(custom, (os.path.getmtime(cache_file(jieba, own)) + 10,) * 2)   # the dictionary changed since
    stale = jieba.Tokenizer(str(custom))
    stale.tmp_dir = str(tmp_path)
    assert not load_cached(jieba, stale) and not stale.initialized
    damaged = jieba.Tokenizer(str(custom))
    damaged.tmp_dir = str(tmp_path)
    os.utime(custom, (os.path.getmtime(cache_file(jieba, own)) - 10,) * 2)
    with open(cache_file(jieba, damaged), "r+b") as f:
        f.truncate(20)
    assert not load_cached(jieba, damaged) and not damaged.initialized
    # A cache followed by a huge (sparse) tail, as another user can plant at /tmp/jieba.cache:
    # not read whole into memory; jieba reads its first object, the dictionary.
    from taizhang.jiebadict import WHOLE_AT_MOST
    with open(cache_file(jieba, own), "wb") as f:
        marshal.dump((own.FREQ, own.total), f)
        f.truncate(WHOLE_AT_MOST + 1)
    padded = jieba.Tokenizer(str(custom))
    padded.tmp_dir = str(tmp_path)
    assert not load_cached(jieba, padded) and not padded.initialized
    padded.initialize()
    assert padded.FREQ == own.FREQ and padded.total == 8


def test_search_worker_imports_jieba_without_pkg_resources():
    """The search worker imports Material's search plugin (and so jieba) with
    `import pkg_resources` failing at once (JIEBA_WITHOUT_PKG_RESOURCES): jieba then
    opens its dictionary itself. The index is the same byte for byte as with
    pkg_resources, the worker never loaded it, and it imports normally afterwards.
    Each way in a fresh interpreter, as the worker starts."""
    import json
    import subprocess
    import sys

    from mkdocs.config import load_config

    repo = REPO
    config = dict(load_config(str(repo / "mkdocs.yml")).plugins["material/search"].config)
    script = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import taizhang_search as ts
ts.JIEBA_WITHOUT_PKG_RESOURCES = sys.argv[3] == "on"
config = json.loads(sys.argv[2])
with ts._jieba_without_pkg_resources():
    index = ts._search_index(config)
loaded = "pkg_resources" in sys.modules
pages = ts._Pages(index, config)
content = "<h1 id='a'>整改措施</h1><p>持续深化巡视整改，压实主体责任。</p><h2 id='b'>整改进展</h2><p>已完成 3 项。</p>"
pages.add("CS-001", ("measures/CS-001/", "整改措施", {}, (("a", "#a", ()), ("b", "#b", ())), content))
print(json.dumps([loaded, pages.finish(["CS-001"], False), __import__("pkg_resources").__name__]))
"""
    out = {}
    for switch in ("on", "off"):
        run = subprocess.run([sys.executable, "-c", script, str(repo / "hooks"), json.dumps(config), switch],
                             capture_output=True, text=True, check=True)
        out[switch] = json.loads(run.stdout)
    assert out["on"][0] is False and out["off"][0] is True
    assert out["on"][1] == out["off"][1] and "\u200b压实\u200b" in json.dumps(json.loads(out["on"][1]), ensure_ascii=False)
    assert out["on"][2] == out["off"][2] == "pkg_resources"


def test_the_trie_is_jiebas_dictionary_kept_once_per_user(tmp_path, monkeypatch):
    """taizhang.jiebatrie: every key of jieba's prefix dictionary with its frequency, and
    nothing else, in about a tenth of the memory; made once and kept in the user's cache
    folder (private), read back from there; a damaged file, a file that is a link, or
    one made from another dict.txt is not read but made again; where it cannot be
    kept, jieba's own dictionary is used (None)."""
    import jieba

    from taizhang import jiebatrie

    jieba.setLogLevel(60)
    jieba.initialize()
    freq = jieba.dt.FREQ
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    trie = jiebatrie.kept(jieba)
    path = tmp_path / "cache" / "taizhang" / f"jieba-{jiebatrie.JIEBA_VERSION}.trie"
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert trie.total == jieba.dt.total and len(trie.chars) == len(freq) > 300_000
    assert all(trie.freq_of(key) == value for key, value in freq.items())
    rng = random.Random(7)
    others = {"".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 6))) for _ in range(20000)}
    others |= {"", "a", "台账z", "\U00020000", "巡视整改台账逐条销号"}
    assert all(trie.freq_of(text) == freq.get(text) for text in others)
    held = len(trie.chars) * 2 + len(trie.freq) * trie.freq.itemsize + len(trie.end) * trie.end.itemsize
    assert held < 8 * 2 ** 20 and path.stat().st_size < 8 * 2 ** 20

    kept = path.read_bytes()

    def made_again(*_):
        raise AssertionError("made again")

    with monkeypatch.context() as m:   # read back, not made again
        m.setattr(jiebatrie, "_made", made_again)
        again = jiebatrie.kept(jieba)
    assert (again.chars, again.freq, again.end, again.total) == (trie.chars, trie.freq, trie.end, trie.total)

    damaged = bytearray(kept)
    damaged[-3] ^= 0xFF
    path.write_bytes(bytes(damaged))
    assert jiebatrie.kept(jieba).chars == trie.chars and path.read_bytes() == kept

    elsewhere = tmp_path / "elsewhere.trie"
    elsewhere.write_bytes(kept)
    path.unlink()
    path.symlink_to(elsewhere)
    with monkeypatch.context() as m:   # the link is not followed: made again
        m.setattr(jiebatrie, "_made", made_again)
        with pytest.raises(AssertionError, match="made again"):
            jiebatrie.kept(jieba)
    assert jiebatrie.kept(jieba) is not None and not path.is_symlink() and path.read_bytes() == kept
    assert elsewhere.read_bytes() == kept

    other = {**jiebatrie._source(jieba), "dict_size": 1}   # another dict.txt: not this one's trie
    assert jiebatrie.from_bytes(kept, other) is None and jiebatrie.from_bytes(kept[:-1], jiebatrie._source(jieba)) is None

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked / "cache"))   # nowhere to keep it
    monkeypatch.setattr(tempfile, "tempdir", str(blocked / "tmp"))
    with monkeypatch.context() as m:   # not made only to be thrown away
        m.setattr(jiebatrie, "_made", made_again)
        assert jiebatrie.kept(jieba) is None

    assert not jiebatrie.usable(jieba)   # jieba's own is loaded in this process
    import subprocess

    script = ("import sys, jieba; sys.path.insert(0, sys.argv[1]); from taizhang import jiebatrie; "
              "before = jiebatrie.usable(jieba); jieba.add_word('巡视整改台账'); print(before, jiebatrie.usable(jieba))")
    for switch, expected in (("", "True False"), ("0", "False False")):   # a user's word: jieba's own
        run = subprocess.run([sys.executable, "-c", script, str(REPO / "hooks")], capture_output=True, text=True,
                             env={**os.environ, jiebatrie.USE_TRIE_ENV: switch}, timeout=120)
        assert run.stdout.split() == expected.split(), run.stderr[-2000:]


def test_the_trie_is_kept_where_it_can_be_and_no_temporary_file_is_left(tmp_path, monkeypatch):
    """A directory where the trie's file should be: kept in the next folder (not made for
    every build and thrown away); a writer killed while writing (SIGKILL) leaves its
    temporary file: removed by the next build once stale, a live writer's is not; Ctrl-C
    while writing leaves none; a relative XDG_CACHE_HOME is ignored (~/.cache)."""
    import jieba

    from taizhang import jiebatrie

    jieba.setLogLevel(60)
    name = f"jieba-{jiebatrie.JIEBA_VERSION}.trie"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert jiebatrie.folders()[0] == str(tmp_path / "home" / ".cache" / "taizhang")

    cache, spare = tmp_path / "cache" / "taizhang", tmp_path / "tmp" / f"taizhang-{os.geteuid()}"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (cache / name).mkdir(parents=True)
    assert jiebatrie.kept(jieba) is not None and (spare / name).is_file()
    made = (spare / name).read_bytes()
    (cache / name).rmdir()
    (spare / name).unlink()

    killed, live = cache / ".jieba-trie-killed", cache / ".jieba-trie-writing"
    for path in (killed, live):
        path.write_bytes(made[:1000])
    os.utime(killed, (0, 0))

    def interrupted(*_):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(os, "replace", interrupted)
        with pytest.raises(KeyboardInterrupt):
            jiebatrie.kept(jieba)
    assert sorted(p.name for p in cache.iterdir()) == [live.name]   # the killed writer's file is gone
    assert jiebatrie.kept(jieba) is not None and (cache / name).read_bytes() == made
    os.utime(live, (0, 0))
    assert jiebatrie.kept(jieba) is not None   # read back: a stale file is removed then too
    assert sorted(p.name for p in cache.iterdir()) == [name]


def test_one_trie_serves_every_install_of_the_same_dictionary(tmp_path):
    """The trie's file is told by dict.txt's content, not its path or time: two projects'
    .venv (or jieba reinstalled) share it instead of making it again at every build
    that follows a build of the other; another dict.txt is told apart."""
    import types

    import jieba

    from taizhang import jiebatrie

    def install(name: str, text: bytes, mtime: int):
        folder = tmp_path / name / "jieba"
        folder.mkdir(parents=True)
        (folder / jieba.DEFAULT_DICT_NAME).write_bytes(text)
        os.utime(folder / jieba.DEFAULT_DICT_NAME, (mtime, mtime))
        return types.SimpleNamespace(__file__=str(folder / "__init__.py"), DEFAULT_DICT_NAME=jieba.DEFAULT_DICT_NAME)

    text = "台账 3 n\n".encode() * 1000
    one, two = install("one", text, 1_000_000), install("two", text, 2_000_000)
    assert jiebatrie._source(one) == jiebatrie._source(two) and "dict" not in jiebatrie._source(one)
    other = install("other", text.replace(b"3", b"4", 1), 1_000_000)
    assert jiebatrie._source(other) != jiebatrie._source(one)
    assert jiebatrie._source(install("empty", b"", 0))["dict_size"] == 0
    assert jiebatrie._source(jieba)["dict_size"] == os.path.getsize(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))


def test_a_fifo_where_the_trie_should_be_does_not_hold_the_build(tmp_path):
    """Before a user's first build another user can make the user's folder in the
    temporary folder and put a FIFO where the trie's file goes: it is not read (and the
    open does not wait for a writer, which would hold every build)."""
    import subprocess

    fifo = tmp_path / "jieba-0.42.1.trie"
    os.mkfifo(fifo)
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import jieba; from taizhang import jiebatrie; "
              "print(jiebatrie._read(sys.argv[2], jiebatrie._source(jieba)))")
    run = subprocess.run([sys.executable, "-c", script, str(REPO / "hooks"), str(fifo)], capture_output=True,
                         text=True, timeout=60)
    assert run.stdout.split() == ["None"], run.stderr[-2000:]


def test_making_the_trie_takes_no_more_memory_than_jiebas_dictionary(tmp_path):
    """The first build on a machine (every build in a fresh CI container) makes the trie
    from jieba's dictionary: its peak must be jieba's dictionary's, as before the trie
    (the keys' last characters joined at once were 36 MB on top of it; jieba's
    dictionary is let go before the file's bytes are made). Peak RSS of a fresh process
    each, alternated."""
    import subprocess

    script = ("import resource, sys; sys.path.insert(0, sys.argv[1]); import jieba; jieba.setLogLevel(60)\n"
              "from taizhang import jiebatrie\nfrom taizhang.jiebadict import load_cached\n"
              "if sys.argv[2] == 'make':\n    assert jiebatrie.kept(jieba) is not None\n"
              "else:\n    load_cached(jieba); jieba.initialize()\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    peaks: dict[str, list[int]] = {"jieba": [], "make": []}
    for n, what in enumerate(["jieba", "make", "jieba", "make"]):
        run = subprocess.run([sys.executable, "-c", script, str(REPO / "hooks"), what], capture_output=True, text=True,
                             env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / f"cache{n}")}, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        peaks[what].append(int(run.stdout) // 1024)
    assert min(peaks["make"]) < min(peaks["jieba"]) + 12, peaks   # MB
