"""The columnar reader: a plain delimited text file straight into dictionary-encoded columns.

The careful reader (``files.read_inventory_file``) builds a Python list per row and a string per
cell: about three seconds for a million rows. This one lets polars parse the rows (in Rust, on
every core) and encode each column as its distinct texts plus one integer code per row, so that
no Python code runs per cell; only the distinct texts are stripped, in Python, as the careful
reader strips them. See docs/adr/0003-columnar-csv-reader.md.

It reads only what it can read *exactly* as the careful reader does (same header, same rows as
stripped texts, same row numbers, same ``Detected``), and returns None for anything else, so that
the caller falls back to the careful reader, which also words every refusal for the user:
spreadsheets, files over a limit, binary or HTML files, OCS Inventory exports (lines ending with
the delimiter), line ends made of a lone CR, a quoted value that spans lines, quotes it cannot
prove both readers read alike, rows wider than the header's region, and so on.

How the careful reader's steps are mirrored:
- Encoding: UTF-16 with a BOM and Windows-1252 are transcoded to UTF-8 first (only then); UTF-8,
  with or without BOM, is handed over as it is and polars checks it (a file that is not valid
  UTF-8 is then read as Windows-1252, as the careful reader does).
- The top of the file (its first million characters) is read with the careful reader's own
  functions and Python's csv module: ``sep=`` line, delimiter, the hostile-file guards, and the
  header among the first non-blank rows (title rows above it are left out). Polars parses the
  rest, one row per line (checked: as many rows as lines).
- Blank rows (every cell empty) are dropped, keeping each row's line number; empty columns
  (no header, no text) are dropped; cells are stripped; rows shorter than the header are padded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .files import (
    _CONTROL,
    _SEP_LINE,
    DELIMITERS,
    HEADER_SEARCH_ROWS,
    OLE_MAGIC,
    SPREADSHEET_SUFFIXES,
    UTF8_SEQUENCE,
    ZIP_MAGIC,
    Detected,
    _choose_delimiter,
    _find_header,
)
from .table import ColumnTable, EncodedColumn

HEAD_CHARACTERS = 1_000_000  # the careful reader looks for title rows and guards within these
SAMPLE_CHARACTERS = 65_536  # ...and sniffs the delimiter and binary content within these
QUOTED_LINES_CHECKED = 50_000  # lines with irregular quotes compared with the csv module, at most
QUOTE, NEWLINE, CARRIAGE_RETURN = ord('"'), ord("\n"), ord("\r")


class _NotUtf8(Exception):
    """The bytes are not valid UTF-8: the careful reader would decode them as Windows-1252."""


def read_csv_columns(
    path: Path,
    *,
    max_bytes: int | None = None,
    max_columns: int = 500,
    max_rows: int | None = None,
) -> ColumnTable | None:
    """The file as encoded columns, exactly as ``ColumnTable.from_raw(read_inventory_file(...))``
    would give it with the same limits, or None when this reader cannot promise that (the
    caller then uses the careful reader). ``max_bytes``/``max_rows`` None: no limit."""
    try:
        size = path.stat().st_size
        if size == 0 or (max_bytes is not None and size > max_bytes):
            return None
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if raw.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
        if "\x00" in text:
            return None
        return _attempt(text.encode("utf-8"), "utf-16", max_columns, max_rows)
    if b"\x00" in raw:
        return None
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return _attempt(raw[len(codecs.BOM_UTF8) :], "utf-8-sig", max_columns, max_rows)
        except _NotUtf8:
            return None  # the careful reader would read the BOM itself as Windows-1252 text
    if not raw.isascii():
        try:
            return _attempt(raw, "utf-8", max_columns, max_rows)
        except _NotUtf8:
            pass
        if UTF8_SEQUENCE.search(raw):
            return None  # UTF-8 and Windows-1252 lines mixed: the careful reader reads each
        cp1252 = raw.decode("cp1252", errors="replace").encode("utf-8")
        try:
            return _attempt(cp1252, "cp1252", max_columns, max_rows)
        except _NotUtf8:  # pragma: no cover - transcoded text is valid UTF-8
            return None
    try:
        return _attempt(raw, "utf-8", max_columns, max_rows)
    except _NotUtf8:  # pragma: no cover - ASCII is valid UTF-8
        return None


def _head(data: bytes) -> str:
    """The first characters of the text (whole characters only; raises _NotUtf8)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = data[: 4 * HEAD_CHARACTERS]
    try:
        return decoder.decode(chunk, final=len(chunk) == len(data))[:HEAD_CHARACTERS]
    except UnicodeDecodeError as error:
        raise _NotUtf8 from error


