"""Where a report's structure is printed: its section headings and its title (YEAR, AGENCY).

Headings start at the gold offsets when a record gives them (else they are found:
a known section title right after a Chinese numeral, in section order) and end where
the title wording ends, read with an OCR error if need be.  The title is the short line naming
the report (…政府信息公开工作年度报告) and the lines right after it.
"""
from __future__ import annotations

import re

from ..gold import Record
from ..labels import Span
from ..schema import SECTIONS
from .fuzzy import anchored_end, fuzzy_find, max_errors
from .text import SEPARATOR, Folded, fold_str

TITLE_MAX_LINE = 60  # a title line is at most this long (stripped)
TITLE_EXTRA_LINES = 2  # lines after the title line that may still belong to it (agency, date)
TITLE_TAIL = 8  # on a run-on line, characters after the report's name still part of the title (+ agency)
TITLE_MIN_WORDS = 3  # of 政府 信息公开 工作 年度 报告, for a line to be taken as a damaged title

_NUMERAL = re.compile(r"[一二三四五六七八九十]+[、.,]?|\([一二三四五六七八九十]+\)|\d+[.、,]")


# --------------------------------------------------------------------------- #
# Section headings
# --------------------------------------------------------------------------- #
def _title_at(folded: str, pos: int, number: int | None) -> tuple[int, int] | None:
    """(section number, folded end) of a heading title starting at ``pos``; longest wording wins."""
    best = None
    for section in SECTIONS:
        if number is not None and section.number != number:
            continue
        for title in section.texts:
            t = fold_str(title)
            if folded.startswith(t, pos) and (best is None or pos + len(t) > best[1]):
                best = (section.number, pos + len(t))
    return best


def _damaged_title_end(folded: str, pos: int, number: int) -> int | None:
    """End of the section's title printed at ``pos`` with a character dropped, doubled or mistaken."""
    ends = []
    for title in SECTIONS[number - 1].texts:
        t = fold_str(title)
        end = anchored_end(folded, t, pos, min(1, max_errors(t)))
        if end is not None and SEPARATOR not in folded[pos:end]:
            ends.append(end)
    return max(ends, default=None)


def heading_at(source: str, folded: Folded, offset: int, number: int) -> tuple[int, int]:
    """Original [start, end) of the heading of section ``number`` printed at ``offset``."""
    pos = folded.folded_at(offset)
    m = _NUMERAL.match(folded.text, pos)
    title_pos = m.end() if m else pos
    found = _title_at(folded.text, title_pos, number) or _title_at(folded.text, title_pos, None)
    damaged = _damaged_title_end(folded.text, title_pos, number)  # may be longer than a short wording found
    ends = [e for e in (found[1] if found else None, damaged) if e is not None]
    if ends:
        end = max(ends)
        return offset, folded.span(pos, end)[1]
    line_end = source.find("\n", offset)
    line_end = len(source) if line_end < 0 else line_end
    end = len(source[offset:line_end].rstrip()) + offset
    return offset, max(end, offset + 1)


def find_headings(source: str, folded: Folded) -> dict[int, tuple[int, int]]:
    """Section number -> original [start, end) of its heading, for reports without gold offsets.

    A heading is a known section title right after a Chinese numeral (一、 二. 三 …), not
    inside brackets (（一）主动公开 is a sub-heading); sections are taken in order, each
    at its first such place after the previous one.  The introduction that lists the
    titles inline has no numerals before them.
    """
    text = folded.text
    out: dict[int, tuple[int, int]] = {}
    pos = 0
    for section in SECTIONS:
        best = None
        for title in section.texts:
            for m in re.finditer(rf"(?<![(（])[一二三四五六七][、.,]?{re.escape(fold_str(title))}", text[pos:]):
                cand = (pos + m.start(), pos + m.end())
                if best is None or cand[0] < best[0] or (cand[0] == best[0] and cand[1] > best[1]):
                    best = cand
                break
        if best:
            out[section.number] = folded.span(*best)
            pos = best[1]
    for section in SECTIONS:  # missing ones: a title read with an OCR error, between the found neighbours
        if section.number not in out:
            lo = max([folded.folded_at(e) for k, (_, e) in out.items() if k < section.number], default=0)
            hi = min([folded.folded_at(b) for k, (b, _) in out.items() if k > section.number], default=len(text))
            hit = _damaged_heading(source, folded, section.texts, lo, hi)
            if hit:
                out[section.number] = hit
    return dict(sorted(out.items()))


