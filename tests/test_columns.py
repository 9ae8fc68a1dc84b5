"""Space-aligned columns: values read by the display column they end at, headers over them."""
from __future__ import annotations

import json

import pytest

from xxgk.data.labels import Span
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.columns import display_width, printed_columns
from xxgk.inference.decode import decode

from .conftest import one_hot

BLOCK = get_template("2019").table("t3").blocks[0]
COLS = [c.key for c in BLOCK.columns]
TEXTS = {c.key: c.text for c in BLOCK.columns}
# research institutions blank in every row: no sum tells that column from its neighbours
ROWS = {"new_received": {"natural_person": 3, "commercial": 1, "social_org": 1, "total": 5},
        "granted": {"natural_person": 3, "commercial": 1, "social_org": 1, "total": 5},
        "total": {"natural_person": 3, "commercial": 1, "social_org": 1, "total": 5}}


def layout_report(shifted: tuple[str, ...], centred: bool = False) -> tuple[str, list[Span], dict]:
    """Table 三 as ``pdftotext -layout`` prints it: headers and right-aligned numbers padded with
    spaces (``centred``: each header centred over its column instead).  Spans: the model's
    reading, the rows ``shifted`` read one column early after the blank (social_org as research)."""
    ends, e = {}, 30
    for c in COLS:
        e += 6 + display_width(TEXTS[c])
        ends[c] = e
    text, spans = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", []
    line = ""
    for c in COLS:
        header_end = ends[c] + (display_width(TEXTS[c]) // 2 - 1 if centred else 0)
        line += " " * (header_end - display_width(line) - display_width(TEXTS[c]))
        spans.append(Span(len(text) + len(line), len(text) + len(line) + len(TEXTS[c]), f"C:t3.{c}"))
        line += TEXTS[c]
    text += line + "\n"
    for row in BLOCK.rows:
        values = ROWS.get(row.key)
        if values is None:
            continue
        line = row.text
        for c in COLS:
            if c in values:
                v = str(values[c])
                line += " " * (ends[c] - display_width(line) - len(v))
                read = "research" if row.key in shifted and c == "social_org" else c
                spans.append(Span(len(text) + len(line), len(text) + len(line) + len(v), f"V:t3.{row.key}.{read}"))
                line += v
        text += line + "\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    gold = {f"t3.{r}.{c}": v.get(c) for r, v in ROWS.items() for c in COLS}
    return text, spans, gold


def test_printed_columns_group_number_ends():
    assert printed_columns([10, 20, 11, 21, 35, 10]) == [(10, 11), (20, 21), (35, 35)]
    assert display_width("社会12") == 6
    assert (display_width("社会１２\u3000"), display_width("社会１２\u3000", narrow_forms=True)) == (10, 7)


@pytest.mark.parametrize("centred", [False, True])
def test_a_row_read_a_column_early_is_read_by_where_its_numbers_end(centred):
    """granted's and total's social_org counts are read as research (the blank before them not
    counted): R1 breaks, and the placement readings repair it the wrong way, moving new_received's
    count to research too — every sum holds with the whole column one to the left.  The numbers
    end in four display columns; read as the columns whose headers end over them, every sum
    holds too, and no column sits under another's header — one recorded decision."""
    text, spans, gold = layout_report(shifted=("granted", "total"), centred=centred)
    probs = one_hot(text, spans)
    cells = lambda ext: {f: ext.record.cells[f] for f in gold}  # noqa: E731
    off = decode(text, probs, config=ArbitrationConfig(columns=False))
    assert cells(off) != gold and off.findings == []  # wrong, and no sum says so
    ext = decode(text, probs)
    assert cells(ext) == gold and ext.findings == []
    (decision,) = [d for d in ext.decisions if d["kind"] == "aligned_columns"]
    assert list(decision["columns"]) == ["natural_person", "commercial", "social_org", "total"]
    json.dumps(ext.decisions)


def test_columns_read_right_are_left_alone():
    text, spans, gold = layout_report(shifted=())
    ext = decode(text, one_hot(text, spans))
    assert {f: ext.record.cells[f] for f in gold} == gold
    assert not [d for d in ext.decisions if d["kind"] == "aligned_columns"]


def test_numbers_one_per_indented_line_have_no_columns():
    """Word text indented throughout, a township's table of zeros: every number on its own line
    after the same indent ends at one display column — not a column of the table (read as one, all
    the zeros fill the total column and every sum still holds); the stage leaves the model's reading."""
    text = "2020年某某镇政府信息公开工作年度报告\n    三、收到和处理政府信息公开申请情况\n"
    spans = []
    for c in COLS:
        text += "    "
        spans.append(Span(len(text), len(text) + len(TEXTS[c]), f"C:t3.{c}"))
        text += TEXTS[c] + "\n"
    gold = {}
    for row in BLOCK.rows:
        if row.key not in ROWS:
            continue
        text += "    " + row.text + "\n"
        for c in COLS:
            v = 0 if c in ROWS[row.key] else None
            gold[f"t3.{row.key}.{c}"] = v
            text += "    "
            if v is not None:
                spans.append(Span(len(text), len(text) + len(str(v)), f"V:t3.{row.key}.{c}"))
                text += str(v)
            text += "\n"
    text += "    四、政府信息公开行政复议、行政诉讼情况\n    无。\n"
    ext = decode(text, one_hot(text, spans))
    assert {f: ext.record.cells[f] for f in gold} == gold
    assert not [d for d in ext.decisions if d["kind"] == "aligned_columns"]


def test_a_printed_column_is_under_the_header_most_of_its_numbers_end_beneath():
    """Headers two spaces apart, numbers right-aligned under them; a stray space pushes one row's
    numbers two columns on, to where the next header starts.  The model reads every row one column
    late (natural persons' 3 as commercial, commercial's 1 as research — every sum holds either
    way).  Most of the column's numbers end under 自然人: it is that column, and the row read late
    is moved with the others."""
    values = {"natural_person": 3, "commercial": 1, "total": 4}
    late = {"natural_person": "commercial", "commercial": "research", "total": "total"}
    rows = ("new_received", "granted", "total")
    text, spans, header, ends = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n", [], " " * 30, {}
    for c in COLS:
        header += "  "
        spans.append(Span(len(text) + len(header), len(text) + len(header) + len(TEXTS[c]), f"C:t3.{c}"))
        header += TEXTS[c]
        ends[c] = display_width(header)
    text += header + "\n"
    for row in BLOCK.rows:
        if row.key not in rows:
            continue
        line = row.text + ("  " if row.key == "granted" else "")  # the stray spaces
        shift = 2 if row.key == "granted" else 0
        for c, v in values.items():
            line += " " * (ends[c] + shift - display_width(line) - 1)
            spans.append(Span(len(text) + len(line), len(text) + len(line) + 1, f"V:t3.{row.key}.{late[c]}"))
            line += str(v)
        text += line + "\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    ext = decode(text, one_hot(text, spans))
    for row in rows:
        assert {c: ext.record.cells[f"t3.{row}.{c}"] for c in (*values, "research")} == {**values, "research": None}
    (decision,) = [d for d in ext.decisions if d["kind"] == "aligned_columns"]
    assert list(decision["columns"]) == ["natural_person", "commercial", "total"]


T4_COLS = ("upheld", "corrected", "other", "pending", "total")


@pytest.mark.parametrize("widened", [False, True])
def test_table_four_under_its_headers_is_read_by_place(widened):
    """Table 四 as ``pdftotext -layout`` prints it: three header lines, then one line of numbers,
    each under the header it ends beneath, a blank cell just more spaces (review: 2 upheld, 4
    other, 6 in all; direct suits: 3 upheld, 1 corrected, 4 in all).  The model counts values, not
    columns: 2 4 6 as upheld, corrected, other.  Each number's header says its cell; R4 holds.
    ``widened``: a converter turned the numbers' line full-width after the layout was made
    (``　　２``, one character for one): counted as the narrow characters they were, they line up."""
    fields = get_template("2019").table("t4").fields
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    pad = "   "
    text, spans = "2020年某某局政府信息公开工作年度报告\n", []
    h = "四、政府信息公开行政复议、行政诉讼情况"
    spans.append(Span(len(text), len(text) + len(h), "H4"))
    text += h + "\n行政复议" + " " * 40 + "行政诉讼\n"
    ends = []
    for n, line in enumerate((heads, heads + heads)):
        start = len(text)
        text += " " * (ends[-1] + len(pad)) if n else ""  # the litigation headers under 行政诉讼
        for k, w in enumerate(line):
            if k:
                text += pad
            spans.append(Span(len(text), len(text) + len(w), f"C:t4.{T4_COLS[k % 5]}"))
            text += w
            ends.append(display_width(text[start:]))
        text += "\n"
    values = {0: 2, 2: 4, 4: 6, 5: 3, 6: 1, 9: 4}  # field index -> count
    line_start, row = len(text), ""
    read_as = iter(fields)
    for k in sorted(values):
        v = str(values[k])
        row += " " * (ends[k] - display_width(row) - len(v))
        a = line_start + len(row)
        spans.append(Span(a, a + len(v), f"V:{next(read_as)}"))
        row += v
    if widened:
        row = row.translate({ord(" "): "\u3000", **{ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}})
    text += row + "\n五、存在的主要问题及改进情况\n无。\n"
    probs = one_hot(text, spans, p=0.6)
    off = decode(text, probs, config=ArbitrationConfig(columns=False))
    assert off.record.cells[fields[1]] == 4  # the model: 4 as corrected
    ext = decode(text, probs)
    assert {f: v for f, v in ext.record.cells.items() if f.startswith("t4.") and v is not None} == \
        {fields[k]: v for k, v in values.items()}
    (d,) = [d for d in ext.decisions if d["kind"] == "aligned_columns"]
    assert d["checks_broken"]["chosen"] == 0
