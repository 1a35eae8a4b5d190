"""One rule for text that comes from outside: what may be in it, and how rule texts are filled.

Every free-text input (a profile's name, a claim's supplier, scope, sites, ...) passes
`check_text`: characters that can take over a terminal (C0/C1 controls, ANSI and OSC escapes,
NUL), reorder or hide what is shown (bidi embeddings, overrides and isolates, line and paragraph
separators, zero-width and other invisible format characters) or are not text at all (lone
surrogates, noncharacters) are refused with the code point named. Zero-width joiners, which
Persian, Indic scripts and emoji need, are accepted between two non-ASCII characters only.

`fill` is the one way a rule's text gets values: `{field}` by name only, so a rule file cannot
reach attributes (`{x.__class__}`), items (`{x[0]}`) or format specs (`{x:>3000000000}`), and the
result is bounded.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, Mapping

#: Refused anywhere in input text (see the module docstring for why each group is here).
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"            # C0 and C1 controls: ESC, NUL, CSI, NEL, ...
    "\u00ad\u034f\u061c"             # soft hyphen, grapheme joiner, Arabic letter mark
    "\u115f\u1160\u3164\uffa0"       # Hangul fillers (blank letters)
    "\u17b4\u17b5\u180e"             # Khmer invisible vowels, Mongolian vowel separator
    "\u200b\u200e\u200f"             # zero-width space, left-to-right and right-to-left marks
    "\u2028-\u202e"                  # line and paragraph separators, bidi embeddings/overrides
    "\u2060-\u206f"                  # word joiner, invisible operators, bidi isolates, deprecated
    "\ufeff\ufff9-\ufffb\ufffe\uffff"  # byte-order mark, interlinear annotation, noncharacters
    "\ud800-\udfff"                  # lone surrogates
    "\U000e0000-\U000e0fff]")        # tag characters and variation selectors supplement
_JOINER_MISUSED = re.compile("(?:^|(?<=[\x00-\x7f]))[\u200c\u200d]|[\u200c\u200d](?=[\x00-\x7f]|$)")
_LINE_BREAKS = re.compile("[\t\r\n]+")


def unsafe_character(text: str) -> str | None:
    """The first character `check_text` refuses, or None."""
    found = UNSAFE.search(text) or _JOINER_MISUSED.search(text)
    return found.group()[:1] if found else None


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: how a refused character is named in a message."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def check_text(value: Any, *, multiline: bool = False) -> Any:
    """`value` if it is safe text; raises ValueError naming the first character it refuses.

    `multiline` texts (a certified scope written over several lines) have their tabs and line
    breaks turned into single spaces first; elsewhere those are refused like any control
    character. Values that are not text are returned unchanged for the type check to judge."""
    if not isinstance(value, str):
        return value
    if multiline:
        value = _LINE_BREAKS.sub(" ", value)
    char = unsafe_character(value)
    if char is None:
        return value
    if unicodedata.category(char) == "Cc":
        raise ValueError(f"contains a control character ({describe(char)}); use printable text")
    raise ValueError(f"contains an invisible or direction-changing character ({describe(char)});"
                     " use printable text")


# -- rule texts ---------------------------------------------------------------------------------

#: The longest text a rule may produce once its fields are filled in.
MAX_FILLED_CHARS = 4000
_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]{0,63})\}")   # `{{` and `}}` are braces
_BRACE = re.compile(r"[{}]")


def template_fields(template: str) -> list[str]:
    """The field names a template uses, in order."""
    return [name for name in _FIELD.findall(template) if name]


def template_problem(template: str) -> str | None:
    """Why `template` is not a valid rule text, or None: a brace that is not part of a plain
    `{name}` or an escaped `{{` / `}}` (format specs, conversions, attribute or index access,
    stray braces)."""
    rest = _FIELD.sub("", template)
    stray = _BRACE.search(rest)
    if stray is None:
        return None
    start = max(0, stray.start() - 20)
    return (f"has a brace that is not a plain {{field}} near '{rest[start:stray.start() + 20]}': "
            "fields are written {name} only, with no format spec, attribute or index")


@lru_cache(maxsize=4096)
def _parts(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template split once into (literal, field name) pairs."""
    parts: list[tuple[str, str | None]] = []
    start = 0
    for match in _FIELD.finditer(template):
        if match.group(1) is None:                  # an escaped brace
            parts.append((template[start:match.start()] + match.group()[0], None))
        else:
            parts.append((template[start:match.start()], match.group(1)))
        start = match.end()
    parts.append((template[start:], None))
    return tuple(parts)


def fill(template: str, values: Mapping[str, Any], show: Callable[[Any], str] = str, *,
         limit: int = MAX_FILLED_CHARS) -> str:
    """`template` with each `{name}` replaced by `show(values[name])`; names not in `values` are
    left as written, and so is anything else in braces. The result is cut to `limit` characters
    (a list of 300 sites fills a long sentence; nothing fills gigabytes)."""
    if "{" not in template:
        return template
    out = []
    size = 0
    for literal, name in _parts(template):
        out.append(literal)
        size += len(literal)
        if name is not None:
            shown = show(values[name])[:limit] if name in values else "{" + name + "}"
            out.append(shown)
            size += len(shown)
        if size > limit:
            break
    text = "".join(out)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"
