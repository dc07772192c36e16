"""CSV and XLSX exports: formula injection neutralised, French-friendly CSV, typed XLSX."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from capnr.core.spreadsheets import csv_bytes, neutralise, xlsx_bytes

DANGEROUS = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Écran", "", " =1", "'=1", 12, -3, 2.5, Decimal("-1.5"), None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) is value or neutralise(value) == value
    assert type(neutralise(value)) is type(value)


def read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_has_a_bom_crlf_and_decimal_commas():
    data = csv_bytes(
        ["Nom", "Quantité", "kg CO₂e"],
        [['Écran 24"', 3, 12.5], ["Portable", -2, 0.00001], ["Vide", None, Decimal("7.250")]],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    assert read_csv(data) == [
        ["Nom", "Quantité", "kg CO₂e"],
        ['Écran 24"', "3", "12,5"],
        ["Portable", "-2", "0,00001"],  # a negative number stays a number
        ["Vide", "", "7,250"],
    ]


def test_csv_with_a_comma_delimiter_keeps_decimal_points():
    data = csv_bytes(["a", "b"], [[1.5, "x,y"]], delimiter=",")
    assert data.decode("utf-8-sig") == 'a,b\r\n1.5,"x,y"\r\n'


def test_csv_neutralises_every_text_cell_including_the_header():
    data = csv_bytes(["=cmd", "ok"], [[text, 1] for text in DANGEROUS])
    rows = read_csv(data)
    assert rows[0] == ["'=cmd", "ok"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in DANGEROUS]


def test_csv_writes_dates_in_iso_and_empties_non_finite_numbers():
    data = csv_bytes(["d", "n"], [[date(2025, 3, 1), float("nan")]])
    assert read_csv(data)[1] == ["2025-03-01", ""]


def test_xlsx_neutralises_text_and_keeps_numbers_as_numbers():
    data = xlsx_bytes(
        [
            (
                "Parc",
                ["Nom", "Quantité", "kg CO₂e", "Date"],
                [
                    ["=1+1", 3, 12.5, date(2025, 1, 2)],
                    ["@SUM(A1)", -2, Decimal("1.25"), None],
                    ["-5", 0, float("inf"), datetime(2025, 1, 2, 10, 30, tzinfo=UTC)],
                ],
            )
        ]
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Parc"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Quantité", "kg CO₂e", "Date")
    assert rows[1][:3] == ("'=1+1", 3, 12.5)
    assert rows[1][3].date() == date(2025, 1, 2)
    assert rows[2][:3] == ("'@SUM(A1)", -2, 1.25)
    assert rows[3][:3] == ("'-5", 0, None)
    assert rows[3][3] == datetime(2025, 1, 2, 10, 30)
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # never a formula
        assert row[1].data_type == "n"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A2"


def test_xlsx_sizes_columns_from_their_content():
    long_name = "Ordinateur portable de la direction générale"
    data = xlsx_bytes([("S", ["Nom", "N"], [[long_name, 1]])])
    sheet = load_workbook(io.BytesIO(data))["S"]
    assert sheet.column_dimensions["A"].width == len(long_name) + 2
    assert sheet.column_dimensions["B"].width == 8  # the minimum


def test_xlsx_sheet_titles_are_valid_and_unique():
    data = xlsx_bytes(
        [
            ("Émissions: par site / bâtiment [2025] et par service?", ["a"], [[1]]),
            ("Émissions: par site / bâtiment [2025] et par service*", ["a"], [[2]]),
            ("'", ["a"], []),
            ("=evil", ["a"], [["\x01ok"]]),
        ]
    )
    workbook = load_workbook(io.BytesIO(data))
    titles = workbook.sheetnames
    assert len(titles) == 4 and len({t.casefold() for t in titles}) == 4
    for title in titles:
        assert 1 <= len(title) <= 31
        assert not set(title) & set("\\/*?:[]")
        assert not title.startswith("'") and not title.endswith("'")
    assert titles[0] == "Émissions par site bâtiment 202"  # cut to 31 characters
    assert titles[1] == "Émissions par site bâtiment (2)"
    assert titles[2] == "Sheet3"
    assert workbook[titles[3]]["A2"].value == "ok"


def test_xlsx_needs_a_sheet():
    with pytest.raises(ValueError):
        xlsx_bytes([])
