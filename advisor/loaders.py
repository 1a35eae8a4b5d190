"""Reading profiles from files: YAML, JSON, JSON Lines and CSV, safely and with precise errors."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem, ProfileError
from .models import Profile, parse_profile

MAX_INPUT_BYTES = 50_000_000
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, so "billion laughs" documents cannot blow up."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)


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
        raise InputError([Problem("is binary data, not a text profile", source=source)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                                  source=source)]) from None


def read_bytes(path: str | Path) -> bytes:
    source = str(path)
    if source == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    p = Path(path)
    if p.is_dir():
        raise InputError([Problem("is a folder, not a file", source=source)])
    try:
        with p.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem("does not exist", source=source)]) from None
    except OSError as exc:
        raise InputError([Problem(f"cannot be read: {exc.strerror}", source=source)]) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError([Problem(f"is larger than the {MAX_INPUT_BYTES // 1_000_000} MB limit",
                                  source=source)])
    return data


def parse_document(text: str, source: str, suffix: str) -> Any:
    """A YAML or JSON document as Python data, or InputError naming the line."""
    if not text.strip():
        raise InputError([Problem("is empty", source=source)])
    if suffix == ".json":
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (json.JSONDecodeError, ValueError) as exc:
            where = f"line {exc.lineno}, column {exc.colno}" if isinstance(
                exc, json.JSONDecodeError) else None
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise InputError([Problem(f"is not valid JSON: {msg}", source=source,
                                      location=where)]) from None
        except RecursionError:
            raise InputError([Problem("is nested too deeply", source=source)]) from None
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - SafeLoader subclass
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
