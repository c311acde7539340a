"""Progress of the stages of one session: a small protocol, and a tqdm implementation for the CLI.

Library code reports through a ``Progress`` object (or None); only the CLI chooses to draw bars.
ASR and diarization run in two threads at once, so an implementation must be thread-safe.
"""

from __future__ import annotations

import shutil
import sys
import threading
from typing import Any, Protocol


class Progress(Protocol):
    def start(self, stage: str, label: str) -> None:
        """A stage begins (it will run, not skip)."""

    def update(self, stage: str, fraction: float) -> None:
        """The stage has done ``fraction`` (0..1) of its work."""

    def done(self, stage: str, status: str) -> None:
        """The stage ended: ``status`` is ``ran``, ``skipped`` or ``failed``."""


class TqdmProgress:
    """One tqdm bar per running stage on stderr, in percent, with tqdm's time estimate."""

    def __init__(self, file: Any = None, disable: bool = False) -> None:
        self._file = file or sys.stderr
        self._disable = disable
        self._bars: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._slot = 0

    def start(self, stage: str, label: str) -> None:
        from tqdm import tqdm

        with self._lock:
            self._bars[stage] = tqdm(
                total=100,
                desc=f"{label:<14}",
                unit="%",
                file=self._file,
                disable=self._disable,
                leave=True,
                # a fixed width: some pseudo-terminals report 0 columns, which hides the bar
                ncols=min(100, shutil.get_terminal_size((100, 20)).columns or 100),
                bar_format="{desc} {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
            )

    def update(self, stage: str, fraction: float) -> None:
        with self._lock:
            bar = self._bars.get(stage)
            if bar is None:
                return
            target = int(round(100 * min(max(fraction, 0.0), 1.0)))
            if target > bar.n:
                bar.update(target - bar.n)

    def done(self, stage: str, status: str) -> None:
        with self._lock:
            bar = self._bars.pop(stage, None)
            if bar is None:
                return
            if status == "ran" and bar.n < 100:
                bar.update(100 - bar.n)
            bar.close()
