"""The roadmap through the API: plan items with optimistic locking and the bin, the journal, the
indicators' measurements, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capnr.api.services import api_token_create
from capnr.organisations.models import Role, Site
from capnr.roadmap.models import JournalEntry, KpiMeasurement, PlanItem

from .export_data import SHUTDOWN, build_plan

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="roadmap script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def plan(org_a, member, access_of):
    return build_plan(org_a, member, access_of)


@pytest.fixture
def base(org_a):
    return f"/api/v1/organisations/{org_a.slug}/roadmap"


def send(client, method: str, url: str, token: dict[str, str], body: dict | None = None):
    return getattr(client, method)(url, body or {}, content_type="application/json", **token)


def test_create_list_read_and_delete_an_item(client, plan, base):
    token = bearer(plan.referent)
    site = Site.objects.get(organisation=plan.organisation)
    created = send(
        client,
        "post",
        f"{base}/items",
        token,
        {
            "title": "Imprimer en recto verso par défaut",
            "theme": "use",
            "owner_id": plan.paul.pk,
            "working_group_id": plan.group.pk,
            "site_ids": [site.pk],
            "due_date": "2027-03-31",
            "budget_eur": "250.00",
            "scenario_id": plan.scenario.pk,
        },
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["title"] == "Imprimer en recto verso par défaut"
    assert item["owner"] == "Paul Porteur" and item["owner_id"] == plan.paul.pk
    assert item["site_ids"] == [site.pk] and item["due_date"] == "2027-03-31"
    assert item["status"] == "planned" and item["version"] == 1
    assert item["budget_eur"] == 250.0
    assert item["expected_effect"]["kgco2e_total"] == {
        "value": 2500.0,
        "low": 1500.0,
        "high": 3400.0,
    }

    listed = client.get(f"{base}/items", **token).json()
    assert item["id"] in [row["id"] for row in listed]
    assert plan.binned.pk not in [row["id"] for row in listed]
    assert client.get(f"{base}/items/{item['id']}", **token).json()["title"] == item["title"]

    deleted = client.delete(f"{base}/items/{item['id']}", **token)
    assert deleted.status_code == 204
    assert client.get(f"{base}/items/{item['id']}", **token).status_code == 404
    assert PlanItem.objects.get(pk=item["id"]).deleted_at is not None  # in the bin
    restored = send(client, "post", f"{base}/items/{item['id']}/restore", token)
    assert restored.status_code == 200 and restored.json()["id"] == item["id"]


def test_an_item_without_a_title_or_with_a_stranger_as_owner_is_422(
    client, plan, base, member, org_b
):
    token = bearer(plan.referent)
    untitled = send(client, "post", f"{base}/items", token, {"theme": "use"})
    assert untitled.status_code == 422 and "title" in untitled.json()["detail"]
    stranger = member(org_b)
    foreign = send(client, "post", f"{base}/items", token, {"title": "X", "owner_id": stranger.pk})
    assert foreign.status_code == 422 and "owner_id" in foreign.json()["detail"]
    assert not PlanItem.objects.filter(title="X").exists()


def test_an_update_from_an_old_version_is_409_with_the_current_item(client, plan, base):
    token = bearer(plan.referent)
    url = f"{base}/items/{plan.shutdown.pk}"
    version = client.get(url, **token).json()["version"]
    first = send(client, "put", url, token, {"version": version, "status": "done"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "done" and first.json()["version"] == version + 1
    assert first.json()["title"] == SHUTDOWN  # fields left out keep their value
    assert first.json()["owner_id"] == plan.olga.pk

    stale = send(client, "put", url, token, {"version": version, "title": "Autre titre"})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == version + 1
    assert stale.json()["current"]["status"] == "done"
    assert PlanItem.objects.get(pk=plan.shutdown.pk).title == SHUTDOWN


def test_the_owner_updates_their_item_but_not_someone_elses(client, plan, base):
    olga = bearer(plan.olga)
    own = f"{base}/items/{plan.shutdown.pk}"
    version = client.get(own, **olga).json()["version"]
    response = send(client, "put", own, olga, {"version": version, "due_date": "2027-01-15"})
    assert response.status_code == 200 and response.json()["due_date"] == "2027-01-15"
    other = f"{base}/items/{plan.formula.pk}"
    refused = send(client, "put", other, olga, {"version": 1, "title": "Pris par Olga"})
    assert refused.status_code == 403
    assert send(client, "delete", own, olga).status_code == 403


def test_journal_entries_are_listed_and_added(client, plan, base):
    token = bearer(plan.olga)
    url = f"{base}/items/{plan.shutdown.pk}/journal"
    entries = client.get(url, **token).json()
    assert [entry["text"] for entry in entries] == [
        "8 mois plus tard, aucun incident signalé.",
        "Pilote lancé sur le site principal.",
    ]
    added = send(
        client, "post", url, token, {"text": "Étendu au second site.", "side_effect": True}
    )
    assert added.status_code == 201
    assert added.json()["date"] == timezone.localdate().isoformat()
    assert added.json()["author"] == "Olga Owner" and added.json()["side_effect"] is True
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    refused = send(client, "post", url, token, {"text": "Plus tard", "date": future})
    assert refused.status_code == 422
    assert JournalEntry.objects.filter(item=plan.shutdown).count() == 3


def test_measurements_are_listed_and_recorded_and_kpis_show_the_latest(client, plan, base):
    token = bearer(plan.olga)
    url = f"{base}/items/{plan.shutdown.pk}/kpis/{plan.kpi.pk}/measurements"
    assert [row["value"] for row in client.get(url, **token).json()] == [55, 82]
    added = send(client, "post", url, token, {"value": 91, "note": "Après la GPO"})
    assert added.status_code == 201 and added.json()["value"] == 91
    assert send(client, "post", url, token, {"note": "no value"}).status_code == 422
    kpis = client.get(f"{base}/kpis", **token).json()
    [kpi] = kpis
    assert kpi["id"] == plan.kpi.pk and kpi["item_id"] == plan.shutdown.pk
    assert kpi["target"] == 90 and kpi["unit"] == "%"
    assert kpi["latest"]["value"] == 91
    assert KpiMeasurement.objects.filter(kpi=plan.kpi).count() == 3


def test_a_kpi_of_another_item_is_404(client, plan, base):
    token = bearer(plan.referent)
    url = f"{base}/items/{plan.formula.pk}/kpis/{plan.kpi.pk}/measurements"
    assert client.get(url, **token).status_code == 404


def test_readers_read_outsiders_get_404_and_anonymous_401(client, plan, base, member, org_a, org_b):
    reader = bearer(member(org_a, Role.READER))
    item_url = f"{base}/items/{plan.shutdown.pk}"
    assert client.get(item_url, **reader).status_code == 200
    assert send(client, "put", item_url, reader, {"version": 1}).status_code == 403
    assert send(client, "post", f"{base}/items", reader, {"title": "X"}).status_code == 403
    assert send(client, "post", f"{item_url}/journal", reader, {"text": "X"}).status_code == 403
    assert client.delete(item_url, **reader).status_code == 403
    outsider = bearer(member(org_b))
    assert client.get(item_url, **outsider).status_code == 404
    assert client.get(f"{base}/items", **outsider).status_code == 404
    assert send(client, "put", item_url, outsider, {"version": 1}).status_code == 404
    assert client.get(f"{base}/items").status_code == 401
    assert PlanItem.objects.get(pk=plan.shutdown.pk).version == plan.shutdown.version
