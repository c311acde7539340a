"""Render ``report.html``: one self-contained page jurors read and listen through.

The page is built from the session folder's JSON outputs (read back with ``pipeline.serialize``),
with the HTML body made here (every text escaped) and the template, CSS and JS read from the
repository folder ``reports/`` and inlined, so the page works opened from disk with no network.
The recording is not embedded (a 30-minute file would make a page of tens of MB): it is placed
beside the page as ``audio.<ext>`` and the ``<audio>`` element points at that relative name.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import logging
import os
import shutil
import string
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote as _urlquote

from .. import __version__
from ..errors import ConfigError, InputError, OutputError
from ..fileio import atomic_write_json, atomic_write_text, read_json, sha256_file
from ..provenance import make_provenance, provenance_record, sidecar_path
from ..serialize import from_dict
from ..types import DISTANT_SPEAKER, Evidence, Grid, Measures, StepSpan, Tag, TagSet, Transcript, Turn
from .labels import CRITERIA_ORDER, REPORTS_DIR, Labels, load_labels

log = logging.getLogger(__name__)

STAGE = "report"
STAGE_VERSION = "1"
REPORT_NAME = "report.html"
#: Recordings up to this size may be embedded in the page (``embed_audio=True``).
EMBED_LIMIT_BYTES = 5 * 1024 * 1024

AUDIO_MIME = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".webm": "audio/webm",
}

INPUT_FILES = {
    "transcript": "transcript.json",
    "measures": "measures.json",
    "tags": "tags.json",
    "grid": "grid.json",
    "session": "session.json",
}
MISSING_TEXT = {
    "measures": "mesures de temps de parole (measures.json)",
    "tags": "étiquettes du discours (tags.json)",
    "grid": "grille C1–C5 (grid.json)",
}
STATUS_ICON = {"met": "✓", "not_met": "✗", "to_review": "?", "missing": "–"}


def esc(value: Any) -> str:
    """HTML-escape any value for text or a double-quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_time(seconds: float | None) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a time in seconds; ``—`` when unknown."""
    if seconds is None:
        return "—"
    total = int(max(0.0, float(seconds)))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def fmt_duration(seconds: float | None) -> str:
    """A duration in French words: ``12 min 05 s``."""
    if seconds is None:
        return "—"
    total = int(round(max(0.0, float(seconds))))
    m, s = divmod(total, 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def fmt_pct(share: float | None, digits: int = 0) -> str:
    if share is None:
        return "—"
    return f"{share * 100:.{digits}f}".replace(".", ",") + "\u00a0%"


def fmt_num(value: float | None) -> str:
    if value is None:
        return "—"
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").replace(".", ",")


def _is_share(value: float | None, threshold: float | None) -> bool:
    if threshold is not None and 0 < threshold < 1:
        return True
    return value is not None and not float(value).is_integer() and 0 <= value <= 1


def _data_time(t: float) -> str:
    return f"{float(t):.3f}"


# --------------------------------------------------------------------------- loading


@dataclass
class SessionData:
    """What the session folder holds (``None`` for what is missing) and what could not be used."""

    session_dir: Path
    transcript: Transcript
    measures: Measures | None = None
    tags: TagSet | None = None
    grid: Grid | None = None
    session: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _read_raw(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = read_json(path)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path} cannot be read as JSON ({exc}).",
            "Re-run `rolegrid analyze` on this session to rewrite it.",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"{path} does not hold a JSON object.", "Re-run `rolegrid analyze` on this session.")
    return data


def _build(cls: type, data: Mapping[str, Any], path: Path) -> Any:
    payload = {k: v for k, v in data.items() if k != "provenance"}
    try:
        return from_dict(cls, payload)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InputError(
            f"{path} does not match the {cls.__name__} format ({exc}).",
            "Re-run the stage that wrote it (`rolegrid analyze`), or check the file was not edited by hand.",
        ) from exc


#: Files whose provenance is read only to name the models (they do not decide if the report is stale).
SPEECH_PROVENANCE = {"asr": "asr.json", "diarization": "diarization.rttm.provenance.json"}


def load_session(session_dir: str | os.PathLike[str]) -> SessionData:
    """Read the session folder's outputs. ``transcript.json`` is required; the others may be missing."""
    sdir = Path(session_dir)
    if not sdir.is_dir():
        raise InputError(
            f"Session folder {sdir} does not exist.", "Give the folder `rolegrid analyze` wrote."
        )
    raw = {name: _read_raw(sdir / fname) for name, fname in INPUT_FILES.items()}
    if raw["transcript"] is None:
        raise InputError(
            f"No transcript.json in {sdir}: there is nothing to report.",
            "Run `rolegrid analyze RECORDING --out <folder>` first, then render the report of that folder.",
        )
    transcript = _build(Transcript, raw["transcript"], sdir / "transcript.json")
    measures = _build(Measures, raw["measures"], sdir / "measures.json") if raw["measures"] else None
    tags = _build(TagSet, raw["tags"], sdir / "tags.json") if raw["tags"] else None
    grid = None
    if raw["grid"] is not None:
        gdata = dict(raw["grid"])
        # grid.json may omit the keys that repeat the mapping key or the session: fill them in.
        gdata.setdefault("session_id", transcript.session_id or sdir.name)
        gdata["criteria"] = {
            k: {"criterion": k, **v} if isinstance(v, Mapping) else v
            for k, v in (gdata.get("criteria") or {}).items()
        }
        gdata["competences"] = {
            k: {"competence": k, **v} if isinstance(v, Mapping) else v
            for k, v in (gdata.get("competences") or {}).items()
        }
        grid = _build(Grid, gdata, sdir / "grid.json")
    # The speech stages' provenance names the ASR and diarization models (shown in the header).
    speech = {name: _read_raw(sdir / fname) for name, fname in SPEECH_PROVENANCE.items()}
    provenance = {
        name: data["provenance"]
        for name, data in (speech | raw).items()
        if data is not None and isinstance(data.get("provenance"), Mapping)
    }
    missing = [name for name in ("measures", "tags", "grid") if raw[name] is None]
    return SessionData(
        session_dir=sdir,
        transcript=transcript,
        measures=measures,
        tags=tags,
        grid=grid,
        session=raw["session"] or {},
        provenance=provenance,
        missing=missing,
    )


