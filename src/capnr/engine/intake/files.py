"""Read an organisation's inventory export (CSV, XLSX, XLS, ODS) into a table of text, safely.

Pure Python (no Django). ``read_inventory_file`` refuses, with an ``InventoryFileError`` whose
``code`` is stable and whose ``message`` is a sentence for the user, every file it cannot read
well: too large, empty, headers only, binary, damaged, a zip bomb, XML entities, too many columns
or rows. Spreadsheets are zips of XML: the archive is checked (sizes, ratios, the real inflated
size of every part, DOCTYPE/ENTITY, the sheet's used area) before calamine ever sees it, because
calamine allocates the whole used area at once and aborts the process when it cannot.

What it accepts: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252; ``;`` ``,`` tab or
``|`` delimiters (and Excel's ``sep=`` first line); CRLF, LF or CR line ends; title rows above
the header; empty columns (dropped); OCS Inventory exports (every line ends with the delimiter,
quotes inside values not escaped); formulas (their cached values). Every kept row keeps its line
number in the file so that messages point at the right line."""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO

from capnr.engine.tabular import _cell_text, bulk_allocation, decode, sniff_delimiter

from .columns import count_known_headers

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MiB
HEADER_SEARCH_ROWS = 10  # the header is looked for among the first non-blank rows
HEADER_MIN_FILL = 0.6  # share of the widest row's cells a header row fills at least
HEADER_MIN_KNOWN = 2  # known header names a row needs to be taken for the header
MAX_INFLATED_BYTES = 500 * MiB  # a spreadsheet's parts, uncompressed, never exceed this...
INFLATION_FACTOR = 20  # ...nor this many times max_bytes
MAX_COMPRESSION_RATIO = 100  # a part (or the whole archive) above this ratio is a bomb
MAX_ARCHIVE_MEMBERS = 10_000
SPREADSHEET_CELL_LIMIT = 25_000_000  # rows x columns of a sheet's used area (calamine allocates it)
XML_PROLOG_BYTES = 64 * 1024  # where a DOCTYPE can hide: the prolog, before the root element
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384

SPREADSHEET_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
DELIMITERS = (";", ",", "\t", "|")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SEP_LINE = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)
# A well-formed UTF-8 sequence for a character beyond ASCII; French Windows-1252 text almost
# never holds one (its accented letters are single bytes followed by ASCII).
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_DOCTYPE = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
# Cell references (r="AB12") and row numbers (r="12") of XLSX sheets. calamine accepts either
# quote, any case and whitespace around "=": the fast patterns (literal prefix) take the usual
# spellings, a chunk with whitespace around "=" also goes through the slower loose pattern.
_WIDE_COLUMN = re.compile(rb"""r=["']([A-Za-z]{2,3})[0-9]""")
_ROW_NUMBER = re.compile(rb"""r=["'][A-Za-z]{0,3}([0-9]{1,9})["']""")
_SPACED_REF = re.compile(rb"r[ \t\r\n]+=|r=[ \t\r\n]")
_LOOSE_REF = re.compile(rb"""r[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z]{0,3})([0-9]{1,9})["']""")
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.DOTALL)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="([0-9]+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="([0-9]+)"')
_ODS_SLOW_TOKENS = (b"-repeated", b"<table:table ", b"<table:table\n", b"covered-table-cell")
_COUNT_CELLS = methodcaller("count", b"<table:table-cell")
_SCAN_OVERLAP = 256  # longer than any cell reference


