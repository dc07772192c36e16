"""The organisation's navigation links to its cohort's page (sessions, its attendance) once it
is in one, for every role that sees the organisation; the link opens for each of them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


def cohort_links(body: str) -> list[str]:
    nav = body[
        body.index('class="main-nav"') : body.index("</nav>", body.index('class="main-nav"'))
    ]
    return re.findall(r'href="(/coalitions/o/[^"]+/cohort/)"', nav)


@pytest.fixture
def cohorts(org_a, make_user):
    coalition = Coalition.objects.create(name="Trois", slug="trois")
    old = Cohort.objects.create(coalition=coalition, name="Promotion 2024", year=2024)
    new = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=old, organisation=org_a)
    CohortMembership.objects.create(cohort=new, organisation=org_a)
    facilitator = make_user()
    coalition.facilitators.add(facilitator)
    return {"old": old, "new": new, "facilitator": facilitator}


@pytest.mark.parametrize("role", [Role.REFERENT, Role.CONTRIBUTOR, Role.READER, "facilitator"])
def test_every_role_sees_the_link_to_the_latest_cohort_and_it_opens(
    client, org_a, member, cohorts, role
):
    user = cohorts["facilitator"] if role == "facilitator" else member(org_a, role)
    client.force_login(user)
    home = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    [link] = cohort_links(home)
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "coalition:cohort", args=["trois", cohorts["new"].pk]
    )
    assert response.status_code == 200


def test_no_link_without_a_cohort_nor_for_an_invitation_not_yet_accepted(
    client, org_a, member, make_user
):
    client.force_login(member(org_a, Role.REFERENT))
    url = reverse("web:organisation_home", args=[org_a.slug])
    assert cohort_links(client.get(url).content.decode()) == []
    assert (
        client.get(reverse("coalition:organisation_cohort", args=[org_a.slug])).status_code == 404
    )
    coalition = Coalition.objects.create(name="Invitante", slug="invitante")
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion invitée", year=2026)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a, pending=True)
    assert cohort_links(client.get(url).content.decode()) == []
    assert (
        client.get(reverse("coalition:organisation_cohort", args=[org_a.slug])).status_code == 404
    )


def test_the_link_refuses_who_does_not_see_the_organisation(client, org_a, cohorts, make_user):
    url = reverse("coalition:organisation_cohort", args=[org_a.slug])
    assert "login" in client.get(url)["Location"]
    client.force_login(make_user())
    assert client.get(url).status_code == 404
