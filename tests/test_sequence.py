"""Table 四 as a sequence: fifteen numbers, one per line, a page break among them."""
from __future__ import annotations

import json

import pytest

from xxgk.data.labels import Span, label2id
from xxgk.data.schema import CHINESE_NUMERALS, SECTIONS, get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot

L = label2id()
CELLS = get_template("2019").table("t4").fields
VALUES = dict(zip(CELLS, [1, 0, 0, 1, 2] + [0] * 10))  # R4 holds: 1 + 0 + 0 + 1 = 2


def one_per_line(footer: str) -> tuple[str, list[Span]]:
    """Table 四 printed one count per line (a Word export), ``footer`` after the seventh."""
    text, spans = "2020年某某镇政府信息公开工作年度报告\n", []
    for n in (4, 5):
        h = f"{CHINESE_NUMERALS[n - 1]}、{SECTIONS[n - 1].title}"
        spans.append(Span(len(text), len(text) + len(h), f"H{n}"))
        text += h + "\n"
        if n == 4:
            text += "行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
            for k, f in enumerate(CELLS):
                text += "\t"
                spans.append(Span(len(text), len(text) + len(str(VALUES[f])), f"V:{f}"))
                text += f"{VALUES[f]}\n"
                if k == 6:
                    text += footer
    return text + "无。\n", spans


def test_counts_after_a_page_break_are_read_in_order():
    """After ``第12页`` the model reads two zeros as review.upheld (p 0.6 — it lost count), so the
    order stage drops them; two cells stay blank while two printed counts go unread.  All sums
    hold either way.  Fifteen numbers on lines of numbers only (the footer has words): read in
    order they fill the fifteen cells — one recorded decision."""
    text, spans = one_per_line("第12页\n2020年政府信息公开工作年度报告\n")
    probs = one_hot(text, spans)
    lost = [s for s in spans if s.tag in ("V:t4.suit_direct.total", "V:t4.suit_after_review.upheld")]
    for s in lost:
        probs[s.start] = 1e-6
        probs[s.start, L["B-V:t4.review.upheld"]] = 0.6
        probs[s.start, L["O"]] = 0.3
        probs[s.start, L[f"B-{s.tag}"]] = 0.005
    off = decode(text, probs, config=ArbitrationConfig(sequence=False))
    assert [off.record.cells[s.tag[2:]] for s in lost] == [None, None]
    ext = decode(text, probs)
    assert {f: ext.record.cells[f] for f in CELLS} == VALUES
    (decision,) = [d for d in ext.decisions if d["kind"] == "table_sequence"]
    assert decision["unread"] == {"model": 2, "chosen": 0} and decision["dropped"] == []
    json.dumps(ext.decisions)


def test_a_bare_page_number_among_the_counts_is_left_out():
    """A page number printed bare (``8``) is a sixteenth number on a line of numbers only.  The
    model reads it as a count (p 0.5, not a value 0.4) and loses count after it: a zero read as
    review.upheld; the order stage drops both.  Of the readings of fifteen of the sixteen numbers in order,
    the one leaving out the 8 keeps the sums; the 8 is recorded as dropped."""
    text, spans = one_per_line("8\n")
    probs = one_hot(text, spans)
    page = text.index("\n8\n") + 1
    probs[page] = 1e-6
    probs[page, L["B-V:t4.suit_direct.upheld"]] = 0.5
    probs[page, L["O"]] = 0.4
    (lost,) = [s for s in spans if s.tag == "V:t4.suit_direct.total"]
    probs[lost.start] = 1e-6
    probs[lost.start, L["B-V:t4.review.upheld"]] = 0.6
    probs[lost.start, L["O"]] = 0.3
    probs[lost.start, L[f"B-{lost.tag}"]] = 0.005
    assert decode(text, probs, config=ArbitrationConfig(sequence=False)).record.cells[lost.tag[2:]] is None
    ext = decode(text, probs)
    assert {f: ext.record.cells[f] for f in CELLS} == VALUES
    (decision,) = [d for d in ext.decisions if d["kind"] == "table_sequence"]
    assert decision["dropped"] == ["8"] and decision["checks_broken"]["chosen"] == 0


def test_a_table_read_whole_is_left_alone():
    text, spans = one_per_line("第12页\n")
    ext = decode(text, one_hot(text, spans))
    assert {f: ext.record.cells[f] for f in CELLS} == VALUES
    assert not [d for d in ext.decisions if d["kind"] == "table_sequence"]


@pytest.mark.parametrize("line", ["－ 12 －\n", "第12页\n"])
def test_a_page_footer_read_as_a_count_is_dropped(line):
    """A page footer after the seventh count: the model reads its 12 as suit_direct.upheld (sure
    of it) and every count after it one cell late, the last two both as the last cell.  The group
    sums break.  The footer's line is no line of numbers and holds no label the model read:
    reading the fifteen numbers in order and the footer as none keeps every sum — one recorded
    decision, the 12 dropped."""
    text, spans = one_per_line(line)
    footer = text.index("12", text.index(line))
    late = {f: g for f, g in zip(CELLS[7:], CELLS[8:] + (CELLS[-1],))}
    spans = [Span(s.start, s.end, "V:" + late[s.tag[2:]]) if s.tag[2:] in late else s for s in spans]
    spans.append(Span(footer, footer + 2, "V:" + CELLS[7]))
    off = decode(text, one_hot(text, sorted(spans, key=lambda s: s.start)), config=ArbitrationConfig(sequence=False))
    assert {f: off.record.cells[f] for f in CELLS} != VALUES
    ext = decode(text, one_hot(text, sorted(spans, key=lambda s: s.start)))
    assert {f: ext.record.cells[f] for f in CELLS} == VALUES and ext.findings == []
    (decision,) = [d for d in ext.decisions if d["kind"] == "table_sequence"]
    assert decision["dropped"] == ["12"]


def test_a_markdown_row_of_fifteen_cells_is_read_by_place():
    """``| 7 |  | 1 | 1 | 9 |  | …`` (review: 7 upheld, none corrected, 1 other, 1 pending, 9 in
    all; the other groups blank): the model counts values, not cells — it reads 7, 1, 1, 9 as
    upheld, pending, the total and the next group's upheld.  Each cell's place is its column."""
    printed = ["7", "", "1", "1", "9"] + [""] * 10
    read_as = [CELLS[0], CELLS[3], CELLS[4], CELLS[5]]  # the model's cells for 7, 1, 1, 9
    text = "2020年某某镇政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n\n| 行政复议 |" + " |" * 14 + "\n| "
    spans, k = [], 0
    for v in printed:
        if v:
            spans.append(Span(len(text), len(text) + 1, f"V:{read_as[k]}"))
            k += 1
        text += (v or " ") + " | "
    text = text.rstrip() + "\n\n五、存在的主要问题及改进情况\n无。\n"
    probs = one_hot(text, spans, p=0.6)
    off = decode(text, probs, config=ArbitrationConfig(sequence=False))
    assert [off.record.cells[f] for f in CELLS[:6]] == [7, None, None, 1, 1, 9]
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in CELLS[:6]] == [7, None, 1, 1, 9, None]
    (d,) = [d for d in ext.decisions if d["kind"] == "table_grid"]
    assert d["checks_broken"]["chosen"] == 0 < d["checks_broken"]["model"]
