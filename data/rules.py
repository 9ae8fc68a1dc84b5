"""The template's arithmetic (勾稽关系), checked on what a report prints.

R1  table 三, per column: new_received + carried_over = total + carried_forward
R2  table 三, per column: total = sum of the result rows (granted … other[.misc])
R3  table 三, per row:    total column = sum of the six applicant columns
R4  table 四, per group:  total = upheld + corrected + other + pending
X1  across years (soft):  carried_over(y) = carried_forward(y-1), per column
X2  across years (soft):  2021 table 二 in_force(y) = in_force(y-1) + issued(y) - repealed(y)
N1  text vs table (soft): counts quoted in the narrative equal the table's
F1  table 二 (soft, what the cells mean): a cumulative count is at least this year's —
    2019 total_published >= new_made, 2021 in_force >= issued (regulations, normative)
F2  table 二 (soft): 2019 procurement projects and amount are both zero (blank) or both not
F3  table 二 (soft): only 本年增/减 (change) is ever negative

Blank counts as 0.  Checks *report*; nothing here ever changes a value.  The
decoder in ``xxgk.inference`` uses the same `Check` list to arbitrate between
readings the model is unsure of.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Mapping

from .gold import Record, Value, numeric
from .schema import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, get_template

APPLICANT_COLUMNS = tuple(c.key for c in T3_COLUMNS if c.key != "total")


@dataclass(frozen=True)
class Check:
    """One equation ``sum(lhs) == sum(rhs)`` over field ids."""

    rule: str
    where: str  # human-readable: "column natural_person", "row granted", "group review"
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def sides(self, cells: Mapping[str, Value]) -> tuple[float, float]:
        return (sum(numeric(cells.get(f)) for f in self.lhs), sum(numeric(cells.get(f)) for f in self.rhs))

    def holds(self, cells: Mapping[str, Value]) -> bool:
        left, right = self.sides(cells)
        return abs(left - right) < 1e-9

    def needs(self, field: str, cells: Mapping[str, Value]) -> float:
        """The value of ``field`` that makes the equation hold, the other cells as in ``cells``."""
        left, right = self.sides({**cells, field: None})
        return right - left if field in self.lhs else left - right


@dataclass
class Finding:
    rule: str
    where: str
    message: str
    printed: dict[str, Value]
    expected: float | int
    found: float | int
    severity: str = "hard"  # "hard" for R1–R4, "soft" for cross-year and text checks

    def to_json(self) -> dict:
        return asdict(self)


def _row_ids(template: str) -> list[str]:
    return [r.key for r in get_template(template).table("t3").rows]


def _result_rows(template: str) -> list[str]:
    rows = _row_ids(template)
    return rows[rows.index("granted"):rows.index("total")]


def checks_for(template: str) -> list[Check]:
    """Every hard check of a template, in a fixed order."""
    out: list[Check] = []
    cols = [c.key for c in T3_COLUMNS]
    for c in cols:
        out.append(Check("R1", f"column {c}", (f"t3.new_received.{c}", f"t3.carried_over.{c}"),
                         (f"t3.total.{c}", f"t3.carried_forward.{c}")))
    for c in cols:
        out.append(Check("R2", f"column {c}", (f"t3.total.{c}",),
                         tuple(f"t3.{r}.{c}" for r in _result_rows(template))))
    for r in _row_ids(template):
        out.append(Check("R3", f"row {r}", (f"t3.{r}.total",), tuple(f"t3.{r}.{c}" for c in APPLICANT_COLUMNS)))
    for g in (g.key for g in T4_GROUPS):
        out.append(Check("R4", f"group {g}", (f"t4.{g}.total",),
                         tuple(f"t4.{g}.{c.key}" for c in T4_COLUMNS if c.key != "total")))
    return out


@dataclass(frozen=True)
class Relation:
    """A soft relation of table-二 cells (F1–F3): not an equation of the form but what its cells
    mean.  Reports may break it in print; the decoder weighs it only between readings of digits
    the model is unsure how to cut (``xxgk.inference.relations``)."""

    rule: str
    where: str
    fields: tuple[str, ...]  # F1: (cumulative, this year's); F2: (projects, amount); F3: (cell,)

    def holds(self, cells: Mapping[str, Value]) -> bool:
        if self.rule == "F1":
            return numeric(cells.get(self.fields[0])) >= numeric(cells.get(self.fields[1]))
        if self.rule == "F2":
            projects, amount = (numeric(cells.get(f)) for f in self.fields)
            return (projects > 0) == (amount > 0)
        return numeric(cells.get(self.fields[0])) >= 0


def relations_for(template: str) -> list[Relation]:
    """The soft table-二 relations of a template, in a fixed order."""
    cumulative, this_year = ("total_published", "new_made") if template == "2019" else ("in_force", "issued")
    out = [Relation("F1", f"row {r}", (f"t2.{r}.{cumulative}", f"t2.{r}.{this_year}"))
           for r in ("regulations", "normative")]
    if template == "2019":
        out.append(Relation("F2", "row procurement", ("t2.procurement.projects", "t2.procurement.amount")))
    out += [Relation("F3", f"cell {f}", (f,)) for f in get_template(template).table("t2").fields
            if not f.endswith(".change")]
    return out


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def _describe(check: Check, left: float, right: float) -> str:
    names = {"R1": ("new_received + carried_over", "total + carried_forward"),
             "R2": ("total", "sum of result rows"),
             "R3": ("total column", "sum of applicant columns"),
             "R4": ("total", "upheld + corrected + other + pending")}[check.rule]
    return f"{check.rule} {check.where}: {names[0]} = {_num(left)} but {names[1]} = {_num(right)}"


def check_record(record: Record) -> list[Finding]:
    """Hard checks R1–R4 on one report."""
    findings = []
    for check in checks_for(record.template):
        left, right = check.sides(record.cells)
        if abs(left - right) >= 1e-9:
            expected = right if check.rule in ("R2", "R3", "R4") else left
            found = left if check.rule in ("R2", "R3", "R4") else right
            findings.append(Finding(check.rule, check.where, _describe(check, left, right),
                                    {f: record.cells.get(f) for f in check.fields}, _num(expected), _num(found)))
    return findings


# --------------------------------------------------------------------------- #
# Soft checks
# --------------------------------------------------------------------------- #
_NUM = r"(\d{1,7})"
# (pattern, fields whose sum the quoted figure should equal)
_NARRATIVE: list[tuple[re.Pattern, Callable[[str], tuple[str, ...]]]] = [
    (re.compile(r"(?:收到|受理|新收)[^。；;，,\d]{0,16}?(?:公开)?申请[^。；;，,\d]{0,4}?" + _NUM + r"\s*[件个份]"),
     lambda t: ("t3.new_received.total",)),
    (re.compile(r"(?:被申请)?行政复议[^。；;，,\d]{0,6}?" + _NUM + r"\s*[件起宗]"),
     lambda t: ("t4.review.total",)),
    (re.compile(r"(?:提起)?行政诉讼[^。；;，,\d]{0,6}?" + _NUM + r"\s*[件起宗]"),
     lambda t: ("t4.suit_direct.total", "t4.suit_after_review.total")),
]


def narrative_figures(text: str, tables_start: int | None = None) -> list[tuple[str, int, tuple[str, ...]]]:
    """Counts quoted in the narrative: (quote, value, fields). Only text before the tables is read."""
    head = text if tables_start is None else text[:tables_start]
    out = []
    for pattern, fields in _NARRATIVE:
        for m in pattern.finditer(head):
            out.append((m.group(0), int(m.group(1)), fields(m.group(0))))
    return out


def check_relations(record: Record) -> list[Finding]:
    """F1–F3 (soft): what table 二's cells mean, on one report (`relations_for`)."""
    findings = []
    for r in relations_for(record.template):
        if r.holds(record.cells):
            continue
        printed = {f: record.cells.get(f) for f in r.fields}
        values = [numeric(v) for v in printed.values()]
        if r.rule == "F1":
            message, expected = f"cumulative {_num(values[0])} below this year's {_num(values[1])}", values[1]
        elif r.rule == "F2":
            message, expected = f"{_num(values[0])} projects but amount {_num(values[1])}", 0
        else:
            message, expected = f"negative {_num(values[0])} (only 本年增/减 may be)", 0
        findings.append(Finding(r.rule, r.where, f"{r.rule} {r.where}: {message}", printed, _num(expected),
                                _num(values[0]), "soft"))
    return findings


