"""Validate gold role-play files (format of ../shared/spec/tags.md) and compute their gold grid.

Usage:
    python models/corpus/check_gold.py models/corpus/dev/*.json          # validate, print counts and grids
    python models/corpus/check_gold.py --write-grid FILE [FILE ...]      # also (re)write the "grid" member
    python models/corpus/check_gold.py --quiet FILES                     # only problems and the totals

Checks (any error makes the exit status 1):
- schema: top-level members, turn members and types, unique turn ids and tag ids;
- labels in the taxonomy, speaker gating (candidate labels on candidate turns, client labels on client turns);
- `quote` is a non-empty exact substring of the turn text;
- `links`: required on the linking labels, resolve to tags of the right label, never point forward in time;
- attributes: `kind` on every objection (one of the seven kinds), boolean `justified` on every concession,
  no attribute elsewhere;
- times (when present): start < end, starts non-decreasing, interruptions (overlaps) under 3 s;
- question form (candidate): a closing_question / objection_probe / feedback_question carries a form tag
  (open_question or closed_question) whose quote overlaps it; a feedback_question's form is open; two form tags
  never overlap; "pourquoi pas" and plain "-vous" imperatives are never questions; at most one
  active_listening per turn;
- the stored `grid` (when present) equals the grid computed from the tags with grid.md's conventions.

Warnings (printed, exit status unchanged): a candidate "?" not covered by a form tag (fine for rhetorical
questions answered at once), an open_question without any open marker, implausible speech rates.

The grid rules mirror ../shared/spec/grid.md (thresholds from ../shared/seed/referentiel.txt).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

CANDIDATE_LABELS = (
    "open_question",
    "closed_question",
    "need_reformulation",
    "active_listening",
    "rapport",
    "argument",
    "concrete_example",
    "technical_translation",
    "adjustment",
    "objection_reformulation",
    "objection_probe",
    "objection_response",
    "concession",
    "buying_signal_ack",
    "closing_question",
    "next_step",
    "agreement_summary",
    "followup_action",
    "personalized_detail",
    "feedback_question",
)
CLIENT_LABELS = (
    "need",
    "objection",
    "doubt_resolved",
    "buying_signal",
    "agreement",
    "comfort_signal",
    "discomfort_signal",
)
ALL_LABELS = CANDIDATE_LABELS + CLIENT_LABELS
FORM_LABELS = ("open_question", "closed_question")
# Function tags that are questions and therefore also carry a form tag.
QUESTION_FUNCTIONS = ("closing_question", "objection_probe", "feedback_question")
# label -> label its links must point to
LINK_TARGETS = {
    "need_reformulation": "need",
    "argument": "need",
    "objection_reformulation": "objection",
    "objection_probe": "objection",
    "objection_response": "objection",
    "doubt_resolved": "objection",
    "buying_signal_ack": "buying_signal",
}
OBJECTION_KINDS = ("price", "timing", "competitor", "trust", "need", "technical", "other")
SCENARIO_RE = re.compile(r"^b2[bc]-(tech|industrie|agriculture|artisanat|service)-(produit|service)$")
CRITERIA = tuple(f"C{c}.{i}" for c in range(1, 6) for i in range(1, 5))  # C1.1 … C5.4

# Bars of the référentiel (seed/referentiel.txt) as grid.md maps them.
BARS = {
    "C1.1": 3,  # open questions
    "C1.2": 0.5,  # client talk share
    "C1.3": 2,  # need reformulations
    "C2.1": 3,  # distinct needs answered by arguments
    "C2.2": 2,  # concrete examples
    "C2.4": 1,  # adjustments
    "C3.1": 2,  # objections reformulated
    "C3.3": 0.75,  # share of objections with a doubt resolved
    "C3.4": 1,  # at most this many unjustified concessions
    "C4.1": 1,
    "C4.2": 1,
    "C4.3": 1,
    "C5.1": 2,
    "C5.2": 2,
    "C5.3": 1,
    "C5.4": 1,
}
C14_COMFORT_MIN, C14_RAPPORT_MIN, C14_DISCOMFORT_NOT_MET = 8, 3, 3

# Heuristic markers for warnings only (not errors): open-question cues.
OPEN_MARKERS = re.compile(
    r"\b(comment|pourquoi|quels?|quelles?|combien|quand|qu'est-ce|qu'est ce|que|qu'|quoi|où|qui|lequel|laquelle|"
    r"lesquel(le)?s|dites-moi|racontez|expliquez|parlez|décrivez|détailler|détaillez|précisez|"
    r"c'est-à-dire|côté|niveau|et pour|et sur|à quel|dans quelle|en quoi|jusqu'où|de quelle|"
    r"présentez|présenter|raconter|expliquer|décrire|donnez-moi)\b",
    re.IGNORECASE,
)
NEVER_QUESTION = re.compile(
    r"^\s*(pourquoi pas|asseyez-vous|installez-vous|regardez|tenez|allez-y|excusez-moi)\W*$", re.IGNORECASE
)


class Problems:
    """Collects errors and warnings for one file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{self.name}: {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{self.name}: {where}: {msg}")


def _spans(text: str, quote: str) -> tuple[int, int]:
    start = text.find(quote)
    return start, start + len(quote)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def validate(doc: dict, p: Problems) -> list[tuple[dict, dict, int]]:
    """Validate one gold document; return its tags as (tag, turn, turn_index) triples."""
    for key, typ in (("session_id", str), ("scenario", str), ("language", str), ("turns", list)):
        if not isinstance(doc.get(key), typ):
            p.error("top", f"member '{key}' missing or not a {typ.__name__}")
    extra = set(doc) - {"session_id", "scenario", "language", "turns", "grid"}
    if extra:
        p.error("top", f"unknown members {sorted(extra)}")
    scenario = doc.get("scenario", "")
    if isinstance(scenario, str) and not SCENARIO_RE.match(scenario):
        p.error("top", f"scenario '{scenario}' is not one of the 20 ids market-domain-type")
    sid = doc.get("session_id", "")
    if isinstance(sid, str) and isinstance(scenario, str) and not sid.startswith(scenario):
        p.error("top", f"session_id '{sid}' does not start with the scenario id '{scenario}'")
    if doc.get("language") != "fr":
        p.error("top", "language must be 'fr'")
    turns = doc.get("turns") if isinstance(doc.get("turns"), list) else []
    if not turns:
        p.error("top", "no turns")

    tags: list[tuple[dict, dict, int]] = []
    turn_ids: set[str] = set()
    tag_ids: dict[str, tuple[dict, int]] = {}
    prev_start = prev_end = None
    has_times = None
    for i, turn in enumerate(turns):
        where = f"turn #{i + 1}"
        if not isinstance(turn, dict):
            p.error(where, "not an object")
            continue
        tid = turn.get("id")
        where = f"turn {tid}"
        if not isinstance(tid, str) or not tid:
            p.error(where, "missing id")
        elif tid in turn_ids:
            p.error(where, "duplicate turn id")
        turn_ids.add(tid)
        extra = set(turn) - {"id", "speaker", "start", "end", "text", "tags"}
        if extra:
            p.error(where, f"unknown members {sorted(extra)}")
        speaker = turn.get("speaker")
        if speaker not in ("candidate", "client"):
            p.error(where, f"speaker must be candidate or client, not {speaker!r}")
        text = turn.get("text")
        if not isinstance(text, str) or not text.strip():
            p.error(where, "empty or missing text")
            text = ""
        timed = "start" in turn or "end" in turn
        if has_times is None:
            has_times = timed
        elif has_times != timed:
            p.error(where, "times present on some turns only")
        if timed:
            start, end = turn.get("start"), turn.get("end")
            if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (start, end)):
                p.error(where, "start/end must be numbers")
            else:
                if start < 0 or end <= start:
                    p.error(where, f"bad times start={start} end={end}")
                if prev_start is not None and start < prev_start:
                    p.error(where, f"start {start} before previous start {prev_start}")
                if prev_end is not None and start < prev_end - 3.0:
                    p.error(where, f"overlaps previous turn by {prev_end - start:.1f} s (> 3 s)")
                words = len(text.split())
                dur = end - start
                if dur > 0 and words >= 6 and not 1.5 <= words / dur <= 4.0:
                    p.warn(where, f"speech rate {words / dur:.1f} words/s looks implausible")
                prev_start, prev_end = start, max(end, prev_end or end)
        ttags = turn.get("tags", [])
        if not isinstance(ttags, list):
            p.error(where, "tags must be a list")
            ttags = []
        for tag in ttags:
            if not isinstance(tag, dict):
                p.error(where, "tag is not an object")
                continue
            gid = tag.get("id")
            twhere = f"{where} tag {gid}"
            if not isinstance(gid, str) or not gid:
                p.error(twhere, "missing tag id")
                continue
            if gid in tag_ids:
                p.error(twhere, "duplicate tag id")
            tag_ids[gid] = (tag, i)
            extra = set(tag) - {"id", "label", "quote", "links", "kind", "justified"}
            if extra:
                p.error(twhere, f"unknown members {sorted(extra)}")
            label = tag.get("label")
            if label not in ALL_LABELS:
                p.error(twhere, f"label {label!r} not in the taxonomy")
                continue
            if label in CANDIDATE_LABELS and speaker != "candidate":
                p.error(twhere, f"candidate label {label} on a {speaker} turn")
            if label in CLIENT_LABELS and speaker != "client":
                p.error(twhere, f"client label {label} on a {speaker} turn")
            quote = tag.get("quote")
            if not isinstance(quote, str) or not quote.strip():
                p.error(twhere, "empty or missing quote")
            elif quote not in text:
                p.error(twhere, f"quote not in the turn text: {quote!r}")
            elif quote != quote.strip():
                p.error(twhere, f"quote has leading/trailing spaces: {quote!r}")
            if label == "objection":
                if tag.get("kind") not in OBJECTION_KINDS:
                    p.error(
                        twhere, f"objection kind must be one of {OBJECTION_KINDS}, not {tag.get('kind')!r}"
                    )
            elif "kind" in tag:
                p.error(twhere, "'kind' only on objections")
            if label == "concession":
                if not isinstance(tag.get("justified"), bool):
                    p.error(twhere, "concession needs boolean 'justified'")
            elif "justified" in tag:
                p.error(twhere, "'justified' only on concessions")
            if label in LINK_TARGETS:
                links = tag.get("links")
                if not isinstance(links, list) or not links or not all(isinstance(x, str) for x in links):
                    p.error(twhere, f"{label} needs a non-empty list of links to {LINK_TARGETS[label]} tags")
            elif "links" in tag:
                p.error(twhere, f"{label} takes no links")
            tags.append((tag, turn, i))

    # Links resolve to earlier (or same-turn) tags of the right label.
    for tag, turn, i in tags:
        label = tag.get("label")
        if label not in LINK_TARGETS or not isinstance(tag.get("links"), list):
            continue
        for link in tag["links"]:
            target = tag_ids.get(link)
            twhere = f"turn {turn.get('id')} tag {tag.get('id')}"
            if target is None:
                p.error(twhere, f"link {link!r} does not resolve")
            elif target[0].get("label") != LINK_TARGETS[label]:
                p.error(twhere, f"link {link} is a {target[0].get('label')}, expected {LINK_TARGETS[label]}")
            elif target[1] > i:
                p.error(twhere, f"link {link} points to a later turn")

    _check_questions(turns, tags, p)
    _check_order(tags, tag_ids, p)
    return tags


