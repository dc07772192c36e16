"""The collection pages through the test client: the deposit page without an account, its
throttle and dead links, the hall screen, and the référent's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capnr.collection import services
from capnr.collection.models import Campaign, CollectionPoint, Deposit, DepositChange
from capnr.core.access import Access, OrganisationAccess
from capnr.organisations.models import Role, Site

from .conftest import deposit_input

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"collection:{name}", args=["alpha", *args])


def deposit_url(point):
    return reverse("collection_deposit", args=[point.token])


def form(team, **counts):
    return {"team": team.pk, "works": "yes", "held_data": "no", **counts}


# --- The deposit page, without an account --------------------------------------------------------


def test_the_deposit_page_opens_without_an_account_in_french(client, point, teams):
    response = client.get(deposit_url(point))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Opération tiroirs vides" in body
    assert "Hall, near the coffee machine" in body
    assert 'name="phones"' in body and 'name="laptops"' in body
    assert 'name="screens"' not in body  # not collected by this campaign
    assert "Atelier" in body
    assert "<script" not in body


def test_a_deposit_without_an_account_is_stored_and_thanked(client, point, teams):
    response = client.post(
        deposit_url(point), form(teams[1], phones="2", chargers_cables="1", first_name="Léa")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("collection_deposit_thanks", args=[point.token])
    deposit = Deposit.objects.get()
    assert (deposit.team, deposit.phones, deposit.chargers_cables) == (teams[1], 2, 1)
    assert (deposit.works, deposit.held_data, deposit.first_name) == ("yes", "no", "Léa")
    thanks = client.get(response["Location"])
    assert "3" in thanks.content.decode()


def test_out_of_range_counts_are_refused_with_every_reason_and_nothing_stored(client, point, teams):
    response = client.post(
        deposit_url(point), {"team": "", "phones": "-1", "laptops": "51", "chargers_cables": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="errorlist"') == 3  # department, phones, laptops
    summary = body.split('role="alert"')[1].split("</div>")[0]
    assert summary.count("<li>") == 3
    assert 'role="alert"' in body
    assert not Deposit.objects.exists()


def test_a_deposit_of_nothing_is_refused(client, point, teams):
    response = client.post(deposit_url(point), form(teams[0], phones="0"))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Deposit.objects.exists()


def test_a_revoked_link_shows_a_plain_page_without_the_campaign(client, access, point, teams):
    services.point_link_revoke(access=access, point=point)
    for response in (
        client.get(deposit_url(point)),
        client.post(deposit_url(point), form(teams[0], phones="1")),
        client.get(reverse("collection_deposit_thanks", args=[point.token])),
    ):
        assert response.status_code == 404
        body = response.content.decode()
        assert "Opération tiroirs vides" not in body
        assert "Alpha" not in body
    assert not Deposit.objects.exists()


def test_a_renewed_link_works_and_the_old_one_no_longer(client, access, point, teams):
    old = deposit_url(point)
    services.point_link_renew(access=access, point=point)
    point.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.post(deposit_url(point), form(teams[0], phones="1")).status_code == 302


def test_an_unknown_or_oversized_token_is_a_plain_404(client):
    for token in ("nope", "x" * 500):
        response = client.get(reverse("collection_deposit", args=[token]))
        assert response.status_code == 404


def test_sends_are_throttled_per_address(client, point, teams, settings):
    settings.CAPNR_DEPOSITS_PER_ADDRESS = 3
    for _ in range(3):
        assert client.post(deposit_url(point), form(teams[0], phones="1")).status_code == 302
    refused = client.post(deposit_url(point), form(teams[0], phones="1"))
    assert refused.status_code == 429
    assert Deposit.objects.count() == 3
    # Another address still may.
    other = client.post(deposit_url(point), form(teams[0], phones="1"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_sends_are_throttled_per_link(client, point, teams, settings):
    settings.CAPNR_DEPOSITS_PER_LINK = 2
    for number in range(2):
        response = client.post(
            deposit_url(point), form(teams[0], phones="1"), REMOTE_ADDR=f"10.0.1.{number}"
        )
        assert response.status_code == 302
    refused = client.post(deposit_url(point), form(teams[0], phones="1"), REMOTE_ADDR="10.0.2.1")
    assert refused.status_code == 429
    assert Deposit.objects.count() == 2


def test_guessing_tokens_is_throttled_too(client, settings):
    settings.CAPNR_DEPOSITS_PER_ADDRESS = 2
    statuses = [
        client.post(reverse("collection_deposit", args=[f"guess{n}"])).status_code for n in range(3)
    ]
    assert statuses == [404, 404, 429]


def test_a_token_page_reaches_only_its_own_campaign(
    client, access, point, teams, org_b, member, access_of
):
    """Organisation B's box cannot record a deposit for A's department, and shows nothing of A."""
    access_b = access_of(member(org_b, Role.REFERENT), org_b)
    today = dt.date.today()
    campaign_b = services.campaign_create(
        access=access_b,
        fields={
            "name": "Bravo collecte",
            "start_date": today,
            "end_date": today,
            "item_types": ["phones"],
        },
    )
    services.team_save(access=access_b, campaign=campaign_b, name="Bravo équipe", headcount=3)
    point_b = services.point_save(
        access=access_b,
        campaign=campaign_b,
        site=Site.objects.get(organisation=org_b),
        location="Bravo hall",
        person_in_charge=None,
    )
    page = client.get(deposit_url(point_b)).content.decode()
    assert "Bravo équipe" in page
    assert "Atelier" not in page and "Alpha" not in page and "tiroirs" not in page
    response = client.post(deposit_url(point_b), form(teams[1], phones="1"))
    assert response.status_code == 200  # refused: A's department is not one of B's
    assert not Deposit.objects.exists()


# --- The hall screen -----------------------------------------------------------------------------


def test_the_display_page_refreshes_without_javascript_and_shows_no_names(
    client, campaign, point, teams
):
    services.deposit_declare(
        point=point,
        data=services.DepositInput(team_id=teams[1].pk, counts={"phones": 3}, first_name="Zoé"),
    )
    address = reverse("collection_display", args=[campaign.display_token])
    response = client.get(address + "?screen=1")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<meta http-equiv="refresh" content="60">' in body
    # Opened by a person (not the hall screen's address), the page stays still.
    assert 'http-equiv="refresh"' not in client.get(address).content.decode()
    assert "Atelier" in body and "Opération tiroirs vides" in body
    assert "Zoé" not in body
    assert "<script" not in body


def test_a_renewed_display_link_ends_the_old_one(client, referent, campaign):
    old = reverse("collection_display", args=[campaign.display_token])
    client.force_login(referent)
    response = client.post(url("display_renew", campaign.pk))
    assert response.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    campaign.refresh_from_db()
    assert (
        client.get(reverse("collection_display", args=[campaign.display_token])).status_code == 200
    )


# --- The référent's pages ------------------------------------------------------------------------


def test_the_empty_list_says_what_to_do_next(client, referent, member, org_a):
    client.force_login(referent)
    body = client.get(url("campaigns")).content.decode()
    assert reverse("collection:campaign_create", args=["alpha"]) in body
    assert "<ol" in body  # the three steps
    reader = member(org_a, Role.READER)
    client.force_login(reader)
    body = client.get(url("campaigns")).content.decode()
    assert reverse("collection:campaign_create", args=["alpha"]) not in body


def test_the_navigation_has_the_collection_entry(client, referent):
    client.force_login(referent)
    body = client.get(reverse("web:organisation_home", args=["alpha"])).content.decode()
    assert url("campaigns") in body


def test_the_referent_creates_a_campaign_through_the_form(client, referent):
    client.force_login(referent)
    today = dt.date.today().isoformat()
    response = client.post(
        url("campaign_create"),
        {
            "name": "Grand tri",
            "start_date": today,
            "end_date": today,
            "item_types": ["phones", "screens"],
            "rules": "",
        },
    )
    campaign = Campaign.objects.get(name="Grand tri")
    assert response["Location"] == url("campaign", campaign.pk)
    assert campaign.item_types == ["phones", "screens"]


def test_revoking_asks_first_then_stops_the_link(client, referent, campaign, point):
    client.force_login(referent)
    confirm = client.get(url("point_revoke", campaign.pk, point.pk))
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.content.decode()
    point.refresh_from_db()
    assert point.link_is_active
    client.post(url("point_revoke", campaign.pk, point.pk))
    point.refresh_from_db()
    assert not point.link_is_active
    old = point.token
    client.post(url("point_renew", campaign.pk, point.pk))
    point.refresh_from_db()
    assert point.link_is_active and point.token != old


def test_the_link_is_shown_to_the_referent_and_the_keeper_only(
    client, referent, keeper, member, org_a, campaign, point
):
    page = url("point", campaign.pk, point.pk)
    for user in (referent, keeper):
        client.force_login(user)
        assert point.token in client.get(page).content.decode()
    reader = member(org_a, Role.READER)
    client.force_login(reader)
    assert point.token not in client.get(page).content.decode()
    assert client.get(url("point_poster", campaign.pk, point.pk)).status_code == 403


def test_the_keeper_corrects_a_deposit_and_the_journal_shows_it(
    client, keeper, campaign, point, teams
):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=5))
    client.force_login(keeper)
    page = url("deposit", campaign.pk, deposit.pk)
    response = client.post(page, {**form(teams[0], phones="4"), "reason": "one was a charger"})
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "Gaëlle Gardienne" in body
    assert "5 → 4" in body
    assert "one was a charger" in body
    deposit.refresh_from_db()
    assert deposit.phones == 4


def test_removing_a_deposit_asks_first(client, keeper, campaign, point, teams):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=5))
    client.force_login(keeper)
    page = url("deposit_remove", campaign.pk, deposit.pk)
    assert client.get(page).status_code == 200
    assert Deposit.objects.get().removed_at is None
    client.post(page, {"reason": "double"})
    assert Deposit.objects.get().removed_at is not None
    assert DepositChange.objects.get().reason == "double"


def test_a_reader_sees_the_leaderboard_but_cannot_correct(
    client, member, org_a, campaign, point, teams
):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=5))
    reader = member(org_a, Role.READER)
    client.force_login(reader)
    assert client.get(url("campaign", campaign.pk)).status_code == 200
    page = url("deposit", campaign.pk, deposit.pk)
    assert 'id="correct"' not in client.get(page).content.decode()
    assert client.post(page, form(teams[0], phones="1")).status_code == 403


def test_list_pages_take_a_fixed_number_of_queries(client, referent, campaign, point, teams):
    for number in range(1, 6):
        services.deposit_declare(point=point, data=deposit_input(teams[number % 2], phones=number))
    client.force_login(referent)
    counts = {}
    for name in ("campaign", "deposits", "points", "sites", "teams"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, campaign.pk)).status_code == 200
        counts[name] = len(queries)
    for number in range(5):
        services.deposit_declare(point=point, data=deposit_input(teams[0], laptops=number + 1))
    services.point_save(
        access=OrganisationAccess(campaign.organisation, Access.ADMINISTER, "referent"),
        campaign=campaign,
        site=point.site,
        location="Second box",
        person_in_charge=None,
    )
    for name, before in counts.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url(name, campaign.pk))
        assert len(queries) == before, name
    assert CollectionPoint.objects.count() == 2
