"""Damage: what converters and OCR do to a report's text, with labels kept aligned.

Each damage is a pure function ``(text, spans, rng) -> (text, spans)``.  Internally
the text is a list of characters, each owned by the span it belongs to (or none);
a damage edits that list, so a substituted character keeps its owner, a dropped
one takes its label with it and inserted layout noise belongs to no span unless
it lands inside one.

OCR damage is a reading error, not a different report: the gold keeps the
printed value while the text carries ``l2`` or ``1O`` tagged as that cell (the
decoder maps them back), and a cell whose only character OCR missed keeps its
gold value with no characters at all.
"""
from __future__ import annotations

import random
from typing import Callable

from ..labels import Span

Damage = Callable[[str, list[Span], random.Random], tuple[str, list[Span]]]


def explode(text: str, spans: list[Span]) -> tuple[list[str], list[int]]:
    owner = [-1] * len(text)
    for i, s in enumerate(spans):
        owner[s.start:s.end] = [i] * (s.end - s.start)
    return list(text), owner


def implode(chars: list[str], owner: list[int], spans: list[Span]) -> tuple[str, list[Span]]:
    out: list[Span] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or owner[i] != owner[start]:
            if owner[start] >= 0:
                out.append(Span(start, i, spans[owner[start]].tag))
            start = i
    return "".join(chars), out


def _kind(tag: str) -> str:
    return tag.split(":", 1)[0] if ":" in tag else tag


