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
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Union

import yaml

from advisor.advice import catalog
from advisor.advice.batch import BatchError, read_file
from advisor.claims.models import (FIELDS, STANDARD_NAMES, WITHDRAWN, Check, Claim, ClaimCheck,
                           DataSource, RedFlag, claimed_name, parse_claim)
from advisor.advice.effort import table_days, validate as validate_effort
from advisor.errors import AdvisorError, InputError, Problem, RuleBaseError
from advisor.kernel.rulebase import FieldType, RuleBase, RuleInstance, Schema, load, shipped_rules_dir

__all__ = ["check_claim", "check_file", "claim_fact", "claims_rulebase", "ClaimResult", "SCHEMA"]

SEVERITY_RANK = {"not_credible": 2, "verify": 1}
#: Rule examples are claim fragments laid over this claim (as advice examples over a profile).
EXAMPLE_BASE = {"supplier": "Example Ltd", "standard": "ISO 9001:2015", "as_of": "2026-06-30"}

_TEXT, _BOOL, _NUMBER = FieldType("text"), FieldType("bool"), FieldType("number")


def _claim_types() -> dict[str, FieldType]:
    types: dict[str, FieldType] = {}
    for name in FIELDS:
        if name == "standard":
            types[name] = FieldType("enum", STANDARD_NAMES)
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
    "standard_kind": (FieldType("enum", ("certifiable", "guidance", "withdrawn")), None),
    "guidance_reason": (_TEXT, None),
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
                                     "none")), "iaf_mla.yaml"),
    "ab_name": (_TEXT, "iaf_mla.yaml"),
    "ab_directory": (_TEXT, "iaf_mla.yaml"),
    "ab_note": (_TEXT, "iaf_mla.yaml"),
    "mla_date": (_TEXT, None),
    "cb_named_as_ab": (_BOOL, None),
    "md5_days": (_NUMBER, "effort.yaml"),
    "audit_days_share": (_NUMBER, "effort.yaml"),
    "scope_coverage": (_NUMBER, None),
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
                                   "filler_words": list})
    if problems:
        return problems
    problems += [f"sub_scopes: '{s}' is not a catalog standard" for s in data["sub_scopes"]
                 if s not in catalog.BY_NAME]
    problems += [f"{key}: {word!r} is not text (quote yes/no words in YAML)"
                 for key in ("none_words", "filler_words") for word in data[key]
                 if not isinstance(word, str)]
    seen: dict[str, str] = {}
    for n, entry in enumerate(data["signatories"], 1):
        if not isinstance(entry, dict) or not entry.get("abbr") or not entry.get("name"):
            problems.append(f"signatories #{n}: needs abbr and name")
            continue
        problems += [f"signatories.{entry['abbr']}: '{s}' is not a catalog standard"
                     for s in entry.get("sub_scopes") or [] if s not in catalog.BY_NAME]
        for alias in _aliases(entry):
            if alias in seen and seen[alias] != entry["abbr"]:
                problems.append(f"signatories.{entry['abbr']}: name '{alias}' also names "
                                f"{seen[alias]}")
            seen[alias] = entry["abbr"]
    for n, entry in enumerate(data["not_accreditors"], 1):
        if not isinstance(entry, dict) or not entry.get("names") or not entry.get("why"):
            problems.append(f"not_accreditors #{n}: needs names and why")
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
    for pattern in data["iso_as_certifier"]:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            problems.append(f"iso_as_certifier: {pattern!r} is not a regular expression ({exc})")
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
                "facts.yaml": _validate_facts},
)

RulesArg = Union[None, str, Path, RuleBase]


def claims_rulebase(rules: RulesArg = None) -> RuleBase:
    """The claim rule base: `rules` (a folder or a loaded RuleBase), default the shipped one."""
    rb = rules if isinstance(rules, RuleBase) else load(rules if rules is not None
                                                         else shipped_rules_dir() / "claims")
    if rb.kind != "claims":
        raise RuleBaseError([Problem(f"is a rule base of kind '{rb.kind}', not a claim rule base "
                                     "(kind: claims in its rulebase.yaml)", source=str(rb.path))])
    return rb


# -- deriving the facts ------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Lower case, accents dropped, runs of anything but letters and digits made one space."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def _aliases(entry: dict) -> list[str]:
    names = [entry.get("abbr"), entry.get("name"), *(entry.get("aliases") or []),
             *(entry.get("names") or [])]
    return [_fold(str(n)) for n in names if n]


