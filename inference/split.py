"""Run-together rows: other ways to cut a row's digits, for the arithmetic to choose among.

Crawler text runs a row's cells together (``本年新收1549133 373545321831`` is
1549, 133, 37, 35, 45, 32, 1831).  Where one value ends and the next starts is
then the model's only evidence, and a small model hesitates on every digit
(``p(a value starts here)`` 0.2–0.5 throughout), so its argmax cuts the digits
wrong and the character-by-character alternatives of ``arbitrate`` (three labels
per character, a few readings per site) never contain the whole right cut.

This stage offers whole-row readings instead.  For a row of table 三 — or table 四,
printed as one row of fifteen values in most layouts, or table 二 (no sums: only the
form decides, a count with a leading zero or a digit left unread) — whose value spans (after
alignment) sit together on digits, marks and blanks only, with a digit run the model is
unsure how to cut:

* a zero printed as a mark (``/``, ``—``, ``无``) between the digits is a cell of its own, never
  cut, worth 0 in a sum (``350/////350``; measured on cached probabilities of the 2 × 128 model:
  test reports 0-499 463 -> 449 wrong cells, 500-999 421 -> 379, none lost); not in table 四,
  whose group readings take blanks printed as nothing;
* the row's stretch is widened over the unread digits right before and after it
  (the alignment drops a digit it cannot put in cell order: the ``0`` of ``20``
  read as a value of its own);
* the cut points are the positions where the model gives "a value starts here"
  between ``split_min`` and ``1 - split_min`` of the start/continue mass, and
  every digit after a value's leading ``0`` (counts are printed without leading
  zeros: ``00`` is two cells run together); a blank or a confident start always
  cuts; other positions never do;
* for every number of values the row can hold, the most probable cuts and the
  most probable cuts whose values satisfy the row's sums (R3; R4 in table 四) are
  kept; a cut's values take the row's cells in order (`assign_columns`, by the
  model's cell probabilities);
* a row whose sum breaks (table 三) also gets one more cut anywhere inside a number, where
  the sum then holds: two cells printed as one (``1013208`` for 1013 and 208);
* table 四 also gets every reading whose three group sums hold, blank cells printed as
  nothing (`group_readings`: crawler text prints ``916 7 23`` for review 9, 1, 6, 7, 23
  and two blank groups), each cut the model doubts costing its log-probability (the ``keep``
  most probable of them);
* its log-probability is that of its cut decisions under the model,
  ``Σ log q (cut) + Σ log (1 − q) (no cut)``, plus that of reading each digit of
  the stretch (or not: `read_logp`), plus a weighted log-probability of its cells.

``rows.split_rows`` then decides each row on its own sums (soft: each sum that
holds is evidence worth ``split_match_gain``, weighed against the model's doubt)
and records the decision.  Nothing here knows a layout or a report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from math import comb, log

import numpy as np

from ..data.labels import label2id
from ..data.rules import Check, checks_for
from ..data.schema import AMOUNT_FIELDS, get_template
from .align import SIGNS, _value_label_ids, separator_step
from .decode import LIST_NUMERAL, MARK_CHARS, fold_width, label_names, spans_of, value_columns, write_cell


@dataclass(frozen=True)
class RowCut:
    """One way to cut a row: its labels over ``[a, b)`` and their log-probability."""

    logp: float
    labels: tuple[int, ...]


@cache
def _rows(template: str) -> dict[str, tuple[str, ...]]:
    """field -> the fields of its table-二 or table-三 row (or of table 四), in column order.
    Table 二 has no sums: its rows are re-cut only where the model's cut reads a count with a
    leading zero or leaves a digit unread."""
    out: dict[str, tuple[str, ...]] = {}
    for table in ("t2", "t3"):
        for block in get_template(template).table(table).blocks:
            for row in block.rows:
                fields = tuple(f"{table}.{row.key}.{col.key}" for col in block.columns)
                for f in fields if len(fields) > 1 else ():
                    out[f] = fields
    t4 = tuple(get_template(template).table("t4").fields)  # printed as one row of 15 in most layouts
    for f in t4:
        out[f] = t4
    return out


@cache
def row_checks(template: str, row: tuple[str, ...]) -> tuple[Check, ...]:
    """The sums (R3, R4) within one row: a table-三 row's total; table 四's three group totals."""
    return tuple(c for c in checks_for(template) if c.rule in ("R3", "R4") and set(c.fields) <= set(row))


def _sums(template: str, row: tuple[str, ...]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """``row_checks`` as (total's cell, its parts' cells), indices into ``row``."""
    return tuple((row.index(c.lhs[0]), tuple(row.index(f) for f in c.rhs)) for c in row_checks(template, row))


def _is_digit(ch: str) -> bool:
    return fold_width(ch).isdigit()


def signed_row(row: tuple[str, ...]) -> bool:
    """A row with a 本年增/减 cell (table 二), whose count may be printed with a sign."""
    return any(f.rsplit(".", 1)[-1] == "change" for f in row)


def _is_sign(text: str, i: int) -> bool:
    return text[i] in SIGNS and i + 1 < len(text) and _is_digit(text[i + 1])


def signs(text: str, a: int, b: int) -> np.ndarray:
    """Which characters of ``[a, b)`` are the sign of a number (``-`` or ``+`` right before a digit):
    ``行政处罚0-12309`` is 0, −1 and 2309 — the sign starts a value and the digit after it is that
    value's."""
    return np.array([_is_sign(text, i) for i in range(a, b)], dtype=bool)


