"""jieba's word segmentation (jieba.cut, accurate mode with HMM), the same
words with less Python work: for the search index (hooks/taizhang_search.py).

Material's search cuts every run of Chinese characters of every page with
jieba.cut: at 1,000 records it is the largest single cost of a build. jieba
builds, per run, a dict of candidate word ends (get_DAG), then picks the
best route with max() over a generator of tuples (calc), computing log(freq)
afresh for every candidate. Here the route is found in one pass over the
same candidates, in the same order, with the same floating-point operations
(log(freq) - log(total), then + the rest of the route; ties to the longer
word, as max() over (value, end) does), and each word's log is computed once
per process. Unknown stretches go to jieba's own HMM (finalseg.cut), as in
jieba. tests/test_segment.py compares the words with jieba.cut's on real and
random text; the search index tests compare whole sites byte for byte.

Only jieba 0.42's default tokenizer is reproduced; for anything else
cutter() returns jieba.cut itself.
"""

from __future__ import annotations

from math import log


def cutter(jieba):
    """A function text -> list of words equal to list(jieba.cut(text)), once
    jieba's dictionaries are loaded (call it after jieba.initialize())."""
    if getattr(jieba, "__version__", "") != "0.42.1":
        return lambda text: list(jieba.cut(text))
    from jieba import finalseg

    tokenizer = jieba.dt
    tokenizer.check_initialized()
    get = tokenizer.FREQ.get
    logtotal = log(tokenizer.total)
    logs: dict[str, float] = {}   # word -> log(freq) - log(total), as calc computes it
    re_han, re_skip, hmm = jieba.re_han_default, jieba.re_skip_default, finalseg.cut

    def route(s: str) -> list[int]:
        """For each position, the end of the word the best route takes there (calc)."""
        n = len(s)
        value = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            i, frag = k, s[k]
            while True:       # the candidates get_DAG lists for k, in its order
                f = get(frag)
                if f is None:
                    break
                if f:
                    lf = logs.get(frag)
                    if lf is None:
                        lf = logs[frag] = log(f) - logtotal
                    v = lf + value[i + 1]
                    if best is None or v >= best:   # max() over (value, end): a tie goes to the later end
                        best, at = v, i
                i += 1
                if i >= n:
                    break
                frag = s[k:i + 1]
            if best is None:  # no word starts here: the character alone
                best, at = (log(get(s[k]) or 1) - logtotal) + value[k + 1], k
            value[k], end[k] = best, at
        return end

    def unknown(buf: str, out: list) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not get(buf):
            out.extend(hmm(buf))
        else:
            out.extend(buf)

    def cut_block(s: str, out: list) -> None:
        """Tokenizer.__cut_DAG."""
        end = route(s)
        x, buf, n = 0, "", len(s)
        while x < n:
            y = end[x] + 1
            if y - x == 1:
                buf += s[x]
            else:
                if buf:
                    unknown(buf, out)
                    buf = ""
                out.append(s[x:y])
            x = y
        if buf:
            unknown(buf, out)

    def cut(text: str) -> list[str]:
        """Tokenizer.cut(text) (accurate mode, HMM on)."""
        out: list[str] = []
        for block in re_han.split(text):
            if not block:
                continue
            if re_han.match(block):
                cut_block(block, out)
            else:
                for piece in re_skip.split(block):
                    if re_skip.match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out

    return cut
