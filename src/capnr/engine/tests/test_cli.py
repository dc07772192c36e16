"""`capnr footprint` end to end, in process and through the installed command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from capnr.engine.cli import main

FLEET = """category;quantity;site;department;lifetime_years
ordinateur fixe;480;Siège;DSI;6
écran (jusqu'à 24 pouces);520;Siège;DSI;
laptop;40;Dépôt nord;Exploitation;4,5
"""


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_bytes(FLEET.encode("cp1252"))
    return path


def test_json_output_has_the_documented_shape(fleet):
    code, out, err = run(str(fleet), "--format", "json", "--per-row", "--by", "site")
    assert code == 0, err
    document = json.loads(out)
    assert set(document) == {
        "ok",
        "method",
        "engine_version",
        "data_version",
        "duration_years",
        "totals",
        "breakdown",
        "rows",
        "rows_read",
        "devices",
        "categories",
        "excluded",
        "warnings",
    }
    assert document["ok"] is True
    assert document["categories"] == {"desktop": 480, "laptop": 40, "monitor": 520}
    assert [(row["row"], row["category"]) for row in document["rows"]] == [
        (2, "desktop"),
        (3, "monitor"),
        (4, "laptop"),
    ]
    assert document["method"] == "capnr" and document["duration_years"] == 1.0
    assert set(document["totals"]) == {"gwp", "pe", "adpe", "fe"}
    assert set(document["totals"]["gwp"]["embodied"]) == {"value", "low", "high"}
    assert [item["site"] for item in document["breakdown"]] == ["Dépôt nord", "Siège"]
    assert len(document["rows"]) == 3
    total = sum(row["gwp"]["embodied"]["value"] for row in document["rows"])
    assert document["totals"]["gwp"]["embodied"]["value"] == pytest.approx(total)
    assert document["totals"]["fe"]["embodied"]["value"] is None


def test_boavizta_method_takes_each_lifetime(fleet):
    code, out, _ = run(str(fleet), "--format", "json", "--method", "boavizta")
    assert code == 0
    document = json.loads(out)
    assert document["duration_years"] is None
    expected = 480 * 277.0 + 520 * 64.7 + 40 * 181.0  # whole embodied factors
    assert document["totals"]["gwp"]["embodied"]["value"] == pytest.approx(expected)


def test_bad_rows_exit_2_and_list_every_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("category,quantity,country\nlaptop,1,FRA\ntoaster,1,\nlaptop,-2,ZZZ\n")
    code, out, err = run(str(path), "--lang", "en")
    assert code == 2 and out == ""
    assert "row 3, column 'category', value 'toaster'" in err
    assert "row 4, column 'quantity', value '-2'" in err
    assert "row 4, column 'country', value 'ZZZ'" in err
    code, out, err = run(str(path))  # French by default
    assert code == 2 and "ligne 3, colonne 'category', valeur 'toaster'" in err


def test_json_goes_to_stdout_also_on_refusal(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("category,quantity\nlaptop,1\ntoaster,1\nlaptop,-2\n")
    code, out, err = run(str(path), "--format", "json", "--lang", "en")
    assert code == 2 and err == ""
    document = json.loads(out)
    assert document["ok"] is False
    assert [(p["row"], p["code"]) for p in document["problems"]] == [
        (3, "unrecognised"),
        (4, "quantity_invalid"),
    ]
    assert document["problems"][1]["message"].startswith("A quantity")


def test_unrecognised_rows_are_excluded_on_request_and_listed(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("category,quantity\nlaptop,2\ntoaster,3\n")
    code, out, _ = run(str(path), "--format", "json", "--unrecognised", "exclude")
    assert code == 0, out
    document = json.loads(out)
    assert document["categories"] == {"laptop": 2}
    assert [(e["reason"], e["value"], e["rows"], e["devices"]) for e in document["excluded"]] == [
        ("unrecognised", "toaster", [3], 3)
    ]


def test_a_category_map_recognises_what_the_rules_do_not(tmp_path):
    rules = tmp_path / "map.csv"
    rules.write_text("pattern;category\ntoaster;printer_small\n")
    path = tmp_path / "f.csv"
    path.write_text("category,quantity\nlaptop,2\ntoaster,3\n")
    code, out, _ = run(str(path), "--format", "json", "--category-map", str(rules))
    assert code == 0, out
    assert json.loads(out)["categories"] == {"laptop": 2, "printer_small": 3}


def test_messages_follow_lang_option_and_environment(tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    path.write_text("category,quantity\nlaptop,x\n")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert "A quantity" in run(str(path))[2]
    assert "Une quantité" in run(str(path), "--lang", "fr")[2]


def test_boavizta_method_computes_what_it_covers_and_lists_the_rest(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("category,quantity\nlaptop,10\nswitch,2\nprinter_small,3\n")
    code, out, err = run(str(path), "--format", "json", "--method", "boavizta")
    assert code == 0, err
    document = json.loads(out)
    assert document["totals"]["gwp"]["embodied"]["value"] == pytest.approx(10 * 181.0)
    left = {(e["reason"], e["value"], e["devices"]) for e in document["excluded"]}
    assert left == {
        ("not_covered_by_method", "switch", 2),
        ("not_covered_by_method", "printer_small", 3),
    }


def test_table_and_csv_formats(fleet):
    code, out, _ = run(str(fleet), "--by", "category")
    assert code == 0 and "TOTAL" in out and "desktop" in out and "kgCO2e" in out
    code, out, _ = run(str(fleet), "--format", "csv", "--per-row")
    lines = out.splitlines()
    assert lines[0] == (
        "scope,key,criterion,unit,phase,value,low,high,method,engine_version,"
        "data_version,duration_years"
    )
    assert any(line.startswith("row,2,gwp,kgCO2e,embodied,") for line in lines)


def test_unknown_country_option_and_missing_file_exit_2(fleet, tmp_path):
    assert run(str(fleet), "--country", "XX")[0] == 2
    code, _, err = run(str(tmp_path / "nope.csv"), "--lang", "en")
    assert code == 2 and "No such file" in err


def test_the_installed_capnr_command_runs_footprint(fleet):
    command = Path(sys.executable).with_name("capnr")
    result = subprocess.run(
        [str(command), "footprint", str(fleet), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "capnr"


def test_csv_without_per_row_lists_totals_and_breakdown(fleet):
    code, out, err = run(str(fleet), "--format", "csv", "--by", "department")
    assert code == 0, err
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"total", "breakdown"}


def test_spreadsheet_rows_keep_their_numbers_below_a_title(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A3"], sheet["B3"] = "category", "quantity"
    sheet["A4"], sheet["B4"] = "laptop", -1
    path = tmp_path / "offset.xlsx"
    book.save(path)
    code, _, err = run(str(path), "--lang", "en")
    assert code == 2 and "row 4, column 'quantity'" in err
