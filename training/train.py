"""The training loop: a generator of progress events, so the CLI, tests and notebooks drive it.

    for event in train(config, command="xxgk train …"):   # or: run_training(config, command)
        ...

Order of work: config validated and written to the output folder first; seeds
set (python, numpy, torch); corpus opened; model built (from scratch, from a
``--base-model`` checkpoint, ``--init-from`` an xxgk model, or model-last when
resuming); then steps of random windows (`WindowSampler`), learning the gold labels and, with
``--teacher``, a larger model's label probabilities too (distillation).  Every
``eval_every`` steps and at the end: validation on a fixed sample of validation
reports — token-level F1 and cell accuracy through the real decoder
(`xxgk.inference.decode.decode`, scored by `xxgk.eval.metrics.CellMetrics`) —
then ``model-last/`` is saved (with ``trainer_state.pt``: optimiser, schedule,
step, random states) and ``model-best/`` when cell accuracy improved.
"""
from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..models.card import write_card
from ..models.layout import uses_layout
from ..models.model import (from_base, keep_layers, load_model, new_model, save_model, set_attention_dropout,
                            set_hidden_dropout, size_summary)
from ..models.prior import PRIOR_FILE, ValuePrior
from ..models.tokenizer import PAD, SPECIAL_TOKENS, UNK
from .config import CONFIG_FILE, TrainConfig
from .data import DocReader, doc_stats, load_splits, validation_docs
from .validate import validate
from .windows import IGNORE, WindowSampler, pad_batch, with_specials

BEST, LAST, STATE_FILE, METRICS_FILE, COMMAND_FILE = "model-best", "model-last", "trainer_state.pt", "metrics.json", \
    "command.txt"
# Settings that may change between a run and its --resume; any other difference is an error.
RESUMABLE = {"resume", "max_steps", "epochs", "eval_every", "log_every", "threads", "val_docs"}


@dataclass
class Event:
    """One thing the loop reports: ``start``, ``step`` (every log_every), ``eval``, ``done``."""

    kind: str
    step: int
    max_steps: int
    loss: float | None = None
    lr: float | None = None
    tokens_per_s: float | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def prepare_out(config: TrainConfig, command: str) -> None:
    """Write the config (and command) before anything else; on --resume, refuse a changed config."""
    out = config.out
    saved = out / CONFIG_FILE
    if config.resume:
        if not (out / LAST / STATE_FILE).is_file():
            raise ValueError(f"{out}: nothing to resume (no {LAST}/{STATE_FILE})")
        old = json.loads(saved.read_text(encoding="utf-8")) if saved.is_file() else {}
        new = config.to_json()
        changed = sorted(k for k in new if k not in RESUMABLE and old.get(k) != new[k])
        if changed:
            raise ValueError(f"{out}: --resume with a changed config ({', '.join(changed)}); only "
                             f"{', '.join(sorted(RESUMABLE))} may change")
    elif (out / LAST).exists() or (out / BEST).exists():
        raise ValueError(f"{out} already holds a trained model; use --resume or another --out")
    out.mkdir(parents=True, exist_ok=True)
    config.save(saved)
    if command:
        with (out / COMMAND_FILE).open("a" if config.resume else "w", encoding="utf-8") as f:
            f.write(command.rstrip("\n") + "\n")


def build(config: TrainConfig, train_ds):
    """(model, tokenizer, origin) for this run, its dropout and attention dropout the config's."""
    model, tokenizer, origin = _build(config, train_ds)
    set_hidden_dropout(model, config.dropout)
    set_attention_dropout(model, config.attention_dropout)
    return model, tokenizer, origin


def _build(config: TrainConfig, train_ds):
    if config.resume:
        model, tokenizer = load_model(config.out / LAST)
        return model, tokenizer, f"resumed from {config.out / LAST}"
    if config.init_from:
        model, tokenizer = load_model(config.init_from)
        if config.keep_layers is None:
            return model, tokenizer, f"fine-tuned from xxgk model {config.init_from}"
        return keep_layers(model, config.keep_layers), tokenizer, \
            f"fine-tuned from layers {config.keep_layers} of xxgk model {config.init_from}"
    if config.base_model:
        model, tokenizer = from_base(config.base_model)
        return model, tokenizer, f"fine-tuned from checkpoint {config.base_model}"
    model, tokenizer = new_model(
        (t for batch in train_ds.select_columns(["text"]).iter(batch_size=1024) for t in batch["text"]),
        layers=config.layers, hidden=config.hidden, heads=config.heads, intermediate=config.ffn,
        max_positions=config.max_positions, dropout=config.dropout, attention_dropout=config.attention_dropout)
    return model, tokenizer, "trained from scratch"


