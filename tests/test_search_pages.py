"""The search worker's pages held small (README 性能, issue #32 goal 4), the index unchanged:

- each page's entries are kept as their JSON text and the index file is written
  from these texts a page at a time (taizhang_search.PAGE_JSON);
- with one core, InProcessSearch lets go its pages and jieba's dictionary once
  stopped, before the downloads are made (taizhang_search.RELEASE_WHEN_STOPPED).

Each way (switch on, switch off: the old way) indexes the same pages, hostile
ones among the sample's records, through full, dirty and repeated builds: the
same bytes. Then the new way is shown to hold less; these tests fail with the
switch off. tests/test_memory.py builds whole sites with every switch on and off.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import tracemalloc

import pytest

from conftest import REPO, copy_project, env

sys.path.insert(0, str(REPO / "hooks"))
import taizhang_search as ts  # noqa: E402

CONFIG = {
    "enabled": True, "lang": ["zh"], "separator": r'[\s\u200b\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])',
    "pipeline": ["stemmer"], "fields": {"title": {"boost": 1e3}, "text": {"boost": 1e0}, "tags": {"boost": 1e6}},
    "jieba_dict": None, "jieba_dict_user": None, "indexing": None, "prebuild_index": None, "min_search_length": None,
}


def _page(url: str, title: str, body: str, meta: dict | None = None) -> tuple:
    """A page's search inputs as the hook sends them (search_inputs)."""
    ids = re.findall(r'<h[1-6] id="([^"]+)"', body)
    return (url, title, meta or {}, tuple((i, f"#{i}", ()) for i in ids), body)


