"""Is a supplier's "ISO certified" claim credible? `check_claim()`: claim, facts, rules, verdict.

The judgement is data: the rules in `rules/claims/*.yaml` (a rule base of kind `claims`, loaded
and validated by `advisor.kernel.rulebase` like the advice) run on the same engines as the advice. This
module only derives, generically, the facts those rules read next to the claim's own fields
(dates against `as_of`, edition status, accreditation-body status, audit days against the IAF
MD 5 tables, scope overlap) from the claim and the rule base's data files, then turns the rules
that fired into red flags, a verdict and a checklist. Domain thresholds live in the rules.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Union

import yaml

from advisor.advice import catalog
from advisor.advice.assess import as_of_date
from advisor.advice.batch import BatchError, read_file
from advisor.claims.matching import (NameIndex, ScopeReader, aliases, fold, same_name,
                                     site_matches)
from advisor.claims.models import (FIELDS, STANDARD_NAMES, STATUSES, WITHDRAWN, Check, Claim,
                                   ClaimCheck, DataSource, RedFlag, claimed_name, parse_claim,
                                   parse_standard)
from advisor.inputs.tables import numeric_fields
from advisor.kernel import compiled
from advisor.advice.models import FORMAT_VERSION
from advisor.engines import resolve as resolve_engine
from advisor.version import __version__
from advisor.advice.effort import table_days, validate as validate_effort
from advisor.errors import (AdvisorError, ClaimError, InputError, Problem, RuleBaseError,
                            closest, printable)
from advisor.kernel.rulebase import (FieldType, RuleBase, RuleInstance, Schema, load, pointer,
                                     shipped_rules_dir)
from advisor.kernel.text import fill

__all__ = ["check_claim", "check_file", "claim_fact", "claims_rulebase", "ClaimResult", "SCHEMA"]

SEVERITY_RANK = {"not_credible": 2, "verify": 1}
#: Rule examples are claim fragments laid over this claim (as advice examples over a profile).
EXAMPLE_BASE = {"supplier": "Example Ltd", "standard": "ISO 9001:2015", "as_of": "2026-06-30"}

_TEXT, _BOOL, _NUMBER = FieldType("text"), FieldType("bool"), FieldType("number")


def _claim_types() -> dict[str, FieldType]:
    types: dict[str, FieldType] = {}
    for name in FIELDS:
        if name == "standard":     # catalog, guidance and withdrawn names; schemes: `scheme`
            types[name] = FieldType("enum", STANDARD_NAMES)
        elif name == "status":
            types[name] = FieldType("enum", STATUSES)
        elif name in ("iso_logo_used", "cb_also_consulted", "listed_in_database"):
            types[name] = _BOOL
        elif name in ("audit_days", "employees"):
            types[name] = _NUMBER
        elif name == "sites":
            types[name] = FieldType("list")
        else:
            types[name] = _TEXT
    return types


#: Facts derived from a claim before the rules run: type, and the data file a known value rests
#: on (named in the output, so a reader knows the answer depends on that file and its date).
DERIVED: dict[str, tuple[FieldType, str | None]] = {
    "claimed": (_TEXT, None),
    "standard_kind": (FieldType("enum", ("certifiable", "guidance", "withdrawn", "scheme",
                                         "outside_catalog")), None),
    "scheme": (_TEXT, "schemes.yaml"),
    "scheme_kind": (FieldType("enum", ("certification", "attestation_report", "assessment_label",
                                       "levels")), "schemes.yaml"),
    "scheme_what": (_TEXT, "schemes.yaml"),
    "scheme_verify": (_TEXT, "schemes.yaml"),
    "scheme_owner": (_TEXT, "schemes.yaml"),
    "schemes_date": (_TEXT, None),
    "certificate_wording_misused": (_BOOL, "schemes.yaml"),
    "accreditation_applies": (_BOOL, None),
    "days_past_scheme_validity": (_NUMBER, "schemes.yaml"),
    "scheme_validity_months": (_NUMBER, "schemes.yaml"),
    "scheme_level": (_NUMBER, None),
    "wording_flags": (FieldType("list"), None),
    "guidance_reason": (_TEXT, None),
    "related_note": (_TEXT, None),
    "iso_named_as_certifier": (_BOOL, None),
    "edition_status": (FieldType("enum", ("current", "transition", "withdrawn", "not_in_table")),
                       "editions.yaml"),
    "edition_valid_until": (_TEXT, "editions.yaml"),
    "replaced_by": (_TEXT, "editions.yaml"),
    "editions_date": (_TEXT, None),
    "days_to_expiry": (_NUMBER, None),
    "days_since_issue": (_NUMBER, None),
    "years_since_issue": (_NUMBER, None),
    "certificate_years": (_NUMBER, None),
    "ab_status": (FieldType("enum", ("signatory", "other_scope", "not_listed", "not_accreditor",
                                     "outside_iaf", "lookalike", "none")), "iaf_mla.yaml"),
    "ab_lookalike_of": (_TEXT, "iaf_mla.yaml"),
    "ab_source": (_TEXT, "iaf_mla.yaml"),
    "ab_name": (_TEXT, "iaf_mla.yaml"),
    "ab_directory": (_TEXT, "iaf_mla.yaml"),
    "ab_note": (_TEXT, "iaf_mla.yaml"),
    "mla_date": (_TEXT, None),
    "cb_named_as_ab": (_BOOL, None),
    "cb_status": (FieldType("enum", ("not_certifier", "accreditation_body", "iso_in_name")),
                  "schemes.yaml"),
    "cb_note": (_TEXT, "schemes.yaml"),
    "scheme_cb_status": (FieldType("enum", ("recognised", "not_listed")), "schemes.yaml"),
    "scheme_cb_where": (_TEXT, "schemes.yaml"),
    "scheme_cb_by": (_TEXT, "schemes.yaml"),
    "dates_inconsistent": (_BOOL, None),
    "dates_problem": (_TEXT, None),
    "holder_matches_supplier": (_BOOL, None),
    "supplying_site_certified": (_BOOL, None),
    "md5_days": (_NUMBER, "effort.yaml"),
    "audit_days_share": (_NUMBER, "effort.yaml"),
    "scope_coverage": (_NUMBER, "scope_terms.yaml"),
    "scope_missing_activities": (FieldType("list"), "scope_terms.yaml"),
    "scope_activities": (FieldType("list"), "scope_terms.yaml"),
    "scope_activity_gap": (_BOOL, "scope_terms.yaml"),
    "missing_details": (FieldType("list"), None),
    "missing_count": (_NUMBER, None),
}


# -- the data files: validated when the rule base loads ---------------------------------------

def _problems_of(data: Any, required: Mapping[str, type]) -> list[str]:
    if not isinstance(data, dict):
        return ["must be a mapping with: " + ", ".join(required)]
    return [f"{key}: is required ({kind.__name__})" for key, kind in required.items()
            if not isinstance(data.get(key), kind)]


_HEADER = {"title": str, "date": str, "source": str}


def _validate_mla(data: Any, folder: Path) -> list[str]:
    problems = _problems_of(data, {**_HEADER, "sub_scopes": list, "signatories": list,
                                   "not_accreditors": list, "none_words": list,
                                   "filler_words": list, "legal_words": list,
                                   "place_words": list, "mark_words": list})
    if problems:
        return problems
    problems += [f"sub_scopes: '{s}' is not a catalog standard" for s in data["sub_scopes"]
                 if s not in catalog.BY_NAME]
    problems += [f"{key}: {word!r} is not text (quote yes/no words in YAML)"
                 for key in ("none_words", "filler_words", "legal_words", "place_words",
                             "mark_words")
                 for word in data[key] if not isinstance(word, str)]
    seen: dict[str, str] = {}
    for n, entry in enumerate(data["signatories"], 1):
        if not isinstance(entry, dict) or not entry.get("abbr") or not entry.get("name"):
            problems.append(f"signatories #{n}: needs abbr and name")
            continue
        where = f"signatories.{entry['abbr']}"
        problems += [f"{where}: needs {key} (every entry says where it comes from and when)"
                     for key in ("country", "region", "source", "as_of") if not entry.get(key)]
        if entry.get("region") and entry["region"] not in REGIONS:
            problems.append(f"{where}: region '{entry['region']}' is not an IAF regional "
                            f"group (valid: {', '.join(REGIONS)})")
        problems += [f"{where}: '{s}' is not a catalog standard"
                     for s in entry.get("sub_scopes") or [] if s not in catalog.BY_NAME]
        for alias in aliases(entry):
            if alias in seen and seen[alias] != entry["abbr"]:
                problems.append(f"{where}: name '{alias}' also names {seen[alias]}")
            seen[alias] = entry["abbr"]
    for n, entry in enumerate(data["not_accreditors"], 1):
        if not isinstance(entry, dict) or not all(entry.get(k) for k in
                                                  ("names", "why", "kind", "source", "as_of")):
            problems.append(f"not_accreditors #{n}: needs names, kind, why, source and as_of")
        elif entry["kind"] not in ("not_accreditor", "outside_iaf"):
            problems.append(f"not_accreditors #{n}: kind '{entry['kind']}' is not valid "
                            "(valid: not_accreditor, outside_iaf)")
    return problems


#: The regional accreditation groups whose MLAs the IAF recognises (iaf.nu, 2023).
REGIONS = ("EA", "APAC", "IAAC", "AFRAC", "ARAC", "SADCA")
SCHEME_KINDS = ("certification", "attestation_report", "assessment_label", "levels")


def _validate_schemes(data: Any, folder: Path) -> list[str]:
    problems = _problems_of(data, {**_HEADER, "schemes": list, "scheme_bodies": dict,
                                   "not_certifiers": list, "iso_name_words": list,
                                   "iso_name_source": str})
    if problems:
        return problems
    for n, entry in enumerate(data["schemes"], 1):
        keys = ("name", "kind", "owner", "what", "verify", "source", "as_of")
        if not isinstance(entry, dict) or not all(entry.get(k) for k in keys):
            problems.append(f"schemes #{n}: needs {', '.join(keys)}")
            continue
        where = f"schemes.{entry['name']}"
        if entry["kind"] not in SCHEME_KINDS:
            problems.append(f"{where}: kind '{entry['kind']}' is not valid (valid: "
                            f"{', '.join(SCHEME_KINDS)})")
        problems += [f"{where}: {key} must be true or false" for key in
                     ("accreditation", "certificate_words") if not isinstance(entry.get(key), bool)]
        problems += [f"{where}: essential_details: '{f}' is not a claim field"
                     for f in entry.get("essential_details") or [] if f not in FIELDS]
        months = entry.get("validity_months")
        if months is not None and (not isinstance(months, int) or months < 1):
            problems.append(f"{where}: validity_months must be a whole number of months")
    for standard, spec in data["scheme_bodies"].items():
        keys = ("recognised_by", "where", "source", "as_of", "bodies")
        if standard not in catalog.BY_NAME:
            problems.append(f"scheme_bodies.{standard}: not a catalog standard")
        elif not isinstance(spec, dict) or not all(spec.get(k) for k in keys):
            problems.append(f"scheme_bodies.{standard}: needs {', '.join(keys)}")
        elif not all(isinstance(b, dict) and b.get("name") for b in spec["bodies"]):
            problems.append(f"scheme_bodies.{standard}: every body needs a name")
    for n, entry in enumerate(data["not_certifiers"], 1):
        if not isinstance(entry, dict) or not all(entry.get(k) for k in ("names", "why", "source")):
            problems.append(f"not_certifiers #{n}: needs names, why and source")
    return problems


def _validate_scope_terms(data: Any, folder: Path) -> list[str]:
    problems = _problems_of(data, {**_HEADER, "activities": dict, "product_activity": str,
                                   "covers": dict, "synonyms": list, "stopwords": list,
                                   "qualifiers": list, "site_stopwords": list})
    if problems:
        return problems
    activities = data["activities"]
    problems += [f"activities.{name}: needs a list of words" for name, words in activities.items()
                 if not isinstance(words, list) or not words]
    if data["product_activity"] not in activities:
        problems.append(f"product_activity: '{data['product_activity']}' is not an activity "
                        f"(valid: {', '.join(activities)})")
    for name, covered in data["covers"].items():
        problems += [f"covers.{name}: '{a}' is not an activity" for a in [name, *(covered or [])]
                     if a not in activities]
    problems += [f"synonyms #{n}: needs a list of at least two words"
                 for n, group in enumerate(data["synonyms"], 1)
                 if not isinstance(group, list) or len(group) < 2]
    words: dict[str, str] = {}
    for name, forms in activities.items():
        for form in forms if isinstance(forms, list) else []:
            key = fold(str(form))
            if key in words and words[key] != name:
                problems.append(f"activities.{name}: '{form}' is also a word of {words[key]}")
            words[key] = name
    return problems


def _validate_editions(data: Any, folder: Path) -> list[str]:
    problems = _problems_of(data, {**_HEADER, "standards": dict, "withdrawn_standards": dict})
    if problems:
        return problems
    for name, table in data["standards"].items():
        if name not in catalog.BY_NAME:
            problems.append(f"standards.{name}: not a catalog standard")
        elif not isinstance(table, dict) or not isinstance(table.get("current"), list):
            problems.append(f"standards.{name}: needs a list of current editions")
        else:
            problems += _withdrawn_problems(f"standards.{name}.withdrawn",
                                            table.get("withdrawn") or {})
    names = set(WITHDRAWN.values())
    problems += [f"withdrawn_standards.{name}: not a withdrawn standard the claim model reads "
                 f"(valid: {', '.join(sorted(names))})" for name in data["withdrawn_standards"]
                 if name not in names]
    problems += [f"withdrawn_standards: {name} is missing" for name in sorted(names)
                 if name not in data["withdrawn_standards"]]
    return problems + _withdrawn_problems("withdrawn_standards", data["withdrawn_standards"])


def _withdrawn_problems(where: str, entries: Any) -> list[str]:
    if not isinstance(entries, dict):
        return [f"{where}: must map editions to valid_until and replaced_by"]
    return [f"{where}.{key}: needs valid_until (a date, YYYY-MM-DD) and replaced_by"
            for key, entry in entries.items()
            if not isinstance(entry, dict) or not isinstance(entry.get("valid_until"), dt.date)
            or not entry.get("replaced_by")]


def _validate_facts(data: Any, folder: Path) -> list[str]:
    problems = _problems_of(data, {**_HEADER, "iso_as_certifier": list, "essential_details": dict,
                                   "scope_words": dict, "name_words": list, "audit_time": dict})
    if problems:
        return problems
    patterns = [("iso_as_certifier", p) for p in data["iso_as_certifier"]]
    patterns += [(f"wording_patterns.{name}", p)
                 for name, group in (data.get("wording_patterns") or {}).items()
                 for p in (group if isinstance(group, list) else [group])]
    for where, pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            problems.append(f"{where}: {pattern!r} is not a regular expression ({exc})")
    details = data["essential_details"]
    if not isinstance(details.get("default"), list):
        problems.append("essential_details: needs a default list of claim fields")
    for key, names in details.items():
        if key != "default" and key not in STANDARD_NAMES:
            problems.append(f"essential_details.{key}: not a standard (valid: default, or a "
                            "catalog standard)")
        problems += [f"essential_details.{key}: '{name}' is not a claim field"
                     for name in names or [] if name not in FIELDS]
    words = data["scope_words"]
    if not all(isinstance(words.get(k), int) for k in ("min_word_length", "min_common_prefix")):
        problems.append("scope_words: needs min_word_length and min_common_prefix (numbers)")
    try:
        tables = _effort_tables(data, folder)
    except RuleBaseError as exc:
        return problems + [p.message for p in exc.problems]
    for std, spec in (data["audit_time"].get("standards") or {}).items():
        table = tables.get(spec.get("table")) if isinstance(spec, dict) else None
        if std not in catalog.BY_NAME:
            problems.append(f"audit_time.standards.{std}: not a catalog standard")
        elif table is None:
            problems.append(f"audit_time.standards.{std}: unknown table (valid: "
                            f"{', '.join(tables)})")
        elif "columns" in table and spec.get("column") not in table["columns"]:
            problems.append(f"audit_time.standards.{std}: needs a column of table "
                            f"{spec['table']} (valid: {', '.join(table['columns'])})")
    return problems


def _effort_tables(facts: dict, folder: Path) -> dict:
    """The effort tables `audit_time.tables` points to (a path relative to the claims folder)."""
    path = folder / str(facts["audit_time"].get("tables", ""))
    try:
        effort = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleBaseError([Problem(f"audit_time.tables: cannot read {path}: {exc}")]) from None
    problems = validate_effort(effort)
    if problems:
        raise RuleBaseError([Problem(f"audit_time.tables: {path}: {p}") for p in problems])
    return effort["tables"]


SCHEMA = Schema(
    kind="claims", noun="claim", inputs=FIELDS,
    types={**_claim_types(), **{name: ftype for name, (ftype, _) in DERIVED.items()}},
    conclusions={"flag": {"flag": tuple(SEVERITY_RANK)}, "check": {"check": ()}},
    data_files={"iaf_mla.yaml": _validate_mla, "editions.yaml": _validate_editions,
                "facts.yaml": _validate_facts, "schemes.yaml": _validate_schemes,
                "scope_terms.yaml": _validate_scope_terms},
    linked=lambda texts, folder: [folder / p for p in [pointer(texts, "facts.yaml", "audit_time",
                                                                  "tables")] if p],
)

RulesArg = Union[None, str, Path, RuleBase]

#: How a standard kind reads in the judgement (`ClaimCheck.judged_as`).
JUDGED_AS = {"certifiable": "catalog standard", "guidance": "guidance standard",
             "withdrawn": "withdrawn standard", "scheme": "scheme",
             "outside_catalog": "outside the catalog"}


def claims_rulebase(rules: RulesArg = None) -> RuleBase:
    """The claim rule base: `rules` (a folder or a loaded RuleBase), default the shipped one."""
    rb = rules if isinstance(rules, RuleBase) else load(rules if rules is not None
                                                         else shipped_rules_dir() / "claims")
    if rb.kind != "claims":
        raise RuleBaseError([Problem(f"is a rule base of kind '{rb.kind}', not a claim rule base "
                                     "(kind: claims in its rulebase.yaml)", source=str(rb.path))])
    return rb


# -- deriving the facts ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Data:
    """A claim rule base's data files, prepared once per rule base content."""

    certifier_patterns: tuple[re.Pattern, ...]
    wording_patterns: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    signatories: NameIndex
    not_accreditors: NameIndex
    mla: dict
    none_words: frozenset[str]
    name_words: frozenset[str]                     # set aside when comparing body names
    editions: dict[str, tuple[set[str], dict[str, dict]]]   # standard -> (current, withdrawn)
    withdrawn_standards: dict[str, dict]
    facts: dict
    tables: dict
    schemes: NameIndex
    scheme_data: dict
    scheme_bodies: dict[str, NameIndex]
    not_certifiers: NameIndex
    scope: ScopeReader
    site_stopwords: frozenset[str]


