"""The line-by-line reader of usual front matter (load._plain_block) against
the full YAML parser (load._parse_full): wherever the fast reader answers, it
gives the very values (types, order) and file lines the full parser gives,
with nothing to report; everything else it leaves to the full parser, so
aliases, duplicates and syntax errors are still refused and located."""

from __future__ import annotations

import os
import random

from taizhang import load
from taizhang.load import parse_text
from taizhang.problems import Reporter

KEYS = ["编号", "标题", "a b", "键 名", "yes", "1", "2号", "<<", "=", "~", "null", "键\u3000", "k", "a#b", 'a"b', "a'b",
        "'q'", '"q"', "-k", "?k", "a:b", "!t", "&a", "*a", "[a]", "{a}", "%d", "@x", "`x", ".5", "0x1F", "True",
        "on", "NO", "k:", "\xa0键", "键\xa0", "a #b", "日期", "内容"]
VALUES = ["值", "中文 文字", "FK-001", "2023-06-01", "2023-6-1", "12", "-3", "+1", "1.5", ".inf", "~", "null",
          "Null", "yes", "No", "on", "true", '"引号"', '""', "''", "'单引号'", "'it''s'", '"a\\nb"',
          '"a\\tb\\"c\\\\d"', '"\\x41"', '"\\u4e2d"', '"a\\', '"a" b', "'a' b", "a: b", "a:", "a :b", "a:b", "a#b",
          "a #注释", "&x 值", "*x", "!!str 值", "!!int 3", "[1, 2]", "{a: 1}", "|", ">", "- x", "-x", "?x", ":x",
          "%x", "@x", "`x", ",x", "<<", "=", "'a", '"a', "a'b", 'a"b', "\u3000值", "值\u3000", "\xa0值", "a\u2028b",
          "a\x85b", "\ufeff值", "a\tb", "0o17", "0b101", "1_000", "1:20", "-", "a  b", "[", "}", "值 # 说明",
          '"带 # 号"', "'带 # 号'"]


def _scalar(rng: random.Random) -> str:
    return rng.choice(VALUES) if rng.random() < 0.15 else rng.choice(VALUES[:4])


def _key(rng: random.Random) -> str:
    return rng.choice(KEYS) if rng.random() < 0.08 else f"字段{rng.randrange(40)}"


def _pad(rng: random.Random) -> str:
    return rng.choice(["", "", "", " ", "  "])


def _entries(rng: random.Random, indent: int, depth: int, lines: list[str]) -> None:
    for _ in range(rng.randint(1, 4)):
        space = " " * indent
        shape = rng.random()
        key = _key(rng)
        colon = rng.choice([": ", ": ", ":  ", " : "])
        if shape < 0.45 or depth > 2:
            lines.append(f"{space}{key}{colon}{_scalar(rng)}{_pad(rng)}")
        elif shape < 0.55:
            lines.append(f"{space}{key}:{_pad(rng)}")
        elif shape < 0.8:
            lines.append(f"{space}{key}:")
            _items(rng, indent + rng.choice([0, 1, 2, 2, 4]), depth + 1, lines)
        else:
            lines.append(f"{space}{key}:")
            _entries(rng, indent + rng.choice([1, 2, 2, 4]), depth + 1, lines)


def _items(rng: random.Random, indent: int, depth: int, lines: list[str]) -> None:
    for _ in range(rng.randint(1, 3)):
        dash = " " * indent + rng.choice(["- ", "- ", "-  "])
        if rng.random() < 0.6:
            lines.append(dash + _scalar(rng))
        else:   # `- 日期: …` then the mapping's other keys at the first key's column
            column = len(dash)
            first = []
            _entries(rng, column, depth + 1, first)
            lines.append(dash + first[0][column:])
            lines += first[1:]


def _document(rng: random.Random) -> list[str]:
    lines: list[str] = []
    _entries(rng, 0, 0, lines)
    for _ in range(rng.choice([0, 0, 1, 2])):   # blank lines, comments, stray indentation
        at = rng.randrange(len(lines) + 1)
        lines.insert(at, rng.choice(["", "  ", "# 说明", "   # 缩进的说明", "", "# 说明", " 错位: 值", "- 多余", "续行文字"]))
    if rng.random() < 0.2:
        at = rng.randrange(len(lines))
        lines[at] += rng.choice(["  # 说明", " #说明", "#不是说明"])
    return lines


