"""The draft C1–C5 grid: each criterion's rule over the tags and measures (``spec/grid.md``).

Bars, labels and rationale sentences come from the référentiel file; this module only holds the
counting conventions. Each rule returns an ``_Outcome``; ``build_grid`` then derives the
confidence (tag confidences and distance to the bar) and, for criteria the référentiel marks
``decidable: partly``, re-runs the rule on the confident tags only: when the status changes, the
decision rests on fragile detections and the criterion is sent ``to_review``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..fileio import dumps_json, sha256_text
from ..provenance import make_provenance
from ..scenarios import Criterion, Referentiel, Scenario, fold, term_pattern
from ..types import (
    CompetenceSuggestion,
    CriterionSuggestion,
    Evidence,
    Grid,
    GridAuthor,
    Measures,
    StepSpan,
    Tag,
    TagSet,
    Transcript,
)
from .steps import Segmentation, locate_steps, segment_turns

log = logging.getLogger(__name__)

GRID_STAGE_VERSION = "1"


@dataclass
class _Outcome:
    status: str
    value: float | None
    detail: str = ""
    tags: list[Tag] = field(default_factory=list)  # tags that decide (their confidence matters)
    context: list[Tag] = field(default_factory=list)  # further tags shown as evidence
    measures: list[Evidence] = field(default_factory=list)
    margin: float | None = None  # distance to the bar in "units" (None: not meaningful)
    base: float | None = None  # confidence before the distance factor (None: from the tags)
    count: int = 0


@dataclass
class _Context:
    transcript: Transcript
    measures: Measures | None
    tags: Sequence[Tag]
    scenario: Scenario | None
    referentiel: Referentiel
    segmentation: Segmentation

    def __post_init__(self) -> None:
        self.by_id = {t.id: t for t in self.tags}
        self.turns = {t.id: t for t in self.transcript.turns}
        self.turn_step = {
            turn.id: step for turn, step in zip(self.transcript.turns, self.segmentation.steps, strict=False)
        }

    def labelled(self, *labels: str) -> list[Tag]:
        return [t for t in self.tags if t.label in labels]

    def linked_from(self, sources: Sequence[Tag], target_label: str) -> dict[str, list[Tag]]:
        """target tag id -> the source tags that link to it (only targets with ``target_label``)."""
        out: dict[str, list[Tag]] = {}
        for s in sources:
            for ref in s.links:
                target = self.by_id.get(ref)
                if target is not None and target.label == target_label:
                    out.setdefault(ref, []).append(s)
        return out


# --------------------------------------------------------------------------- formatting


def _fmt(value: float | None, crit: Criterion) -> str:
    if value is None:
        return "?"
    if crit.bar.kind == "ratio_min":
        return f"{round(value * 100):d} %"
    return f"{value:g}"


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def _margin_count(crit: Criterion, value: float, met: bool) -> float:
    """How many units from the bar: 0 means exactly at it (met) or one short of it (not met)."""
    t = crit.bar.threshold
    if crit.bar.kind == "count_max":
        return (t - value) if met else (value - t - 1)
    return (value - t) if met else (t - value - 1)


def _count_status(crit: Criterion, value: float) -> tuple[str, float]:
    met = crit.bar.passes(value)
    return ("met" if met else "not_met"), _margin_count(crit, value, met)


# --------------------------------------------------------------------------- rules


def _rule_count(crit: Criterion, ctx: _Context) -> _Outcome:
    """Count the candidate's tags of the criterion's labels (C1.1, C2.2, C2.4, C4.2, C4.3, C5.x).

    The decision counts the whole session (grid.md); how many fall inside the criterion's steps
    (e.g. C1.1 in steps 1–2, C5.x in step 6) is reported as a measure beside it.
    """
    tags = ctx.labelled(*crit.tags)
    status, margin = _count_status(crit, len(tags))
    out = _Outcome(status, len(tags), tags=tags, margin=margin, count=len(tags))
    if ctx.segmentation.steps and tags:
        in_scope = [t for t in tags if ctx.turn_step.get(t.turn_id) in crit.steps]
        steps = (
            "–".join(str(s) for s in (crit.steps[0], crit.steps[-1]))
            if len(crit.steps) > 1
            else str(crit.steps[0])
        )
        ref = f"{crit.tags[0]}_steps_{'_'.join(str(s) for s in crit.steps)}"
        where = f"aux étapes {steps}" if len(crit.steps) > 1 else f"à l'étape {steps}"
        label = (
            ctx.referentiel.measure_labels.get(ref) or f"{ctx.referentiel.tag_label(crit.tags[0])} {where}"
        )
        out.measures.append(Evidence(kind="measure", ref=ref, label=label, value=float(len(in_scope))))
        if crit.id == "C1.1":
            out.detail = f"dont {len(in_scope)} {where}"
    elif crit.id == "C1.1":
        out.detail = "aucune aux étapes 1–2"
    return out


def _rule_concessions(crit: Criterion, ctx: _Context) -> _Outcome:
    """C3.4: concessions without a counterpart (``justified`` false), at most the bar."""
    all_conc = ctx.labelled(*crit.tags)
    # grid.md counts concessions tagged justified=false; one without the attribute is not counted.
    unjustified = [t for t in all_conc if t.attributes.get("justified") is False]
    justified = len(all_conc) - len(unjustified)
    status, margin = _count_status(crit, len(unjustified))
    detail = (
        f" ; {_plural(justified, 'autre justifiée', 'autres justifiées')} par une contrepartie"
        if justified
        else ""
    )
    return _Outcome(
        status,
        len(unjustified),
        detail=detail,
        tags=unjustified,
        context=[t for t in all_conc if t.attributes.get("justified") is True],
        margin=margin,
        count=len(unjustified),
    )


def _rule_linked(crit: Criterion, ctx: _Context) -> _Outcome:
    """Tags linked to a target label: C1.3 counts the reformulations, C2.1/C3.1/C4.1 distinct targets."""
    sources = ctx.labelled(*crit.tags)
    targets = ctx.linked_from(sources, crit.linked_to or "")
    linked_sources = _unique(s for group in targets.values() for s in group)
    # grid.md: C1.3 counts need_reformulation tags that link to a need; the others count distinct targets.
    value = len(linked_sources) if crit.id == "C1.3" else len(targets)
    status, margin = _count_status(crit, value)
    detail = ""
    if crit.id == "C4.1" and value == 0:
        signals = ctx.labelled("buying_signal")
        detail = (
            f" ({_plural(len(signals), 'signal', 'signaux')} d'achat du client sans prise en compte)"
            if signals
            else " (aucun signal d'achat du client repéré)"
        )
    return _Outcome(
        status,
        value,
        detail=detail,
        tags=linked_sources,
        context=[ctx.by_id[i] for i in targets],
        margin=margin,
        count=len(linked_sources),
    )


def _word_share(transcript: Transcript) -> float | None:
    words = {"client": 0, "candidate": 0}
    for turn in transcript.turns:
        if turn.role in words:
            words[turn.role] += len(turn.words) or len(turn.text.split())
    total = words["client"] + words["candidate"]
    return words["client"] / total if total else None


def _rule_talk_share(crit: Criterion, ctx: _Context) -> _Outcome:
    """C1.2: client talk share against the bar, plus active listening (grid.md conventions)."""
    labels = ctx.referentiel.measure_labels
    listening = ctx.labelled(*crit.tags)
    minimum = crit.params.get("active_listening_min", 1)
    share = ctx.measures.client_talk_share if ctx.measures is not None else None
    band = ctx.measures.client_talk_share_band if ctx.measures is not None else None
    base = 1.0
    measures = []
    if share is not None:
        label = labels["client_talk_share"]
        if band is not None and band[1] - band[0] >= 0.005:
            label += f" (fourchette {band[0]:.0%}–{band[1]:.0%} selon l'attribution des chevauchements)"
        measures.append(Evidence(kind="measure", ref="client_talk_share", label=label, value=round(share, 4)))
    else:
        share = _word_share(ctx.transcript)
        base = 0.7  # words are a rough proxy for speaking time
        if share is not None:
            measures.append(
                Evidence(
                    kind="measure",
                    ref="client_talk_share_words",
                    label=labels["client_talk_share_words"],
                    value=round(share, 4),
                )
            )
    n_listen = len(listening)
    listen_text = f"{_plural(n_listen, 'marque', 'marques')} d'écoute active"
    if share is None:
        return _Outcome(
            "to_review", None, detail="part de parole inconnue", context=listening, count=n_listen
        )
    margin = abs(share - crit.bar.threshold) / 0.1
    if band is not None and band[0] < crit.bar.threshold <= band[1]:
        # Uncertain attribution could put the share on either side of the bar: decided by the
        # measured share (grid.md), with a visibly lower confidence.
        margin = 0.0
        base *= 0.85
    if share < crit.bar.threshold:
        return _Outcome(
            "not_met", share, measures=measures, context=listening, margin=margin, base=base, count=n_listen
        )
    if n_listen >= minimum:
        return _Outcome(
            "met",
            share,
            detail=listen_text,
            tags=listening,
            measures=measures,
            margin=margin,
            base=base,
            count=n_listen,
        )
    return _Outcome(
        "to_review",
        share,
        detail="aucune marque d'écoute active repérée" if n_listen == 0 else listen_text,
        measures=measures,
        count=n_listen,
    )


def _rule_climate(crit: Criterion, ctx: _Context) -> _Outcome:
    """C1.4: comfort vs discomfort signals and rapport; met or not_met only in clear-cut cases."""
    comfort = ctx.labelled("comfort_signal")
    discomfort = ctx.labelled("discomfort_signal")
    rapport = ctx.labelled("rapport")
    detail = (
        f"{_plural(len(comfort), 'signe', 'signes')} de confort, "
        f"{_plural(len(discomfort), 'signe', 'signes')} d'inconfort, "
        f"{_plural(len(rapport), 'marque', 'marques')} de climat de confiance"
    )
    every = comfort + discomfort + rapport
    if len(discomfort) >= crit.params.get("discomfort_not_met", 3) and not comfort:
        return _Outcome("not_met", len(comfort), detail=detail, tags=discomfort, context=rapport, margin=1.0)
    if (
        len(comfort) >= crit.bar.threshold
        and not discomfort
        and len(rapport) >= crit.params.get("rapport_min", 3)
    ):
        return _Outcome("met", len(comfort), detail=detail, tags=comfort + rapport, margin=1.0)
    return _Outcome("to_review", len(comfort), detail=detail, context=every, count=len(comfort))


def _rule_technical(crit: Criterion, ctx: _Context) -> _Outcome:
    """C2.3: translations present (not_met without any); scenario terms used untranslated count against."""
    translations = ctx.labelled(*crit.tags)
    n = len(translations)
    untranslated: list[tuple[str, Evidence]] = []
    if ctx.scenario is not None:
        turns = {t.id: t for t in ctx.transcript.turns}
        translated_turns = {t.turn_id for t in translations}
        quotes = [fold(t.quote) for t in translations]
        folded = [(turn, fold(turn.text)) for turn in ctx.transcript.turns if turn.role == "candidate"]
        for term in ctx.scenario.technical_terms:
            patterns = [term_pattern(f) for f in term.forms]
            uses = [turn for turn, text in folded if any(p.search(text) for p in patterns)]
            if not uses:
                continue
            translated = any(u.id in translated_turns for u in uses) or any(
                p.search(q) for p in patterns for q in quotes
            )
            if translated:
                continue
            first = uses[0]
            untranslated.append(
                (
                    term.term,
                    Evidence(
                        kind="measure",
                        ref="untranslated_term",
                        label=f"{ctx.referentiel.measure_labels['untranslated_term']} : {term.term}",
                        start=first.start,
                        end=first.end,
                        quote=first.text[:160],
                        value=float(len(uses)),
                        turn_id=first.id if first.id in turns else None,
                    ),
                )
            )
    names = ", ".join(name for name, _ in untranslated)
    measures = [ev for _, ev in untranslated]
    if n == 0:
        detail = f" (termes du scénario employés sans traduction : {names})" if untranslated else ""
        return _Outcome("not_met", 0, detail=detail, measures=measures, margin=0.0, count=0)
    review_at = crit.params.get("untranslated_review", 4)
    if len(untranslated) >= review_at and len(untranslated) > n:
        detail = f"{len(untranslated)} termes du scénario sont employés sans traduction ({names})"
        return _Outcome("to_review", n, detail=detail, context=translations, measures=measures, count=n)
    detail = f" ; terme(s) du scénario employé(s) sans traduction : {names}" if untranslated else ""
    out = _Outcome(
        "met", n, detail=detail, tags=translations, measures=measures, margin=float(n - 1), count=n
    )
    if untranslated:
        out.base = max(0.4, 1.0 - 0.15 * len(untranslated)) * _mean_conf(translations)
    return out


def _rule_objections(crit: Criterion, ctx: _Context) -> _Outcome:
    """C3.2/C3.3: share of the client's objections with a linked probe / resolved doubt."""
    objections = ctx.labelled("objection")
    if not objections:
        return _Outcome("to_review", None, detail="aucune objection repérée")
    linked = ctx.linked_from(ctx.labelled(*crit.tags), "objection")
    covered = [o for o in objections if o.id in linked]
    ratio = len(covered) / len(objections)
    status = "met" if crit.bar.passes(ratio) else "not_met"
    n_obj = len(objections)
    if crit.id == "C3.2":
        detail = (
            _plural(n_obj, "objection", "objections")
            if status == "met"
            else f"{n_obj - len(covered)} objection(s) sur {n_obj} sans question de suivi"
        )
    else:
        detail = f"{len(covered)} sur {n_obj}"
    sources = _unique(s for group in linked.values() for s in group)
    measures = [
        Evidence(
            kind="measure",
            ref="objection_count",
            label=ctx.referentiel.measure_labels["objection_count"],
            value=n_obj,
        )
    ]
    # One objection more or less moves the ratio by 1/n: measure the margin in those units.
    margin = abs(ratio - crit.bar.threshold) * n_obj
    if status == "not_met":
        margin = max(0.0, margin - 1)
    return _Outcome(
        status,
        round(ratio, 4),
        detail=detail,
        tags=sources + objections,
        measures=measures,
        margin=margin,
        count=len(covered),
    )


