"""Table 二 by what its cells mean (F1–F3): relations between readings of run-together digits."""
from __future__ import annotations

import json

from xxgk.data.rules import relations_for
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot
from .test_decode import L, consistent_2019, render, span_of, unsure

PROCUREMENT = ("t2.procurement.projects", "t2.procurement.amount")
LICENSING = ("t2.licensing.prev_items", "t2.licensing.change", "t2.licensing.decisions")


def test_relations_of_both_templates():
    f1, f1b, f2, *f3 = relations_for("2019")
    assert (f1.rule, f1.fields) == ("F1", ("t2.regulations.total_published", "t2.regulations.new_made"))
    assert f1.holds({}) and f1.holds({f1.fields[0]: 5, f1.fields[1]: 5}) and not f1.holds({f1.fields[1]: 2})
    assert f2.holds({}) and f2.holds({f2.fields[0]: 2, f2.fields[1]: "82.1万元"})
    assert not f2.holds({f2.fields[1]: "282.1万元"}) and not f2.holds({f2.fields[0]: 3, f2.fields[1]: "0"})
    assert {r.rule for r in f3} == {"F3"} and "t2.licensing.change" not in {r.fields[0] for r in f3}
    assert [r.fields for r in relations_for("2021")[:2]] == [("t2.regulations.in_force", "t2.regulations.issued"),
                                                            ("t2.normative.in_force", "t2.normative.issued")]


def _procurement(p_first: float):
    """``政府集中采购282.1万元`` (2 projects, 82.1万元 run together): the model reads one amount,
    ``282.1万元``, leaning ``p_first`` to it at the 2 and at the 8."""
    cells = consistent_2019(**{PROCUREMENT[0]: 2, PROCUREMENT[1]: "82.1万元"})
    text, spans = render("2019", cells, joined={PROCUREMENT})
    probs = one_hot(text, spans)
    two, eight = span_of(spans, PROCUREMENT[0]).start, span_of(spans, PROCUREMENT[1]).start
    unsure(probs, two, f"B-V:{PROCUREMENT[1]}", f"B-V:{PROCUREMENT[0]}", p_first)
    unsure(probs, eight, f"I-V:{PROCUREMENT[1]}", f"B-V:{PROCUREMENT[1]}", p_first)
    return text, probs


def test_projects_and_amount_run_together_are_cut_where_both_are_printed():
    text, probs = _procurement(0.6)
    assert [decode(text, probs, config=ArbitrationConfig(relations=False)).record.cells[f]
            for f in PROCUREMENT] == [None, "282.1万元"]
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in PROCUREMENT] == [2, "82.1万元"]
    (d,) = [d for d in ext.decisions if d["kind"] == "relation"]
    assert d["broken"] == ["F2 row procurement"] and d["to"][PROCUREMENT[0]] == 2
    assert ext.details[PROCUREMENT[0]]["arbitrated"]
    json.dumps(ext.decisions)


def test_the_value_prior_weighs_the_readings_that_keep_a_relation():
    """``政府集中采购29512265.72万元``: 295 projects and 12265.72万元 run together; the model reads one
    amount (F2 broken) and, cut, leans to 2 | 9512265.72万元.  A prior that has seen three-digit
    projects with five-digit amounts (in 万元) and never one project with a seven-digit one cuts
    it 295 | 12265.72万元; without a prior the model's lean decides.  Both: one relation decision."""
    from xxgk.models.prior import ValuePrior

    cells = consistent_2019(**{PROCUREMENT[0]: 295, PROCUREMENT[1]: "12265.72万元"})
    text, spans = render("2019", cells, joined={PROCUREMENT})
    probs = one_hot(text, spans)
    a = span_of(spans, PROCUREMENT[0]).start
    p, m = (f"V:{f}" for f in PROCUREMENT)
    for i, lean in enumerate(({f"B-{m}": 0.9, f"B-{p}": 0.1}, {f"I-{m}": 0.8, f"B-{m}": 0.1, f"I-{p}": 0.1},
                              {f"I-{m}": 0.7, f"I-{p}": 0.3}, {f"I-{m}": 0.7, f"B-{m}": 0.3})):
        probs[a + i] = 1e-6
        for label, q in lean.items():
            probs[a + i, L[label]] = q
    seen = [dict(zip(PROCUREMENT, v)) for v in [(295, "12265.72万元"), (310, "24000.5万元"), (2, "95.1万元"),
                                                 (3, "122.6万元"), (2, "951226元")]]
    for prior, read in ((None, [2, "9512265.72万元"]), (ValuePrior.from_cells(seen), [295, "12265.72万元"])):
        ext = decode(text, probs, prior=prior)
        assert [ext.record.cells[f] for f in PROCUREMENT] == read
        (d,) = [d for d in ext.decisions if d["kind"] == "relation"]
        assert d["broken"] == ["F2 row procurement"] and d["to"] == dict(zip(PROCUREMENT, read))


def test_a_confident_reading_that_breaks_a_relation_stays():
    """Soft: a report may print an amount without projects; the model sure of its reading keeps it."""
    text, probs = _procurement(0.999)
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in PROCUREMENT] == [None, "282.1万元"]
    assert not [d for d in ext.decisions if d["kind"] == "relation"]


def test_a_minus_sign_starts_the_change_not_a_negative_count():
    """``行政许可4-112780``: 4, -1 and 12780 run together; the model reads 4 | -112780 (decisions),
    unsure at the sign and at the 1 after it.  Only 本年增/减 is ever negative (F3)."""
    cells = consistent_2019(**dict(zip(LICENSING, (4, -1, 12780))))
    text, spans = render("2019", cells, joined={LICENSING[:2], LICENSING[1:]})
    probs = one_hot(text, spans)
    sign, one = span_of(spans, LICENSING[1]).start, span_of(spans, LICENSING[2]).start
    unsure(probs, sign, f"B-V:{LICENSING[2]}", f"B-V:{LICENSING[1]}", 0.6)
    unsure(probs, sign + 1, f"I-V:{LICENSING[2]}", f"I-V:{LICENSING[1]}", 0.6)
    unsure(probs, one, f"I-V:{LICENSING[2]}", f"B-V:{LICENSING[2]}", 0.6)
    off = decode(text, probs, config=ArbitrationConfig(relations=False, split=False))
    assert [off.record.cells[f] for f in LICENSING] == [4, None, -112780]
    # the relation alone (the row cuts, which start a value at a sign too, off), and both
    assert [decode(text, probs, config=ArbitrationConfig(split=False)).record.cells[f] for f in LICENSING] == \
        [4, -1, 12780]
    assert [decode(text, probs).record.cells[f] for f in LICENSING] == [4, -1, 12780]


def test_pieces_cut_whole_parts_and_keep_a_unit_with_its_number():
    from xxgk.inference.relations import _pieces
    text = "1437.02 万元 4-12 3/0"
    pieces = [(text[i:j], [k - i for k in cuts]) for i, j, cuts in _pieces(text, 0, len(text))]
    assert pieces == [("1437.02 万元", [1, 2, 3]), ("4-12", [1, 3]), ("3/0", [1, 2])]
