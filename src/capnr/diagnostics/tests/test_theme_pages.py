"""A theme's questions come a few at a time (issue 12: every page short enough for an EcoIndex
of 85): each page saves its own form, its buttons save before moving to another page, a link to
one answer opens the page that holds it, and nothing posted is lost."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from capnr.diagnostics import referential, services
from capnr.diagnostics.models import Answer
from capnr.diagnostics.views import QUESTIONS_PER_PAGE, question_pages
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


def fields(question_id, value=""):
    return {
        f"{question_id}-value": value,
        f"{question_id}-comment": "",
        f"{question_id}-evidence": "",
        f"{question_id}-version": 0,
        f"{question_id}-initial_print": services.fingerprint("", "", ""),
    }


def shown(body: str) -> list[str]:
    """The questions a page shows, in order (editable or read-only)."""
    return re.findall(r'id="q-([a-z_]+\.\d+)"', body)


def theme_questions(organisation, theme):
    return [q.id for q in referential.questions_for(organisation) if q.theme == theme]


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(11, [4, 4, 3]), (10, [5, 5]), (9, [5, 4]), (6, [3, 3]), (5, [5]), (1, [1])],
)
def test_the_pages_are_as_even_as_can_be(count, sizes):
    questions = list(range(count))
    pages = question_pages(questions, per_page=5)
    assert [len(page) for page in pages] == sizes
    assert [q for page in pages for q in page] == questions


def test_every_question_of_every_theme_is_on_exactly_one_page(client, org_a, referent, diagnostic):
    client.force_login(referent)
    for theme in sorted({q.theme for q in referential.questions_for(org_a)}):
        expected = theme_questions(org_a, theme)
        seen = []
        for number in range(1, len(expected) + 1):
            response = client.get(url("theme", 2025, theme) + f"?page={number}")
            on_page = shown(response.content.decode())
            assert 0 < len(on_page) <= QUESTIONS_PER_PAGE
            if on_page[0] in seen:  # past the last page: the last one again
                break
            seen += on_page
        assert seen == expected, theme
    assert len(expected) > QUESTIONS_PER_PAGE, "the theme has several pages to test"


def test_save_and_see_the_next_questions_saves_then_opens_the_next_page(
    client, org_a, referent, diagnostic
):
    client.force_login(referent)
    questions = theme_questions(org_a, "strategy")
    first = client.get(url("theme", 2025, "strategy")).content.decode()
    on_first = shown(first)
    next_first = questions[len(on_first)]
    assert 'name="go_to_page" value="2"' in first
    response = client.post(
        url("theme", 2025, "strategy"), {**fields(on_first[0], "yes"), "go_to_page": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("theme", 2025, "strategy") + "?page=2"
    assert Answer.objects.get(diagnostic=diagnostic, question_id=on_first[0]).value == "yes"
    second = client.get(response["Location"]).content.decode()
    assert shown(second)[0] == next_first
    # Saving the second page keeps it open; its button goes back to the first.
    response = client.post(response["Location"], fields(next_first, "no"))
    assert response["Location"] == url("theme", 2025, "strategy") + "?page=2"
    assert Answer.objects.get(diagnostic=diagnostic, question_id=next_first).value == "no"
    assert 'name="go_to_page" value="1"' in second


def test_the_last_page_goes_on_to_the_next_theme(client, org_a, referent, diagnostic):
    client.force_login(referent)
    pages = question_pages([q for q in referential.questions_for(org_a) if q.theme == "strategy"])
    last = client.get(url("theme", 2025, "strategy") + f"?page={len(pages)}").content.decode()
    assert 'name="next_theme"' in last
    assert f'name="go_to_page" value="{len(pages) + 1}"' not in last
    first = client.get(url("theme", 2025, "strategy")).content.decode()
    assert 'name="next_theme"' not in first  # the theme's next questions come first


def test_a_post_of_every_question_of_the_theme_saves_them_all(client, org_a, referent, diagnostic):
    """A page opened before the questions were paged sends the whole theme: nothing is lost."""
    client.force_login(referent)
    questions = theme_questions(org_a, "strategy")
    data = {}
    for qid in questions:
        data.update(fields(qid, "partly"))
    response = client.post(url("theme", 2025, "strategy"), data)
    assert response.status_code == 302
    stored = dict(Answer.objects.filter(diagnostic=diagnostic).values_list("question_id", "value"))
    assert stored == dict.fromkeys(questions, "partly")


def test_a_link_to_one_answer_opens_the_page_that_holds_it(client, org_a, referent, diagnostic):
    client.force_login(referent)
    last = theme_questions(org_a, "strategy")[-1]
    body = client.get(url("theme", 2025, "strategy") + f"?q={last}").content.decode()
    assert last in shown(body)
    assert (
        shown(client.get(url("theme", 2025, "strategy") + "?page=99").content.decode())[-1] == last
    )  # a page past the end is the last one


def test_handing_a_question_over_comes_back_to_its_page(client, org_a, referent, diagnostic):
    client.force_login(referent)
    last = theme_questions(org_a, "strategy")[-1]
    pages = question_pages([q for q in referential.questions_for(org_a) if q.theme == "strategy"])
    response = client.post(url("delegate", 2025, last), {"email": "collegue@example.org"})
    assert response.status_code == 302
    assert response["Location"] == (url("theme", 2025, "strategy") + f"?page={len(pages)}#q-{last}")


def test_a_reader_moves_between_pages_by_links(client, org_a, member, diagnostic):
    client.force_login(member(org_a, Role.READER))
    body = unescape(client.get(url("theme", 2025, "strategy")).content.decode())
    assert 'class="questionnaire" data-autosave' not in body and 'name="go_to_page"' not in body
    assert f'href="{url("theme", 2025, "strategy")}?page=2"' in body
    assert "page 1 sur" in body