def _data(rb: RuleBase) -> _Data:
    """The prepared data, kept with the rule base's derived state (advisor.kernel.compiled)."""
    data: _Data = compiled.of(rb).table("claims data", lambda: _prepare(rb))
    return data


def _prepare(rb: RuleBase) -> _Data:
    mla, editions, facts = (rb.data["iaf_mla.yaml"], rb.data["editions.yaml"],
                            rb.data["facts.yaml"])
    schemes, terms = rb.data["schemes.yaml"], rb.data["scope_terms.yaml"]
    neutral = [*mla["legal_words"], *mla["place_words"], *mla["mark_words"]]
    tables = {name: ({str(e).upper() for e in table["current"]},
                     {str(e).upper(): entry for e, entry in (table.get("withdrawn") or {}).items()})
              for name, table in editions["standards"].items()}
    return _Data(
        certifier_patterns=tuple(re.compile(p, re.IGNORECASE) for p in facts["iso_as_certifier"]),
        wording_patterns=tuple((name, tuple(re.compile(p, re.IGNORECASE) for p in (
            group if isinstance(group, list) else [group])))
            for name, group in (facts.get("wording_patterns") or {}).items()),
        signatories=NameIndex(mla["signatories"], ignore=mla["filler_words"], neutral=neutral),
        not_accreditors=NameIndex(mla["not_accreditors"], ignore=mla["filler_words"]),
        mla=mla,
        none_words=frozenset(map(fold, mla["none_words"])),
        name_words=frozenset(map(fold, facts["name_words"])),
        editions=tables,
        withdrawn_standards=editions["withdrawn_standards"], facts=facts,
        tables=_effort_tables(facts, rb.path),
        schemes=NameIndex(schemes["schemes"]),
        scheme_data=schemes,
        scheme_bodies={std: NameIndex(spec["bodies"], ignore=facts["name_words"], neutral=neutral)
                       for std, spec in schemes["scheme_bodies"].items()},
        not_certifiers=NameIndex(schemes["not_certifiers"]),
        scope=ScopeReader(terms),
        site_stopwords=frozenset(map(fold, terms["site_stopwords"])))


