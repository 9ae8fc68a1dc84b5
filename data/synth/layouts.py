"""Plain-text layouts: the shapes converters give a report (Word→text, PDF→text, crawlers).

Each layout is a pure function ``(doc, rng) -> (text, spans)``; the rng only
decides the layout's own habits (wrapped labels, padding of blank cells …).
The markup layouts (Markdown, HTML, web page) are in ``markup.py``.
"""
from __future__ import annotations

import random
from typing import Callable

from ..labels import Span
from .doc import (Block, Cell, Doc, Grid, Out, Piece, collapse_covered, expanded, insert_every, width, word_cells,
                  wrap_pieces)

Rendered = tuple[str, list[Span]]
TableWriter = Callable[[Out, Grid], None]
LabelFn = Callable[[Cell, str], str]


def cell_pieces(cell: Cell | None, fn: LabelFn | None = None) -> list[Piece]:
    """A cell's pieces, its label text reshaped by `fn` (wrapping, spacing out …)."""
    if cell is None:
        return []
    if fn is None or cell.role != "label":
        return cell.pieces
    return [Piece(fn(cell, p.text), p.tag) if p.tag else p for p in cell.pieces]


def prose(out: Out, doc: Doc, rng: random.Random, table: TableWriter, *, end: str = "\n", para_gap: float = 0.0,
          wrap: int = 0, indent: str = "", head: str = "") -> None:
    """Title, headings and paragraphs one per line (``end``), tables through `table`."""
    out.add(head)
    for block in doc.blocks:
        if block.kind == "table":
            table(out, block.grid)
            continue
        pieces = block.pieces
        if wrap and block.kind == "para":
            pieces = wrap_pieces(pieces, wrap)
        if block.kind == "para" and indent:
            out.add(indent)
        out.pieces(pieces)
        out.add(end + ("\n" if rng.random() < para_gap else ""))


def split_at(text: str, rng: random.Random, sep: str) -> str:
    """A label wrapped once inside its cell: ``本年新`` + sep + ``制作数量``."""
    if len(text) < 4:
        return text
    k = rng.randint(2, len(text) - 2)
    return text[:k] + sep + text[k:]


def _wrapper(rng: random.Random, p: float, sep: str = "\n") -> LabelFn:
    def fn(cell: Cell, text: str) -> str:
        header = any(piece.tag and piece.tag.startswith("C:") for piece in cell.pieces)
        if ((header and len(text) >= 4) or len(text) > 14) and rng.random() < p:
            return split_at(text, rng, sep)
        return text
    return fn


# --------------------------------------------------------------------------- #
# Word → text: one cell per line, tab-prefixed, a blank line after each row
# --------------------------------------------------------------------------- #
def _word(doc: Doc, rng: random.Random, stacked: bool) -> Rendered:
    blank = rng.choice(["", "", "", "\xa0", "\u3000", " "])
    if rng.random() < 0.08:  # python-docx text keeps Word's cursor bookmark before a heading
        at = rng.choice([i for i, b in enumerate(doc.blocks) if b.kind == "heading"])
        b = doc.blocks[at]
        blocks = doc.blocks[:at] + [Block(b.kind, [Piece("[bookmark: _GoBack]"), *b.pieces], section=b.section)]
        doc = Doc(blocks + doc.blocks[at + 1:], doc.agency, doc.year, doc.short_name)
    wrap = _wrapper(rng, rng.choice([0.0, 0.15, 0.4]))

    def label(cell: Cell, text: str) -> str:
        if stacked and cell.rowspan >= 3 and cell.col <= 1:
            return "\n".join(text)  # 三 / 、 / 本 / 年 …
        if stacked and (cell.row == 2 or (cell.row == 1 and cell.rowspan == 2)) and len(text) >= 4:
            return insert_every(text, 2, "\n")  # 商业 / 企业, 结果 / 维持
        return wrap(cell, text)

    def table(out: Out, grid: Grid) -> None:
        for row in word_cells(grid):
            for cell in row:
                out.add("\t")
                pieces = cell_pieces(cell, label)
                out.pieces(pieces) if pieces else out.add(blank)
                out.add("\n")
            out.add("\n")
        out.add("\n" if rng.random() < 0.6 else "")

    out = Out()
    prose(out, doc, rng, table, para_gap=rng.choice([0.0, 0.0, 0.3]), head=rng.choice(["", "", "\n\n", " "]))
    return out.result()


def word_tab(doc: Doc, rng: random.Random) -> Rendered:
    return _word(doc, rng, stacked=False)


def word_stacked(doc: Doc, rng: random.Random) -> Rendered:
    return _word(doc, rng, stacked=True)


# --------------------------------------------------------------------------- #
# One cell per line with blank lines between (web page or Word saved as text)
# --------------------------------------------------------------------------- #
def cell_lines(doc: Doc, rng: random.Random) -> Rendered:
    out = Out()
    _cell_lines_body(out, doc, rng)
    return out.result()


