"""Imports left unconfirmed are not kept for ever (issue 13, finding 8): after 7 days the daily
purge cancels them and deletes their file and checked rows, in every organisation; imports
still in time, being stored or done keep theirs."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from capnr.inventory import services
from capnr.inventory.models import ImportStatus, InventoryImport
from capnr.inventory.tasks import purge_abandoned_imports
from capnr.organisations.models import Role

from .test_import_services import GLPI_FR, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def imports(org_a, org_b, member, access_of, settings, tmp_path):
    """Per organisation: one import uploaded 8 days ago and one 6 days ago (both waiting for
    their columns), and in org_a a done one and one being stored, 8 days old."""
    settings.DATA_DIR = tmp_path
    made = {}
    for organisation in (org_a, org_b):
        user = member(organisation, Role.REFERENT)
        access = access_of(user, organisation)
        for age in (8, 6):
            item = upload(access, user, GLPI_FR)
            made[(organisation.slug, age)] = item
    access = access_of(member(org_a, Role.REFERENT), org_a)
    for status in (ImportStatus.DONE, ImportStatus.STORING):
        item = upload(access, None, GLPI_FR)
        InventoryImport.objects.filter(pk=item.pk).update(status=status)
        made[(org_a.slug, status)] = item
    for key, item in made.items():
        age = key[1] if isinstance(key[1], int) else 8
        InventoryImport.objects.filter(pk=item.pk).update(
            created_at=timezone.now() - dt.timedelta(days=age)
        )
    return made


def folder(item: InventoryImport) -> Path:
    return Path(item.stored_path).parent


def test_imports_left_for_more_than_a_week_are_cancelled_and_their_files_deleted(
    imports, org_a, org_b
):
    for item in imports.values():
        assert folder(item).exists()
    assert services.purge_abandoned_imports() == 2
    for (_slug, age), item in imports.items():
        item.refresh_from_db()
        if age == 8:
            assert item.status == ImportStatus.CANCELLED and item.summary["abandoned"]
            assert not folder(item).exists()
        else:
            assert item.status != ImportStatus.CANCELLED and folder(item).exists()
    assert services.purge_abandoned_imports() == 0  # nothing twice


def test_the_page_of_an_abandoned_import_says_what_happened(imports, org_a, client, member):
    services.purge_abandoned_imports()
    user = member(org_a, Role.REFERENT)
    client.force_login(user)
    item = imports[(org_a.slug, 8)]
    page = client.get(f"/o/{org_a.slug}/inventory/imports/{item.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "plus de 7 jours" in page.content.decode()


def test_the_daily_command_queues_both_purges_and_runs_them_with_now(imports):
    output = io.StringIO()
    call_command("purge", "--now", stdout=output)
    assert "2 abandoned import(s)" in output.getvalue()
    assert purge_abandoned_imports.call() == 0
    output = io.StringIO()
    call_command("purge", stdout=output)
    assert output.getvalue().count("queued for the worker") == 2
