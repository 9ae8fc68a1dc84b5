"""A site of uncertain characters and its readings: what every arbitration stage re-reads.

A `Site` is a stretch ``[a, b)`` of the text whose labels some stage may change — a run of
characters the model is unsure of (``arbitrate``), a row run together (``rows``), a row's
values given to other cells (``place``).  Each `Reading` is one way to label it: its
log-probability against the model's first reading, the values it gives, and how many of them
are malformed (a count with a leading zero, a digit left unread next to it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..data.labels import label2id
from .decode import CONFUSABLE, SpanValue, best_candidate, fold_width, label_names, span_value, spans_of
from .view import with_digits


@dataclass
class Reading:
    """One way to read a site: the labels of its uncertain characters and what they give."""

    gain: float  # log-probability relative to the model's first reading (<= 0)
    labels: tuple[int, ...]
    cands: dict[str, list[SpanValue]]  # field -> candidate values inside the site
    best: dict[str, SpanValue] = field(default_factory=dict)  # field -> its best candidate here
    malformed: int = 0  # counts with a leading zero, and values whose digit run goes on unread


@dataclass
class Site:
    """A run of uncertain characters and the segment ``[a, b)`` re-read when they change."""

    a: int
    b: int
    positions: list[int]
    readings: list[Reading] = field(default_factory=list)  # readings[0] is the model's first reading
    fields: set[str] = field(default_factory=set)
    kind: str = "arbitration"  # or "placement": a row's values given to other cells of the row (place.py)


_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def is_malformed(c: SpanValue) -> bool:
    """A count or amount printed with a leading zero: ``00``, ``05``, ``〇5`` (OCR's look-alike of 0),
    ``03359.78元`` (not ``0.5``)."""
    printed = fold_width("".join(c.text.split()))
    looks_alike = any(ch in CONFUSABLE for ch in printed[:3])  # ``〇5``, ``0O``: with_digits costs ~6 us a call
    return bool(_LEADING_ZERO.match(with_digits(printed) if looks_alike else printed))


def add_readings(site: Site, text: str, probs: np.ndarray, ids: np.ndarray,
                 readings: list[tuple[float, tuple[int, ...]]]) -> None:
    """Read each ``(gain, labels at site.positions)`` into the site's readings (the first is the
    model's own); a reading giving the same values as an earlier one is left out."""
    seen: set[tuple] = set()
    outside = label2id()["O"]
    inside = np.array([n.startswith("I-") for n in label_names()])
    local = ids[site.a:site.b].copy()
    offsets = [p - site.a for p in site.positions]
    conf = np.zeros(len(ids))
    for gain, labs in readings:
        local[:] = ids[site.a:site.b]
        local[offsets] = labs
        conf[site.a:site.b] = probs[np.arange(site.a, site.b), local]
        cands: dict[str, list[SpanValue]] = {}
        for span in spans_of(local, offset=site.a):
            if span.kind == "V":
                sv = span_value(text, span, conf)
                if sv is not None:
                    cands.setdefault(sv.field, []).append(sv)
        key = tuple(sorted((f, c.start, c.end, c.value) for f, cs in cands.items() for c in cs))
        if key in seen:
            continue  # the same values as a more probable reading (the first reading comes first)
        seen.add(key)
        # a value that starts with "goes on" (I-) where no value of its cell goes on: a digit run
        # cut between two cells with no start between them (``47`` read 4 | 7, the 7 an I- of
        # another cell) counts as malformed.  Test reports 0-499: +4 cells; 500-999: the same.
        headless = sum(bool(inside[local[c.start - site.a]]) for cs in cands.values() for c in cs
                       if site.a <= c.start < site.b)
        unread = lambda i: bool(0 <= i < len(ids) and fold_width(text[i]).isdigit()  # noqa: E731
                                and (local[i - site.a] if site.a <= i < site.b else ids[i]) == outside)
        malformed = headless + sum(is_malformed(c) + unread(c.start - 1) + unread(c.end)
                                   for cs in cands.values() for c in cs)
        site.readings.append(Reading(float(gain), labs, cands, {f: best_candidate(cs) for f, cs in cands.items()},
                                     malformed))
        site.fields.update(cands)


__all__ = ["Reading", "Site", "add_readings", "is_malformed"]
