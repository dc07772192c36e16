"""The columnar reader gives exactly what the careful reader gives, or declines (None)."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pytest

from capnr.engine.intake.fastcsv import read_csv_columns
from capnr.engine.intake.files import InventoryFileError, read_inventory_file
from capnr.engine.intake.table import ColumnTable

HEADER = "category;quantity;site;department;purchase_date;lifetime_years"
ROWS = [
    "laptop;1;Site A;RH;12/03/2021;4",
    "desktop;2;Site B;Finances;05/10/2019;",
    "monitor;1;Site A;Éducation;;5",
]


def careful(path: Path, **limits: int) -> ColumnTable | None:
    try:
        return ColumnTable.from_raw(read_inventory_file(path, **limits))
    except InventoryFileError:
        return None


def assert_same(fast: ColumnTable, slow: ColumnTable) -> None:
    assert fast.header == slow.header
    assert fast.row_numbers.dtype == np.int64
    assert fast.row_numbers.tolist() == slow.row_numbers.tolist()
    assert fast.header_line == slow.header_line
    assert fast.detected == slow.detected
    assert len(fast.columns) == len(slow.columns)
    for ours, theirs in zip(fast.columns, slow.columns, strict=True):
        assert ours.codes.dtype == np.int32
        assert ours.cells() == theirs.cells()
        # The same encoding too: distinct stripped texts in first-seen order.
        assert ours.values == theirs.values
        assert ours.codes.tolist() == theirs.codes.tolist()


def check(path: Path, *, expect_fast: bool = True) -> ColumnTable | None:
    """Compare both readers on the file; return the fast table (None: declined)."""
    fast = read_csv_columns(path, max_bytes=50 * 1024 * 1024, max_rows=1_000_000)
    slow = careful(path)
    if fast is not None:
        assert slow is not None, "the fast reader read a file the careful reader refuses"
        assert_same(fast, slow)
    elif expect_fast:
        pytest.fail("the fast reader declined a plain file")
    return fast


def write(tmp_path: Path, content: bytes, name: str = "inventory.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def text(*lines: str, end: str = "\n") -> str:
    return end.join(lines) + end


PLAIN_CASES = {
    "utf8": text(HEADER, *ROWS).encode(),
    "utf8_no_final_newline": text(HEADER, *ROWS).rstrip("\n").encode(),
    "bom": codecs.BOM_UTF8 + text(HEADER, *ROWS).encode(),
    "cp1252": text(HEADER, *ROWS).encode("cp1252"),
    "utf16": text(HEADER, *ROWS).encode("utf-16"),
    "crlf": text(HEADER, *ROWS, end="\r\n").encode(),
    "comma": text(HEADER.replace(";", ","), *(r.replace(";", ",") for r in ROWS)).encode(),
    "tab": text(HEADER.replace(";", "\t"), *(r.replace(";", "\t") for r in ROWS)).encode(),
    "pipe": text(HEADER.replace(";", "|"), *(r.replace(";", "|") for r in ROWS)).encode(),
    "sep_line": text(
        "sep=,", HEADER.replace(";", ","), *(r.replace(";", ",") for r in ROWS)
    ).encode(),
    "blank_lines": text(HEADER, "", ROWS[0], "", "", ROWS[1], ";;;;;", ROWS[2], "").encode(),
    "blank_lines_crlf": text(HEADER, "", ROWS[0], ";;", ROWS[1], "", end="\r\n").encode(),
    "title_rows": text(
        "Inventaire du parc informatique", "Commune de Valmont", "", HEADER, *ROWS
    ).encode(),
    "title_row_with_delimiters": text("Inventaire;;;;;", "", HEADER, *ROWS).encode(),
    "spaces_around_cells": text(
        " category ; quantity;site  ;department;purchase_date;lifetime_years",
        "laptop ;1; Site A;RH;12/03/2021;4",
        "  laptop;1;Site A ;  RH ;12/03/2021; 4",
        "   ;   ;   ;   ;   ;   ",
    ).encode(),
    "empty_named_and_unnamed_columns": text(
        "category;;quantity;notes;;site", "laptop;;1;;;A", "desktop;;2;;;B"
    ).encode(),
    "unnamed_column_with_text": text("category;;quantity", "laptop;x;1", "desktop;;2").encode(),
    "short_rows": text(HEADER, "laptop;1;Site A;RH;12/03/2021;4", "desktop;2", "monitor").encode(),
    "short_first_row": text(HEADER, "desktop;2", "laptop;1;Site A;RH;12/03/2021;4").encode(),
    "quotes_whole_cells": text(
        HEADER,
        '"laptop";"1";"Site A; bâtiment 2";"RH";"12/03/2021";"4"',
        '"desktop";"";"Site B";"";"";""',
        'monitor;1;"Site, C";RH;;5',
    ).encode(),
    "quotes_doubled": text(
        HEADER,
        'laptop;1;"Site ""A""";RH;;4',
        'desktop;2;"B";RH;;',
    ).encode(),
    "quotes_inside_cells": text(
        HEADER,
        'laptop;1;Dell "Latitude" 5420;RH;;4',
        "desktop;2;B;RH;;",
    ).encode(),
    "control_characters_in_cells": text(HEADER, "laptop;1;Site\x07A;RH;;4", *ROWS).encode(),
    "non_breaking_spaces": text(HEADER, "laptop\xa0;1;\u2003Site A;RH;;4", *ROWS).encode(),
    "cp1252_undefined_byte": text(HEADER, *ROWS).encode("cp1252") + b"laptop;1;\x81x;RH;;4\n",
    "single_column": text("category", "laptop", "desktop", "", "monitor").encode(),
    "glpi_like": text(
        "Nom;Entité;Lieu;Type;Fabricant;Modèle;Date d'achat",
        "PC-0001;Entité racine > DRH;Siège — Valmont;Ordinateur portable;Dell;Latitude;12/03/2021",
        "PC-0002;Entité racine > DSI;Bâtiment É;Unité centrale;LENOVO;M720q;05/10/2019",
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(PLAIN_CASES))
def test_same_table_as_the_careful_reader(tmp_path, name):
    check(write(tmp_path, PLAIN_CASES[name]))


