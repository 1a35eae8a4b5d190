"""Scoring many profiles: read files and folders as streams, score in a process pool, keep order.

A batch never stops at a bad profile: each one that cannot be read or scored becomes a
`BatchError` in its place, naming the file, row or line, the field and what would be valid.
CSV and JSON Lines are read row by row and results are yielded as they are ready, with a bounded
number of chunks in flight, so memory stays flat whatever the input size.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import re
import os
import sys
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Sequence, Union

from advisor.advice import catalog
from advisor.advice.assess import RulesArg, evaluate, rulebase
from advisor.errors import AdvisorError, InputError, Problem, printable
from advisor.inputs.loaders import PROFILE_SUFFIXES, open_input, parse_document, read_bytes, decode
from advisor.inputs.tables import (ID_COLUMNS, MAX_LINE_CHARS, TABLE_SUFFIXES, TableOptions, csv_rows, fold,
                                   Lines, list_fields, numeric_fields, xlsx_rows)
from advisor.advice.models import FIELDS, Assessment, Profile, parse_profile

BATCH_SUFFIXES = PROFILE_SUFFIXES + (".jsonl",) + TABLE_SUFFIXES
CHUNKSIZE = 64               # profiles per task sent to a worker: ~0.1 s of work, so IPC stays small
IN_FLIGHT_PER_JOB = 4        # chunks queued per worker: keeps workers busy, bounds memory
PROFILE_NUMBERS = numeric_fields(Profile)
PROFILE_LISTS = list_fields(Profile)        # all codes, standards or vocabulary: `,` splits


@dataclass(frozen=True)
class Record:
    """One profile as read from an input, not yet validated: where it came from and its fields."""

    file: str | None
    location: str | None = None            # "row 3", "line 7", "item 2"; None for a whole file
    data: Any = None
    error: AdvisorError | None = None      # the input could not be read at all
    record_id: str | None = None           # the client id (--id-column, or an id column)
    columns: tuple[tuple[str, str], ...] = ()   # unknown columns kept with --keep-columns

    @property
    def source(self) -> str:
        return ", ".join(p for p in (self.file, self.location) if p)


@dataclass(frozen=True)
class BatchError:
    """A profile that could not be scored, in its place in the output."""

    file: str | None
    location: str | None
    problems: tuple[Problem, ...]
    kind: str = "invalid profile"
    organization: str | None = None
    record_id: str | None = None
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def source(self) -> str:
        return ", ".join(p for p in (self.file, self.location) if p)

    def message(self, listed_once: bool = False) -> str:
        """The problems without the file and row the record already names; `listed_once` leaves
        out long lists of valid values, which the run then lists once (`brief`)."""
        return "; ".join(str(replace(brief(p) if listed_once else p,
                                     source=None if p.source == self.file else p.source,
                                     location=None if p.location == self.location else p.location))
                         for p in self.problems)

    def to_dict(self, listed_once: bool = False) -> dict:
        return {"kind": self.kind, "message": self.message(listed_once),
                "problems": [p.to_dict() for p in self.problems]}


Result = Union[Assessment, BatchError]
LISTED_ONCE_CHARS = 60      # lists of valid values longer than this are shown once per run


def collect_valid_values(valid: dict[str, list[str]], problems: Iterable[Problem]) -> None:
    """Note the long lists of valid values that `brief` leaves out of rows, each once, with the
    fields it is for (`regulations[2]` counts as `regulations`): a run prints them at its end."""
    for p in problems:
        if p.valid and p.field and brief(p) is not p:
            fields = valid.setdefault(p.valid, [])
            name = re.sub(r"\[\d+\]", "", p.field)
            if name not in fields:
                fields.append(name)


def brief(problem: Problem) -> Problem:
    """The problem without its list of valid values when that is a long list (25 sectors):
    a batch names it once for the whole run, so 45 bad rows are not 20 KB of errors."""
    if problem.valid and len(problem.valid) > LISTED_ONCE_CHARS:
        return replace(problem, valid=None)
    return problem


@dataclass(frozen=True)
class PlanStep:
    """One planned standard as the workbook and the portfolio report show it."""

    priority: int
    standard: str
    decision: str
    currently: str
    reasons: tuple[tuple[str, str], ...]        # (rule id, text)
    audit_days: float | None
    months: tuple[int, ...]
    estimate: bool

    @classmethod
    def of(cls, rec: Any) -> "PlanStep":
        effort = rec.effort
        return cls(rec.priority, rec.standard, rec.decision, rec.currently,
                   tuple((r.rule, r.text) for r in rec.reasons),
                   effort.initial_audit_days if effort else None,
                   tuple(effort.typical_months) if effort else (),
                   bool(effort.estimate) if effort else False)


@dataclass(frozen=True)
class Scored:
    """What batch output and the portfolio view read from one assessment. Workers send this
    instead of the assessment (without the JSON, about 600 bytes against 12,000), and the parent
    process, which reads the input and writes the output for every worker, does not rebuild
    the models."""

    organization: str
    decisions: tuple[str, ...]                  # per catalog standard, in catalog order
    plan: tuple[tuple[str, str], ...]           # (standard, decision) in priority order
    reasons: tuple[tuple[str, ...], ...]        # rule ids of the reasons, per catalog standard
    json: str | None = None                     # the whole assessment, when the output holds it
    details: tuple["PlanStep", ...] = ()        # the plan with reasons and effort (workbook, html)
    report: str | None = None                   # the board report, for --reports
    record_id: str | None = None                # the client id from the input, if any
    columns: tuple[tuple[str, str], ...] = ()   # input columns passed through (--keep-columns)
    cost: "CostLine | None" = None              # the three-year cost, when there is a cost model

    @classmethod
    def of(cls, assessment: Assessment, with_json: bool = False, with_details: bool = False,
           report: Callable[[Assessment], str] | None = None) -> "Scored":
        by_name = {rec.standard: rec for rec in assessment.recommendations}
        found = [by_name.get(name) for name in catalog.NAMES]
        return cls(assessment.organization,
                   tuple(rec.decision if rec else "not_needed" for rec in found),
                   tuple((rec.standard, rec.decision) for rec in assessment.recommendations
                         if rec.priority is not None),
                   tuple(tuple(r.rule for r in rec.reasons) if rec else () for rec in found),
                   assessment.model_dump_json() if with_json else None,
                   tuple(PlanStep.of(rec) for rec in assessment.recommendations
                         if rec.priority is not None) if with_details else (),
                   report(assessment) if report is not None else None,
                   cost=CostLine.of(assessment))

    @property
    def top(self) -> str:
        """The standard to act on first, or "" when nothing is planned."""
        return self.plan[0][0] if self.plan else ""


@dataclass(frozen=True)
class CostLine:
    """One client's three-year cost, as batch outputs and the portfolio total it."""

    audit_days: float                 # integrated (IAF MD 11) auditor-days over the cycle
    fees_low: float
    fees_high: float
    currency: str
    person_months_low: float
    person_months_high: float
    done_months: int | None           # roadmap: everything typically done by (short end)
    fits_deadline: bool | None

    @classmethod
    def of(cls, assessment: Assessment) -> "CostLine | None":
        c, road = assessment.costs, assessment.roadmap
        if c is None:
            return None
        return cls(c.integrated_audit_days, c.audit_fees.low, c.audit_fees.high,
                   c.audit_fees.currency, c.internal_person_months[0], c.internal_person_months[1],
                   road.done_months[0] if road and road.projects else None,
                   road.fits_deadline if road else None)