@dataclass(frozen=True)
class _Data:
    """A claim rule base's data files, prepared once per rule base content."""

    certifier_patterns: tuple[re.Pattern, ...]
    signatories: tuple[tuple[str, dict], ...]      # (folded name, entry), longest name first
    not_accreditors: tuple[tuple[str, dict], ...]
    mla: dict
    none_words: frozenset[str]
    filler_words: frozenset[str]
    stopwords: frozenset[str]                      # of scope texts
    name_words: frozenset[str]                     # set aside when comparing body names
    editions: dict[str, tuple[set[str], dict[str, dict]]]   # standard -> (current, withdrawn)
    withdrawn_standards: dict[str, dict]
    facts: dict
    tables: dict


_prepared: dict[str, _Data] = {}


def _data(rb: RuleBase) -> _Data:
    data = _prepared.get(rb.digest)
    if data is None:
        data = _prepared[rb.digest] = _prepare(rb)
    return data


def _prepare(rb: RuleBase) -> _Data:
    mla, editions, facts = (rb.data["iaf_mla.yaml"], rb.data["editions.yaml"],
                            rb.data["facts.yaml"])

    def index(entries: list[dict]) -> tuple[tuple[str, dict], ...]:
        pairs = [(alias, entry) for entry in entries for alias in _aliases(entry)]
        return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

    tables = {name: ({str(e).upper() for e in table["current"]},
                     {str(e).upper(): entry for e, entry in (table.get("withdrawn") or {}).items()})
              for name, table in editions["standards"].items()}
    return _Data(tuple(re.compile(p, re.IGNORECASE) for p in facts["iso_as_certifier"]),
                 index(mla["signatories"]), index(mla["not_accreditors"]), mla,
                 frozenset(map(_fold, mla["none_words"])),
                 frozenset(map(_fold, mla["filler_words"])),
                 frozenset(map(_fold, facts["scope_words"].get("stopwords") or [])),
                 frozenset(map(_fold, facts["name_words"])),
                 tables,
                 editions["withdrawn_standards"], facts, _effort_tables(facts, rb.path))


def _match(text: str, index: tuple[tuple[str, dict], ...], filler: frozenset[str]) -> dict | None:
    """The entry the text names: as the whole text, as the text without filler words, or (for
    names of four characters or more) inside the text."""
    folded = _fold(text)
    core = " ".join(w for w in folded.split() if w not in filler and not w.isdigit())
    for alias, entry in index:
        if alias in (folded, core) or (len(alias.replace(" ", "")) >= 4
                                       and f" {alias} " in f" {folded} "):
            return entry
    return None


def _accreditation(claim: Claim, data: _Data) -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(("ab_status", "ab_name", "ab_directory", "ab_note"))
    given = claim.accreditation_body
    if given is None:
        return facts
    mla = data.mla
    if _fold(given) in data.none_words:
        return {**facts, "ab_status": "none"}
    entry = _match(given, data.signatories, data.filler_words)
    if entry is not None:
        if not entry.get("management_systems", True):
            status = "other_scope"
        elif claim.standard in mla["sub_scopes"]:
            held = entry.get("sub_scopes") or []
            status = "signatory" if claim.standard in held else "other_scope"
        else:
            status = "signatory"       # no MLA sub-scope: recognised through the main scope
        name = f"{entry['name']} ({entry['abbr']})"
        where = f"at {entry['website']}" if entry.get("website") else "on its website"
        return {**facts, "ab_status": status, "ab_name": name,
                "ab_directory": f"{name}: directory of accredited certification bodies {where}"}
    entry = _match(given, data.not_accreditors, data.filler_words)
    if entry is not None:
        return {**facts, "ab_status": "not_accreditor", "ab_note": entry["why"]}
    return {**facts, "ab_status": "not_listed",
            "ab_directory": f"{given}: its own directory of accredited bodies, if it has one"}


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

    issued, expires = claim.issued, claim.expires
    return {"days_to_expiry": (expires - as_of).days if expires else None,
            "days_since_issue": (as_of - issued).days if issued else None,
            "years_since_issue": years((as_of - issued).days) if issued else None,
            "certificate_years": years((expires - issued).days) if issued and expires else None}


def _coverage(scope: str | None, purchased: str | None, data: _Data) -> float | None:
    """Share of the words of what is bought that the certified scope also has."""
    if scope is None or purchased is None:
        return None
    spec = data.facts["scope_words"]

    def words(text: str) -> list[str]:
        return [w for w in _fold(text).split()
                if len(w) >= spec["min_word_length"] and w not in data.stopwords]

    wanted, have = dict.fromkeys(words(purchased)), set(words(scope))
    if not wanted or not have:
        return None
    k = spec["min_common_prefix"]
    hits = sum(any(w == h or (len(w) >= k and len(h) >= k and w[:k] == h[:k]) for h in have)
               for w in wanted)
    return round(hits / len(wanted), 3)


