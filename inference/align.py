"""Template-order alignment: read the value spans in the order the template prints its cells.

A report prints each table's cells in the template's order — table 二 block by
block, table 三 row by row and seven columns each, table 四 group by group and
five columns each — with blank cells simply absent and stray numbers (page
numbers, years, remarks) in between.  A small model finds *where* the values
are far more reliably than *which* cell each one is (counting columns is hard),
so its per-character argmax often puts a value one column or row off.  This
module is a constrained decode of the model's own probabilities:

* segmentation stays the model's: the ``V:`` spans of the argmax reading;
* each span gets the model's distribution over the cells of its table —
  ``p(f) = mean over its characters of p(B-V:f) + p(I-V:f)`` — and
  ``p(drop) = 1 - Σ_f p(f)``, the probability it is no cell of that table;
* per table, a Viterbi pass picks for every span either a cell strictly after
  the previous span's cell, or *drop* (noise), maximising ``Σ log p``.  The
  span's ``top_k`` cells with ``p >= min_prob`` (and its argmax cell) are its
  plausible readings; every other cell of the table is a candidate at the small
  probability ``fill``: where the model lost count (Markdown fragments of table
  三 whose rows it reads as the table's first rows again; a crawler line of run-
  together rows) a cell it did not rank is still the one the order leaves;
* a span one cell separator after the previous span on the same line scores
  ``adjacent`` more for the cell right after that span's: a row printed as a
  line stays one row (Markdown fragments far from their labels).
  O(spans × cells) per table.

Safeguards, so a good model is unaffected:

* a table whose argmax cells already increase strictly is left exactly as read;
* optionally (``confident``), if the best ordered reading would change or drop a
  span read with ``p(argmax cell) > confident``, the argmax reading of that whole
  table is kept (recorded as an unchanged ``order`` decision), on the theory that
  a confident value out of order is a layout we do not know (a table printed
  twice, a column-major table).  Measured, it blocked more repairs than it
  saved — the confident spans out of order are mostly fragments read as the
  table's first rows — so it is off.  ``anchor=True`` instead pins confident
  spans to their argmax cell and aligns the rest around them (measured, not the
  default).

Tables are aligned independently (a span belongs to the table of its argmax
cell), so their order in the text does not matter.  Every span the alignment
reads differently is one decision of kind ``order``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ..data.labels import OUTSIDE, label2id
from ..data.schema import SIGNED_FIELDS, cross_template_targets, get_template
from .decode import (fold_width, label_names, live_rows, read_values, span_value, spans_of, value_columns,
                     writable, write_cell)
from .view import markdown_rows


@dataclass(frozen=True)
class AlignConfig:
    """Every knob of template-order alignment, with the reason for its default."""

    # Off: the argmax reading goes to arithmetic arbitration untouched.
    enabled: bool = True
    # Cells per span the order may choose among (plus its argmax cell and "drop"); `min_prob`
    # bounds them too.  Measured on 2×50 validation reports with a 57 %-cell model: k = 3 / 5 / 10 / 20
    # gave 0.74 / 0.80 / 0.82 / 0.83 and 0.76 / 0.82 / 0.835 / 0.835 cell accuracy (the right cell of
    # a weak model is often its 6th–10th guess); a confident model has few cells above min_prob anyway.
    top_k: int = 10
    # A cell below this probability is not a plausible reading of the span.
    min_prob: float = 0.01
    # A span whose argmax cell has more than this probability is read confidently: if order would
    # change it, the table keeps its argmax reading (see `anchor`).  None: off.  Measured with the
    # 3-layer model (fill 1e-3): 0.9 / off gave 96.66 / 97.70 % cells on 100 test reports
    # (crawler_line 81.6 / 89.7, md_fragments 91.6 / 93.5) and 982 / 987 of 990 dev cells.
    confident: float | None = None
    # True: pin confident spans to their cell and align the rest around them
    # (the table's argmax is kept only if the confident spans themselves are out of order).
    anchor: bool = False
    # Probability floor inside logarithms (a span read as a value with p = 1 has p(drop) = 0).
    floor: float = 1e-6
    # Cut value spans where the model says a value starts and give each span its most probable
    # cell (`resegment`) before aligning: the argmax cuts a number where its digits' cells differ.
    resegment: bool = True
    # A character whose value labels together have at least this probability is read as part of
    # a value even when "O" is its single most probable label (None: the argmax decides).
    # Measured on 100 test reports at step 1000: 0.5 and 0.3 gave +0.03 / +0.02 pt cells (noise).
    value_mass: float | None = None
    # Log-odds added when a span takes the cell its predecessor's separators on the line point to
    # (`separator_step`: a table row printed as a line, its neighbours are neighbouring cells unless
    # a blank is printed as nothing — or as an empty cell between two tabs, one further).  Measured
    # (fill 1e-3): 0 / 1 / 2 / 4 / 8 gave 93.3 / 93.8 / 94.0 / 94.6 / 93.9 % cells on the 80 hard test
    # reports; on 100 mixed reports 0 / 2 / 4: 98.13 / 98.42 / 98.47 % (md_fragments 93.5 → 97.6).
    adjacent: float = 4.0
    # A span whose inner characters the model gives at most this much "a value starts here" is one
    # cell: further from the span before it than the tabs between them say is then a misreading
    # (``260\t\t\t\t260`` read as commercial and total: research, by the tabs) — not two cells run
    # together (``12\t0``, the 2 read as a start at 0.4).  Measured on cached probabilities (eight
    # sets of test reports): a seed-3 report of one column 10 cells right either way; without the
    # span's doubt also one report's ``303\t30`` (30 | 3 printed as one) 2 cells right, but ``12\t0``
    # read wrong where the row cuts are off (`test_arbitration_fixes_a_wrong_split_...`).
    one_cell: float = 0.05
    # Every other cell of the table is a candidate at this probability (None: only the plausible
    # ones): the order may fill a cell the model did not rank where it lost count.  Measured on 80
    # crawler_line + md_fragments test reports (confident off): None / 1e-3 / 1e-2 / 5e-2 gave
    # 86.5 / 92.0 / 92.0 / 89.9 % cells; on 100 reports of all layouts 1e-3 ≥ 1e-2.
    fill: float | None = 1e-3
    # Log-odds added to the cells of the row whose label (as the model read it) comes last before
    # the value on its line: a table-二 or table-三 row printed as a line holds that row's values
    # (table 四's labels head columns, not rows).  A model reading a value into another row than
    # its line's label says keeps the table in alignment even if in order.  0: off.  Measured on
    # cached probabilities, 0 / 2 / 4 / 8: 99.24 / 99.25 / 99.26 / 99.25 % of test reports 0-499;
    # 0 / 4: 99.36 / 99.37 % of 500-999.
    row_label: float = 4.0
    # Move the model's mass on the other template's cells to where they sit in this one
    # (`fold_other_template`) before aligning.  Measured (3 × 128 model): 98.52 → 98.71 % cells
    # on the first 500 test reports (md_fragments 95.5 → 97.3), 98.85 → 98.94 % on reports 500–999.
    fold: bool = True
    # A digit right after a number's decimal point continues that number (`decimal_points`): the
    # model starts a new value there in run-on text (``0.00`` read ``0.`` | ``00``, the order then
    # drops one).  Measured on cached probabilities: +5 cells on test reports 0-499 (table-二
    # fees amounts in crawler text), +1 on 500-999; none lost.
    decimals: bool = True
    # A sign (``-``, ``+``) the model reads as the start of a 本年增/减 value, right before a digit
    # the model starts another value at, is that value's sign (`lone_signs`): crawler text ``0-10``
    # read ``0`` | ``-`` | ``1`` | ``0`` (a lone sign is no count; the order then puts 1 in the
    # change cell).  Measured on cached probabilities (2 × 128 model), none lost: minus signs,
    # test reports 0-499 no change, 500-999 429 -> 421 wrong cells; plus signs, -4 and -1.
    signs: bool = True
    # A Markdown cell (``| 20 |``) holds one number: the model's mass on "a value starts here" at a
    # digit right after a digit inside one, moved to "the value goes on" (`markdown_cells`).
    # Cached probabilities, seed-1 / seed-2 test reports: 5 cells right (markdown, md_fragments), none lost.
    cells: bool = True


@dataclass
class SpanCells:
    """One value span and the model's distribution over its table's cells."""

    start: int
    end: int
    text: str
    argmax: int  # index of its argmax cell in the table's field order
    p: np.ndarray  # probability of each cell of the table
    p_drop: float  # probability it is no cell of this table
    step: int = 0  # cells after the table's previous span, by the separators between them on one line (0: unknown)
    exact: bool = False  # ``step`` counts tabs: exactly that many cells, blank ones printed empty between two
    inner_start: float = 0.0  # the most "a value starts here" mass on a character after its first
    in_row: np.ndarray | None = None  # the cells of the row labelled last before it on its line

    def options(self, config: AlignConfig) -> list[int]:
        """The cells the order may choose among: the top_k plausible ones and the argmax cell,
        or every cell when unranked ones may be filled (`AlignConfig.fill`)."""
        if config.fill is not None:
            return list(range(len(self.p)))
        k = min(config.top_k, len(self.p))
        top = np.argsort(-self.p, kind="stable")[:k]
        return sorted({self.argmax, *(int(j) for j in top if self.p[j] >= config.min_prob)})

    @property
    def confidence(self) -> float:
        return float(self.p[self.argmax])


@dataclass
class Alignment:
    ids: np.ndarray  # the aligned reading (a copy; the argmax reading where nothing changed)
    decisions: list[dict[str, Any]]
    changed: dict[str, int]  # field -> index of the decision that changed its value
    moved: np.ndarray  # bool per character: its label differs from the argmax reading


# --------------------------------------------------------------------------- #
# Spans and their cell distributions
# --------------------------------------------------------------------------- #
@cache
def _columns(template: str, table: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The table's fields in template order and the label columns of their B- and I- tags."""
    fields = get_template(template).table(table).fields
    return (fields, *value_columns(fields))


