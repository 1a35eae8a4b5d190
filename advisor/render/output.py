"""Writing outputs whole or not at all: an unnamed temporary file in the same folder, then rename.

On Linux the temporary file is made with O_TMPFILE: it has no name until the output is complete,
so nothing is left behind even when the process is killed with SIGKILL. Elsewhere (or on a file
system without O_TMPFILE) it is a named `.NAME.*.tmp` file, removed on any error or interrupt.

An existing file is replaced by rename only when that keeps everything about it: it is ours and
has one name. A file owned by someone else (say, root writing into a user's folder) or with hard
links is written in place instead, once the whole output is ready, so its owner, its other names
and its inode stay as they were. Devices and pipes (`/dev/null`, `/dev/stdout`) are written
directly.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from advisor.errors import InputError, Problem


@contextlib.contextmanager
def atomic_output(path: str | None, *, newline: str | None = None,
                  binary: bool = False) -> Iterator[IO]:
    """A text stream that becomes `path` only if the block finishes; stdout when path is None or '-'.

    On any error (or Ctrl-C) the temporary file is discarded and an existing `path` is untouched.
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
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise InputError([Problem(f"cannot be written: {exc.strerror}", source=str(path))]) from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # /dev/null, /dev/stdout, a pipe: cannot be replaced (renaming onto /dev/null as root
        # would replace the device for the whole system), so written directly.
        with (open(target, "wb") if binary else
              open(target, "w", encoding="utf-8", newline=newline)) as handle:
            yield handle
        return
    fd, named = _temporary(target, path)
    try:
        with (os.fdopen(fd, "w+b") if binary else
              os.fdopen(fd, "w+", encoding="utf-8", newline=newline)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            if existing is not None and _keep_inode(existing):
                _copy_into(handle, target)
            else:
                _set_mode(handle.fileno(), existing)
                _publish(handle.fileno(), named, target)
                named = None
    except BaseException:
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)
        raise


def _temporary(target: Path, path: str) -> tuple[int, str | None]:
    """A file descriptor to write to, and its name when it has one (None for O_TMPFILE)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and os.path.isdir("/proc/self/fd"):        # linked to a name through /proc
        try:
            return os.open(target.parent, flag | os.O_RDWR, 0o600), None
        except OSError:
            pass                       # the file system does not support it: a named file
    try:
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError([Problem(f"cannot be written: {exc.strerror}", source=str(path))]) from None


def _keep_inode(existing: os.stat_result) -> bool:
    """Write in place: the file has other names, or belongs to someone else."""
    return existing.st_nlink > 1 or (hasattr(os, "geteuid") and existing.st_uid != os.geteuid())


def _set_mode(fd: int, existing: os.stat_result | None) -> None:
    """The temporary file is 0600: give it the replaced file's mode, or the usual default."""
    if not hasattr(os, "fchmod"):
        return
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~umask)


def _publish(fd: int, named: str | None, target: Path) -> None:
    """Give the finished file its name, replacing any old one in one step."""
    if named is None:                  # O_TMPFILE: link it under a temporary name first
        folder = os.open(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            while named is None:
                candidate = f".{target.name}.{secrets.token_hex(6)}.tmp"
                try:         # a directory fd makes this linkat(AT_SYMLINK_FOLLOW), not link()
                    os.link(f"/proc/self/fd/{fd}", candidate, dst_dir_fd=folder,
                            follow_symlinks=True)
                except FileExistsError:
                    continue
                named = str(target.parent / candidate)
        finally:
            os.close(folder)
    try:
        os.replace(named, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(named)
        raise


def _copy_into(handle: IO, target: Path) -> None:
    """The finished output copied over the existing file's contents, keeping its inode."""
    source = getattr(handle, "buffer", handle)  # bytes as written: no newline translation
    source.seek(0)
    flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(target, flags), "wb") as out:
        shutil.copyfileobj(source, out)
        out.flush()
        os.fsync(out.fileno())


def write_text(path: str | None, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)


def write_bytes(path: str | None, data: bytes) -> None:
    """Binary output (a PDF), whole or not at all, like write_text."""
    with atomic_output(path, binary=True) as handle:
        handle.write(data)
