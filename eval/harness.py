"""Score a folder of predictions against a folder of gold files.

``evaluate(gold_dir, pred_dir, out_dir)`` pairs ``<stem>.json`` files by name,
scores each pair with `EvalMetrics`, and writes into ``out_dir``:

- ``metrics.json``     every number (sorted keys, deterministic);
- ``wrong_cells.jsonl`` every wrong cell with gold, prediction and source text;
- ``report.md``        summary, per table / group / layout, rules, worst reports, wrong cells;
- two PNG plots (per-table accuracy, table 三 error heat map).

A prediction file that is absent or fails validation counts as missing (every
cell wrong) and is listed in the report; the run goes on.  A gold file that
fails validation stops the run: scores against broken gold mean nothing.

CLI one-liner: ``print(summary_paragraph(evaluate(gold, pred, out)))``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data.gold import GoldFormatError, Record, load_record
from .metrics import EvalMetrics
from .plots import write_plots
from .report import MAX_WRONG_CELLS, render_report, summary_paragraph

__all__ = ["evaluate", "summary_paragraph", "read_source"]


def read_source(gold: Record, text_root: Path) -> str | None:
    """The report's raw text (``text_root / gold.source``) when it exists."""
    path = text_root / gold.source if gold.source else None
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace")


def _json_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p.is_file())


def evaluate(gold_dir: str | Path, pred_dir: str | Path, out_dir: str | Path, *, text_root: str | Path | None = None,
             max_wrong_cells: int = MAX_WRONG_CELLS, plots: bool = True) -> dict[str, Any]:
    """Score ``pred_dir`` against ``gold_dir``, write the outputs to ``out_dir``, return the metrics dict.

    ``text_root`` is the folder gold ``source`` paths are relative to (default:
    the folder that holds ``gold_dir``).
    """
    gold_dir, pred_dir, out_dir = Path(gold_dir), Path(pred_dir), Path(out_dir)
    text_root = Path(text_root) if text_root is not None else gold_dir.parent
    for folder, what in ((gold_dir, "gold"), (pred_dir, "prediction")):
        if not folder.is_dir():
            raise FileNotFoundError(f"{what} folder {folder} does not exist")
    gold_files = _json_files(gold_dir)
    if not gold_files:
        raise FileNotFoundError(f"no gold *.json files in {gold_dir}")

    metrics = EvalMetrics()
    missing: list[str] = []
    invalid: list[dict[str, str]] = []
    for gold_path in gold_files:
        gold = load_record(gold_path)
        pred_path, pred = pred_dir / gold_path.name, None
        if not pred_path.is_file():
            missing.append(gold_path.name)
        else:
            try:
                pred = load_record(pred_path)
            except GoldFormatError as exc:
                invalid.append({"file": gold_path.name, "error": str(exc)})
        metrics.update(gold, pred, read_source(gold, text_root), name=gold_path.stem)

    gold_names = {p.name for p in gold_files}
    result = metrics.summary()
    result["files"] = {"gold_dir": str(gold_dir), "pred_dir": str(pred_dir), "gold": len(gold_files),
                       "scored": len(gold_files) - len(missing) - len(invalid), "missing": missing,
                       "invalid": invalid, "unmatched": [p.name for p in _json_files(pred_dir)
                                                         if p.name not in gold_names]}

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metrics.json").write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                          encoding="utf-8")
    (out_dir / "wrong_cells.jsonl").write_text(
        "".join(json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for e in metrics.cells.errors),
        encoding="utf-8")
    plot_names = [p.name for p in write_plots(result, out_dir)] if plots else []
    (out_dir / "report.md").write_text(
        render_report(result, metrics.cells.errors, plots=plot_names, max_wrong_cells=max_wrong_cells) + "\n",
        encoding="utf-8")
    return result