def table_spans(text: str, probs: np.ndarray, ids: np.ndarray, template: str) -> dict[str, list[SpanCells]]:
    """The argmax reading's value spans, per table of their argmax cell, in text order.
    Spans of white space only and spans of the other template's fields are left out."""
    tables = {t.key: _columns(template, t.key) for t in get_template(template).tables}
    owner = {f: (t, j) for t, (fields, _, _) in tables.items() for j, f in enumerate(fields)}
    conf = np.ones(len(ids))
    out: dict[str, list[SpanCells]] = {t: [] for t in tables}
    for span in spans_of(ids):
        if span.kind != "V" or span.tag[2:] not in owner or span_value(text, span, conf) is None:
            continue
        t, j = owner[span.tag[2:]]
        _, bcols, icols = tables[t]
        rows = probs[span.start:span.end].astype(np.float64)
        p = (rows[:, bcols] + rows[:, icols]).mean(axis=0)
        between = text[out[t][-1].end:span.start] if out[t] else ""
        step = separator_step(between)  # 0 for the table's first span
        inner = float(rows[1:, bcols].sum(axis=1).max()) if len(rows) > 1 else 0.0
        out[t].append(SpanCells(span.start, span.end, text[span.start:span.end], j, p, max(0.0, 1.0 - float(p.sum())),
                                step, bool(step) and "\t" in between, inner,
                                _row_on_line(text, ids, span.start, template, t)))
    return out


