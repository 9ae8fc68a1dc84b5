"""Fragment rows: table 三 as Markdown fragments without row labels, read line by line."""
from __future__ import annotations

import json

from xxgk.data.labels import Span, label2id
from xxgk.data.schema import CHINESE_NUMERALS, SECTIONS
from xxgk.inference.align import AlignConfig
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode
from xxgk.inference.fragments import fragments, placements, table_grid, table_rows

from .conftest import one_hot

L = label2id()
ROWS, COLS = table_rows("2019")
# a consistent 2019 table 三 (R1, R2, R3 hold), natural persons only; the other cells blank
GOLD = {"new_received": 5, "carried_over": 1, "granted": 2, "partial": 1, "denied.state_secret": 1,
        "unavailable.not_held": 1, "total": 5, "carried_forward": 1}


def _value(row: str, col: str) -> int | None:
    if col in ("natural_person", "total"):
        return GOLD.get(row, 0)
    return None


def _heading(text: str, spans: list[Span], n: int) -> str:
    """``text`` with section ``n``'s heading on a line after it, its span added to ``spans``."""
    h = f"{CHINESE_NUMERALS[n - 1]}、{SECTIONS[n - 1].title}"
    spans.append(Span(len(text), len(text) + len(h), f"H{n}"))
    return text + h + "\n"


