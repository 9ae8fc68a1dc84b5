"""The character label scheme: the one place it is written down.

Every character of a report's text gets one BIO tag.  A *span* is a run of
characters with one tag (without the B-/I- prefix):

=================  ==============================================================
``H1`` … ``H6``    a top-level section heading, from its numeral (一、总体情况)
``V:<field id>``   the characters of the value printed in that cell
                   (``V:t3.granted.total``); amounts keep their unit
                   (``2192.63 万元``), remarks after a count are not part of it
``R:<table>.<row>`` a row label (``R:t3.denied.state_secret``), a row group
                   (``R:t3.results``, ``R:t3.denied`` …) or a table-四 group
``C:<table>.<col>`` a column label (``C:t3.natural_person``, ``C:t2.change``) or a
                   column group (``C:t3.applicants``, ``C:t3.legal_persons``)
``YEAR``           the year the report covers, in its title
``AGENCY``         the issuing agency's name, in its title or first paragraph
``O``              everything else (narrative, page numbers, site chrome …)
=================  ==============================================================

Run-together digits (``125118``) carry their cell boundaries in the B- tags:
``B-V:…issued`` ``I-V:…issued`` ``B-V:…repealed`` ``B-V:…in_force`` … — the
decoder splits there.  A blank cell has no characters, hence no tag.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from .schema import (T2_COLUMN_HEADER, T3_COLUMN_GROUPS, T3_ROW_GROUPS, T4_GROUP_HEADERS, TEMPLATE_2019,
                     TEMPLATE_2021, all_fields)

OUTSIDE = "O"


@cache
def span_tags() -> tuple[str, ...]:
    """Every span tag, in a fixed order (the label ids depend on it)."""
    tags = [f"H{n}" for n in range(1, 7)]
    tags += ["YEAR", "AGENCY"]
    rows: dict[str, None] = {}
    cols: dict[str, None] = {}
    for template in (TEMPLATE_2019, TEMPLATE_2021):
        for table in template.tables:
            for block in table.blocks:
                rows.update({f"R:{table.key}.{r.key}": None for r in block.rows})
                cols.update({f"C:{table.key}.{c.key}": None for c in block.columns})
            rows.update({f"R:{table.key}.{g.key}": None for g in table.groups})
    rows.update({f"R:t3.{g.key}": None for g in T3_ROW_GROUPS})
    rows.update({f"R:t4.{g.key}": None for g in T4_GROUP_HEADERS})
    cols.update({f"C:t3.{g.key}": None for g in T3_COLUMN_GROUPS})
    cols[f"C:t2.{T2_COLUMN_HEADER.key}"] = None
    tags += list(rows) + list(cols)
    tags += [f"V:{f}" for f in all_fields()]
    return tuple(tags)


@cache
def labels() -> tuple[str, ...]:
    """The model's label list: O, then B-/I- of every span tag."""
    return (OUTSIDE, *(f"{p}-{t}" for t in span_tags() for p in "BI"))


@cache
def label2id() -> dict[str, int]:
    return {label: i for i, label in enumerate(labels())}


def id2label() -> dict[int, str]:
    return dict(enumerate(labels()))


@dataclass(frozen=True, order=True)
class Span:
    start: int  # character offset, inclusive
    end: int  # exclusive
    tag: str  # a span tag, e.g. "V:t3.granted.total"

    @property
    def kind(self) -> str:
        """'H', 'V', 'R', 'C', 'YEAR' or 'AGENCY'."""
        return tag_kind(self.tag)


@lru_cache(maxsize=None)  # a few hundred tags, asked tens of thousands of times per report
def tag_kind(tag: str) -> str:
    return tag.split(":", 1)[0] if ":" in tag else tag.rstrip("0123456789")


def spans_to_tags(length: int, spans: list[Span]) -> list[str]:
    """Per-character BIO tags for a text of ``length`` characters. Overlapping spans are an error."""
    known = set(span_tags())
    out = [OUTSIDE] * length
    for span in sorted(spans):
        if span.tag not in known:
            raise ValueError(f"unknown span tag {span.tag!r}")
        if not 0 <= span.start < span.end <= length:
            raise ValueError(f"span {span} outside text of length {length}")
        if any(t != OUTSIDE for t in out[span.start:span.end]):
            raise ValueError(f"span {span} overlaps another span")
        out[span.start] = f"B-{span.tag}"
        for i in range(span.start + 1, span.end):
            out[i] = f"I-{span.tag}"
    return out


def tags_to_spans(tags: list[str]) -> list[Span]:
    """Inverse of `spans_to_tags`; a stray I- tag starts a new span (lenient, as for model output)."""
    spans: list[Span] = []
    start, current = 0, None
    for i, tag in enumerate([*tags, OUTSIDE]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == current
        if current is not None and not continues:
            spans.append(Span(start, i, current))
            current = None
        if tag != OUTSIDE and not continues:
            start, current = i, name
    return spans
