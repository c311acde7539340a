"""The shared types: validation rejects impossible values, JSON round trips are exact."""

from __future__ import annotations

import json

import pytest

from pipeline.provenance import make_provenance
from pipeline.serialize import from_dict
from pipeline.types import (
    Diarization,
    Measures,
    RoleAssignment,
    RoleMeasures,
    SpeakerSegment,
    Transcript,
    Turn,
    Word,
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Word("a", 1.0, 0.5),  # end before start
        lambda: Word("a", -1.0, 0.5),  # negative time
        lambda: Word("a", 0.0, float("nan")),
        lambda: Word("a", 0.0, 1.0, speaker="S", assignment="none"),  # speaker without assignment
        lambda: Word("a", 0.0, 1.0, speaker=None, assignment="overlap"),  # assignment without speaker
        lambda: Word("a", 0.0, 1.0, speaker="S", assignment="distant"),  # distant word, ordinary speaker
        lambda: Word("a", 0.0, 1.0, probability=1.5),
        lambda: Turn("t1", "S", 0.0, 1.0, "a", (Word("a", 0.5, 2.0),)),  # word outside its turn
        lambda: Transcript(turns=(Turn("t1", "S", 0, 1, "a"), Turn("t1", "S", 2, 3, "b"))),  # duplicate ids
        lambda: Transcript(turns=(Turn("t1", "S", 2, 3, "a"), Turn("t2", "S", 0, 1, "b"))),  # unsorted
        lambda: Diarization(
            segments=(),
            exclusive=(SpeakerSegment(0, 2, "A"), SpeakerSegment(1, 3, "B")),
            method="x",
            duration=3,
        ),
        lambda: RoleAssignment("A", "A", 0.5),
        lambda: Measures(0, 0.5, (0.6, 0.4), {}, 0, 0, 0, 0, 0),  # band low > high
    ],
)
def test_invalid_values_are_rejected(build):
    with pytest.raises(ValueError):
        build()


def test_transcript_and_measures_round_trip_through_json():
    w = (Word("Bonjour", 0.0, 0.5, 0.9, "A", "overlap"), Word("oui", 1.0, 1.2, None, "A", "nearest"))
    tr = Transcript(
        turns=(Turn("t1", "A", 0.0, 1.2, "Bonjour oui", w, "candidate"),),
        roles=RoleAssignment("A", "B", 0.8, ("r",)),
        duration=2.0,
        session_id="s",
    )
    assert from_dict(Transcript, json.loads(json.dumps(tr.to_dict()))) == tr
    m = Measures(
        10.0, 0.4, (0.35, 0.45), {"client": RoleMeasures(4.0, 2, 10, 3.0, 150.0)}, 0.5, 1, 0, 0.1, 9.0
    )
    back = from_dict(Measures, json.loads(json.dumps(m.to_dict())))
    assert back == m and back.client_talk_share_band == (0.35, 0.45)


def test_provenance_key_ignores_the_time_but_not_the_options():
    a = make_provenance("asr", "1", {"audio": "x"}, options={"speakers": 2})
    b = make_provenance("asr", "1", {"audio": "x"}, options={"speakers": 2})
    c = make_provenance("asr", "1", {"audio": "x"}, options={"speakers": 3})
    assert a.key == b.key != c.key


def test_results_pickle_and_stay_read_only():
    """A forked worker (cross-validation, batch) returns tags and provenance through pickle."""
    import pickle
    from types import MappingProxyType

    from pipeline.types import Tag, TagSet

    tag = Tag("k1", "objection", "t3", 0, 8, "trop cher", 1.0, 2.0, 0.7, {"kind": "price"}, (), "rule:x")
    tags = TagSet((tag,), make_provenance("tag", "1", {"transcript": "x"}, options={"a": {"b": 1}}))
    back = pickle.loads(pickle.dumps(tags))
    assert back == tags
    assert isinstance(back.tags[0].attributes, MappingProxyType)
    with pytest.raises(TypeError):
        back.tags[0].attributes["kind"] = "trust"  # type: ignore[index]
