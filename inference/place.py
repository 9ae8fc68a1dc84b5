"""Placement readings: a row's printed values given to other cells of the same row.

A small model finds a table-三 row's values far more reliably than the column each
one sits in: a page footer (``－ 5 －``) between two cells of a row printed one cell
per line, or a blank cell printed as nothing, shifts its count by one, and it may be
sure of the wrong column (p 0.95).  The values themselves are not in doubt — only
which cells they fill.  So for a row whose reading breaks a check through its cells,
the other ways of giving the *same* values, in the same order, to the row's cells
are readings too:

    gain = weight × Σ_spans (log p(new cell) − log p(cell read))

with p(cell) the span's mean B-/I- mass on that cell (as in ``align.py``), scaled by
``weight`` (the model's column counting is what is in doubt; ``split.py`` weighs it
alike).  Arbitration (``arbitrate.py``) then scores them with the checks like any
other reading — a placement wins only where it repairs the sums, it never changes a
printed number, and every one is a recorded decision.
"""
from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np

from ..data.labels import OUTSIDE, Span, label2id
from ..data.rules import Check
from ..data.schema import get_template, split_field
from .decode import spans_of, write_cell
from .split import cell_steps
from .whole import cell_logp



@cache
def summed_rows(template: str) -> dict[str, tuple[str, ...]]:
    """field -> the cells of its row, for the rows with a sum (table 三 rows, table 四 groups)."""
    rows: dict[tuple[str, str], list[str]] = {}
    for f in get_template(template).fields:
        table, row, _ = split_field(f)
        if table in ("t3", "t4"):
            rows.setdefault((table, row), []).append(f)
    return {f: tuple(cells) for cells in rows.values() for f in cells}


def keeps_steps(cells: tuple[int | None, ...], steps: list[int | None] | None) -> bool:
    """Whether values given ``cells`` (None: left out) keep the distances ``steps`` (`split.cell_steps`,
    one per pair of neighbouring values, None where unknown) puts between them: values joined by
    known steps are one run, and a run keeps its shape."""
    offset: dict[int, int] = {}
    run, slot = 0, 0
    for k, c in enumerate(cells):
        if k:
            step = steps[k - 1] if steps else None
            run, slot = (run + 1, 0) if step is None else (run, slot + step)
        if c is not None and offset.setdefault(run, c - slot) != c - slot:
            return False
    return True


def placements(logp: list[np.ndarray], read: tuple[int | None, ...], optional: list[bool], m: int, keep: int,
               weight: float, drop: list[float], steps: list[int | None] | None = None
               ) -> list[tuple[float, tuple[int | None, ...]]]:
    """The ``keep`` best other ways to give the values, in order, to ``m`` cells — an
    ``optional`` value (one the alignment dropped) may stay out (None): ``(gain, cells)``,
    gain = weight × (Σ log p(cell or drop) − the same for ``read``), best first.  ``steps``
    (`split.cell_steps`, one per pair of neighbouring values): where the separators between
    values say how many cells apart they are (``3\t\t\t\t1``: four), only placements that keep
    those distances."""
    def logp_of(cells: tuple[int | None, ...]) -> float:
        return sum(drop[k] if c is None else logp[k][c] for k, c in enumerate(cells))

    base, n = logp_of(read), len(read)
    opt = [k for k in range(n) if optional[k]]
    out = []
    for r in range(len(opt) + 1):
        for left_out in combinations(opt, r):
            kept = [k for k in range(n) if k not in left_out]
            for cells in combinations(range(m), len(kept)):
                full: list[int | None] = [None] * n
                for k, c in zip(kept, cells):
                    full[k] = c
                if tuple(full) != read and keeps_steps(tuple(full), steps):
                    out.append((weight * (logp_of(tuple(full)) - base), tuple(full)))
    out.sort(key=lambda r: (-r[0], [-1 if c is None else c for c in r[1]]))
    return out[:keep]


def _dropped_spans(probs: np.ndarray, ids: np.ndarray, a: int, b: int) -> list[Span]:
    """Value spans of the model's argmax reading in ``[a, b)`` that the reading ``ids`` reads as O."""
    outside = label2id()[OUTSIDE]
    return [s for s in spans_of(probs[a:b].argmax(axis=1), offset=a)
            if s.kind == "V" and (ids[s.start:s.end] == outside).all()]


def row_placements(text: str, probs: np.ndarray, ids: np.ndarray, template: str, broken: list[Check],
                   blocked: np.ndarray, keep: int, weight: float, max_optional: int = 2
                   ) -> list[tuple[int, int, list[int], list[tuple[float, tuple[int, ...]]]]]:
    """For each row touched by a ``broken`` check: ``(a, b, positions, readings)`` — the segment
    from its first value to its last, the characters of its values, and the readings as
    ``(gain, labels at positions)``, the model's own first.  Values the alignment dropped
    between the row's and the next value (up to ``max_optional``) may join the row.  Rows
    whose values are not read in cell order, that have no other placement, or that overlap
    ``blocked`` characters are left out."""
    row_of = summed_rows(template)
    wanted = {row_of[f] for c in broken for f in c.fields if f in row_of}
    values = [s for s in spans_of(ids) if s.kind == "V"]
    by_row: dict[tuple[str, ...], list[int]] = {}
    for k, span in enumerate(values):
        f = span.tag[2:]
        if f in row_of and row_of[f] in wanted:
            by_row.setdefault(row_of[f], []).append(k)
    out = []
    for row, ks in sorted(by_row.items(), key=lambda kv: kv[1][0]):
        spans = [values[k] for k in ks]
        read = tuple(row.index(s.tag[2:]) for s in spans)
        if (len(spans) >= len(row) or any(x >= y for x, y in zip(read, read[1:]))
                or ks != list(range(ks[0], ks[-1] + 1))):
            continue  # no other placement, out of order, or another row's value in between
        limit = values[ks[-1] + 1].start if ks[-1] + 1 < len(values) else len(ids)
        extra = _dropped_spans(probs, ids, spans[-1].end, limit)[:max_optional]
        spans += extra
        read += (None,) * len(extra)
        a, b = spans[0].start, spans[-1].end
        if blocked[a:b].any():
            continue
        both = [cell_logp(probs, s.start, s.end, row) for s in spans]  # the row's cells, then no value
        logp, drop = [lp[:-1] for lp in both], [float(lp[-1]) for lp in both]
        optional = [c is None for c in read]
        positions = [p for s in spans for p in range(s.start, s.end)]
        readings = [(0.0, tuple(int(ids[p]) for p in positions))]
        steps = cell_steps(text, [(s.start, s.end) for s in spans])
        for gain, cells in placements(logp, read, optional, len(row), keep, weight, drop, steps):
            local = ids[a:b].copy()
            for s, c in zip(spans, cells):
                write_cell(local, s.start - a, s.end - a, None if c is None else row[c])
            readings.append((gain, tuple(int(local[p - a]) for p in positions)))
        out.append((a, b, positions, readings))
    return out
