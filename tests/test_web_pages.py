"""The web questionnaire's pages (advisor.web.pages), through an HTTP client: the same questions,
numbers and relevance as `iso-advisor ask`, state in the address, errors next to the field,
no server error for any input. The real-browser run is tests/test_web_browser.py."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from advisor.advice.questionnaire import QUESTIONS  # noqa: E402
from advisor.web import state as tokens  # noqa: E402

from test_cli_ask import run as run_ask  # noqa: E402
from test_questionnaire import ACME, script_for, typed  # noqa: E402
from conftest import ROOT  # noqa: E402
from webserver import app_with_pages, running  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with running(app_with_pages()) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def field_of(url: str) -> str | None:
    path = urlsplit(url).path
    return path.split("/ask/", 1)[1] if path.startswith("/ask/") else None


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["s"][0]


def answer(client, url: str, name: str, text: str | list[str], action: str = "next",
           confirmed: str | None = None):
    data = {"s": token_of(url), "action": action, "answer": text}
    if confirmed is not None:
        data["confirmed"] = confirmed
    return client.post(f"/ask/{name}", data=data, follow_redirects=False)


def web_text(name: str, value) -> str | list[str]:
    """How a person answers in the browser: ticks for lists of choices, else typing."""
    q = QUESTIONS[name]
    if q.kind == "choices":
        return list(value or [])
    return typed(name, value)


def drive(client, answers: dict) -> str:
    """Answer every question the pages ask from `answers`; returns the review page's URL."""
    response = client.get("/start", follow_redirects=False)
    url = response.headers["location"].removeprefix(str(client.base_url).rstrip("/"))
    for _ in range(40):
        name = field_of(url)
        if name is None:
            return url
        value = answers.get(name)
        if value is None and not QUESTIONS[name].required:
            response = answer(client, url, name, "", action="dontknow")
        else:
            text = web_text(name, value)
            response = answer(client, url, name, text)
            if response.status_code == 200 and 'id="confirm"' in response.text:
                response = answer(client, url, name, text, confirmed=text)
        assert response.status_code == 303, (name, response.status_code, response.text[:2000])
        url = response.headers["location"]
    raise AssertionError("the questionnaire did not end")


def test_the_whole_questionnaire_then_the_report_and_downloads(client):
    review = drive(client, ACME)
    assert urlsplit(review).path == "/review"
    page = client.get(review)
    assert page.status_code == 200 and "Acme Metal Works" in page.text
    assert "<td>Workplace hazards</td>" in page.text and ">ohs_risk<" not in page.text  # words
    report = client.get(review.replace("/review", "/report"))
    assert report.status_code == 200
    assert "Management-system certification plan for Acme Metal Works" in report.text
    assert "Board report (PDF)" in report.text and "Next steps" in report.text
    saved = client.get(review.replace("/review", "/download/profile.yaml"))
    assert saved.headers["content-disposition"].startswith("attachment")
    assert "name: Acme Metal Works" in saved.text


def test_web_and_terminal_give_the_same_assessment_byte_for_byte(client):
    review = drive(client, ACME)
    web = client.get(review.replace("/review", "/download/assessment.json"))
    terminal = run_ask(["--format", "json"], script_for(ACME))
    assert terminal.exit_code == 0, terminal.output
    assert web.content.decode("utf-8") == terminal.stdout
    assert json.loads(web.content)["organization"] == "Acme Metal Works"


def test_a_decimal_comma_is_confirmed_then_stored_as_nine_terajoules(client):
    url = "/ask/annual_energy_tj?s=" + token_of(drive_to(client, "annual_energy_tj"))
    first = answer(client, url, "annual_energy_tj", "2,5 GWh")
    assert first.status_code == 200 and "We read this as <strong>2.5 GWh = 9 TJ</strong>" in first.text
    done = answer(client, url, "annual_energy_tj", "2,5 GWh", confirmed="2,5 GWh")
    assert done.status_code == 303
    state = tokens.decode(token_of(done.headers["location"]), _relevance())
    assert state.answers["annual_energy_tj"] == 9.0


def test_an_ambiguous_number_is_asked_again_next_to_the_field(client):
    url = "/ask/annual_energy_tj?s=" + token_of(drive_to(client, "annual_energy_tj"))
    page = answer(client, url, "annual_energy_tj", "2.500 MWh")
    assert page.status_code == 422
    assert 'aria-invalid="true"' in page.text and 'id="error" role="alert"' in page.text
    error = page.text.index('id="error"')
    assert page.text.index('id="help"') < error < page.text.index('id="answer"')  # by the field
    assert "2500 MWh = 9 TJ" in page.text and "2.5 MWh = 0.009 TJ" in page.text


