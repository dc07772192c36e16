"""A file's table held column by column, each column dictionary-encoded.

Inventories repeat the same few texts over thousands of rows (one model, one site, one status for
hundreds of devices), so every step of the pipeline works on a column's *distinct* texts and
carries the answer back to the rows with one numpy indexing: ``answer_per_value[column.codes]``.
Parsing a million dates is then parsing a few thousand, and no step loops over the rows in Python.

``EncodedColumn.values`` are the distinct texts, stripped (the empty text included when present);
``codes[i]`` is row ``i``'s index into them. ``ColumnTable.row_numbers[i]`` is row ``i``'s line in
the file (1-based, as an editor or a spreadsheet shows it), for messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int32]
RowIndex = npt.NDArray[np.intp]


def factor(
    keys: npt.NDArray[np.integer[Any]], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """(sorted distinct keys, the row of each one's first occurrence, each row's index among
    them) for integer keys in [0, size): ``np.unique`` without its sort when the range is small
    (a presence table), which is the common case of codes packed together."""
    n = len(keys)
    if size > 4 * n + 4096:
        distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return distinct.astype(np.int64), first.astype(np.int64), inverse.reshape(-1)
    first_of = np.full(size, n, dtype=np.int64)
    # Assigning in reverse order leaves each key's earliest row (the last write wins).
    first_of[keys[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
    distinct = np.flatnonzero(first_of < n).astype(np.int64)
    rank = np.zeros(size, dtype=np.intp)
    rank[distinct] = np.arange(len(distinct), dtype=np.intp)
    return distinct, first_of[distinct], rank[keys]


@dataclass(frozen=True)
class EncodedColumn:
    """``values``: distinct stripped texts; ``codes``: each row's index into ``values``."""

    values: list[str]
    codes: Codes

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def empty(cls, n: int) -> EncodedColumn:
        """A column that is not in the file: every row has the empty text."""
        return cls([""], np.zeros(n, dtype=np.int32))

    @classmethod
    def encode(cls, cells: Iterable[str]) -> EncodedColumn:
        """Encode texts (stripped first); the distinct values keep their first-seen order."""
        index: dict[str, int] = {}
        setdefault = index.setdefault
        # ``setdefault(text, len(index))`` runs in C for every cell: the dict grows only on new
        # texts, so the code of a text is its first-seen rank.
        codes = np.fromiter(
            (setdefault(text, len(index)) for text in map(str.strip, cells)), dtype=np.int32
        )
        return cls(list(index), codes)

    def cells(self) -> list[str]:
        """Every row's text (for the few steps that need rows, e.g. storing them)."""
        return list(map(self.values.__getitem__, self.codes.tolist()))

    def map_values(
        self, answer: Sequence[Any] | npt.NDArray[Any], dtype: Any = None
    ) -> npt.NDArray[Any]:
        """Per-row array of ``answer[value index]`` (``answer`` has one entry per value); when
        every value has the same answer (often a column the file lacks), filled without indexing."""
        answers = np.asarray(answer, dtype=dtype)
        if len(answers) == 1 or (len(answers) and (answers == answers[0]).all()):
            return np.full(len(self.codes), answers[0], dtype=answers.dtype)
        return answers[self.codes]

    def nonempty(self) -> npt.NDArray[np.bool_]:
        """Which rows hold a text."""
        return self.per_value(bool)

    def take(self, rows: RowIndex) -> EncodedColumn:
        """The column restricted to some rows (values are kept, unused ones included)."""
        return EncodedColumn(self.values, self.codes[rows])

    @classmethod
    def recode(cls, answers: Sequence[str], codes: npt.NDArray[np.integer[Any]]) -> EncodedColumn:
        """The column whose row ``i`` holds ``answers[codes[i]]``: an answer computed once per
        distinct value, carried to the rows (equal answers share one value)."""
        ranks: dict[str, int] = {}
        remap = np.array([ranks.setdefault(text, len(ranks)) for text in answers], dtype=np.int32)
        if len(ranks) <= 1:  # one answer for every row (a column the file lacks): no indexing
            return cls(list(ranks) or [""], np.zeros(len(codes), dtype=np.int32))
        return cls(list(ranks), remap[codes])

    def assign(self, rows: RowIndex, other: EncodedColumn) -> EncodedColumn:
        """A copy whose ``rows`` hold ``other``'s texts (``other`` has one code per row given)."""
        if len(rows) == 0:
            return self
        codes = self.codes.copy()
        codes[rows] = other.codes + len(self.values)
        return EncodedColumn.recode([*self.values, *other.values], codes)

    def fill(self, rows: RowIndex, text: str) -> EncodedColumn:
        """A copy whose ``rows`` hold ``text``."""
        return self.assign(rows, EncodedColumn([text], np.zeros(len(rows), dtype=np.int32)))

    def per_value(self, predicate: Any) -> npt.NDArray[np.bool_]:
        """Per-row truth of ``predicate(text)``, computed once per distinct text."""
        return self.map_values([bool(predicate(value)) for value in self.values], np.bool_)

    def take_all(self, rows: RowIndex | None) -> EncodedColumn:
        """``take(rows)``, or the column itself when ``rows`` is None (every row kept)."""
        return self if rows is None else self.take(rows)


@dataclass
class ColumnTable:
    """A file's header and its non-blank rows, as encoded columns of equal length."""

    header: list[str]
    columns: list[EncodedColumn]
    row_numbers: npt.NDArray[np.int64]
    header_line: int = 1
    detected: Any = None  # files.Detected: how the file was read
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)

    @classmethod
    def from_rows(
        cls,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        row_numbers: Sequence[int],
        *,
        header_line: int = 1,
        detected: Any = None,
    ) -> ColumnTable:
        """Encode rows that are exactly as wide as the header (``files.RawTable`` guarantees it)."""
        n = len(rows)
        columns = [
            EncodedColumn.encode(map(itemgetter(index), rows)) if n else EncodedColumn.empty(0)
            for index in range(len(header))
        ]
        return cls(
            list(header),
            columns,
            np.asarray(row_numbers, dtype=np.int64),
            header_line=header_line,
            detected=detected,
        )

    @classmethod
    def from_raw(cls, raw: Any) -> ColumnTable:
        """From ``files.RawTable`` (header, rows, row_numbers, header_line, detected)."""
        return cls.from_rows(
            raw.header,
            raw.rows,
            raw.row_numbers,
            header_line=raw.header_line,
            detected=raw.detected,
        )

    def take(self, rows: RowIndex) -> ColumnTable:
        """The table restricted to some rows, in the given order."""
        return ColumnTable(
            self.header,
            [column.take(rows) for column in self.columns],
            self.row_numbers[rows],
            header_line=self.header_line,
            detected=self.detected,
            notes=list(self.notes),
        )
