"""Column patterns: rows run together on one line take the columns most such rows take."""
from __future__ import annotations

import json

from xxgk.data.labels import Span, label2id
from xxgk.data.schema import get_template
from xxgk.inference.arbitrate import ArbitrationConfig
from xxgk.inference.decode import decode

from .conftest import one_hot

L = label2id()
BLOCK = get_template("2019").table("t3").blocks[0]
ROWS = {r.key: r.text for r in BLOCK.rows}


def crawler_report(values: dict[str, dict[str, int]], read: dict[str, dict[str, float]]):
    """Table 三 on one line, each row's label then its values run together (blanks printed as
    nothing); ``read[row]`` gives the first value's cells as the model hesitates between them."""
    text = "2020年某某镇政府信息公开工作年度报告 三、收到和处理政府信息公开申请情况 "
    spans = []
    for row, cells in values.items():
        text += ROWS[row]
        for col, v in cells.items():
            spans.append(Span(len(text), len(text) + len(str(v)), f"V:t3.{row}.{col}"))
            text += str(v)
    text += " 四、政府信息公开行政复议、行政诉讼情况 无。"
    probs = one_hot(text, spans)
    for row, cells in read.items():
        s = next(s for s in spans if s.tag.startswith(f"V:t3.{row}."))
        probs[s.start] = 1e-6
        for col, p in cells.items():
            probs[s.start, L[f"B-V:t3.{row}.{col}"]] = p
    return text, probs


def test_a_row_of_zeros_takes_the_columns_of_the_other_rows_of_its_report():
    """Three rows read natural person + total; 部分公开 ``00`` read other organisations + total (p 0.6
    against 0.35): no sum can tell, the report's other rows of two values can."""
    rows = ["new_received", "carried_over", "granted", "partial"]
    values = {r: {"natural_person": n, "total": n} for r, n in zip(rows, (5, 2, 7, 0))}
    text, probs = crawler_report({**values, "partial": {"other_org": 0, "total": 0}},
                                 {"partial": {"other_org": 0.6, "natural_person": 0.35}})
    off = decode(text, probs, config=ArbitrationConfig(patterns=False))
    assert off.record.cells["t3.partial.other_org"] == 0 and off.record.cells["t3.partial.natural_person"] is None
    ext = decode(text, probs)
    assert ext.record.cells["t3.partial.natural_person"] == 0 and ext.record.cells["t3.partial.other_org"] is None
    (decision,) = [d for d in ext.decisions if d["kind"] == "column_pattern"]
    assert decision["row"] == "partial" and decision["columns"] == ["natural_person", "total"]
    assert decision["votes"] == {"pattern": 3, "own": 1}
    json.dumps(ext.decisions)


def test_a_confident_column_is_not_outvoted():
    rows = ["new_received", "carried_over", "granted", "partial"]
    values = {r: {"natural_person": n, "total": n} for r, n in zip(rows, (5, 2, 7, 0))}
    text, probs = crawler_report({**values, "partial": {"other_org": 0, "total": 0}}, {})  # p 0.999
    ext = decode(text, probs)
    assert ext.record.cells["t3.partial.other_org"] == 0
    assert not [d for d in ext.decisions if d["kind"] == "column_pattern"]
