"""Extraction metrics: small accumulators with ``update`` / ``summary`` / ``reset``.

One ``update`` scores one report: ``m.update(gold, pred)``, with ``pred=None``
for a missing prediction.  The harness (``xxgk.eval.harness``) and training's
validation call the same classes, so a number in a training log and one in a
model card mean the same thing.

Conventions, decided once here:

- A cell is right when the predicted JSON value equals the gold value exactly
  (int vs int, str vs str, None vs None): ``0`` vs ``None`` is wrong, ``"905万"``
  vs ``"905万元"`` is wrong.  Values are as printed; nothing is normalised.
- The cells scored are the gold template's.  A prediction of the other
  template is scored against the gold's fields; fields it lacks are wrong.
  A missing prediction gets every cell wrong.
- Non-zero cell: a gold value whose number (``xxgk.data.gold.numeric``) is not
  0 — blanks, ``0``, ``"0"`` and marks such as ``"/"`` are not non-zero.
- Blank fidelity: of gold-blank cells, the share predicted blank.  Blank
  precision: of predicted-blank cells, the share blank in gold.
- Exact match: every cell of the gold template right (sections not included).
- Sections: each of the six headings of each report is one unit, right when
  absent in both, or present in both within ``SECTION_TOLERANCE`` characters.
  So a spurious predicted heading is an error too.  A missing prediction gets
  all six wrong.
- Rules R1–R4 are counted on each present prediction (and on gold, for
  reference) at the check level and the report level; missing predictions are
  counted apart, not as passes or fails.  ``introduced`` counts checks that hold
  on gold but fail on the prediction: breaks the extraction made.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from ..data.gold import Record, Value, numeric
from ..data.rules import checks_for
from ..data.schema import CHINESE_NUMERALS, SECTIONS, TEMPLATES, get_template, split_field
from .context import snippet

SECTION_TOLERANCE = 3  # chars between predicted and gold heading offset
RULES = ("R1", "R2", "R3", "R4")
_ABSENT = object()  # a field the prediction does not have (missing file, other template)


@dataclass
class Ratio:
    """``correct`` out of ``n``; ``rate`` is None when nothing was counted."""

    n: int = 0
    correct: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.correct += bool(ok)

    @property
    def rate(self) -> float | None:
        return round(self.correct / self.n, 6) if self.n else None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "correct": self.correct, "accuracy": self.rate}


def _ratios(d: dict[str, Ratio]) -> dict[str, dict[str, Any]]:
    return {k: d[k].to_json() for k in sorted(d)}


def layout_of(record: Record) -> str | None:
    """``extra["meta"]["layout"]`` of a synthetic gold record, else None."""
    meta = record.extra.get("meta")
    layout = meta.get("layout") if isinstance(meta, dict) else None
    return str(layout) if layout not in (None, "") else None


# --------------------------------------------------------------------------- #
# Row groups, from the schema
# --------------------------------------------------------------------------- #
def _item_group(item: str) -> str:
    """第二十条第（五）项 -> item5: table 二 is scored per printed block."""
    m = re.search(r"（(.)）", item)
    return f"item{CHINESE_NUMERALS.index(m.group(1)) + 1}" if m else "item"


@cache
def field_groups(template: str) -> dict[str, str]:
    """Field id -> row group: ``t2.item5``, ``t3.denied``, ``t3.granted``, ``t4.review`` …

    Table 二 by block (第二十条第（N）项); table 三 by row, with the numbered
    sub-rows of （三）–（六） under their group (``t3.denied.state_secret`` ->
    ``t3.denied``; 2019's single ``other`` row and 2021's ``other.*`` both give
    ``t3.other``); table 四 by group.
    """
    out: dict[str, str] = {}
    for table in get_template(template).tables:
        for block in table.blocks:
            for row in block.rows:
                group = _item_group(block.item) if table.key == "t2" else row.key.split(".")[0]
                out.update({f"{table.key}.{row.key}.{c.key}": f"{table.key}.{group}" for c in block.columns})
    return out


def merge_order(first: list[str], second: list[str]) -> list[str]:
    """Union of two ordered lists; items only in ``second`` go just before their next common item."""
    out = list(first)
    for i, item in enumerate(second):
        if item not in out:
            after = next((x for x in second[i + 1:] if x in out), None)
            out.insert(out.index(after) if after else len(out), item)
    return out


@cache
def group_order() -> tuple[str, ...]:
    """Every row group of both templates, in printed order (for reports and plots)."""
    lists = [list(dict.fromkeys(field_groups(v).values())) for v in TEMPLATES]
    return tuple(merge_order(*lists))


@cache
def t3_rows() -> tuple[str, ...]:
    """Table 三's rows of both templates in printed order (2021's other.* after 2019's other)."""
    lists = [[r.key for r in get_template(v).table("t3").rows] for v in TEMPLATES]
    return tuple(merge_order(*lists))


