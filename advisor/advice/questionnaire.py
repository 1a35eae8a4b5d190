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
from advisor.advice.assess import Run, _show, assess, run_rules, what_if
from advisor.kernel.counterfactual import alike, candidates, tests_of
from advisor.engines import engine_for
from advisor.errors import Problem, ProfileError, closest, printable
from advisor.inputs.loaders import decode, parse_document, read_bytes
from advisor.advice.models import ASKED_FIELDS as FIELDS, Profile, label, parse_profile, validation_problems
from advisor.advice.ruleschema import active_types
from advisor.kernel.rulebase import RuleBase
from advisor.advice.wording import WORDING
from advisor.inputs.quantity import (ENERGY_IN_TJ, DecimalStyle, NumberError, Reading, read_number,
                                     show_number)

#: Answers that mean "don't know" for any question.
DONT_KNOW = frozenset({"-", "dk", "don't know", "dont know", "do not know", "unknown", "n/a"})
#: Answers that mean "none of them" for a list question.
NONE = frozenset({"none", "nothing", "no", "0"})
HELP = "?"
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "2"})
BACK = frozenset({"<", "back"})
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
    """One profile field as a question: its words (advisor.advice.wording, else the model's) and
    how it is answered (the model's and the rule base's field types)."""

    field: str
    text: str
    help: str                       # how to answer, with examples
    kind: str                       # text | integer | number | yesno | choice | choices | countries | standards
    choices: tuple[str, ...] = ()
    required: bool = False
    default: Any = None             # the model's default (None when the field is required)
    asked_if: tuple[tuple[str, Any], ...] = ()   # answers the question presupposes (model)
    short: str = ""                 # label on the review screen
    why: str = ""                   # why we ask, in business words
    unit: str | None = None
    choice_labels: tuple[str, ...] = ()          # what each choice means, in plain words

    @property
    def is_list(self) -> bool:
        return self.kind in ("choices", "countries", "standards", "codes")

    @property
    def units(self) -> dict[str, Any]:
        """Units a number may be typed in, in this question's unit (energy: TJ, GWh, MWh ...)."""
        return UNITS.get(self.field, {})

    def choice_label(self, value: str) -> str:
        if value in self.choices and self.choice_labels:
            return self.choice_labels[self.choices.index(value)]
        return label(value)

    def options(self) -> list[str]:
        """Numbered options, as shown."""
        if self.kind == "yesno":
            return ["1 yes", "2 no"]
        return [f"{n} {self.choice_label(c)}" for n, c in enumerate(self.choices, 1)]

    def how(self) -> str:
        """How to answer, in a few words."""
        units = ", ".join(self.units)
        return {
            "text": "type the answer",
            "integer": "a whole number",
            "number": f"a number, with a unit if you like ({units})" if units else "a number",
            "yesno": "yes or no",
            "choice": "a number or a name",
            "choices": "one or more numbers or names, separated by commas; 'none' for none",
            "countries": "codes or names, separated by commas; 'none' for none",
            "standards": "standards such as ISO 9001, 27001, separated by commas; 'none' for none",
            "codes": "codes or names, separated by commas; 'none' for none",
        }[self.kind]

    def hint(self) -> str:
        """How to answer, and the keys that do something else, in one line."""
        dont_know = "  (needed for any advice)" if self.required else "  - don't know"
        return f"{self.how()}   ? why we ask   < back{dont_know}"


def _number_type(name: str) -> str:
    annotation = str(Profile.model_fields[name].annotation)
    return "integer" if "int" in annotation else "number"


