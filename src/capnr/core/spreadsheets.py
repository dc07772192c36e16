"""CSV and XLSX files for download, safe to open in a spreadsheet: every app's exports write
through these.

Text that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
carriage return) gets a leading apostrophe, so a device name such as `=HYPERLINK(...)` typed in
an inventory cannot run when someone opens the export (CSV/formula injection). Only text is
touched: pass figures as `int`, `float` or `Decimal`, not as preformatted strings, or a negative
figure written as text ("-3") will be prefixed too.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["csv_bytes", "neutralise", "xlsx_bytes"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
# Control characters XML (hence XLSX) cannot hold; tab, newline and carriage return are allowed.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_TEXT_MAX = 32767  # characters Excel keeps in a cell
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60

T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """The value, or for a text starting like a formula the same text after an apostrophe.

    `"=1+1"` -> `"'=1+1"`; `"-"` -> `"'-"`; numbers, dates and `None` are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _decimal_text(value: float | Decimal) -> str:
    """A number in plain positional notation (never "1e-05"), without a useless ".0"."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        value = Decimal(repr(value))
    elif not value.is_finite():
        return ""
    text = format(value, "f")
    return text[:-2] if text.endswith(".0") else text


def _csv_cell(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = _decimal_text(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    return str(neutralise(str(value)))


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ";"
) -> bytes:
    """A CSV file: UTF-8 with a byte order mark (so Excel reads accents right), CRLF line ends.

    Every text cell (the header too) goes through `neutralise`. `None` is an empty cell, dates
    are ISO 8601, and with the default ";" delimiter (French Excel) floats and decimals are
    written with a decimal comma ("12,5"), never in scientific notation; NaN and infinities are
    empty cells. Cells holding the delimiter, quotes or line breaks are quoted."""
    decimal_comma = delimiter == ";"
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_csv_cell(cell, decimal_comma) for cell in header])
    for row in rows:
        writer.writerow([_csv_cell(cell, decimal_comma) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: object) -> Any:
    """A value openpyxl stores as a number, a date or plain text (never as a formula)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, datetime):
        # Excel has no time zones: keep the wall-clock time of the value as given (pass
        # `timezone.localtime(value)` for the user's time).
        return value.replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return neutralise(_ILLEGAL_IN_XLSX.sub("", str(value))[: XLSX_TEXT_MAX - 1])


def _display_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_title(title: str, taken: set[str], number: int) -> str:
    """A title Excel accepts: no \\ / * ? : [ ], no apostrophe at either end, 1 to 31 characters,
    unique in the workbook (case-insensitive)."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", _ILLEGAL_IN_XLSX.sub("", str(title)))
    cleaned = " ".join(cleaned.split()).strip("'").strip()
    cleaned = cleaned[:SHEET_TITLE_MAX].rstrip("' ") or f"Sheet{number}"
    candidate, copy = cleaned, 2
    while candidate.casefold() in taken:
        suffix = f" ({copy})"
        candidate = cleaned[: SHEET_TITLE_MAX - len(suffix)].rstrip("' ") + suffix
        copy += 1
    taken.add(candidate.casefold())
    return candidate


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """An Excel workbook with one sheet per `(title, header, rows)`, written by openpyxl in
    write-only mode.

    The header row is bold and frozen; column widths follow the longest content (8 to 60
    characters). Numbers stay numbers (NaN and infinities become empty cells), dates stay dates
    (aware datetimes lose their time zone: localise them first), and every text cell goes through
    `neutralise`, so nothing is ever stored as a formula. Sheet titles are made valid for Excel:
    forbidden characters replaced, cut to 31 characters, made unique. The rows of each sheet are
    read into memory once, to size the columns before writing."""
    if not sheets:
        raise ValueError("an XLSX export needs at least one sheet")
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Cap NR"
    bold = Font(bold=True)
    taken: set[str] = set()
    for number, (title, header, rows) in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(_sheet_title(title, taken, number))
        head = [_xlsx_cell(cell) for cell in header]
        body = [[_xlsx_cell(cell) for cell in row] for row in rows]
        columns = max([len(head), *(len(row) for row in body)])
        widths = [0] * columns
        for row in [head, *body]:
            for index, cell in enumerate(row):
                widths[index] = max(widths[index], _display_length(cell))
        for index, width in enumerate(widths, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = min(
                max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
            )
        if head:
            sheet.freeze_panes = "A2"
            header_cells = []
            for value in head:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header_cells.append(cell)
            sheet.append(header_cells)
        for row in body:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
