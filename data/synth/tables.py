"""Tables 二, 三 and 四 as grids, laid out like the State Council's Word form.

Each builder is a pure function of the printed values and a `LabelStyle` (how
this report words and punctuates its labels: ``（一）`` or ``(一) ``, ``1.`` or
``1、``, long or short label variants).  Labels are tagged ``R:``/``C:``, values
``V:<field id>``; item captions (第二十条第（一）项) and the corner formula are untagged.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..schema import (T2_COLUMN_HEADER, T3_COLUMN_GROUPS, T3_COLUMNS, T3_FORMULA, T3_ROW_GROUPS, T4_COLUMNS,
                      T4_GROUP_HEADERS, T4_GROUPS, Label, get_template)
from .doc import Grid, Piece
from .values import Printed


@dataclass(frozen=True)
class LabelStyle:
    paren: str = "full"  # "full" （一）, "half" (一), "half_space" (一) 予以公开
    enum: str = "."  # "." "．" "、" ". " after 1 2 3 in row labels
    variant: float = 0.0  # probability of using a printed variant instead of the form's label
    quotes: str = "“”"  # around 三安全一稳定: "“”", '""' or ""
    formula: bool = True  # corner cell of table 三 printed
    last_span: bool = True  # table 二: the last value cell of a short block spans two columns
    seed: int = 0  # for the per-label variant choices


def draw_label_style(rng: random.Random) -> LabelStyle:
    return LabelStyle(
        paren=rng.choices(["full", "half", "half_space"], [0.75, 0.12, 0.13])[0],
        enum=rng.choices([".", "．", "、", ". "], [0.6, 0.1, 0.2, 0.1])[0],
        variant=rng.choice([0.0, 0.0, 0.15, 0.4]),
        quotes=rng.choices(["“”", '""', ""], [0.8, 0.1, 0.1])[0],
        formula=rng.random() < 0.88,
        last_span=rng.random() < 0.7,
        seed=rng.randrange(1 << 30),
    )


def styled(text: str, st: LabelStyle) -> str:
    """The form's wording in this report's punctuation."""
    if st.quotes != "“”":
        text = text.replace("“", st.quotes[:1]).replace("”", st.quotes[1:])
    if st.enum != "." and len(text) > 1 and text[0].isdigit() and text[1] == ".":
        text = text[0] + st.enum + text[2:]
    if st.paren != "full":
        text = text.replace("（", "(").replace("）", ")")
        if st.paren == "half_space" and text.startswith("(") and text.find(")") == 2:
            text = text[:3] + " " + text[3:]  # (一) 予以公开
    return text


def pick(label: Label, st: LabelStyle, rng: random.Random) -> str:
    texts = label.texts
    if len(texts) > 1 and rng.random() < st.variant:
        return styled(rng.choice(texts[1:]), st)
    return styled(label.text, st)


def _value(p: Printed, field_id: str) -> list[Piece]:
    out = [Piece(p.value, f"V:{field_id}")] if p.value else []
    if p.remark:
        out.append(Piece(p.remark))
    return out


def table2(cells: dict[str, Printed], template: str, st: LabelStyle) -> Grid:
    rng = random.Random(st.seed + 2)
    grid = Grid("t2", 4)
    r = 0
    for block in get_template(template).table("t2").blocks:
        grid.add(r, 0, [Piece(styled(block.item, st))], colspan=4, role="note")
        r += 1
        n = len(block.columns)
        spans = [1] * n
        if n < 3:
            spans[-1] = 4 - n if (st.last_span or n == 1) else 1
        grid.add(r, 0, [Piece(styled(T2_COLUMN_HEADER.text, st), "C:t2.content")])
        col = 1
        for c, span in zip(block.columns, spans):
            grid.add(r, col, [Piece(pick(c, st, rng), f"C:t2.{c.key}")], colspan=span)
            col += span
        if col < 4:
            grid.add(r, col, [], role="pad")
        r += 1
        for row in block.rows:
            grid.add(r, 0, [Piece(pick(row, st, rng), f"R:t2.{row.key}")])
            col = 1
            for c, span in zip(block.columns, spans):
                f = f"t2.{row.key}.{c.key}"
                grid.add(r, col, _value(cells[f], f), colspan=span, role="value")
                col += span
            if col < 4:
                grid.add(r, col, [], role="pad")
            r += 1
    return grid


def table3(cells: dict[str, Printed], template: str, st: LabelStyle) -> Grid:
    rng = random.Random(st.seed + 3)
    grid = Grid("t3", 10)
    grid.add(0, 0, [Piece(styled(T3_FORMULA, st))] if st.formula else [], rowspan=3, colspan=3, role="note")
    applicants, legal = T3_COLUMN_GROUPS
    grid.add(0, 3, [Piece(applicants.text, "C:t3.applicants")], colspan=7)
    grid.add(1, 3, [Piece(T3_COLUMNS[0].text, "C:t3.natural_person")], rowspan=2)
    grid.add(1, 4, [Piece(legal.text, "C:t3.legal_persons")], colspan=5)
    grid.add(1, 9, [Piece(T3_COLUMNS[6].text, "C:t3.total")], rowspan=2)
    for i, c in enumerate(T3_COLUMNS[1:6]):
        grid.add(2, 4 + i, [Piece(c.text, f"C:t3.{c.key}")])
    rows = get_template(template).table("t3").rows
    keys = [row.key for row in rows]
    groups = {g.key: g for g in T3_ROW_GROUPS}
    first = 3
    start = {k: first + i for i, k in enumerate(keys)}
    results = keys[keys.index("granted"):keys.index("total") + 1]
    grid.add(start["granted"], 0, [Piece(styled(groups["results"].text, st), "R:t3.results")],
             rowspan=len(results))
    for group in ("denied", "unavailable", "not_processed", "other"):
        members = [k for k in keys if k.startswith(group + ".")]
        if members:
            grid.add(start[members[0]], 1, [Piece(styled(groups[group].text, st), f"R:t3.{group}")],
                     rowspan=len(members))
    for row in rows:
        r = start[row.key]
        if row.key in ("new_received", "carried_over", "carried_forward"):
            col, span = 0, 3
        elif "." in row.key:
            col, span = 2, 1
        else:
            col, span = 1, 2
        grid.add(r, col, [Piece(pick(row, st, rng), f"R:t3.{row.key}")], colspan=span)
        for i, c in enumerate(T3_COLUMNS):
            f = f"t3.{row.key}.{c.key}"
            grid.add(r, 3 + i, _value(cells[f], f), role="value")
    return grid


def table4(cells: dict[str, Printed], st: LabelStyle) -> Grid:
    grid = Grid("t4", 15)
    review, direct, after = T4_GROUPS
    grid.add(0, 0, [Piece(review.text, "R:t4.review")], colspan=5)
    grid.add(0, 5, [Piece(T4_GROUP_HEADERS[0].text, "R:t4.suit")], colspan=10)
    for i, c in enumerate(T4_COLUMNS):
        grid.add(1, i, [Piece(c.text, f"C:t4.{c.key}")], rowspan=2)
    grid.add(1, 5, [Piece(direct.text, "R:t4.suit_direct")], colspan=5)
    grid.add(1, 10, [Piece(after.text, "R:t4.suit_after_review")], colspan=5)
    for g in range(2):
        for i, c in enumerate(T4_COLUMNS):
            grid.add(2, 5 + 5 * g + i, [Piece(c.text, f"C:t4.{c.key}")])
    for g, group in enumerate(T4_GROUPS):
        for i, c in enumerate(T4_COLUMNS):
            f = f"t4.{group.key}.{c.key}"
            grid.add(3, 5 * g + i, _value(cells[f], f), role="value")
    return grid
