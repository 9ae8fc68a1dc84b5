"""The report before it becomes text: pieces, table grids, blocks.

A *piece* is a run of characters with one span tag (or none).  Layouts only ever
add untagged separators between pieces or white space *inside* a piece (a label
wrapped over two lines, ``结 果 维 持``), so the labels of the rendered text follow
from the pieces: one span per tagged piece, from its first to its last character.
White space inside a span is part of it; a span never starts or ends with white space.

A table is a `Grid`: cells at (row, col) with rowspan/colspan, as the State
Council's Word form lays them out; every layout is a different way of reading it.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from ..labels import Span


@dataclass(frozen=True)
class Piece:
    text: str
    tag: str | None = None


@dataclass
class Cell:
    row: int
    col: int
    pieces: list[Piece]
    rowspan: int = 1
    colspan: int = 1
    role: str = "label"  # "label" (row/column/group label), "value", "note" (untagged text)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class Grid:
    key: str  # "t2", "t3", "t4"
    ncols: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def nrows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def add(self, row: int, col: int, pieces: list[Piece], rowspan: int = 1, colspan: int = 1,
            role: str = "label") -> Cell:
        cell = Cell(row, col, pieces, rowspan, colspan, role)
        self.cells.append(cell)
        return cell

    def rows(self) -> list[list[Cell]]:
        """Origin cells of each row, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.nrows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out

    def matrix(self) -> list[list[tuple[Cell | None, bool]]]:
        """Every position: (the cell covering it, whether it is the cell's origin)."""
        m: list[list[tuple[Cell | None, bool]]] = [[(None, False)] * self.ncols for _ in range(self.nrows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    m[r][c] = (cell, r == cell.row and c == cell.col)
        return m


@dataclass
class Block:
    kind: str  # "title", "para", "subhead", "heading", "table", "note"
    pieces: list[Piece] = field(default_factory=list)
    grid: Grid | None = None
    section: int | None = None  # for headings and tables


@dataclass
class Doc:
    """A whole report before rendering."""

    blocks: list[Block]
    agency: str
    year: int
    short_name: str  # how the narrative refers to the agency (我镇, 本局 …)


class Out:
    """Accumulates text and spans; layouts write through it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.pos = 0

    def add(self, text: str, tag: str | None = None) -> None:
        if not text:
            return
        if tag is not None:
            start, end = self.pos, self.pos + len(text)
            while start < end and text[start - self.pos].isspace():
                start += 1
            while end > start and text[end - 1 - self.pos].isspace():
                end -= 1
            if end > start:
                self.spans.append(Span(start, end, tag))
        self.parts.append(text)
        self.pos += len(text)

    def pieces(self, pieces: list[Piece]) -> None:
        for p in pieces:
            self.add(p.text, p.tag)

    def result(self) -> tuple[str, list[Span]]:
        return "".join(self.parts), list(self.spans)


# --------------------------------------------------------------------------- #
# Small helpers shared by tables, layouts and damage
# --------------------------------------------------------------------------- #
def width(text: str) -> int:
    """Display width: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def insert_every(text: str, step: int, sep: str) -> str:
    """``本年新制作数量`` -> ``本年新\\n制作数量`` (step 3): a label wrapped in its cell."""
    if step <= 0 or len(text) <= step:
        return text
    return sep.join(text[i:i + step] for i in range(0, len(text), step))


# --------------------------------------------------------------------------- #
# Reading a grid
# --------------------------------------------------------------------------- #
def word_cells(grid: Grid) -> list[list[Cell | None]]:
    """Rows as a Word→text converter reads them: each cell once at its origin; a
    cell merged down from a row above leaves one blank (None) per row; a cell merged
    across leaves nothing."""
    m = grid.matrix()
    out = []
    for r, row in enumerate(m):
        cells: list[Cell | None] = []
        c = 0
        while c < grid.ncols:
            cell, origin = row[c]
            if cell is None:
                cells.append(None)
                c += 1
            elif origin:
                cells.append(cell)
                c += cell.colspan
            else:
                cells.append(None)
                c += cell.colspan - (c - cell.col)
        out.append(cells)
    return out


def expanded(grid: Grid) -> list[list[Cell | None]]:
    """Every grid position; a spanned cell at its origin, None elsewhere (the HTML text form)."""
    return [[cell if origin else None for cell, origin in row] for row in grid.matrix()]


def collapse_covered(row: list[Cell | None], rng: random.Random, p: float) -> list[Cell | None]:
    """Drop some covered positions (None) at the row start or right after a label, as PDF and
    Markdown converters do: ``label\t\t0`` for a label merged over three columns, one
    leading tab where the grid has two.  Blank value cells are never dropped."""
    if p <= 0:
        return row
    out: list[Cell | None] = []
    i = 0
    while i < len(row):
        j = i
        while j < len(row) and row[j] is None:
            j += 1
        if j > i and (i == 0 or (out and out[-1] is not None and out[-1].role == "label")) \
                and rng.random() < p:
            keep = rng.randint(0, j - i - 1)
            out.extend([None] * keep)
        else:
            out.extend(row[i:j])
        if j < len(row):
            out.append(row[j])
        i = j + 1
    return out


def wrap_pieces(pieces: list[Piece], width: int, sep: str = "\n") -> list[Piece]:
    """Hard-wrap running text every `width` characters (PDF text lines)."""
    out, col = [], 0
    for p in pieces:
        buf = []
        for ch in p.text:
            buf.append(ch)
            col += 1
            if col >= width:
                buf.append(sep)
                col = 0
        out.append(Piece("".join(buf), p.tag))
    return out
