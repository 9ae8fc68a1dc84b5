"""Decoding: value parsing, spans → cells, run-together digits, arithmetic-aware arbitration."""
from __future__ import annotations

import json

import numpy as np
import pytest

from xxgk.data.labels import Span, label2id, labels, tags_to_spans
from xxgk.data.schema import CHINESE_NUMERALS, SECTIONS, get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import (NoTemplateError, decode, parse_amount, parse_count, parse_value, parse_year,
                                  spans_of)

from .conftest import one_hot

L = label2id()


# --------------------------------------------------------------------------- #
# Hand-made reports and probabilities (no projection, no model)
# --------------------------------------------------------------------------- #
def render(template: str, cells: dict, *, year=2020, agency="某某镇", joined=(), one_line=()) -> tuple[str, list[Span]]:
    """A report as text (one table row per line, TAB between cells) and its spans.
    ``joined``: pairs of fields printed with nothing between them (run-together digits);
    ``one_line``: tables printed as one line of values without row labels (table 四 in a PDF)."""
    parts: list[tuple[str, str | None]] = []
    add = lambda s, tag=None: parts.append((s, tag))  # noqa: E731
    add(str(year), "YEAR"), add("年"), add(agency, "AGENCY"), add("政府信息公开工作年度报告\n")

    def heading(n):
        add(f"{CHINESE_NUMERALS[n - 1]}、{SECTIONS[n - 1].title}", f"H{n}"), add("\n")

    heading(1), add("本年度依法公开政府信息，第3页。\n")
    for table in get_template(template).tables:
        heading(table.section)
        for block in table.blocks:
            add((block.item + "\n") if block.item else "")
            add("信息内容" + "".join("\t" + c.text for c in block.columns) + "\n")
            prev = None
            for row in block.rows:
                add("" if table.key in one_line else row.text)
                for col in block.columns:
                    f = f"{table.key}.{row.key}.{col.key}"
                    if (prev, f) not in joined:
                        add("\t")
                    if cells.get(f) is not None:
                        add(str(cells[f]), "V:" + f)
                    prev = f
                add("" if table.key in one_line and row != block.rows[-1] else "\n")
    heading(5), add("无。\n"), heading(6), add("无。\n")
    text, spans = "", []
    for s, tag in parts:
        if tag:
            spans.append(Span(len(text), len(text) + len(s), tag))
        text += s
    return text, spans


def unsure(probs: np.ndarray, i: int, first: str, second: str, p_first: float) -> None:
    """Character ``i``: the model reads ``first`` with ``p_first``, ``second`` with the rest."""
    probs[i] = 1e-6
    probs[i, L[first]] = p_first
    probs[i, L[second]] = 1 - p_first - 1e-6 * (len(L) - 2)


def consistent_2019(**values) -> dict:
    """A 2019 report whose arithmetic holds: zeros plus the given table-三 rows/columns."""
    cells = dict.fromkeys(get_template("2019").fields, 0)
    cells.update(values)
    return cells


def span_of(spans, field):
    return next(s for s in spans if s.tag == f"V:{field}")


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("raw, value", [
    ("0", 0), ("12", 12), (" 7 ", 7), ("３８", 38), ("3,830", 3830), ("3，830", 3830),
    ("-3", -3), ("－3", -3), ("−12", -12), ("+2", 2),
    ("1O", 10), ("〇", 0), ("l2", 12), ("I0", 10), ("|", 1), ("2S", 25), ("O", 0),
    ("18（其中修订5件）", 18), ("5件", 5), ("1 2", 12),
    ("/", "/"), ("／", "/"), ("—", "—"), ("-", "-"), ("无", "无"), ("1.5", "1.5"), ("", None), ("  ", None),
])
def test_parse_count(raw, value):
    assert parse_count(raw) == value
    assert type(parse_count(raw)) is type(value)


@pytest.mark.parametrize("raw, value", [
    ("2192.63 万元", "2192.63万元"), ("905万", "905万"), ("386000元", "386000元"), ("0", "0"),
    ("８０４０", "8040"), ("2l92.63万元", "2192.63万元"), ("/", "/"), ("", None),
    ("O", "0"), ("O.OO", "0.00"), ("Oo万元", "Oo万元"),  # a lone OCR'd 0 as for counts; words stay
])
def test_parse_amount(raw, value):
    assert parse_amount(raw) == value


def test_parse_value_by_field():
    assert parse_value("t2.procurement.amount", "0") == "0"
    assert parse_value("t2.procurement.projects", "0") == 0
    assert parse_value("t2.licensing.change", "-3") == -3


@pytest.mark.parametrize("raw, year", [("2020", 2020), ("2020年度", 2020), ("二〇二〇", 2020), ("２０２１", 2021),
                                       ("本年", None)])
def test_parse_year(raw, year):
    assert parse_year(raw) == year


# --------------------------------------------------------------------------- #
# Spans → cells
# --------------------------------------------------------------------------- #
def test_spans_of_ids_matches_tags_to_spans_of_names():
    """The numpy `spans_of` reads label ids exactly as the lenient BIO reader reads their names:
    stray I- tags, I- of another tag, adjacent B- tags, spans at both ends."""
    rng = np.random.default_rng(0)
    names = labels()
    for _ in range(500):
        pool = rng.integers(1, len(names) - 1, size=3)
        ids = rng.choice(np.concatenate(([0], pool, pool + 1)), size=int(rng.integers(0, 25)))
        assert spans_of(ids) == tags_to_spans([names[i] for i in ids])
    assert spans_of([]) == []
    assert spans_of([1, 2], offset=5) == [Span(5, 7, tags_to_spans([names[1]])[0].tag)]


def test_decode_one_hot_report_round_trips():
    cells = consistent_2019(**{"t2.procurement.projects": 12, "t2.procurement.amount": "2192.63万元",
                               "t2.licensing.prev_items": 5, "t2.licensing.change": -3,
                               "t3.granted.natural_person": None, "t3.granted.total": None})
    text, spans = render("2019", cells, agency="红椿镇")
    ext = decode(text, one_hot(text, spans))
    rec = ext.record
    assert rec.template == "2019" and rec.year == 2020 and rec.agency == "红椿镇"
    assert rec.cells == {f: cells[f] for f in get_template("2019").fields}
    assert sorted(rec.sections) == list("123456")
    assert all(text[rec.sections[k]] == CHINESE_NUMERALS[int(k) - 1] for k in rec.sections)
    assert ext.decisions == [] and ext.findings == []
    d = ext.details["t2.procurement.amount"]
    assert d["text"] == "2192.63万元" and text[d["span"][0]:d["span"][1]] == d["text"] and not d["arbitrated"]
    assert "t3.granted.total" not in ext.details  # a blank cell has no span


