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
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluation import (  # noqa: E402
    AUTHOR_GROUP_PATTERN,
    cv_groups,
    cv_tagsets,
    evaluate_sessions,
    gold_files_many,
    read_gold,
)
from pipeline.tagging import LABELS, load_tagger  # noqa: E402
from pipeline.tagging.training import sessions_data  # noqa: E402


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
    authors = cv_groups(sessions, AUTHOR_GROUP_PATTERN)
    fold_of = {g: str(i % args.k) for i, g in enumerate(sorted(set(authors)))}
    folds = [fold_of[g] for g in authors]
    data = sessions_data(sessions, tagger, jobs=args.jobs)
    print(f"{len(sessions)} sessions, {len(fold_of)} authors, {args.k} folds [{time.time() - t0:.0f} s]")
    for l2 in args.l2:
        tagsets = cv_tagsets(sessions, data, folds, tagger, l2=l2, jobs=args.jobs)
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
