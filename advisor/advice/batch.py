"""Scoring many profiles: read files and folders as streams, score in a process pool, keep order.

A batch never stops at a bad profile: each one that cannot be read or scored becomes a
`BatchError` in its place, naming the file, row or line, the field and what would be valid.
CSV and JSON Lines are read row by row and results are yielded as they are ready, with a bounded
number of chunks in flight, so memory stays flat whatever the input size.
"""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import signal
import sys
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, Union

from advisor.advice import catalog
from advisor.advice.assess import RulesArg, evaluate, rulebase
from advisor.errors import AdvisorError, InputError, Problem, closest, printable
from advisor.inputs.loaders import PROFILE_SUFFIXES, decode, open_input, parse_document, read_bytes
from advisor.advice.models import FIELDS, MAX_PROBLEMS, Assessment, Profile, parse_profile

BATCH_SUFFIXES = PROFILE_SUFFIXES + (".jsonl", ".csv")
CHUNKSIZE = 64               # profiles per task sent to a worker: ~0.1 s of work, so IPC stays small
IN_FLIGHT_PER_JOB = 4        # chunks queued per worker: keeps workers busy, bounds memory
MAX_LINE_CHARS = 1_000_000   # a JSON Lines line or CSV line; longer is junk (or not line-based)


@dataclass(frozen=True)
class Record:
    """One profile as read from an input, not yet validated: where it came from and its fields."""

    file: str | None
    location: str | None = None            # "row 3", "line 7", "item 2"; None for a whole file
    data: Any = None
    error: AdvisorError | None = None      # the input could not be read at all

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

    @property
    def source(self) -> str:
        return ", ".join(p for p in (self.file, self.location) if p)

    def message(self) -> str:
        """The problems without the file and row the record already names."""
        return "; ".join(str(replace(p, source=None if p.source == self.file else p.source,
                                     location=None if p.location == self.location else p.location))
                         for p in self.problems)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message(),
                "problems": [p.to_dict() for p in self.problems]}


Result = Union[Assessment, BatchError]


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
    cost: "CostLine | None" = None              # the three-year cost, when there is a cost model

    @classmethod
    def of(cls, assessment: Assessment, with_json: bool = False) -> "Scored":
        by_name = {rec.standard: rec for rec in assessment.recommendations}
        found = [by_name.get(name) for name in catalog.NAMES]
        return cls(assessment.organization,
                   tuple(rec.decision if rec else "not_needed" for rec in found),
                   tuple((rec.standard, rec.decision) for rec in assessment.recommendations
                         if rec.priority is not None),
                   tuple(tuple(r.rule for r in rec.reasons) if rec else () for rec in found),
                   assessment.model_dump_json() if with_json else None,
                   CostLine.of(assessment))

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

