"""Choose the sentence classifier's ``classifier_l2`` by cross-validation by author.

Authors (the letter group of ``<scenario>-d<N>-<author><n>``) are dealt into K folds; for each L2 value, each fold's
sessions are tagged by a classifier trained on the other folds, and the per-label F1, macro/micro F1 and grid
agreement are printed. Features are computed once (one process per core) and shared by every value. Run:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/cv_l2.py models/corpus/dev … models/corpus/dev21 \\
        --l2 100 300 1000 [--k 10] [--jobs 2]

About 100 s of features for 328 sessions, then 3–4 min per value on two cores (10 folds).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluation import cv_groups, evaluate_sessions, gold_files_many, read_gold  # noqa: E402
from pipeline.tagging import LABELS, load_tagger, tag_transcript  # noqa: E402
from pipeline.tagging.training import fit, sessions_data  # noqa: E402

AUTHOR = r"(d\d+-[a-z])\d+$"
# What forked workers read (set before each pool forks; never pickled).
_STATE: dict[str, Any] = {}


def _fit_fold(k: int) -> Any:
    s = _STATE
    return fit([d for d, f in zip(s["data"], s["folds"], strict=True) if f != k], s["tagger"], l2=s["l2"])


def _tag_session(i: int) -> Any:
    s = _STATE
    s["tagger"].nlp.get_pipe("rolegrid_context").classifier = s["models"][s["folds"][i]]
    return tag_transcript(s["sessions"][i].transcript, s["tagger"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", nargs="+")
    ap.add_argument("--l2", type=float, nargs="+", required=True)
    ap.add_argument("--k", type=int, default=10, help="folds of whole authors (default 10)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    t0 = time.time()
    tagger = load_tagger()
    sessions = [read_gold(p) for p in gold_files_many(args.gold_dir)]
    groups = cv_groups(sessions, AUTHOR)
    fold_of = {g: i % args.k for i, g in enumerate(sorted(set(groups)))}
    _STATE.update(
        tagger=tagger,
        sessions=sessions,
        folds=[fold_of[g] for g in groups],
        data=sessions_data(sessions, tagger, jobs=args.jobs),
    )
    print(f"{len(sessions)} sessions, {len(fold_of)} authors, {args.k} folds [{time.time() - t0:.0f} s]")
    ctx = mp.get_context("fork")
    for l2 in args.l2:
        _STATE["l2"] = l2
        with ctx.Pool(args.jobs) as pool:
            _STATE["models"] = pool.map(_fit_fold, range(args.k), chunksize=1)
        with ctx.Pool(args.jobs) as pool:
            tagsets = pool.map(_tag_session, range(len(sessions)), chunksize=2)
        r = evaluate_sessions(sessions, tagsets, LABELS)
        agree, total = sum(c.agree for c in r.grid), sum(c.total for c in r.grid)
        print(
            f"l2 {l2:g}: macro {r.macro.f1:.4f} micro {r.micro.f1:.4f} "
            f"grid {agree}/{total} ({agree / total:.4f}) [{time.time() - t0:.0f} s]"
        )
        print("   " + " ".join(f"{lab.label} {lab.f1:.3f}" for lab in r.labels))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
