"""The dictionary-encoding helpers the pipeline carries answers to the rows with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capnr.engine.intake.pipeline import IntakeOptions, asset_table, check_table
from capnr.engine.intake.reader import read_columns
from capnr.engine.intake.table import EncodedColumn, factor


@given(st.lists(st.integers(0, 40), max_size=300), st.booleans())
def test_factor_gives_what_numpy_unique_gives(keys: list[int], wide: bool) -> None:
    array = np.array(keys, dtype=np.int64)
    size = 10**9 if wide else 41  # a huge range takes numpy's sort, a small one the table
    distinct, first, inverse = factor(array, size)
    expected, expected_first, expected_inverse = np.unique(
        array, return_index=True, return_inverse=True
    )
    assert distinct.tolist() == expected.tolist()
    assert first.tolist() == expected_first.tolist()
    assert inverse.tolist() == expected_inverse.reshape(-1).tolist()


@given(
    st.lists(st.sampled_from(["", "a", "b", "c"]), min_size=1, max_size=8),
    st.lists(st.integers(0, 7), max_size=50),
)
def test_recode_carries_each_answer_to_its_rows(answers: list[str], raw: list[int]) -> None:
    codes = np.array([code % len(answers) for code in raw], dtype=np.int32)
    column = EncodedColumn.recode(answers, codes)
    assert column.cells() == [answers[code] for code in codes.tolist()]
    assert len(set(column.values)) == len(column.values)  # equal answers share one value


def test_assign_and_fill_change_only_the_rows_given() -> None:
    column = EncodedColumn.encode(["laptop", "desktop", "laptop", "monitor"])
    rows = np.array([1, 3])
    changed = column.assign(rows, EncodedColumn.encode(["tablet", "laptop"]))
    assert changed.cells() == ["laptop", "tablet", "laptop", "laptop"]
    assert column.cells() == ["laptop", "desktop", "laptop", "monitor"]  # a copy
    assert column.fill(np.array([0]), "").cells() == ["", "desktop", "laptop", "monitor"]
    assert column.per_value("laptop".__eq__).tolist() == [True, False, True, False]


def test_site_and_department_codes_name_the_same_rows_as_the_texts(tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    path.write_text(
        "Nom;Type;Site;Entité;Quantité\n"
        "PC-1;Ordinateur portable;Nantes;Mairie > DSI;1\n"
        "PC-2;Ordinateur portable;Brest;Mairie > RH;2\n"
        "EC-1;Écran;Nantes;Mairie > DSI;1\n"
        "PC-3;Ordinateur portable;;Mairie;1\n",
        encoding="utf-8",
    )
    intake = check_table(read_columns(path), IntakeOptions(as_of=None))
    assets = asset_table(intake)
    for name in ("site", "department"):
        codes, values = assets.text_codes[name]
        assert list(values) == sorted(values)  # code order is text order
        assert [values[code] for code in codes.tolist()] == assets.text(name).tolist()
    assert assets.text("site").tolist() == ["Nantes", "Brest", "Nantes", ""]
    assert assets.text("department").tolist() == ["DSI", "RH", "DSI", ""]


def test_a_kept_table_reads_back_as_it_was_read(tmp_path: Path) -> None:
    from capnr.engine.intake.reader import load_table, save_table

    path = tmp_path / "glpi.csv"
    path.write_text(
        "Titre de l'export\n\nNom;Type;Lieu\nPC-1;Portable;Nantes\n\nPC-2;Écran;\n",
        encoding="cp1252",
    )
    table = read_columns(path)
    save_table(table, tmp_path / "table.marshal")
    again = load_table(tmp_path / "table.marshal")
    assert again.header == table.header and again.header_line == table.header_line
    assert again.row_numbers.tolist() == table.row_numbers.tolist() == [4, 6]
    assert [c.cells() for c in again.columns] == [c.cells() for c in table.columns]
    assert again.detected == table.detected and again.notes == table.notes
    (tmp_path / "broken.marshal").write_bytes(b"not a table")
    with pytest.raises(ValueError, match="not a kept table"):
        load_table(tmp_path / "broken.marshal")
