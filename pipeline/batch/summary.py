"""The batch summary table: one row per session with its measures, tag counts and draft grid."""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_bytes, read_json
from ..types import TAG_LABELS
from .manifest import BatchItem

log = logging.getLogger(__name__)

CRITERIA = tuple(f"C{c}.{i}" for c in range(1, 6) for i in range(1, 5))
COMPETENCES = tuple(f"C{c}" for c in range(1, 6))


def _load(path: Path) -> Mapping[str, Any] | None:
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, Mapping) else None


def session_row(item: BatchItem, session_dir: Path, last: Mapping[str, Any]) -> dict[str, Any]:
    """The summary row of one session, from the files in its folder (missing files leave blanks)."""
    row: dict[str, Any] = {
        "session_id": item.session_id,
        "recording": str(item.recording),
        "scenario": item.scenario or "",
        "candidate_id": item.candidate_id,
        "exam_date": item.exam_date,
        "juror_ids": "|".join(item.juror_ids),
        "status": last.get("status", "pending"),
        "reason": last.get("reason", ""),
        "processing_seconds": last.get("seconds"),
    }
    session = _load(session_dir / "session.json") or {}
    measures = _load(session_dir / "measures.json") or {}
    tags = _load(session_dir / "tags.json") or {}
    grid = _load(session_dir / "grid.json") or {}
    transcript_scenario = session.get("scenario") or grid.get("scenario")
    if transcript_scenario and not row["scenario"]:
        row["scenario"] = transcript_scenario
    row["duration_s"] = measures.get("duration", session.get("duration"))
    row["diarization_method"] = session.get("diarization_method", "")
    row["client_talk_share"] = measures.get("client_talk_share")
    band = measures.get("client_talk_share_band") or [None, None]
    row["client_talk_share_low"], row["client_talk_share_high"] = band[0], band[1]
    per_role = measures.get("per_role") or {}
    for role in ("candidate", "client"):
        m = per_role.get(role) or {}
        row[f"{role}_speech_s"] = m.get("speech_time")
        row[f"{role}_turns"] = m.get("turn_count")
        row[f"{role}_longest_monologue_s"] = m.get("longest_monologue")
        row[f"{role}_wpm"] = m.get("speech_rate_wpm")
    for key in ("overlap_time", "overlap_count", "interruption_count", "silence_share"):
        row[key] = measures.get(key)
    counts = Counter(t.get("label") for t in tags.get("tags", []) if isinstance(t, Mapping))
    for label in TAG_LABELS:
        row[f"tag_{label}"] = counts.get(label, 0) if tags else None
    criteria = grid.get("criteria") or {}
    for cid in CRITERIA:
        row[cid] = (criteria.get(cid) or {}).get("status", "")
    competences = grid.get("competences") or {}
    for cid in COMPETENCES:
        row[cid] = (competences.get(cid) or {}).get("status", "")
    return row


def summary_frame(items: Iterable[BatchItem], out_dir: Path, status: Mapping[str, Mapping[str, Any]]):
    import pandas as pd

    rows = [session_row(it, Path(out_dir) / it.session_id, status.get(it.session_id, {})) for it in items]
    return pd.DataFrame(rows)


def write_summary(
    items: Iterable[BatchItem], out_dir: Path, status: Mapping[str, Mapping[str, Any]]
) -> tuple[Path, Path | None]:
    """Write ``sessions.csv`` and ``sessions.parquet`` atomically; returns their paths."""
    frame = summary_frame(items, out_dir, status)
    out_dir = Path(out_dir)
    csv_path = atomic_write_bytes(out_dir / "sessions.csv", frame.to_csv(index=False).encode("utf-8"))
    parquet_path: Path | None
    try:
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        parquet_path = atomic_write_bytes(out_dir / "sessions.parquet", buf.getvalue())
    except ImportError:
        log.warning("pyarrow is not installed: sessions.parquet not written (pip install pyarrow)")
        parquet_path = None
    return csv_path, parquet_path
