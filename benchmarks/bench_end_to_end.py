"""End-to-end benchmark: what ASR and diarization cost the tagger and the draft grid.

For each development gold session (``models/corpus/dev``), the script

1. synthesises a two-voice French recording with exact turn times
   (``scripts/synthesize_dialogue.py``: NAME.opus, NAME.rttm, NAME.gold.json);
2. runs the whole pipeline on it (``rolegrid analyze NAME.opus --scenario S``): the *audio path*;
3. runs the same tagger and grid on the gold text (``rolegrid analyze --transcript NAME.gold.json``,
   the same tagging as ``rolegrid eval``): the *text path*, the ceiling;
4. runs them on the ASR words cut at the gold turns (each word goes to the gold turn that contains
   its midpoint, the gold speaker is kept): the *ASR-on-gold-turns path*, which separates the cost of
   the recognised words from the cost of diarization, turn building and roles;

then prints a Markdown section: WER, DER (collar 0.25), client talk-share error, role call, per-label
tag P/R/F1 (micro, macro) for the three paths, grid agreement per criterion, and error examples.

Tag matching is time-based for the audio path: a predicted tag goes to the gold turn that contains
its time midpoint (the nearest gold turn when it falls in a gap; overlapping gold turns: the one of
the tag's role). It matches a gold tag of the same label in that turn, with the turn-level counting
of ``pipeline/evaluation.py`` (within one (turn, label), ``min(predicted, gold)`` true positives).

The gold grid is recomputed from NAME.gold.json with ``models/corpus/check_gold.py`` so that C1.2
(client talk share) uses the synthesised turn times.

Everything is cached under ``--cache`` (default ``/tmp/e2e``); a rerun skips synthesis and analysis
whose outputs exist (``--force`` redoes them). Run from the repository root::

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_end_to_end.py [--sessions GOLD.json ...]
        [--cache /tmp/e2e] [--threads 2] [--force] [--json /tmp/e2e/results.json] [--examples 8] [--cv]

``--cv`` also retags the three paths with the sentence classifier retrained without each session
(the committed classifier is trained on dev + dev2, which hold the default sessions). Synthesis and
analysis wall times are kept in ``CACHE/NAME/timings.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align import join_words  # noqa: E402
from pipeline.evaluation import LabelScore, averages, read_gold, score_turn_level  # noqa: E402
from pipeline.formats import read_rttm, read_transcript  # noqa: E402
from pipeline.serialize import from_dict  # noqa: E402
from pipeline.types import TAG_LABELS, TagSet, Transcript  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speech import normalise, to_annotation  # noqa: E402  (same WER normalisation and DER input as the speech benchmark)

DEV = ROOT / "models" / "corpus" / "dev"
DEFAULT_SESSIONS = (DEV / "b2b-tech-produit-01.json", DEV / "b2c-service-service-01.json")
DEFAULT_CACHE = Path("/tmp/e2e")
COLLAR = 0.25
PATHS = ("text", "asr_turns", "audio")
PATH_NAMES = {"text": "text (gold)", "asr_turns": "ASR on gold turns", "audio": "audio (full)"}
QUESTION_LABELS = ("open_question", "closed_question")


# --------------------------------------------------------------------------- files and runs


@dataclass(frozen=True)
class SessionFiles:
    """Where one session's recording, references and analyses live in the cache."""

    gold_source: Path
    folder: Path

    @property
    def name(self) -> str:
        return self.gold_source.name.removesuffix(".json").removesuffix(".gold")

    @property
    def opus(self) -> Path:
        return self.folder / f"{self.name}.opus"

    @property
    def rttm(self) -> Path:
        return self.folder / f"{self.name}.rttm"

    @property
    def gold(self) -> Path:
        return self.folder / f"{self.name}.gold.json"

    @property
    def audio_session(self) -> Path:
        return self.folder / "session"

    @property
    def text_session(self) -> Path:
        return self.folder / "text_session"

    @property
    def asr_turns_gold(self) -> Path:
        return self.folder / f"{self.name}.asr_turns.json"

    @property
    def asr_turns_session(self) -> Path:
        return self.folder / "asr_turns_session"

    @property
    def timings(self) -> Path:
        return self.folder / "timings.json"

    def session_dir(self, path: str) -> Path:
        """The session folder of one evaluation path (``text``, ``asr_turns`` or ``audio``)."""
        return {"text": self.text_session, "asr_turns": self.asr_turns_session, "audio": self.audio_session}[
            path
        ]


def _env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault("PYANNOTE_METRICS_ENABLED", "0")
    return env


def _run(cmd: Sequence[str], threads: int, log_path: Path) -> float:
    """Run ``cmd`` from the repository root, its output to ``log_path``; wall seconds. Exits on failure."""
    t0 = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(threads), stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n" + "\n".join(tail))
    return seconds


