"""Certificates held, checked as of the assessment date against the dated edition table.

A certificate is in place while its expiry date has not passed and its edition is still valid
(the edition table says when certificates to each replaced edition stopped being valid). The
statuses, the facts the rules read (`certificates_lapsed`, ...) and the dated action for each
certificate come from here; what a lapsed certificate means for the decision is in the rules
(`rules/certificates.yaml`), and every text and period is data (`rules/planning.yaml`).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor.kernel import yaml_cache

from advisor.advice.models import CertificateCheck, CertificateRecord, Profile
from advisor.errors import Problem, ProfileError, RuleBaseError

#: Facts about certificates held, derived as of the assessment date: standards whose certificate
#: lapsed (expired, or its edition withdrawn), is in an edition transition, or expires soon.
CERTIFICATE_FACTS = ("certificates_lapsed", "certificates_transition", "certificates_expiring")
#: Facts that come from certificate records and the date, not from one profile answer.
DATED_FACTS = frozenset(CERTIFICATE_FACTS) | {"as_of"}
STATUSES = ("valid", "expiring", "transition", "expired", "withdrawn", "unknown")
LAPSED = ("expired", "withdrawn")


def validate(section: Any, folder: Path) -> list[str]:
    """Problems with the `certificates:` section of planning.yaml."""
    if not isinstance(section, dict):
        return ["certificates: must be a mapping"]
    problems = [f"certificates.{key}: is required" for key in
                ("editions", "cycle_years", "horizon_months", "basis", "actions") if key not in section]
    actions = section.get("actions") or {}
    problems += [f"certificates.actions.{status}: is required (a text)" for status in STATUSES
                 if not isinstance(actions.get(status), str)]
    if "editions" in section:
        try:
            _read_editions(editions_path(folder, str(section["editions"])))
        except RuleBaseError as exc:
            problems += [f"certificates.editions: {p.message}" for p in exc.problems]
    return problems


def editions_path(folder: Path, relative: str) -> Path:
    """The edition table: beside the rule base's planning.yaml, or, for an overlay that takes
    planning.yaml from the shipped rule base, beside the shipped one."""
    path = Path(folder) / relative
    if not path.is_file():
        from advisor.kernel.rulebase import shipped_rules_dir
        shipped = shipped_rules_dir() / relative
        if shipped.is_file():
            return shipped
    return path


def _read_editions(path: Path) -> dict:
    try:
        data = yaml_cache.safe_load(path.read_bytes())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleBaseError([Problem(f"cannot read {path}: {exc}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("standards"), dict):
        raise RuleBaseError([Problem(f"{path}: needs `standards` mapping each standard to its "
                                     "current and withdrawn editions")])
    return data


@dataclass(frozen=True)
class Editions:
    """The edition table: per standard, current editions and withdrawn ones with their end."""

    date: str
    current: dict[str, tuple[str, ...]]
    withdrawn: dict[str, dict[str, dict]]        # standard -> edition -> valid_until, replaced_by
    revision: dict[str, str]                      # standard -> note on a revision under way


def editions(rb: Any) -> Editions | None:
    """The edition table the rule base's planning.yaml points to, read once per rule base."""
    planning = rb.data.get("planning.yaml")
    if not planning:
        return None
    cached = rb.__dict__.get("_editions")
    if cached is None:
        data = _read_editions(editions_path(Path(rb.path), str(planning["certificates"]["editions"])))
        current, withdrawn, revision = {}, {}, {}
        for name, table in data["standards"].items():
            current[name] = tuple(str(e).upper() for e in table.get("current") or ())
            withdrawn[name] = {str(e).upper(): entry for e, entry in
                               (table.get("withdrawn") or {}).items()}
            if table.get("revision"):
                revision[name] = str(table["revision"])
        cached = rb.__dict__["_editions"] = Editions(str(data.get("date", "")), current,
                                                     withdrawn, revision)
    return cached


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_editions(profile: Profile, table: Editions) -> None:
    """An edition the table does not know (`ISO 9001:2012`) is an input error naming the valid ones."""
    problems = []
    for n, record in enumerate(profile.certificates):
        if record.edition is None or record.standard not in table.current:
            continue
        edition = record.edition.upper()
        known = table.current[record.standard] + tuple(table.withdrawn[record.standard])
        if edition not in known:
            valid = ", ".join([f"{e} (current)" for e in table.current[record.standard]] +
                              [f"{e} (withdrawn)" for e in table.withdrawn[record.standard]])
            problems.append(Problem(
                f"{record.standard} has no edition '{record.edition}' in the edition table of "
                f"{table.date}", field="certified", valid=valid))
    if problems:
        raise ProfileError(problems)


