"""What a batch writes, and how a report's tables look in a terminal.

    OUT/<stem>.json     one per report: gold-file shape (``xxgk eval``/``xxgk check`` read it;
                        a corrected copy is a new annotation) + details, decisions, findings, input
    OUT/results.csv     one row per report: file, template, year, agency, then every field of
                        both templates (``all_fields()``), blank where the report's template lacks it
    OUT/results.jsonl   one line per report: the .json file without details and decisions
    OUT/errors.jsonl    one line per input that failed: file, kind, message, hint

Rows are written as results arrive, in input order, so a long batch stopped half-way
leaves valid files behind.  Inputs with the same stem in different folders get
``-2``, ``-3`` … in input order.
"""
from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path
from typing import Any

from ..data.gold import Record, Value
from ..data.schema import all_fields, get_template

RESULTS_CSV, RESULTS_JSONL, ERRORS_JSONL = "results.csv", "results.jsonl", "errors.jsonl"
CSV_HEAD = ("file", "template", "year", "agency")
_RESERVED = {"results", "errors"}


def output_names(paths: list[Path]) -> list[str]:
    """A unique, deterministic output stem per input (first come keeps the plain stem)."""
    taken: set[str] = set()
    names = []
    for path in paths:
        stem, n = path.stem or "report", 1
        name = stem if stem.lower() not in _RESERVED else f"{stem}-1"
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}"
        taken.add(name.lower())  # case-insensitive file systems
        names.append(name)
    return names


def csv_cell(value: Value) -> str:
    return "" if value is None else str(value)


class BatchWriter:
    """Streams a batch's outputs into ``out_dir``; use as a context manager."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._csv_file = open(self.out_dir / RESULTS_CSV, "w", encoding="utf-8-sig", newline="")  # BOM: Excel
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow((*CSV_HEAD, *all_fields()))
        self._jsonl = open(self.out_dir / RESULTS_JSONL, "w", encoding="utf-8")
        self._errors = open(self.out_dir / ERRORS_JSONL, "w", encoding="utf-8")

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for f in (self._csv_file, self._jsonl, self._errors):
            f.close()

    def write_report(self, name: str, file: str, report: dict[str, Any]) -> Path:
        """``report`` is a prediction file's JSON (``Extraction.to_json`` + input …)."""
        path = self.out_dir / f"{name}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        cells = report["cells"]
        self._csv.writerow((file, report["template"], csv_cell(report.get("year")), report.get("agency", ""),
                            *(csv_cell(cells.get(f)) for f in all_fields())))
        line = {"file": file, **{k: v for k, v in report.items() if k not in ("details", "decisions")}}
        self._jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
        for f in (self._csv_file, self._jsonl):
            f.flush()
        return path

    def write_error(self, error: dict[str, str]) -> None:
        self._errors.write(json.dumps(error, ensure_ascii=False) + "\n")
        self._errors.flush()


# --------------------------------------------------------------------------- #
# Tables as text
# --------------------------------------------------------------------------- #
def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(s))
    return fill + s if right else s + fill


def _grid(rows: list[list[str]]) -> list[str]:
    """Left-aligned first column, right-aligned values, two spaces apart."""
    widths = [max(display_width(r[i]) for r in rows if i < len(r)) for i in range(max(map(len, rows)))]
    return ["  ".join(_pad(c, widths[i], right=i > 0) for i, c in enumerate(r)).rstrip() for r in rows]


def _show(value: Value) -> str:
    return "" if value is None else str(value)


def format_tables(record: Record, findings: list | None = None) -> str:
    """Tables 二, 三 and 四 of a report as aligned plain text (blank cells stay blank);
    with ``findings`` (``rules.Finding`` or their JSON, as in a prediction file's ``findings``),
    a last line per broken check (the soft ones after), or that all hold."""
    template = get_template(record.template)
    head = f"{record.agency or '(agency unknown)'} {record.year or ''} · template {record.template}".strip()
    out = [head, ""]
    t2, t3, t4 = (template.table(k) for k in ("t2", "t3", "t4"))
    out.append("二、主动公开政府信息情况")
    for block in t2.blocks:
        rows = [[block.item or "", *(c.text for c in block.columns)]]
        rows += [[r.text, *(_show(record.cells.get(f"t2.{r.key}.{c.key}")) for c in block.columns)]
                 for r in block.rows]
        out += ["  " + line for line in _grid(rows)]
    out += ["", "三、收到和处理政府信息公开申请情况"]
    cols = t3.blocks[0].columns
    rows = [["", *(c.text for c in cols)]]
    rows += [[r.text if len(r.text) <= 16 else (r.variants[-1] if r.variants and len(r.variants[-1]) <= 16
                                                else r.text[:15] + "…"),
              *(_show(record.cells.get(f"t3.{r.key}.{c.key}")) for c in cols)] for r in t3.rows]
    out += ["  " + line for line in _grid(rows)]
    out += ["", "四、政府信息公开行政复议、行政诉讼情况"]
    cols = t4.blocks[0].columns
    rows = [["", *(c.text for c in cols)]]
    rows += [[g.text, *(_show(record.cells.get(f"t4.{g.key}.{c.key}")) for c in cols)] for g in t4.rows]
    out += ["  " + line for line in _grid(rows)]
    if findings is not None:
        found = [f if isinstance(f, dict) else f.to_json() for f in findings]
        hard = [f for f in found if f.get("severity", "hard") == "hard"]
        soft = [f for f in found if f.get("severity", "hard") != "hard"]
        out += ["", "checks R1–R4: all hold" if not hard else f"checks R1–R4: {len(hard)} broken"]
        out += [f"  {f['message']}" for f in hard]
        if soft:
            out += [f"soft checks: {len(soft)} broken (what the cells mean; a report may print it so)"]
            out += [f"  {f['message']}" for f in soft]
    return "\n".join(out) + "\n"
