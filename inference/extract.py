"""The extraction pipeline, as named stages with typed outputs.

    read → detect template → predict → decode → arbitrate → check → write

    result = extract_file(path, predictor)          # Result, or ErrorRecord if it failed
    summary = run_batch([folder], out_dir)          # every input: a result or an error record
    sys.exit(summary.exit_code)                     # 0 all succeeded, 2 some failed

One file's stages run in one process; a batch fans files out over worker
processes (each loads the model once) and writes their outputs in input order,
so the output of a batch does not depend on the number of workers.  An input
that fails at any stage becomes an error record with a kind, a message and a
hint; the batch goes on.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, Iterator, Protocol

import numpy as np

from ..data.labels import OUTSIDE
from ..data.schema import detect_template
from . import arbitrate as arb
from .decode import Extraction, NoTemplateError, check, check_probs, decode, label_names
from .outputs import BatchWriter, output_names
from .view import model_view, thousands_commas

# Inputs picked up when a folder is given (a file named explicitly is always read).
INPUT_SUFFIXES = frozenset({".txt", ".md", ".text", ".htm", ".html", ".xhtml", ".shtml", ".mhtml", ".docx",
                            ".doc", ".wps", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif",
                            ".webp"})
STAGES = ("read", "detect", "predict", "decode", "arbitrate", "check")


class Predictor(Protocol):
    def predict_proba(self, text: str) -> np.ndarray: ...
    # and optionally ``prior``: the model folder's value prior (`xxgk.models.prior.ValuePrior`)


class ModelMissingError(FileNotFoundError):
    """No model where one was expected."""


@dataclass
class Result:
    """One input read to the end."""

    input: str
    extraction: Extraction
    kind: str = "text"  # the reader's document kind
    text_sha1: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    chars: int = 0

    def to_json(self, name: str = "") -> dict[str, Any]:
        out = self.extraction.to_json()
        out["id"] = name or Path(self.input).stem
        out["source"] = str(Path(self.input).resolve())
        out["input"] = self.input
        out["text_sha1"] = self.text_sha1
        return out


@dataclass
class ErrorRecord:
    """An input that could not be read to the end."""

    file: str
    kind: str  # a reader error kind ("empty", "binary", "not-a-report" …) or "internal"
    message: str
    hint: str = ""

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "kind": self.kind, "message": self.message, "hint": self.hint}


@dataclass
class BatchSummary:
    n_ok: int
    n_failed: int
    out_dir: Path
    outputs: list[Path] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    seconds: float = 0.0
    chars: int = 0

    @property
    def exit_code(self) -> int:
        """The CLI's contract: 0 when every input succeeded, 2 when some failed."""
        return 0 if self.n_failed == 0 else 2


# --------------------------------------------------------------------------- #
# Stages
# --------------------------------------------------------------------------- #
def read(path: Path):
    """Stage 1: any supported file → Document (text + provenance); ReaderError if it can't."""
    from .readers import check_is_report, read_document

    doc = read_document(path)
    check_is_report(doc)
    return doc


def detect(text: str) -> str | None:
    """Stage 2: the template from table 二's printed headers (None: decided from the values later)."""
    return detect_template(text)


# --------------------------------------------------------------------------- #
# Where the model needs to look (by default it runs only on the windows holding these regions)
# --------------------------------------------------------------------------- #
# The model runs only on the windows that hold table and heading regions (`model_regions`):
# those characters read exactly as in a full run.  Measured on 150 test reports lengthened to
# ~10k characters with prose: 98.92 % of cells vs 98.93 % reading everything (28 of ~30k cells
# differ), 1.7x faster; short reports are read whole anyway (regions > `max_share`).
REGIONS_DEFAULT = True


@dataclass(frozen=True)
class RegionConfig:
    head: int = 448  # the title and first lines (year, agency, heading 一): one model window
    context: int = 256  # characters kept around each table piece: the model reads labels there
    heading: int = 40  # characters of a heading read (the longest template heading has 27) …
    heading_context: int = 48  # … with this context: a heading's own words suffice
    max_share: float = 0.8  # regions covering more than this of the text: read it all
    bare_numbers: int = 3  # a sentence with this many numbers without a unit can be a table row run on