DECLINED_CASES = {
    "embedded_newline_in_quotes": text(HEADER, 'laptop;1;"Site\nA";RH;;4', *ROWS).encode(),
    "unclosed_quote": text(HEADER, 'laptop;1;"Site A;RH;;4', *ROWS).encode(),
    "ocs_trailing_delimiter": text(HEADER + ";", *(row + ";" for row in ROWS)).encode(),
    "lone_cr": text(HEADER, *ROWS, end="\r").encode(),
    "mixed_lone_cr": (text(HEADER, ROWS[0]) + ROWS[1] + "\r" + text(ROWS[2])).encode(),
    "wider_rows_than_header": text(HEADER, *ROWS, "laptop;1;A;RH;;4;extra;more").encode(),
    "headers_only": text(HEADER).encode(),
    "html": b"<html><body><table></table></body></html>\n",
    "binary": bytes(range(256)) * 4,
    "empty": b"",
    "blank": b"\n\n  \n",
    "zip": b"PK\x03\x04" + b"\x00" * 100,
    "bom_then_invalid_utf8": codecs.BOM_UTF8 + text(HEADER, *ROWS).encode() + b"\xff;1\n",
}


@pytest.mark.parametrize("name", sorted(DECLINED_CASES))
def test_what_it_cannot_read_exactly_it_declines_or_reads_alike(tmp_path, name):
    check(write(tmp_path, DECLINED_CASES[name]), expect_fast=False)


def test_a_spreadsheet_name_goes_to_the_careful_reader(tmp_path):
    assert read_csv_columns(write(tmp_path, PLAIN_CASES["utf8"], "inventory.xlsx")) is None


def test_limits_are_left_to_the_careful_reader(tmp_path):
    path = write(tmp_path, PLAIN_CASES["utf8"])
    assert read_csv_columns(path, max_bytes=10) is None
    assert read_csv_columns(path, max_rows=2) is None
    assert read_csv_columns(path, max_columns=3) is None
    assert read_csv_columns(path, max_rows=3) is not None


def random_file(rng: np.random.Generator, rows: int) -> bytes:
    """A file drawing every cell from a few texts, quotes, spaces and accents among them."""
    header = ["Catégorie", "Quantité", "Site", "Service", "Date d'achat", "Durée de vie", ""]
    pool = [
        "",
        " ",
        "laptop",
        " laptop ",
        "Écran",
        '"Site; A"',
        '"B"',
        "2",
        "12/03/2021",
        "4,5",
        "x y",
    ]
    lines = [";".join(header)]
    for _ in range(rows):
        cells = rng.choice(pool, len(header)).tolist()
        if rng.random() < 0.05:
            cells = [""] * len(header)
        lines.append(";".join(cells))
        if rng.random() < 0.03:
            lines.append("")
    return ("\n".join(lines) + "\n").encode(rng.choice(["utf-8", "cp1252"]))


@pytest.mark.parametrize("seed", range(12))
def test_random_small_files(tmp_path, seed):
    rng = np.random.default_rng(seed)
    check(write(tmp_path, random_file(rng, int(rng.integers(1, 60)))))


def test_a_large_generated_file(tmp_path):
    rng = np.random.default_rng(2026)
    n = 100_000
    categories = np.array(["laptop", "desktop", "monitor", 'Écran 24"', "smartphone"])
    sites = np.array([f"Site {i}" for i in range(40)] + ['"Site 7; annexe"', " Site 3 "])
    dates = np.array(["", "12/03/2021", "2019-10-05", "01/01/2018"])
    columns = [
        rng.choice(categories[:4], n),  # the quote inside a cell comes up in many lines
        rng.integers(1, 9, n).astype(str),
        rng.choice(sites, n),
        rng.choice(["RH", "DSI", "", "Éducation"], n),
        rng.choice(dates, n),
        rng.choice(["", "4", "5,5"], n),
    ]
    lines = columns[0]
    for column in columns[1:]:
        lines = np.char.add(np.char.add(lines, ";"), column)
    body = "\n".join(lines.tolist()).replace('Écran 24"', "Écran")
    path = write(tmp_path, (HEADER + "\n" + body + "\n\n;;;;;\n").encode())
    fast = check(path)
    assert fast is not None and len(fast) == n
