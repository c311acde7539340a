"""The step locator on a hand-built 6-step session (with cues out of place) and edge cases."""

from __future__ import annotations

import pytest
from test_grid_builders import Session, T

from pipeline.grid import locate_steps, segment_turns
from pipeline.scenarios import load_referentiel, load_scenario


@pytest.fixture(scope="module")
def ref():
    return load_referentiel()


def full_session() -> tuple[Session, dict[int, str]]:
    """A compact interview; returns the session and the id of the first turn of each step."""
    s = Session(scenario="b2b-tech-service")
    first = {}
    first[1] = f"t{len(s.turns) + 1}"
    s.cand("Bonjour Madame Leroy, merci de me recevoir.", T("rapport"), duration=6)
    s.client("Bonjour, asseyez-vous.", duration=3)
    s.cand(
        "Je vous propose qu'on fasse le point sur vos besoins, ça vous va ?",
        T("rapport"),
        T("closed_question"),
    )
    s.client("Oui, très bien.", duration=2)
    first[2] = f"t{len(s.turns) + 1}"
    s.cand("Comment organisez-vous vos plannings aujourd'hui ?", T("open_question"))
    (n1,) = s.client("Sur des tableurs, on perd un temps fou avec les remplacements.", T("need"), duration=20)
    s.cand(
        "D'accord. Et qu'est-ce qui se passe quand un agent est absent ?",
        T("active_listening"),
        T("open_question"),
    )
    (n2,) = s.client(
        "On appelle tout le monde le soir. Et il faut ressaisir les heures pour la paie.",
        T("need"),
        duration=25,
    )
    s.client("Bon, et sinon le prix, ça coûte combien votre truc ?", duration=4)  # a price question, untagged
    s.cand(
        "Si je comprends bien, les remplacements et la paie vous coûtent du temps.",
        T("need_reformulation", links=(n1, n2)),
    )
    (n3,) = s.client(
        "Exactement, et mes chefs d'équipe veulent le planning sur leur téléphone.", T("need"), duration=10
    )
    first[3] = f"t{len(s.turns) + 1}"
    s.cand(
        "Avec Planéo, un remplacement se fait en deux clics depuis le téléphone.",
        T("argument", links=(n1,)),
        duration=15,
    )
    s.cand(
        "Par exemple, une entreprise de propreté de Rennes a divisé par trois ses appels du soir.",
        T("concrete_example"),
        duration=12,
    )
    s.cand(
        "L'API envoie les heures dans votre logiciel de paie, c'est-à-dire plus aucune ressaisie.",
        T("technical_translation"),
        T("argument", links=(n2,)),
        duration=15,
    )
    s.client("Hm.", duration=1)
    s.cand("Et vos chefs d'équipe voient tout sur leur téléphone.", T("argument", links=(n3,)), duration=8)
    first[4] = f"t{len(s.turns) + 1}"
    (o1,) = s.client(
        "Mais multiplié par 120 agents, ça fait cher tous les mois.",
        T("objection", attributes={"kind": "price"}),
        duration=8,
    )
    s.cand(
        "Vous trouvez le coût mensuel élevé, c'est bien ça ? Par rapport à quoi ?",
        T("objection_reformulation", links=(o1,)),
        T("objection_probe", links=(o1,)),
    )
    s.client("Par rapport au tableur, qui est gratuit.", duration=4)
    s.cand(
        "Le tableur vous coûte vos soirées : dix heures par mois au moins.",
        T("objection_response", links=(o1,)),
        duration=10,
    )
    s.client("Vu comme ça, oui, ça me rassure.", T("doubt_resolved", links=(o1,)), duration=4)
    s.cand(
        "Si vous vous engagez sur deux ans, je vous offre la mise en place.",
        T("concession", attributes={"justified": True}),
        duration=8,
    )
    first[5] = f"t{len(s.turns) + 1}"
    (b1,) = s.client("Et on pourrait démarrer quand ?", T("buying_signal"), duration=3)
    s.cand(
        "Je sens que la solution vous convient. On part sur la formule Pro ?",
        T("buying_signal_ack", links=(b1,)),
        T("closing_question"),
        T("closed_question"),
    )
    s.client("Oui, allons-y.", T("agreement"), duration=2)
    s.cand(
        "Je récapitule : formule Pro, 120 agents, démarrage le 1er mars. Je vous envoie le bon de commande demain.",
        T("agreement_summary"),
        T("next_step"),
        duration=12,
    )
    first[6] = f"t{len(s.turns) + 1}"
    s.cand(
        "Je passerai former vos deux chefs d'équipe de Saint-Herblain la première semaine.",
        T("followup_action"),
        T("personalized_detail"),
        duration=10,
    )
    s.cand("Et je vous appelle après la première paie pour voir si tout va bien.", T("followup_action"))
    s.cand("Qu'avez-vous pensé de notre échange ?", T("feedback_question"), T("open_question"))
    s.client("Très clair, merci.", T("comfort_signal"), duration=3)
    s.cand("Merci à vous, bonne journée.", T("rapport"), duration=3)
    return s, first


