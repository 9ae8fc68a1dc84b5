"""One batch over a folder mixing every input kind, good and bad (issue: reading real inputs).

The dev report 001 is rendered to HTML, Word-export HTML, .docx and a text PDF; a
small report is drawn as scanned PNG/JPEG/TIFF pages.  The rule-based baseline
reads them (no model needed here), so this tests the readers inside the real
pipeline: every input gives a result or an error record, and the formats with a
text layer give exactly the gold cells of the text version.
"""
import json
import os

import pytest

from xxgk.data.gold import load_record
from xxgk.inference.extract import run_batch
from xxgk.inference.readers import render

from .conftest import EXAMPLES

STEM = "001_bf1199a0b79fce6a"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    src = tmp_path_factory.mktemp("mixed")
    raw = (EXAMPLES / "raw" / f"{STEM}.txt").read_text(encoding="utf-8")
    (src / "a_text.txt").write_text(raw, encoding="utf-8")
    (src / "b_markdown.md").write_text(raw, encoding="utf-8")
    (src / "c_gbk.txt").write_bytes(raw.encode("gb18030"))
    blocks = render.blocks_from_text(raw)
    (src / "d_page.html").write_text(render.to_html(blocks), encoding="utf-8")
    (src / "e_word.htm").write_text(render.to_html(blocks, word=True), encoding="utf-8")
    has_font = os.path.exists(render.FONT_PATH)
    render.to_docx(blocks, src / "f_word.docx")
    if has_font:
        render.to_pdf(blocks, src / "g_text.pdf")
        images, lay = render.to_images(render.sample_report())
        images = render.crop_to_content(images[:1], lay)
        render.save_images(images, src / "h_scan.png")
        render.save_images([im.convert("RGB") for im in images], src / "i_scan.jpg", quality=92)
        render.save_images(images, src / "j_scan.tif")
    (src / "x_empty.txt").write_bytes(b"")
    (src / "y_junk.pdf").write_bytes(bytes(range(256)) * 8)  # not a PDF, whatever its name
    (src / "z_truncated.docx").write_bytes((src / "f_word.docx").read_bytes()[:300])
    out = tmp_path_factory.mktemp("out")
    summary = run_batch([src], out, baseline=True, workers=1, progress=False)
    return src, out, summary, has_font


def test_every_input_gives_a_result_or_an_error(mixed):
    src, out, summary, _ = mixed
    inputs = sorted(p.name for p in src.iterdir())
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    results = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    seen = sorted([os.path.basename(e["file"]) for e in errors] + [os.path.basename(r["input"]) for r in results])
    assert seen == inputs
    assert {os.path.basename(e["file"]): e["kind"] for e in errors} == {
        "x_empty.txt": "empty", "y_junk.pdf": "binary", "z_truncated.docx": "corrupt-docx"}
    assert all(e["message"] and e["hint"] for e in errors)
    assert summary.n_failed == 3 and summary.exit_code == 2
    assert (out / "results.csv").read_text(encoding="utf-8").count("\n") == summary.n_ok + 1


def test_text_layer_formats_give_the_gold_cells(mixed):
    src, out, _, has_font = mixed
    gold = load_record(EXAMPLES / "gold" / f"{STEM}.json")
    names = ["a_text", "b_markdown", "c_gbk", "d_page", "e_word", "f_word"] + (["g_text"] if has_font else [])
    for name in names:
        pred = load_record(out / f"{name}.json")
        wrong = {f: (gold.cells[f], pred.cells.get(f)) for f in gold.cells if pred.cells.get(f) != gold.cells[f]}
        assert not wrong, f"{name}: {wrong}"


@pytest.mark.skipif(not os.path.exists(render.FONT_PATH), reason="CJK font missing: apt-get install fonts-wqy-microhei")
def test_scans_are_read(mixed):
    _, out, _, _ = mixed
    for name in ("h_scan", "i_scan", "j_scan"):
        pred = load_record(out / f"{name}.json")
        assert pred.extra["model"]["method"] == "baseline"
        assert pred.cells["t2.normative.new_made"] == 12 and pred.cells["t2.licensing.change"] == -2
        assert pred.cells["t2.procurement.amount"] == "2192.63万元"