def test_run_together_digits_split_by_labels():
    text = "本年制发件数\n规范性文件125118\n"
    s = text.index("125118")
    spans = [Span(s, s + 2, "V:t2.normative.issued"), Span(s + 2, s + 3, "V:t2.normative.repealed"),
             Span(s + 3, s + 6, "V:t2.normative.in_force")]
    ext = decode(text, one_hot(text, spans))
    assert ext.record.template == "2021"
    assert [ext.record.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [12, 5, 118]


def test_template_from_values_when_headers_missing():
    text = "一、总体情况\n规范性文件\t3\t1\t9\n"
    s = text.index("3")
    spans = [Span(s, s + 1, "V:t2.normative.issued"), Span(s + 2, s + 3, "V:t2.normative.repealed"),
             Span(s + 4, s + 5, "V:t2.normative.in_force")]
    assert decode(text, one_hot(text, spans)).record.template == "2021"
    with pytest.raises(NoTemplateError):
        decode("只是一段普通的文字。", one_hot("只是一段普通的文字。", []))


def test_duplicate_spans_most_confident_wins_and_conflict_recorded():
    text = "本年新制作数量\n规章\t4\t0\t0\n（重复）规章\t7\n"
    a, b = text.index("4"), text.index("7")
    spans = [Span(a, a + 1, "V:t2.regulations.new_made"), Span(b, b + 1, "V:t2.regulations.new_made")]
    probs = one_hot(text, spans)
    probs[b, L["B-V:t2.regulations.new_made"]] = 0.7
    ext = decode(text, probs, align=False)  # aligned, the unsure repeat is dropped as out of order (test_align)
    assert ext.record.cells["t2.regulations.new_made"] == 4
    assert ext.details["t2.regulations.new_made"]["conflicts"][0]["value"] == 7
    assert any(d["kind"] == "conflict" for d in ext.decisions)


def test_bad_probability_shape_is_a_clear_error():
    with pytest.raises(ValueError, match="expected"):
        decode("abc", np.zeros((2, len(L))))


# --------------------------------------------------------------------------- #
# Arithmetic-aware decoding
# --------------------------------------------------------------------------- #
R3_ROW = {"t3.new_received.natural_person": 1, "t3.new_received.commercial": 2, "t3.new_received.total": 3,
          "t3.granted.natural_person": 1, "t3.granted.commercial": 2, "t3.granted.total": 3,
          "t3.total.natural_person": 1, "t3.total.commercial": 2, "t3.total.total": 3}


def test_arbitration_fixes_a_wrong_split_of_run_together_digits():
    """``12`` printed run together: the model leans to one cell (12 | blank) but is unsure
    whether ``2`` starts the next cell; only 1 | 2 satisfies R3 (and R2)."""
    text, spans = render("2019", consistent_2019(**R3_ROW),
                         joined={("t3.granted.natural_person", "t3.granted.commercial")})
    probs = one_hot(text, spans)
    two = span_of(spans, "t3.granted.commercial").start
    assert text[two - 1:two + 1] == "12"
    unsure(probs, two, "I-V:t3.granted.natural_person", "B-V:t3.granted.commercial", 0.6)

    alone = decode(text, probs, arbitrate=False)
    assert alone.record.cells["t3.granted.natural_person"] == 12
    assert any(f.rule == "R3" and f.where == "row granted" for f in alone.findings)

    # the whole-row readings (split.py) and, without them, the character-by-character ones agree
    for kind, config in (("split", ArbitrationConfig()), ("arbitration", ArbitrationConfig(split=False))):
        ext = decode(text, probs, config=config)
        assert ext.record.cells["t3.granted.natural_person"] == 1
        assert ext.record.cells["t3.granted.commercial"] == 2
        assert ext.findings == []
        assert ext.details["t3.granted.commercial"]["arbitrated"]
        (decision,) = [d for d in ext.decisions if d["changed"]]
        assert decision["kind"] == kind
        assert decision["chosen"]["values"]["t3.granted.commercial"] == 2
        scores = {a["reading"]: a["score"] for a in decision["alternatives"]}
        assert scores[decision["chosen"]["reading"]] > scores[0]
        assert "t3.granted.commercial" in decision["fields"] and decision["reason"]


def _run_together_row(values: dict[str, int], q: dict[int, float]) -> tuple[str, np.ndarray, dict]:
    """A 2019 report whose granted row prints ``values`` with no separator at all (a crawler
    line); the model is sure the row's digits are its values but not where each starts (every
    inner digit starts a value with probability 0.3, or ``q[offset]``) nor which cells they
    fill (it leans to natural person for the first digit, total for the rest)."""
    row = "t3.granted"
    cols = [c.key for c in get_template("2019").table("t3").blocks[0].columns]
    fields = [f"{row}.{c}" for c in cols]
    cells = consistent_2019(**{f: values.get(f.rsplit(".", 1)[1]) for f in fields})  # the rest blank
    text, spans = render("2019", cells, joined=set(zip(fields, fields[1:])))
    first = span_of(spans, fields[0]).start
    digits = "".join(str(cells[f]) for f in fields if cells[f] is not None)
    assert text[first:first + len(digits)] == digits
    probs = one_hot(text, spans)
    for k in range(len(digits)):
        field = fields[0] if k == 0 else fields[-1]
        p_start = 1.0 if k == 0 else q.get(k, 0.3)
        probs[first + k] = 1e-7
        probs[first + k, L[f"B-V:{field}"]] = p_start * 0.4
        probs[first + k, L[f"I-V:{field}"]] = (1 - p_start) * 0.4
        for other in fields:  # it cannot count cells in run-together digits: mass on every cell
            probs[first + k, L[f"B-V:{other}"]] += p_start * 0.6 / len(fields)
            probs[first + k, L[f"I-V:{other}"]] += (1 - p_start) * 0.6 / len(fields)
    return text, probs, cells


def test_run_together_row_is_cut_where_it_adds_up():
    """``1549133373545321831`` = 1549 133 37 35 45 32 1831: the model leans (0.4 against 0.3) to
    the right cut points but its argmax reads one number; the reading that adds up across the row
    wins and is recorded as a split decision."""
    row = {"natural_person": 1549, "commercial": 133, "research": 37, "social_org": 35,
           "legal_service": 45, "other_org": 32, "total": 1831}
    starts = [4, 7, 9, 11, 13, 15]  # offsets of 133, 37, 35, 45, 32, 1831
    text, probs, cells = _run_together_row(row, dict.fromkeys(starts, 0.4))
    alone = decode(text, probs, arbitrate=False)
    assert alone.record.cells["t3.granted.commercial"] is None
    ext = decode(text, probs)
    assert {f"t3.granted.{c}": ext.record.cells[f"t3.granted.{c}"] for c in row} == \
        {f"t3.granted.{c}": v for c, v in row.items()}
    (decision,) = [d for d in ext.decisions if d["kind"] == "split"]
    assert decision["changed"] and decision["chosen"]["values"]["t3.granted.total"] == 1831
    chosen = next(a for a in decision["alternatives"] if a["reading"] == decision["chosen"]["reading"])
    assert chosen["adds_up"] and chosen["logp"] < 0  # less probable to the model than its own cut
    no_split = decode(text, probs, config=ArbitrationConfig(split=False))
    assert no_split.record.cells["t3.granted.commercial"] != 133


def test_a_run_together_row_keeps_three_digits_with_each_thousands_comma():
    """``1,23495191281081,584`` = 1,234 95 19 128 108 1,584: the first comma is followed by more
    than three digits (the next value runs on), so the model view shows it.  A comma keeps the
    three digits after it and starts the next value after them; its value starts one to three
    digits before it.  Without that the row is no run-together row at all (a comma is neither
    digit nor mark), and the model's cut stands."""
    row = {"natural_person": "1,234", "commercial": 95, "research": 19, "social_org": 128,
           "legal_service": 108, "total": "1,584"}
    starts = [5, 7, 9, 12, 15]  # offsets of 95, 19, 128, 108, 1,584
    text, probs, cells = _run_together_row(row, dict.fromkeys(starts, 0.4))
    assert "1,23495191281081,584" in text
    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in row] == [1234, 95, 19, 128, 108, 1584]
    assert any(d["kind"] == "split" and d["changed"] for d in ext.decisions)


