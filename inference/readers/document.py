"""The one document type every reader returns, its provenance map, and the reader error.

A reader turns a file into ``Document.text`` — the plain text the model reads — plus
``Document.provenance``, a map from every character of that text back to where it came
from in the input, so a value the model finds can be shown to the user in place.

Two kinds of provenance, one class:

* ``"offset"`` (text, HTML, .docx): a character offset into the *decoded source* (the
  file's text after decoding, BOM removed, before line-ending normalisation; for HTML
  the decoded markup; for .docx the concatenated text of the body's ``w:t`` runs).
  Stored as run-length segments ``(text_start, source_start, length)``: a plain text
  file with LF endings is one segment however long it is.
* ``"box"`` (PDF text layer, OCR): a page number (0-based) and a box ``x0, y0, x1, y1``
  in page units with the origin at the top-left and y growing downwards — PDF points
  (1/72 inch) for PDFs, whether read from the text layer or OCR'd, and pixels for
  images.  Stored as parallel arrays, one entry per character.

Characters the reader made up (cell TABs, line feeds, page breaks, spaces restored from
gaps) are *synthetic*: ``locate`` says so and gives no position.
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field

KINDS = ("text", "html", "docx", "pdf-text", "pdf-ocr", "image-ocr")

# Every reader's separators, in one place: the text form the model is trained on.
CELL_SEP = "\t"  # between the cells of one table row
ROW_SEP = "\n"  # after each table row / each line
PAGE_BREAK = "\f"  # a line holding only a form feed marks a page break (PDF, TIFF)


def join_row(cells: list[tuple[str, list[int]]]) -> tuple[str, list[int]] | None:
    """One table row as text: cells (text, source offsets) joined by CELL_SEP; None if all blank."""
    if not any(t for t, _ in cells):
        return None
    text, offs = "", []
    for k, (t, o) in enumerate(cells):
        if k:
            text += CELL_SEP
            offs.append(-1)
        text += t
        offs += o
    return text, offs


def is_cjk(c: str) -> bool:
    """A CJK ideograph, radical, full-width form or CJK punctuation (text where spaces are not word breaks)."""
    return ("\u2e80" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\uff00" <= c <= "\uffef"
            or "\u3000" < c <= "\u303f")


class ReaderError(Exception):
    """An input that cannot be read: what went wrong, and what the user can do.

    ``kind`` is one of ``ERROR_KINDS``; the batch writes ``to_record()`` to errors.jsonl.
    """

    def __init__(self, kind: str, message: str, hint: str = "", path: str = ""):
        assert kind in ERROR_KINDS, kind
        self.kind, self.message, self.hint, self.path = kind, message, hint, str(path)
        super().__init__(f"{path}: {message}" if path else message)

    def to_record(self) -> dict:
        return {"file": self.path, "kind": self.kind, "message": self.message, "hint": self.hint}


ERROR_KINDS = (
    "missing",  # no such file / not a regular file
    "empty",  # zero bytes, or nothing but white space
    "binary",  # bytes of no format we read
    "too-large",  # over MAX_BYTES
    "encoding",  # text whose encoding cannot be told
    "corrupt-pdf",
    "encrypted-pdf",
    "corrupt-docx",
    "corrupt-image",
    "unsupported",  # a format we recognise but do not read (.doc, .xls, …)
    "no-text",  # read fine, but no text came out (blank scan)
    "not-a-report",  # text, but not an information-disclosure annual report
)


@dataclass
class Provenance:
    """Map from each character of a Document's text to its origin (see module doc)."""

    mode: str  # "offset" | "box"
    length: int = 0
    # offset mode: run-length segments; source start -1 marks a synthetic run
    seg_text: array = field(default_factory=lambda: array("q"))
    seg_src: array = field(default_factory=lambda: array("q"))
    # box mode: one entry per character; page -1 marks a synthetic character
    page: array = field(default_factory=lambda: array("i"))
    x0: array = field(default_factory=lambda: array("f"))
    y0: array = field(default_factory=lambda: array("f"))
    x1: array = field(default_factory=lambda: array("f"))
    y1: array = field(default_factory=lambda: array("f"))

    def __len__(self) -> int:
        return self.length

    def locate(self, i: int) -> dict:
        """Where character ``i`` came from: ``{"offset": n}``, ``{"page": p, "box": (x0, y0, x1, y1)}``,
        or ``{"synthetic": True}``."""
        if not 0 <= i < self.length:
            raise IndexError(f"character {i} outside text of length {self.length}")
        if self.mode == "offset":
            k = bisect.bisect_right(self.seg_text, i) - 1
            src = self.seg_src[k]
            return {"synthetic": True} if src < 0 else {"offset": src + i - self.seg_text[k]}
        if self.page[i] < 0:
            return {"synthetic": True}
        box = (self.x0[i], self.y0[i], self.x1[i], self.y1[i])
        return {"page": self.page[i], "box": tuple(round(v, 2) for v in box)}

    def locate_span(self, start: int, end: int) -> dict:
        """Where the text ``[start, end)`` came from: the source range it covers
        (``{"start": a, "end": b}``) or its page and the union of its boxes
        (``{"page": p, "box": ...}``, the first page if the span crosses pages).
        ``{"synthetic": True}`` when no character of it has a position."""
        spots = [self.locate(i) for i in range(start, end)]
        spots = [s for s in spots if not s.get("synthetic")]
        if not spots:
            return {"synthetic": True}
        if self.mode == "offset":
            return {"start": min(s["offset"] for s in spots), "end": max(s["offset"] for s in spots) + 1}
        page = spots[0]["page"]
        boxes = [s["box"] for s in spots if s["page"] == page]
        return {"page": page, "box": (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                      max(b[2] for b in boxes), max(b[3] for b in boxes))}


