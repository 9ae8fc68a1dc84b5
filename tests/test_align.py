"""Template-order alignment: the DP, neighbouring-cell fixes, safeguards, the ablation switches."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from xxgk.data.labels import Span, label2id
from xxgk.data.schema import get_template
from xxgk.inference.align import AlignConfig, align, separator_step, viterbi
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import argmax_ids, decode
from xxgk.inference.extract import run_batch

from .conftest import one_hot

L = label2id()


def render(cells: dict, template: str = "2019", noise: dict[str, str] | None = None) -> tuple[str, list[Span]]:
    """Tables as text, one row per line, TAB between cells, blank cells empty; ``noise`` prints a
    line of text after the row of the given field (a page number between rows)."""
    text, spans = f"{template}年报告\n", []
    for table in get_template(template).tables:
        for block in table.blocks:
            text += "\t".join(["信息内容", *(c.text for c in block.columns)]) + "\n"
            for row in block.rows:
                text += row.text
                for col in block.columns:
                    f = f"{table.key}.{row.key}.{col.key}"
                    text += "\t"
                    if cells.get(f) is not None:
                        spans.append(Span(len(text), len(text) + len(str(cells[f])), f"V:{f}"))
                        text += str(cells[f])
                text += "\n" + (noise or {}).get(f"{table.key}.{row.key}", "")
    return text, spans


def reread(probs: np.ndarray, span: Span, readings: dict[str, float]) -> None:
    """The model reads every character of ``span`` as these V fields (B- first, I- after) / O."""
    for i in range(span.start, span.end):
        probs[i] = 1e-6
        for tag, p in readings.items():
            probs[i, L[tag if tag == "O" else ("B-" if i == span.start else "I-") + tag]] = p
        probs[i] /= probs[i].sum()


CELLS = {"t3.new_received.natural_person": 3, "t3.new_received.commercial": 2, "t3.new_received.total": 5,
         "t3.granted.natural_person": 3, "t3.granted.commercial": 2, "t3.granted.total": 5,
         "t3.total.natural_person": 3, "t3.total.commercial": 2, "t3.total.total": 5,
         "t4.review.upheld": 1, "t4.review.total": 1, "t2.regulations.new_made": 7,
         "t2.regulations.total_published": 7}


def span_of(spans: list[Span], field: str) -> Span:
    return next(s for s in spans if s.tag == f"V:{field}")


def order_decisions(ext) -> list[dict]:
    return [d for d in ext.decisions if d["kind"] == "order"]


# --------------------------------------------------------------------------- #
# The DP
# --------------------------------------------------------------------------- #
def test_viterbi_prefers_the_most_probable_increasing_assignment():
    lp = np.log
    # item 1 prefers cell 0 (taken by item 0), its second choice 1 keeps the order
    options = [[(0, lp(0.9))], [(0, lp(0.6)), (1, lp(0.3))], [(2, lp(0.9))]]
    assert viterbi(options, [lp(0.01)] * 3, 3) == [0, 1, 2]
    # no cell in order is plausible for item 1: dropped
    assert viterbi([[(1, lp(0.9))], [(0, lp(0.6))], [(2, lp(0.9))]], [lp(0.01), lp(0.3), lp(0.01)], 3) == [1, None, 2]
    # an item that must be assigned (None: no drop) and cannot be, in order
    assert viterbi([[(1, 0.0)], [(0, 0.0)]], [None, None], 2) is None
    assert viterbi([], [], 4) == []


def test_viterbi_adjacency_runs_through_assigned_neighbours_only():
    """Row r ends at cell 0; row r+1's three values are printed side by side, its first read
    as cell 1 (p 0.9), the others one cell early.  Leaving the first out does not make the
    second a neighbour of row r's last: the row stays together, shifted (1, 2, 3)."""
    lp = np.log
    options = [[(0, 0.0)], [(1, lp(0.9))], [(1, lp(0.8)), (2, lp(0.1))], [(2, lp(0.8)), (3, lp(0.1))]]
    drops = [None, lp(0.05), lp(0.001), lp(0.001)]
    assert viterbi(options, drops, 4, [0.0, 0.0, 4.0, 4.0]) == [0, 1, 2, 3]
    assert viterbi(options, drops, 4) == [0, None, 1, 2]  # no neighbours: the model's cells