def _rule_agreement(crit: Criterion, ctx: _Context) -> _Outcome:
    """C4.4: met with a summary and a client agreement; to_review with a summary only; else not_met."""
    summaries = ctx.labelled("agreement_summary")
    agreements = ctx.labelled("agreement")
    n = len(summaries)
    if n < crit.bar.threshold:
        return _Outcome("not_met", n, context=agreements, margin=0.0, count=n)
    if not agreements:
        return _Outcome("to_review", n, context=summaries, count=n)
    detail = _plural(len(agreements), "accord", "accords")
    return _Outcome("met", n, detail=detail, tags=summaries + agreements, margin=float(n - 1), count=n)


RULES: dict[str, Callable[[Criterion, _Context], _Outcome]] = {
    "C1.1": _rule_count,
    "C1.2": _rule_talk_share,
    "C1.3": _rule_linked,
    "C1.4": _rule_climate,
    "C2.1": _rule_linked,
    "C2.2": _rule_count,
    "C2.3": _rule_technical,
    "C2.4": _rule_count,
    "C3.1": _rule_linked,
    "C3.2": _rule_objections,
    "C3.3": _rule_objections,
    "C3.4": _rule_concessions,
    "C4.1": _rule_linked,
    "C4.2": _rule_count,
    "C4.3": _rule_count,
    "C4.4": _rule_agreement,
    "C5.1": _rule_count,
    "C5.2": _rule_count,
    "C5.3": _rule_count,
    "C5.4": _rule_count,
}


