"""Arithmetic-aware decoding: where the model is unsure, let the template's sums choose.

The model's first reading is the most probable label of every character.  Where
it is unsure — the top two labels of a character are close — it has other
plausible readings: a digit run split elsewhere (``B-`` or ``I-``), a value in
the neighbouring cell (``V:a`` or ``V:b``), a lone number that is a page number
(``V`` or ``O``), a blank cell missed.  This module enumerates a few such
readings from the model's own top-k labels at those characters only, and picks
the one with the best score

    score = Σ log p(label) − violation_cost × (R1–R4 checks broken)
                           − malformed_cost × (malformed values)

(``xxgk.data.rules.checks_for`` gives the equations).  A value is malformed when it
is a count printed with a leading zero — ``00`` read as one count is the usual sign
of two cells run together, and blank counts as 0 in a sum, so only the form tells
``0|0`` from ``00|blank`` — or when its digit run goes on unread before or after it
(``5`` of ``501（其中修订115件）``: table 二 has no sums, only the form), or read into a cell that
keeps a more confident value elsewhere (the digit goes unread).  Soft, not hard:

* only characters below the margin threshold change; a value whose characters
  and neighbours are all read confidently is locked — a reading that would
  change it is never taken, even if it would make a sum work (about one report
  in ten breaks its own arithmetic in print, and that is what the gold records);
* the first reading is kept unless an alternative scores strictly better, so if
  no alternative fixes anything, nothing changes;
* every uncertain place becomes a recorded decision (fields, alternatives with
  their scores, the choice, the reason).

Uncertain places ("sites") are independent unless they share a field or a
check; coupled sites are searched together with a small beam.

Run-together rows of table 三 come first (``rows.py``, ``split.py``): there the
model hesitates on every digit, character-by-character alternatives never hold
the whole right cut, and a report read that badly breaks its column sums whatever
one row says — so each such row is decided on its own row sum (R3) among whole-row
cuts, and recorded as a ``split`` decision.  Table 四 is cut as one row (its R4 sums);
table 二's rows, which have no sums, only where the model's cut reads a count with a
leading zero or leaves a digit unread (measured: test reports 0–499 99.21 → 99.24 %
of cells, 500–999 99.32 → 99.35 %).  A table-三 row run together is then decided again on the
column sums through the cells it fills (R1, R2), the other rows as read, among the cuts that add
up as well as its own: a row that adds up two ways, or none (a misprint) — and then two rows at
once; a figure the prose quotes for a row's cells (行政复议N件) counts for a reading too.

Rows whose values are read but whose first reading breaks a check may also give the
same values, in order, to other cells of the row (``placement`` sites, ``place.py``):
the column a value sits in is what a page footer or a blank printed as nothing
makes the model miscount, never the printed number.

Last, a table 三 or 二 printed as Markdown fragments without row labels, whose rows break a
check or whose lines are as many as the table's rows, may be read line by line from other
first rows (``fragments.py``): which row a fragment starts at is one decision per
fragment, recorded as ``fragment_rows``.  A table 三 whose rows are each one run of digits may
be read as its total column alone, applicant columns blank, where that breaks fewer column sums
(``totals.py``, ``totals_only``: a report that fills only 总计 breaks every row sum).  And a
table 四 printed one count per line, whose cells the model leaves blank while its numbers
go unread (a page break inside it), may be read in order (``sequence.py``,
``table_sequence``), and one printed as a Markdown row of its fifteen cells by each cell's place
(``table_grid``), or on one space-aligned line by the header each value ends under
(``columns.py``); and table-三 values on lines padded with spaces, by the display column they
end at under the column headers (``columns.py``, ``aligned_columns``); and
table-三 rows run together on one line, blanks printed as nothing, by the columns most
rows with as many values take (``patterns.py``, ``column_pattern``); and table-三 values
printed one cell per line, by their line after their row's label (``lines.py``,
``line_columns``); and, last, table-三 rows with fewer values than cells, by the columns that
make the column sums hold together (``joint.py``, ``joint_columns``) — and, where every sum
holds whichever blank column a printed one is, the columns the value prior expects
(``prior_columns``).  After them, a
table-二 row whose reading breaks what its cells mean (a cumulative count below this year's,
projects without an amount, a negative count: ``data.rules.relations_for``) may be re-cut and
re-placed (``relations.py``, ``relation``): soft, the most probable reading that keeps them,
within ``relation_cost`` of the model's.
"""
from __future__ import annotations

import math
from collections import ChainMap
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..data.gold import Value, numeric
from ..data.rules import Check, checks_for
from ..data.schema import get_template
from ..models.prior import ValuePrior
from .align import AlignConfig
from .columns import column_readings, table4_columns
from .decode import (MARK_CHARS, SpanValue, best_candidate, fold_width, label_ids, label_names, list_number_before,
                     read_values, span_value, spans_of, value_label_mask)
from .fragments import fragment_readings
from .joint import joint_columns, prior_columns
from .lines import line_readings
from .patterns import pattern_readings
from .place import row_placements
from .relations import relation_readings
from .rows import split_rows
from .sequence import grid_reading, sequence_reading
from .sites import Site, add_readings
from .totals import totals_reading


