"""`xxgk check`: the template arithmetic on gold or prediction files.

One entry per input file: its hard findings (R1–R4), soft findings (text
against table when the report's text can be found; across years for several
reports of one agency), and a consistency summary.  A malformed file gives an
entry with an ``error`` and the others are still checked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..data.gold import GoldFormatError, Record, iter_json_files, load_record
from ..data.rules import (Finding, check_across_years, check_narrative, check_record, check_relations,
                          consistency)


@dataclass
class ReportCheck:
    report: str
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict:
        if self.error is not None:
            return {"report": self.report, "error": self.error, "findings": None}
        assert self.record is not None
        return {"report": self.report, "template": self.record.template, "year": self.record.year,
                "agency": self.record.agency, "findings": [f.to_json() for f in self.findings],
                "consistency": consistency(self.record).to_json()}


def source_text(path: Path, record: Record) -> str | None:
    """The report's raw text: gold ``source`` (relative to the folder holding gold/) or a prediction's ``input``."""
    candidates = []
    if record.source:
        candidates += [path.parent.parent / record.source, path.parent / record.source]
    if isinstance(record.extra.get("input"), str):
        candidates.append(Path(record.extra["input"]))
    for c in candidates:
        if c.is_file() and c.suffix.lower() in (".txt", ".md"):
            try:
                return c.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    return None


def check_files(paths: list[str | Path], *, with_text: bool = True) -> list[ReportCheck]:
    """Check every JSON file under `paths` (files or folders), in sorted order."""
    results: list[ReportCheck] = []
    for path in iter_json_files(paths):
        try:
            record = load_record(path)
        except GoldFormatError as exc:
            results.append(ReportCheck(str(path), error=str(exc)))
            continue
        findings = check_record(record) + check_relations(record)
        text = source_text(path, record) if with_text else None
        if text is not None:
            findings += check_narrative(record, text)
        results.append(ReportCheck(str(path), record, findings))
    across = check_across_years((r.report, r.record) for r in results if r.record is not None)
    for r in results:
        r.findings += across.get(r.report, [])
    return results


def format_text(results: list[ReportCheck]) -> str:
    lines = []
    for r in results:
        if r.error is not None:
            lines.append(f"{r.report}: ERROR {r.error}")
            continue
        c = consistency(r.record)
        hard = sum(f.severity == "hard" for f in r.findings)
        soft = len(r.findings) - hard
        lines.append(f"{r.report}: template {r.record.template}, {c.applied} checks, {c.failed} failed"
                     + (f", {soft} soft finding(s)" if soft else ""))
        lines += [f"  [{f.severity}] {f.message}" for f in r.findings]
    n_bad = sum(r.error is None and any(f.severity == "hard" for f in r.findings) for r in results)
    n_err = sum(r.error is not None for r in results)
    lines.append(f"{len(results)} report(s): {len(results) - n_bad - n_err} consistent, "
                 f"{n_bad} with arithmetic findings, {n_err} unreadable")
    return "\n".join(lines)
