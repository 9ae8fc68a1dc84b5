"""Table 三 read by its column sums: a row run together that adds up two ways or none (a misprint),
a table that prints only its total column (``totals.py``), rows whose blank cells left their
columns open moved two at a time (``joint.py``)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from xxgk.data.labels import Span
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot
from .test_decode import L, consistent_2019, render, span_of

T3 = get_template("2021").table("t3")
COLS = [c.key for c in T3.blocks[0].columns]


def crawler_table(printed: dict[str, dict[str, int]], cut: dict[str, int]) -> tuple[str, object]:
    """A 2021 table 三 on one line: each row's label, then its ``printed`` cells run together
    (blanks printed as nothing; a row not given prints a total of 0); the model reads the labels,
    and cuts each row of ``cut`` after that many digits (p 0.6), the first part read as natural
    persons."""
    text, spans = "2021年某某镇政府信息公开工作年度报告 三、收到和处理政府信息公开申请情况 ", []
    for row in T3.rows:
        spans.append(Span(len(text), len(text) + len(row.text), f"R:t3.{row.key}"))
        text += row.text
        for col, v in printed.get(row.key, {"total": 0}).items():
            spans.append(Span(len(text), len(text) + len(str(v)), f"V:t3.{row.key}.{col}"))
            text += str(v)
    text += " 四、政府信息公开行政复议、行政诉讼情况 无。"
    probs = one_hot(text, spans)
    for row, k in cut.items():
        s = next(s for s in spans if s.tag == f"V:t3.{row}.total")
        probs[s.start] = 1e-6
        probs[s.start, L[f"B-V:t3.{row}.natural_person"]] = 0.6
        probs[s.start, L[f"B-V:t3.{row}.total"]] = 0.4 - 1e-6 * len(L)
        probs[s.start + k] = 1e-6
        probs[s.start + k, L[f"B-V:t3.{row}.total"]] = 0.6
        probs[s.start + k, L[f"I-V:t3.{row}.total"]] = 0.4 - 1e-6 * len(L)
    return text, probs


TOTALS = {"new_received": 62, "carried_over": 5, "granted": 56, "partial": 4, "not_processed.complaint": 2,
          "other.misc": 5, "total": 67}


def test_a_table_printing_only_its_totals_is_read_as_its_total_column():
    """``一、本年新收…数量62`` read as 6 | 2 (natural persons, total), ``56`` and ``67`` alike: every
    row breaks R3 however it is read; the column sums of the totals hold only read whole."""
    text, probs = crawler_table({r: {"total": v} for r, v in TOTALS.items()}, {"new_received": 1, "granted": 1, "total": 1})
    off = decode(text, probs, config=ArbitrationConfig(totals=False))
    assert [off.record.cells[f"t3.{r}.total"] for r in ("new_received", "granted", "total")] == [2, 6, 7]
    ext = decode(text, probs)
    assert {f: v for f, v in ext.record.cells.items() if f.startswith("t3.") and v} == \
        {f"t3.{r}.total": v for r, v in TOTALS.items()}
    (d,) = [d for d in ext.decisions if d["kind"] == "totals_only"]
    assert d["rows"] == ["new_received", "granted", "total"] and d["checks_broken"]["chosen"] == 0
    assert "t3.new_received.natural_person" in d["fields"] and ext.details["t3.new_received.total"]["arbitrated"]
    json.dumps(ext.decisions)


def test_a_table_whose_rows_add_up_is_not_read_as_totals_only():
    """Rows that print natural persons and the total run together (``1818``), read right: the
    totals-only reading (1818 in the total) would hold the column sums too, but breaks more than
    the model's reading, which holds every sum."""
    rows = {r: {"natural_person": 18, "total": 18} for r in ("new_received", "granted", "total")}
    text, probs = crawler_table(rows, {})
    ext = decode(text, probs)
    assert {f: v for f, v in ext.record.cells.items() if f.startswith("t3.") and v} == \
        {f"t3.{r}.{c}": 18 for r in rows for c in ("natural_person", "total")}
    assert not [d for d in ext.decisions if d["kind"] == "totals_only"]


