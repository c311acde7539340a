"""``rolegrid batch`` on real recordings: fault isolation, resume after SIGKILL, re-runs, summary, Ray.

Real models run here (faster-whisper base, pyannote + CAM++, spaCy), so the recordings are short.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch.summary import COMPETENCES, CRITERIA, TAG_LABELS
from pipeline.cli import main

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data" / "audio"
SAMPLE = DATA / "pyannote" / "sample.wav"  # 30 s, two speakers
FRENCH = DATA / "fr-asterisk" / "june_prompts" / "vm-intro.wav"  # a few seconds, one French voice

SESSION_FILES = ("transcript.json", "diarization.rttm", "transcript.vtt", "measures.json", "session.json",
                 "tags.json", "grid.json", "grid.csv", "report.html")  # fmt: skip


def make_inputs(root: Path) -> Path:
    rec = root / "recordings"
    (rec / "jour1").mkdir(parents=True)
    shutil.copy(SAMPLE, rec / "jour1" / "salle-a.wav")
    shutil.copy(FRENCH, rec / "salle-b.wav")
    (rec / "corrompu.wav").write_bytes(SAMPLE.read_bytes()[:44] + os.urandom(2000))
    (rec / "notes.mp3").write_text("ceci n'est pas un enregistrement\n", encoding="utf-8")
    return rec


def read_status(out: Path) -> dict:
    return json.loads((out / "batch-status.json").read_text(encoding="utf-8"))["sessions"]


def created_at(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["provenance"]["created_at"]


def assert_complete(session: Path) -> None:
    for name in SESSION_FILES:
        assert (session / name).is_file(), f"{session.name}: {name} missing"
    for js in session.glob("*.json"):
        json.loads(js.read_text(encoding="utf-8"))  # every JSON file is whole
    assert not list(session.glob(".*.tmp")), "a temporary file was left behind"


@pytest.fixture(scope="module")
def first_batch(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("batch")
    rec = make_inputs(root)
    out = root / "out"
    t0 = time.monotonic()
    code = main(["batch", str(rec), "--out", str(out), "--scenario", "b2b-tech-service", "--quiet"])
    return rec, out, code, time.monotonic() - t0


def test_batch_isolates_faults_and_writes_every_session(first_batch) -> None:
    rec, out, code, _ = first_batch
    assert code == 1, "a failed recording must make the exit code non-zero"
    status = read_status(out)
    assert {k: v["status"] for k, v in status.items()} == {
        "jour1__salle-a": "done",
        "salle-b": "done",
        "corrompu": "failed",
        "notes": "failed",
    }
    assert status["corrompu"]["reason"] and status["notes"]["reason"]
    for sid in ("jour1__salle-a", "salle-b"):
        assert_complete(out / sid)
    # a failed recording leaves no session output behind
    for sid in ("corrompu", "notes"):
        assert not (out / sid / "transcript.json").exists()
    assert "failed" in (out / "batch.log").read_text(encoding="utf-8")


def test_summary_table_has_one_row_per_session_and_stable_columns(first_batch) -> None:
    _, out, _, _ = first_batch
    csv = pd.read_csv(out / "sessions.csv")
    parquet = pd.read_parquet(out / "sessions.parquet")
    assert len(csv) == len(parquet) == 4
    expected = {"session_id", "status", "reason", "scenario", "client_talk_share", "duration_s"}
    expected |= {f"tag_{label}" for label in TAG_LABELS} | set(CRITERIA) | set(COMPETENCES)
    assert expected <= set(csv.columns)
    ok = csv.set_index("session_id").loc["jour1__salle-a"]
    assert 0.0 <= ok["client_talk_share"] <= 1.0
    assert ok["scenario"] == "b2b-tech-service"
    assert ok["C1.2"] in {"met", "not_met", "to_review"}


def test_rerun_skips_everything_up_to_date(first_batch) -> None:
    _, out, _, first_seconds = first_batch
    rec = out.parent / "recordings"
    before = created_at(out / "jour1__salle-a" / "transcript.json")
    t0 = time.monotonic()
    code = main(["batch", str(rec), "--out", str(out), "--scenario", "b2b-tech-service", "--quiet"])
    seconds = time.monotonic() - t0
    status = read_status(out)
    assert code == 1
    assert status["jour1__salle-a"]["status"] == "skipped"
    assert status["salle-b"]["status"] == "skipped"
    assert created_at(out / "jour1__salle-a" / "transcript.json") == before
    assert seconds < first_seconds, "an up-to-date re-run must cost less than the first run"


def test_retry_failed_only_touches_failed_sessions(first_batch) -> None:
    _, out, _, _ = first_batch
    rec = out.parent / "recordings"
    # the corrupt recording is replaced by a good one: only it is retried, and now succeeds
    shutil.copy(FRENCH, rec / "corrompu.wav")
    code = main(["batch", str(rec), "--out", str(out), "--scenario", "b2b-tech-service", "--quiet",
                 "--retry-failed"])  # fmt: skip
    status = read_status(out)
    assert status["corrompu"]["status"] == "done"
    assert status["notes"]["status"] == "failed"
    assert code == 1
    assert_complete(out / "corrompu")


def test_changed_option_redoes_only_affected_stages(first_batch) -> None:
    _, out, _, _ = first_batch
    rec = out.parent / "recordings"
    # a scenario change touches the tags (its technical terms help find translations) and the grid (and what
    # reads them), not ASR nor diarization
    code = main(["batch", str(rec), "--out", str(out), "--scenario", "b2c-tech-produit", "--quiet"])
    assert code == 1
    ran = set(read_status(out)["jour1__salle-a"]["stages_run"])
    assert {"tags", "grid"} <= ran
    assert not ran & {"decode", "asr", "diarize", "align"}, ran


def _run_cli(args: list[str], **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, **kw)  # fmt: skip


def test_sigkill_midway_then_resume_finishes_without_corruption(tmp_path: Path) -> None:
    rec = tmp_path / "recordings"
    rec.mkdir()
    shutil.copy(SAMPLE, rec / "a.wav")
    shutil.copy(FRENCH, rec / "b.wav")
    out = tmp_path / "out"
    args = ["batch", str(rec), "--out", str(out), "--quiet", "--workers", "2"]

    # Reference timing: how long the whole batch takes here, to kill it at a random point inside.
    rng = random.Random(int(os.environ.get("ROLEGRID_KILL_SEED", "7")))
    proc = _run_cli(args)
    # Wait until the first stage output exists (models are loaded and work has begun) …
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(out.glob("*/transcript.json")) and proc.poll() is None:
        time.sleep(0.2)
    # … then kill the whole process group (driver and workers) at a random moment, like a power cut.
    time.sleep(rng.uniform(0.0, 3.0))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    finished_before = {p: created_at(p) for p in out.glob("*/*.json") if p.name != "session.json"}
    resumed = _run_cli(args)
    output, _ = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, output.decode()
    for sid in ("a", "b"):
        assert_complete(out / sid)
    # outputs that were finished before the kill were kept, not recomputed
    for path, stamp in finished_before.items():
        assert created_at(path) == stamp, f"{path} was recomputed"
    assert {v["status"] for v in read_status(out).values()} <= {"done", "skipped"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ray_executor_on_a_local_instance(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the Ray executor is an optional extra: pip install 'rolegrid[ray]'")
    ray_bin = Path(sys.executable).with_name("ray")
    port = _free_port()
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", PYTHONPATH=str(REPO))
    start = subprocess.run(
        [str(ray_bin), "start", "--head", f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
         "--disable-usage-stats"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        rec = tmp_path / "recordings"
        rec.mkdir()
        shutil.copy(FRENCH, rec / "b.wav")
        (rec / "bad.wav").write_bytes(b"RIFF")
        out = tmp_path / "out"
        code = main(["batch", str(rec), "--out", str(out), "--quiet", "--executor", "ray",
                     "--address", f"127.0.0.1:{port}", "--workers", "1"])  # fmt: skip
        status = read_status(out)
        assert code == 1
        assert status["b"]["status"] == "done" and status["bad"]["status"] == "failed"
        assert_complete(out / "b")
    finally:
        subprocess.run([str(ray_bin), "stop", "--force"], env=env, capture_output=True, timeout=120)
