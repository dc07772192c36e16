"""Reading inventory files: encodings, delimiters, GLPI and OCS exports, spreadsheets, and every
file that must be refused with a clear message. Every fixture file is built here, in tmp_path."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from capnr.engine.intake.files import (
    InventoryFileError,
    RawTable,
    _SheetScan,
    read_inventory_file,
)

GLPI_FR = (
    "Nom;Entité;Lieu;Type;Fabricant;Modèle;Numéro de série;Numéro d'inventaire;Date d'achat;"
    "Système d'exploitation - Nom"
)
GLPI_FR_ROWS = [
    "PC-0001;Entité racine > DRH;Siège — Valmont;Ordinateur portable;Dell Inc.;Latitude 5420;"
    "7XK2J93;INV-0001;12/03/2021;Windows 11 Professionnel",
    "PC-0002;Entité racine > DSI;Bâtiment É;Unité centrale;LENOVO;ThinkCentre M720q;"
    "PC1A2B3C;INV-0002;05/10/2019;Windows 10 Entreprise",
    "ECR-0003;Entité racine > DSI;Bâtiment É;Moniteur;Dell Inc.;P2422H;CN-0ABC;INV-0003;;",
]
GLPI_EN = (
    "Name;Entity;Location;Type;Manufacturer;Model;Serial number;Inventory number;Purchase date;"
    "Operating system - Name"
)


def write(tmp_path: Path, name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def error_code(path: Path, **limits: int) -> str:
    with pytest.raises(InventoryFileError) as caught:
        read_inventory_file(path, **limits)
    message = caught.value.message
    assert message.endswith(".") and message[0].isupper(), message  # a complete sentence
    return caught.value.code


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a zip (an XLSX built by openpyxl), keeping the others."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info.filename, change(data) if info.filename == member else data)


def save_workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def minimal_ods(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Parc">{rows_xml}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_row(*cells: str) -> str:
    return (
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
            "</table:table-cell>"
            for cell in cells
        )
        + "</table:table-row>"
    )


# --- Delimited text -------------------------------------------------------------------------


def test_a_glpi_french_export_in_windows_1252_with_crlf_is_read_with_its_line_numbers(tmp_path):
    text = "\r\n".join([GLPI_FR, *GLPI_FR_ROWS]) + "\r\n"
    table = read_inventory_file(write(tmp_path, "glpi.csv", text, "cp1252"))
    assert table.header == GLPI_FR.split(";")
    assert table.rows[0][:6] == [
        "PC-0001",
        "Entité racine > DRH",
        "Siège — Valmont",
        "Ordinateur portable",
        "Dell Inc.",
        "Latitude 5420",
    ]
    assert table.rows[2][-2:] == ["", ""]  # empty cells at the end of a row stay
    assert table.row_numbers == [2, 3, 4]
    assert table.header_line == 1
    assert (table.detected.format, table.detected.encoding) == ("csv", "cp1252")
    assert table.detected.delimiter == ";"
    assert all(len(row) == len(table.header) for row in table.rows)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (("\ufeff" + GLPI_EN + "\n" + "\n".join(GLPI_FR_ROWS)).encode("utf-8"), "utf-8-sig"),
        ((GLPI_EN + "\n" + "\n".join(GLPI_FR_ROWS)).encode("utf-8"), "utf-8"),
        ((GLPI_EN + "\r\n" + "\r\n".join(GLPI_FR_ROWS)).encode("utf-16"), "utf-16"),
    ],
)
def test_the_english_export_is_read_in_utf8_with_or_without_bom_and_utf16(
    tmp_path, content, encoding
):
    table = read_inventory_file(write(tmp_path, "glpi-en.csv", content))
    assert table.header[0] == "Name"  # no BOM left in the first header
    assert table.header == GLPI_EN.split(";")
    assert table.rows[1][2] == "Bâtiment É"
    assert table.detected.encoding == encoding


@pytest.mark.parametrize("delimiter", [",", "\t", "|"])
def test_commas_tabs_and_pipes_are_recognised(tmp_path, delimiter):
    lines = [delimiter.join(["Nom", "Modèle", "Quantité"]), delimiter.join(["PC-1", "X", "2"])]
    table = read_inventory_file(write(tmp_path, "any.csv", "\n".join(lines)))
    assert table.header == ["Nom", "Modèle", "Quantité"]
    assert table.rows == [["PC-1", "X", "2"]]
    assert table.detected.delimiter == delimiter


def test_quoted_cells_blank_lines_and_excel_sep_line_keep_file_line_numbers(tmp_path):
    text = (
        "sep=,\r\n"
        "Nom,Commentaire,Modèle\r\n"
        "\r\n"
        'PC-1,"Écran fissuré, à remplacer\r\nvoir ticket 42",Latitude 5420\r\n'
        'PC-2,"dit ""le vieux""",OptiPlex 7090\r\n'
        ",,\r\n"
        "PC-3,,P2422H\r\n"
    )
    table = read_inventory_file(write(tmp_path, "quoted.csv", text))
    assert table.header_line == 2
    assert table.row_numbers == [4, 6, 8]  # line 4 spans two lines; blank lines skipped
    assert table.rows[0][1] == "Écran fissuré, à remplacer\r\nvoir ticket 42"
    assert table.rows[1][1] == 'dit "le vieux"'
    assert table.detected.delimiter == ","