def test_a_digit_is_not_read_into_a_cell_read_elsewhere():
    """``23`` in a tabbed row: the model doubts its ``3`` (I- of social organisations 0.01, the
    start of legal services 0.3, whose own ``0`` it reads confidently after it).  Read 2 | 3, the 3
    loses to that ``0`` and goes unread — a cost like a leading zero's.  The report misprints its
    column total (24), so the model's reading breaks a sum too and the sums alone cannot keep it."""
    cells = consistent_2019(**{f"t3.{r}.{c}": 23 for r in ("granted", "total", "new_received")
                               for c in ("social_org", "total")})
    cells["t3.total.social_org"] = 24
    text, spans = render("2019", cells)
    probs = one_hot(text, spans)
    i = span_of(spans, "t3.granted.social_org").start + 1
    probs[i] = 1e-6
    probs[i, L["I-V:t3.granted.social_org"]] = 0.01
    probs[i, L["B-V:t3.granted.legal_service"]] = 0.305
    probs[i, L["I-V:t3.granted.natural_person"]] = 1 - 0.315 - 1e-6 * len(L)
    ext = decode(text, probs)
    assert ext.record.cells["t3.granted.social_org"] == 23
    (d,) = [d for d in ext.decisions if d["kind"] == "arbitration"]
    cut = next(a for a in d["alternatives"] if a["values"]["t3.granted.social_org"] == 2)
    assert cut["logp"] > 0 and cut["malformed"] == 1  # more probable to the model, a digit unread


def test_run_together_row_with_marks_gives_each_mark_a_cell():
    """``350/////350``: zeros printed ``/`` between run-together counts.  A mark is one cell of
    its own, never cut and worth 0 in the row's sum, so the only reading that fills seven cells
    is 350, five marks, 350 (the model alone cuts the digits apart and loses the total)."""
    row = {"natural_person": 350, **dict.fromkeys(["commercial", "research", "social_org", "legal_service",
                                                   "other_org"], "/"), "total": 350}
    text, probs, cells = _run_together_row(row, {})
    assert "350/////350" in text
    assert decode(text, probs, arbitrate=False).record.cells["t3.granted.total"] != 350
    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in row] == list(row.values())
    assert any(d["kind"] == "split" and d["changed"] for d in ext.decisions)


def test_a_mark_left_out_of_a_run_together_row_is_read_again():
    """``行政许可32//`` (32, blank as ``/``, ``/``): the model reads ``3`` | ``2`` | ``/`` | ``/`` (the
    last as the middle cell again), and the order leaves that mark out of the row.  The row's
    stretch takes the unread mark too, and the only cut that gives each mark a cell and fills
    three cells is 32, /, /."""
    from xxgk.inference.split import row_regions

    row = ("t2.licensing.prev_items", "t2.licensing.change", "t2.licensing.decisions")
    cells = consistent_2019(**dict(zip(row, (32, "/", "/"))))
    text, spans = render("2019", cells, joined={(row[0], row[1]), (row[1], row[2])})
    first = span_of(spans, row[0]).start
    assert text[first:first + 4] == "32//"
    probs = one_hot(text, spans)
    unsure(probs, first + 1, f"B-V:{row[1]}", f"I-V:{row[0]}", 0.6)
    unsure(probs, first + 2, f"B-V:{row[2]}", f"B-V:{row[1]}", 0.7)
    unsure(probs, first + 3, f"B-V:{row[1]}", f"B-V:{row[2]}", 0.55)
    ids = probs.argmax(axis=1)
    ids[first + 3] = L["O"]  # as the order leaves it
    (region,) = [r for r in row_regions(text, ids, "2019") if r[2] == row]
    assert region[:2] == (first, first + 4)  # the unread mark is in the row's stretch
    assert [decode(text, probs, arbitrate=False).record.cells[f] for f in row] == [3, 2, "/"]
    assert [decode(text, probs).record.cells[f] for f in row] == [32, "/", "/"]


def test_run_on_table_two_row_fills_its_cells_before_leaving_one_blank():
    """``规范性文件115`` (1, 1, 5 run together): the model reads 1 | blank | 15, doubting (p 0.1) that
    a value starts at the 5.  Forms print 0 or a mark for nothing, so a blank among run-on digits
    costs `split_blank_cost`: 1, 1, 5 is read.  With the digits apart (``1 15``) a blank is printed
    as a gap, and the model's reading stays."""
    row = ("t2.normative.new_made", "t2.normative.new_published", "t2.normative.total_published")
    for joined, expect in (({(row[0], row[1]), (row[1], row[2])}, [1, 1, 5]), (set(), [1, None, 15])):
        cells = consistent_2019(**dict(zip(row, (1, 1, 5))))
        if not joined:
            cells.update({row[1]: None, row[2]: 15})
        text, spans = render("2019", cells, joined=joined)
        first = span_of(spans, row[0]).start
        probs = one_hot(text, spans)
        digits = [i for i in range(first, first + 6) if text[i].isdigit()]
        probs[digits[1]] = 1e-7
        probs[digits[1], L[f"B-V:{row[2]}"]] = 0.9
        probs[digits[1], L[f"B-V:{row[1]}"]] = 0.1
        unsure(probs, digits[2], f"I-V:{row[2]}", f"B-V:{row[2]}", 0.9)
        assert [decode(text, probs, arbitrate=False).record.cells[f] for f in row] == [1, None, 15]
        assert [decode(text, probs).record.cells[f] for f in row] == expect, text[first:first + 6]
        off = decode(text, probs, config=ArbitrationConfig(split_blank_cost=0.0))
        assert [off.record.cells[f] for f in row] == [1, None, 15]


def test_rows_take_the_columns_that_make_the_column_sums_hold_together():
    """Table 三 with blank cells printed as nothing, natural persons and legal services filled: the
    model reads the granted row's 2 as social organisations (p 0.55 against 0.45), so two column
    sums (R2) break although every row adds up.  Moving it to the cell the other rows fill makes
    every sum hold: one ``joint_columns`` decision.  With the model sure of its column (p 0.999), the
    sums do not outvote it."""
    from xxgk.data.rules import checks_for
    from xxgk.inference.joint import joint_columns

    cols = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
    rows = ["new_received", "granted", "total"]
    cells = consistent_2019()
    for r in [b.key for b in get_template("2019").table("t3").rows]:
        for c in cols[1:4] + cols[5:6]:
            cells[f"t3.{r}.{c}"] = None
    for r in rows:
        cells.update({f"t3.{r}.natural_person": 5, f"t3.{r}.legal_service": 2, f"t3.{r}.total": 7})
    text, spans = render("2019", cells)
    legal = span_of(spans, "t3.granted.legal_service")
    for p_wrong, moved in ((0.55, True), (0.999, False)):
        probs = one_hot(text, spans)
        unsure(probs, legal.start, "B-V:t3.granted.social_org", "B-V:t3.granted.legal_service", p_wrong)
        ids = probs.argmax(axis=1)
        out, decision = joint_columns(text, probs, ids, "2019", checks_for("2019"), ArbitrationConfig())
        assert (decision is not None) == moved
        if moved:
            assert decision["kind"] == "joint_columns" and decision["checks_broken"] == {"model": 2, "chosen": 0}
            assert out[legal.start] == L["B-V:t3.granted.legal_service"]


def test_a_column_no_text_or_sum_can_place_is_recorded_not_changed():
    """Only one applicant column read (商业企业), the other applicant columns printed in no row, the
    model unsure of that column (p 0.3): every sum holds whichever blank column the values sit in,
    so the reading stands and an ``undecided_columns`` record names the columns it could be; the
    same table read surely (p 0.99) records nothing."""
    cols = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
    cells = consistent_2019()
    for r in [b.key for b in get_template("2019").table("t3").rows]:
        for c in cols[:-1]:
            cells[f"t3.{r}.{c}"] = None
    for r in ("new_received", "granted", "total"):
        cells.update({f"t3.{r}.commercial": 4, f"t3.{r}.total": 4})
    text, spans = render("2019", cells)
    for p_column, recorded in ((0.3, True), (0.99, False)):
        probs = one_hot(text, spans)
        for r in ("new_received", "granted", "total"):
            unsure(probs, span_of(spans, f"t3.{r}.commercial").start, f"B-V:t3.{r}.commercial",
                   f"B-V:t3.{r}.total", p_column)
        ext = decode(text, probs)
        assert [ext.record.cells[f"t3.{r}.commercial"] for r in ("new_received", "granted", "total")] == [4, 4, 4]
        found = [d for d in ext.decisions if d["kind"] == "undecided_columns"]
        assert bool(found) == recorded
        if recorded:
            (d,) = found
            assert d["column"] == "commercial" and not d["changed"]
            assert d["could_be"] == ["natural_person", "research", "social_org", "legal_service", "other_org"]
            off = decode(text, probs, config=ArbitrationConfig(undecided_columns=False))
            assert not any(d["kind"] == "undecided_columns" for d in off.decisions)


