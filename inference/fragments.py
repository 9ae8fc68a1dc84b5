"""Fragment rows: the rows of a Markdown table 三 that lost its labels, counted by its lines.

PDF→Markdown converters break table 三 into fragments — a few runs of ``| 1 | 0 | … |``
lines, each under a placeholder header (``| 数据1 | 数据2 | …``), the row labels
printed apart, above — and print a blank row as a line of empty cells.  The values
are there, and the model finds them; but which row a line is, it can only tell by
counting lines far from any label, and a page footer or a run of blank lines makes it
lose count: a whole fragment read one or two rows late, its last rows dropped.

A fragment's lines are consecutive rows of the table, its cells consecutive columns,
so each fragment has one unknown, its first row.  This stage offers those readings:
every table-三 value inside a fragment takes the cell of its line and column, for
each choice of first rows (near the model's, fragments in order, inside the table):

    gain = weight × Σ_values (log p(new cell) − log p(cell read))

with p(cell) the span's mean B-/I- mass on that cell (as ``place.py``), and the
choice is scored with the report's checks like any other reading (``arbitrate``):
it wins only where it repairs the sums, a printed number is never changed, and the
choice is a recorded ``fragment_rows`` decision.  Nothing here knows a report: a
fragment is any run of Markdown table lines with as many cells as table 三 has
columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations_with_replacement
from math import comb
from typing import Any

import numpy as np

from ..data.labels import Span, label2id
from ..data.rules import Check
from ..data.schema import get_template
from .decode import fold_width, spans_of
from .whole import Key, Moves, line_bounds

_SEPARATOR = re.compile(r"^\s*:?-{3,}:?\s*$")  # | --- | (a header's underline; one "-" is a value)
_WORD = re.compile(r"[^\W\d_]")  # a letter (数据1, 合计): a header cell, not a row of values


@dataclass(frozen=True)
class Fragment:
    """A run of Markdown table lines: each line's cells as ``(start, end)`` character ranges."""

    lines: tuple[tuple[tuple[int, int], ...], ...]


@cache
def table_rows(template: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the table-三 rows in order, its columns) — one column set for every row."""
    t3 = get_template(template).table("t3")
    rows = tuple(r.key for b in t3.blocks for r in b.rows)
    cols = {tuple(c.key for c in b.columns) for b in t3.blocks}
    return rows, (cols.pop() if len(cols) == 1 else ())


def _cells(text: str, start: int, end: int) -> tuple[tuple[int, int], ...] | None:
    """The cells of a Markdown table line ``text[start:end]`` (``| a | b |``), or None."""
    line = text[start:end]
    left, right = len(line) - len(line.lstrip()), len(line.rstrip())
    if right - left < 2 or line[left] != "|" or line[right - 1] != "|":
        return None
    bars = [start + left + k for k, ch in enumerate(line[left:right]) if ch == "|"]
    return tuple((a + 1, b) for a, b in zip(bars, bars[1:]))


MERGED = 2  # cells a data line may have lost to merged cells (``| 1 |  0   0 | …``): still a row


def fragments(text: str, a: int, b: int, columns: int) -> list[Fragment]:
    """Runs of Markdown data lines in ``text[a:b]`` with ``columns`` cells each (or up to `MERGED`
    fewer); a header line (a cell with a letter), an underline or any other line ends a run."""
    out: list[Fragment] = []
    run: list[tuple[tuple[int, int], ...]] = []
    pos = a
    for line in text[a:b].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        cells = _cells(text, start, end)
        data = cells is not None and columns - MERGED <= len(cells) <= columns and not any(
            _SEPARATOR.match(text[s:e]) or _WORD.search(fold_width(text[s:e]).replace("无", "")) for s, e in cells)
        if data:
            run.append(cells)
            continue
        if run:
            out.append(Fragment(tuple(run)))
        run = []
    if run:
        out.append(Fragment(tuple(run)))
    return out


def _where(fragment: Fragment, span: Span, columns: int) -> tuple[int, int | None] | None:
    """(line, column) of the cell holding ``span`` — column None on a line with merged cells,
    where a cell's place is not its column — or None."""
    for i, cells in enumerate(fragment.lines):
        for j, (s, e) in enumerate(cells):
            if s <= span.start and span.end <= e:
                return i, (j if len(cells) == columns else None)
    return None


def placements(lengths: list[int], rows: int, limit: int) -> list[tuple[int, ...]]:
    """Every choice of first rows for fragments of ``lengths`` lines, in order and not overlapping,
    inside ``rows`` rows — C(slack + fragments, fragments) of them, slack the rows no line fills;
    none when that is more than ``limit``."""
    slack = rows - sum(lengths)
    if slack < 0 or comb(slack + len(lengths), len(lengths)) > limit:
        return []
    out = []
    for gaps in combinations_with_replacement(range(slack + 1), len(lengths)):  # rows skipped before each
        first, taken = [], 0
        for gap, n in zip(gaps, lengths):  # gaps non-decreasing: cumulative skips
            first.append(gap + taken)
            taken += n
        out.append(tuple(first))
    return out