# -- reading ---------------------------------------------------------------------------------

def read_profiles(inputs: Iterable[str | Path], options: TableOptions | None = None
                  ) -> Iterator[Record]:
    """Every profile in these files and folders, in order, as Records (read errors included).
    `options` say how to read spreadsheets and which column holds the record id."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            try:
                # not only regular files: a dangling link, a pipe or a device named like an
                # input becomes a record saying why it cannot be read, never a silent skip
                files = sorted((p for p in path.iterdir() if p.suffix.lower() in BATCH_SUFFIXES
                                and not p.name.startswith((".", "~$")) and not p.is_dir()),
                               key=lambda p: p.name)
            except OSError as exc:
                yield _failed(str(path), None, f"cannot be read: {exc.strerror}")
                continue
            if not files:
                yield _failed(str(path), None, "has no profile files (valid: "
                              + ", ".join(BATCH_SUFFIXES) + ")")
            for file in files:
                yield from read_file(file, options=options)
        else:
            yield from read_file(path, options=options)


def read_file(path: str | Path, *, fields: Sequence[str] = FIELDS,
              numeric: Collection[str] | None = None,
              options: TableOptions | None = None) -> Iterator[Record]:
    """The profiles in one file; a file that cannot be read becomes one Record with an error.

    `fields` are the valid column names and `numeric` the number fields among them (another
    record type, such as claims, passes its own). Every data row of a spreadsheet becomes one
    Record, readable or with an error, so totals add up to the rows in the file.
    """
    source = str(path)
    suffix = Path(source).suffix.lower()
    options = options or TableOptions()
    if fields is FIELDS and not options.lists:
        options = replace(options, lists=PROFILE_LISTS)
    numeric = PROFILE_NUMBERS if numeric is None else numeric
    table = xlsx_rows if suffix in (".xlsx", ".xlsm") else csv_rows
    readers = {".jsonl": _jsonl_records}
    for name in TABLE_SUFFIXES:
        readers[name] = lambda s: _table_records(s, table(s, fields, numeric, options))
    reader = readers.get(suffix, _document_records if suffix in PROFILE_SUFFIXES else None)
    if reader is None:
        yield _failed(source, None, f"has extension '{suffix or '(none)'}'; batch inputs are "
                      + ", ".join(BATCH_SUFFIXES) + " files or folders")
        return
    count = 0
    try:
        for record in reader(source):
            count += 1
            yield _with_id(record, options)
        if not count:         # an input that silently scores nothing looks like success
            raise InputError([Problem("holds no records (an empty list, or no rows or lines)",
                                      source=source)])
    except AdvisorError as exc:
        yield Record(source, None, error=exc.with_source(source))
    except OSError as exc:    # a disk or network-share error mid-file: said, with the count
        after = f" after {count:,} records; the rest is not read" if count else ""
        yield _failed(source, None, f"cannot be read: {exc.strerror or exc}{after}")


def _failed(source: str, location: str | None, message: str, **kw: Any) -> Record:
    return Record(source, location, error=InputError([Problem(message, source=source,
                                                              location=location, **kw)]))


def _document_records(source: str) -> Iterator[Record]:
    data = parse_document(decode(read_bytes(source), source), source, Path(source).suffix.lower())
    if isinstance(data, list):
        for n, item in enumerate(data, 1):
            yield Record(source, f"item {n}", item)
    else:
        yield Record(source, None, data)


def _jsonl_records(source: str) -> Iterator[Record]:
    """One record per non-blank line; a line that does not decode as UTF-8 or parse as JSON is
    an error record in its place, and the lines after it are read on."""
    with open_input(source) as handle:
        head = handle.read(4096)
        handle.seek(0)
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            decode(head, source)                   # raises "is binary data"
        lines = Lines(handle, "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff"))
                      else "utf-8-sig", source)
        for n, line in enumerate(lines, 1):
            if n - 1 in lines.bad:
                yield _failed(source, f"line {n}", lines.bad[n - 1])
                continue
            if not line.strip():
                continue
            try:
                data = parse_document(line.rstrip("\r\n"), source, ".json")
            except InputError as exc:
                column = (exc.problems[0].location or "").partition(", ")[2]
                yield _failed(source, ", ".join(filter(None, (f"line {n}", column))),
                              exc.problems[0].message)
                continue
            yield Record(source, f"line {n}", data)


def _table_records(source: str, rows: Iterator) -> Iterator[Record]:
    for row in rows:
        error = InputError(list(row.problems)) if row.problems else None
        yield Record(source, row.location, row.data, error, row.record_id, row.columns)


def _with_id(record: Record, options: TableOptions) -> Record:
    """A mapping's id key (--id-column, or `id` / `client_id`) taken out as the record id, so
    YAML and JSON profiles carry client ids as spreadsheet rows do."""
    data = record.data
    if record.record_id is not None or not isinstance(data, dict):
        return record
    names = (options.id_column,) if options.id_column else ID_COLUMNS
    key = next((k for k in data if isinstance(k, str) and (k in names or fold(k) in names)), None)
    if key is None:
        return record
    rest = {k: v for k, v in data.items() if k != key}
    value = data[key]
    return replace(record, data=rest, record_id=None if value is None else str(value))


# -- scoring ---------------------------------------------------------------------------------

def default_jobs() -> int:
    """The CPUs this process may use (respects affinity, as in containers)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def evaluate_many(profiles: Iterable[Union[Profile, Mapping[str, Any], Record]], *,
                  jobs: int | None = None, rules: RulesArg = None, engine: str | None = None,
                  chunksize: int = CHUNKSIZE, as_of: Any = None,
                  day_rate: Any = None) -> Iterator[Result]:
    """Score profiles in input order: an Assessment each, or a BatchError in its place.

    `jobs` processes score in parallel (default: one per CPU); the results are the same for any
    number. The rule base is loaded (and checked) and the engine (as in `evaluate`) set up once,
    here, before any profile is read. `as_of` and `day_rate` are as in `evaluate`, checked here.
    """
    return _score_all(profiles, jobs, rules, engine, chunksize, None,
                      _options(as_of=as_of, day_rate=day_rate))