def test_a_file_with_only_carriage_returns_is_read(tmp_path):
    table = read_inventory_file(write(tmp_path, "mac.csv", "Nom;Type\rPC-1;Portable\rPC-2;Tour\r"))
    assert table.rows == [["PC-1", "Portable"], ["PC-2", "Tour"]]
    assert table.row_numbers == [2, 3]


def test_ocs_export_with_trailing_semicolons_and_unescaped_quotes(tmp_path):
    text = (
        "NAME;SMANUFACTURER;SMODEL;SSN;OSNAME;TAG;TYPE;USERID;WORKGROUP;\n"
        'PC-01;Dell Inc.;Dell "Latitude" 5420;7XK2J93;Microsoft Windows 11 Pro;SIEGE;Notebook;'
        "jdupont;DRH;\n"
        '"PC-02";Dell Inc.;"Precision" 3660 Tower;8YL3K04;Microsoft Windows 10 Pro;SIEGE;Tower;'
        "mmartin;DSI;\n"
        'ECR-03;Dell Inc.;Moniteur 27" U2720Q;CN-0XYZ;;SITE-B;;;DSI;\n'
        'PC-04;HP;"Elite;9ZZ;Microsoft Windows 11 Pro;SITE-B;Desktop;pdurand;DSI;\n'
    )
    table = read_inventory_file(write(tmp_path, "ocs.csv", text))
    assert table.detected.ocs_style
    assert table.detected.dropped_columns == 1  # the empty column after the last ";"
    assert table.header == [
        "NAME",
        "SMANUFACTURER",
        "SMODEL",
        "SSN",
        "OSNAME",
        "TAG",
        "TYPE",
        "USERID",
        "WORKGROUP",
    ]
    assert [row[2] for row in table.rows] == [
        'Dell "Latitude" 5420',
        '"Precision" 3660 Tower',
        'Moniteur 27" U2720Q',
        '"Elite',  # a lone quote does not swallow the following lines
    ]
    assert table.rows[1][0] == "PC-02"  # a cell wholly in quotes loses them
    assert table.row_numbers == [2, 3, 4, 5]


def test_a_stray_quote_in_an_ordinary_csv_does_not_swallow_the_rest(tmp_path):
    rows = [f"PC-{n};Dell;Latitude 5420;S{n}" for n in range(1, 6)]
    rows[1] = 'PC-2;Dell;"27 pouces;S2'
    text = "\n".join(["Nom;Fabricant;Modèle;Numéro de série", *rows]) + "\n"
    table = read_inventory_file(write(tmp_path, "stray.csv", text))
    assert len(table.rows) == 5
    assert table.rows[1] == ["PC-2", "Dell", '"27 pouces', "S2"]
    assert table.row_numbers == [2, 3, 4, 5, 6]