class TextBuilder:
    """Accumulates text and its provenance piece by piece; every reader uses one.

    ``add(text, src)`` appends source text: ``src`` is the source offset of its first
    character (offset mode, the rest follow contiguously), a list of offsets, one per
    character, or a list of ``(page, x0, y0, x1, y1)`` boxes (box mode).
    ``add(text)`` with no ``src`` appends synthetic text.
    """

    def __init__(self, mode: str):
        assert mode in ("offset", "box")
        self.parts: list[str] = []
        self.prov = Provenance(mode)
        self.tail = ""  # the last few characters, for cheap look-behind

    def add(self, text: str, src=None) -> None:
        if not text:
            return
        p, n = self.prov, len(text)
        self.parts.append(text)
        self.tail = (self.tail + text)[-4:]
        if p.mode == "offset":
            offsets = [-1] * n if src is None else (range(src, src + n) if isinstance(src, int) else src)
            assert len(offsets) == n, (len(offsets), n)
            for k, off in enumerate(offsets):
                self._push_offset(p.length + k, off)
        else:
            boxes = [(-1, 0.0, 0.0, 0.0, 0.0)] * n if src is None else src
            assert len(boxes) == n, (len(boxes), n)
            for pg, a, b, c, d in boxes:
                p.page.append(pg); p.x0.append(a); p.y0.append(b); p.x1.append(c); p.y1.append(d)
        p.length += n

    def _push_offset(self, i: int, off: int) -> None:
        p = self.prov
        if p.seg_text:
            start, s0 = p.seg_text[-1], p.seg_src[-1]
            if (s0 < 0 and off < 0) or (s0 >= 0 and off == s0 + i - start):
                return  # continues the current segment
        p.seg_text.append(i)
        p.seg_src.append(off if off >= 0 else -1)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def endswith(self, s: str) -> bool:
        return self.tail.endswith(s)


@dataclass
class Document:
    """A read input: the text the model reads and where each of its characters came from."""

    text: str
    source: str  # the input path
    kind: str  # one of KINDS
    provenance: Provenance
    meta: dict = field(default_factory=dict)  # encoding, pages, headers/footers, warnings …

    def __post_init__(self):
        assert self.kind in KINDS, self.kind
        assert len(self.provenance) == len(self.text), (len(self.provenance), len(self.text))

    def locate(self, i: int) -> dict:
        return self.provenance.locate(i)

    def locate_span(self, start: int, end: int) -> dict:
        return self.provenance.locate_span(start, end)

    @classmethod
    def build(cls, builder: TextBuilder, source: str, kind: str, **meta) -> "Document":
        return cls(builder.text, str(source), kind, builder.prov, dict(meta))
