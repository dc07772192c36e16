"""Which column of an inventory file fills which inventory field: suggestions, saved mappings.

Pure Python (no Django). Header names are compared once normalised (``normalise_header``); the
known names are data, in ``data/header_vocabulary.csv``. A mapping is ``{column index: field}``;
its saved form is ``{header key: field}`` (JSON-friendly), so that a mapping confirmed once for an
organisation is applied again to its next export with the same columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib.resources import files
from operator import itemgetter
from typing import NamedTuple, Protocol

from capnr.engine.assets import normalise_name

FIELDS = (
    "name",
    "category",
    "type",
    "manufacturer",
    "model",
    "serial_number",
    "inventory_number",
    "site",
    "entity",
    "department",
    "purchase_date",
    "retirement_date",
    "lifetime_years",
    "quantity",
    "status",
    "os_name",
    "country",
    "annual_kwh",
    "user",
)
FUZZY_CUTOFF = 0.85  # difflib ratio between normalised names below which nothing is suggested

_VOCABULARY = files("capnr.engine") / "data" / "intake" / "header_vocabulary.csv"


class MappingError(ValueError):
    """A mapping that cannot be applied (unknown field, a field twice, no such column)."""


class MappingSuggestion(NamedTuple):
    column_index: int
    header: str
    field: str | None
    confidence: float  # 1.0 for a known header, the similarity for a near one, 0.0 for none


class MappedRow(NamedTuple):
    row_number: int  # the row's line in the file (1-based), for messages
    values: dict[str, str]  # field -> stripped cell text, for the mapped fields only


class TableLike(Protocol):
    """What ``apply_mapping`` needs of a table (``reading.RawTable`` has it)."""

    @property
    def header(self) -> list[str]: ...

    @property
    def rows(self) -> list[list[str]]: ...

    @property
    def row_numbers(self) -> list[int]: ...


def normalise_header(text: str) -> str:
    """'Numéro de série' -> 'numero_de_serie' (the engine's rule for its own headers)."""
    return normalise_name(text)


@cache
def header_vocabulary() -> dict[str, str]:
    """Normalised header name -> field, from ``data/header_vocabulary.csv`` (checked on load)."""
    text = _VOCABULARY.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    vocabulary: dict[str, str] = {}
    for number, row in enumerate(csv.DictReader(lines), start=2):
        header, field = row["header"], row["field"].strip()
        key = normalise_header(header)
        if field not in FIELDS:
            raise ValueError(f"header_vocabulary.csv, entry {number}: unknown field {field!r}")
        if not key:
            raise ValueError(f"header_vocabulary.csv, entry {number}: empty header {header!r}")
        if vocabulary.get(key, field) != field:
            raise ValueError(
                f"header_vocabulary.csv, entry {number}: {header!r} is already mapped to "
                f"{vocabulary[key]!r}"
            )
        vocabulary[key] = field
    return vocabulary


def count_known_headers(cells: Sequence[str]) -> int:
    """How many cells are headers of the vocabulary, exactly (to recognise a header row)."""
    vocabulary = header_vocabulary()
    return sum(1 for cell in cells if cell and normalise_header(cell) in vocabulary)


@lru_cache(maxsize=4096)
def _match_normalised(name: str) -> tuple[str | None, float]:
    vocabulary = header_vocabulary()
    if not name:
        return None, 0.0
    if name in vocabulary:
        return vocabulary[name], 1.0
    # difflib.get_close_matches' approach: cheap upper bounds first, the full ratio last.
    matcher = SequenceMatcher()
    matcher.set_seq2(name)
    best_field: str | None = None
    best = 0.0
    for known, field in vocabulary.items():
        matcher.set_seq1(known)
        if (
            matcher.real_quick_ratio() >= FUZZY_CUTOFF
            and matcher.quick_ratio() >= FUZZY_CUTOFF
            and (ratio := matcher.ratio()) >= FUZZY_CUTOFF
            and ratio > best
        ):
            best_field, best = field, ratio
    return best_field, round(best, 3)


def match_header(text: str) -> tuple[str | None, float]:
    """The field a single header most likely names, and how sure that is (0 to 1)."""
    return _match_normalised(normalise_header(text))


def header_keys(header: Sequence[str]) -> list[str]:
    """Stable keys of the columns, used by saved mappings: the normalised name, "#2", "#3"… added
    to repeated names, "column_N" for a column without a name (N counted from 1)."""
    keys = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = normalise_header(raw) or f"column_{index + 1}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def suggest_mapping(
    header: Sequence[str], *, saved: Mapping[str, str] | None = None
) -> list[MappingSuggestion]:
    """One suggestion per column. Each field goes to one column at most: the most confident
    (the leftmost on a tie); a column that loses its field gets None.

    With ``saved`` (an earlier ``mapping_to_saved``), the columns it knows keep their saved field
    (or stay unmapped when it says "") with confidence 1.0; the others are suggested as usual
    among the fields still free."""
    keys = header_keys(header)
    decided: dict[int, str | None] = {}
    if saved:
        for index, key in enumerate(keys):
            if key in saved:
                field = saved[key] or None
                decided[index] = field if field in FIELDS else None
    taken = {field for field in decided.values() if field}
    guesses = {index: match_header(raw) for index, raw in enumerate(header) if index not in decided}
    ranked = sorted(
        ((-confidence, index, field) for index, (field, confidence) in guesses.items() if field),
    )
    winners: dict[int, str] = {}
    for _, index, field in ranked:
        if field not in taken:
            taken.add(field)
            winners[index] = field
    suggestions = []
    for index, raw in enumerate(header):
        if index in decided:
            field = decided[index]
            suggestions.append(MappingSuggestion(index, raw, field, 1.0 if field else 0.0))
        elif index in winners:
            suggestions.append(MappingSuggestion(index, raw, winners[index], guesses[index][1]))
        else:
            suggestions.append(MappingSuggestion(index, raw, None, 0.0))
    return suggestions


