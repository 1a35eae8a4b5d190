"""RFC 9457 problem details: every error the server answers, in one shape.

The `problems` member carries the same structured problems the command line prints (field,
message, suggestions, what would be valid), so an integration can point at the field to fix.
`problem_response` is the one place an error becomes an HTTP answer.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from advisor.errors import AdvisorError, Problem, outcome, printable

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:iso-advisor:problem:"


class FieldProblem(BaseModel):
    """One thing wrong with the request, precise enough to fix it (as on the command line)."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(description="What is wrong.")
    field: Optional[str] = Field(default=None, description="The field, as a dotted path.")
    source: Optional[str] = Field(default=None, description="Where: the request part or file.")
    location: Optional[str] = Field(default=None, description="Row, line or item in the source.")
    suggestions: list[str] = Field(default_factory=list, description="Did you mean ...?")
    valid: Optional[str] = Field(default=None, description="What would be valid.")


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457), with the field-level problems."""

    model_config = ConfigDict(extra="forbid", title="ProblemDetails")

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="The kind of problem, in words.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong in this request.")
    instance: Optional[str] = Field(default=None, description="The request path.")
    problems: list[FieldProblem] = Field(default_factory=list)


#: Statuses the server answers by itself (limits, routing, keys) -> (type, title).
GENERIC = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "API key missing or wrong"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    408: ("request-timeout", "Request body too slow"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}


def problem_response(status: int, detail: str, *, problems: Iterable[Problem] = (),
                     kind: str | None = None, title: str | None = None,
                     instance: str | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    """An `application/problem+json` answer."""
    generic_kind, generic_title = GENERIC.get(status, ("error", "Error"))
    body = ProblemDetails(type=TYPE_BASE + (kind or generic_kind), title=title or generic_title,
                          status=status, detail=printable(detail), instance=instance,
                          problems=[FieldProblem(**_problem_dict(p)) for p in problems])
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=status,
                        media_type=MEDIA_TYPE, headers=headers)


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"message": problem.message, "field": problem.field, "source": problem.source,
            "location": problem.location, "suggestions": list(problem.suggestions),
            "valid": problem.valid}


def from_advisor_error(exc: AdvisorError, instance: str | None = None) -> JSONResponse:
    """An AdvisorError as problem details: its kind, status and every problem it carries."""
    found = outcome(exc)             # the one error table, advisor.errors.OUTCOMES
    status, kind = found.http_status, found.problem_type
    count = len(exc.problems)
    detail = str(exc.problems[0]) if count == 1 else \
        f"{exc.kind}: {count} problems (see problems)"
    return problem_response(status, detail, problems=exc.problems, kind=kind,
                            title=exc.kind[:1].upper() + exc.kind[1:], instance=instance)


def from_validation_errors(errors: Iterable[dict[str, Any]],
                           instance: str | None = None) -> JSONResponse:
    """FastAPI's request validation errors (query parameters) as the CLI's problems."""
    problems = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("query", "path", "body")]
        message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        if err.get("type") == "missing":
            message = "is required"
        problems.append(Problem(message, field=".".join(loc) or None,
                                source=_where(err.get("loc", ()))))
    detail = str(problems[0]) if len(problems) == 1 else f"{len(problems)} problems (see problems)"
    return problem_response(422, detail, problems=problems, instance=instance)


def _where(loc: Iterable[Any]) -> str | None:
    first = next(iter(loc), None)
    return {"query": "query string", "path": "path", "body": "request body",
            "header": "headers"}.get(str(first))
