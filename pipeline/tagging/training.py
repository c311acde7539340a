"""Training data for the sentence classifier, from gold files; cross-validation by session.

A sentence (as the tagger segments it) is a positive example of a label when a gold tag of that
label overlaps it. Features are computed exactly as at tagging time. Used by
``models/tagger/train_classifier.py`` and by ``rolegrid eval --cv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .classifier import MIN_WORDS, MODEL_LABELS, SentenceClassifier, sentence_matrix, train


@dataclass(frozen=True)
class SessionData:
    """One gold session turned into sentence features and labels."""

    session_id: str
    roles: tuple[str, ...]
    x: np.ndarray
    y: dict[str, np.ndarray]  # label -> 0/1 per sentence


def cue_labels(tagger: Any) -> tuple[str, ...]:
    return tuple(sorted(tagger.resources.cues.get("labels", {})))


def session_data(session: Any, tagger: Any) -> SessionData:
    """Sentences of a :class:`~pipeline.evaluation.GoldSession` with features and gold labels."""
    from .components import build_doc

    nlp = tagger.nlp
    turns = [t for t in session.transcript.turns if t.text.strip()]
    doc = build_doc(nlp, turns)
    for name, proc in nlp.pipeline:
        if name == "rolegrid_context":
            break
        doc = proc(doc)
    ctx = nlp.get_pipe("rolegrid_context")
    sents = ctx._sentences(doc)
    metas = doc.user_data["rg_turns"]
    offset = {m["id"]: m["offset"] for m in metas}
    labels = sorted({lab for labs in MODEL_LABELS.values() for lab in labs})
    y = {lab: np.zeros(len(sents)) for lab in labels}
    for g in session.tags:
        if g.label not in y or g.start_char is None or g.turn_id not in offset:
            continue
        a = offset[g.turn_id] + g.start_char
        b = offset[g.turn_id] + g.end_char
        for k, s in enumerate(sents):
            if s.char_start < b and a < s.char_end:
                y[g.label][k] = 1.0
    # Same sentences as at tagging time: short ones get no classifier score there.
    keep = [k for k, s in enumerate(sents) if s.n_words >= MIN_WORDS]
    x = sentence_matrix(sents, len(metas), cue_labels(tagger), tagger.encoder, only=keep)
    return SessionData(
        session.session_id, tuple(sents[k].role for k in keep), x, {lab: v[keep] for lab, v in y.items()}
    )


def fit(
    data: Sequence[SessionData], tagger: Any, l2: float | None = None, meta: dict[str, Any] | None = None
) -> SentenceClassifier:
    """Train the per-role, per-label models on these sessions (``l2`` default: settings.yaml)."""
    if l2 is None:
        l2 = float(tagger.resources.settings.get("classifier_l2", 30.0))
    rows = {}
    for role, labels in MODEL_LABELS.items():
        xs, ys = [], {lab: [] for lab in labels}
        for d in data:
            mask = np.array([r == role for r in d.roles])
            if not mask.any():
                continue
            xs.append(d.x[mask])
            for lab in labels:
                ys[lab].append(d.y[lab][mask])
        if xs:
            rows[role] = (np.vstack(xs), {lab: np.concatenate(v) for lab, v in ys.items()})
    dim = next(iter(rows.values()))[0].shape[1]
    names = [f"use_{i}" for i in range(512)] + [f"f{i}" for i in range(dim - 512)]
    meta = dict(meta or {})
    meta.setdefault("sessions", [d.session_id for d in data])
    meta.setdefault("l2", l2)
    return train(rows, names, cue_labels(tagger), l2=l2, meta=meta)