def _record_pages(count: int) -> list[tuple[str, tuple]]:
    """Pages made of the sample records' text (Chinese, numbers, dates), `count` of them."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "records").rglob("*.md"))]
    pages = []
    for n in range(count):
        text = texts[n % len(texts)]
        paragraphs = [p for p in text.split("\n\n") if p.strip()][:6]
        body = f'<h1 id="t{n}">记录 {n}</h1>' + "".join(
            f'<h2 id="s{n}-{i}">第 {i} 节</h2><p>{p.replace("<", "&lt;")}</p>' for i, p in enumerate(paragraphs))
        pages.append((f"records/{n}.md", _page(f"records/{n}/", f"记录 {n}", body)))
    return pages


HOSTILE = [
    ("script.md", _page("script/", "<script>alert(1)</script>",
                        '<h1 id="a">&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; *x*</h1><p>=HYPERLINK("x") '
                        '\u3000全角\u200f RTL \x7f DEL é÷× \U0001F600 \ud800</p><h2 id="b">"引号" \\ 反斜杠 \\U0001</h2>'
                        "<pre><code>\t缩进\n换行</code></pre>")),
    ("meta.md", _page("meta/", "标签", '<h1 id="m">标签</h1><p>正文</p><h2 id="n">小节</h2><p>小节的内容。</p>',
                      {"tags": [1, "标签", True, 2.5, None, ""], "search": {"boost": datetime.date(2024, 1, 2)},
                       "title": "前置 title"})),
    ("boost.md", _page("boost/", "加权", '<h1 id="w">加权</h1><p>x</p>',
                       {"search": {"boost": {"k": [1.5, None, float("inf"), -0.0, 10 ** 20]}}})),
    ("excluded.md", _page("excluded/", "排除", '<h1 id="e" data-search-exclude>排除</h1><div data-search-exclude><p>不要</p></div>')),
    ("empty.md", _page("empty/", "", "")),
    ("latin.md", _page("latin/", "Café", '<h2 id="c">Café ÷ 2</h2><p>no Chinese at all</p>')),
]


@pytest.fixture(scope="module")
def pages():
    return HOSTILE + _record_pages(60)


def _new_pages(page_json: bool):
    """A fresh _Pages (its own cutter's word cache), made with PAGE_JSON as given."""
    ts.PAGE_JSON = page_json
    try:
        with ts._jieba_without_pkg_resources():
            return ts._Pages(ts._search_index(CONFIG), CONFIG)
    finally:
        ts.PAGE_JSON = True


def _builds(page_json: bool, pages: list, folder) -> list[bytes]:
    """A full build, a dirty rebuild with one page changed, a rebuild that sends all
    pages but one, and one with a page excluded: each index's bytes."""
    worker = _new_pages(page_json)
    order = [key for key, _ in pages]
    out = []
    worker.begin()
    for key, inputs in pages:
        worker.add(key, inputs)
    if page_json:   # not vacuous: the entries are kept as text
        assert worker._as_json and all(isinstance(kept, str) for kept in worker._kept.values())
    target = folder / f"{page_json}" / "search" / "search_index.json"
    worker.write(order, True, str(target))
    out.append(target.read_bytes())
    worker.begin()
    url, title, meta, toc, body = pages[-1][1]
    worker.add(pages[-1][0], (url, title, meta, toc, body + "<p>新加的一段。</p>"))
    worker.write(order, True, str(target))   # a dirty build: the others keep their entries
    out.append(target.read_bytes())
    worker.begin()
    for key, inputs in pages[1:]:
        worker.add(key, inputs)
    out.append(worker.finish(order, False).encode("ascii"))   # the first page was not sent: left out
    worker.begin()
    for key, inputs in pages:
        worker.add(key, None if key == "meta.md" else inputs)
    out.append(worker.finish(order, False).encode("ascii"))
    return out


def test_the_index_is_the_same_with_and_without_page_json(tmp_path, pages):
    new, old = _builds(True, pages, tmp_path), _builds(False, pages, tmp_path)
    assert new == old
    assert len(set(new)) == 4
    index = json.loads(new[0])
    # Not vacuous: the hostile pages and every record are in it, escaped as Material escapes them.
    assert {d["location"] for d in index["docs"]} >= {"script/", "meta/", "boost/", "latin/#c", "records/59/#s59-1"}
    assert b"\\u007f" in new[0] and b"\\ud83d\\ude00" in new[0] and b"\\ud800" in new[0] and b"\\u00e9" in new[0]
    assert b'"boost":"2024-01-02"' in new[0] and b"Infinity" in new[0]
    assert b'"location":"script/"' not in new[2] and b'"location":"meta/"' not in new[3]


@pytest.mark.parametrize("boost", ["keys", "circular"])
def test_an_index_that_cannot_be_written_fails_as_before(tmp_path, boost):
    """A boost json cannot write (a date as a key, a list holding itself) fails
    the build with Material's own error either way (the page is kept as objects)."""
    value = {datetime.date(2024, 1, 2): 1} if boost == "keys" else []
    if boost == "circular":
        value.append(value)
    page = _page("bad/", "坏", '<h1 id="b">坏</h1><p>x</p>', {"search": {"boost": value}})
    errors = []
    for page_json in (True, False):
        worker = _new_pages(page_json)
        worker.add("bad.md", page)
        worker.add("ok.md", HOSTILE[0][1])
        with pytest.raises((TypeError, ValueError)) as error:
            worker.write(["ok.md", "bad.md"], False, str(tmp_path / "search_index.json"))
        errors.append(f"{type(error.value).__name__}: {error.value}")
    assert errors[0] == errors[1]
    assert not (tmp_path / "search_index.json").exists()


def test_another_dumping_keeps_the_entries(tmp_path, pages):
    """A Material whose index JSON is written otherwise (here: not ASCII only) is
    not followed with page texts: the entries are kept as objects, its bytes written."""
    with ts._jieba_without_pkg_resources():
        index = ts._search_index(CONFIG)

    class Other(index):
        def generate_search_index(self, _prev):
            config = {key: self.config[key] for key in ["lang", "separator", "pipeline", "fields"]}
            return json.dumps({"config": config, "docs": self.entries}, separators=(",", ":"), default=str,
                              ensure_ascii=False)

    worker = ts._Pages(Other, CONFIG)
    assert worker._as_json is False
    pages = [page for page in pages if page[0] != "script.md"]   # its lone surrogate has no UTF-8
    for key, inputs in pages:
        worker.add(key, inputs)
    worker.write([key for key, _ in pages], False, str(tmp_path / "i.json"))
    assert "\u200b整改\u200b" in (tmp_path / "i.json").read_text(encoding="utf-8")


def _held(index, page_json: bool, pages: list, folder) -> tuple[int, int, int]:
    """Python memory the pages' entries hold once indexed, and the most allocated
    while the index file is written; and the file's size."""
    ts.PAGE_JSON = page_json
    try:
        worker = ts._Pages(index, CONFIG)
    finally:
        ts.PAGE_JSON = True
    tracemalloc.start()
    try:
        for key, inputs in pages:
            worker.add(key, inputs)
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        target = folder / f"held-{page_json}.json"
        start = tracemalloc.get_traced_memory()[0]
        worker.write([key for key, _ in pages], False, str(target))
        writing = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    return kept, writing, target.stat().st_size


def test_page_json_holds_less_while_indexing_and_writing(tmp_path):
    pages = _record_pages(150)
    with ts._jieba_without_pkg_resources():
        index = ts._search_index(CONFIG)
    warm = ts._Pages(index, CONFIG)   # jieba's words met, cached by the cutter: the same for both ways
    for key, inputs in pages:
        warm.add(key, inputs)
    new, old = _held(index, True, pages, tmp_path), _held(index, False, pages, tmp_path)
    assert new[2] == old[2] > 300_000
    # Kept as text: a Chinese character is 2 bytes (6 in the file), without a dict per section.
    assert new[0] < 0.8 * old[0], (new, old)
    # Written a page at a time: never the whole index (the old way made it whole, and its parts).
    assert new[1] < 0.2 * new[2] and old[1] > new[2], (new, old)


RELEASE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import taizhang_search as ts
ts.RELEASE_WHEN_STOPPED = sys.argv[2] == "on"
config, pages, folder = json.loads(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5]

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

def build(name):
    search = ts.InProcessSearch(config)
    search.begin()
    for key, inputs in pages:
        search.add(key, inputs)
    search.write([key for key, _ in pages], f"{folder}/{name}.json")
    return search

search = build("first")
before = rss()
search.stop()
freed = before - rss()
import jieba
words = len(jieba.dt.FREQ)
build("again").stop()   # a later build in this process loads the dictionary again
print(json.dumps([freed, words]))
"""


def test_one_core_lets_the_dictionary_go_once_stopped(tmp_path):
    pages = [(key, list(inputs)) for key, inputs in _record_pages(20)]
    results = {}
    for switch in ("on", "off"):
        # jieba's own dictionary, as with a user dictionary (its default one alone is read as a trie)
        run = subprocess.run([sys.executable, "-c", RELEASE, str(REPO / "hooks"), switch, json.dumps(CONFIG),
                              json.dumps(pages), str(tmp_path)], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "TAIZHANG_JIEBA_TRIE": "0"})
        assert run.returncode == 0, run.stderr[-3000:]
        results[switch] = json.loads(run.stdout)
        first, again = (tmp_path / "first.json").read_bytes(), (tmp_path / "again.json").read_bytes()
        assert first == again and b"\\u200b" in first
        results[switch].append(first)
    assert results["on"][2] == results["off"][2]
    freed_on, words_on = results["on"][:2]
    freed_off, words_off = results["off"][:2]
    assert words_on == 0 and words_off > 300_000
    # jieba's default dictionary is about 60 MB in memory: given back to the system.
    assert freed_on > 30 * 2 ** 20 and freed_off < 5 * 2 ** 20, (freed_on, freed_off)


def test_one_core_segments_with_a_user_dictionary_as_material_does(tmp_path):
    """With a jieba user dictionary (search: jieba_dict_user), a build on one core
    (InProcessSearch) writes Material's own index, as a build with the worker does.
    Material's on_config loads the user dictionary into the build process; loading it
    there again (_load_jieba, as the worker must) added its frequencies to jieba's
    total a second time, and jieba then cut other words in other places."""
    project = copy_project(tmp_path / "project")
    (project / "userdict.txt").write_text("谋早谋细 1000000000 n\n主动和被动 500000000 n\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      lang: zh\n" in text
    config.write_text(text.replace("      lang: zh\n", "      lang: zh\n      jieba_dict_user: userdict.txt\n"),
                      encoding="utf-8")

    def index(site: str, one_core: bool, **extra) -> bytes:
        pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core else None
        run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", site], cwd=project,
                             env=env(**extra), capture_output=True, text=True, timeout=600, preexec_fn=pin)
        assert run.returncode == 0, run.stderr[-3000:]
        return (project / site / "search" / "search_index.json").read_bytes()

    material = index("site-material", True, **{ts.WORKER_ENV: "0"})   # Material indexes every page itself
    assert json.dumps("\u200b谋早谋细\u200b")[1:-1].encode("ascii") in material   # the user's word is one
    assert index("site-one-core", True) == material


DEFER = r"""
import json, sys, threading
sys.path.insert(0, sys.argv[1])
import taizhang_search as ts
ts.DEFER_INDEX = sys.argv[2] == "on"
config, target = json.loads(sys.argv[3]), sys.argv[5]
with open(sys.argv[4], encoding="utf-8") as f:
    pages = json.load(f)
import jieba

search = ts.InProcessSearch(config)
search.begin()
for key, inputs in pages:
    search.add(key, inputs)
loaded = jieba.dt.initialized              # before the index is written
held = sum(len(packed) for packed in search._held.values() if packed)
search.write([key for key, _ in pages], target)
written = jieba.dt.initialized
# Inputs pickle cannot write (a lock in the meta Material reads) are indexed at once.
odd = ts.InProcessSearch(config)
odd.begin()
odd.add("odd.md", ["odd/", "Odd", {"tags": [threading.Lock()]}, [], "<h1 id='odd'>Odd</h1><p>文字</p>"])
odd_indexed = odd._pages is not None and not odd._held
print(json.dumps([loaded, written, held, odd_indexed]))
"""


def test_one_core_indexes_the_pages_when_the_index_is_written(tmp_path):
    """With one core (InProcessSearch) each page's search inputs are held pickled and
    deflated, jieba's dictionary is not loaded, until the index is written: then the
    pages are indexed, and the index is the one indexing them as they came gives
    (DEFER_INDEX off). The held inputs take less than a third of the pages' HTML."""
    # Pages the size of a record page (a few KB of HTML, as at 5,000 records: 9.2 MB held in all).
    pages = [(key, [*inputs[:4], inputs[4] * 6]) for key, inputs in _record_pages(40)]
    html = sum(len(inputs[4].encode("utf-8")) for _, inputs in pages)
    given = tmp_path / "pages.json"
    given.write_text(json.dumps(pages), encoding="utf-8")
    results = {}
    for switch in ("on", "off"):
        target = tmp_path / f"{switch}.json"
        run = subprocess.run([sys.executable, "-c", DEFER, str(REPO / "hooks"), switch, json.dumps(CONFIG),
                              str(given), str(target)], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "TAIZHANG_JIEBA_TRIE": "0"})   # jieba's own dictionary
        assert run.returncode == 0, run.stderr[-3000:]
        results[switch] = json.loads(run.stdout) + [target.read_bytes()]
    assert results["on"][4] == results["off"][4] and b"\\u200b" in results["on"][4]
    loaded, written, held, odd_indexed, _ = results["on"]
    assert loaded is False and written is True and 0 < held < html / 3, (results["on"][:4], html)
    assert odd_indexed is True
    assert results["off"][0] is True and results["off"][2] == 0


