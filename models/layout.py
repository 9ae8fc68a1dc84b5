"""Layout ids: where a character sits in the table grid the text draws, as a model input.

Which column a count fills is a matter of counting: the third number after a row
label is the third column.  A small transformer over characters counts badly
(the interim 2-layer model put most wrong values in the right row but the wrong
column), so, like LayoutLM's box coordinates, each character gets two small
coordinates computed from the text alone and fed as BERT's ``token_type_ids``:

* ``cell`` — cell separators crossed since the last CJK character of the line (a
  row label resets it) or the line start: a run of separators counts its tabs and
  pipes (``\\t\\t`` = an empty cell between), or 1 for spaces only; a leading
  run counts only its tabs and pipes (indentation is not a cell);
* ``line`` — lines since the last line holding a CJK character (one cell per line
  layouts: the label, a blank line, the first value …; Markdown fragments:
  the rows under a placeholder header).

* ``around`` — the kinds (digit, white space or cell separator, other) of the
  characters before and after: where a number starts and ends.  Measured: from
  scratch, the model had not learnt by 3,000 steps that a digit after a blank
  starts a value (``534`` read as ``5|3|4`` or ``53|4`` half the time); with its
  neighbours' kinds as an input that is a lookup.

Clipped (`CELLS`, `LINES`), ``type id = (cell * LINES + line) * 9 + around``.
Nothing here knows a layout, a template or a report: it is a function of the characters.
A model whose ``type_vocab_size`` is smaller than `TYPES` (an older xxgk model, a
foreign ``--base-model`` before `xxgk.models.model.from_base` widens it) is fed
zeros, as it was trained.
"""
from __future__ import annotations

import re

import numpy as np

CELLS = 16  # columns counted: table 三 has at most 8 value columns per row after its label
LINES = 16  # lines counted: a row of 8 cells one per line with blank lines between is 16
KINDS = 3  # digit, blank/separator, other — for the characters before and after
TYPES = CELLS * LINES * KINDS * KINDS

_SEP_RUN = re.compile(r"[\t |\u3000\xa0｜]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def layout_ids(text: str) -> np.ndarray:
    """``(cell * LINES + line) * 9 + before * 3 + after`` per character of ``text`` (int64, same length)."""
    grid = grid_ids(text)
    kind = char_kinds(text)
    before = np.concatenate([[1], kind[:-1]]) if len(text) else kind
    after = np.concatenate([kind[1:], [1]]) if len(text) else kind
    return (grid * KINDS + before) * KINDS + after


def char_kinds(text: str) -> np.ndarray:
    """0 digit (ASCII or full-width), 1 white space or a cell separator (``|``), 2 anything else."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    digit = ((points >= 48) & (points <= 57)) | ((points >= 0xFF10) & (points <= 0xFF19))
    blank = np.isin(points, _BLANKS)
    return np.where(digit, 0, np.where(blank, 1, 2)).astype(np.int64)


_BLANKS = np.array([ord(c) for c in " \t\n\r\f\v\u3000\xa0|｜"], dtype=np.uint32)


def grid_ids(text: str) -> np.ndarray:
    """``cell * LINES + line`` per character of ``text`` (see the module docstring)."""
    out = np.zeros(len(text), dtype=np.int64)
    line_no, since_cjk = 0, 0
    pos = 0
    for line in text.split("\n"):
        has_cjk = _CJK.search(line) is not None
        since_cjk = 0 if has_cjk else since_cjk + 1
        line_no = min(since_cjk, LINES - 1)
        # a line with no cell separator (prose, a label, a lone number) is all in cell 0
        out[pos:pos + len(line)] = _cells(line) * LINES + line_no if _SEP_RUN.search(line) else line_no
        pos += len(line)
        if pos < len(text):  # the newline itself
            out[pos] = line_no
            pos += 1
    return out


def _cells(line: str) -> np.ndarray:
    """The ``cell`` coordinate of each character of one line (see the module docstring)."""
    cell = np.zeros(len(line), dtype=np.int64)
    cur, pos = 0, 0
    for m in _SEP_RUN.finditer(line):
        if _CJK.search(line, pos, m.start()):  # a label: it and the cells after it count from 0
            cur = 0
        else:
            cell[pos:m.start()] = min(cur, CELLS - 1)
        hard = sum(m.group().count(c) for c in "\t|｜")
        cur += hard if m.start() == 0 else max(1, hard)
        cell[m.start():m.end()] = min(cur, CELLS - 1)
        pos = m.end()
    if not _CJK.search(line, pos):
        cell[pos:] = min(cur, CELLS - 1)
    return cell


def token_layout_ids(text: str, char_of: list[int]) -> np.ndarray:
    """Layout ids per token, for tokens mapped to characters by ``char_of`` (`encode_chars`)."""
    ids = layout_ids(text)
    return ids[np.asarray(char_of, dtype=np.int64)] if len(char_of) else np.zeros(0, np.int64)


def uses_layout(model) -> bool:
    """True when the model was built for layout ids (its token-type table has `TYPES` rows)."""
    return getattr(getattr(model, "config", None), "type_vocab_size", 0) >= TYPES
