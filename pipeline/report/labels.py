"""French labels of statuses, competences, criteria, steps and tags for the report.

The source of truth is the référentiel data file read by ``pipeline.scenarios.load_referentiel()``
(written by the grid stage). The report must never break because that file or module is missing or
changed shape, so it starts from its own table ``reports/labels_fr.json`` and lays over it whatever
labels the référentiel provides.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..paths import data_dir

log = logging.getLogger(__name__)

#: Templates and static assets of the report (repository folder ``reports/``).
REPORTS_DIR = data_dir("reports")

CRITERIA_ORDER: tuple[str, ...] = tuple(f"C{c}.{i}" for c in range(1, 6) for i in range(1, 5))


@dataclass(frozen=True)
class Labels:
    """Every French string the report shows that comes from data rather than from the template."""

    statuses: Mapping[str, str]
    roles: Mapping[str, str]
    competences: Mapping[str, str]
    criteria: Mapping[str, Mapping[str, str]]  # id -> {"label", "bar", "op"}
    steps: Mapping[int, str]
    tags: Mapping[str, Mapping[str, str]]  # id -> {"label", "group"}
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)
    source: str = "reports/labels_fr.json"

    def tag_label(self, tag_id: str) -> str:
        entry = self.tags.get(tag_id)
        return entry["label"] if entry else tag_id.replace("_", " ")

    def tag_group(self, tag_id: str) -> str:
        entry = self.tags.get(tag_id)
        return entry.get("group", "other") if entry else "other"

    def criterion_label(self, cid: str) -> str:
        entry = self.criteria.get(cid)
        return entry.get("label", cid) if entry else cid

    def step_label(self, step: int, fallback: str = "") -> str:
        return self.steps.get(step) or fallback or f"Étape {step}"

    def role_label(self, role: str | None, speaker: str = "") -> str:
        if role and role in self.roles:
            return self.roles[role]
        return speaker or "Locuteur inconnu"


def _fallback_table(reports_dir: Path) -> dict[str, Any]:
    path = reports_dir / "labels_fr.json"
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"The report's label table {path} is missing.",
            "Reinstall rolegrid from its repository (the reports/ folder ships with it).",
        ) from exc
    except ValueError as exc:
        raise ConfigError(
            f"{path} is not valid JSON ({exc}).", "Fix the file or restore it from git."
        ) from exc
    for key in ("statuses", "roles", "competences", "criteria", "steps", "tags"):
        if not isinstance(data.get(key), dict):
            raise ConfigError(f"{path}: member '{key}' is missing or not an object.", "Restore it from git.")
    return data


def _text(obj: Any, *names: str) -> str | None:
    """The first non-empty string among ``obj``'s attributes / keys ``names`` (or ``obj`` itself)."""
    if isinstance(obj, str):
        return obj or None
    for name in names:
        value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _items(container: Any, *id_names: str) -> list[tuple[str, Any]]:
    """(id, entry) pairs from a mapping or from a sequence of objects that carry their id."""
    if container is None:
        return []
    if isinstance(container, Mapping):
        return [(str(k), v) for k, v in container.items()]
    out = []
    for entry in container:
        ident = None
        for name in id_names:
            ident = entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)
            if ident is not None:
                break
        if ident is not None:
            out.append((str(ident), entry))
    return out


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _overlay_referentiel(table: dict[str, Any], ref: Any) -> None:
    """Lay the référentiel's French labels over ``table`` (in place). Unknown shapes are skipped."""
    label_names = ("label_fr", "label", "title_fr", "title", "name_fr", "name")
    for cid, entry in _items(_get(ref, "competences"), "id", "competence", "code"):
        text = _text(entry, *label_names)
        if text and cid in table["competences"]:
            table["competences"][cid] = text
    criteria = _items(_get(ref, "criteria"), "id", "criterion", "code")
    if not criteria:  # the YAML nests criteria inside their competence
        for _cid, comp in _items(_get(ref, "competences"), "id", "competence", "code"):
            criteria += _items(_get(comp, "criteria"), "id", "criterion", "code")
    for cid, entry in criteria:
        current = table["criteria"].setdefault(cid, {"label": cid, "bar": "", "op": ">="})
        text = _text(entry, *label_names)
        if text:
            current["label"] = text
        bar = _text(entry, "wording", "wording_fr", "requirement", "description")
        if bar:
            current["bar"] = bar
        bar_obj = _get(entry, "bar")
        kind = _text(bar_obj, "kind") if bar_obj is not None and not isinstance(bar_obj, str) else None
        if kind:
            current["op"] = "<=" if kind.endswith("_max") else ">="
    for sid, entry in _items(_get(ref, "steps"), "step", "id", "number"):
        text = _text(entry, *label_names)
        if text and sid.isdigit():
            table["steps"][sid] = text
    for mid, entry in _items(_get(ref, "measure_labels") or _get(ref, "measures"), "id", "name"):
        text = _text(entry, "label_fr", "label")
        if text:
            table.setdefault("measures", {})[mid] = text
    for kid, entry in _items(_get(ref, "objection_kinds"), "id", "kind"):
        text = _text(entry, "label_fr", "label")
        if text:
            table.setdefault("attributes", {}).setdefault("kind", {})[kid] = text
    tags = _get(ref, "tags") or _get(ref, "tag_labels")
    for tid, entry in _items(tags, "id", "label_id", "name"):
        text = _text(entry, "label_fr", "label", "french", "title")
        if text:
            table["tags"].setdefault(tid, {"label": tid, "group": "other"})["label"] = text


def load_labels(reports_dir: Path | None = None, use_referentiel: bool = True) -> Labels:
    """French labels: ``reports/labels_fr.json`` overlaid with the référentiel's labels when loadable."""
    table = copy.deepcopy(_fallback_table(reports_dir or REPORTS_DIR))
    source = "reports/labels_fr.json"
    if use_referentiel:
        try:
            from ..scenarios import load_referentiel  # written by the grid stage; may not exist yet

            _overlay_referentiel(table, load_referentiel())
            source = "référentiel (scenarios/) + reports/labels_fr.json"
        except Exception as exc:  # noqa: BLE001 - any failure there must not break the report
            log.info("report: using the fallback label table (référentiel not usable: %s)", exc)
    return Labels(
        statuses=dict(table["statuses"]),
        roles=dict(table["roles"]),
        competences=dict(table["competences"]),
        criteria={k: dict(v) for k, v in table["criteria"].items() if isinstance(v, Mapping)},
        steps={int(k): str(v) for k, v in table["steps"].items() if str(k).isdigit()},
        tags={k: dict(v) for k, v in table["tags"].items() if isinstance(v, Mapping)},
        attributes={k: dict(v) for k, v in table.get("attributes", {}).items()},
        measures=dict(table.get("measures", {})),
        source=source,
    )