def test_viterbi_adjacent_bonus_keeps_neighbours_on_a_line_together():
    lp = np.log
    options = [[(0, 0.0)], [(1, lp(0.4)), (2, lp(0.6))], [(3, lp(0.6)), (2, lp(0.4))]]
    drops = [lp(0.001)] * 3
    assert viterbi(options, drops, 4) == [0, 2, 3]
    assert viterbi(options, drops, 4, [0.0, 4.0, 0.0]) == [0, 1, 3]  # item 1 sits next to item 0
    assert viterbi(options, drops, 4, [0.0, 4.0, 4.0]) == [0, 1, 2]  # and item 2 next to item 1


def test_viterbi_step_of_two_skips_the_blank_cell_between_two_tabs():
    """``65\t\t3``: the 3 is two cells after the 65, not the next one the model prefers."""
    lp = np.log
    options = [[(0, 0.0)], [(1, lp(0.6)), (2, lp(0.4))], [(3, lp(0.6)), (2, lp(0.4))]]
    drops = [lp(0.001)] * 3
    assert viterbi(options, drops, 4, [0.0, 4.0, 4.0], [0, 2, 1]) == [0, 2, 3]
    assert viterbi(options, drops, 4, [0.0, 4.0, 4.0]) == [0, 1, 2]  # one cell each, as before


@pytest.mark.parametrize("between, step", [(" | ", 1), ("\t", 1), ("   ", 1), (" ", 0), ("", 0), ("\t\t", 2),
                                           (" |  | ", 0), ("\t \t\t", 3), ("\t|\t", 0), (" |\n| ", 0), ("、", 0)])
def test_separator_step_counts_the_cells_between_neighbours(between, step):
    assert separator_step(between) == step


# --------------------------------------------------------------------------- #
# Decoding with alignment
# --------------------------------------------------------------------------- #
def test_neighbouring_column_is_corrected_by_order():
    """granted.commercial's '2' read as natural_person (0.5) before commercial (0.45): natural_person
    already has its '3' to the left, so in order the '2' is the second choice."""
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    two = span_of(spans, "t3.granted.commercial")
    reread(probs, two, {"V:t3.granted.natural_person": 0.5, "V:t3.granted.commercial": 0.45, "O": 0.05})

    alone = decode(text, probs, arbitrate=False)  # the model alone: the argmax reading
    assert alone.record.cells["t3.granted.commercial"] is None
    assert alone.record.cells["t3.granted.natural_person"] == 3 and not order_decisions(alone)

    for ext in (decode(text, probs, arbitrate=False, align=True), decode(text, probs)):
        assert ext.record.cells["t3.granted.commercial"] == 2
        assert ext.record.cells["t3.granted.natural_person"] == 3
        (d,) = order_decisions(ext)
        assert d["changed"] and d["from"] == "t3.granted.natural_person" and d["to"] == "t3.granted.commercial"
        assert d["span"] == [two.start, two.end] and d["p"]["t3.granted.commercial"] == pytest.approx(0.45, abs=1e-3)
        det = ext.details["t3.granted.commercial"]
        assert det["aligned"] and det["arbitrated"] and ext.decisions[det["decision"]] is d
        assert "aligned" not in ext.details["t3.granted.natural_person"]  # its value did not change
    assert decode(text, probs).findings == []


def test_monotonic_argmax_reading_is_unchanged():
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    for f, other in (("t3.granted.natural_person", "t3.granted.commercial"), ("t4.review.total", "t4.review.pending")):
        reread(probs, span_of(spans, f), {f"V:{f}": 0.5, f"V:{other}": 0.45, "O": 0.05})
    ids = argmax_ids(probs)
    result = align(text, probs, ids, "2019")
    assert (result.ids == ids).all() and result.decisions == [] and result.changed == {} and not result.moved.any()
    assert decode(text, probs, arbitrate=False, align=True).record.cells == decode(text, probs,
                                                                                   arbitrate=False).record.cells


