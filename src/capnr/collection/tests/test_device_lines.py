"""Sorting device by device, beside sorting by batch: a device line (type, serial number or asset
tag if known, outcome), recorded with its erasure when it held data, counted like a batch of
one in the summary and the register."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from capnr.collection import selectors, services
from capnr.collection.models import Erasure, SortingBatch
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)

LAPTOP = services.DeviceInput(
    date=DAY,
    item_type="laptops",
    outcome="donated",
    recipient="Association Tremplin",
    serial_number="SN-123",
    asset_tag="INV-0042",
    held_data=True,
    replaces_purchase=True,
    erasure_method="overwrite",
    erasure_date=DAY,
    erasure_done_by="DSI",
    erasure_certificate="CERT-9",
)


def test_a_device_that_held_data_is_recorded_with_its_erasure(access, referent, campaign):
    line = services.device_record(access=access, user=referent, campaign=campaign, data=LAPTOP)
    assert (line.is_device, line.count, line.held_data, line.replaces_purchase) == (
        True,
        1,
        1,
        1,
    )
    assert line.device_reference == "SN-123 · INV-0042"
    erasure = Erasure.objects.get(batch=line)
    assert (erasure.devices, erasure.method, erasure.done_by, erasure.certificate) == (
        1,
        "overwrite",
        "DSI",
        "CERT-9",
    )
    summary = selectors.sorting_summary(campaign)
    assert (summary.sorted_devices, summary.held_data, summary.erased) == (1, 1, 1)


def test_a_device_that_held_data_without_its_erasure_is_refused_and_nothing_stored(
    access, referent, campaign
):
    missing = dataclasses.replace(
        LAPTOP, erasure_method="", erasure_date=None, erasure_done_by="", recipient=""
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.device_record(access=access, user=referent, campaign=campaign, data=missing)
    # Every problem at once: the erasure's three fields and the donation's recipient.
    assert set(caught.value.message_dict) == {
        "erasure_method",
        "erasure_date",
        "erasure_done_by",
        "recipient",
    }
    assert not SortingBatch.objects.exists() and not Erasure.objects.exists()


def test_a_device_without_data_needs_no_erasure_nor_serial(access, referent, campaign):
    screen = services.DeviceInput(
        date=DAY, item_type="screens", outcome="weee", recipient="Ecologic", weight_kg=4.5
    )
    line = services.device_record(access=access, user=referent, campaign=campaign, data=screen)
    assert (line.held_data, line.device_reference, line.erasures.count()) == (0, "", 0)
    # Two devices without a number are two devices, not a duplicate.
    services.device_record(access=access, user=referent, campaign=campaign, data=screen)
    assert SortingBatch.objects.filter(is_device=True).count() == 2


def test_the_same_serial_number_or_asset_tag_twice_is_refused(access, referent, campaign):
    services.device_record(access=access, user=referent, campaign=campaign, data=LAPTOP)
    for change in ({"asset_tag": ""}, {"serial_number": " "}):
        again = dataclasses.replace(LAPTOP, **change)
        with pytest.raises(ValidationError) as caught:
            services.device_record(access=access, user=referent, campaign=campaign, data=again)
        assert set(caught.value.message_dict) & {"serial_number", "asset_tag"}
    assert SortingBatch.objects.count() == 1 and Erasure.objects.count() == 1


def test_recycled_device_cannot_claim_to_spare_a_purchase(access, referent, campaign):
    recycled = dataclasses.replace(LAPTOP, outcome="weee", recipient="Ecologic")
    with pytest.raises(ValidationError) as caught:
        services.device_record(access=access, user=referent, campaign=campaign, data=recycled)
    assert "replaces_purchase" in caught.value.message_dict


def test_only_the_referent_records_a_device(org_a, member, access_of, campaign):
    contributor = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.device_record(
            access=access_of(contributor, org_a), user=contributor, campaign=campaign, data=LAPTOP
        )


def test_the_device_form_records_a_device_and_the_register_lists_it(client, referent, campaign):
    client.force_login(referent)
    address = reverse("collection:device_add", args=["alpha", campaign.pk])
    assert client.get(address).status_code == 200
    form = {
        "date": "2026-05-04",
        "item_type": "phones",
        "serial_number": "IMEI-356",
        "outcome": "refurbisher",
        "recipient": "Reconditionneur",
        "held_data": "on",
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(address, form)
    assert refused.status_code == 200
    assert "record how, when and by whom it was erased" in refused.content.decode()
    assert not SortingBatch.objects.exists()
    form |= {"erasure_method": "factory_reset", "erasure_date": "2026-05-05",
             "erasure_done_by": "Reconditionneur"}  # fmt: skip
    assert client.post(address, form).status_code == 302
    page = client.get(reverse("collection:sorting", args=["alpha", campaign.pk])).content
    assert "IMEI-356" in page.decode()
    header, rows = selectors.register_rows(campaign)
    assert rows[0][2] == 1 and rows[0][8] == 1 and rows[0][-1] == "IMEI-356"
    assert len(header) == len(rows[0])


def test_a_reader_cannot_record_a_device(client, org_a, member, campaign):
    client.force_login(member(org_a, Role.READER))
    address = reverse("collection:device_add", args=["alpha", campaign.pk])
    assert client.post(address, {"date": "2026-05-04"}).status_code == 403
    assert not SortingBatch.objects.exists()
