"""Table 四 as a sequence: its fifteen printed numbers, in order, are its fifteen cells.

Table 四 (行政复议 / 行政诉讼) is one row of fifteen counts under a two-level header.
Printed one count per line (Word exports, PDF text), a page break — ``第12页``, a
running title, ``10/11`` — often falls inside it, and after it the model loses
count: it reads the remaining counts as cells out of order, the alignment drops the
ones that do not fit (each only "not a value" with p 0.03–0.2), and cells stay
blank while printed counts go unread.  In an all-zero table no sum notices.

What the model is sure of here is that these are table-四 counts; what it loses is
which.  So where the model's reading leaves table-四 cells blank or breaks a sum
while the table holds at least fifteen numbers — lines of numbers only: a footer's
``10/11`` or ``－ 3 －`` or ``第12页`` is not one — this stage offers the readings that
give fifteen of them, in order, to the fifteen cells (dropping at most
`ArbitrationConfig.sequence_drop`), scored like the fragment readings:

    weight × mean (log p(new cell) − log p(cell read))
      − violation_cost × (R4 sums broken) − malformed_cost × (numbers left unread)

A number of the table left unread counts as a malformed reading (the model read it
as a value; only the order stage dropped it).  A table-四 value the model read on a line
that is no line of numbers and holds no label, header or heading it read (a footer's
``－ 12 －``, ``第12页``) is read as none in these readings; a value on a line with a label
means another layout: the stage stays out.  The choice is a recorded
``table_sequence`` decision; a printed number is never changed.
"""
from __future__ import annotations

import re
from itertools import combinations
from typing import Any

import numpy as np

from ..data.labels import Span, label2id
from ..data.rules import Check
from ..data.schema import get_template
from .decode import best_candidate, spans_of, value_candidates
from .whole import Key, Moves, line_bounds

_NUMBERS_ONLY = re.compile(r"[\s|]*(?:[0-9０-９]+[\s|]*)+")  # a line of counts, blanks and cell bars


def _line(text: str, i: int) -> str:
    a, b = line_bounds(text, i)
    return text[a:b]


def _has_label(text: str, i: int, labelled: list[Span]) -> bool:
    """Whether the line holding ``i`` has a row label, column header or heading the model read —
    a table line, where a page footer (``第12页``, a running title) has none."""
    a, b = line_bounds(text, i)
    return any(s.start < b and s.end > a for s in labelled)


