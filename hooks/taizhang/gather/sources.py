"""Where each unit's data comes from, and reading it into plain records.

A source is one of
  - a unit's published site folder (holding downloads/records.json; an
    archive exported with `taizhang archive-export` is read at latest/),
  - a records.json file itself,
  - a local clone of the unit's ledger (a folder with records/): its
    records.json is built by the core, exactly as its site would publish it.
A sources file (YAML) names the units and their locations; a location given
directly on the command line is a unit named after its round's 被巡视单位.

Loading never raises for bad data: a source that cannot be read becomes an
`Issue` with the reason in Chinese, and the overview is built from the rest.
A unit's files are untrusted: records.json is read only when it is a regular
file (not a FIFO, a device or a link leading out of the source's folder),
within a size, a time and a nesting-depth limit, and no number in it longer
than MAX_DIGITS digits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from taizhang.errors import TaizhangError
from taizhang.fsutil import READ_FLAGS
from taizhang.gather.schema import MAX_MESSAGES, READABLE_VERSIONS, validate, versions

SOURCES_SUFFIXES = (".yml", ".yaml")
KEY_NAME, KEY_LOCATION, KEY_URL = "名称", "位置", "网址"
KEY_TITLE, KEY_UNITS = "标题", "单位"
RECORDS_JSON = "records.json"
MAX_BYTES = 512 * 1024 * 1024   # a records.json of 45,000 records is about 60 MB
MAX_SECONDS = 60.0              # reading one source's file (a stalled network share, a slow device)
MAX_DEPTH = 32                  # records.json nests 4 levels deep; deeper is not a ledger
MAX_DIGITS = 30                 # the longest number a ledger writes is a date's or a count's
URL_SCHEMES = ("http", "https")
URL_NOT_USED = "已纳入总览，未链接该网址"
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")          # what a browser drops before reading a scheme
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


class SourcesError(TaizhangError):
    """The sources file itself is unusable (the command stops: nothing to gather)."""


@dataclass(frozen=True)
class Source:
    name: str | None         # None: take it from the data
    location: Path
    url: str | None = None   # the unit's own site, if the sources file says
    origin: str = ""         # where the source was declared (file:line or 命令行)
    refused_url: str | None = None   # a 网址 given but not used (not http(s) or relative)


@dataclass(frozen=True)
class Issue:
    """A problem with one source, shown on the 数据问题 page."""

    source: Source
    reason: str
    fatal: bool = True       # False: the unit is still in the overview
    effect: str | None = None   # what it means for the unit, when not the default (未纳入 / 统计可能不准)


@dataclass(frozen=True)
class Loaded:
    source: Source
    kind: str                # 网站文件夹 / records.json / 台账仓库
    records: tuple           # validated records.json objects (dicts, read only by convention)
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class SourceList:
    title: str | None
    sources: tuple[Source, ...]


def _no_aliases(text: str, where: str) -> None:
    """Aliases can expand into huge documents (a YAML bomb): refuse them."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                raise SourcesError(f"{where}:{line}: 不能使用 YAML 别名（*）：请直接写出取值")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise SourcesError(f"{where}{line}: YAML 语法错误（{exc.problem}）") from None


