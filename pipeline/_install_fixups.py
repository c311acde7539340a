"""Post-install fix-up run by ``make install`` (idempotent; safe to run again).

Why: rolegrid pins the CPU build of torch (2.13.0+cpu). The only torchaudio on the package index
(2.11.x) is a CUDA build whose compiled extension (``torchaudio/lib/*.so``) needs
``libc10_cuda.so``, so ``import torchaudio`` fails beside CPU torch, and with it
``import pyannote.audio``. rolegrid (and pyannote) only use torchaudio's pure-Python parts (Kaldi
fbank, resampling), so the fix is to move the compiled libraries out of the package: torchaudio
then imports without its extension.

What it does: if ``import torchaudio`` already works in a fresh interpreter, nothing. Otherwise
it moves ``torchaudio/lib/*.so`` into ``<venv>/torchaudio-disabled-libs/`` and checks again.
Exit status 0 when ``import torchaudio`` and ``import pyannote.audio`` work at the end.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

_ENV = {**os.environ, "PYANNOTE_METRICS_ENABLED": "0"}


def _imports(module: str) -> tuple[bool, str]:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, env=_ENV, check=False
    )
    lines = proc.stderr.strip().splitlines()
    return proc.returncode == 0, (lines[-1] if lines else "")


def fix_torchaudio() -> int:
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or not spec.submodule_search_locations:
        print("fixups: torchaudio is not installed; nothing to do")
        return 0
    ok, why = _imports("torchaudio")
    if ok:
        print("fixups: import torchaudio works; nothing to do")
    else:
        libdir = Path(list(spec.submodule_search_locations)[0]) / "lib"
        target = Path(sys.prefix) / "torchaudio-disabled-libs"
        target.mkdir(parents=True, exist_ok=True)
        moved = 0
        for so in sorted(libdir.glob("*.so")):
            shutil.move(str(so), str(target / so.name))
            moved += 1
        print(f"fixups: import torchaudio failed ({why}); moved {moved} compiled librar(y/ies) to {target}")
        ok, why = _imports("torchaudio")
        if not ok:
            print(f"fixups: import torchaudio still fails: {why}", file=sys.stderr)
            return 1
    ok, why = _imports("pyannote.audio")
    if not ok:
        print(f"fixups: import pyannote.audio fails: {why}", file=sys.stderr)
        return 1
    print("fixups: torchaudio and pyannote.audio import fine")
    return 0


if __name__ == "__main__":
    sys.exit(fix_torchaudio())
