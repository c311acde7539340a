"""Words to speakers, words to turns.

``assign_words`` gives every recognised word the speaker of the diarization's *exclusive* view
(at most one speaker at any time) that overlaps it most:

* ``assignment="overlap"``: the word overlaps at least one exclusive turn; it takes the speaker
  with the largest total overlap. A zero-length word counts as overlapping the turn that contains
  its instant.
* ``assignment="nearest"``: the word falls in a gap; it takes the speaker of the nearest exclusive
  turn when that turn is at most ``max_distance`` seconds away.
* ``assignment="distant"``: the word overlaps no turn and lies in a stretch the diarization set
  apart as a distant voice (``Diarization.distant``: another person in the room, neither the
  candidate nor the client); speaker ``DISTANT``, so its words make turns of their own.
* ``assignment="none"``: no turn within ``max_distance`` (or no diarization at all); speaker None.

Ties are broken deterministically, in this order: (1) overlap ties go to the speaker whose turn
contains the word's midpoint; (2) then to the speaker whose turn starts first (the one who
already held the floor); (3) then to the smallest speaker label. Nearest-turn ties (a word exactly
half-way between two turns) go to the *preceding* turn, since a word in a gap usually ends the
current speaker's sentence; if still tied, the smallest label.

``build_turns`` then splits the word stream wherever the speaker changes (inside a Whisper segment
too: turn boundaries follow the words, not the segments) or where a pause longer than
``max_pause`` separates two words of the same speaker. Words without a speaker stay in the
current turn. Turn text joins the words with French spacing.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from .types import DISTANT_SPEAKER, AsrSegment, Diarization, SpeakerSegment, Turn, Word

log = logging.getLogger(__name__)

#: A word further than this from any exclusive turn gets no speaker.
MAX_NEAREST_DISTANCE = 1.0
#: Same-speaker words separated by a longer pause start a new turn.
MAX_PAUSE = 1.5
#: Speaker label of a turn whose words have no speaker at all (no diarization).
UNKNOWN_SPEAKER = "UNKNOWN"

_EPS = 1e-9


# --------------------------------------------------------------------------- exclusive view


def exclusive_segments(segments: Iterable[SpeakerSegment]) -> tuple[SpeakerSegment, ...]:
    """At most one speaker at any time, from possibly overlapping segments.

    In an overlap the speaker who started first keeps the floor (a backchannel inside someone's
    speech does not steal their words); ties by label. Adjacent pieces of one speaker merge.
    Used for diarizations read from RTTM files; pyannote gives its own exclusive view.
    """
    segs = sorted((s for s in segments if s.end > s.start), key=lambda s: (s.start, s.speaker))
    if not segs:
        return ()
    bounds = sorted({t for s in segs for t in (s.start, s.end)})
    out: list[SpeakerSegment] = []
    for a, b in pairwise(bounds):
        active = [s for s in segs if s.start <= a + _EPS and s.end >= b - _EPS]
        if not active:
            continue
        holder = min(active, key=lambda s: (s.start, s.speaker)).speaker
        if out and out[-1].speaker == holder and abs(out[-1].end - a) < 1e-6:
            out[-1] = SpeakerSegment(out[-1].start, b, holder)
        else:
            out.append(SpeakerSegment(a, b, holder))
    return tuple(out)


# --------------------------------------------------------------------------- words -> speakers


def _words_of(segments: Sequence[AsrSegment]) -> list[Word]:
    """All words of the segments, in time order, with monotonic non-overlapping times.

    A segment without word timestamps becomes one pseudo-word spanning the segment. Whisper
    sometimes lets a word start before the previous one ended; such a start is clamped to the
    previous end so that turns built from the words cannot overlap.
    """
    raw: list[Word] = []
    for seg in sorted(segments, key=lambda s: (s.start, s.end)):
        if seg.words:
            raw.extend(seg.words)
        elif seg.text.strip():
            raw.append(Word(text=seg.text, start=seg.start, end=seg.end))
    raw.sort(key=lambda w: (w.start, w.end))
    out: list[Word] = []
    prev_end = 0.0
    for w in raw:
        text = w.text.strip()
        if not text:
            continue
        start = max(w.start, prev_end)
        end = max(w.end, start)
        out.append(Word(text=text, start=start, end=end, probability=w.probability))
        prev_end = end
    return out


def _pick_overlap(word: Word, candidates: list[SpeakerSegment]) -> str | None:
    totals: dict[str, float] = {}
    first_start: dict[str, float] = {}
    mid = (word.start + word.end) / 2
    holds_mid: set[str] = set()
    for seg in candidates:
        if word.end - word.start <= _EPS:
            ov = 1.0 if seg.start <= word.start <= seg.end else 0.0
        else:
            ov = min(word.end, seg.end) - max(word.start, seg.start)
        if ov <= _EPS:
            continue
        totals[seg.speaker] = totals.get(seg.speaker, 0.0) + ov
        first_start[seg.speaker] = min(first_start.get(seg.speaker, seg.start), seg.start)
        if seg.start <= mid <= seg.end:
            holds_mid.add(seg.speaker)
    if not totals:
        return None
    best = max(totals.values())
    tied = [spk for spk, ov in totals.items() if ov >= best - 1e-6]
    # tie rule: midpoint holder, then earliest-starting turn, then label
    return min(tied, key=lambda spk: (spk not in holds_mid, first_start[spk], spk))


def _pick_nearest(word: Word, exclusive: Sequence[SpeakerSegment], starts: list[float]) -> tuple[str, float]:
    """Speaker of the nearest exclusive turn and its distance (previous turn wins ties)."""
    i = bisect.bisect_right(starts, word.start)
    best: tuple[float, int, str] | None = None
    # the turn before the word (rank 0) and after it (rank 1)
    for rank, j in ((0, i - 1), (1, i)):
        if 0 <= j < len(exclusive):
            seg = exclusive[j]
            dist = max(seg.start - word.end, word.start - seg.end, 0.0)
            key = (dist, rank, seg.speaker)
            if best is None or key < best:
                best = key
    assert best is not None
    return best[2], best[0]


def _in_distant(word: Word, distant: Sequence[SpeakerSegment]) -> bool:
    """Whether the word's midpoint lies in a distant-voice stretch."""
    mid = (word.start + word.end) / 2.0
    return any(d.start - _EPS <= mid <= d.end + _EPS for d in distant)


