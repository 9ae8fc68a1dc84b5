"""Every default of the synthetic corpus in one place.

The shares below are guesses from reading real reports (and the five dev
reports' shapes); change them here, never inside a generator function.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

LAYOUTS = ("word_tab", "word_stacked", "cell_lines", "pdf_rows", "space_aligned",
           "markdown", "md_fragments", "html_table", "web_page", "crawler_line")
DAMAGES = ("page_breaks", "fullwidth", "nbsp_pad", "stray_spaces", "ocr_digits", "ocr_text",
           "merge_cells", "missed_cell")
LEVELS = ("township", "street", "county", "city", "province", "national")


@dataclass(frozen=True)
class SynthConfig:
    """Knobs of `generate`; `DEFAULT` is what the corpus uses."""

    # share of reports printed with a genuine arithmetic inconsistency (R1–R4)
    inconsistent_share: float = 0.10
    # years covered; the 2019 template is used for 2019–2020 and, by a few agencies, later
    years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
    template_2019_share: float = 0.35  # P(template 2019) overall
    late_2019_share: float = 0.12  # of 2019-template reports, share dated 2021 or later
    level_weights: dict[str, float] = field(default_factory=lambda: {
        "township": 0.30, "street": 0.10, "county": 0.25, "city": 0.20, "province": 0.10, "national": 0.05})
    layout_weights: dict[str, float] = field(default_factory=lambda: {
        "word_tab": 0.16, "word_stacked": 0.08, "cell_lines": 0.10, "pdf_rows": 0.14, "space_aligned": 0.07,
        "markdown": 0.07, "md_fragments": 0.08, "html_table": 0.12, "web_page": 0.10, "crawler_line": 0.08})
    # how many damage kinds a sample gets: P(0), P(1), P(2), P(3)
    damage_count_weights: tuple[float, ...] = (0.30, 0.35, 0.25, 0.10)
    damage_weights: dict[str, float] = field(default_factory=lambda: {
        "page_breaks": 0.20, "fullwidth": 0.08, "nbsp_pad": 0.16, "stray_spaces": 0.12, "ocr_digits": 0.14,
        "ocr_text": 0.12, "merge_cells": 0.10, "missed_cell": 0.08})
    # layouts a damage never applies to (web pages and HTML have no printed pages)
    damage_excluded: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "page_breaks": ("web_page", "html_table", "markdown")})
    # printing conventions (per report)
    thousands_sep_share: float = 0.15  # counts >= 1000 printed as 3,830
    remark_share: float = 0.10  # a count printed with a remark 18（其中修订5件）
    mark_share: float = 0.10  # zero cells of table 二 printed as / — 无


DEFAULT = SynthConfig()


def with_layout_weights(config: SynthConfig, weights: dict[str, float]) -> SynthConfig:
    """`config` with some layouts' shares changed (e.g. more crawler text for a fine-tune)."""
    for name, w in weights.items():
        if name not in LAYOUTS:
            raise ValueError(f"unknown layout {name!r}; expected some of {', '.join(LAYOUTS)}")
        if not w >= 0:
            raise ValueError(f"layout weight of {name} must be >= 0, got {w}")
    merged = {**config.layout_weights, **weights}
    if not sum(merged.values()) > 0:
        raise ValueError("layout weights are all 0")
    return replace(config, layout_weights=merged)


def parse_layout_weights(items: list[str] | tuple[str, ...]) -> dict[str, float]:
    """``["crawler_line=0.4", ...]`` (the CLI's ``--layout-weight``) as a dict."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, w = item.partition("=")
        try:
            out[name.strip()] = float(w)
        except ValueError:
            sep = ""
        if not sep:
            raise ValueError(f"--layout-weight {item!r}: expected LAYOUT=NUMBER")
    return out
