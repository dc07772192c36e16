"""Read a table of text cells from CSV (any usual encoding and delimiter) or a spreadsheet."""

from __future__ import annotations

import csv
import gc
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cells are created.

    Strings and lists of cells form no reference cycles, yet the collector would scan them again
    and again as they pile up: pausing it halves the time to read a million rows."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # The cells outlive this block; freezing them keeps the collector from scanning them
        # all at its next pass (they are still freed as usual when no longer referenced).
        gc.freeze()
        if was_enabled:
            gc.enable()


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 (Excel's French CSV)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def sniff_delimiter(sample: str) -> str:
    first_line = sample.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t", "|")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Table(NamedTuple):
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]  # each row's number in the file as a spreadsheet shows it (1-based)


MAX_SHEET_CELLS = 25_000_000  # rows x columns of a sheet's used area: calamine allocates it
MAX_INFLATED_BYTES = 500 * 1024 * 1024
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,9})"')
_REPEATED = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def check_spreadsheet(path: Path) -> None:
    """Refuse, before calamine opens it, a spreadsheet that would exhaust memory: a zip that
    inflates past 500 MB, or a sheet whose used area (the box around its cells, which calamine
    allocates whole) exceeds 25 million cells, however small the file."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return  # not a zip (old .xls): calamine reports damage itself
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_INFLATED_BYTES:
            raise UnreadableFile(
                f"{path}: this spreadsheet would unpack to an unreasonable size; refused for safety"
            )
        for member in members:
            name = member.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                rows = columns = 0
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        block = tail + chunk
                        for letters, digits in _CELL_REF.findall(block):
                            columns = max(columns, _column_number(letters))
                            rows = max(rows, int(digits))
                        tail = block[-64:]
                if rows * columns > MAX_SHEET_CELLS:
                    raise UnreadableFile(
                        f"{path}: a sheet's used area ({rows:,} rows × "
                        f"{columns:,} columns) is far too large; copy the "
                        "useful cells into a new file"
                    )
            elif name == "content.xml":  # OpenDocument: repeated rows and columns
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        if any(int(value) > 100_000 for value in _REPEATED.findall(chunk)):
                            raise UnreadableFile(
                                f"{path}: a sheet repeats rows or columns "
                                "far too many times; refused for safety"
                            )


def read_table(path: Path) -> Table:
    """Header and rows of the file's first sheet or of the CSV. Blank rows are dropped, but every
    row keeps its number in the file so that messages point at the right line."""
    if not path.exists():
        raise UnreadableFile(f"{path}: no such file")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        try:
            from python_calamine import CalamineWorkbook

            check_spreadsheet(path)
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            cells = [
                [_cell_text(value) for value in row]
                for row in sheet.to_python(skip_empty_area=False)
            ]
        except UnreadableFile:
            raise
        except Exception as error:  # calamine raises its own types for damaged files
            raise UnreadableFile(f"{path}: not a readable spreadsheet ({error})") from error
    else:
        text = decode(path.read_bytes())
        if "\x00" in text[:4096]:
            raise UnreadableFile(f"{path}: looks binary, not a CSV file (export it as CSV or XLSX)")
        delimiter = sniff_delimiter(text[:65536])
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    # A row is blank when all its cells are empty (any() stays in C: no join per row).
    numbers = [number for number, row in enumerate(cells, start=1) if any(row)]
    if not numbers:
        raise UnreadableFile(f"{path}: the file is empty")
    header = [cell.strip() for cell in cells[numbers[0] - 1]]
    if len(numbers) == len(cells):  # no blank row: skip copying a million rows
        return Table(header, cells[1:], numbers[1:])
    return Table(header, [cells[number - 1] for number in numbers[1:]], numbers[1:])
