"""A small sentence classifier that backs the rules where cue words are not enough.

One logistic regression per label (one-vs-rest) over the sentence's multilingual USE embedding
plus a few features the rules already compute (cue flags, question form, position in the session).
Pure numpy, deterministic (zero start, full-batch gradient descent): the same data gives the same
weights. Training lives in ``models/tagger/train_classifier.py``; weights in
``models/tagger/sentence_classifier.npz`` (+ ``.json`` with labels, feature names and figures).

At tagging time a label's probability enters the rules in :mod:`pipeline.tagging.context`: a
sentence carries the label when a cue fires and p >= ``low``, or when p >= ``high`` without a cue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Labels the classifier scores, per role (sentence-level acts with enough gold examples).
MODEL_LABELS: Mapping[str, tuple[str, ...]] = {
    "client": ("need", "objection", "comfort_signal", "buying_signal", "doubt_resolved", "discomfort_signal"),
    "candidate": (
        "argument",
        "objection_response",
        "rapport",
        "concrete_example",
        "technical_translation",
        "followup_action",
        "personalized_detail",
        "need_reformulation",
    ),
}


def scalar_features(
    sent: Any, cue_labels: Sequence[str], share: float, first: bool, last: bool
) -> list[float]:
    """Hand-made features of a :class:`~pipeline.tagging.context.Sent` (same at training and tagging)."""
    words = sent.words
    feats = [
        share,
        min(sent.n_words, 40) / 20.0,
        float(sent.form == "open"),
        float(sent.form == "closed"),
        float("?" in sent.text),
        float(sent.second_person),
        float(any(w in ("je", "j'", "moi", "mon", "ma", "mes") for w in words)),
        float(any(w in ("on", "nous", "notre", "nos") for w in words)),
        float(sent.has_digit),
        float(first),
        float(last),
        float(any(w in ("pas", "ne", "n'", "jamais", "rien") for w in words)),
        float("(rires)" in sent.text or "rire" in sent.text),
    ]
    feats += [float(sent.cue(label) is not None) for label in cue_labels]
    return feats


@dataclass(frozen=True)
class SentenceClassifier:
    """Weights of the one-vs-rest logistic regressions, per role."""

    feature_names: tuple[str, ...]
    cue_labels: tuple[str, ...]
    weights: Mapping[str, Mapping[str, tuple[np.ndarray, float]]]  # role -> label -> (coef, bias)
    mean: np.ndarray
    scale: np.ndarray
    meta: Mapping[str, Any]

    def predict(self, role: str, x: np.ndarray) -> dict[str, np.ndarray]:
        """Probabilities of each label of ``role`` for the rows of ``x`` (raw features)."""
        z = (x - self.mean) / self.scale
        out = {}
        for label, (coef, bias) in self.weights.get(role, {}).items():
            out[label] = 1.0 / (1.0 + np.exp(-(z @ coef + bias)))
        return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 400, lr: float = 0.5
) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression by full-batch gradient descent (deterministic)."""
    n, d = x.shape
    pos = max(1.0, float(y.sum()))
    neg = max(1.0, float(n - y.sum()))
    w_s = np.where(y > 0, n / (2 * pos), n / (2 * neg))
    coef = np.zeros(d)
    bias = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(x @ coef + bias)))
        g = (p - y) * w_s
        coef -= lr * (x.T @ g / n + l2 * coef / n)
        bias -= lr * float(g.mean())
    return coef, bias


def train(
    rows: Mapping[str, tuple[np.ndarray, Mapping[str, np.ndarray]]],
    feature_names: Sequence[str],
    cue_labels: Sequence[str],
    l2: float = 1.0,
    meta: Mapping[str, Any] | None = None,
) -> SentenceClassifier:
    """Fit one model per (role, label) from ``rows[role] = (X, {label: y})``."""
    all_x = np.vstack([x for x, _ in rows.values() if len(x)])
    mean = all_x.mean(axis=0)
    scale = all_x.std(axis=0) + 1e-6
    weights: dict[str, dict[str, tuple[np.ndarray, float]]] = {}
    for role, (x, ys) in rows.items():
        z = (x - mean) / scale
        weights[role] = {}
        for label, y in ys.items():
            if y.sum() < 2:
                continue
            weights[role][label] = fit_logistic(z, y.astype(float), l2=l2)
    return SentenceClassifier(tuple(feature_names), tuple(cue_labels), weights, mean, scale, dict(meta or {}))


