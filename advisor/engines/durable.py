"""The only module that talks to durable_rules.

It follows the measured safe pattern (docs: shared/engineering.md §1): a Host without background
timer threads; fresh definition dicts per registration; every rule's action records the rule's
own key into a trace for its session; a fresh session per evaluation, asserted as one fact,
with a sentinel rule that always fires (deleting a session where nothing fired crashes the
process); traces de-duplicated (`$or` fires once per true branch); swallowed action errors
surfaced; the session deleted in `finally`; one lock so only one session is ever live.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import sys
import threading
from typing import Any, Callable

from advisor.errors import EngineError
from advisor.kernel import compiled
from advisor.kernel.conditions import All, Any_, Condition, Test
from advisor.kernel.operators import OPERATORS, Operator
from advisor.kernel.rulebase import RuleBase, RuleInstance

PAD = "\u241f"                      # a list item no real value equals: keeps `$iall` true on []
UNKNOWN = "_unknown"                 # names of the fields that are null in this fact
MAX_TESTS_PER_RULESET = 40           # one fact matching >~64 conditions fails (error 303)

_lock = threading.Lock()
_sessions = itertools.count(1)
_host = None
_registered: dict[str, "DurableEngine"] = {}


def available() -> bool:
    return unavailable_reason() is None


@functools.lru_cache(maxsize=None)
def unavailable_reason() -> str | None:
    """Why durable_rules cannot run here (None if it can); the import is tried once."""
    try:
        import durable.engine  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "durable":
            return f"durable-rules is installed but incomplete ({exc})"
        newer = " (it does not run on Python 3.13 and newer)" if sys.version_info >= (3, 13) else ""
        return "durable-rules is not installed" + newer
    except Exception as exc:  # ImportError, or the undefined-symbol failure on Python 3.13+
        return f"durable-rules does not import on Python {sys.version.split()[0]} ({exc})"
    return None


def _get_host() -> Any:
    global _host
    if _host is None:
        import durable.engine as de

        class QuietHost(de.Host):  # type: ignore[misc]  # durable_rules ships no types
            """No timer threads: they steal actions from the caller and crash under threads."""

            def _run(self) -> None:
                pass

        _host = QuietHost()
    return _host


def compile_condition(condition: Condition) -> dict[str, Any]:
    """A condition tree as a durable_rules expression on one fact (see conditions.py)."""
    if isinstance(condition, (All, Any_)):
        parts = [compile_condition(c) for c in condition.items]
        return {"$and" if isinstance(condition, All) else "$or": parts}
    return _test(condition.field, OPERATORS[condition.op], condition.value)


#: An order negated is its complement on a known value (`not gt` is `lte`).
_COMPLEMENT = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}


def _relation(field: str, relation: str, negated: bool, constant: Any) -> dict[str, Any]:
    """One relation of the operator table on one constant, in durable's syntax."""
    if relation == "eq":
        return {"$neq": {field: constant}} if negated else {field: constant}
    if relation == "contains":
        if negated:
            return {"$iall": {field: {"$neq": {"$i": constant}}}}
        return {"$iany": {field: {"$i": constant}}}
    if relation in _COMPLEMENT:
        return {f"${_COMPLEMENT[relation] if negated else relation}": {field: constant}}
    raise ValueError(f"durable has no translation of the relation {relation}")  # pragma: no cover


def _test(field: str, operator: Operator, value: Any) -> dict[str, Any]:
    """One test, composed from the table: `many` is any of the constants (negated: none)."""
    if operator.on_state:       # null fields are listed in UNKNOWN (see encode_fact)
        return {"$ex": {field: 1}} if operator.negated else {"$iany": {UNKNOWN: {"$i": field}}}
    if not operator.many:
        return _relation(field, operator.relation, operator.negated, value)
    # never one `$mt` regular expression for a list of values: see _tests
    return {"$and" if operator.negated else "$or":
            [_relation(field, operator.relation, operator.negated, v) for v in value]}


def _tests(condition: Condition) -> int:
    """About how many tests durable holds for a condition (a ruleset must stay below ~64): a
    list of values is one test each. Lists compile to `$or` of equalities, never to one `$mt`
    regular expression, though that would count as one: durable_rules' delete_ruleset does not
    free a ruleset's regular expressions (about 1.2 MB each, measured), so rule bases reloaded
    in a long process would grow without bound."""
    if isinstance(condition, Test):
        return len(condition.value) if OPERATORS[condition.op].many else 1
    return sum(_tests(c) for c in condition.items)


