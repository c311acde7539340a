"""RTTM (NIST Rich Transcription Time Marked): who spoke when, one ``SPEAKER`` line per segment.

``SPEAKER <uri> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>`` — the format pyannote.metrics
and the references in ``../shared/data`` use. The uri is the session id (no spaces).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..align import exclusive_segments
from ..errors import InputError
from ..fileio import atomic_write_text
from ..types import Diarization, SpeakerSegment


def safe_uri(session_id: str) -> str:
    """An RTTM uri from a session id: whitespace replaced, never empty."""
    uri = re.sub(r"\s+", "_", session_id.strip())
    return uri or "session"


def format_rttm(diarization: Diarization, uri: str) -> str:
    """The RTTM text of ``diarization.segments`` (overlapping speech kept)."""
    uri = safe_uri(uri)
    lines = [
        f"SPEAKER {uri} 1 {s.start:.3f} {s.end - s.start:.3f} <NA> <NA> {s.speaker} <NA> <NA>"
        for s in diarization.segments
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def write_rttm(path: str | os.PathLike[str], diarization: Diarization, uri: str) -> Path:
    """Write ``diarization`` as RTTM, atomically."""
    return atomic_write_text(path, format_rttm(diarization, uri))


def parse_rttm(
    text: str, *, source: str = "RTTM", uri: str | None = None, method: str = "rttm"
) -> Diarization:
    """A Diarization from RTTM text (only ``SPEAKER`` lines; ``uri`` filters when given)."""
    segs: list[SpeakerSegment] = []
    for n, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#") or fields[0] != "SPEAKER":
            continue
        if len(fields) < 8:
            raise InputError(
                f"{source} line {n} is not a valid RTTM SPEAKER line ({len(fields)} fields, 8 or more expected).",
                "Fix or regenerate the file.",
            )
        if uri is not None and fields[1] != uri:
            continue
        try:
            start, dur = float(fields[3]), float(fields[4])
            segs.append(SpeakerSegment(start, start + dur, fields[7]))
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{source} line {n}: bad start or duration ({exc}).", "Fix or regenerate the file."
            ) from exc
    segs.sort(key=lambda s: (s.start, s.end, s.speaker))
    return Diarization(
        segments=tuple(segs),
        exclusive=exclusive_segments(segs),
        method=method,
        duration=max((s.end for s in segs), default=0.0),
    )


def read_rttm(path: str | os.PathLike[str], *, uri: str | None = None, method: str = "rttm") -> Diarization:
    """Read an RTTM file. Raises InputError when it cannot be read or parsed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the RTTM file {path} ({exc}).", "Check the path.") from exc
    return parse_rttm(text, source=str(path), uri=uri, method=method)
