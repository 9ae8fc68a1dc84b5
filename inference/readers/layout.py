"""From positioned characters to the text form: lines, table grids and cells.

Shared by the PDF text-layer reader and OCR.  Input per page: glyphs (a character and
its box, top-left origin) and the page's straight rules (table borders, from PDF path
objects or found in the scan).  Output: lines of text, each character paired with the
glyph it came from (None for a separator the layout made up).

Ruled tables, the usual case in these reports, are rebuilt as grids: the column and row
boundaries are the rules' positions, a glyph belongs to the cell whose four borders
enclose it, a cell's wrapped lines are joined, and each grid row is written as one line
with TAB between cells, a merged cell once at its top-left position, blank elsewhere —
the form the HTML and .docx readers give for the same table.  Other text is grouped into
lines by vertical overlap and split into cells by horizontal gaps (wider than
``TAB_GAP`` × the line's character height → TAB, wider than ``SPACE_GAP`` → space).

Lengths are in page units; ``unit`` is the size of one point in them (1 for PDF points,
dpi/72 for pixels), so tolerances mean the same on both.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from .document import CELL_SEP, is_cjk

SPACE_GAP = 0.18  # × character height: a gap wider than this is a space
OCR_CJK_SPACE_GAP = 0.6  # … between two OCR'd CJK characters, whose boxes are estimates
TAB_GAP = 1.0  # × character height: a gap wider than this separates cells
LINE_OVERLAP = 0.5  # a glyph joins a line when its centre is within this × height of the line's centre
RULE_MIN = 4.0  # points: shorter strokes are not rules
MAX_RULES = 1500  # strokes considered per page
RULE_TOL = 2.0  # points: rules this close are one; a glyph this far outside a rule's span is still bounded by it


@dataclass(slots=True)
class Glyph:
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    group: int = -1  # OCR detection box the glyph was read in (-1: none)
    space: bool = False  # OCR saw a blank before this glyph inside its box

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


Line = tuple[str, list]  # text and, per character, its Glyph or None


# --------------------------------------------------------------------------- #
# Rules and grids
# --------------------------------------------------------------------------- #
@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    vert: dict[int, list[tuple[float, float]]]  # boundary index -> y spans of its rules
    horiz: dict[int, list[tuple[float, float]]]  # boundary index -> x spans of its rules
    tol: float

    @property
    def top(self) -> float:
        return self.ys[0]

    def cell_of(self, g: Glyph) -> tuple[int, int, int, int] | None:
        """(left, right, top, bottom) boundary indices of the cell enclosing ``g``, or None."""
        cx, cy, t = g.cx, g.cy, self.tol
        if not (self.xs[0] < cx < self.xs[-1] and self.ys[0] < cy < self.ys[-1]):
            return None
        left = next((i for i in range(len(self.xs) - 1, -1, -1) if self.xs[i] <= cx and _covers(self.vert[i], cy, t)), None)
        right = next((i for i in range(len(self.xs)) if self.xs[i] >= cx and _covers(self.vert[i], cy, t)), None)
        top = next((j for j in range(len(self.ys) - 1, -1, -1) if self.ys[j] <= cy and _covers(self.horiz[j], cx, t)), None)
        bottom = next((j for j in range(len(self.ys)) if self.ys[j] >= cy and _covers(self.horiz[j], cx, t)), None)
        if None in (left, right, top, bottom):
            return None
        return left, right, top, bottom


def _covers(spans: list[tuple[float, float]], v: float, tol: float) -> bool:
    return any(a - tol <= v <= b + tol for a, b in spans)


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def find_grids(segments: list[tuple[float, float, float, float]], unit: float = 1.0) -> list[Grid]:
    """Table grids from straight segments ``(x0, y0, x1, y1)``: connected groups of
    horizontal and vertical rules that make at least two cells."""
    tol, min_len = RULE_TOL * unit, RULE_MIN * unit
    vs, hs = [], []
    for x0, y0, x1, y1 in segments:
        if abs(x1 - x0) <= tol and abs(y1 - y0) >= min_len:
            vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
        elif abs(y1 - y0) <= tol and abs(x1 - x0) >= min_len:
            hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    rules = [("v", *r) for r in vs] + [("h", *r) for r in hs]
    if len(rules) > MAX_RULES:  # vector drawings: keep the longest strokes, the pairing below is quadratic
        rules = sorted(rules, key=lambda r: r[2] - r[3])[:MAX_RULES]
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, (ka, pa, sa, ea) in enumerate(rules):  # join every crossing or touching pair
        for b in range(a + 1, len(rules)):
            kb, pb, sb, eb = rules[b]
            if ka != kb and sa - tol <= pb <= ea + tol and sb - tol <= pa <= eb + tol:
                parent[root(a)] = root(b)
            elif ka == kb and abs(pa - pb) <= tol and sa - tol <= eb and sb - tol <= ea:
                parent[root(a)] = root(b)
    groups: dict[int, list] = {}
    for i, r in enumerate(rules):
        groups.setdefault(root(i), []).append(r)
    grids = []
    for members in groups.values():
        v = [r for r in members if r[0] == "v"]
        h = [r for r in members if r[0] == "h"]
        xs, ys = _cluster([r[1] for r in v], tol), _cluster([r[1] for r in h], tol)
        if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) < 2:
            continue
        vert = {i: [(r[2], r[3]) for r in v if abs(r[1] - x) <= tol] for i, x in enumerate(xs)}
        horiz = {j: [(r[2], r[3]) for r in h if abs(r[1] - y) <= tol] for j, y in enumerate(ys)}
        grids.append(Grid(xs, ys, vert, horiz, tol))
    return sorted(grids, key=lambda g: g.top)


# --------------------------------------------------------------------------- #
# Lines and cells
# --------------------------------------------------------------------------- #
def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs into text lines (top to bottom), each sorted left to right."""
    lines: list[list[Glyph]] = []
    centre: list[float] = []
    for g in sorted(glyphs, key=lambda g: g.cy):
        if lines:
            h = min(median(x.h for x in lines[-1][-8:]), g.h) or 1.0
            if abs(g.cy - centre[-1]) <= LINE_OVERLAP * h:
                lines[-1].append(g)
                n = len(lines[-1])
                centre[-1] += (g.cy - centre[-1]) / n
                continue
        lines.append([g])
        centre.append(g.cy)
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: list[Glyph], tabs: bool = True) -> Line:
    """A line's characters with spaces (and TABs, when ``tabs``) where the gaps are wide."""
    em = median(g.h for g in line) or 1.0
    chars, src = [], []
    for k, g in enumerate(line):
        if k:
            prev = line[k - 1]
            gap = g.x0 - prev.x1
            # inside one OCR box the character boxes are estimates: OCR measured the blanks itself
            same_box = g.group >= 0 and g.group == prev.group
            ocr_cjk = g.group >= 0 and is_cjk(g.ch) and is_cjk(prev.ch)
            if tabs and gap > TAB_GAP * em:
                chars.append(CELL_SEP); src.append(None)
            elif g.space if same_box else gap > (OCR_CJK_SPACE_GAP if ocr_cjk else SPACE_GAP) * em:
                chars.append(" "); src.append(None)
        chars.append(g.ch); src.append(g)
    return "".join(chars), src


