"""Synthetic annual reports in every real-world shape, with exact character labels.

Read top to bottom: ``config`` (every default), ``values`` (numbers and how they
are printed), ``tables`` (the form's grids), ``narrative`` (prose, agencies,
headings), ``doc`` (pieces → text + spans), ``layouts``/``markup`` (how
converters render a report), ``damage`` (OCR and converter noise), ``report``
(`generate`), ``corpus`` (`build_corpus`), ``samples`` (`write_samples`).
"""
from .config import DAMAGES, DEFAULT, LAYOUTS, SynthConfig
from .corpus import build_corpus
from .report import Sample, generate
from .samples import write_samples

__all__ = ["DAMAGES", "DEFAULT", "LAYOUTS", "Sample", "SynthConfig", "build_corpus", "generate", "write_samples"]
