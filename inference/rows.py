"""Rows run together, decided by the arithmetic: row sums, column sums, two rows at once, the prose.

Crawler text runs a table row's cells together; ``split.py`` offers whole-row readings of its
digits (the cuts the model finds most probable, and those that add up).  `split_rows` decides
each row on its own sums (R3; R4 in table 四) and on the figures the report's prose quotes
(收到申请N件, 行政复议N件: the N1 soft check); `_by_column_sums` then re-decides the rows of table
三 on the column sums through them (R1, R2), the other rows as read — adding, for a row no
offered cut makes add up, the cut whose values meet the most column sums — and
`_pairs_by_column_sums` two rows at once.  Every choice is a recorded ``split`` decision; a
printed number is never changed, only how its digits are cut and which cells they fill.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np

from ..data.gold import Value, numeric
from ..data.labels import label2id
from ..data.rules import Check, checks_for, narrative_figures
from ..models.prior import ValuePrior
from .align import SIGNS
from .decode import (best_candidate, fold_width, label_names, read_values, spans_of, value_candidates,
                     value_label_mask, write_cell)
from .sites import Reading, Site, add_readings, is_malformed
from .split import (amount_row, column_reading, cut_points, first_logp, group_commas, numeral_end, printed_chars,
                    row_checks, row_cuts, row_regions, run_on, runs_on_label, signed_row)
from .view import page_number_lines, running_heads, with_digits


def _settled(text: str, probs: np.ndarray, ids: np.ndarray, a: int, b: int, row: tuple[str, ...],
             sums: tuple[Check, ...], vmask: np.ndarray) -> bool:
    """The model's own reading of a row needs no other cut: every digit and mark of ``[a, b)`` is read,
    no count has a leading zero nor a change below minus last year's items nor a sign outside the
    change, and every sum of the row holds — another cut could only win on the model's probability,
    and the first reading is its most probable (a row without sums, table 二's: every digit read, no
    leading zero).  (Saves enumerating the cuts of every row: most rows read right.)"""
    printed = printed_chars(text, a, b, signed_row(row), amount_row(row))
    if (printed & ~vmask[ids[a:b]]).any():  # a digit or mark left out of the cells
        return False
    conf = np.zeros(b)
    conf[a:] = probs[np.arange(a, b), ids[a:b]]
    cands = value_candidates(text, spans_of(ids[a:b], offset=a), conf)
    if any(is_malformed(c) for cs in cands.values() for c in cs):
        return False
    values = {f: best_candidate(cands[f]).value if f in cands else None for f in row}
    if _fewer_than_none(values) or _sign_outside_change({f: best_candidate(cs).text for f, cs in cands.items()}):
        return False
    if not sums and any(v is None for v in values.values()) \
            and run_on(text, a, b, sum(v is not None for v in values.values())) \
            and any(sum(ch.isdigit() for ch in fold_width(c.text)) > 1 for cs in cands.values() for c in cs):
        return False  # run-on digits, a blank cell and a number that could be cut to fill it (table 二)
    return all(values[c.lhs[0]] is not None and c.holds(values) for c in sums)


# a row run together: its site, its readings as recorded, its cells, the index of its decision
RowRead = tuple[Site, list[dict[str, Any]], tuple[str, ...], int]


_DIGIT_RUN = re.compile(r"\d+")


def _runs_together(digits: str, values_read: int) -> bool:
    """The model's reading of the row (``values_read`` values) cuts one of its printed digit runs:
    values abut with nothing between (crawler text, padded with a space here and there:
    ``413914496 527``), not a row printed apart (``0\t200\t202``, which another cut may still split)."""
    return values_read > len(_DIGIT_RUN.findall(fold_width(digits)))


def split_rows(text: str, probs: np.ndarray, ids: np.ndarray, template: str, config: Any,
               prior: ValuePrior | None = None) -> tuple[list[Site], list[dict[str, Any]], dict[str, int]]:
    """Run-together rows (table 二, 三, 四) the model is unsure how to cut (``split.py``), each decided on
    its own row sum: a whole-row reading scores its log-probability, plus `split_match_gain` for
    each of the row's sums that holds with its total read (R3; R4 — a table-四 group left blank
    holds too), plus `narrative_gain` for each figure the prose quotes for its cells that it reads,
    minus `malformed_cost` per malformed value (a leading zero, a digit left unread), plus
    `value_prior_weight` times the log-probability of its values' forms under the model folder's
    ``prior`` where the row's values run on (`xxgk.models.prior`; a table-二 row whose values run on
    is then always read again: its cut may fill every cell and still be wrong).  The
    chosen labels are written into ``ids``; returns the sites (their characters are not revisited),
    one decision each, and field -> decision for the values changed.  Table-三 rows run together are
    then decided again on the column sums (`_by_column_sums`) — with them, where a column sum breaks,
    the rows whose own cut adds up and were left as read (``22426`` cut 2 | 24 | 26 adds up too)."""
    sites, decisions, changed = [], [], {}
    run_together: list[RowRead] = []
    vmask = value_label_mask()
    digits = with_digits(text)  # OCR's look-alikes inside numbers as digits (``5〇`` is 5 and 0), same offsets
    seen = np.ones(len(text), dtype=bool)  # not the page numbers and running heads the model view leaves out
    pages = page_number_lines(text)
    for a, b in pages + running_heads(text, pages):
        seen[a:b] = False
    quoted = quoted_figures(text, ids) if config.narrative_gain else ()
    use_prior = prior is not None and config.value_prior_weight > 0
    prior = prior if use_prior else None

    def read_row(a: int, b: int, row: tuple[str, ...], read: Any, sums: tuple[Check, ...]) -> None:
        end = numeral_end(digits, a, b)  # the cuts leave a list number of the next label unread
        cuts = row_cuts(digits, probs, a, end, row, template, config.split_min, config.split_max_cuts,
                        config.split_readings, config.split_column_weight)
        if not cuts:
            return
        base = first_logp(digits, probs, a, end, ids, row, config.split_min, config.split_max_cuts,
                          config.split_column_weight)
        first = tuple(int(x) for x in ids[a:b])
        runs_on = runs_on_label(text, a, b, len(read))
        blank_costs = not sums and runs_on  # a blank cell leaves no trace
        site = Site(a, b, list(range(a, b)))
        unread = (label2id()["O"],) * (b - end)
        add_readings(site, text, probs, ids, [(0.0, first)] + [(c.logp - base, c.labels + unread) for c in cuts
                                                                if c.labels + unread != first])
        rows = [_row_entry(k, reading, row, sums, blank_costs, config, quoted, prior if runs_on else None)
                for k, reading in enumerate(site.readings)]
        best = max(rows, key=lambda r: (r["score"], -r["reading"]))
        sites.append(site)
        if best["reading"] != 0:
            ids[a:b] = site.readings[best["reading"]].labels
            for f in row:
                if best["values"][f] != rows[0]["values"][f]:
                    changed[f] = len(decisions)
        if sums and row[0].startswith("t3.") and \
                _runs_together(digits[a:b], sum(v is not None for v in rows[0]["values"].values())):
            run_together.append((site, rows, row, len(decisions)))
        ranked = sorted(rows[1:], key=lambda r: (-r["score"], r["reading"]))
        shown = [rows[0]] + [r for r in ranked[:config.record_alternatives - 1]]
        if best not in shown:
            shown.append(best)
        decisions.append({
            "kind": "split", "span": [a, b], "text": text[a:b], "fields": list(row), "alternatives": shown,
            "chosen": {"reading": best["reading"], "values": best["values"]}, "changed": best["reading"] != 0,
            "reason": (f"run-together row; the model's cut {'adds' if rows[0]['adds_up'] else 'does not add'} up "
                       f"across the row; reading {best['reading']} (log-probability {best['logp']:.2f} against the "
                       f"model's cut{', adds up' if best['adds_up'] else ''}) scores best")})

    settled = []  # table-三 rows run together whose cut adds up: read again if the column sums break
    for a, b, row, read in row_regions(digits, ids, template, seen):
        sums = row_checks(template, row)
        if _settled(digits, probs, ids, a, b, row, sums, vmask) and not (
                use_prior and not sums and len(row) > 1 and runs_on_label(text, a, b, len(read))):
            if config.split_joint_states and sums and row[0].startswith("t3.") \
                    and _runs_together(digits[a:b], len(read)):
                settled.append((a, b, row, read, sums))
            continue
        read_row(a, b, row, read, sums)
    if settled and config.split_column_sums:
        values = read_values(text, probs, ids)
        if any(not c.holds(values) for c in checks_for(template) if c.rule in ("R1", "R2")):
            for a, b, row, read, sums in settled:
                read_row(a, b, row, read, sums)
            run_together.sort(key=lambda r: r[0].a)
    if run_together and config.split_column_sums:
        _by_column_sums(text, probs, ids, template, run_together, decisions, changed, config)
    return sites, decisions, changed


def _row_entry(k: int, reading: Reading, row: tuple[str, ...], sums: tuple[Check, ...], blank_costs: bool,
               config: Any, quoted: Quoted = (), prior: ValuePrior | None = None) -> dict[str, Any]:
    """A whole-row reading as recorded and scored: its log-probability (weighted), `split_match_gain` per
    sum of the row that holds, `narrative_gain` per figure the report's prose quotes for the row's
    cells (``quoted``: `quoted_figures`) that it reads, `malformed_cost` per malformed value (and
    for a change below minus last year's items, a sign outside the change: `_fewer_than_none`,
    `_sign_outside_change`), `split_blank_cost` per blank cell where ``blank_costs``, and
    `value_prior_weight` times the log-probability of its values' forms under ``prior``."""
    values = {f: reading.best[f].value if f in reading.best else None for f in row}
    adds_up = sum(c.holds(values) and (values[c.lhs[0]] is not None or all(values[f] is None for f in c.rhs))
                  for c in sums)  # a total read, or a group left blank (table 四)
    quotes = sum(all(f in values for f in fields) and sum(numeric(values[f]) for f in fields) == value
                 for value, fields in quoted)
    blanks = sum(v is None for v in values.values()) if blank_costs else 0
    forms = prior.row_logp(values) if prior is not None else 0.0
    score = (config.split_logp_weight * reading.gain + config.split_match_gain * adds_up
             + config.narrative_gain * quotes
             - config.malformed_cost * (reading.malformed + _fewer_than_none(values)
                                        + _sign_outside_change({f: c.text for f, c in reading.best.items()}))
             - config.split_blank_cost * blanks + config.value_prior_weight * forms)
    return {"reading": k, "values": values, "labels": [label_names()[lab] for lab in reading.labels],
            "logp": round(reading.gain, 4), "adds_up": adds_up, **({"quoted": quotes} if quoted else {}),
            "malformed": reading.malformed, **({"prior": round(forms, 4)} if prior is not None else {}),
            "score": round(score, 4)}


