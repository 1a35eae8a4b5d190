"""Replaying decision records: re-evaluate what a record says was given, on the day it was made
for, and report every difference in decisions, priorities and reasons.

A record is an assessment (`evaluate --format json`, the API), a batch record (`batch --format
json|jsonl`: `{"source", ..., "assessment"}`) or a claim check (`check-claim --format json`).
A record that cannot be replayed faithfully (a newer record format, no input in it) is said to
be so, never reported as "no difference"; a record made with another rule base is replayed on
the current one and says so.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Mapping

from advisor.advice.assess import RulesArg, evaluate, rulebase
from advisor.advice.models import FORMAT_VERSION
from advisor.errors import AdvisorError, InputError, Problem, printable

Status = Literal["same", "different", "not_replayable", "skipped"]
REPLAY_SUFFIXES = (".json", ".jsonl")


@dataclass(frozen=True)
class Difference:
    """One thing the replay decided otherwise than the record."""

    subject: str                # a standard, "verdict", or "rule base"
    what: str                   # decision | priority | reasons | verdict | red_flags | checks | rule base
    recorded: Any
    replayed: Any

    def __str__(self) -> str:
        return f"{self.subject}: {self.what} {_shown(self.recorded)} -> {_shown(self.replayed)}"


@dataclass(frozen=True)
class Replayed:
    """The outcome for one record."""

    source: str
    subject: str | None                  # the organization or supplier
    status: Status
    differences: tuple[Difference, ...] = ()
    message: str | None = None           # why it was not replayed or skipped
    notes: tuple[str, ...] = ()          # what differs without being a difference in advice

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "subject": self.subject, "status": self.status,
                "differences": [{"subject": d.subject, "what": d.what,
                                 "recorded": d.recorded, "replayed": d.replayed}
                                for d in self.differences],
                **({"message": self.message} if self.message else {}),
                "notes": list(self.notes)}


@dataclass
class ReplaySummary:
    results: list[Replayed] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def clean(self) -> bool:
        """Nothing differs and every record was replayed (skipped error records aside)."""
        return bool(self.results) and all(r.status in ("same", "skipped") for r in self.results) \
            and any(r.status == "same" for r in self.results)


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return "none" if value is None else str(value)


# -- reading ----------------------------------------------------------------------------------

def read_records(path: str | Path) -> Iterator[tuple[str, Any]]:
    """`(source, data)` for every record in a JSON or JSON Lines file; data is an InputError
    for a part that cannot be read. `{"records": [...]}` (batch json with --summary) is opened."""
    from advisor.advice.batch import read_file
    source = str(path)
    suffix = Path(source).suffix.lower()
    if suffix not in REPLAY_SUFFIXES:
        yield source, InputError([Problem(
            f"has extension '{suffix or '(none)'}'; replay reads JSON and JSON Lines records "
            "(evaluate --format json, batch --format json or jsonl, check-claim --format json); "
            "CSV and Markdown outputs hold no input to replay", source=source)])
        return
    for record in read_file(source):
        where = record.source
        if record.error is not None:
            yield where, record.error
        elif isinstance(record.data, dict) and isinstance(record.data.get("records"), list):
            for n, item in enumerate(record.data["records"], 1):
                yield f"{where}, record {n}", item
        else:
            yield where, record.data


# -- replaying ----------------------------------------------------------------------------------

def replay_record(source: str, data: Any, *, rules: RulesArg = None, claim_rules: RulesArg = None,
                  engine: str | None = None, ignore_rulebase: bool = False) -> Replayed:
    """Re-evaluate one record and compare. Never raises for a bad record: says why instead."""
    if isinstance(data, AdvisorError):
        return Replayed(source, None, "not_replayable", message=_message(data))
    if not isinstance(data, dict):
        return Replayed(source, None, "not_replayable",
                        message=f"is a {type(data).__name__}, not a record (a JSON object)")
    if "assessment" in data or "error" in data and "source" in data:
        if data.get("assessment") is None:
            error = data.get("error") if isinstance(data.get("error"), dict) else {}
            return Replayed(source, _text(data.get("organization")), "skipped",
                            message="records no assessment (the profile could not be scored: "
                                    f"{printable(error.get('message', 'no reason given'), 300)})")
        data = data["assessment"]
        if not isinstance(data, dict):
            return Replayed(source, None, "not_replayable", message="its assessment is not an object")
    kind = "claim" if "verdict" in data else "assessment"
    subject = _text(data.get("supplier" if kind == "claim" else "organization"))
    problem = _not_replayable(data, kind)
    if problem:
        return Replayed(source, subject, "not_replayable", message=problem)
    try:
        if kind == "claim":
            from advisor.claims.check import check_claim, claims_rulebase
            current = claims_rulebase(claim_rules)
            replayed = check_claim(data["claim"], rules=current, engine=engine,
                                   as_of=data["as_of"]).model_dump(mode="json")
            differences = _claim_differences(data, replayed)
        else:
            current = rulebase(rules)
            replayed = evaluate(data["profile"], rules=current, engine=engine,
                                as_of=data["as_of"]).model_dump(mode="json")
            differences = _assessment_differences(data, replayed)
    except AdvisorError as exc:
        return Replayed(source, subject, "not_replayable",
                        message=f"its {'claim' if kind == 'claim' else 'profile'} is no longer "
                                f"accepted: {_message(exc)}")
    notes = []
    if data.get("rulebase_digest") != current.content_digest:
        change = Difference("rule base", "digest",
                            f"{data.get('rulebase_version')} ({data.get('rulebase_digest')})",
                            f"{current.version} ({current.content_digest})")
        if ignore_rulebase:
            notes.append(f"made with another rule base: {change.recorded}; replayed with "
                         f"{change.replayed}")
        else:
            differences.insert(0, change)
    if data.get("advisor_version") != replayed["advisor_version"]:
        notes.append(f"made by iso-advisor {data.get('advisor_version')}; replayed by "
                     f"{replayed['advisor_version']}")
    return Replayed(source, subject, "different" if differences else "same",
                    tuple(differences), notes=tuple(notes))


def _not_replayable(data: Mapping[str, Any], kind: str) -> str | None:
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        return ("is not a decision record: it has no format_version (made before decision "
                "records, or not an assessment or claim check); nothing to replay it from")
    if version > FORMAT_VERSION:
        return (f"was written in record format {version} by a newer iso-advisor "
                f"({printable(data.get('advisor_version'), 40)}); this one reads formats up to "
                f"{FORMAT_VERSION}: replay it with that version or newer")
    given = "claim" if kind == "claim" else "profile"
    if not isinstance(data.get(given), dict):
        return f"holds no {given}: nothing to replay"
    try:
        dt.date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        return f"has no valid as_of date ({printable(data.get('as_of'), 40)})"
    return None


def _by_standard(assessment: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    recs = assessment.get("recommendations")
    return {r["standard"]: r for r in recs if isinstance(r, dict) and "standard" in r} \
        if isinstance(recs, list) else {}


def _reasons(rec: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not rec or not isinstance(rec.get("reasons"), list):
        return []
    return [(str(r.get("rule")), str(r.get("text"))) for r in rec["reasons"] if isinstance(r, dict)]


def _assessment_differences(recorded: Mapping[str, Any],
                            replayed: Mapping[str, Any]) -> list[Difference]:
    """Decision, priority and reasons (rule ids in order, then their texts) per standard."""
    before, after = _by_standard(recorded), _by_standard(replayed)
    differences = []
    for name in [*after, *(n for n in before if n not in after)]:
        old, new = before.get(name), after.get(name)
        old_decision = old.get("decision") if old else "not_needed"
        new_decision = new.get("decision") if new else "not_needed"
        if old_decision != new_decision:
            differences.append(Difference(name, "decision", old_decision, new_decision))
        if (old or {}).get("priority") != (new or {}).get("priority"):
            differences.append(Difference(name, "priority", (old or {}).get("priority"),
                                          (new or {}).get("priority")))
        old_reasons, new_reasons = _reasons(old), _reasons(new)
        if [r for r, _ in old_reasons] != [r for r, _ in new_reasons]:
            differences.append(Difference(name, "reasons", [r for r, _ in old_reasons],
                                          [r for r, _ in new_reasons]))
        elif old_reasons != new_reasons:
            changed = [r for (r, t), (_, u) in zip(old_reasons, new_reasons) if t != u]
            differences.append(Difference(name, "reason texts", changed, changed))
    return differences


def _rule_ids(items: Any) -> list[str]:
    return [str(i.get("rule")) for i in items if isinstance(i, dict)] if isinstance(items, list) \
        else []


def _claim_differences(recorded: Mapping[str, Any],
                       replayed: Mapping[str, Any]) -> list[Difference]:
    differences = []
    if recorded.get("verdict") != replayed["verdict"]:
        differences.append(Difference("claim", "verdict", recorded.get("verdict"),
                                      replayed["verdict"]))
    for what in ("red_flags", "checks"):
        old, new = _rule_ids(recorded.get(what)), _rule_ids(replayed[what])
        if old != new:
            differences.append(Difference("claim", what.replace("_", " "), old, new))
    return differences


def _message(exc: AdvisorError) -> str:
    return printable("; ".join(str(p) for p in exc.problems[:5]), 600)


def _text(value: Any) -> str | None:
    return printable(value, 200) if isinstance(value, str) else None


def replay(paths: Iterable[str | Path], *, rules: RulesArg = None, claim_rules: RulesArg = None,
           engine: str | None = None, ignore_rulebase: bool = False) -> Iterator[Replayed]:
    """Every record of these files, replayed in order."""
    for path in paths:
        for source, data in read_records(path):
            yield replay_record(source, data, rules=rules, claim_rules=claim_rules, engine=engine,
                                ignore_rulebase=ignore_rulebase)
