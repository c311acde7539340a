"""The gold corpora (development and held-out) stay valid per tags.md and grid.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = [
    REPO / "models" / "corpus" / name
    for name in (
        "dev",
        "dev2",
        "dev3",
        "dev4",
        "dev5",
        "dev6",
        "dev7",
        "dev8",
        "dev9",
        "dev10",
        "dev11",
        "dev12",
        "dev13",
        "dev14",
        "dev15",
        "dev16",
        "dev17",
        "dev18",
        "dev19",
        "dev20",
        "dev21",
        "dev22",
        "dev23",
        "heldout",
    )
]


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_gold_files_pass_the_validator(folder: Path) -> None:
    files = sorted(folder.glob("*.json"))
    if folder.name == "dev":
        assert len(files) >= 12, "the development corpus must keep at least 12 sessions"
    if not files:
        pytest.skip(f"no gold file in {folder}")
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "models" / "corpus" / "check_gold.py"),
            "--quiet",
            "--no-warnings",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_validator_rejects_a_quote_that_is_not_in_the_turn(tmp_path: Path) -> None:
    import json

    src = sorted((REPO / "models" / "corpus" / "dev").glob("*.json"))[0]
    data = json.loads(src.read_text(encoding="utf-8"))
    turn = next(t for t in data["turns"] if t.get("tags"))
    turn["tags"][0]["quote"] = "ceci ne figure pas dans le tour"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO / "models" / "corpus" / "check_gold.py"), "--quiet", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
