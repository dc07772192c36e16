"""Offers and sessions written through /api/v1/: the same rules as the pages (the capacity
lock and the waiting list, versions, the organisation's own sites and roadmap items)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from capnr.api.api import api
from capnr.api.services import api_token_create
from capnr.roadmap import services as roadmap_services
from capnr.training import services
from capnr.training.models import RegistrationStatus, TrainingOffer, TrainingSession

from .test_api import call

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(agent, hr):
    return {
        "agent": api_token_create(user=agent, name="agent")[1],
        "hr": api_token_create(user=hr, name="hr")[1],
    }


def when(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def test_hr_creates_an_offer_and_a_session_then_changes_them(client, tokens, access, site):
    item = roadmap_services.item_create(
        access=access, fields={"title": "Train the staff", "theme": "awareness"}
    )
    created = call(
        client,
        "POST",
        "offers",
        tokens["hr"],
        {"kind": "fresque", "title": "Fresque", "duration_hours": "3", "plan_item_id": item.pk},
    )
    assert created.status_code == 201, created.content
    offer = created.json()
    assert (offer["plan_item_id"], offer["duration_hours"], offer["version"]) == (item.pk, 3.0, 1)
    session = call(
        client,
        "POST",
        f"offers/{offer['id']}/sessions",
        tokens["hr"],
        {
            "starts_at": when(5),
            "ends_at": when(5.1),
            "site_id": site.pk,
            "capacity": 8,
            "trainer_name": "Tina",
            "trainer_email": "tina@example.org",
        },
    )
    assert session.status_code == 201, session.content
    assert session.json()["site_id"] == site.pk
    changed = call(
        client,
        "PATCH",
        f"offers/{offer['id']}",
        tokens["hr"],
        {"version": 1, "title": "La Fresque"},
    )
    assert changed.status_code == 200 and changed.json()["title"] == "La Fresque"
    stale = call(
        client, "PATCH", f"offers/{offer['id']}", tokens["hr"], {"version": 1, "title": "X"}
    )
    assert stale.status_code == 409
    assert TrainingOffer.objects.get().title == "La Fresque"


def test_more_places_through_the_api_move_the_waiting_list_up(
    client, tokens, hr, hr_access, make_session, named, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    for name in ("Ann", "Bob", "Cid"):
        services.registration_create(access=hr_access, session=session, trainee=named(name), by=hr)
    response = call(
        client, "PATCH", f"sessions/{session.pk}", tokens["hr"], {"version": 1, "capacity": 2}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["trainee"] for row in body["moved_up"]] == ["Bob"]
    assert (body["session"]["registered"], body["session"]["waiting"]) == (2, 1)
    fewer = call(
        client, "PATCH", f"sessions/{session.pk}", tokens["hr"], {"version": 2, "capacity": 1}
    )
    assert fewer.status_code == 422 and "cannot have fewer places" in fewer.content.decode()
    backwards = call(
        client,
        "PATCH",
        f"sessions/{session.pk}",
        tokens["hr"],
        {"version": 2, "ends_at": when(1)},
    )
    assert backwards.status_code == 422
    session.refresh_from_db()
    assert (
        session.capacity == 2
        and session.registrations.filter(status=RegistrationStatus.WAITING).count() == 1
    )


def test_cancelling_a_session_through_the_api_tells_the_trainer(
    client, tokens, make_session, django_capture_on_commit_callbacks
):
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, "POST", f"sessions/{session.pk}/cancel", tokens["hr"])
    assert response.status_code == 200 and response.json()["cancelled"] is True
    assert [message.to for message in mail.outbox] == [["tina@example.org"]]
    again = call(client, "POST", f"sessions/{session.pk}/cancel", tokens["hr"])
    assert again.status_code == 422


def test_an_agent_writes_no_offer_nor_session(client, tokens, offer, make_session):
    session = make_session()
    body = {"kind": "mooc", "title": "MOOC", "duration_hours": "10"}
    assert call(client, "POST", "offers", tokens["agent"], body).status_code == 403
    assert (
        call(
            client,
            "PATCH",
            f"sessions/{session.pk}",
            tokens["agent"],
            {"version": 1, "capacity": 9},
        ).status_code
        == 403
    )
    assert call(client, "POST", f"sessions/{session.pk}/cancel", tokens["agent"]).status_code == 403
    assert TrainingSession.objects.get().capacity == 3


def test_another_organisations_site_or_item_is_refused(
    client, tokens, offer, org_b, member, access_of
):
    from capnr.organisations.models import Role, Site

    bravo = access_of(member(org_b, Role.REFERENT), org_b)
    item_b = roadmap_services.item_create(
        access=bravo, fields={"title": "Bravo item", "theme": "awareness"}
    )
    refused = call(
        client,
        "POST",
        "offers",
        tokens["hr"],
        {"kind": "mooc", "title": "MOOC", "duration_hours": "10", "plan_item_id": item_b.pk},
    )
    assert refused.status_code == 422
    site_b = Site.objects.get(organisation=org_b)
    refused = call(
        client,
        "POST",
        f"offers/{offer.pk}/sessions",
        tokens["hr"],
        {
            "starts_at": when(5),
            "ends_at": when(5.1),
            "site_id": site_b.pk,
            "capacity": 8,
            "trainer_name": "Tina",
        },
    )
    assert refused.status_code == 422
    assert not TrainingSession.objects.exists()


def test_the_writes_are_documented_in_the_openapi_schema():
    paths = api.get_openapi_schema()["paths"]
    base = "/api/v1/organisations/{slug}/training"
    assert "post" in paths[f"{base}/offers"]
    assert "patch" in paths[f"{base}/offers/{{offer_id}}"]
    assert "post" in paths[f"{base}/offers/{{offer_id}}/sessions"]
    assert "patch" in paths[f"{base}/sessions/{{session_id}}"]
    assert "post" in paths[f"{base}/sessions/{{session_id}}/cancel"]
    assert "post" in paths[f"{base}/sessions/{{session_id}}/registrations"]
    assert "put" in paths[f"{base}/sessions/{{session_id}}/attendance"]