def test_run_together_row_that_cannot_add_up_keeps_the_models_cut():
    """The report prints a total that its parts do not make (12 + 5 ≠ 18): no plausible cut adds
    up, so the model's own reading stays — the sums never force a reading."""
    row = {"natural_person": 12, "commercial": 5, "total": 18}
    text, probs, cells = _run_together_row(row, {2: 0.9, 3: 0.9})  # 12 | 5 | 18, read surely
    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in row] == [12, 5, 18]
    assert any(f.rule == "R3" and f.where == "row granted" for f in ext.findings)


def test_two_counts_run_together_in_table_four_are_cut_where_the_sums_hold():
    """Table 四 printed on one line, a PDF merging two cells: ``… 0\t03`` is suit_direct's
    pending 0 and total 3.  The model reads ``03`` confidently as one value of pending (p 0.999
    that ``3`` continues it), leaving the total blank — a count with a leading zero, a group
    without its total.  A count is printed without leading zeros, so the ``3`` is a possible cut
    all the same, and the reading whose three group sums hold wins, recorded as a split."""
    group = "t4.suit_direct"
    cells = consistent_2019(**{f"{group}.upheld": 3, f"{group}.total": 3})
    pending, total = f"{group}.pending", f"{group}.total"
    text, spans = render("2019", cells, joined={(pending, total)}, one_line=("t4",))
    start = span_of(spans, pending).start
    assert text[start:start + 2] == "03"
    probs = one_hot(text, spans)
    probs[start + 1] = 1e-7
    probs[start + 1, L[f"I-V:{pending}"]] = 0.999
    probs[start + 1, L[f"B-V:{total}"]] = 0.001
    alone = decode(text, probs, arbitrate=False)
    assert (alone.record.cells[pending], alone.record.cells[total]) == (3, None)
    ext = decode(text, probs)
    assert (ext.record.cells[pending], ext.record.cells[total]) == (0, 3)
    assert not [f for f in ext.findings if f.rule == "R4"]
    (decision,) = [d for d in ext.decisions if d["kind"] == "split"]
    assert decision["changed"] and len(decision["fields"]) == 15
    chosen = next(a for a in decision["alternatives"] if a["reading"] == decision["chosen"]["reading"])
    assert chosen["adds_up"] == 3 and decision["alternatives"][0]["adds_up"] == 2


def test_table_four_run_together_is_read_as_the_prose_quotes_it():
    """``916723``: review 9, 1, 6, 7, 23 — or the same five counts in the suits' first group (the
    group sums hold either way, the model leans to the suits).  The prose says 被申请行政复议23件:
    the reading whose review total is 23 wins (soft: `narrative_gain`)."""
    t4 = get_template("2019").table("t4").fields
    review = [f for f in t4 if f.startswith("t4.review.")]
    cells = consistent_2019(**({f: None for f in t4} | dict(zip(review, [9, 1, 6, 7, 23]))))
    text, spans = render("2019", cells, joined=set(zip(t4, t4[1:])), one_line=("t4",))
    prose, cut = "全年因政府信息公开工作被申请行政复议23件。\n", text.index("\n") + 1
    text = text[:cut] + prose + text[cut:]
    spans = [Span(s.start + len(prose), s.end + len(prose), s.tag) if s.start >= cut else s for s in spans]
    first = span_of(spans, review[0]).start
    assert text[first:first + 6] == "916723"
    probs = one_hot(text, spans)
    names = {v: k for k, v in L.items()}
    for i in range(first, first + 6):  # each digit: the suits' column 0.5, the review's 0.3
        tag, col = names[int(probs[i].argmax())][:2], names[int(probs[i].argmax())].rsplit(".", 1)[1]
        other = "I-" if tag == "B-" else "B-"
        probs[i] = 1e-6
        probs[i, L[f"{tag}V:t4.suit_direct.{col}"]] = 0.5
        probs[i, L[f"{tag}V:t4.review.{col}"]] = 0.3
        probs[i, L[f"{other}V:t4.review.{col}"]] = 0.2 - 1e-6 * len(L)
    off = decode(text, probs, config=ArbitrationConfig(narrative_gain=0.0))
    assert off.record.cells["t4.suit_direct.total"] == 23 and off.record.cells["t4.review.total"] is None
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in review] == [9, 1, 6, 7, 23]
    (d,) = [d for d in ext.decisions if d["kind"] == "split" and d["changed"]]
    assert next(a for a in d["alternatives"] if a["reading"] == d["chosen"]["reading"])["quoted"] == 1


def test_digit_the_alignment_dropped_is_read_back_into_its_row():
    """``20\t0\t…\t20``: the model reads the ``0`` of ``20`` as a value of its own (the next
    cell, p 0.99), so template order drops it, and the row reads 2 … 2 — which adds up.  The
    whole row's digits are the row's (its stretch is widened over the dropped digit), the model
    was sure the ``0`` is part of a value, and 20 … 20 adds up too: the digit is read back."""
    row = "t3.granted"
    cells = consistent_2019(**{f"{row}.natural_person": 20, f"{row}.total": 20})
    text, spans = render("2019", cells)
    s = span_of(spans, f"{row}.natural_person")
    probs = one_hot(text, spans)
    t = span_of(spans, f"{row}.total")
    for i, cell in ((s.start + 1, "commercial"), (t.start + 1, "total")):  # a value of its own (p 0.99), and
        probs[i] = 1e-7                                                    # a little doubt it continues one
        probs[i, L[f"B-V:{row}.{cell}"]] = 0.99
        probs[i, L[f"I-V:{row}.natural_person" if cell == "commercial" else f"I-V:{row}.total"]] = 0.005
    assert decode(text, probs, config=ArbitrationConfig(split=False)).record.cells[f"{row}.natural_person"] == 2
    ext = decode(text, probs)
    assert ext.record.cells[f"{row}.natural_person"] == 20 and ext.record.cells[f"{row}.total"] == 20
    assert ext.record.cells[f"{row}.commercial"] == 0


def test_a_number_is_not_cut_short_where_the_model_doubts_its_last_digits():
    """``501（其中修订115件）``: a count with a remark.  The model starts the value at ``5`` but
    reads ``01`` as part of the remark (O 0.70 against continuing the value 0.21 / 0.30).  No sum
    runs through table 二, so only the form decides: a value whose digit run goes on unread is
    cut short (cost as a leading zero), and the whole run wins."""
    field = "t2.normative.total_published"
    cells = consistent_2019(**{field: "501（其中修订115件）"})
    text, spans = render("2019", cells)
    s = span_of(spans, field)
    probs = one_hot(text, spans)
    for i, p_value in ((s.start + 1, 0.21), (s.start + 2, 0.30)):
        unsure(probs, i, "O", f"I-V:{field}", 0.70)
        probs[i, L[f"I-V:{field}"]] = p_value
    for i in range(s.start + 3, s.end):
        probs[i] = 1e-6
        probs[i, L["O"]] = 1.0
    assert decode(text, probs, arbitrate=False).record.cells[field] == 5
    ext = decode(text, probs)
    assert ext.record.cells[field] == 501
    assert ext.details[field]["arbitrated"]
    json.dumps(ext.decisions)  # plain numbers, not numpy ones
    assert decode(text, probs, config=ArbitrationConfig(malformed_cost=0.0)).record.cells[field] == 5


