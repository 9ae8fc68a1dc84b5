"""Shared fixtures: the bundled example reports (a copy of the development set)."""
from __future__ import annotations

import shutil
from pathlib import Path

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
