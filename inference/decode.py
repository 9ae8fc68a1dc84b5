"""Per-character label probabilities → spans → the cells of the report's template.

    ext = decode(text, probs)              # probs: (len(text), len(labels())) float
    ext.record.cells["t3.granted.total"]   # 3, "905万", "/", or None for a blank cell
    ext.details[field]                     # confidence, source span, text, arbitrated …
    ext.decisions, ext.findings            # arbitration decisions; R1–R4 and F1–F3 findings

Stages, each a plain function: ``argmax_ids`` (the model's first reading) →
``template_of`` (printed headers, else the values) → ``align.align`` (optional:
the value spans re-read in the template's cell order) → the arithmetic-aware
``arbitrate.arbitrate`` (optional) → ``build_extraction`` (spans → values →
Record) → ``arbitrate.fill_missed_cells`` (optional) → ``check`` (R1–R4, soft F1–F3 findings).

A value is what the report *prints* (``shared/spec/gold-format.md``); the only
normalisation is of the characters themselves — full-width forms, OCR confusions
inside a number (O/o/〇/D→0, l/I/|/i→1, S/s→5, Z→2, b/G→6, T→7, B→8, g/q→9),
thousands separators — never of the number.  Run-together digits (``125118``) are
split where the labels put a B- tag.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np

from ..data.gold import Record, Value, numeric
from ..data.labels import OUTSIDE, Span, label2id, labels, span_tags
from ..data.rules import Finding, check_record, check_relations
from ..data.schema import AMOUNT_FIELDS, TEMPLATE_2019, TEMPLATE_2021, detect_template, get_template
from ..models.prior import ValuePrior

# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #
# OCR look-alikes of digits, mapped only inside a value that is otherwise digits (or one look-alike alone)
CONFUSABLE = {"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "S": "5", "s": "5",
              "B": "8", "Z": "2", "b": "6", "G": "6", "g": "9", "q": "9", "T": "7"}
_DIGITISH = "0123456789" + "".join(CONFUSABLE) + ",，"
_MINUS_SIGNS = "-−－—–"  # before a digit they are a minus sign; alone they are a mark
_HEAD = re.compile(r"^([+-]?)([" + re.escape(_DIGITISH) + r"]+)")
_CN_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789"))
_YEAR = re.compile(r"(19|20)\d\d")


def fold_width(s: str) -> str:
    """Full-width ASCII (０-９, ／, －, ，…) to half-width; nothing else changes."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in s)


def _printed(raw: str) -> str:
    return fold_width("".join(raw.split()))


@lru_cache(maxsize=1 << 14)  # a report reads the same few cells ("0", "12") thousands of times
def parse_count(raw: str) -> Value:
    """A count cell as printed → int; a mark (``/``, ``—``, ``无``) → the string; empty → None.

    ``3,830`` → 3830, ``-3`` → -3, ``1O`` → 10, ``18（其中修订5件）`` → 18 (the remark is not
    the count), ``1.5`` → ``"1.5"`` (not a count: kept as printed).
    """
    s = _printed(raw)
    if not s:
        return None
    if len(s) > 1 and s[0] in _MINUS_SIGNS and s[1] in _DIGITISH:
        s = "-" + s[1:]
    m = _HEAD.match(s)
    if m is None:
        return s
    sign, head = m.groups()
    digits = "".join(CONFUSABLE.get(c, c) for c in head if c not in ",，")
    rest = s[m.end():]
    is_number = digits.isdigit() and (any(c.isdigit() for c in head) or not rest)
    if not is_number or re.match(r"^\.\d", rest):
        return s
    return -int(digits) if sign == "-" else int(digits)


@lru_cache(maxsize=1 << 14)
def parse_amount(raw: str) -> Value:
    """An amount cell → the printed string, white space removed (``2192.63万元``, ``0``);
    OCR confusions are mapped inside its leading number only — a number with a digit, or the
    whole cell (``O``, ``O.OO``: a 0 read as a letter, as `parse_count` reads it)."""
    s = _printed(raw)
    if not s:
        return None
    m = re.match(r"^[" + re.escape(_DIGITISH) + r".]+", s)
    if m and (any(c.isdigit() for c in m.group()) or (m.end() == len(s) and any(c != "." for c in s))):
        s = "".join(CONFUSABLE.get(c, c) for c in m.group()) + s[m.end():]
    return s


