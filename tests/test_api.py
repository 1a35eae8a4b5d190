"""The HTTP API as a client sees it: httpx against uvicorn on a random loopback port.

Every bad request gets a 4xx answer in problem details (RFC 9457) carrying the CLI's problems,
never a 500, and the server answers the next request.
"""
from __future__ import annotations

import json
import socket
import time

import httpx
import pytest
from click.testing import CliRunner

from advisor.cli.app import cli
from advisor.web.app import Limits, WebConfig, create_app

from conftest import PROFILES, without_engine
from webserver import running

PROBLEM = "application/problem+json"
ACME = {"name": "Acme", "sector": "construction", "employees": 80}
CLAIM = {"supplier": "Acme", "standard": "ISO 9001:2015", "as_of": "2026-06-30"}
SMALL = Limits(max_body_bytes=20_000, max_upload_bytes=50_000, body_seconds=1.5,
               max_batch_profiles=5)


class Server:
    def __init__(self, url: str):
        self.url, self.port = url, int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def server():
    with running(create_app(WebConfig(limits=SMALL))) as url:
        yield Server(url)


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c
        assert c.get("/v1/health").status_code == 200       # the server answers the next one


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:iso-advisor:problem:")
    assert body["title"] and body["detail"]
    return body


def test_an_assessment_is_the_cli_json(client):
    sample = PROFILES[0]
    import yaml
    data = yaml.safe_load(sample.read_text())
    answer = client.post("/v1/assessments", params={"as_of": "2026-06-30"}, json=data)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    cli_json = CliRunner().invoke(cli, ["evaluate", str(sample), "--format", "json",
                                        "--as-of", "2026-06-30"]).stdout
    api, printed = answer.json(), json.loads(cli_json)
    printed.pop("explanations")          # the CLI's JSON adds every standard's explanation
    assert api == printed
    assert api["as_of"] == "2026-06-30" and api["rulebase_digest"].startswith("sha256:")


def test_as_of_defaults_to_today(client):
    import datetime as dt
    assert client.post("/v1/assessments", json=ACME).json()["as_of"] == dt.date.today().isoformat()


