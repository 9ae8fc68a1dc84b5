"""OCR of scans (PNG, multi-page TIFF, image-only PDF): values in order, spaces restored, boxes.

OCR costs 1-3 s a page here, so pages are few and cut to their content.
"""
import os

import pytest

from xxgk.inference.readers import ReaderError, read_document, render

pytestmark = pytest.mark.skipif(not os.path.exists(render.FONT_PATH),
                                reason=f"CJK font {render.FONT_PATH} missing: apt-get install -y fonts-wqy-microhei")

K = render.DPI / 72  # pixels per point of the rendered scans

PAGE1 = [
    "二、主动公开政府信息情况",
    "政府集中采购 39 2192.63万元",  # one OCR box: RapidOCR alone reads 392192.63
    render.table([
        [("第二十条第（一）项", 1, 4)],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "1", "3"],
        ["规范性文件", "12", "", "105"],
    ]),
]
PAGE2 = [
    "四、政府信息公开行政复议、行政诉讼情况",
    render.table([
        [("行政复议", 1, 3), ("行政诉讼", 1, 2)],
        ["结果维持", "结果纠正", "总计", "结果维持", "总计"],
        ["1", "0", "1", "10", "11"],
    ]),
]
ROWS1 = ["第二十条第（一）项\t\t\t", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
         "规章\t0\t1\t3", "规范性文件\t12\t\t105"]
ROWS2 = ["行政复议\t\t\t行政诉讼\t", "结果维持\t结果纠正\t总计\t结果维持\t总计", "1\t0\t1\t10\t11"]


def _scan(blocks, skew=0.0):
    images, lay = render.to_images(blocks, skew=skew)
    return render.crop_to_content(images, lay), lay


def _box_of(doc, value):
    i = doc.text.index(value)
    return doc.locate_span(i, i + len(value))


def test_png_scan_rows_spaces_and_boxes(tmp_path):
    images, lay = _scan(PAGE1)
    render.save_images(images, tmp_path / "scan.png")
    doc = read_document(tmp_path / "scan.png")
    assert doc.kind == "image-ocr" and doc.meta["units"] == "px"
    lines = doc.text.split("\n")
    assert "政府集中采购 39 2192.63万元" in lines
    assert [line for line in lines if "\t" in line] == ROWS1
    placed = next(p for p in lay.texts if p.text == "105")
    where = _box_of(doc, "105")
    x0, y0, x1, y1 = where["box"]
    assert where["page"] == 0
    assert abs(x0 - placed.x * K) < 8 and abs(x1 - (placed.x + render.text_width("105")) * K) < 8
    assert placed.y * K - 4 <= y0 < y1 <= (placed.y + render.FONT_SIZE * render.LINE_GAP) * K + 4


def test_multipage_tiff_with_a_skewed_page(tmp_path):
    first, _ = _scan(PAGE1)
    second, _ = _scan(PAGE2, skew=1.2)
    render.save_images(first + second, tmp_path / "scan.tif")
    doc = read_document(tmp_path / "scan.tif")
    assert doc.meta["pages"] == 2 and doc.meta["skew"][0] == 0 and abs(doc.meta["skew"][1]) >= 0.8
    page1, page2 = doc.text.split("\f\n")
    assert [line for line in page1.split("\n") if "\t" in line] == ROWS1
    assert [line for line in page2.split("\n") if "\t" in line] == ROWS2
    assert _box_of(doc, "10\t11")["page"] == 1


def test_scanned_pdf_falls_back_to_ocr_in_points(tmp_path):
    images, lay = _scan(PAGE2)
    render.save_images(images, tmp_path / "scan.pdf")
    doc = read_document(tmp_path / "scan.pdf")
    assert doc.kind == "pdf-ocr" and doc.meta["ocr_pages"] == [1] and doc.meta["units"] == "pt"
    assert [line for line in doc.text.split("\n") if "\t" in line] == ROWS2
    placed = next(p for p in lay.texts if p.text == "行政诉讼")
    i = doc.text.index("\t行政诉讼") + 1  # the table's, not the heading's
    x0, y0, x1, y1 = doc.locate_span(i, i + 4)["box"]
    assert abs(x0 - placed.x) < 3 and abs(y0 - placed.y) < render.FONT_SIZE


def test_blank_scan_is_an_error(tmp_path):
    from PIL import Image
    Image.new("L", (400, 300), 255).save(tmp_path / "blank.png")
    with pytest.raises(ReaderError) as e:
        read_document(tmp_path / "blank.png")
    assert e.value.kind == "no-text"


def test_garbled_cell_readings_are_the_ones_read_again():
    from xxgk.inference.readers.ocr import garbled

    assert all(garbled(t) for t in ("。", "[o", "o", "l", "。[", "|"))
    assert not any(garbled(t) for t in ("0", "12", "2192.63", "-3", "—", "/", "", "自然人", "合计", "1．属"))
