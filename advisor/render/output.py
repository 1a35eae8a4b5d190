"""Writing outputs whole or not at all: temporary file in the same folder, then rename."""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from advisor.errors import InputError, Problem


@contextlib.contextmanager
def atomic_output(path: str | None, *, newline: str | None = None,
                  binary: bool = False) -> Iterator[IO]:
    """A text stream that becomes `path` only if the block finishes; stdout when path is None or '-'.

    On any error (or Ctrl-C) the temporary file is removed and an existing `path` is untouched.
    """
    if path in (None, "-"):
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise InputError([Problem("is a folder; --output needs a file name", source=str(path))])
    target = Path(os.path.realpath(target))      # through symlinks: a link stays a link
    if target.exists() and not target.is_file():
        # /dev/null, /dev/stdout, a pipe: cannot be replaced (renaming onto /dev/null as root
        # would replace the device for the whole system), so written directly.
        with (open(target, "wb") if binary else
              open(target, "w", encoding="utf-8", newline=newline)) as handle:
            yield handle
        return
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError([Problem(f"cannot be written: {exc.strerror}", source=str(path))]) from None
    try:
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", encoding="utf-8", newline=newline)) as handle:
            if hasattr(os, "fchmod"):           # mkstemp makes 0600: keep the file's mode, or
                umask = os.umask(0)             # give a new file the usual default
                os.umask(umask)
                os.fchmod(fd, target.stat().st_mode & 0o7777 if target.exists() else
                          0o666 & ~umask)
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


def write_bytes(path: str | None, data: bytes) -> None:
    """Binary output (a PDF), whole or not at all, like write_text."""
    with atomic_output(path, binary=True) as handle:
        handle.write(data)
