"""Stereo recordings with one speaker per channel: who spoke when, from channel energies.

When each voice has its own microphone (one per channel), the loudest channel tells who speaks,
far more reliably (and about 1000 × faster) than a speaker-embedding model. A 20 ms frame is
speech for a channel when it is at least 12 dB above that channel's noise floor and at least
6 dB louder than the other channel; gaps shorter than 0.3 s inside a turn are closed and turns
shorter than 0.25 s dropped.
"""

from __future__ import annotations

import logging

import numpy as np

from ..types import Diarization, SpeakerSegment
from .exclusive import exclusive_segments

log = logging.getLogger(__name__)

FRAME_S = 0.02
ABOVE_FLOOR_DB = 12.0
DOMINANCE_DB = 6.0
CLOSE_GAP_S = 0.3
MIN_TURN_S = 0.25
#: Channel labels: left = SPEAKER_00, right = SPEAKER_01.
LABELS = ("SPEAKER_00", "SPEAKER_01")

#: Detection: share of active frames where one channel is >= 6 dB louder than the other ...
SPLIT_DOMINANT_SHARE = 0.5
#: ... and each channel must dominate at least this share of the active frames.
SPLIT_MIN_SIDE_SHARE = 0.05


def frame_db(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """(channels, n) -> (channels, frames) energy in dB over non-overlapping 20 ms frames."""
    hop = int(round(FRAME_S * sample_rate))
    n = samples.shape[1] // hop
    if n == 0:
        return np.zeros((samples.shape[0], 0), dtype=np.float32)
    frames = samples[:, : n * hop].reshape(samples.shape[0], n, hop).astype(np.float64)
    power = np.mean(frames * frames, axis=2)
    return (10.0 * np.log10(power + 1e-12)).astype(np.float32)


def _noise_floor(db: np.ndarray) -> np.ndarray:
    """Per-channel noise floor: the 10th percentile of frame energies."""
    return np.percentile(db, 10, axis=1, keepdims=True)


def _activity(db: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(active, dominant) boolean (2, frames) masks."""
    above = db >= _noise_floor(db) + ABOVE_FLOOR_DB
    louder = np.stack([db[0] - db[1] >= DOMINANCE_DB, db[1] - db[0] >= DOMINANCE_DB])
    return above, above & louder


def is_channel_split(audio) -> bool:
    """True when a 2-channel recording has one speaker per channel.

    A duplicated mono track, or a stereo mix where both voices reach both channels at similar
    levels, gives False. Criterion: among frames where some channel holds speech, one channel is
    at least 6 dB louder than the other in more than half of them, and each channel dominates at
    least 5 % of them.
    """
    samples = audio.samples
    if samples.shape[0] != 2:
        return False
    if np.allclose(samples[0], samples[1], atol=1e-4):
        return False
    db = frame_db(samples, audio.info.sample_rate)
    if db.shape[1] < 10:
        return False
    above, dominant = _activity(db)
    active = above.any(axis=0)
    n_active = int(active.sum())
    if n_active < 10:
        return False
    dominant_share = float(dominant.any(axis=0).sum()) / n_active
    side_shares = dominant.sum(axis=1) / n_active
    split = dominant_share > SPLIT_DOMINANT_SHARE and bool(np.all(side_shares >= SPLIT_MIN_SIDE_SHARE))
    log.debug(
        "channel split check: dominant share %.2f, per channel %s -> %s",
        dominant_share,
        np.round(side_shares, 2).tolist(),
        split,
    )
    return split


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame index runs where mask is True."""
    if mask.size == 0:
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _smooth(runs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < CLOSE_GAP_S:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged if e - s >= MIN_TURN_S]


def diarize_channels(audio) -> Diarization:
    """Who spoke when, one speaker per channel (left = SPEAKER_00, right = SPEAKER_01)."""
    db = frame_db(audio.samples, audio.info.sample_rate)
    _, dominant = _activity(db)
    duration = audio.samples.shape[1] / audio.info.sample_rate
    segments: list[SpeakerSegment] = []
    for ch, label in enumerate(LABELS):
        runs = [(s * FRAME_S, min(e * FRAME_S, duration)) for s, e in _runs(dominant[ch])]
        for start, end in _smooth(runs):
            segments.append(SpeakerSegment(round(start, 3), round(end, 3), label))
    segments.sort(key=lambda s: (s.start, s.end, s.speaker))
    return Diarization(
        segments=tuple(segments),
        exclusive=exclusive_segments(segments),
        method="stereo-channels",
        duration=round(duration, 6),
        speakers=LABELS,
    )
