"""The rule-based baseline: the bundled example reports and a few hand-made shapes."""
from __future__ import annotations

from xxgk.data.gold import load_record
from xxgk.data.schema import get_template
from xxgk.inference.baseline import parse, read_cells


def test_baseline_on_the_example_reports(examples, capsys):
    right = total = 0
    for gold_path in sorted((examples / "gold").glob("*.json")):
        gold = load_record(gold_path)
        pred = parse((examples / "raw" / f"{gold_path.stem}.txt").read_text(encoding="utf-8"))
        assert pred.template == gold.template
        right += sum(pred.cells.get(f) == v for f, v in gold.cells.items())
        total += len(gold.cells)
    with capsys.disabled():
        print(f"\nbaseline on the example reports: {right}/{total} cells = {right / total:.2%}")
    assert right / total >= 0.9  # a fair baseline, not a target


def _report_2021(rows: str) -> str:
    return ("某县2022年政府信息公开工作年度报告\n一、总体情况\n略。\n二、主动公开政府信息情况\n"
            "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n" + rows)


def test_tab_rows_with_blank_cells():
    rec = parse(_report_2021("规章\t1\t\t3\n行政规范性文件\t\t\t12\n第二十条第（五）项\n信息内容\t本年处理决定数量\n"
                             "行政许可\t2,310\n"))
    assert rec.template == "2021" and rec.year == 2022 and rec.agency == "某县"
    assert [rec.cells[f"t2.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [1, None, 3]
    assert [rec.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [None, None, 12]
    assert rec.cells["t2.licensing.decisions"] == 2310
    assert rec.cells["t3.total.total"] is None  # no table 三 in the text: blank, not invented


def test_white_space_separated_values_in_order():
    rec = parse(_report_2021("规章 1 2 3\n行政规范性文件\n\n4\n\n5\n\n6\n"))
    assert [rec.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [4, 5, 6]
    assert rec.cells["t2.regulations.in_force"] == 3


def test_read_cells_amount_and_marks():
    fields = ["t2.procurement.projects", "t2.procurement.amount"]
    assert read_cells("\t39\t2192.63 万元\t\n", fields) == {fields[0]: 39, fields[1]: "2192.63万元"}
    assert read_cells(" 14 905 万\n三、收到", fields) == {fields[0]: 14, fields[1]: "905万"}
    assert read_cells("\t/\t—\n", fields) == {fields[0]: "/", fields[1]: "—"}


def test_every_field_present():
    rec = parse("not a report at all")
    assert set(rec.cells) == set(get_template("2019").fields) and all(v is None for v in rec.cells.values())