def _check_order(tags: list[tuple[dict, dict, int]], tag_ids: dict, p: Problems) -> None:
    """Warnings on the dialogue logic: closing after agreement, doubt resolved without a response."""
    first_agreement = min((i for tag, _t, i in tags if tag.get("label") == "agreement"), default=None)
    responded: dict[str, int] = {}
    for tag, _turn, i in tags:
        if tag.get("label") == "objection_response":
            for link in tag.get("links") or []:
                responded.setdefault(link, i)
    for tag, turn, i in tags:
        where = f"turn {turn.get('id')} tag {tag.get('id')}"
        if tag.get("label") == "closing_question" and first_agreement is not None and i > first_agreement:
            p.warn(
                where, "closing_question after the client's agreement (scheduling questions are not closing)"
            )
        if tag.get("label") == "doubt_resolved":
            for link in tag.get("links") or []:
                if link in tag_ids and (link not in responded or responded[link] > i):
                    p.warn(where, f"doubt_resolved for {link} without an earlier objection_response")


def _check_questions(all_turns: list, tags: list[tuple[dict, dict, int]], p: Problems) -> None:
    by_turn: dict[int, list[dict]] = {}
    for tag, _turn, i in tags:
        by_turn.setdefault(i, []).append(tag)
    for i, turn in enumerate(all_turns):
        if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
            continue
        ttags = by_turn.get(i, [])
        text = turn.get("text", "")
        where = f"turn {turn.get('id')}"
        valid = [t for t in ttags if isinstance(t.get("quote"), str) and t["quote"] in text]
        forms = [(t, _spans(text, t["quote"])) for t in valid if t.get("label") in FORM_LABELS]
        if sum(t.get("label") == "active_listening" for t in ttags) > 1:
            p.error(where, "more than one active_listening in a turn")
        for a in range(len(forms)):
            for b in range(a + 1, len(forms)):
                if _overlap(forms[a][1], forms[b][1]):
                    p.error(where, f"form tags {forms[a][0]['id']} and {forms[b][0]['id']} overlap")
        for t, _span in forms:
            if NEVER_QUESTION.match(t["quote"]):
                p.error(where, f"{t['id']} {t['quote']!r} is not a question")
            if t["label"] == "open_question" and not OPEN_MARKERS.search(t["quote"]):
                p.warn(where, f"open_question {t['id']} has no open marker: {t['quote']!r}")
        for t in valid:
            if t.get("label") not in QUESTION_FUNCTIONS:
                continue
            span = _spans(text, t["quote"])
            hits = [f for f, fs in forms if _overlap(span, fs)]
            if len(hits) != 1:
                p.error(
                    where, f"{t['label']} {t['id']} needs exactly one overlapping form tag, has {len(hits)}"
                )
            elif t["label"] == "feedback_question" and hits[0]["label"] != "open_question":
                p.error(where, f"feedback_question {t['id']} must be an open question")
        if turn.get("speaker") == "candidate":
            for m in re.finditer(r"\?", text):
                pos = m.start()
                covered = any(fs[0] <= pos <= fs[1] + 2 for _f, fs in forms)
                if not covered:
                    p.warn(where, f"'?' at char {pos} not covered by a form tag (rhetorical?)")