def test_field_problems_are_the_clis(client, tmp_path):
    bad = {**ACME, "sector": "constructon", "colour": "red", "employees": -1}
    body = problem(client.post("/v1/assessments", json=bad), 422)
    assert body["type"].endswith("invalid-profile")
    by_field = {p["field"]: p for p in body["problems"]}
    assert by_field["sector"]["suggestions"] == ["construction"]
    assert by_field["colour"]["message"] == "unknown field 'colour'"
    assert "greater than or equal to 1" in by_field["employees"]["message"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    printed = CliRunner().invoke(cli, ["evaluate", str(path)]).stderr
    for p in body["problems"]:
        assert p["message"] in printed


@pytest.mark.parametrize("body, status, words", [
    (b'{"name": "Acme",', 400, "is not valid JSON"),
    (b"", 400, "is empty"),
    (b"\xff\xfe\x00junk\x00", 400, ""),
    (b'{"name": "A", "name": "B", "sector": "retail", "employees": 3}', 400, "twice"),
    (b"[1, 2]", 422, "must be a mapping"),
    (b'"just text"', 422, "must be a mapping"),
    (b'{"name": "A", "sector": "retail", "employees": 1e400}', 422, "finite"),
])
def test_unreadable_bodies_are_4xx_problems(client, body, status, words):
    answer = client.post("/v1/assessments", content=body,
                         headers={"content-type": "application/json"})
    assert words in problem(answer, status)["detail"] + json.dumps(answer.json()["problems"])


def test_deeply_nested_bodies_are_4xx_problems(client):
    """Python 3.11 reads 5,000 levels as "nested too deeply" (400); 3.13's parser reads them,
    and the list is then no profile (422): a problem either way, never a server error."""
    answer = client.post("/v1/assessments", content=b"[" * 5000 + b"]" * 5000,
                         headers={"content-type": "application/json"})
    body = problem(answer, answer.status_code)
    assert answer.status_code in (400, 422)
    assert "nested too deeply" in body["detail"] or "must be a mapping" in body["detail"]


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/xml"])
def test_other_media_types_are_refused(client, media):
    body = problem(client.post("/v1/assessments", content=json.dumps(ACME),
                               headers={"content-type": media}), 415)
    assert "application/json" in body["detail"]


def test_a_body_without_content_type_is_read_as_json(client):
    answer = client.post("/v1/assessments", content=json.dumps(ACME).encode(),
                         headers={"content-type": ""})
    assert answer.status_code == 200


def test_a_huge_body_is_refused_by_its_declared_length(client):
    body = problem(client.post("/v1/assessments", content=b" " * 30_000,
                               headers={"content-type": "application/json"}), 413)
    assert "20,000" in body["detail"]


def test_a_huge_streamed_body_is_refused_as_it_arrives(client):
    def chunks():
        for _ in range(100):
            yield b" " * 1000
    problem(client.post("/v1/assessments", content=chunks(),
                        headers={"content-type": "application/json"}), 413)


def test_a_slow_client_gets_408_and_the_server_goes_on(server, client):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 100\r\n\r\n{\"name\"")
        started = time.monotonic()
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            reply += data
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"did not arrive within 1.5 s" in reply
    assert time.monotonic() - started < 9
    assert client.post("/v1/assessments", json=ACME).status_code == 200


def test_bad_query_parameters_are_field_problems(client):
    body = problem(client.post("/v1/assessments", params={"as_of": "2026-02-30"}, json=ACME), 422)
    assert body["problems"][0]["field"] == "as_of"


def test_unknown_paths_and_methods_are_problems_too(client):
    problem(client.get("/v1/nothing"), 404)
    problem(client.get("/v1/assessments"), 405)


def test_explain_one_standard(client):
    answer = client.post("/v1/explanations", params={"standard": "iso 45001",
                                                     "as_of": "2026-06-30"}, json=ACME)
    assert answer.status_code == 200
    explained = answer.json()
    assert [e["standard"] for e in explained["explanations"]] == ["ISO 45001"]
    assert explained["explanations"][0]["how"]
    body = problem(client.post("/v1/explanations", params={"standard": "iso 9002"}, json=ACME),
                   422)
    assert body["problems"][0]["field"] == "standard"
    assert "ISO 9001" in body["problems"][0]["message"] + str(body["problems"][0]["suggestions"])
    assert problem(client.post("/v1/explanations", json=ACME), 422)["problems"][0]["field"] == \
        "standard"


def test_check_a_claim(client):
    answer = client.post("/v1/claims", json={**CLAIM, "wording": "certified by ISO"})
    assert answer.status_code == 200
    check = answer.json()
    assert check["verdict"] == "not_credible" and check["as_of"] == "2026-06-30"
    assert {"rule", "text", "source"} <= set(check["red_flags"][0])
    assert check["rulebase_digest"].startswith("sha256:") and check["claim"]["supplier"] == "Acme"
    body = problem(client.post("/v1/claims", json={"suplier": "A", "standard": "ISO 9001"}), 422)
    assert body["type"].endswith("invalid-claim")
    assert any(p["suggestions"] == ["supplier"] for p in body["problems"])


def _lines(answer: httpx.Response) -> list[dict]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in answer.text.splitlines()]


CSV = ("name,sector,employees,countries\nAlpha,retail,5,DE;FR\nBeta,retale,5,\n"
       "Gamma,software_saas,40,NL\n")


def test_batch_from_csv_keeps_every_row_in_place(client):
    records = _lines(client.post("/v1/batch", params={"as_of": "2026-06-30"}, content=CSV,
                                 headers={"content-type": "text/csv"}))
    assert [r["source"] for r in records] == ["request body, row 2", "request body, row 3",
                                              "request body, row 4"]
    assert [r["organization"] for r in records] == ["Alpha", "Beta", "Gamma"]
    assert "assessment" in records[0] and "assessment" in records[2]
    assert records[1]["error"]["problems"][0]["suggestions"] == ["retail"]
    assert all(r["as_of"] == "2026-06-30" and r["rulebase_digest"].startswith("sha256:")
               for r in records)
    assert records[0]["assessment"]["profile"]["countries"] == ["DE", "FR"]


def test_batch_answers_as_the_cli_writes_jsonl(client, tmp_path):
    path = tmp_path / "upload.csv"
    path.write_text(CSV)
    printed = CliRunner().invoke(cli, ["batch", str(path), "--format", "jsonl",
                                       "--as-of", "2026-06-30"]).stdout
    answer = client.post("/v1/batch", params={"as_of": "2026-06-30"},
                         files={"file": ("upload.csv", CSV.encode(), "text/csv")})
    assert without_engine(answer.text) == without_engine(printed.replace(str(path), "upload.csv"))


