"""Review findings: a delegate demoted to reader keeps no write; an organisation name with a
line break does not break the delegation email."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from capnr.diagnostics import selectors, services
from capnr.diagnostics.models import Answer
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Membership, Organisation, Role

pytestmark = pytest.mark.django_db


def _delegate(access, diagnostic, referent, **recipient):
    return services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id="strategy.01",
        created_by=referent,
        build_url=lambda raw: f"https://capnr.example.org/delegated/{raw}/",
        **recipient,
    )


def test_a_delegate_demoted_to_reader_can_no_longer_answer(client, org_a, member, access_of):
    referent = member(org_a, Role.REFERENT)
    contributor = member(org_a, Role.CONTRIBUTOR)
    access = access_of(referent, org_a)
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    delegation = _delegate(access, diagnostic, referent, user_id=contributor.pk, notify=False)
    Membership.objects.filter(user=contributor, organisation=org_a).update(role=Role.READER)

    found = selectors.delegation_for_user(
        access=access_of(contributor, org_a), user=contributor, pk=delegation.pk
    )
    with pytest.raises(PermissionDenied):
        services.delegated_answer_save(
            delegation=found,
            submission=Submission("strategy.01", "yes", "", "", 0),
            user=contributor,
        )
    client.force_login(contributor)
    response = client.post(
        f"/o/{org_a.slug}/diagnostic/mine/{delegation.pk}/",
        {"strategy.01-value": "yes", "strategy.01-version": "0"},
    )
    assert response.status_code == 403
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_an_organisation_name_with_a_line_break_does_not_break_the_delegation_email(
    org_a, member, access_of, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=org_a.pk).update(name="Alpha\r\nBcc: evil@example.org")
    org_a.refresh_from_db()
    referent = member(org_a, Role.REFERENT)
    access = access_of(referent, org_a)
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    with django_capture_on_commit_callbacks(execute=True):
        _delegate(access, diagnostic, referent, email="helper@example.org")
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "\r" not in subject and "Alpha Bcc" in subject
