"""Last year's answers carried into a new diagnostic stay "to confirm" until someone acts on
that very question: changing it, ticking its confirm box, or pressing the theme's button that
confirms, with their count, the answers left unchanged. Saving a page confirms nothing else."""

from __future__ import annotations

import json
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from capnr.diagnostics import referential, selectors, services
from capnr.diagnostics.models import Answer
from capnr.diagnostics.services import Submission
from capnr.diagnostics.views import question_pages
from capnr.organisations.models import Role

pytestmark = pytest.mark.django_db

THEME = "data"


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def theme_questions(org_a):
    return [q.id for q in referential.questions_for(org_a) if q.theme == THEME]


@pytest.fixture
def carried(org_a, referent, access_of, theme_questions):
    """2025 started from a 2024 diagnostic where every question of the theme was 'yes'."""
    access = access_of(referent, org_a)
    last_year = services.diagnostic_start(access=access, year=2024, user=referent)
    services.answers_save(
        access=access,
        diagnostic=last_year,
        submissions=[Submission(qid, "yes", "", "", 0) for qid in theme_questions],
        user=referent,
    )
    return services.diagnostic_start(access=access, year=2025, user=referent)


def url(name, *args):
    return reverse(f"diagnostics:{name}", args=["alpha", *args])


class _FormReader(HTMLParser):
    """What a browser would send from the page's questionnaire form, button aside."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.data: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}  # text → (name, value)
        self._textarea: str | None = None
        self._button: tuple[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "questionnaire" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.data[a["name"]] = a.get("value", "on")
            elif kind != "submit":
                self.data[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""
        elif tag == "button":
            self._button, self._text = (a.get("name", ""), a.get("value", "")), ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data
        if self._button:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button:
            self.buttons[" ".join(self._text.split())] = self._button
            self._button = None


def read_form(response) -> _FormReader:
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader


def stored(diagnostic):
    return {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_saving_a_theme_saves_the_changed_answers_and_leaves_the_others_to_confirm(
    client, referent, carried, theme_questions
):
    client.force_login(referent)
    form = read_form(client.get(url("theme", 2025, THEME)))
    changed = theme_questions[:3]
    for qid in changed:
        form.data[f"{qid}-value"] = "no"
    response = client.post(url("theme", 2025, THEME), form.data)
    assert response.status_code == 302
    assert messages_of(response) == ["3 réponses enregistrées."]
    answers = stored(carried)
    assert {qid for qid, a in answers.items() if a.to_confirm} == set(theme_questions[3:])
    assert all(answers[qid].value == "no" and not answers[qid].to_confirm for qid in changed)
    assert selectors.progress(carried).answered == 3


def test_autosaved_changes_then_save_confirm_nothing_else(
    client, referent, carried, theme_questions
):
    """The newcomer's case: three answers changed (autosaved as they went), then Save."""
    client.force_login(referent)
    form = read_form(client.get(url("theme", 2025, THEME)))
    for qid in theme_questions[:3]:
        form.data[f"{qid}-value"] = "no"
        question = {k: v for k, v in form.data.items() if k.startswith(f"{qid}-")}
        reply = client.post(url("theme_autosave", 2025, THEME), {**question, "autosave": qid})
        body = json.loads(reply.content)
        assert body["status"] == "saved"
        # What the script does with the reply.
        form.data[f"{qid}-version"] = str(body["version"])
        form.data[f"{qid}-initial_print"] = body["initial"]
    response = client.post(url("theme", 2025, THEME), form.data)
    assert response.status_code == 302
    assert messages_of(response) == []  # nothing new was saved by the button
    assert sum(a.to_confirm for a in stored(carried).values()) == len(theme_questions) - 3


def test_an_untouched_carried_over_answer_is_not_confirmed_by_the_autosave(
    client, referent, carried, theme_questions
):
    client.force_login(referent)
    form = read_form(client.get(url("theme", 2025, THEME)))
    qid = theme_questions[0]
    question = {k: v for k, v in form.data.items() if k.startswith(f"{qid}-")}
    reply = client.post(url("theme_autosave", 2025, THEME), {**question, "autosave": qid})
    assert json.loads(reply.content)["status"] == "unchanged"
    assert stored(carried)[qid].to_confirm


def test_the_confirm_box_of_one_question_confirms_that_answer_only(
    client, referent, carried, theme_questions
):
    client.force_login(referent)
    page = client.get(url("theme", 2025, THEME))
    # One box per carried-over question, each on the page of the theme that shows it.
    boxes = sum(
        unescape(client.get(url("theme", 2025, THEME) + f"?page={number}").content.decode()).count(
            "Confirmer la réponse de l'an dernier"
        )
        for number in range(1, len(question_pages(theme_questions)) + 1)
    )
    assert boxes == len(theme_questions)
    form = read_form(page)
    first, second = theme_questions[:2]
    form.data[f"{first}-confirm"] = "on"
    form.data[f"{second}-value"] = "partly"
    response = client.post(url("theme", 2025, THEME), form.data)
    assert messages_of(response) == [
        "1 réponse enregistrée.",
        "1 réponse de l'an dernier confirmée.",
    ]
    answers = stored(carried)
    assert (answers[first].value, answers[first].to_confirm) == ("yes", False)
    assert answers[first].answered_by == referent
    assert (answers[second].value, answers[second].to_confirm) == ("partly", False)
    assert sum(a.to_confirm for a in answers.values()) == len(theme_questions) - 2


