"""Annotations from labeling tools → gold records and labeled examples; predictions → pre-annotations.

Two tools are read: Label Studio (JSON export: a list of tasks with ``data.text`` and
``annotations[].result[]`` of type ``labels``) and doccano (JSONL, one object per line,
``{"text": …, "label": [[start, end, "TAG"], …]}`` or the ``entities`` shape).  The label
names in the tool are our span tags (``V:t3.granted.total``, ``H3``, ``R:t2.fees`` …,
see `xxgk.data.labels`), so a labeled text is a list of `Span` and its gold record
follows from the spans (`record_from_spans`).  Review goes the other way:
`export_label_studio` writes model output as Label Studio *predictions*, which a
reviewer corrects and exports again.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .gold import Record, record_from_json, save_record
from .labels import Span, label2id, span_tags, spans_to_tags
from .schema import AMOUNT_FIELDS, TEMPLATE_2019, TEMPLATE_2021, detect_template, get_template

FORMATS = ("label-studio", "doccano")
IMPORTED_LAYOUT = "imported"
LS_FROM_NAME, LS_TO_NAME = "label", "text"  # names of the <Labels> and <Text> tags in our labeling config
DEFAULT_MODEL_VERSION = "xxgk"


class AnnotationError(ValueError):
    """An annotation file we cannot turn into gold; the message names the task and what is wrong."""


@dataclass
class Example:
    """One labeled text: its spans and the gold record they imply."""

    id: str
    text: str
    spans: list[Span]
    record: Record


@dataclass
class ImportSummary:
    out_dir: Path
    n_examples: int
    ids: list[str]
    skipped: list[str] = field(default_factory=list)  # tasks without a usable annotation
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"imported {self.n_examples} report(s) into {self.out_dir}"]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} task(s) without annotations: {', '.join(self.skipped[:10])}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Spans -> gold record
# --------------------------------------------------------------------------- #
_ONLY_2019 = frozenset(TEMPLATE_2019.fields) - frozenset(TEMPLATE_2021.fields)
_ONLY_2021 = frozenset(TEMPLATE_2021.fields) - frozenset(TEMPLATE_2019.fields)
_REMARK = re.compile(r"[（(][^（）()]*[）)]")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+$")
_COUNT_UNIT = re.compile(r"[件个条项次宗起份]$")
_OCR_DIGITS = str.maketrans("Oo〇lI|S", "0001115")


def _fold_width(s: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in s)


def cell_value(field_id: str, printed: str) -> int | str | None:
    """A V span's text as the gold value: int for a count (remark and unit dropped), else the
    text with white space removed (amounts keep their unit; marks such as ``/`` stay)."""
    compact = "".join(printed.split())
    if not compact:
        return None
    if field_id in AMOUNT_FIELDS:
        return compact
    count = _COUNT_UNIT.sub("", _REMARK.sub("", _fold_width(compact))).replace("−", "-")
    if _THOUSANDS.match(count):
        count = count.replace(",", "")
    if re.search(r"\d", count) and re.fullmatch(r"[-+]?[\dOo〇lI|S]+", count):  # OCR read 10 as 1O: the
        count = count.translate(_OCR_DIGITS)  # report prints 10, the text we have misread it
    return int(count) if re.fullmatch(r"[-+]?\d+", count) else compact


def _template_of(where: str, text: str, fields: list[str]) -> str:
    """The template the V tags belong to; when they fit both, the one table 二's headers say."""
    in19, in21 = sum(f in _ONLY_2019 for f in fields), sum(f in _ONLY_2021 for f in fields)
    if in19 and in21:
        raise AnnotationError(f"{where}: value labels of both templates (e.g. "
                              f"{next(f for f in fields if f in _ONLY_2019)!r} and "
                              f"{next(f for f in fields if f in _ONLY_2021)!r})")
    if in19 or in21:
        return "2019" if in19 else "2021"
    detected = detect_template(text)
    if detected is None:
        raise AnnotationError(f"{where}: cannot tell the template: no template-specific value label and "
                              "no table 二 column headers in the text")
    return detected


