"""The workshop timer moves on what the workshop does (a posted answer or note), never on a page
view: a GET on a question writes nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capnr.diagnostics import referential, services
from capnr.diagnostics.models import Diagnostic, ThemeTime
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT)


@pytest.fixture
def diagnostic(org_a, referent, access_of):
    return services.diagnostic_start(access=access_of(referent, org_a), year=YEAR, user=referent)


def question_url(org, question) -> str:
    return reverse("diagnostics:workshop_question", args=[org.slug, YEAR, question.id])


def answer(client, org, question, value: str):
    """Post an answer as the page does, with the hidden fields it rendered."""
    page = client.get(question_url(org, question)).content.decode()
    fields = {}
    for name in ("version", "initial_print"):
        tag = re.search(rf'<input type="hidden" name="{name}"[^>]*>', page).group(0)
        found = re.search(r'value="([^"]*)"', tag)
        fields[name] = found.group(1) if found else ""
    return client.post(question_url(org, question), {"action": "answer", "value": value, **fields})


def timer_state(diagnostic: Diagnostic) -> tuple:
    row = Diagnostic.objects.get(pk=diagnostic.pk)
    times = sorted(ThemeTime.objects.filter(diagnostic=diagnostic).values_list("theme", "seconds"))
    return row.workshop_started_at, row.workshop_theme, row.workshop_theme_since, times


def test_looking_at_workshop_questions_writes_nothing(client, org_a, referent, diagnostic):
    questions = referential.questions_for(org_a)
    other_theme = next(q for q in questions if q.theme != questions[0].theme)
    client.force_login(referent)
    before = timer_state(diagnostic)
    for question in (questions[0], other_theme, questions[0]):
        assert client.get(question_url(org_a, question)).status_code == 200
        assert client.head(question_url(org_a, question)).status_code == 200
    assert timer_state(diagnostic) == before


def test_answering_starts_the_timer_and_moves_it_to_the_next_theme(
    client, org_a, referent, diagnostic
):
    questions = referential.questions_for(org_a)
    last_of_first = max((i for i, q in enumerate(questions) if q.theme == questions[0].theme))
    client.force_login(referent)
    first = answer(client, org_a, questions[0], "yes")
    assert first.status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == questions[0].theme
    assert diagnostic.workshop_started_at is not None

    last = questions[last_of_first]
    moved = answer(client, org_a, last, "no")
    assert moved["Location"] == question_url(org_a, questions[last_of_first + 1])
    diagnostic.refresh_from_db()
    assert diagnostic.workshop_theme == questions[last_of_first + 1].theme
    assert ThemeTime.objects.filter(diagnostic=diagnostic, theme=questions[0].theme).exists()