def test_the_confirm_box_works_through_the_autosave_too(client, referent, carried, theme_questions):
    client.force_login(referent)
    form = read_form(client.get(url("theme", 2025, THEME)))
    qid = theme_questions[0]
    question = {k: v for k, v in form.data.items() if k.startswith(f"{qid}-")}
    reply = client.post(
        url("theme_autosave", 2025, THEME), {**question, f"{qid}-confirm": "on", "autosave": qid}
    )
    assert json.loads(reply.content)["status"] == "saved"
    assert not stored(carried)[qid].to_confirm
    # A box ticked on a page opened before the confirmation changes nothing more.
    again = client.post(
        url("theme_autosave", 2025, THEME), {**question, f"{qid}-confirm": "on", "autosave": qid}
    )
    assert again.status_code == 409 or json.loads(again.content)["status"] == "unchanged"
    assert stored(carried)[qid].version == 2


def test_the_pages_button_names_how_many_it_confirms_and_keeps_the_changes(
    client, referent, carried, theme_questions
):
    """The theme's questions come a few a page: each page's button confirms, and counts, the
    carried-over answers that page shows and the user left unchanged, and no other."""
    client.force_login(referent)
    first, second = question_pages(theme_questions)[:2]
    page = client.get(url("theme", 2025, THEME))
    form = read_form(page)
    label = f"Confirmer les {len(first)} réponses inchangées"
    assert label in form.buttons, form.buttons
    for qid in first[:2]:
        form.data[f"{qid}-value"] = "no"
    name, value = form.buttons[label]
    response = client.post(url("theme", 2025, THEME), {**form.data, name: value})
    assert response.status_code == 302
    assert response["Location"] == url("theme", 2025, THEME)
    assert messages_of(response) == [
        "2 réponses enregistrées.",
        f"{len(first) - 2} réponses de l'an dernier confirmées.",
    ]
    answers = stored(carried)
    assert {qid for qid, a in answers.items() if a.to_confirm} == set(theme_questions) - set(first)
    assert [answers[qid].value for qid in first[:3]] == ["no", "no", "yes"]
    # Nothing left to confirm on this page: neither the button nor the boxes are shown.
    after = unescape(client.get(url("theme", 2025, THEME)).content.decode())
    assert "inchangée" not in after and "Confirmer la réponse de l'an dernier" not in after
    # The next page's button confirms that page's answers.
    following = url("theme", 2025, THEME) + "?page=2"
    form = read_form(client.get(following))
    label = f"Confirmer les {len(second)} réponses inchangées"
    name, value = form.buttons[label]
    response = client.post(following, {**form.data, name: value})
    assert response["Location"] == following
    assert messages_of(response) == [f"{len(second)} réponses de l'an dernier confirmées."]
    answers = stored(carried)
    assert {qid for qid, a in answers.items() if a.to_confirm} == (
        set(theme_questions) - set(first) - set(second)
    )


def test_the_pages_tell_the_user_what_confirms_an_answer(client, referent, carried):
    client.force_login(referent)
    body = unescape(client.get(url("theme", 2025, THEME)).content.decode())
    assert "Enregistrer ne confirme que les réponses que vous modifiez ou cochez" in body


def test_a_delegate_saving_their_carried_over_question_confirms_it(
    client, org_a, referent, member, access_of, carried, theme_questions
):
    """On a delegate's page the question is alone: saving it is the explicit act."""
    contributor = member(org_a, Role.CONTRIBUTOR)
    qid = theme_questions[0]
    delegation = services.delegation_create(
        access=access_of(referent, org_a),
        diagnostic=carried,
        question_id=qid,
        created_by=referent,
        user_id=contributor.pk,
        build_url=lambda raw: "https://capnr.example.org/",
        notify=False,
    )
    client.force_login(contributor)
    page = client.get(f"/o/alpha/diagnostic/mine/{delegation.pk}/")
    assert "Confirmer la réponse de l'an dernier" not in unescape(page.content.decode())
    response = client.post(f"/o/alpha/diagnostic/mine/{delegation.pk}/", read_form(page).data)
    assert response.status_code == 302
    assert (stored(carried)[qid].value, stored(carried)[qid].to_confirm) == ("yes", False)


def test_the_service_confirms_an_untouched_answer_only_when_asked(
    org_a, referent, access_of, carried, theme_questions
):
    access = access_of(referent, org_a)
    first, second = theme_questions[:2]
    shown = services.fingerprint("yes", "", "")
    result = services.answers_save(
        access=access,
        diagnostic=carried,
        submissions=[
            Submission(first, "yes", "", "", 1, initial=shown),
            Submission(second, "yes", "", "", 1, initial=shown, confirm=True),
        ],
        user=referent,
    )
    assert (result.saved, result.confirmed) == ([], [second])
    answers = stored(carried)
    assert answers[first].to_confirm and not answers[second].to_confirm