class InventoryFileError(ValueError):
    """The file cannot be read. ``code`` is stable (for translations and tests), ``message`` is a
    complete English sentence for the user, ``params`` holds the figures it quotes."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Detected:
    """How the file was read, to show the user and to record with the import."""

    format: str  # "csv", "xlsx", "xls" or "ods" (from the content, not the file name)
    encoding: str = ""  # "utf-8", "utf-8-sig", "utf-16" or "cp1252"; "" for spreadsheets
    delimiter: str = ""  # "" for spreadsheets
    sheet: str = ""  # the sheet read, "" for CSV
    ocs_style: bool = False  # lines ending with the delimiter, split without quote handling
    dropped_columns: int = 0  # empty columns (no header, no value) left out
    # In a UTF-8 file, the lines that are not UTF-8 (a line pasted from an older export): each
    # was read as Windows-1252, and the check step warns about each.
    legacy_lines: tuple[int, ...] = ()


@dataclass
class RawTable:
    """The header and the non-blank rows below it, as text; every row has exactly
    ``len(header)`` cells (not stripped). ``row_numbers[i]`` is ``rows[i]``'s line in the file
    and ``header_line`` the header's, both 1-based as a spreadsheet or editor shows them."""

    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_line: int
    detected: Detected = field(default_factory=lambda: Detected("csv"))

    def __len__(self) -> int:
        return len(self.rows)


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < MiB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MiB:.1f} MB".replace(".0 MB", " MB")


def _error_too_large(size: int, limit: int) -> InventoryFileError:
    return InventoryFileError(
        "too_large",
        f"The file is {_size_text(size)}, more than the {_size_text(limit)} accepted. Split it "
        "into smaller files or remove the columns you do not need, then try again.",
        size=size,
        limit=limit,
    )


def _error_empty() -> InventoryFileError:
    return InventoryFileError(
        "empty", "The file is empty. Export the inventory again and check that it has rows."
    )


def _error_binary() -> InventoryFileError:
    return InventoryFileError(
        "binary",
        "The file is not a text file that can be read as CSV: it contains binary data. Export "
        "the inventory as CSV, XLSX or ODS, then try again.",
    )


def _error_corrupt(detail: str = "") -> InventoryFileError:
    return InventoryFileError(
        "corrupt_spreadsheet",
        "The spreadsheet cannot be opened: it is damaged or is not really a spreadsheet. Open it "
        "in your spreadsheet program, save it again as XLSX or ODS, then try again.",
        detail=detail,
    )


def _error_zip_bomb(inflated: int, size: int) -> InventoryFileError:
    return InventoryFileError(
        "zip_bomb",
        f"The spreadsheet was not opened: once uncompressed it would take {_size_text(inflated)} "
        f"or more, far more than a {_size_text(size)} file should. Save it again from your "
        "spreadsheet program, or export the inventory as CSV, then try again.",
        inflated=inflated,
        size=size,
    )


def _error_too_many_columns(count: int, limit: int) -> InventoryFileError:
    return InventoryFileError(
        "too_many_columns",
        f"The file has {count:,} columns, more than the {limit:,} accepted. Remove the columns "
        "you do not need, then try again.",
        count=count,
        limit=limit,
    )


def _error_too_many_rows(limit: int) -> InventoryFileError:
    return InventoryFileError(
        "too_many_rows",
        f"The file has more than {limit:,} rows. Split it into several files, then try again.",
        limit=limit,
    )