def _cell_lines_body(out: Out, doc: Doc, rng: random.Random) -> None:
    blank = rng.choice(["\xa0", "\xa0", " ", "", None])  # None: an empty cell leaves no line at all
    pad = rng.choice(["", "", " ", "  ", "\xa0"])

    def table(out: Out, grid: Grid) -> None:
        for row in word_cells(grid):
            for cell in row:
                if cell is None:
                    continue
                if not cell.pieces:
                    if blank is not None:
                        out.add(blank + "\n\n")
                    continue
                if cell.role == "value" and pad and rng.random() < 0.5:
                    out.add(pad)
                out.pieces(cell.pieces)
                out.add("\n\n")
        out.add(rng.choice(["", "\xa0\n\n"]))

    prose(out, doc, rng, table, end="\n\n", indent=rng.choice(["", "\xa0" * 8, "\u3000\u3000", "\xa0\xa0"]))


# --------------------------------------------------------------------------- #
# PDF → text: tab-separated rows, wrapped labels, spaced-out headers
# --------------------------------------------------------------------------- #
def pdf_rows(doc: Doc, rng: random.Random) -> Rendered:
    p_space = rng.choice([0.0, 0.2, 0.5])
    p_spread = rng.choice([0.0, 0.5, 1.0])
    p_continue = rng.choice([0.0, 0.3, 0.6])
    row_gap = rng.choice([0.0, 0.0, 0.1])
    p_collapse = rng.choice([0.0, 0.0, 0.5, 1.0])  # converters drop some merged-over cells

    def label(cell: Cell, text: str) -> str:
        if cell.rowspan == 1 and len(text) <= 4 and cell.row <= 2 and rng.random() < p_spread:
            return " ".join(text)  # 结 果 维 持
        if len(text) >= 5 and rng.random() < p_space:
            return split_at(text, rng, " ")  # 上一年项目 数量
        return text

    def table(out: Out, grid: Grid) -> None:
        for row in expanded(grid):
            row = collapse_covered(row, rng, p_collapse)
            carry: list[tuple[int, Piece]] = []
            for i, cell in enumerate(row):
                if i:
                    out.add("\t")
                pieces = cell_pieces(cell, label)
                if cell is not None and cell.role == "label" and cell.col <= 2 and len(cell.text) > 9 \
                        and rng.random() < p_continue and len(pieces) == 1:
                    k = rng.randint(4, len(cell.text) - 3)
                    pieces, rest = [Piece(pieces[0].text[:k], pieces[0].tag)], Piece(pieces[0].text[k:], pieces[0].tag)
                    carry.append((i, rest))
                out.pieces(pieces)
            out.add("\n" + ("\n" if rng.random() < row_gap else ""))
            for i, rest in carry:  # the rest of a wrapped label, on a line of its own after a blank line
                out.add("\n" + "\t" * i)
                out.pieces([rest])
                out.add("\t" * (len(row) - i - 1) + "\n")
        out.add("\n")

    out = Out()
    prose(out, doc, rng, table, end="\n\n", wrap=rng.randint(30, 48), head=rng.choice(["\n\n", "", "\n"]))
    return out.result()


# --------------------------------------------------------------------------- #
# Space-aligned columns (pdftotext -layout and similar)
# --------------------------------------------------------------------------- #
def space_aligned(doc: Doc, rng: random.Random) -> Rendered:
    gap = rng.choice([1, 2, 2, 3])

    def table(out: Out, grid: Grid) -> None:
        m = grid.matrix()
        widths = [2] * grid.ncols
        for cell in grid.cells:
            if cell.colspan == 1:
                widths[cell.col] = max(widths[cell.col], width(cell.text))
        for cell in grid.cells:
            have = sum(widths[cell.col:cell.col + cell.colspan]) + gap * (cell.colspan - 1)
            if width(cell.text) > have:
                widths[cell.col + cell.colspan - 1] += width(cell.text) - have
        for r, row in enumerate(m):
            line: list[Piece] = []
            for c, (cell, origin) in enumerate(row):
                if cell is not None and not origin and cell.row == r:
                    continue  # covered by a cell merged across, already padded
                sep = " " * gap if c else ""
                if cell is not None and origin:
                    span = sum(widths[c:c + cell.colspan]) + gap * (cell.colspan - 1)
                    right = cell.role == "value"
                    pad = " " * (span - width(cell.text))
                    line += [Piece(sep + (pad if right else ""))] + cell.pieces + [Piece("" if right else pad)]
                else:
                    line.append(Piece(sep + " " * widths[c]))
            text_end = len(line)
            while text_end and not line[text_end - 1].tag and not line[text_end - 1].text.strip():
                text_end -= 1
            out.pieces(line[:text_end])
            out.add("\n")
        out.add("\n")

    out = Out()
    prose(out, doc, rng, table, end="\n", para_gap=0.5, wrap=rng.choice([0, 40, 60]))
    return out.result()


# --------------------------------------------------------------------------- #
# Crawler text: the whole report on one line, cells run together
# --------------------------------------------------------------------------- #
def crawler_line(doc: Doc, rng: random.Random) -> Rendered:
    p_sep = rng.choice([0.0, 0.1, 0.3])
    block_sep = rng.choice(["", " ", "\xa0", "  "])
    out = Out()
    for block in doc.blocks:
        if block.kind != "table":
            out.pieces(block.pieces)
            out.add(block_sep)
            continue
        for row in word_cells(block.grid):
            for cell in row:
                if cell is not None and cell.pieces:
                    out.pieces(cell.pieces)
                    if rng.random() < p_sep:
                        out.add(" ")
        out.add(block_sep)
    return out.result()
