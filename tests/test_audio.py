"""Decoding recordings of every supported kind, and clear errors for bad ones (pipeline.audio)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import SAMPLE_RATE, DecodedAudio, check_not_silent, load_audio
from pipeline.errors import InputError
from pipeline.fileio import sha256_file

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "audio"
SOURCE = DATA / "fr-leopard" / "test_fr.wav"  # 6.7 s of real French speech, 16 kHz mono


def encode(
    path: Path, samples: np.ndarray, *, codec: str, rate: int, fmt: str | None = None, video: bool = False
):
    """Write float32 (channels, n) 16 kHz samples with PyAV, resampled to ``rate``."""
    import av

    layout = "mono" if samples.shape[0] == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as out:
        vstream = None
        if video:
            vstream = out.add_stream("libvpx" if path.suffix == ".webm" else "mpeg4", rate=5)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
        stream = out.add_stream(codec, rate=rate)
        stream.layout = layout
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="fltp", layout=layout)
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        pts = 0
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            chunk.pts = pts
            pts += chunk.samples
            for packet in stream.encode(chunk):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
        if vstream is not None:
            for i in range(int(samples.shape[1] / SAMPLE_RATE * 5)):
                img = np.full((48, 64, 3), i % 255, dtype=np.uint8)
                for packet in vstream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)


@pytest.fixture(scope="module")
def source() -> DecodedAudio:
    return load_audio(SOURCE)


def test_wav_decodes_with_info(source: DecodedAudio) -> None:
    info = source.info
    assert info.sample_rate == SAMPLE_RATE and info.source_sample_rate == 16000
    assert info.channels == 1 and info.codec == "pcm_s16le"
    assert info.duration == pytest.approx(6.672, abs=1e-3)
    assert info.sha256 == sha256_file(SOURCE)
    assert source.samples.dtype == np.float32 and source.samples.shape == (1, 106752)
    assert source.mono.shape == (106752,)
    assert 0.01 < float(np.abs(source.mono).max()) <= 1.0


# name, codec, container rate, format, channels, video, lossless
FORMATS = [
    ("speech.mp3", "libmp3lame", 44100, None, 1, False, False),
    ("speech.ogg", "libopus", 48000, None, 1, False, False),
    ("speech.flac", "flac", 22050, None, 1, False, True),
    ("speech.m4a", "aac", 44100, None, 1, False, False),
    ("speech.webm", "libopus", 48000, None, 1, False, False),
    ("speech-48k-stereo.wav", "pcm_s16le", 48000, None, 2, False, True),
    ("speech-video.mp4", "aac", 44100, None, 1, True, False),
    ("speech-video.webm", "libopus", 48000, None, 2, True, False),
]


@pytest.mark.parametrize("name,codec,rate,fmt,channels,video,lossless", FORMATS)
def test_formats_decode_to_same_duration(tmp_path, source, name, codec, rate, fmt, channels, video, lossless):
    samples = source.samples if channels == 1 else np.vstack([source.samples, 0.5 * source.samples])
    path = tmp_path / name
    encode(path, samples, codec=codec, rate=rate, fmt=fmt, video=video)
    audio = load_audio(path)
    assert audio.info.source_sample_rate == rate
    assert audio.info.channels == channels and audio.samples.shape[0] == channels
    assert audio.info.sample_rate == SAMPLE_RATE
    # AAC pads a frame or two; every codec must give the same duration within 50 ms.
    assert audio.duration == pytest.approx(source.duration, abs=0.05)
    level = lambda x: 20 * np.log10(np.sqrt(np.mean(np.square(x))))  # noqa: E731
    assert level(audio.samples[0]) == pytest.approx(level(source.samples[0]), abs=1.0)
    if lossless:  # resampled there and back: nearly the same waveform
        n = min(audio.samples.shape[1], source.samples.shape[1])
        corr = np.corrcoef(audio.samples[0, :n], source.samples[0, :n])[0, 1]
        assert corr > 0.99
    if channels == 2:
        assert np.allclose(audio.mono, audio.samples.mean(axis=0), atol=1e-6)


def _truncate(src: Path, dst: Path, keep: float = 1 / 3) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def _corrupt(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    rng = np.random.default_rng(0)
    dst.write_bytes(data[:64] + rng.integers(0, 256, len(data) - 64, dtype=np.uint8).tobytes())
    return dst


def make_bad(kind: str, tmp: Path, source: DecodedAudio) -> Path:
    """Build one bad input file of the given kind in ``tmp``."""
    if kind == "missing":
        return tmp / "nowhere.wav"
    if kind == "empty":
        (tmp / "empty.mp3").write_bytes(b"")
        return tmp / "empty.mp3"
    if kind == "directory":
        (tmp / "folder.wav").mkdir()
        return tmp / "folder.wav"
    if kind == "text":
        (tmp / "notes.wav").write_text("Ceci n'est pas un enregistrement.\n" * 40, encoding="utf-8")
        return tmp / "notes.wav"
    if kind == "text-as-txt":
        (tmp / "notes.txt").write_text("Bonjour, ceci est un texte.\n" * 40, encoding="utf-8")
        return tmp / "notes.txt"
    if kind == "png":
        import zlib

        raw = b"".join(b"\x00" + bytes(3 * 8) for _ in range(8))

        def chunk(tag: bytes, body: bytes) -> bytes:
            return len(body).to_bytes(4, "big") + tag + body + zlib.crc32(tag + body).to_bytes(4, "big")

        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", bytes([0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0]))
        png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
        (tmp / "picture.png").write_bytes(png)
        return tmp / "picture.png"
    if kind == "video-only":
        import av

        path = tmp / "silent-film.mp4"
        with av.open(str(path), "w") as out:
            stream = out.add_stream("mpeg4", rate=10)
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            for i in range(20):
                img = np.full((48, 64, 3), 10 * i, dtype=np.uint8)
                for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        return path
    if kind == "truncated-wav":
        return _truncate(SOURCE, tmp / "cut.wav")
    if kind in ("truncated-mp3", "corrupt-flac", "corrupt-m4a", "corrupt-ogg"):
        ext = kind.split("-")[1]
        codec = {"mp3": "libmp3lame", "flac": "flac", "m4a": "aac", "ogg": "libopus"}[ext]
        rate = {"mp3": 44100, "flac": 16000, "m4a": 44100, "ogg": 48000}[ext]
        good = tmp / f"good.{ext}"
        encode(good, source.samples, codec=codec, rate=rate)
        if kind.startswith("truncated"):
            return _truncate(good, tmp / f"cut.{ext}")
        return _corrupt(good, tmp / f"bad.{ext}")
    raise ValueError(kind)


# kind, words the message must contain
BAD_INPUTS = [
    ("missing", "no such file"),
    ("empty", "empty"),
    ("directory", "not a file"),
    ("text", "not (an|a readable) audio or video file"),
    ("text-as-txt", "not an audio or video file"),
    ("png", "not an audio or video file"),
    ("video-only", "no audio stream"),
    ("truncated-wav", "truncated"),
    ("truncated-mp3", "truncated"),
    ("corrupt-flac", "corrupt"),
    ("corrupt-m4a", "not a readable"),
    ("corrupt-ogg", "not a readable"),
]


@pytest.mark.parametrize("kind,expected", BAD_INPUTS)
def test_bad_inputs_raise_clear_input_error(tmp_path, source, kind, expected):
    path = make_bad(kind, tmp_path, source)
    with pytest.raises(InputError) as err:
        load_audio(path)
    message = str(err.value)
    assert re.search(expected, message), message
    assert err.value.hint, "the error must say what to do"
    assert str(path.name) in message


def test_silence_is_refused_and_quiet_speech_is_not(tmp_path, source):
    import soundfile as sf

    sf.write(tmp_path / "silence.wav", np.zeros(3 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    silent = load_audio(tmp_path / "silence.wav")
    with pytest.raises(InputError, match="silent"):
        check_not_silent(silent)
    # Hiss at -80 dBFS is still silence.
    rng = np.random.default_rng(1)
    hiss = (1e-4 * rng.standard_normal(3 * SAMPLE_RATE)).astype(np.float32)
    sf.write(tmp_path / "hiss.wav", hiss, SAMPLE_RATE, subtype="FLOAT")
    with pytest.raises(InputError, match="silent"):
        check_not_silent(load_audio(tmp_path / "hiss.wav"))
    # Speech 30 dB quieter than the source is fine.
    sf.write(tmp_path / "quiet.wav", source.mono * 10 ** (-30 / 20), SAMPLE_RATE, subtype="FLOAT")
    check_not_silent(load_audio(tmp_path / "quiet.wav"))
    check_not_silent(source)


def test_decoded_samples_are_read_only(source):
    with pytest.raises(ValueError):
        source.samples[0, 0] = 0.5


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, pipeline.audio, pipeline.asr, pipeline.diarize; print(sorted(m for m in ('torch', 'av', 'faster_whisper', 'pyannote.audio') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert out.stdout.strip() == "[]"
