"""``rolegrid batch``: analyse a folder or a manifest of recordings."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="analyse many recordings (resumable, parallel)",
        description="Analyse every recording of a folder (recursive) or of a CSV manifest. "
        "Each recording becomes a session folder under --out; a re-run skips what is up to date.",
    )
    p.add_argument(
        "input",
        nargs="?",
        help="a folder of recordings, or a CSV manifest (recording, session_id, scenario, "
        "candidate_id, exam_date, juror_ids, candidate_speaker)",
    )
    p.add_argument("--out", required=True, help="output folder (one sub-folder per session)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--scenario", help="scenario id for every recording of a folder")
    group.add_argument("--manifest", help="CSV manifest (same as giving it as INPUT)")
    p.add_argument(
        "--executor",
        choices=("local", "ray"),
        default="local",
        help="local process pool (default) or Ray (optional extra)",
    )
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray instance)")
    p.add_argument("--force", action="store_true", help="redo every stage of every session")
    p.add_argument(
        "--retry-failed", action="store_true", help="only retry the sessions that failed last time"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar; only errors and the final line")
    from .analyze import add_analysis_options

    add_analysis_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..batch import BatchOptions, read_manifest, run_batch, scan_folder
    from .analyze import options_from_args

    if not (args.manifest or args.input):
        raise InputError(
            "No input given.", "Give a folder of recordings, or a CSV manifest (INPUT or --manifest)."
        )
    source = Path(args.manifest or args.input)
    if not source.exists():
        raise InputError(f"{source} does not exist.", "Give a folder of recordings or a CSV manifest.")
    if source.is_dir():
        items = scan_folder(source, scenario=args.scenario)
    else:
        items = read_manifest(source, scenario=args.scenario)
    if not items:
        raise InputError(f"No recording found in {source}.", "Check the path and the file extensions.")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / "batch.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    pkg_logger = logging.getLogger("pipeline")
    pkg_logger.addHandler(handler)
    pkg_logger.setLevel(min(pkg_logger.getEffectiveLevel(), logging.INFO))

    options = options_from_args(args)
    bopts = BatchOptions(
        workers=args.workers,
        executor=args.executor,
        address=args.address,
        force=args.force,
        retry_failed=args.retry_failed,
    )
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="session", desc="batch", file=sys.stderr, dynamic_ncols=True)

    def on_outcome(o) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{o.session_id}: {o.status}", refresh=False)
            bar.update(1)
            if o.status == "failed":
                bar.write(f"échec {o.session_id}: {o.reason}", file=sys.stderr)

    try:
        result = run_batch(items, out, options, bopts, on_outcome=on_outcome)
    finally:
        if bar is not None:
            bar.close()
        pkg_logger.removeHandler(handler)
        handler.close()

    done, skipped, failed = result.count("done"), result.count("skipped"), result.count("failed")
    print(
        f"{done} done, {skipped} skipped (up to date), {failed} failed in {result.seconds:.0f} s; "
        f"summary: {result.summary_csv}"
    )
    if not args.quiet:
        for o in result.failed:
            print(f"  failed {o.session_id} ({o.recording}): {o.reason}")
    return 1 if failed else 0
