"""The committed sample folder: a few rendered synthetic reports per layout.

``write_samples(out_dir)`` writes ``<layout>_<k>.txt`` (the text the model reads),
``<layout>_<k>.json`` (its gold record, ``meta`` saying how it was made) and, for
the HTML layout, ``<layout>_<k>.html`` (the page whose text form the .txt is),
plus a README.md index.  Even k use the 2019 template, odd k the 2021 one.
``generate(meta["seed"], layout=meta["layout"], template=record["template"])``
rebuilds any sample with its character labels.
"""
from __future__ import annotations

from pathlib import Path

from ..gold import save_record
from .config import LAYOUTS
from .corpus import sample_seed
from .report import generate


def write_samples(out_dir: Path | str, per_layout: int = 10, seed: int = 0,
                  layouts: tuple[str, ...] = LAYOUTS) -> list[Path]:
    """Write the samples (overwriting files of the same names); returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    index = ["# Synthetic report samples", "",
             "Written by `xxgk.data.synth.samples.write_samples`; each `.txt` is what the model reads, "
             "each `.json` its gold record (`meta`: layout, damage, level, seed, inconsistent).", "",
             "| file | layout | template | year | level | damage | inconsistent |", "|---|---|---|---|---|---|---|"]
    for li, layout in enumerate(layouts):
        for k in range(per_layout):
            name = f"{layout}_{k:02d}"
            sample = generate(sample_seed(seed, li * 1000 + k), layout=layout, template=("2019", "2021")[k % 2])
            gold = sample.gold
            gold.id, gold.source = name, f"{name}.txt"
            txt = out / f"{name}.txt"
            txt.write_text(sample.text, encoding="utf-8")
            save_record(gold, out / f"{name}.json")
            written += [txt, out / f"{name}.json"]
            if sample.html is not None:
                (out / f"{name}.html").write_text(sample.html, encoding="utf-8")
                written.append(out / f"{name}.html")
            meta = gold.extra["meta"]
            index.append(f"| {name} | {layout} | {gold.template} | {gold.year} | {meta['level']} | "
                         f"{', '.join(meta['damage']) or '—'} | {'yes' if meta['inconsistent'] else ''} |")
    (out / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    written.append(out / "README.md")
    return written

