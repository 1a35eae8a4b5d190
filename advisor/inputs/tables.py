"""Spreadsheets as records: CSV as any Excel saves it, and .xlsx workbooks.

Every data row below the header becomes exactly one `Row`, readable or with problems: bytes that
do not decode, a formula without a saved value, a date where a number belongs, a merged cell, a
second header row. Each problem names file, sheet, row and column, and the rows around it are
read on, so a batch's totals add up to the rows in the file (blank rows aside).

CSV: the encoding is read from the byte-order mark (UTF-8, UTF-16), else UTF-8 when the bytes
are UTF-8, else Windows-1252 (Excel's plain "CSV" on Windows) with a note; the delimiter is the
one of `,` `;` tab that splits the header into known column names. The decimal separator follows
the delimiter, as in Excel: `;` files come from decimal-comma locales.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import typing
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Collection, Iterator, Sequence

from advisor.errors import InputError, Problem, closest
from advisor.advice.models import MAX_PROBLEMS
from advisor.inputs.loaders import decode, open_input
from advisor.inputs.numbers import AmbiguousNumber, canonical_number

MAX_LINE_CHARS = 1_000_000   # a CSV line; longer is junk (or not line-based)
HEADER_SCAN_ROWS = 10        # rows searched for the header (title rows above it are skipped)
SNIFF_LINES = 10
ID_COLUMNS = ("id", "client_id")   # taken as the record id when --id-column is not given
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|"
                             rb"[\xe1-\xef][\x80-\xbf]{2}|\xf0[\x90-\xbf][\x80-\xbf]{2}|"
                             rb"[\xf1-\xf4][\x80-\xbf]{3}")
_FOLD = re.compile(r"[^0-9a-z]+")
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!"))


def fold(text: object) -> str:
    """A column name or value with case, spaces and punctuation folded: `Client ID` -> client_id."""
    return _FOLD.sub("_", str(text).casefold()).strip("_")


@dataclass(frozen=True)
class TableOptions:
    """How to read spreadsheets; every field has a default that detects it from the file."""

    sheet: str | None = None            # .xlsx: the sheet to read (default: the first)
    delimiter: str | None = None        # CSV: `,` `;` `tab`; default: sniffed from the header
    encoding: str | None = None         # CSV: a Python codec name; default: detected
    id_column: str | None = None        # the column carried into outputs as the record id
    keep_columns: bool = False          # pass unknown columns through instead of failing rows
    notes: Callable[[str], None] | None = None   # where "read as Windows-1252" and such go
    unknown_column_hint: str = ""       # what the caller offers for unknown columns
    lists: Collection[str] = ()         # list fields whose cells split at `,` `;` line breaks

    def note(self, text: str) -> None:
        if self.notes is not None:
            self.notes(text)


@dataclass
class RawRow:
    """One row as a reader saw it: its number as the spreadsheet shows it, its cells, and what
    made it unreadable (`problem`) or made single cells unusable (`cell_problems`, by column)."""

    number: int
    cells: Sequence[Any]
    problem: str | None = None
    cell_problems: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """A data row ready to become a record: its place, fields, id, kept columns, or problems."""

    location: str
    data: dict[str, Any] | None
    record_id: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    problems: tuple[Problem, ...] = ()


def numeric_fields(model: Any) -> frozenset[str]:
    """The fields of a pydantic model that hold numbers: where `2,5` is read as a number."""
    found = set()
    for name, info in model.model_fields.items():
        kinds = typing.get_args(info.annotation) or (info.annotation,)
        if any(kind in (int, float) for kind in kinds):
            found.add(name)
    return frozenset(found)


def list_fields(model: Any) -> frozenset[str]:
    """The fields of a pydantic model that hold lists: where a cell `DE, AT` is two items."""
    return frozenset(name for name, info in model.model_fields.items()
                     if typing.get_origin(info.annotation) is list
                     or any(typing.get_origin(a) is list for a in typing.get_args(info.annotation)))


_ITEM_SEPARATORS = re.compile(r"[;,\n]")     # items stripped after: `\s*` around it backtracks


def column_letter(index: int) -> str:
    """Spreadsheet letters for a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- the header and the rows below it ---------------------------------------------------------

