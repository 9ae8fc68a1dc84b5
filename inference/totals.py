"""Totals only: a table 三 that prints its total column and leaves every applicant column blank.

Many small agencies fill only 总计.  Such a table breaks its row sums (R3) in every row that is
not nought — that is how it is printed, whatever the reading — so R3 cannot tell its readings
apart; and where the table runs together (crawler text: ``一、本年新收…数量62二、上年结转…5``)
the model cuts its numbers as if they were cells of a row (6 | 2) or puts a lone number in an
applicant column.  The column sums still tie the totals together: new + carried over = total +
carried forward (R1), the total = the sum of the results (R2).

This stage offers one reading of the whole table: each table-三 row whose values sit on one run
of digits, read as one number in its total column, its applicant cells blank.  It is taken when it
keeps R1 and R2 of the total column (a total read, not nought), breaks fewer column sums (R1, R2)
than the model's reading, and

    weight × Σ_rows (log p(total | the run) − mean log p(cells read))
      − violation_cost × (column sums broken − the model's)

is positive.  R3 is left out of the comparison: the reading breaks it by construction, and it is
what such a table prints.  A printed number is never changed; which cells its digits are is what
the missing separators left open.  One ``totals_only`` decision.  Nothing here knows a layout or a
report.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..data.gold import numeric
from ..data.labels import Span
from ..data.rules import Check
from .decode import fold_width, read_values, spans_of, write_cell
from .fragments import table_rows
from .whole import cell_logp

TOTAL = "total"


def _runs(text: str, spans: list[Span], rows: tuple[str, ...]) -> dict[str, tuple[int, int]] | None:
    """Row → ``(a, b)``, the run of digits printed between its label and the next table-三 label, for
    every row label the model read; None unless the table reads as one number or none after each
    row label and nothing after a group label (``（三）不予公开``), every table-三 value the model
    read inside those numbers, no label read twice and no count with a leading zero (``00`` is two
    cells)."""
    labels = sorted((s.start, s.end, s.tag[5:]) for s in spans if s.kind == "R" and s.tag.startswith("R:t3."))
    if not labels:
        return None
    out: dict[str, tuple[int, int]] = {}
    for k, (_, end, row) in enumerate(labels):
        if k + 1 < len(labels):
            stop = labels[k + 1][0]
        else:  # the last row: its number ends where the digits after its label do
            stop = end
            while stop < len(text) and text[stop].isspace():
                stop += 1
            while stop < len(text) and fold_width(text[stop]).isdigit():
                stop += 1
        a, b = end, stop
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        run = fold_width(text[a:b])
        if not run:
            continue
        if row not in rows or row in out or not run.isdigit() or (len(run) > 1 and run[0] == "0"):
            return None
        out[row] = (a, b)
    inside = lambda s: any(a <= s.start and s.end <= b for a, b in out.values())  # noqa: E731
    if not out or not all(inside(s) for s in spans if s.kind == "V" and s.tag.startswith("V:t3.")):
        return None
    return out


def totals_reading(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                   config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Table 三 read as its total column only, where that scores better than the model's reading:
    ``(ids, decision)`` (the ids relabelled, a copy), or ``(ids, None)``."""
    rows, cols = table_rows(template)
    if TOTAL not in cols:
        return ids, None
    spans = spans_of(ids)
    runs = _runs(text, spans, rows)
    if runs is None:
        return ids, None
    within = {r: [s for s in spans if s.kind == "V" and a <= s.start and s.end <= b] for r, (a, b) in runs.items()}
    moved = {r: ab for r, ab in runs.items()
             if [(s.start, s.end, s.tag[2:]) for s in within[r]] != [(*ab, f"t3.{r}.{TOTAL}")]}
    if not moved:
        return ids, None
    out = ids.copy()
    for row, (a, b) in moved.items():
        write_cell(out, a, b, f"t3.{row}.{TOTAL}")
    first, chosen = read_values(text, probs, ids), read_values(text, probs, out)
    sums = [c for c in checks if c.rule in ("R1", "R2")]
    if not all(c.holds(chosen) and numeric(chosen.get(c.lhs[0])) for c in sums if c.lhs[0].endswith(f".{TOTAL}")):
        return ids, None
    before, after = (sum(not c.holds(v) for c in sums) for v in (first, chosen))
    if after >= before:
        return ids, None
    evidence = 0.0
    for row, (a, b) in moved.items():
        total = cell_logp(probs, a, b, (f"t3.{row}.{TOTAL}",))
        read = [cell_logp(probs, s.start, s.end, (s.tag[2:],))[0] for s in within[row]] or [total[1]]
        evidence += total[0] - float(np.mean(read))
    score = config.totals_weight * evidence - config.violation_cost * (after - before)
    if score <= 0:
        return ids, None
    changed = sorted({s.tag[2:] for r in moved for s in within[r]} | {f"t3.{r}.{TOTAL}" for r in moved})
    return out, {
        "kind": "totals_only", "changed": True, "fields": changed,
        "span": [min(a for a, _ in moved.values()), max(b for _, b in moved.values())],
        "rows": sorted(moved, key=lambda r: moved[r][0]), "checks_broken": {"model": before, "chosen": after},
        "score": round(float(score), 4),
        "reason": (f"table 三 read as its total column only: {len(moved)} row(s) whose digits the model cut into "
                   f"cells, read in another cell or left unread, each read as one total; the column sums "
                   f"(R1, R2) break {after} time(s) against {before} (R3 is what such a table breaks)")}


__all__ = ["totals_reading"]