def save(clf: SentenceClassifier, path: str | Path) -> None:
    """Write ``path`` (.npz weights) and ``path.json`` (labels, feature names, metadata)."""
    import io

    from ..fileio import atomic_write_bytes, atomic_write_text

    arrays: dict[str, np.ndarray] = {"mean": clf.mean, "scale": clf.scale}
    index = {}
    for role, per in clf.weights.items():
        for label, (coef, bias) in per.items():
            key = f"{role}__{label}"
            arrays[key + "__coef"] = coef
            arrays[key + "__bias"] = np.array([bias])
            index.setdefault(role, []).append(label)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    p = Path(path)
    atomic_write_bytes(p, buf.getvalue())
    info = {
        "feature_names": list(clf.feature_names),
        "cue_labels": list(clf.cue_labels),
        "labels": index,
        "meta": clf.meta,
    }
    atomic_write_text(p.with_suffix(".json"), json.dumps(info, ensure_ascii=False, indent=2) + "\n")


def load(path: str | Path) -> SentenceClassifier | None:
    """Read weights written by :func:`save`; None when the file is absent."""
    p = Path(path)
    if not p.is_file() or not p.with_suffix(".json").is_file():
        return None
    info = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
    data = np.load(p)
    weights: dict[str, dict[str, tuple[np.ndarray, float]]] = {}
    for role, labels in info["labels"].items():
        weights[role] = {}
        for label in labels:
            key = f"{role}__{label}"
            weights[role][label] = (data[key + "__coef"], float(data[key + "__bias"][0]))
    return SentenceClassifier(
        tuple(info["feature_names"]),
        tuple(info["cue_labels"]),
        weights,
        data["mean"],
        data["scale"],
        info.get("meta", {}),
    )


#: Sentences shorter than this (in words) get no classifier score.
MIN_WORDS = 3


def sentence_matrix(
    sents: Sequence[Any],
    n_turns: int,
    cue_labels: Sequence[str],
    encoder: Any,
    only: Sequence[int] | None = None,
) -> np.ndarray:
    """Feature rows (embedding + scalar features) of the sentences (those of ``only`` when given)."""
    if only is not None:
        picked = [sents[k] for k in only]
        full = sentence_matrix_rows(sents, n_turns, cue_labels)
        return np.hstack([_embed(picked, encoder), full[list(only)]]) if picked else np.zeros((0, 0))
    return np.hstack([_embed(list(sents), encoder), sentence_matrix_rows(sents, n_turns, cue_labels)])


def _embed(sents: Sequence[Any], encoder: Any) -> np.ndarray:
    missing = [s for s in sents if s.emb is None]
    if missing:
        for s, v in zip(missing, encoder.encode([s.text for s in missing]), strict=False):
            s.emb = v
    return np.asarray([s.emb for s in sents], dtype=np.float64)


def sentence_matrix_rows(sents: Sequence[Any], n_turns: int, cue_labels: Sequence[str]) -> np.ndarray:
    rows = []
    for k, s in enumerate(sents):
        first = k == 0 or sents[k - 1].turn != s.turn
        last = k == len(sents) - 1 or sents[k + 1].turn != s.turn
        share = s.turn / max(1, n_turns - 1)
        rows.append(scalar_features(s, cue_labels, share, first, last))
    return np.asarray(rows, dtype=np.float64)


def annotate(sents: Sequence[Any], n_turns: int, clf: SentenceClassifier, encoder: Any) -> None:
    """Set ``sent.probs[label]`` for every sentence of a known role."""
    # Backchannels and one-word sentences are left to the rules (and not embedded: speed).
    idx = [k for k, s in enumerate(sents) if s.role in clf.weights and s.n_words >= MIN_WORDS]
    if not idx:
        return
    x = sentence_matrix(sents, n_turns, clf.cue_labels, encoder, only=idx)
    pos = {k: r for r, k in enumerate(idx)}
    for role in clf.weights:
        rows = [k for k in idx if sents[k].role == role]
        if not rows:
            continue
        probs = clf.predict(role, x[[pos[k] for k in rows]])
        for label, p in probs.items():
            for k, v in zip(rows, p, strict=False):
                sents[k].probs[label] = float(v)