def test_confident_value_out_of_order_keeps_the_tables_argmax():
    """A confidently read repeat of table 四's first cell after its last: order would have to drop or
    move it, so table 四 keeps the model's reading (and says so); table 三's fix still happens."""
    text, spans = render(CELLS)
    text += "复议维持\t8\n"
    spans.append(Span(len(text) - 2, len(text) - 1, "V:t4.review.upheld"))
    probs = one_hot(text, spans)
    reread(probs, spans[-1], {"V:t4.review.upheld": 0.95, "V:t4.review.corrected": 0.04, "O": 0.01})
    reread(probs, span_of(spans, "t3.granted.commercial"),
           {"V:t3.granted.natural_person": 0.5, "V:t3.granted.commercial": 0.45, "O": 0.05})
    guarded = replace(ArbitrationConfig(), align=AlignConfig(confident=0.9))
    ext = decode(text, probs, arbitrate=False, align=True, config=guarded)
    kept = [d for d in order_decisions(ext) if not d["changed"]]
    assert [d["table"] for d in kept] == ["t4"] and "kept" in kept[0]["reason"]
    assert kept[0]["spans"] == [[spans[-1].start, spans[-1].end]]  # the confident span order would drop
    assert ext.record.cells["t4.review.upheld"] == 1  # the argmax reading: the more confident span wins
    assert ext.details["t4.review.upheld"]["conflicts"][0]["value"] == 8
    assert ext.record.cells["t3.granted.commercial"] == 2
    # anchor=True pins the confident spans instead; their own order is broken, so t4 is kept just the same
    anchored = decode(text, probs, arbitrate=False, align=True,
                      config=replace(ArbitrationConfig(), align=AlignConfig(confident=0.9, anchor=True)))
    assert anchored.record.cells == ext.record.cells


def test_lost_count_is_filled_in_order():
    """Table 三's last row read surely as values but as its first row again (its true cells p 0.005,
    below `min_prob`, so unranked — a Markdown fragment far from its labels): the order places it
    in the row the model gave the most of what is left; without `fill` it is dropped."""
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    cols = ("natural_person", "commercial", "total")
    for col in cols:
        reread(probs, span_of(spans, f"t3.total.{col}"),
               {f"V:t3.new_received.{col}": 0.994, f"V:t3.total.{col}": 0.005, "O": 0.001})
    filled = decode(text, probs, arbitrate=False, align=True)
    assert {f: filled.record.cells[f] for f in CELLS} == CELLS
    unranked = decode(text, probs, arbitrate=False, align=True,
                      config=replace(ArbitrationConfig(), align=AlignConfig(fill=None)))
    assert [unranked.record.cells[f"t3.total.{col}"] for col in cols] == [None, None, None]


def test_page_number_out_of_order_is_dropped():
    """A page number between rows of table 三, read (0.6) as a blank cell of an earlier row."""
    text, spans = render(CELLS, noise={"t3.granted": "— 4 —\n"})
    four = text.index("— 4 —") + 2
    spans.append(Span(four, four + 1, "V:t3.new_received.research"))
    probs = one_hot(text, spans)
    reread(probs, spans[-1], {"V:t3.new_received.research": 0.6, "O": 0.4})
    assert decode(text, probs, arbitrate=False).record.cells["t3.new_received.research"] == 4
    ext = decode(text, probs, arbitrate=False, align=True)
    assert ext.record.cells["t3.new_received.research"] is None
    assert ext.record.cells == {**dict.fromkeys(get_template("2019").fields), **CELLS}
    (d,) = order_decisions(ext)
    assert d["to"] is None and d["span"] == [four, four + 1] and "not a value" in d["reason"]
    assert ext.details["t3.new_received.research"]["aligned"]