TABLE_WORDS = ("信息内容", "第二十条", "申请人情况", "予以公开", "本年新收", "上年结转", "不予公开", "无法提供",
               "不予处理", "结果维持", "结果纠正", "尚未审结", "总计")
HEADING = re.compile(r"^\s*[#*\s]*[（(]?[一二三四五六七八九十]{1,2}[、.．)）]")
_DIGIT = re.compile(r"[0-9０-９]")
_PIECE = re.compile(r"[^\n。]+。?")  # a line, or a sentence of a line: one-line crawler text has many
# a number a sentence counts things with (378条, 24篇, 2023年, 1.5万元, 95%) — a table cell has none
_BARE_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?(?![0-9０-９.．条篇件次年月日个人项家期份场类余万元%％名所部台套批号])")


def _is_prose(piece: str, config: RegionConfig) -> bool:
    """A sentence (or a piece of one: it has 。，or ；) that counts with units: narrative, even
    when it names a table label (上年结转0件); a table run into one line has bare numbers."""
    sentence = any(p in piece for p in "。，；")  # also a line of prose wrapped at the page width
    return sentence and len(_BARE_NUMBER.findall(piece)) < config.bare_numbers


def model_regions(text: str, config: RegionConfig = RegionConfig()) -> list[tuple[int, int]]:
    """Character ranges that can hold a tagged span: the head, every piece of text (a line, or a
    sentence of a long line) that can be a table row, cell or heading, each with context around
    it.  Prose holds no cells — sentences (。，；) that count with units (378条); skipping them
    is the "table regions" speed-up.  A table line skipped (a label with commas) is still read
    in the context of its neighbours."""
    keep: list[tuple[int, int]] = [(0, min(len(text), config.head))]
    for m in _PIECE.finditer(text):
        s = m.group().strip()
        if not s:
            continue
        if (_DIGIT.search(s) or any(w in s for w in TABLE_WORDS)) and not _is_prose(s, config):
            keep.append((max(0, m.start() - config.context), min(len(text), m.end() + config.context)))
        elif HEADING.match(s):  # the heading's words, not the prose run on after it
            end = min(m.end(), m.start() + config.heading)
            keep.append((max(0, m.start() - config.heading_context), min(len(text), end + config.heading_context)))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(keep):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    if sum(b - a for a, b in merged) > config.max_share * len(text):
        return [(0, len(text))]
    return merged


def predict(text: str, predictor: Predictor, *, regions: bool = REGIONS_DEFAULT) -> np.ndarray:
    """Stage 3: per-character label probabilities, columns in ``labels()`` order (a model whose
    label map is ordered differently is re-ordered by name; labels it lacks get 0).  The model
    reads `model_view` — the text less page numbers, running heads, a common indent, remarks, units
    in cells and thousands commas, OCR digits as digits; what it did not see reads as O (a thousands comma
    as the digit after it).
    ``regions=True`` runs the model only on the windows that own a character of `model_regions`
    (`Predictor.predict_proba`): those characters read as in a full run, the rest as O."""
    view, where = model_view(text)
    spans = model_regions(view) if regions else None
    probs = predictor.predict_proba(view) if spans in (None, [(0, len(view))]) else \
        predictor.predict_proba(view, regions=spans)
    names = tuple(getattr(predictor, "labels", None) or ())
    if names and names != label_names():
        index = {name: j for j, name in enumerate(label_names())}
        out = np.zeros((len(view), len(index)), dtype=np.float32)
        for j, name in enumerate(names):
            if name in index:
                out[:, index[name]] = probs[:, j]
        probs = out
    if len(view) < len(text):  # what the model did not see reads as O …
        full = np.zeros((len(text), probs.shape[1]), dtype=np.float32)
        full[:, label_names().index(OUTSIDE)] = 1.0
        full[where] = probs
        for i in thousands_commas(text):  # … but a thousands comma as the digit after it: 1,143 stays one number
            full[i] = full[i + 1]
        probs = full
    return check_probs(text, probs)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0


