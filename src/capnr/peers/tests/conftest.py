"""A small coalition for peer exchange: two cohorts of one coalition and a cohort of another.

- ``alpha`` (org_a, state service, 600 agents) and ``cohort_mate`` share the cohort "2025";
- ``other_cohort`` is in the cohort "2024" of the same coalition;
- ``far_away`` is in a cohort of another coalition;
- ``loner`` is in no cohort.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.organisations.models import OrganisationKind, Role
from capnr.peers import figures, services
from capnr.peers.models import Visibility
from capnr.roadmap import services as roadmap_services
from capnr.roadmap.models import ItemStatus


@pytest.fixture
def coalition(db):
    return Coalition.objects.create(name="Trois Rivières", slug="trois-rivieres")


@pytest.fixture
def cohort_2025(coalition):
    return Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)


@pytest.fixture
def cohort_2024(coalition):
    return Cohort.objects.create(coalition=coalition, name="Promotion 2024", year=2024)


@pytest.fixture
def world(org_a, make_organisation, member, cohort_2025, cohort_2024, make_user, access_of):
    org_a.headcount = 600
    org_a.save()
    cohort_mate = make_organisation(
        "Cohort mate", slug="cohort-mate", kind=OrganisationKind.COMMUNE, headcount=300
    )
    other_cohort = make_organisation("Other cohort", slug="other-cohort", headcount=500)
    far_away = make_organisation("Far away", slug="far-away", headcount=700)
    loner = make_organisation("Loner", slug="loner", headcount=650)
    other_coalition = Coalition.objects.create(name="Elsewhere", slug="elsewhere")
    far_cohort = Cohort.objects.create(coalition=other_coalition, name="Far", year=2025)
    for cohort, organisation in (
        (cohort_2025, org_a),
        (cohort_2025, cohort_mate),
        (cohort_2024, other_cohort),
        (far_cohort, far_away),
    ):
        CohortMembership.objects.create(cohort=cohort, organisation=organisation)
    facilitator = make_user(full_name="Fanny Facilitatrice")
    cohort_2025.coalition.facilitators.add(facilitator)
    people = {
        "referent_a": member(org_a, Role.REFERENT, full_name="Rémi Référent"),
        "reader_a": member(org_a, Role.READER, full_name="Raoul Lecteur"),
        "cohort_mate": member(cohort_mate, Role.REFERENT),
        "other_cohort": member(other_cohort, Role.REFERENT),
        "far_away": member(far_away, Role.REFERENT),
        "loner": member(loner, Role.REFERENT),
        "facilitator": facilitator,
    }
    return {
        "org_a": org_a,
        "cohort_mate": cohort_mate,
        "other_cohort": other_cohort,
        "far_away": far_away,
        "loner": loner,
        "people": people,
        "access_a": access_of(people["referent_a"], org_a),
    }


@pytest.fixture
def six_in_the_cohort(world, make_organisation, member, cohort_2025, monkeypatch):
    """org_a, cohort_mate and four more in the 2025 cohort; one more, a commune, in the 2024
    cohort: the coalition is the cohort plus one organisation. Each has a score of 10 × its
    rank, and so is its footprint per agent; the patch stands for submitted diagnostics and
    computed footprints."""
    extra = []
    for number in range(4):
        organisation = make_organisation(f"Peer {number}", headcount=400)
        CohortMembership.objects.create(cohort=cohort_2025, organisation=organisation)
        extra.append(organisation)
    ranks = {
        organisation.pk: 10.0 * rank
        for rank, organisation in enumerate(
            [world["org_a"], world["cohort_mate"], *extra, world["other_cohort"]], start=1
        )
    }
    monkeypatch.setattr(
        figures,
        "figures_for",
        lambda organisations: {
            organisation.pk: (
                {
                    figures.GLOBAL_SCORE: ranks[organisation.pk],
                    figures.FOOTPRINT: ranks[organisation.pk],
                }
                if organisation.pk in ranks
                else {}
            )
            for organisation in organisations
        },
    )
    return extra


def ended_item(
    access: Any,
    title: str = "Night shutdown",
    action_id: str = "strategy.appoint_lead",
    **fields: Any,
):
    """A roadmap item of ``access``'s organisation, done unless ``status`` says otherwise."""
    return roadmap_services.item_create(
        access=access,
        action_id=action_id,
        fields={
            "title": title,
            "theme": "strategy",
            "start_date": dt.date(2025, 1, 10),
            "due_date": dt.date(2025, 6, 20),
            "status": ItemStatus.DONE,
            **fields,
        },
    )


def share(access: Any, user: Any, visibility: str = Visibility.COHORT, **fields: Any):
    """A report written by ``access``'s référent from a new finished item."""
    item = ended_item(
        access,
        title=fields.pop("title", "Night shutdown"),
        action_id=fields.pop("action_id", "strategy.appoint_lead"),
    )
    values = {
        "title": item.title,
        "year": 2025,
        "what_was_done": "Switched workstations off at night.",
        "visibility": visibility,
        "contact_mode": "facilitator",
        **fields,
    }
    return services.report_create(access=access, user=user, item=item, fields=values)


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """These tests read the English texts; French is the default (test_french_by_default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
