"""`/docs`: the API's reference as one plain HTML page, rendered on the server from the OpenAPI
document (FastAPI's Swagger UI would load its scripts from a CDN: nothing shows offline)."""
from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a}code,pre{background:#f3f3f3;padding:0 .25em;border-radius:3px}
h2{margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}.method{font-weight:700;
color:#fff;background:#245;padding:.1em .5em;border-radius:3px;margin-right:.5em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;
vertical-align:top}"""


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if not name:
        return escape(schema.get("type", "any"))
    shown = f'<a href="/openapi.json">{escape(name)}</a>'
    return f"array of {shown}" if "items" in schema else shown


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> str:
    document = request.app.openapi()
    info = document["info"]
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
             f"{escape(info['title'])} API</title><meta name=\"viewport\" content=\"width=device-"
             f"width, initial-scale=1\"><style>{_STYLE}</style></head><body>",
             f"<h1>{escape(info['title'])} {escape(info['version'])}: HTTP API</h1>",
             f"<p>{escape(info.get('summary', ''))}</p>",
             f"<pre>{escape(info.get('description', ''))}</pre>",
             '<p>The machine-readable document: <a href="/openapi.json"><code>/openapi.json'
             "</code></a> (OpenAPI 3.1).</p>"]
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            parts.append(f"<h2><span class=\"method\">{method.upper()}</span><code>"
                         f"{escape(path)}</code></h2><p><b>{escape(op.get('summary', ''))}</b>"
                         f"</p><p>{escape(op.get('description', ''))}</p>")
            params = op.get("parameters", [])
            if params:
                parts.append("<table><tr><th>parameter</th><th>in</th><th>what</th></tr>" + "".join(
                    f"<tr><td><code>{escape(p['name'])}</code>{' (required)' if p.get('required') else ''}"
                    f"</td><td>{escape(p['in'])}</td><td>{escape(p.get('description', ''))}</td></tr>"
                    for p in params) + "</table>")
            body = op.get("requestBody")
            if body:
                kinds = ", ".join(f"<code>{escape(media)}</code> ({_schema_name(spec.get('schema', {}))})"
                                  for media, spec in body["content"].items())
                parts.append(f"<p>Body: {kinds}. {escape(body.get('description', ''))}</p>")
            answers = "".join(
                f"<tr><td>{escape(status)}</td><td>{escape(spec.get('description', ''))}</td>"
                f"<td>{', '.join(f'<code>{escape(m)}</code>' for m in spec.get('content', {}))}"
                "</td></tr>" for status, spec in op.get("responses", {}).items())
            parts.append("<table><tr><th>answer</th><th>when</th><th>as</th></tr>"
                         f"{answers}</table>")
    parts.append("</body></html>")
    return "".join(parts)
