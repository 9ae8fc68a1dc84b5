"""Windows: how a long report is cut for the model, at training and at prediction.

A report is ~5–15k characters; the model reads at most ``max_positions - 2``
tokens at once.  Two cuts:

* Prediction / validation (`window_starts`, `owned_spans`): windows every
  ``stride`` tokens, the last one flush with the end, and each token read in the
  one window where it is most central: the overlap of two neighbours is split
  at its midpoint, so no token is read with less than ``(window - stride) / 2``
  tokens of context on an inner side.  (Averaging the overlap instead would mix
  in the reading with the least context.)
* Training (`WindowSampler`): random windows, a share ``table_ratio`` of them
  placed around a random table token (a value, row label or column label), the
  rest anywhere.  Tables are where every cell is and where layouts differ; the
  narrative is easy and long, so uniform windows would spend most steps on it.
  Random starts also teach the model windows that begin mid-table, as
  prediction windows do.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ..data.labels import labels

IGNORE = -100  # label of special tokens, padding and continuation sub-tokens (PyTorch's ignore_index)


@cache
def table_label_mask() -> np.ndarray:
    """Boolean over label ids: True for values, row labels and column labels (``V:``, ``R:``, ``C:``)."""
    return np.array([lab[2:4] in ("V:", "R:", "C:") for lab in labels()], dtype=bool)


def window_starts(n: int, window: int, stride: int) -> list[int]:
    """Starts of windows of ``window`` tokens covering ``0 … n``; the last is flush with the end."""
    if window < 1 or stride < 1 or stride > window:
        raise ValueError(f"need 1 <= stride ({stride}) <= window ({window})")
    if n <= window:
        return [0]
    starts = list(range(0, n - window, stride))
    starts.append(n - window)
    return starts


def owned_spans(starts: list[int], window: int, n: int) -> list[tuple[int, int]]:
    """For each window, the ``[lo, hi)`` it owns: overlaps split at their midpoint (see module doc)."""
    spans = []
    for k, start in enumerate(starts):
        lo = 0 if k == 0 else (start + min(starts[k - 1] + window, n)) // 2
        hi = n if k == len(starts) - 1 else (starts[k + 1] + min(start + window, n)) // 2
        spans.append((lo, hi))
    return spans


@dataclass(frozen=True)
class DocStats:
    """What the sampler needs to know of each training document, computed once."""

    lengths: np.ndarray  # tokens per document
    table_counts: np.ndarray  # table tokens per document


class WindowSampler:
    """Draws ``(doc, start)`` training windows; state is a numpy Generator (saved for --resume).

    ``table_positions(doc)`` returns the token indices of a document's table tokens;
    it is called only for the documents drawn.
    """

    def __init__(self, stats: DocStats, window: int, table_ratio: float, seed: int, table_positions=None):
        if len(stats.lengths) == 0:
            raise ValueError("no training documents")
        self.stats, self.window, self.table_ratio = stats, window, table_ratio
        self.table_positions = table_positions
        self.rng = np.random.default_rng(seed)
        lengths = stats.lengths.astype(np.float64)
        self._p_any = lengths / lengths.sum() if lengths.sum() else np.full(len(lengths), 1 / len(lengths))
        tables = stats.table_counts.astype(np.float64)
        self._p_table = tables / tables.sum() if tables.sum() else None

    def draw(self) -> tuple[int, int]:
        n_docs = len(self.stats.lengths)
        if self._p_table is not None and self.table_positions is not None and self.rng.random() < self.table_ratio:
            doc = int(self.rng.choice(n_docs, p=self._p_table))
            positions = self.table_positions(doc)
            pos = int(positions[self.rng.integers(len(positions))])
            n = int(self.stats.lengths[doc])
            lo, hi = max(0, pos - self.window + 1), max(0, min(pos, n - self.window))  # lo <= hi always
            return doc, int(self.rng.integers(lo, hi + 1))
        doc = int(self.rng.choice(n_docs, p=self._p_any))
        n = int(self.stats.lengths[doc])
        return doc, int(self.rng.integers(0, max(0, n - self.window) + 1))

    def state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state


def with_specials(ids: list[int] | np.ndarray, cls_id: int | None, sep_id: int | None) -> tuple[list[int], int]:
    """``[CLS] ids [SEP]`` (whichever of the two the tokenizer has) and the offset of ``ids`` in it."""
    head = [cls_id] if cls_id is not None else []
    tail = [sep_id] if sep_id is not None else []
    return head + list(ids) + tail, len(head)


def pad_batch(rows: list[list[int]], pad_id: int, label_rows: list[list[int]] | None = None,
              type_rows: list[list[int]] | None = None) -> dict[str, np.ndarray]:
    """Right-pad to the longest row: ``input_ids``, ``attention_mask`` and, when given, ``labels``
    (padded with `IGNORE`) and ``token_type_ids`` (layout ids, padded with 0) as int64 arrays."""
    width = max(len(r) for r in rows)

    def pad(values: list[list[int]], fill: int) -> np.ndarray:
        out = np.full((len(values), width), fill, dtype=np.int64)
        for i, r in enumerate(values):
            out[i, :len(r)] = r
        return out

    batch = {"input_ids": pad(rows, pad_id), "attention_mask": pad([[1] * len(r) for r in rows], 0)}
    if label_rows is not None:
        batch["labels"] = pad(label_rows, IGNORE)
    if type_rows is not None:
        batch["token_type_ids"] = pad(type_rows, 0)
    return batch