def _damaged_heading(source: str, folded: Folded, titles: tuple[str, ...], lo: int,
                     hi: int) -> tuple[int, int] | None:
    """A title with an OCR error at the start of a line (after its numeral, if any) in folded [lo, hi)."""
    blocked = [False] * len(folded.text)
    for title in sorted(titles, key=len, reverse=True):
        hit = fuzzy_find(folded.text, fold_str(title), lo, hi, blocked, folded.index)
        if not hit:
            continue
        start = hit[0]
        m = re.search(r"[一二三四五六七]?[、.,]?$", folded.text[max(lo, start - 2):start])
        start -= len(m.group()) if m else 0
        line_start = source.rfind("\n", 0, folded.index[start]) + 1
        if not source[line_start:folded.index[start]].strip(" \t\u3000\xa0#*"):
            return folded.span(start, hit[1])
    return None


_TITLE_MARK = re.compile(r"政府信息公开工作年度报告")
_TITLE_WORDS = ("政府", "信息公开", "工作", "年度", "报告")  # a damaged title still has most of these
_CHROME = re.compile(r"当前位置|>>|»|首页|浏览次数|发布时间")
_CN_DIGITS = "〇一二三四五六七八九"


def _title_mark(head: str) -> tuple[int, int] | None:
    """Where the report's name is printed: the first line (its first characters) that holds
    it exactly, or most of its words (OCR may have dropped a character).  Site chrome
    (breadcrumbs, menus) is passed over."""
    for line in re.finditer(r"[^\n]+", head):
        if _CHROME.search(line.group()):
            continue
        start = line.start()
        window = line.group()[:TITLE_MAX_LINE + TITLE_TAIL]
        m = _TITLE_MARK.search(window)
        if m:
            return start + m.start(), start + m.end()
        found = [(window.find(w), w) for w in _TITLE_WORDS if w in window]
        if len(found) >= TITLE_MIN_WORDS:
            return start + min(p for p, _ in found), start + max(p + len(w) for p, w in found)
    return None


def _title_lines(text: str, first_heading: int, agency: str) -> list[tuple[int, int]]:
    """Where the title is: the first short line before the first heading that names the report
    (…政府信息公开工作年度报告) and the short lines right after it (agency, date).  When that
    line is long (a crawler put everything on one line), the title is the run up to the name
    and a few characters after it (an agency or ``（2020年度）`` printed after the name)."""
    head = text[:first_heading]
    mark = _title_mark(head)
    if mark is None:
        return []
    s = head.rfind("\n", 0, mark[0]) + 1
    e = head.find("\n", mark[1])
    e = len(head) if e < 0 else e
    if len(text[s:e].strip()) > TITLE_MAX_LINE:
        return [(s, min(e, mark[1] + TITLE_TAIL + len(agency)))]
    out = [(s, e)]
    for line in re.finditer(r"[^\n]+", head[e:]):
        if len(out) > TITLE_EXTRA_LINES or len(line.group().strip()) > TITLE_MAX_LINE:
            break
        out.append((e + line.start(), e + line.end()))
    return out


def title_spans(text: str, folded: Folded, gold: Record, first_heading: int) -> list[Span]:
    """YEAR: the covered year as the title prints it (else as the line after the title says
    it, 现将2020年度…); AGENCY: the agency's name in the title."""
    out = []
    lines = _title_lines(text, first_heading, gold.agency)
    if gold.year:
        digits = str(gold.year)
        forms = (digits, digits.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                 "".join(_CN_DIGITS[int(d)] for d in digits))
        hit = _first_in_lines(text, folded, lines, forms)
        if hit is None and lines:
            after = lines[-1][1]
            hit = _first_in_lines(text, folded, [(after, first_heading)], tuple(f + "年" for f in forms))
            hit = (hit[0], hit[1] - 1) if hit else None
        if hit:
            out.append(Span(*hit, "YEAR"))
    if gold.agency:
        hit = _first_in_lines(text, folded, lines, (gold.agency,))
        if hit:
            out.append(Span(*hit, "AGENCY"))
    return out


def _first_in_lines(text: str, folded: Folded, lines: list[tuple[int, int]],
                    forms: tuple[str, ...]) -> tuple[int, int] | None:
    for s, e in lines:
        fs, fe = folded.folded_at(s), folded.folded_at(e)
        hits = [(p, len(f)) for f in map(fold_str, forms) if f and (p := folded.text.find(f, fs, fe)) >= 0]
        if hits:
            p, n = min(hits)
            return folded.span(p, p + n)
    return None