#: A reference written like a standard ("ISO 37301", "ISO/IEC 17025", "SA8000", "BS 10012"): a
#: claim to it is judged as outside the catalog; a reference like nothing at all is an error.
_STANDARD_LIKE = re.compile(
    r"^(iso|iec|iso\s*/\s*iec|iso\s*/\s*ts|en|bs|as|sae|ansi|din|nf|une|uni|sa|pas|nen|csa|"
    r"jis|gb\s*/\s*t|ohsas|fssc|iatf)(?![a-z])[\s/:.-]*\d{3,6}", re.IGNORECASE)


def _resolve(claim: Claim, data: _Data) -> tuple[str, dict | None]:
    """What the claimed standard is: its kind, and the scheme entry when it is a scheme. Raises
    ClaimError when the reference matches no standard and no scheme at all."""
    if claim.standard in catalog.BY_NAME:
        return "certifiable", None
    if claim.standard in catalog.GUIDANCE:
        return "guidance", None
    if claim.standard in STANDARD_NAMES:
        return "withdrawn", None
    entry = _scheme_entry(claim.standard, data)
    if entry is not None:
        return "scheme", entry
    if _STANDARD_LIKE.match(claim.standard.strip()):
        return "outside_catalog", None
    raise ClaimError([_unknown_standard(claim.standard, data)])


