"""The web questionnaire: one question per screen, then the board report with its downloads.

The same question definitions, number reader, relevance and saving as `iso-advisor ask`
(advisor.advice.questionnaire); these pages only show them. Server-rendered HTML from Jinja2
templates with autoescaping, no JavaScript, no network assets. Answers live in the page's
address and forms (advisor.web.state): a reload, the browser's back button and several tabs
all work, and nothing is written to disk. Every input error is shown next to its field; no
request, however malformed, gets a server error page.

`router` holds the routes; the app includes it (advisor.web.app). The rule base is the app's
(`app.state.config.rules` when the app has a config, else the shipped one), loaded once per app.
"""
from __future__ import annotations

import datetime

import logging
import re
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from fastapi import APIRouter

from advisor.advice.assess import evaluate, rulebase
from advisor.advice.explain import explain as explain_all
from advisor.advice.models import ASKED_FIELDS as FIELDS
from advisor.advice.questionnaire import (DONT_KNOW_ANSWER, QUESTIONS, Interview, Relevance,
                                          _display, effects, parse_answer, profile_yaml,
                                          read_answer, start_from_data)
from advisor.errors import AdvisorError, InputError, Problem, outcome
from advisor.inputs.loaders import parse_document
from advisor.inputs.quantity import DECIMAL_STYLES
from advisor.render.assessment import as_json, as_pdf
from advisor.render.report import ACTIONS, as_html
from advisor.web import state as tokens

