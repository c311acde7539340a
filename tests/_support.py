"""Helpers shared by several test modules."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_network() -> Iterator[None]:
    """Make any socket connection fail loudly while active (models must load offline)."""
    saved = socket.socket.connect

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:]}")

    socket.socket.connect = refuse
    try:
        yield
    finally:
        socket.socket.connect = saved
