"""Set apart the stretches of a distant, much quieter voice before counting the two speakers.

An exam is recorded with the candidate and the juror-client at the table; other jurors in the room,
or a voice in the corridor, reach the microphone far quieter. With two speakers asked for,
clustering must still give such a stretch to one of the two, and it then counts as candidate or
client speech (criterion C1.2 reads that share). On the AMI excerpt dev01, a third participant's
voice at about −55 dBFS (the two speakers are near −37) did just that: 1.5 s of "speech" the
reference does not annotate, and a talk-share error of 4 points.

Level of a stretch: the 90th percentile of its 50 ms frame energies (so pauses inside it do not
lower it). Level of a speaker: the duration-weighted median of its stretches' levels. A stretch
whose level is more than ``margin_db`` below the level of the *quieter* speaker is set apart:
comparing with the quieter speaker keeps a client who is quiet all along (far from the microphone)
counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..types import SpeakerSegment

log = logging.getLogger(__name__)

FRAME_S = 0.05


def stretch_level(samples: np.ndarray, sample_rate: int, start: float, end: float) -> float:
    """Level (dBFS) of ``samples[start:end]``: the 90th percentile of its 50 ms frame energies."""
    n = max(1, int(round(FRAME_S * sample_rate)))
    x = np.asarray(samples[int(start * sample_rate) : int(end * sample_rate)], dtype=np.float64)
    if x.size == 0:
        return -120.0
    frames = x[: (x.size // n) * n].reshape(-1, n) if x.size >= n else x.reshape(1, -1)
    energy = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    return float(np.percentile(energy, 90))


def _weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cum = np.cumsum(w)
    return float(v[int(np.searchsorted(cum, cum[-1] / 2.0))])


def split_distant(
    segments: Sequence[SpeakerSegment],
    exclusive: Sequence[SpeakerSegment],
    samples: np.ndarray,
    sample_rate: int,
    margin_db: float,
) -> tuple[tuple[SpeakerSegment, ...], tuple[SpeakerSegment, ...], tuple[SpeakerSegment, ...]]:
    """(segments, exclusive, distant): the stretches of the exclusive view more than ``margin_db``
    below the quieter speaker's level, taken out of both views and returned apart.

    Needs at least two speakers with speech; otherwise nothing is set apart. The distant stretches
    keep the label clustering gave them (for information only).
    """
    if not exclusive:
        return tuple(segments), tuple(exclusive), ()
    levels = [stretch_level(samples, sample_rate, s.start, s.end) for s in exclusive]
    per_speaker: dict[str, tuple[list[float], list[float]]] = {}
    for s, lv in zip(exclusive, levels, strict=True):
        vals, wts = per_speaker.setdefault(s.speaker, ([], []))
        vals.append(lv)
        wts.append(s.end - s.start)
    if len(per_speaker) < 2:
        return tuple(segments), tuple(exclusive), ()
    floor = min(_weighted_median(v, w) for v, w in per_speaker.values()) - margin_db
    distant = tuple(s for s, lv in zip(exclusive, levels, strict=True) if lv < floor)
    if not distant:
        return tuple(segments), tuple(exclusive), ()
    for s in distant:
        log.info(
            "diarization: %.2f-%.2f s set apart as a distant voice (more than %.0f dB below both speakers)",
            s.start,
            s.end,
            margin_db,
        )
    kept_excl = tuple(s for s in exclusive if s not in distant)
    return _cut(segments, distant), kept_excl, distant


def _cut(segments: Sequence[SpeakerSegment], holes: Sequence[SpeakerSegment]) -> tuple[SpeakerSegment, ...]:
    """``segments`` with the time of ``holes`` removed (a segment may be split in two)."""
    out: list[SpeakerSegment] = []
    for s in segments:
        pieces = [(s.start, s.end)]
        for h in holes:
            nxt = []
            for a, b in pieces:
                if h.end <= a or h.start >= b:
                    nxt.append((a, b))
                    continue
                if h.start > a:
                    nxt.append((a, h.start))
                if h.end < b:
                    nxt.append((h.end, b))
            pieces = nxt
        out.extend(SpeakerSegment(a, b, s.speaker) for a, b in pieces if b - a > 1e-6)
    return tuple(sorted(out, key=lambda s: (s.start, s.end, s.speaker)))
