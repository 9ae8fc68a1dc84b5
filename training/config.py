"""The training configuration: every default of model size, data and optimisation, in one place.

One pydantic model, unknown keys rejected (a typo in a config file is an error,
not a silently ignored setting).  `train` writes it as ``training_config.json``
into the output folder before anything else, so a run that dies still says
what it was.  Each default carries the reason it was chosen.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

CONFIG_FILE = "training_config.json"


class TrainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # ---- where ---------------------------------------------------------------------------
    data: Path = Field(description="corpus folder: a datasets.DatasetDict saved with save_to_disk")
    out: Path = Field(description="output folder: model-best/, model-last/, metrics, config")
    train_split: str = Field("train", description="the corpus's split names (xxgk data synth writes these)")
    val_split: str = Field("validation", description="falls back to holding out val_docs of train if absent")

    # ---- model ---------------------------------------------------------------------------
    # 3 layers x 128 hidden (the shipped default): trains at ~9-10k tokens/s with 2 threads here,
    # ~10 % slower than 2 layers; 4 x 256 is ~4x slower to train and to read.
    layers: int = Field(3, ge=1, description="transformer layers (from scratch only)")
    hidden: int = Field(128, ge=8, description="hidden size (from scratch only)")
    heads: int = Field(2, ge=1, description="attention heads; hidden/heads = 64 as in BERT")
    intermediate: int | None = Field(None, description="feed-forward size; None = 4 x hidden, as in BERT")
    max_positions: int = Field(512, ge=16, description="position embeddings; a window is this minus [CLS]/[SEP]")
    dropout: float = Field(0.1, ge=0, lt=1, description="hidden and classifier dropout, set on every model "
                                                      "(scratch, --init-from, --base-model): BERT's default")
    attention_dropout: float = Field(0.0, ge=0, lt=1, description=(
        "dropout on the attention probabilities, set on every model (scratch, --init-from, --base-model): "
        "0 lets PyTorch's fused attention kernel run on the CPU; BERT's 0.1 falls back to the unfused one "
        "and draws a mask over every 512 x 512 attention matrix, half of a training step here (2 x 128: "
        "0.80 -> 0.40 s a step, 3 x 128: 1.02 -> 0.53 s)"))
    base_model: Path | None = Field(None, description="a local Hugging Face checkpoint to start from")
    init_from: Path | None = Field(None, description="an xxgk model folder to fine-tune (new annotations)")
    keep_layers: list[int] | None = Field(None, description="with --init-from: keep only these layers of the "
                                                             "model (e.g. [0, 2] of 3) — a faster student that "
                                                             "starts from its reading")
    teacher: Path | None = Field(None, description="an xxgk model folder whose label probabilities the model "
                                                   "also learns (distillation): a smaller, faster model keeps "
                                                   "more of a larger one's reading than from the labels alone")
    distill_weight: float = Field(0.5, ge=0, le=1, description="share of the loss on the teacher's probabilities "
                                                               "(the rest on the gold labels); Hinton et al.'s "
                                                               "usual middle, not tuned here")
    distill_temperature: float = Field(2.0, gt=0, description="softens both distributions so the teacher's "
                                                              "second choices (which cell, where a number "
                                                              "splits) carry weight; a usual value")

    # ---- windows -------------------------------------------------------------------------
    window: int | None = Field(None, description="characters per window; None = max_positions - 2")
    stride: int = Field(448, ge=1, description="window step at validation/prediction: 62 characters "
                                               "of overlap, each character read where it is most central")
    table_ratio: float = Field(0.8, ge=0, le=1, description="share of training windows that hold table cells: "
                                                           "tables are where the cells are, narrative is easy")
    replace_rate: float = Field(0.01, ge=0, lt=0.5, description="share of non-digit characters replaced by "
                                                                "[UNK] or a random character: real reports hold "
                                                                "characters the synthetic corpus never shows")

    # ---- optimisation --------------------------------------------------------------------
    seed: int = Field(0, description="set first: python, numpy, torch")
    lr: float | None = Field(None, gt=0, description="None = 1e-3 from scratch, 1e-4 --init-from, "
                                                     "5e-5 --base-model (a pretrained model needs small steps)")
    weight_decay: float = Field(0.01, ge=0, description="AdamW, BERT's value")
    warmup: float = Field(0.05, ge=0, lt=1, description="share of steps with a linear warm-up; "
                                                        "then linear decay to 0")
    grad_clip: float = Field(1.0, gt=0, description="clip the gradient norm, as BERT")
    batch_size: int = Field(16, ge=1, description="windows per step: ~8k tokens, a usual size for small "
                                                  "BERTs (not tuned here)")
    max_steps: int = Field(6000, ge=1, description="~49M tokens: 3L/128 with bf16 and 2 threads, validation "
                                                   "included, took 105 min with attention dropout 0.1 and 61 min "
                                                   "without (~13k tokens/s); validation still rose from step "
                                                   "5,000 to 6,000")
    epochs: float | None = Field(None, gt=0, description="if set, overrides max_steps: passes over the "
                                                         "training windows (text length / window)")
    bf16: bool = Field(True, description="bf16 autocast: ~1.1-1.5x faster here (AVX512-BF16); weights and "
                                         "optimiser stay fp32; turn off on CPUs without bf16 support")

    # ---- validation, logging, machine ----------------------------------------------------
    eval_every: int = Field(1000, ge=1, description="steps between validations (and model-last saves)")
    val_docs: int = Field(100, ge=1, description="validation reports decoded per validation: ~20 s on "
                                                 "one core for 2L/128; ~20k cells")
    log_every: int = Field(20, ge=1, description="steps between loss events")
    threads: int | None = Field(None, ge=1, description="torch threads; None = torch's default (all cores). "
                                                        "Use 1 when other work shares the cores: 2 threads "
                                                        "with one core busy ran ~4x slower than 1")
    resume: bool = Field(False, description="continue from out/model-last (optimiser, schedule, step, rng)")

    @model_validator(mode="after")
    def _check(self) -> "TrainConfig":
        if self.base_model and self.init_from:
            raise ValueError("give --base-model or --init-from, not both")
        if self.keep_layers is not None and not self.init_from:
            raise ValueError("keep_layers picks layers of an --init-from model: give --init-from")
        if self.window is not None and not 1 <= self.window <= self.max_positions - 2:
            raise ValueError(f"window {self.window} must be 1 … max_positions - 2 = {self.max_positions - 2}")
        if self.hidden % self.heads:
            raise ValueError(f"hidden {self.hidden} is not a multiple of heads {self.heads}")
        if self.stride > self.window_chars:
            raise ValueError(f"stride {self.stride} is larger than the window {self.window_chars}: "
                             "characters would be skipped")
        return self

    @property
    def window_chars(self) -> int:
        return self.window if self.window is not None else self.max_positions - 2

    @property
    def learning_rate(self) -> float:
        if self.lr is not None:
            return self.lr
        return 5e-5 if self.base_model else 1e-4 if self.init_from else 1e-3

    @property
    def ffn(self) -> int:
        return self.intermediate or 4 * self.hidden

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.model_dump_json())

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_config(path: str | Path | None = None, **overrides: Any) -> TrainConfig:
    """A config from a JSON file (optional) with command-line values on top (``None`` values ignored)."""
    values: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"{path}: config file not found") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(values, dict):
            raise ValueError(f"{path}: a config file is one JSON object")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**values)