def _attempt(
    data: bytes, encoding: str, max_columns: int, max_rows: int | None
) -> ColumnTable | None:
    """Read UTF-8 ``data`` (no BOM) whose original ``encoding`` the careful reader reports."""
    head = _head(data)
    whole = len(head.encode("utf-8")) == len(data)
    sample = head[:SAMPLE_CHARACTERS]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        return None  # binary
    if not head.strip() or sample.lstrip()[:1] == "<":
        return None  # empty, or a web page
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # lone CR line ends: the csv module and polars split lines differently
    sep = _SEP_LINE.match(head)
    if sep:
        delimiter, head = sep.group(1), "\n" + head[sep.end() :]
        if delimiter not in DELIMITERS:
            return None
    else:
        delimiter = _choose_delimiter(head)
    # numpy counts a byte about twice as fast as bytes.count when it is on every line
    newlines = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == NEWLINE))
    if max_rows is not None and newlines > 2 * max_rows + 1000:
        return None
    for line in head.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]:
        if line.rstrip(delimiter + " \t\r").count(delimiter) + 1 > 2 * max_columns + 100:
            return None
    complete = head if whole else head[: head.rfind("\n") + 1]
    # OCS Inventory exports (every line ends with the delimiter) are split without quote rules:
    # one line of the top that ends otherwise proves that the file is not one.
    ends = re.compile(rf"[^{re.escape(delimiter)}\s][ \t\r]*$", re.MULTILINE)
    if ends.search(complete) is None:
        return None
    top = _top_records(complete, delimiter)
    if top is None:
        return None
    records, lines = top
    start = _find_header(records)
    header_record, header_line = records[start], lines[start]
    width = max(len(record) for record in records[start:])
    if header_line >= newlines + (0 if data.endswith(b"\n") else 1):
        return None  # nothing below the header: the careful reader says "headers only"
    parsed = _parse(data, newlines, header_line, delimiter, width)
    if parsed is None:
        return None
    columns, blank = parsed
    numbers = np.arange(header_line + 1, header_line + 1 + len(blank), dtype=np.int64)
    keep_rows: npt.NDArray[np.intp] | None = None
    if blank.any():
        keep_rows = np.flatnonzero(~blank)
        numbers = numbers[keep_rows]
    if len(numbers) == 0:
        return None
    if max_rows is not None and len(numbers) > max_rows:
        return None
    encoded: list[EncodedColumn] = []
    for values, codes in columns:
        coded = _encode(values, codes, keep_rows)
        if coded is None:
            return None
        encoded.append(coded)
    header = [cell.strip() for cell in header_record]
    header += [""] * (width - len(header))
    if sum(1 for name in header if name) > max_columns:
        return None
    keep = [
        index
        for index, column in enumerate(encoded)
        if header[index] or any(value for value in column.values)
    ]
    if len(keep) > max_columns:
        return None
    detected = Detected(
        "csv", encoding=encoding, delimiter=delimiter, dropped_columns=width - len(keep)
    )
    return ColumnTable(
        [header[index] for index in keep],
        [encoded[index] for index in keep],
        numbers,
        header_line=header_line,
        detected=detected,
    )


