"""Readers: turn any input file into the one ``Document`` the model reads.

    from xxgk.inference.readers import read_document, check_is_report, ReaderError
    try:
        doc = read_document(path)          # text + provenance + meta
        check_is_report(doc)               # optional: raises ReaderError("not-a-report")
    except ReaderError as e:
        errors.append(e.to_record())       # {"file", "kind", "message", "hint"}

The format is told from the bytes (``sniff.py``), not the extension.  Text form, shared
by every reader so one model serves all: one line per paragraph or table row, table
cells separated by TAB, a merged cell written once at its first (top-left) position and
blank in the others, pages separated by a line holding only a form feed (``\\f``).
"""
from __future__ import annotations

import re
from pathlib import Path

from .document import CELL_SEP, ERROR_KINDS, KINDS, PAGE_BREAK, ROW_SEP, Document, Provenance, ReaderError

MAX_BYTES = 50 * 1024 * 1024  # larger inputs are refused ("too-large"); one place to change it

__all__ = ["Document", "Provenance", "ReaderError", "read_document", "check_is_report",
           "MAX_BYTES", "KINDS", "ERROR_KINDS", "CELL_SEP", "ROW_SEP", "PAGE_BREAK"]


def read_document(path, *, max_bytes: int | None = None, ocr: bool = True) -> Document:
    """Read ``path`` whatever its format; raise ReaderError with a hint when it cannot be read.

    ``ocr=False`` refuses inputs that would need OCR (scans, images) with kind "no-text"
    instead of running it (for quick batch dry runs).
    """
    from .sniff import SNIFF_BYTES, sniff

    path = Path(path)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    if not path.is_file():
        raise ReaderError("missing", "no such file", "check the path", str(path))
    size = path.stat().st_size
    if size == 0:
        raise ReaderError("empty", "the file is empty (0 bytes)", "check that the download or export finished", str(path))
    if size > limit:
        raise ReaderError("too-large", f"the file is {size / 2**20:.1f} MB, over the {limit / 2**20:.0f} MB limit",
                          "split it, or raise xxgk.inference.readers.MAX_BYTES if it really is one report", str(path))
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    kind = sniff(path, head)
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf(path, ocr=ocr)
    if kind == "image":
        from .ocr import read_image
        return read_image(path, ocr=ocr)
    if kind == "docx":
        from .docx import read_docx
        return read_docx(path)
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\x00\x0c"):
        raise ReaderError("empty", "the file holds only white space", "check that the right file was given", str(path))
    if kind == "html":
        from .html import read_html
        return read_html(path, data)
    from .text import read_text
    return read_text(path, data)


REPORT_WORDS = ("政府信息公开", "年度报告", "依申请公开", "主动公开", "行政复议")
_SPACE = re.compile(r"\s+")


def check_is_report(doc: Document) -> None:
    """Raise ReaderError("not-a-report") unless ``doc`` looks like an information-disclosure
    annual report: either table 二's column headers name a template, or the report's
    vocabulary and at least two of its six section headings appear."""
    from xxgk.data.schema import SECTIONS, detect_template

    if detect_template(doc.text):
        return
    flat = _SPACE.sub("", doc.text)
    words = sum(w in flat for w in REPORT_WORDS)
    sections = sum(any(t in flat for t in s.texts) for s in SECTIONS)
    if words >= 2 and sections >= 2:
        return
    raise ReaderError("not-a-report",
                      f"this does not look like a 政府信息公开工作年度报告 (no template table headers, "
                      f"{sections} of 6 section headings, {words} of {len(REPORT_WORDS)} report words)",
                      "check that the right file was given; a scan this fails on may be too blurred to read",
                      doc.source)