# --------------------------------------------------------------------------- #
# Layout noise
# --------------------------------------------------------------------------- #
def page_breaks(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """Page numbers (``— 4 —``, ``- 3 -``, ``第3页``), running headers and footers,
    inserted at line ends every 30–55 lines — inside tables too."""
    chars, owner = explode(text, spans)
    breaks = [i for i, ch in enumerate(chars) if ch == "\n" and owner[i] < 0]
    every = rng.randint(30, 55)
    style = rng.choice(["— {n} —", "- {n} -", "第{n}页", "第 {n} 页 共 {total} 页", "{n}", "{n}/{total}", "－ {n} －"])
    header = rng.choice(["", "", "政府信息公开工作年度报告", text[:text.find("\n")].strip()[:30] if "\n" in text else ""])
    if breaks:
        cuts = breaks[every::every] or breaks[len(breaks) // 2:len(breaks) // 2 + 1]
    else:  # one-line text: between two characters outside spans
        free = [i for i in range(1, len(chars)) if owner[i] < 0 and owner[i - 1] < 0]
        cuts = sorted(rng.sample(free, min(len(free), max(1, len(chars) // 2500))))
    total = len(cuts) + 1
    ff = "\f" if rng.random() < 0.3 else ""
    for k, i in reversed(list(enumerate(cuts))):
        n = k + 1
        mark = style.format(n=n, total=total)
        insert = f"\n{mark}\n{ff}" + (f"{header}\n" if header else "") if breaks else f" {mark} "
        chars[i + 1:i + 1] = list(insert)
        owner[i + 1:i + 1] = [-1] * len(insert)
    return implode(chars, owner, spans)


FULL = {chr(c): chr(c + 0xFEE0) for c in range(ord("0"), ord("9") + 1)}


def fullwidth(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """Full-width digits (in the values, or everywhere) and U+3000 for spaces."""
    chars, owner = explode(text, spans)
    everywhere = rng.random() < 0.4
    for i, ch in enumerate(chars):
        if ch in FULL and (everywhere or (owner[i] >= 0 and spans[owner[i]].tag.startswith("V:"))):
            chars[i] = FULL[ch]
        elif ch == " " and rng.random() < 0.5:
            chars[i] = "\u3000"
    return implode(chars, owner, spans)


def nbsp_pad(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """NBSP / U+3000 / spaces around cell values, as Word and web pages leave them."""
    chars, owner = explode(text, spans)
    pad = rng.choice(["\xa0", "\u3000", " ", "\xa0\xa0"])
    p = rng.choice([0.3, 0.6, 1.0])
    for s in sorted((s for s in spans if s.tag.startswith("V:")), reverse=True):
        if rng.random() < p:
            at = s.end if rng.random() < 0.5 else s.start
            chars[at:at] = list(pad)
            owner[at:at] = [-1] * len(pad)
    return implode(chars, owner, spans)


def stray_spaces(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """Spaces inside labels (``信访举报 投诉类申请``), as PDF text extraction leaves them."""
    chars, owner = explode(text, spans)
    for idx, s in sorted(enumerate(spans), key=lambda t: -t[1].start):
        if _kind(s.tag) in ("R", "C") and s.end - s.start >= 4 and rng.random() < 0.3:
            at = rng.randint(s.start + 1, s.end - 1)
            chars.insert(at, " ")
            owner.insert(at, idx)
    return implode(chars, owner, spans)


# --------------------------------------------------------------------------- #
# OCR
# --------------------------------------------------------------------------- #
DIGIT_CONFUSIONS = {"0": "OO〇oD", "1": "lIl|i", "5": "SSs", "8": "B", "2": "Z", "6": "bG", "9": "gq", "7": "T"}
HAN_CONFUSIONS = {"己": "已", "已": "己", "未": "末", "人": "入", "日": "曰", "土": "士", "千": "干", "王": "玉",
                  "大": "太", "天": "夭", "办": "为", "处": "外", "理": "埋", "申": "由", "请": "清", "年": "午"}


def ocr_digits(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """0/O/〇, 1/l/I, 5/S … inside values; now and then a digit dropped or doubled."""
    chars, owner = explode(text, spans)
    values = {i for i, s in enumerate(spans) if s.tag.startswith("V:")}
    targets = [i for i, ch in enumerate(chars) if owner[i] in values and ch in DIGIT_CONFUSIONS]
    if not targets:
        return text, spans
    k = max(1, int(len(targets) * rng.choice([0.02, 0.05, 0.1])))
    for i in sorted(rng.sample(targets, min(k, len(targets))), reverse=True):
        r = rng.random()
        span = spans[owner[i]]
        if r < 0.8 or span.end - span.start < 2:
            chars[i] = rng.choice(DIGIT_CONFUSIONS[chars[i]])
        elif r < 0.9:
            del chars[i], owner[i]
        else:
            chars.insert(i, chars[i])
            owner.insert(i, owner[i])
    return implode(chars, owner, spans)


def ocr_text(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """Look-alike characters, dropped and doubled characters in prose and labels."""
    chars, owner = explode(text, spans)
    protected = {i for i, s in enumerate(spans) if _kind(s.tag) in ("V", "H", "YEAR", "AGENCY")}
    rate = rng.choice([0.002, 0.005, 0.01])
    out_c: list[str] = []
    out_o: list[int] = []
    for ch, o in zip(chars, owner):
        if o in protected or ch.isspace() or rng.random() >= rate:
            out_c.append(ch)
            out_o.append(o)
            continue
        r = rng.random()
        if r < 0.5 and ch in HAN_CONFUSIONS:
            out_c.append(HAN_CONFUSIONS[ch])
            out_o.append(o)
        elif r < 0.75:
            continue  # dropped
        else:
            out_c += [ch, ch]
            out_o += [o, o]
    if not out_c:
        return text, spans
    return implode(out_c, out_o, spans)


def merge_cells(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """Neighbouring cells read as one (``1→0`` becomes ``10``): the white space between
    two values goes; each digit keeps its own cell's label."""
    chars, owner = explode(text, spans)
    values = sorted((s for s in spans if s.tag.startswith("V:")), key=lambda s: s.start)
    pairs = [(a, b) for a, b in zip(values, values[1:])
             if 0 < b.start - a.end <= 4 and text[a.end:b.start].strip() == ""]
    if not pairs:
        return text, spans
    for a, b in sorted(rng.sample(pairs, min(len(pairs), rng.randint(1, 3))), key=lambda p: -p[0].end):
        del chars[a.end:b.start], owner[a.end:b.start]
    return implode(chars, owner, spans)


def missed_cell(text: str, spans: list[Span], rng: random.Random) -> tuple[str, list[Span]]:
    """OCR missed a single-digit cell entirely: no characters carry that value any more."""
    singles = [s for s in spans if s.tag.startswith("V:") and s.end - s.start == 1 and text[s.start].isdigit()]
    if not singles:
        return text, spans
    chars, owner = explode(text, spans)
    for s in sorted(rng.sample(singles, min(len(singles), rng.randint(1, 2))), key=lambda s: -s.start):
        del chars[s.start], owner[s.start]
    return implode(chars, owner, spans)


DAMAGE: dict[str, Damage] = {
    "page_breaks": page_breaks, "fullwidth": fullwidth, "nbsp_pad": nbsp_pad, "stray_spaces": stray_spaces,
    "ocr_digits": ocr_digits, "ocr_text": ocr_text, "merge_cells": merge_cells, "missed_cell": missed_cell,
}
