"""The value prior: how the training annotations print each cell, saved next to the weights.

Crawler text runs a row's cells together with nothing between them (2021's 行政规范性文件
``125118`` is 12, 5, 118 — or 1, 25, 118, or 125, 11, 8); table 二 has no sums to
choose by, and a blank cell leaves no trace.  The character model's cut is then
its only evidence and often a guess.  What the annotations say about each cell is
more evidence: 现行有效件数 is mostly two or three digits, 本年废止件数 mostly one
digit or blank, and 32 procurement projects come with an amount of three or four digits
far more often than 3 with one of four.  This file keeps that as counts of a few *forms* —

    blank, zero, mark (``/``, ``—``, ``无``, ``0.00``), w1 … w6 (a non-zero amount whose
    whole part in 万元 has that many digits, 6 or more: ``386000元`` is w2 like ``38.6万``),
    n1 … n6 (a positive count of that many digits), neg1 … neg6

— per field; per field of a row with a total (tables 三 and 四) given the form of that total
(a 4-digit total makes 1-digit parts rarer than a 2-digit one does); and per table-二 row of
the forms of its cells together — learned from the training split's gold cells when a model
is trained (``value_prior.json``).  `ValuePrior.logp` is the add-one-smoothed
log-probability of a value's form for its field; `ValuePrior.row_logp` that of a row's
forms: a table-二 row's joint counts interpolated with the product of its fields' own, a
part of a row whose total is read given the total's form.  `xxgk.inference.rows` adds it, weighted, to the
readings of a run-together row (and only there: where the text shows the cells
apart, it says which are blank).  It knows no report: only how often each field
takes each form over the annotations a model was trained on — synthetic ones for
the shipped model, real ones after ``xxgk train --init-from`` on an import.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import math
from functools import cache
from math import log
from pathlib import Path

from ..data.gold import Value, numeric
from ..data.schema import TEMPLATES, get_template

PRIOR_FILE = "value_prior.json"
FORMS = ("blank", "zero", "mark", *(f"w{k}" for k in range(1, 7)), *(f"n{k}" for k in range(1, 7)),
         *(f"neg{k}" for k in range(1, 7)))
JOINT_WEIGHT = 10.0  # pseudo-counts of the product of the fields' own forms in a row's joint forms (not tuned)


def form(value: Value) -> str:
    """The form of a cell's value, one of `FORMS`."""
    if value is None:
        return "blank"
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            amount = numeric(value)
        except (TypeError, ValueError):
            return "mark"
        if amount == 0:
            return "mark"
        if value.rstrip().endswith("元") and not value.rstrip().endswith("万元"):
            amount /= 10000  # 386000元 is 38.6万元: the same form as 38.6万元 and 38.6万
        return f"w{min(len(str(int(abs(amount)))), 6)}"
    if value == 0:
        return "zero"
    return f"{'neg' if value < 0 else 'n'}{min(len(str(abs(value))), 6)}"


