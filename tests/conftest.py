"""Shared test helpers: the shared data folder, the CLI runner, a light environment for models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# before anything imports torch or pyannote: no telemetry, no spinning OpenMP threads on 2 cores
os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data`` (real recordings and references nobody on the project wrote)."""
    if not DATA.is_dir():
        pytest.skip(f"shared data folder {DATA} not found")
    return DATA


@pytest.fixture
def cli(capsys):
    """Run ``rolegrid`` in-process: returns (exit code, stdout, stderr)."""
    from pipeline.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        rc = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return rc, out, err

    return run
