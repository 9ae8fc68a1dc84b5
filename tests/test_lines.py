"""Cells one per line: a table-三 row's values read by how many lines after its label they sit."""
from __future__ import annotations

import json

from xxgk.data.labels import Span
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot

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