def _fewer_than_none(values: Mapping[str, Value]) -> int:
    """1 if the row's 本年增/减 takes away more items than it had the year before (上年项目数量 4,
    本年增/减 −11278): a count of items cannot fall below zero — ``4－112780`` is 4, −1, 12780.  Costs
    as a malformed value (soft: a report may print it)."""
    prev = next((v for f, v in values.items() if f.endswith(".prev_items")), None)
    change = next((v for f, v in values.items() if f.endswith(".change")), None)
    return int(isinstance(prev, int) and isinstance(change, int) and prev + change < 0)


def _sign_outside_change(texts: Mapping[str, str]) -> int:
    """Cells (field → printed text) holding a number printed with a sign, other than a 本年增/减 (only
    it is ever negative, F3; ``11+279`` is 11, +2, 79, not 1, 1, +279)."""
    return sum(not f.endswith(".change") and t.lstrip()[:1] in SIGNS for f, t in texts.items())


Quoted = tuple[tuple[int, tuple[str, ...]], ...]


def quoted_figures(text: str, ids: np.ndarray) -> Quoted:
    """The counts the report's prose quotes before its tables (收到申请N件, 行政复议N件, 行政诉讼N件:
    ``xxgk.data.rules.narrative_figures``) as ``(value, fields whose sum it is)``."""
    first = next((s.start for s in spans_of(ids) if s.kind == "V"), len(text))
    return tuple((value, fields) for _, value, fields in narrative_figures(text, first))