# --------------------------------------------------------------------------- #
# Cells
# --------------------------------------------------------------------------- #
@dataclass
class CellError:
    report: str
    field: str
    gold: Value
    pred: Value
    pred_absent: bool  # the prediction has no such field (missing file or other template)
    context: str | None = None  # source text around the cell, value marked 【…】
    layout: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class CellMetrics:
    """Cell accuracy, non-zero accuracy, blank fidelity, exact match, per table / group / layout / field."""

    def __init__(self, keep_errors: bool = True):
        self.keep_errors = keep_errors
        self.reset()

    def reset(self) -> None:
        self.cells, self.nonzero, self.blank, self.pred_blank, self.exact = (Ratio() for _ in range(5))
        self.tables: dict[str, Ratio] = defaultdict(Ratio)
        self.groups: dict[str, Ratio] = defaultdict(Ratio)
        self.fields: dict[str, Ratio] = defaultdict(Ratio)
        self.layouts: dict[str, dict[str, Ratio]] = defaultdict(lambda: defaultdict(Ratio))
        self.missing = 0
        self.errors: list[CellError] = []

    def update(self, gold: Record, pred: Record | None, text: str | None = None, *, name: str | None = None) -> Ratio:
        """Score one report; returns its own cell Ratio.  ``text`` (the raw report) adds context to errors."""
        name = name or gold.id
        layout = layout_of(gold)
        groups = field_groups(gold.template)
        report = Ratio()
        for f in get_template(gold.template).fields:
            g = gold.cells.get(f)
            p = _ABSENT if pred is None else pred.cells.get(f, _ABSENT)
            ok = p is not _ABSENT and type(p) is type(g) and p == g
            nonzero = numeric(g) != 0
            for ratio in (self.cells, report, self.tables[split_field(f)[0]], self.groups[groups[f]], self.fields[f]):
                ratio.add(ok)
            if nonzero:
                self.nonzero.add(ok)
            if g is None:
                self.blank.add(p is None)
            if p is None:
                self.pred_blank.add(g is None)
            if layout:
                self.layouts[layout]["cells"].add(ok)
                if nonzero:
                    self.layouts[layout]["nonzero"].add(ok)
            if not ok and self.keep_errors:
                absent = p is _ABSENT
                context = snippet(text, gold, f, pred) if text else None
                self.errors.append(CellError(name, f, g, None if absent else p, absent, context, layout))
        self.exact.add(report.correct == report.n)
        if layout:
            self.layouts[layout]["exact"].add(report.correct == report.n)
        self.missing += pred is None
        return report

    def summary(self) -> dict[str, Any]:
        return {
            "cell_accuracy": self.cells.rate,
            "nonzero_accuracy": self.nonzero.rate,
            "blank_fidelity": self.blank.rate,
            "blank_precision": self.pred_blank.rate,
            "exact_match_rate": self.exact.rate,
            "missing_predictions": self.missing,
            "counts": {"cells": self.cells.to_json(), "nonzero": self.nonzero.to_json(),
                       "gold_blank": self.blank.to_json(), "pred_blank": self.pred_blank.to_json(),
                       "reports_exact": self.exact.to_json()},
            "per_table": _ratios(self.tables),
            "per_group": _ratios(self.groups),
            "per_field": _ratios(self.fields),
            "per_layout": {k: {"reports": v["exact"].n, "cell_accuracy": v["cells"].rate,
                               "nonzero_accuracy": v["nonzero"].rate, "exact_match_rate": v["exact"].rate,
                               "cells": v["cells"].to_json(), "nonzero": v["nonzero"].to_json()}
                           for k, v in sorted(self.layouts.items())},
        }


# --------------------------------------------------------------------------- #
# Section headings, template detection
# --------------------------------------------------------------------------- #
class SectionMetrics:
    """Heading offsets: six units per report, right within ±SECTION_TOLERANCE or absent in both."""

    def __init__(self, tolerance: int = SECTION_TOLERANCE):
        self.tolerance = tolerance
        self.reset()

    def reset(self) -> None:
        self.all = Ratio()
        self.sections: dict[str, Ratio] = defaultdict(Ratio)

    def update(self, gold: Record, pred: Record | None) -> Ratio:
        report = Ratio()
        for key in (str(s.number) for s in SECTIONS):
            g = gold.sections.get(key)
            p = None if pred is None else pred.sections.get(key)
            if pred is None:
                ok = False
            elif g is None or p is None:
                ok = g is None and p is None
            else:
                ok = abs(g - p) <= self.tolerance
            for ratio in (self.all, self.sections[key], report):
                ratio.add(ok)
        return report

    def summary(self) -> dict[str, Any]:
        return {"section_accuracy": self.all.rate, "tolerance": self.tolerance, "counts": self.all.to_json(),
                "per_section": _ratios(self.sections)}