# --------------------------------------------------------------------------- audio


@dataclass(frozen=True)
class AudioRef:
    """How the page reaches the recording: ``src`` for the ``<audio>`` element, or why it cannot."""

    src: str | None
    path: Path | None
    note: str = ""
    mime: str = ""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _place_copy(src: Path, dest: Path) -> None:
    """Put ``src`` at ``dest`` without a half-written file: hard link if possible, else copy + rename."""
    if _same_file(src, dest):
        return
    if dest.exists() and dest.stat().st_size == src.stat().st_size and sha256_file(dest) == sha256_file(src):
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        try:
            os.unlink(tmp)
            os.link(src, tmp)  # instant and free for a 30-minute recording on the same disk
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(
            f"Cannot copy the recording into {dest.parent} ({exc.strerror or exc}).",
            "Free disk space or fix the folder's permissions, or render without audio.",
        ) from exc


def _audio_from_session(session: Mapping[str, Any], sdir: Path) -> Path | None:
    for key in ("audio_path", "recording", "audio", "source"):
        value = session.get(key)
        if isinstance(value, Mapping):
            value = value.get("path")
        if isinstance(value, str) and value:
            p = Path(value)
            for cand in [p] if p.is_absolute() else [sdir / p, p]:
                if cand.is_file():
                    return cand
    return None


def place_audio(
    session_dir: Path,
    audio_path: str | os.PathLike[str] | None,
    session: Mapping[str, Any],
    *,
    embed: bool = False,
) -> AudioRef:
    """Copy (or link) the recording beside the report as ``audio.<ext>`` and say how the page reaches it."""
    if audio_path is not None:
        src = Path(audio_path)
        if not src.is_file():
            raise InputError(f"Recording {src} not found.", "Give the path of the recording, or omit it.")
    else:
        existing = sorted(p for p in session_dir.glob("audio.*") if p.suffix.lower() in AUDIO_MIME)
        src = existing[0] if existing else _audio_from_session(session, session_dir)
    if src is None:
        return AudioRef(
            None,
            None,
            "Aucun enregistrement trouvé à côté du rapport (audio.*) : les horodatages restent "
            "affichés, mais la lecture est indisponible.",
        )
    ext = src.suffix.lower() or ".audio"
    mime = AUDIO_MIME.get(ext, "")
    note = (
        ""
        if mime
        else (
            f"Le format {ext} n'est peut-être pas lisible par le navigateur : convertissez l'enregistrement "
            "en MP3, OGG ou WAV si le lecteur reste muet."
        )
    )
    if embed and mime and src.stat().st_size <= EMBED_LIMIT_BYTES:
        data = base64.b64encode(src.read_bytes()).decode("ascii")
        return AudioRef(f"data:{mime};base64,{data}", src, note, mime)
    dest = session_dir / f"audio{ext}"
    _place_copy(src, dest)
    return AudioRef(_urlquote(dest.name), dest, note, mime)


# --------------------------------------------------------------------------- page parts


def _turn_role(turn: Turn) -> str:
    if turn.role is None and turn.speaker == DISTANT_SPEAKER:
        return "distant"  # a voice set apart by diarization: its own lane and label
    return turn.role or f"speaker:{turn.speaker}"


@dataclass
class _Ctx:
    data: SessionData
    labels: Labels
    duration: float
    tags_by_id: dict[str, Tag]
    turns_by_id: dict[str, Turn]


def _session_id(d: SessionData) -> str:
    return (
        d.transcript.session_id
        or str(d.session.get("session_id") or "")
        or (d.grid.session_id if d.grid else "")
        or d.session_dir.name
    )


def _scenario_id(d: SessionData) -> str:
    return (
        d.transcript.scenario or (d.grid.scenario if d.grid else None) or str(d.session.get("scenario") or "")
    )