def markdown_report(split: int, read_late: bool) -> tuple[str, list[Span], dict]:
    """A 2019 report whose table 三 is printed as two Markdown fragments (rows before ``split``,
    then the rest) after the row labels, a page footer ``－ 2 －`` between them, blank cells
    empty.  Spans: the model's reading — ``read_late``: the second fragment read one row late
    (its last two lines both as the last row) and the footer read as a value."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n", []
    text = _heading(text, spans, 3)
    text += "申请人情况\n" + "\n".join(ROWS) + "\n\n"
    for part, rows in enumerate((ROWS[:split], ROWS[split:])):
        if part:
            footer = text + "－ "
            if read_late:
                spans.append(Span(len(footer), len(footer) + 1, f"V:t3.{ROWS[split]}.natural_person"))
            text = footer + "2 －\n"
        text += "| " + " | ".join(f"数据{k + 1}" for k in range(len(COLS))) + " |\n"
        text += "|" + " --- |" * len(COLS) + "\n"
        for i, row in enumerate(rows):
            text += "|"
            for col in COLS:
                v = _value(row, col)
                text += " "
                if v is not None:
                    at = min(ROWS.index(row) + (1 if part and read_late else 0), len(ROWS) - 1)
                    spans.append(Span(len(text), len(text) + len(str(v)), f"V:t3.{ROWS[at]}.{col}"))
                    text += str(v)
                text += " |"
            text += "\n"
        text += "\n"
    text = _heading(text, spans, 4)
    text += "无。\n"
    text = _heading(text, spans, 5)
    cells = {f"t3.{r}.{c}": _value(r, c) for r in ROWS for c in COLS}
    return text, spans, cells


def t3(ext) -> dict:
    return {f: v for f, v in ext.record.cells.items() if f.startswith("t3.")}


def test_fragments_are_runs_of_markdown_data_lines():
    text = ("| 数据1 | 数据2 | 数据3 |\n| --- | --- | --- |\n| 1 | 0 | 1 |\n|  |  |  |\n\n"
            "－ 2 －\n| 2 |  0   0 |\n| 3 | 0 | 3 |\n| 合计 | 1 | 1 |\n")
    found = fragments(text, 0, len(text), 3)
    assert [len(f.lines) for f in found] == [2, 2]  # header, underline, words: not rows; merged cells: a row
    assert [text[s:e].strip() for s, e in found[0].lines[0]] == ["1", "0", "1"]
    assert [text[s:e].strip() for s, e in found[1].lines[0]] == ["2", "0   0"]


def test_placements_keep_fragments_in_order_inside_the_table():
    assert placements([2, 1], 4, 100) == [(0, 2), (0, 3), (1, 3)]
    assert placements([2, 2], 4, 100) == [(0, 2)]  # every row printed: one way
    assert placements([3, 2], 4, 100) == []  # more lines than rows
    assert placements([1, 1, 1], 30, 100) == []  # C(30, 3) choices: too many


def test_fragment_read_one_row_late_is_counted_from_its_lines():
    """The second fragment starts at row 9 (denied.process_info); the model counts it from row 10
    (its lines far from the labels, a page footer before them), reads its last two lines as one row
    (the alignment drops one) and the footer's 2 as a value.  The model's rows break the sums;
    counting the lines from row 9 breaks none: every value goes back to its row, the footer is
    dropped, one recorded decision."""
    text, spans, gold = markdown_report(split=9, read_late=True)
    probs = one_hot(text, spans)
    off = decode(text, probs, config=ArbitrationConfig(fragments=False))
    assert t3(off) != gold and off.findings
    ext = decode(text, probs)
    assert t3(ext) == gold
    assert ext.findings == []
    (decision,) = [d for d in ext.decisions if d["kind"] == "fragment_rows"]
    assert [f["first_row"] for f in decision["fragments"]] == [ROWS[0], ROWS[9]]
    assert decision["dropped"] == ["2"] and decision["checks_broken"]["chosen"] == 0
    assert ext.details["t3.carried_forward.total"]["arbitrated"]
    json.dumps(ext.decisions)


def test_fragments_read_right_are_left_alone():
    text, spans, gold = markdown_report(split=9, read_late=False)
    ext = decode(text, one_hot(text, spans))
    assert t3(ext) == gold
    assert not [d for d in ext.decisions if d["kind"] == "fragment_rows"]


def test_a_cell_of_the_other_template_does_not_stop_the_reading():
    """Without the alignment (``--no-align``) nothing folds a value the model read as a cell only
    the 2021 form has (other.overdue_correction in a 2019 report): it is no cell of this table,
    so the fragment reading treats it as read as none — it used to raise a KeyError."""
    text, spans, gold = markdown_report(split=9, read_late=True)
    spans = [Span(s.start, s.end, "V:t3.other.overdue_correction.natural_person") if s.tag == "V:t3.other.natural_person"
             else s for s in spans]
    for align in (False, True):
        ext = decode(text, one_hot(text, spans), template="2019", align=align)
        assert ext.record.template == "2019"
    assert t3(decode(text, one_hot(text, spans), template="2019")) == gold


T2 = table_grid("2019", "t2")  # 8 rows: three columns each, fees and procurement two


def t2_report(cuts: tuple[int, ...], drop_last: bool = False) -> tuple[str, list[Span], dict]:
    """A 2019 report whose table 二 is printed as Markdown fragments after its row labels (cut
    before the rows in ``cuts``), a converter's dummy ``| - | - |`` table among them, rows two
    cells wide padded to three.  Spans: a model that lost count — it reads every fragment from the
    first row.  ``drop_last``: the last row is not printed (the lines no longer tile the table)."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n", []
    text = _heading(text, spans, 2)
    text += "信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n\n" + "\n".join(r for r, _ in T2) + "\n\n"
    rows = T2[:-1] if drop_last else T2
    cells, value = {}, 0
    for part, (a, b) in enumerate(zip((0, *cuts), (*cuts, len(rows)))):
        text += "| 数据1 | 数据2 | 数据3 |\n| --- | --- | --- |\n"
        for i, (row, cols) in enumerate(rows[a:b]):
            text += "|"
            for k in range(3):
                text += " "
                if k < len(cols):
                    value += 1
                    cells[f"t2.{row}.{cols[k]}"] = value
                    read_row, read_cols = T2[i]  # counted from the first row
                    spans.append(Span(len(text), len(text) + len(str(value)), f"V:t2.{read_row}.{read_cols[k]}"))
                    text += str(value)
                text += " |"
            text += "\n"
        text += "\n" + ("| - | - |\n| --- | --- |\n| - | - |\n\n" if part == 0 else "")
    text = _heading(text, spans, 3)
    text += "本年度未收到政府信息公开申请。\n"
    text = _heading(text, spans, 4)
    cells = {f"t2.{r}.{c}": cells.get(f"t2.{r}.{c}") for r, cols in T2 for c in cols}
    if cells["t2.procurement.amount"] is not None:
        cells["t2.procurement.amount"] = str(cells["t2.procurement.amount"])  # an amount keeps its text
    return text, spans, cells


def t2(ext) -> dict:
    return {f: v for f, v in ext.record.cells.items() if f.startswith("t2.")}