def _load_timings(files: SessionFiles) -> dict[str, float]:
    try:
        return json.loads(files.timings.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_timing(files: SessionFiles, key: str, seconds: float) -> None:
    data = _load_timings(files)
    data[key] = round(seconds, 1)
    files.timings.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _stage_timings(files: SessionFiles) -> None:
    """Keep the ASR, diarization and tagging seconds of the audio analysis (session.json) in timings.json.

    session.json reports a stage's seconds only on the run that did it; a cached rerun says "skipped".
    """
    try:
        stages = json.loads((files.audio_session / "session.json").read_text(encoding="utf-8"))["stages"]
    except (OSError, ValueError, KeyError):
        return
    for stage in ("asr", "diarize", "tags"):
        info = stages.get(stage) or {}
        if info.get("status") == "ran" and info.get("seconds") is not None:
            _save_timing(files, f"{stage}_s", float(info["seconds"]))


def synthesize(files: SessionFiles, threads: int, force: bool) -> None:
    """Synthesise the recording unless NAME.opus, NAME.rttm and NAME.gold.json exist."""
    if not force and all(p.exists() for p in (files.opus, files.rttm, files.gold)):
        return
    files.folder.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "scripts/synthesize_dialogue.py", str(files.gold_source)]
    cmd += ["--out-dir", str(files.folder), "--name", files.name, "--threads", str(threads)]
    print(f"synthesising {files.name} …", file=sys.stderr, flush=True)
    _save_timing(files, "synthesis_s", _run(cmd, threads, files.folder / "synthesis.log"))


def _rolegrid() -> str:
    exe = Path(sys.executable).with_name("rolegrid")
    return str(exe) if exe.exists() else "rolegrid"


def analyze(
    files: SessionFiles, path: str, scenario: str | None, threads: int, force: bool, rerun: bool = False
) -> None:
    """Run ``rolegrid analyze`` for one evaluation path unless its grid.json exists (``rerun``: anyway)."""
    out = files.session_dir(path)
    if not (force or rerun) and (out / "grid.json").exists() and (out / "tags.json").exists():
        return
    cmd = [_rolegrid(), "analyze"]
    if path == "audio":
        cmd += [str(files.opus), "--threads", str(threads)]
    elif path == "text":
        cmd += ["--transcript", str(files.gold)]
    else:
        cmd += ["--transcript", str(files.asr_turns_gold)]
    if scenario:
        cmd += ["--scenario", scenario]
    cmd += ["--out", str(out), "--quiet"] + (["--force"] if force else [])
    print(f"analysing {files.name} ({path}) …", file=sys.stderr, flush=True)
    seconds = _run(cmd, threads, files.folder / f"analyze_{path}.log")
    _save_timing(files, f"analysis_{path}_s", seconds)


# --------------------------------------------------------------------------- gold helpers