def test_confident_value_is_never_changed_to_make_a_sum_work():
    """The report prints granted.total = 35 where its parts sum to 3.  Reading the '5' as not part
    of the cell would make R2 and R3 hold — but the model read it with a margin above the
    threshold (0.8 vs 0.2), so the printed value stands and the findings are reported."""
    cells = consistent_2019(**{**R3_ROW, "t3.granted.total": 35})
    text, spans = render("2019", cells)
    probs = one_hot(text, spans)
    total = span_of(spans, "t3.granted.total")
    unsure(probs, total.start + 1, "I-V:t3.granted.total", "O", 0.8)  # margin 0.6
    ext = decode(text, probs)
    assert ext.record.cells["t3.granted.total"] == 35
    assert {(f.rule, f.where) for f in ext.findings} == {("R3", "row granted"), ("R2", "column total")}
    assert ext.details["t3.granted.total"]["arbitrated"] is False and ext.decisions == []
    # only the margin protects it: call the same reading unsure and the sums would decide
    loose = decode(text, probs, config=ArbitrationConfig(margin=0.7))
    assert loose.record.cells["t3.granted.total"] == 3 and loose.findings == []


def test_unsure_value_whose_alternative_fixes_nothing_keeps_the_argmax():
    text, spans = render("2019", consistent_2019(**R3_ROW))
    probs = one_hot(text, spans)
    s = span_of(spans, "t3.granted.natural_person").start
    unsure(probs, s, "B-V:t3.granted.natural_person", "B-V:t3.partial.natural_person", 0.6)
    ext = decode(text, probs)
    assert ext.record.cells["t3.granted.natural_person"] == 1
    (decision,) = ext.decisions
    assert not decision["changed"] and "kept" in decision["reason"]


def test_genuinely_inconsistent_report_stays_inconsistent_with_findings():
    cells = consistent_2019(**{**R3_ROW, "t4.review.upheld": 2, "t4.review.total": 3})  # R4 broken in print
    text, spans = render("2019", cells)
    ext = decode(text, one_hot(text, spans))
    assert ext.record.cells["t4.review.total"] == 3 and ext.record.cells["t4.review.upheld"] == 2
    (finding,) = ext.findings
    assert finding.rule == "R4" and finding.where == "group review"


def test_lone_page_number_is_not_a_cell_when_sums_say_so():
    """A '2' between rows: the model half thinks it is commercial's value of row granted; the sums
    (granted total 1 = natural_person 1) say it is a page number."""
    cells = consistent_2019(**{"t3.new_received.natural_person": 1, "t3.new_received.total": 1,
                               "t3.granted.natural_person": 1, "t3.granted.total": 1, "t3.granted.commercial": None,
                               "t3.total.natural_person": 1, "t3.total.total": 1})
    text, spans = render("2019", cells)
    nl = text.index("\n", span_of(spans, "t3.granted.total").end)
    text = text[:nl] + "\n2" + text[nl:]  # a page number on its own line
    spans = [s if s.start < nl else Span(s.start + 2, s.end + 2, s.tag) for s in spans]
    probs = one_hot(text, spans)
    unsure(probs, nl + 1, "B-V:t3.granted.commercial", "O", 0.55)
    assert decode(text, probs, arbitrate=False).record.cells["t3.granted.commercial"] == 2
    ext = decode(text, probs)
    assert ext.record.cells["t3.granted.commercial"] is None and ext.findings == []
    assert ext.details["t3.granted.commercial"]["arbitrated"]


def test_arbitration_config_caps_the_search():
    text, spans = render("2019", consistent_2019(**R3_ROW))
    probs = one_hot(text, spans)
    for s in spans:
        if s.tag.startswith("V:t3"):
            unsure(probs, s.start, f"B-{s.tag}", "O", 0.6)
    ext = decode(text, probs, config=ArbitrationConfig(max_positions=5))
    assert len([d for d in ext.decisions if d["kind"] == "arbitration"]) <= 5


def test_missed_cell_is_filled_when_row_and_column_agree():
    """OCR lost the '2' of granted.commercial: R3 (row) and R2 (column) both miss exactly 2."""
    text, spans = render("2019", consistent_2019(**R3_ROW))
    lost = span_of(spans, "t3.granted.commercial")
    text = text[:lost.start] + text[lost.end:]
    spans = [s for s in spans if s != lost]
    spans = [s if s.start < lost.start else Span(s.start - 1, s.end - 1, s.tag) for s in spans]
    probs = one_hot(text, spans)
    assert decode(text, probs, arbitrate=False).record.cells["t3.granted.commercial"] is None
    ext = decode(text, probs)
    assert ext.record.cells["t3.granted.commercial"] == 2 and ext.findings == []
    assert ext.details["t3.granted.commercial"]["inferred"]
    (d,) = [d for d in ext.decisions if d["kind"] == "missed_cell"]
    assert d["fields"] == ["t3.granted.commercial"] and "R3 row granted" in d["checks"]


def test_blank_applicant_columns_with_totals_only_are_not_filled():
    """Totals printed, applicant columns blank: R3 breaks on every row but no column check
    agrees, so nothing is invented — the findings are reported."""
    cells = consistent_2019(**R3_ROW)
    for f in list(cells):
        if f.startswith("t3.") and not f.endswith(".total"):
            cells[f] = None
    text, spans = render("2019", cells)
    ext = decode(text, one_hot(text, spans))
    assert all(ext.record.cells[f] is None for f in cells if cells[f] is None)
    assert not [d for d in ext.decisions if d["kind"] == "missed_cell"]
    assert {(f.rule, f.where) for f in ext.findings} >= {("R3", "row granted")}


def test_decoder_reads_what_the_generator_labels():
    """The decoder's ceiling: one-hot probabilities of synthetic samples' own spans (every layout,
    damage included) decode to their gold.  What it cannot get back is OCR that dropped or doubled
    a digit, and a lost 0 or a lost table-二 value (no sum to tell)."""
    synth = pytest.importorskip("xxgk.data.synth.report")
    right = total = 0
    for seed in range(24):
        sample = synth.generate(seed)
        rec = decode(sample.text, one_hot(sample.text, sample.spans, p=1.0)).record
        assert rec.template == sample.gold.template and rec.year == sample.gold.year
        right += sum(rec.cells.get(f) == v for f, v in sample.gold.cells.items())
        total += len(sample.gold.cells)
    assert right / total >= 0.995


def test_run_together_row_never_undoes_a_confident_cut():
    """``1212`` read surely as 1 | 2 | 12 (p 0.9995 that a value starts at the 2nd and 3rd digit):
    12 | 12 would add up, but it undoes a confident cut, so the printed reading stays."""
    row = {"natural_person": 1, "commercial": 2, "total": 12}
    text, probs, cells = _run_together_row(row, {1: 0.9995, 2: 0.9995})  # offset 3 (inside 12): 0.3
    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in row] == [1, 2, 12]
    (decision,) = [d for d in ext.decisions if d["kind"] == "split"]
    assert not decision["changed"]
    assert any(f.rule == "R3" and f.where == "row granted" for f in ext.findings)


@pytest.mark.parametrize("numeral", ["(1)", "（一）", "1.", "第一部分 ", "一、"])
def test_a_heading_starts_at_its_numeral_when_the_model_reads_only_its_words(numeral):
    text = f"某某镇2020年政府信息公开工作年度报告\n{numeral}总体情况\n今年我镇如何如何。\n"
    words = text.index("总体情况")
    ext = decode(text, one_hot(text, [Span(words, words + 4, "H1")]), template="2019")
    assert ext.record.sections["1"] == text.index(numeral)


