"""What a batch is made of: recordings found in a folder, or listed in a CSV manifest."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError

#: Extensions picked up when INPUT is a folder (audio, and video files with an audio track).
MEDIA_EXTENSIONS = frozenset(
    ".wav .flac .mp3 .m4a .aac .ogg .oga .opus .webm .mp4 .mkv .mov .wma .aif .aiff".split()
)

#: Manifest columns; only ``recording`` is required.
MANIFEST_COLUMNS = (
    "recording",
    "session_id",
    "scenario",
    "candidate_id",
    "exam_date",
    "juror_ids",
    "candidate_speaker",
)

_SAFE = re.compile(r"[^\w.-]+")  # letters of any script, digits, _ . -


@dataclass(frozen=True)
class BatchItem:
    """One recording of a batch and what the centre knows about it."""

    recording: Path
    session_id: str
    scenario: str | None = None
    candidate_id: str = ""
    exam_date: str = ""
    juror_ids: tuple[str, ...] = ()
    candidate_speaker: str | None = None

    def __post_init__(self) -> None:
        if not self.session_id or "/" in self.session_id or self.session_id in {".", ".."}:
            raise ValueError(f"BatchItem: bad session id {self.session_id!r}")
        object.__setattr__(self, "juror_ids", tuple(self.juror_ids))


def session_id_for(path: Path, root: Path) -> str:
    """A folder-safe session id from a recording's path below ``root`` (``day1/room-2/cand 7.wav`` → ``day1__room-2__cand_7``)."""
    rel = path.relative_to(root).with_suffix("")
    return "__".join(_SAFE.sub("_", part).strip("_") or "_" for part in rel.parts)


def scan_folder(root: Path, scenario: str | None = None) -> tuple[BatchItem, ...]:
    """Every media file below ``root`` (recursive, sorted), one session each."""
    root = Path(root)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_EXTENSIONS)
    items = tuple(
        BatchItem(recording=p, session_id=session_id_for(p, root), scenario=scenario) for p in files
    )
    _check_unique(items, str(root))
    return items


def read_manifest(path: Path, scenario: str | None = None) -> tuple[BatchItem, ...]:
    """Read a CSV manifest (comma or semicolon separated, UTF-8, header row).

    Columns: recording (required; relative paths are relative to the manifest), session_id, scenario,
    candidate_id, exam_date, juror_ids (separated by ``|`` or spaces), candidate_speaker.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the manifest {path} ({exc}).", "Give a UTF-8 CSV file.") from exc
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if "recording" not in header:
        raise ConfigError(
            f"The manifest {path} has no 'recording' column (found: {', '.join(header) or 'nothing'}).",
            f"Its header row should name some of: {', '.join(MANIFEST_COLUMNS)}.",
        )
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise ConfigError(
            f"The manifest {path} has unknown column(s) {', '.join(unknown)}.",
            f"Known columns: {', '.join(MANIFEST_COLUMNS)}.",
        )
    items = []
    for lineno, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        rec = row.get("recording", "")
        if not rec:
            raise ConfigError(
                f"{path}, line {lineno}: the 'recording' field is empty.", "Give the recording's path."
            )
        rec_path = Path(rec)
        if not rec_path.is_absolute():
            rec_path = (path.parent / rec_path).resolve()
        sid = row.get("session_id") or _SAFE.sub("_", rec_path.stem).strip("_")
        if _SAFE.search(sid):
            raise ConfigError(
                f"{path}, line {lineno}: session_id {sid!r} has characters unsafe in a folder name.",
                "Use letters, digits, '.', '_' and '-'.",
            )
        jurors = tuple(j for j in re.split(r"[|\s]+", row.get("juror_ids", "")) if j)
        items.append(
            BatchItem(
                recording=rec_path,
                session_id=sid,
                scenario=row.get("scenario") or scenario,
                candidate_id=row.get("candidate_id", ""),
                exam_date=row.get("exam_date", ""),
                juror_ids=jurors,
                candidate_speaker=row.get("candidate_speaker") or None,
            )
        )
    items_t = tuple(items)
    _check_unique(items_t, str(path))
    return items_t


def _check_unique(items: tuple[BatchItem, ...], where: str) -> None:
    seen: dict[str, Path] = {}
    for it in items:
        if it.session_id in seen:
            raise ConfigError(
                f"Two recordings in {where} map to the same session id {it.session_id!r}: "
                f"{seen[it.session_id]} and {it.recording}.",
                "Give distinct session_id values in a manifest.",
            )
        seen[it.session_id] = it.recording
