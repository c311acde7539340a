"""Entraîne le classifieur de phrases du tagueur sur les fichiers gold (format de spec/tags.md).

Usage (depuis la racine du dépôt) :
    OMP_NUM_THREADS=1 .venv/bin/python models/tagger/train_classifier.py \
        models/corpus/dev models/corpus/dev2 models/corpus/dev3 models/corpus/dev4 \
        models/corpus/dev5 models/corpus/dev6 models/corpus/dev7 models/corpus/dev8 models/corpus/dev9 \
        models/corpus/dev10 models/corpus/dev11 models/corpus/dev12 models/corpus/dev13 models/corpus/dev14 \
        models/corpus/dev15 models/corpus/dev16 models/corpus/dev17 models/corpus/dev18

Plusieurs dossiers (ou fichiers) gold peuvent être donnés : leurs sessions sont réunies, dans l'ordre donné.

Écrit models/tagger/sentence_classifier.npz (+ .json, qui garde les dossiers d'entraînement : le test
tests/test_tagging_classifier.py réentraîne sur ces dossiers et compare). L'entraînement est déterministe
(régression logistique par descente de gradient à partir de zéro) : mêmes données, mêmes poids. Après
toute modification de cues.yaml (les indices sont des variables du modèle), réentraîner. Pour mesurer
honnêtement, utiliser la validation croisée par auteur : `rolegrid eval GOLD_DIR… --cv-group '(d\\d+-[a-z])\\d+$'`
(ou par session : `--cv`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipeline.evaluation import gold_files_many, read_gold  # noqa: E402
from pipeline.tagging import load_tagger  # noqa: E402
from pipeline.tagging.classifier import save  # noqa: E402
from pipeline.tagging.tagger import CLASSIFIER_FILE  # noqa: E402
from pipeline.tagging.training import fit, sessions_data  # noqa: E402


def _repo_relative(path: str) -> str:
    """The folder as a path from the repository root when it lies inside (the test retrains from it)."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", nargs="+", help="dossier(s) de fichiers gold JSON (ou fichiers)")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / CLASSIFIER_FILE))
    ap.add_argument("--l2", type=float, default=None, help="régularisation (défaut : settings.yaml)")
    ap.add_argument("--jobs", type=int, default=0, help="processus pour les variables (défaut : un par cœur)")
    args = ap.parse_args()
    tagger = load_tagger(use_classifier=False)
    sessions = [read_gold(p) for p in gold_files_many(args.gold_dir)]
    data = sessions_data(sessions, tagger, jobs=args.jobs)
    clf = fit(data, tagger, l2=args.l2, meta={"gold_dirs": [_repo_relative(d) for d in args.gold_dir]})
    save(clf, args.out)
    n = sum(len(d.roles) for d in data)
    print(f"trained on {len(data)} sessions, {n} sentences -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