def test_unsure_repeat_of_a_cell_is_dropped():
    text, spans = render(CELLS)
    text += "（重复）规章\t9\n"
    spans.append(Span(len(text) - 2, len(text) - 1, "V:t2.regulations.new_made"))
    probs = one_hot(text, spans)
    reread(probs, spans[-1], {"V:t2.regulations.new_made": 0.7, "O": 0.3})
    ext = decode(text, probs)
    assert ext.record.cells["t2.regulations.new_made"] == 7
    assert [d["to"] for d in order_decisions(ext)] == [None]
    # alignment off: the same value, the repeat read as no value by the arbitration (read as the
    # cell, it would lose to the confident 7 and go unread: a malformed reading)
    off = decode(text, probs, align=False)
    assert off.record.cells["t2.regulations.new_made"] == 7 and "conflicts" not in off.details["t2.regulations.new_made"]
    (d,) = [d for d in off.decisions if d["kind"] == "arbitration"]
    assert d["changed"] and d["span"] == [len(text) - 2, len(text) - 1]


def test_switched_off_by_config():
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    reread(probs, span_of(spans, "t3.granted.commercial"),
           {"V:t3.granted.natural_person": 0.5, "V:t3.granted.commercial": 0.45, "O": 0.05})
    off = replace(ArbitrationConfig(), align=AlignConfig(enabled=False))
    assert not order_decisions(decode(text, probs, config=off))  # (the sums fix this one on their own)
    assert order_decisions(decode(text, probs, config=off, align=True))  # the flag wins over the config
    assert not order_decisions(decode(text, probs, align=False))


def test_generator_samples_with_one_hot_probs_decode_as_the_argmax():
    """Real layouts print cells in template order: a perfect reading is never changed."""
    synth = pytest.importorskip("xxgk.data.synth.report")
    for seed in range(6):
        sample = synth.generate(seed)
        probs = one_hot(sample.text, sample.spans, p=1.0)
        aligned = decode(sample.text, probs, arbitrate=False, align=True)
        assert aligned.record.cells == decode(sample.text, probs, arbitrate=False).record.cells
        assert order_decisions(aligned) == []


# --------------------------------------------------------------------------- #
# The batch: arbitrate=False stays the model alone
# --------------------------------------------------------------------------- #
class FixedPredictor:
    def __init__(self, text: str, probs: np.ndarray):
        self.text, self.probs = text, probs

    def predict_proba(self, text: str) -> np.ndarray:
        assert text == self.text
        return self.probs


def test_batch_model_alone_is_the_argmax_reading(tmp_path):
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    reread(probs, span_of(spans, "t3.granted.commercial"),
           {"V:t3.granted.natural_person": 0.5, "V:t3.granted.commercial": 0.45, "O": 0.05})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(text, encoding="utf-8")
    read = {}
    for name, options in (("alone", {"arbitrate": False}), ("default", {}), ("align", {"arbitrate": False,
                                                                                      "align": True})):
        summary = run_batch([tmp_path / "in"], tmp_path / name, predictor=FixedPredictor(text, probs), workers=1,
                            progress=False, **options)
        (out,) = summary.outputs
        read[name] = json.loads(out.read_text(encoding="utf-8"))
    assert read["alone"]["cells"]["t3.granted.commercial"] is None
    assert read["alone"]["model"]["method"] == "model-alone" and not read["alone"]["model"]["align"]
    assert not [d for d in read["alone"]["decisions"] if d["kind"] == "order"]
    assert read["default"]["cells"]["t3.granted.commercial"] == 2 and read["default"]["model"]["align"]
    assert read["align"]["cells"]["t3.granted.commercial"] == 2


def _mix(n: int, rows: list[dict[str, float]]) -> np.ndarray:
    """Per-character probabilities from {label: p} dicts, the rest spread evenly."""
    probs = np.zeros((n, len(L)), dtype=np.float32)
    for k, row in enumerate(rows):
        rest = (1 - sum(row.values())) / (len(L) - len(row))
        probs[k] = rest
        for name, p in row.items():
            probs[k, L[name]] = p
    return probs