def encode_fact(fact: dict[str, Any], sid: str) -> dict[str, Any]:
    """The logical fact (None = unknown) in the shape the compiled conditions expect."""
    encoded: dict[str, Any] = {"t": "fact", "sid": sid}
    unknown = []
    for name, value in fact.items():
        if value is None:
            unknown.append(name)
        elif isinstance(value, (list, tuple)):
            encoded[name] = [*value, PAD]
        else:
            encoded[name] = _parseable(value) if isinstance(value, float) else value
    encoded[UNKNOWN] = [*unknown, PAD]
    return encoded


def _parseable(value: Any) -> Any:
    """A number durable_rules' JSON parser accepts: it rejects an exponent without a decimal
    point (`1e-05`, error 204). A whole float becomes an int; otherwise the next float away
    from zero, which has a long repr with a point and compares the same with every rule
    constant (no float lies between the two, and a constant equal to `value` would print the
    same unparseable way). Found by tests/test_pyengine.py."""
    if not isinstance(value, float) or "e" not in repr(value) or "." in repr(value):
        return value
    if value.is_integer():
        return int(value)
    while "." not in repr(value):       # one step for normal floats; subnormals may need two
        value = math.nextafter(value, math.copysign(math.inf, value))
    return value


class DurableEngine:
    """Runs one rule base's strata on durable_rules; `fire()` returns the keys that fired.

    Rulesets are named by their content and shared by every engine that has them, so a rule
    base edited and reloaded registers only the rulesets whose rules changed. durable_rules'
    Python API cannot delete a ruleset, but its C extension can (`delete_ruleset`): a ruleset
    is deleted when the last engine using it is retired (engines are kept for the
    MAX_ENGINES rule bases used last), so a long-running process that reloads edited rule
    bases stays bounded. A retired engine that is used again registers its rulesets anew.
    Actions record their position in their ruleset; each engine maps it to its keys.
    """

    name = "durable"

    def __init__(self, rulebase: RuleBase):
        self.rulebase = rulebase
        # per stratum: (ruleset name, rule key per position) for each of its rulesets
        self._rulesets: list[list[tuple[str, list[str]]]] = []
        self._home: dict[str, tuple[int, int]] = {}   # rule key -> (stratum, place of its ruleset)
        self._conditions: dict[str, list[dict[str, Any]]] = {}  # ruleset name -> compiled conditions
        for layer in rulebase.strata:
            rulesets: list[tuple[str, list[str]]] = []
            for chunk in self._chunks(layer):
                conditions = [compile_condition(inst.condition) for inst in chunk]
                name = "c" + hashlib.sha256(json.dumps(conditions, sort_keys=True).encode()
                                            ).hexdigest()[:32]
                self._home.update((inst.key, (len(self._rulesets), len(rulesets))) for inst in chunk)
                rulesets.append((name, [inst.key for inst in chunk]))
                self._conditions[name] = conditions
            self._rulesets.append(rulesets)
        self.retired = True
        with _lock:
            self._acquire()

    def _acquire(self) -> None:
        """Register the rulesets no live engine has yet and count this engine as a user of each
        (the caller holds _lock)."""
        definitions = {name: self._ruleset(conditions) for name, conditions in self._conditions.items()
                       if name not in _users}
        if definitions:
            for name in definitions:         # left behind by a registration that failed
                _delete_ruleset(name)
            try:
                _get_host().register_rulesets(definitions)
            except Exception as exc:
                raise EngineError(f"durable_rules refused the rule base: {exc}") from exc
        for name in self._conditions:
            _users[name] = _users.get(name, 0) + 1
        self.retired = False

    def _release(self) -> None:
        """Stop using this engine's rulesets; delete those no other live engine uses (the
        caller holds _lock, so no session is live)."""
        if self.retired:
            return
        self.retired = True
        for name in self._conditions:
            _users[name] -= 1
            if not _users[name]:
                del _users[name]
                _delete_ruleset(name)

    @staticmethod
    def _chunks(layer: list[RuleInstance]) -> list[list[RuleInstance]]:
        chunks: list[list[RuleInstance]] = [[]]
        size = 0
        for inst in layer:
            tests = _tests(inst.condition)
            if chunks[-1] and size + tests > MAX_TESTS_PER_RULESET:
                chunks.append([])
                size = 0
            chunks[-1].append(inst)
            size += tests
        return [sorted(c, key=lambda inst: inst.index) for c in chunks if c] or [[]]

    @staticmethod
    def _ruleset(conditions: list[dict[str, Any]]) -> dict[str, Any]:
        """A fresh definition (register_rulesets mutates it): rule i fires in position order."""
        definition: dict[str, dict[str, Any]] = {}
        for position, condition in enumerate(conditions):
            definition[f"r{position}"] = {"all": [{"m": condition}], "pri": position,
                                          "run": _action(position)}
        definition["sentinel"] = {"all": [{"m": {"t": "fact"}}], "pri": 2**30,
                                  "run": _action(-1)}
        return definition

    def fire(self, stratum: int, fact: dict[str, Any], only: frozenset[str] | None = None
             ) -> list[str]:
        """Assert `fact` into every ruleset of `stratum`; the keys of the rules that fired, in
        order. With `only`, just the rulesets holding those keys, and only those keys fire."""
        host = _get_host()
        fired: list[str] = []
        rulesets = self._rulesets[stratum]
        if only is not None:
            places = sorted({place for s, place in (self._home.get(k, (-1, 0)) for k in only)
                             if s == stratum})
            rulesets = [rulesets[p] for p in places]
        encoded = encode_fact(fact, "")     # once per stratum (durable_rules only reads it)
        with _lock:
            if self.retired:                 # evicted while a caller still held it
                _keep(self)
            for name, keys in rulesets:
                sid = encoded["sid"] = str(next(_sessions))
                _traces[sid] = []
                try:
                    host.assert_fact(name, encoded)
                except Exception as exc:
                    # No delete_state here: deleting a session in which no action ran crashes
                    # the process; a failed session is left behind instead (about 1.4 MB).
                    _traces.pop(sid, None)
                    message = getattr(exc, "message", None) or str(exc)
                    raise EngineError(f"durable_rules failed in ruleset {name}: {message}") from exc
                try:
                    if sid in _failures:
                        position, failure = _failures.pop(sid)
                        if not isinstance(failure, Exception):   # Ctrl-C, SystemExit: not ours
                            raise failure
                        key = keys[position] if position >= 0 else "sentinel"
                        raise EngineError(f"rule {key} failed in its action: {failure!r}")
                    fired.extend(keys[position] for position in _traces[sid])
                finally:
                    _traces.pop(sid, None)
                    host.delete_state(name, sid)
        if only is not None:
            fired = [key for key in fired if key in only]
        return list(dict.fromkeys(fired))