def _column_reading(text: str, probs: np.ndarray, ids: np.ndarray, site: Site, rows: list[dict[str, Any]],
                    row: tuple[str, ...], sums: tuple[Check, ...], through: list[tuple[Check, set[str]]],
                    values: Mapping[str, Value], config: Any) -> None:
    """One more reading of a row run together that no cut offered makes add up: the cut whose
    values meet the most column sums through the row (`split.column_reading`), the other rows as
    read; appended to the site's readings and ``rows`` (the column sums then weigh it as any other)."""
    digits = with_digits(text)
    a, b = site.a, site.b
    end = numeral_end(digits, a, b)
    if group_commas(digits, a, end).any():
        return
    q, digit, fixed, _ = cut_points(digits, probs, a, end, config.split_min, config.split_max_cuts)
    expected = [[int(v) for c, cells in through if f in cells
                 for v in [c.needs(f, values)] if v >= 0 and v == int(v)] for f in row]
    shown = "".join(fold_width(ch) if d else " " for ch, d in zip(digits[a:end], digit))
    cells = column_reading(shown, printed_chars(digits, a, end), set(fixed), q, expected)
    if not cells:
        return
    labels = np.full(b - a, label2id()["O"])
    for s, e, c in cells:
        write_cell(labels, s, e, row[c])
    if any(tuple(r.labels) == tuple(labels) for r in site.readings):
        return
    scored = ids.copy()
    scored[a:b] = labels
    first = ids.copy()
    first[a:b] = site.readings[0].labels
    gain = (first_logp(digits, probs, a, end, scored, row, config.split_min, config.split_max_cuts,
                       config.split_column_weight)
            - first_logp(digits, probs, a, end, first, row, config.split_min, config.split_max_cuts,
                         config.split_column_weight))
    add_readings(site, text, probs, ids, [(gain, tuple(int(x) for x in labels))])
    rows.append(_row_entry(len(site.readings) - 1, site.readings[-1], row, sums, False, config))