def _scenario_title(scenario_id: str) -> str:
    if not scenario_id:
        return ""
    try:
        from ..scenarios import load_scenario  # grid stage; optional here

        scn = load_scenario(scenario_id)
    except Exception:  # noqa: BLE001 - a title is a nicety, never a reason to fail
        return ""
    for name in ("title_fr", "title", "name"):
        value = getattr(scn, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def fmt_date(value: str) -> str:
    """An ISO date-time as ``29/11/2026 à 07:55 (UTC)``; other text unchanged."""
    try:
        when = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    tz = " (UTC)" if when.utcoffset() == _dt.timedelta(0) else ""
    return when.strftime("%d/%m/%Y à %H:%M") + tz


def _session_date(d: SessionData) -> str:
    meta = d.session.get("metadata") if isinstance(d.session.get("metadata"), Mapping) else {}
    candidates = [meta.get(k) for k in ("recorded_at", "date")]
    candidates += [d.session.get(k) for k in ("recorded_at", "date", "created_at")]
    candidates += [d.provenance.get(k, {}).get("created_at") for k in ("transcript", "grid")]
    for value in candidates:
        if isinstance(value, str) and value:
            return fmt_date(value)
    return "—"


def _session_duration(d: SessionData) -> float:
    for value in (
        d.transcript.duration,
        d.measures.duration if d.measures else None,
        max((t.end for t in d.transcript.turns), default=None),
    ):
        if value:
            return float(value)
    return 0.0


def _models_summary(prov: Mapping[str, Mapping[str, Any]]) -> list[str]:
    seen: dict[str, str] = {}
    for rec in prov.values():
        for m in rec.get("models") or ():
            if not isinstance(m, Mapping) or not m.get("name"):
                continue
            text = str(m["name"]) + (f" {m['version']}" if m.get("version") else "")
            seen.setdefault(text, str(m.get("source") or ""))
    return [f"{k} ({v})" if v else k for k, v in seen.items()]


def _header(ctx: _Ctx, audio: AudioRef) -> str:
    d = ctx.data
    sid = _session_id(d)
    scn = _scenario_id(d)
    title = _scenario_title(scn)
    rows = [
        ("Séance", esc(sid)),
        ("Scénario", (esc(scn) + (f" — {esc(title)}" if title else "")) if scn else "non renseigné"),
        ("Date", esc(_session_date(d))),
        ("Durée", esc(fmt_duration(ctx.duration))),
    ]
    roles = d.transcript.roles
    if roles is not None:
        how = {
            "auto": "attribués automatiquement",
            "user": "fixés par l'utilisateur",
            "reference": "issus de la référence",
        }
        text = f"{how.get(roles.source, roles.source)}, confiance {fmt_pct(roles.confidence)}"
        warn = roles.source == "auto" and roles.confidence < 0.6
        rows.append(
            (
                "Rôles",
                esc(text)
                + (
                    ' <strong class="warn">— à vérifier : si les rôles sont inversés, toute la grille l\'est.</strong>'
                    if warn
                    else ""
                ),
            )
        )
    models = _models_summary(d.provenance)
    rows.append(("Modèles", esc(" ; ".join(models)) if models else "non renseignés"))
    wide = {"Scénario", "Modèles", "Rôles"}
    meta = "".join(
        ('<div class="wide">' if k in wide else "<div>") + f"<dt>{k}</dt><dd>{v}</dd></div>" for k, v in rows
    )
    notices = []
    if d.missing:
        items = "".join(f"<li>{esc(MISSING_TEXT[m])}</li>" for m in d.missing)
        notices.append(
            '<div class="notice" role="status"><strong>Éléments absents de la séance :</strong>'
            f"<ul>{items}</ul>Le rapport montre ce qui existe ; relancez <code>rolegrid analyze</code> pour le reste.</div>"
        )
    warnings = [w for w in d.session.get("warnings") or () if isinstance(w, str) and w]
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        notices.append(
            f'<div class="notice" role="status"><strong>Avertissements de l\'analyse :</strong><ul>{items}</ul></div>'
        )
    if audio.note and audio.src is not None:  # without audio, the player's place says it
        notices.append(f'<div class="notice" role="status">{esc(audio.note)}</div>')
    return (
        '<header class="rg-header">'
        f'<h1>Entretien de vente — rapport de séance <span class="sid">{esc(sid)}</span></h1>'
        f'<dl class="meta">{meta}</dl>'
        '<p class="draft-note"><strong>Brouillon automatique.</strong> Chaque suggestion est une aide : '
        "le jury écoute les preuves, puis confirme ou corrige.</p>" + "".join(notices) + "</header>"
    )


def _player(audio: AudioRef) -> str:
    if audio.src is None:
        return (
            '<section class="player no-audio" aria-label="Lecteur audio"><p class="muted">Lecture indisponible. '
            f"{esc(audio.note)}</p></section>"
        )
    type_attr = f' data-mime="{esc(audio.mime)}"' if audio.mime else ""
    return (
        '<section class="player" aria-label="Lecteur audio">'
        f'<audio id="rg-audio" controls preload="auto" src="{esc(audio.src)}"{type_attr} '
        "aria-label=\"Enregistrement de l'entretien\">Votre navigateur ne lit pas l'audio.</audio>"
        '<span id="rg-now" class="now" aria-live="off">0:00</span>'
        '<span id="rg-audio-status" class="audio-status" role="status"></span>'
        "</section>"
    )


def _nav(ctx: _Ctx) -> str:
    links = [
        ("chronologie", "Chronologie"),
        ("parole", "Temps de parole"),
        ("grille", "Grille C1–C5"),
        ("etapes", "Étapes"),
        ("transcription", "Transcription"),
        ("provenance", "Provenance"),
    ]
    return (
        '<nav aria-label="Sections"><ul>'
        + "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in links)
        + "</ul></nav>"
    )


def _pos(t: float, ctx: _Ctx) -> float:
    return max(0.0, min(100.0, 100.0 * t / ctx.duration)) if ctx.duration > 0 else 0.0


def _lanes(ctx: _Ctx) -> list[tuple[str, str, list[Turn]]]:
    lanes: dict[str, list[Turn]] = {}
    for t in ctx.data.transcript.turns:
        lanes.setdefault(_turn_role(t), []).append(t)
    order = sorted(lanes, key=lambda k: (k != "candidate", k != "client", k))
    out = []
    for key in order:
        if key.startswith("speaker:"):
            name = f"Locuteur {key.split(':', 1)[1]}"
        else:
            name = ctx.labels.role_label(key)
        out.append((key, name, lanes[key]))
    return out


def _timeline(ctx: _Ctx) -> str:
    rows = []
    for key, name, turns in _lanes(ctx):
        cls = key if key in ("candidate", "client") else "other"
        segs = "".join(
            f'<span class="seg seg-{cls}" style="left:{_pos(t.start, ctx):.3f}%;width:{max(0.15, _pos(t.end, ctx) - _pos(t.start, ctx)):.3f}%" '
            f'title="{esc(name)} {fmt_time(t.start)}–{fmt_time(t.end)}"></span>'
            for t in turns
        )
        rows.append(
            f'<div class="tl-row"><span class="tl-name">{esc(name)}</span>'
            f'<div class="tl-track" data-lane="{esc(key)}">{segs}<span class="tl-ph" aria-hidden="true"></span></div></div>'
        )
    steps = ctx.data.grid.steps if ctx.data.grid else ()
    placed = [s for s in steps if s.start is not None and s.end is not None]
    if placed:
        btns = "".join(
            f'<button type="button" class="seg step step-{s.step} seek" data-time="{_data_time(s.start)}" data-play="1" '
            f'style="left:{_pos(s.start, ctx):.3f}%;width:{max(0.5, _pos(s.end, ctx) - _pos(s.start, ctx)):.3f}%" '
            f'title="{esc(ctx.labels.step_label(s.step, s.name))} {fmt_time(s.start)}–{fmt_time(s.end)}" '
            f'aria-label="Écouter l\'étape {s.step}, {esc(ctx.labels.step_label(s.step, s.name))}, à {fmt_time(s.start)}">'
            f"<span>{s.step}</span></button>"
            for s in placed
        )
        rows.append(
            f'<div class="tl-row"><span class="tl-name">Étapes</span><div class="tl-track tl-steps" data-lane="steps">{btns}'
            '<span class="tl-ph" aria-hidden="true"></span></div></div>'
        )
    # axis ticks: a readable step (1, 2, 5, 10 min...) for the session length
    minutes = ctx.duration / 60.0
    step_min = next((s for s in (0.25, 0.5, 1, 2, 5, 10, 15, 30) if minutes / s <= 10), 60)
    ticks = []
    t = 0.0
    while t <= ctx.duration + 1e-6 and ctx.duration > 0:
        ticks.append(f'<span class="tick" style="left:{_pos(t, ctx):.3f}%">{fmt_time(t)}</span>')
        t += step_min * 60
    rows.append(
        f'<div class="tl-row tl-axis-row"><span class="tl-name"></span><div class="tl-axis">{"".join(ticks)}</div></div>'
    )
    legend = "".join(
        f'<li><span class="sw step-{s.step}"></span>{s.step}. {esc(ctx.labels.step_label(s.step, s.name))}</li>'
        for s in placed
    )
    return (
        '<section id="chronologie" aria-labelledby="h-chrono"><h2 id="h-chrono">Chronologie : qui parle quand</h2>'
        '<p class="hint">Cliquez sur la chronologie pour écouter ce moment.</p>'
        f'<div class="tl" data-duration="{_data_time(ctx.duration)}">{"".join(rows)}</div>'
        + (f'<ul class="tl-legend" aria-label="Étapes de l\'entretien">{legend}</ul>' if legend else "")
        + "</section>"
    )


def _talk_share(ctx: _Ctx) -> str:
    m = ctx.data.measures
    head = '<section id="parole" aria-labelledby="h-parole"><h2 id="h-parole">Temps de parole</h2>'
    if m is None or m.client_talk_share is None:
        return (
            head
            + '<p class="muted">Mesures absentes : la part de parole du client n\'est pas calculée.</p></section>'
        )
    share = m.client_talk_share
    lo, hi = m.client_talk_share_band or (share, share)
    verdict = "atteint" if share >= 0.5 else "n'atteint pas"
    band_txt = (
        f" (intervalle d'incertitude {fmt_pct(lo)} – {fmt_pct(hi)})" if m.client_talk_share_band else ""
    )
    straddles = m.client_talk_share_band is not None and lo < 0.5 <= hi
    sentence = (
        f"Le client parle <strong>{fmt_pct(share)}</strong> du temps de parole{band_txt} : il {verdict} le seuil de 50\u00a0%"
        + (" — l'intervalle chevauche le seuil, à vérifier à l'écoute." if straddles else ".")
    )
    bar = (
        f'<div class="share" role="img" aria-label="Part de parole du client {fmt_pct(share)}{esc(band_txt)}, seuil 50 %">'
        f'<div class="share-bar"><div class="share-client" style="width:{share * 100:.2f}%"></div>'
        f'<span class="share-lab share-lab-client">Client {fmt_pct(share)}</span>'
        f'<span class="share-lab share-lab-cand">Candidat {fmt_pct(1 - share)}</span>'
        f'<div class="share-band" style="left:{lo * 100:.2f}%;width:{max(0.4, (hi - lo) * 100):.2f}%"></div>'
        '<div class="share-mark" style="left:50%"><span>seuil 50\u00a0%</span></div></div>'
        '<div class="share-scale"><span>0\u00a0%</span><span>50\u00a0%</span><span>100\u00a0%</span></div></div>'
    )
    rows = []
    for role in ("candidate", "client"):
        rm = m.per_role.get(role)
        if rm is None:
            continue
        rows.append(
            f'<tr><th scope="row">{esc(ctx.labels.role_label(role))}</th><td>{fmt_duration(rm.speech_time)}</td>'
            f"<td>{rm.turn_count}</td><td>{rm.word_count}</td><td>{fmt_duration(rm.longest_monologue)}</td>"
            f"<td>{fmt_num(round(rm.speech_rate_wpm)) if rm.speech_rate_wpm else '—'}</td></tr>"
        )
    table = (
        '<table class="measures"><thead><tr><th scope="col">Rôle</th><th scope="col">Temps de parole</th>'
        '<th scope="col">Tours</th><th scope="col">Mots</th><th scope="col">Plus long monologue</th>'
        f'<th scope="col">Mots/min</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="small">Chevauchements : {fmt_duration(m.overlap_time)} ({m.overlap_count}) · '
        f"interruptions : {m.interruption_count} · silences : {fmt_pct(m.silence_share)} de la séance.</p>"
    )
    return head + bar + f"<p>{sentence}</p>" + table + "</section>"


def _status_badge(status: str, lab: Labels) -> str:
    text = lab.statuses.get(status, status)
    return f'<span class="badge st-{esc(status)}"><span aria-hidden="true">{STATUS_ICON.get(status, "")}</span> {esc(text)}</span>'


def _evidence_time(ev: Evidence, ctx: _Ctx) -> float | None:
    if ev.start is not None:
        return ev.start
    if ev.kind == "tag" and ev.ref in ctx.tags_by_id and ctx.tags_by_id[ev.ref].start is not None:
        return ctx.tags_by_id[ev.ref].start
    if ev.turn_id and ev.turn_id in ctx.turns_by_id:
        return ctx.turns_by_id[ev.turn_id].start
    return None


def _evidence_label(ev: Evidence, ctx: _Ctx) -> str:
    if ev.label:
        return ev.label
    if ev.kind == "tag" and ev.ref in ctx.tags_by_id:
        return ctx.labels.tag_label(ctx.tags_by_id[ev.ref].label)
    if ev.kind == "measure":
        return ctx.labels.measures.get(ev.ref, ev.ref)
    if ev.kind == "step" and ev.ref.isdigit():
        return ctx.labels.step_label(int(ev.ref))
    return ev.ref


def _evidence_value(ev: Evidence) -> str:
    """A step's value is its duration in seconds; a measure named ``*share*`` (or a fraction) is a share."""
    if ev.value is None:
        return ""
    if ev.kind == "step":
        return f"durée {fmt_duration(ev.value)}"
    if "share" in ev.ref or "ratio" in ev.ref or (not float(ev.value).is_integer() and 0 <= ev.value <= 1):
        return fmt_pct(ev.value)
    return fmt_num(ev.value)


def _evidence_item(ev: Evidence, ctx: _Ctx) -> str:
    label = _evidence_label(ev, ctx)
    t = _evidence_time(ev, ctx)
    quote = f" <q>{esc(ev.quote)}</q>" if ev.quote else ""
    value = ""
    if ev.value is not None:
        value = f' <span class="ev-value">{esc(_evidence_value(ev))}</span>'
    if t is None:
        return f'<li class="ev-static"><span class="ev-label">{esc(label)}</span>{value}{quote}</li>'
    span = f" à {fmt_time(ev.end)}" if ev.end is not None and ev.end - t >= 1 else ""
    aria = f"Écouter à {fmt_time(t)}{span} : {label}" + (f", « {ev.quote} »" if ev.quote else "")
    link = ""
    if ev.kind == "tag" and ev.ref in ctx.tags_by_id:
        link = f' <a class="ev-link" href="#tag-{esc(ev.ref)}" aria-label="Voir dans la transcription">transcription</a>'
    return (
        f'<li><button type="button" class="ev seek" data-time="{_data_time(t)}" data-play="1" aria-label="{esc(aria)}">'
        f'<span class="ev-time">{fmt_time(t)}</span> <span class="ev-label">{esc(label)}</span>{value}{quote}</button>{link}</li>'
    )


def _criteria_ids(ctx: _Ctx) -> list[str]:
    ids = [c for c in CRITERIA_ORDER]
    ids += sorted(c for c in ctx.labels.criteria if c not in ids)
    if ctx.data.grid:
        ids += sorted(c for c in ctx.data.grid.criteria if c not in ids)
    return ids


def _criterion(cid: str, ctx: _Ctx) -> str:
    lab = ctx.labels
    entry = lab.criteria.get(cid, {})
    sugg = ctx.data.grid.criteria.get(cid) if ctx.data.grid else None
    status = sugg.status if sugg else "missing"
    op = "≤" if entry.get("op") == "<=" else "≥"
    bar = f'<p class="crit-bar">Référentiel : {esc(entry["bar"])}</p>' if entry.get("bar") else ""
    if sugg is None:
        body = '<p class="rationale muted">Pas de suggestion : la grille n\'a pas été calculée pour ce critère.</p>'
    else:
        share = _is_share(sugg.value, sugg.threshold)
        fmt = fmt_pct if share else fmt_num
        thr = f" (seuil {op} {fmt(sugg.threshold)})" if sugg.threshold is not None else ""
        meta = (
            f'<p class="crit-meta"><span>Mesuré : <strong>{fmt(sugg.value)}</strong>{thr}</span>'
            f"<span>Confiance : {fmt_pct(sugg.confidence)}</span></p>"
        )
        # untimed evidence (measures) first, then in the order of the recording
        ordered = sorted(
            sugg.evidence, key=lambda e: (_evidence_time(e, ctx) is not None, _evidence_time(e, ctx) or 0.0)
        )
        evs = "".join(_evidence_item(ev, ctx) for ev in ordered)
        evs_html = (
            f'<ul class="evidence" aria-label="Preuves pour {esc(cid)}">{evs}</ul>'
            if evs
            else '<p class="small muted">Aucune preuve relevée.</p>'
        )
        body = meta + f'<p class="rationale">{esc(sugg.rationale)}</p>' + evs_html
    return (
        f'<li class="crit st-{status}" data-criterion="{esc(cid)}" data-status="{status}" id="crit-{esc(cid.replace(".", "-"))}">'
        f'<div class="crit-head"><span class="crit-id">{esc(cid)}</span> <span class="crit-label">{esc(lab.criterion_label(cid))}</span> '
        f"{_status_badge(status, lab)}</div>{bar}{body}</li>"
    )


def _grid(ctx: _Ctx) -> str:
    lab, grid = ctx.labels, ctx.data.grid
    ids = _criteria_ids(ctx)
    comps: dict[str, list[str]] = {}
    for cid in ids:
        comps.setdefault(cid.split(".")[0], []).append(cid)
    counts = {s: 0 for s in ("met", "not_met", "to_review")}
    if grid:
        for s in grid.criteria.values():
            counts[s.status] += 1
    summary = (
        '<p class="grid-summary">'
        + " · ".join(f"{_status_badge(s, lab)} <strong>{n}</strong>" for s, n in counts.items())
        + f" sur {len(ids)} critères</p>"
        if grid
        else '<div class="notice" role="status">Grille absente (grid.json) : les 20 critères sont listés sans suggestion.</div>'
    )
    parts = []
    for comp, cids in comps.items():
        csugg = grid.competences.get(comp) if grid else None
        badge = _status_badge(csugg.status, lab) if csugg else ""
        rationale = (
            f'<p class="rationale comp-rationale">{esc(csugg.rationale)}</p>'
            if csugg and csugg.rationale
            else ""
        )
        items = "".join(_criterion(c, ctx) for c in cids)
        parts.append(
            f'<section class="comp" data-competence="{esc(comp)}" aria-labelledby="h-{esc(comp)}">'
            f'<h3 id="h-{esc(comp)}"><span class="comp-id">{esc(comp)}</span> {esc(lab.competences.get(comp, ""))} {badge}</h3>'
            f'{rationale}<ol class="criteria">{items}</ol></section>'
        )
    return (
        '<section id="grille" aria-labelledby="h-grille"><h2 id="h-grille">Grille C1–C5 : proposition à confirmer</h2>'
        + summary
        + '<p class="hint">Chaque preuve est un bouton : il lance l\'écoute à ce moment (Entrée ou clic).</p>'
        + "".join(parts)
        + "</section>"
    )


def _steps(ctx: _Ctx) -> str:
    head = '<section id="etapes" aria-labelledby="h-etapes"><h2 id="h-etapes">Les six étapes de l\'entretien</h2>'
    steps: tuple[StepSpan, ...] = ctx.data.grid.steps if ctx.data.grid else ()
    if not steps:
        return head + '<p class="muted">Étapes non localisées (grille absente ou sans étapes).</p></section>'
    rows = []
    for s in sorted(steps, key=lambda x: x.step):
        name = esc(ctx.labels.step_label(s.step, s.name))
        if s.start is None:
            start = "non localisée"
        else:
            start = (
                f'<button type="button" class="ts seek" data-time="{_data_time(s.start)}" data-play="1" '
                f'aria-label="Écouter le début de l\'étape {s.step} à {fmt_time(s.start)}">{fmt_time(s.start)}</button>'
            )
        dur = s.duration
        planned = s.planned_minutes
        diff = "—"
        if dur is not None and planned is not None:
            delta = dur / 60.0 - planned
            diff = ("+" if delta >= 0 else "−") + f"{abs(delta):.1f}".replace(".", ",") + " min"
        rows.append(
            f'<tr><td>{s.step}</td><th scope="row"><span class="sw step-{s.step}" aria-hidden="true"></span>{name}</th><td>{start}</td>'
            f"<td>{fmt_duration(dur) if dur is not None else '—'}</td>"
            f"<td>{fmt_num(planned) + ' min' if planned is not None else '—'}</td><td>{diff}</td>"
            f"<td>{fmt_pct(s.confidence)}</td></tr>"
        )
    return (
        head
        + '<table class="steps"><thead><tr><th scope="col">N°</th><th scope="col">Étape</th><th scope="col">Début</th>'
        '<th scope="col">Durée</th><th scope="col">Prévu</th><th scope="col">Écart</th><th scope="col">Confiance</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _tag_chip_text(tag: Tag, lab: Labels) -> str:
    text = lab.tag_label(tag.label)
    extras = []
    for key, value in tag.attributes.items():
        table = lab.attributes.get(key, {})
        shown = table.get(str(value).lower() if isinstance(value, bool) else str(value))
        if shown:
            extras.append(shown)
    return text + (f" ({', '.join(extras)})" if extras else "")


def _tag_span(tag: Tag, text: str) -> tuple[int, int] | None:
    """The tag's character span in ``text``, repaired from its quote when the offsets do not match."""
    if 0 <= tag.start_char < tag.end_char <= len(text) and (
        not tag.quote or text[tag.start_char : tag.end_char] == tag.quote
    ):
        return tag.start_char, tag.end_char
    if tag.quote:
        i = text.find(tag.quote)
        if i >= 0:
            return i, i + len(tag.quote)
    return None


def _highlight(turn: Turn, tags: list[Tag], ctx: _Ctx, unplaced: list[Tag]) -> str:
    """The turn's text with each tag's span marked; overlapping spans are cut into elementary pieces."""
    text = turn.text
    spans: list[tuple[int, int, Tag]] = []
    for tag in tags:
        span = _tag_span(tag, text)
        if span is None:
            unplaced.append(tag)
        else:
            spans.append((span[0], span[1], tag))
    if not spans:
        return esc(text)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    anchored: set[str] = set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(s, e, t) for s, e, t in spans if s <= a and b <= e]
        piece = esc(text[a:b])
        if covering:
            # colour of the innermost (shortest) tag; all labels in the tooltip
            inner = min(covering, key=lambda x: x[1] - x[0])[2]
            ids = " ".join(t.id for _, _, t in covering)
            title = ", ".join(ctx.labels.tag_label(t.label) for _, _, t in covering)
            anchor = ""
            first = next((t for s, _, t in covering if s == a and t.id not in anchored), None)
            if first is not None:
                anchor = f' id="tag-{esc(first.id)}"'
                anchored.add(first.id)
            out.append(
                f'<mark class="tag g-{esc(ctx.labels.tag_group(inner.label))}{" multi" if len(covering) > 1 else ""}"{anchor} '
                f'data-tags="{esc(ids)}" title="{esc(title)}">{piece}</mark>'
            )
            # extra anchors for tags that start at this cut but were not the first
            for s, _, t in covering:
                if s == a and t.id not in anchored:
                    out.append(f'<span id="tag-{esc(t.id)}"></span>')
                    anchored.add(t.id)
        else:
            out.append(piece)
        for _s, e, t in spans:
            if e == b:
                out.append(
                    f'<span class="chip g-{esc(ctx.labels.tag_group(t.label))}" data-tag="{esc(t.id)}" data-label="{esc(t.label)}">'
                    f"{esc(_tag_chip_text(t, ctx.labels))}</span>"
                )
    return "".join(out)


def _legend(ctx: _Ctx, used: Iterable[str]) -> str:
    used = set(used)
    if not used:
        return ""
    groups: dict[str, list[str]] = {}
    for tid in sorted(used, key=lambda x: (ctx.labels.tag_group(x), ctx.labels.tag_label(x))):
        groups.setdefault(ctx.labels.tag_group(tid), []).append(tid)
    items = "".join(
        f'<li><span class="chip g-{esc(g)}">{esc(g)}</span> '
        + ", ".join(esc(ctx.labels.tag_label(t)) for t in tids)
        + "</li>"
        for g, tids in groups.items()
    )
    return (
        '<div class="legend" aria-label="Légende des étiquettes"><p><strong>Légende.</strong> Passages surlignés : '
        "chaque étiquette est nommée après son passage ; la couleur indique la compétence visée.</p>"
        f"<ul>{items}</ul></div>"
    )


def _transcript(ctx: _Ctx) -> str:
    d, lab = ctx.data, ctx.labels
    by_turn: dict[str, list[Tag]] = {}
    unplaced: list[Tag] = []
    if d.tags:
        for tag in d.tags.tags:
            if tag.turn_id in ctx.turns_by_id:
                by_turn.setdefault(tag.turn_id, []).append(tag)
            else:
                unplaced.append(tag)
    items = []
    for turn in d.transcript.turns:
        key = _turn_role(turn)
        cls = key if key in ("candidate", "client") else "other"
        who = lab.role_label(None if key.startswith("speaker:") else key, f"Locuteur {turn.speaker}")
        body = _highlight(turn, by_turn.get(turn.id, []), ctx, unplaced)
        items.append(
            f'<li class="turn role-{cls}" id="turn-{esc(turn.id)}" data-start="{_data_time(turn.start)}" data-end="{_data_time(turn.end)}">'
            f'<button type="button" class="ts seek" data-time="{_data_time(turn.start)}" data-play="1" '
            f'aria-label="Écouter {esc(who)} à {fmt_time(turn.start)}">{fmt_time(turn.start)}</button>'
            f'<span class="spk">{esc(who)}</span><p class="txt">{body}</p></li>'
        )
    note = (
        ""
        if d.tags
        else '<p class="muted">Étiquettes absentes (tags.json) : transcription sans surlignage.</p>'
    )
    extra = ""
    if unplaced:
        lis = "".join(
            f"<li>{esc(lab.tag_label(t.label))} <q>{esc(t.quote)}</q> ({esc(t.turn_id)})</li>"
            for t in unplaced
        )
        extra = f'<details class="unplaced"><summary>{len(unplaced)} étiquette(s) non placées dans le texte</summary><ul>{lis}</ul></details>'
    used = [t.label for t in d.tags.tags] if d.tags else []
    return (
        '<section id="transcription" aria-labelledby="h-transcription"><h2 id="h-transcription">Transcription</h2>'
        + note
        + _legend(ctx, used)
        + '<p class="follow"><label><input type="checkbox" id="rg-follow" checked> Suivre la lecture</label> '
        '<span class="hint">Cliquez sur un horodatage pour écouter ce tour de parole.</span></p>'
        f'<ol class="turns" id="rg-turns">{"".join(items)}</ol>{extra}</section>'
    )


def _provenance(ctx: _Ctx) -> str:
    rows = []
    names = {
        "transcript": "Transcription",
        "measures": "Mesures",
        "tags": "Étiquettes",
        "grid": "Grille",
        "session": "Séance",
    }
    for key, rec in ctx.data.provenance.items():
        models = ", ".join(
            esc(f"{m.get('name')} {m.get('version', '')}".strip())
            for m in rec.get("models") or ()
            if isinstance(m, Mapping)
        )
        rows.append(
            f'<tr><th scope="row">{names.get(key, esc(key))}</th><td>{esc(rec.get("stage", ""))} v{esc(rec.get("stage_version", ""))}</td>'
            f"<td>{esc(rec.get('tool', 'rolegrid'))} {esc(rec.get('tool_version', ''))}</td><td>{models or '—'}</td>"
            f"<td>{esc(fmt_date(str(rec.get('created_at') or '')))}</td></tr>"
        )
    table = (
        '<table class="prov"><thead><tr><th scope="col">Fichier</th><th scope="col">Étape</th><th scope="col">Outil</th>'
        f'<th scope="col">Modèles</th><th scope="col">Produit le</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        if rows
        else '<p class="muted">Aucune provenance enregistrée.</p>'
    )
    return (
        '<section id="provenance" aria-labelledby="h-prov"><h2 id="h-prov">Provenance</h2>'
        + table
        + f'<p class="small">Rapport produit par rolegrid {esc(__version__)} le '
        f"{esc(_dt.datetime.now(_dt.UTC).strftime('%d/%m/%Y à %H:%M (UTC)'))} · libellés : {esc(ctx.labels.source)}.</p></section>"
    )


# --------------------------------------------------------------------------- assembly


def _asset(reports_dir: Path, name: str) -> str:
    path = reports_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Report asset {path} cannot be read ({exc}).", "Restore the reports/ folder from git."
        ) from exc
    closing = {"report.css": "</style", "report.js": "</script"}.get(name)
    if closing and closing in text.lower():
        raise ConfigError(
            f"{path} contains '{closing}', which would end the inlined block early.", "Remove it."
        )
    return text


