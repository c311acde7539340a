"""The tagger's sentence classifier: deterministic training, save/load, context features, and the
committed weights being exactly what ``models/tagger/train_classifier.py`` gives on the folders
named in their metadata."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.tagging.classifier import (
    BLOCKS,
    LEGACY_BLOCKS,
    MODEL_LABELS,
    SentenceClassifier,
    block_names,
    fit_logistic_multi,
    load,
    save,
    sentence_matrix,
    train,
)
from pipeline.tagging.context import Sent

REPO = Path(__file__).resolve().parents[1]
WEIGHTS = REPO / "models" / "tagger" / "sentence_classifier.npz"


def _data(seed: int = 0, n: int = 300, d: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Two labels that depend on the first two columns (plus noise)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = np.column_stack([(x[:, 0] + 0.3 * rng.normal(size=n)) > 0.8, (x[:, 1] - x[:, 0]) > 0.5])
    return x, y.astype(float)


def _classifier() -> SentenceClassifier:
    x, y = _data()
    rows = {
        "client": (x[:150], {"need": y[:150, 0], "objection": y[:150, 1]}),
        "candidate": (x[150:], {"argument": y[150:, 0], "rapport": np.zeros(150)}),
    }
    names = [f"f{i}" for i in range(x.shape[1])]
    return train(rows, names, ("need",), l2=3.0, meta={"gold_dirs": ["x"]}, blocks=("use",))


def test_fit_is_deterministic_and_learns() -> None:
    x, y = _data()
    a = fit_logistic_multi(x, y, l2=1.0)
    b = fit_logistic_multi(x.copy(), y.copy(), l2=1.0)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    # The informative columns get the largest weights, with the right signs.
    assert int(np.argmax(np.abs(a[0][:, 0]))) == 0 and a[0][0, 0] > 0
    assert a[0][1, 1] > 0 and a[0][0, 1] < 0
    # Fitted together or one label at a time: the same models.
    one = fit_logistic_multi(x, y[:, :1], l2=1.0)
    assert np.allclose(one[0][:, 0], a[0][:, 0]) and np.isclose(one[1][0], a[1][0])


def test_stronger_l2_shrinks_weights() -> None:
    x, y = _data()
    weak = fit_logistic_multi(x, y, l2=0.1)[0]
    strong = fit_logistic_multi(x, y, l2=300.0)[0]
    assert np.linalg.norm(strong) < 0.5 * np.linalg.norm(weak)


def test_label_without_positives_is_left_out() -> None:
    clf = _classifier()
    assert set(clf.weights["client"]) == {"need", "objection"}
    assert set(clf.weights["candidate"]) == {"argument"}  # rapport: no positive row


def test_save_load_round_trip(tmp_path: Path) -> None:
    clf = _classifier()
    path = tmp_path / "clf.npz"
    save(clf, path)
    back = load(path)
    assert back is not None
    assert back.blocks == ("use",)
    assert back.feature_names == clf.feature_names and back.cue_labels == clf.cue_labels
    assert back.meta == clf.meta
    assert np.array_equal(back.mean, clf.mean) and np.array_equal(back.scale, clf.scale)
    x, _ = _data(seed=1, n=20)
    for role in clf.weights:
        assert set(back.weights[role]) == set(clf.weights[role])
        p, q = clf.predict(role, x), back.predict(role, x)
        for label in p:
            assert np.array_equal(p[label], q[label])
    # Saved twice: the same bytes (no time stamps in the files).
    save(back, tmp_path / "again.npz")
    assert (tmp_path / "again.json").read_text() == path.with_suffix(".json").read_text()


def test_old_weights_without_blocks_load_as_first_version(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    save(_classifier(), path)
    info = json.loads(path.with_suffix(".json").read_text())
    del info["blocks"]
    path.with_suffix(".json").write_text(json.dumps(info))
    assert load(path).blocks == LEGACY_BLOCKS  # type: ignore[union-attr]
    assert load(tmp_path / "absent.npz") is None


# --------------------------------------------------------------------------- context features


class WordEncoder:
    """A small deterministic encoder: bag of words hashed into 16 dimensions (stands for USE)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 16))
        for i, t in enumerate(texts):
            for w in t.lower().replace("?", " ").split():
                out[i, sum(map(ord, w)) % 16] += 1.0
        return out


