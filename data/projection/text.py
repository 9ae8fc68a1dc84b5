"""A whitespace-free, width-folded view of a report's text, with a map back to the original.

Labels are matched in this view so that ``本 年 新\n制作数量``, ``（一）`` vs ``(一)``
and ``规范性文件`` wrapped over two lines all look alike; every match maps back to a
range of the original text (first to last matched character, so the white space
inside a wrapped label is covered, the white space around it is not).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
QUOTES = "“”„‟\"'‘’「」『』"
DASHES = "—–―‐‑‒－-"
# characters that separate cells in the layouts we know; never inside a label, so a label never spans one
CELL_SEPARATORS = "|\t"


@cache
def fold(ch: str) -> str:
    """One character to its comparison form ('' to drop it). Keeps one-to-one offsets possible."""
    if ch.isspace() or ch in ZERO_WIDTH or ch in CELL_SEPARATORS:
        return ""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        ch = chr(code - 0xFEE0)
    if ch in QUOTES:
        return '"'
    if ch in DASHES:
        return "-"
    return {"〔": "(", "〕": ")"}.get(ch, ch)


def fold_str(s: str) -> str:
    return "".join(fold(c) for c in s)


SEPARATOR = "\t"  # stands in the folded text for a run of cell separators


@dataclass(frozen=True)
class Folded:
    """``text`` folded; ``index[k]`` is the offset in the original of folded character k.

    White space is dropped, but a run of cell separators (TAB, ``|``) stays as one
    `SEPARATOR`: no label contains one, so no label match can run across two cells.
    """

    text: str
    index: tuple[int, ...]
    source_len: int

    @classmethod
    def of(cls, source: str) -> "Folded":
        chars, index = [], []
        for i, ch in enumerate(source):
            if ch in CELL_SEPARATORS:
                if not chars or chars[-1] != SEPARATOR:
                    chars.append(SEPARATOR)
                    index.append(i)
                continue
            f = fold(ch)
            if f:
                chars.append(f)
                index.append(i)
        return cls("".join(chars), tuple(index), len(source))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of folded ``[start, end)`` (end > start)."""
        return self.index[start], self.index[end - 1] + 1

    def folded_at(self, offset: int) -> int:
        """First folded position whose original offset is >= ``offset``."""
        return bisect.bisect_left(self.index, offset)


# enumeration prefixes of row labels: 一、 （一） 1. — printed with 、 . ． ， or nothing after a digit
_ENUM_DIGIT = re.compile(r"^(\d+)[.、,]")


@cache
def label_pattern(label: str) -> re.Pattern:
    """Regex over folded text for one printed label, tolerant of the digit-enumeration separator."""
    folded = fold_str(label)
    m = _ENUM_DIGIT.match(folded)
    head = ""
    if m:
        head = re.escape(m.group(1)) + r"[.、,]?"
        folded = folded[m.end():]
    body = "".join('"?' if c == '"' else re.escape(c) for c in folded)
    return re.compile(head + body)
