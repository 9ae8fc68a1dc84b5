"""The model card (``README.md`` of a model folder): what the model is, what it was trained on,
how well it does per layout, and its limits — written from the run's own files, never by hand."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .layout import TYPES

CARD_FILE = "README.md"


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def card_text(*, config: dict[str, Any], metrics: dict[str, Any], data: dict[str, Any], command: str,
              which: str = "model-best", extra: dict[str, Any] | None = None) -> str:
    """The card as Markdown. ``metrics`` is the run's metrics.json (``best``, ``last``, ``model``…)."""
    chosen = metrics.get("last" if which == "model-last" else "best") or {}
    model = metrics.get("model") or {}
    lines = [f"# xxgk character tagger ({which})", "",
             "A character-level token classifier (`transformers` "
             f"`{model.get('architecture', '?')}`, {model.get('layers', '?')} layers × {model.get('hidden', '?')} "
             f"hidden, {model.get('parameters', 0):,} parameters, {model.get('max_positions', '?')} positions) "
             "that tags the section headings, row/column labels and values of 政府信息公开工作年度报告; "
             "`xxgk.inference.decode` turns the tags into the template's cells. "
             "Load it with `xxgk.inference.predictor.Predictor.load(folder)` or with "
             "`AutoModelForTokenClassification` / `AutoTokenizer` (label maps are in `config.json`); "
             f"a model with `type_vocab_size` {TYPES} reads layout ids as its `token_type_ids` — compute them with "
             "`xxgk.models.layout.layout_ids(text)` (0 for [CLS]/[SEP]); `Predictor` does this for you.", "",
             "## Training", "",
             f"- Origin: {data.get('origin', '?')}.",
             f"- Corpus: `{data.get('corpus', '?')}` (fingerprint `{data.get('fingerprint')}`), "
             f"{data.get('train_documents', '?')} training documents, {data.get('train_characters', 0):,} characters.",
             f"- Templates: {_inline(data.get('templates'))}; layouts: {_inline(data.get('layouts'))}.",
             f"- Steps: {chosen.get('step', '?')} of {metrics.get('max_steps', config.get('max_steps'))} "
             f"(batch {config.get('batch_size')} "
             f"windows of {config.get('window') or (config.get('max_positions', 512) - 2)} characters, "
             f"{_pct(config.get('table_ratio'))} placed on tables), seed {config.get('seed')}; "
             f"{chosen.get('elapsed_s', '?')} s of training, ~{chosen.get('tokens_per_s', '?')} tokens/s.",
             "- Command (with the corpus's seed):", "", "```", command.strip() or "(not recorded)", "```",
             "", "Full settings: `training_config.json`; all figures: `metrics.json`; the value prior of the "
             "training split's cells, which the decoder weighs where a row's values run together: "
             "`value_prior.json` (`xxgk.models.prior`).", "",
             "## How well (validation)", "",
             f"Scored on {chosen.get('documents', '?')} validation reports ({data.get('validation', '?')}), "
             "through the real decoder, with `xxgk.eval.metrics.CellMetrics`:", ""]
    lines += _table(["measure", "value"], [
        ["cell accuracy (model + arithmetic decoding)", _pct(chosen.get("cell_accuracy"))],
        ["cell accuracy (model alone)", _pct(chosen.get("cell_accuracy_model_alone"))],
        ["non-zero cell accuracy", _pct(chosen.get("nonzero_accuracy"))],
        ["reports with every cell right", _pct(chosen.get("exact_match_rate"))],
        ["token F1 (characters not O)", _pct(chosen.get("token_f1"))],
        ["reports the decoder could not read", chosen.get("decode_failures", "–")]])
    per_layout = chosen.get("per_layout") or {}
    if per_layout:
        lines += ["", "Per layout:", ""]
        lines += _table(["layout", "reports", "cells", "non-zero cells", "all cells right"], [
            [k, v.get("reports"), _pct(v.get("cell_accuracy")), _pct(v.get("nonzero_accuracy")),
             _pct(v.get("exact_match_rate"))] for k, v in sorted(per_layout.items())])
    for title, body in (extra or {}).items():
        lines += ["", f"## {title}", "", str(body).rstrip()]
    lines += ["", "## Limits", "",
              "- Trained on synthetic reports only (plus any imported annotations named above): a real report in a "
              "shape the generator does not make can be misread; the figures above are synthetic validation "
              "figures, the test split and the dev reports are scored by `xxgk eval`.",
              "- Reads windows of at most "
              f"{config.get('window') or (config.get('max_positions', 512) - 2)} characters: a table header more "
              "than a window away from its values is not seen with them.",
              "- Characters never seen in training (rare characters of agency names, symbols) are read as "
              "`[UNK]` or an untrained embedding; the training noise (`replace_rate`) makes it robust to a few.",
              "- Only the two State Council templates (2019, 2021) and the label scheme of the xxgk version "
              "that trained it; another label scheme refuses to load.", ""]
    return "\n".join(lines)


def _inline(counts: dict[str, int] | None) -> str:
    if not counts:
        return "–"
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def write_card(model_dir: str | Path, **kwargs: Any) -> Path | None:
    """Write ``README.md`` into ``model_dir`` (if the folder exists); see `card_text` for the arguments."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        return None
    path = model_dir / CARD_FILE
    path.write_text(card_text(**kwargs), encoding="utf-8")
    return path
