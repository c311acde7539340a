"""A small sentence classifier that backs the rules where cue words are not enough.

One logistic regression per label (one-vs-rest) over feature blocks of the sentence (see
:data:`BLOCKS`): its multilingual USE embedding, a few features the rules already compute (cue
flags, question form, position in the session) and its context in the conversation (how close it
is to what the other speaker just said and to what was said before, the cues of the other
speaker's last turn). Pure numpy, deterministic (zero start, full-batch gradient descent): the same
data gives the same weights. Training lives in :mod:`pipeline.tagging.training` and
``models/tagger/train_classifier.py``; weights in ``models/tagger/sentence_classifier.npz`` (+
``.json`` with labels, feature blocks, names and figures).

At tagging time a label's probability enters the rules in :mod:`pipeline.tagging.context`: a
sentence carries the label when a cue fires and p >= ``low``, or when p >= ``high`` without a cue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

#: Feature blocks, side by side in this order:
#: ``use``: the sentence embedding; ``scalar``: form, length, position, pronouns, cue flags;
#: ``context``: similarities to the other speaker's last turn and to earlier sentences, the
#: question forms and cue flags of the other speaker's last turn.
BLOCKS: tuple[str, ...] = ("use", "scalar", "context")
#: Blocks of weights saved without a block list (the first version of the classifier).
LEGACY_BLOCKS: tuple[str, ...] = ("use", "scalar")
#: Blocks used when training a new model.
DEFAULT_BLOCKS: tuple[str, ...] = ("use", "scalar", "context")

#: Sentences shorter than this (in words) get no classifier score.
MIN_WORDS = 3

_ROLES = ("client", "candidate")


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


def block_names(block: str, cue_labels: Sequence[str], dim: int = 512) -> list[str]:
    """Column names of one feature block."""
    if block == "use":
        return [f"use_{i}" for i in range(dim)]
    if block == "scalar":
        base = ["share", "words", "open", "closed", "qmark", "vous", "je", "nous", "digit", "first", "last"]
        base += ["negation", "laughter"]
        return base + [f"cue:{c}" for c in cue_labels]
    if block == "context":
        base = ["sim_prev_other", "max_sim_other", "max_sim_same", "sim_prev_sent", "prev_other_words"]
        base += ["prev_other_question", "has_prev_other", "prev_other_open", "prev_other_closed"]
        return base + [f"prev_cue:{c}" for c in cue_labels]
    raise ValueError(f"unknown feature block {block!r}")


@dataclass(frozen=True)
class SentenceClassifier:
    """Weights of the one-vs-rest logistic regressions, per role."""

    feature_names: tuple[str, ...]
    cue_labels: tuple[str, ...]
    weights: Mapping[str, Mapping[str, tuple[np.ndarray, float]]]  # role -> label -> (coef, bias)
    mean: np.ndarray
    scale: np.ndarray
    meta: Mapping[str, Any]
    blocks: tuple[str, ...] = field(default=LEGACY_BLOCKS)

    def predict(self, role: str, x: np.ndarray) -> dict[str, np.ndarray]:
        """Probabilities of each label of ``role`` for the rows of ``x`` (raw features)."""
        z = (x - self.mean) / self.scale
        out = {}
        for label, (coef, bias) in self.weights.get(role, {}).items():
            out[label] = _sigmoid(z @ coef + bias)
        return out


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(a, -30.0, 30.0)))


def fit_logistic_multi(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    iters: int = 400,
    lr: float = 0.5,
    balance: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """L2 logistic regressions of every column of ``y`` (n x L) on ``x`` (n x d), fitted together.

    Full-batch gradient descent from zero (deterministic). Class weights: a class of ``m`` rows
    weighs ``(n / 2m) ** balance`` (1: balanced classes, 0: plain likelihood).
    Returns ``coef`` (d x L) and ``bias`` (L)."""
    n, d = x.shape
    pos = np.maximum(1.0, y.sum(axis=0))
    neg = np.maximum(1.0, n - y.sum(axis=0))
    w_s = np.where(y > 0, (n / (2 * pos)) ** balance, (n / (2 * neg)) ** balance)
    coef = np.zeros((d, y.shape[1]))
    bias = np.zeros(y.shape[1])
    for _ in range(iters):
        p = _sigmoid(x @ coef + bias)
        g = (p - y) * w_s
        coef -= lr * (x.T @ g / n + l2 * coef / n)
        bias -= lr * g.mean(axis=0)
    return coef, bias


def train(
    rows: Mapping[str, tuple[np.ndarray, Mapping[str, np.ndarray]]],
    feature_names: Sequence[str],
    cue_labels: Sequence[str],
    l2: float = 1.0,
    meta: Mapping[str, Any] | None = None,
    blocks: Sequence[str] = LEGACY_BLOCKS,
    balance: float = 1.0,
) -> SentenceClassifier:
    """Fit one model per (role, label) from ``rows[role] = (X, {label: y})``.

    A label with fewer than two positive rows is left out (no score: its cues decide alone)."""
    all_x = np.vstack([x for x, _ in rows.values() if len(x)])
    mean = all_x.mean(axis=0)
    scale = all_x.std(axis=0) + 1e-6
    weights: dict[str, dict[str, tuple[np.ndarray, float]]] = {}
    for role, (x, ys) in rows.items():
        z = (x - mean) / scale
        labels = [lab for lab, y in ys.items() if y.sum() >= 2]
        weights[role] = {}
        if not labels:
            continue
        y = np.column_stack([ys[lab].astype(float) for lab in labels])
        coef, bias = fit_logistic_multi(z, y, l2=l2, balance=balance)
        for j, lab in enumerate(labels):
            weights[role][lab] = (coef[:, j].copy(), float(bias[j]))
    return SentenceClassifier(
        tuple(feature_names), tuple(cue_labels), weights, mean, scale, dict(meta or {}), tuple(blocks)
    )


def _arrays(clf: SentenceClassifier) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    arrays: dict[str, np.ndarray] = {"mean": clf.mean, "scale": clf.scale}
    index: dict[str, list[str]] = {}
    for role, per in clf.weights.items():
        index.setdefault(role, [])
        for label, (coef, bias) in per.items():
            key = f"{role}__{label}"
            arrays[key + "__coef"] = coef
            arrays[key + "__bias"] = np.array([bias])
            index[role].append(label)
    info = {
        "blocks": list(clf.blocks),
        "feature_names": list(clf.feature_names),
        "cue_labels": list(clf.cue_labels),
        "labels": index,
        "meta": clf.meta,
    }
    return arrays, info


def save(clf: SentenceClassifier, path: str | Path) -> None:
    """Write ``path`` (.npz weights) and ``path.json`` (labels, blocks, feature names, metadata)."""
    import io

    from ..fileio import atomic_write_bytes, atomic_write_text

    arrays, info = _arrays(clf)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    p = Path(path)
    atomic_write_bytes(p, buf.getvalue())
    atomic_write_text(p.with_suffix(".json"), json.dumps(info, ensure_ascii=False, indent=2) + "\n")


def _from_arrays(info: Mapping[str, Any], data: Mapping[str, np.ndarray]) -> SentenceClassifier:
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
        tuple(info.get("blocks", LEGACY_BLOCKS)),
    )


def load(path: str | Path) -> SentenceClassifier | None:
    """Read weights written by :func:`save`; None when the file is absent."""
    p = Path(path)
    if not p.is_file() or not p.with_suffix(".json").is_file():
        return None
    info = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
    with np.load(p) as data:
        return _from_arrays(info, {k: data[k] for k in data.files})


# --------------------------------------------------------------------------- features


def sentence_matrix(
    sents: Sequence[Any],
    n_turns: int,
    cue_labels: Sequence[str],
    encoder: Any,
    only: Sequence[int] | None = None,
    blocks: Sequence[str] = LEGACY_BLOCKS,
) -> np.ndarray:
    """Feature rows of the sentences (those of ``only`` when given): the ``blocks`` side by side."""
    idx = list(range(len(sents))) if only is None else list(only)
    if not idx:
        return np.zeros((0, 0))
    parts = []
    need_all = "context" in blocks  # the context needs every sentence's embedding
    emb = _embed(list(sents) if need_all else [sents[k] for k in idx], encoder)
    if not need_all:
        emb_of = dict(zip(idx, emb, strict=True))
    ctx = _Context(sents, emb, cue_labels) if need_all else None
    for block in blocks:
        if block == "use":
            parts.append(emb[idx] if need_all else np.asarray([emb_of[k] for k in idx]))
        elif block == "scalar":
            parts.append(sentence_matrix_rows(sents, n_turns, cue_labels)[idx])
        elif block == "context":
            assert ctx is not None
            parts.append(ctx.features(idx))
        else:
            raise ValueError(f"unknown feature block {block!r}")
    return np.hstack(parts)


def _embed(sents: Sequence[Any], encoder: Any) -> np.ndarray:
    missing = [s for s in sents if s.emb is None]
    if missing:
        # Backchannels ("d'accord", "oui") come back often: each distinct text is encoded once.
        texts = list(dict.fromkeys(s.text for s in missing))
        vecs = dict(zip(texts, encoder.encode(texts), strict=True))
        for s in missing:
            s.emb = vecs[s.text]
    return np.asarray([s.emb for s in sents], dtype=np.float64).reshape(len(sents), -1)


class _Context:
    """What the conversation says around each sentence (the other speaker's last turn, the past)."""

    def __init__(self, sents: Sequence[Any], emb: np.ndarray, cue_labels: Sequence[str]) -> None:
        self.sents = sents
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        self.unit = emb / np.maximum(norms, 1e-9)
        self.emb = emb
        self.cue_labels = list(cue_labels)
        # Turns in order, with their role and sentence indices.
        self.turns: list[tuple[int, str, list[int]]] = []
        for k, s in enumerate(sents):
            if not self.turns or self.turns[-1][0] != s.turn:
                self.turns.append((s.turn, s.role, []))
            self.turns[-1][2].append(k)
        self.turn_pos = {t: i for i, (t, _, _) in enumerate(self.turns)}
        self.sim = self.unit @ self.unit.T
        self._prev_cache: dict[int, list[int] | None] = {}

    def prev_other(self, k: int) -> list[int] | None:
        """Sentence indices of the last turn before sentence ``k``'s turn by the other known role."""
        s = self.sents[k]
        if s.turn in self._prev_cache:
            return self._prev_cache[s.turn]
        found = None
        for i in range(self.turn_pos[s.turn] - 1, -1, -1):
            _, role, ks = self.turns[i]
            if role in _ROLES and role != s.role:
                found = ks
                break
        self._prev_cache[s.turn] = found
        return found

    def features(self, idx: Sequence[int]) -> np.ndarray:
        n_cues = len(self.cue_labels)
        n_fixed = 9
        out = np.zeros((len(idx), n_fixed + n_cues))
        turn_start = {}
        for _, _, ks in self.turns:
            for k in ks:
                turn_start[k] = ks[0]
        roles = np.array([s.role for s in self.sents])
        known = np.isin(roles, _ROLES)
        for r, k in enumerate(idx):
            s = self.sents[k]
            prev = self.prev_other(k)
            start = turn_start[k]
            if start:  # sentences of earlier turns: by the other speaker, by the same one
                other = (roles[:start] != s.role) & known[:start]
                same = roles[:start] == s.role
                if other.any():
                    out[r, 1] = self.sim[k, :start][other].max()
                if same.any():
                    out[r, 2] = self.sim[k, :start][same].max()
            if k > start:
                out[r, 3] = self.sim[k, k - 1]
            if prev:
                mean = self.unit[prev].mean(axis=0)
                out[r, 0] = float(self.unit[k] @ mean / max(np.linalg.norm(mean), 1e-9))
                out[r, 4] = min(sum(self.sents[j].n_words for j in prev), 40) / 20.0
                out[r, 5] = float(any("?" in self.sents[j].text for j in prev))
                out[r, 6] = 1.0
                # Question forms, "?" or not (most spoken questions carry none).
                out[r, 7] = float(any(self.sents[j].form == "open" for j in prev))
                out[r, 8] = float(any(self.sents[j].form == "closed" for j in prev))
                for c, label in enumerate(self.cue_labels):
                    out[r, n_fixed + c] = float(any(self.sents[j].cue(label) is not None for j in prev))
        return out


def sentence_matrix_rows(sents: Sequence[Any], n_turns: int, cue_labels: Sequence[str]) -> np.ndarray:
    """The ``scalar`` block of every sentence."""
    rows = []
    for k, s in enumerate(sents):
        first = k == 0 or sents[k - 1].turn != s.turn
        last = k == len(sents) - 1 or sents[k + 1].turn != s.turn
        share = s.turn / max(1, n_turns - 1)
        rows.append(scalar_features(s, cue_labels, share, first, last))
    return np.asarray(rows, dtype=np.float64)


def scored_indices(sents: Sequence[Any], roles: Sequence[str]) -> list[int]:
    """Sentences that get a score: of a scored role, at least :data:`MIN_WORDS` words long."""
    return [k for k, s in enumerate(sents) if s.role in roles and s.n_words >= MIN_WORDS]


def annotate(sents: Sequence[Any], n_turns: int, clf: SentenceClassifier, encoder: Any) -> None:
    """Set ``sent.probs[label]`` for every sentence of a known role."""
    # Backchannels and one-word sentences are left to the rules (their score would mean little).
    idx = scored_indices(sents, tuple(clf.weights))
    if not idx:
        return
    x = sentence_matrix(sents, n_turns, clf.cue_labels, encoder, only=idx, blocks=clf.blocks)
    pos = {k: r for r, k in enumerate(idx)}
    for role in clf.weights:
        rows = [k for k in idx if sents[k].role == role]
        if not rows:
            continue
        probs = clf.predict(role, x[[pos[k] for k in rows]])
        for label, p in probs.items():
            for k, v in zip(rows, p, strict=False):
                sents[k].probs[label] = float(v)