def test_a_table_two_row_run_together_is_not_read_with_a_leading_zero():
    """``行政许可20571`` (crawler text: 2, 0, 571 with nothing between).  The model cuts it
    2 | 057 | 1 — it doubts (p 0.3) that a value starts at the ``5`` and at the ``7``, and leans
    to one at the ``1``.  Table 二 has no sums; a count is not printed with a leading zero, so
    the row is re-cut, 2 | 0 | 571, and the decision recorded."""
    fields = ["t2.licensing.prev_items", "t2.licensing.change", "t2.licensing.decisions"]
    cells = consistent_2019(**dict(zip(fields, (2, 0, 571))))
    text, spans = render("2019", cells, joined=set(zip(fields, fields[1:])))
    first = span_of(spans, fields[0]).start
    assert text[first:first + 5] == "20571"
    probs = one_hot(text, spans)
    for k, (field, p_start) in enumerate([(0, 1.0), (1, 0.9), (1, 0.3), (1, 0.3), (2, 0.6)]):
        probs[first + k] = 1e-7
        probs[first + k, L[f"B-V:{fields[field]}"]] = p_start
        probs[first + k, L[f"I-V:{fields[field]}"]] = 1 - p_start
    alone = decode(text, probs, arbitrate=False)
    assert [alone.record.cells[f] for f in fields] == [2, 57, 1]
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in fields] == [2, 0, 571]
    (decision,) = [d for d in ext.decisions if d["kind"] == "split"]
    assert decision["changed"] and decision["fields"] == fields


def test_a_reading_that_cuts_a_number_with_no_start_between_is_malformed():
    """``47`` read 4 (B- natural person) and 7 (I- of commercial: no value of that cell goes on
    there) cuts a digit run with nothing saying a value starts: malformed, as a leading zero."""
    from xxgk.inference.sites import Site, add_readings

    text = "一、本年新收\t47\t"
    a = text.index("47")
    ids = np.full(len(text), L["O"])
    ids[a], ids[a + 1] = L["B-V:t3.new_received.natural_person"], L["I-V:t3.new_received.natural_person"]
    probs = np.full((len(text), len(L)), 1e-6, dtype=np.float32)
    probs[np.arange(len(text)), ids] = 1.0
    site = Site(a, a + 2, [a + 1])
    add_readings(site, text, probs, ids, [(0.0, (L["I-V:t3.new_received.natural_person"],)),
                                          (0.0, (L["I-V:t3.new_received.commercial"],))])
    whole, cut = site.readings
    assert whole.best["t3.new_received.natural_person"].value == 47 and whole.malformed == 0
    assert cut.best["t3.new_received.natural_person"].value == 4 and cut.malformed == 1


def test_table_four_run_together_with_blank_cells_printed_as_nothing_is_read_where_every_group_adds_up():
    """Crawler text: table 四's fifteen cells run together on one line and blank cells leave no
    trace (``916723`` is review 9, 1, 6, 7 and total 23; the other groups blank).  The model hesitates
    on every cut (p 0.55 that each digit continues one number): its argmax reads one count of six
    digits and no total.  Every reading whose three group sums hold is offered (blanks anywhere),
    whatever the model's cut probabilities, and the model's cells choose among them."""
    t4 = get_template("2019").table("t4").fields
    review = dict(zip([f for f in t4 if f.startswith("t4.review.")], [9, 1, 6, 7, 23]))
    cells = {**consistent_2019(), **dict.fromkeys(t4), **review}
    text, spans = render("2019", cells, joined=set(zip(t4, t4[1:])), one_line=("t4",))
    first = span_of(spans, "t4.review.upheld")
    assert text[first.start:first.start + 7] == "916723\n"
    probs = one_hot(text, spans)
    for i in range(first.start + 1, first.start + 6):
        unsure(probs, i, "I-V:t4.review.upheld", labels()[int(probs[i].argmax())], 0.55)
    assert decode(text, probs, arbitrate=False).record.cells["t4.review.upheld"] == 916723
    ext = decode(text, probs)
    assert {f: ext.record.cells[f] for f in t4} == {f: cells[f] for f in t4}
    (decision,) = [d for d in ext.decisions if d["kind"] == "split"]
    chosen = next(a for a in decision["alternatives"] if a["reading"] == decision["chosen"]["reading"])
    assert chosen["adds_up"] == 3


def test_group_readings_are_every_cut_and_placement_whose_sums_hold():
    """``9 1 6 7 23`` fits any one of table 四's three groups (the others blank): three readings, no
    more; a confident cut (a value surely starts there) is never undone, and a count never has a
    leading zero."""
    from xxgk.inference.split import _rows, _sums, group_readings, sum_groups

    row = _rows("2019")["t4.review.upheld"]
    groups = sum_groups(_sums("2019", row), len(row))
    assert [len(g) for g in groups] == [5, 5, 5]
    digits = "916 7 23"
    readings = group_readings(digits, set(), groups)
    assert sorted(tuple(c for _, _, c in r) for r in readings) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9),
                                                                 (10, 11, 12, 13, 14)]
    assert all([digits[s:e] for s, e, _ in r] == ["9", "1", "6", "7", "23"] for r in readings)
    assert group_readings(digits, {1}, groups) == readings  # a sure cut before the 1: made anyway
    assert group_readings(digits, {7}, groups) == []  # a sure cut inside 23: no total fits
    assert all(digits[s] != "0" or e - s == 1 for r in group_readings("1010", set(), groups) for s, e, _ in r)
    # a space-aligned line is mostly blanks: only its digits count against the cells left
    spread = "     2" + " " * 38 + "3   5" + " " * 14 + "6" + " " * 60 + "6" + " " * 30 + "1" + " " * 34 + "1"
    assert len(spread) > 4 * len(row)
    assert any(tuple(int(spread[s:e]) for s, e, _ in r) == (2, 3, 5, 6, 6, 1, 1)
               and [c for _, _, c in r] == [0, 3, 4, 5, 9, 11, 14] for r in group_readings(spread, set(), groups))


def test_a_value_does_not_start_right_after_a_decimal_point():
    """Crawler text ``政府集中采购370.03``: the model starts a new value at the ``0`` after the point
    (p 0.6), so its argmax reads ``70.`` and ``03`` — the order keeps one of them.  A number goes on
    after its decimal point: one amount, 70.03, recorded as a ``decimal`` decision."""
    cells = consistent_2019(**{"t2.procurement.projects": 3, "t2.procurement.amount": "70.03"})
    text, spans = render("2019", cells, joined={("t2.procurement.projects", "t2.procurement.amount")})
    amount = span_of(spans, "t2.procurement.amount")
    assert text[amount.start - 1:amount.end] == "370.03"
    probs = one_hot(text, spans)
    unsure(probs, amount.start + 3, "B-V:t2.procurement.amount", "I-V:t2.procurement.amount", 0.6)
    assert decode(text, probs, arbitrate=False).record.cells["t2.procurement.amount"] in ("70.", "03")
    ext = decode(text, probs)
    assert ext.record.cells["t2.procurement.amount"] == "70.03"
    assert ext.record.cells["t2.procurement.projects"] == 3
    (decision,) = [d for d in ext.decisions if d["kind"] == "decimal"]
    assert decision["fields"] == ["t2.procurement.amount"] and decision["text"] == "70.03"


