"""PNG plots of an evaluation (matplotlib, Agg backend; imported lazily so training stays light).

Axis labels are field keys (ASCII), so no CJK font is needed on the machine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.schema import T3_COLUMNS
from .metrics import group_order, t3_rows

TABLE_PLOT = "per_table_accuracy.png"
HEATMAP_PLOT = "t3_error_heatmap.png"
DPI = 100


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_accuracy_bars(m: dict[str, Any], path: Path) -> Path:
    """Accuracy per table (left) and per row group (right), in percent."""
    plt = _pyplot()
    cells = m["cells"]
    tables = [("all", cells["cell_accuracy"])] + [(k, v["accuracy"]) for k, v in cells["per_table"].items()]
    groups = [(g, cells["per_group"][g]["accuracy"]) for g in group_order() if g in cells["per_group"]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [1, 4]})
    for ax, items, title in ((ax1, tables, "per table"), (ax2, groups, "per row group")):
        names = [k for k, _ in items]
        values = [100 * (v or 0) for _, v in items]
        bars = ax.bar(range(len(names)), values, color="#4c72b0")
        ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=7)
        rotate = len(names) > 4
        ax.set_xticks(range(len(names)), names, rotation=60 if rotate else 0, ha="right" if rotate else "center",
                      fontsize=8)
        ax.set_ylim(0, 105)
        ax.set_title(f"cell accuracy {title} (%)")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_t3_heatmap(m: dict[str, Any], path: Path) -> Path:
    """Error rate of each table-三 cell (rows of both templates × the 7 columns); grey = never scored."""
    plt = _pyplot()
    import numpy as np

    per_field = m["cells"]["per_field"]
    rows, cols = t3_rows(), [c.key for c in T3_COLUMNS]
    grid = np.full((len(rows), len(cols)), np.nan)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            stat = per_field.get(f"t3.{r}.{c}")
            if stat and stat["n"]:
                grid[i, j] = 1 - stat["correct"] / stat["n"]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.5))
    cmap = plt.get_cmap("Reds").with_extremes(bad="#dddddd")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, j in zip(*np.nonzero(np.nan_to_num(grid) > 0)):
        ax.text(j, i, f"{100 * grid[i, j]:.0f}", ha="center", va="center", fontsize=6,
                color="white" if grid[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=7)
    ax.set_title("t3 (table 3): error rate by row x column")
    fig.colorbar(image, ax=ax, fraction=0.04, label="error rate")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def write_plots(m: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    return [plot_accuracy_bars(m, out_dir / TABLE_PLOT), plot_t3_heatmap(m, out_dir / HEATMAP_PLOT)]
