"""A large spreadsheet is read by the worker, not inside the upload request (issue 13, finding
5: a 44.7 MB XLSX took 9.5 s and 1.1 GB in the web process)."""

from __future__ import annotations

from html import escape
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from capnr.core.spreadsheets import xlsx_bytes
from capnr.inventory import services, tasks
from capnr.inventory.models import ImportStatus
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Type", "Fabricant", "Modèle", "Numéro de série"]


@pytest.fixture
def referent(org_a, member, access_of, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(services, "BACKGROUND_READ_BYTES", 1_000)
    queued: list[int] = []
    monkeypatch.setattr(tasks, "read_import", SimpleNamespace(enqueue=queued.append))
    user = member(org_a, Role.REFERENT)
    return user, access_of(user, org_a), queued


def workbook(rows: int) -> bytes:
    body = [
        [f"PC-{i}", "Ordinateur portable", "Dell", "Latitude 5420", f"SN{i}"] for i in range(rows)
    ]
    return xlsx_bytes([("Parc", HEADER, body)])


def test_a_large_spreadsheet_is_read_by_the_worker_and_then_mapped(referent, client, org_a):
    user, access, queued = referent
    data = workbook(300)
    assert len(data) > 1_000
    item = services.import_upload(
        access=access, user=user, uploaded=SimpleUploadedFile("parc.xlsx", data)
    )
    assert item.status == ImportStatus.READING and item.header == [] and queued == [item.pk]
    client.force_login(user)
    page = client.get(f"/o/{org_a.slug}/inventory/imports/{item.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "Lecture du fichier" in text and 'http-equiv="refresh"' in text
    services.import_read(import_id=item.pk)
    item.refresh_from_db()
    assert item.status == ImportStatus.MAPPING
    assert item.header == HEADER and item.total_rows == 300
    assert {"name", "type", "serial_number"} <= set(item.mapping.values())
    services.import_read(import_id=item.pk)  # a second run changes nothing
    item.refresh_from_db()
    assert item.status == ImportStatus.MAPPING


def test_a_small_spreadsheet_is_still_read_in_the_request(referent, monkeypatch):
    user, access, queued = referent
    data = workbook(3)
    monkeypatch.setattr(services, "BACKGROUND_READ_BYTES", len(data))
    item = services.import_upload(
        access=access, user=user, uploaded=SimpleUploadedFile("parc.xlsx", data)
    )
    assert item.status == ImportStatus.MAPPING and item.total_rows == 3 and not queued


def test_a_large_file_that_cannot_be_read_fails_with_its_reason_and_no_retry(
    referent, client, org_a
):
    user, access, _queued = referent
    broken = b"PK\x03\x04" + b"\x00" * 5_000  # a zip header, then nothing readable
    item = services.import_upload(
        access=access, user=user, uploaded=SimpleUploadedFile("parc.xlsx", broken)
    )
    services.import_read(import_id=item.pk)
    item.refresh_from_db()
    assert item.status == ImportStatus.FAILED and item.summary["refusal"]
    assert item.error_message and item.stored_path == ""
    with pytest.raises(ValidationError):
        services.import_retry(access=access, inventory_import=item)
    client.force_login(user)
    page = client.get(f"/o/{org_a.slug}/inventory/imports/{item.pk}/").content.decode()
    assert escape(item.error_message) in page and "/retry/" not in page