def _run_together(row: str | tuple[str, ...], values: dict[str, int | None], gold: list[str], wrong_starts: set[int]):
    """A 2019 report whose ``row`` (or rows) prints ``values`` run together, the granted, total and new
    rows carrying the same numbers (every column sum holds); the model leans to each digit's right
    cell (``gold``, per digit) but starts values at ``wrong_starts`` (p 0.7, elsewhere 0.3).
    ``first``: where the (first) row's digits start."""
    rows = (row,) if isinstance(row, str) else row
    cells = consistent_2019(**{f"t3.{r}.{c}": v for r in ("granted", "total", "new_received")
                               for c, v in values.items()})
    fields = {r: [f"t3.{r}.{c}" for c in COLS] for r in rows}
    text, spans = render("2019", cells, joined={pair for fs in fields.values() for pair in zip(fs, fs[1:])})
    probs = one_hot(text, spans)
    for r in rows:
        lean(probs, span_of(spans, fields[r][0]).start, r, gold, wrong_starts)
    return text, probs, span_of(spans, fields[rows[0]][0]).start


def lean(probs: np.ndarray, first: int, row: str, cells: list[str], starts: set[int]) -> None:
    """The model over a row's digits from ``first``: each digit leans to its cell of ``cells`` (half
    the mass), and a value starts at the digits of ``starts`` (p 0.7, elsewhere 0.3)."""
    for k, col in enumerate(cells):
        probs[first + k] = 1e-7
        start = 0.7 if k in starts else 0.3
        for c in COLS:
            share = 0.5 if c == col else 0.5 / (len(COLS) - 1)
            probs[first + k, L[f"B-V:t3.{row}.{c}"]] = start * share
            probs[first + k, L[f"I-V:t3.{row}.{c}"]] = (1 - start) * share


def test_a_row_that_adds_up_two_ways_is_cut_by_the_column_sums_through_it():
    """``（七）总计68422112``: 68 + 42 + 2 = 112, and 6 + 84 + 22 = 112 too.  The model cuts
    6 | 84 | 2 | 2112; of the cuts that add up it prefers 6 | 84 | 22, the column sums (the results
    and new applications carry 68, 42, 2) choose 68 | 42 | 2."""
    values = dict.fromkeys(COLS) | {"natural_person": 68, "commercial": 42, "research": 2, "total": 112}
    gold = ["natural_person"] * 2 + ["commercial"] * 2 + ["research"] + ["total"] * 3
    text, probs, first = _run_together("total", values, gold, {0, 1, 3, 4})  # 6 | 84 | 2 | 2112
    off = decode(text, probs, config=ArbitrationConfig(split_column_sums=False))
    assert [off.record.cells[f"t3.total.{c}"] for c in ("natural_person", "commercial", "research")] == [6, 84, 22]
    ext = decode(text, probs)
    assert {c: ext.record.cells[f"t3.total.{c}"] for c in COLS} == values
    (d,) = [d for d in ext.decisions if d["kind"] == "split" and d["span"][0] == first]
    assert d["column_sums"]["held"] == d["column_sums"]["of"] > 0


MISPRINTED = {  # the granted row: printed values, the model's wrong value starts, the knob that decides
    "28531338": ({"natural_person": 28, "commercial": 5, "research": 3, "social_org": None, "legal_service": 1,
                  "other_org": 3, "total": 38}, {0, 5, 6}, "split_column_sums"),
    "8501915826121100": ({"natural_person": 850, "commercial": 19, "research": 15, "social_org": 8,
                          "legal_service": 26, "other_org": 12, "total": 1100}, {0, 1, 4, 7, 11}, "split_column_reading"),
}


@pytest.mark.parametrize("printed", list(MISPRINTED))
def test_a_misprinted_row_run_together_is_cut_by_the_column_sums_through_it(printed):
    """The granted row misprints its total (``28531338``: 28, 5, 3, 1, 3 make 40, not 38;
    ``8501915826121100``: the 19 a misprint of 189), so no cut adds up across it; the total row
    below carries the same numbers, so every column sum through the row holds.  The model leans to
    the right cells but cuts the digits wrong (28531 | 3 | 38; 8 | 501 | 915 …).  Among the cuts
    offered the column sums choose (``split_column_sums``); where the right cut is not among the
    most probable offered, one more reading — the cut whose values meet the most column sums — is
    (``split_column_reading``)."""
    row, wrong_starts, knob = MISPRINTED[printed]
    gold = [c for c, v in row.items() if v is not None for _ in str(v)]
    text, probs, first = _run_together("granted", row, gold, wrong_starts)
    assert text[first:first + len(printed)] == printed
    off = decode(text, probs, config=ArbitrationConfig(**{knob: False}))
    assert off.record.cells["t3.granted.natural_person"] != row["natural_person"]
    ext = decode(text, probs)
    assert {c: ext.record.cells[f"t3.granted.{c}"] for c in COLS} == row
    (d,) = [d for d in ext.decisions if d["kind"] == "split" and d["span"][0] == first]
    assert d["column_sums"]["held"] == d["column_sums"]["of"] and "column sums" in d["reason"]
    assert not next(a for a in d["alternatives"] if a["reading"] == d["chosen"]["reading"])["adds_up"]


