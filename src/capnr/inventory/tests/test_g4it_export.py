"""The inventory exported for G4IT, and read back by Cap NR's own import: every column recognised,
the same categories, dates and quantities."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from capnr.engine.intake.columns import mapped_columns, mapping_from_suggestions, suggest_mapping
from capnr.engine.intake.dates import read_dates
from capnr.engine.intake.files import read_inventory_file
from capnr.engine.intake.g4it import G4IT_HEADER, G4IT_TYPES
from capnr.engine.intake.recognition import infer_categories
from capnr.inventory.models import Asset, AssetStatus
from capnr.organisations.models import Department, Role, Site

# One device per category that has a G4IT type, with a real model: G4IT's types are coarser than
# Cap NR's categories ("Printer" for three of them), so the model tells them apart on the way back.
FLEET = [
    ("laptop", "Dell", "Latitude 5420", 1, date(2021, 3, 15)),
    ("desktop", "HP", "EliteDesk 800 G6", 12, date(2019, 9, 1)),
    ("workstation", "Dell", "Precision 5820 Tower", 2, date(2020, 1, 31)),
    ("thin_client", "HP", "t640 Thin Client", 30, None),
    ("monitor", "Dell", "P2422H", 40, date(2022, 12, 25)),
    ("monitor_large", "Dell", "U2723QE", 3, date(2023, 2, 1)),
    ("smartphone", "Samsung", "Galaxy A54", 25, date(2023, 6, 30)),
    ("tablet", "Apple", "iPad 10", 4, date(2023, 1, 2)),
    ("ip_phone", "Yealink", "T46U", 50, date(2018, 5, 4)),
    ("printer_small", "HP", "LaserJet Pro M404dn", 6, date(2020, 11, 12)),
    ("printer_workgroup", "HP", "LaserJet Enterprise M507", 2, date(2021, 7, 8)),
    ("printer_mfp", "Canon", "imageRUNNER ADVANCE C3226i", 3, date(2022, 4, 5)),
    ("server_rack", "Dell", "PowerEdge R650", 4, date(2021, 10, 10)),
    ("server_tower", "Dell", "PowerEdge T350", 1, date(2022, 2, 28)),
    ("switch", "Cisco", "Catalyst 9200", 8, date(2019, 3, 3)),
    ("router", "Fortinet", "FortiGate 60F", 2, date(2020, 6, 6)),
    ("wifi_ap", "Ubiquiti", "UniFi U6 Pro", 15, date(2022, 8, 9)),
    ("nas", "Synology", "DS920+", 1, date(2021, 1, 1)),
    ("display", "Samsung", "QM55R", 2, date(2020, 12, 31)),
    ("docking_station", "Dell", "WD19S", 20, date(2022, 5, 17)),
]
EXPECTED_FIELDS = {
    "nomEquipementPhysique": "name",
    "modele": "model",
    "quantite": "quantity",
    "nomCourtDatacenter": None,
    "dateAchat": "purchase_date",
    "dateRetrait": "retirement_date",
    "type": "type",
    "statut": "status",
    "paysDUtilisation": "country",
    "consoElecAnnuelle": "annual_kwh",
    "utilisateur": "user",
    "nomSourceDonnee": None,
    "nomEntite": "department",
}


@pytest.fixture
def fleet(org_a):
    site = Site.objects.get(organisation=org_a)
    annexe = Site.objects.create(organisation=org_a, name="Annexe")
    department = Department.objects.get(organisation=org_a)
    assets = [
        Asset(
            organisation=org_a,
            category=category,
            name=f"{category.upper()}-{number:03d}",
            manufacturer=manufacturer,
            model=model,
            quantity=quantity,
            purchase_date=bought,
            site=site if number % 2 else annexe,
            department=department if number % 3 else None,
            status=AssetStatus.IN_STOCK if number == 4 else AssetStatus.IN_USE,
        )
        for number, (category, manufacturer, model, quantity, bought) in enumerate(FLEET)
    ]
    Asset.objects.bulk_create(assets)
    return assets


@pytest.fixture
def reader_client(client, org_a, member):
    client.force_login(member(org_a, Role.READER))
    return client


def export(client, organisation) -> bytes:
    response = client.get(reverse("inventory:assets_export_g4it", args=[organisation.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="g4it-')
    return response.content


def test_the_export_reads_back_with_every_column_category_date_and_quantity(
    reader_client, org_a, fleet, tmp_path
):
    path = tmp_path / "g4it.csv"
    path.write_bytes(export(reader_client, org_a))
    table = read_inventory_file(path)
    assert table.header == list(G4IT_HEADER)

    suggestions = suggest_mapping(table.header)
    assert {s.header: s.field for s in suggestions} == EXPECTED_FIELDS
    assert all(s.confidence == 1.0 for s in suggestions if s.field)
    columns = mapped_columns(table, mapping_from_suggestions(suggestions))

    originals = {asset.name: asset for asset in fleet}
    assert sorted(columns["name"]) == sorted(originals)
    categories, _confidences, _rules = infer_categories(
        columns["type"], columns["model"], columns["name"], None
    )
    recognised = dict(zip(columns["name"], categories, strict=True))
    for name, asset in originals.items():
        assert asset.category in G4IT_TYPES
        assert recognised[name] == asset.category, (name, columns["type"], columns["model"])

    dates = read_dates(columns["purchase_date"])
    assert dates.problems == {} and not dates.ambiguous
    read_back = dict(zip(columns["name"], dates.iso, strict=True))
    quantities = dict(zip(columns["name"], columns["quantity"], strict=True))
    for name, asset in originals.items():
        assert read_back[name] == (asset.purchase_date.isoformat() if asset.purchase_date else "")
        assert int(quantities[name]) == asset.quantity
    assert set(columns["country"]) == {"France"}
    assert set(columns["status"]) == {"In use", "In stock"}
    assert set(columns["department"]) == {"Alpha hidden department", ""}


def test_retired_devices_are_left_out_of_the_export(reader_client, org_a, fleet):
    Asset.objects.filter(name="LAPTOP-000").update(status=AssetStatus.RETIRED)
    text = export(reader_client, org_a).decode("utf-8")
    names = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert "LAPTOP-000" not in names
    assert len(names) == len(FLEET) - 1


def test_devices_entered_as_counts_get_unique_names(reader_client, org_a):
    Asset.objects.bulk_create(
        [Asset(organisation=org_a, category="laptop", quantity=40) for _ in range(2)]
    )
    text = export(reader_client, org_a).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [row[0] for row in rows] == ["laptop-1", "laptop-2"]
    assert [row[2] for row in rows] == ["40", "40"]


def test_text_that_looks_like_a_formula_is_neutralised(reader_client, org_a):
    Asset.objects.create(organisation=org_a, category="laptop", name='=HYPERLINK("x")')
    text = export(reader_client, org_a).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("x")'


def test_the_export_holds_only_the_organisation_own_devices(client, org_a, org_b, member, fleet):
    client.force_login(member(org_b, Role.REFERENT))
    assert client.get(reverse("inventory:assets_export_g4it", args=[org_a.slug])).status_code in (
        403,
        404,
    )
    text = export(client, org_b).decode("utf-8")
    assert text.splitlines() == [";".join(G4IT_HEADER)]


def test_the_inventory_page_links_to_the_g4it_export(reader_client, org_a, fleet):
    page = reader_client.get(reverse("inventory:assets", args=[org_a.slug])).content.decode()
    assert reverse("inventory:assets_export_g4it", args=[org_a.slug]) in page


G4IT_FILE = (
    "nomEquipementPhysique;modele;quantite;nomCourtDatacenter;dateAchat;dateRetrait;type;"
    "statut;paysDUtilisation;consoElecAnnuelle;utilisateur;nomSourceDonnee;nomEntite\n"
    "PC-1;Dell Latitude 5420;1;;2021-03-15;2026-03-15;Laptop;In use;Germany;18,5;;inv;\n"
    "PC-2;Dell Latitude 5420;2;;2022-01-10;;Laptop;In use;;;;inv;\n"
    "SRV-1;Dell PowerEdge R650;1;;2021-10-10;;Server;In use;France;1500;;inv;\n"
)


def test_a_g4it_import_keeps_country_retirement_and_consumption_and_exports_them_back(
    reader_client, org_a, tmp_path
):
    from capnr.inventory import services
    from capnr.inventory.models import FootprintRun
    from capnr.organisations.tenancy import Access, OrganisationAccess

    path = tmp_path / "g4it.csv"
    path.write_text(G4IT_FILE, encoding="utf-8")
    access = OrganisationAccess(org_a, Access.ADMINISTER, "test")
    item = services.import_from_path(access=access, source=path)
    services.import_check(import_id=item.pk)
    item.refresh_from_db()
    assert item.problems == []
    services.import_store_now(item)
    stored = {asset.name: asset for asset in Asset.objects.filter(organisation=org_a)}
    assert (stored["PC-1"].country, stored["PC-1"].annual_kwh) == ("DEU", 18.5)
    assert stored["PC-1"].retirement_date == date(2026, 3, 15)
    assert (stored["PC-2"].country, stored["PC-2"].annual_kwh) == ("", None)
    assert stored["PC-2"].retirement_date is None
    assert (stored["SRV-1"].country, stored["SRV-1"].annual_kwh) == ("FRA", 1500.0)

    # The footprint takes the declared consumption: 1,500 kWh a year for the server, whatever
    # the model would have said; the German laptop's electricity is Germany's.
    from capnr.engine.reference import reference_data
    from capnr.inventory.engine_adapter import engine_table, footprint_results

    table, _summary = engine_table(Asset.objects.filter(organisation=org_a).order_by("name"))
    countries = reference_data().countries
    assert [countries[i] for i in table.country.tolist()] == ["DEU", "FRA", "FRA"]
    power = table.number("avg_power_w")
    assert power[0] == pytest.approx(18.5 * 1000 / 8760) and power[1] != power[1]  # NaN
    assert power[2] == pytest.approx(1500 * 1000 / 8760)
    assert table.number("use_time_ratio").tolist()[0] == 1.0
    run = FootprintRun.objects.filter(organisation=org_a).latest("pk")
    assert run.asset_count == 3
    assert run.results["totals"] == footprint_results(table)["totals"]  # stored = recomputed

    rows = list(csv.DictReader(io.StringIO(export(reader_client, org_a).decode()), delimiter=";"))
    by_name = {row["nomEquipementPhysique"]: row for row in rows}
    assert (by_name["PC-1"]["paysDUtilisation"], by_name["PC-1"]["dateRetrait"]) == (
        "Germany",
        "2026-03-15",
    )
    assert float(by_name["PC-1"]["consoElecAnnuelle"].replace(",", ".")) == 18.5
    assert by_name["PC-2"]["paysDUtilisation"] == "France"  # the organisation's default
    assert by_name["PC-2"]["consoElecAnnuelle"] == "" and by_name["PC-2"]["dateRetrait"] == ""
