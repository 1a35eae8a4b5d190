"""Typed models at the library's boundary: the organization profile in, the assessment out.

Field descriptions double as questionnaire help and JSON Schema text, so wording lives here once.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from enum import Enum
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator,
                      Field, Tag, ValidationError, field_validator, model_validator)
from pydantic_core import PydanticCustomError, core_schema

from advisor.advice import catalog, vocabulary
from advisor.errors import MAX_FIELD_CHARS, Problem, ProfileError, closest, printable
from advisor.kernel.text import check_text, unsafe_character

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
    if isinstance(value, str) and unsafe_character(value) is not None:
        raise ValueError(f"'{printable(value)}' holds a control, invisible or direction-changing "
                         f"character or invalid Unicode; {what}")
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


def _certified_standard(value: Any) -> tuple[str, str | None]:
    """A certificate's standard and edition (`ISO/IEC 27001:2013`, `AS9100D`, `FSSC 22000 V6`)."""
    from advisor.claims.models import parse_standard   # claims imports this module
    reference = _short(value, "a standard reference is a name such as 'ISO 9001:2015'")
    if not isinstance(reference, str):
        raise ValueError("a standard reference must be text, such as 'ISO 9001:2015'")
    name, edition = parse_standard(reference)
    if name not in catalog.NAMES:          # withdrawn or guidance: the catalog's own message
        resolved = catalog.resolve(catalog.strip_edition(reference)[0])
        raise ValueError(f"{resolved} is a guidance standard and cannot be certified"
                         if resolved in catalog.GUIDANCE else f"'{reference}' cannot be certified")
    return name, edition


