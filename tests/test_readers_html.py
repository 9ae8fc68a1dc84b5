"""HTML reader: tables as TAB rows honouring spans, Word export, chrome, provenance."""
from xxgk.inference.readers import read_document, render

SAMPLE = render.sample_report()


def _values_in_order(text: str, values: list[str]) -> bool:
    cells = [c for line in text.split("\n") for c in line.split("\t")]
    it = iter(cells)
    return all(any(c == v for c in it) for v in values)


def test_sample_table_rows(tmp_path):
    p = tmp_path / "r.html"
    p.write_text(render.to_html(SAMPLE), encoding="utf-8")
    doc = read_document(p)
    lines = doc.text.split("\n")
    assert doc.kind == "html"
    assert "第二十条第（一）项\t\t\t" in lines  # colspan=4: once, then blanks
    assert "规范性文件\t12\t\t105" in lines  # blank cell kept
    assert "政府集中采购\t39\t2192.63万元\t" in lines
    assert "三、本年度办理结果\t（一）予以公开\t10\t1\t11" in lines  # rowspan origin
    assert "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t6\t\t6" in lines  # rowspan: blank below
    assert "\t\t自然人\t商业企业\t总计" in lines
    assert _values_in_order(doc.text, render.sample_values())
    assert "首页" not in doc.text and "主办单位" not in doc.text  # navigation chrome dropped


def test_word_export_gb2312_matches_plain(tmp_path):
    plain, word = tmp_path / "plain.html", tmp_path / "word.htm"
    plain.write_text(render.to_html(SAMPLE), encoding="utf-8")
    word.write_bytes(render.to_html(SAMPLE, word=True).replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    a, b = read_document(plain), read_document(word)
    assert b.meta["encoding"] == "gb18030"
    assert a.text == b.text  # split spans, <o:p>, &nbsp; cells, mid-word line wraps all undone


def test_markup_details(tmp_path):
    html = """<!DOCTYPE html><html><head><title>标题</title><style>td{color:red}</style>
<script>document.write("广告")</script></head><body>
<ul class="breadcrumb"><li>首页</li><li>政务公开</li></ul>
<h2>二、主动公开<font size=3>政府</font>信息情况</h2>
<p>共公开&nbsp;850&nbsp;条<br>其中规章<b>3</b>件</p>
<div style="display:none">隐藏</div>
<table><tbody>
<tr><th>信息内容</th><th>本年<br/>新制作数量</th></tr>
<tr><td>规章</td><td>&nbsp;</td></tr>
<tr><td colspan="0">x</td></tr>
</tbody></table>
<p>页尾说明</p></body></html>"""
    p = tmp_path / "m.html"
    p.write_text(html, encoding="utf-8")
    doc = read_document(p)
    assert doc.text.split("\n") == [
        "二、主动公开政府信息情况", "共公开 850 条", "其中规章3件", "信息内容\t本年新制作数量", "规章\t", "x\t",
        "页尾说明", ""]


def test_layout_tables_read_as_blocks(tmp_path):
    inner = "<table><tr><td>规章</td><td>0</td><td>3</td></tr></table>"
    html = f"<html><body><table><tr><td>导航</td><td><p>二、主动公开</p>{inner}</td></tr></table></body></html>"
    p = tmp_path / "l.html"
    p.write_text(html, encoding="utf-8")
    assert read_document(p).text == "导航\n二、主动公开\n规章\t0\t3\n"


def test_provenance_points_at_the_source(tmp_path):
    source = render.to_html(SAMPLE, word=True)
    p = tmp_path / "w.html"
    p.write_text(source, encoding="utf-8")
    doc = read_document(p)
    for value in ("2192.63万元", "473", "部分公开", "行政复议"):
        i = doc.text.index(value)
        for k, ch in enumerate(value):
            assert source[doc.locate(i + k)["offset"]] == ch
    tab = doc.text.index("\t")
    assert doc.locate(tab) == {"synthetic": True}
    nbsp_line = doc.text.index("规范性文件")  # offsets grow with the text: the map keeps document order
    assert doc.locate(nbsp_line)["offset"] > doc.locate(doc.text.index("规章"))["offset"]