@dataclass(frozen=True)
class ArbitrationConfig:
    """Every knob of arithmetic-aware decoding, with the reason for its default."""

    # A character is uncertain when p(best) - p(second) < margin: with the two labels
    # taking most of the mass that is odds below about 3:1.  A well-trained model
    # reads > 99 % of characters with a margin above 0.9.
    margin: float = 0.5
    # Labels per uncertain character considered (the best plus two runners-up):
    # beyond the third, the model is guessing and the sums would do the reading.
    top_k: int = 3
    # A label below this probability is not a plausible reading of the character.
    min_prob: float = 0.02
    # Uncertain characters considered per report, least certain first: bounds the
    # time spent on a report the model reads badly (that one needs a human, not sums).
    max_positions: int = 64
    # Readings kept per site (most probable first) after enumerating its characters'
    # labels: a site of 6 uncertain characters has 3^6 = 729 label combinations.
    max_site_readings: int = 8
    # Readings kept while searching a group of coupled sites (beam search over the
    # sites in text order).
    beam: int = 16
    # Cost of one broken equation, in nats: ln 10.  About one report in ten breaks its
    # own arithmetic in print, so a reading that breaks a check must be ~10x more
    # probable under the model than one that keeps it to win.
    violation_cost: float = math.log(10)
    # Cost of a count printed with a leading zero ("00", "05"): forms are printed
    # without them, so such a reading is almost always two cells run together.  The same
    # for a value whose digit run goes on unread (a number cut short).  Measured for the
    # latter on test reports 0-499: 4 table-二 cells right, 2 wrong (crawler digits).  And for a
    # digit read into a cell that keeps a more confident value outside the sites (`Scorer`): the
    # digit goes unread (cached probabilities, seed-2 test reports: 3 cells right, none lost).
    malformed_cost: float = math.log(10)
    # Alternatives recorded per decision (the best-scoring ones).
    record_alternatives: int = 5
    # A blank table-三 cell is read as the value v that OCR missed when every check
    # through it (at least this many — a row and a column) is broken by exactly v > 0.
    # Two independent equations agreeing on one number is strong evidence; one is not
    # (a wrong total looks the same), and a missed 0 leaves no trace in any sum.
    missed_min_checks: int = 2
    # Whole-row readings of run-together rows (``split.py``): off leaves only the
    # character-by-character alternatives.
    split: bool = True
    # A digit inside a run is a possible cut point when the model gives "a value starts here" at
    # least this share of the start/continue mass; elsewhere the digits stay together.  Low: in
    # crawler text the model is sure (p > 0.9) of wrong cuts (``20`` read as 2 and 0) in about
    # one row of ten; the sums must be able to see the other cut.  Measured on test reports
    # 0-499 with the next knob and the weight below: 0.1 → 0.001 (12 → 16 cut points) took
    # crawler_line from 93.9 to 95.5 %, all cells from 98.81 to 99.00 %.
    split_min: float = 0.001
    # Cut points per row at most (the most probable): C(16, 5) = 4368 cuts of 5 values.
    split_max_cuts: int = 16
    # Whole-row readings kept per row and cell count: the most probable, and the most probable
    # that add up across the row.
    split_readings: int = 16
    # Evidence of each sum a row reading satisfies (R3; R4 in table 四), in nats: a true reading adds up in about
    # 9 rows of 10 (reports break their own sums), a wrong cut of the digits by chance in about
    # 1 in 100 — ln(0.9 / 0.01).  It must outweigh the model's doubt about the cut points.
    split_match_gain: float = math.log(90)
    # Weight of a row reading's log-probability against the evidence of its sums: the model's
    # cut probabilities in run-together digits are overconfident (above), so a reading the
    # model finds e^-10 less likely may still be the one that adds up.  0.3 and 0.5 read the
    # same test cells; 1.0 (unweighted) reads 0.08 pt fewer on test reports 0-499.
    split_logp_weight: float = 0.3
    # Weight of the model's cell probabilities in a row reading's score (its cut decisions weigh 1).
    split_column_weight: float = 0.1
    # Cost, per cell left blank, of a reading of a row without sums (table 二) whose printed
    # digits could fill it: forms print 0 or a mark for nothing, a blank table-二 cell is rare,
    # and crawler text runs the cells together (``115`` read 1 | blank | 15).  Only where the row's
    # values (two or more) run on with nothing between, or its one value runs on from its label
    # (`split.runs_on_label`, session 17, with the value prior): elsewhere a blank is printed as a gap, and
    # on the whole stretch it cut tabbed numbers apart (test reports 0-499: 447 -> 464 wrong).  0: off.
    # Measured, cached probabilities of the 2 × 128 model, ln 3 and ln 10 alike: test reports 0-499
    # 447 -> 443 wrong cells (208 -> 204 non-zero), 500-999 379 -> 372 (176 -> 168); one row lost.
    split_blank_cost: float = math.log(10)
    # A table-三 row run together (no two numbers printed apart) is decided again on the column
    # sums through the cells it fills (R1, R2), each worth `split_match_gain`, among the cuts that
    # add up across the row at least as often as the one chosen.  Measured on cached probabilities of the
    # shipped model, test reports 0-499 / 500-999: 373 / 262 -> 370 / 258 wrong cells (after the
    # rows no cut makes add up: 377 / 278 -> 377 / 269), no report worse; counting a blank cell's
    # sums too, or letting a row that adds up take a cut that does not, made reports worse.
    split_column_sums: bool = True
    # ... and, for a row no cut offered makes add up (a misprint; a digit OCR dropped or doubled),
    # one more cut: the one whose values meet the most column sums (``split.column_reading``).
    split_column_reading: bool = True
    # ... and two rows at a time (both cut two ways that add up, one the totals row of the
    # other), among each row's best-scoring readings that add up: this many per row.  0: off.
    split_pair_readings: int = 6
    # ... and all such rows at once (``rows._all_by_column_sums``): rows cut alike, a column short by
    # the sum of their errors, that no one or two moved put right; where a column sum breaks, the rows
    # whose own cut adds up join them.  States of the column sums kept (300 read 3 cells fewer on the
    # seed-2 halves, 10,000 the same as 2,000).  0: off.
    split_joint_states: int = 2000
    # Evidence, in nats, of a figure the report's prose quotes (收到申请N件, 行政复议N件, 行政诉讼N件:
    # the N1 soft check) that a whole-row reading reads in the cells it names: the prose quotes
    # the table in most reports, a wrong cut matches it by chance now and then.  Cached
    # probabilities, seed 1 / seed 2 halves: 347/231/447/296 -> 329/223/446/290 wrong cells, none
    # worse (table 四 in crawler text, its review and suit groups); ln 90 read the same cells.
    narrative_gain: float = math.log(10)
    # Weight of the value prior (``xxgk.models.prior``: how the training annotations print each
    # cell — blank, 0, a mark, a count or amount of so many digits — and each table-二 row's cells
    # together) in a whole-row reading's score, where the row's values run on (crawler text: no gap
    # shows where a value ends or which cell is blank).  Cached probabilities, the eight test sets of
    # seeds 1-6, fields alone: 1,558 -> 1,499 wrong non-zero cells at 0.5 (1.0: 1,523; table 二 only:
    # 1,517); with table 二's rows jointly 1,475, and its amount row (2019's 政府集中采购) cut too
    # 1,441; session 18, with `prior_columns` and `split.every_placement` 1,424, and the parts of a
    # table-三/四 row given the form of its total 1,408 (weights 0.35 / 0.75 then: 1,409 / 1,410).
    # Session 19: also in the table-二 relation stage (``relations.py``) 1,401 -> 1,389, and amounts'
    # forms counted in 万元 (386000元 like 38.6万) 1,373; seeds 7, 8, 10: 960 -> 952 -> 947.
    # 0: off, as for a model folder without a prior.
    value_prior_weight: float = 0.5
    # Placement readings (``place.py``): a row whose reading breaks a check may give its values,
    # in order, to other cells of the row.  Off: only the model's own cells.
    placement: bool = True
    # Placements kept per row (the most probable).  A 7-cell row with 5 values has C(7, 5) = 21.
    # Measured on test reports 500-999: 4 and 8 read the same cells; 4 searches less.
    placement_readings: int = 4
    # Weight of the model's cell probabilities in a placement's log-probability: its column
    # counting is what is in doubt (as `split_column_weight`).
    placement_weight: float = 0.1
    # Fragment rows (``fragments.py``): table 三 or 二 printed as Markdown fragments without row
    # labels may be read line by line from other first rows, when the model's rows break a check
    # or the lines are exactly the table's rows.
    fragments: bool = True
    # Weight of the model's cell probabilities in a fragment reading (its row counting is what
    # is in doubt, as `placement_weight`).
    fragment_weight: float = 0.1
    # Choices of first rows tried at most: fragments in order, not overlapping, inside the table,
    # C(slack + fragments, fragments) of them (slack: the rows no line fills; 1 when every row
    # is printed, blank rows as empty lines).  Above this, the model's rows stay.
    fragment_max_readings: int = 2000
    # Totals only (``totals.py``): a table 三 whose every row is one run of digits may be read as
    # its total column alone, applicant columns blank, when that breaks fewer column sums (R1, R2).
    totals: bool = True
    # Weight of the model's cell probabilities in that reading (its cuts are what is in doubt).
    # Measured on cached probabilities: test reports 0-499 386 -> 377 wrong cells, 500-999 296 ->
    # 278 (one report each: 11 -> 2, 18 -> 0 wrong), no report worse.
    totals_weight: float = 0.1
    # Space-aligned columns (``columns.py``): table-三 values on lines padded with spaces may be
    # read by the display column they end at, when the model's columns break a check; table 四 on
    # one such line by the header each value ends under (`table4_columns`: the fresh seed-2 test
    # split 815 -> 796 wrong cells, two reports, none worse; the seed-1 test split unchanged).
    columns: bool = True
    # Weight of the model's cell probabilities in such a reading (its column counting is in doubt).
    columns_weight: float = 0.1
    # Cost of a printed column read as a column whose header is not the nearest over it: when
    # every row leaves the same cells blank, no sum tells the columns apart, the headers do.
    columns_header_cost: float = math.log(10)
    # Readings at most: C(columns, printed columns); 35 for table 三's 7 columns.
    columns_max_readings: int = 200
    # Table 四 as a sequence (``sequence.py``): where the model leaves its cells blank or breaks
    # a sum while the table holds fifteen numbers or a few more, read them in order; printed as a
    # Markdown row of its fifteen cells, blank cells empty, by each cell's place (`grid_reading`:
    # test reports 0-499 / 500-999 353 / 247 -> 350 / 243 wrong cells, two reports, none worse).
    sequence: bool = True
    # Weight of the model's cell probabilities in a sequence reading (its counting is in doubt).
    sequence_weight: float = 0.1
    # Numbers of the table a sequence reading may leave out (page numbers printed bare).
    sequence_drop: int = 2
    # Column patterns (``patterns.py``): table-三 rows run together on one line with their blanks
    # printed as nothing may take the columns most rows of as many values take, as the model read them.
    patterns: bool = True
    # Weight of the model's cell probabilities in such a move (its column guess is what is in doubt).
    pattern_weight: float = 0.1
    # Joint columns (``joint.py``): table-三 rows read with fewer values than cells may give them,
    # in order, to the cells that make the column sums hold together.
    joint_columns: bool = True
    # Weight of the model's cell probabilities in such a reading (summed over the values moved):
    # full, unlike the stages above — several readings of a table hold every sum when blanks leave
    # no trace, and the model's columns must choose among them; where it is sure of its columns
    # (a table printed with its blanks) the sums do not outvote it.  Measured on cached
    # probabilities (2 × 128 model), weights 0.1 / 0.3 / 1.0: test reports 0-499 439 -> 426 / 426 /
    # 427 wrong cells, 500-999 371 -> 373 / 373 / 369 (1.0: one report 2 cells worse, five better).
    joint_columns_weight: float = 1.0
    # When no one row's move brings the column sums closer, the best two rows moved at once (a
    # value leaving a column another row's value enters).  Measured on cached probabilities of the
    # shipped model: test reports 0-499 370 -> 364 wrong cells, 500-999 unchanged, none worse.
    joint_pairs: bool = True
    # Where the descent stops with a check still broken, every movable row's placement chosen at
    # once (`joint._all_rows`): a beam over the rows, this many states (the checks' differences)
    # kept; taken only where it breaks fewer checks than the model's reading, and only where every
    # row's values are printed apart.  0: off.  Measured on cached probabilities of eight test sets:
    # seed 4 686 -> 644 wrong cells (a Word table with page breaks 47 -> 9), seed 3 -3, f2 +2 (a web
    # page with OCR'd digits), the rest unchanged; with run-together rows too, three crawler
    # reports 4 cells worse each.
    joint_states: int = 2000
    # Record table-三 columns no text or sum can tell apart (``joint.undecided_columns``): read in
    # some rows, another column printed in none, the model unsure of its reading.  Changes nothing.
    undecided_columns: bool = True
    # Table-三 applicant columns moved whole, in order, to the columns the model and the value prior
    # find likeliest together (``joint.prior_columns``; every sum holds either way), where no tab or
    # padded gap prints where a row's values sit; weighed by `value_prior_weight`, off without a
    # prior.  Cached probabilities, eight test sets of seeds 1-6: 1,441 -> 1,428 wrong non-zero cells
    # (cell_lines 183 -> 176, crawler 700 -> 694), one report a cell worse; with padded gaps allowed
    # too, space-aligned tables read 98 -> 200 (their columns are printed by position).
    prior_columns: bool = True
    # Table-二 relations (``relations.py``): a row whose reading breaks F1–F3 (a cumulative count
    # below this year's, procurement projects without an amount, a negative count) may be re-cut
    # and re-placed, the best reading that keeps them taken if it scores at most `relation_cost`
    # below the model's (nats over the row's characters; blanks among run-on values costing, as in
    # ``split``).  Measured on cached probabilities of the 112-minute model, test reports 0-499 /
    # 500-999: 404 / 310 -> 387 / 298 wrong cells with ln 100, ln 1000 or ln 10^4 alike (no report
    # worse); 3.0 (about ln 20) 389 / 300, ln 10 391 / 300 (the three rows that needed most lost
    # 2.4-4.0 nats).  The test reports never break a relation in print, real ones may: the smallest
    # round cost that took them all, so a reading the model is sure of stays.
    relations: bool = True
    relation_cost: float = math.log(100)
    # Cells one per line (``lines.py``): table-三 values read by how many lines after their row's
    # label they sit, the spacing voted by the model's own values.
    lines: bool = True
    # Weight of the model's cell probabilities in such a reading (its line counting is in doubt).
    line_weight: float = 0.1
    # Cost of a row whose values the model reads in other cells than their lines say.
    line_cost: float = math.log(10)
    # Template-order alignment (``align.py``), run on the argmax reading before the sums;
    # ``AlignConfig(enabled=False)`` turns it off.  Characters it relabels are not revisited here.
    align: AlignConfig = AlignConfig()


