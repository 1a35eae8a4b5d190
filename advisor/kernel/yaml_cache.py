"""Rule files parsed once per content, kept as JSON in the user's cache folder.

Every command starts by loading the rule base: parsing its YAML takes about 30 ms, reading the
same data back from JSON about 1 ms. The cache is keyed by a hash of the file's bytes, so an
edited file is simply parsed again; only data that survives JSON unchanged is cached (dates or
non-text keys are parsed every time). Anything wrong with the cache (no home folder, read-only
disk, a damaged entry) falls back to parsing: the cache can make loading faster, never
different. `ISO_ADVISOR_CACHE_DIR` chooses the folder; set it empty to turn the cache off.

Whoever can write to the folder could change what the rules say, so it is used only when it is
the user's own and not writable by group or others (a shared temporary folder never is); every
entry names the digest of the bytes it was parsed from and is checked against it, and an entry
much larger than its source, or nested too deeply, is not read.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable

ENV = "ISO_ADVISOR_CACHE_DIR"
_FORMAT = b"iso-advisor parsed YAML, JSON v4 (strict, checked entries, no aliases in rules)\0"     # change to drop every old entry
MAX_ENTRY_GROWTH = 64          # an entry at most this many times its source's size (plus 64 KB)


def cache_dir() -> Path | None:
    """Where parsed files are kept: $ISO_ADVISOR_CACHE_DIR, else the XDG cache folder."""
    if ENV in os.environ:
        return Path(os.environ[ENV]) if os.environ[ENV] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return None if base.startswith("~") else Path(base) / "iso-advisor"


def safe_load(data: bytes) -> Any:
    """`yaml.safe_load` of a data file's bytes, through the cache: for data files read outside
    the rule loader (the shipped NACE table, rulebase.yaml's facts, the editions table)."""
    return parsed(data, _safe_load)


def _safe_load(data: bytes) -> Any:
    import yaml
    return yaml.safe_load(data.decode("utf-8"))


def parsed(data: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(data)`, or the same value from the cache when these bytes were parsed before.
    Errors from `parse` propagate unchanged (a broken file is never cached)."""
    folder = cache_dir()
    if folder is None or not _own_folder(folder):
        return parse(data)
    digest = hashlib.sha256(_FORMAT + data).hexdigest()
    entry = folder / (digest + ".json")
    cached = _read(entry, digest, MAX_ENTRY_GROWTH * len(data) + 65_536)
    if cached is not _MISSING:
        return cached
    value = parse(data)
    try:
        text = json.dumps({"source": digest, "value": value}, ensure_ascii=False,
                          allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return value                    # dates, sets, NaN: not plain JSON, parse every time
    if json.loads(text)["value"] == value:   # non-text keys would come back as text: not cached
        _write(entry, text.encode("utf-8"))
    return value


_MISSING: Any = object()


def _read(entry: Path, digest: str, limit: int) -> Any:
    """The value an entry holds, or _MISSING when there is none, or it is damaged, too large,
    or was parsed from other bytes."""
    try:
        with open(entry, "rb") as handle:
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            return _MISSING
        stored = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return _MISSING
    if not isinstance(stored, dict) or stored.get("source") != digest or "value" not in stored:
        return _MISSING
    return stored["value"]


def _own_folder(folder: Path) -> bool:
    """The folder exists (made 0700 if not), is the user's own, and only the user can write
    to it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return False
    if not hasattr(os, "geteuid"):           # no POSIX owners (Windows): the profile folder
        return True
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not (
        info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _write(entry: Path, content: bytes) -> None:
    """Whole or not at all: concurrent processes may write the same entry at once."""
    try:
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