def record_from_spans(text: str, spans: list[Span], id: str = "", source: str = "",
                      warnings: list[str] | None = None, meta: dict | None = None) -> Record:
    """The gold record the spans of a labeled text imply (see module doc).

    Fields without a V span are blank (None); sections come from the H spans' starts;
    year and agency from the YEAR and AGENCY spans, else from ``meta`` (the task's
    ``data.year`` / ``data.agency``, which `export_label_studio` writes: a title that
    does not print the year still round-trips).
    """
    meta = meta or {}
    where = f"task {id!r}" if id else "annotation"
    warnings = warnings if warnings is not None else []
    values: dict[str, list[str]] = {}
    sections: dict[str, int] = {}
    year, agency = None, ""
    for s in sorted(spans):
        piece = text[s.start:s.end]
        if s.kind == "V":
            values.setdefault(s.tag[2:], []).append(piece)
        elif s.kind == "H":
            sections.setdefault(s.tag[1:], s.start)
        elif s.kind == "YEAR" and year is None:
            digits = re.sub(r"\D", "", _fold_width(piece))
            year = int(digits) if digits else None
        elif s.kind == "AGENCY" and not agency:
            agency = "".join(piece.split())
    if year is None and isinstance(meta.get("year"), int) and not isinstance(meta.get("year"), bool):
        year = meta["year"]
    if not agency and isinstance(meta.get("agency"), str):
        agency = meta["agency"]
    template = get_template(_template_of(where, text, list(values)))
    foreign = sorted(set(values) - set(template.fields))
    if foreign:
        raise AnnotationError(f"{where}: label(s) V:{foreign[0]} not in template {template.version}")
    cells: dict[str, Any] = {}
    for f in template.fields:
        printed = values.get(f)
        if not printed:
            cells[f] = None
            continue
        readings = [cell_value(f, p) for p in printed]
        if len(set(map(repr, readings))) > 1:
            warnings.append(f"{where}: {f} labeled {len(printed)} times with different values {readings}; "
                            "the first is kept")
        cells[f] = readings[0]
    obj = {"id": id, "source": source, "template": template.version, "year": year, "agency": agency,
           "sections": sections, "cells": cells}
    return record_from_json(obj, where)


# --------------------------------------------------------------------------- #
# Readers
# --------------------------------------------------------------------------- #
def _check_spans(where: str, text: str, raw: Iterable[tuple[int, int, str]]) -> list[Span]:
    known = set(span_tags())
    spans = []
    for start, end, tag in raw:
        if tag not in known:
            raise AnnotationError(f"{where}: unknown label {tag!r} (labels must be xxgk span tags such as "
                                  "'V:t3.granted.total', 'H3', 'R:t2.fees', 'YEAR')")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise AnnotationError(f"{where}: label {tag!r} has offsets [{start}, {end}) outside the text "
                                  f"({len(text)} characters)")
        spans.append(Span(start, end, tag))
    spans = sorted(set(spans))
    try:
        spans_to_tags(len(text), spans)
    except ValueError as exc:
        raise AnnotationError(f"{where}: {exc}") from None
    return spans


def _example(where: str, id: str, text: str, raw: Iterable[tuple[int, int, str]], warnings: list[str],
             meta: dict | None = None) -> Example:
    spans = _check_spans(where, text, raw)
    record = record_from_spans(text, spans, id, f"raw/{id}.txt", warnings, meta)
    return Example(id, text, spans, record)


def _ls_results(task: dict, use_predictions: bool) -> list[dict] | None:
    """The regions of a task: its last non-cancelled annotation (else, if asked, its last prediction);
    a JSON-MIN export keeps them flat under the label's name (``label``)."""
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if done:
        return done[-1].get("result") or []
    if use_predictions and task.get("predictions"):
        return task["predictions"][-1].get("result") or []
    if "data" not in task and isinstance(task.get(LS_FROM_NAME), list):
        return [{"type": "labels", "value": v} for v in task[LS_FROM_NAME]]
    return None


