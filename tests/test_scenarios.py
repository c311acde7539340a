"""The référentiel and the 20 scenarios: they load, and broken files fail with file + field named."""

from __future__ import annotations

import shutil

import pytest

from pipeline.cli import main
from pipeline.errors import ConfigError
from pipeline.scenarios import (
    CRITERION_IDS,
    SCENARIO_IDS,
    SCENARIOS_DIR,
    TAG_LABELS,
    list_scenarios,
    load_referentiel,
    load_scenario,
)

REF_TEXT = (SCENARIOS_DIR / "referentiel.yaml").read_text(encoding="utf-8")


def test_referentiel_loads_with_20_criteria_and_6_steps():
    ref = load_referentiel()
    assert [c.id for c in ref.criteria] == list(CRITERION_IDS)
    assert [c.id for c in ref.competences] == ["C1", "C2", "C3", "C4", "C5"]
    assert [s.number for s in ref.steps] == [1, 2, 3, 4, 5, 6]
    assert ref.step(6).name == "Suivi et fidélisation"
    assert set(ref.tag_labels) == set(TAG_LABELS)
    assert ref.tag_label("open_question") == "question ouverte"
    bars = {c.id: (c.bar.kind, c.bar.threshold) for c in ref.criteria}
    assert bars["C1.1"] == ("count_min", 3)
    assert bars["C1.2"] == ("ratio_min", 0.5)
    assert bars["C3.3"] == ("ratio_min", 0.75)
    assert bars["C3.4"] == ("count_max", 1)
    assert ref.criterion("C1.4").decidable == "no"
    assert ref.criterion("C1.1").steps == (1, 2)
    assert "au moins 3 questions ouvertes" in ref.criterion("C1.1").wording


def test_all_20_scenarios_load():
    scenarios = list_scenarios()
    assert [s.id for s in scenarios] == sorted(SCENARIO_IDS)
    for s in scenarios:
        assert s.planned_total == 30
        assert 4 <= len(s.technical_terms) <= 6, s.id
        assert 4 <= len(s.needs) <= 6, s.id
        assert 3 <= len(s.objections) <= 4, s.id
        assert 2 <= len(s.buying_signals) <= 3, s.id
        assert s.client.name and s.offer.prices and s.context
        assert all(t.benefit for t in s.technical_terms)
    # every combination market × domain × type exactly once
    assert {(s.market, s.domain, s.sale_type) for s in scenarios} == {
        tuple(i.split("-")) for i in SCENARIO_IDS
    }


def test_unknown_scenario_lists_ids_and_suggests():
    with pytest.raises(ConfigError) as err:
        load_scenario("b2c-artisant-produit")
    msg = str(err.value)
    assert "Unknown scenario 'b2c-artisant-produit'" in msg
    assert "Did you mean 'b2c-artisanat-produit'" in msg
    assert "b2b-tech-service" in msg


@pytest.mark.parametrize("bad", ["", "../scenarios/b2b-tech-produit", "B2B-TECH-PRODUIT", "referentiel"])
def test_odd_scenario_ids_are_unknown(bad):
    with pytest.raises(ConfigError, match="Unknown scenario"):
        load_scenario(bad)


