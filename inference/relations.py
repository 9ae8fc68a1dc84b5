"""Table 二 read by what its cells mean: the soft relations F1–F3 between readings of digits.

Table 二 has no sums.  Where its counts run together (crawler text: ``规章2331`` for 2, 3
and 31; ``政府集中采购282.1万元`` for 2 projects and 82.1万元), how the digits are cut is the
model's guess, and a small model guesses from the numbers it has seen.  The form's cells
still mean something (``xxgk.data.rules.relations_for``): a cumulative count is at least this
year's (F1: 现行有效 >= 本年制发), projects and amount are both nought or both not (F2), and
only 本年增/减 is ever negative (F3: ``4－112780`` is 4, -1, 12780, not 4, -112780).

For each table-二 row whose reading breaks one of them, this stage offers the other readings
of the row's stretch of text (its value spans, and the unread digits at their ends, when
nothing but digits, marks, signs, decimal points and units lie between): every way to cut
its digit runs (a blank always cuts; a decimal part, a unit stays with its number) into at most
as many values as the row has cells, the values taking the row's cells in order.  A reading
scores the model's own log-probability of its labels over the stretch (less
``split_blank_cost`` per blank cell where the values run on with nothing between, as
``split.py``; plus ``value_prior_weight`` times the value prior's log-probability of the
row's forms, when the model folder has one: ``2|9512265.72万元`` or ``295|12265.72万元``); the best
one that keeps the row's relations is taken if it scores at most
``relation_cost`` below the model's — soft: a report may break a relation in print, and a
confident reading stays.  Each change is a recorded ``relation`` decision.  Nothing here
knows a report or a layout.
"""
from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from ..data.gold import Value
from ..data.labels import Span, label2id
from ..data.rules import relations_for
from ..data.schema import AMOUNT_FIELDS
from ..models.prior import ValuePrior
from .decode import MARK_CHARS, fold_width, parse_value, read_values, spans_of, write_cell
from .fragments import table_grid
from .split import run_on, unread_ends
from .whole import FLOOR

_SIGNS = frozenset("+-−－")
_UNIT = frozenset("万元")
MAX_CUTS = 10  # unsure cut points per row at most (2^10 readings before placements)


def _stretch(text: str, ids: np.ndarray, spans: list[Span], row: tuple[str, ...]) -> tuple[int, int] | None:
    """The row's stretch of text: from its first value span to its last, widened over unread
    digits — None when anything else lies inside (a letter, a remark, another cell's value)."""
    mine = [s for s in spans if s.tag[2:] in row]
    if not mine:
        return None
    a, b = unread_ends(text, ids, mine[0].start, mine[-1].end)
    if any(s.kind == "V" and s.tag[2:] not in row and s.start < b and s.end > a for s in spans):
        return None
    ok = all(fold_width(c).isdigit() or c.isspace() or c in MARK_CHARS or c in _SIGNS or c in ".．" or c in _UNIT
             for c in text[a:b])
    return (a, b) if ok and b > a else None


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int, list[int]]]:
    """The stretch's runs of printed characters, each with the positions it may be cut at: between
    two digits of a number's whole part, before a sign, around a mark (a unit after a space stays
    with the number before it)."""
    out, i = [], a
    while i < b:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < b and not text[j].isspace():
            j += 1
        cuts, point = [], False
        for k in range(i + 1, j):
            prev, ch = fold_width(text[k - 1]), fold_width(text[k])
            point = point or prev in ".．"
            if ch in _SIGNS or prev in MARK_CHARS or ch in MARK_CHARS or (prev.isdigit() and ch.isdigit() and not point):
                cuts.append(k)
            if ch in _SIGNS or prev in MARK_CHARS or ch in MARK_CHARS:
                point = False  # a new number
        if out and all(c in _UNIT for c in text[i:j]):  # ``137.8 万元``: the unit is its number's
            out[-1] = (out[-1][0], j, out[-1][2])
        else:
            out.append((i, j, cuts))
        i = j
    return out


def _segmentations(pieces: list[tuple[int, int, list[int]]], most: int) -> list[list[tuple[int, int]]]:
    """Every way to cut the pieces into at most ``most`` values, as (start, end) spans in order."""
    out: list[list[tuple[int, int]]] = [[]]
    for i, j, cuts in pieces:
        ways = []
        for n in range(len(cuts) + 1):
            for chosen in combinations(cuts, n):
                bounds = [i, *chosen, j]
                ways.append(list(zip(bounds, bounds[1:])))
        out = [done + way for done in out for way in ways if len(done) + len(way) <= most]
    return out