# --------------------------------------------------------------------------- assembly


def _unique(tags: Iterable[Tag]) -> list[Tag]:
    """Tags without repeats, in first-seen order (tags are not hashable: key by id)."""
    return list({t.id: t for t in tags}.values())


def _mean_conf(tags: Sequence[Tag]) -> float:
    return sum(t.confidence for t in tags) / len(tags) if tags else 1.0


def _tag_evidence(tag: Tag, ctx: _Context) -> Evidence:
    start, end = tag.start, tag.end
    if start is None or end is None:
        turn = ctx.turns.get(tag.turn_id)
        start, end = (turn.start, turn.end) if turn is not None else (None, None)
    return Evidence(
        kind="tag",
        ref=tag.id,
        label=ctx.referentiel.tag_label(tag.label),
        start=start,
        end=end,
        quote=tag.quote,
        turn_id=tag.turn_id,
    )


def _step_evidence(crit: Criterion, steps: Sequence[StepSpan]) -> list[Evidence]:
    out = []
    for s in steps:
        if s.step in crit.steps and s.start is not None:
            out.append(
                Evidence(
                    kind="step",
                    ref=str(s.step),
                    label=f"Étape {s.step} : {s.name}",
                    start=s.start,
                    end=s.end,
                    value=round(s.duration or 0.0, 3),
                )
            )
    return out


