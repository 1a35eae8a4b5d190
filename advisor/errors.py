"""One error hierarchy for the whole library.

Every problem names where it happened (file, row or line), which field, what was wrong and what
would be valid, so a user can fix the input without reading code. The CLI turns any
`AdvisorError` into a message on stderr and exit code 1 in one place (`advisor.cli`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, precise enough to fix it."""

    message: str
    field: str | None = None
    source: str | None = None
    location: str | None = None
    suggestions: tuple[str, ...] = ()
    valid: str | None = None

    def where(self) -> str:
        parts = [p for p in (self.source, self.location) if p]
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

    def to_dict(self) -> dict:
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


class EngineError(AdvisorError):
    """The rules engine failed on an input (for example a rule action raised)."""

    kind = "engine failure"


def closest(word: str, choices: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Closest valid spellings of `word`, for did-you-mean hints."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)
    return tuple(lowered[f] for f in found)
