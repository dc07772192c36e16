"""Writing the collection challenge through the API: campaigns, boxes and sorting for the
référent, refused to the other roles (403) and organisations (404), the services' rules
answered as 422, stale edits as 409; the anonymous deposit stays a page."""

from __future__ import annotations

import json

import pytest

from capnr.api.services import api_token_create
from capnr.collection import services
from capnr.collection.models import Campaign, CollectionPoint, Erasure, SortingBatch
from capnr.organisations.models import Role, Site

from .conftest import deposit_input

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="collection script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method, url, token, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **token
    )


BASE = "/api/v1/organisations/alpha/collection/campaigns"
NEW = {
    "name": "Défi printemps",
    "start_date": "2026-03-02",
    "end_date": "2026-04-10",
    "item_types": ["laptops", "phones"],
}


def test_the_referent_creates_changes_and_deletes_a_campaign(client, referent):
    token = bearer(referent)
    created = send(client, "post", BASE, token, NEW)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["item_types"] == ["phones", "laptops"]  # in the engine's order
    campaign_url = f"{BASE}/{body['id']}"
    changed = send(
        client, "put", campaign_url, token, {"version": body["version"], "name": "Défi d'été"}
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Défi d'été"
    assert changed.json()["end_date"] == "2026-04-10"  # left out: kept
    stale = send(client, "put", campaign_url, token, {"version": body["version"], "rules": "x"})
    assert stale.status_code == 409
    wrong = send(
        client, "put", campaign_url, token, {"version": changed.json()["version"],
                                             "end_date": "2026-01-01"}
    )  # fmt: skip
    assert wrong.status_code == 422 and "end_date" in wrong.json()["detail"]
    assert client.delete(campaign_url, **token).status_code == 204
    assert not Campaign.objects.filter(pk=body["id"]).exists()


def test_a_campaign_names_only_a_roadmap_item_of_its_organisation(
    client, referent, org_b, member, access_of
):
    from capnr.roadmap import services as roadmap_services

    outsider = member(org_b, Role.REFERENT)
    item_b = roadmap_services.item_create(
        access=access_of(outsider, org_b), fields={"title": "Bravo item", "theme": "strategy"}
    )
    refused = send(client, "post", BASE, bearer(referent), {**NEW, "plan_item_id": item_b.pk})
    assert refused.status_code == 422 and "plan_item_id" in refused.json()["detail"]
    assert not Campaign.objects.exists()


def test_boxes_are_placed_moved_and_deleted_through_the_api(
    client, referent, keeper, campaign, point, teams, org_a, org_b
):
    token = bearer(referent)
    points = f"{BASE}/{campaign.pk}/points"
    site = Site.objects.get(organisation=org_a)
    created = send(
        client, "post", points, token,
        {"site_id": site.pk, "location": "Garage", "person_in_charge_id": keeper.pk},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    box = created.json()
    assert box["location"] == "Garage" and "token" not in box
    moved = send(client, "put", f"{points}/{box['id']}", token,
                 {"site_id": site.pk, "location": "Accueil"})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["person_in_charge_id"] is None
    other_site = Site.objects.get(organisation=org_b)
    refused = send(client, "post", points, token, {"site_id": other_site.pk, "location": "X"})
    assert refused.status_code == 422 and "site_id" in refused.json()["detail"]
    assert client.delete(f"{points}/{box['id']}", **token).status_code == 204
    # A box with deposits stays: its link is stopped from the pages instead.
    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=1))
    assert client.delete(f"{points}/{point.pk}", **token).status_code == 422
    assert CollectionPoint.objects.filter(pk=point.pk).exists()


def test_sorting_batches_devices_and_erasures_through_the_api(client, referent, campaign):
    token = bearer(referent)
    sorting = f"{BASE}/{campaign.pk}/sorting"
    batch = send(client, "post", sorting, token, {
        "date": "2026-05-04", "item_type": "laptops", "count": 4, "outcome": "donated",
        "recipient": "Tremplin", "held_data": 4, "replaces_purchase": 2,
    })  # fmt: skip
    assert batch.status_code == 201, batch.content
    erasures = f"{sorting}/{batch.json()['id']}/erasures"
    erasure = {"date": "2026-05-05", "method": "overwrite", "devices": 4, "done_by": "DSI"}
    erased = send(client, "post", erasures, token, erasure)
    assert erased.status_code == 201
    assert erased.json()["erasures"][0]["devices"] == 4
    too_many = send(client, "post", erasures, token, {**erasure, "devices": 1})
    assert too_many.status_code == 422
    device = {"date": "2026-05-04", "item_type": "phones", "outcome": "refurbisher",
              "recipient": "Reco", "serial_number": "IMEI-1", "held_data": True}  # fmt: skip
    missing = send(client, "post", f"{sorting}/devices", token, device)
    assert missing.status_code == 422
    assert set(missing.json()["detail"]) == {"erasure_method", "erasure_date", "erasure_done_by"}
    device |= {"erasure_method": "factory_reset", "erasure_date": "2026-05-04",
               "erasure_done_by": "Reco"}  # fmt: skip
    recorded = send(client, "post", f"{sorting}/devices", token, device)
    assert recorded.status_code == 201
    assert recorded.json()["is_device"] and recorded.json()["serial_number"] == "IMEI-1"
    listed = client.get(sorting, **token).json()
    assert listed["count"] == 2
    assert client.delete(f"{sorting}/{batch.json()['id']}", **token).status_code == 204
    assert SortingBatch.objects.count() == 1 and Erasure.objects.count() == 1


def test_other_roles_and_organisations_write_nothing(client, org_a, org_b, member, campaign, point):
    site = Site.objects.get(organisation=org_a)
    writes = [
        ("post", BASE, NEW),
        ("put", f"{BASE}/{campaign.pk}", {"version": 1, "name": "X"}),
        ("delete", f"{BASE}/{campaign.pk}", None),
        ("post", f"{BASE}/{campaign.pk}/points", {"site_id": site.pk, "location": "X"}),
        ("put", f"{BASE}/{campaign.pk}/points/{point.pk}", {"site_id": site.pk, "location": "X"}),
        ("delete", f"{BASE}/{campaign.pk}/points/{point.pk}", None),
        ("post", f"{BASE}/{campaign.pk}/sorting", {"date": "2026-05-04", "item_type": "phones",
                                                   "count": 1, "outcome": "reused_internally"}),
    ]  # fmt: skip
    for user, status in (
        (member(org_a, Role.READER), 403),
        (member(org_a, Role.CONTRIBUTOR), 403),
        (member(org_b, Role.REFERENT), 404),
    ):
        token = bearer(user)
        for method, url, body in writes:
            response = send(client, method, url, token, body)
            assert response.status_code == status, (user, method, url, response.content)
    for method, url, body in writes:
        assert send(client, method, url, {}, body).status_code == 401
    campaign.refresh_from_db()
    assert campaign.name == "Opération tiroirs vides" and Campaign.objects.count() == 1
    assert CollectionPoint.objects.count() == 1 and not SortingBatch.objects.exists()


def test_the_schema_documents_the_writes_and_no_anonymous_deposit(client, referent):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    campaigns = "/api/v1/organisations/{slug}/collection/campaigns"
    assert {"get", "post"} <= set(paths[campaigns])
    assert {"get", "put", "delete"} <= set(paths[campaigns + "/{campaign_id}"])
    assert "post" in paths[campaigns + "/{campaign_id}/sorting/devices"]
    # Deposits are read here; declaring one stays a page reached by a box's link.
    assert set(paths[campaigns + "/{campaign_id}/deposits"]) == {"get"}
