"""What a synthetic report prints in its tables: realistic numbers, printed as real reports print them.

Steps, each a pure function of a `random.Random`:

1. `draw_setting` — template, year and agency level (乡镇/街道 … 国务院部门).
2. `draw_counts`  — true numbers for every cell; the template's arithmetic
   (R1–R4, ``xxgk.data.rules``) holds by construction.
3. `perturb`      — for a configurable share of reports, one genuine printed
   inconsistency (a typo, a wrong total, a row left out, totals without applicants),
   as about one real report in ten has.
4. `print_cells`  — the report's printing conventions: zeros as ``0``, blank, ``/``,
   ``—`` or ``无``; only the 总计 column filled; 法人 columns blank; ``3,830``;
   ``-3`` and ``－3``; amounts with units (``2192.63 万元``, ``386000元``, ``905万``)
   and up to six decimals; remarks such as ``18（其中修订5件）``.

The gold value of each cell follows the spec (``shared/spec/gold-format.md``): an
int for a count (with or without remark), None for blank, the string as printed
(white space removed) for amounts and marks.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ..gold import Record, Value, numeric
from ..rules import APPLICANT_COLUMNS, check_record
from ..schema import AMOUNT_FIELDS, SIGNED_FIELDS, get_template
from .config import DEFAULT, LEVELS, SynthConfig


@dataclass(frozen=True)
class Printed:
    """One cell as printed: the value's characters (tagged V) and an untagged remark."""

    value: str  # "" for a blank cell
    gold: Value
    remark: str = ""


@dataclass
class Values:
    template: str
    year: int
    level: str
    cells: dict[str, Printed]
    inconsistent: bool
    flaw: str = ""  # kind of printed inconsistency, "" when consistent
    style: dict[str, str] = field(default_factory=dict)  # printing conventions, for the record

    def gold(self) -> dict[str, Value]:
        return {f: p.gold for f, p in self.cells.items()}

    def number(self, field_id: str) -> int:
        """The cell as the arithmetic (and the narrative) reads it."""
        return int(numeric(self.cells[field_id].gold) or 0)


# --------------------------------------------------------------------------- #
# 1. setting
# --------------------------------------------------------------------------- #
def draw_setting(rng: random.Random, config: SynthConfig = DEFAULT,
                 template: str | None = None) -> tuple[str, int, str]:
    """(template, year, level). The draws happen even when `template` is given, so
    passing the template a seed would have drawn anyway changes nothing else."""
    drawn = "2019" if rng.random() < config.template_2019_share else "2021"
    late = rng.random() < config.late_2019_share
    template = template or drawn
    modern = [y for y in config.years if y >= 2021]
    early = [y for y in config.years if y < 2021]
    if template == "2021" or (late and modern) or not early:
        year = rng.choice(modern)
    else:
        year = rng.choice(early)
    levels = list(config.level_weights)
    level = rng.choices(levels, [config.level_weights[k] for k in levels])[0]
    assert level in LEVELS, level
    return template, year, level


# --------------------------------------------------------------------------- #
# 2. true counts
# --------------------------------------------------------------------------- #
# level -> (P(no applications), typical range of 本年新收) and a scale for table 二 / 四
APPLICATIONS = {"township": (0.55, 1, 8), "street": (0.40, 1, 15), "county": (0.12, 3, 150),
                "city": (0.03, 30, 1500), "province": (0.02, 80, 5000), "national": (0.0, 100, 4000)}
SCALE = {"township": 0.02, "street": 0.03, "county": 0.25, "city": 1.0, "province": 1.5, "national": 0.8}
RESULT_WEIGHTS = {  # share of handled applications per result row (before per-report noise)
    "granted": 0.42, "partial": 0.07,
    "denied.state_secret": 0.004, "denied.law_prohibited": 0.006, "denied.three_safety": 0.003,
    "denied.third_party": 0.008, "denied.internal_affairs": 0.006, "denied.process_info": 0.012,
    "denied.enforcement_files": 0.005, "denied.query_items": 0.006,
    "unavailable.not_held": 0.22, "unavailable.needs_creation": 0.03, "unavailable.unclear": 0.04,
    "not_processed.complaint": 0.04, "not_processed.duplicate": 0.03, "not_processed.publication": 0.006,
    "not_processed.excessive": 0.006, "not_processed.confirmation": 0.008,
    "other": 0.05, "other.overdue_correction": 0.03, "other.overdue_fee": 0.003, "other.misc": 0.03,
}
APPLICANT_WEIGHTS = {"commercial": 0.55, "research": 0.04, "social_org": 0.05, "legal_service": 0.16,
                     "other_org": 0.20}
