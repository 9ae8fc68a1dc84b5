"""PDF: the text layer when it is usable, OCR of the rendered page when it is not.

Each page's characters come from pdfium's text page with their loose boxes (font ascent
to descent, so a comma sits on its line); generated characters (pdfium's own spaces and
line breaks) are dropped, since ``layout`` rebuilds spacing from the boxes.  Table borders
come from the page's path objects.  A page with fewer than ``MIN_CHARS`` characters, or
whose characters are mostly unmapped (U+FFFD, private use, control), is rendered at
``ocr.DPI`` and OCR'd instead (all boxes in points either way).

Pages are separated by a line holding only a form feed.  Lines repeated at the top or
bottom of most pages (running headers, page numbers) are listed in
``meta["headers"]``/``meta["footers"]`` and kept in the text.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .document import PAGE_BREAK, ROW_SEP, Document, ReaderError, TextBuilder
from .layout import Glyph, Line, page_lines

MIN_CHARS = 10  # a page with fewer text-layer characters is treated as a scan
MAX_BAD_SHARE = 0.3  # a page whose text layer is more than this share unmapped is treated as a scan
REPEAT_SHARE = 0.5  # a top/bottom line on at least this share of pages (and 2+) is a running header/footer


def _open(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == 4:  # FPDF_ERR_PASSWORD
            raise ReaderError("encrypted-pdf", "the PDF is password-protected",
                              "open it with its password and save or print it as an unprotected PDF", str(path)) from None
        raise ReaderError("corrupt-pdf", f"the PDF could not be opened ({e})",
                          "the file is truncated or damaged: download it again, or print it to a new PDF", str(path)) from None


def _bad(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or unicodedata.category(ch) in ("Cc", "Cs", "Co")


def _norm(ch: str) -> str:
    """Kangxi radicals and compatibility ideographs, common in Word-made PDFs, as ordinary ideographs."""
    if "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff":
        return unicodedata.normalize("NFKC", ch)
    return ch


def text_glyphs(page) -> tuple[list[Glyph], int]:
    """The page's text-layer characters as glyphs (points, top-left origin), and how many were unmapped."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    height = page.get_height()
    glyphs, bad = [], 0
    for i in range(tp.count_chars()):
        if raw.FPDFText_IsGenerated(tp.raw, i) == 1:
            continue
        ch = chr(raw.FPDFText_GetUnicode(tp.raw, i) or 0xFFFD)
        if ch.isspace():
            continue
        if _bad(ch):
            bad += 1
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        glyphs.append(Glyph(_norm(ch), left, height - top, right, height - bottom))
    return glyphs, bad


def path_segments(page) -> list[tuple[float, float, float, float]]:
    """Straight segments of the page's path objects, in points with a top-left origin."""
    import ctypes

    import pypdfium2.raw as raw

    height = page.get_height()
    segs = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        a, b, c, d, e, f = obj.get_matrix().get()
        n = raw.FPDFPath_CountSegments(obj.raw)
        if n <= 0 or n > 5000:
            continue
        start = prev = None
        for k in range(n):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
            x, y = ctypes.c_float(), ctypes.c_float()
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            pt = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = pt
            elif kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
                segs.append((*prev, *pt))
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                segs.append((*pt, *start))
            prev = pt
    return segs


def _repeated(pages: list[list[Line]], edge: int) -> list[str]:
    """Lines that open (edge 0) or close (edge -1) most pages; digits ignored (page numbers)."""
    if len(pages) < 2:
        return []
    seen: dict[str, set[int]] = {}
    texts: dict[str, str] = {}
    for p, lines in enumerate(pages):
        if lines:
            text = lines[edge][0]
            key = re.sub(r"\d+", "#", re.sub(r"\s+", "", text))
            seen.setdefault(key, set()).add(p)
            texts.setdefault(key, text)
    need = max(2, REPEAT_SHARE * len(pages))
    return [texts[k] for k, ps in seen.items() if len(ps) >= need]


def read_pdf(path: Path, ocr: bool = True) -> Document:
    pdf = _open(path)
    if len(pdf) == 0:
        raise ReaderError("corrupt-pdf", "the PDF has no pages", "download it again, or print it to a new PDF", str(path))
    pages: list[list[Line]] = []
    ocr_pages, warnings = [], []
    for p in range(len(pdf)):
        try:
            page = pdf[p]
            glyphs, bad = text_glyphs(page)
            segs = path_segments(page)
        except Exception as e:  # pdfium fails per page on damaged content streams
            warnings.append(f"page {p + 1}: unreadable ({e})")
            pages.append([])
            continue
        if len(glyphs) < MIN_CHARS or bad > MAX_BAD_SHARE * (len(glyphs) + bad):
            if not ocr:
                raise ReaderError("no-text", f"page {p + 1} has no usable text layer and OCR is off",
                                  "run without --no-ocr", str(path))
            from .ocr import ocr_pdf_page
            glyphs, segs = ocr_pdf_page(page)
            ocr_pages.append(p + 1)
        pages.append(page_lines(glyphs, segs))
    pdf.close()
    b = TextBuilder("box")
    for p, lines in enumerate(pages):
        if p:
            b.add(PAGE_BREAK + ROW_SEP)
        for text, src in lines:
            b.add(text, [(p, g.x0, g.y0, g.x1, g.y1) if g is not None else (-1, 0.0, 0.0, 0.0, 0.0) for g in src])
            b.add(ROW_SEP)
    if not b.text.replace(PAGE_BREAK, "").strip():
        raise ReaderError("no-text", "no text could be read from the PDF, not even by OCR",
                          "check the scan: it may be blank, or too faint or small to read", str(path))
    return Document.build(b, path, "pdf-ocr" if ocr_pages else "pdf-text", pages=len(pages), units="pt",
                          ocr_pages=ocr_pages, headers=_repeated(pages, 0), footers=_repeated(pages, -1),
                          warnings=warnings)
