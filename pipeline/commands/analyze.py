"""``rolegrid analyze RECORDING``: one recording (or transcript) in, a session folder out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError

HELP = "analyse one recording (or an existing transcript) into a session folder"


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    """The options that decide what is computed (shared with ``rolegrid batch``)."""
    p.add_argument("--language", default="fr", help="spoken language for speech recognition (default fr)")
    p.add_argument(
        "--asr-model",
        default="base",
        help="'base' (default, offline), a faster-whisper size name (small, large-v3…; downloads), "
        "or a local CTranslate2 model folder",
    )
    p.add_argument(
        "--speakers",
        default="2",
        help="number of speakers, or 'auto' (default 2: the exam has two voices)",
    )
    p.add_argument(
        "--diarizer",
        default="offline",
        help="'offline' (default, bundled weights), a pyannote pipeline name (with HF_TOKEN set) "
        "or a local pipeline folder",
    )
    p.add_argument(
        "--threads", type=int, default=0, help="CPU threads (default: OMP_NUM_THREADS or all cores)"
    )


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("analyze", help=HELP, description=HELP.capitalize() + ".")
    p.add_argument(
        "recording", nargs="?", help="audio or video file (wav, flac, mp3, m4a, ogg, opus, webm, mp4…)"
    )
    p.add_argument("--out", help="session folder (default: sessions/<recording name>)")
    add_analysis_options(p)
    p.add_argument(
        "--candidate", help="speaker label of the candidate (e.g. SPEAKER_01): overrides the automatic choice"
    )
    p.add_argument("--scenario", help="exam scenario id, e.g. b2b-tech-service (for the grid)")
    p.add_argument(
        "--transcript",
        metavar="FILE",
        help="use this transcript (WebVTT with <v Speaker> tags, session transcript.json, or gold JSON) "
        "instead of a recording: skips ASR and diarization",
    )
    p.add_argument("--force", action="store_true", help="redo every stage, even those up to date")
    p.add_argument(
        "--quiet", action="store_true", help="no progress bars (they show only on a terminal anyway)"
    )
    p.set_defaults(func=run)


def parse_speakers(value: Any) -> int | None:
    if value is None or str(value).strip().lower() == "auto":
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n < 1:
        raise InputError(
            f"--speakers {value} is not a number of speakers.",
            "Give 2 (the default), another count, or auto.",
        )
    return n


def options_from_args(args: argparse.Namespace) -> Any:
    """``AnalyzeOptions`` from parsed arguments; options a parser lacks take their defaults."""
    from ..session import AnalyzeOptions

    d = AnalyzeOptions()
    return AnalyzeOptions(
        language=getattr(args, "language", None) or d.language,
        asr_model=getattr(args, "asr_model", None) or d.asr_model,
        speakers=parse_speakers(getattr(args, "speakers", "2")),
        candidate=getattr(args, "candidate", None),
        diarizer=getattr(args, "diarizer", None) or d.diarizer,
        scenario=getattr(args, "scenario", None),
        threads=getattr(args, "threads", 0) or 0,
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _grid_lines(session_dir: Path) -> list[str]:
    """One line on the draft grid (counts per status, competences) and where the report is."""
    import json

    lines = []
    try:
        grid = json.loads((session_dir / "grid.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return lines
    statuses = [c.get("status") for c in grid.get("criteria", {}).values()]
    comp = ", ".join(f"{k} {v.get('status')}" for k, v in grid.get("competences", {}).items())
    lines.append(
        f"draft grid: {statuses.count('met')} met, {statuses.count('not_met')} not met, "
        f"{statuses.count('to_review')} to review ({comp}); jurors confirm in report.html"
    )
    return lines


def summary_lines(result: Any) -> list[str]:
    """The short summary printed after a run."""
    m = result.measures
    roles = result.roles
    dur = result.duration or 0.0
    lines = [f"session {result.session_id}: {int(dur // 60)} min {dur % 60:04.1f} s"]
    if roles is not None:
        who = f"candidate = {roles.candidate}"
        who += f", client = {roles.client}" if roles.client else ", no client"
        lines.append(
            f"speakers: {', '.join(result.speakers)} ({who}; {roles.source}, confidence {roles.confidence:.2f})"
        )
    if m is not None and m.client_talk_share is not None:
        lo, hi = m.client_talk_share_band or (m.client_talk_share, m.client_talk_share)
        if lo >= 0.5:
            verdict = "above the 50 % bar (C1.2)"
        elif hi < 0.5:
            verdict = "below the 50 % bar (C1.2)"
        else:
            verdict = "too close to the 50 % bar to decide: listen (C1.2)"
        lines.append(
            f"client talk share: {_pct(m.client_talk_share)} (band {_pct(lo)}–{_pct(hi)}), {verdict}"
        )
    elif m is not None:
        lines.append("client talk share: not measurable (one speaker only)")
    lines.append(f"diarization: {result.diarization_method}")
    lines.extend(_grid_lines(Path(result.session_dir)))
    for w in result.warnings:
        lines.append(f"warning: {w}")
    ran = result.stages_run
    lines.append(f"stages run: {', '.join(ran) if ran else 'none (everything up to date)'}")
    lines.append(
        f"files: {result.session_dir}/ ({', '.join(sorted(Path(p).name for p in result.files.values()))})"
    )
    return lines


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
    from ..progress import TqdmProgress
    from ..session import analyze_session, load_models

    if bool(args.recording) == bool(args.transcript):
        raise InputError(
            "Give either a RECORDING or --transcript FILE (exactly one).",
            "See rolegrid analyze --help.",
        )
    source = Path(args.transcript or args.recording)
    out = Path(args.out) if args.out else Path("sessions") / source.stem
    options = options_from_args(args)
    # bars only on a terminal: in logs and CI they would be noise
    progress = None if args.quiet or not sys.stderr.isatty() else TqdmProgress(file=sys.stderr)
    result = analyze_session(
        source,
        out,
        options,
        load_models(options),
        transcript_input=bool(args.transcript),
        force=args.force,
        progress=progress,
    )
    print("\n".join(summary_lines(result)))
    return 0
