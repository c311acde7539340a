"""grid.json / grid.csv writing and reading, agreement with a gold grid, and the `rolegrid grid` command."""

from __future__ import annotations

import csv
import json

import pytest
from test_grid_builders import measures
from test_steps import full_session

from pipeline.cli import main
from pipeline.fileio import atomic_write_json
from pipeline.grid import build_grid, grid_agreement, read_grid, write_grid
from pipeline.provenance import sidecar_path
from pipeline.scenarios import load_referentiel, load_scenario


@pytest.fixture(scope="module")
def ref():
    return load_referentiel()


@pytest.fixture(scope="module")
def grid(ref):
    s, _ = full_session()
    return build_grid(
        s.transcript(), measures(0.58), s.tagset(), load_scenario("b2b-tech-service"), ref, "sess-1"
    )


def test_grid_json_shape(tmp_path, grid, ref):
    json_path, csv_path = write_grid(grid, tmp_path)
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    assert list(doc["criteria"]) == [c.id for c in ref.criteria]
    c11 = doc["criteria"]["C1.1"]
    assert {"status", "value", "threshold", "confidence", "rationale", "evidence", "label"} <= set(c11)
    assert c11["label"] == "Identifier les attentes du client"
    tag_ev = [e for e in c11["evidence"] if e["kind"] == "tag"]
    assert {"ref", "label", "start", "end", "quote", "turn_id"} <= set(tag_ev[0])
    assert set(doc["competences"]) == {"C1", "C2", "C3", "C4", "C5"}
    assert [s["step"] for s in doc["steps"]] == [1, 2, 3, 4, 5, 6]
    assert all(s["duration"] is not None and s["planned_minutes"] is not None for s in doc["steps"])
    assert doc["session_id"] == "sess-1" and doc["scenario"] == "b2b-tech-service"
    assert doc["author"] == {"kind": "draft", "juror_id": None}
    assert doc["provenance"]["stage"] == "grid" and len(doc["provenance"]["key"]) == 64
    assert json.loads(sidecar_path(csv_path).read_text())["provenance"]["key"] == doc["provenance"]["key"]
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temp file


def test_grid_csv_rows(tmp_path, grid):
    _, csv_path = write_grid(grid, tmp_path)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["criterion"] for r in rows] == list(grid.criteria)
    c41 = next(r for r in rows if r["criterion"] == "C4.1")
    assert c41["label"] == "Identifier les signaux d'achat"
    assert c41["status"] == "met" and c41["status_label"] == "acquis"
    assert c41["threshold"] == "1" and c41["evidence_times"].count("–") >= 2
    assert c41["rationale"].startswith("Le candidat relève 1 signal")


def test_read_grid_roundtrip(tmp_path, grid):
    write_grid(grid, tmp_path)
    back = read_grid(tmp_path)
    assert {k: v.status for k, v in back.criteria.items()} == {k: v.status for k, v in grid.criteria.items()}
    assert back.steps == grid.steps
    assert back.criteria["C1.1"].evidence == grid.criteria["C1.1"].evidence


def test_grid_agreement(grid):
    gold = {cid: {"status": sug.status} for cid, sug in grid.criteria.items()}
    assert grid_agreement(grid, gold)["rate"] == 1.0
    gold["C1.4"] = {"status": "met", "count": 9}  # the draft says to_review: counts as disagreement
    res = grid_agreement(grid, gold)
    assert res["agreed"] == 19 and res["compared"] == 20 and not res["criteria"]["C1.4"]["agree"]


def _session_dir(tmp_path, with_measures=True):
    s, _ = full_session()
    folder = tmp_path / "sess"
    atomic_write_json(folder / "transcript.json", s.transcript())
    atomic_write_json(folder / "tags.json", s.tagset())
    if with_measures:
        atomic_write_json(folder / "measures.json", measures(0.55))
    return folder


def test_grid_command(tmp_path, capsys):
    folder = _session_dir(tmp_path)
    assert main(["grid", str(folder), "--scenario", "b2b-tech-service"]) == 0
    out = capsys.readouterr().out
    assert "C4.4" in out and "acquis" in out and "Étapes" in out
    doc = json.loads((folder / "grid.json").read_text(encoding="utf-8"))
    assert doc["scenario"] == "b2b-tech-service"
    assert doc["criteria"]["C1.2"]["value"] == pytest.approx(0.55)
    assert (folder / "grid.csv").is_file()


def test_grid_command_uses_the_transcript_scenario_and_reports_unknown_ids(tmp_path, capsys):
    folder = _session_dir(tmp_path)  # the transcript records scenario b2b-tech-service
    assert main(["grid", str(folder), "--quiet"]) == 0
    assert json.loads((folder / "grid.json").read_text())["scenario"] == "b2b-tech-service"
    capsys.readouterr()
    assert main(["grid", str(folder), "--scenario", "b2b-tech-servce"]) == 2
    err = capsys.readouterr().err
    assert "Unknown scenario 'b2b-tech-servce'" in err and "Did you mean 'b2b-tech-service'" in err


def test_grid_command_missing_transcript(tmp_path, capsys):
    assert main(["grid", str(tmp_path)]) == 2
    assert "No transcript" in capsys.readouterr().err


def test_step_scoped_counts_are_reported(grid):
    def measure(cid, ref):
        return next(e for e in grid.criteria[cid].evidence if e.kind == "measure" and e.ref == ref)

    assert measure("C1.1", "open_question_steps_1_2").value == 2  # of 3 open questions, 2 in steps 1–2
    assert measure("C5.1", "followup_action_steps_6").value == 2
    assert measure("C5.1", "followup_action_steps_6").label == "action de suivi à l'étape 6"
    steps = [e for e in grid.criteria["C5.1"].evidence if e.kind == "step"]
    assert [(e.ref, e.label) for e in steps] == [("6", "Étape 6 : Suivi et fidélisation")]
