"""Talk measures of one session (criterion C1.2 reads the client talk share).

Definitions (all times in seconds):

* **Speech timeline** of a speaker: the union of its diarization ``segments`` when a diarization is
  given (overlap kept: two people can speak at once), otherwise the union of its transcript turns.
* **Speech time** of a role: the length of its speaker's timeline. Silences are excluded; overlapped
  speech counts for both speakers.
* **Client talk share** = client speech / (client speech + candidate speech); None without a client.
* **Band** (low, high) around the share, for diarization uncertainty near the 50 % bar: a stretch of
  speech is *uncertain* when two speakers overlap there, or when it lies within ``CHANGE_COLLAR``
  (0.25 s) of a speaker change point. A change point is the start of a speaker's speech when another
  speaker spoke within ``CHANGE_GAP`` (1 s) before it, or its end when another speaker speaks within
  1 s after it. *low* gives all uncertain speech to the candidate only, *high* to the client only.
* **Turns** (per role): stretches of one speaker in the exclusive view (diarization ``exclusive``, or
  the transcript turns), consecutive stretches of the same speaker merged unless a pause longer than
  ``MAX_PAUSE`` (1.5 s) separates them. ``turn_count`` counts them; ``longest_monologue`` is the
  longest one (start to end).
* **Overlap**: ``overlap_time`` = time with two or more speakers at once; ``overlap_count`` = number
  of separate overlap stretches.
* **Interruption**: speaker B starts while speaker A is speaking, A stops within
  ``INTERRUPT_WINDOW`` (1 s) after B's start, and B goes on after A stopped. (A backchannel inside
  A's speech is not an interruption.)
* **Speech rate**: the role's words per minute of its own speech time.
* **Silence share**: 1 − (time anyone speaks) / duration.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from itertools import pairwise

from .types import Diarization, Measures, RoleMeasures, Transcript

CHANGE_COLLAR = 0.25
CHANGE_GAP = 1.0
INTERRUPT_WINDOW = 1.0
MAX_PAUSE = 1.5

Interval = tuple[float, float]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged intervals (touching intervals merge)."""
    out: list[list[float]] = []
    for s, e in sorted((s, e) for s, e in intervals if e > s):
        if out and s <= out[-1][1] + 1e-9:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in intervals)


def _contains(merged: Sequence[Interval], starts: Sequence[float], t: float) -> bool:
    i = bisect.bisect_right(starts, t) - 1
    return i >= 0 and merged[i][0] <= t < merged[i][1]


def _any_in(merged: Sequence[Interval], a: float, b: float) -> bool:
    """Whether ``merged`` has speech somewhere in [a, b]."""
    return any(s <= b and e >= a for s, e in merged)


def _timelines(transcript: Transcript, diarization: Diarization | None) -> dict[str, list[Interval]]:
    if diarization is not None and diarization.segments:
        raw = [(s.speaker, s.start, s.end) for s in diarization.segments]
    else:
        raw = [(t.speaker, t.start, t.end) for t in transcript.turns]
    by: dict[str, list[Interval]] = {}
    for spk, s, e in raw:
        by.setdefault(spk, []).append((s, e))
    return {spk: union(iv) for spk, iv in by.items()}


def _floor_turns(transcript: Transcript, diarization: Diarization | None) -> list[tuple[str, float, float]]:
    if diarization is not None and diarization.exclusive:
        items = [(s.speaker, s.start, s.end) for s in diarization.exclusive]
    else:
        items = [(t.speaker, t.start, t.end) for t in transcript.turns]
    items.sort(key=lambda x: (x[1], x[2]))
    out: list[list] = []
    for spk, s, e in items:
        if out and out[-1][0] == spk and s - out[-1][2] <= MAX_PAUSE:
            out[-1][2] = max(out[-1][2], e)
        else:
            out.append([spk, s, e])
    return [(spk, s, e) for spk, s, e in out]


def _change_points(timelines: dict[str, list[Interval]]) -> list[float]:
    points = []
    for spk, merged in timelines.items():
        others = [iv for o, m in timelines.items() if o != spk for iv in m]
        for s, e in merged:
            if _any_in(others, s - CHANGE_GAP, s):
                points.append(s)
            if _any_in(others, e, e + CHANGE_GAP):
                points.append(e)
    return points


