"""``report.md`` and the one-paragraph summary, rendered from the metrics dict.

Pure functions of ``EvalMetrics.summary()`` (plus the harness's ``files``
block and the list of wrong cells); nothing here computes a metric.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from .metrics import RULES, CellError, group_order

MAX_WRONG_CELLS = 500  # wrong cells listed in report.md (all are in wrong_cells.jsonl)
WORST_REPORTS = 10


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f} %"


def _frac(r: dict[str, Any]) -> str:
    return f"{r['correct']}/{r['n']}"


def _md(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _value(v: Any) -> str:
    return "`" + json.dumps(v, ensure_ascii=False) + "`"


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    header = list(header)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return out + [""]


def summary_paragraph(m: dict[str, Any]) -> str:
    """One paragraph for the terminal and the top of report.md."""
    c, s, t, r = m["cells"], m["sections"], m["template"], m["rules"]
    files = m.get("files", {})
    invalid = len(files.get("invalid", []))
    tables = ", ".join(f"{k} {pct(v['accuracy'])}" for k, v in c["per_table"].items())
    scored = r["pred"]["all"]["reports_passed"] + r["pred"]["all"]["reports_failed"]
    gold_n = r["gold"]["all"]["reports_passed"] + r["gold"]["all"]["reports_failed"]
    return (
        f"Scored {m['reports']} reports ({c['missing_predictions']} without a valid prediction"
        f"{f', {invalid} of them invalid' if invalid else ''}): cell accuracy {pct(c['cell_accuracy'])} "
        f"({_frac(c['counts']['cells'])}), non-zero cells {pct(c['nonzero_accuracy'])} "
        f"({_frac(c['counts']['nonzero'])}), blank fidelity {pct(c['blank_fidelity'])}; per table {tables}. "
        f"Exact match on {_frac(c['counts']['reports_exact'])} reports; section headings "
        f"{pct(s['section_accuracy'])} (±{s['tolerance']} chars); template detection {pct(t['template_accuracy'])}. "
        f"Predictions passing all of R1–R4: {r['pred']['all']['reports_passed']} of {scored} "
        f"(gold: {r['gold']['all']['reports_passed']} of {gold_n}); checks broken by the extraction: "
        f"{sum(r['introduced'].values())}."
    )


def _wrong_cells(errors: list[CellError], per_report: dict[str, Any], limit: int) -> list[str]:
    """Every wrong cell up to ``limit`` rows; a report without a valid prediction is one row."""
    out = [f"## Wrong cells ({len(errors)})", ""]
    if not errors:
        return out + ["None.", ""]
    rows, listed, seen = [], 0, set()
    for e in errors:
        if len(rows) == limit:
            break
        if per_report[e.report]["missing"]:
            if e.report not in seen:
                seen.add(e.report)
                n = per_report[e.report]["cells"]
                rows.append((e.report, "(every cell)", f"{n} cells", "(no prediction)",
                             "no valid prediction: every cell counted wrong"))
                listed += n
            continue
        pred = "(no such field)" if e.pred_absent else _value(e.pred)
        rows.append((e.report, f"`{e.field}`", _value(e.gold), pred, e.context or ""))
        listed += 1
    out += _table(("report", "field", "gold", "predicted", "source text"), rows)
    if len(errors) > listed:
        out += [f"… {len(errors) - listed} more wrong cells not listed here (all are in `wrong_cells.jsonl`).", ""]
    return out


def render_report(m: dict[str, Any], errors: list[CellError], *, plots: Iterable[str] = (),
                  max_wrong_cells: int = MAX_WRONG_CELLS, worst_reports: int = WORST_REPORTS) -> str:
    c, s, t, r = m["cells"], m["sections"], m["template"], m["rules"]
    files = m.get("files", {})
    lines = ["# xxgk evaluation", "", summary_paragraph(m), ""]
    if files:
        lines += [f"Gold: `{files['gold_dir']}` ({files['gold']} files) · predictions: `{files['pred_dir']}` "
                  f"({files['scored']} scored, {len(files['missing'])} missing, {len(files['invalid'])} invalid, "
                  f"{len(files['unmatched'])} without gold).", ""]

    cnt = c["counts"]
    lines += ["## Summary", ""] + _table(("metric", "value", "counted"), [
        ("cell accuracy", pct(c["cell_accuracy"]), _frac(cnt["cells"])),
        ("non-zero cell accuracy", pct(c["nonzero_accuracy"]), _frac(cnt["nonzero"])),
        ("blank fidelity (gold blank → predicted blank)", pct(c["blank_fidelity"]), _frac(cnt["gold_blank"])),
        ("blank precision (predicted blank → gold blank)", pct(c["blank_precision"]), _frac(cnt["pred_blank"])),
        ("report exact match", pct(c["exact_match_rate"]), _frac(cnt["reports_exact"])),
        (f"section headings (±{s['tolerance']} chars)", pct(s["section_accuracy"]), _frac(s["counts"])),
        ("template detection", pct(t["template_accuracy"]), _frac(t["counts"])),
    ])

    lines += ["## Per table", ""] + _table(("table", "accuracy", "correct/cells"), [
        (k, pct(v["accuracy"]), _frac(v)) for k, v in c["per_table"].items()])
    lines += ["## Per row group", ""] + _table(("group", "accuracy", "correct/cells"), [
        (g, pct(c["per_group"][g]["accuracy"]), _frac(c["per_group"][g])) for g in group_order()
        if g in c["per_group"]])
    if c["per_layout"]:
        lines += ["## Per layout", ""] + _table(
            ("layout", "reports", "cell accuracy", "non-zero accuracy", "exact match"),
            [(k, v["reports"], pct(v["cell_accuracy"]), pct(v["nonzero_accuracy"]), pct(v["exact_match_rate"]))
             for k, v in c["per_layout"].items()])

    p, g = r["pred"], r["gold"]
    lines += ["## Arithmetic rules", "",
              "Counted on every scored prediction (gold for reference). *Introduced*: checks that hold on gold "
              f"but fail on the prediction. Missing predictions, not counted: {r['missing_predictions']}.", ""]
    lines += _table(("rule", "pred checks pass", "pred checks fail", "pred reports pass", "pred reports fail",
                     "gold reports fail", "introduced"),
                    [(k, p[k]["checks_passed"], p[k]["checks_failed"], p[k]["reports_passed"], p[k]["reports_failed"],
                      g[k]["reports_failed"], r["introduced"][k]) for k in RULES]
                    + [("all", "", "", p["all"]["reports_passed"], p["all"]["reports_failed"],
                        g["all"]["reports_failed"], sum(r["introduced"].values()))])

    if files.get("invalid") or files.get("missing") or files.get("unmatched"):
        lines += ["## File problems", ""]
        lines += [f"- invalid prediction `{e['file']}`: {e['error']}" for e in files["invalid"]]
        lines += [f"- missing prediction `{name}`" for name in files["missing"]]
        lines += [f"- prediction without gold `{name}` (not scored)" for name in files["unmatched"]]
        lines += [""]

    worst = sorted(((v["accuracy"] or 0, k, v) for k, v in m["per_report"].items() if v["correct"] < v["cells"]),
                   key=lambda x: (x[0], x[1]))[:worst_reports]
    lines += ["## Worst reports", ""]
    lines += _table(("report", "cell accuracy", "correct/cells", "sections right", "template", "pred checks failed",
                     "layout"),
                    [(k, pct(a), f"{v['correct']}/{v['cells']}", f"{v['sections_correct']}/6",
                      "ok" if v["template_ok"] else "wrong", "missing" if v["missing"] else v["pred_checks_failed"],
                      v["layout"] or "") for a, k, v in worst]) if worst else ["Every report is an exact match.", ""]

    lines += _wrong_cells(errors, m["per_report"], max_wrong_cells)
    if plots:
        lines += ["## Plots", ""] + [f"![{name}]({name})" for name in plots] + [""]
    return "\n".join(lines)
