"""RTTM, WebVTT and transcript JSON: round trips, the reference files, malformed input."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import InputError
from pipeline.formats import format_rttm, parse_rttm, read_rttm, read_transcript, write_rttm, write_vtt
from pipeline.formats.vtt import parse_voice, voice_name
from pipeline.types import RoleAssignment, Transcript, Turn, Word

PSEUDO_RTTM = ("audio", "fr-asterisk", "fr_pseudodialogue.rttm")


def test_read_reference_rttm(data_dir):
    d = read_rttm(data_dir.joinpath(*PSEUDO_RTTM))
    assert d.speakers == ("ARMELLE", "JUNE")
    assert len(d.segments) == 10
    assert d.segments[0].start == 0.5 and d.segments[0].end == pytest.approx(5.053)
    assert d.duration == pytest.approx(46.939)
    assert len(d.exclusive) == 10  # no overlap in this reference


def test_rttm_round_trip(tmp_path, data_dir):
    d = read_rttm(data_dir.joinpath(*PSEUDO_RTTM))
    path = write_rttm(tmp_path / "x.rttm", d, uri="session 01")
    text = path.read_text()
    assert text.splitlines()[0] == "SPEAKER session_01 1 0.500 4.553 <NA> <NA> JUNE <NA> <NA>"
    back = read_rttm(path)
    assert [(s.speaker, round(s.start, 3), round(s.end, 3)) for s in back.segments] == [
        (s.speaker, round(s.start, 3), round(s.end, 3)) for s in d.segments
    ]
    assert format_rttm(parse_rttm(""), "x") == ""


@pytest.mark.parametrize(
    "text,message",
    [
        ("SPEAKER x 1 0.5\n", "not a valid RTTM"),
        ("SPEAKER x 1 abc 1.0 <NA> <NA> A <NA> <NA>\n", "bad start or duration"),
        ("SPEAKER x 1 1.0 -2.0 <NA> <NA> A <NA> <NA>\n", "bad start or duration"),
    ],
)
def test_malformed_rttm(text, message):
    with pytest.raises(InputError, match=message):
        parse_rttm(text)


def make_transcript() -> Transcript:
    w = [
        Word("Bonjour", 0.0, 0.5, 0.9, "SPEAKER_00", "overlap"),
        Word("madame,", 0.5, 1.0, 0.8, "SPEAKER_00", "overlap"),
        Word("<bienvenue>", 1.0, 1.6, 0.8, "SPEAKER_00", "nearest"),
        Word("Bonjour.", 2.0, 2.5, 0.7, "SPEAKER_01", "overlap"),
    ]
    turns = (
        Turn("t1", "SPEAKER_00", 0.0, 1.6, "Bonjour madame, <bienvenue> & merci", tuple(w[:3]), "candidate"),
        Turn("t2", "SPEAKER_01", 2.0, 2.5, "Bonjour.", (w[3],), "client"),
    )
    roles = RoleAssignment("SPEAKER_00", "SPEAKER_01", 0.8, ("x",))
    return Transcript(turns=turns, roles=roles, session_id="s1", duration=3.0)


def test_vtt_round_trip(tmp_path):
    tr = make_transcript()
    path = write_vtt(tmp_path / "t.vtt", tr)
    text = path.read_text()
    assert text.startswith("WEBVTT\n")
    assert (
        "00:00:00.000 --> 00:00:01.600\n<v Candidat (SPEAKER_00)>Bonjour madame, &lt;bienvenue&gt; &amp; merci"
        in text
    )
    back = read_transcript(path)
    assert [(t.id, t.speaker, t.start, t.end, t.text) for t in back.turns] == [
        (t.id, t.speaker, t.start, t.end, t.text) for t in tr.turns
    ]
    assert (back.roles.candidate, back.roles.client, back.roles.source) == (
        "SPEAKER_00",
        "SPEAKER_01",
        "reference",
    )
    for t in back.turns:  # synthetic words lie inside their turn, speaker from the file
        assert t.words and all(t.start <= w.start <= w.end <= t.end for w in t.words)
        assert {w.assignment for w in t.words} == {"reference"}


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Candidat (SPEAKER_00)", ("SPEAKER_00", "candidate")),
        ("Client (Jean Dupont)", ("Jean Dupont", "client")),
        ("client", ("client", "client")),
        ("Marie", ("Marie", None)),
        ("Marie (RH)", ("Marie (RH)", None)),
    ],
)
def test_voice_names(name, expected):
    assert parse_voice(name) == expected
    if expected[1]:
        assert parse_voice(voice_name(expected[0], expected[1])) == expected


def test_foreign_vtt_with_classes_and_two_voices(tmp_path):
    p = tmp_path / "other.vtt"
    p.write_text(
        "\ufeffWEBVTT - made elsewhere\n\nNOTE a comment\n\n"
        "1:02.000 --> 1:04.000 align:start\n<v.loud Alice>Bonjour <i>à tous</i></v>\n\n"
        "00:01:05.000 --> 00:01:09.000\n<v Alice>Ça va ?\n<v Bob>Oui merci, et vous ?\n",
        encoding="utf-8",
    )
    tr = read_transcript(p)
    assert [(t.speaker, t.start, t.end, t.text) for t in tr.turns] == [
        ("Alice", 62.0, 64.0, "Bonjour à tous"),
        ("Alice", 65.0, 66.5, "Ça va ?"),  # 3 of the cue's 8 tokens
        ("Bob", 66.5, 69.0, "Oui merci, et vous ?"),
    ]
    assert tr.roles is None


GOLD = {
    "session_id": "b2b-tech-service-01",
    "scenario": "b2b-tech-service",
    "language": "fr",
    "turns": [
        {
            "id": "t1",
            "speaker": "candidate",
            "start": 0.0,
            "end": 4.2,
            "text": "Bonjour Madame Leroy, merci de me recevoir.",
            "tags": [{"id": "g1", "label": "rapport", "quote": "merci de me recevoir"}],
        },
        {
            "id": "t2",
            "speaker": "client",
            "start": 4.6,
            "end": 11.0,
            "text": "Bonjour. Alors voilà, on perd beaucoup de temps avec nos plannings.",
            "tags": [],
        },
    ],
    "grid": {"C1.1": {"status": "met", "count": 4}},
}


def test_gold_json_with_times(tmp_path):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps(GOLD), encoding="utf-8")
    tr = read_transcript(p)
    assert (tr.session_id, tr.scenario, tr.language) == ("b2b-tech-service-01", "b2b-tech-service", "fr")
    assert [(t.id, t.speaker, t.role, t.start, t.end) for t in tr.turns] == [
        ("t1", "candidate", "candidate", 0.0, 4.2),
        ("t2", "client", "client", 4.6, 11.0),
    ]
    assert tr.roles.source == "reference" and tr.roles.candidate == "candidate"
    assert len(tr.turns[1].words) == 11 and tr.turns[1].words[-1].end == 11.0


def test_gold_json_text_only_gets_synthetic_times(tmp_path, caplog):
    gold = {"turns": [{k: v for k, v in t.items() if k not in ("start", "end")} for t in GOLD["turns"]]}
    p = tmp_path / "text_only.json"
    p.write_text(json.dumps(gold), encoding="utf-8")
    with caplog.at_level("INFO"):
        tr = read_transcript(p)
    assert "synthesised" in caplog.text
    t1, t2 = tr.turns
    assert (t1.start, t1.end) == (0.0, pytest.approx(7 / 2.5))  # 7 words at 2.5 words/s
    assert t2.start == pytest.approx(7 / 2.5 + 0.3)
    assert tr.session_id == "text_only"


def test_session_transcript_json_round_trip(tmp_path):
    from pipeline.fileio import atomic_write_json

    tr = make_transcript()
    p = atomic_write_json(tmp_path / "transcript.json", {**tr.to_dict(), "provenance": {"stage": "asr"}})
    assert read_transcript(p) == tr


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"hello world", "neither WebVTT nor valid JSON"),
        (b'{"turns": "x"}', "no 'turns' list"),
        (b"[1, 2]", "no 'turns' list"),
        (b'{"turns": []}', "no 'turns' list"),
        (b'{"turns": [{"speaker": "client"}]}', "needs a 'speaker' and a 'text'"),
        (b'{"turns": [{"speaker": "client", "text": "a", "start": 3, "end": 1}]}', "turn is invalid"),
        (
            b'{"turns": [{"id": "t1", "speaker": "c", "text": "a"}, {"id": "t1", "speaker": "c", "text": "b"}]}',
            "occurs twice",
        ),
        (b'{"turns": [{"id": "t1", "words": [], "start": "x"}], "provenance": {}}', "malformed"),
        (b"WEBVTT\n\n", "no cues"),
        (b"WEBVTT\n\n1\nnot a timing\n<v A>hi\n", "no valid timing line"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v A>hi\n", "ends before it starts"),
    ],
)
def test_malformed_transcripts(tmp_path, content, message):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_transcript(p)


def test_missing_transcript_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_transcript(tmp_path / "nope.vtt")
