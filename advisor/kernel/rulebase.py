"""Load a rule base (a folder of YAML files) into validated, engine-ready rules.

Everything that can be wrong with a rule base is found here, all at once, with file, rule id and
field: evaluation never meets a broken rule. Layout of a rule base folder:

- `rulebase.yaml`: `version`, `kind` (which `Schema`: `advice` by default, or `claims`), `sets`
  (named value lists such as `$EU`), `facts` (inferred facts);
- `effort.yaml`: audit-day tables and typical months (see `advisor.advice.effort`);
- the data files the kind's schema names (read as data, not rules);
- any other `*.yaml`: `rules:`, a list of rules;
- `CHANGELOG.md`: what changed in each version.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml

from advisor.kernel.conditions import All, Any_, Condition, Test, substitute
from advisor.kernel.operators import OPERATORS, OPS, for_kind
from advisor.errors import Problem, RuleBaseError, closest
from advisor.kernel import compiled, strict_yaml
from advisor.kernel.text import fill, template_problem
from advisor.kernel.yaml_cache import parsed

DECISIONS = ("not_needed", "implement", "certify")
DRIVERS = ("hard_demand", "regulation", "market", "internal", "held")
CONCLUSIONS = ("recommend", "limit", "infer", "note", "warn")
RULE_KEYS = {"id", "title", "for_each", "when", "then", "text", "rationale", "source", "examples",
             "valid_from", "valid_until", "series"}
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class FieldType:
    """What a fact field holds, for checking the tests written against it."""

    kind: str                    # bool | number | text | enum | list
    values: tuple[str, ...] = ()  # allowed values (enum, or list items) ; empty = free
    item: str = ""               # for lists: enum | standard | country


@dataclass(frozen=True)
class Schema:
    """What one kind of rule base (`kind:` in its rulebase.yaml) reads and concludes."""

    kind: str
    noun: str                               # what an input is called in messages ("profile")
    inputs: tuple[str, ...]                 # fields of the input model
    types: Mapping[str, FieldType]          # every field a `when:` may test (inputs and derived)
    # then-kind -> its keys -> allowed values (() = any text); None = checked by `conclusion()`
    conclusions: Mapping[str, Mapping[str, tuple[str, ...]] | None]
    # files read as data, not rules: name -> validator(data, folder) returning problems, or
    # None for a file the schema's `context` reads and checks (such files are optional)
    data_files: Mapping[str, Callable[[Any, Path], list[str]] | None] = field(default_factory=dict)
    # the rule base's own vocabulary, worked out from its data files: (Context, problems as
    # (file, message)); None when `types` is all a rule needs
    context: Callable[[Mapping[str, Any], Path], tuple["Context", list[tuple[str, str]]]] | None = None
    # files outside the folder that its data files point to (raw texts by name, folder -> paths):
    # part of the rule base's digest and of the staleness check of its cache
    linked: Callable[[Mapping[str, bytes], Path], list[Path]] | None = None


@dataclass(frozen=True)
class Context:
    """What a schema derives from one rule base's data files, for the loader to check rules with.
    The kernel knows no standard or sector: a schema names them here."""

    types: Mapping[str, FieldType]                 # every field a `when:` may test
    # `for_each: NAME` -> one placeholder mapping per instance ({"standard": .., "standard_key": ..})
    for_each: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)
    # list item kinds (FieldType.item) -> a function returning the canonical value or raising
    # ValueError with what would be valid
    resolvers: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    recommendable: frozenset[str] = frozenset()    # standards a rule may recommend or limit
    decision_facts: Mapping[str, str] = field(default_factory=dict)   # standard -> its fact
    payload: Any = None                            # the schema's own reading of the data


#: Kinds of rule base -> the module whose `SCHEMA` describes it (imported when first needed:
#: the kernel imports no kind's code until a rule base of that kind is loaded).
SCHEMA_MODULES = {"advice": "advisor.advice.ruleschema", "claims": "advisor.claims.check"}


def schema(kind: str) -> Schema:
    schema: Schema = importlib.import_module(SCHEMA_MODULES[kind]).SCHEMA
    return schema


@dataclass(frozen=True)
class Conclusion:
    kind: str                         # one of CONCLUSIONS
    standard: str | None = None       # recommend / limit / note
    decision: str | None = None       # recommend / limit
    driver: str | None = None         # recommend
    facts: tuple[tuple[str, Any], ...] = ()  # infer
    by: str | None = None             # limit: the standard that covers this one
    values: tuple[tuple[str, Any], ...] = ()  # other schemas' conclusions: the `then:` items


@dataclass(frozen=True)
class Rule:
    """A rule as written; templates (`for_each: standard`) expand into several instances."""

    id: str
    title: str
    file: str
    when: Condition
    then: dict[str, Any]
    text: str
    rationale: str
    source: str
    for_each: str | None = None
    examples: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    valid_from: dt.date | None = None     # first day the rule holds (None: always has)
    valid_until: dt.date | None = None    # last day it holds (None: still does)
    series: str | None = None             # rules that take over from each other as dates pass

    def describe_when(self) -> str:
        return self.when.describe()

    def holds_on(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day) and
                (self.valid_until is None or day <= self.valid_until))


@dataclass(frozen=True)
class RuleInstance:
    """One rule as the engines run it: a concrete condition and conclusion."""

    key: str                          # unique: `id` or `id[standard]`
    rule: Rule
    index: int                        # global firing order
    stratum: int
    condition: Condition
    conclusion: Conclusion
    text: str
    uses: tuple[str, ...]             # fact fields the condition reads directly
    depends_on: frozenset[str] = frozenset()   # profile fields read, directly or via inferred facts


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str                    # bool | enum | number
    values: tuple[str, ...]
    default: Any
    description: str


@dataclass
class RuleBase:
    path: Path
    version: str
    digest: str
    facts: dict[str, FactSpec]
    rules: list[Rule]
    instances: list[RuleInstance]
    strata: list[list[RuleInstance]]
    effort: dict[str, Any]
    sets: dict[str, tuple[Any, ...]]
    changelog: str = ""
    kind: str = "advice"
    data: dict[str, Any] = field(default_factory=dict)   # the schema's data files, parsed
    types: dict[str, FieldType] = field(default_factory=dict)   # what a `when:` may test
    context: Context | None = None     # the schema's reading of the data files (e.g. the catalog)
    content_digest: str = ""     # "sha256:" + the full SHA-256 whose first 16 digits are `digest`:
    #                              what decision records cite (names and contents of the rule
    #                              files in name order, line endings normalised, and the base's)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def instances_of(self, rule_id: str) -> list[RuleInstance]:
        return [i for i in self.instances if i.rule.id == rule_id]

    def _producers(self) -> dict[str, list[RuleInstance]]:
        """Fact name -> the instances that conclude it (an inferred fact, or a decision)."""
        producers: dict[str, list[RuleInstance]] = {}
        decision_facts = self.context.decision_facts if self.context else {}
        for inst in self.instances:
            c = inst.conclusion
            names = [name for name, _ in c.facts] if c.kind == "infer" else \
                [decision_facts[c.standard]] if c.kind in ("recommend", "limit") and \
                c.standard in decision_facts else []
            for name in names:
                producers.setdefault(name, []).append(inst)
        return producers

    def needed_for(self, keys: Iterable[str]) -> frozenset[str]:
        """The instance keys that decide whether `keys` fire: themselves and, transitively, every
        rule that concludes a fact they read (an inferred fact, or a standard's decision).

        A run restricted to these gives `keys` the same result as a full run, because nothing
        else writes what they read. `rules check` runs each rule's examples so, which keeps it
        near-linear in the number of rules on an engine whose cost grows with the rule base.
        """
        state = compiled.of(self)
        producers = state.table("producers", self._producers)
        by_key = state.table("by_key", lambda: {inst.key: inst for inst in self.instances})
        needed: set[str] = set()
        todo = [by_key[k] for k in keys]
        while todo:
            inst = todo.pop()
            if inst.key in needed:
                continue
            needed.add(inst.key)
            todo.extend(p for name in inst.uses for p in producers.get(name, ())
                        if p.key not in needed)
        return frozenset(needed)

    def at(self, day: dt.date | None) -> "RuleBase":
        """The rule base as it stands on `day`: only the rules whose `valid_from` / `valid_until`
        hold then. Views are cached by the rules they keep (they change only at boundaries), so
        engines are built once per period; a rule base with no dated rule is its own view."""
        if day is None or not any(r.valid_from or r.valid_until for r in self.rules):
            return self
        keep = frozenset(r.id for r in self.rules if r.holds_on(day))
        if len(keep) == len(self.rules):
            return self
        views = self.__dict__.setdefault("_views", {})
        if keep not in views:
            tag = hashlib.sha256("\0".join(sorted(keep)).encode()).hexdigest()[:8]
            strata = [[i for i in layer if i.rule.id in keep] for layer in self.strata]
            views[keep] = RuleBase(
                self.path, self.version, f"{self.digest}d{tag}", self.facts,
                [r for r in self.rules if r.id in keep], [i for layer in strata for i in layer],
                strata, self.effort, self.sets, self.changelog, self.kind, self.data, self.types,
                self.context, self.content_digest)   # records cite the whole rule base, + as_of
        view: RuleBase = views[keep]
        return view


def shipped_rules_dir() -> Path:
    """The rule base installed with the package (the repository's `rules/` folder)."""
    here = Path(__file__).resolve().parents[1]  # the advisor package
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "rulebase.yaml").is_file():
            return candidate
    raise RuleBaseError("the shipped rule base is missing: no rulebase.yaml next to the package")


def load(path: str | Path | None = None) -> RuleBase:
    """Load and validate a rule base folder (default: the shipped one).

    Cached twice: a folder whose files have the same stat as last time is not read again, and
    files with the same content are not parsed again. This runs on every evaluate(), so the
    stat check itself is made at most once per RECHECK_SECONDS per folder: a rule file edited
    while a process runs is seen within that time.
    """
    key = None if path is None else os.path.abspath(path)
    recent = _recent.get(key)
    if recent and time.monotonic() - recent[0] < RECHECK_SECONDS:
        return recent[1]
    folder = Path(path) if path is not None else _shipped_dir()
    stamp = _stamp(folder)
    cached = _by_stamp.get(stamp[0]) if stamp else None
    if cached and cached[0] == stamp and tuple(map(_file_stamp, cached[2])) == cached[3]:
        rb = cached[1]
    else:
        links: list[tuple[Path, tuple | None]] = []
        rb = _read(folder, links)
        now = time.time_ns()
        if stamp and all(st and now - st[1] >= 2_000_000_000 for _, st in links):
            _by_stamp[stamp[0]] = (stamp, rb, tuple(p for p, _ in links),
                                   tuple(st for _, st in links))
    if stamp:
        _recent[key] = (time.monotonic(), rb)
    return rb


RECHECK_SECONDS = 1.0
#: folder -> (its stamp, the rule base, the linked files outside it, their stamps)
_by_stamp: dict[str, tuple[tuple[Any, ...], "RuleBase", tuple[Path, ...], tuple[Any, ...]]] = {}
_recent: dict[str | None, tuple[float, "RuleBase"]] = {}     # load() argument -> (checked, rb)
_shipped_dir = lru_cache(maxsize=1)(lambda: shipped_rules_dir())
compiled.on_clear(_by_stamp.clear)
compiled.on_clear(_recent.clear)
compiled.on_clear(_shipped_dir.cache_clear)


def _stamp(folder: Path) -> tuple[Any, ...] | None:
    """Name, size, mtime and inode of every file in the folder; None when a file changed in the
    last 2 s, since a rewrite within the clock's tick keeps the mtime (git's "racy" rule)."""
    try:
        where = os.path.abspath(folder)
        files = sorted((e.name, s.st_size, s.st_mtime_ns, s.st_ino)
                       for e in os.scandir(where) if e.is_file() and (s := e.stat()))
    except OSError:
        return None
    if not files or time.time_ns() - max(f[2] for f in files) < 2_000_000_000:
        return None
    return where, tuple(files)


def _file_stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _read(folder: Path, links: list[tuple[Path, tuple | None]] | None = None) -> RuleBase:
    """Read and hash the rule files; parse them unless the same content was parsed before.
    The files outside the folder that its data files point to (`Schema.linked`) are hashed
    too, and listed in `links` with their stamps (taken before reading them)."""
    if not folder.is_dir():
        raise RuleBaseError([Problem("is not a folder of rule files", source=str(folder))])
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    digest = hashlib.sha256()
    texts = {}
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise RuleBaseError([Problem(f"cannot be read: {exc.strerror}", source=str(file))])
        # line endings normalised: a Windows checkout of the same rules has the same identity
        digest.update(file.name.encode() + b"\0" + data.replace(b"\r\n", b"\n") + b"\0")
        texts[file.name] = data
    digest.update(linked_digest(folder, texts, links).encode())
    base = _extended_base(texts.get("rulebase.yaml", b""), folder)
    if base is not None:                 # an overlay's identity includes the rule base it extends
        digest.update(b"extends\0" + _read(base, links).digest.encode())
    return _load_cached(str(folder), digest.hexdigest(), tuple(sorted(texts.items())))


def pointer(texts: Mapping[str, bytes], file: str, *keys: str) -> str | None:
    """The text at `keys` in the raw data file `file` (None if absent or unreadable): how a
    schema's `linked` finds the files its data files point to."""
    try:
        value = parsed(texts[file], _parse_yaml) if file in texts else None
    except (yaml.YAMLError, UnicodeDecodeError, AliasesUsed):
        return None
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def linked_digest(folder: Path, texts: Mapping[str, bytes],
                  links: list[tuple[Path, tuple | None]] | None = None) -> str:
    """The hash of the files outside `folder` that its data files point to (claims data reads
    the effort tables in ../effort.yaml; the advice rule base reads claims/editions.yaml): a
    change there is a new rule base. "" when there are none."""
    try:
        meta = strict_yaml.load(texts.get("rulebase.yaml", b"").decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return ""                        # the loader reports it
    kind = meta.get("kind", "advice") if isinstance(meta, dict) else "advice"
    hook = schema(kind).linked if isinstance(kind, str) and kind in SCHEMA_MODULES else None
    paths = hook(texts, folder) if hook is not None else []
    if not paths:
        return ""
    digest = hashlib.sha256()
    for path in paths:
        stamp = _file_stamp(path)
        try:
            data = path.read_bytes()
        except OSError:
            data, stamp = b"\0missing", None
        if links is not None:
            links.append((path, stamp))
        digest.update(path.name.encode() + b"\0" + data + b"\0")   # the same wherever installed
    return digest.hexdigest()


EXTENDS = {"shipped": lambda: shipped_rules_dir()}      # `extends:` names -> base folder


def _extended_base(meta_text: bytes, folder: Path) -> Path | None:
    """The folder a rule base's `extends:` names, if it names one that is not itself."""
    try:
        meta = strict_yaml.load(meta_text.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    name = meta.get("extends") if isinstance(meta, dict) else None
    if not isinstance(name, str) or name not in EXTENDS:
        return None
    base = EXTENDS[name]()
    return None if os.path.abspath(base) == os.path.abspath(folder) else base


def merge_data(base: Any, overlay: Any) -> Any:
    """An overlay's data file laid over its base's: mappings merge key by key; lists of entries
    named by `name` or `value` merge entry by entry (the overlay's entry replaces the base's of
    the same name, new ones are appended); anything else is replaced by the overlay's."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = merge_data(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(overlay, list) and all(
            isinstance(e, dict) for e in base + overlay):
        key = next((k for k in ("name", "value") if all(k in e for e in base + overlay)), None)
        if key is not None:
            merged = {e[key]: e for e in base}
            for entry in overlay:
                merged[entry[key]] = entry
            return list(merged.values())
    return overlay


@lru_cache(maxsize=16)
def _load_cached(folder: str, digest: str, texts: tuple[tuple[str, bytes], ...]) -> RuleBase:
    return _Loader(Path(folder), digest, dict(texts)).load()


compiled.on_clear(_load_cached.cache_clear)


class _Loader:
    def __init__(self, folder: Path, digest: str, texts: dict[str, bytes]):
        self.folder, self.digest, self.texts = folder, digest, texts
        self.problems: list[Problem] = []
        self.positions: dict[tuple[str, str], int] = {}     # (file, rule id) -> 1-based position
        self._lines: dict[str, dict[tuple[object, ...], int]] = {}

    def fail(self, message: str, file: str, rule: str | None = None, field: str | None = None,
             suggestions: Iterable[str] = (), valid: str | None = None,
             line: int | None = None) -> None:
        if line is None:
            line = self.line_of(file, rule, field)
        self.problems.append(Problem(message, field=field, source=str(self.folder / file),
                                     location=f"rule {rule}" if rule else None,
                                     suggestions=tuple(suggestions), valid=valid, line=line))

    def line_of(self, file: str, rule: str | None, field: str | None) -> int | None:
        """Where in `file` a rule's field (or a top-level key) is written; only worked out when
        a problem is reported, so a sound rule base never pays for it."""
        if file not in self.texts or (rule is None and field is None):
            return None
        if file not in self._lines:
            try:
                self._lines[file] = strict_yaml.lines(self.texts[file].decode("utf-8"))
            except UnicodeDecodeError:
                self._lines[file] = {}
        base: tuple[object, ...] = ()
        if rule is not None:
            position = self.positions.get((file, rule))
            if position is None:
                return None
            base = ("rules", position - 1)
        return strict_yaml.line_of(self._lines[file], base, field)

    def parse_yaml(self, name: str) -> Any:
        data = self.texts[name]
        if len(data) > MAX_FILE_BYTES:
            self.fail(f"is larger than {MAX_FILE_BYTES} bytes", name)
            return None
        try:
            return parsed(data, _parse_yaml)
        except strict_yaml.StrictYAMLError as exc:
            for line, rule, where, message in exc.found:
                self.fail(message, name, rule, re.sub(r"^rules\[\d+\]\.", "", where) if rule
                          else where, line=line)
            return exc.data             # the rest of the file is still checked
        except UnicodeDecodeError:
            self.fail("is not UTF-8 text", name)
        except AliasesUsed as exc:
            self.fail(str(exc), name)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            self.fail(f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}", name,
                      line=mark.line + 1 if mark else None)
        return None

    # -- top level ------------------------------------------------------------------------
    def load(self) -> RuleBase:
        if "rulebase.yaml" not in self.texts:
            self.fail("is missing: every rule base needs a rulebase.yaml with its version",
                      "rulebase.yaml")
            raise RuleBaseError(self.problems)
        meta = self.parse_yaml("rulebase.yaml") or {}
        if not isinstance(meta, dict):
            self.fail("must be a mapping with version, sets and facts", "rulebase.yaml")
            meta = {}
        keys = ["version", "kind", "name", "description", "sets", "facts", "extends", "disable"]
        for key in set(meta) - set(keys):
            self.fail(f"unknown key '{key}'", "rulebase.yaml", suggestions=closest(key, keys))
        kind = meta.get("kind", "advice")
        if kind not in SCHEMA_MODULES:
            self.fail(f"unknown kind '{kind}'", "rulebase.yaml", field="kind",
                      suggestions=closest(str(kind), SCHEMA_MODULES),
                      valid=", ".join(SCHEMA_MODULES))
            kind = "advice"
        self.schema = schema(kind)
        version = meta.get("version")
        if not isinstance(version, (str, int, float)) or not str(version).strip():
            self.fail("needs a version, for example \"2026.11\"", "rulebase.yaml", field="version")
        base_meta = self.extend(meta)
        if base_meta:
            meta = {**meta, "sets": {**(base_meta.get("sets") or {}), **(meta.get("sets") or {})},
                    "facts": {**(base_meta.get("facts") or {}), **(meta.get("facts") or {})}}
        self.sets = self.load_sets(meta.get("sets") or {})
        data_files: dict[str, Any] = {}
        base_data: dict[str, Any] = {}
        rule_files: dict[str, Any] = {}
        for name in self.texts:
            plain = Path(name).name
            if plain != "rulebase.yaml":
                data = self.parse_yaml(name)
                if plain not in self.schema.data_files:
                    rule_files[name] = data
                else:
                    (data_files if plain == name else base_data)[plain] = data
        for name, data in base_data.items():       # an overlay's data lies over its base's
            data_files[name] = merge_data(data, data_files[name]) if name in data_files else data
        for name, validate in self.schema.data_files.items():
            if name not in data_files:
                if validate is not None:
                    self.fail(f"is missing: a '{kind}' rule base needs it", name)
            elif validate is not None:
                for problem in validate(data_files[name], self.folder):
                    self.fail(problem, name)
        context = Context(self.schema.types)
        if self.schema.context is not None:
            context, problems = self.schema.context(data_files, self.folder)
            for file, problem in problems:
                self.fail(problem, file)
        self.context = context
        self.facts = self.load_facts(meta.get("facts") or {})
        self.types = dict(context.types)
        for spec in self.facts.values():
            self.types[spec.name] = FieldType(spec.kind, spec.values)

        rules: list[Rule] = []
        base_rules: list[Rule] = []
        for name, data in rule_files.items():
            if data is None:
                continue
            if not isinstance(data, dict) or set(data) - {"rules"} or not isinstance(
                    data.get("rules"), list):
                self.fail("must be a mapping with one key, 'rules', holding a list of rules", name)
                continue
            for position, raw in enumerate(data["rules"], 1):
                rule = self.load_rule(raw, name, position)
                if rule:
                    (rules if Path(name).name == name else base_rules).append(rule)
        if not rules and not base_rules and not self.problems:
            self.fail("no rule file holds any rules: a rule base needs at least one file with "
                      "'rules:' (an empty folder, or a file caught while being written?)",
                      "rulebase.yaml")
        self.check_unique(rules)
        if base_meta:
            self.check_unique(base_rules)
            rules = self.overlay(base_rules, rules, meta.get("disable") or [])
        elif meta.get("disable"):
            self.fail("only a rule base that extends another can disable rules", "rulebase.yaml",
                      field="disable")
        instances = self.expand(rules)
        strata = self.stratify(instances)
        changelog = self.folder / "CHANGELOG.md"
        if self.problems:
            raise RuleBaseError(self.problems)
        return RuleBase(self.folder, str(version), self.digest[:16], self.facts, rules,
                        [i for layer in strata for i in layer], strata,
                        data_files.get("effort.yaml") or {}, self.sets,
                        changelog.read_text("utf-8") if changelog.is_file() else "", kind,
                        data_files, self.types, context, "sha256:" + self.digest)

    def extend(self, meta: dict[str, Any]) -> dict[str, Any] | None:
        """Add the texts of the rule base `extends:` names; its rulebase.yaml, or None."""
        name = meta.get("extends")
        if name is None:
            return None
        if name not in EXTENDS:
            self.fail(f"cannot extend '{name}'", "rulebase.yaml", field="extends",
                      valid=", ".join(EXTENDS))
            return None
        base = EXTENDS[name]()
        if os.path.abspath(base) == os.path.abspath(self.folder):
            self.fail("a rule base cannot extend itself", "rulebase.yaml", field="extends")
            return None
        for file in sorted(base.glob("*.yaml")) + sorted(base.glob("*.yml")):
            self.texts[str(file)] = file.read_bytes()
        base_meta = self.parse_yaml(str(base / "rulebase.yaml")) or {}
        del self.texts[str(base / "rulebase.yaml")]
        return base_meta if isinstance(base_meta, dict) else {}

    def overlay(self, base: list[Rule], own: list[Rule], disable: Any) -> list[Rule]:
        """The base's rules, each replaced by the overlay's rule of the same id, less the ones
        `disable:` names, then the overlay's new rules."""
        if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
            self.fail("must be a list of rule ids", "rulebase.yaml", field="disable")
            disable = []
        ids = {r.id for r in base}
        for rule_id in disable:
            if rule_id not in ids:
                self.fail(f"'{rule_id}' is not a rule of the base rule base", "rulebase.yaml",
                          field="disable", suggestions=closest(rule_id, ids))
        mine = {r.id: r for r in own}
        merged = [mine.get(r.id, r) for r in base if r.id not in disable]
        return merged + [r for r in own if r.id not in ids]

    def load_sets(self, raw: Any) -> dict[str, tuple[Any, ...]]:
        if not isinstance(raw, dict):
            self.fail("must map set names to lists of values", "rulebase.yaml", field="sets")
            return {}
        sets = {}
        for name, values in raw.items():
            if not isinstance(values, list) or not values:
                self.fail("must be a non-empty list", "rulebase.yaml", field=f"sets.{name}")
                continue
            sets[str(name)] = tuple(values)
        return sets

    def load_facts(self, raw: Any) -> dict[str, FactSpec]:
        if not isinstance(raw, dict):
            self.fail("must map fact names to their type", "rulebase.yaml", field="facts")
            return {}
        facts = {}
        for name, spec in raw.items():
            where = f"facts.{name}"
            if not isinstance(name, str) or not FACT_NAME.fullmatch(name) or name in RESERVED_FACTS:
                self.fail(f"'{name}' cannot name a fact: use lower-case letters, digits and '_', "
                          "starting with a letter, and none of " + ", ".join(sorted(RESERVED_FACTS))
                          + " (the engines use them)", "rulebase.yaml", field=where)
                continue
            if name in self.context.types:
                self.fail(f"is a {self.schema.noun} field; inferred facts need their own names",
                          "rulebase.yaml", field=where)
                continue
            if not isinstance(spec, dict) or spec.get("type") not in ("bool", "enum", "number"):
                self.fail("needs type: bool, enum or number", "rulebase.yaml", field=where)
                continue
            values = tuple(spec.get("values") or ())
            if spec["type"] == "enum" and not values:
                self.fail("an enum fact needs values", "rulebase.yaml", field=where)
            default = spec.get("default", False if spec["type"] == "bool" else None)
            facts[str(name)] = FactSpec(str(name), spec["type"], values, default,
                                        str(spec.get("description", "")))
        return facts

    # -- one rule -------------------------------------------------------------------------
    def load_rule(self, raw: Any, file: str, position: int) -> Rule | None:
        if not isinstance(raw, dict):
            self.fail(f"rule #{position} must be a mapping", file)
            return None
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id or ""):
            self.fail(f"rule #{position} needs an id of lower-case letters, digits and hyphens",
                      file, field="id", line=strict_yaml.line_of(
                          strict_yaml.lines(self.texts[file].decode("utf-8", "replace")),
                          ("rules", position - 1), "id"))
            return None
        self.positions.setdefault((file, rule_id), position)
        for key in set(raw) - RULE_KEYS:
            self.fail(f"unknown key '{key}'", file, rule_id, key, closest(key, RULE_KEYS))
        for key in ("title", "text", "rationale", "source"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                self.fail("is required (non-empty text)", file, rule_id, key)
        for_each = raw.get("for_each")
        if for_each is not None and for_each not in self.context.for_each:
            self.fail("names nothing to repeat the rule for", file, rule_id, "for_each",
                      closest(str(for_each), self.context.for_each),
                      ", ".join(self.context.for_each) or "none in this kind of rule base")
            for_each = None
        when = self.parse_condition(raw.get("when"), file, rule_id, "when", for_each)
        then = raw.get("then")
        if not isinstance(then, dict):
            self.fail("must be a mapping with one of: " + ", ".join(self.schema.conclusions), file,
                      rule_id, "then")
            then = {}
        texts = [("text", raw.get("text"))] + [(f"then.{k}", v) for k, v in then.items()]
        for key, value in texts:
            problem = template_problem(value) if isinstance(value, str) else None
            if problem:
                self.fail(problem, file, rule_id, key)
        examples = raw.get("examples")
        if not isinstance(examples, dict) or not examples.get("fires") or not examples.get("not_fires"):
            self.fail(f"needs 'fires' and 'not_fires' lists of {self.schema.noun} fragments",
                      file, rule_id, "examples")
            examples = {}
        else:
            for kind in ("fires", "not_fires"):
                if not isinstance(examples[kind], list) or not all(
                        isinstance(e, dict) for e in examples[kind]):
                    self.fail(f"must be a list of {self.schema.noun} fragments", file, rule_id,
                              f"examples.{kind}")
            for key in set(examples) - {"fires", "not_fires"}:
                self.fail(f"unknown key '{key}'", file, rule_id, "examples")
        valid_from, valid_until = (self.parse_date(raw.get(k), file, rule_id, k)
                                   for k in ("valid_from", "valid_until"))
        if valid_from and valid_until and valid_until < valid_from:
            self.fail(f"ends ({valid_until}) before it starts ({valid_from})", file, rule_id,
                      "valid_until")
        series = raw.get("series")
        if series is not None and not (isinstance(series, str) and series.strip()):
            self.fail("must be a name shared by the rules that take over from each other", file,
                      rule_id, "series")
            series = None
        rule = Rule(rule_id, str(raw.get("title", "")), file, when or Test("id", "known"), then,
                    str(raw.get("text", "")), str(raw.get("rationale", "")),
                    str(raw.get("source", "")), for_each, examples, valid_from, valid_until,
                    series)
        if when is None:             # report the `then:` problems with the `when:` ones
            first = next(iter(self.context.for_each.get(for_each or "", ())), None)
            if then:
                self.conclusion(rule, first.get(for_each) if first and for_each else None)
            return None
        return rule

    def parse_date(self, value: Any, file: str, rule: str, key: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date; write it as YYYY-MM-DD", file, rule, key)
            return None

    def parse_condition(self, raw: Any, file: str, rule: str, path: str,
                        for_each: str | None) -> Condition | None:
        if not isinstance(raw, dict) or not raw:
            self.fail("must be a non-empty mapping (all:, any:, or field tests)", file, rule, path)
            return None
        items: list[Condition] = []
        for key, value in raw.items():
            where = f"{path}.{key}"
            if key in ("all", "any"):
                if not isinstance(value, list) or not value:
                    self.fail("must be a non-empty list of conditions", file, rule, where)
                    continue
                parts = [self.parse_condition(v, file, rule, f"{where}[{i}]", for_each)
                         for i, v in enumerate(value)]
                found = [part for part in parts if part is not None]
                if len(found) == len(parts):
                    items.append((All if key == "all" else Any_)(tuple(found)))
            else:
                test = self.parse_test(str(key), value, file, rule, where, for_each)
                if test:
                    items.append(test)
        if len(items) != len(raw):
            return None
        return items[0] if len(items) == 1 else All(tuple(items))

    def parse_test(self, name: str, raw: Any, file: str, rule: str, where: str,
                   for_each: str | None) -> Test | None:
        templated = for_each and "{" in name
        ftype = self.types.get(name) if not templated else FieldType("enum", DECISIONS)
        if ftype is None:
            self.fail(f"'{name}' is not a {self.schema.noun} field or a declared fact", file, rule,
                      where, closest(name, self.types))
            return None
        if not isinstance(raw, dict):
            raw = {"eq": raw}
        if len(raw) != 1:
            self.fail("a field test has exactly one operator", file, rule, where, valid=", ".join(OPS))
            return None
        op, value = next(iter(raw.items()))
        if op not in OPS:
            self.fail(f"unknown operator '{op}'", file, rule, where, closest(str(op), OPS),
                      ", ".join(OPS))
            return None
        operator = OPERATORS[op]
        if operator.on_state:
            if value is not True:
                self.fail(f"write '{op}: true'", file, rule, where)
                return None
            return Test(name, op)
        allowed = for_kind(ftype.kind)
        if op not in allowed:
            self.fail(f"operator '{op}' does not apply to {ftype.kind} field '{name}'", file, rule,
                      where, valid=", ".join(allowed))
            return None
        many = operator.many
        if isinstance(value, str) and value.startswith("$"):
            if value[1:] not in self.sets:
                self.fail(f"unknown set '{value}'", file, rule, where,
                          ["$" + s for s in closest(value[1:], self.sets)])
                return None
            value = list(self.sets[value[1:]])
        if many != isinstance(value, list) or (many and not value):
            self.fail(f"'{op}' takes {'a non-empty list' if many else 'one value'}", file, rule,
                      where)
            return None
        values = [self.check_value(v, name, ftype, op, file, rule, where, for_each)
                  for v in (value if many else [value])]
        if any(v is _BAD for v in values):
            return None
        return Test(name, op, tuple(values) if many else values[0])

    def check_value(self, value: Any, name: str, ftype: FieldType, op: str, file: str, rule: str,
                    where: str, for_each: str | None) -> Any:
        if for_each and isinstance(value, str) and "{" in value:
            return value
        if OPERATORS[op].ordered or ftype.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(f"'{value}' is not a number", file, rule, where)
                return _BAD
            return value
        if ftype.kind == "bool":
            if not isinstance(value, bool):
                self.fail(f"'{value}' is not true or false", file, rule, where)
                return _BAD
            return value
        resolver = self.context.resolvers.get(ftype.item)
        if resolver:
            try:
                return resolver(value)
            except ValueError as exc:
                self.fail(str(exc), file, rule, where)
                return _BAD
        if ftype.values and value not in ftype.values:
            self.fail(f"'{value}' is not a valid value of '{name}'", file, rule, where,
                      closest(str(value), ftype.values), ", ".join(ftype.values))
            return _BAD
        return value

    def check_unique(self, rules: list[Rule]) -> None:
        seen: dict[str, str] = {}
        for rule in rules:
            if rule.id in seen:
                self.fail(f"duplicate rule id (also in {seen[rule.id]})", rule.file, rule.id, "id")
            seen.setdefault(rule.id, rule.file)

    # -- conclusions, templates, strata ----------------------------------------------------
    def resolve_standard(self, reference: Any) -> str:
        resolver = self.context.resolvers.get("standard")
        if resolver is None:
            raise ValueError("this kind of rule base names no standards")
        return str(resolver(reference))

    def conclusion(self, rule: Rule, standard: str | None) -> Conclusion | None:
        then = {k: (fill(v, {"standard": standard}) if standard and isinstance(v, str) else v)
                for k, v in rule.then.items()}
        kinds = [k for k in self.schema.conclusions if k in then]
        if len(kinds) != 1:
            self.fail("needs exactly one of: " + ", ".join(self.schema.conclusions), rule.file,
                      rule.id, "then")
            return None
        kind = kinds[0]
        listed = self.schema.conclusions[kind]
        if listed is not None:
            return self.listed_conclusion(rule, kind, then, listed)
        allowed = {"recommend": {"recommend", "standard", "driver"},
                   "limit": {"limit", "standard", "by"}, "infer": {"infer"},
                   "note": {"note", "standard"}, "warn": {"warn"}}[kind]
        for key in set(then) - allowed:
            self.fail(f"unknown key '{key}' for a {kind} conclusion", rule.file, rule.id,
                      f"then.{key}", closest(key, allowed))
        std = None
        if "standard" in then or kind in ("recommend", "limit"):
            try:
                std = self.resolve_standard(then.get("standard"))
            except ValueError as exc:
                self.fail(str(exc), rule.file, rule.id, "then.standard")
                return None
            if std not in self.context.recommendable:
                self.fail(f"{std} is a guidance standard and cannot be recommended", rule.file,
                          rule.id, "then.standard")
                return None
        if kind == "recommend":
            if then["recommend"] not in ("certify", "implement"):
                self.fail("must be certify or implement", rule.file, rule.id, "then.recommend")
            if then.get("driver") not in DRIVERS:
                self.fail("must be one of: " + ", ".join(DRIVERS), rule.file, rule.id, "then.driver",
                          closest(str(then.get("driver")), DRIVERS))
            return Conclusion(kind, std, then["recommend"], then.get("driver"))
        if kind == "limit":
            if then["limit"] not in ("implement", "not_needed"):
                self.fail("a limit caps a decision at 'implement' (covered by another standard) "
                          "or 'not_needed' (not eligible)", rule.file, rule.id, "then.limit")
            by = None
            if then.get("by") is not None:       # a standard, or what the schema calls a scheme
                try:
                    by = self.resolve_standard(then["by"])
                except ValueError as exc:
                    scheme = self.context.resolvers.get("scheme")
                    try:
                        by = scheme(then["by"]) if scheme else None
                    except ValueError:
                        by = None
                    if by is None:
                        self.fail(str(exc), rule.file, rule.id, "then.by")
            return Conclusion(kind, std, then["limit"] if then["limit"] in DECISIONS else
                              "implement", by=by)
        if kind == "infer":
            facts = then["infer"]
            if not isinstance(facts, dict) or not facts:
                self.fail("must map inferred facts to values", rule.file, rule.id, "then.infer")
                return None
            for name, value in facts.items():
                spec = self.facts.get(name)
                if spec is None:
                    self.fail(f"'{name}' is not a declared fact (declare it under facts: in "
                              "rulebase.yaml)", rule.file, rule.id, "then.infer",
                              closest(name, self.facts))
                elif (spec.kind == "bool" and not isinstance(value, bool)) or (
                        spec.kind == "enum" and value not in spec.values):
                    self.fail(f"'{value}' is not a valid value of fact '{name}'", rule.file,
                              rule.id, "then.infer", valid=", ".join(spec.values) or "true, false")
            return Conclusion(kind, facts=tuple(sorted(facts.items())))
        return Conclusion(kind, std)

    def listed_conclusion(self, rule: Rule, kind: str, then: dict[str, Any],
                          spec: Mapping[str, tuple[str, ...]]) -> Conclusion | None:
        """A conclusion whose keys and values the schema lists; the kind's own key is required."""
        count = len(self.problems)
        for key in set(then) - set(spec):
            self.fail(f"unknown key '{key}' for a {kind} conclusion", rule.file, rule.id,
                      f"then.{key}", closest(key, spec))
        for key, allowed in spec.items():
            value = then.get(key)
            if value is None and key != kind:
                continue
            if allowed and value not in allowed:
                self.fail(f"'{value}' is not valid", rule.file, rule.id, f"then.{key}",
                          closest(str(value), allowed), ", ".join(allowed))
            elif not allowed and (not isinstance(value, str) or not value.strip()):
                self.fail("must be non-empty text", rule.file, rule.id, f"then.{key}")
        if len(self.problems) > count:
            return None
        return Conclusion(kind, values=tuple(sorted(then.items())))

    def expand(self, rules: list[Rule]) -> list[RuleInstance]:
        instances: list[RuleInstance] = []
        for rule in rules:
            mappings: list[Mapping[str, str] | None] = (
                list(self.context.for_each.get(rule.for_each, ())) if rule.for_each else [None])
            for mapping in mappings:
                std = mapping.get(rule.for_each) if mapping and rule.for_each else None
                conclusion = self.conclusion(rule, std)
                if conclusion is None:
                    break
                condition = substitute(rule.when, dict(mapping)) if mapping else rule.when
                text = rule.text.replace("{standard}", std) if std else rule.text
                uses = tuple(dict.fromkeys(condition.fields()))
                for name in uses:
                    if name not in self.types:
                        self.fail(f"'{name}' is not a {self.schema.noun} field or a declared "
                                  "fact", rule.file, rule.id, "when", closest(name, self.types))
                key = f"{rule.id}[{std}]" if std else rule.id
                instances.append(RuleInstance(key, rule, 0, 0, condition, conclusion, text, uses))
        return instances

    def stratify(self, instances: list[RuleInstance]) -> list[list[RuleInstance]]:
        """Order rules in layers: a rule runs after every rule that can produce a fact it reads."""
        producers: dict[str, list[int]] = {}
        for n, inst in enumerate(instances):
            c = inst.conclusion
            if c.kind == "infer":
                for name, _ in c.facts:
                    producers.setdefault(name, []).append(n)
            elif c.kind in ("recommend", "limit") and c.standard:
                producers.setdefault(self.context.decision_facts[c.standard], []).append(n)
        level: dict[int, int] = {}
        visiting: set[int] = set()

        def depth(n: int, chain: tuple[str, ...]) -> int:
            if n in level:
                return level[n]
            inst = instances[n]
            if n in visiting:
                self.fail("rules depend on each other in a cycle: " + " -> ".join(chain + (inst.key,)),
                          inst.rule.file, inst.rule.id, "when")
                return 0
            visiting.add(n)
            deps = [p for f in inst.uses for p in producers.get(f, ()) if p != n]
            if any(p == n for f in inst.uses for p in producers.get(f, ())):
                self.fail("a rule cannot read a fact it concludes itself", inst.rule.file,
                          inst.rule.id, "when")
            level[n] = 1 + max((depth(p, chain + (inst.key,)) for p in deps), default=-1)
            visiting.discard(n)
            return level[n]

        for n in range(len(instances)):
            depth(n, ())
        if not instances:
            return []
        # profile fields each rule depends on, through the facts it reads
        closure: dict[int, frozenset[str]] = {}
        for n in sorted(range(len(instances)), key=lambda k: level.get(k, 0)):
            fields: set[str] = set()
            for f in instances[n].uses:
                if f in self.schema.inputs:
                    fields.add(f)
                for p in producers.get(f, ()):
                    if p != n:
                        fields |= closure.get(p, frozenset())
            closure[n] = frozenset(fields)
        layers: list[list[int]] = [[] for _ in range(max(level.values()) + 1)]
        for n in range(len(instances)):
            layers[level[n]].append(n)
        ordered: list[list[RuleInstance]] = []
        index = 0
        for layer in layers:
            ordered.append([])
            for n in layer:
                inst = instances[n]
                ordered[-1].append(RuleInstance(inst.key, inst.rule, index, level[n], inst.condition,
                                                inst.conclusion, inst.text, inst.uses, closure[n]))
                index += 1
        return ordered


_BAD = object()


def parse_yaml_file(path: Path) -> Any:
    """A data file read and parsed the way the loader parses rule files (cached by content)."""
    return parsed(path.read_bytes(), _parse_yaml)


#: Fact names: identifiers, and none the engines use themselves (durable_rules keys every fact
#: by `sid` and `id`, and `$s` hangs it; `$` and `_` start its own and the Python engine's names).
FACT_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
RESERVED_FACTS = frozenset({"sid", "id"})
MAX_NESTING = 100          # far deeper than any rule file; deeper is refused, not recursed into


class AliasesUsed(ValueError):
    """A rule file uses YAML aliases, or its aliases expand to far more than its size."""


def _parse_yaml(data: bytes) -> Any:
    """A rule or data file parsed strictly. Rule files may use no alias at all, of a list, a
    mapping or a scalar alike (a rule is written out where it is read); data files may, within
    a budget on the expanded size, which scalar aliases count against as containers do."""
    value, aliases = strict_yaml.load_counting_aliases(data.decode("utf-8"))
    rule_file = isinstance(value, dict) and "rules" in value
    if rule_file and aliases:
        raise AliasesUsed("uses YAML aliases (*name) or merge keys (<<), which rule files may "
                          "not: write the values out")
    _check_expansion(value, 16 * len(data) + 1_000_000, shared_ok=not rule_file)
    return value


def _check_expansion(value: Any, budget: int, shared_ok: bool) -> None:
    """Raise AliasesUsed if the parsed value, with every alias expanded, holds more than `budget`
    items and characters, or (`shared_ok` false: a rule file) uses an alias of a list or mapping
    at all. A 1 KB file of nested aliases ("billion laughs") is a few containers here, but would
    expand to gigabytes in every copy made of it (the parsed-file cache, the rule texts); libyaml
    cannot refuse aliases while parsing, so the value is walked, and the walk stops at the
    budget. Data files may repeat a list with an alias; rule files are written out."""
    seen: set[int] = set()
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1 + (len(item) if isinstance(item, str) else 0)
        if budget < 0:
            raise AliasesUsed("holds far more than its size once its YAML aliases (*name) are "
                              "expanded: write the values out")
        if not isinstance(item, (list, dict)):
            continue
        if id(item) in seen and not shared_ok:
            raise AliasesUsed("uses YAML aliases (*name) or merge keys (<<), which rule files may "
                              "not: write the values out")
        if depth > MAX_NESTING:
            raise AliasesUsed(f"is nested more than {MAX_NESTING} levels deep")
        seen.add(id(item))
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)


def rule_file_schema(rb: "RuleBase") -> dict[str, Any]:
    """The JSON Schema of a rule file (`rules:` and its rules) of `rb`'s kind, naming the fields
    and declared facts a `when:` may test, so an editor checks rule files while they are typed."""
    spec = schema(rb.kind)
    value = {"type": ["string", "number", "boolean"]}
    many = {"oneOf": [{"type": "array", "minItems": 1, "items": value},
                      {"type": "string", "pattern": r"^\$[A-Za-z0-9_]+$"}]}
    operators = {name: ({"const": True} if op.on_state else many if op.many else value)
                 for name, op in OPERATORS.items()}
    test = {"description": "`field: value` (equals) or `field: {operator: value}`",
            "oneOf": [value, {"type": "object", "minProperties": 1, "maxProperties": 1,
                              "properties": operators, "additionalProperties": False}]}
    conditions = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
    condition = {"type": "object", "minProperties": 1,
                 "properties": {"all": conditions, "any": conditions,
                                **{name: {"$ref": "#/$defs/test"} for name in sorted(rb.types)}},
                 "patternProperties": {r"\{": {"$ref": "#/$defs/test"}},
                 "additionalProperties": False}
    listed = [_closed({key: ({"enum": list(allowed)} if allowed else
                             {"type": "string", "minLength": 1})
                       for key, allowed in keys.items()}, [kind])
              for kind, keys in spec.conclusions.items() if keys is not None]
    if spec.conclusions and any(v is None for v in spec.conclusions.values()):
        text = {"type": "string", "minLength": 1}
        then = {"oneOf": [
            _closed({"recommend": {"enum": ["certify", "implement"]}, "standard": text,
                     "driver": {"enum": list(DRIVERS)}}, ["recommend", "standard", "driver"]),
            _closed({"limit": {"enum": ["implement", "not_needed"]}, "standard": text, "by": text},
                    ["limit", "standard"]),
            _closed({"infer": {"type": "object", "minProperties": 1}}, ["infer"]),
            _closed({"note": {"const": True}, "standard": text}, ["note"]),
            _closed({"warn": {"const": True}}, ["warn"]), *listed]}
    else:
        then = {"oneOf": listed}
    fragments = {"type": "array", "minItems": 1, "items": {"type": "object"}}
    text = {"type": "string", "minLength": 1}
    rule = _closed({
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$",
               "description": "Stable id, cited in every output."},
        "title": text, "text": text, "rationale": text, "source": text,
        "for_each": {"enum": sorted(rb.context.for_each) if rb.context else []},
        "when": {"$ref": "#/$defs/condition"}, "then": then,
        "examples": _closed({"fires": fragments, "not_fires": fragments}, ["fires", "not_fires"]),
        "valid_from": {"type": "string", "format": "date",
                       "description": "First day the rule holds (YYYY-MM-DD)."},
        "valid_until": {"type": "string", "format": "date",
                        "description": "Last day the rule holds (YYYY-MM-DD)."},
        "series": {"type": "string", "minLength": 1,
                   "description": "Rules that take over from each other as dates pass; their "
                                  "dates leave no gap and no overlap."},
    }, ["id", "title", "when", "then", "text", "rationale", "source", "examples"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"iso-advisor rule file ({rb.kind})",
        "type": "object", "required": ["rules"], "additionalProperties": False,
        "properties": {"rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}}},
        "$defs": {"rule": rule, "condition": condition, "test": test},
    }


def _closed(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}