def row_regions(text: str, ids: np.ndarray, template: str, seen: np.ndarray | None = None
                ) -> list[tuple[int, int, tuple[str, ...], list[str]]]:
    """``(a, b, row fields, fields read)`` for each table-三 row (and table 四) whose value spans
    are adjacent in the text, on digits, marks and blanks only (no marks in table 四), widened over
    unread digits and marks at its ends (``seen``: see `unread_ends`)."""
    rows = _rows(template)
    spans = [s for s in spans_of(ids) if s.kind == "V"]
    out = []
    k = 0
    while k < len(spans):
        f = spans[k].tag[2:]
        row = rows.get(f)
        j = k + 1
        while row is not None and j < len(spans) and rows.get(spans[j].tag[2:]) == row:
            j += 1
        if row is not None:
            signed, amount = signed_row(row), amount_row(row)
            a, b = unread_ends(text, ids, spans[k].start, spans[j - 1].end, seen, signed)
            between = text[a:b]
            marks = any(c in MARK_CHARS for c in between) or group_commas(text, a, b).any()
            # no other value between: spans are consecutive; marks (and thousands commas) only where
            # no group sums read blanks
            printed = printed_chars(text, a, b, signed, amount)
            if (printed | np.array([c.isspace() for c in between], dtype=bool)).all() \
                    and not (marks and sum_groups(_sums(template, row), len(row))):
                out.append((a, b, row, [s.tag[2:] for s in spans[k:j]]))
        k = j
    return out


def numeral_end(text: str, a: int, b: int) -> int:
    """Where the row's values end when its last digit numbers the next row's label (``…0012 、申请人``:
    the 2 is the label's, ``2、``): ``b - 1`` then, else ``b``."""
    if b - a > 1 and _is_digit(text[b - 1]) and _is_digit(text[b - 2]) and LIST_NUMERAL.match(text, b):
        return b - 1
    return b