def _join(parts: list[Line]) -> Line:
    """A cell's wrapped lines as one: no space where a line was wrapped, except between words."""
    text, src = "", []
    for t, s in parts:
        if text and text[-1].isascii() and text[-1].isalpha() and t[:1].isascii() and t[:1].isalpha():
            text += " "; src.append(None)
        text += t; src += s
    return text, src


def table_lines(grid: Grid, cells: dict[tuple, list[Glyph]]) -> list[Line]:
    """One line per grid row holding text; a cell's text at its top-left column."""
    width = len(grid.xs) - 1
    rows: dict[int, dict[int, Line]] = {}
    for (left, right, top, bottom), glyphs in cells.items():
        rows.setdefault(top, {})[left] = _join([line_text(l, tabs=False) for l in group_lines(glyphs)])
    out = []
    for top in sorted(rows):
        text, src = "", []
        for c in range(width):
            if c:
                text += CELL_SEP; src.append(None)
            t, s = rows[top].get(c, ("", []))
            text += t; src += s
        out.append((text, src))
    return out


def page_lines(glyphs: list[Glyph], segments: list[tuple[float, float, float, float]], unit: float = 1.0) -> list[Line]:
    """A page's text: ruled tables as grids, everything else as gap-split lines, top to bottom."""
    grids = find_grids(segments, unit)
    cells: list[dict[tuple, list[Glyph]]] = [{} for _ in grids]
    free = []
    for g in glyphs:
        for k, grid in enumerate(grids):
            key = grid.cell_of(g)
            if key is not None:
                cells[k].setdefault(key, []).append(g)
                break
        else:
            free.append(g)
    items: list[tuple[float, list[Line]]] = [(min(g.y0 for g in line), [line_text(line)]) for line in group_lines(free)]
    items += [(grid.top, table_lines(grid, c)) for grid, c in zip(grids, cells) if c]
    return [line for _, lines in sorted(items, key=lambda it: it[0]) for line in lines]
