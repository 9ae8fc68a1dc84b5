"""Approximate label matching: a label read with a character dropped, doubled or mistaken (OCR).

Plain edit distance over the folded text (Sellers' algorithm: the match may start
anywhere).  Used only where exact matching failed, inside a small stretch of text
(between two labels that were found), so the cost stays small.
"""
from __future__ import annotations

from functools import cache

from .text import SEPARATOR

ENUM_MARKS = ".、,"  # 1. 1、 1, : the same enumeration (as in `text.label_pattern`)
MIN_FUZZY_LEN = 4  # shorter labels (规章, 其他, 总计) must match exactly
ERRORS_PER = 10  # a label of n characters may be read with 1 + n // ERRORS_PER errors


def max_errors(pattern: str) -> int:
    """Errors allowed when matching a label: none below `MIN_FUZZY_LEN`, then one more per `ERRORS_PER`."""
    if len(pattern) < MIN_FUZZY_LEN:
        return 0
    return 1 + len(pattern) // ERRORS_PER


def _blocked_in(blocked: list[bool], s: int, e: int) -> bool:
    return any(blocked[s:e])


def fuzzy_find(text: str, pattern: str, lo: int, hi: int, blocked: list[bool],
               index: tuple[int, ...] | None = None, errors: int | None = None) -> tuple[int, int, int] | None:
    """Best approximate occurrence of ``pattern`` in ``text[lo:hi]``: (start, end, distance).

    Fewest errors first, then the earliest.  At the edges a mistaken character is kept
    inside the match only when it is a known OCR confusion (``…申清`` for ``…申请``);
    otherwise the label is taken to have lost that character.  Blocked characters
    (labels already found) match nothing.  ``index`` (the folded text's offsets in the
    original) tells which characters are printed side by side.  None when every occurrence
    needs more errors.
    """
    k = max_errors(pattern) if errors is None else errors
    m = len(pattern)
    if m == 0 or hi <= lo:
        return None
    prev = list(range(m + 1))  # distance of pattern[:i] ending before the current column
    prev_start = [lo] * (m + 1)
    best: tuple[int, int, int] | None = None
    for j in range(lo, hi):
        ch = None if blocked[j] else text[j]  # a blocked character matches nothing
        cur = [0] * (m + 1)
        cur_start = [j + 1] * (m + 1)
        for i in range(1, m + 1):
            p = pattern[i - 1]
            same = ch == p or (ch is not None and ch in ENUM_MARKS and p in ENUM_MARKS)
            sub = prev[i - 1] + (not same)
            dele = cur[i - 1] + 1  # pattern character missing from the text
            ins = prev[i] + 1  # extra character in the text
            edge_sub = not same and (i == 1 or i == m) and not confusable(ch, p)
            if sub < min(dele, ins) or (sub == min(dele, ins) and not edge_sub):
                cur[i] = sub
                cur_start[i] = prev_start[i - 1] if i > 1 else j
            elif dele <= ins:
                cur[i], cur_start[i] = dele, cur_start[i - 1]
            else:
                cur[i], cur_start[i] = ins, prev_start[i]
        d = cur[m]
        if d <= k and (best is None or d < best[2]):
            best = (cur_start[m], j + 1, d)
        elif best is not None and d == best[2] and cur_start[m] == best[0] and j == best[1] \
                and confusable(ch, pattern[-1]):
            best = (best[0], j + 1, d)  # the last character read as a known look-alike
        prev, prev_start = cur, cur_start
    if best is None:
        return None
    best = _widen(text, pattern, best, lo, hi, blocked, k, index)
    if _blocked_in(blocked, best[0], best[1]) or SEPARATOR in text[best[0]:best[1]]:
        return None
    return best


