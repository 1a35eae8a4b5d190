"""Which engine runs the rules, decided here and nowhere else.

durable_rules (`advisor.engines.durable`, the only importer of durable) stays the default wherever it
imports; where it cannot (Python 3.13+, or installed without it) the pure-Python evaluator
(`advisor.engines.python`) runs the same rules with the same results. The library never prints:
callers that talk to people (the CLI) show `fallback_notice()` once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Union

from advisor.errors import EngineError, Problem, closest
from advisor.kernel import compiled

if TYPE_CHECKING:    # the engines and the rule base load on first use: `--help` needs only names
    from advisor.engines.durable import DurableEngine
    from advisor.engines.python import PythonEngine
    from advisor.kernel.rulebase import RuleBase

ENGINES = ("durable", "python")
ENV = "ISO_ADVISOR_ENGINE"          # the command line's default for --engine
Engine = Union["DurableEngine", "PythonEngine"]


def available_engines() -> tuple[str, ...]:
    """The engines that can run here (python always; durable where it imports)."""
    from advisor.engines import durable
    return tuple(name for name in ENGINES if name == "python" or durable.available())


def default_name() -> str:
    """The engine used when none is chosen: durable where it imports, else python."""
    from advisor.engines import durable
    return "durable" if durable.available() else "python"


def fallback_notice() -> str | None:
    """What to tell a person once when the default fell back to python (None if it did not)."""
    from advisor.engines import durable
    reason = durable.unavailable_reason()
    if reason is None:
        return None
    return (f"{reason}; using the built-in Python evaluator, which gives the same results "
            f"(choose it with --engine python or {ENV}=python to silence this note)")


def resolve(name: str | None) -> str:
    """A valid engine name that can run here, or an EngineError saying why not and what to do."""
    from advisor.engines import durable
    if name is None:
        return default_name()
    if name not in ENGINES:
        raise EngineError([Problem(f"unknown engine '{name}'", field="engine",
                                   suggestions=closest(name, ENGINES), valid=", ".join(ENGINES))])
    reason = durable.unavailable_reason() if name == "durable" else None
    if reason:
        raise EngineError([Problem(
            f"the durable engine cannot run: {reason}. Use the Python evaluator, which gives the "
            "same results (engine='python', or --engine python), or install durable-rules "
            "2.0.28 on Python 3.10 to 3.12 (it needs a C compiler)")])
    return name


def engine_for(rulebase: RuleBase, name: str | None = None) -> Engine:
    """The engine `name` (default: `default_name()`) for this rule base, built once per content."""
    from advisor.engines import durable
    from advisor.engines.python import PythonEngine
    if resolve(name) == "durable":
        return durable.engine_for(rulebase)
    # kept with the rule base's derived state, for the rule bases used last
    engine: PythonEngine = compiled.of(rulebase).engine("python", lambda: PythonEngine(rulebase))
    return engine