class TemplateMetrics:
    """Template detection: predicted ``template`` equals gold's; a missing prediction is wrong."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.all = Ratio()
        self.confusion: Counter[str] = Counter()

    def update(self, gold: Record, pred: Record | None) -> bool:
        ok = pred is not None and pred.template == gold.template
        self.all.add(ok)
        self.confusion[f"{gold.template}->{'missing' if pred is None else pred.template}"] += 1
        return ok

    def summary(self) -> dict[str, Any]:
        return {"template_accuracy": self.all.rate, "counts": self.all.to_json(),
                "confusion": dict(sorted(self.confusion.items()))}


# --------------------------------------------------------------------------- #
# Arithmetic rules R1–R4
# --------------------------------------------------------------------------- #
class RuleMetrics:
    """How many predictions (and gold reports) pass or fail each rule, per check and per report."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()  # (side, rule, outcome)
        self.introduced: Counter[str] = Counter()
        self.missing = 0

    def _count(self, side: str, record: Record) -> dict[int, bool]:
        checks = checks_for(record.template)
        holds = {i: c.holds(record.cells) for i, c in enumerate(checks)}
        for rule in RULES:
            results = [holds[i] for i, c in enumerate(checks) if c.rule == rule]
            self.counts[side, rule, "checks_passed"] += sum(results)
            self.counts[side, rule, "checks_failed"] += len(results) - sum(results)
            self.counts[side, rule, "reports_passed" if all(results) else "reports_failed"] += 1
        self.counts[side, "all", "reports_passed" if all(holds.values()) else "reports_failed"] += 1
        return holds

    def update(self, gold: Record, pred: Record | None) -> int | None:
        """Returns the number of failed checks of the prediction (None when missing)."""
        gold_holds = self._count("gold", gold)
        if pred is None:
            self.missing += 1
            return None
        pred_holds = self._count("pred", pred)
        if pred.template == gold.template:
            for i, check in enumerate(checks_for(pred.template)):
                self.introduced[check.rule] += gold_holds[i] and not pred_holds[i]
        return sum(not ok for ok in pred_holds.values())

    def summary(self) -> dict[str, Any]:
        def side(name: str) -> dict[str, dict[str, int]]:
            out = {r: {k: self.counts[name, r, k] for k in
                       ("checks_passed", "checks_failed", "reports_passed", "reports_failed")} for r in RULES}
            out["all"] = {k: self.counts[name, "all", k] for k in ("reports_passed", "reports_failed")}
            return out

        return {"pred": side("pred"), "gold": side("gold"), "missing_predictions": self.missing,
                "introduced": {r: self.introduced[r] for r in RULES}}


# --------------------------------------------------------------------------- #
# Everything at once
# --------------------------------------------------------------------------- #
class EvalMetrics:
    """All metrics of one evaluation; ``update(gold, pred)`` per report, ``summary()`` at the end."""

    def __init__(self, keep_errors: bool = True):
        self.cells = CellMetrics(keep_errors)
        self.sections = SectionMetrics()
        self.template = TemplateMetrics()
        self.rules = RuleMetrics()
        self.reports: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        for m in (self.cells, self.sections, self.template, self.rules):
            m.reset()
        self.reports = {}

    def update(self, gold: Record, pred: Record | None, text: str | None = None, *, name: str | None = None) -> None:
        name = name or gold.id
        cells = self.cells.update(gold, pred, text, name=name)
        sections = self.sections.update(gold, pred)
        self.reports[name] = {
            "cells": cells.n, "correct": cells.correct, "accuracy": cells.rate,
            "sections_correct": sections.correct, "template_ok": self.template.update(gold, pred),
            "pred_checks_failed": self.rules.update(gold, pred), "missing": pred is None, "layout": layout_of(gold),
        }

    def summary(self) -> dict[str, Any]:
        return {"reports": len(self.reports), "cells": self.cells.summary(), "sections": self.sections.summary(),
                "template": self.template.summary(), "rules": self.rules.summary(),
                "per_report": dict(sorted(self.reports.items()))}