def _action(position: int) -> Callable[[Any], None]:
    """The action of one rule: record its position in the session's trace.

    durable_rules swallows whatever an action raises, Ctrl-C included (it catches
    BaseException), so a failure is kept aside and raised by fire() instead of being lost.
    """
    def record(c: Any) -> None:
        sid = c.s.sid
        try:
            if position >= 0:
                _traces[sid].append(position)
        except BaseException as exc:  # noqa: B036 - re-raised by fire()
            _failures[sid] = (position, exc)
    return record


_traces: dict[str, list[int]] = {}          # session id -> positions of the rules that fired
_failures: dict[str, tuple[int, BaseException]] = {}   # session id -> (position, error)
_users: dict[str, int] = {}                 # registered ruleset name -> live engines using it
MAX_ENGINES = 8                             # engines (rule base versions) kept live per process


def _delete_ruleset(name: str) -> None:
    """Free a ruleset through the C extension (durable_rules' Host has no method for it).
    Safe only when no session of it is live and nothing will assert into it again: the
    caller holds _lock, and every engine using it has been retired."""
    import durable_rules_engine

    host = _get_host()
    ruleset = host._ruleset_directory.pop(name, None)
    if ruleset is None:
        return
    if ruleset in host._ruleset_list:
        host._ruleset_list.remove(ruleset)
    durable_rules_engine.delete_ruleset(ruleset._handle)


def _keep(engine: DurableEngine) -> None:
    """Make `engine` the most recently used live engine, retiring the least recently used one
    beyond MAX_ENGINES (the caller holds _lock)."""
    digest = engine.rulebase.digest
    if _registered.get(digest) is not engine:
        if engine.retired:
            engine._acquire()
        old = _registered.pop(digest, None)
        if old is not None:
            old._release()
    _registered[digest] = _registered.pop(digest, engine)
    while len(_registered) > MAX_ENGINES:
        _registered.pop(next(iter(_registered)))._release()


@compiled.on_clear
def retire_all() -> None:
    """Retire every engine and delete its rulesets (`advisor.kernel.compiled.clear()`); an
    engine a caller still holds registers its rulesets again when it is used."""
    with _lock:
        while _registered:
            _registered.popitem()[1]._release()


def engine_for(rulebase: RuleBase) -> DurableEngine:
    """One engine per rule base content per process, for the MAX_ENGINES used last."""
    with _lock:
        engine = _registered.get(rulebase.digest)
        if engine is not None:
            _keep(engine)
            return engine
    engine = DurableEngine(rulebase)
    with _lock:
        _keep(engine)
    return engine
