"""Measure the tagger: against gold files (tags.md format), FIB questions and MIAM-LORIA dialogues.

Turn-level matching (``evaluate_sessions``): a predicted tag matches a gold tag of the same label in
the same turn. Multiplicity: within one (turn, label) pair, ``min(predicted, gold)`` tags are true
positives, the surplus of predictions are false positives and the missing ones false negatives
(two gold need tags in a turn need two predicted ones). Micro averages pool the counts of all
labels; the macro average is the mean over labels that occur in the gold files or the predictions
(a label absent from both is left out; one with gold but no prediction counts with F1 = 0).

The question confusion view aligns form tags (open/closed) by character overlap inside the turn:
gold and predicted form tags that overlap are a pair; an unpaired gold tag is predicted ``none``,
an unpaired prediction has gold ``none``.

Grid agreement (when ``pipeline.grid.build_grid`` exists): the draft grid built from the predicted
tags against the gold file's ``grid``: a criterion agrees when the statuses are equal; ``to_review``
where gold says met/not_met is a disagreement.

Every function returns small frozen result types; ``rolegrid eval`` only prints them.
"""

from __future__ import annotations

import glob
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .types import TagSet, Transcript

log = logging.getLogger(__name__)

FORMS = ("open", "closed", "none")


# --------------------------------------------------------------------------- gold files


@dataclass(frozen=True)
class GoldTag:
    """One gold tag: label, turn, quote (with its character span in the turn when found)."""

    id: str
    label: str
    turn_id: str
    quote: str
    start_char: int | None
    end_char: int | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldSession:
    """A gold file: its transcript (tags removed), its tags and its gold grid (may be empty)."""

    path: str
    session_id: str
    scenario: str | None
    transcript: Transcript
    tags: tuple[GoldTag, ...]
    grid: Mapping[str, Any]


_ATTRS = ("kind", "justified")


