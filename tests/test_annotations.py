"""Label Studio / doccano import into gold records and datasets; pre-annotation export round trip."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.data.annotations import (AnnotationError, cell_value, export_label_studio, import_annotations,
                                   read_doccano, read_label_studio, record_from_spans)
from xxgk.data.gold import load_record
from xxgk.data.labels import Span, id2label, span_tags, tags_to_spans
from xxgk.data.projection import project

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"

# A tiny report: title with year and agency, two headings, a 2021 table 二 row and a table 三 cell.
TEXT = ("红石镇2022年政府信息公开工作年度报告\n一、总体情况\n略。\n二、主动公开政府信息情况\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t\t3\n行政规范性文件\t12\t5\t1１8\n"
        "行政事业性收费\t2192.63 万元\n三、收到和处理政府信息公开申请情况\n（七）总计\t18（其中修订5件）\n")


def at(sub: str, tag: str, after: str = "") -> tuple[int, int, str]:
    pos = TEXT.index(sub, TEXT.index(after) + len(after) if after else 0)
    return pos, pos + len(sub), tag


REGIONS = [at("2022", "YEAR"), at("红石镇", "AGENCY"), at("一、总体情况", "H1"), at("二、主动公开政府信息情况", "H2"),
           at("规章", "R:t2.regulations"), at("0", "V:t2.regulations.issued", "规章"),
           at("3", "V:t2.regulations.in_force", "规章"), at("12", "V:t2.normative.issued"),
           at("5", "V:t2.normative.repealed", "12"), at("1１8", "V:t2.normative.in_force"),
           at("2192.63 万元", "V:t2.fees.amount"), at("18（其中修订5件）", "V:t3.total.total")]


def ls_task(regions, **data) -> dict:
    result = [{"id": f"r{i}", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": s, "end": e, "text": TEXT[s:e], "labels": [tag]}} for i, (s, e, tag) in
              enumerate(regions)]
    return {"id": 7, "data": {"text": TEXT, **data}, "annotations": [{"id": 1, "result": result}]}


def check_record(rec):
    assert rec.template == "2021"  # from the 2021-only fields (issued, repealed …)
    assert rec.year == 2022 and rec.agency == "红石镇"
    assert rec.sections == {"1": TEXT.index("一、总体情况"), "2": TEXT.index("二、主动")}
    c = rec.cells
    assert c["t2.regulations.issued"] == 0 and c["t2.regulations.repealed"] is None
    assert c["t2.regulations.in_force"] == 3
    assert (c["t2.normative.issued"], c["t2.normative.repealed"], c["t2.normative.in_force"]) == (12, 5, 118)
    assert c["t2.fees.amount"] == "2192.63万元"
    assert c["t3.total.total"] == 18  # the remark is not part of the count
    assert c["t3.granted.total"] is None


def test_label_studio_import(tmp_path: Path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([ls_task(REGIONS), {"id": 8, "data": {"text": "x"}, "annotations": []}],
                               ensure_ascii=False), encoding="utf-8")
    examples, skipped = read_label_studio(path)
    assert skipped == ["task8"] and len(examples) == 1
    ex = examples[0]
    assert ex.id == "task7" and len(ex.spans) == len(REGIONS)
    check_record(ex.record)


def test_label_studio_json_min_and_utf16_offsets(tmp_path: Path):
    """JSON-MIN exports keep regions flat; Label Studio counts offsets in UTF-16 units."""
    text = "😀" + TEXT  # one character outside the BMP shifts every JavaScript offset by one
    regions = [{"start": s + 2, "end": e + 2, "text": text[s + 1:e + 1], "labels": [t]} for s, e, t in REGIONS]
    path = tmp_path / "min.json"
    path.write_text(json.dumps([{"id": 3, "text": text, "label": regions}], ensure_ascii=False), encoding="utf-8")
    warnings: list[str] = []
    (ex,), skipped = read_label_studio(path, warnings=warnings)
    assert not skipped and not warnings
    assert [(s.start - 1, s.end - 1, s.tag) for s in ex.spans] == sorted(REGIONS)
    assert ex.record.cells["t2.normative.in_force"] == 118


def test_doccano_import_both_shapes(tmp_path: Path):
    path = tmp_path / "export.jsonl"
    lines = [{"id": 1, "text": TEXT, "label": [list(r) for r in REGIONS]},
             {"id": 2, "text": TEXT, "entities": [{"id": i, "start_offset": s, "end_offset": e, "label": t}
                                                  for i, (s, e, t) in enumerate(REGIONS)]}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    examples, skipped = read_doccano(path)
    assert [e.id for e in examples] == ["1", "2"] and not skipped
    for ex in examples:
        check_record(ex.record)
    assert examples[0].spans == examples[1].spans


def test_unknown_label_names_task_and_label(tmp_path: Path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([ls_task(REGIONS + [(0, 2, "VALUE")], report_id="r-1")], ensure_ascii=False))
    with pytest.raises(AnnotationError, match=r"task 'r-1'.*unknown label 'VALUE'"):
        read_label_studio(path)


def test_bad_annotations_are_clear_errors(tmp_path: Path):
    path = tmp_path / "export.jsonl"
    both = [(0, 2, "V:t2.normative.issued"), (5, 7, "V:t2.other_services.prev_items")]
    for raw, message in [([[0, 3, "H1"], [2, 5, "H2"]], "overlaps"),
                         ([[0, 9999, "H1"]], "outside the text"),
                         ([list(x) for x in both], "both templates")]:
        path.write_text(json.dumps({"id": 3, "text": TEXT, "label": raw}, ensure_ascii=False) + "\n")
        with pytest.raises(AnnotationError, match=message):
            read_doccano(path)


def test_cell_value_rules():
    assert cell_value("t3.total.total", "18（其中修订5件）") == 18
    assert cell_value("t3.total.total", "3,830") == 3830
    assert cell_value("t2.licensing.change", "－3") == -3
    assert cell_value("t2.licensing.change", "１２") == 12
    assert cell_value("t2.licensing.change", "/") == "/"
    assert cell_value("t2.procurement.amount", "2192.63 万元") == "2192.63万元"
    assert cell_value("t2.procurement.amount", "  ") is None
    assert cell_value("t3.total.total", "1O") == 10  # OCR's misreading, not what the report prints


def test_import_writes_gold_raw_and_dataset(tmp_path: Path):
    import datasets
    path = tmp_path / "export.json"
    path.write_text(json.dumps([ls_task(REGIONS, report_id="rep_1")], ensure_ascii=False), encoding="utf-8")
    summary = import_annotations(path, "label-studio", tmp_path / "out")
    assert summary.ids == ["rep_1"] and summary.n_examples == 1
    rec = load_record(tmp_path / "out" / "gold" / "rep_1.json")
    check_record(rec)
    assert rec.source == "raw/rep_1.txt"
    assert (tmp_path / "out" / "raw" / "rep_1.txt").read_text(encoding="utf-8") == TEXT
    ds = datasets.load_from_disk(str(tmp_path / "out" / "dataset"))["train"]
    row = ds[0]
    assert row["layout"] == "imported" and row["template"] == "2021" and row["year"] == 2022
    assert row["damage"] == [] and row["seed"] == 0 and row["level"] == ""
    assert json.loads(row["gold"])["cells"]["t2.normative.in_force"] == 118
    spans = tags_to_spans([id2label()[i] for i in row["labels"]])
    assert spans == sorted(Span(s, e, t) for s, e, t in REGIONS)


def test_unknown_format_is_an_error(tmp_path: Path):
    with pytest.raises(AnnotationError, match="unknown annotation format"):
        import_annotations(tmp_path / "x", "brat", tmp_path / "out")


def test_record_from_spans_falls_back_to_text_for_template():
    spans = [Span(*at("0", "V:t2.regulations.issued", "规章")[:2], "V:t3.total.total")]
    rec = record_from_spans(TEXT, spans, "x")  # no template-specific tag: table 二's headers say 2021
    assert rec.template == "2021" and rec.cells["t3.total.total"] == 0


def test_label_studio_round_trip(tmp_path: Path):
    """Export projected dev reports as predictions, accept them as annotations, import: same spans, same gold."""
    items = []
    for gold_path in sorted((EXAMPLES / "gold").glob("*.json")):
        gold = load_record(gold_path)
        text = (EXAMPLES / "raw" / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        items.append((text, project(text, gold), gold))
    path = export_label_studio(items, tmp_path / "review.json", model_version="test")
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert tasks[0]["predictions"][0]["model_version"] == "test"
    assert (tmp_path / "review.config.xml").read_text().count("<Label ") == len(span_tags())
    for task in tasks:  # a reviewer accepts every prediction
        task["annotations"] = [{"id": 1, "result": task.pop("predictions")[0]["result"]}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    summary = import_annotations(path, "label-studio", tmp_path / "out")
    assert summary.ids == [g.id for _, _, g in items]
    examples, _ = read_label_studio(path)
    for (text, spans, gold), ex in zip(items, examples):
        assert ex.text == text and ex.spans == sorted(spans)
        back = load_record(tmp_path / "out" / "gold" / f"{gold.id}.json")
        for key in ("template", "year", "agency", "sections", "cells"):
            assert back.to_json()[key] == gold.to_json()[key], key
