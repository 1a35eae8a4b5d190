"""The standards the advisor knows, and how people write their names.

Canonical names are fixed by the public contract. `resolve()` reads a reference the way people
write it (`iso27001`, `ISO/IEC 27001:2022`, `AS 9100D`, `EN 9100`) and returns the canonical name;
guidance standards resolve too, but are marked as not certifiable.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from advisor.errors import closest, printable


@dataclass(frozen=True)
class Standard:
    name: str
    title: str
    purpose: str
    codes: tuple[str, ...]          # compact spellings that resolve to this standard
    harmonized_structure: bool = True   # shares the ISO harmonized structure (integrated audits)
    fit_sectors: tuple[str, ...] = ()   # non-empty for sector-specific standards

    @property
    def key(self) -> str:
        """A fact-safe identifier, e.g. `iso_iec_27001`."""
        return re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")


STANDARDS: tuple[Standard, ...] = (
    Standard("ISO 9001", "Quality management systems",
             "Consistent products and services, customer satisfaction, continual improvement.",
             ("9001",)),
    Standard("ISO 14001", "Environmental management systems",
             "Control of environmental aspects, legal compliance and environmental performance.",
             ("14001",)),
    Standard("ISO/IEC 27001", "Information security management systems",
             "Risk-based protection of the confidentiality, integrity and availability of information.",
             ("27001",)),
    Standard("ISO 45001", "Occupational health and safety management systems",
             "Preventing work-related injury and ill health; replaced OHSAS 18001.",
             ("45001",)),
    Standard("ISO 13485", "Medical devices: quality management systems for regulatory purposes",
             "Device QMS used for EU MDR/IVDR, MDSAP and (by reference) the US FDA QMSR.",
             ("13485",), fit_sectors=("medical_devices", "healthcare", "pharmaceuticals")),
    Standard("IATF 16949", "Automotive quality management systems",
             "Supplement to ISO 9001 for production and service-part sites supplying car makers.",
             ("IATF16949", "16949"), harmonized_structure=False,
             fit_sectors=("automotive", "manufacturing", "chemicals")),
    Standard("AS9100", "Quality management systems: aviation, space and defence organizations",
             "ISO 9001 plus aerospace requirements; certificates listed in IAQG OASIS.",
             ("AS9100", "EN9100", "JISQ9100", "9100"), harmonized_structure=False,
             fit_sectors=("aerospace_defence", "manufacturing", "automotive", "chemicals")),
    Standard("ISO 22000", "Food safety management systems",
             "Food safety across the food chain; not GFSI-recognised on its own.",
             ("22000",), fit_sectors=("food_beverage", "agriculture", "hospitality", "retail",
                                      "logistics_transport")),
    Standard("FSSC 22000", "Food Safety System Certification 22000",
             "GFSI-recognised scheme: ISO 22000 plus prerequisite programmes and scheme requirements.",
             ("FSSC22000", "FSSC"), harmonized_structure=False,
             fit_sectors=("food_beverage", "agriculture", "logistics_transport")),
    Standard("ISO 50001", "Energy management systems",
             "Systematic energy performance improvement; the certified route of the EU Energy "
             "Efficiency Directive.", ("50001",)),
    Standard("ISO/IEC 27701", "Privacy information management systems",
             "Extends information security to the processing of personal data.", ("27701",)),
    Standard("ISO 22301", "Business continuity management systems",
             "Keeping critical activities running through disruption.", ("22301",)),
    Standard("ISO/IEC 20000-1", "IT service management systems",
             "Planning, delivering and improving IT services (ITIL-aligned).",
             ("20000-1", "20000")),
    Standard("ISO 37001", "Anti-bribery management systems",
             "Preventing, detecting and responding to bribery.", ("37001",)),
    Standard("ISO/IEC 42001", "Artificial intelligence management systems",
             "Responsible development and use of AI systems.", ("42001",)),
    Standard("ISO 55001", "Asset management systems",
             "Getting value from physical assets over their life.", ("55001",)),
    Standard("ISO 21001", "Management systems for educational organizations",
             "Learner-centred management of education and training providers.", ("21001",),
             fit_sectors=("education",)),
    Standard("ISO 39001", "Road traffic safety management systems",
             "Reducing death and serious injury from road traffic.", ("39001",)),
    Standard("ISO 28000", "Security management systems for the supply chain",
             "Security of goods and logistics; supports AEO-type programmes.", ("28000",)),
)

BY_NAME: dict[str, Standard] = {s.name: s for s in STANDARDS}
BY_KEY: dict[str, Standard] = {s.key: s for s in STANDARDS}
NAMES: tuple[str, ...] = tuple(s.name for s in STANDARDS)

#: Guidance standards: accepted as references, never certifiable. Canonical name -> why.
GUIDANCE: dict[str, str] = {
    "ISO 26000": "gives guidance on social responsibility; it has no requirements and ISO and IAF "
                 "state it is not for certification",
    "ISO 31000": "gives risk-management guidelines; IAF Resolution 2017-20 rules out accredited "
                 "certification to it",
    "ISO 9004": "gives guidance for sustained success beyond ISO 9001",
    "ISO 19011": "gives guidelines for auditing management systems",
    "ISO/IEC 27002": "is the control guidance behind ISO/IEC 27001; only ISO/IEC 27001 is certifiable",
    "ISO 22313": "is guidance for ISO 22301",
    "ISO 55000": "is the overview and vocabulary for asset management; certification is to ISO 55001",
    "ISO 55002": "gives guidelines for ISO 55001",
    "ISO 37000": "gives guidance on the governance of organizations",
    "ISO 37002": "gives guidelines for whistleblowing management systems",
    "ISO 14004": "gives guidance for implementing ISO 14001",
    "ISO 45002": "gives guidance for implementing ISO 45001",
    "ISO 50004": "gives guidance for implementing ISO 50001",
    "ISO 9000": "defines quality-management fundamentals and vocabulary",
}
#: Withdrawn references people still write, and what replaced them.
OBSOLETE: dict[str, str] = {
    "OHSAS18001": "OHSAS 18001 was withdrawn and replaced by ISO 45001",
    "18001": "OHSAS 18001 was withdrawn and replaced by ISO 45001",
    "TS16949": "ISO/TS 16949 was replaced by IATF 16949",
    "ISOTS16949": "ISO/TS 16949 was replaced by IATF 16949",
}
_GUIDANCE_CODES = {re.sub(r"\D", "", name.split(" ", 1)[1]): name for name in GUIDANCE}

_PREFIXES = ("ISO", "IEC", "EN", "BS", "DIN", "NF", "UNE", "UNI", "SS", "NEN", "ANSI", "CSA")
_YEAR = re.compile(r"\s*[:/-]\s*(19|20)\d\d\s*$")


def guidance_warning(name: str) -> str:
    return f"{name} is a guidance standard and cannot be certified: it {GUIDANCE[name]}."


def _compact(text: str) -> str:
    text = _YEAR.sub("", text.strip().upper())
    text = re.sub(r"[^A-Z0-9-]", "", text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix) and (
                    text[len(prefix)].isdigit() or text[len(prefix):].startswith(_PREFIXES)):
                text, changed = text[len(prefix):], True
    return text.strip("-")


@lru_cache(maxsize=4096)
def _lookup(compact: str) -> str | None:
    for std in STANDARDS:
        for code in std.codes:
            if compact == code.upper():
                return std.name
            # AS9100D, EN9100C: a trailing revision letter
            if re.fullmatch(re.escape(code.upper()) + r"[A-D]", compact) and code.upper().endswith("9100"):
                return std.name
    return _GUIDANCE_CODES.get(compact)


def resolve(reference: object) -> str:
    """The canonical name for a standard reference; raises ValueError with suggestions if none."""
    if not isinstance(reference, str) or not reference.strip():
        raise ValueError("a standard reference must be a non-empty string")
    return _resolve(reference)


@lru_cache(maxsize=4096)
def _resolve(reference: str) -> str:
    """resolve() for a non-empty string; only found names are cached (errors are raised)."""
    compact = _compact(reference)
    if compact in OBSOLETE:
        raise ValueError(f"'{printable(reference, 100)}': {OBSOLETE[compact]}; write the current "
                         "standard instead")
    name = _lookup(compact)
    if name is None:
        suggestions = closest(reference, NAMES + tuple(GUIDANCE)) or closest(
            _compact(reference), [c for s in STANDARDS for c in s.codes])
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise ValueError(f"'{printable(reference, 100)}' is not a standard in the catalog{hint} "
                         f"(catalog: {', '.join(NAMES)})")
    return name


def strip_edition(reference: str) -> tuple[str, str | None]:
    """Split `ISO 9001:2015` into ("ISO 9001:2015" without year, "2015")."""
    match = re.search(r"[:/-]\s*((19|20)\d\d)\s*$", reference.strip())
    return (reference[:match.start()].strip(), match.group(1)) if match else (reference.strip(), None)


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name (package data, read like the rule files:
    importlib.resources would add 4 ms to every start)."""
    return json.loads((Path(__file__).parents[1] / "data" / "countries.json").read_text("utf-8"))


_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


def resolve_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code from a code in any case, `UK`, or an English country name."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a country must be an ISO 3166-1 alpha-2 code such as 'DE'")
    text = value.strip()
    code = _COUNTRY_ALIASES.get(text.upper(), text.upper())
    table = countries()
    if code in table:
        return code
    by_name = {name.lower(): c for c, name in table.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    hints = closest(text, list(table.values()))
    hint = "; did you mean " + " or ".join(f"'{by_name[h.lower()]}' ({h})" for h in hints) + "?" if hints else ""
    raise ValueError(f"'{printable(value, 100)}' is not an ISO 3166-1 alpha-2 country code{hint}")