class CertificateRecord(BaseModel):
    """A certificate held, as printed on it. Checked against the edition table as of the
    assessment date: a withdrawn edition or a passed expiry date is not a certificate in place."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    standard: str = Field(description="Standard, with the edition if printed (`ISO 9001:2015`).")
    edition: Optional[str] = Field(None, max_length=20,
                                   description="Edition (year, revision letter or scheme version).")
    issued: Optional[dt.date] = Field(None, description="Issue date of the current certificate.")
    expires: Optional[dt.date] = Field(None, description="Expiry date printed on the certificate.")
    certification_body: Optional[str] = Field(None, max_length=200,
                                              description="Who issued the certificate.")
    accreditation_body: Optional[str] = Field(None, max_length=200,
                                              description="Whose accreditation mark it carries.")
    scope: Optional[str] = Field(None, max_length=2000, description="The certified scope.")
    sites: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Certified sites.")

    @model_validator(mode="before")
    @classmethod
    def _split_edition(cls, data: Any) -> Any:
        if isinstance(data, str):
            data = {"standard": data}
        if not isinstance(data, dict) or "standard" not in data:
            return data
        name, edition = _certified_standard(data["standard"])
        given = data.get("edition")
        if given is not None and edition is not None and str(given).strip().upper() != edition.upper():
            raise PydanticCustomError("edition", "edition '{given}' differs from the edition in "
                                      "the standard reference ('{edition}')",
                                      {"given": printable(str(given), 20), "edition": edition})
        return {**data, "standard": name, "edition": given if given is not None else edition}

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CertificateRecord":
        if self.issued and self.expires and self.expires < self.issued:
            raise ValueError(f"expires ({self.expires.isoformat()}) is before issued "
                             f"({self.issued.isoformat()}); give the dates as printed on the "
                             "certificate")
        return self


def _certified_kind(value: Any) -> str:
    """A mapping or a reference carrying an edition is a certificate record; else a name."""
    if isinstance(value, (dict, CertificateRecord)):
        return "record"
    if isinstance(value, str) and len(value) <= 100 and printable(value) == value and (
            catalog.strip_edition(value)[1] or re.search(r"9100\s*[A-Da-d]\s*$|\bv(er)?\.?\s*\d",
                                                         value)):
        return "record"
    return "reference"


CertifiedList = Annotated[
    list[Annotated[Union[Annotated[str, Ref("standard"), Tag("reference")],
                         Annotated[CertificateRecord, Tag("record")]],
                   Discriminator(_certified_kind)]],
    BeforeValidator(_as_list)]


def _field(default: Any, description: str, question: str, asked_if: dict | None = None,
           asked: bool = True, **kw: Any) -> Any:
    """A field with its questionnaire wording; `asked_if` names answers the question presupposes;
    `asked=False` keeps a field out of the interview (details entered in files)."""
    extra = {"question": question, **({"asked_if": asked_if} if asked_if else {}),
             **({} if asked else {"asked": False})}
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
    certified: CertifiedList = _field(
        [], "Certificates held: a reference (`ISO 9001`) or a record with edition, issued, "
        "expires, certification_body, accreditation_body, scope and sites. Records are checked "
        "as of the assessment date; after validation this list holds the standards' names and "
        "`certificates` the records.", "Which certificates do you hold now?")
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
    internal_capacity: Optional[Annotated[str, Vocab("levels")]] = _field(
        None, "Staff time the organization can give to certification projects; with budget and "
              "size it decides how many systems run together in the roadmap.",
        "How much staff time can you give to certification projects (low, moderate, high)?")
    certificates: list[CertificateRecord] = _field(
        [], "Details of certificates held (from `certified` records, or given here).",
        "Which certificates do you hold, with their edition and expiry date?",
        max_length=MAX_LIST_ITEMS, asked=False)

    @model_validator(mode="after")
    def _certificates_apart(self) -> "Profile":
        """`certified` keeps the names (what the rules read); records move to `certificates`.
        A standard given both as a bare reference and as a record is ambiguous: an error."""
        items = self.__dict__["certified"]
        if all(isinstance(i, str) for i in items):
            names = list(items)
        else:
            bare = {i for i in items if isinstance(i, str)}
            twice = [i.standard for i in items if isinstance(i, CertificateRecord) and i.standard in bare]
            if twice:
                raise ValueError(f"certified: {twice[0]} is given twice, as a reference and as a "
                                 "certificate record; keep one entry per standard (the record)")
            names = _unique([i if isinstance(i, str) else i.standard for i in items])
            records = [i for i in items if isinstance(i, CertificateRecord)]
            self.__dict__["certificates"] = _unique([*self.__dict__["certificates"], *records])
        seen: set[str] = set()
        for record in self.__dict__["certificates"]:
            if record.standard in seen:
                raise ValueError(f"certificates: {record.standard} has two records; keep one "
                                 "entry per standard (the current certificate)")
            seen.add(record.standard)
        self.__dict__["certified"] = _unique([*names, *(r.standard for r in
                                                        self.__dict__["certificates"])])
        return self
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
    def _safe_text(cls, value: str) -> str:
        """The name is printed in every output: no terminal escapes, bidi controls or invisible
        characters (advisor.kernel.text)."""
        return check_text(value)

    @field_validator("annual_energy_tj", "turnover_eur_m", "balance_sheet_eur_m")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


FIELDS: tuple[str, ...] = tuple(Profile.model_fields)
#: The fields the questionnaire asks (record lists such as `certificates` come from files).
ASKED_FIELDS: tuple[str, ...] = tuple(
    name for name, info in Profile.model_fields.items()
    if not (isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("asked") is False))
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


_UNION_TAGS = frozenset({"record", "reference"})


def validation_problems(exc: ValidationError, *, source: str | None = None,
                        location: str | None = None) -> list[Problem]:
    """Pydantic errors as Problems: field path, the offending value and what would be valid."""
    problems = []
    for err in exc.errors(include_url=False):
        path = ""
        for part in err["loc"]:
            if part in _UNION_TAGS:       # which branch of a union: not a field the user wrote
                continue
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
Currently = Literal["certified", "implemented", "none"]
EngineName = Literal["durable", "python"]

#: Version of the decision-record layout (the assessment JSON). Raised when a reader of old
#: records would misread new ones; `iso-advisor replay` refuses records from a newer version.
FORMAT_VERSION = 1
#: The keys beside `rulebase_version` that make an output a reproducible decision record.
RECORD_KEYS = ("rulebase_digest", "as_of", "advisor_version", "engine", "format_version")


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


class CertificateCheck(_Out):
    """A certificate held, as of the assessment date: in place or not, and what to do by when."""

    standard: str
    edition: Optional[str]
    issued: Optional[str]
    expires: Optional[str] = Field(description="Expiry printed, or three years from issue.")
    certification_body: Optional[str]
    accreditation_body: Optional[str]
    status: Literal["valid", "expiring", "transition", "expired", "withdrawn", "unknown"] = Field(
        description="valid; expiring within the planning horizon; transition (its edition is "
                    "being replaced); expired; withdrawn (its edition's transition has ended); "
                    "unknown (no dates given).")
    in_place: bool = Field(description="False for expired certificates and withdrawn editions.")
    valid_until: Optional[str] = Field(description="Expiry or end of the edition's transition.")
    action: str = Field(description="What to do: keep, recertify, transition audit, new certificate.")
    action_by: Optional[str] = Field(description="The date the action must be finished by.")
    basis: str


class Recommendation(_Out):
    standard: str
    title: str
    decision: Decision
    priority: Optional[int]
    currently: Currently
    reasons: list[Reason]
    also: list[Reason] = Field(
        default_factory=list,
        description="Reasons to have the management system that do not ask for its certificate "
                    "(a law such as NIS2 or DORA, a risk), under a certify decision: they hold "
                    "too, and are kept apart so that every reason's wording matches its decision.")
    effort: Optional[Effort] = None
    notes: list[Reason] = Field(default_factory=list,
                                description="Related facts that do not change the decision.")
    certificate: Optional[CertificateCheck] = Field(
        default=None, description="The certificate held for this standard, as of the assessment date.")


class AuditDays(_Out):
    """Auditor-days over one three-year certification cycle (8-hour days, IAF MD 5)."""

    stage1: float
    stage2: float
    surveillance: list[float] = Field(description="Surveillance audits in years one and two.")
    recertification: float
    total: float
    sites_audited: Optional[dict[str, int]] = Field(
        description="Sites visited per audit (multi-site sampling, IAF MD 1); null for one site.")
    basis: str
    estimate: bool


class Money(_Out):
    low: float
    high: float
    currency: str


class DayRate(_Out):
    low: float
    high: float
    currency: str
    country: Optional[str] = Field(description="Whose rates these are; null when given by the user.")
    source: str
    date: str
    estimate: bool
    overridden: bool = Field(description="Given with --day-rate / day_rate= instead of the table.")


class StandardCost(_Out):
    standard: str
    covers: Literal["initial_cycle", "keep_certificate"] = Field(
        description="initial_cycle: stage 1 + 2, two surveillance audits, recertification; "
                    "keep_certificate: two surveillance audits and recertification of a held one.")
    audit_days: AuditDays
    audit_fees: Money
    internal_person_months: list[float]
    basis: str
    estimate: bool


class Costs(_Out):
    """The three-year cost of the plan: auditor-days, fees as a range, internal effort."""

    day_rate: DayRate
    standards: list[StandardCost]
    separate_audit_days: float = Field(description="Sum of the standards audited one by one.")
    integrated_audit_days: float = Field(
        description="With systems that share the harmonized structure audited together "
                    "(IAF MD 11, up to 20 % less).")
    integration_basis: str
    audit_fees: Money = Field(description="Low: integrated days at the low rate; high: separate "
                                          "days at the high rate.")
    internal_person_months: list[float]
    basis: str
    estimate: bool


class Milestone(_Out):
    month: int
    what: str


class Project(_Out):
    """One step of the roadmap: systems run together, with their audit milestones."""

    standards: list[str]
    kind: Literal["certify", "implement", "recertify", "transition", "new_certificate"]
    start_month: int
    ready_months: list[int] = Field(description="Typically ready between these months from now.")
    milestones: list[Milestone]
    merged: list[str] = Field(description="Standards built inside this project (covered by another).")
    note: str


class Roadmap(_Out):
    projects: list[Project]
    concurrency: int = Field(description="Projects run at the same time.")
    concurrency_basis: str
    done_months: list[int] = Field(description="Everything typically done between these months.")
    deadline_months: Optional[int]
    fits_deadline: Optional[bool] = Field(description="null when there is no deadline or no "
                                                      "certificate it depends on.")
    shortfall_months: Optional[int]
    deadline_note: Optional[str]
    options: list[Reason] = Field(description="What would fit a deadline the plan misses.")
    estimate: bool


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
    """The advice for one profile, and a decision record: what was decided, why, and everything
    needed to reproduce it (`iso-advisor replay`): the date, the rule base's version and content
    digest, the advisor's version, the engine and the normalised profile."""

    organization: str
    rulebase_version: str
    rulebase_digest: str = Field(description="Content digest of the rule base ('sha256:...').")
    as_of: dt.date = Field(description="The date the rules were applied for (YYYY-MM-DD).")
    advisor_version: str = Field(description="Version of iso-advisor that made the assessment.")
    engine: EngineName = Field(description="Rules engine that ran the rules (same results).")
    format_version: int = Field(description="Layout version of this record; replay refuses "
                                            "newer ones.")
    recommendations: list[Recommendation]
    unknowns: list[Unknown]
    warnings: list[str]
    fired_rules: list[str]
    inferred: list[InferredFact] = Field(default_factory=list,
                                         description="Facts the engine inferred, with the rule.")
    notes: list[Reason] = Field(default_factory=list,
                                description="Advice that is not about one catalog standard.")
    certificates: list[CertificateCheck] = Field(
        default_factory=list, description="Certificates held with details, as of `as_of`.")
    roadmap: Optional[Roadmap] = Field(default=None, description="The plan over time.")
    costs: Optional[Costs] = Field(default=None, description="The three-year cost of the plan.")
    schemes: list[SchemeAdvice] = Field(
        default_factory=list, description="Non-ISO schemes (GMP, GLOBALG.A.P., TISAX, CMMC, ...) "
        "required, expected or alternative, strongest first.")
    profile: Profile = Field(description="The profile as read and normalised (canonical "
                                         "standard names, upper-case countries): the input to "
                                         "replay.")

    def recommendation(self, standard: str) -> Recommendation:
        name = catalog.resolve(standard)
        return next(r for r in self.recommendations if r.standard == name)