def _interruptions(timelines: dict[str, list[Interval]]) -> int:
    count = 0
    for b_spk, b_iv in timelines.items():
        for a_spk, a_iv in timelines.items():
            if a_spk == b_spk:
                continue
            for bs, be in b_iv:
                for as_, ae in a_iv:
                    if as_ < bs < ae and ae <= bs + INTERRUPT_WINDOW and be > ae:
                        count += 1
    return count


def _word_count(turn) -> int:
    return len(turn.words) if turn.words else len(turn.text.split())


def compute_measures(transcript: Transcript, diarization: Diarization | None = None) -> Measures:
    """Talk measures of ``transcript`` (roles attached), from ``diarization`` when given."""
    roles = transcript.roles
    timelines = _timelines(transcript, diarization)
    ends = [e for m in timelines.values() for _, e in m]
    duration = transcript.duration or (diarization.duration if diarization is not None else 0.0)
    duration = max(duration or 0.0, max(ends, default=0.0))

    cand = roles.candidate if roles else None
    cli = roles.client if roles else None
    uncertain = union((t - CHANGE_COLLAR, t + CHANGE_COLLAR) for t in _change_points(timelines))
    u_starts = [s for s, _ in uncertain]
    starts = {spk: [s for s, _ in m] for spk, m in timelines.items()}

    bounds = sorted(
        {max(0.0, t) for m in timelines.values() for iv in m for t in iv}
        | {max(0.0, t) for iv in uncertain for t in iv}
    )
    speech = overlap = 0.0
    overlap_runs: list[Interval] = []
    nominal = {"candidate": 0.0, "client": 0.0}
    low = {"candidate": 0.0, "client": 0.0}
    high = {"candidate": 0.0, "client": 0.0}
    for a, b in pairwise(bounds):
        mid, length = (a + b) / 2, b - a
        active = {spk for spk, m in timelines.items() if _contains(m, starts[spk], mid)}
        if not active:
            continue
        speech += length
        if len(active) >= 2:
            overlap += length
            overlap_runs.append((a, b))
        has_k, has_c = cand in active, cli is not None and cli in active
        if not (has_k or has_c):
            continue
        if has_k:
            nominal["candidate"] += length
        if has_c:
            nominal["client"] += length
        if (has_k and has_c) or _contains(uncertain, u_starts, mid):
            low["candidate"] += length  # all uncertain speech to the candidate …
            high["client"] += length  # … or all to the client
        else:
            for d in (low, high):
                d["candidate" if has_k else "client"] += length

    def share(d: dict[str, float]) -> float | None:
        den = d["candidate"] + d["client"]
        return d["client"] / den if den > 0 else None

    client_share = share(nominal) if cli is not None else None
    band = None
    if client_share is not None:
        lo, hi = share(low), share(high)
        band = (min(lo, client_share), max(hi, client_share))  # type: ignore[type-var]

    floor = _floor_turns(transcript, diarization)
    per_role: dict[str, RoleMeasures] = {}
    for role, spk in (("candidate", cand), ("client", cli)):
        if spk is None:
            continue
        mine = [(s, e) for x, s, e in floor if x == spk]
        words = sum(_word_count(t) for t in transcript.turns if t.speaker == spk)
        st = nominal[role]
        per_role[role] = RoleMeasures(
            speech_time=round(st, 3),
            turn_count=len(mine),
            word_count=words,
            longest_monologue=round(max((e - s for s, e in mine), default=0.0), 3),
            speech_rate_wpm=round(words / (st / 60.0), 1) if st > 0 and words else None,
        )

    return Measures(
        duration=round(duration, 3),
        client_talk_share=None if client_share is None else round(client_share, 4),
        client_talk_share_band=None if band is None else (round(band[0], 4), round(band[1], 4)),
        per_role=per_role,
        overlap_time=round(overlap, 3),
        overlap_count=len(union(overlap_runs)),
        interruption_count=_interruptions(timelines),
        silence_share=round(min(1.0, max(0.0, 1.0 - speech / duration)) if duration > 0 else 0.0, 4),
        speech_time=round(speech, 3),
    )
