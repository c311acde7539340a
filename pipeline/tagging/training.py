"""Training data for the sentence classifier, from gold files; cross-validation by session.

A sentence (as the tagger segments it) is a positive example of a label when a gold tag of that
label overlaps it. Features are computed exactly as at tagging time (every block of
:data:`~pipeline.tagging.classifier.BLOCKS`; :func:`fit` keeps those it is asked for). Used by
``models/tagger/train_classifier.py`` and by ``rolegrid eval --cv``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from ..types import TAG_LABELS
from .classifier import (
    BLOCKS,
    DEFAULT_BLOCKS,
    MODEL_LABELS,
    SentenceClassifier,
    block_names,
    scored_indices,
    sentence_matrix,
    train,
)

T = TypeVar("T")


@dataclass(frozen=True)
class SessionData:
    """One gold session turned into sentence features (all blocks) and labels."""

    session_id: str
    roles: tuple[str, ...]
    x: np.ndarray
    y: dict[str, np.ndarray]  # label -> 0/1 per sentence
    blocks: tuple[str, ...] = BLOCKS
    widths: tuple[int, ...] = ()  # columns of each block of ``x``

    def columns(self, blocks: Sequence[str]) -> np.ndarray:
        """``x`` restricted to ``blocks`` (in that order)."""
        starts = np.cumsum((0, *self.widths))
        parts = []
        for b in blocks:
            i = self.blocks.index(b)
            parts.append(self.x[:, starts[i] : starts[i + 1]])
        return np.hstack(parts) if parts else np.zeros((len(self.x), 0))


def cue_labels(tagger: Any) -> tuple[str, ...]:
    """Labels of ``cues.yaml`` (their cue flags are features), sorted."""
    return tuple(sorted(tagger.resources.cues.get("labels", {})))


def sentences_of(turns: Sequence[Any], tagger: Any) -> tuple[Any, list[Any]]:
    """The Doc of ``turns`` after the components that precede the context step, and its sentences
    (``Sent``, with their cues and forms): what the classifier sees, before any tag is decided."""
    from .components import build_doc

    doc = build_doc(tagger.nlp, list(turns))
    for name, proc in tagger.nlp.pipeline:
        if name == "rolegrid_context":
            break
        doc = proc(doc)
    return doc, tagger.nlp.get_pipe("rolegrid_context")._sentences(doc)


def session_data(session: Any, tagger: Any) -> SessionData:
    """Sentences of a :class:`~pipeline.evaluation.GoldSession` with features and gold labels."""
    turns = [t for t in session.transcript.turns if t.text.strip()]
    doc, sents = sentences_of(turns, tagger)
    metas = doc.user_data["rg_turns"]
    offset = {m["id"]: m["offset"] for m in metas}
    # Every label of the taxonomy (not only those scored now), so that the label set can change.
    y = {lab: np.zeros(len(sents)) for lab in TAG_LABELS}
    for g in session.tags:
        if g.label not in y or g.start_char is None or g.turn_id not in offset:
            continue
        a = offset[g.turn_id] + g.start_char
        b = offset[g.turn_id] + g.end_char
        for k, s in enumerate(sents):
            if s.char_start < b and a < s.char_end:
                y[g.label][k] = 1.0
    # Same sentences as at tagging time: the others get no classifier score there.
    keep = scored_indices(sents, tuple(MODEL_LABELS))
    cues = cue_labels(tagger)
    x = sentence_matrix(sents, len(metas), cues, tagger.encoder, only=keep, blocks=BLOCKS)
    widths = tuple(len(block_names(b, cues)) for b in BLOCKS)
    return SessionData(
        session.session_id,
        tuple(sents[k].role for k in keep),
        x,
        {lab: v[keep] for lab, v in y.items()},
        BLOCKS,
        widths,
    )


# The task a forked worker runs: set just before the pool forks, never pickled (only indices travel).
_TASK: Callable[[int], Any] | None = None


def _run_task(i: int) -> Any:
    assert _TASK is not None
    return _TASK(i)


def fork_map(task: Callable[[int], T], n: int, jobs: int = 0, chunksize: int = 1) -> list[T]:
    """``[task(0), …, task(n - 1)]``, in order, on ``jobs`` forked processes (0: one per core).

    Forked workers inherit what ``task`` reads (a loaded tagger, features, models), so nothing is pickled
    but the indices and the results, and ``task`` may be a closure. Where ``fork`` is unavailable, or for
    one job or one item, it runs in this process.
    """
    import multiprocessing as mp
    import os

    global _TASK
    k = min(jobs if jobs > 0 else (os.cpu_count() or 1), n)
    if k <= 1 or "fork" not in mp.get_all_start_methods():
        return [task(i) for i in range(n)]
    _TASK = task
    try:
        with mp.get_context("fork").Pool(k) as pool:
            return pool.map(_run_task, range(n), chunksize=chunksize)
    finally:
        _TASK = None


def sessions_data(sessions: Sequence[Any], tagger: Any, jobs: int = 0) -> list[SessionData]:
    """:func:`session_data` of every session, in order, on ``jobs`` processes (0: one per core).

    Each session is featurised independently, so the result is the same for any ``jobs`` (forked
    workers inherit the loaded tagger; nothing is reloaded; see :func:`fork_map`).
    """
    return fork_map(lambda i: session_data(sessions[i], tagger), len(sessions), jobs)


def _rows(
    data: Sequence[SessionData],
    xs: Sequence[np.ndarray],
    labels: Mapping[str, Sequence[str]],
) -> dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]:
    rows = {}
    for role, role_labels in labels.items():
        parts, ys = [], {lab: [] for lab in role_labels}
        for d, x in zip(data, xs, strict=True):
            mask = np.array([r == role for r in d.roles], dtype=bool)
            if not mask.any():
                continue
            parts.append(x[mask])
            for lab in role_labels:
                ys[lab].append(d.y[lab][mask])
        if parts:
            rows[role] = (np.vstack(parts), {lab: np.concatenate(v) for lab, v in ys.items()})
    return rows


def fit(
    data: Sequence[SessionData],
    tagger: Any,
    l2: float | None = None,
    meta: dict[str, Any] | None = None,
    blocks: Sequence[str] = DEFAULT_BLOCKS,
    balance: float = 1.0,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> SentenceClassifier:
    """Train the per-role, per-label models on these sessions.

    ``l2`` defaults to ``classifier_l2`` of ``settings.yaml``; ``blocks`` are the feature blocks
    used (:data:`~pipeline.tagging.classifier.BLOCKS`), ``balance`` the class-weight exponent
    (:func:`~pipeline.tagging.classifier.fit_logistic_multi`), ``labels`` (role -> labels)
    defaults to :data:`MODEL_LABELS`."""
    if l2 is None:
        l2 = float(tagger.resources.settings.get("classifier_l2", 100.0))
    blocks = tuple(blocks)
    labels = MODEL_LABELS if labels is None else labels
    xs = [d.columns(blocks) for d in data]
    cues = cue_labels(tagger)
    names = [n for b in blocks for n in block_names(b, cues)]
    meta = dict(meta or {})
    meta.setdefault("sessions", [d.session_id for d in data])
    meta.setdefault("l2", l2)
    meta.setdefault("balance", balance)
    return train(_rows(data, xs, labels), names, cues, l2=l2, meta=meta, blocks=blocks, balance=balance)
