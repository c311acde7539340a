"""The session report jurors read: ``render_report(session_dir, audio_path=None) -> Path``.

One self-contained ``report.html`` (CSS and JS inlined from the repository folder ``reports/``),
with the recording placed beside it as ``audio.<ext>``. See ``pipeline.report.render``.
"""

from .labels import Labels, load_labels
from .render import build_html, load_session, render_report

__all__ = ["Labels", "build_html", "load_labels", "load_session", "render_report"]
