"""The milestones API: read by the organisation's members and its cohorts' facilitators,
by-hand milestones written by the facilitators only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from capnr.api.services import api_token_create
from capnr.coalition.models import Coalition, Milestone
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


def call(client, method, url, user, body=None):
    _token, raw = api_token_create(user=user, name="test")
    return client.generic(
        method,
        f"/api/v1/organisations/{url}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_members_read_their_milestones_in_each_cohort(client, org_a, cohort, join, member):
    join(cohort, org_a)
    response = call(client, "GET", "alpha/milestones", member(org_a, Role.READER))
    assert response.status_code == 200
    [row] = response.json()
    assert row["cohort"] == "Promotion 2025" and row["as_of"] == "2025-12-12"
    assert [m["kind"] for m in row["milestones"]][:2] == ["joined", "profile_complete"]
    assert row["milestones"][0] == {
        "kind": "joined",
        "label": "Adhésion",  # French by default
        "status": "reached",
        "expected_on": "2025-01-20",
        "reached_on": "2025-01-20",
        "by_hand": False,
    }


def test_only_the_facilitator_records_a_by_hand_milestone(
    client, org_a, cohort, join, member, facilitator
):
    join(cohort, org_a)
    url = f"alpha/cohorts/{cohort.pk}/milestones/six_month_review"
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    referent = member(org_a, Role.REFERENT)
    assert call(client, "PUT", url, referent, {"reached_on": day}).status_code == 403
    assert not Milestone.objects.exists()
    response = call(client, "PUT", url, facilitator, {"reached_on": day, "note": "Bilan"})
    assert response.status_code == 200
    review = next(m for m in response.json()["milestones"] if m["kind"] == "six_month_review")
    assert review["by_hand"] and Milestone.objects.get().reached_on.isoformat() == day
    assert call(client, "PUT", url, facilitator, {}).status_code == 422
    assert call(client, "DELETE", url, referent).status_code == 403
    assert call(client, "DELETE", url, facilitator).status_code == 204
    assert not Milestone.objects.exists()


def test_a_facilitator_of_another_coalition_and_other_cohorts_get_nothing(
    client, org_a, cohort, join, make_user, facilitator
):
    join(cohort, org_a)
    other = make_user()
    Coalition.objects.create(name="Autre", slug="autre").facilitators.add(other)
    assert call(client, "GET", "alpha/milestones", other).status_code == 404
    url = f"alpha/cohorts/{cohort.pk + 1}/milestones/closing"
    assert call(client, "PUT", url, facilitator, {"reached_on": "2025-01-21"}).status_code == 404
