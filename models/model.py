"""The model: a small BERT token classifier over characters; build, load, save.

Three ways to get one, matching ``xxgk train``'s options:

* `new_model` — from scratch (the default): a `BertConfig` of the given size over
  the character tokenizer of `xxgk.models.tokenizer`; no weights are downloaded,
  nothing pretrained exists for this domain here.
* `from_base` — any local Hugging Face checkpoint (``--base-model PATH``) with its
  own tokenizer; a fresh classification head is put on it.  Characters are
  aligned to its tokens by `xxgk.models.tokenizer.encode_chars`.
* `load_model` — an xxgk model folder (``--init-from``, `Predictor.load`).

The label maps of `xxgk.data.labels` live in the model's ``config.json``
(``id2label``/``label2id``) and in ``labels.json``; loading a model trained with
another label scheme is an error, not a silent mislabelling.
"""
from __future__ import annotations

import json
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig, PreTrainedModel
from transformers.utils import logging as hf_logging

from ..data.labels import id2label, label2id, labels
from .layout import TYPES
from .tokenizer import PAD, build_tokenizer, build_vocab

LABELS_FILE = "labels.json"
WEIGHTS_FILE = "model.safetensors"


def new_model(texts=(), *, layers: int, hidden: int, heads: int, intermediate: int, max_positions: int,
              dropout: float = 0.1, attention_dropout: float = 0.0, with_jieba: bool = True):
    """A randomly initialised BERT token classifier and its character tokenizer (vocabulary from ``texts``)."""
    tokenizer = build_tokenizer(build_vocab(texts, with_jieba=with_jieba), model_max_length=max_positions)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=intermediate, max_position_embeddings=max_positions, type_vocab_size=TYPES,
        hidden_dropout_prob=dropout, attention_probs_dropout_prob=attention_dropout, classifier_dropout=dropout,
        pad_token_id=tokenizer.convert_tokens_to_ids(PAD),
        num_labels=len(labels()), id2label=id2label(), label2id=label2id())
    return AutoModelForTokenClassification.from_config(config), tokenizer


def from_base(path: str | Path):
    """A local Hugging Face checkpoint with a new xxgk classification head, and its (fast) tokenizer."""
    path = Path(path)
    if not (path / "config.json").is_file():
        raise ValueError(f"{path}: not a Hugging Face model folder (no config.json); --base-model takes a local path")
    tokenizer = AutoTokenizer.from_pretrained(path)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{path}: its tokenizer has no fast (tokenizers) version; character alignment needs one")
    with warnings.catch_warnings(), quiet():
        warnings.simplefilter("ignore")
        model = AutoModelForTokenClassification.from_pretrained(
            path, num_labels=len(labels()), id2label=id2label(), label2id=label2id(), ignore_mismatched_sizes=True)
    widen_token_types(model)
    return model, tokenizer


def widen_token_types(model: PreTrainedModel) -> bool:
    """Give a checkpoint's token-type table `TYPES` rows, each a copy of its row 0, so it can take
    layout ids (`xxgk.models.layout`) and starts out reading them as it read type 0.  A model
    without such a table (no ``token_type_embeddings``) is left alone and fed no layout ids."""
    embeddings = getattr(getattr(model, "base_model", None), "embeddings", None)
    old = getattr(embeddings, "token_type_embeddings", None)
    if old is None or old.num_embeddings >= TYPES:
        return False
    new = torch.nn.Embedding(TYPES, old.embedding_dim)
    with torch.no_grad():
        new.weight.copy_(old.weight[:1].expand(TYPES, -1))
    embeddings.token_type_embeddings = new
    model.config.type_vocab_size = TYPES
    if getattr(embeddings, "token_type_ids", None) is not None:  # BERT's buffer of default zeros
        embeddings.token_type_ids.zero_()
    return True


def set_attention_dropout(model: PreTrainedModel, p: float) -> int:
    """Dropout ``p`` on the attention probabilities of every self-attention layer (BERT-like models
    read it from their ``dropout`` module at each step), and in the config saved with the weights;
    returns the layers changed.  Why 0 is the training default: ``TrainConfig.attention_dropout``."""
    changed = 0
    for module in model.modules():
        drop = getattr(module, "dropout", None)
        if type(module).__name__.endswith("SelfAttention") and isinstance(drop, torch.nn.Dropout):
            drop.p = p
            changed += 1
    if hasattr(model.config, "attention_probs_dropout_prob"):
        model.config.attention_probs_dropout_prob = p
    return changed


