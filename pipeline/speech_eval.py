"""Reference talk shares with silences excluded, for scoring diarization against RTTM references.

Many references mark a speaker's turn from the start to the end of what they said, pauses and the recording's
own quiet edges included (the French pseudo-dialogue's turns span whole prompt files, some padded with half a
second of silence). rolegrid's client talk share excludes silences, so scoring it against such turns mixes the
reference's padding into the error. :func:`speech_only` keeps, inside each reference turn, only the time where
the signal is speech-like: frames above a level threshold, with pauses shorter than ``bridge`` kept (the NIST RT
convention merges a speaker's segments less than 0.3 s apart). Where the sources were recorded separately this is
exact up to the threshold; the threshold is a choice, so benchmarks report the figure across several.

numpy only; no model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

Turn3 = tuple[float, float, str]


def speech_activity(
    samples: np.ndarray,
    sample_rate: int,
    threshold_db: float = -40.0,
    bridge: float = 0.3,
    frame: float = 0.03,
    hop: float = 0.01,
) -> list[tuple[float, float]]:
    """Time spans where the frame RMS level exceeds ``threshold_db`` dBFS, gaps shorter than ``bridge`` closed.

    ``samples`` is mono float audio in [-1, 1]. Returns sorted, non-overlapping ``(start, end)`` spans in seconds.
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"speech_activity expects mono samples, got shape {x.shape}")
    if sample_rate <= 0 or frame <= 0 or hop <= 0 or bridge < 0:
        raise ValueError("sample_rate, frame and hop must be positive and bridge non-negative")
    win, step = max(1, round(frame * sample_rate)), max(1, round(hop * sample_rate))
    if x.size < win:
        return []
    n = 1 + (x.size - win) // step
    power = np.convolve(x * x, np.ones(win) / win, mode="valid")[::step][:n]
    active = 10 * np.log10(power + 1e-20) > threshold_db
    spans: list[tuple[float, float]] = []
    for i in np.flatnonzero(active):
        start, end = i * step / sample_rate, (i * step + win) / sample_rate
        if spans and start - spans[-1][1] < bridge:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def speech_only(turns: Iterable[Turn3], activity: Sequence[tuple[float, float]]) -> list[Turn3]:
    """The parts of each ``(start, end, speaker)`` turn that fall inside ``activity`` spans."""
    out: list[Turn3] = []
    for start, end, speaker in turns:
        for a, b in activity:
            lo, hi = max(start, a), min(end, b)
            if hi > lo:
                out.append((lo, hi, speaker))
    return out


def speaker_shares(turns: Iterable[Turn3]) -> dict[str, float]:
    """Each speaker's share of the summed speech time (overlap counted for both)."""
    totals: dict[str, float] = {}
    for start, end, speaker in turns:
        totals[speaker] = totals.get(speaker, 0.0) + (end - start)
    whole = sum(totals.values())
    return {spk: t / whole for spk, t in totals.items()} if whole > 0 else {}
