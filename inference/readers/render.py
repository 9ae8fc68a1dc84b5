"""Render a small report (paragraphs and tables) to HTML, .docx, a text PDF and page images.

Tests and the OCR bench make their inputs here, so every reader is checked against a
document whose every cell value and position is known; the lead's "extract on a
rendered scan" check renders a dev report's text the same way (``blocks_from_text``).

A report is a list of blocks: a ``str`` is a paragraph, a ``Table`` holds rows of
``Cell``s (text, rowspan, colspan), HTML-style: a row lists only the cells that start in it.
One layout (``layout``) places everything on A4 pages in points, top-left origin; the PDF
and image writers draw that same layout, and ``Placed`` records where each text was put.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .document import CELL_SEP, is_cjk

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian fonts-wqy-microhei
PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 50.0  # A4 in points
FONT_SIZE, LINE_GAP, CELL_PAD = 10.5, 1.5, 4.0
DPI = 200


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]]


@dataclass
class Placed:
    """A piece of text drawn at ``(x, y)`` (top-left of its line box), in points."""

    text: str
    page: int
    x: float
    y: float
    size: float = FONT_SIZE


@dataclass
class Layout:
    pages: int = 1
    texts: list[Placed] = field(default_factory=list)
    lines: list[tuple[int, float, float, float, float]] = field(default_factory=list)  # page, x0, y0, x1, y1


def table(rows: list[list]) -> Table:
    """Shorthand: a cell is a str or a (text, rowspan, colspan) tuple."""
    return Table([[c if isinstance(c, Cell) else Cell(*c) if isinstance(c, tuple) else Cell(str(c)) for c in row]
                  for row in rows])


def blocks_from_text(text: str) -> list:
    """The reader's text form back to blocks: runs of lines holding TABs become tables."""
    blocks, rows = [], []
    for line in text.split("\n"):
        if CELL_SEP in line:
            rows.append([Cell(c.strip()) for c in line.split(CELL_SEP)])
            continue
        if rows:
            blocks.append(Table(rows)); rows = []
        if line.strip() and line.strip() != "\f":
            blocks.append(line.strip())
    if rows:
        blocks.append(Table(rows))
    return blocks


