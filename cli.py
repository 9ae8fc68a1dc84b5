"""The ``xxgk`` command: a thin typer layer over plain functions.

Each command parses its options and calls one library function; heavy
imports (torch, transformers, datasets) happen inside the commands so that
``xxgk --help`` and ``xxgk check`` stay fast.
"""
from __future__ import annotations

import json
import shlex
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(help="Exact, checked, structured data from 政府信息公开工作年度报告 (government "
                  "information-disclosure annual reports).", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False)
data_app = typer.Typer(help="Training data: synthetic corpus, samples, annotation import.", no_args_is_help=True)
app.add_typer(data_app, name="data")


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(paths: List[Path] = typer.Argument(..., help="Gold or prediction JSON files, or folders of them."),
          format: Format = typer.Option(Format.text, "--format", help="text for people, json for programs."),
          no_text: bool = typer.Option(False, "--no-text", help="Skip the text-against-table check.")) -> None:
    """Check the template arithmetic (R1–R4, soft text/cross-year checks) of gold or prediction files.

    Exit code: 0 all consistent, 1 some report breaks a hard rule, 2 some file could not be read.
    """
    from .eval.check import check_files, format_text

    missing = [p for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(2)
    results = check_files(paths, with_text=not no_text)
    if format is Format.json:
        typer.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=1))
    else:
        typer.echo(format_text(results))
    if any(r.error for r in results):
        raise typer.Exit(2)
    if any(f.severity == "hard" for r in results for f in r.findings):
        raise typer.Exit(1)


@app.command("eval")
def eval_(gold: Path = typer.Option(..., "--gold", help="Folder of gold JSON files."),
          pred: Path = typer.Option(..., "--pred", help="Folder of prediction JSON files (paired by file name)."),
          out: Path = typer.Option(..., "--out", help="Folder for metrics.json, report.md and plots.")) -> None:
    """Score predictions against labeled reports; write metrics.json, report.md and plots."""
    from .eval.harness import evaluate, summary_paragraph

    for p in (gold, pred):
        if not p.is_dir():
            typer.echo(f"error: {p} is not a folder", err=True)
            raise typer.Exit(2)
    metrics = evaluate(gold, pred, out)
    typer.echo(summary_paragraph(metrics))
    typer.echo(f"wrote {out / 'metrics.json'}, {out / 'report.md'} and plots")


@data_app.command("synth")
def data_synth(n: int = typer.Option(..., "--n", min=1, help="Number of reports."),
               seed: int = typer.Option(..., "--seed", help="Data seed: same seed, same bytes."),
               out: Path = typer.Option(..., "--out", help="Folder for the DatasetDict (save_to_disk)."),
               layouts: Optional[List[str]] = typer.Option(None, "--layouts", help="Only these layouts (repeatable)."),
               templates: Optional[List[str]] = typer.Option(None, "--templates", help="Only 2019 and/or 2021."),
               layout_weights: Optional[List[str]] = typer.Option(
                   None, "--layout-weight", help="LAYOUT=W: change one layout's share (repeatable; the "
                                                 "defaults are in data/synth/config.py)."),
               workers: Optional[int] = typer.Option(None, "--workers", help="Processes (default: all cores).")) -> None:
    """Write a synthetic corpus of labeled reports (train/validation/test)."""
    from .data.synth import build_corpus
    from .data.synth.config import DEFAULT, parse_layout_weights, with_layout_weights

    try:
        config = with_layout_weights(DEFAULT, parse_layout_weights(layout_weights or ()))
        dsd = build_corpus(n, seed, out, layouts=layouts or None, templates=templates or None, workers=workers,
                           config=config)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {out}: " + ", ".join(f"{k} {len(v)}" for k, v in dsd.items()))


@data_app.command("samples")
def data_samples(out: Path = typer.Option(Path("data/samples"), "--out", help="Folder for the samples."),
                 per_layout: int = typer.Option(10, "--per-layout", min=1),
                 seed: int = typer.Option(0, "--seed")) -> None:
    """Write a few rendered synthetic reports per layout (.txt + gold .json) for people to read."""
    from .data.synth import write_samples

    write_samples(out, per_layout=per_layout, seed=seed)
    typer.echo(f"wrote samples to {out}")


@app.command()
def extract(paths: List[Path] = typer.Argument(..., help="Report files or folders (.txt .md .html .docx .pdf "
                                                         ".png .jpg .tif)."),
            out: Path = typer.Option(..., "--out", help="Folder for <stem>.json, results.csv/.jsonl, errors.jsonl."),
            model: Optional[Path] = typer.Option(None, "--model", help="Model folder (default: the shipped model)."),
            workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes (default: all cores)."),
            no_arbitrate: bool = typer.Option(False, "--no-arbitrate", help="The model alone: argmax, no "
                                                                            "template-order alignment, no arithmetic "
                                                                            "arbitration (ablation)."),
            no_align: bool = typer.Option(False, "--no-align", help="No template-order alignment (ablation)."),
            baseline: bool = typer.Option(False, "--baseline", help="The rule-based parser, no model (ablation)."),
            regions: Optional[bool] = typer.Option(None, "--regions/--everywhere",
                                                   help="Run the model only on the windows that hold tables and "
                                                        "headings (the default: the same readings there, faster on "
                                                        "long reports; see xxgk bench), or on the whole text."),
            show: bool = typer.Option(False, "--show", help="Print each report's tables."),
            quiet: bool = typer.Option(False, "--quiet", help="No progress bar.")) -> None:
    """Extract the three tables of every report into gold-file-shaped JSON, CSV and JSONL.

    Exit code 0 when every input gave a result, 2 when some gave an error record (see errors.jsonl).
    """
    from .data.gold import load_record
    from .inference.extract import ModelMissingError, run_batch
    from .inference.outputs import format_tables

    missing = [p for p in paths if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(2)
    try:
        summary = run_batch(paths, out, model_dir=model, workers=workers, progress=not quiet,
                            arbitrate=not no_arbitrate, align=False if no_align else None, baseline=baseline,
                            regions=regions)
    except ModelMissingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3)
    if show:
        for path in summary.outputs:
            record = load_record(path)
            typer.echo(f"\n=== {Path(record.extra.get('input', path)).name}")
            typer.echo(format_tables(record, record.extra.get("findings")))
    for err in summary.errors:
        typer.echo(f"error: {err.to_json()['file']}: {err.to_json()['kind']}: {err.to_json()['message']}", err=True)
    typer.echo(f"{summary.n_ok} report(s) extracted, {summary.n_failed} failed -> {out}")
    raise typer.Exit(summary.exit_code)


