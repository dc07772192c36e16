"""Workshop mode through HTTP: who may run it, one question per screen, conflicts, the timer per
theme, the notes and the summary, and a submitted diagnostic that stays read-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.diagnostics import referential, services
from capnr.diagnostics.models import Answer, ThemeTime, WorkshopNote
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def client(client):
    """English pages, so the assertions read like the message ids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rita Referent")


@pytest.fixture
def diagnostic(org_a, referent, access_of):
    return services.diagnostic_start(access=access_of(referent, org_a), year=YEAR, user=referent)


@pytest.fixture
def questions(org_a):
    return referential.questions_for(org_a)


@pytest.fixture
def facilitator(org_a, make_user):
    user = make_user(full_name="Fanny Facilitator")
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    coalition.facilitators.add(user)
    cohort = Cohort.objects.create(coalition=coalition, name="Cohort 2025", year=YEAR)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    return user


def url(name: str, org, *args) -> str:
    return reverse(f"diagnostics:{name}", args=[org.slug, YEAR, *args])


def hidden(response) -> dict[str, str]:
    """The answer form's hidden fields as the page rendered them."""
    page = response.content.decode()
    fields = {}
    for name in ("version", "initial_print"):
        tag = re.search(rf'<input type="hidden" name="{name}"[^>]*>', page).group(0)
        value = re.search(r'value="([^"]*)"', tag)
        fields[name] = value.group(1) if value else ""
    return fields


def answer(client, org, question_id: str, value: str, comment: str = ""):
    page = client.get(url("workshop_question", org, question_id))
    return client.post(
        url("workshop_question", org, question_id),
        {"action": "answer", "value": value, "comment": comment, **hidden(page)},
    )


@pytest.mark.parametrize("who", ["referent", "facilitator"])
def test_the_referent_and_the_cohort_facilitator_run_the_workshop(
    client, request, org_a, diagnostic, questions, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("workshop", org_a))
    assert response.status_code == 302
    assert response["Location"] == url("workshop_question", org_a, questions[0].id)

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Question 1 / {len(questions)}" in text
    assert questions[0].text_en in text
    assert text.count("data-workshop-answer=") == 5
    assert "Keys: 1–5 answer, N next, P previous" in text
    assert "capnr/workshop.js" in text and "capnr/workshop.css" in text
    assert client.get(url("workshop_summary", org_a)).status_code == 200


@pytest.mark.parametrize("role", [Role.READER, Role.CONTRIBUTOR])
def test_readers_and_contributors_may_not_run_the_workshop(
    client, org_a, member, diagnostic, questions, role
):
    client.force_login(member(org_a, role))
    question = url("workshop_question", org_a, questions[0].id)
    assert client.get(url("workshop", org_a)).status_code == 403
    assert client.get(question).status_code == 403
    assert client.post(question, {"action": "answer", "value": "yes"}).status_code == 403
    assert client.post(question, {"action": "note", "text": "x"}).status_code == 403
    assert client.post(url("workshop_pause", org_a)).status_code == 403
    assert client.get(url("workshop_summary", org_a)).status_code == 403
    assert not Answer.objects.exists() and not WorkshopNote.objects.exists()


def test_another_organisations_referent_gets_not_found(
    client, org_a, org_b, member, diagnostic, questions
):
    client.force_login(member(org_b, Role.REFERENT))
    for response in (
        client.get(url("workshop", org_a)),
        client.get(url("workshop_question", org_a, questions[0].id)),
        client.post(url("workshop_question", org_a, questions[0].id), {"value": "yes"}),
        client.post(url("workshop_pause", org_a)),
        client.get(url("workshop_summary", org_a)),
    ):
        assert response.status_code == 404
    assert not Answer.objects.exists()


def test_an_unknown_or_inapplicable_question_is_not_found(client, org_a, referent, diagnostic):
    client.force_login(referent)
    assert client.get(url("workshop_question", org_a, "nope.99")).status_code == 404


