"""The pipeline's one entry for reading a file into encoded columns.

Plain delimited text goes through the columnar reader (``fastcsv``) when it can read the file
exactly; everything else (spreadsheets, OCS quirks, files it is unsure of) through the careful
reader (``files``), which also guards against hostile files. Both give the same table."""

from __future__ import annotations

from pathlib import Path

from .fastcsv import read_csv_columns
from .files import DEFAULT_MAX_BYTES, read_inventory_file
from .table import ColumnTable


def read_columns(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_columns: int = 500,
    max_rows: int = 1_000_000,
) -> ColumnTable:
    """Read ``path`` into a ``ColumnTable``; raise ``files.InventoryFileError`` when it cannot."""
    table = read_csv_columns(
        Path(path), max_bytes=max_bytes, max_columns=max_columns, max_rows=max_rows
    )
    if table is not None:
        return table
    raw = read_inventory_file(
        Path(path), max_bytes=max_bytes, max_columns=max_columns, max_rows=max_rows
    )
    return ColumnTable.from_raw(raw)