@dataclass
class _Header:
    number: int
    names: list[str]                     # as written, stripped
    fields: list[str | None]             # the field each column fills (None: blank or unknown)
    id_index: int | None
    kept: list[int]                      # unknown columns passed through (--keep-columns)
    problems: list[Problem]


def _header(raw: RawRow, source: str, where: str, fields: Sequence[str],
            options: TableOptions) -> _Header:
    """Map header cells to fields; unknown and repeated names are problems (the first
    MAX_PROBLEMS, then a count, so a header of 100,000 junk columns is reported in a moment)."""
    names = ["" if c is None else str(c).strip() for c in raw.cells]
    by_fold = {fold(f): f for f in fields}
    id_names = (fold(options.id_column),) if options.id_column else ID_COLUMNS
    found: list[str | None] = []
    id_index = None
    kept: list[int] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    hidden = 0

    def fail(problem: Problem) -> None:
        nonlocal hidden
        if len(problems) < MAX_PROBLEMS:
            problems.append(problem)
        else:
            hidden += 1

    for i, name in enumerate(names):
        key = fold(name) if name else ""
        target = by_fold.get(key)
        if name and id_index is None and target is None and key in id_names:
            id_index = i
            found.append(None)
            continue
        found.append(target if target not in seen else None)
        if target is not None and target in seen:
            fail(Problem(f"column '{name}' appears twice", field=target, source=source,
                         location=where))
        elif target is not None:
            seen.add(target)
        elif name and options.keep_columns:
            kept.append(i)
        elif name and (";" in name or "\t" in name) and len(names) == 1:
            fail(Problem("the header is one cell holding separators; pass --delimiter to say "
                         "which one separates the columns", source=source, location=where))
        elif name:
            hints = closest(key, fields)
            hint = options.unknown_column_hint if not problems else ""
            fail(Problem(f"unknown column '{name}'{hint}", field=name, source=source,
                         location=where, suggestions=hints,
                         valid=None if hints else ", ".join(fields)))
    if options.id_column and id_index is None:
        fail(Problem(f"has no column '{options.id_column}' (given with --id-column)",
                     source=source, location=where,
                     suggestions=closest(options.id_column, [n for n in names if n])))
    if hidden:
        problems.append(Problem(f"... and {hidden:,} more problems", source=source,
                                location=where))
    return _Header(raw.number, names, found, id_index, kept, problems)


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _known_cells(cells: Sequence[Any], known: Collection[str]) -> int:
    return sum(1 for c in cells if isinstance(c, str) and fold(c) in known)


def table_rows(raw_rows: Iterator[RawRow], source: str, where: Callable[[int], str],
               fields: Sequence[str], numeric: Collection[str], decimal: str | None,
               options: TableOptions) -> Iterator[Row]:
    """(`options.lists` names the list fields whose cells split at `,` `;` and line breaks.)"""
    """The data rows of a table: the header is the row among the first few that names the most
    fields (title rows above it are skipped, with a note); every non-blank row below it is one
    Row, with problems where it cannot be read."""
    known = {fold(f) for f in fields} | set(ID_COLUMNS) | (
        {fold(options.id_column)} if options.id_column else set())
    head: list[RawRow] = []
    for raw in raw_rows:
        head.append(raw)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    candidates = [r for r in head if r.problem is None and not _is_blank(r.cells)]
    if not candidates:
        if any(r.problem for r in head):          # nothing but unreadable rows
            for raw in itertools.chain(head, raw_rows):
                if raw.problem or not _is_blank(raw.cells):
                    yield Row(where(raw.number), None, problems=(Problem(
                        raw.problem or "is not below a header row", source=source,
                        location=where(raw.number)),))
            return
        raise InputError([Problem("is empty (no header row)", source=source)])
    best = max(candidates, key=lambda r: _known_cells(r.cells, known))
    if _known_cells(best.cells, known) < 2:
        best = candidates[0]
    skipped = [r.number for r in head if r.number < best.number and not _is_blank(r.cells)]
    if skipped:
        options.note(f"{source}: header found at {where(best.number)}; "
                     f"{'row' if len(skipped) == 1 else 'rows'} "
                     f"{', '.join(map(str, skipped))} above it read as titles, not profiles")
    header = _header(best, source, where(best.number), fields, options)
    rest = (r for r in head if r.number > best.number)
    rows = 0
    for raw in itertools.chain(rest, raw_rows):
        if raw.problem is None and not raw.cell_problems and _is_blank(raw.cells):
            continue
        rows += 1
        yield _row(raw, header, source, where(raw.number), numeric, decimal, options.lists)
    if not rows and header.problems:          # the header alone: its problems, once
        yield Row(where(header.number), None, problems=tuple(header.problems))


