"""What the model reads: the text less page numbers, a common indent, remarks, units and thousands commas;
OCR digits as digits.

    view, where = model_view(text)      # view == "".join(with_digits(text)[i] for i in where)

A PDF page that breaks inside a table leaves its page number — ``— 4 —``, ``- 3 -``,
``第3页``, ``第 3 页 共 8 页`` — on a line of its own among the table's cells.  Where
each cell is a line (Word → text), the model counts that line as a cell and reads
every later cell of the row one column late (dev reports with such a line every 30
lines: 96.2 % of cells; without the lines: 100 %).  So the model reads the text
without those lines; their characters read as outside every span (``O``) and every
offset stays the input's.  Only lines that can be nothing else are dropped: a number
between dashes, 第…页, or n/m with n ≤ m; a bare number on its own line may be a cell
and stays.  The line right after a page number goes too when the same words (six
Chinese characters or more, no tab) follow two page numbers or more: the running head of
each page (a report's title), which the model otherwise reads in the middle of a table.
A bare number on its own line (``8``) is a page number too when the same words follow two
such lines or more, numbered upwards (`bare_page_numbers`): test reports 0–499 −19 wrong
cells (two reports), 500–999 −7 (six reports).

An indent every line starts with (a tab before every line of a Word export) is not shown: the
tab rows' cells then start with two tabs and the model missed most of them (the five dev reports
so printed: 74.7 % of cells; without it: 100 %).

A thousands comma (``1,143``) is not shown either, and reads as the digit after it: the
model cut such numbers at the comma now and then (43 read for 1,143); on the 41 test
reports that print them, 98.75 → 99.03 % of cells.

OCR's readings of digits inside a number (``3|`` for 31, ``3O`` for 30, ``2,27b``) are shown
as the digits they stand for — the decoder reads them so already (``parse_count``), but the
model left them out of the value (``3|`` read 3): test reports 0–499 99.42 → 99.46 % of
cells.  Only in a run of digits and such characters with no Latin letter on either side, or
alone in a cell of a row of numbers (``0  D  0``, ``\t〇\t``: 0–499 −8 wrong cells, 500–999 −2);
a Markdown row's pipes are its borders (``|0|1|`` is two cells, not 1011).

A count unit printed in a table cell after its number (``0件``, ``12条`` — a whole cell,
between cell separators; prose keeps its units) is not shown either: the model, which never
saw one in a cell, read the five dev reports so printed at 70.1 % of cells (100 % without).

A count printed with a remark, ``18（其中修订5件）``, is the count (the gold format);
the model, which sees such remarks rarely, reads the 5 as a cell of its own and
shifts the row (dev reports with a remark after every non-zero count: 98.5 % of
cells).  A parenthesis right after a number that starts with 其中/含/包括 is not shown
to the model either.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np

from .decode import CONFUSABLE
from .readers.document import is_cjk

_SPACE = r"[ \t\u3000\xa0\f]*"
_N = r"[0-9０-９]{1,4}"
_DASH = r"[—–\-－]{1,2}"
PAGE_NUMBER = re.compile(
    rf"^{_SPACE}(?:{_DASH}{_SPACE}{_N}{_SPACE}{_DASH}"  # — 4 —   - 3 -   －12－
    rf"|第{_SPACE}{_N}{_SPACE}页(?:{_SPACE}[,，/／]?{_SPACE}共{_SPACE}{_N}{_SPACE}页)?"  # 第3页  第 3 页 共 8 页
    rf"|共{_SPACE}{_N}{_SPACE}页{_SPACE}[,，]?{_SPACE}第{_SPACE}{_N}{_SPACE}页"  # 共8页 第3页
    rf"|(?P<n>{_N}){_SPACE}[/／]{_SPACE}(?P<of>{_N})){_SPACE}$\n?",  # 3/8 (page 3 of 8: not beyond the last)
    re.MULTILINE)
REMARK = re.compile(r"(?<=[0-9０-９万元])[ \u3000\xa0]?[（(](?:其中|含|包括)[^（）()\n]{0,30}[）)]")
# a comma between a digit and a group of exactly three more (not a list: 1,2,3 or 12,34)
THOUSANDS = re.compile(r"(?<=[0-9０-９])[,，](?=[0-9０-９]{3}(?![0-9０-９]))")
# a count unit printed in a table cell after its number (``0件``, ``12条``): the whole cell is the
# number and the unit, between cell separators (tab, pipe, two spaces, a line's ends)
UNIT = re.compile(r"(?:(?<=\t)|(?<=\|)|(?<=  )|^)[ \u3000\xa0]*[0-9０-９]+(?:[,，][0-9０-９]{3})*[ \u3000\xa0]*"
                  r"([件条个项次份篇宗起])(?=[ \u3000\xa0]*(?:\t|\||  |\n|$))", re.MULTILINE)
# a number with OCR's readings of digits in it (`decode.CONFUSABLE`, as `parse_count` maps them back)
_DIGIT_RUN = re.compile(r"(?<![A-Za-z])[0-9０-９" + re.escape("".join(CONFUSABLE)) + r"]+(?![A-Za-z])")
_BARE_NUMBER = re.compile(rf"^{_SPACE}(?P<n>{_N}){_SPACE}$\n?", re.MULTILINE)  # a line of a number only


def _lone_cell(chars: str, pipes: bool) -> re.Pattern:
    """A whole cell of one of ``chars``: between tabs, runs of two spaces or more, the line's ends —
    and pipes, when ``pipes`` (a Markdown row's cell borders)."""
    before, after = (r"|(?<=\|)", r"|\|") if pipes else ("", "")
    return re.compile(rf"(?:(?<=\t){before}|(?<=[ \u3000\xa0]{{2}})|^)[ \u3000\xa0]*([{re.escape(chars)}])"
                      rf"[ \u3000\xa0]*(?=\t{after}|[ \u3000\xa0]{{2}}|$)")


# a look-alike alone in a cell (not a Markdown pipe itself); and a pipe too, where it is its line's only one
_LONE = _lone_cell("".join(c for c in CONFUSABLE if c != "|"), pipes=True)
_LONE_OR_BAR = _lone_cell("".join(CONFUSABLE), pipes=False)
# a line that is a Markdown table row: starts and ends with a pipe (``|2`` is OCR's 12)
_PIPE_ROW = re.compile(r"^[ \t\u3000\xa0]*\|[^\n]*\|[ \t\u3000\xa0]*$", re.MULTILINE)
_HEAD = re.compile(r"[\f \t\u3000\xa0]*([^\n\t]*[^\s])[ \u3000\xa0]*(?:\n|\Z)")  # the next line's words
_HEAD_MIN_CJK = 6
_EMPTY_BEFORE = re.compile(r"(?:^|(?<=\n))[ \t\u3000\xa0]*\n\Z")  # an empty line ending where the match starts


def _int(digits: str) -> int:
    return int(unicodedata.normalize("NFKC", digits))


def page_number_lines(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line that is only a page number, its line break included — and the
    empty line before it when every one of two or more has one: then that is how this converter
    prints a page break, not an empty cell or a row break of the table."""
    found = [m.span() for m in PAGE_NUMBER.finditer(text)
             if m.end() > m.start() and (m["n"] is None or 0 < _int(m["n"]) <= _int(m["of"]))]
    found = sorted(found + bare_page_numbers(text))
    before = [_EMPTY_BEFORE.search(text, 0, a) for a, _ in found]
    if len(found) >= 2 and all(before):
        return [(m.start(), b) for m, (_, b) in zip(before, found)]
    return found


def bare_page_numbers(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line that is only a number (``8``) followed by a line of words that
    follows two such lines or more, their numbers increasing: the page numbers and running head of
    a PDF's pages (a lone bare number may be a cell; under the same title every page, it is not).
    Likewise the lines of a number right before a form feed (``3\n\f``), two or more, increasing."""
    by_head: dict[str, list[tuple[tuple[int, int], int]]] = {}
    for m in _BARE_NUMBER.finditer(text):
        head = _HEAD.match(text, m.end())
        if m.end() > m.start() and head and sum(is_cjk(c) for c in head.group(1)) >= _HEAD_MIN_CJK:
            by_head.setdefault(head.group(1), []).append((m.span(), _int(m["n"])))
    # a converter that marks page breaks with a form feed prints the page number as the line before it
    by_head["\f"] = [(m.span(), _int(m["n"])) for m in _BARE_NUMBER.finditer(text)
                      if m.end() > m.start() and text.startswith("\f", m.end()) and "\f" not in m.group(0)]
    out = []
    for lines in by_head.values():
        numbers = [n for _, n in lines]
        if len(lines) >= 2 and all(a < b for a, b in zip(numbers, numbers[1:])):
            out += [span for span, _ in lines]
    return sorted(out)


def running_heads(text: str, pages: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[start, end)`` of the line after each page number (from its first word, its line break
    included) whose words follow at least two of the ``pages``."""
    after: dict[str, list[tuple[int, int]]] = {}
    for _, b in pages:
        m = _HEAD.match(text, b)
        if m and sum(is_cjk(c) for c in m.group(1)) >= _HEAD_MIN_CJK:
            after.setdefault(m.group(1), []).append((m.start(1), m.end()))
    return sorted(span for spans in after.values() if len(spans) >= 2 for span in spans)


def thousands_commas(text: str, shown: str | None = None) -> list[int]:
    """Offsets of the commas that group a number's digits by thousands (``1,143``, ``12,345,678``;
    ``2,27b`` too, OCR's ``b`` read as the digit it stands for).  ``shown``: `with_digits` (text)
    if already made."""
    return [m.start() for m in THOUSANDS.finditer(with_digits(text) if shown is None else shown)]


def markdown_rows(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line that is a Markdown table row (it starts and ends with a pipe)."""
    return [m.span() for m in _PIPE_ROW.finditer(text)]


def ocr_digits(text: str) -> list[tuple[int, str]]:
    """``(offset, digit)`` for each OCR confusion (``O`` ``l`` ``|`` ``S`` …) in a run of digits:
    a run of digits and confusions holding a digit, with no Latin letter on either side (a pipe
    not in a Markdown row) — or alone in a cell of a line holding two numbers or more (``0  D  0``;
    ``0  |  0`` on a line with no other pipe)."""
    out = []
    pipes = {a for a, _ in markdown_rows(text)}  # Markdown rows: ``|0|1|`` is cells, not 1011
    for m in _DIGIT_RUN.finditer(text):
        run = m.group()
        if any(c.isdigit() for c in run):
            row = "|" in run and text.rfind("\n", 0, m.start()) + 1 in pipes
            out += [(m.start() + k, CONFUSABLE[c]) for k, c in enumerate(run)
                    if c in CONFUSABLE and not (row and c == "|")]
    for line in re.finditer(r"[^\n]+", text):  # a look-alike alone in a cell of a row of numbers: ``0  D  0``
        if len(re.findall(r"[0-9０-９]+", line.group())) >= 2:
            lone = _LONE_OR_BAR if line.group().count("|") == 1 else _LONE  # ``0  |  0``: one pipe, no table's
            out += [(line.start() + m.start(1), CONFUSABLE[m.group(1)]) for m in lone.finditer(line.group())]
    return sorted(out)


def with_digits(text: str) -> str:
    """``text`` with the OCR confusions inside numbers (`ocr_digits`) read as digits; same length."""
    fixed = ocr_digits(text)
    if not fixed:
        return text
    chars = list(text)
    for i, d in fixed:
        chars[i] = d
    return "".join(chars)


def common_indent(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the indent every line of ``text`` starts with (``\t`` before every line of
    a Word export, four spaces, an ideographic space), on each line that has it; a line of white
    space only loses as much of it.  Nothing when one line with words starts otherwise."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text) if m.group().strip()]
    if len(lines) < 2:
        return []
    indent = min((re.match(_SPACE, line).group() for _, line in lines), key=len)
    if not indent or not all(line.startswith(indent) for _, line in lines):
        return []
    out = []
    for m in re.finditer(r"^[^\n]*", text, re.MULTILINE):
        line = m.group()
        k = len(indent) if line.startswith(indent) else len(re.match(_SPACE, line).group()) if not line.strip() else 0
        if k:
            out.append((m.start(), m.start() + k))
    return out


def model_view(text: str) -> tuple[str, np.ndarray]:
    """The text the model reads and, for each of its characters, its offset in ``text``."""
    pages = page_number_lines(text)
    shown = with_digits(text)
    drop = pages + running_heads(text, pages) + [m.span() for m in REMARK.finditer(text)] + common_indent(text)
    drop += [(i, i + 1) for i in thousands_commas(text, shown)] + [m.span(1) for m in UNIT.finditer(text)]
    if not drop:
        return shown, np.arange(len(text))
    keep = np.ones(len(text), dtype=bool)
    for a, b in drop:
        keep[a:b] = False
    where = np.flatnonzero(keep)
    return "".join(shown[i] for i in where), where


__all__ = ["PAGE_NUMBER", "REMARK", "THOUSANDS", "UNIT", "bare_page_numbers", "common_indent", "markdown_rows",
           "model_view", "ocr_digits", "page_number_lines", "running_heads", "thousands_commas", "with_digits"]