def read_profiles(inputs: Iterable[str | Path]) -> Iterator[Record]:
    """Every profile in these files and folders, in order, as Records (read errors included)."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            try:
                files = sorted((p for p in path.iterdir() if p.suffix.lower() in BATCH_SUFFIXES
                                and not p.name.startswith(".") and p.is_file()),
                               key=lambda p: p.name)
            except OSError as exc:
                yield _failed(str(path), None, f"cannot be read: {exc.strerror}")
                continue
            if not files:
                yield _failed(str(path), None, "has no profile files (valid: "
                              + ", ".join(BATCH_SUFFIXES) + ")")
            for file in files:
                yield from read_file(file)
        else:
            yield from read_file(path)


def read_file(path: str | Path, *, fields: Sequence[str] = FIELDS) -> Iterator[Record]:
    """The profiles in one file; a file that cannot be read becomes one Record with an error.

    `fields` are the valid CSV column names (another record type, such as claims, passes its own).
    """
    source = str(path)
    suffix = Path(source).suffix.lower()
    readers = {".csv": lambda s: _csv_records(s, fields), ".jsonl": _jsonl_records}
    reader = readers.get(suffix, _document_records if suffix in PROFILE_SUFFIXES else None)
    if reader is None:
        yield _failed(source, None, f"has extension '{suffix or '(none)'}'; batch inputs are "
                      + ", ".join(BATCH_SUFFIXES) + " files or folders")
        return
    try:
        empty = True
        for record in reader(source):
            empty = False
            yield record
        if empty:             # an input that silently scores nothing looks like success
            raise InputError([Problem("holds no records (an empty list, or no rows or lines)",
                                      source=source)])
    except AdvisorError as exc:
        yield Record(source, None, error=exc.with_source(source))


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


def _text_lines(source: str) -> Iterator[str]:
    """A file's lines as text, read as it goes: UTF-8 with or without BOM, or UTF-16 with BOM.

    UTF-8 is decoded line by line, so a bad byte is reported at its own row, not at the first
    block read. A line longer than MAX_LINE_CHARS raises _LineTooLong: memory stays bounded.
    """
    with open_input(source) as handle:
        head = handle.read(4096)
        handle.seek(0)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = io.TextIOWrapper(handle, encoding="utf-16", newline="")
            lines = iter(lambda: text.readline(MAX_LINE_CHARS + 1), "")
        else:
            if b"\x00" in head:
                decode(head, source)               # raises "is binary data"
            lines = (line.decode()
                     for line in iter(lambda: handle.readline(MAX_LINE_CHARS + 1), b""))
        for n, line in enumerate(lines):
            if len(line) > MAX_LINE_CHARS:
                raise _LineTooLong
            yield line[1:] if n == 0 and line.startswith("\ufeff") else line


class _LineTooLong(Exception):
    pass


def _lines(source: str, rows: Iterator, unit: str) -> Iterator[tuple[int, Any]]:
    """Rows numbered from 1; a decoding or CSV error names the row where it happened."""
    n = 0
    try:
        for n, row in enumerate(rows, 1):
            yield n, row
        return
    except UnicodeDecodeError:
        message = "is not UTF-8 text; save it as UTF-8"
    except csv.Error as exc:
        message = f"is not valid CSV: {exc}"
    except _LineTooLong:
        message = f"has a line longer than {MAX_LINE_CHARS:,} characters"
    except OSError as exc:
        message = f"cannot be read: {exc.strerror}"
    raise InputError([Problem(message, source=source, location=f"{unit} {n + 1}")])


def _jsonl_records(source: str) -> Iterator[Record]:
    for n, line in _lines(source, _text_lines(source), "line"):
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


def _csv_records(source: str, fields: Sequence[str] = FIELDS) -> Iterator[Record]:
    rows = _lines(source, csv.reader(_text_lines(source), strict=True), "row")  # strict: a
    # quote left open at the end (a truncated file) is an error, not a cell that runs to the end
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError([Problem("is empty", source=source)]) from None
    columns = [h.strip() for h in header]
    problems = _header_problems(columns, source, fields)
    if problems:
        yield Record(source, "row 1", error=InputError(problems))
        return
    for n, row in rows:
        if not any(cell.strip() for cell in row):
            continue                               # blank rows, as spreadsheets export them
        location = f"row {n}"
        extra = [cell for i, cell in enumerate(row)
                 if cell.strip() and (i >= len(columns) or not columns[i])]
        if extra:
            yield _failed(source, location, f"has a value ('{extra[0].strip()}') in a column "
                          "with no name in the header")
            continue
        yield Record(source, location, {col: cell for col, cell in zip(columns, row)
                                        if col and cell.strip()})


def _header_problems(columns: list[str], source: str,
                     fields: Sequence[str] = FIELDS) -> list[Problem]:
    """Unknown or repeated column names, each with a did-you-mean; after MAX_PROBLEMS only
    counted, so a header of 200,000 junk columns is reported in a moment."""
    problems: list[Problem] = []
    seen: set[str] = set()
    hidden = 0
    for name in columns:
        if not name or (name in fields and name not in seen):
            seen.add(name)
            continue
        if len(problems) >= MAX_PROBLEMS:
            hidden += 1
        elif name in fields:
            problems.append(Problem(f"column '{name}' appears twice", field=name,
                                    source=source, location="row 1"))
        elif ";" in name or "\t" in name:
            problems.append(Problem("the header is not comma-separated; save the file with ',' "
                                    "between columns (';' separates list items inside a cell)",
                                    source=source, location="row 1"))
        else:
            hints = closest(name, fields)
            problems.append(Problem(f"unknown column '{name}'", field=name, source=source,
                                    location="row 1", suggestions=hints,
                                    valid=None if hints else ", ".join(fields)))
    if hidden:
        problems.append(Problem(f"... and {hidden:,} more problems", source=source,
                                location="row 1"))
    return problems


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
        return _between_records(_in_process(items, rb, engine, view, options))
    return _between_records(_pooled(items, rb, engine, view, jobs, max(1, chunksize), options))


def _in_process(items: Iterable[Record | BatchError], rb, engine: str | None,
                view: Callable[[Assessment], Any] | None,
                options: dict[str, Any] | None = None) -> Iterator[Any]:
    for item in items:
        result = _score(item, rb, engine, options)
        yield result if view is None or isinstance(result, BatchError) else view(result)


def _to_json(assessment: Assessment) -> str:
    return assessment.model_dump_json()


def _between_records(results: Iterator[Result]) -> Iterator[Result]:
    """`results`, computed with SIGINT and SIGTERM deferred (see _deferred_signals): a Ctrl-C
    takes effect between records. Signals are the caller's own again at every `yield`, so an
    abandoned iteration never leaves a process that ignores Ctrl-C."""
    with contextlib.closing(results):
        while True:
            with _deferred_signals():
                result = next(results, None)
            if result is None:
                return
            yield result


@contextlib.contextmanager
def _deferred_signals() -> Iterator[None]:
    """Note SIGINT and SIGTERM inside the block and deliver them to the previous handlers at its
    end, never mid-evaluation: durable_rules swallows an exception raised inside a rule action
    (the rule would silently not fire and the Ctrl-C be lost), and an interrupt inside the
    process pool's bookkeeping can hang its shutdown. Off the main thread signals are the
    application's and are left alone."""
    pending: list[int] = []
    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, lambda n, frame: pending.append(n))
    except ValueError:                            # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if pending:
            signal.raise_signal(pending[0])       # the previous handler raises KeyboardInterrupt