def test_a_set_in_the_front_matter_is_written_as_material_writes_it(tmp_path):
    """A page's title or search boost may be a set (YAML's !!set): Material writes it
    with str(), its elements in the order of the set's table. Pickled (to the worker,
    or held on one core: DEFER_INDEX) a set is rebuilt into a table of another size,
    and {0, 16, 1, 2, 3} was written {0, 1, 2, 3, 16}. The index on one core and with
    the worker is Material's own."""
    project = copy_project(tmp_path / "project")
    shown = "{0, 16, 1, 2, 3}"
    (project / "docs" / "sets.md").write_text(
        "---\ntitle: !!set {0: , 16: , 1: , 2: , 3: }\n"
        "search: {boost: [!!set {0: , 16: , 1: , 2: , 3: }, 2, !!omap [{a: !!set {0: , 16: , 1: , 2: , 3: }}]],"
        " exclude: !!set {}}\n---\n\n正文。\n", encoding="utf-8")

    def index(site: str, one_core: bool, **extra) -> bytes:
        pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core else None
        run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", site], cwd=project,
                             env=env(**extra), capture_output=True, text=True, timeout=600, preexec_fn=pin)
        assert run.returncode == 0, run.stderr[-3000:]
        return (project / site / "search" / "search_index.json").read_bytes()

    material = index("site-material", True, **{ts.WORKER_ENV: "0"})   # Material indexes every page itself
    entry = [e for e in json.loads(material)["docs"] if e["location"] == "sets/"]
    assert entry == [{"location": "sets/", "title": shown, "text": "<p>\u200b正文\u200b。</p>", "boost": [shown, 2, [["a", shown]]]}]
    assert index("site-one-core", True) == material
    if len(os.sched_getaffinity(0)) > 1:   # the worker: a one-off build uses it only when asked (TAIZHANG_PROCESSES=2)
        assert index("site-worker", False, TAIZHANG_PROCESSES="2") == material