def test_six_steps_found_in_order_at_the_right_turns(ref):
    s, first = full_session()
    tr = s.transcript()
    seg = segment_turns(tr, s.tagset(), ref)
    assert list(seg.steps) == sorted(seg.steps)  # monotonic
    starts = {}
    for turn, step in zip(tr.turns, seg.steps, strict=True):
        starts.setdefault(step, turn.id)
    assert starts == first


def test_step_spans_times_plan_confidence_evidence(ref):
    s, first = full_session()
    tr = s.transcript()
    spans = locate_steps(tr, s.tagset(), ref, load_scenario("b2b-tech-service"))
    assert [sp.step for sp in spans] == [1, 2, 3, 4, 5, 6]
    assert [sp.name for sp in spans][:2] == ["Introduction", "Découverte des besoins"]
    for sp in spans:
        assert sp.start == tr.turn(first[sp.step]).start
        assert sp.duration > 0
        assert sp.planned_minutes is not None
        assert 0.3 < sp.confidence <= 1.0
        assert sp.evidence, sp.step
        assert all(e.kind == "tag" and e.start is not None for e in sp.evidence)
    # Contiguous: each step ends where the next begins; the last ends with the last turn.
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end == b.start
    assert spans[-1].end == tr.turns[-1].end
    assert sum(sp.planned_minutes for sp in spans) == 30
    assert {e.label for e in spans[3].evidence} >= {"objection", "question de suivi d'objection"}


def test_missing_step_has_no_times_and_late_greeting_does_not_reorder(ref):
    s = Session()
    s.cand("Bonjour, merci de me recevoir.", T("rapport"))
    (n1,) = s.client("Il nous faut un outil simple.", T("need"))
    s.cand("Comment travaillez-vous aujourd'hui ?", T("open_question"))
    s.client("Avec des tableurs.", T("need"))
    s.cand("Notre outil est simple : deux clics.", T("argument", links=(n1,)))
    s.cand("Par exemple, chez un client boulanger...", T("concrete_example"))
    s.cand("On part là-dessus ?", T("closing_question"))
    s.client("D'accord.", T("agreement"))
    s.cand("Merci beaucoup, au revoir.", T("rapport"))  # a closing thank-you is not a new introduction
    spans = locate_steps(s.transcript(), s.tagset(), ref)
    by = {sp.step: sp for sp in spans}
    assert by[4].start is None and by[4].end is None and by[4].duration is None
    assert by[1].start == 0.0 and by[1].end == s.turns[1].start
    assert by[5].start == s.turns[6].start
    assert by[3].planned_minutes is None  # no scenario given


def test_untagged_session_follows_the_plan(ref):
    s = Session()
    for i in range(30):
        s.say("candidate" if i % 2 else "client", f"Phrase {i}.", duration=59.5)
    spans = locate_steps(s.transcript(), s.tagset(), ref, load_scenario("b2b-tech-produit"))
    # 3/7/7/7/3/3 minutes: with no tag at all, the steps fall where the scenario plans them.
    starts = [sp.start / 60 for sp in spans]
    assert starts == pytest.approx([0, 3, 10, 17, 24, 27], abs=1.01)
    assert all(sp.confidence <= 0.1 for sp in spans)


def test_empty_transcript(ref):
    from pipeline.types import TagSet, Transcript

    spans = locate_steps(Transcript(turns=()), TagSet(()), ref)
    assert [sp.start for sp in spans] == [None] * 6
