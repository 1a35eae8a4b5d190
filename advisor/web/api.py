"""The HTTP API under /v1: thin routes over the library (evaluate, explain, check_claim, batch).

Request bodies are read by the same readers as files on the command line (duplicate keys,
nesting, number limits, CSV and JSON Lines), so a bad request gets the same problems the CLI
prints, as problem details. Bodies are declared in the OpenAPI document with the library's own
pydantic models; responses are the library's models serialised once, as the CLI prints them.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Optional, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response, StreamingResponse

from advisor import schemas
from advisor.advice import catalog
from advisor.advice.assess import evaluate, record_fields, rulebase
from advisor.advice.explain import ExplainedAssessment, explain
from advisor.advice.models import Assessment, EngineName
from advisor.claims.check import check_claim, claims_rulebase
from advisor.claims.models import ClaimCheck
from advisor.errors import AdvisorError, Problem, printable
from advisor.inputs.loaders import decode, parse_document
from advisor.version import __version__
from advisor.web.problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE

T = TypeVar("T")
JSON = "application/json"
JSON_LINES = "application/x-ndjson"
#: Upload media types of POST /v1/batch -> the file suffix whose reader reads them.
BATCH_MEDIA = {JSON: ".json", JSON_LINES: ".jsonl", "application/jsonl": ".jsonl",
               "text/csv": ".csv",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx"}
BODY_SOURCE = "request body"


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem answers a route can give (application/problem+json)."""
    words = {400: "The body cannot be read (not JSON, not UTF-8, nested too deeply).",
             401: "An API key is needed, or the one given is wrong.",
             408: "The request body did not arrive in time.",
             413: "The request body, or the batch, is over the limit.",
             415: "The body's media type is not one this route reads.",
             422: "The input is invalid: `problems` names each field, what is wrong and what "
                  "would be valid.",
             503: "Processing took longer than the limit, or the server's rule base broke."}
    return {status: {"description": words[status], "content": {
        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
        for status in statuses}


BODY_ERRORS = _errors(400, 401, 408, 413, 415, 422, 503)
router = APIRouter(prefix="/v1", responses=_errors(401))


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {JSON: {"schema": schema}}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


AsOf = Query(None, description="Apply the rules in force on this date (YYYY-MM-DD; default "
                               "today). The answer states it.")


# -- reading requests ---------------------------------------------------------------------------

def _media_type(request: Request) -> str | None:
    value = request.headers.get("content-type")
    return value.split(";")[0].strip().lower() if value else None


async def read_json(request: Request) -> Any:
    """The body as JSON data, read as the CLI reads a .json file; a body without Content-Type
    is taken as JSON, any other media type than JSON is refused (415)."""
    media = _media_type(request)
    if media is not None and media != JSON and not media.endswith("+json"):
        raise HTTPException(415, f"the body is '{media}'; send JSON with "
                                 f"'Content-Type: {JSON}'")
    raw = await request.body()
    return parse_document(decode(raw, BODY_SOURCE), BODY_SOURCE, ".json")


async def in_thread(request: Request, work: Callable[..., T], *args: Any, **kw: Any) -> T:
    """`work` in a worker thread (the event loop keeps answering), within the time limit."""
    seconds = request.app.state.config.limits.request_seconds
    try:
        return await asyncio.wait_for(run_in_threadpool(work, *args, **kw), seconds)
    except asyncio.TimeoutError:
        raise HTTPException(503, f"processing took longer than {seconds:g} s, the limit") from None


def _json_response(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type=JSON)


def _settings(request: Request) -> tuple[Any, Any, str]:
    config = request.app.state.config
    return config.rules, config.claim_rules, request.app.state.engine


# -- routes -------------------------------------------------------------------------------------

class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]
    advisor_version: str
    engine: EngineName
    rulebase_version: str
    rulebase_digest: str
    claim_rulebase_version: str
    claim_rulebase_digest: str


@router.get("/health", response_model=Health, summary="Is the server up, and with which rules?",
            responses={401: {"description": "never: health needs no key"}})
def health(request: Request) -> Health:
    rules, claim_rules, engine = _settings(request)
    rb, crb = rulebase(rules), claims_rulebase(claim_rules)
    return Health(status="ok", advisor_version=__version__, engine=engine,
                  rulebase_version=rb.version, rulebase_digest=rb.content_digest,
                  claim_rulebase_version=crb.version, claim_rulebase_digest=crb.content_digest)


@router.post("/assessments", response_model=Assessment, responses=BODY_ERRORS,
             summary="Assess one organization profile",
             openapi_extra=_json_body(_ref("Profile"), "An organization profile (contract §1)."))
async def create_assessment(request: Request, as_of: Optional[dt.date] = AsOf) -> Response:
    """The assessment (contract §2) of the profile in the body: decisions, priorities, reasons
    with their rules and sources, unknowns that could change the advice, and the decision
    record (as_of, rule base version and digest, advisor version, engine, normalised profile)."""
    data = await read_json(request)
    rules, _, engine = _settings(request)
    return _json_response(await in_thread(request, evaluate, data, rules=rules, engine=engine,
                                          as_of=as_of))


@router.post("/explanations", response_model=ExplainedAssessment, responses=BODY_ERRORS,
             summary="Assess a profile and explain one standard's decision",
             openapi_extra=_json_body(_ref("Profile"), "An organization profile (contract §1)."))
async def create_explanation(
        request: Request,
        standard: str = Query(..., min_length=1, max_length=100,
                              description="The standard to explain, as people write it "
                                          "('ISO 27001', 'iso9001', 'IATF16949')."),
        as_of: Optional[dt.date] = AsOf) -> Response:
    """The assessment with `explanations` for one standard: how it was decided, why not
    higher, which answers would change it (each checked by re-evaluating), and the unknown
    answers it depends on."""
    data = await read_json(request)
    rules, _, engine = _settings(request)
    try:
        explained = await in_thread(request, explain, data, standard, rules=rules, engine=engine,
                                    as_of=as_of)
    except AdvisorError as exc:       # the library names the CLI option; here it is a parameter
        raise type(exc)([dataclasses.replace(p, field="standard") if p.field == "--explain"
                         else p for p in exc.problems]) from None
    return _json_response(explained)


@router.post("/claims", response_model=ClaimCheck, responses=BODY_ERRORS,
             summary="Judge a supplier's certification claim",
             openapi_extra=_json_body(_ref("Claim"), "A certification claim (contract §6)."))
async def create_claim_check(request: Request, as_of: Optional[dt.date] = AsOf) -> Response:
    """The verdict (credible, verify, not_credible), red flags with rule, text and source, and
    what to verify where. The claim's own `as_of` wins over the query parameter."""
    data = await read_json(request)
    _, claim_rules, engine = _settings(request)
    return _json_response(await in_thread(request, check_claim, data, rules=claim_rules,
                                          engine=engine, as_of=as_of))


BATCH_BODY = {"requestBody": {
    "required": True,
    "description": "Profiles: a JSON array, JSON Lines (one profile a line), CSV (one a row, "
                   "columns named as the profile fields, lists separated by ';'), or a "
                   "multipart form with the file in `file` (its name's extension says which).",
    "content": {
        JSON: {"schema": {"type": "array", "items": _ref("Profile")}},
        JSON_LINES: {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}},
    }}}


