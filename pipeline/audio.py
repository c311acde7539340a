"""Decode a recording once into 16 kHz float32, keeping its channels.

Any container FFmpeg reads (wav, flac, mp3, m4a/aac, ogg/opus, webm, video files with an audio
track) is decoded with PyAV, which faster-whisper already ships: no external ``ffmpeg`` binary.
The decoded signal is shared by every stage (ASR, diarization, the stereo by-channel path), so a
recording is read and resampled exactly once.

Bad inputs raise :class:`pipeline.errors.InputError` with one sentence saying what is wrong and
what to do.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .fileio import sha256_file
from .types import AudioInfo

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000

#: A recording whose peak stays below this (full scale = 1.0, about -60 dBFS) holds no usable speech.
SILENCE_PEAK = 1e-3
#: ... or whose RMS stays below this (about -70 dBFS).
SILENCE_RMS = 3e-4

#: FFmpeg demuxers that open text or still images: such a file is not a recording.
_NOT_MEDIA_FORMATS = frozenset({"tty", "image2", "image2pipe", "txt", "srt", "webvtt", "ass", "lrc"})

#: Decoded length below this share of the length the container declares means a truncated file.
_TRUNCATION_RATIO = 0.9


@dataclass(frozen=True, eq=False)
class DecodedAudio:
    """A decoded recording: ``samples`` is float32 (channels, n) at 16 kHz, in [-1, 1]."""

    info: AudioInfo
    samples: np.ndarray

    def __post_init__(self) -> None:
        if self.samples.ndim != 2 or self.samples.dtype != np.float32:
            raise ValueError("DecodedAudio.samples must be a float32 array of shape (channels, n)")
        self.samples.setflags(write=False)

    @property
    def mono(self) -> np.ndarray:
        """Mean of the channels, float32 (n,)."""
        if self.samples.shape[0] == 1:
            return self.samples[0]
        return self.samples.mean(axis=0, dtype=np.float32)

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def sample_rate(self) -> int:
        return self.info.sample_rate

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.info.sample_rate


def _fail(path: Path, what: str, todo: str) -> InputError:
    return InputError(f"{path}: {what}.", todo)


_CONVERT = "Check the file plays in a media player, or export it again (e.g. as WAV or MP3)."


def load_audio(path: str | os.PathLike[str]) -> DecodedAudio:
    """Decode ``path`` to 16 kHz float32, keeping channels.

    Raises :class:`InputError` for a missing, empty, truncated, corrupt or non-audio file, or a
    container with no audio stream.
    """
    import av  # lazy: PyAV loads the FFmpeg libraries

    path = Path(path)
    if not path.exists():
        raise _fail(path, "no such file", "Check the path and the file name.")
    if not path.is_file():
        raise _fail(path, "is not a file", "Give the path of an audio or video recording.")
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, "the file is empty (0 bytes)", "The copy or the recording failed: copy it again.")

    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise _fail(path, f"not a readable audio or video file ({_ffmpeg_reason(exc)})", _CONVERT) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot be opened ({exc})", _CONVERT) from exc

    with container:
        fmt = container.format.name or ""
        if fmt in _NOT_MEDIA_FORMATS or fmt.endswith("_pipe"):
            raise _fail(
                path,
                f"not an audio or video file (it reads as {container.format.long_name or fmt})",
                "Give the recording itself (wav, mp3, m4a, ogg, flac, webm or a video with sound).",
            )
        streams = list(container.streams.audio)
        if not streams:
            kinds = sorted({s.type for s in container.streams}) or ["none"]
            raise _fail(
                path,
                f"the file has no audio stream (streams found: {', '.join(kinds)})",
                "Give a recording with sound, or extract its audio track first.",
            )
        stream = streams[0]
        ctx = stream.codec_context
        source_rate = int(ctx.sample_rate or stream.rate or 0)
        channels = int(ctx.channels or 0)
        codec = ctx.name or ""
        if source_rate <= 0 or channels <= 0:
            raise _fail(path, "the audio stream has no sample rate or no channels", _CONVERT)
        declared = _declared_duration(container, stream)
        if fmt == "wav":
            declared = _wav_declared_duration(path, size) or declared

        layout = ctx.layout.name if ctx.layout and ctx.layout.name else ("mono" if channels == 1 else None)
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                frame.pts = None  # the resampler only needs the samples; odd pts trip it
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError as exc:
            raise _fail(path, f"the audio data is corrupt ({_ffmpeg_reason(exc)})", _CONVERT) from exc

    if not chunks:
        raise _fail(path, "no audio could be decoded (truncated or corrupt file)", _CONVERT)
    samples = np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)
    if not np.isfinite(samples).all():
        raise _fail(path, "the decoded audio contains invalid values (corrupt file)", _CONVERT)
    np.clip(samples, -1.0, 1.0, out=samples)
    duration = samples.shape[1] / SAMPLE_RATE
    if declared and declared > 1.0 and duration < _TRUNCATION_RATIO * declared:
        raise _fail(
            path,
            f"the file is truncated: {duration:.1f} s decoded of {declared:.1f} s declared",
            "Copy or export the recording again; the end of the file is missing.",
        )
    if duration < 0.1:
        raise _fail(path, f"the recording is too short ({duration:.3f} s)", "Give a longer recording.")

    info = AudioInfo(
        path=str(path),
        sha256=sha256_file(path),
        duration=round(duration, 6),
        sample_rate=SAMPLE_RATE,
        channels=channels,
        source_sample_rate=source_rate,
        codec=codec,
    )
    log.info(
        "decoded %s: %.1f s, %s, %d Hz, %d channel(s)", path.name, duration, codec, source_rate, channels
    )
    return DecodedAudio(info=info, samples=samples)


def _declared_duration(container, stream) -> float | None:
    """Duration the container or stream header announces, in seconds (None when unknown)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # AV_TIME_BASE
    return None


