"""Plain-text reader, format sniffing, bad inputs and the not-a-report check."""
import random
import zipfile

import pytest

from xxgk.inference.readers import ReaderError, check_is_report, read_document, render

REPORT = "二、主动公开政府信息情况\r\n规章\t0\t0\t3\r\n政府集中采购\t39\t2192.63万元\r\n"


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-be", b"\xfe\xff"),
    ("gb18030", b""), ("gbk", b""), ("gb2312", b""),
])
def test_encodings_decode_to_same_text(tmp_path, encoding, prefix):
    p = _write(tmp_path, "r.txt", prefix + REPORT.encode(encoding))
    doc = read_document(p)
    assert doc.kind == "text"
    assert doc.text == REPORT.replace("\r\n", "\n")


def test_short_gbk_is_not_mistaken_for_big5(tmp_path):
    doc = read_document(_write(tmp_path, "s.txt", "规章 0".encode("gbk")))
    assert doc.text == "规章 0" and doc.meta["encoding"] == "gb18030"


def test_line_endings_normalised_and_offsets_point_into_the_original(tmp_path):
    source = "一、总体情况\r\n规章\t12\r旧行\n尾\x00巴"
    doc = read_document(_write(tmp_path, "r.txt", source.encode("utf-8")))
    assert doc.text == "一、总体情况\n规章\t12\n旧行\n尾巴"
    for i, ch in enumerate(doc.text):
        off = doc.locate(i)["offset"]
        assert source[off] == ch or (ch == "\n" and source[off] == "\r")
    i = doc.text.index("12")
    assert doc.locate_span(i, i + 2) == {"start": source.index("12"), "end": source.index("12") + 2}
    assert len(doc.provenance.seg_text) <= 6  # runs, not one entry per character


def test_sniffing_ignores_the_extension(tmp_path):
    html = _write(tmp_path, "page.txt", "<html><body><p>规章</p></body></html>".encode())
    assert read_document(html).kind == "html"
    render.to_docx(["规章 0"], tmp_path / "word.pdf")
    assert read_document(tmp_path / "word.pdf").kind == "docx"
    assert read_document(_write(tmp_path, "plain.html", "规章 0 无标签".encode())).kind == "text"


# --------------------------------------------------------------------------- #
# Bad input: each gives one ReaderError with a kind and a hint
# --------------------------------------------------------------------------- #
def _error(path, **kw) -> ReaderError:
    with pytest.raises(ReaderError) as e:
        read_document(path, **kw)
    err = e.value
    rec = err.to_record()
    assert rec["file"] == str(path) and rec["message"] and rec["hint"], rec
    return err


def test_missing_and_empty(tmp_path):
    assert _error(tmp_path / "nope.txt").kind == "missing"
    assert _error(_write(tmp_path, "e.txt", b"")).kind == "empty"
    assert _error(_write(tmp_path, "w.txt", b" \r\n\t \n")).kind == "empty"
    assert _error(_write(tmp_path, "w.html", b"<html><body><script>x()</script></body></html>")).kind == "empty"


def test_binary_junk(tmp_path):
    rng = random.Random(0)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    assert _error(_write(tmp_path, "junk.pdf", junk)).kind == "binary"


def test_unreadable_encoding(tmp_path):
    rng = random.Random(1)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))  # no NULs: looks like text, decodes as nothing
    assert _error(_write(tmp_path, "garbled.txt", noise)).kind == "encoding"


def test_too_large(tmp_path):
    p = _write(tmp_path, "big.txt", REPORT.encode() * 100)
    assert _error(p, max_bytes=1000).kind == "too-large"
    assert read_document(p, max_bytes=10**6).kind == "text"


def test_unsupported_office_formats(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    assert _error(_write(tmp_path, "old.doc", ole)).kind == "unsupported"
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert _error(tmp_path / "sheet.xlsx").kind == "unsupported"


def test_truncated_docx_pdf_and_image(tmp_path):
    render.to_docx(render.sample_report(), tmp_path / "full.docx")
    data = (tmp_path / "full.docx").read_bytes()
    assert _error(_write(tmp_path, "cut.docx", data[: len(data) // 2])).kind == "corrupt-docx"
    render.to_pdf(["规章 0"], tmp_path / "full.pdf")
    data = (tmp_path / "full.pdf").read_bytes()
    assert _error(_write(tmp_path, "cut.pdf", data[: len(data) // 3])).kind == "corrupt-pdf"
    from PIL import Image
    Image.new("L", (200, 100), 255).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    assert _error(_write(tmp_path, "cut.png", data[:60])).kind == "corrupt-image"


def _pdf_bytes(encrypt: bool) -> bytes:
    """A one-page PDF, optionally with a Standard security handler that needs a password."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    if encrypt:
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>")
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    if encrypt:
        trailer += b" /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
    return out + b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref


def test_encrypted_pdf(tmp_path):
    assert _error(_write(tmp_path, "locked.pdf", _pdf_bytes(True))).kind == "encrypted-pdf"


def test_pdf_without_text_and_ocr_off(tmp_path):
    assert _error(_write(tmp_path, "blank.pdf", _pdf_bytes(False)), ocr=False).kind == "no-text"


def test_not_a_report(tmp_path):
    recipe = "红烧肉做法：五花肉切块，冰糖炒色，加水炖煮一小时。\n" * 5
    doc = read_document(_write(tmp_path, "recipe.txt", recipe.encode()))
    with pytest.raises(ReaderError) as e:
        check_is_report(doc)
    assert e.value.kind == "not-a-report"
    report = read_document(_write(tmp_path, "r.html", render.to_html(render.sample_report()).encode()))
    check_is_report(report)  # the template's table headers are there
    narrative = "\n".join(b for b in render.sample_report() if isinstance(b, str))
    check_is_report(read_document(_write(tmp_path, "n.txt", narrative.encode())))  # headings and vocabulary only


def test_utf16_html_and_bomless_utf16_text(tmp_path):
    page = render.to_html(render.sample_report()).replace('charset="utf-8"', 'charset="utf-16"')
    doc = read_document(_write(tmp_path, "p.htm", page.encode("utf-16")))
    assert doc.kind == "html" and "政府集中采购\t39\t2192.63万元\t" in doc.text
    text = "Annual report 二、主动公开 规章 0"
    doc = read_document(_write(tmp_path, "t.txt", text.encode("utf-16-le")))
    assert doc.text == text and doc.meta["encoding"] == "utf-16-le"
