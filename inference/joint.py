"""Table 三's columns chosen together: blanks printed as nothing, rows that must agree.

Where a report prints a blank cell as nothing (crawler text; one cell per line with no
line for an empty cell) a row's values fit several sets of its cells, and the model
guesses row by row.  Rows guessed apart break the column sums (R1, R2) that the
printed table keeps, while rows guessed alike keep them: the sums tie the rows'
columns together, which no one-row decision sees.

Each table-三 row read in cell order with fewer values than cells may give its values,
in the same order, to other cells of the row (its total stays the total).  A steepest
descent — each step the one row move that makes the checks' differences (Σ |left − right|
over R1–R3) smallest, or when none shrinks them the best two rows moved at once (a value
leaving a column another row's value enters), only while they shrink, at most `MAX_MOVES`
steps — finds a reading near
the model's that the sums hold for (where it stops short with a check broken and every row's
values are printed apart, a beam over all rows' placements at once, `_all_rows`, taken where it
breaks fewer checks than the model's reading), which is taken when

    weight × Σ_values (log p(new cell) − log p(cell read)) − violation_cost × (checks broken)

beats the model's reading: one ``joint_columns`` decision.  A printed number never
changes; which columns a value sits in is what the blanks left open.  Nothing here
knows a layout or a report.
"""
from __future__ import annotations

import re
from itertools import combinations
from typing import Any, Callable

import numpy as np

from ..data.gold import numeric
from ..data.labels import Span
from ..data.rules import Check
from ..models.prior import ValuePrior
from .decode import read_values, spans_of
from .fragments import table_rows
from .place import keeps_steps
from .split import cell_steps, run_on
from .whole import Key, Moves, cell_logp

MAX_MOVES = 40  # row moves at most (table 三 has 25 rows); none that makes the differences smaller ends the
# search.  12 once: a report whose every row was read a column off stopped with 9 sums broken (cached
# probabilities, seed-2 test reports: 446 -> 418 wrong cells, nothing else changed)


def _movable(spans: list[Span], rows: tuple[str, ...], cols: tuple[str, ...]
             ) -> dict[str, tuple[list[Key], tuple[int, ...]]]:
    """Row → (its value spans, their cells), for the table-三 rows read in cell order with fewer
    values than cells."""
    col_of = {c: j for j, c in enumerate(cols)}
    wanted = set(rows)
    by_row: dict[str, list[tuple[Key, int]]] = {}
    for s in spans:
        f = s.tag[2:]
        if s.kind != "V" or not f.startswith("t3."):
            continue
        row, col = f[3:].rsplit(".", 1)
        if row in wanted and col in col_of:
            by_row.setdefault(row, []).append(((s.start, s.end), col_of[col]))
    out = {}
    for row, found in by_row.items():
        js = tuple(j for _, j in found)
        if len(found) < len(cols) and all(a < b for a, b in zip(js, js[1:])):
            out[row] = ([k for k, _ in found], js)
    return out


def _placements(n: int, total_read: bool, cols: int) -> list[tuple[int, ...]]:
    """Cells for ``n`` values in order: the total stays last when it is read."""
    if total_read:
        return [(*c, cols - 1) for c in combinations(range(cols - 1), n - 1)]
    return list(combinations(range(cols), n))