def question(name: str) -> Question:
    """The question for one profile field, derived from the model and the rule base's field types."""
    info = Profile.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    ftype = active_types()[name]
    kind = {"bool": "yesno", "enum": "choice", "text": "text"}.get(ftype.kind)
    if ftype.kind == "number":
        kind = _number_type(name)
    elif ftype.kind == "list":
        kind = {"enum": "choices", "country": "countries", "standard": "standards",
                "code": "codes"}[ftype.item]
    choices = ftype.values if kind in ("choice", "choices") else ()
    if kind == "standards":
        choices = catalog.NAMES
    words = WORDING.get(name)
    text = words.text if words else str(extra.get("question", info.description))
    labels = tuple(words.choices.get(c, label(c)) for c in choices) if words and words.choices \
        else ()
    return Question(name, text, (words.help if words and words.help else info.description or ""),
                    kind, tuple(choices), info.is_required(),
                    None if info.is_required() else info.get_default(call_default_factory=True),
                    tuple(dict(extra.get("asked_if") or {}).items()),
                    short=words.short if words else name.replace("_", " "),
                    why=words.why if words else info.description or "",
                    unit=words.unit if words else None, choice_labels=labels)


#: Units a number may be typed in, per field, in the field's own unit.
UNITS: dict[str, dict[str, Any]] = {"annual_energy_tj": dict(ENERGY_IN_TJ)}
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
    """A choice by number, by label (`software/SaaS`) or by name; a typo gets a "did you mean"."""
    token = token.strip()
    if token.isdigit():        # also "²" or 5,000 digits: int() would raise on those
        n = int(token) if token.isascii() and len(token) <= 6 else 0
        if 1 <= n <= len(q.choices):
            return q.choices[n - 1]
        raise _invalid(q, f"there is no option {printable(token, 12)}; choose 1 to "
                          f"{len(q.choices)}")
    names = {re.sub(r"[\s\-/]+", "_", c.lower()): c for c in q.choices}
    names.update({label(c).lower(): c for c in q.choices})
    wanted = token.lower()
    found = names.get(wanted) or names.get(re.sub(r"[\s\-/]+", "_", wanted))
    if found:
        return found
    suggestions = tuple(dict.fromkeys(names[s] for s in closest(wanted, names)))
    raise ProfileError([Problem(f"'{printable(token, 80)}' is not valid", field=q.field,
                                suggestions=suggestions[:3])])


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


def _number(q: Question, text: str, decimal: DecimalStyle = "auto") -> Reading:
    """A number as people write it (advisor.inputs.quantity): `1,200`, `2,5 GWh`; an entry
    that two conventions read differently is an error that shows both readings."""
    try:
        return read_number(text, decimal=decimal, units=q.units or None, in_unit=q.unit if
                           q.units else None, integer=q.kind == "integer")
    except NumberError as exc:
        raise ProfileError([Problem(p.message, field=q.field) for p in exc.problems]) from None


@dataclass(frozen=True)
class Answer:
    """A typed answer, read: the value, and the reading to show back for confirmation (when a
    unit was converted or a separator interpreted: `2.5 GWh = 9 TJ`), else None."""

    value: Any
    confirm: str | None = None


def read_answer(q: Question, text: str, default: Any = None,
                decimal: DecimalStyle = "auto") -> Answer:
    """What one typed line means for question `q` (see parse_answer), with what to confirm."""
    if q.kind in ("integer", "number") and text.strip() and text.strip().lower() not in DONT_KNOW:
        reading = _number(q, text, decimal)
        value = validate(q.field, reading.value)
        return Answer(value, reading.describe(decimal) if reading.needs_confirmation else None)
    return Answer(parse_answer(q, text, default, decimal))


def parse_answer(q: Question, text: str, default: Any = None,
                 decimal: DecimalStyle = "auto") -> Any:
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
        return validate(q.field, _number(q, text, decimal).value)
    if q.kind == "choice":
        return validate(q.field, _choice(q, text))
    if q.kind == "choices":
        return validate(q.field, [_choice(q, t) for t in _tokens(text)])
    if q.kind == "countries":
        return validate(q.field, _countries(q, text))
    return validate(q.field, _tokens(text) if q.kind in ("standards", "codes") else text)


def valid_text(q: Question) -> str:
    """What would be valid, for the re-ask message."""
    if q.kind in ("choice", "choices"):
        return "valid: " + ", ".join(f"{n} {label(c)}" for n, c in enumerate(q.choices, 1))
    return "valid: " + q.how()


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
        kinds = alike(tests_of(self.rb, name), name)   # one representative per way rules see it
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
    if q.kind in ("choice", "choices") and value is not None:
        values = value if isinstance(value, list) else [value]
        return ", ".join(label(v) for v in values) or "none"
    if q.kind in ("integer", "number") and value is not None and q.unit:
        return f"{show_number(value)} {q.unit}"
    return _show(value)