@pytest.mark.parametrize("printed, value", [("-1", -1), ("+1", 1)])
def test_a_sign_read_as_a_value_of_its_own_is_the_next_numbers_sign(printed, value):
    """Crawler text ``行政强制0-10`` (0 items, -1, 0 decisions; or ``+1``): the model starts the
    change at the sign but starts another value at the ``1`` (p 0.66 the row's first cell again), so
    the argmax reads the sign alone and the order puts 1 in the change cell.  A lone sign is no
    count: the digit right after it continues it, recorded as a ``sign`` decision; an unsigned
    column is left alone."""
    row = ("t2.enforcement.prev_items", "t2.enforcement.change", "t2.enforcement.decisions")
    cells = consistent_2019(**dict(zip(row, (0, printed, 0))))
    text, spans = render("2019", cells, joined={(row[0], row[1]), (row[1], row[2])})
    change = span_of(spans, row[1])
    assert text[change.start - 1:change.end + 1] == f"0{printed}0"
    probs = one_hot(text, spans)
    unsure(probs, change.start + 1, f"B-V:{row[0]}", f"I-V:{row[1]}", 0.66)
    assert decode(text, probs, arbitrate=False).record.cells[row[1]] == printed[0]
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in row] == [0, value, 0]
    (decision,) = [d for d in ext.decisions if d["kind"] == "sign"]
    assert decision["fields"] == [row[1]] and decision["text"] == printed
    from dataclasses import replace

    from xxgk.inference.align import AlignConfig
    off = replace(ArbitrationConfig(), align=AlignConfig(signs=False))
    assert decode(text, probs, config=off).record.cells[row[1]] != value
    from xxgk.inference.align import lone_signs
    from xxgk.inference.decode import argmax_ids
    ids = argmax_ids(probs)
    ids[change.start] = L["B-V:t3.granted.total"]  # a sign read as a table-三 count: no count is negative
    assert lone_signs(text, probs, ids) is probs


def test_two_cells_printed_as_one_number_are_cut_where_the_row_adds_up():
    """``1013208`` in a row of tab-separated cells: natural person 1013 and commercial 208 printed
    as one (a converter dropped the tab).  The model reads one count and sees no cut in it
    (p 1e-5 that a value starts at the 2), so R3 breaks; one more cut anywhere inside a number of a
    row whose sum breaks is offered at the cost of the model's doubt, and the row's sum takes it."""
    row = {"natural_person": 1013, "commercial": 208, "research": 19, "social_org": 41, "legal_service": 113,
           "other_org": 104, "total": 1498}
    fields = [f"t3.granted.{c}" for c in row]
    cells = consistent_2019(**{f: v for f, v in zip(fields, row.values())})
    for c in row:
        cells[f"t3.total.{c}"] = row[c]
    text, spans = render("2019", cells, joined={(fields[0], fields[1])})
    first = span_of(spans, fields[0]).start
    assert text[first:first + 8] == "1013208\t"
    probs = one_hot(text, spans)
    for k in range(4, 7):
        probs[first + k] = 1e-7
        probs[first + k, L[f"I-V:{fields[0]}"]] = 0.9
        probs[first + k, L[f"I-V:{fields[1]}"]] = 0.1 - 1e-5
        probs[first + k, L[f"B-V:{fields[1]}"]] = 1e-5
    assert decode(text, probs, arbitrate=False).record.cells[fields[0]] == 1013208
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in fields] == list(row.values())
    assert not [f for f in ext.findings if f.rule == "R3"]


def test_a_run_together_row_with_an_ocr_look_alike_is_cut_too():
    """``1〇51`` — natural person 1, commercial 0 (OCR read it as 〇), research 5, total 6... is a row
    of run-together digits like any other: the look-alike counts as the digit it stands for."""
    row = {"natural_person": 1, "commercial": 0, "research": 5, "total": 6}
    text, probs, cells = _run_together_row(row, {})
    start = text.index("1056")
    text = text[:start + 1] + "〇" + text[start + 2:]
    ext = decode(text, probs)
    assert [ext.record.cells[f"t3.granted.{c}"] for c in row] == [1, 0, 5, 6]
    assert [d for d in ext.decisions if d["kind"] == "split"]


def test_a_list_number_glued_after_a_row_is_the_next_labels():
    from xxgk.inference.split import numeral_end

    text = "10000012 、申请人逾期未按收费通知要求缴纳费用"
    assert numeral_end(text, 0, 8) == 7
    assert numeral_end("0001253.5万元", 0, 7) == 7  # a decimal point, not a list number
    assert numeral_end("2、申请人", 0, 1) == 1  # a lone digit stays: it may be the row's only value


def test_a_mark_read_as_more_of_a_header_is_a_cell():
    """Crawler text ``本年增/减处理决定数量行政处罚//90``: the first ``/`` (a blank 上一年项目数量) read as
    more of the header 本年增/减 leaves three cells for ``/90`` and 90 is cut into 9 | 0.  A label
    read on digits and marks only is no label: both marks are cells, 90 stays whole."""
    row = ("t2.penalty.prev_items", "t2.penalty.change", "t2.penalty.decisions")
    cells = consistent_2019(**dict(zip(row, ("/", "/", 90))))
    text, spans = render("2019", cells, joined={row[:2], row[1:]})
    probs = one_hot(text, spans)
    first = span_of(spans, row[0]).start
    unsure(probs, first, "I-C:t2.change", f"B-V:{row[0]}", 0.8)
    unsure(probs, first + 2, f"B-V:{row[0]}", f"B-V:{row[2]}", 0.6)  # the 9: a value starts, which cell?
    unsure(probs, first + 3, f"B-V:{row[2]}", f"I-V:{row[2]}", 0.9)  # the 0: the model cuts 90
    assert [decode(text, probs).record.cells[f] for f in row] == ["/", "/", 90]


def test_a_table_two_row_padded_by_a_space_still_runs_on():
    """``规范性文件5 25`` (crawler text, a space padded in at random): 5, 2 and 5 — or 5, blank and 25.
    Forms print 0 or a mark for nothing; with no tab, line break or padded gap between its values
    the row runs on, a blank cell leaves no trace, and leaving one costs as in ``split``."""
    fields = ["t2.normative.new_made", "t2.normative.new_published", "t2.normative.total_published"]
    cells = consistent_2019(**dict(zip(fields, (5, 2, 5))))
    text, spans = render("2019", cells, joined={tuple(fields[1:])})
    first = span_of(spans, fields[0]).start
    assert text[first:first + 4] == "5\t25"
    text = text[:first + 1] + " " + text[first + 2:]  # the gap of a crawler line, not a layout's tab
    probs = one_hot(text, spans)
    unsure(probs, first + 2, f"B-V:{fields[2]}", f"B-V:{fields[1]}", 0.6)  # the 2: total_published starts?
    unsure(probs, first + 3, f"I-V:{fields[2]}", f"B-V:{fields[2]}", 0.6)  # the 5: it goes on?
    assert [decode(text, probs).record.cells[f] for f in fields] == [5, 2, 5]
    tabbed = text[:first + 1] + "\t" + text[first + 2:]  # a layout's gap: a blank would have left a trace
    assert [decode(tabbed, probs).record.cells[f] for f in fields] == [5, None, 25]


def test_a_sign_read_as_nothing_before_a_change_starts_it():
    """Markdown ``| 无 | －1 |``: the model reads the ``－`` as nothing and the 1 as going on (I-) in
    本年增/减 — a value that goes on from a sign starts at the sign: −1, a ``sign`` decision."""
    row = ("t2.fees.prev_items", "t2.fees.change")
    cells = consistent_2019(**dict(zip(row, ("无", "－1"))))
    text, spans = render("2019", cells)
    change = span_of(spans, row[1])
    probs = one_hot(text, spans)
    unsure(probs, change.start, "O", f"B-V:{row[1]}", 0.9)
    assert decode(text, probs, arbitrate=False).record.cells[row[1]] == 1
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in row] == ["无", -1]
    (decision,) = [d for d in ext.decisions if d["kind"] == "sign"]
    assert decision["fields"] == [row[1]] and decision["text"] == "－1"