def grid(t: Table) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """Place each cell at its (row, column) origin, honouring spans; return cells, rows, columns."""
    taken, placed, width = set(), [], 0
    for r, row in enumerate(t.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
            width = max(width, c)
    return placed, len(t.rows), width


# --------------------------------------------------------------------------- #
# Layout
# --------------------------------------------------------------------------- #
@cache
def _font(size: float):
    from PIL import ImageFont
    return ImageFont.truetype(FONT_PATH, size=max(1, round(size * 10)))  # 10x for sub-point widths


def text_width(s: str, size: float = FONT_SIZE) -> float:
    return _font(size).getlength(s) / 10


def _wrap(s: str, width: float, size: float) -> list[str]:
    lines, cur = [], ""
    for ch in s:
        if cur and text_width(cur + ch, size) > width:
            lines.append(cur); cur = ""
        cur += ch
    return lines + [cur] if cur or not lines else lines


def layout(blocks: list, size: float = FONT_SIZE, header: str = "", footer: str = "") -> Layout:
    """Place ``blocks`` on A4 pages; ``header``/``footer`` are printed in every page's
    margins (``{page}`` in them becomes the page number)."""
    out, y, page = Layout(), MARGIN, 0
    lh = size * LINE_GAP
    inner = PAGE_W - 2 * MARGIN

    def room(h: float) -> None:
        nonlocal y, page
        if y + h > PAGE_H - MARGIN:
            page += 1; y = MARGIN
            out.pages = page + 1

    for block in blocks:
        if isinstance(block, str):
            for line in _wrap(block, inner, size):
                room(lh)
                out.texts.append(Placed(line, page, MARGIN, y, size)); y += lh
            continue
        cells, nrows, ncols = grid(block)
        need = [0.0] * ncols  # column widths from single-column cells' text
        for _, c, cell in cells:
            if cell.colspan == 1:
                need[c] = max(need[c], min(text_width(cell.text, size), 9 * size) + 2 * CELL_PAD)
        need = [max(n, 3 * size) for n in need]
        scale = inner / sum(need)
        xs = [MARGIN]
        for n in need:
            xs.append(xs[-1] + n * scale)
        wrapped = {(r, c): _wrap(cell.text, xs[c + cell.colspan] - xs[c] - 2 * CELL_PAD, size) for r, c, cell in cells}
        heights = [lh + 2 * CELL_PAD] * nrows
        for r, c, cell in cells:
            if cell.rowspan == 1:
                heights[r] = max(heights[r], len(wrapped[(r, c)]) * lh + 2 * CELL_PAD)
        room(heights[0])
        top, ys = y, [y]
        for r in range(nrows):
            if ys[-1] + heights[r] > PAGE_H - MARGIN:  # page break between rows: close this page's grid
                _rules(out, page, cells, xs, ys, top, r)
                page += 1; out.pages = page + 1
                ys, top = [MARGIN], MARGIN
            ys.append(ys[-1] + heights[r])
        _rules(out, page, cells, xs, ys, top, nrows)
        y = ys[-1] + lh
    for p in range(out.pages):
        if header:
            out.texts.append(Placed(header.format(page=p + 1), p, MARGIN, MARGIN / 2 - lh / 2, size))
        if footer:
            text = footer.format(page=p + 1)
            out.texts.append(Placed(text, p, (PAGE_W - text_width(text, size)) / 2, PAGE_H - MARGIN / 2 - lh / 2, size))
    return out


def _rules(out: Layout, page: int, cells, xs, ys, top, end_row) -> None:
    """Draw the borders of the rows that ended on ``page``: every cell's box (shared edges overlap)."""
    first = end_row - (len(ys) - 1)
    for r, c, cell in cells:
        if not first <= r < end_row:
            continue
        r1 = min(r + cell.rowspan, end_row)
        x0, x1, y0, y1 = xs[c], xs[c + cell.colspan], ys[r - first], ys[r1 - first]
        out.lines += [(page, x0, y0, x1, y0), (page, x0, y1, x1, y1), (page, x0, y0, x0, y1), (page, x1, y0, x1, y1)]
        lines = _wrap(cell.text, x1 - x0 - 2 * CELL_PAD, FONT_SIZE)
        lh = FONT_SIZE * LINE_GAP
        ty = (y0 + y1) / 2 - len(lines) * lh / 2
        for k, line in enumerate(lines):
            if line:
                out.texts.append(Placed(line, page, x0 + CELL_PAD, ty + k * lh, FONT_SIZE))


# --------------------------------------------------------------------------- #
# Writers
# --------------------------------------------------------------------------- #
def to_html(blocks: list, *, word: bool = False) -> str:
    """HTML with real tables; ``word=True`` imitates Word's export: mso styles, labels split
    over spans, ``<o:p>``, ``&nbsp;`` in blank cells and lines wrapped mid-word."""
    from html import escape

    def text(s: str) -> str:
        if not word or len(s) < 2:
            return escape(s) if s else ("&nbsp;" if word else "")
        k = len(s) // 2
        return (f"<span style='font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>{escape(s[:k])}</span>"
                f"<span lang=EN-US>{escape(s[k:])}<o:p></o:p></span>")

    head = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
            '<style>p.MsoNormal{mso-style-parent:"";}</style><title>年度报告</title></head><body>')
    if not word:
        head += '<div class="nav"><a href="/">首页</a> &gt; <a href="#">信息公开</a></div>'
    parts = [head]
    for block in blocks:
        if isinstance(block, str):
            body = text(block)
            cut = next((k for k in range(5, len(block)) if is_cjk(block[k - 1]) and is_cjk(block[k])), 0)
            if word and cut:  # Word wraps its HTML source between CJK characters
                body = escape(block[:cut]) + "\n" + text(block[cut:])
            parts.append(f"<p class=MsoNormal>{body}</p>")
            continue
        parts.append("<table border=1 cellspacing=0 class=MsoNormalTable>")
        for row in block.rows:
            tds = "".join(
                f"<td{f' rowspan={c.rowspan}' if c.rowspan > 1 else ''}{f' colspan={c.colspan}' if c.colspan > 1 else ''}>"
                + (f"<p class=MsoNormal align=center>{text(c.text)}</p>" if word else text(c.text)) + "</td>"
                for c in row)
            parts.append(f"<tr>{tds}</tr>")
        parts.append("</table>")
    parts.append('<div id="footer">主办单位：某某人民政府办公室</div></body></html>')
    return "\n".join(parts)


