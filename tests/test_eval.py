"""The evaluation harness: perfect on gold vs itself, exact accounting of every kind of error."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from xxgk.data.gold import Record, load_record, numeric, save_record
from xxgk.data.schema import get_template
from xxgk.eval import CellMetrics, EvalMetrics, SectionMetrics, evaluate, summary_paragraph
from xxgk.eval.context import locate, snippet
from xxgk.eval.metrics import field_groups, t3_rows

@pytest.fixture
def dev(examples: Path) -> Path:
    """The bundled examples (conftest's writable copy: gold/, raw/) plus pred/ = a copy of gold."""
    shutil.copytree(examples / "gold", examples / "pred")
    return examples


def _gold_files(root: Path) -> list[Path]:
    return sorted((root / "gold").glob("*.json"))


def _total_cells(root: Path) -> int:
    return sum(len(get_template(load_record(p).template).fields) for p in _gold_files(root))


def _edit(path: Path, **cells) -> None:
    obj = json.loads(path.read_text(encoding="utf-8"))
    obj["cells"].update(cells)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _wrong(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "wrong_cells.jsonl").read_text(encoding="utf-8").splitlines()]


def test_gold_against_itself_is_perfect(dev: Path):
    out = dev / "out"
    m = evaluate(dev / "gold", dev / "gold", out)
    c = m["cells"]
    assert c["counts"]["cells"]["n"] == _total_cells(dev) > 0
    for key in ("cell_accuracy", "nonzero_accuracy", "blank_fidelity", "blank_precision", "exact_match_rate"):
        assert c[key] == 1.0, key
    assert all(v["accuracy"] == 1.0 for v in c["per_table"].values())
    assert all(v["accuracy"] == 1.0 for v in c["per_group"].values())
    assert m["sections"]["section_accuracy"] == 1.0 and m["template"]["template_accuracy"] == 1.0
    assert m["rules"]["introduced"] == {"R1": 0, "R2": 0, "R3": 0, "R4": 0}
    assert m["rules"]["pred"] == m["rules"]["gold"]
    assert c["missing_predictions"] == 0 and m["files"]["scored"] == len(_gold_files(dev))
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == json.loads(json.dumps(m))
    assert _wrong(out) == []
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Wrong cells (0)" in report and "Every report is an exact match." in report
    assert "cell accuracy 100.00 %" in summary_paragraph(m)


def test_perturbed_copy_loses_exactly_the_perturbed_cells(dev: Path):
    name = _gold_files(dev)[0].name
    gold = load_record(dev / "gold" / name)
    nonzero = next(f for f, v in gold.cells.items() if isinstance(v, int) and v != 0)
    text_cell = next(f for f, v in gold.cells.items() if isinstance(v, str))
    t4_cell = next(f for f in gold.cells if f.startswith("t4."))
    changes = {nonzero: gold.cells[nonzero] + 1, text_cell: gold.cells[text_cell] + "元",
               t4_cell: numeric(gold.cells[t4_cell]) + 5}
    _edit(dev / "pred" / name, **changes)
    out = dev / "out"
    m = evaluate(dev / "gold", dev / "pred", out)
    n = _total_cells(dev)
    assert m["cells"]["counts"]["cells"] == {"n": n, "correct": n - 3, "accuracy": round((n - 3) / n, 6)}
    assert m["cells"]["counts"]["reports_exact"]["correct"] == len(_gold_files(dev)) - 1
    assert m["per_report"][Path(name).stem]["correct"] == len(gold.cells) - 3
    wrong = _wrong(out)
    assert {(e["report"], e["field"]) for e in wrong} == {(Path(name).stem, f) for f in changes}
    assert {e["field"]: e["pred"] for e in wrong} == changes
    assert all(e["context"] for e in wrong)  # the raw text was found next to gold
    report = (out / "report.md").read_text(encoding="utf-8")
    for f in changes:
        assert f"`{f}`" in report
    assert m["cells"]["per_table"]["t4"]["correct"] == m["cells"]["per_table"]["t4"]["n"] - 1
    # a t4 cell changed by 5: R4 breaks on the prediction (dev gold keeps R4)
    assert m["rules"]["gold"]["R4"]["checks_failed"] == 0
    assert m["rules"]["introduced"]["R4"] == 1 and m["rules"]["pred"]["R4"]["checks_failed"] == 1


