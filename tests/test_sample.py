"""The committed synthetic samples are consistent: gold JSON (tags.md), RTTM, audio and grid agree.

Run ``python tests/test_sample.py samples/demo/demo.gold.json`` to recompute the gold ``grid`` block after
editing tags or re-synthesising (the grid follows the counting conventions of ``../shared/spec/grid.md``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import types

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT / ".." / "shared"
GOLD_FILES = [SAMPLES / "demo" / "demo.gold.json", SAMPLES / "test" / "dialogue2.gold.json"]

CANDIDATE_LABELS = set(types.CANDIDATE_LABELS)
CLIENT_LABELS = set(types.CLIENT_LABELS)
# Labels whose links must point to tags of these labels (tags.md, "Links").
LINK_TARGETS = {
    "need_reformulation": {"need"},
    "argument": {"need"},
    "objection_reformulation": {"objection"},
    "objection_probe": {"objection"},
    "objection_response": {"objection"},
    "doubt_resolved": {"objection"},
    "buying_signal_ack": {"buying_signal"},
}
QUESTION_FUNCTIONS = {"closing_question", "objection_probe", "feedback_question"}
OBJECTION_KINDS = set(types.OBJECTION_KINDS)
SCENARIO_IDS = {
    f"{m}-{d}-{t}"
    for m in ("b2b", "b2c")
    for d in ("tech", "industrie", "agriculture", "artisanat", "service")
    for t in ("produit", "service")
}
CRITERIA = [f"C1.{i}" for i in range(1, 5)] + [f"C2.{i}" for i in range(1, 5)]
CRITERIA += (
    [f"C3.{i}" for i in range(1, 5)] + [f"C4.{i}" for i in range(1, 5)] + [f"C5.{i}" for i in range(1, 5)]
)


# --------------------------------------------------------------------------- helpers


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def all_tags(doc: dict) -> list[tuple[dict, dict]]:
    """(turn, tag) pairs in document order."""
    return [(turn, tag) for turn in doc["turns"] for tag in turn.get("tags", [])]


def talk_share(doc: dict) -> float:
    """Client speech / (client + candidate speech), turn level, overlap counted for both (grid.md C1.2)."""
    time = {"candidate": 0.0, "client": 0.0}
    for turn in doc["turns"]:
        time[turn["speaker"]] += turn["end"] - turn["start"]
    return time["client"] / (time["client"] + time["candidate"])


def compute_grid(doc: dict) -> dict[str, dict]:
    """The draft grid per the counting conventions of grid.md, from gold tags and turn times."""
    tags = [tag for _, tag in all_tags(doc)]
    by_id = {tag["id"]: tag for tag in tags}

    def count(label: str) -> int:
        return sum(tag["label"] == label for tag in tags)

    def linked(from_label: str, to_label: str) -> set[str]:
        return {
            link
            for tag in tags
            if tag["label"] == from_label
            for link in tag.get("links", [])
            if by_id[link]["label"] == to_label
        }

    def at_least(n: int, bar: int) -> dict:
        return {"status": "met" if n >= bar else "not_met", "count": n}

    grid: dict[str, dict] = {}
    grid["C1.1"] = at_least(count("open_question"), 3)
    share = talk_share(doc)
    listening = count("active_listening")
    status = "not_met" if share < 0.5 else ("met" if listening else "to_review")
    grid["C1.2"] = {"status": status, "value": round(share, 3), "count": listening}
    grid["C1.3"] = at_least(
        sum(
            any(by_id[x]["label"] == "need" for x in t.get("links", []))
            for t in tags
            if t["label"] == "need_reformulation"
        ),
        2,
    )
    comfort, discomfort, rapport = count("comfort_signal"), count("discomfort_signal"), count("rapport")
    if discomfort >= 3 and comfort == 0:
        status = "not_met"
    elif comfort >= 8 and discomfort == 0 and rapport >= 3:
        status = "met"
    else:
        status = "to_review"
    grid["C1.4"] = {"status": status, "count": comfort}
    grid["C2.1"] = at_least(len(linked("argument", "need")), 3)
    grid["C2.2"] = at_least(count("concrete_example"), 2)
    grid["C2.3"] = at_least(count("technical_translation"), 1)
    grid["C2.4"] = at_least(count("adjustment"), 1)
    grid["C3.1"] = at_least(len(linked("objection_reformulation", "objection")), 2)
    objections = [t["id"] for t in tags if t["label"] == "objection"]
    probed = linked("objection_probe", "objection")
    resolved = linked("doubt_resolved", "objection")
    if not objections:
        grid["C3.2"] = {"status": "to_review", "count": 0}
        grid["C3.3"] = {"status": "to_review", "count": 0}
    else:
        n_probed = sum(o in probed for o in objections)
        grid["C3.2"] = {"status": "met" if n_probed == len(objections) else "not_met", "count": n_probed}
        ratio = sum(o in resolved for o in objections) / len(objections)
        grid["C3.3"] = {
            "status": "met" if ratio >= 0.75 else "not_met",
            "value": round(ratio, 3),
            "count": sum(o in resolved for o in objections),
        }
    unjustified = sum(t["label"] == "concession" and not t.get("justified", False) for t in tags)
    grid["C3.4"] = {"status": "met" if unjustified <= 1 else "not_met", "count": unjustified}
    grid["C4.1"] = at_least(len(linked("buying_signal_ack", "buying_signal")), 1)
    grid["C4.2"] = at_least(count("closing_question"), 1)
    grid["C4.3"] = at_least(count("next_step"), 1)
    summaries = count("agreement_summary")
    status = "not_met" if not summaries else ("met" if count("agreement") else "to_review")
    grid["C4.4"] = {"status": status, "count": summaries}
    grid["C5.1"] = at_least(count("followup_action"), 2)
    grid["C5.2"] = at_least(count("personalized_detail"), 2)
    grid["C5.3"] = at_least(count("feedback_question"), 1)
    grid["C5.4"] = at_least(count("followup_action"), 1)
    return grid


def read_rttm(path: Path) -> list[tuple[str, float, float, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split()
        assert f[0] == "SPEAKER" and len(f) == 10, line
        rows.append((f[1], float(f[3]), float(f[4]), f[7]))
    return rows


def decode(path: Path) -> tuple[np.ndarray, int, int]:
    """(mono float32 samples, sample rate, channels of the stream) with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        channels = stream.codec_context.channels
        rate = stream.codec_context.sample_rate
        chunks = [frame.to_ndarray() for frame in container.decode(stream)]
    data = np.concatenate(chunks, axis=1).astype(np.float32)
    if data.dtype.kind == "i":  # pragma: no cover - opus decodes to float planar
        data /= 32768.0
    return data.mean(axis=0), rate, channels


