"""The pipeline end to end with a stub predictor: results, error records, outputs, determinism."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from xxgk.data.gold import load_record
from xxgk.data.labels import Span, label2id, spans_to_tags
from xxgk.data.schema import CHINESE_NUMERALS, SECTIONS, all_fields, get_template
from xxgk.inference.extract import (ErrorRecord, ModelMissingError, Result, extract_file, extract_text, model_regions,
                                     run_batch)
from xxgk.inference.outputs import format_tables, output_names

L = label2id()


def render(template: str, cells: dict, year: int, agency: str) -> tuple[str, list[Span]]:
    """A report as text, one table row per line, TAB between cells; and its spans."""
    text, spans = "", []

    def add(s, tag=None):
        nonlocal text
        if tag:
            spans.append(Span(len(text), len(text) + len(s), tag))
        text += s

    add(str(year), "YEAR"), add("年"), add(agency, "AGENCY"), add("政府信息公开工作年度报告\n")
    for n in range(1, 7):
        add(f"{CHINESE_NUMERALS[n - 1]}、{SECTIONS[n - 1].title}", f"H{n}"), add("\n")
        for table in (t for t in get_template(template).tables if t.section == n):
            for block in table.blocks:
                add(block.item + "\n信息内容" + "".join("\t" + c.text for c in block.columns) + "\n")
                for row in block.rows:
                    add(row.text)
                    for col in block.columns:
                        add("\t")
                        f = f"{table.key}.{row.key}.{col.key}"
                        if cells.get(f) is not None:
                            add(str(cells[f]), f"V:{f}")
                    add("\n")
        add("本部分无其他内容。\n")
    return text, spans


class StubPredictor:
    """Knows the spans of the texts it was made for (one-hot); everything else reads as O."""

    def __init__(self, known: dict[str, list[Span]]):
        self.known = known

    def predict_proba(self, text: str, regions: list[tuple[int, int]] | None = None) -> np.ndarray:
        probs = np.zeros((len(text), len(L)), dtype=np.float32)
        for i, tag in enumerate(spans_to_tags(len(text), self.known.get(text, []))):
            probs[i, L[tag]] = 1.0
        if regions is not None:  # as `Predictor`: outside the regions (and their windows) O
            outside = np.ones(len(text), dtype=bool)
            for a, b in regions:
                outside[a:b] = False
            probs[outside] = 0
            probs[outside, L["O"]] = 1.0
        return probs


def report(template: str, seed: int) -> tuple[str, list[Span], dict]:
    rng = np.random.default_rng(seed)
    cells = {f: int(rng.integers(0, 20)) for f in get_template(template).fields}
    cells["t2.procurement.amount" if template == "2019" else "t2.fees.amount"] = f"{rng.integers(1, 999)}万元"
    text, spans = render(template, cells, 2020 if template == "2019" else 2022, f"测试{seed}镇")
    return text, spans, cells


@pytest.fixture
def batch(tmp_path: Path):
    """A folder: three good reports (one nested, one with a clashing stem), an empty file, binary junk."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    known, gold = {}, {}
    for name, template, seed in (("a.txt", "2019", 1), ("b.md", "2021", 2), ("sub/a.txt", "2019", 3)):
        text, spans, cells = report(template, seed)
        (src / name).write_text(text, encoding="utf-8")
        known[text] = spans
        gold[name] = (template, cells)
    (src / "empty.txt").write_bytes(b"")
    (src / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (src / "notes.json").write_text("{}")  # not an input type: skipped in a folder
    return src, StubPredictor(known), gold


def test_batch_results_errors_outputs(batch, tmp_path):
    src, stub, gold = batch
    out = tmp_path / "out"
    summary = run_batch([src], out, predictor=stub, workers=1, progress=False)
    assert (summary.n_ok, summary.n_failed, summary.exit_code) == (3, 2, 2)
    assert sorted(p.name for p in out.iterdir()) == ["a-2.json", "a.json", "b.json", "errors.jsonl",
                                                     "results.csv", "results.jsonl"]
    for name, stem in (("a.txt", "a"), ("b.md", "b"), ("sub/a.txt", "a-2")):
        rec = load_record(out / f"{stem}.json")  # gold-file shape: the gold loader accepts it
        template, cells = gold[name]
        assert rec.template == template and rec.cells == {f: cells[f] for f in get_template(template).fields}
        assert rec.extra["input"] == str(src / name) and "details" in rec.extra and rec.extra["findings"] is not None
        assert sorted(rec.sections) == list("123456")
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(Path(e["file"]).name, e["kind"]) for e in errors] == [("empty.txt", "empty"), ("junk.txt", "binary")]
    assert all(e["message"] and e["hint"] for e in errors)
    with open(out / "results.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "template", "year", "agency", *all_fields()]
    assert [r[0] for r in rows[1:]] == [str(src / "a.txt"), str(src / "b.md"), str(src / "sub" / "a.txt")]
    assert rows[2][1:4] == ["2021", "2022", "测试2镇"]
    assert rows[2][4 + all_fields().index("t2.fees.amount")] == gold["b.md"][1]["t2.fees.amount"]
    assert rows[2][4 + all_fields().index("t2.regulations.new_made")] == ""  # not a 2021 field
    assert rows[1][4 + all_fields().index("t3.total.total")] == str(gold["a.txt"][1]["t3.total.total"])
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "a-2"] and "details" not in lines[0]


