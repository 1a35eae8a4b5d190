"""Typed models of a claim check: a supplier's certification claim in, the judgement out.

Field names are fixed by the public contract (section 6). Field descriptions double as JSON
Schema text (`iso-advisor schema claim`).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      model_validator)
from pydantic_core import PydanticCustomError

from advisor.advice import catalog
from advisor.errors import ClaimError, Problem, closest
from advisor.kernel.text import check_text
from advisor.advice.models import FORMAT_VERSION, EngineName, _as_list, validation_problems

#: Withdrawn standards people still claim (compact spelling -> name). `catalog.resolve` rejects
#: them for profiles; a claim to one is accepted and judged (the rules flag it).
WITHDRAWN: dict[str, str] = {
    "OHSAS18001": "OHSAS 18001", "BSOHSAS18001": "OHSAS 18001", "18001": "OHSAS 18001",
    "ISOTS16949": "ISO/TS 16949", "TS16949": "ISO/TS 16949",
    "ISO9002": "ISO 9002", "ISO9003": "ISO 9003",
}
STANDARD_NAMES: tuple[str, ...] = (catalog.NAMES + tuple(catalog.GUIDANCE)
                                   + tuple(dict.fromkeys(WITHDRAWN.values())))

#: Edition words at the end of a reference (`FSSC 22000 V6`, `AS9100 Rev D`). Searched, not
#: matched from the start with a lazy `.*?` prefix: that form backtracked quadratically on runs of
#: spaces (16,000 spaces took a minute).
_VERSION = re.compile(r"\b(?:v|ver\.?|version)\s*(?P<edition>\d+(?:\.\d+)?)$", re.I)
_REVISION_WORD = re.compile(r"\b(?:rev|revision)\.?\s*(?P<edition>[A-Z])$", re.I)
_REVISION = re.compile(r"9100\s*(?P<letter>[A-D])$", re.I)      # AS9100D, EN 9100 C
MAX_STANDARD_CHARS = 100     # longer than any real reference, edition included


def parse_standard(reference: str) -> tuple[str, str | None]:
    """A claimed standard as (name, edition): `ISO 9001:2015` -> ("ISO 9001", "2015").

    Editions are years, scheme versions (`FSSC 22000 V6` -> "6") or AS9100 revision letters
    (`AS9100D` -> "D"). Catalog and guidance standards resolve as in profiles; withdrawn ones
    (OHSAS 18001, ISO/TS 16949) resolve too. Anything else raises ValueError with suggestions.
    """
    if len(reference) > MAX_STANDARD_CHARS:
        raise ValueError(f"is {len(reference):,} characters long; a standard reference is at most "
                         f"{MAX_STANDARD_CHARS}, such as 'ISO 9001:2015'")
    base, edition = catalog.strip_edition(reference)
    named = edition is None and (_VERSION.search(base) or _REVISION_WORD.search(base))
    if named:
        base, edition = base[:named.start()].rstrip(), named["edition"].upper()
    try:
        name = catalog.resolve(base)
    except ValueError:
        name = WITHDRAWN.get(re.sub(r"[^A-Z0-9]", "", base.upper()))
        if name is None:
            raise
    revision = _REVISION.search(base.strip())
    if name == "AS9100" and edition is None and revision:
        edition = revision["letter"].upper()
    return name, edition


def claimed_name(standard: str, edition: str | None) -> str:
    """How the claim reads: `ISO 9001:2015`, `AS9100D`, `OHSAS 18001`."""
    if not edition:
        return standard
    return f"{standard}{edition}" if edition.isalpha() else f"{standard}:{edition}"


def _standard(value: Any) -> str:
    """The canonical name of a catalog, guidance or withdrawn standard; any other reference is
    kept as written, for the claim check to resolve against its scheme data (SOC 2, TISAX, ...)
    or to judge as outside the catalog."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a standard reference must be text, such as 'ISO 9001:2015'")
    if len(value) > MAX_STANDARD_CHARS:
        raise ValueError(f"is {len(value):,} characters long; a standard reference is at most "
                         f"{MAX_STANDARD_CHARS}, such as 'ISO 9001:2015'")
    value = check_text(value)
    try:
        return parse_standard(value)[0]
    except ValueError:
        return " ".join(value.split())


#: Certificate statuses as IAF CertSearch shows them (its field glossary, version 2.0).
STATUSES: tuple[str, ...] = ("Active", "Suspended", "Withdrawn", "Expired", "Cancelled", "Inactive")