def test_resegment_keeps_a_number_whole_when_only_its_cell_is_in_doubt():
    from xxgk.inference.align import resegment

    a, b = "t2.other_services.prev_items", "t2.penalty.prev_items"
    probs = _mix(3, [{f"B-V:{a}": 0.45, f"B-V:{b}": 0.3, f"I-V:{b}": 0.1},  # 4
                     {f"I-V:{b}": 0.4, f"I-V:{a}": 0.35, f"B-V:{a}": 0.1},  # 7: argmax another row's I-
                     {f"I-V:{b}": 0.4, f"I-V:{a}": 0.3, f"B-V:{b}": 0.1}])  # 3
    ids = argmax_ids(probs)
    assert len({int(i) for i in ids[1:]} | {int(ids[0])}) == 2  # the argmax reads 4 | 73
    names = [list(L)[i] for i in resegment(probs, ids)]
    assert names == [f"B-V:{b}", f"I-V:{b}", f"I-V:{b}"]  # one value, in the cell with most mass (1.3 vs 1.2)


def test_resegment_still_splits_run_together_cells_where_values_start():
    from xxgk.inference.align import resegment

    f1, f2, f3 = "t2.normative.new_made", "t2.normative.new_published", "t2.normative.total_published"
    tags = [f"B-V:{f1}", f"I-V:{f1}", f"B-V:{f2}", f"B-V:{f3}", f"I-V:{f3}", f"I-V:{f3}"]  # 12 5 118
    probs = _mix(6, [{t: 0.9} for t in tags])
    assert [list(L)[i] for i in resegment(probs, argmax_ids(probs))] == tags


def test_other_templates_cell_is_read_as_the_cell_in_the_same_place():
    """A 2019 report (its headers say so) whose '7' the model reads as 2021's regulations.issued:
    the model alone drops it (no such cell in 2019); the decoder reads it as 2019's cell in the
    same place, regulations.new_made, and records why."""
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    seven = span_of(spans, "t2.regulations.new_made")
    reread(probs, seven, {"V:t2.regulations.issued": 0.9, "V:t2.regulations.new_made": 0.05, "O": 0.05})

    alone = decode(text, probs, arbitrate=False)
    assert alone.record.template == "2019" and alone.record.cells["t2.regulations.new_made"] is None
    ext = decode(text, probs)
    assert ext.record.cells["t2.regulations.new_made"] == 7
    (d,) = [d for d in ext.decisions if d["kind"] == "template"]
    assert d["from"] == "t2.regulations.issued" and d["to"] == "t2.regulations.new_made"
    assert d["span"] == [seven.start, seven.end]
    assert ext.details["t2.regulations.new_made"]["arbitrated"]
    off = ArbitrationConfig(align=replace(AlignConfig(), fold=False))
    assert decode(text, probs, config=off).record.cells["t2.regulations.new_made"] is None


# --------------------------------------------------------------------------- #
# Placement readings (arbitrate.placement_sites, place.py)
# --------------------------------------------------------------------------- #
def test_row_read_one_column_off_is_placed_back_by_the_column_sums():
    """granted's '3' and '2' read one column to the right (p 0.95 each, as after a page footer
    between two cells): the row still adds up, but three column sums break; giving the same
    values, in order, to the row's cells the sums hold — a recorded ``placement`` decision."""
    text, spans = render(CELLS)
    probs = one_hot(text, spans)
    three, two = span_of(spans, "t3.granted.natural_person"), span_of(spans, "t3.granted.commercial")
    reread(probs, three, {"V:t3.granted.commercial": 0.95, "V:t3.granted.natural_person": 0.04, "O": 0.01})
    reread(probs, two, {"V:t3.granted.research": 0.95, "V:t3.granted.commercial": 0.04, "O": 0.01})

    off = decode(text, probs, config=ArbitrationConfig(placement=False, joint_columns=False))
    assert off.record.cells["t3.granted.commercial"] == 3 and off.record.cells["t3.granted.research"] == 2
    assert off.findings

    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in ("natural_person", "commercial", "research", "total")] \
        == [3, 2, None, 5]
    assert ext.findings == []
    (d,) = [d for d in ext.decisions if d["kind"] == "placement" and d["changed"]]
    assert d["alternatives"][0]["checks_broken"] == 3 and "placed in other cells" in d["reason"]
    assert {"t3.granted.natural_person", "t3.granted.research"} <= set(d["fields"])
    assert all(f.startswith("t3.granted.") for f in d["fields"])
    assert ext.details["t3.granted.natural_person"]["arbitrated"]