@dataclass(frozen=True)
class ValuePrior:
    """Per field, how many annotations print it in each form."""

    counts: Mapping[str, Mapping[str, int]]
    rows: Mapping[str, Mapping[str, int]] | None = None  # "f1|f2|f3" (a table-二 row) -> "form1|…|form3" -> count
    given_total: Mapping[str, Mapping[str, Mapping[str, int]]] | None = None  # field -> its total's form -> counts

    @classmethod
    def from_cells(cls, records: Iterable[Mapping[str, Value]]) -> "ValuePrior":
        """Count the forms of every field over ``records`` (each a gold file's ``cells``)."""
        counts: dict[str, Counter] = {}
        rows: dict[str, Counter] = {}
        given: dict[str, dict[str, Counter]] = {}
        for cells in records:
            for field, value in cells.items():
                counts.setdefault(field, Counter())[form(value)] += 1
                total = total_of(field)
                if total is not None and cells.get(total) is not None:
                    given.setdefault(field, {}).setdefault(form(cells[total]), Counter())[form(value)] += 1
            for row in _table2_rows():
                if all(f in cells for f in row):
                    rows.setdefault("|".join(row), Counter())["|".join(form(cells[f]) for f in row)] += 1
        return cls({f: dict(sorted(c.items())) for f, c in sorted(counts.items())},
                   {r: dict(sorted(c.items())) for r, c in sorted(rows.items())},
                   {f: {t: dict(sorted(c.items())) for t, c in sorted(by.items())} for f, by in sorted(given.items())})

    def logp(self, field: str, value: Value) -> float:
        """log P(form of ``value`` | ``field``), add-one smoothed over `FORMS`; 0 for a field never seen."""
        seen = self.counts.get(field)
        if not seen:
            return 0.0
        return log((seen.get(form(value), 0) + 1) / (sum(seen.values()) + len(FORMS)))

    def row_logp(self, values: Mapping[str, Value]) -> float:
        """log P(forms of a row's ``values``): for a table-二 row its joint forms, interpolated with the
        product of the fields' own (`JOINT_WEIGHT` pseudo-counts); else the sum over its fields of
        `logp`, each part of a row whose total ``values`` reads given that total's form (`given_logp`)."""
        own = sum(self.given_logp(f, v, values.get(total_of(f) or "")) for f, v in values.items())
        seen = (self.rows or {}).get("|".join(values))
        if not seen:
            return own
        joint = seen.get("|".join(form(v) for v in values.values()), 0)
        return log((joint + JOINT_WEIGHT * math.exp(own)) / (sum(seen.values()) + JOINT_WEIGHT))

    def given_logp(self, field: str, value: Value, total: Value) -> float:
        """log P(form of ``value`` | ``field``, the form of its row's ``total``), add-one smoothed; `logp`
        where the total is blank or that form of it was never seen with the field."""
        seen = (self.given_total or {}).get(field, {}).get(form(total)) if total is not None else None
        if not seen:
            return self.logp(field, value)
        return log((seen.get(form(value), 0) + 1) / (sum(seen.values()) + len(FORMS)))

    def save(self, model_dir: str | Path) -> Path:
        path = Path(model_dir) / PRIOR_FILE
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        return path

    def to_json(self) -> dict:
        return {"forms": list(FORMS), "counts": {f: dict(c) for f, c in self.counts.items()},
                "rows": {r: dict(c) for r, c in (self.rows or {}).items()},
                "given_total": {f: {t: dict(c) for t, c in by.items()} for f, by in (self.given_total or {}).items()}}

    @classmethod
    def load(cls, model_dir: str | Path) -> "ValuePrior | None":
        """The model folder's prior; None for a folder without one (a model trained before it existed)."""
        path = Path(model_dir) / PRIOR_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if list(data.get("forms", ())) != list(FORMS):
            raise ValueError(f"{path}: forms {data.get('forms')} are not this version's {list(FORMS)}; "
                             f"rewrite it with `xxgk data prior --model {Path(model_dir)}`")
        return cls({f: {k: int(v) for k, v in c.items()} for f, c in data["counts"].items()},
                   {r: {k: int(v) for k, v in c.items()} for r, c in data.get("rows", {}).items()},
                   {f: {t: {k: int(v) for k, v in c.items()} for t, c in by.items()}
                    for f, by in data.get("given_total", {}).items()})


def total_of(field: str) -> str | None:
    """The total cell of a table-三 or table-四 field's row (``t3.granted.research`` ->
    ``t3.granted.total``); None for a total itself and for table 二 (no totals)."""
    if not field.startswith(("t3.", "t4.")) or field.endswith(".total"):
        return None
    return field.rsplit(".", 1)[0] + ".total"


@cache
def _table2_rows() -> tuple[tuple[str, ...], ...]:
    """Every table-二 row of both templates, as its fields in column order."""
    return tuple(tuple(f"t2.{row.key}.{col.key}" for col in block.columns)
                 for t in TEMPLATES for block in get_template(t).table("t2").blocks for row in block.rows)