def read_gold(path: str | Path) -> GoldSession:
    """Read one gold JSON file of ``../shared/spec/tags.md``."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"Cannot read the gold file {p}: {exc}.", "Give a gold JSON file (spec/tags.md)."
        ) from exc
    from .formats import transcript_from_gold

    transcript = transcript_from_gold(data, source=str(p), session_id=p.stem)
    tags: list[GoldTag] = []
    texts = {str(t.get("id")): t.get("text", "") for t in data.get("turns", [])}
    for t in data.get("turns", []):
        tid = str(t.get("id"))
        for g in t.get("tags", []) or []:
            quote = str(g.get("quote", ""))
            i = texts[tid].find(quote) if quote else -1
            tags.append(
                GoldTag(
                    id=str(g.get("id", "")),
                    label=str(g["label"]),
                    turn_id=tid,
                    quote=quote,
                    start_char=i if i >= 0 else None,
                    end_char=i + len(quote) if i >= 0 else None,
                    attributes={k: g[k] for k in _ATTRS if k in g},
                    links=tuple(g.get("links", []) or []),
                )
            )
    return GoldSession(
        path=str(p),
        session_id=str(data.get("session_id") or p.stem),
        scenario=data.get("scenario"),
        transcript=transcript,
        tags=tuple(tags),
        grid=dict(data.get("grid") or {}),
    )


def gold_files(gold_dir: str | Path) -> list[Path]:
    """The ``*.json`` gold files of a folder (sorted), or the file itself."""
    p = Path(gold_dir)
    if p.is_file():
        return [p]
    files = sorted(Path(x) for x in glob.glob(str(p / "*.json")))
    if not files:
        raise InputError(f"No gold JSON file in {p}.", "Give a folder of gold files (spec/tags.md format).")
    return files


def gold_files_many(gold_dirs: str | Path | Sequence[str | Path]) -> list[Path]:
    """The gold files of one folder (or file) or of several, in the order given."""
    if isinstance(gold_dirs, (str, Path)):
        return gold_files(gold_dirs)
    return [f for d in gold_dirs for f in gold_files(d)]


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class LabelScore:
    """Turn-level counts and scores of one label."""

    label: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Averages:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class CriterionAgreement:
    """Draft vs gold status of one criterion over the sessions whose gold grid has it."""

    criterion: str
    agree: int
    total: int

    @property
    def rate(self) -> float:
        return self.agree / self.total if self.total else 0.0


@dataclass(frozen=True)
class EvalResult:
    """What ``rolegrid eval`` prints."""

    sessions: tuple[str, ...]
    labels: tuple[LabelScore, ...]
    micro: Averages
    macro: Averages
    question_confusion: Mapping[str, Mapping[str, int]]  # gold form -> predicted form -> count
    grid: tuple[CriterionAgreement, ...] = ()
    grid_note: str = ""

    @property
    def grid_overall(self) -> float | None:
        total = sum(c.total for c in self.grid)
        return sum(c.agree for c in self.grid) / total if total else None

    def label(self, name: str) -> LabelScore:
        for s in self.labels:
            if s.label == name:
                return s
        return LabelScore(name, 0, 0, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": list(self.sessions),
            "labels": [s.to_dict() for s in self.labels],
            "micro": {k: round(v, 4) for k, v in vars(self.micro).items()},
            "macro": {k: round(v, 4) for k, v in vars(self.macro).items()},
            "question_confusion": {g: dict(v) for g, v in self.question_confusion.items()},
            "grid": [
                {"criterion": c.criterion, "agree": c.agree, "total": c.total, "rate": round(c.rate, 4)}
                for c in self.grid
            ],
            "grid_overall": None if self.grid_overall is None else round(self.grid_overall, 4),
            "grid_note": self.grid_note,
        }


def score_turn_level(
    gold: Iterable[tuple[str, str, str]],
    predicted: Iterable[tuple[str, str, str]],
    labels: Sequence[str] = (),
) -> tuple[LabelScore, ...]:
    """Per-label counts from (session, turn_id, label) triples, with per-turn multiplicity (module doc)."""
    g = Counter(gold)
    p = Counter(predicted)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for key in set(g) | set(p):
        label = key[2]
        m = min(g[key], p[key])
        tp[label] += m
        fp[label] += p[key] - m
        fn[label] += g[key] - m
    names = list(dict.fromkeys(list(labels) + sorted(set(tp) | set(fp) | set(fn))))
    return tuple(LabelScore(n, tp[n], fp[n], fn[n]) for n in names)


def averages(scores: Sequence[LabelScore]) -> tuple[Averages, Averages]:
    """(micro, macro) over the labels present in gold or predictions."""
    used = [s for s in scores if s.tp + s.fp + s.fn > 0]
    tp = sum(s.tp for s in used)
    fp = sum(s.fp for s in used)
    fn = sum(s.fn for s in used)
    mp = tp / (tp + fp) if tp + fp else 0.0
    mr = tp / (tp + fn) if tp + fn else 0.0
    micro = Averages(mp, mr, 2 * mp * mr / (mp + mr) if mp + mr else 0.0)
    n = len(used) or 1
    macro = Averages(
        sum(s.precision for s in used) / n, sum(s.recall for s in used) / n, sum(s.f1 for s in used) / n
    )
    return micro, macro


def question_confusion(
    gold: Sequence[tuple[str, str, int | None, int | None, str]],
    predicted: Sequence[tuple[str, str, int, int, str]],
) -> dict[str, dict[str, int]]:
    """Confusion of question forms from (session, turn_id, start_char, end_char, form) tuples."""
    table = {g: dict.fromkeys(FORMS, 0) for g in FORMS}
    used: set[int] = set()
    for sess, turn, g0, g1, gform in gold:
        match = None
        for k, (ps, pt, p0, p1, pform) in enumerate(predicted):
            if k in used or ps != sess or pt != turn:
                continue
            if g0 is None or (p0 < g1 and g0 < p1):
                match = k
                if pform == gform:
                    break
        if match is None:
            table[gform]["none"] += 1
        else:
            used.add(match)
            table[gform][predicted[match][4]] += 1
    for k, (*_, pform) in enumerate(predicted):
        if k not in used:
            table["none"][pform] += 1
    return table


def _grid_agreement(
    sessions: Sequence[GoldSession], tagsets: Sequence[TagSet]
) -> tuple[tuple[CriterionAgreement, ...], str]:
    try:
        from .grid import build_grid
        from .measures import compute_measures
        from .scenarios import load_referentiel, load_scenario
    except ImportError as exc:
        return (), f"grid agreement skipped: {exc}"
    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    try:
        referentiel = load_referentiel()
    except Exception as exc:  # noqa: BLE001 - optional part of the report; say why it is missing
        return (), f"grid agreement skipped: référentiel not loadable ({exc})"
    for sess, tags in zip(sessions, tagsets, strict=False):
        if not sess.grid:
            continue
        try:
            scenario = load_scenario(sess.scenario) if sess.scenario else None
            measures = compute_measures(sess.transcript)
            grid = build_grid(
                sess.transcript, measures, tags, scenario, referentiel, session_id=sess.session_id
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("grid agreement: %s skipped (%s)", sess.session_id, exc)
            continue
        for crit, gold in sess.grid.items():
            status = gold.get("status") if isinstance(gold, Mapping) else gold
            if crit not in grid.criteria or status is None:
                continue
            total[crit] += 1
            agree[crit] += int(grid.criteria[crit].status == status)
    crits = sorted(total, key=lambda c: [int(x) for x in re.findall(r"\d+", c)])
    return tuple(CriterionAgreement(c, agree[c], total[c]) for c in crits), ""


def evaluate_sessions(
    sessions: Sequence[GoldSession], tagsets: Sequence[TagSet], labels: Sequence[str] = ()
) -> EvalResult:
    """Scores of predicted tag sets against gold sessions (same order)."""
    gold_keys, pred_keys = [], []
    gold_forms, pred_forms = [], []
    for sess, ts in zip(sessions, tagsets, strict=True):
        for g in sess.tags:
            gold_keys.append((sess.session_id, g.turn_id, g.label))
            if g.label in ("open_question", "closed_question"):
                gold_forms.append(
                    (sess.session_id, g.turn_id, g.start_char, g.end_char, g.label.split("_")[0])
                )
        for t in ts.tags:
            pred_keys.append((sess.session_id, t.turn_id, t.label))
            if t.label in ("open_question", "closed_question"):
                pred_forms.append(
                    (sess.session_id, t.turn_id, t.start_char, t.end_char, t.label.split("_")[0])
                )
    scores = score_turn_level(gold_keys, pred_keys, labels)
    micro, macro = averages(scores)
    grid, note = _grid_agreement(sessions, tagsets)
    return EvalResult(
        sessions=tuple(s.session_id for s in sessions),
        labels=scores,
        micro=micro,
        macro=macro,
        question_confusion=question_confusion(gold_forms, pred_forms),
        grid=grid,
        grid_note=note,
    )


def evaluate_gold_dir(gold_dir: str | Path | Sequence[str | Path], tagger: Any) -> EvalResult:
    """Tag every gold file of ``gold_dir`` (a folder, a file, or several) with ``tagger`` and score it."""
    from .tagging import LABELS, tag_transcript

    sessions = [read_gold(p) for p in gold_files_many(gold_dir)]
    tagsets = [tag_transcript(s.transcript, tagger) for s in sessions]
    return evaluate_sessions(sessions, tagsets, LABELS)


# --------------------------------------------------------------------------- external data


@dataclass(frozen=True)
class FibResult:
    """Question detection and typing on the French Interrogative Bank (direct questions only)."""

    with_qmark: bool
    questions: int
    detected: int
    correct_form: int
    wh: int
    yes_no: int

    @property
    def recall(self) -> float:
        return self.detected / self.questions if self.questions else 0.0

    @property
    def form_accuracy(self) -> float:
        """Open/closed accuracy over the detected questions."""
        return self.correct_form / self.detected if self.detected else 0.0

    @property
    def form_accuracy_all(self) -> float:
        """Open/closed accuracy over all questions (a missed question counts as wrong)."""
        return self.correct_form / self.questions if self.questions else 0.0


def _read_conllu(path: Path) -> list[tuple[str, list[list[str]]]]:
    sents: list[tuple[str, list[list[str]]]] = []
    cur: list[list[str]] = []
    text = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text ="):
            text = line.split("=", 1)[1].strip()
        elif not line.strip():
            if cur:
                sents.append((text, cur))
            cur = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            cur.append(cols)
    if cur:
        sents.append((text, cur))
    return sents


def fib_items(fib_dir: str | Path) -> list[tuple[str, str]]:
    """(sentence, "open"|"closed") for every direct question of FIB.

    Direct question: the root carries ``ClauseType=Int`` in MISC. Open (wh): some token with
    ``PronType=Int`` or ``PhraseType=Int`` whose nearest interrogative clause is the root; else yes/no.
    """
    d = Path(fib_dir)
    files = sorted(d.glob("*.conll")) + sorted(d.glob("*.conllu"))
    if not files:
        raise InputError(f"No .conll file in {d}.", "Point --fib to ../shared/data/text/ud_french_fib.")
    items = []
    for f in files:
        for text, toks in _read_conllu(f):
            ids = {c[0]: c for c in toks}
            roots = [c for c in toks if c[6] in ("0", "_")]
            if not roots or "ClauseType=Int" not in roots[0][9]:
                continue
            root = roots[0]

            def clause(c: list[str], ids: dict[str, list[str]] = ids) -> list[str] | None:
                seen = 0
                while seen < 100:
                    if "ClauseType=Int" in c[9]:
                        return c
                    if c[6] in ("0", "_") or c[6] not in ids:
                        return None
                    c = ids[c[6]]
                    seen += 1
                return None

            wh = any(("PronType=Int" in c[5] or "PhraseType=Int" in c[9]) and clause(c) is root for c in toks)
            items.append((text, "open" if wh else "closed"))
    return items


def _question_rules(tagger: Any) -> Any:
    from .tagging.questions import QuestionRules

    return QuestionRules(tagger.resources.questions)


def _strip_qmarks(text: str) -> str:
    return re.sub(r"\s*[?¿]+", "", text)


def _model_pipes(tagger: Any) -> list[str]:
    return [n for n in tagger.nlp.pipe_names if not n.startswith("rolegrid")]


def evaluate_fib(fib_dir: str | Path, tagger: Any, with_qmark: bool = True) -> FibResult:
    """Recall of FIB's direct questions and open/closed accuracy, with or without "?"."""
    from .tagging.questions import toks

    items = fib_items(fib_dir)
    rules = _question_rules(tagger)
    texts = [t if with_qmark else _strip_qmarks(t) for t, _ in items]
    detected = correct = 0
    with tagger.nlp.select_pipes(enable=_model_pipes(tagger)):
        for doc, (_, gold) in zip(tagger.nlp.pipe(texts, batch_size=256), items, strict=False):
            q = rules.classify(toks(list(doc)))
            if q.form:
                detected += 1
                correct += q.form == gold
    return FibResult(
        with_qmark=with_qmark,
        questions=len(items),
        detected=detected,
        correct_form=correct,
        wh=sum(1 for _, g in items if g == "open"),
        yes_no=sum(1 for _, g in items if g == "closed"),
    )


