"""Scoring the tagger against gold files: hand-computed figures on a tiny gold file, the eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation import evaluate_sessions, read_gold, score_turn_level
from pipeline.types import Tag, TagSet

GOLD = {
    "session_id": "mini-01",
    "scenario": "b2b-tech-service",
    "language": "fr",
    "turns": [
        {
            "id": "t1",
            "speaker": "candidate",
            "text": "Bonjour. Comment vous faites aujourd'hui ? Vous avez un budget ?",
            "tags": [
                {"id": "g1", "label": "rapport", "quote": "Bonjour"},
                {"id": "g2", "label": "open_question", "quote": "Comment vous faites aujourd'hui ?"},
                {"id": "g3", "label": "closed_question", "quote": "Vous avez un budget ?"},
            ],
        },
        {
            "id": "t2",
            "speaker": "client",
            "text": "On perd du temps. Et on a besoin d'un outil simple.",
            "tags": [
                {"id": "g4", "label": "need", "quote": "On perd du temps"},
                {"id": "g5", "label": "need", "quote": "on a besoin d'un outil simple"},
            ],
        },
        {
            "id": "t3",
            "speaker": "candidate",
            "text": "D'accord.",
            "tags": [{"id": "g6", "label": "active_listening", "quote": "D'accord"}],
        },
    ],
}


def _tag(i: int, label: str, turn: str, text: str, quote: str) -> Tag:
    s = text.index(quote)
    return Tag(
        id=f"p{i}",
        label=label,
        turn_id=turn,
        start_char=s,
        end_char=s + len(quote),
        quote=quote,
        start=None,
        end=None,
        confidence=0.5,
    )


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    p = tmp_path / "mini-01.json"
    p.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return p


def test_read_gold(gold_file):
    g = read_gold(gold_file)
    assert g.session_id == "mini-01" and [t.id for t in g.transcript.turns] == ["t1", "t2", "t3"]
    assert [t.label for t in g.tags] == [
        "rapport",
        "open_question",
        "closed_question",
        "need",
        "need",
        "active_listening",
    ]
    assert g.transcript.turns[0].role == "candidate" and g.transcript.turns[1].role == "client"
    q = g.tags[1]
    assert GOLD["turns"][0]["text"][q.start_char : q.end_char] == q.quote


def test_hand_computed_scores(gold_file):
    """Predictions chosen by hand; the figures below are computed by hand (see the comments)."""
    g = read_gold(gold_file)
    t1, t2 = GOLD["turns"][0]["text"], GOLD["turns"][1]["text"]
    pred = TagSet(
        tags=(
            _tag(1, "rapport", "t1", t1, "Bonjour"),  # tp
            _tag(2, "closed_question", "t1", t1, "Comment vous faites aujourd'hui ?"),  # wrong form
            _tag(3, "closed_question", "t1", t1, "Vous avez un budget ?"),  # tp
            _tag(4, "need", "t2", t2, "On perd du temps"),  # 1 of the 2 needs of t2
            _tag(5, "objection", "t2", t2, "On perd du temps"),  # fp
        )
    )
    r = evaluate_sessions([g], [pred])
    counts = {s.label: (s.tp, s.fp, s.fn) for s in r.labels}
    assert counts == {
        "rapport": (1, 0, 0),
        "open_question": (0, 0, 1),
        "closed_question": (1, 1, 0),  # 2 predicted, 1 gold in t1
        "need": (1, 0, 1),  # 1 predicted, 2 gold in t2
        "active_listening": (0, 0, 1),
        "objection": (0, 1, 0),
    }
    # micro: tp 3, fp 2, fn 3 -> P 3/5, R 3/6, F1 2*0.6*0.5/1.1
    assert r.micro.precision == pytest.approx(0.6)
    assert r.micro.recall == pytest.approx(0.5)
    assert r.micro.f1 == pytest.approx(6 / 11)
    # macro over the 6 labels present: P (1+0+.5+1+0+0)/6, R (1+0+1+.5+0+0)/6, F1 (1+0+2/3+2/3+0+0)/6
    assert r.macro.precision == pytest.approx(2.5 / 6)
    assert r.macro.recall == pytest.approx(2.5 / 6)
    assert r.macro.f1 == pytest.approx((1 + 4 / 3) / 6)
    assert r.label("closed_question").f1 == pytest.approx(2 / 3)
    # question forms: gold open read as closed, gold closed read as closed, nothing unpaired
    assert r.question_confusion["open"] == {"open": 0, "closed": 1, "none": 0}
    assert r.question_confusion["closed"] == {"open": 0, "closed": 1, "none": 0}
    assert r.question_confusion["none"] == {"open": 0, "closed": 0, "none": 0}


def test_multiplicity_per_turn():
    gold = [("s", "t1", "need"), ("s", "t1", "need"), ("s", "t2", "need")]
    pred = [("s", "t1", "need"), ("s", "t2", "need"), ("s", "t2", "need"), ("s", "t3", "need")]
    (need,) = score_turn_level(gold, pred)
    assert (need.tp, need.fp, need.fn) == (2, 2, 1)


def test_perfect_prediction_scores_one(gold_file):
    g = read_gold(gold_file)
    texts = {t["id"]: t["text"] for t in GOLD["turns"]}
    pred = TagSet(
        tags=tuple(_tag(i, t.label, t.turn_id, texts[t.turn_id], t.quote) for i, t in enumerate(g.tags))
    )
    r = evaluate_sessions([g], [pred])
    assert r.micro.f1 == pytest.approx(1.0) and r.macro.f1 == pytest.approx(1.0)


@pytest.mark.slow
def test_eval_command_json(gold_file, capsys):
    from pipeline.cli import main

    assert main(["eval", str(gold_file.parent), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    gold = out["gold"]
    assert gold["sessions"] == ["mini-01"]
    by_label = {x["label"]: x for x in gold["labels"]}
    assert by_label["open_question"]["support"] == 1 and by_label["need"]["support"] == 2
    assert 0.0 <= gold["macro"]["f1"] <= 1.0 and 0.0 <= gold["micro"]["f1"] <= 1.0
    assert set(gold["question_confusion"]) == {"open", "closed", "none"}


@pytest.mark.slow
def test_miam_question_detection(tmp_path):
    from pipeline.evaluation import evaluate_miam
    from pipeline.tagging import load_tagger

    csv = tmp_path / "mini.csv"
    csv.write_text(
        "Speaker,Utterance,Dialogue_Act,Dialogue_ID,File_ID\n"
        "A,Qu'est-ce que je peux faire pour vous?,ask,1,f\n"
        "B,Avez-vous vu Mélissa?,ask,1,f\n"
        "A,Elle est dans l'atelier.,inform,1,f\n"
        "B,Merci beaucoup.,thank,1,f\n",
        encoding="utf-8",
    )
    m = evaluate_miam(csv, load_tagger(use_encoder=False))
    assert (m.utterances, m.questions, m.tp, m.fp) == (4, 2, 2, 0)


@pytest.mark.parametrize(
    ("pattern", "ids", "expected"),
    [
        (None, ["a-d3-a1", "b-d3-a2"], ["a-d3-a1", "b-d3-a2"]),  # leave-one-session-out
        (r"(d\d-[a-z])\d+$", ["x-d3-a1", "y-d3-a2", "z-d3-b1"], ["d3-a", "d3-a", "d3-b"]),
        (r"d\d-[a-z]", ["x-d4-f1", "d2-b3"], ["d4-f", "d2-b"]),  # no group: the whole match
        (r"(d\d-[a-z])\d+$", ["b2b-tech-service-01"], ["folder:{dir}"]),  # no match: its folder's fold
    ],
)
def test_cv_groups(gold_file: Path, pattern, ids, expected) -> None:
    import dataclasses

    from pipeline.evaluation import cv_groups

    base = read_gold(gold_file)
    sessions = [dataclasses.replace(base, session_id=i) for i in ids]
    assert cv_groups(sessions, pattern) == [e.format(dir=gold_file.parent) for e in expected]


def test_cv_group_pattern_must_be_a_regex(gold_file: Path) -> None:
    from pipeline.errors import InputError
    from pipeline.evaluation import cv_groups

    with pytest.raises(InputError, match="not a valid regular expression"):
        cv_groups([read_gold(gold_file)], "(d\\d")
