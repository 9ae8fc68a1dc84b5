"""Cells one per line: a table-三 row's values read by how many lines after its label they sit."""
from __future__ import annotations

import json

from xxgk.data.labels import Span
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot
from .test_decode import L

BLOCK = get_template("2019").table("t3").blocks[0]
ROWS = [r for r in BLOCK.rows][:5]


def word_text(read_as: dict[str, str], blank_lines: bool = True):
    """Table 三 as Word → text prints it: one cell per line, a blank cell an empty line (or, with
    ``blank_lines`` False, nothing), an empty line after each row; every row only its total, 0.
    The model reads each row's label, and its value as ``read_as.get(row, "total")``."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", []
    for row in ROWS:
        spans.append(Span(len(text), len(text) + len(row.text), f"R:t3.{row.key}"))
        text += row.text + "\n" + ("\n" * (len(BLOCK.columns) - 1) if blank_lines else "")
        spans.append(Span(len(text), len(text) + 1, f"V:t3.{row.key}.{read_as.get(row.key, 'total')}"))
        text += "0\n\n"
    return text + "四、政府信息公开行政复议、行政诉讼情况\n无。\n", spans


def test_a_total_read_a_column_early_is_read_where_its_line_is():
    """Six empty lines before each total; the model counts five before one of them (p 0.999) —
    every sum holds with zeros.  The other rows' totals say where a row's cells start and that
    each takes a line: that value's line is the total's."""
    row = ROWS[3].key
    text, spans = word_text({row: "other_org"})
    probs = one_hot(text, spans)
    off = decode(text, probs, config=ArbitrationConfig(lines=False))
    assert off.record.cells[f"t3.{row}.other_org"] == 0 and off.record.cells[f"t3.{row}.total"] is None
    ext = decode(text, probs)
    assert ext.record.cells[f"t3.{row}.total"] == 0 and ext.record.cells[f"t3.{row}.other_org"] is None
    (decision,) = [d for d in ext.decisions if d["kind"] == "line_columns"]
    assert (decision["first_line"], decision["step"], decision["rows_astray"]) == (1, 1, 1)
    json.dumps(ext.decisions)


def test_blanks_printed_as_nothing_leave_the_lines_alone():
    row = ROWS[3].key
    text, spans = word_text({row: "other_org"}, blank_lines=False)
    ext = decode(text, one_hot(text, spans))
    assert ext.record.cells[f"t3.{row}.other_org"] == 0
    assert not [d for d in ext.decisions if d["kind"] == "line_columns"]


def test_every_row_read_two_columns_early_is_read_by_the_plain_grid_when_the_sums_say_so():
    """Report 002 as Word → text with its lines stripped: each row is its label, five empty lines
    (blank cells), then other organisations and total.  The model reads every row two columns
    early (research, social organisation), so its own values vote for rows that would start four
    lines after their label — rows too long to fit between the labels.  The plain grid (cells on
    the lines right after the label) fits, and there the first row's ``1`` and ``1`` add up; the
    model's reading leaves that row without a total."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", []
    for k, row in enumerate(ROWS):
        spans.append(Span(len(text), len(text) + len(row.text), f"R:t3.{row.key}"))
        text += row.text + "\n" * 6
        value = "1" if k == 0 else "0"
        for col in ("research", "social_org"):
            spans.append(Span(len(text), len(text) + 1, f"V:t3.{row.key}.{col}"))
            text += value + "\n"
        text += "\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    probs = one_hot(text, spans)
    first = ROWS[0].key
    off = decode(text, probs, config=ArbitrationConfig(lines=False))
    assert off.record.cells[f"t3.{first}.research"] == 1 and off.record.cells[f"t3.{first}.total"] is None
    ext = decode(text, probs)
    for k, row in enumerate(ROWS):
        assert [ext.record.cells[f"t3.{row.key}.{c}"] for c in ("research", "other_org", "total")] == \
            [None, 1 if k == 0 else 0, 1 if k == 0 else 0]
    (decision,) = [d for d in ext.decisions if d["kind"] == "line_columns"]
    assert (decision["first_line"], decision["step"]) == (1, 1)
    assert decision["checks_broken"]["chosen"] < decision["checks_broken"]["model"]


