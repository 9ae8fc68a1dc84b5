"""Write a corpus split as files, so `xxgk extract` and `xxgk eval` can score it.

``OUT/raw/<id>.txt`` is the text the model reads and ``OUT/gold/<id>.json`` its gold
record (with ``meta.layout``, so the eval report breaks accuracy down by layout).
"""
from __future__ import annotations

import json
from pathlib import Path

from .gold import record_from_json, save_record


def export_split(corpus: str | Path, split: str, out: str | Path, *, n: int | None = None) -> int:
    """Export the first `n` rows (all when None) of `split`; returns how many were written."""
    from datasets import load_from_disk

    dsd = load_from_disk(str(corpus))
    if split not in dsd:
        raise ValueError(f"{corpus} has no split {split!r}; it has {', '.join(dsd)}")
    rows = dsd[split] if n is None else dsd[split].select(range(min(n, len(dsd[split]))))
    out = Path(out)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    for row in rows:
        gold = json.loads(row["gold"])
        gold["source"] = f"raw/{row['id']}.txt"
        meta = dict(gold.get("meta") or {})
        meta.setdefault("layout", row["layout"])
        gold["meta"] = meta
        (out / "raw" / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
        record = record_from_json(gold, f"{corpus}:{split}:{row['id']}")
        record.id = row["id"]
        save_record(record, out / "gold" / f"{row['id']}.json")
    return len(rows)