def _by_column_sums(text: str, probs: np.ndarray, ids: np.ndarray, template: str,
                    rows_read: list[RowRead],
                    decisions: list[dict[str, Any]], changed: dict[str, int], config: Any) -> None:
    """Table-三 rows run together re-decided on the column sums through them (R1, R2), the other rows
    as read: each sum that holds through a cell the reading fills adds `split_match_gain` to its
    score, as its row sum would (a blank cell confirms nothing: a column nothing is printed in
    holds whatever the row reads), among the readings that add up across the row at least as often
    as the one chosen (a row cut two ways that both add up; a misprinted row no cut makes add up).
    Rows in text order, twice over (a row decided changes the sums of the next); then two rows at a
    time (`_pairs_by_column_sums`).  The decisions and ``ids`` are updated in place."""
    columns = [c for c in checks_for(template) if c.rule in ("R1", "R2")]
    least = [rows[decisions[k]["chosen"]["reading"]]["adds_up"] for _, rows, _, k in rows_read]  # a row that
    for round_ in range(2):  # adds up keeps adding up
        values = read_values(text, probs, ids)
        moved = False
        for n, (site, rows, row, k) in enumerate(rows_read):
            through = [(c, set(c.fields) & set(row)) for c in columns if set(c.fields) & set(row)]
            if round_ == 0 and config.split_column_reading and not least[n]:
                _column_reading(text, probs, ids, site, rows, row, row_checks(template, row), through, values, config)
            filled = [[c for c, cells in through if any(r["values"][f] is not None for f in cells)] for r in rows]
            held = [sum(c.holds({**values, **r["values"]}) for c in cs) for r, cs in zip(rows, filled)]
            score = [r["score"] + config.split_match_gain * h for r, h in zip(rows, held)]
            best = max((j for j, r in enumerate(rows) if r["adds_up"] >= least[n]), key=lambda j: (score[j], -j))
            if best != decisions[k]["chosen"]["reading"]:
                moved = True
                _choose(ids, values, rows_read[n], best, (held[best], len(filled[best])), decisions, changed,
                        "the other rows as read")
        if not moved:
            break
    if config.split_pair_readings:
        _pairs_by_column_sums(text, probs, ids, columns, rows_read, least, decisions, changed, config)


