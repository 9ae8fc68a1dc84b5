"""Fragment rows: the rows of a Markdown table 三 (or 二) that lost its labels, counted by its lines.

PDF→Markdown converters break table 三 (and sometimes 二) into fragments — a few runs of
``| 1 | 0 | … |`` lines, each under a placeholder header (``| 数据1 | 数据2 | …``), the
row labels printed apart, above, a dummy ``| - | - |`` table here and there — and print a
blank row as a line of empty cells.  The values are there, and the model finds them; but
which row a line is, it can only tell by counting lines far from any label, and a page
footer or a run of blank lines makes it lose count: a whole fragment read one or two rows
late, its last rows dropped, or every fragment read from the first row.

A fragment's lines are consecutive rows of the table, its cells consecutive columns,
so each fragment has one unknown, its first row.  A cell holds one number: where the model cut
one (``| 12 |`` read 1 and 2), the cell's whole number is what moves (`_whole_cells`; cached
probabilities, seed-1 and seed-2 test reports: 20 cells right, none lost).  This stage offers
those readings: every value inside a fragment takes the cell of its line and column, for each choice of
first rows (fragments in order, inside the table):

    gain = weight × Σ_values (log p(new cell) − log p(cell read))

with p(cell) the span's mean B-/I- mass on that cell (as ``place.py``), and the
choice is scored with the report's checks like any other reading (``arbitrate``):
it wins only where it repairs the sums.  Or, when the lines are exactly as many as the
table's rows, the one reading that gives every line its row is taken unless it breaks
more checks than the model's: the count is the evidence where no sum is (table 二 has no
checks; a table 三 printed all in ``—`` has none that tell rows apart).  A printed number
is never changed, and the choice is a recorded ``fragment_rows`` decision.  Nothing here
knows a report: a fragment is any run of Markdown table lines with as many cells as the
table has columns (table 二: one to three).

Measured (cached probabilities, test reports 0–499 / 500–999, md_fragments layout): the
shipped model's wrong cells 27 / 59 with the check-driven readings of table 三 only, 8 / 8
with table 二, the count, and cells like ``T9`` or ``833.58万元`` no longer taken for a
header that ends a fragment; no report read worse in any layout.
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
from ..data.projection.values import NUMBER
from ..data.rules import Check
from ..data.schema import get_template
from .decode import fold_width, read_values, spans_of
from .whole import Key, Moves, line_bounds

_SEPARATOR = re.compile(r"^\s*:?-{3,}:?\s*$")  # | --- | (a header's underline; one "-" is a value)
_WORD = re.compile(r"[^\W\d_]")  # a letter (数据1, 合计): a header cell, not a row of values


@dataclass(frozen=True)
class Fragment:
    """A run of Markdown table lines: each line's cells as ``(start, end)`` character ranges."""

    lines: tuple[tuple[tuple[int, int], ...], ...]


@cache
def table_grid(template: str, table: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A table's rows in order, each with its columns (table 二's rows have two or three, or one)."""
    return tuple((r.key, tuple(c.key for c in b.columns)) for b in get_template(template).table(table).blocks
                 for r in b.rows)


@cache
def table_rows(template: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the table-三 rows in order, its columns) — one column set for every row."""
    grid = table_grid(template, "t3")
    cols = {c for _, c in grid}
    return tuple(r for r, _ in grid), (cols.pop() if len(cols) == 1 else ())


_AFTER_NUMBER = re.compile(r"\s*(?:万元|元|万)?\s*(?:[(（][^()（）]*[)）])?\s*$")  # 833.58万元, 18（其中修订5件）


def _header(cell: str) -> bool:
    """A cell with a letter (数据1, 合计) that is not a number — one OCR misread (``T9`` for 79,
    ``lO``), with a unit or a remark after it."""
    cell = fold_width(cell).replace("无", "").replace("|", "1").strip()  # a 1 read as | (joined cells)
    number = NUMBER.match(cell)
    return bool(_WORD.search(cell)) and not (number and _AFTER_NUMBER.fullmatch(cell, number.end()))


