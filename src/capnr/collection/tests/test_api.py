"""The collection challenge through the API: read for members, nothing for others, no secret
link given out."""

from __future__ import annotations

import pytest

from capnr.api.services import api_token_create
from capnr.collection import services
from capnr.organisations.models import Role

from .conftest import deposit_input

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(user=user, name="collection script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_reader_reads_campaigns_leaderboard_points_and_deposits(
    client, org_a, member, campaign, point, teams
):
    services.deposit_declare(point=point, data=deposit_input(teams[1], phones=4))
    services.deposit_declare(point=point, data=deposit_input(teams[0], laptops=2))
    token = bearer(member(org_a, Role.READER))
    base = f"/api/v1/organisations/{org_a.slug}/collection/campaigns"

    listed = client.get(base, **token)
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()] == ["Opération tiroirs vides"]

    detail = client.get(f"{base}/{campaign.pk}", **token).json()
    board = detail["leaderboard"]
    assert (board["items"], board["deposits"]) == (6, 2)
    # Atelier 4 / 5 = 0.8 ranks before Finances 2 / 40 = 0.05
    assert [(d["name"], d["rank"]) for d in board["departments"]] == [
        ("Atelier", 1),
        ("Alpha hidden department", 2),
    ]
    assert board["departments"][0]["items_per_agent"] == pytest.approx(0.8)

    points = client.get(f"{base}/{campaign.pk}/points", **token)
    assert points.status_code == 200
    assert point.token not in points.content.decode()
    assert points.json()[0]["link_is_active"] is True

    deposits = client.get(f"{base}/{campaign.pk}/deposits", **token).json()
    assert deposits["count"] == 2
    assert deposits["items"][0]["counts"]["laptops"] == 2
    assert deposits["items"][0]["department"] == "Alpha hidden department"


def test_a_box_whose_site_was_deleted_is_listed_without_a_site(client, org_a, member, point):
    """The site is deleted (the box stays, as the model says: SET_NULL): the API still answers."""
    point.site.delete()
    token = bearer(member(org_a, Role.READER))
    base = f"/api/v1/organisations/{org_a.slug}/collection/campaigns"
    answer = client.get(f"{base}/{point.campaign_id}/points", **token)
    assert answer.status_code == 200, answer.content
    assert (answer.json()[0]["site_id"], answer.json()[0]["site"]) == (None, None)


def test_another_organisations_campaign_is_not_found(client, org_a, org_b, member, campaign):
    token = bearer(member(org_b, Role.REFERENT))
    base = f"/api/v1/organisations/{org_a.slug}/collection/campaigns"
    assert client.get(base, **token).status_code == 404
    own = f"/api/v1/organisations/{org_b.slug}/collection/campaigns/{campaign.pk}"
    assert client.get(own, **token).status_code == 404
