"""Finding the table labels the template prints: row labels (in order) and column labels.

Row labels are found as one ordered chain over the whole report (table 二's rows,
then table 三's, then table 四's groups): of all the places a label's text occurs,
the chain keeps the ones that are in template order and packed closest together,
which is how a table differs from a narrative that mentions 规章 or 行政许可.
Column labels are then looked up only in the header zones the rows leave between
them.  Everything is matched on the folded text (`text.Folded`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..schema import T2_COLUMN_HEADER, T3_COLUMN_GROUPS, T3_ROW_GROUPS, T4_GROUP_HEADERS, Template
from .fuzzy import MIN_FUZZY_LEN, anchored_end, distance, fuzzy_find, same_prefix
from .text import SEPARATOR, Folded, fold_str, label_pattern

# Every tunable of the search, in one place.
MISSING_LABEL_COST = 10_000  # per chain item left out; a chain keeps as many labels as it can
EXTEND_ERRORS_PER = 20  # a shorter wording found is extended to the full one printed with 1 + len // this errors
FUZZY_REPEATS = 3  # a column label is printed up to three times in one header (table 四)
CUT_MIN_LABEL = 9  # only labels longer than this are ever printed cut in two
MIN_PREFIX = 3  # a label cut in two (its rest printed after the row's cells) is recognised from this many characters
MIN_ENUM_PREFIX = 2  # … or from its enumeration alone (``4.``) when the rest is found too

@dataclass(frozen=True)
class Found:
    """A label found in the text, with its span tag."""

    tag: str
    table: str
    start: int  # original offsets
    end: int
    fstart: int  # folded offsets
    fend: int
    rest: tuple[int, int, int, int] | None = None  # the rest of a label cut in two: start, end, fstart, fend


@dataclass(frozen=True)
class ChainItem:
    tag: str
    table: str
    texts: tuple[str, ...]


# --------------------------------------------------------------------------- #
# Row labels: one ordered chain
# --------------------------------------------------------------------------- #
def chain_items(template: Template) -> list[ChainItem]:
    """Row labels, row-group labels and table 四's group labels in printed order."""
    groups = {g.key: g for g in T3_ROW_GROUPS}
    out: list[ChainItem] = []
    for block in template.table("t2").blocks:
        out += [ChainItem(f"R:t2.{r.key}", "t2", r.texts) for r in block.rows]
    t3_groups = {g.key for g in template.table("t3").groups}
    first_of = {"granted": "results", "denied.state_secret": "denied", "unavailable.not_held": "unavailable",
                "not_processed.complaint": "not_processed", "other.overdue_correction": "other"}
    for row in template.table("t3").rows:
        group = first_of.get(row.key)
        if group and group in t3_groups:
            out.append(ChainItem(f"R:t3.{group}", "t3", groups[group].texts))
        out.append(ChainItem(f"R:t3.{row.key}", "t3", row.texts))
    t4 = template.table("t4")
    review, suit_direct, suit_after = t4.rows
    suit = T4_GROUP_HEADERS[0]
    out += [ChainItem(f"R:t4.{review.key}", "t4", review.texts), ChainItem(f"R:t4.{suit.key}", "t4", suit.texts),
            ChainItem(f"R:t4.{suit_direct.key}", "t4", suit_direct.texts),
            ChainItem(f"R:t4.{suit_after.key}", "t4", suit_after.texts)]
    return out


def _occurrences(folded: str, texts: tuple[str, ...], lo: int, hi: int, blocked: list[bool]) -> list[tuple[int, int]]:
    """Folded [start, end) of every occurrence of any text in [lo, hi); contained shorter matches dropped."""
    found: set[tuple[int, int]] = set()
    for t in texts:
        pattern = label_pattern(t)
        pos = lo
        while True:
            m = pattern.search(folded, pos, hi)
            if not m:
                break
            if m.end() > m.start() and not any(blocked[m.start():m.end()]):
                found.add((m.start(), m.end()))
            pos = m.start() + 1
    spans = sorted(found, key=lambda s: (s[0], -s[1]))
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


