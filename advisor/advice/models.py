"""Typed models at the library's boundary: the organization profile in, the assessment out.

Field descriptions double as questionnaire help and JSON Schema text, so wording lives here once.
"""
from __future__ import annotations

import math
import re
from enum import Enum
from typing import Annotated, Any, Literal, Optional

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      ValidationError, field_validator)
from pydantic_core import PydanticCustomError, core_schema

from advisor.advice import catalog, vocabulary
from advisor.errors import MAX_FIELD_CHARS, Problem, ProfileError, closest, printable

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")      # Unicode category Cc, all of it
MAX_LIST_ITEMS = 300         # per list field: more than every country code; longer lists are junk
MAX_PROBLEMS = 20            # per profile; the rest are counted ("and 4,980 more problems")


def _vocabulary_enum(name: str, vocabulary: str) -> type[Enum]:
    """An Enum of the shipped rule base's values of one vocabulary, for typed library code; the
    Profile itself checks answers against the rule base in use (which may add values)."""
    return Enum(name, {v: v for v in catalog.shipped().values(vocabulary)}, type=str)  # type: ignore[return-value]


Sector = _vocabulary_enum("Sector", "sectors")
Regulation = _vocabulary_enum("Regulation", "regulations")
Goal = _vocabulary_enum("Goal", "goals")
CustomerType = _vocabulary_enum("CustomerType", "customer_types")
Sensitivity = _vocabulary_enum("Sensitivity", "sensitivity")
Level = _vocabulary_enum("Level", "levels")
AiRole = _vocabulary_enum("AiRole", "ai_roles")


def label(value: str) -> str:
    """How a value reads in sentences: its vocabulary label (underscores as spaces otherwise)."""
    return catalog.active().label(value)


class Vocab:
    """Marks a profile field (or list item) as a value of one vocabulary in vocabulary.yaml.

    Accepts the value, its label or a synonym, with case, spaces and punctuation folded
    (`Public sector`, `B2G` and `public_sector` alike), stores the value, and explains what is
    valid otherwise. Valid values and the JSON Schema's `enum` come from the catalog in use."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Vocab({self.name!r})"

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_before_validator_function(self.parse, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        found = handler(schema)
        found["enum"] = list(catalog.active().values(self.name))
        return found

    def parse(self, value: Any) -> Any:
        cat = catalog.active()
        if isinstance(value, Enum):
            value = value.value
        valid = cat.values(self.name)
        if isinstance(value, str) and value in valid:               # most values
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected one of: {', '.join(valid)}")
        found = cat.term(self.name, value)
        if found is not None:
            return found
        text = re.sub(r"[\s\-]+", "_", value.strip().lower())
        raise PydanticCustomError("choice", "'{value}' is not valid",
                                  {"value": printable(value, 80),
                                   "suggestions": closest(text, valid),
                                   "valid": ", ".join(valid)})


def _as_list(value: Any) -> Any:
    """A single value or a `;`-separated string (as in CSV cells) becomes a list."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, (list, tuple)) and len(value) > MAX_LIST_ITEMS:
        raise ValueError(f"has {len(value):,} items; at most {MAX_LIST_ITEMS} are accepted")
    return value


def _unique(values: list) -> list:
    seen: list = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def _short(value: Any, what: str) -> Any:
    """A reference longer than any real one, or with control characters or lone surrogates, is
    refused before it is looked up and quoted back (pydantic-core cannot even carry a message
    holding a surrogate: it raises UnicodeEncodeError)."""
    if isinstance(value, str) and len(value) > 100:
        raise ValueError(f"is {len(value):,} characters long; {what}")
    if isinstance(value, str) and printable(value) != value:
        raise ValueError(f"'{printable(value)}' holds a control character or invalid Unicode; {what}")
    return value


