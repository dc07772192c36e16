"""The columns step of an import, one short page (issue 12: an EcoIndex of 85 or more): the
file's columns in a table with what Cap NR reads in each, one column changed at a time through
a small GET form whose choice waits in the address, then every row checked with the whole
mapping, sent in hidden fields. Works without JavaScript."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capnr.inventory.forms import FIELD_LABELS
from capnr.inventory.models import ImportStatus, InventoryImport
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

GLPI_EN = (
    "Name,Entity,Location,Type,Manufacturer,Model,Serial number,Inventory number,Purchase date\n"
    "PC-001,Org > IT,HQ,Desktop,Dell,OptiPlex 7090,SN001,INV1,2021-03-15\n"
    "LAP-002,Org > IT,HQ,Laptop,Dell,Latitude 5420,SN002,INV2,2022-09-01\n"
)
MODEL = 5  # the column "Model"


@pytest.fixture
def waiting(client, org_a, member, settings, tmp_path):
    """An import waiting for its columns, and the référent's client."""
    settings.DATA_DIR = tmp_path
    client.force_login(member(org_a, Role.REFERENT))
    client.post(
        reverse("inventory:imports", args=[org_a.slug]),
        {"file": SimpleUploadedFile("glpi.csv", GLPI_EN.encode())},
    )
    item = InventoryImport.objects.get(organisation=org_a)
    assert item.status == ImportStatus.MAPPING and item.mapping[str(MODEL)] == "model"
    return item


def page(client, item, query=""):
    detail = reverse("inventory:import_detail", args=[item.organisation.slug, item.pk])
    return unescape(client.get(detail + query).content.decode())


def hidden_columns(body: str) -> dict[str, str]:
    pattern = r'<input type="hidden" name="(column_\d+)"(?: value="([^"]*)")?'
    return dict(re.findall(pattern, body))


def test_the_columns_are_a_table_with_no_choice_list_until_one_is_changed(client, waiting):
    body = page(client, waiting)
    assert "<select" not in body.split('id="columns"')[1].split("date_order")[0]
    # Every column, its first values and what it is read as, in one table.
    assert "OptiPlex 7090, Latitude 5420" in body and ">Model</th>" in body
    assert str(FIELD_LABELS["serial_number"]) in body
    assert body.count("<option") < 10  # was 20 a column: 180 for this file
    # The whole mapping goes with "check" in hidden fields.
    assert hidden_columns(body) == {
        f"column_{index}": waiting.mapping.get(str(index), "") for index in range(9)
    }
    assert body.count("?change=") == 9


def test_changing_one_column_keeps_the_choice_in_the_address_until_the_check(client, waiting):
    slug = waiting.organisation.slug
    # "Change" on the model column: one list of every field, in a GET form.
    body = page(client, waiting, f"?change={MODEL}")
    form = body.split('id="change"')[1].split("</form>")[0]
    assert 'method="get"' in body.split('id="change"')[0][-60:]
    assert f'name="column_{MODEL}"' in form and form.count("<option") == len(FIELD_LABELS)
    # Choosing "ignore this column": the table says so, the check will send it.
    body = page(client, waiting, f"?column_{MODEL}=")
    assert "modifiée, pas encore vérifiée" in body
    assert hidden_columns(body)[f"column_{MODEL}"] == ""
    # Changing another column carries the first change along.
    body = page(client, waiting, f"?column_{MODEL}=&change=1")
    form = body.split('id="change"')[1].split("</form>")[0]
    assert f'<input type="hidden" name="column_{MODEL}" value="">' in form
    # Nothing is stored until the check is asked for, with the page's hidden fields.
    waiting.refresh_from_db()
    assert waiting.mapping[str(MODEL)] == "model"
    client.post(
        reverse("inventory:import_mapping", args=[slug, waiting.pk]),
        hidden_columns(page(client, waiting, f"?column_{MODEL}=")),
    )
    waiting.refresh_from_db()
    assert str(MODEL) not in waiting.mapping and waiting.status == ImportStatus.TO_CONFIRM


def test_changes_the_file_has_no_room_for_are_ignored(client, waiting):
    body = page(client, waiting, "?column_99=name&column_1=nonsense&change=42")
    assert "modifiée, pas encore vérifiée" not in body and 'id="change"' not in body
    assert hidden_columns(body) == hidden_columns(page(client, waiting))