def extract_text(text: str, predictor: Predictor, *, arbitrate: bool = True, align: bool | None = None,
                 config: arb.ArbitrationConfig | None = None, regions: bool = REGIONS_DEFAULT,
                 timings: dict[str, float] | None = None) -> Extraction:
    """Stages 2–6 on a text. Raises NoTemplateError when it does not read as a report.
    ``align`` None follows ``arbitrate`` (see `decode.decode`)."""
    timings = {} if timings is None else timings
    with _timed(timings, "detect"):
        template = detect(text)
    with _timed(timings, "predict"):
        probs = predict(text, predictor, regions=regions)
    # stages 4-6 (decode, arbitrate, check) time themselves; no headers: template from the values
    return decode(text, probs, template=template, arbitrate=arbitrate, align=align, config=config,
                  timings=timings, copy=False, prior=getattr(predictor, "prior", None))


def extract_baseline(text: str, timings: dict[str, float] | None = None) -> Extraction:
    """The ablation's baseline in place of stages 2–5: the rule-based parser, then the checks."""
    from .baseline import parse

    timings = {} if timings is None else timings
    with _timed(timings, "decode"):
        record = parse(text)
    with _timed(timings, "check"):
        return check(Extraction(record))


def extract_file(path: str | Path, predictor: Predictor | None, *, arbitrate: bool = True,
                 align: bool | None = None, config: arb.ArbitrationConfig | None = None, baseline: bool = False,
                 regions: bool = REGIONS_DEFAULT) -> Result | ErrorRecord:
    """Every stage on one file; never raises for a bad input (returns an ErrorRecord).
    ``baseline=True`` reads it with the rule-based parser instead of the model (no predictor needed)."""
    from .readers import ReaderError

    timings: dict[str, float] = {}
    try:
        with _timed(timings, "read"):
            doc = read(Path(path))
        if baseline:
            ext = extract_baseline(doc.text, timings)
        else:
            ext = extract_text(doc.text, predictor, arbitrate=arbitrate, align=align, config=config,
                               regions=regions, timings=timings)
    except ReaderError as exc:
        return ErrorRecord(str(path), exc.kind, exc.message, exc.hint)
    except NoTemplateError as exc:
        return ErrorRecord(str(path), "not-a-report", str(exc),
                           "check that the right file was given; if it is a report, its tables may be "
                           "images or too damaged to read")
    except MemoryError:
        return ErrorRecord(str(path), "internal", "out of memory while reading this file",
                           "run it alone with --workers 1, or split it")
    except Exception as exc:  # one bad file must not end the batch
        return ErrorRecord(str(path), "internal", f"{type(exc).__name__}: {exc}",
                           "this is a bug in xxgk: please report it with the input file")
    ext.warnings.extend(str(w) for w in doc.meta.get("warnings", []) or [])
    return Result(str(path), ext, doc.kind, hashlib.sha1(doc.text.encode("utf-8")).hexdigest(), timings,
                  len(doc.text))


# --------------------------------------------------------------------------- #
# Model and inputs
# --------------------------------------------------------------------------- #
def default_model_dir() -> Path:
    import xxgk.models

    return Path(xxgk.models.__file__).parent / "default"


def resolve_model_dir(model_dir: str | Path | None = None) -> Path:
    """``model_dir``, or the shipped default; ModelMissingError if no model is there."""
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    if not (model_dir / "config.json").is_file():
        raise ModelMissingError(f"no model at {model_dir}; train one with xxgk train or pass --model")
    return model_dir


def load_predictor(model_dir: str | Path | None = None, *, threads: int | None = None,
                   quantize: bool | None = None):
    """The predictor of ``model_dir`` (default: the shipped model); a clear error if there is none.
    ``quantize`` None takes the predictor's default (int8)."""
    model_dir = resolve_model_dir(model_dir)
    from .predictor import Predictor as ModelPredictor

    options = {} if quantize is None else {"quantize": quantize}
    return ModelPredictor.load(model_dir, threads=threads, **options)


def collect_inputs(paths: list[str | Path], exclude: Path | None = None) -> list[Path]:
    """Files as given, folders searched recursively (sorted; hidden files and ``exclude`` skipped)."""
    out: list[Path] = []
    seen: set[Path] = set()
    skip = exclude.resolve() if exclude is not None else None
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in INPUT_SUFFIXES
                           and not any(part.startswith(".") for part in q.relative_to(p).parts)
                           and not (skip and skip in q.resolve().parents))
        else:
            found = [p]
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


