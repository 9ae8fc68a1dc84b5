"""Space-aligned columns: in a table printed with spaces, a value's place on its line is its column.

PDF text extracted with its layout (``pdftotext -layout``) prints table 三 as lines
of a label and numbers padded with spaces under the column headers; a blank cell is
just more spaces.  A small model reads the numbers well but counts columns by
values, not by position — a row with a blank cell reads its later values one
column early — and where the blanks sit in the same column all down the table, the
column sums cannot tell which.  Their position can: numbers of one column end at
the same display column (CJK characters two wide).

This stage groups the table-三 values on such lines (no tabs, two numbers or more, spaces
between them — not only an indent) by where they end —
ends within `GAP` display columns of each other are one printed column — and offers
the readings that give the printed columns, in order, to the table's columns (every
way of leaving out the ones no value fills), each value keeping its row:

    weight × mean (log p(new cell) − log p(cell read)) − violation_cost × (checks broken)
      − header_cost × (printed columns read as a column whose header is not over them)

(the column headers as the model read them; where it read fewer than half of them, no
such term), scored against the model's reading when that breaks a table-三 check or reads
a printed column as another header's; the choice is a recorded ``aligned_columns``
decision; a printed number is never changed.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import combinations
from math import comb
from typing import Any

import numpy as np

from ..data.labels import Span
from ..data.rules import Check
from ..data.schema import get_template
from .decode import spans_of
from .fragments import table_rows
from .whole import Key, Moves

GAP = 2  # display columns between the ends of two numbers of one printed column, at most
MIN_LINES = 3  # table-三 lines of spaced numbers needed to read columns off their positions
_PADDED = re.compile("[ \u3000\xa0]{3}")  # a gap of blanks between two printed columns
SPREAD = 3  # display columns the ends of one printed column may spread over (stray spaces)


def display_width(s: str, narrow_forms: bool = False) -> int:
    """Columns ``s`` takes in a monospaced layout: wide and full-width characters take two —
    but with ``narrow_forms`` the full-width forms of ASCII and the ideographic space one, as the
    narrow characters they stand for (a converter that widened digits and spaces after the layout
    was made: ``２``, ``　``)."""
    return sum(1 if narrow_forms and ("\uff01" <= c <= "\uff5e" or c == "\u3000")
               else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def printed_columns(ends: list[int], gap: int = GAP) -> list[tuple[int, int]]:
    """``(first, last)`` display end of each printed column: ends sorted, split where two
    neighbours are more than ``gap`` apart."""
    out: list[list[int]] = []
    for e in sorted(ends):
        if out and e - out[-1][1] <= gap:
            out[-1][1] = e
        else:
            out.append([e, e])
    return [(a, b) for a, b in out]


def _headers_over(text: str, ids: np.ndarray, cols: tuple[str, ...], ends: list[int],
                  narrow_forms: bool = False) -> list[str | None]:
    """For each printed column (``ends``: where most of its numbers end — a stray space moves a
    few on by one or two), the table column whose header (a ``C:t3.<column>`` span the model
    read) is nearest over it — its numbers end inside the header's display span (right-aligned or
    centred under it), else as close to it as can be; empty when fewer than half the columns'
    headers were read."""
    spans: dict[str, tuple[int, int]] = {}
    for s in spans_of(ids):
        col = s.tag[5:] if s.tag.startswith("C:t3.") else None
        if col in cols and col not in spans:
            line = text.rfind("\n", 0, s.start) + 1
            spans[col] = (display_width(text[line:s.start], narrow_forms),
                          display_width(text[line:s.end], narrow_forms))
    if 2 * len(spans) < len(cols):
        return []

    def distance(col: str, end: int) -> int:
        lo, hi = spans[col]
        return 0 if lo < end <= hi else min(abs(end - lo), abs(end - hi))

    return [min(spans, key=lambda c: (distance(c, end), abs(spans[c][1] - end))) for end in ends]


def column_readings(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                    config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The best reading of the table-三 values on space-aligned lines by their printed columns,
    if it scores better than the model's: ``(ids, decision)`` — relabelled ids (a copy), or the
    same ids and None.  ``config``: an ``ArbitrationConfig`` (violation_cost, columns_weight,
    columns_header_cost, columns_max_readings)."""
    rows, cols = table_rows(template)
    if not cols:
        return ids, None
    spans = spans_of(ids)
    cells = tuple(f"t3.{r}.{c}" for r in rows for c in cols)
    known = set(cells)
    t3 = [s for s in spans if s.tag[2:] in known]  # not a cell of the other template's
    by_line: dict[int, list[Span]] = {}
    for s in t3:
        by_line.setdefault(text.rfind("\n", 0, s.start) + 1, []).append(s)
    lines: dict[int, list[Span]] = {}
    for start, line_spans in by_line.items():
        end = text.find("\n", start)
        line = text[start:len(text) if end < 0 else end]
        row_keys = {s.tag[2:].rsplit(".", 1)[0] for s in line_spans}
        if "\t" in line or len(row_keys) != 1 or len(line_spans) < 2 or not _PADDED.search(line.strip()):
            continue  # not a space-aligned row of one row's values: a lone (or indented) number has no columns
        lines[start] = line_spans
    if len(lines) < MIN_LINES:
        return ids, None
    # where a number ends on its line; where those drift, full-width digits and spaces counted narrow
    for narrow in (False, True):
        ends = {(s.start, s.end): display_width(text[start:s.end], narrow)
                for start, line_spans in lines.items() for s in line_spans}
        printed = printed_columns(list(ends.values()))
        if not any(hi - lo > SPREAD for lo, hi in printed):
            break
    if (len(printed) > len(cols) or any(hi - lo > SPREAD for lo, hi in printed)
            or comb(len(cols), len(printed)) > config.columns_max_readings):
        return ids, None  # not columns: more of them than the table has, or ends that drift
    which = {k: next(n for n, (lo, hi) in enumerate(printed) if lo <= e <= hi) for k, e in ends.items()}
    current = {(s.start, s.end): s.tag[2:] for s in t3 if (s.start, s.end) in ends}
    moves = Moves(text, probs, ids, spans, current, cells, checks)
    common = [int(np.median([e for k, e in ends.items() if which[k] == n])) for n in range(len(printed))]
    under = _headers_over(text, ids, cols, common, narrow)
    everything = [list(current)]

    def score(assign: dict[Key, str | None]) -> tuple[float, int]:
        broken = moves.broken(assign)
        # printed columns read as a column whose header is not the one over them (values' share)
        astray = len(printed) * float(np.mean([under[which[k]] not in (None, f.rsplit(".", 1)[1])
                                                for k, f in assign.items()])) if under else 0.0
        return (config.columns_weight * moves.gain(assign, everything) - config.violation_cost * broken
                - config.columns_header_cost * astray, broken)

    first, first_broken = score(moves.current)
    if first >= 0:
        return ids, None  # every sum holds and every printed column sits under its header
    readings = ((m, {k: f"{f.rsplit('.', 1)[0]}.{cols[m[which[k]]]}" for k, f in current.items()})
                for m in combinations(range(len(cols)), len(printed)))
    best = Moves.best(readings, score, first)
    if best is None:
        return ids, None
    (chosen, broken), assign, mapping = best
    decision = {
        "kind": "aligned_columns", "changed": True, "fields": moves.moved(assign),
        "span": [min(k[0] for k in current), max(k[1] for k in current)],
        "columns": {cols[m]: list(printed[n]) for n, m in enumerate(mapping)},
        "checks_broken": {"model": first_broken, "chosen": broken},
        "score": {"model": round(first, 4), "chosen": round(chosen, 4)},
        "reason": (f"table 三 printed with spaces: its numbers end in {len(printed)} display columns; read as "
                   f"those columns they break {broken} check(s), as the model read them {first_broken}"),
    }
    return Moves.write(ids, assign), decision


