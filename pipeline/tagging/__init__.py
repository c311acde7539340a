"""The French utterance tagger: the 27 labels of ``../shared/spec/tags.md`` with evidence and links.

``load_tagger()`` loads spaCy's French pipeline, the data files of ``models/tagger`` and the offline
sentence encoder once; ``tag_transcript(transcript, tagger)`` returns a :class:`~pipeline.types.TagSet`.
Importing this package stays light: spaCy and the encoder are imported by ``load_tagger``.
"""

from __future__ import annotations

from ..types import CANDIDATE_LABELS, CLIENT_LABELS, TAG_LABELS
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

LABELS: tuple[str, ...] = TAG_LABELS
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
