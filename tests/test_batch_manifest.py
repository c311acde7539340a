"""Batch inputs: folder scanning and CSV manifests (no models needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.batch.manifest import BatchItem, read_manifest, scan_folder, session_id_for
from pipeline.errors import ConfigError, InputError


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_scan_folder_is_recursive_sorted_and_media_only(tmp_path: Path) -> None:
    touch(tmp_path / "day2" / "b.mp3")
    touch(tmp_path / "day1" / "room 1" / "cand 7.WAV")
    touch(tmp_path / "day1" / "notes.txt")
    touch(tmp_path / "a.webm")
    items = scan_folder(tmp_path, scenario="b2b-tech-service")
    assert [it.session_id for it in items] == ["a", "day1__room_1__cand_7", "day2__b"]
    assert all(it.scenario == "b2b-tech-service" for it in items)


@pytest.mark.parametrize(
    ("rel", "expected"),
    [("x.wav", "x"), ("a/b/c.flac", "a__b__c"), ("é t/é.mp3", "é_t__é"), ("a b?.wav", "a_b")],
)
def test_session_id_for_is_folder_safe(tmp_path: Path, rel: str, expected: str) -> None:
    sid = session_id_for(tmp_path / rel, tmp_path)
    assert "/" not in sid and sid == expected


def test_manifest_reads_all_columns_and_relative_paths(tmp_path: Path) -> None:
    touch(tmp_path / "rec" / "s1.wav")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "recording;session_id;scenario;candidate_id;exam_date;juror_ids;candidate_speaker\n"
        "rec/s1.wav;S-001;b2c-tech-produit;C42;2026-11-28;J1|J2;SPEAKER_01\n"
        "\n"
        "rec/s2.wav;;;;;;\n",
        encoding="utf-8",
    )
    items = read_manifest(manifest, scenario="b2b-tech-service")
    assert items[0] == BatchItem(
        recording=(tmp_path / "rec" / "s1.wav").resolve(),
        session_id="S-001",
        scenario="b2c-tech-produit",
        candidate_id="C42",
        exam_date="2026-11-28",
        juror_ids=("J1", "J2"),
        candidate_speaker="SPEAKER_01",
    )
    # defaults: session id from the file name, scenario from the command line
    assert items[1].session_id == "s2" and items[1].scenario == "b2b-tech-service"
    assert items[1].candidate_speaker is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("path,session_id\nx.wav,a\n", "no 'recording' column"),
        ("recording,room\nx.wav,1\n", "unknown column"),
        ("recording,session_id\nx.wav,a\ny.wav,a\n", "same session id"),
        ("recording,session_id\nx.wav,a/b\n", "unsafe"),
        ("recording,session_id\n,a\n", "'recording' field is empty"),
    ],
)
def test_manifest_errors_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_manifest(manifest)


def test_unreadable_manifest_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_manifest(tmp_path / "missing.csv")


def test_batch_command_takes_the_manifest_as_input_or_option(tmp_path: Path) -> None:
    from pipeline.cli import build_parser, main

    manifest = tmp_path / "m.csv"
    manifest.write_text("recording\nmissing.wav\n", encoding="utf-8")
    parser = build_parser()
    assert parser.parse_args(["batch", "--manifest", str(manifest), "--out", "o"]).manifest == str(manifest)
    assert parser.parse_args(["batch", str(manifest), "--out", "o"]).input == str(manifest)
    assert main(["batch", "--out", str(tmp_path / "o")]) == 2  # neither: a clear error, exit 2
