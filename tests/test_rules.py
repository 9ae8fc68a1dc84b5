import json

from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.data.gold import GoldFormatError, Record, load_record, record_from_json
from xxgk.data.rules import (check_across_years, check_narrative, check_record, check_relations, checks_for,
                             consistency)
from xxgk.data.schema import get_template

import pytest

runner = CliRunner()


def blank_record(template="2019", **values) -> Record:
    cells = {f: 0 for f in get_template(template).fields}
    cells.update(values)
    return Record(template=template, cells=cells, agency="某镇", year=2020)


def test_examples_are_consistent(examples):
    for path in sorted((examples / "gold").glob("*.json")):
        rec = load_record(path)
        assert check_record(rec) == []
        assert consistency(rec).failed == 0 and consistency(rec).applied == 40


def test_examples_keep_the_table_two_relations(examples):
    for path in sorted((examples / "gold").glob("*.json")):
        assert check_relations(load_record(path)) == []


def test_table_two_relations_are_soft_findings_and_change_nothing():
    rec = blank_record("2021", **{"t2.normative.issued": 5, "t2.normative.in_force": 3,
                                  "t2.licensing.decisions": -2})
    before = dict(rec.cells)
    found = check_relations(rec)
    assert [(f.rule, f.where, f.severity) for f in found] == [("F1", "row normative", "soft"),
                                                              ("F3", "cell t2.licensing.decisions", "soft")]
    assert "cumulative 3 below this year's 5" in found[0].message and rec.cells == before
    rec19 = blank_record(**{"t2.procurement.projects": 0, "t2.procurement.amount": "282.1万元"})
    assert [f.rule for f in check_relations(rec19)] == ["F2"]
    assert check_relations(blank_record(**{"t2.licensing.change": -3})) == []  # 本年增/减 may be negative


def test_number_of_checks_per_template():
    assert len(checks_for("2019")) == 7 + 7 + 23 + 3
    assert len(checks_for("2021")) == 7 + 7 + 25 + 3


def test_r1_r3_broken_is_reported_with_values():
    rec = blank_record(**{"t3.new_received.natural_person": 5, "t3.new_received.total": 5,
                          "t3.granted.natural_person": 4, "t3.granted.total": 4,
                          "t3.total.natural_person": 4, "t3.total.total": 4})
    findings = check_record(rec)
    rules = sorted((f.rule, f.where) for f in findings)
    assert rules == [("R1", "column natural_person"), ("R1", "column total")]
    f = findings[0]
    assert f.printed["t3.new_received.natural_person"] == 5 and f.expected == 5 and f.found == 4
    assert "new_received + carried_over = 5" in f.message


def test_blank_counts_as_zero_and_r4():
    rec = blank_record(**{"t4.review.upheld": None, "t4.review.corrected": 2, "t4.review.total": 3})
    (f,) = check_record(rec)
    assert (f.rule, f.where, f.expected, f.found) == ("R4", "group review", 2, 3)


def test_2021_other_rows_count_in_r2():
    rec = blank_record("2021", **{"t3.new_received.total": 2, "t3.new_received.natural_person": 2,
                                  "t3.other.overdue_fee.natural_person": 2, "t3.other.overdue_fee.total": 2,
                                  "t3.total.natural_person": 2, "t3.total.total": 2})
    assert check_record(rec) == []


def test_checks_never_change_values():
    rec = blank_record(**{"t4.review.total": 7})
    before = dict(rec.cells)
    check_record(rec)
    consistency(rec)
    assert rec.cells == before


def test_soft_checks_text_and_years():
    rec = blank_record(**{"t3.new_received.total": 2, "t3.new_received.natural_person": 2,
                          "t3.total.total": 2, "t3.total.natural_person": 2, "t3.granted.total": 2,
                          "t3.granted.natural_person": 2})
    rec.sections = {"1": 0, "2": 30}
    (n1,) = check_narrative(rec, "一、总体情况 全年共收到政府信息公开申请3件。" + " " * 10)
    assert n1.rule == "N1" and n1.severity == "soft" and (n1.expected, n1.found) == (3, 2)
    assert check_narrative(rec, "一、总体情况 全年共收到政府信息公开申请2件。") == []
    prev = blank_record(**{"t3.carried_forward.total": 1, "t3.carried_forward.natural_person": 1})
    prev.year = 2019
    out = check_across_years([("a", prev), ("b", rec)])
    assert {f.rule for f in out["b"]} == {"X1"} and len(out["b"]) == 2


def test_in_force_chain_2021():
    prev = blank_record("2021", **{"t2.normative.in_force": 10})
    prev.year = 2021
    cur = blank_record("2021", **{"t2.normative.in_force": 12, "t2.normative.issued": 3, "t2.normative.repealed": 1})
    cur.year = 2022
    assert check_across_years([("p", prev), ("c", cur)])["c"] == []
    cur.cells["t2.normative.in_force"] = 13
    (f,) = check_across_years([("p", prev), ("c", cur)])["c"]
    assert f.rule == "X2" and f.expected == 12


def test_gold_validation_names_file_and_field(tmp_path):
    good = blank_record()
    obj = {"template": "2019", "cells": dict(good.cells)}
    obj["cells"]["t3.total.total"] = 1.5
    with pytest.raises(GoldFormatError, match=r"x\.json: field 't3.total.total'"):
        record_from_json(obj, "x.json")
    obj["cells"]["t3.total.total"] = "12"
    with pytest.raises(GoldFormatError, match="count written as a string"):
        record_from_json(obj, "x.json")
    del obj["cells"]["t3.total.total"]
    with pytest.raises(GoldFormatError, match="missing"):
        record_from_json(obj, "x.json")
    with pytest.raises(GoldFormatError, match="unknown key"):
        record_from_json({"template": "2019", "cells": good.cells, "colour": 1}, "x.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="bad.json: not valid JSON"):
        load_record(bad)


def test_check_cli_flags_broken_r1_and_nothing_on_clean(examples, tmp_path):
    gold = examples / "gold"
    clean = runner.invoke(app, ["check", str(gold), "--format", "json"])
    assert clean.exit_code == 0, clean.output
    assert all(r["findings"] == [] for r in json.loads(clean.output))
    broken_dir = tmp_path / "broken" / "gold"
    broken_dir.mkdir(parents=True)
    src = sorted(gold.glob("*.json"))[0]
    obj = json.loads(src.read_text(encoding="utf-8"))
    obj["cells"]["t3.carried_forward.natural_person"] = 3  # row stays consistent (R3), columns break R1
    obj["cells"]["t3.carried_forward.total"] = 3
    (broken_dir / src.name).write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    (broken_dir / "zz_malformed.json").write_text("[1, 2", encoding="utf-8")
    res = runner.invoke(app, ["check", str(broken_dir), "--format", "json"])
    assert res.exit_code == 2  # one file unreadable; the other still checked
    out = json.loads(res.output)
    assert [r["report"].endswith(src.name) for r in out] == [True, False]
    assert [(f["rule"], f["where"]) for f in out[0]["findings"]] == [("R1", "column natural_person"),
                                                                ("R1", "column total")]
    assert out[1]["findings"] is None and "not valid JSON" in out[1]["error"]
    text = runner.invoke(app, ["check", str(broken_dir / src.name)])
    assert text.exit_code == 1 and "R1 column total" in text.output