def set_hidden_dropout(model: PreTrainedModel, p: float) -> int:
    """Dropout ``p`` everywhere but on the attention probabilities (embeddings, every layer's
    outputs, the classifier), and in the config saved with the weights; returns the dropout
    modules changed."""
    changed = 0
    for module in model.modules():
        if type(module).__name__.endswith("SelfAttention"):
            continue  # its own dropout is the attention probabilities' (`set_attention_dropout`)
        for child in module.children():
            if isinstance(child, torch.nn.Dropout):
                child.p = p
                changed += 1
    if hasattr(model.config, "hidden_dropout_prob"):
        model.config.hidden_dropout_prob = p
    if getattr(model.config, "classifier_dropout", None) is not None:
        model.config.classifier_dropout = p
    return changed


def keep_layers(model: PreTrainedModel, keep: list[int]) -> PreTrainedModel:
    """``model`` with only its encoder layers ``keep`` (increasing, e.g. ``[0, 2]`` of 3): a smaller,
    faster model to fine-tune that starts from the larger one's reading, as DistilBERT starts its
    student from every other layer of its teacher."""
    encoder = getattr(getattr(model, "base_model", None), "encoder", None)
    layers = getattr(encoder, "layer", None)
    if layers is None:
        raise ValueError("keep_layers: this model has no encoder.layer list (a BERT-like model is needed)")
    if not keep or list(keep) != sorted(set(keep)) or not all(0 <= i < len(layers) for i in keep):
        raise ValueError(f"keep_layers {list(keep)}: give increasing layer numbers from 0 to {len(layers) - 1}")
    encoder.layer = torch.nn.ModuleList(layers[i] for i in keep)
    model.config.num_hidden_layers = len(keep)
    return model


@contextmanager
def quiet():
    """No transformers progress bars ("Loading weights", "Writing model shards"): they would cut
    through the training and extraction progress bars."""
    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def check_labels(model: PreTrainedModel, where: str | Path = "model") -> None:
    have = [model.config.id2label[i] for i in range(model.config.num_labels)]
    if have != list(labels()):
        raise ValueError(f"{where}: trained with another label scheme ({len(have)} labels, this xxgk has "
                         f"{len(labels())}); retrain it or use the xxgk version it was made with")


def load_model(model_dir: str | Path):
    """An xxgk model folder → (model in eval mode, fp32, tokenizer)."""
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file() or not (model_dir / WEIGHTS_FILE).is_file():
        raise ValueError(f"{model_dir}: not an xxgk model folder (needs config.json and {WEIGHTS_FILE})")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    with quiet():
        model = AutoModelForTokenClassification.from_pretrained(model_dir, dtype="float32")
    check_labels(model, model_dir)
    return model.eval(), tokenizer


def save_model(model: PreTrainedModel, tokenizer, out_dir: str | Path, files: dict[str, Any] | None = None) -> Path:
    """Write a complete model folder: config (with label maps), safetensors weights, tokenizer,
    ``labels.json`` and any extra ``files`` (name → str written as is, or object written as JSON)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with quiet():
        model.save_pretrained(out_dir, safe_serialization=True)
        tokenizer.save_pretrained(out_dir)
    _drop_load_flags(out_dir / "tokenizer_config.json")
    (out_dir / LABELS_FILE).write_text(json.dumps({"labels": list(labels())}, ensure_ascii=False, indent=0) + "\n",
                                       encoding="utf-8")
    for name, content in (files or {}).items():
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1) + "\n"
        (out_dir / name).write_text(text, encoding="utf-8")
    return out_dir


def _drop_load_flags(path: Path) -> None:
    """A tokenizer loaded from a folder saves how it was loaded (``is_local``, ``local_files_only``);
    a model folder says what the tokenizer is, not where it last came from."""
    if not path.is_file():
        return
    config = json.loads(path.read_text(encoding="utf-8"))
    if {"is_local", "local_files_only"} & config.keys():
        for key in ("is_local", "local_files_only"):
            config.pop(key, None)
        path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def size_summary(model: PreTrainedModel) -> dict[str, Any]:
    """Parameters and architecture, for the model card and metrics."""
    c = model.config
    return {"architecture": type(model).__name__, "parameters": sum(p.numel() for p in model.parameters()),
            "layers": getattr(c, "num_hidden_layers", None), "hidden": getattr(c, "hidden_size", None),
            "heads": getattr(c, "num_attention_heads", None), "vocab": getattr(c, "vocab_size", None),
            "max_positions": getattr(c, "max_position_embeddings", None)}
