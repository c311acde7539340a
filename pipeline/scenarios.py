"""The certification référentiel (criteria, bars, French labels) and the 20 exam scenarios, as data.

Both live in YAML files under ``scenarios/`` that a certifier may edit; they are validated when
loaded and any problem raises a ``ConfigError`` naming the file and the field. This module is
light (PyYAML only) so that ``import pipeline.scenarios`` stays cheap.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .paths import data_dir
from .types import OBJECTION_KINDS, TAG_LABELS

log = logging.getLogger(__name__)

#: Folder holding referentiel.yaml and the scenario files (``scenarios/`` at the repository root).
SCENARIOS_DIR = data_dir("scenarios")
REFERENTIEL_FILE = "referentiel.yaml"

MARKETS = ("b2b", "b2c")
DOMAINS = ("tech", "industrie", "agriculture", "artisanat", "service")
SALE_TYPES = ("produit", "service")
SCENARIO_IDS: tuple[str, ...] = tuple(f"{m}-{d}-{t}" for m in MARKETS for d in DOMAINS for t in SALE_TYPES)

#: The 20 criteria the grid code knows how to compute (the rule depends on the id).
CRITERION_IDS: tuple[str, ...] = tuple(f"C{c}.{i}" for c in range(1, 6) for i in range(1, 5))
BAR_KINDS = ("count_min", "count_max", "ratio_min", "presence")
DECIDABLE = ("yes", "partly", "no")
STATUS_KEYS = ("met", "not_met", "to_review")
#: Placeholders a rationale template may use.
RATIONALE_FIELDS = ("value", "threshold", "count", "detail")


# --------------------------------------------------------------------------- référentiel types


@dataclass(frozen=True)
class Bar:
    """The référentiel's bar for one criterion: ``kind`` (count_min, count_max, ratio_min, presence)."""

    kind: str
    threshold: float

    def passes(self, value: float) -> bool:
        """True when ``value`` meets the bar."""
        if self.kind == "count_max":
            return value <= self.threshold
        return value >= self.threshold


@dataclass(frozen=True)
class Criterion:
    """One of the 20 criteria (C1.1 … C5.4), as the référentiel file defines it."""

    id: str
    competence: str
    label: str
    wording: str
    bar: Bar
    steps: tuple[int, ...]
    tags: tuple[str, ...]
    decidable: str
    rationale: Mapping[str, str]
    params: Mapping[str, float] = field(default_factory=dict)
    linked_to: str | None = None

    def render(self, status: str, **values: Any) -> str:
        """The French rationale for ``status``, filled with ``values`` (missing fields left empty)."""
        return self.rationale[status].format_map(_Blank(values))


@dataclass(frozen=True)
class Competence:
    id: str
    label: str
    wording: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Step:
    """One of the six interview steps, with the tags that signal it (label -> weight)."""

    number: int
    name: str
    cues: Mapping[str, float]


@dataclass(frozen=True)
class ConfidenceSettings:
    weak_tag_below: float = 0.5
    absence: float = 0.75
    at_bar: float = 0.8
    to_review: float = 0.5


@dataclass(frozen=True)
class Referentiel:
    """The whole certification grid: competences, criteria, steps, French labels, settings."""

    version: str
    interview_minutes: float
    competences: tuple[Competence, ...]
    steps: tuple[Step, ...]
    tag_labels: Mapping[str, str]
    measure_labels: Mapping[str, str]
    status_labels: Mapping[str, str]
    objection_kinds: Mapping[str, str]
    competence_rationale: Mapping[str, str]
    confidence: ConfidenceSettings
    step_position_weight: float
    default_steps_minutes: Mapping[int, float]
    source: str = ""
    sha256: str = ""

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for comp in self.competences for c in comp.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def step(self, number: int) -> Step:
        for s in self.steps:
            if s.number == number:
                return s
        raise KeyError(number)

    def tag_label(self, label: str) -> str:
        """French label of a tag id (the id itself when unknown)."""
        return self.tag_labels.get(label, label)


# --------------------------------------------------------------------------- scenario types


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    organisation: str
    personality: str
    comfortable_when: tuple[str, ...]
    uncomfortable_when: tuple[str, ...]


