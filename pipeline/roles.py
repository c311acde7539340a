"""Which speaker is the candidate (the seller) and which the client.

The cues are data (``models/roles.yaml``): French patterns for what a seller says (introduces
themself and the offer, "je vous propose", discovery questions…) and what a client says
("votre offre", objections, needs, asking the price), plus two structural cues (first speaker,
who asks more questions). Each speaker gets a candidate score and a client score; the speaker
with the highest (candidate − client) score is the candidate. The confidence is a logistic of the
margin between the two best speakers; the reasons list the cues that decided it.

``override`` (``--candidate SPEAKER``) wins with source ``"user"``. With one speaker only, that
speaker is the candidate, the client is None and a warning is logged (and listed in reasons).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError
from .paths import data_dir
from .types import DISTANT_SPEAKER, RoleAssignment, Transcript, Turn

log = logging.getLogger(__name__)

DEFAULT_CUES = data_dir("models") / "roles.yaml"


@dataclass(frozen=True)
class Cue:
    id: str
    label: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class RoleCues:
    candidate: tuple[Cue, ...]
    client: tuple[Cue, ...]
    first_speaker_weight: float
    first_speaker_label: str
    questions: Cue | None
    scale: float
    max_hits: int


def _cue(raw: Any, where: str) -> Cue:
    if not isinstance(raw, dict) or "id" not in raw or "patterns" not in raw:
        raise ConfigError(f"{where}: each cue needs an id and patterns.", "Fix models/roles.yaml.")
    try:
        pats = tuple(re.compile(p, re.IGNORECASE) for p in raw["patterns"])
    except re.error as exc:
        raise ConfigError(
            f"{where} cue {raw['id']!r}: bad pattern ({exc}).", "Fix models/roles.yaml."
        ) from exc
    return Cue(
        id=str(raw["id"]),
        label=str(raw.get("label", raw["id"])),
        weight=float(raw.get("weight", 1.0)),
        patterns=pats,
    )


@functools.lru_cache(maxsize=4)
def load_cues(path: str | Path = DEFAULT_CUES) -> RoleCues:
    """Read the role cues file (``models/roles.yaml``)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"Cannot read the role cues file {path} ({exc}).", "Restore models/roles.yaml."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at top level.", "Restore models/roles.yaml.")
    first = data.get("first_speaker") or {}
    q = data.get("more_questions")
    return RoleCues(
        candidate=tuple(_cue(c, f"{path} candidate") for c in data.get("candidate", [])),
        client=tuple(_cue(c, f"{path} client") for c in data.get("client", [])),
        first_speaker_weight=float(first.get("weight", 0.0)),
        first_speaker_label=str(first.get("label", "parle en premier")),
        questions=_cue({"id": "more_questions", **q}, f"{path} more_questions") if q else None,
        scale=float(data.get("scale", 2.0)),
        max_hits=int(data.get("max_hits", 3)),
    )


def _count(cue: Cue, text: str) -> int:
    return sum(len(p.findall(text)) for p in cue.patterns)


def _scores(turns: Sequence[Turn], cues: RoleCues) -> dict[str, dict[str, Any]]:
    """Per speaker: candidate score, client score and the cues that fired."""
    texts: dict[str, list[str]] = {}
    for t in turns:
        texts.setdefault(t.speaker, []).append(t.text)
    out: dict[str, dict[str, Any]] = {}
    for spk, parts in texts.items():
        text = "\n".join(parts)
        fired: list[tuple[str, str, float, int]] = []  # side, label, weight, hits
        cand = clie = 0.0
        for side, side_cues in (("candidate", cues.candidate), ("client", cues.client)):
            for cue in side_cues:
                hits = _count(cue, text)
                if hits:
                    score = cue.weight * min(hits, cues.max_hits)
                    fired.append((side, cue.label, score, hits))
                    if side == "candidate":
                        cand += score
                    else:
                        clie += score
        questions = _count(cues.questions, text) if cues.questions else 0
        out[spk] = {"candidate": cand, "client": clie, "fired": fired, "questions": questions}
    return out