def test_two_rows_whose_columns_are_swapped_are_moved_together():
    """Blanks printed as nothing: 部分公开 ``11`` read as social organisations, 国家秘密 ``22`` as
    research, where the column sums (new applications and the total carry commercial 1, research 1,
    social organisations 2) want research and social organisations.  No one row's move makes the
    sums closer — each takes a column from the other — both moved at once do."""
    gold = {"granted": ("commercial", 1), "partial": ("research", 1), "denied.state_secret": ("social_org", 2)}
    read = {"granted": "commercial", "partial": "social_org", "denied.state_secret": "research"}
    sums = {"commercial": 1, "research": 1, "social_org": 2, "total": 4}
    printed = {"new_received": sums, "total": sums} | {r: {read[r]: v, "total": v} for r, (_, v) in gold.items()}
    text, probs = crawler_table(printed, {})
    for row in read:  # the model unsure of the column of each result row's value
        label = next(r.text for r in T3.rows if r.key == row)
        i = text.index(label) + len(label)
        probs[i] = 1e-6
        for c in COLS[:-1]:
            probs[i, L[f"B-V:t3.{row}.{c}"]] = 0.5 if c == read[row] else 0.1
    assert decode(text, probs, config=ArbitrationConfig(joint_pairs=False)).record.cells["t3.partial.social_org"] == 1
    ext = decode(text, probs)
    assert {r: ext.record.cells[f"t3.{r}.{c}"] for r, (c, _) in gold.items()} == {r: v for r, (_, v) in gold.items()}
    assert ext.record.cells["t3.partial.social_org"] is None
    assert [d for d in ext.decisions if d["kind"] == "joint_columns"]


def test_a_row_run_together_with_a_space_before_its_total_is_still_decided_by_the_column_sums():
    """Crawler text pads a space here and there: ``68422 112`` is still a row run together (the
    model's reading cuts a digit run), and the column sums choose 68 | 42 | 2 over 6 | 84 | 22."""
    values = dict.fromkeys(COLS) | {"natural_person": 68, "commercial": 42, "research": 2, "total": 112}
    gold = ["natural_person"] * 2 + ["commercial"] * 2 + ["research"] + ["total"] * 3
    text, probs, first = _run_together("total", values, gold, {0, 1, 3, 4})
    at = first + 5
    text = text[:at] + " " + text[at:]
    probs = np.insert(probs, at, one_hot(" ", [])[0], axis=0)
    assert text[first:first + 9] == "68422 112"
    ext = decode(text, probs)
    assert {c: ext.record.cells[f"t3.total.{c}"] for c in COLS} == values


def test_two_rows_cut_the_same_wrong_way_are_decided_together():
    """``73061301188893`` printed in the new-applications row and in the totals row: 730 | 61 | 3 | 0 |
    11 | 88 | 893, and 730 | 6 | 1 | 30 | 118 | 8 | 893 adds up too — the model prefers it in both rows.
    Each row moved alone breaks the sum (R1) the other keeps with it; the granted row (read right)
    says the totals are wrong (R2).  Both moved at once keep every sum through them."""
    values = {"natural_person": 730, "commercial": 61, "research": 3, "social_org": 0, "legal_service": 11,
              "other_org": 88, "total": 893}
    gold = [c for c, v in values.items() for _ in str(v)]
    text, probs, first = _run_together(("new_received", "total"), values, gold, {0, 3, 4, 5, 7, 10})
    assert text[first:first + 14] == "73061301188893"
    wrong = [730, 6, 1, 30, 118, 8, 893]
    off = decode(text, probs, config=ArbitrationConfig(split_pair_readings=0))
    assert [[off.record.cells[f"t3.{r}.{c}"] for c in COLS] for r in ("new_received", "total")] == [wrong, wrong]
    ext = decode(text, probs)
    assert [[ext.record.cells[f"t3.{r}.{c}"] for c in COLS] for r in ("new_received", "total")] == \
        [list(values.values())] * 2
    assert all("decided together" in d["reason"] for d in ext.decisions if d["kind"] == "split" and d["changed"])


