"""HTML (saved web pages and Word's "save as web page").

The page is parsed with lxml and walked in document order.  Blocks (p, div, li, h1-6,
br, …) give line breaks; inline markup (span, font, b, Word's ``<o:p>``) is transparent,
so a label split over several spans comes back whole; white space collapses as a browser
would, except that a source line break between two CJK characters disappears (Word wraps
its HTML at ~80 columns in the middle of words).  Scripts, styles, hidden elements and
recognisable navigation chrome are dropped.

A data table becomes one line per row, cells separated by TAB; the grid honours rowspan
and colspan, a merged cell is written once at its top-left position and left blank
elsewhere; a cell holding only ``&nbsp;`` is a blank cell.  A table whose cells hold
other tables is page layout, not data, and is read as blocks.

Provenance is the offset into the decoded markup of each character, found by searching
the source from a moving cursor: exact for plain text, approximate (the position of the
entity or markup it came from) for characters written as entities.
"""
from __future__ import annotations

import re
from pathlib import Path

from .document import ROW_SEP, Document, ReaderError, TextBuilder, join_row
from .document import is_cjk as _cjk
from .text import decode_bytes

SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "svg",
             "object", "embed", "button", "select", "option", "textarea", "input", "nav", "map", "canvas"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table",
              "tr", "section", "article", "main", "blockquote", "pre", "hr", "center", "address",
              "header", "footer", "aside", "form", "fieldset", "figure", "figcaption", "caption", "body"}
CHROME_RE = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|sidebar|share|toolbar|topbar|copyright|"
                       r"footer|skip-?link|dibu|daohang|weizhi)($|[\s_-])", re.I)
CHROME_MAX_SHARE = 0.3  # chrome is dropped only if it holds less than this share of the page text
HIDDEN_RE = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.I)
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_SPAN = 1000  # rowspan/colspan values are clipped to this (broken pages say colspan=99999)
SEARCH_WINDOW = 4000  # how far ahead of the cursor a text node is looked for in the source

SPACE = " \t\r\f\xa0\u3000\u2002\u2003\u2009\u200b"
SOFT_NL = "\x00"  # a source newline (white space that vanishes between CJK characters)
BREAK = "\x01"  # a block boundary


class _Line:
    """Characters with their source offsets, before white-space normalisation."""

    def __init__(self):
        self.chars: list[str] = []
        self.offs: list[int] = []

    def add(self, text: str, offs: list[int]) -> None:
        for c, o in zip(text, offs):
            self.chars.append(SOFT_NL if c == "\n" else (" " if c in SPACE else c))
            self.offs.append(o)

    def brk(self) -> None:
        self.chars.append(BREAK)
        self.offs.append(-1)

    def lines(self) -> list[tuple[str, list[int]]]:
        """Split at block breaks and collapse white space; empty lines are dropped."""
        out, chars, offs = [], [], []
        for c, o in zip(self.chars + [BREAK], self.offs + [-1]):
            if c == BREAK:
                line = _collapse(chars, offs)
                if line[0]:
                    out.append(line)
                chars, offs = [], []
            else:
                chars.append(c)
                offs.append(o)
        return out


def _collapse(chars: list[str], offs: list[int]) -> tuple[str, list[int]]:
    out_c, out_o, i, n = [], [], 0, len(chars)
    while i < n:
        if chars[i] not in (" ", SOFT_NL):
            out_c.append(chars[i]); out_o.append(offs[i]); i += 1
            continue
        j = i
        while j < n and chars[j] in (" ", SOFT_NL):
            j += 1
        # a run holding a source line break vanishes between CJK characters (CSS segment-break rule)
        between_cjk = out_c and j < n and _cjk(out_c[-1]) and _cjk(chars[j])
        if out_c and j < n and not (SOFT_NL in chars[i:j] and between_cjk):
            out_c.append(" "); out_o.append(offs[i])
        i = j
    return "".join(out_c), out_o