def _same_body(claim: Claim, data: _Data, ab_status: str | None) -> bool | None:
    """The certification and accreditation bodies have the same name, legal forms aside."""
    if claim.certification_body is None or claim.accreditation_body is None:
        return None
    if ab_status == "none":
        return False
    cb, ab = (" ".join(w for w in _fold(text).split() if w not in data.name_words)
              for text in (claim.certification_body, claim.accreditation_body))
    short, long_ = sorted((cb, ab), key=len)
    return bool(short) and (short == long_ or (len(short) >= 4 and f" {short} " in f" {long_} "))


def _audit_time(claim: Claim, data: _Data) -> dict[str, Any]:
    spec = (data.facts["audit_time"].get("standards") or {}).get(claim.standard)
    if spec is None or claim.employees is None or claim.audit_days is None:
        return {"md5_days": None, "audit_days_share": None}
    days, _ = table_days(data.tables[spec["table"]], claim.employees, spec.get("column"))
    return {"md5_days": days, "audit_days_share": round(claim.audit_days / days, 3)}


def claim_fact(claim: Claim, rb: RuleBase, as_of: dt.date) -> dict[str, Any]:
    """The claim's fields and every derived fact the rules read, as one fact (None = unknown)."""
    data = _data(rb)
    fact = claim.model_dump(mode="json")
    fact["as_of"] = as_of.isoformat()
    kind = ("certifiable" if claim.standard in catalog.BY_NAME else
            "guidance" if claim.standard in catalog.GUIDANCE else "withdrawn")
    wording = claim.wording
    details = data.facts["essential_details"]
    missing = [name.replace("_", " ") for name in details.get(claim.standard, details["default"])
               if getattr(claim, name) in (None, [])]
    ab = _accreditation(claim, data)
    fact.update(
        claimed=claimed_name(claim.standard, claim.edition),
        standard_kind=kind,
        guidance_reason=catalog.GUIDANCE.get(claim.standard),
        iso_named_as_certifier=None if wording is None else any(
            p.search(wording) for p in data.certifier_patterns),
        editions_date=str(rb.data["editions.yaml"]["date"]),
        mla_date=str(data.mla["date"]),
        cb_named_as_ab=_same_body(claim, data, ab["ab_status"]),
        scope_coverage=_coverage(claim.scope, claim.purchased_scope, data),
        missing_details=missing,
        missing_count=len(missing),
        **ab, **_edition(claim, data, as_of), **_dates(claim, as_of), **_audit_time(claim, data))
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


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(text: str, fact: Mapping[str, Any]) -> str:
    """A rule's text with `{field}` filled in from the fact."""
    return text.format_map(_Fill({k: _show(v) for k, v in fact.items()}))


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
                engine: str | None = None) -> ClaimCheck:
    """Judge one certification claim: verdict, red flags with rule, text and source, checklist.

    `claim` is a Claim or a plain mapping (contract section 6); it is judged on its `as_of`
    date, default today. Invalid input raises ClaimError (an AdvisorError).
    """
    rb = claims_rulebase(rules)
    parsed = parse_claim(dict(claim) if isinstance(claim, Mapping) else claim)
    as_of = parsed.as_of or dt.date.today()
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
    return ClaimCheck(supplier=parsed.supplier, standard=parsed.claimed, verdict=verdict,
                      summary=summary, red_flags=[f for f, _ in flags],
                      checks=list(checks.values()),
                      as_of=as_of, rulebase_version=rb.version,
                      fired_rules=list(dict.fromkeys(i.rule.id for i in fired)),
                      depends_on=_sources(rb, parsed, fact))


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
        supplier if isinstance(supplier, str) else None))


def check_file(path: str | Path, *, rules: RulesArg = None,
               engine: str | None = None) -> Iterator[ClaimResult]:
    """Every claim in a file (YAML or JSON: one claim or a list; JSON Lines; CSV: one per row,
    lists separated by ';'), checked in order. A claim that cannot be read or checked becomes a
    ClaimResult with an error naming file, row, field and what is valid; the others are checked.
    The rule base is loaded (and validated) first, so a broken one fails before any claim.
    """
    rb = claims_rulebase(rules)
    source = str(path)
    suffix = Path(source).suffix.lower()
    if suffix not in CLAIM_SUFFIXES:
        yield _failed(source, None, InputError([Problem(
            f"has extension '{suffix or '(none)'}'; claims are read from "
            + ", ".join(CLAIM_SUFFIXES) + " files", source=source)]))
        return
    for record in read_file(path, fields=FIELDS):
        if record.error is not None:
            yield _failed(record.file, record.location, record.error)
            continue
        supplier = record.data.get("supplier") if isinstance(record.data, dict) else None
        try:
            parsed = parse_claim(record.data, source=record.file, location=record.location)
            yield ClaimResult(record.file, record.location, check_claim(parsed, rules=rb,
                                                                          engine=engine))
        except AdvisorError as exc:
            yield _failed(record.file, record.location,
                          exc.with_source(record.file, record.location), supplier)
