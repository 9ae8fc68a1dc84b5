"""Gold / prediction files: one JSON object per report (``../shared/spec/gold-format.md``).

A gold file records what the report *prints*; a prediction file has the same
shape (plus optional extra keys such as ``details`` and ``findings``), so a
corrected prediction is a new annotation.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .schema import AMOUNT_FIELDS, get_template

Value = Union[int, str, None]  # count, amount/mark as printed, or blank
REQUIRED_KEYS = ("template", "cells")
KNOWN_KEYS = {"id", "source", "template", "year", "agency", "sections", "cells",
              # keys a prediction file adds; ignored when reading gold
              "details", "findings", "decisions", "input", "text_sha1", "model", "warnings",
              # synthetic gold: {"layout", "damage", "level", "seed"}; eval groups by meta.layout
              "meta"}


class GoldFormatError(ValueError):
    """A gold or prediction file that does not follow the format; names file and field."""

    def __init__(self, path: str | Path | None, message: str, field_id: str | None = None):
        where = f"{path}" if path else "<record>"
        if field_id:
            where += f": field {field_id!r}"
        super().__init__(f"{where}: {message}")
        self.path, self.field_id = (str(path) if path else None), field_id


@dataclass
class Record:
    """One labeled (or predicted) report."""

    template: str
    cells: dict[str, Value]
    id: str = ""
    source: str = ""
    year: int | None = None
    agency: str = ""
    sections: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # details, findings … of predictions

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "source": self.source, "template": self.template,
                               "year": self.year, "agency": self.agency,
                               "sections": {k: self.sections[k] for k in sorted(self.sections, key=int)},
                               "cells": {f: self.cells.get(f) for f in get_template(self.template).fields}}
        out.update(self.extra)
        return out


_COUNT_STR = re.compile(r"^[-+]?\d+$")


def validate_value(field_id: str, value: Any, path: str | Path | None = None) -> Value:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise GoldFormatError(path, f"value {value!r} must be an integer, a string or null", field_id)
    if isinstance(value, str):
        if value == "" or any(ch.isspace() for ch in value):
            raise GoldFormatError(path, f"string value {value!r} must be non-empty with white space removed", field_id)
        if field_id not in AMOUNT_FIELDS and _COUNT_STR.match(value):
            raise GoldFormatError(path, f"count written as a string {value!r}; write the integer", field_id)
    return value


def record_from_json(obj: Any, path: str | Path | None = None) -> Record:
    """Validate a parsed JSON object and build a Record. Raises GoldFormatError."""
    if not isinstance(obj, dict):
        raise GoldFormatError(path, "top level must be a JSON object")
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise GoldFormatError(path, f"missing key {key!r}")
    unknown = set(obj) - KNOWN_KEYS
    if unknown:
        raise GoldFormatError(path, f"unknown key(s) {sorted(unknown)}")
    try:
        template = get_template(str(obj["template"]))
    except ValueError as exc:
        raise GoldFormatError(path, str(exc), "template") from None
    cells = obj["cells"]
    if not isinstance(cells, dict):
        raise GoldFormatError(path, "must be an object of field id -> value", "cells")
    expected = set(template.fields)
    missing, extra = expected - set(cells), set(cells) - expected
    if extra:
        raise GoldFormatError(path, f"not a field of template {template.version}: {sorted(extra)[:5]}", "cells")
    if missing:
        raise GoldFormatError(path, f"{len(missing)} field(s) of template {template.version} missing, "
                              f"e.g. {sorted(missing)[:3]}", "cells")
    checked = {f: validate_value(f, cells[f], path) for f in template.fields}
    year = obj.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise GoldFormatError(path, f"must be an integer or null, got {year!r}", "year")
    sections = obj.get("sections") or {}
    if not isinstance(sections, dict) or not all(
            str(k) in "123456" and len(str(k)) == 1 and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in sections.items()):
        raise GoldFormatError(path, "must map section numbers '1'…'6' to character offsets", "sections")
    extra_keys = {k: obj[k] for k in obj if k not in
                  {"id", "source", "template", "year", "agency", "sections", "cells"}}
    return Record(template=template.version, cells=checked, id=str(obj.get("id") or ""),
                  source=str(obj.get("source") or ""), year=year, agency=str(obj.get("agency") or ""),
                  sections={str(k): v for k, v in sections.items()}, extra=extra_keys)


def load_record(path: str | Path) -> Record:
    path = Path(path)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldFormatError(path, "file not found") from None
    except UnicodeDecodeError:
        raise GoldFormatError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise GoldFormatError(path, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    record = record_from_json(obj, path)
    if not record.id:
        record.id = path.stem
    return record


def save_record(record: Record, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def iter_json_files(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of ``*.json`` files."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.json") if q.is_file()))
        else:
            out.append(p)
    return out


def numeric(value: Value) -> float | None:
    """The number a cell holds for arithmetic: blank and marks count as 0; amounts parsed."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    m = re.match(r"^[-+]?\d+(?:\.\d+)?", value)
    return float(m.group()) if m else 0
