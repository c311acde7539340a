"""Batch throughput: recording minutes processed per wall minute, with 1 and 2 workers, and the
cost of a re-run with everything up to date.

Run by hand (several minutes on 2 cores), on a quiet machine:

    OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/bench_batch.py [--copies 2]

It copies a few real recordings (the bundled demo, the second sample dialogue, the French
pseudo-dialogue, pyannote's sample) into a temporary folder, runs ``rolegrid batch`` over them
with ``--workers 1`` then ``--workers 2`` (each into a fresh output folder), then re-runs the
2-worker batch unchanged. Prints a Markdown table to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "audio"
RECORDINGS = [
    REPO / "samples" / "demo" / "demo.opus",
    REPO / "samples" / "test" / "dialogue2.opus",
    DATA / "fr-asterisk" / "fr_pseudodialogue.wav",
    DATA / "pyannote" / "sample.wav",
]


def duration_s(path: Path) -> float:
    sys.path.insert(0, str(REPO))
    from pipeline.audio import load_audio

    return load_audio(path).info.duration


def run_batch(rec: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, largest process) of one ``rolegrid batch`` run."""
    cmd = [sys.executable, "-m", "pipeline", "batch", str(rec), "--out", str(out), "--quiet",
           "--workers", str(workers)]  # fmt: skip
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", PYANNOTE_METRICS_ENABLED="0")
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit(f"batch failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1, help="copies of each recording (more sessions)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rolegrid-bench-batch-") as tmp:
        rec = Path(tmp) / "recordings"
        rec.mkdir()
        total = 0.0
        for path in RECORDINGS:
            d = duration_s(path)
            for i in range(args.copies):
                shutil.copy(path, rec / f"{path.stem}-{i}{path.suffix}")
                total += d
        rows = []
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            wall, peak = run_batch(rec, out, workers)
            rows.append((f"{workers} worker(s), first run", wall, total / wall, peak))
            if workers == 2:
                wall, peak = run_batch(rec, out, workers)
                rows.append(("2 workers, re-run, all up to date", wall, total / wall, peak))
    load = os.getloadavg()
    print(f"{len(RECORDINGS) * args.copies} recordings, {total / 60:.1f} min of audio; "
          f"{os.cpu_count()} cores, load average {load[0]:.2f} at the end\n")  # fmt: skip
    print("| run | wall time (s) | recording min per wall min | peak RSS of a process (MB) |")
    print("|---|---|---|---|")
    for name, wall, speed, peak in rows:
        print(f"| {name} | {wall:.1f} | {speed:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