def _check_gold() -> ModuleType:
    """``models/corpus/check_gold.py`` (talk share and gold grid by grid.md's conventions)."""
    spec = importlib.util.spec_from_file_location("check_gold", ROOT / "models" / "corpus" / "check_gold.py")
    if spec is None or spec.loader is None:
        raise SystemExit("cannot import models/corpus/check_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@dataclass(frozen=True)
class GoldTurn:
    """A gold turn with its synthesised times."""

    id: str
    speaker: str
    start: float
    end: float
    text: str


def gold_turns(doc: Mapping[str, Any]) -> list[GoldTurn]:
    """The gold turns of a synthesised gold JSON, in time order."""
    turns = [
        GoldTurn(str(t["id"]), str(t["speaker"]), float(t["start"]), float(t["end"]), str(t["text"]))
        for t in doc["turns"]
    ]
    return sorted(turns, key=lambda t: (t.start, t.end))


def locate(turns: Sequence[GoldTurn], t: float, role: str | None = None) -> tuple[GoldTurn, bool]:
    """The gold turn that contains time ``t`` (prefer ``role`` among overlapping ones), else the nearest.

    Returns (turn, inside): ``inside`` is False when ``t`` fell in a gap between turns.
    """
    inside = [g for g in turns if g.start <= t <= g.end]
    if inside:
        same = [g for g in inside if g.speaker == role]
        return (same or inside)[0], True
    return min(turns, key=lambda g: min(abs(t - g.start), abs(t - g.end))), False


# --------------------------------------------------------------------------- WER


def asr_words(asr_json: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The recognised words of a session ``asr.json``, in time order."""
    words = [w for seg in asr_json["segments"] for w in seg.get("words", [])]
    return sorted(words, key=lambda w: (w["start"], w["end"]))


def wer_counts(reference: str, hypothesis: str) -> dict[str, int]:
    """Substitutions, deletions, insertions and reference words (jiwer) on normalised text.

    ``digit_errors``: substituted or inserted hypothesis words written with digits (Whisper writes
    "12" where the gold says "douze": an error for WER, often not for the tagger).
    """
    import jiwer

    m = jiwer.process_words(normalise(reference), normalise(hypothesis))
    hyp = m.hypotheses[0]
    digits = sum(
        1
        for chunk in m.alignments[0]
        if chunk.type in ("substitute", "insert")
        for word in hyp[chunk.hyp_start_idx : chunk.hyp_end_idx]
        if any(ch.isdigit() for ch in word)
    )
    return {
        "sub": m.substitutions,
        "del": m.deletions,
        "ins": m.insertions,
        "ref_words": m.substitutions + m.deletions + m.hits,
        "digit_errors": digits,
    }


def wer(counts: Mapping[str, int]) -> float:
    """WER from ``wer_counts`` (or their sums)."""
    return (counts["sub"] + counts["del"] + counts["ins"]) / max(1, counts["ref_words"])


def timing_check(turns: Sequence[GoldTurn], words: Sequence[Mapping[str, Any]]) -> dict[str, float | int]:
    """Are the recording and its reference in sync? Word-aligns ASR to gold text (jiwer hits).

    ``first_word_offset``: median of (recognised start of a turn's first word − gold turn start) over
    turns whose first word was recognised; ``outside``: share of recognised words whose time midpoint
    lies outside their own gold turn (Whisper's word times run late at turn ends: those words land in
    the next turn, with the next speaker).
    """
    import statistics

    import jiwer

    ref_tok: list[str] = []
    ref_turn: list[int] = []
    for i, t in enumerate(turns):
        toks = normalise(t.text).split()
        ref_tok += toks
        ref_turn += [i] * len(toks)
    hyp_tok: list[str] = []
    hyp_word: list[int] = []
    for j, w in enumerate(words):
        toks = normalise(str(w["text"])).split()
        hyp_tok += toks
        hyp_word += [j] * len(toks)
    m = jiwer.process_words(" ".join(ref_tok), " ".join(hyp_tok))
    first: list[float] = []
    hits = outside = late = 0
    for c in m.alignments[0]:
        if c.type != "equal":
            continue
        for k in range(c.ref_end_idx - c.ref_start_idx):
            ri, hi = c.ref_start_idx + k, c.hyp_start_idx + k
            t, w = turns[ref_turn[ri]], words[hyp_word[hi]]
            mid = (w["start"] + w["end"]) / 2
            hits += 1
            if not t.start <= mid <= t.end:
                outside += 1
                late += mid > t.end
            if ri == 0 or ref_turn[ri - 1] != ref_turn[ri]:
                first.append(w["start"] - t.start)
    return {
        "first_word_offset": round(statistics.median(first), 3) if first else float("nan"),
        "hits": hits,
        "outside": outside,
        "outside_late": late,
    }


# --------------------------------------------------------------------------- diarization


def der_components(ref_rttm: Path, hyp_rttm: Path, duration: float) -> dict[str, float]:
    """DER components in seconds (pyannote.metrics, collar 0.25, overlap scored, whole file)."""
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    metric = DiarizationErrorRate(collar=COLLAR, skip_overlap=False)
    detail = metric(
        to_annotation(read_rttm(ref_rttm).segments),
        to_annotation(read_rttm(hyp_rttm).segments),
        uem=Timeline([Segment(0.0, duration)]),
        detailed=True,
    )
    return {
        "miss": float(detail["missed detection"]),
        "fa": float(detail["false alarm"]),
        "confusion": float(detail["confusion"]),
        "total": float(detail["total"]),
    }


def der(c: Mapping[str, float]) -> float:
    """DER from ``der_components`` (or their sums)."""
    return (c["miss"] + c["fa"] + c["confusion"]) / c["total"] if c["total"] else 0.0


def speaker_roles(ref_rttm: Path, hyp_rttm: Path) -> dict[str, str]:
    """Each diarized speaker label -> the gold role it overlaps most in time."""
    ref = read_rttm(ref_rttm).segments
    overlap: dict[str, Counter[str]] = defaultdict(Counter)
    for h in read_rttm(hyp_rttm).segments:
        for r in ref:
            d = min(h.end, r.end) - max(h.start, r.start)
            if d > 0:
                overlap[h.speaker][r.speaker] += d
    return {who: c.most_common(1)[0][0] for who, c in overlap.items() if c}


# --------------------------------------------------------------------------- tags


def read_tags(session_dir: Path) -> TagSet:
    """The TagSet of a session folder's tags.json."""
    data = json.loads((session_dir / "tags.json").read_text(encoding="utf-8"))
    data.pop("provenance", None)
    return from_dict(TagSet, data)


def gold_keys(name: str, gold_path: Path) -> list[tuple[str, str, str]]:
    """(session, turn_id, label) of every gold tag of ``gold_path``, under the session key ``name``."""
    gold = read_gold(gold_path)
    return [(name, g.turn_id, g.label) for g in gold.tags]


def audio_tag_keys(
    name: str, turns: Sequence[GoldTurn], transcript: Transcript, tags: TagSet
) -> tuple[list[tuple[str, str, str]], int]:
    """(session, gold turn id, label) of each predicted tag by its time midpoint; and how many fell in gaps."""
    pred_turns = {t.id: t for t in transcript.turns}
    keys, gaps = [], 0
    for tag in tags.tags:
        pt = pred_turns.get(tag.turn_id)
        if tag.start is not None and tag.end is not None:
            mid = (tag.start + tag.end) / 2
        elif pt is not None:
            mid = (pt.start + pt.end) / 2
        else:
            continue
        g, inside = locate(turns, mid, pt.role if pt is not None else None)
        gaps += not inside
        keys.append((name, g.id, tag.label))
    return keys, gaps


def text_tag_keys(name: str, tags: TagSet) -> list[tuple[str, str, str]]:
    """(session, turn_id, label) of tags predicted on gold turn ids."""
    return [(name, t.turn_id, t.label) for t in tags.tags]


def asr_on_gold_turns(doc: Mapping[str, Any], words: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A gold-format JSON whose turn texts are the ASR words whose midpoint falls in each gold turn."""
    turns = gold_turns(doc)
    texts: dict[str, list[str]] = defaultdict(list)
    for w in words:
        mid = (w["start"] + w["end"]) / 2
        inside = [g for g in turns if g.start <= mid <= g.end]
        if inside:
            # overlapping turns: the one the word overlaps most
            g = max(inside, key=lambda g: min(g.end, w["end"]) - max(g.start, w["start"]))
        else:
            g, _ = locate(turns, mid)
        texts[g.id].append(str(w["text"]))
    out_turns = [
        {"id": g.id, "speaker": g.speaker, "start": g.start, "end": g.end, "text": join_words(texts[g.id])}
        for g in turns
        if texts.get(g.id)
    ]
    return {
        "session_id": doc.get("session_id"),
        "scenario": doc.get("scenario"),
        "language": doc.get("language", "fr"),
        "turns": out_turns,
    }


def scores_to_dict(scores: Sequence[LabelScore]) -> dict[str, Any]:
    """Per-label scores with micro and macro averages."""
    micro, macro = averages(scores)
    return {
        "labels": [s.to_dict() for s in scores if s.tp + s.fp + s.fn],
        "micro": {k: round(v, 4) for k, v in vars(micro).items()},
        "macro": {k: round(v, 4) for k, v in vars(macro).items()},
    }


# --------------------------------------------------------------------------- grid


def grid_statuses(grid: Mapping[str, Any]) -> dict[str, str]:
    """{criterion: status} of a grid.json or a gold ``grid`` member."""
    crits = grid.get("criteria", grid)
    return {c: (v.get("status") if isinstance(v, Mapping) else v) for c, v in crits.items()}


def _crit_key(c: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", c)]


# --------------------------------------------------------------------------- turn segmentation


def segmentation(
    turns: Sequence[GoldTurn], transcript: Transcript, min_overlap: float = 0.5
) -> dict[str, Any]:
    """How diarization + turn building cut the speech against the gold turns.

    By time overlap of at least ``min_overlap`` seconds (so that word times a little late do not
    count): ``merged_across_roles``: predicted turns overlapping gold turns of both roles;
    ``split_gold_turns``: gold turns overlapping more than one predicted turn. ``wrong_role_words``:
    words whose predicted role differs from that of the gold turn holding their time midpoint.
    """

    def ov(a: Any, b: Any) -> float:
        return min(a.end, b.end) - max(a.start, b.start)

    merged = sum(
        1 for pt in transcript.turns if len({g.speaker for g in turns if ov(pt, g) >= min_overlap}) > 1
    )
    split = sum(1 for g in turns if sum(1 for pt in transcript.turns if ov(pt, g) >= min_overlap) > 1)
    words = wrong = 0
    for pt in transcript.turns:
        for w in pt.words:
            g, _ = locate(turns, (w.start + w.end) / 2, pt.role)
            words += 1
            wrong += pt.role != g.speaker
    return {
        "gold_turns": len(turns),
        "predicted_turns": len(transcript.turns),
        "merged_across_roles": merged,
        "split_gold_turns": split,
        "words": words,
        "wrong_role_words": wrong,
    }


# --------------------------------------------------------------------------- one session


def evaluate_session(files: SessionFiles) -> dict[str, Any]:
    """All figures of one session whose three session folders exist."""
    check_gold = _check_gold()
    doc = json.loads(files.gold.read_text(encoding="utf-8"))
    turns = gold_turns(doc)
    name = files.name
    _stage_timings(files)
    out: dict[str, Any] = {"session": name, "scenario": doc.get("scenario"), "timings": _load_timings(files)}
    out["duration"] = float(doc.get("synthesis", {}).get("duration") or max(t.end for t in turns))

    # ASR
    asr = json.loads((files.audio_session / "asr.json").read_text(encoding="utf-8"))
    words = asr_words(asr)
    reference = " ".join(t.text for t in turns)
    hypothesis = join_words(str(w["text"]) for w in words)
    out["wer"] = wer_counts(reference, hypothesis)
    out["qmarks"] = {"gold": reference.count("?"), "asr": hypothesis.count("?")}
    out["timing"] = timing_check(turns, words)

    # diarization, talk share, roles
    hyp_rttm = files.audio_session / "diarization.rttm"
    out["der"] = der_components(files.rttm, hyp_rttm, out["duration"])
    transcript = read_transcript(files.audio_session / "transcript.json")
    measures = json.loads((files.audio_session / "measures.json").read_text(encoding="utf-8"))
    out["client_share"] = {
        "gold": check_gold.talk_share(doc["turns"]),
        "predicted": measures.get("client_talk_share"),
    }
    mapping = speaker_roles(files.rttm, hyp_rttm)
    roles = transcript.roles
    out["roles"] = {
        "candidate": roles.candidate if roles else None,
        "confidence": roles.confidence if roles else None,
        "mapping": mapping,
        "correct": bool(roles and mapping.get(roles.candidate) == "candidate"),
    }
    out["segmentation"] = segmentation(turns, transcript)

    # tags: keys of the three paths against the same gold keys
    gk = gold_keys(name, files.gold)
    keys: dict[str, list[tuple[str, str, str]]] = {}
    keys["text"] = text_tag_keys(name, read_tags(files.text_session))
    keys["asr_turns"] = text_tag_keys(name, read_tags(files.asr_turns_session))
    keys["audio"], out["tags_in_gaps"] = audio_tag_keys(
        name, turns, transcript, read_tags(files.audio_session)
    )
    out["gold_keys"] = gk
    out["pred_keys"] = keys

    # grid: gold recomputed on the synthesised times
    gold_grid = grid_statuses(check_gold.compute_grid(doc))
    stored = grid_statuses(doc.get("grid") or {})
    out["gold_grid"] = gold_grid
    out["stored_grid_differs"] = sorted(c for c in gold_grid if stored.get(c) not in (None, gold_grid[c]))
    out["grids"] = {
        p: grid_statuses(json.loads((files.session_dir(p) / "grid.json").read_text(encoding="utf-8")))
        for p in PATHS
    }
    out["examples"] = lost_examples(files, turns, keys, gk, transcript)
    asr_doc = json.loads(files.asr_turns_gold.read_text(encoding="utf-8"))
    out["questions_by_qmark"] = questions_by_qmark(asr_doc, gk, keys)
    # WER per role: the words cut at the gold turns (a word that runs late counts for the next turn)
    asr_text = {str(t["id"]): t["text"] for t in asr_doc["turns"]}
    out["wer_by_role"] = {
        role: wer_counts(
            " ".join(t.text for t in turns if t.speaker == role),
            " ".join(asr_text.get(t.id, "") for t in turns if t.speaker == role),
        )
        for role in ("candidate", "client")
    }
    return out


def questions_by_qmark(
    asr_doc: Mapping[str, Any],
    gk: Sequence[tuple[str, str, str]],
    keys: Mapping[str, Sequence[tuple[str, str, str]]],
) -> dict[str, dict[str, int]]:
    """Gold question tags (open/closed) found per path, split by whether Whisper wrote a "?" in that turn.

    {"with_qmark" | "without_qmark": {"gold": n, "<path>": true positives}}; the turn's ASR text is
    the words whose midpoint falls in the gold turn.
    """
    has_q = {str(t["id"]): "?" in t["text"] for t in asr_doc["turns"]}
    gold_c = Counter(k for k in gk if k[2] in QUESTION_LABELS)
    pred_c = {p: Counter(keys[p]) for p in PATHS}
    out: dict[str, dict[str, int]] = {
        b: {"gold": 0, **dict.fromkeys(PATHS, 0)} for b in ("with_qmark", "without_qmark")
    }
    for key, n in gold_c.items():
        b = "with_qmark" if has_q.get(key[1], False) else "without_qmark"
        out[b]["gold"] += n
        for p in PATHS:
            out[b][p] += min(n, pred_c[p][key])
    return out


def lost_examples(
    files: SessionFiles,
    turns: Sequence[GoldTurn],
    keys: Mapping[str, Sequence[tuple[str, str, str]]],
    gk: Sequence[tuple[str, str, str]],
    transcript: Transcript,
) -> list[dict[str, Any]]:
    """Gold tags the text path found and the audio path missed, with what the audio path had there."""
    text_c, audio_c, gold_c = Counter(keys["text"]), Counter(keys["audio"]), Counter(gk)
    by_id = {t.id: t for t in turns}
    gold = read_gold(files.gold)
    quotes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for g in gold.tags:
        quotes[(g.turn_id, g.label)].append(g.quote)
    out = []
    for key, n in gold_c.items():
        lost = min(n, text_c[key]) - min(n, audio_c[key])
        if lost <= 0:
            continue
        _, tid, label = key
        g = by_id[tid]
        heard = [
            (pt.id, pt.role, pt.text)
            for pt in transcript.turns
            if min(pt.end, g.end) - max(pt.start, g.start) > 0
        ]
        out.append(
            {
                "turn": tid,
                "label": label,
                "lost": lost,
                "gold_speaker": g.speaker,
                "gold_quote": quotes[(tid, label)],
                "gold_text": g.text,
                "audio_turns": [
                    {"id": i, "role": r, "text": _window(t, g, transcript, i)} for i, r, t in heard
                ],
            }
        )
    return out


def _window(text: str, g: GoldTurn, transcript: Transcript, turn_id: str) -> str:
    """The words of predicted turn ``turn_id`` that lie inside the gold turn ``g`` (else its text)."""
    pt = transcript.turn(turn_id)
    inside = [w.text for w in pt.words if g.start - 0.2 <= (w.start + w.end) / 2 <= g.end + 0.2]
    return join_words(inside) if inside else text


# --------------------------------------------------------------------------- pooled figures and Markdown


def pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f} %"


def pooled(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per-path tag scores, WER, DER and grid agreement over all sessions."""
    gk = [tuple(k) for r in results for k in r["gold_keys"]]
    out: dict[str, Any] = {"tags": {}, "grid": {}}
    for p in PATHS:
        pk = [tuple(k) for r in results for k in r["pred_keys"][p]]
        out["tags"][p] = scores_to_dict(score_turn_level(gk, pk, TAG_LABELS))
        agree: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for r in results:
            for c, s in r["gold_grid"].items():
                if c in r["grids"][p]:
                    total[c] += 1
                    agree[c] += r["grids"][p][c] == s
        out["grid"][p] = {
            "per_criterion": {c: [agree[c], total[c]] for c in sorted(total, key=_crit_key)},
            "overall": sum(agree.values()) / max(1, sum(total.values())),
        }
    w = {k: sum(r["wer"][k] for r in results) for k in ("sub", "del", "ins", "ref_words", "digit_errors")}
    d = {k: sum(r["der"][k] for r in results) for k in ("miss", "fa", "confusion", "total")}
    out["wer"], out["der"] = w, d
    out["wer_by_role"] = {
        role: {k: sum(r["wer_by_role"][role][k] for r in results) for k in w}
        for role in ("candidate", "client")
    }
    return out


def _f(x: float) -> str:
    return f"{x:.2f}"


def render(results: Sequence[Mapping[str, Any]], pool: Mapping[str, Any], n_examples: int) -> str:
    """The Markdown section."""
    lines = ["## End to end: audio path vs text path", ""]
    names = ", ".join(f"`{r['session']}`" for r in results)
    lines += [
        f"Produced by `benchmarks/bench_end_to_end.py` on {len(results)} development sessions ({names}), "
        "each synthesised into a two-voice French recording with exact turn times "
        "(`scripts/synthesize_dialogue.py`, Kokoro-82M) and run through `rolegrid analyze` with its "
        "scenario (Whisper base int8 beam 5, offline diarization, automatic roles). Text path = the same "
        "tagger and grid on the gold transcript (`rolegrid analyze --transcript NAME.gold.json`, the "
        "tagging of `rolegrid eval`); ASR on gold turns = the recognised words cut at the gold turns "
        "with the gold speakers (ASR cost alone). "
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 2 cores shared.",
        "",
        "| session | audio | synthesis (s) | analyze (s, RTF; stages in s) | WER (sub/del/ins of words) | '?' gold → ASR "
        "| DER c0.25 (miss/FA/conf) | client share gold → pred (err, pts) | candidate found | words on wrong role "
        "| gold turns → pred turns (merged / split) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        t, w, d, cs, seg = r["timings"], r["wer"], r["der"], r["client_share"], r["segmentation"]
        an = t.get("analysis_audio_s")
        parts = [f"{an:.0f} ({an / r['duration']:.2f})"] if an else []
        if t.get("asr_s") and t.get("diarize_s"):
            parts.append(f"ASR {t['asr_s']:.0f}, diar. {t['diarize_s']:.0f}, tags {t.get('tags_s', 0):.0f}")
        rtf = "; ".join(parts) or "–"
        syn = f"{t['synthesis_s']:.0f}" if t.get("synthesis_s") else "–"
        err = (
            f"{100 * (cs['predicted'] - cs['gold']):+.1f}"
            if cs["predicted"] is not None and cs["gold"] is not None
            else "–"
        )
        role = r["roles"]
        lines.append(
            f"| {r['session']} | {r['duration'] / 60:.1f} min | {syn} | {rtf} "
            f"| {pct(wer(w))} ({w['sub']}/{w['del']}/{w['ins']} of {w['ref_words']}; {w['digit_errors']} digits; "
            f"candidate {pct(wer(r['wer_by_role']['candidate']))}, client {pct(wer(r['wer_by_role']['client']))}) "
            f"| {r['qmarks']['gold']} → {r['qmarks']['asr']} "
            f"| {pct(der(d))} ({d['miss']:.1f}/{d['fa']:.1f}/{d['confusion']:.1f} s) "
            f"| {cs['gold']:.3f} → {cs['predicted']:.3f} ({err}) "
            f"| {'yes' if role['correct'] else 'NO'} ({role['confidence']:.2f}) "
            f"| {pct(seg['wrong_role_words'] / max(1, seg['words']))} "
            f"| {seg['gold_turns']} → {seg['predicted_turns']} ({seg['merged_across_roles']} / "
            f"{seg['split_gold_turns']}) |"
        )
    w, d = pool["wer"], pool["der"]
    lines += [
        f"| **pooled** | {sum(r['duration'] for r in results) / 60:.1f} min | | "
        f"| **{pct(wer(w))}** ({w['sub']}/{w['del']}/{w['ins']} of {w['ref_words']}; {w['digit_errors']} digits; "
        f"candidate {pct(wer(pool['wer_by_role']['candidate']))}, client {pct(wer(pool['wer_by_role']['client']))}) "
        f"| {sum(r['qmarks']['gold'] for r in results)} → {sum(r['qmarks']['asr'] for r in results)} "
        f"| **{pct(der(d))}** | | {sum(r['roles']['correct'] for r in results)}/{len(results)} | | |",
        "",
        "WER: jiwer on the whole session (gold turn texts in time order vs the recognised words in time order), "
        "both lowercased, punctuation stripped (hyphens split, elision apostrophes kept), numbers not "
        "normalised ('digits': substituted or inserted words written with digits, e.g. 12 for douze). DER: pyannote.metrics, "
        "collar 0.25 s, overlap scored, whole file, against the synthesis RTTM. Client share: `measures.json` vs "
        "the gold turn intervals (grid.md's convention). Candidate found: the speaker the pipeline called "
        "candidate overlaps the gold candidate most (role confidence in brackets). Merged: predicted turns "
        "overlapping gold turns of both roles by ≥ 0.5 s each; split: gold turns overlapping several predicted "
        "turns by ≥ 0.5 s each. Words on wrong role: recognised words whose predicted role differs from the "
        "gold turn holding their time midpoint.",
        "",
    ]

    sync = ", ".join(
        f"{r['session']} {r['timing']['first_word_offset']:+.2f} s, "
        f"{pct(r['timing']['outside'] / max(1, r['timing']['hits']))} outside "
        f"({r['timing']['outside_late']} of {r['timing']['outside']} late)"
        for r in results
    )
    lines += [
        "Sync check (recognised words aligned to the gold text): median start of a turn's first word − gold "
        f"turn start, and recognised words whose time midpoint falls outside their own gold turn: {sync}.",
        "",
    ]
    # tags
    tags = pool["tags"]
    lines += [
        "Tags, pooled, turn-level counting (audio path: a predicted tag goes to the gold turn containing its "
        "time midpoint):",
        "",
        "| label | gold | text P / R / F1 | ASR on gold turns P / R / F1 | audio P / R / F1 | ΔF1 audio − text |",
        "|---|---|---|---|---|---|",
    ]
    by_path = {p: {s["label"]: s for s in tags[p]["labels"]} for p in PATHS}
    labels = [lab for lab in TAG_LABELS if any(lab in by_path[p] for p in PATHS)]
    for lab in labels:
        cells = []
        for p in PATHS:
            s = by_path[p].get(lab)
            cells.append(f"{_f(s['precision'])} / {_f(s['recall'])} / {_f(s['f1'])}" if s else "–")
        sup = next((by_path[p][lab]["support"] for p in PATHS if lab in by_path[p]), 0)
        f_text = by_path["text"].get(lab, {}).get("f1", 0.0)
        f_audio = by_path["audio"].get(lab, {}).get("f1", 0.0)
        lines.append(f"| {lab} | {sup} | " + " | ".join(cells) + f" | {f_audio - f_text:+.2f} |")
    for avg in ("micro", "macro"):
        cells = [
            f"{_f(tags[p][avg]['precision'])} / {_f(tags[p][avg]['recall'])} / **{_f(tags[p][avg]['f1'])}**"
            for p in PATHS
        ]
        delta = tags["audio"][avg]["f1"] - tags["text"][avg]["f1"]
        lines.append(f"| **{avg}** | | " + " | ".join(cells) + f" | **{delta:+.2f}** |")
    per_session = []
    for r in results:
        parts = []
        for p in PATHS:
            micro, macro = averages(score_turn_level(r["gold_keys"], r["pred_keys"][p], TAG_LABELS))
            parts.append(f"{PATH_NAMES[p]} {micro.f1:.2f} / {macro.f1:.2f}")
        per_session.append(f"{r['session']}: " + ", ".join(parts))
    gaps = sum(r["tags_in_gaps"] for r in results)
    lines += [
        "",
        "Per session, micro / macro F1: " + "; ".join(per_session) + ". "
        f"Audio tags whose midpoint fell between gold turns (given the nearest turn): {gaps}.",
        "",
    ]

    # grid
    gold_first = results[0]["gold_grid"]
    crits = sorted(gold_first, key=_crit_key)
    head = " | ".join(f"{r['session']} gold / text / audio" for r in results)
    lines += [
        "Draft grid vs gold grid (gold recomputed from the gold tags on the synthesised turn times; "
        "`to_review` where gold says met/not_met counts as a disagreement):",
        "",
        f"| criterion | {head} | text agrees | audio agrees |",
        "|---|" + "---|" * len(results) + "---|---|",
    ]
    short = {"met": "met", "not_met": "not", "to_review": "rev", None: "–"}
    for c in crits:
        cells = []
        for r in results:
            g = r["gold_grid"].get(c)
            tx, au = r["grids"]["text"].get(c), r["grids"]["audio"].get(c)
            mark = "" if au == tx else " ⚠"
            cells.append(f"{short.get(g, g)} / {short.get(tx, tx)} / {short.get(au, au)}{mark}")
        ta = pool["grid"]["text"]["per_criterion"].get(c, [0, 0])
        aa = pool["grid"]["audio"]["per_criterion"].get(c, [0, 0])
        lines.append(f"| {c} | " + " | ".join(cells) + f" | {ta[0]}/{ta[1]} | {aa[0]}/{aa[1]} |")
    lines.append(
        "| **overall** | " + " | " * (len(results) - 1) + f" | **{pct(pool['grid']['text']['overall'], 0)}** "
        f"| **{pct(pool['grid']['audio']['overall'], 0)}** |"
    )
    asr_ov = pool["grid"]["asr_turns"]["overall"]
    differs = {r["session"]: r["stored_grid_differs"] for r in results if r["stored_grid_differs"]}
    lines += [
        "",
        f"ASR on gold turns: grid agreement {pct(asr_ov, 0)}. ⚠ = the audio path's status differs from the "
        "text path's."
        + (
            f" The stored gold grid (original dev times) differs on {differs}; the recomputed one is used."
            if differs
            else ""
        ),
        "",
    ]

    qs = {b: Counter() for b in ("with_qmark", "without_qmark")}
    for r in results:
        for b, c in r["questions_by_qmark"].items():
            qs[b].update(c)
    q_parts = [
        f"{b.replace('_', ' ').replace('qmark', '“?”')} in the ASR text of the turn: {c['gold']} gold, found "
        + ", ".join(f"{PATH_NAMES[p]} {c[p]}" for p in PATHS)
        for b, c in qs.items()
    ]
    lines += ["Gold open/closed questions, " + "; ".join(q_parts) + ".", ""]

    # examples
    if n_examples:
        lines += ["Gold tags the text path finds and the audio path misses (first ones):", ""]
        shown = 0
        for r in results:
            for ex in r["examples"]:
                if shown >= n_examples:
                    break
                heard = " ‖ ".join(f"[{a['role']}] {a['text']}" for a in ex["audio_turns"]) or "(nothing)"
                lines.append(
                    f"- `{r['session']}` {ex['turn']} {ex['label']}: gold “{' / '.join(ex['gold_quote'])}” — "
                    f"audio: {heard}"
                )
                shown += 1
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- leave-one-session-out


TRAIN_DIRS = (ROOT / "models" / "corpus" / "dev", ROOT / "models" / "corpus" / "dev2")


def cross_validated(
    results: Sequence[dict[str, Any]], all_files: Sequence[SessionFiles], threads: int
) -> dict[str, Any]:
    """Tags and grids of the three paths again, the sentence classifier retrained without the session.

    The committed classifier is trained on ``models/corpus/dev`` + ``dev2``, which hold the benchmark
    sessions: the default figures are optimistic for both paths. Here each session is tagged by a
    classifier fit on the other training files (as ``rolegrid eval --cv``); the grid is rebuilt from
    those tags with the session folder's transcript and measures. Adds ``cv_pred_keys`` and
    ``cv_grids`` to each result.
    """
    os.environ["OMP_NUM_THREADS"] = str(threads)
    from pipeline.evaluation import gold_files_many
    from pipeline.grid import build_grid
    from pipeline.scenarios import load_referentiel, load_scenario
    from pipeline.tagging import load_tagger, tag_transcript
    from pipeline.tagging.training import fit, session_data
    from pipeline.types import Measures

    t0 = time.perf_counter()
    tagger = load_tagger()
    train = [p.resolve() for p in gold_files_many([str(d) for d in TRAIN_DIRS])]
    data = {p: session_data(read_gold(p), tagger) for p in train}
    referentiel = load_referentiel()
    ctx = tagger.nlp.get_pipe("rolegrid_context")
    saved = ctx.classifier
    try:
        for r, files in zip(results, all_files, strict=True):
            ctx.classifier = fit([d for p, d in data.items() if p != files.gold_source], tagger)
            scenario = load_scenario(r["scenario"]) if r["scenario"] else None
            r["cv_pred_keys"], r["cv_grids"] = {}, {}
            for path in PATHS:
                folder = files.session_dir(path)
                transcript = read_transcript(folder / "transcript.json")
                tags = tag_transcript(transcript, tagger)
                m = json.loads((folder / "measures.json").read_text(encoding="utf-8"))
                m.pop("provenance", None)
                grid = build_grid(
                    transcript, from_dict(Measures, m), tags, scenario, referentiel, session_id=files.name
                )
                r["cv_grids"][path] = {c: v.status for c, v in grid.criteria.items()}
                if path == "audio":
                    turns = gold_turns(json.loads(files.gold.read_text(encoding="utf-8")))
                    r["cv_pred_keys"][path], _ = audio_tag_keys(files.name, turns, transcript, tags)
                else:
                    r["cv_pred_keys"][path] = text_tag_keys(files.name, tags)
    finally:
        ctx.classifier = saved
    excluded = sum(1 for f in all_files if f.gold_source in data)
    return {"seconds": round(time.perf_counter() - t0, 1), "train_files": len(train), "excluded": excluded}


def render_cv(results: Sequence[Mapping[str, Any]], info: Mapping[str, Any]) -> str:
    """A short Markdown table of the leave-one-session-out figures."""
    gk = [tuple(k) for r in results for k in r["gold_keys"]]
    lines = [
        f"Leave-one-session-out (`--cv`: the sentence classifier retrained on the {info['train_files']} "
        "dev + dev2 files minus the session it tags; the committed classifier has seen these sessions):",
        "",
        "| path | micro P / R / F1 | macro P / R / F1 | grid agreement |",
        "|---|---|---|---|",
    ]
    for p in PATHS:
        pk = [tuple(k) for r in results for k in r["cv_pred_keys"][p]]
        micro, macro = averages(score_turn_level(gk, pk, TAG_LABELS))
        agree = total = 0
        for r in results:
            for c, s in r["gold_grid"].items():
                if c in r["cv_grids"][p]:
                    total += 1
                    agree += r["cv_grids"][p][c] == s
        lines.append(
            f"| {PATH_NAMES[p]} | {_f(micro.precision)} / {_f(micro.recall)} / **{_f(micro.f1)}** "
            f"| {_f(macro.precision)} / {_f(macro.recall)} / **{_f(macro.f1)}** | {pct(agree / max(1, total), 0)} |"
        )
    lines += ["", f"({info['seconds']:.0f} s for encoding, refits and tagging.)", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def prepare(files: SessionFiles, threads: int, force: bool) -> None:
    """Synthesis, the audio analysis, the ASR-on-gold-turns file and the two transcript analyses."""
    synthesize(files, threads, force)
    doc = json.loads(files.gold.read_text(encoding="utf-8"))
    scenario = doc.get("scenario")
    analyze(files, "audio", scenario, threads, force)
    asr = json.loads((files.audio_session / "asr.json").read_text(encoding="utf-8"))
    fresh = json.dumps(asr_on_gold_turns(doc, asr_words(asr)), ensure_ascii=False, indent=1)
    changed = not files.asr_turns_gold.exists() or files.asr_turns_gold.read_text(encoding="utf-8") != fresh
    if changed:
        files.asr_turns_gold.write_text(fresh, encoding="utf-8")
    analyze(files, "text", scenario, threads, force)
    # a rewritten input must be analysed again (rolegrid's own cache redoes only what changed)
    analyze(files, "asr_turns", scenario, threads, force, rerun=changed)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sessions", nargs="+", type=Path, default=list(DEFAULT_SESSIONS), help="gold JSON files (tags.md)"
    )
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="work folder (default /tmp/e2e)")
    ap.add_argument("--threads", type=int, default=2, help="OMP threads for synthesis and analysis")
    ap.add_argument("--force", action="store_true", help="redo synthesis and analyses")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--examples", type=int, default=8, help="missed-tag examples to print (0: none)")
    ap.add_argument(
        "--cv", action="store_true", help="also retrain the sentence classifier without each session"
    )
    args = ap.parse_args(argv)

    results, all_files = [], []
    for gold in args.sessions:
        if not gold.is_file():
            raise SystemExit(f"no gold file {gold}")
        files = SessionFiles(gold.resolve(), args.cache)
        files = SessionFiles(gold.resolve(), args.cache / files.name)
        prepare(files, args.threads, args.force)
        results.append(evaluate_session(files))
        all_files.append(files)
    pool = pooled(results)
    text = render(results, pool, args.examples)
    if args.cv:
        pool["cv"] = cross_validated(results, all_files, args.threads)
        text += "\n" + render_cv(results, pool["cv"])
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"sessions": results, "pooled": pool}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
