"""What an advice rule base (`kind: advice`) reads: the profile's fields, typed from the Profile
model and the rule base's own catalog and vocabularies, and the data files beside the rules.

The kernel's loader asks this module (through `SCHEMA.context`) which fields a `when:` may test
and with which values, which standards `for_each: standard` repeats a rule for, and how a
standard reference resolves. Every answer comes from the data files, so a rule base that adds a
standard, a sector or a regulation in its catalog.yaml or vocabulary.yaml gets rules, checks and
schemas for it with no code change.
"""
from __future__ import annotations

import importlib
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from advisor.advice import catalog, vocabulary
from advisor.advice.certificates import CERTIFICATE_FACTS, editions_path
from advisor.advice.effort import validate as effort_problems
from advisor.advice.models import Profile, Ref, Vocab
from advisor.kernel import compiled
from advisor.kernel.rulebase import CONCLUSIONS, DECISIONS, Context, FieldType, Schema, pointer

DATA_FILES = (catalog.CATALOG_FILE, catalog.VOCABULARY_FILE, "effort.yaml", "planning.yaml",
              "costs.yaml", vocabulary.NACE_FILE)


def _markers(annotation: Any) -> list[Any]:
    """The Vocab and Ref markers inside a field's type, outermost first."""
    found = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, (Vocab, Ref)):
            found.append(arg)
        else:
            found += _markers(arg)
    return found


def _kind(schema: dict) -> str:
    """bool, number, text or list, from a field's JSON Schema (nullable fields: the non-null)."""
    options = schema.get("anyOf") or [schema]
    types = {o.get("type") for o in options} - {"null"}
    if types == {"boolean"}:
        return "bool"
    if types <= {"integer", "number"} and types:
        return "number"
    if types == {"array"}:
        return "list"
    return "text"


@lru_cache(maxsize=1)
def profile_vocabularies() -> tuple[str, ...]:
    """The vocabularies the Profile's fields read, in field order."""
    names = [m.name for info in Profile.model_fields.values()
             for m in _markers(info.annotation) + list(info.metadata) if isinstance(m, Vocab)]
    return tuple(dict.fromkeys(names))


def profile_types(cat: catalog.Catalog) -> dict[str, FieldType]:
    """Every profile field's type, and the decision fact of every catalog standard."""
    with catalog.using(cat):
        properties = Profile.model_json_schema()["properties"]
    types: dict[str, FieldType] = {}
    for name, info in Profile.model_fields.items():
        kind = _kind(properties[name])
        marker = next(iter(_markers(info.annotation) + [m for m in info.metadata
                                                         if isinstance(m, (Vocab, Ref))]), None)
        if isinstance(marker, Vocab):
            values = cat.values(marker.name)
            types[name] = (FieldType("list", values, "enum") if kind == "list"
                           else FieldType("enum", values))
        elif isinstance(marker, Ref) and marker.kind == "standard":
            types[name] = FieldType("list", cat.references, "standard")
        elif isinstance(marker, Ref) and marker.kind == "nace":
            types[name] = FieldType("list", vocabulary.nace_division_codes(), "code")
        elif isinstance(marker, Ref):
            types[name] = FieldType("list", tuple(catalog.countries()), "country")
        else:
            types[name] = FieldType(kind)
    for std in cat.STANDARDS:
        types[f"decision_{std.key}"] = FieldType("enum", DECISIONS)
    # certificates held, as of the assessment date (advisor.advice.certificates)
    types["certificates"] = FieldType("list", cat.NAMES, "standard")
    for name in CERTIFICATE_FACTS:
        types[name] = FieldType("list", cat.NAMES, "standard")
    types["as_of"] = FieldType("text")
    return types


def _scheme_label(cat: catalog.Catalog, reference: Any) -> str:
    """A scheme's name (`EMAS`) from its id, label or a synonym; ValueError if it is none."""
    found = cat.term("schemes", str(reference)) if isinstance(reference, str) else None
    if found is None:
        raise ValueError(f"'{reference}' is not a scheme of the vocabulary")
    return cat.label(found)


