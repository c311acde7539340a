"""``rolegrid report SESSION_DIR``: (re)write a session folder's ``report.html``."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write report.html for a session folder",
        description="Write the self-contained report.html jurors read, from the session folder's "
        "transcript.json, measures.json, tags.json and grid.json.",
    )
    p.add_argument("session_dir", help="a session folder made by 'rolegrid analyze'")
    p.add_argument("--audio", help="the recording, when the folder has no audio.* copy yet")
    p.add_argument("--embed-audio", action="store_true", help="embed recordings under 5 MB in the page")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report import render_report

    path = render_report(Path(args.session_dir), args.audio, embed_audio=args.embed_audio)
    print(f"report: {path}")
    return 0
