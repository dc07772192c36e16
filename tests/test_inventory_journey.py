"""The inventory through HTTP, as a référent would: upload, columns, check, confirm, footprint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capnr.inventory import services
from capnr.inventory.models import Asset, ImportStatus, InventoryImport
from capnr.organisations.models import Role

GLPI_EN = (
    "Name,Entity,Location,Type,Manufacturer,Model,Serial number,Inventory number,Purchase date\n"
    "PC-001,Org > IT,HQ,Desktop,Dell,OptiPlex 7090,SN001,INV1,2021-03-15\n"
    "LAP-002,Org > IT,HQ,Laptop,Dell,Latitude 5420,SN002,INV2,2022-09-01\n"
    "X-003,Org > IT,HQ,,Acme,Gizmo 3000,SN003,INV3,2020-01-01\n"
)


@pytest.fixture
def referent_client(client, org_a, member, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(member(org_a, Role.REFERENT))
    return client


def test_import_from_upload_to_footprint(referent_client, org_a):
    client = referent_client
    slug = org_a.slug
    response = client.post(
        reverse("inventory:imports", args=[slug]),
        {"file": SimpleUploadedFile("glpi.csv", GLPI_EN.encode())},
    )
    assert response.status_code == 302
    item = InventoryImport.objects.get(organisation=org_a)
    page = client.get(response["Location"]).content.decode()
    assert "OptiPlex 7090" in page  # column examples help the user map
    columns = {f"column_{index}": field for index, field in item.mapping.items()}
    client.post(reverse("inventory:import_mapping", args=[slug, item.pk]), columns)
    item.refresh_from_db()
    assert item.status == ImportStatus.TO_CONFIRM, item.problems
    assert any(group["model"] == "Gizmo 3000" for group in item.uncertain)
    detail = client.get(reverse("inventory:import_detail", args=[slug, item.pk])).content
    assert "Gizmo 3000" in detail.decode()  # listed for the user to confirm
    form = {"group_0": "switch"}
    client.post(reverse("inventory:import_confirm", args=[slug, item.pk]), form)
    item.refresh_from_db()
    assert item.status == ImportStatus.DONE, services.failure_message(item)
    assert Asset.objects.get(serial_number="SN003").category == "switch"
    footprint = client.get(reverse("inventory:footprint", args=[slug])).content.decode()
    assert "<svg" in footprint and "kgCO2e" in footprint
    export = client.get(reverse("inventory:footprint_export_xlsx", args=[slug]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assets = client.get(reverse("inventory:assets", args=[slug]) + "?category=laptop")
    assert "LAP-002" in assets.content.decode() and "PC-001" not in assets.content.decode()


def test_a_refused_file_says_why_on_the_page(referent_client, org_a):
    response = referent_client.post(
        reverse("inventory:imports", args=[org_a.slug]),
        {"file": SimpleUploadedFile("empty.csv", b"")},
    )
    assert response.status_code == 200
    assert "vide" in response.content.decode()  # French: "Le fichier est vide."
    assert not InventoryImport.objects.exists()


def test_readers_see_the_inventory_but_cannot_import(client, org_a, member, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(member(org_a, Role.READER))
    assert client.get(reverse("inventory:assets", args=[org_a.slug])).status_code == 200
    response = client.post(
        reverse("inventory:imports", args=[org_a.slug]),
        {"file": SimpleUploadedFile("x.csv", GLPI_EN.encode())},
    )
    assert response.status_code == 403


def test_inventory_pages_use_a_fixed_number_of_queries(
    referent_client, org_a, django_assert_max_num_queries
):
    Asset.objects.bulk_create(
        [Asset(organisation=org_a, category="laptop", name=f"L{i}") for i in range(120)]
    )
    # 17: with no dated device, the page also reads the latest footprint for its rough estimate.
    with django_assert_max_num_queries(17):
        assert (
            referent_client.get(reverse("inventory:assets", args=[org_a.slug])).status_code == 200
        )


def test_an_oversized_upload_is_stopped_while_it_arrives(
    referent_client, org_a, settings, tmp_path
):
    settings.CAPNR_IMPORT_MAX_MB = 0.01  # about 10 KB
    big = SimpleUploadedFile("big.csv", GLPI_EN.encode() * 200)
    response = referent_client.post(reverse("inventory:imports", args=[org_a.slug]), {"file": big})
    assert response.status_code == 413
    assert "0.01 Mo" in response.content.decode() or "limite" in response.content.decode()
    assert not InventoryImport.objects.exists()
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_request_far_over_the_limit_gets_413_and_the_limit_on_the_page_and_the_api(
    referent_client, org_a, settings, language
):
    """Issue 13, finding 5: a request whose declared length is over the limit was stopped where
    Django does not catch it (HTTP 500), and the API then said "file: Field required"."""
    settings.CAPNR_IMPORT_MAX_MB = 0.01
    big = b"Nom;Type\r\n" + b"PC;Portable\r\n" * 20_000  # about 280 KB: over limit + room
    referent_client.cookies["django_language"] = language
    expected = {"fr": "dépasse la limite de 0,01 Mo", "en": "larger than the limit of 0.01 MB"}
    page = referent_client.post(
        reverse("inventory:imports", args=[org_a.slug]),
        {"file": SimpleUploadedFile("big.csv", big)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert page.status_code == 413
    assert expected[language] in page.content.decode().replace("\xa0", " ")
    api = referent_client.post(
        f"/api/v1/organisations/{org_a.slug}/inventory/imports",
        {"file": SimpleUploadedFile("big.csv", big)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert api.status_code == 413, api.content
    assert expected[language] in api.json()["detail"]["file"][0].replace("\xa0", " ")
    assert not InventoryImport.objects.exists()


def test_the_upload_handler_stops_before_the_service_sees_the_file(
    referent_client, org_a, settings, monkeypatch
):
    settings.CAPNR_IMPORT_MAX_MB = 0.01
    from capnr.inventory import services

    def never(**kwargs):
        raise AssertionError("the oversized file reached the service")

    monkeypatch.setattr(services, "import_upload", never)
    response = referent_client.post(
        reverse("inventory:imports", args=[org_a.slug]),
        {"file": SimpleUploadedFile("big.csv", b"x" * 50_000)},
    )
    assert response.status_code == 413


def test_without_an_inventory_the_age_section_says_so_and_gives_the_rough_estimate(
    referent_client, org_a
):
    """Issue 12: counts entered by hand have no purchase date; the page showed an age chart of
    zeros. It now says there is no inventory yet and gives the estimate from the counts."""
    from capnr.core.access import Access, OrganisationAccess
    from capnr.inventory import services

    services.counts_save(
        access=OrganisationAccess(org_a, Access.ADMINISTER, "test"),
        counts={"desktop": 40, "laptop": 10},
    )
    page = referent_client.get(reverse("inventory:assets", args=[org_a.slug])).content.decode()
    assert 'id="age-pyramid"' not in page
    assert "Pas encore d'inventaire" in page
    assert "Estimation grossière d'après les comptages saisis" in page
    assert " t CO2e par an" in page


def test_without_any_device_the_rough_estimate_comes_from_the_headcount(referent_client, org_a):
    org_a.headcount = 300
    org_a.save()
    page = referent_client.get(reverse("inventory:assets", args=[org_a.slug])).content.decode()
    assert "Pas encore d'inventaire" in page
    assert "d'après votre effectif" in page


def test_dated_devices_get_the_age_chart(referent_client, org_a):
    import datetime

    Asset.objects.create(
        organisation=org_a, category="laptop", name="L1", purchase_date=datetime.date(2020, 1, 1)
    )
    page = referent_client.get(reverse("inventory:assets", args=[org_a.slug])).content.decode()
    assert 'id="age-pyramid"' in page and "Pas encore d'inventaire" not in page


def test_the_footprint_page_shows_one_breakdown_at_a_time_a_page_of_rows_at_a_time(
    referent_client, org_a
):
    """Issue 12: the footprint page was 7,200 px tall; one breakdown is shown at a time, its
    table paginated, links (no JavaScript) lead to the others."""
    from capnr.core.access import Access, OrganisationAccess
    from capnr.inventory import services
    from capnr.inventory.views import BREAKDOWN_ROWS_PER_PAGE

    categories = [
        "desktop", "laptop", "monitor", "printer_mfp", "server_rack", "smartphone", "switch",
        "wifi_ap", "tablet", "ip_phone", "docking_station", "projector",
    ]  # fmt: skip
    services.counts_save(
        access=OrganisationAccess(org_a, Access.ADMINISTER, "test"),
        counts={code: 10 + index for index, code in enumerate(categories)},
    )
    url = reverse("inventory:footprint", args=[org_a.slug])
    first = referent_client.get(url).content.decode()
    assert 'id="by-categories"' in first and 'id="by-sites"' not in first
    assert first.count("<tr>") == 1 + BREAKDOWN_ROWS_PER_PAGE  # header + a page of rows
    assert 'href="?by=categories&amp;page=2#breakdown"' in first
    assert 'href="?by=sites#breakdown"' in first
    second = referent_client.get(url + "?by=categories&page=2").content.decode()
    assert second.count("<tr>") == 1 + len(categories) - BREAKDOWN_ROWS_PER_PAGE
    sites = referent_client.get(url + "?by=sites").content.decode()
    assert 'id="by-sites"' in sites and 'aria-current="page">Par site' in sites