def read_sources_file(path: Path) -> SourceList:
    """名称/位置/网址 per unit; 位置 relative to the sources file's folder."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"无法读取来源清单 {path}：{exc}") from None
    _no_aliases(text, str(path))
    data = yaml.safe_load(text)
    example = f"例如：\n{KEY_UNITS}:\n  - {KEY_NAME}: 区委组织部\n    {KEY_LOCATION}: ../zuzhibu/site\n    {KEY_URL}: https://内网地址/zuzhibu/"
    if isinstance(data, list):
        data = {KEY_UNITS: data}
    if not isinstance(data, dict) or not isinstance(data.get(KEY_UNITS), list):
        raise SourcesError(f"{path}: 来源清单应有“{KEY_UNITS}”列表。{example}")
    sources = []
    for number, item in enumerate(data[KEY_UNITS], start=1):
        where = f"{path}: 第 {number} 个单位"
        if not isinstance(item, dict) or not str(item.get(KEY_LOCATION) or "").strip():
            raise SourcesError(f"{where}缺少“{KEY_LOCATION}”（网站文件夹、records.json 或台账仓库的路径）。{example}")
        name = str(item.get(KEY_NAME) or "").strip() or None
        url = str(item.get(KEY_URL) or "").strip() or None
        refused = url if url and not usable_url(url) else None
        location = Path(str(item[KEY_LOCATION]).strip()).expanduser()
        sources.append(Source(name, location if location.is_absolute() else path.parent / location,
                              None if refused else url, f"{path.name} 第 {number} 个单位", refused))
    title = str(data.get(KEY_TITLE) or "").strip() or None
    return SourceList(title, tuple(sources))


def usable_url(url: str) -> bool:
    """An http(s) address or a relative one, read as a browser reads it
    (control characters and spaces dropped first): javascript: and data: are not."""
    text = _URL_IGNORED.sub("", url).replace("\\", "/")
    match = _URL_SCHEME.match(text)
    return match.group(1).lower() in URL_SCHEMES if match else True


def collect_sources(arguments: list[str]) -> SourceList:
    """Command-line arguments: sources files (.yml) and locations, in order."""
    title, sources = None, []
    for argument in arguments:
        path = Path(argument)
        if path.suffix.lower() in SOURCES_SUFFIXES and path.is_file():
            listed = read_sources_file(path)
            title = title or listed.title
            sources += listed.sources
        else:
            sources.append(Source(None, path, None, "命令行"))
    return SourceList(title, tuple(sources))


def _site_json(folder: Path) -> Path | None:
    for candidate in (folder / "downloads" / RECORDS_JSON, folder / "latest" / "downloads" / RECORDS_JSON,
                      folder / RECORDS_JSON):
        if os.path.lexists(candidate):
            return candidate
    return None


class _Unreadable(Exception):
    """Why a source's file is not read (Chinese, for the 数据问题 page)."""


def read_limited(path: Path, inside: Path | None) -> bytes:
    """The bytes of a regular file, at most MAX_BYTES, read within MAX_SECONDS.
    `inside`: the folder a link in the path may not lead out of (a unit's site
    folder), None for a file named directly in the sources."""
    real = os.path.realpath(path)
    if inside is not None:
        root = os.path.realpath(inside)
        if real != root and not real.startswith(root + os.sep):
            raise _Unreadable(f"{path} 是指向该单位文件夹之外（{real}）的符号链接，不读取：请该单位发布文件本身")
    try:
        fd = os.open(real, READ_FLAGS | getattr(os, "O_NONBLOCK", 0))   # a FIFO does not block (Windows has none)
    except OSError as exc:
        raise _Unreadable(f"无法读取 {path}：{exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = ("命名管道（FIFO）" if stat.S_ISFIFO(info.st_mode) else "设备文件" if stat.S_ISCHR(info.st_mode)
                    or stat.S_ISBLK(info.st_mode) else "套接字" if stat.S_ISSOCK(info.st_mode) else "特殊文件")
            raise _Unreadable(f"{path} 不是普通文件（是{what}），不读取")
        if info.st_size > MAX_BYTES:
            raise _Unreadable(f"{path} 有 {info.st_size // 2**20} MB，超过上限 {MAX_BYTES // 2**20} MB，不读取")
        deadline, chunks, total = time.monotonic() + MAX_SECONDS, [], 0
        while True:
            try:
                chunk = os.read(fd, 4 * 2**20)
            except OSError as exc:
                raise _Unreadable(f"无法读取 {path}：{exc.strerror or exc}") from None
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > MAX_BYTES:
                raise _Unreadable(f"{path} 超过上限 {MAX_BYTES // 2**20} MB（读取时仍在变大），不读取")
            if time.monotonic() > deadline:
                raise _Unreadable(f"{path} 在 {MAX_SECONDS:.0f} 秒内没有读完，不读取：检查该文件所在的磁盘或网络共享")
            chunks.append(chunk)
    finally:
        os.close(fd)


def load_source(source: Source, today: dt.date) -> Loaded | Issue:
    result = _load(source, today)
    if source.refused_url and isinstance(result, Loaded):
        note = Issue(source, f"网址“{source.refused_url}”不是 http(s) 地址或相对地址，没有使用："
                             "在来源清单中改为该单位网站的 https:// 地址", fatal=False, effect=URL_NOT_USED)
        result = Loaded(result.source, result.kind, result.records, result.issues + (note,))
    elif source.refused_url:
        result = Issue(source, f"{result.reason}；另外，网址“{source.refused_url}”不是 http(s) 地址或相对地址")
    return result