def context_of(cat: catalog.Catalog) -> Context:
    return Context(
        types=profile_types(cat),
        for_each={"standard": tuple({"standard": s.name, "standard_key": s.key}
                                    for s in cat.STANDARDS)},
        resolvers={"standard": cat.resolve, "country": cat.resolve_country,
                   "scheme": lambda ref: _scheme_label(cat, ref)},
        recommendable=frozenset(cat.NAMES),
        decision_facts={s.name: f"decision_{s.key}" for s in cat.STANDARDS},
        payload=cat)


@lru_cache(maxsize=1)
def shipped_context() -> Context:
    return context_of(catalog.shipped())


def read_context(data: Mapping[str, Any], folder: Path) -> tuple[Context, list[tuple[str, str]]]:
    """The rule base's catalog and field types; problems with its data files as (file, message)."""
    problems: list[tuple[str, str]] = []
    vocabulary = data.get(catalog.VOCABULARY_FILE)
    if vocabulary is not None:
        problems += [(catalog.VOCABULARY_FILE, p) for p in catalog.vocabulary_problems(vocabulary)]
    sectors = catalog.Catalog({"standards": []}, vocabulary).values("sectors") if (
        vocabulary is not None and not problems) else catalog.shipped().values("sectors")
    if data.get(catalog.CATALOG_FILE) is not None:
        problems += [(catalog.CATALOG_FILE, p)
                     for p in catalog.catalog_problems(data[catalog.CATALOG_FILE], sectors)]
    if catalog.CATALOG_FILE in data and data[catalog.CATALOG_FILE] is None:
        problems.append((catalog.CATALOG_FILE, "is empty"))
    if problems:
        return shipped_context(), problems
    cat = catalog.from_data(data)
    missing = [name for name in profile_vocabularies() if name not in cat.vocabularies]
    if missing:
        return shipped_context(), [(catalog.VOCABULARY_FILE, f"vocabularies.{name}: is missing "
                                    "(the profile reads it)") for name in missing]
    context = shipped_context() if cat is catalog.shipped() else context_of(cat)
    if "effort.yaml" in data:
        with catalog.using(cat):
            problems += [("effort.yaml", p) for p in effort_problems(data["effort.yaml"] or {})]
    with catalog.using(cat):                # roadmap and cost model (optional files)
        for name, module in (("planning.yaml", "advisor.advice.plan"),
                             ("costs.yaml", "advisor.advice.costs")):
            if name in data:
                problems += [(name, p) for p in
                             importlib.import_module(module).validate(data[name], folder)]
    return context, problems


#: Non-ISO scheme advice (`then: {scheme: gmp, level: required}`), listed beside the ISO plan;
#: scheme ids are the `schemes` vocabulary (checked by `rules check`).
SCHEME_LEVELS = ("required", "expected", "alternative")


def _linked(texts: Mapping[str, bytes], folder: Path) -> list[Path]:
    """The edition table planning.yaml points to (claims/editions.yaml, shared with the claim
    check): part of this rule base's identity."""
    relative = pointer(texts, "planning.yaml", "certificates", "editions")
    return [editions_path(folder, relative)] if relative else []


SCHEMA = Schema("advice", "profile", tuple(Profile.model_fields),
                {},                      # types come from each rule base's data: read_context
                {**dict.fromkeys(CONCLUSIONS), "scheme": {"scheme": (), "level": SCHEME_LEVELS}},
                data_files=dict.fromkeys(DATA_FILES),
                context=read_context, linked=_linked)


@lru_cache(maxsize=16)
def _context_cached(cat: catalog.Catalog) -> Context:
    return context_of(cat)


def active_types() -> Mapping[str, FieldType]:
    """The field types under the catalog in use (`catalog.using`), the shipped one by default."""
    cat = catalog.active()
    return (shipped_context() if cat is catalog.shipped() else _context_cached(cat)).types


for _cached in (profile_vocabularies, shipped_context, _context_cached):   # emptied by advisor.kernel.compiled.clear()
    compiled.on_clear(_cached.cache_clear)