@cache
def _row_labels(template: str, table: str) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """(label id -> row number or -1, row number -> mask of the table's cells in that row) for the
    row labels (``R:``) of a table-二 or table-三 row that has cells."""
    fields = get_template(template).table(table).fields
    rows = sorted({f.rsplit(".", 1)[0] for f in fields})
    names = label_names()
    of_label = np.full(len(names), -1, dtype=np.int64)
    if table in ("t2", "t3"):
        for k, name in enumerate(names):
            if name[2:4] == "R:" and name[4:] in rows:
                of_label[k] = rows.index(name[4:])
    masks = {r: np.array([f.rsplit(".", 1)[0] == row for f in fields]) for r, row in enumerate(rows)}
    return of_label, masks


def _row_on_line(text: str, ids: np.ndarray, start: int, template: str, table: str) -> np.ndarray | None:
    """The cells of the row whose label is read last before ``start`` on its line (None: no label)."""
    of_label, masks = _row_labels(template, table)
    line = text.rfind("\n", 0, start) + 1
    rows = of_label[ids[line:start]]
    hit = np.flatnonzero(rows >= 0)
    return masks[int(rows[hit[-1]])] if len(hit) else None


_BLANKS = re.compile(r"[ \t|｜\u3000\xa0]+")


def separator_step(between: str) -> int:
    """How many cells on a line ``between`` leads: one per tab (``\t\t``: a blank cell between),
    one for a single pipe or a run of spaces of two or more (blanks there may leave no trace, and
    one space also parts a run-together crawler line's cells); 0 when it says nothing (not blanks
    only, a single space, a line break — or two pipes: OCR reads a ``1`` as ``|``, converters
    double one, so pipes are no count of cells)."""
    if not _BLANKS.fullmatch(between):
        return 0
    tabs, pipes = between.count("\t"), sum(between.count(c) for c in "|｜")
    if pipes:
        return int(pipes == 1 and not tabs)
    return tabs or int(len(between) >= 2)