@dataclass(frozen=True)
class MiamResult:
    """Question detection on MIAM-LORIA utterances with "?" stripped, against the typed "?"."""

    utterances: int
    questions: int  # utterances whose typed text has "?"
    tp: int
    fp: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.questions if self.questions else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_miam(miam_path: str | Path, tagger: Any, limit: int | None = None) -> MiamResult:
    """Question detection without "?" on MIAM-LORIA (a folder of CSVs or one CSV)."""
    import csv

    from .tagging.questions import toks

    p = Path(miam_path)
    files = [p] if p.is_file() else sorted(p.glob("*.csv")) or sorted(p.glob("*/*.csv"))
    if not files:
        raise InputError(f"No CSV file in {p}.", "Point --miam to ../shared/data/text/miam_loria/loria.")
    utts: list[str] = []
    for f in files:
        with open(f, encoding="utf-8", newline="") as fh:
            utts.extend(row["Utterance"] for row in csv.DictReader(fh) if row.get("Utterance"))
    if limit:
        utts = utts[:limit]
    rules = _question_rules(tagger)
    gold = ["?" in u for u in utts]
    tp = fp = 0
    with tagger.nlp.select_pipes(enable=_model_pipes(tagger)):
        for doc, g in zip(
            tagger.nlp.pipe([_strip_qmarks(u) for u in utts], batch_size=256), gold, strict=False
        ):
            # One utterance may hold several sentences: a question anywhere makes it a question.
            sents, cur = [], []
            for t in doc:
                cur.append(t)
                if t.text in {".", "!", "…"}:
                    sents.append(cur)
                    cur = []
            if cur:
                sents.append(cur)
            pred = any(rules.classify(toks(s)).form for s in sents)
            if pred and g:
                tp += 1
            elif pred:
                fp += 1
    return MiamResult(utterances=len(utts), questions=sum(gold), tp=tp, fp=fp)


