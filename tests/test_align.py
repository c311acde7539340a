"""Words to speakers and turns, on hand-built diarizations (table-driven)."""

from __future__ import annotations

import pytest

from pipeline.align import assign_words, build_turns, exclusive_segments, join_words
from pipeline.types import DISTANT_SPEAKER, AsrSegment, Diarization, SpeakerSegment, Word


def diar(*segs: tuple[float, float, str]) -> Diarization:
    ss = tuple(SpeakerSegment(s, e, spk) for s, e, spk in segs)
    return Diarization(segments=ss, exclusive=exclusive_segments(ss), method="test", duration=60.0)


def seg(*words: tuple[str, float, float]) -> AsrSegment:
    ws = tuple(Word(text=t, start=s, end=e, probability=0.9) for t, s, e in words)
    return AsrSegment(start=ws[0].start, end=ws[-1].end, text="".join(w.text for w in ws), words=ws)


A, B = "SPEAKER_00", "SPEAKER_01"

CASES = [
    # (name, diarization segments, word (start, end), expected speaker, expected assignment)
    ("inside one turn", [(0, 5, A), (5, 10, B)], (1.0, 1.5), A, "overlap"),
    ("straddles boundary, more in B", [(0, 5, A), (5, 10, B)], (4.8, 5.6), B, "overlap"),
    ("straddles boundary, more in A", [(0, 5, A), (5, 10, B)], (4.4, 5.2), A, "overlap"),
    # exact tie: 0.5 s each side; midpoint 5.0 is in both turns -> earliest-starting turn (A)
    ("exact tie goes to floor holder", [(0, 5, A), (5, 10, B)], (4.5, 5.5), A, "overlap"),
    ("in a gap, nearer to B", [(0, 5, A), (6, 10, B)], (5.6, 5.8), B, "nearest"),
    ("in a gap, nearer to A", [(0, 5, A), (6, 10, B)], (5.1, 5.3), A, "nearest"),
    # half-way between two turns: the preceding turn wins
    ("gap tie goes to preceding turn", [(0, 5, A), (6, 10, B)], (5.4, 5.6), A, "nearest"),
    ("too far from any turn", [(0, 5, A), (9, 10, B)], (6.5, 7.0), None, "none"),
    ("before the first turn, close", [(2, 5, A)], (1.2, 1.5), A, "nearest"),
    ("after the last turn, far", [(0, 5, A)], (8.0, 8.5), None, "none"),
    ("zero-length word inside a turn", [(0, 5, A), (5, 10, B)], (7.0, 7.0), B, "overlap"),
    # overlapping speech: exclusive view gives the overlap to the one who started first (A)
    ("overlap region belongs to floor holder", [(0, 6, A), (5, 10, B)], (5.2, 5.8), A, "overlap"),
    ("two pieces of one speaker outweigh", [(0, 1, A), (1, 1.2, B), (1.2, 3, A)], (0.8, 1.5), A, "overlap"),
]


@pytest.mark.parametrize("name,segs,word,speaker,assignment", CASES, ids=[c[0] for c in CASES])
def test_assign_words(name, segs, word, speaker, assignment):
    (w,) = assign_words([seg(("mot", *word))], diar(*segs))
    assert (w.speaker, w.assignment) == (speaker, assignment)
    assert (w.start, w.end) == word


def test_words_of_a_distant_voice_make_their_own_turn():
    """A stretch set apart as a distant voice: its words are neither speaker's and start a turn."""
    from pipeline.roles import assign_roles

    d = Diarization(
        segments=(SpeakerSegment(0.0, 2.0, A), SpeakerSegment(2.2, 4.0, B)),
        exclusive=(SpeakerSegment(0.0, 2.0, A), SpeakerSegment(2.2, 4.0, B)),
        method="test",
        duration=8.0,
        distant=(SpeakerSegment(4.6, 6.0, B),),
    )
    words = assign_words(
        [seg((" Bonjour,", 0.1, 0.6), (" madame.", 0.7, 1.2), (" Bonjour.", 2.3, 2.8), (" chut", 4.8, 5.2))],
        d,
    )
    assert [(w.speaker, w.assignment) for w in words] == [
        (A, "overlap"),
        (A, "overlap"),
        (B, "overlap"),
        (DISTANT_SPEAKER, "distant"),
    ]
    turns = build_turns(words)
    assert [(t.speaker, t.text) for t in turns] == [
        (A, "Bonjour, madame."),
        (B, "Bonjour."),
        ("DISTANT", "chut"),
    ]
    roles = assign_roles(turns)
    assert {roles.candidate, roles.client} == {A, B}
    # without the stretch, the same word would have gone to the nearest speaker
    plain = Diarization(segments=d.segments, exclusive=d.exclusive, method="test", duration=8.0)
    assert assign_words([seg((" chut", 4.8, 5.2))], plain)[0].speaker == B


def test_no_diarization_leaves_words_unassigned():
    words = assign_words([seg((" Bonjour", 0.0, 0.4), (" madame", 0.5, 0.9))], None)
    assert [(w.text, w.speaker, w.assignment) for w in words] == [
        ("Bonjour", None, "none"),
        ("madame", None, "none"),
    ]
    empty = Diarization(segments=(), exclusive=(), method="test", duration=1.0)
    assert all(w.assignment == "none" for w in assign_words([seg((" oui", 0.0, 0.3))], empty))