def _load(source: Source, today: dt.date) -> Loaded | Issue:
    location = source.location
    if not os.path.lexists(location):
        return Issue(source, f"找不到 {location}")
    if location.is_dir() and (location / "records").is_dir():
        return _load_clone(source, today)
    path = _site_json(location) if location.is_dir() else location
    if path is None:
        return Issue(source, f"{location} 中没有 downloads/{RECORDS_JSON}：不是台账网站文件夹，也不是台账仓库（没有 records/）")
    kind = "网站文件夹" if location.is_dir() else RECORDS_JSON
    try:
        data = read_limited(path, location if location.is_dir() else None)
    except _Unreadable as exc:
        return Issue(source, str(exc))
    return parse_records(source, kind, data, str(path))


def parse_records(source: Source, kind: str, data: bytes, where: str) -> Loaded | Issue:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Issue(source, f"{where} 不是 UTF-8 编码的文本")
    try:
        records = json.loads(text, parse_int=_short_int)
    except json.JSONDecodeError as exc:
        return Issue(source, f"{where} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）：文件可能不完整或已损坏")
    except RecursionError:
        return Issue(source, f"{where} 嵌套超过 {MAX_DEPTH} 层，不是台账数据")
    except _Unreadable as exc:
        return Issue(source, f"{where} {exc}")
    except ValueError as exc:     # a float or other number Python refuses
        return Issue(source, f"{where} 中有无法读取的数（{exc}）")
    if _deeper_than(records, MAX_DEPTH):
        return Issue(source, f"{where} 嵌套超过 {MAX_DEPTH} 层，不是台账数据")
    if not isinstance(records, list):
        return Issue(source, f"{where} 应是记录的数组（[…]），实为 {type(records).__name__}")
    found = versions(records)
    readable = "、".join(str(v) for v in READABLE_VERSIONS)
    if found - set(READABLE_VERSIONS):
        shown = "、".join(str(v) for v in sorted(found, key=str))
        older = all(isinstance(v, int) and v < min(READABLE_VERSIONS) for v in found - set(READABLE_VERSIONS))
        hint = ("较旧的数据格式：请该单位升级 taizhang 后重新构建网站" if older
                else "本工具不认识的数据格式：请升级 taizhang")
        return Issue(source, f"{where} 的数据格式版本为 {shown}（版本 1 即没有 schema_version 字段），"
                             f"本工具读取版本 {readable}；{hint}")
    problems = validate(records)
    if problems:
        more = f"（共 {len(problems)} 处，以下是前 {MAX_MESSAGES} 处）" if len(problems) > MAX_MESSAGES else ""
        return Issue(source, f"{where} 不符合 records.schema.json{more}：" + "；".join(problems[:MAX_MESSAGES]))
    return Loaded(source, kind, tuple(records))


def _short_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Unreadable(f"中有 {len(text)} 位的数（上限 {MAX_DIGITS} 位），不是台账数据")
    return int(text)


def _deeper_than(data, limit: int) -> bool:
    """True when lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def _load_clone(source: Source, today: dt.date) -> Loaded | Issue:
    from taizhang.export.tabular import records_json
    from taizhang.project import analyse

    try:
        analysis = analyse(source.location, today=today)
    except TaizhangError as exc:       # its taizhang.yml, its 统计日期 …: that unit's to fix
        return Issue(source, f"{source.location} 的台账无法读取：{exc.format()}")
    loaded = parse_records(source, "台账仓库", records_json(analysis.ledger), str(source.location))
    if not analysis.errors:
        return loaded
    errors = f"台账检查有 {len(analysis.errors)} 个错误（如 {analysis.errors[0].format()}）"
    if isinstance(loaded, Issue):
        return Issue(source, f"{errors}，导出的数据不完整：{loaded.reason}。请该单位运行 taizhang check 改正")
    note = Issue(source, f"{errors}，统计可能不准：请该单位运行 taizhang check 改正", fatal=False)
    return Loaded(source, loaded.kind, loaded.records, (note,))