def _status(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        for status in STATUSES:
            if value.strip().lower() == status.lower():
                return status
    raise PydanticCustomError("choice", "'{value}' is not a certificate status",
                              {"value": value, "valid": ", ".join(STATUSES)})


def _text(value: Any) -> Any:
    """Free text; numbers (a certificate number read from YAML) become text; blank is unknown.
    Line breaks become spaces; control, bidi and invisible characters are refused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and not value.strip():
        return None
    return check_text(value, multiline=True)


def _line(value: Any) -> Any:
    """One line of text (a supplier's name, a site): control, bidi and invisible characters
    are refused."""
    return check_text(value)


_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


def _bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, str) and not value.strip():
        return None
    raise PydanticCustomError("choice", "'{value}' is not true or false",
                              {"value": value, "valid": "true, false, yes, no (empty = unknown)"})


def _date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("choice", "'{value}' is not a date", {
        "value": value, "valid": "a date written YYYY-MM-DD, such as 2026-03-31"})


Text = Annotated[Optional[str], BeforeValidator(_text)]
Line = Annotated[str, BeforeValidator(_line)]
Flag = Annotated[Optional[bool], BeforeValidator(_bool)]
Date = Annotated[Optional[dt.date], BeforeValidator(_date)]


class Claim(BaseModel):
    """A supplier's claim to hold a management-system certificate, as a buyer sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              str_strip_whitespace=True)

    supplier: Line = Field(..., min_length=1, max_length=200, description="Who makes the claim.")
    wording: Text = Field(None, max_length=2000, description=(
        'How the claim is worded ("ISO 9001 certified", "certified by ISO", "ISO approved", ...).'))
    standard: Annotated[str, BeforeValidator(_standard)] = Field(..., min_length=1,
                                                               max_length=200, description=(
        "The standard or scheme claimed, optionally with its edition: `ISO 9001:2015`, "
        "`ISO/IEC 27001:2013`, `AS9100D`, `OHSAS 18001`, `SOC 2 Type 2`, `Cyber Essentials Plus`. "
        "Catalog standards are stored as the canonical name (the edition goes to `edition`); "
        "other schemes and standards as written, judged by the claim rules' scheme data."))
    edition: Text = Field(None, max_length=20, description=(
        "Edition claimed: a year (2015), a scheme version (FSSC 22000 V6 -> 6) or an AS9100 "
        "revision letter (D). Taken from `standard` when written there."))
    certification_body: Text = Field(None, max_length=200,
                                     description="Who issued the certificate.")
    accreditation_body: Text = Field(None, max_length=200, description=(
        "Whose accreditation mark the certificate carries (UKAS, ANAB, DAkkS, ...); `none` when "
        "it carries none. Empty means not known."))
    certificate_number: Text = Field(None, max_length=100, description="The certificate's number.")
    issued: Date = Field(None, description=(
        "Date of the current certificate (start of its current three-year cycle), YYYY-MM-DD; "
        "not the date of first certification."))
    expires: Date = Field(None, description="Expiry date printed on the certificate, YYYY-MM-DD.")
    initial_certification: Date = Field(None, description=(
        "Date of first certification (\"initial certification date\" on many certificates), "
        "YYYY-MM-DD; it may be many years before `issued`."))
    status: Annotated[Optional[str], BeforeValidator(_status)] = Field(None, description=(
        "Certificate status where it was looked up (IAF CertSearch, the certification body's "
        "register): " + ", ".join(STATUSES) + "."))
    holder: Text = Field(None, max_length=300, description=(
        "The legal entity named on the certificate, to compare with the supplier."))
    scope: Text = Field(None, max_length=2000, description="The certified scope, as printed.")
    sites: Annotated[list[Annotated[Line, Field(min_length=1, max_length=300)]],
                     BeforeValidator(_as_list)] = Field(
        [], description="Certified sites (in CSV: separated by ';').")
    supplying_site: Text = Field(None, max_length=300, description=(
        "The site that makes or delivers what is bought, to compare with `sites`."))
    iso_logo_used: Flag = Field(None, description="The ISO logo is shown with the claim.")
    cb_also_consulted: Flag = Field(None, description=(
        "The certification body also helped build (consulted on) the management system."))
    audit_days: Optional[float] = Field(None, ge=0, le=10_000, description=(
        "Initial certification audit days (stage 1 + stage 2), if known."))
    employees: Optional[int] = Field(None, ge=1, le=10_000_000, description=(
        "The supplier's headcount in the certified scope (full-time equivalents)."))
    purchased_scope: Text = Field(None, max_length=2000, description=(
        "What the buyer is buying from this supplier (products, services, site)."))
    listed_in_database: Flag = Field(None, description=(
        "The certificate was looked up where it must be listed (IAF CertSearch; the IATF "
        "database for IATF 16949; IAQG OASIS for AS9100): true = found, false = not found."))
    as_of: Date = Field(None, description=(
        "The day the claim is judged on, YYYY-MM-DD (default: today). Give it for results that "
        "do not change from day to day."))

    @model_validator(mode="before")
    @classmethod
    def _edition_from_standard(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("standard"), str) or len(
                data["standard"]) > MAX_STANDARD_CHARS:
            return data
        try:
            edition = parse_standard(data["standard"])[1]
            given = _text(data.get("edition"))
        except ValueError:
            return data                       # reported on `standard` or `edition` by their own validators
        if edition is None:
            return data
        if given is not None and str(given).strip().upper() != edition.upper():
            raise PydanticCustomError("edition", "'standard' says edition {edition} but 'edition' "
                                      "says {given}", {"edition": edition, "given": given})
        return {**data, "edition": edition}

    @property
    def claimed(self) -> str:
        return claimed_name(self.standard, self.edition)


FIELDS: tuple[str, ...] = tuple(Claim.model_fields)


def parse_claim(data: Any, *, source: str | None = None, location: str | None = None) -> Claim:
    """Validate a mapping into a Claim, or raise ClaimError listing every problem."""
    if isinstance(data, Claim):
        return data
    if not isinstance(data, dict):
        raise ClaimError([Problem(f"a claim must be a mapping of fields, not {type(data).__name__}",
                                  source=source, location=location)])
    problems = []
    for key in data:
        if key not in Claim.model_fields:
            hints = closest(str(key), FIELDS)
            problems.append(Problem(f"unknown field '{key}'", field=str(key), source=source,
                                    location=location, suggestions=hints,
                                    valid=None if hints else ", ".join(FIELDS)))
    try:
        claim = Claim.model_validate({k: v for k, v in data.items() if k in Claim.model_fields})
    except ValidationError as exc:
        raise ClaimError(problems + validation_problems(exc, source=source,
                                                        location=location)) from None
    if problems:
        raise ClaimError(problems)
    return claim


# ---------------------------------------------------------------------------------------------
# The judgement (output)

Severity = Literal["not_credible", "verify"]
Verdict = Literal["credible", "verify", "not_credible"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RedFlag(_Out):
    rule: str = Field(description="Rule id, from the claim rule base (rules/claims).")
    severity: Severity = Field(description="not_credible: the claim as made cannot be relied on; "
                                           "verify: resolve this before relying on it.")
    text: str = Field(description="What is wrong, in plain words, naming the claim's details.")
    source: str = Field(description="Document and section, or URL, the rule rests on.")
    depends_on: list[str] = Field(default_factory=list, description=(
        "Data files the finding rests on (see `depends_on` of the check)."))


class Check(_Out):
    rule: str = Field(description="Rule id of the check.")
    what: str = Field(description="What to verify.")
    where: str = Field(description="Where to verify it.")
    source: str = Field(description="Document and section, or URL, the check rests on.")


class DataSource(_Out):
    file: str = Field(description="Data file in the claim rule base.")
    title: str
    date: Optional[str] = Field(default=None, description="When the data was compiled.")
    source: str = Field(description="Where the data comes from.")
    refresh: Optional[str] = Field(default=None, description="Where to check it for changes.")


class ClaimCheck(_Out):
    supplier: str
    standard: str = Field(description="The standard claimed, with its edition (`ISO 9001:2015`).")
    judged_as: Literal["catalog standard", "guidance standard", "withdrawn standard", "scheme",
                       "outside the catalog"] = Field(
        "catalog standard", description=(
            "What the claimed standard was judged as: a catalog standard, a guidance or withdrawn "
            "standard, another scheme (see `scheme`), or a standard outside the catalog."))
    scheme: Optional[str] = Field(None, description=(
        "The scheme the claim was read as (SOC 2, Cyber Essentials, TISAX, ...), if any."))
    verdict: Verdict = Field(description="credible: no red flag (still run the checks); verify: "
                                         "resolve the red flags first; not_credible: do not rely "
                                         "on the claim as made.")
    summary: str
    red_flags: list[RedFlag]
    checks: list[Check] = Field(description="What to verify, and where.")
    as_of: dt.date = Field(description="The day the claim was judged on.")
    rulebase_version: str
    rulebase_digest: str = Field(description="Content digest of the claim rule base "
                                             "('sha256:...').")
    advisor_version: str = Field(description="Version of iso-advisor that judged the claim.")
    engine: EngineName = Field(description="Rules engine that ran the rules (same results).")
    format_version: int = Field(description="Layout version of this record.")
    fired_rules: list[str]
    depends_on: list[DataSource] = Field(default_factory=list, description=(
        "Dated data the verdict rests on (such as the IAF MLA signatory list): refresh it when "
        "it ages."))
    claim: Claim = Field(description="The claim as read and normalised: the input to replay.")
