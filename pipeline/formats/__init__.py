"""Readers and writers of the file formats rolegrid exchanges: RTTM, WebVTT, transcript JSON.

``read_transcript(path)`` reads any transcript a user may give ``rolegrid analyze --transcript``:
a session ``transcript.json``, a WebVTT file with ``<v Speaker>`` voice tags, or a gold JSON file
of ``../shared/spec/tags.md`` (its tags are ignored).
"""

from .rttm import format_rttm, parse_rttm, read_rttm, write_rttm
from .transcript import read_transcript, synth_words, transcript_from_gold, transcript_from_vtt
from .vtt import format_vtt, parse_vtt, voice_name, write_vtt

__all__ = [
    "format_rttm",
    "format_vtt",
    "parse_rttm",
    "parse_vtt",
    "read_rttm",
    "read_transcript",
    "synth_words",
    "transcript_from_gold",
    "transcript_from_vtt",
    "voice_name",
    "write_rttm",
    "write_vtt",
]