def test_overlapping_word_times_are_made_monotonic():
    words = assign_words([seg((" un", 0.0, 1.0), (" deux", 0.8, 1.5))], diar((0, 2, A)))
    assert words[1].start == 1.0 and words[1].end == 1.5


def test_segment_without_words_becomes_one_word():
    s = AsrSegment(start=1.0, end=2.0, text=" Bonjour à tous")
    (w,) = assign_words([s], diar((0, 3, A)))
    assert (w.text, w.start, w.end, w.speaker) == ("Bonjour à tous", 1.0, 2.0, A)


def test_speaker_change_inside_segment_splits_turn():
    s = seg(
        (" Vous", 0.0, 0.3),
        (" voyez ?", 0.3, 0.8),
        (" Oui,", 1.0, 1.3),
        (" tout", 1.4, 1.6),
        (" à fait.", 1.6, 2.0),
    )
    turns = build_turns(assign_words([s], diar((0, 0.9, A), (0.9, 3, B))))
    assert [(t.id, t.speaker, t.start, t.end, t.text) for t in turns] == [
        ("t1", A, 0.0, 0.8, "Vous voyez ?"),
        ("t2", B, 1.0, 2.0, "Oui, tout à fait."),
    ]


TURN_CASES = [
    # (name, words as (text, start, end, speaker), max_pause, expected [(speaker, start, end, text)])
    (
        "same speaker merges across segments",
        [("Bonjour", 0, 0.5, A), ("madame.", 0.6, 1.0, A), ("Je", 1.5, 1.7, A)],
        1.5,
        [(A, 0, 1.7, "Bonjour madame. Je")],
    ),
    (
        "long pause splits same speaker",
        [("Bon.", 0, 0.5, A), ("Alors", 2.5, 3.0, A)],
        1.5,
        [(A, 0, 0.5, "Bon."), (A, 2.5, 3.0, "Alors")],
    ),
    (
        "pause equal to the threshold does not split",
        [("Bon.", 0, 0.5, A), ("Alors", 2.0, 3.0, A)],
        1.5,
        [(A, 0, 3.0, "Bon. Alors")],
    ),
    (
        "alternation",
        [("Oui", 0, 0.3, A), ("Non", 0.4, 0.6, B), ("Si", 0.7, 0.9, A)],
        1.5,
        [(A, 0, 0.3, "Oui"), (B, 0.4, 0.6, "Non"), (A, 0.7, 0.9, "Si")],
    ),
    (
        "unassigned word stays in the current turn",
        [("Oui", 0, 0.3, A), ("euh", 0.4, 0.6, None), ("Non", 0.7, 0.9, B)],
        1.5,
        [(A, 0, 0.6, "Oui euh"), (B, 0.7, 0.9, "Non")],
    ),
    (
        "leading unassigned words join the first speaker",
        [("euh", 0, 0.3, None), ("Bonjour", 0.4, 0.9, B)],
        1.5,
        [(B, 0, 0.9, "euh Bonjour")],
    ),
    ("no speaker at all", [("euh", 0, 0.3, None)], 1.5, [("UNKNOWN", 0, 0.3, "euh")]),
    ("no words", [], 1.5, []),
]


@pytest.mark.parametrize("name,words,max_pause,expected", TURN_CASES, ids=[c[0] for c in TURN_CASES])
def test_build_turns(name, words, max_pause, expected):
    ws = [
        Word(t, s, e, speaker=spk, assignment="none" if spk is None else "overlap") for t, s, e, spk in words
    ]
    turns = build_turns(ws, max_pause=max_pause)
    assert [(t.speaker, t.start, t.end, t.text) for t in turns] == expected
    assert [t.id for t in turns] == [f"t{i}" for i in range(1, len(turns) + 1)]
    assert sum(len(t.words) for t in turns) == len(ws)


@pytest.mark.parametrize(
    "words,text",
    [
        ([" Bonjour", " madame,", " comment", " allez-vous", " ?"], "Bonjour madame, comment allez-vous ?"),
        (["l'", "offre", "est", "prête", "."], "l'offre est prête."),
        (["Qu'", "en", "pensez", "-vous", "?"], "Qu'en pensez-vous ?"),
        (["aujourd’", "hui", ",", "c'est", "parfait", "…"], "aujourd’hui, c'est parfait…"),
        (["(", "voir", ")", "«", "bien", "»"], "(voir) « bien »"),
        (["numéro", "d", "'agence", "«", "1", "»."], "numéro d'agence « 1 »."),
    ],
)
def test_join_words_french_spacing(words, text):
    assert join_words(words) == text


def test_exclusive_segments_resolves_overlap_and_merges():
    ex = exclusive_segments([SpeakerSegment(0, 6, A), SpeakerSegment(5, 10, B), SpeakerSegment(7, 8, A)])
    assert [(s.start, s.end, s.speaker) for s in ex] == [(0, 6, A), (6, 10, B)]
    ex = exclusive_segments([SpeakerSegment(0, 2, A), SpeakerSegment(2, 4, A), SpeakerSegment(5, 6, B)])
    assert [(s.start, s.end, s.speaker) for s in ex] == [(0, 4, A), (5, 6, B)]