@pytest.fixture(scope="module", params=[p for p in GOLD_FILES if p.exists()], ids=lambda p: p.stem)
def gold(request) -> tuple[Path, dict]:
    return request.param, load(request.param)


# --------------------------------------------------------------------------- gold JSON


def test_demo_sample_is_committed():
    assert (SAMPLES / "demo" / "demo.gold.json").exists()
    assert (SAMPLES / "demo" / "demo.rttm").exists()
    assert (SAMPLES / "demo" / "demo.opus").exists()


def test_samples_stay_small():
    size = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert size < 2_000_000, f"samples/ is {size} bytes"


def test_label_sets_match_the_spec():
    spec = SHARED / "spec" / "tags.md"
    if not spec.exists():
        pytest.skip("../shared/spec/tags.md not available")
    text = spec.read_text(encoding="utf-8")
    cand = text.split("## Candidate (seller) tags")[1].split("## Client tags")[0]
    client = text.split("## Client tags")[1].split("## Links")[0]
    assert set(re.findall(r"^\| `(\w+)` \|", cand, re.M)) == CANDIDATE_LABELS
    assert set(re.findall(r"^\| `(\w+)` \|", client, re.M)) == CLIENT_LABELS


def test_gold_header_and_turns(gold):
    path, doc = gold
    assert doc["language"] == "fr"
    assert doc["session_id"] and isinstance(doc["session_id"], str)
    assert doc["scenario"] in SCENARIO_IDS
    ids = [t["id"] for t in doc["turns"]]
    assert len(ids) == len(set(ids))
    assert {t["speaker"] for t in doc["turns"]} == {"candidate", "client"}
    for turn in doc["turns"]:
        assert turn["text"].strip() == turn["text"] and turn["text"]
        assert 0 <= turn["start"] < turn["end"] <= doc["synthesis"]["duration"]
        assert not re.search(r"\d", turn["text"]), f"{turn['id']}: write numbers in words"