def _some(items: list[str], n: int) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


#: Decisions in the words the questionnaire uses.
DECISION_WORDS = {"certify": "certify", "implement": "implement without a certificate",
                  "not_needed": "not needed"}


@dataclass(frozen=True)
class Effects:
    """What answering one question would change, given the answers so far, in business words."""

    why: str
    changes: tuple[tuple[str, str], ...] = ()   # (answers, what they change), most telling first
    more: int = 0                               # further answers with other changes, not listed
    others_unchanged: bool = False              # some answers change nothing
    matters_later: bool = False                 # no change alone, but with a question to come
    required: bool = False
    rules: tuple[str, ...] = ()                 # rule ids that read the answer (technical detail)

    def summary(self) -> str:
        """One sentence on what the answer changes now."""
        if self.required:
            return "Needed for any advice."
        if self.changes:
            return "Your answer changes the plan."
        if self.matters_later:
            return "Alone it changes nothing yet, but it can together with a later question."
        return "With your other answers, it does not change the plan now."


def effects(relevance: Relevance, answers: dict[str, Any], name: str,
            open_: Iterable[str] = ()) -> Effects:
    """What each possible answer to `name` would change, compared with not knowing."""
    q = QUESTIONS[name]
    readers = [i for i in relevance.readers[name] if i.conclusion.kind != "infer"]
    rule_ids = tuple(dict.fromkeys(i.rule.id for i in readers))
    if q.required:
        return Effects(q.why, required=True, rules=rule_ids)
    context = {k: v for k, v in answers.items() if k != name}
    grouped: dict[str, list[str]] = {}
    unchanged = False
    for value in relevance.candidates(name):
        if isinstance(value, list) and len(value) > 1 and grouped:
            continue    # "several together" only when no single answer shows an effect
        eff = relevance.effect(context, name, value)
        if not eff:
            unchanged = True
            continue
        parts = [f"{s} changes from {DECISION_WORDS[a]} to {DECISION_WORDS[b]}"
                 for s, a, b in eff.decisions] + (
            ["the order of the plan changes"] if eff.reordered else []) + (
            ["adds a warning"] if eff.warnings > 0 else ["removes a warning"] if eff.warnings
            else [])
        grouped.setdefault("; ".join(parts), []).append(relevance.describe(name, value))
    shown = list(grouped.items())[:8]
    later = not grouped and relevance.relevant(context, name, [n for n in open_ if n != name])
    return Effects(q.why, tuple((" / ".join(values), what) for what, values in shown),
                   max(0, len(grouped) - 8), unchanged and bool(grouped), later, rules=rule_ids)


