"""spaCy side of the tagger: one ``Doc`` over the transcript, turns as spans, tagging components.

Only this module and :mod:`pipeline.tagging.tagger` touch spaCy objects. Importing it imports spaCy,
so :mod:`pipeline.tagging` imports it lazily.

Pipeline added after the French model's own components (``Doc -> Doc`` each):

- ``rolegrid_sentences``: sentence starts at turn starts and after ``. ? ! …`` (the parser is not used);
- ``rolegrid_cues``: a ``SpanRuler`` fed from ``cues.yaml`` (phrase and token patterns), spans in
  ``doc.spans["rg_cues"]`` with the label as ``label_`` and the pattern id as ``id_``;
- ``rolegrid_questions``: the form of every candidate sentence, spans in ``doc.spans["rg_questions"]``;
- ``rolegrid_context``: the acts with their context and links (:mod:`pipeline.tagging.context`),
  spans in ``doc.spans["rg_tags"]`` and the details in ``doc.user_data["rg_acts"]``.

Turns live in ``doc.spans["turns"]`` (``label_`` = role or ``unknown``, ``id_`` = turn id), their
speaker, times and character offset in ``doc.user_data["rg_turns"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..types import Turn
from .context import Sent, run_context
from .questions import QuestionRules, norm, toks
from .resources import Resources, load_resources

log = logging.getLogger(__name__)

TURN_SEP = "\n"
_SENT_END = frozenset([".", "?", "!", "…", "...", "?!", "!?"])


@lru_cache(maxsize=8)
def _resources(directory: str) -> Resources:
    return load_resources(directory or None)


def build_doc(nlp: Language, turns: Sequence[Turn]) -> Doc:
    """A ``Doc`` over all turns' text (joined by a newline), turns as spans.

    Typographic apostrophes are made plain before tokenising (same length, so character offsets
    into each turn's ``text`` are kept).
    """
    parts: list[str] = []
    meta: list[dict[str, Any]] = []
    offset = 0
    for t in turns:
        text = t.text.replace("’", "'").replace("\n", " ")
        meta.append(
            {
                "id": t.id,
                "speaker": t.speaker,
                "role": t.role,
                "start": t.start,
                "end": t.end,
                "offset": offset,
            }
        )
        parts.append(text)
        offset += len(text) + len(TURN_SEP)
    doc = nlp.make_doc(TURN_SEP.join(parts))
    spans = []
    for m, text in zip(meta, parts, strict=False):
        span = doc.char_span(m["offset"], m["offset"] + len(text), alignment_mode="expand")
        if span is None or not text.strip():
            m["tokens"] = (0, 0)
            continue
        m["tokens"] = (span.start, span.end)
        spans.append(Span(doc, span.start, span.end, label=m["role"] or "unknown", span_id=m["id"]))
    doc.spans["turns"] = spans
    doc.user_data["rg_turns"] = meta
    return doc


@Language.factory("rolegrid_sentences")
def make_sentences(nlp: Language, name: str) -> Any:
    """Sentence boundaries from turn starts and final punctuation."""

    def component(doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import SENT_START

        starts = {
            m["tokens"][0] for m in doc.user_data.get("rg_turns", []) if m["tokens"][1] > m["tokens"][0]
        }
        flags = numpy.full((len(doc), 1), -1, dtype="int32")  # 1: starts a sentence, -1: does not
        prev_end = True
        for tok in doc:
            if tok.is_space:
                if tok.i == 0 or tok.i in starts:
                    flags[tok.i, 0] = 1
                continue
            if tok.i == 0 or tok.i in starts or (prev_end and not tok.is_punct):
                flags[tok.i, 0] = 1
                prev_end = False  # "(rires) Oui." : the word after an opening bracket goes on the sentence
            if tok.text in _SENT_END or tok.text.endswith("?"):
                prev_end = True
            elif not tok.is_punct:
                prev_end = False
        if len(doc):
            doc.from_array([SENT_START], flags.astype("uint64"))  # -1 wraps, as spaCy stores it
        return doc

    return component


@Language.factory("rolegrid_questions", default_config={"patterns_dir": ""})
def make_questions(nlp: Language, name: str, patterns_dir: str) -> Any:
    """Question form of every sentence of a candidate turn (``doc.spans["rg_questions"]``)."""
    rules = QuestionRules(_resources(patterns_dir).questions)

    def component(doc: Doc) -> Doc:
        out = []
        for turn in doc.spans["turns"]:
            if turn.label_ not in ("candidate", "client"):
                continue
            sents = list(turn.sents)
            forms = [rules.classify(toks(list(sent))) for sent in sents]
            before = 0
            for k, (sent, q) in enumerate(zip(sents, forms, strict=False)):
                last = k == len(sents) - 1 or (forms[k + 1].form is not None)
                if q.form is None and last and turn.label_ == "candidate" and q.rule == "no_cue":
                    after_q = k > 0 and forms[k - 1].form is not None
                    q = rules.declarative(toks(list(sent)), words_before=before, after_question=after_q)
                before += sum(1 for t in sent if t.is_alpha)
                if q.form:
                    out.append(Span(doc, sent.start, sent.end, label=q.form, span_id=q.rule))
        doc.spans["rg_questions"] = out
        return doc

    return component


@Language.factory("rolegrid_context", default_config={"patterns_dir": ""})
def make_context(nlp: Language, name: str, patterns_dir: str) -> ContextComponent:
    """Acts, context and links (see :mod:`pipeline.tagging.context`)."""
    return ContextComponent(_resources(patterns_dir))


class ContextComponent:
    """Turns the cues and question forms into acts, using the turns before them. ``encoder`` is set
    by :func:`pipeline.tagging.tagger.load_tagger` (None: lexical overlap only)."""

    def __init__(self, res: Resources) -> None:
        self.res = res
        self.rules = QuestionRules(res.questions)
        self.encoder: Any = None
        self.classifier: Any = None
        cues = res.cues.get("labels", {})
        self.roles = {label: spec.get("role") for label, spec in cues.items()}
        self.kinds = {
            (label, p["id"]): p.get("kind") for label, spec in cues.items() for p in spec["patterns"]
        }

    def __call__(self, doc: Doc) -> Doc:
        sents = self._sentences(doc)
        if self.classifier is not None and self.encoder is not None:
            from .classifier import annotate

            annotate(sents, len(doc.user_data["rg_turns"]), self.classifier, self.encoder)
        terms = doc.user_data.get("rg_terms", ())  # the scenario's technical terms (tag_transcript)
        acts = run_context(
            doc.user_data["rg_turns"], sents, self.res.settings, self.rules, self.encoder, terms
        )
        doc.user_data["rg_acts"] = acts
        doc.spans["rg_tags"] = [
            Span(doc, a.tok_start, a.tok_end, label=a.label, span_id=a.source) for a in acts
        ]
        return doc

    def _sentences(self, doc: Doc) -> list[Sent]:
        forms = {(s.start, s.end): (s.label_, s.id_) for s in doc.spans.get("rg_questions", [])}
        cues_by_sent: dict[int, list[Span]] = {}
        sent_index = {}
        out: list[Sent] = []
        for ti, turn in enumerate(doc.spans["turns"]):
            t_index = next(i for i, m in enumerate(doc.user_data["rg_turns"]) if m["id"] == turn.id_)
            for sent in turn.sents:
                sent_index[sent.start] = len(out)
                form, rule = forms.get((sent.start, sent.end), (None, ""))
                words = [t for t in sent if not t.is_punct and not t.is_space]
                lemmas = frozenset(
                    norm(t.lemma_)
                    for t in words
                    if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"} and not t.is_stop and len(t.text) > 2
                )
                nouns = frozenset(
                    norm(t.lemma_)
                    for t in words
                    if t.pos_ in {"NOUN", "PROPN"} and not t.is_stop and len(t.text) > 2
                )
                out.append(
                    Sent(
                        index=len(out),
                        turn=t_index,
                        role=turn.label_,
                        tok_start=sent.start,
                        tok_end=sent.end,
                        char_start=sent.start_char,
                        char_end=sent.end_char,
                        text=norm(sent.text),
                        n_words=len(words),
                        form=form,
                        qrule=rule,
                        lemmas=lemmas,
                        nouns=nouns,
                        words=tuple(norm(t.text) for t in words),
                        has_digit=any(t.like_num or any(c.isdigit() for c in t.text) for t in words),
                        toks=tuple((norm(t.text), norm(t.lemma_), t.pos_) for t in sent),
                        morph=tuple(str(t.morph) for t in sent),
                    )
                )
            del ti
        for span in doc.spans.get("rg_cues", []):
            sent_start = span.sent.start if span.doc.has_annotation("SENT_START") else None
            if sent_start is None or sent_start not in sent_index:
                continue
            cues_by_sent.setdefault(sent_index[sent_start], []).append(span)
        for si, spans in cues_by_sent.items():
            s = out[si]
            # A local negative ("si je comprends bien" for "je comprends") cancels only the cues it overlaps.
            local = [(x.label_[5:], x.start, x.end) for x in spans if x.label_.startswith("near:")]
            for span in spans:
                label = span.label_
                if label.startswith("near:"):
                    continue
                negative = label.startswith("not:")
                base = label[4:] if negative else label
                if negative:
                    s.negatives.add(base)
                    continue
                if any(lab == base and a < span.end and span.start < b for lab, a, b in local):
                    continue
                s.cues.setdefault(base, []).append(
                    (span.id_, self.kinds.get((base, span.id_)), span.start, span.end, norm(span.text))
                )
        return out


def cue_patterns(res: Resources, tokenizer: Any = None) -> list[dict[str, Any]]:
    """SpanRuler patterns from ``cues.yaml``: label, pattern (phrase or token list) and id.

    A phrase that ends with an elided word ("il faut qu'") is tokenised alone as "qu" + "'", which
    never matches the "qu'" of a sentence; with ``tokenizer`` it becomes a token pattern."""
    patterns: list[dict[str, Any]] = []
    for label, spec in res.cues.get("labels", {}).items():
        for p in spec["patterns"]:
            neg = p.get("negative")
            name = ("near:" + label) if neg == "local" else ("not:" + label) if neg else label
            for phrase in p.get("phrases", []):
                text = str(phrase).replace("’", "'")
                if tokenizer is not None and text.endswith("'"):
                    toks_ = [t.lower_ for t in tokenizer(text + "il")][:-1]
                    patterns.append({"label": name, "pattern": [{"LOWER": t} for t in toks_], "id": p["id"]})
                    continue
                patterns.append({"label": name, "pattern": text, "id": p["id"]})
            for tokpat in p.get("tokens", []) or []:
                patterns.append({"label": name, "pattern": tokpat, "id": p["id"]})
    return patterns


def add_components(nlp: Language, patterns_dir: str) -> None:
    """Add the rolegrid components to a loaded French pipeline."""
    res = _resources(patterns_dir)
    nlp.add_pipe("rolegrid_sentences", first=True)
    ruler = nlp.add_pipe(
        "span_ruler",
        name="rolegrid_cues",
        config={"spans_key": "rg_cues", "phrase_matcher_attr": "LOWER", "overwrite": True, "validate": True},
    )
    with nlp.select_pipes(enable=[]):  # phrase patterns need the tokenizer only
        ruler.add_patterns(cue_patterns(res, nlp.tokenizer))
    nlp.add_pipe("rolegrid_questions", config={"patterns_dir": patterns_dir})
    nlp.add_pipe("rolegrid_context", config={"patterns_dir": patterns_dir})
