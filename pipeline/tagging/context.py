"""From cues and question forms to acts, using the conversation's context. Pure Python (no spaCy).

The transcript is walked turn by turn, keeping what happened before: the client's needs, the open
objections and whether they got a probe, a response, a resolution; buying signals waiting for an
acknowledgement; whether the client has agreed (which starts the after-sale part). Word lists come
from ``cues.yaml``; windows and thresholds from ``settings.yaml``.

Speaker role gates every label: candidate labels only on candidate turns, client labels only on
client turns; a turn whose role is unknown gets nothing (logged once per transcript).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from ..scenarios import fold, term_pattern
from .questions import QuestionRules

log = logging.getLogger(__name__)

_SECOND_PERSON = frozenset(["vous", "votre", "vos", "vôtre", "-vous"])
_WH_OPENERS = ("qu'", "que ", "comment", "quel")
_NEGATION = frozenset(["pas", "ne", "n'", "aucun", "aucune", "jamais", "impossible", "plus"])
#: Labels of the seller's objection handling: a turn that carries one answers a reservation.
_HANDLING = frozenset({"objection_response", "objection_reformulation", "objection_probe", "concession"})
# Between a subject and its auxiliary ("il l'a fait", "ils n'ont"), and between the auxiliary and its
# participle ("ils ont pas vu", "elle a déjà posé"): skipped when reading a passé composé (_third_party_past).
_PRE_AUX_CLITICS = frozenset("l' le la les lui leur en y ne n' m' me se s' t' te".split())
_POST_AUX_ADVERBS = frozenset("pas jamais plus déjà toujours bien même encore vraiment".split())


@dataclass
class Sent:
    """One sentence of one turn, with what the spaCy components found in it."""

    index: int
    turn: int
    role: str
    tok_start: int
    tok_end: int
    char_start: int
    char_end: int
    text: str
    n_words: int
    form: str | None
    qrule: str
    lemmas: frozenset[str]
    nouns: frozenset[str]
    words: tuple[str, ...]
    has_digit: bool = False
    # Every token of the sentence (doc index - tok_start): lowercased text, lemma, coarse POS.
    toks: tuple[tuple[str, str, str], ...] = ()
    # spaCy's morphology string of each token, same order as ``toks`` ("Mood=Ind|Person=3|Tense=Pres|…").
    morph: tuple[str, ...] = ()
    cues: dict[str, list[tuple[str, str | None, int, int, str]]] = field(default_factory=dict)
    negatives: set[str] = field(default_factory=set)
    probs: dict[str, float] = field(default_factory=dict)  # sentence classifier, when loaded
    emb: Any = None  # sentence embedding, computed once and shared by the classifier and the links
    thresholds: Mapping[str, Any] = field(default_factory=dict)

    def cue(self, label: str) -> tuple[str, str | None, int, int, str] | None:
        found = self.cues.get(label)
        if not found or label in self.negatives:
            return None
        return found[0]

    def hit(self, label: str) -> tuple[str, str | None, int, int, str] | None:
        """A cue confirmed by the classifier (p >= low), or the classifier alone (p >= high).

        Without a classifier score for ``label``, the cue decides alone. The pattern id of a
        classifier-only hit is ``model``."""
        c = self.cue(label)
        p = self.probs.get(label)
        if p is None:
            return c
        lo, hi = self.thresholds.get(label, self.thresholds.get("default", (0.3, 0.8)))
        if c is not None and p >= lo:
            return c
        if p >= hi and label not in self.negatives:
            return ("model", None, self.tok_start, self.tok_end, self.text)
        return None

    @property
    def second_person(self) -> bool:
        return any(w in _SECOND_PERSON for w in self.words)


@dataclass
class Act:
    """One tag before ids are given: where it is (token and doc-character span), why, its links."""

    label: str
    turn: int
    sent: int
    tok_start: int
    tok_end: int
    char_start: int
    char_end: int
    source: str
    confidence: float
    attributes: dict[str, Any] = field(default_factory=dict)
    links: list[int] = field(default_factory=list)  # indices into the act list


@dataclass
class _Objection:
    act: int
    turn: int
    sent: Sent
    probed: bool = False
    responded_turn: int | None = None
    reformulated: bool = False
    resolved: bool = False
    candidate_turns_since: int = 0
    answer_due: bool = False  # relief heard in the answer to a probe: resolved once answered
    moved_on: bool = False  # the client moved on before any answer: later answers need an answer cue


@dataclass(frozen=True)
class ScenarioTerm:
    """A technical term of the session's scenario (``scenarios/<id>.yaml``): its written forms as
    patterns over folded text, and the plain-language benefit a good candidate gives for it."""

    term: str
    patterns: tuple[re.Pattern[str], ...]
    benefit: str


def scenario_terms(items: Iterable[tuple[Sequence[str], str]]) -> tuple[ScenarioTerm, ...]:
    """Terms from (forms, benefit) pairs: the forms matched as whole words, folded, spaces and hyphens alike."""
    out = []
    for forms, benefit in items:
        pats = [term_pattern(form) for form in forms if re.sub(r"[\s\-]+", "", fold(form))]
        if pats:
            out.append(ScenarioTerm(term=forms[0], patterns=tuple(pats), benefit=benefit))
    return tuple(out)


class _State:
    def __init__(self, turns: Sequence[Mapping[str, Any]], settings: Mapping[str, Any]) -> None:
        self.acts: list[Act] = []
        self.needs: list[tuple[int, Sent]] = []  # (act index, sentence)
        self.objections: list[_Objection] = []
        self.buying_signals: list[tuple[int, int]] = []  # (act index, turn index) waiting for an ack
        self.agreement_turn: int | None = None
        # Round 15 (obj): the turn of a provisional yes (settings.yaml agreement_provisional_open), not yet the sale.
        self.provisional_turn: int | None = None
        self.closing_asked = False
        self.offer_made = False
        self.n_turns = len(turns)
        self.settings = settings
        # French marker lists live in models/tagger/settings.yaml (see the comments there).
        self.strong_reservation = frozenset(settings.get("strong_reservation_markers", ()))
        self.reservation_only = frozenset(settings.get("reservation_only_markers", ()))
        self.client_nouns: set[str] = set()
        # Round 21 (example): the figures the client said ("neuf mille", "280"), as runs of number words.
        self.client_figures: set[str] = set()
        self.candidate_nouns: set[str] = set()
        self.client_turns = 0  # client turns already walked
        # Act indices dropped at the end of the walk (kept until then so the walk still reads them): later
        # answers to an answered objection, comfort signs taken back by the seller's repair.
        self.dropped_at_end: set[int] = set()
        # Round 15b (scen): the technical terms of the session's scenario, their benefits' embeddings.
        self.terms: tuple[ScenarioTerm, ...] = ()
        self.benefit_vecs: list[Any] | None = None

    @property
    def phased(self) -> bool:
        """Long enough for the position in the transcript to tell the phase of the interview."""
        return self.n_turns >= int(self.settings.get("phase_min_turns", 12))

    def share(self, turn: int) -> float:
        return turn / max(1, self.n_turns - 1)

    def after_sale(self, turn: int) -> bool:
        if self.agreement_turn is not None and turn > self.agreement_turn:
            return True
        return self.share(turn) >= float(self.settings.get("after_sale_tail_share", 0.85))


# --------------------------------------------------------------------------- similarity


class _Similarity:
    """Link score: encoder cosine mixed with lexical overlap of content lemmas."""

    def __init__(self, sents: Sequence[Sent], encoder: Any, alpha: float) -> None:
        self.encoder = encoder
        self.alpha = alpha if encoder is not None else 0.0
        self._vec: dict[int, Any] = {}
        self._sents = sents

    def prepare(self, indices: Sequence[int]) -> None:
        """Embed these sentences in one batch (the encoder is fastest on batches)."""
        if self.encoder is None:
            return
        todo = sorted({i for i in indices if i not in self._vec})
        for i in todo:
            if self._sents[i].emb is not None:
                self._vec[i] = self._sents[i].emb
        todo = [i for i in todo if i not in self._vec]
        if not todo:
            return
        vecs = self.encoder.encode([self._sents[i].text for i in todo])
        for i, v in zip(todo, vecs, strict=False):
            self._vec[i] = v
            self._sents[i].emb = v

    def overlap(self, a: Sent, b: Sent) -> float:
        if not a.lemmas or not b.lemmas:
            return 0.0
        inter = len(a.lemmas & b.lemmas)
        return inter / math.sqrt(len(a.lemmas) * len(b.lemmas))

    def score(self, a: Sent, b: Sent) -> float:
        lex = self.overlap(a, b)
        if self.alpha <= 0.0:
            return lex
        self.prepare([a.index, b.index])
        cos = float(self._vec[a.index] @ self._vec[b.index])
        return self.alpha * cos + (1 - self.alpha) * lex

    def closest(self, a: Sent, others: Sequence[Sent]) -> float:
        """The best score of ``a`` against ``others`` (embedded in one batch first); ``others`` is not empty."""
        self.prepare([o.index for o in others] + [a.index])
        return max(self.score(a, o) for o in others)


# --------------------------------------------------------------------------- main walk


def run_context(
    turns: Sequence[Mapping[str, Any]],
    sents: Sequence[Sent],
    settings: Mapping[str, Any],
    rules: QuestionRules,
    encoder: Any = None,
    terms: Sequence[ScenarioTerm] = (),
) -> list[Act]:
    """All acts of a transcript, in turn order, with links. ``terms``: the technical terms of the
    session's scenario (:func:`scenario_terms`; empty without a scenario)."""
    st = _State(turns, settings)
    if terms and settings.get("scenario_translation", False):
        st.terms = tuple(terms)
        if encoder is not None:
            st.benefit_vecs = list(encoder.encode([t.benefit for t in st.terms]))
    thresholds = {k: tuple(v) for k, v in (settings.get("classifier_thresholds") or {}).items()}
    for s in sents:
        s.thresholds = thresholds
    _course_change_cues(sents, settings)
    sim = _Similarity(sents, encoder, float(settings.get("link_alpha", 0.7)))
    generic = frozenset(str(x) for x in settings.get("generic_lemmas", []))
    by_turn: dict[int, list[Sent]] = {}
    for s in sents:
        by_turn.setdefault(s.turn, []).append(s)
    # One batch for every sentence that may need a similarity.
    sim.prepare(
        [
            s.index
            for s in sents
            if any(k in s.cues for k in ("need", "objection", "need_reformulation", "argument"))
            or (s.role == "candidate" and s.second_person)
        ]
    )
    unknown = [m["id"] for m in turns if m.get("role") not in ("candidate", "client")]
    if unknown:
        log.warning(
            "%d turn(s) have no known role (%s%s): no tag is given there, since every label depends on the role.",
            len(unknown),
            ", ".join(unknown[:5]),
            "…" if len(unknown) > 5 else "",
        )
    prev_role: str | None = None
    prev_sents: list[Sent] = []
    for ti, meta in enumerate(turns):
        ss = by_turn.get(ti, [])
        role = meta.get("role")
        if role == "client":
            _client_turn(st, ti, ss, prev_sents if prev_role == "candidate" else [], sim)
            st.client_turns += 1
            for s in ss:
                st.client_nouns.update(n for n in s.nouns if n not in generic)
                st.client_figures.update(_figures(s, settings))
        elif role == "candidate":
            _candidate_turn(st, ti, ss, prev_sents if prev_role == "client" else [], sim, rules, generic)
            if prev_role == "client" and prev_sents:
                _repair_shows_unease(st, ss, prev_sents)  # after the turn's own acts (adjustment is cand's)
            for o in st.objections:
                if o.turn < ti:
                    o.candidate_turns_since += 1
        if ss:
            prev_role, prev_sents = role, ss
    acts = _without(st.acts, st.dropped_at_end) if st.dropped_at_end else st.acts
    acts = _drop_objections_met_by_adjustment(acts, settings)
    acts = _drop_arguments_in_gift_turns(acts, settings)
    acts = _drop_lone_weak_translation(acts, settings, len(turns))
    acts = _merge_price_kept_after_concession(acts, settings)
    roles = [meta.get("role") if by_turn.get(ti) else None for ti, meta in enumerate(turns)]
    acts = _drop_unheard_objections(acts, roles, settings)
    acts = _settle_climate(_drop_framing_comfort(acts, settings), settings)
    acts = _drop_rejected_reformulations(acts, by_turn, roles, settings)
    return _warm_climate(_uneasy_climate(acts, settings), settings)


def _course_change_cues(sents: Sequence[Sent], settings: Mapping[str, Any]) -> None:
    """Round 17 (mood). The seller who says outright that he changes course ("on change d'approche", "je ne
    vais pas insister sur les fonctions avancées", "on laisse le bris de glace de côté", "laissons les
    pourcentages", "on n'est pas obligés de partir sur les dix-huit") adjusts to the client's reaction: such a
    sentence (a regular expression of settings.yaml ``adjustment_course_change_patterns``) gets an adjustment
    cue with the id ``adjustment_course_change_cue``, and the adjustment rules treat it as that cue. Added
    after the sentence classifier has read the sentence (its inputs are unchanged)."""
    patterns = [re.compile(str(p)) for p in settings.get("adjustment_course_change_patterns", ()) or ()]
    cue_id = str(settings.get("adjustment_course_change_cue", "") or "")
    if not patterns or not cue_id:
        return
    for s in sents:
        if s.role != "candidate" or any(x[0] == cue_id for x in s.cues.get("adjustment", [])):
            continue
        m = next((m for p in patterns if (m := p.search(s.text)) is not None), None)
        if m is not None:
            s.cues.setdefault("adjustment", []).append((cue_id, None, s.tok_start, s.tok_end, m.group(0)))