def _widen(text: str, pattern: str, best: tuple[int, int, int], lo: int, hi: int, blocked: list[bool],
           k: int, index: tuple[int, ...] | None) -> tuple[int, int, int]:
    """Take in a doubled character at either edge (``结果维维持``, ``本年年收费…``): the
    match grows while it ends (starts) with the label's last (first) character or a
    repeat of its neighbour, at no more errors than allowed."""
    s, e, d = best

    def twin(a: int) -> bool:  # folded a and a+1 are the same character printed side by side (not a digit:
        # digits side by side are cells run together)
        return text[a] == text[a + 1] and not text[a].isdigit() and (index is None or index[a] + 1 == index[a + 1])

    for _ in range(2):
        for e2 in (e + 1, e + 2):
            if e2 > hi or any(blocked[e:e2]) or SEPARATOR in text[e:e2]:
                break
            last = text[e2 - 1]
            doubled = twin(e2 - 2)
            if last == pattern[-1] or confusable(last, pattern[-1]) or doubled:
                d2 = distance(pattern, text[s:e2])
                if d2 <= (k if doubled else d):
                    e, d = e2, d2
                    break
        for s2 in (s - 1, s - 2):
            if s2 < lo or any(blocked[s2:s]) or SEPARATOR in text[s2:s]:
                break
            first = text[s2]
            doubled = twin(s2)
            if first == pattern[0] or confusable(first, pattern[0]) or doubled:
                d2 = distance(pattern, text[s2:e])
                if d2 <= (k if doubled else d):
                    s, d = s2, d2
                    break
    return s, e, d


def same_prefix(text: str, pos: int, t: str, n: int) -> bool:
    """text[pos:pos+n] == t[:n], the enumeration marks counting as one."""
    return len(text) >= pos + n and all(a == b or (a in ENUM_MARKS and b in ENUM_MARKS)
                                        for a, b in zip(text[pos:pos + n], t[:n]))


@cache
def distance(a: str, b: str) -> int:
    """Levenshtein distance (the enumeration marks . 、 , count as one character)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            same = x == y or (x in ENUM_MARKS and y in ENUM_MARKS)
            cur.append(min(row[j - 1] + (not same), row[j] + 1, cur[j - 1] + 1))
        row = cur
    return row[-1]


# Characters OCR mistakes for one another (both directions).
CONFUSIONS = ("己已", "未末", "人入", "日曰", "土士", "千干", "王玉", "大太", "天夭", "办为", "处外", "理埋", "申由",
              "请清", "年午", "0O", "1l")
_CONFUSABLE = frozenset((a, b) for x, y in CONFUSIONS for a, b in ((x, y), (y, x)))


def confusable(a: str | None, b: str) -> bool:
    return (a, b) in _CONFUSABLE


def anchored_end(text: str, pattern: str, start: int, errors: int) -> int | None:
    """End of the best match of ``pattern`` that starts exactly at ``start`` (None beyond ``errors``)."""
    m = len(pattern)
    window = text[start:start + m + errors]
    return _anchored(window, pattern, errors, start)


@cache
def _anchored_cached(window: str, pattern: str, errors: int) -> int | None:
    m = len(pattern)
    row = list(range(m + 1))  # distance of pattern[:i] vs window[:0]
    best_d, best_end = (row[m], 0) if row[m] <= errors else (errors + 1, None)
    for j, ch in enumerate(window, 1):
        cur = [j] + [0] * m
        for i in range(1, m + 1):
            same = pattern[i - 1] == ch or (ch in ENUM_MARKS and pattern[i - 1] in ENUM_MARKS)
            cur[i] = min(row[i - 1] + (not same), row[i] + 1, cur[i - 1] + 1)
        if cur[m] < best_d or (cur[m] == best_d and best_end == j - 1):
            best_d, best_end = cur[m], j
        row = cur
    return best_end if best_d <= errors else None


def _anchored(window: str, pattern: str, errors: int, start: int) -> int | None:
    end = _anchored_cached(window, pattern, errors)
    return None if end is None else start + end
