"""The value prior (``xxgk.models.prior``): learnt forms per field, saved with a model, weighed where a
row's values run together."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from xxgk.data.labels import Span, labels
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode
from xxgk.inference.split import amount_chars, cut_points, runs_on_label
from xxgk.models.prior import FORMS, PRIOR_FILE, ValuePrior, form

from .conftest import one_hot
from .test_decode import render, span_of, unsure

ROW = ("t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force")


@pytest.mark.parametrize("value, expected", [
    (None, "blank"), (0, "zero"), ("/", "mark"), ("—", "mark"), ("无", "mark"), ("0.00", "mark"),
    ("2192.63万元", "w4"), ("0.5", "w1"), ("386000元", "w2"), ("905万", "w3"), ("12.5", "w2"),
    (7, "n1"), (118, "n3"), (1234567, "n6"), (-3, "neg1"), (-12, "neg2")])
def test_form_of_a_value(value, expected):
    assert form(value) == expected and expected in FORMS


def test_prior_counts_forms_per_field_and_round_trips(tmp_path):
    prior = ValuePrior.from_cells([{ROW[0]: 12, ROW[1]: 5}, {ROW[0]: 31, ROW[1]: None, ROW[2]: 118}, {ROW[0]: 4}])
    assert prior.counts[ROW[0]] == {"n1": 1, "n2": 2} and prior.counts[ROW[1]] == {"blank": 1, "n1": 1}
    assert prior.logp(ROW[0], 77) == pytest.approx(math.log(3 / (3 + len(FORMS))))  # add-one smoothed
    assert prior.logp(ROW[0], 77) > prior.logp(ROW[0], 7) > prior.logp(ROW[0], 777)
    assert prior.logp("t2.never.seen", 5) == 0.0
    assert prior.rows["|".join(ROW)] == {"n2|blank|n3": 1}  # only rows whose cells are all annotated
    assert ValuePrior.load(tmp_path) is None  # a model folder from before the prior
    prior.save(tmp_path)
    assert ValuePrior.load(tmp_path) == prior
    data = json.loads((tmp_path / PRIOR_FILE).read_text(encoding="utf-8"))
    data["forms"] = data["forms"][:-1]
    (tmp_path / PRIOR_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="forms"):
        ValuePrior.load(tmp_path)


def _normative_row(joined: bool):
    """2021's 行政规范性文件 row printed 12, 5, 118 — run together (``125118``) or tab-separated — with a
    model that reads 1 | 25 | 118 (p 0.6 that a value starts at the 2, 0.4 at the 5): every cell filled,
    every digit read, nothing malformed."""
    cells = dict.fromkeys(get_template("2021").fields, 0)
    cells.update(dict(zip(ROW, (12, 5, 118))))
    text, spans = render("2021", cells, joined={(ROW[0], ROW[1]), (ROW[1], ROW[2])} if joined else set())
    probs = one_hot(text, spans)
    if joined:
        first = span_of(spans, ROW[0]).start
        unsure(probs, first + 1, f"B-V:{ROW[1]}", f"I-V:{ROW[0]}", 0.6)
        unsure(probs, first + 2, f"I-V:{ROW[1]}", f"B-V:{ROW[1]}", 0.6)
    return text, probs


def test_a_run_together_row_is_cut_as_the_prior_expects_its_cells():
    """Table 二 has no sums: with the cells run together only the model and the prior say where a
    value ends.  The prior (issued mostly two digits, repealed one) outweighs the model's doubt;
    without a prior, or at weight 0, the model's cut stays; a confident cut is not undone."""
    prior = ValuePrior({ROW[0]: {"n1": 40, "n2": 60}, ROW[1]: {"n1": 90, "n2": 10}, ROW[2]: {"n3": 100}})
    text, probs = _normative_row(joined=True)
    read = lambda **kw: [decode(text, probs, **kw).record.cells[f] for f in ROW]  # noqa: E731
    assert read() == [1, 25, 118]
    assert read(prior=prior) == [12, 5, 118]
    ext = decode(text, probs, prior=prior)
    decision = next(d for d in ext.decisions if d["kind"] == "split")
    assert decision["changed"] and "prior" in decision["alternatives"][0]
    assert read(prior=prior, config=ArbitrationConfig(value_prior_weight=0.0)) == [1, 25, 118]
    confident = probs.copy()
    unsure(confident, text.index("125118") + 1, f"B-V:{ROW[1]}", f"I-V:{ROW[0]}", 0.999)
    assert [decode(text, confident, prior=prior).record.cells[f] for f in ROW][0] == 1


def test_a_row_printed_apart_is_not_weighed_by_the_prior():
    """Tabs between the cells show where each value ends: the prior does not move them."""
    prior = ValuePrior({ROW[0]: {"n1": 100}, ROW[1]: {"n2": 100}, ROW[2]: {"n2": 100}})
    text, probs = _normative_row(joined=False)
    assert [decode(text, probs, prior=prior).record.cells[f] for f in ROW] == [12, 5, 118]