def to_docx(blocks: list, path) -> None:
    import docx

    d = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            d.add_paragraph(block)
            continue
        cells, nrows, ncols = grid(block)
        t = d.add_table(rows=nrows, cols=ncols)
        t.style = "Table Grid"
        for r, c, cell in cells:
            target = t.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(t.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
    d.save(str(path))


@cache
def _font_bytes(chars: str) -> bytes:
    """The CJK font, subset to ``chars``, as TrueType bytes (a full embed is 4.6 MB)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTCollection

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" is harmless

    font = TTCollection(FONT_PATH).fonts[0]
    sub = subset.Subsetter(subset.Options(notdef_outline=True, name_IDs=["*"]))
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def to_pdf(blocks: list, path, *, lay: Layout | None = None) -> Layout:
    """A PDF with a text layer (pdfium writes it; no extra dependency), borders as path lines."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    lay = lay or layout(blocks)
    data = _font_bytes("".join(sorted({ch for p in lay.texts for ch in p.text})) or " ")
    pdf = pdfium.PdfDocument.new()
    buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    font = raw.FPDFText_LoadFont(pdf, buf, len(data), raw.FPDF_FONT_TRUETYPE, True)
    pages = [pdf.new_page(PAGE_W, PAGE_H) for _ in range(lay.pages)]
    for p in lay.texts:
        obj = raw.FPDFPageObj_CreateTextObj(pdf, font, p.size)
        ws = ctypes.create_string_buffer((p.text + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(ws, ctypes.POINTER(raw.FPDF_WCHAR)))
        baseline = PAGE_H - (p.y + p.size * (LINE_GAP + 1) / 2 - 0.12 * p.size)
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, p.x, baseline)
        raw.FPDFPage_InsertObject(pages[p.page], obj)
    for pg, x0, y0, x1, y1 in lay.lines:
        path_obj = raw.FPDFPageObj_CreateNewPath(x0, PAGE_H - y0)
        raw.FPDFPath_LineTo(path_obj, x1, PAGE_H - y1)
        raw.FPDFPageObj_SetStrokeWidth(path_obj, 0.75)
        raw.FPDFPath_SetDrawMode(path_obj, 0, True)
        raw.FPDFPage_InsertObject(pages[pg], path_obj)
    for page in pages:
        raw.FPDFPage_GenerateContent(page)
    pdf.save(str(path))
    return lay


def to_images(blocks: list, *, dpi: int = DPI, lay: Layout | None = None, skew: float = 0.0) -> tuple[list, Layout]:
    """Draw the layout as white page images at ``dpi`` (a clean "scan"); ``skew`` rotates by degrees."""
    from PIL import Image, ImageDraw, ImageFont

    lay = lay or layout(blocks)
    k = dpi / 72
    images = []
    for page in range(lay.pages):
        img = Image.new("L", (round(PAGE_W * k), round(PAGE_H * k)), 255)
        draw = ImageDraw.Draw(img)
        for pg, x0, y0, x1, y1 in lay.lines:
            if pg == page:
                draw.line([(x0 * k, y0 * k), (x1 * k, y1 * k)], fill=0, width=max(1, round(0.75 * k)))
        for p in lay.texts:
            if p.page == page:
                font = ImageFont.truetype(FONT_PATH, size=round(p.size * k))
                top = (p.y + p.size * (LINE_GAP - 1) / 2) * k
                draw.text((p.x * k, top), p.text, font=font, fill=0)
        if skew:
            img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=255, expand=False)
        images.append(img)
    return images, lay