def fragment_readings(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                      config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The best choice of first rows for the report's table-三 fragments, if it scores better
    than the model's reading: ``(ids, decision)`` — ids relabelled (a copy), or the same ids and
    None.  ``config``: an ``ArbitrationConfig`` (violation_cost, fragment_weight,
    fragment_max_readings).

    What moves: the table-三 values inside fragment cells; the values the model read in a
    fragment cell that the alignment dropped (they come back); and table-三 values on a line
    of no words between the fragments (a page footer ``－ 2 －``: dropped in a fragment reading)."""
    rows, cols = table_rows(template)
    all_spans = spans_of(ids)
    cells = tuple(f"t3.{r}.{c}" for r in rows for c in cols)
    known = set(cells)
    t3 = [s for s in all_spans if s.tag[2:] in known]  # not a cell of the other template's
    if not t3 or not cols:
        return ids, None
    a = max([h.end for h in all_spans if h.tag == "H3" and h.end <= t3[0].start], default=t3[0].start)
    a = text.rfind("\n", 0, a) + 1
    b = min([h.start for h in all_spans if h.tag == "H4" and h.start >= t3[-1].end], default=t3[-1].end)
    found = fragments(text, a, b, len(cols))
    if not found:
        return ids, None
    outside = label2id()["O"]
    argmax = [s for s in spans_of(probs.argmax(axis=1)) if s.kind == "V" and (ids[s.start:s.end] == outside).all()]
    # (span, line, column) per fragment: the model's table-三 values and the values it dropped
    placed = [[(s, *w) for s in [*t3, *argmax] if (w := _where(frag, s, len(cols))) is not None] for frag in found]
    if not any(placed):
        return ids, None
    in_fragment = {(s.start, s.end) for group in placed for s, _, _ in group}
    frag_lines = {line for f in found for line in f.lines}
    stray = [s for s in t3 if a <= s.start < b and (s.start, s.end) not in in_fragment
             and not _WORD.search(text[line_bounds(text, s.start)[0]:line_bounds(text, s.end)[1]])
             and not any(c[0][0] <= s.start <= c[-1][1] for c in frag_lines)]
    current = {(s.start, s.end): (s.tag[2:] if ids[s.start] != outside else None)
               for s in [*(s for group in placed for s, _, _ in group), *stray]}
    moves = Moves(text, probs, ids, all_spans, current, cells, checks)
    groups = [[(s.start, s.end) for s, _, _ in group] for group in placed] + [[(s.start, s.end) for s in stray]]

    def score(assign: dict[Key, str | None]) -> tuple[float, int]:
        broken = moves.broken(assign)
        return config.fragment_weight * moves.gain(assign, groups) - config.violation_cost * broken, broken

    def column(key: Key, j: int | None) -> str | None:
        """A cell's column; on a merged line, the model's (a value read as none stays none)."""
        read = moves.current[key]
        return cols[j] if j is not None else (read.rsplit(".", 1)[1] if read else None)

    def reading(choice: tuple[int, ...]) -> dict[Key, str | None]:
        """Each fragment's lines counted from its first row in ``choice``; the strays read as none."""
        assign: dict[Key, str | None] = dict.fromkeys(groups[-1])
        for o, group in zip(choice, placed):
            for s, i, j in group:
                col = column((s.start, s.end), j)
                assign[(s.start, s.end)] = None if col is None else f"t3.{rows[o + i]}.{col}"
        return assign

    first_score, first_broken = score(moves.current)
    if first_broken == 0:
        return ids, None  # the model's rows keep every sum: nothing for the line count to repair
    choices = placements([len(f.lines) for f in found], len(rows), config.fragment_max_readings)
    best = Moves.best(((c, reading(c)) for c in choices), score, first_score)
    if best is None:
        return ids, None
    (chosen_score, broken), assign, choice = best
    decision = {
        "kind": "fragment_rows", "changed": True, "span": [a, b], "fields": moves.moved(assign),
        "fragments": [{"lines": len(f.lines), "first_row": rows[o]} for f, o in zip(found, choice)],
        "dropped": [text[s:e] for (s, e), f in assign.items() if f is None and moves.current[(s, e)] is not None],
        "checks_broken": {"model": first_broken, "chosen": broken},
        "score": {"model": round(first_score, 4), "chosen": round(chosen_score, 4)},
        "reason": (f"table 三 printed as {len(found)} Markdown fragment(s) without row labels; counting each "
                   f"fragment's lines from the chosen first rows breaks {broken} check(s), the model's rows "
                   f"{first_broken}"),
    }
    return Moves.write(ids, assign), decision


__all__ = ["Fragment", "fragment_readings", "fragments", "table_rows"]