AHEAD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import taizhang_search as ts
from taizhang import jiebatrie
ts.MAKE_TRIE_AHEAD = sys.argv[2] == "on"
config = json.loads(sys.argv[3])
search = ts.InProcessSearch(config)          # with one core: set up in on_config
ahead = jiebatrie.is_kept()
import jieba
search.begin()
search.add("CS-001", ["measures/CS-001/", "整改措施", {}, [["a", "#a", []]],
                      "<h1 id='a'>整改措施</h1><p>持续深化巡视整改，压实主体责任。</p>"])
search.write(["CS-001"], sys.argv[4])
print(json.dumps([ahead, jiebatrie.is_kept(), jieba.dt.initialized]))
"""


def test_one_core_makes_jiebas_trie_before_the_pages_on_a_machines_first_build(tmp_path):
    """A machine's first build (every build in a fresh CI container) makes jieba's trie
    when the search is set up (MAKE_TRIE_AHEAD), while the build holds little, not after
    the pages; the index is the same either way, and jieba's own dictionary stays unloaded."""
    results = {}
    for switch in ("on", "off"):
        home = tmp_path / switch
        (home / "tmp").mkdir(parents=True)
        target = home / "index.json"
        run = subprocess.run([sys.executable, "-c", AHEAD, str(REPO / "hooks"), switch, json.dumps(CONFIG), str(target)],
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "XDG_CACHE_HOME": str(home / "cache"), "TMPDIR": str(home / "tmp")})
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Building prefix dict" not in run.stderr
        results[switch] = json.loads(run.stdout) + [target.read_bytes()]
        assert (home / "cache" / "taizhang" / "jieba-0.42.1.trie").is_file()
    assert results["on"][:3] == [True, True, False]
    assert results["off"][:3] == [False, True, False]
    assert results["on"][3] == results["off"][3] and "\\u200b" in results["on"][3].decode("ascii")