def check_narrative(record: Record, text: str) -> list[Finding]:
    """N1: counts quoted in sections 一 (before table 二) against the table's."""
    start = record.sections.get("2")
    findings = []
    for quote, value, fields in narrative_figures(text, start):
        printed = {f: record.cells.get(f) for f in fields}
        table_value = sum(numeric(v) for v in printed.values())
        if table_value != value:
            findings.append(Finding("N1", f"text {quote!r}", f"N1 narrative says {value} ({quote}) but the table "
                                    f"prints {_num(table_value)}", printed, value, _num(table_value), "soft"))
    return findings


def check_across_years(records: Iterable[tuple[str, Record]]) -> dict[str, list[Finding]]:
    """X1/X2 for reports of one agency in consecutive years; keyed by report name."""
    by_agency: dict[str, list[tuple[str, Record]]] = {}
    for name, rec in records:
        if rec.agency and rec.year:
            by_agency.setdefault(rec.agency, []).append((name, rec))
    out: dict[str, list[Finding]] = {}
    for reports in by_agency.values():
        reports.sort(key=lambda nr: nr[1].year)
        for (_, prev), (name, cur) in zip(reports, reports[1:]):
            if cur.year != prev.year + 1:
                continue
            found = out.setdefault(name, [])
            for c in (c.key for c in T3_COLUMNS):
                a, b = f"t3.carried_over.{c}", f"t3.carried_forward.{c}"
                if numeric(cur.cells.get(a)) != numeric(prev.cells.get(b)):
                    found.append(Finding("X1", f"column {c}", f"X1 column {c}: carried_over {cur.year} = "
                                         f"{_num(numeric(cur.cells.get(a)))} but carried_forward {prev.year} = "
                                         f"{_num(numeric(prev.cells.get(b)))}",
                                         {a: cur.cells.get(a), f"{prev.year}:{b}": prev.cells.get(b)},
                                         _num(numeric(prev.cells.get(b))), _num(numeric(cur.cells.get(a))), "soft"))
            if cur.template == prev.template == "2021":
                for r in ("regulations", "normative"):
                    get = lambda rec, col: numeric(rec.cells.get(f"t2.{r}.{col}"))  # noqa: E731
                    expected = get(prev, "in_force") + get(cur, "issued") - get(cur, "repealed")
                    if get(cur, "in_force") != expected:
                        found.append(Finding(
                            "X2", f"row {r}", f"X2 row {r}: in_force {cur.year} = {_num(get(cur, 'in_force'))} but "
                            f"in_force {prev.year} + issued - repealed = {_num(expected)}",
                            {f"t2.{r}.in_force": cur.cells.get(f"t2.{r}.in_force"),
                             f"t2.{r}.issued": cur.cells.get(f"t2.{r}.issued"),
                             f"t2.{r}.repealed": cur.cells.get(f"t2.{r}.repealed"),
                             f"{prev.year}:t2.{r}.in_force": prev.cells.get(f"t2.{r}.in_force")},
                            _num(expected), _num(get(cur, "in_force")), "soft"))
    return out


@dataclass
class Consistency:
    """How a report scores against its own arithmetic."""

    applied: int = 0
    failed: int = 0
    by_rule: dict[str, list[int]] = field(default_factory=dict)  # rule -> [applied, failed]

    def to_json(self) -> dict:
        return {"applied": self.applied, "failed": self.failed, "passed": self.applied - self.failed,
                "by_rule": {r: {"applied": a, "failed": f} for r, (a, f) in sorted(self.by_rule.items())}}


def consistency(record: Record) -> Consistency:
    summary = Consistency()
    for check in checks_for(record.template):
        ok = check.holds(record.cells)
        summary.applied += 1
        summary.failed += not ok
        counts = summary.by_rule.setdefault(check.rule, [0, 0])
        counts[0] += 1
        counts[1] += not ok
    return summary
