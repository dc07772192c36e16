"""Everyone in the organisation reads every answer of its diagnostic: the theme pages, read-only
for who does not answer, and the workbook of every answer. A contributor answers on the theme
page the questions handed to them, and only those; another organisation gets nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.diagnostics import referential, services
from capnr.diagnostics.models import Answer, Delegation
from capnr.diagnostics.services import Submission
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

COMMENT = "Voted in council, see the minutes"
EVIDENCE = "Délibération 2025-14"


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def contributor(org_a, member):
    return member(org_a, Role.CONTRIBUTOR, full_name="Colette Contributrice")


@pytest.fixture
def diagnostic(org_a, referent, contributor, access_of):
    """A 2025 diagnostic with a commented answer, and hosting.01 handed to the contributor."""
    access = access_of(referent, org_a)
    diagnostic = services.diagnostic_start(access=access, year=2025, user=referent)
    services.answers_save(
        access=access,
        diagnostic=diagnostic,
        submissions=[Submission("strategy.02", "yes", COMMENT, EVIDENCE, 0)],
        user=referent,
    )
    services.delegation_create(
        access=access,
        diagnostic=diagnostic,
        question_id="hosting.01",
        created_by=referent,
        user_id=contributor.pk,
        build_url=lambda raw: "http://testserver/",
        notify=False,
    )
    return diagnostic


@pytest.fixture
def people(org_a, org_b, member, make_user, referent, contributor):
    facilitator = make_user(full_name="Fanny Facilitatrice")
    coalition = Coalition.objects.create(name="Cohorte", slug="cohorte")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition, name="Cohorte 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    return {
        "referent": referent,
        "contributor": contributor,
        "reader": member(org_a, Role.READER, full_name="Rémy Lecteur"),
        "facilitator": facilitator,
        "outsider": member(org_b, Role.REFERENT),
    }


def url(name, *args):
    return reverse(f"diagnostics:{name}", args=["alpha", *args])


def fields(question_id, value="", comment="", evidence="", version=0):
    return {
        f"{question_id}-value": value,
        f"{question_id}-comment": comment,
        f"{question_id}-evidence": evidence,
        f"{question_id}-version": version,
        f"{question_id}-initial_print": services.fingerprint("", "", ""),
    }


def _main(response) -> str:
    """The page's own content, without the header (whose log-out button is a form too)."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def _themes(organisation):
    return sorted({question.theme for question in referential.questions_for(organisation)})


@pytest.mark.parametrize("role", ["reader", "contributor"])
def test_readers_and_contributors_read_every_theme_with_its_answers_and_comments(
    client, org_a, diagnostic, people, role
):
    client.force_login(people[role])
    themes = _themes(org_a)
    assert len(themes) >= 10
    for theme in themes:
        response = client.get(url("theme", 2025, theme))
        assert response.status_code == 200, f"{role} on {theme}: {response.status_code}"
    body = _main(client.get(url("theme", 2025, "strategy")))
    assert COMMENT in body and EVIDENCE in body and "Oui" in body
    assert "Rémi Référent" in body
    # Read-only: nothing to fill in, nothing to save, no hand-over, no autosave script.
    assert 'name="strategy.02-value"' not in body and 'name="strategy.02-comment"' not in body
    assert 'class="questionnaire" data-autosave' not in body and 'type="submit"' not in body
    assert "/delegate/" not in body and "<form" not in body
    assert "diagnostic.js" not in client.get(url("theme", 2025, "strategy")).content.decode()
    assert "Vous pouvez lire toutes les réponses" in body


def test_whoever_runs_the_diagnostic_still_gets_every_field(client, diagnostic, people):
    for role in ("referent", "facilitator"):
        client.force_login(people[role])
        body = _main(client.get(url("theme", 2025, "strategy")))
        assert 'name="strategy.01-value"' in body and 'name="strategy.02-comment"' in body
        assert "/delegate/" in body and 'type="submit"' in body
        assert "Vous pouvez lire toutes les réponses" not in body