def increasing(cells: list[int]) -> bool:
    return all(a < b for a, b in zip(cells, cells[1:]))


# --------------------------------------------------------------------------- #
# The monotonic alignment
# --------------------------------------------------------------------------- #
def viterbi(options: list[list[tuple[int, float]] | tuple[np.ndarray, np.ndarray]], drops: list[float | None],
            m: int, adjacent: list[float] | None = None, steps: list[int] | None = None) -> list[int | None] | None:
    """Best assignment of a sequence of items to cells ``0 … m-1`` in strictly increasing order.

    ``options[i]`` are item i's (cell, score) choices — or two arrays, its cells and their
    scores — and ``drops[i]`` the score of leaving it unassigned (None: it must be assigned);
    ``adjacent[i]`` is added when item i takes the cell right after item i-1's — ``steps[i]`` cells
    after it, when given — (both assigned: a neighbour left out does not make the next one a
    neighbour of the one before it).
    Maximises the total score; on a tie, assigning beats dropping and earlier states win.
    Returns one cell or None per item, or None when no assignment satisfies the order.
    O(items × cells).
    """
    # two states per s (the last assigned cell is s - 1; 0: none yet): the last item was
    # assigned (`took`) or left out (`left`)
    took, left = np.full(m + 1, -math.inf), np.full(m + 1, -math.inf)
    left[0] = 0.0
    back: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for n, (opts, drop) in enumerate(zip(options, drops)):
        cells, scores = opts if isinstance(opts, tuple) else (
            np.array([j for j, _ in opts], dtype=np.int64), np.array([sc for _, sc in opts], dtype=np.float64))
        state = np.maximum(took, left)
        was_left = left > took  # which of the two a state continues (a tie: the one that took)
        best = np.maximum.accumulate(state)  # best[j]: the best state whose last cell is before j
        fresh = np.r_[True, best[1:] > best[:-1]]
        arg = np.maximum.accumulate(np.where(fresh, np.arange(m + 1), 0))
        new_left = state + drop if drop is not None else np.full(m + 1, -math.inf)
        new_took = np.full(m + 1, -math.inf)
        came = np.full(m + 1, -1)  # the previous state of an item assigned to cell s - 1 …
        came_left = np.zeros(m + 1, dtype=bool)  # … and whether it was one that left its item out
        if len(cells):
            cand = best[cells] + scores
            prev = arg[cells]
            prev_left = was_left[prev]
            if adjacent is not None and adjacent[n]:
                k = steps[n] if steps is not None else 1
                at = cells - k + 1  # state j: item n-1 took cell j - 1, k cells before
                after = np.where(at >= 1, took[np.maximum(at, 0)], -math.inf) + scores + adjacent[n]
                use = after > cand
                prev, prev_left = np.where(use, at, prev), np.where(use, False, prev_left)
                cand = np.maximum(cand, after)
            ok = cand > -math.inf  # cells are distinct per item
            new_took[cells[ok] + 1], came[cells[ok] + 1], came_left[cells[ok] + 1] = cand[ok], prev[ok], prev_left[ok]
        back.append((came, came_left, was_left))
        took, left = new_took, new_left
    state = np.maximum(took, left)
    if not np.isfinite(state).any():
        return None
    s = int(np.argmax(state))
    in_left = bool(left[s] > took[s])
    out: list[int | None] = []
    for came, came_left, was_left in reversed(back):
        if in_left:  # this item was left out; the state before it is s, either kind
            out.append(None)
            in_left = bool(was_left[s])
        else:
            out.append(s - 1)
            s, in_left = int(came[s]), bool(came_left[s])
    return out[::-1]