def test_gold_tags(gold):
    _, doc = gold
    pairs = all_tags(doc)
    by_id = {tag["id"]: tag for _, tag in pairs}
    assert len(by_id) == len(pairs), "tag ids must be unique"
    for turn, tag in pairs:
        allowed = CANDIDATE_LABELS if turn["speaker"] == "candidate" else CLIENT_LABELS
        assert tag["label"] in allowed, (turn["id"], tag["label"])
        assert tag["quote"] and tag["quote"] in turn["text"], (turn["id"], tag["quote"])
        for link in tag.get("links", []):
            assert link in by_id, (tag["id"], link)
            assert by_id[link]["label"] in LINK_TARGETS.get(tag["label"], set()), (tag["id"], link)
        if tag["label"] in LINK_TARGETS and tag["label"] != "argument":
            assert tag.get("links"), f"{tag['id']} ({tag['label']}) must link to what it refers to"
        if tag["label"] == "objection":
            assert tag.get("kind") in OBJECTION_KINDS
        if tag["label"] == "concession":
            assert isinstance(tag.get("justified"), bool)


def test_gold_question_form_convention(gold):
    """closing_question / objection_probe / feedback_question also carry their form (open or closed)."""
    _, doc = gold
    for turn in doc["turns"]:
        forms = [t for t in turn.get("tags", []) if t["label"] in {"open_question", "closed_question"}]
        for tag in turn.get("tags", []):
            if tag["label"] in QUESTION_FUNCTIONS:
                assert any(f["quote"] in tag["quote"] or tag["quote"] in f["quote"] for f in forms), tag["id"]
        assert sum(t["label"] == "active_listening" for t in turn.get("tags", [])) <= 1


def test_demo_covers_the_script_brief():
    doc = load(SAMPLES / "demo" / "demo.gold.json")
    labels = [tag["label"] for _, tag in all_tags(doc)]
    for label, n in {
        "rapport": 1,
        "open_question": 2,
        "closed_question": 1,
        "need": 2,
        "need_reformulation": 1,
        "argument": 1,
        "concrete_example": 1,
        "technical_translation": 1,
        "objection": 1,
        "objection_probe": 1,
        "objection_response": 1,
        "doubt_resolved": 1,
        "buying_signal": 1,
        "closing_question": 1,
        "next_step": 1,
        "agreement_summary": 1,
        "followup_action": 1,
        "feedback_question": 1,
    }.items():
        assert labels.count(label) >= n, label
    # One open question carries no "?" (the wh-word alone marks it, as in ASR output without punctuation).
    assert any(t["label"] == "open_question" and "?" not in t["quote"] for _, t in all_tags(doc)), (
        "an open question without '?' is part of the demo"
    )
    assert 120 <= doc["synthesis"]["duration"] <= 180


def test_gold_grid_follows_the_counting_conventions():
    doc = load(SAMPLES / "demo" / "demo.gold.json")
    expected = compute_grid(doc)
    assert list(doc["grid"]) == CRITERIA
    for criterion, row in expected.items():
        stored = doc["grid"][criterion]
        assert stored["status"] == row["status"], criterion
        assert stored.get("count") == row.get("count"), criterion
        if "value" in row:
            assert stored["value"] == pytest.approx(row["value"], abs=0.002), criterion


# --------------------------------------------------------------------------- times, RTTM, audio


def test_turns_do_not_overlap_except_declared(gold):
    _, doc = gold
    declared = doc["synthesis"].get("overlaps", {})
    latest_end = 0.0
    starts = [t["start"] for t in doc["turns"]]
    assert starts == sorted(starts)
    for turn in doc["turns"]:
        if turn["id"] in declared:
            assert turn["start"] < latest_end, f"{turn['id']} is declared overlapping but is not"
            assert latest_end - turn["start"] == pytest.approx(declared[turn["id"]], abs=0.002)
        else:
            assert turn["start"] >= latest_end, f"{turn['id']} overlaps without being declared"
        latest_end = max(latest_end, turn["end"])


def test_rttm_matches_gold_turns(gold):
    path, doc = gold
    rows = read_rttm(path.with_name(path.name.replace(".gold.json", ".rttm")))
    assert len(rows) == len(doc["turns"])
    for (uri, start, dur, speaker), turn in zip(rows, doc["turns"], strict=True):
        assert uri == path.name.replace(".gold.json", "")
        assert speaker == turn["speaker"]
        assert start == pytest.approx(turn["start"], abs=0.0015)
        assert start + dur == pytest.approx(turn["end"], abs=0.0015)


