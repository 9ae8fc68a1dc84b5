"""The monotone alignment of gold values to printed tokens (see `values` for the costs)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from .values import (COST_EMPTY_BONUS, COST_LATE_ROW, COST_LATE_TABLE, COST_LOOKALIKE, COST_SPLIT, COST_UNPLACED,
                     MAX_RUN, MAX_SKIPS, Token, lookalike, match_cost)


@dataclass(frozen=True)
class Expected:
    """One non-blank gold cell, in the template's reading order."""

    field: str
    text: str  # the value as it should print (see `values.value_text`)
    amount: bool  # an amount: its unit is part of the value
    table: str
    lower: int  # the value lies at or after this offset (its row label, or its table's heading)
    anchor: int  # offset of its own row label (for the late cost), -1 when the label was not found


@dataclass(frozen=True)
class Placed:
    field: str
    start: int
    end: int
    cost: float


def _pieces(token: Token, values: list[Expected], j: int) -> dict[int, tuple[float, list]]:
    """Run-together readings of a token: values j, j+1 … read one after another from it.

    The token's characters (its unit too, for an amount at the end) must be the values'
    texts concatenated, up to OCR look-alikes; up to `MAX_SKIPS` values inside the run
    may be missing from it (OCR lost a cell).  Returns {k: (cost, [(q, start, end) …])}
    for each number k >= 2 of values consumed; q indexes the values placed.
    """
    chars = list(token.chars)
    number_len = len(chars)
    if token.unit:
        unit_at = token.unit_end - len(token.unit)
        chars += [(c, unit_at + i) for i, c in enumerate(token.unit)]
    first = chars[0][1] if chars else token.start
    if chars and chars[0][0] == "+":  # a plus sign belongs to the first value (+1 | 0)
        chars, number_len = chars[1:], number_len - 1
    raw = "".join(c for c, _ in chars)
    key = lookalike(raw)
    last = min(len(values), j + MAX_RUN)
    out: dict[int, tuple[float, list]] = {}

    def walk(pos: int, k: int, placed: list, cost: float, skips: int) -> None:
        if k >= last:
            return
        v = values[k]
        if v.text and key.startswith(lookalike(v.text), pos):
            end = pos + len(v.text)
            span = (k - j, first if pos == 0 else chars[pos][1], chars[end - 1][1] + 1)
            c = cost + COST_SPLIT + (COST_LOOKALIKE if raw[pos:end] != v.text else 0.0)
            if end == len(key) or (end == number_len and not v.amount):
                if len(placed) >= 1 and (k + 1 - j not in out or c < out[k + 1 - j][0]):
                    out[k + 1 - j] = (c, placed + [span])
            else:
                walk(end, k + 1, placed + [span], c, skips)
        if placed and skips < MAX_SKIPS:  # the value is missing from the run
            walk(pos, k + 1, placed, cost + COST_UNPLACED, skips + 1)

    if len(key) > 1 and j < last and values[j].text and key.startswith(lookalike(values[j].text)):
        walk(0, j, [], 0.0, 0)
    return out


def align(values: list[Expected], toks: list[Token], anchors: dict[str, list[int]],
          beyond: dict[str, list[int]]) -> list[Placed]:
    """Place as many values as possible; returns the placed ones (the rest are unplaced).

    ``anchors``: offsets of each table's row labels found; ``beyond``: per table, the
    offsets where a later table or section begins (reading a value past them costs more).
    """
    lowest = min((v.lower for v in values), default=0)
    kinds = {(v.text, v.amount) for v in values}
    toks = [t for t in toks if t.start >= lowest and _useful(t, kinds)]
    cache: dict[tuple[int, str, bool], tuple[float, int] | None] = {}

    def hit_of(i: int, v: Expected) -> tuple[float, int] | None:
        key = (i, v.text, v.amount)
        if key not in cache:
            cache[key] = match_cost(v.text, toks[i], v.amount)
        return cache[key]

    n, m = len(toks), len(values)
    anchor_lists = {t: sorted(a) for t, a in anchors.items()}

    def late(v: Expected, tok: Token) -> float:
        rows = anchor_lists.get(v.table, [])
        own = bisect.bisect_right(rows, v.anchor) if v.anchor >= 0 else bisect.bisect_right(rows, v.lower)
        crossed = max(0, bisect.bisect_right(rows, tok.start) - own)
        tables = bisect.bisect_right(beyond.get(v.table, []), tok.start)
        return COST_LATE_ROW * crossed + COST_LATE_TABLE * tables

    # lateness counts from the first token a value could be read from: labels printed apart from
    # their numbers (all labels, then all numbers) make every value equally late, which must not
    # favour leaving one unplaced
    starts = [t.start for t in toks]
    base = []
    for j, v in enumerate(values):
        i = bisect.bisect_left(starts, v.lower)
        while i < n and hit_of(i, v) is None:
            i += 1
        base.append(late(v, toks[i]) if i < n else 0.0)
    inf = float("inf")
    dp = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0.0
    for i in range(n + 1):
        row, nxt = dp[i], dp[i + 1] if i < n else None
        for j in range(m + 1):
            cost = row[j]
            if cost == inf:
                continue
            if j < m and cost + COST_UNPLACED < row[j + 1]:
                row[j + 1], back[i][j + 1] = cost + COST_UNPLACED, ("unplaced",)
            if i == n:
                continue
            if cost < nxt[j]:
                nxt[j], back[i + 1][j] = cost, ("skip",)
            if j == m:
                continue
            tok, v = toks[i], values[j]
            if tok.start < v.lower:
                continue
            if tok.kind == "empty":  # the value was lost right here (if that is not too late a place)
                c = cost + COST_UNPLACED - COST_EMPTY_BONUS + late(v, tok) - base[j]
                if c < nxt[j + 1]:
                    nxt[j + 1], back[i + 1][j + 1] = c, ("lost",)
                continue
            hit = hit_of(i, v)
            if hit is not None:
                c = cost + hit[0] + late(v, tok) - base[j]
                if c < nxt[j + 1]:
                    nxt[j + 1], back[i + 1][j + 1] = c, ("match", (tok.start, hit[1], hit[0]))
            for k, (split_cost, spans) in _pieces(tok, values, j).items():
                if all(tok.start >= values[j + q].lower for q, _, _ in spans):
                    c = cost + split_cost + sum(late(values[j + q], tok) - base[j + q] for q, _, _ in spans)
                    if c < nxt[j + k]:
                        nxt[j + k] = c
                        back[i + 1][j + k] = ("run", k, spans)
    # trace back
    placed: list[Placed] = []
    i, j = n, m
    while i > 0 or j > 0:
        step = back[i][j]
        if step is None:
            break
        if step[0] == "unplaced":
            j -= 1
        elif step[0] == "lost":
            i, j = i - 1, j - 1
        elif step[0] == "skip":
            i -= 1
        elif step[0] == "run":
            _, k, spans = step
            placed += [Placed(values[j - k + q].field, s, e, COST_SPLIT) for q, s, e in spans]
            i, j = i - 1, j - k
        else:
            s, e, c = step[1]
            placed.append(Placed(values[j - 1].field, s, e, c))
            i, j = i - 1, j - 1
    return sorted(placed, key=lambda p: p.start)


def _useful(tok: Token, kinds: set[tuple[str, bool]]) -> bool:
    """A token that no value could be read from is dropped before the alignment (it would be skipped)."""
    if len(tok.key) >= 2 or tok.kind == "empty":  # may hold several values run together; may mark a lost one
        return True
    return any(match_cost(text, tok, amount) is not None for text, amount in kinds)
