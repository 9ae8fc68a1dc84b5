"""Label projection: dev reports fully placed; synthetic reports labeled as the generator labels them."""
from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

import pytest

from xxgk.data.gold import Record, load_record
from xxgk.data.labels import Span, spans_to_tags
from xxgk.data.projection import project, project_report
from xxgk.data.schema import get_template

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
SYNTH_SEEDS = range(100)  # samples compared with the generator's own labels
MIN_AGREEMENT = 0.999


def dev_reports() -> list[tuple[str, Record]]:
    out = []
    for path in sorted((EXAMPLES / "gold").glob("*.json")):
        out.append(((EXAMPLES / "raw" / f"{path.stem}.txt").read_text(encoding="utf-8"), load_record(path)))
    return out


def printed(value) -> str:
    return str(value)


@pytest.mark.parametrize("i", range(5))
def test_dev_report_every_value_placed(i: int):
    text, gold = dev_reports()[i]
    result = project_report(text, gold)
    assert result.unplaced == []
    spans_to_tags(len(text), result.spans)  # valid: known tags, inside the text, no overlaps
    values = {s.tag[2:]: s for s in result.spans if s.kind == "V"}
    non_blank = {f for f in get_template(gold.template).fields if gold.cells[f] is not None}
    assert set(values) == non_blank
    for f, span in values.items():
        assert "".join(text[span.start:span.end].split()) == printed(gold.cells[f]), f
    # headings start at the gold offsets; table labels are found
    assert {s.tag: s.start for s in result.spans if s.kind == "H"} == {f"H{k}": v for k, v in gold.sections.items()}
    tags = {s.tag for s in result.spans}
    assert {"R:t2.regulations", "R:t3.denied.state_secret", "R:t4.review", "C:t3.natural_person",
            "C:t4.upheld", "C:t2.prev_items"} <= tags


def test_dev_values_sit_in_their_rows():
    """The values of a row come after its label and before the next row's (word-table layout)."""
    text, gold = dev_reports()[2]  # table 三 printed with blank cells and only the last two columns filled
    spans = project(text, gold)
    at = {s.tag: s for s in spans}
    row, nxt = at["R:t3.new_received"], at["R:t3.carried_over"]
    assert row.end < at["V:t3.new_received.other_org"].start < at["V:t3.new_received.total"].start < nxt.start
    assert "V:t3.new_received.natural_person" not in at  # printed blank: no characters, no span


def _remap(text: str, fn) -> tuple[str, list[int]]:
    out, pos, n = [], [], 0
    for ch in text:
        pos.append(n)
        r = fn(ch)
        out.append(r)
        n += len(r)
    return "".join(out), pos + [n]


FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("name,fn", [("no white space at all (crawler)", lambda c: "" if c.isspace() else c),
                                     ("full-width digits", lambda c: c.translate(FULL)),
                                     ("pipes between cells", lambda c: " | " if c == "\t" else c)])
def test_dev_reports_reshaped(name, fn):
    """The same reports with their cells run together, full-width or piped: still every value placed."""
    for text, gold in dev_reports():
        new_text, pos = _remap(text, fn)
        g = copy.deepcopy(gold)
        g.sections = {k: pos[v] for k, v in gold.sections.items()}
        result = project_report(new_text, g)
        assert result.unplaced == [], (name, gold.id)
        for s in result.spans:
            if s.kind == "V":
                got = "".join(new_text[s.start:s.end].split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
                assert got == printed(gold.cells[s.tag[2:]]), (name, gold.id, s.tag)


def test_run_together_digits_split_by_gold():
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容本年制发件数本年废止件数现行有效件数\n"
            "规章000行政规范性文件125118\n")
    fields = get_template("2021").fields
    cells = {f: None for f in fields}
    cells.update({"t2.regulations.issued": 0, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0,
                  "t2.normative.issued": 12, "t2.normative.repealed": 5, "t2.normative.in_force": 118})
    gold = Record("2021", cells, sections={"2": 0})
    result = project_report(text, gold)
    got = {s.tag: text[s.start:s.end] for s in result.spans if s.kind == "V"}
    assert got["V:t2.normative.issued"] == "12" and got["V:t2.normative.repealed"] == "5"
    assert got["V:t2.normative.in_force"] == "118" and got["V:t2.regulations.repealed"] == "0"
    assert sum(k.startswith("V:t2.regulations") for k in got) == 3
    assert result.unplaced == [f for f in fields if cells[f] is not None and f"V:{f}" not in got]


def test_headings_found_without_gold_offsets():
    """A record without section offsets: headings are found by their titles, at the same places."""
    for text, gold in dev_reports():
        g = copy.deepcopy(gold)
        g.sections = {}
        spans = project(text, g)
        assert {s.tag: s.start for s in spans if s.kind == "H"} == {f"H{k}": v for k, v in gold.sections.items()}
        assert spans == project(text, gold)


def test_unplaced_values_are_reported():
    text, gold = dev_reports()[1]
    g = copy.deepcopy(gold)
    g.cells["t2.procurement.projects"] = 987654  # not printed anywhere
    result = project_report(text, g)
    assert result.unplaced == ["t2.procurement.projects"]
    assert any("not found" in w for w in result.warnings)


# --------------------------------------------------------------------------- #
# Synthetic reports: the generator's spans are the reference
# --------------------------------------------------------------------------- #
def _synth():
    try:
        from xxgk.data.synth import LAYOUTS, generate
    except ImportError as exc:  # the generator lands in the same issue
        pytest.skip(f"xxgk.data.synth not available yet ({exc})")
    return generate, LAYOUTS


def agreement(text: str, reference: list[Span], spans: list[Span]) -> tuple[int, int]:
    a, b = spans_to_tags(len(text), reference), spans_to_tags(len(text), spans)
    return sum(x == y for x, y in zip(a, b)), len(text)


def test_synthetic_agreement():
    """Every layout, both templates, with the generator's damage: the projection agrees with the
    generator's own labels on >= 99.9 % of characters, overall and in each layout."""
    generate, layouts = _synth()
    per_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    templates = set()
    for seed in SYNTH_SEEDS:
        sample = generate(seed, layout=layouts[seed % len(layouts)])
        templates.add(sample.gold.template)
        spans = project(sample.text, sample.gold)
        spans_to_tags(len(sample.text), spans)
        agree, total = agreement(sample.text, sample.spans, spans)
        per_layout[sample.layout][0] += agree
        per_layout[sample.layout][1] += total
    overall = sum(a for a, _ in per_layout.values()) / sum(t for _, t in per_layout.values())
    detail = ", ".join(f"{k} {a / t:.5f}" for k, (a, t) in sorted(per_layout.items()))
    assert templates == {"2019", "2021"} and set(per_layout) == set(layouts)
    assert overall >= MIN_AGREEMENT, f"agreement {overall:.5f} < {MIN_AGREEMENT} ({detail})"
    worst = min(per_layout, key=lambda k: per_layout[k][0] / per_layout[k][1])
    assert per_layout[worst][0] / per_layout[worst][1] >= MIN_AGREEMENT, detail
