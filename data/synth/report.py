"""One synthetic report: ``generate(seed) -> Sample`` (text, spans, gold record).

Every aspect draws from its own random stream derived from the seed, so fixing
the layout or the template of a seed changes nothing else about it:
``generate(s)`` and ``generate(s, layout=generate(s).layout)`` are identical.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from ..gold import Record
from ..labels import Span
from . import layouts, markup, narrative, tables
from .config import DAMAGES, DEFAULT, LAYOUTS, SynthConfig
from .damage import DAMAGE
from .doc import Block, Doc, Piece
from .values import Values, draw_values

LAYOUT_FUNCS = {
    "word_tab": layouts.word_tab, "word_stacked": layouts.word_stacked, "cell_lines": layouts.cell_lines,
    "pdf_rows": layouts.pdf_rows, "space_aligned": layouts.space_aligned, "crawler_line": layouts.crawler_line,
    "markdown": markup.markdown, "md_fragments": markup.md_fragments, "html_table": markup.html_table,
    "web_page": markup.web_page,
}
assert set(LAYOUT_FUNCS) == set(LAYOUTS), "config.LAYOUTS and LAYOUT_FUNCS disagree"


@dataclass
class Sample:
    text: str
    spans: list[Span]  # non-overlapping, sorted; tags from xxgk.data.labels.span_tags()
    gold: Record  # what the report prints; extra["meta"] says how it was made
    layout: str
    damage: list[str]
    html: str | None = field(default=None, repr=False)  # the page source, for the html_table layout


def streams(seed: int) -> dict[str, random.Random]:
    """Independent random streams of one seed (string seeding is stable across runs)."""
    return {k: random.Random(f"xxgk-synth:{seed}:{k}") for k in
            ("values", "agency", "prose", "labels", "layout", "render", "damage")}


def compose(values: Values, rngs: dict[str, random.Random]) -> Doc:
    """The report's blocks: title, sections 一 … 六 with narrative and tables."""
    rng = rngs["prose"]
    agency = narrative.draw_agency(rngs["agency"], values.level)
    pub = narrative.publication_date(rng, values.year)
    blocks, year_in_title = narrative.title_blocks(rng, agency, values.year, pub)
    if not year_in_title:
        blocks.append(Block("para", [Piece("现将"), Piece(str(values.year), "YEAR"),
                                     Piece("年度政府信息公开工作情况报告如下。")]))
    if rng.random() < 0.7:
        blocks.append(Block("para", [Piece(narrative.intro(rng, agency, values.year))]))
    hs = narrative.draw_heading_style(rng)
    st = tables.draw_label_style(rngs["labels"])
    grids = {2: tables.table2(values.cells, values.template, st), 3: tables.table3(values.cells, values.template, st),
             4: tables.table4(values.cells, st)}
    for number in range(1, 7):
        if number in hs.missing:
            continue
        head = narrative.heading(rng, number, hs)
        if head is not None:
            blocks.append(head)
        if number == 1:
            blocks += narrative.overview(rng, agency, values, values.year)
        elif number in grids:
            if number == 3 and rng.random() < 0.2:
                blocks.append(Block("para", [Piece(rng.choice(["单位：件", "（单位：件）"]))]))
            blocks.append(Block("table", grid=grids[number], section=number))
        elif number == 5:
            blocks += narrative.problems(rng, agency, values.year)
        else:
            blocks += narrative.other_matters(rng, agency, values, values.year)
    blocks += narrative.closing(rng, agency, pub)
    return Doc(blocks, agency.name, values.year, agency.short)


def draw_damage(rng: random.Random, config: SynthConfig, layout: str) -> list[str]:
    n = rng.choices(range(len(config.damage_count_weights)), config.damage_count_weights)[0]
    kinds = [k for k in DAMAGES if config.damage_weights.get(k, 0) > 0
             and layout not in config.damage_excluded.get(k, ())]
    picked: list[str] = []
    while len(picked) < min(n, len(kinds)):
        k = rng.choices(kinds, [config.damage_weights[k] for k in kinds])[0]
        if k not in picked:
            picked.append(k)
    return sorted(picked, key=DAMAGES.index)  # noise first, OCR last, in a fixed order


def _value_texts(text: str, spans: list[Span]) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in spans:
        if s.tag.startswith("V:"):
            out[s.tag[2:]] = out.get(s.tag[2:], "") + text[s.start:s.end]
    return out


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def generate(seed: int, *, layout: str | None = None, template: str | None = None,
             config: SynthConfig = DEFAULT) -> Sample:
    """One synthetic report. Same arguments, same sample."""
    if layout is not None and layout not in LAYOUT_FUNCS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if template is not None and template not in ("2019", "2021"):
        raise ValueError(f"unknown template {template!r}; expected 2019 or 2021")
    rngs = streams(seed)
    values = draw_values(rngs["values"], config, template)
    doc = compose(values, rngs)
    names = list(config.layout_weights)
    drawn = rngs["layout"].choices(names, [config.layout_weights[k] for k in names])[0]
    layout = layout or drawn
    text, spans = LAYOUT_FUNCS[layout](doc, rngs["render"])
    before = _value_texts(text, spans)
    applied: list[str] = []
    for kind in draw_damage(rngs["damage"], config, layout):
        new_text, new_spans = DAMAGE[kind](text, spans, rngs["damage"])
        if new_text != text:
            applied.append(kind)
        text, spans = new_text, new_spans
    after = _value_texts(text, spans)
    sections: dict[str, int] = {}
    for s in spans:
        if s.tag[0] == "H" and s.tag[1:].isdigit():
            sections.setdefault(s.tag[1:], s.start)
    agency = "".join("".join(text[s.start:s.end] for s in spans if s.tag == "AGENCY").split())
    meta = {"layout": layout, "damage": applied, "level": values.level, "seed": seed,
            "inconsistent": values.inconsistent, "flaw": values.flaw,
            "missed": sorted(f for f in before if f not in after),
            "altered": sorted(f for f in after if _norm(after[f]) != _norm(before[f]))}
    gold = Record(template=values.template, cells=values.gold(), id=f"synth-{seed}", year=values.year,
                  agency=agency or doc.agency, sections=sections, extra={"meta": meta})
    html = markup.html_source(doc, random.Random(seed)) if layout == "html_table" else None
    return Sample(text, sorted(spans), gold, layout, applied, html)