def _sent(index: int, turn: int, role: str, text: str, form: str | None = None) -> Sent:
    words = tuple(text.lower().replace("?", " ").split())
    return Sent(
        index=index,
        turn=turn,
        role=role,
        tok_start=0,
        tok_end=0,
        char_start=0,
        char_end=0,
        text=text,
        n_words=len(words),
        form=form,
        qrule="",
        lemmas=frozenset(),
        nouns=frozenset(),
        words=words,
    )


def _conversation() -> list[Sent]:
    return [
        _sent(0, 0, "candidate", "comment gérez-vous vos stocks aujourd'hui", form="open"),
        _sent(1, 1, "client", "on perd du temps à chercher les pièces"),
        _sent(2, 2, "candidate", "je vois"),
        _sent(3, 3, "candidate", "vous perdez du temps à chercher les pièces"),
        _sent(4, 3, "candidate", "notre logiciel retrouve chaque pièce"),
        _sent(5, 4, "client", "c'est trop cher pour nous"),
    ]


def _context_row(sents: list[Sent], k: int) -> dict[str, float]:
    x = sentence_matrix(sents, 5, ("need",), WordEncoder(), only=[k], blocks=("context",))
    return dict(zip(block_names("context", ("need",)), x[0], strict=True))


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        # The client answers an open question ("?"-less): the candidate's turn is the context.
        (1, {"has_prev_other": 1.0, "prev_other_open": 1.0, "prev_other_closed": 0.0, "max_sim_same": 0.0}),
        # Two candidate turns in a row: the other speaker's last turn is still the client's (turn 1);
        # a restatement is close to it, and not first in its turn has no previous sentence.
        (3, {"has_prev_other": 1.0, "prev_other_open": 0.0, "sim_prev_sent": 0.0}),
        # The first sentence of the conversation has no context at all.
        (0, {"has_prev_other": 0.0, "sim_prev_other": 0.0, "max_sim_other": 0.0, "max_sim_same": 0.0}),
    ],
)
def test_context_features(k: int, expected: dict[str, float]) -> None:
    row = _context_row(_conversation(), k)
    for name, value in expected.items():
        assert row[name] == pytest.approx(value), name


def test_restatement_is_closer_to_the_client_than_the_pitch() -> None:
    sents = _conversation()
    restated, pitch = _context_row(sents, 3), _context_row(sents, 4)
    assert restated["sim_prev_other"] > 0.8
    assert restated["sim_prev_other"] > pitch["sim_prev_other"] + 0.3
    assert pitch["sim_prev_sent"] > 0.0  # second sentence of its turn
    objection = _context_row(sents, 5)
    assert objection["prev_other_words"] == pytest.approx(13 / 20)  # 8 + 5 words in turn 3


def test_matrix_has_every_block_in_order() -> None:
    sents = _conversation()
    x = sentence_matrix(sents, 5, ("need",), WordEncoder(), only=[1, 3], blocks=BLOCKS)
    widths = [len(block_names(b, ("need",), dim=16)) for b in BLOCKS]
    assert x.shape == (2, sum(widths))
    assert np.array_equal(x[:, :16], WordEncoder().encode([sents[1].text, sents[3].text]))


# --------------------------------------------------------------------------- real data (slow)


@pytest.fixture(scope="module")
def committed() -> SentenceClassifier:
    clf = load(WEIGHTS)
    if clf is None:
        pytest.fail(f"{WEIGHTS} is missing: run models/tagger/train_classifier.py")
    return clf


@pytest.fixture(scope="module")
def training_data(committed: SentenceClassifier):
    """Tagger without classifier, and the features of the folders the weights were trained on."""
    from pipeline.evaluation import gold_files_many, read_gold
    from pipeline.tagging import load_tagger
    from pipeline.tagging.training import sessions_data

    dirs = [str(REPO / d) for d in committed.meta["gold_dirs"]]
    tagger = load_tagger(use_classifier=False)
    sessions = [read_gold(p) for p in gold_files_many(dirs)]
    return tagger, sessions_data(sessions, tagger)


@pytest.fixture(scope="module")
def retrained(committed, training_data) -> SentenceClassifier:
    """The classifier as ``train_classifier.py`` trains it on the folders in the weights' metadata."""
    from pipeline.tagging.training import fit

    tagger, data = training_data
    return fit(data, tagger, meta={"gold_dirs": list(committed.meta["gold_dirs"])})