def test_blank_vs_zero_is_an_error(dev: Path):
    gold = next(g for g in map(load_record, _gold_files(dev))
                if None in g.cells.values() and any(type(v) is int and v == 0 for v in g.cells.values()))
    blank = [f for f, v in gold.cells.items() if v is None]
    zero = next(f for f, v in gold.cells.items() if type(v) is int and v == 0)
    pred = copy.deepcopy(gold)
    pred.cells[blank[0]] = 0  # printed blank, read as 0
    pred.cells[zero] = None  # printed 0, read as blank
    m = CellMetrics()
    m.update(gold, pred)
    s = m.summary()
    assert s["counts"]["cells"]["correct"] == len(gold.cells) - 2
    assert [(e.field, e.gold, e.pred) for e in m.errors] == sorted(
        [(blank[0], None, 0), (zero, 0, None)], key=lambda e: list(gold.cells).index(e[0]))
    assert s["counts"]["gold_blank"]["correct"] == len(blank) - 1 and s["blank_fidelity"] < 1.0
    assert s["counts"]["pred_blank"]["correct"] == s["counts"]["pred_blank"]["n"] - 1


def test_missing_prediction_counts_every_cell_wrong(dev: Path):
    files = _gold_files(dev)
    (dev / "pred" / files[-1].name).unlink()
    out = dev / "out"
    m = evaluate(dev / "gold", dev / "pred", out)
    missed = len(load_record(files[-1]).cells)
    n = _total_cells(dev)
    assert m["cells"]["counts"]["cells"]["correct"] == n - missed
    assert m["cells"]["missing_predictions"] == 1 and m["files"]["missing"] == [files[-1].name]
    assert m["per_report"][files[-1].stem]["correct"] == 0 and m["per_report"][files[-1].stem]["missing"]
    assert m["template"]["counts"]["correct"] == len(files) - 1
    assert m["sections"]["counts"]["correct"] == 6 * (len(files) - 1)
    assert m["rules"]["missing_predictions"] == 1
    assert len(_wrong(out)) == missed
    assert "(no prediction)" in (out / "report.md").read_text(encoding="utf-8")


def test_malformed_prediction_is_reported_and_the_rest_scored(dev: Path):
    files = _gold_files(dev)
    (dev / "pred" / files[0].name).write_text("{not json", encoding="utf-8")
    _edit(dev / "pred" / files[1].name, **{"t3.new_received.total": "12"})  # a count written as a string
    (dev / "pred" / "results.csv").write_text("id,cell\n", encoding="utf-8")  # ignored
    (dev / "pred" / "errors.jsonl").write_text("{}\n", encoding="utf-8")  # ignored
    m = evaluate(dev / "gold", dev / "pred", dev / "out")
    assert [e["file"] for e in m["files"]["invalid"]] == [files[0].name, files[1].name]
    assert "not valid JSON" in m["files"]["invalid"][0]["error"]
    assert "t3.new_received.total" in m["files"]["invalid"][1]["error"]
    assert m["files"]["scored"] == len(files) - 2 and m["cells"]["missing_predictions"] == 2
    assert m["files"]["unmatched"] == []
    assert m["cells"]["counts"]["reports_exact"]["correct"] == len(files) - 2
    report = (dev / "out" / "report.md").read_text(encoding="utf-8")
    assert f"invalid prediction `{files[0].name}`" in report