def test_empty_columns_are_dropped_and_ragged_rows_padded(tmp_path):
    text = "Nom;;Modèle;;;\nPC-1;;Latitude;x;;\nPC-2;;OptiPlex\nPC-3\n"
    table = read_inventory_file(write(tmp_path, "ragged.csv", text))
    # column 2 (no name, no value) and the trailing ones go; column 4 has a value: it stays
    assert table.header == ["Nom", "Modèle", ""]
    assert table.rows == [["PC-1", "Latitude", "x"], ["PC-2", "OptiPlex", ""], ["PC-3", "", ""]]
    assert table.detected.dropped_columns == 3


def test_a_title_line_above_the_header_is_skipped(tmp_path):
    text = "Inventaire du parc au 01/01/2025;;;\n;;;\nNom;Type;Fabricant;Modèle\nPC-1;Tour;HP;Z4\n"
    table = read_inventory_file(write(tmp_path, "title.csv", text))
    assert table.header == ["Nom", "Type", "Fabricant", "Modèle"]
    assert table.header_line == 3
    assert table.row_numbers == [4]


def test_without_known_headers_the_first_row_is_the_header(tmp_path):
    table = read_inventory_file(write(tmp_path, "odd.csv", "a;b;c\n1;2;3\n"))
    assert table.header == ["a", "b", "c"]
    assert table.rows == [["1", "2", "3"]]


def test_a_spreadsheet_name_holding_csv_text_is_read_as_csv(tmp_path):
    table = read_inventory_file(write(tmp_path, "export.xls", "Nom\tType\nPC-1\tTour\n"))
    assert table.detected.format == "csv"
    assert table.rows == [["PC-1", "Tour"]]


# --- Spreadsheets ---------------------------------------------------------------------------


def test_xlsx_with_a_merged_title_group_labels_a_formula_and_dates(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Parc"
    sheet["B2"] = "Inventaire du parc informatique — 2025"
    sheet.merge_cells("B2:G2")
    sheet["B3"], sheet["E3"] = "Identification", "Matériel"
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("E3:G3")
    header = ["Nom", "Lieu", "Numéro de série", "Type", "Modèle", "Quantité", None, "Date d'achat"]
    for column, value in enumerate(header, start=2):
        sheet.cell(row=4, column=column, value=value)
    sheet.append([None, "PC-01", "Siège", 5420.0, "Portable", "Latitude 5420", 2, None])
    sheet.append([None, "ECR-02", "Siège", "00123", "Écran", "P2422H", "=G5*2", None])
    sheet["I5"] = date(2021, 3, 12)
    path = tmp_path / "parc.xlsx"
    workbook.save(path)
    # openpyxl writes no cached value for formulas; Excel does: put one in, as Excel would.
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<f>G5*2</f><v></v>", b"<f>G5*2</f><v>4</v>").replace(
            b"<f>G5*2</f><v />", b"<f>G5*2</f><v>4</v>"
        ),
    )
    table = read_inventory_file(path)
    assert table.header == [
        "Nom",
        "Lieu",
        "Numéro de série",
        "Type",
        "Modèle",
        "Quantité",
        "Date d'achat",
    ]
    assert table.header_line == 4
    assert table.row_numbers == [5, 6]
    assert table.rows[0] == [
        "PC-01",
        "Siège",
        "5420",
        "Portable",
        "Latitude 5420",
        "2",
        "2021-03-12",
    ]
    assert table.rows[1][2] == "00123"  # text stays text
    assert table.rows[1][5] == "4"  # the formula's cached value
    assert (table.detected.format, table.detected.sheet) == ("xlsx", "Parc")
    assert table.detected.dropped_columns >= 1