@pytest.mark.slow
def test_committed_weights_are_what_training_gives(committed, retrained) -> None:
    """Retrain as ``train_classifier.py`` does, on the folders recorded in the weights' metadata."""
    clf = retrained
    assert clf.meta == committed.meta, "weights trained on other sessions or options: retrain them"
    assert clf.blocks == committed.blocks and clf.feature_names == committed.feature_names
    assert clf.cue_labels == committed.cue_labels, "cues.yaml changed: retrain the classifier"
    assert np.allclose(clf.mean, committed.mean, rtol=1e-9, atol=1e-12)
    for role, per in committed.weights.items():
        assert set(clf.weights[role]) == set(per)
        for label, (coef, bias) in per.items():
            assert np.allclose(clf.weights[role][label][0], coef, rtol=1e-6, atol=1e-9), label
            assert clf.weights[role][label][1] == pytest.approx(bias, rel=1e-6, abs=1e-9), label


@pytest.mark.slow
def test_same_data_same_weights_and_every_label_learnt(training_data, retrained) -> None:
    from pipeline.tagging.training import fit

    tagger, data = training_data
    a, b = retrained, fit(list(data), tagger)
    for role, labels in MODEL_LABELS.items():
        assert set(a.weights[role]) == set(labels)  # the dev corpus has examples of each
        for label in labels:
            assert np.array_equal(a.weights[role][label][0], b.weights[role][label][0])
            assert a.weights[role][label][1] == b.weights[role][label][1]


@pytest.mark.slow
def test_features_are_the_same_in_one_process_or_several(training_data) -> None:
    """``sessions_data`` on forked workers gives, in order, exactly what one process gives."""
    from pipeline.evaluation import read_gold
    from pipeline.tagging.training import sessions_data

    tagger, _ = training_data
    sessions = [read_gold(p) for p in sorted((REPO / "models/corpus/dev3").glob("*.json"))[:3]]
    one, two = sessions_data(sessions, tagger, jobs=1), sessions_data(sessions, tagger, jobs=2)
    assert [d.session_id for d in two] == [s.session_id for s in sessions]
    for a, b in zip(one, two, strict=True):
        assert a.roles == b.roles and np.array_equal(a.x, b.x)
        assert all(np.array_equal(a.y[k], b.y[k]) for k in a.y)


@pytest.mark.slow
def test_cross_validation_by_author_leaves_the_author_out(training_data, monkeypatch) -> None:
    """``--cv-group``: each author's sessions are tagged by a model trained on the other authors only."""
    from pipeline import evaluation
    from pipeline.tagging import training

    tagger, _ = training_data
    files = [
        REPO / "models/corpus/dev3/b2b-agriculture-service-d3-a3.json",
        REPO / "models/corpus/dev3/b2b-tech-produit-d3-a1.json",
        REPO / "models/corpus/dev3/b2b-industrie-produit-d3-b1.json",
    ]
    seen: list[list[str]] = []
    real_fit = training.fit

    def spy(data, tg, **kw):
        seen.append(sorted(d.session_id for d in data))
        return real_fit(data, tg, **kw)

    monkeypatch.setattr(training, "fit", spy)
    ctx = tagger.nlp.get_pipe("rolegrid_context")
    before = ctx.classifier
    r = evaluation.evaluate_gold_dir_cv(files, tagger, group_pattern=r"(d\d-[a-z])\d+$")
    assert ctx.classifier is before  # the tagger is given back as it was
    assert sorted(r.sessions) == sorted(p.stem for p in files)
    # two folds: author a is tagged by a model trained on author b's session, and the other way round
    assert sorted(seen) == [
        ["b2b-agriculture-service-d3-a3", "b2b-tech-produit-d3-a1"],
        ["b2b-industrie-produit-d3-b1"],
    ]
    assert r.micro.f1 > 0.3  # a real tagger, not an empty one


def test_settings_thresholds_are_pairs_of_model_labels() -> None:
    """``classifier_thresholds`` (chosen by nested CV by author): every key is ``default`` or a label
    the classifier scores (another key would be silently ignored), every value ``[low, high]`` with
    0 <= low <= high <= 1 (a cue needs less confirmation than the model alone); ``classifier_l2`` > 0."""
    from pipeline.tagging.resources import load_resources

    settings = load_resources().settings
    scored = {lab for labs in MODEL_LABELS.values() for lab in labs}
    thresholds = settings["classifier_thresholds"]
    assert "default" in thresholds
    for label, pair in thresholds.items():
        assert label == "default" or label in scored, label
        low, high = pair
        assert 0.0 <= low <= high <= 1.0, (label, pair)
    assert float(settings["classifier_l2"]) > 0