def test_answering_stores_the_answer_and_moves_to_the_next_question(
    client, org_a, referent, diagnostic, questions
):
    client.force_login(referent)
    response = answer(client, org_a, questions[0].id, "partly", comment="Half the sites")
    assert response.status_code == 302
    assert response["Location"] == url("workshop_question", org_a, questions[1].id)
    stored = Answer.objects.get(diagnostic=diagnostic, question_id=questions[0].id)
    assert (stored.value, stored.comment, stored.answered_by) == (
        "partly",
        "Half the sites",
        referent,
    )

    page = client.get(response["Location"]).content.decode()
    assert "Question 1 saved: Partly (in progress)." in page
    # Back on the first question, its answer is the pressed button, marked in words too.
    page = client.get(url("workshop_question", org_a, questions[0].id)).content.decode()
    pressed = re.findall(r'value="(\w+)"[^>]*aria-pressed="true"', page)
    assert pressed == ["partly"]
    assert "✓ current answer" in page
    # The workshop resumes at the first question still open.
    assert client.get(url("workshop", org_a))["Location"] == url(
        "workshop_question", org_a, questions[1].id
    )


def test_the_last_question_leads_to_the_summary(client, org_a, referent, diagnostic, questions):
    client.force_login(referent)
    response = answer(client, org_a, questions[-1].id, "no")
    assert response["Location"] == url("workshop_summary", org_a)


