"""Word .docx reader: document order, merged cells once, provenance into the runs."""
import docx

from xxgk.inference.readers import read_document, render


def test_sample_matches_html(tmp_path):
    blocks = render.sample_report()
    render.to_docx(blocks, tmp_path / "r.docx")
    (tmp_path / "r.html").write_text(render.to_html(blocks), encoding="utf-8")
    d, h = read_document(tmp_path / "r.docx"), read_document(tmp_path / "r.html")
    assert d.kind == "docx"
    assert d.text == h.text
    lines = d.text.split("\n")
    assert lines.index("二、主动公开政府信息情况") < lines.index("规章\t0\t0\t3") < lines.index("三、收到和处理政府信息公开申请情况")


def test_vertical_merge_written_once_and_provenance(tmp_path):
    d = docx.Document()
    d.add_paragraph("表前段落")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"
    for r, (label, v) in enumerate([("（一）予以公开", "5"), ("（二）部分公开", ""), ("（三）不予公开", "7")]):
        t.cell(r, 1).text, t.cell(r, 2).text = label, v
    t.cell(1, 2).add_paragraph("")  # an empty extra paragraph stays blank
    d.add_paragraph("表后\t段落")
    d.save(tmp_path / "m.docx")
    doc = read_document(tmp_path / "m.docx")
    assert doc.text == ("表前段落\n三、本年度办理结果\t（一）予以公开\t5\n\t（二）部分公开\t\n\t（三）不予公开\t7\n"
                        "表后 段落\n")
    runs = "".join(el.text if el.tag.endswith("}t") else " " for el in
                   docx.Document(tmp_path / "m.docx").element.body.iter(
                       *(f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{n}" for n in ("t", "tab"))))
    i = doc.text.index("7")
    assert runs[doc.locate(i)["offset"]] == "7"
    i = doc.text.index("部分公开")
    span = doc.locate_span(i, i + 4)
    assert runs[span["start"]:span["end"]] == "部分公开"