def _options(as_of: Any = None, day_rate: Any = None) -> dict[str, Any]:
    """evaluate()'s date and day-rate options, checked once before any profile is scored."""
    from advisor.advice.assess import as_of_date
    options: dict[str, Any] = {"as_of": as_of_date(as_of)}
    if day_rate is not None:
        options["day_rate"] = day_rate
    return options


def _score_all(profiles: Iterable, jobs: int | None, rules: RulesArg, engine: str | None,
            chunksize: int, view: Callable[[Assessment], Any] | None,
            options: dict[str, Any] | None = None) -> Iterator[Any]:
    """evaluate_many(), each assessment turned into `view(assessment)` where it was made (in a
    worker when pooled); `view` must be picklable. None keeps assessments, which then travel
    from workers as JSON text, cheaper than pickled models."""
    rb = rulebase(rules)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    from advisor.advice.assess import default_engine
    default_engine(rb, engine)          # an unknown engine fails here; workers inherit the rest
    options = options if options is not None else _options()
    if "day_rate" in options and "costs.yaml" in rb.data:      # a bad day rate fails here, once
        from advisor.advice.costs import day_rate
        day_rate(rb.data["costs.yaml"], Profile(name="check", sector="other", employees=1),
                 options["day_rate"])
    items = (_prepare(p, n) for n, p in enumerate(profiles, 1))
    if jobs == 1:
        return _in_process(items, rb, engine, view, options)
    return _pooled(items, rb, engine, view, jobs, max(1, chunksize), options)