def _join_cell(lines: list[tuple[str, list[int]]]) -> tuple[str, list[int]]:
    """A cell's lines on one line: joined with nothing between CJK characters, else a space."""
    text, offs = "", []
    for t, o in lines:
        if text and not (_cjk(text[-1]) and _cjk(t[0])):
            text += " "; offs.append(-1)
        text += t; offs += o
    return text, offs


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.cursor = 0
        self.lines: list[tuple[str, list[int]]] = []  # finished lines
        self.inline = _Line()
        self.chrome_limit = 0

    # -- source offsets ------------------------------------------------------
    def locate(self, text: str, line: int | None) -> list[int]:
        src = self.source
        if line is not None and 0 < line <= len(self.line_starts):
            self.cursor = max(self.cursor, self.line_starts[line - 1])
        end = self.cursor + SEARCH_WINDOW + 8 * len(text)
        pos = src.find(text, self.cursor, end)
        if pos >= 0:
            self.cursor = pos + len(text)
            return list(range(pos, pos + len(text)))
        offs = []
        for c in text:
            j = src.find(c, self.cursor, self.cursor + SEARCH_WINDOW) if not c.isspace() else -1
            if j >= 0:
                self.cursor = j + 1
            offs.append(j if j >= 0 else min(self.cursor, len(src) - 1))
        return offs

    # -- walking -------------------------------------------------------------
    def flush(self) -> None:
        self.lines += self.inline.lines()
        self.inline.chars.clear()  # cleared in place: callers up the tree hold this sink
        self.inline.offs.clear()

    def text(self, sink: _Line, text: str | None, line: int | None) -> None:
        if text:
            sink.add(text, self.locate(text, line))

    def walk(self, el, sink: _Line) -> None:
        tag = _tag(el)
        if tag is None or self.skip(el, tag):
            return
        if tag == "br":
            sink.brk()
            return
        if tag == "table" and sink is self.inline and not _is_layout(el):
            self.flush()
            self.table(el)
            return
        block = tag in BLOCK_TAGS or tag in ("td", "th")
        if block:
            sink.brk()
        self.text(sink, el.text, el.sourceline)
        for child in el:
            self.walk(child, sink)
            self.text(sink, child.tail, None)
        if block:
            sink.brk()

    def skip(self, el, tag: str) -> bool:
        if tag in SKIP_TAGS:
            return True
        style = el.get("style")
        if style and HIDDEN_RE.search(style):
            return True
        if tag in ("footer", "aside", "header") or CHROME_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
            return len(el.text_content()) < self.chrome_limit
        return False

    def table(self, table) -> None:
        rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
        grid: dict[tuple[int, int], tuple[str, list[int]]] = {}
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(rows):
            c = 0
            for cell in tr:
                if _tag(cell) not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                sink = _Line()
                self.text(sink, cell.text, cell.sourceline)
                for child in cell:
                    self.walk(child, sink)
                    self.text(sink, child.tail, None)
                grid[(r, c)] = _join_cell(sink.lines())
                rs, cs = _span(cell.get("rowspan"), len(rows) - r, zero_fills=True), _span(cell.get("colspan"), MAX_SPAN)
                taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
                c += cs
        columns = sorted({c for _, c in grid})  # a column no cell starts in is an artefact of spans: dropped
        for r in range(len(rows)):
            cells = [grid.get((r, c), ("", [])) for c in columns]
            line = join_row(cells)
            if line is not None:
                self.lines.append(line)


def _tag(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    return tag.rsplit("}", 1)[-1].lower()


def _span(value: str | None, limit: int, zero_fills: bool = False) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    n = int(m.group(1)) if m else 1
    if n == 0:  # rowspan=0: to the end of the table section; colspan=0 is invalid, read as 1
        n = limit if zero_fills else 1
    return max(1, min(n, limit, MAX_SPAN))


def _owner_table(el):
    p = el.getparent()
    while p is not None and _tag(p) != "table":
        p = p.getparent()
    return p


def _is_layout(table) -> bool:
    """A table whose cells hold tables is page layout."""
    return any(_owner_table(t) is table for t in table.iter("table") if t is not table)


def decode_html(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode by the page's own ``<meta charset>`` when it is right, else as any text."""
    m = CHARSET_RE.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "replace").lower()
        enc = "gb18030" if enc.replace("-", "").replace("_", "") in ("gb2312", "gbk", "gb18030", "cp936") else enc
        try:
            return data.decode(enc).lstrip("\ufeff"), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, path)


def read_html(path: Path, data: bytes) -> Document:
    import lxml.etree
    import lxml.html

    source, encoding = decode_html(data, str(path))
    source = XML_DECL_RE.sub(lambda m: " " * len(m.group(0)), source)  # lxml refuses str with a declaration
    try:
        root = lxml.html.document_fromstring(source)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ReaderError("empty", f"no HTML content could be parsed ({e})", "check that the page was saved completely",
                          str(path)) from None
    reader = _Reader(source)
    body = root.find("body")
    top = body if body is not None else root
    reader.chrome_limit = CHROME_MAX_SHARE * len(top.text_content())
    reader.walk(top, reader.inline)
    reader.flush()
    b = TextBuilder("offset")
    for text, offs in reader.lines:
        b.add(text, offs)
        b.add(ROW_SEP)
    if not b.text.strip():
        raise ReaderError("empty", "the page holds no visible text", "save the page again with its content, or give a PDF",
                          str(path))
    return Document.build(b, path, "html", encoding=encoding, chars=len(source))
