"""Plain text (.txt/.md and anything else that decodes as text).

Government sites publish in UTF-8, GB18030/GBK/GB2312 and now and then UTF-16; the
encoding is found by BOM, then strict UTF-8, then strict GB18030 (a superset of GBK and
GB2312, and what a short Chinese file most likely is — generic detectors often call a
short GBK file Big5), then charset-normalizer.  Line endings CRLF/CR become LF; control
characters other than TAB/LF/FF are dropped; offsets keep pointing at the decoded source.
"""
from __future__ import annotations

from pathlib import Path

from .document import Document, ReaderError, TextBuilder
from .sniff import _utf16_guess

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
MAX_MESS = 0.2  # charset-normalizer chaos above this: the bytes are not text in any encoding
KEEP_CONTROLS = "\t\n\f"


def decode_bytes(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)`` or raise ReaderError("encoding")."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                break
            return text.lstrip("\ufeff"), enc.replace("-sig", "") + "-bom"
    for enc in ("utf-8", _utf16_guess(data[:4096]), "gb18030"):
        if enc:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.chaos <= MAX_MESS:
        enc = "gb18030" if best.encoding.replace("_", "") in GB_FAMILY else best.encoding
        return data.decode(enc, errors="replace"), enc
    raise ReaderError("encoding", "the text's encoding could not be recognised (it is not valid UTF-8, UTF-16 or GB18030)",
                      "open the file in an editor and save it as UTF-8; it may also be a damaged or mixed-encoding file",
                      path)


def normalise(source: str, builder: TextBuilder) -> None:
    """Append ``source`` to ``builder`` with LF line endings and no stray control characters,
    each kept character mapped to its offset in ``source``."""
    run = 0  # start of the current run of characters kept as they are
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\r" or (ch < " " and ch not in KEEP_CONTROLS) or ch in "\x7f\ufeff":
            builder.add(source[run:i], run)
            if ch == "\r":
                builder.add("\n", i)
                if i + 1 < n and source[i + 1] == "\n":
                    i += 1
            run = i + 1
        i += 1
    builder.add(source[run:n], run)


def read_text(path: Path, data: bytes) -> Document:
    source, encoding = decode_bytes(data, str(path))
    b = TextBuilder("offset")
    normalise(source, b)
    if not b.text.strip():
        raise ReaderError("empty", "the file holds no text", "check that the right file was given", str(path))
    return Document.build(b, path, "text", encoding=encoding, chars=len(source))
