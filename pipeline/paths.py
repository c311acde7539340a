"""Where rolegrid's data folders are: ``models/``, ``scenarios/``, ``reports/``.

They sit at the top of the source checkout (the layout certifiers edit). A wheel installs copies under
``<prefix>/share/rolegrid/`` (``[tool.setuptools.data-files]`` in ``pyproject.toml``). The environment
variable ``ROLEGRID_DATA`` points at another folder holding the three (e.g. a certifier's edited copy);
it wins when set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The source checkout this module belongs to (an editable install or a plain clone).
CHECKOUT = Path(__file__).resolve().parents[1]
FOLDERS = ("models", "scenarios", "reports")


def data_root() -> Path:
    """The folder that holds ``models/``, ``scenarios/`` and ``reports/`` (see the module docstring)."""
    env = os.environ.get("ROLEGRID_DATA")
    if env:
        return Path(env).expanduser()
    if (CHECKOUT / "scenarios" / "referentiel.yaml").is_file():
        return CHECKOUT
    for prefix in (sys.prefix, sys.base_prefix):
        shared = Path(prefix) / "share" / "rolegrid"
        if (shared / "scenarios" / "referentiel.yaml").is_file():
            return shared
    return CHECKOUT


def data_dir(name: str) -> Path:
    """``models``, ``scenarios`` or ``reports`` under :func:`data_root`."""
    if name not in FOLDERS:
        raise ValueError(f"unknown data folder {name!r} (one of {', '.join(FOLDERS)})")
    return data_root() / name
