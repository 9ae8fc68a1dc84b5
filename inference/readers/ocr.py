"""OCR of scanned pages and images with RapidOCR (bundled ONNX models, runs offline).

Per page: mild deskew (projection-profile search within ±``MAX_SKEW`` degrees), table
rules found by morphology, full-page detection + recognition with per-character boxes
(RapidOCR 1.4.4 ``return_word_box=True``), then the same ``layout`` as the PDF text layer.
Per-character boxes matter: RapidOCR reads ``39 2192.63`` in one box as ``392192.63``;
the characters' positions show the gap and ``layout`` puts the space back.  Ruled cells
holding ink but no recognised character (detection misses lone thin digits such as
``1``) or only a garbled short reading (a lone ``0`` read as ``。``) are recognised
again on their own.

The engine is loaded once per process, on first use (about 1 s).
"""
from __future__ import annotations

import re
from pathlib import Path

from .document import PAGE_BREAK, ROW_SEP, Document, ReaderError, TextBuilder, is_cjk
from .layout import Glyph, find_grids, page_lines

DPI = 200  # scanned PDF pages are rendered at this resolution
MAX_SIDE = 3000  # RapidOCR max_side_len: larger pages are scaled down before detection
# Text boxes recognised per batch: one.  A batch is padded to its widest box, and a table page
# has hundreds of narrow ones (a lone "0") beside wide labels: a 4-page scan of dev report 001
# read in 22 s with 1 box per batch, 30 s with 3, 42 s with RapidOCR's 6 (the same text but one
# character); `xxgk bench --ocr-pages 2` pages of random numbers, 4.5-7.6 s/page with 1, 3 or 6
# (noisy, no order).
REC_BATCH = 1
TEXT_SCORE = 0.3  # recognitions less confident than this are dropped (RapidOCR default 0.5 loses lone "0"s)
MAX_SKEW = 3.0  # degrees searched by deskew
SKEW_STEP = 0.2
MIN_SKEW = 0.3  # smaller skews are left alone
V_RULE, H_RULE = 15.0, 25.0  # points: shortest vertical / horizontal stroke taken as a table rule
# A blank between two characters of one OCR box wider than this × the page's median box height
# is a space (the median: single boxes' heights vary by a third for the same type size).
# Glyphs with wide side bearings in tabular digit fonts (1 . , … on both sides, 7 on its left)
# and CJK glyphs need more (measured on rendered number rows, wqy-microhei at 10.5 pt).
SPACE_INK = {"": 0.16, "n": 0.24, "nn": 0.36, "c": 0.22, "cn": 0.26, "cc": 0.3}
NARROW = set("1.,:;!|lIij'()（）")
WIDE_LEFT = NARROW | {"7"}
OPENING, CLOSING = set("([{（【《“"), set(")]}）】》”,.;:，。；：、")
MAX_PIXELS = 60_000_000  # an image larger than this (decoded) is refused as too large

_ENGINE = None