def test_sites_whose_segments_only_touch_stay_apart():
    """Crawler text: a row's values, the next row's label, its values — labels and values abut.  The
    segment of an unsure value reaches to the end of the span after it; the next row's segment starts
    at its label.  Touching is not overlapping: two sites, so neither's readings crowd the other's out."""
    from xxgk.inference.arbitrate import find_sites

    tags = (["B-R:t3.other", "I-R:t3.other"] + ["B-V:t3.other.natural_person", "B-V:t3.other.total"]
            + ["B-R:t3.total", "I-R:t3.total"] + ["O", "O"] + ["B-R:t3.carried_forward"])
    ids = np.array([L[t] for t in tags])
    sites = find_sites([2, 6, 7], ids)
    assert [(s.a, s.b, s.positions) for s in sites] == [(0, 4, [2]), (4, 9, [6, 7])]
    # the next row's label unsure too: its segment reaches back into the first's, one site
    assert [(s.a, s.b, s.positions) for s in find_sites([2, 4, 6, 7], ids)] == [(0, 9, [2, 4, 6, 7])]


P, C, D = "t2.penalty.prev_items", "t2.penalty.change", "t2.penalty.decisions"


@pytest.mark.parametrize("printed, gold, model, model_reads", [
    # 0, −1, 2309: the model (a test report's probabilities, top labels) loses count after the sign
    ("0-12309", (0, -1, 2309), [{f"B-V:{P}": .93, f"B-V:{D}": .05, f"B-V:{C}": .02}, {f"B-V:{C}": .98, f"I-V:{P}": .02},
                                {f"B-V:{P}": .91, f"I-V:{C}": .09}, {f"I-V:{P}": .3, f"I-V:{D}": .23, f"B-V:{C}": .21},
                                {f"I-V:{D}": .33, f"I-V:{P}": .29, f"B-V:{D}": .19},
                                {f"B-V:{C}": .55, f"B-V:{D}": .08, f"I-V:{D}": .3}, {f"I-V:{D}": .85, f"B-V:{D}": .07}],
     [0, "-", 9]),
    # 4, −1, 12780: the model reads the sign as the decisions' (the change blank), and of the cuts leans
    # to −11278 | 0, a change taking away more items than there were
    ("4－112780", (4, -1, 12780), [{f"B-V:{P}": 1}, {f"B-V:{D}": .6, f"B-V:{C}": .4}, {f"I-V:{D}": .6, f"I-V:{C}": .4},
                                  {f"B-V:{D}": .45, f"I-V:{D}": .55}, {f"I-V:{D}": 1}, {f"I-V:{D}": 1}, {f"I-V:{D}": 1},
                                  {f"B-V:{D}": .6, f"I-V:{D}": .4}], [4, None, 0]),
    # 11, +2, 79: the model (a test report's probabilities) reads 1 | 1 | +279, a sign outside the change
    ("11+279", (11, 2, 79), [{f"B-V:{P}": .54, f"I-V:{C}": .45}, {f"B-V:{D}": .66, f"I-V:{D}": .25, f"I-V:{C}": .05},
                             {f"B-V:{C}": .98, f"I-V:{D}": .01}, {f"B-V:{P}": .81, f"I-V:{C}": .14, f"B-V:{D}": .03},
                             {f"I-V:{D}": .78, f"B-V:{D}": .09, f"I-V:{P}": .07}, {f"I-V:{D}": .9, f"B-V:{D}": .07}],
     [2, "+", 79]),
])
def test_a_table_two_row_with_a_negative_change_is_cut_after_its_sign(printed, gold, model, model_reads):
    """A 本年增/减 printed with its sign in a row run together: the sign starts the change and the digit
    after it is the change's.  The row is re-cut where the model's reading leaves a digit unread, and
    of the cuts a change below minus last year's items, or a sign outside the change, costs as a
    malformed value."""
    fields = [P, C, D]
    shown = [str(v) for v in gold]
    shown[1] = f"{gold[1]:+d}"  # a change printed with its sign
    text, spans = render("2019", consistent_2019(**dict(zip(fields, shown))), joined=set(zip(fields, fields[1:])))
    first = span_of(spans, P).start
    assert len(printed) == len("".join(shown))
    text = text[:first] + printed + text[first + len(printed):]  # the sign as printed (full-width too)
    probs = one_hot(text, spans)
    for k, mass in enumerate(model):
        probs[first + k] = 1e-7
        for label, p in mass.items():
            probs[first + k, L[label]] = p
    alone = decode(text, probs, arbitrate=False)
    assert [alone.record.cells[f] for f in fields] == model_reads
    ext = decode(text, probs)
    assert [ext.record.cells[f] for f in fields] == list(gold)


def read_as(probs: np.ndarray, spans: list[Span], rows: tuple[str, ...], wrong: dict[str, str], p: float = 0.6) -> None:
    """The model reads each of ``rows``' cells ``col`` as that row's ``wrong[col]`` with ``p``, the rest
    on ``col`` (in place)."""
    for r in rows:
        for col, other in wrong.items():
            s = span_of(spans, f"t3.{r}.{col}")
            for i in range(s.start, s.end):
                tag = "B-V:" if i == s.start else "I-V:"
                unsure(probs, i, tag + f"t3.{r}.{other}", tag + f"t3.{r}.{col}", p)


def test_a_blank_cell_between_two_tabs_keeps_the_values_after_it_in_their_columns():
    """PDF→text: ``338\\t65\\t\\t3\\t11\\t21\\t438`` — research blank, its two tabs printed.  The model reads
    the values after the blank one column early (p 0.6), in every row alike, so each row and every
    column sum hold either way: only the tabs say where the values sit (`align.separator_step`,
    `split.cell_steps` in the row cuts and placements)."""
    printed = {"natural_person": 338, "commercial": 65, "research": None, "social_org": 3, "legal_service": 11,
               "other_org": 21, "total": 438}
    rows = ("new_received", "granted", "total")
    cells = consistent_2019(**{f"t3.{r}.{c}": v for r in rows for c, v in printed.items()})
    text, spans = render("2019", cells)
    assert "\t65\t\t3\t11\t21\t438" in text
    probs = one_hot(text, spans)
    read_as(probs, spans, rows, {"social_org": "research", "legal_service": "social_org", "other_org": "legal_service"})
    ext = decode(text, probs)
    for r in rows:
        assert {c: ext.record.cells[f"t3.{r}.{c}"] for c in printed} == printed


def test_a_value_read_further_from_the_next_than_the_tabs_between_them_is_moved_to_their_count():
    """One column filled, printed ``\\t260\\t\\t\\t\\t260``: research and total.  The model reads the
    first 260 as commercial (p 0.6), in every row — the sums hold either way, and the reading is in
    order.  Four tabs from the total, the 260 is research: a value the model is sure is one cell (no
    start inside it) that sits further from the next than the tabs say is misread, and re-aligned."""
    rows = ("new_received", "granted", "total")
    cols = [c.key for c in get_template("2019").table("t3").blocks[0].columns]
    cells = consistent_2019(**{f"t3.{r}.{c}": 260 if c in ("research", "total") else None for r in rows for c in cols})
    text, spans = render("2019", cells)
    assert "\t260\t\t\t\t260\n" in text
    probs = one_hot(text, spans)
    read_as(probs, spans, rows, {"research": "commercial"})
    ext = decode(text, probs)
    for r in rows:
        assert (ext.record.cells[f"t3.{r}.commercial"], ext.record.cells[f"t3.{r}.research"]) == (None, 260)
