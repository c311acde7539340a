"""Tagger speed: tag a 30-minute transcript (about 4,000 words) after the models are loaded.

The transcript is built from the development corpus (``models/corpus/dev``): its sessions' turns
are laid end to end, re-timed, until 4,000 words. Prints load time, tagging time (best and median
of 5 runs, one warm-up) and the number of tags. The transcript names a scenario (default b2b-tech-service), so
the scenario's technical terms are matched as in a real session; ``--scenario none`` tags without one. Run:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_tagger.py [--words 4000] [--runs 5] [--no-encoder]
        [--scenario ID|none]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.types import Transcript, Turn  # noqa: E402


def long_transcript(words: int, corpus: Path = ROOT / "models" / "corpus" / "dev") -> Transcript:
    """Turns of the corpus laid end to end (re-timed at 2.5 words/s) until ``words`` words."""
    turns: list[Turn] = []
    n = 0
    t = 0.0
    files = sorted(corpus.glob("*.json"))
    if not files:
        raise SystemExit(f"no gold file in {corpus}")
    while n < words:
        for f in files:
            for raw in json.loads(f.read_text(encoding="utf-8"))["turns"]:
                k = len(raw["text"].split())
                dur = max(0.5, k / 2.5)
                turns.append(
                    Turn(
                        id=f"t{len(turns) + 1}",
                        speaker=raw["speaker"],
                        start=round(t, 3),
                        end=round(t + dur, 3),
                        text=raw["text"],
                        role=raw["speaker"],
                    )
                )
                t += dur + 0.3
                n += k
                if n >= words:
                    break
            if n >= words:
                break
    return Transcript(turns=tuple(turns), duration=t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=4000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-encoder", action="store_true")
    ap.add_argument("--scenario", default="b2b-tech-service", help="scenario id, or none")
    args = ap.parse_args()
    import dataclasses

    from pipeline.tagging import load_tagger, tag_transcript

    tr = long_transcript(args.words)
    if args.scenario != "none":
        tr = dataclasses.replace(tr, scenario=args.scenario)
    n_words = sum(len(t.text.split()) for t in tr.turns)
    t0 = time.perf_counter()
    tagger = load_tagger(use_encoder=not args.no_encoder)
    load_s = time.perf_counter() - t0
    tag_transcript(tr, tagger)  # warm-up
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        tags = tag_transcript(tr, tagger)
        times.append(time.perf_counter() - t0)
    import resource

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"tagger: {n_words} words, {len(tr.turns)} turns ({tr.duration / 60:.0f} min at 2.5 words/s); "
        f"load {load_s:.1f} s; tag best {min(times):.2f} s, median {statistics.median(times):.2f} s; "
        f"{len(tags.tags)} tags; encoder {'off' if args.no_encoder else 'on'}; scenario {args.scenario}; "
        f"peak RSS {rss_mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
