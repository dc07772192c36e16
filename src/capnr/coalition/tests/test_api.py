"""/api/v1/coalitions: read for the facilitators and the members of the cohort's organisations,
write for the facilitators, nothing for anyone else; documented in the OpenAPI schema."""

from __future__ import annotations

import json

import pytest

from capnr.api.api import api
from capnr.api.services import api_token_create
from capnr.coalition.models import Attendance, Session

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coalitions"


def call(client, user, method, path, body=None):
    _, raw = api_token_create(user=user, name="test")
    return client.generic(
        method,
        BASE + path,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


SESSION = {
    "kind": "webinar",
    "title": "Webinaire empreinte",
    "starts_at": "2030-02-01T14:00:00+01:00",
    "ends_at": "2030-02-01T16:00:00+01:00",
    "video_url": "https://visio.example/w",
}


def test_each_person_lists_the_coalitions_they_belong_to(client, world):
    facilitator = call(client, world.facilitator, "GET", "").json()
    assert facilitator == [{"slug": "trois-rivieres", "name": "Trois Rivières", "can_manage": True}]
    reader = call(client, world.reader, "GET", "").json()
    assert reader == [{"slug": "trois-rivieres", "name": "Trois Rivières", "can_manage": False}]
    other = call(client, world.other_facilitator, "GET", "").json()
    assert [c["slug"] for c in other] == ["other"]


def test_the_facilitator_writes_sessions_and_attendance_members_read_them(client, world):
    cohort = f"/trois-rivieres/cohorts/{world.cohort.pk}"
    created = call(client, world.facilitator, "POST", f"{cohort}/sessions", SESSION)
    assert created.status_code == 201, created.content
    session = created.json()
    assert session["expected"] == ["alpha"] and session["version"] == 1
    path = f"/trois-rivieres/sessions/{session['id']}"
    patched = call(client, world.co_facilitator, "PATCH", path, {"version": 1, "title": "Renamed"})
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed"
    stale = call(client, world.facilitator, "PATCH", path, {"version": 1, "title": "Lost"})
    assert stale.status_code == 409
    put = call(
        client,
        world.facilitator,
        "PUT",
        f"{path}/attendance/alpha",
        {"status": "present", "people": [world.referent.email]},
    )
    assert put.status_code == 200, put.content
    assert put.json() == {
        "organisation": "alpha",
        "status": "present",
        "people": [world.referent.email],
    }

    listed = call(client, world.reader, "GET", f"{cohort}/sessions")
    assert [s["title"] for s in listed.json()] == ["Renamed"]
    assert call(client, world.reader, "GET", f"{path}/attendance").json()[0]["status"] == "present"
    assert call(client, world.reader, "GET", cohort).json()["organisations"] == [
        {"slug": "alpha", "name": "Alpha secret agency"}
    ]
    for method, url, body in (
        ("POST", f"{cohort}/sessions", SESSION),
        ("PATCH", path, {"version": 2, "title": "By a member"}),
        ("DELETE", path, None),
        ("PUT", f"{path}/attendance/alpha", {"status": "absent"}),
    ):
        assert call(client, world.referent, method, url, body).status_code == 403, (method, url)
    assert Session.objects.get().title == "Renamed"
    assert call(client, world.facilitator, "DELETE", path).status_code == 204
    assert not Session.objects.exists() and not Attendance.objects.exists()


def test_a_facilitator_of_another_coalition_and_an_outsider_get_404(client, world):
    session = world.session()
    for user in (world.other_facilitator, world.outsider):
        for method, path, body in (
            ("GET", "/trois-rivieres/cohorts", None),
            ("GET", f"/trois-rivieres/cohorts/{world.cohort.pk}", None),
            ("GET", f"/trois-rivieres/cohorts/{world.cohort.pk}/sessions", None),
            ("POST", f"/trois-rivieres/cohorts/{world.cohort.pk}/sessions", SESSION),
            ("GET", f"/trois-rivieres/sessions/{session.pk}", None),
            ("GET", f"/other/sessions/{session.pk}", None),
            ("PATCH", f"/trois-rivieres/sessions/{session.pk}", {"version": 1, "title": "x"}),
            ("DELETE", f"/trois-rivieres/sessions/{session.pk}", None),
            ("GET", f"/trois-rivieres/sessions/{session.pk}/attendance", None),
            (
                "PUT",
                f"/trois-rivieres/sessions/{session.pk}/attendance/alpha",
                {"status": "absent"},
            ),
        ):
            response = call(client, user, method, path, body)
            assert response.status_code == 404, (user, method, path, response.status_code)
            assert "Alpha" not in response.content.decode()
    assert Session.objects.get().title == session.title


def test_invalid_sessions_and_attendance_are_422(client, world):
    cohort = f"/trois-rivieres/cohorts/{world.cohort.pk}"
    backwards = {**SESSION, "ends_at": "2030-02-01T10:00:00+01:00"}
    assert (
        call(client, world.facilitator, "POST", f"{cohort}/sessions", backwards).status_code == 422
    )
    nowhere = {**SESSION, "video_url": ""}
    assert call(client, world.facilitator, "POST", f"{cohort}/sessions", nowhere).status_code == 422
    elsewhere = {**SESSION, "expected": ["bravo"]}
    assert (
        call(client, world.facilitator, "POST", f"{cohort}/sessions", elsewhere).status_code == 422
    )
    naive = {**SESSION, "starts_at": "2030-02-01T14:00:00", "ends_at": "2030-02-01T16:00:00"}
    assert call(client, world.facilitator, "POST", f"{cohort}/sessions", naive).status_code == 201
    session = world.session()
    path = f"/trois-rivieres/sessions/{session.pk}/attendance/alpha"
    stranger = {"status": "present", "people": [world.outsider.email]}
    assert call(client, world.facilitator, "PUT", path, stranger).status_code == 422


def test_the_coalition_operations_are_in_the_schema_with_their_errors():
    paths = api.get_openapi_schema()["paths"]
    operation = paths["/api/v1/coalitions/{coalition}/sessions/{session_id}"]["patch"]
    assert {"200", "401", "403", "404", "409", "422"} <= {str(c) for c in operation["responses"]}
    assert "/api/v1/coalitions/{coalition}/sessions/{session_id}/attendance/{slug}" in paths
    assert not [path for path in paths if "note" in path]  # the private notes are not in the API
