"""``xxgk bench``: how fast extraction is on this CPU, for reports of about 10k characters.

    figures = run_bench("models/default", n_reports=20, chars=10_000, threads=2)

Printed, not asserted: model load time (separately), then reports/s and chars/s of
extraction (detect → predict → decode → arbitrate → check; reading files is not
included) with int8 dynamic quantization and without — the model run, as by default, only on
the windows holding tables and headings (``extract.model_regions``) — and, for int8, on the
whole text, each with its time per stage; then worker processes of one thread each, as
``xxgk extract`` runs them, timed once every worker has loaded the model (files read, nothing
written); and the batch path (``run_batch`` over files with worker processes, reading and
writing included, model loads included).  Texts: synthetic reports (the bundled
example reports if the generator is absent) whose narrative is repeated until they
reach ``chars`` characters, as long real reports are long in prose, not in tables.
"""
from __future__ import annotations

import re
import tempfile
import time
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from .extract import (HEADING, REGIONS_DEFAULT, STAGES, TABLE_WORDS, Result, _init_worker, _work, extract_text,
                      load_predictor, resolve_model_dir, run_batch)


def _lengthen(text: str, chars: int) -> str:
    """Repeat the report's first prose sentences (before the first table; not the title, not a heading)
    until it reaches ``chars``: long reports are long in narrative, not in tables or headings."""
    first_table = min((i for i in (text.find(w) for w in TABLE_WORDS) if i >= 0), default=len(text) // 5)
    head_end = text.rfind("。", 0, first_table) + 1 or first_table  # after the last sentence before a table
    sentences = re.findall(r"[^\n。]+。", text[:head_end])[1:]
    prose = [p.strip() for p in sentences if len(p.strip()) > 20 and not HEADING.match(p.strip())]
    prose = prose or [text[:head_end]]
    sep = "\n" if "\n" in text else ""  # one-line (crawler) text stays one line
    extra, k = [], 0
    while len(text) + sum(len(p) + len(sep) for p in extra) < chars:
        extra.append(prose[k % len(prose)])
        k += 1
    return text[:head_end] + "".join(sep + p for p in extra) + text[head_end:]


def bench_texts(n_reports: int = 20, chars: int = 10_000, seed: int = 0) -> list[str]:
    """``n_reports`` report texts of at least ``chars`` characters, deterministic."""
    try:
        from ..data.synth.report import generate

        bases = [generate(seed + i).text for i in range(n_reports)]
    except ImportError:
        examples = Path(__file__).resolve().parent.parent / "data" / "examples" / "raw"
        files = sorted(examples.glob("*.txt"))
        bases = [files[i % len(files)].read_text(encoding="utf-8") for i in range(n_reports)]
    return [_lengthen(t, chars) for t in bases]


def _time_extraction(texts: list[str], predictor, arbitrate: bool = True,
                     regions: bool = REGIONS_DEFAULT) -> dict[str, Any]:
    extract_text(texts[0], predictor, arbitrate=arbitrate, regions=regions)  # warm-up: first-call allocations
    stages = dict.fromkeys(STAGES, 0.0)
    t0 = time.perf_counter()
    for text in texts:
        timings: dict[str, float] = {}
        extract_text(text, predictor, arbitrate=arbitrate, regions=regions, timings=timings)
        for k, v in timings.items():
            stages[k] += v
    seconds = time.perf_counter() - t0
    n, chars = len(texts), sum(map(len, texts))
    return {"reports": n, "chars": chars, "seconds": round(seconds, 3),
            "reports_per_s": round(n / seconds, 2), "chars_per_s": round(chars / seconds),
            "ms_per_report": {k: round(1000 * v / n, 1) for k, v in stages.items() if k != "read"}}


def _write(texts: list[str], folder: Path) -> list[Path]:
    """The texts as ``r0000.txt`` … in ``folder``."""
    paths = [folder / f"r{i:04d}.txt" for i in range(len(texts))]
    for path, text in zip(paths, texts):
        path.write_text(text, encoding="utf-8")
    return paths


def _time_batch(texts: list[str], model_dir: Path, workers: int, quantize: bool | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        _write(texts, src)
        t0 = time.perf_counter()
        summary = run_batch([src], Path(tmp) / "out", model_dir=model_dir, workers=workers, progress=False,
                            quantize=quantize)
        seconds = time.perf_counter() - t0
    return {"workers": workers, "reports": len(texts), "ok": summary.n_ok, "seconds": round(seconds, 3),
            "reports_per_s": round(len(texts) / seconds, 2),
            "chars_per_s": round(sum(map(len, texts)) / seconds)}


def _bench_worker(barrier, model_dir: Path, quantize: bool | None) -> None:
    """Load the model as a batch worker does (one thread), then wait until every worker has."""
    _init_worker(model_dir, 1, quantize, None, {"arbitrate": True, "align": None, "config": None,
                                                "baseline": False, "regions": REGIONS_DEFAULT})
    barrier.wait()


def _time_workers(texts: list[str], model_dir: Path, workers: int, quantize: bool | None) -> dict[str, Any]:
    """Throughput of ``workers`` batch worker processes (one thread each, as ``xxgk extract`` runs
    them on this many cores), timed from when every worker has loaded its model: files read,
    every stage, nothing written."""
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    ctx = get_context(method)
    barrier = ctx.Barrier(workers + 1)
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write(texts, Path(tmp))
        with ctx.Pool(workers, initializer=_bench_worker, initargs=(barrier, model_dir, quantize)) as pool:
            barrier.wait()
            t0 = time.perf_counter()
            results = pool.map(_work, paths, chunksize=1)
            seconds = time.perf_counter() - t0
    ok = sum(isinstance(r, Result) for r in results)
    return {"workers": workers, "reports": len(texts), "ok": ok, "seconds": round(seconds, 3),
            "reports_per_s": round(len(texts) / seconds, 2), "chars_per_s": round(sum(map(len, texts)) / seconds)}


def _echo_run(echo, name: str, run: dict[str, Any]) -> None:
    stages = ", ".join(f"{k} {v} ms" for k, v in run["ms_per_report"].items())
    load = f"load {run['load_s']:.2f} s | " if "load_s" in run else ""
    echo(f"  {name}: {load}{run['reports_per_s']:.2f} reports/s, {run['chars_per_s']:,} chars/s | "
         f"per report: {stages}")


def run_bench(model_dir: str | Path | None = None, n_reports: int = 20, chars: int = 10_000, threads: int = 2,
              quantize: bool | None = None, batch: bool = True, echo=print) -> dict[str, Any]:
    """Measure and print; ``quantize`` None measures both int8 and fp32 (and int8 with the
    model on the whole text); ``batch`` adds the ``run_batch`` path with worker processes."""
    import torch

    model_dir = resolve_model_dir(model_dir)
    texts = bench_texts(n_reports, chars)
    out: dict[str, Any] = {"model": str(model_dir), "threads": threads, "n_reports": n_reports,
                           "mean_chars": round(sum(map(len, texts)) / len(texts)), "runs": []}
    echo(f"xxgk bench: {n_reports} reports of ~{out['mean_chars']} characters, {threads} thread(s), "
         f"model {model_dir}")
    for q in ([True, False] if quantize is None else [quantize]):
        name = "int8" if q else "fp32"
        t0 = time.perf_counter()
        predictor = load_predictor(model_dir, threads=threads, quantize=q)
        load_s = time.perf_counter() - t0
        run = {"quantize": name, "load_s": round(load_s, 3), **_time_extraction(texts, predictor)}
        out["runs"].append(run)
        _echo_run(echo, f"{name}, model on table and heading windows (default)", run)
        if q or quantize is not None:  # without the table-regions speed-up, on the faster model
            run = {"quantize": name, "regions": False, **_time_extraction(texts, predictor, regions=False)}
            out["runs"].append(run)
            _echo_run(echo, f"{name}, model on the whole text", run)
    torch.set_num_threads(threads)
    if batch and threads > 1:
        w = _time_workers(texts, model_dir, threads, quantize if quantize is not None else None)
        out["workers"] = w
        echo(f"  {w['workers']} worker processes of 1 thread (as xxgk extract runs), after the model loads: "
             f"{w['reports_per_s']:.2f} reports/s, {w['chars_per_s']:,} chars/s")
    if batch:
        b = _time_batch(texts, model_dir, threads, quantize if quantize is not None else None)
        out["batch"] = b
        echo(f"  run_batch, {b['workers']} worker process(es), files read and written, model loads included: "
             f"{b['reports_per_s']:.2f} reports/s, {b['chars_per_s']:,} chars/s")
    return out
