"""Writes and reads of the collection challenge against the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from capnr.collection import selectors, services
from capnr.collection.models import Deposit, DepositChange, Team
from capnr.organisations.models import Department, Role, Site

from .conftest import deposit_input

pytestmark = pytest.mark.django_db


def test_a_campaign_needs_something_to_collect_and_dates_in_order(access):
    today = dt.date.today()
    with pytest.raises(ValidationError) as caught:
        services.campaign_create(
            access=access,
            fields={
                "name": "Bad",
                "start_date": today,
                "end_date": today - dt.timedelta(days=1),
                "item_types": [],
            },
        )
    assert set(caught.value.error_dict) == {"item_types", "end_date"}


def test_only_the_referent_creates_a_campaign(org_a, member, access_of):
    contributor = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            access=access_of(contributor, org_a),
            fields={"name": "X", "start_date": dt.date.today(), "end_date": dt.date.today()},
        )


def test_item_types_are_kept_in_the_fixed_order(access):
    campaign = services.campaign_create(
        access=access,
        fields={
            "name": "Order",
            "start_date": dt.date.today(),
            "end_date": dt.date.today(),
            "item_types": ["other", "phones"],
        },
    )
    assert campaign.item_types == ["phones", "other"]


def test_the_organisations_departments_join_once(access, campaign, org_a):
    Department.objects.create(organisation=org_a, name="Voirie")
    added = services.teams_from_departments(access=access, campaign=campaign)
    assert sorted(team.name for team in added) == ["Alpha hidden department", "Voirie"]
    assert services.teams_from_departments(access=access, campaign=campaign) == []
    assert Team.objects.get(name="Voirie").department.name == "Voirie"


def test_a_point_of_another_organisations_site_is_refused(access, campaign, org_b):
    with pytest.raises(PermissionDenied):
        services.point_save(
            access=access,
            campaign=campaign,
            site=Site.objects.get(organisation=org_b),
            location="x",
            person_in_charge=None,
        )


def test_the_person_in_charge_must_be_a_member(access, campaign, org_a, make_user):
    with pytest.raises(ValidationError):
        services.point_save(
            access=access,
            campaign=campaign,
            site=Site.objects.get(organisation=org_a),
            location="x",
            person_in_charge=make_user(),
        )


def test_revoking_then_renewing_a_link(access, point):
    old = point.token
    assert len(old) >= 40  # secrets.token_urlsafe(32)
    services.point_link_revoke(access=access, point=point)
    assert selectors.point_for_token(old) is None
    new = services.point_link_renew(access=access, point=point)
    assert new != old
    assert selectors.point_for_token(old) is None
    assert selectors.point_for_token(new) == point


def test_a_valid_deposit_is_stored(point, teams):
    deposit = services.deposit_declare(
        point=point,
        data=services.DepositInput(
            team_id=teams[1].pk,
            counts={"phones": 2, "chargers_cables": 3},
            works="no",
            held_data="yes",
            first_name="  Léa ",
        ),
    )
    assert (deposit.phones, deposit.chargers_cables, deposit.items) == (2, 3, 5)
    assert (deposit.works, deposit.held_data, deposit.first_name) == ("no", "yes", "Léa")


def test_a_bad_deposit_reports_every_problem_and_stores_nothing(point, teams):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.deposit_declare(
            point=point,
            data=services.DepositInput(
                team_id=None, counts={"phones": -2, "laptops": 51, "screens": 1}
            ),
        )
    with translation.override("en"):
        errors = caught.value.message_dict
    assert set(errors) == {"phones", "laptops", "screens", "team"}
    assert "negative" in errors["phones"][0]
    assert "50" in errors["laptops"][0]
    assert not Deposit.objects.exists()


def test_an_empty_deposit_says_why(point, teams):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.deposit_declare(point=point, data=deposit_input(teams[0], phones=0))
    assert caught.value.message_dict["__all__"] == ["Enter at least one item: every count is 0."]


def test_a_department_of_another_campaign_is_refused(access, point, teams, org_a):
    other = services.campaign_create(
        access=access,
        fields={
            "name": "Other",
            "start_date": dt.date.today(),
            "end_date": dt.date.today(),
            "item_types": ["phones"],
        },
    )
    stranger = services.team_save(access=access, campaign=other, name="Ailleurs", headcount=3)
    with pytest.raises(ValidationError) as caught:
        services.deposit_declare(point=point, data=deposit_input(stranger, phones=1))
    assert "team" in caught.value.message_dict


def test_no_deposit_outside_the_campaigns_dates(access, campaign, point, teams):
    services.campaign_update(
        access=access,
        campaign=campaign,
        expected_version=campaign.version,
        fields={
            "name": campaign.name,
            "start_date": dt.date.today() + dt.timedelta(days=1),
            "end_date": dt.date.today() + dt.timedelta(days=5),
            "item_types": campaign.item_types,
        },
    )
    point.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="not open today"):
        services.deposit_declare(point=point, data=deposit_input(teams[0], phones=1))


def test_a_revoked_link_takes_no_deposit(access, point, teams):
    services.point_link_revoke(access=access, point=point)
    with pytest.raises(PermissionDenied):
        services.deposit_declare(point=point, data=deposit_input(teams[0], phones=1))


def test_a_correction_is_journaled_with_who_and_what(access, referent, point, teams):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    change = services.deposit_correct(
        access=access,
        user=referent,
        deposit=deposit,
        data=services.DepositInput(team_id=teams[1].pk, counts={"phones": 1, "laptops": 1}),
        reason="Atelier, not Finances",
    )
    assert change is not None
    assert change.author == referent
    assert change.changes == {
        "phones": [2, 1],
        "laptops": [0, 1],
        "team": ["Alpha hidden department", "Atelier"],
    }
    deposit.refresh_from_db()
    assert (deposit.team, deposit.phones, deposit.laptops) == (teams[1], 1, 1)
    with translation.override("en"):
        lines = selectors.deposit_journal_lines(deposit)
    assert lines[0].author == "Rémi Référent"
    assert ("Department", "Alpha hidden department", "Atelier") in lines[0].changes


def test_a_correction_that_changes_nothing_records_nothing(access, referent, point, teams):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    same = services.DepositInput(team_id=teams[0].pk, counts={"phones": 2})
    assert (
        services.deposit_correct(
            access=access, user=referent, deposit=deposit, data=same, reason=""
        )
        is None
    )
    assert not DepositChange.objects.exists()


def test_the_person_in_charge_corrects_and_another_contributor_cannot(
    org_a, member, access_of, keeper, point, teams
):
    deposit = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    services.deposit_correct(
        access=access_of(keeper, org_a),
        user=keeper,
        deposit=deposit,
        data=deposit_input(teams[0], phones=3),
        reason="",
    )
    other = member(org_a, Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.deposit_remove(
            access=access_of(other, org_a), user=other, deposit=deposit, reason=""
        )


def test_a_removed_deposit_leaves_the_totals_but_not_the_journal(
    access, referent, campaign, point, teams
):
    kept = services.deposit_declare(point=point, data=deposit_input(teams[0], phones=4))
    wrong = services.deposit_declare(point=point, data=deposit_input(teams[0], laptops=9))
    services.deposit_remove(access=access, user=referent, deposit=wrong, reason="a test")
    board = selectors.leaderboard(campaign)
    assert (board.items, board.deposits) == (4, 1)
    assert DepositChange.objects.get(deposit=wrong).kind == "removed"
    with pytest.raises(ValidationError):
        services.deposit_remove(access=access, user=referent, deposit=wrong, reason="again")
    assert kept.removed_at is None


def test_the_leaderboard_ranks_departments_per_agent_and_sites_by_items(
    access, campaign, point, teams, org_a
):
    finance, workshop = teams  # 40 and 5 agents
    for counts in ({"phones": 10}, {"phones": 6, "laptops": 4}):
        services.deposit_declare(point=point, data=deposit_input(finance, **counts))
    services.deposit_declare(point=point, data=deposit_input(workshop, chargers_cables=4))
    services.team_save(access=access, campaign=campaign, name="Sans effectif", headcount=0)
    board = selectors.leaderboard(campaign)
    # Atelier 4 / 5 = 0.8 beats Finances 20 / 40 = 0.5; "Sans effectif" is not ranked.
    assert [(t.name, t.rank, t.items) for t in board.teams] == [
        ("Atelier", 1, 4),
        ("Alpha hidden department", 2, 20),
        ("Sans effectif", None, 0),
    ]
    # 16 phones × 0.12 + 4 laptops × 2.0 + 4 chargers × 0.15 = 1.92 + 8 + 0.6 = 10.52 kg
    assert board.kg == pytest.approx(10.5)
    assert [(s.name, s.items) for s in board.sites] == [("Alpha hidden site", 24)]


def test_deleting_a_site_keeps_its_boxes_and_their_deposits(access, campaign, point, teams):
    from capnr.organisations.services import site_delete

    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    site_delete(access=access, site=point.site)
    point.refresh_from_db()
    assert point.site is None
    board = selectors.leaderboard(campaign)
    assert (board.items, board.sites) == (2, [])


def test_deleting_the_organisation_deletes_its_campaigns(org_a, point, teams):
    services.deposit_declare(point=point, data=deposit_input(teams[0], phones=2))
    org_a.delete()
    assert not Deposit.objects.exists() and not Team.objects.exists()