def build_html(data: SessionData, audio: AudioRef, labels: Labels, reports_dir: Path | None = None) -> str:
    """The whole page as a string (no file written)."""
    rdir = reports_dir or REPORTS_DIR
    ctx = _Ctx(
        data=data,
        labels=labels,
        duration=_session_duration(data),
        tags_by_id={t.id: t for t in data.tags.tags} if data.tags else {},
        turns_by_id={t.id: t for t in data.transcript.turns},
    )
    body = "".join(
        [
            _header(ctx, audio),
            _player(audio),
            _nav(ctx),
            "<main>",
            _timeline(ctx),
            _talk_share(ctx),
            _grid(ctx),
            _steps(ctx),
            _transcript(ctx),
            _provenance(ctx),
            "</main>",
        ]
    )
    template = string.Template(_asset(rdir, "report.html"))
    try:
        return template.substitute(
            title=esc(f"Rapport de séance {_session_id(data)} — rolegrid"),
            generator=esc(f"rolegrid {__version__}"),
            duration=_data_time(ctx.duration),
            css=_asset(rdir, "report.css"),
            js=_asset(rdir, "report.js"),
            body=body,
        )
    except (KeyError, ValueError) as exc:
        raise ConfigError(
            f"{rdir / 'report.html'} has an unknown placeholder ({exc}).", "Restore it from git."
        ) from exc


