"""The training corpus: many synthetic reports as a `datasets.DatasetDict`.

Columns: ``id``, ``text``, ``labels`` (one ``label2id()`` id per character),
``gold`` (the record as JSON), ``layout``, ``template``, ``damage``, ``seed``,
``level``, ``year``.  Row ``i`` goes to validation when ``i % 20 == 18``, to test
when ``i % 20 == 19``, to train otherwise (90/5/5).  ``generate(row["seed"],
layout=row["layout"], template=row["template"])`` rebuilds any row.

Same arguments, same bytes: sample seeds come from SHA-256, tables are built
with pyarrow in index order and the datasets' fingerprints are derived from the
arguments, so the saved files are identical from run to run.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..labels import label2id, spans_to_tags
from .config import DEFAULT, LAYOUTS, SynthConfig
from .report import generate

SPLITS = ("train", "validation", "test")
CHUNK = 512  # rows per arrow chunk and per worker batch


def split_of(index: int) -> str:
    r = index % 20
    return "validation" if r == 18 else "test" if r == 19 else "train"


def sample_seed(seed: int, index: int) -> int:
    """The seed of row `index` of a corpus built with `seed` (48 bits, stable everywhere)."""
    return int.from_bytes(hashlib.sha256(f"xxgk-corpus:{seed}:{index}".encode()).digest()[:6], "big")


def features():
    from datasets import Features, Sequence as Seq, Value

    return Features({"id": Value("string"), "text": Value("string"), "labels": Seq(Value("int16")),
                     "gold": Value("string"), "layout": Value("string"), "template": Value("string"),
                     "damage": Seq(Value("string")), "seed": Value("int64"), "level": Value("string"),
                     "year": Value("int32")})


def make_row(task: tuple[int, int, str | None, str | None, SynthConfig]) -> dict[str, Any]:
    """One dataset row (runs in worker processes)."""
    index, seed, layout, template, config = task
    s = sample_seed(seed, index)
    sample = generate(s, layout=layout, template=template, config=config)
    ids = label2id()
    labels = np.fromiter((ids[t] for t in spans_to_tags(len(sample.text), sample.spans)), dtype=np.int16,
                         count=len(sample.text))
    gold = sample.gold
    gold.id = f"synth-{seed}-{index:06d}"
    return {"id": gold.id, "text": sample.text, "labels": labels,
            "gold": json.dumps(gold.to_json(), ensure_ascii=False), "layout": sample.layout,
            "template": gold.template, "damage": list(sample.damage), "seed": s,
            "level": gold.extra["meta"]["level"], "year": int(gold.year)}


def _tasks(n: int, seed: int, layouts: Sequence[str] | None, templates: Sequence[str] | None,
           config: SynthConfig) -> list[tuple]:
    for name in layouts or ():
        if name not in LAYOUTS:
            raise ValueError(f"unknown layout {name!r}; expected some of {', '.join(LAYOUTS)}")
    for t in templates or ():
        if t not in ("2019", "2021"):
            raise ValueError(f"unknown template {t!r}; expected 2019 and/or 2021")
    out = []
    for i in range(n):
        rng = random.Random(f"xxgk-corpus-choice:{seed}:{i}")
        layout = rng.choice(sorted(layouts, key=LAYOUTS.index)) if layouts else None
        template = rng.choice(sorted(templates)) if templates else None
        out.append((i, seed, layout, template, config))
    return out


def _table(rows: list[dict[str, Any]]):
    import pyarrow as pa

    schema = features().arrow_schema
    batches = []
    for a in range(0, len(rows), CHUNK):
        part = rows[a:a + CHUNK]
        lengths = np.array([0] + [len(r["labels"]) for r in part], dtype=np.int64)
        offsets = pa.array(np.cumsum(lengths).astype(np.int32))
        values = pa.array(np.concatenate([r["labels"] for r in part]) if part else np.zeros(0, np.int16))
        cols = {k: pa.array([r[k] for r in part], type=schema.field(k).type) for k in schema.names if k != "labels"}
        cols["labels"] = pa.ListArray.from_arrays(offsets, values).cast(schema.field("labels").type)
        batches.append(pa.record_batch([cols[k] for k in schema.names], schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def build_corpus(n: int, seed: int, out: Path | str | None, *, layouts: Sequence[str] | None = None,
                 templates: Sequence[str] | None = None, progress: bool = True, workers: int | None = None,
                 config: SynthConfig = DEFAULT):
    """Generate `n` reports and save them as a DatasetDict at `out` (skip saving if None)."""
    from datasets import Dataset, DatasetDict, DatasetInfo, NamedSplit
    from datasets.table import InMemoryTable
    from tqdm.auto import tqdm

    tasks = _tasks(n, seed, layouts, templates, config)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    bar = tqdm(total=n, desc="synth", unit="report", disable=not progress)
    if workers > 1 and n >= 200:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"  # fork: no __main__ guard needed
        with multiprocessing.get_context(method).Pool(workers) as pool:
            for task, row in zip(tasks, pool.imap(make_row, tasks, chunksize=CHUNK // 8)):
                rows[split_of(task[0])].append(row)
                bar.update()
    else:
        for task in tasks:
            rows[split_of(task[0])].append(make_row(task))
            bar.update()
    bar.close()
    key = f"{seed}:{n}:{','.join(layouts or ())}:{','.join(templates or ())}:{config!r}"
    info = DatasetInfo(description="xxgk synthetic 政府信息公开工作年度报告 corpus", features=features())
    dd = DatasetDict({
        s: Dataset(InMemoryTable(_table(rows[s])), info=info.copy(), split=NamedSplit(s),
                   fingerprint=hashlib.sha256(f"{key}:{s}".encode()).hexdigest()[:16])
        for s in SPLITS})
    if out is not None:
        import datasets

        was_on = datasets.is_progress_bar_enabled()
        if not progress:
            datasets.disable_progress_bars()
        try:
            dd.save_to_disk(str(out))
        finally:
            if was_on:
                datasets.enable_progress_bars()
    return dd
