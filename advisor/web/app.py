"""The ASGI application behind `iso-advisor serve`: the HTTP API (`advisor.web.api`, under /v1)
and the browser pages (`advisor.web.pages`) on one app, over the same library calls.

`create_app(config)` builds it. Everything that is the same for every route lives here, once:
request limits (body size, how long a body may take to arrive, processing time), the API key,
and turning every error into RFC 9457 problem details (`advisor.web.problems`). A new set of
routes is an APIRouter added to ROUTERS.
"""
from __future__ import annotations

import asyncio
import hmac
import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor import engines
from advisor.errors import AdvisorError
from advisor.version import __version__
from advisor.web.problems import (ProblemDetails, from_advisor_error, from_validation_errors,
                                  problem_response)

log = logging.getLogger("iso-advisor.web")

#: Modules whose `router` is included, in order: the API, its reference page, then the pages
#: (the questionnaire).
ROUTERS = ("advisor.web.api", "advisor.web.docs", "advisor.web.pages")
API_KEY_ENV = "ISO_ADVISOR_API_KEY"


@dataclass(frozen=True)
class Limits:
    """What one request may cost; each is enforced with a 4xx (or 503) problem answer."""

    max_body_bytes: int = 1_000_000           # a profile or claim: a few KB
    max_upload_bytes: int = 10_000_000        # POST /v1/batch (JSON, JSON Lines, CSV, multipart)
    body_seconds: float = 10.0                # the whole body must arrive within this (slow clients)
    request_seconds: float = 30.0             # evaluating one profile or claim
    batch_seconds: float = 300.0              # scoring one batch (checked between profiles)
    max_batch_profiles: int = 10_000          # profiles in one batch request


@dataclass(frozen=True)
class WebConfig:
    """How the server runs: the rule bases and engine (as on the command line), the API key
    (required when bound beyond the loopback interface) and the limits."""

    rules: Path | None = None
    claim_rules: Path | None = None
    engine: str | None = None
    api_key: str | None = None
    limits: Limits = field(default_factory=Limits)


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The application. Loads and checks both rule bases and the engine first, so a broken
    rule base fails here (an AdvisorError), not in the first request."""
    config = config or WebConfig()
    engine = engines.resolve(config.engine)
    _check_rule_bases(config, engine)
    app = FastAPI(title="iso-advisor", version=__version__,
                  summary="Which ISO management-system standards to certify, implement or "
                          "leave, in what order, and why; and whether a supplier's "
                          "certification claim is credible.",
                  description=_DESCRIPTION.format(limits=config.limits),
                  separate_input_output_schemas=False, docs_url=None, redoc_url=None)
    app.state.config = config
    app.state.engine = engine
    _add_error_handlers(app)
    components: list[type[BaseModel]] = [ProblemDetails]
    for module in map(importlib.import_module, ROUTERS):
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
        components += getattr(module, "COMPONENTS", ())
    _document_components(app, components)
    app.add_middleware(RequestLimits, limits=config.limits)
    if config.api_key:
        app.add_middleware(ApiKey, key=config.api_key)
    return app


def _document_components(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """The OpenAPI document, with the schemas routes refer to by name (problem details, batch
    records) added to its components, each built from its pydantic model."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, nested in schema.pop("$defs", {}).items():
                    schemas.setdefault(name, nested)
                schemas.setdefault(model.__name__, schema)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _check_rule_bases(config: WebConfig, engine: str) -> None:
    from advisor.advice.assess import default_engine, rulebase
    from advisor.claims.check import claims_rulebase
    default_engine(rulebase(config.rules), engine)
    claims_rulebase(config.claim_rules)


_DESCRIPTION = """\
The HTTP API of iso-advisor: the same library calls as the command line, with the same
structured problems on bad input, as RFC 9457 problem details (`application/problem+json`).

Limits: a request body of at most {limits.max_body_bytes:,} bytes ({limits.max_upload_bytes:,}
for `/v1/batch`, at most {limits.max_batch_profiles:,} profiles), arriving within
{limits.body_seconds:g} s; evaluating one profile or claim at most {limits.request_seconds:g} s,
a batch {limits.batch_seconds:g} s. Past a limit: 413, 408 or 503 with problem details.
"""


# -- errors: one place -------------------------------------------------------------------------

def _add_error_handlers(app: FastAPI) -> None:
    async def advisor_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, AdvisorError)
        return from_advisor_error(exc, request.url.path)

    async def validation_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, RequestValidationError)
        return from_validation_errors(exc.errors(), request.url.path)

    async def http_error(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(exc.status_code, str(exc.detail), instance=request.url.path,
                                headers=getattr(exc, "headers", None))

    async def internal_error(request: Request, exc: Exception) -> Any:
        log.exception("internal error on %s", request.url.path)
        return problem_response(500, f"internal error: {type(exc).__name__}",
                                instance=request.url.path)

    app.add_exception_handler(AdvisorError, advisor_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)


# -- middleware ---------------------------------------------------------------------------------

class RequestLimits:
    """For the API (/v1): reads the whole request body before a route sees it, within the size limit and the time
    limit, then replays it: a huge body is refused with 413 (early, from Content-Length, when
    the client says), a slow one with 408, and the routes never wait on a client."""

    def __init__(self, app: ASGIApp, limits: Limits):
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS") or \
                not scope["path"].startswith("/v1/"):      # the pages keep their own limits
            await self.app(scope, receive, send)
            return
        limit = (self.limits.max_upload_bytes if scope["path"].rstrip("/") == "/v1/batch"
                 else self.limits.max_body_bytes)
        path = scope["path"]
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _answer(scope, receive, send, problem_response(
                413 if declared.isdigit() else 400,
                f"the request body has {declared} bytes; at most {limit:,} are accepted here"
                if declared.isdigit() else "Content-Length is not a number", instance=path))
            return
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.body_seconds
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                await _answer(scope, None, send, problem_response(
                    408, f"the request body did not arrive within {self.limits.body_seconds:g} s",
                    instance=path, headers={"Connection": "close"}))
                return
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await _answer(scope, None, send, problem_response(
                    413, f"the request body is larger than {limit:,} bytes, the limit here",
                    instance=path, headers={"Connection": "close"}))
                return
            chunks.append(body)
            more = message.get("more_body", False)
        whole = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()               # http.disconnect, when the client goes

        await self.app(scope, replay, send)


class ApiKey:
    """With an API key set, every /v1 route except /v1/health needs it: `Authorization: Bearer
    KEY` or `X-API-Key: KEY` (compared in constant time)."""

    def __init__(self, app: ASGIApp, key: str):
        self.app, self.key = app, key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/") or path == "/v1/health":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-api-key")
        bearer = _header(scope, b"authorization") or ""
        if given is None and bearer[:7].lower() == "bearer ":
            given = bearer[7:].strip()
        if given is None or not hmac.compare_digest(given.encode(), self.key):
            await _answer(scope, receive, send, problem_response(
                401, "this server needs an API key: send 'Authorization: Bearer KEY' or "
                     "'X-API-Key: KEY'" if given is None else "the API key is wrong",
                instance=path, headers={"WWW-Authenticate": 'Bearer realm="iso-advisor"'}))
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


async def _answer(scope: Scope, receive: Receive | None, send: Send,
                  response: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}
    await response(scope, receive or nothing, send)
