"""`taizhang import` of outlines: skipped levels, areas past ten, mixed
punctuation, the title line and preface, and short feedback titles."""

from __future__ import annotations



from importing import do_import, empty_project, imported
from taizhang.importing.model import CN, cn_number, short_title


def import_text(tmp_path, text: str, name: str = "方案.txt"):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    root = empty_project(tmp_path)
    result = do_import(root, source)
    return imported(root), result.stdout


SKIPPED = """XX县审计局关于县委第二轮巡察反馈意见的整改方案
根据县委统一部署，县委第二巡察组对我局开展了巡察。为抓好整改落实，制定本方案。
一、查摆出来的问题
（一）党的建设方面。
1、组织生活不规范。巡察反馈指出“三会一课不经常”。
2、发展党员不严格。
二、问题产生的原因
第一，理论学习不够深入。
第二，制度执行不够严格。
第三，监督检查不够有力。
三、整改措施
1、健全学习制度。每月集中学习一次。
2、严格组织生活。
3、加强督查问责。
"""


def test_levels_may_be_skipped_under_a_chapter(tmp_path):
    kinds, _ = import_text(tmp_path, SKIPPED)
    assert [c["标题"] for c in kinds["原因剖析"]] == ["理论学习不够深入", "制度执行不够严格", "监督检查不够有力"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["健全学习制度", "严格组织生活", "加强督查问责"]
    assert [p["标题"] for p in kinds["查摆问题"]] == ["组织生活不规范", "发展党员不严格"]


def test_title_line_names_the_round_and_the_preface_is_kept(tmp_path):
    kinds, out = import_text(tmp_path, SKIPPED)
    (rnd,) = kinds["巡视轮次"]
    assert rnd["标题"] == "XX县审计局关于县委第二轮巡察反馈意见的整改方案"
    assert "为抓好整改落实，制定本方案。" in rnd.content
    assert "前言：" in out


def test_enumerations_and_paren_numbers_directly_under_chapters(tmp_path):
    text = """一、存在的问题
一是学习不深入。二是调研不经常。三是作风不扎实。
二、原因
（1）宗旨意识淡薄。
（2）纪律观念不强。
三、整改措施
一是开展专题学习。
二是建立调研制度。
三是整治作风问题。
"""
    kinds, _ = import_text(tmp_path, text)
    assert [p["标题"] for p in kinds["查摆问题"]] == ["学习不深入", "调研不经常", "作风不扎实"]
    assert [c["标题"] for c in kinds["原因剖析"]] == ["宗旨意识淡薄", "纪律观念不强"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["开展专题学习", "建立调研制度", "整治作风问题"]


def test_areas_beyond_ten_keep_their_chinese_ordinals(tmp_path):
    areas = "\n".join(f"（{cn_number(i)}）第{i}类方面。\n1. 问题{i}甲。\n2. 问题{i}乙。" for i in range(1, 13))
    text = f"一、查摆问题\n{areas}\n二、整改措施\n（一）统一整改。\n1. 建立台账。\n"
    kinds, _ = import_text(tmp_path, text)
    (rnd,) = kinds["巡视轮次"]
    assert list(rnd["整改方面"]) == [cn_number(i) for i in range(1, 13)]
    assert list(rnd["整改方面"])[10:] == ["十一", "十二"]
    assert rnd["整改方面"]["十一"] == "第11类"
    assert [p["方面"] for p in kinds["查摆问题"]][-4:] == ["十一", "十一", "十二", "十二"]
    assert len(kinds["查摆问题"]) == 24


def test_mixed_full_width_and_ascii_punctuation(tmp_path):
    text = """一.查摆问题
(一）思想方面。
1．学习不深。
2、 思考不多。
（二)作风方面.
第一,调研少。
第二,联系群众少。
二、整改措施
(一)加强学习.
1.制定计划。
"""
    kinds, _ = import_text(tmp_path, text)
    assert [p["标题"] for p in kinds["查摆问题"]] == ["学习不深", "思考不多", "调研少", "联系群众少"]
    assert [p["方面"] for p in kinds["查摆问题"]] == ["一", "一", "二", "二"]
    assert [m["标题"] for m in kinds["整改措施"]] == ["制定计划"]


def test_short_title_keeps_whole_clauses_or_cuts_with_an_ellipsis():
    whole = "巡视期间，巡视组两次指出整改存在问题，区委仍汇报巡视反馈问题已全部整改到位"
    assert short_title(whole) == whole                       # 37 characters: kept whole
    long = "巡视期间，巡视组两次指出整改存在问题，区委仍汇报巡视反馈问题已全部整改到位，影响了巡视整改的严肃性和权威性"
    title = short_title(long)
    assert title == "巡视期间，巡视组两次指出整改存在问题，区委仍汇报巡视反馈问题已全部整改到位"
    fragment_first = "巡视期间，" + "巡视组两次指出整改存在问题区委仍汇报巡视反馈问题已全部整改到位影响巡视整改的严肃性"
    cut = short_title(fragment_first)
    assert cut.endswith("…") and cut.startswith("巡视期间，巡视组") and len(cut) == 40
    assert short_title("教育管理监督不到位，一些群体性违纪违法特征明显。年轻干部未受重视，去年党纪政务处分XX人，"
                       "其中年轻干部XX人占17.7％。") == "教育管理监督不到位，一些群体性违纪违法特征明显。年轻干部未受重视"


def test_no_feedback_title_is_a_fragment(tmp_path):
    text = """一、查摆问题
（一）整改方面。
1. 整改不实。巡视反馈“巡视期间，巡视组两次指出整改存在问题，区委仍汇报巡视反馈问题已全部整改到位，整改工作失之于宽、失之于软”。
二、整改措施
（一）压实责任。
"""
    kinds, _ = import_text(tmp_path, text)
    (feedback,) = kinds["反馈问题"]
    assert feedback["标题"] == "巡视期间，巡视组两次指出整改存在问题，区委仍汇报巡视反馈问题已全部整改到位"
    assert feedback["反馈原文"].startswith(feedback["标题"])


def cn_value(text: str) -> int | None:
    """The inverse of cn_number, the test's oracle: 一 → 1, 十一 → 11, 二十三 → 23; None otherwise."""
    if not text or any(ch not in CN for ch in text):
        return None
    if "十" not in text:
        return CN.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = CN.index(tens) + 1 if tens else 1
    o = CN.index(ones) + 1 if ones else 0
    if len(tens) > 1 or len(ones) > 1 or (ones and ones == "十"):
        return None
    return t * 10 + o


def test_chinese_numbers_both_ways():
    assert [cn_number(n) for n in (1, 10, 11, 12, 20, 21, 99)] == ["一", "十", "十一", "十二", "二十", "二十一", "九十九"]
    assert all(cn_value(cn_number(n)) == n for n in range(1, 100))