def parse_value(field_id: str, raw: str) -> Value:
    return parse_amount(raw) if field_id in AMOUNT_FIELDS else parse_count(raw)


def parse_year(raw: str) -> int | None:
    """``2020`` / ``2020年度`` / ``二〇二〇`` / ``２０２０`` → 2020; None if no year in it."""
    s = "".join(_CN_DIGITS.get(c, CONFUSABLE.get(c, c)) for c in _printed(raw))
    m = _YEAR.search(s)
    return int(m.group()) if m else None


# --------------------------------------------------------------------------- #
# Labels → spans → candidate values
# --------------------------------------------------------------------------- #
@cache
def label_names() -> tuple[str, ...]:
    return labels()


@cache
def value_label_mask() -> np.ndarray:
    """True for the B-/I- labels of ``V:`` tags."""
    return np.array([name[2:].startswith("V:") for name in label_names()])


@cache
def value_columns(fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The label ids of ``B-V:f`` and of ``I-V:f`` for each of ``fields``, aligned."""
    index = label2id()
    return (np.array([index[f"B-V:{f}"] for f in fields], dtype=np.int64),
            np.array([index[f"I-V:{f}"] for f in fields], dtype=np.int64))


def write_cell(ids: np.ndarray, start: int, end: int, field_id: str | None) -> None:
    """Label ``ids[start:end]`` as the value of ``field_id`` (B- then I-), or O when None."""
    index = label2id()
    if field_id is None:
        ids[start:end] = index[OUTSIDE]
    else:
        ids[start] = index[f"B-V:{field_id}"]
        ids[start + 1:end] = index[f"I-V:{field_id}"]


def check_probs(text: str, probs: np.ndarray) -> np.ndarray:
    probs = np.asarray(probs)
    want = (len(text), len(label_names()))
    if probs.ndim != 2 or probs.shape != want:
        raise ValueError(f"probabilities of shape {probs.shape} do not fit a text of {len(text)} characters "
                         f"and {want[1]} labels; expected {want}")
    return probs


def live_rows(probs: np.ndarray) -> np.ndarray:
    """The characters with any mass off O (label 0).  The others — text the model did not read
    (`predict` fills it in as O) or read as surely outside — are exactly O, and a stage that
    looks at every character need only look at these: ~1k of a 10k-character report, where one
    pass over all the rows of the probabilities costs ~3 ms."""
    probs = np.asarray(probs)
    return np.flatnonzero(probs[:, 0] < 1.0) if len(probs) else np.zeros(0, dtype=np.int64)


def argmax_ids(probs: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The model's first reading: the most probable label of every character.  ``rows``: the
    `live_rows` when known (every other row reads O)."""
    probs = np.asarray(probs)
    ids = np.zeros(len(probs), dtype=np.int64)
    rows = live_rows(probs) if rows is None else rows
    ids[rows] = probs[rows].argmax(axis=1)
    return ids


# a blank or zero printed as a mark: one cell each, never cut, worth 0 in a sum (no minus-like
# dash: ``-1`` is a count of 本年增/减)
MARK_CHARS = frozenset("/／—无")


LIST_NUMERAL = re.compile(r"[ \u3000\xa0]*[、.．](?![0-9０-９])")  # after a list number: 2、 3. (not 3.5)


def list_number_before(text: str, i: int) -> bool:
    """Whether the digits from ``i`` on end a list number (``3.``, ``33.`` an OCR'd one): ``i`` is
    right after a digit that numbers a label, not a value."""
    while i < len(text) and fold_width(text[i]).isdigit():
        i += 1
    return bool(LIST_NUMERAL.match(text, i))


def writable(probs: np.ndarray, inplace: bool) -> np.ndarray:
    """The array a stage that moves probability mass writes into: a copy of ``probs``, or with
    ``inplace`` (the caller's own array, no one else reads it) ``probs`` itself under a new name (a
    view), so that ``out is not probs`` still says that the stage changed something.  A copy of a
    10k-character report's probabilities costs ~7 ms; `decode` makes at most one."""
    return probs.view() if inplace else np.array(probs, copy=True)


def numbers_not_labels(text: str, probs: np.ndarray, ids: np.ndarray, inplace: bool = False) -> np.ndarray:
    """``probs`` less the row- and column-label mass of every label span the model read on digits
    and marks only (not a list number, ``6.``): a number (or a ``/`` for nothing) is never a row
    or column label, however close to one it is printed (crawler text: ``本年增/减处理决定数量行政处罚//90``,
    the first ``/`` read as more of the header 本年增/减).  The same array when there is none, else
    a copy (``inplace``: see `writable`)."""
    out = probs
    for s in spans_of(ids):
        piece = fold_width(text[s.start:s.end]).strip()
        if s.kind in ("R", "C") and piece and all(c.isdigit() or (c in MARK_CHARS and c != "无") for c in piece) \
                and not list_number_before(text, s.end):  # ``6.属于…``: the label's number
            if out is probs:
                out = writable(probs, inplace)
            rows = out[s.start:s.end]
            rows[:, label_ids()] = 0.0
            rows[:, 0] += 1e-6  # a row with no other mass reads O
            rows /= rows.sum(axis=1, keepdims=True)
    return out


@cache
def label_ids() -> np.ndarray:
    """The ids of the row- and column-label labels (B-/I- of ``R:…`` and ``C:…``)."""
    return np.array([j for j, name in enumerate(label_names()) if name[2:4] in ("R:", "C:")])


def spans_of(ids: np.ndarray | list[int], offset: int = 0) -> list[Span]:
    """Lenient BIO → spans (a stray I- starts a span); ``offset`` shifts them (for a slice).
    The same spans as `tags_to_spans` of the label names, computed on the ids with numpy: label
    0 is O, then B-/I- of each span tag in turn (`xxgk.data.labels.labels`)."""
    ids = np.asarray(ids, dtype=np.int64)
    at = np.flatnonzero(ids)  # only labelled characters: ~1/10 of a report
    if not len(at):
        return []
    tags = span_tags()
    tag = (ids[at] - 1) // 2
    # an I- continues the span of the character before it if that one is labelled with the same tag
    cont = (ids[at] % 2 == 0) & np.concatenate(([False], (np.diff(at) == 1) & (tag[1:] == tag[:-1])))
    first = np.flatnonzero(~cont)  # indices into ``at`` where spans start
    last = np.concatenate((first[1:], [len(at)])) - 1  # a span runs through the continuations after it
    return [Span(a + offset, b + 1 + offset, tags[t])
            for a, b, t in zip(at[first].tolist(), at[last].tolist(), tag[first].tolist())]


@dataclass(frozen=True)
class SpanValue:
    """One ``V:`` span read as a value: a candidate for its field."""

    field: str
    start: int
    end: int
    text: str
    value: Value
    confidence: float  # the lowest probability of the chosen label over its characters

    @property
    def number(self) -> float:
        return numeric(self.value)


def span_value(text: str, span: Span, conf: np.ndarray) -> SpanValue | None:
    """A V span as a candidate value; None for a span of white space only."""
    field_id = span.tag[2:]
    raw = text[span.start:span.end]
    value = parse_value(field_id, raw)
    if value is None:
        return None
    return SpanValue(field_id, span.start, span.end, raw, value, float(conf[span.start:span.end].min()))


MAX_CONFLICTS = 5  # losing spans listed per cell in details


def best_candidate(candidates: list[SpanValue]) -> SpanValue:
    """Several spans for one field (a repeated table, a model slip): the most confident wins,
    the earliest on a tie."""
    return min(candidates, key=lambda c: (-c.confidence, c.start))


def value_candidates(text: str, spans: list[Span], conf: np.ndarray) -> dict[str, list[SpanValue]]:
    out: dict[str, list[SpanValue]] = {}
    for span in spans:
        if span.kind == "V":
            sv = span_value(text, span, conf)
            if sv is not None:
                out.setdefault(sv.field, []).append(sv)
    return out


# --------------------------------------------------------------------------- #
# Template
# --------------------------------------------------------------------------- #
_ONLY = {"2019": frozenset(TEMPLATE_2019.fields) - frozenset(TEMPLATE_2021.fields),
         "2021": frozenset(TEMPLATE_2021.fields) - frozenset(TEMPLATE_2019.fields)}


def choose_template(text: str, spans: list[Span], year: int | None = None) -> str | None:
    """Table 二's printed column headers decide (``detect_template``); failing that, which
    template's own fields got values; failing that, the year (the 2021 form is used from
    the 2021 reports on).  None when nothing in the text is a value at all."""
    found = detect_template(text)
    if found:
        return found
    fields = {s.tag[2:] for s in spans if s.kind == "V"}
    if not fields:
        return None
    votes = {v: len(fields & only) for v, only in _ONLY.items()}
    if votes["2019"] != votes["2021"]:
        return max(votes, key=votes.get)
    return "2021" if year and year >= 2021 else "2019"


# --------------------------------------------------------------------------- #
# The extraction
# --------------------------------------------------------------------------- #
@dataclass
class Extraction:
    """A decoded report: the record in gold-file shape plus how each value was read."""

    record: Record
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The prediction file: gold shape + details, decisions, findings (``xxgk eval`` reads it)."""
        out = self.record.to_json()
        out["details"] = {f: self.details[f] for f in self.record.to_json()["cells"] if f in self.details}
        out["decisions"] = self.decisions
        out["findings"] = [f.to_json() for f in self.findings]
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def _first_of(text: str, spans: list[Span], conf: np.ndarray, tag: str) -> tuple[Span, float] | None:
    hits = [(s, float(conf[s.start:s.end].min())) for s in spans if s.tag == tag and text[s.start:s.end].strip()]
    return min(hits, key=lambda h: (-h[1], h[0].start)) if hits else None


# a heading's number as reports print it, alone before its words on the line: 一、 （一） (1) 1. 第一部分
_NUMERAL = re.compile(r"(?:第[一二三四五六七八九十]{1,2}部分|[（(]?[0-9０-９一二三四五六七八九十]{1,2}[)）、.．]?)"
                      r"[ \t\u3000]*\Z")


def _numeral_start(text: str, start: int) -> int:
    """Where a heading read from ``start`` begins: at its number when the model left that out
    (``(1)总体情况``) — the gold's offset is at the numeral."""
    line = text.rfind("\n", 0, start) + 1
    m = _NUMERAL.search(text, line, start)
    if m and not text[line:m.start()].strip(" \t\u3000#*"):
        return m.start()
    return start


def build_extraction(text: str, probs: np.ndarray, ids: np.ndarray, template: str,
                     arbitrated: dict[str, int] | None = None, decisions: list[dict] | None = None) -> Extraction:
    """Spans of the reading ``ids`` → the template's cells, sections, year, agency.

    ``arbitrated`` maps fields whose value arbitration changed to the index of the decision.
    """
    conf = probs[np.arange(len(ids)), ids] if len(ids) else np.zeros(0)
    spans = spans_of(ids)
    fields = get_template(template).fields
    known = set(fields)
    cells: dict[str, Value] = dict.fromkeys(fields)
    details: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    decisions = list(decisions or [])
    for field_id, cands in sorted(value_candidates(text, spans, conf).items()):
        if field_id not in known:
            warnings.append(f"{len(cands)} value(s) tagged {field_id}, a field of the other template: ignored")
            continue
        best = best_candidate(cands)
        cells[field_id] = best.value
        d: dict[str, Any] = {"confidence": round(best.confidence, 4), "span": [best.start, best.end],
                             "text": best.text, "arbitrated": field_id in (arbitrated or {})}
        if d["arbitrated"]:
            d["decision"] = arbitrated[field_id]
        others = [c for c in cands if c is not best]
        if others:  # recorded in full up to MAX_CONFLICTS (a badly read report has many)
            d["conflicts"] = [{"value": c.value, "span": [c.start, c.end], "confidence": round(c.confidence, 4)}
                              for c in others[:MAX_CONFLICTS]]
            if any(c.value != best.value for c in others):
                decisions.append({"kind": "conflict", "fields": [field_id], "chosen": best.value,
                                  "span": [best.start, best.end], "n_spans": len(cands),
                                  "reason": "several spans read as this cell; the most confident one kept "
                                            "(the others are in details.conflicts)"})
        details[field_id] = d
    for field_id in sorted(set(arbitrated or {}) - set(details)):  # arbitration left the cell blank
        details[field_id] = {"confidence": None, "span": None, "text": "", "arbitrated": True,
                             "decision": arbitrated[field_id]}

    sections: dict[str, int] = {}
    for n in range(1, 7):
        hit = _first_of(text, spans, conf, f"H{n}")
        if hit:
            start = hit[0].start
            while text[start].isspace():
                start += 1
            sections[str(n)] = _numeral_start(text, start)
    year_hit = _first_of(text, spans, conf, "YEAR")
    agency_hit = _first_of(text, spans, conf, "AGENCY")
    record = Record(template=template, cells=cells,
                    year=parse_year(text[year_hit[0].start:year_hit[0].end]) if year_hit else None,
                    agency="".join(text[agency_hit[0].start:agency_hit[0].end].split()) if agency_hit else "",
                    sections=sections)
    return Extraction(record, details, decisions, [], warnings)


def check(extraction: Extraction) -> Extraction:
    """R1–R4 (hard) and F1–F3 (soft) on what was read; findings are reported, values never changed."""
    extraction.findings = check_record(extraction.record) + check_relations(extraction.record)
    return extraction


def template_of(text: str, probs: np.ndarray, ids: np.ndarray) -> str:
    """The report's template: its printed headers, else its values (``choose_template``).
    Raises NoTemplateError when the text holds neither."""
    found = detect_template(text)
    if found:
        return found
    spans = spans_of(ids)
    conf = probs[np.arange(len(ids)), ids]
    year_hit = _first_of(text, spans, conf, "YEAR")
    year = parse_year(text[year_hit[0].start:year_hit[0].end]) if year_hit else None
    template = choose_template(text, spans, year)
    if template is None:
        raise NoTemplateError("no table 二 headers and no values found: this does not read as an annual report")
    return template


def decode(text: str, probs: np.ndarray, *, template: str | None = None, arbitrate: bool = True,
           align: bool | None = None, config: Any = None, timings: dict[str, float] | None = None,
           copy: bool = True, prior: ValuePrior | None = None) -> Extraction:
    """Probabilities → Extraction.

    ``arbitrate=False`` is the model alone (the ablation): the argmax reading, no alignment,
    no arithmetic.  ``align`` switches template-order alignment on or off on its own; None
    follows ``arbitrate`` and ``config.align.enabled``.  ``config`` is an
    ``arbitrate.ArbitrationConfig`` (its ``align`` holds the alignment's knobs); ``timings``
    collects seconds per stage (decode, arbitrate — alignment included —, check).  ``copy=False``:
    ``probs`` is the caller's to give away (`extract.extract_text`'s fresh array) and the stages
    that move probability mass write into it; else the first of them to change anything copies it.
    ``prior``: the model folder's value prior (`xxgk.models.prior.ValuePrior`; the predictor's
    ``prior``), weighed where a row's values run together; None: none.
    """
    from . import align as aln  # both build on the span helpers above
    from . import arbitrate as arb
    from .joint import undecided_columns

    timings = {} if timings is None else timings
    config = config or arb.ArbitrationConfig()
    t0 = time.perf_counter()
    probs = check_probs(text, probs)
    live = live_rows(probs)  # folding and decimal points below move mass only within these rows
    ids = argmax_ids(probs, live)
    owned = not copy  # may the stages below write into ``probs``
    unlabelled = numbers_not_labels(text, probs, ids, inplace=owned)
    if unlabelled is not probs:
        probs, ids, owned = unlabelled, argmax_ids(unlabelled, live), True
    template = template or template_of(text, probs, ids)
    changed: dict[str, int] = {}
    decisions: list[dict] = []
    aligned: dict[str, int] = {}
    t1 = time.perf_counter()
    if (arbitrate and config.align.enabled) if align is None else align:
        folded = aln.fold_other_template(probs, template, inplace=owned) if config.align.fold else probs
        if folded is not probs:  # no mass on the other template's cells: nothing to redo
            probs, owned = folded, True
            folded = argmax_ids(probs, live)
            decisions = aln.fold_decisions(text, ids, folded, template)
            changed.update({d["fields"][0]: k for k, d in enumerate(decisions)})
            ids = folded
        pointed = aln.decimal_points(text, probs, inplace=owned) if config.align.decimals else probs
        if pointed is not probs:  # no decimal point after a digit: nothing to redo
            probs, owned = pointed, True
            joined = argmax_ids(probs, live)
            found = aln.decimal_decisions(text, ids, joined)
            changed.update({d["fields"][0]: len(decisions) + k for k, d in enumerate(found)})
            decisions, ids = decisions + found, joined
        if config.align.cells:
            whole = aln.markdown_cells(text, probs, inplace=owned)
            if whole is not probs:  # most reports: no Markdown cell read cut
                probs, owned = whole, True
                joined = argmax_ids(probs, live)
                found = aln.decimal_decisions(text, ids, joined, kind="markdown_cell")
                changed.update({d["fields"][0]: len(decisions) + k for k, d in enumerate(found)})
                decisions, ids = decisions + found, joined
        signed = aln.lone_signs(text, probs, ids, inplace=owned) if config.align.signs else probs
        if signed is not probs:  # most reports: no lone sign, nothing to redo
            probs, owned = signed, True
            joined = argmax_ids(probs, live)
            found = aln.sign_decisions(text, ids, joined)
            changed.update({d["fields"][0]: len(decisions) + k for k, d in enumerate(found)})
            decisions, ids = decisions + found, joined
        result = aln.align(text, probs, ids, template, config.align)
        ids, aligned = result.ids, {f: len(decisions) + k for f, k in result.changed.items()}
        decisions = decisions + result.decisions
        changed.update(aligned)
        frozen = result.moved
    else:
        frozen = None
    if arbitrate:
        result = arb.arbitrate(text, probs, ids, template, config, frozen=frozen, prior=prior)
        ids = result.ids
        changed.update({f: len(decisions) + k for f, k in result.changed.items()})
        decisions = decisions + result.decisions
    t2 = time.perf_counter()
    ext = build_extraction(text, probs, ids, template, changed, decisions)
    for f in aligned:
        ext.details[f]["aligned"] = True
    t3 = time.perf_counter()
    if arbitrate:
        for d in arb.fill_missed_cells(ext.record.cells, template, config):
            (f,) = d["fields"]
            ext.details[f] = {"confidence": None, "span": None, "text": "", "arbitrated": True, "inferred": True,
                              "decision": len(ext.decisions)}
            ext.decisions.append(d)
        if config.undecided_columns:
            ext.decisions += undecided_columns(text, probs, ext.record.cells, ext.details, template)
    t4 = time.perf_counter()
    check(ext)
    t5 = time.perf_counter()
    for stage, seconds in (("decode", t1 - t0 + t3 - t2), ("arbitrate", t2 - t1 + t4 - t3), ("check", t5 - t4)):
        timings[stage] = timings.get(stage, 0.0) + seconds
    return ext


class NoTemplateError(ValueError):
    """Neither template's headers nor any value were found in the text."""


def read_values(text: str, probs: np.ndarray, ids: np.ndarray) -> dict[str, Value]:
    """Every cell's value as the reading ``ids`` gives it (its most confident candidate)."""
    conf = probs[np.arange(len(ids)), ids] if len(ids) else np.zeros(0)
    return {f: best_candidate(c).value for f, c in value_candidates(text, spans_of(ids), conf).items()}


__all__ = ["Extraction", "LIST_NUMERAL", "MARK_CHARS", "NoTemplateError", "OUTSIDE", "SpanValue", "argmax_ids",
           "best_candidate", "build_extraction", "check", "check_probs", "choose_template", "decode", "fold_width",
           "label_ids", "label_names", "list_number_before", "live_rows", "numbers_not_labels", "parse_amount",
           "parse_count", "parse_value", "parse_year", "read_values", "span_value", "spans_of", "template_of",
           "value_candidates", "value_label_mask", "writable"]