TEMPLATES = Path(__file__).parent / "templates"
MAX_FORM_BYTES = 1_000_000       # a saved profile is a few hundred bytes; this is generous
MAX_UPLOAD_BYTES = 200_000

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                   autoescape=select_autoescape(["html"], default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _paragraphs(text: str | None) -> list[str]:
    """Paragraphs of a plain description (separated by blank lines), each on one line."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "") if block.strip()]


def _code_spans(text: str | None) -> Markup:
    """`text` escaped, with its `code` spans (the descriptions' only markup) as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


_env.filters.update(paragraphs=_paragraphs, code_spans=_code_spans)


class Questionnaire:
    """The pages' view of one rule base: relevance is worked out once and shared (with a lock:
    its caches are not made for concurrent writers)."""

    def __init__(self, rules: Any = None):
        self.rb = rulebase(rules).at(datetime.date.today())   # the rules of the day it starts
        self.relevance = Relevance(self.rb)
        self.lock = threading.RLock()

    def state(self, request: Request, token: str | None = None) -> Interview:
        token = request.query_params.get("s", "") if token is None else token
        return tokens.decode(token, self.relevance)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from advisor/web/templates (autoescaped)."""
    return HTMLResponse(_env.get_template(template).render(**context), status_code=status)


def _problem_page(message: str, status: int, token: str = "") -> HTMLResponse:
    return page("problem.html", status, message=message, token=token)


def _url(path: str, state: Interview | None = None, **params: str) -> str:
    query = dict(params)
    if state is not None:
        query = {"s": tokens.encode(state), **query}
    return f"{path}?{urlencode(query)}" if query else path


def _guarded(handler: Callable) -> Callable:
    """Every page: a bad token or input is a page that says so, never a server error."""
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except AdvisorError as exc:          # the status from advisor.errors.OUTCOMES
            return _problem_page(str(exc.problems[0]), outcome(exc).http_status)
        except Exception:          # a bug: logged for the operator, a plain page for the person
            logging.getLogger("advisor.web").exception("page %s failed", request.url.path)
            return _problem_page("The advisor could not show this page (an internal error, "
                                 "logged). Your answers are kept in the address.", 500)
    return run


# ---------------------------------------------------------------------------------------------
# What a question page shows


def _field_value(state: Interview, name: str) -> Any:
    return state.answers.get(name) if name not in state.dont_know else None


def _text_value(state: Interview, name: str) -> str:
    """The answer as it would be typed back, for the text box."""
    q, value = QUESTIONS[name], _field_value(state, name)
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if q.kind == "number":
        return f"{value:g}"
    return str(value)


def _preview(qn: Questionnaire, state: Interview) -> list[dict[str, str]] | None:
    """The plan with the answers so far, for the side panel (None before the basic answers)."""
    if not state.complete():
        return None
    assessment = evaluate(state.profile(), rules=qn.rb)
    return [{"standard": r.standard, "action": ACTIONS[(r.decision, r.currently)],
             "kind": "keep" if ACTIONS[(r.decision, r.currently)].startswith("Keep")
             else r.decision}
            for r in assessment.recommendations if r.priority is not None]


#: Control characters, dropped from a typed answer shown back in its field (HTML cannot hold
#: them; the message next to the field names them as typed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _questionpage(qn: Questionnaire, state: Interview, name: str, *, status: int = 200,
                   error: str = "", suggestions: tuple[str, ...] = (), typed: str | None = None,
                   confirm: str = "") -> HTMLResponse:
    q = QUESTIONS[name]
    with qn.lock:
        eff = effects(qn.relevance, state.answers, name, state.open_questions())
        progress = state.progress() if name not in state.asked else "Answered before"
        previous = state.previous(name)
        following = state.following(name) if name in state.answers else None
        preview = _preview(qn, state)
    current = _field_value(state, name)
    chosen = set(current if isinstance(current, list) else [] if current is None else [current])
    if q.kind == "yesno" and current is not None:
        chosen = {"yes" if current else "no"}
    options = [{"value": c, "label": q.choice_label(c), "id": f"opt-{n}"}
               for n, c in enumerate(q.choices, 1)] if q.kind in ("choice", "choices") else []
    if q.kind == "yesno":
        options = [{"value": "yes", "label": "Yes", "id": "opt-1"},
                   {"value": "no", "label": "No", "id": "opt-2"}]
    token = tokens.encode(state)
    return page("question.html", status, q=q, name=name, token=token, progress=progress,
                 effects=eff, options=options, chosen=chosen, error=error,
                 suggestions=suggestions, confirm=confirm,
                 text=_CONTROL.sub("", typed) if typed is not None else _text_value(state, name),
                 back=_url(f"/ask/{previous}", state) if previous else _url("/", state),
                 forward=(_url(f"/ask/{following}", state) if following else
                          _url("/review", state)) if name in state.answers else "",
                 review=_url("/review", state), save=_url("/download/profile.yaml", state),
                 preview=preview, dont_know=name in state.dont_know,
                 decimal=state.decimal)


# ---------------------------------------------------------------------------------------------
# Handlers


_QUESTIONNAIRES: dict[Any, Questionnaire] = {}
_QUESTIONNAIRES_LOCK = threading.Lock()


def questionnaire(request: Request) -> Questionnaire:
    """The questionnaire over the app's rule base, built on first use and kept."""
    config = getattr(request.app.state, "config", None)
    rules = getattr(config, "rules", None)
    with _QUESTIONNAIRES_LOCK:
        if rules not in _QUESTIONNAIRES:
            _QUESTIONNAIRES[rules] = Questionnaire(rules)
        return _QUESTIONNAIRES[rules]


def _routes() -> list[tuple[str, Callable, list[str]]]:
    """(path, handler, methods) of every page; each handler finds its questionnaire."""

    async def home(qn: Questionnaire, request: Request) -> Response:
        state = qn.state(request)
        return page("start.html", token=tokens.encode(state) if state.answers else "",
                     decimal=state.decimal, resume=_url(_next(qn, state), state)
                     if state.answers else "", styles=DECIMAL_STYLES)

    async def begin(qn: Questionnaire, request: Request) -> Response:
        state = qn.state(request)
        decimal = request.query_params.get("decimal", "auto")
        state.decimal = decimal if decimal in DECIMAL_STYLES else "auto"
        return RedirectResponse(_url(_next(qn, state), state), status_code=303)

    async def ask_get(qn: Questionnaire, request: Request) -> Response:
        name = request.path_params["field"]
        if name not in QUESTIONS:
            return _problem_page(f"There is no question '{name}'.", 404)
        return _questionpage(qn, qn.state(request), name)

    async def ask_post(qn: Questionnaire, request: Request) -> Response:
        name = request.path_params["field"]
        if name not in QUESTIONS:
            return _problem_page(f"There is no question '{name}'.", 404)
        form = await _form(request)
        await form.close()
        state = qn.state(request, str(form.get("s", "")))
        q = QUESTIONS[name]
        action = str(form.get("action", "next"))
        if q.kind == "choices":
            typed = ", ".join(str(v) for v in form.getlist("answer")) or "none"
        else:
            typed = str(form.get("answer", ""))
        try:
            if action == "dontknow":
                value, confirm = parse_answer(q, "-"), None
                shown_text = ""
            else:
                if q.kind in ("yesno", "choice") and not typed:
                    raise InputError([Problem("choose one of the options, or press "
                                              "\"I don't know\"" if not q.required else
                                              "choose one of the options", field=name)])
                answer = read_answer(q, typed, None, state.decimal)
                value, confirm, shown_text = answer.value, answer.confirm, typed
        except AdvisorError as exc:
            problem = exc.problems[0]
            return _questionpage(qn, state, name, status=422, error=problem.message,
                                  suggestions=problem.suggestions, typed=typed)
        if confirm is not None and str(form.get("confirmed", "")) != shown_text:
            return _questionpage(qn, state, name, confirm=confirm, typed=typed)
        with qn.lock:
            state.record(name, DONT_KNOW_ANSWER if value is DONT_KNOW_ANSWER else value)
            following = state.following(name)
        target = f"/ask/{following}" if following else "/review"
        return RedirectResponse(_url(target, state), status_code=303)

    async def review(qn: Questionnaire, request: Request) -> Response:
        state = qn.state(request)
        with qn.lock:
            rows = [{"short": QUESTIONS[n].short, "shown": _display(state, n),
                     "change": _url(f"/ask/{n}", state), "name": n} for n in FIELDS]
            todo = _next(qn, state) if not state.complete() else None
        return page("review.html", rows=rows, token=tokens.encode(state),
                     complete=state.complete(), report=_url("/report", state),
                     missing=_url(todo, state) if todo else "",
                     save=_url("/download/profile.yaml", state),
                     back=_url(f"/ask/{state.asked[-1]}", state) if state.asked else "/")

    def _complete(qn: Questionnaire, request: Request) -> Interview:
        state = qn.state(request)
        if not state.complete():
            raise InputError([Problem("the basic questions (name, main activity, people) are "
                                      "not answered yet")])
        return state

    async def report(qn: Questionnaire, request: Request) -> Response:
        state = _complete(qn, request)
        profile = state.profile()
        page = as_html(evaluate(profile, rules=qn.rb), profile)
        nav = _env.get_template("report_nav.html").render(
            pdf=_url("/download/report.pdf", state), html=_url("/download/report.html", state),
            yaml=_url("/download/profile.yaml", state),
            json=_url("/download/assessment.json", state),
            answers=_url("/review", state), again="/")
        return HTMLResponse(page.replace("<main>\n", f"<main>\n{nav}\n", 1))

    def _attachment(body: str | bytes, media: str, filename: str) -> Response:
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    async def download(qn: Questionnaire, request: Request) -> Response:
        what = request.path_params["what"]
        if what == "profile.yaml":      # also part-way: continue later from the saved file
            state = qn.state(request)
            return _attachment(profile_yaml(state), "application/yaml", "profile.yaml")
        state = _complete(qn, request)
        profile = state.profile()
        if what == "assessment.json":    # as `iso-advisor ask --format json`, byte for byte
            return _attachment(as_json(explain_all(profile, None, rules=qn.rb)),
                               "application/json", "assessment.json")
        assessment = evaluate(profile, rules=qn.rb)
        if what == "report.html":
            return _attachment(as_html(assessment, profile), "text/html; charset=utf-8",
                               "board-report.html")
        if what == "report.pdf":
            return _attachment(as_pdf(assessment, profile), "application/pdf",
                               "board-report.pdf")
        return _problem_page(f"There is no download '{what}'.", 404)

    async def resume(qn: Questionnaire, request: Request) -> Response:
        form = await _form(request)
        try:
            return await _resume(qn, form)
        finally:
            await form.close()

    async def _resume(qn: Questionnaire, form: Any) -> Response:
        """Answers from a saved profile: an uploaded file, or its text pasted in the box."""
        upload, pasted = form.get("profile"), str(form.get("pasted", ""))
        has_file = upload is not None and not isinstance(upload, str) and bool(upload.filename)
        field = "profile" if has_file else "pasted"
        try:
            if has_file:
                source = Path(upload.filename).name or "the file"
                data = await upload.read(MAX_UPLOAD_BYTES + 1)
                if Path(source).suffix.lower() not in (".yaml", ".yml", ".json"):
                    raise InputError([Problem("is not a .yaml, .yml or .json file",
                                              source=source)])
                parsed = _read_profile(data, source, Path(source).suffix.lower())
            elif pasted.strip():
                source = "the pasted profile"
                parsed = _read_profile(pasted.encode("utf-8", "surrogatepass"), source, "")
            else:
                raise InputError([Problem("choose a saved profile file (.yaml, .yml or .json) "
                                          "or paste its text first")])
            state = start_from_data(qn.relevance, parsed, source)
        except AdvisorError as exc:
            message = "; ".join(str(p) for p in exc.problems[:3])
            return page("start.html", 422, token="", decimal="auto", resume="",
                         styles=DECIMAL_STYLES, resume_error=message, resume_field=field,
                         pasted=pasted[:MAX_UPLOAD_BYTES])
        return RedirectResponse(_url(_next(qn, state), state), status_code=303)

    return [("/", home, ["GET"]), ("/start", begin, ["GET"]), ("/ask/{field}", ask_get, ["GET"]),
            ("/ask/{field}", ask_post, ["POST"]), ("/review", review, ["GET"]),
            ("/report", report, ["GET"]), ("/download/{what}", download, ["GET"]),
            ("/resume", resume, ["POST"])]


def _read_profile(data: bytes, source: str, suffix: str) -> Any:
    """A saved profile's data from its bytes: size-limited UTF-8 YAML or JSON, else InputError
    naming `source` (YAML's own errors included: nothing of it reaches the person raw)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError([Problem(f"is larger than {MAX_UPLOAD_BYTES // 1000} KB; a saved "
                                  "profile is a few hundred bytes", source=source)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeError:
        raise InputError([Problem("is not UTF-8 text", source=source)]) from None
    try:
        return parse_document(text, source, suffix)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        if isinstance(exc, AdvisorError):
            raise
        raise InputError([Problem("is not valid YAML or JSON", source=source)]) from None


def _next(qn: Questionnaire, state: Interview) -> str:
    """Where the questionnaire goes on: the next relevant question, else the review."""
    with qn.lock:
        name = state.next_question()
    return f"/ask/{name}" if name else "/review"


async def _form(request: Request) -> Any:
    """The submitted form, refused when too large (a 413 page, not a crash)."""
    too_large = InputError([Problem(f"the form is larger than {MAX_FORM_BYTES // 1_000_000} MB")])
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise too_large
    if not length.isdigit():       # a chunked body: read it here, within the limit
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise too_large
        request._body = bytes(body)    # Starlette's form parser reads this instead of the stream
    try:
        return await request.form(max_files=1, max_fields=100, max_part_size=MAX_FORM_BYTES)
    except Exception as exc:       # malformed multipart or urlencoded bodies, from any client
        raise InputError([Problem(f"the form could not be read ({type(exc).__name__})")]) \
            from None


def _with_questionnaire(handler: Callable) -> Callable:
    async def run(request: Request) -> Response:
        return await handler(questionnaire(request), request)
    return _guarded(run)


router = APIRouter(include_in_schema=False)
for _path, _handler, _methods in _routes():
    router.add_route(_path, _with_questionnaire(_handler), methods=_methods)