def test_batch_is_deterministic_across_runs_and_workers(batch, tmp_path):
    src, stub, _ = batch
    run_batch([src], tmp_path / "one", predictor=stub, workers=1, progress=False)
    summary = run_batch([src], tmp_path / "two", predictor=stub, workers=2, progress=False)
    assert summary.n_ok == 3 and summary.n_failed == 2
    for p in sorted((tmp_path / "one").iterdir()):
        assert p.read_bytes() == (tmp_path / "two" / p.name).read_bytes(), p.name


def test_extract_file_result_and_error(batch):
    src, stub, gold = batch
    res = extract_file(src / "b.md", stub)
    assert isinstance(res, Result) and res.extraction.record.template == "2021"
    assert set(res.timings) == {"read", "detect", "predict", "decode", "arbitrate", "check"}
    err = extract_file(src / "missing.txt", stub)
    assert isinstance(err, ErrorRecord) and err.kind == "missing"


def test_a_crashing_predictor_costs_one_error_record(batch, tmp_path):
    src, stub, _ = batch

    class Flaky(StubPredictor):
        def predict_proba(self, text):
            if "测试2镇" in text:
                raise RuntimeError("boom")
            return super().predict_proba(text)

    summary = run_batch([src / "b.md", src / "a.txt"], tmp_path / "out", predictor=Flaky(stub.known),
                        workers=1, progress=False)
    assert (summary.n_ok, summary.n_failed) == (1, 1)
    assert summary.errors[0].kind == "internal" and "boom" in summary.errors[0].message


def test_not_a_report(tmp_path):
    p = tmp_path / "poem.txt"
    p.write_text("床前明月光，疑是地上霜。\n", encoding="utf-8")
    res = extract_file(p, StubPredictor({}))
    assert isinstance(res, ErrorRecord) and res.kind == "not-a-report"


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelMissingError, match="no model at .*xxgk train"):
        run_batch([tmp_path], tmp_path / "out", model_dir=tmp_path / "nothing", progress=False)


def test_output_names_are_unique_and_stable():
    assert output_names([Path("x/a.txt"), Path("y/a.txt"), Path("a-2.md"), Path("results.txt")]) == \
        ["a", "a-2", "a-2-2", "results-1"]


