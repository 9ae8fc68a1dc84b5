"""Per-character label probabilities for a whole report, from a model folder.

    p = Predictor.load("models/default")          # int8 dynamic quantization by default
    probs = p.predict_proba(text)                 # float32 (len(text), len(p.labels))

The text is cut into windows of ``window`` tokens every ``stride`` tokens (the
model folder's training config says which; else the model's positions minus
[CLS]/[SEP], and `TrainConfig`'s stride), windows are batched, and each
character takes the probabilities of the window where it is most central
(`xxgk.training.windows.owned_spans`).  Under a foreign tokenizer
(``--base-model``) each character is fed as its own pre-split word, so a token
never spans two characters: a character takes the probabilities of its first
sub-token, and one that gives no token (white space under BERT) is ``O``.

Quantization: `torch.ao.quantization.quantize_dynamic` of the Linear layers to
int8, measured ~1.5–2x faster on a 10k-character report at the same labels
(see the model card); ``quantize=False`` gives the fp32 model.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch

from ..data.labels import OUTSIDE
from ..models.layout import token_layout_ids, uses_layout
from ..models.model import load_model
from ..models.prior import ValuePrior
from ..models.tokenizer import encode_chars
from ..training.config import CONFIG_FILE, TrainConfig
from ..training.windows import owned_spans, pad_batch, window_starts, with_specials

QUANTIZE_DEFAULT = True  # int8 dynamic: ~1.5-2x faster, same argmax labels in our measurements
BATCH_DEFAULT = 8  # windows per forward pass: measured 1/4/8/16/32 — 8 and up alike, 1 is ~20 % slower


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """int8 dynamic quantization of every Linear layer (weights int8, activations quantized on the fly)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's deprecation notice; the API works in torch 2.x
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def merge_regions(regions: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Sorted, clipped to ``0 … n``, overlapping or touching ranges merged, empty ones dropped."""
    merged: list[list[int]] = []
    for a, b in sorted((max(0, a), min(n, b)) for a, b in regions):
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


class Predictor:
    """A token classifier applied to whole texts; see the module docstring."""

    def __init__(self, model, tokenizer, *, window: int | None = None, stride: int | None = None,
                 batch_size: int = BATCH_DEFAULT, prior: ValuePrior | None = None):
        self.model, self.tokenizer = model.eval(), tokenizer
        self.prior = prior  # the model folder's value prior (`xxgk.models.prior`), for the decoder
        config = getattr(model, "config", None)
        max_positions = getattr(config, "max_position_embeddings", 512)
        self.labels: tuple[str, ...] = tuple(config.id2label[i] for i in range(config.num_labels))
        self.window = window or max_positions - 2
        self.stride = min(stride or TrainConfig.model_fields["stride"].default, self.window)
        if self.window > max_positions - 2:
            raise ValueError(f"window {self.window} exceeds the model's {max_positions} positions minus 2")
        self.batch_size = batch_size
        self.cls_id, self.sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self._outside = self.labels.index(OUTSIDE)
        self.layout = uses_layout(model)

    @classmethod
    def load(cls, model_dir: str | Path, *, quantize: bool = QUANTIZE_DEFAULT, threads: int | None = None,
             window: int | None = None, stride: int | None = None, batch_size: int = BATCH_DEFAULT) -> "Predictor":
        """Load a model folder.

        ``threads`` sets torch's intra-op threads for the whole process.  For throughput use one
        thread per worker process: with 2 threads and another process busy on one of the 2
        cores, a report took ~5x longer than with 1 thread (threads wait for each other).
        """
        if threads is not None:
            torch.set_num_threads(threads)
        model, tokenizer = load_model(model_dir)
        saved = Path(model_dir) / CONFIG_FILE
        if saved.is_file() and (window is None or stride is None):
            cfg = json.loads(saved.read_text(encoding="utf-8"))
            window = window or cfg.get("window")
            stride = stride or cfg.get("stride")
        if quantize:
            model = quantize_int8(model)
        return cls(model, tokenizer, window=window, stride=stride, batch_size=batch_size,
                   prior=ValuePrior.load(model_dir))

    def token_proba(self, ids: list[int], types: np.ndarray | None = None,
                    needed: np.ndarray | None = None) -> np.ndarray:
        """Probabilities for a token sequence of any length: (len(ids), num_labels) float32.
        ``types``: its layout ids (`xxgk.models.layout`), for a model built for them.
        ``needed`` (bool per token): only the windows owning a needed token are run, the same
        windows as for the whole sequence, so those tokens read exactly as in a full run; the
        tokens of skipped windows read as O."""
        n = len(ids)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        if n == 0:
            return out
        starts = window_starts(n, self.window, self.stride)
        owned = owned_spans(starts, self.window, n)
        if needed is not None:
            keep = [w for w, (lo, hi) in enumerate(owned) if needed[lo:hi].any()]
            out[:, self._outside] = 1.0
            starts, owned = [starts[w] for w in keep], [owned[w] for w in keep]
            if not starts:
                return out
        rows, offsets = zip(*(with_specials(ids[s:s + self.window], self.cls_id, self.sep_id) for s in starts))
        type_rows = None
        if types is not None:  # [CLS]/[SEP] read as layout id 0
            zero_cls, zero_sep = (None if t is None else 0 for t in (self.cls_id, self.sep_id))
            type_rows = [with_specials(types[s:s + self.window], zero_cls, zero_sep)[0] for s in starts]
        with torch.inference_mode():
            for b in range(0, len(starts), self.batch_size):
                batch = pad_batch(list(rows[b:b + self.batch_size]), self.pad_id, None,
                                  None if type_rows is None else type_rows[b:b + self.batch_size])
                logits = self.model(**{k: torch.from_numpy(v) for k, v in batch.items()}).logits
                probs = torch.softmax(logits.float(), dim=-1).numpy()
                for k in range(len(probs)):
                    w = b + k
                    lo, hi = owned[w]
                    first = offsets[w] + lo - starts[w]
                    out[lo:hi] = probs[k, first:first + hi - lo]
        return out

    def predict_proba(self, text: str, regions: list[tuple[int, int]] | None = None) -> np.ndarray:
        """Per-character label probabilities of ``text``: float32 (len(text), num_labels), rows sum to 1.

        ``regions`` (optional ``[start, end)`` character ranges) runs the model only on the
        windows of the whole text that own a character of a region — e.g. around the tables and
        headings, for speed: a character of a region reads exactly as in a full run (same
        windows, same context), a character of a skipped window is ``O``.
        """
        if regions is None:
            return self._read(text)
        needed = np.zeros(len(text), dtype=bool)
        for start, end in merge_regions(regions, len(text)):
            needed[start:end] = True
        return self._read(text, needed)

    def _outside_only(self, n: int) -> np.ndarray:
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        out[:, self._outside] = 1.0
        return out

    def _read(self, text: str, needed: np.ndarray | None = None) -> np.ndarray:
        ids, char_of = encode_chars(self.tokenizer, text)
        tok = self.token_proba(ids, token_layout_ids(text, char_of) if self.layout else None,
                               None if needed is None else needed[np.asarray(char_of, dtype=np.int64)])
        if len(ids) == len(text) and char_of == list(range(len(text))):
            return tok
        out = self._outside_only(len(text))
        seen: set[int] = set()
        for t, c in enumerate(char_of):  # foreign tokenizer: first sub-token of each character
            if c not in seen:
                seen.add(c)
                out[c] = tok[t]
        return out

    def predict(self, text: str) -> list[str]:
        """The most probable label of each character."""
        return [self.labels[i] for i in self.predict_proba(text).argmax(axis=1)]