def assign_roles(
    turns: Sequence[Turn],
    override: str | None = None,
    *,
    cues: RoleCues | None = None,
) -> RoleAssignment:
    """Decide the candidate and the client among the speakers of ``turns``.

    Raises InputError when ``override`` names a speaker that does not occur, or when there is no
    speech at all.
    """
    # a distant voice (another person in the room) is never the candidate or the client
    turns = [t for t in turns if t.speaker != DISTANT_SPEAKER]
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    if not speakers:
        raise InputError(
            "No speech was found, so no speaker can be given a role.",
            "Check that the recording contains the conversation.",
        )
    speech = {s: sum(t.end - t.start for t in turns if t.speaker == s) for s in speakers}
    by_time = sorted(speakers, key=lambda s: (-speech[s], s))

    if override is not None:
        if override not in speakers:
            raise InputError(
                f"--candidate {override} is not one of the speakers found ({', '.join(speakers)}).",
                "Give one of these labels.",
            )
        others = [s for s in by_time if s != override]
        client = others[0] if others else None
        reasons = [f"choisi par l'utilisateur (--candidate {override})"]
        if client is None:
            reasons.append("un seul locuteur détecté : pas de client")
        return RoleAssignment(override, client, 1.0, tuple(reasons), source="user")

    if len(speakers) == 1:
        log.warning("Only one speaker was found (%s): taken as the candidate, no client.", speakers[0])
        return RoleAssignment(
            speakers[0],
            None,
            0.5,
            ("un seul locuteur détecté : il est pris pour le candidat, pas de client",),
        )

    cues = cues or load_cues()
    sc = _scores(turns, cues)
    first = turns[0].speaker
    if cues.first_speaker_weight:
        sc[first]["candidate"] += cues.first_speaker_weight
        sc[first]["fired"].append(("candidate", cues.first_speaker_label, cues.first_speaker_weight, 1))
    if cues.questions is not None:
        most = max(speakers, key=lambda s: sc[s]["questions"])
        counts = sorted((sc[s]["questions"] for s in speakers), reverse=True)
        if counts[0] > counts[1]:
            sc[most]["candidate"] += cues.questions.weight
            sc[most]["fired"].append(("candidate", cues.questions.label, cues.questions.weight, counts[0]))

    def net(s: str) -> float:
        return sc[s]["candidate"] - sc[s]["client"]

    # deterministic: best net score, then the first speaker, then the label
    order = sorted(speakers, key=lambda s: (-net(s), s != first, s))
    candidate = order[0]
    rest = [s for s in order[1:]]
    # client: the other speaker with the most client-like score, then the most speech
    client = min(rest, key=lambda s: (net(s), -speech[s], s))
    margin = net(candidate) - net(client)
    confidence = round(1.0 / (1.0 + math.exp(-margin / cues.scale)), 3)

    reasons: list[str] = []
    for spk, role in ((candidate, "candidat"), (client, "client")):
        for side, label, score, hits in sorted(sc[spk]["fired"], key=lambda f: -f[2]):
            kind = "indice vendeur" if side == "candidate" else "indice client"
            reasons.append(f"{spk} ({role}) : {kind} « {label} » ×{hits} (poids {score:g})")
    if margin <= 0:
        reasons.append(
            "aucun indice ne départage les locuteurs : le premier à parler est pris pour le candidat"
        )
    if len(speakers) > 2:
        extra = [s for s in speakers if s not in (candidate, client)]
        reasons.append(f"locuteurs sans rôle : {', '.join(extra)}")
    return RoleAssignment(candidate, client, confidence, tuple(reasons), source="auto")


def apply_roles(transcript: Transcript, roles: RoleAssignment) -> Transcript:
    """The transcript with ``roles`` attached and each turn's ``role`` set (None for other speakers)."""
    turns = tuple(dataclasses.replace(t, role=roles.role_of(t.speaker)) for t in transcript.turns)
    return dataclasses.replace(transcript, turns=turns, roles=roles)