def assign_words(
    segments: Sequence[AsrSegment],
    diarization: Diarization | None,
    *,
    max_distance: float = MAX_NEAREST_DISTANCE,
) -> tuple[Word, ...]:
    """Every word of ``segments`` with its speaker and how it got it (see the module docstring)."""
    words = _words_of(segments)
    exclusive = tuple(diarization.exclusive) if diarization is not None else ()
    if not exclusive:
        return tuple(words)  # all "none": nothing to assign from
    distant = diarization.distant if diarization is not None else ()
    starts = [s.start for s in exclusive]
    ends_max = []  # running max of ends, to find every turn that can overlap a word
    running = 0.0
    for s in exclusive:
        running = max(running, s.end)
        ends_max.append(running)
    out: list[Word] = []
    for w in words:
        hi = bisect.bisect_right(starts, w.end + _EPS)
        lo = bisect.bisect_left(ends_max, w.start - _EPS)
        speaker = _pick_overlap(w, list(exclusive[lo:hi]))
        if speaker is not None:
            assignment = "overlap"
        elif _in_distant(w, distant):
            speaker, assignment = DISTANT_SPEAKER, "distant"
        else:
            speaker, dist = _pick_nearest(w, exclusive, starts)
            assignment = "nearest" if dist <= max_distance + _EPS else "none"
            if assignment == "none":
                speaker = None
        out.append(
            Word(
                text=w.text,
                start=w.start,
                end=w.end,
                probability=w.probability,
                speaker=speaker,
                assignment=assignment,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- words -> turns

_ELIDED = re.compile(r"['’]$")
_NO_SPACE_BEFORE = re.compile(r"^([,.…)\]}'’]|-(?=\w))")
_NO_SPACE_AFTER = re.compile(r"[(\[{]$")


def join_words(texts: Iterable[str]) -> str:
    """Join word texts with French spacing.

    Words are stripped, then joined by one space, except: after an elided word ("l'", "qu'",
    "aujourd'") and before a comma, a full stop, an ellipsis, a closing bracket, a word that starts
    with an apostrophe (Whisper splits "d'agence" as "d" + "'agence") or a hyphenated clitic
    ("-vous", "-t-il"). French typography keeps the space before ? ! : ; and inside « ».
    """
    out = ""
    for raw in texts:
        t = raw.strip()
        if not t:
            continue
        if not out or _ELIDED.search(out) or _NO_SPACE_AFTER.search(out) or _NO_SPACE_BEFORE.match(t):
            out += t
        else:
            out += " " + t
    return out


def build_turns(words: Sequence[Word], *, max_pause: float = MAX_PAUSE) -> tuple[Turn, ...]:
    """Turns ``t1, t2, …`` from speaker-attributed words (see the module docstring)."""
    groups: list[list[Word]] = []
    current_speaker: str | None = None
    for w in sorted(words, key=lambda w: (w.start, w.end)):
        if groups:
            prev = groups[-1][-1]
            changes = w.speaker is not None and current_speaker is not None and w.speaker != current_speaker
            if changes or w.start - prev.end > max_pause:
                groups.append([w])
                current_speaker = w.speaker
                continue
            groups[-1].append(w)
            if current_speaker is None:
                current_speaker = w.speaker
        else:
            groups.append([w])
            current_speaker = w.speaker
    turns = []
    for i, group in enumerate(groups, start=1):
        speakers = [w.speaker for w in group if w.speaker is not None]
        speaker = speakers[0] if speakers else UNKNOWN_SPEAKER
        turns.append(
            Turn(
                id=f"t{i}",
                speaker=speaker,
                start=group[0].start,
                end=max(w.end for w in group),
                text=join_words(w.text for w in group),
                words=tuple(group),
            )
        )
    return tuple(turns)