def joint_columns(text: str, probs: np.ndarray, ids: np.ndarray, template: str, checks: list[Check],
                  config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Table 三's rows given the columns that make its sums hold together, where that scores better
    than the model's: ``(ids, decision)`` (the ids relabelled, a copy), or ``(ids, None)``."""
    rows, cols = table_rows(template)
    if not cols:
        return ids, None
    spans = spans_of(ids)
    found = _movable(spans, rows, cols)
    movable = {r: ks for r, (ks, _) in found.items()}
    place = {r: js for r, (_, js) in found.items()}
    current: dict[Key, str | None] = {k: f"t3.{r}.{cols[j]}" for r, (ks, js) in found.items() for k, j in zip(ks, js)}
    if not current:
        return ids, None
    cells = tuple(f"t3.{r}.{c}" for r in rows for c in cols)
    moves = Moves(text, probs, ids, spans, current, cells, checks)
    first_broken = moves.broken(moves.current)
    if not first_broken:
        return ids, None

    # numeric values of the model's reading, and each check's difference (left − right)
    values = {f: float(numeric(v)) for f, v in moves.values(moves.current).items() if f in moves.index}
    terms = [[(f, 1.0) for f in c.lhs] + [(f, -1.0) for f in c.rhs] for c in moves.checks]
    diff = np.array([sum(s * values.get(f, 0.0) for f, s in t) for t in terms])
    through: dict[str, list[tuple[int, float]]] = {}
    for n, t in enumerate(terms):
        for f, s in t:
            through.setdefault(f, []).append((n, s))
    number = {k: float(numeric(moves.parsed[k].value)) if moves.parsed[k] is not None else 0.0 for k in current}
    # tabs between a row's values fix how many cells apart they sit (`place.keeps_steps`)
    options = {r: [o for o in _placements(len(ks), place[r][-1] == len(cols) - 1, len(cols))
                   if o == place[r] or keeps_steps(o, cell_steps(text, ks))] for r, ks in movable.items()}

    def row_delta(row: str, old: tuple[int, ...], new: tuple[int, ...]) -> np.ndarray:
        """How the checks' differences change when ``row``'s values move from ``old`` to ``new``."""
        delta = np.zeros(len(terms))
        for k, a, b in zip(movable[row], old, new):
            if a != b:
                for n, s in through.get(f"t3.{row}.{cols[a]}", ()):
                    delta[n] -= s * number[k]
                for n, s in through.get(f"t3.{row}.{cols[b]}", ()):
                    delta[n] += s * number[k]
        return delta

    order = sorted(movable, key=lambda r: movable[r][0][0])
    start, diff0 = dict(place), diff.copy()  # the model's reading, before the descent

    def value_gain(row: str, option: tuple[int, ...]) -> float:
        """Σ over the row's values of log p(new cell) − log p(cell read)."""
        at = lambda j: moves.index[f"t3.{row}.{cols[j]}"]  # noqa: E731
        return float(sum(moves.logp[k][at(b)] - moves.logp[k][at(a)]
                         for k, a, b in zip(movable[row], start[row], option)))

    for _ in range(MAX_MOVES):  # steepest descent: the one row move that shrinks the differences most …
        now = np.abs(diff).sum()
        steps = [(row, option) for row in order for option in options[row] if option != place[row]]
        if not steps or now < 1e-9:
            break
        deltas = np.array([row_delta(row, place[row], option) for row, option in steps])
        single = np.abs(diff + deltas).sum(axis=1)
        k = int(single.argmin())
        if single[k] < now - 1e-9:
            chosen = [steps[k]]
        elif config.joint_pairs:  # … or two rows at once: a value moved out of a column another row's value moves into
            rows_of = np.array([order.index(row) for row, _ in steps])
            best = (now - 1e-9, -1, -1)
            for i in range(len(steps)):  # one step at a time against all: memory of one row of pairs
                pair = np.abs(diff + deltas[i] + deltas).sum(axis=1)
                pair[rows_of == rows_of[i]] = np.inf
                j = int(pair.argmin())
                if pair[j] < best[0]:
                    best = (pair[j], i, j)
            if best[1] < 0:
                break
            chosen = [steps[best[1]], steps[best[2]]]
        else:
            break
        for row, option in chosen:
            diff += row_delta(row, place[row], option)
            place[row] = option

    def scored(at: dict[str, tuple[int, ...]]) -> tuple[float, int, dict[Key, str | None]]:
        assign = {k: f"t3.{r}.{cols[j]}" for r, ks in movable.items() for k, j in zip(ks, at[r])}
        changed = [k for k in assign if assign[k] != moves.current[k]]
        evidence = moves.gain(assign, [[k] for k in changed])  # summed over the values moved
        broken = moves.broken(assign)
        return config.joint_columns_weight * evidence - config.violation_cost * (broken - first_broken), broken, assign

    gain, after, assign = scored(place)
    # the descent stopped short: all rows at once — where every row's values are printed apart (a
    # row run together, ``581012273``, is cut in doubt, and its cut is decided on the sums already)
    apart = not any(run_on(text, ks[0][0], ks[-1][1], len(ks)) for ks in movable.values())
    if config.joint_states and apart and np.abs(diff).sum() > 1e-9:
        together = scored(_all_rows(order, options, diff0, lambda row, o: row_delta(row, start[row], o),
                                    value_gain, config.joint_states))
        if together[1] < first_broken and together[0] > gain:  # to make sums hold, never for the columns alone
            gain, after, assign = together
    if assign == moves.current or gain <= 0:
        return ids, None
    changed = [k for k in assign if assign[k] != moves.current[k]]
    return Moves.write(ids, assign), {
        "kind": "joint_columns", "changed": True, "fields": moves.moved(assign),
        "span": [min(k[0] for k in changed), max(k[1] for k in changed)],
        "rows": sorted({assign[k][3:].rsplit(".", 1)[0] for k in changed}),
        "checks_broken": {"model": first_broken, "chosen": after}, "score": round(gain, 4),
        "reason": (f"table 三 with blank cells printed as nothing: {len(changed)} value(s) moved to other cells "
                   f"of their rows, in order, so the rows' columns agree; checks broken {first_broken} -> {after}")}


def _all_rows(order: list[str], options: dict[str, list[tuple[int, ...]]], diff: np.ndarray,
              delta: Callable[[str, tuple[int, ...]], np.ndarray], value_gain: Callable[[str, tuple[int, ...]], float],
              states: int) -> dict[str, tuple[int, ...]]:
    """Every movable row's placement chosen at once: a beam over the rows in text order, each row
    taking one of its placements, the states the checks' differences so far (``diff`` as read;
    ``delta``: how a row's placement changes them), the best-scoring way to each kept
    (``value_gain``: the placement's log-probability against the model's), ``states`` of them; at
    the end the state that breaks the fewest checks, of those the most probable.  For where the
    descent stops short: each single or paired move leaves the differences as large, yet moving
    five short rows together makes every column add up (a Word table with page breaks, blanks
    printed as nothing, its rows read packed to the left)."""
    sums, score = diff[None, :], np.zeros(1)
    picks = np.zeros((1, 0), dtype=np.int64)
    for row in order:
        opts = options[row]
        part = np.array([delta(row, o) for o in opts])
        gain = np.array([value_gain(row, o) for o in opts])
        k = len(opts)
        sums = (sums[:, None, :] + part[None, :, :]).reshape(-1, len(diff))
        score = (score[:, None] + gain[None, :]).reshape(-1)
        picks = np.concatenate([np.repeat(picks, k, axis=0), np.tile(np.arange(k), len(picks))[:, None]], axis=1)
        order_ = np.argsort(-score, kind="stable")
        _, first = np.unique(np.round(sums[order_], 6), axis=0, return_index=True)
        keep = order_[np.sort(first)[:states]]
        sums, score, picks = sums[keep], score[keep], picks[keep]
    broken = (np.abs(sums) > 1e-9).sum(axis=1)
    best = int(np.lexsort((-score, broken))[0])
    return {row: options[row][int(j)] for row, j in zip(order, picks[best])}


_PLACED = re.compile("\t|[ \u3000\xa0]{3}")  # a tab or a padded gap: where the values sit is printed


def prior_columns(text: str, probs: np.ndarray, ids: np.ndarray, template: str, prior: ValuePrior | None,
                  config: Any) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Table 三's printed applicant columns moved, whole and in order, to the columns the model and the
    value prior find likeliest together, where blank cells leave no trace: ``(ids, decision)``.

    Every sum of table 三 (R1–R3) is the same for each applicant column, so giving each column read
    another — keeping their order, each row's values still in order and its separators' steps
    (`place.keeps_steps`) — breaks no sum it kept: only the model's column probabilities and how
    the training annotations print each cell (``prior``: a research-institute column blank in most
    reports, a natural-person column rarely) tell the readings apart.  A reading scores

        Σ_values (log p(new cell) − log p(cell read)) + value_prior_weight × Σ_cells Δ log P(form | cell)

    and is taken where it beats the model's (> 0): one ``prior_columns`` decision.  A column with a tab
    or a padded gap (`_PLACED`) between a row's values stays where it is: there its place is printed."""
    if prior is None or config.value_prior_weight <= 0:
        return ids, None
    rows, cols = table_rows(template)
    if not cols:
        return ids, None
    applicant = len(cols) - 1
    col_of = {c: j for j, c in enumerate(cols)}
    keys: dict[str, list[tuple[Key, int]]] = {}
    for s in spans_of(ids):
        f = s.tag[2:]
        if s.kind == "V" and f.startswith("t3."):
            row, col = f[3:].rsplit(".", 1)
            if row in rows and col in col_of:
                keys.setdefault(row, []).append(((s.start, s.end), col_of[col]))
    printed = sorted({j for found in keys.values() for _, j in found if j < applicant})
    if not printed or len(printed) == applicant:
        return ids, None
    values = read_values(text, probs, ids)
    logp = {row: [cell_logp(probs, k[0], k[1], tuple(f"t3.{row}.{c}" for c in cols)) for k, _ in found]
            for row, found in keys.items()}
    steps = {row: cell_steps(text, [k for k, _ in found]) for row, found in keys.items()}
    placed = {j for found in keys.values() for _, j in found  # a tab or a padded gap between a row's values
              if any(_PLACED.search(text, e, s) for ((_, e), _), ((s, _), _) in zip(found, found[1:]))}

    def score(to: dict[int, int]) -> float | None:
        total = 0.0
        for row, found in keys.items():
            new = tuple(to.get(j, j) for _, j in found)
            if any(b <= a for a, b in zip(new, new[1:])) or not keeps_steps(new, steps[row]):
                return None
            total += sum(float(lp[b] - lp[j]) for lp, (_, j), b in zip(logp[row], found, new))
            old = {f"t3.{row}.{cols[j]}": values.get(f"t3.{row}.{cols[j]}") for j in range(applicant)}
            moved = {f"t3.{row}.{cols[j]}": None for j in range(applicant)}
            for (_, j), b in zip(found, new):
                if j < applicant:  # the total stays the total
                    moved[f"t3.{row}.{cols[b]}"] = old[f"t3.{row}.{cols[j]}"]
            total += config.value_prior_weight * (prior.row_logp(moved) - prior.row_logp(old))
        return total

    best, top = None, 1e-9
    for target in combinations(range(applicant), len(printed)):
        to = dict(zip(printed, target))
        if target == tuple(printed) or any(to[j] != j for j in placed if j in to):
            continue
        sc = score(to)
        if sc is not None and sc > top:
            best, top = to, sc
    if best is None:
        return ids, None
    assign = {k: f"t3.{row}.{cols[best.get(j, j)]}" for row, found in keys.items() for k, j in found}
    fields = sorted({f for row, found in keys.items() for k, j in found if best.get(j, j) != j
                     for f in (f"t3.{row}.{cols[j]}", assign[k])})
    moved = {cols[j]: cols[b] for j, b in best.items() if b != j}
    where = ", ".join(f"{a} -> {b}" for a, b in moved.items())
    return Moves.write(ids, assign), {
        "kind": "prior_columns", "changed": True, "fields": fields, "columns": moved, "score": round(top, 4),
        "reason": (f"table 三 with blank cells printed as nothing: column(s) {where} moved whole, in order (every "
                   f"sum holds either way); the model's column probabilities and the value prior score {top:.2f} "
                   f"better so")}


UNSURE = 0.5  # the model's mean probability of a column below which its reading is a guess


def undecided_columns(text: str, probs: np.ndarray, cells: dict[str, Any], details: dict[str, dict[str, Any]],
                      template: str) -> list[dict[str, Any]]:
    """Table-三 columns the text and the sums cannot tell apart: an applicant column read in some
    rows, another printed in none, every row's values still in order if the first moved to the
    second — then every sum (R1–R3) holds either way, and where the model's own probability of the
    column it read is below `UNSURE` (blanks printed as nothing leave it nothing to count by) the
    reading is a guess.  One ``undecided_columns`` record per such column (nothing is changed)."""
    rows, cols = table_rows(template)
    if not cols:
        return []
    applicant = cols[:-1]
    printed = {c: [r for r in rows if cells.get(f"t3.{r}.{c}") is not None] for c in applicant}
    out = []
    for j, c in enumerate(applicant):
        if not printed[c]:
            continue
        ps = []
        for r in printed[c]:
            span = details.get(f"t3.{r}.{c}", {}).get("span")
            if span:
                row_cells = tuple(f"t3.{r}.{k}" for k in cols)
                ps.append(float(np.exp(cell_logp(probs, span[0], span[1], row_cells)[j])))
        if not ps or float(np.mean(ps)) >= UNSURE:
            continue
        others = []
        for k, other in enumerate(applicant):
            if k == j or printed[other]:
                continue
            lo, hi = min(j, k), max(j, k)
            between = applicant[lo + 1:hi]
            if all(cells.get(f"t3.{r}.{b}") is None for r in printed[c] for b in between):
                others.append(other)
        if others:
            out.append({"kind": "undecided_columns", "changed": False, "fields": [f"t3.{r}.{c}" for r in printed[c]],
                        "column": c, "could_be": others, "p_column": round(float(np.mean(ps)), 4),
                        "reason": (f"table 三 column {c}: its values could as well be {', '.join(others)}'s — those "
                                   f"columns are printed in no row, every sum holds either way, and the model "
                                   f"reads the column with mean probability {np.mean(ps):.2f}; check it against "
                                   f"the printed table")})
    return out


__all__ = ["joint_columns", "prior_columns", "undecided_columns"]