def noise_ids(tokenizer) -> tuple[np.ndarray, np.ndarray]:
    """(protected mask over ids, ids to draw replacements from).  Special tokens, digits and white
    space are never replaced nor drawn: values and layout stay exact, only words get noisy."""
    vocab = tokenizer.get_vocab()
    keep = np.zeros(max(vocab.values()) + 1, dtype=bool)
    special = set(SPECIAL_TOKENS) | set(tokenizer.all_special_tokens)
    for tok, i in vocab.items():
        bare = tok.removeprefix("##")
        keep[i] = tok in special or (bare != "" and (bare.isdigit() or bare.isspace()))
    return keep, np.flatnonzero(~keep)


def make_batch(reader: DocReader, sampler: WindowSampler, config: TrainConfig, tokenizer, noise_rng, noise,
               layout: bool = False):
    """``batch_size`` windows drawn by ``sampler``, with ``replace_rate`` noise: (model inputs as tensors,
    tokens).  Layout ids go in as ``token_type_ids`` when the model was built for them."""
    protect, pool = noise
    rows, label_rows, type_rows, n_tokens = [], [], [], 0
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    unk_id = tokenizer.convert_tokens_to_ids(UNK) if UNK in tokenizer.get_vocab() else tokenizer.unk_token_id
    for _ in range(config.batch_size):
        doc, start = sampler.draw()
        ids, labs, types = reader.get(doc)
        ids = np.asarray(ids[start:start + sampler.window], dtype=np.int64)
        labs = labs[start:start + sampler.window]
        types = types[start:start + sampler.window]
        if config.replace_rate and len(ids) and len(pool):
            hit = (noise_rng.random(len(ids)) < config.replace_rate) & ~protect[ids]
            random_ids = pool[noise_rng.integers(0, len(pool), len(ids))]
            ids = np.where(hit, np.where(noise_rng.random(len(ids)) < 0.5, unk_id, random_ids), ids)
        row, off = with_specials(ids.tolist(), cls_id, sep_id)
        rows.append(row)
        label_rows.append([IGNORE] * off + labs.tolist() + [IGNORE] * (len(row) - off - len(labs)))
        type_rows.append([0] * off + types.tolist() + [0] * (len(row) - off - len(types)))
        n_tokens += len(ids)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.convert_tokens_to_ids(PAD)
    batch = pad_batch(rows, pad_id, label_rows, type_rows if layout else None)
    return {k: torch.from_numpy(v) for k, v in batch.items()}, n_tokens


def total_steps(config: TrainConfig, stats) -> int:
    if config.epochs is None:
        return config.max_steps
    windows = stats.lengths.sum() / config.window_chars
    return max(1, math.ceil(config.epochs * windows / config.batch_size))


def model_files(config: TrainConfig, out: Path, metrics: dict[str, Any], data_info: dict[str, Any],
                prior: ValuePrior) -> dict:
    """The files besides weights and tokenizer that make a model folder complete."""
    command = (out / COMMAND_FILE).read_text(encoding="utf-8") if (out / COMMAND_FILE).is_file() else ""
    return {CONFIG_FILE: config.to_json(), COMMAND_FILE: command, METRICS_FILE: metrics,
            "data.json": data_info, PRIOR_FILE: prior.to_json()}


