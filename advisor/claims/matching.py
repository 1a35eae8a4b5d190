"""Text matching for claim checks: body names against dated lists, scopes and sites.

Generic machinery only: which names, words, activities and synonyms exist is data in the claim
rule base (`iaf_mla.yaml`, `schemes.yaml`, `scope_terms.yaml`); what a match means is decided
by the rules that read the facts derived here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case, accents dropped, runs of anything but letters, digits and & made one space."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9&]+", ascii_text.lower()))


def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


# -- names: accreditation bodies, certification bodies, schemes ---------------------------------

@dataclass(frozen=True)
class NameMatch:
    """What a name matched: the entry, and whether the text only borrows the entry's acronym."""

    entry: dict
    lookalike: bool = False
    extra_words: tuple[str, ...] = ()


class NameIndex:
    """Entries found by their names and aliases in free text, longest name first.

    A text names an entry when, once `ignore` words and numbers are set aside, it is one of the
    entry's names. A name of four characters or more may also appear inside a longer text; then
    every other word of the text must be one of the entry's own name words or an ignorable
    word (legal forms, places): otherwise the text borrows a real name around other words and
    the match is marked as a lookalike ("UK Accreditation Services (UKAS) Ltd"). Words of one or
    two letters and words with digits (registration numbers, "D-ZM-12345") are never extra.
    """

    def __init__(self, entries: Iterable[dict], *, ignore: Iterable[str] = (),
                 neutral: Iterable[str] = ()) -> None:
        self.ignore = frozenset(fold(w) for w in ignore)
        self.neutral = frozenset(fold(w) for w in neutral) | self.ignore
        pairs = []
        for entry in entries:
            names = aliases(entry)
            own = frozenset(word for name in names for word in name.split())
            pairs += [(name, entry, own) for name in names]
        self.pairs = tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

    def match(self, text: str) -> NameMatch | None:
        folded = fold(text)
        core = " ".join(w for w in folded.split() if w not in self.ignore and not w.isdigit())
        for name, entry, _ in self.pairs:
            if name in (folded, core):
                return NameMatch(entry)
        for name, entry, own in self.pairs:
            if len(name.replace(" ", "")) >= 4 and f" {name} " in f" {folded} ":
                rest = f" {folded} ".replace(f" {name} ", " ", 1).split()
                extra = tuple(w for w in rest if w not in own and w not in self.neutral
                              and len(w) > 2 and not any(c.isdigit() for c in w))
                return NameMatch(entry, lookalike=bool(extra), extra_words=extra)
        return None


def aliases(entry: Mapping) -> list[str]:
    names = [entry.get("abbr"), entry.get("name"), *(entry.get("aliases") or []),
             *(entry.get("names") or [])]
    return [fold(str(n)) for n in names if n and fold(str(n))]


def same_name(first: str, second: str, ignore: frozenset[str]) -> bool:
    """Two names of one organisation: equal once `ignore` words are set aside, or one holds the
    other (four characters or more) as whole words."""
    a, b = (" ".join(w for w in fold(text).split() if w not in ignore) for text in (first, second))
    short, long_ = sorted((a, b), key=len)
    return bool(short) and (short == long_ or (len(short) >= 4 and f" {short} " in f" {long_} "))


# -- scopes: activities and products ------------------------------------------------------------

@dataclass(frozen=True)
class ScopeReading:
    activities: frozenset[str]
    products: tuple[str, ...]        # concepts of the product words, in order, de-duplicated
    stems: frozenset[str]            # every content word's stem (activity words included)


class ScopeReader:
    """Reads a scope text as activities (exact word forms from data) and products (stemmed,
    grouped by the synonym groups of the data)."""

    def __init__(self, terms: Mapping) -> None:
        self.activity_of: dict[str, str] = {}
        for activity, words in terms["activities"].items():
            for word in words:
                self.activity_of[fold(str(word))] = activity
        self.stopwords = frozenset(fold(str(w)) for w in terms.get("stopwords") or [])
        self.concept_of: dict[str, str] = {}
        for group in terms.get("synonyms") or []:
            head = stem(fold(str(group[0])))
            for word in group:
                self.concept_of.setdefault(stem(fold(str(word))), head)
        self.qualifiers = frozenset(stem(fold(str(w))) for w in terms.get("qualifiers") or [])
        self.covers = {k: frozenset(v) | {k} for k, v in (terms.get("covers") or {}).items()}
        self.product_activity = str(terms["product_activity"])

    def _activity(self, word: str) -> str | None:
        for form in (word, word[:-1] if word.endswith("s") else None,
                     word[:-2] if word.endswith("es") else None,
                     word[:-3] + "y" if word.endswith("ies") else None):
            if form and form in self.activity_of:
                return self.activity_of[form]
        return None

    def read(self, text: str) -> ScopeReading:
        activities, products, stems = set(), [], set()
        for word in fold(text).split():
            if word in self.stopwords or len(word) < 2:
                continue
            activity = self._activity(word)
            stemmed = stem(word)
            if stemmed in self.stopwords:
                continue
            stems.add(stemmed)
            if activity:
                activities.add(activity)
            if stemmed in self.qualifiers:
                continue
            if not activity or stemmed in self.concept_of:   # "machined": activity and product
                products.append(self.concept_of.get(stemmed, stemmed))
        return ScopeReading(frozenset(activities), tuple(dict.fromkeys(products)), frozenset(stems))

    def covered(self, activities: frozenset[str]) -> frozenset[str]:
        result: set[str] = set()
        for activity in activities:
            result |= self.covers.get(activity, frozenset({activity}))
        return frozenset(result)

    def compare(self, scope: str, purchased: str) -> tuple[float | None, list[str], list[str]]:
        """(share of the bought product concepts the scope names, bought activities the scope
        does not cover, activities the scope covers). The share is None when nothing bought is
        a product; the missing activities are empty when the scope names no activity."""
        have, want = self.read(scope), self.read(purchased)
        concepts = {self.concept_of.get(s, s) for s in have.stems}
        share = (round(sum(p in concepts for p in want.products) / len(want.products), 3)
                 if want.products else None)
        wanted = want.activities or frozenset({self.product_activity})
        covered = self.covered(have.activities)
        missing = sorted(wanted - covered) if have.activities else []
        return share, missing, sorted(covered)


def site_matches(site: str, sites: Iterable[str], ignore: frozenset[str]) -> bool:
    """A site is among the certified sites when its words (place names, set aside `ignore`)
    all appear in one certified site's words, or the other way round."""
    def words(text: str) -> frozenset[str]:
        return frozenset(w for w in fold(text).split() if w not in ignore)

    wanted = words(site)
    if not wanted:
        return False
    for certified in sites:
        have = words(certified)
        if have and (wanted <= have or have <= wanted):
            return True
    return False
