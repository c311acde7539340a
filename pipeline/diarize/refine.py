"""Window-level re-clustering of pyannote's output with CAM++ embeddings.

Why: segmentation-3.0 labels speakers locally, inside 10 s chunks. With two similar voices that
alternate with short pauses (the French pseudo-dialogue here: two studio prompt voices), it put
both voices under one local speaker in most chunks, so no clustering of chunk-level embeddings
could separate them (DER 39 %). CAM++ itself separates those voices well on short windows (cosine
0.7–0.9 same voice, 0.3–0.46 different). So, after pyannote:

1. cut every exclusive speech segment into 1.5 s windows (hop 0.75 s; a segment under 2 s is one
   window);
2. embed each window with CAM++ and cluster the windows into k speakers (spherical k-means, k =
   the requested number of speakers, or the number pyannote found);
3. give each 10 ms frame of speech the cluster most of its windows voted for, and rebuild the
   exclusive turns from those labels; overlapped speech pyannote found (two voices at once) is
   kept, given to the other speaker when k = 2;
4. with two speakers, move each speaker change to where the voice actually changes: 1.5 s windows
   place a change up to a second late or early, so around each change (±1 s) short windows (0.5 s,
   hop 0.1 s) are scored against the two voices' centroids and the change goes to the time that
   best separates "like the first voice" from "like the second" (a change-point estimate).
   Measured: AMI dev00 DER 13.2 → 5.2 % at collar 0.25 (see BENCHMARKS.md).

Speech regions (where someone speaks) stay pyannote's; only who-speaks changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..types import SpeakerSegment

log = logging.getLogger(__name__)

WINDOW_S = 1.5
HOP_S = 0.75
SINGLE_WINDOW_MAX_S = 2.0
MIN_WINDOW_S = 0.4
FRAME_S = 0.01
MIN_RUN_S = 0.5  # label runs shorter than this inside a turn are merged into a neighbour
#: Two window clusters whose centroids are this similar (cosine) are one voice: a recording of a
#: single speaker forced into two. Measured: one voice over 2 min 0.93; two speakers 0.40–0.74.
SAME_SPEAKER_COS = 0.88
#: With no speaker count given, two window clusters this far apart are two voices even when
#: pyannote found one (the French pseudo-dialogue: 0.53; one voice: 0.77 on 6 s, 0.93 on 2 min).
DIFFERENT_SPEAKER_COS = 0.6
#: Boundary refinement (step 4): short window, hop, how far a change may move, and the longest
#: pause between two turns that still counts as a direct change (a longer pause is the change).
BOUNDARY_WINDOW_S = 0.5
BOUNDARY_HOP_S = 0.1
BOUNDARY_REACH_S = 1.0
BOUNDARY_MAX_GAP_S = 0.3
#: A moved change keeps at least this much of each of the two turns.
MIN_KEPT_S = 0.2


def _windows(segments: Sequence[SpeakerSegment]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for seg in segments:
        dur = seg.end - seg.start
        if dur < MIN_WINDOW_S:
            continue
        if dur <= SINGLE_WINDOW_MAX_S:
            out.append((seg.start, seg.end))
            continue
        n = int(np.ceil((dur - WINDOW_S) / HOP_S)) + 1
        starts = np.linspace(seg.start, seg.end - WINDOW_S, n)
        out.extend((float(s), float(s) + WINDOW_S) for s in starts)
    return out


def spherical_kmeans(
    x: np.ndarray, k: int, *, restarts: int = 8, iters: int = 50, seed: int = 0
) -> np.ndarray:
    """Cluster L2-normalised rows of ``x`` into ``k`` groups by cosine (k-means++ init, best of restarts)."""
    n = x.shape[0]
    if n <= k:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    best_labels, best_score = np.zeros(n, dtype=int), -np.inf
    for _ in range(restarts):
        centers = [x[rng.integers(n)]]
        for _ in range(1, k):
            dist = 1.0 - np.max(x @ np.array(centers).T, axis=1)
            dist = np.clip(dist, 0, None) ** 2
            p = dist / dist.sum() if dist.sum() > 0 else None
            centers.append(x[rng.choice(n, p=p)])
        c = np.array(centers)
        labels = np.zeros(n, dtype=int)
        for it in range(iters):
            new = np.argmax(x @ c.T, axis=1)
            if it and np.array_equal(new, labels):
                break
            labels = new
            for j in range(k):
                members = x[labels == j]
                if len(members):
                    m = members.sum(axis=0)
                    c[j] = m / (np.linalg.norm(m) + 1e-12)
        score = float(np.sum(np.max(x @ c.T, axis=1)))
        if score > best_score:
            best_score, best_labels = score, labels.copy()
    return best_labels


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """[(start, end, label)] runs of equal values."""
    if labels.size == 0:
        return []
    change = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [labels.size]])
    return [(int(s), int(e), int(labels[s])) for s, e in zip(starts, ends, strict=True)]


def _smooth_runs(labels: np.ndarray, min_frames: int) -> np.ndarray:
    """Merge runs shorter than ``min_frames`` into the longer neighbour (repeat until stable)."""
    labels = labels.copy()
    for _ in range(10):
        runs = _runs(labels)
        if len(runs) <= 1:
            break
        changed = False
        for i, (s, e, _lab) in enumerate(runs):
            if e - s >= min_frames:
                continue
            left = runs[i - 1] if i > 0 else None
            right = runs[i + 1] if i + 1 < len(runs) else None
            pick = max((r for r in (left, right) if r is not None), key=lambda r: r[1] - r[0])
            labels[s:e] = pick[2]
            changed = True
            break
        if not changed:
            break
    return labels


def recluster(
    segments: Sequence[SpeakerSegment],
    exclusive: Sequence[SpeakerSegment],
    mono: np.ndarray,
    sample_rate: int,
    embedding,
    num_speakers: int | None,
    refine_changes: bool = True,
) -> tuple[list[SpeakerSegment], list[SpeakerSegment]]:
    """Relabel pyannote's (segments, exclusive) from window-level CAM++ clustering.

    ``refine_changes``: with two speakers, move each change of speaker to the best short-window
    change point (step 4 of the module docstring).

    ``num_speakers=None`` (auto) tests two clusters when pyannote found one or two speakers and
    keeps two only when their centroids are clearly apart. Returns the input unchanged when
    there are too few windows to cluster.
    """
    import torch

    found = len({s.speaker for s in segments})
    k = num_speakers or max(found, 2)
    windows = _windows(exclusive)
    if k < 2 or len(windows) < 2 * k:
        return list(segments), list(exclusive)
    wave = torch.from_numpy(np.array(mono, dtype=np.float32))  # writable copy
    embs = []
    for start, end in windows:
        chunk = wave[int(start * sample_rate) : int(end * sample_rate)][None]
        embs.append(embedding.embed(embedding.fbank(chunk)))
    x = np.asarray(embs, dtype=np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    labels = spherical_kmeans(x, k)
    if k == 2:
        cents = [x[labels == j].mean(axis=0) for j in range(2)]
        cos = float(cents[0] @ cents[1] / (np.linalg.norm(cents[0]) * np.linalg.norm(cents[1]) + 1e-12))
        if cos >= SAME_SPEAKER_COS:
            log.warning("the two voices found are the same speaker (centroid cosine %.2f): one speaker", cos)
            k, labels = 1, np.zeros_like(labels)
        elif num_speakers is None and found < 2 and cos >= DIFFERENT_SPEAKER_COS:
            log.info("speaker count auto: window clusters too close (cosine %.2f), keeping one speaker", cos)
            return list(segments), list(exclusive)

    # Name clusters after the pyannote label they overlap most, so labels stay familiar.
    names = _name_clusters(windows, labels, exclusive, k)
    n_frames = int(np.ceil(max(s.end for s in exclusive) / FRAME_S)) + 1
    votes = np.zeros((n_frames, k), dtype=np.float32)
    for (start, end), lab in zip(windows, labels, strict=True):
        votes[int(start / FRAME_S) : int(np.ceil(end / FRAME_S)), lab] += 1.0

    # (start, end, cluster or -1 when the segment was too short to embed)
    pieces: list[tuple[float, float, int]] = []
    for seg in exclusive:
        f0, f1 = int(round(seg.start / FRAME_S)), int(round(seg.end / FRAME_S))
        v = votes[f0:f1]
        if f1 <= f0 or v.sum() == 0:
            pieces.append((seg.start, seg.end, -1))
            continue
        lab_frames = np.argmax(v, axis=1)
        lab_frames[v.sum(axis=1) == 0] = np.argmax(v.sum(axis=0))
        lab_frames = _smooth_runs(lab_frames, int(MIN_RUN_S / FRAME_S))
        for s, e, lab in _runs(lab_frames):
            start = seg.start if s == 0 else round((f0 + s) * FRAME_S, 3)
            end = seg.end if e == f1 - f0 else round((f0 + e) * FRAME_S, 3)
            pieces.append((start, end, lab))
    # A piece too short to embed takes the label of the nearest embedded piece (a short
    # segment is nearly always the edge of the neighbouring turn).
    known = [(a, b, lab) for a, b, lab in pieces if lab >= 0]
    new_exclusive: list[SpeakerSegment] = []
    for a, b, lab in pieces:
        if lab < 0:
            near = min(known, key=lambda p: max(p[0] - b, a - p[1], 0.0))
            lab = near[2]
        new_exclusive.append(SpeakerSegment(a, b, names[lab]))

    new_exclusive = _merge_adjacent(new_exclusive)
    if refine_changes and k == 2 and len(set(names)) == 2:
        centroids = {}
        for j in range(k):
            c = x[labels == j].mean(axis=0)
            centroids[names[j]] = c / (np.linalg.norm(c) + 1e-12)
        new_exclusive = refine_boundaries(new_exclusive, wave, sample_rate, embedding, centroids)
    new_segments = list(new_exclusive)
    if k == 2 and len(set(names)) == 2:
        new_segments += _overlaps_for_other(segments, new_exclusive, names)
    new_segments.sort(key=lambda s: (s.start, s.end, s.speaker))
    log.info("window re-clustering: %d windows, k=%d", len(windows), k)
    return new_segments, new_exclusive


def _short_window_embeddings(
    wave, sample_rate: int, lo: float, hi: float, embedding
) -> tuple[np.ndarray, np.ndarray]:
    """L2-normalised CAM++ embeddings of BOUNDARY_WINDOW_S windows every BOUNDARY_HOP_S in [lo, hi].

    One filterbank over the span, sliced per window (each mean-normalised) and embedded as one
    batch: far cheaper than one call per window. Returns (window centres in s, embeddings).
    """
    import torch

    chunk = wave[int(lo * sample_rate) : int(hi * sample_rate)][None]
    feats = embedding.fbank(chunk)  # each window is mean-normalised again below
    width = int(round(BOUNDARY_WINDOW_S / FRAME_S))
    hop = int(round(BOUNDARY_HOP_S / FRAME_S))
    starts = list(range(0, feats.shape[0] - width + 1, hop))
    if len(starts) < 2:
        return np.zeros(0), np.zeros((0, 0))
    batch = torch.stack([feats[i : i + width] for i in starts])
    batch = batch - batch.mean(dim=1, keepdim=True)
    with torch.inference_mode():
        emb = embedding.model(batch.to(embedding.device)).float().cpu().numpy().astype(np.float64)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-12
    centres = lo + (np.asarray(starts) + width / 2) * FRAME_S
    return centres, emb


def refine_boundaries(
    exclusive: Sequence[SpeakerSegment],
    wave,
    sample_rate: int,
    embedding,
    centroids: dict[str, np.ndarray],
) -> list[SpeakerSegment]:
    """Move each direct change between the two voices to its best short-window change point.

    For two consecutive turns of different speakers (a pause of at most BOUNDARY_MAX_GAP_S
    between them), the span within BOUNDARY_REACH_S of the change is cut into short windows, each
    scored ``cos(first voice) - cos(second voice)``; the change goes between the two windows that
    maximise (sum of scores before) - (sum after). A change that lands inside the pause between
    the turns leaves them as they were (the pause already is the change).
    """
    out: list[SpeakerSegment] = []
    moved = 0
    for seg in exclusive:
        prev = out[-1] if out else None
        if (
            prev is None
            or prev.speaker == seg.speaker
            or seg.start - prev.end > BOUNDARY_MAX_GAP_S
            or prev.speaker not in centroids
            or seg.speaker not in centroids
        ):
            out.append(seg)
            continue
        lo = max(prev.start, prev.end - BOUNDARY_REACH_S)
        hi = min(seg.end, seg.start + BOUNDARY_REACH_S)
        if hi - lo < BOUNDARY_WINDOW_S + 2 * BOUNDARY_HOP_S:
            out.append(seg)
            continue
        centres, emb = _short_window_embeddings(wave, sample_rate, lo, hi, embedding)
        if len(centres) < 2:
            out.append(seg)
            continue
        score = emb @ centroids[prev.speaker] - emb @ centroids[seg.speaker]
        before = np.cumsum(score)[:-1]
        after = score.sum() - before
        best = int(np.argmax(before - after))
        tau = round(float((centres[best] + centres[best + 1]) / 2), 3)
        # a change inside the pause is already right; never leave a sliver of a turn
        if prev.end <= tau <= seg.start or not (prev.start + MIN_KEPT_S < tau < seg.end - MIN_KEPT_S):
            out.append(seg)
            continue
        moved += 1
        out[-1] = SpeakerSegment(prev.start, tau, prev.speaker)
        out.append(SpeakerSegment(tau, seg.end, seg.speaker))
    log.info("speaker changes refined: %d moved", moved)
    return out


def _name_clusters(
    windows: list[tuple[float, float]], labels: np.ndarray, exclusive: Sequence[SpeakerSegment], k: int
) -> list[str]:
    old = sorted({s.speaker for s in exclusive})
    score = np.zeros((k, len(old)))
    seg_start = np.array([s.start for s in exclusive])
    seg_end = np.array([s.end for s in exclusive])
    seg_label = np.array([old.index(s.speaker) for s in exclusive])
    for (start, end), lab in zip(windows, labels, strict=True):
        ov = np.minimum(end, seg_end) - np.maximum(start, seg_start)
        keep = ov > 0
        np.add.at(score[lab], seg_label[keep], ov[keep])
    names: list[str] = [""] * k
    used: set[str] = set()
    # Greedy: strongest (cluster, old label) pairs first.
    for flat in np.argsort(-score, axis=None):
        c, o = np.unravel_index(flat, score.shape)
        if names[c] or old[o] in used:
            continue
        names[c] = old[o]
        used.add(old[o])
    spare = (f"SPEAKER_{i:02d}" for i in range(100))
    for c in range(k):
        if not names[c]:
            names[c] = next(n for n in spare if n not in used and n not in names)
    return names


def _merge_adjacent(segments: list[SpeakerSegment]) -> list[SpeakerSegment]:
    out: list[SpeakerSegment] = []
    for s in sorted(segments, key=lambda s: s.start):
        if out and out[-1].speaker == s.speaker and s.start - out[-1].end < 1e-6:
            out[-1] = SpeakerSegment(out[-1].start, max(out[-1].end, s.end), s.speaker)
        else:
            out.append(s)
    return out


def _overlaps_for_other(
    segments: Sequence[SpeakerSegment], exclusive: list[SpeakerSegment], names: list[str]
) -> list[SpeakerSegment]:
    """Regions where pyannote heard two voices at once, given to the speaker not holding the turn."""
    ordered = sorted(segments, key=lambda s: s.start)
    regions: list[tuple[float, float]] = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            if b.speaker != a.speaker:
                regions.append((b.start, min(a.end, b.end)))
    out = []
    for start, end in regions:
        for seg in exclusive:
            lo, hi = max(start, seg.start), min(end, seg.end)
            if hi - lo > 1e-3:
                other = names[1] if seg.speaker == names[0] else names[0]
                out.append(SpeakerSegment(round(lo, 3), round(hi, 3), other))
    return out