@dataclass
class Run:
    """Everything one training run holds; `state` / `restore` are what --resume needs."""

    config: TrainConfig
    model: Any
    tokenizer: Any
    reader: DocReader
    sampler: WindowSampler
    val: list
    window: int
    max_steps: int
    data_info: dict[str, Any]
    prior: ValuePrior  # the training split's value prior, saved with the model
    optimizer: Any = None
    schedule: Any = None
    noise_rng: Any = None
    noise: tuple = ()
    teacher: Any = None
    step: int = 0
    best: dict[str, Any] | None = None
    history: list = field(default_factory=list)
    elapsed: float = 0.0

    def state(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer.state_dict(), "schedule": self.schedule.state_dict(), "step": self.step,
                "best": self.best, "history": self.history, "elapsed": self.elapsed, "sampler": self.sampler.state(),
                "noise": self.noise_rng.bit_generator.state, "python": random.getstate(),
                "numpy": np.random.get_state(), "torch": torch.get_rng_state()}

    def restore(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.step, self.best, self.history, self.elapsed = state["step"], state["best"], state["history"], \
            state["elapsed"]
        self.sampler.set_state(state["sampler"])
        self.noise_rng.bit_generator.state = state["noise"]
        random.setstate(state["python"])
        np.random.set_state(state["numpy"])
        torch.set_rng_state(state["torch"])


def setup(config: TrainConfig, command: str) -> Run:
    """Config written, seeds set, corpus opened, model built, optimiser ready (restored on --resume)."""
    prepare_out(config, command)
    seed_everything(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    train_ds, val_ds, val_note = load_splits(config.data, config.train_split, config.val_split, config.val_docs,
                                             config.seed)
    model, tokenizer, origin = build(config, train_ds)
    window = min(config.window_chars, model.config.max_position_embeddings - 2)
    stats = doc_stats(train_ds, tokenizer)
    reader = DocReader(train_ds, tokenizer)
    val = validation_docs(val_ds, config.val_docs, config.seed)
    data_info = {"corpus": str(config.data), "train_documents": len(train_ds),
                 "train_characters": int(stats.lengths.sum()), "validation": val_note,
                 "validation_documents_scored": len(val), "fingerprint": getattr(train_ds, "_fingerprint", None),
                 "origin": origin, "layouts": _counts(train_ds, "layout"), "templates": _counts(train_ds, "template")}
    run = Run(config, model, tokenizer, reader,
              WindowSampler(stats, window, config.table_ratio, config.seed, reader.table_positions),
              val, window, total_steps(config, stats), data_info, train_prior(train_ds))
    run.optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    warmup, total = max(1, int(config.warmup * run.max_steps)), run.max_steps
    run.schedule = torch.optim.lr_scheduler.LambdaLR(
        run.optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    run.noise_rng, run.noise = np.random.default_rng(config.seed + 1), noise_ids(tokenizer)
    if config.teacher:
        run.teacher = load_teacher(config.teacher, model, tokenizer)
    if config.resume:
        run.restore(torch.load(config.out / LAST / STATE_FILE, weights_only=False))
    model.train()
    return run


def train_prior(train_ds) -> ValuePrior:
    """The value prior of the training split's gold cells (`xxgk.models.prior`)."""
    return ValuePrior.from_cells(json.loads(g).get("cells", {}) for g in train_ds["gold"])


def write_prior(model_dir: Path, data: Path | None = None) -> Path:
    """Write a model folder's value prior anew from its training split — the corpus, split and seed of
    its saved training config (``data`` for a corpus moved since) — as `xxgk train` writes it."""
    saved = Path(model_dir) / CONFIG_FILE
    if not saved.is_file():
        raise ValueError(f"{model_dir}: no {CONFIG_FILE} (not a folder xxgk train wrote)")
    cfg = json.loads(saved.read_text(encoding="utf-8"))
    config = TrainConfig.model_validate({k: v for k, v in cfg.items() if k in TrainConfig.model_fields})
    train_ds, _, _ = load_splits(data or config.data, config.train_split, config.val_split, config.val_docs,
                                 config.seed)
    return train_prior(train_ds).save(model_dir)


def load_teacher(path: Path, model, tokenizer):
    """The ``--teacher`` model, frozen; it must read the same inputs and give the same labels."""
    teacher, teacher_tokenizer = load_model(path)
    if teacher.config.id2label != model.config.id2label:
        raise ValueError(f"teacher {path}: its label map differs from the model's: distillation needs the same labels")
    if teacher_tokenizer.get_vocab() != tokenizer.get_vocab() or uses_layout(teacher) != uses_layout(model):
        raise ValueError(f"teacher {path}: its vocabulary or layout inputs differ from the model's")
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher.eval()


def distill_loss(logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
                 temperature: float) -> torch.Tensor:
    """KL(teacher || model) of the label distributions at ``temperature``, times its square (Hinton et
    al.: gradients keep their size), averaged over the tokens that have a label."""
    keep = labels != IGNORE
    log_p = torch.log_softmax(logits[keep].float() / temperature, dim=-1)
    log_q = torch.log_softmax(teacher_logits[keep].float() / temperature, dim=-1)
    return (log_q.exp() * (log_q - log_p)).sum(-1).mean() * temperature ** 2


def train_step(run: Run) -> tuple[float, int]:
    """One optimiser step on a fresh batch: (loss, tokens)."""
    batch, n = make_batch(run.reader, run.sampler, run.config, run.tokenizer, run.noise_rng, run.noise,
                          uses_layout(run.model))
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=run.config.bf16):
        output = run.model(**batch)
        loss = output.loss
        if run.teacher is not None:
            with torch.no_grad():
                teacher_logits = run.teacher(**{k: v for k, v in batch.items() if k != "labels"}).logits
            w = run.config.distill_weight
            loss = (1 - w) * loss + w * distill_loss(output.logits, teacher_logits, batch["labels"],
                                                     run.config.distill_temperature)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(run.model.parameters(), run.config.grad_clip)
    run.optimizer.step()
    run.schedule.step()
    run.optimizer.zero_grad(set_to_none=True)
    run.step += 1
    return loss.item(), n


def evaluate_and_save(run: Run, tokens_per_s: float) -> tuple[dict[str, Any], bool]:
    """Validate; save model-last (+ trainer state), model-best if improved, metrics and cards."""
    config, out = run.config, run.config.out
    metrics = validate(run.model, run.tokenizer, run.val, window=run.window, stride=config.stride, prior=run.prior)
    run.model.train()
    metrics.update(step=run.step, elapsed_s=round(run.elapsed, 1), tokens_per_s=round(tokens_per_s))
    run.history.append(_brief(metrics))
    improved = run.best is None or _score(metrics) > _score(run.best)
    run.best = metrics if improved else run.best
    summary = {"best": run.best, "last": metrics, "history": run.history, "max_steps": run.max_steps,
               "data": run.data_info, "model": size_summary(run.model)}
    files = model_files(config, out, summary, run.data_info, run.prior)
    save_model(run.model, run.tokenizer, out / LAST, files)
    torch.save(run.state(), out / LAST / STATE_FILE)
    if improved:
        save_model(run.model, run.tokenizer, out / BEST, files)
    (out / METRICS_FILE).write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for folder in (LAST, BEST):
        write_card(out / folder, config=config.to_json(), metrics=summary, data=run.data_info,
                   command=files[COMMAND_FILE], which=folder)
    return metrics, improved


def train(config: TrainConfig, command: str = "") -> Iterator[Event]:
    """Train per ``config``; yields `Event`s; writes everything into ``config.out``."""
    run = setup(config, command)
    yield Event("start", run.step, run.max_steps, message=(
        f"{run.data_info['origin']}; {size_summary(run.model)['parameters']:,} parameters; "
        f"{run.data_info['train_documents']} training documents; validation: {run.data_info['validation']}"))
    t0, tokens, losses = time.perf_counter(), 0, []
    while run.step < run.max_steps:
        loss, n = train_step(run)
        tokens += n
        losses.append(loss)
        last = run.step == run.max_steps
        if run.step % config.log_every == 0 or last:
            yield Event("step", run.step, run.max_steps, loss=float(np.mean(losses)),
                        lr=run.schedule.get_last_lr()[0], tokens_per_s=tokens / max(1e-9, time.perf_counter() - t0))
            losses = []
        if run.step % config.eval_every == 0 or last:
            spent = time.perf_counter() - t0
            run.elapsed += spent
            metrics, improved = evaluate_and_save(run, tokens / max(1e-9, spent))
            yield Event("eval", run.step, run.max_steps, metrics=metrics, message="new best" if improved else "")
            t0, tokens = time.perf_counter(), 0
    yield Event("done", run.step, run.max_steps, metrics=run.best or {}, message=str(config.out / BEST))


def _counts(ds, column: str) -> dict[str, int]:
    if column not in ds.column_names:
        return {}
    values, counts = np.unique(np.asarray(ds[column], dtype=str), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts)}


def _score(metrics: dict[str, Any]) -> tuple[float, float]:
    """Model selection: cell accuracy through the decoder first, token F1 to break ties."""
    cells = metrics.get("cell_accuracy")
    return (cells if cells is not None else -1.0, metrics.get("token_f1") or 0.0)


def _brief(metrics: dict[str, Any]) -> dict[str, Any]:
    keep = ("step", "elapsed_s", "tokens_per_s", "token_f1", "cell_accuracy", "nonzero_accuracy",
            "cell_accuracy_model_alone", "exact_match_rate", "decode_failures")
    return {k: metrics.get(k) for k in keep}


def run_training(config: TrainConfig, command: str = "") -> dict[str, Any]:
    """Train with a progress bar (the CLI's one-liner); returns the best validation metrics."""
    from tqdm.auto import tqdm

    bar, result = None, {}
    for event in train(config, command):
        if event.kind == "start":
            bar = tqdm(total=event.max_steps, initial=event.step, desc="train", unit="step", dynamic_ncols=True)
            bar.write(event.message)
        elif event.kind == "step":
            bar.update(event.step - bar.n)
            bar.set_postfix(loss=f"{event.loss:.4f}", lr=f"{event.lr:.1e}", tok_s=f"{event.tokens_per_s:.0f}")
        elif event.kind == "eval":
            m = event.metrics
            bar.write(f"step {event.step}: token F1 {_fmt(m.get('token_f1'))}, cells {_fmt(m.get('cell_accuracy'))}, "
                      f"non-zero {_fmt(m.get('nonzero_accuracy'))} {event.message}".rstrip())
            if m.get("decode_failures"):  # counted as wrong reports: say so, or "cells 0.00 %" reads as a bad model
                bar.write(f"  {m['decode_failures']} of {m.get('documents')} validation reports failed to decode, "
                          f"e.g. {(m.get('decode_failure_examples') or ['?'])[0]}")
        elif event.kind == "done":
            bar.close()
            result = event.metrics
    return result


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f} %"


__all__ = ["Event", "run_training", "train"]
