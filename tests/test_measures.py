"""Talk measures on hand-built diarizations with exact expected values."""

from __future__ import annotations

import pytest

from pipeline.align import exclusive_segments
from pipeline.measures import compute_measures
from pipeline.types import Diarization, RoleAssignment, SpeakerSegment, Transcript, Turn, Word

K, C = "SPK_K", "SPK_C"  # candidate, client
ROLES = RoleAssignment(candidate=K, client=C, confidence=1.0)


def diar(duration: float, *segs: tuple[float, float, str]) -> Diarization:
    ss = tuple(SpeakerSegment(s, e, spk) for s, e, spk in sorted(segs))
    return Diarization(segments=ss, exclusive=exclusive_segments(ss), method="test", duration=duration)


def transcript(*turns: tuple[str, float, float, int], duration: float | None = None) -> Transcript:
    """Turns (speaker, start, end, number of words)."""
    out = []
    for i, (spk, s, e, n) in enumerate(turns, start=1):
        step = (e - s) / n
        words = tuple(
            Word(f"w{j}", s + j * step, s + (j + 1) * step, speaker=spk, assignment="overlap")
            for j in range(n)
        )
        out.append(
            Turn(id=f"t{i}", speaker=spk, start=s, end=e, text=" ".join(w.text for w in words), words=words)
        )
    return Transcript(turns=tuple(out), roles=ROLES, duration=duration)


def test_well_separated_turns():
    # K 0-10, C 20-50 (gap 10 s: no change points, nothing uncertain), 100 s in all
    m = compute_measures(
        transcript((K, 0, 10, 20), (C, 20, 50, 60), duration=100), diar(100, (0, 10, K), (20, 50, C))
    )
    assert m.client_talk_share == 0.75
    assert m.client_talk_share_band == (0.75, 0.75)
    assert m.speech_time == 40 and m.silence_share == 0.6
    assert m.per_role["candidate"].speech_time == 10 and m.per_role["client"].speech_time == 30
    assert m.per_role["candidate"].speech_rate_wpm == 120.0  # 20 words in 10 s
    assert m.per_role["client"].speech_rate_wpm == 120.0
    assert (m.overlap_time, m.overlap_count, m.interruption_count) == (0, 0, 0)
    assert m.per_role["client"].longest_monologue == 30


def test_change_points_make_a_band():
    # K 0-10, C 10.5-20.5: one change (gap 0.5 s < 1 s). Uncertain: K 9.75-10, C 10.5-10.75
    m = compute_measures(
        transcript((K, 0, 10, 10), (C, 10.5, 20.5, 10)), diar(20.5, (0, 10, K), (10.5, 20.5, C))
    )
    assert m.client_talk_share == 0.5
    # low: C loses 0.25 -> 9.75 / 20 ; high: C gains 0.25 -> 10.25 / 20
    assert m.client_talk_share_band == (pytest.approx(0.4875), pytest.approx(0.5125))


def test_overlap_counted_for_both_and_band():
    # K 0-10, C 8-20: overlap 8-10 (2 s); change points at 8 (C start) and 10 (K end)
    m = compute_measures(transcript((K, 0, 10, 10), (C, 10, 20, 10)), diar(20, (0, 10, K), (8, 20, C)))
    assert m.per_role["candidate"].speech_time == 10 and m.per_role["client"].speech_time == 12
    assert m.client_talk_share == round(12 / 22, 4)
    assert (m.overlap_time, m.overlap_count) == (2, 1)
    assert m.speech_time == 20 and m.silence_share == 0
    # uncertain: 7.75-10.25 (2.5 s): K-only 7.75-8, both 8-10, C-only 10-10.25
    # low: K = 10 + 0.25 (C's 10-10.25) = 10.25, C = 12 - 2.25 = 9.75 -> 9.75/20
    # high: C = 12 + 0.25 = 12.25, K = 10 - 2.25 = 7.75 -> 12.25/20
    assert m.client_talk_share_band == (pytest.approx(0.4875), pytest.approx(0.6125))
    # C started while K spoke and K stopped 2 s later (> 1 s): not an interruption
    assert m.interruption_count == 0


def test_interruption_and_backchannel():
    d = diar(
        40,
        (0, 10, K),
        (9.5, 20, C),  # C cuts in, K stops 0.5 s later: interruption
        (12, 12.5, K),  # K's backchannel inside C's speech: not an interruption
        (25, 30, K),
    )
    m = compute_measures(transcript((K, 0, 9.5, 5), (C, 9.5, 20, 5), (K, 25, 30, 5), duration=40), d)
    assert m.interruption_count == 1
    assert m.overlap_count == 2 and m.overlap_time == 1.0
    assert m.per_role["candidate"].speech_time == 15.5


def test_turn_count_and_monologue_follow_exclusive_view():
    # K speaks 0-5, pause 1 s, 6-20 (same turn: pause <= 1.5 s), C 21-25, K 30-32 (new turn)
    d = diar(40, (0, 5, K), (6, 20, K), (21, 25, C), (30, 32, K))
    m = compute_measures(transcript((K, 0, 20, 10), (C, 21, 25, 2), (K, 30, 32, 2)), d)
    assert m.per_role["candidate"].turn_count == 2
    assert m.per_role["candidate"].longest_monologue == 20
    assert m.per_role["client"].turn_count == 1
    assert m.per_role["candidate"].word_count == 12


def test_without_diarization_uses_turns():
    m = compute_measures(transcript((K, 0, 6, 10), (C, 6, 10, 10)))
    assert m.client_talk_share == 0.4
    assert m.duration == 10 and m.silence_share == 0
    # change point at 6: K 5.75-6 and C 6-6.25 uncertain
    assert m.client_talk_share_band == (pytest.approx(3.75 / 10), pytest.approx(4.25 / 10))


def test_one_speaker_has_no_share():
    tr = transcript((K, 0, 6, 10))
    tr = Transcript(turns=tr.turns, roles=RoleAssignment(candidate=K, client=None, confidence=0.5))
    m = compute_measures(tr)
    assert m.client_talk_share is None and m.client_talk_share_band is None
    assert set(m.per_role) == {"candidate"}


def test_third_speaker_excluded_from_share_but_counted_as_speech():
    d = diar(30, (0, 10, K), (12, 22, C), (25, 30, "OTHER"))
    m = compute_measures(transcript((K, 0, 10, 5), (C, 12, 22, 5), ("OTHER", 25, 30, 5)), d)
    assert m.client_talk_share == 0.5
    assert m.speech_time == 25
