"""The names of the assessment's output formats, apart from their renderers.

The command line builds its `--format` choices from these names when it starts; the renderers
(advisor.render.assessment, which needs the output models) are imported only by a command that
writes something, so `iso-advisor --help` and `--version` load no models. The renderer table
checks on import that it renders exactly these names.
"""
from __future__ import annotations

#: Rendered as text by advisor.render.assessment.ASSESSMENT_FORMATS.
TEXT_FORMATS: tuple[str, ...] = ("html", "json", "markdown", "report", "text")
#: Every format `evaluate` and `ask` write: the text formats, and the board report as PDF.
OUTPUT_FORMATS: tuple[str, ...] = tuple(sorted([*TEXT_FORMATS, "pdf"]))
