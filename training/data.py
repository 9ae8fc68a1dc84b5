"""The corpus as training needs it: splits, per-document statistics, token-level labels.

The corpus is a `datasets.DatasetDict` saved with ``save_to_disk`` (``xxgk data
synth`` or ``xxgk data import``) with at least the columns ``id``, ``text``,
``labels`` (one `label2id` id per character) and ``gold`` (the record as JSON).
Documents are read one at a time from the memory-mapped arrow files, so a corpus
of tens of thousands of reports costs no RAM up front.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data.gold import Record, record_from_json
from ..data.labels import labels
from ..models.layout import token_layout_ids
from ..models.tokenizer import encode_chars, is_char_tokenizer
from .windows import IGNORE, DocStats, table_label_mask

REQUIRED_COLUMNS = ("id", "text", "labels", "gold")


def load_splits(data: Path, train_split: str, val_split: str, val_docs: int, seed: int):
    """(train, validation, note): a missing validation split is held out of train (seeded)."""
    import datasets

    data = Path(data)
    if not data.exists():
        raise ValueError(f"{data}: corpus folder not found")
    if (data / "dataset").is_dir() and not (data / "dataset_dict.json").is_file():
        data = data / "dataset"  # the folder `xxgk data import` wrote
    try:
        dd = datasets.load_from_disk(str(data))
    except FileNotFoundError as exc:
        raise ValueError(f"{data}: not a saved datasets corpus ({exc})") from None
    if isinstance(dd, datasets.Dataset):
        dd = datasets.DatasetDict({train_split: dd})
    if train_split not in dd:
        raise ValueError(f"{data}: no split {train_split!r} (has {', '.join(dd)})")
    train = dd[train_split]
    missing = [c for c in REQUIRED_COLUMNS if c not in train.column_names]
    if missing:
        raise ValueError(f"{data}: split {train_split!r} lacks column(s) {missing}")
    if val_split in dd and len(dd[val_split]):
        return train, dd[val_split], f"split {val_split!r}"
    if len(train) < 10:
        return train, train, "the training documents themselves (fewer than 10, no validation split)"
    n_val = max(1, min(val_docs, len(train) // 10))
    order = np.random.default_rng(seed).permutation(len(train))
    val_idx, train_idx = sorted(order[:n_val].tolist()), sorted(order[n_val:].tolist())
    return train.select(train_idx), train.select(val_idx), f"{n_val} documents held out of {train_split!r}"


def doc_stats(ds, tokenizer) -> DocStats:
    """Tokens and table tokens per document, read column-wise from arrow (no per-row Python lists)."""
    import pyarrow.compute as pc

    ds = ds.flatten_indices() if ds._indices is not None else ds
    mask = table_label_mask()
    counts = []
    for chunk in ds.data.column("labels").chunks:
        offsets = chunk.offsets.to_numpy()
        values = chunk.flatten().to_numpy(zero_copy_only=False).astype(np.int64)
        cum = np.concatenate([[0], np.cumsum(mask[values])])
        rel = offsets - offsets[0]
        counts.append(cum[rel[1:]] - cum[rel[:-1]])
    table_counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    if is_char_tokenizer(tokenizer):
        lengths = pc.utf8_length(ds.data.column("text")).to_numpy(zero_copy_only=False).astype(np.int64)
    else:
        lengths = np.array([len(encode_chars(tokenizer, t)[0]) for t in ds["text"]], dtype=np.int64)
    return DocStats(lengths=lengths, table_counts=table_counts.astype(np.int64))


def token_labels(text: str, char_labels, tokenizer, name: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids, per-token labels and layout ids (`xxgk.models.layout`): each token the label of
    its character; a character's later sub-tokens (foreign tokenizers) are ignored by the loss."""
    char_labels = np.asarray(char_labels, dtype=np.int64)
    if len(char_labels) != len(text):
        raise ValueError(f"document {name!r}: {len(char_labels)} labels for {len(text)} characters")
    if len(char_labels) and (char_labels.min() < 0 or char_labels.max() >= len(labels())):
        raise ValueError(f"document {name!r}: label id outside 0 … {len(labels()) - 1}")
    ids, char_of = encode_chars(tokenizer, text)
    index = np.asarray(char_of, dtype=np.int64)
    out = char_labels[index] if len(index) else np.zeros(0, np.int64)
    if len(index) > 1:
        out[1:][index[1:] == index[:-1]] = IGNORE
    types = token_layout_ids(text, char_of).astype(np.int16)  # compact: the reader caches thousands
    return np.asarray(ids, dtype=np.int32), out.astype(np.int16), types


class DocReader:
    """Encoded training documents by index, with a small cache (windows revisit documents)."""

    def __init__(self, ds, tokenizer, cache_size: int = 4096):
        self.ds = ds.select_columns(["id", "text", "labels"])
        self.tokenizer = tokenizer
        self.get = lru_cache(maxsize=cache_size)(self._get)

    def _get(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        row = self.ds[i]
        return token_labels(row["text"], row["labels"], self.tokenizer, row["id"])

    def table_positions(self, i: int) -> np.ndarray:
        labs = self.get(i)[1]
        return np.flatnonzero(table_label_mask()[np.where(labs >= 0, labs, 0)] & (labs >= 0))


@dataclass
class ValDoc:
    id: str
    text: str
    labels: np.ndarray  # per character
    gold: Record
    layout: str


def validation_docs(ds, n: int, seed: int) -> list[ValDoc]:
    """A fixed, seeded sample of ``n`` validation documents (the same at every validation)."""
    pick = sorted(np.random.default_rng(seed).permutation(len(ds))[:n].tolist())
    docs = []
    for i in pick:
        row = ds[i]
        gold = record_from_json(json.loads(row["gold"]), f"{row['id']} (gold column)")
        layout = str(row.get("layout") or "")
        if layout and not isinstance(gold.extra.get("meta"), dict):
            gold.extra["meta"] = {"layout": layout}
        docs.append(ValDoc(row["id"], row["text"], np.asarray(row["labels"], dtype=np.int64), gold, layout))
    return docs