def test_audio_decodes_and_matches_the_turns(gold):
    path, doc = gold
    audio_path = path.with_name(doc["synthesis"]["audio"])
    samples, rate, channels = decode(audio_path)
    assert channels == 1
    duration = len(samples) / rate
    assert duration == pytest.approx(doc["synthesis"]["duration"], abs=0.1)

    # Speech where the turns say, near-silence between them: the times describe this audio.
    def rms(start: float, end: float) -> float:
        seg = samples[int(start * rate) : int(end * rate)]
        return float(np.sqrt(np.mean(seg**2))) if len(seg) else 0.0

    turns = doc["turns"]
    for turn in turns:
        assert rms(turn["start"], turn["end"]) > 0.02, turn["id"]
    ends = np.maximum.accumulate([t["end"] for t in turns])
    gaps = [
        (e + 0.05, t["start"] - 0.05)
        for e, t in zip(ends[:-1], turns[1:], strict=True)
        if t["start"] - e > 0.2
    ]
    assert gaps
    for start, end in gaps:
        assert rms(start, end) < 0.005, (start, end)
    assert rms(0, turns[0]["start"] - 0.05) < 0.005


# --------------------------------------------------------------------------- the synthesis script (no TTS run)


def _script():
    spec = importlib.util.spec_from_file_location(
        "synthesize_dialogue", ROOT / "scripts" / "synthesize_dialogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_script_reads_tsv_dialogues(tmp_path):
    script = _script()
    tsv = tmp_path / "d.tsv"
    tsv.write_text(
        "# comment\ncandidate\tBonjour. Vous allez bien ?\nclient\tOui, merci.\t0.3\n", encoding="utf-8"
    )
    doc, turns = script.read_dialogue(tsv)
    assert [(t.id, t.speaker, t.overlap) for t in turns] == [("t1", "candidate", 0.0), ("t2", "client", 0.3)]
    assert doc["synthesis"]["overlaps"] == {"t2": 0.3}
    assert script.split_sentences(turns[0].text) == ["Bonjour.", "Vous allez bien ?"]
    bad = tmp_path / "bad.tsv"
    bad.write_text("candidate only\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        script.read_dialogue(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("jm_kumo:-300", ("jm_kumo", -300.0, 1.0)), ("jf_gongitsune:0:0.9", ("jf_gongitsune", 0.0, 0.9))],
)
def test_script_voice_spec(text, expected):
    spec = _script().VoiceSpec.parse(text)
    assert (spec.name, spec.cents, spec.speed) == expected


def test_script_rttm_lines():
    lines = _script().rttm_lines("x", ["candidate", "client"], [(0.5, 2.25), (2.0, 3.0)])
    assert lines == [
        "SPEAKER x 1 0.500 1.750 <NA> <NA> candidate <NA> <NA>",
        "SPEAKER x 1 2.000 1.000 <NA> <NA> client <NA> <NA>",
    ]


def test_script_says_what_to_install_when_espeak_is_missing(tmp_path, monkeypatch, capsys):
    script = _script()
    monkeypatch.setattr(script.shutil, "which", lambda name: None)
    tsv = tmp_path / "d.tsv"
    tsv.write_text("candidate\tBonjour.\nclient\tBonjour.\n", encoding="utf-8")
    assert script.main([str(tsv), "--out-dir", str(tmp_path)]) == 2
    assert "apt-get install -y espeak-ng" in capsys.readouterr().err
    assert not (tmp_path / "d.opus").exists()


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed (apt-get install espeak-ng)"
)
def test_script_french_ipa_keeps_punctuation_and_drops_language_flags():
    ipa = _script().to_ipa("Bonjour, vous faites comment avec vos plannings ?")
    assert ipa.startswith("bɔ̃ʒˈuʁ,")
    assert ipa.endswith("?")
    assert "(en)" not in ipa and "(fr)" not in ipa


if __name__ == "__main__":
    # Recompute the gold grid block of the given files (after editing tags or re-synthesising).
    for name in sys.argv[1:]:
        p = Path(name)
        d = load(p)
        d["grid"] = compute_grid(d)
        p.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(p, {k: v["status"] for k, v in d["grid"].items()})