PROCUREMENT = ("t2.procurement.projects", "t2.procurement.amount")


def test_a_row_is_weighed_by_its_cells_forms_together():
    """Table 二's rows jointly: 32 projects and 605.6万元 (n2, w3) is common, 3 and 2605.6万元 (n1, w4)
    rare, though each field alone likes one digit of projects."""
    cells = [dict(zip(PROCUREMENT, v)) for v in [(3, "60.5"), (4, "70.1"), (5, "80.2"), (7, "90.1"), (32, "605.6"),
                                                 (45, "1500.2"), (51, "2100.4"), (66, "3300.9")]]
    prior = ValuePrior.from_cells(cells)
    joint = lambda p, a: prior.row_logp(dict(zip(PROCUREMENT, (p, a))))  # noqa: E731
    alone = lambda p, a: prior.logp(PROCUREMENT[0], p) + prior.logp(PROCUREMENT[1], a)  # noqa: E731
    assert alone(3, "2605.6") > alone(32, "605.6") and joint(32, "605.6") > joint(3, "2605.6")
    assert prior.row_logp({ROW[0]: 1}) == prior.logp(ROW[0], 1)  # a row never seen: its fields alone


def test_a_count_and_an_amount_run_together_are_cut_where_the_prior_expects_them():
    """2019's 政府集中采购 in crawler text: ``32605.65万元``.  The model starts the amount at the 2
    (p 0.6); the decimal point, the decimals and the unit stay the amount's in every cut."""
    prior = ValuePrior({}, {"|".join(PROCUREMENT): {"n2|w3": 300, "n1|w4": 1, "n1|w2": 600}})
    cells = dict.fromkeys(get_template("2019").fields, 0)
    cells.update(dict(zip(PROCUREMENT, (32, "605.65万元"))))
    text, spans = render("2019", cells, joined={PROCUREMENT})
    first = span_of(spans, PROCUREMENT[0]).start
    text = text[:first - 1] + text[first:]  # the label runs on into the digits too (crawler text)
    spans = [s if s.end <= first - 1 else Span(s.start - 1, s.end - 1, s.tag) for s in spans]
    probs = one_hot(text, spans)
    unsure(probs, first, f"B-V:{PROCUREMENT[1]}", f"I-V:{PROCUREMENT[0]}", 0.6)
    unsure(probs, first + 1, f"I-V:{PROCUREMENT[1]}", f"B-V:{PROCUREMENT[1]}", 0.6)
    read = lambda **kw: [decode(text, probs, **kw).record.cells[f] for f in PROCUREMENT]  # noqa: E731
    assert read() == [3, "2605.65万元"]
    assert read(prior=prior) == [32, "605.65万元"]


def test_runs_on_label_and_amount_chars():
    text = "政府集中采购10921.18万元 三、行政许可\t\t5"
    a, b = text.index("1"), text.index(" ")
    assert runs_on_label(text, a, b, 1) and not runs_on_label(text, text.index("5"), len(text), 1)
    assert "".join(c for c, m in zip(text[a:b], amount_chars(text, a, b)) if m) == ".万元"
    assert not amount_chars("1.", 0, 2).any() and amount_chars("386000元", 0, 7)[-1]
    flat = np.full((len(text), len(labels())), 1 / len(labels()), dtype=np.float32)  # the model unsure everywhere
    _, _, fixed, inner = cut_points(text, flat, a, b, 0.001, 16, amount=True)
    assert fixed == [0] and inner == [1, 2, 3, 4]  # never inside the decimals ``.18`` nor the unit


T3_COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")


def _one_column_table(spaced: bool):
    """2021's table 三 with one applicant column printed (科研机构: 3 in three rows) and its totals, every
    other cell blank; ``spaced``: blank cells printed as nothing (one space between a row's values),
    else as tabs.  The model reads the column as 商业企业 (p 0.5 against 0.45)."""
    cells = dict.fromkeys(get_template("2021").fields, 0)
    rows = [b.key for b in get_template("2021").table("t3").rows]
    for r in rows:
        for c in T3_COLUMNS[:-1]:
            cells[f"t3.{r}.{c}"] = None
    for r in ("new_received", "granted", "total"):
        cells.update({f"t3.{r}.research": 3, f"t3.{r}.total": 3})
    text, spans = render("2021", cells)
    if spaced:  # each run of tabs between a table-三 row's values -> one space, the spans moved with it
        first = min(s.start for s in spans if s.tag.startswith("V:t3."))
        last = max(s.end for s in spans if s.tag.startswith("V:t3."))
        out, shift, moved = [], [], 0
        for i, ch in enumerate(text):
            inner = first <= i < last and ch == "\t" and (text[i - 1] == "\t" or text[i + 1] == "\t")
            if inner and text[i - 1] == "\t":
                moved += 1
            else:
                out.append(" " if inner else ch)
            shift.append(moved)
        text = "".join(out)
        spans = [Span(s.start - shift[s.start], s.end - shift[s.start], s.tag) for s in spans]
    probs = one_hot(text, spans)
    for r in ("new_received", "granted", "total"):
        unsure(probs, span_of(spans, f"t3.{r}.research").start, f"B-V:t3.{r}.commercial", f"B-V:t3.{r}.research",
               0.5)
    return text, probs


