"""Who is the candidate: hand-built French transcripts."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.roles import apply_roles, assign_roles, load_cues
from pipeline.types import Transcript, Turn


def turns(*lines: tuple[str, str]) -> tuple[Turn, ...]:
    out, t = [], 0.0
    for i, (spk, text) in enumerate(lines, start=1):
        dur = max(1.0, len(text.split()) / 2.5)
        out.append(Turn(id=f"t{i}", speaker=spk, start=t, end=t + dur, text=text))
        t += dur + 0.5
    return tuple(out)


SELLER_FIRST = turns(
    ("A", "Bonjour Madame Leroy, merci de me recevoir. Je suis Paul Martin, de la société Planexo."),
    ("B", "Bonjour, asseyez-vous. Je vous écoute."),
    ("A", "Avant de vous présenter notre solution, comment gérez-vous vos plannings aujourd'hui ?"),
    ("B", "Sur papier. On perd beaucoup de temps, nous avons besoin de quelque chose de simple."),
    ("A", "Si je comprends bien, la simplicité compte avant tout. Je vous propose notre offre Pro."),
    ("B", "Votre offre m'intéresse mais c'est un peu cher pour nous."),
)
# the client speaks first (receives the seller), the seller's cues must still win
CLIENT_FIRST = turns(
    ("X", "Entrez, je vous écoute. Alors, combien ça coûte votre logiciel ?"),
    ("Y", "Bonjour ! Je m'appelle Julie, je suis conseillère chez Agrisol. Je vous présente notre gamme."),
    ("X", "On a déjà un fournisseur, et votre solution me paraît complexe."),
    (
        "Y",
        "Je comprends. Parlez-moi de vos contraintes : qu'est-ce qui vous freine ? Nos clients ont eu les mêmes.",
    ),
)


@pytest.mark.parametrize(
    "tr,candidate,client",
    [(SELLER_FIRST, "A", "B"), (CLIENT_FIRST, "Y", "X")],
    ids=["seller-first", "client-first"],
)
def test_assign_roles_from_cues(tr, candidate, client):
    roles = assign_roles(tr)
    assert (roles.candidate, roles.client, roles.source) == (candidate, client, "auto")
    assert roles.confidence > 0.9
    assert any("présente" in r for r in roles.reasons)


def test_no_cue_falls_back_to_first_speaker_with_low_confidence():
    tr = turns(("B", "Oui."), ("A", "Non."), ("B", "D'accord."))
    roles = assign_roles(tr)
    assert roles.candidate == "B" and roles.client == "A"
    assert 0.5 <= roles.confidence < 0.7


def test_override_wins():
    roles = assign_roles(SELLER_FIRST, override="B")
    assert (roles.candidate, roles.client, roles.source, roles.confidence) == ("B", "A", "user", 1.0)
    with pytest.raises(InputError, match="not one of the speakers"):
        assign_roles(SELLER_FIRST, override="SPEAKER_07")


def test_one_speaker_only(caplog):
    roles = assign_roles(turns(("A", "Bonjour, je vous présente notre offre.")))
    assert (roles.candidate, roles.client) == ("A", None)
    assert "un seul locuteur" in roles.reasons[0]
    assert "Only one speaker" in caplog.text


def test_no_speech_is_an_input_error():
    with pytest.raises(InputError):
        assign_roles(())


def test_third_speaker_has_no_role():
    tr = SELLER_FIRST + (Turn(id="t99", speaker="C", start=100.0, end=101.0, text="Pardon."),)
    roles = assign_roles(tr)
    assert (roles.candidate, roles.client) == ("A", "B")
    t = apply_roles(Transcript(turns=tr), roles)
    assert [x.role for x in t.turns][-2:] == ["client", None]
    assert t.roles == roles


def test_cues_file_loads_and_every_cue_has_patterns():
    cues = load_cues()
    assert cues.candidate and cues.client
    assert all(c.patterns and c.weight > 0 for c in cues.candidate + cues.client)
