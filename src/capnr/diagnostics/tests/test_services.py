"""Campaigns, pre-fill, answers, concurrency, delegation and submission, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from capnr.diagnostics import selectors, services
from capnr.diagnostics.models import Answer, Delegation
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here; the pages' tests check the French ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT)


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)


def answer(access, diagnostic, user, question_id, value, version=0, comment="", evidence=""):
    return services.answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=Submission(question_id, value, comment, evidence, version),
        user=user,
    )


def test_a_new_year_is_prefilled_from_the_last_one_and_each_answer_is_to_confirm(access, referent):
    first = services.diagnostic_start(access=access, year=2024, user=referent)
    answer(access, first, referent, "strategy.01", "yes", comment="Adopted in June")
    answer(access, first, referent, "strategy.02", "no")
    answer(access, first, referent, "hosting.01", "unknown")
    second = services.diagnostic_start(access=access, year=2025, user=referent)
    assert second.previous == first
    carried = {a.question_id: a for a in second.answers.all()}
    assert set(carried) == {"strategy.01", "strategy.02", "hosting.01"}
    assert carried["strategy.01"].comment == "Adopted in June"
    assert all(a.to_confirm for a in carried.values())
    # Carried answers count neither in progress nor in the score until confirmed.
    assert selectors.progress(second).answered == 0
    assert selectors.results(second).overall.percent is None
    # Confirmed as they are only when asked, question by question (the page's confirm boxes,
    # or its button that confirms every unchanged answer of a theme).
    shown = {q: services.fingerprint(a.value, a.comment, a.evidence) for q, a in carried.items()}
    confirmed = services.answers_save(
        access=access,
        diagnostic=second,
        submissions=[
            Submission(qid, a.value, a.comment, a.evidence, a.version, shown[qid], confirm=True)
            for qid, a in carried.items()
            if qid.startswith("strategy.")
        ],
        user=referent,
    )
    assert sorted(confirmed.confirmed) == ["strategy.01", "strategy.02"] and not confirmed.saved
    assert selectors.progress(second).answered == 2
    # Last year's diagnostic is untouched.
    assert first.answers.get(question_id="strategy.01").to_confirm is False


def test_one_diagnostic_per_year_and_sensible_years(access, referent):
    services.diagnostic_start(access=access, year=2025, user=referent)
    with pytest.raises(ValidationError, match="already"):
        services.diagnostic_start(access=access, year=2025, user=referent)
    with pytest.raises(ValidationError):
        services.diagnostic_start(access=access, year=1999, user=referent)


def test_the_later_of_two_concurrent_saves_is_refused_and_shows_the_other_answer(
    access, referent, org_a, member, access_of
):
    colleague = member(org_a, Role.REFERENT, full_name="Camille Durand")
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    # Both open the question while it has no answer (version 0).
    answer(access_of(colleague, org_a), diagnostic, colleague, "strategy.01", "yes")
    with pytest.raises(services.AnswerConflict) as refused:
        answer(access, diagnostic, referent, "strategy.01", "no")
    assert refused.value.current.value == "yes"
    assert refused.value.current.author == "Camille Durand"
    # Having seen the other answer (version 1), the user may change it.
    answer(access, diagnostic, referent, "strategy.01", "no", version=1)
    stored = Answer.objects.get(diagnostic=diagnostic, question_id="strategy.01")
    assert (stored.value, stored.version, stored.answered_by) == ("no", 2, referent)


def test_a_page_left_untouched_does_not_overwrite_a_colleagues_newer_answer(
    access, referent, org_a, member, access_of
):
    colleague = member(org_a, Role.REFERENT)
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    shown = services.fingerprint("", "", "")
    answer(access_of(colleague, org_a), diagnostic, colleague, "strategy.01", "partly")
    result = services.answers_save(
        access=access,
        diagnostic=diagnostic,
        submissions=[
            Submission("strategy.01", "", "", "", 0, initial=shown),  # untouched
            Submission("strategy.02", "yes", "", "", 0, initial=shown),
        ],
        user=referent,
    )
    assert result.saved == ["strategy.02"] and not result.conflicts
    assert Answer.objects.get(diagnostic=diagnostic, question_id="strategy.01").value == "partly"


def test_bad_answers_are_refused_with_a_clear_message(access, referent, org_a):
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    with pytest.raises(ValidationError, match="not a possible answer"):
        answer(access, diagnostic, referent, "strategy.01", "maybe")
    with pytest.raises(ValidationError, match="does not apply"):
        answer(access, diagnostic, referent, "nope.99", "yes")
    # The REEN strategy applies only to communes/EPCIs above 50,000 inhabitants.
    reen = [q for q in services.engine.referential().questions if q.applies_to.min_population]
    assert reen
    with pytest.raises(ValidationError, match="does not apply"):
        answer(access, diagnostic, referent, reen[0].id, "yes")
    assert not diagnostic.answers.exists()


def test_submission_freezes_answers_and_the_referent_can_reopen(access, referent):
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    answer(access, diagnostic, referent, "strategy.01", "yes")
    services.diagnostic_submit(access=access, diagnostic=diagnostic, user=referent)
    assert diagnostic.is_submitted and diagnostic.submitted_by == referent
    with pytest.raises(ValidationError, match="submitted"):
        answer(access, diagnostic, referent, "strategy.01", "no", version=1)
    services.diagnostic_reopen(access=access, diagnostic=diagnostic)
    assert not diagnostic.is_submitted
    answer(access, diagnostic, referent, "strategy.01", "no", version=1)


def test_contributors_and_readers_cannot_run_the_diagnostic(
    org_a, member, access_of, access, referent
):
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    for role in (Role.CONTRIBUTOR, Role.READER):
        user = member(org_a, role)
        with pytest.raises(PermissionDenied):
            answer(access_of(user, org_a), diagnostic, user, "strategy.01", "yes")
        with pytest.raises(PermissionDenied):
            services.diagnostic_start(access=access_of(user, org_a), year=2026, user=user)


def test_a_facilitator_of_the_cohort_can_run_the_diagnostic(org_a, make_user, access, referent):
    from capnr.coalition.models import Coalition, Cohort
    from capnr.organisations.tenancy import access_for

    facilitator = make_user("facilitator@example.org")
    coalition = Coalition.objects.create(name="Coalition test", slug="coalition-test")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition, name="2025", year=2025)
    cohort.organisations.add(org_a)
    facilitator_access = access_for(facilitator, org_a)
    assert facilitator_access is not None and facilitator_access.can_run_diagnostic
    diagnostic = services.diagnostic_start(access=facilitator_access, year=2025, user=facilitator)
    answer(facilitator_access, diagnostic, facilitator, "strategy.01", "yes")
    assert diagnostic.answers.get().answered_by == facilitator


def build_url(raw):
    return f"https://capnr.example/delegated/{raw}/" if raw else "https://capnr.example/mine/"


def test_an_email_delegate_answers_only_their_question_and_is_credited(
    access, referent, django_capture_on_commit_callbacks
):
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    with django_capture_on_commit_callbacks(execute=True):
        delegation = services.delegation_create(
            access=access,
            diagnostic=diagnostic,
            question_id="hosting.01",
            created_by=referent,
            email="Facility.Manager@Example.org",
            build_url=build_url,
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    raw = body.split("https://capnr.example/delegated/")[1].split("/")[0]
    assert services.delegation_find(raw_token=raw) == delegation
    assert delegation.email == "facility.manager@example.org"
    with pytest.raises(PermissionDenied):
        services.delegated_answer_save(
            delegation=delegation, submission=Submission("strategy.01", "yes", "", "", 0)
        )
    services.delegated_answer_save(
        delegation=delegation,
        submission=Submission("hosting.01", "partly", "Setpoint 22 °C", "", 0),
    )
    stored = Answer.objects.get(diagnostic=diagnostic, question_id="hosting.01")
    assert stored.author == "facility.manager@example.org" and stored.answered_by is None
    assert Delegation.objects.get().answered_at is not None
    services.delegation_revoke(access=access, delegation=delegation)
    with pytest.raises(services.DelegationUnusable):
        services.delegation_find(raw_token=raw)


def test_delegation_links_expire_and_a_new_delegation_replaces_the_old(
    access, referent, org_a, member
):
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    first = services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id="hosting.01",
        created_by=referent,
        email="a@example.org",
        build_url=build_url,
    )
    contributor = member(org_a, Role.CONTRIBUTOR)
    second = services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id="hosting.01",
        created_by=referent,
        user_id=contributor.pk,
        build_url=build_url,
    )
    first.refresh_from_db()
    assert first.revoked_at is not None and second.user == contributor
    links: list[str] = []
    services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id="hosting.02",
        created_by=referent,
        email="b@example.org",
        build_url=lambda raw: links.append(raw) or "https://x/",
    )
    Delegation.objects.filter(email="b@example.org").update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(services.DelegationUnusable, match="expired"):
        services.delegation_find(raw_token=links[0])
    with pytest.raises(services.DelegationUnusable, match="does not work"):
        services.delegation_find(raw_token="not-a-token")
    reader = member(org_a, Role.READER)
    with pytest.raises(ValidationError, match="contributor"):
        services.delegation_create(
            access=access,
            diagnostic=diagnostic,
            question_id="hosting.02",
            created_by=referent,
            user_id=reader.pk,
            build_url=build_url,
        )