def _unknown_standard(text: str, data: _Data) -> Problem:
    names = [*catalog.NAMES, *(e["name"] for e in data.scheme_data["schemes"])]
    return Problem(f"'{text}' matches no standard in the catalog, no withdrawn or guidance "
                   "standard and no scheme the claim rules know", field="standard",
                   suggestions=closest(text, names), valid=", ".join(names))


def _standard_problem(raw: Any, data: _Data) -> Problem | None:
    """The problem with a raw claim's standard, when it matches nothing at all (so a row with
    several bad fields reports them together)."""
    text = raw.get("standard") if isinstance(raw, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parse_standard(text)
        return None
    except ValueError:
        pass
    if _scheme_entry(text, data) is not None or _STANDARD_LIKE.match(text.strip()):
        return None
    return _unknown_standard(text, data)


def _related(standard: str) -> str | None:
    """What the catalog says of a related standard outside it ("ISO/IEC 17025 is ...")."""
    entry = catalog.RELATED.get(standard)
    return None if entry is None else f"{standard} is {entry['is']}"


def _scheme_entry(text: str, data: _Data) -> dict | None:
    """The scheme whose name or alias the reference starts with ("SOC 2 Type 2" is SOC 2)."""
    folded = fold(text)
    for name, entry, _ in data.schemes.pairs:
        if folded == name or folded.startswith(name + " "):
            return entry
    return None


def _scheme(claim: Claim, entry: dict | None, data: _Data, as_of: dt.date) -> dict[str, Any]:
    keys = ("scheme", "scheme_kind", "scheme_what", "scheme_verify", "scheme_owner",
            "certificate_wording_misused", "days_past_scheme_validity", "scheme_validity_months",
            "scheme_level")
    if entry is None:
        return dict.fromkeys(keys)
    months = entry.get("validity_months")
    past = None
    if months and claim.issued:
        past = (as_of - _add_months(claim.issued, months)).days
    misused = None
    if claim.wording is not None:
        misused = not entry["certificate_words"] and bool(
            re.search(r"\bcertif(ied|icate|ication)\b", claim.wording, re.IGNORECASE))
    return {"scheme": entry["name"], "scheme_kind": entry["kind"],
            "scheme_what": " ".join(str(entry["what"]).split()),
            "scheme_verify": entry["verify"], "scheme_owner": entry["owner"],
            "certificate_wording_misused": misused, "days_past_scheme_validity": past,
            "scheme_validity_months": months, "scheme_level": _level(claim.standard)}


_ROMAN = {"i": 1, "ii": 2, "iii": 3}


def _level(text: str) -> int | None:
    """A level written in the claimed reference: "CMMC Level 2", "CMMC L1", "Level II"."""
    found = re.search(r"\b(?:level|l)\s*([1-9]|iii|ii|i)\b", text, re.IGNORECASE)
    if found is None:
        return None
    value = found.group(1).lower()
    return int(value) if value.isdigit() else _ROMAN[value]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _accreditation(claim: Claim, data: _Data) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(("ab_status", "ab_name", "ab_directory", "ab_note",
                                           "ab_lookalike_of", "ab_source"))
    given = claim.accreditation_body
    if given is None:
        return facts
    mla = data.mla
    if fold(given) in data.none_words:
        return {**facts, "ab_status": "none"}
    found = data.signatories.match(given)
    if found is not None and found.lookalike:
        entry = found.entry
        return {**facts, "ab_status": "lookalike",
                "ab_lookalike_of": f"{entry['name']} ({entry['abbr']})",
                "ab_note": ", ".join(found.extra_words), "ab_source": str(entry["source"])}
    if found is not None:
        entry = found.entry
        if not entry.get("management_systems", True):
            status = "other_scope"
        elif claim.standard in mla["sub_scopes"]:
            held = entry.get("sub_scopes") or []
            status = "signatory" if claim.standard in held else "other_scope"
        else:
            status = "signatory"       # no MLA sub-scope: recognised through the main scope
        name = f"{entry['name']} ({entry['abbr']})"
        where = f"at {entry['website']}" if entry.get("website") else "on its website"
        return {**facts, "ab_status": status, "ab_name": name, "ab_source": str(entry["source"]),
                "ab_directory": f"{name}: directory of accredited certification bodies {where}"}
    found = data.not_accreditors.match(given)
    if found is not None:
        entry = found.entry
        return {**facts, "ab_status": entry["kind"], "ab_note": " ".join(str(entry["why"]).split()),
                "ab_source": str(entry["source"])}
    return {**facts, "ab_status": "not_listed",
            "ab_directory": f"{given}: its own directory of accredited bodies, if it has one"}


def _certifier(claim: Claim, data: _Data) -> dict[str, Any]:
    """Who is named as the certification body: a body that certifies no one, an accreditation
    body, a name using "ISO", and (for sector schemes) whether the scheme's list holds it."""
    facts: dict[str, Any] = dict.fromkeys(("cb_status", "cb_note", "scheme_cb_status",
                                           "scheme_cb_where", "scheme_cb_by"))
    given = claim.certification_body
    if given is None:
        return facts
    schemes = data.scheme_data
    found = data.not_certifiers.match(given)
    if found is not None and not found.lookalike:
        facts.update(cb_status="not_certifier", cb_note=" ".join(str(found.entry["why"]).split()))
    else:
        accreditor = data.signatories.match(given)
        if accreditor is not None and not accreditor.lookalike:
            entry = accreditor.entry
            facts.update(cb_status="accreditation_body",
                         cb_note=f"{entry['name']} ({entry['abbr']}) is an accreditation body")
        elif set(fold(given).split()) & set(map(fold, schemes["iso_name_words"])):
            facts.update(cb_status="iso_in_name")
    spec = schemes["scheme_bodies"].get(claim.standard)
    if spec is not None and facts["cb_status"] != "not_certifier":
        known = data.scheme_bodies[claim.standard].match(given)
        facts.update(scheme_cb_status="recognised" if known and not known.lookalike
                     else "not_listed", scheme_cb_where=spec["where"],
                     scheme_cb_by=spec["recognised_by"])
    return facts


def _edition(claim: Claim, data: _Data, as_of: dt.date) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(("edition_status", "edition_valid_until", "replaced_by"))
    entry = data.withdrawn_standards.get(claim.standard)
    if entry is None and claim.standard in data.editions and claim.edition is not None:
        current, withdrawn = data.editions[claim.standard]
        edition = claim.edition.upper()
        if edition in current:
            return {**facts, "edition_status": "current"}
        entry = withdrawn.get(edition)
        if entry is None:
            return {**facts, "edition_status": "not_in_table"}
    if entry is None:
        return facts
    return {"edition_status": "withdrawn" if as_of > entry["valid_until"] else "transition",
            "edition_valid_until": entry["valid_until"].isoformat(),
            "replaced_by": str(entry["replaced_by"])}


def _dates(claim: Claim, as_of: dt.date) -> dict[str, Any]:
    def years(days: int) -> float:
        return round(days / 365.25, 2)

    issued, expires, initial = claim.issued, claim.expires, claim.initial_certification
    problems = []
    if issued and expires and expires <= issued:
        problems.append(f"it expires ({expires}) before it was issued ({issued})")
    if initial and issued and initial > issued:
        problems.append(f"the initial certification ({initial}) is after the current "
                        f"certificate's issue date ({issued})")
    if initial and expires and initial >= expires:
        problems.append(f"the initial certification ({initial}) is not before the expiry "
                        f"({expires})")
    return {"days_to_expiry": (expires - as_of).days if expires else None,
            "days_since_issue": (as_of - issued).days if issued else None,
            "years_since_issue": years((as_of - issued).days) if issued else None,
            "certificate_years": years((expires - issued).days) if issued and expires else None,
            "dates_inconsistent": bool(problems), "dates_problem": "; ".join(problems) or None}


def _scope(claim: Claim, data: _Data) -> dict[str, Any]:
    """The scope against what is bought: the share of bought products named, and the bought
    activities the scope does not cover."""
    if claim.scope is None or claim.purchased_scope is None:
        return {"scope_coverage": None, "scope_missing_activities": None,
                "scope_activities": None, "scope_activity_gap": None}
    share, missing, covered = data.scope.compare(claim.scope, claim.purchased_scope)
    return {"scope_coverage": share, "scope_missing_activities": missing,
            "scope_activities": covered, "scope_activity_gap": bool(missing)}


def _same_body(claim: Claim, data: _Data, ab_status: str | None) -> bool | None:
    """The certification and accreditation bodies have the same name, legal forms aside."""
    if claim.certification_body is None or claim.accreditation_body is None:
        return None
    if ab_status == "none":
        return False
    return same_name(claim.certification_body, claim.accreditation_body, data.name_words)


def _parties(claim: Claim, data: _Data) -> dict[str, Any]:
    holder = None if claim.holder is None else same_name(claim.holder, claim.supplier,
                                                         data.name_words)
    site = None
    if claim.supplying_site is not None and claim.sites:
        site = site_matches(claim.supplying_site, claim.sites, data.site_stopwords)
    return {"holder_matches_supplier": holder, "supplying_site_certified": site}


def _audit_time(claim: Claim, data: _Data) -> dict[str, Any]:
    spec = (data.facts["audit_time"].get("standards") or {}).get(claim.standard)
    if spec is None or claim.employees is None or claim.audit_days is None:
        return {"md5_days": None, "audit_days_share": None}
    days, _ = table_days(data.tables[spec["table"]], claim.employees, spec.get("column"))
    return {"md5_days": days, "audit_days_share": round(claim.audit_days / days, 3)}


def _wording(claim: Claim, data: _Data) -> dict[str, Any]:
    wording = claim.wording
    if wording is None:
        return {"iso_named_as_certifier": None, "wording_flags": []}
    return {"iso_named_as_certifier": any(p.search(wording) for p in data.certifier_patterns),
            "wording_flags": [name for name, patterns in data.wording_patterns
                              if any(p.search(wording) for p in patterns)]}


def claim_fact(claim: Claim, rb: RuleBase, as_of: dt.date) -> dict[str, Any]:
    """The claim's fields and every derived fact the rules read, as one fact (None = unknown)."""
    data = _data(rb)
    kind, scheme = _resolve(claim, data)
    fact = claim.model_dump(mode="json")
    fact["as_of"] = as_of.isoformat()
    details = data.facts["essential_details"]
    wanted = (scheme.get("essential_details") if scheme else None) or details.get(
        claim.standard, details["default"])
    missing = [name.replace("_", " ") for name in wanted if getattr(claim, name) in (None, [])]
    ab = _accreditation(claim, data)
    fact.update(
        claimed=claimed_name(claim.standard, claim.edition) if kind != "scheme" else claim.standard,
        standard_kind=kind,
        guidance_reason=catalog.GUIDANCE.get(claim.standard),
        related_note=_related(claim.standard),
        editions_date=str(rb.data["editions.yaml"]["date"]),
        mla_date=str(data.mla["date"]),
        schemes_date=str(data.scheme_data["date"]),
        accreditation_applies=bool(scheme["accreditation"]) if scheme else True,
        cb_named_as_ab=_same_body(claim, data, ab["ab_status"]),
        missing_details=missing,
        missing_count=len(missing),
        **ab, **_wording(claim, data), **_scheme(claim, scheme, data, as_of),
        **_certifier(claim, data), **_edition(claim, data, as_of), **_dates(claim, as_of),
        **_audit_time(claim, data), **_scope(claim, data), **_parties(claim, data))
    return fact



# -- judging -----------------------------------------------------------------------------------

def _show(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) or "none"
    return str(value)


def render(text: str, fact: Mapping[str, Any]) -> str:
    """A rule's text with `{field}` filled in from the fact (advisor.kernel.text.fill: names
    only, bounded)."""
    return fill(text, fact, _show)


def _fire(rb: RuleBase, fact: dict[str, Any], engine: str | None) -> list[RuleInstance]:
    from advisor.advice.assess import default_engine
    runner = default_engine(rb, engine)
    by_key = {inst.key: inst for inst in rb.instances}
    return [by_key[key] for stratum in range(len(rb.strata)) for key in runner.fire(stratum, fact)]


def _depends_on(inst: RuleInstance, fact: Mapping[str, Any]) -> list[str]:
    files = (DERIVED[name][1] for name in inst.uses if name in DERIVED and fact[name] is not None)
    return list(dict.fromkeys(f for f in files if f))


def _sources(rb: RuleBase, claim: Claim, fact: Mapping[str, Any]) -> list[DataSource]:
    """The dated data files behind the known facts that some rule of the rule base reads."""
    read = {name for inst in rb.instances for name in inst.uses}
    files = dict.fromkeys(file for name, (_, file) in DERIVED.items()
                          if file and name in read and fact[name] is not None)
    result = []
    for file in files:
        if file == "effort.yaml":
            spec = _data(rb).facts["audit_time"]["standards"][claim.standard]
            table = _data(rb).tables[spec["table"]]
            column = f", {spec['column']} column (the lowest)" if spec.get("column") else ""
            result.append(DataSource(file="effort.yaml", title="IAF MD 5 audit-time tables",
                                     source=table["source"] + column))
        else:
            meta = rb.data[file]
            result.append(DataSource(file=file, title=meta["title"], date=str(meta["date"]),
                                     source=meta["source"], refresh=meta.get("refresh")))
    return result


def _summary(flags: list[tuple[RedFlag, str]], checks: int) -> tuple[str, str]:
    worst = max((SEVERITY_RANK[f.severity] for f, _ in flags), default=0)
    verdict = {2: "not_credible", 1: "verify", 0: "credible"}[worst]
    titles = {sev: list(dict.fromkeys(t for f, t in flags if f.severity == sev))
              for sev in SEVERITY_RANK}
    if verdict == "credible":
        return verdict, (f"No red flags: the claim looks credible. Confirm it with the {checks} "
                         f"check{'s' if checks != 1 else ''} below.")
    if verdict == "verify":
        return verdict, "Verify before relying on it: " + "; ".join(titles["verify"]) + "."
    text = "Not credible as made: " + "; ".join(titles["not_credible"]) + "."
    if titles["verify"]:
        text += " Also to verify: " + "; ".join(titles["verify"]) + "."
    return verdict, text


def check_claim(claim: Union[Claim, Mapping[str, Any]], *, rules: RulesArg = None,
                engine: str | None = None, as_of: dt.date | str | None = None) -> ClaimCheck:
    """Judge one certification claim: verdict, red flags with rule, text and source, checklist.

    `claim` is a Claim or a plain mapping (contract section 6); it is judged on its own `as_of`
    date if it gives one, else on `as_of` (a date or "YYYY-MM-DD"), else today. Invalid input
    raises ClaimError (an AdvisorError).
    """
    rb = claims_rulebase(rules)
    engine_name = resolve_engine(engine)
    day = as_of_date(as_of)
    parsed = parse_claim(dict(claim) if isinstance(claim, Mapping) else claim)
    as_of = parsed.as_of or day
    fact = claim_fact(parsed, rb, as_of)
    fired = _fire(rb, fact, engine)
    flags: list[tuple[RedFlag, str]] = []
    checks: dict[tuple[str, str], Check] = {}
    for inst in fired:
        values = dict(inst.conclusion.values)
        if inst.conclusion.kind == "flag":
            flags.append((RedFlag(rule=inst.rule.id, severity=values["flag"],
                                  text=render(inst.text, fact), source=inst.rule.source,
                                  depends_on=_depends_on(inst, fact)), inst.rule.title))
        else:
            what, where = render(inst.text, fact), render(values["check"], fact)
            checks.setdefault((what, where), Check(rule=inst.rule.id, what=what, where=where,
                                                   source=inst.rule.source))
    flags.sort(key=lambda pair: -SEVERITY_RANK[pair[0].severity])   # stable: firing order next
    verdict, summary = _summary(flags, len(checks))
    return ClaimCheck(supplier=parsed.supplier, standard=parsed.claimed,
                      judged_as=JUDGED_AS[fact["standard_kind"]], scheme=fact["scheme"],
                      verdict=verdict,
                      summary=summary, red_flags=[f for f, _ in flags],
                      checks=list(checks.values()),
                      as_of=as_of, rulebase_version=rb.version,
                      rulebase_digest=rb.content_digest, advisor_version=__version__,
                      engine=engine_name, format_version=FORMAT_VERSION,
                      fired_rules=list(dict.fromkeys(i.rule.id for i in fired)),
                      depends_on=_sources(rb, parsed, fact), claim=parsed)


# -- many claims: a supplier list ---------------------------------------------------------------

CLAIM_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".csv")


