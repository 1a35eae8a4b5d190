"""The interactive questionnaire behind `iso-advisor ask`, as a library with no terminal in it.

Questions come from the Profile model (wording, help and choices live there once). Which
questions are worth asking comes from the rule base itself: a question is asked when some
possible answer would change the advice given the answers so far, found by trying answers on
the rules, never from a hand-kept skip list. The caller supplies a `Console` (two functions:
show text, read one line), so the same flow runs in a terminal, from a pipe, or in tests.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

import yaml
from pydantic import ValidationError

from advisor.advice import catalog
from advisor.advice.assess import Run, _show, _tests_on, assess, candidates, run_rules, what_if
from advisor.kernel.conditions import evaluate as holds
from advisor.engines import engine_for
from advisor.errors import Problem, ProfileError
from advisor.inputs.loaders import decode, load_profile, parse_document, read_bytes
from advisor.advice.models import FIELDS, Profile, label, validation_problems
from advisor.kernel.rulebase import PROFILE_TYPES, RuleBase

#: Answers that mean "don't know" for any question.
DONT_KNOW = frozenset({"-", "dk", "don't know", "dont know", "do not know", "unknown", "n/a"})
#: Answers that mean "none of them" for a list question.
NONE = frozenset({"none", "nothing", "no", "0"})
HELP = "?"
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "2"})
#: Energy units accepted besides terajoules, in TJ per unit.
ENERGY_UNITS = {"tj": 1.0, "gj": 1e-3, "mwh": 0.0036, "gwh": 3.6, "kwh": 3.6e-6}
#: Valid stand-ins for required fields not yet answered, so one field can be validated alone.
_PLACEHOLDER = {"name": "placeholder", "sector": "other", "employees": 1}


class Console(Protocol):
    """Where the questionnaire talks: `say` shows text, `ask` reads one line (EOFError at the end)."""

    def say(self, text: str) -> None: ...

    def ask(self, prompt: str) -> str: ...


# ---------------------------------------------------------------------------------------------
# Questions, from the model


@dataclass(frozen=True)
class Question:
    """One profile field as a question: wording and help from the model, how it is answered."""

    field: str
    text: str
    help: str
    kind: str                       # text | integer | number | yesno | choice | choices | countries | standards
    choices: tuple[str, ...] = ()
    required: bool = False
    default: Any = None             # the model's default (None when the field is required)
    asked_if: tuple[tuple[str, Any], ...] = ()   # answers the question presupposes (model)

    @property
    def is_list(self) -> bool:
        return self.kind in ("choices", "countries", "standards")

    def options(self) -> list[str]:
        """Numbered options, as shown."""
        if self.kind == "yesno":
            return ["1 yes", "2 no"]
        return [f"{n} {label(c)}" for n, c in enumerate(self.choices, 1)]

    def hint(self) -> str:
        """How to answer, in one line."""
        dont_know = "  (needed for any advice)" if self.required else "  - don't know"
        how = {
            "text": "type the answer",
            "integer": "a whole number",
            "number": "a number, in TJ or with a unit (MWh, GWh)" if self.field == "annual_energy_tj"
            else "a number",
            "yesno": "yes or no",
            "choice": "a number or a name",
            "choices": "one or more numbers or names, separated by commas; 'none' for none",
            "countries": "codes or names, separated by commas; 'none' for none",
            "standards": "standards such as ISO 9001, 27001, separated by commas; 'none' for none",
        }[self.kind]
        return f"{how}   ? why we ask{dont_know}"


def _number_type(name: str) -> str:
    annotation = str(Profile.model_fields[name].annotation)
    return "integer" if "int" in annotation else "number"


def question(name: str) -> Question:
    """The question for one profile field, derived from the model and the rule base's field types."""
    info = Profile.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    ftype = PROFILE_TYPES[name]
    kind = {"bool": "yesno", "enum": "choice", "text": "text"}.get(ftype.kind)
    if ftype.kind == "number":
        kind = _number_type(name)
    elif ftype.kind == "list":
        kind = {"enum": "choices", "country": "countries", "standard": "standards"}[ftype.item]
    choices = ftype.values if kind in ("choice", "choices") else ()
    if kind == "standards":
        choices = catalog.NAMES
    return Question(name, str(extra.get("question", info.description)), info.description or "",
                    kind, tuple(choices), info.is_required(),
                    None if info.is_required() else info.get_default(call_default_factory=True),
                    tuple(dict(extra.get("asked_if") or {}).items()))


