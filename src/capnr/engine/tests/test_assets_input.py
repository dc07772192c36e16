"""Reading asset files: every problem reported at once, with row, column and value."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from capnr.engine.assets import InvalidAssets, assets_from_records
from capnr.engine.reference import reference_data
from capnr.engine.tabular import UnreadableFile, read_table


def problems_of(header, rows):
    with pytest.raises(InvalidAssets) as error:
        assets_from_records(header, rows)
    return {(p.row, p.column, p.value) for p in error.value.problems}


def test_every_bad_row_is_reported_at_once_with_spreadsheet_row_numbers():
    header = ["category", "quantity", "lifetime_years", "country", "avg_power_w"]
    rows = [
        ["laptop", "2", "4", "FRA", ""],
        ["toaster", "1", "", "", ""],  # unknown category
        ["desktop", "0", "", "", ""],  # zero quantity
        ["desktop", "-3", "", "", ""],  # negative quantity
        ["monitor", "1", "-1", "", ""],  # negative lifetime
        ["monitor", "1", "0", "", ""],  # zero lifetime
        ["laptop", "1", "NaN", "", ""],  # NaN
        ["laptop", "1", "", "XYZ", ""],  # unknown country
        ["laptop", "abc", "", "", ""],  # not a number
        ["", "1", "", "", ""],  # missing category
    ]
    found = problems_of(header, rows)
    assert found == {
        (3, "category", "toaster"),
        (4, "quantity", "0"),
        (5, "quantity", "-3"),
        (6, "lifetime_years", "-1"),
        (7, "lifetime_years", "0"),
        (8, "lifetime_years", "NaN"),
        (9, "country", "XYZ"),
        (10, "quantity", "abc"),
        (11, "category", ""),
    }


def test_a_missing_required_column_is_named():
    assert problems_of(["quantity", "site"], [["3", "HQ"]]) == {(1, "category", "")}


def test_french_headers_labels_decimal_commas_and_dates_are_understood():
    header = [
        "Catégorie",
        "Quantité",
        "Durée de vie (ans)",
        "Date d'achat",
        "Service",
        "Puissance moyenne (W)",
    ]
    rows = [
        ["Ordinateur portable", "12", "5,5", "15/03/2021", "DSI", "12,5"],
        ["écran (jusqu'à 24 pouces)", "3", "", "2020-01-31", "RH", ""],
    ]
    assets = assets_from_records(header, rows, as_of=date(2026, 3, 15))
    data = reference_data()
    assert [data.category_codes[i] for i in assets.category] == ["laptop", "monitor"]
    assert assets.quantity.tolist() == [12, 3]
    assert assets.number("lifetime_years")[0] == 5.5
    assert assets.number("avg_power_w")[0] == 12.5
    assert assets.number("age_years")[0] == pytest.approx(5.0, abs=0.01)
    assert assets.text("department").tolist() == ["DSI", "RH"]
    assert np.isnan(assets.number("avg_power_w")[1])


def test_cp1252_semicolon_csv_with_bom_free_excel_export(tmp_path):
    path = tmp_path / "parc.csv"
    path.write_bytes("catégorie;quantité;site\r\nordinateur fixe;480;Siège\r\n".encode("cp1252"))
    header, rows, numbers = read_table(path)
    assert header == ["catégorie", "quantité", "site"] and rows == [
        ["ordinateur fixe", "480", "Siège"]
    ]
    assert numbers == [2]
    path.write_bytes("\ufeffcategory,quantity\nlaptop,3\n".encode())
    assert read_table(path) == (["category", "quantity"], [["laptop", "3"]], [2])


def test_xlsx_is_read_with_formula_values(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["category", "quantity", "purchase_date"])
    sheet.append(["desktop", 40, date(2022, 5, 1)])
    sheet.append(["monitor", "=B2*2", None])
    path = tmp_path / "parc.xlsx"
    book.save(path)
    header, rows, _ = read_table(path)
    assert header == ["category", "quantity", "purchase_date"]
    assert rows[0] == ["desktop", "40", "2022-05-01"]
    # openpyxl stores no cached value for a formula it wrote, so calamine reads it as empty or
    # as the formula's last value; real Excel files carry the value (tested in the CLI suite).
    assert rows[1][0] == "monitor"


def test_unreadable_files_say_why(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        read_table(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    with pytest.raises(UnreadableFile, match="empty"):
        read_table(empty)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a spreadsheet")
    with pytest.raises(UnreadableFile, match="spreadsheet"):
        read_table(fake)


def test_rows_keep_their_file_number_after_blank_lines(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("category,quantity\nlaptop,1\n\n,,\nlaptop,-1\n")
    table = read_table(path)
    assert table.row_numbers == [2, 5]
    with pytest.raises(InvalidAssets) as error:
        assets_from_records(table.header, table.rows, row_numbers=table.row_numbers)
    assert [(p.row, p.column) for p in error.value.problems] == [(5, "quantity")]


def test_server_columns_are_checked_and_french_spellings_understood():
    header = ["Catégorie", "Archétype", "Cœurs par CPU", "Charge (%)"]
    with pytest.raises(InvalidAssets) as error:
        assets_from_records(header, [["server_rack", "platform_nope", "8", "150"]])
    found = {(p.column, p.value) for p in error.value.problems}
    assert ("archetype", "platform_nope") in found
    assert ("time_workload_percent", "150") in found
    assets = assets_from_records(header, [["server_rack", "platform_compute_low", "8", "50"]])
    assert assets.number("cpu_core_units")[0] == 8
    assert assets.number("time_workload_percent")[0] == 50


def test_a_tiny_spreadsheet_with_a_huge_used_area_is_refused_before_reading(tmp_path):
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = "category"
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    # Move one cell to the far corner of the sheet, as a hostile file would.
    rewritten = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                    b"<is><t>x</t></is></c></row></sheetData>",
                )
            target.writestr(item, data)
    assert rewritten.stat().st_size < 20_000
    with pytest.raises(UnreadableFile, match="used area"):
        read_table(rewritten)
