"""`batch --reports DIR`: one board report per client, as files a consultant can send (HTML,
and PDF with `--report-format pdf` or `both`, printed by headless Chromium).

Each report is named by the client's id, or else its name, made safe for every file system
(`K-1001.html`, `muller-metallbau-gmbh.html`); a name taken twice in a run gets `-2`, `-3`.
Every file is written whole or not at all (temporary file, then rename), so an interrupted run
leaves whole reports and no fragments.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator, TypeVar

from advisor.advice.batch import BatchError, Scored
from advisor.errors import InputError, Problem

T = TypeVar("T")
MAX_NAME_CHARS = 80


def slug(text: str) -> str:
    """A file name from a client id or name: ASCII letters, digits, `-` and `_`, accents folded
    (`Müller GmbH` -> `muller-gmbh`), at most 80 characters; `client` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-_")[:MAX_NAME_CHARS]
    return cleaned.lower() if cleaned else "client"


class ReportFolder:
    """Writes the reports of a run into one folder, each under a name no other report has."""

    def __init__(self, folder: str, formats: tuple[str, ...] = ("html",)):
        self.folder = Path(folder)
        self.formats = formats
        self.used: set[str] = set()
        self.written = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError([Problem(f"cannot be created: {exc.strerror}",
                                      source=str(folder))]) from None

    def name_for(self, result: Scored) -> str:
        base = (re.sub(r"[^A-Za-z0-9_.-]+", "-", result.record_id).strip("-.")[:MAX_NAME_CHARS]
                if result.record_id else "") or slug(result.organization)
        name, n = base, 1
        while name.lower() in self.used:
            n += 1
            name = f"{base}-{n}"
        self.used.add(name.lower())
        return name

    def write(self, result: Scored) -> list[Path]:
        """The client's report in each format asked for (PDF printed by headless Chromium)."""
        name = self.name_for(result)
        written = []
        for fmt in self.formats:
            if fmt == "pdf":
                from advisor.render.pdf import html_to_pdf
                data = html_to_pdf(result.report or "")
            else:
                data = (result.report or "").encode("utf-8")
            written.append(self._write_whole(self.folder / f"{name}.{fmt}", data))
        self.written += 1
        return written

    def _write_whole(self, target: Path, data: bytes) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def write_each(self, results: Iterable[tuple[str, T]]) -> Iterator[tuple[str, T]]:
        """`results`, unchanged, with a report written for each scored client as it passes."""
        for source, result in results:
            if isinstance(result, Scored) and result.report is not None:
                try:
                    self.write(result)
                except OSError as exc:
                    raise InputError([Problem(f"cannot be written: {exc.strerror}",
                                              source=str(self.folder))]) from None
            elif not isinstance(result, (Scored, BatchError)):
                raise TypeError("reports are written from Scored results")
            yield source, result
