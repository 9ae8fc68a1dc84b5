"""Tell what a file is from its bytes, not its name.

Users rename files, sites serve HTML as ``.doc`` and PDFs as ``.htm``; so the format is
decided by magic bytes and a look at the text, and the extension only breaks ties
(e.g. an HTML fragment without ``<html>`` saved as ``.html``).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .document import ReaderError

SNIFF_BYTES = 4096  # how much of the head is looked at

IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .ppt
HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|table|div|p|span|br|title|h[1-6])[\s>/]", re.I)
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".mhtml"}
TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(path: Path, head: bytes) -> str:
    """Return "pdf", "docx", "image", "html" or "text"; raise ReaderError for formats we do not read."""
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(OLE_MAGIC):
        raise ReaderError("unsupported", "a legacy binary Office file (.doc/.xls/.ppt), which xxgk does not read",
                          "open it in Word or LibreOffice and save it as .docx or PDF", path)
    if head.startswith(b"{\\rtf"):
        raise ReaderError("unsupported", "an RTF file, which xxgk does not read",
                          "save it as .docx, PDF or plain text", path)
    for magic, _ in IMAGE_MAGIC:
        if head.startswith(magic):
            return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if _looks_binary(head):
        raise ReaderError("binary", "the file is binary data of no format xxgk reads",
                          "give a .txt, .html, .docx, .pdf or an image (.png/.jpg/.tif) of the report", path)
    probe = _ascii_view(head)
    if HTML_RE.search(probe) or (path.suffix.lower() in HTML_SUFFIXES and b"<" in probe):
        return "html"
    return "text"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ReaderError("corrupt-docx", f"a damaged ZIP/Office file ({e})",
                          "the file is truncated or damaged: download or export it again", path) from None
    if "word/document.xml" in names:
        return "docx"
    raise ReaderError("unsupported", "a ZIP archive that is not a Word .docx (e.g. .xlsx, .odt or a plain .zip)",
                      "unpack it, or save the report as .docx, PDF or text", path)


def _looks_binary(head: bytes) -> bool:
    """Many NUL or other control bytes (a stray one in a text export is tolerated), unless UTF-16/32 text."""
    if any(head.startswith(b) for b in TEXT_BOMS) or _utf16_guess(head):
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(4, len(head) // 50)


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-range text has a zero in every other byte; CJK text
    has none, so for CJK-only UTF-16 we rely on the decoder trial in text.py."""
    n = len(head) - len(head) % 2
    if n < 8:
        return None
    even = head[0:n:2].count(0) / (n // 2)
    odd = head[1:n:2].count(0) / (n // 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _ascii_view(head: bytes) -> bytes:
    """Bytes with UTF-16 zero bytes dropped, so HTML saved as UTF-16 is still recognised."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_guess(head):
        return head.replace(b"\x00", b"")
    return head