def sequence_reading(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                     config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The best in-order reading of table 四's numbers, if it scores better than the model's:
    ``(ids, decision)`` — relabelled ids (a copy), or the same ids and None."""
    cells = tuple(get_template(template).table("t4").fields)
    all_spans = spans_of(ids)
    t4 = [s for s in all_spans if s.tag[2:] in cells]
    if not t4:
        return ids, None
    a = max([h.end for h in all_spans if h.tag == "H4" and h.end <= t4[0].start], default=t4[0].start)
    b = min([h.start for h in all_spans if h.kind == "H" and h.start >= t4[-1].end], default=len(text))
    outside = label2id()["O"]
    dropped = [s for s in spans_of(probs.argmax(axis=1)) if s.kind == "V" and a <= s.start < b
               and (ids[s.start:s.end] == outside).all()]
    numbers = sorted((s for s in [*t4, *dropped] if _NUMBERS_ONLY.fullmatch(_line(text, s.start))),
                     key=lambda s: s.start)
    on_numbers = {(s.start, s.end) for s in numbers}
    stray = [s for s in t4 if (s.start, s.end) not in on_numbers]  # a page footer's ``－ 12 －``
    labelled = [s for s in all_spans if s.kind in ("R", "C", "H")]
    if any(_has_label(text, s.start, labelled) for s in stray):
        return ids, None  # the model's table-四 values sit on lines with labels: not this layout
    filled = {s.tag[2:] for s in t4}
    conf = probs[np.arange(len(ids)), ids]
    r4 = [c for c in checks if c.rule == "R4"]
    extra = len(numbers) - len(cells)
    if not 0 <= extra <= config.sequence_drop or (len(filled) == len(cells) and _holds(text, t4, conf, r4)):
        return ids, None
    current = {(s.start, s.end): (s.tag[2:] if ids[s.start] != outside else None) for s in [*numbers, *stray]}
    moves = Moves(text, probs, ids, all_spans, current, cells, r4)
    keys = [(s.start, s.end) for s in numbers]
    groups = [keys, [(s.start, s.end) for s in stray]]

    def score(assign: dict[Key, str | None]) -> tuple[float, int, int]:
        broken = moves.broken(assign)
        unread = sum(assign[k] is None for k in keys)  # a footer's number read as none is no loss
        return (config.sequence_weight * moves.gain(assign, groups) - config.violation_cost * broken
                - config.malformed_cost * unread, broken, unread)

    first = score(moves.current)
    readings = ((left_out, {**dict.fromkeys(moves.current),
                            **dict(zip([k for n, k in enumerate(keys) if n not in left_out], cells))})
                for left_out in combinations(range(len(keys)), extra))
    best = Moves.best(readings, score, first[0])
    if best is None:
        return ids, None
    (chosen, broken, unread), assign, _ = best
    decision = {
        "kind": "table_sequence", "changed": True, "span": [a, b], "fields": moves.moved(assign),
        "dropped": [text[s:e] for (s, e), f in assign.items() if f is None],
        "checks_broken": {"model": first[1], "chosen": broken}, "unread": {"model": first[2], "chosen": unread},
        "score": {"model": round(first[0], 4), "chosen": round(chosen, 4)},
        "reason": (f"table 四 holds {len(numbers)} numbers on lines of numbers only; the model's cells leave "
                   f"{first[2]} unread and break {first[1]} sum(s); read in order into the {len(cells)} cells "
                   f"they leave {unread} unread and break {broken}"),
    }
    return Moves.write(ids, assign), decision


def grid_reading(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                 config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Table 四 as one Markdown row of its fifteen cells (``| 7 |  | 1 | 1 | 9 |  | …``): a blank
    cell printed as an empty cell, every cell's place is its column.  Where the model's values sit
    on such a row but in other cells than their places, one number to a cell, the reading by place
    is taken when it breaks no more R4 sums and scores better (as `sequence_reading`):
    ``(ids, decision)`` — relabelled ids (a copy), or the same ids and None."""
    cells = tuple(get_template(template).table("t4").fields)
    all_spans = spans_of(ids)
    t4 = [s for s in all_spans if s.kind == "V" and s.tag[2:] in cells]
    if not t4:
        return ids, None
    a, b = line_bounds(text, t4[0].start)
    line = text[a:b].strip()
    if t4[-1].end > b or not (line.startswith("|") and line.endswith("|")):
        return ids, None
    bars = [i for i in range(a, b) if text[i] == "|"]
    boxes = list(zip(bars, bars[1:]))
    if len(boxes) != len(cells):
        return ids, None
    place: dict[Key, str | None] = {}
    for (lo, hi), field in zip(boxes, cells):
        inside = [s for s in t4 if lo < s.start and s.end <= hi]
        if len(inside) > 1 or (not inside and any(c.isdigit() for c in text[lo + 1:hi])):
            return ids, None  # a cell read as two values, or a number left unread: not this stage's
        place.update({(s.start, s.end): field for s in inside})
    current = {(s.start, s.end): s.tag[2:] for s in t4}
    if place == current or set(place) != set(current):
        return ids, None
    r4 = [c for c in checks if c.rule == "R4"]
    moves = Moves(text, probs, ids, all_spans, current, cells, r4)
    before, after = moves.broken(current), moves.broken(place)
    changed = [k for k in place if place[k] != current[k]]
    evidence = moves.gain(place, [[k] for k in changed])
    score = config.sequence_weight * evidence - config.violation_cost * (after - before)
    if after > before or score <= 0:
        return ids, None
    return Moves.write(ids, place), {
        "kind": "table_grid", "changed": True, "span": [a, b], "fields": moves.moved(place),
        "checks_broken": {"model": before, "chosen": after}, "score": round(float(score), 4),
        "reason": (f"table 四 printed as one row of {len(cells)} cells, blank cells empty: each value read in the "
                   f"cell of its place; R4 sums broken {before} -> {after}")}


def _holds(text: str, spans: list[Span], conf: np.ndarray, checks: list[Check]) -> bool:
    """Whether the values of ``spans`` keep every one of ``checks``."""
    values = {f: best_candidate(c).value for f, c in value_candidates(text, spans, conf).items()}
    return all(c.holds(values) for c in checks)


__all__ = ["grid_reading", "sequence_reading"]