def _cut_occurrence(folded: str, texts: tuple[str, ...], lo: int, hi: int,
                    blocked: list[bool]) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """A label cut in two, as PDF converters print a long label whose cell wraps: its longest
    prefix found in [lo, hi), and the rest of it after that (None when the rest is not found).
    A wording whose rest is found wins over a longer prefix whose rest is not."""
    best = None
    for t in texts:
        full = fold_str(t)
        for n in range(len(full) - 1, MIN_ENUM_PREFIX - 1, -1):
            if full[n - 1] == '"':  # optional in the pattern: the match would not end where the rest begins
                continue
            spans = _occurrences(folded, (full[:n],), lo, hi, blocked)
            if spans:
                tail = _rest(folded, full[n:], spans[0][1], hi, blocked)
                if n < MIN_PREFIX and not tail:  # a bare "4." counts only with its rest
                    continue
                cand = (bool(tail), n, spans[0], tail)
                if best is None or cand[:2] > best[:2]:
                    best = cand
                break
    return None if best is None else (best[2], best[3])


def _rest(folded: str, rest: str, after: int, hi: int, blocked: list[bool],
          fuzzy: bool = True) -> tuple[int, int] | None:
    """Where the rest of a cut label is printed: after ``after``, past the row's cells; exactly,
    else (``fuzzy``) read with an OCR error."""
    if not rest.strip('"'):
        return None
    for r in _occurrences(folded, (rest,), after, hi, blocked):
        if _cells_between(folded, after, r[0]):
            return r
    hit = fuzzy_find(folded, rest, after, hi, blocked) if fuzzy else None
    return hit[:2] if hit and _cells_between(folded, after, hit[0]) else None


def _cells_between(folded: str, a: int, b: int) -> bool:
    """The rest of a cut label is printed after the row's cells: a separator or a number stands between."""
    return any(c == SEPARATOR or c.isdigit() for c in folded[a:b])


def find_rows(folded: Folded, items: list[ChainItem], bounds: dict[str, tuple[int, int]],
              blocked: list[bool]) -> list[Found | None]:
    """The ordered chain: for each item its place in the text, or None.

    ``bounds`` maps a table key to the folded range its labels must lie in (from the
    section headings).  Cost of a chain = gaps between consecutive labels + a large
    cost per item left out.
    """
    text = folded.text
    cands: list[list[tuple[int, int]]] = []
    for item in items:
        lo, hi = bounds.get(item.table, (0, len(text)))
        cands.append(_occurrences(text, item.texts, lo, hi, blocked))
    # dp over (item, candidate): best cost of a chain ending there
    best: list[list[tuple[float, tuple[int, int] | None]]] = []
    done: list[tuple[int, int, int, float]] = []  # (item, cand, fend, dp - fend - P*item)
    for i, cs in enumerate(cands):
        row = []
        for c, (fs, fe) in enumerate(cs):
            cost, back = MISSING_LABEL_COST * i, None
            for (pi, pc, pfe, key) in done:
                if pfe <= fs:
                    total = fs + MISSING_LABEL_COST * (i - 1) + key
                    if total < cost:
                        cost, back = total, (pi, pc)
            row.append((cost, back))
        best.append(row)
        for c, (fs, fe) in enumerate(cs):
            done.append((i, c, fe, row[c][0] - fe - MISSING_LABEL_COST * i))
    n = len(items)
    end, end_cost = None, MISSING_LABEL_COST * n
    for i, row in enumerate(best):
        for c, (cost, _) in enumerate(row):
            total = cost + MISSING_LABEL_COST * (n - 1 - i)
            if total < end_cost:
                end, end_cost = (i, c), total
    chosen: list[tuple[int, int] | None] = [None] * n
    while end is not None:
        i, c = end
        chosen[i] = cands[i][c]
        end = best[i][c][1]
    rests = _fill_cut(folded, items, chosen, bounds, blocked)
    chosen = [None if c is None else _doubled(folded, c, blocked) for c in chosen]
    rests = {i: _doubled(folded, r, blocked) for i, r in rests.items()}
    out: list[Found | None] = []
    for i, (item, ch) in enumerate(zip(items, chosen)):
        out.append(None if ch is None else _found(folded, item.tag, item.table, ch, rests.get(i)))
    return out