def _drop_objections_met_by_adjustment(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """Scepticism about one argument that the seller meets by adapting ("la géolocalisation, je ne
    sais pas…" -> "laissons-la de côté") is not an objection (tags.md): an objection whose next turn
    is an adjustment that neither restates nor probes it is dropped, with what answers it."""
    if not settings.get("objection_met_by_adjustment_dropped", False):
        return acts
    chain = ("objection_response", "objection_probe", "objection_reformulation", "doubt_resolved")
    drop: set[int] = set()
    for i, a in enumerate(acts):
        if a.label != "objection":
            continue
        nxt = [b for b in acts if b.turn == a.turn + 1]
        adjusted = any(b.label == "adjustment" for b in nxt)
        handled = any(b.label in ("objection_probe", "objection_reformulation") and i in b.links for b in nxt)
        if adjusted and not handled:
            drop.add(i)
    if not drop:
        return acts
    for j, b in enumerate(acts):
        if b.label in chain and b.links and all(x in drop for x in b.links):
            drop.add(j)
    return _without(acts, drop)


def _merge_price_kept_after_concession(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """Round 20c (objection). After the seller's concession, the client who says the price is still too high
    ("c'est gentil, mais ça reste au-dessus de ce qu'on avait prévu", "ça reste plus cher que ce que je
    paie") keeps the price objection already voiced; it is no new objection (CV: 5 such repeats after a gift,
    none a new gold objection, 5 authors; without the gift, gold counts most repeats as new). With
    ``objection_price_after_concession_merged``, a price objection in the turn right after a concession,
    when an earlier price objection exists, is dropped and what links to it links to the earlier one."""
    if not settings.get("objection_price_after_concession_merged", False):
        return acts
    kinds = frozenset(settings.get("objection_price_after_concession_kinds", ("price",)))
    gift_turns = {a.turn for a in acts if a.label == "concession"}
    drop: dict[int, int] = {}
    for i, a in enumerate(acts):
        if a.label != "objection" or a.attributes.get("kind") not in kinds or a.turn - 1 not in gift_turns:
            continue
        earlier = [j for j, b in enumerate(acts) if b.label == "objection" and b.turn < a.turn - 1]
        earlier = [j for j in earlier if acts[j].attributes.get("kind") in kinds and j not in drop]
        if earlier:
            drop[i] = max(earlier, key=lambda j: (acts[j].turn, j))
    if not drop:
        return acts
    for b in acts:
        if b.links:
            b.links = list(dict.fromkeys(drop.get(x, x) for x in b.links))
    return _without(acts, set(drop))


def _drop_unheard_objections(
    acts: list[Act], roles: list[str | None], settings: Mapping[str, Any]
) -> list[Act]:
    """A reservation blocks the sale, so the seller takes it up: restates it, probes it or answers it.
    A client's remark that the seller's next turns all leave aside ("nous verrons pour la vitrerie plus
    tard" -> the seller goes on with the offer; "je vais réfléchir" -> "je vous laisse ma carte") was
    a passing word, not an objection: an objection that no act links to is dropped once a seller's turn
    has followed it (settings.yaml objection_unheard_dropped). One the talk ends on is kept."""
    if not settings.get("objection_unheard_dropped", False):
        return acts
    linked = {x for b in acts for x in b.links}
    # Round 18 (obj): reservations piled up in one turn are taken up together; the seller's handling links to
    # one of them (the latest), the others of the turn are heard with it.
    if settings.get("objection_unheard_turn_heard", False):
        heard = {a.turn for i, a in enumerate(acts) if a.label == "objection" and i in linked}
        linked |= {i for i, a in enumerate(acts) if a.label == "objection" and a.turn in heard}
    drop = {
        i
        for i, a in enumerate(acts)
        if a.label == "objection" and i not in linked and any(r == "candidate" for r in roles[a.turn + 1 :])
    }
    return _without(acts, drop) if drop else acts


def _drop_framing_comfort(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """A relative named or a confidence ("mon père s'est fait avoir comme ça", "je vais vous dire le fond de
    ma pensée", "ça me rassure, je vous avoue") in a turn that voices a reservation, settles a doubt, agrees
    or asks to buy frames that move; it is no sign of ease on its own (CV: 19 such signs, none right, ten authors).
    Comfort signs from the patterns ``comfort_framing_patterns`` (cues.yaml ids) are dropped in a turn
    that carries one of ``comfort_framing_labels``; laughter, thanks and praise stay."""
    weak = frozenset(settings.get("comfort_framing_patterns", ()))
    labels = frozenset(settings.get("comfort_framing_labels", ()))
    if not weak or not labels:
        return acts
    framed = {a.turn for a in acts if a.label in labels}
    drop = {
        i
        for i, a in enumerate(acts)
        if a.label == "comfort_signal" and a.turn in framed and _pattern_id(a.source) in weak
    }
    return _without(acts, drop) if drop else acts


def _drop_rejected_reformulations(
    acts: list[Act],
    by_turn: Mapping[int, Sequence[Sent]],
    roles: list[str | None],
    settings: Mapping[str, Any],
) -> list[Act]:
    """C1.3 counts correct reformulations: a restatement the client corrects at once ("Non, c'est le
    contraire !", "ce n'est pas du tout ce que j'ai dit", "ce n'est pas ça la question") restated him
    wrongly. The client's next turn, in its first ``reformulation_rejected_max_words`` words, says so with
    one of ``reformulation_rejected_phrases``: the ``need_reformulation`` goes, with the need it created
    from the client's words when nothing else links to that need. ("Non, c'est complet." after "j'ai
    oublié quelque chose ?" confirms: only a correction counts.)"""
    phrases = [str(x) for x in settings.get("reformulation_rejected_phrases", ())]
    if not phrases:
        return acts
    most = int(settings.get("reformulation_rejected_max_words", 12))
    drop: set[int] = set()
    for i, a in enumerate(acts):
        if a.label != "need_reformulation" or a.turn + 1 >= len(roles) or roles[a.turn + 1] != "client":
            continue
        words = [w for s in by_turn.get(a.turn + 1, ()) for w in s.words if w not in (",", ".", "!", "\n")]
        if _says(words[:most], phrases):
            drop.add(i)
    if not drop:
        return acts
    linked_elsewhere = {x for j, b in enumerate(acts) if j not in drop for x in b.links}
    for i in list(drop):
        for x in acts[i].links:
            if acts[x].source == "rule:need/restated_by_candidate" and x not in linked_elsewhere:
                drop.add(x)
    return _without(acts, drop)


def _without(acts: list[Act], drop: set[int]) -> list[Act]:
    """``acts`` minus the indices in ``drop``, every remaining link renumbered (links to dropped acts go)."""
    keep = [i for i in range(len(acts)) if i not in drop]
    new_index = {old: new for new, old in enumerate(keep)}
    out = []
    for i in keep:
        a = acts[i]
        a.links = [new_index[x] for x in a.links if x in new_index]
        out.append(a)
    return out


def _drop_arguments_in_gift_turns(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """A turn that makes a concession negotiates: what it says of the offer ("vous démarrez l'hiver sans rien
    acheter") sells the gift, not a benefit for a need (CV: 1 argument right in 14 such turns, every author).
    With ``argument_not_in_concession_turn`` the arguments of those turns go."""
    if not settings.get("argument_not_in_concession_turn", False):
        return acts
    gift_turns = {a.turn for a in acts if a.label == "concession"}
    drop = {i for i, a in enumerate(acts) if a.label == "argument" and a.turn in gift_turns}
    return _without(acts, drop) if drop else acts


def _drop_lone_weak_translation(acts: list[Act], settings: Mapping[str, Any], n_turns: int) -> list[Act]:
    """Round 15 (cand). C2.3 asks whether the candidate translates technical terms at all. A candidate who does
    translates more than once, or at least once with an explaining phrase ("c'est-à-dire", "ça veut dire");
    the only translation of a session heard by weak evidence alone (patterns ``translation_lone_weak_patterns``
    of settings.yaml: the classifier alone, a colon) is mostly a spec or a remark of a candidate who never
    translates ("Et le répéteur, c'est un amplificateur"): it goes. Only in a whole interview (at least
    ``phase_min_turns`` turns): an excerpt says nothing of the candidate's habit."""
    if n_turns < int(settings.get("phase_min_turns", 12)):
        return acts
    weak = frozenset(settings.get("translation_lone_weak_patterns", ()))
    found = [i for i, a in enumerate(acts) if a.label == "technical_translation"]
    if len(found) != 1 or _pattern_id(acts[found[0]].source) not in weak:
        return acts
    return _without(acts, set(found))


def _settle_climate(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """One stray sign against an overwhelming climate is read in its light: a lone "merci" from a
    client irritated all along is a formula, a lone "c'est quoi ?" from a client at ease all along is
    a question. The minority sign (comfort or discomfort) is dropped when there are at most
    ``climate_max_minority`` of it and the other kind outnumbers it ``climate_min_ratio`` times."""
    ratio = float(settings.get("climate_min_ratio", 0) or 0)
    if ratio <= 0:
        return acts
    most = int(settings.get("climate_max_minority", 1))
    n = {lab: sum(1 for a in acts if a.label == lab) for lab in ("comfort_signal", "discomfort_signal")}
    drop = None
    for minor, major in (("comfort_signal", "discomfort_signal"), ("discomfort_signal", "comfort_signal")):
        if 0 < n[minor] <= most and n[major] >= ratio * n[minor]:
            drop = minor
    if drop is None:
        return acts
    # Round 19 (mood): a reproach or a plain "vous m'avez perdue" is no stray formula (see
    # _lost_statement): it stays even against a warm climate.
    keep = (
        frozenset(settings.get("climate_settle_keep_discomfort", ())) if drop == "discomfort_signal" else ()
    )
    return _without(
        acts, {i for i, a in enumerate(acts) if a.label == drop and _pattern_id(a.source) not in keep}
    )


def _climate_filter(
    acts: list[Act], strong: str, weak_label: str, least: int, ratio: float, weak: frozenset[str]
) -> list[Act]:
    """Drop the ``weak_label`` acts from the patterns ``weak`` when the client showed the opposite mood often:
    at least ``least`` ``strong`` acts, and at least ``ratio`` times as many as ``weak_label`` acts."""
    if least <= 0 or not weak:
        return acts
    n_strong = sum(1 for a in acts if a.label == strong)
    others = [i for i, a in enumerate(acts) if a.label == weak_label]
    if n_strong < least or n_strong < ratio * len(others):
        return acts
    drop = {i for i in others if _pattern_id(acts[i].source) in weak}
    return _without(acts, drop) if drop else acts


def _uneasy_climate(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """In an interview where the client showed unease often (at least ``climate_uneasy_min_discomfort``
    discomfort signs, and no fewer than comfort signs), a thanks ("Nous avons déjà une cuisine, merci"),
    a relative named ("il faudra que je demande à ma fille") or a confidence is a formula or the setting of
    a reservation, not a sign of ease: comfort signs from the patterns ``climate_uneasy_weak_comfort``
    (cues.yaml ids; ``model`` for the classifier alone) are dropped. Laughter and praise stay."""
    least = int(settings.get("climate_uneasy_min_discomfort", 0) or 0)
    weak = frozenset(settings.get("climate_uneasy_weak_comfort", ()))
    return _climate_filter(acts, "discomfort_signal", "comfort_signal", least, 1.0, weak)


def _warm_climate(acts: list[Act], settings: Mapping[str, Any]) -> list[Act]:
    """Round 18 (mood). In an interview where the client showed ease often (at least
    ``climate_warm_min_comfort`` comfort signs, and at least ``climate_warm_min_ratio`` times as many as
    unease signs), a reminder ("je vous ai dit que j'avais peur que ça prenne trop de place"), a question on
    a word ("c'est quoi la différence ?") or a sentence only the classifier reads as unease ("pardon, je
    réfléchis en même temps que je parle") is the talk of a client at ease, not unease: discomfort signs from
    the patterns ``climate_warm_weak_discomfort`` (cues.yaml ids; ``model`` for the classifier alone) are
    dropped. Reproaches, irony and pressure stay (mirror of :func:`_uneasy_climate`)."""
    least = int(settings.get("climate_warm_min_comfort", 0) or 0)
    ratio = float(settings.get("climate_warm_min_ratio", 0) or 0)
    weak = frozenset(settings.get("climate_warm_weak_discomfort", ()))
    return _climate_filter(acts, "comfort_signal", "discomfort_signal", least, ratio, weak)


def _pattern_id(source: str) -> str:
    """The cues.yaml pattern id of a tag's source (``rule:comfort_signal/merci`` -> ``merci``), ``model``
    for the classifier alone (``model:sentence_lr/comfort_signal``)."""
    return "model" if source.startswith("model:") else source.rsplit("/", 1)[-1]


def _add(st: _State, label: str, s: Sent, pattern: str, conf: float, **kw: Any) -> int:
    tok_start, tok_end, c0, c1 = s.tok_start, s.tok_end, s.char_start, s.char_end
    span = kw.pop("span", None)
    if span is not None:
        tok_start, tok_end, c0, c1 = span
    st.acts.append(
        Act(
            label=label,
            turn=s.turn,
            sent=s.index,
            tok_start=tok_start,
            tok_end=tok_end,
            char_start=c0,
            char_end=c1,
            source=(
                f"model:sentence_lr/{label}"
                if pattern == "model"
                else pattern
                if pattern.startswith(("rule:", "model:"))
                else f"rule:{label}/{pattern}"
            ),
            confidence=round(conf, 3),
            attributes=kw.pop("attributes", {}),
            links=kw.pop("links", []),
        )
    )
    return len(st.acts) - 1


def _rebuttal_before_probe(
    st: _State, ti: int, body: list, handled: list[int], cfg: Mapping[str, Any]
) -> list:
    """Round 19 (resp). The seller who first contradicts the reservation, then asks about it ("Le satellite,
    c'est pas du tout la même précision. Vous avez combien de parcelles ?", "ça reste du huit ampères, donc
    c'est lent. Vous rentrez à quelle heure ?") has answered it before probing: a statement before the
    turn's first probe that the response cue or the classifier reads as an answer (``hit``), that says no
    or "but" (settings.yaml response_before_probe_contradiction_words) and that neither restates nor
    acknowledges ("vous avez raison, …", "vous vous dites que …" only listen: settings.yaml
    response_before_probe_acknowledgements).
    Without it (response_before_probe false), a probing turn answers nothing."""
    probes = [a.sent for a in st.acts if a.turn == ti and a.label == "objection_probe"]
    contra = frozenset(cfg.get("response_before_probe_contradiction_words", ()))
    if not probes or not contra:
        return []
    listened = {a.sent for a in st.acts if a.turn == ti and a.label in ("active_listening", "concession")}
    return [
        s
        for s in body
        if s.index < min(probes)
        and s.index not in handled
        and s.index not in listened
        and set(s.words) & contra
        and s.hit("objection_reformulation") is None
        and not s.cues.get("active_listening")
        and not s.cues.get("concession")
        and not _opens_with(s, cfg.get("response_before_probe_acknowledgements", ()))
        and s.hit("objection_response") is not None
    ][:1]


def _late_discovery(st: _State, ti: int, cfg: Mapping[str, Any]) -> bool:
    """Round 19 (need). Discovery often runs past the share of the talk where needs are looked for
    (settings.yaml need_max_share): up to ``need_late_max_share``, before any agreement, the client can still
    state a need outright ("il faudrait que ça se rembourse en quatre campagnes au maximum", "je voudrais que ce
    soit propre, et court"). True for a turn in that band (a phased dialogue only)."""
    late = float(cfg.get("need_late_max_share", 0.0) or 0.0)
    share = st.share(ti)
    return st.phased and st.agreement_turn is None and float(cfg.get("need_max_share", 1.0)) < share <= late


def _late_wish(st: _State, ti: int, ss: Sequence[Sent], cfg: Mapping[str, Any]) -> Sent | None:
    """Round 21 (need). Past the discovery, before any agreement (up to ``need_wish_max_share``), the client
    who states outright in the first person what they want or require ("je veux que ce soit fait en une fois",
    "il faut que je puisse arrêter quand on n'est pas là", "ce que je voudrais surtout, c'est une machine qui
    démarre") voices a need, even while reacting to the offer: a phrase of ``need_wish_phrases`` (not one of
    ``need_wish_not``: deferring, thinking it over, "je veux bien", a need said again "je vous l'ai dit", the
    offer approved "c'est exactement ce qu'il me faut"), no question, a classifier at least ``need_wish_min_p``.
    Refusals ("je ne veux pas les perdre") are left out: so late they mostly voice a worry or a reservation.
    One per turn, the likeliest sentence; the turn has no need yet and voices no objection."""
    top = float(cfg.get("need_wish_max_share", 0.0) or 0.0)
    phrases = cfg.get("need_wish_phrases", ())
    if not phrases or not st.phased or st.agreement_turn is not None:
        return None
    if not float(cfg.get("need_max_share", 1.0)) < st.share(ti) <= top:
        return None
    floor = float(cfg.get("need_wish_min_p", 1.1))
    found = [s for s in ss if s.probs.get("need", 0.0) >= floor and _states_a_wish(s, cfg)]
    return max(found, key=lambda x: x.probs.get("need", 0.0), default=None)


def _states_a_wish(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 21 (need). The client's sentence says outright what they want (``need_wish_phrases``: "je veux
    que", "il faut que je puisse", "ce que je voudrais"), is no question and holds none of ``need_wish_not``
    ("je veux bien", "il faut que j'en parle", "réfléchir")."""
    if s.n_words < 4 or "?" in s.text or "need" in s.negatives:
        return False
    words = [t[0] for t in s.toks if t[0].strip()]
    return _says(words, cfg.get("need_wish_phrases", ())) and not _says(words, cfg.get("need_wish_not", ()))


def _late_need(ss: Sequence[Sent], cfg: Mapping[str, Any]) -> tuple[Sent, tuple[Any, ...]] | None:
    """Round 19 (need). In the late band of the discovery (``_late_discovery``), a need is an explicit need
    phrase (a need cue of cues.yaml, not the classifier alone) in a sentence the classifier is very sure of
    (settings.yaml need_late_min_p): the client otherwise reacts to the offer there. One per turn, the
    likeliest sentence."""
    floor = float(cfg.get("need_late_min_p", 1.1))
    found = [
        (s, c)
        for s in ss
        if s.n_words >= 3 and s.probs.get("need", 0.0) >= floor
        for c in [s.hit("need")]
        if c is not None and c[0] != "model"
    ]
    return max(found, key=lambda x: x[0].probs.get("need", 0.0), default=None)


def _has_label(st: _State, turn: int, label: str) -> bool:
    return any(a.turn == turn and a.label == label for a in st.acts)


def _answers_probe_unanswered(
    st: _State, obj: _Objection, ss: list[Sent], prev_cand: list[Sent], cfg: Mapping[str, Any]
) -> bool:
    """Round 21 (objresp). The client who answers the seller's probe of a reservation not yet answered
    ("c'est de sortir ça d'un coup. Par mois, si c'est raisonnable, je peux regarder", "en plusieurs fois,
    bon, ça passe. Mais j'ai peur de payer pour rien") says what the reservation is; the seller's answer is
    still to come, in the next turn ("alors on l'étale : 590 euros par mois"). Relief heard there keeps the
    objection open for that answer (settings.yaml doubt_in_probe_answer_keeps_objection_open; CV by author on
    280 sessions: 7 more gold answers found, 7 authors, 2 false; dev19 unseen: response R 0.627 -> 0.647). A short turn of relief alone ("ah ben ça c'est parfait, ça
    m'arrange": fewer than doubt_in_probe_answer_min_words words) settles the doubt. Once the seller has
    answered, the objection is resolved (``answer_due``)."""
    if not cfg.get("doubt_in_probe_answer_keeps_objection_open", False) or not prev_cand:
        return False
    if sum(x.n_words for x in ss) < int(cfg.get("doubt_in_probe_answer_min_words", 0)):
        return False
    if obj.responded_turn is not None or not obj.probed:
        return False
    turn = prev_cand[0].turn
    if any(a.label == "concession" and obj.turn < a.turn < turn + 1 for a in st.acts):
        return False
    return any(a.turn == turn and a.label == "objection_probe" and obj.act in a.links for a in st.acts)


def _soft_agreement(st: _State, cfg: Mapping[str, Any]) -> bool:
    """The client's "agreement" only took a point back ("en trois fois, d'accord, là ça passe. Et si on
    signe, le site serait prêt ?"): not an answer to a closing question, and the same turn resolves a
    doubt or projects the purchase, so the decision is still to be asked for (a decision cue only:
    after any agreement, a choice of dates schedules). Off with settings.yaml
    closing_after_soft_agreement: false."""
    if not cfg.get("closing_after_soft_agreement", True) or st.agreement_turn is None:
        return False
    soft = frozenset(cfg.get("soft_agreement_labels", ("doubt_resolved", "buying_signal")))
    answered_close = any(
        a.turn == st.agreement_turn - 1 and a.label == "closing_question" for a in st.acts
    )  # "Allez, on part là-dessus ! … il ouvre le mercredi ?" answers the request: the decision
    return not answered_close and any(a.turn == st.agreement_turn and a.label in soft for a in st.acts)


def _closing_is_statement(s: Sent, ss: Sequence[Sent], cue: tuple[str, str | None, int, int, str]) -> bool:
    """A decision cue in a sentence that asks nothing: without "?", a sentence the seller goes on
    after ("…, brouillard ou pas, le GPS il s'en fiche. En plus …") explains, and a cue in a
    condition ("si on valide avant Noël, je démarre le cinq") states what would follow."""
    if "?" in s.text:
        return False
    if s.index != ss[-1].index:
        return True
    k = cue[2] - s.tok_start
    return 0 < k <= len(s.toks) and s.toks[k - 1][0] in ("si", "s'")


def _consent_after_offer(s: Sent, ss: Sequence[Sent], cfg: Mapping[str, Any]) -> bool:
    """The turn ends on a short request for assent ("ça vous va ?", settings.yaml
    closing_consent_phrases) after an offer made earlier in the same turn (closing_consent_offer_cues:
    "si vous signez…", "je vous offre…"): the seller asks for the decision on that offer. A turn that
    sums up the deal ("je récapitule : …, le premier panier offert. Ça vous va ?") confirms it instead."""
    phrases = tuple(cfg.get("closing_consent_phrases", ()))
    offers = tuple(cfg.get("closing_consent_offer_cues", ()))
    if not phrases or not offers or s.index != ss[-1].index:
        return False
    if any(x.cue("agreement_summary") is not None for x in ss):
        return False
    text = s.text.rstrip(" ?.!…\n\t")  # Sent.text is normalised already (lowercase, plain apostrophes)
    end = next((p for p in phrases if text.endswith(p)), None)
    if end is None:
        return False
    before = " ".join(x.text for x in ss if x.index < s.index)
    before += " " + text[: len(text) - len(end)]
    return any(o in before for o in offers)


# --------------------------------------------------------------------------- client turns


def _client_turn(st: _State, ti: int, ss: list[Sent], prev_cand: list[Sent], sim: _Similarity) -> None:
    cfg = st.settings
    # Round 15 (obj): the agreement is provisional until the talk ends. A later turn that voices a firm
    # reservation ("attendez, il faut que j'en parle à mon associé", "à ce prix-là, non") reopens the sale.
    reopen = cfg.get("agreement_reopened_by_reservation", False)
    pending_yes = _pending_yes(st)
    if reopen and pending_yes is not None and ti > pending_yes and any(_firm_reservation(s, cfg) for s in ss):
        _reopen_sale(st, pending_yes)
    prev_closing = _has_label(st, prev_cand[0].turn, "closing_question") if prev_cand else False
    prev_next = (
        any(
            _has_label(st, prev_cand[0].turn, lab)
            for lab in ("next_step", "agreement_summary", "concession", "followup_action")
        )
        if prev_cand
        else False
    )
    # Round 15 (obj): "Ok, ça marche" / "Très bien" to the seller's after-sale plan alone ("je vous rappelle dans
    # un mois", "je passe faire un point") takes note of it; it agrees to no step of the sale (CV: 0 of 13).
    followup_only = (
        prev_next
        and cfg.get("agreement_not_to_followup_plan", False)
        and not any(
            _has_label(st, prev_cand[0].turn, lab)
            for lab in ("next_step", "agreement_summary", "concession", "closing_question")
        )
    )
    # A proposed step or the summary of the deal (not an after-sale plan) can be accepted by a plain
    # "d'accord" — unless the client goes on with a reservation ("d'accord, mais …").
    prev_step = bool(prev_cand) and any(
        _has_label(st, prev_cand[0].turn, lab) for lab in ("next_step", "agreement_summary")
    )
    reserved = any(x[0] != "autre" for t in ss for x in t.cues.get("objection", []))
    # Once the client has agreed, fixing a date is scheduling; confirming the summary still counts.
    if st.agreement_turn is not None and not (
        prev_cand and _has_label(st, prev_cand[0].turn, "agreement_summary")
    ):
        prev_step = False
    first = ss[0] if ss else None
    # Round 15 (obj): "C'est ça." / "C'est exact." right after the seller sums up the deal confirms it: the
    # client's agreement (settings.yaml agreement_summary_confirmations, said at the start of the turn).
    confirms_summary = (
        first is not None
        and bool(prev_cand)
        and _has_label(st, prev_cand[0].turn, "agreement_summary")
        and not set(first.words[:4]) & _NEGATION
        and _text_opens_with(first, cfg.get("agreement_summary_confirmations", ()))
    )

    # Agreement: an affirmative answer to a closing question / proposed next step.
    n_agree = sum(1 for a in st.acts if a.label == "agreement")
    agreement_before, provisional_before = st.agreement_turn, st.provisional_turn
    prev_question = bool(prev_cand) and any(x.form for x in prev_cand)
    agreed_here = False
    late = st.share(ti) >= float(cfg.get("agreement_min_share", 0.6))
    # A turn that opens with a refusal ("Non, non. Pas pour l'instant. Je ne sais même pas si je
    # prends l'ordinateur", "(rires) Ah non, pas à moi") accepts nothing, whatever follows.
    openers = frozenset(cfg.get("agreement_refusal_openers", ()))
    refused = first is not None and bool(openers & set(first.words[:3])) and "oui" not in first.words[:3]
    # While an answered objection is still open, relief without a closing question ("si vous faites
    # un geste, là ça me va mieux") takes the doubt back: a doubt_resolved, not the agreement.
    window = int(cfg.get("doubt_window", 4)) * 2
    pending = next((o for o in reversed(st.objections) if not o.resolved and ti - o.turn <= window + 2), None)
    # A date or step just proposed ("on se rappelle mardi à dix heures ?") is accepted, not relief.
    prev_next_step = (
        cfg.get("step_acceptance_not_relief", False)
        and bool(prev_cand)
        and _has_label(st, prev_cand[0].turn, "next_step")
        and not _date_answers_timing_doubt(st, pending, cfg)
    )
    relief_first = (
        cfg.get("relief_before_agreement", False)
        and not prev_closing
        and not prev_next_step
        and pending is not None
        and (
            pending.responded_turn is not None
            or (bool(prev_cand) and _has_label(st, prev_cand[0].turn, "concession"))
        )
    )
    # "Mardi dix heures, c'est bien." / "Lundi onze heures, oui.": the client takes up the slot the
    # seller just proposed (a day, an hour, a date) and says yes to it: the step is accepted.
    slot_words = frozenset(cfg.get("agreement_slot_words", ()))
    slot_yes = tuple(str(x) for x in cfg.get("agreement_slot_yes", ()))
    echoed_slot = False
    # Round 22 (close). "Oui, heures creuses" / "Janvier, oui, après les soldes" answer a question on the
    # client's situation: the slot is taken up as agreement only when the seller's turn proposed something
    # (settings.yaml agreement_slot_proposal_labels).
    proposal_labels = tuple(str(x) for x in cfg.get("agreement_slot_proposal_labels", ()))
    proposed_here = not proposal_labels or (
        bool(prev_cand) and any(_has_label(st, prev_cand[0].turn, lab) for lab in proposal_labels)
    )
    if slot_words and first is not None and prev_cand and not refused and proposed_here:
        heard = {t[0] for x in prev_cand for t in x.toks}
        lead = [t for t in first.toks[:4] if t[2] != "PUNCT"]
        echoed_slot = (
            any((w in slot_words or w.isdigit()) and w in heard for w, _l, _p in lead)
            and not set(first.words) & _NEGATION
            and (first.cue("agreement") is not None or _says(first.words, slot_yes))
        )
    courtesy = _thanks_for_recap(ss, prev_cand, prev_question, st, cfg)
    if (
        first is not None
        and n_agree < int(cfg.get("max_agreements", 2))
        and not refused
        and not followup_only
        and not courtesy
    ):
        if echoed_slot and not any(x.form for x in ss[:1]):
            a_src = first.cue("agreement")
            _add(st, "agreement", first, a_src[0] if a_src else "rule:agreement/creneau_repris", 0.6)
            agreed_here = True
            if prev_closing or st.closing_asked:
                _agree_at(st, ti)
        for k, s in enumerate(ss[:4] if not agreed_here else []):
            c = s.cue("agreement")
            if c is None and k == 0 and confirms_summary:
                c = ("confirme_recapitulatif", None, s.tok_start, s.tok_end, s.text)
            if c is None or "objection" in s.cues:
                continue
            if relief_first and any(x[0] == "rassure" for x in s.cues.get("doubt_resolved", [])):
                continue
            clear = any(x[0] == "accord_net" for x in s.cues.get("agreement", []))
            # A plain "oui" answers the closing question only at the start of the turn.
            # A plain "d'accord" opening the turn also accepts a proposed step, a summary or a plan.
            if (
                (prev_closing and (clear or k < 2))
                or (prev_next and clear)
                or (prev_step and k == 0 and not reserved)
                or (clear and st.closing_asked and (prev_question or late))
            ):
                _add(st, "agreement", s, "accord_net" if clear else c[0], 0.8 if clear else 0.6)
                agreed_here = True
                if prev_closing or st.closing_asked:
                    _agree_at(st, ti)
                break

    # Round 15 (obj): "Sur le principe, oui. Mais pas maintenant, je ne change pas d'outil en décembre": the yes
    # is taken back by the reservation that follows it in the same turn; the turn voices the objection.
    if reopen and agreed_here and _provisional(st, ti):
        said = max(a.sent for a in st.acts if a.turn == ti and a.label == "agreement")
        if any(s.index > said and _firm_reservation(s, cfg) for s in ss):
            _reopen_sale(st, ti)
            st.agreement_turn, st.provisional_turn = agreement_before, provisional_before
            agreed_here = False

    # Doubt resolved: a reassured client after an objection (clear cue), or a plain "d'accord"
    # in a developed sentence right after the candidate's response. Looked at before new objections:
    # a client often takes one doubt back and raises the next one in the same turn ("ça me rassure.
    # Par contre, j'ai un autre devis").
    resolved_at = -1
    target = pending  # the agreement step above resolves no objection: still the latest open one
    # Round 15b (ans). Relief at an argument ("ça, ça me rassure, parce que le garage est collé à la chambre")
    # while the reservation still waits for its handling (no answer, probe, restatement or gift yet) takes back
    # no doubt: the client likes a point of the offer (settings.yaml doubt_needs_handled_objection).
    unheard = (
        target is not None
        and cfg.get("doubt_needs_handled_objection", False)
        and target.responded_turn is None
        and not target.probed
        and not target.reformulated
        and not any(a.label == "concession" and target.turn < a.turn < ti for a in st.acts)
    )
    if unheard:
        target = None
    if target is not None:
        for s in ss:
            c = s.hit("doubt_resolved")
            relief = any(x[0] == "rassure" for x in s.cues.get("doubt_resolved", []))
            if c is None or ("objection" in s.cues and not relief):
                continue
            if _relief_not_taken_back(s, cfg):
                continue
            if c[0] == "model" and _keeps_position(s, cfg):
                continue
            # A plain "d'accord" is weak, unless the sentence also voices relief ("bon, d'accord, ça me
            # rassure") or the classifier is sure ("d'accord, l'écart est justifié") and no "mais" follows.
            sure = float(cfg.get("doubt_model_sure_min_p", 1.1))
            model_sure = s.probs.get("doubt_resolved", 0.0) >= sure and "mais" not in s.words
            weak = c[0] == "acquiescement" and not relief and not model_sure
            if weak and (target.responded_turn is None or s.n_words < 4 or ti - target.responded_turn > 2):
                continue
            # "Fonctionne, d'accord, mais à quel rendement ?": a plain yes that a "mais" takes back
            # concedes a point before the next reservation; the doubt stays.
            if weak and cfg.get("doubt_weak_yes_but_kept", False) and _but_after(s, c[3]):
                continue
            # "Mardi dix heures, oui, ça me va" accepts the step just proposed (agreement above),
            # it does not take the doubt back.
            if (
                agreed_here
                and prev_next_step
                and any(a.label == "agreement" and a.turn == ti and a.sent == s.index for a in st.acts)
            ):
                continue
            # Round 16 (obj): with doubt_resolves_several "link", the later sentence that takes back the
            # previous doubt ("Ah ouais, vu comme ça. OK, ça me rassure") adds its objection to the turn's one
            # doubt_resolved (the client says the same relief twice: one tag, the gold's one per turn).
            several = cfg.get("doubt_resolves_several", False)
            first = next((a for a in st.acts if a.turn == ti and a.label == "doubt_resolved"), None)
            if several == "link" and first is not None:
                first.links.append(target.act)
            else:
                _add(st, "doubt_resolved", s, c[0], 0.5 if weak else 0.7, links=[target.act])
            target.answer_due = _answers_probe_unanswered(st, target, ss, prev_cand, cfg)
            target.resolved = not target.answer_due
            resolved_at = s.index
            # One turn may take back two doubts ("ah, c'est pour ça qu'il était pas cher, je suis
            # rassurée. Et pour les cent euros, vu comme ça, ça passe"): a later sentence goes to the
            # previous objection still open that was answered.
            if not several:
                break
            target = next(
                (
                    o
                    for o in reversed(st.objections)
                    if not o.resolved and o.responded_turn is not None and ti - o.turn <= window + 2
                ),
                None,
            )
            if target is None:
                break
    elif (
        cfg.get("doubt_relief_without_open_objection", False)
        and not unheard
        and st.offer_made
        and st.agreement_turn is None
        and not agreed_here
        and st.share(ti) >= float(cfg.get("objection_min_turn_share", 0.12))
    ):
        # "Bon, ça, ça me rassure" with no reservation found open (missed, or raised long ago): the
        # client still takes a doubt back. It goes to the latest objection not yet resolved, if any.
        for s in ss:
            c = s.hit("doubt_resolved")
            if c is None or c[0] != "rassure" or "objection" in s.cues or s.form:
                continue
            if _relief_not_taken_back(s, cfg):
                continue
            if {"pas", "ne", "n'", "jamais"} & set(s.words) or (s.second_person and "rassure" in s.words):
                continue  # "elle n'est pas très rassurée", "je vous rassure": no doubt of the client's taken back
            old = next((o for o in reversed(st.objections) if not o.resolved), None)
            _add(st, "doubt_resolved", s, c[0], 0.5, links=[old.act] if old is not None else [])
            if old is not None:
                old.resolved = True
            resolved_at = s.index
            break

    if agreed_here and _agreement_only_takes_doubt_back(st, ti, prev_closing, cfg):
        st.agreement_turn, st.provisional_turn = agreement_before, provisional_before
        agreed_here = False

    # Objections (one per turn, or a few of different kinds: settings.yaml objection_max_per_turn), once the
    # candidate has presented something.
    min_share = float(cfg.get("objection_min_turn_share", 0.12))
    offer_ok = st.offer_made or not cfg.get("objection_after_offer", True)
    # The client's turn right after the candidate restated or probed the open reservation answers
    # that question: it goes on about the same objection unless it brings another one ("mais",
    # "par contre", "et puis"…, settings.yaml objection_answer_new_markers).
    answering = (
        bool(prev_cand)
        and st.objections
        and not st.objections[-1].resolved
        and any(
            a.turn == prev_cand[0].turn
            and a.label in ("objection_reformulation", "objection_probe")
            and st.objections[-1].act in a.links
            for a in st.acts
        )
    )
    new_markers = tuple(str(x) for x in cfg.get("objection_answer_new_markers", ()))
    own_act = frozenset(cfg.get("objection_answer_own_cues", ()))
    # The answer to a probe ("qu'est-ce qui vous fait peur ?" -> "mais j'ai peur de…", "et puis je
    # veux en parler à…") details the probed reservation, even after "mais" / "et puis": only a
    # cue of settings.yaml objection_probe_answer_new_cues (another offer seen elsewhere) opens one.
    probe_answer_cues = cfg.get("objection_probe_answer_new_cues")
    answering_probe = (
        probe_answer_cues is not None
        and answering
        and any(
            a.turn == prev_cand[0].turn and a.label == "objection_probe" and st.objections[-1].act in a.links
            for a in st.acts
        )
    )
    # A turn that says it repeats itself ("Non. Je vous ai dit, je ne signe pas le jour même. Je veux
    # comparer") goes back to a reservation already voiced: the repeat is unease, not a new objection.
    repeating = (
        cfg.get("objection_repeat_turn_not_new", False)
        and bool(st.objections)
        and any("objection" in x.negatives for x in ss)
    )
    deferred: set[int] = set()  # sentences of a closing deferral (_closing_deferral): no objection
    if (
        st.share(ti) >= min_share
        and offer_ok
        and st.agreement_turn is None
        and not agreed_here
        and not repeating
    ):
        cue_min_p = cfg.get("objection_cue_min_p") or {}
        kinds_here: list[str] = []
        max_here = max(1, int(cfg.get("objection_max_per_turn", 1) or 1))
        for s in ss:
            _drop_refused_kind(s, cfg)
            _drop_announced_price_question(s, cfg)
            _add_reservation_phrase_cue(s, cfg)
            _add_price_elsewhere_cue(s, cfg)
            _add_conditional_worry_cue(s, cfg)
            c = s.hit("objection")
            convention = _says(s.words, cfg.get("objection_without_model", ()))
            if c is None and convention:
                c = s.cue("objection")  # a documented convention (conventions.yaml), not the model's call
            if c is None or s.index <= resolved_at:
                continue
            kept = None
            if cue_min_p and c[0] != "model" and not convention and "objection" in s.probs:
                # Cue families that also voice plain worries, wishes or constraints ("j'ai peur que ça
                # fasse triste", "je ne veux pas racheter", "pas besoin de passer en comité") count
                # only when the classifier finds a reservation too (settings.yaml objection_cue_min_p).
                p_obj = s.probs["objection"]
                kept = [x for x in s.cues.get("objection", []) if p_obj >= float(cue_min_p.get(x[0], 0.0))]
                if not kept:
                    continue
                c = kept[0]
            if (
                answering
                and new_markers
                and c[0] not in own_act
                and not any(_has_phrase(f" {' '.join(s.words)} ", m) for m in new_markers)
            ):
                continue  # the answer to the probe elaborates the same reservation
            if answering_probe and not (
                {x[0] for x in s.cues.get("objection", [])} & set(probe_answer_cues or ())
            ):
                continue
            if any(x[0] == "rassure" for x in s.cues.get("doubt_resolved", [])):
                continue  # "c'est beaucoup plus souple que ce que je croyais": relief, not a reservation
            if _accepted_after_but(s, c[2], cfg.get("objection_conceded_by", ())):
                continue  # "je dois en parler à mon DG, mais pour moi c'est oui": the reservation is conceded
            cues = kept if kept is not None else s.cues.get("objection", [])
            strong = [x for x in cues if x[0] != "autre"]
            if not strong and _says(s.words, cfg.get("objection_haggle_demand", ())):
                continue  # "vous pouvez pas faire un petit effort ?": a haggling demand, not a reservation
            if s.form == "open" and not strong:
                continue  # a client's open question is a request for information, unless it voices a reservation
            if c[0] != "model" and not strong and not (set(s.words) & _NEGATION):
                continue  # "mais bon" alone is not a reservation
            if (
                c[0] != "model"
                and not strong
                and s.probs.get("objection", 1.0) < float(cfg.get("objection_weak_cue_min_p", 0.0))
            ):
                continue  # "oui mais …", "je sais pas si …": a hedge, a reservation only if the model agrees
            if strong and _closing_deferral(st, ti, strong, cfg):
                deferred.add(s.index)
                continue
            best = strong[0] if strong else c
            kind = best[1] or (cues[0][1] if cues else None) or "other"
            if kinds_here:
                # Round 18 (obj): a further reservation in the same turn (see _further_objection).
                if not _further_objection(s, strong, kind, kinds_here, cfg):
                    continue
            else:
                current = st.objections[-1] if st.objections else None
                if (
                    current is not None
                    and not current.resolved
                    and current.responded_turn is None
                    and ti - current.turn <= 4
                    and st.acts[current.act].attributes.get("kind") == kind
                ):
                    break  # the client goes on about the same reservation: not a new objection
            a = _add(st, "objection", s, best[0], 0.7, attributes={"kind": kind})
            st.objections.append(_Objection(act=a, turn=ti, sent=s))
            kinds_here.append(kind)
            if len(kinds_here) >= max_here:
                break

    # Needs (one per sentence), buying signals, comfort and discomfort (one per turn).
    # Needs: one per turn (the likeliest sentence); a turn that voices an objection states no need.
    # Needs are stated in the discovery part; later the client reacts to the offer (reservations,
    # questions, projections) rather than stating needs.
    discovery = not st.phased or st.share(ti) <= float(cfg.get("need_max_share", 1.0))
    # The client's first turn answers a greeting ("entrez, j'ai une petite heure avant de repartir"):
    # a need only when the candidate asked something ("je peux vous aider ?", "c'est pour quoi ?").
    if (
        cfg.get("need_not_in_greeting_reply", False)
        and st.client_turns == 0
        and not any(x.form for x in prev_cand)
    ):
        discovery = False
    # … unless, in discovery, another sentence of the turn says a need with a cue and a very sure
    # classifier ("je ne veux pas leur casser les oreilles le dimanche", "il me faut quelqu'un qui vienne
    # faire le branchement"): the reservation does not hide the need stated beside it.
    objecting = _has_label(st, ti, "objection")
    sure_p = float(cfg.get("need_in_objection_turn_min_p", 1.1))
    if discovery and (not objecting or sure_p <= 1.0):
        found = [(s, c) for s in ss if s.n_words >= 3 for c in [s.hit("need")] if c is not None]
        opening = st.client_turns < int(cfg.get("need_meeting_time_client_turns", 0) or 0)
        if opening:
            found = [(s, c) for s, c in found if not _limits_meeting_time(s, cfg)]
        if objecting:
            held = {a.sent for a in st.acts if a.turn == ti and a.label == "objection"}
            found = [
                (s, c)
                for s, c in found
                if c[0] != "model" and s.index not in held and s.probs.get("need", 0.0) >= sure_p
            ]
        # An answer to the candidate's question in discovery tells the situation ("Ça met toute la nuit,
        # et des fois le matin elle est pas pleine"): the classifier alone needs less confidence there.
        answer_p = float(cfg.get("need_answer_model_min_p", 1.1))
        if not found and not objecting and prev_cand and any(x.form for x in prev_cand):
            pool = [
                s
                for s in ss
                if s.n_words >= 3
                and "need" not in s.negatives
                and not (opening and _limits_meeting_time(s, cfg))
            ]
            best = max(pool, key=lambda s: s.probs.get("need", 0.0), default=None)
            if best is not None and best.probs.get("need", 0.0) >= answer_p:
                found = [(best, ("model", None, best.tok_start, best.tok_end, best.text))]
        found.sort(key=lambda x: -x[0].probs.get("need", 0.5))
        second = float(cfg.get("need_second_min_p", 0.6))
        # Round 15b (needs): a turn most often states one need, told over several sentences (the
        # complaint, then what the client wants); a second one is another point when the later
        # sentence adds it ("et puis …", "et aussi …"), otherwise only with a very sure classifier.
        additive = tuple(cfg.get("need_second_additive_openers", ()))
        second_added = float(cfg.get("need_second_additive_min_p", second))
        for k, (s, c) in enumerate(found[:2]):
            if k == 1:
                later = s if s.index > found[0][0].index else found[0][0]
                floor = second_added if additive and _opens_with(later, additive) else second
                if c[0] == "model" or s.probs.get("need", 0.0) < floor:
                    break  # a second need in the same turn only when the classifier is confident
            a = _add(st, "need", s, c[0], 0.6)
            st.needs.append((a, s))
    elif not objecting and _late_discovery(st, ti, cfg):
        late = _late_need(ss, cfg)
        if late is not None:
            st.needs.append((_add(st, "need", late[0], late[1][0], 0.6), late[0]))
    if not objecting and not discovery and not _has_label(st, ti, "need"):
        wish = _late_wish(st, ti, ss, cfg)
        if wish is not None:
            st.needs.append((_add(st, "need", wish, "souhait_tardif", 0.55), wish))
    # A turn that voices an objection ("et le chantier, ça dure combien ? la dernière fois…") is a
    # reservation, not an intent to buy.
    reserving = cfg.get("buying_signal_not_in_objection_turn", False) and (
        _has_label(st, ti, "objection") or bool(deferred)
    )
    # Once the client has agreed and the seller has asked to close ("On est d'accord. Et le chariot, vous
    # le reprenez ?"), a practical question settles the sale already made: no longer a sign of intent to
    # buy. (An earlier "oui" to a trial or a visit is no such agreement: the closing question has not come.)
    settled = (
        cfg.get("buying_signal_not_after_agreement", False)
        and st.agreement_turn is not None
        and ti > st.agreement_turn
        and st.closing_asked
        and any(a.label == "agreement" and _pattern_id(a.source) == "accord_net" for a in st.acts)
    )
    if (st.offer_made or st.share(ti) > 0.3) and not reserving and not settled:
        for s in ss:
            c = s.hit("buying_signal")
            if c is not None and "objection" not in s.cues:
                a = _add(st, "buying_signal", s, c[0], 0.6)
                st.buying_signals.append((a, ti))
                break
    # Discomfort before comfort: an uneasy turn ("Merci, je sais quel âge j'ai", "c'est gentil, mais
    # vous parlez vite") shows no ease. A turn that voices an objection carries the reservation, not
    # (also) a discomfort ("attendez, c'est trop cher, je vous ai dit trois cents"); a laughing turn
    # is at ease ("laissez tomber les questions pièges, hein (rires)"). Before any offer, not
    # understanding is the client's own situation ("moi les fils, j'y comprends rien"), not unease.
    laughing = any(x[0] == "rire" for t in ss for x in t.cues.get("comfort_signal", []))
    early_only = frozenset(cfg.get("discomfort_after_offer_only", ()))
    skip_discomfort = laughing or _has_label(st, ti, "doubt_resolved")  # "d'accord, ça me rassure" is relief
    # Asked for his opinion of the interview ("qu'est-ce que vous avez pensé de l'échange ?"), the client who
    # also praises or thanks ("un peu trop de jargon au début, mais le coup du samedi, c'est bien vu") gives
    # the requested feedback at ease: the criticism is no sign of unease.
    if (
        cfg.get("feedback_answer_praise_outweighs_critique", False)
        and prev_cand
        and _has_label(st, prev_cand[0].turn, "feedback_question")
        and any(x.hit("comfort_signal") is not None and "discomfort_signal" not in x.cues for x in ss)
    ):
        skip_discomfort = True
    reserving_turn = cfg.get("discomfort_not_in_objection_turn", False) and (
        _has_label(st, ti, "objection") or bool(deferred)
    )
    # A reproach aimed at the seller ("vous ne m'écoutez pas, là", "vous m'avez noyé avec vos sigles")
    # is unease even in a turn that voices a reservation.
    despite = frozenset(cfg.get("discomfort_despite_objection", ()))
    # Round 23 (climate): cue texts that are no unease on their own either (settings.yaml
    # discomfort_not_alone_phrases): a firm "c'est non" states a requirement ("un air sec, c'est non
    # négociable", "ça, c'est non"), "c'est ça, oui" confirms, "et alors" opens a question ("et alors,
    # combien ça coûte ?"); like "Mouais.", they count only beside another unease cue of the sentence.
    lukewarm = frozenset(cfg.get("discomfort_lukewarm_phrases", ())) | frozenset(
        cfg.get("discomfort_not_alone_phrases", ()) or ()
    )
    # Before the offer, not following what the seller has just explained ("vous m'avez perdue", "ces
    # termes ne me disent pas grand-chose" after a run of jargon) is unease all the same: the client
    # reacts to the seller's words, not to a question about his own situation. A question about one
    # term ("c'est quoi, le RTK ?") stays a question.
    min_expl = int(cfg.get("discomfort_explanation_min_words", 0) or 0)
    explained = (
        min_expl > 0
        and bool(prev_cand)
        and not any(x.form for x in prev_cand)
        and sum(x.n_words for x in prev_cand) >= min_expl
    )
    leave_only = _leave_taking_is_ease(st, ss, cfg)
    # Round 17: the classifier alone does not make unease of a sentence that praises the seller.
    praise = tuple(cfg.get("discomfort_model_not_with_praise", ()) or ())
    for s in ss if not skip_discomfort else []:
        explained_here = explained and s.form != "open"
        if (
            leave_only
            and s.cues.get("discomfort_signal")
            and all(x[4] in leave_only for x in s.cues["discomfort_signal"])
        ):
            continue
        extra = None if s.cues.get("discomfort_signal") else _extra_discomfort(s, ss, cfg)
        if extra is not None and leave_only and extra[0] == "depart":
            extra = None  # "Parfait. Il faut vraiment que j'y aille": a pleased leave-taking
        if (
            reserving_turn
            and not any(x[0] in despite for x in s.cues.get("discomfort_signal", []))
            and (extra is None or extra[0] not in despite)
        ):
            continue
        if _cues_say_no_unease(s, cfg):
            continue  # "sinon ce n'est pas la peine": a requirement, not unease
        c = s.hit("discomfort_signal")
        if c is not None and c[0] != "model" and all(x[4] in lukewarm for x in s.cues["discomfort_signal"]):
            c = None  # "Mouais." alone is a lukewarm reply, most often before a reservation, not unease
        if c is not None and c[0] == "model" and _says(s.words, praise):
            c = None  # "vous ne m'avez pas noyé sous les sigles, c'était clair": a criticism denied, then praise
        if c is not None and not st.offer_made and c[0] != "model" and not explained_here:
            c = next((x for x in s.cues["discomfort_signal"] if x[0] not in early_only), None)
        if (
            c is None
            and extra is not None
            and (st.offer_made or explained_here or extra[0] not in early_only)
        ):
            c = extra
        if c is not None:
            _add(st, "discomfort_signal", s, _lost_statement(s, c[0], cfg), 0.6)
            break
    if ss and st.offer_made and not skip_discomfort and not reserving_turn and _curt_reply(ss, cfg):
        if not _has_label(st, ti, "discomfort_signal"):
            _add(st, "discomfort_signal", ss[0], "reponse_seche", 0.6, span=_turn_span(ss))
    uneasy = _has_label(st, ti, "discomfort_signal")
    in_need = frozenset(cfg.get("comfort_not_in_need_turn", ()))
    # Round 17b (mood2): a turn may carry a second sign of ease of another kind in another sentence
    # (settings.yaml comfort_second_in_turn_patterns: "Je l'ai trouvé très clair. … (rires)", "Vous connaissez
    # votre sujet. Merci."): the authors tag laughter, thanks and praise apart.
    second = frozenset(cfg.get("comfort_second_in_turn_patterns", ()))
    first: str | None = None
    for k, s in enumerate(ss) if not uneasy else []:
        if _ironic_praise(ss, k, cfg):
            continue  # "Un numéro. Formidable.": the seller's word echoed, then mock praise
        # Round 20 (mood): a sure praise of the seller makes the turn's sign, not a second one.
        sure = _sure_comfort(s, cfg) if first is None else None
        c = s.hit("comfort_signal") or sure or _extra_comfort(s, cfg)
        rire = next((x for x in s.cues.get("comfort_signal", []) if x[0] == "rire"), None)
        # Laughter is a sign of ease whatever the classifier says, even in a sentence that names a relative
        # as the setting of a need ("le matin c'est la guerre de la salle de bain (rires)").
        if rire is not None and (c is None or c[0] in in_need):
            c = rire
        if c is not None and c[0] == "confidence" and "objection" in s.cues:
            continue  # "je vais être honnête : on a déjà un fournisseur" prefaces a reservation
        if c is not None and c[0] in in_need and _has_label(st, ti, "need"):
            continue  # "mon mari a fait une chute en enjambant la baignoire": the need's setting, not a confidence
        if c is not None and "discomfort_signal" not in s.cues:
            if first is not None:
                if c[0] in second and c[0] != first:
                    _add(st, "comfort_signal", s, c[0], 0.6)
                    break
                continue
            _add(st, "comfort_signal", s, c[0], 0.6)
            if first is None and c[0] in second:
                first = c[0]
                continue
            break


def _closing_deferral(
    st: _State, ti: int, strong: Sequence[tuple[str, str | None, int, int, str]], cfg: Mapping[str, Any]
) -> bool:
    """Round 18 (obj). "Bon. Écoutez, je vais réfléchir.", "Non, non. Je vais en parler avec ma femme. Je
    repasserai.": at the very end of a whole interview (settings.yaml objection_deferral_final_share of its
    turns), a deferral that names nothing else than the time to think or the person to ask is the client's way
    of leaving, not a reservation the seller can still handle; most authors tag none there (in the gold
    corpus, 7 of 40 late client turns with such words carry an objection on them). Only the deferral wordings
    (objection_deferral_words) of the cue families objection_deferral_cues count ("non merci", "vous
    rigolez" stay reservations); a named reason beside it ("… et que je voie d'autres machines") is a
    reservation all the same. Short dialogues (not phased) keep the convention (conventions.yaml, reflechir).
    The turn stays what it was as a reservation for the other labels: no sign of unease, no buying signal
    ("je repasserai samedi avec ma femme")."""
    share = float(cfg.get("objection_deferral_final_share", 1.1))
    families = frozenset(cfg.get("objection_deferral_cues", ()) or ())
    words = tuple(str(w) for w in cfg.get("objection_deferral_words", ()) or ())
    if share > 1.0 or not families or not words or not st.phased or st.share(ti) < share:
        return False
    return all(x[0] in families and any(w in x[4] for w in words) for x in strong)


def _further_objection(
    s: Sent,
    strong: Sequence[tuple[str, str | None, int, int, str]],
    kind: str,
    kinds_here: Sequence[str],
    cfg: Mapping[str, Any],
) -> bool:
    """Round 18 (obj). A client often piles up reservations in one turn ("C'est pas trop le moment, là. […]
    Et de toute façon faut que j'en parle à mon associé", "Vingt-sept euros ? C'est le double de ce que
    j'avais prévu. Et puis je ne peux pas décider seul"): the authors tag each one. A later sentence of a turn
    that already voices an objection is another one when it opens with an adding marker (settings.yaml
    objection_further_openers: "et puis", "et de toute façon", "en plus"…), carries a cue of a named family
    (not the weak ones, not the classifier alone) and names a reservation of another kind that stands outside
    the offer (objection_further_kinds: another offer, someone else who decides, a time barrier); without the
    marker the client goes on about the first one, and a doubt added about the offer itself ("et si ça ne
    marche pas ?", "et puis, avec tous les escrocs…") goes on weighing it (CV by author: 0 of 5 tagged apart)."""
    openers = tuple(str(x) for x in cfg.get("objection_further_openers", ()) or ())
    if not openers or not strong or kind in kinds_here:
        return False
    if kind not in (cfg.get("objection_further_kinds") or (kind,)):
        return False
    words = [t[0] for t in s.toks[_stage_direction_end(s) :] if t[2] != "PUNCT" and t[0].strip()]
    text = _glued(words[:5])
    return any(text == o or text.startswith(f"{o} ") for o in openers)


def _extra_comfort(s: Sent, cfg: Mapping[str, Any]) -> tuple[str, str | None, int, int, str] | None:
    """Round 17b (mood2). A sign of ease said in words the cues do not hold (settings.yaml
    ``comfort_extra_phrases``, pattern id -> phrases, matched as whole words over the folded sentence), such
    as the client's praise of how the seller worked ("vous m'avez écoutée", "vous avez répondu à mes
    questions", "ça, c'est sérieux"). The classifier must still give the sentence ``comfort_extra_min_p``; a
    sentence with a negative comfort cue ("c'est gentil, mais …") is left alone, one with a discomfort cue is
    dropped by the caller."""
    hit = _extra_phrase_id(s, cfg, "comfort_signal", "comfort_extra")
    return None if hit is None else (hit, None, s.tok_start, s.tok_end, s.text)


def _extra_phrase_id(s: Sent, cfg: Mapping[str, Any], label: str, key: str) -> str | None:
    """The pattern id of the first group of settings ``{key}_phrases`` (pattern id -> phrases) whose phrase
    stands, as whole words, in the folded sentence, when ``label`` is not ruled out for the sentence and the
    classifier gives it at least ``{key}_min_p``; None otherwise (shared by the comfort and unease extras)."""
    groups = cfg.get(f"{key}_phrases") or {}
    if not groups or label in s.negatives:
        return None
    if s.probs.get(label, 1.0) < float(cfg.get(f"{key}_min_p", 0.0)):
        return None
    text = fold(s.text)
    return next(
        (
            str(pid)
            for pid, phrases in groups.items()
            if any(term_pattern(str(ph)).search(text) for ph in phrases)
        ),
        None,
    )


def _extra_discomfort(
    s: Sent, ss: list[Sent], cfg: Mapping[str, Any]
) -> tuple[str, str | None, int, int, str] | None:
    """Round 21 (mood). A sign of unease said in words the cues do not hold (settings.yaml
    ``discomfort_extra_phrases``, pattern id -> phrases, matched as whole words over the folded sentence): the
    client repeats that he has just said it ("c'est ce que je viens de dire"), will not be cut off ("je n'ai
    pas fini"), says the seller loses or pushes him ("vous me perdez", "vous me mettez la pression"), reads a
    quick discount as an inflated price ("vous baissez vite", "il était gonflé"), or puts the seller in his
    place ("je connais ma terre, jeune homme"). The pattern ids are those of cues.yaml's discomfort families,
    so the usual guards apply (objection turns, leave-taking, climate filters). The classifier must still give
    the sentence ``discomfort_extra_min_p``; with the patterns of ``discomfort_extra_warm_patterns``, a turn
    that thanks or greets (``discomfort_extra_not_in_turn``: "merci pour l'appel, jeune homme") is at ease (a
    dry thanks, "je connais mieux que vous, merci", stays a rebuff). The cues (classifier inputs) are left unchanged."""
    hit = _extra_phrase_id(s, cfg, "discomfort_signal", "discomfort_extra")
    if hit is None:
        return None
    warm = [term_pattern(str(w)) for w in cfg.get("discomfort_extra_not_in_turn", ()) or ()]
    cordial = hit in (cfg.get("discomfort_extra_warm_patterns") or ())
    if cordial and any(p.search(fold(x.text)) for x in ss for p in warm):
        return None
    return (hit, None, s.tok_start, s.tok_end, s.text)


def _lost_statement(s: Sent, pattern: str, cfg: Mapping[str, Any]) -> str:
    """Round 19 (mood). The client who says, in a plain statement, that the seller has lost him ("Alors là,
    vous m'avez perdue.", "Je n'ai pas tout compris, mais bon.", "ces termes ne me disent pas grand-chose")
    shows unease even in an interview that is warm otherwise: the authors tag it (CV by author on 248
    sessions: 8 such signs dropped as a stray sign of a warm climate, all gold, by 7 authors), while a question
    on a word ("c'est quoi, le RTK ?") is the curiosity of a client at ease. An unease sign from one of the
    cue families settings.yaml ``discomfort_lost_statement_cues`` in a sentence that asks nothing gets the
    pattern id ``incomprehension_dite``, which the climate filters keep (``climate_settle_keep_discomfort``;
    not in ``climate_warm_weak_discomfort``)."""
    families = frozenset(cfg.get("discomfort_lost_statement_cues", ()) or ())
    if pattern in families and s.form is None and "?" not in s.text:
        return "incomprehension_dite"
    return pattern


def _sure_comfort(s: Sent, cfg: Mapping[str, Any]) -> tuple[str, str | None, int, int, str] | None:
    """Round 20 (mood). Praise that sets the seller above others or says he remembered ("vous l'avez mieux dit
    que moi", "vous le dites mieux que moi", "ça me change des commerciaux qui déroulent", "vous avez tout
    retenu": cues.yaml comfort_signal cue texts listed in settings.yaml ``comfort_sure_phrases``) is a sign of
    ease even when the classifier hesitates: such a cue needs only ``comfort_sure_min_p`` instead of the label's
    lower threshold. A plain verdict ("ouais, c'était clair", "c'est malin") keeps the usual threshold. A
    sentence with a negative comfort cue is left alone; the caller asks only for the turn's first sign (a second
    sign in the turn needs the classifier's usual confirmation)."""
    sure = frozenset(cfg.get("comfort_sure_phrases", ()) or ())
    if not sure or "comfort_signal" in s.negatives:
        return None
    if s.probs.get("comfort_signal", 1.0) < float(cfg.get("comfort_sure_min_p", 1.0)):
        return None
    return next((x for x in s.cues.get("comfort_signal", []) if x[4] in sure), None)


def _ironic_praise(ss: list[Sent], k: int, cfg: Mapping[str, Any]) -> bool:
    """Round 18 (mood). A one-word praise said as its own sentence right after a short fragment that echoes
    the seller ("Un numéro. Formidable.", "Des siècles. Formidable.", "Normalement. Génial.", "Deux cents euros
    de plus. Super.") mocks what the seller just said: no sign of ease. The sentence is one of settings.yaml
    ``ironic_praise_words`` alone; the sentence before it in the turn has at most
    ``ironic_praise_max_echo_words`` words and asks nothing. Praise that opens the turn ("Super. Merci.")
    or follows a full sentence is left alone."""
    words = frozenset(fold(str(w)) for w in cfg.get("ironic_praise_words", ()) or ())
    if not words or k == 0:
        return False
    alone = " ".join(re.findall(r"[\w'-]+", fold(ss[k].text)))
    before = ss[k - 1]
    return (
        alone in words
        and before.n_words <= int(cfg.get("ironic_praise_max_echo_words", 0) or 0)
        and "?" not in before.text
    )


def _cues_say_no_unease(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 20 (mood). An unease cue said as the consequence of a condition ("il faut que ça se rembourse en
    quatre campagnes, sinon ce n'est pas la peine", "si c'est pour septembre, ce n'est même pas la peine":
    settings.yaml ``discomfort_conditional_phrases`` after one of ``discomfort_condition_words`` in the
    sentence) states a requirement, not unease; the bare rebuff ("pas la peine de me faire peur") stays. Only a
    sentence whose cues are all of this reading is passed over (the classifier alone does not make unease of
    it either: it reads the same words)."""
    cues = s.cues.get("discomfort_signal")
    conditional = tuple(cfg.get("discomfort_conditional_phrases", ()) or ())
    if not cues or not conditional:
        return False
    conditions = frozenset(cfg.get("discomfort_condition_words", ()) or ())

    def idle(x: tuple[str, str | None, int, int, str]) -> bool:
        if not any(c in x[4].lower() for c in conditional):
            return False
        before = [t[0] for t in s.toks[: max(0, x[2] - s.tok_start)]]
        return any(w in conditions for w in before)

    return all(idle(x) for x in cues)


def _curt_reply(ss: list[Sent], cfg: Mapping[str, Any]) -> bool:
    """Round 17 (mood). Once the offer is on the table, a client turn made only of a non-committal reply ("On
    verra.", "On verra bien.", "C'est ça. Au revoir.", "Si vous le dites. Au revoir.") answers the seller curtly:
    a sign of unease (the whole turn matches one of settings.yaml ``discomfort_curt_reply_patterns``)."""
    patterns = [re.compile(str(p)) for p in cfg.get("discomfort_curt_reply_patterns", ()) or ()]
    text = " ".join(s.text.strip() for s in ss)
    return any(p.search(text) for p in patterns)


def _turn_span(ss: list[Sent]) -> tuple[int, int, int, int]:
    """Tokens and characters of a whole turn, from its first sentence to its last."""
    return ss[0].tok_start, ss[-1].tok_end, ss[0].char_start, ss[-1].char_end


def _leave_taking_is_ease(st: _State, ss: list[Sent], cfg: Mapping[str, Any]) -> frozenset[str]:
    """Round 16 (mood). Saying one must leave ("il faut que j'y aille", "j'ai une réunion") is a sign of
    unease when it cuts the interview short, not when it states the client's schedule at the opening
    ("j'ai trois quarts d'heure, pas plus, j'ai une réunion à onze heures", before any offer) or closes a
    meeting the client is pleased with ("Parfait. Bon, il faut que j'y aille", a turn that opens with a
    satisfied acknowledgement of ``discomfort_leave_polite_openers``). Returns the leave-taking cue texts
    (``discomfort_leave_phrases``) that do not count in this turn (empty when they count)."""
    leave = frozenset(cfg.get("discomfort_leave_phrases", ()))
    if not leave or not ss:
        return frozenset()
    if not st.offer_made:
        return leave
    head = ss[0].text.lstrip(" \t.,;:!?…-(")
    for o in cfg.get("discomfort_leave_polite_openers", ()):
        if head.startswith(o) and (len(head) == len(o) or not head[len(o)].isalpha()):
            return leave
    return frozenset()


# --------------------------------------------------------------------------- candidate turns


def _candidate_turn(
    st: _State,
    ti: int,
    ss: list[Sent],
    prev_client: list[Sent],
    sim: _Similarity,
    rules: QuestionRules,
    generic: frozenset[str],
) -> None:
    cfg = st.settings
    after_sale = st.after_sale(ti)

    # Question forms; rhetorical questions (answered at once) and echo questions are dropped.
    questions: list[Sent] = []
    for k, s in enumerate(ss):
        if not s.form:
            continue
        nxt = ss[k + 1] if k + 1 < len(ss) else None
        if nxt is not None and (
            rules.is_rhetorical_answer(nxt.text, s.form) or rules.is_rhetorical_frame(s.text)
        ):
            continue
        if (
            nxt is not None
            and s.n_words <= 2
            and s.qrule in ("intonation", "elliptic_topic")
            and not s.text.startswith("et")
        ):
            continue  # echo ("Deux ans ?") followed by the candidate's own talk
        questions.append(s)
        _add(st, f"{s.form}_question", s, f"rule:{s.form}_question/{s.qrule}", 0.85 if "?" in s.text else 0.7)

    # Active listening: an acknowledgement at the start of the turn, after the client spoke.
    if prev_client and ss:
        last_client = prev_client[-1]
        client_asked = "?" in last_client.text
        client_agreed = any(a.turn == last_client.turn and a.label == "agreement" for a in st.acts)
        # Brief answers ("bien sûr", "ok") count only when they are the whole turn (a backchannel).
        short_only = frozenset(cfg.get("active_listening_short_turn_only", ()))
        turn_words = sum(s.n_words for s in ss)
        backchannel = turn_words <= int(cfg.get("backchannel_max_words", 4))
        # A stage direction before the words ("(rires) Je comprends.") does not move the start.
        lead = _stage_direction_end(ss[0])
        c = next(
            (
                x
                for x in (ss[0].cues.get("active_listening", []) if ss[0].cue("active_listening") else [])
                if x[2] <= ss[0].tok_start + lead + 2 and (backchannel or x[0] not in short_only)
            ),
            None,
        )
        # "Sous surveillance, d'accord.", "Quarante degrés, ah oui quand même", "Août, noté." : the
        # client's own words taken up, then acknowledged, during discovery (round 15).
        if (
            c is None
            and not client_asked
            and not client_agreed
            and st.share(ti) <= float(cfg.get("active_listening_echo_max_share", 0.0))
        ):
            c = _echo_acknowledged(ss[0], prev_client, cfg)
        # Round 15b (needs): "Oui oui, …" hurries past what the client said (CV: gold 4 in 29 such openers).
        brushing = tuple(cfg.get("active_listening_brushing_openers", ()))
        if c is not None and c[0] != "echo_accuse" and brushing and _opens_with(ss[0], brushing):
            c = None
        if c is not None and not client_asked and not client_agreed:
            _add(st, "active_listening", ss[0], c[0], 0.7, span=_cue_span(ss[0], c))

    # Rapport: one per act. Consecutive sentences of a turn that greet and introduce the candidate
    # ("Bonjour Madame X. Julien Y, de Z.") or thank and take leave are one act; a sentence whose cue
    # is of another kind (thanks after a greeting, an agenda) starts a new one.
    run_kinds: set[str] | None = None
    prev_index = -2
    same_act = set(cfg.get("rapport_same_act", ("salutation", "presentation", "model")))
    soft_kinds = set(cfg.get("rapport_soft_kinds", ()))
    soft_open = float(cfg.get("rapport_soft_open_max_share", 0.0))
    soft_close = float(cfg.get("rapport_soft_close_min_share", 1.0))
    for s in ss:
        c = s.hit("rapport")
        if c is None:
            run_kinds = None
            continue
        if c[0] == "salutation" and 0.1 < st.share(ti) < 0.8:
            continue
        if (
            c[0] == "programme"
            and st.phased
            and st.share(ti) > float(cfg.get("rapport_agenda_max_share", 0.2))
        ):
            continue  # setting the agenda opens the meeting; later, "je vous propose" proposes the offer
        if c[0] in soft_kinds and soft_open < st.share(ti) < soft_close:
            continue  # mid-talk empathy answers a worry (objection, adjustment), it does not open a relationship
        kinds = {x[0] for x in s.cues.get("rapport", [])} or {c[0]}
        if run_kinds is not None and s.index == prev_index + 1 and (kinds <= same_act or kinds <= run_kinds):
            run_kinds |= kinds
            prev_index = s.index
            continue
        _add(st, "rapport", s, c[0], 0.6)
        run_kinds, prev_index = set(kinds), s.index
    # A bare "Merci." opening the turn, right after the client showed ease (praise of the candidate: "vous avez
    # bien écouté", "vous êtes efficace"), takes the compliment: rapport. Not at the opening, where it answers
    # "asseyez-vous" (courtesy).
    thanks = set(cfg.get("rapport_thanks_words", ()))
    if thanks and ss and prev_client and not any(a.turn == ti and a.label == "rapport" for a in st.acts):
        s0 = ss[0]
        words = [t[0] for t in s0.toks[_stage_direction_end(s0) :] if t[2] != "PUNCT"]
        if (
            words
            and words[0] in thanks
            and len(words) <= int(cfg.get("rapport_thanks_max_words", 2))
            and st.share(ti) >= float(cfg.get("rapport_thanks_min_share", 0.1))
            and any(a.turn == prev_client[-1].turn and a.label == "comfort_signal" for a in st.acts)
        ):
            _add(st, "rapport", s0, "merci_compliment", 0.6)

    # Objection handling context: the most recent open objection.
    open_obj = next(
        (
            o
            for o in reversed(st.objections)
            if not o.resolved and o.candidate_turns_since < int(cfg.get("response_window", 4))
        ),
        None,
    )
    probe_window = int(cfg.get("objection_window", 3))
    revealed = _reservation_revealed(st, ti, ss, questions, prev_client, open_obj)
    if revealed is not None:
        open_obj = revealed
    # Round 14 (obj): a turn that opens by contradicting the reservation just voiced ("Non, non, c'est dans la
    # moyenne", "Ah mais là vous avez de la qualité", "Mais non, ça va pas arriver") answers it: its questions
    # do not probe it (unless they dig for the cause), the answer is there.
    rebuts = (
        open_obj is not None
        and bool(prev_client)
        and open_obj.turn == prev_client[0].turn
        and open_obj.responded_turn is None
        and bool(ss)
        and _opens_with(ss[0], cfg.get("rebuttal_openers", ()))
    )

    # Closing, feedback, probes: functions of questions.
    probed_here = False
    for s in questions:
        c = s.cue("closing_question")
        # "Plutôt mardi 18 h ou mercredi 18 h ?" before any decision: an alternative close (the client
        # who picks a date commits); after the agreement it only schedules.
        dates = [x for x in s.cues.get("next_step", []) if x[1] == "date"]
        alternative = s.qrule.startswith("alternative") or ("ou" in s.words and len(dates) >= 2)
        decision_cue = c is not None
        if c is None and alternative and dates and cfg.get("closing_alternative_date", False):
            c = dates[0]
        if c is None and _consent_after_offer(s, ss, cfg):
            c = ("consent", None, s.tok_start, s.tok_end, s.text)
        if c is not None and cfg.get("closing_statement_checks", True) and _closing_is_statement(s, ss, c):
            c = None
        if (
            c is not None
            and (st.agreement_turn is None or (decision_cue and _soft_agreement(st, cfg)))
            and not (open_obj is not None and s.cue("objection_probe") is not None)
            and st.share(ti) >= float(cfg.get("closing_min_share", 0.35))
        ):
            _add(st, "closing_question", s, c[0], 0.7)
            st.closing_asked = True
            continue
        c = s.cue("feedback_question")
        # The form rules read "qu'avez-vous pensé …" as an inversion (closed); a cue that opens with a
        # wh-word asks for an opinion all the same.
        if (
            c is not None
            and (s.form == "open" or c[4].startswith(_WH_OPENERS))
            and (after_sale or st.share(ti) >= float(cfg.get("feedback_tail_share", 0.6)))
            and (after_sale or open_obj is None or s.cue("objection_probe") is None)
        ):
            _add(st, "feedback_question", s, c[0], 0.7)
            continue
        probe_cue = s.cue("objection_probe")
        # After the seller's own answer in the same turn ("… on peut le calculer ensemble. Vous voulez qu'on
        # le fasse ?"), a question without a digging cue follows the answer up; once the reservation has
        # had its follow-up question, it does not probe it again.
        own_answer = sum(
            x.n_words
            for x in ss
            if x.index < s.index
            and not x.form
            and x.cue("objection_reformulation") is None
            and x.cue("need_reformulation") is None
        )
        after_answer = own_answer >= int(cfg.get("probe_after_own_answer_words", 10**6))
        # A question that restates the reservation ("vous avez peur que…, c'est ça ?") is its
        # reformulation, unless it also digs ("c'est plutôt A ou B ?", "qu'est-ce qui vous inquiète ?").
        restating = (
            s.cue("objection_reformulation") is not None or _thought_restatement(s, cfg) is not None
        ) and probe_cue is None
        if _asks_which_cause(s, cfg):
            restating = False  # "c'est le total qui vous gêne, ou de payer avant ?" digs: a probe
        # Round 20 (resp). A wh-question never restates (the gold has no open question tagged as an objection
        # reformulation): "qu'est-ce qui vous paraît en trop, dans ces vingt-sept euros ?" takes up the
        # client's words ("vous paraît") to dig into the reservation, a probe (settings.yaml
        # probe_open_question_never_restates).
        if s.form == "open" and cfg.get("probe_open_question_never_restates", False):
            restating = False
        if (
            open_obj is not None
            and not probed_here
            and "objection_probe" not in s.negatives
            and (
                open_obj.responded_turn is None
                or (probe_cue is not None and open_obj.candidate_turns_since < probe_window + 1)
            )
            # A date alone ("aujourd'hui", "en mars") proposes nothing: only an action or a
            # document makes the question a next step rather than a probe.
            and not any(x[0] in ("action", "document") for x in s.cues.get("next_step", []))
            # "qu'est-ce qui vous retient ?" also reads as a closing cue; with an open objection and a
            # digging cue the closing branch above left it to the probe.
            and (s.cue("closing_question") is None or probe_cue is not None)
            and open_obj.candidate_turns_since < probe_window + (1 if probe_cue is not None else 0)
            and (s.qrule != "tag_question" or _asks_yes_or_no(s, cfg))
            and (probe_cue is not None or s.hit("need_reformulation") is None)
            and (probe_cue is not None or not after_answer or not open_obj.probed)
            and not (restating and not open_obj.reformulated)
            and not (rebuts and probe_cue is None and not _asks_which_cause(s, cfg))
        ):
            _add(
                st,
                "objection_probe",
                s,
                f"rule:objection_probe/{probe_cue[0]}"
                if probe_cue
                else "rule:objection_probe/question_after_objection",
                0.7 if probe_cue else 0.65,
                links=[open_obj.act],
            )
            open_obj.probed = True
            probed_here = True

    # Reformulations (need or objection) and agreement summaries.
    reformulated = False
    sure = frozenset(cfg.get("reformulation_sure_markers", ()))
    # Needs said a few turns before: a confirmed restatement may take up one of them (round 15).
    back = int(cfg.get("echo_confirm_need_lookback", 0) or 0)
    recent_needs = [ns for _a, ns in st.needs if ti - ns.turn <= back] if back > 0 else []
    for s in ss:
        # "Ce que j'entends, c'est que …" without a question mark restates; the form rules may read it
        # as an open question.
        sure_opening = any(
            x[0] in sure and x[2] - s.tok_start <= 3 for x in s.cues.get("need_reformulation", [])
        )
        if s.form == "open" and not (sure_opening and "?" not in s.text):
            continue
        c_need = s.hit("need_reformulation")
        if c_need is None:
            # An unambiguous restating marker ("si je comprends bien, …") needs no model confirmation.
            c_need = next((x for x in s.cues.get("need_reformulation", []) if x[0] in sure), None)
            if "need_reformulation" in s.negatives:
                c_need = None
        elif c_need[0] != "model":
            # Several markers in the sentence: the most explicit one decides ("donc ce que je comprends,
            # c'est que …" is a restating marker, not only "donc").
            rank = {k: i for i, k in enumerate(cfg.get("reformulation_marker_rank", ()))}
            c_need = min(s.cues["need_reformulation"], key=lambda x: (rank.get(x[0], len(rank)), x[2]))
        # "Donc le besoin complet, c'est : zéro arrêt, moins de bruit, …": a summary of the client's needs,
        # named as such and listed, restates them even without "vous" (round 15).
        if (c_need is None or c_need[0] == "model") and _needs_summary(s, cfg):
            c_need = ("marqueur", None, s.tok_start, s.tok_start, "")
        # "Un air sec pour la peinture." after the client said so: a verbless echo restates (the
        # classifier alone is not sure enough for a sentence without "vous").
        if (
            (c_need is None or c_need[0] == "model")
            and "need_reformulation" not in s.negatives
            and st.share(ti) <= float(cfg.get("echo_max_share", 0.5))
            # Right after a reservation, the client's words taken up restate the reservation (round 15).
            and not (
                cfg.get("echo_not_after_objection", False)
                and prev_client
                and _has_label(st, prev_client[0].turn, "objection")
            )
            and (
                _verbless_echo(s, ss, prev_client, sim, cfg)
                or _confirmed_restatement(s, ss, prev_client, sim, cfg, needs=recent_needs)
            )
        ):
            c_need = ("echo", None, s.tok_start, s.tok_start, "")
        p_need = s.probs.get("need_reformulation", 0.0)
        confident = p_need >= float(cfg.get("reformulation_model_alone_min_p", 1.1))
        c_obj = s.cue("objection_reformulation")
        c_sum = s.cue("agreement_summary")
        if any(a.sent == s.index and a.label == "closing_question" for a in st.acts):
            c_sum = None  # "on part donc sur la formule Pro ?" asks for the decision, it confirms nothing
        unseen_close = c_sum is None or (st.agreement_turn is None and not st.closing_asked)
        if unseen_close and _late_recap(st, s, cfg):
            if _key_points(s) and not _has_label(st, ti, "agreement_summary"):
                _add(st, "agreement_summary", s, "recapitulatif_tardif", 0.6)
            continue
        if c_sum is not None and (st.agreement_turn is not None or st.closing_asked) and _key_points(s):
            if not _has_label(st, ti, "agreement_summary"):
                _add(st, "agreement_summary", s, c_sum[0], 0.65)
            continue
        just_objected = bool(prev_client) and open_obj is not None and open_obj.turn == prev_client[0].turn
        if c_obj is None and open_obj is not None:
            c_obj = _thought_restatement(s, cfg)  # "vous vous dites que…": the client's reasoning said back
        if open_obj is not None and _asks_which_cause(s, cfg):
            c_obj = None  # an alternative about the reservation asks which cause: the probe loop took it
        if c_obj is not None and _restated_need_not_reservation(s, cfg):
            c_obj = None  # "si je vous suis, il vous faut un site à votre image": a need restated
        if c_obj is not None and _opens_rebuttal(s, cfg):
            c_obj = None  # "non mais ça marchera, la fibre c'est fiable": an answer, not a restatement
        if (
            c_obj is None
            and just_objected
            and open_obj is not None
            and not open_obj.reformulated
            and _restates_reservation(s, c_need, cfg)
        ):
            c_obj = (c_need[0], None, c_need[2], c_need[3], c_need[4])
        # A restatement without a marker, right after the objection not yet restated: a confirmation
        # ("c'est ça qui vous retient, le prix"), or the client's words taken up before a probe.
        fresh = (
            c_obj is None
            and just_objected
            and open_obj is not None
            and not open_obj.reformulated
            and "objection_reformulation" not in s.negatives
        )
        if fresh and _confirms_restatement(s, cfg):
            c_obj = ("confirmation", None, s.tok_start, s.tok_start, "")
        elif fresh and _restates_before_probe(st, s, ss, ti, prev_client, sim, cfg):
            c_obj = ("avant_relance", None, s.tok_start, s.tok_start, "")
        elif fresh and _wish_restatement(s, cfg):
            c_obj = ("souhait", None, s.tok_start, s.tok_start, "")
        if (
            open_obj is not None
            and not open_obj.reformulated
            and c_obj is not None
            and (s.second_person or (just_objected and c_obj[2] - s.tok_start <= 3))
        ):
            # Right after the objection, a restating marker opening the sentence is enough
            # ("si je comprends bien, le budget ne couvre pas…").
            _add(st, "objection_reformulation", s, c_obj[0], 0.65, links=[open_obj.act])
            open_obj.reformulated = True
            reformulated = True
            continue
        strong_obj = c_obj is not None and (
            any(x[4] in st.strong_reservation for x in s.cues.get("objection_reformulation", []))
            or c_obj[0] == "vous_vous_dites"  # the client's reasoning said back names a reservation
        )
        # Round 18 (reform): "si je reformule : vous comparez le contrat à une embauche" after a reservation
        # the client turn was not read as: see _marked_missed_reservation.
        marked_res = not strong_obj and _marked_missed_reservation(s, c_need, prev_client, cfg)
        if (
            (open_obj is None or (open_obj.reformulated and not just_objected))
            and (strong_obj or marked_res)
            and prev_client
            and s.second_person
            and st.agreement_turn is None
            and not any(a.turn == prev_client[0].turn and a.label == "objection" for a in st.acts)
            and st.share(ti) >= float(cfg.get("objection_min_turn_share", 0.12))
            and (st.offer_made or not cfg.get("objection_after_offer", True))
            and (
                # "vous avez peur que…", "vous trouvez que…" restate a reservation on their own; softer
                # markers ("ce qui vous inquiète") need a sign of one in the client's turn.
                marked_res
                or any(x[4] in st.reservation_only for x in s.cues.get("objection_reformulation", []))
                or any(
                    x.cues.get("objection")
                    or x.probs.get("objection", 0.0) >= float(cfg.get("restated_min_p", 0.2))
                    for x in prev_client
                )
            )
        ):
            # The candidate restates a reservation we missed: the previous client turn held an objection.
            # A client sentence that confirms or asks to buy ("voilà, exactement", "vous pourriez nous
            # prêter deux bureaux ?") is not the reservation.
            pool = [
                x
                for x in prev_client
                if not any(k in x.cues for k in ("agreement", "buying_signal", "doubt_resolved"))
            ]
            if not pool and cfg.get("restated_objection_skips_confirmations", False):
                continue
            target = max(pool or prev_client, key=lambda x: (x.probs.get("objection", 0.0), x.n_words))
            if target.probs.get("objection", 1.0) < float(cfg.get("restated_target_min_p", 0.0)):
                continue  # "vous avez bien résumé", "pardon, je vous ai coupée": nothing the model reads as a reservation
            kind = next((x[1] for x in target.cues.get("objection", []) if x[1]), None) or "other"
            a = _add(
                st,
                "objection",
                target,
                "rule:objection/restated_by_candidate",
                0.5,
                attributes={"kind": kind},
            )
            # A question that names the reservation to dig into it ("c'est de sortir tout d'un coup qui
            # vous bloque, ou même une mensualité ?") probes it, as in the loop above.
            digs = (
                cfg.get("restated_probe_question", False)
                and bool(s.form)
                and s.qrule != "tag_question"
                and "objection_probe" not in s.negatives
                and (s.cue("objection_probe") is not None or _asks_which_cause(s, cfg))
            )
            obj = _Objection(act=a, turn=target.turn, sent=target, reformulated=True, probed=digs)
            st.objections.append(obj)
            open_obj = obj
            _add(st, "objection_reformulation", s, (c_obj or c_need)[0], 0.6, links=[a])
            if digs:
                pc = s.cue("objection_probe")
                _add(
                    st,
                    "objection_probe",
                    s,
                    f"rule:objection_probe/{pc[0] if pc else 'alternative'}",
                    0.6,
                    links=[a],
                )
                probed_here = True
            reformulated = True
            continue
        if reformulated or c_need is None or st.agreement_turn is not None:
            continue
        if _restarts_after_apology(s, ss, cfg):
            continue  # "pardon, je vais trop vite. Je reprends." starts the explanation again
        # The client's first turn answers the greeting: "alors l'idée, c'est de faire le point…" or
        # "je suis là pour voir vos besoins" then sets the agenda, it has no situation to restate yet.
        if st.client_turns < int(cfg.get("reformulation_min_client_turns", 2)):
            continue
        if s.qrule.startswith("alternative"):
            continue  # "vous aimeriez équiper les deux, ou un seul ?" asks, it does not restate
        if st.offer_made and any(
            x[4] in st.reservation_only for x in s.cues.get("objection_reformulation", [])
        ):
            continue  # a restated reservation, not a need (before any offer, a worry restated is a need)
        # The restating act opens the sentence ("si je comprends bien, …", "donc vous …").
        # … or closes it ("…, c'est le moment important de la semaine, si je comprends bien.").
        if (
            c_need[0] != "model"
            and c_need[2] - s.tok_start > int(cfg.get("reformulation_marker_max_offset", 6))
            and not (
                c_need[0] == "marqueur_sur"
                and s.tok_end - c_need[3] <= int(cfg.get("reformulation_marker_tail_tokens", 0))
                # "…, si je comprends bien ?" asks the client to confirm the restatement: still one.
                and s.form != "open"
            )
        ):
            continue
        # Without "vous", only a marker or a classifier that is very sure says the client is restated
        # ("hm hm, donc moins de passages mais sans jouer avec la récolte").
        if (
            not s.second_person
            and c_need[0] not in ("marqueur", "marqueur_sur", "accuse_donc", "echo")
            and not confident
        ):
            continue
        # "… on détecte l'usure d'un roulement. Donc vous n'avez plus de casse": after the candidate's
        # own explanation, "donc vous" draws its consequence; it restates only when it opens the turn.
        if c_need[0] == "donc_vous" and sum(x.n_words for x in ss if x.index < s.index) > int(
            cfg.get("reformulation_donc_max_words_before", 1000)
        ):
            continue
        if c_need[0] == "model" and _after_own_statements(s, ss, cfg):
            continue
        if c_need[0] == "accuse_donc" and not confident and not _restates(s, prev_client, sim, cfg):
            continue  # "d'accord, donc je vous propose…": an acknowledgement, not a restatement
        if c_need[0] == "accuse_donc" and _infinitive_opening(s, c_need) and _has_finite_verb(s):
            continue  # "donc installer le boîtier prend une heure": the infinitive is a subject, not a wish
        links = _link_needs(st, s, sim, ti)
        if not links:
            links = _restated_need(st, s, sim, ti)
        if links:
            _add(st, "need_reformulation", s, c_need[0], 0.65, links=links)
            reformulated = True

    # A question right after the restated objection, in the same turn, probes it
    # ("Si je comprends bien, vous craignez… C'est le délai ou le volume qui vous inquiète ?").
    restated_at = [a.sent for a in st.acts if a.turn == ti and a.label == "objection_reformulation"]
    if open_obj is not None and not probed_here and restated_at:
        for s in questions:
            if (
                s.index > max(restated_at)
                and (s.qrule != "tag_question" or _asks_yes_or_no(s, cfg))
                and (s.cue("closing_question") is None or s.cue("objection_probe") is not None)
                and "objection_probe" not in s.negatives
            ):
                pc = s.cue("objection_probe")
                _add(
                    st,
                    "objection_probe",
                    s,
                    f"rule:objection_probe/{pc[0] if pc else 'after_reformulation'}",
                    0.65,
                    links=[open_obj.act],
                )
                open_obj.probed = True
                probed_here = True
                break

    # A probe said without "?" (spoken French asks by intonation, the transcript loses it): a short
    # turn that ends on a sentence handing the floor back ("Et dans les trente-cinq euros, vous
    # comptez ce que vous jetez.", "Et elle en est contente, votre voisine ?") while the objection
    # has had no answer yet. It adds a point ("et …") or digs (a probing cue); it has a verb and
    # does not speak of the seller's side (je, nous, on: that presents, it answers).
    if (
        open_obj is not None
        and not probed_here
        and cfg.get("probe_declarative", False)
        and not rebuts
        and ss
        and open_obj.responded_turn is None
        and open_obj.candidate_turns_since < probe_window
        and st.agreement_turn is None
        and sum(x.n_words for x in ss) <= int(cfg.get("probe_declarative_max_turn_words", 35))
    ):
        s = ss[-1]
        taken = any(a.sent == s.index and a.label not in ("active_listening",) for a in st.acts)
        if (
            not s.form
            and not taken
            and "objection_probe" not in s.negatives
            and any(pos in ("VERB", "AUX") for _t, _l, pos in s.toks)
            and not set(s.words) & frozenset(cfg.get("probe_declarative_seller_words", ()))
            and not _asserts(s, cfg)
            and (s.cue("objection_probe") is not None or _adds_a_point(s, cfg))
        ):
            pc = s.cue("objection_probe")
            _add(
                st,
                "objection_probe",
                s,
                f"rule:objection_probe/{pc[0] if pc else 'declarative'}",
                0.55,
                links=[open_obj.act],
            )
            open_obj.probed = True
            probed_here = True

    # Arguments and objection responses.
    if open_obj is not None and not st.objections[-1].resolved and st.agreement_turn is None:
        # Sentences that already do something else (greet or take leave, ask for the decision,
        # acknowledge a buying signal, restate) do not answer the objection.
        other = {
            a.sent
            for a in st.acts
            if a.turn == ti
            and a.label in ("rapport", "closing_question", "buying_signal_ack", "agreement_summary")
        }
        # A gift that comes before any answer to the reservation answers it ("bon, je peux vous le faire
        # à neuf cent cinquante" after "c'est trop cher"), even with its counterpart ("… si vous signez
        # ce mois-ci"); once answered, a gift is only a concession.
        gift_answers = cfg.get("concession_answers_open_objection", False) and open_obj.responded_turn is None
        body = [
            s
            for s in ss
            if not s.form
            and (
                s.n_words >= int(cfg.get("min_words_response", 6))
                or (rebuts and s.index == ss[0].index and not s.text.rstrip().endswith(("...", "…")))
            )
            and s.index not in other
            and (
                s.cue("closing_question") is None
                or (gift_answers and any(x[0] == "geste" for x in s.cues.get("concession", [])))
            )
        ]
        # In a turn that restates or probes the objection, the answer (if any) comes after that act;
        # a gift is a concession, not an answer; "…, j'imagine" is a question without its mark.
        handled = [
            a.sent
            for a in st.acts
            if a.turn == ti and (a.label.endswith("reformulation") or a.label == "objection_probe")
        ]
        in_turn = cfg.get("response_in_handling_turn", True)
        probed_in_turn = _has_label(st, ti, "objection_probe")
        before_probe: list = []
        if handled and (not in_turn or (in_turn == "after_reformulation" and probed_in_turn)):
            # A turn that probes the reservation leaves the answer for later; with "after_reformulation",
            # one that only restates it may answer it next ("Vous avez peur que … Ça, c'est parce que …").
            if probed_in_turn and cfg.get("response_before_probe", False):
                before_probe = _rebuttal_before_probe(st, ti, body, handled, cfg)
            body = []
        elif handled and in_turn == "after_reformulation":
            body = [s for s in body if s.cue("objection_reformulation") is None]  # the restatement itself
        long_enough = int(cfg.get("min_words_response_after_probe", 10))
        body = [
            s
            for s in body
            if (not handled or (s.index > max(handled) and s.n_words >= long_enough))
            and (gift_answers or not any(x[0] == "geste" for x in s.cues.get("concession", [])))
            and not s.text.rstrip(" .").endswith(("j'imagine", ", non", "ou pas"))
        ] + before_probe
        # Round 15b (ans). Late in the talk, the client who defers ("je vais réfléchir", "je ne signe rien
        # aujourd'hui") hears the seller take note ("d'accord, je vous laisse ma carte", "revenez quand vous
        # voulez"): that answers nothing; only a sentence that argues back (a response cue: "mais la promo
        # s'arrête samedi") does (settings.yaml objection_response_cue_only_min_share).
        # Only where the position in the transcript tells the phase (a whole interview, not an excerpt).
        if st.phased and st.share(open_obj.turn) >= float(
            cfg.get("objection_response_cue_only_min_share", 1.1)
        ):
            body = [s for s in body if (s.hit("objection_response") or ("model",))[0] != "model"]
        # Round 22 (answers). A client who has moved on (a buying signal, relief, a new need in the turn just
        # before, where they raise no reservation) is answered on that: with no answer cue nor model score in
        # the turn, the seller's sentence is not an answer to the reservation, nor in the turns after
        # (settings.yaml objection_response_fallback_not_after).
        moved_on = frozenset(cfg.get("objection_response_fallback_not_after", ()) or ())
        if (
            moved_on
            and open_obj.responded_turn is None
            and prev_client
            and not any(a.turn == prev_client[0].turn and a.label == "objection" for a in st.acts)
            and any(a.turn == prev_client[0].turn and a.label in moved_on for a in st.acts)
        ):
            open_obj.moved_on = True
        if body and open_obj.moved_on and not any(x.hit("objection_response") for x in body):
            body = []
        if body and (open_obj.responded_turn is None or any(s.hit("objection_response") for s in body)):
            s = next((x for x in body if x.hit("objection_response")), body[0])
            c = s.hit("objection_response")
            a = _add(st, "objection_response", s, c[0] if c else "after_objection", 0.6, links=[open_obj.act])
            # Once answered, what the seller says next mostly answers the client's new questions (delivery,
            # options): the later "answers" are dropped at the end (settings.yaml objection_response_first_only),
            # kept until then so that the walk reads the turn as objection handling, as before.
            if open_obj.responded_turn is not None and cfg.get("objection_response_first_only", False):
                st.dropped_at_end.add(a)
            open_obj.responded_turn = ti
            # The client's relief was heard before this answer (_answers_probe_unanswered): now settled.
            if open_obj.answer_due:
                open_obj.resolved = True
    # Once the seller has asked for the decision (a closing question in an earlier turn), what they say
    # next answers reservations or settles terms; new arguments belong to the presentation.
    closed_before = cfg.get("argument_before_closing_only", False) and any(
        a.label == "closing_question" and a.turn < ti and _late_close(st, a.turn) for a in st.acts
    )
    if st.needs and st.agreement_turn is None and not closed_before:
        # Restatements and objection answers are not arguments (tags.md: inside objection
        # handling the answer is an objection_response).
        busy = {
            a.sent
            for a in st.acts
            if a.turn == ti and (a.label.endswith("reformulation") or a.label == "objection_response")
        }
        min_words = int(cfg.get("min_words_argument", 6))
        pool = [
            s
            for s in ss
            if s.form != "open"
            and s.n_words >= min_words
            and s.index not in busy
            and not any(
                x[2] - s.tok_start <= 3
                for lab in ("need_reformulation", "objection_reformulation")
                for x in s.cues.get(lab, [])
            )
            and not _story_not_argument(s, cfg)
        ]
        in_handling = any(a.turn == ti and a.label in _HANDLING for a in st.acts)
        mode = cfg.get("argument_in_objection_handling", True)
        if not mode and in_handling:
            pool = []  # tags.md: inside objection handling the answer is an objection_response
        # tags.md: … unless it also answers a separate earlier need: with "fresh_need", an argument in
        # objection handling only for a need no argument has answered yet.
        served = (
            {x for act in st.acts if act.label == "argument" for x in act.links}
            if mode == "fresh_need" and in_handling
            else set()
        )
        # A turn that still asks about the client's situation early in the talk ("des pannes sans prévenir,
        # je vois. Vous avez combien de machines ?") restates and probes; it presents nothing yet:
        # there, an argument needs its own benefit phrase (settings.yaml argument_question_turn_max_share).
        asking_early = bool(questions) and st.share(ti) <= float(
            cfg.get("argument_question_turn_max_share", -1.0)
        )
        # Round 19 (arg). A seller who pitches before any discovery makes product claims (C2.1's weak case).
        undiscovered = _before_discovery(st, ti)
        done = False
        # A presentation often answers two needs in one turn ("vos pistolets ne crachent plus… et on peut
        # parler à côté"): a further argument only for another need (settings.yaml max_arguments_per_turn).
        answered_here: list[int] = []
        for s in pool:
            c = s.hit("argument")
            if c is None:
                continue
            thr = float(cfg.get("argument_min_similarity", 0.3)) if c[0] != "model" else 0.0
            if (
                c[0] != "model"
                and not answered_here
                and _confident(s, "argument", cfg.get("argument_confident_cue_any_need"))
            ):
                thr = 0.0  # the classifier alone would have made it an argument, with no similarity floor
            if c[0] == "model" and asking_early:
                continue
            # … unless the sentence opens on the need it answers ("pour la ligne d'emballage, …"): tied to it.
            if (
                c[0] == "model"
                and undiscovered
                and not _opens_on_topic(
                    s, cfg.get("argument_topic_openers", ()), cfg.get("argument_topic_skip_words", ())
                )
            ):
                st.offer_made = True  # a product claim all the same: reservations can follow
                continue
            # Inside objection handling the classifier alone mostly hears the answer to the objection (tags.md:
            # an objection_response, not also an argument): there, an argument needs its benefit phrase.
            if c[0] == "model" and in_handling and cfg.get("argument_in_handling_needs_cue", False):
                continue
            best, score = _best_need(st, s, sim, thr)
            if (
                answered_here
                and c[0] == "model"
                and cfg.get("second_argument_needs_cue", False)
                and not _opens_on_topic(
                    s, cfg.get("argument_topic_openers", ()), cfg.get("argument_topic_skip_words", ())
                )
            ):
                continue  # the second argument of a turn needs its own benefit phrase (or a topic opener)
            if best is not None and score >= thr and best not in answered_here and best not in served:
                _add(st, "argument", s, c[0], 0.55, links=_argument_links(st, s, sim, best, score))
                st.offer_made = True
                done = True
                answered_here.append(best)
                if len(answered_here) >= int(cfg.get("max_arguments_per_turn", 1)):
                    break
        if not done and in_handling and _answer_names_need(st, ti, ss, sim, served):
            done = True
        # Taking up a need without a benefit phrase, in a turn that asks a question, is a restatement
        # before the question ("les pannes, c'est le souci de tout le monde. Et vous travaillez en deux équipes ?").
        nocue_ok = not (questions and cfg.get("argument_nocue_not_in_question_turn", False))
        # Answering the client's question ("et l'installation, ça prend combien de temps ?") informs; the
        # answer takes up a need only with a benefit phrase. Late in the talk, the seller settles terms
        # (settings.yaml argument_nocue_not_after_client_question, argument_nocue_max_share).
        if cfg.get("argument_nocue_not_after_client_question", False) and any(
            "?" in x.text or x.form is not None for x in prev_client
        ):
            nocue_ok = False
        if st.share(ti) >= float(cfg.get("argument_nocue_max_share", 1.0)):
            nocue_ok = False
        if undiscovered and cfg.get("argument_nocue_needs_discovery", False):
            nocue_ok = False
        if not done and open_obj is None and not after_sale and prev_client and nocue_ok:
            # No benefit phrase, but the sentence takes up a need the client stated, in the
            # candidate's presentation ("pour vos appels du dimanche, il a un écran de 6,7 pouces").
            thr = float(cfg.get("argument_nocue_similarity", 0.5))
            p_min = float(cfg.get("argument_nocue_min_p", 0.3))
            # A question asks; it does not take up the need as a benefit ("et si on change, … ?").
            scored = [
                (s, *_best_need(st, s, sim, thr))
                for s in pool
                if s.probs.get("argument", 0.0) >= p_min
                and not (s.form and cfg.get("argument_nocue_not_question"))
                and not _states_price(s, cfg)
            ]
            scored = [x for x in scored if x[1] is not None and x[2] >= thr and x[1] not in served]
            if _add_closest_argument(st, scored, sim, "rule:argument/need_taken_up"):
                st.offer_made = True

    # Examples, technical translations.
    client_context = frozenset(cfg.get("example_needs_client_context", ()))
    first_kind: str | None = None  # Round 23 (examples): the kind of the turn's first example, see below
    for s in ss:
        c = s.hit("concrete_example")
        if c is not None and c[0] in client_context:
            # "ça fait / ça représente …" illustrates only with a figure in the client's own context.
            # Round 20 (example): "c'est déjà trois cents euros" works out a cost that already reaches a
            # figure, with or without "vous" (settings.yaml example_figure_reached_phrases).
            reached = tuple(str(x) for x in cfg.get("example_figure_reached_phrases", ()))
            c = next(
                (
                    x
                    for x in s.cues["concrete_example"]
                    if x[0] not in client_context or (reached and x[4].lower().startswith(reached))
                ),
                c if (s.has_digit and (s.second_person or _reuses_client_figure(st, s))) else None,
            )
        if c is None and _served_customer(s, cfg):
            c = ("client_suivi", None, s.tok_start, s.tok_end, s.text)
        if c is None and _replays_client_incident(s, cfg):
            c = ("rejeu_client", None, s.tok_start, s.tok_end, s.text)
        # Round 21 (example): another customer's before/after ("sur la première année ils ont eu deux terminaux à
        # remplacer, deux au lieu de douze") reads as a gift's "au lieu de" but tells a case: the guard
        # holds for figures, not for a customer story told in the past (settings.yaml example_story_cues;
        # "le jour où il passera au stylet, je vous fais dix pour cent" stays a gift).
        story = (
            c is not None
            and c[0] in frozenset(cfg.get("example_story_cues", ()))
            and _third_party_past(s, cfg)
        )
        if c is not None and not story and any(x[0] == "geste" for x in s.cues.get("concession", [])):
            c = None  # "je peux vous faire dix pour cent, ça fait six mille": the new price of a gift
        if c is not None and st.share(ti) < float(cfg.get("example_min_share", 0.0)):
            c = None  # the introduction ("technicienne chez Thermia") tells no customer story yet
        if c is not None and c[0] == "model" and not (_illustrates(s, cfg) or _reuses_client_figure(st, s)):
            c = None  # a price or a spec sheet alone tells no story and no figure of the client's own
        if c is not None and _not_an_example(s, c, cfg):
            c = None  # the seller's own plan, a quoted price, or "concrètement" with no figure
        if c is not None and (not s.form or _relative_qui(s, cfg)) and s.n_words >= 5:
            kind = _example_kind(st, s, c, cfg)
            if first_kind is not None:
                # Round 23 (examples): a second example in the turn only when it completes the first one
                # (a customer story, then the same figure worked on this client's numbers, or the reverse).
                if {first_kind, kind} != {"story", "figure"}:
                    continue  # the story's next sentence ("ils se sont équipés il y a deux ans…")
                _add(st, "concrete_example", s, c[0], 0.55)
                break
            _add(st, "concrete_example", s, c[0], 0.55)
            st.offer_made = True
            _argument_from_example(st, ti, ss, sim, closed_before)
            if kind is None or not cfg.get("example_story_then_client_figure", False):
                break
            first_kind = kind
    restated = {a.sent for a in st.acts if a.turn == ti and a.label.endswith("reformulation")}
    for k, s in enumerate(ss):
        c = s.hit("technical_translation")
        if c is None or s.form or s.index in restated:
            continue  # "autrement dit, vous …" restating the client is a reformulation
        # Something must come before the explanation: in the sentence, or the previous one.
        if c[2] <= s.tok_start + 1 and k == 0 and not _term_then_effect(st, s, c, cfg):
            continue
        if c[0] != "model" and not _explains(s, c, cfg):
            continue
        if c[0] == "deux_points" and _colon_opens_a_plan(st, s, c):
            continue
        # The classifier alone also likes spec lists ("un écran de cinq pouces, 600 nits, …"): without a
        # cue it takes a word that links the term to what it does (":", "donc", "c'est", "qui").
        links = cfg.get("translation_model_link_words", ())
        if c[0] == "model" and links and not any(_has_phrase(f" {s.text} ", w) for w in links):
            continue
        _add(st, "technical_translation", s, c[0], 0.55)
        st.offer_made = True
        # What a specification changes for the client is a benefit: when it takes up a need the client
        # stated, it is also an argument (outside objection handling, where it answers the objection).
        handling = _HANDLING - {"concession"}
        if (
            st.needs
            and st.agreement_turn is None
            and not closed_before
            and st.share(ti) < float(cfg.get("argument_from_translation_max_share", 1.0))
            and not _has_label(st, ti, "argument")
            and not any(a.turn == ti and a.label in handling for a in st.acts)
        ):
            floor = float(cfg.get("argument_from_translation_similarity", 1.0))
            best, score = _best_need(st, s, sim, floor)
            p_min = float(cfg.get("argument_from_translation_min_p", 0.0))
            if best is not None and score >= floor and s.probs.get("argument", 1.0) >= p_min:
                _add(st, "argument", s, "rule:argument/translated_benefit", 0.5, links=[best])
        n_translations = sum(1 for a in st.acts if a.turn == ti and a.label == "technical_translation")
        if n_translations >= int(cfg.get("max_translations_per_turn", 1)):
            break
    _scenario_translation(st, ti, ss, sim, restated)
    # Round 15 (cand). In the last part of the talk the seller settles terms and plans the follow-up: what he
    # says there presents no benefit for a need (settings.yaml argument_max_share). Dropped at the end of the
    # walk, so that the walk still reads them (offer made, needs already answered). Only where the position
    # in the transcript tells the phase (a whole interview, not an excerpt).
    if st.phased and st.share(ti) > float(cfg.get("argument_max_share", 1.0)):
        st.dropped_at_end.update(i for i, a in enumerate(st.acts) if a.turn == ti and a.label == "argument")
    if any(s.has_digit and ({"euros", "euro", "€"} & set(s.words)) for s in ss):
        st.offer_made = True  # a price was given: reservations can follow
    if any(s.n_words >= 12 and not s.form for s in ss) and st.share(ti) > float(
        cfg.get("offer_min_share", 0.15)
    ):
        st.offer_made = True

    # Adjustment: a change of course right after a client reaction.
    if prev_client:
        reacted = any(
            a.turn == prev_client[0].turn and a.label in ("objection", "discomfort_signal", "need")
            for a in st.acts
        ) or any(w in _NEGATION for s in prev_client for w in s.words)
        # A pleased client (buying signal, doubt resolved, agreement) asks for no change of course.
        pleased = any(
            a.turn == prev_client[0].turn and a.label in ("buying_signal", "doubt_resolved", "agreement")
            for a in st.acts
        )
        # "C'est génial, ça. Par contre le vert, j'ai peur que ça fasse triste": the client liked one
        # point and objects to the next one; the change of course answers the objection.
        if pleased and cfg.get("adjustment_objection_outweighs_pleased", False):
            pleased = not any(
                a.turn == prev_client[0].turn and a.label in ("objection", "discomfort_signal")
                for a in st.acts
            )
        uneasy = any(a.turn == prev_client[0].turn and a.label == "discomfort_signal" for a in st.acts)
        after_unease = frozenset(cfg.get("adjustment_after_discomfort_only", ()))
        # Dropping a point ("je laisse X de côté") answers the client's reaction by itself.
        drop = frozenset(cfg.get("adjustment_drop_cues", ()))
        dropped = any(x[0] in drop for s in ss for x in s.cues.get("adjustment", []))
        # Before any offer, re-prioritising on the client's "no" ("le bruit, ce n'est pas le plus urgent" ->
        # "concentrons-nous sur les pannes") or dropping a point is a change of course too; other cues
        # there ("dans ce cas…") just go on with the discovery.
        early = frozenset(cfg.get("adjustment_before_offer_cues", ()))
        refused = any(w in _NEGATION for s in prev_client for w in s.words) or any(
            a.turn == prev_client[0].turn and a.label in ("objection", "discomfort_signal") for a in st.acts
        )
        early_ok = refused and any(x[0] in early for s in ss for x in s.cues.get("adjustment", []))
        # "Je sens que vous êtes prête à vous décider" in a turn that asks for the decision, acknowledges a
        # buying signal or makes a gift takes note of the signal: no change of course (settings.yaml).
        closing = frozenset(cfg.get("adjustment_not_in_closing_turn", ()))
        # Round 16 (mood): "je vois que" is a cue of both; it notices a buying signal only after the client
        # showed one ("je vois que ça vous plaît"). After a reservation ("je vois que l'application ne vous
        # emballe pas. Si vous préférez, …") it names the reaction the seller adjusts to
        # (settings.yaml adjustment_ack_needs_buying_signal).
        ack_needs_signal = cfg.get("adjustment_ack_needs_buying_signal", False)
        signalled = any(a.turn == prev_client[0].turn and a.label == "buying_signal" for a in st.acts)
        concludes = bool(closing) and (
            _has_label(st, ti, "closing_question")
            or (
                any(s.cue("buying_signal_ack") is not None for s in ss)
                and (signalled or not ack_needs_signal)
            )
            or any(x[0] == "geste" for s in ss for x in s.cues.get("concession", []))
        )
        # A question about the offer (buying signal: "il tombe à combien ?") is no satisfaction: it does not
        # rule out another option the seller puts forward instead (settings.yaml).
        if pleased and dropped and cfg.get("adjustment_drop_ignores_buying_signal", False):
            pleased = any(
                a.turn == prev_client[0].turn and a.label in ("doubt_resolved", "agreement") for a in st.acts
            )
        # "Je m'emballe", "je suis allé trop vite": the seller changes pace in answer to the client by saying
        # so, whatever the client's turn shows (settings.yaml adjustment_self_correction_cues).
        selfc = frozenset(cfg.get("adjustment_self_correction_cues", ()))
        self_said = any(x[0] in selfc for s in ss for x in s.cues.get("adjustment", []))
        # Round 18 (mood): "pardon, je me suis mal exprimé", "pardon, je veux dire les seniors": the seller
        # says again what he meant, he does not change course; an apology there is no adjustment by itself
        # (settings.yaml adjustment_clarification_phrases drop the adjustment_after_discomfort_only cues).
        clarify = tuple(cfg.get("adjustment_clarification_phrases", ()) or ())
        gate = (reacted or dropped) and not pleased and (st.offer_made or uneasy or early_ok)
        question_cues = frozenset(cfg.get("adjustment_question_cues", ()) or ())
        if gate or self_said:
            for s in ss:
                cues = [x for x in s.cues.get("adjustment", []) if uneasy or x[0] not in after_unease]
                if clarify and _says(s.words, clarify):
                    cues = [x for x in cues if x[0] not in after_unease]
                if concludes:
                    cues = [x for x in cues if x[0] not in closing]
                if not gate:
                    cues = [x for x in cues if x[0] in selfc]
                if not reacted and gate:
                    cues = [x for x in cues if x[0] in drop or x[0] in selfc]
                if not (st.offer_made or uneasy) and gate:
                    cues = [x for x in cues if x[0] in early or x[0] in selfc]
                # A bare apology ("Ah oui, pardon.") changes nothing by itself (settings.yaml).
                short = s.n_words < int(cfg.get("adjustment_min_words", 0))
                # Round 23 (adjust): "laissons le COP de côté et regardons plutôt vos factures : vous avez celles
                # de la cuve ?", "alors concentrons-nous sur les pannes ?": another way announced as such is a
                # change of course even in a sentence typed as a question (settings.yaml
                # adjustment_question_cues); other cues there ("plutôt qu'investir, c'est ça ?") restate.
                asked = bool(s.form) and not any(x[0] in question_cues for x in cues)
                if cues and s.cue("adjustment") is not None and not asked and not short:
                    _add(st, "adjustment", s, cues[0][0], 0.5)
                    break

    # Concessions, justified when a counterpart is asked in this turn (the next turn is checked later).
    # A gift the seller makes in the first person ("je vous l'offre", "je m'aligne") right after the
    # client asked for something or named a figure is haggling, even where no objection was seen.
    haggled = cfg.get("concession_after_client_demand", False) and (
        st.offer_made
        or (
            bool(prev_client)
            and any("?" in x.text or any(t[2] == "NUM" for t in x.toks) for x in prev_client)
        )
    )
    for s in ss:
        gift = [x for x in s.cues.get("concession", []) if x[0] == "geste"]
        if not gift:
            free = _free_gift(s, cfg)
            gift = [free] if free is not None else []
        if s.cue("agreement_summary") is not None or not (
            st.objections
            or st.closing_asked
            or st.share(ti) > 0.5
            or (haggled and any(_first_person_gift(s, x, cfg) for x in gift))
        ):
            continue  # a summary restates terms already given; a gift comes in negotiation
        if not gift:
            continue
        # "Avec la remise et la hotte offerte, c'est une bonne affaire", "le premier mois offert, c'est jusqu'à
        # samedi": a gift named without a giver recalls one already made or describes the offer; the seller
        # who gives says so ("je vous offre", "on vous fait") (settings.yaml concession_giver_words).
        givers = frozenset(str(x) for x in cfg.get("concession_giver_words", ()))
        if givers and not givers & set(s.words):
            continue
        if cfg.get("concession_before_agreement_only", False) and st.agreement_turn is not None:
            # Round 15b (ans): a gift for a commitment asked in return ("si vous signez avant la fin du mois, je
            # vous offre la pose") still negotiates the signature (settings.yaml
            # concession_after_agreement_if_justified).
            bargained = cfg.get("concession_after_agreement_if_justified", False) and any(
                x[0] == "contrepartie" for t in ss for x in t.cues.get("concession", [])
            )
            if not bargained:
                continue  # after the deal, a gift restates the terms or is an after-sale service
        if any(a.sent == s.index and a.label.endswith("reformulation") for a in st.acts):
            continue  # "vous vous dites que si la coopé le fait gratuitement…" restates the client
        if _negated_near(s, gift[0], frozenset(cfg.get("concession_additive_plus", ()))):
            continue
        justified = any(x[0] == "contrepartie" for t in ss for x in t.cues.get("concession", []))
        _add(st, "concession", s, gift[0][0], 0.6, attributes={"justified": justified})
        second = _second_gift(s, gift[0], cfg)
        if second is not None and sum(1 for a in st.acts if a.turn == ti and a.label == "concession") < int(
            cfg.get("max_concessions_per_turn", 1)
        ):
            _add(st, "concession", s, second[0], 0.6, attributes={"justified": justified}, span=second[1])
        # "Je vous la fais à cent soixante-dix. Et je vous rajoute un paquet de merguez": two gifts,
        # each in its own sentence (settings.yaml max_concessions_per_turn).
        if sum(1 for a in st.acts if a.turn == ti and a.label == "concession") >= int(
            cfg.get("max_concessions_per_turn", 1)
        ):
            break
    # A counterpart asked now justifies the previous candidate turn's concession. Round 16 (mood): only
    # that turn's (settings.yaml concession_counterpart_previous_turn_only): "si vous signez aujourd'hui"
    # ten turns after a discount asks for the signature, it does not buy back the gift made long before.
    recent_only = bool(cfg.get("concession_counterpart_previous_turn_only", False))
    if any(x[0] == "contrepartie" for t in ss for x in t.cues.get("concession", [])):
        for a in reversed(st.acts):
            if a.label == "concession" and a.turn < ti:
                if not recent_only or (prev_client and a.turn >= prev_client[0].turn - 1):
                    a.attributes["justified"] = True
                break
            if a.label == "concession":
                break

    # The seller names the client's readiness ("je sens que vous êtes prête à vous décider", "je note que vous
    # vous projetez", "je sens que le projet prend forme pour vous"): the client's previous turn showed an
    # intent to buy, even in words the classifier missed (a practical question, a bargain): the signal is
    # revealed by the seller's reaction, and the remark acknowledges it just below.
    if prev_client and not _has_label(st, prev_client[0].turn, "buying_signal"):
        noticed = next((s for s in ss if _names_readiness(s, cfg)), None)
        if noticed is not None:
            target = max(prev_client, key=lambda x: (x.probs.get("buying_signal", 0.0), x.n_words))
            a = _add(st, "buying_signal", target, "revealed_by_ack", 0.5)
            st.buying_signals.append((a, prev_client[0].turn))

    # Buying-signal acknowledgement: next candidate turn after a signal.
    if st.buying_signals and prev_client:
        a_idx, sig_turn = st.buying_signals[-1]
        if sig_turn == prev_client[0].turn:
            moved = any(a.turn == ti and a.label in ("closing_question", "next_step") for a in st.acts)
            # A mere favourable answer ("bien sûr", "c'est possible") notices the signal only with a move to close.
            answer = frozenset(cfg.get("buying_ack_answer_cues", ()))
            c = next(
                (
                    (s, x)
                    for s in ss
                    if s.cue("buying_signal_ack") is not None
                    for x in s.cues["buying_signal_ack"]
                    if moved or x[0] not in answer
                ),
                None,
            )
            target = c[0] if c else (next((s for s in ss if s.cue("closing_question")), None))
            if c is not None or moved or target is not None:
                s = target or ss[0]
                _add(st, "buying_signal_ack", s, c[1][0] if c else "move_to_close", 0.55, links=[a_idx])
                st.buying_signals.pop()

    # Next steps (to close) and follow-up actions (after sale); personalised details.
    for k_s, s in enumerate(ss):
        act_cue = s.cue("next_step")
        if act_cue is None:
            continue
        kinds = {x[1] for x in s.cues["next_step"]}
        terms = _deal_term_cues(s, cfg)
        acting = [x for x in s.cues["next_step"] if x not in terms]
        has_action = any(x[0] in ("action", "document", "proposition") for x in acting)
        has_strong = any(x[0] in ("action", "document") for x in acting)
        # Round 16 (close). Answering an objection, "on a un créneau la semaine du deux juin", "visite technique
        # cette semaine, pose dans les dix jours" describe the offer: no verb of the seller proposes the step.
        if (
            has_action
            and _names_only_step_nouns(acting, cfg)
            and any(a.sent == s.index and a.label == "objection_response" for a in st.acts)
        ):
            has_action = has_strong = False
        if not has_action and k_s > 0 and cfg.get("next_step_date_after_action", False):
            # Round 15 (cand). The action said, its precise date follows in the next sentence ("on vient faire
            # une démonstration sur vos parcelles. Jeudi 12 à neuf heures, ça vous irait ?").
            before = ss[k_s - 1]
            lead = [
                x[0]
                for x in before.cues.get("next_step", [])
                if x[0] in ("action", "document", "proposition")
            ]
            if (
                lead
                and before.cue("next_step") is not None
                and not any(a.sent == before.index and a.label == "next_step" for a in st.acts)
                and _precise_date(s)
                # "Et si la commande est signée avant le 30 avril, …": a deadline set as a condition.
                and not _opens_with(s, ("si", "et si", "s'il", "et s'il"))
            ):
                has_action, has_strong = True, any(x in ("action", "document") for x in lead)
        if not has_action and _holds_the_goods(s, cfg):
            has_action = has_strong = True
        if not has_action:
            continue
        # Sending or bringing the contract, quote or proposal closes the sale: a next step even
        # after the agreement ("je vous envoie le contrat demain matin").
        document = any(x[0] == "document" for x in s.cues["next_step"])
        # The first dated action proposed once the decision was asked for (or given) is the step that
        # closes the sale (installation, visit, delivery), even late in the talk; later ones are follow-up.
        after_markers = frozenset(cfg.get("followup_after_sale_markers", ()))
        first_step = (
            cfg.get("next_step_first_after_close", False)
            and (st.closing_asked or st.agreement_turn is not None)
            and not any(x[4] in after_markers for x in s.cues.get("followup_action", []))
            and not any(a.label == "next_step" for a in st.acts)
            and not any(a.label == "followup_action" for a in st.acts)
        )
        # Round 18. In the last turns with nothing agreed yet, a dated step the seller proposes ("je vous
        # propose une démonstration jeudi à dix heures") is the step that closes, not an after-sale action:
        # nothing was sold to follow up (settings.yaml next_step_proposed_before_agreement).
        proposed = (
            cfg.get("next_step_proposed_before_agreement", False)
            and st.agreement_turn is None
            and "date" in kinds
            and any(x[0] == "proposition" for x in acting)
        )
        if (
            after_sale
            and s.hit("followup_action") is not None
            and not document
            and not first_step
            and not proposed
        ):
            continue
        # A summary restates the terms and a gift is not the action proposed; a recap that fixes the
        # dated visit or delivery ("visite technique jeudi à neuf heures") does set the step when none was
        # proposed before (settings.yaml next_step_in_summary: true, or "if_none").
        in_summary = cfg.get("next_step_in_summary", False)
        if in_summary == "if_none" and any(a.label == "next_step" for a in st.acts):
            in_summary = False
        skip = ("concession",) if in_summary else ("agreement_summary", "concession")
        if any(a.sent == s.index and a.label in skip for a in st.acts):
            continue
        # In a closing question, "aujourd'hui", "maintenant", "en novembre" time the decision ("on signe
        # aujourd'hui ?"): the question schedules a step only with a precise day or hour.
        vague = frozenset(cfg.get("next_step_vague_dates_in_closing", ()))
        if (
            vague
            and any(a.sent == s.index and a.label == "closing_question" for a in st.acts)
            and all(x[4].lower() in vague for x in s.cues["next_step"] if x[1] == "date")
        ):
            continue
        if _closing_asks_decision(st, s, cfg):
            continue
        n_steps = sum(1 for a in st.acts if a.turn == ti and a.label == "next_step")
        # A visit, a delivery or an installation the candidate describes while presenting the offer
        # ("on livre le samedi") is proposed as the next step only once the decision was asked for.
        if not has_strong and not (st.closing_asked or st.agreement_turn is not None):
            continue
        if _answers_timing_question(s, prev_client, cfg):
            continue
        if _dates_only_in_condition(s, cfg):
            continue
        if (
            "date" in kinds
            and n_steps < int(cfg.get("max_next_steps_per_turn", 1))
            and (st.closing_asked or st.share(ti) > 0.5)
        ):
            _add(st, "next_step", s, "action_date", 0.6)
    _drop_summary_step_beside_action(st, ti, cfg)
    if after_sale:
        n_follow = 0
        max_follow = int(cfg.get("max_followups_per_turn", 2))
        # Round 22 (close). In the last turns of a talk where the client agreed to nothing, "je vous rappelle la
        # semaine prochaine pour voir où vous en êtes", "je vous envoie le devis", "on se rappelle" chase a
        # decision still to come: nothing was sold or accepted to follow up (settings.yaml
        # followup_needs_agreement). A demo or a trial the client accepted is an agreement: its plan stays.
        agreed_labels = frozenset(str(x) for x in cfg.get("followup_agreement_labels", ("agreement",)))
        if cfg.get("followup_needs_agreement", False) and not any(a.label in agreed_labels for a in st.acts):
            max_follow = 0
        for s in ss:
            c = s.hit("followup_action")
            if any(a.sent == s.index and a.label == "next_step" for a in st.acts):
                continue  # the contract or quote sent to close is the next step, not an after-sale action
            # A feedback question is not an action, but a call announced "pour savoir comment ça se
            # passe" is one (settings.yaml followup_feedback_skip_questions_only).
            if (
                c is not None
                and s.cue("feedback_question") is not None
                and (s.form is not None or not cfg.get("followup_feedback_skip_questions_only", False))
            ):
                continue
            if c is not None and n_follow < max_follow and s.form != "open":
                # A plan often chains its actions in one sentence ("je viens faire le réglage, et je
                # repasse au premier traitement"): one act per coordinated clause that names one.
                for span in _action_clauses(s, "followup_action", cfg)[: max_follow - n_follow]:
                    _add(st, "followup_action", s, c[0], 0.6, span=span)
                    n_follow += 1
        # A personalised detail sits inside the follow-up plan: a turn that proposes an after-sale action.
        follow_turn = any(a.turn == ti and a.label == "followup_action" for a in st.acts)
        # "Début octobre, …", "le jour de la pose": a date the client named times the plan; it is
        # not a detail of the client's life taken up (settings.yaml detail_ignored_lemmas).
        time_words = frozenset(str(x) for x in cfg.get("detail_ignored_lemmas", ()))
        # Round 19 (detail). The nouns of locating phrases ("au bout d'un mois", "pour la suite", "le
        # lendemain", "en milieu d'essai") place the plan in time or in the talk; the client saying them
        # first does not make them a detail of the client's life (settings.yaml detail_locator_lemmas).
        time_words |= frozenset(str(x) for x in cfg.get("detail_locator_lemmas", ()))
        # The sale's own paperwork and service steps ("le devis", "un SMS", "l'entretien") are not a
        # detail of the client's life, even when the client named them first, unless they are the
        # client's own ("votre facture") (detail_process_lemmas).
        process = frozenset(str(x) for x in cfg.get("detail_process_lemmas", ()))
        # Round 15b (needs): words that are no detail of the client's life whoever says them: a stage
        # direction ("(rires)" -> "rire") or the noun of a set phrase ("d'accord" -> "accord").
        never = frozenset(str(x) for x in cfg.get("detail_never_lemmas", ()))
        busy = {
            a.sent
            for a in st.acts
            if a.turn == ti and a.label in ("agreement_summary", "concession", "rapport")
        }
        for s in ss:
            if s.form == "open" or not follow_turn or s.index in busy:
                continue
            # … unless it is the client's own ("votre soirée du dimanche").
            owned = {
                s.toks[k + 1][1] for k in range(len(s.toks) - 1) if s.toks[k][0].lower() in ("votre", "vos")
            }
            heads = _owned_heads(s, cfg)
            # The client's words in the sentence (round 23, details: even those the seller also said, for the
            # checks a plan chains, "… si la petite a goûté les carottes, et si les frites ont eu du succès");
            # reused: those the seller had not said himself, unless the client owns them.
            said = {
                n
                for n in s.nouns
                if n in st.client_nouns
                and n not in generic
                and n not in never
                and (n not in process or n in owned)
                and (n not in time_words or n in owned)
            }
            reused = {n for n in said if n not in st.candidate_nouns or n in heads}
            reused -= _sent_item_nouns(s, owned, cfg)
            c = s.cue("personalized_detail")
            if reused and (c is not None or s.second_person or _names_client_world(s, reused, cfg)):
                n_max = int(cfg.get("max_personalized_per_turn", 2))
                # Details taken up in separate parts of the sentence ("avec le calcul sur vos pointes de
                # parcelle, pis une page pour Bernard") are separate details.
                for span in _detail_segments(s, reused, cfg, said):
                    _add(st, "personalized_detail", s, "client_detail_reused", 0.5, span=span)
                    n_detail = sum(1 for a in st.acts if a.turn == ti and a.label == "personalized_detail")
                    if n_detail >= n_max:
                        break
                if n_detail >= n_max:
                    break
        _drop_personal_plan_steps(st, ti, ss, cfg)
    _drop_examples_in_plan_steps(st, ti)
    for s in ss:
        st.candidate_nouns.update(n for n in s.nouns if n not in generic and n not in st.client_nouns)


# --------------------------------------------------------------------------- helpers


def _drop_examples_in_plan_steps(st: _State, ti: int) -> None:
    """Round 22 (examples). A sentence of the turn that the rules also read as the next step or an after-sale
    action ("Je rappelle Nadia fin janvier, après la première paie…", "Je prends votre nom, et votre premier
    panier sera à la boulangerie Lemaire mercredi 12", "Ensuite, le 6 janvier, je suis au dépôt pour former
    les chauffeurs") tells the seller's plan with its dates and names, not an illustration of an argument:
    its concrete example is dropped at the end of the walk (settings.yaml ``example_not_in_plan_step``;
    those labels are decided after the examples in the turn, hence the late drop; CV: five such examples of
    five authors, none in the gold)."""
    if not st.settings.get("example_not_in_plan_step", False):
        return
    plan = {a.sent for a in st.acts if a.turn == ti and a.label in ("next_step", "followup_action")}
    if plan:
        st.dropped_at_end.update(
            i
            for i, a in enumerate(st.acts)
            if a.turn == ti and a.label == "concrete_example" and a.sent in plan
        )


def _reservation_revealed(
    st: _State,
    ti: int,
    ss: Sequence[Sent],
    questions: Sequence[Sent],
    prev_client: Sequence[Sent],
    open_obj: _Objection | None,
) -> _Objection | None:
    """Round 14 (obj). The seller's reaction tells that the client's previous turn was a reservation, whatever
    its wording ("Vingt-quatre mille euros. Pour de l'air." -> "Vous trouvez que c'est beaucoup…"; "mes gars
    vont le prendre comme un désaveu" -> "qu'est-ce qui vous fait penser ça ?"): a restatement with a marker
    that only restates a reservation ("vous craignez", "vous avez peur que", settings.yaml
    reservation_only_markers), or a question that digs for the cause of a worry (settings.yaml
    probe_reveals_objection_phrases), or a turn that opens by contradicting the client (settings.yaml
    rebuttal_openers: "Non, non, ça se passe très bien") when the classifier reads a reservation there too
    (rebuttal_reveals_min_p). That client turn gets the objection (the restatement and the probe then link to
    it, not to an older reservation: a restatement follows the objection it restates). A digging question or a
    rebuttal reveals one only when no objection is open or the open one has had its answer, and not when the
    client was answering the seller's probe or restatement of it."""
    cfg = st.settings
    if not cfg.get("reaction_reveals_objection", False) or not prev_client:
        return None
    # Round 15 (obj): after the client's yes, the seller's reaction may still show that the client took it back
    # (the agreement is provisional): the sale reopens on that reservation (settings.yaml
    # agreement_reopened_by_reaction).
    if st.agreement_turn is not None and not (
        cfg.get("agreement_reopened_by_reaction", False)
        and prev_client[0].turn > st.agreement_turn
        and _provisional(st, st.agreement_turn)
    ):
        return None
    if any(a.turn == prev_client[0].turn and a.label == "objection" for a in st.acts):
        return None
    if st.share(ti) < float(cfg.get("objection_min_turn_share", 0.12)):
        return None
    if not st.offer_made and cfg.get("objection_after_offer", True):
        return None
    # A restatement is said, or asked for confirmation ("…, c'est ça ?"); "vous aviez prévu combien ?" asks. It
    # opens the seller's turn (after an acknowledgement at most): "Mais je vois que le contrat vous paraît un gros
    # pas" after the seller's own answer sums up, it does not take up what the client just said.
    lead = int(cfg.get("reaction_restate_max_words_before", 1000))
    said = [sum(x.n_words for x in ss[:k]) for k in range(len(ss))]
    restating = [
        s
        for k, s in enumerate(ss)
        if s.second_person
        and s.form != "open"
        and s.cue("objection_reformulation") is not None
        and said[k] <= lead
    ]
    restates = any(
        any(x[4] in st.reservation_only for x in s.cues["objection_reformulation"]) for s in restating
    )
    digging = tuple(str(x) for x in cfg.get("probe_reveals_objection_phrases", ()))
    digs = any(
        "objection_probe" not in s.negatives and any(p in f" {s.text} " for p in digging) for s in questions
    )
    # The client who answers the seller's restatement or probe of the open reservation details it: the next
    # question digs into the same one.
    answering = open_obj is not None and any(
        a.turn < prev_client[0].turn
        and a.turn >= prev_client[0].turn - 1
        and a.label in ("objection_probe", "objection_reformulation")
        for a in st.acts
    )
    fresh = not answering and (open_obj is None or open_obj.responded_turn is not None)
    # A turn that opens by contradicting the client ("Non, non, ça se passe très bien", "Ah mais sur internet,
    # vous savez…") answers a reservation, when the classifier reads one there too (a plain question of the
    # client gets the same "non"): rebuttal_reveals_min_p.
    rebut_p = float(cfg.get("rebuttal_reveals_min_p", 1.1))
    rebuts = fresh and bool(ss) and _opens_with(ss[0], cfg.get("rebuttal_openers", ()))
    if not restates and not (digs and fresh) and not rebuts:
        return None
    # The sentence the seller takes up: not one that confirms, takes a doubt back or asks to buy.
    pool = [
        x
        for x in prev_client
        if not any(k in x.cues for k in ("agreement", "buying_signal", "doubt_resolved"))
    ]
    target = max(pool, key=lambda x: (x.probs.get("objection", 0.0), x.n_words), default=None)
    if target is None or target.probs.get("objection", 1.0) < float(cfg.get("reaction_reveals_min_p", 0.0)):
        return None
    if target.n_words < int(cfg.get("reaction_reveals_min_words", 0)):
        return None  # "Hm." lets the seller go on: what is restated was said before
    if not restates and not (digs and fresh) and target.probs.get("objection", 1.0) < rebut_p:
        return None  # a rebuttal alone: the classifier must read a reservation too
    kind = next((x[1] for x in target.cues.get("objection", []) if x[1]), None) or "other"
    how = (
        "revealed_by_restatement"
        if restates
        else "revealed_by_probe"
        if digs and fresh
        else "revealed_by_rebuttal"
    )
    pending_yes = _pending_yes(st)
    if (
        pending_yes is not None
        and prev_client[0].turn > pending_yes
        and cfg.get("agreement_reopened_by_reaction")
    ):
        _reopen_sale(st, pending_yes)
    a = _add(st, "objection", target, f"rule:objection/{how}", 0.5, attributes={"kind": kind})
    obj = _Objection(act=a, turn=target.turn, sent=target)
    st.objections.append(obj)
    return obj


def _firm_reservation(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 15 (obj). The sentence voices a reservation firm enough to take back a yes: an objection cue of a
    strong family (not the hedges of the ``autre`` family: "oui mais", "je sais pas si") that the classifier
    confirms (objection_cue_min_p as in the objection step), a documented convention ("je vais réfléchir"), or
    the classifier alone when very sure. Not relief, not a reservation conceded after "mais" ("il faut que j'en
    parle à mon DG, mais pour moi c'est oui"), not a bare haggling demand."""
    convention = _says(s.words, cfg.get("objection_without_model", ()))
    c = s.hit("objection")
    if c is None and convention:
        c = s.cue("objection")
    if c is None:
        return False
    if any(x[0] == "rassure" for x in s.cues.get("doubt_resolved", [])):
        return False
    if _accepted_after_but(s, c[2], cfg.get("objection_conceded_by", ())):
        return False
    if c[0] == "model":
        return s.form != "open"
    cues = s.cues.get("objection", [])
    cue_min_p = cfg.get("objection_cue_min_p") or {}
    p = s.probs.get("objection")
    if not convention and p is not None:
        cues = [x for x in cues if p >= float(cue_min_p.get(x[0], 0.0))]
    return any(x[0] != "autre" for x in cues)


def _provisional(st: _State, turn: int) -> bool:
    """Round 15 (obj). A yes given at ``turn`` is still provisional: said before this share of the talk
    (settings.yaml agreement_provisional_max_share), while the offer is still being discussed. In the corpora the
    client's agreement to the sale comes late (never before 70 % of the talk); an earlier yes accepts a trial, a
    visit or a proposal, and the reservations are still to come."""
    return st.share(turn) < float(st.settings.get("agreement_provisional_max_share", 1.0))


def _pending_yes(st: _State) -> int | None:
    """Round 15 (obj). The turn of the client's provisional yes still standing, if any."""
    if st.provisional_turn is not None:
        return st.provisional_turn
    if st.agreement_turn is not None and _provisional(st, st.agreement_turn):
        return st.agreement_turn
    return None


def _agree_at(st: _State, ti: int) -> None:
    """The client agrees at ``ti`` (after a request for the decision). Round 15 (obj): with settings.yaml
    agreement_provisional_open, a provisional yes does not close the sale (the offer, the objections, the
    arguments are still looked for); a later yes past the provisional part does. With
    agreement_reopened_by_reservation, a yes past the provisional part confirms a provisional one."""
    cfg = st.settings
    if cfg.get("agreement_provisional_open", False) and _provisional(st, ti):
        if st.agreement_turn is None and st.provisional_turn is None:
            st.provisional_turn = ti
        return
    if st.agreement_turn is None:
        st.agreement_turn = ti
    elif (
        cfg.get("agreement_reopened_by_reservation", False)
        and _provisional(st, st.agreement_turn)
        and not _provisional(st, ti)
    ):
        st.agreement_turn = ti
    st.provisional_turn = None


def _reopen_sale(st: _State, since: int) -> None:
    """Round 15 (obj). The client's yes from turn ``since`` on was provisional: those agreements are withdrawn
    (renamed so that the walk no longer reads them, dropped at the end) and the sale is open again."""
    for i, a in enumerate(st.acts):
        if a.label == "agreement" and a.turn >= since and _provisional(st, a.turn):
            a.label = "agreement_withdrawn"
            st.dropped_at_end.add(i)
    if st.agreement_turn is not None and _provisional(st, st.agreement_turn):
        st.agreement_turn = None
    st.provisional_turn = None


def _opens_with(s: Sent, openers: Any) -> bool:
    """The sentence opens (after a stage direction such as "(rires)" and punctuation) with one of ``openers``."""
    words = [t[0] for t in s.toks[_stage_direction_end(s) :] if t[2] != "PUNCT" and t[0].strip()]
    # spaCy splits elisions ("s'" "il"): glued back so that an opener such as "s'il" can match.
    text = _glued(words[:3])
    return any(text == o or text.startswith(f"{o} ") for o in openers)


def _thanks_for_recap(
    ss: Sequence[Sent], prev_cand: Sequence[Sent], prev_question: bool, st: _State, cfg: Mapping[str, Any]
) -> bool:
    """Round 22 (close). After the seller's recap of the deal that asks nothing ("je récapitule : …, je vous
    envoie le contrat cette semaine."), "Parfait, merci." / "C'est parfait. Je vous remercie pour votre
    patience" / "Le 18, c'est noté. Merci mademoiselle" closes the talk politely: the thanks make the short
    "parfait" a courtesy, not a new agreement (the deal was agreed before the recap). A recap that ends on a
    question ("c'est bien ça ?") is still answered by an agreement. The thanks words are settings.yaml
    ``agreement_recap_thanks``."""
    thanks = frozenset(str(x).lower() for x in cfg.get("agreement_recap_thanks", ()))
    if not thanks or not prev_cand or prev_question:
        return False
    if not _has_label(st, prev_cand[0].turn, "agreement_summary"):
        return False
    if not any(a.label == "agreement" for a in st.acts):
        return False  # no agreement heard yet: the acceptance of the recap may be the only one
    return any(thanks & (set(s.words) | set(s.lemmas)) for s in ss)


def _dates_only_in_condition(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 22 (close). Every date of the sentence sits inside its "si" clause ("si vous signez aujourd'hui, je
    peux vous caler assez vite", "je peux le décaler de trois mois, si vous signez avant la fin du mois, pour …"):
    the date is the deadline of the decision the seller asks for, a condition of the offer, not the day of a
    step; "si vous validez, je vous réserve la date du 27 mai" keeps its step (the date is in the main clause).
    The clause runs from a conditional conjunction (settings.yaml ``next_step_condition_openers``) followed by
    a subject to the next comma, colon or semicolon."""
    openers = frozenset(str(x).lower() for x in cfg.get("next_step_condition_openers", ()))
    subjects = frozenset(str(x).lower() for x in cfg.get("next_step_condition_subjects", ()))
    dates = [x for x in s.cues.get("next_step", []) if x[1] == "date"]
    if not openers or not dates:
        return False
    spans = []
    toks = s.toks
    for i, t in enumerate(toks):
        if t[0] not in openers or i + 1 >= len(toks) or toks[i + 1][0] not in subjects:
            continue
        j = next((k for k in range(i + 1, len(toks)) if toks[k][0] in (",", ":", ";")), len(toks))
        spans.append((s.tok_start + i, s.tok_start + j))
    return bool(spans) and all(any(a <= x[2] and x[3] <= b for a, b in spans) for x in dates)


def _drop_summary_step_beside_action(st: _State, ti: int, cfg: Mapping[str, Any]) -> None:
    """Round 22 (close). A recap that restates the agreed date ("je récapitule : …, pose un lundi de février")
    and, in the same turn, the sentence that does the step ("je vous envoie le bon de commande demain matin")
    make one next step: the action's, not the recap's (settings.yaml ``next_step_summary_yields_to_action``)."""
    if not cfg.get("next_step_summary_yields_to_action", False):
        return
    summary = {a.sent for a in st.acts if a.turn == ti and a.label == "agreement_summary"}
    steps = [
        (k, a)
        for k, a in enumerate(st.acts)
        if a.turn == ti and a.label == "next_step" and k not in st.dropped_at_end
    ]
    if not summary or not any(a.sent not in summary for _, a in steps):
        return
    st.dropped_at_end.update(k for k, a in steps if a.sent in summary)


def _drop_personal_plan_steps(st: _State, ti: int, ss: Sequence[Sent], cfg: Mapping[str, Any]) -> None:
    """Round 16 (close). After the sale, once its step was set in an earlier turn, a dated action of the plan
    that takes up the client's own details ("mi-novembre, on prépare ensemble le dossier chiffré pour votre
    comité", "je passe au cabinet à la fin des quinze jours d'essai pour recueillir l'avis de vos associés")
    is the after-sale follow-up, not a new next step; sending the contract or the quote
    (settings.yaml ``next_step_sale_documents``) still closes the sale. Such steps are dropped at the end."""
    if not cfg.get("next_step_personal_plan_is_followup", False):
        return
    if not any(a.label == "next_step" and a.turn < ti for a in st.acts):
        return
    docs = tuple(str(x).lower() for x in cfg.get("next_step_sale_documents", ()))
    by_index = {s.index: s for s in ss}
    detailed = {a.sent for a in st.acts if a.turn == ti and a.label == "personalized_detail"}
    for k, a in enumerate(st.acts):
        if a.turn != ti or a.label != "next_step" or a.sent not in detailed:
            continue
        s = by_index.get(a.sent)
        sale = s is not None and any(
            x[0] == "document" and any(d in x[4].lower() for d in docs) for x in s.cues.get("next_step", [])
        )
        if not sale:
            st.dropped_at_end.add(k)


def _deal_term_cues(s: Sent, cfg: Mapping[str, Any]) -> list[tuple[str, str | None, int, int, str]]:
    """Round 16 (close). Next-step cues that name a term of the deal, not an action proposed: a step noun
    (settings.yaml ``next_step_term_nouns``: "signature", "mise en service") inside a condition or a deadline
    ("offerte si signature avant fin mai", "contre signature", "dans l'heure qui suit la signature",
    "signature avant le 30"), or any step noun given as a gift or included ("mise en service offerte", "visite
    comprise"). The offer's conditions restate the deal; they schedule nothing."""
    nouns = frozenset(str(x).lower() for x in cfg.get("next_step_term_nouns", ()))
    step_nouns = frozenset(str(x).lower() for x in cfg.get("next_step_noun_cues", ()))
    before = frozenset(str(x).lower() for x in cfg.get("next_step_term_preceders", ()))
    after = frozenset(str(x).lower() for x in cfg.get("next_step_term_followers", ()))
    gifts = tuple(str(x).lower() for x in cfg.get("next_step_gift_followers", ()))
    out = []
    for x in s.cues.get("next_step", []):
        text = x[4].lower()
        if x[0] != "action" or text not in step_nouns | nouns:
            continue
        i, j = x[2] - s.tok_start, x[3] - s.tok_start
        prev = {t[0] for t in s.toks[max(0, i - 2) : i]}
        nxt = s.toks[j][0] if 0 <= j < len(s.toks) else ""
        if nxt.startswith(gifts) or (text in nouns and (prev & before or nxt in after)):
            out.append(x)
    return out


def _names_only_step_nouns(
    cues: Sequence[tuple[str, str | None, int, int, str]], cfg: Mapping[str, Any]
) -> bool:
    """Round 16 (close). Every action cue left is a bare step noun ("visite", "un créneau"), no verb of the
    seller proposing it ("je vous propose", "on passe", "je vous envoie")."""
    step_nouns = frozenset(str(x).lower() for x in cfg.get("next_step_noun_cues", ()))
    acting = [x for x in cues if x[0] in ("action", "document", "proposition")]
    return (
        bool(step_nouns)
        and bool(acting)
        and all(x[0] == "action" and x[4].lower() in step_nouns for x in acting)
    )


def _precise_date(s: Sent) -> bool:
    """A date cue of the sentence holds or is followed by a number ("le 12", "14 h", "jeudi 12 à neuf heures")."""

    def numeric(k: int) -> bool:
        t = s.toks[k] if 0 <= k < len(s.toks) else None
        return t is not None and (t[2] == "NUM" or any(ch.isdigit() for ch in t[0]))

    return any(
        any(numeric(k) for k in range(x[2] - s.tok_start, x[3] - s.tok_start + 3))
        for x in s.cues.get("next_step", [])
        if x[1] == "date"
    )


def _answers_timing_question(s: Sent, prev_client: Sequence[Sent], cfg: Mapping[str, Any]) -> bool:
    """Round 15 (cand). The seller says yes to the client's question about timing ("vous pourriez démarrer
    dès la rentrée ?" -> "Oui, on peut poser les capteurs la première semaine de septembre"): the answer
    informs; it proposes the step only with a precise day or hour ("Oui, on peut démarrer le lundi 2 juin").
    The sentence opens with one of ``next_step_answer_openers`` (settings.yaml) after a client question, no
    action of it is the seller's own for the client ("je vous …"), and no date cue of it holds or is followed
    by a number."""
    openers = cfg.get("next_step_answer_openers", ())
    if not openers or not prev_client or not _opens_with(s, openers):
        return False
    if not any("?" in x.text or x.form is not None for x in prev_client):
        return False
    # "Bien sûr, je vous inscris tout de suite": the seller acts for the client, which sets the step.
    if any(x[4].lower().startswith(("je vous", "je te")) for x in s.cues.get("next_step", [])):
        return False
    # "le 12", "14 h", "mardi 24", "mercredi prochain, le 12": a number in or right after a date cue.
    return not _precise_date(s)


def _names_readiness(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """The seller says what he notices of the client's readiness to buy: an opener of perception ("je sens
    que", "je vois que", "je constate") then, in the same sentence, a word of readiness ("prête", "projetez",
    "forme", "convient") and no negation after the opener ("je vois que ça ne vous emballe pas")
    (settings.yaml buying_signal_revealed_openers, buying_signal_revealed_words)."""
    openers = [str(o) for o in cfg.get("buying_signal_revealed_openers", ())]
    ready = frozenset(str(w) for w in cfg.get("buying_signal_revealed_words", ()))
    if not openers or not ready:
        return False  # a question may carry it ("je sens que le projet prend forme : on lance la commande ?")
    at = min((k for k in (s.text.find(o) for o in openers) if k >= 0), default=-1)
    if at < 0:
        return False
    after = s.text[at:].replace("'", "' ").split()
    words = [w.strip(",;:") for w in after]
    return bool(ready.intersection(words)) and not any(w in ("ne", "n'", "pas", "plus") for w in words)


def _text_opens_with(s: Sent, phrases: Any) -> bool:
    """The sentence text (normalised, after a stage direction such as "(rires)") opens with one of ``phrases``
    as whole words ("c'est ça." and "c'est ça, oui" do, "c'est çaaa" does not)."""
    text = s.text.strip()
    if text.startswith(("(", "[")):
        text = text[max(text.find(")"), text.find("]")) + 1 :].strip()
    return any(text.startswith(p) and not text[len(p) : len(p) + 1].isalnum() for p in phrases)


def _stage_direction_end(s: Sent) -> int:
    """Index (in ``s.toks``) of the first token after a stage direction that opens the sentence
    ("(rires) Je comprends." -> 3); 0 without one."""
    if s.toks and s.toks[0][0] in ("(", "["):
        return next((k + 1 for k, t in enumerate(s.toks) if t[0] in (")", "]")), 0)
    return 0


def _cue_span(s: Sent, c: tuple[str, str | None, int, int, str]) -> tuple[int, int, int, int]:
    """Token span of a cue (character offsets are recomputed from tokens by the tagger)."""
    return (c[2], c[3], -1, -1)


def _action_clauses(s: Sent, label: str, cfg: Mapping[str, Any]) -> list[tuple[int, int, int, int]]:
    """Token spans of the coordinated clauses of ``s`` that each hold a ``label`` cue.

    Clauses are cut at a coordinator (``action_clause_separators`` of settings.yaml: "et", "puis",
    ";") found between two cues; without one, the sentence is one act (one span, the sentence)."""
    whole = [(s.tok_start, s.tok_end, -1, -1)]
    if not cfg.get("split_coordinated_actions", False) or not s.toks:
        return whole
    seps = frozenset(cfg.get("action_clause_separators", ("et", "puis", ";")))
    cues = sorted({(x[2], x[3]) for x in s.cues.get(label, [])})
    cuts = [s.tok_start]
    prev_end = None
    for a, b in cues:
        if prev_end is not None and a > prev_end:
            between = [
                s.tok_start + k
                for k in range(prev_end - s.tok_start, a - s.tok_start)
                if s.toks[k][0] in seps
            ]
            if between and between[-1] - cuts[-1] >= int(cfg.get("action_clause_min_tokens", 4)):
                cuts.append(between[-1])
        prev_end = b if prev_end is None else max(prev_end, b)
    if len(cuts) == 1:
        return whole
    bounds = [*cuts, s.tok_end]
    return [(bounds[k], bounds[k + 1], -1, -1) for k in range(len(cuts))]


def _date_answers_timing_doubt(st: _State, pending: _Objection | None, cfg: Mapping[str, Any]) -> bool:
    """Round 17b (obj2). When the open reservation is about timing ("je ne peux pas changer d'outil en
    décembre", "je suis coincé jusqu'en septembre"), the date the seller then gives ("on livre configuré en
    janvier", "on démarre le premier septembre") is the answer to it, even when it reads as a proposed step: the
    client's "si vous livrez en janvier, ça me va très bien" / "le préavis ne me gêne plus" takes the timing doubt
    back (doubt_resolved), it does not only accept the step. Kinds: settings.yaml
    ``relief_after_step_objection_kinds``."""
    kinds = frozenset(str(k) for k in cfg.get("relief_after_step_objection_kinds", ()))
    if not kinds or pending is None:
        return False
    return st.acts[pending.act].attributes.get("kind") in kinds


def _agreement_only_takes_doubt_back(st: _State, ti: int, prev_closing: bool, cfg: Mapping[str, Any]) -> bool:
    """Round 17 (close). Without a closing question just before, a yes said in the very sentence that takes an
    objection back ("le samedi, ça, ça me va", "trente jours, bon, ça c'est honnête, ça me va", "février, là oui,
    ça va") accepts the answer to the reservation, not the proposal: the doubt is resolved, the decision is
    still to come. The turn's agreement acts are dropped at the end, like the other ``dropped_at_end`` acts
    (settings.yaml ``agreement_not_in_doubt_sentence``); returns whether they were."""
    if not cfg.get("agreement_not_in_doubt_sentence", False) or prev_closing:
        return False
    agreed = [i for i, a in enumerate(st.acts) if a.turn == ti and a.label == "agreement"]
    doubts = {a.sent for a in st.acts if a.turn == ti and a.label == "doubt_resolved"}
    if not agreed or not all(st.acts[i].sent in doubts for i in agreed):
        return False
    st.dropped_at_end.update(agreed)
    return True


def _closing_asks_decision(st: _State, s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 17 (close). A closing question that asks for the decision itself ("on part sur la formule Pro,
    avec une bascule après le 15 mai ?", "on lance Saint-Herblain le lundi 3 mars ?", "je vous inscris pour
    samedi prochain ?") is the closing question: its date times the decision, and the next step is the one
    booked after the yes. Decision phrases: settings.yaml ``next_step_decision_phrases_in_closing``."""
    phrases = tuple(str(x).lower() for x in cfg.get("next_step_decision_phrases_in_closing", ()))
    if not phrases or not any(a.sent == s.index and a.label == "closing_question" for a in st.acts):
        return False
    return _says([t[0] for t in s.toks], phrases)


def _names_client_world(s: Sent, reused: set[str], cfg: Mapping[str, Any]) -> bool:
    """Round 16 (reform). Inside the follow-up plan, a detail of the client's world may be said in the
    third person, without "vous": a person or a place the client named ("je forme Karim en premier",
    "une recette de gratin, pour Jules", "pour que Nadine soit accompagnée"). A proper noun the client said
    first, taken up in the follow-up, is such a detail (settings.yaml detail_client_names)."""
    mode = str(cfg.get("detail_client_names", "") or "")
    if not mode:
        return False
    if mode == "any":
        return True
    return any(pos == "PROPN" and lem in reused for _t, lem, pos in s.toks)


def _owned_heads(s: Sent, cfg: Mapping[str, Any]) -> set[str]:
    """Round 21 (detail). In the follow-up plan, a noun the seller gives to the client with "votre/vos" ("vos
    nouvelles recrues", "votre Zoé", "vos chefs d'équipe", "votre installation en télétravail") is the client's
    own people; when the client spoke of them too, they are a detail of the client's life taken up, even if the
    seller named them first in the discovery ("vous avez des enfants ?"). Only people (settings.yaml
    detail_owned_people_lemmas) and proper nouns count: "votre plateau", "vos garanties" are the thing sold.
    The head after the possessive, past numbers and adjectives (detail_owned_skip_pos), is returned
    (settings.yaml detail_owned_heads_reused)."""
    if not cfg.get("detail_owned_heads_reused", False):
        return set()
    skip = frozenset(str(x) for x in cfg.get("detail_owned_skip_pos", ("ADJ", "NUM")))
    people = frozenset(str(x) for x in cfg.get("detail_owned_people_lemmas", ()))
    out: set[str] = set()
    for k, (t, _lem, _pos) in enumerate(s.toks):
        if t.lower() not in ("votre", "vos"):
            continue
        j = k + 1
        while j < len(s.toks) and s.toks[j][2] in skip:
            j += 1
        if j < len(s.toks) and (s.toks[j][2] == "PROPN" or s.toks[j][1] in people):
            out.add(s.toks[j][1])
    return out


def _sent_item_nouns(s: Sent, owned: set[str], cfg: Mapping[str, Any]) -> set[str]:
    """Round 20b (detail). "Je vous envoie le récapitulatif par mail", "chaque lundi je vous envoie un SMS
    avec le contenu du panier": the seller sending a document is a routine follow-up, and the client's words
    that name what is sent (or its carrier) are no detail of the client's life. The common nouns of the part
    of the sentence (``_clause_parts``) that holds a first-person sending ("je/nous vous envoie,
    transmets", settings.yaml detail_sending_lemmas, detail_sending_subjects) do not count, unless they also
    occur in another part ("…, pour que vous puissiez le montrer à votre compagne") or are the client's own
    ("un bilan de vos garanties"); proper nouns always count ("l'assurance auto de Léa")."""
    sending = frozenset(str(x) for x in cfg.get("detail_sending_lemmas", ()))
    subjects = frozenset(str(x) for x in cfg.get("detail_sending_subjects", ()))
    if not sending or not s.toks:
        return set()
    inside: set[str] = set()
    outside: set[str] = set()
    for a, b in _clause_parts(s, cfg):
        toks = s.toks[a:b]
        sends = any(
            toks[k][0].lower() == "vous" and toks[k + 1][1] in sending and toks[k - 1][0].lower() in subjects
            for k in range(1, len(toks) - 1)
        )
        nouns = {lem for _t, lem, pos in toks if pos == "NOUN"}
        (inside if sends else outside).update(nouns)
        outside.update(lem for _t, lem, pos in toks if pos == "PROPN")
    return inside - outside - owned


def _clause_parts(s: Sent, cfg: Mapping[str, Any]) -> list[tuple[int, int]]:
    """Local token ranges of the parts of ``s`` cut at ``detail_segment_separators`` (the whole sentence
    when none is set). Round 19 (detail): "et" before a determiner or a proper noun joins two noun phrases,
    one detail; no cut."""
    seps = frozenset(cfg.get("detail_segment_separators", ()))
    if not seps or not s.toks:
        return [(0, len(s.toks))]
    # Round 19 (detail). "et" joining two noun phrases ("Nadine et les deux autres assistantes", "Léo et
    # Jeanne", "la casse et les batteries") names one group or one topic: one detail, not two
    # (settings.yaml detail_np_coordinators, detail_np_next_pos).
    np_coord = frozenset(str(x) for x in cfg.get("detail_np_coordinators", ()))
    np_next = frozenset(str(x) for x in cfg.get("detail_np_next_pos", ()))
    parts: list[tuple[int, int]] = []
    start = 0
    for k, (t, _lem, _pos) in enumerate(s.toks):
        if t in np_coord and k + 1 < len(s.toks) and s.toks[k + 1][2] in np_next:
            continue
        if t in seps and k > start:
            parts.append((start, k))
            start = k + 1
    parts.append((start, len(s.toks)))
    return parts


def _detail_segments(
    s: Sent, reused: set[str], cfg: Mapping[str, Any], said: Set[str] = frozenset()
) -> list[tuple[int, int, int, int] | None]:
    """Spans of the parts of ``s`` (cut at ``detail_segment_separators``) that hold a reused client
    word; the whole sentence (``None``: the sentence's own span) when fewer than two parts do.

    Round 23 (details). A follow-up call or visit often checks several things the client told, one
    indirect question or ``que`` clause each ("je vous appelle pour savoir si monsieur est à l'aise dans sa
    douche, et si tout était prêt pour vos petits-enfants", "vérifier que la maison tient ses vingt degrés et
    que monsieur Faivre dort tranquille"): a part where such a clause (``detail_checked_clause_openers``, a
    subordinating conjunction) names a word the client said (``said``, even if the seller said it too) is a
    detail of its own. Only splits a sentence already read as a detail."""
    if not cfg.get("detail_segment_separators") or not s.toks:
        return [None]
    openers = frozenset(str(x) for x in cfg.get("detail_checked_clause_openers", ()))
    parts = _clause_parts(s, cfg)

    def _checks_said(a: int, b: int) -> bool:
        for k in range(a, b):
            t, _lem, pos = s.toks[k]
            # A relative "que" after a noun ("la serre que votre fille a construite") checks nothing: the
            # clause opens the part or follows its verb ("savoir si", "regarder ensemble si", "vérifier que").
            if t in openers and pos == "SCONJ" and (k == a or s.toks[k - 1][2] in ("VERB", "AUX", "ADV")):
                return any(lem in said for _t, lem, p in s.toks[k + 1 : b] if p in ("NOUN", "PROPN"))
        return False

    hits = [
        (s.tok_start + a, s.tok_start + b, -1, -1)
        for a, b in parts
        if any(lem in reused for _t, lem, pos in s.toks[a:b] if pos in ("NOUN", "PROPN"))
        or (openers and _checks_said(a, b))
    ]
    return hits if len(hits) >= 2 else [None]


def _asks_which_cause(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """A question offering alternatives ("… le prix, ou l'installation ?", "ça vous inquiète, ou pas ?")."""
    if not cfg.get("objection_alternative_is_probe", False) or not s.form:
        return False
    # The question rules miss long second members ("…, ou le fait de payer avant d'avoir vu un résultat ?").
    return s.qrule.startswith("alternative") or (s.form == "closed" and "ou" in s.words)


def _verbless_echo(
    s: Sent, ss: Sequence[Sent], prev_client: Sequence[Sent], sim: _Similarity, cfg: Mapping[str, Any]
) -> bool:
    """A statement without a finite main verb, opening the candidate's answer to the client
    ("D'accord. Une douche sûre pour votre mari, mais qui reste une vraie salle de bains.",
    "Planifier l'arrêt au lieu de le subir, c'est noté."), that takes up the client's last turn."""
    if not cfg.get("reformulation_echo", False) or not prev_client or "?" in s.text or s.form:
        return False
    before = [x for x in ss if x.index < s.index]
    if any(x.n_words > int(cfg.get("echo_max_ack_words", 4)) for x in before):
        return False  # only what opens the answer, after at most a short acknowledgement
    skip = frozenset(cfg.get("echo_skip_words", ()))
    toks = [t for t in s.toks if t[2] != "PUNCT" or t[0] in (",", ":")]
    # A short tail after the last comma ("…, c'est noté", "…, en somme") does not count as the clause.
    commas = [i for i, t in enumerate(toks) if t[0] == ","]
    tail = toks[commas[-1] + 1 :] if commas else []
    # "Planifier l'arrêt au lieu de le subir, c'est noté.", "Une seule intervention, pas de va-et-vient.
    # Noté.": the candidate says he takes note of what he restates; the client's words need not recur.
    noted_words = [str(w) for w in cfg.get("echo_noted_phrases", ())]
    after = [x for x in ss if x.index == s.index + 1]
    noted = bool(noted_words) and (
        _says([t[0] for t in tail], noted_words)
        or (bool(after) and after[0].n_words <= 3 and _says(list(after[0].words), noted_words))
    )
    if (
        commas
        and len(tail) <= int(cfg.get("echo_max_tail_words", 3))
        and (any(t[2] in ("AUX", "VERB") for t in tail) or not any(t[2] in _CONTENT_POS for t in tail))
    ):
        toks = toks[: commas[-1]]
    while toks and (toks[0][0] in skip or toks[0][2] == "PUNCT"):
        toks = toks[1:]
    # Figures, prices, dates and names echoed back ("deux mille huit cents euros", "mardi 14") note a
    # fact; a need is said in words.
    if any(ch.isdigit() for ch in s.text) or any(t[2] in ("NUM", "PROPN") for t in toks):
        return False
    content = [t for t in toks if t[2] in _CONTENT_POS]
    if len(content) < int(cfg.get("echo_min_content_words", 3)) or not toks:
        return False
    if toks[0][2] not in ("DET", "NOUN", "ADJ", "NUM", "PROPN", "VERB", "ADP", "ADV"):
        return False  # "vous perdez…", "je…", "ça…" are clauses; "c'est…" too
    relative = frozenset(["qui", "que", "qu'", "où", "dont"])
    for k, (text, lemma, pos) in enumerate(toks):
        if text in relative:
            break  # a finite verb in a relative clause leaves the echo verbless
        if pos == "AUX" or (pos == "VERB" and not (text == lemma or (k > 0 and toks[k - 1][2] == "AUX"))):
            return False
    if noted:
        return True
    thr = float(cfg.get("echo_min_similarity", 0.4))
    best = sim.closest(s, prev_client)
    shared = max(len(s.lemmas & c.lemmas) for c in prev_client)
    return best >= thr and shared >= int(cfg.get("echo_min_shared_lemmas", 2))


def _says_a_want(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 17 (reform). The sentence says what the client wants or needs (``restated_need_phrases``: "il
    vous faut", "vous voulez", "ce qui compte pour vous"), not as part of ``restated_need_phrases_not``
    ("vous voulez dire qu'…" only introduces a restatement)."""
    text = f" {_glued([t[0] for t in s.toks if t[0].strip()])} "
    for n in cfg.get("restated_need_phrases_not", ()):
        text = text.replace(f" {n}" if str(n).endswith("'") else f" {n} ", " ")
    return any(_has_phrase(text, p) for p in cfg.get("restated_need_phrases", ()))


def _restated_need_not_reservation(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 17 (reform). "Si je comprends bien", "si je vous suis", "autrement dit" restate a need as well
    as a reservation: when the sentence's only objection cues are such shared markers and it says what the
    client wants (``restated_need_phrases``: "il vous faut", "vous voulez que", "vous cherchez"; not negated:
    "vous ne voulez pas dépendre d'un serveur…" restates a worry), it restates a need, even right after
    a reservation (CV: four such sentences of four authors read as objection reformulations)."""
    shared = [str(x) for x in cfg.get("restating_markers_shared", ())]
    if not shared or any(x[4] not in shared for x in s.cues.get("objection_reformulation", [])):
        return False
    return _says_a_want(s, cfg)


def _relief_not_taken_back(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 23 (answers). A client sentence whose relief cues all say liking or say relief under a negation takes
    no doubt back. Liking a point ("ça, ça me plaît", "bon, ça me plaît mieux", settings.yaml
    ``doubt_liking_phrases``) is interest in the offer, not an objection answered (CV by author: eight such doubts
    of seven authors, none in the gold, which tags no "plaît" as doubt_resolved); a relief word that a "pas" denies
    ("ça me rassure pas, au contraire", "c'est pas très rassurant, ça", ``doubt_relief_negations`` right after the
    cue, or right before a one-word cue past ``doubt_relief_negation_adverbs``; "je l'avais pas vu comme ça"
    keeps its relief) says the doubt stays. Any other relief cue of
    the sentence, or no relief cue at all (the classifier's word), decides as before."""
    liking = tuple(str(x) for x in cfg.get("doubt_liking_phrases", ()))
    negations = frozenset(str(x) for x in cfg.get("doubt_relief_negations", ()))
    if not liking and not negations:
        return False
    cues = s.cues.get("doubt_resolved", [])
    if not cues:
        return False
    adverbs = frozenset(str(x) for x in cfg.get("doubt_relief_negation_adverbs", ()))
    words = [t[0] for t in s.toks]

    def denied(x: tuple[str, str | None, int, int, str]) -> bool:
        a, b = x[2] - s.tok_start, x[3] - s.tok_start
        if b < len(words) and words[b] in negations:
            return True
        if b - a > 1:
            return False  # "je l'avais pas vu comme ça": a cue with its own verb is denied only after it
        k = a - 1
        while k >= 0 and words[k] in adverbs:
            k -= 1
        return k >= 0 and words[k] in negations

    def liked(x: tuple[str, str | None, int, int, str]) -> bool:
        return any(_has_phrase(f" {x[4].lower()} ", p) for p in liking)

    return all(liked(x) or denied(x) for x in cues)


def _keeps_position(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 20 (resp). A client sentence that keeps its position takes no doubt back on the classifier's word
    alone: a refusal or inability in the first person ("mais moi je ne peux pas m'engager comme ça", "je vais
    pas payer deux fois"), a third party's word brought in ("elle m'a dit de trancher", "il va me demander la
    comparaison"), a decision put off ("je vais devoir comparer tout ça") or the seller's word set aside ("vous
    n'allez pas me dire que c'est mieux ailleurs"). Phrases in ``doubt_model_keeps_position_phrases``; a relief
    cue ("ça me rassure") still decides as before. CV by author: eight classifier-only doubts of seven authors
    said so, none in the gold."""
    return _says(s.words, cfg.get("doubt_model_keeps_position_phrases", ()))


def _opens_rebuttal(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 18 (resp). A sentence that opens by contradicting or by putting a case to the client ("non mais
    ça marchera", "mais si vous voulez pas me croire, on démarre par un pilote", "et si vous baissez vos
    traitements…", "c'est pour ça que je vous propose…") or that predicts what the client will find ("vous
    trouverez la même chose ailleurs") argues back: it answers the objection, it does not restate it, even when
    it names the reservation ("votre budget", "vous paraît"). Openers in ``objection_rebuttal_openers`` (after
    fillers ``objection_rebuttal_fillers``), predictions in ``objection_rebuttal_phrases``; a restating marker
    right after the opener ("mais si je comprends bien, …", ``objection_rebuttal_unless``) keeps the
    restatement."""
    openers = tuple(str(x) for x in cfg.get("objection_rebuttal_openers", ()))
    phrases = tuple(str(x) for x in cfg.get("objection_rebuttal_phrases", ()))
    if not openers and not phrases:
        return False
    text = " ".join(s.text.lower().replace("’", "'").split())
    fillers = tuple(str(x) for x in cfg.get("objection_rebuttal_fillers", ()))
    words = text.split(" ")
    while words and words[0].strip(",.;:!") in fillers:
        words = words[1:]
    head = " ".join(words).replace(",", "")
    unless = tuple(str(x) for x in cfg.get("objection_rebuttal_unless", ()))
    if any(u in text for u in unless):
        return False
    if any(head == o or head.startswith(o + " ") for o in openers):
        return True
    return any(_has_phrase(f" {text.replace(',', '')} ", p) for p in phrases)


def _restates_reservation(
    s: Sent, c_need: tuple[str, str | None, int, int, str] | None, cfg: Mapping[str, Any]
) -> bool:
    """Round 17 (reform). Right after the client voiced a reservation, a restatement opened by a marker of
    need reformulation ("si je reformule : vous comparez le contrat à une embauche", "vous voulez dire
    qu'avec le crédit qui court, c'est pas possible", "d'accord, donc pour vous, une réparation le ferait
    repartir") restates the reservation, unless it says what the client wants (``restated_need_phrases``).
    Only explicit markers count (``reservation_restating_need_markers``: pattern ids of need_reformulation),
    not the classifier alone nor a verbless echo; the sentence speaks to the client ("vous", "votre": "d'accord,
    donc idéalement pas plus de quatre mille cinq" restates a budget, a need) and does not sum up the needs
    (``needs_summary_markers``: "si je résume")."""
    ids = frozenset(str(x) for x in cfg.get("reservation_restating_need_markers", ()))
    if c_need is None or c_need[0] not in ids or s.form == "open" or "objection_reformulation" in s.negatives:
        return False
    if c_need[2] - s.tok_start > int(cfg.get("reformulation_marker_max_offset", 6)) or not s.second_person:
        return False
    if _says(list(s.words), cfg.get("needs_summary_markers", ())):
        return False  # "si je résume, vous avez trois choses : …" sums up the needs
    return not _says_a_want(s, cfg)


def _marked_missed_reservation(
    s: Sent,
    c_need: tuple[str, str | None, int, int, str] | None,
    prev_client: Sequence[Sent],
    cfg: Mapping[str, Any],
) -> bool:
    """Round 18 (reform). After the offer, a restatement opened by a marker of need reformulation ("si je
    reformule : vous comparez le contrat à une embauche…", "autrement dit, vous ne voulez pas dépendre d'un
    serveur…", "vous voulez dire qu'avec le crédit qui court, c'est pas possible") that does not say what the
    client wants (``_restates_reservation``) restates the client's reservation even when his turn was not
    read as an objection, provided the classifier hears one in it (p(objection) >=
    ``restated_need_marker_objection_min_p``; unset: never). The marker opens the sentence (at most
    ``restated_need_marker_objection_max_offset`` tokens before it) and is one of
    ``restated_need_marker_objection_patterns`` ("donc vous devez tenir dix-huit mille euros" draws a
    consequence, a budget restated as a need). After the marker the seller does not speak of his own side
    (``restated_need_marker_objection_seller_words``: "d'accord, donc si on reprend votre chiffre, … vous
    économisez" argues from the client's figure). The caller then tags that client sentence as the objection,
    as for "vous trouvez que…"."""
    floor = cfg.get("restated_need_marker_objection_min_p")
    if floor is None or c_need is None or not prev_client or not _restates_reservation(s, c_need, cfg):
        return False
    if c_need[0] not in frozenset(str(x) for x in cfg.get("restated_need_marker_objection_patterns", ())):
        return False
    if c_need[2] - s.tok_start > int(cfg.get("restated_need_marker_objection_max_offset", 2)):
        return False
    seller = frozenset(str(x) for x in cfg.get("restated_need_marker_objection_seller_words", ()))
    if any(t[0] in seller for t in s.toks[max(0, c_need[3] - s.tok_start) :]):
        return False
    return any(x.probs.get("objection", 0.0) >= float(floor) for x in prev_client)


def _needs_summary(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """The sentence names the client's needs in its first words (``reformulation_summary_heads``: "donc le
    besoin complet, c'est :", "bref, les besoins :") and lists them (a colon, or at least two commas after
    the head)."""
    heads = [str(x) for x in cfg.get("reformulation_summary_heads", ())]
    if not heads or s.form:
        return False
    words = [t[0] for t in s.toks if t[2] not in ("SPACE",)]
    start = int(cfg.get("reformulation_summary_max_offset", 3))
    for k in range(0, start + 1):
        n = _phrase_at(words, k, heads)
        if n:
            rest = words[k + n :]
            return ":" in rest or rest.count(",") >= 2
    return False


def _phrase_at(words: Sequence[str], k: int, phrases: Sequence[str]) -> int:
    """How many words of ``words`` from ``k`` one of ``phrases`` covers ("c'est noté" is three words: "c'",
    "est", "noté"); 0 when none is said there."""
    for p in phrases:
        n = len(p.replace("'", "' ").split())
        if _says(words[k : k + n], [p]):
            return n
    return 0


def _echo_acknowledged(
    s: Sent, prev_client: Sequence[Sent], cfg: Mapping[str, Any]
) -> tuple[str, str | None, int, int, str] | None:
    """The sentence opens with a short fragment of the client's last turn, then a comma and an
    acknowledgement (``active_listening_echo_acks``): "Sous surveillance, d'accord.", "Trois jours
    d'arrêt, d'accord.", "Dix-huit mille, je note." The fragment (at most ``active_listening_echo_max_words``
    words) must be the client's words (every word of it but articles and prepositions)."""
    acks = [str(x) for x in cfg.get("active_listening_echo_acks", ())]
    if not acks or not prev_client:
        return None
    most = int(cfg.get("active_listening_echo_max_words", 6))
    said = {w for x in prev_client for w in x.words}
    light = {"DET", "ADP", "CCONJ"}
    toks = s.toks
    comma = next((k for k, t in enumerate(toks) if t[0] == ","), None)
    if comma is None or comma == 0:
        return None
    frag = [t for t in toks[:comma] if t[2] not in ("PUNCT", "SPACE")]
    content = [t for t in frag if t[2] not in light]
    if not content or len(frag) > most or any(t[0] not in said for t in content):
        return None
    rest = [t[0] for t in toks[comma + 1 :] if t[2] not in ("PUNCT", "SPACE")]
    n = _phrase_at(rest, 0, acks)
    if n:
        end = s.tok_start + comma + 1 + n
        return ("echo_accuse", None, s.tok_start, min(end, s.tok_end), s.text)
    return None


def _confirmed_restatement(
    s: Sent,
    ss: Sequence[Sent],
    prev_client: Sequence[Sent],
    sim: _Similarity,
    cfg: Mapping[str, Any],
    needs: Sequence[Sent] = (),
) -> bool:
    """A statement about the client that the candidate at once asks to confirm ("… il vous faut un
    fournil où on ne cuit pas l'été. C'est bien ça ?"): it restates what the client said. The tag may
    end the same sentence ("vous perdez de la semence à cause des recouvrements, c'est ça ?"), and the
    statement may take up a need said a few turns before rather than the last turn (``needs``)."""
    if not cfg.get("reformulation_echo", False) or not prev_client:
        return False
    if s.qrule == "tag_question" and cfg.get("echo_confirm_same_sentence", False):
        text = s.text.strip(" ?!.…\n")  # Sent.text is already lowercased
        if not any(text.endswith(", " + t) for t in cfg.get("echo_confirm_tags", ())):
            return False
        if not s.second_person:
            return False
        return _restating_score(s, prev_client, sim, needs) >= float(
            cfg.get("echo_confirm_min_similarity", 0.3)
        )
    if "?" in s.text or s.form:
        return False
    nxt = next((x for x in ss if x.index == s.index + 1), None)
    if nxt is None or "?" not in nxt.text or nxt.n_words > 4:
        return False
    text = nxt.text.strip(" ?!.…\n")
    if not any(text.endswith(t) for t in cfg.get("echo_confirm_tags", ())):
        return False
    if not (s.second_person or s.nouns):
        return False
    return _restating_score(s, prev_client, sim, needs) >= float(cfg.get("echo_confirm_min_similarity", 0.3))


def _restating_score(s: Sent, prev_client: Sequence[Sent], sim: _Similarity, needs: Sequence[Sent]) -> float:
    """How closely ``s`` takes up the client: his last turn, or one of the recent ``needs``."""
    best = sim.closest(s, prev_client)
    return max(best, sim.closest(s, needs)) if needs else best


def _asks_yes_or_no(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """A tag question that asks whether ("…, les rondes les avaient vus venir, ou pas"), not one that
    asks to confirm a restatement ("…, c'est bien ça ?")."""
    tail = " ".join(w for w in s.words if w not in ("?", ".", "!", ",", "\n")).strip()
    return any(tail.endswith(" " + t) for t in cfg.get("probe_tag_question_tails", ()))


def _asserts(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """The sentence states or promises rather than asks: a stance adverb or a total negation
    ("franchement, …", "elle ne change ni …, ni …", "ça n'a rien à voir"), or a main verb that says
    what the client can do ("vous pouvez passer en mode silence") or will get (a second-person
    future: "vous verrez", "vous aurez")."""
    if set(s.words) & frozenset(cfg.get("probe_declarative_assertive_words", ())):
        return True
    # The main verb (the first one): "il y a d'autres semaines où vous ne pourrez pas …" still asks.
    verb = next(((w, lem) for w, lem, pos in s.toks if pos in ("VERB", "AUX")), None)
    if verb is None:
        return False
    if verb[1] in cfg.get("probe_declarative_assertive_lemmas", ()):
        return True
    return "vous" in s.words and verb[0].endswith("rez")


def _adds_a_point(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """The sentence opens with a connective that adds a point ("et …"), possibly after the seller's
    acknowledgement of the figure just heard ("neuf euros, d'accord, et c'est pour …")."""
    openers = frozenset(cfg.get("probe_declarative_openers", ()))
    words = [w for w in s.words if w not in (",", ".", "\n")]
    if words and words[0] in openers:
        return True
    for c in s.cues.get("active_listening", []):
        after = [t for t, _l, pos in s.toks[c[3] - s.tok_start :] if pos != "PUNCT"]
        if after and after[0] in openers and c[2] - s.tok_start <= 4:
            return True
    return False


def _infinitive_opening(s: Sent, c: tuple[str, str | None, int, int, str]) -> bool:
    """The cue ends on an infinitive ("donc pouvoir …", "donc, sur le chantier, suivre …")."""
    k = c[3] - 1 - s.tok_start
    if not 0 <= k < len(s.toks):
        return False
    text, lemma, pos = s.toks[k]
    return pos in ("VERB", "AUX") and text.lower() == lemma


def _has_finite_verb(s: Sent) -> bool:
    """A conjugated verb in the main clause (a relative or completive clause does not count):
    "donc pouvoir prouver que l'agent est passé" has none, "donc installer prend une heure" has one."""
    subordinate = frozenset(["qui", "que", "qu'", "où", "dont", "si", "quand", "parce"])
    for k, (text, lemma, pos) in enumerate(s.toks):
        if text.lower() in subordinate:
            return False
        if pos == "AUX" and text.lower() != lemma:
            return True
        participle = text.lower().endswith(("é", "ée", "és", "ées", "ant"))  # "les pièces rangées"
        if (
            pos == "VERB"
            and text.lower() != lemma
            and not participle
            and not (k > 0 and s.toks[k - 1][2] == "AUX")
        ):
            return True
    return False


def _after_own_statements(s: Sent, ss: Sequence[Sent], cfg: Mapping[str, Any]) -> bool:
    """Round 18 (reform). A restatement without a marker opens the candidate's answer; after the seller's
    own statements in the same turn (more than ``reformulation_model_max_words_before`` words, questions
    not counted: "Est-ce que je peux résumer ? Vous voulez …" still restates), a sentence about the client
    draws a consequence of the offer ("… personne ne perd cinq minutes à régler le bureau", "et les deux
    signent une clause de confidentialité"): the classifier alone does not make it a reformulation (CV by
    author, 248 sessions: of the classifier-only reformulations after more than 8 such words, none right)."""
    most = cfg.get("reformulation_model_max_words_before")
    if most is None:
        return False
    return sum(x.n_words for x in ss if x.index < s.index and not x.form) > int(most)


def _restarts_after_apology(s: Sent, ss: Sequence[Sent], cfg: Mapping[str, Any]) -> bool:
    """Round 20c (nreform). After an apology in his turn ("pardon, vous avez raison, je vais trop vite"),
    the seller who says "je reprends", "reprenons", "on reprend" starts his own explanation again (an
    adjustment), he does not restate the client: "Oui, pardon. Je reprends.", "pardon, je reprends sans
    jargon", "Pardon, je vais trop vite. Reprenons simplement avec ce qui vous intéresse". "Si je reprends
    : …" (a summary) is not aimed at. Phrases: ``reformulation_restart_phrases``; apologies, before the
    phrase in the turn: ``reformulation_restart_apologies`` (corpus dev-dev18: 6 such turns of 6 authors,
    none a need reformulation in the gold; the 8 gold reformulations with "je reprends" have no apology)."""
    restarts = cfg.get("reformulation_restart_phrases", ())
    apologies = cfg.get("reformulation_restart_apologies", ())
    if not restarts or not apologies:
        return False

    def plain(t: str) -> str:
        return " " + " ".join(re.sub(r"[^\w'’-]+", " ", t.lower()).split()) + " "

    text = plain(s.text)
    found = [i for i in (_find_phrase(text, p) for p in restarts) if i >= 0]
    if not found:
        return False
    head = text[: min(found)]
    if head.endswith(" si"):
        return False  # "si je reprends : …", "donc si on reprend votre chiffre": a summary
    before = "".join(plain(x.text) for x in ss if x.index < s.index) + head + " "
    return any(_has_phrase(before, a) for a in apologies)


def _restates(s: Sent, prev_client: Sequence[Sent], sim: _Similarity, cfg: Mapping[str, Any]) -> bool:
    """The sentence takes up what the client just said (similarity to the previous client turn)."""
    if not prev_client or any(w in ("propose", "vais", "peux", "allons", "va") for w in s.words[:8]):
        return False
    thr = float(cfg.get("restate_min_similarity", 0.25))
    return sim.closest(s, prev_client) >= thr


_CONTENT_POS = frozenset(["NOUN", "PROPN", "VERB", "ADJ", "NUM"])


def _explains(s: Sent, c: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]) -> bool:
    """The words after a translation marker say something new (tags.md: a synonym or a category
    alone is not enough): ``translation_min_new_lemmas`` content lemmas absent before the marker
    ("vitesse variable, c'est-à-dire que la vitesse varie" adds nothing); an apposition without a
    verb ("c'est-à-dire une CN") names the term again; a definition ("la franchise, c'est la part
    qui reste à votre charge") must speak of the client."""
    if not s.toks:
        return True
    cut = max(0, c[2] - s.tok_start)
    end = max(cut, c[3] - s.tok_start)
    # Words compared by their first letters: "vitesse variable" is not explained by "la vitesse varie".
    before = {lem[:4] for _t, lem, pos in s.toks[:cut] if pos in _CONTENT_POS}
    after = [(t, lem, pos) for t, lem, pos in s.toks[end:]]
    new = {lem for _t, lem, pos in after if pos in _CONTENT_POS and lem[:4] not in before and len(lem) > 2}
    if len(new) < int(cfg.get("translation_min_new_lemmas", 2)):
        return False
    # "Regardons-le sous cet angle : …", "je vous propose qu'on fasse comme ça : …": the colon opens a
    # plan, a calculation or a proposal, not what a term changes for the client.
    frame = frozenset(cfg.get("translation_colon_frame_lemmas", ()))
    if c[0] == "deux_points" and any(lem in frame for _t, lem, _p in s.toks[:cut]):
        return False
    apposition = frozenset(cfg.get("translation_apposition_markers", ()))
    if c[4] in apposition and not any(pos in ("VERB", "AUX") for _t, _l, pos in after):
        return False
    # Round 21 (transl). "C'est-à-dire" + a noun phrase renames the term (a synonym, a category, the term
    # again: "un RIC, c'est-à-dire un contour à écouteur déporté, avec une puce seize canaux…"); the verbs
    # that follow in a spec list do not make it an explanation. It counts when what follows reaches the
    # client: a second person ("… aucun pesticide, vos enfants peuvent…") or a colon that opens the effect
    # ("… de plain-pied : Robert n'a plus de marche"). settings.yaml translation_apposition_client_markers.
    renaming = frozenset(cfg.get("translation_apposition_client_markers", ()))
    clause = bool(after) and after[0][0].lower() in ("que", "qu'")  # "c'est-à-dire qu'il résiste…" explains
    if (
        c[4].lower() in renaming
        and not clause
        and not any(t.lower() in _SECOND_PERSON or t == ":" for t, _l, _p in after)
    ):
        return False
    if c[0] in frozenset(cfg.get("translation_needs_client", ())):
        return any(t in _SECOND_PERSON for t, _l, _p in after)
    return True


def _colon_opens_a_plan(st: _State, s: Sent, c: tuple[str, str | None, int, int, str]) -> bool:
    """Round 21 (transl). Before the colon, the seller says what he does ("on crée la boutique à votre image : …",
    "dans trois mois, je vous envoie le relevé : …", "on garde l'appel pour ceux qui ne lisent pas : …"): the
    colon opens his plan or his argument, not what a term changes for the client. It stays a translation when
    the words before the colon name one of the scenario's technical terms ("on a une API vers votre logiciel de
    paie : …", "nous sommes installateurs qualifiés IRVE : …"). Only with a scenario (its terms known);
    settings.yaml translation_colon_seller_subjects."""
    subjects = frozenset(st.settings.get("translation_colon_seller_subjects", ()))
    if not st.terms or not subjects:
        return False
    cut = max(0, c[2] - s.tok_start)
    left = s.toks[:cut]
    if not any(t.lower() in subjects for t, _l, _p in left):
        return False
    n_colons = sum(1 for t, _l, _p in left if t == ":")
    text = fold(":".join(s.text.split(":")[: n_colons + 1]))
    return not any(p.search(text) for term in st.terms for p in term.patterns)


def _scenario_translation(
    st: _State, ti: int, ss: Sequence[Sent], sim: _Similarity, restated: set[int]
) -> None:
    """Round 15b (scen). A technical term of the session's scenario (``scenarios/<id>.yaml``), then, after it
    in the sentence or in the next one of the turn, what it does: a clause (a verb and at least
    ``scenario_translation_min_new_lemmas`` content words that are not the term's) that comes close to
    the scenario's plain-language benefit for the term (encoder cosine at least
    ``scenario_translation_benefit_similarity``; "vous" alone is not enough: CV 9 right of 70). A bare term, a list of specifications (more than
    ``scenario_translation_max_terms`` terms in the sentence), a synonym (no verb) or a price is no translation."""
    cfg = st.settings
    if not st.terms or _has_label(st, ti, "technical_translation"):
        return
    max_terms = int(cfg.get("scenario_translation_max_terms", 2))
    min_new = int(cfg.get("scenario_translation_min_new_lemmas", 2))
    thr = float(cfg.get("scenario_translation_benefit_similarity", 1.0))
    # The words of an explaining phrase ("ça veut dire", "ce qui signifie") say nothing yet.
    markers = {fold(w)[:4] for w in cfg.get("scenario_translation_marker_lemmas", ())}
    for k, s in enumerate(ss):
        if s.form or s.index in restated or s.n_words < 5 or _states_price(s, cfg):
            continue
        if s.cues.get("adjustment"):
            continue  # "oublions les variétés anciennes": the term is set aside, not explained
        text = fold(s.text)
        found = []
        for j, term in enumerate(st.terms):
            m = next((m for p in term.patterns if (m := p.search(text)) is not None), None)
            if m is not None:
                found.append((m.end(), j))
        if not found or len(found) > max_terms:
            continue
        end, j = max(found)  # the explanation follows the last term named
        term_words = {w[:4] for w in re.findall(r"\w+", fold(st.terms[j].term))} | markers
        expl, es = _tokens_after(s, text, end), s
        if not _says_what_it_does(expl, term_words, min_new):
            nxt = ss[k + 1] if k + 1 < len(ss) else None
            # A next sentence that names the term again ("La vitesse variable, c'est-à-dire …") is read on its own.
            if (
                nxt is None
                or nxt.form
                or any(p.search(fold(nxt.text)) for p in st.terms[j].patterns)
                or not _says_what_it_does(list(nxt.toks), term_words, min_new)
            ):
                continue
            expl, es = list(nxt.toks), nxt
        if _benefit_score(st, sim, es, expl, j) >= thr:
            _add(st, "technical_translation", s, "rule:technical_translation/scenario_term", 0.5)
            st.offer_made = True
            return


def _tokens_after(s: Sent, folded: str, end: int) -> list[tuple[str, str, str]]:
    """The tokens of ``s`` that start at or after character ``end`` of its folded text."""
    out = []
    pos = 0
    for tok in s.toks:
        i = folded.find(fold(tok[0]), pos)
        if i < 0:
            continue
        pos = i + len(fold(tok[0]))
        if i >= end:
            out.append(tok)
    return out


def _says_what_it_does(toks: Sequence[tuple[str, str, str]], term_words: set[str], min_new: int) -> bool:
    """A clause that says something beyond the term: a verb and ``min_new`` content words not the term's."""
    new = {
        lem
        for _t, lem, pos in toks
        if pos in _CONTENT_POS and len(lem) > 2 and fold(lem)[:4] not in term_words
    }
    return len(new) >= min_new and any(pos == "VERB" for _t, _l, pos in toks)


def _benefit_score(
    st: _State, sim: _Similarity, s: Sent, expl: Sequence[tuple[str, str, str]], j: int
) -> float:
    """How close ``s`` (its explanation ``expl``) comes to the scenario's benefit for term ``j``: the
    encoder cosine; without the encoder, 1.0 when the explanation speaks of the client ("vous") and
    shares a content word with the benefit, else 0."""
    if st.benefit_vecs is None:
        benefit = {w[:5] for w in re.findall(r"\w{4,}", fold(st.terms[j].benefit))}
        words = {fold(t)[:5] for t, _l, pos in expl if pos in _CONTENT_POS and len(t) >= 4}
        return float(any(t in _SECOND_PERSON for t, _l, _p in expl) and bool(benefit & words))
    sim.prepare([s.index])
    v = sim._vec.get(s.index)
    return 0.0 if v is None else float(v @ st.benefit_vecs[j])


def _holds_the_goods(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 18 (grid). "Je vous la mets de côté jusqu'à samedi", "le technicien, je vous le réserve jeudi à 14
    heures": the seller holds the item or the slot for the client until a date, a concrete step to close
    (tags.md next_step: an order, an appointment, with a date). The pronoun names the thing sold; "je vous mets
    de côté la documentation" hands over a leaflet (settings.yaml next_step_hold_phrases; the date is still
    required)."""
    phrases = tuple(str(x) for x in cfg.get("next_step_hold_phrases", ()) or ())
    text = f" {s.text} "
    return any(_has_phrase(text, p) or f" {p}," in text for p in phrases)


def _late_recap(st: _State, s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 18 (grid). "Je vous récapitule : …", "Donc récap : …", "Bon, alors je note : …" in the closing part
    of the talk (settings.yaml summary_late_markers, from summary_late_min_share of the turns on, once the offer
    was made and the client said yes) sums up the deal, even where the closing question went unseen or the yes
    was not taken as the decision: sellers say these words late only to restate the terms (early, the same words
    restate the needs; before any yes, tags.md has no agreement to confirm)."""
    markers = tuple(str(x) for x in cfg.get("summary_late_markers", ()) or ())
    if not markers or s.role != "candidate" or not st.offer_made:
        return False
    # It confirms a yes: the client has said one (seen, if not taken as the decision).
    if not any(a.label == "agreement" for a in st.acts):
        return False
    if st.share(s.turn) < float(cfg.get("summary_late_min_share", 1.1)):
        return False
    text = f" {s.text} "
    return any(_has_phrase(text, m) or f" {m}:" in text for m in markers)


def _key_points(s: Sent) -> bool:
    """A summary names something concrete: a figure, a date, a price, an offer."""
    keys = {
        "euros",
        "euro",
        "€",
        "formule",
        "offre",
        "contrat",
        "abonnement",
        "livraison",
        "installation",
        "mois",
        "ans",
    }
    return s.has_digit or bool(keys & set(s.words)) or s.n_words >= 12


def _argument_from_example(
    st: _State, ti: int, ss: Sequence[Sent], sim: _Similarity, closed_before: bool
) -> None:
    """An example told while presenting the offer illustrates a benefit for a need the client stated
    (tags.md: "an illustration … that illustrates an argument"): when the turn has no argument yet, its
    sentence closest to a need is one (settings.yaml argument_from_example_similarity; not in objection
    handling, where the answer is an objection_response, nor after ``argument_from_example_max_share``)."""
    cfg = st.settings
    floor = cfg.get("argument_from_example_similarity")
    if floor is None or not st.needs or st.agreement_turn is not None or closed_before:
        return
    if st.share(ti) >= float(cfg.get("argument_from_example_max_share", 1.0)) or _has_label(
        st, ti, "argument"
    ):
        return
    if any(a.turn == ti and a.label in _HANDLING for a in st.acts):
        return
    min_words = int(cfg.get("min_words_argument", 6))
    p_min = float(cfg.get("argument_from_example_min_p", 0.0))
    scored = [
        (s, *_best_need(st, s, sim, float(floor)))
        for s in ss
        if not s.form
        and s.n_words >= min_words
        and s.probs.get("argument", 1.0) >= p_min
        and not _states_price(s, cfg)
        and not _story_not_argument(s, cfg)
    ]
    scored = [x for x in scored if x[1] is not None and x[2] >= float(floor)]
    _add_closest_argument(st, scored, sim, "rule:argument/illustrated_benefit")


def _late_close(st: _State, turn: int) -> bool:
    """Round 16 (arg). Whether a closing question at ``turn`` ends the presentation: a close asked early
    (a pushy seller's "on part là-dessus ?" at a quarter of the talk) is followed by the arguments the
    seller still has to give; only past ``argument_before_closing_min_share`` (settings.yaml) does the
    seller mostly answer reservations and settle terms. Without the key every close counts."""
    return st.share(turn) >= float(st.settings.get("argument_before_closing_min_share", 0.0))


def _confident(s: Sent, label: str, on: Any) -> bool:
    """Round 16 (arg). A cue hit whose classifier score also reaches the classifier-alone threshold: the
    sentence would be tagged on the score alone, so the cue must not ask more of it (a need similarity
    floor) than the score alone does (settings.yaml argument_confident_cue_any_need)."""
    if not on:
        return False
    p = s.probs.get(label)
    if p is None:
        return False
    _lo, hi = s.thresholds.get(label, s.thresholds.get("default", (0.3, 0.8)))
    return p >= hi


def _opens_on_topic(s: Sent, openers: Any, skip_words: Any = ()) -> bool:
    """Round 16 (arg). A presentation takes the client's needs in turn, each sentence opened by the topic
    it answers ("et pour les pannes, …", "quant à votre rapport RSE, …", "côté interlocuteur, …"): such a
    sentence is a further argument of its turn even without a benefit phrase (settings.yaml
    argument_topic_openers: word sequences the sentence starts with, after "(rires)" and the linking words
    of argument_topic_skip_words, "et", "alors")."""
    if not openers:
        return False
    words = [w for w in s.words if w not in ("(", ")", "rires")]
    skip = frozenset(skip_words)
    while words and words[0] in skip:
        words = words[1:]
    head = f" {_glued(words[:6])} "
    # An elided opener ("pour l'") is joined to its noun ("pour l'eau").
    return any(_find_phrase(head, o) == 0 for o in openers)


def _before_discovery(st: _State, ti: int) -> bool:
    """Round 19 (arg). Whether the seller reaches turn ``ti`` without having explored the needs: fewer than
    ``argument_model_min_open_questions`` open questions and fewer than ``argument_model_min_reformulations``
    restated needs in the earlier turns (settings.yaml). Such a seller pitches the product; its claims are
    feature claims the client's words happen to echo, not benefits tied to needs the seller took in (tags.md:
    an argument is a benefit tied to a need the client expressed): there the classifier alone makes no
    argument; a benefit phrase still does, and so does a sentence opened on the need it answers ("pour la
    ligne d'emballage, …", settings.yaml argument_topic_openers) (CV by author on 248 sessions: 26 right in
    82 such arguments, in sessions by 42 author groups). Without the settings, never."""
    cfg = st.settings
    min_open = int(cfg.get("argument_model_min_open_questions", 0) or 0)
    min_restated = int(cfg.get("argument_model_min_reformulations", 0) or 0)
    if min_open <= 0 and min_restated <= 0:
        return False
    earlier = Counter(a.label for a in st.acts if a.turn < ti)
    return earlier["open_question"] < min_open and earlier["need_reformulation"] < min_restated


def _add_closest_argument(
    st: _State, scored: Sequence[tuple[Sent, Any, float]], sim: _Similarity, source: str
) -> bool:
    """Tag as an argument the candidate sentence closest to a stated need (``scored``: sentence, need,
    similarity, as :func:`_best_need` gives them); False when there is none."""
    if not scored:
        return False
    s, best, score = max(scored, key=lambda x: x[2])
    _add(st, "argument", s, source, 0.45, links=_argument_links(st, s, sim, best, score))
    return True


def _term_then_effect(
    st: _State, s: Sent, c: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]
) -> bool:
    """A classifier-only translation that opens a turn names its term first, then links it to its effect
    inside the sentence ("la buée est programmable : chaque étage reçoit…", "il a un sécheur intégré, donc
    l'air arrive sec"): a link word of ``translation_model_first_sentence_links`` after the sentence's first
    words, in the presentation (share of the talk below ``translation_model_first_sentence_max_share``)."""
    links = frozenset(cfg.get("translation_model_first_sentence_links", ()))
    if (
        c[0] != "model"
        or not links
        or st.share(s.turn) >= float(cfg.get("translation_model_first_sentence_max_share", 1.0))
    ):
        return False
    # The grid's C2.3 asks whether the candidate translates at all: this weaker evidence only adds to
    # translations already heard in the session (settings.yaml translation_model_first_sentence_needs_prior).
    if cfg.get("translation_model_first_sentence_needs_prior", False) and not any(
        a.label == "technical_translation" for a in st.acts
    ):
        return False
    cut = next((k for k, (t, _l, _p) in enumerate(s.toks) if k >= 2 and t in links), None)
    # What follows the link says what the term does: a verb ("… : chaque étage reçoit …"), not a list.
    return cut is not None and any(p in ("VERB", "AUX") for _t, _l, p in s.toks[cut + 1 :])


def _states_price(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """The sentence gives a price ("c'est vingt-neuf euros par semaine", "23 900 € HT"): a number and a word
    of ``argument_weak_price_words``. Without a benefit phrase, a price is no benefit for a need."""
    words = frozenset(cfg.get("argument_weak_price_words", ()))
    return bool(words & set(s.words)) and any(
        pos == "NUM" or any(ch.isdigit() for ch in w) for w, _l, pos in s.toks
    )


def _illustrates(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Whether a sentence can illustrate without an example phrase: someone else's case (a named
    person, place or firm, "un client", "chez …") or a figure in the client's own context ("vous" and a
    number). Without ``example_model_actor_lemmas`` in settings.yaml every sentence can."""
    actors = frozenset(cfg.get("example_model_actor_lemmas", ()))
    if not actors:
        return True
    if any(pos == "PROPN" or lemma in actors for _, lemma, pos in s.toks):
        return True
    number = any(pos == "NUM" or any(ch.isdigit() for ch in w) for w, _, pos in s.toks)
    return (number and s.second_person) or _third_party_past(s, cfg)


def _figures(s: Sent, cfg: Mapping[str, Any]) -> set[str]:
    """Round 21 (example). The figures of a sentence: runs of number words or digits ("neuf mille",
    "deux cent quatre-vingts", "280"; settings.yaml ``example_number_words``, spaCy's part of speech is
    unsure on spoken numbers), without the small numbers alone that say nothing of one client
    (``example_client_figure_skip``: "deux", "trois", …)."""
    numbers = frozenset(str(x) for x in cfg.get("example_number_words", ()))
    skip = frozenset(str(x) for x in cfg.get("example_client_figure_skip", ()))
    runs: list[list[str]] = [[]]
    for w, _lemma, _pos in s.toks:
        parts = [x for x in w.split("-") if x]
        if any(ch.isdigit() for ch in w) or (parts and all(x in numbers for x in parts)):
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    return {" ".join(r) for r in runs if r and not (len(r) == 1 and r[0] in skip)}


def _reuses_client_figure(st: _State, s: Sent) -> bool:
    """Round 21 (example). A figure computed on the client's own numbers ("trente pour cent de neuf mille,
    c'est deux mille sept cents euros par an", "sept pour cent sur 280 hectares, ça fait presque vingt
    hectares", after the client said "neuf mille euros d'électricité", "280 hectares") is a concrete example
    even without "vous" (corpus READMEs: "a figure computed on the client's numbers is a concrete_example"):
    the sentence takes up a figure the client said earlier in the talk and applies a rate to it (settings.yaml
    ``example_client_figures``; the rate: :func:`_applies_a_rate`; without a rate, the
    client's quantities mostly come back in a price, "pour vingt-cinq postes, dix-sept mille deux cent
    cinquante euros", or a payback claim)."""
    if not st.settings.get("example_client_figures", False) or not st.client_figures:
        return False
    if not _applies_a_rate(s, st.settings):
        return (
            False  # a price for the client's quantities ("vingt-cinq postes, 17 250 euros") works out nothing
        )
    return bool(_figures(s, st.settings) & st.client_figures)


def _applies_a_rate(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 21 (example). A percentage in the sentence: "%" or a number then "pour cent" not followed by
    another number ("trente pour cent de neuf mille"; "pour cent vingt agents" is no rate; settings.yaml
    ``example_number_words``)."""
    numbers = frozenset(str(x) for x in cfg.get("example_number_words", ()))

    def is_number(w: str) -> bool:
        parts = [x for x in w.split("-") if x]
        return any(ch.isdigit() for ch in w) or (bool(parts) and all(x in numbers for x in parts))

    words = [t[0] for t in s.toks]
    for k, w in enumerate(words):
        if w.endswith("%"):
            return True
        if w == "pour" and words[k + 1 : k + 2] == ["cent"] and k > 0 and is_number(words[k - 1]):
            if not (k + 2 < len(words) and is_number(words[k + 2])):
                return True
    return False


def _story_not_argument(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 22 (args). A sentence that tells what happened to another customer ("chez un transporteur de
    Vannes, ils ont eu deux casses la première année", "une entreprise de propreté d'Angers a fait ça l'an
    dernier") is the illustration (concrete_example), not the argument: the authors put the argument on the
    sentence that turns the case into a benefit for this client, or on none. A third party's past event
    (_third_party_past) is no argument candidate (settings.yaml ``argument_not_third_party_past``), unless the
    same sentence also tells this client what they get, a second-person subject in the present or future ("vos
    équipes traitent que les zones à risque, on a un domaine à Meursault qui a baissé…": unpunctuated speech)."""
    if not cfg.get("argument_not_third_party_past", False) or not _third_party_past(s, cfg):
        return False
    return not _client_subject_now(s)


def _client_subject_now(s: Sent) -> bool:
    """Round 22 (args). "vous" or "vos/votre + noun" right before a verb in the present or future ("vous
    vendangez", "vos équipes traitent"): the sentence says what the client does or gets now."""
    toks, morph = s.toks, s.morph
    for k, (w, _lemma, _pos) in enumerate(toks):
        if w == "vous":
            j = k + 1
        elif w in ("vos", "votre") and k + 1 < len(toks) and toks[k + 1][2] == "NOUN":
            j = k + 2
        else:
            continue
        while j < len(toks) and toks[j][0] in _PRE_AUX_CLITICS:
            j += 1
        if j < len(toks) and j < len(morph) and toks[j][2] in ("VERB", "AUX"):
            if "Tense=Pres" in morph[j] or "Tense=Fut" in morph[j]:
                return True
    return False


def _third_party_past(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 20 (example). A past event of someone else, told in the passé composé with a third-person
    subject ("un domaine de Meursault qu'on suit a baissé ses passages de vingt-cinq pour cent", "au Clos
    des Murgers, ils ont sauté deux passages", "une maman est repassée en juin me dire…", "ils sont passés
    de soixante-deux mille à quarante-quatre mille kilowattheures"): a customer story, often the second one
    of the talk, whose customer is a place, a firm or a profession rather than "un client" (the classifier's
    high threshold still decides). Not with "je/on/nous/vous/ça" as the subject (the seller's own record, the
    client, an impersonal "ça a changé"), nor a passive ("a été faite", a participle after "être" that does
    not take "être" as its auxiliary), nor "il a fallu" (settings.yaml ``example_story_past_tense``,
    ``example_story_etre_verbs``, ``example_story_not_subjects``, ``example_story_skip_lemmas``; CV: eight
    stories of eight authors, one false example)."""
    if not cfg.get("example_story_past_tense", False) or not s.morph:
        return False
    etre = frozenset(cfg.get("example_story_etre_verbs", ()))
    not_subjects = frozenset(cfg.get("example_story_not_subjects", ()))
    skip = frozenset(cfg.get("example_story_skip_lemmas", ()))
    toks, morph = s.toks, s.morph
    for k, (_w, lemma, pos) in enumerate(toks):
        m = morph[k] if k < len(morph) else ""
        if pos != "AUX" or lemma not in ("avoir", "être"):
            continue
        if "Person=3" not in m or "Mood=Ind" not in m or "Tense=Pres" not in m:
            continue
        j = k + 1
        while j < len(toks) and toks[j][0] in _POST_AUX_ADVERBS:
            j += 1
        if j >= len(toks) or "VerbForm=Part" not in morph[j] or "Tense=Past" not in morph[j]:
            continue
        verb = toks[j][1]
        if verb == "être" or verb in skip or (lemma == "être" and verb not in etre):
            continue  # a passive, "il a fallu", or "être" + a participle used as an adjective
        i = k - 1
        while i >= 0 and toks[i][0] in _PRE_AUX_CLITICS:
            i -= 1
        if i >= 0 and toks[i][0] in not_subjects:
            continue
        return True
    return False


def _replays_client_incident(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 23 (examples). The seller replays the client's own past incident with the offer, in the past
    conditional ("Votre panne de février, on aurait eu l'alerte quinze jours avant", "Votre panne de mars : on
    aurait vu le refoulement chauffer deux semaines avant, et vous auriez eu un technicien un vendredi soir",
    "Pour les Champs-Pimont, on aurait vu dès juillet que le bas avait deux semaines de retard"): a scene in the
    client's own context, which the corpus counts as a concrete example ("le roulement de mars : avec nous,
    Michel aurait reçu un SMS mi-février"). The form: a statement (no question, no "?") where "on/nous/vous"
    is the subject of "avoir" in the conditional followed by a past participle, anchored in the client's
    past: "votre/vos" + a noun or a month (settings.yaml ``example_replay_conditional``,
    ``example_replay_conditional_forms``, ``example_replay_anchor_words``; CV: five such examples of five
    authors gained, none outside the gold). Not a hypothetical with no anchor ("sur dix ans, vous en auriez
    racheté deux fois"), nor someone else as the subject ("nos capteurs l'auraient vu", "vous doutez que notre système
    aurait détecté vos pannes"), nor "être" in the conditional ("on serait livrés autour du 18 décembre": a
    delivery announced)."""
    if not cfg.get("example_replay_conditional", False) or s.form or "?" in s.text or not s.morph:
        return False
    toks, morph = s.toks, s.morph
    anchors = frozenset(str(x) for x in cfg.get("example_replay_anchor_words", ()))
    anchored = any(w in anchors for w, _l, _p in toks) or any(
        w in ("votre", "vos") and k + 1 < len(toks) and toks[k + 1][2] == "NOUN"
        for k, (w, _l, _p) in enumerate(toks)
    )
    if not anchored:
        return False
    conditional = frozenset(str(x) for x in cfg.get("example_replay_conditional_forms", ()))
    for k, (w, _lemma, _pos) in enumerate(toks):
        if w not in conditional:
            continue  # spaCy's mood is unsure on "l'auriez" (read as a pronoun): the forms are listed
        j = k + 1
        while j < len(toks) and toks[j][0] in _POST_AUX_ADVERBS:
            j += 1
        if (
            j >= len(toks)
            or j >= len(morph)
            or "VerbForm=Part" not in morph[j]
            or "Tense=Past" not in morph[j]
        ):
            continue
        i = k - 1
        while i >= 0 and toks[i][0] in _PRE_AUX_CLITICS:
            i -= 1
        if i >= 0 and toks[i][0] in ("on", "nous", "vous"):
            return True
    return False


def _example_kind(
    st: _State, s: Sent, cue: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]
) -> str | None:
    """Round 23 (examples). The two halves of a reference case that the authors count as two examples when
    one turn tells both: "story", another customer's measured result ("chez un céréalier de Saint-Quentin, on a
    mesuré huit pour cent de produit économisé", "ils se sont équipés il y a deux ans, et … ils ont mesuré six
    pour cent"), and "figure", the same result worked on this client's own numbers in the second person ("sur
    votre surface, ça représente à peu près quatre mille euros par an", "chez vous, sur deux cent
    quatre-vingts hectares, … ça ferait autour de quatre mille euros par an"). The story: a customer cue
    (settings.yaml ``example_story_cues``) with a figure, the classifier's example naming a customer or a place
    ("L'EARL Morin, à Janville, une ferme comme la vôtre", ``example_model_actor_lemmas``), or a third party's
    past event; the story's own next sentences are skipped, not counted again; the figure: the
    calculation cue (cues.yaml ``calcul``, not "concrètement", which mostly explains a term) with a figure and
    "vous/votre" or a figure the client gave. Anything else: None (one example per turn, as before; CV:
    three second examples of three authors gained, none outside the gold)."""
    if not cfg.get("example_story_then_client_figure", False):
        return None
    number = s.has_digit or any(pos == "NUM" and w not in ("un", "une") for w, _l, pos in s.toks)
    if cue[0] == "calcul":
        return "figure" if number and (s.second_person or _reuses_client_figure(st, s)) else None
    if cue[0] in frozenset(cfg.get("example_story_cues", ())) and number:
        return "story"
    actors = frozenset(cfg.get("example_model_actor_lemmas", ())) - {"chez"}  # "chez vous" is the client
    toks = s.toks
    if cue[0] == "model" and any(
        (pos == "PROPN" or lemma in actors)
        and not (k and toks[k - 1][0] in ("votre", "vos", "ta", "ton", "tes"))
        for k, (_w, lemma, pos) in enumerate(toks)
    ):
        return "story"  # "L'EARL Morin, à Janville, une ferme comme la vôtre" ("votre Zoé" is the client's)
    return "story" if _third_party_past(s, cfg) else None


def _not_an_example(s: Sent, cue: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]) -> bool:
    """Round 17 (arg). What the example rules or the classifier take for an example but is none (tags.md,
    the corpus READMEs: a bare figure, spec or price is no example):
    - the seller announcing what they will do: a proposal, a recap, a first-person future ("je vous
      propose", "je récapitule", "je vous enverrai un exemple de rapport", "je passe à l'atelier le 8
      septembre"): a plan or a next step, not an illustration (settings.yaml ``example_seller_plan_phrases``,
      ``example_not_first_person_future``);
    - a quoted price ("3 200 euros hors taxe par mois", "18 500 euros HT"): the offer's price
      (``example_quote_words``);
    - a cue that needs a figure in the client's context (``example_needs_client_context``, "concrètement")
      where the only number is the article "un"/"une" ("concrètement, vous entrez comme dans une pièce"):
      a scenario without a figure translates a feature, it works out nothing;
    - Round 19 (ex2): opening hours ("la boulangerie de la rue Saint-Julien, ouverte jusqu'à dix-neuf heures
      trente", ``example_opening_hours_phrases``): practical information, not an illustration; and a bare
      credential (``_bare_credential``);
    - Round 20 (example): a financing ("en crédit-bail sur cinq ans, ça vous fait 270 euros par mois", "avec
      l'éco-prêt, vous étalez les 8 500 euros sur dix ans", ``example_financing_lemmas``): the instalment is
      the offer's price spread out, not an illustration; the savings set against it, in the next sentence
      ("en face, vous économisez 130 euros par mois"), still can be one;
    - Round 21 (example): a sentence that explains a term ("le COP de 4,5, ça veut dire que pour un euro
      d'électricité vous récupérez 4,50 € de chaleur", "une douche à l'italienne, c'est-à-dire de plain-pied :
      Robert n'a plus de marche à enjamber", "concrètement, cela signifie que votre batterie se remplit en six
      heures") is a ``technical_translation``, even with a figure or the client's own scene (corpus READMEs:
      "a figure only explaining a term belongs to technical_translation"; settings.yaml
      ``example_term_explained_phrases``). The turn's next sentence can still be the example;
    - Round 22 (examples): a term defined at the head of the sentence (:func:`_defines_a_term`), the firm
      describing itself (:func:`_firm_self_portrait`), and an invitation to try the offer at a reference
      customer's ("vous pouvez venir cuire chez un confrère, il a le même four", "je vous organise une
      cuisson chez Mathieu Roux", settings.yaml ``example_reference_visit_phrases``): a step proposed, not a
      case told (CV: three such examples of three authors, none in the gold)."""
    words = [t[0] for t in s.toks]
    if _says(words, cfg.get("example_seller_plan_phrases", ())):
        return True
    if _defines_a_term(words, cfg):
        return True  # Round 22 (examples): "La franchise, c'est la part qui reste à votre charge : …"
    if _firm_self_portrait(s, cfg):
        return True  # Round 22 (examples): "On est trois associés, on a six hectares…"
    if _says(words, cfg.get("example_reference_visit_phrases", ())):
        return True  # Round 22 (examples): "venez cuire votre levain chez Marc Besson, il a le même four"
    # Round 21 (example): a term explained ("ça veut dire que…") is a technical translation; spaCy splits
    # "c'est-à-dire" at its hyphens, glued back here.
    dehyphen = f" {_glued(words).replace(' - ', '-')} "
    # Round 23 (examples): "pour vous, ça veut dire que la presse 12, vous l'auriez arrêtée…" replays the
    # client's incident (_replays_client_incident): what it means for them, not what a term means.
    if cue[0] != "rejeu_client" and any(
        _has_phrase(dehyphen, p) for p in cfg.get("example_term_explained_phrases", ())
    ):
        return True
    # Round 23 (examples): "avec les aides, il vous reste environ huit mille cinq cents euros"
    if _net_price_only(s, words, cfg):
        return True
    if _says(words, cfg.get("example_opening_hours_phrases", ())):
        return True  # Round 19 (ex2): where and when a shop or relay point opens is practical information
    if _bare_credential(words, cfg) and not (
        cfg.get("example_credential_then_story") and _third_party_past(s, cfg)
    ):
        return True  # Round 21 (example): "j'en ai vendu plusieurs…, et une maman est repassée me dire…" tells one
    if cfg.get("example_not_first_person_future", False) and _first_person_future(words):
        return True
    if _says(words, cfg.get("example_quote_words", ())):
        return True
    financing = frozenset(cfg.get("example_financing_lemmas", ()))
    if financing and any(lemma in financing for _w, lemma, _p in s.toks):
        return True  # Round 20 (example): the instalment of a financing is the offer's price
    if cue[0] in frozenset(cfg.get("example_needs_client_context", ())) and cfg.get(
        "example_figure_not_article"
    ):
        articles = ("un", "une")
        return not any(
            any(ch.isdigit() for ch in w) or (pos == "NUM" and w not in articles) for w, _l, pos in s.toks
        )
    return False


def _net_price_only(s: Sent, words: Sequence[str], cfg: Mapping[str, Any]) -> bool:
    """Round 23 (examples). The price left to pay after aids or insurance, said as a single figure ("avec
    MaPrimeRénov' et les CEE, il vous reste environ huit mille cinq cents euros", "avec votre mutuelle, il vous
    reste environ mille cent euros") is the offer's net price, not a worked example (corpus READMEs: a bare
    figure or price is no example): nothing is computed in the sentence. The calculation said aloud stays one
    ("mille trois cent quatre-vingt-dix moins cinq cents, il vous reste huit cent quatre-vingt-dix euros", "si
    vous avez droit aux cinquante pour cent, il vous reste quatre mille quatre cent cinquante", "l'aide pourrait
    ramener votre reste à charge autour de cinq mille euros, donc sous votre budget de sept mille"): a second
    figure or a rate (settings.yaml ``example_net_price_phrases``; CV: two such examples of two authors, none in
    the gold)."""
    if not _says(words, cfg.get("example_net_price_phrases", ())):
        return False
    return len(_figures(s, cfg)) == 1 and not _applies_a_rate(s, cfg)


def _defines_a_term(words: Sequence[str], cfg: Mapping[str, Any]) -> bool:
    """Round 22 (examples). A sentence that opens on a term and defines it ("La franchise, c'est la part qui
    reste à votre charge : sur un sinistre de deux mille euros, on vous rembourse mille huit cent cinquante",
    "Le MTBF, c'est le temps moyen entre deux pannes : en décembre, vous montrez…") explains the term, even
    when a worked figure or a scene follows: it belongs to ``technical_translation`` (corpus READMEs: "a
    figure only explaining a term belongs to technical_translation"). The form: a definite article, the term
    in a few words, a comma, then "c'est" and a definite article or "ce" (settings.yaml
    ``example_definition_max_term_words``, ``example_definition_heads``; CV: five such examples of five
    authors, none in the gold)."""
    n_max = int(cfg.get("example_definition_max_term_words", 0))
    heads = tuple(str(x) for x in cfg.get("example_definition_heads", ()))
    if not n_max or not heads or not words or words[0] not in ("le", "la", "l'", "les"):
        return False
    try:
        comma = words.index(",")
    except ValueError:
        return False
    if not 2 <= comma <= n_max + 1:
        return False
    after = " ".join(words[comma + 1 : comma + 4])
    return any(after.startswith(h) for h in heads)


def _firm_self_portrait(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 22 (examples). The seller describing the firm in the present ("On est trois associés, on a six
    hectares du côté de Brissac", "on est une boîte familiale, hein, douze salariés", "On a une équipe de
    carreleurs, deux plombiers", "On a une quarantaine de domaines clients", "On a les pièces en stock à
    Lille") gives a credential, not a concrete example (tags.md: a bare credential is none): no case is told
    and the client is not in the sentence. The form: "on"/"nous" then "est/sommes" or "a/avons" as the main
    verb (not an auxiliary: "on a eu un client à Colomiers…" tells a case) then a noun group, whose noun is
    no customer ("On a une cliente, elle chante…", "on a une famille, les Martin…", settings.yaml
    ``example_model_actor_lemmas``, ``example_firm_portrait_customer_nouns``: "on a une usine de pièces
    plastique à Bourg-en-Bresse…"), in a sentence without "vous/votre/vos"; with "être" the noun group opens
    on an article or a number, the firm itself (settings.yaml ``example_firm_portrait``,
    ``example_firm_portrait_not_after``; CV: a dozen such examples of ten
    authors, none in the gold)."""
    if not cfg.get("example_firm_portrait", False):
        return False
    toks = s.toks
    words = [t[0] for t in toks]
    if any(w in ("vous", "votre", "vos") for w in words):
        return False
    actors = frozenset(cfg.get("example_model_actor_lemmas", ())) | frozenset(
        cfg.get("example_firm_portrait_customer_nouns", ())
    )
    not_after = frozenset(cfg.get("example_firm_portrait_not_after", ()))
    for k in range(len(toks) - 2):
        if words[k] not in ("on", "nous") or (k > 0 and words[k - 1] in ("chez", "à", "a")):
            continue  # "chez nous", "un client à nous" (transcribed "a nous") name no subject
        verb, lemma, _pos = toks[k + 1]
        if lemma not in ("être", "avoir") or verb not in ("est", "a", "sommes", "avons"):
            continue
        if any(t[2] in ("VERB", "AUX") for t in toks[k + 2 : k + 4]) or words[k + 2] in not_after:
            continue  # a compound tense tells a case ("on a tout pris en charge"); "on est à…" works out
        if lemma == "être":
            # "on est une boîte familiale", "on est trois associés": the firm itself
            if toks[k + 2][2] in ("DET", "NUM"):
                return True
            continue
        nouns = [t for t in toks[k + 2 : k + 7] if t[2] in ("NOUN", "PROPN")]
        if nouns and nouns[0][1] not in actors and nouns[0][0] not in actors:
            return True
    return False


def _served_customer(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 19 (ex2). A customer the seller's firm serves, named by a relative clause ("une potière de
    Dieulefit qu'on accompagne fait…", "un cabinet de Mérignac qu'on a équipé…") opens a customer story, often the second one of the talk, told
    without "par exemple" (settings.yaml ``example_served_customer_phrases``). It counts only in a statement,
    after a named place or firm or a customer noun (``example_model_actor_lemmas``: "la procédure qu'on suit"
    tells no case), and with the classifier's low threshold, like a cue."""
    phrases = cfg.get("example_served_customer_phrases", ())
    if not phrases or "?" in s.text:
        return False
    lo = s.thresholds.get("concrete_example", s.thresholds.get("default", (0.3, 0.8)))[0]
    if s.probs.get("concrete_example", 1.0) < lo:
        return False
    words = [t[0] for t in s.toks]
    text = f" {_glued(words)} "
    found = [_find_phrase(text, p) for p in phrases]
    k = min((x for x in found if x >= 0), default=-1)
    if k < 0:
        return False
    before = len(text[:k].split())
    actors = frozenset(cfg.get("example_model_actor_lemmas", ()))
    return any(pos == "PROPN" or lemma in actors for _w, lemma, pos in s.toks[:before])


def _bare_credential(words: Sequence[str], cfg: Mapping[str, Any]) -> bool:
    """Round 19 (ex2). A bare sales or reference count ("on en a vendu des dizaines dans la Sarthe", "j'en ai
    vendu trois la semaine dernière", "on a même des clients qui modulent au semis", "aucun client ne s'est
    plaint") is a credential, not a concrete example (tags.md: "on a équipé trois hôtels" is none): no one
    case is told. A single sale ("j'en ai vendu un à une dame, sa fille…") opens a story and stays
    (settings.yaml ``example_credential_phrases``; CV: no gold example among them, eight false examples of
    eight authors)."""
    phrases = cfg.get("example_credential_phrases", ())
    if not phrases:
        return False
    # Round 20 (example): "une cinquantaine", "une vingtaine" count sales; they open no single case
    # (settings.yaml example_credential_count_nouns).
    counts = frozenset(str(x) for x in cfg.get("example_credential_count_nouns", ()))
    text = f" {_glued(words)} "
    for p in phrases:
        k = _find_phrase(text, p)
        after = text[k + len(str(p)) + 1 :].split()[:2] if k >= 0 else []
        if k >= 0 and (after[:1] not in (["un"], ["une"]) or (after[1:2] and after[1] in counts)):
            return True
    return False


def _relative_qui(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 17 (arg). A sentence the question rules read as a wh-question only for a "qui" right after a
    comma, without a question mark, is a statement with a relative clause ("Une cliente à Concarneau, qui a
    quatre petits-enfants, m'a envoyé une photo…", "chez Clairnet, à Angers, qui a une centaine d'agents…"): a
    customer story can still be an example (settings.yaml ``example_relative_qui_not_question``)."""
    if (
        not cfg.get("example_relative_qui_not_question", False)
        or "?" in s.text
        or not s.qrule.startswith("wh")
    ):
        return False
    return any(w == "qui" and k > 0 and s.toks[k - 1][0] == "," for k, (w, _l, _p) in enumerate(s.toks))


def _first_person_future(words: Sequence[str]) -> bool:
    """The first person singular future: "je" (then object pronouns) and a verb in -rai ("je vous
    enverrai", "je prendrai", "je lui en parlerai")."""
    pronouns = {"vous", "lui", "leur", "l'", "le", "la", "les", "en", "y", "te", "me", "m'"}
    for k, w in enumerate(words):
        if w not in ("je", "j'"):
            continue
        j = k + 1
        while j < len(words) and words[j] in pronouns:
            j += 1
        if j < len(words) and len(words[j]) > 4 and words[j].endswith("rai"):
            return True
    return False


def _first_person_gift(s: Sent, cue: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]) -> bool:
    """The seller gives in the first person with a verb of giving ("je vous l'offre", "on peut s'aligner"),
    not "l'installation est offerte" (a feature of the offer) nor "on ajoute un répéteur" (a solution)."""
    lo = max(0, cue[2] - s.tok_start - 2)
    span = s.toks[lo : cue[3] - s.tok_start]
    giving = tuple(cfg.get("concession_giving_stems", ()))  # word starts: the lemmatiser misses "l'offre"
    return any(t[0] in ("je", "j'", "on") for t in span) and any(t[0].startswith(giving) for t in span)


def _free_gift(
    s: Sent, cfg: Mapping[str, Any], first_word: int = 0
) -> tuple[str, str | None, int, int, str] | None:
    """Round 16 (mood). The seller who adds something for free in the first person ("je vous mets le kit de
    buttage gratuit", "je vous fais le premier mois gratuit", "je vous mets l'option œufs gratuite") makes a
    gift, whatever the thing given: "je"/"on" + "vous" + a giving verb (``concession_free_giving_verbs``),
    then, a few words on, a word of ``concession_free_words`` (settings.yaml). "La livraison est gratuite"
    (no giver) describes the offer. Returns a ``geste`` cue over those words, or None."""
    free = frozenset(cfg.get("concession_free_words", ()))
    verbs = frozenset(cfg.get("concession_free_giving_verbs", ()))
    if not free or not verbs:
        return None
    words = [t[0] for t in s.toks]
    for k, w in enumerate(words):
        if w not in free:
            continue
        for j in range(max(first_word, k - 12), k - 2):
            if (
                words[j] in ("je", "on")
                and words[j + 1] == "vous"
                and (
                    words[j + 2] in verbs
                    or (words[j + 2] in ("le", "la", "les", "l'", "en") and words[j + 3] in verbs)
                )
            ):
                return ("geste", None, s.tok_start + j, s.tok_start + k + 1, " ".join(words[j : k + 1]))
    return None


def _second_gift(
    s: Sent, first: tuple[str, str | None, int, int, str], cfg: Mapping[str, Any]
) -> tuple[str, tuple[int, int, int, int]] | None:
    """Round 17 (mood). Two gifts joined in one sentence, each with its own giver ("je vous offre le premier
    mois, et je vous fais l'option vélo à quatre euros", "je peux vous faire 50 euros de remise, et je vous mets
    le kit de buttage gratuit") are two concessions: after the first gift cue, a joining word of
    ``concession_second_gift_joiners`` ("et", ","), then "je"/"on" + "vous" (or "je peux vous") and a gift cue or
    a free gift. "Et aussi le premier vol gratuit" (no second giver) stays one gesture. Returns the pattern id
    and the (token, char) span of the second clause, or None."""
    joiners = frozenset(str(x) for x in cfg.get("concession_second_gift_joiners", ()) or ())
    if not joiners:
        return None
    words = [t[0] for t in s.toks]
    start = first[3] - s.tok_start
    # The first gift is made too, by its own giver in its clause ("je vous offre le kit", "je peux vous faire le
    # premier mois offert"): not a gift named without a giver ("il y a l'installation offerte", "pour la remise,")
    # nor the announcement of the one to come ("je peux faire un geste : si vous signez…, je vous offre…").
    announced = tuple(str(x) for x in cfg.get("concession_second_gift_announcements", ()) or ())
    if any(w in first[4] for w in announced):
        return None
    k0 = first[2] - s.tok_start
    clause = list(words[k0:start])
    for w in reversed(words[max(0, k0 - 10) : k0]):
        if w in (",", ":", ";", "."):
            break
        clause.append(w)
    if not {"je", "on"} & set(clause):
        return None
    for j in range(max(start, 1), len(words) - 2):
        if words[j] not in ("je", "on") or words[j - 1] not in joiners:
            continue
        rest = words[j + 1 : j + 3]
        if "vous" not in rest:
            continue
        lo = s.tok_start + j
        found = next((x for x in s.cues.get("concession", []) if x[0] == "geste" and x[2] >= lo), None)
        if found is None:
            found = _free_gift(s, cfg, j)
        if found is None:
            return None
        # The clause's characters: the giver is the (k+1)-th free-standing "je"/"on" of the sentence.
        k = sum(1 for w in words[:j] if w in ("je", "on"))
        hits = list(re.finditer(r"(?<![\w'])(?:je|on)(?![\w'])", s.text))
        if k >= len(hits):
            return None
        c0 = s.char_start + hits[k].start()
        return found[0], (lo, s.tok_end, c0, s.char_end)
    return None


def _negated_near(s: Sent, cue: tuple[str, str | None, int, int, str], additive: Any = ()) -> bool:
    """A negation among the four words before the cue ("je ne vous fais pas de remise"). Round 18 (grid):
    "plus" after one of ``additive`` (settings.yaml concession_additive_plus: "en plus", "de plus") adds a
    gift ("et puis, en plus, je vous offre le premier mois"), it negates nothing."""
    # token offsets relative to the sentence's words are not kept; look at the words before the cue text
    words = [w.strip(",") for w in s.text.split(cue[4])[0].split()] if cue[4] in s.text else []
    added = {k for k in range(1, len(words)) if words[k] == "plus" and words[k - 1] in additive}
    return any(w in _NEGATION and k not in added for k, w in enumerate(words) if k >= len(words) - 4)


def _but_after(s: Sent, end: int) -> bool:
    """A "mais" follows the cue ending at ``end`` (a doc token index) in the sentence."""
    return "mais" in [t[0] for t in s.toks[max(0, end - s.tok_start) :]]


def _accepted_after_but(s: Sent, start: int, yes_words: Any) -> bool:
    """The sentence turns on its last "mais" to an acceptance ("…, mais sur le principe, oui"):
    the clause after it holds a yes phrase and no negation, and the cue at ``start`` (a doc token
    index) lies before it. "Trop cher, mais d'accord pour un essai" accepts something else."""
    words = [t[0] for t in s.toks]
    if not yes_words or "mais" not in words:
        return False
    k = len(words) - 1 - words[::-1].index("mais")
    return (
        start - s.tok_start < k and _says(words[k + 1 :], yes_words) and not set(words[k + 1 :]) & _NEGATION
    )


def _repair_shows_unease(st: _State, ss: Sequence[Sent], prev_client: Sequence[Sent]) -> None:
    """The seller opens his turn by apologising and taking back what he did ("pardon, je vais trop vite",
    "non non, pardon, c'était pas ce que je voulais dire", "pardon, vous avez raison"): he saw the
    client's unease, whatever words the client used ("je ne suis pas venue pour me faire faire la
    morale, hein"). The client's turn gets a discomfort sign (and loses a comfort sign other than
    laughter) unless it already has one or laughs."""
    cfg = st.settings
    apologies = cfg.get("discomfort_repair_apologies", ())
    repairs = cfg.get("discomfort_repair_phrases", ())
    if not apologies or not repairs or not ss:
        return
    max_words = int(cfg.get("discomfort_repair_max_words", 12))
    head = [w for s in ss for w in s.words][:max_words]
    if not (_says(head, apologies) and _says(head, repairs)):
        return
    turn = prev_client[0].turn
    if _has_label(st, turn, "discomfort_signal"):
        return
    if any(x[0] == "rire" for s in prev_client for x in s.cues.get("comfort_signal", [])):
        return  # "(rires) mais vous allez vite, vous !": teasing at ease
    target = max(prev_client, key=lambda x: (x.probs.get("discomfort_signal", 0.0), x.n_words))
    # Dropped at the end of the walk (act indices must stay put until then).
    st.dropped_at_end.update(
        i for i, a in enumerate(st.acts) if a.turn == turn and a.label == "comfort_signal"
    )
    _add(st, "discomfort_signal", target, "rule:discomfort_signal/repaired_by_candidate", 0.5)


def _add_reservation_phrase_cue(s: Sent, cfg: Mapping[str, Any]) -> None:
    """Round 19 (obj2). Fixed French turns that voice a reservation once the offer is on the table: the price
    set against a known expense ("c'est le salaire d'un technicien", "c'est le prix d'un bon pulvé"), a
    rhetorical "why would I" ("pourquoi je paierais dix euros de plus ?", "pourquoi je changerais ?"). A
    client's sentence holding one of settings.yaml objection_phrase_cues (kind -> phrases) gets an objection
    cue of family ``formule`` after its own ones; the usual checks then apply (the classifier's confirmation,
    the offer made, the share of the talk reached). CV: the cue families of cues.yaml missed these turns (10
    objections of 10 authors found, none wrong)."""
    table = cfg.get("objection_phrase_cues") or {}
    text = f" {_glued(s.words)} " if table else ""  # as _says reads it, glued once for every phrase
    for kind, phrases in table.items():
        found = next((str(p) for p in phrases if _has_phrase(text, p)), None)
        if found is not None:
            cue = ("formule", str(kind), s.tok_start, s.tok_end, found)
            s.cues.setdefault("objection", []).append(cue)
            return


def _add_price_elsewhere_cue(s: Sent, cfg: Mapping[str, Any]) -> None:
    """Round 21 (objection). A client who sets an amount seen elsewhere against the offer ("en magasin on en
    a vu une en chêne à mille cinq cents", "votre voisin, il me fait le grand à dix-huit", "ma voisine paie
    16 euros son panier", "j'ai reçu un devis de Bureaux Concept à cinq cent quatre-vingt-dix") voices a
    competitor objection even when no cue family of cues.yaml names it. A client's sentence holding one of
    settings.yaml objection_elsewhere_markers (a place or a person that sells or pays elsewhere) and an
    amount (a number in figures or in the words of objection_elsewhere_number_words, after "à", or before one
    of objection_elsewhere_currency) that no unit of
    objection_elsewhere_not_units follows ("à dix-huit heures", "à dix mètres") gets an objection cue of
    family ``prix_ailleurs`` (kind competitor), after its own ones; the usual checks apply (the classifier's
    confirmation, the offer made, the share of the talk reached)."""
    markers = cfg.get("objection_elsewhere_markers") or ()
    if not markers or not _says(s.words, markers):
        return
    currency = frozenset(str(x) for x in cfg.get("objection_elsewhere_currency", ()))
    units = frozenset(str(x) for x in cfg.get("objection_elsewhere_not_units", ()))
    words = frozenset(str(x) for x in cfg.get("objection_elsewhere_number_words", ()))
    toks = [(t[0], t[2]) for t in s.toks if t[0].strip()]

    def is_num(i: int) -> bool:
        w, pos = toks[i]
        parts = w.split("-")
        return (
            pos == "NUM"
            or any(ch.isdigit() for ch in w)
            or (parts[0] in words and all(x in words or x in ("et", "un", "une") for x in parts))
        )

    for i in range(len(toks)):
        if not is_num(i) or (i > 0 and is_num(i - 1)):
            continue
        j = i
        while j + 1 < len(toks) and is_num(j + 1):
            j += 1
        after = toks[j + 1][0] if j + 1 < len(toks) else ""
        if after in units:
            continue
        if after in currency or (i > 0 and toks[i - 1][0] == "à"):
            cue = ("prix_ailleurs", "competitor", s.tok_start, s.tok_end, s.text)
            s.cues.setdefault("objection", []).append(cue)
            return


def _add_conditional_worry_cue(s: Sent, cfg: Mapping[str, Any]) -> None:
    """Round 21 (objection). "Et si votre serveur tombe un lundi matin, on fait comment ?", "et si le moteur
    tombe en panne, le bureau reste coincé en haut, je fais comment, moi ?": a client's sentence that opens on
    a hypothesis (settings.yaml objection_worry_openers, "si" / "et si", not "s'il") and asks what one does
    then (objection_worry_asks, "on fait comment", "je fais comment") voices a worry about the offer, an
    objection, not a plain question (corpus: 11 of 12 such sentences are gold objections, 8 authors). It gets
    an objection cue of family ``si_comment`` (kind technical, unless its own cues say another kind)."""
    openers = tuple(str(x) for x in cfg.get("objection_worry_openers", ()) or ())
    asks = cfg.get("objection_worry_asks") or ()
    if not openers or not asks:
        return
    words = [t[0] for t in s.toks[_stage_direction_end(s) :] if t[2] != "PUNCT" and t[0].strip()]
    head = _glued(words[:4])
    if not any(head == o or head.startswith(f"{o} ") for o in openers) or not _says(s.words, asks):
        return
    s.cues.setdefault("objection", []).append(("si_comment", "technical", s.tok_start, s.tok_end, s.text))


def _drop_refused_kind(s: Sent, cfg: Mapping[str, Any]) -> None:
    """Round 16 (obj). "Je ne veux pas d'un truc industriel", "je ne veux pas une salle de bains d'hôpital":
    refusing a kind of thing (an indefinite article after the refusal) says what the offer must be, a need,
    not a reservation that blocks the sale ("je ne veux pas m'engager pour l'année", "je ne veux pas de
    nouvelles têtes" still are). The refusal cues of settings.yaml objection_refused_kind_cues followed by one
    of objection_refused_kind_articles are taken out of the sentence's objection cues."""
    ids = frozenset(str(x) for x in cfg.get("objection_refused_kind_cues", ()))
    arts = frozenset(str(x) for x in cfg.get("objection_refused_kind_articles", ()))
    found = s.cues.get("objection")
    if not ids or not arts or not found:
        return

    def kind_after(x: tuple[str, str | None, int, int, str]) -> bool:
        words = _glued([t for t, _l, _p in s.toks[x[2] - s.tok_start :][:8]]).split()
        if "pas" not in words:
            return False
        after = words[words.index("pas") + 1 :]
        return bool(after) and after[0] in arts

    kept = [x for x in found if not (x[0] in ids and kind_after(x))]
    if len(kept) != len(found):
        if kept:
            s.cues["objection"] = kept
        else:
            del s.cues["objection"]


def _drop_announced_price_question(s: Sent, cfg: Mapping[str, Any]) -> None:
    """Round 23 (probes). "Par contre, le prix, c'est combien ?", "Par contre, elle est à combien, celle-là ?":
    an announcing phrase ("par contre", "dernière chose") that opens a plain question about the price asks for
    information, it voices no reservation (the authors tag no objection there, and the seller has nothing to
    probe: an unprobed false objection fails C3.2). When the
    sentence's only objection cues are announcing ones (settings.yaml objection_announce_cues), it asks (a
    question mark), and it asks for an amount (objection_announce_price_question_words), those cues are taken
    out; a doubt asked after the same phrase ("par contre, comment je sais que vos capteurs… ?") keeps its own
    cue and stays an objection."""
    ids = frozenset(str(x) for x in cfg.get("objection_announce_cues", ()))
    asks = cfg.get("objection_announce_price_question_words", ())
    found = s.cues.get("objection")
    if not ids or not asks or not found or "?" not in s.text:
        return
    if all(x[0] in ids for x in found) and _says(s.words, asks):
        del s.cues["objection"]


def _limits_meeting_time(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 18 (arg). At the start, the client who limits the time of the meeting itself ("on a trente
    minutes, pas plus", "mais je n'ai qu'une heure, hein", "je passais, j'ai les petits qui m'attendent") sets
    the frame of the visit, not a need the offer must answer (the authors tag no need there; a time budget for
    the product, "deux heures par semaine, maximum", "vingt minutes, sinon les petits s'endorment", comes later
    in discovery and stays a need). A sentence says it with a time unit and a limiting phrase
    (settings.yaml need_meeting_time_units, need_meeting_time_limits), or with one of
    need_meeting_time_phrases; a period ("par semaine", need_meeting_time_not) makes it a budget again."""
    text = f" {_glued(s.words)} "

    def says(phrases: Any) -> bool:  # an elided last word ("qu'") runs on into the next one
        return any(_has_phrase(text, p) for p in phrases)

    if says(cfg.get("need_meeting_time_not", ())):
        return False
    if says(cfg.get("need_meeting_time_phrases", ())):
        return True
    return says(cfg.get("need_meeting_time_units", ())) and says(cfg.get("need_meeting_time_limits", ()))


def _thought_restatement(s: Sent, cfg: Mapping[str, Any]) -> tuple[str, None, int, int, str] | None:
    """Round 20b (reform). The seller lends the client a line of reasoning in the second person ("Vous vous
    dites que vous pourriez le faire vous-mêmes, gratuitement", "Et la prise renforcée, vous vous dites
    qu'elle ferait l'affaire pour moins cher"): with a reservation on the table, this says the reservation
    back, it does not probe it, even when it ends as a closed question (settings.yaml
    objection_thought_restatement_phrases; the corpus has 13 such sentences by 13 authors, all gold
    objection reformulations, 10 of them missed). An open question ("qu'est-ce qui vous fait vous dire
    que…") asks rather than restates, and a hedged anticipation ("vous vous dites peut-être que…") is not
    matched by the phrases. When the reservation said back was missed in the client's last turn, the sentence
    also recovers it (it counts as a strong restating marker for the restated_by_candidate branch)."""
    phrases = [
        str(x).replace("'", "' ").strip() for x in cfg.get("objection_thought_restatement_phrases", ())
    ]
    text = f" {' '.join(s.words)} "  # elided words stay apart: "vous vous dites qu' une …"
    if (
        not phrases
        or s.role != "candidate"
        or s.form == "open"
        or not any(_has_phrase(text, p) for p in phrases)
    ):
        return None
    return ("vous_vous_dites", None, s.tok_start, s.tok_start, "")


def _wish_restatement(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 23 (answers). Right after the client's reservation, a statement that opens by saying what the
    client wants ("Vous voulez une preuve sur vos propres presses, pas sur une plaquette.", "Bien sûr, vous
    voulez décider à deux", "Vous voulez voir les mêmes personnes, vous avez raison") turns the reservation into
    the client's demand: it restates it (the gold: 11 such sentences of 11 authors right after an objection,
    all objection reformulations, 6 missed). The phrase (settings.yaml objection_wish_restatement_phrases) opens
    the sentence (after at most ``objection_wish_restatement_max_lead`` words: "bien sûr", "autrement dit", none
    of them opening a clause: "et si vous voulez…", "vous suspendez quand vous voulez",
    ``objection_wish_restatement_not_after``) and is not followed by a proposal or a probe ("vous voulez qu'on
    regarde…", "vous voulez dire…", ``objection_wish_restatement_not_followed_by``); a question ("vous voulez la garantie trois ans ?") offers
    rather than restates, so only sentences without a question mark count (the question rules read some of
    these statements as unmarked closed questions: they still restate). Called only for a fresh objection."""
    phrases = tuple(str(x) for x in cfg.get("objection_wish_restatement_phrases", ()))
    if not phrases or s.role != "candidate" or s.form == "open" or "?" in s.text:
        return False
    words = [w for w in s.words if w not in (",", ".", ":", ";", "!", "...", "…")]
    lead = int(cfg.get("objection_wish_restatement_max_lead", 2))
    stop = frozenset(str(x) for x in cfg.get("objection_wish_restatement_not_followed_by", ()))
    clause = frozenset(str(x) for x in cfg.get("objection_wish_restatement_not_after", ()))
    for p in phrases:
        pw = p.split()
        for k in range(min(lead, len(words) - len(pw)) + 1):
            if words[k : k + len(pw)] == pw and not clause & set(words[:k]):
                nxt = words[k + len(pw)] if k + len(pw) < len(words) else ""
                return bool(nxt) and nxt not in stop
    return False


def _confirms_restatement(s: Sent, cfg: Mapping[str, Any]) -> bool:
    """Round 16 (obj). The seller says back what the client holds against the offer and asks for a
    confirmation ("Vous comparez le contrat au coût d'une embauche, c'est ça ?", "Pour vous, c'est cher payé
    pour des photos, c'est bien ça ?"): a closed question that ends on a confirmation tag (settings.yaml
    objection_restatement_tags) and speaks of the client (second person, objection_restatement_person_words),
    with some content before the tag. Right after a reservation it restates it, with or without a restating verb;
    a summary of the talk ("si je résume, …", objection_restatement_not_summaries) does not."""
    tags = tuple(str(x) for x in cfg.get("objection_restatement_tags", ()))
    if not tags or s.form != "closed" or s.role != "candidate":
        return False
    text = _glued(s.words)
    tail = next((t for t in tags if text == t or text.endswith(" " + t)), None)
    if tail is None:
        return False
    # "si je résume, vous avez trois choses…, c'est ça ?" sums up the talk, not the reservation.
    if _says(s.words, cfg.get("objection_restatement_not_summaries", ())):
        return False
    body = text[: len(text) - len(tail)].split()
    person = frozenset(str(x) for x in cfg.get("objection_restatement_person_words", ()))
    return len(body) >= int(cfg.get("objection_restatement_min_words", 4)) and any(w in person for w in body)


def _says(words: Sequence[str], phrases: Any) -> bool:
    """One of ``phrases`` stands, as whole words, in ``words`` (elided words joined back: "d' accord" ->
    "d'accord")."""
    text = f" {_glued(words)} "
    return any(_has_phrase(text, p) for p in phrases)


def _find_phrase(text: str, phrase: Any) -> int:
    """Round 21 (says). Where ``phrase`` starts, as whole words, in ``text`` (words padded with spaces, as
    f" {_glued(words)} " or f" {s.text} " give it): the index of the space before it, -1 if absent. A phrase
    that ends on an elided word ("je n'ai qu'", "parce qu'", "jusqu'", "j'") runs on into the next word in
    glued text ("je n'ai qu'une heure"): it needs the space before it only. Before, every matcher tested
    f" {p} " and such phrases could never match."""
    p = str(phrase)
    return text.find(f" {p}" if p.endswith("'") else f" {p} ")


def _has_phrase(text: str, phrase: Any) -> bool:
    """Round 21 (says). ``phrase`` stands as whole words in ``text`` (``_find_phrase``)."""
    return _find_phrase(text, phrase) >= 0


def _glued(words: Sequence[str]) -> str:
    """The words joined by spaces, elided words glued to the next ("s' il" -> "s'il"; the Doc's text has
    plain apostrophes, components.py)."""
    return " ".join(words).replace("' ", "'")


def _best_need(st: _State, s: Sent, sim: _Similarity, floor: float = 0.0) -> tuple[int | None, float]:
    """The need an argument answers: the most similar one, but a need no argument has answered
    yet wins when it is nearly as close (arguments tend to take the needs in turn) and still
    reaches ``floor`` (the caller's link threshold)."""
    scored = [(sim.score(s, ns), a) for a, ns in st.needs]
    if not scored:
        return None, -1.0
    score, best = max(scored)
    answered = {x for act in st.acts if act.label == "argument" for x in act.links}
    margin = float(st.settings.get("argument_fresh_need_margin", 0.8))
    fresh = [(v, a) for v, a in scored if a not in answered and v >= margin * score and v >= floor]
    if fresh and best in answered:
        score, best = max(fresh)
    return best, score


def _argument_links(st: _State, s: Sent, sim: _Similarity, best: int, score: float) -> list[int]:
    """The needs an argument answers: the best one, and another need nearly as close when one benefit
    settles two worries ("l'air arrive sec : plus de gouttes, plus de reprises")."""
    ratio = float(st.settings.get("argument_second_link_ratio", 0) or 0)
    if ratio <= 0 or score <= 0:
        return [best]
    others = sorted(((sim.score(s, ns), a) for a, ns in st.needs if a != best), reverse=True)
    extra = [a for v, a in others[:1] if v >= ratio * score]
    return [best, *extra]


def _restated_need(st: _State, s: Sent, sim: _Similarity, ti: int) -> list[int]:
    """No need tag to link to: the candidate restates a client sentence we missed; tag it as the need."""
    lookback = int(st.settings.get("reformulation_lookback", 12))
    tagged = {a.sent for a in st.acts if a.label in ("need", "objection")}
    pool = [
        c
        for c in sim._sents
        if c.role == "client"
        and c.turn < ti
        and ti - c.turn <= lookback
        and c.n_words >= 4
        and c.index not in tagged
        # After discovery, a restated client sentence is a reservation or a reaction, not a need.
        and (not st.phased or st.share(c.turn) <= float(st.settings.get("need_max_share", 1.0)))
    ]
    if not pool:
        return []
    sim.prepare([c.index for c in pool] + [s.index])
    best = max(pool, key=lambda c: sim.score(s, c))
    a = _add(st, "need", best, "rule:need/restated_by_candidate", 0.45)
    st.needs.append((a, best))
    return [a]


def _link_needs(st: _State, s: Sent, sim: _Similarity, ti: int) -> list[int]:
    """The need(s) a reformulation restates: the most similar recent need, or several for a summary."""
    lookback = int(st.settings.get("reformulation_lookback", 12))
    summary = any(w in s.text for w in ("résume", "récapitul", "résumer", "en résumé"))
    # A summary of what the client said ("si je résume ce que vous me dites : …") gathers the needs of
    # the whole discovery; "pour résumer notre offre : …" restates the seller's own terms.
    whole = summary and s.second_person
    recent = [(a, ns) for a, ns in st.needs if whole or ti - ns.turn <= lookback]
    scored = sorted(((sim.score(s, ns), a) for a, ns in recent), reverse=True)
    if not scored:
        return []
    if summary:
        thr = float(st.settings.get("summary_link_similarity", 0.3))
        links = [a for v, a in scored if v >= thr]
        return sorted(links) or [scored[0][1]]
    return [scored[0][1]]


def _answer_names_need(st: _State, ti: int, ss: Sequence[Sent], sim: _Similarity, served: set[int]) -> bool:
    """Round 17b (arg2). The answer to an objection that takes up, in the client's own words, a need the
    client stated before the objection ("il me faut un truc sur le téléphone" … "tout se fait sur le
    téléphone, trois boutons") also argues for that need (tags.md: an objection_response is also an
    argument when it answers a separate earlier need; the authors tag both). The sentence (the response
    itself included) must share ``argument_answer_need_min_lemmas`` content lemmas with a need no argument
    has answered yet, stated in an earlier turn than the objection (settings.yaml; 0 = off)."""
    cfg = st.settings
    k = int(cfg.get("argument_answer_need_min_lemmas", 0) or 0)
    objs = [
        st.acts[x].turn for a in st.acts if a.turn == ti and a.label == "objection_response" for x in a.links
    ]
    if k <= 0 or not objs:
        return False
    obj_turn = min(objs)
    answered = {x for act in st.acts if act.label == "argument" for x in act.links} | served
    ignored = frozenset(str(x) for x in cfg.get("argument_answer_need_ignored_lemmas", ()))
    restated = {a.sent for a in st.acts if a.turn == ti and a.label.endswith("reformulation")}
    min_words = int(cfg.get("min_words_argument", 6))
    floor = float(cfg.get("argument_answer_need_similarity", 0.0))
    p_min = float(cfg.get("argument_answer_need_min_p", 0.0))
    best: tuple[float, Sent, int] | None = None
    for s in ss:
        if s.form or s.n_words < min_words or s.index in restated or s.probs.get("argument", 0.0) < p_min:
            continue
        for a, ns in st.needs:
            if a in answered or ns.turn >= obj_turn:
                continue
            shared = (s.lemmas & ns.lemmas) - ignored
            if len(shared) < k:
                continue
            v = sim.score(s, ns)
            if v >= floor and (best is None or v > best[0]):
                best = (v, s, a)
    if best is None:
        return False
    _add(st, "argument", best[1], "rule:argument/answer_names_need", 0.45, links=[best[2]])
    return True


def _restates_before_probe(
    st: _State,
    s: Sent,
    ss: Sequence[Sent],
    ti: int,
    prev_client: Sequence[Sent],
    sim: _Similarity,
    cfg: Mapping[str, Any],
) -> bool:
    """Round 22 (restate). Right after the client's reservation, the seller's answer that opens with a
    statement taking up the client's words and then asks a follow-up question about the reservation
    ("Je comprends, 8 500 euros avec une rentrée à Lyon à financer, c'est beaucoup d'un coup. Lourd par
    rapport à quoi ?", "Un modèle équivalent, quinze pour cent moins cher. Qu'est-ce qui est compris dans
    leur offre ?") restates the reservation before probing it, even without a restating marker. The
    statement opens the answer (after at most a short acknowledgement), a question the walk read as the
    probe of this reservation follows it in the same turn, it neither argues back (``_opens_rebuttal``) nor
    speaks of the seller's side (``restate_before_probe_seller_words``), and it is close to the client's
    turn (link score >= ``restate_before_probe_min_similarity`` and at least
    ``restate_before_probe_min_shared_lemmas`` content lemmas in common). CV by author (296 sessions): eight
    such restatements of eight authors found, none wrong; the scores kept out the seller's own statements
    before a probe ("Le satellite, c'est pas du tout la même précision", 0.31; "Bien sûr, c'est votre projet
    à deux", 0.32)."""
    thr = cfg.get("restate_before_probe_min_similarity")
    if thr is None or s.form or "?" in s.text or not prev_client:
        return False
    if not any(a.turn == ti and a.label == "objection_probe" and a.sent > s.index for a in st.acts):
        return False
    most = int(cfg.get("restate_before_probe_max_ack_words", 4))
    if any(x.n_words > most for x in ss if x.index < s.index):
        return False
    if _opens_rebuttal(s, cfg):
        return False
    if s.n_words < int(cfg.get("restate_before_probe_min_words", 5)):
        return False  # "D'accord.", "Je comprends.": the acknowledgement itself
    seller = frozenset(str(x) for x in cfg.get("restate_before_probe_seller_words", ()))
    if any(w in seller for w in s.words):
        return False
    # "je" only to take the client in ("je comprends", "je vous entends"), not to argue ("je vous la
    # déconseille", "je ne vais pas vous dire le contraire").
    clitics = frozenset(str(x) for x in cfg.get("restate_before_probe_clitics", ()))
    takes_in = frozenset(str(x) for x in cfg.get("restate_before_probe_ack_verbs", ()))
    words = [w for w in s.words if w not in (",", ".", ":", ";")]
    for k, w in enumerate(words):
        if w in ("je", "j'"):
            nxt = next((x for x in words[k + 1 :] if x not in clitics), "")
            if nxt not in takes_in:
                return False
    best = sim.closest(s, prev_client)
    shared = max(len(s.lemmas & c.lemmas) for c in prev_client)
    return best >= float(thr) and shared >= int(cfg.get("restate_before_probe_min_shared_lemmas", 1))