def test_a_column_no_sum_can_place_takes_the_cells_the_prior_expects():
    """Every sum of table 三 holds whichever blank applicant column the values sit in.  Where blank
    cells leave no trace, the model's guess (商业企业, p 0.5) and the prior (科研机构 printed in most
    reports like this one, 商业企业 blank) decide together: one ``prior_columns`` decision moves the
    column whole.  Without a prior the model's column stays; with tabs marking the blank cells the
    column is printed where it is, and the prior does not move it."""
    prior = ValuePrior({**{f"t3.{r}.research": {"n1": 80, "blank": 20} for r in ("new_received", "granted", "total")},
                        **{f"t3.{r}.commercial": {"n1": 5, "blank": 95} for r in ("new_received", "granted", "total")}})
    text, probs = _one_column_table(spaced=True)
    read = lambda ext, c: [ext.record.cells[f"t3.{r}.{c}"] for r in ("new_received", "granted", "total")]  # noqa
    model = decode(text, probs)
    assert read(model, "commercial") == [3, 3, 3] and read(model, "research") == [None] * 3
    ext = decode(text, probs, prior=prior)
    assert read(ext, "research") == [3, 3, 3] and read(ext, "commercial") == [None] * 3
    (d,) = [d for d in ext.decisions if d["kind"] == "prior_columns"]
    assert d["columns"] == {"commercial": "research"} and d["changed"]
    assert not ext.findings  # every sum holds either way
    off = decode(text, probs, prior=prior, config=ArbitrationConfig(prior_columns=False))
    assert read(off, "commercial") == [3, 3, 3]
    text, probs = _one_column_table(spaced=False)
    tabs = decode(text, probs, prior=prior)
    assert not any(d["kind"] == "prior_columns" for d in tabs.decisions)


def test_a_blank_cell_anywhere_in_a_run_together_row_without_sums():
    """2021's 行政规范性文件 printed ``1698`` with 本年制发 blank: 1 repealed, 698 in force.  The model
    reads 1 | 698 and puts the 1 first (p 0.6); table 二 has no sums, and where blanks leave no trace
    the cut's values may take any cells in order — the prior (本年制发 mostly blank, 本年废止 one
    digit) places it."""
    row = ("t2.normative.issued", "t2.normative.repealed", "t2.normative.in_force")
    cells = dict.fromkeys(get_template("2021").fields, 0)
    cells.update(dict(zip(row, (None, 1, 698))))
    text, spans = render("2021", cells, joined={(row[0], row[1]), (row[1], row[2])})
    probs = one_hot(text, spans)
    unsure(probs, span_of(spans, row[1]).start, f"B-V:{row[0]}", f"B-V:{row[1]}", 0.6)
    prior = ValuePrior({row[0]: {"blank": 90, "n1": 10}, row[1]: {"n1": 80, "blank": 20}, row[2]: {"n3": 100}})
    assert [decode(text, probs).record.cells[f] for f in row] == [1, None, 698]
    assert [decode(text, probs, prior=prior).record.cells[f] for f in row] == [None, 1, 698]


def test_a_part_is_weighed_given_the_form_of_its_rows_total(tmp_path):
    """Table 四's 维持 with a two-digit total is mostly two digits, with a one-digit total one digit:
    the field alone cannot tell (as many of each), its row's total can; a blank total says nothing."""
    upheld, total = "t4.review.upheld", "t4.review.total"
    prior = ValuePrior.from_cells([{upheld: 20, total: 33}, {upheld: 18, total: 25}, {upheld: 2, total: 3},
                                   {upheld: 1, total: 2}])
    assert prior.given_total[upheld] == {"n1": {"n1": 2}, "n2": {"n2": 2}} and total not in prior.given_total
    assert prior.logp(upheld, 20) == prior.logp(upheld, 2)
    assert prior.row_logp({upheld: 20, total: 33}) > prior.row_logp({upheld: 2, total: 33})
    assert prior.row_logp({upheld: 2, total: 3}) > prior.row_logp({upheld: 20, total: 3})
    assert prior.given_logp(upheld, 20, None) == prior.logp(upheld, 20)
    prior.save(tmp_path)
    assert ValuePrior.load(tmp_path) == prior