def test_a_contributor_answers_on_the_theme_page_only_what_was_handed_to_them(
    client, diagnostic, people
):
    contributor = people["contributor"]
    client.force_login(contributor)
    response = client.get(url("theme", 2025, "hosting"))
    page = _main(response)
    assert 'name="hosting.01-value"' in page and 'name="hosting.02-value"' not in page
    assert 'type="submit"' in page and "diagnostic.js" in response.content.decode()
    assert "/delegate/" not in page  # handing a question over is the référent's
    # A post naming another question too saves only the one handed over.
    response = client.post(
        url("theme", 2025, "hosting"),
        {**fields("hosting.01", "partly", "Room at 19 °C"), **fields("hosting.02", "yes")},
    )
    assert response.status_code == 302
    stored = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    assert (
        stored["hosting.01"].value == "partly" and stored["hosting.01"].answered_by == contributor
    )
    assert "hosting.02" not in stored
    assert Delegation.objects.get(question_id="hosting.01").answered_at is not None
    # The autosave takes the question handed over and refuses another one.
    refused = client.post(
        url("theme_autosave", 2025, "hosting"),
        {**fields("hosting.02", "no"), "autosave": "hosting.02"},
    )
    assert refused.status_code == 403 and json.loads(refused.content)["status"] == "error"
    assert not Answer.objects.filter(diagnostic=diagnostic, question_id="hosting.02").exists()
    # A theme with nothing handed to them is read, not written.
    assert (
        client.post(url("theme", 2025, "strategy"), fields("strategy.01", "no")).status_code == 403
    )
    assert Answer.objects.get(diagnostic=diagnostic, question_id="strategy.02").value == "yes"


def test_a_reader_changes_nothing_from_a_theme_page(client, diagnostic, people):
    client.force_login(people["reader"])
    before = list(Answer.objects.values_list("question_id", "value", "version"))
    for name in ("theme", "theme_autosave"):
        response = client.post(
            url(name, 2025, "strategy"), {**fields("strategy.01", "no"), "autosave": "strategy.01"}
        )
        assert response.status_code == 403, name
    confirm = {**fields("strategy.01", "no"), "confirm_unchanged": "1"}
    assert client.post(url("theme", 2025, "strategy"), confirm).status_code == 403
    assert list(Answer.objects.values_list("question_id", "value", "version")) == before


def test_the_answer_service_refuses_a_question_not_handed_over(
    org_a, diagnostic, people, access_of
):
    for role, question in (("contributor", "strategy.01"), ("reader", "hosting.01")):
        user = people[role]
        with pytest.raises(PermissionDenied):
            services.answers_save(
                access=access_of(user, org_a),
                diagnostic=diagnostic,
                submissions=[Submission(question, "no", "", "", 0)],
                user=user,
            )
    assert not Answer.objects.filter(question_id__in=["strategy.01", "hosting.01"]).exists()


@pytest.mark.parametrize("role", ["referent", "facilitator", "contributor", "reader"])
def test_every_role_of_the_organisation_downloads_every_answer_with_its_comments(
    client, diagnostic, people, role
):
    client.force_login(people[role])
    response = client.get(url("answers_xlsx", 2025))
    assert response.status_code == 200, f"{role}: {response.status_code}"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert COMMENT in rows["strategy.02"] and EVIDENCE in rows["strategy.02"]


def test_another_organisation_reads_neither_the_pages_nor_the_workbook(client, diagnostic, people):
    client.force_login(people["outsider"])
    for name, args in (("theme", [2025, "strategy"]), ("answers_xlsx", [2025])):
        response = client.get(url(name, *args))
        assert response.status_code == 404, name
        assert COMMENT not in response.content.decode(errors="replace")


@pytest.mark.parametrize("role", ["reader", "contributor"])
def test_the_overview_links_readers_to_the_themes_and_the_workbook_only(
    client, diagnostic, people, role
):
    client.force_login(people[role])
    body = client.get(url("overview", 2025)).content.decode()
    assert url("theme", 2025, "strategy") in body and url("answers_xlsx", 2025) in body
    assert url("workshop", 2025) not in body and url("submit", 2025) not in body


@pytest.mark.parametrize("role", ["referent", "contributor", "reader", "facilitator", "outsider"])
def test_the_pages_and_the_api_give_the_same_answer_on_who_reads_answers(
    client, diagnostic, people, role
):
    """Issue 13, finding 3: a reader got 403 on the theme pages and the workbook, but every
    answer and comment through the API. One rule now: whoever reads the organisation reads its
    answers and comments, on the pages, in the workbook and through the API; others get 404."""
    client.force_login(people[role])
    page = client.get(url("theme", 2025, "strategy"))
    workbook = client.get(url("answers_xlsx", 2025))
    api = client.get("/api/v1/organisations/alpha/diagnostics/2025/answers")
    statuses = {page.status_code, workbook.status_code, api.status_code}
    assert statuses == ({404} if role == "outsider" else {200}), (role, statuses)
    if role != "outsider":
        assert COMMENT in page.content.decode() and COMMENT in json.dumps(api.json())