def crop_to_content(images: list, lay: Layout, dpi: int = DPI, margin: float = 15.0) -> list:
    """Each page cut below its last drawn text or rule (smaller pages make OCR tests faster)."""
    k = dpi / 72
    out = []
    for page, img in enumerate(images):
        bottom = max([p.y + p.size * LINE_GAP for p in lay.texts if p.page == page] +
                     [max(l[2], l[4]) for l in lay.lines if l[0] == page] + [MARGIN])
        out.append(img.crop((0, 0, img.width, min(img.height, round((bottom + margin) * k)))))
    return out


def save_images(images: list, path, **kw) -> None:
    """PNG/JPEG (first page), multi-page TIFF, or an image-only (scanned) PDF, by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".tif", ".tiff", ".pdf"):
        extra = {"resolution": DPI} if suffix == ".pdf" else {"compression": "tiff_deflate"}
        images[0].save(path, save_all=True, append_images=images[1:], **extra, **kw)
    else:
        images[0].save(path, **kw)


# --------------------------------------------------------------------------- #
# A small hand-made report (2019 template) with known values, for tests and the bench
# --------------------------------------------------------------------------- #
def sample_report(agency: str = "某某镇人民政府", year: int = 2020) -> list:
    """Title, the six sections and parts of tables 二, 三, 四 with merged cells, a blank
    cell, a negative count and an amount with its unit."""
    return [
        f"{agency}{year}年政府信息公开工作年度报告",
        "一、总体情况",
        f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息 850 条。",
        "二、主动公开政府信息情况",
        table([
            [("第二十条第（一）项", 1, 4)],
            ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
            ["规章", "0", "0", "3"],
            ["规范性文件", "12", "", "105"],
            [("第二十条第（五）项", 1, 4)],
            ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["行政许可", "473", "-2", "499"],
            [("第二十条第（九）项", 1, 4)],
            ["信息内容", "采购项目数量", ("采购总金额", 1, 2)],
            ["政府集中采购", "39", ("2192.63万元", 1, 2)],
        ]),
        "三、收到和处理政府信息公开申请情况",
        table([
            [("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", 2, 2), ("申请人情况", 1, 3)],
            ["自然人", "商业企业", "总计"],
            [("一、本年新收政府信息公开申请数量", 1, 2), "17", "2", "19"],
            [("二、上年结转政府信息公开申请数量", 1, 2), "1", "0", "1"],
            [("三、本年度办理结果", 2, 1), "（一）予以公开", "10", "1", "11"],
            ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "6", "", "6"],
            [("四、结转下年度继续办理", 1, 2), "2", "1", "3"],
        ]),
        "四、政府信息公开行政复议、行政诉讼情况",
        table([
            [("行政复议", 1, 3), ("行政诉讼", 1, 3)],
            ["结果维持", "结果纠正", "总计", "结果维持", "结果纠正", "总计"],
            ["1", "0", "1", "0", "0", "0"],
        ]),
        "五、存在的主要问题及改进情况",
        "信息公开的及时性有待提高。",
        "六、其他需要报告的事项",
        "无。",
    ]


def sample_values() -> list[str]:
    """The sample's numeric cells in reading order (what every reader must give back)."""
    return ["0", "0", "3", "12", "105", "473", "-2", "499", "39", "2192.63万元",
            "17", "2", "19", "1", "0", "1", "10", "1", "11", "6", "6", "2", "1", "3",
            "1", "0", "1", "0", "0", "0"]