def table4_columns(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                   config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Table 四 on one space-aligned line under its fifteen column headers (PDF text with its layout,
    a blank cell just more spaces): each value's cell is the header it ends under — the fifteen
    ``C:t4.<column>`` headers the model read between the table's heading and the line, in text
    order (the review group's five, then the two litigation groups'), a value under the one its
    display end falls in or nearest to.  Scored as `column_readings` (a value under another
    header than its cell's costs ``columns_header_cost``): ``(ids, decision)`` or ``(ids, None)``."""
    fields = tuple(get_template(template).table("t4").fields)
    spans = spans_of(ids)
    t4 = [s for s in spans if s.kind == "V" and s.tag[2:] in fields]
    if len(t4) < 2:
        return ids, None
    start = text.rfind("\n", 0, t4[0].start) + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    if t4[-1].end > end or "\t" in line or not _PADDED.search(line.strip()):
        return ids, None
    top = max([s.end for s in spans if s.tag == "H4" and s.end <= start], default=0)
    heads: list[list] = []  # [start, end] of each header; one split by a stray space is one
    for h in (s for s in spans if s.tag.startswith("C:t4.") and top <= s.start and s.end <= start):
        if heads and h.tag == heads[-1][2] and not text[heads[-1][1]:h.start].strip(" \u3000\xa0"):
            heads[-1][1] = h.end
        else:
            heads.append([h.start, h.end, h.tag])
    if len(heads) != len(fields):
        return ids, None
    current = {(s.start, s.end): s.tag[2:] for s in t4}

    def under(narrow: bool) -> tuple[int, dict[Key, str]]:
        """Each value's header, and how far from one the values end in all."""
        extent = [(display_width(text[text.rfind("\n", 0, a) + 1:a], narrow),
                   display_width(text[text.rfind("\n", 0, a) + 1:b], narrow)) for a, b, _ in heads]
        off, place = 0, {}
        for k in current:
            e = display_width(text[start:k[1]], narrow)
            lo_hi = [0 if lo < e <= hi else min(abs(e - lo), abs(e - hi)) for lo, hi in extent]
            off, place[k] = off + min(lo_hi), fields[int(np.argmin(lo_hi))]
        return off, place

    # full-width digits and spaces counted narrow where the values then end nearer their headers
    place = min(under(False), under(True), key=lambda r: r[0])[1]
    if place == current or len(set(place.values())) < len(place):
        return ids, None
    r4 = [c for c in checks if c.rule == "R4"]
    moves = Moves(text, probs, ids, spans, current, fields, r4)
    before, after = moves.broken(current), moves.broken(place)
    astray = sum(place[k] != f for k, f in current.items())
    score = (config.columns_weight * moves.gain(place, [list(current)]) - config.violation_cost * (after - before)
             + config.columns_header_cost * astray)
    if score <= 0:
        return ids, None
    return Moves.write(ids, place), {
        "kind": "aligned_columns", "changed": True, "fields": moves.moved(place),
        "span": [t4[0].start, t4[-1].end], "checks_broken": {"model": before, "chosen": after},
        "score": round(float(score), 4),
        "reason": (f"table 四 printed with spaces under its {len(fields)} column headers: {astray} value(s) read as "
                   f"another column than the header they end under; read by place they break {after} sum(s), "
                   f"as the model read them {before}")}


__all__ = ["column_readings", "display_width", "printed_columns", "table4_columns"]