def unread_ends(text: str, ids: np.ndarray, a: int, b: int, seen: np.ndarray | None = None,
                signed: bool = False) -> tuple[int, int]:
    """``[a, b)`` widened over the unread digits (and blanks) right before and after it: the
    alignment drops a digit it cannot put in the row's cell order (the ``2`` of ``12`` read as
    two values, a second total), but the row's numbers are all the digits between its label and
    the next one.  ``seen`` (bool per character): what the model was shown — not over a page
    number or a running head the model view left out (``…241\n\n9\n2020年…报告``)."""
    o = label2id()["O"]
    free = lambda i: ids[i] == o and (seen is None or seen[i]) and (  # noqa: E731
        _is_digit(text[i]) or text[i] in MARK_CHARS or text[i].isspace()
        or (signed and _is_sign(text, i)))
    while a > 0 and free(a - 1):
        a -= 1
    while b < len(text) and free(b):
        b += 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def cut_points(text: str, probs: np.ndarray, a: int, b: int, min_q: float, max_cuts: int,
               signed: bool = False, amount: bool = False) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    """(q, digit, fixed, inner) over ``text[a:b]``: the model's share of "a value starts here" in
    the start/continue mass; which characters are digits; where a value surely starts (a digit
    after a blank, or ``q >= 1 - min_q``: a confident cut is never undone); and the unsure inner
    cut points (``min_q <= q < 1 - min_q``, at most ``max_cuts``, the most probable, in text order).
    A digit after a value's leading ``0`` is at least ``min_q``: ``00`` is two counts run together.
    ``signed`` (a row with a 本年增/减 cell): a sign before a digit starts a value, the digit after it
    never does (`signs`).  ``amount`` (a row with an amount cell): its decimal point, the digits after it
    and its unit go on the number (`amount_chars`)."""
    bcols, icols, _ = _value_label_ids()
    start = probs[a:b, bcols].sum(axis=1)
    q = start / np.maximum(start + probs[a:b, icols].sum(axis=1), 1e-12)
    digit = np.array([_is_digit(c) for c in text[a:b]], dtype=bool)
    comma = group_commas(text, a, b)
    sign = signs(text, a, b) if signed else np.zeros(b - a, dtype=bool)
    glue = amount_chars(text, a, b) if amount else np.zeros(b - a, dtype=bool)
    mark = printed_chars(text, a, b, signed) & ~digit & ~comma  # a mark (a sign) is a cell of its own: a start
    after_digit = np.r_[False, (digit | comma | sign | glue)[:-1]]
    zero = np.array([fold_width(c) == "0" for c in text[a:b]], dtype=bool)
    after_zero_start = np.r_[False, (zero & ~after_digit)[:-1]]  # counts have no leading zeros
    q = np.where(digit & after_digit & after_zero_start, np.maximum(q, min_q), q)
    for c in np.flatnonzero(comma):  # ``1,234``: the three digits after a thousands comma are the
        q[c + 1:c + 4] = 0.0  # value's own, and a digit right after them starts the next one
        if c + 4 < len(q) and digit[c + 4]:
            q[c + 4] = 1.0
    q[np.flatnonzero(sign) + 1] = 0.0  # the digits after a sign are its number's
    for p in np.flatnonzero(glue):  # an amount's decimal point, its decimals and unit are its own
        q[p] = 0.0
        k = p + 1
        while text[a + p] in ".．" and k < len(q) and digit[k]:
            q[k] = 0.0
            k += 1
    fixed = [int(i) for i in np.flatnonzero((digit & (~after_digit | (q >= 1 - min_q))) | mark)]
    inner = [int(i) for i in np.flatnonzero(digit & after_digit & (q >= min_q) & (q < 1 - min_q))]
    return q, digit, fixed, sorted(sorted(inner, key=lambda i: -q[i])[:max_cuts])


def printed_chars(text: str, a: int, b: int, signed: bool = False, amount: bool = False) -> np.ndarray:
    """The characters of ``[a, b)`` a cell holds: digits, marks and thousands commas (and the signs of
    numbers where ``signed``; an amount's decimal point and unit where ``amount``)."""
    out = np.array([_is_digit(c) or c in MARK_CHARS for c in text[a:b]], dtype=bool) | group_commas(text, a, b)
    out = out | signs(text, a, b) if signed else out
    return out | amount_chars(text, a, b) if amount else out


def amount_row(row: tuple[str, ...]) -> bool:
    """A row with an amount cell (2019's 政府集中采购: 采购项目数量, 采购总金额), printed with decimals
    and a unit (``32605.65万元`` run together is 32 projects and 605.65万元, or 3 and 2605.65万元)."""
    return any(f in AMOUNT_FIELDS for f in row)