def _row(raw: RawRow, header: _Header, source: str, location: str, numeric: Collection[str],
         decimal: str | None, lists: Collection[str] = ()) -> Row:
    def problem(message: str, column: str | None = None) -> Problem:
        return Problem(message, field=column, source=source, location=location)

    if raw.problem is not None:
        return Row(location, None, problems=(problem(raw.problem),))
    if header.problems:
        return Row(location, None, problems=tuple(header.problems))
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    columns: list[tuple[str, str]] = []
    record_id = None
    width = len(header.names)
    repeats = 0
    for i, cell in enumerate(raw.cells):
        if i in raw.cell_problems or cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if isinstance(cell, str):
            cell = cell.strip()
        name = header.names[i] if i < width else ""
        target = header.fields[i] if i < width else None
        if isinstance(cell, str) and name and fold(cell) == fold(name):
            repeats += 1
        if i == header.id_index:
            record_id = _text(cell)
        elif i in header.kept:
            columns.append((name, _text(cell)))
        elif target is None:
            problems.append(problem(f"column {column_letter(i)} has a value ('{_text(cell)}') "
                                    "but no name in the header"))
        else:
            value, trouble = _value(cell, target in numeric, decimal)
            if trouble:
                problems.append(problem(f"column {column_letter(i)}: {trouble}", target))
            elif target in lists and isinstance(value, str):
                data[target] = [item.strip() for item in _ITEM_SEPARATORS.split(value)
                                if item.strip()]
            else:
                data[target] = value
    for i, message in sorted(raw.cell_problems.items()):
        column = (header.fields[i] or header.names[i] or None) if i < width else None
        problems.append(problem(f"column {column_letter(i)}: {message}", column))
    if repeats >= 2:
        return Row(location, None, record_id, problems=(problem(
            "repeats the column names: a second header row? Keep one header row and delete "
            "this one"),))
    if problems:
        return Row(location, None, record_id, tuple(columns), tuple(problems))
    return Row(location, data, record_id, tuple(columns))