def test_plots_are_written(dev: Path):
    out = dev / "out"
    evaluate(dev / "gold", dev / "gold", out)
    for name in ("per_table_accuracy.png", "t3_error_heatmap.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
        assert f"]({name})" in (out / "report.md").read_text(encoding="utf-8")


def test_output_is_deterministic(dev: Path):
    _edit(dev / "pred" / _gold_files(dev)[0].name, **{"t3.total.total": 99})
    evaluate(dev / "gold", dev / "pred", dev / "a")
    evaluate(dev / "gold", dev / "pred", dev / "b")
    for name in ("metrics.json", "report.md", "wrong_cells.jsonl"):
        assert (dev / "a" / name).read_bytes() == (dev / "b" / name).read_bytes()


def test_other_template_is_scored_against_gold_fields(dev: Path):
    gold = load_record(_gold_files(dev)[0])
    assert gold.template == "2019"
    fields_2021 = get_template("2021").fields
    pred = Record(template="2021", cells={f: gold.cells.get(f) for f in fields_2021}, sections=dict(gold.sections))
    m = EvalMetrics()
    m.update(gold, pred)
    s = m.summary()
    shared = [f for f in gold.cells if f in set(fields_2021)]
    assert s["cells"]["counts"]["cells"] == {"n": len(gold.cells), "correct": len(shared),
                                             "accuracy": round(len(shared) / len(gold.cells), 6)}
    assert all(e.pred_absent for e in m.cells.errors)
    assert s["template"]["template_accuracy"] == 0.0 and s["template"]["confusion"] == {"2019->2021": 1}


def test_layout_breakdown_and_row_groups(dev: Path):
    m = EvalMetrics(keep_errors=False)
    for i, path in enumerate(_gold_files(dev)):
        gold = load_record(path)
        gold.extra["meta"] = {"layout": "tabs" if i % 2 else "pipes"}
        pred = copy.deepcopy(gold)
        if i == 0:
            f = next(f for f, v in gold.cells.items() if f.startswith("t3.denied.") and numeric(v) == 0)
            pred.cells[f] = 3
        m.update(gold, pred)
    s = m.summary()["cells"]
    assert set(s["per_layout"]) == {"pipes", "tabs"}
    assert s["per_layout"]["tabs"]["cell_accuracy"] == 1.0
    assert s["per_layout"]["pipes"]["cells"]["correct"] == s["per_layout"]["pipes"]["cells"]["n"] - 1
    assert s["per_group"]["t3.denied"]["correct"] == s["per_group"]["t3.denied"]["n"] - 1
    assert m.cells.errors == []
    groups = set(field_groups("2021").values()) | set(field_groups("2019").values())
    assert {"t3.denied", "t3.unavailable", "t3.not_processed", "t3.other", "t2.item1", "t4.review"} <= groups
    assert field_groups("2021")["t3.other.misc.total"] == field_groups("2019")["t3.other.total"] == "t3.other"
    rows = t3_rows()
    assert rows.index("other") < rows.index("other.overdue_correction") < rows.index("other.misc") < rows.index("total")


def test_sections_within_tolerance(dev: Path):
    gold = load_record(_gold_files(dev)[0])
    pred = copy.deepcopy(gold)
    keys = sorted(gold.sections)
    pred.sections[keys[0]] += 3  # within ±3: right
    pred.sections[keys[1]] += 4  # off by 4: wrong
    del pred.sections[keys[2]]  # missed: wrong
    m = SectionMetrics()
    m.update(gold, pred)
    absent_both = 6 - len(gold.sections)
    assert m.summary()["counts"]["correct"] == len(gold.sections) - 2 + absent_both


def test_context_uses_prediction_span_then_row_label(dev: Path):
    path = _gold_files(dev)[0]
    gold = load_record(path)
    text = (dev / gold.source).read_text(encoding="utf-8")
    field = next(f for f, v in gold.cells.items() if isinstance(v, int) and v != 0 and f.startswith("t2."))
    a, b = locate(text, gold, field)
    assert text[a:b] == str(gold.cells[field])
    pred = copy.deepcopy(gold)
    pred.extra["details"] = {field: {"span": [0, 4]}}
    assert locate(text, gold, field, pred) == (0, 4)
    assert f"【{text[0:4].strip()}】" in snippet(text, gold, field, pred)


def test_save_record_roundtrip_is_scored_perfect(dev: Path):
    """Predictions written by save_record (with extra keys) score like the gold they copy."""
    for path in _gold_files(dev):
        rec = load_record(path)
        rec.extra["details"] = {}
        save_record(rec, dev / "pred" / path.name)
    m = evaluate(dev / "gold", dev / "pred", dev / "out", plots=False)
    assert m["cells"]["cell_accuracy"] == 1.0 and not (dev / "out" / "t3_error_heatmap.png").exists()