T4_WEIGHTS = {"upheld": 0.55, "corrected": 0.12, "other": 0.18, "pending": 0.15}


def log_uniform(rng: random.Random, lo: float, hi: float) -> int:
    lo, hi = max(lo, 1), max(hi, lo, 1)
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi + 0.999)) - 0.4999)))


def count(rng: random.Random, p_zero: float, lo: float, hi: float, scale: float = 1.0) -> int:
    """0 with probability p_zero (higher for small agencies), else a log-uniform count."""
    p = 1 - (1 - p_zero) * min(1.0, scale ** 0.3)
    if rng.random() < p:
        return 0
    return log_uniform(rng, lo, max(lo, hi * scale))


def split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """Distribute n items over keys in proportion to weights (random, exact sum)."""
    keys = [k for k, w in weights.items() if w > 0] or list(weights)
    out = dict.fromkeys(weights, 0)
    if n <= 0:
        return out
    ws = [weights[k] or 1.0 for k in keys]
    if n <= 40:
        for k in rng.choices(keys, ws, k=n):
            out[k] += 1
        return out
    total = sum(ws)
    for k, w in zip(keys, ws):
        out[k] = min(n - sum(out.values()), int(n * w / total * rng.uniform(0.85, 1.15)))
    for k in rng.choices(keys, ws, k=n - sum(out.values())):
        out[k] += 1
    return out


def _noisy(rng: random.Random, weights: dict[str, float], p_off: float) -> dict[str, float]:
    """Per-report variation: weights scaled by noise, some rows switched off."""
    return {k: (0.0 if rng.random() < p_off else w * math.exp(rng.gauss(0, 0.6))) for k, w in weights.items()}


def draw_counts(rng: random.Random, template: str, level: str) -> dict[str, int | float]:
    """True numbers of every cell; amounts are floats in 万元. R1–R4 hold."""
    tpl = get_template(template)
    c: dict[str, int | float] = {}
    c.update(_table2(rng, template, level))
    rows = [r.key for r in tpl.table("t3").rows]
    results = rows[rows.index("granted"):rows.index("total")]
    p0, lo, hi = APPLICATIONS[level]
    new_total = count(rng, p0, lo, hi)
    applicants = {"natural_person": rng.uniform(0.70, 0.99)}
    rest = 1 - applicants["natural_person"]
    for k, w in _noisy(rng, APPLICANT_WEIGHTS, 0.3).items():
        applicants[k] = rest * w
    if rng.random() < 0.25:  # one kind of applicant only (common for small agencies)
        only = rng.choice(list(applicants)[:1] * 4 + list(applicants))
        applicants = {k: (1.0 if k == only else 0.0) for k in applicants}
    new = split(rng, new_total, applicants)
    carried = split(rng, int(new_total * rng.uniform(0, 0.12)) if rng.random() < 0.5 else 0, applicants)
    weights = _noisy(rng, {r: RESULT_WEIGHTS[r] for r in results}, 0.25)
    forward_share = rng.uniform(0, 0.12) if rng.random() < 0.5 else 0.0
    for col in APPLICANT_COLUMNS:
        avail = new[col] + carried[col]
        forward = int(avail * forward_share * rng.uniform(0.5, 1.5))
        handled = split(rng, avail - forward, weights)
        c[f"t3.new_received.{col}"], c[f"t3.carried_over.{col}"] = new[col], carried[col]
        c[f"t3.carried_forward.{col}"], c[f"t3.total.{col}"] = forward, avail - forward
        for r in results:
            c[f"t3.{r}.{col}"] = handled[r]
    for r in rows:
        c[f"t3.{r}.total"] = sum(c[f"t3.{r}.{col}"] for col in APPLICANT_COLUMNS)
    review_p0 = {"township": 0.93, "street": 0.9, "county": 0.55, "city": 0.2, "province": 0.15, "national": 0.05}
    for group, factor in (("review", 1.0), ("suit_direct", 0.5), ("suit_after_review", 0.25)):
        n = count(rng, min(0.99, review_p0[level] + (1 - factor) * 0.2), 1, 3 + 100 * SCALE[level] * factor)
        parts = split(rng, n, _noisy(rng, T4_WEIGHTS, 0.2))
        for k, v in parts.items():
            c[f"t4.{group}.{k}"] = v
        c[f"t4.{group}.total"] = n
    return c


