"""The French utterance tagger: the 27 labels of ``../shared/spec/tags.md`` with evidence and links.

``load_tagger()`` loads spaCy's French pipeline, the data files of ``models/tagger`` and the offline
sentence encoder once; ``tag_transcript(transcript, tagger)`` returns a :class:`~pipeline.types.TagSet`.
Importing this package stays light: spaCy and the encoder are imported by ``load_tagger``.
"""

from __future__ import annotations

from .tagger import (
    STAGE,
    STAGE_VERSION,
    Tagger,
    load_tagger,
    tag_file,
    tag_provenance,
    tag_transcript,
    write_tags,
)

CANDIDATE_LABELS: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "need_reformulation",
    "active_listening",
    "rapport",
    "argument",
    "concrete_example",
    "technical_translation",
    "adjustment",
    "objection_reformulation",
    "objection_probe",
    "objection_response",
    "concession",
    "buying_signal_ack",
    "closing_question",
    "next_step",
    "agreement_summary",
    "followup_action",
    "personalized_detail",
    "feedback_question",
)
CLIENT_LABELS: tuple[str, ...] = (
    "need",
    "objection",
    "doubt_resolved",
    "buying_signal",
    "agreement",
    "comfort_signal",
    "discomfort_signal",
)
LABELS: tuple[str, ...] = CANDIDATE_LABELS + CLIENT_LABELS
QUESTION_LABELS: tuple[str, ...] = ("open_question", "closed_question")

__all__ = [
    "CANDIDATE_LABELS",
    "CLIENT_LABELS",
    "LABELS",
    "QUESTION_LABELS",
    "STAGE",
    "STAGE_VERSION",
    "Tagger",
    "load_tagger",
    "tag_file",
    "tag_provenance",
    "tag_transcript",
    "write_tags",
]