def test_batch_from_json_and_json_lines(client):
    profiles = [ACME, {"name": "Beta", "sector": "retail", "employees": 3}]
    from_json = _lines(client.post("/v1/batch", json=profiles))
    lines = "\n".join(json.dumps(p) for p in profiles) + "\n"
    from_lines = _lines(client.post("/v1/batch", content=lines,
                                    headers={"content-type": "application/x-ndjson"}))
    assert [r["source"] for r in from_json] == ["request body, item 1", "request body, item 2"]
    assert [r["source"] for r in from_lines] == ["request body, line 1", "request body, line 2"]
    assert [r["assessment"]["recommendations"] for r in from_json] == \
        [r["assessment"]["recommendations"] for r in from_lines]


def test_batch_limits_and_media_types(client):
    six = [ACME] * 6
    assert "at most 5" in problem(client.post("/v1/batch", json=six), 413)["detail"]
    problem(client.post("/v1/batch", content="x", headers={"content-type": "text/plain"}), 415)
    problem(client.post("/v1/batch", files={"file": ("a.txt", b"x", "text/plain")}), 415)
    problem(client.post("/v1/batch", files={"other": ("a.csv", b"x", "text/csv")}), 422)
    unreadable = _lines(client.post("/v1/batch", content="{broken",
                                    headers={"content-type": "application/json"}))
    assert unreadable[0]["source"] == "request body" and "not valid JSON" in \
        unreadable[0]["error"]["message"]


def test_catalog_schemas_health_and_openapi(client):
    catalog = client.get("/v1/standards").json()
    assert catalog[0]["standard"] == "ISO 9001" and any(e.get("guidance_only") for e in catalog)
    schema = client.get("/v1/schemas/assessment").json()
    assert schema["$id"].startswith("urn:iso-advisor:schema:assessment:")
    problem(client.get("/v1/schemas/nothing"), 422)
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["rulebase_digest"].startswith("sha256:")
    document = client.get("/openapi.json").json()
    assert {"/v1/assessments", "/v1/claims", "/v1/batch", "/v1/explanations", "/v1/standards",
            "/v1/health"} <= set(document["paths"])
    body = document["paths"]["/v1/assessments"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/Profile"}
    assert document["components"]["schemas"]["Profile"]["additionalProperties"] is False
    errors = document["paths"]["/v1/assessments"]["post"]["responses"]["422"]["content"]
    assert list(errors) == ["application/problem+json"]
    assert client.get("/").status_code == 200 and "iso-advisor" in client.get("/").text
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "/v1/assessments" in docs.text and "application/problem+json" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()   # works offline


def test_an_api_key_guards_the_api_but_not_health():
    key = "k" * 24
    with running(create_app(WebConfig(api_key=key))) as url, httpx.Client(base_url=url) as c:
        missing = problem(c.post("/v1/assessments", json=ACME), 401)
        assert "API key" in missing["detail"]
        assert c.post("/v1/assessments", json=ACME).headers["www-authenticate"].startswith("Bearer")
        problem(c.post("/v1/assessments", json=ACME, headers={"x-api-key": "wrong"}), 401)
        assert c.post("/v1/assessments", json=ACME,
                      headers={"authorization": f"Bearer {key}"}).status_code == 200
        assert c.post("/v1/assessments", json=ACME, headers={"x-api-key": key}).status_code == 200
        assert c.get("/v1/health").status_code == 200


def test_concurrent_clients_get_the_sequential_answers(server):
    import concurrent.futures
    profiles = [{**ACME, "employees": n} for n in range(1, 41)]
    with httpx.Client(base_url=server.url, timeout=60) as c:
        expected = [c.post("/v1/assessments", params={"as_of": "2026-06-30"}, json=p).text
                    for p in profiles]

    def ask(p: dict) -> str:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return c.post("/v1/assessments", params={"as_of": "2026-06-30"}, json=p).text
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, profiles)) == expected


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_batch_from_a_workbook_upload_names_sheet_and_row(client, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Clients"
    for row in (["name", "sector", "employees"], ["Alpha", "retail", 5],
                ["Beta", "retale", 5], ["Gamma", "software_saas", 40]):
        sheet.append(row)
    path = tmp_path / "clients.xlsx"
    book.save(path)
    for sent in ({"files": {"file": ("clients.xlsx", path.read_bytes(), XLSX)}},
                 {"content": path.read_bytes(), "headers": {"content-type": XLSX}}):
        records = _lines(client.post("/v1/batch", **sent))
        assert [r["organization"] for r in records] == ["Alpha", "Beta", "Gamma"]
        assert [("error" in r) for r in records] == [False, True, False]
        assert "sheet 'Clients', row 3" in records[1]["source"]
        assert records[1]["error"]["problems"][0]["suggestions"] == ["retail"]
