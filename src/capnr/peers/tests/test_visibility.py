"""Who reads which report, who writes one, and what a withdrawal does: the rules of
``organisations.tenancy.peers`` and the services that rely on them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from capnr.core.versioned import StaleEditError
from capnr.organisations.tenancy import peers as visibility
from capnr.peers import selectors, services
from capnr.peers.models import ExperienceReport, ReportSuggestion, Visibility
from capnr.roadmap.models import ItemStatus

from .conftest import ended_item, share

pytestmark = pytest.mark.django_db


def readers_of(world, report) -> set[str]:
    names = ("org_a", "cohort_mate", "other_cohort", "far_away", "loner")
    return {
        name
        for name in names
        if visibility.reports_visible_to(world[name]).filter(pk=report.pk).exists()
    }


@pytest.mark.parametrize(
    ("chosen", "expected", "public"),
    [
        (Visibility.COHORT, {"org_a", "cohort_mate"}, False),
        (Visibility.COALITION, {"org_a", "cohort_mate", "other_cohort"}, False),
        (Visibility.PUBLIC, {"org_a", "cohort_mate", "other_cohort", "far_away", "loner"}, True),
    ],
)
def test_a_report_is_read_by_exactly_the_organisations_its_visibility_names(
    world, chosen, expected, public
):
    report = share(world["access_a"], world["people"]["referent_a"], visibility=chosen)
    assert readers_of(world, report) == expected
    assert visibility.public_reports().filter(pk=report.pk).exists() is public


@pytest.mark.parametrize("chosen", [Visibility.COHORT, Visibility.COALITION])
def test_a_pending_invitation_into_a_cohort_shares_nothing_yet(world, cohort_2025, chosen):
    """The loner is invited into org_a's cohort and has not accepted: it reads none of the
    cohort's or the coalition's reports, counts in none of their benchmarks, and org_a reads
    none of its reports either."""
    from capnr.coalition import peer_selectors
    from capnr.coalition.models import CohortMembership

    membership = CohortMembership.objects.create(
        cohort=cohort_2025, organisation=world["loner"], pending=True
    )
    report = share(world["access_a"], world["people"]["referent_a"], visibility=chosen)
    assert "loner" not in readers_of(world, report)
    loner = world["people"]["loner"]
    from capnr.organisations.tenancy import access_for

    own = share(access_for(loner, world["loner"]), loner, visibility=chosen)
    assert "org_a" not in readers_of(world, own)
    assert all(
        world["loner"].pk not in scope.organisation_ids for scope in peer_selectors.all_scopes()
    )
    assert peer_selectors.scopes_of(world["loner"].pk) == []
    membership.pending = False
    membership.save()
    assert "loner" in readers_of(world, report) and "org_a" in readers_of(world, own)
    assert peer_selectors.scopes_of(world["loner"].pk)


def test_changing_the_visibility_takes_effect_at_once(world):
    report = share(world["access_a"], world["people"]["referent_a"], visibility=Visibility.PUBLIC)
    services.report_update(
        access=world["access_a"],
        report=report,
        expected_version=report.version,
        fields={**_fields(report), "visibility": Visibility.COHORT},
    )
    assert readers_of(world, report) == {"org_a", "cohort_mate"}
    assert not visibility.public_reports().filter(pk=report.pk).exists()


def test_a_withdrawn_report_is_read_by_nobody_and_can_be_shared_again(world):
    report = share(world["access_a"], world["people"]["referent_a"], visibility=Visibility.PUBLIC)
    services.report_withdraw(access=world["access_a"], report=report)
    assert readers_of(world, report) == set()
    assert not visibility.public_reports().filter(pk=report.pk).exists()
    assert (
        selectors.who_already_did(organisation=world["cohort_mate"], action_id=report.action_id)
        == []
    )
    # Its organisation keeps it in its own list, marked withdrawn.
    assert [r.pk for r in selectors.own_reports(access=world["access_a"])] == [report.pk]
    services.report_republish(access=world["access_a"], report=report)
    assert "loner" in readers_of(world, report)


def _fields(report: ExperienceReport) -> dict:
    return {name: getattr(report, name) for name in services.REPORT_FIELDS}


def test_an_edit_from_a_stale_page_is_refused(world):
    report = share(world["access_a"], world["people"]["referent_a"])
    services.report_update(
        access=world["access_a"], report=report, expected_version=1, fields=_fields(report)
    )
    with pytest.raises(StaleEditError):
        services.report_update(
            access=world["access_a"],
            report=report,
            expected_version=1,
            fields={**_fields(report), "title": "Late"},
        )


def test_only_the_referent_writes_a_report_never_a_reader_or_the_facilitator(world, access_of):
    item = ended_item(world["access_a"])
    fields = {"title": "x", "year": 2025, "what_was_done": "y", "visibility": "public"}
    for person in ("reader_a", "facilitator"):
        access = access_of(world["people"][person], world["org_a"])
        with pytest.raises(PermissionDenied):
            services.report_create(
                access=access, user=world["people"][person], item=item, fields=dict(fields)
            )
    report = share(world["access_a"], world["people"]["referent_a"])
    facilitator = access_of(world["people"]["facilitator"], world["org_a"])
    for write in (services.report_withdraw, services.report_republish):
        with pytest.raises(PermissionDenied):
            write(access=facilitator, report=report)
    with pytest.raises(PermissionDenied):
        services.report_update(
            access=facilitator, report=report, expected_version=1, fields=_fields(report)
        )


def test_the_facilitator_suggests_and_the_organisation_sees_it(world, access_of):
    facilitator = access_of(world["people"]["facilitator"], world["org_a"])
    item = ended_item(world["access_a"])
    suggestion = services.suggestion_create(
        access=facilitator,
        user=world["people"]["facilitator"],
        message="Your night-shutdown results would help others.",
        item=item,
    )
    assert list(selectors.open_suggestions(access=world["access_a"])) == [suggestion]
    assert not ExperienceReport.objects.exists()  # a suggestion publishes nothing
    reader = access_of(world["people"]["reader_a"], world["org_a"])
    with pytest.raises(PermissionDenied):
        services.suggestion_create(access=reader, user=world["people"]["reader_a"], message="x")
    # Writing the report closes the suggestion about its item.
    services.report_create(
        access=world["access_a"],
        user=world["people"]["referent_a"],
        item=item,
        fields={"title": "x", "year": 2025, "what_was_done": "y", "visibility": "cohort"},
    )
    assert ReportSuggestion.objects.get().dismissed_at is not None


def test_a_report_needs_a_finished_or_abandoned_item_of_the_organisation(world, access_of):
    planned = ended_item(world["access_a"], status=ItemStatus.PLANNED)
    fields = {"title": "x", "year": 2025, "what_was_done": "y", "visibility": "cohort"}
    with pytest.raises(ValidationError):
        services.report_create(
            access=world["access_a"],
            user=world["people"]["referent_a"],
            item=planned,
            fields=dict(fields),
        )
    mate = access_of(world["people"]["cohort_mate"], world["cohort_mate"])
    with pytest.raises(PermissionDenied):
        services.report_create(
            access=mate,
            user=world["people"]["cohort_mate"],
            item=ended_item(world["access_a"], title="Theirs"),
            fields=dict(fields),
        )


def test_the_contact_person_is_kept_only_when_chosen_and_links_are_web_addresses(world):
    report = share(
        world["access_a"],
        world["people"]["referent_a"],
        contact_mode="facilitator",
        contact_name="Rémi Référent",
        contact_email="remi@example.org",
    )
    assert (report.contact_name, report.contact_email) == ("", "")
    with pytest.raises(ValidationError):
        share(world["access_a"], world["people"]["referent_a"], title="b", contact_mode="person")
    with pytest.raises(ValidationError):
        share(world["access_a"], world["people"]["referent_a"], title="c", links="javascript:x")


def test_who_already_did_this_lists_nearest_first_and_only_what_the_viewer_may_read(
    world, make_organisation, access_of, member, cohort_2025
):
    """The viewer is a commune of 300 agents (``cohort_mate``)."""
    from capnr.coalition.models import CohortMembership
    from capnr.organisations.models import Role

    def peer(name, kind, headcount, visibility=Visibility.COALITION):
        organisation = make_organisation(name, kind=kind, headcount=headcount)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        user = member(organisation, Role.REFERENT)
        share(access_of(user, organisation), user, visibility=visibility)
        return organisation

    big_state = peer("Big state service", "state_service", 5000)
    near_commune = peer("Near commune", "commune", 320)
    small_commune = peer("Small commune", "commune", 20)
    unknown_commune = peer("Commune of unknown size", "commune", None)
    near_state = peer("Near state service", "state_service", 300)
    withdrawn = peer("Withdrawn commune", "commune", 300)
    services.report_withdraw(
        access=access_of(withdrawn.memberships.get().user, withdrawn),
        report=withdrawn.experience_reports.get(),
    )
    share(world["access_a"], world["people"]["referent_a"], visibility=Visibility.COHORT)
    share(access_of(world["people"]["far_away"], world["far_away"]), world["people"]["far_away"])

    found = selectors.who_already_did(
        organisation=world["cohort_mate"], action_id="strategy.appoint_lead"
    )
    assert [report.organisation for report in found] == [
        near_commune,
        small_commune,
        unknown_commune,
        near_state,
        world["org_a"],  # state service, 600 agents
        big_state,
    ]
    # Its own report is not among "who already did this".
    assert (
        selectors.who_already_did(organisation=near_commune, action_id="strategy.appoint_lead")[
            0
        ].organisation
        != near_commune
    )


def test_the_draft_is_prefilled_from_the_roadmap_item(world):
    from capnr.actions.models import Scenario
    from capnr.roadmap import services as roadmap_services

    scenario = Scenario.objects.create(
        organisation=world["org_a"],
        model_id="auto_shutdown",
        name="Night",
        results={"kwh": {"value": 12000.0}, "eur": {"value": 2160.0}},
        method_version="1",
        data_version="1",
    )
    item = ended_item(
        world["access_a"],
        description="Every workstation off at 8 pm.",
        budget_eur=1500,
        scenario=scenario,
    )
    referent = world["people"]["referent_a"]
    kpi = roadmap_services.kpi_add(
        access=world["access_a"],
        item=item,
        user=referent,
        label="Electricity",
        unit="kWh/yr",
        baseline=50000,
        direction="down",
    )
    roadmap_services.measurement_add(
        access=world["access_a"], kpi=kpi, user=referent, date=item.due_date, value=41000
    )
    draft = selectors.report_draft(access=world["access_a"], item=item, user=referent)
    assert draft["what_was_done"] == "Every workstation off at 8 pm."
    assert draft["cost_eur"] == 1500
    assert draft["duration_months"] == 5
    assert draft["expected_kwh"] == 12000.0 and draft["expected_eur"] == 2160.0
    assert draft["measured_kwh"] == 9000.0
    assert {
        "label": "Electricity",
        "unit": "kWh/yr",
        "direction": "down",
        "before": 50000,
        "after": 41000,
    } in draft["kpis"]