def _found(folded: Folded, tag: str, table: str, head: tuple[int, int],
           rest: tuple[int, int] | None) -> Found:
    s, e = folded.span(*head)
    more = (*folded.span(*rest), *rest) if rest else None
    return Found(tag, table, s, e, head[0], head[1], more)


def _fill_cut(folded: Folded, items: list[ChainItem], chosen: list, bounds: dict,
              blocked: list[bool]) -> dict[int, tuple[int, int]]:
    """Labels missing from the chain: look between the neighbours that were found for one cut
    in two with both parts found, then for one read with an error (OCR), then for a prefix.
    Labels found by a shorter wording are extended to the full wording when it is printed
    there after all (with an error, or cut in two)."""
    text = folded.text
    rests = {}
    for i, item in enumerate(items):
        nxt = min([c[0] for c in chosen[i + 1:] if c is not None] + [bounds.get(item.table, (0, len(text)))[1]])
        lo = max([c[1] for c in chosen[:i] if c is not None] + [bounds.get(item.table, (0, 0))[0]])
        if chosen[i] is not None:
            chosen[i], rest = _extend(text, item.texts, chosen[i], lo, nxt, blocked)
            if rest:
                rests[i] = rest
            continue
        if lo >= nxt:
            continue
        cut = _cut_occurrence(text, item.texts, lo, nxt, blocked)
        fuzzy = None if cut and cut[1] else _fuzzy_occurrence(folded, item.texts, lo, nxt, blocked)
        if fuzzy:
            chosen[i], rest = _extend(text, item.texts, fuzzy, lo, nxt, blocked)
            if rest:
                rests[i] = rest
        elif cut:
            chosen[i] = cut[0]
            if cut[1]:
                rests[i] = cut[1]
    return rests


def _fuzzy_occurrence(folded: Folded, texts: tuple[str, ...], lo: int, hi: int,
                      blocked: list[bool]) -> tuple[int, int] | None:
    """The best approximate occurrence of any wording (fewest errors, then longest wording)."""
    best = None
    for t in sorted({fold_str(t) for t in texts}, key=len, reverse=True):
        hit = fuzzy_find(folded.text, t, lo, hi, blocked, folded.index)
        if hit and (best is None or hit[2] < best[2]):
            best = hit
    return (best[0], best[1]) if best else None


