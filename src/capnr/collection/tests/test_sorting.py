"""What became of the devices: sorting, data erasure, the register export, the reuse rate."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from capnr.collection import selectors, services
from capnr.collection.models import Erasure
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)


def batch(access, user, campaign, **fields):
    values = {
        "date": DAY,
        "item_type": "laptops",
        "count": 10,
        "outcome": "donated",
        "recipient": "Association Tremplin",
        "agreement": "Convention 12",
        "weight_kg": 20.0,
        **fields,
    }
    values.setdefault("held_data", values["count"])
    return services.sorting_record(access=access, user=user, campaign=campaign, fields=values)


def erasure(access, user, sorted_batch, devices, method="overwrite"):
    return services.erasure_record(
        access=access,
        user=user,
        batch=sorted_batch,
        fields={
            "date": DAY,
            "method": method,
            "devices": devices,
            "done_by": "DSI",
            "certificate": "CERT-1",
        },
    )


def test_a_donation_names_who_received_it(access, referent, campaign):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        batch(access, referent, campaign, recipient="", held_data=11)
    assert set(caught.value.message_dict) == {"recipient", "held_data"}
    batch(access, referent, campaign, outcome="reused_internally", recipient="")


def test_only_the_referent_records_sorting(org_a, member, access_of, campaign):
    contributor = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        batch(access_of(contributor, org_a), contributor, campaign)


def test_no_more_erasures_than_devices_that_held_data(access, referent, campaign):
    laptops = batch(access, referent, campaign, held_data=3)
    erasure(access, referent, laptops, 2)
    with pytest.raises(ValidationError):
        erasure(access, referent, laptops, 2)
    erasure(access, referent, laptops, 1, method="destruction")
    with pytest.raises(ValidationError):
        erasure(access, referent, laptops, 1)
    assert Erasure.objects.filter(batch=laptops).count() == 2


def test_the_reuse_rate_and_the_targets_in_force(access, referent, campaign):
    batch(access, referent, campaign, count=6, outcome="donated")
    batch(access, referent, campaign, count=2, outcome="sold", held_data=0)
    batch(access, referent, campaign, count=12, outcome="weee", recipient="Ecologic", held_data=0)
    summary = selectors.sorting_summary(campaign)
    # (6 donated + 2 sold) / 20 sorted = 0.4
    assert summary.reuse_rate == pytest.approx(0.4)
    assert summary.sorted_devices == 20
    assert (summary.held_data, summary.erased) == (6, 0)
    applying = [target.id for target, applies in summary.targets if applies]
    # Organisation A is a State service: the decree and the State plan both apply.
    assert applying == ["reen_2025", "spe_2025"]


def test_the_register_exports_every_batch_with_its_erasures(client, referent, access, campaign):
    laptops = batch(access, referent, campaign)
    erasure(access, referent, laptops, 10)
    batch(access, referent, campaign, count=4, outcome="weee", recipient="=cmd", held_data=0)
    client.force_login(referent)
    base = ["alpha", campaign.pk]
    response = client.get(reverse("collection:register_csv", args=base))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # header and two batches
    assert "Association Tremplin" in lines[1] and "CERT-1" in lines[1]
    assert "'=cmd" in lines[2]  # a formula is neutralised
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("collection:register_xlsx", args=base)).content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][2] == 10


def test_the_sorting_page_shows_the_rate_beside_the_sourced_targets(
    client, referent, access, campaign
):
    batch(access, referent, campaign, count=5)
    batch(access, referent, campaign, count=5, outcome="weee", recipient="Ecologic", held_data=0)
    client.force_login(referent)
    body = client.get(reverse("collection:sorting", args=["alpha", campaign.pk])).content.decode()
    assert "50 %" in body
    assert "2023-266" in body
    assert "minumeco-bilan-2024.pdf" in body


def test_only_reused_devices_that_spare_a_purchase_count_as_manufacturing_avoided(
    access, referent, campaign
):
    from capnr.engine.reference import reference_data

    laptop = reference_data().parameters[("laptop", "embodied_gwp")]
    batch(access, referent, campaign, count=10, outcome="reused_internally", replaces_purchase=4)
    batch(access, referent, campaign, count=50, outcome="weee", recipient="Ecologic",
          held_data=0, weight_kg=100.0)  # fmt: skip
    summary = selectors.sorting_summary(campaign)
    assert summary.avoided.devices == 4
    assert summary.avoided.kgco2e == round(4 * laptop.value)
    assert summary.recycled_kg == 100.0
    with pytest.raises(ValidationError):
        batch(access, referent, campaign, outcome="weee", recipient="E", replaces_purchase=1)
    with pytest.raises(ValidationError):
        batch(access, referent, campaign, count=2, replaces_purchase=3, held_data=0)
