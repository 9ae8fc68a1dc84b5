"""Placing the gold values on the printed numbers.

The printed values of the tables are read as *tokens* (numbers with an optional
unit, and the marks ``/ — 无``) outside every label, heading, remark and page
number.  The gold record gives the sequence of non-blank cells in the template's
order; a monotone alignment (dynamic programming) matches that sequence to the
tokens: equal value → cheap, OCR-like look-alike → a little more, a token left over
→ free, a value left unplaced → expensive.  Each value must come after its own row
label; coming after a later row's label costs a little (this settles ties between
equal numbers).  A token may hold several consecutive values run together
(``125118`` = 12 | 5 | 118) when its digits are exactly their concatenation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Costs of the alignment, all in one place.
COST_LOOKALIKE = 0.3  # O for 0, l for 1, full-width digits are free (folded)
COST_EDIT = 3.0  # one character dropped / doubled / changed (OCR)
COST_SPLIT = 0.01  # per extra value read from one run-together token
COST_UNPLACED = 20.0  # a gold value no token was given to
COST_EMPTY_BONUS = 1.0  # … a little less where the text shows an empty cell (OCR missed the value there)
COST_LATE_ROW = 0.5  # per row label of the same table between the value's label and its token
COST_LATE_TABLE = 15.0  # per later table or section begun before the token
MAX_RUN = 20  # values one run-together token may hold
MAX_SKIPS = 2  # values missing from inside one run-together token (OCR lost a cell)

# what OCR reads digits as (the generator's confusions and the common ones of real scans)
LOOKALIKES = {"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1", "S": "5", "s": "5",
              "B": "8", "Z": "2", "z": "2", "b": "6", "G": "6", "g": "9", "q": "9", "T": "7"}
_DIGIT = "0-9０-９"
_LOOK = "".join(c for c in LOOKALIKES if c != "|")  # | only right before a digit (see NUMBER)
# a sign may follow a digit: cells run together print 5-3 for 5 | -3; OCR reads 1 as | before a digit
NUMBER = re.compile(rf"(?:[-−－+＋](?=[{_DIGIT}])|(?<![{_DIGIT}.．]))(?:[{_DIGIT}{_LOOK}]|\|(?=[{_DIGIT}]))+"
                    rf"(?:[.．,，][{_DIGIT}{_LOOK}]+)*")
UNIT = re.compile(r"[ \t\u3000\xa0]*(万元|元|万)")
MARK = re.compile(r"[—–―－\-]+|[/／]|无")
# an empty cell: a TAB or | with only spaces up to the next separator (or, for a TAB, the line end),
# or a line of nothing but spaces (one cell per line)
EMPTY_CELL = re.compile(r"\t[^\S\n\t]*(?=[\t\n|])|\|[^\S\n|\t]*(?=\|)|(?m:^[^\S\n]+$)")
_SP = r"[^\S\n]*"  # white space within a line (NBSP and U+3000 too)
# a line that is only a page number: — 4 —, - 3 -, 第3页, 第 3 页 共 9 页, 3/9
PAGE_NUMBER = re.compile(rf"(?m)^{_SP}(?:[-—–－]{_SP}\d+{_SP}[-—–－]|第{_SP}\d+{_SP}页(?:{_SP}共{_SP}\d+{_SP}页)?"
                         rf"|\d+{_SP}/{_SP}\d+){_SP}$")
REMARK = re.compile(r"[（(][^（()）\n]*[\u4e00-\u9fff][^（()）\n]*[）)]")  # 18（其中修订5件）
# Markdown furniture: rule lines and dummy rows (| --- |, | - | - |), placeholder headers 数据1 … 数据N
MD_RULE = re.compile(rf"(?m)^{_SP}\|(?:{_SP}:?-+:?{_SP}\|)+{_SP}$")
MD_PLACEHOLDER = re.compile(rf"(?<=\|){_SP}数据{_SP}\d+{_SP}(?=\|)")


@dataclass(frozen=True)
class Token:
    start: int
    end: int  # end of the number (or mark)
    chars: tuple[tuple[str, int], ...]  # normalised characters of the number and their offsets
    kind: str  # "number", "mark" or "empty" (an empty cell: no value, but where one may have been lost)
    unit: str = ""  # 万元 / 元 / 万 printed after the number (white space removed)
    unit_end: int = -1  # end including the unit

    @property
    def key(self) -> str:
        return "".join(c for c, _ in self.chars)


DASHES = "—–―－−-"


def _norm_char(ch: str) -> str:
    """Full-width to ASCII; every dash and minus to '-'."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
    return "-" if ch in DASHES else ch


