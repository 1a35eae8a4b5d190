"""Rule files parsed once per content, kept as JSON in the user's cache folder.

Every command starts by loading the rule base: parsing its YAML takes about 30 ms, reading the
same data back from JSON about 1 ms. The cache is keyed by a hash of the file's bytes, so an
edited file is simply parsed again; only data that survives JSON unchanged is cached (dates or
non-text keys are parsed every time). Anything wrong with the cache (no home folder, read-only
disk, a damaged entry) falls back to parsing: the cache can make loading faster, never
different. `ISO_ADVISOR_CACHE_DIR` chooses the folder; set it empty to turn the cache off. The
folder is trusted as the rule files are: whoever can write there can change what rules say, so
it is the user's own (never a shared temporary folder) unless chosen otherwise.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

ENV = "ISO_ADVISOR_CACHE_DIR"
_FORMAT = b"iso-advisor parsed YAML, JSON v2 (strict)\0"     # change to drop every old entry


def cache_dir() -> Path | None:
    """Where parsed files are kept: $ISO_ADVISOR_CACHE_DIR, else the XDG cache folder."""
    if ENV in os.environ:
        return Path(os.environ[ENV]) if os.environ[ENV] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return None if base.startswith("~") else Path(base) / "iso-advisor"


def parsed(data: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(data)`, or the same value from the cache when these bytes were parsed before.
    Errors from `parse` propagate unchanged (a broken file is never cached)."""
    folder = cache_dir()
    if folder is None:
        return parse(data)
    entry = folder / (hashlib.sha256(_FORMAT + data).hexdigest() + ".json")
    try:
        return json.loads(entry.read_bytes())
    except (OSError, ValueError):
        pass
    value = parse(data)
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return value                    # dates, sets, NaN: not plain JSON, parse every time
    if json.loads(text) == value:       # non-text keys would come back as text: not cached
        _write(entry, text.encode("utf-8"))
    return value


def _write(entry: Path, content: bytes) -> None:
    """Whole or not at all: concurrent processes may write the same entry at once."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
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