def _printable(field: str, value: Value) -> bool:
    """A value a cell may print: a count, an amount starting with a digit, a mark, or nothing."""
    if value is None or isinstance(value, int):
        return True
    return all(c in MARK_CHARS for c in value) or (field in AMOUNT_FIELDS and value[:1].isdigit())


def _score(probs: np.ndarray, a: int, labels: np.ndarray) -> float:
    return float(np.log(np.maximum(probs[a + np.arange(len(labels)), labels], FLOOR)).sum())


def relation_readings(text: str, probs: np.ndarray, ids: np.ndarray, template: str,
                      config: Any, prior: ValuePrior | None = None) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Table-二 rows whose reading breaks a relation, re-read (module doc): ``(ids, decisions)``,
    ``ids`` a copy relabelled where a row changed, one decision per row changed (its ``fields``
    the cells whose value changed).  ``config``: an ``ArbitrationConfig`` (relation_cost,
    value_prior_weight); ``prior``: the model folder's `xxgk.models.prior.ValuePrior`, or None."""
    relations = relations_for(template)
    spans = spans_of(ids)
    values = read_values(text, probs, ids)
    out, decisions = ids.copy(), []
    outside = label2id()["O"]
    for row in (tuple(f"t2.{r}.{c}" for c in cols) for r, cols in table_grid(template, "t2")):
        mine = [r for r in relations if set(r.fields) <= set(row)]
        broken = [r for r in mine if not r.holds(values)]
        if not broken:
            continue
        where = _stretch(text, out, spans, row)
        if where is None:
            continue
        a, b = where
        pieces = _pieces(text, a, b)
        if sum(len(c) for _, _, c in pieces) > MAX_CUTS:
            continue
        # a blank among values run on with nothing between leaves no trace: it costs, as in ``split``
        blank_cost = config.split_blank_cost if run_on(text, a, b, sum(values.get(f) is not None for f in row)) else 0.0
        weight = config.value_prior_weight if prior is not None else 0.0
        forms = (lambda read: weight * prior.row_logp(read)) if weight else (lambda read: 0.0)
        first = (_score(probs, a, out[a:b]) - blank_cost * sum(values.get(f) is None for f in row)
                 + forms({f: values.get(f) for f in row}))
        best: tuple[float, np.ndarray, dict[str, Any]] | None = None
        for cut in _segmentations(pieces, len(row)):
            for cells in combinations(row, len(cut)):
                read = {f: None for f in row}
                for (s, e), f in zip(cut, cells):
                    read[f] = parse_value(f, text[s:e])
                if not all(_printable(f, v) for f, v in read.items()):
                    continue  # a count that does not parse (a stray sign, a decimal cut apart)
                if not all(r.holds(read) for r in mine):
                    continue
                labels = np.full(b - a, outside, dtype=out.dtype)
                for (s, e), f in zip(cut, cells):
                    write_cell(labels, s - a, e - a, f)
                score = _score(probs, a, labels) - blank_cost * (len(row) - len(cut)) + forms(read)
                if best is None or score > best[0]:
                    best = (score, labels, read)
        if best is None or best[0] < first - config.relation_cost:
            continue
        score, labels, read = best
        before = {f: values.get(f) for f in row}
        out[a:b] = labels
        decisions.append({
            "kind": "relation", "changed": True, "span": [a, b], "text": text[a:b],
            "fields": [f for f in row if read[f] != before[f]],
            "broken": [f"{r.rule} {r.where}" for r in broken], "from": before, "to": read,
            "logp": {"model": round(first, 4), "chosen": round(score, 4)},
            "reason": (f"the model's reading of this table-二 row breaks {', '.join(r.rule for r in broken)} "
                       f"({'; '.join(r.where for r in broken)}); the most probable reading of its digits that "
                       f"keeps them scores {score:.2f} against the model's {first:.2f} (log-probability, "
                       f"blanks among run-on values costing; taken down to {config.relation_cost:.2f} below)"),
        })
    return out, decisions


__all__ = ["MAX_CUTS", "relation_readings"]
