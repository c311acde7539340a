"""Speech benchmarks: diarization DER and talk share, French WER, speed on a 30-minute recording.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/bench_speech.py          # short files
    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE .venv/bin/python benchmarks/bench_speech.py --long   # + 30-min speed

Prints the tables and rewrites the ``## Speech: ASR and diarization`` section of BENCHMARKS.md
(other sections are left alone). Results are also kept in ``benchmarks/bench_speech.json`` so a
run of the short part keeps the last 30-minute figures. The 30-minute recording is built into
``/tmp/rolegrid-bench`` (never committed): the French pseudo-dialogue and the 30 June prompts
(two real French voices), repeated in random order with random gain (±6 dB) and background noise,
with its reference by construction. ASR and diarization each run in their own process, so their
wall time and peak memory (``ru_maxrss``) are measured alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import time
import unicodedata
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO / ".." / "shared" / "data" / "audio"
RESULTS = REPO / "benchmarks" / "bench_speech.json"
BENCH_MD = REPO / "BENCHMARKS.md"
HEADER = "## Speech: ASR and diarization"
LONG_DIR = Path("/tmp/rolegrid-bench")
LONG_MINUTES = 30.0

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
warnings.filterwarnings("ignore")

# name, wav, rttm, uri, uem, number of speakers
DIAR_FILES = [
    ("pyannote sample (EN, 30 s)", "pyannote/sample.wav", "pyannote/sample.rttm", "sample", None, 2),
    (
        "AMI dev00 (EN, 30 s)",
        "ami/dev00.wav",
        "ami/debug.development.rttm",
        "dev00",
        "ami/debug.development.uem",
        2,
    ),
    (
        "AMI dev01 (EN, 30 s)",
        "ami/dev01.wav",
        "ami/debug.development.rttm",
        "dev01",
        "ami/debug.development.uem",
        2,
    ),
    ("AMI tst00 (EN, 30 s, 4 spk)", "ami/tst00.wav", "ami/debug.test.rttm", "tst00", "ami/debug.test.uem", 4),
    ("falcon (EN, 18.6 s, 3 spk)", "falcon/test.wav", "falcon/test.rttm", "test", None, 3),
    (
        "French pseudo-dialogue (47 s)",
        "fr-asterisk/fr_pseudodialogue.wav",
        "fr-asterisk/fr_pseudodialogue.rttm",
        "fr_pseudodialogue",
        None,
        2,
    ),
]


# --------------------------------------------------------------------------- helpers


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lower()).replace("’", "'")
    text = re.sub(r"[^\w'\s-]", " ", text).replace("-", " ").replace("'", "' ")
    return " ".join(text.split())


def load_reference(rttm: Path, uri: str):
    from pyannote.database.util import load_rttm

    return load_rttm(str(rttm))[uri]


def to_annotation(segments):
    from pyannote.core import Annotation, Segment

    ann = Annotation()
    for i, s in enumerate(segments):
        ann[Segment(s.start, s.end), i] = s.speaker
    return ann


def der(reference, hypothesis, uem, collar: float) -> float:
    from pyannote.metrics.diarization import DiarizationErrorRate

    return float(DiarizationErrorRate(collar=collar)(reference, hypothesis, uem=uem))


def share_error(reference, hypothesis, uem, activity=None) -> float | None:
    """|share of reference speaker B - share of its mapped estimated speaker| (two-speaker files).

    With ``activity`` (speech spans, ``pipeline.speech_eval.speech_activity``), the reference turns are first cut
    to those spans: the reference's own silences (pauses, padded edges) leave the comparison.
    """
    from pyannote.metrics.diarization import DiarizationErrorRate

    from pipeline.speech_eval import speaker_shares, speech_only

    ref = reference.crop(uem)
    hyp = hypothesis.crop(uem)
    labels = sorted(ref.labels())
    if len(labels) != 2 or not hyp.labels():
        return None
    mapping = DiarizationErrorRate().optimal_mapping(ref, hyp)  # hyp label -> ref label
    ref_turns = [(s.start, s.end, lab) for s, _, lab in ref.itertracks(yield_label=True)]
    if activity is not None:
        ref_turns = speech_only(ref_turns, activity)
    hyp_turns = [(s.start, s.end, mapping.get(lab, lab)) for s, _, lab in hyp.itertracks(yield_label=True)]
    return abs(speaker_shares(ref_turns)[labels[1]] - speaker_shares(hyp_turns).get(labels[1], 0.0))


# speech-only references: the level used to trim the 30-min reference's prompts, pauses < 0.3 s kept (NIST RT);
# the other settings show how much the reference itself moves with the choice
SPEECH_DB, SPEECH_BRIDGE = -40.0, 0.3
SPEECH_GRID = [(db, br) for db in (-50.0, -45.0, -40.0, -35.0) for br in (0.0, 0.3, 0.8)]


def speech_share_errors(reference, hypothesis, uem, samples) -> dict | None:
    """Talk-share error against the speech-only reference: the chosen setting and the range over SPEECH_GRID."""
    from pipeline.audio import SAMPLE_RATE
    from pipeline.speech_eval import speech_activity

    errors = {
        (db, br): share_error(reference, hypothesis, uem, speech_activity(samples, SAMPLE_RATE, db, br))
        for db, br in SPEECH_GRID
    }
    if errors[(SPEECH_DB, SPEECH_BRIDGE)] is None:
        return None
    return {
        "error": errors[(SPEECH_DB, SPEECH_BRIDGE)],
        "min": min(errors.values()),
        "max": max(errors.values()),
    }


def load_conditions() -> str:
    with open("/proc/loadavg") as fh:
        load1, load5 = fh.read().split()[:2]
    return f"{os.cpu_count()} cores, load average {load1} (1 min) / {load5} (5 min) at start"


# --------------------------------------------------------------------------- short benchmarks


def bench_diarization() -> list[dict]:
    from pyannote.core import Segment

    from pipeline.audio import load_audio
    from pipeline.diarize import DiarizationOptions, diarize, load_diarizer

    diarizer = load_diarizer("offline", threads=1)
    rows = []
    for name, wav, rttm, uri, uem_file, k in DIAR_FILES:
        audio = load_audio(DATA / wav)
        reference = load_reference(DATA / rttm, uri)
        if uem_file:
            from pyannote.database.util import load_uem

            uem = load_uem(str(DATA / uem_file))[uri]
        else:
            uem = Segment(0, audio.duration)
        row = {"file": name, "speakers": k}
        for tag, opts in (
            ("pyannote", DiarizationOptions(num_speakers=k, recluster=False, fill_gaps=0.0)),
            ("no_refine", DiarizationOptions(num_speakers=k, refine_changes=False)),
            ("no_distant", DiarizationOptions(num_speakers=k, distant_db=None)),
            ("default", DiarizationOptions(num_speakers=k)),
        ):
            t0 = time.perf_counter()
            result = diarize(audio, diarizer, opts)
            elapsed = time.perf_counter() - t0
            hyp = to_annotation(result.segments)
            row[tag] = {
                "der0": der(reference, hyp, uem, 0.0),
                "der25": der(reference, hyp, uem, 0.25),
                "share_error": share_error(reference, hyp, uem),
                "share_speech": speech_share_errors(reference, hyp, uem, audio.mono),
                "seconds": elapsed,
                "found": len(result.speakers),
            }
        rows.append(row)
        d = row["default"]
        print(
            f"{name:32s} DER {d['der25'] * 100:5.1f} % (collar 0.25) {d['der0'] * 100:5.1f} % (no collar)"
            f"  pyannote-only {row['pyannote']['der25'] * 100:5.1f} / {row['pyannote']['der0'] * 100:5.1f} %"
            + (f"  share err {d['share_error'] * 100:.1f} pts" if d["share_error"] is not None else "")
            + (
                f" (speech-only ref {d['share_speech']['error'] * 100:.1f}, "
                f"{d['share_speech']['min'] * 100:.1f}-{d['share_speech']['max'] * 100:.1f})"
                if d["share_speech"]
                else ""
            ),
            flush=True,
        )
    return rows


def bench_wer() -> dict:
    import jiwer

    from pipeline.asr import AsrOptions, load_asr_model, transcribe
    from pipeline.audio import load_audio

    model = load_asr_model("base", cpu_threads=1)
    prompts_dir = DATA / "fr-asterisk" / "june_prompts"
    rows = list(csv.reader(open(prompts_dir / "texts.tsv", encoding="utf-8"), delimiter="\t"))
    audios = [(load_audio(prompts_dir / name), text) for name, text in rows]
    total = sum(a.duration for a, _ in audios)
    out = {"files": len(audios), "audio_seconds": total}
    for beam in (5, 1):
        options = AsrOptions(beam_size=beam, best_of=beam)
        refs, hyps = [], []
        t0 = time.perf_counter()
        for audio, text in audios:
            refs.append(normalise(text))
            hyps.append(normalise(" ".join(s.text for s in transcribe(audio, model, options))))
        elapsed = time.perf_counter() - t0
        measures = jiwer.process_words(refs, hyps)
        out[f"beam{beam}"] = {
            "wer": measures.wer,
            "substitutions": measures.substitutions,
            "deletions": measures.deletions,
            "insertions": measures.insertions,
            "words": sum(len(r.split()) for r in refs),
            "seconds": elapsed,
            "rtf": elapsed / total,
        }
        print(
            f"June prompts ({len(audios)} files, {total:.1f} s) beam {beam}: WER {measures.wer * 100:.1f} %, "
            f"{elapsed:.1f} s (RTF {elapsed / total:.3f})",
            flush=True,
        )
    leopard = load_audio(DATA / "fr-leopard" / "test_fr.wav")
    ref = "Sous le consulat il devient conservateur des eaux et forêts et conseiller général"
    hyp = " ".join(s.text for s in transcribe(leopard, model))
    out["leopard_wer"] = jiwer.wer(normalise(ref), normalise(hyp))
    print(f"Leopard test_fr.wav: WER {out['leopard_wer'] * 100:.1f} %  ({hyp})", flush=True)
    return out


# --------------------------------------------------------------------------- 30-minute recording


def build_long_recording(minutes: float = LONG_MINUTES, seed: int = 7) -> tuple[Path, Path]:
    """Concatenate the two real French voices into a ~30-min two-speaker WAV + its RTTM."""
    import numpy as np
    import soundfile as sf

    from pipeline.audio import load_audio

    LONG_DIR.mkdir(parents=True, exist_ok=True)
    wav_path, rttm_path = LONG_DIR / "long30.wav", LONG_DIR / "long30.rttm"
    if wav_path.exists() and rttm_path.exists():
        return wav_path, rttm_path
    rng = np.random.default_rng(seed)
    dialogue = load_audio(DATA / "fr-asterisk" / "fr_pseudodialogue.wav").mono
    dialogue_turns = []
    for line in (DATA / "fr-asterisk" / "fr_pseudodialogue.rttm").read_text().splitlines():
        f = line.split()
        dialogue_turns.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    prompts_dir = DATA / "fr-asterisk" / "june_prompts"
    prompts = [load_audio(p).mono for p in sorted(prompts_dir.glob("*.wav"))]
    sr, target = 16000, int(minutes * 60 * 16000)
    pieces, turns, pos = [], [], 0
    while pos < target:
        if rng.random() < 0.4:
            gain = 10 ** (rng.uniform(-6, 6) / 20)
            pieces.append(dialogue * gain)
            turns += [(pos / sr + a, pos / sr + b, spk) for a, b, spk in dialogue_turns]
            pos += dialogue.size
        else:
            clip = prompts[rng.integers(len(prompts))]
            gain = 10 ** (rng.uniform(-6, 6) / 20)
            lead = np.zeros(int(sr * rng.uniform(0.3, 1.0)), dtype=np.float32)
            pieces += [lead, clip * gain]
            speech = np.flatnonzero(np.abs(clip) > 10 ** (-40 / 20))
            a, b = (speech[0], speech[-1]) if speech.size else (0, clip.size)
            start = (pos + lead.size) / sr
            turns.append((start + a / sr, start + b / sr, "JUNE"))
            pos += lead.size + clip.size
    signal = np.concatenate(pieces)[:target]
    signal = signal + (10 ** (-50 / 20)) * rng.standard_normal(signal.size).astype(np.float32)
    sf.write(wav_path, np.clip(signal, -1, 1).astype(np.float32), sr, subtype="PCM_16")
    duration = signal.size / sr
    with open(rttm_path, "w") as fh:
        for a, b, spk in turns:
            if a < duration:
                fh.write(f"SPEAKER long30 1 {a:.3f} {min(b, duration) - a:.3f} <NA> <NA> {spk} <NA> <NA>\n")
    return wav_path, rttm_path


def run_stage(stage: str, wav: Path) -> dict:
    """One stage alone in this process: prints a JSON line with time and peak memory."""
    from pipeline.audio import load_audio

    t0 = time.perf_counter()
    audio = load_audio(wav)
    decode_s = time.perf_counter() - t0
    if stage == "asr":
        from pipeline.asr import load_asr_model, transcribe

        t1 = time.perf_counter()
        model = load_asr_model("base", cpu_threads=int(os.environ.get("BENCH_THREADS", "1")))
        load_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        segments = transcribe(audio, model)
        run_s = time.perf_counter() - t2
        extra = {"words": sum(len(s.words) for s in segments)}
    else:
        from pipeline.diarize import diarize, load_diarizer

        t1 = time.perf_counter()
        diarizer = load_diarizer("offline", threads=int(os.environ.get("BENCH_THREADS", "1")))
        load_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        result = diarize(audio, diarizer)
        run_s = time.perf_counter() - t2
        (LONG_DIR / "long30.hyp.json").write_text(json.dumps([s.to_dict() for s in result.segments]))
        extra = {"speakers": len(result.speakers)}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "stage": stage,
        "audio_seconds": audio.duration,
        "decode_s": decode_s,
        "load_s": load_s,
        "run_s": run_s,
        "rtf": run_s / audio.duration,
        "peak_rss_mb": peak_mb,
        **extra,
    }


def bench_long() -> dict:
    wav, rttm = build_long_recording()
    out = {"conditions": load_conditions(), "file": str(wav)}
    for stage in ("asr", "diarization"):
        print(f"30-min {stage} ...", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--stage", stage, str(wav)],
            capture_output=True,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"},
        )
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-3000:])
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        out[stage] = res
        print(
            f"  {stage}: {res['run_s']:.0f} s for {res['audio_seconds'] / 60:.1f} min (RTF {res['rtf']:.3f}), "
            f"load {res['load_s']:.1f} s, peak RSS {res['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    out.update(long_accuracy(wav, rttm, out["asr"]["audio_seconds"]))
    out["refine_changes"] = True
    out["conditions_end"] = load_conditions().replace("at start", "at end")
    return out


def long_accuracy(wav: Path, rttm: Path, seconds: float) -> dict:
    """DER and talk-share errors of the stored 30-min diarization against the constructed reference."""
    from pyannote.core import Segment

    from pipeline.audio import load_audio
    from pipeline.types import SpeakerSegment

    hyp = to_annotation([SpeakerSegment(**d) for d in json.loads((LONG_DIR / "long30.hyp.json").read_text())])
    reference = load_reference(rttm, "long30")
    uem = Segment(0, seconds)
    out = {
        "der25": der(reference, hyp, uem, 0.25),
        "der0": der(reference, hyp, uem, 0.0),
        "share_error": share_error(reference, hyp, uem),
        "share_speech": speech_share_errors(reference, hyp, uem, load_audio(wav).mono),
    }
    print(
        f"  30-min DER {out['der25'] * 100:.1f} % (collar 0.25) / {out['der0'] * 100:.1f} %, "
        f"share error {out['share_error'] * 100:.1f} pts, speech-only ref {out['share_speech']['error'] * 100:.1f} "
        f"({out['share_speech']['min'] * 100:.1f}-{out['share_speech']['max'] * 100:.1f})",
        flush=True,
    )
    return out


# --------------------------------------------------------------------------- report


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.1f}"


def speech_cell(s: dict | None) -> str:
    if not s:
        return "–"
    return f"{pct(s['error'])} ({pct(s['min'])}–{pct(s['max'])})"


def render(results: dict) -> str:
    lines = [HEADER, ""]
    lines.append(
        "Produced by `benchmarks/bench_speech.py` (`--long` for the 30-minute part). Offline defaults: "
        "faster-whisper 1.2.1 + Whisper base (int8, beam 5, VAD), pyannote.audio 4.0.7 with segmentation-3.0 + "
        "CAM++ embeddings, then 1.5 s-window CAM++ re-clustering, each direct speaker change moved to its best "
        "0.5 s-window change point (within 1 s), and same-speaker pauses < 0.8 s closed "
        "(`pipeline/diarize/refine.py`). 1 torch/CTranslate2 thread, `OMP_WAIT_POLICY=PASSIVE`. "
        "DER: pyannote.metrics, overlap scored, whole file (AMI: its UEM); number of speakers given "
        "(the reference count). Talk-share error: |share of reference speaker B − share of the estimated "
        "speaker mapped to B| (optimal mapping), in points."
    )
    lines.append("")
    lines.append(
        f"Short runs: {results.get('short_conditions', '')}, measured {results.get('short_date', '')}."
    )
    lines += [
        "",
        "| file | DER collar 0.25 | DER no collar | talk-share error (pts) | vs speech-only reference (pts) "
        "| without change refinement: DER 0.25 / share err | without the distant-voice gate: DER 0.25 / share err "
        "| pyannote alone: DER 0.25 / 0 | time (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results.get("diarization", []):
        d, p = row["default"], row["pyannote"]
        n = row.get("no_refine")
        no_refine = f"{pct(n['der25'])} % / {pct(n['share_error'])}" if n else "–"
        g = row.get("no_distant")
        no_distant = f"{pct(g['der25'])} % / {pct(g['share_error'])}" if g else "–"
        lines.append(
            f"| {row['file']} | {pct(d['der25'])} % | {pct(d['der0'])} % | {pct(d['share_error'])} | "
            f"{speech_cell(d.get('share_speech'))} | {no_refine} | {no_distant} | {pct(p['der25'])} % / {pct(p['der0'])} % | "
            f"{d['seconds']:.1f} |"
        )
    lines += [
        "",
        "Re-clustering and change refinement run on two-speaker recordings only (AMI tst00 and falcon are "
        "unchanged by them). The refinement's settings (0.5 s windows, 1 s reach) were picked among 0.5/0.75/1.0 s "
        "× 0.75/1.0/1.5 s on these two-speaker files, AMI included (so dev00's figure is no independent check); "
        "every setting brought AMI dev00 from 13.2 % to 5–10 %. On the two synthesised 7-minute sessions of the "
        "end-to-end benchmark (turns separated by pauses) it changed nothing: DER 0.9 % and 0.7 % either way.",
        "Distant-voice gate (`pipeline/diarize/level.py`, two speakers only): a stretch more than 12 dB below the "
        "quieter speaker's level is set apart (`Diarization.distant`, words marked `distant`) instead of being "
        "counted as candidate or client speech. On AMI dev01 it sets apart a third voice at about −55 dBFS "
        "(25.9–27.4 s, which the reference leaves out) and a 0.3 s stretch at 29.1 s that the reference gives to "
        "MEE012; nothing on the other files (their quietest stretch is 8.7 dB below; on the 30-min file, 8–10 dB). "
        "The 12 dB margin was set between those two figures, with dev01 in view.",
        "AMI excerpts are a weak reference (even oracle clustering gives 22–52 % there, see notes). dev01's remaining "
        "error is mostly speech detection: pyannote's segmentation keeps 0.8 s of near-digital silence "
        "(20.5–21.3 s) inside a speaker's turn, and misses the overlapped speech at 16.4–17.3 s.",
        "",
        "Speech-only reference: the reference turns cut to the time where the signal is above −40 dBFS (30 ms "
        "frames), pauses under 0.3 s kept (the NIST RT merging rule); rolegrid's talk share excludes silences, "
        "while the French files' reference turns span whole prompt files (Armelle's prompts carry up to 0.9 s of "
        "quiet padding that June's do not). The level is a choice: in brackets, the range of the error over "
        "−50/−45/−40/−35 dBFS × 0/0.3/0.8 s bridging. The setting follows two earlier conventions (−40 dBFS "
        "already trimmed the 30-min reference's prompts; 0.3 s is NIST's), but it was picked with the whole range "
        "in view: read the range, not only the chosen figure. The French files are real recorded voices, not synthesis; the "
        "30-min file below is built from the same prompts, so it is not an independent check.",
    ]
    w = results.get("wer")
    if w:
        lines += [
            "",
            f"WER, Whisper base, {w['files']} June prompts (`fr-asterisk/june_prompts`, {w['audio_seconds']:.0f} s, "
            "references as is, typos included; lowercase, punctuation stripped):",
            "",
            "| decoding | WER | sub / del / ins (of words) | ASR time (s) | RTF |",
            "|---|---|---|---|---|",
        ]
        for beam in (5, 1):
            b = w[f"beam{beam}"]
            lines.append(
                f"| beam {beam}{' (default)' if beam == 5 else ''} | {pct(b['wer'])} % | {b['substitutions']} / {b['deletions']} / "
                f"{b['insertions']} (of {b['words']}) | {b['seconds']:.1f} | {b['rtf']:.3f} |"
            )
        lines += [
            "",
            f"Leopard `test_fr.wav` (read French, 6.7 s): WER {pct(w['leopard_wer'])} %. "
            "Short files carry per-call overhead: RTF on long audio is below.",
        ]
    long = results.get("long")
    if long:
        a, d = long["asr"], long["diarization"]
        lines += [
            "",
            f"30-minute two-voice French recording ({a['audio_seconds'] / 60:.1f} min; the pseudo-dialogue and the June "
            "prompts repeated in random order, random gain ±6 dB, noise at −50 dBFS; built in /tmp), each stage alone in its "
            f"own process. Conditions: {long['conditions']}; {long.get('conditions_end', '')}; measured {long.get('date', '')}.",
            "",
            "| stage | wall time (s) | RTF | model load (s) | peak RSS (MB) |",
            "|---|---|---|---|---|",
            f"| decode (PyAV, 16 kHz) | {a['decode_s']:.1f} | {a['decode_s'] / a['audio_seconds']:.4f} | – | – |",
            f"| ASR (Whisper base, beam 5, 5-min blocks, 1 thread) | {a['run_s']:.0f} | {a['rtf']:.3f} | {a['load_s']:.1f} | {a['peak_rss_mb']:.0f} |",
            f"| diarization (offline default, 1 thread) | {d['run_s']:.0f} | {d['rtf']:.3f} | {d['load_s']:.1f} | {d['peak_rss_mb']:.0f} |",
            f"| ASR + diarization one after the other | {a['run_s'] + d['run_s']:.0f} | {(a['run_s'] + d['run_s']) / a['audio_seconds']:.3f} | | |",
            "",
            f"Diarization accuracy on it (reference by construction): DER {pct(long['der25'])} % (collar 0.25), "
            f"{pct(long['der0'])} % (no collar); talk-share error {pct(long['share_error'])} pts "
            "(the reference spans each prompt from its first to its last sample above −40 dBFS, pauses included), "
            f"{speech_cell(long.get('share_speech'))} pts against the speech-only reference."
            + (
                ""
                if long.get("refine_changes")
                else " These 30-minute figures were measured before the change refinement existed (not re-run since)."
            ),
        ]
        if long.get("previous_asr"):
            p = long["previous_asr"]
            lines += [
                "",
                f"Before ASR was cut into 5-minute blocks (one faster-whisper call on the whole 30 min, an earlier run "
                f"at load ≈ 5): {p['run_s']:.0f} s, RTF {p['rtf']:.3f}, peak RSS {p['peak_rss_mb']:.0f} MB "
                "(faster-whisper computes the log-mel features of its whole input at once, ~130 MB per minute).",
            ]
    lines.append("")
    return "\n".join(lines)


def write_section(text: str) -> None:
    from pipeline.fileio import atomic_write_text

    current = BENCH_MD.read_text(encoding="utf-8") if BENCH_MD.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(HEADER)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        new = pattern.sub(lambda _m: text + "\n", current)
    else:
        new = current.rstrip("\n") + "\n\n" + text + "\n"
    atomic_write_text(BENCH_MD, new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="also run the 30-minute speed benchmark")
    parser.add_argument("--long-only", action="store_true", help="only the 30-minute benchmark")
    parser.add_argument("--render", action="store_true", help="only rewrite the section from the saved JSON")
    parser.add_argument(
        "--long-accuracy",
        action="store_true",
        help="only recompute the 30-min accuracy from its stored diarization (no ASR, no diarization run)",
    )
    parser.add_argument(
        "--skip-wer", action="store_true", help="short part: diarization only, keep the saved WER"
    )
    parser.add_argument("--stage", choices=("asr", "diarization"), help=argparse.SUPPRESS)
    parser.add_argument("wav", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, Path(args.wav))))
        return 0
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.render:
        write_section(render(results))
        return 0
    if args.long_accuracy:
        wav, rttm = build_long_recording()
        results["long"].update(long_accuracy(wav, rttm, results["long"]["asr"]["audio_seconds"]))
    elif not args.long_only:
        results["short_conditions"] = load_conditions()
        results["short_date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results["diarization"] = bench_diarization()
        if not args.skip_wer:
            results["wer"] = bench_wer()
    if (args.long or args.long_only) and not args.long_accuracy:
        long = bench_long()
        long["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results["long"] = long
    from pipeline.fileio import atomic_write_json

    atomic_write_json(RESULTS, results)
    text = render(results)
    print()
    print(text)
    write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
