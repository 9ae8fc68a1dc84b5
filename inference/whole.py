"""Whole-table readings: one decision that moves many of the model's values at once.

Three stages of ``arbitrate`` re-read a whole table from its printed structure —
Markdown fragments counted by their lines (``fragments.py``), table 四 read in order
(``sequence.py``), space-aligned columns read by position (``columns.py``).  Each one
gives some of the model's value spans other cells (or none), and scores every such
reading the same way against the model's own:

    weight × Σ_groups mean_group (log p(new cell) − log p(cell read))
      − violation_cost × (checks broken) − … (the stage's own evidence)

A group is what the stage decides at once (a fragment's first row: one decision, not
one per value — its values' evidence is averaged).  `Moves` holds what that needs:
the values that do not move, the moving spans' cell log-probabilities (the last
entry: read as no value) and their parsed values.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from ..data.gold import Value
from ..data.labels import Span
from ..data.rules import Check
from .decode import SpanValue, best_candidate, span_value, value_columns, write_cell

FLOOR = 1e-6  # probability floor inside logarithms
Key = tuple[int, int]  # a span's (start, end)


def line_bounds(text: str, i: int) -> tuple[int, int]:
    """``(start, end)`` of the line holding character ``i`` (its line break not included)."""
    end = text.find("\n", i)
    return text.rfind("\n", 0, i) + 1, len(text) if end < 0 else end


def cell_logp(probs: np.ndarray, start: int, end: int, fields: tuple[str, ...]) -> np.ndarray:
    """Log of the span's mean B-/I- mass on each of ``fields``, then of the rest (no value)."""
    b, i = value_columns(fields)
    mass = (probs[start:end, b] + probs[start:end, i]).astype(np.float64).mean(axis=0)
    return np.log(np.clip(np.r_[mass, 1.0 - mass.sum()], FLOOR, None))


class Moves:
    """The spans a whole-table reading may move among ``fields``, and how a reading scores.

    ``current``: span → the cell the model's reading gives it (None: read as no value).
    Readings are dicts of the same keys; the other value spans of ``spans`` stay put."""

    def __init__(self, text: str, probs: np.ndarray, ids: np.ndarray, spans: list[Span],
                 current: Mapping[Key, str | None], fields: tuple[str, ...], checks: list[Check]):
        conf = probs[np.arange(len(ids)), ids]
        self.current = dict(current)
        self.fixed: dict[str, list[SpanValue]] = {}
        for s in spans:
            if s.kind == "V" and (s.start, s.end) not in self.current:
                sv = span_value(text, s, conf)
                if sv is not None:
                    self.fixed.setdefault(sv.field, []).append(sv)
        self.base = {f: best_candidate(c).value for f, c in self.fixed.items()}
        self.index = {f: k for k, f in enumerate(fields)}
        self.logp = {k: cell_logp(probs, k[0], k[1], fields) for k in self.current}
        self.parsed = {k: span_value(text, Span(k[0], k[1], "V:" + fields[0]), conf) for k in self.current}
        self.checks = [c for c in checks if any(f in self.index for f in c.fields)]

    def values(self, assign: Mapping[Key, str | None]) -> dict[str, Value]:
        """Every field's value with the moving spans in the cells of ``assign``."""
        cands: dict[str, list[SpanValue]] = {}
        for k, f in assign.items():
            if f is not None and self.parsed[k] is not None:
                cands.setdefault(f, list(self.fixed.get(f, []))).append(self.parsed[k])
        return {**self.base, **{f: best_candidate(c).value for f, c in cands.items()}}

    def broken(self, assign: Mapping[Key, str | None]) -> int:
        """Checks through ``fields`` that the reading breaks."""
        values = self.values(assign)
        return sum(not c.holds(values) for c in self.checks)

    def gain(self, assign: Mapping[Key, str | None], groups: list[list[Key]]) -> float:
        """Σ over groups of the mean log-probability change of their spans against the model's."""
        at = lambda f: len(self.index) if f is None else self.index[f]  # noqa: E731
        return float(sum(np.mean([self.logp[k][at(assign[k])] - self.logp[k][at(self.current[k])] for k in keys])
                         for keys in groups if keys))

    def moved(self, assign: Mapping[Key, str | None]) -> list[str]:
        """The fields whose value the reading changes (given or taken)."""
        return sorted({f for k in assign if assign[k] != self.current[k]
                       for f in (assign[k], self.current[k]) if f is not None})

    @staticmethod
    def best(readings: Iterable[tuple[Any, dict[Key, str | None]]], score: Callable[[dict], tuple],
             first: float) -> tuple[tuple, dict[Key, str | None], Any] | None:
        """The best of ``readings`` — ``(tag, assign)`` pairs — by ``score(assign)[0]``, if it beats
        ``first`` (the model's reading's score) strictly: ``(its score, assign, tag)``; else None.
        Ties keep the model's reading."""
        best, top = None, first
        for tag, assign in readings:
            sc = score(assign)
            if sc[0] > top + 1e-9:
                best, top = (sc, assign, tag), sc[0]
        return best

    @staticmethod
    def write(ids: np.ndarray, assign: Mapping[Key, str | None]) -> np.ndarray:
        """A copy of ``ids`` with the reading's spans labelled as its cells (O for None)."""
        out = ids.copy()
        for (s, e), f in assign.items():
            write_cell(out, s, e, f)
        return out


__all__ = ["FLOOR", "Key", "Moves", "cell_logp", "line_bounds"]
