"""The training endpoints of /api/v1/: the same rules as the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from capnr.api.services import api_token_create
from capnr.training.models import Registration

pytestmark = pytest.mark.django_db


def call(client, method, path, token, body=None):
    return client.generic(
        method,
        f"/api/v1/organisations/alpha/training/{path}",
        "" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def tokens(agent, hr):
    return {
        "agent": api_token_create(user=agent, name="agent")[1],
        "hr": api_token_create(user=hr, name="hr")[1],
    }


def test_an_agent_registers_through_the_api_and_the_full_session_puts_them_on_the_list(
    client, tokens, agent, hr, make_session, named, hr_access
):
    from capnr.training import services

    session = make_session(capacity=1)
    services.registration_create(access=hr_access, session=session, trainee=named("Ann"), by=hr)
    response = call(
        client,
        "POST",
        f"sessions/{session.pk}/registrations",
        tokens["agent"],
        {"user_id": agent.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "waiting" and response.json()["waiting_position"] == 1
    listed = call(client, "GET", "sessions", tokens["agent"]).json()
    assert [(row["registered"], row["waiting"]) for row in listed] == [(1, 1)]
    refused = call(
        client, "POST", f"sessions/{session.pk}/registrations", tokens["agent"], {"name": "Bob"}
    )
    assert refused.status_code == 403
    assert (
        call(client, "GET", f"sessions/{session.pk}/registrations", tokens["agent"]).status_code
        == 403
    )
    names = call(client, "GET", f"sessions/{session.pk}/registrations", tokens["hr"]).json()
    assert [row["trainee"] for row in names] == ["Ann", "Alain Agent"]


def test_hr_cancels_and_records_attendance_through_the_api(
    client, tokens, hr, make_session, named, hr_access
):
    from capnr.training import services

    session = make_session(capacity=1)
    ann = services.registration_create(
        access=hr_access, session=session, trainee=named("Ann"), by=hr
    )
    bob = services.registration_create(
        access=hr_access, session=session, trainee=named("Bob"), by=hr
    )
    moved = call(client, "POST", f"registrations/{ann.pk}/cancel", tokens["hr"]).json()
    assert [row["trainee"] for row in moved] == ["Bob"]
    early = call(
        client,
        "PUT",
        f"sessions/{session.pk}/attendance",
        tokens["hr"],
        {"source": "sheet", "marks": [{"registration_id": bob.pk, "attended": "present"}]},
    )
    assert early.status_code == 422 and "once the session has started" in str(early.json())
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    done = call(
        client,
        "PUT",
        f"sessions/{session.pk}/attendance",
        tokens["hr"],
        {"source": "sheet", "marks": [{"registration_id": bob.pk, "attended": "present"}]},
    )
    assert done.json() == {"changed": 1}
    assert Registration.objects.get(pk=bob.pk).attended == "present"
