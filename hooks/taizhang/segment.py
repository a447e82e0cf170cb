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
per process and found with one look-up. Unknown stretches go through jieba's
HMM (finalseg) done the same way: the same Viterbi sums in the same order, the
same ties, back-pointers instead of a copied path per state and step
(a user word of frequency 0, which finalseg splits, leaves it to finalseg).
tests/test_segment.py compares the words with jieba.cut's on real and random
text; the search index tests compare whole sites byte for byte.

Only jieba 0.42's default tokenizer is reproduced; for anything else
cutter() returns jieba.cut itself.
"""

from __future__ import annotations

from math import log

_UNSEEN = object()


def cutter(jieba, trie=None):
    """A function text -> list of words equal to list(jieba.cut(text)), once
    jieba's dictionaries are loaded (call it after jieba.initialize()); with
    `trie` (taizhang.jiebatrie: jieba's default dictionary, compact), jieba's
    own dictionary need not be loaded."""
    if getattr(jieba, "__version__", "") != "0.42.1":
        return lambda text: list(jieba.cut(text))
    from jieba import finalseg

    if trie is not None:
        return _trie_cutter(jieba, finalseg, trie)
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    get = tokenizer.FREQ.get
    logtotal = log(tokenizer.total)
    # Entry of jieba's dictionary -> log(freq) - log(total), as calc computes it (None: a prefix
    # of 0 frequency); filled as words are met, never more than the dictionary.
    logs: dict[str, float | None] = {}
    word_log = logs.get
    viterbi = _viterbi_cut(finalseg)

    def route(s: str) -> list[int]:
        """For each position, the end of the word the best route takes there (calc)."""
        n = len(s)
        value = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            i, frag = k, s[k]
            while True:       # the candidates get_DAG lists for k, in its order
                lf = word_log(frag, _UNSEEN)   # one look-up for a word met before
                if lf is _UNSEEN:
                    f = get(frag)
                    if f is None:
                        break
                    lf = logs[frag] = log(f) - logtotal if f else None   # None: a prefix, not a word
                if lf is not None:
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

    return _cut(jieba, route, get, viterbi)


def _trie_cutter(jieba, finalseg, trie):
    """cutter's function over the trie (taizhang.jiebatrie): the same candidates in
    the same order, the same floating-point operations. Its route() is cutter's
    loop with the look-up inline (a node's entry instead of a slice of the text):
    it runs once per character of the index's Chinese, so the two are kept apart
    rather than joined through a function call per candidate."""
    first, freq, children = trie.first.get, trie.freq, trie.children
    logtotal = log(trie.total)
    # Node met -> (log(freq) - log(total) as calc computes it, None for a prefix of 0
    # frequency; its children's characters; their nodes): never more than the dictionary.
    met: dict[int, tuple] = {}
    met_get = met.get
    viterbi = _viterbi_cut(finalseg)

    def meet(node: int) -> tuple:
        f = freq[node]
        found = met[node] = (log(f) - logtotal if f else None, *children(node))
        return found

    def route(s: str) -> list[int]:
        n = len(s)
        value = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            i, node = k, first(s[k])
            start = node
            while node is not None:   # get_DAG's candidates for k, in its order
                lf, kid_chars, kids = met_get(node) or meet(node)
                if lf is not None:
                    v = lf + value[i + 1]
                    if best is None or v >= best:   # max() over (value, end): a tie goes to the later end
                        best, at = v, i
                i += 1
                if i >= n:
                    break
                kid = kid_chars.find(s[i])   # the node of s[k:i + 1], if a key
                node = kids[kid] if kid >= 0 else None
            if best is None:   # no word starts here: the character alone
                best, at = (log((freq[start] if start is not None else None) or 1) - logtotal) + value[k + 1], k
            value[k], end[k] = best, at
        return end

    def get(text: str) -> int | None:
        """trie.freq_of(text): jieba's FREQ.get."""
        node = first(text[0]) if text else None
        for char in text[1:]:
            if node is None:
                return None
            _, kid_chars, kids = met_get(node) or meet(node)
            kid = kid_chars.find(char)
            node = kids[kid] if kid >= 0 else None
        return None if node is None else freq[node]

    return _cut(jieba, route, get, viterbi)


def _cut(jieba, route, get, viterbi):
    """Tokenizer.cut (accurate mode, HMM on) over a route function and a dictionary look-up."""
    re_han, re_skip = jieba.re_han_default, jieba.re_skip_default

    def unknown(buf: str, out: list) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not get(buf):
            viterbi(buf, out)
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
        if re_han.fullmatch(text):   # one block (the search index cuts runs of Chinese)
            cut_block(text, out)
            return out
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


def _viterbi_cut(finalseg):
    """finalseg.cut (jieba's HMM for a stretch of unknown characters) as a
    function (text, out) appending the words to out: the same Viterbi
    values, added in the same order, and max()'s ties (to the later state
    name) kept; back-pointers instead of copied paths."""
    MIN = finalseg.MIN_FLOAT
    start, trans = finalseg.start_P, finalseg.trans_P
    sB, sM, sE, sS = (start[y] for y in "BMES")
    # PrevStatus: B from E or S, M from M or B, E from B or M, S from S or E.
    tEB, tSB, tMM, tBM = (trans[a].get(b, MIN) for a, b in ("EB", "SB", "MM", "BM"))
    tBE, tME, tSS, tES = (trans[a].get(b, MIN) for a, b in ("BE", "ME", "SS", "ES"))
    eB, eM, eE, eS = (finalseg.emit_P[y].get for y in "BMES")
    han = finalseg.re_han

    def cut(text: str, out: list) -> None:
        if finalseg.Force_Split_Words or not han.fullmatch(text):
            out.extend(finalseg.cut(text))
            return
        c = text[0]
        vB, vM, vE, vS = sB + eB(c, MIN), sM + eM(c, MIN), sE + eE(c, MIN), sS + eS(c, MIN)
        back = []
        for c in text[1:]:
            em = eB(c, MIN)
            a, b = vE + tEB + em, vS + tSB + em
            nB, fB = (b, "S") if b >= a else (a, "E")
            em = eM(c, MIN)
            a, b = vM + tMM + em, vB + tBM + em
            nM, fM = (a, "M") if a >= b else (b, "B")
            em = eE(c, MIN)
            a, b = vB + tBE + em, vM + tME + em
            nE, fE = (b, "M") if b >= a else (a, "B")
            em = eS(c, MIN)
            a, b = vS + tSS + em, vE + tES + em
            nS, fS = (a, "S") if a >= b else (b, "E")
            back.append({"B": fB, "M": fM, "E": fE, "S": fS})
            vB, vM, vE, vS = nB, nM, nE, nS
        state = "S" if vS >= vE else "E"
        states = [state]
        for step in reversed(back):
            state = step[state]
            states.append(state)
        states.reverse()
        begin = nexti = 0
        for i, pos in enumerate(states):   # finalseg.__cut
            if pos == "B":
                begin = i
            elif pos == "E":
                out.append(text[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                out.append(text[i])
                nexti = i + 1
        if nexti < len(text):
            out.append(text[nexti:])

    return cut
