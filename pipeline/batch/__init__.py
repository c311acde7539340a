"""Batch processing of session recordings (``rolegrid batch``)."""

from .manifest import BatchItem, read_manifest, scan_folder
from .runner import BatchOptions, BatchResult, SessionOutcome, load_status, run_batch

__all__ = [
    "BatchItem",
    "BatchOptions",
    "BatchResult",
    "SessionOutcome",
    "load_status",
    "read_manifest",
    "run_batch",
    "scan_folder",
]
