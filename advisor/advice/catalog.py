"""The standards and answer lists the advisor knows, read from the rule base's data files.

`rules/catalog.yaml` lists the catalog standards (canonical names fixed by the public
contract), guidance standards, related standards outside the catalog and withdrawn ones;
`rules/vocabulary.yaml` lists the closed answer lists (sectors, regulations, goals ...) with the
labels people read and the synonyms they write. This module only reads them: a `Catalog` is
built per rule base (a custom one may add standards and values), and the shipped rule base's is
the default. `resolve()` reads a reference the way people write it (`iso27001`,
`ISO/IEC 27001:2022`, `AS 9100D`, `EN 9100`) and returns the canonical name.

Which catalog is "the" catalog while a profile is read or an assessment built is a context
variable (`using(cat)`), so threads and processes each see their own; the module-level names
(`NAMES`, `BY_NAME`, `resolve` ...) read the active one, the shipped catalog by default.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from advisor.kernel import compiled
from advisor.errors import closest, printable

#: `:2015`, `/2015`, `-2015` at the end of a stripped reference. Written so that it cannot
#: backtrack: it starts only at a separator, and the spaces it scans stop at the next one.
_YEAR = re.compile(r"[:/-]\s*((?:19|20)\d\d)$")
MAX_REFERENCE_CHARS = 100     # longer than any real reference; checked before any regex


@dataclass(frozen=True)
class Standard:
    """One catalog standard, as catalog.yaml describes it."""

    name: str
    title: str
    purpose: str
    codes: tuple[str, ...]              # compact spellings that resolve to this standard
    harmonized_structure: bool = True   # shares the ISO harmonized structure (integrated audits)
    fit_sectors: tuple[str, ...] = ()   # non-empty for sector-specific standards
    revisions: tuple[str, ...] = ()     # edition letters written after a code (AS9100D)
    scheme_owner: str = ""
    certified_by: str = ""
    certification_note: str = ""        # said to a client choosing a body, where the scheme has rules
    audit_time: str = ""

    @property
    def key(self) -> str:
        """A fact-safe identifier, e.g. `iso_iec_27001`."""
        return standard_key(self.name)


def standard_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: what is stored, how it reads, how people also write it."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    terms: tuple[Term, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.terms)


def fold(text: str) -> str:
    """Case, spaces, hyphens and punctuation folded: `Public-Sector` and `public sector` match."""
    return "_".join(re.findall(r"[a-z0-9/]+", text.lower()))


# -- reading and checking the data files -------------------------------------------------------

_STANDARD_KEYS = {"name": str, "title": str, "purpose": str, "codes": list, "revisions": list,
                  "harmonized_structure": bool, "fit_sectors": list, "scheme_owner": str,
                  "certified_by": str, "certification_note": str, "audit_time": str}
_REQUIRED_STANDARD = ("name", "title", "purpose", "scheme_owner", "certified_by", "audit_time")
_ENTRY_KEYS = {"guidance": ({"name": str, "why": str, "codes": list}, ("name", "why")),
               "related": ({"name": str, "is": str, "see": str, "codes": list},
                           ("name", "is", "see")),
               "withdrawn": ({"name": str, "text": str, "replaced_by": str, "codes": list},
                             ("name", "text", "replaced_by"))}
_TERM_KEYS = {"value": str, "label": str, "synonyms": list, "description": str}


def _check_entry(entry: Any, where: str, keys: dict[str, type], required: tuple[str, ...]
                 ) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: must be a mapping with {', '.join(required)}"]
    problems = []
    for key, value in entry.items():
        if key not in keys:
            hint = closest(str(key), keys)
            problems.append(f"{where}: unknown key '{key}'" + (f" (did you mean '{hint[0]}'?)"
                                                                if hint else ""))
        elif not isinstance(value, keys[key]):
            problems.append(f"{where}.{key}: must be {keys[key].__name__}, not "
                            f"{type(value).__name__}")
        elif keys[key] is list and not all(isinstance(v, str) for v in value):
            problems.append(f"{where}.{key}: must be a list of text (quote numbers and yes/no)")
    problems += [f"{where}.{key}: is required" for key in required
                 if not (isinstance(entry.get(key), str) and entry[key].strip())]
    return problems


def catalog_problems(data: Any, sectors: tuple[str, ...] = ()) -> list[str]:
    """Problems with a catalog.yaml, as messages (`sectors`: the valid fit_sectors, if known)."""
    if not isinstance(data, dict):
        return ["must be a mapping with standards (and guidance, related, withdrawn)"]
    problems = [f"unknown key '{key}'" for key in data
                if key not in ("reference_prefixes", "standards", "messages", *_ENTRY_KEYS)]
    messages = data.get("messages") or {}
    if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
        problems.append("messages: must map message names to text")
    elif "deadline_gap" not in messages:
        problems.append("messages.deadline_gap: is required")
    if not isinstance(data.get("standards"), list) or not data["standards"]:
        return problems + ["standards: must be a non-empty list"]
    names: dict[str, str] = {}
    for n, entry in enumerate(data["standards"], 1):
        where = f"standards[{n}]" + (f" ({entry.get('name')})" if isinstance(entry, dict) else "")
        problems += _check_entry(entry, where, _STANDARD_KEYS, _REQUIRED_STANDARD)
        if isinstance(entry, dict) and sectors:
            problems += [f"{where}.fit_sectors: '{s}' is not a sector (valid: "
                         f"{', '.join(sectors)})" for s in entry.get("fit_sectors") or ()
                         if s not in sectors]
    for section, (keys, required) in _ENTRY_KEYS.items():
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"{section}: must be a list")
            continue
        for n, entry in enumerate(entries, 1):
            problems += _check_entry(entry, f"{section}[{n}]", keys, required)
    if problems:
        return problems
    catalog = Catalog(data, {})
    for section in ("standards", *_ENTRY_KEYS):
        for entry in data.get(section) or []:
            key = standard_key(entry["name"])
            if key in names:
                problems.append(f"{section}: '{entry['name']}' is listed twice (also in "
                                f"{names[key]})")
            names[key] = section
    for code, owner in catalog.clashes:
        problems.append(f"code '{code}' names both {owner[0]} and {owner[1]}")
    for section in ("related", "withdrawn"):
        field_name = "see" if section == "related" else "replaced_by"
        for entry in data.get(section) or []:
            if entry[field_name] not in catalog.BY_NAME:
                problems.append(f"{section}.{entry['name']}.{field_name}: '{entry[field_name]}' "
                                "is not a catalog standard")
    return problems


def vocabulary_problems(data: Any) -> list[str]:
    """Problems with a vocabulary.yaml, as messages."""
    if not isinstance(data, dict) or not isinstance(data.get("vocabularies"), dict):
        return ["must be a mapping with vocabularies (and country_aliases)"]
    problems = [f"unknown key '{key}'" for key in data
                if key not in ("vocabularies", "country_aliases")]
    aliases = data.get("country_aliases") or {}
    if not isinstance(aliases, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        problems.append("country_aliases: must map text to ISO 3166-1 alpha-2 codes")
    for name, vocab in data["vocabularies"].items():
        if not isinstance(vocab, dict) or not isinstance(vocab.get("values"), list) or not vocab[
                "values"]:
            problems.append(f"vocabularies.{name}: needs values, a non-empty list")
            continue
        problems += [f"vocabularies.{name}: unknown key '{k}'" for k in vocab
                     if k not in ("description", "values")]
        seen: dict[str, str] = {}
        for n, term in enumerate(vocab["values"], 1):
            where = f"vocabularies.{name}.values[{n}]"
            found = _check_entry(term, where, _TERM_KEYS, ("value",))
            problems += found
            if found:
                continue
            if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", term["value"]):
                problems.append(f"{where}.value: '{term['value']}' must be lower-case letters, "
                                "digits and underscores")
            for written in (term["value"], term.get("label", ""), *term.get("synonyms", ())):
                key = fold(written)
                if key and seen.get(key, term["value"]) != term["value"]:
                    problems.append(f"{where}: '{written}' also names '{seen[key]}'")
                seen.setdefault(key, term["value"])
    return problems


# -- the catalog -------------------------------------------------------------------------------

class Catalog:
    """The standards and vocabularies of one rule base."""

    def __init__(self, catalog: dict, vocabulary: dict):
        self.prefixes = tuple(catalog.get("reference_prefixes") or ())
        self.messages: dict[str, str] = dict(catalog.get("messages") or {})
        self.STANDARDS: tuple[Standard, ...] = tuple(
            Standard(e["name"], e["title"], e["purpose"],
                     tuple(e.get("codes") or ()),
                     e.get("harmonized_structure", True), tuple(e.get("fit_sectors") or ()),
                     tuple(e.get("revisions") or ()), e.get("scheme_owner", ""),
                     e.get("certified_by", ""), e.get("certification_note", ""),
                     e.get("audit_time", ""))
            for e in catalog["standards"])
        self.BY_NAME = {s.name: s for s in self.STANDARDS}
        self.BY_KEY = {s.key: s for s in self.STANDARDS}
        self.NAMES = tuple(self.BY_NAME)
        self.GUIDANCE: dict[str, str] = {e["name"]: e["why"] for e in catalog.get("guidance") or ()}
        self.RELATED: dict[str, dict] = {e["name"]: e for e in catalog.get("related") or ()}
        self.WITHDRAWN: dict[str, dict] = {e["name"]: e for e in catalog.get("withdrawn") or ()}
        self.clashes: list[tuple[str, tuple[str, str]]] = []
        self._codes: dict[str, str] = {}          # compact spelling -> name
        self._revised: list[tuple[str, str, tuple[str, ...]]] = []
        for section in (catalog["standards"], catalog.get("guidance") or (),
                        catalog.get("related") or (), catalog.get("withdrawn") or ()):
            for entry in section:
                for code in (self.compact(entry["name"]), *(c.upper() for c in entry.get("codes") or ())):
                    if self._codes.setdefault(code, entry["name"]) != entry["name"]:
                        self.clashes.append((code, (self._codes[code], entry["name"])))
                if entry.get("revisions"):
                    self._revised += [(c.upper(), entry["name"], tuple(entry["revisions"]))
                                      for c in entry.get("codes") or ()]
        self.OBSOLETE = {code: self.WITHDRAWN[name]["text"] for code, name in self._codes.items()
                         if name in self.WITHDRAWN}
        self.vocabularies: dict[str, Vocabulary] = {}
        self._written: dict[str, dict[str, str]] = {}
        for name, vocab in (vocabulary.get("vocabularies") or {}).items():
            terms = tuple(Term(t["value"], t.get("label") or t["value"].replace("_", " "),
                               tuple(t.get("synonyms") or ()), t.get("description", ""))
                          for t in vocab["values"])
            self.vocabularies[name] = Vocabulary(name, vocab.get("description", ""), terms)
            written: dict[str, str] = {}
            for term in terms:
                for text in (term.value, term.label, *term.synonyms):
                    written.setdefault(fold(text), term.value)
            self._written[name] = written
        self.labels = {t.value: t.label for v in self.vocabularies.values() for t in v.terms}
        self.country_aliases = {k.upper(): v.upper()
                                for k, v in (vocabulary.get("country_aliases") or {}).items()}
        self.references = self.NAMES + tuple(self.GUIDANCE) + tuple(self.RELATED)
        #: (standard, the fact holding its decision) for every catalog standard
        self.decision_facts = tuple((s.name, f"decision_{s.key}") for s in self.STANDARDS)
        self._resolve = lru_cache(maxsize=4096)(self._resolve_uncached)

    # -- vocabularies ----------------------------------------------------------------------
    def values(self, vocabulary: str) -> tuple[str, ...]:
        return self.vocabularies[vocabulary].values

    def term(self, vocabulary: str, written: str) -> str | None:
        """The value `written` names in a vocabulary (by value, label or synonym), or None."""
        return self._written[vocabulary].get(fold(written))

    def label(self, value: str) -> str:
        """How a value reads in a sentence (the vocabulary's label; else underscores as spaces)."""
        return self.labels.get(value) or value.replace("_", " ")

    # -- standard references ---------------------------------------------------------------
    def compact(self, text: str) -> str:
        text = strip_edition(text.upper())[0]
        text = re.sub(r"[^A-Z0-9-]", "", text)
        changed = True
        while changed:
            changed = False
            for prefix in self.prefixes:
                if text.startswith(prefix) and len(text) > len(prefix) and (
                        text[len(prefix)].isdigit() or text[len(prefix):].startswith(self.prefixes)):
                    text, changed = text[len(prefix):], True
        return text.strip("-")

    def _lookup(self, compact: str) -> str | None:
        name = self._codes.get(compact)
        if name is not None:
            return name
        for code, name, letters in self._revised:   # AS9100D, EN9100C: a trailing revision letter
            if compact[:-1] == code and compact[-1:] in letters:
                return name
        return None

    def resolve(self, reference: object) -> str:
        """The canonical name for a standard reference (catalog, guidance or related); raises
        ValueError with suggestions if none, or naming the successor of a withdrawn one."""
        if not isinstance(reference, str) or not reference.strip():
            raise ValueError("a standard reference must be a non-empty string")
        if len(reference) > MAX_REFERENCE_CHARS:
            raise ValueError(f"'{printable(reference, 40)}' is {len(reference):,} characters long; "
                             f"a standard reference is at most {MAX_REFERENCE_CHARS}, such as "
                             "'ISO 9001'")
        return self._resolve(reference)

    def _resolve_uncached(self, reference: str) -> str:
        compact = self.compact(reference)
        name = self._lookup(compact)
        if name in self.WITHDRAWN:
            raise ValueError(f"'{printable(reference, 100)}': {self.WITHDRAWN[name]['text']}; "
                             "write the current standard instead")
        if name is None:
            suggestions = closest(reference, self.references) or closest(
                compact, [c for s in self.STANDARDS for c in s.codes])
            hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
            raise ValueError(f"'{printable(reference, 100)}' is not a standard in the catalog{hint} "
                             f"(catalog: {', '.join(self.NAMES)})")
        return name

    def withdrawn_name(self, reference: str) -> str | None:
        """The withdrawn standard a reference names (`OHSAS 18001`), or None."""
        name = self._lookup(self.compact(reference))
        return name if name in self.WITHDRAWN else None

    def guidance_warning(self, name: str) -> str:
        return f"{name} is a guidance standard and cannot be certified: it {self.GUIDANCE[name]}."

    def related_warning(self, name: str) -> str:
        entry = self.RELATED[name]
        return f"{name} is not in the advisor's catalog: it is {entry['is']}. See {entry['see']}."

    def reference_warning(self, name: str) -> str | None:
        """What to tell a user who named a standard the advisor does not advise on, or None."""
        if name in self.GUIDANCE:
            return self.guidance_warning(name)
        if name in self.RELATED:
            return self.related_warning(name)
        return None

    # -- countries -------------------------------------------------------------------------
    def resolve_country(self, value: object) -> str:
        """An ISO 3166-1 alpha-2 code from a code in any case, an alias (`UK`), or an English name."""
        if not isinstance(value, str) or not value.strip():
            raise ValueError("a country must be an ISO 3166-1 alpha-2 code such as 'DE'")
        text = value.strip()
        code = self.country_aliases.get(text.upper(), text.upper())
        table = countries()
        if code in table:
            return code
        by_name = _country_names()
        if text.lower() in by_name:
            return by_name[text.lower()]
        hints = closest(text, list(table.values()))
        hint = "; did you mean " + " or ".join(f"'{by_name[h.lower()]}' ({h})" for h in hints) + "?" if hints else ""
        raise ValueError(f"'{printable(value, 100)}' is not an ISO 3166-1 alpha-2 country code{hint}")


def strip_edition(reference: str) -> tuple[str, str | None]:
    """Split `ISO 9001:2015` into ("ISO 9001", "2015")."""
    reference = reference.strip()
    match = _YEAR.search(reference)
    return (reference[:match.start()].strip(), match.group(1)) if match else (reference, None)


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name (package data, read like the rule files:
    importlib.resources would add 4 ms to every start)."""
    return json.loads((Path(__file__).parent.parent / "data" / "countries.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {name.lower(): code for code, name in countries().items()}


# -- which catalog ----------------------------------------------------------------------------

CATALOG_FILE, VOCABULARY_FILE = "catalog.yaml", "vocabulary.yaml"


def _read(folder: Path, name: str) -> Any:
    from advisor.kernel.rulebase import parse_yaml_file
    return parse_yaml_file(folder / name)


@lru_cache(maxsize=1)
def shipped() -> Catalog:
    """The shipped rule base's catalog (read directly: profiles are read before any rule base)."""
    from advisor.kernel.rulebase import shipped_rules_dir
    folder = shipped_rules_dir()
    return Catalog(_read(folder, CATALOG_FILE), _read(folder, VOCABULARY_FILE))


def from_data(data: dict[str, Any]) -> Catalog:
    """A rule base's catalog from its parsed data files; files it lacks come from the shipped one."""
    cat = data.get(CATALOG_FILE)
    vocab = data.get(VOCABULARY_FILE)
    if cat is None and vocab is None:
        return shipped()
    base = shipped_data()
    return Catalog(cat if cat is not None else base[0], vocab if vocab is not None else base[1])


@lru_cache(maxsize=1)
def shipped_data() -> tuple[dict, dict]:
    from advisor.kernel.rulebase import shipped_rules_dir
    folder = shipped_rules_dir()
    return _read(folder, CATALOG_FILE), _read(folder, VOCABULARY_FILE)


_ACTIVE: contextvars.ContextVar[Catalog | None] = contextvars.ContextVar("catalog", default=None)


def active() -> Catalog:
    """The catalog profiles are read against now: the one `using()` set, else the shipped one."""
    return _ACTIVE.get() or shipped()


@contextlib.contextmanager
def using(cat: Catalog) -> Iterator[Catalog]:
    """Read profiles and build outputs against `cat` inside the block (this thread only)."""
    token = _ACTIVE.set(cat)
    try:
        yield cat
    finally:
        _ACTIVE.reset(token)


def resolve(reference: object) -> str:
    return active().resolve(reference)


def resolve_country(value: object) -> str:
    return active().resolve_country(value)


def guidance_warning(name: str) -> str:
    return active().guidance_warning(name)


_ACTIVE_NAMES = ("STANDARDS", "BY_NAME", "BY_KEY", "NAMES", "GUIDANCE", "RELATED", "WITHDRAWN",
                 "OBSOLETE")


def __getattr__(name: str) -> Any:
    """`catalog.NAMES` and the like: the active catalog's."""
    if name in _ACTIVE_NAMES:
        return getattr(active(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def of(rb: Any) -> Catalog:
    """The catalog of a loaded rule base (its context's payload), else the shipped one."""
    payload = getattr(getattr(rb, "context", None), "payload", None)
    return payload if isinstance(payload, Catalog) else shipped()


def describe() -> list[dict]:
    """The active catalog as data for integrations (`standards --format json`,
    `GET /v1/standards`): the certifiable standards, then the guidance standards with why they
    cannot be certified, then related standards outside the catalog."""
    cat = active()
    return ([{"standard": s.name, "title": s.title, "purpose": s.purpose,
              "harmonized_structure": s.harmonized_structure, "sectors": list(s.fit_sectors),
              "scheme_owner": s.scheme_owner, "certified_by": s.certified_by,
              "audit_time": s.audit_time} for s in cat.STANDARDS]
            + [{"standard": name, "guidance_only": True, "why": why}
               for name, why in cat.GUIDANCE.items()]
            + [{"standard": name, "related_to": entry["see"], "what": entry["is"]}
               for name, entry in cat.RELATED.items()])


for _cached in (countries, _country_names, shipped, shipped_data):   # emptied by advisor.kernel.compiled.clear()
    compiled.on_clear(_cached.cache_clear)
