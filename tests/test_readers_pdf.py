"""PDF text-layer reader: same rows as HTML, boxes where the text was drawn, pages, headers."""
import pytest

from xxgk.inference.readers import read_document, render
from xxgk.inference.readers.pdf import _norm

pytestmark = pytest.mark.skipif(not __import__("os").path.exists(render.FONT_PATH),
                                reason=f"CJK font {render.FONT_PATH} missing: apt-get install -y fonts-wqy-microhei")


def _table_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if "\t" in line]


def test_rows_match_html_and_boxes_match_drawing(tmp_path):
    blocks = render.sample_report()
    lay = render.to_pdf(blocks, tmp_path / "r.pdf")
    (tmp_path / "r.html").write_text(render.to_html(blocks), encoding="utf-8")
    doc, html = read_document(tmp_path / "r.pdf"), read_document(tmp_path / "r.html")
    assert doc.kind == "pdf-text" and doc.meta["pages"] == 1 and doc.meta["units"] == "pt"
    assert _table_lines(doc.text) == _table_lines(html.text)  # ruled grid rebuilt, merged cells once
    assert "全年主动公开政府信息 850" in doc.text  # a space in prose comes back from the gap
    for value in ("2192.63万元", "473", "（二）部分公开"):
        placed = next(p for p in lay.texts if p.text.startswith(value))
        i = doc.text.index(value)
        where = doc.locate_span(i, i + len(value))
        x0, y0, x1, y1 = where["box"]
        assert where["page"] == 0
        assert abs(x0 - placed.x) < 2 and abs(x1 - (placed.x + render.text_width(value))) < 2
        assert placed.y <= y0 < y1 <= placed.y + render.FONT_SIZE * render.LINE_GAP + 1


def test_pages_headers_and_footers(tmp_path):
    rows = [["序号", "事项", "数量"]] + [[str(k), f"事项{k}", str(k * 7)] for k in range(1, 61)]
    blocks = ["二、主动公开政府信息情况", render.table(rows), "六、其他需要报告的事项"]
    lay = render.layout(blocks, header="某某县人民政府信息公开", footer="- {page} -")
    render.to_pdf(blocks, tmp_path / "long.pdf", lay=lay)
    doc = read_document(tmp_path / "long.pdf")
    assert doc.meta["pages"] == lay.pages >= 2
    assert doc.text.count("\f\n") == lay.pages - 1
    assert doc.meta["headers"] == ["某某县人民政府信息公开"]
    assert doc.meta["footers"] == ["- 1 -"]
    assert doc.text.count("某某县人民政府信息公开") == lay.pages  # kept in the text
    values = [line.split("\t")[2] for line in doc.text.split("\n") if line.count("\t") == 2]
    assert values == ["数量"] + [str(k * 7) for k in range(1, 61)] or values[1:] == [str(k * 7) for k in range(1, 61)]
    for value in ("7", "420"):  # first and last row: on the page they were drawn on
        drawn = next(p.page for p in lay.texts if p.text == value)
        i = doc.text.index(f"\t{value}\n") + 1
        assert doc.locate(i)["page"] == drawn
    assert doc.locate(doc.text.index("\f"))["synthetic"]


def test_kangxi_radicals_normalised():
    assert _norm("\u2f00") == "一" and _norm("\u2f08") == "人" and _norm("规") == "规"
