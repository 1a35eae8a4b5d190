"""One error hierarchy for the whole library.

Every problem names where it happened (file, row or line), which field, what was wrong and what
would be valid, so a user can fix the input without reading code. The CLI turns any
`AdvisorError` into a message on stderr and an exit code in one place (`advisor.cli.app`), the
server into problem details; both take the code and status from one table, `OUTCOMES`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from advisor.kernel.text import UNSAFE

MAX_MESSAGE_CHARS = 1000     # longer messages (a 10 MB value quoted back) are cut, length noted
MAX_FIELD_CHARS = 100        # a field name or location (an unknown key may be megabytes long)
#: What input text may not hold (advisor.kernel.text.UNSAFE), but tab and newline, which messages
#: and multi-line outputs use.
_UNPRINTABLE = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f"))


def escaped(text: str) -> str:
    """`text` with control, bidi and invisible characters written as escapes (`\\x1b`,
    `\\u202e`); tab and newline are kept."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                            .decode("ascii"), text)


def printable(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` safe to print anywhere and at most `limit` characters long: hostile input (escape
    codes, undecodable file names, megabyte values) is echoed back escaped and cut."""
    text = str(text)
    head = escaped(text[:limit + 1])
    if len(head) <= limit and len(text) <= limit:
        return head
    note = f"... ({len(text):,} characters)"
    return head[:limit - len(note)] + note


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, precise enough to fix it."""

    message: str
    field: str | None = None
    source: str | None = None
    location: str | None = None
    suggestions: tuple[str, ...] = ()
    valid: str | None = None
    line: int | None = None           # line in `source`, where known (rule files)

    def __post_init__(self) -> None:
        for name, limit in (("message", MAX_MESSAGE_CHARS), ("field", MAX_FIELD_CHARS),
                            ("source", MAX_MESSAGE_CHARS), ("location", MAX_FIELD_CHARS),
                            ("valid", MAX_MESSAGE_CHARS)):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, printable(value, limit))

    def where(self) -> str:
        source = f"{self.source}:{self.line}" if self.source and self.line else self.source
        parts = [p for p in (source, self.location) if p]
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        if self.field:
            text = f"field '{self.field}': {text}"
        if self.suggestions:
            text += "; did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"
        if self.valid:
            text += f" (valid: {self.valid})"
        where = self.where()
        return f"{where}: {text}" if where else text

    def to_dict(self) -> dict[str, object]:
        return {k: (list(v) if isinstance(v, tuple) else v)
                for k, v in self.__dict__.items() if v not in (None, ())}


class AdvisorError(ValueError):
    """Base of every error the library raises on bad input; a ValueError for callers that expect one."""

    kind = "invalid input"

    def __init__(self, problems: Sequence[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def with_source(self, source: str | None, location: str | None = None) -> "AdvisorError":
        """The same error with every problem located in `source` (and `location`)."""
        problems = [Problem(p.message, p.field, p.source or source, p.location or location,
                            p.suggestions, p.valid) for p in self.problems]
        return type(self)(problems)


class ProfileError(AdvisorError):
    """An organization profile (or claim) does not fit the model."""

    kind = "invalid profile"


class ClaimError(ProfileError):
    """A supplier's certification claim does not fit the claim model."""

    kind = "invalid claim"


class InputError(AdvisorError):
    """A file could not be read or parsed at all."""

    kind = "unreadable input"


class RuleBaseError(AdvisorError):
    """A rule base is invalid; every problem found is reported at once."""

    kind = "invalid rule base"


class RenderError(AdvisorError):
    """An output could not be made (for example no Chromium to print a PDF)."""

    kind = "cannot render"


class EngineError(AdvisorError):
    """The rules engine failed on an input (for example a rule action raised)."""

    kind = "engine failure"


@dataclass(frozen=True)
class Outcome:
    """How one kind of error ends a command and an HTTP request."""

    exit_code: int              # the command line's exit status
    http_status: int            # the HTTP API's status (4xx: the request; 5xx: the server)
    problem_type: str           # the last part of the RFC 9457 problem type URI


#: THE error-to-exit table: each error class, most specific first, and its outcome. The command
#: line (`advisor.cli.app`) and the server (`advisor.web.problems`, `advisor.web.pages`) read it;
#: no other code picks an exit code or a status for an AdvisorError.
OUTCOMES: tuple[tuple[type[AdvisorError], Outcome], ...] = (
    (ClaimError, Outcome(1, 422, "invalid-claim")),
    (ProfileError, Outcome(1, 422, "invalid-profile")),
    (InputError, Outcome(1, 400, "unreadable-input")),
    (RuleBaseError, Outcome(1, 503, "invalid-rule-base")),   # the server's own rules broke
    (EngineError, Outcome(1, 422, "engine-failure")),         # a rule failed on this input
    (RenderError, Outcome(1, 503, "cannot-render")),          # the server cannot print (Chromium)
    (AdvisorError, Outcome(1, 422, "invalid-input")),
)


def outcome(error: AdvisorError) -> Outcome:
    """The outcome of `error` from the table (its most specific class listed)."""
    return next(found for cls, found in OUTCOMES if isinstance(error, cls))


def closest(word: str, choices: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Closest valid spellings of `word`, for did-you-mean hints."""
    choices = list(choices)
    if len(str(word)) > 3 * max(map(len, choices), default=0):
        return ()                  # cannot reach the 0.6 cutoff: skip difflib on huge input
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)
    return tuple(lowered[f] for f in found)