class Ref:
    """Marks a list item as a reference resolved against the catalog in use: `standard` (any
    spelling of a catalog, guidance or related standard) or `country` (ISO 3166-1 alpha-2)."""

    __slots__ = ("kind",)
    _HELP = {"standard": "a standard reference is a name such as 'ISO 9001'",
             "country": "a country is a code such as 'DE'",
             "nace": "a NACE code looks like 'C25.62'"}

    def __init__(self, kind: str):
        self.kind = kind

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_before_validator_function(self.parse, handler(source))

    def parse(self, value: Any) -> str:
        value = _short(value, self._HELP[self.kind])
        cat = catalog.active()
        if self.kind == "nace":
            return vocabulary.resolve_nace(value)
        return cat.resolve(value) if self.kind == "standard" else cat.resolve_country(value)


def _VocabList(vocabulary: str) -> Any:
    return Annotated[list[Annotated[str, Vocab(vocabulary)]], BeforeValidator(_as_list),
                     AfterValidator(_unique)]


def _optional_list(value: Any) -> Any:
    """Like `_as_list`, but null (or an empty CSV cell) stays null: the answer is not known."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _as_list(value)


def _unique_or_none(values: list | None) -> list | None:
    return None if values is None else _unique(values)


def _OptionalVocabList(vocabulary_name: str) -> Any:
    """A list answer that may be unknown (null), never read as "none of them"."""
    return Annotated[Optional[list[Annotated[str, Vocab(vocabulary_name)]]],
                     BeforeValidator(_optional_list), AfterValidator(_unique_or_none)]


OptionalCountryList = Annotated[Optional[list[Annotated[str, Ref("country")]]],
                                BeforeValidator(_optional_list), AfterValidator(_unique_or_none)]
NaceList = Annotated[Optional[list[Annotated[str, Ref("nace")]]],
                     BeforeValidator(_optional_list), AfterValidator(_unique_or_none)]
StandardList = Annotated[list[Annotated[str, Ref("standard")]],
                         BeforeValidator(_as_list), AfterValidator(_unique)]
CountryList = Annotated[list[Annotated[str, Ref("country")]],
                        BeforeValidator(_as_list), AfterValidator(_unique)]


def _field(default: Any, description: str, question: str, asked_if: dict | None = None,
           **kw: Any) -> Any:
    """A field with its questionnaire wording; `asked_if` names answers the question presupposes."""
    extra = {"question": question, **({"asked_if": asked_if} if asked_if else {})}
    return Field(default, description=description, json_schema_extra=extra, **kw)


class Profile(BaseModel):
    """One organization, as a consultant's intake form would describe it."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True,
                              allow_inf_nan=False, str_strip_whitespace=True)

    name: str = _field(..., "Organization name.", "What is the organization called?",
                       min_length=1, max_length=200)
    sector: Annotated[str, Vocab("sectors")] = _field(
        ..., "Main activity of the organization.", "What is your main sector of activity?")
    employees: int = _field(..., "Headcount in scope, in full-time equivalents.",
                            "How many people (full-time equivalents) work in scope?", ge=1,
                            le=10_000_000)
    sites: int = _field(1, "Permanent sites in scope.", "How many permanent sites are in scope?",
                        ge=1, le=100_000)
    countries: CountryList = _field(
        [], "Countries where it operates or sells (ISO 3166-1 alpha-2 codes; UK is read as GB).",
        "In which countries do you operate or sell? (codes such as DE, FR, US, GB)")
    customer_types: _VocabList("customer_types") = _field(
        [], "Who it sells to.", "Who are your customers?")
    customer_sectors: _VocabList("sectors") = _field(
        [], "Industries it supplies (a parts maker supplying car makers lists automotive).",
        "Which industries do you supply?")
    bids_for_tenders: Optional[bool] = _field(
        None, "Takes part in public or private tenders.", "Do you bid for public or private tenders?")
    tender_requirements: StandardList = _field(
        [], "Certificates that tenders it bids for demand as a pass/fail condition.",
        "Which certificates do those tenders demand as a pass/fail condition?",
        asked_if={"bids_for_tenders": True})
    customer_requirements: StandardList = _field(
        [], "Certificates that customers or contracts demand.",
        "Which certificates do customers or contracts demand?")
    regulations: _VocabList("regulations") = _field(
        [], "Regulatory regimes the organization knows apply to it.",
        "Which of these regulations do you know apply to you?")
    data_sensitivity: Optional[Annotated[str, Vocab("sensitivity")]] = _field(
        None, "Personal, health, financial or client-confidential data it holds.",
        "How sensitive is the data you hold (personal, health, financial, client-confidential)?")
    environmental_impact: Optional[Annotated[str, Vocab("levels")]] = _field(
        None, "Emissions, waste, hazardous substances, permits.",
        "How significant is your environmental impact (emissions, waste, hazardous substances, permits)?")
    ohs_risk: Optional[Annotated[str, Vocab("levels")]] = _field(
        None, "Workplace health and safety hazards.",
        "How high are the health and safety hazards at work?")
    annual_energy_tj: Optional[float] = _field(
        None, "Average yearly energy use in terajoules, all carriers (1 TJ is about 278 MWh).",
        "What is your average yearly energy use, in terajoules (1 TJ = 278 MWh)?", ge=0, le=1e9)
    ai_role: Optional[Annotated[str, Vocab("ai_roles")]] = _field(
        None, "`provider` develops or supplies AI systems; `user` only uses them.",
        "Do you develop or supply AI systems (provider), only use them (user), or neither (none)?")
    certified: StandardList = _field([], "Valid certificates held now.",
                                     "Which certificates do you hold now?")
    implemented: StandardList = _field([], "Standards implemented but not certified.",
                                       "Which standards have you implemented without certifying?")
    goals: _VocabList("goals") = _field([], "What leadership wants from a standard.",
                                    "What does leadership want from a standard?")
    budget: Optional[Annotated[str, Vocab("levels")]] = _field(
        None, "Resources available for certification.",
        "What resources can you put into certification (low, moderate, high)?")
    deadline_months: Optional[int] = _field(
        None, "Months until a certificate is needed (for example a tender date).",
        "In how many months do you need a certificate (for example for a tender)?", ge=1, le=600)
    # Applicability (issue 14): optional, null = not known, after the contract's fields.
    established_in: OptionalCountryList = _field(
        None, "Countries where the organization is established (registered office, branches, "
        "sites), apart from the markets it sells to; null = not known. NIS2, GDPR Art. 3(1) and "
        "the EED bind by establishment.",
        "In which countries is the organization established (registered office, branches, sites)?")
    nace_codes: NaceList = _field(
        None, "NACE Rev. 2 codes of its activities (C25.62, 49.41, ...); they decide NIS2 entity "
        "types and imply activities.", "What are your NACE codes (for example C25.62)?")
    activities: _OptionalVocabList("activities") = _field(
        None, "What the organization does, from the activity vocabulary (NIS2 entity types, DORA "
        "financial entities, scheme eligibility); null = not known.",
        "Which of these activities do you carry out?")
    turnover_eur_m: Optional[float] = _field(
        None, "Annual turnover in EUR million (with the balance sheet, the EU size test of "
        "Recommendation 2003/361).", "What is your annual turnover, in EUR million?", ge=0, le=1e7)
    balance_sheet_eur_m: Optional[float] = _field(
        None, "Annual balance-sheet total in EUR million.",
        "What is your balance-sheet total, in EUR million?", ge=0, le=1e8)
    site_roles: _OptionalVocabList("site_roles") = _field(
        None, "What the sites in scope do (production, design, distribution, maintenance, "
        "services); decides IATF 16949 and AS9100/AS9110/AS9120 eligibility.",
        "What do your sites do?")
    key_customers: _OptionalVocabList("key_customers") = _field(
        None, "Key customer types whose schemes decide supplier approval (car makers, aerospace "
        "primes, device makers, GFSI food makers, financial entities, US DoD, ...).",
        "Which of these are among your key customers?")
    ai_risk_class: Optional[Annotated[str, Vocab("ai_risk_classes")]] = _field(
        None, "EU AI Act risk class of the AI systems it provides or deploys (the highest one).",
        "What is the highest EU AI Act risk class of your AI systems?")
    schemes_held: _VocabList("schemes") = _field(
        [], "Non-ISO schemes held now (EMAS, TISAX, GLOBALG.A.P., GMP, Cyber Essentials, ...).",
        "Which other schemes do you hold (EMAS, TISAX, GLOBALG.A.P., ...)?")

    @field_validator("employees", "sites", "annual_energy_tj", "deadline_months",
                     "turnover_eur_m", "balance_sheet_eur_m", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        """`employees: yes` would otherwise count as 1 person: a silent wrong answer."""
        if isinstance(value, bool):
            raise ValueError(f"must be a number, not {str(value).lower()}")
        return value

    @field_validator("name")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        """The name is printed in every output: no terminal escapes or other control codes."""
        bad = _CONTROL.search(value)
        if bad is not None:
            raise ValueError(f"contains a control character (U+{ord(bad.group()):04X}); "
                             "use printable text")
        return value

    @field_validator("annual_energy_tj", "turnover_eur_m", "balance_sheet_eur_m")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


FIELDS: tuple[str, ...] = tuple(Profile.model_fields)
_FIELD_SET = frozenset(FIELDS)


def parse_profile(data: Any, *, source: str | None = None, location: str | None = None) -> Profile:
    """Validate a mapping into a Profile, or raise ProfileError listing the problems (the first
    MAX_PROBLEMS, then how many more: thousands of junk keys must not flood the terminal)."""
    if isinstance(data, Profile):
        return data
    if not isinstance(data, dict):
        raise ProfileError([Problem(f"a profile must be a mapping of fields, not {type(data).__name__}",
                                    source=source, location=location)])
    unknown = [key for key in data if key not in _FIELD_SET]
    problems = [Problem(f"unknown field '{printable(key, MAX_FIELD_CHARS)}'", field=str(key),
                        source=source, location=location, suggestions=closest(str(key), FIELDS),
                        valid=None if closest(str(key), FIELDS) else ", ".join(FIELDS))
                for key in unknown[:MAX_PROBLEMS]]
    known = {k: v for k, v in data.items() if k in _FIELD_SET} if unknown else data
    try:
        profile = Profile.model_validate(known)
    except ValidationError as exc:
        problems += validation_problems(exc, source=source, location=location)
    else:
        if not problems:
            return profile
    hidden = len(unknown) - min(len(unknown), MAX_PROBLEMS) + max(0, len(problems) - MAX_PROBLEMS)
    raise ProfileError(problems[:MAX_PROBLEMS] + ([Problem(
        f"... and {hidden:,} more problems", source=source, location=location)] if hidden else []))


def _shown(value: Any, limit: int = 80) -> str:
    """A value quoted back in a message: short, even for a 10 MB string or a 5,000-digit number."""
    try:
        text = repr(value)
    except ValueError:             # an int too long to print (sys.get_int_max_str_digits)
        return "a number with thousands of digits"
    return printable(text, limit)


def validation_problems(exc: ValidationError, *, source: str | None = None,
                        location: str | None = None) -> list[Problem]:
    """Pydantic errors as Problems: field path, the offending value and what would be valid."""
    problems = []
    for err in exc.errors(include_url=False):
        path = ""
        for part in err["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = err["msg"].removeprefix("Value error, ")
        ctx = err.get("ctx") or {}
        if err["type"] == "missing":
            message = "is required"
        elif "input" in err and err["type"] not in ("value_error", "choice") and not isinstance(
                err["input"], (dict, list)):
            message = f"{message} (got {_shown(err['input'])})"
        problems.append(Problem(message, field=path or None, source=source, location=location,
                                suggestions=tuple(ctx.get("suggestions", ())),
                                valid=ctx.get("valid")))
    return problems


# ---------------------------------------------------------------------------------------------
# Assessment (output)

Decision = Literal["certify", "implement", "not_needed"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @classmethod
    def trusted(cls, **values: Any) -> Any:
        """An instance from values the advisor built itself, every field given in declared order
        (JSON keeps it), not validated again: evaluate() builds about 45 per profile, and this
        takes about half the time of validating. It is what pydantic's model_construct does,
        minus the alias and default handling that make that slower than validating. tests/test_assess.py checks
        that every assessment validates unchanged."""
        order = _ORDER.get(cls) or _ORDER.setdefault(cls, tuple(cls.__pydantic_fields__))
        if tuple(values) != order:
            raise TypeError(f"{cls.__name__}.trusted() takes exactly its fields, in order: "
                            f"{', '.join(order)}")
        model = cls.__new__(cls)
        _set(model, "__dict__", values)
        _set(model, "__pydantic_fields_set__", set(values))
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model


_set = object.__setattr__
_ORDER: dict[type, tuple[str, ...]] = {}      # model class -> its field names in declared order


class Reason(_Out):
    rule: str = Field(description="Rule id; `iso-advisor rules show ID` explains it.")
    text: str = Field(description="Why, in plain words, naming the profile answers used.")
    source: str = Field(description="Document and section, or URL, the rule rests on.")
    driver: str = Field(description="hard_demand, regulation, market, internal or held.")
    answers: dict[str, Any] = Field(default_factory=dict,
                                    description="The profile answers (and inferred facts) the rule used.")
    inferred_from: list[str] = Field(default_factory=list,
                                     description="Rules that inferred the facts this rule used.")


class Effort(_Out):
    initial_audit_days: Optional[float] = Field(
        description="Stage 1 + stage 2 auditor-days for initial certification.")
    typical_months: list[int] = Field(description="Typical months from start to certificate.")
    basis: str = Field(description="Where the figures come from, and whether they are estimates.")
    integrated_audit_days: Optional[float] = Field(
        default=None, description="Audit days if audited together with a system already certified "
                                  "(IAF MD 11, up to 20 % less).")
    estimate: bool = Field(default=False, description="True where no published table applies.")


class Recommendation(_Out):
    standard: str
    title: str
    decision: Decision
    priority: Optional[int]
    currently: Literal["certified", "implemented", "none"]
    reasons: list[Reason]
    effort: Optional[Effort] = None
    notes: list[Reason] = Field(default_factory=list,
                                description="Related facts that do not change the decision.")


class Unknown(_Out):
    field: str
    could_change: list[str]


class InferredFact(_Out):
    fact: str
    value: Any
    rule: str
    text: str


class SchemeAdvice(_Out):
    """A scheme outside the ISO catalog that a consultant names next to the ISO plan."""

    scheme: str = Field(description="Scheme name (GMP, GLOBALG.A.P., TISAX, ...).")
    level: Literal["required", "expected", "alternative"] = Field(
        description="required: a condition of the business or the law; expected: customers "
                    "normally ask for it; alternative: may replace or accompany an ISO certificate.")
    held: bool = Field(description="The profile lists it in schemes_held.")
    what: str = Field(description="What the scheme is and who runs it.")
    reasons: list[Reason] = Field(description="Rules that name it, with their sources.")


class Assessment(_Out):
    organization: str
    rulebase_version: str
    recommendations: list[Recommendation]
    unknowns: list[Unknown]
    warnings: list[str]
    fired_rules: list[str]
    inferred: list[InferredFact] = Field(default_factory=list,
                                         description="Facts the engine inferred, with the rule.")
    notes: list[Reason] = Field(default_factory=list,
                                description="Advice that is not about one catalog standard.")
    schemes: list[SchemeAdvice] = Field(
        default_factory=list, description="Non-ISO schemes (GMP, GLOBALG.A.P., TISAX, CMMC, ...) "
        "required, expected or alternative, strongest first.")

    def recommendation(self, standard: str) -> Recommendation:
        name = catalog.resolve(standard)
        return next(r for r in self.recommendations if r.standard == name)