def _choose(ids: np.ndarray, values: dict[str, Value], row_read: RowRead,
            best: int, held: tuple[int, int], decisions: list[dict[str, Any]], changed: dict[str, int],
            others: str) -> None:
    """Write a run-together row's reading ``best``, chosen on the column sums (``held``: how many of
    those through the cells it fills hold, of how many), into ``ids``, ``values`` and its decision."""
    site, rows, row, k = row_read
    ids[site.a:site.b] = site.readings[best].labels
    values.update(rows[best]["values"])
    for f in row:
        if rows[best]["values"][f] != rows[0]["values"][f]:
            changed[f] = k
        else:
            changed.pop(f, None)
    decision = decisions[k]
    if rows[best] not in decision["alternatives"]:
        decision["alternatives"].append(rows[best])
    decision.update({
        "chosen": {"reading": best, "values": rows[best]["values"]}, "changed": best != 0,
        "column_sums": {"held": held[0], "of": held[1]},
        "reason": (f"run-together row; reading {best} keeps {held[0]} of the {held[1]} column sums through "
                   f"the cells it fills (R1, R2), {others}, and scores best with them")})


Options = tuple[list[list[int]], list[np.ndarray], list[np.ndarray], list[np.ndarray]]


def _row_options(rows_read: list[RowRead], least: list[int], chosen: list[int], columns: list[Check],
                 config: Any) -> Options:
    """Each run-together row's `split_pair_readings` best-scoring readings that add up as often as the
    one it had (and that one): their indices, each one's share of each column sum (lhs − rhs), the
    sums through a cell it fills, and its score."""
    index = {id(c): x for x, c in enumerate(columns)}
    options, part, fills, scores = [], [], [], []
    for n, (_, rows, row, _) in enumerate(rows_read):
        ok = sorted((j for j, r in enumerate(rows) if r["adds_up"] >= least[n]), key=lambda j: (-rows[j]["score"], j))
        ok = ok[:config.split_pair_readings] + ([chosen[n]] if chosen[n] not in ok[:config.split_pair_readings] else [])
        options.append(ok)
        share = np.zeros((len(ok), len(columns)))
        fill = np.zeros((len(ok), len(columns)), dtype=bool)
        for x, j in enumerate(ok):
            for c in columns:
                for f in set(c.fields) & set(row):
                    v = rows[j]["values"][f]
                    share[x, index[id(c)]] += numeric(v) * (1 if f in c.lhs else -1)
                    fill[x, index[id(c)]] |= v is not None
        part.append(share), fills.append(fill), scores.append(np.array([rows[j]["score"] for j in ok]))
    return options, part, fills, scores


def _pairs_by_column_sums(text: str, probs: np.ndarray, ids: np.ndarray, columns: list[Check],
                          rows_read: list[RowRead],
                          least: list[int], decisions: list[dict[str, Any]], changed: dict[str, int],
                          config: Any) -> None:
    """Two run-together rows decided at once on the column sums through either: rows each cut two
    ways that add up (``73061301188893``: 730 | 61 | 3 … or 730 | 6 | 1 | 30 …), whose totals row
    was cut the same wrong way — one row moved alone breaks sums the other keeps.  Among each row's
    `split_pair_readings` best-scoring readings that add up as often as the one it had; a pair
    moves when its joint score (both rows' scores, `split_match_gain` per sum through a cell either
    fills that holds) beats the pair as read, and most of those sums hold (else the table is
    misread elsewhere and the columns tell nothing)."""
    values = read_values(text, probs, ids)
    chosen = [decisions[k]["chosen"]["reading"] for _, _, _, k in rows_read]
    options, part, fills, scores = _row_options(rows_read, least, chosen, columns, config)
    total = np.array([c.sides(values)[0] - c.sides(values)[1] for c in columns], dtype=float)
    at = [opts.index(chosen[n]) for n, opts in enumerate(options)]  # each row's reading, as an option
    contested = [n for n, opts in enumerate(options) if len(opts) > 1]
    for x, n in enumerate(contested):
        for m in contested[x + 1:]:
            rest = total - part[n][at[n]] - part[m][at[m]]  # the sums without the two rows
            sums = rest[None, None, :] + part[n][:, None, :] + part[m][None, :, :]
            through = fills[n][:, None, :] | fills[m][None, :, :]
            held = ((np.abs(sums) < 1e-9) & through).sum(axis=2)
            of = through.sum(axis=2)
            joint = scores[n][:, None] + scores[m][None, :] + config.split_match_gain * held
            allowed = 2 * held > of
            allowed[at[n], at[m]] = True
            joint = np.where(allowed, joint, -np.inf)
            i, j = np.unravel_index(int(np.argmax(joint)), joint.shape)
            if joint[i, j] <= joint[at[n], at[m]] + 1e-9:
                continue
            total = rest + part[n][i] + part[m][j]
            for row_n, pick in ((n, i), (m, j)):
                if pick != at[row_n]:
                    at[row_n] = int(pick)
                    held_row = int(((np.abs(total) < 1e-9) & fills[row_n][pick]).sum())
                    _choose(ids, values, rows_read[row_n], options[row_n][pick],
                            (held_row, int(fills[row_n][pick].sum())), decisions, changed,
                            "decided together with another row run together")
    if config.split_joint_states:
        _all_by_column_sums(ids, values, columns, rows_read, least, decisions, changed, config)