def score_paths(inputs: Iterable[str | Path], *, jobs: int | None = None, rules: RulesArg = None,
                engine: str | None = None, as_of: Any = None,
                day_rate: Any = None) -> Iterator[tuple[str, Result]]:
    """`(source, result)` for every profile in these files and folders, in order."""
    return _with_sources(inputs, lambda records: evaluate_many(records, jobs=jobs, rules=rules,
                                                               engine=engine, as_of=as_of,
                                                               day_rate=day_rate))


def score_paths_for_output(inputs: Iterable[str | Path], *, with_json: bool,
                           jobs: int | None = None, rules: RulesArg = None,
                           engine: str | None = None, chunksize: int = CHUNKSIZE,
                           as_of: Any = None, day_rate: Any = None
                           ) -> Iterator[tuple[str, Scored | BatchError]]:
    """score_paths() as batch output needs it: each assessment reduced to `Scored` (with its
    JSON when `with_json`) in the process that made it."""
    view = partial(Scored.of, with_json=with_json)
    options = _options(as_of=as_of, day_rate=day_rate)
    return _with_sources(inputs, lambda records: _score_all(records, jobs, rules, engine,
                                                            chunksize, view, options))


def _with_sources(inputs: Iterable[str | Path], score: Callable[[Iterator[Record]], Iterator]
                  ) -> Iterator[tuple[str, Any]]:
    records, sources = itertools.tee(read_profiles(inputs))
    return zip((printable(r.source) for r in sources), score(records))


def _prepare(item: Any, n: int) -> Record | BatchError:
    """A Record to score, or the BatchError for an input that could not be read."""
    record = item if isinstance(item, Record) else Record(None, f"item {n}", item)
    if record.error is not None:
        return _failure(record, record.error)
    return record


def _failure(record: Record, exc: AdvisorError) -> BatchError:
    name = record.data.get("name") if isinstance(record.data, Mapping) else None
    return BatchError(record.file, record.location, tuple(exc.problems), exc.kind,
                      printable(name, 200) if isinstance(name, str) else None)


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


def _init_worker(setup: tuple) -> None:
    """Worker start: Ctrl-C is the parent's to handle, SIGTERM ends a worker quietly (not with the
    parent's handler, inherited by fork); the engine is registered once."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _worker_setup
    _worker_setup = setup
    from advisor.advice.assess import default_engine
    default_engine(*setup[:2])


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
                               initargs=((rb, engine, pack, options),))
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