def test_the_first_visible_sheet_with_data_is_read(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Vide"
    hidden = workbook.create_sheet("Cachée")
    hidden.append(["Nom", "Type"])
    hidden.append(["X", "Y"])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("Parc")
    data.append(["Nom", "Type"])
    data.append(["PC-1", "Tour"])
    workbook.save(tmp_path / "sheets.xlsx")
    table = read_inventory_file(tmp_path / "sheets.xlsx")
    assert table.detected.sheet == "Parc"
    assert table.rows == [["PC-1", "Tour"]]


def test_an_ods_file_is_read(tmp_path):
    rows = (
        ods_row("Inventaire 2025")
        + ods_row("Nom", "Type", "Modèle")
        + ods_row("PC-1", "Portable", "Latitude 5420")
        + '<table:table-row table:number-rows-repeated="2">'
        + '<table:table-cell office:value-type="string"><text:p>PC-2</text:p></table:table-cell>'
        + '<table:table-cell table:number-columns-repeated="2" office:value-type="string">'
        + "<text:p>Tour</text:p></table:table-cell></table:table-row>"
        + '<table:table-row table:number-rows-repeated="1048570">'
        + '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    table = read_inventory_file(minimal_ods(tmp_path / "parc.ods", rows))
    assert table.header == ["Nom", "Type", "Modèle"]
    assert table.rows == [
        ["PC-1", "Portable", "Latitude 5420"],
        ["PC-2", "Tour", "Tour"],  # a repeated row, with a repeated cell
        ["PC-2", "Tour", "Tour"],
    ]
    assert table.row_numbers == [3, 4, 5]
    assert table.detected.format == "ods"


def test_an_xlsx_named_csv_is_read_as_a_spreadsheet(tmp_path):
    path = save_workbook(tmp_path / "export.csv", [["Nom", "Type"], ["PC-1", "Tour"]])
    table = read_inventory_file(path)
    assert table.detected.format == "xlsx"
    assert table.rows == [["PC-1", "Tour"]]


# --- Files refused --------------------------------------------------------------------------


def test_a_file_above_the_limit_is_refused_before_being_read(tmp_path):
    path = write(tmp_path, "big.csv", b"\x00" * 1001)  # binary, but the size speaks first
    assert error_code(path, max_bytes=1000) == "too_large"
    with pytest.raises(InventoryFileError) as caught:
        read_inventory_file(path, max_bytes=1000)
    assert caught.value.params == {"size": 1001, "limit": 1000}


def test_a_file_just_at_the_limit_is_read(tmp_path):
    text = "Nom;Type\nPC-1;Tour\n"
    path = write(tmp_path, "small.csv", text)
    assert len(read_inventory_file(path, max_bytes=len(text))) == 1


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n  \n", b";;;\n;;;\n"])
def test_an_empty_file_is_refused(tmp_path, content):
    assert error_code(write(tmp_path, "empty.csv", content)) == "empty"


def test_an_empty_spreadsheet_is_refused(tmp_path):
    assert error_code(save_workbook(tmp_path / "empty.xlsx", [])) == "empty"


def test_a_file_with_only_headers_is_refused(tmp_path):
    assert error_code(write(tmp_path, "h.csv", GLPI_FR + "\r\n\r\n")) == "headers_only"
    path = save_workbook(tmp_path / "h.xlsx", [GLPI_FR.split(";")])
    assert error_code(path) == "headers_only"


def test_a_binary_file_renamed_csv_is_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert error_code(write(tmp_path, "photo.csv", png)) == "binary"
    noise = bytes((n * 7919) % 251 + 1 for n in range(4000))  # no NUL, undecodable as UTF-8
    assert error_code(write(tmp_path, "noise.csv", noise)) == "binary"


def test_a_web_page_is_not_a_table(tmp_path):
    page = "<html><body><table><tr><td>Nom</td></tr></table></body></html>"
    assert error_code(write(tmp_path, "page.csv", page)) == "not_a_table"
    assert error_code(write(tmp_path, "page.xls", page)) == "corrupt_spreadsheet"


def test_a_damaged_spreadsheet_is_refused(tmp_path):
    good = save_workbook(tmp_path / "good.xlsx", [["Nom"], ["PC-1"]]).read_bytes()
    assert error_code(write(tmp_path, "cut.xlsx", good[: len(good) // 2])) == "corrupt_spreadsheet"
    noise = bytes((n * 31) % 256 for n in range(3000))
    assert error_code(write(tmp_path, "noise.xlsx", noise)) == "corrupt_spreadsheet"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("notes.txt", "not a workbook")
    assert error_code(write(tmp_path, "zip.xlsx", archive.getvalue())) == "corrupt_spreadsheet"
    assert error_code(write(tmp_path, "zip.csv", archive.getvalue())) == "binary"


def test_a_password_protected_xlsx_is_refused(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert error_code(write(tmp_path, "secret.xlsx", ole)) == "encrypted"


def test_a_zip_bomb_is_refused_before_calamine_opens_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    assert error_code(path) == "zip_bomb"


def test_an_archive_lying_about_its_sizes_is_refused(tmp_path):
    """The declared size says 1 KB, the data inflates to 2 MB: the real size is what counts."""
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" * (512 * 1024))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # local header: size
    name = info.filename.encode()
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(name))
    struct.pack_into("<I", data, central + 24, 1024)  # central directory: size
    path.write_bytes(bytes(data))
    assert error_code(path) == "zip_bomb"


def test_an_xlsx_declaring_external_entities_is_refused(tmp_path):
    path = save_workbook(tmp_path / "xxe.xlsx", [["Nom"], ["PC-1"]])
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<worksheet", doctype + b"<worksheet", 1),
    )
    assert error_code(path) == "external_entities"


def test_ten_thousand_columns_are_refused(tmp_path):
    header = ";".join(f"Colonne {n}" for n in range(10_000))
    path = write(tmp_path, "wide.csv", header + "\n" + ";".join("x" * 10_000) + "\n")
    assert error_code(path) == "too_many_columns"
    sheet = save_workbook(tmp_path / "wide.xlsx", [[f"C{n}" for n in range(600)], ["x"] * 600])
    assert error_code(sheet) == "too_many_columns"


def test_more_rows_than_allowed_are_refused(tmp_path):
    text = "Nom;Type\n" + "".join(f"PC-{n};Tour\n" for n in range(6))
    assert error_code(write(tmp_path, "long.csv", text), max_rows=5) == "too_many_rows"
    assert len(read_inventory_file(write(tmp_path, "ok.csv", text), max_rows=6)) == 6
    rows = [["Nom", "Type"]] + [[f"PC-{n}", "Tour"] for n in range(30)]
    assert error_code(save_workbook(tmp_path / "long.xlsx", rows), max_rows=5) == "too_many_rows"


def minimal_xlsx(path: Path, sheet_data: str, shared: list[str]) -> Path:
    """An XLSX written by hand (openpyxl writes no shared strings)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{kinds}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>'
            '<sheet name="Parc" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{kinds}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}" count="{len(shared)}" uniqueCount="{len(shared)}">'
            + "".join(f"<si><t>{text}</t></si>" for text in shared)
            + "</sst>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_shared_strings_cannot_multiply_the_text_beyond_the_budget(tmp_path):
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>2</v></c><c r="B{n}" t="s"><v>3</v></c></row>'
        for n in range(2, 2002)
    )
    shared = ["Nom", "Modèle", "PC", "Latitude 5420 " + "x" * 2000]
    path = minimal_xlsx(tmp_path / "shared.xlsx", header + rows, shared)
    table = read_inventory_file(path)  # 4 MB of text from a few KB: fine within the budget
    assert table.header == ["Nom", "Modèle"] and len(table) == 2000
    assert table.rows[0][1].startswith("Latitude 5420 xx")
    assert path.stat().st_size < 20_000
    assert error_code(path, max_bytes=100_000) == "sheet_too_large"


SPARSE_SHEETS = """
import sys, zipfile
from pathlib import Path
import openpyxl
from capnr.engine.intake.files import InventoryFileError, read_inventory_file

folder = Path(sys.argv[1])
workbook = openpyxl.Workbook()
workbook.active["A1"] = "Nom"
workbook.active["XFD1048576"] = "x"
workbook.save(folder / "corner.xlsx")
cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
rows = (
    '<table:table-row table:number-rows-repeated="9000">' + cell
    + '<table:table-cell table:number-columns-repeated="9998"/>' + cell + '</table:table-row>'
)
content = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    '<office:spreadsheet><table:table table:name="T">' + rows
    + '</table:table></office:spreadsheet></office:body></office:document-content>'
)
with zipfile.ZipFile(folder / "area.ods", "w") as archive:
    archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
for name in ("corner.xlsx", "area.ods"):
    try:
        read_inventory_file(folder / name)
    except InventoryFileError as error:
        print(name, error.code, (folder / name).stat().st_size)
"""


def test_a_tiny_spreadsheet_with_a_huge_used_area_is_refused_and_the_process_survives(tmp_path):
    """calamine allocates the used area at once and aborts the process when it cannot (550 GB
    for a 5 KB file with a cell at XFD1048576; 5.6 GB for an 800-byte ODS): run in a child."""
    result = subprocess.run(
        [sys.executable, "-c", SPARSE_SHEETS, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["corner.xlsx"].startswith("sheet_too_large")
    assert lines["area.ods"].startswith("sheet_too_large")


@pytest.mark.parametrize(
    "xml",
    [
        b'<row r="1"><c r="XFD1048576" t="s"><v>0</v></c></row>',
        b"<row r='1'><c\nr = 'xfd1048576' t=\"s\"><v>0</v></c></row>",
        b'<x:row r="1"><x:c\tr="XFD1048576"><x:v>0</x:v></x:c></x:row>',
    ],
)
def test_the_sheet_scan_finds_far_cells_however_they_are_spelt(xml):
    scan = _SheetScan()
    scan.feed(b"<sheetData>" + b"<row r='2'/>" * 10)
    scan.feed(xml)
    assert (scan.rows, scan.columns) == (1_048_576, 16_384)


def test_the_sheet_scan_is_exact_for_an_ordinary_sheet():
    scan = _SheetScan()
    body = b"".join(
        b'<row r="%d"><c r="A%d"/><c r="AD%d" s="1"/></row>' % (n, n, n) for n in range(1, 501)
    )
    for start in range(0, len(body), 777):  # references cut across chunks
        scan.feed(body[start : start + 777])
    assert (scan.rows, scan.columns) == (500, 30)


def test_the_ods_scan_measures_plain_and_repeated_rows():
    from capnr.engine.intake.files import _OdsScan

    plain = "".join(ods_row(*(["x"] * 7)) for _ in range(300))
    repeated = (
        '<table:table-row table:number-rows-repeated="50">'
        '<table:table-cell table:number-columns-repeated="11" office:value-type="float">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        "</table:table-row>"
    )
    content = ('<table:table table:name="A">' + plain + repeated + "</table:table>").encode()
    scan = _OdsScan()
    for start in range(0, len(content), 1000):
        scan.feed(content[start : start + 1000])
    assert (scan.rows, scan.columns) == (350, 11)  # the empty repeated rows do not count


def test_the_reading_layer_never_loads_django():
    code = (
        "import sys; import capnr.engine.intake.files, capnr.engine.intake.columns, "
        "capnr.engine.intake.recognition; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_raw_table_is_what_the_mapping_layer_expects(tmp_path):
    table = read_inventory_file(write(tmp_path, "t.csv", "Nom;Type\nPC-1;Tour\n"))
    assert isinstance(table, RawTable)
    assert len(table) == 1