def _wav_declared_duration(path: Path, size: int) -> float | None:
    """Duration announced by a RIFF/WAVE header's ``data`` chunk, when the file is shorter than it.

    FFmpeg derives a WAV's duration from the file size, so a cut WAV looks complete to it; the
    header still records the original length. Streaming writers leave 0 or 0xFFFFFFFF there:
    those mean "unknown".
    """
    import struct

    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk_id, chunk_size = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
        if chunk_id == b"fmt " and pos + 16 <= len(head):
            byte_rate = struct.unpack("<I", head[pos + 16 : pos + 20])[0]
        if chunk_id == b"data":
            if chunk_size in (0, 0xFFFFFFFF) or not byte_rate:
                return None
            if pos + 8 + chunk_size > size:  # the header promises more bytes than the file holds
                return chunk_size / byte_rate
            return None
        pos += 8 + chunk_size + (chunk_size & 1)
    return None


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0].strip() or type(exc).__name__


def signal_level(audio: DecodedAudio) -> tuple[float, float]:
    """(peak, RMS) of the mono signal, full scale = 1.0."""
    mono = audio.mono
    if mono.size == 0:
        return 0.0, 0.0
    peak = float(np.max(np.abs(mono)))
    rms = float(math.sqrt(float(np.mean(np.square(mono, dtype=np.float64)))))
    return peak, rms


def check_not_silent(audio: DecodedAudio) -> None:
    """Raise :class:`InputError` when the recording is silence (peak < -60 dBFS or RMS < -70 dBFS)."""
    peak, rms = signal_level(audio)
    if peak < SILENCE_PEAK or rms < SILENCE_RMS:
        db = 20 * math.log10(max(peak, 1e-12))
        raise InputError(
            f"{audio.info.path}: the recording is silent (peak level {db:.0f} dBFS, RMS {rms:.1e}).",
            "Check the microphone was on and the right track was exported.",
        )