def test_an_invalid_answer_is_refused_with_a_message(
    client, org_a, referent, diagnostic, questions
):
    client.force_login(referent)
    response = answer(client, org_a, questions[0].id, "maybe")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_conflict_shows_the_other_answer_and_saves_nothing(
    client, org_a, referent, member, access_of, diagnostic, questions
):
    other = member(org_a, Role.REFERENT, full_name="Otto Other")
    question = questions[0].id
    client.force_login(referent)
    shown = hidden(client.get(url("workshop_question", org_a, question)))
    services.answer_save(
        access=access_of(other, org_a),
        diagnostic=diagnostic,
        submission=services.Submission(question, "no", "We have nothing", "", 0),
        user=other,
    )
    response = client.post(
        url("workshop_question", org_a, question),
        {"action": "answer", "value": "yes", "comment": "Mine", **shown},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Their answer: No, by Otto Other." in page
    assert "We have nothing" in page
    assert "Your choice, not saved: Yes." in page
    assert "✗ your choice, not saved" in page
    assert Answer.objects.get(question_id=question).value == "no"
    # The page now carries the other answer's version: choosing again saves.
    retry = client.post(
        url("workshop_question", org_a, question),
        {"action": "answer", "value": "yes", "comment": "Mine", **hidden(response)},
    )
    assert retry.status_code == 302
    assert Answer.objects.get(question_id=question).value == "yes"


def test_a_carried_over_answer_is_marked_and_confirmed_by_pressing_it(
    client, org_a, referent, access_of, diagnostic, questions
):
    access = access_of(referent, org_a)
    services.answer_save(
        access=access,
        diagnostic=diagnostic,
        submission=services.Submission(questions[0].id, "yes", "", "", 0),
        user=referent,
    )
    next_year = services.diagnostic_start(access=access, year=YEAR + 1, user=referent)
    client.force_login(referent)
    question_url = reverse(
        "diagnostics:workshop_question", args=[org_a.slug, YEAR + 1, questions[0].id]
    )
    page = client.get(question_url)
    assert f"Carried over from {YEAR}" in page.content.decode()
    assert "✓ last year’s answer" in page.content.decode()
    # Still open: the workshop starts there.
    start = client.get(reverse("diagnostics:workshop", args=[org_a.slug, YEAR + 1]))
    assert start["Location"] == question_url
    client.post(question_url, {"action": "answer", "value": "yes", **hidden(page)})
    confirmed = Answer.objects.get(diagnostic=next_year, question_id=questions[0].id)
    assert (confirmed.value, confirmed.to_confirm) == ("yes", False)


def test_the_timer_accrues_per_theme(client, org_a, referent, access_of, diagnostic, questions):
    access = access_of(referent, org_a)
    first_theme = questions[0].theme
    second = next(q for q in questions if q.theme != first_theme)
    now = timezone.now()
    services.workshop_visit(
        access=access, diagnostic=diagnostic, theme=first_theme, now=now - dt.timedelta(minutes=20)
    )
    services.workshop_visit(
        access=access, diagnostic=diagnostic, theme=second.theme, now=now - dt.timedelta(minutes=8)
    )
    assert ThemeTime.objects.get(diagnostic=diagnostic, theme=first_theme).seconds == 12 * 60

    client.force_login(referent)
    # The page shows the closed intervals plus the one running now, computed on the server.
    page = client.get(url("workshop_question", org_a, second.id)).content.decode()
    assert "8 min on this theme" in page
    assert 'data-seconds="48' in page and "data-running" in page  # the script counts on
    # Looking at the first theme again changes nothing: a GET writes nothing.
    page = client.get(url("workshop_question", org_a, questions[0].id)).content.decode()
    assert "12 min on this theme" in page and "data-running" not in page
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == second.theme
    # Working on it (a note, an answer) closes the second one's interval.
    client.post(url("workshop_question", org_a, questions[0].id), {"action": "note", "text": "x"})
    assert ThemeTime.objects.get(diagnostic=diagnostic, theme=second.theme).seconds >= 8 * 60
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == first_theme


def test_pausing_stops_the_timer_and_returns_to_the_overview(
    client, org_a, referent, access_of, diagnostic, questions
):
    services.workshop_visit(
        access=access_of(referent, org_a),
        diagnostic=diagnostic,
        theme=questions[0].theme,
        now=timezone.now() - dt.timedelta(minutes=5),
    )
    client.force_login(referent)
    assert client.get(url("workshop_pause", org_a)).status_code == 405
    response = client.post(url("workshop_pause", org_a))
    assert response.status_code == 302
    assert response["Location"] == url("overview", org_a)
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == "" and diagnostic.workshop_theme_since is None
    assert ThemeTime.objects.get(theme=questions[0].theme).seconds >= 5 * 60


def test_the_summary_lists_notes_times_scores_and_follow_ups(
    client, org_a, referent, access_of, diagnostic, questions
):
    client.force_login(referent)
    first = questions[0]
    response = client.post(
        url("workshop_question", org_a, first.id),
        {"action": "note", "text": "Ask HR for the appointment letter"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    note = WorkshopNote.objects.get()
    assert (note.theme, note.question_id, note.author) == (first.theme, first.id, referent)
    assert "Ask HR for the appointment letter" in client.get(response["Location"]).content.decode()
    assert (
        client.post(
            url("workshop_question", org_a, first.id), {"action": "note", "text": "  "}
        ).status_code
        == 400
    )

    answer(client, org_a, first.id, "unknown")
    ThemeTime.objects.update_or_create(
        diagnostic=diagnostic, theme=first.theme, defaults={"seconds": 25 * 60}
    )
    page = client.get(url("workshop_summary", org_a)).content.decode()
    assert "Ask HR for the appointment letter" in page
    assert "25 min" in page
    assert first.text_en in page  # the "don't know" follow-up
    assert url("workshop_question", org_a, first.id) in page
    assert url("results", org_a) in page and url("overview", org_a) in page
    assert "1 / " in page  # one question answered in the first theme


def test_the_workshop_goes_to_the_summary_once_everything_is_answered(
    client, org_a, referent, access_of, diagnostic, questions
):
    services.answers_save(
        access=access_of(referent, org_a),
        diagnostic=diagnostic,
        submissions=[services.Submission(q.id, "yes", "", "", 0) for q in questions],
        user=referent,
    )
    client.force_login(referent)
    assert client.get(url("workshop", org_a))["Location"] == url("workshop_summary", org_a)


def test_a_submitted_diagnostic_is_read_only(
    client, org_a, referent, access_of, diagnostic, questions
):
    services.diagnostic_submit(
        access=access_of(referent, org_a), diagnostic=diagnostic, user=referent
    )
    client.force_login(referent)
    question_url = url("workshop_question", org_a, questions[0].id)
    page = client.get(question_url).content.decode()
    assert "This diagnostic is submitted" in page
    assert url("overview", org_a) in page
    assert "data-workshop-answer" not in page and 'name="action"' not in page
    response = client.post(question_url, {"action": "answer", "value": "yes", "version": 0})
    assert response.status_code == 302
    assert client.post(question_url, {"action": "note", "text": "x"}).status_code == 302
    assert not Answer.objects.exists() and not WorkshopNote.objects.exists()
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == ""  # looking at it does not run the timer


def test_a_question_screen_costs_a_bounded_number_of_queries(
    client, org_a, referent, diagnostic, questions, django_assert_max_num_queries
):
    client.force_login(referent)
    client.get(url("workshop_question", org_a, questions[0].id))
    with django_assert_max_num_queries(20):
        client.get(url("workshop_question", org_a, questions[1].id))


def test_the_pages_carry_no_inline_script_or_style(client, org_a, referent, diagnostic, questions):
    client.force_login(referent)
    for page_url in (
        url("workshop_question", org_a, questions[0].id),
        url("workshop_summary", org_a),
    ):
        page = client.get(page_url).content.decode()
        assert " style=" not in page and "<style" not in page
        assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script[^>]*>", page))