def _confidence(outcome: _Outcome, status: str, ref: Referentiel) -> float:
    """Tag confidence (or a fixed base for absences and measures) times closeness to the bar."""
    cs = ref.confidence
    if status == "to_review":
        return cs.to_review
    if outcome.base is not None:
        base = outcome.base
    elif outcome.tags:
        base = _mean_conf(outcome.tags)
    else:
        base = cs.absence  # nothing found: the tagger may have missed it
    margin = outcome.margin if outcome.margin is not None else 1.0
    factor = cs.at_bar + (1.0 - cs.at_bar) * min(1.0, max(0.0, margin))
    return round(min(1.0, max(0.0, base * factor)), 3)


def _evaluate(
    crit: Criterion, ctx: _Context, strong_ctx: _Context | None, steps: Sequence[StepSpan]
) -> CriterionSuggestion:
    ref = ctx.referentiel
    outcome = RULES[crit.id](crit, ctx)
    status = outcome.status
    detail = outcome.detail
    if strong_ctx is not None and status != "to_review":
        strong = RULES[crit.id](crit, strong_ctx)
        if strong.status != status:
            # The decision rests on low-confidence detections: the juror checks it.
            status = "to_review"
            detail = "la détection est incertaine"
    confidence = _confidence(outcome, status, ref)
    rationale = crit.render(
        status,
        value=_fmt(outcome.value, crit),
        threshold=_fmt(crit.bar.threshold, crit),
        count=outcome.count,
        detail=detail,
    )
    seen: set[str] = set()
    tag_ev = []
    for t in sorted(
        outcome.tags + outcome.context, key=lambda t: (t.start if t.start is not None else 0.0, t.id)
    ):
        if t.id not in seen:
            seen.add(t.id)
            tag_ev.append(_tag_evidence(t, ctx))
    evidence = tuple(outcome.measures + tag_ev + _step_evidence(crit, steps))
    return CriterionSuggestion(
        criterion=crit.id,
        status=status,  # type: ignore[arg-type]
        value=None if outcome.value is None else round(float(outcome.value), 4),
        threshold=float(crit.bar.threshold),
        confidence=confidence,
        rationale=rationale,
        evidence=evidence,
    )