@dataclass(frozen=True)
class PricePoint:
    label: str
    price: str


@dataclass(frozen=True)
class Offer:
    name: str
    description: str
    prices: tuple[PricePoint, ...]


def fold(text: str) -> str:
    """Lowercase, without accents, typographic apostrophes made plain: how a scenario term is found in a turn
    (by the grid's C2.3 and by the tagger)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def term_pattern(form: str) -> re.Pattern[str]:
    """A written form of a technical term as a whole-word pattern over :func:`fold`-ed text, spaces and
    hyphens alike ("MIL-STD" matches "mil std")."""
    body = r"[\s\-]*".join(re.escape(part) for part in re.split(r"[\s\-]+", fold(form)) if part)
    return re.compile(rf"(?<!\w){body}(?!\w)")


@dataclass(frozen=True)
class TechnicalTerm:
    """A technical term of the offer and the plain-language benefit a good candidate gives for it."""

    term: str
    benefit: str
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Need:
    id: str
    text: str


@dataclass(frozen=True)
class Objection:
    kind: str
    text: str
    step: int = 4


@dataclass(frozen=True)
class Scenario:
    """One exam scenario: context, client persona, offer, terms, needs, objections, plan."""

    id: str
    title: str
    market: str
    domain: str
    sale_type: str
    context: str
    client: Persona
    offer: Offer
    technical_terms: tuple[TechnicalTerm, ...]
    needs: tuple[Need, ...]
    objections: tuple[Objection, ...]
    buying_signals: tuple[str, ...]
    steps_minutes: Mapping[int, float]
    source: str = ""
    sha256: str = ""

    @property
    def planned_total(self) -> float:
        return float(sum(self.steps_minutes.values()))


# --------------------------------------------------------------------------- helpers


class _Blank(dict):
    """format_map helper: unknown fields render as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def _read_yaml(path: Path) -> Any:
    import hashlib

    import yaml

    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found.", "Check the path or restore the file.") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}).", "Fix its permissions.") from exc
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text.", "Save the file as UTF-8.") from exc
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"{path}: malformed YAML{where} ({problem}).",
            "Fix the indentation or quoting there (quote texts that contain ':' or '#').",
        ) from exc
    return data, hashlib.sha256(raw).hexdigest()


