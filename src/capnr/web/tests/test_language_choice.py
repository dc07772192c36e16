"""The footer's language form keeps the choice on the account of someone logged in (their
emails are written in it), and logging in on another browser brings it back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def choose(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/account/"})


def test_the_footer_form_keeps_the_language_of_someone_logged_in(client, make_user):
    user = make_user()
    client.force_login(user)
    response = choose(client, "en")
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get("/account/").content.decode()
    assert "Your emails are written in the language you last chose" in page
    choose(client, "fr")
    user.refresh_from_db()
    assert user.language == "fr"


def test_an_anonymous_visitor_changes_only_the_cookie(client, make_user):
    user = make_user()
    response = choose(client, "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "fr"


def test_a_language_cap_nr_does_not_speak_is_not_kept(client, make_user):
    user = make_user()
    client.force_login(user)
    choose(client, "de")
    user.refresh_from_db()
    assert user.language == "fr"


def test_logging_in_on_another_browser_brings_back_the_language_chosen(client, make_user):
    user = make_user(language="en")
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/account/").content.decode()
    assert '<html lang="en">' in page


def test_an_account_made_from_an_invitation_keeps_the_language_the_page_was_read_in(
    client, org_a, member, access_of, django_capture_on_commit_callbacks
):
    from django.core import mail

    from capnr.organisations import services
    from capnr.organisations.models import Role

    referent = member(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            access=access_of(referent, org_a),
            invited_by=referent,
            email="new@example.net",
            role=Role.READER,
            build_accept_url=lambda raw: f"/invitations/{raw}/",
        )
    url = "/invitations/" + mail.outbox[0].body.split("/invitations/")[1].split("/")[0] + "/"
    choose(client, "en")
    response = client.post(
        url, {"full_name": "New Person", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(email="new@example.net").language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