def _top_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]] | None:
    """The first non-blank records of the top of the file and their lines, read by the csv
    module as the careful reader reads them; None when a record spans lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    lines: list[int] = []
    try:
        for line, record in enumerate(reader, start=1):
            if reader.line_num != line:
                return None
            if any(record):
                records.append(record)
                lines.append(line)
                if len(records) == HEADER_SEARCH_ROWS:
                    break
    except csv.Error:
        return None
    return (records, lines) if records else None


RawColumn = tuple[list[str], npt.NDArray[np.integer[Any]]]


def _parse(
    data: bytes,
    newlines: int,
    header_line: int,
    delimiter: str,
    width: int,
) -> tuple[list[RawColumn], npt.NDArray[np.bool_]] | None:
    """The rows below the header line, one per line, as polars reads them: per column the
    distinct texts as they are in the file (first-seen order) and each row's code, and which
    rows are blank; None when polars reads them otherwise than the csv module would."""
    import polars as pl

    names = [f"c{index}" for index in range(width)]
    # Read straight into categorical columns over a category space of this file's own: each
    # text is hashed once while parsing, and a row's code comes out as an integer.
    texts = pl.Categorical(pl.Categories.random())
    try:
        frame = pl.read_csv(
            data,
            separator=delimiter,
            has_header=False,
            schema=dict.fromkeys(names, texts),
            quote_char='"',
            skip_lines=header_line,
            missing_columns="insert",  # a short first row is padded like the others
        )
    except Exception as error:
        if "utf-8" in str(error).lower() or "utf8" in str(error).lower():
            raise _NotUtf8 from error
        return None  # rows wider than the header's, stray quotes...
    lines = newlines - header_line + (0 if data.endswith(b"\n") else 1)
    if frame.height != lines:
        return None  # a quoted value spans lines
    offset = 0  # just after the header line's end
    for _ in range(header_line):
        offset = data.index(b"\n", offset) + 1
    if data.find(b'"', offset) >= 0 and not _quotes_agree(data, offset, delimiter, frame):
        return None
    # Each column's distinct texts in first-seen order, and each row's rank among them: the
    # categories' integer ids carried to ranks with one numpy indexing.
    filled = frame.select([pl.col(name).fill_null("") for name in names])
    firsts = filled.select([pl.col(name).unique(maintain_order=True).implode() for name in names])
    columns: list[RawColumn] = []
    blank = np.ones(frame.height, dtype=np.bool_)
    for name in names:
        distinct = firsts.get_column(name).explode()
        values: list[str] = distinct.cast(pl.String).to_list()
        ids = distinct.to_physical().to_numpy()
        row_ids = filled.get_column(name).to_physical().to_numpy()
        rank = np.zeros(int(max(ids.max(initial=0), row_ids.max(initial=0))) + 1, np.int32)
        rank[ids] = np.arange(len(ids), dtype=np.int32)
        column_codes = rank[row_ids]
        if "" in values:
            blank &= column_codes == values.index("")
        else:
            blank[:] = False
        columns.append((values, column_codes))
    return columns, blank


def _quotes_agree(data: bytes, offset: int, delimiter: str, frame: Any) -> bool:
    """Whether polars read the quoted cells as the csv module does. Quotes that all wrap whole
    cells on one line ("a;b") are read alike; other lines (doubled quotes, quotes inside a cell)
    are read again with the csv module and compared, when there are not too many of them."""
    region = memoryview(data)[offset:]
    array = np.frombuffer(region, dtype=np.uint8)
    quotes = np.flatnonzero(array == QUOTE)
    newlines = np.flatnonzero(array == NEWLINE)
    separator = ord(delimiter)
    if len(quotes) % 2 == 0:
        opening, closing = quotes[0::2], quotes[1::2]
        before = array[np.maximum(opening - 1, 0)]
        after = array[np.minimum(closing + 1, len(array) - 1)]
        opens_cell = (opening == 0) | (before == separator) | (before == NEWLINE)
        closes_cell = (
            (closing == len(array) - 1)
            | (after == separator)
            | (after == NEWLINE)
            | (after == CARRIAGE_RETURN)
        )
        one_line = np.searchsorted(quotes, newlines) % 2 == 0
        if opens_cell.all() and closes_cell.all() and one_line.all():
            return True
    rows = np.unique(np.searchsorted(newlines, quotes))
    if len(rows) > QUOTED_LINES_CHECKED:
        return False
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [len(array)]])
    width = frame.width
    polars_rows = frame[rows.tolist()].rows()
    for row, cells in zip(rows.tolist(), polars_rows, strict=True):
        line = bytes(region[starts[row] : ends[row]]).decode("utf-8")
        try:
            records = list(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter))
        except csv.Error:
            return False
        if len(records) != 1 or len(records[0]) > width:
            return False
        expected = records[0] + [""] * (width - len(records[0]))
        if expected != ["" if cell is None else cell for cell in cells]:
            return False
    return True


def _encode(
    raw_values: list[str], codes: npt.NDArray[np.integer[Any]], rows: npt.NDArray[np.intp] | None
) -> EncodedColumn | None:
    """An ``EncodedColumn`` of the kept rows: distinct stripped texts in first-seen order (as
    ``EncodedColumn.encode`` gives them) and each row's code; None when a cell is longer than
    the csv module accepts."""
    if max(map(len, raw_values), default=0) >= csv.field_size_limit():
        return None
    if rows is not None:
        # Blank rows left out: keep the values still present, in their new first-seen order.
        codes = codes[rows]
        present, first = np.unique(codes, return_index=True)
        order = present[np.argsort(first)]
        rank = np.zeros(len(raw_values), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        raw_values = [raw_values[index] for index in order.tolist()]
        codes = rank[codes]
    stripped = [value.strip() for value in raw_values]
    if len(set(stripped)) == len(stripped):
        return EncodedColumn(stripped, codes.astype(np.int32, copy=False))
    # Texts that differ only by spaces around them become one value, at the rank of the first.
    ranks: dict[str, int] = {}
    remap = np.array([ranks.setdefault(value, len(ranks)) for value in stripped], dtype=np.int32)
    return EncodedColumn(list(ranks), remap[codes])