def test_three_rows_cut_the_same_wrong_way_are_decided_all_at_once():
    """Crawler text: three rows print ``22426`` (22 natural persons, 4 enterprises, 26 in all), each
    run on into the next label's list number; the model cuts each 2 | 24 | 26, which adds up too.
    The new-applications and totals rows (66 | 12 | 78) say the natural-person column is 60 short:
    one row moved leaves it 40 short, two rows 20 — no sum holds until all three move, which only
    the search over all rows at once finds."""
    rows = ("denied.law_prohibited", "denied.three_safety", "denied.third_party")
    row = {"natural_person": 22, "commercial": 4, "total": 26}
    sums = {c: 3 * v for c, v in row.items()}
    text, probs = crawler_table({"new_received": sums, "total": sums} | {r: row for r in rows}, {})
    for r in rows:
        label = next(x.text for x in T3.rows if x.key == r)
        first = text.index(label) + len(label)
        assert text[first:first + 7] in ("224263.", "224264.", "224265.")
        lean(probs, first, r, ["natural_person"] * 2 + ["commercial"] + ["total"] * 2, {0, 1, 3})  # 2 | 24 | 26
    read = lambda ext: [[ext.record.cells[f"t3.{r}.{c}"] for c in row] for r in rows]  # noqa: E731
    assert read(decode(text, probs, config=ArbitrationConfig(split_joint_states=0))) == [[2, 24, 26]] * 3
    ext = decode(text, probs)
    assert read(ext) == [[22, 4, 26]] * 3 and not [f for f in ext.findings if f.severity == "hard"]
    assert all("all rows" in d["reason"] for d in ext.decisions if d["kind"] == "split" and d["changed"])


def test_fifteen_rows_read_in_one_wrong_column_are_all_moved(monkeypatch):
    """Fifteen result rows print ``11`` (one commercial enterprise, a total of 1; blanks printed as
    nothing) and the new-applications and totals rows carry commercial 15: the model leans to social
    organisations for every row (0.3 against 0.25).  The descent moves one row a step, each step
    bringing the sums closer — fifteen steps, more than the twelve it once stopped at, where no
    reading was taken at all (the column-pattern stage, which could move the two sum rows
    instead, is off)."""
    import xxgk.inference.joint as joint

    results = [r.key for r in T3.rows if r.key not in ("new_received", "carried_over", "total", "carried_forward")][:15]
    sums = {"commercial": len(results), "total": len(results)}
    printed = {"new_received": sums, "total": sums} | {r: {"social_org": 1, "total": 1} for r in results}
    text, probs = crawler_table(printed, {})
    for row in results:
        label = next(r.text for r in T3.rows if r.key == row)
        i = text.index(label) + len(label)
        probs[i] = 1e-6
        for c in COLS[:-1]:
            probs[i, L[f"B-V:t3.{row}.{c}"]] = {"social_org": 0.3, "commercial": 0.25}.get(c, 0.1)
    config = ArbitrationConfig(patterns=False)
    monkeypatch.setattr(joint, "MAX_MOVES", 12)
    assert all(decode(text, probs, config=config).record.cells[f"t3.{r}.social_org"] == 1 for r in results)
    monkeypatch.undo()
    ext = decode(text, probs, config=config)
    assert all(ext.record.cells[f"t3.{r}.commercial"] == 1 for r in results) and ext.findings == []
    (d,) = [d for d in ext.decisions if d["kind"] == "joint_columns"]
    assert "15 value(s) moved" in d["reason"]


def test_all_rows_placed_at_once_make_the_sums_hold_where_each_move_costs_the_model_something():
    """`joint._all_rows`: three short rows, each able to move its value one column on (costing 0.5 in
    the model's log-probability) and each move taking 1 off a column sum 3 short — only all three
    together make it hold.  The fewest checks broken wins over the most probable; a beam of one
    state keeps only the most probable way, and finds nothing better than the reading."""
    from xxgk.inference.joint import _all_rows

    order = ["a", "b", "c"]
    options = {r: [(0,), (1,)] for r in order}
    delta = lambda row, o: np.array([-1.0 * o[0], 0.0])  # noqa: E731
    gain = lambda row, o: -0.5 * o[0]  # noqa: E731
    assert _all_rows(order, options, np.array([3.0, 0.0]), delta, gain, 2000) == {r: (1,) for r in order}
    assert _all_rows(order, options, np.array([2.0, 0.0]), delta, gain, 2000) in (
        {"a": (1,), "b": (1,), "c": (0,)}, {"a": (1,), "b": (0,), "c": (1,)}, {"a": (0,), "b": (1,), "c": (1,)})
    assert _all_rows(order, options, np.array([3.0, 0.0]), delta, gain, 1) == {r: (0,) for r in order}
