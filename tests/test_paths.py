"""Data folders (models/, scenarios/, reports/) are found from a checkout, a wheel install or ROLEGRID_DATA."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipeline import paths

REPO = Path(__file__).resolve().parents[1]


def test_checkout_is_found():
    assert paths.data_root() == REPO
    assert (paths.data_dir("scenarios") / "referentiel.yaml").is_file()
    with pytest.raises(ValueError, match="unknown data folder"):
        paths.data_dir("corpus")


def test_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEGRID_DATA", str(tmp_path))
    assert paths.data_dir("models") == tmp_path / "models"


def test_wheel_layout_is_found(tmp_path, monkeypatch):
    """Outside a checkout, the copies a wheel installs under <prefix>/share/rolegrid are used."""
    monkeypatch.delenv("ROLEGRID_DATA", raising=False)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path / "site-packages")
    shutil.copytree(REPO / "scenarios", tmp_path / "share" / "rolegrid" / "scenarios")
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert paths.data_root() == tmp_path / "share" / "rolegrid"


def _runtime_files() -> list[str]:
    """Tracked files of the data folders that the package reads at run time (corpora excluded)."""
    out = subprocess.run(
        ["git", "ls-files", "models", "scenarios", "reports"], cwd=REPO, capture_output=True, text=True
    )
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [f for f in out.stdout.split() if not f.startswith("models/corpus/")]


def test_wheel_ships_every_runtime_data_file():
    """pyproject's data-files globs cover every tracked file of models/, scenarios/, reports/."""
    spec = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = [g for patterns in spec["tool"]["setuptools"]["data-files"].values() for g in patterns]
    missing = [
        f
        for f in _runtime_files()
        if not any(fnmatch.fnmatch(f, g) and "/" not in f[len(g.rsplit("/", 1)[0]) + 1 :] for g in globs)
    ]
    assert not missing, f"add these to [tool.setuptools.data-files] in pyproject.toml: {missing}"