def _utf16_offsets(text: str) -> list[int] | None:
    """Label Studio counts offsets in UTF-16 code units (JavaScript strings): a map to Python
    offsets, or None when the text has no character outside the BMP (then they agree)."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    out = []
    for i, c in enumerate(text):
        out += [i] * (2 if ord(c) >= 0x10000 else 1)
    return out + [len(text)]


def read_label_studio(path: str | Path, use_predictions: bool = False,
                      warnings: list[str] | None = None) -> tuple[list[Example], list[str]]:
    """Examples of a Label Studio JSON (or JSON-MIN) export, and the ids of tasks skipped for want
    of an annotation.

    The last non-cancelled annotation of a task is used; with ``use_predictions`` a task
    without one falls back to its last prediction (how a pre-annotation is accepted as is).
    """
    warnings = warnings if warnings is not None else []
    tasks = _load_json(path)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise AnnotationError(f"{path}: a Label Studio JSON export is a list of tasks")
    examples, skipped = [], []
    for n, task in enumerate(tasks):
        data = task.get("data", task)  # JSON-MIN: the data keys are the task's own
        id = _task_id(data if isinstance(data, dict) else {}, task.get("id"), n)
        where = f"{path}: task {id!r}"
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise AnnotationError(f"{where}: no data.text")
        text = data["text"]
        results = _ls_results(task, use_predictions)
        if results is None:
            skipped.append(id)
            continue
        utf16 = _utf16_offsets(text)
        raw = []
        for r in results:
            if r.get("type", "labels") != "labels":
                continue  # choices, relations, text areas … are not spans
            v = r.get("value") or {}
            names = v.get("labels") or []
            if len(names) != 1:
                raise AnnotationError(f"{where}: a region must carry exactly one label, got {names}")
            start, end = v.get("start"), v.get("end")
            if utf16 and isinstance(start, int) and isinstance(end, int) and 0 <= start <= end < len(utf16):
                start, end = utf16[start], utf16[end]
            if isinstance(start, int) and isinstance(end, int) and "text" in v and text[start:end] != v["text"]:
                warnings.append(f"{where}: region text {v['text']!r} differs from the text at [{start}, {end})")
            raw.append((start, end, names[0]))
        examples.append(_example(where, id, text, raw, warnings, data))
    return examples, skipped


def read_doccano(path: str | Path, warnings: list[str] | None = None) -> tuple[list[Example], list[str]]:
    """Examples of a doccano JSONL export (``label`` as [start, end, tag] triples, or ``entities``)."""
    warnings = warnings if warnings is not None else []
    examples, skipped = [], []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"{path}: line {n + 1}: not valid JSON ({exc.msg})") from None
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else obj
        id = _task_id(meta, obj.get("id"), n)
        where = f"{path}: line {n + 1} (task {id!r})"
        text = obj.get("text", obj.get("data"))
        if not isinstance(text, str):
            raise AnnotationError(f"{where}: no text")
        if "entities" in obj:
            raw = [(e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in obj["entities"]]
        elif "label" in obj or "labels" in obj:
            raw = [tuple(x) for x in obj.get("label", obj.get("labels")) or []]
            if any(len(x) != 3 for x in raw):
                raise AnnotationError(f"{where}: each label must be [start, end, tag]")
        else:
            skipped.append(id)
            continue
        examples.append(_example(where, id, text, raw, warnings, meta))
    return examples, skipped


def _task_id(data: dict, task_id: Any, n: int) -> str:
    """Our report id if the task carries one (data.id / meta.id), else the tool's task id."""
    for key in ("report_id", "id"):
        if isinstance(data.get(key), (str, int)) and str(data[key]):
            return _safe(str(data[key]))
    return _safe(f"task{task_id if task_id is not None else n + 1}")


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name)


def _load_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotationError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise AnnotationError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


# --------------------------------------------------------------------------- #
# Import: files on disk for the CLI (`xxgk data import`)
# --------------------------------------------------------------------------- #
def read_annotations(path: str | Path, fmt: str, warnings: list[str] | None = None,
                     use_predictions: bool = False) -> tuple[list[Example], list[str]]:
    if fmt == "label-studio":
        return read_label_studio(path, use_predictions, warnings)
    if fmt == "doccano":
        return read_doccano(path, warnings)
    raise AnnotationError(f"unknown annotation format {fmt!r}; expected one of {', '.join(FORMATS)}")