def _cells(text: str, start: int, end: int, columns: int | None = None) -> tuple[tuple[int, int], ...] | None:
    """The cells of a Markdown table line ``text[start:end]`` (``| a | b |``), or None.

    With ``columns``, a line OCR damaged is read as its row where the damage shows: an edge
    ``|`` dropped (`` 0 | 0 |``), a ``|`` doubled (``| 0 ||``: an empty cell of no width), a 1
    read as ``|`` at a number's end (``| Z0|  | 7 |``: the empty cell after it) — such cells go
    (`_join_damaged`), only while the line has more cells than ``columns``; a line without its
    edge ``|`` is a row only when it then has exactly ``columns`` cells."""
    line = text[start:end]
    left, right = len(line) - len(line.lstrip()), len(line.rstrip())
    if right - left < 2 or "|" not in line[left:right]:
        return None
    edges = line[left] == "|" and line[right - 1] == "|"
    if not edges and (columns is None or line.count("|") < 2):
        return None
    bars = [start + left + k for k, ch in enumerate(line[left:right]) if ch == "|"]
    if line[left] != "|":
        bars.insert(0, start + left - 1)
    if line[right - 1] != "|":
        bars.append(start + right)
    cells = [(a + 1, b) for a, b in zip(bars, bars[1:])]
    if columns is not None and len(cells) > columns:
        cells = _join_damaged(text, cells, columns)
    return tuple(cells) if edges or columns is None or len(cells) == columns else None


def _join_damaged(text: str, cells: list[tuple[int, int]], columns: int) -> list[tuple[int, int]]:
    """Drop an empty cell whose ``|`` is damage, not a cell wall: first cells of no width (a doubled
    ``|``), then empty cells whose ``|`` touches a number on its left (a 1 read as ``|``, joined to
    that number's cell) — while the line has more than ``columns`` cells."""
    def joinable(k: int, c: tuple[int, int], glued: bool) -> bool:
        if k == 0 or text[c[0]:c[1]].strip():
            return False
        return c[0] == c[1] if not glued else not text[c[0] - 2].isspace() and text[c[0] - 2] != "|"
    for glued in (False, True):
        k = 1
        while len(cells) > columns and k < len(cells):
            if joinable(k, cells[k], glued):  # a doubled | goes; a 1 read as | joins the number
                cells[k - 1:k + 1] = [(cells[k - 1][0], cells[k][1] if glued else cells[k - 1][1])]
            else:
                k += 1
    return cells


MERGED = 2  # cells a data line may have lost to merged cells (``| 1 |  0   0 | …``): still a row


def fragments(text: str, a: int, b: int, columns: int, fewest: int | None = None) -> list[Fragment]:
    """Runs of Markdown data lines in ``text[a:b]`` with ``columns`` cells each, or fewer down to
    ``fewest`` (default: up to `MERGED` fewer); a header line (a cell with a letter that is not a
    misread number), an underline or any other line ends a run."""
    fewest = columns - MERGED if fewest is None else fewest
    out: list[Fragment] = []
    run: list[tuple[tuple[int, int], ...]] = []
    pos = a
    for line in text[a:b].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        cells = _cells(text, start, end, columns)
        data = cells is not None and fewest <= len(cells) <= columns and not any(
            _SEPARATOR.match(text[s:e]) or _header(text[s:e]) for s, e in cells)
        if data:
            run.append(cells)
            continue
        if run:
            out.append(Fragment(tuple(run)))
        run = []
    if run:
        out.append(Fragment(tuple(run)))
    return out


def _where(fragment: Fragment, span: Span, columns: int | None) -> tuple[int, int | None] | None:
    """(line, column) of the cell holding ``span`` — column None on a line with fewer cells than
    ``columns`` (merged cells: a cell's place is not its column; ``columns`` None: rows of
    different widths, a cell's place is its column) — or None."""
    for i, cells in enumerate(fragment.lines):
        for j, (s, e) in enumerate(cells):
            if s <= span.start and span.end <= e:
                return i, (j if columns is None or len(cells) == columns else None)
    return None


Placed = list[tuple[Span, int, int | None]]  # a fragment's value spans, each with its line and column


