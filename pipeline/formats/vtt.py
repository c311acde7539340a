"""WebVTT with voice tags: one cue per turn, ``<v Candidat (SPEAKER_00)>text``.

The voice name shows the role in French and keeps the speaker label in brackets, so the file reads
well in a player and parses back: ``Candidat (X)`` → speaker X, role candidate; ``Client (Y)`` →
speaker Y, role client; any other ``<v Name>`` → speaker ``Name`` with no role.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write_text
from ..types import Transcript

log = logging.getLogger(__name__)

ROLE_LABELS = {"candidate": "Candidat", "client": "Client"}
_ROLE_FROM_LABEL = {
    "candidat": "candidate",
    "candidate": "candidate",
    "vendeur": "candidate",
    "client": "client",
}

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s+.*)?$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")
_ROLE_VOICE = re.compile(r"^\s*(\w+)\s*\((.+)\)\s*$")


def format_timestamp(t: float) -> str:
    ms = int(round(t * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def parse_timestamp(text: str) -> float:
    parts = text.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def voice_name(speaker: str, role: str | None) -> str:
    """The ``<v …>`` name of a speaker: ``Candidat (SPEAKER_00)`` or the bare label."""
    return f"{ROLE_LABELS[role]} ({speaker})" if role in ROLE_LABELS else speaker


def parse_voice(name: str) -> tuple[str, str | None]:
    """(speaker label, role or None) from a voice name written by :func:`voice_name` or by others."""
    name = name.strip()
    m = _ROLE_VOICE.match(name)
    if m and m.group(1).lower() in _ROLE_FROM_LABEL:
        return m.group(2).strip(), _ROLE_FROM_LABEL[m.group(1).lower()]
    if name.lower() in _ROLE_FROM_LABEL:
        role = _ROLE_FROM_LABEL[name.lower()]
        return role, role
    return name, None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "->")


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&amp;", "&")
    )


def format_vtt(transcript: Transcript) -> str:
    """WebVTT text of the transcript: one cue per turn, cue id = turn id."""
    out = ["WEBVTT", ""]
    if transcript.session_id:
        out += [f"NOTE rolegrid session {transcript.session_id}", ""]
    for t in transcript.turns:
        role = t.role or (transcript.roles.role_of(t.speaker) if transcript.roles else None)
        text = " ".join(_escape(t.text).split())
        out += [
            t.id,
            f"{format_timestamp(t.start)} --> {format_timestamp(t.end)}",
            f"<v {voice_name(t.speaker, role)}>{text}",
            "",
        ]
    return "\n".join(out)


def write_vtt(path: str | os.PathLike[str], transcript: Transcript) -> Path:
    """Write the transcript as WebVTT, atomically."""
    return atomic_write_text(path, format_vtt(transcript))


@dataclass(frozen=True)
class VttCue:
    """One voiced piece of a cue (a cue with two voices gives two pieces)."""

    id: str
    start: float
    end: float
    speaker: str
    role: str | None
    text: str


def parse_vtt(text: str, source: str = "WebVTT") -> list[VttCue]:
    """Cues of a WebVTT text, split by voice. Raises InputError when it is not WebVTT."""
    text = text.lstrip("\ufeff")
    if not text.startswith("WEBVTT"):
        raise InputError(
            f"{source} is not a WebVTT file (it does not start with 'WEBVTT').", "Give a .vtt file."
        )
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    cues: list[VttCue] = []
    for block in blocks[1:]:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        cue_id = ""
        if not _TIMING.match(lines[0]):
            cue_id, lines = lines[0].strip(), lines[1:]
        if not lines or not (m := _TIMING.match(lines[0])):
            raise InputError(
                f"{source}: cue {cue_id or '?'} has no valid timing line ('00:00:01.000 --> 00:00:02.000').",
                "Fix the file.",
            )
        start, end = parse_timestamp(m.group(1)), parse_timestamp(m.group(2))
        if end < start:
            raise InputError(f"{source}: cue {cue_id or '?'} ends before it starts.", "Fix the file.")
        pieces: list[list] = []  # [speaker, role, text]
        for ln in lines[1:]:
            v = _VOICE.search(ln)
            if v:
                speaker, role = parse_voice(_unescape(v.group(1)))
            elif pieces:
                speaker, role = pieces[-1][0], pieces[-1][1]
            else:
                speaker, role = "UNKNOWN", None
            words = " ".join(_unescape(_TAG.sub("", ln)).split())
            if not words:
                continue
            if pieces and pieces[-1][0] == speaker:
                pieces[-1][2] += " " + words
            else:
                pieces.append([speaker, role, words])
        n_words = sum(len(p[2].split()) for p in pieces) or 1
        t = start
        for i, (speaker, role, words) in enumerate(pieces):
            piece_end = end if i == len(pieces) - 1 else t + (end - start) * len(words.split()) / n_words
            piece_id = cue_id if len(pieces) == 1 else (f"{cue_id}.{i + 1}" if cue_id else "")
            cues.append(VttCue(piece_id, t, piece_end, speaker, role, words))
            t = piece_end
    return cues