def amount_chars(text: str, a: int, b: int) -> np.ndarray:
    """Which characters of ``[a, b)`` go on an amount: a decimal point between digits, and its unit
    (``万元``, ``万``, ``元``) right after a digit.  Never where a value starts: they end its number."""
    out = np.zeros(b - a, dtype=bool)
    for i in range(a, b):
        ch, j = text[i], i - 1
        if ch in ".．":
            out[i - a] = j >= a and _is_digit(text[j]) and i + 1 < len(text) and _is_digit(text[i + 1])
        elif ch in "万元":
            j -= ch == "元" and j >= a and text[j] == "万"
            out[i - a] = j >= a and _is_digit(text[j])
    return out


def group_commas(text: str, a: int, b: int) -> np.ndarray:
    """Which characters of ``[a, b)`` are thousands commas: a comma after a digit and before three.
    Crawler text runs the next value on (``1,23495`` is 1,234 and 95), so the model view, which
    hides only a comma whose three digits end the number, shows these; a cut then keeps the three
    digits with the comma, starts the next value after them, and starts this one one to three
    digits before the comma, not on a ``0`` (`commas_fit`)."""
    out = np.zeros(b - a, dtype=bool)
    for i in range(max(a, 1), b):
        if text[i] in ",，" and _is_digit(text[i - 1]) and i + 3 < len(text) \
                and all(_is_digit(text[i + k]) for k in (1, 2, 3)):
            out[i - a] = True
    return out


def commas_fit(starts: list[int], comma: np.ndarray, digits: str) -> bool:
    """The values cut at ``starts`` (sorted) group by thousands where ``comma`` says: the value holding
    each comma starts one to three digits before it, not on a ``0``, and holds the three after it."""
    for c in np.flatnonzero(comma):
        s = max((s for s in starts if s < c), default=None)
        if s is None or c - s > 3 or digits[s] == "0" or any(c < s <= c + 3 for s in starts):
            return False
    return True


_LAYOUT_GAP = re.compile(r"[\t\n\r]|\s{3}")  # a tab, a line break, a padded column: a printed gap


def run_on(text: str, a: int, b: int, values: int) -> bool:
    """Values of a row that run on (two or more, nothing between them but a space or two — crawler
    text pads a few at random —, no tab, line break or padded gap in ``[a, b)``): there a blank cell
    leaves no trace.  Measured against no white space at all, cached probabilities of the shipped
    model, test reports 0-499 / 500-999: 364 / 258 -> 360 / 256 wrong cells, no report worse; any
    white space but tabs and line breaks read a space-aligned row worse."""
    return values > 1 and not _LAYOUT_GAP.search(text, a, b)


def runs_on_label(text: str, a: int, b: int, values: int) -> bool:
    """`run_on`, or one value right after its row's label with nothing between but a space or two
    (``政府集中采购10921.18万元``: crawler text — a cell left blank before it would leave no trace)."""
    if values != 1:
        return run_on(text, a, b, values)
    i = a
    while i > 0 and a - i < 2 and text[i - 1] == " ":
        i -= 1
    return i > 0 and not text[i - 1].isspace() and text[i - 1] not in "|｜"


def read_logp(probs: np.ndarray, a: int, b: int, printed: np.ndarray, read: np.ndarray) -> float:
    """The model's log-probability that the digits and marks of ``[a, b)`` (``printed``) are read
    (part of a value, ``read``) or not: a cut reads every one, a first reading may have left one
    out of the row's cells."""
    _, _, vmask = _value_label_ids()
    pv = np.clip(probs[a:b][:, vmask].sum(axis=1, dtype=np.float64), 1e-12, 1 - 1e-12)
    return float(np.where(read, np.log(pv), np.log1p(-pv))[printed].sum())


