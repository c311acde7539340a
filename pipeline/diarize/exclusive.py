"""Turn possibly overlapping speaker segments into an exclusive (one speaker at a time) view."""

from __future__ import annotations

from collections.abc import Iterable

from ..types import SpeakerSegment


def exclusive_segments(segments: Iterable[SpeakerSegment]) -> tuple[SpeakerSegment, ...]:
    """At most one speaker at any time, sorted.

    Where segments overlap, the time goes to the speaker whose segment is shortest (a short
    overlapping segment is usually a back-channel or an interruption that would otherwise vanish);
    ties go to the segment that started first. Adjacent pieces of the same speaker are merged.
    """
    segs = sorted((s for s in segments if s.end > s.start), key=lambda s: (s.start, s.end, s.speaker))
    if not segs:
        return ()
    bounds = sorted({t for s in segs for t in (s.start, s.end)})
    pieces: list[list] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        active = [s for s in segs if s.start <= a and s.end >= b]
        if not active:
            continue
        winner = min(active, key=lambda s: (s.duration, s.start, s.speaker))
        if pieces and pieces[-1][2] == winner.speaker and abs(pieces[-1][1] - a) < 1e-9:
            pieces[-1][1] = b
        else:
            pieces.append([a, b, winner.speaker])
    return tuple(SpeakerSegment(a, b, spk) for a, b, spk in pieces)


def clean_exclusive(segments: Iterable[SpeakerSegment]) -> tuple[SpeakerSegment, ...]:
    """Sort and clip an (almost) exclusive list so that no segment starts before the previous ends.

    pyannote's exclusive diarization can touch or overlap by a frame once rounded to milliseconds.
    """
    out: list[SpeakerSegment] = []
    for s in sorted(segments, key=lambda s: (s.start, s.end, s.speaker)):
        start = max(s.start, out[-1].end) if out else s.start
        if s.end - start <= 1e-6:
            continue
        if out and out[-1].speaker == s.speaker and abs(out[-1].end - start) < 1e-6:
            out[-1] = SpeakerSegment(out[-1].start, s.end, s.speaker)
        else:
            out.append(SpeakerSegment(start, s.end, s.speaker))
    return tuple(out)


def fill_short_gaps(
    segments: Iterable[SpeakerSegment], exclusive: Iterable[SpeakerSegment], max_gap: float
) -> tuple[tuple[SpeakerSegment, ...], tuple[SpeakerSegment, ...]]:
    """Close pauses shorter than ``max_gap`` between two consecutive turns of the same speaker.

    A speaker's short breath or hesitation pause inside a turn stays that speaker's turn (as
    human references mark it), when nobody else speaks in between. Returns (segments, exclusive).
    """
    exclusive = sorted(exclusive, key=lambda s: s.start)
    segments = sorted(segments, key=lambda s: s.start)
    if max_gap <= 0 or not exclusive:
        return tuple(segments), tuple(exclusive)
    filled: list[SpeakerSegment] = []
    new_exclusive: list[SpeakerSegment] = []
    for seg in exclusive:
        prev = new_exclusive[-1] if new_exclusive else None
        if prev is not None and prev.speaker == seg.speaker and 0 <= seg.start - prev.end < max_gap:
            if seg.start > prev.end:
                filled.append(SpeakerSegment(prev.end, seg.start, seg.speaker))
            new_exclusive[-1] = SpeakerSegment(prev.start, seg.end, seg.speaker)
        else:
            new_exclusive.append(seg)
    # Others' overlapping segments never lie inside a filled gap (the exclusive view had nobody
    # there), so adding the gaps to the segments of that speaker and merging is enough.
    by_speaker: dict[str, list[SpeakerSegment]] = {}
    for s in [*segments, *filled]:
        by_speaker.setdefault(s.speaker, []).append(s)
    merged: list[SpeakerSegment] = []
    for spk, items in by_speaker.items():
        items.sort(key=lambda s: s.start)
        cur = items[0]
        for s in items[1:]:
            if s.start <= cur.end + 1e-6:
                cur = SpeakerSegment(cur.start, max(cur.end, s.end), spk)
            else:
                merged.append(cur)
                cur = s
        merged.append(cur)
    merged.sort(key=lambda s: (s.start, s.end, s.speaker))
    return tuple(merged), tuple(new_exclusive)


def clip_to(segments: Iterable[SpeakerSegment], duration: float) -> tuple[SpeakerSegment, ...]:
    """Segments cut to [0, duration]; those left empty are dropped.

    pyannote's last frame can end a few tens of milliseconds past the end of the audio.
    """
    out = []
    for s in segments:
        start, end = max(0.0, s.start), min(duration, s.end)
        if end > start:
            out.append(s if (start, end) == (s.start, s.end) else SpeakerSegment(start, end, s.speaker))
    return tuple(out)