@app.command()
def train(data: Path = typer.Option(..., "--data", help="Corpus folder (xxgk data synth / data import)."),
          out: Path = typer.Option(..., "--out", help="Output folder: model-best/, model-last/, metrics, card."),
          config: Optional[Path] = typer.Option(None, "--config", help="JSON training config (unknown keys rejected)."),
          base_model: Optional[Path] = typer.Option(None, "--base-model", help="A local Hugging Face checkpoint."),
          init_from: Optional[Path] = typer.Option(None, "--init-from", help="An xxgk model to fine-tune."),
          teacher: Optional[Path] = typer.Option(None, "--teacher", help="An xxgk model to distil: its label "
                                                                          "probabilities are learnt too."),
          max_steps: Optional[int] = typer.Option(None, "--max-steps", min=1),
          seed: Optional[int] = typer.Option(None, "--seed"),
          threads: Optional[int] = typer.Option(None, "--threads", min=1),
          resume: bool = typer.Option(False, "--resume", help="Continue from OUT/model-last.")) -> None:
    """Train (or fine-tune) the token classifier; validation scores cells through the real decoder."""
    from pydantic import ValidationError

    from .training.config import load_config
    from .training.train import run_training

    try:
        cfg = load_config(config, data=data, out=out, base_model=base_model, init_from=init_from,
                          teacher=teacher, max_steps=max_steps, seed=seed, threads=threads, resume=resume or None)
    except (ValueError, ValidationError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    command = "xxgk " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    try:
        best = run_training(cfg, command)
    except ValueError as exc:  # a missing corpus, a changed config on --resume, a teacher that does not fit …
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(best, ensure_ascii=False, indent=1))


@app.command()
def bench(model: Optional[Path] = typer.Option(None, "--model", help="Model folder (default: the shipped model)."),
          reports: int = typer.Option(20, "--reports", min=1, help="How many synthetic reports."),
          chars: int = typer.Option(10_000, "--chars", min=100, help="Characters per report."),
          threads: int = typer.Option(2, "--threads", min=1),
          ocr_pages: int = typer.Option(0, "--ocr-pages", min=0, help="Also measure OCR on this many rendered "
                                                                         "scan pages (number error rate, s/page).")
          ) -> None:
    """Print extraction speed on this CPU (model load separate): reports/s and characters/s."""
    from .inference.bench import run_bench

    run_bench(model, n_reports=reports, chars=chars, threads=threads, echo=typer.echo)
    if ocr_pages:
        from .inference.readers.bench import ocr_bench

        for skew in (0.0, 1.0):
            typer.echo(f"OCR, {ocr_pages} page(s), skew {skew}°: {ocr_bench(ocr_pages, 0, skew=skew)}")


@data_app.command("export")
def data_export(data: Path = typer.Option(..., "--data", help="Corpus folder (DatasetDict)."),
                split: str = typer.Option("test", "--split"),
                out: Path = typer.Option(..., "--out", help="Folder for raw/ and gold/."),
                n: Optional[int] = typer.Option(None, "--n", min=1, help="Only the first N reports.")) -> None:
    """Write a corpus split as raw/<id>.txt + gold/<id>.json, for xxgk extract and xxgk eval."""
    from .data.export import export_split

    try:
        count = export_split(data, split, out, n=n)
    except (ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {count} report(s) to {out}/raw and {out}/gold")


@data_app.command("prior")
def data_prior(model: Path = typer.Option(..., "--model", help="A model folder xxgk train wrote."),
               data: Optional[Path] = typer.Option(None, "--data", help="Its corpus, if moved since training.")
               ) -> None:
    """Write a model folder's value prior (value_prior.json) from its training split, as xxgk train does."""
    from .training.train import write_prior

    try:
        path = write_prior(model, data)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {path}")


class AnnotationFormat(str, Enum):
    label_studio = "label-studio"
    doccano = "doccano"


@data_app.command("import")
def data_import(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The tool's export file."),
                from_: AnnotationFormat = typer.Option(..., "--from", help="label-studio (JSON) or doccano (JSONL)."),
                out: Path = typer.Option(..., "--out", help="Folder for gold/, raw/ and dataset/."),
                predictions: bool = typer.Option(False, "--predictions", help="Read predictions, not annotations.")
                ) -> None:
    """Turn annotated reports (Label Studio, doccano) into gold files and a training dataset."""
    from .data.annotations import AnnotationError, import_annotations

    try:
        summary = import_annotations(file, from_.value, out, use_predictions=predictions)
    except AnnotationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(str(summary))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