@dataclass(frozen=True)
class ClaimResult:
    """One claim of a file, where it came from, and its check or why it could not be checked."""

    file: str | None
    location: str | None                 # "row 3", "item 2", "line 4"; None for a whole file
    check: ClaimCheck | None = None
    error: BatchError | None = None      # `organization` holds the supplier, when given

    @property
    def source(self) -> str:
        return ", ".join(p for p in (self.file, self.location) if p)

    @property
    def supplier(self) -> str | None:
        if self.check is not None:
            return self.check.supplier
        return self.error.organization if self.error is not None else None

    def to_dict(self) -> dict[str, Any]:
        if self.check is not None:
            return {"source": self.source, **self.check.model_dump(mode="json")}
        assert self.error is not None
        return {"source": self.source, "supplier": self.supplier, "error": self.error.to_dict()}


def _failed(file: str | None, location: str | None, exc: AdvisorError,
            supplier: Any = None) -> ClaimResult:
    return ClaimResult(file, location, error=BatchError(
        file, location, tuple(exc.problems), exc.kind,
        printable(supplier, 200) if isinstance(supplier, str) else None))


def check_file(path: str | Path, *, rules: RulesArg = None, engine: str | None = None,
               as_of: dt.date | str | None = None) -> Iterator[ClaimResult]:
    """Every claim in a file (YAML or JSON: one claim or a list; JSON Lines; CSV: one per row,
    lists separated by ';'), checked in order. A claim that cannot be read or checked becomes a
    ClaimResult with an error naming file, row, field and what is valid; the others are checked.
    The rule base is loaded (and validated) first, so a broken one fails before any claim.
    """
    rb = claims_rulebase(rules)
    day = as_of_date(as_of)
    source = str(path)
    suffix = Path(source).suffix.lower()
    if suffix not in CLAIM_SUFFIXES:
        yield _failed(source, None, InputError([Problem(
            f"has extension '{suffix or '(none)'}'; claims are read from "
            + ", ".join(CLAIM_SUFFIXES) + " files", source=source)]))
        return
    for record in read_file(path, fields=FIELDS, numeric=numeric_fields(Claim)):
        if record.error is not None:
            yield _failed(record.file, record.location, record.error)
            continue
        supplier = record.data.get("supplier") if isinstance(record.data, dict) else None
        try:
            parsed = parse_claim(record.data, source=record.file, location=record.location)
            yield ClaimResult(record.file, record.location, check_claim(parsed, rules=rb,
                                                                          engine=engine, as_of=day))
        except ClaimError as exc:
            problem = _standard_problem(record.data, _data(rb))   # reported with the others
            if problem is not None and all(p.field != "standard" for p in exc.problems):
                exc = ClaimError([*exc.problems, problem])
            yield _failed(record.file, record.location,
                          exc.with_source(record.file, record.location), supplier)
        except AdvisorError as exc:
            yield _failed(record.file, record.location,
                          exc.with_source(record.file, record.location), supplier)
