"""JSON Schemas of the documents integrations exchange, published by `iso-advisor schema KIND`
and the HTTP API (`GET /v1/schemas/KIND`): generated from the same pydantic models that read
and write them, so they cannot drift.

Each schema names its dialect (`$schema`, JSON Schema 2020-12, which pydantic emits) and its
identity (`$id`, a URN with the advisor's version: the schema of a later version may differ).
"""
from __future__ import annotations

import importlib
from typing import Any

from advisor.version import __version__

DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: kind -> (module, model); the assessment schema includes the explanations `--format json` adds
MODELS = {"profile": ("advisor.advice.models", "Profile"),
          "assessment": ("advisor.advice.explain", "ExplainedAssessment"),
          "claim": ("advisor.claims.models", "Claim"),
          "claim-check": ("advisor.claims.models", "ClaimCheck")}


def schema_id(kind: str) -> str:
    return f"urn:iso-advisor:schema:{kind}:{__version__}"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind` (one of MODELS), with `$schema` and `$id` first."""
    module, name = MODELS[kind]
    model = getattr(importlib.import_module(module), name)
    return {"$schema": DIALECT, "$id": schema_id(kind), **model.model_json_schema()}