class BatchRecord(BaseModel):
    """One line of the batch answer: where the profile came from, how it was scored, and its
    assessment or the error that stopped it (as `iso-advisor batch --format jsonl`)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    organization: Optional[str]
    rulebase_version: str
    rulebase_digest: str
    as_of: dt.date
    advisor_version: str
    engine: EngineName
    format_version: int
    assessment: Optional[Assessment] = None
    error: Optional[dict[str, Any]] = Field(default=None, description=(
        "kind, message and problems (field, message, suggestions, valid)"))


@router.post("/batch", responses={
    200: {"description": "One JSON object a line (application/x-ndjson), in input order, "
                         "streamed as profiles are scored.",
          "content": {JSON_LINES: {"schema": _ref("BatchRecord")}}},
    **BODY_ERRORS}, summary="Score many profiles (JSON, JSON Lines, CSV or a file upload)",
             openapi_extra=BATCH_BODY, response_class=StreamingResponse)
async def score_batch(request: Request, as_of: Optional[dt.date] = AsOf) -> StreamingResponse:
    """Every profile scored in input order, streamed back as JSON Lines. A profile that cannot
    be read or scored gets a record with an `error` in its place; the others are scored."""
    limits = request.app.state.config.limits
    name, suffix, raw = await _upload(request)
    records = await in_thread(request, _read_records, raw, name, suffix)
    if len(records) > limits.max_batch_profiles:
        raise HTTPException(413, f"the batch holds {len(records):,} profiles; at most "
                                 f"{limits.max_batch_profiles:,} are scored in one request")
    rules, _, engine = _settings(request)
    day = as_of or dt.date.today()
    rb = rulebase(rules)
    provenance = {"rulebase_version": rb.version, **record_fields(rb, engine, day)}
    return StreamingResponse(_scored_lines(records, rules, engine, day, provenance,
                                           limits.batch_seconds), media_type=JSON_LINES)


async def _upload(request: Request) -> tuple[str, str, bytes]:
    """(display name, suffix, bytes) of the batch in the body or in the form's `file`."""
    media = _media_type(request) or JSON
    if media == "multipart/form-data":
        async with request.form(max_files=1, max_fields=10) as form:   # closes the files
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise AdvisorError([Problem("the form has no file in the field 'file'",
                                            field="file", source=BODY_SOURCE)])
            name = printable(Path(upload.filename or "upload").name, 100)
            suffix = Path(name).suffix.lower()
            if suffix not in BATCH_MEDIA.values():
                raise HTTPException(415, f"the file '{name}' is not one of: "
                                         + ", ".join(sorted(set(BATCH_MEDIA.values()))))
            return name, suffix, await upload.read()
    if media not in BATCH_MEDIA:
        raise HTTPException(415, f"the body is '{media}'; send one of: "
                                 + ", ".join([*BATCH_MEDIA, "multipart/form-data"]))
    return BODY_SOURCE, BATCH_MEDIA[media], await request.body()