def talk_share(turns: list[dict]) -> float | None:
    """Client speech / (client + candidate speech); silences excluded, overlap counted for both."""
    totals = {}
    for speaker in ("candidate", "client"):
        ivs = sorted(
            (t["start"], t["end"])
            for t in turns
            if t.get("speaker") == speaker and isinstance(t.get("start"), int | float)
        )
        total, cur = 0.0, None
        for s, e in ivs:
            if cur is None or s > cur[1]:
                if cur:
                    total += cur[1] - cur[0]
                cur = [s, e]
            else:
                cur[1] = max(cur[1], e)
        if cur:
            total += cur[1] - cur[0]
        totals[speaker] = total
    both = totals["candidate"] + totals["client"]
    return totals["client"] / both if both > 0 else None


def compute_grid(doc: dict) -> dict:
    """The gold grid from the tags, by grid.md's counting conventions."""
    all_tags = [tag for turn in doc["turns"] for tag in turn.get("tags", [])]
    by_label: dict[str, list[dict]] = {}
    for tag in all_tags:
        by_label.setdefault(tag["label"], []).append(tag)
    ids = {tag["id"]: tag for tag in all_tags}

    def n(label: str) -> int:
        return len(by_label.get(label, []))

    def linked(label: str, target: str) -> set[str]:
        return {
            link
            for tag in by_label.get(label, [])
            for link in tag.get("links", [])
            if link in ids and ids[link]["label"] == target
        }

    def at_least(key: str, value: int) -> dict:
        return {"status": "met" if value >= BARS[key] else "not_met", "count": value}

    grid: dict[str, dict] = {}
    grid["C1.1"] = at_least("C1.1", n("open_question"))
    share = talk_share(doc["turns"])
    if share is None:
        grid["C1.2"] = {"status": "to_review", "count": None}
    else:
        share = round(share, 3)
        status = "not_met" if share < BARS["C1.2"] else ("met" if n("active_listening") >= 1 else "to_review")
        grid["C1.2"] = {"status": status, "count": share}
    reformulations = sum(
        1
        for tag in by_label.get("need_reformulation", [])
        if any(link in ids and ids[link]["label"] == "need" for link in tag.get("links", []))
    )
    grid["C1.3"] = at_least("C1.3", reformulations)
    comfort, discomfort, rapport = n("comfort_signal"), n("discomfort_signal"), n("rapport")
    if discomfort >= C14_DISCOMFORT_NOT_MET and comfort == 0:
        c14 = "not_met"
    elif comfort >= C14_COMFORT_MIN and discomfort == 0 and rapport >= C14_RAPPORT_MIN:
        c14 = "met"
    else:
        c14 = "to_review"
    grid["C1.4"] = {"status": c14, "count": comfort}
    grid["C2.1"] = at_least("C2.1", len(linked("argument", "need")))
    grid["C2.2"] = at_least("C2.2", n("concrete_example"))
    grid["C2.3"] = {
        "status": "met" if n("technical_translation") else "not_met",
        "count": n("technical_translation"),
    }
    grid["C2.4"] = at_least("C2.4", n("adjustment"))
    grid["C3.1"] = at_least("C3.1", len(linked("objection_reformulation", "objection")))
    objections = [tag["id"] for tag in by_label.get("objection", [])]
    probed = linked("objection_probe", "objection")
    resolved = linked("doubt_resolved", "objection")
    if not objections:
        grid["C3.2"] = {"status": "to_review", "count": 0}
        grid["C3.3"] = {"status": "to_review", "count": None}
    else:
        n_probed = sum(o in probed for o in objections)
        grid["C3.2"] = {"status": "met" if n_probed == len(objections) else "not_met", "count": n_probed}
        ratio = round(sum(o in resolved for o in objections) / len(objections), 3)
        grid["C3.3"] = {"status": "met" if ratio >= BARS["C3.3"] else "not_met", "count": ratio}
    unjustified = sum(1 for tag in by_label.get("concession", []) if tag.get("justified") is False)
    grid["C3.4"] = {"status": "met" if unjustified <= BARS["C3.4"] else "not_met", "count": unjustified}
    grid["C4.1"] = at_least("C4.1", len(linked("buying_signal_ack", "buying_signal")))
    grid["C4.2"] = at_least("C4.2", n("closing_question"))
    grid["C4.3"] = at_least("C4.3", n("next_step"))
    if not n("agreement_summary"):
        c44 = "not_met"
    else:
        c44 = "met" if n("agreement") else "to_review"
    grid["C4.4"] = {"status": c44, "count": n("agreement_summary")}
    grid["C5.1"] = at_least("C5.1", n("followup_action"))
    grid["C5.2"] = at_least("C5.2", n("personalized_detail"))
    grid["C5.3"] = at_least("C5.3", n("feedback_question"))
    grid["C5.4"] = at_least("C5.4", n("followup_action"))
    return {key: grid[key] for key in CRITERIA}


