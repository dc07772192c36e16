"""The questionnaire, delegation and results pages, through the test client."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from capnr.diagnostics import presentation, selectors, services
from capnr.diagnostics.models import Answer, Diagnostic
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def diagnostic(org_a, referent, access_of):
    return services.diagnostic_start(access=access_of(referent, org_a), year=2025, user=referent)


def url(name, *args):
    return reverse(f"diagnostics:{name}", args=["alpha", *args])


def fields(question_id, value="", comment="", evidence="", version=0, initial=None):
    if initial is None:
        initial = services.fingerprint("", "", "")
    return {
        f"{question_id}-value": value,
        f"{question_id}-comment": comment,
        f"{question_id}-evidence": evidence,
        f"{question_id}-version": version,
        f"{question_id}-initial_print": initial,
    }


def test_the_empty_state_says_what_to_do_and_starting_leads_to_the_overview(client, referent):
    client.force_login(referent)
    page = client.get(url("index"))
    assert "Aucun diagnostic" in page.content.decode()
    response = client.post(url("start"), {"year": 2025})
    assert response.status_code == 302 and response["Location"] == url("overview", 2025)
    overview = client.get(response["Location"]).content.decode()
    assert "Stratégie et gouvernance" in overview and "Mode atelier" in overview


def test_a_theme_page_saves_its_answers_and_goes_on(client, referent, diagnostic):
    client.force_login(referent)
    page = client.get(url("theme", 2025, "strategy"))
    body = page.content.decode()
    assert page.status_code == 200 and 'name="strategy.01-value"' in body
    data = {**fields("strategy.01", "yes", "Signed in 2024"), **fields("strategy.02", "partly")}
    data["next_theme"] = "awareness"
    response = client.post(url("theme", 2025, "strategy"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url("theme", 2025, "awareness")
    answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    assert answers["strategy.01"].value == "yes"
    assert answers["strategy.01"].comment == "Signed in 2024"
    assert answers["strategy.02"].value == "partly"
    assert answers["strategy.01"].answered_by == referent


def test_autosave_saves_one_question_and_returns_its_new_version(client, referent, diagnostic):
    client.force_login(referent)
    data = {**fields("strategy.03", "no"), "autosave": "strategy.03"}
    response = client.post(url("theme_autosave", 2025, "strategy"), data)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "saved" and body["version"] == 1
    assert Answer.objects.get(diagnostic=diagnostic, question_id="strategy.03").value == "no"


def test_the_page_sends_its_script_to_the_themes_autosave_address(client, referent, diagnostic):
    client.force_login(referent)
    page = client.get(url("theme", 2025, "strategy")).content.decode()
    assert f'data-autosave="{url("theme_autosave", 2025, "strategy")}"' in page


def test_autosave_refuses_a_question_of_another_theme_or_not_sent(client, referent, diagnostic):
    client.force_login(referent)
    other_theme = {**fields("hosting.01", "no"), "autosave": "hosting.01"}
    not_sent = {**fields("strategy.01", "no"), "autosave": "strategy.02"}
    for data in (other_theme, not_sent):
        response = client.post(url("theme_autosave", 2025, "strategy"), data)
        assert response.status_code == 400
        assert json.loads(response.content)["status"] == "error"
    assert client.get(url("theme_autosave", 2025, "strategy")).status_code == 405
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_the_theme_page_still_answers_autosave_posts_of_pages_opened_before_it_moved(
    client, referent, diagnostic
):
    client.force_login(referent)
    data = {**fields("strategy.03", "partly"), "autosave": "strategy.03"}
    response = client.post(url("theme", 2025, "strategy"), data)
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "saved"
    assert Answer.objects.get(diagnostic=diagnostic, question_id="strategy.03").value == "partly"


def test_a_concurrent_answer_is_refused_and_the_page_shows_the_other_one(
    client, org_a, referent, diagnostic, member, access_of
):
    colleague = member(org_a, Role.REFERENT, full_name="Camille Collègue")
    services.answer_save(
        access=access_of(colleague, org_a),
        diagnostic=diagnostic,
        submission=Submission("strategy.01", "yes", "Voted in council", "", 0),
        user=colleague,
    )
    client.force_login(referent)
    # The referent's page was opened before: version 0, empty answer.
    data = {**fields("strategy.01", "no"), **fields("strategy.02", "yes")}
    response = client.post(url("theme", 2025, "strategy"), data)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Camille Collègue" in body and "Voted in council" in body
    stored = {a.question_id: a.value for a in Answer.objects.filter(diagnostic=diagnostic)}
    assert stored == {"strategy.01": "yes", "strategy.02": "yes"}  # nothing else lost
    autosave = client.post(
        url("theme_autosave", 2025, "strategy"),
        {**fields("strategy.01", "no"), "autosave": "strategy.01"},
    )
    assert autosave.status_code == 409
    assert json.loads(autosave.content)["other"]["author"] == "Camille Collègue"


def test_contributors_see_only_their_delegated_questions(
    client, org_a, referent, diagnostic, member, django_capture_on_commit_callbacks
):
    contributor = member(org_a, Role.CONTRIBUTOR, full_name="Colette Contributrice")
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("delegate", 2025, "hosting.01"), {"user": contributor.pk})
    assert response.status_code == 302
    assert mail.outbox and contributor.email in mail.outbox[0].to
    client.force_login(contributor)
    # Every theme is read (test_read_access.py); only the question handed over has fields.
    theme = client.get(url("theme", 2025, "hosting")).content.decode()
    assert 'name="hosting.01-value"' in theme and 'name="hosting.02-value"' not in theme
    assert (
        client.post(url("theme", 2025, "strategy"), fields("strategy.01", "no")).status_code == 403
    )
    assert client.get(url("workshop", 2025)).status_code in (403, 404)
    mine = client.get(url("mine")).content.decode()
    assert "salle" in mine.lower() or "hosting" in mine
    delegation = diagnostic.delegations.get()
    page = client.get(url("my_question", delegation.pk))
    assert page.status_code == 200 and 'name="hosting.01-value"' in page.content.decode()
    assert 'name="hosting.02-value"' not in page.content.decode()
    response = client.post(url("my_question", delegation.pk), fields("hosting.01", "partly"))
    assert response.status_code == 302
    stored = Answer.objects.get(diagnostic=diagnostic, question_id="hosting.01")
    assert stored.value == "partly" and stored.answered_by == contributor
    # Another contributor cannot open it.
    other = member(org_a, Role.CONTRIBUTOR)
    client.force_login(other)
    assert client.get(url("my_question", delegation.pk)).status_code == 404


def test_an_email_delegate_answers_through_the_link_only(
    client, referent, diagnostic, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("delegate", 2025, "end_of_use.01"), {"email": "ext@example.org"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/delegated/" in line)
    path = link[link.index("/delegated/") :].strip()
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="end_of_use.01-value"' in body and "strategy.01" not in body
    response = client.post(path, fields("end_of_use.01", "yes", evidence="Convention 2025"))
    assert response.status_code == 302
    stored = Answer.objects.get(diagnostic=diagnostic, question_id="end_of_use.01")
    assert stored.author == "ext@example.org" and stored.evidence == "Convention 2025"
    # Posting another question through the link is refused.
    response = client.post(path, fields("strategy.01", "yes"))
    assert not Answer.objects.filter(diagnostic=diagnostic, question_id="strategy.01").exists()
    assert client.get("/delegated/not-a-real-token/").status_code == 410


def test_results_show_the_hand_computed_score_and_the_gaps(
    client, org_a, referent, diagnostic, access_of, member
):
    access = access_of(referent, org_a)
    # strategy.01 (priority p1) yes, strategy.02 (p2) partly, strategy.03 na:
    questions = {q.id: q for q in services.questions_for(org_a)}
    p1, p2 = questions["strategy.01"].priority, questions["strategy.02"].priority
    services.answers_save(
        access=access,
        diagnostic=diagnostic,
        submissions=[
            Submission("strategy.01", "yes", "", "", 0),
            Submission("strategy.02", "partly", "", "", 0),
            Submission("strategy.03", "na", "", "", 0),
        ],
        user=referent,
    )
    expected = round(100 * (p1 * 1 + p2 * 0.5) / (p1 + p2))
    grade = selectors.results(diagnostic).grade
    reader = member(org_a, Role.READER)
    client.force_login(reader)
    page = client.get(url("results", 2025))
    body = page.content.decode()
    assert page.status_code == 200
    assert f"{expected}/100 · {grade}" in body
    assert "<svg" in body and "Niveau indicatif Label NR" in body
    assert reverse("actions:recommendations", args=["alpha"]) in body  # stakes lead to actions
    theme = client.get(url("theme", 2025, "strategy")).content.decode()
    assert "Oui" in theme and 'name="strategy.01-value"' not in theme  # read, not answered
    gaps = [q for q in questions.values() if q.obligation]
    # The page leads with the gaps due soonest; every one is a link away.
    soonest = presentation.compliance_gaps(diagnostic)[: presentation.TOP_GAPS]
    assert all(gap["obligation"].reference in body for gap in soonest)
    assert url("results_gaps", 2025) in body
    every_gap = client.get(url("results_gaps", 2025)).content.decode()
    assert gaps and gaps[0].obligation.reference in every_gap


def test_a_submitted_diagnostic_is_read_only_until_reopened(client, referent, diagnostic):
    client.force_login(referent)
    client.post(url("submit", 2025))
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted
    page = client.get(url("theme", 2025, "strategy")).content.decode()
    assert "est validé" in page and 'name="strategy.01-value"' not in page  # no field to fill in
    response = client.post(url("theme", 2025, "strategy"), fields("strategy.01", "yes"))
    assert response.status_code == 302
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()
    client.post(url("reopen", 2025))
    assert not Diagnostic.objects.get(pk=diagnostic.pk).is_submitted


def test_other_organisations_never_see_a_diagnostic(client, org_b, member, diagnostic):
    outsider = member(org_b, Role.REFERENT)
    client.force_login(outsider)
    for name, args in (
        ("overview", [2025]),
        ("theme", [2025, "strategy"]),
        ("results", [2025]),
        ("index", []),
    ):
        assert client.get(url(name, *args)).status_code == 404


def test_stakes_use_a_rough_estimate_until_an_inventory_is_imported(
    client, org_a, referent, diagnostic, access_of
):
    org_a.headcount = 300
    org_a.save()
    services.answer_save(
        access=access_of(referent, org_a),
        diagnostic=diagnostic,
        submission=Submission("strategy.01", "no", "", "", 0),
        user=referent,
    )
    client.force_login(referent)
    with translation.override("en"):
        body = client.get(url("results", 2025), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "rough estimate from your headcount" in body or "estimation" in body
