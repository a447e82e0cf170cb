"""taizhang.segment gives the words jieba.cut gives (the search index is
built with it; tests/test_nav_cache.py compares whole sites with Material's
own segmentation)."""

from __future__ import annotations

import random
import re
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "hooks"))


def _texts() -> list[str]:
    texts = [(REPO / "tests/fixtures/seed.txt").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((REPO / "records").rglob("*.md"))]
    return texts


def test_the_same_words_as_jieba_on_real_and_random_text():
    import jieba

    from taizhang.segment import cutter

    jieba.setLogLevel(60)
    jieba.initialize()
    cut = cutter(jieba)
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