def _competences(
    criteria: dict[str, CriterionSuggestion], ref: Referentiel
) -> dict[str, CompetenceSuggestion]:
    out = {}
    for comp in ref.competences:
        ids = [c.id for c in comp.criteria]
        sug = [criteria[i] for i in ids]
        not_met = [s.criterion for s in sug if s.status == "not_met"]
        review = [s.criterion for s in sug if s.status == "to_review"]
        if not_met:
            status, listed = "not_met", not_met
            confidence = max(criteria[i].confidence for i in not_met)
        elif review:
            status, listed = "to_review", review
            confidence = ref.confidence.to_review
        else:
            status, listed = "met", ids
            confidence = min(s.confidence for s in sug)
        rationale = ref.competence_rationale[status].format_map(
            {
                "met": len(ids) - len(not_met) - len(review),
                "not_met": len(not_met),
                "to_review": len(review),
                "criteria": ", ".join(listed),
            }
        )
        out[comp.id] = CompetenceSuggestion(
            competence=comp.id,
            status=status,
            confidence=round(confidence, 3),
            rationale=rationale,
            criteria=tuple(ids),
        )
    return out


def _digest_transcript(transcript: Transcript) -> str:
    """Hash of what the grid reads from a transcript (cheap: the words' details are left out)."""
    rows = [(t.id, t.start, t.end, t.role, t.text, len(t.words)) for t in transcript.turns]
    return sha256_text(repr((transcript.session_id, transcript.scenario, rows)))


