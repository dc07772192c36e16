"""The pipeline's one entry for reading a file into encoded columns.

Plain delimited text goes through the columnar reader (``fastcsv``) when it can read the file
exactly; everything else (spreadsheets, OCS quirks, files it is unsure of) through the careful
reader (``files``), which also guards against hostile files. Both give the same table."""

from __future__ import annotations

import marshal
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .fastcsv import read_csv_columns
from .files import DEFAULT_MAX_BYTES, Detected, read_inventory_file
from .table import ColumnTable, EncodedColumn


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


def save_table(table: ColumnTable, path: Path) -> None:
    """Keep a table read from a file beside it, in Python's marshal format (texts, numbers and
    bytes only), so that a later step of the same import need not read the file again."""
    path.write_bytes(
        marshal.dumps(
            {
                "header": list(table.header),
                "values": [column.values for column in table.columns],
                "codes": [column.codes.astype(np.int32).tobytes() for column in table.columns],
                "rows": table.row_numbers.astype(np.int64).tobytes(),
                "header_line": table.header_line,
                "detected": asdict(table.detected) if table.detected is not None else None,
                "notes": list(table.notes),
            }
        )
    )


def load_table(path: Path) -> ColumnTable:
    """A table kept by ``save_table``; raises ValueError when the file is not one."""
    try:
        kept = marshal.loads(path.read_bytes())  # noqa: S302 - written by save_table
        columns = [
            EncodedColumn(list(values), np.frombuffer(codes, dtype=np.int32).copy())
            for values, codes in zip(kept["values"], kept["codes"], strict=True)
        ]
        return ColumnTable(
            list(kept["header"]),
            columns,
            np.frombuffer(kept["rows"], dtype=np.int64).copy(),
            header_line=int(kept["header_line"]),
            detected=Detected(**kept["detected"]) if kept["detected"] else None,
            notes=list(kept["notes"]),
        )
    except (OSError, EOFError, ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{path.name}: not a kept table ({error})") from error