def align_table(spans: list[SpanCells], config: AlignConfig) -> tuple[list[int | None], list[int]]:
    """(cell or None per span, blocking): the most probable reading in template order — or the
    argmax reading when that is already in order, or (with `AlignConfig.confident` set) when the
    ordered reading would change confidently read spans (their indices are ``blocking``; empty
    otherwise)."""
    def is_sure(s: SpanCells) -> bool:
        return config.confident is not None and s.confidence > config.confident

    argmax = [s.argmax for s in spans]
    astray = config.row_label and any(s.in_row is not None and not s.in_row[s.argmax] for s in spans)
    # values read closer together than the tabs between them place them (``65\t\t3`` read as
    # neighbours), or further apart after a value that is surely one cell (`AlignConfig.one_cell`)
    off_tabs = any(s.exact and (s.argmax - r.argmax < s.step
                                or (s.argmax - r.argmax > s.step and r.inner_start <= config.one_cell))
                   for r, s in zip(spans, spans[1:]))
    if increasing(argmax) and not astray and not off_tabs:
        return list(argmax), []
    bonus = 1e-9  # the argmax cell wins an exact tie
    options, drops = [], []
    for s in spans:
        pinned = config.anchor and is_sure(s)
        cells = np.array([s.argmax] if pinned else s.options(config), dtype=np.int64)
        low = config.floor if config.fill is None else config.fill
        scores = np.log(np.maximum(s.p[cells], low)) + np.where(cells == s.argmax, bonus, 0.0)
        if s.in_row is not None and config.row_label:
            scores = scores + config.row_label * s.in_row[cells]
        options.append((cells, scores))
        drops.append(None if pinned else math.log(max(s.p_drop, config.floor)))
    chosen = viterbi(options, drops, len(spans[0].p), [config.adjacent if s.step else 0.0 for s in spans],
                     [s.step for s in spans])
    sure = [i for i, s in enumerate(spans) if is_sure(s)]
    blocking = sure if chosen is None else [i for i in sure if chosen[i] != argmax[i]]
    return (list(argmax), blocking) if blocking else (chosen, [])