def row_cuts(text: str, probs: np.ndarray, a: int, b: int, row: tuple[str, ...], template: str,
             min_q: float, max_cuts: int, keep: int, column_weight: float) -> list[RowCut]:
    """Ways to cut ``text[a:b]`` into values of the row's cells, best first.  Per number of
    values: the ``keep`` most probable cuts, and the ``keep`` most probable whose values satisfy
    the row's sums (`_adds_up`) — the sums still have to win them.  Each cut's
    values take the row's cells in order by `assign_columns`; its log-probability is that of its
    cut decisions plus that of its cells.  Table 四 adds every reading whose group sums hold
    (`group_readings`).  Empty when the row has nothing to choose."""
    signed, amount = signed_row(row), amount_row(row)
    q, digit, fixed, inner = cut_points(text, probs, a, b, min_q, max_cuts, signed, amount)
    comma = group_commas(text, a, b)
    digits = "".join(fold_width(c) if d else "," if k else " "  # a mark sums as 0
                     for c, d, k in zip(text[a:b], digit, comma))
    printed = printed_chars(text, a, b, signed, amount)
    fits = lambda starts: commas_fit(starts, comma, digits)  # noqa: E731
    sums = _sums(template, row)
    groups = sum_groups(sums, len(row))
    # a row whose total is its last cell (table 三): one more cut anywhere inside a number — two
    # cells printed as one (``1013208`` for 1013 and 208) where the model sees no cut at all
    merged = [] if groups or len(sums) != 1 else [
        i for i in range(1, len(digits)) if digit[i] and digit[i - 1] and i not in inner and i not in fixed
        and fits(sorted([*fixed, i])) and _adds_up(digits, sorted([*fixed, i]), sums, len(row))]
    if not inner and not groups and not merged and (sums or len(fixed) >= len(row)):
        return []  # nothing to choose: a row without sums may still place its values (`every_placement`)
    no_cut = sum(log(max(1.0 - q[i], 1e-12)) for i in inner) + read_logp(probs, a, b, printed, printed)
    gain = {i: log(max(q[i], 1e-12)) - log(max(1.0 - q[i], 1e-12)) for i in inner}
    colp = row_column_probs(probs, a, b, row)
    steps = lambda parts: cell_steps(text, [(a + s, a + e) for s, e in parts])  # noqa: E731
    out: dict[tuple[int, ...], float] = {}
    if groups:  # table 四: every reading whose three group sums hold, wherever the model puts its cuts
        # a cut the model doubts less than `min_q` costs its log-probability; inner cuts as above
        cut_cost = {i: log(max(q[i], 1e-12)) for i in range(len(digits)) if i not in inner}
        scored_groups = []
        for cells in group_readings(digits, set(fixed), groups):
            starts = [s for s, _, _ in cells]
            logp = no_cut + sum(gain[i] if i in gain else cut_cost[i] for i in starts if i not in fixed)
            col_logp = sum(log(max(float(colp[s:e, c].mean()), 1e-12)) for s, e, c in cells)
            scored_groups.append((logp + column_weight * col_logp, cells))
        for score, cells in sorted(scored_groups, key=lambda r: -r[0])[:keep]:  # the most probable
            _offer(out, b - a, row, cells, score)
    for i in merged:  # the cut costs the model's doubt about it
        parts = _parts(sorted([*fixed, i]), printed)
        cols, col_logp = assign_columns(colp, parts, total_last=True, steps=steps(parts))
        if cols:
            _offer(out, b - a, row, [(s, e, c) for (s, e), c in zip(parts, cols)],
                   no_cut + log(max(q[i], 1e-12)) + column_weight * col_logp)
    for n in range(len(fixed), len(row) + 1):
        extra = n - len(fixed)
        if extra > len(inner) or comb(len(inner), extra) > MAX_COMBINATIONS:
            continue
        scored = sorted(((no_cut + sum(gain[i] for i in cut), cut) for cut in combinations(inner, extra)
                         if not comma.any() or fits(sorted([*fixed, *cut]))), key=lambda r: -r[0])
        summing = [r for r in scored if n > 1 and _adds_up(digits, sorted([*fixed, *r[1]]), sums, len(row))][:keep]
        for logp, cut in scored[:keep] + summing:
            parts = _parts(sorted([*fixed, *cut]), printed)
            if not parts:  # nothing printed to read
                continue
            cols, col_logp = assign_columns(colp, parts, total_last=(logp, cut) in summing, steps=steps(parts))
            _offer(out, b - a, row, [(s, e, c) for (s, e), c in zip(parts, cols)], logp + column_weight * col_logp)
            if not sums and len(parts) < len(row) and not any(steps(parts)):
                for cols, col_logp in every_placement(colp, parts):  # a row without sums (table 二): blanks
                    _offer(out, b - a, row, [(s, e, c) for (s, e), c in zip(parts, cols)],  # anywhere
                           logp + column_weight * col_logp)
    return [RowCut(lp, labs) for labs, lp in sorted(out.items(), key=lambda r: -r[1])]


