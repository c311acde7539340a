"""``rolegrid eval GOLD_DIR``: the tagger against gold files; ``--fib`` / ``--miam`` on external data."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .tag import add_tagger_options, tagger_from_args


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "eval",
        help="measure the tagger against gold files (per-label P/R/F1, question confusion, grid agreement)",
        description=(
            "Tag every gold JSON file of GOLD_DIR (format of spec/tags.md) and compare at turn level: a predicted "
            "tag matches a gold tag of the same label in the same turn. Prints per-label precision, recall and "
            "F1, micro and macro averages, the open/closed/none confusion of question forms and, when the grid "
            "stage is installed, the agreement of the draft grid with each file's gold grid."
        ),
    )
    p.add_argument(
        "gold_dir",
        metavar="GOLD_DIR",
        nargs="*",
        help="folder(s) of gold JSON files (or files); several are pooled",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument(
        "--cv",
        action="store_true",
        help="leave-one-session-out: retrain the sentence classifier without each file",
    )
    p.add_argument(
        "--cv-group",
        metavar="REGEX",
        help=(
            "cross-validate by groups instead (implies --cv): sessions whose id gives the same match of REGEX "
            "(its first group if any) are left out together, e.g. one author: --cv-group '(d\\d+-[a-z])\\d+$'"
        ),
    )
    p.add_argument("--fib", metavar="DIR", help="also score question typing on UD French-FIB (.conll folder)")
    p.add_argument(
        "--miam", metavar="PATH", help="also score question detection on MIAM-LORIA CSV(s), '?' stripped"
    )
    add_tagger_options(p, spacy_model=False)
    p.set_defaults(func=run)


def _print_result(r: Any) -> None:
    print(f"{len(r.sessions)} session(s); turn-level matching")
    print(f"{'label':26s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}")
    for s in r.labels:
        if s.tp + s.fp + s.fn == 0:
            continue
        print(f"{s.label:26s} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
    print(f"{'micro':26s} {r.micro.precision:6.2f} {r.micro.recall:6.2f} {r.micro.f1:6.2f}")
    print(f"{'macro':26s} {r.macro.precision:6.2f} {r.macro.recall:6.2f} {r.macro.f1:6.2f}")
    print("\nquestion forms (rows: gold, columns: predicted)")
    print(f"{'':8s}" + "".join(f"{c:>8s}" for c in ("open", "closed", "none")))
    for g in ("open", "closed", "none"):
        row = r.question_confusion.get(g, {})
        print(f"{g:8s}" + "".join(f"{row.get(c, 0):8d}" for c in ("open", "closed", "none")))
    if r.grid:
        print("\ndraft grid vs gold grid (agreement per criterion)")
        for c in r.grid:
            print(f"  {c.criterion:6s} {c.agree:3d}/{c.total:<3d} {c.rate:5.2f}")
        print(f"  overall {r.grid_overall:.2f}")
    elif r.grid_note:
        print(f"\n{r.grid_note}")


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..evaluation import evaluate_fib, evaluate_gold_dir, evaluate_gold_dir_cv, evaluate_miam

    if not (args.gold_dir or args.fib or args.miam):
        raise InputError("Nothing to evaluate.", "Give GOLD_DIR, --fib DIR or --miam PATH.")
    tagger = tagger_from_args(args)
    out: dict[str, Any] = {}
    if args.gold_dir:
        cv = bool(args.cv or args.cv_group)
        if cv:
            result = evaluate_gold_dir_cv(args.gold_dir, tagger, group_pattern=args.cv_group)
        else:
            result = evaluate_gold_dir(args.gold_dir, tagger)
        out["gold"] = result.to_dict()
        out["gold"]["cross_validated"] = cv
        out["gold"]["cv_folds"] = "by session" if args.cv and not args.cv_group else args.cv_group
        if not args.json:
            _print_result(result)
    if args.fib:
        fib = {}
        for qmark in (True, False):
            f = evaluate_fib(args.fib, tagger, with_qmark=qmark)
            fib["with_qmark" if qmark else "without_qmark"] = {
                "questions": f.questions,
                "wh": f.wh,
                "yes_no": f.yes_no,
                "recall": round(f.recall, 4),
                "form_accuracy": round(f.form_accuracy, 4),
                "form_accuracy_all": round(f.form_accuracy_all, 4),
            }
            if not args.json:
                print(
                    f"\nFIB {'with' if qmark else 'without'} '?': {f.questions} direct questions "
                    f"({f.wh} wh, {f.yes_no} yes/no): recall {f.recall:.3f}, open/closed accuracy "
                    f"{f.form_accuracy:.3f} on detected ({f.form_accuracy_all:.3f} on all)"
                )
        out["fib"] = fib
    if args.miam:
        m = evaluate_miam(args.miam, tagger)
        out["miam"] = {
            "utterances": m.utterances,
            "questions": m.questions,
            "precision": round(m.precision, 4),
            "recall": round(m.recall, 4),
            "f1": round(m.f1, 4),
        }
        if not args.json:
            print(
                f"\nMIAM-LORIA, '?' stripped: {m.utterances} utterances, {m.questions} typed with '?': "
                f"precision {m.precision:.3f}, recall {m.recall:.3f}, F1 {m.f1:.3f}"
            )
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