def test_row_whose_placements_fix_nothing_keeps_the_models_cells():
    """A report that prints a row that does not add up (granted total 6, cells 3 and 2): no way
    of placing the same values repairs it, so the model's cells stay and the finding is reported."""
    text, spans = render({**CELLS, "t3.granted.total": 6})
    ext = decode(text, one_hot(text, spans))
    assert ext.record.cells["t3.granted.natural_person"] == 3 and ext.record.cells["t3.granted.total"] == 6
    assert not any(d["changed"] for d in ext.decisions)
    assert {f.rule for f in ext.findings} >= {"R3"}


def test_a_value_on_a_labelled_line_goes_to_that_row():
    """``规章\\t\\t1\\t`` then ``规范性文件\\t\\t1\\t1``: the model reads the 规章 line's 1 as the next
    row's first cell (p 0.7; its own row 0.3) — in template order, so nothing else objects.  The
    row label it read on that line names the row: the value goes there."""
    cells = {"t2.regulations.new_published": 1, "t2.normative.new_published": 1, "t2.normative.total_published": 1}
    text, spans = render(cells)
    for row, label in (("regulations", "规章"), ("normative", "规范性文件")):
        at = text.index(label + "\t")
        spans.append(Span(at, at + len(label), f"R:t2.{row}"))
    probs = one_hot(text, spans)
    reread(probs, span_of(spans, "t2.regulations.new_published"),
           {"V:t2.normative.new_made": 0.7, "V:t2.regulations.new_published": 0.3})
    off = decode(text, probs, config=ArbitrationConfig(align=AlignConfig(row_label=0.0)))
    assert off.record.cells["t2.normative.new_made"] == 1 and off.record.cells["t2.regulations.new_published"] is None
    ext = decode(text, probs)
    assert {f: ext.record.cells[f] for f in cells} == cells and ext.record.cells["t2.normative.new_made"] is None
    assert [d["to"] for d in order_decisions(ext)] == ["t2.regulations.new_published"]


def test_the_digits_of_one_markdown_cell_are_one_number():
    """``| 20 |``: the model reads the 2 as commercial enterprises and the 0 as research
    institutions; a pipe separates cells, so the cell's digits are one number (a recorded
    ``markdown_cell`` decision)."""
    text = "2020年某某镇政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n| 一、本年新收 | 0 | 20 | 0 | 20 |\n"
    at = [text.index(piece) + 2 for piece in ("| 0 | 20", "| 20 | 0", "| 0 | 20 |\n")]
    total = text.rindex("20")
    spans = [Span(at[0], at[0] + 1, "V:t3.new_received.natural_person"),
             Span(at[1], at[1] + 1, "V:t3.new_received.commercial"), Span(at[1] + 1, at[1] + 2, "V:t3.new_received.research"),
             Span(at[2], at[2] + 1, "V:t3.new_received.social_org"), Span(total, total + 2, "V:t3.new_received.total")]
    probs = one_hot(text, spans, p=0.9)
    off = decode(text, probs, template="2019", config=ArbitrationConfig(align=AlignConfig(cells=False)))
    assert off.record.cells["t3.new_received.commercial"] == 2
    ext = decode(text, probs, template="2019")
    assert ext.record.cells["t3.new_received.commercial"] == 20 and ext.record.cells["t3.new_received.research"] is None
    (d,) = [d for d in ext.decisions if d["kind"] == "markdown_cell"]
    assert d["text"] == "20" and d["fields"] == ["t3.new_received.commercial"]
