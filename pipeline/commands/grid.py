"""``rolegrid grid SESSION_DIR [--scenario ID]``: the draft C1–C5 grid of an analysed session."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "grid",
        help="draft the C1–C5 grid of a session (grid.json, grid.csv)",
        description=(
            "Read transcript.json, measures.json and tags.json of a session folder (computing measures "
            "and tags when absent) and write the draft grid: grid.json and grid.csv."
        ),
    )
    p.add_argument("session_dir", metavar="SESSION_DIR", help="session folder holding transcript.json")
    p.add_argument("--scenario", metavar="ID", help="scenario id (default: the one recorded in the session)")
    p.add_argument(
        "--referentiel", metavar="FILE", help="référentiel file (default: scenarios/referentiel.yaml)"
    )
    p.add_argument("--quiet", action="store_true", help="do not print the table")
    p.set_defaults(func=run)


def _read_transcript(path: Path):
    from ..errors import InputError

    if not path.is_file():
        raise InputError(
            f"No transcript at {path}.", "Run `rolegrid analyze` first, or give the right SESSION_DIR."
        )
    try:
        from ..formats import read_transcript  # written by the core stage
    except ImportError:
        read_transcript = None
    if read_transcript is not None:
        return read_transcript(path)
    from ..fileio import read_json
    from ..serialize import from_dict
    from ..types import Transcript

    try:
        return from_dict(Transcript, read_json(path))
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError(
            f"{path} is not a rolegrid transcript ({exc}).", "Re-run `rolegrid analyze`."
        ) from exc


def _read_measures(folder: Path, transcript):
    from ..fileio import read_json
    from ..serialize import from_dict
    from ..types import Measures

    path = folder / "measures.json"
    if path.is_file():
        return from_dict(Measures, read_json(path))
    try:
        from ..measures import compute_measures
    except ImportError:
        log.warning("no measures.json and pipeline.measures unavailable: C1.2 uses the word share")
        return None
    return compute_measures(transcript)


def _read_tags(folder: Path, transcript):
    from ..errors import InputError
    from ..fileio import atomic_write_json, read_json
    from ..provenance import provenance_record
    from ..serialize import from_dict
    from ..types import TagSet

    path = folder / "tags.json"
    if path.is_file():
        return from_dict(TagSet, read_json(path))
    try:
        from ..tagging import load_tagger, tag_transcript
    except ImportError as exc:
        raise InputError(
            f"No tags.json in {folder} and the tagger is not installed.", "Run `rolegrid tag` first."
        ) from exc
    tagset = tag_transcript(transcript, load_tagger())
    doc = tagset.to_dict()
    doc["provenance"] = provenance_record(tagset.provenance) if tagset.provenance is not None else None
    atomic_write_json(path, doc)
    return tagset


def _scenario_id(folder: Path, transcript, explicit: str | None) -> str | None:
    if explicit:
        return explicit
    if transcript.scenario:
        return transcript.scenario
    session = folder / "session.json"
    if session.is_file():
        from ..fileio import read_json

        try:
            value = read_json(session).get("scenario")
        except (ValueError, AttributeError):
            value = None
        if value:
            return str(value)
    return None


def format_table(grid, referentiel) -> str:
    """A short French table of the grid for the terminal."""
    lines = [f"Grille proposée — session {grid.session_id or '?'} — scénario {grid.scenario or '?'}", ""]
    lines.append(f"{'critère':<7} {'intitulé':<42} {'statut':<11} {'valeur':>7} {'seuil':>6} {'conf.':>5}")
    for cid, sug in grid.criteria.items():
        crit = referentiel.criterion(cid)
        ratio = crit.bar.kind == "ratio_min"
        val = "—" if sug.value is None else (f"{sug.value:.0%}" if ratio else f"{sug.value:g}")
        thr = "—" if sug.threshold is None else (f"{sug.threshold:.0%}" if ratio else f"{sug.threshold:g}")
        if crit.bar.kind == "count_max":
            thr = f"≤{thr}"
        status = referentiel.status_labels.get(sug.status, sug.status)
        lines.append(f"{cid:<7} {crit.label[:42]:<42} {status:<11} {val:>7} {thr:>6} {sug.confidence:>5.2f}")
    lines.append("")
    for cid, comp in grid.competences.items():
        lines.append(f"{cid}  {referentiel.status_labels.get(comp.status, comp.status):<11} {comp.rationale}")
    lines.append("")
    lines.append("Étapes : " + " | ".join(_step_text(s) for s in grid.steps))
    return "\n".join(lines)


def _step_text(span) -> str:
    if span.start is None:
        return f"{span.step} {span.name} : absente"
    planned = f" / {span.planned_minutes:g} prévues" if span.planned_minutes is not None else ""
    return f"{span.step} {span.name} : {span.duration / 60:.1f} min{planned}"


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..grid import build_grid, write_grid
    from ..scenarios import load_referentiel, load_scenario

    folder = Path(args.session_dir)
    if not folder.is_dir():
        raise InputError(
            f"{folder} is not a folder.", "Give the session folder written by `rolegrid analyze`."
        )
    referentiel = load_referentiel(args.referentiel)
    transcript = _read_transcript(folder / "transcript.json")
    sid = _scenario_id(folder, transcript, args.scenario)
    scenario = load_scenario(sid) if sid else None
    if scenario is None:
        log.warning("no scenario known for %s: technical terms and planned minutes are skipped", folder)
    measures = _read_measures(folder, transcript)
    tags = _read_tags(folder, transcript)
    grid = build_grid(
        transcript, measures, tags, scenario, referentiel, session_id=transcript.session_id or folder.name
    )
    json_path, csv_path = write_grid(grid, folder, referentiel)
    if not args.quiet:
        print(format_table(grid, referentiel))
        print(f"\nÉcrit : {json_path} et {csv_path}")
    return 0
