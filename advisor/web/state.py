"""The web questionnaire's state, carried in the page itself (URL and form), not on the server.

Answers travel as one compact token (`s=`): zlib-compressed JSON in URL-safe base64. Every tab
holds its own answers, a reload or the browser's back and forward buttons keep them, the server
keeps nothing and writes nothing to disk. The token is input like any other: it is size-limited
and every answer in it is validated by the model again when it is read.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib

from advisor.advice.models import FIELDS
from advisor.advice.questionnaire import Interview, Relevance, validate
from advisor.errors import AdvisorError, InputError, Problem
from advisor.inputs.quantity import DECIMAL_STYLES

MAX_TOKEN_CHARS = 16_000          # far above 21 answers (a full profile is about 600 characters)
_FIELD_SET = frozenset(FIELDS)


def encode(state: Interview) -> str:
    """The token for `state` (stable: the same answers give the same token)."""
    data = {"a": state.answers, "d": sorted(state.dont_know), "k": state.asked, "m": state.decimal}
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")


def decode(token: str | None, relevance: Relevance) -> Interview:
    """The interview a token holds; an empty token starts afresh. InputError if it is damaged
    (cut, edited, from another version) or holds an invalid answer."""
    state = Interview(relevance)
    if not token:
        return state
    if len(token) > MAX_TOKEN_CHARS:
        raise InputError([Problem("the saved answers in this address are too long")])
    try:
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(token.encode("ascii")),
                                              MAX_TOKEN_CHARS * 8)
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, zlib.error, UnicodeError):
        raise InputError([Problem("the saved answers in this address cannot be read (it may "
                                  "have been cut or edited)")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), dict):
        raise InputError([Problem("the saved answers in this address cannot be read")])
    try:
        for name, value in data["a"].items():
            if name not in _FIELD_SET:
                raise InputError([Problem(f"unknown question '{name}'")])
            state.answers[name] = None if value is None else validate(name, value)
    except AdvisorError as exc:
        raise InputError([Problem(f"the saved answers in this address are not valid: "
                                  f"{exc.problems[0]}")]) from None
    state.dont_know = {n for n in data.get("d") or [] if n in state.answers}
    state.asked = [n for n in data.get("k") or [] if isinstance(n, str) and n in _FIELD_SET]
    mode = data.get("m")
    state.decimal = mode if mode in DECIMAL_STYLES else "auto"
    return state