def mapping_from_suggestions(suggestions: Sequence[MappingSuggestion]) -> dict[int, str]:
    """The mapping the suggestions propose (column index -> field)."""
    return {s.column_index: s.field for s in suggestions if s.field}


def check_mapping(header: Sequence[str], mapping: Mapping[int, str]) -> None:
    """Raise ``MappingError`` unless every column exists and every field is known and used once."""
    used: dict[str, int] = {}
    for index, field in mapping.items():
        if not 0 <= index < len(header):
            raise MappingError(f"There is no column number {index + 1} in this file.")
        if field not in FIELDS:
            raise MappingError(f"{field!r} is not an inventory field.")
        if field in used:
            raise MappingError(
                f"The field {field!r} is given to two columns: {header[used[field]]!r} and "
                f"{header[index]!r}. Keep only one."
            )
        used[field] = index


def mapping_to_saved(header: Sequence[str], mapping: Mapping[int, str]) -> dict[str, str]:
    """The mapping in a form worth storing: header key -> field ("" for a column left out)."""
    check_mapping(header, mapping)
    return {key: mapping.get(index, "") for index, key in enumerate(header_keys(header))}


def mapping_from_saved(header: Sequence[str], saved: Mapping[str, str]) -> dict[int, str]:
    """A saved mapping applied to a file's header: the columns it knows, by key. Unknown fields
    (from an older version) and a field met twice are left out."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, key in enumerate(header_keys(header)):
        field = saved.get(key, "")
        if field in FIELDS and field not in used:
            mapping[index] = field
            used.add(field)
    return mapping


def saved_mapping_covers(header: Sequence[str], saved: Mapping[str, str]) -> bool:
    """True when the saved mapping knows every column of this header (it can be applied again
    without asking)."""
    return all(key in saved for key in header_keys(header))


def mapped_columns(table: TableLike, mapping: Mapping[int, str]) -> dict[str, list[str]]:
    """Field -> its column, stripped, one cell per row (C-level picking: no loop per cell).
    Rows must be as wide as the header, as ``reading.read_inventory_file`` guarantees."""
    check_mapping(table.header, mapping)
    return {
        field: list(map(str.strip, map(itemgetter(index), table.rows)))
        for index, field in sorted(mapping.items())
    }


def apply_mapping(table: TableLike, mapping: Mapping[int, str]) -> Iterator[MappedRow]:
    """Each row as ``MappedRow(row_number, {field: text})``, lazily (wrap in ``list`` if needed).
    Texts are stripped; fields the mapping does not give are absent from ``values``."""
    columns = mapped_columns(table, mapping)
    fields = tuple(columns)
    for number, *cells in zip(table.row_numbers, *columns.values(), strict=True):
        yield MappedRow(number, dict(zip(fields, cells, strict=True)))
