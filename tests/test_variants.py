"""Printing variants of labeled reports keep every printed number and its order."""
from __future__ import annotations

import re

from xxgk.data.gold import load_record
from xxgk.eval.variants import VARIANTS, write_variants
from xxgk.inference.baseline import parse

from .conftest import EXAMPLES

DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def numbers(text: str) -> list[str]:
    text = re.sub(r"（其中新增\d+件）", "", text.translate(DIGITS))
    text = re.sub(r"(?m)^\s*— \d+ —\s*$", "", text)
    text = re.sub(r"(?m)^(\s*)\([1-6]\)", r"\1", text)  # a renumbered heading's number
    text = text.replace("件", "")
    return re.findall(r"\d+", text)


def test_every_variant_keeps_the_report_numbers_in_order(tmp_path):
    source = next((EXAMPLES / "raw").glob("003_*.txt"))
    written = write_variants(source.parent, tmp_path)
    assert len(written) == len(VARIANTS) * len(list(source.parent.glob("*.txt")))
    original = source.read_text(encoding="utf-8")
    for name in VARIANTS:
        text = (tmp_path / name / source.name).read_text(encoding="utf-8")
        if name == "web_chrome":  # the report itself untouched, numbers of the page around it
            assert original in text and len(text) > len(original)
        elif name in ("one_line",):  # numbers run together: compare the digits
            assert "".join(numbers(text)) == "".join(numbers(original))
        else:
            assert numbers(text) == numbers(original), name


def test_a_variant_that_keeps_the_lines_keeps_the_baseline_reading():
    """The rule-based parser reads dev report 003 indented as it reads it printed plainly."""
    source = next((EXAMPLES / "raw").glob("003_*.txt")).read_text(encoding="utf-8")
    gold = load_record(next((EXAMPLES / "gold").glob("003_*.json")))
    assert parse(VARIANTS["fullwidth_digits"](source)).cells == parse(source).cells
    assert sum(parse(source).cells[f] == v for f, v in gold.cells.items()) > 150