def test_a_typo_gets_a_did_you_mean(client):
    url = "/ask/countries?s=" + token_of(drive_to(client, "countries"))
    page = answer(client, url, "countries", "Germny")
    assert page.status_code == 422 and "Germany" in page.text


def test_back_and_forward_links_walk_the_answers(client):
    url = drive_to(client, "countries")
    page = client.get(url)
    back = re.search(r'<a class="button secondary" href="([^"]+)">Back</a>', page.text).group(1)
    assert field_of(back.replace("&amp;", "&")) == "sites" or field_of(back) is not None
    previous = client.get(back.replace("&amp;", "&"))
    assert previous.status_code == 200 and "Forward to the next question" in previous.text


def test_escaping_and_bad_requests_never_give_a_server_error(client):
    start = client.get("/start", follow_redirects=False).headers["location"]
    page = answer(client, start, "name", "<script>alert(1)</script>")
    assert page.status_code == 303
    shown = client.get(page.headers["location"].replace("/ask/sector", "/review"))
    assert "<script>alert" not in shown.text and "&lt;script&gt;" in shown.text
    for path in ("/ask/sector?s=garbage!!", "/ask/sector?s=" + "A" * 20_000, "/report?s=eA==",
                 "/ask/not_a_question", "/download/nothing?s=", "/report"):
        response = client.get(path)
        assert 400 <= response.status_code < 500 and "<html" in response.text, path
    assert client.post("/ask/name", content=b"\xff" * 10, headers={
        "content-type": "multipart/form-data; boundary=x"}).status_code == 400
    assert client.post("/ask/name", content=b"a" * 2_000_000, headers={
        "content-type": "application/x-www-form-urlencoded"}).status_code == 400
    assert client.post("/resume", files={"profile": ("p.txt", b"x")}).status_code == 422


def test_resume_from_a_saved_profile(client, tmp_path):
    partial = b"name: Acme\nsector: retail\n"
    response = client.post("/resume", files={"profile": ("answers.yaml", partial)},
                           follow_redirects=False)
    assert response.status_code == 303 and field_of(response.headers["location"]) == "employees"
    bad = client.post("/resume", files={"profile": ("answers.yaml", b"name: Acme\ncolour: red\n")})
    assert bad.status_code == 422 and "unknown field &#39;colour&#39;" in bad.text


def _relevance():
    from advisor.advice.questionnaire import Relevance
    from advisor.kernel.rulebase import load
    return Relevance(load())


def drive_to(client, target: str) -> str:
    """The URL of question `target` with ACME's basic answers given (energy is asked when
    relevant; here it is reached directly, which the pages allow at any time)."""
    response = client.get("/start", follow_redirects=False)
    url = response.headers["location"].removeprefix(str(client.base_url).rstrip("/"))
    for name in ("name", "sector", "employees"):
        response = answer(client, url, name, typed(name, ACME[name]))
        url = response.headers["location"]
    return f"/ask/{target}?s={token_of(url)}"


@pytest.mark.slow
def test_many_tabs_at_once_each_keep_their_own_answers(client):
    """Eight tabs answering different organizations at the same time: each ends with its own."""
    from concurrent.futures import ThreadPoolExecutor
    base = str(client.base_url)

    def tab(n: int) -> str:
        with httpx.Client(base_url=base, timeout=120) as own:
            review = drive(own, dict(ACME, name=f"Tab {n} GmbH", employees=20 + n))
            return own.get(review).text

    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(tab, range(8)))
    for n, page in enumerate(pages):
        assert f"Tab {n} GmbH" in page and f"{20 + n} people" in page


# ---------------------------------------------------------------------------------------------
# Anything typed into any field: an answer, or a message next to that field; never a 500


HOSTILE = ["", " ", "\t\n", "\x00", "\x1b[31m", "\u202eevil", "😀", "²", "٣", "1" * 5000,
           "9" * 400, "-1", "-0", "1e309", "nan", "inf", "0x10", "1.234,5", "12 TJ", "12 foo",
           "<b>x</b>&amp;", "{name}", "%s%n", "1,2,3", ";;;", "yes no", "null", "[]", "a" * 5000]


@pytest.fixture(scope="module")
def started(client) -> str:
    """The token of ACME's three basic answers."""
    return basic_token(client)


