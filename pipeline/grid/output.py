"""Write and read a session's grid: ``grid.json`` (the Grid plus French labels) and ``grid.csv``."""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fileio import atomic_write_json, atomic_write_text, read_json
from ..provenance import provenance_record, sidecar_path
from ..scenarios import Referentiel, load_referentiel
from ..serialize import from_dict
from ..types import Grid

log = logging.getLogger(__name__)

GRID_JSON = "grid.json"
GRID_CSV = "grid.csv"
CSV_COLUMNS = (
    "criterion",
    "competence",
    "label",
    "status",
    "status_label",
    "value",
    "threshold",
    "confidence",
    "rationale",
    "evidence_times",
)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def grid_document(grid: Grid, referentiel: Referentiel | None = None) -> dict[str, Any]:
    """The JSON form of a grid: ``to_dict()`` plus French labels, step durations, provenance record."""
    ref = referentiel or load_referentiel()
    doc = grid.to_dict()
    for cid, entry in doc["criteria"].items():
        try:
            crit = ref.criterion(cid)
        except KeyError:
            continue
        entry["label"] = crit.label
        entry["competence"] = crit.competence
        entry["status_label"] = ref.status_labels.get(entry["status"], entry["status"])
        entry["bar"] = crit.bar.kind
    comp_labels = {c.id: c.label for c in ref.competences}
    for cid, entry in doc["competences"].items():
        entry["label"] = comp_labels.get(cid, cid)
        entry["status_label"] = ref.status_labels.get(entry["status"], entry["status"])
    for span, entry in zip(grid.steps, doc["steps"], strict=True):
        duration = span.duration
        entry["duration"] = None if duration is None else round(duration, 3)
        entry["duration_minutes"] = None if duration is None else round(duration / 60, 2)
        planned = span.planned_minutes
        entry["delta_minutes"] = (
            None if duration is None or planned is None else round(duration / 60 - planned, 2)
        )
    doc["provenance"] = provenance_record(grid.provenance) if grid.provenance is not None else None
    return doc


def grid_csv(grid: Grid, referentiel: Referentiel | None = None) -> str:
    """One row per criterion: id, French label, status, value, threshold, confidence, rationale, evidence times."""
    ref = referentiel or load_referentiel()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for cid, sug in grid.criteria.items():
        try:
            crit = ref.criterion(cid)
            label, comp = crit.label, crit.competence
        except KeyError:
            label, comp = cid, cid.split(".")[0]
        times = " ; ".join(
            f"{_clock(ev.start)}–{_clock(ev.end)}"
            for ev in sug.evidence
            if ev.kind == "tag" and ev.start is not None
        )
        writer.writerow(
            (
                cid,
                comp,
                label,
                sug.status,
                ref.status_labels.get(sug.status, sug.status),
                "" if sug.value is None else f"{sug.value:g}",
                "" if sug.threshold is None else f"{sug.threshold:g}",
                f"{sug.confidence:.2f}",
                sug.rationale,
                times,
            )
        )
    return buf.getvalue()


def write_grid(
    grid: Grid, session_dir: str | os.PathLike[str], referentiel: Referentiel | None = None
) -> tuple[Path, Path]:
    """Write ``grid.json`` and ``grid.csv`` (plus the CSV's provenance sidecar) atomically; return both paths."""
    ref = referentiel or load_referentiel()
    folder = Path(session_dir)
    json_path = atomic_write_json(folder / GRID_JSON, grid_document(grid, ref))
    csv_path = atomic_write_text(folder / GRID_CSV, grid_csv(grid, ref))
    if grid.provenance is not None:
        atomic_write_json(sidecar_path(csv_path), {"provenance": provenance_record(grid.provenance)})
    log.info("wrote %s and %s", json_path, csv_path)
    return json_path, csv_path


def read_grid(path: str | os.PathLike[str]) -> Grid:
    """Read a ``grid.json`` (or a session folder holding one) back into a Grid."""
    p = Path(path)
    if p.is_dir():
        p = p / GRID_JSON
    try:
        data = read_json(p)
    except FileNotFoundError as exc:
        raise InputError(f"No grid at {p}.", "Run `rolegrid grid SESSION_DIR` first.") from exc
    except ValueError as exc:
        raise InputError(f"{p} is not valid JSON ({exc}).", "Re-run `rolegrid grid` to rewrite it.") from exc
    return from_dict(Grid, data)


def grid_agreement(grid: Grid, gold: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Per-criterion agreement of a draft with a gold grid (``{"C1.1": {"status": ...}}``, tags.md format).

    ``to_review`` in the draft counts as disagreement where gold says met / not_met.
    Returns ``{"criteria": {id: {"draft", "gold", "agree"}}, "agreed", "compared", "rate"}``.
    """
    rows = {}
    for cid, entry in gold.items():
        gold_status = entry.get("status") if isinstance(entry, Mapping) else entry
        draft = grid.criteria.get(cid)
        if draft is None or gold_status is None:
            continue
        rows[cid] = {"draft": draft.status, "gold": gold_status, "agree": draft.status == gold_status}
    agreed = sum(r["agree"] for r in rows.values())
    return {
        "criteria": rows,
        "agreed": agreed,
        "compared": len(rows),
        "rate": agreed / len(rows) if rows else None,
    }