def _extend(text: str, texts: tuple[str, ...], found: tuple[int, int], lo: int, hi: int,
            blocked: list[bool]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """A label found by a shorter wording (``（二）部分公开``, ``规范性文件``) whose full wording
    is printed there after all: with one error (OCR), or cut in two with its rest further on.
    Returns the (possibly longer) match and the rest, if any; stays inside [lo, hi)."""
    fs, fe = found
    for t in sorted({fold_str(t) for t in texts}, key=len, reverse=True):
        if len(t) <= fe - fs:
            break
        errors = 1 + len(t) // EXTEND_ERRORS_PER
        now = distance(t, text[fs:fe])  # a longer reading must be closer to the full wording
        end = anchored_end(text, t, fs, errors)
        if end is not None and fe < end <= hi and not any(blocked[fe:end]) and SEPARATOR not in text[fe:end] \
                and distance(t, text[fs:end]) < now:
            return (fs, end), None
        for start in range(max(lo, fs - (len(t) - (fe - fs)) - errors), fs):
            if not any(blocked[start:fs]) and SEPARATOR not in text[start:fs] \
                    and distance(t, text[start:fe]) <= min(errors, now - 1):
                return (start, fe), None
        n = fe - fs
        if not same_prefix(text, fs, t, n):
            continue
        while fs + n < hi and n < len(t) and same_prefix(text, fs + n, t[n:], 1):
            n += 1
        if t[n:].strip('"'):  # cut in two, maybe right where the shorter wording ends
            tail = _rest(text, t[n:], fs + n, hi, blocked, fuzzy=False)  # a shorter wording is a wording: only
            if tail:  # the exact rest says it was cut
                return (fs, fs + n), tail
    return found, None


# --------------------------------------------------------------------------- #
# Column labels, looked up in header zones
# --------------------------------------------------------------------------- #
def t2_columns(template: Template) -> list[tuple[str, tuple[str, ...]]]:
    """Table 二's column labels (each block's, once) and the 信息内容 header."""
    cols = {f"C:t2.{c.key}": c.texts for block in template.table("t2").blocks for c in block.columns}
    return [(f"C:t2.{T2_COLUMN_HEADER.key}", T2_COLUMN_HEADER.texts), *cols.items()]


def t3_columns(template: Template) -> list[tuple[str, tuple[str, ...]]]:
    block = template.table("t3").blocks[0]
    return [(f"C:t3.{g.key}", g.texts) for g in T3_COLUMN_GROUPS] + [(f"C:t3.{c.key}", c.texts) for c in block.columns]


def t4_columns(template: Template) -> list[tuple[str, tuple[str, ...]]]:
    return [(f"C:t4.{c.key}", c.texts) for c in template.table("t4").blocks[0].columns]


def find_columns(folded: Folded, lo: int, hi: int, labels: list[tuple[str, tuple[str, ...]]],
                 blocked: list[bool], table: str) -> list[Found]:
    """Every occurrence of the column labels in folded [lo, hi), without overlaps.

    Long labels first (exact, then read with an error), short ones (其他, 总计) last so that
    they never take a piece of a damaged long one (法入或其他组织); a long label not found
    whole is looked for cut in two (its rest printed further on).
    """
    exact = []
    for tag, texts in labels:
        for fs, fe in _occurrences(folded.text, texts, lo, hi, blocked):
            exact.append((-(fe - fs), fs, fe, tag))
    taken = blocked[:]
    out: list[Found] = []

    texts_of = dict(labels)

    def accept(short: bool) -> None:
        for neg, fs, fe, tag in sorted(exact):
            if (-neg < MIN_FUZZY_LEN) == short and not any(taken[fs:fe]):
                rest = None
                if not short:
                    (fs, fe), rest = _extend(folded.text, texts_of[tag], (fs, fe), lo, hi, taken)
                    fs, fe = _doubled(folded, (fs, fe), taken)
                    rest = rest and _doubled(folded, rest, taken)
                _take(taken, fs, fe)
                if rest:
                    _take(taken, *rest)
                out.append(_found(folded, tag, table, (fs, fe), rest))

    accept(short=False)
    for tag, texts in labels:  # read with an error (OCR): as often as it is found
        for _ in range(FUZZY_REPEATS):
            hit = _fuzzy_occurrence(folded, texts, lo, hi, taken)
            if hit is None:
                break
            _take(taken, *hit)
            out.append(_found(folded, tag, table, hit, None))
    accept(short=True)
    for tag, texts in labels:
        if any(f.tag == tag for f in out) or max(len(fold_str(t)) for t in texts) <= CUT_MIN_LABEL:
            continue
        cut = _cut_occurrence(folded.text, texts, lo, hi, taken)
        if cut and cut[1]:  # a column label cut in two only counts when its rest is found too
            _take(taken, *cut[0])
            _take(taken, *cut[1])
            out.append(_found(folded, tag, table, *cut))
    return sorted(out, key=lambda f: f.start)


def _doubled(folded: Folded, span: tuple[int, int], blocked: list[bool]) -> tuple[int, int]:
    """A label printed with its first or last character doubled (OCR): take the double in."""
    text, index = folded.text, folded.index

    def twin(a: int) -> bool:  # digits side by side are cells run together, not a double
        return text[a] == text[a + 1] and not text[a].isdigit() and index[a] + 1 == index[a + 1]

    fs, fe = span
    if fe - fs >= 2:
        if fe < len(text) and twin(fe - 1) and not blocked[fe]:
            fe += 1
        if fs > 0 and twin(fs - 1) and not blocked[fs - 1]:
            fs -= 1
    return fs, fe


def _take(mask: list[bool], s: int, e: int) -> None:
    for k in range(s, e):
        mask[k] = True