def example_row(ex: Example) -> dict[str, Any]:
    """One dataset row, with the synthetic corpus's columns."""
    ids = label2id()
    return {"id": ex.id, "text": ex.text, "labels": [ids[t] for t in spans_to_tags(len(ex.text), ex.spans)],
            "gold": json.dumps(ex.record.to_json(), ensure_ascii=False), "layout": IMPORTED_LAYOUT,
            "template": ex.record.template, "damage": [], "seed": 0, "level": "", "year": ex.record.year or 0}


def dataset_features():
    """The synthetic corpus's columns and types (one definition, in `xxgk.data.synth.corpus`)."""
    from .synth.corpus import features
    return features()


def import_annotations(path: str | Path, fmt: str, out_dir: str | Path, use_predictions: bool = False) -> ImportSummary:
    """``xxgk data import``: write ``out_dir/gold/<id>.json``, ``out_dir/raw/<id>.txt`` and the labeled
    examples as a `datasets.DatasetDict` (one ``train`` split) in ``out_dir/dataset``."""
    import datasets
    out = Path(out_dir)
    warnings: list[str] = []
    examples, skipped = read_annotations(path, fmt, warnings, use_predictions)
    seen: dict[str, int] = {}
    for ex in examples:  # two tasks with one report id: keep both, the second as <id>-2
        seen[ex.id] = seen.get(ex.id, 0) + 1
        if seen[ex.id] > 1:
            warnings.append(f"report id {ex.id!r} appears {seen[ex.id]} times; saved as {ex.id}-{seen[ex.id]}")
            ex.id = ex.record.id = f"{ex.id}-{seen[ex.id]}"
            ex.record.source = f"raw/{ex.id}.txt"
    for ex in examples:
        (out / "raw").mkdir(parents=True, exist_ok=True)
        (out / "raw" / f"{ex.id}.txt").write_text(ex.text, encoding="utf-8")
        save_record(ex.record, out / "gold" / f"{ex.id}.json")
    rows = [example_row(ex) for ex in examples]
    columns = {k: [r[k] for r in rows] for k in dataset_features()}
    ds = datasets.Dataset.from_dict(columns, features=dataset_features())
    datasets.DatasetDict({"train": ds}).save_to_disk(str(out / "dataset"))
    return ImportSummary(out, len(examples), [ex.id for ex in examples], skipped, warnings)


# --------------------------------------------------------------------------- #
# Export: predictions as Label Studio pre-annotations
# --------------------------------------------------------------------------- #
def label_studio_config() -> str:
    """The labeling config (XML) for a Label Studio project that reads our tasks: one label per span tag."""
    labels = "\n".join(f'    <Label value="{t}"/>' for t in span_tags())
    return (f'<View>\n  <Labels name="{LS_FROM_NAME}" toName="{LS_TO_NAME}">\n{labels}\n  </Labels>\n'
            f'  <Text name="{LS_TO_NAME}" value="$text" granularity="symbol"/>\n</View>\n')


def export_label_studio(items: list[tuple[str, list[Span], Record]], path: str | Path,
                        model_version: str = DEFAULT_MODEL_VERSION) -> Path:
    """Write tasks whose ``predictions`` are the given spans, for review in Label Studio.

    ``items`` are (text, spans, record); the record's id travels in ``data.report_id``
    so the corrected export imports under the same name.  The labeling config is
    written next to the file (``<name>.config.xml``).
    """
    tasks = []
    for n, (text, spans, record) in enumerate(items):
        result = [{"id": f"r{k}", "from_name": LS_FROM_NAME, "to_name": LS_TO_NAME, "type": "labels",
                   "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end], "labels": [s.tag]}}
                  for k, s in enumerate(sorted(spans))]
        data = {"text": text, "report_id": record.id or f"report{n + 1}", "template": record.template,
                "year": record.year, "agency": record.agency}
        tasks.append({"data": data, "predictions": [{"model_version": model_version, "result": result}]})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    path.with_name(path.stem + ".config.xml").write_text(label_studio_config(), encoding="utf-8")
    return path