QUESTIONS: dict[str, Question] = {name: question(name) for name in FIELDS}


# ---------------------------------------------------------------------------------------------
# Reading answers


class DontKnow:
    """The answer "don't know"; it becomes null (or, for lists and sites, the model default)."""

    def __repr__(self) -> str:
        return "DONT_KNOW"


DONT_KNOW_ANSWER = DontKnow()


def validate(name: str, value: Any) -> Any:
    """`value` read by the model exactly as a profile file would be; ProfileError if invalid."""
    data = {**_PLACEHOLDER, name: value}
    try:
        return getattr(Profile.model_validate(data), name)
    except ValidationError as exc:
        raise ProfileError(validation_problems(exc)) from None


def _invalid(q: Question, message: str) -> ProfileError:
    return ProfileError([Problem(message, field=q.field)])


def _choice(q: Question, token: str) -> str:
    """A choice by number, by label (`software/SaaS`) or by name (left to the model)."""
    token = token.strip()
    if token.isdigit():
        n = int(token)
        if 1 <= n <= len(q.choices):
            return q.choices[n - 1]
        raise _invalid(q, f"there is no option {n}; choose 1 to {len(q.choices)}")
    by_label = {label(c).lower(): c for c in q.choices}
    return by_label.get(token.lower(), token)


def _tokens(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;]", text) if t.strip()]


def _countries(q: Question, text: str) -> list[str]:
    """Codes or names; names may hold commas (`Korea, Republic of`), so join parts that fail alone."""
    parts, found, pending = _tokens(text), [], ""
    for part in parts:
        candidate = f"{pending}, {part}" if pending else part
        try:
            found.append(catalog.resolve_country(candidate))
            pending = ""
        except ValueError as exc:
            if pending:
                raise _invalid(q, str(exc)) from None
            pending, error = candidate, exc
    if pending:
        raise _invalid(q, str(error))
    return found


def _number(q: Question, text: str) -> float | int:
    cleaned = text.replace("_", "").replace(" ", "").lower()
    factor = 1.0
    if q.field == "annual_energy_tj":
        unit = re.search(r"[a-z]+$", cleaned)
        if unit:
            if unit.group() not in ENERGY_UNITS:
                raise _invalid(q, f"unknown unit '{unit.group()}' (use TJ, GJ, kWh, MWh or GWh)")
            factor, cleaned = ENERGY_UNITS[unit.group()], cleaned[:unit.start()]
    cleaned = cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise _invalid(q, f"'{text}' is not a number") from None
    if not math.isfinite(number):
        raise _invalid(q, "must be a finite number")
    if q.kind == "integer":
        if not number.is_integer():
            raise _invalid(q, f"'{text}' is not a whole number")
        return int(number)
    return round(number * factor, 6)


def parse_answer(q: Question, text: str, default: Any = None) -> Any:
    """What one typed line means for question `q`: a valid value, or DONT_KNOW_ANSWER.

    An empty line takes `default` (when there is one) and otherwise means "don't know".
    Raises ProfileError saying what is valid. `?` is the caller's business (see `explain`).
    """
    text = text.strip()
    if not text and default is not None:
        return default
    if not text or text.lower() in DONT_KNOW:
        if q.required:
            raise _invalid(q, "is needed for any advice; a rough answer is fine")
        return DONT_KNOW_ANSWER
    if q.is_list and text.lower() in NONE:
        return []
    if q.kind == "yesno":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise _invalid(q, f"'{text}' is not yes or no (answer y, n, or - if you don't know)")
    if q.kind in ("integer", "number"):
        return validate(q.field, _number(q, text))
    if q.kind == "choice":
        return validate(q.field, _choice(q, text))
    if q.kind == "choices":
        return validate(q.field, [_choice(q, t) for t in _tokens(text)])
    if q.kind == "countries":
        return validate(q.field, _countries(q, text))
    return validate(q.field, _tokens(text) if q.kind == "standards" else text)


def valid_text(q: Question) -> str:
    """What would be valid, for the re-ask message."""
    if q.kind in ("choice", "choices"):
        return "valid: " + ", ".join(f"{n} {label(c)}" for n, c in enumerate(q.choices, 1))
    return "valid: " + q.hint().split("   ")[0]


