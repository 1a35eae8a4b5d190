"""Reading profiles from files: YAML, JSON, JSON Lines and CSV, safely and with precise errors."""
from __future__ import annotations

import json
import math
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any

import yaml

from advisor.errors import InputError, Problem, ProfileError
from advisor.advice.models import Profile, parse_profile

MAX_INPUT_BYTES = 50_000_000     # a whole .json/.yaml document is held in memory: ~8x its size
MAX_YAML_CHARS = 5_000_000       # PyYAML reads ~0.1-0.3 MB/s and needs ~100x the text in memory
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, so "billion laughs" documents cannot blow up."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        """A key given twice is an error, not a silent choice of the last value."""
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):
            seen: set = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key '{key}' appears twice", key_node.start_mark)
                seen.add(key)
        return mapping


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (json.loads keeps the last of a repeated key)."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"key '{key}' appears twice")
        seen.add(key)
    return dict(pairs)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid number")


def decode(data: bytes, source: str) -> str:
    """Bytes as text: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        halves = sorted((data[:4096:2].count(0), data[1:4096:2].count(0)))
        if len(data) >= 8 and halves[0] == 0 and halves[1] > 0.9 * (min(len(data), 4096) // 2):
            raise InputError([Problem("is UTF-16 text without a byte-order mark; save it as UTF-8",
                                      source=source)])
        raise InputError([Problem("is binary data, not a text profile", source=source)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                                  source=source)]) from None


def open_input(path: str | Path) -> IO[bytes]:
    """A regular file opened for reading; a folder, pipe or device is an InputError, never a hang
    (a FIFO named `x.yaml` would block forever) or an endless read (`/dev/zero`)."""
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError([Problem("does not exist", source=source)]) from None
    except OSError as exc:
        problem = "is a folder, not a file" if isinstance(exc, IsADirectoryError) else \
            f"cannot be read: {exc.strerror}"
        raise InputError([Problem(problem, source=source)]) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError([Problem("is a folder, not a file" if stat.S_ISDIR(mode) else
                                  "is not a regular file (a pipe, device or socket)",
                                  source=source)])
    return os.fdopen(fd, "rb")


def read_bytes(path: str | Path) -> bytes:
    source = str(path)
    if source == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    try:
        with open_input(path) as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem(f"cannot be read: {exc.strerror}", source=source)]) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError([Problem(f"is larger than the {MAX_INPUT_BYTES // 1_000_000} MB limit",
                                  source=source)])
    return data


def _plain(exc: ValueError) -> str:
    """A parser's ValueError in the user's terms (Python's own advice on int digits is not)."""
    if "integer string conversion" in str(exc):
        return f"a number has more than {sys.get_int_max_str_digits():,} digits"
    return str(exc)


def _read_json(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)


def parse_document(text: str, source: str, suffix: str) -> Any:
    """A YAML or JSON document as Python data, or InputError naming the line.

    Without a suffix (standard input) a text that starts like JSON is read as JSON first: faster,
    and not bound by the YAML size limit.
    """
    if not text.strip():
        raise InputError([Problem("is empty", source=source)])
    if not suffix and text.lstrip()[:1] in ("{", "["):
        try:
            return _read_json(text)
        except (ValueError, RecursionError):
            pass                                   # YAML flow style, or an error YAML names
    if suffix == ".json":
        try:
            return _read_json(text)
        except (json.JSONDecodeError, ValueError) as exc:
            where = f"line {exc.lineno}, column {exc.colno}" if isinstance(
                exc, json.JSONDecodeError) else None
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else _plain(exc)
            raise InputError([Problem(f"is not valid JSON: {msg}", source=source,
                                      location=where)]) from None
        except RecursionError:
            raise InputError([Problem("is nested too deeply", source=source)]) from None
    if len(text) > MAX_YAML_CHARS:
        raise InputError([Problem(f"is larger than the {MAX_YAML_CHARS // 1_000_000} MB limit for "
                                  "YAML; use JSON, JSON Lines or CSV for bigger inputs",
                                  source=source)])
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - SafeLoader subclass
    except ValueError as exc:                      # a huge integer, a date such as 2024-13-45
        raise InputError([Problem(f"is not valid YAML: {_plain(exc)}", source=source)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(f"is not valid YAML: {problem}", source=source,
                                  location=where)]) from None
    except RecursionError:
        raise InputError([Problem("is nested too deeply", source=source)]) from None


def _check_numbers(data: Any, source: str) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ProfileError([Problem("must be a finite number", field=str(key), source=source)])


def load_profile(path: str | Path, *, suffix: str | None = None) -> Profile:
    """Read one profile from a `.yaml`, `.yml` or `.json` file (or `-` for stdin, read as YAML)."""
    source = str(path)
    suffix = (suffix or Path(source).suffix).lower()
    if source != "-" and suffix not in PROFILE_SUFFIXES:
        raise InputError([Problem(f"has extension '{suffix or '(none)'}'; a profile is a .yaml, "
                                  ".yml or .json file", source=source)])
    data = parse_document(decode(read_bytes(path), source), source, suffix)
    _check_numbers(data, source)
    return parse_profile(data, source=source)