def _in_process(items: Iterable[Record | BatchError], rb, engine: str | None,
                view: Callable[[Assessment], Any] | None,
                options: dict[str, Any] | None = None) -> Iterator[Any]:
    for item in items:
        result = _score(item, rb, engine, options)
        yield result if view is None or isinstance(result, BatchError) else view(result)


def _to_json(assessment: Assessment) -> str:
    return assessment.model_dump_json()


def score_paths(inputs: Iterable[str | Path], *, jobs: int | None = None, rules: RulesArg = None,
                engine: str | None = None, options: TableOptions | None = None,
                as_of: Any = None, day_rate: Any = None) -> Iterator[tuple[str, Result]]:
    """`(source, result)` for every profile in these files and folders, in order."""
    records, sources = itertools.tee(read_profiles(inputs, options))
    return zip((printable(r.source) for r in sources),
               evaluate_many(records, jobs=jobs, rules=rules, engine=engine, as_of=as_of,
                             day_rate=day_rate))


def score_paths_for_output(inputs: Iterable[str | Path], *, with_json: bool,
                           with_details: bool = False,
                           report: Callable[[Assessment], str] | None = None,
                           jobs: int | None = None, rules: RulesArg = None,
                           engine: str | None = None, chunksize: int = CHUNKSIZE,
                           options: TableOptions | None = None,
                           as_of: Any = None, day_rate: Any = None
                           ) -> Iterator[tuple[str, Scored | BatchError]]:
    """score_paths() as batch output needs it: each assessment reduced to `Scored` (with its
    JSON when `with_json`, its plan when `with_details`, its board report made by `report`) in
    the process that made it, carrying the record's id and kept columns."""
    view = partial(Scored.of, with_json=with_json, with_details=with_details, report=report)
    records, originals = itertools.tee(read_profiles(inputs, options))
    return _with_origins(originals, _score_all(records, jobs, rules, engine, chunksize, view,
                                               _options(as_of=as_of, day_rate=day_rate)))


