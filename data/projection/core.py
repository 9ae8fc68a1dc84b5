"""`project`: a raw report text + its gold record -> character label spans.

Order of work: section headings (gold offsets, else found) → row labels as one
ordered chain → column labels in the header zones → the gold values placed on the
printed numbers (`align`) → the year and agency of the title.  Whatever could not
be placed is reported, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..gold import Record
from ..labels import Span, spans_to_tags
from ..schema import AMOUNT_FIELDS, get_template
from .align import Expected, align
from .anchors import Found, chain_items, find_columns, find_rows, t2_columns, t3_columns, t4_columns
from .headings import find_headings, heading_at, title_spans
from .text import Folded
from .values import blocked_extras, tokens, value_text

TITLE_WINDOW = 400  # when no heading is found, the title is looked for in this many first characters
TABLES = ("t2", "t3", "t4")


@dataclass
class ProjectionResult:
    """The spans of a report, and what of its gold could not be found in its text."""

    spans: list[Span]
    unplaced: list[str] = field(default_factory=list)  # field ids of non-blank gold cells not found in the text
    warnings: list[str] = field(default_factory=list)

    def tags(self, length: int) -> list[str]:
        return spans_to_tags(length, self.spans)


def project(text: str, gold: Record) -> list[Span]:
    """The character label spans of ``text`` given its gold record (see `project_report`)."""
    return project_report(text, gold).spans


def project_report(text: str, gold: Record) -> ProjectionResult:
    """Label ``text`` from ``gold``; also says which gold values could not be placed, and why not."""
    folded = Folded.of(text)
    template = get_template(gold.template)
    warnings: list[str] = []

    headings = _headings(text, folded, gold)
    fblocked = [False] * len(folded.text)
    for s, e in headings.values():
        _block(fblocked, folded.folded_at(s), folded.folded_at(e))
    bounds = _table_bounds(folded, headings)

    items = chain_items(template)
    rows = find_rows(folded, items, bounds, fblocked)
    missing = [it.tag for it, f in zip(items, rows) if f is None]
    if missing:
        warnings.append(f"row labels not found: {', '.join(missing)}")
    _block_labels(fblocked, [f for f in rows if f])
    columns = _columns(folded, template, items, rows, bounds, headings, fblocked)
    _block_labels(fblocked, columns)

    blocked = [False] * len(text)  # the same, on the original text, plus what never holds a value
    for k, on in enumerate(fblocked):
        if on:
            blocked[folded.index[k]] = True
    for s, e in blocked_extras(text):
        _block(blocked, s, e)

    expected, anchors, beyond = _expected(template, gold, items, rows, headings)
    placed = align(expected, tokens(text, blocked), anchors, beyond)
    placed_fields = {p.field for p in placed}
    unplaced = [v.field for v in expected if v.field not in placed_fields]

    t4_values = [p.start for p in placed if p.field.startswith("t4.")]
    t4_columns_found = _t4_columns(folded, template, rows, headings, bounds, fblocked, t4_values)

    spans = [Span(s, e, f"H{n}") for n, (s, e) in headings.items()]
    labels = [f for f in [*rows, *columns, *t4_columns_found] if f]
    spans += [Span(f.start, f.end, f.tag) for f in labels]
    spans += [Span(f.rest[0], f.rest[1], f.tag) for f in labels if f.rest]
    spans += [Span(p.start, p.end, f"V:{p.field}") for p in placed]
    first_heading = min((s for s, _ in headings.values()), default=min(TITLE_WINDOW, len(text)))
    spans += title_spans(text, folded, gold, first_heading)
    spans, dropped = _without_overlaps(spans)
    warnings += [f"dropped overlapping span {d.tag} at {d.start}" for d in dropped]
    if unplaced:
        warnings.append(f"{len(unplaced)} gold value(s) not found in the text")
    return ProjectionResult(sorted(spans), unplaced, warnings)


# --------------------------------------------------------------------------- #
def _block(mask: list[bool], s: int, e: int) -> None:
    for k in range(max(0, s), min(len(mask), e)):
        mask[k] = True


def _block_labels(fmask: list[bool], labels: list[Found]) -> None:
    for f in labels:
        _block(fmask, f.fstart, f.fend)
        if f.rest:
            _block(fmask, f.rest[2], f.rest[3])


def _headings(text: str, folded: Folded, gold: Record) -> dict[int, tuple[int, int]]:
    if gold.sections:
        return {int(k): heading_at(text, folded, off, int(k)) for k, off in sorted(gold.sections.items())
                if 0 <= off < len(text)}
    return find_headings(text, folded)


def _table_bounds(folded: Folded, headings: dict[int, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Folded range of each table's labels: after its section's heading (or the last heading
    before it), before the next section's heading."""
    out = {}
    for n, table in zip((2, 3, 4), TABLES):
        before = [headings[k][1] for k in headings if k <= n]
        after = [headings[k][0] for k in headings if k > n]
        lo = folded.folded_at(max(before)) if before else 0
        hi = folded.folded_at(min(after)) if after else len(folded.text)
        out[table] = (lo, max(lo, hi))
    return out


