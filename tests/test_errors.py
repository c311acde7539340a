"""Bad input through the CLI: exit code 2, one sentence on stderr, no partial output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

PSEUDO = ("audio", "fr-asterisk", "fr_pseudodialogue.wav")


def _video_without_audio(path: Path) -> None:
    import av

    with av.open(str(path), "w") as box:
        stream = box.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(10):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                box.mux(packet)
        for packet in stream.encode():
            box.mux(packet)


def make_input(kind: str, tmp: Path, data: Path) -> Path:
    import soundfile as sf

    if kind == "missing":
        return tmp / "nope.wav"
    if kind == "empty":
        p = tmp / "empty.wav"
        p.write_bytes(b"")
    elif kind == "truncated":
        p = tmp / "truncated.wav"
        p.write_bytes(Path(data.joinpath(*PSEUDO)).read_bytes()[:30_000])  # header says 47 s
    elif kind == "corrupt":
        p = tmp / "corrupt.mp3"
        p.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    elif kind == "not_audio":
        p = tmp / "notes.wav"
        p.write_text("Ceci est un compte rendu, pas un enregistrement.\n" * 50, encoding="utf-8")
    elif kind == "no_audio_stream":
        p = tmp / "video_only.mp4"
        _video_without_audio(p)
    elif kind == "silence":
        p = tmp / "silence.wav"
        sf.write(p, np.zeros(16000 * 3, dtype=np.float32), 16000)
    else:  # pragma: no cover
        raise ValueError(kind)
    return p


CASES = ["missing", "empty", "truncated", "corrupt", "not_audio", "no_audio_stream", "silence"]


def assert_clean_failure(rc: int, err: str, out_dir: Path) -> None:
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rolegrid: error: "), err
    assert not out_dir.exists() or not any(out_dir.iterdir())


@pytest.mark.parametrize("kind", CASES)
def test_bad_recording(kind, tmp_path, data_dir, cli):
    src = make_input(kind, tmp_path, data_dir)
    out = tmp_path / "session"
    rc, _, err = cli("analyze", src, "--out", out, "--quiet")
    assert_clean_failure(rc, err, out)


def test_bad_recording_messages_say_what(tmp_path, data_dir, cli):
    expect = {"empty": "empty", "silence": "silent", "missing": "does not exist", "no_audio_stream": "audio"}
    for kind, word in expect.items():
        src = make_input(kind, tmp_path, data_dir)
        _, _, err = cli("analyze", src, "--out", tmp_path / f"s-{kind}", "--quiet")
        assert word in err.lower(), err


def test_unwritable_output_folder_fails_first(tmp_path, data_dir, cli):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    rc, _, err = cli("analyze", data_dir.joinpath(*PSEUDO), "--out", blocker / "session", "--quiet")
    assert rc == 2 and "not a folder" in err
    assert blocker.read_text() == "x"


def test_recording_and_transcript_together_is_an_error(tmp_path, cli):
    rc, _, err = cli("analyze", "a.wav", "--transcript", "b.vtt", "--out", tmp_path / "s")
    assert rc == 2 and "exactly one" in err


@pytest.mark.parametrize("speakers", ["0", "two", "-1"])
def test_bad_speaker_count(tmp_path, cli, speakers):
    rc, _, err = cli("analyze", "a.wav", "--speakers", speakers, "--out", tmp_path / "s")
    assert rc == 2 and "--speakers" in err


def test_malformed_transcript(tmp_path, cli):
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n1\nnot a timing line\n<v A>Bonjour\n", encoding="utf-8")
    out = tmp_path / "s"
    rc, _, err = cli("analyze", "--transcript", bad, "--out", out, "--quiet")
    assert_clean_failure(rc, err, out)


def test_unknown_scenario_fails_before_work(tmp_path, cli):
    gold = tmp_path / "g.json"
    gold.write_text('{"turns": [{"speaker": "candidate", "text": "Bonjour."}]}', encoding="utf-8")
    out = tmp_path / "s"
    rc, _, err = cli(
        "analyze", "--transcript", gold, "--scenario", "b2z-nope-produit", "--out", out, "--quiet"
    )
    assert_clean_failure(rc, err, out)


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["--asr-model", "--diarizer"])
def test_missing_model(tmp_path, data_dir, cli, flag):
    empty = tmp_path / "empty-model"
    empty.mkdir()
    out = tmp_path / "s"
    rc, _, err = cli("analyze", data_dir.joinpath(*PSEUDO), "--out", out, flag, empty, "--quiet")
    assert_clean_failure(rc, err, out)
    assert "model" in err.lower() or "pipeline" in err.lower()


def test_failed_rerun_keeps_earlier_outputs(tmp_path, cli):
    """A failing re-run leaves the finished outputs of an earlier run untouched."""
    gold = tmp_path / "g.json"
    gold.write_text('{"turns": [{"speaker": "candidate", "text": "Bonjour."}]}', encoding="utf-8")
    out = tmp_path / "s"
    assert cli("analyze", "--transcript", gold, "--out", out, "--quiet")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    gold.write_text("{broken", encoding="utf-8")
    rc, _, _ = cli("analyze", "--transcript", gold, "--out", out, "--quiet")
    assert rc == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
