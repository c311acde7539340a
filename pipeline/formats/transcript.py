"""Read a transcript from a file: session ``transcript.json``, WebVTT, or gold JSON (tags.md).

Word times: gold and WebVTT files have no word timestamps, so words are spread evenly over their
turn (``assignment="reference"``: the speaker comes from the file, not from diarization). A gold
file without turn times gets times synthesised at ``WORDS_PER_SECOND`` with ``GAP`` seconds
between turns (logged), so that every later stage sees the same kind of transcript.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..serialize import from_dict
from ..types import ROLES, RoleAssignment, Transcript, Turn, Word
from .vtt import parse_vtt

log = logging.getLogger(__name__)

WORDS_PER_SECOND = 2.5
GAP = 0.3
_HINT = "Give a session transcript.json, a WebVTT file with <v Speaker> voice tags, or a gold JSON file (spec/tags.md)."


def synth_words(text: str, start: float, end: float, speaker: str) -> tuple[Word, ...]:
    """Words of ``text`` spread evenly over [start, end], each weighted by its length + 1."""
    tokens = text.split()
    if not tokens:
        return ()
    weights = [len(t) + 1 for t in tokens]
    scale = (end - start) / sum(weights)
    out, t = [], start
    for tok, w in zip(tokens, weights, strict=True):
        nxt = min(end, t + w * scale)
        out.append(
            Word(text=tok, start=round(t, 3), end=round(nxt, 3), speaker=speaker, assignment="reference")
        )
        t = nxt
    # rounding must not push the last word outside the turn
    last = out[-1]
    out[-1] = Word(
        text=last.text, start=min(last.start, end), end=end, speaker=speaker, assignment="reference"
    )
    return tuple(out)


def _roles_from(labels: Mapping[str, str], source_name: str) -> RoleAssignment | None:
    """RoleAssignment from {role: speaker} read in a file (source "reference")."""
    cand = labels.get("candidate")
    if cand is None:
        return None
    return RoleAssignment(
        candidate=cand,
        client=labels.get("client"),
        confidence=1.0,
        reasons=(f"rôles lus dans {source_name}",),
        source="reference",
    )


def transcript_from_vtt(text: str, *, source: str = "WebVTT", session_id: str = "") -> Transcript:
    """A Transcript from WebVTT text (one turn per voiced cue)."""
    cues = sorted(parse_vtt(text, source), key=lambda c: (c.start, c.end))
    if not cues:
        raise InputError(f"{source} has no cues with text.", _HINT)
    turns, roles, used = [], {}, set()
    for i, c in enumerate(cues, start=1):
        tid = c.id if c.id and c.id not in used else f"t{i}"
        while tid in used:
            tid += "b"
        used.add(tid)
        if c.role:
            roles.setdefault(c.role, c.speaker)
        turns.append(
            Turn(
                id=tid,
                speaker=c.speaker,
                start=c.start,
                end=c.end,
                text=c.text,
                words=synth_words(c.text, c.start, c.end, c.speaker),
            )
        )
    if any(c.speaker == "UNKNOWN" for c in cues):
        log.warning("%s: some cues have no <v Speaker> voice tag; their speaker is UNKNOWN.", source)
    return Transcript(
        turns=tuple(turns),
        duration=max(t.end for t in turns),
        roles=_roles_from(roles, Path(source).name),
        session_id=session_id,
    )


def transcript_from_gold(
    data: Mapping[str, Any], *, source: str = "gold JSON", session_id: str = ""
) -> Transcript:
    """A Transcript from a gold annotation object (tags.md); its tags are ignored.

    The gold ``speaker`` is a role (candidate/client); it becomes both the speaker label and the
    role, with a RoleAssignment of source ``"reference"``.
    """
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise InputError(f"{source} has no 'turns' list.", _HINT)
    for i, t in enumerate(raw_turns, start=1):
        if (
            not isinstance(t, Mapping)
            or not isinstance(t.get("text"), str)
            or not isinstance(t.get("speaker"), str)
        ):
            raise InputError(f"{source}: turn {i} needs a 'speaker' and a 'text'.", _HINT)
    timed = all(
        isinstance(t.get("start"), (int, float)) and isinstance(t.get("end"), (int, float)) for t in raw_turns
    )
    spans: list[tuple[float, float]] = []
    if timed:
        spans = [(float(t["start"]), float(t["end"])) for t in raw_turns]
    else:
        log.info(
            "%s has no turn times: times synthesised at %.1f words/s with %.1f s between turns.",
            source,
            WORDS_PER_SECOND,
            GAP,
        )
        cursor = 0.0
        for t in raw_turns:
            dur = max(0.4, len(t["text"].split()) / WORDS_PER_SECOND)
            spans.append((round(cursor, 3), round(cursor + dur, 3)))
            cursor += dur + GAP
    order = sorted(range(len(raw_turns)), key=lambda i: spans[i])
    turns, used = [], set()
    try:
        for n, i in enumerate(order, start=1):
            t = raw_turns[i]
            start, end = spans[i]
            tid = str(t.get("id") or f"t{n}")
            if tid in used:
                raise InputError(f"{source}: turn id {tid!r} occurs twice.", "Give each turn a unique id.")
            used.add(tid)
            speaker = t["speaker"]
            role = speaker if speaker in ROLES else None
            turns.append(
                Turn(
                    id=tid,
                    speaker=speaker,
                    start=start,
                    end=end,
                    text=t["text"],
                    words=synth_words(t["text"], start, end, speaker),
                    role=role,
                )
            )
    except (TypeError, ValueError) as exc:
        raise InputError(f"{source}: a turn is invalid ({exc}).", _HINT) from exc
    speakers = {t.speaker for t in turns}
    roles = _roles_from({r: r for r in ROLES if r in speakers}, Path(source).name)
    return Transcript(
        turns=tuple(turns),
        language=str(data.get("language") or "fr"),
        duration=max(t.end for t in turns),
        roles=roles,
        session_id=str(data.get("session_id") or session_id),
        scenario=data.get("scenario") or None,
    )


def _is_session_json(data: Mapping[str, Any]) -> bool:
    turns = data.get("turns") or []
    return "provenance" in data or any(isinstance(t, Mapping) and "words" in t for t in turns)


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    """Read a transcript file, detecting its format from its content (see the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"The transcript file {p} does not exist.", "Check the path.")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(
            f"Cannot read the transcript file {p} ({exc.strerror}).", "Check its permissions."
        ) from exc
    if not raw.strip():
        raise InputError(f"The transcript file {p} is empty.", _HINT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"The transcript file {p} is not UTF-8 text.", _HINT) from exc
    stem = p.stem
    if text.lstrip().startswith("WEBVTT"):
        return transcript_from_vtt(text.lstrip(), source=str(p), session_id=stem)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"The transcript file {p} is neither WebVTT nor valid JSON ({exc}).", _HINT) from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("turns"), list):
        raise InputError(f"The JSON file {p} has no 'turns' list, so it is not a transcript.", _HINT)
    if _is_session_json(data):
        try:
            tr = from_dict(Transcript, data)
        except (TypeError, ValueError, KeyError) as exc:
            raise InputError(f"The transcript file {p} is malformed ({exc}).", _HINT) from exc
        if not tr.turns:
            raise InputError(f"The transcript file {p} has no turns.", _HINT)
        return tr
    return transcript_from_gold(data, source=str(p), session_id=stem)