def _both(lines: list[str]):
    source = "\n".join(lines)
    reporter = Reporter()
    full = load._parse_full(source, lines, "x.md", reporter, 2)
    return load._plain_block(source, lines, 2), full, reporter.problems


def test_fast_reader_agrees_with_the_full_parser_or_declines():
    rng = random.Random(20240519)
    answered = declined_bad = 0
    for _ in range(8000):
        lines = _document(rng)
        fast, full, problems = _both(lines)
        if fast is None:
            declined_bad += bool(problems)
            continue
        answered += 1
        # repr: True == 1 == 1.0 and dict equality ignore types and order; repr does not.
        assert not problems and repr(fast) == repr(full), "\n".join(lines)
    # Both sides are exercised: most generated documents are answered, many are broken.
    assert answered > 1500 and declined_bad > 500, (answered, declined_bad)


def test_usual_records_take_the_fast_reader():
    lines = ["编号: CS-001", "类别: 整改措施   # 说明", "# 标题:  # 不填", "整改问题:", "  - WT-010", "整改进展:",
             "  - 日期: 2023-06-20", '    内容: "召开\\"会议\\"\\n印发方案"', "佐证材料:", "- 会议纪要", "完成日期:"]
    fast, full, problems = _both(lines)
    assert fast is not None and not problems and repr(fast) == repr(full)
    assert fast[0]["整改进展"][0]["内容"] == '召开"会议"\n印发方案'
    assert fast[1][("整改进展", 0, "内容")] == 9 and fast[1][("佐证材料", 0)] == 11 and fast[0]["完成日期"] is None


def test_aliases_and_bombs_are_still_refused_at_their_line():
    bomb = ["编号: CS-009", "a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]" for p, c in zip("abcdefgh", "bcdefghi")]
    plain_alias = ["编号: CS-009", "标题: &t 标题", "类别: 整改措施", "责任单位: *t"]
    for lines, line in ((bomb, 3), (plain_alias, 3)):   # the anchored node's line, as before
        assert load._plain_block("\n".join(lines), lines, 2) is None
        reporter = Reporter()
        assert parse_text("\n".join(["---", *lines, "---", ""]), "records/x.md", reporter) is None
        assert [(p.rule, p.line) for p in reporter.problems] == [("yaml-alias", line)]


def test_what_the_fast_reader_declines_is_still_reported():
    cases = {("编号: CS-001", "标题: 一", "标题: 二"): [("duplicate-key", 4)],
             ("编号: CS-001", "标题: a: b"): [("yaml-syntax", 3)],
             ("编号: CS-001", "整改问题:", "  - WT-001", " 错位: 值"): [("yaml-syntax", 5)],
             # Numbers Python will not read (int()'s 4,300-digit limit): at their line, not a traceback.
             ("编号: CS-001", "备注: " + "9" * 5000): [("yaml-syntax", 3)],
             ("编号: CS-001", "进展:", "  - " + "1" * 4301): [("yaml-syntax", 4)],
             ("编号: CS-001", "9" * 4400 + ": 值"): [("yaml-syntax", 3)],   # YAML's own limit on a key (1,024)
             ("编号: CS-001", "? " + "9" * 4400, ": 值"): [("yaml-syntax", 3)]}
    for lines, expected in cases.items():
        assert load._plain_block("\n".join(lines), list(lines), 2) is None
        reporter = Reporter()
        parse_text("\n".join(["---", *lines, "---", ""]), "records/x.md", reporter)
        assert [(p.rule, p.line) for p in reporter.problems] == expected
        if "9" * 5000 in "".join(lines) or "1" * 4301 in "".join(lines) or "? 9" in "".join(lines):
            assert "数字太长" in reporter.problems[0].message and "加上引号" in reporter.problems[0].message