@dataclass
class Arbitration:
    ids: np.ndarray  # the chosen reading
    decisions: list[dict[str, Any]]
    changed: dict[str, int]  # field -> index of the decision that changed its value


# --------------------------------------------------------------------------- #
# Finding the uncertain sites and their readings
# --------------------------------------------------------------------------- #
def _top_k(rows: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest entries of each row, largest first (ties: lower index first)."""
    k = min(k, rows.shape[1])
    part = np.argpartition(-rows, k - 1, axis=1)[:, :k]
    order = np.lexsort((part, -np.take_along_axis(rows, part, axis=1)), axis=1)
    return np.take_along_axis(part, order, axis=1)


def uncertain_positions(probs: np.ndarray, ids: np.ndarray, config: ArbitrationConfig,
                        frozen: np.ndarray | None = None) -> list[int]:
    """Characters whose top two labels are within the margin and where a V label is in play
    (``frozen`` characters excepted: an earlier stage decided them)."""
    if not len(ids):
        return []
    p1 = probs[np.arange(len(ids)), ids]
    unsure = 2 * p1 - 1 < config.margin  # p2 <= 1 - p1, so the others are certain
    rows = np.flatnonzero(unsure if frozen is None else unsure & ~np.asarray(frozen, dtype=bool))
    if not len(rows):
        return []
    top = _top_k(probs[rows], max(2, config.top_k))
    tp = np.take_along_axis(probs[rows], top, axis=1)
    margin = tp[:, 0] - tp[:, 1]
    vmask = value_label_mask()
    in_play = (margin < config.margin) & (((tp >= config.min_prob) & vmask[top]).any(axis=1) | vmask[ids[rows]])
    chosen, margin = rows[in_play], margin[in_play]
    if len(chosen) > config.max_positions:
        chosen = chosen[np.argsort(margin, kind="stable")[:config.max_positions]]
    return sorted(int(i) for i in chosen)


def find_sites(positions: list[int], ids: np.ndarray) -> list[Site]:
    """Group uncertain characters into sites whose segments do not interact.

    A segment reaches back to the start of the span holding the character before the
    run and forward to the end of the span holding the character after it, so no
    span of any reading crosses a segment's ends.  Segments that overlap are one site;
    segments that only touch are two (a site's readings multiply: the beam keeps
    ``max_site_readings``, and the rows of a crawler line, labels and values abutting,
    would otherwise chain into one site whose readings crowd each other out).
    """
    if not positions:
        return []
    spans = spans_of(ids)
    span_at = np.full(len(ids), -1)
    for k, sp in enumerate(spans):
        span_at[sp.start:sp.end] = k
    runs: list[list[int]] = []
    for p in positions:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    sites: list[Site] = []
    for run in runs:
        s, e = run[0], run[-1] + 1
        a = spans[span_at[s - 1]].start if s > 0 and span_at[s - 1] >= 0 else s
        b = spans[span_at[e]].end if e < len(ids) and span_at[e] >= 0 else e
        if sites and a < sites[-1].b:  # overlapping; segments that only touch stay apart
            sites[-1].b = max(sites[-1].b, b)
            sites[-1].positions.extend(run)
        else:
            sites.append(Site(a, b, list(run)))
    return sites


def _number_not_label(text: str, pos: int) -> bool:
    """A digit or mark that is no list number (``1.``): never a row or column label's character
    (as `decode.numbers_not_labels` for the model's first reading)."""
    ch = fold_width(text[pos])
    return (ch.isdigit() or (ch in MARK_CHARS and ch != "无")) and not list_number_before(text, pos + 1)


def read_site(site: Site, text: str, probs: np.ndarray, ids: np.ndarray, config: ArbitrationConfig) -> None:
    """Enumerate a site's plausible readings (a beam over its characters), read each one's values."""
    logp = np.log(np.clip(probs[site.positions], 1e-12, None))
    tops = _top_k(probs[site.positions], config.top_k)
    beam: list[tuple[float, tuple[int, ...]]] = [(0.0, ())]
    for j, pos in enumerate(site.positions):
        first = int(ids[pos])
        options = [int(lab) for lab in tops[j] if probs[pos, lab] >= config.min_prob and lab != first
                   and not (lab in label_ids() and _number_not_label(text, pos))]
        beam = [(g + logp[j, lab] - logp[j, first], labs + (lab,)) for g, labs in beam for lab in [first, *options]]
        beam.sort(key=lambda r: (-r[0], r[1]))
        beam = beam[:config.max_site_readings]
    first_labels = tuple(int(ids[p]) for p in site.positions)
    add_readings(site, text, probs, ids, [(0.0, first_labels)] + [r for r in beam if r[1] != first_labels])


def placement_sites(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                    sites: list[Site], taken: np.ndarray, config: ArbitrationConfig) -> list[Site]:
    """A site per table-三 row / table-四 group whose first reading breaks a check through its
    cells, its readings the other placements of its values in the row (``place.py``); rows
    overlapping an earlier site or a split row are left to those."""
    values = read_values(text, probs, ids)
    broken = [c for c in checks if not c.holds(values)]
    if not broken:
        return []
    blocked = taken.copy()
    for site in sites:
        blocked[site.a:site.b] = True
    out = []
    for a, b, positions, readings in row_placements(text, probs, ids, template, broken, blocked,
                                                    config.placement_readings, config.placement_weight):
        site = Site(a, b, positions, kind="placement")
        add_readings(site, text, probs, ids, readings)
        out.append(site)
    return out


# --------------------------------------------------------------------------- #
# Searching coupled sites
# --------------------------------------------------------------------------- #
def _groups(sites: list[Site], checks: list[Check]) -> list[list[int]]:
    """Sites that share a field or a check are searched together (union-find)."""
    parent = list(range(len(sites)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, site in enumerate(sites):
        for f in site.fields:
            if f in owner:
                parent[find(i)] = find(owner[f])
            owner[f] = i
    for check in checks:
        touching = sorted({find(owner[f]) for f in check.fields if f in owner})
        for i in touching[1:]:
            parent[find(i)] = find(touching[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(sites)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _better(c: SpanValue, best: SpanValue | None) -> bool:
    return best is None or (-c.confidence, c.start) < (-best.confidence, best.start)


class Scorer:
    """Scores a choice of one reading per site of a group against the fixed rest of the report.
    Incremental: a choice is compared with the model's first reading, so only the fields of sites
    read otherwise, and the checks through the fields that changed, are recomputed."""

    def __init__(self, sites: list[Site], fixed: dict[str, list[SpanValue]], checks: list[Check],
                 fields: set[str], config: ArbitrationConfig):
        self.sites, self.config = sites, config
        self.fields = sorted(fields)
        self.fixed_best = {f: best_candidate(c) for f, c in fixed.items()}
        self.field_sites = {f: [k for k, s in enumerate(sites) if f in s.fields] for f in self.fields}
        self.checks = [c for c in checks if any(f in fields for f in c.fields)]
        self.field_checks: dict[str, list[int]] = {f: [] for f in self.fields}
        for i, c in enumerate(self.checks):
            for f in set(c.fields) & fields:
                self.field_checks[f].append(i)
        first = (0,) * len(sites)
        self.first = {f: self._field_value(f, first) for f in self.fields}  # the model's first reading
        # every number a check can read, as first read (blank: 0); a choice overrides a few
        self.first_nums = {f: c.number for f, c in self.fixed_best.items()}
        self.first_nums.update((f, numeric(v)) for f, v in self.first.items())
        self.first_broken = [self._broken(c, {}) for c in self.checks]
        self.first_gain = sum(s.readings[0].gain for s in sites)
        # a digit read into a cell that keeps its own, more confident value outside the sites goes
        # unread (``23`` read 2 | 3, the 3 as the next cell, whose ``0`` is printed after it)
        self.shadowed = [[sum(not _better(c, self.fixed_best[f]) for f, cs in r.cands.items()
                              if f in self.fixed_best for c in cs) for r in s.readings] for s in sites]
        self.first_malformed = sum(s.readings[0].malformed + self.shadowed[k][0] for k, s in enumerate(sites))
        # read confidently: candidates outside every site only (not even next to an unsure character)
        self.locked = [f for f in self.fields if f in self.fixed_best and not any(
            f in s.readings[0].cands for s in sites)]
        self.cache: dict[tuple[int, ...], tuple[float, int, int, Mapping[str, Value]]] = {}

    def _field_value(self, f: str, choice: tuple[int, ...]) -> Value:
        best = self.fixed_best.get(f)
        for k in self.field_sites[f]:
            c = self.sites[k].readings[choice[k]].best.get(f)
            if c is not None and _better(c, best):
                best = c
        return best.value if best is not None else None

    def _broken(self, check: Check, changed: dict[str, float]) -> bool:
        """Whether ``check`` breaks with the ``changed`` numbers and the first reading's others."""
        first = self.first_nums
        get = lambda f: changed[f] if f in changed else first.get(f, 0)  # noqa: E731
        return abs(sum(map(get, check.lhs)) - sum(map(get, check.rhs))) >= 1e-9

    def _changed(self, choice: tuple[int, ...]) -> dict[str, Value]:
        """The fields whose value differs from the first reading's, with their values."""
        out = {}
        for f in {f for k, r in enumerate(choice) if r for f in self.sites[k].fields if f in self.field_sites}:
            v = self._field_value(f, choice)
            if v != self.first[f]:
                out[f] = v
        return out

    def score(self, choice: tuple[int, ...]) -> tuple[float, int, int, Mapping[str, Value]]:
        """(score, checks broken, malformed counts, values); score -inf if a locked value changed."""
        if choice in self.cache:
            return self.cache[choice]
        delta = self._changed(choice)
        values = ChainMap(delta, self.first)  # read-only view: no copy of every field per choice
        changed = list(delta)
        if any(f in self.locked for f in changed):
            out = (-math.inf, 0, 0, values)
        else:
            readings = [s.readings[r] for s, r in zip(self.sites, choice) if r]  # the others read first
            nums = {f: numeric(values[f]) for f in changed}
            affected = {i for f in changed for i in self.field_checks[f]}
            broken = sum(self.first_broken) + sum(
                self._broken(self.checks[i], nums) - self.first_broken[i] for i in affected)
            malformed = self.first_malformed + sum(
                s.readings[r].malformed + self.shadowed[k][r] - s.readings[0].malformed - self.shadowed[k][0]
                for k, (s, r) in enumerate(zip(self.sites, choice)) if r)
            score = (self.first_gain + sum(r.gain for r in readings) - self.config.violation_cost * broken
                     - self.config.malformed_cost * malformed)
            out = (score, broken, malformed, values)
        self.cache[choice] = out
        return out


def search(scorer: Scorer, config: ArbitrationConfig) -> tuple[int, ...]:
    """Beam search over the group's sites in text order; the first reading wins ties.
    A first reading that breaks nothing scores 0, the best possible: it is kept at once."""
    n = len(scorer.sites)
    first = (0,) * n
    if scorer.score(first)[0] >= 0:
        return first
    beam = [first]
    for k, site in enumerate(scorer.sites):
        expanded = {c[:k] + (r,) + c[k + 1:] for c in beam for r in range(len(site.readings))}
        beam = sorted(expanded, key=lambda c: (-scorer.score(c)[0], sum(c), c))[:config.beam]
    best = beam[0]
    return best if scorer.score(best)[0] > scorer.score(first)[0] + 1e-9 else first


# --------------------------------------------------------------------------- #
# Entry point
# --------------------------------------------------------------------------- #
def arbitrate(text: str, probs: np.ndarray, ids: np.ndarray, template: str,
              config: ArbitrationConfig | None = None, frozen: np.ndarray | None = None,
              prior: ValuePrior | None = None) -> Arbitration:
    """Choose among the model's plausible readings by the template's arithmetic.  ``frozen``
    (bool per character) marks labels decided before (template-order alignment): they are kept.
    ``prior``: the model folder's value prior, for run-together rows (`rows.split_rows`)."""
    config = config or ArbitrationConfig()
    ids = np.asarray(ids).copy()
    decisions: list[dict[str, Any]] = []
    changed: dict[str, int] = {}
    taken = np.zeros(len(ids), dtype=bool)
    if config.split:
        rows, decisions, changed = split_rows(text, probs, ids, template, config, prior)
        for site in rows:
            taken[site.a:site.b] = True
    # a split row's characters are decided; the others' sites are found without them (a site spans
    # from the span before its characters to the span after, and would merge across the row)
    unsure = [p for p in uncertain_positions(probs, ids, config, frozen) if not taken[p]]
    sites = [s for s in find_sites(unsure, ids) if not taken[s.a:s.b].any()]
    for site in sites:
        read_site(site, text, probs, ids, config)
    checks = checks_for(template)
    if config.placement:
        sites += placement_sites(text, probs, ids, template, checks, sites, taken, config)
    if sites:
        _search_sites(text, probs, ids, template, checks, sites, config, decisions, changed)
    if config.fragments:
        for table in ("t2", "t3"):
            _record(fragment_readings(text, probs, ids, template, checks, config, table), ids, decisions, changed)
    if config.totals:
        _record(totals_reading(text, probs, ids, template, checks, config), ids, decisions, changed)
    if config.columns:
        _record(column_readings(text, probs, ids, template, checks, config), ids, decisions, changed)
        _record(table4_columns(text, probs, ids, template, checks, config), ids, decisions, changed)
    if config.sequence:
        _record(sequence_reading(text, probs, ids, template, checks, config), ids, decisions, changed)
        _record(grid_reading(text, probs, ids, template, checks, config), ids, decisions, changed)
    if config.lines:
        _record(line_readings(text, probs, ids, template, checks, config), ids, decisions, changed)
    if config.patterns:
        out, moved = pattern_readings(text, probs, ids, template, checks, config)
        for decision in moved:  # one decision per row moved, all in `out`
            _record((out, decision), ids, decisions, changed)
    if config.joint_columns:
        _record(joint_columns(text, probs, ids, template, checks, config), ids, decisions, changed)
    if config.prior_columns:
        _record(prior_columns(text, probs, ids, template, prior, config), ids, decisions, changed)
    if config.relations:
        out, found = relation_readings(text, probs, ids, template, config, prior)
        for decision in found:  # one decision per row changed, all in `out`
            _record((out, decision), ids, decisions, changed)
    return Arbitration(ids, decisions, changed)


def _record(result: tuple[np.ndarray, dict[str, Any] | None], ids: np.ndarray, decisions: list[dict[str, Any]],
            changed: dict[str, int]) -> None:
    """A whole-table reading's result written into ``ids`` and its decision recorded (in place)."""
    out, decision = result
    if decision is not None:
        ids[:] = out
        for f in decision["fields"]:
            changed[f] = len(decisions)
        decisions.append(decision)


def _search_sites(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                  sites: list[Site], config: ArbitrationConfig, decisions: list[dict[str, Any]],
                  changed: dict[str, int]) -> None:
    """Each group of coupled sites searched with the checks; the chosen readings written into
    ``ids``, their decisions appended (in place)."""
    conf = probs[np.arange(len(ids)), ids]
    known = set(get_template(template).fields)
    in_site = np.zeros(len(ids), dtype=bool)
    for s in sites:
        in_site[s.a:s.b] = True
    fixed: dict[str, list[SpanValue]] = {}  # candidates outside every site
    for span in spans_of(ids):
        if span.kind == "V" and not in_site[span.start]:
            sv = span_value(text, span, conf)
            if sv is not None:
                fixed.setdefault(sv.field, []).append(sv)
    for group in _groups(sites, checks):
        gsites = [sites[i] for i in group]
        scorer = Scorer(gsites, fixed, checks, set().union(*(s.fields for s in gsites)) & known, config)
        choice = search(scorer, config)
        for k, site in enumerate(gsites):
            decision = _decision(text, site, k, choice, scorer, probs, config)
            if choice[k] != 0:
                for f, v in decision["chosen"]["values"].items():
                    if v != scorer.first.get(f):
                        changed[f] = len(decisions)
                seg = ids[site.a:site.b]  # a view: writes the chosen labels into ids
                seg[[p - site.a for p in site.positions]] = site.readings[choice[k]].labels
            decisions.append(decision)


def fill_missed_cells(cells: dict[str, Value], template: str,
                      config: ArbitrationConfig | None = None) -> list[dict[str, Any]]:
    """Blank table-三 cells whose every check agrees on one missing positive count: filled in
    ``cells`` (in place) and returned as decisions."""
    config = config or ArbitrationConfig()
    through: dict[str, list[Check]] = {}
    for check in checks_for(template):
        for f in check.fields:
            through.setdefault(f, []).append(check)
    decisions = []
    for f in get_template(template).table("t3").fields:
        checks = through.get(f, [])
        if cells.get(f) is not None or len(checks) < config.missed_min_checks:
            continue
        implied = {c.needs(f, cells) for c in checks}
        if len(implied) != 1:
            continue
        v = implied.pop()
        if v <= 0 or not float(v).is_integer():
            continue
        cells[f] = int(v)
        where = [f"{c.rule} {c.where}" for c in checks]
        decisions.append({"kind": "missed_cell", "fields": [f], "chosen": {"values": {f: int(v)}},
                          "checks": where, "changed": True,
                          "reason": f"printed blank, but {' and '.join(where)} all hold only with {int(v)}: "
                                    f"a value the text lost (OCR)"})
    return decisions


def _decision(text: str, site: Site, k: int, choice: tuple[int, ...], scorer: Scorer, probs: np.ndarray,
              config: ArbitrationConfig) -> dict[str, Any]:
    """One recorded decision: each reading of the site scored with the other sites as chosen."""
    names = label_names()
    rows = []
    for r, reading in enumerate(site.readings):
        score, broken, malformed, values = scorer.score(choice[:k] + (r,) + choice[k + 1:])
        rows.append({"reading": r, "values": {f: values[f] for f in sorted(site.fields) if f in values},
                     "labels": [names[lab] for lab in reading.labels], "logp": round(reading.gain, 4),
                     "checks_broken": broken, "malformed": malformed,
                     "score": None if score == -math.inf else round(score, 4), "locked": score == -math.inf})
    chosen, first = rows[choice[k]], rows[0]
    top2 = np.sort(probs[site.positions], axis=1)[:, -2:]
    min_margin = float((top2[:, 1] - top2[:, 0]).min())
    if site.kind == "placement":
        reason = (f"the row's values read in the model's cells break {first['checks_broken']} check(s); "
                  + (f"placed in other cells of the row (reading {choice[k]}) they break {chosen['checks_broken']}"
                     if choice[k] != 0 else "no placement of the same values does better: the model's cells kept"))
    elif choice[k] != 0:
        reason = (f"model unsure (margin {min_margin:.2f}); reading {choice[k]} breaks {chosen['checks_broken']} "
                  f"check(s) and has {chosen['malformed']} malformed value(s) (a leading zero, a digit left "
                  f"unread); the model's first reading {first['checks_broken']} and {first['malformed']}")
    elif first["checks_broken"] == 0 and first["malformed"] == 0:
        reason = "the model's first reading kept: it satisfies every check it touches"
    elif all(r["locked"] or r["checks_broken"] + r["malformed"] >= first["checks_broken"] + first["malformed"]
             for r in rows[1:]):
        reason = ("the model's first reading kept: no plausible alternative does better without changing "
                  "a confidently read value")
    else:
        reason = "the model's first reading kept: the alternatives that do better are too improbable"
    ranked = sorted(rows[1:], key=lambda r: (r["score"] is None, -(r["score"] or 0), r["reading"]))
    shown = [first] + ranked[:config.record_alternatives - 1]
    if chosen not in shown:
        shown.append(chosen)
    return {"kind": site.kind, "span": [site.a, site.b], "text": text[site.a:site.b],
            "positions": site.positions, "fields": sorted(site.fields), "min_margin": round(min_margin, 4),
            "alternatives": shown, "chosen": {"reading": choice[k], "values": chosen["values"]},
            "changed": choice[k] != 0, "reason": reason}
