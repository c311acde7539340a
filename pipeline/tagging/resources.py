"""The tagger's data files (``models/tagger/*.yaml``): loading, checking and hashing.

Patterns and lexicons are data, so a linguist can extend them without touching code. Each file is
read once; its sha256 goes into the provenance of ``tags.json``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ConfigError
from ..paths import data_dir

#: Default folder of the data files (the repository's ``models/tagger``).
DEFAULT_DIR = data_dir("models") / "tagger"
FILES = ("questions.yaml", "cues.yaml", "settings.yaml")


@dataclass(frozen=True)
class Resources:
    """The parsed data files and their hashes."""

    directory: Path
    questions: Mapping[str, Any]
    cues: Mapping[str, Any]
    settings: Mapping[str, Any]
    sha256: Mapping[str, str] = field(default_factory=dict)


def _read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    import yaml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the tagger data file {path} ({exc.strerror}).",
            "Pass --patterns pointing to a folder holding " + ", ".join(FILES) + ".",
        ) from exc
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The tagger data file {path} is not valid YAML: {exc}.", "Fix the file.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"The tagger data file {path} must hold a mapping at top level.", "Fix the file.")
    return data, hashlib.sha256(raw).hexdigest()


def load_resources(directory: str | Path | None = None) -> Resources:
    """Read ``questions.yaml``, ``cues.yaml`` and ``settings.yaml`` from ``directory``."""
    d = Path(directory) if directory is not None else DEFAULT_DIR
    parsed: dict[str, dict[str, Any]] = {}
    hashes: dict[str, str] = {}
    for name in FILES:
        parsed[name], hashes[name] = _read_yaml(d / name)
    cues = parsed["cues.yaml"]
    for label, spec in cues.get("labels", {}).items():
        if not isinstance(spec, dict) or "patterns" not in spec:
            raise ConfigError(f"cues.yaml: label {label!r} needs a 'patterns' list.", "Fix the file.")
        for p in spec["patterns"]:
            if "id" not in p or not ("phrases" in p or "tokens" in p):
                raise ConfigError(
                    f"cues.yaml: a pattern of {label!r} lacks 'id' or 'phrases'/'tokens' ({p!r}).",
                    "Fix the file.",
                )
    return Resources(
        directory=d,
        questions=MappingProxyType(parsed["questions.yaml"]),
        cues=MappingProxyType(cues),
        settings=MappingProxyType(parsed["settings.yaml"]),
        sha256=MappingProxyType(hashes),
    )
