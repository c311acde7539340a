"""Speech-only references for talk-share scoring (pipeline.speech_eval), on hand-built signals."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.speech_eval import speaker_shares, speech_activity, speech_only

SR = 16000


def signal(spans: list[tuple[float, float]], total: float, level_db: float = -20.0) -> np.ndarray:
    """A 440 Hz tone at ``level_db`` dBFS RMS inside ``spans``, digital silence elsewhere."""
    t = np.arange(int(total * SR)) / SR
    x = np.zeros_like(t)
    amp = 10 ** (level_db / 20) * np.sqrt(2)
    for a, b in spans:
        mask = (t >= a) & (t < b)
        x[mask] = amp * np.sin(2 * np.pi * 440 * t[mask])
    return x


def test_activity_finds_the_bursts_within_a_frame():
    spans = speech_activity(signal([(0.5, 1.5), (3.0, 4.0)], 5.0), SR)
    assert len(spans) == 2
    for (a, b), (ra, rb) in zip(spans, [(0.5, 1.5), (3.0, 4.0)], strict=True):
        assert abs(a - ra) <= 0.03 and abs(b - rb) <= 0.03


@pytest.mark.parametrize(
    ("gap", "bridge", "expected"),
    [
        (0.2, 0.3, 1),  # a pause shorter than the bridge is kept inside the turn
        (0.5, 0.3, 2),  # a longer one splits it
        (0.5, 0.0, 2),
        (0.5, 0.8, 1),
    ],
)
def test_bridge_closes_short_pauses_only(gap, bridge, expected):
    x = signal([(1.0, 2.0), (2.0 + gap, 3.0 + gap)], 4.5)
    assert len(speech_activity(x, SR, bridge=bridge)) == expected


def test_threshold_decides_what_quiet_padding_is():
    # speech at -20 dBFS, a quiet tail at -45 dBFS: speech at -40 dBFS, the tail too at -50 dBFS
    x = signal([(1.0, 2.0)], 4.0) + signal([(2.0, 2.8)], 4.0, level_db=-45.0)
    (a, b), *_ = speech_activity(x, SR, threshold_db=-40.0)
    assert abs(b - 2.0) <= 0.03
    (a, b), *_ = speech_activity(x, SR, threshold_db=-50.0)
    assert abs(b - 2.8) <= 0.03


def test_silence_and_short_input_have_no_activity():
    assert speech_activity(np.zeros(SR), SR) == []
    assert speech_activity(np.zeros(10), SR) == []


def test_activity_rejects_stereo_and_bad_settings():
    with pytest.raises(ValueError, match="mono"):
        speech_activity(np.zeros((2, SR)), SR)
    with pytest.raises(ValueError):
        speech_activity(np.zeros(SR), SR, bridge=-1.0)


def test_speech_only_cuts_padded_reference_turns():
    # B's turn spans 1 s of quiet padding: the speech-only reference drops it
    turns = [(0.0, 2.0, "A"), (2.5, 5.5, "B")]
    activity = [(0.0, 2.0), (3.0, 5.0)]
    assert speech_only(turns, activity) == [(0.0, 2.0, "A"), (3.0, 5.0, "B")]
    assert speaker_shares(turns)["B"] == pytest.approx(3 / 5)
    assert speaker_shares(speech_only(turns, activity))["B"] == pytest.approx(0.5)


def test_speech_only_splits_a_turn_over_several_spans_and_counts_overlap_for_both():
    turns = [(0.0, 4.0, "A"), (3.0, 4.0, "B")]
    cut = speech_only(turns, [(0.0, 1.0), (2.0, 4.0)])
    assert cut == [(0.0, 1.0, "A"), (2.0, 4.0, "A"), (3.0, 4.0, "B")]
    assert speaker_shares(cut) == pytest.approx({"A": 0.75, "B": 0.25})
    assert speaker_shares([]) == {}