def _offer(out: dict[tuple[int, ...], float], size: int, row: tuple[str, ...], cells: list[tuple[int, int, int]],
           logp: float) -> None:
    """Keep a reading — ``(start, end, cell)`` per value — as its labels, with the best log-probability
    any way of reaching those labels had."""
    labels = np.full(size, label2id()["O"])
    for s, e, c in cells:
        write_cell(labels, s, e, row[c])
    key = tuple(int(x) for x in labels)
    out[key] = max(out.get(key, -np.inf), logp)


def _parts(starts: list[int], printed: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each value cut at ``starts`` (trailing blanks left out; ``printed``: the
    characters a value holds, digits and marks)."""
    out = []
    for n, s in enumerate(starts):
        e = starts[n + 1] if n + 1 < len(starts) else len(printed)
        while e > s and not printed[e - 1]:
            e -= 1
        out.append((s, e))
    return out


def row_column_probs(probs: np.ndarray, a: int, b: int, row: tuple[str, ...]) -> np.ndarray:
    """Per character of ``[a, b)``, the model's probability of each of the row's cells
    (B- + I- mass, normalised over the row's cells)."""
    bcols, icols = value_columns(row)
    mass = probs[a:b, bcols] + probs[a:b, icols]
    return mass / np.maximum(mass.sum(axis=1, keepdims=True), 1e-12)


def cell_steps(text: str, parts: list[tuple[int, int]]) -> list[int | None]:
    """How many cells on each value of ``parts`` (offsets into ``text``) is from the one before,
    where tabs say it (``65\t\t3``: 2 — a blank cell between; `align.separator_step`); None where
    nothing does (spaces, a line break, digits run together: blank cells leave no trace there)."""
    out: list[int | None] = []
    for (_, e), (s, _) in zip(parts, parts[1:]):
        between = text[e:s]
        out.append(separator_step(between) or None if "\t" in between else None)
    return out


def assign_columns(colp: np.ndarray, parts: list[tuple[int, int]], total_last: bool = False,
                   steps: list[int | None] | None = None) -> tuple[list[int], float]:
    """The row's cells for ``parts`` in strictly increasing order maximising Σ log p(cell) (the mean
    over each part's characters); ``total_last`` gives the last part the last cell (the total);
    ``steps`` (`cell_steps`) fixes how many cells a part is from the one before where the row's
    separators say so — unless no reading fits them all (a row wider than the table: then as if
    none were given)."""
    m = colp.shape[1]
    score = np.log(np.maximum(np.stack([colp[s:e].mean(axis=0) for s, e in parts]), 1e-12))
    n = len(parts)
    if n > m:
        return [], -np.inf
    if total_last:
        score[-1, :-1] = -np.inf
    best = np.full((n, m), -np.inf)
    back = np.zeros((n, m), dtype=np.int64)
    best[0] = score[0]
    for j in range(1, n):
        k = steps[j - 1] if steps else None
        if k is not None:  # exactly k cells after the previous part's
            if k < m:
                best[j, k:] = best[j - 1, :m - k] + score[j, k:]
                back[j, k:] = np.arange(m - k)
            continue
        running = np.maximum.accumulate(best[j - 1])  # running[c]: the best over cells <= c
        fresh = np.r_[True, running[1:] > running[:-1]]
        where = np.maximum.accumulate(np.where(fresh, np.arange(m), 0))  # ... and its cell
        best[j, 1:] = running[:-1] + score[j, 1:]
        back[j, 1:] = where[:-1]
    if steps and not np.isfinite(best[-1]).any():
        return assign_columns(colp, parts, total_last)
    c = int(np.argmax(best[-1]))
    total = float(best[-1, c])
    cols = [c]
    for j in range(n - 1, 0, -1):
        c = int(back[j, c])
        cols.append(c)
    return cols[::-1], total


def every_placement(colp: np.ndarray, parts: list[tuple[int, int]]) -> list[tuple[tuple[int, ...], float]]:
    """Every way to give ``parts`` the row's cells in order, with Σ log p(cell) as `assign_columns`
    scores it: where nothing printed marks a blank cell, the model's column is a guess, and a
    row without sums (table 二) has nothing else to tell ``1698`` as 1 | 698 in its second and
    third cells from its first and third (the value prior weighs them: `rows.split_rows`).  Cached
    probabilities, eight test sets of seeds 1-6: 1,428 -> 1,424 wrong non-zero cells (four reports
    2 cells worse, six better)."""
    score = np.log(np.maximum(np.stack([colp[s:e].mean(axis=0) for s, e in parts]), 1e-12))
    return [(cols, float(sum(score[k, c] for k, c in enumerate(cols))))
            for cols in combinations(range(colp.shape[1]), len(parts))]


def first_logp(text: str, probs: np.ndarray, a: int, b: int, ids: np.ndarray, row: tuple[str, ...],
               min_q: float, max_cuts: int, column_weight: float) -> float:
    """The log-probability of the reading ``ids`` on ``[a, b)`` as `row_cuts` scores a cut."""
    signed, amount = signed_row(row), amount_row(row)
    q, digit, _, inner = cut_points(text, probs, a, b, min_q, max_cuts, signed, amount)
    names = label_names()
    logp = sum(log(max(q[i] if names[int(ids[a + i])].startswith("B-") else 1.0 - q[i], 1e-12)) for i in inner)
    logp += read_logp(probs, a, b, printed_chars(text, a, b, signed, amount), _value_label_ids()[2][ids[a:b]])
    colp = row_column_probs(probs, a, b, row)
    for span in spans_of(ids[a:b]):
        if span.kind == "V" and span.tag[2:] in row:
            logp += column_weight * log(max(float(colp[span.start:span.end, row.index(span.tag[2:])].mean()), 1e-12))
    return logp


MAX_COUNT_DIGITS = 4  # a table-四 count: an agency's cases in a year
MAX_SUM_READINGS = 5000  # readings of one table-四 row tried: an all-zero row with blanks has a few hundred


def sum_groups(sums: tuple[tuple[int, tuple[int, ...]], ...], cells: int) -> tuple[tuple[int, ...], ...]:
    """The row's cells as consecutive groups each ending in its total (table 四: three groups of
    four results and a total); empty unless the sums tile the row so, with more than one group."""
    groups = tuple(sorted((*parts, total) for total, parts in sums))
    tiled = [c for g in groups for c in g] == list(range(cells))
    ordered = all(list(g) == list(range(g[0], g[0] + len(g))) for g in groups)
    return groups if len(groups) > 1 and tiled and ordered else ()


def group_readings(digits: str, fixed: set[int], groups: tuple[tuple[int, ...], ...],
                   limit: int = MAX_SUM_READINGS) -> list[list[tuple[int, int, int]]]:
    """Every reading of ``digits`` (the stretch, a blank for each non-digit) as counts of the row's
    cells in order, blanks printed as nothing, in which every group's total is the sum of its
    other cells (a blank total only where they sum to 0): lists of ``(start, end, cell)``.
    A count is 1–`MAX_COUNT_DIGITS` digits without a leading zero, never across a blank or a
    ``fixed`` cut; at most ``limit`` readings (the search stops there)."""
    n = len(digits)
    out: list[list[tuple[int, int, int]]] = []
    cells = [c for g in groups for c in g]
    is_total = {g[-1] for g in groups}
    # digits from i on: more than the cells left can hold ends a reading (a space-aligned line is
    # mostly blanks — its length says nothing)
    left = np.cumsum([c != " " for c in digits[::-1]])[::-1].tolist() + [0]

    def skip(i: int) -> int:
        while i < n and digits[i] == " ":
            i += 1
        return i

    def tokens(i: int):
        for j in range(i + 1, min(n, i + MAX_COUNT_DIGITS) + 1):
            if digits[j - 1] == " " or (j - 1 > i and j - 1 in fixed) or (j - i > 1 and digits[i] == "0"):
                break
            yield j

    def walk(k: int, i: int, total: int, read: list[tuple[int, int, int]]) -> None:
        if len(out) >= limit:
            return
        if k == len(cells):
            if skip(i) == n:
                out.append(list(read))
            return
        c, i = cells[k], skip(i)
        if left[i] > MAX_COUNT_DIGITS * (len(cells) - k):
            return
        if c in is_total:
            if total == 0:
                walk(k + 1, i, 0, read)  # a blank total of blank or zero results
            want = str(total)
            j = i + len(want)
            if digits[i:j] == want and all(p not in fixed for p in range(i + 1, j)):
                walk(k + 1, j, 0, [*read, (i, j, c)])
            return
        walk(k + 1, i, total, read)  # blank
        for j in tokens(i) if i < n else ():
            walk(k + 1, j, total + int(digits[i:j]), [*read, (i, j, c)])

    walk(0, 0, 0, [])
    return out


MAX_VALUE_DIGITS = 6  # a table-三 count: an agency's applications in a year


def column_reading(digits: str, printed: np.ndarray, fixed: set[int], q: np.ndarray,
                   expected: list[list[int]]) -> list[tuple[int, int, int]]:
    """The cut of a run-together row whose values meet the most column sums: ``expected[c]``, the
    value cell ``c`` needs for each column sum through it (the other rows as read).  For a row no
    cut makes add up (a misprint, a digit OCR dropped): its other cells still read as the table's
    columns say.  Blanks leave no trace (cells may be skipped); a count is 1–`MAX_VALUE_DIGITS`
    digits without a leading zero, never across a ``fixed`` cut; a mark is a cell of its own worth
    0.  Ties go to the cut the model finds most probable (``q``: its share of "a value starts
    here").  ``(start, end, cell)`` per value; empty when the digits cannot fill the row."""
    n, m = len(digits), len(expected)
    log_q, log_not = np.log(np.clip(q, 1e-12, 1.0)), np.log(np.clip(1.0 - q, 1e-12, 1.0))

    def ends(i: int):
        if digits[i] == " ":  # a mark
            yield i + 1
            return
        for j in range(i + 1, min(n, i + MAX_VALUE_DIGITS) + 1):
            if j - 1 > i and (digits[j - 1] == " " or j - 1 in fixed or digits[i] == "0"):
                return
            yield j

    @cache
    def best(i: int, k: int) -> tuple[int, float, tuple[tuple[int, int, int], ...]] | None:
        while i < n and not printed[i]:
            i += 1
        if i == n:
            return 0, 0.0, ()
        out = None
        for j in ends(i):
            value = int(digits[i:j]) if digits[i] != " " else 0
            logp = (0.0 if i in fixed else float(log_q[i])) + float(log_not[i + 1:j].sum())
            for c in range(k, m):
                rest = best(j, c + 1)
                if rest is not None:
                    here = (rest[0] + expected[c].count(value), rest[1] + logp, ((i, j, c), *rest[2]))
                    if out is None or here[:2] > out[:2]:
                        out = here
        return out

    found = best(0, 0)
    return list(found[2]) if found else []


def _adds_up(digits: str, starts: list[int], sums: tuple[tuple[int, tuple[int, ...]], ...], cells: int) -> bool:
    """The values cut at ``starts`` satisfy the row's sums: a single total in the last cell (table
    三) takes the last value whatever the blanks before it; several (table 四) need every cell read; none
    (table 二), every cell read (an amount's decimals are not parsed here)."""
    if not sums:
        return len(starts) == cells
    values = [int(digits[s:e].strip().replace(",", "") or 0) for s, e in zip(starts, [*starts[1:], len(digits)])]
    if len(sums) == 1 and sums[0][0] == cells - 1:
        return sum(values[:-1]) == values[-1]
    return len(values) == cells and all(values[t] == sum(values[p] for p in parts) for t, parts in sums)


MAX_COMBINATIONS = 13000  # cut sets tried per row and value count: C(16, 8) = 12870, every count of `split_max_cuts`


__all__ = ["RowCut", "assign_columns", "column_reading", "commas_fit", "cut_points", "first_logp", "group_commas",
           "group_readings", "numeral_end", "printed_chars", "row_checks", "row_column_probs", "row_cuts",
           "row_regions", "run_on", "sum_groups"]
