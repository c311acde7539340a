"""Provenance of outputs and the up-to-date check that lets a re-run skip finished stages."""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import __version__
from .types import ModelInfo, Provenance


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def make_provenance(
    stage: str,
    stage_version: str,
    inputs: Mapping[str, str],
    models: Iterable[ModelInfo] = (),
    options: Mapping[str, Any] | None = None,
) -> Provenance:
    """Provenance for an output of ``stage`` made now from ``inputs`` (name -> sha256)."""
    return Provenance(
        stage=stage,
        tool_version=__version__,
        stage_version=stage_version,
        inputs=dict(inputs),
        models=tuple(models),
        options=dict(options or {}),
        created_at=now_iso(),
    )


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """Where the provenance of a non-JSON output (RTTM, VTT, CSV, HTML) lives."""
    p = Path(path)
    return p.with_name(p.name + ".provenance.json")


def stored_key(path: str | os.PathLike[str]) -> str | None:
    """The provenance key recorded for an output, or None when absent or unreadable.

    JSON outputs hold it in their ``provenance`` member; other outputs in a sidecar file.
    """
    p = Path(path)
    if not p.exists():
        return None
    src = p if p.suffix == ".json" else sidecar_path(p)
    try:
        with open(src, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    prov = data.get("provenance", data) if isinstance(data, dict) else None
    if not isinstance(prov, dict):
        return None
    return prov.get("key")


def is_up_to_date(path: str | os.PathLike[str], prov: Provenance) -> bool:
    """True when ``path`` exists and was made with exactly this provenance (inputs, options, models, code)."""
    return stored_key(path) == prov.key


def provenance_record(prov: Provenance) -> dict[str, Any]:
    """The JSON form stored in outputs: the provenance plus its key."""
    rec = prov.to_dict()
    rec["key"] = prov.key
    return rec