class _Checker:
    """Reads fields from a parsed YAML mapping, raising ConfigError that names file and field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str, hint: str = "") -> ConfigError:
        return ConfigError(f"{self.path}: field '{where}': {message}", hint or "Fix that field and retry.")

    def mapping(self, data: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail(where, f"expected a mapping (key: value), got {type(data).__name__}.")
        return data

    def get(self, data: Mapping[str, Any], key: str, where: str, required: bool = True) -> Any:
        if key not in data or data[key] is None:
            if required:
                raise self.fail(
                    _join(where, key), "missing.", "Add it (see the comments in referentiel.yaml)."
                )
            return None
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = self.get(data, key, where, required)
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.fail(_join(where, key), f"expected text, got {type(value).__name__}.")
        value = str(value).strip()
        if required and not value:
            raise self.fail(_join(where, key), "must not be empty.")
        return value

    def number(self, value: Any, where: str, low: float | None = None, high: float | None = None) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise self.fail(where, f"expected a number, got {value!r}.")
        if low is not None and value < low or high is not None and value > high:
            rng = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
            raise self.fail(where, f"{value!r} is out of range {rng}.", f"Use a value in {rng}.")
        return float(value)

    def texts(self, data: Mapping[str, Any], key: str, where: str, minimum: int = 0) -> tuple[str, ...]:
        value = self.get(data, key, where, required=minimum > 0)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(_join(where, key), f"expected a list, got {type(value).__name__}.")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{_join(where, key)}[{i}]", "expected non-empty text.")
            out.append(item.strip())
        if len(out) < minimum:
            raise self.fail(_join(where, key), f"needs at least {minimum} item(s), has {len(out)}.")
        return tuple(out)

    def items(self, data: Mapping[str, Any], key: str, where: str, minimum: int = 1) -> list[Any]:
        value = self.get(data, key, where)
        if not isinstance(value, list):
            raise self.fail(_join(where, key), f"expected a list, got {type(value).__name__}.")
        if len(value) < minimum:
            raise self.fail(_join(where, key), f"needs at least {minimum} item(s), has {len(value)}.")
        return value


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _decidable(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as a boolean.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


# --------------------------------------------------------------------------- référentiel


def load_referentiel(path: str | Path | None = None) -> Referentiel:
    """Load and validate the référentiel file (default ``scenarios/referentiel.yaml``).

    Raises ConfigError naming the file and field on: unknown or missing criterion, threshold out
    of range (a ratio outside [0, 1], a negative count), missing labels, unknown tags or steps.
    """
    p = Path(path) if path is not None else SCENARIOS_DIR / REFERENTIEL_FILE
    return _load_referentiel_cached(str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0)


@lru_cache(maxsize=8)
def _load_referentiel_cached(path_str: str, _mtime: int) -> Referentiel:
    path = Path(path_str)
    data, digest = _read_yaml(path)
    ck = _Checker(path)
    root = ck.mapping(data, "(top level)")

    version = ck.text(root, "version", "")
    minutes = ck.number(ck.get(root, "interview_minutes", ""), "interview_minutes", 1, 600)

    conf_raw = ck.mapping(ck.get(root, "confidence", ""), "confidence")
    conf_kwargs = {}
    for key in ("weak_tag_below", "absence", "at_bar", "to_review"):
        conf_kwargs[key] = ck.number(ck.get(conf_raw, key, "confidence"), f"confidence.{key}", 0, 1)
    confidence = ConfidenceSettings(**conf_kwargs)

    tag_labels_raw = ck.mapping(ck.get(root, "tags", ""), "tags")
    tag_labels = {}
    for label in TAG_LABELS:
        tag_labels[label] = ck.text(tag_labels_raw, label, "tags")
    unknown_tags = sorted(set(tag_labels_raw) - set(TAG_LABELS))
    if unknown_tags:
        raise ck.fail("tags", f"unknown tag(s) {unknown_tags}.", f"Known tags: {', '.join(TAG_LABELS)}.")

    steps = []
    step_items = ck.items(root, "steps", "", minimum=6)
    for i, raw in enumerate(step_items):
        where = f"steps[{i}]"
        s = ck.mapping(raw, where)
        number = ck.get(s, "number", where)
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 6:
            raise ck.fail(f"{where}.number", f"must be an integer 1..6, got {number!r}.")
        cues_raw = ck.mapping(ck.get(s, "cues", where), f"{where}.cues")
        cues = {}
        for label, weight in cues_raw.items():
            if label not in TAG_LABELS:
                raise ck.fail(
                    f"{where}.cues.{label}", "unknown tag.", f"Known tags: {', '.join(TAG_LABELS)}."
                )
            cues[label] = ck.number(weight, f"{where}.cues.{label}", 0, 1)
        steps.append(Step(number=number, name=ck.text(s, "name", where), cues=MappingProxyType(cues)))
    if sorted(s.number for s in steps) != [1, 2, 3, 4, 5, 6]:
        raise ck.fail("steps", "must list each step 1..6 exactly once.")
    steps.sort(key=lambda s: s.number)
    position_weight = ck.number(ck.get(root, "step_position_weight", ""), "step_position_weight", 0, 1)
    default_minutes = _read_step_minutes(
        ck, ck.get(root, "default_steps_minutes", ""), "default_steps_minutes", minutes
    )

    competences = []
    seen: set[str] = set()
    for ci, raw_comp in enumerate(ck.items(root, "competences", "", minimum=5)):
        where = f"competences[{ci}]"
        comp = ck.mapping(raw_comp, where)
        comp_id = ck.text(comp, "id", where)
        criteria = []
        for ki, raw_crit in enumerate(ck.items(comp, "criteria", where)):
            cwhere = f"{where}.criteria[{ki}]"
            crit = _read_criterion(ck, ck.mapping(raw_crit, cwhere), cwhere, comp_id)
            if crit.id in seen:
                raise ck.fail(f"{cwhere}.id", f"criterion {crit.id} is defined twice.")
            seen.add(crit.id)
            criteria.append(crit)
        competences.append(
            Competence(
                id=comp_id,
                label=ck.text(comp, "label", where),
                wording=ck.text(comp, "wording", where),
                criteria=tuple(criteria),
            )
        )
    missing = [c for c in CRITERION_IDS if c not in seen]
    if missing:
        raise ck.fail(
            "competences", f"criteria missing: {', '.join(missing)}.", "The grid needs all 20 criteria."
        )

    def labels(key: str, required: tuple[str, ...]) -> Mapping[str, str]:
        raw = ck.mapping(ck.get(root, key, ""), key)
        return MappingProxyType(
            {k: ck.text(raw, k, key) for k in required} | {str(k): str(v) for k, v in raw.items()}
        )

    measure_labels = labels(
        "measures",
        (
            "client_talk_share",
            "client_talk_share_words",
            "open_question_steps_1_2",
            "objection_count",
            "untranslated_term",
        ),
    )
    status_labels = labels("statuses", STATUS_KEYS)
    objection_kinds = labels("objection_kinds", OBJECTION_KINDS)
    comp_rationale = labels("competence_rationale", STATUS_KEYS)
    for status, template in comp_rationale.items():
        _check_template(
            ck, template, f"competence_rationale.{status}", ("met", "not_met", "to_review", "criteria")
        )

    return Referentiel(
        version=version,
        interview_minutes=minutes,
        competences=tuple(competences),
        steps=tuple(steps),
        tag_labels=MappingProxyType(tag_labels),
        measure_labels=measure_labels,
        status_labels=status_labels,
        objection_kinds=objection_kinds,
        competence_rationale=comp_rationale,
        confidence=confidence,
        step_position_weight=position_weight,
        default_steps_minutes=default_minutes,
        source=str(path),
        sha256=digest,
    )


def _check_template(ck: _Checker, template: str, where: str, fields: tuple[str, ...]) -> None:
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ck.fail(where, f"malformed template ({exc}).", "Balance the braces { }.") from exc
    bad = [n for n in names if n not in fields]
    if bad:
        raise ck.fail(
            where, f"unknown field(s) {bad} in the sentence.", f"Use only {{{'}, {'.join(fields)}}}."
        )


def _read_criterion(ck: _Checker, c: Mapping[str, Any], where: str, comp_id: str) -> Criterion:
    crit_id = ck.text(c, "id", where)
    if crit_id not in CRITERION_IDS:
        close = difflib.get_close_matches(crit_id, CRITERION_IDS, n=1)
        hint = f"Did you mean {close[0]}?" if close else f"Known criteria: {', '.join(CRITERION_IDS)}."
        raise ck.fail(f"{where}.id", f"unknown criterion {crit_id!r}.", hint)
    if not crit_id.startswith(comp_id + "."):
        raise ck.fail(f"{where}.id", f"criterion {crit_id} is filed under competence {comp_id}.")
    bar_raw = ck.mapping(ck.get(c, "bar", where), f"{where}.bar")
    kind = ck.text(bar_raw, "kind", f"{where}.bar")
    if kind not in BAR_KINDS:
        raise ck.fail(f"{where}.bar.kind", f"unknown kind {kind!r}.", f"Use one of {', '.join(BAR_KINDS)}.")
    raw_threshold = ck.get(bar_raw, "threshold", f"{where}.bar")
    if kind == "ratio_min":
        threshold = ck.number(raw_threshold, f"{where}.bar.threshold", 0, 1)
    else:
        threshold = ck.number(raw_threshold, f"{where}.bar.threshold", 0, None)
        if threshold != int(threshold):
            raise ck.fail(f"{where}.bar.threshold", f"a count must be a whole number, got {raw_threshold!r}.")
        if kind == "presence" and threshold < 1:
            raise ck.fail(f"{where}.bar.threshold", "a presence bar needs a threshold of at least 1.")
    steps = ck.get(c, "steps", where)
    if (
        not isinstance(steps, list)
        or not steps
        or any(not isinstance(s, int) or not 1 <= s <= 6 for s in steps)
    ):
        raise ck.fail(f"{where}.steps", f"expected a list of step numbers 1..6, got {steps!r}.")
    tags = ck.texts(c, "tags", where, minimum=1)
    for t in tags:
        if t not in TAG_LABELS:
            raise ck.fail(f"{where}.tags", f"unknown tag {t!r}.", f"Known tags: {', '.join(TAG_LABELS)}.")
    linked_to = ck.text(c, "linked_to", where, required=False) or None
    if linked_to is not None and linked_to not in TAG_LABELS:
        raise ck.fail(f"{where}.linked_to", f"unknown tag {linked_to!r}.")
    decidable = _decidable(ck.get(c, "decidable", where))
    if decidable not in DECIDABLE:
        raise ck.fail(f"{where}.decidable", f"expected one of {DECIDABLE}, got {decidable!r}.")
    params_raw = ck.get(c, "params", where, required=False) or {}
    params = {}
    for key, value in ck.mapping(params_raw, f"{where}.params").items():
        params[str(key)] = ck.number(value, f"{where}.params.{key}", 0, None)
    rationale_raw = ck.mapping(ck.get(c, "rationale", where), f"{where}.rationale")
    rationale = {}
    for status in STATUS_KEYS:
        rationale[status] = ck.text(rationale_raw, status, f"{where}.rationale")
        _check_template(ck, rationale[status], f"{where}.rationale.{status}", RATIONALE_FIELDS)
    return Criterion(
        id=crit_id,
        competence=comp_id,
        label=ck.text(c, "label", where),
        wording=ck.text(c, "wording", where),
        bar=Bar(kind=kind, threshold=threshold),
        steps=tuple(steps),
        tags=tags,
        decidable=decidable,
        rationale=MappingProxyType(rationale),
        params=MappingProxyType(params),
        linked_to=linked_to,
    )


# --------------------------------------------------------------------------- scenarios


def _scenario_dir(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else SCENARIOS_DIR


def list_scenarios(directory: str | Path | None = None) -> tuple[Scenario, ...]:
    """All scenarios of a folder (default ``scenarios/``), loaded and validated, sorted by id."""
    d = _scenario_dir(directory)
    paths = sorted(p for p in d.glob("*.yaml") if p.name != REFERENTIEL_FILE)
    return tuple(sorted((_load_scenario_file(p) for p in paths), key=lambda s: s.id))


def scenario_ids(directory: str | Path | None = None) -> tuple[str, ...]:
    """Ids of the scenario files present in the folder (from file names, without loading them)."""
    d = _scenario_dir(directory)
    return tuple(sorted(p.stem for p in d.glob("*.yaml") if p.name != REFERENTIEL_FILE))


def load_scenario(scenario_id: str, directory: str | Path | None = None) -> Scenario:
    """Load and validate one scenario by id (``{market}-{domain}-{type}``).

    An unknown id raises ConfigError listing the valid ids and suggesting the closest.
    """
    d = _scenario_dir(directory)
    path = d / f"{scenario_id}.yaml"
    # Ids are plain names: anything else (a path, an empty string) is simply unknown.
    plain = re.fullmatch(r"[a-z0-9][a-z0-9_-]*", str(scenario_id)) and path.name != REFERENTIEL_FILE
    if not plain or not path.is_file():
        known = scenario_ids(d)
        close = difflib.get_close_matches(str(scenario_id), known, n=1, cutoff=0.5)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        raise ConfigError(
            f"Unknown scenario '{scenario_id}' (no file {path}).",
            f"{hint}Valid ids: {', '.join(known) or '(none found)'}.",
        )
    return _load_scenario_file(path)


def _load_scenario_file(path: Path) -> Scenario:
    return _load_scenario_cached(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load_scenario_cached(path_str: str, _mtime: int) -> Scenario:
    path = Path(path_str)
    data, digest = _read_yaml(path)
    ck = _Checker(path)
    root = ck.mapping(data, "(top level)")
    sid = ck.text(root, "id", "")
    if sid != path.stem:
        raise ck.fail(
            "id", f"'{sid}' does not match the file name '{path.stem}'.", "Rename the file or fix the id."
        )
    market = ck.text(root, "market", "")
    domain = ck.text(root, "domain", "")
    sale_type = ck.text(root, "sale_type", "")
    for key, value, allowed in (
        ("market", market, MARKETS),
        ("domain", domain, DOMAINS),
        ("sale_type", sale_type, SALE_TYPES),
    ):
        if value not in allowed:
            raise ck.fail(key, f"{value!r} is not one of {', '.join(allowed)}.")
    if sid != f"{market}-{domain}-{sale_type}":
        raise ck.fail("id", f"'{sid}' must be '{market}-{domain}-{sale_type}' (market-domain-sale_type).")

    cl = ck.mapping(ck.get(root, "client", ""), "client")
    client = Persona(
        name=ck.text(cl, "name", "client"),
        role=ck.text(cl, "role", "client"),
        organisation=ck.text(cl, "organisation", "client"),
        personality=ck.text(cl, "personality", "client"),
        comfortable_when=ck.texts(cl, "comfortable_when", "client", minimum=1),
        uncomfortable_when=ck.texts(cl, "uncomfortable_when", "client", minimum=1),
    )
    of = ck.mapping(ck.get(root, "offer", ""), "offer")
    prices = []
    for i, raw in enumerate(ck.items(of, "prices", "offer")):
        pw = f"offer.prices[{i}]"
        pr = ck.mapping(raw, pw)
        prices.append(PricePoint(label=ck.text(pr, "label", pw), price=ck.text(pr, "price", pw)))
    offer = Offer(
        name=ck.text(of, "name", "offer"),
        description=ck.text(of, "description", "offer"),
        prices=tuple(prices),
    )

    terms = []
    for i, raw in enumerate(ck.items(root, "technical_terms", "")):
        tw = f"technical_terms[{i}]"
        t = ck.mapping(raw, tw)
        terms.append(
            TechnicalTerm(
                term=ck.text(t, "term", tw),
                benefit=ck.text(t, "benefit", tw),
                aliases=ck.texts(t, "aliases", tw),
            )
        )
    needs = []
    for i, raw in enumerate(ck.items(root, "needs", "")):
        nw = f"needs[{i}]"
        n = ck.mapping(raw, nw)
        needs.append(Need(id=ck.text(n, "id", nw), text=ck.text(n, "text", nw)))
    if len({n.id for n in needs}) != len(needs):
        raise ck.fail("needs", "need ids must be unique.")
    objections = []
    for i, raw in enumerate(ck.items(root, "objections", "")):
        ow = f"objections[{i}]"
        o = ck.mapping(raw, ow)
        kind = ck.text(o, "kind", ow)
        if kind not in OBJECTION_KINDS:
            raise ck.fail(f"{ow}.kind", f"{kind!r} is not one of {', '.join(OBJECTION_KINDS)}.")
        objections.append(Objection(kind=kind, text=ck.text(o, "text", ow)))
    signals = ck.texts(root, "buying_signals", "", minimum=1)

    minutes = _read_step_minutes(
        ck, ck.get(root, "steps_minutes", ""), "steps_minutes", load_referentiel().interview_minutes
    )
    return Scenario(
        id=sid,
        title=ck.text(root, "title", ""),
        market=market,
        domain=domain,
        sale_type=sale_type,
        context=re.sub(r"\s+", " ", ck.text(root, "context", "")),
        client=client,
        offer=offer,
        technical_terms=tuple(terms),
        needs=tuple(needs),
        objections=tuple(objections),
        buying_signals=signals,
        steps_minutes=minutes,
        source=str(path),
        sha256=digest,
    )


def _read_step_minutes(ck: _Checker, raw: Any, where: str, expected: float) -> Mapping[int, float]:
    """Planned minutes per step 1..6, which must sum to the interview length."""
    sm = ck.mapping(raw, where)
    minutes: dict[int, float] = {}
    for key, value in sm.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 6:
            raise ck.fail(f"{where}.{key}", "step numbers are 1..6.")
        minutes[number] = ck.number(value, f"{where}.{key}", 0, None)
    if sorted(minutes) != [1, 2, 3, 4, 5, 6]:
        missing = [s for s in range(1, 7) if s not in minutes]
        raise ck.fail(where, f"missing step(s) {missing}.", "Give planned minutes for each step 1..6.")
    total = sum(minutes.values())
    if abs(total - expected) > 1e-6:
        raise ck.fail(
            where,
            f"the planned minutes sum to {total:g}, not {expected:g}.",
            f"Adjust the steps so they total the {expected:g}-minute interview.",
        )
    return MappingProxyType(dict(sorted(minutes.items())))