def _digest_tags(tags: Sequence[Tag]) -> str:
    rows = [
        (
            t.id,
            t.label,
            t.turn_id,
            t.start,
            t.end,
            t.confidence,
            sorted(t.attributes.items()),
            t.links,
            t.quote,
        )
        for t in tags
    ]
    return sha256_text(repr(rows))


def build_grid(
    transcript: Transcript,
    measures: Measures | None,
    tags: TagSet | Sequence[Tag],
    scenario: Scenario | None,
    referentiel: Referentiel,
    session_id: str = "",
) -> Grid:
    """The draft grid of one session: 20 criterion suggestions, 5 competences, the six steps located.

    ``measures`` may be None (C1.2 then falls back to the word share of the transcript, with lower
    confidence); ``scenario`` may be None (no technical-term check, no planned minutes).
    """
    tag_list = tuple(tags.tags if isinstance(tags, TagSet) else tags)
    segmentation = segment_turns(transcript, tag_list, referentiel, scenario)
    steps = locate_steps(transcript, tag_list, referentiel, scenario, segmentation)
    ctx = _Context(transcript, measures, tag_list, scenario, referentiel, segmentation)
    weak_below = referentiel.confidence.weak_tag_below
    strong_tags = [t for t in tag_list if t.confidence >= weak_below]
    strong_ctx = (
        _Context(transcript, measures, strong_tags, scenario, referentiel, segmentation)
        if len(strong_tags) != len(tag_list)
        else None
    )
    criteria = {}
    for crit in referentiel.criteria:
        use_strong = strong_ctx if crit.decidable == "partly" else None
        criteria[crit.id] = _evaluate(crit, ctx, use_strong, steps)
    competences = _competences(criteria, referentiel)

    provenance = make_provenance(
        "grid",
        GRID_STAGE_VERSION,
        inputs={
            "transcript": _digest_transcript(transcript),
            "measures": sha256_text(dumps_json(measures)) if measures is not None else "",
            "tags": _digest_tags(tag_list),
            "referentiel": referentiel.sha256,
            "scenario": scenario.sha256 if scenario is not None else "",
        },
        options={
            "scenario": scenario.id if scenario is not None else None,
            "referentiel_version": referentiel.version,
        },
    )
    return Grid(
        session_id=session_id or transcript.session_id,
        criteria=criteria,
        competences=competences,
        steps=steps,
        scenario=scenario.id if scenario is not None else transcript.scenario,
        author=GridAuthor(),
        provenance=provenance,
    )