def dump_gold(doc: dict) -> str:
    """Serialise a gold document: one line per turn header, one line per tag (readable diffs)."""
    out = ["{"]
    for key in ("session_id", "scenario", "language"):
        out.append(f"  {json.dumps(key)}: {json.dumps(doc[key], ensure_ascii=False)},")
    out.append('  "turns": [')
    turns = doc["turns"]
    for k, turn in enumerate(turns):
        head = {key: turn[key] for key in ("id", "speaker", "start", "end") if key in turn}
        head_s = json.dumps(head, ensure_ascii=False)[:-1]
        out.append(f"    {head_s},")
        out.append(f'     "text": {json.dumps(turn["text"], ensure_ascii=False)},')
        tags = turn.get("tags", [])
        if not tags:
            out.append('     "tags": []}' + ("," if k < len(turns) - 1 else ""))
        else:
            out.append('     "tags": [')
            for j, tag in enumerate(tags):
                comma = "," if j < len(tags) - 1 else ""
                out.append(f"       {json.dumps(tag, ensure_ascii=False)}{comma}")
            out.append("     ]}" + ("," if k < len(turns) - 1 else ""))
    out.append("  ]" + ("," if "grid" in doc else ""))
    if "grid" in doc:
        out.append('  "grid": {')
        keys = list(doc["grid"])
        for j, key in enumerate(keys):
            comma = "," if j < len(keys) - 1 else ""
            out.append(f"    {json.dumps(key)}: {json.dumps(doc['grid'][key], ensure_ascii=False)}{comma}")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _format_grid(grid: dict) -> str:
    cells = []
    for key in CRITERIA:
        g = grid[key]
        mark = {"met": "+", "not_met": "-", "to_review": "?"}[g["status"]]
        cells.append(f"{key}{mark}{g['count']}")
    return "  ".join(cells)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit status (0 = every file valid)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--write-grid", action="store_true", help="fill/replace the 'grid' member of each file"
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems and totals")
    parser.add_argument("--no-warnings", action="store_true", help="do not print warnings")
    args = parser.parse_args(argv)

    total = Counter()
    kinds = Counter()
    justified = Counter()
    n_errors = 0
    for path in args.files:
        p = Problems(str(path))
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"ERROR {path}: cannot read JSON: {exc}")
            n_errors += 1
            continue
        if not isinstance(doc, dict):
            print(f"ERROR {path}: top level is not an object")
            n_errors += 1
            continue
        tags = validate(doc, p)
        grid = None
        if not p.errors:
            grid = compute_grid(doc)
            if args.write_grid:
                doc["grid"] = grid
                path.write_text(dump_gold(doc), encoding="utf-8")
            elif "grid" not in doc:
                p.error("grid", "no 'grid' member (run with --write-grid)")
            elif doc["grid"] != grid:
                diff = [
                    f"{k}: stored {doc['grid'].get(k)} computed {grid[k]}"
                    for k in CRITERIA
                    if doc["grid"].get(k) != grid[k]
                ]
                p.error("grid", "stored grid differs from the computed one: " + "; ".join(diff))
        for msg in p.errors:
            print(f"ERROR {msg}")
        if not args.no_warnings:
            for msg in p.warnings:
                print(f"warn  {msg}")
        n_errors += len(p.errors)
        counts = Counter(tag.get("label") for tag, _turn, _i in tags)
        total.update(counts)
        for tag, _turn, _i in tags:
            if tag.get("label") == "objection":
                kinds[tag.get("kind")] += 1
            if tag.get("label") == "concession":
                justified[tag.get("justified")] += 1
        if not args.quiet:
            turns = doc.get("turns", [])
            share = talk_share(turns) if turns and "start" in turns[0] else None
            cand = sum(t.get("speaker") == "candidate" for t in turns)
            print(
                f"== {path}: {len(turns)} turns ({cand} candidate), {len(tags)} tags, "
                f"client share {share if share is None else round(share, 3)}"
                + ("" if not p.errors else f", {len(p.errors)} errors")
            )
            print("   " + ", ".join(f"{lab} {counts[lab]}" for lab in ALL_LABELS if counts[lab]))
            if grid:
                print("   grid " + _format_grid(grid))
    print(f"== total over {len(args.files)} files: {sum(total.values())} tags")
    for label in ALL_LABELS:
        print(f"   {label:24s} {total[label]}")
    print("   objection kinds: " + ", ".join(f"{k} {kinds[k]}" for k in OBJECTION_KINDS))
    print(f"   concessions: justified {justified[True]}, unjustified {justified[False]}")
    if n_errors:
        print(f"FAILED: {n_errors} errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