def _read_records(raw: bytes, name: str, suffix: str) -> list:
    """Every record of the upload, read by the batch readers from a private temporary file;
    sources name the upload, not the file."""
    from advisor.advice.batch import read_file
    folder = tempfile.mkdtemp(prefix="iso-advisor-upload-")
    try:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(raw)
        return [_renamed(record, str(path), name) for record in read_file(path)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _renamed(record: Any, temporary: str, name: str) -> Any:
    error = record.error
    if error is not None:
        error = type(error)([dataclasses.replace(p, source=name if p.source == temporary
                                                 else p.source) for p in error.problems])
    return dataclasses.replace(record, file=name, error=error)


def _scored_lines(records: list, rules: Any, engine: str, as_of: dt.date,
                  provenance: dict[str, Any], seconds: float) -> Iterator[bytes]:
    """JSON Lines, one per record, as `batch --format jsonl` writes them; past the time limit
    the stream ends with a record saying so (the status line has long been sent)."""
    from advisor.advice.batch import BatchError, Scored, evaluate_many
    from advisor.render.batch import BatchFormat, record_json
    encoded = BatchFormat(record=provenance).provenance
    deadline = time.monotonic() + seconds
    results = evaluate_many(records, jobs=1, rules=rules, engine=engine, as_of=as_of)
    for n, (record, result) in enumerate(zip(records, results)):
        view = result if isinstance(result, BatchError) else Scored.of(result, with_json=True)
        yield (record_json(record.source, view, encoded) + "\n").encode()
        if time.monotonic() > deadline and n + 1 < len(records):
            stop = BatchError(None, None, (Problem(
                f"the batch took longer than {seconds:g} s, the limit; {len(records) - n - 1:,} "
                "profiles after this line were not scored: send them in another request"),),
                "time limit")
            yield (record_json("request", stop, encoded) + "\n").encode()
            return


class CatalogEntry(BaseModel):
    """A catalog standard, or a guidance standard (`guidance_only`) with why it cannot be
    certified."""

    model_config = ConfigDict(extra="forbid")

    standard: str
    title: Optional[str] = None
    purpose: Optional[str] = None
    harmonized_structure: Optional[bool] = None
    sectors: Optional[list[str]] = None
    scheme_owner: Optional[str] = None
    certified_by: Optional[str] = None
    audit_time: Optional[str] = None
    guidance_only: Optional[bool] = None
    why: Optional[str] = None
    related_to: Optional[str] = None
    what: Optional[str] = None


@router.get("/standards", response_model=list[CatalogEntry], summary="The catalog of standards")
def standards(request: Request) -> list[dict[str, Any]]:
    """Every standard the advisor decides on (of the server's rule base), with what it is for,
    then the guidance standards that profiles may name but that cannot be certified, then
    related standards outside the catalog."""
    rules, _, _ = _settings(request)
    with catalog.using(catalog.of(rulebase(rules))):
        return catalog.describe()


SchemaKind = Literal["profile", "assessment", "claim", "claim-check"]


@router.get("/schemas/{kind}", response_model=dict[str, Any], responses=_errors(422),
            summary="JSON Schema of a profile, assessment, claim or claim check")
def json_schema(kind: SchemaKind) -> dict[str, Any]:
    """The same schema as `iso-advisor schema KIND` (JSON Schema 2020-12, with $schema, $id)."""
    return schemas.json_schema(kind)


#: Schemas the OpenAPI document needs beyond the routes' own models (see app.create_app).
COMPONENTS = (BatchRecord,)
