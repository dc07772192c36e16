"""The public page telling depositors what became of their devices: published by the référent
only, reached without an account by its own link, linked from the hall screen and after a
deposit, with honest figures and no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capnr.collection import selectors, services
from capnr.engine.reference import reference_data
from capnr.organisations.models import Role, Site

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)
# Planted where a careless page would show them: none may reach the public page.
FIRST_NAME = "Zéphirine"
ERASER = "Planted erasure team"
CERTIFICATE = "CERT-PLANTED-77"
AGREEMENT = "Convention planted 99"
BUYER = "Jean Planted-Buyer"


def url(name, *args):
    return reverse(f"collection:{name}", args=["alpha", *args])


def page_url(campaign):
    campaign.refresh_from_db()
    return reverse("collection_outcomes", args=[campaign.outcomes_token])


def record(access, user, campaign, **fields):
    values = {
        "date": DAY,
        "item_type": "laptops",
        "count": 10,
        "outcome": "donated",
        "recipient": "Association Tremplin",
        "agreement": AGREEMENT,
        "weight_kg": 20.0,
        "held_data": 0,
        **fields,
    }
    return services.sorting_record(access=access, user=user, campaign=campaign, fields=values)


@pytest.fixture
def sorted_campaign(access, referent, campaign, point, teams):
    """A deposit with a first name, then 10 laptops donated (4 spare a purchase, all held data,
    6 erased), 2 phones sold to a person, 12 chargers recycled (3.5 kg)."""
    services.deposit_declare(
        point=point,
        data=services.DepositInput(
            team_id=teams[0].pk, counts={"phones": 2, "laptops": 3}, first_name=FIRST_NAME
        ),
    )
    laptops = record(access, referent, campaign, held_data=10, replaces_purchase=4)
    services.erasure_record(
        access=access,
        user=referent,
        batch=laptops,
        fields={
            "date": DAY,
            "method": "overwrite",
            "devices": 6,
            "done_by": ERASER,
            "certificate": CERTIFICATE,
        },
    )
    record(access, referent, campaign, item_type="phones", count=2, outcome="sold",
           recipient=BUYER, weight_kg=None)  # fmt: skip
    record(access, referent, campaign, item_type="chargers_cables", count=12, outcome="weee",
           recipient="Ecologic", weight_kg=3.5)  # fmt: skip
    return campaign


def test_the_page_is_closed_until_the_referent_publishes_it(client, referent, campaign):
    assert campaign.outcomes_token is None
    client.force_login(referent)
    assert client.get(url("outcomes_publish", campaign.pk)).status_code == 200  # asks first
    campaign.refresh_from_db()
    assert campaign.outcomes_token is None
    assert client.post(url("outcomes_publish", campaign.pk)).status_code == 302
    address = page_url(campaign)
    client.logout()
    assert client.get(address).status_code == 200
    client.force_login(referent)
    client.post(url("outcomes_unpublish", campaign.pk))
    client.logout()
    assert client.get(address).status_code == 404
    client.force_login(referent)
    client.post(url("outcomes_publish", campaign.pk))
    assert page_url(campaign) != address  # publishing again gives a new link


def test_publishing_twice_keeps_the_link(access, campaign):
    first = services.outcomes_publish(access=access, campaign=campaign)
    assert services.outcomes_publish(access=access, campaign=campaign) == first


def test_only_the_referent_publishes(client, org_a, member, access_of, keeper, campaign):
    with pytest.raises(PermissionDenied):
        services.outcomes_publish(access=access_of(keeper, org_a), campaign=campaign)
    for user in (keeper, member(org_a, Role.READER)):
        client.force_login(user)
        assert client.post(url("outcomes_publish", campaign.pk)).status_code == 403
        assert client.get(url("outcomes_publish", campaign.pk)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.outcomes_token is None


def test_the_page_counts_each_outcome_honestly(access, sorted_campaign):
    outcomes = selectors.public_outcomes(sorted_campaign)
    laptop = reference_data().parameters[("laptop", "embodied_gwp")]
    assert outcomes.collected == 5
    assert (outcomes.sorted_devices, outcomes.reused) == (24, 12)  # donated 10 + sold 2
    lines = {line.outcome: line for line in outcomes.lines}
    assert set(lines) == {"donated", "sold", "weee"}  # outcomes with no device are left out
    assert lines["donated"].recipients == ["Association Tremplin"]
    assert lines["sold"].recipients == []  # a buyer may be a person: never named
    assert lines["sold"].weight_kg is None  # not weighed: not shown as 0 kg
    assert lines["weee"].weight_kg == 3.5 and lines["weee"].recipients == ["Ecologic"]
    # Only the 4 laptops that spare a purchase count; recycling is in kg only.
    assert outcomes.avoided.devices == 4
    assert outcomes.avoided.kgco2e == round(4 * laptop.value)
    assert (outcomes.avoided.low, outcomes.avoided.high) == (
        round(4 * laptop.low),
        round(4 * laptop.high),
    )
    assert outcomes.recycled_kg == 3.5
    assert (outcomes.held_data, outcomes.erased) == (10, 6)


def test_the_page_shows_no_personal_data(client, access, referent, keeper, sorted_campaign):
    services.outcomes_publish(access=access, campaign=sorted_campaign)
    body = client.get(page_url(sorted_campaign)).content.decode()  # in French, by default
    assert "Association Tremplin" in body and "Ecologic" in body
    assert "3,5" in body  # the recycled weight, in French
    planted = [FIRST_NAME, ERASER, CERTIFICATE, AGREEMENT, BUYER, referent.full_name,
               keeper.full_name, "Hall, near the coffee machine", "Alpha hidden"]  # fmt: skip
    assert [secret for secret in planted if secret in body] == []
    assert "<script" not in body


def test_the_page_takes_a_fixed_number_of_queries(client, access, referent, sorted_campaign):
    services.outcomes_publish(access=access, campaign=sorted_campaign)
    address = page_url(sorted_campaign)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    few = len(queries)
    record(access, referent, sorted_campaign, item_type="phones", count=3,
           outcome="refurbisher", recipient="Reconditionneur")  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    assert len(queries) == few <= 5


def test_before_sorting_the_page_says_to_come_back(client, access, campaign, point, teams):
    services.deposit_declare(
        point=point, data=services.DepositInput(team_id=teams[0].pk, counts={"phones": 2})
    )
    services.outcomes_publish(access=access, campaign=campaign)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(page_url(campaign)).content.decode()
    assert "2 items collected so far" in body and "come back later" in body


def test_the_hall_screen_and_the_thank_you_page_link_to_it_once_published(
    client, access, campaign, point
):
    screen = reverse("collection_display", args=[campaign.display_token])
    thanks = reverse("collection_deposit_thanks", args=[point.token])
    assert "/results/" not in client.get(screen).content.decode()
    assert "/results/" not in client.get(thanks).content.decode()
    services.outcomes_publish(access=access, campaign=campaign)
    address = page_url(campaign)
    assert address in client.get(screen).content.decode()
    assert address in client.get(thanks).content.decode()


def test_the_link_opens_only_its_own_campaign(
    client, access, sorted_campaign, org_b, member, access_of
):
    """Organisation B's published page shows nothing of A's campaign."""
    access_b = access_of(member(org_b, Role.REFERENT), org_b)
    campaign_b = services.campaign_create(
        access=access_b,
        fields={"name": "Bravo collecte", "start_date": DAY, "end_date": DAY,
                "item_types": ["phones"]},
    )  # fmt: skip
    services.point_save(
        access=access_b,
        campaign=campaign_b,
        site=Site.objects.get(organisation=org_b),
        location="Bravo hall",
        person_in_charge=None,
    )
    services.outcomes_publish(access=access, campaign=sorted_campaign)
    services.outcomes_publish(access=access_b, campaign=campaign_b)
    body = client.get(page_url(campaign_b)).content.decode()
    assert "Bravo collecte" in body
    assert "Tremplin" not in body and "tiroirs" not in body and "Alpha" not in body
    with pytest.raises(PermissionDenied):
        services.outcomes_publish(access=access_b, campaign=sorted_campaign)


def test_an_unknown_or_oversized_link_is_a_plain_404(client):
    assert client.get(reverse("collection_outcomes", args=["nope"])).status_code == 404
    assert client.get(reverse("collection_outcomes", args=["x" * 300])).status_code == 404
