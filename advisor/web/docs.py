"""`/docs`: the API's reference as one plain HTML page, rendered on the server from the OpenAPI
document with the pages' templates (FastAPI's Swagger UI would load its scripts from a CDN:
nothing shows offline)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from advisor.web.pages import page

router = APIRouter(include_in_schema=False)


def _schema(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    return {"ref": ref.rsplit("/", 1)[-1], "array": "items" in schema,
            "type": schema.get("type", "any")}


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
             "description": op.get("description", ""), "parameters": op.get("parameters", []),
             "body": op.get("requestBody") and {
                 "description": op["requestBody"].get("description", ""),
                 "kinds": [(media, _schema(spec.get("schema", {})))
                           for media, spec in op["requestBody"]["content"].items()]},
             "answers": [(status, spec.get("description", ""), list(spec.get("content", {})))
                         for status, spec in op.get("responses", {}).items()]}
            for path, operations in document["paths"].items()
            for method, op in operations.items()]


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    document = request.app.openapi()
    return page("api_docs.html", info=document["info"], operations=_operations(document))