def explain(relevance: Relevance, answers: dict[str, Any], name: str,
            open_: Iterable[str] = (), technical: bool = False) -> str:
    """The answer to "why are you asking?", in business words: why the question matters and
    what each answer would change now. `technical` adds the ids of the rules that read it."""
    eff = effects(relevance, answers, name, open_)
    lines = [f"Why we ask: {eff.why}"]
    if eff.required:
        lines.append("It is needed for any advice.")
    elif eff.changes:
        lines.append("What your answer would change, with your answers so far:")
        lines += [f"  {values}: {what}" for values, what in eff.changes]
        if eff.more:
            lines.append(f"  ... and {eff.more} more answers that change the plan")
        if eff.others_unchanged:
            lines.append("  other answers: no change")
    else:
        lines.append(eff.summary())
    if technical:
        lines.append(f"Rules that read it: {_some(list(eff.rules), 12) or 'none'}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The interview


@dataclass
class Interview:
    """The state of one questionnaire: answers, what was not known, what was not asked, and the
    order questions were asked in (for going back). `decimal` is the person's declared number
    convention (`auto`: structure decides, an ambiguous number is asked again)."""

    relevance: Relevance
    answers: dict[str, Any] = field(default_factory=dict)
    dont_know: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    decimal: DecimalStyle = "auto"

    def open_questions(self) -> list[str]:
        """Unanswered questions, less those whose presupposition an answer denies."""
        return [n for n in FIELDS if n not in self.answers and not self.denied(n)]

    def denied(self, name: str) -> str | None:
        """Why question `name` does not apply (`bids for tenders: no`), or None."""
        for other, wanted in QUESTIONS[name].asked_if:
            value = self.answers.get(other)
            if value is not None and value != wanted:
                return f"{QUESTIONS[other].short.lower()}: {_show(value)}"
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
        open_ = self.open_questions()
        todo = self.relevant_open()
        if not todo:
            todo = [n for n in open_ if self.relevance.relevant(self.answers, n, open_)][:1]
        if not todo:
            return None
        # a follow-up question comes after the one it presupposes (bids, then tender demands)
        return next((other for other, _ in QUESTIONS[todo[0]].asked_if if other in open_), todo[0])

    def previous(self, name: str | None) -> str | None:
        """The question asked before `name` (before the next new one when `name` is None or was
        never asked), or None at the first question."""
        at = self.asked.index(name) if name in self.asked else len(self.asked)
        return next((n for n in reversed(self.asked[:at]) if not self.denied(n)), None)

    def following(self, name: str) -> str | None:
        """Where to go after answering `name`: the next question already asked after it (when
        the person went back), else the next relevant open one; None when all is answered."""
        if name in self.asked:
            later = [n for n in self.asked[self.asked.index(name) + 1:] if not self.denied(n)]
            if later:
                return later[0]
        return self.next_question()

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
        """Keep an answer; answers to questions it makes inapplicable are dropped (a "no" to
        tenders drops the tenders' certificates), so none can act unseen."""
        if value is DONT_KNOW_ANSWER:
            self.dont_know.add(name)
            default = QUESTIONS[name].default
            value = list(default) if isinstance(default, list) else default
        else:
            self.dont_know.discard(name)
        self.answers[name] = value
        if name not in self.asked:
            self.asked.append(name)
        for other in [n for n in self.answers if self.denied(n)]:
            del self.answers[other]
            self.dont_know.discard(other)

    def complete(self) -> bool:
        """Every required answer given, so there is a profile to assess."""
        return all(n in self.answers for n in FIELDS if QUESTIONS[n].required)

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


def start_from_data(relevance: Relevance, data: Any, source: str) -> Interview:
    """An interview holding the answers in a profile mapping, which may be partial (answers
    saved part-way): every given field is checked as `evaluate` would, unknown keys included."""
    if not isinstance(data, dict):
        raise ProfileError([Problem("a profile must be a mapping of fields", source=source)])
    given = {k: v for k, v in data.items() if v is not None}
    profile = parse_profile({**{k: v for k, v in _PLACEHOLDER.items() if k not in given},
                             **given}, source=source)
    return start(relevance, profile, list(given))


def load_start(relevance: Relevance, path: str) -> Interview:
    """An interview holding the answers a profile file gives (`--from`), complete or saved
    part-way; null or absent fields stay open, so only those are asked (when they can change
    the advice), then the review."""
    data = parse_document(decode(read_bytes(path), str(path)), str(path),
                          Path(path).suffix.lower())
    return start_from_data(relevance, data, str(path))


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
    width = max(len(QUESTIONS[n].short) for n in FIELDS)
    lines = ["", "Your answers:"]
    lines += [f"{n:>3}. {QUESTIONS[name].short:<{width}}  {_display(interview, name)}"
              for n, name in enumerate(FIELDS, 1)]
    return lines


def _columns(items: list[str], width: int = 78) -> list[str]:
    cell = max(len(i) for i in items) + 3
    per_row = max(1, width // cell)
    if per_row < 2:
        return ["  " + i for i in items]
    return ["  " + "".join(i.ljust(cell) for i in items[r:r + per_row]).rstrip()
            for r in range(0, len(items), per_row)]


def _not_valid(exc: ProfileError, q: Question) -> str:
    problem = exc.problems[0]
    message = problem.message
    stop = "" if message.endswith(("?", ".")) else "."
    if problem.suggestions:
        return f"  Not valid: {message}; did you mean " + " or ".join(
            f"'{label(s)}'" for s in problem.suggestions) + "?"
    return f"  Not valid: {message}{stop} ({valid_text(q)})"


def ask_one(interview: Interview, console: Console, name: str, header: str = "") -> str | None:
    """Ask question `name` until it gets a valid answer (or don't know), and record it.

    Returns "back" when the person typed `<` to go to the previous question (nothing recorded).
    A number read with a unit or a separator is shown back for confirmation; a typo with one
    close match can be taken with `y`."""
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
    offered: str | None = None
    while True:
        text = console.ask(f"> {shown.strip()} " if shown else "> ")
        if text.strip() == HELP:
            console.say(explain(interview.relevance, interview.answers, name,
                                interview.open_questions()))
            continue
        if text.strip().lower() in BACK:
            return "back"
        if offered is not None and text.strip().lower() in YES:
            text = offered
        offered = None
        try:
            answer = read_answer(q, text, default, interview.decimal)
        except ProfileError as exc:
            console.say(_not_valid(exc, q))
            suggestions = exc.problems[0].suggestions
            if q.kind == "choice" and len(suggestions) == 1:
                offered = suggestions[0]
                console.say("  (type y to take it)")
            continue
        if answer.confirm is not None:
            sure = console.ask(f"  Read as {answer.confirm}. Right? [Y/n] ").strip().lower()
            if sure in NO:
                console.say("  Then type it again.")
                continue
        interview.record(name, answer.value)
        return None


def walk(state: Interview, console: Console, name: str | None) -> None:
    """Ask from `name` (None: the next relevant question) until nothing relevant is open,
    going back on `<` and forward again through the answers already given."""
    while name is not None:
        header = f"{state.progress()}: " if name not in state.asked else "(answered before) "
        if ask_one(state, console, name, header=header) == "back":
            before = state.previous(name)
            if before is None:
                console.say("  This is the first question.")
            name = before or name
            continue
        name = state.following(name)


def interview(relevance: Relevance, console: Console, state: Interview | None = None) -> Interview:
    """Run the whole questionnaire: relevant questions, then review until the user accepts."""
    state = state or Interview(relevance)
    console.say("Answer each question and press Enter. Type ? to hear why a question is asked, "
                "< to go back, or - if you don't know. Questions that cannot change the advice "
                "are skipped.")
    walk(state, console, state.next_question())
    while True:
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
        if ask_one(state, console, FIELDS[int(choice) - 1]) != "back":
            walk(state, console, state.next_question())


# ---------------------------------------------------------------------------------------------
# Saving


def profile_yaml(state: Interview) -> str:
    """The answers as a profile file: `iso-advisor evaluate` reads a complete one back to the
    same assessment, and `iso-advisor ask --from` (or the web questionnaire) resumes any.

    Every field is written, in model order, with comments saying which were not known or not
    asked; answers saved part-way (a required one missing) hold only what was answered.
    """
    complete = state.complete()
    data = state.profile().model_dump() if complete else dict(state.answers)
    head = (["# Organization profile written by the iso-advisor questionnaire (rule base "
             f"{state.relevance.rb.version}).", "# Evaluate it again with: iso-advisor evaluate FILE"]
            if complete else
            ["# Answers so far, saved part-way through the iso-advisor questionnaire (rule base "
             f"{state.relevance.rb.version}).", "# Continue with: iso-advisor ask --from FILE"])
    lines = list(head)
    for name in FIELDS:
        if name not in data:
            continue
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


__all__ = ["Console", "Question", "QUESTIONS", "Relevance", "Interview", "Effect", "Effects",
           "Answer", "effects", "explain", "interview", "load_start", "parse_answer", "read_answer",
           "profile_yaml", "start", "start_from_data", "walk", "DONT_KNOW_ANSWER"]