def test_the_resolver_table_is_pyyamls_own_without_timestamps():
    """The fast reader decides "this plain value is text" with a copy of PyYAML's
    implicit resolvers (so `taizhang check` need not import PyYAML); the copy must
    be PyYAML's table, pattern for pattern, in its order, dates left out."""
    import yaml

    def shown(table):
        return {first: [(tag, rx.pattern, rx.flags) for tag, rx in resolvers] for first, resolvers in table.items()}

    pyyaml = {first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
              for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    assert shown(load._RESOLVERS) == shown(pyyaml)
    assert list(load._RESOLVERS) == list(pyyaml)


def test_usual_records_are_read_without_importing_pyyaml():
    """The usual ledger (the sample's records) is checked without PyYAML: its
    import would be a sixth of `taizhang check` on 1,000 records. A record that
    needs the full parser still gets it. Nor does it import what only some
    bodies or only the site need (html.parser for a body holding "<", typing,
    threading, the views and exports), nor what inspect imports (dataclasses
    asks for it, taizhang/__init__ defers it): imports are most of `taizhang
    check`'s fixed cost (issue #32, README 性能)."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    script = ("import sys\nfrom taizhang.cli import main\ncode = main(['check', sys.argv[1]])\n"
              "print('yaml' in sys.modules, code, *sorted(m for m in sys.modules if m in "
              "('html.parser', 'typing', 'threading', 'ast', 'dis', 'tokenize') "
              "or m.startswith(('taizhang.views', 'taizhang.export'))))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(2):   # the first run may have to make the defaults' JSON (vocabulary._defaults_json)
        out = subprocess.run([sys.executable, "-c", script, str(repo)], capture_output=True, text=True, check=True,
                             env=env)
    assert out.stdout.split() == ["False", "0"], out.stderr
    reporter = Reporter()
    assert parse_text("---\n编号: &a FK-001\n标题: *a\n---\n", "records/x.md", reporter) is None
    assert [(p.rule, p.line) for p in reporter.problems] == [("yaml-alias", 2)]   # the anchored node's line


def test_packaged_defaults_come_from_their_json_only_while_it_matches(tmp_path, monkeypatch):
    """The packaged vocabulary is kept as JSON in __pycache__ (as Python keeps
    compiled modules): the same values as PyYAML's parse; a copy made from other
    text (an edited vocabulary.yml) or a broken one is never used, but made again."""
    import json

    import yaml

    from taizhang import vocabulary

    monkeypatch.setattr(vocabulary.sys, "dont_write_bytecode", False)
    path = tmp_path / "vocabulary.yml"
    source = vocabulary.DEFAULTS_FILE.read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")
    expected = yaml.load(source, Loader=yaml.SafeLoader)
    made = vocabulary._defaults_json(path, source)
    cache = tmp_path / "__pycache__" / "vocabulary.yml.json"
    assert json.loads(made["json"]) == expected and cache.is_file()
    assert vocabulary._defaults_json(path, source) == made            # read back, not parsed again
    edited = source.replace("label: 正在整改", "label: 正在推进", 1)
    assert edited != source
    path.write_text(edited, encoding="utf-8")
    fresh = json.loads(vocabulary._defaults_json(path, edited)["json"])
    assert fresh == yaml.load(edited, Loader=yaml.SafeLoader) and fresh != expected
    cache.write_text(json.dumps(edited) + "\n{broken", encoding="utf-8")
    assert json.loads(vocabulary._defaults_json(path, edited)["json"]) == fresh
    cache.write_text(json.dumps(edited) + "\n" + json.dumps({"forged": True}), encoding="utf-8")
    assert json.loads(vocabulary._defaults_json(path, edited)["json"]) == {"forged": True}   # same source: trusted, like a .pyc
    assert not vocabulary._json_exact({1: "a"}) and not vocabulary._json_exact({"a": float("nan")})
    assert not vocabulary._json_exact({"a": ("t",)}) and vocabulary._json_exact(expected)


# -- what `taizhang check` reads with less work: same results as before -----------------------

def _split_as_before(text: str):
    """_split_front_matter as it was (a ^…$ MULTILINE pattern, the lines joined again)."""
    import re
    newline = text.find("\n")
    if (text if newline < 0 else text[:newline]).rstrip() != "---":
        return None
    if newline < 0:
        return [], None, ""
    start = newline + 1
    end = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE).search(text, start)
    if end is None:
        return text[start:].split("\n"), None, text[start:]
    fm_lines = text[start:end.start()].split("\n")
    fm_lines.pop()
    after = text.find("\n", end.end())
    return fm_lines, ("" if after < 0 else text[after + 1:]), "\n".join(fm_lines)


FENCE_PARTS = ["---", "...", "--- ", "---\t", "---\u3000", "---\x0b", "----", " ---", "-- -", "..", "a", "", "键: 值",
               "\r", "---\r", "\n", "\x85", "\u2028", "---\u2028", "...  "]


def test_front_matter_split_as_before():
    """The closing fence found by a pattern with a literal start gives the very lines, body
    and block the MULTILINE pattern gave, on 20,000 texts made of fence-like lines."""
    rng = random.Random(20261207)
    texts = ["---", "---\n", "---\n---", "---\n---\n", "---\n\n---\n", "---\n...", "---\na\n--- \nbody", "---\n---\n---\n"]
    for _ in range(20000):
        texts.append("\n".join(rng.choice(FENCE_PARTS) for _ in range(rng.randint(1, 7)))
                     + rng.choice(["", "\n", "\n正文"]))
    for text in texts:
        assert load._split_front_matter(text) == _split_as_before(text), repr(text)


def _parse_all(texts, as_bytes: bool):
    reporter = Reporter()
    out = []
    for number, text in enumerate(texts):
        rel = f"records/x{number}.md"
        raw = (load.parse_bytes(text.encode("utf-8", "surrogatepass"), rel, reporter) if as_bytes
               else parse_text(text, rel, reporter))
        out.append(None if raw is None else (raw.data, raw.lines, raw.body, raw.body_line))
    return out, [(p.rule, p.path, p.line, p.message) for p in reporter.problems]


def test_printable_text_skips_the_character_search_with_the_same_results(monkeypatch):
    """QUICK_PARSE: a file plain_text() found printable is not searched again for the
    characters that need the full parser; records with and without them (tabs, NEL,
    line separators, BOM, control characters, CR) read the same both ways."""
    rng = random.Random(7)
    odd = ["\t", "\x85", "\u2028", "\ufeff", "\x01", "\r", "\x7f", "\u200e", "\u3000", ""]
    texts = []
    for _ in range(3000):
        lines = []
        _entries(rng, 0, 0, lines)
        if rng.random() < 0.3:
            at = rng.randrange(len(lines))
            lines[at] = lines[at] + rng.choice(odd)
        texts.append("\n".join(["---", *lines, "---", "正文"]))
    for as_bytes in (True, False):
        quick = _parse_all(texts, as_bytes)
        monkeypatch.setattr(load, "QUICK_PARSE", False)
        slow = _parse_all(texts, as_bytes)
        monkeypatch.setattr(load, "QUICK_PARSE", True)
        assert quick == slow
        assert sum(1 for r in quick[0] if r) > 1500 and quick[1]   # records read, problems found


def test_records_are_read_as_open_read_gives_them(tmp_path, monkeypatch):
    """QUICK_READ: os.open/os.read give the bytes open(path, 'rb').read() gives (empty, small,
    larger than one read, a link to a file), and the same 无法读取 problem for a folder or a
    file that is gone. On Windows os.open opens in text mode unless told O_BINARY (CRLF read
    as LF, a Ctrl-Z read as the end): crlf.md and ctrlz.md fail there without it."""
    files = {"empty.md": b"", "small.md": "---\n编号: CS-001\n---\n正文".encode(),
             "big.md": os.urandom(300_000), "crlf.md": b"---\r\na: b\r\n---\r\n",
             "ctrlz.md": b"---\r\na: b\x1a\r\n---\r\nrest\r\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "link.md").symlink_to(tmp_path / "small.md")
    (tmp_path / "folder.md").mkdir()
    names = [*files, "link.md", "folder.md", "gone.md"]

    def read_all():
        reporter = Reporter()
        return [load.read_record(tmp_path / n, f"records/{n}", reporter) for n in names], \
            [(p.rule, p.path, p.message) for p in reporter.problems]

    quick = read_all()
    monkeypatch.setattr(load, "QUICK_READ", False)
    assert read_all() == quick
    assert quick[0][:6] == [*files.values(), files["small.md"]]
    assert [rule for rule, _, _ in quick[1]] == ["unreadable", "unreadable"]
    # Reads that come back short (a pipe-like file system, a signal) are read on to the end;
    # so is a file that is bigger than os.fstat said when the first read began.
    monkeypatch.setattr(load, "QUICK_READ", True)
    real_read = os.read
    monkeypatch.setattr(load.os, "read", lambda fd, n: real_read(fd, min(n, 1000)))
    assert read_all() == quick
    monkeypatch.setattr(load.os, "read", real_read)
    real_fstat = os.fstat
    monkeypatch.setattr(load.os, "fstat", lambda fd: os.stat_result((0,) * 6 + (10,) + (0,) * 3))
    assert read_all() == quick
    monkeypatch.setattr(load.os, "fstat", real_fstat)


def test_inspect_deferred_is_still_inspect():
    """Where taizhang is imported first, `inspect` is a stand-in until used: then every
    attribute, `from inspect import …` and a dataclass without a docstring behave as
    with the real module (a fresh interpreter, as `taizhang check` runs)."""
    import subprocess
    import sys

    script = """
import sys
import taizhang
import dataclasses
assert "dis" not in sys.modules and "inspect" in sys.modules
import inspect
from inspect import Parameter, getsource
assert "dis" in sys.modules and sys.modules["inspect"].__file__ == inspect.__file__
@dataclasses.dataclass(frozen=True)
class Undocumented:
    a: int
print(Undocumented.__doc__, inspect.signature(Undocumented), Parameter.KEYWORD_ONLY, inspect.isclass(int))
print("def _inspect_on_first_use" in inspect.getsource(taizhang), inspect is sys.modules["inspect"] is dataclasses.inspect)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["Undocumented(a: int) (a: int) -> None KEYWORD_ONLY True", "True True"], out


def test_inspect_deferred_under_threads_and_find_spec():
    """The stand-in behaves as an import would: a second thread that reads `inspect`
    while the first one loads it waits and gets the attribute (not AttributeError), and
    importlib.util.find_spec("inspect") gives the spec before the first use (no ValueError).
    The second thread is started from inside inspect's own import of `dis`, so it always
    reads while the loading is under way."""
    import subprocess
    import sys

    script = """
import sys, threading, importlib.util
import taizhang
assert "dis" not in sys.modules and "inspect" in sys.modules
print(importlib.util.find_spec("inspect").origin == sys.modules["inspect"].__file__)
seen = []

def reader():
    try:
        import inspect
        seen.append(inspect.isclass(int))
    except Exception as exc:
        seen.append(repr(exc))

class StartReaderOnDis:
    def find_spec(self, name, path=None, target=None):
        if name == "dis":
            sys.meta_path.remove(self)
            thread = threading.Thread(target=reader)
            thread.start()
            thread.join(0.5)   # with a lock it waits for the load; without, it has failed by now
            threads.append(thread)
        return None

threads = []
sys.meta_path.insert(0, StartReaderOnDis())
import inspect
print(inspect.signature(len))
threads[0].join()
print(seen)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["True", "(obj, /)", "[True]"], out


def test_inspect_deferred_lists_its_names():
    """dir() on the stand-in loads inspect and lists its names, as on the real module."""
    import subprocess
    import sys

    script = "import taizhang, inspect, sys\nprint(len(dir(inspect)) > 100, 'signature' in dir(inspect), '__dir__' in vars(inspect))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "False"], out


def test_inspect_not_deferred_when_not_found_on_sys_path():
    """Where inspect is no file on sys.path (frozen, embedded), taizhang imports as usual
    and leaves `inspect` to the import statement."""
    import subprocess
    import sys
    from pathlib import Path

    import taizhang

    script = f"""
import sys, types, importlib.machinery
saved = sys.path[:]
sys.path[:] = [{str(Path(taizhang.__file__).parent.parent)!r}]
import taizhang
sys.path[:] = saved
print("inspect" in sys.modules)
import inspect
print(inspect.signature(len))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", "(obj, /)"], out