def _copy(tmp_path, sid="b2b-tech-produit"):
    dst = tmp_path / f"{sid}.yaml"
    shutil.copy(SCENARIOS_DIR / f"{sid}.yaml", dst)
    return dst


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "steps_minutes: {1: 3, 2: 7, 3: 7, 4: 7, 5: 3, 6: 3}",
            "steps_minutes: {1: 3, 2: 7, 3: 7, 4: 7, 5: 3, 6: 4}",
            "steps_minutes",
        ),
        (
            "steps_minutes: {1: 3, 2: 7, 3: 7, 4: 7, 5: 3, 6: 3}",
            "steps_minutes: {1: 6, 2: 7, 3: 7, 4: 7, 5: 3}",
            "steps_minutes",
        ),
        (
            "steps_minutes: {1: 3, 2: 7, 3: 7, 4: 7, 5: 3, 6: 3}",
            "steps_minutes: {1: -3, 2: 13, 3: 7, 4: 7, 5: 3, 6: 3}",
            "steps_minutes.1",
        ),
        ("  - kind: timing", "  - kind: delay", "objections[2].kind"),
        ("market: b2b", "market: btob", "market"),
        ("id: b2b-tech-produit", "id: b2b-tech-service", "id"),
        ('  name: "Sophie Marchand"\n', "", "client.name"),
        ("needs:\n  - id: n1", "needs:\n  - id: n2", "needs"),
        (
            '    benefit: "l\'appareil résiste à la pluie, à la poussière et peut être nettoyé au jet"',
            "    benefit: {a: 1}",
            "technical_terms[0].benefit",
        ),
    ],
)
def test_broken_scenario_names_file_and_field(tmp_path, old, new, field):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario("b2b-tech-produit", tmp_path)
    msg = str(err.value)
    assert str(path) in msg
    if field:
        assert f"field '{field}'" in msg or field in msg


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("market: b2b", "market: [b2b", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario("b2b-tech-produit", tmp_path)
    assert str(path) in str(err.value) and "malformed YAML at line" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "bar: {kind: ratio_min, threshold: 0.75}",
            "bar: {kind: ratio_min, threshold: 75}",
            "competences[2].criteria[2].bar.threshold",
        ),
        (
            "bar: {kind: ratio_min, threshold: 0.5}",
            "bar: {kind: ratio_min, threshold: -0.1}",
            "competences[0].criteria[1].bar.threshold",
        ),
        (
            "bar: {kind: count_min, threshold: 3}",
            "bar: {kind: count_min, threshold: -3}",
            "competences[0].criteria[0].bar.threshold",
        ),
        (
            "bar: {kind: count_min, threshold: 3}",
            "bar: {kind: count_min, threshold: 2.5}",
            "competences[0].criteria[0].bar.threshold",
        ),
        (
            "bar: {kind: count_max, threshold: 1}",
            "bar: {kind: at_most, threshold: 1}",
            "competences[2].criteria[3].bar.kind",
        ),
        ("      - id: C5.4", "      - id: C5.5", "competences[4].criteria[3].id"),
        ('  need: "besoin exprimé"\n', "", "tags.need"),
        ("  weak_tag_below: 0.5", "  weak_tag_below: 1.5", "confidence.weak_tag_below"),
        ('        label: "Écouter activement"\n', "", "competences[0].criteria[1].label"),
        ("tags: [open_question]", "tags: [open_questions]", "competences[0].criteria[0].tags"),
        (
            "{value} questions ouvertes (seuil",
            "{valeur} questions ouvertes (seuil",
            "competences[0].criteria[0].rationale.met",
        ),
        (
            "    cues: {rapport: 1.0, comfort_signal: 0.2}",
            "    cues: {rapport: 2.0, comfort_signal: 0.2}",
            "steps[0].cues.rapport",
        ),
        (
            "default_steps_minutes: {1: 3, 2: 7, 3: 7, 4: 7, 5: 3, 6: 3}",
            "default_steps_minutes: {1: 3, 2: 7}",
            "default_steps_minutes",
        ),
    ],
)
def test_broken_referentiel_names_file_and_field(tmp_path, old, new, field):
    assert old in REF_TEXT, old
    path = tmp_path / "referentiel.yaml"
    path.write_text(REF_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_referentiel(path)
    msg = str(err.value)
    assert str(path) in msg
    assert f"field '{field}'" in msg, msg


def test_referentiel_missing_criterion_and_missing_file(tmp_path):
    start = REF_TEXT.index("      - id: C5.4")
    end = REF_TEXT.index("# Phrase de synthèse")
    path = tmp_path / "referentiel.yaml"
    path.write_text(REF_TEXT[:start] + REF_TEXT[end:], encoding="utf-8")
    with pytest.raises(ConfigError, match="criteria missing: C5.4"):
        load_referentiel(path)
    with pytest.raises(ConfigError, match="file not found"):
        load_referentiel(tmp_path / "absent.yaml")


def test_edited_threshold_is_used(tmp_path):
    path = tmp_path / "referentiel.yaml"
    path.write_text(
        REF_TEXT.replace("bar: {kind: count_min, threshold: 3}", "bar: {kind: count_min, threshold: 5}", 1)
    )
    assert load_referentiel(path).criterion("C1.1").bar.threshold == 5


def test_scenarios_command(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") >= 21 and "b2c-service-service" in out and "BtoC" in out
    assert main(["scenarios", "show", "b2b-tech-produit"]) == 0
    out = capsys.readouterr().out
    assert "IP67 → l'appareil résiste" in out and "Sophie Marchand" in out and "Introduction : 3 min" in out
    assert main(["scenarios", "show", "nope"]) == 2
    assert "Valid ids" in capsys.readouterr().err
