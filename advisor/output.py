"""Writing outputs whole or not at all: temporary file in the same folder, then rename."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError, Problem


@contextlib.contextmanager
def atomic_output(path: str | None, *, newline: str | None = None) -> Iterator[IO[str]]:
    """A text stream that becomes `path` only if the block finishes; stdout when path is None or '-'.

    On any error (or Ctrl-C) the temporary file is removed and an existing `path` is untouched.
    """
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise InputError([Problem("is a folder; --output needs a file name", source=str(path))])
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError([Problem(f"cannot be written: {exc.strerror}", source=str(path))]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | None, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)