def _pieces_of(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A number on a Markdown row (two or more ``|``) is cut at its pipes: there they separate cells."""
    if "|" not in text[s:e]:
        return [(s, e)]
    line_start = text.rfind("\n", 0, s) + 1
    line_end = text.find("\n", e)
    if text.count("|", line_start, len(text) if line_end < 0 else line_end) < 2:
        return [(s, e)]
    out, start = [], s
    for k in range(s, e + 1):
        if k == e or text[k] == "|":
            if k > start:
                out.append((start, k))
            start = k + 1
    return out


def tokens(text: str, blocked: list[bool]) -> list[Token]:
    """Numbers and marks of the text outside blocked characters, in text order."""
    out: list[Token] = []
    taken = [False] * len(text)
    spans = [p for m in NUMBER.finditer(text) for p in _pieces_of(text, *m.span())]
    for s, e in spans:
        if any(blocked[s:e]):
            # keep the unblocked part only when the block is at an edge (a label glued to a number)
            s2 = s
            while s2 < e and blocked[s2]:
                s2 += 1
            e2 = s2
            while e2 < e and not blocked[e2]:
                e2 += 1
            if s2 >= e or not any(c in "0123456789０１２３４５６７８９" for c in text[s2:e2]):
                continue
            s, e = s2, e2
        raw = text[s:e]
        if not any(_norm_char(c).isdigit() for c in raw):
            # a lone look-alike counts only as a whole cell: white space, a separator or a label around it
            def edge(k: int) -> bool:
                return k < 0 or k >= len(text) or text[k].isspace() or text[k] in "|," or blocked[k]

            if len(raw) != 1 or not edge(s - 1) or not edge(e):
                continue
        chars = tuple((_norm_char(c), s + i) for i, c in enumerate(raw) if _norm_char(c) not in ",，")
        u = UNIT.match(text, e)
        unit_end = u.end() if u and not any(blocked[e:u.end()]) else e
        out.append(Token(s, e, chars, "number", u.group(1) if unit_end > e else "", unit_end))
        for k in range(s, unit_end):
            taken[k] = True
    for m in MARK.finditer(text):
        s, e = m.span()
        if any(blocked[s:e]) or any(taken[s:e]):
            continue
        out.append(Token(s, e, tuple((_norm_char(c), s + i) for i, c in enumerate(text[s:e])), "mark", "", e))
    for m in EMPTY_CELL.finditer(text):
        if not blocked[m.start()]:
            out.append(Token(m.start(), m.start() + 1, (), "empty", "", m.start() + 1))
    return sorted(out, key=lambda t: t.start)


def blocked_extras(text: str) -> list[tuple[int, int]]:
    """Ranges that never hold a value: page numbers, remarks in brackets (``（其中修订5件）``),
    Markdown rules, dummy ``| - |`` rows and placeholder headers (``| 数据1 |``)."""
    return [m.span() for pattern in (PAGE_NUMBER, REMARK, MD_RULE, MD_PLACEHOLDER) for m in pattern.finditer(text)]


# --------------------------------------------------------------------------- #
# Matching a value to a token
# --------------------------------------------------------------------------- #
def value_text(value) -> str:
    """A gold value as a token's characters would read (white space removed, width and dashes folded)."""
    if isinstance(value, int):
        return str(value)
    return "".join(_norm_char(c) for c in str(value) if not c.isspace() and _norm_char(c) != ",")


def lookalike(s: str) -> str:
    return "".join(LOOKALIKES.get(c, c) for c in s)


def _edit1(a: str, b: str) -> bool:
    """At most one character dropped, doubled or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


def match_cost(expected: str, token: Token, unit: bool) -> tuple[float, int] | None:
    """(cost, end offset) of reading ``expected`` (a `value_text`) from ``token``, or None when it cannot be."""
    key = token.key.lstrip("+")
    if token.kind == "empty":
        return None
    if token.kind == "mark":
        return (0.0, token.end) if key == expected else None
    end = token.end
    if unit and token.unit_end > token.end:
        key += token.unit
        end = token.unit_end
    if key == expected:
        return 0.0, end
    if lookalike(key) == lookalike(expected):
        return COST_LOOKALIKE, end
    if len(expected) >= 2 and _edit1(lookalike(key), lookalike(expected)):
        return COST_EDIT, end
    if unit and token.unit_end > token.end and not re.search(r"[万元]", expected):
        return match_cost(expected, token, unit=False)  # unit printed but not part of the gold value
    return None
