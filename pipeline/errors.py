"""The few exceptions rolegrid raises on purpose. Each message says what is wrong and what to do.

The CLI turns any ``RolegridError`` into one line on stderr and exit code 2, with no partial output.
"""

from __future__ import annotations


class RolegridError(Exception):
    """Base class: ``str(err)`` is one sentence for the user, ``hint`` what to do about it."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(RolegridError):
    """The recording or transcript given cannot be used (missing, corrupt, silent, not audio…)."""


class ModelError(RolegridError):
    """A model is missing, incomplete or cannot be loaded."""


class ConfigError(RolegridError):
    """A data file (scenario, référentiel, patterns, manifest) is malformed or a value is out of range."""


class OutputError(RolegridError):
    """The output folder cannot be written."""