def _text(cell: Any) -> str:
    """A cell as text for ids and kept columns: 1001.0 is `1001`, a date `2026-03-01`."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


def _value(cell: Any, numeric: bool, decimal: str | None) -> tuple[Any, str | None]:
    """A cell as the model reads it, or what is wrong with it."""
    if isinstance(cell, (dt.datetime, dt.date, dt.time)):
        if numeric:
            return None, (f"holds a date ({_text(cell)}) where a number belongs; format the cell "
                          "as a number")
        return _text(cell), None
    if isinstance(cell, str) and numeric:
        try:
            return canonical_number(cell, decimal), None
        except AmbiguousNumber as exc:
            return None, str(exc)
    if isinstance(cell, float) and cell.is_integer() and numeric:
        return int(cell), None
    return cell, None


# -- CSV --------------------------------------------------------------------------------------

class _LineTooLong(Exception):
    pass


class Lines:
    """A file's physical lines as text, read as it goes, with the lines whose bytes did not
    decode noted (by 0-based line index: byte offset and what went wrong) instead of stopping."""

    def __init__(self, handle: BinaryIO, encoding: str, source: str):
        self.bad: dict[int, str] = {}
        self.count = 0
        self._source = source
        self._encoding = encoding
        self._offset = 0
        if "\n".encode(encoding.replace("-sig", "")) == b"\n":   # ASCII-compatible: by bytes
            self._iter = self._by_bytes(handle, encoding)
        else:
            self._iter = self._by_text(handle, encoding)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._iter)
        self.count += 1
        return line

    def _by_bytes(self, handle: BinaryIO, encoding: str) -> Iterator[str]:
        codec = "utf-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf8-sig") \
            else encoding
        index = 0
        while True:
            raw = handle.readline(MAX_LINE_CHARS + 1)
            if not raw:
                return
            start = self._offset
            self._offset += len(raw)
            if index == 0 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
                start += 3
            if len(raw) > MAX_LINE_CHARS and not raw.endswith(b"\n"):
                while True:                            # skip the rest of the line, bounded memory
                    more = handle.readline(MAX_LINE_CHARS)
                    self._offset += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                self.bad[index] = (f"has a line longer than {MAX_LINE_CHARS:,} characters "
                                   f"(from byte offset {start:,})")
                index += 1
                yield "\n"
                continue
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                self.bad[index] = (f"byte 0x{raw[exc.start]:02X} at byte offset "
                                   f"{start + exc.start:,} is not {_encoding_name(codec)} text")
                text = raw.decode(codec, "replace")
            index += 1
            yield text

    def _by_text(self, handle: BinaryIO, encoding: str) -> Iterator[str]:
        text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
        try:
            yield from self._text_lines(text, encoding)
        finally:
            text.detach()                      # the caller closes the file

    def _text_lines(self, text: io.TextIOWrapper, encoding: str) -> Iterator[str]:
        for index, line in enumerate(iter(lambda: text.readline(MAX_LINE_CHARS + 1), "")):
            if len(line) > MAX_LINE_CHARS:
                self.bad[index] = f"has a line longer than {MAX_LINE_CHARS:,} characters"
                while line and not line.endswith("\n"):
                    line = text.readline(MAX_LINE_CHARS)
                yield "\n"
                continue
            if "\ufffd" in line:
                self.bad[index] = (f"character {line.index(chr(0xfffd)) + 1} of the row is not "
                                   f"valid {_encoding_name(encoding)} text")
            yield line[1:] if index == 0 and line.startswith("\ufeff") else line

    def problem_between(self, first: int, end: int) -> str | None:
        """What went wrong in lines first..end-1 (0-based), if anything."""
        for index in range(first, end):
            if index in self.bad:
                return self.bad[index]
        return None


def _encoding_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return {"cp1252": "Windows-1252", "utf-8": "UTF-8", "utf-16": "UTF-16",
            "iso8859-1": "Latin-1", "latin-1": "Latin-1"}.get(name, name)


def detect_encoding(handle: BinaryIO, source: str, given: str | None,
                    options: TableOptions) -> str:
    """The encoding to read a CSV file with (see the module docstring); the handle is rewound."""
    head = handle.read(4096)
    handle.seek(0)
    if given:
        return given
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        decode(head, source)               # raises "is binary data" or "UTF-16 without BOM"
    decoder = codecs.getincrementaldecoder("utf-8")()
    invalid = multibyte = False
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        if not multibyte and _UTF8_MULTIBYTE.search(chunk):
            multibyte = True
        if not invalid:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                invalid = True
        if invalid and multibyte:
            break
    if not invalid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            invalid = True
    handle.seek(0)
    if not invalid:
        return "utf-8"
    if multibyte:
        options.note(f"{source}: mostly UTF-8; rows holding other bytes are errors (use "
                     "--encoding to read the file in another encoding)")
        return "utf-8"
    options.note(f"{source}: not UTF-8; read as Windows-1252, as Excel saves 'CSV' on Windows "
                 "(use --encoding to choose another)")
    return "cp1252"


def sniff_delimiter(lines: Sequence[str], known: Collection[str]) -> str:
    """Of `,` `;` tab, the delimiter that splits some early line into the most known column
    names; ties go to the one that splits it into the most cells, then to `,`."""
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        score = (-1, -1)
        try:
            for cells in csv.reader(lines, delimiter=delimiter):
                score = max(score, (_known_cells(cells, known), len(cells)))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(source: str, fields: Sequence[str], numeric: Collection[str],
             options: TableOptions) -> Iterator[Row]:
    """The data rows of a CSV file (see the module docstring)."""
    with open_input(source) as handle:
        encoding = detect_encoding(handle, source, options.encoding, options)
        lines = Lines(handle, encoding, source)
        try:
            head = list(itertools.islice(lines, SNIFF_LINES))
        except OSError as exc:
            raise InputError([Problem(f"cannot be read: {exc.strerror}", source=source)]) from None
        known = {fold(f) for f in fields} | set(ID_COLUMNS)
        delimiter = DELIMITERS.get(options.delimiter or "", options.delimiter) or \
            sniff_delimiter(head, known)
        decimal = {",": ".", ";": ","}.get(delimiter)
        if delimiter != "," and not options.delimiter:
            options.note(f"{source}: columns separated by "
                         f"{'tab' if delimiter == chr(9) else repr(delimiter)}"
                         + (", decimal comma" if decimal == "," else ""))
        reader = csv.reader(itertools.chain(head, lines), delimiter=delimiter, strict=True)
        yield from table_rows(_csv_raw(reader, lines, source), source, lambda n: f"row {n}",
                              fields, numeric, decimal, options)


def _csv_raw(reader: Any, lines: Lines, source: str) -> Iterator[RawRow]:
    number = 0
    while True:
        first = reader.line_num
        try:
            cells = next(reader)
            problem = None
        except StopIteration:
            return
        except csv.Error as exc:
            cells, problem = [], f"is not valid CSV: {exc}"
        except OSError as exc:
            yield RawRow(number + 1, [], f"cannot be read: {exc.strerror}; the rest of the file "
                                         "is not read")
            return
        number += 1
        bad = lines.problem_between(first, reader.line_num)
        yield RawRow(number, cells, bad or problem)


# -- xlsx -------------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters.decode("ascii"):
        index = index * 26 + ord(ch) - 64
    return index - 1


def _not_a_workbook(source: str, handle: BinaryIO) -> str | None:
    """Why a file is not an .xlsx workbook, from its first bytes, or None when it may be one."""
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(_OLE2):
        encrypted = False
        tail = b""
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if "EncryptionInfo".encode("utf-16-le") in tail + chunk:
                encrypted = True
                break
            tail = chunk[-64:]
        if encrypted:
            return ("is password-protected (encrypted); remove the password (Excel: File > Info > "
                    "Protect Workbook > Encrypt with Password, clear it) and save again")
        return "is an Excel 97-2003 (.xls) or other OLE2 file, not .xlsx; save it as .xlsx"
    if not head.startswith(b"PK"):
        return "is not an .xlsx workbook (not a ZIP file: damaged, or another format renamed)"
    return None


def _scan_sheet(source: str, part: str | None) -> tuple[bool, list[tuple[int, int, int, int]]]:
    """Whether a sheet holds formulas, and its merged ranges (0-based columns, 1-based rows),
    found by streaming its XML once: openpyxl's read-only mode reports neither."""
    if not part:
        return True, []
    formulas = False
    merges: list[tuple[int, int, int, int]] = []

    def add(m: re.Match) -> None:
        c1, r1 = _column_index(m.group(1)), int(m.group(2))
        c2 = _column_index(m.group(3)) if m.group(3) else c1
        merges.append((c1, r1, c2, int(m.group(4)) if m.group(4) else r1))

    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return True, []                  # openpyxl read it; formulas are then checked per cell
    try:
        xml = archive.open(part.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        archive.close()
        return True, []
    with archive, xml:
        tail = b""
        for chunk in iter(lambda: xml.read(1 << 20), b""):
            text = tail + chunk
            formulas = formulas or bool(_FORMULA.search(text))
            cut = max(0, len(text) - 200)        # matches starting later are read next time
            for m in _MERGE.finditer(text):
                if m.start() < cut:
                    add(m)
            tail = text[cut:]
        for m in _MERGE.finditer(tail):
            add(m)
    return formulas, sorted(set(merges))


def _quietly(call: Callable[[], Any]) -> Any:
    """openpyxl warns about features it drops (data validation, default styles); the values are
    unaffected, so the warnings are not the user's concern."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def xlsx_rows(source: str, fields: Sequence[str], numeric: Collection[str],
              options: TableOptions) -> Iterator[Row]:
    """The data rows of a workbook's first sheet, or of `options.sheet`."""
    import openpyxl

    with open_input(source) as handle, open(source, "rb") as second:
        # openpyxl leaves a file it opened itself unclosed when the workbook is damaged;
        # handing it open files keeps their closing here
        why = _not_a_workbook(source, handle)
        if why:
            raise InputError([Problem(why, source=source)])
        try:
            book = _quietly(lambda: openpyxl.load_workbook(handle, read_only=True,
                                                           data_only=True))
        except Exception as exc:       # noqa: BLE001 - any parser failure on a damaged file
            raise InputError([Problem(f"cannot be read as an .xlsx workbook ({type(exc).__name__}"
                                      f": {exc}); open it in Excel or LibreOffice and save it "
                                      "again", source=source)]) from None
        try:
            names = book.sheetnames
            if options.sheet is not None and options.sheet not in names:
                hints = closest(options.sheet, names)
                raise InputError([Problem(f"has no sheet '{options.sheet}'", source=source,
                                          suggestions=hints, valid=", ".join(names))])
            sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
            if not hasattr(sheet, "iter_rows"):
                raise InputError([Problem(f"sheet '{sheet.title}' is a chart, not a table",
                                          source=source)])
            formulas, merges = _scan_sheet(source, getattr(sheet, "_worksheet_path", None))
            formula_book = None
            if formulas:
                formula_book = _quietly(lambda: openpyxl.load_workbook(second, read_only=True,
                                                                       data_only=False))
            title = sheet.title
            try:
                yield from table_rows(
                    _xlsx_raw(sheet, formula_book[title] if formula_book else None, merges),
                    source, lambda n: f"sheet '{title}', row {n}", fields, numeric, None, options)
            finally:
                if formula_book is not None:
                    formula_book.close()
        finally:
            book.close()


def _xlsx_raw(sheet: Any, formula_sheet: Any, merges: list[tuple[int, int, int, int]]
              ) -> Iterator[RawRow]:
    values = sheet.iter_rows(min_row=1, values_only=True)
    formulas = formula_sheet.iter_rows(min_row=1, values_only=True) if formula_sheet else None
    merged_rows: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges[:10_000]:
        for r in range(merge[1], min(merge[3], merge[1] + 100_000) + 1):
            merged_rows.setdefault(r, []).append(merge)
    number = 0
    while True:
        try:
            cells = _quietly(lambda: next(values, None))
            raw_formulas = _quietly(lambda: next(formulas, None)) if formulas else None
        except Exception as exc:   # noqa: BLE001 - damaged XML deep inside the sheet
            yield RawRow(number + 1, [], f"cannot be read ({type(exc).__name__}: {exc}); this "
                                         "row and the rest of the sheet are not read")
            return
        if cells is None:
            return
        number += 1
        problems: dict[int, str] = {}
        for i, value in enumerate(cells):
            if isinstance(value, str) and value in EXCEL_ERRORS:
                problems[i] = f"the cell shows the error {value}; correct its formula or value"
            elif value is None and raw_formulas is not None and i < len(raw_formulas):
                formula = raw_formulas[i]
                if isinstance(formula, str) and formula.startswith("="):
                    problems[i] = (f"the formula {formula[:80]} has no saved value; open and save "
                                   "the workbook in Excel or LibreOffice to calculate it, or type "
                                   "the value")
            elif value is not None and not isinstance(value, (str, int, float, bool, dt.datetime,
                                                               dt.date, dt.time)):
                problems[i] = f"holds a {type(value).__name__}, not a value"
        for c1, r1, c2, r2 in merged_rows.get(number, ()):
            span = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
            for i in range(c1, c2 + 1):
                problems.setdefault(i, f"is part of the merged cells {span}; unmerge them and "
                                       "fill in every row")
        yield RawRow(number, list(cells), None, problems)


def estimate_rows(inputs: Sequence[str]) -> int | None:
    """About how many records these inputs hold, for a progress bar's total: lines of CSV and
    JSON Lines files (a multi-line cell counts twice), the used range of a workbook's sheet;
    None when an input does not tell (YAML, JSON, folders of them)."""
    from pathlib import Path
    total = 0
    paths: list[Path] = []
    for given in inputs:
        path = Path(given)
        paths += sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for path in paths:
        suffix = path.suffix.lower()
        try:
            if suffix in (".csv", ".tsv", ".jsonl"):
                with open_input(path) as handle:
                    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
                total += max(0, lines - (suffix != ".jsonl"))
            elif suffix in (".xlsx", ".xlsm"):
                import openpyxl
                book = _quietly(lambda: openpyxl.load_workbook(path, read_only=True))
                try:
                    total += max(0, (book.worksheets[0].max_row or 1) - 1)
                finally:
                    book.close()
            elif suffix in (".yaml", ".yml", ".json"):
                return None
        except Exception:          # noqa: BLE001 - only a hint; reading reports real errors
            return None
    return total
