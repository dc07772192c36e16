"""The cohort's facilitator runs the diagnostic with the organisation (workshop mode, answering
with them in the room) but never submits it nor reopens it: that is the organisation's own
decision. Their role label says so."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from capnr.api.services import api_token_create
from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.diagnostics import services
from capnr.diagnostics.models import Answer, Diagnostic, DiagnosticStatus
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rita Referent")


@pytest.fixture
def facilitator(org_a, make_user):
    user = make_user(full_name="Fanny Facilitator")
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    coalition.facilitators.add(user)
    cohort = Cohort.objects.create(coalition=coalition, name="Cohort 2025", year=YEAR)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    return user


@pytest.fixture
def diagnostic(org_a, referent, access_of):
    return services.diagnostic_start(access=access_of(referent, org_a), year=YEAR, user=referent)


def url(name, *args):
    return reverse(f"diagnostics:{name}", args=["alpha", YEAR, *args])


def status(diagnostic) -> str:
    return Diagnostic.objects.get(pk=diagnostic.pk).status


def test_the_facilitator_may_run_the_diagnostic_but_not_submit_it(org_a, facilitator, access_of):
    access = access_of(facilitator, org_a)
    assert access.can_run_diagnostic and not access.can_submit_diagnostic


def test_the_referent_and_a_superuser_submit(org_a, referent, make_user, access_of):
    admin = make_user(is_superuser=True)
    assert access_of(referent, org_a).can_submit_diagnostic
    assert access_of(admin, org_a).can_submit_diagnostic


def test_the_facilitator_answers_but_the_service_refuses_their_submission(
    org_a, facilitator, access_of, diagnostic
):
    access = access_of(facilitator, org_a)
    services.answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission("strategy.01", "yes", "", "", 0),
        user=facilitator,
    )
    assert Answer.objects.get(diagnostic=diagnostic).answered_by == facilitator
    with pytest.raises(PermissionDenied):
        services.diagnostic_submit(access=access, diagnostic=diagnostic, user=facilitator)
    assert status(diagnostic) == DiagnosticStatus.IN_PROGRESS


def test_the_overview_shows_the_facilitator_no_submit_button_and_says_who_submits(
    client, facilitator, diagnostic
):
    client.force_login(facilitator)
    page = unescape(client.get(url("overview")).content.decode())
    assert "Mode atelier" in page  # they still run the workshop
    assert "Valider le diagnostic" not in page and url("submit") not in page
    assert "Le référent de l'organisation valide le diagnostic" in page


def test_the_referent_still_sees_the_submit_button(client, referent, diagnostic):
    client.force_login(referent)
    page = client.get(url("overview")).content.decode()
    assert "Valider le diagnostic" in page and url("submit") in page


def test_a_submit_post_from_the_facilitator_is_refused(client, facilitator, diagnostic):
    client.force_login(facilitator)
    assert client.post(url("submit")).status_code == 403
    assert status(diagnostic) == DiagnosticStatus.IN_PROGRESS


def test_the_api_refuses_the_facilitators_submission(client, facilitator, diagnostic):
    _, raw = api_token_create(user=facilitator, name="script")
    response = client.post(
        f"/api/v1/organisations/alpha/diagnostics/{YEAR}/submit",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert status(diagnostic) == DiagnosticStatus.IN_PROGRESS


def test_the_facilitator_does_not_reopen_a_submitted_diagnostic(
    client, org_a, referent, facilitator, access_of, diagnostic
):
    services.diagnostic_submit(
        access=access_of(referent, org_a), diagnostic=diagnostic, user=referent
    )
    client.force_login(facilitator)
    page = unescape(client.get(url("overview")).content.decode())
    assert url("reopen") not in page
    assert client.post(url("reopen")).status_code == 403
    assert status(diagnostic) == DiagnosticStatus.SUBMITTED


def test_the_facilitators_role_label_tells_their_real_rights(client, facilitator, diagnostic):
    client.force_login(facilitator)
    home = unescape(client.get(reverse("web:organisation_home", args=["alpha"])).content.decode())
    assert "lecture seule" not in home
    assert "Animateur·rice — atelier" in home
