"""Run ``analyze`` over many recordings: resumable, parallel, fault-isolated.

Resumability comes from two things: every stage of ``analyze_session`` skips when its output is up
to date (provenance key), and every write is atomic. So a batch killed at any moment and run again
redoes only the stages that had not finished. The batch itself keeps ``batch-status.json`` (last
outcome per session, rewritten atomically after each session) to support ``--retry-failed``.

Executors: a local process pool (default; each worker loads its models once) or Ray actors
(optional extra; ``executor="ray"``).
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError, RolegridError
from ..fileio import atomic_write_json, read_json, remove_stale_temps
from ..provenance import now_iso
from .manifest import BatchItem

log = logging.getLogger(__name__)

STATUS_FILE = "batch-status.json"
Outcome = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class SessionOutcome:
    """What happened to one recording in this run."""

    session_id: str
    recording: str
    status: Outcome
    reason: str = ""
    seconds: float = 0.0
    stages_run: tuple[str, ...] = ()
    audio_duration: float | None = None
    finished_at: str = ""


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (what to compute is ``AnalyzeOptions``)."""

    workers: int = 1
    executor: Literal["local", "ray"] = "local"
    address: str | None = None  # Ray cluster address; None starts a local Ray instance
    force: bool = False
    retry_failed: bool = False
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}.", "Give a positive number.")
        if self.executor not in ("local", "ray"):
            raise ConfigError(f"Unknown executor {self.executor!r}.", "Use 'local' or 'ray'.")

    @property
    def threads_per_worker(self) -> int:
        """Threads each worker may use so that threads × workers ≤ cores (no oversubscription)."""
        return max(1, self.cores // self.workers)


@dataclass(frozen=True)
class BatchResult:
    outcomes: tuple[SessionOutcome, ...]
    summary_csv: Path | None
    summary_parquet: Path | None
    seconds: float

    def count(self, status: Outcome) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> tuple[SessionOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


# --------------------------------------------------------------------------- worker side

_WORKER: dict[str, Any] = {}


def _limit_threads(threads: int) -> None:
    """Pin native thread pools before torch / ctranslate2 start them."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")


def _init_worker(options: Any, threads: int) -> None:
    _limit_threads(threads)
    _WORKER.clear()
    _WORKER["options"] = options
    _WORKER["threads"] = threads


def _worker_models(options: Any) -> Any:
    """Models of this worker, loaded on first use and kept for every later recording."""
    if "models" not in _WORKER:
        from ..session import load_models

        _WORKER["models"] = load_models(options)
    return _WORKER["models"]


def _options_for(item: BatchItem, options: Any) -> Any:
    changes: dict[str, Any] = {}
    if item.scenario and getattr(options, "scenario", None) != item.scenario:
        changes["scenario"] = item.scenario
    if item.candidate_speaker:
        changes["candidate"] = item.candidate_speaker
    return replace(options, **changes) if changes else options


def process_item(item: BatchItem, out_dir: str, options: Any, force: bool) -> SessionOutcome:
    """Analyse one recording into ``out_dir/<session_id>``; never raises (failures become outcomes)."""
    from ..session import analyze_session

    t0 = time.monotonic()
    opts = _options_for(item, options)
    try:
        models = _worker_models(options)
        result = analyze_session(
            item.recording,
            Path(out_dir) / item.session_id,
            opts,
            models,
            force=force,
            session_id=item.session_id,
            metadata=_metadata(item),
        )
    except RolegridError as err:
        return _outcome(item, "failed", str(err), t0)
    except Exception as err:  # fault isolation: one bad recording must not stop the batch
        log.debug("unexpected failure on %s:\n%s", item.recording, traceback.format_exc())
        return _outcome(item, "failed", f"{type(err).__name__}: {err}", t0)
    ran = tuple(getattr(result, "stages_run", ()) or ())
    status: Outcome = "done" if ran else "skipped"
    return _outcome(item, status, "", t0, ran, getattr(result, "duration", None))


def _metadata(item: BatchItem) -> dict[str, Any]:
    return {
        "candidate_id": item.candidate_id,
        "exam_date": item.exam_date,
        "juror_ids": list(item.juror_ids),
        "recording": str(item.recording),
    }


def _outcome(
    item: BatchItem,
    status: Outcome,
    reason: str,
    t0: float,
    ran: tuple[str, ...] = (),
    duration: float | None = None,
) -> SessionOutcome:
    return SessionOutcome(
        session_id=item.session_id,
        recording=str(item.recording),
        status=status,
        reason=reason,
        seconds=round(time.monotonic() - t0, 3),
        stages_run=ran,
        audio_duration=duration,
        finished_at=now_iso(),
    )


def _local_worker_task(item: BatchItem, out_dir: str, force: bool) -> SessionOutcome:
    return process_item(item, out_dir, _WORKER["options"], force)


# --------------------------------------------------------------------------- executors


def _run_serial(items, out_dir, options, bopts) -> Iterator[SessionOutcome]:
    _init_worker(options, bopts.threads_per_worker)
    for item in items:
        yield process_item(item, out_dir, options, bopts.force)


def _run_local_pool(items, out_dir, options, bopts) -> Iterator[SessionOutcome]:
    ctx = get_context("spawn")  # fresh interpreters: no torch state forked from the parent
    with ProcessPoolExecutor(
        max_workers=bopts.workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(options, bopts.threads_per_worker),
    ) as pool:
        pending = {pool.submit(_local_worker_task, it, out_dir, bopts.force): it for it in items}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                item = pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as err:  # a worker died (out of memory, segfault in native code)
                    yield _outcome(item, "failed", f"worker process died: {err}", time.monotonic())


def _run_ray(items, out_dir, options, bopts) -> Iterator[SessionOutcome]:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "The Ray executor needs the 'ray' package.",
            "Install it with: pip install 'rolegrid[ray]' (or pip install ray).",
        ) from exc
    from ray.util import ActorPool

    started_here = not ray.is_initialized()
    if started_here:
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if bopts.address:
            kwargs["address"] = bopts.address
        else:
            kwargs["num_cpus"] = bopts.cores
        ray.init(**kwargs)
    try:
        threads = bopts.threads_per_worker
        worker_cls = ray.remote(num_cpus=threads)(_RayWorker)
        actors = [worker_cls.remote(options, threads) for _ in range(bopts.workers)]
        pool = ActorPool(actors)
        yield from pool.map_unordered(lambda a, it: a.run.remote(it, out_dir, bopts.force), list(items))
    finally:
        if started_here:
            ray.shutdown()


class _RayWorker:
    """A Ray actor: loads its models once, then analyses recordings one after another."""

    def __init__(self, options: Any, threads: int) -> None:
        import sys

        # Ray workers do not inherit the driver's sys.path: make this checkout importable.
        root = str(Path(__file__).resolve().parents[2])
        if root not in sys.path:
            sys.path.insert(0, root)
        _init_worker(options, threads)

    def run(self, item: BatchItem, out_dir: str, force: bool) -> SessionOutcome:
        return process_item(item, out_dir, _WORKER["options"], force)


# --------------------------------------------------------------------------- driver


def load_status(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Last recorded outcome per session id (empty when the batch never ran here)."""
    path = Path(out_dir) / STATUS_FILE
    if not path.exists():
        return {}
    try:
        data = read_json(path)
    except (OSError, ValueError):
        log.warning("%s is unreadable; starting a fresh batch status", path)
        return {}
    return dict(data.get("sessions", {})) if isinstance(data, dict) else {}


def select_items(items: Iterable[BatchItem], out_dir: Path, retry_failed: bool) -> tuple[BatchItem, ...]:
    """All items, or with ``retry_failed`` only those whose last outcome was a failure."""
    items = tuple(items)
    if not retry_failed:
        return items
    status = load_status(out_dir)
    return tuple(it for it in items if status.get(it.session_id, {}).get("status") == "failed")


def run_batch(
    items: Iterable[BatchItem],
    out_dir: Path,
    options: Any,
    bopts: BatchOptions = BatchOptions(),
    on_outcome: Callable[[SessionOutcome], None] | None = None,
) -> BatchResult:
    """Analyse every item into ``out_dir/<session_id>/`` and write the summary tables.

    ``options`` is the ``pipeline.session.AnalyzeOptions`` shared by all sessions (a manifest's
    scenario and candidate speaker override it per session). ``on_outcome`` is called in the
    driver after each session (progress bars, logs).
    """
    from .summary import write_summary

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)  # left by a batch killed while writing its status or summary
    all_items = tuple(items)
    todo = select_items(all_items, out_dir, bopts.retry_failed)
    t0 = time.monotonic()
    status = load_status(out_dir)
    outcomes: list[SessionOutcome] = []

    if not todo:
        runner: Iterator[SessionOutcome] = iter(())
    elif bopts.executor == "ray":
        runner = _run_ray(todo, str(out_dir), options, bopts)
    elif bopts.workers == 1:
        runner = _run_serial(todo, str(out_dir), options, bopts)
    else:
        runner = _run_local_pool(
            todo, str(out_dir), options, replace(bopts, workers=min(bopts.workers, len(todo)))
        )

    for outcome in runner:
        outcomes.append(outcome)
        status[outcome.session_id] = {
            "status": outcome.status,
            "reason": outcome.reason,
            "recording": outcome.recording,
            "seconds": outcome.seconds,
            "stages_run": list(outcome.stages_run),
            "finished_at": outcome.finished_at,
        }
        atomic_write_json(out_dir / STATUS_FILE, {"sessions": status})
        if outcome.status == "failed":
            log.warning("%s failed: %s", outcome.session_id, outcome.reason)
        else:
            log.info(
                "%s %s in %.1fs (%s)",
                outcome.session_id,
                outcome.status,
                outcome.seconds,
                ", ".join(outcome.stages_run) or "all up to date",
            )
        if on_outcome:
            on_outcome(outcome)

    csv_path, parquet_path = write_summary(all_items, out_dir, status)
    return BatchResult(tuple(outcomes), csv_path, parquet_path, round(time.monotonic() - t0, 3))
