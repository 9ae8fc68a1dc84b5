"""Word .docx: paragraphs and tables in document order.

The body XML is walked directly (python-docx opens the package): paragraphs become
lines; tables become one line per row with TAB between cells, the grid built from
``w:gridBefore``, ``w:gridSpan`` and ``w:vMerge`` so a merged cell is written once, at
its top-left position, and left blank elsewhere — the same form as the HTML reader.

Provenance offsets count characters of the body's text runs (``w:t``, with ``w:tab`` and
``w:br`` as one character each) in document order, text boxes' fallback copies skipped.
"""
from __future__ import annotations

from pathlib import Path

from .document import ROW_SEP, Document, ReaderError, TextBuilder, join_row
from .document import is_cjk as _cjk

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_TAGS = {W + "t": None, W + "tab": " ", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}


def _open(path: Path):
    import docx
    try:
        return docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, KeyError, lxml and its own errors alike
        raise ReaderError("corrupt-docx", f"the .docx could not be opened ({type(e).__name__}: {e})",
                          "the file is damaged or not really a Word file: open it in Word and save it again, or give a PDF",
                          str(path)) from None


class _Walker:
    def __init__(self, body):
        self.offset: dict[int, int] = {}  # id(text element) -> its offset in the run text
        self.keep = list(body.iter(*TEXT_TAGS))  # lxml proxies must stay alive for id() to be stable
        n = 0
        for el in self.keep:
            if _in_fallback(el):
                continue
            self.offset[id(el)] = n
            n += len(el.text or "") if el.tag == W + "t" else 1
        self.lines: list[tuple[str, list[int]]] = []

    def para(self, p) -> list[tuple[str, list[int]]]:
        """A paragraph's lines (several when it holds line breaks), stripped."""
        lines, text, offs = [], [], []
        for el in p.iter(*TEXT_TAGS):
            if id(el) not in self.offset:
                continue
            at = self.offset[id(el)]
            if el.tag == W + "t":
                t = (el.text or "").replace("\t", " ")
                text += t; offs += range(at, at + len(t))
            elif TEXT_TAGS[el.tag] == "\n":
                lines.append((text, offs)); text, offs = [], []
            else:
                text.append(TEXT_TAGS[el.tag]); offs.append(at)
        lines.append((text, offs))
        return [_strip("".join(t), o) for t, o in lines if "".join(t).strip()]

    def block(self, el) -> None:
        if el.tag == W + "p":
            self.lines += self.para(el)
        elif el.tag == W + "tbl":
            self.table(el)
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins"):
            for child in el:
                self.block(child)

    def cell_text(self, tc) -> tuple[str, list[int]]:
        parts = [line for p in tc.iter(W + "p") for line in self.para(p)]
        text, offs = "", []
        for t, o in parts:
            if text and not (_cjk(text[-1]) and _cjk(t[0])):
                text += " "; offs.append(-1)
            text += t; offs += o
        return text, offs

    def table(self, tbl) -> None:
        rows = [tr for tr in tbl.iter(W + "tr") if _owner(tr, W + "tbl") is tbl]
        grid: list[dict[int, tuple[str, list[int]]]] = []
        width = 0
        for tr in rows:
            row, c = {}, _val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
            for tc in tr.iter(W + "tc"):
                if _owner(tc, W + "tr") is not tr:
                    continue
                span = _val(tc.find(f"{W}tcPr/{W}gridSpan"), 1)
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                continued = vmerge is not None and vmerge.get(W + "val", "continue") == "continue"
                row[c] = ("", []) if continued else self.cell_text(tc)
                c += max(1, span)
            width = max(width, c)
            grid.append(row)
        for row in grid:
            cells = [row.get(c, ("", [])) for c in range(width)]
            line = join_row(cells)
            if line is not None:
                self.lines.append(line)


def _strip(text: str, offs: list[int]) -> tuple[str, list[int]]:
    lead = len(text) - len(text.lstrip())
    keep = len(text.rstrip())
    return text[lead:keep], list(offs[lead:keep])


def _val(el, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(W + "val"))
    except (TypeError, ValueError):
        return default


def _owner(el, tag: str):
    p = el.getparent()
    while p is not None and p.tag != tag:
        p = p.getparent()
    return p


def _in_fallback(el) -> bool:
    p = el.getparent()
    while p is not None:
        if p.tag == MC_FALLBACK:
            return True
        p = p.getparent()
    return False


def read_docx(path: Path) -> Document:
    body = _open(path).element.body
    walker = _Walker(body)
    for el in body:
        walker.block(el)
    b = TextBuilder("offset")
    for text, offs in walker.lines:
        b.add(text, offs)
        b.add(ROW_SEP)
    if not b.text.strip():
        raise ReaderError("empty", "the Word file holds no text", "check that the right file was given", str(path))
    return Document.build(b, path, "docx", paragraphs=len(walker.lines))