def _with_origins(records: Iterator[Record], results: Iterator[Scored | BatchError]
                  ) -> Iterator[tuple[str, Scored | BatchError]]:
    for record, result in zip(records, results):
        if isinstance(result, Scored) and (record.record_id is not None or record.columns):
            result = replace(result, record_id=record.record_id, columns=record.columns)
        yield printable(record.source), result


def _prepare(item: Any, n: int) -> Record | BatchError:
    """A Record to score, or the BatchError for an input that could not be read."""
    record = item if isinstance(item, Record) else Record(None, f"item {n}", item)
    if record.error is not None:
        return _failure(record, record.error)
    return record


def _failure(record: Record, exc: AdvisorError) -> BatchError:
    name = record.data.get("name") if isinstance(record.data, Mapping) else None
    return BatchError(record.file, record.location, tuple(exc.problems), exc.kind,
                      printable(name, 200) if isinstance(name, str) else None,
                      record.record_id, record.columns)


def _score(item: Record | BatchError, rb, engine: str | None = None,
           options: dict[str, Any] | None = None) -> Result:
    if isinstance(item, BatchError):
        return item
    data = item.data
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    try:
        return evaluate(parse_profile(data, source=item.file, location=item.location), rules=rb,
                        engine=engine, **(options or {}))
    except AdvisorError as exc:
        return _failure(item, exc.with_source(item.file, item.location))


_worker_setup: tuple = (None, None, None, None)   # (rule base, engine, pack, options) in a worker


def _init_worker(setup: tuple, parent: int) -> None:
    """Worker start (in a process this module started, never the caller's): Ctrl-C is the
    parent's to handle (and SIGHUP), SIGTERM ends a worker quietly (not with the parent's handler, inherited
    by fork), the worker dies with its parent; the engine is registered once."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):               # a closed terminal: the parent stops the batch
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    global _worker_setup
    _worker_setup = setup
    from advisor.advice.assess import default_engine
    default_engine(*setup[:2])


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel sends SIGKILL to this worker when the process that started it dies,
    however it dies (SIGKILL included), so no worker outlives a killed batch. Elsewhere workers
    notice when they next read from the pool, as multiprocessing does."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)            # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:                           # the parent died before prctl
        os._exit(1)


def _score_chunk(chunk: list[Record | BatchError]) -> list[Any]:
    """Score in a worker; each assessment is sent back packed (as JSON text, or a Scored)."""
    rb, engine, pack, options = _worker_setup
    results = (_score(item, rb, engine, options) for item in chunk)
    return [r if isinstance(r, BatchError) else pack(r) for r in results]


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _pooled(items: Iterator[Record | BatchError], rb, engine: str | None,
            view: Callable[[Assessment], Any] | None, jobs: int, chunksize: int,
            options: dict[str, Any] | None = None) -> Iterator[Any]:
    """_in_process(), by `jobs` workers scoring chunks; results in input order."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    import multiprocessing

    chunks = _chunks(items, chunksize)
    head = list(itertools.islice(chunks, 2))
    if len(head) < 2:                       # one chunk or less: not worth starting processes
        yield from _in_process((item for chunk in head for item in chunk), rb, engine, view,
                               options)
        return
    pack, unpack = (_to_json, Assessment.model_validate_json) if view is None else (view, None)
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                               initargs=((rb, engine, pack, options), os.getpid()))
    pending: deque = deque()
    try:
        for chunk in itertools.chain(head, chunks):
            pending.append(pool.submit(_score_chunk, chunk))
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from _unpack(pending.popleft().result(), unpack)
        while pending:
            yield from _unpack(pending.popleft().result(), unpack)
    except BrokenProcessPool:
        raise AdvisorError("a worker process died while scoring; run with --jobs 1 to find the "
                           "profile that crashes the engine") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _unpack(results: list[Any], unpack: Callable[[Any], Any] | None) -> Iterator[Any]:
    for r in results:
        yield r if unpack is None or isinstance(r, BatchError) else unpack(r)


