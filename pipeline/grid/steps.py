"""Locate the six interview steps in time from the tags and the dialogue.

Each turn gets a score per step from the tags it carries (weights in the référentiel's ``cues``,
times the tag's confidence) plus a weak prior from where the scenario's plan puts that moment.
A dynamic programme over the turns then finds the monotonic segmentation (steps only move
forward, a step may be skipped) that maximises the total score: a late greeting or an early
objection does not reorder the interview, and a step is where its evidence clusters, not merely
where its first cue appears.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..scenarios import Referentiel, Scenario
from ..types import Evidence, StepSpan, Tag, TagSet, Transcript

log = logging.getLogger(__name__)

N_STEPS = 6
#: Cost of each step change, so that isolated cues do not open one-turn steps.
SWITCH_PENALTY = 0.05
#: Width (fraction of the session) over which the position prior fades outside a step's planned window.
PRIOR_FADE = 0.15
MAX_STEP_EVIDENCE = 5


@dataclass(frozen=True)
class Segmentation:
    """Step number (1..6) of each turn, in transcript order, and the per-turn tag scores."""

    steps: tuple[int, ...]
    scores: tuple[tuple[float, ...], ...]  # per turn, per step (index 0 = step 1): tag evidence only


def _turn_index(transcript: Transcript, tags: Sequence[Tag]) -> dict[str, int]:
    """Map each tag id to the index of its turn (by id, else by time)."""
    by_id = {t.id: i for i, t in enumerate(transcript.turns)}
    out: dict[str, int] = {}
    for tag in tags:
        if tag.turn_id in by_id:
            out[tag.id] = by_id[tag.turn_id]
        elif tag.start is not None:
            for i, turn in enumerate(transcript.turns):
                if turn.start - 1e-6 <= tag.start <= turn.end + 1e-6:
                    out[tag.id] = i
                    break
    return out


def _plan(referentiel: Referentiel, scenario: Scenario | None) -> Mapping[int, float]:
    return scenario.steps_minutes if scenario is not None else referentiel.default_steps_minutes


def _windows(plan: Mapping[int, float]) -> list[tuple[float, float]]:
    """Planned [start, end) of each step as fractions of the session."""
    total = sum(plan.values()) or 1.0
    out, acc = [], 0.0
    for k in range(1, N_STEPS + 1):
        a = acc / total
        acc += plan.get(k, 0.0)
        out.append((a, acc / total))
    return out


def segment_turns(
    transcript: Transcript,
    tags: TagSet | Sequence[Tag],
    referentiel: Referentiel,
    scenario: Scenario | None = None,
) -> Segmentation:
    """Assign each turn a step 1..6, monotonically, maximising agreement with the tags and plan."""
    tag_list = tags.tags if isinstance(tags, TagSet) else tuple(tags)
    turns = transcript.turns
    n = len(turns)
    if n == 0:
        return Segmentation((), ())
    cues = [referentiel.step(k).cues for k in range(1, N_STEPS + 1)]
    index = _turn_index(transcript, tag_list)
    evidence = [[0.0] * N_STEPS for _ in range(n)]
    for tag in tag_list:
        i = index.get(tag.id)
        if i is None:
            continue
        for k in range(N_STEPS):
            w = cues[k].get(tag.label, 0.0)
            if w:
                evidence[i][k] += w * tag.confidence

    t0 = turns[0].start
    span = max(max(t.end for t in turns) - t0, 1e-6)
    windows = _windows(_plan(referentiel, scenario))
    weight = referentiel.step_position_weight
    score = [[0.0] * N_STEPS for _ in range(n)]
    for i, turn in enumerate(turns):
        f = ((turn.start + turn.end) / 2 - t0) / span
        for k, (a, b) in enumerate(windows):
            dist = 0.0 if a <= f <= b else min(abs(f - a), abs(f - b))
            prior = max(0.0, 1.0 - dist / PRIOR_FADE)
            score[i][k] = evidence[i][k] + weight * prior

    # best[i][k]: best total for turns 0..i with turn i in step k (steps never go back).
    neg = float("-inf")
    best = [[neg] * N_STEPS for _ in range(n)]
    back = [[0] * N_STEPS for _ in range(n)]
    for k in range(N_STEPS):
        best[0][k] = score[0][k] - (SWITCH_PENALTY * k)  # starting later than step 1 costs like skipping
    for i in range(1, n):
        for k in range(N_STEPS):
            # Stay in step k, or arrive from an earlier step j < k (skipping is allowed).
            prev, arg = best[i - 1][k], k
            for j in range(k):
                cand = best[i - 1][j] - SWITCH_PENALTY
                if cand > prev:
                    prev, arg = cand, j
            best[i][k] = prev + score[i][k]
            back[i][k] = arg
    k = max(range(N_STEPS), key=lambda j: (best[n - 1][j], -j))
    path = [0] * n
    for i in range(n - 1, -1, -1):
        path[i] = k
        k = back[i][k]
    return Segmentation(tuple(p + 1 for p in path), tuple(tuple(row) for row in evidence))


def locate_steps(
    transcript: Transcript,
    tags: TagSet | Sequence[Tag],
    referentiel: Referentiel,
    scenario: Scenario | None = None,
    segmentation: Segmentation | None = None,
) -> tuple[StepSpan, ...]:
    """The six StepSpans (start, end, planned minutes, confidence, evidence); absent steps have no times."""
    tag_list = tags.tags if isinstance(tags, TagSet) else tuple(tags)
    seg = segmentation or segment_turns(transcript, tag_list, referentiel, scenario)
    turns = transcript.turns
    index = _turn_index(transcript, tag_list)
    plan = scenario.steps_minutes if scenario is not None else None
    spans = []
    members = {k: [i for i, s in enumerate(seg.steps) if s == k] for k in range(1, N_STEPS + 1)}
    located = [k for k in range(1, N_STEPS + 1) if members[k]]
    for k in range(1, N_STEPS + 1):
        step = referentiel.step(k)
        planned = plan.get(k) if plan is not None else None
        idx = members[k]
        if not idx:
            spans.append(StepSpan(step=k, name=step.name, start=None, end=None, planned_minutes=planned))
            continue
        start = turns[idx[0]].start
        later = [j for j in located if j > k]
        end = turns[members[later[0]][0]].start if later else max(turns[i].end for i in idx)
        end = max(end, start)
        own = sum(seg.scores[i][k - 1] for i in idx)
        other = sum(max((seg.scores[i][j] for j in range(N_STEPS) if j != k - 1), default=0.0) for i in idx)
        member_set = set(idx)
        support = [t for t in tag_list if index.get(t.id) in member_set and step.cues.get(t.label, 0.0) > 0]
        if own <= 0:
            confidence = 0.1  # placed by the plan alone
        else:
            confidence = own / (own + other) * min(1.0, 0.4 + 0.2 * len(support))
        support.sort(key=lambda t: (-step.cues[t.label] * t.confidence, index[t.id]))
        evidence = tuple(
            Evidence(
                kind="tag",
                ref=t.id,
                label=referentiel.tag_label(t.label),
                start=t.start if t.start is not None else turns[index[t.id]].start,
                end=t.end if t.end is not None else turns[index[t.id]].end,
                quote=t.quote,
                turn_id=turns[index[t.id]].id,
            )
            for t in sorted(support[:MAX_STEP_EVIDENCE], key=lambda t: index[t.id])
        )
        spans.append(
            StepSpan(
                step=k,
                name=step.name,
                start=round(start, 3),
                end=round(end, 3),
                planned_minutes=planned,
                confidence=round(min(1.0, max(0.0, confidence)), 3),
                evidence=evidence,
            )
        )
    return tuple(spans)
