"""A delegated question is emailed in the delegate's language: a member's own, French for a
colleague without an account, whatever language the référent reads Cap NR in."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from capnr.diagnostics import services
from capnr.engine import diagnostic as engine
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db
QUESTION = "hosting.01"


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT)


def delegate(access_of, org_a, referent, **to):
    access = access_of(referent, org_a)
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id=QUESTION,
        created_by=referent,
        build_url=lambda raw: f"https://capnr.example/delegated/{raw}/",
        **to,
    )


def test_a_member_who_chose_english_gets_the_question_in_english(
    org_a, member, referent, access_of, django_capture_on_commit_callbacks
):
    emma = member(org_a, Role.CONTRIBUTOR, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        delegate(access_of, org_a, referent, user_id=emma.pk)
    [message] = mail.outbox
    question = engine.referential().question(QUESTION)
    assert message.to == [emma.email]
    assert message.subject.startswith("A question for you in Alpha secret agency")
    assert question.text_en in message.body and "Log in to Cap NR to answer it" in message.body


def test_a_colleague_without_an_account_gets_french_even_from_an_english_referent(
    org_a, referent, access_of, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        delegate(access_of, org_a, referent, email="facility@example.org")
    [message] = mail.outbox
    question = engine.referential().question(QUESTION)
    assert message.subject.startswith("Une question pour vous")
    assert question.text_fr in message.body and "Merci," in message.body