# -- portfolio -------------------------------------------------------------------------------

MAX_LISTED_FAILURES = 1000


@dataclass
class Portfolio:
    """What a batch found across all profiles: decisions and reasons per standard, failures.

    Counts only, so memory stays flat; the first failures are kept for the report on stderr.
    `detailed=False` counts profiles and failures only (the portfolio view was not asked for).
    """

    detailed: bool = True
    scored: int = 0
    failed: int = 0
    decisions: dict[str, Counter] = field(
        default_factory=lambda: {name: Counter() for name in catalog.NAMES})
    reasons: dict[str, Counter] = field(
        default_factory=lambda: {name: Counter() for name in catalog.NAMES})
    failures: list[BatchError] = field(default_factory=list)
    first_steps: Counter = field(default_factory=Counter)      # standard planned first
    audit_days: Counter = field(default_factory=Counter)       # initial audit days to certify
    estimated: set = field(default_factory=set)                # standards with estimated days
    # three-year totals per currency: [fees low, fees high, auditor-days, person-months low, high]
    costs: dict[str, list[float]] = field(default_factory=dict)
    missed_deadlines: int = 0

    def add(self, result: Result | Scored) -> None:
        if isinstance(result, BatchError):
            self.failed += 1
            if len(self.failures) < MAX_LISTED_FAILURES:
                self.failures.append(result)
            return
        self.scored += 1
        view = result if isinstance(result, Scored) else Scored.of(result)
        if view.cost is not None:
            total = self.costs.setdefault(view.cost.currency, [0.0] * 5)
            for n, value in enumerate((view.cost.fees_low, view.cost.fees_high,
                                       view.cost.audit_days, view.cost.person_months_low,
                                       view.cost.person_months_high)):
                total[n] += value
            self.missed_deadlines += view.cost.fits_deadline is False
        if not self.detailed:
            return
        for name, decision, rules in zip(catalog.NAMES, view.decisions, view.reasons):
            self.decisions[name][decision] += 1
            self.reasons[name].update(set(rules))
        if view.plan:
            self.first_steps[view.plan[0][0]] += 1
        for step in view.details:
            if step.decision == "certify" and step.currently != "certified" \
                    and step.audit_days is not None:
                self.audit_days[step.standard] += step.audit_days
                if step.estimate:
                    self.estimated.add(step.standard)

    def top_reasons(self, standard: str, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.reasons[standard].items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def cost_totals(self) -> list[dict]:
        """Three-year totals per currency (clients whose day rates are in that currency)."""
        return [{"currency": currency, "audit_fees_low": round(v[0], 2),
                 "audit_fees_high": round(v[1], 2), "audit_days": v[2],
                 "internal_person_months": [round(v[3], 1), round(v[4], 1)]}
                for currency, v in sorted(self.costs.items())]

    def to_dict(self) -> dict:
        return {"scored": self.scored, "failed": self.failed, "costs": self.cost_totals(),
                "missed_deadlines": self.missed_deadlines, "standards": [
            {"standard": name,
             **{d: self.decisions[name][d] for d in ("certify", "implement", "not_needed")},
             "top_reasons": [{"rule": rule, "profiles": count}
                             for rule, count in self.top_reasons(name)]}
            for name in catalog.NAMES]}