def _columns(folded, template, items, rows, bounds, headings, fblocked) -> list[Found]:
    """Column labels of table 二 (anywhere before its last row: blocks print their headers
    before their rows, or all headers first) and of table 三 (before its first row)."""
    out: list[Found] = []
    t2_rows = [f for it, f in zip(items, rows) if it.table == "t2" and f]
    lo = bounds["t2"][0]
    hi = t2_rows[-1].fstart if t2_rows else bounds["t2"][1]
    if hi > lo:
        out += find_columns(folded, lo, hi, t2_columns(template), fblocked, "t2")
    first_t3 = next((f for it, f in zip(items, rows) if it.table == "t3" and f), None)
    lo = bounds["t3"][0] if 3 in headings else max([f.fend for f in t2_rows] + [0])
    hi = first_t3.fstart if first_t3 else bounds["t3"][1]
    if hi > lo:
        out += find_columns(folded, lo, hi, t3_columns(template), fblocked, "t3")
    return out


def _t4_columns(folded, template, rows, headings, bounds, fblocked, t4_values: list[int]) -> list[Found]:
    t4_rows = [f for f in rows if f and f.table == "t4"]
    lo = bounds["t4"][0] if 4 in headings else (t4_rows[0].fstart if t4_rows else len(folded.text))
    hi = folded.folded_at(min(t4_values)) if t4_values else bounds["t4"][1]
    return find_columns(folded, lo, hi, t4_columns(template), fblocked, "t4") if hi > lo else []


def _expected(template, gold: Record, items, rows, headings):
    """Non-blank gold cells in reading order, each with the offset it must follow; the row
    label offsets of each table; and per table where the text has moved on (see `align`)."""
    found = {it.tag: f for it, f in zip(items, rows) if f}
    anchors = {t: [f.start for it, f in zip(items, rows) if it.table == t and f] for t in TABLES}
    starts = {}
    for n, t in zip((2, 3, 4), TABLES):
        first = [f.start for it, f in zip(items, rows) if it.table == t and f]
        cands = ([headings[n][0]] if n in headings else []) + first[:1]
        if cands:
            starts[t] = min(cands)
    # a value read beyond one of these offsets has left its table: the next table or section
    beyond = {}
    for n, t in zip((2, 3, 4), TABLES):
        if t in starts:
            later = [starts[u] for u in TABLES[TABLES.index(t) + 1:] if u in starts]
            later += [s for s, _ in headings.values() if s > starts[t]]
            beyond[t] = sorted(set(later))
    out: list[Expected] = []
    for table in template.tables:
        floor = headings[table.section][1] if table.section in headings else 0
        for block in table.blocks:
            for row in block.rows:
                anchor = found.get(f"R:{table.key}.{row.key}")
                lower = max(floor, anchor.start) if anchor else floor
                for col in block.columns:
                    fid = f"{table.key}.{row.key}.{col.key}"
                    value = gold.cells.get(fid)
                    if value is None:
                        continue
                    out.append(Expected(fid, value_text(value), fid in AMOUNT_FIELDS, table.key, lower,
                                        anchor.start if anchor else -1))
                if anchor:
                    floor = max(floor, anchor.start)
    return out, anchors, beyond


def _without_overlaps(spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """Keep spans in priority order (V, H, R, C, YEAR, AGENCY); drop any that overlaps a kept one."""
    priority = {"V": 0, "H": 1, "R": 2, "C": 3, "YEAR": 4, "AGENCY": 5}
    kept, dropped, taken = [], [], set()
    for s in sorted(spans, key=lambda s: (priority.get(s.kind, 9), s.start)):
        if any(k in taken for k in range(s.start, s.end)):
            dropped.append(s)
            continue
        taken.update(range(s.start, s.end))
        kept.append(s)
    return kept, dropped