# ---------------------------------------------------------------------------------------------
# Which questions can still change the advice


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Effect:
    """What one hypothetical answer changes, compared with leaving the question unanswered."""

    value: Any
    decisions: tuple[tuple[str, str, str], ...] = ()   # (standard, from, to)
    rules: tuple[str, ...] = ()                         # rule ids that start or stop firing
    reordered: bool = False                             # same decisions, another plan order
    warnings: int = 0                                   # warnings added (or removed, < 0)

    def __bool__(self) -> bool:
        return bool(self.decisions or self.reordered or self.warnings)


class Relevance:
    """Decides, from the rule base, which questions can still change the advice.

    The advice is each standard's decision, the order of the plan and its warnings (such as a
    deadline shorter than certification takes). A question is relevant when some answer
    changes the advice given the answers so far, or changes a decision once one other open
    question is answered too (so a question that only matters together with a later one is not
    skipped). Answers tried: every choice, both sides of every number a rule compares with and
    the model's bounds, and one value of each kind the rules tell apart for lists.
    """

    def __init__(self, rb: RuleBase):
        self.rb = rb
        # hundreds of hypothetical answers per question: the plain-Python evaluator (same
        # results, many times faster); the final assessment uses the configured engine
        self.engine = engine_for(rb, "python")
        self.readers = {name: [i for i in rb.instances if name in i.depends_on] for name in FIELDS}
        self.touches = {name: {i.conclusion.standard for i in self.readers[name]
                               if i.conclusion.kind in ("recommend", "limit")} for name in FIELDS}
        self._alike: dict[tuple[str, Any], int] = {}
        self._candidates = {name: self._find_candidates(name) for name in FIELDS}
        self._cache: dict[Any, Any] = {}

    # -- answers worth trying ----------------------------------------------------------------
    def _find_candidates(self, name: str) -> list[Any]:
        q = QUESTIONS[name]
        if q.kind in ("yesno", "choice"):
            return list(candidates(self.rb, name))
        if q.kind in ("integer", "number"):
            bounds = {getattr(m, bound, None) for m in Profile.model_fields[name].metadata
                      for bound in ("ge", "le")} - {None}
            values = set(candidates(self.rb, name)) | bounds
            if q.kind == "integer":
                values = {math.floor(v) for v in values} | {math.floor(v) + 1 for v in values}
            return sorted(v for v in values if validate_quietly(name, v))
        if not q.is_list:
            return []
        tests = [t for i in self.rb.instances for t in _tests_on(i.condition, name)]
        mentioned: list[Any] = []
        for test in tests:
            for value in (test.value if isinstance(test.value, tuple) else (test.value,)):
                if value is not None and value not in mentioned:
                    mentioned.append(value)
        kinds: dict[tuple, list[Any]] = {}
        for value in mentioned:   # one representative per way the rules see a value
            signature = tuple(holds(t, {name: [value]}) for t in tests)
            kinds.setdefault(signature, []).append(value)
        for members in kinds.values():
            self._alike[(name, members[0])] = len(members) - 1
        singles = [[members[0]] for members in kinds.values()]
        return singles + ([[m[0] for m in kinds.values()]] if len(kinds) > 1 else [])

    def describe(self, name: str, value: Any) -> str:
        """A tried answer in words: `AT (Austria) or 29 others alike`, `several together`."""
        q = QUESTIONS[name]
        if isinstance(value, list) and len(value) > 1:
            return "several of these together"
        shown = _show_value(q, value)
        alike = self._alike.get((name, value[0]), 0) if isinstance(value, list) and value else 0
        return f"{shown} or {alike} others alike" if alike else shown

    def candidates(self, name: str) -> list[Any]:
        return self._candidates[name]

    # -- evaluating hypotheses -----------------------------------------------------------------
    @staticmethod
    def profile(answers: dict[str, Any]) -> Profile:
        return Profile.model_validate({k: v for k, v in answers.items() if v is not None})

    def _memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Results per answers-state: the same hypotheses recur at every question."""
        if key not in self._cache:
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = compute()
        return self._cache[key]

    def _run(self, profile: Profile) -> Run:
        return self._memo(("run", _key(profile)), lambda: run_rules(self.rb, profile, self.engine))

    def _plan(self, profile: Profile) -> tuple:
        """The plan's order and its warnings (decisions are compared separately, faster)."""
        def plan() -> tuple:
            a = assess(self.rb, profile, self._run(profile), with_unknowns=False)
            return tuple(r.standard for r in a.recommendations if r.priority), tuple(a.warnings)
        return self._memo(("plan", _key(profile)), plan)

    def effect(self, answers: dict[str, Any], name: str, value: Any) -> Effect:
        """What answering `name` with `value` changes, given `answers`, in full (for `?`)."""
        base = self.profile({k: v for k, v in answers.items() if k != name})
        trial = base.model_copy(update={name: value})
        before, after = self._run(base), self._run(trial)
        changed = tuple((s, before.decisions[s], after.decisions[s]) for s in catalog.NAMES
                        if before.decisions[s] != after.decisions[s])
        keys = {i.key for i in before.fired} ^ {i.key for i in after.fired}
        rules = tuple(dict.fromkeys(i.rule.id for i in self.rb.instances if i.key in keys and (
            i.conclusion.kind in ("recommend", "limit") and i.conclusion.standard in
            {c[0] for c in changed} or i.conclusion.kind == "warn")))
        plan, plan_after = self._plan(base), self._plan(trial)
        return Effect(value, changed, rules, not changed and plan[0] != plan_after[0],
                      len(plan_after[1]) - len(plan[1]))

    def _changes_now(self, answers: dict[str, Any], name: str) -> bool:
        base = self.profile(answers)
        run = self._run(base)
        current = getattr(base, name)
        for value in self.candidates(name):
            if _frozen(value) == _frozen(current):
                continue
            if what_if(self.rb, run, name, value) != run.decisions:
                return True
        plan = self._plan(base)
        return any(self._plan(base.model_copy(update={name: v})) != plan
                   for v in self.candidates(name) if _frozen(v) != _frozen(current))

    def _changes_later(self, answers: dict[str, Any], name: str, open_: Iterable[str]) -> bool:
        base = self.profile(answers)
        current = getattr(base, name)
        mine = [v for v in self.candidates(name) if _frozen(v) != _frozen(current)]
        for other in open_:
            if other == name:
                continue
            decisions_can_meet = bool(self.touches[other] & self.touches[name])
            for value in self.candidates(other):
                context = base.model_copy(update={other: value})
                run = self._run(context)
                if decisions_can_meet and any(what_if(self.rb, run, name, v) != run.decisions
                                              for v in mine):
                    return True
                plan = self._plan(context)       # order and warnings meet through effort too
                if any(self._plan(context.model_copy(update={name: v})) != plan for v in mine):
                    return True
        return False

    def relevant(self, answers: dict[str, Any], name: str, open_: Iterable[str] = ()) -> bool:
        """Whether some answer to `name` can change the advice, given `answers` and the other
        questions still `open_` (each tried alone). Required questions are always relevant."""
        if QUESTIONS[name].required:
            return True
        state, open_ = _key(answers), tuple(open_)
        now = self._memo(("now", state, name), lambda: self._changes_now(answers, name))
        return now or bool(open_) and self._memo(
            ("later", state, name, open_), lambda: self._changes_later(answers, name, open_))