def test_a_count_the_model_left_unread_on_a_cells_line_is_read_as_that_cell():
    """Every cell a line of its own, every row seven zeros (report 000 with its lines stripped):
    the model leaves one ``0`` unread (O) and no sum notices.  The other rows say each row's
    cells are the seven lines after its label: that line is the social organisations' cell."""
    cols = [c.key for c in BLOCK.columns]
    text, spans, skipped = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", [], None
    for k, row in enumerate(ROWS):
        spans.append(Span(len(text), len(text) + len(row.text), f"R:t3.{row.key}"))
        text += row.text + "\n"
        for col in cols:
            if (k, col) == (2, "social_org"):
                skipped = len(text)
            else:
                spans.append(Span(len(text), len(text) + 1, f"V:t3.{row.key}.{col}"))
            text += "0\n"
        text += "\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    probs = one_hot(text, spans)
    row = ROWS[2].key
    assert decode(text, probs, config=ArbitrationConfig(lines=False)).record.cells[f"t3.{row}.social_org"] is None
    ext = decode(text, probs)
    assert ext.record.cells[f"t3.{row}.social_org"] == 0
    assert ext.details[f"t3.{row}.social_org"]["span"] == [skipped, skipped + 1]
    (decision,) = [d for d in ext.decisions if d["kind"] == "line_columns"]
    assert decision["fields"] == [f"t3.{row}.social_org"]


def test_two_cells_printed_as_one_before_a_page_break_are_cut():
    """``本机关不掌握…`` one cell per line, two cells merged on one line (``2018`` for 20 and 18), then
    the page's number and the running head: the row's stretch ends at its last value, not over the
    page number and the year of the title the model view left out, and the cut that adds up wins."""
    head = "2020年某某厅政府信息公开工作年度报告"
    row = "t3.unavailable.not_held"
    values = [("natural_person", "163"), ("commercial", "31"), ("research", "3"), ("social_org", "6"),
              ("legal_service", "2018"), ("total", "241")]
    text = f"{head}\n第一页的话。\n\n8\n{head}\n三、收到和处理政府信息公开申请情况\n1.本机关不掌握相关政府信息\n"
    spans = [Span(text.index("1.本机关"), text.index("1.本机关") + 13, f"R:{row}")]
    for col, v in values:
        text += "\n"
        spans.append(Span(len(text), len(text) + len(v), f"V:{row}.{col}"))
        text += v + "\n"
    text += f"\n\n9\n{head}\n2.没有现成信息需要另行制作\n\n0\n\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    probs = one_hot(text, spans)
    seven = text.index("2018") + 2  # the 1 of 18: the model doubts a value starts there
    probs[seven] = 1e-6
    probs[seven, L[f"B-V:{row}.other_org"]] = 0.3
    probs[seven, L[f"I-V:{row}.legal_service"]] = 0.7 - 1e-6 * len(L)
    ext = decode(text, probs)
    assert (ext.record.cells[f"{row}.legal_service"], ext.record.cells[f"{row}.other_org"]) == (20, 18)


def test_a_reading_on_a_grid_the_lines_allow_is_not_moved_to_another_that_also_fits():
    """Web page: each cell on a line of its own with an empty line after it, a blank cell a line
    of ``&nbsp;``; every row prints only legal services (5th cell, 10 lines after its label) and
    its total (7th, 14 lines).  Cells every other line from the 2nd put them there as the model
    reads them — and so do cells every line from the 8th (research, total).  Both fit, and the
    sums (the rows alike) cannot tell them apart either: the model's reading stays."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", []
    for n, row in enumerate(ROWS):
        spans.append(Span(len(text), len(text) + len(row.text), f"R:t3.{row.key}"))
        text += row.text + "\n\n"
        for col in BLOCK.columns:
            if col.key in ("legal_service", "total"):
                spans.append(Span(len(text), len(text) + 2, f"V:t3.{row.key}.{col.key}"))
                text += f"{10 + n}\n\n"
            else:
                text += "\xa0\n\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    ext = decode(text, one_hot(text, spans))
    for n, row in enumerate(ROWS):
        assert ext.record.cells[f"t3.{row.key}.legal_service"] == 10 + n
        assert ext.record.cells[f"t3.{row.key}.research"] is None
    assert not [d for d in ext.decisions if d["kind"] == "line_columns"]
