"""The draft C1–C5 grid: criterion rules over tags and measures, the six steps located in time.

Public API::

    build_grid(transcript, measures, tags, scenario, referentiel, session_id="") -> Grid
    write_grid(grid, session_dir) -> (grid.json, grid.csv)
    read_grid(path) -> Grid
    locate_steps(transcript, tags, referentiel, scenario=None) -> tuple[StepSpan, ...]
    grid_agreement(grid, gold_grid) -> dict
"""

from __future__ import annotations

from .output import GRID_CSV, GRID_JSON, grid_agreement, grid_csv, grid_document, read_grid, write_grid
from .rules import GRID_STAGE_VERSION, build_grid
from .steps import Segmentation, locate_steps, segment_turns

__all__ = [
    "GRID_CSV",
    "GRID_JSON",
    "GRID_STAGE_VERSION",
    "Segmentation",
    "build_grid",
    "grid_agreement",
    "grid_csv",
    "grid_document",
    "locate_steps",
    "read_grid",
    "segment_turns",
    "write_grid",
]