def validate_quietly(name: str, value: Any) -> bool:
    try:
        validate(name, value)
        return True
    except ProfileError:
        return False


def _key(data: Any) -> Any:
    if isinstance(data, Profile):
        data = data.model_dump()
    return tuple(sorted((k, _frozen(v)) for k, v in data.items()))


# ---------------------------------------------------------------------------------------------
# Explaining a question


def _show_value(q: Question, value: Any) -> str:
    if q.kind == "countries" and isinstance(value, list):
        names = catalog.countries()
        return ", ".join(f"{c} ({names.get(c, c)})" for c in value)
    if isinstance(value, float) and value >= 1e8:
        return "a very large value"
    return _show(value)


def _some(items: list[str], n: int) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def explain(relevance: Relevance, answers: dict[str, Any], name: str,
            open_: Iterable[str] = ()) -> str:
    """The answer to "why are you asking?": what the answer changes, with standards and rule ids."""
    q = QUESTIONS[name]
    lines = [f"Why we ask: {q.help}"]
    readers = [i for i in relevance.readers[name] if i.conclusion.kind != "infer"]
    rule_ids = list(dict.fromkeys(i.rule.id for i in readers))
    standards = [s for s in catalog.NAMES if any(i.conclusion.standard == s for i in readers)]
    if rule_ids:
        about = f" (about {_some(standards, 6)})" if standards else ""
        lines.append(f"Rules that read it: {_some(rule_ids, 8)}{about}.")
    elif q.kind == "text":
        lines.append("No rule reads it; it names your report and profile.")
    else:
        lines.append("No rule reads it; it feeds the time estimates, and so the order of the plan "
                     "and the deadline warnings.")
    if q.required:
        lines.append("It is needed for any advice.")
        return "\n".join(lines)
    context = {k: v for k, v in answers.items() if k != name}
    grouped: dict[str, list[str]] = {}
    unchanged = False
    tried = relevance.candidates(name)
    for value in tried:
        if isinstance(value, list) and len(value) > 1 and grouped:
            continue    # "several together" only when no single answer shows an effect
        eff = relevance.effect(context, name, value)
        if not eff:
            unchanged = True
            continue
        parts = [f"{s} {label(a)} -> {label(b)}" for s, a, b in eff.decisions] + (
            ["changes the order of the plan"] if eff.reordered else []) + (
            ["adds a warning"] if eff.warnings > 0 else ["removes a warning"] if eff.warnings else [])
        what = "; ".join(parts) + (f" [{', '.join(eff.rules)}]" if eff.rules else "")
        grouped.setdefault(what, []).append(relevance.describe(name, value))
    if grouped:
        lines.append("With your answers so far, compared with not knowing:")
        lines += [f"  {' / '.join(values)}: {what}" for what, values in list(grouped.items())[:8]]
        if len(grouped) > 8:
            lines.append(f"  ... and {len(grouped) - 8} more answers that change the advice")
        if unchanged:
            lines.append("  other answers: no change")
    elif relevance.relevant(context, name, [n for n in open_ if n != name]):
        lines.append("With your answers so far no answer changes the advice on its own, but one "
                     "can together with a question still to come.")
    else:
        lines.append("With your other answers, no answer to this question changes the advice now.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The interview


@dataclass
class Interview:
    """The state of one questionnaire: answers, what was not known, what was not asked."""

    relevance: Relevance
    answers: dict[str, Any] = field(default_factory=dict)
    dont_know: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def open_questions(self) -> list[str]:
        """Unanswered questions, less those whose presupposition an answer denies."""
        return [n for n in FIELDS if n not in self.answers and not self.denied(n)]

    def denied(self, name: str) -> str | None:
        """Why question `name` does not apply (`bids_for_tenders is no`), or None."""
        for other, wanted in QUESTIONS[name].asked_if:
            value = self.answers.get(other)
            if value is not None and value != wanted:
                return f"{other} is {_show(value)}"
        return None

    def relevant_open(self) -> list[str]:
        """Open questions, in model order, whose answer alone can change the advice now."""
        open_ = self.open_questions()
        required = [n for n in open_ if QUESTIONS[n].required]
        if required:    # nothing can be judged before the required answers
            return required
        return [n for n in open_ if self.relevance.relevant(self.answers, n)]

    def next_question(self) -> str | None:
        """The first relevant open question; when none is left, the first that matters together
        with another open one (so no pair of skipped answers could change the advice)."""
        todo = self.relevant_open()
        if todo:
            return todo[0]
        open_ = self.open_questions()
        return next((n for n in open_ if self.relevance.relevant(self.answers, n, open_)), None)

    def progress(self) -> str:
        """"Question 5 of about 12", recomputed from what is relevant now at every answer."""
        number = len(self.asked) + 1
        basics = [n for n in FIELDS if QUESTIONS[n].required and (
            n in self.asked or n not in self.answers)]
        if any(n not in self.answers for n in basics):
            done = sum(n in self.asked for n in basics)
            return f"Basic question {done + 1} of {len(basics)}"
        left = max(1, len(self.relevant_open()))    # this one may matter only with a later one
        return f"Question {number} of about {len(self.asked) + left}"

    def record(self, name: str, value: Any) -> None:
        if value is DONT_KNOW_ANSWER:
            self.dont_know.add(name)
            default = QUESTIONS[name].default
            value = list(default) if isinstance(default, list) else default
        else:
            self.dont_know.discard(name)
        self.answers[name] = value
        if name not in self.asked:
            self.asked.append(name)

    def profile(self) -> Profile:
        return self.relevance.profile(self.answers)


def start(relevance: Relevance, profile: Profile | None = None,
          given: Iterable[str] = ()) -> Interview:
    """An interview that already holds the fields `given` in `profile` (for `--from`)."""
    interview = Interview(relevance)
    if profile is not None:
        for name in given:
            value = getattr(profile, name)
            if value is not None:
                interview.answers[name] = value
    return interview


def load_start(relevance: Relevance, path: str) -> Interview:
    """An interview holding the answers a profile file gives (`--from`); null or absent fields
    stay open, so only those are asked (when they can change the advice), then the review."""
    profile = load_profile(path)
    data = parse_document(decode(read_bytes(path), str(path)), str(path),
                          Path(path).suffix.lower())
    return start(relevance, profile, [k for k, v in data.items() if v is not None])


def _display(interview: Interview, name: str) -> str:
    if name not in interview.answers:
        denied = interview.denied(name)
        return f"(not asked: {denied})" if denied else "(not asked: cannot change the advice)"
    value = interview.answers[name]
    if name in interview.dont_know:
        return "don't know" + (" (counted as none)" if value == [] else
                               f" (taken as {_show(value)})" if value is not None else "")
    return _show_value(QUESTIONS[name], value)


def review_lines(interview: Interview) -> list[str]:
    width = max(len(n) for n in FIELDS)
    lines = ["", "Your answers:"]
    lines += [f"{n:>3}. {name:<{width}}  {_display(interview, name)}"
              for n, name in enumerate(FIELDS, 1)]
    return lines


def _columns(items: list[str], width: int = 78) -> list[str]:
    cell = max(len(i) for i in items) + 3
    per_row = max(1, width // cell)
    return ["  " + "".join(i.ljust(cell) for i in items[r:r + per_row]).rstrip()
            for r in range(0, len(items), per_row)]


def ask_one(interview: Interview, console: Console, name: str, header: str = "") -> None:
    """Ask question `name` until it gets a valid answer (or don't know), and record it."""
    q = QUESTIONS[name]
    current = interview.answers.get(name)
    default = current if name in interview.answers and name not in interview.dont_know else (
        q.default if q.kind in ("integer", "number") else None)
    console.say("")
    console.say(f"{header}{q.text}")
    if q.kind in ("yesno", "choice", "choices"):
        for line in _columns(q.options()):
            console.say(line)
    console.say(f"  ({q.hint()})")
    shown = "" if default is None else f" [{_show_value(q, default) if default != [] else 'none'}]"
    while True:
        text = console.ask(f"> {shown.strip()} " if shown else "> ")
        if text.strip() == HELP:
            console.say(explain(interview.relevance, interview.answers, name,
                                interview.open_questions()))
            continue
        try:
            value = parse_answer(q, text, default)
        except ProfileError as exc:
            message = exc.problems[0].message
            stop = "" if message.endswith(("?", ".")) else "."
            console.say(f"  Not valid: {message}{stop} ({valid_text(q)})")
            continue
        interview.record(name, value)
        return


def interview(relevance: Relevance, console: Console, state: Interview | None = None) -> Interview:
    """Run the whole questionnaire: relevant questions, then review until the user accepts."""
    state = state or Interview(relevance)
    console.say("Answer each question and press Enter. Type ? to hear why a question is asked, "
                "or - if you don't know. Questions that cannot change the advice are skipped.")
    while True:
        while True:
            name = state.next_question()
            if name is None:
                break
            ask_one(state, console, name, header=f"{state.progress()}: ")
        for line in review_lines(state):
            console.say(line)
        while True:
            choice = console.ask("Type a number to change an answer, or press Enter to get the "
                                 "advice: ").strip()
            if not choice:
                console.say("")
                return state
            if choice.isdigit() and 1 <= int(choice) <= len(FIELDS):
                break
            console.say(f"  Not valid: type a number from 1 to {len(FIELDS)}, or press Enter.")
        ask_one(state, console, FIELDS[int(choice) - 1])


# ---------------------------------------------------------------------------------------------
# Saving


def profile_yaml(state: Interview) -> str:
    """The answers as a profile file `iso-advisor evaluate` reads back to the same assessment.

    Every field is written, in model order; comments say which were not known or not asked.
    """
    profile = state.profile()
    data = profile.model_dump()
    lines = [f"# Organization profile written by `iso-advisor ask` (rule base "
             f"{state.relevance.rb.version}).",
             "# Evaluate it again with: iso-advisor evaluate FILE"]
    for name in FIELDS:
        text = yaml.safe_dump({name: data[name]}, default_flow_style=True, sort_keys=False,
                              allow_unicode=True, width=10**6).strip()
        text = text[1:-1] if text.startswith("{") else text
        comment = ""
        if name in state.dont_know:
            comment = "  # don't know"
        elif name not in state.answers:
            denied = state.denied(name)
            comment = f"  # not asked: {denied}" if denied else \
                "  # not asked: could not change the advice"
        lines.append(text + comment)
    return "\n".join(lines) + "\n"


__all__ = ["Console", "Question", "QUESTIONS", "Relevance", "Interview", "Effect", "explain",
           "interview", "load_start", "parse_answer", "profile_yaml", "start", "DONT_KNOW_ANSWER"]