def render_report(
    session_dir: str | os.PathLike[str],
    audio_path: str | os.PathLike[str] | None = None,
    *,
    embed_audio: bool = False,
    reports_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``report.html`` (atomically) in ``session_dir`` and return its path.

    Reads ``transcript.json`` (required), ``measures.json``, ``tags.json``, ``grid.json`` and
    ``session.json`` (each optional: what is missing is said on the page). The recording is
    ``audio_path`` when given, else an ``audio.*`` already in the folder, else the path recorded in
    ``session.json``; it is linked or copied beside the page as ``audio.<ext>``. With
    ``embed_audio=True`` a recording of at most 5 MB is embedded in the page instead.
    A sidecar ``report.html.provenance.json`` records the inputs' hashes.
    """
    sdir = Path(session_dir)
    rdir = Path(reports_dir) if reports_dir else REPORTS_DIR
    data = load_session(sdir)
    labels = load_labels(rdir)
    audio = place_audio(sdir, audio_path, data.session, embed=embed_audio)
    page = build_html(data, audio, labels, rdir)
    out = atomic_write_text(sdir / REPORT_NAME, page)
    inputs = {fname: sha256_file(sdir / fname) for fname in INPUT_FILES.values() if (sdir / fname).exists()}
    if audio.path is not None:
        inputs["audio"] = sha256_file(audio.path)
    prov = make_provenance(STAGE, STAGE_VERSION, inputs, options={"embed_audio": bool(embed_audio)})
    atomic_write_json(sidecar_path(out), provenance_record(prov))
    log.info("report: wrote %s", out)
    return out
