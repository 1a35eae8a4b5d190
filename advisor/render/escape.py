"""Escaping for every output format, in one place: whatever a text holds, it is shown as text.

Input text is already checked when read (advisor.kernel.text), but renderers do not rely on it:
a library caller can build models directly, and rule texts from a custom rule base carry their
own characters. So every renderer passes each text through the function for its format:

- `terminal`: control, bidi and invisible characters shown as `\\x1b`, `\\u202e` (newlines kept);
- `markdown`: every character Markdown would act on is backslash-escaped, so a name like
  `<img src=x onerror=...>`, `[a](javascript:...)` or `www.example.com` renders as that text in
  any CommonMark renderer (tests/test_render_escape.py renders it with markdown-it-py);
- `csv_cell`: a cell a spreadsheet would run as a formula starts with `'` (OWASP CSV injection);
- HTML is escaped by `html.escape` in advisor.render.report.
"""
from __future__ import annotations

import re

from advisor.errors import escaped

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Active anywhere in a line: emphasis, code, links and images, raw HTML and entities, tables,
#: headings, strikethrough, footnotes and math extensions, e-mail autolinks.
_ALWAYS = re.compile(r"([\\`*_\[\]<>#|!~^$&@{}])")
#: `.` and `:` inside a word: bare links (`www.example.com`, `http://...`) that linkifiers find.
_IN_WORD = re.compile(r"([.:])(?=\S)")
_ORDERED_ITEM = re.compile(r"(\d{1,9})([.)])")


def terminal(text: object) -> str:
    """Text safe to print on a terminal, whatever its length (newlines and tabs kept)."""
    return escaped(str(text))


def markdown(text: object) -> str:
    """`text` as inert Markdown inline text, on one line."""
    text = " ".join(terminal(text).split())
    text = _IN_WORD.sub(r"\\\1", _ALWAYS.sub(r"\\\1", text))
    item = _ORDERED_ITEM.match(text)          # at the start of a line or cell: a list item
    if item:
        return item.group(1) + "\\" + text[item.end(1):]
    if text[:1] in ("-", "+", "="):           # a bullet, or a setext heading underline
        return "\\" + text
    return text


def csv_cell(cell: object) -> str:
    """A cell a spreadsheet would run as a formula, shown as text."""
    cell = str(cell)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
