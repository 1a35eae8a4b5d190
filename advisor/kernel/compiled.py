"""Everything worked out from a rule base, owned in one place and keyed by its content.

A loaded rule base is data. What the advisor derives from it to run fast (the engines, the
lookup tables of the what-if, the checker's producers, the claims' prepared lists) lives in
one `CompiledRuleBase` per content digest, kept for the KEEP rule bases used last: a process
that reloads edited rule bases does not pile them up, and the same content loaded twice shares
one. Caches that are not per rule base (the loader's folder stamps, parsed data files, lookups
of the shipped catalog) register how to empty themselves with `on_clear`, so `clear()` empties
every cache of the process at once: tests and long-running servers need no list of them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from advisor.kernel.rulebase import RuleBase

T = TypeVar("T")

#: Rule bases (contents) whose derived state is kept; durable_rules keeps as many engines live.
KEEP = 8


class CompiledRuleBase:
    """The derived state of one rule base content: named tables and engines, each built once
    on first use. Building is outside any lock (two threads may both build; one result is
    kept), so a slow build never blocks users of other rule bases."""

    def __init__(self, digest: str):
        self.digest = digest
        self._tables: dict[Any, Any] = {}
        self._engines: dict[str, Any] = {}

    def table(self, key: Any, build: Callable[[], T]) -> T:
        """The table `key`, built by `build()` the first time it is asked for."""
        try:
            found: T = self._tables[key]
            return found
        except KeyError:
            return self._tables.setdefault(key, build())  # type: ignore[no-any-return]

    def engine(self, name: str, build: Callable[[], T]) -> T:
        """The engine `name` of this rule base, built by `build()` the first time."""
        try:
            found: T = self._engines[name]
            return found
        except KeyError:
            return self._engines.setdefault(name, build())  # type: ignore[no-any-return]


_lock = threading.Lock()
_compiled: OrderedDict[str, CompiledRuleBase] = OrderedDict()   # digest -> state, last used last
_clearers: list[Callable[[], None]] = []


def of(rb: RuleBase) -> CompiledRuleBase:
    """The derived state of `rb` (by its digest; a dated view has its own)."""
    with _lock:
        state = _compiled.get(rb.digest)
        if state is None:
            state = _compiled[rb.digest] = CompiledRuleBase(rb.digest)
            while len(_compiled) > KEEP:
                _compiled.popitem(last=False)
        else:
            _compiled.move_to_end(rb.digest)
        return state


def on_clear(clear_function: Callable[[], None]) -> Callable[[], None]:
    """Register how a process-wide cache empties itself; `clear()` calls it."""
    with _lock:
        _clearers.append(clear_function)
    return clear_function


def clear() -> None:
    """Forget every rule base's derived state and empty every registered cache: the next call
    loads, parses and compiles again (after rule files change behind a cached stamp, or to
    measure a cold start)."""
    with _lock:
        _compiled.clear()
        clearers = list(_clearers)
    for clear_function in clearers:
        clear_function()