def test_format_tables(batch):
    src, stub, gold = batch
    rec = extract_file(src / "a.txt", stub).extraction.record
    shown = format_tables(rec)
    assert "三、收到和处理政府信息公开申请情况" in shown and "测试1镇" in shown
    assert "（七）总计" in shown and str(gold["a.txt"][1]["t3.total.total"]) in shown
    ext = extract_file(src / "a.txt", stub).extraction
    assert "checks R1–R4" in format_tables(ext.record, ext.findings)
    soft = {"rule": "F2", "message": "F2 row procurement: 0 projects but amount 282.1", "severity": "soft"}
    shown = format_tables(ext.record, [soft])
    assert "checks R1–R4: all hold" in shown and "soft checks: 1 broken" in shown and soft["message"] in shown


def test_predictor_labels_in_another_order_are_reordered(batch):
    src, stub, _ = batch

    class Shuffled(StubPredictor):
        labels = tuple(reversed(list(L)))

        def predict_proba(self, text):
            return super().predict_proba(text)[:, ::-1].copy()

    text = (src / "b.md").read_text(encoding="utf-8")
    assert extract_text(text, Shuffled(stub.known)).record.cells == extract_text(text, stub).record.cells


def test_baseline_batch_needs_no_model(batch, tmp_path):
    src, _, gold = batch
    summary = run_batch([src / "a.txt", src / "b.md"], tmp_path / "out", baseline=True,
                        model_dir=tmp_path / "no-model", workers=1, progress=False)
    assert (summary.n_ok, summary.n_failed) == (2, 0)
    rec = load_record(tmp_path / "out" / "b.json")
    template, cells = gold["b.md"]
    assert rec.template == template and rec.cells["t3.total.total"] == cells["t3.total.total"]


def _long(text: str, spans: list[Span], cut: int, chars: int) -> tuple[str, list[Span]]:
    """The report with prose repeated at ``cut`` until it has ``chars`` characters."""
    para = "本机关坚持以公开为常态、不公开为例外，全年通过政府网站主动公开各类信息，及时回应社会关切，不断提升政务公开质量。\n"
    add = para * max(0, (chars - len(text)) // len(para) + 1)
    return text[:cut] + add + text[cut:], [s if s.start < cut else Span(s.start + len(add), s.end + len(add), s.tag)
                                           for s in spans]


def test_model_regions_cover_every_tagged_span():
    synth = pytest.importorskip("xxgk.data.synth.report")
    shares = []
    for seed in range(12):
        sample = synth.generate(seed)
        text, spans = _long(sample.text, sample.spans, sample.gold.sections.get("2", 0), 10_000)
        regions = model_regions(text)
        for s in spans:
            assert any(a <= s.start and s.end <= b for a, b in regions), (seed, sample.layout, s)
        shares.append(sum(b - a for a, b in regions) / len(text))
    assert min(shares) < 0.6  # the prose is skipped


def test_regions_give_the_same_record(tmp_path):
    text, spans, cells = report("2021", 7)
    text, spans = _long(text, spans, text.index("二、"), 10_000)

    stub = StubPredictor({text: spans})
    assert model_regions(text) != [(0, len(text))]
    whole = extract_text(text, stub)
    assert extract_text(text, stub, regions=True).record.cells == whole.record.cells
    assert whole.record.cells == {f: cells[f] for f in get_template("2021").fields}


def test_batch_with_a_real_model_folder(batch, tmp_path):
    """The model path end to end with a tiny random model: loads, predicts, writes every output."""
    torch = pytest.importorskip("torch")
    from xxgk.models.model import new_model, save_model

    torch.manual_seed(0)
    model, tokenizer = new_model(["规章0123456789"], layers=1, hidden=16, heads=1, intermediate=32,
                                 max_positions=64, with_jieba=False)
    save_model(model, tokenizer, tmp_path / "model")
    src, _, _ = batch
    summary = run_batch([src], tmp_path / "out", model_dir=tmp_path / "model", workers=1, progress=False)
    assert (summary.n_ok, summary.n_failed) == (3, 2)
    rec = load_record(tmp_path / "out" / "b.json")
    assert rec.template == "2021" and rec.extra["model"]["dir"] == str(tmp_path / "model")