def _table2(rng: random.Random, template: str, level: str) -> dict[str, int | float]:
    s = SCALE[level]
    makes_rules = level in ("city", "province", "national") and rng.random() < 0.6
    c: dict[str, int | float] = {}
    if template == "2019":
        made = count(rng, 0.4, 1, 12) if makes_rules else 0
        c["t2.regulations.new_made"] = made
        c["t2.regulations.new_published"] = made if rng.random() < 0.85 else count(rng, 0.3, 1, made + 3)
        c["t2.regulations.total_published"] = made + (count(rng, 0.3, 1, 150) if makes_rules else 0)
        made = count(rng, 0.25, 1, 80, s)
        c["t2.normative.new_made"] = made
        c["t2.normative.new_published"] = made if rng.random() < 0.8 else count(rng, 0.3, 1, made + 5)
        c["t2.normative.total_published"] = made + count(rng, 0.3, 1, 600, s)
        for row, prev_hi, dec_hi in (("licensing", 800, 60000), ("other_services", 600, 30000),
                                     ("penalty", 3000, 20000), ("enforcement", 100, 3000), ("fees", 60, 0)):
            prev = count(rng, 0.3, 1, prev_hi, s)
            c[f"t2.{row}.prev_items"] = prev
            c[f"t2.{row}.change"] = 0 if rng.random() < 0.55 else rng.randint(-max(1, prev // 5), max(1, prev // 5))
            if dec_hi:
                c[f"t2.{row}.decisions"] = count(rng, 0.3, 1, dec_hi, s)
        projects = count(rng, 0.3, 1, 600, s)
        c["t2.procurement.projects"] = projects
        c["t2.procurement.amount"] = round(projects * rng.uniform(1.5, 90) * rng.uniform(0.5, 1.5), 6) if projects else 0.0
    else:
        for row, hi in (("regulations", 10), ("normative", 60)):
            issued = (count(rng, 0.4, 1, hi) if makes_rules else 0) if row == "regulations" else count(rng, 0.3, 1, hi, s)
            repealed = count(rng, 0.6, 1, max(1, issued + 3)) if (issued or row == "normative") else 0
            c[f"t2.{row}.issued"], c[f"t2.{row}.repealed"] = issued, repealed
            c[f"t2.{row}.in_force"] = issued + (count(rng, 0.3, 1, 40 * hi) if (row == "normative" or makes_rules) else 0)
        for row, hi in (("licensing", 60000), ("penalty", 20000), ("enforcement", 3000)):
            c[f"t2.{row}.decisions"] = count(rng, 0.3, 1, hi, s)
        c["t2.fees.amount"] = round(rng.uniform(0.5, 5000) * s, 6) if rng.random() < 0.35 * min(1, s * 4) else 0.0
    return c


# --------------------------------------------------------------------------- #
# 3. a genuine printed inconsistency
# --------------------------------------------------------------------------- #
FLAWS = ("typo", "total_cell", "t4_total", "carried_forward", "row_left_out", "totals_only")


def perturb(rng: random.Random, counts: dict[str, int | float], template: str, kind: str) -> dict[str, int | float]:
    """A copy of `counts` with one printed mistake of the given kind."""
    c = dict(counts)
    t3 = [f for f in c if f.startswith("t3.")]
    nonzero = [f for f in t3 if c[f] and not f.endswith(".total")] or [f for f in t3 if not f.endswith(".total")]
    delta = rng.choice((-2, -1, 1, 1, 2, 3, 10))
    if kind == "typo":
        f = rng.choice(nonzero)
        c[f] = max(0, c[f] + delta) if c[f] + delta != c[f] else c[f] + 1
    elif kind == "total_cell":
        f = rng.choice([f for f in t3 if f.endswith(".total")])
        c[f] = max(0, c[f] + delta)
    elif kind == "t4_total":
        g = rng.choice(("review", "suit_direct", "suit_after_review"))
        c[f"t4.{g}.total"] = max(0, c[f"t4.{g}.total"] + delta)
    elif kind == "carried_forward":
        col = rng.choice(APPLICANT_COLUMNS + ("total",))
        c[f"t3.carried_forward.{col}"] = max(0, c[f"t3.carried_forward.{col}"] + abs(delta))
    elif kind == "row_left_out":
        rows = sorted({f.split(".", 1)[1].rsplit(".", 1)[0] for f in nonzero if c[f]})
        results = [r for r in rows if r not in ("new_received", "carried_over", "carried_forward", "total")]
        row = rng.choice(results) if results else "granted"
        for col in APPLICANT_COLUMNS + ("total",):
            c[f"t3.{row}.{col}"] = 0 if results else c[f"t3.{row}.{col}"] + 1
    # "totals_only" changes no number: the applicant columns are printed blank (see print_cells)
    return c


# --------------------------------------------------------------------------- #
# 4. printing
# --------------------------------------------------------------------------- #
def draw_style(rng: random.Random, config: SynthConfig, level: str) -> dict[str, str]:
    small = level in ("township", "street")
    return {
        "t2_zero": rng.choices(["0", "", "/", "—", "无"], [0.82, 0.06, *([config.mark_share / 3] * 3)])[0],
        "t2_na": rng.choices(["", "/", "—"], [0.7, 0.15, 0.15])[0] if small else "",  # 规章 row of small agencies
        "t3_mode": rng.choices(["all", "zero_blank", "total_only", "legal_blank"], [0.72, 0.08, 0.1, 0.1])[0],
        "t3_zero": rng.choices(["0", "—", "/"], [0.94, 0.04, 0.02])[0],
        "t4_zero": rng.choices(["0", ""], [0.92, 0.08])[0],
        "thousands": "," if rng.random() < config.thousands_sep_share else "",
        "minus": rng.choices(["-", "－"], [0.85, 0.15])[0],
        "plus": "+" if rng.random() < 0.1 else "",
        "unit": rng.choices(["万元", "元", "万", ""], [0.5, 0.15, 0.1, 0.25])[0],
        "unit_space": " " if rng.random() < 0.25 else "",
        "decimals": str(rng.choice([0, 1, 2, 2, 2, 2, 3, 4, 6])),
        "zero_amount": rng.choices(["0", "0万元", "", "/", "无", "0.00"], [0.5, 0.15, 0.12, 0.08, 0.08, 0.07])[0],
    }


REMARKS = ("（其中修订{k}件）", "（其中新制定{k}件）", "（含修订{k}件）", "(其中废止{k}件)")


def _count_text(v: int, field_id: str, style: dict[str, str]) -> str:
    digits = f"{abs(v):,}" if (style["thousands"] and abs(v) >= 1000) else str(abs(v))
    if v < 0:
        return style["minus"] + digits
    if v > 0 and field_id in SIGNED_FIELDS and style["plus"]:
        return "+" + digits
    return digits


def _amount_text(amount: float, field_id: str, style: dict[str, str]) -> str:
    if amount == 0:
        zero = style["zero_amount"]
        return "0" if (field_id == "t2.fees.amount" and zero == "0万元") else zero
    decimals = int(style["decimals"])
    if field_id == "t2.fees.amount":  # the 2021 header carries the unit (万元)
        return f"{amount:.{decimals}f}" + ("万元" if style["unit"] == "万元" and decimals < 3 else "")
    unit = style["unit"]
    if unit == "元":
        return f"{amount * 10000:.{min(decimals, 2)}f}{style['unit_space']}元"
    return f"{amount:.{decimals}f}" + (style["unit_space"] + unit if unit else "")


def _zero_text(field_id: str, style: dict[str, str], blank_cols: set[str]) -> str:
    table, row, col = field_id.split(".")[0], field_id.split(".", 1)[1].rsplit(".", 1)[0], field_id.rsplit(".", 1)[1]
    if table == "t2":
        return style["t2_na"] if (row == "regulations" and style["t2_na"]) else style["t2_zero"]
    if table == "t4":
        return style["t4_zero"]
    if col in blank_cols:
        return ""
    return "" if style["t3_mode"] == "zero_blank" else style["t3_zero"]


def _gold_of(text: str, field_id: str) -> Value:
    flat = "".join(text.split())
    if not flat:
        return None
    if field_id in AMOUNT_FIELDS:
        return flat
    stripped = flat.replace(",", "").replace("－", "-").lstrip("+")
    return int(stripped) if stripped.lstrip("-").isdigit() else flat


def print_cells(rng: random.Random, counts: dict[str, int | float], template: str, style: dict[str, str],
                config: SynthConfig = DEFAULT, totals_only: bool = False) -> dict[str, Printed]:
    """How each cell is printed, and its gold value."""
    blank_cols: set[str] = set()
    if style["t3_mode"] == "total_only" or totals_only:
        blank_cols = set(APPLICANT_COLUMNS)
    elif style["t3_mode"] == "legal_blank":
        blank_cols = set(APPLICANT_COLUMNS) - {"natural_person"}
    out: dict[str, Printed] = {}
    for f in get_template(template).fields:
        v = counts[f]
        col = f.rsplit(".", 1)[1]
        if f in AMOUNT_FIELDS:
            text = _amount_text(float(v), f, style)
        elif totals_only and f.startswith("t3.") and col in blank_cols:
            text = ""
        elif v == 0:
            text = _zero_text(f, style, blank_cols)
        else:
            text = _count_text(int(v), f, style)
        out[f] = Printed(text, _gold_of(text, f))
    if rng.random() < config.remark_share:
        candidates = [f for f in out if f.startswith(("t2.regulations.", "t2.normative."))
                      and isinstance(out[f].gold, int) and out[f].gold >= 2]
        if candidates:
            f = rng.choice(candidates)
            k = rng.randint(1, out[f].gold - 1)
            out[f] = Printed(out[f].value, out[f].gold, rng.choice(REMARKS).format(k=k))
    return out


def draw_values(rng: random.Random, config: SynthConfig = DEFAULT, template: str | None = None) -> Values:
    """Everything table-side of one report. Consistent reports pass R1–R4; the others fail at least one."""
    template, year, level = draw_setting(rng, config, template)
    counts = draw_counts(rng, template, level)
    style = draw_style(rng, config, level)
    inconsistent = rng.random() < config.inconsistent_share
    if not inconsistent:
        cells = print_cells(rng, counts, template, style, config)
        record = Record(template=template, cells={f: p.gold for f, p in cells.items()})
        assert not check_record(record), f"generator bug: consistent report fails {check_record(record)[0].message}"
        return Values(template, year, level, cells, False, "", style)
    kinds = list(FLAWS)
    for _ in range(20):
        kind = rng.choice(kinds)
        cells = print_cells(rng, perturb(rng, counts, template, kind), template, style, config,
                            totals_only=kind == "totals_only")
        if check_record(Record(template=template, cells={f: p.gold for f, p in cells.items()})):
            return Values(template, year, level, cells, True, kind, style)
    # nothing breaks (e.g. an all-zero report and unlucky draws): force a wrong total
    counts = dict(counts)
    counts["t3.total.total"] = counts["t3.total.total"] + 1
    cells = print_cells(rng, counts, template, style, config)
    return Values(template, year, level, cells, True, "total_cell", style)