def test_table_two_fragments_whose_lines_are_its_rows_are_read_in_order():
    """Three fragments of 1, 2 and 5 lines, each read by the model from the first row: the lines
    are the table's eight rows (the dummy table is no row: the model reads no value in it), so
    each line is its row — no check could say so, table 二 has none."""
    text, spans, gold = t2_report(cuts=(1, 3))
    probs = one_hot(text, spans, p=0.9)
    assert t2(decode(text, probs, config=ArbitrationConfig(fragments=False))) != gold
    ext = decode(text, probs)
    assert t2(ext) == gold
    (decision,) = [d for d in ext.decisions if d["kind"] == "fragment_rows"]
    assert decision["table"] == "t2"
    assert [f["first_row"] for f in decision["fragments"]] == ["regulations", "normative", "other_services"]
    assert "are the table's 8 rows" in decision["reason"]


def test_table_two_fragments_that_do_not_tile_the_table_stay_as_read():
    """One row not printed: the lines are fewer than the rows and nothing says which is missing."""
    text, spans, _ = t2_report(cuts=(1, 3), drop_last=True)
    probs = one_hot(text, spans, p=0.9)
    ext = decode(text, probs)
    assert not [d for d in ext.decisions if d["kind"] == "fragment_rows"]
    assert t2(ext) == t2(decode(text, probs, config=ArbitrationConfig(fragments=False)))


def test_a_misread_number_or_a_unit_is_a_value_not_a_header():
    text = ("| 数据1 | 数据2 |\n| --- | --- |\n| T9 | 12（其中修订5件） |\n| 833.58万元 |  |\n"
            "| 合计 | 1 |\n| 1. 属于国家秘密 | 0 |\n")
    found = fragments(text, 0, len(text), 2, 1)
    assert [[text[s:e].strip() for s, e in line] for f in found for line in f.lines] == [
        ["T9", "12（其中修订5件）"], ["833.58万元", ""]]


def test_a_line_ocr_damaged_is_still_its_row():
    """OCR drops an edge ``|``, doubles one, or reads a 1 at a number's end as ``|`` (an empty cell
    after it): the line keeps its three cells, so the fragment does not end there and lose count.
    A line with a cell too many that shows no such damage is not a row."""
    text = ("| 数据1 | 数据2 | 数据3 |\n| --- | --- | --- |\n| 1 | 0 | 1 |\n 2 | 0 | 2 |\n| 3 | 0 | 3 ||\n"
            "| Z0|  | 0 | 201 |\n| 4 | 0 | 4 |\n| 5 | 6 | 7 | 8 |\n| 9 | 0 | 9 |\n")
    found = fragments(text, 0, len(text), 3)
    assert [len(f.lines) for f in found] == [5, 1]
    assert [[text[s:e].strip() for s, e in line] for line in found[0].lines] == [
        ["1", "0", "1"], ["2", "0", "2"], ["3", "0", "3"], ["Z0|", "0", "201"], ["4", "0", "4"]]


def test_a_number_the_model_cuts_inside_a_markdown_cell_is_read_whole(monkeypatch):
    """``| 12 |``: the model reads the 1 as granted natural persons and the 2 as another cell.  A
    Markdown cell holds one value: counted by its line and column, the cell's whole number is read."""
    monkeypatch.setitem(GOLD, "new_received", 15)
    monkeypatch.setitem(GOLD, "granted", 12)
    monkeypatch.setitem(GOLD, "total", 15)
    text, spans, gold = markdown_report(split=9, read_late=False)
    cut = next(s for s in spans if s.tag == "V:t3.granted.natural_person")
    assert text[cut.start:cut.end] == "12"
    spans = [s for s in spans if s is not cut] + [Span(cut.start, cut.start + 1, cut.tag),
                                                  Span(cut.start + 1, cut.end, "V:t3.granted.commercial")]
    probs = one_hot(text, spans)
    cut = AlignConfig(cells=False)  # the alignment's own join of a Markdown cell's digits (test_align) off
    off = decode(text, probs, config=ArbitrationConfig(fragments=False, align=cut))
    assert off.record.cells["t3.granted.natural_person"] != 12
    ext = decode(text, probs, config=ArbitrationConfig(align=cut))
    assert t3(ext) == gold and ext.findings == []
    (decision,) = [d for d in ext.decisions if d["kind"] == "fragment_rows"]
    assert "t3.granted.natural_person" in decision["fields"]