def engine():
    """The process-wide RapidOCR engine (lazy)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR
        _ENGINE = RapidOCR(max_side_len=MAX_SIDE, text_score=TEXT_SCORE,
                           rec_batch_num=REC_BATCH)
    return _ENGINE


# --------------------------------------------------------------------------- #
# Image preparation
# --------------------------------------------------------------------------- #
def _ink(gray):
    import cv2
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return bw


def deskew(gray):
    """Rotate by the angle that makes the rows of ink sharpest; returns (image, degrees)."""
    import cv2
    import numpy as np

    scale = 800 / max(gray.shape[1], 1)
    small = _ink(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)) if scale < 1 else _ink(gray)
    h, w = small.shape
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, SKEW_STEP):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score + 1e-6 * abs(best_score) or (abs(angle) < abs(best) and score >= best_score):
            best, best_score = float(angle), score
    if abs(best) < MIN_SKEW:
        return gray, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), best


def find_rules(gray, unit: float) -> list[tuple[float, float, float, float]]:
    """Long horizontal and vertical strokes (table borders) as segments, in pixels."""
    import cv2

    bw = _ink(gray)
    out = []
    for length, horizontal in ((H_RULE * unit, True), (V_RULE * unit, False)):
        k = max(3, int(length))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if horizontal else (1, k))
        mask = cv2.morphologyEx(bw, cv2.MORPH_OPEN, kernel)
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(2 * unit)), 1) if horizontal else (1, max(3, int(2 * unit))))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, bridge)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        for x, y, w, h, _ in stats[1:n]:
            if horizontal:
                out.append((float(x), y + h / 2, float(x + w), y + h / 2))
            else:
                out.append((x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


# --------------------------------------------------------------------------- #
# Recognition
# --------------------------------------------------------------------------- #
def _box(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def _spread(text: str, box: tuple[float, float, float, float], group: int) -> list[Glyph]:
    """Glyphs for ``text`` read in ``box`` without character positions: the box cut evenly."""
    x0, y0, x1, y1 = box
    w = (x1 - x0) / max(len(text), 1)
    return [Glyph(_half(ch), x0 + k * w, y0, x0 + (k + 1) * w, y1, group) for k, ch in enumerate(text)]


def recognise(rgb, ink) -> list[Glyph]:
    """Detection + recognition: one glyph per recognised character (pixels), blanks inside
    a box measured on the page's ``ink`` mask."""
    # no angle classifier: it turns lone "6"s into "9"s (and "99" into "66") by reading the crop upside down;
    # pages are upright after deskew
    result, _ = engine()(rgb, use_cls=False, return_word_box=True, text_score=TEXT_SCORE)
    heights = sorted(_box(item[0])[3] - _box(item[0])[1] for item in result or [])
    typical = heights[len(heights) // 2] if heights else 1.0
    glyphs = []
    for group, item in enumerate(result or []):
        box, text = _box(item[0]), item[1]
        char_boxes = item[3] if len(item) > 4 else None
        chars = item[4] if len(item) > 4 else None
        if char_boxes and chars and len(chars) == len(char_boxes) and "".join(chars) == text:
            line = [Glyph(_half(ch), _box(pts)[0], box[1], _box(pts)[2], box[3], group)
                    for ch, pts in zip(chars, char_boxes)]
        else:
            line = _spread(text, box, group)
        _mark_spaces([g for g in line if not g.ch.isspace()], ink, box, typical)
        glyphs += line
    return [g for g in glyphs if not g.ch.isspace()]


def _mark_spaces(line: list[Glyph], ink, box, typical: float) -> None:
    """RapidOCR drops the blanks inside a box (``39 2192.63`` → ``392192.63``): find them as
    runs of ink-free columns between neighbouring characters' centres."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    h = max(y1 - y0, 1)
    scale = h if h > 1.5 * typical else typical  # a heading in a larger size keeps its own
    band = ink[max(0, y0 + h // 10): max(0, y1 - h // 10), max(0, x0): max(0, x1)]
    if band.size == 0:
        return
    band = band[band.mean(axis=1) < 0.6]  # rows crossed by a table rule say nothing about blanks
    if band.size == 0:
        return
    inked = band.any(axis=0)
    for prev, g in zip(line, line[1:]):
        if (is_cjk(prev.ch) and is_cjk(g.ch)) or prev.ch in OPENING or g.ch in CLOSING:
            continue  # CJK text has no word spaces; brackets hug their contents
        a, b = int(prev.cx) - x0, int(g.cx) - x0
        run = best = 0
        for v in inked[max(0, a): max(0, b)]:
            run = 0 if v else run + 1
            best = max(best, run)
        kinds = "".join(sorted("c" if is_cjk(x.ch) else "n" for x, wide in ((prev, NARROW), (g, WIDE_LEFT))
                               if is_cjk(x.ch) or x.ch in wide))
        g.space = best > SPACE_INK[kinds] * scale


def _half(ch: str) -> str:
    """Full-width digits and Latin letters, an OCR artefact here, as ASCII (full-width punctuation stays)."""
    if "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a":
        return chr(ord(ch) - 0xFEE0)
    return ch


_NUMBER = re.compile(r"^[-+]?\d[\d,.]*%?$")


def garbled(text: str) -> bool:
    """A short cell text that is neither a number nor words (``。``, ``[o``, ``l``): what a lone
    ``0`` or ``1`` in a table cell often comes back as from a full-page read."""
    text = text.strip()
    words = any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)  # ideographs
    return 0 < len(text) <= 3 and not _NUMBER.match(text) and not words \
        and text not in ("-", "—", "/", "－", "／", "——")


def _recover_cells(rgb, gray, glyphs: list[Glyph], segs, unit: float) -> list[Glyph]:
    """Recognise again, one by one, ruled cells that hold ink but no recognised character, or only a
    `garbled` reading; a garbled reading is replaced only by a number read with confidence."""
    import numpy as np

    found, dropped = [], set()
    pad = max(2, int(1.5 * unit))
    for grid in find_grids(segs, unit):
        for i in range(len(grid.xs) - 1):
            for j in range(len(grid.ys) - 1):
                x0, x1 = int(grid.xs[i]) + pad, int(grid.xs[i + 1]) - pad
                y0, y1 = int(grid.ys[j]) + pad, int(grid.ys[j + 1]) - pad
                if x1 - x0 < 4 or y1 - y0 < 4:
                    continue
                inside = [k for k, g in enumerate(glyphs)  # by the cell's full extent: a stray "[" on its rule
                          if grid.xs[i] <= g.cx < grid.xs[i + 1] and grid.ys[j] <= g.cy < grid.ys[j + 1]]
                if inside and not garbled("".join(glyphs[k].ch for k in inside)):
                    continue
                ink = np.argwhere(gray[y0:y1, x0:x1] < 128)
                if len(ink) < 4:
                    continue
                (iy0, ix0), (iy1, ix1) = ink.min(axis=0), ink.max(axis=0)
                if iy0 == 0 or ix0 == 0 or iy1 >= y1 - y0 - 1 or ix1 >= x1 - x0 - 1:
                    continue  # ink runs into the border: part of a merged cell's text, not a cell of its own
                m = max(2, int(2 * unit))
                cy0, cy1 = max(0, y0 + iy0 - m), min(gray.shape[0], y0 + iy1 + m + 1)
                cx0, cx1 = max(0, x0 + ix0 - m), min(gray.shape[1], x0 + ix1 + m + 1)
                result, _ = engine()(rgb[cy0:cy1, cx0:cx1], use_det=False, use_cls=False, use_rec=True)
                if not (result and result[0][0].strip() and result[0][1] >= TEXT_SCORE):
                    continue
                text = "".join(map(_half, result[0][0].strip()))
                if inside and not _NUMBER.match(text):
                    continue  # keep the first reading: the re-read is no better
                dropped.update(inside)
                box = (float(x0 + ix0), float(y0 + iy0), float(x0 + ix1 + 1), float(y0 + iy1 + 1))
                found += _spread(text, box, 100000 + len(found))
    return [g for k, g in enumerate(glyphs) if k not in dropped] + found


def ocr_image(img, unit: float) -> tuple[list[Glyph], list[tuple[float, float, float, float]], float]:
    """OCR one page image (PIL); returns glyphs and rules in pixels of the deskewed page, and the skew."""
    import cv2
    import numpy as np

    gray = np.asarray(img.convert("L"))
    gray, skew = deskew(gray)
    rgb = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    segs = find_rules(gray, unit)
    glyphs = recognise(rgb, _ink(gray) > 0)
    glyphs = _recover_cells(rgb, gray, glyphs, segs, unit)
    return glyphs, segs, skew


def ocr_pdf_page(page) -> tuple[list[Glyph], list[tuple[float, float, float, float]]]:
    """OCR a PDF page rendered at DPI; glyphs and rules in points."""
    img = page.render(scale=DPI / 72).to_pil()
    glyphs, segs, _ = ocr_image(img, DPI / 72)
    k = 72 / DPI
    glyphs = [Glyph(g.ch, g.x0 * k, g.y0 * k, g.x1 * k, g.y1 * k, g.group, g.space) for g in glyphs]
    return glyphs, [tuple(v * k for v in s) for s in segs]


def _frames(path: Path):
    from PIL import Image, ImageOps, ImageSequence

    Image.MAX_IMAGE_PIXELS = None  # checked below with a clear error instead of a warning
    try:
        img = Image.open(path)
        frames = []
        for frame in ImageSequence.Iterator(img):
            if frame.width * frame.height > MAX_PIXELS:
                raise ReaderError("too-large", f"the image is {frame.width}×{frame.height} pixels, over {MAX_PIXELS:,}",
                                  "scan at 200-300 dpi, or split the image", str(path))
            frame.load()
            frames.append(ImageOps.exif_transpose(frame.convert("RGB")))
        dpi = img.info.get("dpi", (0, 0))[0] or 0
    except ReaderError:
        raise
    except Exception as e:  # Pillow raises OSError, SyntaxError, ValueError … on damaged files
        raise ReaderError("corrupt-image", f"the image could not be decoded ({type(e).__name__}: {e})",
                          "the file is truncated or damaged: scan or download it again", str(path)) from None
    return frames, float(dpi)


def read_image(path: Path, ocr: bool = True) -> Document:
    if not ocr:
        raise ReaderError("no-text", "an image needs OCR, and OCR is off", "run without --no-ocr", str(path))
    frames, dpi = _frames(path)
    unit = (dpi if 100 <= dpi <= 1200 else DPI) / 72
    b, skews = TextBuilder("box"), []
    for p, img in enumerate(frames):
        if p:
            b.add(PAGE_BREAK + ROW_SEP)
        glyphs, segs, skew = ocr_image(img, unit)
        skews.append(round(skew, 2))
        for text, src in page_lines(glyphs, segs, unit):
            b.add(text, [(p, g.x0, g.y0, g.x1, g.y1) if g is not None else (-1, 0.0, 0.0, 0.0, 0.0) for g in src])
            b.add(ROW_SEP)
    if not b.text.replace(PAGE_BREAK, "").strip():
        raise ReaderError("no-text", "no text could be read from the image",
                          "check the scan: it may be blank, or too faint or small to read", str(path))
    return Document.build(b, path, "image-ocr", pages=len(frames), units="px", skew=skews,
                          note="boxes are in pixels of the deskewed page")
