"""A property-based run of the OpenAPI document (Schemathesis) against the live server: for
generated valid and invalid requests to every operation, no 5xx, every answer's status code,
content type and body as the document says."""
from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error,
                                 response_schema_conformance, status_code_conformance)

from advisor.web.app import Limits, WebConfig, create_app

from webserver import running

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("ISO_ADVISOR_API_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx, value):
    """JSON Lines bodies are documented as text: text is sent as generated; anything else (the
    invalid bodies of negative testing) as one JSON document a line."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()


CONFIG = WebConfig(limits=Limits(max_batch_profiles=50))
schema = schemathesis.openapi.from_dict(create_app(CONFIG).openapi())


@pytest.fixture(scope="module")
def live():
    with running(create_app(CONFIG)) as url:
        yield url


def test_the_document_served_is_the_one_tested(live):
    import httpx
    assert httpx.get(f"{live}/openapi.json").json() == schema.raw_schema


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_document(case, live):
    case.call_and_validate(base_url=live, checks=CHECKS, timeout=60)