def check(rb: Any, profile: Profile, as_of: dt.date) -> list[CertificateCheck]:
    """Each certificate record's status on `as_of`, with what to do and by when."""
    table = editions(rb)
    if table is None or not profile.certificates:
        return []
    check_editions(profile, table)
    spec = rb.data["planning.yaml"]["certificates"]
    return [_status(record, table, spec, as_of) for record in profile.certificates]


def _status(record: CertificateRecord, table: Editions, spec: dict,
            as_of: dt.date) -> CertificateCheck:
    horizon = _add_months(as_of, int(spec["horizon_months"]))
    expires, basis = record.expires, [str(spec["basis"])]
    if expires is None and record.issued is not None:
        expires = _add_years(record.issued, int(spec["cycle_years"])) - dt.timedelta(days=1)
        basis.append(f"no expiry date given: taken as {spec['cycle_years']} years from issue")
    edition_end = replaced_by = None
    if record.edition is not None:
        entry = table.withdrawn.get(record.standard, {}).get(record.edition.upper())
        if entry:
            edition_end, replaced_by = _date(entry["valid_until"]), str(entry["replaced_by"])
            basis.append(f"edition table of {table.date}: certificates to "
                         f"{record.standard}:{record.edition} valid until "
                         f"{edition_end.isoformat()} ({entry.get('basis', 'no basis given')})")
    if edition_end is not None and as_of > edition_end:
        status = "withdrawn"
    elif expires is not None and as_of > expires:
        status = "expired"
    elif edition_end is not None and (expires is None or edition_end <= expires):
        status = "transition"
    elif expires is not None:
        status = "expiring" if expires <= horizon else "valid"
    else:
        status = "unknown"
    if record.standard in table.revision:
        basis.append(table.revision[record.standard])
    valid_until = min((d for d in (expires, edition_end) if d is not None), default=None)
    action_by = {"expiring": expires, "valid": expires, "transition": edition_end}.get(status)
    values = {"standard": record.standard, "edition": record.edition or "",
              "expires": expires.isoformat() if expires else "",
              "valid_until": valid_until.isoformat() if valid_until else "",
              "replaced_by": replaced_by or record.standard}
    return CertificateCheck.trusted(
        standard=record.standard, edition=record.edition,
        issued=record.issued.isoformat() if record.issued else None,
        expires=expires.isoformat() if expires else None,
        certification_body=record.certification_body,
        accreditation_body=record.accreditation_body, status=status,
        in_place=status not in LAPSED,
        valid_until=valid_until.isoformat() if valid_until else None,
        action=str(spec["actions"][status]).format(**values),
        action_by=action_by.isoformat() if action_by else None,
        basis="; ".join(basis))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def facts(checks: list[CertificateCheck]) -> dict[str, list[str]]:
    """The facts the rules read (names from `CERTIFICATE_FACTS`)."""
    return {
        "certificates_lapsed": [c.standard for c in checks if c.status in LAPSED],
        "certificates_transition": [c.standard for c in checks if c.status == "transition"],
        "certificates_expiring": [c.standard for c in checks if c.status == "expiring"],
    }


def months_until(as_of: dt.date, day: str) -> int:
    """Whole months from `as_of` to an ISO date (0 if it has passed): where it goes on a roadmap."""
    target = dt.date.fromisoformat(day)
    months = (target.year - as_of.year) * 12 + target.month - as_of.month
    return max(0, months - (target.day < as_of.day))