def _whole_cells(group: Placed) -> tuple[Placed, set[Key]]:
    """A Markdown cell holds one value: spans the model cut inside one cell (``| 12 |`` read 1 and 2,
    two cells) become one span over the cell's number (tagged as the first), so the cell's line
    and column give the whole number its cell.  Returns the group and the keys of the spans
    joined.  A line with merged cells (column None) keeps its spans."""
    by_cell: dict[tuple[int, int], list[Span]] = {}
    for span, i, j in group:
        if j is not None:
            by_cell.setdefault((i, j), []).append(span)
    out, joined = [], set()
    for span, i, j in group:
        inside = by_cell.get((i, j), [span]) if j is not None else [span]
        if len(inside) == 1:
            out.append((span, i, j))
        elif span is inside[0]:
            joined |= {(s.start, s.end) for s in inside}
            out.append((Span(min(s.start for s in inside), max(s.end for s in inside), span.tag), i, j))
    return out, joined


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
                      config: Any, table: str = "t3") -> tuple[np.ndarray, dict[str, Any] | None]:
    """The best choice of first rows for the report's fragments of ``table`` (``t2`` or ``t3``),
    if it scores better than the model's reading: ``(ids, decision)`` — ids relabelled (a copy),
    or the same ids and None.  ``config``: an ``ArbitrationConfig`` (violation_cost,
    fragment_weight, fragment_max_readings).

    Two kinds of evidence: the checks (a reading that repairs the sums the model's rows break), and
    the count — when the fragments' lines are exactly as many as the table's rows, each line is its
    row: the one such reading is taken if it breaks no more checks than the model's (table 二 has
    none; a table printed all in marks has no sum to tell rows apart).  A fragment none of whose
    cells the model reads as a value and not all blank (a converter's dummy ``| - | - |`` table)
    is not counted.

    What moves: the values inside fragment cells (read as this table's cells, as none, or as a
    cell of another table: fragments lie between the table's heading and the next); and values of
    the table on a line of no words between the fragments (a page footer ``－ 2 －``: dropped in a
    fragment reading)."""
    grid = table_grid(template, table)
    rows = [r for r, _ in grid]
    cells = tuple(f"{table}.{r}.{c}" for r, cols in grid for c in cols)
    known = set(cells)
    width = max(len(cols) for _, cols in grid)
    all_spans = spans_of(ids)
    mine = [s for s in all_spans if s.tag[2:] in known]  # not a cell of the other template's
    if not mine:
        return ids, None
    n = int(table[1:])
    a = max([h.end for h in all_spans if h.tag == f"H{n}" and h.end <= mine[0].start], default=mine[0].start)
    a = text.rfind("\n", 0, a) + 1
    b = min([h.start for h in all_spans if h.tag == f"H{n + 1}" and h.start >= mine[-1].end], default=mine[-1].end)
    uniform = len({cols for _, cols in grid}) == 1  # table 三: a line with fewer cells has merged ones
    found = fragments(text, a, b, width, width - MERGED if uniform else 1)
    if not found:
        return ids, None
    outside = label2id()["O"]
    values = [s for s in all_spans if s.kind == "V" and a <= s.start < b]
    argmax = [s for s in spans_of(probs.argmax(axis=1)) if s.kind == "V" and a <= s.start < b
              and (ids[s.start:s.end] == outside).all()]
    # (span, line, column) per fragment: the model's values and the values it dropped
    placed = [[(s, *w) for s in [*values, *argmax] if (w := _where(frag, s, width if uniform else None)) is not None]
              for frag in found]
    placed, parts = zip(*(_whole_cells(group) for group in placed)) if placed else ((), ())
    parts = {k for keys in parts for k in keys}  # spans a cell's whole number replaced
    blank = [all(not text[c0:c1].strip() for line in f.lines for c0, c1 in line) for f in found]
    kept = [k for k, (group, empty) in enumerate(zip(placed, blank)) if group or empty]  # not a dummy table
    found, placed = [found[k] for k in kept], [placed[k] for k in kept]
    if not any(placed):
        return ids, None
    in_fragment = {(s.start, s.end) for group in placed for s, _, _ in group} | parts
    frag_lines = {line for f in found for line in f.lines}
    stray = [s for s in mine if a <= s.start < b and (s.start, s.end) not in in_fragment
             and not _WORD.search(text[line_bounds(text, s.start)[0]:line_bounds(text, s.end)[1]])
             and not any(c[0][0] <= s.start <= c[-1][1] for c in frag_lines)]
    current = {(s.start, s.end): (s.tag[2:] if ids[s.start] != outside and s.tag[2:] in known else None)
               for s in [*(s for group in placed for s, _, _ in group), *stray]}
    moves = Moves(text, probs, ids, [s for s in all_spans if (s.start, s.end) not in parts], current, cells, checks)
    groups = [[(s.start, s.end) for s, _, _ in group] for group in placed] + [[(s.start, s.end) for s in stray]]

    def score(assign: dict[Key, str | None]) -> tuple[float, int]:
        broken = moves.broken(assign)
        return config.fragment_weight * moves.gain(assign, groups) - config.violation_cost * broken, broken

    def reading(choice: tuple[int, ...]) -> dict[Key, str | None] | None:
        """Each fragment's lines counted from its first row in ``choice``; the strays read as none.
        None when a value falls in no cell of its row (table 二: a third value on a two-cell row).
        On a line with merged cells a value keeps the model's column (a value read as none, none)."""
        assign: dict[Key, str | None] = dict.fromkeys(groups[-1])
        for o, group in zip(choice, placed):
            for s, i, j in group:
                row, cols = grid[o + i]
                if j is None:
                    read = moves.current[(s.start, s.end)]
                    col = read.rsplit(".", 1)[1] if read else None
                elif j < len(cols):
                    col = cols[j]
                else:
                    return None
                assign[(s.start, s.end)] = None if col is None else f"{table}.{row}.{col}"
        return assign

    first_score, first_broken = score(moves.current)
    whole = {k for k in moves.current if k not in {(s.start, s.end) for s in [*values, *argmax]}}  # cells joined
    if whole:  # the model's reading is its numbers cut inside cells, not the cells' whole numbers
        as_read = read_values(text, probs, ids)
        first_broken = sum(not c.holds(as_read) for c in moves.checks)
        first_score = -config.violation_cost * first_broken
    lengths = [len(f.lines) for f in found]
    counted = sum(lengths) == len(rows)  # every line its row
    if first_broken == 0 and not counted:
        return ids, None  # the model's rows keep every sum: nothing for the line count to repair
    choices = [(c, r) for c in placements(lengths, len(rows), config.fragment_max_readings)
               if (r := reading(c)) is not None]
    if counted:  # the one reading: taken unless it breaks more checks than the model's
        best = next(((score(r), r, c) for c, r in choices
                     if (moves.moved(r) or whole) and score(r)[1] <= first_broken), None)
    else:
        best = Moves.best(choices, score, first_score)
    if best is None:
        return ids, None
    (chosen_score, broken), assign, choice = best
    name = {"t2": "二", "t3": "三"}[table]
    evidence = (f"its {sum(lengths)} lines are the table's {len(rows)} rows, each line its row" if counted else
                f"counting each fragment's lines from the chosen first rows breaks {broken} check(s), the "
                f"model's rows {first_broken}")
    decision = {
        "kind": "fragment_rows", "changed": True, "table": table, "span": [a, b],
        "fields": sorted({*moves.moved(assign), *(assign[k] for k in whole if assign[k] is not None)}),
        "fragments": [{"lines": len(f.lines), "first_row": rows[o]} for f, o in zip(found, choice)],
        "dropped": [text[s:e] for (s, e), f in assign.items() if f is None and moves.current[(s, e)] is not None],
        "checks_broken": {"model": first_broken, "chosen": broken},
        "score": {"model": round(first_score, 4), "chosen": round(chosen_score, 4)},
        "reason": f"table {name} printed as {len(found)} Markdown fragment(s) without row labels; {evidence}",
    }
    return Moves.write(ids, assign), decision


__all__ = ["Fragment", "fragment_readings", "fragments", "table_grid", "table_rows"]