def read_inventory_file(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_columns: int = 500,
    max_rows: int = 1_000_000,
) -> RawTable:
    """Read the first non-empty visible sheet of a spreadsheet, or a delimited text file.

    The format is recognised from the content (a zip holding a workbook, an OLE container, else
    text), the file name only decides which error a damaged file gets. Raises
    ``InventoryFileError``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise InventoryFileError(
            "unreadable", "The file could not be read. Upload it again.", detail=str(error)
        ) from error
    if size > max_bytes:
        raise _error_too_large(size, max_bytes)
    if size == 0:
        raise _error_empty()
    named_as = SPREADSHEET_SUFFIXES.get(path.suffix.lower())
    limits = _Limits(max_bytes=max_bytes, max_columns=max_columns, max_rows=max_rows)
    if head.startswith(ZIP_MAGIC):
        fmt = _check_archive(path, size, limits, named_as)
        return _read_spreadsheet(path, fmt, limits)
    if head.startswith(OLE_MAGIC):
        if named_as in {"xlsx", "ods"}:
            raise InventoryFileError(
                "encrypted",
                "The spreadsheet is protected by a password. Remove the password, save it again "
                "as XLSX, then try again.",
            )
        return _read_spreadsheet(path, "xls", limits)
    raw = path.read_bytes()
    if named_as:
        # Some tools write CSV or HTML under a spreadsheet name: read the CSV, refuse the rest.
        try:
            return _read_text(raw, limits)
        except InventoryFileError as error:
            if error.code in {"binary", "not_a_table"}:
                raise _error_corrupt("neither a spreadsheet nor a text table") from error
            raise
    return _read_text(raw, limits)


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    max_columns: int
    max_rows: int


# --- Delimited text -------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str, tuple[int, ...]]:
    """(text, encoding, lines read as Windows-1252 in a UTF-8 file). The engine's rule (UTF-8
    with or without BOM, else Windows-1252) plus UTF-16 with a BOM (Excel's "Unicode text"),
    and files that mix UTF-8 and Windows-1252 lines, read line by line. NUL bytes elsewhere
    mean binary."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16", ()
        except UnicodeDecodeError as error:
            raise _error_binary() from error
    if b"\x00" in raw:
        raise _error_binary()
    bom = raw.startswith(codecs.BOM_UTF8)
    encoding = "utf-8-sig" if bom else "utf-8"
    try:
        return raw.decode("utf-8-sig"), encoding, ()
    except UnicodeDecodeError:
        pass
    if bom or UTF8_SEQUENCE.search(raw):
        text, legacy = mixed_lines(raw[len(codecs.BOM_UTF8) :] if bom else raw)
        return text, encoding, legacy
    return decode(raw), "cp1252", ()


def mixed_lines(raw: bytes) -> tuple[str, tuple[int, ...]]:
    """A mostly UTF-8 text decoded line by line: each line as UTF-8 when it is, else as
    Windows-1252; and the numbers (1-based) of the lines read so."""
    texts: list[str] = []
    legacy: list[int] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(line.decode("cp1252", errors="replace"))
            legacy.append(number)
    return "\n".join(texts), tuple(legacy)


def _choose_delimiter(text: str) -> str:
    """The engine's sniffer, on the line of the first ten with the most delimiters (a title line
    above the header has none)."""
    lines = text[:65536].split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    busiest = max(lines, key=lambda line: max(line.count(d) for d in DELIMITERS))
    return sniff_delimiter(busiest)


def _widths_score(records: Sequence[Sequence[str]]) -> int:
    """How many non-blank records have the most common width (a well-split file: all of them)."""
    widths = Counter(len(record) for record in records if any(record))
    return widths.most_common(1)[0][1] if widths else 0


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == '"' and cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def _split_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    """OCS-tolerant split: the delimiter always separates, quotes are text, except a cell wholly
    wrapped in quotes, which loses them."""
    records = [line.rstrip("\r").split(delimiter) for line in lines]
    if any('"' in line for line in lines):
        records = [
            [_unquote(cell) for cell in record] if any('"' in c for c in record) else record
            for record in records
        ]
    return records


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _csv_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int] | None]:
    """Records and, when some span several lines, the line each starts on (else None: record i
    is line i + 1)."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(records) == line_count:
        return records, None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, starts, previous = [], [], 0
    for record in reader:
        records.append(record)
        starts.append(previous + 1)
        previous = reader.line_num
    return records, starts


def _read_text(raw: bytes, limits: _Limits) -> RawTable:
    text, encoding, legacy_lines = _decode(raw)
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise _error_binary()
    if not text.strip():
        raise _error_empty()
    if sample.lstrip()[:1] == "<":
        raise InventoryFileError(
            "not_a_table",
            "The file is a web page or an XML document, not a table. Export the inventory as "
            "CSV, XLSX or ODS, then try again.",
        )
    if "\n" not in text and "\r" in text:  # classic Mac line ends
        text = text.replace("\r", "\n")
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's hint line: keep it as a blank line so that line numbers stay right
        delimiter, text = sep.group(1), "\n" + text[sep.end() :]
    else:
        delimiter = _choose_delimiter(text)
    if text.count("\n") > 2 * limits.max_rows + 1000:
        raise _error_too_many_rows(limits.max_rows)
    for line in text[:1_000_000].split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]:
        cells = line.rstrip(delimiter + " \t\r").count(delimiter) + 1
        if cells > 2 * limits.max_columns + 100:
            raise _error_too_many_columns(cells, limits.max_columns)

    with bulk_allocation():
        # OCS Inventory: every non-blank line ends with the delimiter, and quotes inside values
        # are not escaped (Dell "Latitude" 5420): the csv module would join lines or lose quotes.
        ends = re.compile(rf"[^{re.escape(delimiter)}\s][ \t\r]*$", re.MULTILINE)
        ocs_style = delimiter in text and ends.search(text) is None
        starts: list[int] | None = None
        if ocs_style:
            records = _split_lines(_lines(text), delimiter)
            if _widths_score(records) < sum(1 for record in records if any(record)):
                try:
                    parsed, parsed_starts = _csv_records(text, delimiter)
                except csv.Error:
                    parsed, parsed_starts = [], None
                if _widths_score(parsed) > _widths_score(records):
                    records, starts, ocs_style = parsed, parsed_starts, False
        else:
            try:
                records, starts = _csv_records(text, delimiter)
            except csv.Error:  # a quote opened and never closed swallowed the rest of the file
                records, starts = [], [0]
            if starts is not None:  # a quote opened and never closed may have swallowed lines
                split = _split_lines(_lines(text), delimiter)
                if _widths_score(split) > _widths_score(records):
                    records, starts, ocs_style = split, None, True
        kept = [index for index, record in enumerate(records) if any(record)]
        if len(kept) == len(records):
            rows = records
            numbers = starts if starts is not None else list(range(1, len(records) + 1))
        else:
            rows = [records[index] for index in kept]
            numbers = [starts[index] for index in kept] if starts else [i + 1 for i in kept]
    if not rows:
        raise _error_empty()
    detected = Detected(
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        ocs_style=ocs_style,
        legacy_lines=legacy_lines,
    )
    return _shape(rows, numbers, detected, limits)


# --- Shaping: header row, empty columns, limits ---------------------------------------------


def _find_header(rows: Sequence[Sequence[str]]) -> int:
    """The first of the first rows that fills most of the width and names known columns (a title
    or a row of group labels sits above it in many spreadsheets), else the first row."""
    window = rows[:HEADER_SEARCH_ROWS]
    filled = [sum(1 for cell in row if cell.strip()) for row in window]
    widest = max(filled)
    for index, row in enumerate(window):
        if filled[index] >= HEADER_MIN_FILL * widest and (
            count_known_headers(row) >= HEADER_MIN_KNOWN
        ):
            return index
    return 0


def _column_has_text(rows: Sequence[Sequence[str]], index: int) -> bool:
    cells = map(itemgetter(index), rows)
    return any(cells) and any(cell.strip() for cell in map(itemgetter(index), rows))


def _shape(
    rows: list[list[str]], numbers: list[int], detected: Detected, limits: _Limits
) -> RawTable:
    start = _find_header(rows)
    header = [cell.strip() for cell in rows[start]]
    data, data_numbers = rows[start + 1 :], numbers[start + 1 :]
    if not data:
        raise InventoryFileError(
            "headers_only",
            "The file has column headers but no rows below them. Export the inventory again "
            "with its rows, then try again.",
        )
    if len(data) > limits.max_rows:
        raise _error_too_many_rows(limits.max_rows)
    width = max(len(header), max(map(len, data)))
    named = sum(1 for name in header if name)
    if named > limits.max_columns:
        raise _error_too_many_columns(named, limits.max_columns)
    header += [""] * (width - len(header))
    if min(map(len, data)) < width:
        data = [row if len(row) == width else row + [""] * (width - len(row)) for row in data]
    keep = [index for index in range(width) if header[index] or _column_has_text(data, index)]
    if len(keep) > limits.max_columns:
        raise _error_too_many_columns(len(keep), limits.max_columns)
    if len(keep) < width:
        header = [header[index] for index in keep]
        if keep == list(range(len(keep))):
            data = [row[: len(keep)] for row in data]
        elif len(keep) == 1:
            data = [[row[keep[0]]] for row in data]
        else:
            pick = itemgetter(*keep)
            data = [list(pick(row)) for row in data]
    detected = replace(detected, dropped_columns=width - len(keep))
    return RawTable(header, data, data_numbers, numbers[start], detected)


# --- Spreadsheets ---------------------------------------------------------------------------


class _SheetScan:
    """The used area (rows, columns) of an XLSX worksheet, from its cell references, fed chunk
    by chunk. Literal-prefix searches keep it fast; unusual spellings take a thorough pattern."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        region = self._tail + data
        self._tail = region[-_SCAN_OVERLAP:]
        references: set[tuple[bytes, bytes]] = set()
        if _SPACED_REF.search(region):
            references.update(_LOOSE_REF.findall(region))
        references.update((letters, b"1") for letters in set(_WIDE_COLUMN.findall(region)))
        references.update((b"", digits) for digits in set(_ROW_NUMBER.findall(region)))
        if references:
            self.columns = max(self.columns, 26)  # single letters: at most Z, a bound is enough
        for letters, digits in references:
            self.rows = max(self.rows, int(digits))
            if letters:
                self.columns = max(self.columns, _column_number(letters.upper()))


