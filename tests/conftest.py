"""Shared fixtures and helpers: the bundled example reports (a copy of the development set), and
model probabilities made by hand for decoder tests."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "data" / "examples"
SPEC = REPO.parent / "shared" / "spec"  # present in development and CI checkouts


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A writable copy of data/examples (raw/ and gold/)."""
    dst = tmp_path / "examples"
    shutil.copytree(EXAMPLES, dst)
    for p in dst.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return dst


def one_hot(text: str, spans: list, p: float = 0.999) -> np.ndarray:
    """Probabilities of a model that reads ``spans`` (everything else O) with probability ``p``."""
    from xxgk.data.labels import label2id, spans_to_tags

    index = label2id()
    probs = np.full((len(text), len(index)), (1 - p) / (len(index) - 1), dtype=np.float32)
    for i, tag in enumerate(spans_to_tags(len(text), spans)):
        probs[i, index[tag]] = p
    return probs
