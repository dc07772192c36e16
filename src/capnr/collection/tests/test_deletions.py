"""Deleting a campaign, a box or a sorting line: a confirmation page first, the référent only,
and what goes with each (a box with deposits stays; certificate files go with their rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from capnr.collection import services
from capnr.collection.models import (
    Campaign,
    CollectionPoint,
    Deposit,
    Erasure,
    SortingBatch,
    Team,
)
from capnr.organisations.models import Role, Site

from .conftest import deposit_input

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def url(name, *args):
    return reverse(f"collection:{name}", args=["alpha", *args])


@pytest.fixture
def certified(access, referent, campaign, private_files):
    """A sorted batch whose erasure has a certificate file."""
    batch = services.sorting_record(
        access=access,
        user=referent,
        campaign=campaign,
        fields={"date": DAY, "item_type": "laptops", "count": 2,
                "outcome": "reused_internally", "held_data": 2},
    )  # fmt: skip
    erasure = services.erasure_record(
        access=access,
        user=referent,
        batch=batch,
        fields={"date": DAY, "method": "overwrite", "devices": 2, "done_by": "DSI"},
    )
    services.certificate_attach(
        access=access,
        erasure=erasure,
        upload=SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    erasure.refresh_from_db()
    return batch, private_files / erasure.certificate_file.name


def test_deleting_a_campaign_asks_first_then_takes_everything_with_it(
    client, referent, campaign, point, teams, certified, django_capture_on_commit_callbacks
):
    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    _batch, stored = certified
    assert stored.exists()
    client.force_login(referent)
    assert client.get(url("campaign_delete", campaign.pk)).status_code == 200
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("campaign_delete", campaign.pk))
    assert response.status_code == 302 and response["Location"] == url("campaigns")
    for model in (Campaign, Team, CollectionPoint, Deposit, SortingBatch, Erasure):
        assert not model.objects.exists(), model
    assert not stored.exists()
    assert client.get(reverse("collection_deposit", args=[point.token])).status_code == 404


def test_a_box_without_deposits_is_deleted_one_with_deposits_stays(
    client, access, referent, campaign, point, teams, org_a
):
    spare = services.point_save(
        access=access,
        campaign=campaign,
        site=Site.objects.get(organisation=org_a),
        location="Placed by mistake",
        person_in_charge=None,
    )
    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=1))
    with pytest.raises(ValidationError):
        services.point_delete(access=access, point=point)
    client.force_login(referent)
    assert client.get(url("point_delete", campaign.pk, spare.pk)).status_code == 200
    assert client.post(url("point_delete", campaign.pk, spare.pk)).status_code == 302
    assert not CollectionPoint.objects.filter(pk=spare.pk).exists()
    refused = client.post(url("point_delete", campaign.pk, point.pk), follow=True)
    assert "cannot be deleted" in refused.content.decode() or "ne peut pas" in (
        refused.content.decode()
    )
    assert CollectionPoint.objects.filter(pk=point.pk).exists()


def test_deleting_a_sorting_line_takes_its_erasures_and_files(
    client, referent, campaign, certified, django_capture_on_commit_callbacks
):
    batch, stored = certified
    client.force_login(referent)
    assert client.get(url("sorting_delete", campaign.pk, batch.pk)).status_code == 200
    assert SortingBatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("sorting_delete", campaign.pk, batch.pk)).status_code == 302
    assert not SortingBatch.objects.exists() and not Erasure.objects.exists()
    assert not stored.exists()


def test_other_roles_and_organisations_are_refused(
    client, access, org_a, org_b, member, access_of, campaign, point, certified
):
    batch, stored = certified
    addresses = [
        url("campaign_delete", campaign.pk),
        url("point_delete", campaign.pk, point.pk),
        url("sorting_delete", campaign.pk, batch.pk),
    ]
    for user, status in (
        (member(org_a, Role.READER), 403),
        (member(org_a, Role.CONTRIBUTOR), 403),
        (member(org_b, Role.REFERENT), 404),
    ):
        client.force_login(user)
        for address in addresses:
            assert client.get(address).status_code == status, address
            assert client.post(address).status_code == status, address
    keeper = member(org_a, Role.CONTRIBUTOR)
    for delete, row in (
        (services.campaign_delete, {"campaign": campaign}),
        (services.point_delete, {"point": point}),
        (services.sorting_delete, {"batch": batch}),
    ):
        with pytest.raises(PermissionDenied):
            delete(access=access_of(keeper, org_a), **row)
    assert Campaign.objects.exists() and CollectionPoint.objects.exists()
    assert SortingBatch.objects.exists() and stored.exists()


# Certificate files go with their rows however the rows go, once the deletion commits; a
# deletion rolled back keeps them.


def test_deleting_the_organisation_deletes_its_certificate_files(
    org_a, certified, django_capture_on_commit_callbacks
):
    _batch, stored = certified
    with django_capture_on_commit_callbacks(execute=True):
        org_a.delete()
        assert stored.exists()  # not before the commit
    assert not Erasure.objects.exists() and not stored.exists()


def test_deleting_an_erasure_row_deletes_its_file(certified, django_capture_on_commit_callbacks):
    batch, stored = certified
    with django_capture_on_commit_callbacks(execute=True):
        batch.erasures.get().delete()
    assert not stored.exists()


@pytest.mark.parametrize("deleted", ["sorting line", "campaign", "certificate", "organisation"])
def test_a_deletion_rolled_back_keeps_the_certificate_file(
    access, certified, deleted, django_capture_on_commit_callbacks
):
    batch, stored = certified
    delete = {
        "sorting line": lambda: services.sorting_delete(access=access, batch=batch),
        "campaign": lambda: services.campaign_delete(access=access, campaign=batch.campaign),
        "certificate": lambda: services.certificate_remove(
            access=access, erasure=batch.erasures.get()
        ),
        "organisation": batch.campaign.organisation.delete,
    }[deleted]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        delete()
        raise RuntimeError("something later in the same transaction fails")
    assert callbacks == []
    assert stored.name in Erasure.objects.get().certificate_file.name and stored.exists()


def test_a_replacement_rolled_back_keeps_the_old_file(
    access, certified, django_capture_on_commit_callbacks
):
    batch, stored = certified
    erasure = batch.erasures.get()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.certificate_attach(
            access=access,
            erasure=erasure,
            upload=SimpleUploadedFile("new.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        )
        raise RuntimeError("something later in the same transaction fails")
    assert callbacks == [] and stored.exists()