def basic_token(c) -> str:
    url = c.get("/start", follow_redirects=False).headers["location"]
    for name in ("name", "sector", "employees"):
        url = answer(c, url, name, typed(name, ACME[name])).headers["location"]
    return token_of(url)


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_anything_typed_into_any_field_is_an_answer_or_a_message_next_to_it(client, started,
                                                                            name):
    token = started
    for text in HOSTILE + [["zzz", "\x00", "1" * 5000]]:
        response = client.post(f"/ask/{name}", data={"s": token, "answer": text},
                             follow_redirects=False)
        assert response.status_code in (200, 303, 422), (name, text, response.status_code)
        if response.status_code == 303:
            continue                         # a valid answer, taken
        page = response.text
        if response.status_code == 200:      # a number read with a unit: asked to confirm
            assert 'id="confirm"' in page, (name, text)
            continue
        error = page.index('id="error" role="alert"')
        assert page.index('id="help"') < error, (name, text)                # next to the field
        field = page.index('id="answer"') if 'id="answer"' in page else page.index('id="opt-1"')
        assert error < field, (name, text)
        assert "<script" not in page and "\x00" not in page and "\x1b" not in page


def test_odd_requests_to_the_pages_are_never_a_server_error(client, started):
    token = started
    odd = [("post", "/ask/ohs_risk", {"s": token, "action": "zzz", "answer": "x"}),
           ("post", "/ask/name", {"s": token, "action": "dontknow"}),    # a required question
           ("post", "/ask/name", {}), ("post", "/ask/name", {"s": "!!", "answer": "x"}),
           ("post", "/resume", {}), ("post", "/resume", {"pasted": "\x00" * 10}),
           ("post", "/resume", {"pasted": "a: &x [*x, *x]\n"}), ("post", "/resume", {"pasted": "[1, 2]"}),
           ("post", "/resume", {"pasted": "{" * 50_000}),
           ("get", "/start?decimal=" + "x" * 5000, None), ("get", "/review?s=" + "%00" * 10, None),
           ("get", "/ask/%00", None), ("get", "/download/report.pdf", None),
           ("get", "/download/profile.yaml?s=" + "A" * 16_001, None)]
    for method, path, data in odd:
        response = getattr(client, method)(path, **({"data": data} if data is not None else {}),
                                         follow_redirects=False)
        assert response.status_code < 500, (path, data and str(data)[:60], response.status_code)
        if response.status_code >= 400:
            assert 'role="alert"' in response.text, path


def test_a_pasted_profile_resumes_like_an_uploaded_one(client):
    for text in ("name: Acme\nsector: retail\n", '{"name": "Acme", "sector": "retail"}'):
        response = client.post("/resume", data={"pasted": text}, follow_redirects=False)
        assert response.status_code == 303 and field_of(response.headers["location"]) == "employees"
    bad = client.post("/resume", data={"pasted": "name: Acme\nsector: retial\n"})
    assert bad.status_code == 422
    page = bad.text
    error = page.index('id="resume-error"')
    assert page.index('for="pasted"') < error < page.index('<textarea id="pasted"')  # by the box
    assert "did you mean &#39;retail&#39;?" in page and "the pasted profile" in page
    assert 'aria-invalid="true" autofocus' in page
    assert "sector: retial" in page                    # what was pasted stays, to be corrected
    empty = client.post("/resume", data={"pasted": "  "})
    assert empty.status_code == 422 and "paste its text" in empty.text
    upload = client.post("/resume", files={"profile": ("p.yaml", b"name: [\n")})
    assert upload.status_code == 422
    assert upload.text.index('for="profile"') < upload.text.index('id="resume-error"') < \
        upload.text.index('id="pasted"')                 # next to the file field this time


def test_a_chunked_body_past_the_limit_is_refused_and_the_server_goes_on(client):
    def body():
        for _ in range(30):
            yield b"a" * 100_000         # 3 MB, no Content-Length: read only up to the 1 MB limit
    response = client.post("/ask/name", content=body(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and "larger than 1 MB" in response.text
    small = client.post("/ask/name", content=iter([b"s=&action=next&answer=Acme"]),
                        headers={"content-type": "application/x-www-form-urlencoded"},
                        follow_redirects=False)
    assert small.status_code == 303 and field_of(small.headers["location"]) == "sector"


def test_the_web_plan_shows_reasons_that_need_the_system_but_not_its_certificate(client):
    saved = (ROOT / "profiles" / "saas-startup.yaml").read_bytes()
    response = client.post("/resume", files={"profile": ("saas.yaml", saved)}, follow_redirects=False)
    state = tokens.decode(token_of(response.headers["location"]), _relevance())
    report = client.get("/report?" + urlencode({"s": tokens.encode(state)}))
    assert report.status_code == 200
    card = report.text[report.text.index("<h3>1. ISO/IEC 27001</h3>"):]
    card = card[:card.index("</article>")]
    assert "Also needs the system, not the certificate" in card and "NIS2" in card