class _OdsScan:
    """The largest used area of the tables of an ODS content.xml. Rows and cells may carry
    repetition counts (how LibreOffice compresses identical neighbours), which calamine expands:
    the area counts them up to the last cell holding something."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._row = 0  # rows seen so far in the current table
        self._table_rows = 0  # the current table's last row holding something
        self._buffer = b""

    def feed(self, data: bytes) -> None:
        self._buffer += data
        end = self._buffer.rfind(b"</table:table-row>")
        ends = [end + len(b"</table:table-row>")] if end >= 0 else []
        last_table = self._buffer.rfind(b"<table:table ")
        if last_table > (ends[0] if ends else -1):
            ends.append(last_table)  # a new table starts after the last complete row
        if not ends:
            return
        cut = max(ends)
        part, self._buffer = self._buffer[:cut], self._buffer[cut:]
        if not any(token in part for token in _ODS_SLOW_TOKENS):
            # The usual rows: one tag per row and per cell. Count them in C; a row counts as
            # holding something (at worst a few empty rows overstate the area).
            rows = part.count(b"<table:table-row")
            if rows:
                segments = part.split(b"</table:table-row>")
                self.columns = max(self.columns, *map(_COUNT_CELLS, segments))
                self._row += rows
                self._table_rows = self._row
                self.rows = max(self.rows, self._row)
            return
        tables = [match.start() for match in re.finditer(rb"<table:table\s", part)]
        next_table = 0
        for match in _ODS_ROW.finditer(part):
            while next_table < len(tables) and tables[next_table] < match.start():
                self._end_table()
                next_table += 1
            attributes, body = match.group(1), match.group(2) or b""
            repeat = _repetition(attributes, _ODS_ROWS_REPEATED)
            width = _ods_row_width(body)
            self._row += repeat
            if width:
                self._table_rows = self._row
                self.columns = max(self.columns, width)
                self.rows = max(self.rows, self._table_rows)
        for _ in range(next_table, len(tables)):
            self._end_table()

    def _end_table(self) -> None:
        self._row = self._table_rows = 0


def _repetition(attributes: bytes, pattern: re.Pattern[bytes]) -> int:
    if b"-repeated" not in attributes:
        return 1
    match = pattern.search(attributes)
    return max(1, int(match.group(1))) if match else 1


def _ods_row_width(body: bytes) -> int:
    """Columns up to the row's last cell that holds something (0: an empty row)."""
    if b"value-type" not in body and b"<text:" not in body:
        return 0
    if b"number-columns-repeated" not in body:  # the usual dense row: one tag per cell
        return body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell")
    position = width = 0
    for attributes, closing in _ODS_CELL.findall(body):
        position += _repetition(attributes, _ODS_COLUMNS_REPEATED)
        if not closing.endswith(b"/") or b"value-type" in attributes:
            width = position
    return width


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _inflate(
    handle: BinaryIO, info: zipfile.ZipInfo, budget: int, sink: Callable[[bytes], None]
) -> int:
    """Inflate one member from its raw bytes, whatever sizes the archive declares, passing the
    output to ``sink`` chunk by chunk; stop at ``budget`` bytes. Returns the inflated size."""
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) < 30 or not local.startswith(ZIP_MAGIC):
        raise _error_corrupt("bad local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise _error_corrupt(f"compression method {info.compress_type}")
    produced, remaining = 0, info.compress_size
    chunk_size = 1 * MiB
    while remaining > 0:
        chunk = handle.read(min(chunk_size, remaining))
        if not chunk:
            raise _error_corrupt("truncated member")
        remaining -= len(chunk)
        try:
            while chunk:
                if inflater is None:
                    out, chunk = chunk, b""
                else:
                    out = inflater.decompress(chunk, chunk_size)
                    chunk = inflater.unconsumed_tail
                produced += len(out)
                if produced > budget:
                    return produced
                if out:
                    sink(out)
        except zlib.error as error:
            raise _error_corrupt(f"bad deflate data: {error}") from error
    if inflater is not None:
        out = inflater.flush()
        produced += len(out)
        if out and produced <= budget:
            sink(out)
    return produced


def _small_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    return archive.read(info)[:MiB] if info.file_size <= MiB else b""


def _sheet_parts(relations: bytes) -> set[str]:
    """The parts the workbook's relations name as sheets (calamine reads them wherever they are)."""
    parts = set()
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", relations):
        kind = re.search(rb"""Type\s*=\s*["']([^"']*)""", tag)
        target = re.search(rb"""Target\s*=\s*["']([^"']*)""", tag)
        if kind and target and re.search(rb"sheet$", kind.group(1)):
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            parts.add(posixpath.normpath(path).lower())
    return parts


def _check_archive(path: Path, size: int, limits: _Limits, named_as: str | None) -> str:
    """Refuse a dangerous or damaged zip before calamine opens it; return "xlsx" or "ods"."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            names = {info.filename for info in infos}
            mimetype = _small_member(archive, "mimetype")
            relations = _small_member(archive, "xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError) as error:
        raise _error_corrupt(str(error)) from error
    if "xl/workbook.xml" in names:
        fmt = "xlsx"
    elif "content.xml" in names and b"opendocument.spreadsheet" in mimetype:
        fmt = "ods"
    elif named_as:
        raise _error_corrupt("a zip without a workbook")
    else:
        raise _error_binary()
    sheets = _sheet_parts(relations) | {
        name.lower() for name in names if name.lower().startswith("xl/worksheets/")
    }
    ceiling = min(INFLATION_FACTOR * limits.max_bytes, MAX_INFLATED_BYTES)
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if len(infos) > MAX_ARCHIVE_MEMBERS or declared > ceiling:
        raise _error_zip_bomb(declared, size)
    if declared > MiB and declared > MAX_COMPRESSION_RATIO * max(compressed, 1):
        raise _error_zip_bomb(declared, size)
    for info in infos:
        if info.file_size > MiB and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise _error_zip_bomb(declared, size)
        if info.flag_bits & 0x1:
            raise _error_corrupt("encrypted member")

    total = 0
    with path.open("rb") as handle:
        for info in infos:
            name = info.filename.lower()
            is_xml = name.endswith((".xml", ".rels", ".vml"))
            scan: _SheetScan | _OdsScan | None = None
            if fmt == "xlsx" and name in sheets:
                scan = _SheetScan()
            elif fmt == "ods" and name == "content.xml":
                scan = _OdsScan()
            sink = _PartSink(is_xml, scan)
            produced = _inflate(handle, info, info.file_size, sink)
            if produced > info.file_size or total + produced > ceiling:
                raise _error_zip_bomb(max(total + produced, declared), size)
            if produced != info.file_size:
                raise _error_corrupt(f"{info.filename}: size differs from the declared one")
            total += produced
            if scan is not None:
                _check_area(scan.rows, scan.columns)
    return fmt


class _PartSink:
    """Receives a part's inflated bytes: looks for a DOCTYPE in its prolog, feeds the scan."""

    def __init__(self, is_xml: bool, scan: _SheetScan | _OdsScan | None) -> None:
        self.is_xml = is_xml
        self.scan = scan
        self.prolog = b""

    def __call__(self, data: bytes) -> None:
        if self.is_xml and len(self.prolog) < XML_PROLOG_BYTES:
            self.prolog += data[: XML_PROLOG_BYTES - len(self.prolog)]
            if _DOCTYPE.search(self.prolog):
                raise InventoryFileError(
                    "external_entities",
                    "The spreadsheet was not opened: it declares XML entities (a DOCTYPE), which "
                    "spreadsheet programs never write and which can be used to read files on "
                    "the server. Save it again from your spreadsheet program, then try again.",
                )
        if self.scan is not None:
            self.scan.feed(data)


def _check_area(rows: int, columns: int) -> None:
    """calamine allocates a sheet's whole used area at once, and aborts the process when it
    cannot: refuse an area no inventory needs (a few bytes can place a cell at XFD1048576)."""
    if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
        raise _error_corrupt("a cell outside the largest possible sheet")
    if rows * columns > SPREADSHEET_CELL_LIMIT:
        raise InventoryFileError(
            "sheet_too_large",
            f"The sheet is too large to be read: its cells span {rows:,} rows and {columns:,} "
            "columns. Delete what lies around the inventory table (or copy the table alone "
            "into a new file), then try again.",
            rows=rows,
            columns=columns,
        )


def _read_spreadsheet(path: Path, fmt: str, limits: _Limits) -> RawTable:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    text_budget = INFLATION_FACTOR * limits.max_bytes  # characters, against shared-string reuse
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        candidates = [
            index
            for index, meta in enumerate(workbook.sheets_metadata)
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        ] or [0]
        for index in candidates:
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height and sheet.width:
                break
        else:
            raise _error_empty()
        rows: list[list[str]] = []
        positions: list[int] = []
        characters = yielded = 0
        limit = limits.max_rows + HEADER_SEARCH_ROWS
        with bulk_allocation():
            for position, values in enumerate(sheet.iter_rows()):
                yielded = position + 1
                row = [value if type(value) is str else _cell_text(value) for value in values]
                if not any(row):
                    continue
                characters += sum(map(len, row))
                if characters > text_budget:
                    raise InventoryFileError(
                        "sheet_too_large",
                        f"The spreadsheet holds more than {text_budget:,} characters of text, "
                        "too many to be read. Keep only the inventory table, then try again.",
                        limit=text_budget,
                    )
                rows.append(row)
                positions.append(position)
                if len(rows) > limit:
                    raise _error_too_many_rows(limits.max_rows)
    except InventoryFileError:
        raise
    except Exception as error:  # calamine raises its own types for damaged files
        raise _error_corrupt(f"{type(error).__name__}: {error}") from error
    if not rows:
        raise _error_empty()
    # iter_rows starts at the sheet's first row; in case a version starts at the used area's.
    start = sheet.start or (0, 0)
    offset = start[0] if start[0] and yielded <= sheet.height else 0
    numbers = [position + offset + 1 for position in positions]
    return _shape(rows, numbers, Detected(fmt, sheet=sheet.name), limits)
