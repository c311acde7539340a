"""rolegrid: from a recorded sales role-play to a draft C1–C5 grid that jurors confirm.

``import pipeline`` is light: the stages import torch, pyannote, faster-whisper and spaCy only when
they are called. Library code logs through ``logging`` and never configures handlers.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