# One fold per corpus author: "…-d23-u1" -> "d23-u" (set 23, author u).
AUTHOR_GROUP_PATTERN = r"(d\d+-[a-z])\d+$"


def cv_groups(sessions: Sequence[GoldSession], group_pattern: str | None = None) -> list[str]:
    """The cross-validation fold of each session.

    Without a pattern each session is its own fold (leave-one-session-out). With a regular expression, the
    sessions whose id gives the same match (its first group when it has one) share a fold, so a whole author
    is left out at once (:data:`AUTHOR_GROUP_PATTERN` for the corpus's ``…-d3-a1`` names); a session that does not
    match falls in the fold of its folder.
    """
    if not group_pattern:
        return [s.session_id for s in sessions]
    try:
        rx = re.compile(group_pattern)
    except re.error as exc:
        raise InputError(
            f"The fold pattern {group_pattern!r} is not a valid regular expression ({exc}).",
            f"Give a Python regular expression, e.g. --cv-group '{AUTHOR_GROUP_PATTERN}'.",
        ) from exc
    out = []
    for s in sessions:
        m = rx.search(s.session_id)
        out.append((m.group(1) if m.groups() else m.group(0)) if m else f"folder:{Path(s.path).parent}")
    return out


def cv_tagsets(
    sessions: Sequence[GoldSession],
    data: Sequence[Any],
    groups: Sequence[str],
    tagger: Any,
    l2: float | None = None,
    jobs: int = 1,
) -> list[Any]:
    """Each session tagged by a sentence classifier trained on the sessions of the other groups.

    ``data`` are the sessions' features (:func:`~pipeline.tagging.training.sessions_data`), ``groups``
    their folds (:func:`cv_groups`), ``l2`` the penalty (default: ``classifier_l2``); ``jobs`` forked
    processes train the folds and tag (the result does not depend on it). The tagger's own classifier is
    left as it was.
    """
    from .tagging import tag_transcript
    from .tagging.training import fit, fork_map

    order = list(dict.fromkeys(groups))

    def fit_fold(k: int) -> Any:
        return fit([d for d, h in zip(data, groups, strict=True) if h != order[k]], tagger, l2=l2)

    models = dict(zip(order, fork_map(fit_fold, len(order), jobs), strict=True))
    ctx = tagger.nlp.get_pipe("rolegrid_context")
    saved = ctx.classifier

    def tag(i: int) -> Any:
        ctx.classifier = models[groups[i]]
        return tag_transcript(sessions[i].transcript, tagger)

    try:
        return fork_map(tag, len(sessions), jobs, chunksize=2)
    finally:
        ctx.classifier = saved


def evaluate_gold_dir_cv(
    gold_dir: str | Path | Sequence[str | Path], tagger: Any, group_pattern: str | None = None
) -> EvalResult:
    """Cross-validation: each fold is tagged by a sentence classifier retrained without it.

    The honest figure for a tagger whose classifier was trained on the same gold files. Folds are single
    sessions, or groups of sessions (e.g. one author's) given by ``group_pattern`` (see :func:`cv_groups`).
    ``tagger`` must have the encoder (``use_encoder=True``).
    """
    from .tagging import LABELS
    from .tagging.training import sessions_data

    if tagger.encoder is None:
        raise InputError(
            "Cross-validation needs the sentence encoder.", "Do not pass --no-encoder with --cv."
        )
    sessions = [read_gold(p) for p in gold_files_many(gold_dir)]
    groups = cv_groups(sessions, group_pattern)
    tagsets = cv_tagsets(sessions, sessions_data(sessions, tagger), groups, tagger)
    log.info("cross-validation: %d sessions in %d folds", len(sessions), len(set(groups)))
    return evaluate_sessions(sessions, tagsets, LABELS)