def _all_by_column_sums(ids: np.ndarray, values: dict[str, Value], columns: list[Check], rows_read: list[RowRead],
                        least: list[int], decisions: list[dict[str, Any]], changed: dict[str, int],
                        config: Any) -> None:
    """All run-together rows decided at once on the column sums: three rows each cut ``22426`` as
    2 | 24 | 26 for 22 | 4 | 26 (which adds up too) leave a column 60 short, and moving one or two
    of them leaves it short still.  A beam over the rows in text order, each row taking one of its options
    (`_row_options`), the states being the column sums' differences so far (the best-scoring way to
    each kept, the `split_joint_states` best kept); at the end each state scores its rows' scores
    and `split_match_gain` per sum through a filled cell that holds.  Taken when it beats the rows
    as read — with no share of the sums required to hold, unlike two rows: these rows' cells move
    values between columns whose other rows may be placed wrong for now (blanks printed as nothing,
    ``joint.py`` moves them later).  Measured on cached probabilities (seed-2 halves): with that
    share required 418 / 284 wrong cells, without 413 / 274; seed-1 halves unchanged either way."""
    chosen = [decisions[k]["chosen"]["reading"] for _, _, _, k in rows_read]
    options, part, fills, scores = _row_options(rows_read, least, chosen, columns, config)
    contested = [n for n, opts in enumerate(options) if len(opts) > 1]
    if len(contested) < 3:
        return
    total = np.array([c.sides(values)[0] - c.sides(values)[1] for c in columns], dtype=float)
    if (np.abs(total) < 1e-9).all():  # every column sum holds as read
        return
    at = [opts.index(chosen[n]) for n, opts in enumerate(options)]
    sums = (total - sum(part[n][at[n]] for n in contested))[None, :]  # the sums without the contested rows
    through = np.zeros_like(sums, dtype=bool)
    score, picks = np.zeros(1), np.zeros((1, 0), dtype=np.int64)
    for n in contested:
        k = len(options[n])
        sums = (sums[:, None, :] + part[n][None, :, :]).reshape(-1, len(columns))
        through = (through[:, None, :] | fills[n][None, :, :]).reshape(-1, len(columns))
        score = (score[:, None] + scores[n][None, :]).reshape(-1)
        picks = np.concatenate([np.repeat(picks, k, axis=0), np.tile(np.arange(k), len(picks))[:, None]], axis=1)
        order = np.argsort(-score, kind="stable")
        _, first = np.unique(np.round(sums[order], 6), axis=0, return_index=True)
        keep = order[np.sort(first)[:config.split_joint_states]]  # the best way to each state, best first
        sums, through, score, picks = sums[keep], through[keep], score[keep], picks[keep]
    held = ((np.abs(sums) < 1e-9) & through).sum(axis=1)
    joint = score + config.split_match_gain * held
    now = [at[n] for n in contested]
    was_through = np.any([fills[n][at[n]] for n in contested], axis=0)
    was_joint = (sum(scores[n][at[n]] for n in contested)
                 + config.split_match_gain * int(((np.abs(total) < 1e-9) & was_through).sum()))
    best = int(np.argmax(joint))
    if joint[best] <= was_joint + 1e-9 or list(picks[best]) == now:
        return
    final = sums[best]
    for n, pick in zip(contested, picks[best]):
        if pick != at[n]:
            held_row = int(((np.abs(final) < 1e-9) & fills[n][pick]).sum())
            _choose(ids, values, rows_read[n], options[n][pick], (held_row, int(fills[n][pick].sum())), decisions,
                    changed, "decided together with all rows run together")


__all__ = ["quoted_figures", "split_rows"]