# --------------------------------------------------------------------------- #
# Entry point
# --------------------------------------------------------------------------- #
@cache
def _value_label_ids() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(B- ids, I- ids) of every ``V:`` field, aligned by field, and a mask of all value labels."""
    names = label_names()
    b, i = value_columns(tuple(n[4:] for n in names if n.startswith("B-V:")))
    mask = np.zeros(len(names), dtype=bool)
    mask[b], mask[i] = True, True
    return b, i, mask


@cache
def _fold_columns(template: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    index = label2id()
    src, dst, weight = [], [], []
    for g, f, w in cross_template_targets(template):
        for prefix in "BI":
            src.append(index[f"{prefix}-V:{g}"])
            dst.append(index[f"{prefix}-V:{f}"])
            weight.append(w)
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(weight, dtype=np.float32)


def fold_other_template(probs: np.ndarray, template: str, inplace: bool = False) -> np.ndarray:
    """The model's mass on the *other* template's cells moved to where they sit in ``template``
    (`xxgk.data.schema.cross_template_targets`), B- to B- and I- to I-; rows still sum to 1.
    Far from the headers that tell the versions apart (a Markdown fragment of bare numbers) the
    model may read a value as the other version's cell of the same row; the template is known
    from the headers, so the value keeps its row and the order alignment places it.  ``inplace``:
    see `decode.writable`."""
    src, dst, weight = _fold_columns(template)
    if not len(src):
        return probs
    rows = live_rows(probs)
    rows = rows[probs[rows][:, np.unique(src)].sum(axis=1) > 1e-4]
    if not len(rows):
        return probs
    out = writable(probs, inplace)
    sub = out[rows]
    moved = sub[:, src] * weight
    sub[:, src] = 0
    for j in np.unique(dst):
        sub[:, j] += moved[:, dst == j].sum(axis=1)
    out[rows] = sub
    return out


def decimal_points(text: str, probs: np.ndarray, inplace: bool = False) -> np.ndarray:
    """The model's mass on "a value starts here" moved to "it goes on" (same cell) at every digit
    right after a decimal point that follows a digit (``0.00``, ``70.03``): a count has no decimal
    point and an amount goes on after it; rows still sum to 1.  ``inplace``: see `decode.writable`."""
    bcols, icols, _ = _value_label_ids()
    at = [m.end() for m in re.finditer("[.．]", text) if m.start() >= 1 and m.end() < len(text)
          and fold_width(text[m.start() - 1]).isdigit() and fold_width(text[m.end()]).isdigit()]
    if not at:
        return probs
    out = writable(probs, inplace)
    rows = np.asarray(at)
    sub = out[rows]
    sub[:, icols] += sub[:, bcols]
    sub[:, bcols] = 0
    out[rows] = sub
    return out


_CELL_DIGITS = re.compile(r"(?<=\|)[ \t\xa0\u3000]*([0-9０-９]{2,})[ \t\xa0\u3000]*(?=\|)")  # one number alone


def markdown_cells(text: str, probs: np.ndarray, inplace: bool = False) -> np.ndarray:
    """Inside a Markdown cell that holds one run of digits (``| 20 |``), the model's value mass at
    every digit after the first moved to "the value goes on" in the cell the first digit starts
    (its most probable start): a pipe separates cells, so the digits are one number, whatever cell
    the model's counting gave the ``0`` (``20`` read 2 | 0, the 0 another cell's).  Converters never
    merge two Markdown cells into one; a cell holding ``0   0`` (merged, spaced) is left alone.
    Rows still sum to 1.  ``inplace``: see `decode.writable`."""
    runs = [m.span(1) for a, b in markdown_rows(text) for m in _CELL_DIGITS.finditer(text, a, b)]
    if not runs:
        return probs
    bcols, icols, vmask = _value_label_ids()
    out = probs
    for a, b in runs:
        first = int(np.argmax(probs[a, bcols]))
        cut = probs[a + 1:b, bcols].max(axis=1) > probs[a + 1:b, icols].max(axis=1)
        if probs[a, vmask].sum() < 0.5 or not cut.any():
            continue  # not read as a value, or read as one already
        if out is probs:
            out = writable(probs, inplace)
        rows = out[a + 1:b]
        mass = rows[:, vmask].sum(axis=1)
        rows[:, vmask] = 0.0
        rows[:, icols[first]] = mass
    return out


SIGNS = frozenset("-－−+＋")  # the signs of a number: only a 本年增/减 carries one


def lone_signs(text: str, probs: np.ndarray, ids: np.ndarray, inplace: bool = False) -> np.ndarray:
    """At every digit right after a sign (``-``, ``+``) read as the start of a signed (本年增/减)
    value, the model's mass on value labels moved to "that value goes on": a lone sign is no
    count, it is the sign of the number printed right after it.  And a sign the model read as
    nothing right before a signed value it reads as going on (``－1``: O, then I-) starts that
    value: its outside mass moves to the value's start.  Rows still sum to 1.  ``inplace``: see
    `decode.writable`."""
    names, index = label_names(), label2id()
    at: list[tuple[int, int, np.ndarray]] = []
    _, _, mask = _value_label_ids()
    outside = np.zeros(len(names), dtype=bool)
    outside[index[OUTSIDE]] = True
    for i in np.flatnonzero(ids).tolist():  # labelled characters only: ~1 in 10
        name = names[ids[i]]
        if text[i] in SIGNS and i + 1 < len(text) and fold_width(text[i + 1]).isdigit() \
                and name.startswith("B-V:") and name[4:] in SIGNED_FIELDS:
            at.append((i + 1, index["I-V:" + name[4:]], mask))
        elif name.startswith("I-V:") and name[4:] in SIGNED_FIELDS and i > 0 and text[i - 1] in SIGNS \
                and ids[i - 1] == index[OUTSIDE] and fold_width(text[i]).isdigit():
            at.append((i - 1, index["B-V:" + name[4:]], outside))
    if not at:
        return probs
    out = writable(probs, inplace)
    for j, keep, moved in at:
        mass = out[j, moved].sum()
        out[j, moved] = 0
        out[j, keep] += mass
    return out


def sign_decisions(text: str, before: np.ndarray, after: np.ndarray) -> list[dict[str, Any]]:
    """One ``sign`` decision per value span `lone_signs` joined to its sign."""
    out = []
    for span in spans_of(after):
        if span.kind == "V" and any(before[i] != after[i] for i in range(span.start, span.end)):
            out.append({"kind": "sign", "changed": True, "span": [span.start, span.end],
                        "text": text[span.start:span.end], "fields": [span.tag[2:]],
                        "reason": "the model read a sign as a value of its own, or as nothing, right before "
                                  "a number of 本年增/减; it is that number's sign"})
    return out


_JOINED = {"decimal": "the model started a value right after a decimal point; a number goes on there",
           "markdown_cell": "the model cut the digits of one Markdown cell; a cell holds one number"}


def decimal_decisions(text: str, before: np.ndarray, after: np.ndarray, kind: str = "decimal") -> list[dict[str, Any]]:
    """One decision per value span `decimal_points` (or `markdown_cells`: ``kind``) joined (the
    argmax had cut it)."""
    out = []
    for span in spans_of(after):
        cut = [i for i in range(span.start + 1, span.end) if before[i] != after[i]]
        if span.kind == "V" and cut:
            out.append({"kind": kind, "changed": True, "span": [span.start, span.end],
                        "text": text[span.start:span.end], "fields": [span.tag[2:]], "reason": _JOINED[kind]})
    return out


def fold_decisions(text: str, before: np.ndarray, after: np.ndarray, template: str) -> list[dict[str, Any]]:
    """One ``template`` decision per value span `fold_other_template` gave a cell of ``template``
    where the model's first reading had the other template's cell."""
    names, known = label_names(), set(get_template(template).fields)
    out = []
    for span in spans_of(after):
        old = names[before[span.start]][4:] if names[before[span.start]][2:].startswith("V:") else None
        if span.kind != "V" or old is None or old in known:
            continue
        new = span.tag[2:]
        out.append({"kind": "template", "changed": True, "span": [span.start, span.end],
                    "text": text[span.start:span.end], "fields": [new], "from": old, "to": new,
                    "reason": f"the model read a cell of the other template ({old}); the report's headers say "
                              f"{template}: read as the cell in the same place, {new}"})
    return out


def resegment(probs: np.ndarray, ids: np.ndarray, value_mass: float | None = None) -> np.ndarray:
    """Value spans cut by where values start, then each given one cell.

    The argmax splits a number wherever its characters' most probable *cells* differ
    (``473`` read ``4`` B-row-a, ``73`` I-row-b, when the model hesitates between two
    rows): which characters are values stays the argmax's, but inside a run of value
    characters a new value starts only where the model's mass on "a value starts here"
    (Σ of every B-V) exceeds "it goes on" (Σ of every I-V) — how run-together cells
    (``125118``) are split — and each span's cell is the most probable over all its
    characters (Σ of B-V:f + I-V:f).  The order alignment then places the spans.
    """
    b, i, mask = _value_label_ids()
    ids = np.asarray(ids).copy()
    is_value = mask[ids]
    if value_mass is not None:  # matrix-vector products: much faster than summing indexed columns
        live = live_rows(probs) if value_mass > 0 else np.arange(len(probs))
        is_value[live] |= probs[live] @ mask.astype(probs.dtype) >= value_mass
    if not is_value.any():
        return ids
    rows = np.flatnonzero(is_value)  # only value characters can start a value
    sub = probs[rows]
    where = np.zeros(len(mask), dtype=probs.dtype)
    where[b] = 1
    starts_mass = sub @ where
    where[b], where[i] = 0, 1
    goes_on = sub @ where
    after_value = np.concatenate(([False], is_value[:-1]))[rows]
    starts = rows[~after_value | (starts_mass > goes_on)]
    breaks = np.concatenate((np.flatnonzero(~is_value), starts, [len(ids)]))
    breaks.sort()
    for k, end in zip(starts, breaks[np.searchsorted(breaks, starts, side="right")]):
        f = int((probs[k:end, b] + probs[k:end, i]).sum(axis=0).argmax())
        ids[k], ids[k + 1:end] = b[f], i[f]
    return ids


def align(text: str, probs: np.ndarray, ids: np.ndarray, template: str,
          config: AlignConfig | None = None) -> Alignment:
    """Re-read the value spans of the argmax reading ``ids`` in template order (module docstring)."""
    config = config or AlignConfig()
    first = resegment(probs, ids, config.value_mass) if config.resegment else np.asarray(ids)
    ids = first.copy()
    decisions: list[dict[str, Any]] = []
    owner: dict[str, int] = {}  # field -> decision that moved a span to or from it
    for table, spans in table_spans(text, probs, first, template).items():
        if len(spans) < 2:
            continue
        fields = _columns(template, table)[0]
        chosen, blocking = align_table(spans, config)
        if blocking:
            sure = [spans[i] for i in blocking]
            decisions.append({
                "kind": "order", "table": table, "changed": False,
                "fields": sorted({fields[s.argmax] for s in sure}), "spans": [[s.start, s.end] for s in sure],
                "reason": f"the model's cells of table {table} are out of template order, but reading them in "
                          f"order would change {len(sure)} value(s) read with p > {config.confident}: "
                          f"the model's reading of the table kept"})
            continue
        for s, c in zip(spans, chosen):
            if c == s.argmax:
                continue
            old, new = fields[s.argmax], (fields[c] if c is not None else None)
            write_cell(ids, s.start, s.end, new)
            p = {old: round(float(s.p[s.argmax]), 4), "drop": round(s.p_drop, 4)}
            if new is not None:
                p[new] = round(float(s.p[c]), 4)
            for f in (old, new):
                if f is not None:
                    owner[f] = len(decisions)
            decisions.append({
                "kind": "order", "table": table, "changed": True, "span": [s.start, s.end], "text": s.text,
                "fields": sorted(f for f in (old, new) if f), "from": old, "to": new, "p": p,
                "reason": (f"the model read {old} (p {p[old]:.2f}), out of template order with its neighbours; "
                           + (f"in order the most probable cell is {new} (p {p[new]:.2f})" if new else
                              f"no cell in order is plausible: read as not a value (p {s.p_drop:.2f})"))})
    moved = ids != first
    changed: dict[str, int] = {}
    if moved.any():
        before, after = read_values(text, probs, first), read_values(text, probs, ids)
        for f in sorted(set(before) | set(after)):
            if before.get(f) != after.get(f) and f in owner:
                changed[f] = owner[f]
    return Alignment(ids, decisions, changed, moved)


__all__ = ["AlignConfig", "Alignment", "SpanCells", "align", "align_table", "increasing", "table_spans", "viterbi"]