# --------------------------------------------------------------------------- #
# Batch
# --------------------------------------------------------------------------- #
_WORKER: dict[str, Any] = {}


def _init_worker(model_dir, threads: int, quantize, predictor, options: dict[str, Any]) -> None:
    if predictor is None and not options["baseline"]:
        predictor = load_predictor(model_dir, threads=threads, quantize=quantize)
    _WORKER["predictor"] = predictor
    _WORKER["options"] = options


def _work(path: Path) -> Result | ErrorRecord:
    return extract_file(path, _WORKER["predictor"], **_WORKER["options"])


def _results(paths: list[Path], workers: int, init_args: tuple) -> Iterator[Result | ErrorRecord]:
    """Results in input order; a worker that dies costs one error record, not the batch."""
    if workers <= 1:
        _init_worker(*init_args)
        for p in paths:
            yield _work(p)
        return
    todo = list(paths)
    while todo:
        # fork: workers start at once with everything imported (the parent never runs the model);
        # spawn where there is no fork
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(workers, mp_context=get_context(method), initializer=_init_worker,
                                 initargs=init_args) as pool:
            futures = [pool.submit(_work, p) for p in todo]
            for i, fut in enumerate(futures):
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    yield ErrorRecord(str(todo[i]), "internal", "the worker process died while reading this file",
                                      "it may be too large for memory: run it alone with --workers 1")
                    todo = todo[i + 1:]
                    break
                yield res
            else:
                todo = []


def run_batch(paths: list[str | Path], out_dir: str | Path, *, model_dir: str | Path | None = None,
              workers: int | None = None, progress: bool = True, predictor: Predictor | None = None,
              arbitrate: bool = True, align: bool | None = None, config: arb.ArbitrationConfig | None = None,
              quantize: bool | None = None, baseline: bool = False, regions: bool | None = None) -> BatchSummary:
    """Extract every input under ``paths`` into ``out_dir``; see ``outputs.py`` for the files.

    ``workers`` defaults to every core; each worker loads the model once (threads split
    evenly).  ``predictor`` replaces the model (tests); the ablation's three rows are the
    default, ``arbitrate=False`` (the model alone: argmax, no alignment, no arithmetic) and
    ``baseline=True`` (the rule-based parser, no model); ``align`` switches template-order
    alignment on its own (None: follows ``arbitrate``).  ``quantize`` None is the predictor's
    default (int8); ``regions`` runs the model only on the windows holding tables and headings
    (`model_regions`; None: `REGIONS_DEFAULT`).  Raises
    ModelMissingError before reading anything if a model is needed and there is none.
    """
    from tqdm import tqdm

    t0 = time.perf_counter()
    regions = REGIONS_DEFAULT if regions is None else regions
    out_dir = Path(out_dir)
    inputs = collect_inputs(paths, exclude=out_dir)
    if predictor is None and not baseline:  # fail early and clearly, not once per file
        model_dir = resolve_model_dir(model_dir)
    cores = os.cpu_count() or 1
    workers = max(1, min(workers or cores, len(inputs) or 1))
    threads = max(1, cores // workers)
    summary = BatchSummary(0, 0, out_dir)
    names = output_names(inputs)
    with BatchWriter(out_dir) as writer, tqdm(total=len(inputs), disable=not progress, unit="report",
                                              desc="extract") as bar:
        options = {"arbitrate": arbitrate, "align": align, "config": config, "baseline": baseline,
                   "regions": regions}
        init = (model_dir, threads, quantize, predictor, options)
        aligned = (arbitrate and (config or arb.ArbitrationConfig()).align.enabled) if align is None else align
        how = {"method": "baseline" if baseline else "model" if arbitrate else "model-alone",
               "align": bool(aligned) and not baseline,
               "dir": None if baseline or predictor is not None else str(model_dir),
               "quantize": quantize, "regions": regions}
        for name, path, res in zip(names, inputs, _results(inputs, workers, init)):
            if isinstance(res, Result):
                report = {**res.to_json(name), "model": how}
                summary.outputs.append(writer.write_report(name, str(path), report))
                summary.n_ok += 1
                summary.chars += res.chars
            else:
                writer.write_error(res.to_json())
                summary.errors.append(res)
                summary.n_failed += 1
            bar.update(1)
    summary.seconds = time.perf_counter() - t0
    return summary
